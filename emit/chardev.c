/*
 * Serial and parallel ports, consoles and channels: one -chardev for the
 * host side and one -device (a guestfwd channel: a -netdev user) for the
 * guest side each.  Ids follow libvirt's: charserialN / serialN by serial
 * port, charparallelN / parallelN by parallel port, charconsoleN /
 * consoleN for virtio consoles, charchannelN / channelN for channels.  A console on a serial port that a
 * <serial> makes adds nothing (check_chardevs() marked it same_as_serial);
 * one that is alone makes that serial port.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/build.h"

/* sun_path of struct sockaddr_un: 108 bytes with the terminating NUL. */
#define UNIX_PATH_MAX 108

static const char *element(const struct chardev *c)
{
	return c->kind == CHR_SERIAL ? "<serial>"
	       : c->kind == CHR_CONSOLE ? "<console>"
	       : c->kind == CHR_PARALLEL ? "<parallel>"
	       : c->kind == CHR_RNG ? "<rng>" : "<channel>";
}

/* A unix socket without a path: ID.sock in the state dir (NULL after an
 * error). */
static char *state_dir_socket(struct build *b, const struct chardev *c,
			      const char *id)
{
	const char *dir = plan_state_dir(b);
	if (!dir)
		return NULL;
	char *path = xasprintf("%s/%s.sock", dir, id);
	size_t len = strlen(path);
	if (len >= UNIX_PATH_MAX) {
		/* The XML is fine; the state dir is where it cannot go. */
		diag_error(b->d, EXIT_CANTCREAT, c->line, element(c),
			   "its socket %s would be %zu bytes, too long for a unix socket (at most %d: sun_path holds %d with its NUL) because the state dir is long; pass a shorter --state-dir, or give <source mode='bind' path=...>",
			   path, len, UNIX_PATH_MAX - 1, UNIX_PATH_MAX);
		free(path);
		return NULL;
	}
	return path;
}

/* The backend's own options after id=. */
static void chardev_options(struct keyval *kv, const struct chardev *c,
			    const char *sock)
{
	switch (c->backend) {
	case CHR_FILE:
	case CHR_DEV:
	case CHR_PIPE:
		kv_str(kv, "path", c->path);
		if (c->append)
			kv_bool(kv, "append", true);
		break;
	case CHR_UNIX:
	case CHR_TCP:
		if (c->backend == CHR_UNIX) {
			kv_str(kv, "path", c->path ? c->path : sock);
		} else {
			if (c->host)
				kv_str(kv, "host", c->host);
			kv_str(kv, "port", c->service);
		}
		kv_bool(kv, "server", c->listen);
		if (c->listen)
			kv_bool(kv, "wait", false);
		if (c->telnet)
			kv_bool(kv, "telnet", true);
		if (c->reconnect)
			kv_u64(kv, "reconnect", c->reconnect);
		break;
	case CHR_UDP:
		/* libvirt writes all four; empty is QEMU's localhost / any. */
		kv_str(kv, "host", c->host ? c->host : "");
		kv_str(kv, "port", c->service);
		kv_str(kv, "localaddr", c->bind_host ? c->bind_host : "");
		kv_str(kv, "localport", c->bind_service ? c->bind_service : "0");
		break;
	case CHR_SPICEVMC:
		kv_str(kv, "name", "vdagent");
		break;
	case CHR_VDAGENT:
		kv_str(kv, "name", "vdagent");
		if (c->clipboard != TRI_DEFAULT)
			kv_bool(kv, "clipboard", c->clipboard == TRI_ON);
		if (c->mouse_client != TRI_DEFAULT)
			kv_bool(kv, "mouse", c->mouse_client == TRI_ON);
		break;
	case CHR_PTY:
	case CHR_STDIO:
	case CHR_NULL:
		break;
	}
}

/* -chardev BACKEND,id=CHARID,... */
bool build_chardev_backend(struct build *b, const struct chardev *c,
			   const char *charid, const char *id)
{
	static const char *const names[] = {
		[CHR_PTY] = "pty", [CHR_FILE] = "file", [CHR_UNIX] = "socket",
		[CHR_TCP] = "socket", [CHR_STDIO] = "stdio", [CHR_NULL] = "null",
		[CHR_SPICEVMC] = "spicevmc", [CHR_UDP] = "udp", [CHR_DEV] = "serial",
		[CHR_PIPE] = "pipe", [CHR_VDAGENT] = "qemu-vdagent",
	};
	char *sock = NULL;
	if (c->backend == CHR_UNIX && !c->path &&
	    !(sock = state_dir_socket(b, c, id)))
		return false;
	struct keyval kv;
	/* A host parallel port is QEMU's parallel backend, a tty its serial. */
	kv_begin(&kv, c->backend == CHR_DEV && c->kind == CHR_PARALLEL
		      ? "parallel" : names[c->backend]);
	kv_str(&kv, "id", charid);
	chardev_options(&kv, c, sock);
	if (c->log_file) {
		kv_str(&kv, "logfile", c->log_file);
		if (c->log_append != TRI_DEFAULT)
			kv_bool(&kv, "logappend", c->log_append == TRI_ON);
	}
	kv_push(&kv, b->argv, "-chardev");
	free(sock);
	return true;
}

/* An ISA device's <address type='isa'>, as libvirt adds it. */
static void isa_address(struct keyval *kv, const struct chardev *c)
{
	if (c->iobase)
		kv_u64(kv, "iobase", c->iobase);
	if (c->irq)
		kv_u64(kv, "irq", c->irq);
}

static void build_serial(struct build *b, const struct chardev *c)
{
	char id[24], charid[32];
	snprintf(id, sizeof(id), "serial%u", c->target_port);
	snprintf(charid, sizeof(charid), "char%s", id);
	if (!build_chardev_backend(b, c, charid, id))
		return;
	bool pci = strcmp(c->target_type, "pci-serial") == 0;
	bool debug = strcmp(c->target_type, "isa-debug") == 0;
	struct keyval kv;
	kv_begin(&kv, pci ? "pci-serial" : debug ? "isa-debugcon" : "isa-serial");
	if (pci && !pci_place(b, &kv, c->line, element(c))) {
		kv_discard(&kv);
		return;
	}
	kv_str(&kv, "chardev", charid);
	kv_str(&kv, "id", id);
	if (!pci && !debug)
		kv_u64(&kv, "index", c->target_port);
	isa_address(&kv, c);
	build_push(b, &kv, "-device");
}

/* isa-parallel at its port (LPT1-3): libvirt gives no index=, so QEMU
 * would number the ports in command-line order whatever their port=. */
static void build_parallel(struct build *b, const struct chardev *c)
{
	char id[24], charid[32];
	snprintf(id, sizeof(id), "parallel%u", c->target_port);
	snprintf(charid, sizeof(charid), "char%s", id);
	if (!build_chardev_backend(b, c, charid, id))
		return;
	struct keyval kv;
	kv_begin(&kv, "isa-parallel");
	kv_str(&kv, "chardev", charid);
	kv_str(&kv, "id", id);
	kv_u64(&kv, "index", c->target_port);
	isa_address(&kv, c);
	build_push(b, &kv, "-device");
}

/* A guestfwd channel: a user-mode network of its own whose guest address
 * and port lead to the chardev (libvirt's form). */
static void build_guestfwd(struct build *b, const struct chardev *c, unsigned n)
{
	char id[24], charid[32];
	snprintf(id, sizeof(id), "channel%u", n);
	snprintf(charid, sizeof(charid), "char%s", id);
	if (!build_chardev_backend(b, c, charid, id))
		return;
	char *fwd = xasprintf("tcp:%s:%u-chardev:%s", c->fwd_address,
			      c->target_port, charid);
	struct keyval kv;
	kv_begin(&kv, "user");
	kv_str(&kv, "guestfwd", fwd);
	kv_str(&kv, "id", id);
	kv_push(&kv, b->argv, "-netdev");
	free(fwd);
}

/* A virtconsole or virtserialport at its place on the virtio-serial
 * buses (parse/vserial.c), whose controller build_controllers() made. */
static void build_virtio_port(struct build *b, const struct chardev *c,
			      unsigned n)
{
	bool console = c->kind == CHR_CONSOLE;
	char id[24], charid[32], bus[24];
	snprintf(id, sizeof(id), "%s%u", console ? "console" : "channel", n);
	snprintf(charid, sizeof(charid), "char%s", id);
	if (!build_chardev_backend(b, c, charid, id))
		return;
	struct keyval kv;
	kv_begin(&kv, console ? "virtconsole" : "virtserialport");
	kv_str(&kv, "bus", controller_bus(CTRL_VIRTIO_SERIAL, c->vs_controller, bus, sizeof(bus)));
	if (c->vs_port >= 0)
		kv_u64(&kv, "nr", (unsigned)c->vs_port);
	kv_str(&kv, "chardev", charid);
	kv_str(&kv, "id", id);
	if (c->target_name)
		kv_str(&kv, "name", c->target_name);
	build_push(b, &kv, "-device");
}

void build_chardevs(struct build *b)
{
	const struct domain *dom = b->dom;
	unsigned consoles = 0, channels = 0;
	for (size_t i = 0; i < dom->nchardevs && !diag_failed(b->d); i++) {
		const struct chardev *c = &dom->chardevs[i];
		if (c->kind == CHR_SERIAL ||
		    (c->kind == CHR_CONSOLE && strcmp(c->target_type, "serial") == 0)) {
			if (!c->same_as_serial)
				build_serial(b, c);
		} else if (c->kind == CHR_PARALLEL) {
			build_parallel(b, c);
		} else if (c->kind == CHR_CONSOLE) {
			build_virtio_port(b, c, consoles++);
		} else if (strcmp(c->target_type, "guestfwd") == 0) {
			build_guestfwd(b, c, channels++);
		} else {
			build_virtio_port(b, c, channels++);
		}
	}
}
