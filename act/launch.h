/*
 * launch: a real run's acting part, once every check has passed.
 *
 *   guard the signals -> take the guest's lock -> clean what a killed run
 *   left -> install the file set -> set the taps' coalescing -> start the
 *   helpers (swtpm, virtiofsd) -> print the command line and commit, or pass
 *   the lock on and become QEMU
 *
 * Whatever fails after the install (a tap, a helper, standard output, execv,
 * a signal) rolls the set back and puts the taps' coalescing back as it was,
 * and the run ends as it would have (71, or the signal).  Nothing of sevqemu
 * runs once QEMU does (the helpers' supervisor only watches them), so what
 * QEMU itself creates, such as a bridge helper's tap, sevqemu never sees.
 */
#ifndef SEVQEMU_LAUNCH_H
#define SEVQEMU_LAUNCH_H

#include <stdbool.h>

#include "act/helpers.h"
#include "act/output.h"
#include "emit/plan.h"
#include "lib/diag.h"
#include "parse/domain.h"

struct launch {
	bool exec;                  /* become QEMU; else print */
	enum output_format format;  /* what printing prints */
	const char *state_dir;      /* --state-dir, or NULL */
	const struct helper_options *helpers; /* swtpm, virtiofsd; NULL: none */
};

/* Writes, then prints or execs.  Returns only when not exec'd; may end the
 * process by the signal that interrupted it (after the rollback). */
void launch(const struct launch *l, const struct plan *plan,
	    const struct domain *dom, struct diag *d);

/*
 * Whether the guest is running (another process holds its lock): a real
 * run refuses (75) before looking at the host; a dry run (DRY_RUN) says so
 * in a warning and goes on.  Looks only.
 */
bool launch_check_running(const struct launch *l, const struct plan *plan,
			  const struct domain *dom, bool dry_run,
			  struct diag *d);

#endif
