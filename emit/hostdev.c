/* <hostdev>: vfio-pci (a host PCI function, or a mediated device by its
 * sysfs path) and usb-host, as libvirt writes them. */
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

static void build_hostdev(struct build *b, const struct hostdev *h, size_t i)
{
	char id[32], bus[24];
	snprintf(id, sizeof(id), "hostdev%zu", i);
	struct keyval kv;
	if (h->type == HOSTDEV_SCSI) {
		diag_error(b->d, EXIT_UNAVAILABLE, h->line, "<hostdev>",
			   "type='scsi': finding the /dev/sgN of %s:%u:%u:%llu is a sysfs lookup sevqemu does not make yet; expected a <disk type='block' device='lun'> on that /dev/sgN",
			   h->scsi_adapter, h->scsi_bus, h->scsi_target,
			   (unsigned long long)h->scsi_unit);
		return;
	}
	if (h->type == HOSTDEV_USB) {
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
