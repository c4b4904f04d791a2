#define _GNU_SOURCE
#include "act/files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"

/* The state dir's own checks, on a descriptor or a stat of it. */
static bool safe_dir(const struct stat *st, const char *dir, struct diag *d)
{
	if (!S_ISDIR(st->st_mode)) {
		diag_path_error(d, EXIT_CANTCREAT, dir,
				"is not a directory; expected the state dir");
		return false;
	}
	if (st->st_uid != geteuid()) {
		diag_path_error(d, EXIT_CANTCREAT, dir,
				"belongs to uid %u, not to you (uid %u); the state dir holds secrets, pass a --state-dir of your own",
				(unsigned)st->st_uid, (unsigned)geteuid());
		return false;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		diag_path_error(d, EXIT_CANTCREAT, dir,
				"is writable by %s (mode %04o); the state dir must be writable only by you (chmod 700)",
				(st->st_mode & S_IWOTH) ? "others" : "its group",
				(unsigned)(st->st_mode & 07777));
		return false;
	}
	return true;
}

/* The nearest existing ancestor of PATH must be a directory we can write. */
static bool creatable(const char *path, struct diag *d)
{
	char *p = xstrdup(path);
	bool ok = false;
	for (;;) {
		char *slash = strrchr(p, '/');
		if (!slash)
			strcpy(p, ".");
		else if (slash == p)
			p[1] = '\0';
		else
			*slash = '\0';
		struct stat st;
		if (stat(p, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				diag_path_error(d, EXIT_CANTCREAT, p,
						"is not a directory; cannot create %s in it", path);
			else if (access(p, W_OK | X_OK) != 0)
				diag_path_error(d, EXIT_CANTCREAT, p,
						"is not writable; cannot create %s", path);
			else
				ok = true;
			break;
		}
		if (errno != ENOENT) {
			diag_path_error(d, EXIT_CANTCREAT, p, "%s", strerror(errno));
			break;
		}
		if (strcmp(p, ".") == 0 || strcmp(p, "/") == 0)
			break;
	}
	free(p);
	return ok;
}

bool files_check(const struct plan *plan, struct diag *d)
{
	if (plan->state_dir_used) {
		struct stat st;
		if (lstat(plan->state_dir, &st) == 0) {
			if (S_ISLNK(st.st_mode)) {
				diag_path_error(d, EXIT_CANTCREAT, plan->state_dir,
						"is a symbolic link; the state dir must be a real directory");
				return false;
			}
			if (!safe_dir(&st, plan->state_dir, d))
				return false;
			if (access(plan->state_dir, W_OK | X_OK) != 0) {
				diag_path_error(d, EXIT_CANTCREAT, plan->state_dir,
						"is not writable");
				return false;
			}
		} else if (errno != ENOENT) {
			diag_path_error(d, EXIT_CANTCREAT, plan->state_dir, "%s",
					strerror(errno));
			return false;
		} else if (!creatable(plan->state_dir, d)) {
			return false;
		}
	}
	for (size_t i = 0; i < plan->nfiles; i++) {
		const struct plan_file *f = &plan->files[i];
		if (f->in_state_dir)
			continue;
		struct stat st;
		if (stat(f->dir, &st) != 0) {
			/* Missing: created like the state dir's parents. */
			if (!creatable(f->dir, d))
				return false;
		} else if (!S_ISDIR(st.st_mode)) {
			diag_path_error(d, EXIT_CANTCREAT, f->dir,
					"is not a directory; cannot create %s there", f->name);
			return false;
		} else if (access(f->dir, W_OK | X_OK) != 0) {
			diag_path_error(d, EXIT_CANTCREAT, f->dir,
					"is not writable; cannot create %s", f->name);
			return false;
		}
	}
	return true;
}

/* mkdir -p for the parents of DIR (mode 0700), following their links. */
static bool make_parents(const char *dir, struct diag *d)
{
	char *p = xstrdup(dir);
	bool ok = true;
	for (char *s = p + 1; *s && ok; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) == 0) {
			/* mkdir's mode went through the umask; ours does not. */
			chmod(p, 0700);
		} else if (errno != EEXIST) {
			diag_path_error(d, EXIT_CANTCREAT, p, "cannot create: %s",
					strerror(errno));
			ok = false;
		}
		*s = '/';
	}
	free(p);
	return ok;
}

/* Opens the state dir (creating it 0700), refusing links and unsafe dirs. */
static int open_state_dir(const char *dir, struct diag *d)
{
	if (!make_parents(dir, d))
		return -1;
	bool created = mkdir(dir, 0700) == 0;
	if (created)
		chmod(dir, 0700); /* before opening: a umask may have taken u+rx */
	if (!created && errno != EEXIST) {
		diag_path_error(d, EXIT_CANTCREAT, dir, "cannot create: %s",
				strerror(errno));
		return -1;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		diag_path_error(d, EXIT_CANTCREAT, dir, "%s",
				errno == ELOOP || errno == ENOTDIR
					? "is a symbolic link or not a directory; the state dir must be a real directory"
					: strerror(errno));
		return -1;
	}
	struct stat st;
	if (created)
		fchmod(fd, 0700);
	if (fstat(fd, &st) != 0 || !safe_dir(&st, dir, d)) {
		close(fd);
		return -1;
	}
	return fd;
}

static char *temp_name(const char *name, const char *kind)
{
	unsigned char r[6];
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		memset(r, (int)getpid(), sizeof(r));
	return xasprintf(".%s.%s-%02x%02x%02x%02x%02x%02x", name, kind, r[0],
			 r[1], r[2], r[3], r[4], r[5]);
}

static bool write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

static bool copy_into(int out, const char *template, struct diag *d)
{
	int in = open(template, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		diag_path_error(d, EXIT_NOINPUT, template, "cannot open: %s",
				strerror(errno));
		return false;
	}
	char buf[65536];
	bool ok = true;
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_path_error(d, EXIT_NOINPUT, template, "cannot read: %s",
					strerror(errno));
			ok = false;
			break;
		}
		if (n == 0)
			break;
		if (!write_all(out, buf, (size_t)n)) {
			diag_path_error(d, EXIT_CANTCREAT, template,
					"cannot copy: %s", strerror(errno));
			ok = false;
			break;
		}
	}
	close(in);
	return ok;
}

/* One file's progress through write, rename, and (on failure) rollback. */
struct staged {
	int dirfd;
	char *temp;      /* the new content, until renamed */
	char *backup;    /* the earlier file, moved aside */
	bool placed;
};

static bool stage(const struct plan_file *f, struct staged *s, struct diag *d)
{
	/* Only a file (or a link, replaced, never followed) may be in the way:
	 * a directory there would be moved aside, not replaced. */
	struct stat st;
	if (fstatat(s->dirfd, f->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		diag_path_error(d, EXIT_CANTCREAT, f->path,
				"is in the way and is not a file; expected a file sevqemu may replace");
		return false;
	}
	s->temp = temp_name(f->name, "new");
	int fd = openat(s->dirfd, s->temp,
			O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		diag_path_error(d, EXIT_CANTCREAT, f->dir, "cannot create a file: %s",
				strerror(errno));
		free(s->temp);
		s->temp = NULL;
		return false;
	}
	/* 0600 whatever the umask: the blobs are the guest owner's secrets. */
	bool ok = fchmod(fd, 0600) == 0;
	if (ok && f->content)
		ok = write_all(fd, f->content, f->size);
	else if (ok)
		ok = copy_into(fd, f->template, d);
	if (ok && fsync(fd) != 0)
		ok = false;
	if (close(fd) != 0)
		ok = false;
	if (!ok && !diag_failed(d))
		diag_path_error(d, EXIT_CANTCREAT, f->path, "cannot write: %s",
				strerror(errno));
	return ok;
}

/* The part of DIR that does not exist yet: its first missing ancestor. */
static char *first_missing(const char *dir)
{
	char *p = xstrdup(dir), *missing = NULL;
	struct stat st;
	while (lstat(p, &st) != 0 && errno == ENOENT) {
		free(missing);
		missing = xstrdup(p);
		char *slash = strrchr(p, '/');
		if (!slash || slash == p)
			break;
		*slash = '\0';
	}
	free(p);
	return missing;
}

/* After a failure: removes the directories this run created (if empty). */
static void remove_created(const char *dir, const char *missing)
{
	if (!missing)
		return;
	char *p = xstrdup(dir);
	size_t stop = strlen(missing);
	while (strlen(p) >= stop) {
		if (rmdir(p) != 0)
			break;
		char *slash = strrchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	free(p);
}

bool files_write(const struct plan *plan, struct diag *d)
{
	if (!plan->nfiles && !plan->state_dir_used)
		return true;
	char *state_missing = plan->state_dir ? first_missing(plan->state_dir) : NULL;
	struct staged *st = xcalloc(plan->nfiles ? plan->nfiles : 1, sizeof(*st));
	/* Made even with no file to write: sockets may be created there. */
	int state_fd = plan->state_dir_used ? open_state_dir(plan->state_dir, d) : -1;
	bool ok = !plan->state_dir_used || state_fd >= 0;
	size_t i;
	for (i = 0; i < plan->nfiles; i++)
		st[i].dirfd = -1;
	for (i = 0; ok && i < plan->nfiles; i++) {
		const struct plan_file *f = &plan->files[i];
		if (f->in_state_dir) {
			st[i].dirfd = state_fd < 0 ? -1 : dup(state_fd);
		} else {
			char *probe = xasprintf("%s/", f->dir);
			bool made = make_parents(probe, d);
			free(probe);
			st[i].dirfd = made ? open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
			if (st[i].dirfd < 0 && !diag_failed(d))
				diag_path_error(d, EXIT_CANTCREAT, f->dir, "%s",
						strerror(errno));
		}
		ok = st[i].dirfd >= 0 && stage(f, &st[i], d);
	}
	/* Everything is written: now move it into place, all or none. */
	for (i = 0; ok && i < plan->nfiles; i++) {
		const struct plan_file *f = &plan->files[i];
		if (!f->in_state_dir || f->keep_existing) {
			/* An nvram is only ever created, never replaced. */
			if (renameat2(st[i].dirfd, st[i].temp, st[i].dirfd, f->name,
				      RENAME_NOREPLACE) != 0) {
				diag_path_error(d, EXIT_CANTCREAT, f->path, "cannot create: %s",
						strerror(errno));
				ok = false;
			} else {
				st[i].placed = true;
			}
			continue;
		}
		char *backup = temp_name(f->name, "old");
		if (renameat(st[i].dirfd, f->name, st[i].dirfd, backup) == 0) {
			st[i].backup = backup;
		} else {
			free(backup);
			if (errno != ENOENT) {
				diag_path_error(d, EXIT_CANTCREAT, f->path, "cannot replace: %s",
						strerror(errno));
				ok = false;
				continue;
			}
		}
		if (renameat(st[i].dirfd, st[i].temp, st[i].dirfd, f->name) != 0) {
			diag_path_error(d, EXIT_CANTCREAT, f->path, "cannot create: %s",
					strerror(errno));
			ok = false;
		} else {
			st[i].placed = true;
		}
	}
	for (i = 0; i < plan->nfiles; i++) {
		const struct plan_file *f = &plan->files[i];
		if (st[i].dirfd < 0)
			continue;
		if (!ok && st[i].placed)
			unlinkat(st[i].dirfd, f->name, 0);
		if (st[i].backup) {
			if (ok)
				unlinkat(st[i].dirfd, st[i].backup, 0);
			else
				renameat(st[i].dirfd, st[i].backup, st[i].dirfd, f->name);
		}
		if (st[i].temp && !st[i].placed)
			unlinkat(st[i].dirfd, st[i].temp, 0);
		fsync(st[i].dirfd);
		close(st[i].dirfd);
		free(st[i].temp);
		free(st[i].backup);
	}
	if (state_fd >= 0)
		close(state_fd);
	if (!ok && plan->state_dir)
		remove_created(plan->state_dir, state_missing);
	free(state_missing);
	free(st);
	return ok;
}

void files_remove(const struct plan *plan)
{
	for (size_t i = 0; i < plan->nfiles; i++)
		unlink(plan->files[i].path);
}
