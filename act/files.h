/*
 * files: the state dir and the files a run writes, installed as one unit.
 *
 * The promises (DESIGN §7, §9): the state dir is a real directory (never a
 * symlink), owned by the caller and writable by nobody else, created 0700;
 * files are 0600 whatever the umask and never written through a symlink.
 *
 * The file set is switched in one atomic step.  The new set is built in a
 * fresh sibling directory of the state dir, ".NAME.sevqemu-RANDOM" (the new
 * blobs, a new in-state nvram, and hard links to everything else the state
 * dir holds: its lock, an existing nvram, sockets), fsync'd, and then
 * exchanged with the state dir by renameat2(RENAME_EXCHANGE): at every
 * instant STATE is either the old directory or the new one, both complete,
 * so every path on the command line (STATE/dh_cert.base64, ...) stays the
 * same and names a file of one set.  The old set, now at the sibling's
 * name, is removed once the run has succeeded, or exchanged back if it
 * fails after the switch (standard output cannot be written, exec fails).
 * Files outside the state dir (an nvram made from its template elsewhere)
 * are created whole or not at all (O_TMPFILE, then linkat, which never
 * replaces), just before the switch, and recorded first, with the
 * directories made for them, in the new set's journal.  Rollback removes
 * only what this run created: each outside file and directory is checked
 * by device and inode first.  A run killed between such a file and the
 * switch leaves a whole copy of the template that no guest has used; the
 * next run finds it there and uses it as the guest's nvram, and removes
 * the journal's empty directories.
 *
 * The caller holds the guest's lock (lock.h) around files_cleanup(),
 * files_install() and the commit or rollback.
 */
#ifndef SEVQEMU_FILES_H
#define SEVQEMU_FILES_H

#include <stdbool.h>

#include "act/statedir.h"
#include "emit/plan.h"

/* Whether a real run could write the plan's files; looks, writes nothing.
 * Templates are opened and checked as the real run checks them. */
bool files_check(const struct plan *plan, struct diag *d);

/* Writes the plan's files, all or none: files_install() + files_commit(). */
bool files_write(const struct plan *plan, struct diag *d);

struct files_txn;

/* Installs the plan's file set; NULL after an error, everything undone. */
struct files_txn *files_install(const struct plan *plan, struct diag *d);

/* The run succeeded: the previous set goes. */
void files_commit(struct files_txn *t);

/* The run goes on elsewhere (exec): the previous set stays for the next
 * run to clean, nothing else is done. */
void files_keep(struct files_txn *t);

/* The run failed after files_install(): the previous set is put back and
 * what this run created is removed. */
void files_rollback(struct files_txn *t);

/* What a killed run left (unswitched or old sets, their outside files,
 * temporaries): removed.  Under the lock, before files_install(). */
void files_cleanup(const struct plan *plan);

#endif
