/*
 * guard: the write phase of a run cannot be cut in half by a signal.
 *
 * From guard_begin() until guard_end(), the signals that would end the run
 * (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2) are
 * blocked, so they wait; the file code asks guard_pending() between its
 * steps and inside long copies, and on a pending signal rolls back, after
 * which the caller dies by that same signal (guard_die), as it would have.
 * SIGXFSZ and SIGPIPE are ignored meanwhile: a file over `ulimit -f` is an
 * ordinary EFBIG write error (73), a closed standard output an EPIPE (71),
 * each with its rollback.  guard_end() puts back the caller's mask and
 * dispositions, before an exec too: QEMU starts with what sevqemu got.
 * SIGKILL cannot be blocked; what it leaves, the next run cleans.
 */
#ifndef SEVQEMU_GUARD_H
#define SEVQEMU_GUARD_H

void guard_begin(void);

/* A pending ending signal, or 0. */
int guard_pending(void);

void guard_end(void);

/* Ends the process by SIG, as if it had not been blocked. */
_Noreturn void guard_die(int sig);

#endif
