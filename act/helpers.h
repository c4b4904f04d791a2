/*
 * helpers: the processes a guest needs beside QEMU (swtpm for an emulated
 * TPM, virtiofsd for a virtio-fs share), which emit/ describes in the plan
 * and this file runs:
 *
 *   find     their programs, before planning (PATH; virtiofsd also in
 *            /usr/libexec and /usr/lib/qemu, or <binary path>);
 *   check    before anything is written: each program is installed (69,
 *            naming the Debian package), and none of this guest's helpers
 *            still runs (75: its pid file names a live process, or its
 *            socket listens) — a second launch is refused, not raced;
 *   describe for --dry-run: "sevqemu: would start swtpm: ..." on stderr;
 *   start    after every file is written: the TPM state (swtpm_setup the
 *            first time), then the helpers under their supervisor
 *            (supervise.h), until each listens.  On failure everything is
 *            stopped, the state made now removed, and the error is 71 with
 *            the helper's own words (its log's last lines).
 */
#ifndef SEVQEMU_HELPERS_H
#define SEVQEMU_HELPERS_H

#include <stdbool.h>
#include <stdio.h>

#include "emit/facts.h"
#include "emit/plan.h"
#include "lib/diag.h"
#include "parse/domain.h"

/* The default of --helper-wait: seconds for QEMU to connect to a helper. */
#define HELPER_WAIT_DEFAULT 30

/* Exit status when the guest's helpers already run (EX_TEMPFAIL). */
#define EXIT_HELPERS_RUNNING 75

struct helper_options {
	unsigned wait;           /* --helper-wait; 0: no bound */
	bool exec;               /* --exec: this process becomes QEMU */
};

void helpers_find(const struct domain *dom, struct host_facts *host);
bool helpers_check(const struct plan *plan, struct diag *d);
void helpers_describe(FILE *out, const struct plan *plan);
bool helpers_start(const struct plan *plan, const struct helper_options *o,
		   struct diag *d);

#endif
