/*
 * files: the state dir and the files a run writes into it, safely.
 *
 * The promises (DESIGN §7): the state dir is a real directory (never a
 * symlink), owned by the caller and writable by nobody else, created 0700;
 * each file is written to a temporary (O_CREAT|O_EXCL|O_NOFOLLOW, 0600
 * whatever the umask), fsync'd, and then all are renamed into place or none
 * is; earlier files are left as they were when anything fails.  Every step
 * after opening the state dir is relative to that one descriptor, so nothing
 * can be swapped in between.
 */
#ifndef SEVQEMU_FILES_H
#define SEVQEMU_FILES_H

#include <stdbool.h>

#include "lib/diag.h"
#include "parse/domain.h"
#include "emit/plan.h"

/* Whether a real run could write the plan's files; looks, writes nothing. */
bool files_check(const struct plan *plan, struct diag *d);

/* Writes the plan's files, all or none. */
bool files_write(const struct plan *plan, struct diag *d);

/* Removes the files files_write() put in place (after a failed exec). */
void files_remove(const struct plan *plan);

#endif
