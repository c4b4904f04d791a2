/*
 * Before the install (files.h): the check every run makes (a dry run's
 * too), and the cleaning of what a killed run left, under the lock.
 */
#define _GNU_SOURCE
#include "act/fileset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act/fsutil.h"
#include "lib/xalloc.h"

/* Whether DIR names the state dir (the same directory, or the same path
 * while it does not exist yet). */
static bool is_state_dir(const struct plan *plan, const char *dir)
{
	if (!plan->state_dir)
		return false;
	struct stat a, b;
	if (stat(plan->state_dir, &a) == 0 && stat(dir, &b) == 0)
		return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	size_t la = strlen(plan->state_dir), lb = strlen(dir);
	while (la > 1 && plan->state_dir[la - 1] == '/')
		la--;
	while (lb > 1 && dir[lb - 1] == '/')
		lb--;
	return la == lb && strncmp(plan->state_dir, dir, la) == 0;
}

enum where where_of(const struct plan *plan, const struct plan_file *f)
{
	if (f->in_state_dir)
		return f->content && !f->keep_existing ? W_SET : W_STATE_NEW;
	return is_state_dir(plan, f->dir) ? W_STATE_NEW : W_OUTSIDE;
}

/* --- the check (also --dry-run's) ----------------------------------------- */

/* What an existing state dir holds must be carried into a new one: files,
 * links, sockets; not a directory (nor one where a blob goes). */
static bool check_entries(const struct plan *plan, const char *dir,
			  struct diag *d)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return true; /* the real run will say */
	bool ok = true;
	for (struct dirent *e; ok && (e = readdir(dh));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(dh), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		bool blob = false;
		for (size_t i = 0; i < plan->nfiles; i++)
			blob |= plan->files[i].in_state_dir &&
				strcmp(plan->files[i].name, e->d_name) == 0;
		diag_path_error(d, EXIT_CANTCREAT, path, "%s", blob
				? "is in the way and is not a file; expected a file sevqemu may replace"
				: "is a directory; the state dir holds only the files sevqemu puts there, and a new set cannot carry a directory");
		free(path);
		ok = false;
	}
	closedir(dh);
	return ok;
}

static bool check_state_dir(const struct plan *plan, bool writes,
			    struct diag *d)
{
	const char *dir = plan->state_dir;
	struct stat st, up;
	if (lstat(dir, &st) != 0) {
		if (errno != ENOENT) {
			diag_path_error(d, EXIT_CANTCREAT, dir, "%s", strerror(errno));
			return false;
		}
		return files_creatable(dir, d);
	}
	if (S_ISLNK(st.st_mode)) {
		diag_path_error(d, EXIT_CANTCREAT, dir,
				"is a symbolic link; the state dir must be a real directory");
		return false;
	}
	if (!files_safe_dir(&st, dir, d))
		return false;
	if (access(dir, W_OK | X_OK) != 0) {
		diag_path_error(d, EXIT_CANTCREAT, dir, "is not writable: %s",
				strerror(errno));
		return false;
	}
	if (!writes)
		return true;
	char *parent = xasprintf("%s/..", dir);
	bool ok = stat(parent, &up) == 0;
	if (ok && up.st_dev != st.st_dev) {
		diag_path_error(d, EXIT_CANTCREAT, dir,
				"is a mount point; sevqemu replaces the state dir whole, in one rename: mount at its parent, or pass a --state-dir inside");
		ok = false;
	} else if (ok && access(parent, W_OK | X_OK) != 0) {
		diag_path_error(d, EXIT_CANTCREAT, dir,
				"is in a directory you cannot write; sevqemu replaces the state dir whole, in one rename, beside it");
		ok = false;
	}
	free(parent);
	return ok && check_entries(plan, dir, d);
}

/* A file outside the state dir: its directory is there and writable, or
 * can be made. */
static bool check_outside(const struct plan_file *f, struct diag *d)
{
	struct stat st;
	if (stat(f->dir, &st) != 0)
		return files_creatable(f->dir, d);
	if (!S_ISDIR(st.st_mode)) {
		diag_path_error(d, EXIT_CANTCREAT, f->dir,
				"is not a directory; cannot create %s there", f->name);
		return false;
	}
	if (access(f->dir, W_OK | X_OK) != 0) {
		diag_path_error(d, EXIT_CANTCREAT, f->dir,
				"is not writable; cannot create %s", f->name);
		return false;
	}
	return true;
}

bool files_check(const struct plan *plan, struct diag *d)
{
	bool writes = false;
	for (size_t i = 0; i < plan->nfiles; i++)
		writes |= where_of(plan, &plan->files[i]) != W_OUTSIDE;
	if ((plan->state_dir_used || writes) && plan->state_dir &&
	    !check_state_dir(plan, writes, d))
		return false;
	for (size_t i = 0; i < plan->nfiles; i++) {
		const struct plan_file *f = &plan->files[i];
		if (f->template) {
			struct stat st;
			int fd = files_open_template(f->template, &st, d);
			if (fd < 0)
				return false;
			close(fd);
		}
		if (where_of(plan, f) == W_OUTSIDE && !check_outside(f, d))
			return false;
	}
	return true;
}


/* --- what a killed run left ------------------------------------------------ */

/* Whether NAME is one of BASE's sets beside it: ".BASE.sevqemu-HEX12". */
static bool is_snapshot(const char *name, const char *base)
{
	size_t lb = strlen(base), lt = strlen(SNAPSHOT_TAG);
	if (name[0] != '.' || strncmp(name + 1, base, lb) != 0 ||
	    strncmp(name + 1 + lb, SNAPSHOT_TAG, lt) != 0)
		return false;
	const char *hex = name + 1 + lb + lt;
	if (strlen(hex) != 12)
		return false;
	for (; *hex; hex++)
		if (!((*hex >= '0' && *hex <= '9') || (*hex >= 'a' && *hex <= 'f')))
			return false;
	return true;
}

/* Entries of DIRFD that are ours and match KEEP_IF... removed: the sets a
 * killed run left beside the state dir (BASE), with what their journals
 * list; or (BASE NULL) temporaries named after NAME (any, NULL). */
static void sweep(int dirfd, const char *base, const char *name)
{
	DIR *dh = fdopendir(dup(dirfd));
	if (!dh)
		return;
	for (struct dirent *e; (e = readdir(dh));) {
		const char *n = e->d_name;
		struct stat st;
		if (fstatat(dirfd, n, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    st.st_uid != geteuid())
			continue;
		if (base && is_snapshot(n, base) && S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd, n, O_RDONLY | O_DIRECTORY |
					O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0) {
				/* Never switched in (or switched back): the
				 * empty directories it made outside go with it. */
				journal_undo(fd);
				close(fd);
			}
			fs_remove_dir(dirfd, n);
		} else if (!base && fs_is_residue(n) && !S_ISDIR(st.st_mode) &&
			   (!name || (strncmp(n + 1, name, strlen(name)) == 0 &&
				      strlen(n) == strlen(name) + 18))) {
			unlinkat(dirfd, n, 0);
		}
	}
	closedir(dh);
}

void files_cleanup(const struct plan *plan)
{
	if (plan->state_dir) {
		char *p = xstrdup(plan->state_dir);
		size_t len = strlen(p);
		while (len > 1 && p[len - 1] == '/')
			p[--len] = '\0';
		char *slash = strrchr(p, '/');
		const char *base = slash ? slash + 1 : p;
		char *parent = !slash ? xstrdup(".") : slash == p ? xstrdup("/")
			       : xstrndup(p, (size_t)(slash - p));
		int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int sfd = pfd < 0 ? -1 : openat(pfd, base, O_RDONLY | O_DIRECTORY |
						 O_NOFOLLOW | O_CLOEXEC);
		if (pfd >= 0 && *base)
			sweep(pfd, base, NULL);
		if (sfd >= 0) {
			/* The set in place is the one its journal was for. */
			unlinkat(sfd, JOURNAL_NAME, 0);
			sweep(sfd, NULL, NULL);
			fsync(sfd);
			close(sfd);
		}
		if (pfd >= 0)
			close(pfd);
		free(parent);
		free(p);
	}
	for (size_t i = 0; i < plan->nfiles; i++) {
		const struct plan_file *f = &plan->files[i];
		if (where_of(plan, f) != W_OUTSIDE)
			continue;
		int fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			sweep(fd, NULL, f->name);
			close(fd);
		}
	}
}
