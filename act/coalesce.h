/*
 * coalesce: <interface type='ethernet'><coalesce><rx><frames max='N'/>, the
 * receive coalescing of the tap that <target dev> names (ethtool's
 * rx-frames, the tun driver's rx_batched), set with the SIOCETHTOOL ioctl
 * as libvirt sets it on the taps it makes.  QEMU takes no such option, so
 * the command line is the same with or without it:
 *
 *   check    before anything is written, looking only: the process may set
 *            it (CAP_NET_ADMIN), each tap exists, is a tun/tap device (never
 *            a host NIC, whatever the XML names) and takes coalescing — 69
 *            otherwise; a dry run warns instead that a real run would exit 69;
 *   describe for --dry-run: "would set ..." on standard error;
 *   apply    at launch, once the files are in place and before the helpers
 *            and QEMU start: each tap's value is remembered, then set; 71
 *            when the kernel refuses, after putting back those already set;
 *   undo     when the launch fails after apply (a helper, standard output,
 *            execv, a signal): the remembered values go back, so a failed
 *            run leaves the taps as it found them.
 *
 * Only a tap that exists before QEMU starts can be set this way: sevqemu
 * has printed the command line, or become QEMU, before QEMU makes any
 * (parse/interface_socket.c refuses the other types).
 */
#ifndef SEVQEMU_COALESCE_H
#define SEVQEMU_COALESCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/diag.h"
#include "parse/domain.h"

/* What apply changed: the taps and their previous values, for undo. */
struct coalesce_undo {
	const char **taps;
	uint32_t *previous;
	size_t n;
};

#define COALESCE_UNDO_INIT { NULL, NULL, 0 }

bool coalesce_check(const struct domain *dom, bool dry_run, struct diag *d);
void coalesce_describe(FILE *out, const struct domain *dom);
bool coalesce_apply(const struct domain *dom, struct coalesce_undo *u,
		    struct diag *d);
/* Puts the previous values back (RESTORE), or keeps the new ones; frees U. */
void coalesce_finish(struct coalesce_undo *u, bool restore, struct diag *d);

#endif
