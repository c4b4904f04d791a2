/*
 * Controllers: virtio-scsi, USB, virtio-serial, each on a PCI(e) place of
 * its own; the machine's PCI root, AHCI and IDE are built in and emit
 * nothing.  A device that needs a controller the XML does not list gets an
 * implicit one at index 0, as libvirt adds it: virtio-scsi for scsi disks,
 * qemu-xhci (q35) or piix3-usb-uhci (pc) for USB devices, virtio-serial for
 * virtio channels and consoles.  Order: USB, SCSI, virtio-serial (libvirt's),
 * each by index.
 */
#include <stdio.h>
#include <string.h>

#include "emit/build.h"

static const char *const short_names[] = {
	[CTRL_SCSI] = "scsi", [CTRL_USB] = "usb",
	[CTRL_VIRTIO_SERIAL] = "vserial", [CTRL_PCI] = "pci",
	[CTRL_SATA] = "ide", [CTRL_IDE] = "ide",
};

/* By hand, not snprintf: it runs once per disk (thousands of scsi disks). */
const char *controller_bus(enum controller_type type, unsigned index,
			   char *buf, size_t size)
{
	char digits[12];
	size_t nd = 0;
	do {
		digits[nd++] = (char)('0' + index % 10);
		index /= 10;
	} while (index);
	const char *name = short_names[type];
	size_t len = strlen(name);
	if (len + nd + 3 > size) {
		if (size)
			*buf = '\0';
		return buf;
	}
	memcpy(buf, name, len);
	while (nd)
		buf[len++] = digits[--nd];
	memcpy(buf + len, ".0", 3);
	return buf;
}

static const char *usb_driver(enum controller_model model, bool q35)
{
	switch (model) {
	case CTRL_USB_QEMU_XHCI: return "qemu-xhci";
	case CTRL_USB_NEC_XHCI: return "nec-usb-xhci";
	case CTRL_USB_PIIX3_UHCI: return "piix3-usb-uhci";
	case CTRL_USB_ICH9_EHCI1: return "ich9-usb-ehci1";
	default: return q35 ? "qemu-xhci" : "piix3-usb-uhci";
	}
}

/* One controller; C NULL: the implicit one at index 0, for the device
 * ELEMENT at LINE. */
static void build_one(struct build *b, enum controller_type type,
		      const struct controller *c, unsigned line,
		      const char *element)
{
	bool q35 = b->dom->os.family == MACHINE_Q35;
	const char *driver = type == CTRL_SCSI ? "virtio-scsi-pci"
			     : type == CTRL_USB ? usb_driver(c ? c->model : CTRL_MODEL_DEFAULT, q35)
						: "virtio-serial-pci";
	unsigned index = c ? c->index : 0;
	char id[24];
	snprintf(id, sizeof(id), "%s%u", short_names[type], index);
	struct keyval kv;
	kv_begin(&kv, driver);
	kv_str(&kv, "id", id);
	if (!pci_place(b, &kv, line, element)) {
		kv_discard(&kv);
		return;
	}
	if (c && c->queues)
		kv_u64(&kv, "num_queues", c->queues);
	if (c && type == CTRL_USB && c->ports) {
		kv_u64(&kv, "p2", c->ports);
		kv_u64(&kv, "p3", c->ports);
	}
	if (c && type == CTRL_VIRTIO_SERIAL) {
		if (c->ports)
			kv_u64(&kv, "max_ports", c->ports);
		if (c->vectors >= 0)
			kv_u64(&kv, "vectors", (unsigned)c->vectors);
	}
	if (type != CTRL_USB)
		virtio_options(b, &kv, c ? c->iommu : TRI_DEFAULT, true);
	if (!c)
		diag_note(b->d, line, element,
			  "needs controller %s: added %s (no <controller type='%s' index='0'>)",
			  id, driver, type == CTRL_SCSI ? "scsi" : type == CTRL_USB ? "usb" : "virtio-serial");
	build_push(b, &kv, "-device");
}

/* The line of a device that needs controller TYPE index 0 (0: none), and
 * in *ELEMENT its element. */
static unsigned needs_implicit(const struct domain *dom,
			       enum controller_type type, const char **element)
{
	switch (type) {
	case CTRL_SCSI:
		*element = "<disk>";
		for (size_t i = 0; i < dom->ndisks; i++)
			if (dom->disks[i].bus == BUS_SCSI &&
			    dom->disks[i].scsi_controller == 0)
				return dom->disks[i].line;
		return 0;
	case CTRL_USB:
		*element = "<disk>";
		for (size_t i = 0; i < dom->ndisks; i++)
			if (dom->disks[i].bus == BUS_USB)
				return dom->disks[i].line;
		*element = "<hostdev>";
		for (size_t i = 0; i < dom->nhostdevs; i++)
			if (dom->hostdevs[i].type == HOSTDEV_USB)
				return dom->hostdevs[i].line;
		*element = "<input>";
		for (size_t i = 0; i < dom->misc.ninputs; i++)
			if (dom->misc.inputs[i].bus &&
			    strcmp(dom->misc.inputs[i].bus, "usb") == 0)
				return dom->misc.inputs[i].line;
		return 0;
	case CTRL_VIRTIO_SERIAL:
		for (size_t i = 0; i < dom->nchardevs; i++) {
			const struct chardev *chr = &dom->chardevs[i];
			if ((chr->kind == CHR_CHANNEL || chr->kind == CHR_CONSOLE) &&
			    chr->target_type && strcmp(chr->target_type, "virtio") == 0) {
				*element = chr->kind == CHR_CHANNEL ? "<channel>"
								    : "<console>";
				return chr->line;
			}
		}
		return 0;
	default:
		return 0;
	}
}

void build_controllers(struct build *b)
{
	static const enum controller_type order[] = {
		CTRL_USB, CTRL_SCSI, CTRL_VIRTIO_SERIAL,
	};
	const struct domain *dom = b->dom;
	/* dom->controllers is sorted by type, then index (check_controllers). */
	for (size_t t = 0; t < sizeof(order) / sizeof(*order); t++) {
		enum controller_type type = order[t];
		size_t first = 0;
		while (first < dom->ncontrollers && dom->controllers[first].type != type)
			first++;
		bool has_zero = first < dom->ncontrollers &&
				dom->controllers[first].index == 0;
		if (!has_zero) {
			const char *element = NULL;
			unsigned line = needs_implicit(dom, type, &element);
			if (line) {
				build_one(b, type, NULL, line, element);
				if (diag_failed(b->d))
					return;
			}
		}
		for (size_t i = first; i < dom->ncontrollers &&
				       dom->controllers[i].type == type; i++) {
			const struct controller *c = &dom->controllers[i];
			if (c->model == CTRL_USB_NONE)
				continue;
			build_one(b, type, c, c->line, "<controller>");
			if (diag_failed(b->d))
				return;
		}
	}
}
