/*
 * The desktop: -spice, sound cards with their codecs,
 * USB redirection through SPICE.  Option names and values as libvirt's
 * qemu_command.c writes them for QEMU.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/build.h"

/* libvirt's default spice_tls_x509_cert_dir (qemu.conf). */
#define SPICE_X509_DIR "/etc/pki/libvirt-spice"

/* Where the SPICE server listens: addr= and the ports; false after an
 * error. */
static bool spice_where(struct build *b, const struct spice *s, struct keyval *kv)
{
	if (s->listen_type == LISTEN_NONE ||
	    (s->listen_type == LISTEN_ADDRESS && !s->port && s->tls_port <= 0)) {
		kv_u64(kv, "port", 0);
		return true;
	}
	if (s->listen_type == LISTEN_SOCKET) {
		kv_bool(kv, "unix", true);
		if (s->listen) {
			kv_str(kv, "addr", s->listen);
			return true;
		}
		const char *dir = plan_state_dir(b);
		if (!dir)
			return false;
		char *path = xasprintf("%s/spice.sock", dir);
		kv_str(kv, "addr", path);
		free(path);
		return true;
	}
	int port = s->port < 0 ? (int)b->host->spice_port : s->port;
	if (s->port < 0 && !port) {
		diag_error(b->d, EXIT_UNAVAILABLE, s->line, "<graphics>",
			   "autoport: no free TCP port from 5900 up on this host; expected port='N'");
		return false;
	}
	if (port > 0)
		kv_u64(kv, "port", (unsigned)port);
	if (s->tls_port > 0)
		kv_u64(kv, "tls-port", (unsigned)s->tls_port);
	kv_str(kv, "addr", s->listen ? s->listen : "127.0.0.1");
	return true;
}

void build_spice(struct build *b)
{
	const struct spice *s = &b->dom->desktop.spice;
	if (!s->line)
		return;
	struct keyval kv;
	kv_begin(&kv, NULL);
	if (!spice_where(b, s, &kv)) {
		kv_discard(&kv);
		return;
	}
	if (s->gl) {
		kv_bool(&kv, "gl", true);
		if (s->rendernode)
			kv_str(&kv, "rendernode", s->rendernode);
	}
	if (s->agent_mouse != TRI_DEFAULT)
		kv_bool(&kv, "agent-mouse", s->agent_mouse == TRI_ON);
	if (s->tls_port > 0)
		kv_str(&kv, "x509-dir", SPICE_X509_DIR);
	if (s->default_mode != SPICE_ANY)
		kv_str(&kv, s->default_mode == SPICE_SECURE ? "tls-channel" : "plaintext-channel",
		       "default");
	for (size_t i = 0; i < s->nchannels; i++)
		if (s->channels[i].mode != SPICE_ANY)
			kv_str(&kv, s->channels[i].mode == SPICE_SECURE ? "tls-channel"
					: "plaintext-channel", s->channels[i].name);
	static const struct { const char *key; size_t off; } opts[] = {
		{ "image-compression", offsetof(struct spice, image) },
		{ "jpeg-wan-compression", offsetof(struct spice, jpeg) },
		{ "zlib-glz-wan-compression", offsetof(struct spice, zlib) },
		{ "playback-compression", offsetof(struct spice, playback) },
		{ "streaming-video", offsetof(struct spice, streaming) },
	};
	for (size_t i = 0; i < sizeof(opts) / sizeof(*opts); i++) {
		const char *v = *(const char *const *)((const char *)s + opts[i].off);
		if (v)
			kv_str(&kv, opts[i].key, v);
	}
	if (s->no_copypaste)
		kv_bool(&kv, "disable-copy-paste", true);
	if (s->no_file_transfer)
		kv_bool(&kv, "disable-agent-file-xfer", true);
	kv_bool(&kv, "seamless-migration", true);
	kv_push(&kv, b->argv, "-spice");
}

static const char *sound_driver(enum sound_model model)
{
	switch (model) {
	case SOUND_ICH6: return "intel-hda";
	case SOUND_ICH9: return "ich9-intel-hda";
	case SOUND_AC97: return "AC97";
	case SOUND_ES1370: return "ES1370";
	case SOUND_SB16: return "sb16";
	case SOUND_USB: return "usb-audio";
	}
	return NULL;
}

/* An HD Audio controller's codecs: hda-duplex unless the XML names them. */
static void build_codecs(struct build *b, const struct sound *snd, const char *id)
{
	size_t n = snd->ncodecs ? snd->ncodecs : 1;
	for (size_t i = 0; i < n; i++) {
		char codec[64], bus[40];
		snprintf(codec, sizeof(codec), "%s-codec%zu", id, i);
		snprintf(bus, sizeof(bus), "%s.0", id);
		struct keyval kv;
		kv_begin(&kv, snd->ncodecs ? snd->codecs[i] : "hda-duplex");
		kv_str(&kv, "id", codec);
		kv_str(&kv, "bus", bus);
		kv_u64(&kv, "cad", i);
		char ref[32];
		kv_str(&kv, "audiodev", audio_ref(b->dom, snd->audio_id, ref, sizeof(ref)));
		build_push(b, &kv, "-device");
	}
}

void build_sounds(struct build *b)
{
	const struct desktop *dt = &b->dom->desktop;
	for (size_t i = 0; i < dt->nsounds && !diag_failed(b->d); i++) {
		const struct sound *snd = &dt->sounds[i];
		char id[32], bus[24];
		snprintf(id, sizeof(id), "sound%zu", i);
		struct keyval kv;
		kv_begin(&kv, sound_driver(snd->model));
		kv_str(&kv, "id", id);
		bool hda = snd->model == SOUND_ICH6 || snd->model == SOUND_ICH9;
		char ref[32];
		if (!hda)
			kv_str(&kv, "audiodev", audio_ref(b->dom, snd->audio_id, ref, sizeof(ref)));
		if (snd->model == SOUND_USB) {
			kv_str(&kv, "bus", controller_bus(CTRL_USB, 0, bus, sizeof(bus)));
		} else if (snd->model != SOUND_SB16 &&
			   !pci_place(b, &kv, snd->line, "<sound>")) {
			kv_discard(&kv);
			return;
		}
		build_push(b, &kv, "-device");
		if (hda)
			build_codecs(b, snd, id);
	}
}

void build_redirdevs(struct build *b)
{
	const struct desktop *dt = &b->dom->desktop;
	for (size_t i = 0; i < dt->nredirdevs; i++) {
		char id[32], charid[40], bus[24];
		snprintf(id, sizeof(id), "redir%zu", i);
		snprintf(charid, sizeof(charid), "charredir%zu", i);
		struct keyval kv;
		bool dbus = dt->redirdevs[i].dbus;
		kv_begin(&kv, dbus ? "dbus" : "spicevmc");
		kv_str(&kv, "id", charid);
		kv_str(&kv, "name", dbus ? "org.qemu.usbredir" : "usbredir");
		kv_push(&kv, b->argv, "-chardev");
		kv_begin(&kv, "usb-redir");
		kv_str(&kv, "chardev", charid);
		kv_str(&kv, "id", id);
		kv_str(&kv, "bus", controller_bus(CTRL_USB, 0, bus, sizeof(bus)));
		build_push(b, &kv, "-device");
	}
}
