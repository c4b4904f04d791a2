/* <controller>: scsi, usb, virtio-serial, pci/pcie, sata, ide. */
#include <stdlib.h>

#include "parser.h"

void parse_controller(struct parser *p, const xmlNode *n)
{
	unsupported(p, n, NULL);
}

void check_controllers(struct parser *p)
{
	(void)p;
}

void free_controllers(struct domain *d)
{
	(void)d;
}
