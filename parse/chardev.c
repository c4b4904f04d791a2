/*
 * <serial>, <console>, <channel>: a host-side backend (the element's type=
 * and <source>) and a guest-side target (<target>).  libvirt's meaning: a
 * <console> on a serial target is the serial port of the same number (it
 * makes that port when no <serial> does); a virtio console and a virtio
 * channel are ports on the virtio-serial bus.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

/* sun_path of struct sockaddr_un: 108 bytes with the terminating NUL. */
#define UNIX_PATH_MAX 108

/* The element's type=, as libvirt knows them; the first six are translated,
 * in the order of enum chardev_backend. */
static const char *const backends[] = {
	"pty", "file", "unix", "tcp", "stdio", "null", "spicevmc",
	"vc", "dev", "pipe", "udp", "spiceport", "nmdm",
	"qemu-vdagent", "dbus", NULL,
};
#define TRANSLATED_BACKENDS 7

static const char *const serial_targets[] = {
	"isa-serial", "pci-serial", "usb-serial", "spapr-vio-serial",
	"system-serial", "sclp-serial", "isa-debug", NULL,
};
static const char *const console_targets[] = {
	"serial", "virtio", "xen", "uml", "sclp", "sclplm", "lxc", "openvz", NULL,
};
static const char *const channel_targets[] = { "guestfwd", "virtio", "xen", NULL };
/* Translated: the first two serial targets, the first two console targets,
 * the channel target "virtio". */

static void chardev_release(struct chardev *c)
{
	free(c->path);
	free(c->host);
	free(c->service);
	free(c->log_file);
	free(c->target_type);
	free(c->target_name);
}

/* A path QEMU will bind or connect a unix socket at. */
static bool unix_path_fits(struct parser *p, const xmlNode *n, const char *path)
{
	size_t len = strlen(path);
	if (len < UNIX_PATH_MAX)
		return true;
	diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
		   "path= is %zu bytes, too long for a unix socket (at most %d: sun_path holds %d with its NUL); expected a shorter path",
		   len, UNIX_PATH_MAX - 1, UNIX_PATH_MAX);
	return false;
}

static void parse_reconnect(struct parser *p, const xmlNode *n, struct chardev *c)
{
	enum tristate enabled = attr_yesno(p, n, "enabled");
	if (diag_failed(p->d))
		return;
	if (enabled == TRI_DEFAULT) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "the attribute enabled= is missing; expected enabled='yes' timeout='SECONDS' or enabled='no'");
		return;
	}
	if (c->listen) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "reconnecting is only for mode='connect'; expected no <reconnect> with mode='bind'");
		return;
	}
	if (enabled == TRI_OFF)
		return;
	uint64_t timeout;
	if (!attr_required(p, n, "timeout") ||
	    !attr_decimal(p, n, "timeout", 1, 86400, &timeout))
		return;
	c->reconnect = (unsigned)timeout;
}

/* <source> of a unix or tcp backend: mode=, and what it binds or reaches. */
static void parse_socket_source(struct parser *p, const xmlNode *n,
				struct chardev *c)
{
	static const char *const modes[] = { "bind", "connect", NULL };
	static const char *const known[] = { "mode", "path", "host", "service", "tls", NULL };
	if (!known_attrs(p, n, known))
		return;
	int mode = attr_choice(p, n, "mode", modes);
	if (mode == -2)
		return;
	const char *path = xml_attr(n, "path");
	/* libvirt: connect unless told; a unix socket with no path is made by
	 * the guest's manager, so it listens. */
	c->listen = mode == 0 || (mode == -1 && c->backend == CHR_UNIX && !path);
	if (c->backend == CHR_UNIX) {
		if (path && !*path) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "path='' is empty; expected the socket's path, or no path= for one in the state dir");
			return;
		}
		if (path && !unix_path_fits(p, n, path))
			return;
		if (!path && !c->listen) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "mode='connect' without path=; expected the path of the socket to connect to");
			return;
		}
		c->path = path ? xstrdup(path) : NULL;
	} else {
		const char *host = xml_attr(n, "host");
		const char *service = xml_attr(n, "service");
		if (!service || !*service) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "has no service=; expected the TCP port, e.g. service='4555'");
			return;
		}
		if (!c->listen && (!host || !*host)) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "mode='connect' without host=; expected the address to connect to, e.g. host='127.0.0.1'");
			return;
		}
		const char *tls = xml_attr(n, "tls");
		if (tls && strcmp(tls, "no") != 0) {
			unsupported(p, n, "tls= is not supported: sevqemu makes no TLS credentials for chardevs");
			if (diag_failed(p->d))
				return;
		}
		c->host = host && *host ? xstrdup(host) : NULL;
		c->service = xstrdup(service);
	}
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k)) {
		if (xml_is(k, "reconnect"))
			parse_reconnect(p, k, c);
		else if (xml_is(k, "seclabel"))
			ignored(p, k);
		else
			unsupported(p, k, NULL);
	}
}

static void parse_source(struct parser *p, const xmlNode *n, struct chardev *c)
{
	c->source_line = xml_line(n);
	switch (c->backend) {
	case CHR_FILE: {
		const char *path = xml_attr(n, "path");
		if (!path || !*path) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "has no path=; expected the file the output goes to");
			return;
		}
		c->path = xstrdup(path);
		c->append = attr_onoff(p, n, "append") == TRI_ON;
		for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
		     k = xml_next_element(k)) {
			if (xml_is(k, "seclabel"))
				ignored(p, k);
			else
				unsupported(p, k, NULL);
		}
		break;
	}
	case CHR_UNIX:
	case CHR_TCP:
		parse_socket_source(p, n, c);
		break;
	case CHR_PTY:
		/* virsh dumpxml of a running guest: the pty it got. */
	case CHR_STDIO:
	case CHR_NULL:
	case CHR_SPICEVMC:
		ignored(p, n);
		break;
	}
}

static void parse_protocol(struct parser *p, const xmlNode *n, struct chardev *c)
{
	if (c->backend != CHR_TCP) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "is only for type='tcp'; expected no <protocol> here");
		return;
	}
	const char *type = xml_attr(n, "type");
	if (!type || strcmp(type, "raw") == 0)
		return;
	if (strcmp(type, "telnet") == 0)
		c->telnet = true;
	else if (strcmp(type, "telnets") == 0 || strcmp(type, "tls") == 0)
		unsupported(p, n, "TLS-protected TCP chardevs are not supported; expected type='raw' or 'telnet'");
	else
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "type='%s' is not valid; expected 'raw' or 'telnet'", type);
}

static void parse_log(struct parser *p, const xmlNode *n, struct chardev *c)
{
	static const char *const known[] = { "file", "append", NULL };
	if (!known_attrs(p, n, known))
		return;
	const char *file = attr_required(p, n, "file");
	if (!file)
		return;
	if (!*file) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "file='' is empty; expected the log file's path");
		return;
	}
	c->log_file = xstrdup(file);
	c->log_append = attr_onoff(p, n, "append");
}

/*
 * <target>: false when the device is dropped (an untranslated target with
 * --ignore-unsupported) or on an error.
 */
static bool parse_target(struct parser *p, const xmlNode *n, const xmlNode *dev,
			 struct chardev *c)
{
	c->target_line = xml_line(n);
	const char *const *choices = c->kind == CHR_SERIAL ? serial_targets
				   : c->kind == CHR_CONSOLE ? console_targets
				   : channel_targets;
	int t = attr_choice(p, n, "type", choices);
	if (t == -2)
		return false;
	bool translated = c->kind == CHR_CHANNEL ? t == 1 : t < 2;
	if (!translated) {
		if (t == -1)
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "the attribute type= is missing; expected type='virtio'");
		else
			refuse(p, dev, "<target type='%s'> is not supported; expected %s",
			       choices[t],
			       c->kind == CHR_SERIAL ? "type 'isa-serial' or 'pci-serial'"
			       : c->kind == CHR_CONSOLE ? "type 'serial' or 'virtio'"
			       : "type 'virtio'");
		return false;
	}
	/* After the type: a refused target type says so first. */
	static const char *const known[] = { "type", "port", "name", "state", NULL };
	if (!known_attrs(p, n, known))
		return false;
	if (t >= 0)
		c->target_type = xstrdup(choices[t]);
	uint64_t port;
	if (xml_attr(n, "port")) {
		if (!attr_decimal(p, n, "port", 0, 65535, &port))
			return false;
		c->has_port = true;
		c->target_port = (unsigned)port;
	}
	if (c->kind == CHR_CHANNEL) {
		const char *name = xml_attr(n, "name");
		if (name && !*name) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "name='' is empty; expected the port's name, e.g. org.qemu.guest_agent.0");
			return false;
		}
		/* libvirt's name for SPICE's agent port when none is given. */
		c->target_name = name ? xstrdup(name)
			       : c->backend == CHR_SPICEVMC ? xstrdup("com.redhat.spice.0") : NULL;
		if (xml_attr(n, "state"))
			diag_note(p->d, xml_line(n), XML_TAG(n),
				  "state= ignored: the guest agent's state, reported by libvirt");
	}
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k)) {
		if (c->kind != CHR_SERIAL || !xml_is(k, "model")) {
			unsupported(p, k, NULL);
			continue;
		}
		/* <model name=...>: the device; it must be the target's own. */
		const char *name = attr_required(p, k, "name");
		if (!name)
			return false;
		if (!c->target_type && (strcmp(name, "isa-serial") == 0 ||
					strcmp(name, "pci-serial") == 0))
			c->target_type = xstrdup(name);
		const char *want = c->target_type ? c->target_type : "isa-serial";
		if (strcmp(name, want) != 0) {
			refuse(p, k, "name='%s' is not supported for this target; expected '%s'",
			       name, want);
		}
	}
	return !diag_failed(p->d);
}

/* spicevmc is SPICE's agent: a <channel>; false when refused. */
static bool spicevmc_fits(struct parser *p, const xmlNode *n, const struct chardev *c)
{
	if (c->backend != CHR_SPICEVMC || c->kind == CHR_CHANNEL)
		return true;
	refuse(p, n, "type='spicevmc' is translated for a <channel> (SPICE's agent), not here");
	return false;
}

/* A backend without <source>: a file or tcp needs one, a unix socket
 * goes into the state dir. */
static void no_source(struct parser *p, const xmlNode *n, struct chardev *c)
{
	if (c->backend == CHR_FILE)
		diag_error(p->d, EXIT_DATAERR, c->line, XML_TAG(n),
			   "type='file' has no <source path=...>; expected the file the output goes to");
	else if (c->backend == CHR_TCP)
		diag_error(p->d, EXIT_DATAERR, c->line, XML_TAG(n),
			   "type='tcp' has no <source>; expected e.g. <source mode='bind' host='127.0.0.1' service='4555'/>");
	else if (c->backend == CHR_UNIX)
		c->listen = true;
}

void parse_chardev(struct parser *p, const xmlNode *n)
{
	struct chardev c;
	memset(&c, 0, sizeof(c));
	c.line = xml_line(n);
	c.kind = xml_is(n, "serial") ? CHR_SERIAL
		 : xml_is(n, "console") ? CHR_CONSOLE : CHR_CHANNEL;
	/* tty= is where a running guest's pty went (virsh dumpxml). */
	static const char *const known[] = { "type", "tty", NULL };
	if (!known_attrs(p, n, known))
		return;
	const char *type = xml_attr(n, "type");
	int b = 0; /* libvirt's default: pty */
	if (type) {
		b = attr_choice(p, n, "type", backends);
		if (b < 0)
			return;
		if (b >= TRANSLATED_BACKENDS) {
			refuse(p, n, "type='%s' is not supported; sevqemu translates pty, file, unix, tcp, stdio, null and (for a channel) spicevmc",
			       type);
			return;
		}
	}
	c.backend = (enum chardev_backend)b;
	if (!spicevmc_fits(p, n, &c))
		return;
	if (xml_attr(n, "tty"))
		diag_note(p->d, c.line, XML_TAG(n),
			  "tty= ignored: the pty of a running guest, reported by libvirt");
	bool have_source = false, have_target = false, have_protocol = false,
	     have_log = false, keep = true;
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d) && keep;
	     k = xml_next_element(k)) {
		bool *seen = xml_is(k, "source") ? &have_source
			   : xml_is(k, "target") ? &have_target
			   : xml_is(k, "protocol") ? &have_protocol
			   : xml_is(k, "log") ? &have_log : NULL;
		if (seen && *seen) {
			duplicate(p, k);
			break;
		}
		if (seen)
			*seen = true;
		if (xml_is(k, "source"))
			parse_source(p, k, &c);
		else if (xml_is(k, "target"))
			keep = parse_target(p, k, n, &c);
		else if (xml_is(k, "protocol"))
			parse_protocol(p, k, &c);
		else if (xml_is(k, "log"))
			parse_log(p, k, &c);
		else if (xml_is(k, "address"))
			parse_vserial_address(p, k, &c);
		else if (xml_is(k, "alias"))
			ignored(p, k);
		else
			unsupported(p, k, NULL);
	}
	if (!diag_failed(p->d) && keep && !have_source)
		no_source(p, n, &c);
	if (!diag_failed(p->d) && keep && !have_target && c.kind == CHR_CHANNEL)
		diag_error(p->d, EXIT_DATAERR, c.line, XML_TAG(n),
			   "has no <target>; expected e.g. <target type='virtio' name='org.qemu.guest_agent.0'/>");
	if (diag_failed(p->d) || !keep) {
		chardev_release(&c);
		return;
	}
	if (!c.target_type)
		c.target_type = xstrdup(c.kind == CHR_SERIAL ? "isa-serial" : "serial");
	struct domain *dom = p->dom;
	XGROW(dom->chardevs, dom->nchardevs, dom->chardevs_alloc);
	dom->chardevs[dom->nchardevs++] = c;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Whether two elements describe the same host side (a console and the
 * serial it aliases). */
static bool same_backend(const struct chardev *a, const struct chardev *b)
{
	return a->backend == b->backend && same_str(a->path, b->path) &&
	       a->listen == b->listen && same_str(a->host, b->host) &&
	       same_str(a->service, b->service) && a->telnet == b->telnet &&
	       a->reconnect == b->reconnect && a->append == b->append &&
	       same_str(a->log_file, b->log_file) &&
	       a->log_append == b->log_append;
}

static const char *tag(const struct chardev *c)
{
	return c->kind == CHR_SERIAL ? "<serial>"
	       : c->kind == CHR_CONSOLE ? "<console>" : "<channel>";
}

static bool on_serial_port(const struct chardev *c)
{
	return c->kind == CHR_SERIAL ||
	       (c->kind == CHR_CONSOLE && strcmp(c->target_type, "serial") == 0);
}

/* A port that makes an ISA serial device: COM1 to COM4. */
static bool isa_port_fits(struct parser *p, const struct chardev *c)
{
	if (strcmp(c->target_type, "pci-serial") == 0 || c->target_port <= 3)
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
		if (!same_backend(c, s)) {
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
