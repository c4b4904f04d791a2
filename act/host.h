/*
 * host: what sevqemu learns from the machine it runs on — the SEV leaf of
 * CPUID, and where the emulator is.  Kept apart so that tests can hand
 * recorded values to the planner instead of this host's.
 */
#ifndef SEVQEMU_HOST_H
#define SEVQEMU_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "act/domcaps.h"

struct host_facts {
	bool have_cpuid;        /* leaf 0x8000001F was read (or recorded) */
	uint32_t eax, ebx;      /* its registers */
	bool have_domcaps;      /* --domcaps was given */
	struct domcaps domcaps;
};

/* CPUID 0x8000001F, decoded (AMD APM vol. 3). */
#define CPUID_SEV     (1u << 1)
#define CPUID_SEV_ES  (1u << 3)
#define CPUID_SEV_SNP (1u << 4)

/* Reads this CPU's SEV leaf; have_cpuid stays false off AMD. */
void host_read_cpuid(struct host_facts *h);

/* "EAX:EBX" in hex, as recorded from a host (for tests); false if malformed. */
bool host_parse_cpuid(const char *s, struct host_facts *h);

/* The C-bit position when the CPU reports SEV; false otherwise. */
bool host_cbitpos(const struct host_facts *h, unsigned *cbitpos);

/* NAME looked up in $PATH (new string), or NULL.  As root, empty and
 * relative PATH entries are never searched. */
char *host_find_in_path(const char *name);

#endif
