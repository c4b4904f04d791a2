/*
 * probe: asks the emulator itself, once, what it has — its version,
 * machine types, CPU models, QOM types and the launch object's properties
 * (QMP on a QEMU started with -machine none) — and refuses with 69, before
 * anything is written, a command line it could not start.
 */
#ifndef SEVQEMU_PROBE_H
#define SEVQEMU_PROBE_H

#include <stdbool.h>

#include "lib/diag.h"
#include "parse/domain.h"
#include "emit/plan.h"

bool probe_emulator(const struct plan *plan, const struct domain *dom,
		    struct diag *d);

#endif
