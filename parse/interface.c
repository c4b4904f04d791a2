/* <interface>: user, bridge, ethernet (tap) with a virtio, e1000, e1000e or
 * rtl8139 NIC. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

/* Linux interface names: IFNAMSIZ (16) with the NUL. */
#define IFNAME_MAX 15

/* In the order of enum net_model: the NICs QEMU 7.2 has that libvirt
 * names (case does not matter, as for libvirt). */
static const char *const models[] = {
	"virtio", "e1000", "e1000e", "rtl8139", "usb-net", "vmxnet3", "ne2k_pci",
	"pcnet", NULL,
};

/* "52:54:00:AB:cd:0f": six hex pairs separated by ':'; canonical lower case
 * into OUT (18 bytes). */
static bool mac_parse(const char *s, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 6; i++) {
		for (int k = 0; k < 2; k++) {
			char c = s[i * 3 + k];
			if (c >= 'A' && c <= 'F')
				c = (char)(c - 'A' + 'a');
			if (!c || !strchr(hex, c))
				return false;
			out[i * 3 + k] = c;
		}
		char sep = s[i * 3 + 2];
		if (sep != (i < 5 ? ':' : '\0'))
			return false;
		out[i * 3 + 2] = sep;
	}
	return true;
}

static void parse_mac(struct parser *p, const xmlNode *n, struct interface *net)
{
	static const char *const known[] = { "address", NULL };
	if (!known_attrs(p, n, known))
		return;
	if (net->mac) {
		duplicate(p, n);
		return;
	}
	const char *addr = attr_required(p, n, "address");
	if (!addr)
		return;
	char mac[18];
	if (!mac_parse(addr, mac)) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "address='%s' is not a MAC address; expected six hex pairs separated by ':', e.g. 52:54:00:12:34:56",
			   addr);
		return;
	}
	if (strtoul(mac, NULL, 16) & 1) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "address='%s' is a multicast address (the first octet is odd); expected a unicast one, e.g. 52:54:00:12:34:56",
			   addr);
		return;
	}
	net->mac = xstrdup(mac);
	net->mac_line = xml_line(n);
}

static void parse_model(struct parser *p, const xmlNode *n, struct interface *net)
{
	static const char *const known[] = { "type", NULL };
	if (!known_attrs(p, n, known))
		return;
	const char *type = attr_required(p, n, "type");
	if (!type)
		return;
	if (parse_virtio_model(type, &net->virtio)) {
		net->model = NIC_VIRTIO;
		return;
	}
	for (int i = 0; models[i]; i++) {
		if (strcasecmp(type, models[i]) == 0) {
			net->model = (enum net_model)i;
			return;
		}
	}
	diag_error(p->d, EXIT_UNAVAILABLE, xml_line(n), XML_TAG(n),
		   "type='%s' is an unknown model; expected virtio (or virtio-transitional, virtio-non-transitional), e1000, e1000e, rtl8139, usb-net, vmxnet3, ne2k_pci or pcnet",
		   type);
}

static void parse_rom(struct parser *p, const xmlNode *n, struct interface *net)
{
	static const char *const known[] = { "enabled", "bar", "file", NULL };
	if (!known_attrs(p, n, known))
		return;
	enum tristate enabled = attr_yesno(p, n, "enabled");
	net->rom_bar = attr_onoff(p, n, "bar");
	const char *file = xml_attr(n, "file");
	if (diag_failed(p->d))
		return;
	if (enabled == TRI_OFF && (file || net->rom_bar != TRI_DEFAULT)) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "enabled='no' with bar= or file=; expected either no ROM or ROM settings");
		return;
	}
	net->rom_disabled = enabled == TRI_OFF || (file && !*file);
	if (file && *file)
		net->rom_file = xstrdup(file);
}

static void parse_driver(struct parser *p, const xmlNode *n, struct interface *net)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		const char *name = (const char *)a->name;
		if (strcmp(name, "name") != 0 && strcmp(name, "iommu") != 0 &&
		    strcmp(name, "queues") != 0 && !virtio_driver_attr(name, VD_NET)) {
			diag_error(p->d, EXIT_UNAVAILABLE, xml_line(n), XML_TAG(n),
				   "%s= is not supported; expected only name=, iommu=, queues=, rx_queue_size=, tx_queue_size=, rss=, rss_hash_report=, txmode=, ioeventfd=, event_idx=, ats=, packed= and page_per_vq=",
				   name);
			return;
		}
	}
	parse_virtio_driver(p, n, VD_NET, &net->virtio);
	static const char *const names[] = { "qemu", "vhost", NULL };
	int name = attr_choice(p, n, "name", names);
	net->vhost = name == 1;
	uint64_t queues;
	if (attr_decimal(p, n, "queues", 1, 256, &queues))
		net->queues = (unsigned)queues;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c))
		unsupported(p, c, NULL);
}

static void parse_target(struct parser *p, const xmlNode *n, struct interface *net)
{
	if (net->type != NET_ETHERNET) {
		ignored(p, n); /* the tap's name, chosen by libvirt or the helper */
		return;
	}
	if (net->tap) {
		duplicate(p, n);
		return;
	}
	const char *dev = attr_required(p, n, "dev");
	if (!dev)
		return;
	if (!*dev || strlen(dev) > IFNAME_MAX || strchr(dev, '/') ||
	    strcmp(dev, ".") == 0 || strcmp(dev, "..") == 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "dev='%s' is not an interface name; expected 1 to %d characters without '/', e.g. tap0",
			   dev, IFNAME_MAX);
		return;
	}
	attr_yesno(p, n, "managed"); /* either way QEMU opens the tap by name */
	net->tap = xstrdup(dev);
}

/* <source network=...> of type='network': a libvirt network's name, which
 * names its definition file. */
static void parse_virtual_network(struct parser *p, const xmlNode *n,
				 struct interface *net)
{
	static const char *const known[] = { "network", "portgroup", NULL };
	if (!known_attrs(p, n, known))
		return;
	if (xml_attr(n, "portgroup")) {
		unsupported(p, n, "portgroup= selects settings inside libvirt's network definition, which sevqemu does not apply; expected <source network=...> alone");
		return;
	}
	if (net->network) {
		duplicate(p, n);
		return;
	}
	const char *name = attr_required(p, n, "network");
	if (!name)
		return;
	if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "network='%s' is not a network name; expected a name without '/', e.g. default",
			   name);
		return;
	}
	net->network = xstrdup(name);
}

static void parse_source(struct parser *p, const xmlNode *n, struct interface *net)
{
	if (net->type == NET_NETWORK) {
		parse_virtual_network(p, n, net);
		return;
	}
	static const char *const known[] = { "bridge", NULL };
	if (net->type >= NET_MCAST) {
		parse_net_socket_source(p, n, net);
		return;
	}
	if (!known_attrs(p, n, known))
		return;
	if (net->type != NET_BRIDGE) {
		unsupported(p, n, "is only translated for type='bridge'");
		return;
	}
	if (net->bridge) {
		duplicate(p, n);
		return;
	}
	const char *br = attr_required(p, n, "bridge");
	if (!br)
		return;
	if (!*br) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "bridge='' is empty; expected the host bridge's name, e.g. br0");
		return;
	}
	net->bridge = xstrdup(br);
}

static void parse_child(struct parser *p, const xmlNode *c, struct interface *net,
			bool *seen_model, bool *seen_rom, bool *seen_driver)
{
	if (xml_is(c, "source")) {
		parse_source(p, c, net);
	} else if (xml_is(c, "target")) {
		parse_target(p, c, net);
	} else if (xml_is(c, "mac")) {
		parse_mac(p, c, net);
	} else if (xml_is(c, "model")) {
		if (*seen_model)
			duplicate(p, c);
		else
			parse_model(p, c, net);
		*seen_model = true;
	} else if (xml_is(c, "rom")) {
		if (*seen_rom)
			duplicate(p, c);
		else
			parse_rom(p, c, net);
		*seen_rom = true;
	} else if (xml_is(c, "driver")) {
		if (*seen_driver)
			duplicate(p, c);
		else
			parse_driver(p, c, net);
		*seen_driver = true;
	} else if (xml_is(c, "link")) {
		static const char *const states[] = { "up", "down", NULL };
		static const char *const link_known[] = { "state", NULL };
		if (!known_attrs(p, c, link_known))
			return;
		if (attr_choice(p, c, "state", states) == 1)
			unsupported(p, c, "state='down' has no QEMU start-up option (libvirt sets it over QMP after start); expected state='up'");
	} else if (xml_is(c, "boot")) {
		uint64_t order;
		if (net->boot_order)
			duplicate(p, c);
		else if (attr_required(p, c, "order") &&
			 attr_decimal(p, c, "order", 1, 9999, &order)) {
			net->boot_order = (unsigned)order;
			net->boot_line = xml_line(c);
		}
	} else if (xml_is(c, "alias")) {
		const char *name = xml_attr(c, "name");
		if (name && !net->alias)
			net->alias = xstrdup(name); /* for a hostdev's <teaming> */
	} else if (xml_is(c, "teaming")) {
		char *pair = NULL;
		unsigned pair_line = 0;
		parse_teaming(p, c, &net->failover, &pair, &pair_line);
		if (pair)
			diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
				   "type='transient' is for the passed-through VF (<interface type='hostdev'> or <hostdev>); expected type='persistent' here");
		free(pair);
	} else if (xml_is(c, "address")) {
		ignored(p, c);
	} else if (!parse_interface_extra(p, c, net)) {
		unsupported(p, c, NULL);
	}
}

/* Checks of one interface as a whole, after its children. */
static void check_interface(struct parser *p, const struct interface *net,
			    unsigned driver_line)
{
	const char *tag = "<interface>";
	if (net->type == NET_BRIDGE && !net->bridge)
		diag_error(p->d, EXIT_DATAERR, net->line, tag,
			   "type='bridge' has no <source bridge=...>; expected e.g. <source bridge='br0'/>");
	else if (net->type == NET_NETWORK && !net->network)
		diag_error(p->d, EXIT_DATAERR, net->line, tag,
			   "type='network' has no <source network=...>; expected e.g. <source network='default'/>");
	else if (net->type == NET_ETHERNET && !net->tap && !net->script)
		diag_warn(p->d, net->line, tag,
			  "type='ethernet' has no <target dev=...> and no <script>: QEMU creates a tap (which needs CAP_NET_ADMIN), as libvirt would, but nothing attaches it anywhere; expected <target dev='tap0'/> naming an existing tap, or a <script path=...> that attaches the new one");
	else if (net->model != NIC_VIRTIO && (net->vhost || net->queues > 1 ||
					      net->virtio.iommu != TRI_DEFAULT))
		diag_error(p->d, EXIT_DATAERR, driver_line, "<driver>",
			   "name='vhost', queues= and iommu= apply to virtio NICs only; expected <model type='virtio'/>");
	else if (net->model == NIC_USB && (net->rom_disabled || net->rom_file ||
					   net->rom_bar != TRI_DEFAULT))
		diag_error(p->d, EXIT_DATAERR, net->line, tag,
			   "<rom> is a PCI NIC's option ROM; expected no <rom> on a usb-net NIC");
	else if (net->failover && net->model != NIC_VIRTIO)
		diag_error(p->d, EXIT_DATAERR, net->line, tag,
			   "<teaming type='persistent'> is virtio-net's failover; expected <model type='virtio'/>");
	else if (net->failover && !net->alias)
		diag_error(p->d, EXIT_DATAERR, net->line, tag,
			   "<teaming type='persistent'> has no <alias name=...>; expected the name the VF's <teaming persistent=...> gives");
	else if (net->vhost && net->type == NET_USER && net->queues <= 1)
		/* libvirt opens vhost-net for taps only and ignores it here */
		diag_note(p->d, driver_line, "<driver>",
			  "name='vhost' is ignored on type='user', as libvirt ignores it: QEMU's user netdev has no vhost-net");
	else if ((net->vhost || net->queues > 1) && net->type != NET_ETHERNET)
		diag_error(p->d, EXIT_UNAVAILABLE, driver_line, "<driver>",
			   "name='vhost' and queues= are translated for type='ethernet' only (QEMU's %s netdev has neither); expected a tap on the bridge with type='ethernet'",
			   net->type == NET_USER ? "user" : "bridge");
}

void parse_interface(struct parser *p, const xmlNode *n)
{
	static const char *const known[] = { "type", NULL };
	const char *type = xml_attr(n, "type");
	if (type && strcmp(type, "hostdev") == 0) {
		parse_net_hostdev(p, n); /* a VF passed through: a <hostdev> */
		return;
	}
	if (!known_attrs(p, n, known))
		return;
	type = attr_required(p, n, "type");
	if (!type)
		return;
	enum net_type t;
	if (strcmp(type, "user") == 0) {
		t = NET_USER;
	} else if (strcmp(type, "bridge") == 0) {
		t = NET_BRIDGE;
	} else if (strcmp(type, "ethernet") == 0) {
		t = NET_ETHERNET;
	} else if (interface_socket_type(type, &t)) {
		/* mcast, server, client, udp, vhostuser */
	} else if (strcmp(type, "network") == 0) {
		t = NET_NETWORK;
	} else {
		refuse(p, n, "type='%.60s' is not supported; expected 'user', 'network', 'bridge', 'ethernet', 'vhostuser', 'mcast', 'server', 'client', 'udp' or 'hostdev'", type);
		return;
	}
	struct domain *dom = p->dom;
	XGROW(dom->interfaces, dom->ninterfaces, dom->interfaces_alloc);
	struct interface *net = &dom->interfaces[dom->ninterfaces++];
	memset(net, 0, sizeof(*net));
	net->line = xml_line(n);
	net->type = t;
	bool seen_model = false, seen_rom = false, seen_driver = false;
	unsigned driver_line = net->line;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "driver"))
			driver_line = xml_line(c);
		parse_child(p, c, net, &seen_model, &seen_rom, &seen_driver);
	}
	if (diag_failed(p->d))
		return;
	check_interface(p, net, driver_line);
	if (!diag_failed(p->d))
		check_interface_socket(p, net);
	if (!diag_failed(p->d))
		check_interface_coalesce(p, net);
	if (!diag_failed(p->d) && !net->mac)
		diag_note(p->d, net->line, "<interface>",
			  "no <mac>: QEMU picks one (52:54:00:12:34:56 and up, by NIC); write <mac address=...> for a stable address");
}

static int by_mac(const void *a, const void *b)
{
	const struct interface *x = *(const struct interface *const *)a;
	const struct interface *y = *(const struct interface *const *)b;
	int c = strcmp(x->mac, y->mac);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static void check_macs(struct parser *p)
{
	struct domain *dom = p->dom;
	const struct interface **sorted = xreallocarray(NULL, dom->ninterfaces + 1,
							sizeof(*sorted));
	size_t n = 0;
	for (size_t i = 0; i < dom->ninterfaces; i++)
		if (dom->interfaces[i].mac)
			sorted[n++] = &dom->interfaces[i];
	qsort(sorted, n, sizeof(*sorted), by_mac);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(sorted[i - 1]->mac, sorted[i]->mac) == 0) {
			diag_error(p->d, EXIT_DATAERR, sorted[i]->mac_line, "<mac>",
				   "address='%s' is already used by the interface at line %u; expected unique MAC addresses",
				   sorted[i]->mac, sorted[i - 1]->line);
			break;
		}
	}
	free(sorted);
}

/*
 * Per-device <boot order> against <os><boot dev>, which libvirt refuses to
 * mix, and each order used once (disks and interfaces).
 */
static void check_boot_orders(struct parser *p)
{
	struct domain *dom = p->dom;
	unsigned *used = xreallocarray(NULL, 10000, sizeof(*used));
	memset(used, 0, 10000 * sizeof(*used));
	/* Walk devices in document order so the first offender is reported. */
	size_t di = 0, ni = 0;
	while (!diag_failed(p->d) && (di < dom->ndisks || ni < dom->ninterfaces)) {
		bool disk = ni >= dom->ninterfaces ||
			    (di < dom->ndisks &&
			     dom->disks[di].line < dom->interfaces[ni].line);
		unsigned order = disk ? dom->disks[di].boot_order
				      : dom->interfaces[ni].boot_order;
		unsigned line = disk ? dom->disks[di].line : dom->interfaces[ni].boot_line;
		const char *tag = disk ? "<disk>" : "<boot>";
		if (disk)
			di++;
		else
			ni++;
		if (!order)
			continue;
		if (dom->os.nboot)
			diag_error(p->d, EXIT_DATAERR, line, tag,
				   "a per-device <boot order> together with <os><boot dev> (line %u); expected one or the other",
				   dom->os.boot_line);
		else if (used[order])
			diag_error(p->d, EXIT_DATAERR, line, tag,
				   "boot order %u is already used by the device at line %u; expected each order once",
				   order, used[order]);
		else
			used[order] = line;
	}
	free(used);
}

/* A usb-net NIC needs USB, which <controller type='usb' model='none'>
 * turns off. */
static void check_usb_nics(struct parser *p)
{
	const struct domain *dom = p->dom;
	unsigned off = 0;
	for (size_t i = 0; i < dom->ncontrollers && !off; i++)
		if (dom->controllers[i].type == CTRL_USB &&
		    dom->controllers[i].model == CTRL_USB_NONE)
			off = dom->controllers[i].line;
	for (size_t i = 0; i < dom->ninterfaces && off; i++) {
		if (dom->interfaces[i].model == NIC_USB) {
			diag_error(p->d, EXIT_DATAERR, dom->interfaces[i].line, "<interface>",
				   "a usb-net NIC, but <controller type='usb' model='none'> at line %u turns USB off; expected a USB controller or a PCI NIC",
				   off);
			return;
		}
	}
}

void check_interfaces(struct parser *p)
{
	if (!diag_failed(p->d))
		check_usb_nics(p);
	if (!diag_failed(p->d))
		check_macs(p);
	if (!diag_failed(p->d))
		check_boot_orders(p);
}

void free_interfaces(struct domain *d)
{
	for (size_t i = 0; i < d->ninterfaces; i++) {
		struct interface *net = &d->interfaces[i];
		free(net->bridge);
		free(net->network);
		free(net->tap);
		free(net->mac);
		free(net->rom_file);
		free(net->alias);
		free_interface_socket(net);
	}
	free(d->interfaces);
	d->interfaces = NULL;
	d->ninterfaces = d->interfaces_alloc = 0;
}
