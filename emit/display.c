/*
 * -display for <graphics type='egl-headless'|'dbus'|'sdl'>, with the
 * environment an SDL window needs, as libvirt's qemu_command.c writes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/build.h"

static void display_gl(struct keyval *kv, const struct display *d)
{
	if (d->gl && d->kind != DISPLAY_EGL_HEADLESS)
		kv_bool(kv, "gl", true);
	if (d->rendernode)
		kv_str(kv, "rendernode", d->rendernode);
}

/* "unix:path=" and PATH in D-Bus's address syntax: a byte other than
 * [-0-9A-Za-z_/.\\*] as %XX (',' ';' '=' separate an address's parts). */
static char *dbus_unix_address(const char *path)
{
	static const char plain[] = "-_/.\\*";
	char *out = xmalloc(strlen("unix:path=") + 3 * strlen(path) + 1);
	size_t at = (size_t)sprintf(out, "unix:path=");
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		bool keep = (*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') ||
			    (*c >= 'A' && *c <= 'Z') || (*c && strchr(plain, *c));
		at += (size_t)(keep ? sprintf(out + at, "%c", *c)
				    : sprintf(out + at, "%%%02x", *c));
	}
	return out;
}

/* The guest's own D-Bus bus, as libvirt starts one: a dbus-daemon with
 * the session bus's rules listening on dbus.sock in the state dir; addr=
 * onto KV.  False after an error. */
static bool private_bus(struct build *b, const struct display *d, struct keyval *kv)
{
	const char *dir = plan_state_dir(b);
	char *sock = dir ? state_dir_socket_path(b, dir, "dbus.sock", d->line, "<graphics>")
			 : NULL;
	if (!sock)
		return false;
	struct plan_helper *h = plan_add_helper(b->plan, "dbus-daemon",
		&(struct helper_place){ "dbus-daemon", "<graphics>", d->line, sock,
					dir, "dbus-daemon" });
	h->ends_with_clients = true;
	struct argv *a = &h->argv;
	argv_push(a, b->host->dbus_daemon ? b->host->dbus_daemon : "dbus-daemon");
	argv_push(a, "--session");
	argv_push(a, "--nofork");
	argv_push(a, "--nopidfile");
	char *addr = dbus_unix_address(sock);
	argv_pushf(a, "--address=%s", addr);
	kv_str(kv, "addr", addr);
	free(addr);
	return true;
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
		if (d->private_bus && !private_bus(b, d, &kv)) {
			kv_discard(&kv);
			return;
		}
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
