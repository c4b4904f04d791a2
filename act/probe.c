#define _GNU_SOURCE
#include "act/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/xalloc.h"

/* The questions, in order; their answers come back in the same order. */
static const char *const questions[] = {
	"{\"execute\":\"qmp_capabilities\"}",
	"{\"execute\":\"query-version\"}",
	"{\"execute\":\"query-machines\"}",
	"{\"execute\":\"query-cpu-definitions\"}",
	"{\"execute\":\"qom-list-types\"}",
	NULL, /* qom-list-properties of the launch object, filled in */
	"{\"execute\":\"quit\"}",
};
enum { Q_CAPS, Q_VERSION, Q_MACHINES, Q_CPUS, Q_TYPES, Q_PROPS, Q_QUIT, NQ };

#define PROBE_TIMEOUT_MS 10000
#define PROBE_OUTPUT_MAX (8u << 20)

/* FD's output until EOF, PROBE_OUTPUT_MAX bytes or PROBE_TIMEOUT_MS;
 * NUL-terminated, *N bytes. */
static char *read_bounded(int fd, size_t *n, bool *timed_out)
{
	size_t cap = 65536;
	char *buf = xmalloc(cap);
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long elapsed = (now.tv_sec - start.tv_sec) * 1000 +
			       (now.tv_nsec - start.tv_nsec) / 1000000;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (elapsed >= PROBE_TIMEOUT_MS ||
		    poll(&pfd, 1, (int)(PROBE_TIMEOUT_MS - elapsed)) == 0) {
			*timed_out = true;
			break;
		}
		if (*n + 1 >= cap) {
			if (cap >= PROBE_OUTPUT_MAX)
				break;
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		ssize_t got = read(fd, buf + *n, cap - 1 - *n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		*n += (size_t)got;
	}
	buf[*n] = '\0';
	return buf;
}

/* Runs EMULATOR with the questions on stdin; returns its stdout. */
static char *ask(const char *emulator, const char *input, struct diag *d)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
		diag_path_error(d, EXIT_UNAVAILABLE, emulator, "cannot probe: %s",
				strerror(errno));
		return NULL;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);
		char *const argv[] = {
			(char *)emulator, "-machine", "none", "-nodefaults",
			"-display", "none", "-qmp", "stdio", NULL,
		};
		execv(emulator, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		diag_path_error(d, EXIT_UNAVAILABLE, emulator, "cannot probe: %s",
				strerror(errno));
		return NULL;
	}
	/* A few hundred bytes: they fit in the pipe, so write them all first. */
	signal(SIGPIPE, SIG_IGN);
	ssize_t ignored = write(in[1], input, strlen(input));
	(void)ignored;
	close(in[1]);
	size_t n = 0;
	bool timed_out = false;
	char *buf = read_bounded(out[0], &n, &timed_out);
	close(out[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out || n == 0) {
		diag_path_error(d, EXIT_UNAVAILABLE, emulator,
				"%s when probed (-machine none -qmp stdio); is it QEMU?",
				timed_out ? "did not answer within 10 s" : "said nothing");
		free(buf);
		return NULL;
	}
	return buf;
}

/* The answers ("return" values) in order, events and the greeting skipped. */
static size_t answers(char *text, json_t **out, size_t max)
{
	size_t k = 0;
	for (char *line = strtok(text, "\n"); line && k < max;
	     line = strtok(NULL, "\n")) {
		json_t *msg = json_loads(line, 0, NULL);
		json_t *ret = msg ? json_object_get(msg, "return") : NULL;
		if (!ret && msg && json_object_get(msg, "error"))
			ret = json_null(); /* the question failed: no answer */
		if (ret)
			out[k++] = json_incref(ret);
		json_decref(msg);
	}
	return k;
}

/* Whether LIST (an array of objects) has one whose KEY is NAME. */
static bool listed(json_t *list, const char *key, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) {
		const char *s = json_string_value(json_object_get(v, key));
		if (s && strcmp(s, name) == 0)
			return true;
	}
	return false;
}

static bool machine_known(json_t *machines, const char *name)
{
	return listed(machines, "name", name) || listed(machines, "alias", name);
}

static void judge(const struct plan *plan, const struct domain *dom,
		  json_t **a, const char *version, struct diag *d)
{
	const char *emulator = plan->argv.v[0];
	const struct launch_security *ls = &dom->launch;
	const char *object = plan->launch_object;
	if (object && !listed(a[Q_TYPES], "name", object)) {
		diag_path_error(d, EXIT_UNAVAILABLE, emulator,
				"QEMU %s has no %s; %s", version, object,
				ls->type == LAUNCH_SEV_SNP ? "SEV-SNP needs QEMU 9.1 or later"
							   : "it was built without SEV support");
		return;
	}
	if (ls->kernel_hashes != TRI_DEFAULT &&
	    !listed(a[Q_PROPS], "name", "kernel-hashes")) {
		diag_path_error(d, EXIT_UNAVAILABLE, emulator,
				"QEMU %s has no kernel-hashes on %s; measured direct boot needs QEMU 6.2 or later",
				version, object);
		return;
	}
	for (size_t i = 0; i < plan->ntypes && !diag_failed(d); i++) {
		const struct plan_type *t = &plan->types[i];
		if (strcmp(t->option, "machine") == 0) {
			if (!machine_known(a[Q_MACHINES], t->name))
				diag_path_error(d, EXIT_UNAVAILABLE, emulator,
						"QEMU %s has no machine type '%s'",
						version, t->name);
		} else if (strcmp(t->option, "cpu") == 0) {
			if (strcmp(t->name, "host") != 0 &&
			    !listed(a[Q_CPUS], "name", t->name))
				diag_path_error(d, EXIT_UNAVAILABLE, emulator,
						"QEMU %s has no CPU model '%s'",
						version, t->name);
		} else if (!listed(a[Q_TYPES], "name", t->name)) {
			diag_path_error(d, EXIT_UNAVAILABLE, emulator,
					"QEMU %s has no %s type '%s'", version,
					t->option, t->name);
		}
	}
}

bool probe_emulator(const struct plan *plan, const struct domain *dom,
		    struct diag *d)
{
	const char *emulator = plan->argv.v[0];
	if (access(emulator, X_OK) != 0) {
		diag_path_error(d, EXIT_UNAVAILABLE, emulator,
				"cannot probe: not there or not executable");
		return false;
	}
	const char *object = plan->launch_object ? plan->launch_object : "sev-guest";
	char *props = xasprintf("{\"execute\":\"qom-list-properties\",\"arguments\":{\"typename\":\"%s\"}}",
				object);
	size_t len = 0;
	for (int q = 0; q < NQ; q++)
		len += strlen(q == Q_PROPS ? props : questions[q]) + 1;
	char *input = xmalloc(len + 1), *at = input;
	for (int q = 0; q < NQ; q++)
		at += sprintf(at, "%s\n", q == Q_PROPS ? props : questions[q]);
	free(props);
	char *text = ask(emulator, input, d);
	free(input);
	if (!text)
		return false;
	json_t *a[NQ] = { 0 };
	size_t got = answers(text, a, NQ);
	free(text);
	if (got < Q_PROPS + 1 || !json_is_array(a[Q_TYPES])) {
		diag_path_error(d, EXIT_UNAVAILABLE, emulator,
				"gave %zu of %d QMP answers when probed; is it QEMU?",
				got, NQ);
	} else {
		json_t *q = json_object_get(a[Q_VERSION], "qemu");
		char version[48];
		snprintf(version, sizeof(version), "%lld.%lld.%lld",
			 json_integer_value(json_object_get(q, "major")),
			 json_integer_value(json_object_get(q, "minor")),
			 json_integer_value(json_object_get(q, "micro")));
		diag_path_note(d, emulator, "probed: QEMU %s", version);
		judge(plan, dom, a, version, d);
	}
	for (int q = 0; q < NQ; q++)
		json_decref(a[q]);
	return !diag_failed(d);
}
