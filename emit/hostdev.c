/* <hostdev>: vfio-pci (a host PCI function, or a mediated device by its
 * sysfs path), usb-host, vhost-scsi and scsi-generic, as libvirt writes
 * them. */
#include <stdio.h>

#include "emit/build.h"

static void pci_device(struct build *b, struct keyval *kv, const struct hostdev *h)
{
	if (h->type == HOSTDEV_MDEV) {
		char path[64];
		snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", h->mdev_uuid);
		kv_str(kv, "sysfsdev", path);
		if (h->display != TRI_DEFAULT)
			kv_bool(kv, "display", h->display == TRI_ON);
		if (h->ramfb != TRI_DEFAULT)
			kv_bool(kv, "ramfb", h->ramfb == TRI_ON);
	} else {
		char host[16];
		snprintf(host, sizeof(host), "%04x:%02x:%02x.%x", h->domain, h->bus,
			 h->slot, h->function);
		kv_str(kv, "host", host);
	}
	if (h->rom_disabled)
		kv_str(kv, "romfile", "");
	else if (h->rom_bar != TRI_DEFAULT)
		kv_u64(kv, "rombar", h->rom_bar == TRI_ON);
	if (h->rom_file && !h->rom_disabled)
		kv_str(kv, "romfile", h->rom_file);
	(void)b;
}

/*
 * type='scsi': the device's node — the host's /dev/sgN (act/hostscsi.c
 * found it) or the iSCSI LUN, as a network disk's — and scsi-generic on
 * the guest's SCSI bus, which hands the guest's commands to it.  Nothing
 * here is SEV's concern: unlike VFIO, no device reaches guest memory
 * directly (the controller's DMA goes through QEMU), so nothing is pinned.
 */
static bool scsi_generic(struct build *b, struct keyval *kv, const struct hostdev *h,
			 size_t i)
{
	char node[48], secret[48];
	snprintf(node, sizeof(node), "hostdev%zu-backend", i);
	snprintf(secret, sizeof(secret), "hostdev%zu-auth", i);
	bool auth = h->iscsi && h->iscsi->net.auth.line;
	if (auth && !disk_secret(b, &h->iscsi->net.auth, secret))
		return false;
	kv_begin(kv, NULL);
	if (h->iscsi) {
		network_keys(kv, h->iscsi, auth ? secret : NULL);
	} else {
		kv_str(kv, "driver", "host_device");
		kv_str(kv, "filename", i < b->host->nscsi_generic && b->host->scsi_generic[i]
				       ? b->host->scsi_generic[i] : "");
	}
	kv_str(kv, "node-name", node);
	kv_bool(kv, "read-only", h->readonly);
	kv_push(kv, b->argv, "-blockdev");
	kv_begin(kv, "scsi-generic");
	scsi_place(b, kv, h->scsi_controller, h->scsi_guest_target, h->scsi_guest_unit);
	kv_str(kv, "drive", node);
	return true;
}

static void build_hostdev(struct build *b, const struct hostdev *h, size_t i)
{
	char id[32], bus[24];
	snprintf(id, sizeof(id), "hostdev%zu", i);
	struct keyval kv;
	if (h->type == HOSTDEV_SCSI) {
		if (!scsi_generic(b, &kv, h, i))
			return;
		kv_str(&kv, "id", id);
	} else if (h->type == HOSTDEV_SCSI_HOST) {
		/* QEMU opens /dev/vhost-scsi itself (libvirt passes its fd) */
		virtio_begin(&kv, "vhost-scsi-pci", &h->virtio);
		if (!pci_place(b, &kv, h->line, "<hostdev>")) {
			kv_discard(&kv);
			return;
		}
		kv_str(&kv, "wwpn", h->wwpn);
		kv_str(&kv, "id", id);
		virtio_options(b, &kv, &h->virtio, true);
	} else if (h->type == HOSTDEV_USB) {
		kv_begin(&kv, "usb-host");
		if (h->usb_by_id) {
			kv_hex(&kv, "vendorid", h->vendor);
			kv_hex(&kv, "productid", h->product);
		} else {
			char path[40];
			snprintf(path, sizeof(path), "/dev/bus/usb/%03u/%03u",
				 h->usb_bus, h->usb_device);
			kv_str(&kv, "hostdevice", path);
		}
		kv_str(&kv, "id", id);
		kv_str(&kv, "bus", controller_bus(CTRL_USB, 0, bus, sizeof(bus)));
	} else {
		kv_begin(&kv, "vfio-pci");
		if (!pci_place(b, &kv, h->line, "<hostdev>")) {
			kv_discard(&kv);
			return;
		}
		kv_str(&kv, "id", id);
		if (h->failover_nic) {
			char nic[24];
			snprintf(nic, sizeof(nic), "nic%u", h->failover_nic - 1);
			kv_str(&kv, "failover_pair_id", nic);
		}
		pci_device(b, &kv, h);
	}
	unsigned boot = boot_index_hostdev(&b->boot, h);
	if (boot)
		kv_u64(&kv, "bootindex", boot);
	build_push(b, &kv, "-device");
}

void build_hostdevs(struct build *b)
{
	const struct domain *dom = b->dom;
	for (size_t i = 0; i < dom->nhostdevs && !diag_failed(b->d); i++)
		build_hostdev(b, &dom->hostdevs[i], i);
}
