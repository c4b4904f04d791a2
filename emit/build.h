/*
 * build: what the argument builders in emit/ share.  Internal to emit/.
 * One builder per kind of thing, each appending to b->plan->argv in the
 * order QEMU needs (a root port before the device on it).
 */
#ifndef SEVQEMU_BUILD_H
#define SEVQEMU_BUILD_H

#include "../parse/xalloc.h"
#include "plan.h"

struct pci {
	enum machine_family family;
	unsigned next;   /* next free port (q35) or slot (pc) */
};

struct build {
	const struct domain *dom;
	const struct plan_options *opts;
	struct plan *plan;
	struct diag *d;
	struct argv *argv;
	struct pci pci;
	bool sev;        /* any AMD launch security */
	bool es;         /* encrypted register state: SEV-ES or SNP */
	bool snp;
};

/* machine.c */
void build_machine(struct build *b);
void build_memory_cpus(struct build *b);
void build_firmware(struct build *b);
void build_lifecycle(struct build *b);

/* launchsec.c */
void build_launch_security(struct build *b);

/* pci.c: puts the device being built on a PCI(e) slot of its own. */
bool pci_place(struct build *b, struct keyval *device, unsigned line,
	       const char *element);
/* Adds the virtio options an encrypted guest needs unless IOMMU is off. */
void virtio_options(struct build *b, struct keyval *device,
		    enum tristate iommu, bool has_legacy);

/* disk.c */
void build_disks(struct build *b);

/* plan.c */
struct plan_file *plan_add_file(struct plan *plan);
/* The state dir, chosen (and reported if unusable) on first use; NULL after
 * an error. */
const char *plan_state_dir(struct build *b);

#endif
