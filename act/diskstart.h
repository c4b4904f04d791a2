/*
 * diskstart: libvirt's <source startupPolicy> at a guest's start, applied
 * to the parsed domain before planning, the same for a dry run and a real
 * one: a missing image stops the start (mandatory, requisite) or is left
 * out (optional).
 */
#ifndef SEVQEMU_DISKSTART_H
#define SEVQEMU_DISKSTART_H

#include <stdbool.h>

#include "lib/diag.h"
#include "parse/domain.h"

/* Checks each disk that has a startupPolicy; false (66) when a mandatory
 * or requisite image cannot be reached. */
bool disks_apply_startup_policy(struct domain *dom, struct diag *d);

#endif
