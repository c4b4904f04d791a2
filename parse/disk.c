/* <disk>: file- or block-backed disks and cdroms on virtio, sata, ide, scsi. */
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "xalloc.h"

static const char *const caches[] = {
	"default", "none", "writethrough", "writeback", "directsync", "unsafe", NULL,
};
static const char *const discards[] = { "unmap", "ignore", NULL };
static const char *const ios[] = { "threads", "native", "io_uring", NULL };

static char *choice_copy(struct parser *p, const xmlNode *n, const char *name,
			 const char *const *choices)
{
	int i = attr_choice(p, n, name, choices);
	return i >= 0 ? xstrdup(choices[i]) : NULL;
}

static void parse_driver(struct parser *p, const xmlNode *n, struct disk *disk)
{
	const char *name = xml_attr(n, "name");
	if (name && strcmp(name, "qemu") != 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "name='%s' is not valid; expected 'qemu'", name);
		return;
	}
	const char *type = xml_attr(n, "type");
	if (!type || strcmp(type, "raw") == 0)
		disk->format = FORMAT_RAW;
	else if (strcmp(type, "qcow2") == 0)
		disk->format = FORMAT_QCOW2;
	else {
		diag_error(p->d, EXIT_UNAVAILABLE, xml_line(n), XML_TAG(n),
			   "type='%s' is not supported; expected 'raw' or 'qcow2'",
			   type);
		return;
	}
	disk->cache = choice_copy(p, n, "cache", caches);
	disk->discard = choice_copy(p, n, "discard", discards);
	disk->io = choice_copy(p, n, "io", ios);
	disk->iommu = attr_onoff(p, n, "iommu");
}

static void parse_target(struct parser *p, const xmlNode *n, struct disk *disk)
{
	const char *dev = attr_required(p, n, "dev");
	if (!dev)
		return;
	if (!*dev) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "dev='' is empty; expected a name like vda, sda or hda");
		return;
	}
	disk->target = xstrdup(dev);
	static const char *const buses[] = { "virtio", "sata", "ide", "scsi", NULL };
	const char *bus = xml_attr(n, "bus");
	int b = -1;
	if (bus) {
		for (int i = 0; buses[i]; i++)
			if (strcmp(bus, buses[i]) == 0)
				b = i;
		if (b < 0) {
			diag_error(p->d, EXIT_UNAVAILABLE, xml_line(n), XML_TAG(n),
				   "bus='%s' is not supported; expected virtio, sata, ide or scsi",
				   bus);
			return;
		}
	} else if (strncmp(dev, "vd", 2) == 0) {
		b = 0;
	} else if (strncmp(dev, "sd", 2) == 0) {
		b = 3;
	} else if (strncmp(dev, "hd", 2) == 0) {
		b = 2;
	} else {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "dev='%s' does not say which bus; expected bus='virtio|sata|ide|scsi'",
			   dev);
		return;
	}
	disk->bus = (enum disk_bus)b;
}

void parse_disk(struct parser *p, const xmlNode *n)
{
	struct domain *dom = p->dom;
	const char *type = xml_attr(n, "type");
	if (type && strcmp(type, "file") != 0 && strcmp(type, "block") != 0) {
		unsupported(p, n, "only type='file' and type='block' disks are supported");
		return;
	}
	const char *device = xml_attr(n, "device");
	if (device && strcmp(device, "disk") != 0 && strcmp(device, "cdrom") != 0) {
		unsupported(p, n, "only device='disk' and device='cdrom' are supported");
		return;
	}
	XGROW(dom->disks, dom->ndisks, dom->disks_alloc);
	struct disk *disk = &dom->disks[dom->ndisks++];
	memset(disk, 0, sizeof(*disk));
	disk->line = xml_line(n);
	disk->block = type && strcmp(type, "block") == 0;
	disk->cdrom = device && strcmp(device, "cdrom") == 0;
	bool have_driver = false, have_source = false;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "driver")) {
			if (have_driver) {
				duplicate(p, c);
				break;
			}
			have_driver = true;
			disk->driver_line = xml_line(c);
			parse_driver(p, c, disk);
		} else if (xml_is(c, "source")) {
			if (have_source) {
				duplicate(p, c);
				break;
			}
			have_source = true;
			const char *attr = disk->block ? "dev" : "file";
			const char *path = xml_attr(c, attr);
			if (path && *path)
				disk->source = xstrdup(path);
			else if (!disk->cdrom)
				diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
					   "has no %s=; expected the %s backing the disk",
					   attr, disk->block ? "host block device" : "image file");
		} else if (xml_is(c, "target")) {
			if (disk->target)
				duplicate(p, c);
			else {
				disk->target_line = xml_line(c);
				parse_target(p, c, disk);
			}
		} else if (xml_is(c, "readonly")) {
			disk->readonly = true;
		} else if (xml_is(c, "shareable")) {
			disk->shareable = true;
		} else if (xml_is(c, "serial")) {
			text_once(p, c, &disk->serial);
		} else if (xml_is(c, "boot")) {
			uint64_t order;
			if (!attr_required(p, c, "order"))
				break;
			if (attr_decimal(p, c, "order", 1, 9999, &order))
				disk->boot_order = (unsigned)order;
		} else if (xml_is(c, "address") || xml_is(c, "alias")) {
			ignored(p, c);
		} else {
			unsupported(p, c, NULL);
		}
	}
	if (diag_failed(p->d))
		return;
	if (!disk->target)
		diag_error(p->d, EXIT_DATAERR, disk->line, XML_TAG(n),
			   "has no <target dev=...>; expected e.g. <target dev='vda' bus='virtio'/>");
	else if (!disk->source && !disk->cdrom)
		diag_error(p->d, EXIT_DATAERR, disk->line, XML_TAG(n),
			   "has no <source>; expected <source %s='...'/>",
			   disk->block ? "dev" : "file");
	else if (disk->cdrom && disk->bus == BUS_VIRTIO)
		diag_error(p->d, EXIT_DATAERR, disk->line, XML_TAG(n),
			   "a cdrom on bus='virtio'; expected sata, scsi or ide for a cdrom");
	if (disk->cdrom)
		disk->readonly = true;
}

static int by_target(const void *a, const void *b)
{
	const struct disk *x = *(const struct disk *const *)a;
	const struct disk *y = *(const struct disk *const *)b;
	int c = strcmp(x->target, y->target);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Whole-domain checks: buses the machine has, targets unique. */
void check_disks(struct parser *p)
{
	struct domain *dom = p->dom;
	for (size_t i = 0; i < dom->ndisks && !diag_failed(p->d); i++) {
		struct disk *disk = &dom->disks[i];
		if (disk->bus == BUS_IDE && dom->os.family == MACHINE_Q35)
			diag_error(p->d, EXIT_DATAERR, disk->line, "<disk>",
				   "bus='ide' on a q35 machine, which has no IDE; expected bus='sata'");
		else if (disk->bus == BUS_SATA && dom->os.family != MACHINE_Q35)
			diag_error(p->d, EXIT_DATAERR, disk->line, "<disk>",
				   "bus='sata' on an i440fx (pc) machine, which has no AHCI; expected bus='ide' or a q35 machine");
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
}
