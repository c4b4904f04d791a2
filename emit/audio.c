/*
 * -audiodev: one per <audio>, in the XML's order, with the options
 * libvirt's qemu_command.c writes (its JSON objects "in" and "out" are
 * keyval's in. and out.).  Ids are "audio" and the backend's place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/build.h"

static const char *audio_driver(enum audio_type t)
{
	switch (t) {
	case AUDIO_NONE: return "none";
	case AUDIO_SPICE: return "spice";
	case AUDIO_ALSA: return "alsa";
	case AUDIO_OSS: return "oss";
	case AUDIO_FILE: return "wav";
	case AUDIO_DBUS: return "dbus";
	case AUDIO_PULSEAUDIO: return "pa";
	case AUDIO_SDL: return "sdl";
	case AUDIO_JACK: return "jack";
	}
	return "none";
}

const char *audio_ref(const struct domain *dom, unsigned id, char *buf, size_t size)
{
	const struct desktop *dt = &dom->desktop;
	size_t at = 0;
	while (id && at < dt->naudios && dt->audios[at].id != id)
		at++;
	snprintf(buf, size, "audio%zu", at < dt->naudios ? at : 0);
	return buf;
}

/* "in.KEY" or "out.KEY": the one place a direction's key is spelled. */
struct dir_key { char text[48]; };
static const char *dir_key(struct dir_key *k, const char *dir, const char *key)
{
	snprintf(k->text, sizeof(k->text), "%s.%s", dir, key);
	return k->text;
}

static void dir_u64(struct keyval *kv, const char *dir, const char *key, uint64_t v)
{
	struct dir_key k;
	if (v)
		kv_u64(kv, dir_key(&k, dir, key), v);
}

static void dir_bool(struct keyval *kv, const char *dir, const char *key, enum tristate v)
{
	struct dir_key k;
	if (v != TRI_DEFAULT)
		kv_bool(kv, dir_key(&k, dir, key), v == TRI_ON);
}

static void dir_str(struct keyval *kv, const char *dir, const char *key, const char *v)
{
	struct dir_key k;
	if (v)
		kv_str(kv, dir_key(&k, dir, key), v);
}

/* One direction's properties, in libvirt's order. */
static void audio_direction(struct keyval *kv, const char *dir, const struct audio_dir *d)
{
	dir_bool(kv, dir, "mixing-engine", d->mixing_engine);
	dir_bool(kv, dir, "fixed-settings", d->fixed_settings);
	dir_u64(kv, dir, "voices", d->voices);
	dir_u64(kv, dir, "buffer-length", d->buffer_length);
	if (d->fixed_settings == TRI_ON) {
		dir_u64(kv, dir, "frequency", d->frequency);
		dir_u64(kv, dir, "channels", d->channels);
		dir_str(kv, dir, "format", d->format);
	}
	dir_str(kv, dir, "dev", d->dev);
	dir_u64(kv, dir, "buffer-count", d->buffer_count);
	dir_bool(kv, dir, "try-poll", d->try_poll);
	dir_str(kv, dir, "name", d->name);
	dir_str(kv, dir, "stream-name", d->stream_name);
	dir_u64(kv, dir, "latency", d->latency);
	dir_str(kv, dir, "server-name", d->server_name);
	dir_str(kv, dir, "client-name", d->client_name);
	dir_str(kv, dir, "connect-ports", d->connect_ports);
	dir_bool(kv, dir, "exact-name", d->exact_name);
}

/* Every <audio>, used or not, as libvirt writes them; an SDL backend's
 * driver= is SDL's environment variable. */
void build_audiodev(struct build *b)
{
	const struct desktop *dt = &b->dom->desktop;
	for (size_t i = 0; i < dt->naudios; i++) {
		const struct audio *a = &dt->audios[i];
		char id[32];
		snprintf(id, sizeof(id), "audio%zu", i);
		struct keyval kv;
		kv_begin(&kv, audio_driver(a->type));
		kv_str(&kv, "id", id);
		if (a->timer_period)
			kv_u64(&kv, "timer-period", a->timer_period);
		if (a->path)
			kv_str(&kv, "path", a->path);
		if (a->server)
			kv_str(&kv, "server", a->server);
		if (a->try_mmap != TRI_DEFAULT)
			kv_bool(&kv, "try-mmap", a->try_mmap == TRI_ON);
		if (a->exclusive != TRI_DEFAULT)
			kv_bool(&kv, "exclusive", a->exclusive == TRI_ON);
		if (a->dsp_policy >= 0)
			kv_u64(&kv, "dsp-policy", (uint64_t)a->dsp_policy);
		audio_direction(&kv, "in", &a->in);
		audio_direction(&kv, "out", &a->out);
		kv_push(&kv, b->argv, "-audiodev");
		if (a->sdl_driver)
			argv_pushf(&b->plan->env, "SDL_AUDIODRIVER=%s", a->sdl_driver);
	}
}
