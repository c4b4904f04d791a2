/* Controllers: virtio-scsi, USB, virtio-serial. */
#include "build.h"

void build_controllers(struct build *b)
{
	(void)b;
}
