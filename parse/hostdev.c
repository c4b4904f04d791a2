/* <hostdev mode='subsystem'>: a host PCI device (vfio-pci), a USB device
 * (usb-host), a mediated device (vfio-pci sysfsdev) or a SCSI device
 * (scsi-generic).  The host must have bound a PCI device to vfio-pci:
 * there is no libvirt daemon to do it (act/preflight.c checks, --exec). */
#include <stdlib.h>
#include <string.h>

#include "lib/number.h"
#include "lib/xalloc.h"
#include "parse/parser.h"

static void pci_source(struct parser *p, const xmlNode *a, struct hostdev *h)
{
	static const char *const known[] = { "domain", "bus", "slot", "function", "type", NULL };
	if (known_attrs(p, a, known) &&
	    attr_number(p, a, "domain", 0xffff, &h->domain, false) &&
	    attr_number(p, a, "bus", 0xff, &h->bus, true) &&
	    attr_number(p, a, "slot", 0x1f, &h->slot, true))
		attr_number(p, a, "function", 7, &h->function, true);
}

static void usb_source(struct parser *p, const xmlNode *c, struct hostdev *h)
{
	if (xml_is(c, "address")) {
		static const char *const known[] = { "bus", "device", NULL };
		if (known_attrs(p, c, known) &&
		    attr_number(p, c, "bus", 999, &h->usb_bus, true))
			attr_number(p, c, "device", 999, &h->usb_device, true);
	} else if (xml_is(c, "vendor") || xml_is(c, "product")) {
		static const char *const known[] = { "id", NULL };
		h->usb_by_id = true;
		if (known_attrs(p, c, known))
			attr_number(p, c, "id", 0xffff,
				    xml_is(c, "vendor") ? &h->vendor : &h->product, true);
	} else {
		unexpected(p, c, c->parent, "<address bus device> or <vendor id>/<product id>");
	}
}

static void mdev_source(struct parser *p, const xmlNode *c, struct hostdev *h)
{
	static const char *const known[] = { "uuid", NULL };
	char canonical[37];
	if (!xml_is(c, "address")) {
		unexpected(p, c, c->parent, "<address uuid='...'/>");
		return;
	}
	if (!known_attrs(p, c, known) || !attr_required(p, c, "uuid"))
		return;
	if (!parse_uuid(xml_attr(c, "uuid"), canonical))
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "uuid='%s' is not a UUID; expected the mediated device's",
			   xml_attr(c, "uuid"));
	else
		h->mdev_uuid = xstrdup(canonical);
}

/* <source protocol='vhost' wwpn='naa.<16 hex digits>'/>: the host's
 * vhost-scsi target, as libvirt checks it. */
static void vhost_source(struct parser *p, const xmlNode *n, struct hostdev *h)
{
	static const char *const known[] = { "protocol", "wwpn", NULL };
	if (!known_attrs(p, n, known))
		return;
	const char *protocol = attr_required(p, n, "protocol");
	const char *wwpn = protocol ? attr_required(p, n, "wwpn") : NULL;
	if (!wwpn)
		return;
	if (strcmp(protocol, "vhost") != 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "protocol='%s' is not valid; expected protocol='vhost'", protocol);
		return;
	}
	bool ok = strncmp(wwpn, "naa.", 4) == 0 && strlen(wwpn) == 20;
	for (size_t i = 4; ok && wwpn[i]; i++)
		ok = hex_value(wwpn[i]) >= 0;
	if (!ok) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "wwpn='%s' is not a vhost-scsi target name; expected 'naa.' and 16 hexadecimal digits",
			   wwpn);
		return;
	}
	h->wwpn = xstrdup(wwpn);
}

static void parse_hostdev_source(struct parser *p, const xmlNode *n, struct hostdev *h)
{
	if (h->type == HOSTDEV_SCSI) {
		parse_scsi_hostdev_source(p, n, h);
		return;
	}
	if (h->type == HOSTDEV_SCSI_HOST)
		vhost_source(p, n, h);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		switch (h->type) {
		case HOSTDEV_PCI:
			if (xml_is(c, "address"))
				pci_source(p, c, h);
			else
				unexpected(p, c, n, "<address domain bus slot function/>");
			break;
		case HOSTDEV_USB: usb_source(p, c, h); break;
		case HOSTDEV_MDEV: mdev_source(p, c, h); break;
		case HOSTDEV_SCSI: /* above */
		case HOSTDEV_SCSI_HOST: unsupported(p, c, NULL); break;
		}
	}
}

static void parse_rom(struct parser *p, const xmlNode *n, struct hostdev *h)
{
	static const char *const known[] = { "bar", "file", "enabled", NULL };
	if (!known_attrs(p, n, known))
		return;
	h->rom_bar = attr_onoff(p, n, "bar");
	h->rom_disabled = attr_yesno(p, n, "enabled") == TRI_OFF;
	if (xml_attr(n, "file"))
		h->rom_file = xstrdup(xml_attr(n, "file"));
}

static void parse_hostdev_child(struct parser *p, const xmlNode *c, struct hostdev *h,
				bool *source)
{
	uint64_t order;
	if (xml_is(c, "source")) {
		if (*source)
			duplicate(p, c);
		*source = true;
		parse_hostdev_source(p, c, h);
	} else if (xml_is(c, "boot")) {
		if (attr_required(p, c, "order") &&
		    attr_decimal(p, c, "order", 1, 9999, &order))
			h->boot_order = (unsigned)order;
	} else if (xml_is(c, "rom") && (h->type == HOSTDEV_PCI || h->type == HOSTDEV_MDEV)) {
		parse_rom(p, c, h);
	} else if (xml_is(c, "readonly") && h->type == HOSTDEV_SCSI) {
		h->readonly = true;
	} else if (xml_is(c, "shareable") && h->type == HOSTDEV_SCSI) {
		h->shareable = true;
	} else if (xml_is(c, "address") && h->type == HOSTDEV_SCSI &&
		   xml_attr(c, "type") && strcmp(xml_attr(c, "type"), "drive") == 0) {
		parse_scsi_hostdev_address(p, c, h);
	} else if (xml_is(c, "address")) {
		ignored(p, c); /* a PCI or USB place: sevqemu's own placement */
	} else if (xml_is(c, "alias")) {
		ignored(p, c);
	} else if (xml_is(c, "teaming") && h->type == HOSTDEV_PCI) {
		bool persistent = false;
		parse_teaming(p, c, &persistent, &h->teaming_pair, &h->teaming_line);
		if (persistent)
			diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
				   "type='persistent' is the virtio interface's side; expected type='transient' persistent=ALIAS on a passed-through VF");
	} else if (xml_is(c, "driver") && h->type == HOSTDEV_PCI) {
		static const char *const known[] = { "name", NULL };
		const char *name = xml_attr(c, "name");
		if (known_attrs(p, c, known) && name && strcmp(name, "vfio") != 0)
			refuse(p, c, "name='%s' is not translated; QEMU 7.2 passes PCI devices through with vfio",
			       name);
	} else {
		unsupported(p, c, NULL);
	}
}

static bool hostdev_kind(struct parser *p, const xmlNode *n, struct hostdev *h)
{
	static const char *const types[] = {
		"pci", "usb", "mdev", "scsi", "scsi_host", NULL,
	};
	const char *mode = xml_attr(n, "mode");
	if (mode && strcmp(mode, "subsystem") != 0) {
		refuse(p, n, "mode='%s' (a host block or network device handed over whole) is not translated; expected mode='subsystem'",
		       mode);
		return false;
	}
	if (!attr_required(p, n, "type"))
		return false;
	const char *type = xml_attr(n, "type");
	int t = in_list(type, types) ? attr_choice(p, n, "type", types) : -1;
	if (t < 0) {
		refuse(p, n, "type='%s' is not translated; expected pci, usb, mdev, scsi or scsi_host", type);
		return false;
	}
	h->type = (enum hostdev_type)t;
	const char *model = xml_attr(n, "model");
	if (h->type == HOSTDEV_MDEV && (!model || strcmp(model, "vfio-pci") != 0)) {
		refuse(p, n, "model='%s': sevqemu passes mediated devices as vfio-pci; expected model='vfio-pci'",
		       model ? model : "");
		return false;
	}
	if (h->type == HOSTDEV_SCSI_HOST && model) {
		int f = attr_choice(p, n, "model", virtio_model_names);
		if (f < 0)
			return false;
		h->virtio.flavour = (enum virtio_flavour)f;
	}
	h->managed = attr_yesno(p, n, "managed") == TRI_ON;
	h->display = attr_onoff(p, n, "display");
	h->ramfb = attr_onoff(p, n, "ramfb");
	return !diag_failed(p->d);
}

void parse_hostdev(struct parser *p, const xmlNode *n)
{
	static const char *const known[] = {
		"mode", "type", "managed", "model", "display", "ramfb", "sgio",
		"rawio", NULL,
	};
	struct domain *dom = p->dom;
	if (!known_attrs(p, n, known))
		return;
	XGROW(dom->hostdevs, dom->nhostdevs, dom->hostdevs_alloc);
	struct hostdev *h = &dom->hostdevs[dom->nhostdevs++];
	memset(h, 0, sizeof(*h));
	h->line = xml_line(n);
	if (!hostdev_kind(p, n, h) || !parse_scsi_hostdev_access(p, n, h)) {
		dom->nhostdevs--; /* refused, or dropped under --ignore-unsupported */
		return;
	}
	bool source = false;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c))
		parse_hostdev_child(p, c, h, &source);
	if (diag_failed(p->d))
		return;
	bool incomplete = !source ||
		(h->type == HOSTDEV_USB && h->usb_by_id && (!h->vendor || !h->product)) ||
		(h->type == HOSTDEV_USB && !h->usb_by_id && !h->usb_bus) ||
		(h->type == HOSTDEV_MDEV && !h->mdev_uuid) ||
		(h->type == HOSTDEV_SCSI && !h->scsi_adapter && !h->iscsi) ||
		(h->type == HOSTDEV_SCSI_HOST && !h->wwpn);
	if (incomplete)
		diag_error(p->d, EXIT_DATAERR, h->line, XML_TAG(n),
			   "has no complete <source>; expected the host device's %s",
			   h->type == HOSTDEV_PCI ? "PCI <address>"
			   : h->type == HOSTDEV_USB ? "<address bus device> or <vendor> and <product>"
			   : h->type == HOSTDEV_MDEV ? "<address uuid>"
			   : h->type == HOSTDEV_SCSI ? "<adapter> and <address>, or an iSCSI LUN"
			   : "<source protocol='vhost' wwpn='naa.…'/>");
	else if ((h->display != TRI_DEFAULT || h->ramfb != TRI_DEFAULT) &&
		 h->type != HOSTDEV_MDEV)
		diag_error(p->d, EXIT_DATAERR, h->line, XML_TAG(n),
			   "display= and ramfb= are for mediated devices; expected type='mdev'");
}

void parse_teaming(struct parser *p, const xmlNode *n, bool *persistent,
		   char **pair, unsigned *pair_line)
{
	static const char *const known[] = { "type", "persistent", NULL };
	static const char *const types[] = { "persistent", "transient", NULL };
	if (!known_attrs(p, n, known))
		return;
	int t = attr_choice(p, n, "type", types);
	const char *alias = xml_attr(n, "persistent");
	if (t == -1)
		attr_required(p, n, "type");
	if (t < 0)
		return;
	if (t == 0 && alias) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "persistent= is for type='transient'; expected <teaming type='persistent'/> alone");
	} else if (t == 1 && (!alias || !*alias)) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "type='transient' has no persistent=; expected the <alias name> of the virtio interface this VF stands in for");
	} else if (t == 0) {
		*persistent = true;
	} else {
		free(*pair);
		*pair = xstrdup(alias);
		*pair_line = xml_line(n);
	}
}

/* <interface type='hostdev'>: the host's VF as vfio-pci, as libvirt
 * passes it; what libvirt sets on the host first (the VF's MAC, VLAN,
 * port profile) sevqemu cannot. */
static void net_hostdev_child(struct parser *p, const xmlNode *c, struct hostdev *h,
			      bool *source)
{
	const char *at = xml_is(c, "source") && xml_first_element(c)
			 ? xml_attr(xml_first_element(c), "type") : NULL;
	if (xml_is(c, "mac")) {
		diag_warn(p->d, xml_line(c), XML_TAG(c),
			  "not applied: libvirt sets the VF's MAC address on the host (ip link set PF vf N mac ADDRESS), sevqemu cannot; set it so before the launch, or the guest sees the VF's own");
	} else if (xml_is(c, "vlan")) {
		refuse(p, c, "tags the VF on the host (ip link set PF vf N vlan ID), which libvirt does before the launch; tag it yourself and leave <vlan> out");
	} else if (xml_is(c, "virtualport")) {
		refuse(p, c, "is a port profile libvirt negotiates with the host's switch; expected no <virtualport>");
	} else if (xml_is(c, "model")) {
		diag_note(p->d, xml_line(c), XML_TAG(c),
			  "ignored, as libvirt ignores it: the VF itself is the guest's NIC");
	} else if (at && strcmp(at, "pci") != 0) {
		refuse(p, c, "a type='%s' host device is not translated for <interface type='hostdev'>; expected a PCI VF, <address type='pci' ...>", at);
	} else {
		parse_hostdev_child(p, c, h, source);
	}
}

void parse_net_hostdev(struct parser *p, const xmlNode *n)
{
	static const char *const known[] = { "type", "managed", NULL };
	struct domain *dom = p->dom;
	if (!known_attrs(p, n, known))
		return;
	XGROW(dom->hostdevs, dom->nhostdevs, dom->hostdevs_alloc);
	struct hostdev *h = &dom->hostdevs[dom->nhostdevs++];
	memset(h, 0, sizeof(*h));
	h->line = xml_line(n);
	h->type = HOSTDEV_PCI;
	h->from_interface = true;
	h->managed = attr_yesno(p, n, "managed") == TRI_ON;
	bool source = false;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c))
		net_hostdev_child(p, c, h, &source);
	if (!diag_failed(p->d) && !source)
		diag_error(p->d, EXIT_DATAERR, h->line, XML_TAG(n),
			   "type='hostdev' has no <source>; expected the VF's <source><address type='pci' domain bus slot function/></source>");
}

/* A VF's <teaming persistent=ALIAS>: the virtio interface of that alias
 * with <teaming type='persistent'/>. */
static void pair_failover(struct parser *p, struct hostdev *h)
{
	const struct domain *dom = p->dom;
	for (size_t i = 0; i < dom->ninterfaces; i++) {
		const struct interface *net = &dom->interfaces[i];
		if (net->failover && net->alias &&
		    strcmp(net->alias, h->teaming_pair) == 0) {
			h->failover_nic = (unsigned)i + 1;
			return;
		}
	}
	diag_error(p->d, EXIT_DATAERR, h->teaming_line, "<teaming>",
		   "persistent='%s' names no <interface> with <alias name='%s'/> and <teaming type='persistent'/>; expected the virtio interface this VF stands in for",
		   h->teaming_pair, h->teaming_pair);
}

/* Each scsi hostdev's guest place (hostdev_scsi.c).  Two hostdevs for
 * one host device: 65, as the host can give it once. */
void check_hostdevs(struct parser *p)
{
	struct domain *dom = p->dom;
	check_scsi_hostdevs(p);
	for (size_t i = 0; i < dom->nhostdevs && !diag_failed(p->d); i++)
		if (dom->hostdevs[i].teaming_pair)
			pair_failover(p, &dom->hostdevs[i]);
	for (size_t i = 0; i < dom->nhostdevs && !diag_failed(p->d); i++) {
		const struct hostdev *a = &dom->hostdevs[i];
		if (a->type != HOSTDEV_PCI)
			continue;
		for (size_t j = i + 1; j < dom->nhostdevs; j++) {
			const struct hostdev *b = &dom->hostdevs[j];
			if (b->type == HOSTDEV_PCI && a->domain == b->domain &&
			    a->bus == b->bus && a->slot == b->slot &&
			    a->function == b->function) {
				diag_error(p->d, EXIT_DATAERR, b->line, "<hostdev>",
					   "%04x:%02x:%02x.%x is already passed through at line %u; expected each host device once",
					   b->domain, b->bus, b->slot, b->function, a->line);
				break;
			}
		}
	}
}

void free_hostdevs(struct domain *dom)
{
	for (size_t i = 0; i < dom->nhostdevs; i++) {
		free(dom->hostdevs[i].mdev_uuid);
		free_scsi_hostdev(&dom->hostdevs[i]);
		free(dom->hostdevs[i].rom_file);
		free(dom->hostdevs[i].teaming_pair);
		free(dom->hostdevs[i].wwpn);
	}
	free(dom->hostdevs);
}
