/*
 * statedir: the guest's state dir, and the directories a run makes.
 *
 * The state dir is a real directory (never a symlink), owned by the caller
 * and writable by nobody else, created 0700 with its missing parents.
 * What goes into it, and how it is switched, is files.h's business; the
 * lock in it is lock.h's.
 */
#ifndef SEVQEMU_STATEDIR_H
#define SEVQEMU_STATEDIR_H

#include <stdbool.h>
#include <sys/stat.h>

#include "emit/facts.h"
#include "lib/diag.h"
#include "parse/domain.h"

/* An nvram template is a regular file of at most this size. */
#define TEMPLATE_MAX (64u << 20)

/*
 * Names the state dir: GIVEN (--state-dir) or $XDG_RUNTIME_DIR/sevqemu/<uuid>,
 * else $HOME/.cache/sevqemu/<uuid> (the name without a uuid).  Where no
 * name will do, *C says why (73), to be reported only if the plan needs the
 * directory.
 */
void state_dir_choose(const struct domain *dom, const char *given,
		      struct state_dir_choice *c);

/* The state dir's name alone (new string), or NULL where none will do. */
char *state_dir_name(const struct domain *dom, const char *given);

/* The state dir's own checks, on a stat of it (73). */
bool files_safe_dir(const struct stat *st, const char *dir, struct diag *d);

/* Whether PATH could be made: its nearest existing ancestor is a directory
 * we can write (73 if not). */
bool files_creatable(const char *path, struct diag *d);

/* The first ancestor of DIR (or DIR) that does not exist, or NULL. */
char *files_first_missing(const char *dir);

/* mkdir -p DIR, each new directory 0700 whatever the umask (73). */
bool files_make_dirs(const char *dir, struct diag *d);

/* Removes DIR and its ancestors up to MISSING, each only if empty. */
void files_unmake_dirs(const char *dir, const char *missing);

/*
 * Opens an nvram template once, without following a symbolic link and
 * without blocking (a FIFO or device is refused, never read), and checks it
 * on the descriptor: a regular file of at most TEMPLATE_MAX bytes (77).
 * Unreadable: 66.  Returns the descriptor, its stat in *ST, or -1.
 */
int files_open_template(const char *path, struct stat *st, struct diag *d);

#endif
