/*
 * This host's SMBIOS type 0 and 1 fields, for <os><smbios mode='host'/>:
 * read from the kernel's /sys/class/dmi/id (SEVQEMU_TEST_DMI names another
 * directory, for tests).  The uuid is never copied: host and guest must
 * differ.  Fields the kernel keeps for root (product_serial) are simply
 * absent for others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act/hostsmbios.h"
#include "lib/xalloc.h"

/* sysfs names in struct sysinfo's places; NULL: not copied. */
static const char *const files[SMBIOS_SYSTEM + 1][SMBIOS_FIELDS] = {
	[SMBIOS_BIOS] = { "bios_vendor", "bios_version", "bios_date",
			  "bios_release" },
	[SMBIOS_SYSTEM] = { "sys_vendor", "product_name", "product_version",
			    "product_serial", NULL, "product_sku",
			    "product_family" },
};

static char *read_field(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return NULL;
	char buf[256];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return *buf ? xstrdup(buf) : NULL;
}

void host_read_smbios(struct host_facts *facts, const char *dir)
{
	if (!dir)
		dir = "/sys/class/dmi/id";
	for (size_t t = 0; t <= SMBIOS_SYSTEM; t++)
		for (size_t f = 0; f < SMBIOS_FIELDS; f++)
			if (files[t][f] &&
			    (facts->smbios[t][f] = read_field(dir, files[t][f])))
				facts->have_smbios = true;
}

void host_smbios_release(struct host_facts *facts)
{
	for (size_t t = 0; t <= SMBIOS_SYSTEM; t++)
		for (size_t f = 0; f < SMBIOS_FIELDS; f++)
			free(facts->smbios[t][f]);
}
