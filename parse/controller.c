/*
 * <controller>: scsi (virtio-scsi), usb, virtio-serial; pci/pcie roots and
 * the built-in sata/ide controllers are accepted with nothing to emit; other
 * PCI controllers are ignored (sevqemu generates its own root ports).
 * Index-less controllers get the lowest free index here; the whole-domain
 * checks (check_controllers()) are in controller_check.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

const char *const controller_type_names[] = {
	[CTRL_SCSI] = "scsi", [CTRL_USB] = "usb",
	[CTRL_VIRTIO_SERIAL] = "virtio-serial", [CTRL_PCI] = "pci",
	[CTRL_SATA] = "sata", [CTRL_IDE] = "ide", [CTRL_FDC] = "fdc",
};

/* Models libvirt knows, and what sevqemu makes of them. */
struct model {
	const char *name;
	enum controller_model model; /* CTRL_MODEL_DEFAULT: refused (69) */
};

static const struct model scsi_models[] = {
	{ "virtio-scsi", CTRL_VIRTIO_SCSI },
	{ "virtio-transitional", CTRL_SCSI_VIRTIO_TRANSITIONAL },
	{ "virtio-non-transitional", CTRL_SCSI_VIRTIO_NON_TRANSITIONAL },
	{ "lsilogic", CTRL_SCSI_LSILOGIC }, { "lsisas1068", CTRL_SCSI_LSISAS1068 },
	{ "lsisas1078", CTRL_SCSI_LSISAS1078 }, { "vmpvscsi", CTRL_SCSI_VMPVSCSI },
	{ "am53c974", CTRL_SCSI_AM53C974 }, { "dc390", CTRL_SCSI_DC390 },
	{ "auto", 0 }, { "buslogic", 0 }, { "ibmvscsi", 0 }, { "ncr53c90", 0 },
	{ NULL, 0 },
};

#define SCSI_SUPPORTED "'virtio-scsi', 'virtio-transitional', 'virtio-non-transitional', 'lsilogic', 'lsisas1068', 'lsisas1078', 'vmpvscsi', 'am53c974' or 'dc390'"

/* Why QEMU 7.2's x86 build has no device for a SCSI model libvirt knows. */
static const char *scsi_missing(const char *name)
{
	if (strcmp(name, "ibmvscsi") == 0)
		return "its device, spapr-vscsi, exists only in QEMU's ppc64 build";
	if (strcmp(name, "ncr53c90") == 0)
		return "its device, esp, is a SPARC/MIPS system-bus controller, not in QEMU's x86 build";
	if (strcmp(name, "buslogic") == 0)
		return "QEMU has no BusLogic controller";
	return "it leaves the choice to libvirt's probe of QEMU; name the model";
}

static bool scsi_model_virtio(enum controller_model model)
{
	return model == CTRL_MODEL_DEFAULT || model == CTRL_VIRTIO_SCSI ||
	       model == CTRL_SCSI_VIRTIO_TRANSITIONAL ||
	       model == CTRL_SCSI_VIRTIO_NON_TRANSITIONAL;
}

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
	bool virtio = (c->type == CTRL_SCSI && scsi_model_virtio(c->model)) ||
		      c->type == CTRL_VIRTIO_SERIAL;
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
		} else if (xml_is(k, "driver") && c->type == CTRL_SCSI) {
			unsupported(p, k, "<driver> options are virtio-scsi's; an emulated HBA has none");
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
			   name, controller_type_names[c->type], supported);
		return false;
	}
	if (table[i].model == CTRL_MODEL_DEFAULT && table == scsi_models) {
		refuse(p, n, "model='%s': %s; expected %s", name, scsi_missing(name), supported);
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
			refuse(p, n, "%s= is not supported on a %s controller", name, controller_type_names[c->type]);
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
		"scsi", "usb", "virtio-serial", "pci", "sata", "ide", "fdc", NULL,
	};
	const char *type = attr_required(p, n, "type");
	if (!type)
		return;
	int t = list_index(type, types);
	if (t < 0) {
		unsupported(p, n, "only scsi, usb, virtio-serial, pci, sata, ide and fdc controllers are supported");
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
		keep = parse_model(p, n, &c, scsi_models, SCSI_SUPPORTED);
		break;
	case CTRL_USB:
		keep = parse_model(p, n, &c, usb_models,
				   "'none', 'qemu-xhci', 'nec-xhci', 'piix3-uhci', 'ich9-ehci1' or its companions 'ich9-uhci1' to 'ich9-uhci3'");
		break;
	case CTRL_VIRTIO_SERIAL:
		if (!parse_virtio_model(xml_attr(n, "model"), &c.virtio)) {
			refuse(p, n, "model='%.40s' is not supported; expected 'virtio' (the default), 'virtio-transitional' or 'virtio-non-transitional'", xml_attr(n, "model"));
			keep = false;
		}
		break;
	case CTRL_PCI:
		keep = parse_pci_model(p, n, &c);
		break;
	case CTRL_SATA:
	case CTRL_IDE:
	case CTRL_FDC:
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

int controller_order(const void *a, const void *b)
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
bool controller_assign_indices(struct parser *p)
{
	struct domain *dom = p->dom;
	if (!dom->ncontrollers)
		return true; /* and qsort may not be given the NULL of no array */
	qsort(dom->controllers, dom->ncontrollers, sizeof(*dom->controllers),
	      controller_order);
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
		      sizeof(*dom->controllers), controller_order);
	return true;
}
