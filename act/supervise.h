/*
 * supervise: the small process that starts the helpers (swtpm, virtiofsd),
 * waits until each listens, and then keeps them from outliving QEMU.
 *
 * sevqemu forks it twice over (so that it belongs to no one: not to the
 * shell, and not to QEMU when sevqemu execs), in a session of its own,
 * with standard input, output and error on /dev/null — a pipeline reading
 * sevqemu's output sees its end as soon as sevqemu exits.  It reports on a
 * pipe: "ready", or which helper failed and why.  Then it watches:
 *
 *  - a helper that no client has connected to within WAIT seconds of being
 *    ready is stopped (the printed line was never run, or QEMU died before
 *    connecting): SIGTERM, then SIGKILL two seconds later;
 *  - with --exec it also watches sevqemu's own process, which is QEMU by
 *    then: when QEMU ends, the helpers still unconnected are stopped at
 *    once, and connected ones that do not end by themselves within three
 *    seconds (swtpm --terminate, virtiofsd on disconnect) are stopped too;
 *  - when the last helper has ended it removes what they leave behind
 *    (sockets, pid files) and exits.
 *
 * "Listens" and "connected" are read from /proc/net/unix, never by
 * connecting: virtiofsd serves exactly one connection, so a probe would
 * use it up.  The supervisor never waits on anything without a bound
 * except, once every helper is connected, the helpers' own ends.
 */
#ifndef SEVQEMU_SUPERVISE_H
#define SEVQEMU_SUPERVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "emit/plan.h"

/* How long a helper has to listen once started. */
#define HELPER_READY_SECONDS 5

struct supervise_options {
	unsigned wait;           /* seconds for a client to connect; 0: no bound */
	bool watch_self;         /* --exec: this process becomes QEMU */
};

struct supervise_result {
	bool ready;
	size_t failed;           /* the helper that failed, when not ready */
	char why[256];           /* what happened to it */
};

/* Starts the plan's helpers and waits for them; false when one failed
 * (all are stopped again and their leftovers removed: R says which). */
bool supervise_start(const struct plan *plan, const struct supervise_options *o,
		     struct supervise_result *r);

/* What /proc/net/unix says of the socket bound to PATH. */
#define SOCKET_LISTENING 1u
#define SOCKET_CONNECTED 2u
unsigned unix_socket_state(const char *path);

#endif
