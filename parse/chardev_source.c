/*
 * A chardev's host side, shared by <serial>, <console>, <channel>,
 * <parallel> (chardev.c) and an rng's EGD <backend> (misc.c): the type=,
 * <source> (two for udp: where it listens and where it sends),
 * <protocol> and <log>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

/* sun_path of struct sockaddr_un: 108 bytes with the terminating NUL. */
#define UNIX_PATH_MAX 108

/* The element's type=, as libvirt knows them; the first ones are
 * translated, in the order of enum chardev_backend. */
static const char *const backends[] = {
	"pty", "file", "unix", "tcp", "stdio", "null", "spicevmc",
	"udp", "dev", "pipe", "qemu-vdagent",
	"vc", "spiceport", "nmdm", "dbus", NULL,
};
#define TRANSLATED_BACKENDS 11

/* Why each untranslated type is refused, in the order of backends[]. */
static const char *const refused[] = {
	"a text console on QEMU's display is not translated",
	"a SPICE port channel is not translated",
	"nmdm is a FreeBSD null-modem device",
	"a D-Bus chardev needs libvirt's D-Bus display daemon",
};

void chardev_release(struct chardev *c)
{
	free(c->path);
	free(c->host);
	free(c->service);
	free(c->bind_host);
	free(c->bind_service);
	free(c->log_file);
	free(c->target_type);
	free(c->target_name);
	free(c->fwd_address);
}

static const char *tag_of(const struct chardev *c)
{
	static const char *const tags[] = {
		[CHR_SERIAL] = "<serial>", [CHR_CONSOLE] = "<console>",
		[CHR_CHANNEL] = "<channel>", [CHR_PARALLEL] = "<parallel>",
		[CHR_RNG] = "<backend>",
	};
	return tags[c->kind];
}

bool chardev_type(struct parser *p, const xmlNode *n, struct chardev *c)
{
	const char *type = xml_attr(n, "type");
	int b = 0; /* libvirt's default: pty */
	if (!type && c->kind == CHR_RNG) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "model='egd' has no type=; expected the chardev that reaches the daemon, e.g. type='unix'");
		return false;
	}
	if (type) {
		b = attr_choice(p, n, "type", backends);
		if (b < 0)
			return false;
		if (b >= TRANSLATED_BACKENDS) {
			refuse(p, n, "type='%s' is not supported: %s; sevqemu translates pty, file, unix, tcp, udp, stdio, null, dev, pipe and (for a channel) spicevmc and qemu-vdagent",
			       type, refused[b - TRANSLATED_BACKENDS]);
			return false;
		}
	}
	c->backend = (enum chardev_backend)b;
	if ((c->backend == CHR_SPICEVMC || c->backend == CHR_VDAGENT) &&
	    c->kind != CHR_CHANNEL) {
		refuse(p, n, "type='%s' is translated for a <channel> (a guest agent's port), not here",
		       type);
		return false;
	}
	return true;
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

/* Children of a <source>: <reconnect> where ALLOW_RECONNECT, <seclabel>. */
static void source_children(struct parser *p, const xmlNode *n, struct chardev *c,
			    bool allow_reconnect)
{
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k)) {
		if (allow_reconnect && xml_is(k, "reconnect"))
			parse_reconnect(p, k, c);
		else if (xml_is(k, "seclabel"))
			ignored(p, k);
		else
			unsupported(p, k, NULL);
	}
}

static void parse_tcp_source(struct parser *p, const xmlNode *n, struct chardev *c)
{
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
	if (c->backend == CHR_TCP) {
		parse_tcp_source(p, n, c);
	} else if (path && !*path) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "path='' is empty; expected the socket's path, or no path= for one in the state dir");
	} else if (path && !unix_path_fits(p, n, path)) {
		return;
	} else if (!path && !c->listen) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "mode='connect' without path=; expected the path of the socket to connect to");
	} else {
		c->path = path ? xstrdup(path) : NULL;
	}
	if (!diag_failed(p->d))
		source_children(p, n, c, true);
}

/* A udp <source>: mode='connect' (the default) is where datagrams go,
 * mode='bind' where they come from; one of each at most. */
static void parse_udp_source(struct parser *p, const xmlNode *n, struct chardev *c)
{
	static const char *const modes[] = { "bind", "connect", NULL };
	static const char *const known[] = { "mode", "host", "service", NULL };
	if (!known_attrs(p, n, known))
		return;
	int mode = attr_choice(p, n, "mode", modes);
	if (mode == -2)
		return;
	bool bind = mode == 0;
	const char *host = xml_attr(n, "host"), *service = xml_attr(n, "service");
	if (bind ? c->bind_service || c->bind_host : c->service != NULL) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "a second mode='%s' source; expected one mode='connect' and at most one mode='bind'",
			   bind ? "bind" : "connect");
		return;
	}
	if (!bind && (!service || !*service)) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "has no service=; expected the UDP port datagrams are sent to, e.g. service='9998'");
		return;
	}
	char **h = bind ? &c->bind_host : &c->host;
	char **s = bind ? &c->bind_service : &c->service;
	*h = host && *host ? xstrdup(host) : NULL;
	*s = service && *service ? xstrdup(service) : NULL;
	source_children(p, n, c, false);
}

/* The path of a file, a host device or a pipe. */
static void parse_path_source(struct parser *p, const xmlNode *n, struct chardev *c)
{
	static const char *const what[] = {
		[CHR_FILE] = "the file the output goes to",
		[CHR_DEV] = "the host's device, e.g. /dev/ttyS0",
		[CHR_PIPE] = "the pipe's path (QEMU opens PATH.in and PATH.out, or PATH)",
	};
	static const char *const known[] = { "path", "append", NULL };
	if (!known_attrs(p, n, known))
		return;
	const char *path = xml_attr(n, "path");
	if (!path || !*path) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "has no path=; expected %s", what[c->backend]);
		return;
	}
	if (xml_attr(n, "append") && c->backend != CHR_FILE) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "append= is only for type='file'; expected no append= here");
		return;
	}
	c->path = xstrdup(path);
	c->append = attr_onoff(p, n, "append") == TRI_ON;
	source_children(p, n, c, false);
}

/* qemu-vdagent: <source><mouse mode=/><clipboard copypaste=/></source> */
static void parse_vdagent_source(struct parser *p, const xmlNode *n, struct chardev *c)
{
	static const char *const modes[] = { "server", "client", NULL };
	static const char *const mouse_known[] = { "mode", NULL };
	static const char *const clip_known[] = { "copypaste", NULL };
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k)) {
		if (xml_is(k, "mouse") && known_attrs(p, k, mouse_known)) {
			int m = attr_choice(p, k, "mode", modes);
			if (m >= 0)
				c->mouse_client = m == 1 ? TRI_ON : TRI_OFF;
		} else if (xml_is(k, "clipboard") && known_attrs(p, k, clip_known)) {
			c->clipboard = attr_yesno(p, k, "copypaste");
		} else if (!diag_failed(p->d)) {
			unsupported(p, k, NULL);
		}
	}
}

static void parse_source(struct parser *p, const xmlNode *n, struct chardev *c)
{
	c->source_line = xml_line(n);
	switch (c->backend) {
	case CHR_FILE:
	case CHR_DEV:
	case CHR_PIPE:
		parse_path_source(p, n, c);
		break;
	case CHR_UNIX:
	case CHR_TCP:
		parse_socket_source(p, n, c);
		break;
	case CHR_UDP:
		parse_udp_source(p, n, c);
		break;
	case CHR_VDAGENT:
		parse_vdagent_source(p, n, c);
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
	if (c->backend != CHR_TCP && c->backend != CHR_UNIX) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "is only for type='tcp' or 'unix'; expected no <protocol> here");
		return;
	}
	const char *type = xml_attr(n, "type");
	if (!type || strcmp(type, "raw") == 0)
		return;
	if (c->backend == CHR_UNIX)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "type='%s' is not valid for a unix socket; expected 'raw'", type);
	else if (strcmp(type, "telnet") == 0)
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

bool chardev_backend_child(struct parser *p, const xmlNode *k, struct chardev *c,
			   struct chardev_seen *seen)
{
	bool *once = xml_is(k, "protocol") ? &seen->protocol
		   : xml_is(k, "log") ? &seen->log
		   : xml_is(k, "source") && c->backend != CHR_UDP ? &seen->source : NULL;
	if (!once && !xml_is(k, "source"))
		return false;
	if (once && *once) {
		duplicate(p, k);
		return true;
	}
	if (once)
		*once = true;
	if (xml_is(k, "source")) {
		seen->source = true;
		parse_source(p, k, c);
	} else if (xml_is(k, "protocol")) {
		parse_protocol(p, k, c);
	} else {
		parse_log(p, k, c);
	}
	return true;
}

void chardev_backend_end(struct parser *p, const xmlNode *n, struct chardev *c,
			 const struct chardev_seen *seen)
{
	static const char *const want[] = {
		[CHR_FILE] = "type='file' has no <source path=...>; expected the file the output goes to",
		[CHR_TCP] = "type='tcp' has no <source>; expected e.g. <source mode='bind' host='127.0.0.1' service='4555'/>",
		[CHR_UDP] = "type='udp' has no <source mode='connect' service=...>; expected where datagrams go, e.g. <source mode='connect' host='127.0.0.1' service='9998'/>",
		[CHR_DEV] = "type='dev' has no <source path=...>; expected the host's device, e.g. /dev/ttyS0",
		[CHR_PIPE] = "type='pipe' has no <source path=...>; expected the pipe's path",
	};
	if (diag_failed(p->d))
		return;
	bool missing = c->backend == CHR_UDP ? !c->service : !seen->source;
	if (missing && c->backend < sizeof(want) / sizeof(want[0]) && want[c->backend])
		diag_error(p->d, EXIT_DATAERR, xml_line(n), tag_of(c), "%s",
			   want[c->backend]);
	else if (!seen->source && c->backend == CHR_UNIX)
		c->listen = true; /* a socket in the state dir */
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool chardev_same_backend(const struct chardev *a, const struct chardev *b)
{
	return a->backend == b->backend && same_str(a->path, b->path) &&
	       a->listen == b->listen && same_str(a->host, b->host) &&
	       same_str(a->service, b->service) &&
	       same_str(a->bind_host, b->bind_host) &&
	       same_str(a->bind_service, b->bind_service) &&
	       a->telnet == b->telnet && a->reconnect == b->reconnect &&
	       a->append == b->append && same_str(a->log_file, b->log_file) &&
	       a->log_append == b->log_append;
}
