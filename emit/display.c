/*
 * -display for <graphics type='egl-headless'|'dbus'|'sdl'>, with the
 * environment an SDL window needs, as libvirt's qemu_command.c writes it.
 */
#include <stdio.h>

#include "emit/build.h"

static void display_gl(struct keyval *kv, const struct display *d)
{
	if (d->gl && d->kind != DISPLAY_EGL_HEADLESS)
		kv_bool(kv, "gl", true);
	if (d->rendernode)
		kv_str(kv, "rendernode", d->rendernode);
}

void build_local_display(struct build *b)
{
	const struct display *d = &b->dom->desktop.display;
	if (!d->line)
		return;
	struct keyval kv;
	switch (d->kind) {
	case DISPLAY_EGL_HEADLESS:
		kv_begin(&kv, "egl-headless");
		display_gl(&kv, d);
		break;
	case DISPLAY_DBUS:
		kv_begin(&kv, "dbus");
		if (d->address)
			kv_str(&kv, "addr", d->address);
		if (d->p2p)
			kv_bool(&kv, "p2p", true);
		display_gl(&kv, d);
		if (d->audio_id) {
			char ref[32];
			kv_str(&kv, "audiodev", audio_ref(b->dom, d->audio_id, ref, sizeof(ref)));
		}
		break;
	case DISPLAY_SDL:
	default:
		if (d->xauth)
			argv_pushf(&b->plan->env, "XAUTHORITY=%s", d->xauth);
		if (d->x_display)
			argv_pushf(&b->plan->env, "DISPLAY=%s", d->x_display);
		if (d->fullscreen)
			argv_push(b->argv, "-full-screen");
		kv_begin(&kv, "sdl");
		display_gl(&kv, d);
		break;
	}
	kv_push(&kv, b->argv, "-display");
}
