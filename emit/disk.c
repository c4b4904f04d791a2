/* Disks: a -blockdev file (or host_device) node, a format node, and the
 * -device on the disk's bus. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/build.h"

struct cache_mode {
	const char *name;
	bool direct, no_flush, write_cache;
};

static const struct cache_mode cache_modes[] = {
	{ "none", true, false, true },
	{ "writethrough", false, false, false },
	{ "writeback", false, false, true },
	{ "directsync", true, false, false },
	{ "unsafe", false, true, true },
};

static const struct cache_mode *cache_of(const struct disk *disk)
{
	if (!disk->cache)
		return NULL;
	for (size_t i = 0; i < sizeof(cache_modes) / sizeof(*cache_modes); i++)
		if (strcmp(disk->cache, cache_modes[i].name) == 0)
			return &cache_modes[i];
	return NULL; /* "default": QEMU's */
}

/* QEMU's driver for each image format (parse/disks.h). */
static const char *const format_drivers[] = {
	[FORMAT_RAW] = "raw", [FORMAT_BOCHS] = "bochs", [FORMAT_CLOOP] = "cloop",
	[FORMAT_DMG] = "dmg", [FORMAT_VPC] = "vpc", [FORMAT_VDI] = "vdi",
	[FORMAT_VHDX] = "vhdx", [FORMAT_PARALLELS] = "parallels",
	[FORMAT_QCOW] = "qcow", [FORMAT_QCOW2] = "qcow2", [FORMAT_QED] = "qed",
	[FORMAT_VMDK] = "vmdk",
};

/* The format node: the image's format, or a LUKS layer (raw with
 * <encryption>; the parser allows LUKS on raw and qcow2 only). */
static void format_node_keys(struct keyval *kv, const struct disk *disk,
			     const char *luks_id)
{
	if (disk->format != FORMAT_RAW) {
		kv_str(kv, "driver", format_drivers[disk->format]);
		if (luks_id) {
			kv_str(kv, "encrypt.format", "luks");
			kv_str(kv, "encrypt.key-secret", luks_id);
		}
	} else if (luks_id) {
		kv_str(kv, "driver", "luks");
		kv_str(kv, "key-secret", luks_id);
	} else {
		kv_str(kv, "driver", "raw");
	}
}

/* The secret objects a disk's nodes name: <auth> and the LUKS key. */
static bool disk_secrets(struct build *b, const struct disk *disk, unsigned i,
			 char *auth_id, char *luks_id, size_t size)
{
	snprintf(auth_id, size, "disk%u-auth", i);
	snprintf(luks_id, size, "disk%u-luks", i);
	if (disk->net.auth.line && !disk_secret(b, &disk->net.auth, auth_id))
		return false;
	if (disk->luks.line && !disk_secret(b, &disk->luks, luks_id))
		return false;
	/* http(s) cookies: QEMU reads them from a secret, as libvirt gives them */
	char cookie_id[24];
	snprintf(cookie_id, sizeof(cookie_id), "disk%u-cookie", i);
	const char *cookies = disk->net.cookies;
	if (cookies && !secret_object(b, cookie_id, cookies, strlen(cookies), "raw"))
		return false;
	if (!disk->luks.line)
		*luks_id = '\0';
	return true;
}

/* <slices>: a raw node over FILE that gives QEMU only the slice's bytes;
 * FILE becomes its name (NODE). */
static void slice_node(struct build *b, const struct disk_slice *slice,
		       const char *node, bool readonly, char *file, size_t size)
{
	if (!slice->line)
		return;
	struct keyval kv;
	kv_begin(&kv, NULL);
	kv_str(&kv, "driver", "raw");
	kv_str(&kv, "file", file);
	kv_u64(&kv, "offset", slice->offset);
	kv_u64(&kv, "size", slice->size);
	kv_str(&kv, "node-name", node);
	if (readonly)
		kv_bool(&kv, "read-only", true);
	kv_push(&kv, b->argv, "-blockdev");
	snprintf(file, size, "%s", node);
}

/* The <backingStore> chain, deepest first, read-only; BACKING gets the
 * name of the top layer's format node ("" when there is no chain). */
static void backing_nodes(struct build *b, const struct disk *disk, unsigned i,
			  char *backing, size_t size)
{
	*backing = '\0';
	for (size_t k = disk->nbacking; k-- > 0;) {
		const struct disk_backing *layer = &disk->backing[k];
		char file_node[48], format_node[48];
		snprintf(file_node, sizeof(file_node), "disk%u-b%zu-file", i, k);
		snprintf(format_node, sizeof(format_node), "disk%u-b%zu-format", i, k);
		struct keyval kv;
		kv_begin(&kv, NULL);
		if (layer->net) {
			struct disk tmp;
			memset(&tmp, 0, sizeof(tmp));
			tmp.net = *layer->net;
			network_keys(&kv, &tmp, "");
		} else {
			kv_str(&kv, "driver", layer->block ? "host_device" : "file");
			kv_str(&kv, "filename", layer->source);
		}
		kv_str(&kv, "node-name", file_node);
		kv_bool(&kv, "read-only", true);
		kv_push(&kv, b->argv, "-blockdev");
		char slice[48];
		snprintf(slice, sizeof(slice), "disk%u-b%zu-slice", i, k);
		slice_node(b, &layer->slice, slice, true, file_node, sizeof(file_node));
		kv_begin(&kv, NULL);
		kv_str(&kv, "driver", format_drivers[layer->format]);
		kv_str(&kv, "file", file_node);
		kv_str(&kv, "node-name", format_node);
		kv_bool(&kv, "read-only", true);
		if (*backing)
			kv_str(&kv, "backing", backing);
		else if (disk->backing_closed && layer->format >= FORMAT_BACKING)
			kv_str(&kv, "backing", ""); /* keyval for null */
		kv_push(&kv, b->argv, "-blockdev");
		snprintf(backing, size, "%s", format_node);
	}
}

/* <reservations>: the pr-manager-helper object the disk's node names (ID,
 * "" after an error).  The managed one, shared by the guest's disks as
 * libvirt shares it, is a qemu-pr-helper sevqemu starts (a helper). */
static void pr_manager(struct build *b, const struct disk *disk, unsigned i,
		       char *id, size_t size)
{
	unsigned first = i;
	for (unsigned j = 0; disk->pr_managed && j < i; j++)
		if (b->dom->disks[j].pr_managed && first == i)
			first = j;
	snprintf(id, size, disk->pr_managed ? "pr-helper0" : "disk%u-pr", i);
	if (first != i)
		return; /* made with the first managed disk */
	const char *dir = disk->pr_managed ? plan_state_dir(b) : NULL;
	char *sock = dir ? state_dir_socket_path(b, dir, "pr-helper0.sock",
						 disk->pr_line, "<reservations>")
			 : NULL;
	if (disk->pr_managed && !sock) {
		*id = '\0';
		return;
	}
	struct keyval kv;
	kv_begin(&kv, "pr-manager-helper");
	kv_str(&kv, "id", id);
	kv_str(&kv, "path", sock ? sock : disk->pr_socket);
	build_push(b, &kv, "-object");
	if (!sock)
		return;
	struct plan_helper *h = plan_add_helper(b->plan, "qemu-pr-helper",
		&(struct helper_place){ "qemu-system-common", "<reservations>",
					disk->pr_line, sock, dir, "pr-helper0" });
	argv_push(&h->argv, b->host->pr_helper ? b->host->pr_helper : "qemu-pr-helper");
	argv_pair(&h->argv, "-k", sock);
}

static void block_nodes(struct build *b, const struct disk *disk, unsigned i,
			const struct cache_mode *cache, char *format_node,
			size_t size)
{
	char file_node[24], auth_id[24], luks_id[24], backing[48], slice[24], pr[24];
	if (!disk_secrets(b, disk, i, auth_id, luks_id, sizeof(auth_id)))
		return;
	if (disk->pr_line)
		pr_manager(b, disk, i, pr, sizeof(pr));
	if (diag_failed(b->d))
		return;
	backing_nodes(b, disk, i, backing, sizeof(backing));
	snprintf(file_node, sizeof(file_node), "disk%u-file", i);
	snprintf(format_node, size, "disk%u-format", i);
	char tls[24];
	snprintf(tls, sizeof(tls), "disk%u-tls", i);
	struct keyval kv;
	if (disk->net.tls) {
		/* libvirt's default nbd_tls_x509_cert_dir, verifying the server */
		kv_begin(&kv, "tls-creds-x509");
		kv_str(&kv, "id", tls);
		kv_str(&kv, "dir", "/etc/pki/qemu");
		kv_str(&kv, "endpoint", "client");
		kv_bool(&kv, "verify-peer", true);
		build_push(b, &kv, "-object");
	}
	kv_begin(&kv, NULL);
	if (disk->net.protocol) {
		network_keys(&kv, disk, auth_id);
		if (disk->net.cookies) {
			char cookie_id[24];
			snprintf(cookie_id, sizeof(cookie_id), "disk%u-cookie", i);
			kv_str(&kv, "cookie-secret", cookie_id);
		}
		if (disk->net.tls)
			kv_str(&kv, "tls-creds", tls);
		if (disk->net.tls_hostname)
			kv_str(&kv, "tls-hostname", disk->net.tls_hostname);
	} else if (disk->nvme_device) {
		kv_str(&kv, "driver", "nvme");
		kv_str(&kv, "device", disk->nvme_device);
		kv_u64(&kv, "namespace", disk->nvme_namespace);
	} else {
		kv_str(&kv, "driver", disk->block ? (disk->cdrom ? "host_cdrom" : "host_device")
						  : "file");
		kv_str(&kv, "filename", disk->source);
		if (disk->pr_line)
			kv_str(&kv, "pr-manager", pr);
	}
	kv_str(&kv, "node-name", file_node);
	if (cache && cache->direct)
		kv_bool(&kv, "cache.direct", true);
	if (cache && cache->no_flush)
		kv_bool(&kv, "cache.no-flush", true);
	if (disk->io && !disk->nvme_device)
		kv_str(&kv, "aio", disk->io);
	if (disk->discard)
		kv_str(&kv, "discard", disk->discard);
	if (disk->readonly)
		kv_bool(&kv, "read-only", true);
	kv_push(&kv, b->argv, "-blockdev");
	snprintf(slice, sizeof(slice), "disk%u-slice", i);
	slice_node(b, &disk->slice, slice, disk->readonly, file_node, sizeof(file_node));

	kv_begin(&kv, NULL);
	format_node_keys(&kv, disk, *luks_id ? luks_id : NULL);
	kv_str(&kv, "file", file_node);
	kv_str(&kv, "node-name", format_node);
	if (*backing)
		kv_str(&kv, "backing", backing);
	else if (disk->backing_closed && disk->format >= FORMAT_BACKING)
		kv_str(&kv, "backing", ""); /* keyval for null */
	if (disk->discard)
		kv_str(&kv, "discard", disk->discard);
	if (disk->detect_zeroes)
		kv_str(&kv, "detect-zeroes", disk->detect_zeroes);
	if (disk->readonly)
		kv_bool(&kv, "read-only", true);
	kv_push(&kv, b->argv, "-blockdev");
}

/* QEMU's names for struct disk_iotune's limits, in its order. */
static const char *const throttle_keys[IOTUNE_LIMITS] = {
	"x-bps-total", "x-bps-read", "x-bps-write",
	"x-iops-total", "x-iops-read", "x-iops-write",
	"x-bps-total-max", "x-bps-read-max", "x-bps-write-max",
	"x-iops-total-max", "x-iops-read-max", "x-iops-write-max",
	"x-bps-total-max-length", "x-bps-read-max-length", "x-bps-write-max-length",
	"x-iops-total-max-length", "x-iops-read-max-length", "x-iops-write-max-length",
	"x-iops-size",
};

/* <iotune>: a throttle group (one per <group_name>, made by its first
 * disk, whose limits it takes) and a throttle filter node over TOP. */
static void throttle_node(struct build *b, const struct disk *disk, unsigned i,
			  char *top, size_t size)
{
	const struct disk_iotune *t = &disk->iotune;
	unsigned owner = i;
	for (unsigned j = 0; t->group && j < i; j++) {
		const char *g = b->dom->disks[j].iotune.group;
		if (g && strcmp(g, t->group) == 0) {
			owner = j;
			break;
		}
	}
	char group[32];
	snprintf(group, sizeof(group), "throttle%u", owner);
	struct keyval kv;
	if (owner == i) {
		kv_begin(&kv, "throttle-group");
		kv_str(&kv, "id", group);
		for (size_t k = 0; k < IOTUNE_LIMITS; k++)
			if (t->limit[k])
				kv_u64(&kv, throttle_keys[k], t->limit[k]);
		build_push(b, &kv, "-object");
	}
	kv_begin(&kv, NULL);
	kv_str(&kv, "driver", "throttle");
	kv_str(&kv, "throttle-group", group);
	kv_str(&kv, "file", top);
	snprintf(top, size, "disk%u-throttle", i);
	kv_str(&kv, "node-name", top);
	kv_push(&kv, b->argv, "-blockdev");
}

/* Filters over the format node, as libvirt stacks them: throttling, then
 * copy-on-read on top.  TOP becomes the node the device uses. */
static void filter_nodes(struct build *b, const struct disk *disk, unsigned i,
			 char *top, size_t size)
{
	if (disk->iotune.line)
		throttle_node(b, disk, i, top, size);
	if (disk->copy_on_read) {
		struct keyval kv;
		kv_begin(&kv, NULL);
		kv_str(&kv, "driver", "copy-on-read");
		kv_str(&kv, "file", top);
		snprintf(top, size, "disk%u-cor", i);
		kv_str(&kv, "node-name", top);
		kv_push(&kv, b->argv, "-blockdev");
	}
}

/* What the disk tells the guest: wwn, vendor/product, geometry, block
 * sizes, error policies. */
static void device_details(struct keyval *kv, const struct disk *disk)
{
	if (disk->wwn)
		kv_u64(kv, "wwn", strtoull(disk->wwn, NULL, 16));
	if (disk->vendor)
		kv_str(kv, "vendor", disk->vendor);
	if (disk->product)
		kv_str(kv, "product", disk->product);
	if (disk->cyls) {
		kv_u64(kv, "cyls", disk->cyls);
		kv_u64(kv, "heads", disk->heads);
		kv_u64(kv, "secs", disk->secs);
		if (disk->trans)
			kv_str(kv, "bios-chs-trans", disk->trans);
	}
	if (disk->logical_block)
		kv_u64(kv, "logical_block_size", disk->logical_block);
	if (disk->physical_block)
		kv_u64(kv, "physical_block_size", disk->physical_block);
	if (disk->error_policy)
		kv_str(kv, "werror", strcmp(disk->error_policy, "enospace") == 0
					     ? "enospc" : disk->error_policy);
	if (disk->rerror_policy)
		kv_str(kv, "rerror", disk->rerror_policy);
}

static const char *device_driver(const struct disk *disk)
{
	switch (disk->bus) {
	case BUS_VIRTIO:
		return disk->vhost_socket ? "vhost-user-blk-pci"
		       : disk->virtio.flavour == VIRTIO_TRANSITIONAL ? "virtio-blk-pci-transitional"
		       : disk->virtio.flavour == VIRTIO_NON_TRANSITIONAL ? "virtio-blk-pci-non-transitional"
		       : "virtio-blk-pci";
	case BUS_SCSI: return disk->cdrom ? "scsi-cd" : disk->lun ? "scsi-block" : "scsi-hd";
	case BUS_SATA:
	case BUS_IDE: return disk->cdrom ? "ide-cd" : "ide-hd";
	case BUS_USB: return "usb-storage";
	case BUS_FDC: return "floppy";
	}
	return "virtio-blk-pci";
}

/* bus=, and the place on it: lsilogic addresses a device by its unit
 * alone, as libvirt writes it; the other HBAs as channel, target and lun. */
void scsi_place(struct build *b, struct keyval *kv, unsigned controller,
		unsigned target, unsigned unit)
{
	char bus[24];
	kv_str(kv, "bus", controller_bus(CTRL_SCSI, controller, bus, sizeof(bus)));
	if (scsi_controller_model(b->dom, controller) == CTRL_SCSI_LSILOGIC) {
		kv_u64(kv, "scsi-id", unit);
		return;
	}
	kv_u64(kv, "channel", 0);
	kv_u64(kv, "scsi-id", target);
	kv_u64(kv, "lun", unit);
}

/* Where the device sits on its bus; false after an error. */
static bool place_disk(struct build *b, struct keyval *kv, const struct disk *disk)
{
	unsigned index = disk->index;
	char bus[24];
	switch (disk->bus) {
	case BUS_VIRTIO:
		return pci_place(b, kv, disk->line, "<disk>");
	case BUS_SATA:
		/* One AHCI port per bus: the parser keeps INDEX to sda-sdf. */
		snprintf(bus, sizeof(bus), "ide.%u", index);
		kv_str(kv, "bus", bus);
		break;
	case BUS_IDE:
		snprintf(bus, sizeof(bus), "ide.%u", index / 2);
		kv_str(kv, "bus", bus);
		kv_u64(kv, "unit", index % 2);
		break;
	case BUS_SCSI:
		scsi_place(b, kv, disk->scsi_controller, disk->scsi_target,
			   disk->scsi_unit);
		break;
	case BUS_USB:
		kv_str(kv, "bus", controller_bus(CTRL_USB, 0, bus, sizeof(bus)));
		break;
	case BUS_FDC:
		kv_u64(kv, "unit", index);
		break;
	}
	return true;
}

/* The floppy controller: q35 has none, so it is added (an isa-fdc); the
 * pc machine's own takes a floppy's boot index as a -global, as libvirt
 * writes it. */
static void build_fdc(struct build *b)
{
	const struct domain *dom = b->dom;
	unsigned boot[2] = { 0, 0 };
	bool any = false;
	for (size_t i = 0; i < dom->ndisks; i++) {
		const struct disk *disk = &dom->disks[i];
		if (!disk->floppy)
			continue;
		any = true;
		boot[disk->index] = boot_index_disk(&b->boot, disk, i);
	}
	if (!any)
		return;
	if (b->pci.family == MACHINE_Q35) {
		struct keyval kv;
		kv_begin(&kv, "isa-fdc");
		for (int u = 0; u < 2; u++)
			if (boot[u])
				kv_u64(&kv, u ? "bootindexB" : "bootindexA", boot[u]);
		build_push(b, &kv, "-device");
		return;
	}
	for (int u = 0; u < 2; u++)
		if (boot[u])
			argv_pushf(b->argv, "-global"), argv_pushf(b->argv,
				"isa-fdc.bootindex%c=%u", u ? 'B' : 'A', boot[u]);
}

static void build_disk(struct build *b, const struct disk *disk, unsigned i)
{
	const struct cache_mode *cache = cache_of(disk);
	char format_node[24] = "";
	if (disk->source || disk->net.protocol || disk->nvme_device)
		block_nodes(b, disk, i, cache, format_node, sizeof(format_node));
	if (diag_failed(b->d))
		return;
	if (*format_node)
		filter_nodes(b, disk, i, format_node, sizeof(format_node));

	struct keyval kv;
	char id[24], chr[24];
	snprintf(id, sizeof(id), "disk%u", i);
	snprintf(chr, sizeof(chr), "disk%u-vu", i);
	if (disk->vhost_socket) {
		kv_begin(&kv, "socket");
		kv_str(&kv, "id", chr);
		kv_str(&kv, "path", disk->vhost_socket);
		if (disk->vhost_reconnect)
			kv_u64(&kv, "reconnect", disk->vhost_reconnect);
		kv_push(&kv, b->argv, "-chardev");
	}
	kv_begin(&kv, device_driver(disk));
	if (!place_disk(b, &kv, disk)) {
		kv_discard(&kv);
		return;
	}
	if (*format_node)
		kv_str(&kv, "drive", format_node);
	if (disk->vhost_socket)
		kv_str(&kv, "chardev", chr);
	kv_str(&kv, "id", id);
	if (disk->serial)
		kv_str(&kv, "serial", disk->serial);
	device_details(&kv, disk);
	if (cache && !disk->cdrom && !disk->floppy && !disk->lun)
		kv_bool(&kv, "write-cache", cache->write_cache);
	if (disk->shareable)
		kv_bool(&kv, "share-rw", true);
	if (disk->removable != TRI_DEFAULT)
		kv_bool(&kv, "removable", disk->removable == TRI_ON);
	unsigned boot = boot_index_disk(&b->boot, disk, i);
	if (boot && !disk->floppy) /* a floppy boots through its controller */
		kv_u64(&kv, "bootindex", boot);
	if (disk->bus == BUS_VIRTIO) {
		virtio_options(b, &kv, &disk->virtio, true);
	}
	build_push(b, &kv, "-device");
}

/* The controllers the disks sit on come first, from build_controllers(). */
void build_disks(struct build *b)
{
	const struct domain *dom = b->dom;
	build_fdc(b);
	for (size_t i = 0; i < dom->ndisks && !diag_failed(b->d); i++)
		build_disk(b, &dom->disks[i], (unsigned)i);
}
