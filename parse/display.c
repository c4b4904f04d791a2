/*
 * <graphics type='egl-headless'>, <graphics type='dbus'>, <graphics
 * type='sdl'>: QEMU's one -display beside a VNC or SPICE server.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

/* <gl enable rendernode>: EGL_HEADLESS has GL whatever it says. */
static void display_gl(struct parser *p, const xmlNode *c, struct display *d)
{
	static const char *const known[] = { "enable", "rendernode", NULL };
	if (!known_attrs(p, c, known))
		return;
	enum tristate on = attr_yesno(p, c, "enable");
	const char *node = xml_attr(c, "rendernode");
	if (d->kind == DISPLAY_SDL && node) {
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "rendernode= on SDL graphics, whose GL is the window's; expected no rendernode=");
		return;
	}
	if (d->kind != DISPLAY_EGL_HEADLESS)
		d->gl = on == TRI_ON;
	if (node && *node && (d->gl || d->kind == DISPLAY_EGL_HEADLESS))
		d->rendernode = xstrdup(node);
}

/* <audio id='N'/> of D-Bus graphics: the backend it carries. */
static void display_audio(struct parser *p, const xmlNode *c, struct display *d)
{
	static const char *const known[] = { "id", NULL };
	uint64_t v;
	if (d->audio_line)
		duplicate(p, c);
	else if (known_attrs(p, c, known) && attr_required(p, c, "id") &&
		 attr_decimal(p, c, "id", 1, 65535, &v)) {
		d->audio_id = (unsigned)v;
		d->audio_line = xml_line(c);
	}
}

/* The attributes of each kind. */
static bool display_attrs(struct parser *p, const xmlNode *n, struct display *d)
{
	static const char *const egl[] = { "type", NULL };
	static const char *const dbus[] = { "type", "p2p", "address", NULL };
	static const char *const sdl[] = { "type", "display", "xauth", "fullscreen", NULL };
	if (!known_attrs(p, n, d->kind == DISPLAY_DBUS ? dbus : d->kind == DISPLAY_SDL ? sdl : egl))
		return false;
	d->p2p = attr_yesno(p, n, "p2p") == TRI_ON;
	d->fullscreen = attr_yesno(p, n, "fullscreen") == TRI_ON;
	const char *address = xml_attr(n, "address");
	if (address && *address)
		d->address = xstrdup(address);
	const char *x = xml_attr(n, "display");
	if (x && *x)
		d->x_display = xstrdup(x);
	const char *xauth = xml_attr(n, "xauth");
	if (xauth && *xauth)
		d->xauth = xstrdup(xauth);
	if (d->kind == DISPLAY_DBUS && d->p2p && d->address) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "p2p='yes' with address=: QEMU serves its own connections or joins a bus, not both; expected one of them");
		return false;
	}
	if (d->kind == DISPLAY_DBUS && !d->p2p && !d->address) {
		unsupported(p, n, "D-Bus graphics without p2p= or address= need the private bus (a dbus-daemon) libvirt starts for the guest; expected p2p='yes', or address= naming a bus");
		return false;
	}
	return !diag_failed(p->d);
}

void parse_display(struct parser *p, const xmlNode *n, enum display_kind kind)
{
	struct display *d = &p->dom->desktop.display;
	if (d->line) {
		refuse(p, n, "a second local display: QEMU 7.2 has one -display (here already the <graphics> on line %u)",
		       d->line);
		return;
	}
	struct display fresh = { .kind = kind, .gl = kind == DISPLAY_EGL_HEADLESS };
	*d = fresh;
	if (!display_attrs(p, n, d)) {
		free_display(p->dom);
		return;
	}
	d->line = xml_line(n);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "gl"))
			display_gl(p, c, d);
		else if (xml_is(c, "audio") && kind == DISPLAY_DBUS)
			display_audio(p, c, d);
		else
			unsupported(p, c, NULL);
	}
}

void free_display(struct domain *dom)
{
	struct display *d = &dom->desktop.display;
	free(d->rendernode);
	free(d->address);
	free(d->x_display);
	free(d->xauth);
	memset(d, 0, sizeof(*d));
}
