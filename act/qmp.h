/*
 * qmp: a small QMP client on a unix socket — the one sevqemu adds with
 * --qmp PATH (server, no wait) for the attestation exchange.
 *
 * QMP speaks one JSON object per line: QEMU greets with {"QMP":...}, then
 * answers each {"execute":...} with {"return":...} or {"error":...}, and
 * may send {"event":...} lines at any time (skipped here).  Every wait is
 * bounded (QMP_TIMEOUT_MS), every line capped (QMP_LINE_MAX).
 */
#ifndef SEVQEMU_ACT_QMP_H
#define SEVQEMU_ACT_QMP_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "lib/diag.h"

#define QMP_TIMEOUT_MS 30000
#define QMP_LINE_MAX (1u << 20)

struct qmp {
	int fd;
	const char *path;
	char *buf;               /* what came in and is not yet a line */
	size_t len, alloc;
};

/* Connects to PATH, reads the greeting and negotiates capabilities
 * (qmp_capabilities).  False after reporting (69). */
bool qmp_open(struct qmp *q, const char *path, struct diag *d);

/*
 * Runs COMMAND with ARGS (an object, stolen; NULL for none) and returns
 * its "return" value (a new reference), or NULL after reporting QEMU's
 * error or a broken connection (69).
 */
json_t *qmp_execute(struct qmp *q, const char *command, json_t *args,
		    struct diag *d);

void qmp_close(struct qmp *q);

#endif
