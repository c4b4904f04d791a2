/* A real run's acting part: see launch.h. */
#include "act/launch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act/coalesce.h"
#include "act/files.h"
#include "act/guard.h"
#include "act/lock.h"
#include "lib/xalloc.h"

/* Whether the run takes the guest's lock: it starts the guest, or changes
 * its state dir.  A plan whose only file is an nvram made elsewhere needs
 * none: that file is created whole or not at all, never replaced. */
static bool acts(const struct launch *l, const struct plan *plan)
{
	if (l->exec || plan->state_dir_used)
		return true;
	for (size_t i = 0; i < plan->nfiles; i++)
		if (plan->files[i].in_state_dir)
			return true;
	return false;
}

/* The state dir the lock lives in: the plan's, else the guest's default
 * (a guest that puts nothing there still runs once at a time). */
static char *lock_dir(const struct launch *l, const struct plan *plan,
		      const struct domain *dom)
{
	if (plan->state_dir)
		return xstrdup(plan->state_dir);
	return state_dir_name(dom, l->state_dir);
}

bool launch_check_running(const struct launch *l, const struct plan *plan,
			  const struct domain *dom, bool dry_run,
			  struct diag *d)
{
	if (!dry_run && !acts(l, plan))
		return true;
	char *dir = lock_dir(l, plan, dom);
	pid_t pid = dir ? lock_holder(dir) : 0;
	if (pid) {
		char *path = xasprintf("%s/%s", dir, LOCK_NAME);
		if (dry_run)
			diag_path_warn(d, path,
				       "guest '%s' is running: pid %ld holds its lock; a real run would exit 75",
				       dom->name, (long)pid);
		else
			diag_path_error(d, EXIT_TEMPFAIL, path,
					"guest '%s' is already running: pid %ld holds its lock; one launch at a time (it ends when that process does)",
					dom->name, (long)pid);
		free(path);
	}
	free(dir);
	return !diag_failed(d);
}

static void interrupted(int sig, struct diag *d)
{
	diag_path_error(d, 128 + sig, NULL,
			"interrupted by signal %d (%s); the previous files are back",
			sig, strsignal(sig));
}

/* Prints the command line, then keeps the new set; rolls back when the
 * printing failed or a signal came meanwhile. */
static void print(const struct launch *l, const struct plan *plan,
		  struct files_txn *t, struct diag *d)
{
	output_write(stdout, plan, l->format, d);
	int sig = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int err = errno;
		files_rollback(t);
		diag_path_error(d, EXIT_OSERR, "standard output",
				"%s; the files this run wrote are removed and the previous ones back",
				strerror(err));
	} else if ((sig = guard_pending())) {
		files_rollback(t);
		interrupted(sig, d);
	} else {
		files_commit(t);
	}
}

/* Becomes QEMU, handing it the lock.  Returns only when execv failed,
 * having put the previous files back (71). */
static void become_qemu(const struct plan *plan, struct files_txn *t,
			struct guest_lock *lock, struct diag *d)
{
	for (size_t i = 0; i < plan->env.n; i++)
		putenv(plan->env.v[i]);
	fflush(NULL);
	int sig = guard_pending();
	if (sig) {
		files_rollback(t);
		interrupted(sig, d);
		return;
	}
	lock_pass_on(lock);
	guard_end(); /* QEMU starts with the signal mask sevqemu got */
	/* execv, not execvp or a shell: argv[0] is already a resolved path. */
	execv(plan->argv.v[0], plan->argv.v);
	int err = errno;
	guard_begin();
	lock_keep(lock);
	files_rollback(t);
	diag_path_error(d, EXIT_OSERR, plan->argv.v[0],
			"cannot execute: %s; the files this run wrote are removed and the previous ones back",
			strerror(err));
}

void launch(const struct launch *l, const struct plan *plan,
	    const struct domain *dom, struct diag *d)
{
	char *dir = acts(l, plan) ? lock_dir(l, plan, dom) : NULL;
	guard_begin();
	struct guest_lock lock = GUEST_LOCK_INIT;
	struct files_txn *t = NULL;
	if (!dir || lock_take(dir, dom->name, &lock, d)) {
		if (dir)
			files_cleanup(plan);
		t = files_install(plan, d);
	}
	if (t) {
		for (size_t i = 0; i < plan->nfiles; i++)
			diag_path_note(d, plan->files[i].path,
				       "written (%zu bytes, mode 0600)",
				       plan->files[i].size);
		/* The taps' coalescing, then, last of all, right before QEMU: the
		 * processes beside it (which a later failure could not stop). */
		struct coalesce_undo taps = COALESCE_UNDO_INIT;
		if (!coalesce_apply(dom, &taps, d))
			files_rollback(t);
		else if (l->helpers && !helpers_start(plan, l->helpers, d))
			files_rollback(t);
		else if (l->exec)
			become_qemu(plan, t, &lock, d);
		else
			print(l, plan, t, d);
		coalesce_finish(&taps, diag_failed(d), d);
	}
	lock_release(&lock, diag_failed(d));
	free(dir);
	guard_end();
	if (d->status > 128)
		guard_die(d->status - 128);
}
