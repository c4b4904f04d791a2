/*
 * swtpm: a helper's state before it starts — the TPM state directory
 * (made 0700) and, the first time only, swtpm_setup, which creates the
 * state the way libvirt does (EK and platform certificates, locked NVRAM,
 * --not-overwrite).  A state that exists is never touched.  On a later
 * failure, what this run created is removed again.
 */
#ifndef SEVQEMU_SWTPM_H
#define SEVQEMU_SWTPM_H

#include <stdbool.h>

#include "emit/plan.h"
#include "lib/diag.h"

/* How long swtpm_setup may take (it makes RSA keys). */
#define SETUP_SECONDS 60

struct prepared {
	bool made_dir;           /* this run created the state directory */
	bool made_state;         /* this run ran the setup */
};

/* Whether H's setup would run (its state does not exist yet). */
bool helper_needs_setup(const struct plan_helper *h);

/* Makes H's state directory and runs its setup where needed (or its
 * reconfiguration, where the state exists); 71 (with the
 * setup's own error) or 73 after a failure, which leaves nothing behind. */
bool helper_prepare(const struct plan_helper *h, struct prepared *p,
		    struct diag *d);

/* Removes what helper_prepare() created. */
void helper_unprepare(const struct plan_helper *h, const struct prepared *p);

/* The last lines of the log at PATH, joined with " | " (new string; empty
 * when there is none). */
char *log_tail(const char *path);

#endif
