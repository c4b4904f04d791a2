#include "act/hostscsi.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

/* The one entry of DIR (the kernel puts the sg name there), or NULL. */
static char *sg_name(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char *name = NULL;
	for (struct dirent *e; !name && (e = readdir(d));)
		if (e->d_name[0] != '.')
			name = xstrdup(e->d_name);
	closedir(d);
	return name;
}

bool host_scsi_generic(const struct domain *dom, const char *root,
		       struct host_facts *host, struct diag *d)
{
	for (size_t i = 0; i < dom->nhostdevs; i++) {
		const struct hostdev *h = &dom->hostdevs[i];
		if (h->type != HOSTDEV_SCSI || h->iscsi)
			continue;
		if (!host->scsi_generic) {
			host->scsi_generic = xcalloc(dom->nhostdevs, sizeof(char *));
			host->nscsi_generic = dom->nhostdevs;
		}
		char *dir = xasprintf("%s/sys/bus/scsi/devices/%u:%u:%u:%llu/scsi_generic",
				      root ? root : "", h->scsi_host, h->scsi_bus,
				      h->scsi_target, (unsigned long long)h->scsi_unit);
		char *sg = sg_name(dir);
		if (!sg) {
			diag_error(d, EXIT_UNAVAILABLE, h->line, "<hostdev>",
				   "this host has no SCSI device %s, bus %u, target %u, unit %llu with a generic (sg) node: %s is missing; expected the device attached and the sg module loaded (modprobe sg)",
				   h->scsi_adapter, h->scsi_bus, h->scsi_target,
				   (unsigned long long)h->scsi_unit, dir);
			free(dir);
			return false;
		}
		diag_note(d, h->line, "<hostdev>", "%s:%u:%u:%llu is /dev/%s, from %s",
			  h->scsi_adapter, h->scsi_bus, h->scsi_target,
			  (unsigned long long)h->scsi_unit, sg, dir);
		host->scsi_generic[i] = xasprintf("/dev/%s", sg);
		free(sg);
		free(dir);
	}
	return true;
}

void host_scsi_generic_release(struct host_facts *host)
{
	for (size_t i = 0; i < host->nscsi_generic; i++)
		free(host->scsi_generic[i]);
	free(host->scsi_generic);
	host->scsi_generic = NULL;
	host->nscsi_generic = 0;
}
