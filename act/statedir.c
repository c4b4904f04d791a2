/* The state dir and the directories a run makes: where they are, what they
 * must be (statedir.h).  What goes into them is files.c's. */
#define _GNU_SOURCE
#include "act/statedir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/diag.h"
#include "lib/xalloc.h"

static void unusable(struct state_dir_choice *c, unsigned line,
		     const char *element, const char *problem)
{
	c->status = EXIT_CANTCREAT;
	c->line = line;
	c->element = element;
	c->problem = xstrdup(problem);
}

void state_dir_choose(const struct domain *dom, const char *given,
		      struct state_dir_choice *c)
{
	memset(c, 0, sizeof(*c));
	if (given) {
		if (*given)
			c->path = xstrdup(given);
		else
			unusable(c, 0, NULL, "--state-dir is empty; expected a directory");
		return;
	}
	const char *key = dom->uuid ? dom->uuid : dom->name;
	if (!dom->uuid && (strchr(key, '/') || strstr(key, "..") ||
			   key[0] == '.')) {
		char *why = xasprintf("'%s' cannot name the state dir, and the guest has no <uuid>; pass --state-dir DIR",
				      key);
		unusable(c, dom->name_line, "<name>", why);
		free(why);
		return;
	}
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	const char *home = getenv("HOME");
	c->defaulted = true;
	if (runtime && runtime[0] == '/')
		c->path = xasprintf("%s/sevqemu/%s", runtime, key);
	else if (home && home[0] == '/')
		c->path = xasprintf("%s/.cache/sevqemu/%s", home, key);
	else
		unusable(c, 0, NULL, "neither XDG_RUNTIME_DIR nor HOME is set; pass --state-dir DIR");
}

char *state_dir_name(const struct domain *dom, const char *given)
{
	struct state_dir_choice c;
	state_dir_choose(dom, given, &c);
	free(c.problem);
	return c.path;
}

bool files_safe_dir(const struct stat *st, const char *dir, struct diag *d)
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

bool files_creatable(const char *path, struct diag *d)
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


char *files_first_missing(const char *dir)
{
	char *p = xstrdup(dir), *missing = NULL;
	size_t len = strlen(p);
	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
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

bool files_make_dirs(const char *dir, struct diag *d)
{
	char *p = xasprintf("%s/", dir);
	bool ok = true;
	for (char *s = p + 1; *s && ok; s++) {
		if (*s != '/' || s[-1] == '/')
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

void files_unmake_dirs(const char *dir, const char *missing)
{
	if (!missing)
		return;
	char *p = xstrdup(dir);
	size_t stop = strlen(missing), len = strlen(p);
	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
	while (strlen(p) >= stop) {
		/* Gone already (a rolled-back set took it): go on upwards. */
		if (rmdir(p) != 0 && errno != ENOENT)
			break;
		char *slash = strrchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	free(p);
}

int files_open_template(const char *path, struct stat *st, struct diag *d)
{
	/* A look first, so that a device is never even opened (opening some
	 * has effects); then the descriptor is what is checked and read. */
	struct stat look;
	if (lstat(path, &look) == 0 && !S_ISREG(look.st_mode)) {
		diag_path_error(d, EXIT_NOPERM, path,
				"is %s, not a regular file; an nvram template must be a regular file of at most %u MiB named directly (--trust-xml does not change this)",
				S_ISLNK(look.st_mode) ? "a symbolic link"
				: S_ISFIFO(look.st_mode) ? "a FIFO"
				: S_ISCHR(look.st_mode) || S_ISBLK(look.st_mode) ? "a device"
				: S_ISDIR(look.st_mode) ? "a directory" : "a special file",
				TEMPLATE_MAX >> 20);
		return -1;
	}
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		diag_path_error(d, errno == ELOOP ? EXIT_NOPERM : EXIT_NOINPUT, path,
				"cannot open the nvram template: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) ||
	    st->st_size > (off_t)TEMPLATE_MAX) {
		diag_path_error(d, EXIT_NOPERM, path,
				"%s; an nvram template must be a regular file of at most %u MiB (--trust-xml does not change this)",
				S_ISREG(st->st_mode) ? "is too big" : "is not a regular file",
				TEMPLATE_MAX >> 20);
		close(fd);
		return -1;
	}
	return fd;
}
