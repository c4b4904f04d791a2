/*
 * Boot order, decided once for the whole guest: per-device <boot order>
 * wins (then only those devices boot); else <os><boot dev> order (hd when
 * there is none), where the first disk, the first cdrom and the first
 * interface stand for hd, cdrom and network.
 */
#include <stdint.h>

#include "emit/build.h"

struct boot_plan boot_plan(const struct domain *dom)
{
	struct boot_plan bp = {
		.first_disk = SIZE_MAX,
		.first_cdrom = SIZE_MAX,
		.first_interface = dom->ninterfaces ? 0 : SIZE_MAX,
		.first_floppy = SIZE_MAX,
	};
	for (size_t i = 0; i < dom->ndisks; i++) {
		const struct disk *disk = &dom->disks[i];
		bp.per_device |= disk->boot_order != 0;
		size_t *first = disk->cdrom ? &bp.first_cdrom
			      : disk->floppy ? &bp.first_floppy : &bp.first_disk;
		if (*first == SIZE_MAX)
			*first = i;
	}
	for (size_t i = 0; i < dom->ninterfaces; i++)
		bp.per_device |= dom->interfaces[i].boot_order != 0;
	for (size_t i = 0; i < dom->nhostdevs; i++)
		bp.per_device |= dom->hostdevs[i].boot_order != 0;
	enum boot_dev implicit = BOOT_HD;
	size_t nboot = dom->os.nboot ? dom->os.nboot : 1;
	const enum boot_dev *order = dom->os.nboot ? dom->os.boot : &implicit;
	for (size_t k = 0; k < nboot; k++) {
		unsigned *slot = order[k] == BOOT_HD ? &bp.disk_index
			       : order[k] == BOOT_CDROM ? &bp.cdrom_index
			       : order[k] == BOOT_NETWORK ? &bp.interface_index
			       : &bp.floppy_index;
		if (slot && !*slot)
			*slot = (unsigned)k + 1;
	}
	return bp;
}

unsigned boot_index_disk(const struct boot_plan *bp, const struct disk *disk,
			 size_t i)
{
	if (bp->per_device)
		return disk->boot_order;
	if (i == bp->first_disk)
		return bp->disk_index;
	if (i == bp->first_cdrom)
		return bp->cdrom_index;
	if (i == bp->first_floppy)
		return bp->floppy_index;
	return 0;
}

unsigned boot_index_interface(const struct boot_plan *bp,
			      const struct interface *net, size_t i)
{
	if (bp->per_device)
		return net->boot_order;
	return i == bp->first_interface ? bp->interface_index : 0;
}

unsigned boot_index_hostdev(const struct boot_plan *bp, const struct hostdev *h)
{
	return bp->per_device ? h->boot_order : 0;
}
