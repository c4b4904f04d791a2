/*
 * <controller>, the whole domain: check_controllers() refuses duplicate
 * indices, checks models against the machine, the USB2 companions, USB
 * off against USB devices, and each scsi disk's address against its
 * controller's model; it adds libvirt's default USB controller.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

const struct controller *controller_find(const struct domain *dom,
				     enum controller_type type, unsigned index)
{
	size_t lo = 0, hi = dom->ncontrollers;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct controller *c = &dom->controllers[mid];
		int cmp = c->type != type ? (c->type > type) - (c->type < type)
					  : (c->index > index) - (c->index < index);
		if (cmp == 0)
			return c;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* One controller against the machine and its type's rules. */
static void check_one(struct parser *p, const struct controller *c)
{
	const char *tag = "<controller>";
	bool q35 = p->dom->os.family == MACHINE_Q35;
	switch (c->type) {
	case CTRL_PCI:
		if (c->model == CTRL_PCI_BRIDGE || c->model == CTRL_PCI_PXB) {
			check_pci_bus(p, c, q35);
			return;
		}
		if (c->index != 0) {
			diag_error(p->d, EXIT_DATAERR, c->line, tag,
				   "a PCI root with index='%u'; expected index='0' (the machine's root bus)",
				   c->index);
		} else if (c->model == CTRL_PCIE_ROOT && !q35) {
			diag_error(p->d, EXIT_DATAERR, c->line, tag,
				   "model='pcie-root' on an i440fx (pc) machine, whose root is PCI; expected model='pci-root' or machine='q35'");
		} else if (c->model == CTRL_PCI_ROOT && q35) {
			diag_error(p->d, EXIT_DATAERR, c->line, tag,
				   "model='pci-root' on a q35 machine, whose root is PCIe; expected model='pcie-root'");
		}
		break;
	case CTRL_SATA:
		if (!q35)
			diag_error(p->d, EXIT_DATAERR, c->line, tag,
				   "type='sata' on an i440fx (pc) machine, which has no AHCI; expected type='ide' or machine='q35'");
		else if (c->index != 0)
			diag_error(p->d, EXIT_UNAVAILABLE, c->line, tag,
				   "type='sata' index='%u': only q35's built-in AHCI controller (index 0) is supported; expected index='0'",
				   c->index);
		break;
	case CTRL_IDE:
		if (q35)
			diag_error(p->d, EXIT_DATAERR, c->line, tag,
				   "type='ide' on a q35 machine, which has no IDE; expected type='sata'");
		else if (c->index != 0)
			diag_error(p->d, EXIT_UNAVAILABLE, c->line, tag,
				   "type='ide' index='%u': only the pc machine's built-in IDE controller (index 0) is supported; expected index='0'",
				   c->index);
		break;
	case CTRL_FDC:
		if (c->index != 0)
			diag_error(p->d, EXIT_UNAVAILABLE, c->line, tag,
				   "type='fdc' index='%u': only the machine's one floppy controller (index 0) is supported; expected index='0'",
				   c->index);
		else
			diag_note(p->d, c->line, tag,
				  "nothing to emit: %s",
				  q35 ? "q35 has no floppy controller; an isa-fdc is added when a floppy needs it, as libvirt does"
				      : "the pc machine's built-in floppy controller");
		return;
	case CTRL_SCSI:
		if (c->model == CTRL_SCSI_VIRTIO_TRANSITIONAL &&
		    p->dom->launch.type != LAUNCH_NONE)
			diag_error(p->d, EXIT_UNAVAILABLE, c->line, tag,
				   "model='virtio-transitional' on an encrypted guest: QEMU refuses the IOMMU platform feature, without which the device cannot reach the guest's memory, on a device with a legacy interface; expected model='virtio-scsi' or 'virtio-non-transitional'");
		else if (c->model == CTRL_MODEL_DEFAULT)
			diag_note(p->d, c->line, tag,
				  "no model=: virtio-scsi, the model an encrypted guest's disks can use");
		return;
	case CTRL_USB:
		if (c->model == CTRL_MODEL_DEFAULT && c->ports)
			diag_error(p->d, EXIT_UNAVAILABLE, c->line, tag,
				   "ports= with no model=: libvirt gives a listed USB controller without a model piix3-uhci, which has no ports setting; expected model='qemu-xhci' or 'nec-xhci'");
		else if (c->model == CTRL_MODEL_DEFAULT)
			diag_note(p->d, c->line, tag,
				  "no model=: piix3-uhci, the model libvirt gives a listed USB controller without one");
		return;
	default:
		return;
	}
	if (!diag_failed(p->d))
		diag_note(p->d, c->line, tag,
			  "nothing to emit: the machine's built-in %s",
			  c->type == CTRL_PCI ? (q35 ? "PCIe root bus" : "PCI root bus")
			  : c->type == CTRL_SATA ? "AHCI controller" : "IDE controller");
}

static bool is_companion(const struct controller *c)
{
	return c->type == CTRL_USB && c->model >= CTRL_USB_ICH9_UHCI1 &&
	       c->model <= CTRL_USB_ICH9_UHCI3;
}

/* ich9-uhci1..3 are USB1 companions of the ich9-ehci1 with their index;
 * without <master startport>, libvirt gives them ports 0, 2 and 4. */
static void check_companions(struct parser *p)
{
	struct domain *dom = p->dom;
	for (size_t i = 0; i < dom->ncontrollers && !diag_failed(p->d); i++) {
		struct controller *c = &dom->controllers[i];
		if (!is_companion(c)) {
			if (c->startport >= 0)
				diag_error(p->d, EXIT_DATAERR, c->line, "<controller>",
					   "<master startport> on a controller that is not a companion; expected it only on ich9-uhci1 to ich9-uhci3");
			continue;
		}
		bool master = false;
		for (size_t k = 0; k < dom->ncontrollers; k++)
			master = master || (dom->controllers[k].type == CTRL_USB &&
					    dom->controllers[k].index == c->index &&
					    dom->controllers[k].model == CTRL_USB_ICH9_EHCI1);
		if (!master)
			diag_error(p->d, EXIT_DATAERR, c->line, "<controller>",
				   "a USB companion with index='%u' and no ich9-ehci1 of that index; expected <controller type='usb' index='%u' model='ich9-ehci1'/>",
				   c->index, c->index);
		if (c->startport < 0)
			c->startport = 2 * (c->model - CTRL_USB_ICH9_UHCI1);
	}
}

/* USB off (model='none') against USB controllers and USB devices. */
static void check_usb(struct parser *p)
{
	const struct domain *dom = p->dom;
	const struct controller *none = NULL, *other = NULL;
	for (size_t i = 0; i < dom->ncontrollers; i++) {
		const struct controller *c = &dom->controllers[i];
		if (c->type != CTRL_USB)
			continue;
		if (c->model == CTRL_USB_NONE)
			none = none ? none : c;
		else
			other = other ? other : c;
	}
	if (!none)
		return;
	if (other) {
		diag_error(p->d, EXIT_DATAERR, other->line, "<controller>",
			   "a USB controller while the one at line %u has model='none', which turns USB off; expected either model='none' alone or USB controllers without it",
			   none->line);
		return;
	}
	for (size_t i = 0; i < dom->ndisks; i++) {
		if (dom->disks[i].bus == BUS_USB) {
			diag_error(p->d, EXIT_DATAERR, dom->disks[i].line, "<disk>",
				   "bus='usb', but <controller type='usb' model='none'> at line %u turns USB off; expected another bus or a USB controller",
				   none->line);
			return;
		}
	}
	for (size_t i = 0; i < dom->misc.ninputs; i++) {
		const struct input *in = &dom->misc.inputs[i];
		if (in->bus && strcmp(in->bus, "usb") == 0) {
			diag_error(p->d, EXIT_DATAERR, in->line, "<input>",
				   "bus='usb', but <controller type='usb' model='none'> at line %u turns USB off; expected bus='virtio' or a USB controller",
				   none->line);
			return;
		}
	}
}

/* What a model's bus takes, as QEMU 7.2 checks it (scsi-id, lun). */
struct scsi_limits {
	enum controller_model model;
	const char *name;
	unsigned max_id, max_lun;
};

static const struct scsi_limits scsi_limits[] = {
	{ CTRL_SCSI_LSILOGIC, "lsilogic", 7, 0 },
	{ CTRL_SCSI_LSISAS1068, "lsisas1068", 8, 1 },
	{ CTRL_SCSI_LSISAS1078, "lsisas1078", 64, 255 },
	{ CTRL_SCSI_VMPVSCSI, "vmpvscsi", 64, 0 },
	{ CTRL_SCSI_AM53C974, "am53c974", 7, 7 },
	{ CTRL_SCSI_DC390, "dc390", 7, 7 },
};

/* A SCSI device's place (a disk's or a hostdev's) against an emulated
 * HBA.  lsilogic takes the unit as its scsi-id and needs target 0
 * (libvirt's rule); the others take the target as scsi-id and the unit as
 * lun, as on virtio-scsi.  LINE and TAG: where the place was written. */
void check_scsi_place(struct parser *p, unsigned line, const char *tag,
		      unsigned controller, unsigned target, unsigned unit)
{
	const struct controller *c = controller_find(p->dom, CTRL_SCSI, controller);
	const struct scsi_limits *l = NULL;
	for (size_t i = 0; c && i < sizeof(scsi_limits) / sizeof(*scsi_limits); i++)
		if (scsi_limits[i].model == c->model)
			l = &scsi_limits[i];
	if (!l)
		return; /* virtio-scsi: parse_disk checked its ranges */
	bool lsi = c->model == CTRL_SCSI_LSILOGIC;
	unsigned id = lsi ? unit : target;
	unsigned lun = lsi ? 0 : unit;
	if (lsi && target != 0)
		diag_error(p->d, EXIT_DATAERR, line, tag,
			   "target='%u' on the lsilogic controller at line %u, which addresses a disk by its unit; expected target='0'",
			   target, c->line);
	else if (id > l->max_id)
		diag_error(p->d, EXIT_DATAERR, line, tag,
			   "%s='%u' is past the last SCSI id of the %s controller at line %u; expected 0 to %u",
			   lsi ? "unit" : "target", id, l->name, c->line, l->max_id);
	else if (lun > l->max_lun)
		diag_error(p->d, EXIT_DATAERR, line, tag,
			   "unit='%u' is past the last LUN of the %s controller at line %u; expected 0%s%.0u",
			   lun, l->name, c->line, l->max_lun ? " to " : "", l->max_lun);
}

/* Each scsi disk's address against its controller's model (every
 * controller exists: scsi_defaults() ran).  One lookup per disk. */
static void check_scsi_disks(struct parser *p)
{
	const struct domain *dom = p->dom;
	for (size_t i = 0; i < dom->ndisks && !diag_failed(p->d); i++) {
		const struct disk *disk = &dom->disks[i];
		if (disk->bus == BUS_SCSI)
			check_scsi_place(p, disk->address_line ? disk->address_line : disk->line,
					 disk->address_line ? "<address>" : "<disk>",
					 disk->scsi_controller, disk->scsi_target,
					 disk->scsi_unit);
	}
}

/* As libvirt, every scsi controller from 0 to the highest a scsi disk
 * names exists: the missing ones are added, virtio-scsi (the model an
 * encrypted guest's disks can use; libvirt's x86 default is lsilogic). */
static void scsi_defaults(struct parser *p)
{
	struct domain *dom = p->dom;
	unsigned top = 0, line = 0;
	const char *tag = "<disk>";
	for (size_t i = 0; i < dom->ndisks; i++) {
		const struct disk *disk = &dom->disks[i];
		if (disk->bus == BUS_SCSI && (!line || disk->scsi_controller > top)) {
			top = disk->scsi_controller;
			line = disk->line;
		}
	}
	/* A passed-through SCSI device sits on a controller too (one without
	 * an <address> on controller 0, check_hostdevs()). */
	for (size_t i = 0; i < dom->nhostdevs; i++) {
		const struct hostdev *h = &dom->hostdevs[i];
		if (h->type == HOSTDEV_SCSI && (!line || h->scsi_controller > top)) {
			top = h->scsi_controller;
			line = h->line;
			tag = "<hostdev>";
		}
	}
	if (!line)
		return;
	size_t before = dom->ncontrollers;
	bool have[256] = { false }; /* controller_find() needs them sorted */
	for (unsigned index = 0; index <= top; index++)
		have[index] = controller_find(dom, CTRL_SCSI, index) != NULL;
	for (unsigned index = 0; index <= top; index++) {
		if (have[index])
			continue;
		XGROW(dom->controllers, dom->ncontrollers, dom->controllers_alloc);
		dom->controllers[dom->ncontrollers++] = (struct controller){
			.line = line, .type = CTRL_SCSI, .index = index,
			.vectors = -1, .startport = -1, .numa_node = -1,
			.implicit = true,
		};
	}
	if (dom->ncontrollers == before)
		return;
	diag_note(p->d, line, tag,
		  "%zu scsi controller(s) up to index %u missing: virtio-scsi added, as libvirt adds every controller up to the highest a %s names",
		  dom->ncontrollers - before, top, tag[1] == 'd' ? "disk" : "device");
	qsort(dom->controllers, dom->ncontrollers, sizeof(*dom->controllers),
	      controller_order);
}

/*
 * libvirt's USB defaults: a listed controller without model= is
 * piix3-uhci on every x86 machine; with no USB controller at all, one is
 * added at index 0 — qemu-xhci on q35, piix3-uhci on pc — unless
 * model='none' turned USB off.
 */
static void usb_defaults(struct parser *p)
{
	struct domain *dom = p->dom;
	bool any = false;
	for (size_t i = 0; i < dom->ncontrollers; i++) {
		struct controller *c = &dom->controllers[i];
		if (c->type != CTRL_USB)
			continue;
		any = true;
		if (c->model == CTRL_MODEL_DEFAULT)
			c->model = CTRL_USB_PIIX3_UHCI;
	}
	if (any)
		return;
	bool q35 = dom->os.family == MACHINE_Q35;
	XGROW(dom->controllers, dom->ncontrollers, dom->controllers_alloc);
	dom->controllers[dom->ncontrollers++] = (struct controller){
		.line = dom->line,
		.type = CTRL_USB,
		.model = q35 ? CTRL_USB_QEMU_XHCI : CTRL_USB_PIIX3_UHCI,
		.vectors = -1,
		.startport = -1,
		.numa_node = -1,
		.implicit = true,
	};
	diag_note(p->d, dom->line, "<domain>",
		  "no USB controller: %s added at index 0, as libvirt adds it (<controller type='usb' model='none'/> leaves it out)",
		  q35 ? "qemu-xhci" : "piix3-uhci");
	qsort(dom->controllers, dom->ncontrollers, sizeof(*dom->controllers),
	      controller_order);
}

void check_controllers(struct parser *p)
{
	struct domain *dom = p->dom;
	if (!controller_assign_indices(p))
		return;
	for (size_t i = 0; i < dom->ncontrollers && !diag_failed(p->d); i++) {
		const struct controller *c = &dom->controllers[i];
		if (i > 0 && c->type == c[-1].type && c->index == c[-1].index &&
		    !is_companion(c) && !is_companion(&c[-1])) {
			diag_error(p->d, EXIT_DATAERR, c->line, "<controller>",
				   "type='%s' index='%u' is already used by the controller at line %u; expected unique indices",
				   controller_type_names[c->type], c->index, c[-1].line);
			return;
		}
		check_one(p, c);
	}
	if (!diag_failed(p->d))
		check_companions(p);
	if (!diag_failed(p->d))
		usb_defaults(p);
	if (!diag_failed(p->d))
		check_usb(p);
	if (!diag_failed(p->d))
		scsi_defaults(p);
	if (!diag_failed(p->d))
		check_scsi_disks(p);
}

void free_controllers(struct domain *d)
{
	free(d->controllers);
	d->controllers = NULL;
	d->ncontrollers = d->controllers_alloc = 0;
}
