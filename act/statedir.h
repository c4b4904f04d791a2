#ifndef SEVQEMU_STATEDIR_H
#define SEVQEMU_STATEDIR_H

#include "emit/facts.h"
#include "parse/domain.h"

/*
 * Names the state dir: GIVEN (--state-dir) or $XDG_RUNTIME_DIR/sevqemu/<uuid>,
 * else $HOME/.cache/sevqemu/<uuid> (the name without a uuid).  Where no
 * name will do, *C says why (73), to be reported only if the plan needs the
 * directory.
 */
void state_dir_choose(const struct domain *dom, const char *given,
		      struct state_dir_choice *c);

#endif
