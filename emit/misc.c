/* The other devices: vsock, graphics, video, input, balloon, rng,
 * watchdog, panic, audio. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/build.h"

/* -vnc HEAD: "host:display", "[v6]:display", "vnc=unix:path" or "none".
 * A socket path is given as the vnc= key, as libvirt does: as the implied
 * first value, an '=' in the path would make QEMU read it as a key. */
static char *vnc_head(struct build *b, const struct graphics *g)
{
	if (g->listen_type == LISTEN_NONE)
		return xstrdup("none");
	if (g->listen_type == LISTEN_SOCKET) {
		if (g->listen)
			return xasprintf("vnc=unix:%s", g->listen);
		const char *dir = plan_state_dir(b);
		return dir ? xasprintf("vnc=unix:%s/vnc.sock", dir) : NULL;
	}
	const char *host = g->listen ? g->listen : "127.0.0.1";
	bool v6 = strchr(host, ':') && host[0] != '[';
	return xasprintf("%s%s%s:%d", v6 ? "[" : "", host, v6 ? "]" : "",
			 g->port < 0 ? 0 : g->port - 5900);
}

void build_display(struct build *b)
{
	const struct devices_misc *m = &b->dom->misc;
	const struct graphics *g = &m->graphics;
	/* No <graphics>: no window either. */
	if (!g->line) {
		if (!b->dom->desktop.spice.line && !b->dom->desktop.display.line)
			argv_pair(b->argv, "-display", "none");
		return;
	}
	struct keyval kv;
	char *head = vnc_head(b, g);
	if (!head)
		return;
	kv_begin(&kv, head);
	free(head);
	if (g->listen_type == LISTEN_ADDRESS && g->port < 0)
		kv_u64(&kv, "to", 99); /* the first free display from 0 */
	if (g->share)
		kv_str(&kv, "share", g->share);
	if (g->power_control)
		kv_bool(&kv, "power-control", true);
	char ref[32];
	if (b->dom->desktop.naudios)
		kv_str(&kv, "audiodev", audio_ref(b->dom, g->audio_id, ref, sizeof(ref)));
	kv_push(&kv, b->argv, "-vnc");
	if (g->keymap)
		argv_pair(b->argv, "-k", g->keymap);
}

/* The slot emit/pci.c keeps for the primary video. */
static void primary_slot(struct build *b, struct keyval *kv)
{
	if (b->pci.family == MACHINE_Q35) {
		kv_str(kv, "bus", "pcie.0");
		kv_str(kv, "addr", "0x1");
	} else {
		kv_str(kv, "bus", "pci.0");
		kv_str(kv, "addr", "0x2");
	}
}

static const char *video_driver(const struct video *v, bool primary)
{
	switch (v->model) {
	case VIDEO_VIRTIO:
		if (v->vhostuser)
			return primary ? "vhost-user-vga" : "vhost-user-gpu-pci";
		if (v->accel3d)
			return primary ? "virtio-vga-gl" : "virtio-gpu-gl-pci";
		return primary ? "virtio-vga" : "virtio-gpu-pci";
	case VIDEO_VGA: return "VGA";
	case VIDEO_BOCHS: return "bochs-display";
	case VIDEO_CIRRUS: return "cirrus-vga";
	case VIDEO_QXL: return primary ? "qxl-vga" : "qxl";
	case VIDEO_RAMFB: return "ramfb";
	case VIDEO_NONE: break;
	}
	return NULL;
}

/* A qxl card's sizes with libvirt's defaults filled in: one head, 64 MiB
 * of ram and vram, no vram64, 16 MiB of VGA memory (KiB in the XML). */
static void qxl_sizes(const struct video *v, struct keyval *kv)
{
	kv_u64(kv, "max_outputs", v->heads ? v->heads : 1);
	kv_u64(kv, "ram_size", (v->ram ? v->ram : 65536) * 1024);
	kv_u64(kv, "vram_size", (v->vram ? v->vram : 65536) * 1024);
	kv_u64(kv, "vram64_size_mb", v->vram64 / 1024);
	kv_u64(kv, "vgamem_mb", (v->vgamem ? v->vgamem : 16384) / 1024);
}

/* vram= and heads= onto the card's own properties; false after an error. */
static bool video_sizes(struct build *b, const struct video *v, struct keyval *kv)
{
	if (v->model == VIDEO_QXL) {
		qxl_sizes(v, kv);
		return true;
	}
	if (v->heads > 1 && v->model != VIDEO_VIRTIO && v->model != VIDEO_QXL) {
		diag_error(b->d, EXIT_UNAVAILABLE, v->line, "<model>",
			   "heads='%u' on a %s card, which has one output; expected heads='1', or type='virtio' or 'qxl'",
			   v->heads, v->model_name);
		return false;
	}
	if (v->heads && (v->model == VIDEO_VIRTIO || v->model == VIDEO_QXL))
		kv_u64(kv, "max_outputs", v->heads);
	if (v->vram) {
		switch (v->model) {
		case VIDEO_QXL:
			kv_u64(kv, "vram_size", v->vram * 1024);
			break;
		case VIDEO_BOCHS:
			kv_u64(kv, "vgamem", v->vram * 1024);
			break;
		case VIDEO_VGA:
			if (v->vram % 1024 || v->vram > 512 * 1024) {
				diag_error(b->d, EXIT_DATAERR, v->line, "<model>",
					   "vram='%llu' is not whole MiB up to 512 MiB, as a VGA card's memory is; expected e.g. vram='16384'",
					   (unsigned long long)v->vram);
				return false;
			}
			kv_u64(kv, "vgamem_mb", v->vram / 1024);
			break;
		case VIDEO_RAMFB:
			diag_error(b->d, EXIT_UNAVAILABLE, v->line, "<model>",
				   "vram= on a ramfb display, whose framebuffer is guest RAM; expected no vram=");
			return false;
		default:
			/* libvirt passes no size for these either. */
			diag_note(b->d, v->line, "<model>",
				  "vram= ignored, as libvirt ignores it for a %s card",
				  v->model_name);
		}
	}
	if (v->ram)
		kv_u64(kv, "ram_size", v->ram * 1024);
	if (v->vgamem)
		kv_u64(kv, "vgamem_mb", v->vgamem / 1024);
	if (v->vram64)
		kv_u64(kv, "vram64_size_mb", v->vram64 / 1024);
	return true;
}

/* blob= and the resolution, after the sizes, as libvirt orders them. */
static void video_extras(const struct video *v, struct keyval *kv)
{
	if (v->blob != TRI_DEFAULT)
		kv_bool(kv, "blob", v->blob == TRI_ON);
	if (v->xres) {
		kv_u64(kv, "xres", v->xres);
		kv_u64(kv, "yres", v->yres);
	}
}

/*
 * The vhost-user-gpu serving card ID (libvirt's chr-vu-ID) as a helper
 * listening on ID-vhost-user-gpu.sock in the state dir, and the -chardev
 * QEMU connects to it with; the chardev's id, or NULL after an error.
 * libvirt passes one end of a socketpair (--fd); a socket path lets the
 * printed command line be run by hand too, as virtiofsd's does.
 */
static char *add_vhost_user_gpu(struct build *b, const struct video *v,
				const char *id)
{
	const char *dir = plan_state_dir(b);
	char name[48];
	snprintf(name, sizeof(name), "%s-vhost-user-gpu.sock", id);
	char *sock = dir ? state_dir_socket_path(b, dir, name, v->line, "<video>") : NULL;
	if (!sock)
		return NULL;
	char *stem = xasprintf("%s-vhost-user-gpu", id);
	struct plan_helper *h = plan_add_helper(b->plan, "vhost-user-gpu",
		&(struct helper_place){ "qemu-system-gui", "<video>", v->line,
					sock, dir, stem });
	free(stem);
	struct argv *a = &h->argv;
	argv_push(a, b->host->vhost_user_gpu ? b->host->vhost_user_gpu
		     : "vhost-user-gpu");
	argv_pushf(a, "--socket-path=%s", sock);
	/* libvirt's options: virgl for 3D, and the render node it uses. */
	if (v->accel3d)
		argv_push(a, "--virgl");
	if (v->rendernode)
		argv_pushf(a, "--render-node=%s", v->rendernode);
	char *chardev = xasprintf("chr-vu-%s", id);
	struct keyval kv;
	kv_begin(&kv, "socket");
	kv_str(&kv, "id", chardev);
	kv_str(&kv, "path", sock);
	kv_push(&kv, b->argv, "-chardev");
	return chardev;
}

static void build_video(struct build *b, const struct video *v, unsigned i,
			bool primary)
{
	const char *driver = video_driver(v, primary);
	if (!driver)
		return;
	char id[24];
	snprintf(id, sizeof(id), "video%u", i);
	char *chardev = NULL;
	if (v->vhostuser && !(chardev = add_vhost_user_gpu(b, v, id)))
		return;
	struct keyval kv;
	kv_begin(&kv, driver);
	/* ramfb is a sysbus device: no PCI slot. */
	if (v->model != VIDEO_RAMFB && primary) {
		primary_slot(b, &kv);
	} else if (v->model != VIDEO_RAMFB &&
		   !pci_place(b, &kv, v->line, "<video>")) {
		kv_discard(&kv);
		free(chardev);
		return;
	}
	kv_str(&kv, "id", id);
	if (!video_sizes(b, v, &kv)) {
		kv_discard(&kv);
		free(chardev);
		return;
	}
	video_extras(v, &kv);
	if (chardev)
		kv_str(&kv, "chardev", chardev);
	free(chardev);
	if (v->model == VIDEO_VIRTIO)
		virtio_options(b, &kv, &v->virtio, false);
	build_push(b, &kv, "-device");
}

static void build_videos(struct build *b)
{
	const struct devices_misc *m = &b->dom->misc;
	if (!m->nvideos)
		return;
	size_t primary = m->primary_video;
	/* The primary first, on the slot kept for it; then the rest. */
	build_video(b, &m->videos[primary], 0, true);
	unsigned n = 1;
	for (size_t i = 0; i < m->nvideos && !diag_failed(b->d); i++)
		if (i != primary)
			build_video(b, &m->videos[i], n++, false);
}

static void build_inputs(struct build *b)
{
	const struct devices_misc *m = &b->dom->misc;
	for (size_t i = 0; i < m->ninputs && !diag_failed(b->d); i++) {
		const struct input *in = &m->inputs[i];
		bool tablet = strcmp(in->type, "tablet") == 0;
		bool mouse = strcmp(in->type, "mouse") == 0;
		struct keyval kv;
		if (strcmp(in->bus, "ps2") == 0) {
			diag_note(b->d, in->line, "<input>",
				  "a PS/2 %s is built into the machine: no argument",
				  in->type);
			continue;
		}
		char id[32];
		snprintf(id, sizeof(id), "input%zu", i);
		if (strcmp(in->bus, "usb") == 0) {
			char bus[24];
			kv_begin(&kv, tablet ? "usb-tablet" : mouse ? "usb-mouse" : "usb-kbd");
			kv_str(&kv, "bus", controller_bus(CTRL_USB, 0, bus, sizeof(bus)));
			kv_str(&kv, "id", id);
		} else {
			kv_begin(&kv, in->evdev ? "virtio-input-host-pci"
				      : tablet ? "virtio-tablet-pci"
				      : mouse ? "virtio-mouse-pci" : "virtio-keyboard-pci");
			if (!pci_place(b, &kv, in->line, "<input>")) {
				kv_discard(&kv);
				return;
			}
			kv_str(&kv, "id", id);
			if (in->evdev)
				kv_str(&kv, "evdev", in->evdev);
			virtio_options(b, &kv, &in->virtio, false);
		}
		build_push(b, &kv, "-device");
	}
}

static void build_vsock(struct build *b)
{
	const struct vsock *v = &b->dom->misc.vsock;
	if (!v->line)
		return;
	struct keyval kv;
	virtio_begin(&kv, "vhost-vsock-pci", &v->virtio);
	if (!pci_place(b, &kv, v->line, "<vsock>")) {
		kv_discard(&kv);
		return;
	}
	kv_u64(&kv, "guest-cid", v->cid);
	kv_str(&kv, "id", "vsock0");
	virtio_options(b, &kv, &v->virtio, true);
	build_push(b, &kv, "-device");
}

static void build_balloon(struct build *b)
{
	const struct devices_misc *m = &b->dom->misc;
	if (!m->balloon_line)
		return;
	if (b->sev && m->balloon_implicit)
		diag_warn(b->d, m->balloon_line, "<domain>",
			  "no <memballoon>, so a virtio balloon as libvirt adds one; an encrypted guest's balloon cannot give memory back to the host (QEMU disables discarding guest RAM with SEV); add <memballoon model='none'/> to leave it out");
	else if (b->sev)
		diag_warn(b->d, m->balloon_line, "<memballoon>",
			  "an encrypted guest's balloon cannot give memory back to the host: QEMU disables discarding guest RAM with SEV; expected <memballoon model='none'/>");
	struct keyval kv;
	virtio_begin(&kv, "virtio-balloon-pci", &m->balloon_virtio);
	if (!pci_place(b, &kv, m->balloon_line, "<memballoon>")) {
		kv_discard(&kv);
		return;
	}
	kv_str(&kv, "id", "balloon0");
	if (m->balloon_autodeflate != TRI_DEFAULT)
		kv_bool(&kv, "deflate-on-oom", m->balloon_autodeflate == TRI_ON);
	if (m->balloon_free_page_reporting != TRI_DEFAULT)
		kv_bool(&kv, "free-page-reporting",
			m->balloon_free_page_reporting == TRI_ON);
	if (m->balloon_stats_period)
		kv_u64(&kv, "guest-stats-polling-interval", m->balloon_stats_period);
	virtio_options(b, &kv, &m->balloon_virtio, true);
	build_push(b, &kv, "-device");
}

static void build_rngs(struct build *b)
{
	const struct devices_misc *m = &b->dom->misc;
	for (size_t i = 0; i < m->nrngs && !diag_failed(b->d); i++) {
		const struct rng *r = &m->rngs[i];
		char id[32], devid[32];
		snprintf(id, sizeof(id), "rng%zu", i);
		snprintf(devid, sizeof(devid), "rngdev%zu", i);
		struct keyval kv;
		if (r->egd) {
			char charid[40];
			snprintf(charid, sizeof(charid), "char%s", id);
			if (!build_chardev_backend(b, r->egd, charid, id))
				return;
			kv_begin(&kv, "rng-egd");
			kv_str(&kv, "id", id);
			kv_str(&kv, "chardev", charid);
		} else {
			kv_begin(&kv, r->builtin ? "rng-builtin" : "rng-random");
			kv_str(&kv, "id", id);
			if (!r->builtin)
				kv_str(&kv, "filename", r->source);
		}
		build_push(b, &kv, "-object");
		virtio_begin(&kv, "virtio-rng-pci", &r->virtio);
		if (!pci_place(b, &kv, r->line, "<rng>")) {
			kv_discard(&kv);
			return;
		}
		kv_str(&kv, "rng", id);
		kv_str(&kv, "id", devid);
		if (r->rate_bytes) {
			kv_u64(&kv, "max-bytes", r->rate_bytes);
			kv_u64(&kv, "period", r->rate_period);
		}
		virtio_options(b, &kv, &r->virtio, true);
		build_push(b, &kv, "-device");
	}
}

static void build_watchdog(struct build *b)
{
	const struct devices_misc *m = &b->dom->misc;
	if (!m->watchdog_line)
		return;
	if (strcmp(m->watchdog_model, "itco") == 0) {
		/* q35's own TCO watchdog: let it reset the machine, as libvirt. */
		argv_pair(b->argv, "-global", "ICH9-LPC.noreboot=off");
	} else if (strcmp(m->watchdog_model, "ib700") == 0) {
		struct keyval kv; /* an ISA card */
		kv_begin(&kv, "ib700");
		kv_str(&kv, "id", "watchdog0");
		build_push(b, &kv, "-device");
	} else {
		struct keyval kv;
		kv_begin(&kv, "i6300esb");
		if (!pci_place(b, &kv, m->watchdog_line, "<watchdog>")) {
			kv_discard(&kv);
			return;
		}
		kv_str(&kv, "id", "watchdog0");
		build_push(b, &kv, "-device");
	}
	if (m->watchdog_action) {
		struct keyval kv;
		kv_begin(&kv, NULL);
		kv_str(&kv, "watchdog", m->watchdog_action);
		kv_push(&kv, b->argv, "-action");
	}
}

static void build_panic(struct build *b)
{
	const struct devices_misc *m = &b->dom->misc;
	if (!m->panic_line)
		return;
	struct keyval kv;
	if (strcmp(m->panic_model, "pvpanic") == 0) {
		kv_begin(&kv, "pvpanic-pci");
		if (!pci_place(b, &kv, m->panic_line, "<panic>")) {
			kv_discard(&kv);
			return;
		}
	} else {
		kv_begin(&kv, "pvpanic"); /* ISA, port 0x505 unless given */
		if (m->panic_iobase)
			kv_u64(&kv, "ioport", m->panic_iobase);
	}
	kv_str(&kv, "id", "panic0");
	build_push(b, &kv, "-device");
}

void build_misc(struct build *b)
{
	build_videos(b);
	if (!diag_failed(b->d))
		build_inputs(b);
	if (!diag_failed(b->d))
		build_vsock(b);
	if (!diag_failed(b->d))
		build_balloon(b);
	if (!diag_failed(b->d))
		build_rngs(b);
	if (!diag_failed(b->d))
		build_watchdog(b);
	if (!diag_failed(b->d))
		build_panic(b);
}
