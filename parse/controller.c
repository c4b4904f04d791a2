/*
 * <controller>: scsi (virtio-scsi), usb, virtio-serial; pci/pcie roots and
 * the built-in sata/ide controllers are accepted with nothing to emit; other
 * PCI controllers are ignored (sevqemu generates its own root ports).
 * check_controllers() gives index-less controllers the lowest free index,
 * refuses duplicates, checks models against the machine and the devices
 * that sit on the controllers (scsi disks, usb inputs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

static const char *const type_names[] = {
	[CTRL_SCSI] = "scsi", [CTRL_USB] = "usb",
	[CTRL_VIRTIO_SERIAL] = "virtio-serial", [CTRL_PCI] = "pci",
	[CTRL_SATA] = "sata", [CTRL_IDE] = "ide",
};

/* Models libvirt knows, and what sevqemu makes of them. */
struct model {
	const char *name;
	enum controller_model model; /* CTRL_MODEL_DEFAULT: refused (69) */
};

static const struct model scsi_models[] = {
	{ "virtio-scsi", CTRL_VIRTIO_SCSI }, { "auto", 0 }, { "buslogic", 0 },
	{ "lsilogic", 0 }, { "lsisas1068", 0 }, { "lsisas1078", 0 },
	{ "vmpvscsi", 0 }, { "ibmvscsi", 0 }, { "virtio-transitional", 0 },
	{ "virtio-non-transitional", 0 }, { "ncr53c90", 0 }, { "am53c974", 0 },
	{ "dc390", 0 }, { NULL, 0 },
};

static const struct model usb_models[] = {
	{ "none", CTRL_USB_NONE }, { "qemu-xhci", CTRL_USB_QEMU_XHCI },
	{ "nec-xhci", CTRL_USB_NEC_XHCI }, { "piix3-uhci", CTRL_USB_PIIX3_UHCI },
	{ "ich9-ehci1", CTRL_USB_ICH9_EHCI1 }, { "piix4-uhci", 0 }, { "ehci", 0 },
	{ "ich9-uhci1", CTRL_USB_ICH9_UHCI1 }, { "ich9-uhci2", CTRL_USB_ICH9_UHCI2 },
	{ "ich9-uhci3", CTRL_USB_ICH9_UHCI3 },
	{ "vt82c686b-uhci", 0 }, { "pci-ohci", 0 }, { "qusb1", 0 },
	{ "qusb2", 0 }, { "default", 0 }, { NULL, 0 },
};

static const struct model pci_models[] = {
	{ "pci-root", CTRL_PCI_ROOT }, { "pcie-root", CTRL_PCIE_ROOT },
	{ "pci-bridge", CTRL_PCI_BRIDGE }, { "dmi-to-pci-bridge", 0 }, { "pcie-root-port", 0 },
	{ "pcie-switch-upstream-port", 0 }, { "pcie-switch-downstream-port", 0 },
	{ "pci-expander-bus", CTRL_PCI_PXB }, { "pcie-expander-bus", 0 },
	{ "pcie-to-pci-bridge", 0 }, { NULL, 0 },
};

/* Index in TABLE of NAME, -1 when libvirt has no such model. */
static int model_find(const struct model *table, const char *name)
{
	for (int i = 0; table[i].name; i++)
		if (strcmp(table[i].name, name) == 0)
			return i;
	return -1;
}

static void parse_driver(struct parser *p, const xmlNode *n,
			 struct controller *c)
{
	for (const xmlAttr *a = n->properties; a && !diag_failed(p->d); a = a->next) {
		const char *name = (const char *)a->name;
		if (strcmp(name, "iommu") == 0 ||
		    (strcmp(name, "queues") == 0 && c->type == CTRL_SCSI) ||
		    virtio_driver_attr(name, c->type == CTRL_SCSI ? VD_SCSI : 0))
			continue;
		refuse(p, n, "%s= is not supported; expected only %s", name, c->type == CTRL_SCSI ? "iommu=, queues=, iothread=, ioeventfd=, cmd_per_lun=, max_sectors=, ats=, packed= and page_per_vq=" : "iommu=, ats=, packed= and page_per_vq=");
	}
	parse_virtio_driver(p, n, c->type == CTRL_SCSI ? VD_SCSI : 0, &c->virtio);
	c->iommu = attr_onoff(p, n, "iommu");
	uint64_t queues;
	if (c->type == CTRL_SCSI &&
	    attr_decimal(p, n, "queues", 1, 1022, &queues))
		c->queues = (unsigned)queues;
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k))
		unsupported(p, k, NULL);
}

/* The children of a translated controller; false when it is dropped. */
static bool parse_children(struct parser *p, const xmlNode *n,
			   struct controller *c)
{
	bool virtio = c->type == CTRL_SCSI || c->type == CTRL_VIRTIO_SERIAL;
	bool have_driver = false;
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k)) {
		if (xml_is(k, "address") || xml_is(k, "alias") ||
		    (xml_is(k, "model") && c->type == CTRL_PCI)) {
			ignored(p, k);
		} else if (xml_is(k, "target") && (c->model == CTRL_PCI_BRIDGE ||
						    c->model == CTRL_PCI_PXB)) {
			parse_pci_target(p, k, c);
} else if (xml_is(k, "driver") && virtio) {
			if (have_driver) {
				duplicate(p, k);
				return false;
			}
			have_driver = true;
			parse_driver(p, k, c);
		} else if (xml_is(k, "master") && c->type == CTRL_USB) {
			static const char *const known[] = { "startport", NULL };
			uint64_t port;
			if (known_attrs(p, k, known) && attr_required(p, k, "startport") &&
			    attr_decimal(p, k, "startport", 0, 5, &port))
				c->startport = (int)port;
		} else {
			unsupported(p, k, NULL);
		}
	}
	return !diag_failed(p->d);
}

/* model=: false when the controller is refused (or dropped). */
static bool parse_model(struct parser *p, const xmlNode *n,
			struct controller *c, const struct model *table,
			const char *supported)
{
	const char *name = xml_attr(n, "model");
	if (!name)
		return true;
	int i = model_find(table, name);
	if (i < 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "model='%s' is not a %s controller model; expected %s",
			   name, type_names[c->type], supported);
		return false;
	}
	if (table[i].model == CTRL_MODEL_DEFAULT) {
		refuse(p, n, "model='%s' is not supported; expected %s", name, supported);
		return false;
	}
	c->model = table[i].model;
	return true;
}

/* Attributes other than type, index and model. */
static bool parse_extra_attrs(struct parser *p, const xmlNode *n,
			      struct controller *c)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		const char *name = (const char *)a->name;
		if (strcmp(name, "type") == 0 || strcmp(name, "index") == 0 ||
		    strcmp(name, "model") == 0)
			continue;
		bool ok = (strcmp(name, "ports") == 0 &&
			   (c->type == CTRL_USB || c->type == CTRL_VIRTIO_SERIAL)) ||
			  (strcmp(name, "vectors") == 0 &&
			   c->type == CTRL_VIRTIO_SERIAL);
		if (!ok) {
			refuse(p, n, "%s= is not supported on a %s controller", name, type_names[c->type]);
			if (diag_failed(p->d))
				return false;
		}
	}
	uint64_t v;
	if (c->type == CTRL_VIRTIO_SERIAL) {
		if (attr_decimal(p, n, "ports", 1, 511, &v))
			c->ports = (unsigned)v;
		if (attr_decimal(p, n, "vectors", 0, 2048, &v))
			c->vectors = (int)v;
	} else if (c->type == CTRL_USB && xml_attr(n, "ports")) {
		bool xhci = c->model == CTRL_USB_QEMU_XHCI ||
			    c->model == CTRL_USB_NEC_XHCI ||
			    c->model == CTRL_MODEL_DEFAULT;
		if (!xhci) {
			unsupported(p, n, "ports= is supported only on the qemu-xhci and nec-xhci models");
			return !diag_failed(p->d);
		}
		if (attr_decimal(p, n, "ports", 1, 15, &v))
			c->ports = (unsigned)v;
	}
	return !diag_failed(p->d);
}

/* A pci controller: the root is noted; a bridge or port (or, without
 * model=, index > 0) is placement sevqemu does itself.  False: not kept. */
static bool parse_pci_model(struct parser *p, const xmlNode *n,
			    struct controller *c)
{
	const char *model = xml_attr(n, "model");
	int i = model ? model_find(pci_models, model) : -1;
	if (model && i < 0) {
		diag_error(p->d, EXIT_DATAERR, c->line, XML_TAG(n),
			   "model='%s' is not a pci controller model; expected e.g. 'pcie-root', 'pci-root' or 'pcie-root-port'",
			   model);
		return false;
	}
	c->model = i >= 0 ? pci_models[i].model : CTRL_MODEL_DEFAULT;
	if ((model && c->model == CTRL_MODEL_DEFAULT) ||
	    (!model && !c->auto_index && c->index > 0)) {
		diag_note(p->d, c->line, XML_TAG(n),
			  "ignored: sevqemu generates its own PCIe root ports (q35) or pci.0 slots (pc) and places every device itself");
		return false;
	}
	return true;
}

void parse_controller(struct parser *p, const xmlNode *n)
{
	static const char *const types[] = {
		"scsi", "usb", "virtio-serial", "pci", "sata", "ide", NULL,
	};
	const char *type = attr_required(p, n, "type");
	if (!type)
		return;
	int t = -1;
	for (int i = 0; types[i]; i++)
		if (strcmp(type, types[i]) == 0)
			t = i;
	if (t < 0) {
		unsupported(p, n, "only scsi, usb, virtio-serial, pci, sata and ide controllers are supported");
		return;
	}
	struct controller c = {
		.line = xml_line(n),
		.type = (enum controller_type)t,
		.vectors = -1,
		.startport = -1,
		.numa_node = -1,
	};
	uint64_t index;
	if (!xml_attr(n, "index"))
		c.auto_index = true;
	else if (attr_decimal(p, n, "index", 0, 255, &index))
		c.index = (unsigned)index;
	else
		return;

	bool keep = true;
	switch (c.type) {
	case CTRL_SCSI:
		keep = parse_model(p, n, &c, scsi_models, "'virtio-scsi'");
		break;
	case CTRL_USB:
		keep = parse_model(p, n, &c, usb_models,
				   "'none', 'qemu-xhci', 'nec-xhci', 'piix3-uhci', 'ich9-ehci1' or its companions 'ich9-uhci1' to 'ich9-uhci3'");
		break;
	case CTRL_VIRTIO_SERIAL:
		if (xml_attr(n, "model") && strcmp(xml_attr(n, "model"), "virtio") != 0) {
			refuse(p, n, "model='%.40s' is not supported; expected model='virtio' (the default)", xml_attr(n, "model"));
			keep = false;
		}
		break;
	case CTRL_PCI:
		keep = parse_pci_model(p, n, &c);
		break;
	case CTRL_SATA:
	case CTRL_IDE:
		if (xml_attr(n, "model")) {
			unsupported(p, n, "model= is not supported on the machine's built-in controller");
			keep = false;
		}
		break;
	}
	if (!keep || diag_failed(p->d))
		return;
	if (!parse_extra_attrs(p, n, &c) || !parse_children(p, n, &c))
		return;
	struct domain *dom = p->dom;
	XGROW(dom->controllers, dom->ncontrollers, dom->controllers_alloc);
	dom->controllers[dom->ncontrollers++] = c;
}

static int by_type_index(const void *a, const void *b)
{
	const struct controller *x = a, *y = b;
	if (x->type != y->type)
		return (x->type > y->type) - (x->type < y->type);
	if (x->index != y->index)
		return (x->index > y->index) - (x->index < y->index);
	return (x->line > y->line) - (x->line < y->line);
}

/* Index-less controllers: the lowest index no other of the type has, in
 * document order, as libvirt assigns them.  Linear after one sort. */
static bool assign_indices(struct parser *p)
{
	struct domain *dom = p->dom;
	if (!dom->ncontrollers)
		return true; /* and qsort may not be given the NULL of no array */
	qsort(dom->controllers, dom->ncontrollers, sizeof(*dom->controllers),
	      by_type_index);
	/* Index-less ones carry index 0 until assigned, so they sort among a
	 * type's index 0 by line: in document order.  A cursor walks the
	 * type's explicit indices once while NEXT rises past the taken ones. */
	size_t i = 0;
	bool any = false;
	while (i < dom->ncontrollers) {
		size_t end = i;
		while (end < dom->ncontrollers &&
		       dom->controllers[end].type == dom->controllers[i].type)
			end++;
		unsigned next = 0;
		size_t cursor = i;
		for (size_t k = i; k < end; k++) {
			struct controller *c = &dom->controllers[k];
			if (!c->auto_index)
				continue;
			for (;;) {
				while (cursor < end && (dom->controllers[cursor].auto_index ||
							dom->controllers[cursor].index < next))
					cursor++;
				if (cursor < end && dom->controllers[cursor].index == next)
					next++;
				else
					break;
			}
			if (next > 255) {
				diag_error(p->d, EXIT_DATAERR, c->line, "<controller>",
					   "has no index= and every index up to 255 is taken; expected index='N'");
				return false;
			}
			c->index = next++;
			c->auto_index = false;
			any = true;
		}
		i = end;
	}
	if (any)
		qsort(dom->controllers, dom->ncontrollers,
		      sizeof(*dom->controllers), by_type_index);
	return true;
}

static const struct controller *find(const struct domain *dom,
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
	case CTRL_SCSI:
		if (c->model == CTRL_MODEL_DEFAULT)
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

/* Each scsi disk's controller exists (index 0 may be implicit), and the
 * address fits virtio-scsi.  One lookup per disk, O(log controllers). */
static void check_scsi_disks(struct parser *p)
{
	const struct domain *dom = p->dom;
	for (size_t i = 0; i < dom->ndisks && !diag_failed(p->d); i++) {
		const struct disk *disk = &dom->disks[i];
		if (disk->bus != BUS_SCSI || disk->scsi_controller == 0 ||
		    find(dom, CTRL_SCSI, disk->scsi_controller))
			continue;
		diag_error(p->d, EXIT_DATAERR,
			   disk->address_line ? disk->address_line : disk->line,
			   disk->address_line ? "<address>" : "<disk>",
			   "controller='%u' names no <controller type='scsi' index='%u'>; expected an existing scsi controller's index (0 is added when missing)",
			   disk->scsi_controller, disk->scsi_controller);
	}
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
	      by_type_index);
}

void check_controllers(struct parser *p)
{
	struct domain *dom = p->dom;
	if (!assign_indices(p))
		return;
	for (size_t i = 0; i < dom->ncontrollers && !diag_failed(p->d); i++) {
		const struct controller *c = &dom->controllers[i];
		if (i > 0 && c->type == c[-1].type && c->index == c[-1].index &&
		    !is_companion(c) && !is_companion(&c[-1])) {
			diag_error(p->d, EXIT_DATAERR, c->line, "<controller>",
				   "type='%s' index='%u' is already used by the controller at line %u; expected unique indices",
				   type_names[c->type], c->index, c[-1].line);
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
		check_scsi_disks(p);
}

void free_controllers(struct domain *d)
{
	free(d->controllers);
	d->controllers = NULL;
	d->ncontrollers = d->controllers_alloc = 0;
}
