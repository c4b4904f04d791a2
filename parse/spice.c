/*
 * What virt-manager writes for a desktop guest: <graphics type='spice'>,
 * <sound> with its codecs, <redirdev bus='usb' type='spicevmc'>.  The
 * spicevmc agent channel is a <channel> (chardev.c); check_desktop() ties
 * them together: SPICE's channels need SPICE, sound needs an <audio>
 * backend (libvirt adds one: spice with SPICE graphics, else none).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

/* <listen> inside <graphics type='spice'>. */
static void spice_listen(struct parser *p, const xmlNode *c, struct spice *s)
{
	static const char *const types[] = { "address", "socket", "none", "network", NULL };
	static const char *const known[] = { "type", "address", "socket", NULL };
	int t = attr_choice(p, c, "type", types);
	if (t == -1)
		attr_required(p, c, "type");
	if (t < 0)
		return;
	if (t == 3) {
		unsupported(p, c, "type='network' needs libvirt's virtual network; use type='address' with the address");
		return;
	}
	if (!known_attrs(p, c, known))
		return;
	const char *value = xml_attr(c, t == 1 ? "socket" : "address");
	if (t == 0 && value && *value && s->listen && strcmp(s->listen, value) != 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "address='%s' differs from <graphics listen='%s'>; expected the same address",
			   value, s->listen);
		return;
	}
	if (t != 2 && value && *value) {
		free(s->listen);
		s->listen = xstrdup(value);
	} else if (t == 1) {
		free(s->listen);
		s->listen = NULL;
	}
	s->listen_type = t == 1 ? LISTEN_SOCKET : t == 2 ? LISTEN_NONE : LISTEN_ADDRESS;
}

static const char *const channel_names[] = {
	"main", "display", "inputs", "cursor", "playback", "record",
	"smartcard", "usbredir", NULL,
};
static const char *const modes[] = { "any", "secure", "insecure", NULL };

/* <channel name= mode=>: which SPICE channels need TLS. */
static void spice_channel(struct parser *p, const xmlNode *c, struct spice *s)
{
	static const char *const known[] = { "name", "mode", NULL };
	if (!known_attrs(p, c, known) || !attr_required(p, c, "name") ||
	    !attr_required(p, c, "mode"))
		return;
	int name = attr_choice(p, c, "name", channel_names);
	int mode = attr_choice(p, c, "mode", modes);
	if (name < 0 || mode < 0)
		return;
	for (size_t i = 0; i < s->nchannels; i++)
		if (strcmp(s->channels[i].name, channel_names[name]) == 0) {
			duplicate(p, c);
			return;
		}
	s->channels[s->nchannels++] = (struct spice_channel){
		channel_names[name], (enum spice_channel_mode)mode,
	};
}

/* One child of <graphics type='spice'> that sets an option by an
 * attribute: <image compression>, <jpeg>, <zlib>, <playback>,
 * <streaming mode>. False: not one of them. */
static bool spice_option(struct parser *p, const xmlNode *c, struct spice *s)
{
	static const char *const image[] = { "auto_glz", "auto_lz", "quic", "glz", "lz", "off", NULL };
	static const char *const wan[] = { "auto", "never", "always", NULL };
	static const char *const onoff[] = { "on", "off", NULL };
	static const char *const stream[] = { "filter", "all", "off", NULL };
	static const struct {
		const char *element, *attr;
		const char *const *values;
		size_t slot;
	} opts[] = {
		{ "image", "compression", image, offsetof(struct spice, image) },
		{ "jpeg", "compression", wan, offsetof(struct spice, jpeg) },
		{ "zlib", "compression", wan, offsetof(struct spice, zlib) },
		{ "playback", "compression", onoff, offsetof(struct spice, playback) },
		{ "streaming", "mode", stream, offsetof(struct spice, streaming) },
	};
	for (size_t i = 0; i < sizeof(opts) / sizeof(*opts); i++) {
		if (!xml_is(c, opts[i].element))
			continue;
		const char *known[] = { opts[i].attr, NULL };
		if (!known_attrs(p, c, known) || !attr_required(p, c, opts[i].attr))
			return true;
		int v = attr_choice(p, c, opts[i].attr, opts[i].values);
		if (v >= 0)
			*(const char **)((char *)s + opts[i].slot) = opts[i].values[v];
		return true;
	}
	return false;
}

/* <mouse>, <clipboard>, <filetransfer>, <gl>. */
static void spice_switch(struct parser *p, const xmlNode *c, struct spice *s)
{
	if (xml_is(c, "mouse")) {
		static const char *const known[] = { "mode", NULL };
		static const char *const mouse[] = { "server", "client", NULL };
		int m = known_attrs(p, c, known) ? attr_choice(p, c, "mode", mouse) : -2;
		if (m >= 0)
			s->agent_mouse = m == 1 ? TRI_ON : TRI_OFF;
	} else if (xml_is(c, "clipboard")) {
		static const char *const known[] = { "copypaste", NULL };
		if (known_attrs(p, c, known))
			s->no_copypaste = attr_yesno(p, c, "copypaste") == TRI_OFF;
	} else if (xml_is(c, "filetransfer")) {
		static const char *const known[] = { "enable", NULL };
		if (known_attrs(p, c, known))
			s->no_file_transfer = attr_yesno(p, c, "enable") == TRI_OFF;
	} else if (xml_is(c, "gl")) {
		static const char *const known[] = { "enable", "rendernode", NULL };
		const char *node = xml_attr(c, "rendernode");
		if (known_attrs(p, c, known) && attr_yesno(p, c, "enable") == TRI_ON) {
			s->gl = true;
			if (node && *node)
				s->rendernode = xstrdup(node);
		}
	} else {
		unsupported(p, c, NULL);
	}
}

/* port=, tlsPort=, autoport=: -1 for a port chosen at start. */
static void spice_ports(struct parser *p, const xmlNode *n, struct spice *s)
{
	uint64_t v;
	const char *port = xml_attr(n, "port");
	const char *tls = xml_attr(n, "tlsPort");
	s->port = -1;
	if (port && strcmp(port, "-1") != 0 && attr_decimal(p, n, "port", 0, 65535, &v))
		s->port = (int)v;
	if (tls && strcmp(tls, "-1") != 0 && attr_decimal(p, n, "tlsPort", 1, 65535, &v))
		s->tls_port = (int)v;
	/* A TLS port alone: no plain one, as libvirt. */
	if (!port && s->tls_port > 0)
		s->port = 0;
	enum tristate autoport = attr_yesno(p, n, "autoport");
	if (autoport == TRI_ON) {
		s->port = -1;
		s->tls_port = 0; /* libvirt allocates one only with spice_tls */
	}
}

/* After <listen>: autoport='no' needs a port where SPICE listens on TCP,
 * unless with GL, which is local: then no port (port=0, as libvirt). */
static void spice_port_given(struct parser *p, const xmlNode *n, struct spice *s)
{
	bool tcp = s->listen_type == LISTEN_ADDRESS;
	if (attr_yesno(p, n, "autoport") == TRI_OFF && s->port < 0 &&
	    s->tls_port <= 0 && tcp) {
		if (!s->gl) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "autoport='no' without a port; expected port='5900' or above");
			return;
		}
		s->port = 0;
	}
	if (s->gl && tcp && (s->port != 0 || s->tls_port > 0))
		unsupported(p, n, "SPICE with <gl enable='yes'/> on a TCP port: Debian 12's spice-server (0.15.1) serves GL only to local clients, and QEMU 7.2 refuses it with a port; expected autoport='no' without port=, or <listen type='none'/> or 'socket'");
}

void parse_spice(struct parser *p, const xmlNode *n)
{
	struct spice *s = &p->dom->desktop.spice;
	if (s->line) {
		duplicate(p, n);
		return;
	}
	static const char *const known[] = {
		"type", "port", "tlsPort", "autoport", "listen", "keymap",
		"defaultMode", "connected", NULL,
	};
	if (xml_attr(n, "passwd") || xml_attr(n, "passwdValidTo")) {
		unsupported(p, n, "a SPICE password needs a secret object and the monitor; sevqemu does not write passwords into a command line");
		return;
	}
	if (!known_attrs(p, n, known))
		return;
	s->line = xml_line(n);
	spice_ports(p, n, s);
	const char *listen = xml_attr(n, "listen");
	if (listen && *listen)
		s->listen = xstrdup(listen);
	int mode = attr_choice(p, n, "defaultMode", modes);
	if (mode > 0)
		s->default_mode = (enum spice_channel_mode)mode;
	if (xml_attr(n, "keymap"))
		diag_note(p->d, s->line, XML_TAG(n),
			  "keymap= ignored: a SPICE client sends scancodes; QEMU's -k is for VNC");
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "listen"))
			spice_listen(p, c, s);
		else if (xml_is(c, "channel"))
			spice_channel(p, c, s);
		else if (!spice_option(p, c, s))
			spice_switch(p, c, s);
	}
	if (!diag_failed(p->d))
		spice_port_given(p, n, s);
}

static const char *const sound_models[] = {
	"ich6", "ich9", "ac97", "es1370", "sb16", "usb",
	"pcspk", "ich7", "virtio", NULL,
};

/* <codec type=...> of an HDA controller. */
static void sound_codec(struct parser *p, const xmlNode *c, struct sound *snd)
{
	static const char *const types[] = { "duplex", "micro", "output", NULL };
	static const char *const devices[] = { "hda-duplex", "hda-micro", "hda-output" };
	static const char *const known[] = { "type", NULL };
	if (snd->model != SOUND_ICH6 && snd->model != SOUND_ICH9) {
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "a codec on model='%s', which is not an HD Audio controller; expected codecs only with ich6 or ich9",
			   sound_models[snd->model]);
		return;
	}
	int t = known_attrs(p, c, known) && attr_required(p, c, "type")
		? attr_choice(p, c, "type", types) : -2;
	if (t < 0)
		return;
	if (snd->ncodecs == sizeof(snd->codecs) / sizeof(*snd->codecs)) {
		unsupported(p, c, "sevqemu translates up to 4 codecs on one controller");
		return;
	}
	snd->codecs[snd->ncodecs++] = devices[t];
}

void parse_sound(struct parser *p, const xmlNode *n)
{
	struct desktop *dt = &p->dom->desktop;
	static const char *const known[] = { "model", NULL };
	if (!known_attrs(p, n, known) || !attr_required(p, n, "model"))
		return;
	int model = attr_choice(p, n, "model", sound_models);
	if (model < 0)
		return;
	if (model >= 6) {
		refuse(p, n, "model='%s' is not supported: %s; expected ich9, ich6, ac97, es1370, sb16 or usb",
		       sound_models[model],
		       model == 8 ? "virtio-sound-pci came with QEMU 8.2"
		       : model == 7 ? "QEMU has no ICH7 HD Audio controller"
				    : "the PC speaker needs the machine's pcspk-audiodev");
		return;
	}
	XGROW(dt->sounds, dt->nsounds, dt->sounds_alloc);
	struct sound *snd = &dt->sounds[dt->nsounds++];
	memset(snd, 0, sizeof(*snd));
	snd->line = xml_line(n);
	snd->model = (enum sound_model)model;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		uint64_t id;
		static const char *const audio_attrs[] = { "id", NULL };
		if (device_common_child(p, c, NULL))
			continue;
		if (xml_is(c, "codec"))
			sound_codec(p, c, snd);
		else if (!xml_is(c, "audio"))
			unsupported(p, c, NULL);
		else if (known_attrs(p, c, audio_attrs) && attr_required(p, c, "id") &&
			 attr_decimal(p, c, "id", 1, 65535, &id))
			snd->audio_id = (unsigned)id;
	}
}

void parse_redirdev(struct parser *p, const xmlNode *n)
{
	struct desktop *dt = &p->dom->desktop;
	static const char *const known[] = { "bus", "type", NULL };
	if (!known_attrs(p, n, known) || !attr_required(p, n, "bus") ||
	    !attr_required(p, n, "type"))
		return;
	if (strcmp(xml_attr(n, "bus"), "usb") != 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "bus='%s' is not valid; expected bus='usb'", xml_attr(n, "bus"));
		return;
	}
	bool dbus = strcmp(xml_attr(n, "type"), "dbus") == 0;
	if (strcmp(xml_attr(n, "type"), "spicevmc") != 0 && !dbus) {
		refuse(p, n, "type='%.40s' is not supported; expected type='spicevmc' (USB redirection through SPICE) or 'dbus' (through D-Bus graphics)",
		       xml_attr(n, "type"));
		return;
	}
	XGROW(dt->redirdevs, dt->nredirdevs, dt->redirdevs_alloc);
	struct redirdev *r = &dt->redirdevs[dt->nredirdevs++];
	memset(r, 0, sizeof(*r));
	r->line = xml_line(n);
	r->dbus = dbus;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c))
		if (!device_common_child(p, c, NULL))
			unsupported(p, c, NULL);
}

/* USB devices of the desktop against the machine's USB. */
static void check_usb_devices(struct parser *p, const struct domain *dom)
{
	bool usb_off = false;
	for (size_t i = 0; i < dom->ncontrollers; i++)
		if (dom->controllers[i].type == CTRL_USB &&
		    dom->controllers[i].model == CTRL_USB_NONE)
			usb_off = true;
	const struct desktop *dt = &dom->desktop;
	unsigned line = dt->nredirdevs ? dt->redirdevs[0].line : 0;
	for (size_t i = 0; i < dt->nsounds && !line; i++)
		if (dt->sounds[i].model == SOUND_USB)
			line = dt->sounds[i].line;
	if (line && usb_off) {
		diag_error(p->d, EXIT_DATAERR, line, dt->nredirdevs ? "<redirdev>" : "<sound>",
			   "a USB device, but <controller type='usb' model='none'> turns USB off; expected a USB controller");
		return;
	}
	for (size_t i = 0; i < dt->nredirdevs; i++) {
		const struct redirdev *r = &dt->redirdevs[i];
		if (!r->dbus && !dt->spice.line) {
			diag_error(p->d, EXIT_DATAERR, r->line, "<redirdev>",
				   "type='spicevmc' redirects USB through SPICE, and the domain has no <graphics type='spice'>; expected SPICE graphics");
			return;
		}
		if (r->dbus && dt->display.kind != DISPLAY_DBUS) {
			diag_error(p->d, EXIT_DATAERR, r->line, "<redirdev>",
				   "type='dbus' redirects USB through D-Bus graphics, and the domain has no <graphics type='dbus'>; expected D-Bus graphics");
			return;
		}
	}
}

/* The implicit <audio> libvirt adds for sound cards (spice with SPICE
 * graphics, else none). */
static void implicit_audio(struct parser *p, struct desktop *dt)
{
	XGROW(dt->audios, dt->naudios, dt->audios_alloc);
	struct audio *a = &dt->audios[dt->naudios++];
	memset(a, 0, sizeof(*a));
	a->line = dt->sounds[0].line;
	a->id = 1;
	a->type = dt->spice.line ? AUDIO_SPICE : AUDIO_NONE;
	a->dsp_policy = -1;
	a->implicit = true;
	diag_note(p->d, a->line, "<sound>", "no <audio>: type='%s', the backend libvirt adds",
		  dt->spice.line ? "spice" : "none");
}

/* An <audio id='N'/> child (of a display or sound card) at LINE names an
 * <audio> of the domain. */
static bool audio_named(struct parser *p, const struct domain *dom, unsigned id,
			unsigned line, const char *element)
{
	if (!id || find_audio(dom, id))
		return true;
	diag_error(p->d, EXIT_DATAERR, line, element,
		   "<audio id='%u'/> names no <audio> of the domain; expected the id of one", id);
	return false;
}

/* The backends: what needs SPICE has it, every <audio id> names one, and
 * the SDL backends agree on SDL's one audio driver. */
static void check_audio(struct parser *p, struct domain *dom)
{
	struct desktop *dt = &dom->desktop;
	if (dt->nsounds && !dt->naudios)
		implicit_audio(p, dt);
	const char *sdl = NULL;
	for (size_t i = 0; i < dt->naudios; i++) {
		const struct audio *a = &dt->audios[i];
		if (a->type == AUDIO_SPICE && !dt->spice.line) {
			diag_error(p->d, EXIT_DATAERR, a->line, "<audio>",
				   "type='spice' plays through SPICE, and the domain has no <graphics type='spice'>; expected SPICE graphics or another type");
			return;
		}
		if (a->sdl_driver && sdl && strcmp(sdl, a->sdl_driver) != 0) {
			diag_error(p->d, EXIT_DATAERR, a->line, "<audio>",
				   "driver='%s', and another SDL <audio> has driver='%s'; expected one SDL audio driver (QEMU's SDL_AUDIODRIVER)",
				   a->sdl_driver, sdl);
			return;
		}
		if (a->sdl_driver)
			sdl = a->sdl_driver;
	}
	const struct graphics *g = &dom->misc.graphics;
	const struct display *d = &dt->display;
	if (!audio_named(p, dom, g->audio_id, g->audio_line, "<audio>") ||
	    !audio_named(p, dom, d->audio_id, d->audio_line, "<audio>"))
		return;
	for (size_t i = 0; i < dt->nsounds; i++)
		if (!audio_named(p, dom, dt->sounds[i].audio_id, dt->sounds[i].line, "<sound>"))
			return;
}

void check_desktop(struct parser *p)
{
	struct domain *dom = p->dom;
	const struct spice *s = &dom->desktop.spice;
	for (size_t i = 0; i < dom->nchardevs; i++)
		if (dom->chardevs[i].backend == CHR_SPICEVMC && !s->line) {
			diag_error(p->d, EXIT_DATAERR, dom->chardevs[i].line, "<channel>",
				   "type='spicevmc' is SPICE's agent channel, and the domain has no <graphics type='spice'>; expected SPICE graphics");
			return;
		}
	bool secure = s->default_mode == SPICE_SECURE;
	for (size_t i = 0; i < s->nchannels; i++)
		secure = secure || s->channels[i].mode == SPICE_SECURE;
	if (s->line && secure && s->tls_port <= 0) {
		diag_error(p->d, EXIT_DATAERR, s->line, "<graphics>",
			   "secure SPICE channels need TLS, and there is no tlsPort=; expected tlsPort='N'");
		return;
	}
	check_usb_devices(p, dom);
	if (!diag_failed(p->d))
		check_audio(p, dom);
}

void free_desktop(struct domain *d)
{
	free(d->desktop.spice.listen);
	free(d->desktop.sounds);
	free(d->desktop.redirdevs);
	free_audios(d);
	free_display(d);
	free(d->desktop.spice.rendernode);
	memset(&d->desktop, 0, sizeof(d->desktop));
}
