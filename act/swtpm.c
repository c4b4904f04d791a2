#define _GNU_SOURCE
#include "act/swtpm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"

#define TAIL_LINES 3

char *log_tail(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char buf[2048];
	ssize_t n = 0;
	if (fd >= 0) {
		off_t size = lseek(fd, 0, SEEK_END);
		off_t from = size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0;
		n = pread(fd, buf, sizeof(buf) - 1, from);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	/* The last TAIL_LINES non-empty lines, oldest first. */
	char *lines[TAIL_LINES] = { 0 };
	size_t count = 0;
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (!*l)
			continue;
		if (count == TAIL_LINES)
			memmove(lines, lines + 1, sizeof(*lines) * (TAIL_LINES - 1));
		lines[count < TAIL_LINES ? count++ : TAIL_LINES - 1] = l;
	}
	char *out = xstrdup("");
	for (size_t i = 0; i < count; i++) {
		char *more = xasprintf("%s%s%s", out, i ? " | " : "", lines[i]);
		free(out);
		out = more;
	}
	return out;
}

bool helper_needs_setup(const struct plan_helper *h)
{
	return h->setup.n && access(h->setup_done, F_OK) != 0;
}

/* mkdir -p DIR, each new directory 0700; *MADE when DIR itself is new. */
static bool make_dir(const char *dir, bool *made, struct diag *d)
{
	char *p = xstrdup(dir);
	bool ok = true;
	for (char *s = p + 1; ok; s++) {
		bool last = *s == '\0';
		if (*s != '/' && !last)
			continue;
		*s = '\0';
		if (mkdir(p, 0700) == 0) {
			chmod(p, 0700);
			*made = last;
		} else if (errno != EEXIST) {
			diag_path_error(d, EXIT_CANTCREAT, p, "cannot create: %s", strerror(errno));
			ok = false;
		}
		if (last)
			break;
		*s = '/';
	}
	free(p);
	struct stat st;
	if (ok && (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
		diag_path_error(d, EXIT_CANTCREAT, dir,
				"is not a directory; expected the TPM's state directory");
		ok = false;
	}
	return ok;
}

/* Runs ARGV with its output in LOG; its wait status, or -1 when it was
 * late (killed) or could not start. */
static int run_logged(const struct argv *argv, const char *log)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		int out = open(log, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0600);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		if (out >= 0) {
			dup2(out, STDOUT_FILENO);
			dup2(out, STDERR_FILENO);
		}
		execv(argv->v[0], argv->v);
		dprintf(STDERR_FILENO, "sevqemu: cannot execute %s: %s\n", argv->v[0],
			strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		return -1;
	int status;
	for (int ms = 0; ms < SETUP_SECONDS * 1000; ms += 10) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

bool helper_prepare(const struct plan_helper *h, struct prepared *p,
		    struct diag *d)
{
	memset(p, 0, sizeof(*p));
	if (!h->state)
		return true;
	if (!make_dir(h->state, &p->made_dir, d))
		return false;
	bool create = helper_needs_setup(h);
	if (!create && !h->reconfigure.n)
		return true;
	p->made_state = create;
	const struct argv *run = create ? &h->setup : &h->reconfigure;
	int status = run_logged(run, h->log);
	if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    access(h->setup_done, F_OK) == 0)
		return true;
	char *tail = log_tail(h->log);
	char how[64];
	if (status < 0)
		snprintf(how, sizeof(how), "did not finish within %d s", SETUP_SECONDS);
	else if (WIFEXITED(status))
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(status));
	else
		snprintf(how, sizeof(how), "was killed by signal %d", WTERMSIG(status));
	diag_error(d, EXIT_OSERR, h->line, h->element,
		   "%s %s %s the TPM state in %s%s%s", run->v[0], how,
		   create ? "creating" : "reconfiguring", h->state,
		   *tail ? "; its log says: " : "", tail);
	free(tail);
	helper_unprepare(h, p);
	return false;
}

void helper_unprepare(const struct plan_helper *h, const struct prepared *p)
{
	if (!p->made_dir) {
		/* A directory that was there keeps all but the state made now. */
		if (p->made_state)
			unlink(h->setup_done);
		return;
	}
	DIR *dir = opendir(h->state);
	struct dirent *e;
	while (dir && (e = readdir(dir)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(dirfd(dir), e->d_name, 0);
	if (dir)
		closedir(dir);
	rmdir(h->state);
}
