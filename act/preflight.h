/*
 * preflight: before --exec writes anything, the host must have /dev/sev
 * usable, kvm_amd with the guest's SEV flavour enabled, and (for SEV and
 * SEV-ES, whose pages KVM pins) a memory lock limit that covers the guest's
 * RAM — raised to the hard limit when that is enough; a hostdev with
 * rawio='yes' needs CAP_SYS_RAWIO to survive the exec into QEMU.  Each
 * failure is one sentence and 69.
 */
#ifndef SEVQEMU_PREFLIGHT_H
#define SEVQEMU_PREFLIGHT_H

#include <stdbool.h>

#include "lib/diag.h"
#include "parse/domain.h"

struct host_paths {
	char sev_device[512];
	char kvm_amd[512];       /* the parameters directory */
	char status[512];        /* /proc/self/status: CapEff, CapBnd, CapAmb, Uid */
	char pci_devices[512];   /* /sys/bus/pci/devices */
	char mdev_devices[512];  /* /sys/bus/mdev/devices */
};

/* ROOT stands for "/" (SEVQEMU_TEST_HOST_ROOT in tests); NULL: this host. */
void host_paths_init(struct host_paths *paths, const char *root);

bool preflight(const struct domain *dom, const struct host_paths *paths,
	       struct diag *d);

#endif
