/* <graphics>: VNC here; SPICE (spice.c) and the local displays (display.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

/* <listen> inside <graphics type='vnc'>. */
static void parse_listen(struct parser *p, const xmlNode *c, struct graphics *g,
			 bool *seen)
{
	if (*seen) {
		unsupported(p, c, "a VNC display listens in one place; sevqemu translates one <listen>");
		return;
	}
	*seen = true;
	static const char *const types[] = { "address", "socket", "none", "network", NULL };
	int t = attr_choice(p, c, "type", types);
	if (t == -2)
		return;
	if (t == -1) {
		attr_required(p, c, "type");
		return;
	}
	if (t == 3) {
		unsupported(p, c, "type='network' needs libvirt's virtual network; use type='address' with the address");
		return;
	}
	static const char *const known[] = { "type", "address", "socket", NULL };
	if (!known_attrs(p, c, known))
		return;
	const char *address = xml_attr(c, "address");
	if (t == 0 && address && *address) {
		if (g->listen && strcmp(g->listen, address) != 0) {
			diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
				   "address='%s' differs from <graphics listen='%s'>; expected the same address",
				   address, g->listen);
			return;
		}
		free(g->listen);
		g->listen = xstrdup(address);
	} else if (t == 1) {
		const char *socket = xml_attr(c, "socket");
		free(g->listen);
		g->listen = socket && *socket ? xstrdup(socket) : NULL;
	}
	g->listen_type = t == 1 ? LISTEN_SOCKET : t == 2 ? LISTEN_NONE : LISTEN_ADDRESS;
}

/* VNC is parsed here, SPICE and the local displays by their own parsers,
 * rdp and desktop refused by name.  False: not VNC (handled). */
static bool is_vnc(struct parser *p, const xmlNode *n)
{
	const char *type = attr_required(p, n, "type");
	if (!type)
		return false;
	if (strcmp(type, "vnc") == 0)
		return true;
	if (strcmp(type, "spice") == 0) {
		parse_spice(p, n);
		return false;
	}
	static const char *const displays[] = { "egl-headless", "dbus", "sdl", NULL };
	int display = list_index(type, displays);
	if (display >= 0) {
		parse_display(p, n, (enum display_kind)(display + 1));
		return false;
	}
	static const char *const known_types[] = { "rdp", "desktop", NULL };
	if (!in_list(type, known_types))
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "type='%s' is not valid; expected vnc, spice, rdp, sdl, egl-headless, dbus or desktop",
			   type);
	else
		refuse(p, n, "%s graphics are not supported: QEMU has no %s server; expected vnc, spice, egl-headless, dbus or sdl", type, type);
	return false;
}

/* port= and autoport=: a fixed display from 5900 up, or -1 for the first free. */
static void parse_port(struct parser *p, const xmlNode *n, struct graphics *g)
{
	g->port = -1;
	const char *port = xml_attr(n, "port");
	uint64_t v;
	if (port && strcmp(port, "-1") != 0) {
		if (!attr_decimal(p, n, "port", 0, 65535, &v))
			return;
		if (v < 5900) {
			diag_error(p->d, EXIT_DATAERR, g->line, XML_TAG(n),
				   "port='%s' is below 5900, where VNC display 0 starts; expected 5900 to 65535 or autoport='yes'",
				   port);
			return;
		}
		g->port = (int)v;
	}
	enum tristate autoport = attr_yesno(p, n, "autoport");
	if (autoport == TRI_ON)
		g->port = -1;
	else if (autoport == TRI_OFF && g->port < 0)
		diag_error(p->d, EXIT_DATAERR, g->line, XML_TAG(n),
			   "autoport='no' without a port; expected port='5900' or above");
}

/* listen=, keymap=, sharePolicy=, powerControl=, connected=. */
static void parse_vnc_attrs(struct parser *p, const xmlNode *n,
			    struct graphics *g)
{
	const char *listen = xml_attr(n, "listen");
	if (listen && *listen)
		g->listen = xstrdup(listen);
	const char *keymap = xml_attr(n, "keymap");
	if (keymap) {
		if (!*keymap || strspn(keymap, "abcdefghijklmnopqrstuvwxyz-_") != strlen(keymap)) {
			diag_error(p->d, EXIT_DATAERR, g->line, XML_TAG(n),
				   "keymap='%s' is not valid; expected a keymap name like en-us or de-ch",
				   keymap);
			return;
		}
		g->keymap = xstrdup(keymap);
	}
	static const char *const shares[] = { "allow-exclusive", "force-shared", "ignore", NULL };
	int share = attr_choice(p, n, "sharePolicy", shares);
	if (share >= 0)
		g->share = xstrdup(shares[share]);
	g->power_control = attr_yesno(p, n, "powerControl") == TRI_ON;
	if (xml_attr(n, "connected"))
		diag_note(p->d, g->line, XML_TAG(n),
			  "connected= ignored: it tells libvirt what to do with clients when the password changes");
}

/* <graphics><audio id=N/>: the <audio> backend the display uses. */
static void parse_graphics_audio(struct parser *p, const xmlNode *c,
				 struct graphics *g)
{
	if (g->audio_line) {
		duplicate(p, c);
		return;
	}
	static const char *const audio_attrs[] = { "id", NULL };
	uint64_t v;
	if (known_attrs(p, c, audio_attrs) && attr_required(p, c, "id") &&
	    attr_decimal(p, c, "id", 1, 65535, &v)) {
		g->audio_id = (unsigned)v;
		g->audio_line = xml_line(c);
	}
}

static void parse_graphics(struct parser *p, const xmlNode *n)
{
	struct graphics *g = &p->dom->misc.graphics;
	if (!is_vnc(p, n))
		return;
	if (g->line) {
		duplicate(p, n);
		return;
	}
	static const char *const known[] = {
		"type", "port", "autoport", "listen", "keymap", "sharePolicy",
		"powerControl", "connected", NULL,
	};
	if (xml_attr(n, "passwd") || xml_attr(n, "passwdValidTo")) {
		unsupported(p, n, "a VNC password needs a secret object and the monitor; sevqemu does not write passwords into a command line");
		return;
	}
	if (xml_attr(n, "websocket")) {
		unsupported(p, n, "VNC websockets are not supported");
		return;
	}
	if (!known_attrs(p, n, known))
		return;
	g->line = xml_line(n);
	parse_port(p, n, g);
	if (!diag_failed(p->d))
		parse_vnc_attrs(p, n, g);
	bool seen_listen = false;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "listen"))
			parse_listen(p, c, g, &seen_listen);
		else if (xml_is(c, "audio"))
			parse_graphics_audio(p, c, g);
		else
			unsupported(p, c, NULL);
	}
}

void parse_display_device(struct parser *p, const xmlNode *n)
{
	parse_graphics(p, n);
}
