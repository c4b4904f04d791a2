/*
 * lock: one launch at a time per guest.
 *
 * The lock is a POSIX record lock (fcntl F_SETLK, F_WRLCK) on the file
 * "lock" in the guest's state dir, taken before any other file is touched.
 * It belongs to the descriptor's process: --exec hands the descriptor on to
 * QEMU (it is close-on-exec until lock_pass_on(); record locks survive
 * execve, and QEMU is the same process), so it lasts exactly as long as the
 * guest runs and the kernel drops it when QEMU exits, however it exits.  A
 * run that finds it held exits 75 (EX_TEMPFAIL) naming the guest and the
 * pid that holds it, which F_GETLK reports (after --exec, QEMU's).  Record
 * locks are not inherited across fork, so a helper QEMU forks never keeps
 * the guest locked after QEMU is gone.
 *
 * The lock file is only ever unlinked by a failed first launch that made
 * the state dir; a run that locked a file no longer linked at STATE/lock
 * (the state dir was removed meanwhile) takes it again.  The file holds the
 * holder's pid as text, for people; the kernel's answer is what counts.
 */
#ifndef SEVQEMU_LOCK_H
#define SEVQEMU_LOCK_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/diag.h"

#define LOCK_NAME "lock"

struct guest_lock {
	int fd;             /* -1: not held */
	char *state_dir;
	char *missing;      /* the first ancestor this run created, or NULL */
	bool made_dir;      /* this run created the state dir */
	bool made_file;     /* ...or the lock file in it */
	dev_t dev;          /* the lock file's identity */
	ino_t ino;
};

#define GUEST_LOCK_INIT { -1, NULL, NULL, false, false, 0, 0 }

/*
 * Takes GUEST's lock in STATE_DIR, creating the dir (and its missing
 * parents) 0700 as the file code does.  75 when another run holds it, 73
 * when the dir or the file cannot be made safely.
 */
bool lock_take(const char *state_dir, const char *guest, struct guest_lock *l,
	       struct diag *d);

/* The pid holding STATE_DIR's lock, or 0: looks, creates nothing. */
pid_t lock_holder(const char *state_dir);

/* The lock goes on to the program execv'd next; lock_keep() undoes it. */
void lock_pass_on(struct guest_lock *l);
void lock_keep(struct guest_lock *l);

/*
 * Lets go.  FAILED: the run is being undone, so the lock file and the
 * directories this run made (if still empty) go too.
 */
void lock_release(struct guest_lock *l, bool failed);

#endif
