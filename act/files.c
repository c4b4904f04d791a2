/*
 * The file set, installed as one unit (files.h): checked, built as a new
 * state dir beside the old one, exchanged with it in one rename, then
 * committed or rolled back.
 */
#define _GNU_SOURCE
#include "act/files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act/fileset.h"
#include "act/fsutil.h"
#include "act/guard.h"
#include "lib/xalloc.h"

/* Something this run made outside the new set. */
struct made {
	char *path;
	dev_t dev;
	ino_t ino;
	bool dir;
};

enum stage { ST_NONE, ST_BUILT, ST_EXCHANGED, ST_PLACED };

struct files_txn {
	const struct plan *plan;
	enum where *where;
	int parent;            /* the state dir's parent, while a set is built */
	char *parent_path, *base;
	char *snap;            /* the sibling: new set, then (exchanged) the old */
	int snap_fd, journal_fd;
	enum stage stage;
	char *state_missing;   /* the first ancestor this run created, if any */
	struct made *made;
	size_t nmade, made_alloc;
};

/* The blob names a set replaces whether or not this plan has them: an old
 * session must not outlive the dh-cert it went with. */
static const char *const set_names[] = { "dh_cert.base64", "session.base64", NULL };

static bool is_set_name(const struct files_txn *t, const char *name)
{
	for (size_t i = 0; set_names[i]; i++)
		if (strcmp(name, set_names[i]) == 0)
			return true;
	for (size_t i = 0; i < t->plan->nfiles; i++)
		if (t->where[i] == W_SET && strcmp(name, t->plan->files[i].name) == 0)
			return true;
	return false;
}

static bool interrupted(struct diag *d)
{
	int sig = guard_pending();
	if (sig)
		diag_path_error(d, 128 + sig, NULL,
				"interrupted by signal %d (%s); the previous files are left as they were",
				sig, strsignal(sig));
	return sig != 0;
}

static bool writes_state_dir(const struct files_txn *t)
{
	for (size_t i = 0; i < t->plan->nfiles; i++)
		if (t->where[i] != W_OUTSIDE)
			return true;
	return false;
}

/* --- building the new set --------------------------------------------------- */

/* A file of the set, written whole into DIRFD. */
static bool write_file(int dirfd, const struct plan_file *f, struct diag *d)
{
	int fd = openat(dirfd, f->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			O_CLOEXEC, 0600);
	/* 0600 whatever the umask: the blobs are the guest owner's secrets. */
	bool ok = fd >= 0 && fchmod(fd, 0600) == 0 &&
		  fs_write_all(fd, f->content, f->size) && fsync(fd) == 0;
	int err = errno;
	if (fd >= 0 && close(fd) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (!ok)
		diag_path_error(d, EXIT_CANTCREAT, f->path, "cannot write: %s",
				strerror(err));
	return ok;
}

static bool note_made(struct files_txn *t, const char *path,
		      const struct stat *st, bool dir, struct diag *d);

/*
 * A file copied whole from its template into DIRFD under F's name, never
 * replacing anything.  The template is opened once and read from that
 * descriptor.  OUTSIDE: the file is noted as made (journal first) before
 * it gets its name.
 */
static bool copy_new(struct files_txn *t, int dirfd, const struct plan_file *f,
		     bool outside, struct diag *d)
{
	struct stat tst, st;
	/* Planned while the file was missing; a launch that held the guest's
	 * lock since then made it: the guest's own now, kept as it is (a
	 * symbolic link there is not, and fails the no-replace naming below). */
	if (fstatat(dirfd, f->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode))
		return true;
	int in = files_open_template(f->template, &tst, d);
	if (in < 0)
		return false;
	char *temp = NULL;
	int out = fs_new_unnamed(dirfd, f->name, &temp);
	int got = out < 0 ? -1 : fs_copy(in, out, tst.st_size);
	bool ok = got == 0 && fsync(out) == 0 && fstat(out, &st) == 0;
	if (!ok && got > 0)
		interrupted(d);
	else if (!ok)
		diag_path_error(d, EXIT_CANTCREAT, f->path,
				"cannot write from %s: %s", f->template, strerror(errno));
	ok = ok && (!outside || note_made(t, f->path, &st, false, d));
	if (ok && !fs_name_new(out, temp, dirfd, f->name)) {
		diag_path_error(d, EXIT_CANTCREAT, f->path, "cannot create: %s",
				strerror(errno));
		ok = false;
	}
	if (!ok && temp)
		unlinkat(dirfd, temp, 0);
	if (out >= 0)
		close(out);
	close(in);
	free(temp);
	return ok;
}

/* The existing state dir's other entries, hard-linked into the new set. */
static bool carry_over(struct files_txn *t, int old, struct diag *d)
{
	DIR *dh = fdopendir(dup(old));
	if (!dh) {
		diag_path_error(d, EXIT_CANTCREAT, t->plan->state_dir, "%s",
				strerror(errno));
		return false;
	}
	bool ok = true;
	for (struct dirent *e; ok && (e = readdir(dh));) {
		const char *n = e->d_name;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 ||
		    strcmp(n, JOURNAL_NAME) == 0 || fs_is_residue(n))
			continue;
		struct stat st;
		bool dir = fstatat(old, n, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			   S_ISDIR(st.st_mode);
		if (dir || is_set_name(t, n)) {
			if (!dir)
				continue; /* replaced by the new set's */
			char *path = xasprintf("%s/%s", t->plan->state_dir, n);
			diag_path_error(d, EXIT_CANTCREAT, path, "%s", is_set_name(t, n)
					? "is in the way and is not a file; expected a file sevqemu may replace"
					: "is a directory; the state dir holds only the files sevqemu puts there, and a new set cannot carry a directory");
			free(path);
			ok = false;
		} else if (linkat(old, n, t->snap_fd, n, 0) != 0) {
			diag_path_error(d, EXIT_CANTCREAT, t->plan->state_dir,
					"cannot keep %s in the new set: %s", n,
					strerror(errno));
			ok = false;
		} else {
			ok = !interrupted(d);
		}
	}
	closedir(dh);
	return ok;
}

/* The new set's directory, beside the state dir: ".NAME.sevqemu-HEX12". */
static bool make_snapshot(struct files_txn *t, mode_t mode, struct diag *d)
{
	for (int tries = 0; tries < 16 && !t->snap; tries++) {
		char hex[13];
		if (!fs_random_hex(hex)) {
			diag_path_error(d, EXIT_CANTCREAT, t->plan->state_dir,
					"no random bytes for a temporary name (getrandom and /dev/urandom both failed)");
			return false;
		}
		char *name = xasprintf(".%s" SNAPSHOT_TAG "%s", t->base, hex);
		if (mkdirat(t->parent, name, 0700) == 0)
			t->snap = name;
		else if (errno != EEXIST) {
			diag_path_error(d, EXIT_CANTCREAT, t->parent_path,
					"cannot create the new state dir beside %s: %s",
					t->base, strerror(errno));
			free(name);
			return false;
		} else {
			free(name);
		}
	}
	struct stat st;
	if (t->snap)
		t->stage = ST_BUILT;
	t->snap_fd = t->snap ? openat(t->parent, t->snap, O_RDONLY | O_DIRECTORY |
				      O_NOFOLLOW | O_CLOEXEC) : -1;
	if (t->snap_fd < 0 || fstat(t->snap_fd, &st) != 0 ||
	    st.st_uid != geteuid() || fchmod(t->snap_fd, mode) != 0) {
		diag_path_error(d, EXIT_CANTCREAT, t->parent_path,
				"cannot make the new state dir beside %s safely",
				t->base);
		return false;
	}
	return true;
}

/* PARENT_PATH and BASE from the state dir's path (73 when it has no name
 * of its own, as "." has not). */
static bool split_state_dir(struct files_txn *t, struct diag *d)
{
	char *p = xstrdup(t->plan->state_dir);
	size_t len = strlen(p);
	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
	char *slash = strrchr(p, '/');
	const char *base = slash ? slash + 1 : p;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		diag_path_error(d, EXIT_CANTCREAT, t->plan->state_dir,
				"cannot be replaced whole, in one rename: name the state dir by a path ending in its own name");
		free(p);
		return false;
	}
	t->base = xstrdup(base);
	if (!slash)
		t->parent_path = xstrdup(".");
	else if (slash == p)
		t->parent_path = xstrdup("/");
	else
		t->parent_path = xstrndup(p, (size_t)(slash - p));
	free(p);
	return true;
}

/* Opens the existing state dir in T->parent: its descriptor, -1 when it
 * does not exist (*ST untouched), -2 after an error. */
static int open_old(struct files_txn *t, struct stat *st, struct diag *d)
{
	int old = openat(t->parent, t->base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			 O_CLOEXEC);
	if (old < 0 && errno == ENOENT)
		return -1;
	if (old < 0) {
		diag_path_error(d, EXIT_CANTCREAT, t->plan->state_dir, "%s",
				errno == ELOOP || errno == ENOTDIR
					? "is a symbolic link or not a directory; the state dir must be a real directory"
					: strerror(errno));
		return -2;
	}
	if (fstat(old, st) != 0 || !files_safe_dir(st, t->plan->state_dir, d)) {
		close(old);
		return -2;
	}
	return old;
}

/* The new set, complete and fsync'd, beside the state dir. */
static bool build_set(struct files_txn *t, bool *existed, struct diag *d)
{
	const struct plan *plan = t->plan;
	if (!split_state_dir(t, d))
		return false;
	t->state_missing = files_first_missing(plan->state_dir);
	if (!files_make_dirs(t->parent_path, d))
		return false;
	t->parent = open(t->parent_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->parent < 0) {
		diag_path_error(d, EXIT_CANTCREAT, t->parent_path, "%s",
				strerror(errno));
		return false;
	}
	struct stat st;
	int old = open_old(t, &st, d);
	if (old == -2)
		return false;
	*existed = old >= 0;
	bool ok = make_snapshot(t, old >= 0 ? st.st_mode & 0777 : 0700, d) &&
		  (old < 0 || carry_over(t, old, d));
	if (old >= 0)
		close(old);
	for (size_t i = 0; ok && i < plan->nfiles; i++) {
		const struct plan_file *f = &plan->files[i];
		if (t->where[i] == W_SET)
			ok = write_file(t->snap_fd, f, d) && !interrupted(d);
		else if (t->where[i] == W_STATE_NEW)
			ok = copy_new(t, t->snap_fd, f, false, d);
	}
	if (ok && fsync(t->snap_fd) != 0) {
		diag_path_error(d, EXIT_CANTCREAT, plan->state_dir,
				"cannot write the new set: %s", strerror(errno));
		ok = false;
	}
	return ok;
}

static void add_made(struct files_txn *t, const char *path,
		     const struct stat *st, bool dir)
{
	XGROW(t->made, t->nmade, t->made_alloc);
	t->made[t->nmade++] = (struct made){
		xstrdup(path), st->st_dev, st->st_ino, dir,
	};
}

/* PATH made absolute, for the journal a later run reads from elsewhere. */
static char *absolute(const char *path)
{
	if (path[0] == '/')
		return xstrdup(path);
	char *cwd = getcwd(NULL, 0);
	char *abs = xasprintf("%s/%s", cwd ? cwd : ".", path);
	free(cwd);
	return abs;
}

/* Notes something this run made outside the set: in memory for a
 * rollback, in the new set's journal for a next run. */
static bool note_made(struct files_txn *t, const char *path,
		      const struct stat *st, bool dir, struct diag *d)
{
	add_made(t, path, st, dir);
	if (t->snap_fd < 0)
		return true;
	char *abs = absolute(path);
	bool ok = journal_add(t->snap_fd, &t->journal_fd, dir ? 'd' : 'f', st, abs);
	free(abs);
	if (!ok)
		diag_path_error(d, EXIT_CANTCREAT, t->plan->state_dir,
				"cannot record what this run creates: %s",
				strerror(errno));
	return ok;
}

/* The directories from MISSING down to DIR, which this run just made. */
static bool note_dirs(struct files_txn *t, const char *dir, const char *missing,
		      struct diag *d)
{
	if (!missing)
		return true;
	char *p = xstrdup(dir);
	size_t stop = strlen(missing);
	bool ok = true;
	/* Top down: undone bottom up, newest first. */
	for (size_t at = stop; ok; at++) {
		char keep = p[at];
		if (keep != '/' && keep != '\0')
			continue;
		p[at] = '\0';
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			ok = note_made(t, p, &st, true, d);
		p[at] = keep;
		if (!keep)
			break;
	}
	free(p);
	return ok;
}

/* A file outside the state dir (an nvram elsewhere), with the directories
 * it needs. */
static bool create_outside(struct files_txn *t, const struct plan_file *f,
			   struct diag *d)
{
	char *missing = files_first_missing(f->dir);
	bool ok = files_make_dirs(f->dir, d);
	ok = note_dirs(t, f->dir, missing, d) && ok;
	free(missing);
	int dirfd = ok ? open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (ok && dirfd < 0) {
		diag_path_error(d, EXIT_CANTCREAT, f->dir, "%s", strerror(errno));
		ok = false;
	}
	ok = ok && copy_new(t, dirfd, f, true, d);
	if (ok && fsync(dirfd) != 0) {
		diag_path_error(d, EXIT_CANTCREAT, f->dir, "%s", strerror(errno));
		ok = false;
	}
	if (dirfd >= 0)
		close(dirfd);
	return ok;
}

/* A state dir that nothing is written into (sockets go there): made, and
 * checked like one that is. */
static bool plain_state_dir(struct files_txn *t, struct diag *d)
{
	const char *dir = t->plan->state_dir;
	t->state_missing = files_first_missing(dir);
	if (!files_make_dirs(dir, d))
		return false;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		diag_path_error(d, EXIT_CANTCREAT, dir, "%s",
				errno == ELOOP || errno == ENOTDIR
					? "is a symbolic link or not a directory; the state dir must be a real directory"
					: strerror(errno));
		return false;
	}
	bool ok = fstat(fd, &st) == 0 && files_safe_dir(&st, dir, d);
	close(fd);
	return ok;
}

/* The one step: the new set takes the state dir's place. */
static bool switch_set(struct files_txn *t, bool existed, struct diag *d)
{
	if (interrupted(d))
		return false;
	if (renameat2(t->parent, t->snap, t->parent, t->base,
		      existed ? RENAME_EXCHANGE : RENAME_NOREPLACE) != 0) {
		int err = errno;
		diag_path_error(d, EXIT_CANTCREAT, t->plan->state_dir,
				"cannot switch to the new set: %s%s", strerror(err),
				err == EINVAL ? " (this file system cannot exchange two directories in one rename, as sevqemu needs: use ext4, xfs, btrfs or tmpfs)"
				: err == EBUSY ? " (is the state dir a mount point? mount at its parent)"
				: "");
		return false;
	}
	t->stage = existed ? ST_EXCHANGED : ST_PLACED;
	fsync(t->parent);
	return true;
}

static void txn_free(struct files_txn *t)
{
	if (t->journal_fd >= 0)
		close(t->journal_fd);
	if (t->snap_fd >= 0)
		close(t->snap_fd);
	if (t->parent >= 0)
		close(t->parent);
	for (size_t i = 0; i < t->nmade; i++)
		free(t->made[i].path);
	free(t->made);
	free(t->where);
	free(t->parent_path);
	free(t->base);
	free(t->snap);
	free(t->state_missing);
	free(t);
}

struct files_txn *files_install(const struct plan *plan, struct diag *d)
{
	struct files_txn *t = xcalloc(1, sizeof(*t));
	t->plan = plan;
	t->parent = t->snap_fd = t->journal_fd = -1;
	t->where = xcalloc(plan->nfiles ? plan->nfiles : 1, sizeof(*t->where));
	for (size_t i = 0; i < plan->nfiles; i++)
		t->where[i] = where_of(plan, &plan->files[i]);
	bool ok = true, existed = false;
	if (writes_state_dir(t))
		ok = build_set(t, &existed, d);
	else if (plan->state_dir_used && plan->state_dir)
		ok = plain_state_dir(t, d);
	for (size_t i = 0; ok && i < plan->nfiles; i++)
		if (t->where[i] == W_OUTSIDE)
			ok = create_outside(t, &plan->files[i], d) && !interrupted(d);
	if (ok && t->stage == ST_BUILT)
		ok = switch_set(t, existed, d);
	if (!ok) {
		files_rollback(t);
		return NULL;
	}
	return t;
}

/* The journal in the (new) state dir: the set it describes is in place. */
static void drop_journal(struct files_txn *t)
{
	int fd = openat(t->parent, t->base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
	if (fd < 0)
		return;
	if (unlinkat(fd, JOURNAL_NAME, 0) == 0)
		fsync(fd);
	close(fd);
}

void files_commit(struct files_txn *t)
{
	if (t->stage == ST_EXCHANGED)
		fs_remove_dir(t->parent, t->snap); /* the previous set */
	if (t->stage == ST_EXCHANGED || t->stage == ST_PLACED) {
		drop_journal(t);
		fsync(t->parent);
	}
	txn_free(t);
}

void files_keep(struct files_txn *t)
{
	txn_free(t);
}

void files_rollback(struct files_txn *t)
{
	if (t->stage == ST_EXCHANGED &&
	    renameat2(t->parent, t->snap, t->parent, t->base, RENAME_EXCHANGE) == 0)
		t->stage = ST_BUILT;
	else if (t->stage == ST_PLACED &&
		 renameat(t->parent, t->base, t->parent, t->snap) == 0)
		t->stage = ST_BUILT;
	/* Newest first: a file before the directories made for it. */
	for (size_t i = t->nmade; i-- > 0;)
		fs_remove_if_same(t->made[i].path, t->made[i].dev, t->made[i].ino,
				  t->made[i].dir);
	if (t->stage == ST_BUILT && t->snap)
		fs_remove_dir(t->parent, t->snap); /* the set that was not to be */
	if (t->parent >= 0)
		fsync(t->parent);
	if (t->state_missing && t->stage != ST_EXCHANGED && t->stage != ST_PLACED)
		files_unmake_dirs(t->plan->state_dir, t->state_missing);
	txn_free(t);
}

bool files_write(const struct plan *plan, struct diag *d)
{
	struct files_txn *t = files_install(plan, d);
	if (!t)
		return false;
	files_commit(t);
	return true;
}
