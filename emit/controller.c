/* Controllers: virtio-scsi, USB, virtio-serial. */
#include <stdio.h>

#include "build.h"

const char *controller_bus(enum controller_type type, unsigned index,
			   char *buf, size_t size)
{
	static const char *const names[] = {
		[CTRL_SCSI] = "scsi", [CTRL_USB] = "usb",
		[CTRL_VIRTIO_SERIAL] = "vserial", [CTRL_PCI] = "pci",
		[CTRL_SATA] = "ide", [CTRL_IDE] = "ide",
	};
	snprintf(buf, size, "%s%u.0", names[type], index);
	return buf;
}

void build_controllers(struct build *b)
{
	(void)b;
}
