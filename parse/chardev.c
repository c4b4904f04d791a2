/*
 * <serial>, <console>, <channel>, <parallel>: a host-side backend (the
 * element's type= and <source>: chardev_source.c) and a guest-side target
 * (<target>).  libvirt's meaning: a <console> on a serial target is the
 * serial port of the same number (it makes that port when no <serial>
 * does); a virtio console and a virtio channel are ports on the
 * virtio-serial bus; a guestfwd channel is a user-mode network that
 * forwards one guest address and port to the chardev.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/number.h"
#include "lib/xalloc.h"

static const char *const serial_targets[] = {
	"isa-serial", "pci-serial", "isa-debug", "usb-serial",
	"spapr-vio-serial", "system-serial", "sclp-serial", NULL,
};
static const char *const console_targets[] = {
	"serial", "virtio", "xen", "uml", "sclp", "sclplm", "lxc", "openvz", NULL,
};
static const char *const channel_targets[] = { "virtio", "guestfwd", "xen", NULL };
/* Translated: the first three serial targets, the first two console and
 * channel targets. */

static const char *tag(const struct chardev *c)
{
	return c->kind == CHR_SERIAL ? "<serial>"
	       : c->kind == CHR_CONSOLE ? "<console>"
	       : c->kind == CHR_PARALLEL ? "<parallel>" : "<channel>";
}

/* <target type='guestfwd' address= port=>: what the guest reaches. */
static bool parse_guestfwd(struct parser *p, const xmlNode *n, struct chardev *c)
{
	const char *address = attr_required(p, n, "address");
	if (!address || !attr_required(p, n, "port"))
		return false;
	unsigned a, b, cc, d;
	char end;
	if (sscanf(address, "%3u.%3u.%3u.%3u%c", &a, &b, &cc, &d, &end) != 4 ||
	    a > 255 || b > 255 || cc > 255 || d > 255) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "address='%s' is not an IPv4 address; expected the guest-side address to forward, e.g. 10.0.2.1",
			   address);
		return false;
	}
	if (xml_attr(n, "name")) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "name= is for virtio channels; expected address= and port= only with type='guestfwd'");
		return false;
	}
	c->fwd_address = xstrdup(address);
	return true;
}

/* The channel's name=, or libvirt's default for an agent's port. */
static bool parse_channel_name(struct parser *p, const xmlNode *n, struct chardev *c)
{
	const char *name = xml_attr(n, "name");
	if (name && !*name) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "name='' is empty; expected the port's name, e.g. org.qemu.guest_agent.0");
		return false;
	}
	/* libvirt's name for SPICE's agent port when none is given. */
	bool agent = c->backend == CHR_SPICEVMC || c->backend == CHR_VDAGENT;
	c->target_name = name ? xstrdup(name)
		       : agent ? xstrdup("com.redhat.spice.0") : NULL;
	if (xml_attr(n, "state"))
		diag_note(p->d, xml_line(n), XML_TAG(n),
			  "state= ignored: the guest agent's state, reported by libvirt");
	return true;
}

/* <target><model name=...>: the device; it must be the target's own. */
static void parse_serial_model(struct parser *p, const xmlNode *k, struct chardev *c)
{
	static const char *const models[] = { "isa-serial", "pci-serial", "isa-debugcon", NULL };
	const char *name = attr_required(p, k, "name");
	if (!name)
		return;
	int m = in_list(name, models) ? attr_choice(p, k, "name", models) : -1;
	if (!c->target_type && m >= 0)
		c->target_type = xstrdup(serial_targets[m]);
	const char *want = !c->target_type ? "isa-serial"
			   : strcmp(c->target_type, "isa-debug") == 0 ? "isa-debugcon"
			   : c->target_type;
	if (strcmp(name, want) != 0)
		refuse(p, k, "name='%s' is not supported for this target; expected '%s'",
		       name, want);
}

/* The target's type=: its index in CHOICES, -1 when absent; false when
 * refused or invalid. */
static bool target_type(struct parser *p, const xmlNode *n, const xmlNode *dev,
			const struct chardev *c, int *t)
{
	if (c->kind == CHR_PARALLEL) {
		*t = -1;
		if (!xml_attr(n, "type"))
			return true;
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "a parallel port's target has no type=; expected <target port='N'/>");
		return false;
	}
	const char *const *choices = c->kind == CHR_SERIAL ? serial_targets
				   : c->kind == CHR_CONSOLE ? console_targets
				   : channel_targets;
	*t = attr_choice(p, n, "type", choices);
	if (*t == -2)
		return false;
	if (*t == -1 && c->kind == CHR_CHANNEL) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "the attribute type= is missing; expected type='virtio' or 'guestfwd'");
		return false;
	}
	if (*t < (c->kind == CHR_SERIAL ? 3 : 2))
		return true;
	refuse(p, dev, "<target type='%s'> is not supported; expected %s", choices[*t],
	       c->kind == CHR_SERIAL ? "type 'isa-serial', 'pci-serial' or 'isa-debug'"
	       : c->kind == CHR_CONSOLE ? "type 'serial' or 'virtio'"
	       : "type 'virtio' or 'guestfwd'");
	return false;
}

/*
 * <target>: false when the device is dropped (an untranslated target with
 * --ignore-unsupported) or on an error.
 */
static bool parse_target(struct parser *p, const xmlNode *n, const xmlNode *dev,
			 struct chardev *c)
{
	c->target_line = xml_line(n);
	int t;
	if (!target_type(p, n, dev, c, &t))
		return false;
	/* After the type: a refused target type says so first. */
	static const char *const known[] = { "type", "port", "name", "state", "address", NULL };
	if (!known_attrs(p, n, known))
		return false;
	const char *const *choices = c->kind == CHR_SERIAL ? serial_targets
				   : c->kind == CHR_CONSOLE ? console_targets
				   : channel_targets;
	if (t >= 0)
		c->target_type = xstrdup(choices[t]);
	bool fwd = c->kind == CHR_CHANNEL && t == 1;
	if (xml_attr(n, "address") && !fwd) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "address= is only for type='guestfwd'; expected no address= here");
		return false;
	}
	uint64_t port;
	if (xml_attr(n, "port")) {
		if (!attr_decimal(p, n, "port", fwd ? 1 : 0, 65535, &port))
			return false;
		c->has_port = true;
		c->target_port = (unsigned)port;
	}
	if (fwd ? !parse_guestfwd(p, n, c)
		: c->kind == CHR_CHANNEL && !parse_channel_name(p, n, c))
		return false;
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k)) {
		if (c->kind == CHR_SERIAL && xml_is(k, "model"))
			parse_serial_model(p, k, c);
		else
			unsupported(p, k, NULL);
	}
	return !diag_failed(p->d);
}

/* <address type='isa' iobase= irq=> (hexadecimal, as libvirt reads them). */
static void parse_isa_address(struct parser *p, const xmlNode *n, struct chardev *c)
{
	static const char *const known[] = { "type", "iobase", "irq", NULL };
	if (!known_attrs(p, n, known))
		return;
	const char *names[] = { "iobase", "irq" };
	const uint64_t max[] = { 0xffff, 15 };
	unsigned *slots[] = { &c->iobase, &c->irq };
	for (int i = 0; i < 2; i++) {
		const char *v = xml_attr(n, names[i]);
		uint64_t x;
		if (!v)
			continue;
		if (!parse_hex(v, &x) || x > max[i] || x == 0) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "%s='%s' is not valid; expected a hexadecimal %s from 0x1 to 0x%llx",
				   names[i], v, i ? "IRQ" : "I/O port", (unsigned long long)max[i]);
			return;
		}
		*slots[i] = (unsigned)x;
	}
	c->has_isa_address = true;
}

static void parse_chardev_child(struct parser *p, const xmlNode *k, const xmlNode *n,
				struct chardev *c, bool *keep, bool *have_target)
{
	const char *at = xml_is(k, "address") ? xml_attr(k, "type") : NULL;
	if (xml_is(k, "target")) {
		if (*have_target) {
			duplicate(p, k);
			return;
		}
		*have_target = true;
		*keep = parse_target(p, k, n, c);
	} else if (at && strcmp(at, "isa") == 0) {
		parse_isa_address(p, k, c);
	} else if (xml_is(k, "address")) {
		parse_vserial_address(p, k, c);
	} else if (xml_is(k, "alias")) {
		ignored(p, k);
	} else {
		unsupported(p, k, NULL);
	}
}

/* Whole-element rules, once its children are read. */
static void chardev_end(struct parser *p, const xmlNode *n, struct chardev *c,
			bool have_target)
{
	if (!have_target && c->kind == CHR_CHANNEL) {
		diag_error(p->d, EXIT_DATAERR, c->line, XML_TAG(n),
			   "has no <target>; expected e.g. <target type='virtio' name='org.qemu.guest_agent.0'/>");
		return;
	}
	if (!c->target_type)
		c->target_type = xstrdup(c->kind == CHR_SERIAL ? "isa-serial"
					 : c->kind == CHR_PARALLEL ? "parallel" : "serial");
	bool isa = c->kind == CHR_PARALLEL ||
		   (c->kind == CHR_SERIAL && strcmp(c->target_type, "pci-serial") != 0);
	if (c->has_isa_address && !isa)
		diag_error(p->d, EXIT_DATAERR, c->line, XML_TAG(n),
			   "has <address type='isa'> but is not an ISA device; expected it on an isa-serial, isa-debug or parallel port");
	else if (c->irq && strcmp(c->target_type, "isa-debug") == 0)
		diag_error(p->d, EXIT_DATAERR, c->line, XML_TAG(n),
			   "isa-debugcon has no interrupt; expected <address type='isa' iobase=...> without irq=");
	else if (c->backend == CHR_VDAGENT && strcmp(c->target_type, "virtio") != 0)
		refuse(p, n, "type='qemu-vdagent' speaks to the guest's agent on a virtio port; expected <target type='virtio'>");
}

void parse_chardev(struct parser *p, const xmlNode *n)
{
	struct chardev c;
	memset(&c, 0, sizeof(c));
	c.line = xml_line(n);
	c.kind = xml_is(n, "serial") ? CHR_SERIAL
		 : xml_is(n, "console") ? CHR_CONSOLE
		 : xml_is(n, "parallel") ? CHR_PARALLEL : CHR_CHANNEL;
	/* tty= is where a running guest's pty went (virsh dumpxml). */
	static const char *const known[] = { "type", "tty", NULL };
	if (!known_attrs(p, n, known) || !chardev_type(p, n, &c))
		return;
	if (xml_attr(n, "tty"))
		diag_note(p->d, c.line, XML_TAG(n),
			  "tty= ignored: the pty of a running guest, reported by libvirt");
	struct chardev_seen seen = { 0 };
	bool have_target = false, keep = true;
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d) && keep;
	     k = xml_next_element(k)) {
		if (!chardev_backend_child(p, k, &c, &seen))
			parse_chardev_child(p, k, n, &c, &keep, &have_target);
	}
	if (keep)
		chardev_backend_end(p, n, &c, &seen);
	if (!diag_failed(p->d) && keep)
		chardev_end(p, n, &c, have_target);
	if (diag_failed(p->d) || !keep) {
		chardev_release(&c);
		return;
	}
	struct domain *dom = p->dom;
	XGROW(dom->chardevs, dom->nchardevs, dom->chardevs_alloc);
	dom->chardevs[dom->nchardevs++] = c;
}

static bool on_serial_port(const struct chardev *c)
{
	return c->kind == CHR_SERIAL ||
	       (c->kind == CHR_CONSOLE && strcmp(c->target_type, "serial") == 0);
}

/* A port that makes an ISA serial device: COM1 to COM4. */
static bool isa_port_fits(struct parser *p, const struct chardev *c)
{
	if (strcmp(c->target_type, "pci-serial") == 0 ||
	    strcmp(c->target_type, "isa-debug") == 0 || c->target_port <= 3)
		return true;
	diag_error(p->d, EXIT_DATAERR, c->target_line ? c->target_line : c->line,
		   c->target_line ? "<target>" : tag(c),
		   "serial port %u is past the four ISA serial ports of a PC; expected port 0 to 3, or <target type='pci-serial'>",
		   c->target_port);
	return false;
}

/*
 * Serial ports numbered (the ones without port= get the lowest free), each
 * port made once; consoles on a serial port matched with the serial.
 */
static void check_serial_ports(struct parser *p)
{
	struct domain *dom = p->dom;
	/* owner[port]: index + 1 of the element that makes the port. */
	size_t *owner = xcalloc(65536, sizeof(*owner));
	for (size_t i = 0; i < dom->nchardevs && !diag_failed(p->d); i++) {
		struct chardev *c = &dom->chardevs[i];
		if (c->kind != CHR_SERIAL || !c->has_port)
			continue;
		if (owner[c->target_port])
			diag_error(p->d, EXIT_DATAERR, c->target_line, "<target>",
				   "port='%u' is already the serial port at line %u; expected each port once",
				   c->target_port, dom->chardevs[owner[c->target_port] - 1].line);
		owner[c->target_port] = i + 1;
	}
	unsigned next = 0;
	for (size_t i = 0; i < dom->nchardevs && !diag_failed(p->d); i++) {
		struct chardev *c = &dom->chardevs[i];
		if (c->kind != CHR_SERIAL || c->has_port)
			continue;
		while (next < 65536 && owner[next])
			next++;
		if (next == 65536) {
			diag_error(p->d, EXIT_DATAERR, c->line, "<serial>",
				   "no serial port number is left; expected fewer serial ports");
			break;
		}
		c->target_port = next;
		owner[next] = i + 1;
	}
	for (size_t i = 0; i < dom->nchardevs && !diag_failed(p->d); i++) {
		struct chardev *c = &dom->chardevs[i];
		if (c->kind != CHR_CONSOLE || !on_serial_port(c))
			continue;
		if (!owner[c->target_port]) {
			/* No <serial>: the console makes the port (DESIGN §6). */
			owner[c->target_port] = i + 1;
			continue;
		}
		const struct chardev *s = &dom->chardevs[owner[c->target_port] - 1];
		if (!chardev_same_backend(c, s)) {
			diag_error(p->d, EXIT_DATAERR, c->line, "<console>",
				   "describes serial port %u, which the %s at line %u makes with another type or source; expected the same type and <source> as that %s, or no <console>",
				   c->target_port, tag(s), s->line, tag(s));
			break;
		}
		c->same_as_serial = true;
	}
	for (size_t i = 0; i < dom->nchardevs && !diag_failed(p->d); i++) {
		const struct chardev *c = &dom->chardevs[i];
		if (on_serial_port(c) && !c->same_as_serial)
			isa_port_fits(p, c);
	}
	free(owner);
}

/* Parallel ports: each port once, the ones without port= the lowest free;
 * a PC has three (QEMU's isa-parallel refuses a fourth). */
static void check_parallel_ports(struct parser *p)
{
	struct domain *dom = p->dom;
	unsigned owner[3] = { 0 }; /* line of the element at each port */
	for (int pass = 0; pass < 2 && !diag_failed(p->d); pass++) {
		for (size_t i = 0; i < dom->nchardevs && !diag_failed(p->d); i++) {
			struct chardev *c = &dom->chardevs[i];
			if (c->kind != CHR_PARALLEL || c->has_port != (pass == 0))
				continue;
			unsigned port = 0;
			while (pass == 1 && port < 3 && owner[port])
				port++;
			if (pass == 1)
				c->target_port = port;
			if (c->target_port > 2)
				diag_error(p->d, EXIT_DATAERR, c->line, "<parallel>",
					   "port %u is past the three parallel ports of a PC; expected at most three, port 0 to 2",
					   c->target_port);
			else if (owner[c->target_port])
				diag_error(p->d, EXIT_DATAERR, c->line, "<parallel>",
					   "port %u is already the parallel port at line %u; expected each port once",
					   c->target_port, owner[c->target_port]);
			else
				owner[c->target_port] = c->line;
		}
	}
}

static int by_name(const void *a, const void *b)
{
	const struct chardev *x = *(const struct chardev *const *)a;
	const struct chardev *y = *(const struct chardev *const *)b;
	int c = strcmp(x->target_name, y->target_name);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Virtio-serial port names are unique: QEMU refuses a second one. */
static void check_channel_names(struct parser *p)
{
	struct domain *dom = p->dom;
	const struct chardev **named = xreallocarray(NULL, dom->nchardevs + 1,
						     sizeof(*named));
	size_t n = 0;
	for (size_t i = 0; i < dom->nchardevs; i++)
		if (dom->chardevs[i].target_name)
			named[n++] = &dom->chardevs[i];
	qsort(named, n, sizeof(*named), by_name);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(named[i - 1]->target_name, named[i]->target_name) == 0) {
			diag_error(p->d, EXIT_DATAERR, named[i]->target_line, "<target>",
				   "name='%s' is already the channel at line %u; expected unique channel names",
				   named[i]->target_name, named[i - 1]->line);
			break;
		}
	}
	free(named);
}

void check_chardevs(struct parser *p)
{
	struct domain *dom = p->dom;
	if (!dom->nchardevs || diag_failed(p->d))
		return;
	check_serial_ports(p);
	if (!diag_failed(p->d))
		check_parallel_ports(p);
	if (!diag_failed(p->d))
		check_channel_names(p);
	if (!diag_failed(p->d))
		assign_vserial_ports(p);
	/* QEMU's standard input and output are one: one stdio chardev. */
	const struct chardev *stdio = NULL;
	for (size_t i = 0; i < dom->nchardevs && !diag_failed(p->d); i++) {
		const struct chardev *c = &dom->chardevs[i];
		if (c->backend != CHR_STDIO || c->same_as_serial)
			continue;
		if (stdio)
			diag_error(p->d, EXIT_DATAERR, c->line, tag(c),
				   "type='stdio' is already used by the %s at line %u; QEMU has one standard input and output, expected one stdio chardev",
				   tag(stdio), stdio->line);
		stdio = c;
	}
}

void free_chardevs(struct domain *d)
{
	for (size_t i = 0; i < d->nchardevs; i++)
		chardev_release(&d->chardevs[i]);
	free(d->chardevs);
	free(d->vserial.implicit);
	d->vserial.implicit = NULL;
	d->vserial.nimplicit = 0;
	d->chardevs = NULL;
	d->nchardevs = d->chardevs_alloc = 0;
}
