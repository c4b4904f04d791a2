/*
 * host: what sevqemu learns from the machine it runs on — the SEV leaf of
 * CPUID, and where the emulator is — gathered into struct host_facts
 * (emit/facts.h) before planning.  Tests hand recorded CPUID values in.
 */
#ifndef SEVQEMU_HOST_H
#define SEVQEMU_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "emit/facts.h"
#include "lib/diag.h"
#include "parse/domain.h"

/* CPUID leaf 0x8000001F, as read or recorded. */
struct sev_cpuid {
	bool have;               /* the leaf was read (or recorded) */
	uint32_t eax, ebx;
};

/* CPUID 0x8000001F, decoded (AMD APM vol. 3). */
#define CPUID_SEV     (1u << 1)
#define CPUID_SEV_ES  (1u << 3)
#define CPUID_SEV_SNP (1u << 4)

/* Reads this CPU's SEV leaf; have_cpuid stays false off AMD. */
void host_read_cpuid(struct sev_cpuid *h);

/* "EAX:EBX" in hex, as recorded from a host (for tests); false if malformed. */
bool host_parse_cpuid(const char *s, struct sev_cpuid *h);

/* The C-bit position when the CPU reports SEV; false otherwise. */
bool host_cbitpos(const struct sev_cpuid *h, unsigned *cbitpos);

/* NAME looked up in $PATH (new string), or NULL.  As root, empty and
 * relative PATH entries are never searched. */
char *host_find_in_path(const char *name);

/*
 * argv[0]: GIVEN (--emulator), else the XML's <emulator>, else
 * qemu-system-x86_64 in PATH; resolved to a path (new string).  Where it
 * is missing, a run that will EXEC fails (69); others name it as written.
 */
char *host_choose_emulator(const struct domain *dom, const char *given,
			   bool exec, struct diag *d);

/* Releases what the acting side put in FACTS. */
/* The first TCP port from FROM that binds on every address, as libvirt's
 * port allocator finds one for SPICE; 0: none free. */
unsigned host_free_port(unsigned from);

void host_facts_release(struct host_facts *facts);

#endif
