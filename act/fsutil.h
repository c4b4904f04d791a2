/*
 * fsutil: the small file-system steps the file set (files.c) is made of,
 * each relative to a directory descriptor, none following a symlink.
 */
#ifndef SEVQEMU_FSUTIL_H
#define SEVQEMU_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Every byte of BUF to FD; false with errno set. */
bool fs_write_all(int fd, const char *buf, size_t len);

/*
 * Copies IN (a template checked to be SIZE bytes) into OUT, in pieces,
 * asking guard_pending() between them.  0: done; -1: failed with errno
 * (EIO when the template did not hold SIZE bytes); > 0: the signal that is
 * pending.  Never reads more than SIZE + 1 bytes.
 */
int fs_copy(int in, int out, off_t size);

/* 12 random hex digits and a NUL, from getrandom(2), else /dev/urandom;
 * false when neither answers (a name is then never guessed instead). */
bool fs_random_hex(char out[13]);

/* Whether NAME is a temporary an earlier run (or an older sevqemu) left:
 * ".SOMETHING.new-HEX12" or ".SOMETHING.old-HEX12". */
bool fs_is_residue(const char *name);

/*
 * A new file in DIRFD that has no name yet: O_TMPFILE, or where the file
 * system has none, a ".NAME.new-HEX12" temporary (*TEMP set, to be named
 * by fs_name_new()).  Mode 0600 whatever the umask.  -1 with errno.
 */
int fs_new_unnamed(int dirfd, const char *name, char **temp);

/* Gives the file FD (from fs_new_unnamed) the name NAME in DIRFD, only if
 * nothing has that name (EEXIST otherwise; never replaces). */
bool fs_name_new(int fd, const char *temp, int dirfd, const char *name);

/* Removes directory NAME in PARENT with the files in it (it holds no
 * directories: sevqemu makes none there). */
void fs_remove_dir(int parent, const char *name);

/* The journal of what a run made outside its new set (files.h). */
#define JOURNAL_NAME ".sevqemu-created"

/* Appends one record (KIND 'f' file or 'd' directory, its device, inode
 * and PATH) to the journal in DIRFD (*JFD opened on first use) and
 * fsyncs it.  False with errno. */
bool journal_add(int dirfd, int *jfd, char kind, const struct stat *st,
		 const char *path);

/*
 * Removes, newest first, the directories the journal in DIRFD lists, each
 * only if it is empty and its device and inode still match.  The files it
 * lists stay: each is a whole copy of its template that no guest has used
 * (it was named only once complete), and the run that finds it has already
 * planned to use it as the guest's nvram.
 */
void journal_undo(int dirfd);

/* Removes PATH if it is still (DEV, INO): a file (DIR false) or an empty
 * directory. */
void fs_remove_if_same(const char *path, dev_t dev, ino_t ino, bool dir);

#endif
