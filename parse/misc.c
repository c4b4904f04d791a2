/* The other devices: vsock, video, input, balloon, rng, watchdog, panic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

#define CID_MAX 0xfffffffeu /* 0xffffffff is VMADDR_CID_ANY */

static void parse_vsock(struct parser *p, const xmlNode *n)
{
	struct vsock *v = &p->dom->misc.vsock;
	if (v->line) {
		duplicate(p, n);
		return;
	}
	static const char *const known[] = { "model", NULL };
	if (!known_attrs(p, n, known))
		return;
	if (!parse_virtio_model(xml_attr(n, "model"), &v->virtio) ||
	    v->virtio.flavour == VIRTIO_TRANSITIONAL) {
		unsupported(p, n, "only model='virtio' or 'virtio-non-transitional' vsock is supported (QEMU's vhost-vsock-pci has no transitional variant)");
		return;
	}
	v->line = xml_line(n);
	bool have_cid = false;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (device_common_child(p, c, &v->virtio))
			continue;
		if (!xml_is(c, "cid")) {
			unsupported(p, c, NULL);
			break;
		}
		if (have_cid) {
			duplicate(p, c);
			break;
		}
		have_cid = true;
		static const char *const cid_attrs[] = { "auto", "address", NULL };
		if (!known_attrs(p, c, cid_attrs))
			break;
		if (attr_yesno(p, c, "auto") == TRI_ON) {
			/* Valid XML that only a daemon can honour: unsupported. */
			diag_error(p->d, EXIT_UNAVAILABLE, xml_line(c), XML_TAG(c),
				   "auto='yes' asks libvirt's daemon to pick a free CID, which sevqemu cannot do; expected auto='no' address='N' with N from 3 to %u",
				   CID_MAX);
			break;
		}
		const char *addr = xml_attr(c, "address");
		uint64_t cid;
		if (!addr)
			diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
				   "has no address=; expected auto='no' address='N' with N from 3 to %u",
				   CID_MAX);
		else if (strcmp(addr, "0") == 0 || strcmp(addr, "1") == 0 ||
			 strcmp(addr, "2") == 0)
			diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
				   "address='%s' is reserved (0: hypervisor, 1: loopback, 2: host); expected 3 to %u",
				   addr, CID_MAX);
		else if (attr_decimal(p, c, "address", 3, CID_MAX, &cid))
			v->cid = (uint32_t)cid;
	}
	if (!diag_failed(p->d) && !have_cid)
		diag_error(p->d, EXIT_DATAERR, v->line, XML_TAG(n),
			   "has no <cid>; expected e.g. <cid auto='no' address='3'/>");
}

static const char *const video_models[] = {
	"virtio", "vga", "bochs", "cirrus", "qxl", "ramfb", "none", NULL,
};

static bool kib_attr(struct parser *p, const xmlNode *n, const char *name,
		     uint64_t *out)
{
	if (!xml_attr(n, name))
		return true;
	return attr_decimal(p, n, name, 1, 0x3fffffffu, out);
}

/* False when the card is dropped (--ignore-unsupported). */
static bool parse_video_model(struct parser *p, const xmlNode *c, struct video *v)
{
	static const char *const known[] = {
		"type", "vram", "heads", "primary", "ram", "vgamem", "vram64", "blob", NULL,
	};
	if (!known_attrs(p, c, known) || !attr_required(p, c, "type"))
		return true;
	const char *type = xml_attr(c, "type");
	if (!in_list(type, video_models)) {
		static const char *const libvirt_models[] = {
			"vmvga", "xen", "vbox", "gop", NULL,
		};
		if (in_list(type, libvirt_models))
			unsupported(p, c, "this video model is not supported; expected virtio, vga, bochs, cirrus, qxl, ramfb or none");
		else
			diag_error(p->d, EXIT_UNAVAILABLE, xml_line(c), XML_TAG(c),
				   "type='%s' is not a video model sevqemu knows; expected virtio, vga, bochs, cirrus, qxl, ramfb or none",
				   type);
		return false;
	}
	for (int i = 0; video_models[i]; i++)
		if (strcmp(type, video_models[i]) == 0) {
			v->model = (enum video_model)i;
			v->model_name = video_models[i];
		}
	uint64_t heads = 0;
	if (xml_attr(c, "heads") && !attr_decimal(p, c, "heads", 1, 16, &heads))
		return true;
	v->heads = (unsigned)heads;
	v->primary = attr_yesno(p, c, "primary") == TRI_ON;
	if (!kib_attr(p, c, "vram", &v->vram) || !kib_attr(p, c, "ram", &v->ram) ||
	    !kib_attr(p, c, "vgamem", &v->vgamem) ||
	    !kib_attr(p, c, "vram64", &v->vram64))
		return true;
	for (xmlNode *k = xml_first_element(c); k && !diag_failed(p->d);
	     k = xml_next_element(k))
		video_model_child(p, k, v);
	v->blob = attr_onoff(p, c, "blob");
	/* libvirt's rule: these three size only a qxl card. */
	const char *qxl_only = v->ram ? "ram" : v->vgamem ? "vgamem" : v->vram64 ? "vram64" : NULL;
	if (qxl_only && v->model != VIDEO_QXL)
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "%s= on type='%s'; expected it only with type='qxl'",
			   qxl_only, type);
	return true;
}

static void parse_video(struct parser *p, const xmlNode *n)
{
	struct devices_misc *m = &p->dom->misc;
	static const char *const none[] = { NULL };
	if (!known_attrs(p, n, none))
		return;
	XGROW(m->videos, m->nvideos, m->videos_alloc);
	struct video *v = &m->videos[m->nvideos++];
	memset(v, 0, sizeof(*v));
	v->line = xml_line(n);
	bool have_model = false;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "driver") && video_driver_name(p, c, v))
			continue;
		if (device_common_child(p, c, &v->virtio))
			continue;
		if (!xml_is(c, "model")) {
			unsupported(p, c, NULL);
		} else if (have_model) {
			duplicate(p, c);
		} else {
			have_model = true;
			if (!parse_video_model(p, c, v)) {
				free(v->rendernode);
				m->nvideos--; /* dropped */
				return;
			}
		}
	}
	if (!diag_failed(p->d) && !have_model)
		diag_error(p->d, EXIT_DATAERR, v->line, XML_TAG(n),
			   "has no <model type=...>; expected e.g. <model type='virtio'/>");
	if (!diag_failed(p->d) && virtio_driver_given(&v->virtio) && v->model != VIDEO_VIRTIO)
		diag_error(p->d, EXIT_DATAERR, v->line, XML_TAG(n),
			   "<driver> virtio options on a %s card, which is not virtio; expected them only with type='virtio'",
			   v->model_name);
	/* vhost-user-gpu is a virtio GPU, as libvirt checks. */
	if (!diag_failed(p->d) && v->vhostuser && v->model != VIDEO_VIRTIO)
		diag_error(p->d, EXIT_DATAERR, v->line, XML_TAG(n),
			   "<driver name='vhostuser'> on a %s card; expected it only with type='virtio' (vhost-user-gpu is a virtio GPU)",
			   v->model_name);
}

/* <source evdev='/dev/input/...'/> of a passthrough input. */
static void parse_input_source(struct parser *p, const xmlNode *c,
			       struct input *in)
{
	static const char *const known[] = { "evdev", NULL };
	if (in->evdev) {
		duplicate(p, c);
		return;
	}
	const char *path = known_attrs(p, c, known) ? attr_required(p, c, "evdev") : NULL;
	if (path && path[0] != '/')
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "evdev='%s' is not absolute; expected the host's event device, e.g. '/dev/input/event0'",
			   path);
	else if (path)
		in->evdev = xstrdup(path);
}

static void parse_input(struct parser *p, const xmlNode *n)
{
	struct devices_misc *m = &p->dom->misc;
	static const char *const known[] = { "type", "bus", NULL };
	if (!known_attrs(p, n, known) || !attr_required(p, n, "type"))
		return;
	static const char *const types[] = { "tablet", "mouse", "keyboard", "passthrough", "evdev", NULL };
	int t = attr_choice(p, n, "type", types);
	if (t < 0)
		return;
	if (t == 4) {
		unsupported(p, n, "type='evdev' (a host device grabbed for the display) is not supported; expected type='tablet', 'mouse', 'keyboard' or 'passthrough'");
		return;
	}
	static const char *const buses[] = { "usb", "virtio", "ps2", "xen", "none", NULL };
	int bus = attr_choice(p, n, "bus", buses);
	if (bus == -2)
		return;
	if (bus >= 3) {
		unsupported(p, n, "only bus='usb', 'virtio' and 'ps2' inputs are supported");
		return;
	}
	if (bus == -1) /* libvirt's defaults on x86 */
		bus = t == 0 ? 0 : t == 3 ? 1 : 2;
	if (t == 3 && bus != 1) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "type='passthrough' on bus='%s'; expected bus='virtio', the only bus a host event device goes through",
			   buses[bus]);
		return;
	}
	if (t == 0 && bus == 2) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "a tablet on bus='ps2', which has only mice and keyboards; expected bus='usb' or 'virtio'");
		return;
	}
	XGROW(m->inputs, m->ninputs, m->inputs_alloc);
	struct input *in = &m->inputs[m->ninputs++];
	memset(in, 0, sizeof(*in));
	in->line = xml_line(n);
	in->type = xstrdup(types[t]);
	in->bus = xstrdup(buses[bus]);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (t == 3 && xml_is(c, "source"))
			parse_input_source(p, c, in);
		else if (!device_common_child(p, c, bus == 1 ? &in->virtio : NULL))
			unsupported(p, c, NULL);
	}
	if (!diag_failed(p->d) && t == 3 && !in->evdev)
		diag_error(p->d, EXIT_DATAERR, in->line, XML_TAG(n),
			   "type='passthrough' has no <source evdev=...>; expected the host's event device, e.g. <source evdev='/dev/input/event0'/>");
}

static void parse_balloon(struct parser *p, const xmlNode *n)
{
	struct devices_misc *m = &p->dom->misc;
	static const char *const known[] = { "model", "autodeflate", "freePageReporting", NULL };
	if (!known_attrs(p, n, known) || !attr_required(p, n, "model"))
		return;
	const char *model = xml_attr(n, "model");
	if (strcmp(model, "none") == 0) {
		m->balloon_none = true;
		return;
	}
	if (!parse_virtio_model(model, &m->balloon_virtio)) {
		unsupported(p, n, "only model='virtio', 'virtio-transitional', 'virtio-non-transitional' (or 'none') balloons are supported");
		return;
	}
	if (m->balloon_line) {
		duplicate(p, n);
		return;
	}
	m->balloon_line = xml_line(n);
	m->balloon_autodeflate = attr_onoff(p, n, "autodeflate");
	m->balloon_free_page_reporting = attr_onoff(p, n, "freePageReporting");
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (device_common_child(p, c, &m->balloon_virtio))
			continue;
		if (!xml_is(c, "stats")) {
			unsupported(p, c, NULL);
			continue;
		}
		static const char *const stats[] = { "period", NULL };
		if (known_attrs(p, c, stats) && attr_required(p, c, "period"))
			attr_decimal(p, c, "period", 0, 0x7fffffff, &m->balloon_stats_period);
	}
}

static void free_rng_egd(struct rng *r)
{
	if (r->egd)
		chardev_release(r->egd);
	free(r->egd);
	r->egd = NULL;
}

/* <backend model='egd' type=...>: a chardev to an entropy daemon; false
 * when dropped (--ignore-unsupported). */
static bool parse_rng_egd(struct parser *p, const xmlNode *n, struct rng *r)
{
	static const char *const known[] = { "model", "type", NULL };
	free_rng_egd(r); /* a duplicate <backend> is already an error */
	struct chardev *c = xcalloc(1, sizeof(*c));
	c->kind = CHR_RNG;
	c->line = xml_line(n);
	r->egd = c;
	if (!known_attrs(p, n, known) || !chardev_type(p, n, c))
		return diag_failed(p->d);
	struct chardev_seen seen = { 0 };
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k)) {
		if (!chardev_backend_child(p, k, c, &seen))
			unsupported(p, k, NULL);
	}
	chardev_backend_end(p, n, c, &seen);
	return true;
}

/* False when the backend, and so the rng, is dropped (--ignore-unsupported). */
static bool parse_rng_backend(struct parser *p, const xmlNode *c, struct rng *r)
{
	const char *model = attr_required(p, c, "model");
	if (!model)
		return true;
	if (strcmp(model, "egd") == 0)
		return parse_rng_egd(p, c, r);
	static const char *const known[] = { "model", NULL };
	if (!known_attrs(p, c, known))
		return true;
	if (strcmp(model, "builtin") == 0) {
		r->builtin = true;
	} else if (strcmp(model, "random") == 0) {
		char *path = xml_text(c, p->d);
		if (path && !*path) {
			free(path);
			path = xstrdup("/dev/urandom"); /* libvirt's default */
		}
		r->source = path;
	} else {
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "model='%s' is not valid; expected 'random', 'builtin' or 'egd'", model);
	}
	return true;
}

static void parse_rng(struct parser *p, const xmlNode *n)
{
	struct devices_misc *m = &p->dom->misc;
	static const char *const known[] = { "model", NULL };
	if (!known_attrs(p, n, known) || !attr_required(p, n, "model"))
		return;
	struct virtio_driver vd = { 0 };
	if (!parse_virtio_model(xml_attr(n, "model"), &vd)) {
		unsupported(p, n, "only model='virtio', 'virtio-transitional' or 'virtio-non-transitional' rngs are supported");
		return;
	}
	XGROW(m->rngs, m->nrngs, m->rngs_alloc);
	struct rng *r = &m->rngs[m->nrngs++];
	memset(r, 0, sizeof(*r));
	r->virtio = vd;
	r->line = xml_line(n);
	bool have_backend = false, have_rate = false;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (device_common_child(p, c, &r->virtio))
			continue;
		if (xml_is(c, "backend")) {
			if (have_backend)
				duplicate(p, c);
			have_backend = true;
			if (!parse_rng_backend(p, c, r)) {
				free(r->source);
				free_rng_egd(r);
				m->nrngs--;
				return;
			}
		} else if (xml_is(c, "rate")) {
			static const char *const rate[] = { "bytes", "period", NULL };
			if (have_rate)
				duplicate(p, c);
			have_rate = true;
			/* libvirt: the period is 1000 ms unless given. */
			r->rate_period = 1000;
			if (known_attrs(p, c, rate) && attr_required(p, c, "bytes") &&
			    attr_decimal(p, c, "bytes", 1, UINT64_MAX, &r->rate_bytes) &&
			    xml_attr(c, "period"))
				attr_decimal(p, c, "period", 1, UINT32_MAX, &r->rate_period);
		} else {
			unsupported(p, c, NULL);
		}
	}
	if (!diag_failed(p->d) && !have_backend)
		diag_error(p->d, EXIT_DATAERR, r->line, XML_TAG(n),
			   "has no <backend>; expected <backend model='random'>/dev/urandom</backend>");
}

static void parse_watchdog(struct parser *p, const xmlNode *n)
{
	struct devices_misc *m = &p->dom->misc;
	static const char *const known[] = { "model", "action", NULL };
	if (!known_attrs(p, n, known) || !attr_required(p, n, "model"))
		return;
	static const char *const models[] = { "i6300esb", "itco", "ib700", "diag288", NULL };
	int model = attr_choice(p, n, "model", models);
	if (model < 0)
		return;
	if (model == 3) {
		unsupported(p, n, "model='diag288' is s390's watchdog; expected 'i6300esb', 'ib700' or 'itco' on x86");
		return;
	}
	static const char *const actions[] = {
		"reset", "shutdown", "poweroff", "pause", "none", "inject-nmi", "dump", NULL,
	};
	int action = attr_choice(p, n, "action", actions);
	if (action == -2)
		return;
	if (action == 6) {
		unsupported(p, n, "action='dump' needs libvirt's daemon to write the dump; expected reset, shutdown, poweroff, pause, none or inject-nmi");
		return;
	}
	if (m->watchdog_line) {
		unsupported(p, n, "sevqemu translates one <watchdog>");
		return;
	}
	m->watchdog_line = xml_line(n);
	m->watchdog_model = xstrdup(models[model]);
	if (action >= 0)
		m->watchdog_action = xstrdup(actions[action]);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c))
		if (!device_common_child(p, c, NULL))
			unsupported(p, c, NULL);
}

static void parse_panic(struct parser *p, const xmlNode *n)
{
	struct devices_misc *m = &p->dom->misc;
	static const char *const known[] = { "model", NULL };
	if (!known_attrs(p, n, known))
		return;
	static const char *const models[] = { "isa", "pvpanic", "hyperv", "s390", "pseries", NULL };
	int model = attr_choice(p, n, "model", models);
	if (model == -2)
		return;
	if (model == 2) { /* Hyper-V's crash MSRs, beside a panic device */
		if (m->panic_hyperv_line) {
			duplicate(p, n);
			return;
		}
		m->panic_hyperv_line = xml_line(n);
		for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
		     c = xml_next_element(c))
			if (!device_common_child(p, c, NULL))
				unsupported(p, c, NULL);
		return;
	}
	if (model >= 3) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "model='%s' is not an x86 panic device; expected 'isa', 'pvpanic' or 'hyperv'",
			   models[model]);
		return;
	}
	if (m->panic_line) {
		unsupported(p, n, "sevqemu translates one <panic>");
		return;
	}
	m->panic_line = xml_line(n);
	m->panic_model = xstrdup(models[model < 0 ? 0 : model]);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		const char *iobase = xml_is(c, "address") ? xml_attr(c, "iobase") : NULL;
		if (iobase && model <= 0) {
			char *end;
			unsigned long port = strtoul(iobase, &end, 0);
			if (*end || port == 0 || port > 0xffff)
				diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
					   "iobase='%s' is not valid; expected an I/O port like 0x505",
					   iobase);
			m->panic_iobase = port;
		} else if (!device_common_child(p, c, NULL)) {
			unsupported(p, c, NULL);
		}
	}
}

void parse_misc_device(struct parser *p, const xmlNode *n)
{
	if (xml_is(n, "vsock"))
		parse_vsock(p, n);
	else if (xml_is(n, "video"))
		parse_video(p, n);
	else if (xml_is(n, "input"))
		parse_input(p, n);
	else if (xml_is(n, "memballoon"))
		parse_balloon(p, n);
	else if (xml_is(n, "rng"))
		parse_rng(p, n);
	else if (xml_is(n, "watchdog"))
		parse_watchdog(p, n);
	else if (xml_is(n, "panic"))
		parse_panic(p, n);
	else
		unsupported(p, n, NULL);
}

/* One primary video (the first with primary='yes', else the first), and
 * secondary ones that can be secondary. */
static void check_videos(struct parser *p, struct devices_misc *m)
{
	size_t primaries = 0;
	for (size_t i = 0; i < m->nvideos && !diag_failed(p->d); i++) {
		const struct video *v = &m->videos[i];
		if (v->model == VIDEO_NONE && m->nvideos > 1)
			diag_error(p->d, EXIT_DATAERR, v->line, "<video>",
				   "type='none' beside other videos; expected it alone");
		else if (v->primary && ++primaries > 1)
			diag_error(p->d, EXIT_DATAERR, v->line, "<video>",
				   "a second primary='yes'; expected one primary video");
		else if (v->primary && primaries == 1)
			m->primary_video = i;
	}
	for (size_t i = 0; i < m->nvideos && !diag_failed(p->d); i++) {
		const struct video *v = &m->videos[i];
		if (i != m->primary_video && v->model != VIDEO_VIRTIO &&
		    v->model != VIDEO_QXL)
			diag_error(p->d, EXIT_DATAERR, v->line, "<video>",
				   "a %s card can only be the primary video; expected a secondary type='virtio' or 'qxl'",
				   v->model_name);
	}
}

/*
 * The devices libvirt adds when the XML does not name them: a virtio
 * balloon (unless <memballoon model='none'/>), and for a graphics device
 * without <video> the default card, cirrus (what libvirt picks when QEMU
 * has cirrus-vga).  The PS/2 mouse and keyboard libvirt adds are part of
 * the pc and q35 machines: nothing to add.
 */
static void implicit_devices(struct parser *p, struct domain *dom)
{
	struct devices_misc *m = &dom->misc;
	if (!m->balloon_line && !m->balloon_none) {
		m->balloon_line = dom->line;
		m->balloon_implicit = true;
		diag_note(p->d, dom->line, "<domain>",
			  "no <memballoon>: a virtio balloon, as libvirt adds it (<memballoon model='none'/> leaves it out)");
	}
	unsigned graphics = m->graphics.line ? m->graphics.line
			    : dom->desktop.spice.line ? dom->desktop.spice.line
						      : dom->desktop.display.line;
	if (graphics && !m->nvideos) {
		XGROW(m->videos, m->nvideos, m->videos_alloc);
		m->videos[m->nvideos++] = (struct video){
			.line = graphics,
			.model = VIDEO_CIRRUS,
			.model_name = "cirrus",
			.implicit = true,
		};
		diag_note(p->d, graphics, "<graphics>",
			  "no <video>: a cirrus card, libvirt's default (<video><model type='none'/></video> leaves it out)");
	}
}

/* Whole-domain checks: the videos, the machine's watchdog. */
void check_misc(struct parser *p)
{
	struct domain *dom = p->dom;
	struct devices_misc *m = &dom->misc;
	implicit_devices(p, dom);
	check_virtio_models(p);
	check_videos(p, m);
	if (!diag_failed(p->d))
		check_video_details(p, dom);
	if (!diag_failed(p->d) && m->watchdog_line &&
	    strcmp(m->watchdog_model, "itco") == 0 && dom->os.family != MACHINE_Q35)
		diag_error(p->d, EXIT_DATAERR, m->watchdog_line, "<watchdog>",
			   "model='itco' is the TCO watchdog of q35's ICH9 chipset; expected model='i6300esb' on this machine");
}

void free_misc(struct domain *d)
{
	struct devices_misc *m = &d->misc;
	free(m->graphics.listen);
	free(m->graphics.keymap);
	free(m->graphics.share);
	for (size_t i = 0; i < m->nvideos; i++)
		free(m->videos[i].rendernode);
	free(m->videos);
	for (size_t i = 0; i < m->ninputs; i++) {
		free(m->inputs[i].type);
		free(m->inputs[i].bus);
		free(m->inputs[i].evdev);
	}
	free(m->inputs);
	for (size_t i = 0; i < m->nrngs; i++) {
		free(m->rngs[i].source);
		free_rng_egd(&m->rngs[i]);
	}
	free(m->rngs);
	free(m->watchdog_model);
	free(m->watchdog_action);
	free(m->panic_model);
	free(m->pstore.path); /* <pstore> (parse/pstore.c) lives in misc too */
	memset(m, 0, sizeof(*m));
}
