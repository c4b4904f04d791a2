/*
 * disksecrets: --secret KEY=FILE, the values of libvirt secrets that disks name
 * by uuid or usage name (libvirt's own secret store is out of reach without
 * its daemon).  Read before planning; the values are wiped on release.
 */
#ifndef SEVQEMU_DISKSECRETS_H
#define SEVQEMU_DISKSECRETS_H

#include <stdbool.h>
#include <stddef.h>

#include "emit/facts.h"
#include "lib/diag.h"

/* Reads each ARGS[i] ("KEY=FILE") into HOST->secrets.  A malformed option
 * or a repeated key: 64; FILE missing: 66; empty or over 64 KiB: 65. */
bool secrets_read(char *const *args, size_t n, struct host_facts *host,
		  struct diag *d);
/* Wipes and frees HOST->secrets. */
void secrets_release(struct host_facts *host);

#endif
