/* The helpers' supervisor: see supervise.h for what it promises. */
#define _GNU_SOURCE
#include "act/supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"

/* Seconds a stopped helper has between SIGTERM and SIGKILL, and a
 * connected one to end by itself after QEMU ended. */
#define TERM_GRACE_MS 2000
#define END_GRACE_MS 3000

unsigned unix_socket_state(const char *path)
{
	FILE *f = fopen("/proc/net/unix", "re");
	if (!f)
		return 0;
	unsigned state = 0;
	char line[4200];
	size_t want = strlen(path);
	while (fgets(line, sizeof(line), f)) {
		unsigned flags, st;
		int at = 0;
		/* Num RefCount Protocol Flags Type St Inode Path */
		if (sscanf(line, "%*s %*s %*s %x %*x %x %*u %n", &flags, &st, &at) != 2 ||
		    !at)
			continue;
		size_t len = strcspn(line + at, "\n");
		if (len != want || memcmp(line + at, path, len) != 0)
			continue;
		if (flags & 0x10000) /* __SO_ACCEPTCON */
			state |= SOCKET_LISTENING;
		else if (st == 3)    /* SS_CONNECTED: an accepted connection */
			state |= SOCKET_CONNECTED;
	}
	fclose(f);
	return state;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct kid {
	const struct plan_helper *h;
	pid_t pid;
	int pidfd;
	bool alive, connected;
	long long kill_at;       /* SIGTERM then (0: none pending) */
	bool termed;
};

/* A line in the helper's own log, so its owner sees what sevqemu did. */
static void log_line(const struct plan_helper *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void log_line(const struct plan_helper *h, const char *fmt, ...)
{
	int fd = open(h->log, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	dprintf(fd, "sevqemu: ");
	vdprintf(fd, fmt, ap);
	dprintf(fd, "\n");
	va_end(ap);
	close(fd);
}

/* Removes a socket left behind (only a socket) and the pid file. */
static void remove_leftovers(const struct plan_helper *h)
{
	struct stat st;
	if (lstat(h->socket, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(h->socket);
	if (lstat(h->pid_file, &st) == 0 && S_ISREG(st.st_mode))
		unlink(h->pid_file);
}

static void spawn(struct kid *k)
{
	const struct plan_helper *h = k->h;
	/* A launch that raced past helpers_check(): never take over, or
	 * unlink, a socket that another helper listens on. */
	if (unix_socket_state(h->socket) & SOCKET_LISTENING) {
		k->pid = -1;
		errno = EADDRINUSE;
		return;
	}
	remove_leftovers(h); /* a killed run's socket would be in the way */
	k->pid = fork();
	if (k->pid == 0) {
		/* Not the write phase's guard (act/guard.c): a helper must die
		 * of the SIGTERM stop() sends, and see its pipes break. */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGXFSZ, SIG_DFL);
		int log = open(h->log, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0600);
		if (log >= 0 && log != STDERR_FILENO) {
			dup2(log, STDERR_FILENO);
			close(log);
		}
		execv(h->argv.v[0], h->argv.v);
		dprintf(STDERR_FILENO, "sevqemu: cannot execute %s: %s\n",
			h->argv.v[0], strerror(errno));
		_exit(127);
	}
	if (k->pid < 0)
		return;
	k->alive = true;
	k->pidfd = (int)syscall(SYS_pidfd_open, k->pid, 0);
	if (!h->writes_pid_file) {
		int fd = open(h->pid_file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dprintf(fd, "%d\n", (int)k->pid);
			close(fd);
		}
	}
}

/* Reaps K if it has ended; WHY (if given) says how. */
static bool reap(struct kid *k, char *why, size_t size)
{
	int status;
	if (!k->alive || waitpid(k->pid, &status, WNOHANG) != k->pid)
		return !k->alive;
	k->alive = false;
	if (k->pidfd >= 0)
		close(k->pidfd);
	k->pidfd = -1;
	if (why && WIFEXITED(status))
		snprintf(why, size, "exited with status %d", WEXITSTATUS(status));
	else if (why)
		snprintf(why, size, "was killed by signal %d", WTERMSIG(status));
	remove_leftovers(k->h);
	return true;
}

/* SIGTERM now, SIGKILL after the grace; false while K still runs. */
static void stop(struct kid *k, long long now)
{
	if (!k->alive)
		return;
	if (!k->termed) {
		kill(k->pid, SIGTERM);
		k->termed = true;
		k->kill_at = now + TERM_GRACE_MS;
	} else if (now >= k->kill_at) {
		kill(k->pid, SIGKILL);
	}
}

static void stop_all(struct kid *kids, size_t n)
{
	for (long long end = now_ms() + TERM_GRACE_MS + 1000;;) {
		bool running = false;
		for (size_t i = 0; i < n; i++) {
			stop(&kids[i], now_ms());
			running |= !reap(&kids[i], NULL, 0);
		}
		if (!running || now_ms() > end)
			return;
		usleep(10000);
	}
}

/* Until each listens: false (and R filled) when one ends or is late. */
static bool wait_ready(struct kid *kids, size_t n, struct supervise_result *r)
{
	long long end = now_ms() + HELPER_READY_SECONDS * 1000;
	for (;;) {
		size_t ready = 0;
		for (size_t i = 0; i < n; i++) {
			if (reap(&kids[i], r->why, sizeof(r->why))) {
				r->failed = i;
				return false;
			}
			ready += (unix_socket_state(kids[i].h->socket) & SOCKET_LISTENING) != 0;
		}
		if (ready == n)
			return true;
		if (now_ms() > end) {
			for (size_t i = 0; i < n; i++)
				if (!(unix_socket_state(kids[i].h->socket) & SOCKET_LISTENING))
					r->failed = i;
			snprintf(r->why, sizeof(r->why), "did not listen on %s within %d s",
				 kids[r->failed].h->socket, HELPER_READY_SECONDS);
			return false;
		}
		usleep(10000);
	}
}

/* One round of watching; returns the poll timeout until the next (-1:
 * nothing but the helpers' own ends to wait for). */
static int watch_round(struct kid *kids, size_t n, long long deadline,
		       bool qemu_gone, long long qemu_gone_at)
{
	long long now = now_ms();
	bool pending = false;
	for (size_t i = 0; i < n; i++) {
		struct kid *k = &kids[i];
		if (reap(k, NULL, 0))
			continue;
		if (!k->connected && !k->termed &&
		    (unix_socket_state(k->h->socket) & SOCKET_CONNECTED))
			k->connected = true;
		if (!k->connected && !k->termed && (qemu_gone || (deadline && now >= deadline))) {
			log_line(k->h, "stopping %s: %s", k->h->name,
				 qemu_gone ? "QEMU ended before it connected"
					   : "nothing connected to its socket in time (--helper-wait)");
			stop(k, now);
		} else if (k->connected && qemu_gone && !k->termed &&
			   now >= qemu_gone_at + END_GRACE_MS) {
			log_line(k->h, "stopping %s: it outlived QEMU", k->h->name);
			stop(k, now);
		} else if (k->connected && k->h->ends_with_clients && !k->termed &&
			   !(unix_socket_state(k->h->socket) & SOCKET_CONNECTED)) {
			log_line(k->h, "stopping %s: its last client has gone", k->h->name);
			stop(k, now);
		} else if (k->termed) {
			stop(k, now);
		}
		pending |= k->termed || !k->connected || qemu_gone ||
			   k->h->ends_with_clients;
	}
	return pending ? 100 : -1;
}

static void watch(struct kid *kids, size_t n, unsigned wait, int qemu_fd)
{
	long long deadline = wait ? now_ms() + (long long)wait * 1000 : 0;
	bool qemu_gone = false;
	long long gone_at = 0;
	struct pollfd *fds = xcalloc(n + 1, sizeof(*fds));
	for (;;) {
		int timeout = watch_round(kids, n, deadline, qemu_gone, gone_at);
		size_t nfds = 0, alive = 0;
		for (size_t i = 0; i < n; i++) {
			alive += kids[i].alive;
			if (kids[i].alive && kids[i].pidfd >= 0)
				fds[nfds++] = (struct pollfd){ .fd = kids[i].pidfd, .events = POLLIN };
		}
		if (!alive)
			break;
		if (qemu_fd >= 0 && !qemu_gone)
			fds[nfds++] = (struct pollfd){ .fd = qemu_fd, .events = POLLIN };
		/* Without pidfds (a kernel before 5.3): poll. */
		if (nfds < alive + (qemu_fd >= 0 && !qemu_gone))
			timeout = 100;
		poll(fds, nfds, timeout);
		if (qemu_fd >= 0 && !qemu_gone && nfds &&
		    fds[nfds - 1].fd == qemu_fd && (fds[nfds - 1].revents & POLLIN)) {
			qemu_gone = true;
			gone_at = now_ms();
		}
	}
	free(fds);
}

static void detach(int report)
{
	setsid();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	int null = open("/dev/null", O_RDWR);
	for (int fd = 0; fd <= 2; fd++)
		if (null >= 0 && null != fd)
			dup2(null, fd);
	if (null > 2)
		close(null);
	/* Nothing else of sevqemu's stays open here: the report pipe only. */
	for (int fd = 3; fd < 1024; fd++)
		if (fd != report)
			close(fd);
}

__attribute__((noreturn))
static void supervise(const struct plan *plan, int report, pid_t qemu,
		      unsigned wait)
{
	detach(report);
	int qemu_fd = qemu ? (int)syscall(SYS_pidfd_open, qemu, 0) : -1;
	size_t n = plan->nhelpers;
	struct kid *kids = xcalloc(n, sizeof(*kids));
	struct supervise_result r = { .failed = 0 };
	for (size_t i = 0; i < n; i++) {
		kids[i].h = &plan->helpers[i];
		kids[i].pidfd = -1;
	}
	bool started = true;
	for (size_t i = 0; i < n && started; i++) {
		spawn(&kids[i]);
		started = kids[i].pid > 0;
		if (!started) {
			r.failed = i;
			snprintf(r.why, sizeof(r.why), "could not be started: %s", strerror(errno));
		}
	}
	if (!started || !wait_ready(kids, n, &r)) {
		stop_all(kids, n);
		dprintf(report, "fail %zu %s\n", r.failed, r.why);
		_exit(1);
	}
	dprintf(report, "ready\n");
	close(report);
	watch(kids, n, wait, qemu_fd);
	_exit(0);
}

bool supervise_start(const struct plan *plan, const struct supervise_options *o,
		     struct supervise_result *r)
{
	memset(r, 0, sizeof(*r));
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(r->why, sizeof(r->why), "cannot make a pipe: %s", strerror(errno));
		return false;
	}
	pid_t self = getpid();
	fflush(NULL);
	pid_t mid = fork();
	if (mid == 0) {
		close(fds[0]);
		if (fork() == 0)
			supervise(plan, fds[1], o->watch_self ? self : 0, o->wait);
		_exit(0);
	}
	close(fds[1]);
	if (mid > 0)
		waitpid(mid, NULL, 0);
	char buf[512];
	size_t len = 0;
	ssize_t got;
	while (len + 1 < sizeof(buf) &&
	       ((got = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0 ||
		(got < 0 && errno == EINTR)))
		len += got > 0 ? (size_t)got : 0;
	close(fds[0]);
	buf[len] = '\0';
	if (strncmp(buf, "ready\n", 6) == 0)
		return r->ready = true;
	size_t failed = 0;
	int at = 0;
	if (sscanf(buf, "fail %zu %n", &failed, &at) == 1 && at) {
		r->failed = failed < plan->nhelpers ? failed : 0;
		snprintf(r->why, sizeof(r->why), "%.*s", (int)strcspn(buf + at, "\n"), buf + at);
	} else {
		snprintf(r->why, sizeof(r->why), "its supervisor ended without a word (%s)",
			 mid < 0 ? strerror(errno) : "fork failed?");
	}
	return false;
}
