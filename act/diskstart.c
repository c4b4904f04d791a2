#include "act/diskstart.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "parse/parse.h"

static const char *const policy_names[] = {
	[STARTUP_DEFAULT] = "", [STARTUP_MANDATORY] = "mandatory",
	[STARTUP_REQUISITE] = "requisite", [STARTUP_OPTIONAL] = "optional",
};

bool disks_apply_startup_policy(struct domain *dom, struct diag *d)
{
	size_t i = 0;
	while (i < dom->ndisks) {
		struct disk *disk = &dom->disks[i];
		struct stat st;
		if (disk->startup == STARTUP_DEFAULT || !disk->source ||
		    stat(disk->source, &st) == 0) {
			i++;
			continue;
		}
		const char *why = strerror(errno);
		if (disk->startup != STARTUP_OPTIONAL) {
			diag_error(d, EXIT_NOINPUT, disk->source_line, "<source>",
				   "%s cannot be reached: %s; startupPolicy='%s' needs it to start, as libvirt does; expected the image there, or startupPolicy='optional'",
				   disk->source, why, policy_names[disk->startup]);
			return false;
		}
		bool drive = disk->cdrom || disk->floppy;
		diag_warn(d, disk->source_line, "<source>",
			  "%s cannot be reached: %s; startupPolicy='optional' %s, as libvirt does at start",
			  disk->source, why,
			  drive ? "leaves the drive empty" : "leaves the disk out");
		domain_drop_disk(dom, i);
		if (drive)
			i++;
	}
	return true;
}
