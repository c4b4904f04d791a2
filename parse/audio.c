/*
 * <audio>: the host audio backends (each its own -audiodev) with their
 * per-direction <input>/<output> settings, as libvirt 10.x reads them.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"
#include "lib/xalloc.h"

static const char *const audio_types[] = {
	"none", "spice", "alsa", "oss", "file", "dbus", "pulseaudio", "sdl",
	"jack", "coreaudio", "pipewire", NULL,
};
#define AUDIO_TRANSLATED 9       /* audio_types[] below this index */

/* Which attributes each type adds to <audio> and to <input>/<output>. */
static const char *const *top_attrs(enum audio_type t)
{
	static const char *const common[] = { "id", "type", "timerPeriod", NULL };
	static const char *const file[] = { "id", "type", "timerPeriod", "path", NULL };
	static const char *const oss[] = {
		"id", "type", "timerPeriod", "tryMMap", "exclusive", "dspPolicy", NULL,
	};
	static const char *const pa[] = { "id", "type", "timerPeriod", "serverName", NULL };
	static const char *const sdl[] = { "id", "type", "timerPeriod", "driver", NULL };
	return t == AUDIO_FILE ? file : t == AUDIO_OSS ? oss
	       : t == AUDIO_PULSEAUDIO ? pa : t == AUDIO_SDL ? sdl : common;
}

static const char *const *dir_attrs(enum audio_type t)
{
#define DIR_COMMON "mixingEngine", "fixedSettings", "voices", "bufferLength"
	static const char *const common[] = { DIR_COMMON, NULL };
	static const char *const alsa[] = { DIR_COMMON, "dev", NULL };
	static const char *const oss[] = { DIR_COMMON, "dev", "bufferCount", "tryPoll", NULL };
	static const char *const pa[] = { DIR_COMMON, "name", "streamName", "latency", NULL };
	static const char *const sdl[] = { DIR_COMMON, "bufferCount", NULL };
	static const char *const jack[] = {
		DIR_COMMON, "serverName", "clientName", "connectPorts", "exactName", NULL,
	};
#undef DIR_COMMON
	return t == AUDIO_ALSA ? alsa : t == AUDIO_OSS ? oss
	       : t == AUDIO_PULSEAUDIO ? pa : t == AUDIO_SDL ? sdl
	       : t == AUDIO_JACK ? jack : common;
}

/* A string attribute into *SLOT when given and not empty. */
static void attr_string(const xmlNode *n, const char *name, char **slot)
{
	const char *v = xml_attr(n, name);
	if (v && *v)
		*slot = xstrdup(v);
}

/* <settings frequency channels format>. */
static void parse_settings(struct parser *p, const xmlNode *c, struct audio_dir *dir)
{
	static const char *const known[] = { "frequency", "channels", "format", NULL };
	static const char *const formats[] = { "s8", "u8", "s16", "u16", "s32", "u32", "f32", NULL };
	if (!known_attrs(p, c, known))
		return;
	attr_decimal(p, c, "frequency", 0, UINT32_MAX, &dir->frequency);
	attr_decimal(p, c, "channels", 0, UINT32_MAX, &dir->channels);
	int f = attr_choice(p, c, "format", formats);
	if (f >= 0)
		dir->format = formats[f];
}

/* <input> or <output>: the settings of one direction. */
static void parse_direction(struct parser *p, const xmlNode *n, struct audio *a,
			    struct audio_dir *dir, bool *seen)
{
	if (*seen) {
		duplicate(p, n);
		return;
	}
	*seen = true;
	if (!known_attrs(p, n, dir_attrs(a->type)))
		return;
	dir->mixing_engine = attr_yesno(p, n, "mixingEngine");
	dir->fixed_settings = attr_yesno(p, n, "fixedSettings");
	dir->try_poll = attr_yesno(p, n, "tryPoll");
	dir->exact_name = attr_yesno(p, n, "exactName");
	attr_decimal(p, n, "voices", 0, UINT32_MAX, &dir->voices);
	attr_decimal(p, n, "bufferLength", 0, UINT32_MAX, &dir->buffer_length);
	attr_decimal(p, n, "bufferCount", 0, UINT32_MAX, &dir->buffer_count);
	attr_decimal(p, n, "latency", 0, UINT32_MAX, &dir->latency);
	attr_string(n, "dev", &dir->dev);
	attr_string(n, "name", &dir->name);
	attr_string(n, "streamName", &dir->stream_name);
	attr_string(n, "serverName", &dir->server_name);
	attr_string(n, "clientName", &dir->client_name);
	attr_string(n, "connectPorts", &dir->connect_ports);
	bool seen_settings = false;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (!xml_is(c, "settings")) {
			unsupported(p, c, NULL);
		} else if (seen_settings) {
			duplicate(p, c);
		} else {
			seen_settings = true;
			parse_settings(p, c, dir);
		}
	}
	if (!diag_failed(p->d) && (dir->frequency || dir->channels || dir->format) &&
	    dir->fixed_settings != TRI_ON)
		diag_warn(p->d, xml_line(n), XML_TAG(n),
			  "<settings> ignored: QEMU uses them only with fixedSettings='yes', as libvirt writes them");
}

static void free_audio_dir(struct audio_dir *d)
{
	free(d->dev);
	free(d->name);
	free(d->stream_name);
	free(d->server_name);
	free(d->client_name);
	free(d->connect_ports);
}

/* timerPeriod= and the type's own attributes of <audio>. */
static void parse_audio_attrs(struct parser *p, const xmlNode *n, struct audio *a)
{
	attr_decimal(p, n, "timerPeriod", 0, UINT32_MAX, &a->timer_period);
	attr_string(n, "path", &a->path);
	attr_string(n, "serverName", &a->server);
	a->try_mmap = attr_yesno(p, n, "tryMMap");
	a->exclusive = attr_yesno(p, n, "exclusive");
	uint64_t v;
	a->dsp_policy = -1;
	if (attr_decimal(p, n, "dspPolicy", 0, 10, &v))
		a->dsp_policy = (int64_t)v;
	static const char *const sdl_drivers[] = { "esd", "alsa", "arts", "pulseaudio", NULL };
	int d = attr_choice(p, n, "driver", sdl_drivers);
	if (d >= 0)
		a->sdl_driver = sdl_drivers[d];
}

void parse_audio(struct parser *p, const xmlNode *n)
{
	struct desktop *dt = &p->dom->desktop;
	if (!attr_required(p, n, "type"))
		return;
	int t = attr_choice(p, n, "type", audio_types);
	if (t < 0)
		return;
	if (t >= AUDIO_TRANSLATED) {
		refuse(p, n, "type='%s' is not supported: %s; expected none, spice, alsa, oss, file, dbus, pulseaudio, sdl or jack",
		       audio_types[t], t == 9 ? "CoreAudio is macOS's" : "QEMU's PipeWire backend came with 8.1");
		return;
	}
	if (xml_attr(n, "path") && t != AUDIO_FILE) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "path= on type='%s'; expected it only with type='file'", audio_types[t]);
		return;
	}
	if (!known_attrs(p, n, top_attrs((enum audio_type)t)))
		return;
	uint64_t id = 1;
	if (xml_attr(n, "id") && !attr_decimal(p, n, "id", 1, 65535, &id))
		return;
	for (size_t i = 0; i < dt->naudios; i++)
		if (dt->audios[i].id == id) {
			diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
				   "id='%u' is already the id of the <audio> on line %u; expected each <audio> its own id",
				   (unsigned)id, dt->audios[i].line);
			return;
		}
	XGROW(dt->audios, dt->naudios, dt->audios_alloc);
	struct audio *a = &dt->audios[dt->naudios++];
	memset(a, 0, sizeof(*a));
	a->line = xml_line(n);
	a->id = (unsigned)id;
	a->type = (enum audio_type)t;
	parse_audio_attrs(p, n, a);
	bool seen_in = false, seen_out = false;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (device_common_child(p, c, NULL))
			continue;
		if (xml_is(c, "input"))
			parse_direction(p, c, a, &a->in, &seen_in);
		else if (xml_is(c, "output"))
			parse_direction(p, c, a, &a->out, &seen_out);
		else
			unsupported(p, c, NULL);
	}
	if (!diag_failed(p->d) && a->type == AUDIO_FILE && a->out.format &&
	    a->out.fixed_settings == TRI_ON && strcmp(a->out.format, "f32") == 0) {
		refuse(p, n, "<output> format='f32' in a WAV file is not supported: QEMU 7.2's wav backend aborts on float samples; expected an integer format such as s16");
		dt->naudios--;
		free_audio_dir(&a->in);
		free_audio_dir(&a->out);
		free(a->path);
	}
}

/* The <audio> whose id= is ID; NULL when there is none. */
const struct audio *find_audio(const struct domain *dom, unsigned id)
{
	for (size_t i = 0; i < dom->desktop.naudios; i++)
		if (dom->desktop.audios[i].id == id)
			return &dom->desktop.audios[i];
	return NULL;
}

void free_audios(struct domain *dom)
{
	struct desktop *dt = &dom->desktop;
	for (size_t i = 0; i < dt->naudios; i++) {
		free(dt->audios[i].path);
		free(dt->audios[i].server);
		free_audio_dir(&dt->audios[i].in);
		free_audio_dir(&dt->audios[i].out);
	}
	free(dt->audios);
	dt->audios = NULL;
	dt->naudios = dt->audios_alloc = 0;
}
