#include "act/qmp.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/xalloc.h"

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The next line (without its end), a new string; NULL after reporting. */
static char *read_line(struct qmp *q, struct diag *d)
{
	long deadline = now_ms() + QMP_TIMEOUT_MS;
	for (;;) {
		char *nl = q->len ? memchr(q->buf, '\n', q->len) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - q->buf);
			char *line = xstrndup(q->buf, n);
			memmove(q->buf, nl + 1, q->len - n - 1);
			q->len -= n + 1;
			return line;
		}
		if (q->len >= QMP_LINE_MAX) {
			diag_path_error(d, EXIT_UNAVAILABLE, q->path,
					"QMP sent a line over %u bytes; expected QEMU's answers",
					QMP_LINE_MAX);
			return NULL;
		}
		long left = deadline - now_ms();
		struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
		int r = left > 0 ? poll(&pfd, 1, (int)left) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			diag_path_error(d, EXIT_UNAVAILABLE, q->path,
					"QMP did not answer within %d s", QMP_TIMEOUT_MS / 1000);
			return NULL;
		}
		if (q->len + 4096 > q->alloc) {
			q->alloc = q->alloc ? 2 * q->alloc : 8192;
			q->buf = xreallocarray(q->buf, q->alloc, 1);
		}
		ssize_t got = r < 0 ? -1 : read(q->fd, q->buf + q->len, q->alloc - q->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			diag_path_error(d, EXIT_UNAVAILABLE, q->path,
					"QMP connection %s", got == 0 ? "closed by QEMU" : strerror(errno));
			return NULL;
		}
		q->len += (size_t)got;
	}
}

/* The next message that is not an event. */
static json_t *read_message(struct qmp *q, struct diag *d)
{
	for (;;) {
		char *line = read_line(q, d);
		if (!line)
			return NULL;
		json_t *msg = json_loads(line, 0, NULL);
		free(line);
		if (!json_is_object(msg)) {
			json_decref(msg);
			diag_path_error(d, EXIT_UNAVAILABLE, q->path,
					"QMP sent a line that is not a JSON object");
			return NULL;
		}
		if (!json_object_get(msg, "event"))
			return msg;
		json_decref(msg);
	}
}

static bool send_all(struct qmp *q, const char *text, struct diag *d)
{
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t n = send(q->fd, text + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_path_error(d, EXIT_UNAVAILABLE, q->path,
					"cannot write to QMP: %s", strerror(errno));
			return false;
		}
		off += (size_t)n;
	}
	return true;
}

json_t *qmp_execute(struct qmp *q, const char *command, json_t *args,
		    struct diag *d)
{
	json_t *req = json_pack("{s:s}", "execute", command);
	if (args)
		json_object_set_new(req, "arguments", args);
	char *text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	char *line = xasprintf("%s\n", text);
	free(text);
	bool sent = send_all(q, line, d);
	free(line);
	json_t *msg = sent ? read_message(q, d) : NULL;
	if (!msg)
		return NULL;
	json_t *ret = json_incref(json_object_get(msg, "return"));
	if (!ret) {
		json_t *err = json_object_get(msg, "error");
		const char *desc = json_string_value(json_object_get(err, "desc"));
		diag_path_error(d, EXIT_UNAVAILABLE, q->path, "QEMU refused %s: %s",
				command, desc ? desc : "(no reason given)");
	}
	json_decref(msg);
	return ret;
}

static bool connect_unix(struct qmp *q, const char *path, struct diag *d)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path)) {
		diag_path_error(d, EXIT_USAGE, path,
				"is over %zu bytes, too long for a unix socket",
				sizeof(addr.sun_path) - 1);
		return false;
	}
	strcpy(addr.sun_path, path);
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (q->fd < 0 ||
	    connect(q->fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		diag_path_error(d, EXIT_UNAVAILABLE, path,
				"cannot connect to QMP: %s; expected the socket of a guest started with sevqemu --paused --qmp PATH",
				strerror(errno));
		return false;
	}
	return true;
}

bool qmp_open(struct qmp *q, const char *path, struct diag *d)
{
	memset(q, 0, sizeof(*q));
	q->fd = -1;
	q->path = path;
	if (!connect_unix(q, path, d))
		return false;
	json_t *hello = read_message(q, d);
	bool ok = hello && json_object_get(hello, "QMP");
	if (hello && !ok)
		diag_path_error(d, EXIT_UNAVAILABLE, path,
				"did not greet as QMP does; expected {\"QMP\": ...}");
	json_decref(hello);
	json_t *caps = ok ? qmp_execute(q, "qmp_capabilities", NULL, d) : NULL;
	json_decref(caps);
	return caps != NULL;
}

void qmp_close(struct qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	free(q->buf);
	q->buf = NULL;
	q->len = q->alloc = 0;
}
