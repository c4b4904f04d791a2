/*
 * hostscsi: the /dev/sgN of each <hostdev type='scsi'> given by its host
 * address (scsi_hostH, bus, target, unit), from the kernel's
 * /sys/bus/scsi/devices/H:B:T:U/scsi_generic/, as libvirt finds it.  The
 * command line names the sg device, so the lookup is made before planning
 * in every mode, --dry-run included: a device this host lacks is 69.
 */
#ifndef SEVQEMU_HOSTSCSI_H
#define SEVQEMU_HOSTSCSI_H

#include <stdbool.h>

#include "emit/facts.h"
#include "lib/diag.h"
#include "parse/domain.h"

/* Fills HOST->scsi_generic.  ROOT stands for "/" (SEVQEMU_TEST_HOST_ROOT
 * in the test build); NULL: this host.  False after an error. */
bool host_scsi_generic(const struct domain *dom, const char *root,
		       struct host_facts *host, struct diag *d);
void host_scsi_generic_release(struct host_facts *host);

#endif
