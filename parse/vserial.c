/*
 * Virtio consoles and channels on the virtio-serial buses, placed as
 * libvirt places them: an <address type='virtio-serial'> is kept; the
 * others take the first free port (consoles from 0, channels from 1, which
 * libvirt keeps for consoles) on the first controller that has one; when
 * every controller is full, a new one is added at the lowest free index.
 * A controller has ports= ports (31 by default, QEMU's and libvirt's).
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

#define DEFAULT_PORTS 31
#define MAX_PORTS 512

struct bus {
	unsigned index, nports;
	bool used[MAX_PORTS];
};

struct buses {
	struct bus *v;
	size_t n, alloc;
};

void parse_vserial_address(struct parser *p, const xmlNode *n, struct chardev *c)
{
	const char *type = xml_attr(n, "type");
	if (!type || strcmp(type, "virtio-serial") != 0) {
		ignored(p, n);
		return;
	}
	static const char *const known[] = { "type", "controller", "bus", "port", NULL };
	uint64_t controller = 0, bus = 0, port = 0;
	if (!known_attrs(p, n, known))
		return;
	if ((xml_attr(n, "controller") && !attr_decimal(p, n, "controller", 0, 255, &controller)) ||
	    (xml_attr(n, "bus") && !attr_decimal(p, n, "bus", 0, 0, &bus)) ||
	    (xml_attr(n, "port") && !attr_decimal(p, n, "port", 0, MAX_PORTS - 1, &port)))
		return;
	c->vs_address = true;
	c->vs_controller = (unsigned)controller;
	c->vs_port = (int)port; /* 0: any free port on that controller */
}

static struct bus *find_bus(struct buses *b, unsigned index)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].index == index)
			return &b->v[i];
	return NULL;
}

/* A controller, kept in rising index order; IMPLICIT ones are recorded. */
static struct bus *add_bus(struct domain *dom, struct buses *b, unsigned index,
			   unsigned nports, bool implicit)
{
	XGROW(b->v, b->n, b->alloc);
	size_t at = b->n;
	while (at && b->v[at - 1].index > index)
		at--;
	memmove(&b->v[at + 1], &b->v[at], (b->n - at) * sizeof(*b->v));
	b->n++;
	memset(&b->v[at], 0, sizeof(b->v[at]));
	b->v[at].index = index;
	b->v[at].nports = nports;
	if (implicit) {
		struct vserial_buses *vs = &dom->vserial;
		vs->implicit = xreallocarray(vs->implicit, vs->nimplicit + 1, sizeof(unsigned));
		size_t k = vs->nimplicit++;
		while (k && vs->implicit[k - 1] > index) {
			vs->implicit[k] = vs->implicit[k - 1];
			k--;
		}
		vs->implicit[k] = index;
	}
	return &b->v[at];
}

static bool on_vserial(const struct chardev *c)
{
	return c->kind != CHR_SERIAL && c->target_type &&
	       strcmp(c->target_type, "virtio") == 0;
}

static int free_port(const struct bus *bus, int from)
{
	for (int port = from; port < (int)bus->nports; port++)
		if (!bus->used[port])
			return port;
	return -1;
}

/* C's place: its own address, else the first free port anywhere, else a
 * new controller. */
static void place(struct parser *p, struct buses *b, struct chardev *c)
{
	bool console = c->kind == CHR_CONSOLE;
	int from = console ? 0 : 1;
	if (c->vs_address) {
		struct bus *bus = find_bus(b, c->vs_controller);
		int port = free_port(bus, 1);
		if (port < 0)
			diag_error(p->d, EXIT_DATAERR, c->line, console ? "<console>" : "<channel>",
				   "virtio-serial controller %u has no free port; expected a controller with more ports=",
				   c->vs_controller);
		if (port >= 0)
			bus->used[port] = true;
		c->vs_port = port;
		return;
	}
	for (size_t i = 0; i < b->n; i++) {
		int port = free_port(&b->v[i], from);
		if (port >= 0) {
			b->v[i].used[port] = true;
			c->vs_controller = b->v[i].index;
			c->vs_port = console ? -1 : port;
			return;
		}
	}
	unsigned index = 0;
	while (find_bus(b, index))
		index++;
	struct bus *bus = add_bus(p->dom, b, index, DEFAULT_PORTS, true);
	bus->used[from] = true;
	c->vs_controller = index;
	c->vs_port = console ? -1 : from;
	diag_note(p->d, c->line, console ? "<console>" : "<channel>",
		  "every virtio-serial port taken: controller %u added, as libvirt adds it", index);
}

/* Ports given by address first, then consoles, then channels. */
static void reserve_given(struct parser *p, struct buses *b)
{
	struct domain *dom = p->dom;
	for (size_t i = 0; i < dom->nchardevs && !diag_failed(p->d); i++) {
		struct chardev *c = &dom->chardevs[i];
		if (!on_vserial(c) || !c->vs_address || c->vs_port <= 0)
			continue;
		struct bus *bus = find_bus(b, c->vs_controller);
		const char *tag = c->kind == CHR_CONSOLE ? "<console>" : "<channel>";
		if ((unsigned)c->vs_port >= bus->nports)
			diag_error(p->d, EXIT_DATAERR, c->line, tag,
				   "port %d is past the %u ports of virtio-serial controller %u; expected a lower port or more ports=",
				   c->vs_port, bus->nports, bus->index);
		else if (bus->used[c->vs_port])
			diag_error(p->d, EXIT_DATAERR, c->line, tag,
				   "port %d of virtio-serial controller %u is already taken; expected one device per port",
				   c->vs_port, bus->index);
		else
			bus->used[c->vs_port] = true;
	}
}

void assign_vserial_ports(struct parser *p)
{
	struct domain *dom = p->dom;
	struct buses b = { 0 };
	for (size_t i = 0; i < dom->ncontrollers; i++) {
		const struct controller *ctl = &dom->controllers[i];
		if (ctl->type == CTRL_VIRTIO_SERIAL)
			add_bus(dom, &b, ctl->index, ctl->ports ? ctl->ports : DEFAULT_PORTS, false);
	}
	/* libvirt adds the controller each port names, or 0 */
	for (size_t i = 0; i < dom->nchardevs; i++) {
		const struct chardev *c = &dom->chardevs[i];
		unsigned index = c->vs_address ? c->vs_controller : 0;
		if (on_vserial(c) && !find_bus(&b, index))
			add_bus(dom, &b, index, DEFAULT_PORTS, true);
	}
	reserve_given(p, &b);
	for (int pass = 0; pass < 2 && !diag_failed(p->d); pass++) {
		enum chardev_kind kind = pass == 0 ? CHR_CONSOLE : CHR_CHANNEL;
		for (size_t i = 0; i < dom->nchardevs && !diag_failed(p->d); i++) {
			struct chardev *c = &dom->chardevs[i];
			if (on_vserial(c) && c->kind == kind &&
			    !(c->vs_address && c->vs_port > 0))
				place(p, &b, c);
		}
	}
	free(b.v);
}
