/* hostsmbios: this host's SMBIOS tables, for <smbios mode='host'/>. */
#ifndef SEVQEMU_HOSTSMBIOS_H
#define SEVQEMU_HOSTSMBIOS_H

#include "emit/facts.h"

/* Fills facts->smbios (type 0 and 1, no uuid); have_smbios when any. */
/* DIR stands for /sys/class/dmi/id (recorded fields, in tests); NULL: this host. */
void host_read_smbios(struct host_facts *facts, const char *dir);
void host_smbios_release(struct host_facts *facts);

#endif
