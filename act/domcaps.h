/*
 * domcaps: the <sev> feature of libvirt's domain capabilities XML
 * (virsh domcapabilities), for hosts where sevqemu does not run on the SEV
 * machine itself or cannot read its CPUID.
 */
#ifndef SEVQEMU_DOMCAPS_H
#define SEVQEMU_DOMCAPS_H

#include <stdbool.h>

#include "emit/facts.h"
#include "lib/diag.h"

/* Reads PATH; 66 if unreadable, 65 if malformed.  Messages name PATH. */
bool domcaps_read(const char *path, struct domcaps *caps, struct diag *d);

#endif
