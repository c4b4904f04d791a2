/* The write phase's signal guard: see guard.h. */
#include "act/guard.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <unistd.h>

static const int ending[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2,
};

static bool active;
static sigset_t old_mask;
static struct sigaction old_xfsz, old_pipe;

static void ending_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(ending) / sizeof(*ending); i++)
		sigaddset(set, ending[i]);
}

void guard_begin(void)
{
	if (active)
		return;
	sigset_t set;
	ending_set(&set);
	sigprocmask(SIG_BLOCK, &set, &old_mask);
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigemptyset(&ign.sa_mask);
	sigaction(SIGXFSZ, &ign, &old_xfsz);
	sigaction(SIGPIPE, &ign, &old_pipe);
	active = true;
}

int guard_pending(void)
{
	sigset_t pending;
	if (!active || sigpending(&pending) != 0)
		return 0;
	for (size_t i = 0; i < sizeof(ending) / sizeof(*ending); i++)
		if (sigismember(&pending, ending[i]) == 1 &&
		    sigismember(&old_mask, ending[i]) != 1)
			return ending[i];
	return 0;
}

void guard_end(void)
{
	if (!active)
		return;
	active = false;
	sigaction(SIGXFSZ, &old_xfsz, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
}

_Noreturn void guard_die(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	guard_end();
	sigset_t only;
	sigemptyset(&only);
	sigaddset(&only, sig);
	sigprocmask(SIG_UNBLOCK, &only, NULL);
	raise(sig);
	/* Blocked or ignored by whoever started us: end as the shell would
	 * report it. */
	_exit(128 + sig);
}
