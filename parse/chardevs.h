/*
 * More of the model (parse/domain.h): serial ports, consoles, channels and
 * parallel ports.  Included by domain.h at the place this section belongs,
 * after the types it uses; include domain.h, never this file alone.
 */
#ifndef SEVQEMU_DOMAIN_CHARDEVS_H
#define SEVQEMU_DOMAIN_CHARDEVS_H

/* --- serial, console, channel: parse/chardev.c, emit/chardev.c --------- */

enum chardev_kind { CHR_SERIAL, CHR_CONSOLE, CHR_CHANNEL, CHR_PARALLEL,
		   CHR_RNG /* an rng's EGD backend (misc.c) */ };
enum chardev_backend {
	CHR_PTY, CHR_FILE, CHR_UNIX, CHR_TCP, CHR_STDIO, CHR_NULL,
	CHR_SPICEVMC,            /* channel: SPICE's agent (vdagent) */
	CHR_UDP, CHR_DEV,        /* dev: a host tty or parallel port */
	CHR_PIPE, CHR_VDAGENT,   /* vdagent: QEMU's own clipboard/mouse agent */
	CHR_SPICEPORT,           /* a named SPICE port */
};

struct chardev {
	unsigned line;
	unsigned source_line, target_line;
	enum chardev_kind kind;
	enum chardev_backend backend;
	char *path;              /* file or unix; NULL for a unix socket: state dir */
	bool listen;             /* unix mode='bind' / tcp mode='bind' */
	char *host, *service;    /* tcp; udp: where it sends (mode='connect') */
	char *bind_host, *bind_service; /* udp: where it listens (mode='bind') */
	char *spice_port;        /* spiceport: <source channel=...> */
	enum tristate clipboard; /* vdagent: <clipboard copypaste=> */
	enum tristate mouse_client; /* vdagent: <mouse mode='client'|'server'> */
	bool telnet;             /* tcp: <protocol type='telnet'/> */
	unsigned reconnect;      /* connect: <reconnect timeout=N> seconds; 0: none */
	bool append;             /* file: <source append='on'> */
	char *log_file;          /* <log file=...>, or NULL */
	enum tristate log_append;
	/* serial: "isa-serial", "pci-serial" or "isa-debug"; console: "serial"
	 * or "virtio"; channel: "virtio" (controller.c adds the virtio-serial
	 * bus for these) or "guestfwd"; parallel: "parallel" */
	char *target_type;
	bool has_port;           /* <target port=...> given */
	unsigned target_port;    /* serial, console on a serial: the port, set
	                          * by check_chardevs() when not given */
	char *target_name;       /* channel: e.g. org.qemu.guest_agent.0 */
	char *fwd_address;       /* channel type='guestfwd': the guest's address
	                          * (with target_port) forwarded to this chardev */
	bool has_isa_address;    /* <address type='isa'>: iobase, irq */
	unsigned iobase, irq;    /* irq 0: not given */
	const char *vmc_name;    /* spicevmc: SPICE's channel; NULL: vdagent */
	bool same_as_serial;     /* console on a serial port that a <serial> (or
	                          * an earlier console) already makes */
	/* A virtio console or channel: its place on the virtio-serial buses,
	 * given by <address type='virtio-serial'> or assigned as libvirt
	 * does (parse/vserial.c).  vs_port -1: QEMU's choice (consoles). */
	bool vs_address;
	unsigned vs_controller;
	int vs_port;
};

/* The virtio-serial controllers the ports need that the XML does not
 * list (libvirt adds them, and one more when the others are full). */
struct vserial_buses {
	unsigned *implicit;      /* their indices, rising */
	size_t nimplicit;
};

#endif
