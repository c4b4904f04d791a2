/* The disks as a whole, once all are read: buses the machine has, places
 * unique, and libvirt's order of them (which <boot dev='hd'/> follows). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "parse/parser.h"

static int by_target(const void *a, const void *b)
{
	const struct disk *x = *(const struct disk *const *)a;
	const struct disk *y = *(const struct disk *const *)b;
	int c = strcmp(x->target, y->target);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int by_scsi_place(const void *a, const void *b)
{
	const struct disk *x = *(const struct disk *const *)a;
	const struct disk *y = *(const struct disk *const *)b;
	if (x->scsi_controller != y->scsi_controller)
		return (x->scsi_controller > y->scsi_controller) - (x->scsi_controller < y->scsi_controller);
	if (x->scsi_target != y->scsi_target)
		return (x->scsi_target > y->scsi_target) - (x->scsi_target < y->scsi_target);
	if (x->scsi_unit != y->scsi_unit)
		return (x->scsi_unit > y->scsi_unit) - (x->scsi_unit < y->scsi_unit);
	return (x->line > y->line) - (x->line < y->line);
}

/* sd + letters: its place comes from a name unique among the disks, one to
 * one (bijective base 26), so it cannot meet another such disk's place. */
static bool place_from_unique_name(const struct disk *disk)
{
	const char *t = disk->target;
	if (disk->address_line || strncmp(t, "sd", 2) != 0 || !t[2])
		return false;
	for (t += 2; *t; t++)
		if (*t < 'a' || *t > 'z')
			return false;
	return true;
}

/* Two scsi disks in one place (controller, target, unit): 65.  The sort is
 * skipped in the usual case (thousands of sdX disks without addresses). */
static void check_scsi_places(struct parser *p)
{
	struct domain *dom = p->dom;
	bool all_named = true;
	for (size_t i = 0; i < dom->ndisks && all_named; i++)
		if (dom->disks[i].bus == BUS_SCSI)
			all_named = place_from_unique_name(&dom->disks[i]);
	if (all_named)
		return;
	const struct disk **scsi = xreallocarray(NULL, dom->ndisks, sizeof(*scsi));
	size_t n = 0;
	for (size_t i = 0; i < dom->ndisks; i++)
		if (dom->disks[i].bus == BUS_SCSI)
			scsi[n++] = &dom->disks[i];
	qsort(scsi, n, sizeof(*scsi), by_scsi_place);
	for (size_t i = 1; i < n; i++) {
		if (scsi[i - 1]->scsi_controller == scsi[i]->scsi_controller &&
		    scsi[i - 1]->scsi_target == scsi[i]->scsi_target &&
		    scsi[i - 1]->scsi_unit == scsi[i]->scsi_unit) {
			const struct disk *d = scsi[i];
			diag_error(p->d, EXIT_DATAERR,
				   d->address_line ? d->address_line : d->line,
				   d->address_line ? "<address>" : "<disk>",
				   "controller %u, target %u, unit %u is already taken by the disk at line %u; expected one disk per scsi unit",
				   d->scsi_controller, d->scsi_target, d->scsi_unit,
				   scsi[i - 1]->line);
			break;
		}
	}
	free(scsi);
}

/* What one disk's driver and target ask of the machine. */
static void check_disk_places(struct parser *p, const struct disk *disk)
{
	bool direct = disk->cache && (strcmp(disk->cache, "none") == 0 ||
				      strcmp(disk->cache, "directsync") == 0);
	if (disk->io && strcmp(disk->io, "native") == 0 && !direct)
		diag_error(p->d, EXIT_DATAERR, disk->driver_line, "<driver>",
			   "io='native' needs O_DIRECT; expected cache='none' or 'directsync' with it");
	else if (disk->bus == BUS_SATA && disk->index > 5)
		diag_error(p->d, EXIT_DATAERR, disk->target_line, "<target>",
			   "dev='%s' is past the six SATA ports of q35's AHCI controller; expected sda to sdf",
			   disk->target);
	else if (disk->bus == BUS_IDE && disk->index > 3)
		diag_error(p->d, EXIT_DATAERR, disk->target_line, "<target>",
			   "dev='%s' is past the four IDE places of a pc machine; expected hda to hdd",
			   disk->target);
}

/* Whether the disks already stand in libvirt's order (below): each bus's
 * disks by rising index, and a disk after another of its bus right after
 * it.  The usual case, checked in one pass. */
static bool in_libvirt_order(const struct domain *dom)
{
	for (size_t i = 1; i < dom->ndisks; i++) {
		const struct disk *d = &dom->disks[i];
		for (size_t j = i; j-- > 0;) {
			if (dom->disks[j].bus != d->bus)
				continue;
			if (j != i - 1 || dom->disks[j].index > d->index)
				return false;
			break;
		}
	}
	return true;
}

/* libvirt keeps a domain's disks in its own order, and <boot dev='hd'/>
 * boots the first of them: each disk in turn goes before the first disk
 * of its bus with a higher index, else after the last disk of its bus,
 * else at the end.  sevqemu orders them the same way. */
static void libvirt_disk_order(struct domain *dom)
{
	if (in_libvirt_order(dom))
		return;
	size_t n = dom->ndisks;
	struct disk *out = xreallocarray(NULL, n, sizeof(*out));
	for (size_t k = 0; k < n; k++) {
		const struct disk *d = &dom->disks[k];
		size_t at = k;
		bool found = false;
		for (size_t j = k; j-- > 0;) {
			if (out[j].bus != d->bus)
				continue;
			if (out[j].index > d->index)
				at = j;
			else if (!found)
				at = j + 1;
			found = true;
		}
		memmove(&out[at + 1], &out[at], (k - at) * sizeof(*out));
		out[at] = *d;
	}
	memcpy(dom->disks, out, n * sizeof(*out));
	free(out);
}

/* Two ide or sata disks in one place (by address or target name): 65. */
static void check_drive_places(struct parser *p)
{
	const struct domain *dom = p->dom;
	unsigned taken[6] = { 0 };
	for (size_t i = 0; i < dom->ndisks; i++) {
		const struct disk *d = &dom->disks[i];
		if ((d->bus != BUS_IDE && d->bus != BUS_SATA) || d->index > 5)
			continue;
		if (taken[d->index]) {
			char place[48];
			if (d->bus == BUS_IDE)
				snprintf(place, sizeof(place), "ide bus %u, unit %u",
					 d->index / 2, d->index % 2);
			else
				snprintf(place, sizeof(place), "sata port %u", d->index);
			diag_error(p->d, EXIT_DATAERR,
				   d->address_line ? d->address_line : d->line,
				   d->address_line ? "<address>" : "<disk>",
				   "%s is already taken by the disk at line %u; expected one disk per place",
				   place, taken[d->index]);
			return;
		}
		taken[d->index] = d->line;
	}
}

/* Whole-domain checks: buses the machine has, targets unique, scsi places
 * unique; then libvirt's order. */
void check_disks(struct parser *p)
{
	struct domain *dom = p->dom;
	libvirt_disk_order(dom);
	for (size_t i = 0; i < dom->ndisks && !diag_failed(p->d); i++) {
		struct disk *disk = &dom->disks[i];
		if (disk->bus == BUS_IDE && dom->os.family == MACHINE_Q35)
			diag_error(p->d, EXIT_DATAERR, disk->line, "<disk>",
				   "bus='ide' on a q35 machine, which has no IDE; expected bus='sata'");
		else if (disk->bus == BUS_SATA && dom->os.family != MACHINE_Q35)
			diag_error(p->d, EXIT_DATAERR, disk->line, "<disk>",
				   "bus='sata' on an i440fx (pc) machine, which has no AHCI; expected bus='ide' or a q35 machine");
		else if (disk->vhost_socket && !vhostuser_memory_shared(dom))
			diag_error(p->d, EXIT_DATAERR, disk->line, "<disk>",
				   "type='vhostuser' needs guest memory shared with its backend; expected <memoryBacking><access mode='shared'/> (or memAccess='shared' on every NUMA cell)");
		else
			check_disk_places(p, disk);
	}
	if (diag_failed(p->d) || dom->ndisks < 2)
		return;
	/* Sorted, so that thousands of disks cost n log n, not n squared. */
	const struct disk **sorted = xreallocarray(NULL, dom->ndisks, sizeof(*sorted));
	for (size_t i = 0; i < dom->ndisks; i++)
		sorted[i] = &dom->disks[i];
	qsort(sorted, dom->ndisks, sizeof(*sorted), by_target);
	for (size_t i = 1; i < dom->ndisks; i++) {
		if (strcmp(sorted[i - 1]->target, sorted[i]->target) == 0) {
			diag_error(p->d, EXIT_DATAERR, sorted[i]->target_line, "<target>",
				   "dev='%s' is already used by the disk at line %u; expected unique targets",
				   sorted[i]->target, sorted[i - 1]->line);
			break;
		}
	}
	free(sorted);
	if (!diag_failed(p->d))
		check_drive_places(p);
	if (!diag_failed(p->d))
		check_scsi_places(p);
}
