/* <disk>: file- or block-backed disks and cdroms on virtio, sata, ide, scsi. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

static const char *const caches[] = {
	"default", "none", "writethrough", "writeback", "directsync", "unsafe", NULL,
};
static const char *const discards[] = { "unmap", "ignore", NULL };
static const char *const ios[] = { "threads", "native", "io_uring", NULL };
static const char *const werrors[] = { "stop", "report", "ignore", "enospace", NULL };
static const char *const rerrors[] = { "stop", "report", "ignore", NULL };
static const char *const zeroes[] = { "off", "on", "unmap", NULL };

static char *choice_copy(struct parser *p, const xmlNode *n, const char *name,
			 const char *const *choices)
{
	int i = attr_choice(p, n, name, choices);
	return i >= 0 ? xstrdup(choices[i]) : NULL;
}

static void parse_driver(struct parser *p, const xmlNode *n, struct disk *disk)
{
	static const char *const known[] = {
		"name", "type", "cache", "discard", "io", "iommu", "ats", "packed",
		"page_per_vq", "ioeventfd", "event_idx", "iothread", "queues",
		"queue_size", "error_policy", "rerror_policy", "detect_zeroes",
		"copy_on_read", "discard_no_unref", NULL,
	};
	if (!known_attrs(p, n, known))
		return;
	if (xml_attr(n, "discard_no_unref")) /* --ignore-unsupported: the rest stays */
		refuse(p, n, "discard_no_unref= is qcow2's discard-no-unref, which QEMU 8.1 added; QEMU 7.2 has no such option");
	if (diag_failed(p->d))
		return;
	parse_virtio_driver(p, n, VD_DISK, &disk->virtio);
	const char *name = xml_attr(n, "name");
	if (name && strcmp(name, "qemu") != 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "name='%s' is not valid; expected 'qemu'", name);
		return;
	}
	if (!attr_disk_format(p, n, "type", &disk->format))
		return;
	disk->cache = choice_copy(p, n, "cache", caches);
	disk->discard = choice_copy(p, n, "discard", discards);
	disk->io = choice_copy(p, n, "io", ios);
	disk->error_policy = choice_copy(p, n, "error_policy", werrors);
	disk->rerror_policy = choice_copy(p, n, "rerror_policy", rerrors);
	disk->detect_zeroes = choice_copy(p, n, "detect_zeroes", zeroes);
	disk->copy_on_read = attr_onoff(p, n, "copy_on_read") == TRI_ON;
	if (!diag_failed(p->d) && disk->detect_zeroes &&
	    strcmp(disk->detect_zeroes, "unmap") == 0 &&
	    !(disk->discard && strcmp(disk->discard, "unmap") == 0)) {
		/* libvirt: unmapping zeroes needs discard='unmap' too. */
		free(disk->detect_zeroes);
		disk->detect_zeroes = xstrdup("on");
	}
}

/* "vdb" -> 1, "sdaa" -> 26: the disk's index from its target name (the
 * letters after the two-letter prefix); saturates instead of wrapping. */
static unsigned target_index(const char *target)
{
	const char *p = target;
	while (*p && !(*p >= 'a' && *p <= 'z' && p - target >= 2))
		p++;
	unsigned index = 0;
	for (; *p >= 'a' && *p <= 'z'; p++)
		index = index > (UINT_MAX - 26) / 26 ? UINT_MAX
						     : index * 26 + (unsigned)(*p - 'a') + 1;
	return index ? index - 1 : 0;
}

/* <address type='drive' controller bus target unit>: where a scsi disk
 * sits.  Other addresses (pci on virtio disks) are placement sevqemu does
 * itself: ignored. */
static void parse_address(struct parser *p, const xmlNode *n, struct disk *disk)
{
	const char *type = xml_attr(n, "type");
	if (!type || strcmp(type, "drive") != 0) {
		ignored(p, n);
		return;
	}
	if (disk->address_line) {
		duplicate(p, n);
		return;
	}
	disk->address_line = xml_line(n);
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		const char *name = (const char *)a->name;
		if (strcmp(name, "type") != 0 && strcmp(name, "controller") != 0 &&
		    strcmp(name, "bus") != 0 && strcmp(name, "target") != 0 &&
		    strcmp(name, "unit") != 0) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "unknown attribute %s=; expected controller=, bus=, target= and unit=",
				   name);
			return;
		}
	}
	uint64_t v;
	if (attr_decimal(p, n, "controller", 0, 255, &v))
		disk->scsi_controller = (unsigned)v;
	if (attr_decimal(p, n, "target", 0, UINT32_MAX, &v))
		disk->scsi_target = (unsigned)v;
	if (attr_decimal(p, n, "unit", 0, UINT32_MAX, &v))
		disk->scsi_unit = (unsigned)v;
	if (attr_decimal(p, n, "bus", 0, UINT32_MAX, &v))
		disk->drive_bus = (unsigned)v;
}

/* An IDE or SATA disk at its <address type='drive'>, as libvirt places it:
 * IDE bus B unit U is ide.B unit U (index 2B+U), SATA unit U is AHCI port
 * U, a floppy's unit its drive.  A pc machine has one IDE controller; q35
 * can have more AHCI ones, but sevqemu gives it only its built-in one. */
static void drive_place(struct parser *p, const xmlNode *address, struct disk *disk)
{
	bool ide = disk->bus == BUS_IDE, fdc = disk->bus == BUS_FDC;
	unsigned buses = ide ? 2 : 1, units = ide || fdc ? 2 : 6;
	const char *what = ide ? "IDE" : fdc ? "floppy" : "SATA";
	if (disk->scsi_controller != 0 && !ide && !fdc)
		refuse(p, address, "controller='%u': sevqemu gives a guest q35's one AHCI controller; expected controller='0'",
		       disk->scsi_controller);
	else if (disk->scsi_controller != 0)
		diag_error(p->d, EXIT_DATAERR, disk->address_line, "<address>",
			   "controller='%u': the machine has one %s controller; expected controller='0'",
			   disk->scsi_controller, what);
	else if (disk->scsi_target != 0)
		diag_error(p->d, EXIT_DATAERR, disk->address_line, "<address>",
			   "target='%u' is out of range for %s; expected 0",
			   disk->scsi_target, what);
	/* libvirt accepts other buses and units; QEMU's controller has none */
	else if (disk->drive_bus >= buses)
		refuse(p, address, "bus='%u': QEMU's %s controller has no such bus; expected %s",
		       disk->drive_bus, what, ide ? "0 or 1" : "0");
	else if (disk->scsi_unit >= units)
		refuse(p, address, "unit='%u': QEMU's %s controller has no such unit; expected 0 to %u",
		       disk->scsi_unit, what, units - 1);
	else
		disk->index = disk->drive_bus * 2 + disk->scsi_unit;
}

/* A scsi disk's place: scsi-id 0-255, lun 0-16383 (virtio-scsi's; the
 * controller's model narrows them, check_controllers()).  Without an
 * address, controller 0, target 0 and the name's index as the unit, as
 * libvirt places sda to sdg; libvirt starts another controller every seven
 * disks, sevqemu keeps them on controller 0 (units to 16383, then the next
 * target), so that thousands fit one virtio-scsi controller. */
static void scsi_place(struct parser *p, struct disk *disk)
{
	if (!disk->address_line) {
		disk->scsi_target = disk->index / 16384;
		disk->scsi_unit = disk->index % 16384;
		if (disk->scsi_target > 255)
			diag_error(p->d, EXIT_DATAERR, disk->target_line, "<target>",
				   "dev='%s' is past the last unit of a virtio-scsi controller; expected a shorter name or an <address type='drive'>",
				   disk->target);
		return;
	}
	if (disk->drive_bus != 0)
		diag_error(p->d, EXIT_DATAERR, disk->address_line, "<address>",
			   "bus='%u': a virtio-scsi controller has one bus; expected bus='0'",
			   disk->drive_bus);
	else if (disk->scsi_target > 255)
		diag_error(p->d, EXIT_DATAERR, disk->address_line, "<address>",
			   "target='%u' is out of range for virtio-scsi; expected 0 to 255",
			   disk->scsi_target);
	else if (disk->scsi_unit > 16383)
		diag_error(p->d, EXIT_DATAERR, disk->address_line, "<address>",
			   "unit='%u' is out of range for virtio-scsi; expected 0 to 16383",
			   disk->scsi_unit);
}

static void parse_target(struct parser *p, const xmlNode *n, struct disk *disk)
{
	static const char *const known[] = { "dev", "bus", "removable", "tray", NULL };
	if (!known_attrs(p, n, known))
		return;
	disk->removable = attr_onoff(p, n, "removable");
	static const char *const trays[] = { "closed", "open", NULL };
	int tray = attr_choice(p, n, "tray", trays);
	if (tray >= 0 && !disk->cdrom && !disk->floppy)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "tray= is for a cdrom or floppy drive; expected it on device='cdrom' or 'floppy'");
	else if (tray == 1) /* a running guest's state: libvirt starts closed */
		diag_note(p->d, xml_line(n), XML_TAG(n),
			  "tray='open' is a running guest's state; QEMU starts with the tray closed, as under libvirt");
	if (diag_failed(p->d))
		return;
	const char *dev = attr_required(p, n, "dev");
	if (!dev)
		return;
	if (!*dev) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "dev='' is empty; expected a name like vda, sda or hda");
		return;
	}
	disk->target = xstrdup(dev);
	disk->index = target_index(dev);
	static const char *const buses[] = {
		"virtio", "sata", "ide", "scsi", "usb", "fdc", NULL,
	};
	const char *bus = xml_attr(n, "bus");
	int b = -1;
	if (bus) {
		b = list_index(bus, buses);
		if (b < 0 && strcmp(bus, "sd") == 0) {
			diag_error(p->d, EXIT_UNAVAILABLE, xml_line(n), XML_TAG(n),
				   "bus='sd' is an SD card, and QEMU's x86 machines have no SD controller (QEMU: machine type does not support if=sd); expected virtio, sata, ide, scsi, usb or fdc");
			return;
		}
		if (b < 0) {
			diag_error(p->d, EXIT_UNAVAILABLE, xml_line(n), XML_TAG(n),
				   "bus='%s' is not supported; expected virtio, sata, ide, scsi, usb or fdc",
				   bus);
			return;
		}
	} else if (strncmp(dev, "vd", 2) == 0) {
		b = 0;
	} else if (strncmp(dev, "sd", 2) == 0) {
		b = 3;
	} else if (strncmp(dev, "hd", 2) == 0) {
		b = 2;
	} else if (strncmp(dev, "fd", 2) == 0) {
		b = 5;
	} else {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "dev='%s' does not say which bus; expected bus='virtio|sata|ide|scsi|usb|fdc'",
			   dev);
		return;
	}
	disk->bus = (enum disk_bus)b;
}

/* What a <disk> holds; *SEEN tracks the elements allowed once. */
struct disk_seen {
	bool driver, source, network, nvme, vhostuser;
	const xmlNode *address;
	size_t refusals;         /* the run's refusals before this disk */
};

static void parse_source(struct parser *p, const xmlNode *c, struct disk *disk,
			 const struct disk_seen *seen)
{
	if (seen->network || seen->nvme || seen->vhostuser) {
		(seen->network ? parse_network_source : seen->nvme ? parse_nvme_source
		 : parse_vhostuser_source)(p, c, disk);
		return;
	}
	/* index= is a running guest's bookkeeping (virsh dumpxml). */
	static const char *const known[] = { "file", "dev", "index", "startupPolicy", NULL };
	if (!known_attrs(p, c, known))
		return;
	static const char *const policies[] = { "mandatory", "requisite", "optional", NULL };
	int policy = attr_choice(p, c, "startupPolicy", policies);
	if (policy == 1 && !disk->cdrom && !disk->floppy) {
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "startupPolicy='requisite' is for a cdrom or floppy; expected 'mandatory' or 'optional' on a disk");
		return;
	}
	disk->startup = policy < 0 ? STARTUP_DEFAULT : (enum startup_policy)(policy + 1);
	disk->source_line = xml_line(c);
	for (xmlNode *e = xml_first_element(c); e && !diag_failed(p->d);
	     e = xml_next_element(e)) {
		if (xml_is(e, "encryption"))
			parse_disk_encryption(p, e, disk);
		else if (xml_is(e, "slices"))
			parse_disk_slices(p, e, &disk->slice);
		else if (xml_is(e, "reservations"))
			parse_disk_reservations(p, e, disk);
		else if (xml_is(e, "seclabel"))
			ignored(p, e);
		else
			unsupported(p, e, NULL);
	}
	const char *attr = disk->block ? "dev" : "file";
	const char *path = xml_attr(c, attr);
	if (path && *path)
		disk->source = xstrdup(path);
	else if (!disk->cdrom)
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "has no %s=; expected the %s backing the disk",
			   attr, disk->block ? "host block device" : "image file");
}

static void parse_disk_child(struct parser *p, const xmlNode *c,
			     struct disk *disk, struct disk_seen *seen)
{
	if (xml_is(c, "driver") || xml_is(c, "source")) {
		bool driver = xml_is(c, "driver");
		bool *once = driver ? &seen->driver : &seen->source;
		if (*once) {
			duplicate(p, c);
			return;
		}
		*once = true;
		if (driver) {
			disk->driver_line = xml_line(c);
			parse_driver(p, c, disk);
		} else {
			parse_source(p, c, disk, seen);
		}
	} else if (xml_is(c, "target")) {
		if (disk->target) {
			duplicate(p, c);
			return;
		}
		disk->target_line = xml_line(c);
		parse_target(p, c, disk);
	} else if (xml_is(c, "readonly")) {
		disk->readonly = true;
	} else if (xml_is(c, "shareable")) {
		disk->shareable = true;
	} else if (xml_is(c, "serial")) {
		text_once(p, c, &disk->serial);
	} else if (xml_is(c, "boot")) {
		uint64_t order;
		if (attr_required(p, c, "order") &&
		    attr_decimal(p, c, "order", 1, 9999, &order))
			disk->boot_order = (unsigned)order;
	} else if (xml_is(c, "address")) {
		seen->address = c;
		parse_address(p, c, disk);
	} else if (xml_is(c, "alias")) {
		ignored(p, c);
	} else if (xml_is(c, "mirror")) {
		/* libvirt builds no copy at start either */
		diag_note(p->d, xml_line(c), XML_TAG(c),
			  "ignored: a running guest's block copy job; a start has none, as under libvirt");
	} else if (xml_is(c, "auth") && seen->network) {
		parse_disk_auth(p, c, disk);
	} else if (xml_is(c, "encryption")) {
		parse_disk_encryption(p, c, disk);
	} else if (xml_is(c, "backingStore")) {
		parse_disk_backing(p, c, disk);
	} else if (!parse_disk_detail(p, c, disk)) {
		unsupported(p, c, NULL);
	}
}

/* Floppies on the fdc only; SCSI passthrough (lun) of a host device or an
 * iscsi LUN on scsi only; USB disks are usb-storage, which has no cdrom. */
static void check_disk_kind(struct parser *p, const xmlNode *n,
			    const struct disk *disk)
{
	const char *problem = NULL;
	if (disk->floppy != (disk->bus == BUS_FDC))
		problem = disk->floppy ? "a floppy not on bus='fdc'; expected <target dev='fda' bus='fdc'/>"
				       : "bus='fdc' holds floppies only; expected device='floppy'";
	else if (disk->floppy && disk->index > 1)
		problem = "the floppy controller has two drives; expected fda or fdb";
	else if (disk->lun && (disk->bus != BUS_SCSI ||
			       !(disk->block || disk->net.protocol == PROTO_ISCSI)))
		problem = "device='lun' passes a host SCSI device through; expected type='block' (or an iscsi source) on bus='scsi'";
	else if (disk->pr_line && !(disk->lun && disk->block))
		problem = "<reservations> are SCSI persistent reservations of a host device; expected them on type='block' device='lun'";
	else if (disk->nvme_device && (disk->cdrom || disk->floppy || disk->lun))
		problem = "type='nvme' is a disk: an NVMe namespace; expected device='disk'";
	else if (disk->vhost_socket && (disk->cdrom || disk->floppy || disk->lun ||
					disk->bus != BUS_VIRTIO))
		problem = "type='vhostuser' is a vhost-user-blk disk; expected device='disk' on bus='virtio'";
	else if (disk->vhost_socket && (disk->cache || disk->io || disk->discard ||
					disk->detect_zeroes || disk->copy_on_read ||
					disk->readonly || disk->serial || disk->iotune.line))
		problem = "type='vhostuser': the backend owns the storage, so cache=, io=, discard=, detect_zeroes=, copy_on_read=, <readonly/>, <serial> and <iotune> do not apply (libvirt refuses them too); expected none of them";
	else if (disk->removable != TRI_DEFAULT && disk->bus != BUS_USB &&
		 !(disk->bus == BUS_SCSI && !disk->cdrom && !disk->lun))
		problem = "removable= is for usb and scsi disks (usb-storage, scsi-hd); expected it on bus='usb' or 'scsi', device='disk'";
	if (problem) {
		diag_error(p->d, EXIT_DATAERR, disk->line, XML_TAG(n), "%s", problem);
		return;
	}
	if (disk->cdrom && disk->bus == BUS_USB)
		refuse(p, n, "a USB cdrom needs usb-bot with a scsi-cd, which sevqemu does not build; expected bus='sata' or 'scsi'");
}

/* What the disk as a whole must have, once its children are read. */
static void finish_disk(struct parser *p, const xmlNode *n, struct disk *disk,
			const struct disk_seen *seen)
{
	if (!disk->target)
		diag_error(p->d, EXIT_DATAERR, disk->line, XML_TAG(n),
			   "has no <target dev=...>; expected e.g. <target dev='vda' bus='virtio'/>");
	else if (!disk->source && !disk->cdrom && !disk->floppy && !disk->net.protocol &&
		 !disk->nvme_device && !disk->vhost_socket &&
		 /* a refused source already said why (the run ends 69) */
		 p->d->nrefusals == seen->refusals)
		diag_error(p->d, EXIT_DATAERR, disk->line, XML_TAG(n),
			   "has no <source>; expected <source %s='...'%s>",
			   seen->network ? "protocol" : disk->block ? "dev" : "file",
			   seen->network ? " name='...'" : "/");
	else if (disk->cdrom && disk->bus == BUS_VIRTIO)
		diag_error(p->d, EXIT_DATAERR, disk->line, XML_TAG(n),
			   "a cdrom on bus='virtio'; expected sata, scsi or ide for a cdrom");
	else if (xml_attr(n, "model") && disk->bus != BUS_VIRTIO)
		diag_error(p->d, EXIT_DATAERR, disk->line, XML_TAG(n),
			   "model='%s' is for bus='virtio' disks; expected no model= on another bus",
			   xml_attr(n, "model"));
	else
		check_disk_kind(p, n, disk);
	if (!diag_failed(p->d))
		check_disk_detail(p, n, disk);
	if (diag_failed(p->d))
		return;
	if (disk->cdrom)
		disk->readonly = true;
	if (disk->bus == BUS_SCSI) {
		scsi_place(p, disk);
	} else if (disk->address_line && (disk->bus == BUS_IDE ||
		   disk->bus == BUS_SATA || disk->bus == BUS_FDC)) {
		drive_place(p, seen->address, disk);
	} else if (disk->address_line) {
		/* A drive address on virtio: placement is sevqemu's. */
		ignored(p, seen->address);
		disk->address_line = 0;
	}
}

void parse_disk(struct parser *p, const xmlNode *n)
{
	struct domain *dom = p->dom;
	static const char *const known[] = { "type", "device", "model", NULL };
	if (!known_attrs(p, n, known))
		return;
	/* Any other model= is invalid for a disk (65), as in libvirt's schema. */
	int flavour = attr_choice(p, n, "model", virtio_model_names);
	if (flavour == -2)
		return;
	const char *type = xml_attr(n, "type");
	if (type && strcmp(type, "volume") == 0) {
		unsupported(p, n, "type='volume' needs a libvirt storage pool; expected type='file', 'block' or 'network' with the volume's own path or server");
		return;
	}
	if (type && strcmp(type, "vhostvdpa") == 0) {
		refuse(p, n, "type='vhostvdpa' needs QEMU's virtio-blk-vhost-vdpa block driver (libblkio), which this QEMU 7.2 is built without; expected type='file' or 'block'");
		return;
	}
	if (type && strcmp(type, "file") != 0 && strcmp(type, "block") != 0 &&
	    strcmp(type, "network") != 0 && strcmp(type, "nvme") != 0 &&
	    strcmp(type, "vhostuser") != 0) {
		refuse(p, n, "type='%s' is not supported; expected 'file', 'block', 'network', 'nvme' or 'vhostuser'",
		       type);
		return;
	}
	static const char *const devices[] = { "disk", "cdrom", "floppy", "lun", NULL };
	const char *device = xml_attr(n, "device");
	if (device && !in_list(device, devices)) {
		refuse(p, n, "device='%s' is not supported; expected disk, cdrom, floppy or lun",
		       device);
		return;
	}
	XGROW(dom->disks, dom->ndisks, dom->disks_alloc);
	struct disk *disk = &dom->disks[dom->ndisks++];
	memset(disk, 0, sizeof(*disk));
	disk->line = xml_line(n);
	disk->virtio.flavour = flavour > 0 ? (enum virtio_flavour)flavour : VIRTIO_PLAIN;
	disk->block = type && strcmp(type, "block") == 0;
	disk->cdrom = device && strcmp(device, "cdrom") == 0;
	disk->floppy = device && strcmp(device, "floppy") == 0;
	disk->lun = device && strcmp(device, "lun") == 0;
	struct disk_seen seen = {
		.network = type && strcmp(type, "network") == 0,
		.nvme = type && strcmp(type, "nvme") == 0,
		.vhostuser = type && strcmp(type, "vhostuser") == 0,
		.refusals = p->d->nrefusals,
	};
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c))
		parse_disk_child(p, c, disk, &seen);
	if (!diag_failed(p->d))
		finish_disk(p, n, disk, &seen);
}

static void free_disk(struct disk *disk)
{
	free(disk->source);
	free(disk->target);
	free(disk->serial);
	free(disk->cache);
	free(disk->discard);
	free(disk->io);
	free(disk->nvme_device);
	free(disk->vhost_socket);
	free(disk->pr_socket);
	free_disk_source(disk);
	free_disk_detail(disk);
	free_disk_backing(disk);
}

void domain_drop_disk(struct domain *dom, size_t i)
{
	struct disk *disk = &dom->disks[i];
	if (disk->cdrom || disk->floppy) {
		free_disk_backing(disk);
		disk->backing = NULL;
		disk->nbacking = disk->backing_alloc = 0;
		disk->backing_closed = false;
		free(disk->source);
		disk->source = NULL;
		return;
	}
	free_disk(disk);
	memmove(disk, disk + 1, (dom->ndisks - i - 1) * sizeof(*disk));
	dom->ndisks--;
}

void free_disks(struct domain *dom)
{
	for (size_t i = 0; i < dom->ndisks; i++)
		free_disk(&dom->disks[i]);
	free(dom->disks);
}
