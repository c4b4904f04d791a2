/* One launch at a time per guest: see lock.h. */
#define _GNU_SOURCE
#include "act/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "act/statedir.h"
#include "lib/xalloc.h"

static struct flock whole(short type)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET };
	return fl;
}

/* The state dir itself, made if missing; its descriptor, or -1 (73). */
static int open_dir(struct guest_lock *l, struct diag *d)
{
	l->missing = files_first_missing(l->state_dir);
	if (!files_make_dirs(l->state_dir, d))
		return -1;
	l->made_dir = l->missing != NULL;
	int fd = open(l->state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		diag_path_error(d, EXIT_CANTCREAT, l->state_dir, "%s",
				errno == ELOOP || errno == ENOTDIR
					? "is a symbolic link or not a directory; the state dir must be a real directory"
					: strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !files_safe_dir(&st, l->state_dir, d)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether FD is still the file linked at STATE/lock. */
static bool still_linked(const struct guest_lock *l, int fd)
{
	struct stat mine, there;
	char *path = xasprintf("%s/%s", l->state_dir, LOCK_NAME);
	bool same = fstat(fd, &mine) == 0 &&
		    lstat(path, &there) == 0 && mine.st_dev == there.st_dev &&
		    mine.st_ino == there.st_ino;
	free(path);
	return same;
}

static void busy(const struct guest_lock *l, int fd, const char *guest,
		 struct diag *d)
{
	struct flock fl = whole(F_WRLCK);
	pid_t pid = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK
		    ? fl.l_pid : 0;
	char *path = xasprintf("%s/%s", l->state_dir, LOCK_NAME);
	if (pid > 0)
		diag_path_error(d, EXIT_TEMPFAIL, path,
				"guest '%s' is already running: pid %ld holds its lock; one launch at a time (it ends when that process does)",
				guest, (long)pid);
	else
		diag_path_error(d, EXIT_TEMPFAIL, path,
				"guest '%s' is being launched by another run; one launch at a time",
				guest);
	free(path);
}

/* One attempt: 1 locked, 0 try again (the file was replaced), -1 failed. */
static int attempt(struct guest_lock *l, int dirfd, const char *guest,
		   struct diag *d)
{
	int fd = openat(dirfd, LOCK_NAME,
			O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	bool made = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = openat(dirfd, LOCK_NAME, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0; /* the dir was switched away meanwhile: open it afresh */
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_path_error(d, EXIT_CANTCREAT, l->state_dir,
				"cannot open its lock file %s: %s", LOCK_NAME,
				fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct flock fl = whole(F_WRLCK);
	if (fcntl(fd, F_SETLK, &fl) != 0) {
		if (errno == EAGAIN || errno == EACCES)
			busy(l, fd, guest, d);
		else
			diag_path_error(d, EXIT_CANTCREAT, l->state_dir,
					"cannot lock %s: %s", LOCK_NAME, strerror(errno));
		close(fd);
		return -1;
	}
	if (!still_linked(l, fd)) {
		close(fd); /* a failed first launch removed it: take the new one */
		return 0;
	}
	l->fd = fd;
	l->made_file = made;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	char pid[24];
	int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) == n)
		return 1;
	diag_path_error(d, EXIT_CANTCREAT, l->state_dir,
			"cannot write its lock file %s: %s", LOCK_NAME, strerror(errno));
	return -1;
}

bool lock_take(const char *state_dir, const char *guest, struct guest_lock *l,
	       struct diag *d)
{
	l->state_dir = xstrdup(state_dir);
	int dirfd = open_dir(l, d);
	int got = -1;
	for (int tries = 0; dirfd >= 0 && tries < 8; tries++) {
		got = attempt(l, dirfd, guest, d);
		if (got != 0)
			break;
		/* The dir may have gone with the file: open it afresh. */
		close(dirfd);
		dirfd = open_dir(l, d);
	}
	if (dirfd >= 0)
		close(dirfd);
	if (got == 0 && !diag_failed(d))
		diag_path_error(d, EXIT_TEMPFAIL, state_dir,
				"its lock file keeps being replaced; is another program removing it?");
	if (got != 1) {
		lock_release(l, true);
		return false;
	}
	return true;
}

pid_t lock_holder(const char *state_dir)
{
	char *path = xasprintf("%s/%s", state_dir, LOCK_NAME);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	free(path);
	if (fd < 0)
		return 0;
	struct flock fl = whole(F_WRLCK);
	pid_t pid = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK
		    ? fl.l_pid : 0;
	close(fd);
	return pid;
}

void lock_pass_on(struct guest_lock *l)
{
	if (l->fd >= 0)
		fcntl(l->fd, F_SETFD, 0);
}

void lock_keep(struct guest_lock *l)
{
	if (l->fd >= 0)
		fcntl(l->fd, F_SETFD, FD_CLOEXEC);
}

void lock_release(struct guest_lock *l, bool failed)
{
	if (failed && l->fd >= 0 && l->made_file) {
		/* Ours, and nothing else of this run is left: it goes, still
		 * locked, so that a run waiting on it sees it gone and retries. */
		char *path = xasprintf("%s/%s", l->state_dir, LOCK_NAME);
		struct stat st;
		if (lstat(path, &st) == 0 && st.st_dev == l->dev &&
		    st.st_ino == l->ino)
			unlink(path);
		free(path);
	}
	if (failed && l->state_dir && l->made_dir)
		files_unmake_dirs(l->state_dir, l->missing);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	free(l->state_dir);
	free(l->missing);
	l->state_dir = NULL;
	l->missing = NULL;
}
