/*
 * Controllers: SCSI (virtio-scsi and the emulated HBAs libvirt knows), USB,
 * virtio-serial, each on a PCI(e) place of its own; the machine's PCI root,
 * AHCI, IDE and floppy controller are built in and emit nothing.  A device
 * that needs a controller the XML does not list gets an implicit one at
 * index 0, as libvirt adds it: virtio-serial for virtio channels and
 * consoles (the parser adds the scsi ones disks need).  (The USB controller
 * every guest gets unless model='none' is added by the parser.)  Order: USB, SCSI, virtio-serial (libvirt's),
 * each by index.
 */
#include <stdio.h>
#include <string.h>

#include "emit/build.h"

static const char *const short_names[] = {
	[CTRL_SCSI] = "scsi", [CTRL_USB] = "usb",
	[CTRL_VIRTIO_SERIAL] = "vserial", [CTRL_PCI] = "pci",
	[CTRL_SATA] = "ide", [CTRL_IDE] = "ide", [CTRL_FDC] = "fdc",
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

enum controller_model scsi_controller_model(const struct domain *dom,
					    unsigned index)
{
	size_t lo = 0, hi = dom->ncontrollers;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct controller *c = &dom->controllers[mid];
		int cmp = c->type != CTRL_SCSI
			  ? (c->type > CTRL_SCSI) - (c->type < CTRL_SCSI)
			  : (c->index > index) - (c->index < index);
		if (cmp == 0)
			return c->model;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return CTRL_MODEL_DEFAULT;
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

/* The SCSI controller's QEMU device, as libvirt names it. */
static const char *scsi_driver(enum controller_model model)
{
	switch (model) {
	case CTRL_SCSI_VIRTIO_TRANSITIONAL: return "virtio-scsi-pci-transitional";
	case CTRL_SCSI_VIRTIO_NON_TRANSITIONAL: return "virtio-scsi-pci-non-transitional";
	case CTRL_SCSI_LSILOGIC: return "lsi";
	case CTRL_SCSI_LSISAS1068: return "mptsas1068";
	case CTRL_SCSI_LSISAS1078: return "megasas";
	case CTRL_SCSI_VMPVSCSI: return "pvscsi";
	case CTRL_SCSI_AM53C974: return "am53c974";
	case CTRL_SCSI_DC390: return "dc390";
	default: return "virtio-scsi-pci";
	}
}

/* One controller; C NULL: an implicit one at INDEX, for the device
 * ELEMENT at LINE. */
static void build_one(struct build *b, enum controller_type type,
		      const struct controller *c, unsigned implicit_index,
		      unsigned line, const char *element)
{
	bool q35 = b->dom->os.family == MACHINE_Q35;
	enum controller_model model = c ? c->model : CTRL_MODEL_DEFAULT;
	const char *driver = type == CTRL_SCSI ? scsi_driver(model)
			     : type == CTRL_USB ? usb_driver(model, q35)
						: "virtio-serial-pci";
	unsigned index = c ? c->index : implicit_index;
	char id[24];
	snprintf(id, sizeof(id), "%s%u", short_names[type], index);
	struct keyval kv;
	if (type == CTRL_VIRTIO_SERIAL)
		virtio_begin(&kv, driver, c ? &c->virtio : NULL);
	else
		kv_begin(&kv, driver);
	kv_str(&kv, "id", id);
	if (type == CTRL_USB && !q35 && index == 0 && c &&
	    c->model == CTRL_USB_PIIX3_UHCI) {
		/* The PIIX3's own USB function, where libvirt puts it. */
		kv_str(&kv, "bus", "pci.0");
		kv_str(&kv, "addr", "0x1.0x2");
	} else if (!pci_place(b, &kv, line, element)) {
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
	bool versioned = model == CTRL_SCSI_VIRTIO_TRANSITIONAL ||
			 model == CTRL_SCSI_VIRTIO_NON_TRANSITIONAL;
	bool virtio = type == CTRL_VIRTIO_SERIAL || versioned ||
		      (type == CTRL_SCSI && (model == CTRL_MODEL_DEFAULT ||
					     model == CTRL_VIRTIO_SCSI));
	/* Only the plain virtio device has a legacy interface to turn off:
	 * the non-transitional one has none, and the parser refuses the
	 * transitional one for an encrypted guest. */
	if (virtio)
		virtio_options(b, &kv, c ? &c->virtio : NULL, !versioned);
	if (!c)
		diag_note(b->d, line, element,
			  "needs controller %s: added %s (no <controller type='%s' index='0'>)",
			  id, driver, type == CTRL_SCSI ? "scsi" : type == CTRL_USB ? "usb" : "virtio-serial");
	build_push(b, &kv, "-device");
}

static bool companion(const struct controller *c)
{
	return c->type == CTRL_USB && c->model >= CTRL_USB_ICH9_UHCI1 &&
	       c->model <= CTRL_USB_ICH9_UHCI3;
}

/*
 * An ich9-ehci1 with its USB1 companions, on one slot as on real ICH9 and
 * as libvirt places them: EHCI on function 7, uhci1-3 on functions 0-2
 * (function 0 multifunction), each companion on the EHCI's bus from its
 * first port.  FIRST..END are the USB controllers of that index.
 */
static void build_usb2(struct build *b, const struct controller *ehci,
		       const struct controller *first, const struct controller *end)
{
	char bus[24], addr[24], id[24], master[32];
	unsigned slot;
	if (!pci_reserve_slot(b, bus, sizeof(bus), &slot, ehci->line, "<controller>"))
		return;
	snprintf(id, sizeof(id), "usb%u", ehci->index);
	snprintf(master, sizeof(master), "%s.0", id);
	struct keyval kv;
	kv_begin(&kv, "ich9-usb-ehci1");
	kv_str(&kv, "id", id);
	kv_str(&kv, "bus", bus);
	snprintf(addr, sizeof(addr), "0x%x.0x7", slot);
	kv_str(&kv, "addr", addr);
	build_push(b, &kv, "-device");
	static const char *const drivers[] = {
		"ich9-usb-uhci1", "ich9-usb-uhci2", "ich9-usb-uhci3",
	};
	for (const struct controller *c = first; c < end; c++) {
		if (!companion(c) || c->index != ehci->index)
			continue;
		unsigned function = c->model - CTRL_USB_ICH9_UHCI1;
		kv_begin(&kv, drivers[function]);
		kv_str(&kv, "masterbus", master);
		kv_u64(&kv, "firstport", (unsigned)c->startport);
		kv_str(&kv, "bus", bus);
		snprintf(addr, sizeof(addr), "0x%x.0x%x", slot, function);
		kv_str(&kv, "addr", addr);
		if (function == 0)
			kv_bool(&kv, "multifunction", true);
		build_push(b, &kv, "-device");
	}
}

/* The line of a device that needs controller TYPE index 0 (0: none), and
 * in *ELEMENT its element. */
static unsigned needs_implicit(const struct domain *dom,
			       enum controller_type type, const char **element)
{
	switch (type) {
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
	default: /* scsi: the parser adds them (check_controllers());
		  * virtio-serial: dom->vserial, see build_vserial() */
		return 0;
	}
}

/* The first virtio console or channel on controller INDEX. */
static const struct chardev *vserial_user(const struct domain *dom, unsigned index)
{
	for (size_t i = 0; i < dom->nchardevs; i++) {
		const struct chardev *chr = &dom->chardevs[i];
		if (chr->kind != CHR_SERIAL && chr->target_type &&
		    strcmp(chr->target_type, "virtio") == 0 && chr->vs_controller == index)
			return chr;
	}
	return NULL;
}

/* virtio-serial controllers, the XML's and the implicit ones
 * (parse/vserial.c), by index. */
static void build_vserial(struct build *b, size_t first)
{
	const struct domain *dom = b->dom;
	const struct vserial_buses *vs = &dom->vserial;
	size_t i = first, k = 0;
	while (!diag_failed(b->d)) {
		bool more_xml = i < dom->ncontrollers &&
				dom->controllers[i].type == CTRL_VIRTIO_SERIAL;
		if (!more_xml && k == vs->nimplicit)
			return;
		if (more_xml && (k == vs->nimplicit ||
				 dom->controllers[i].index < vs->implicit[k])) {
			const struct controller *c = &dom->controllers[i++];
			build_one(b, CTRL_VIRTIO_SERIAL, c, 0, c->line, "<controller>");
			continue;
		}
		const struct chardev *user = vserial_user(dom, vs->implicit[k]);
		build_one(b, CTRL_VIRTIO_SERIAL, NULL, vs->implicit[k],
			  user ? user->line : 0,
			  user && user->kind == CHR_CONSOLE ? "<console>" : "<channel>");
		k++;
	}
}

void build_controllers(struct build *b)
{
	static const enum controller_type order[] = {
		CTRL_USB, CTRL_SCSI, CTRL_VIRTIO_SERIAL,
	};
	const struct domain *dom = b->dom;
	build_pci_bridges(b);
	/* dom->controllers is sorted by type, then index (check_controllers). */
	for (size_t t = 0; t < sizeof(order) / sizeof(*order); t++) {
		enum controller_type type = order[t];
		size_t first = 0;
		while (first < dom->ncontrollers && dom->controllers[first].type != type)
			first++;
		if (type == CTRL_VIRTIO_SERIAL) {
			build_vserial(b, first);
			if (diag_failed(b->d))
				return;
			continue;
		}
		bool has_zero = first < dom->ncontrollers &&
				dom->controllers[first].index == 0;
		if (!has_zero) {
			const char *element = NULL;
			unsigned line = needs_implicit(dom, type, &element);
			if (line) {
				build_one(b, type, NULL, 0, line, element);
				if (diag_failed(b->d))
					return;
			}
		}
		for (size_t i = first; i < dom->ncontrollers &&
				       dom->controllers[i].type == type; i++) {
			const struct controller *c = &dom->controllers[i];
			if (c->model == CTRL_USB_NONE || companion(c))
				continue;
			const struct controller *end = c;
			while (end < dom->controllers + dom->ncontrollers &&
			       end->type == type && end->index == c->index)
				end++;
			bool group = false;
			for (const struct controller *k = dom->controllers + first; k < end; k++)
				group = group || (k->index == c->index && companion(k));
			if (c->model == CTRL_USB_ICH9_EHCI1 && group)
				build_usb2(b, c, dom->controllers + first, end);
			else
				build_one(b, type, c, 0, c->line, "<controller>");
			if (diag_failed(b->d))
				return;
		}
	}
}
