/*
 * struct domain: the guest as the XML describes it, validated and typed.
 *
 * This is the one thing parse/ and emit/ share.  parse/ fills it from XML
 * and checks every value against the rules of the XML and of AMD SEV
 * (sizes, ranges, reserved bits); emit/ turns it into a QEMU command line.
 * Nothing here is QEMU syntax.  Every part keeps the line of the element it
 * came from, so that later stages can still point at the input.
 *
 * All strings are owned by the domain and released by domain_free().
 */
#ifndef SEVQEMU_DOMAIN_H
#define SEVQEMU_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tristate { TRI_DEFAULT = 0, TRI_ON, TRI_OFF };

enum virt_type { VIRT_KVM, VIRT_QEMU };

/* --- launch security --------------------------------------------------- */

enum launch_type { LAUNCH_NONE = 0, LAUNCH_SEV, LAUNCH_SEV_SNP };

/* A base64 launch parameter, checked and decoded to its exact size. */
struct blob {
	char *base64;   /* canonical: no white space; NULL when absent */
	size_t bytes;   /* decoded size */
	unsigned line;
	const char *origin; /* file it came from (--dh-cert), else NULL */
};

struct launch_security {
	enum launch_type type;
	unsigned line;
	const char *element;    /* "<sev>" or "<launchSecurity>", for messages */

	bool has_policy;
	uint64_t policy;        /* SEV: 32 bits; SNP: 64 bits */
	unsigned policy_line;
	bool has_cbitpos;
	unsigned cbitpos;
	unsigned cbitpos_line;
	bool has_reduced_phys_bits;
	unsigned reduced_phys_bits;
	unsigned reduced_phys_bits_line;
	bool has_handle;
	uint32_t handle;
	enum tristate kernel_hashes;
	bool es;                /* encrypted register state: SEV-ES (policy
				 * bit 2) or SNP; derived once, by the parser */

	/* SEV: guest owner's secrets, written to files. */
	struct blob dh_cert;    /* 2084 bytes */
	struct blob session;    /* 128 bytes */

	/* SNP: public launch parameters, passed inline. */
	enum tristate author_key;
	enum tristate vcek;
	struct blob workarounds; /* 16 */
	struct blob id_block;    /* 96 */
	struct blob id_auth;     /* 4096 */
	struct blob host_data;   /* 32 */
};

/* SEV guest policy bits (32-bit) that sevqemu names. */
#define SEV_POLICY_NODBG  0x1u
#define SEV_POLICY_NOKS   0x2u
#define SEV_POLICY_ES     0x4u
#define SEV_POLICY_RESERVED 0xffc0u  /* bits 6-15 */
#define SEV_POLICY_DEFAULT 0x1u

#define SNP_POLICY_SMT           (1ull << 16)
#define SNP_POLICY_RSVD_MBO      (1ull << 17)
#define SNP_POLICY_MIGRATE_MA    (1ull << 18)
#define SNP_POLICY_DEBUG         (1ull << 19)
#define SNP_POLICY_SINGLE_SOCKET (1ull << 20)
#define SNP_POLICY_RESERVED      (~0ull << 26)  /* bits 26-63 */
#define SNP_POLICY_DEFAULT       0x30000ull

#define SEV_DH_CERT_BYTES 2084
#define SEV_SESSION_BYTES 128

/* --- firmware and boot ------------------------------------------------- */

enum machine_family { MACHINE_DEFAULT = 0, MACHINE_Q35, MACHINE_I440FX };

enum loader_type { LOADER_NONE = 0, LOADER_PFLASH, LOADER_ROM };

struct os {
	unsigned line;
	char *machine;           /* as written; NULL: the emulator's default */
	enum machine_family family;
	bool firmware_efi;       /* <os firmware='efi'> */
	bool uefi;               /* firmware_efi or any <loader>; derived */

	enum loader_type loader_type;
	char *loader;            /* path; NULL: none */
	unsigned loader_line;
	enum tristate loader_readonly;
	enum tristate loader_secure;
	enum tristate loader_stateless;

	char *nvram;             /* path; NULL: none */
	char *nvram_template;
	unsigned nvram_line;

	char *kernel, *initrd, *cmdline;
	unsigned kernel_line;

	enum boot_dev { BOOT_HD, BOOT_CDROM, BOOT_NETWORK, BOOT_FD } boot[4];
	size_t nboot;
	unsigned boot_line;
};

struct features {
	bool acpi;
	bool apic;
	enum tristate vmport, smm, pmu;
	unsigned smm_line;
	unsigned line;
};

enum on_poweroff { POWEROFF_DESTROY = 0, POWEROFF_PRESERVE };
enum on_reboot { REBOOT_RESTART = 0, REBOOT_DESTROY };
enum on_crash { CRASH_DEFAULT = 0, CRASH_DESTROY, CRASH_PRESERVE, CRASH_RESTART };

struct lifecycle {
	enum on_poweroff poweroff;
	enum on_reboot reboot;
	enum on_crash crash;
};

/* --- devices ----------------------------------------------------------- */

enum disk_bus { BUS_VIRTIO, BUS_SATA, BUS_IDE, BUS_SCSI, BUS_USB, BUS_FDC };
enum disk_format { FORMAT_RAW, FORMAT_QCOW2 };

/* type='network' disks: the protocols QEMU 7.2 has (parse/disk_source.c). */
enum disk_protocol {
	PROTO_NONE = 0, PROTO_NBD, PROTO_RBD, PROTO_ISCSI, PROTO_HTTP,
	PROTO_HTTPS, PROTO_FTP, PROTO_FTPS, PROTO_SSH, PROTO_GLUSTER, PROTO_NFS,
};

/* A <source><host>: a name and port, or a unix socket. */
struct disk_host {
	char *name;              /* NULL for a unix socket */
	char *port;              /* decimal as written, or NULL: the default */
	char *socket;            /* transport='unix' */
	bool rdma;               /* iscsi transport='rdma' */
};

/* A <secret type usage|uuid> that libvirt would look up in its secret
 * store; sevqemu takes its value from --secret KEY=FILE. */
enum secret_kind { SECRET_CEPH, SECRET_ISCSI, SECRET_PASSPHRASE };
struct secret_ref {
	unsigned line;           /* 0: none */
	enum secret_kind kind;
	char *uuid;              /* canonical lower-case, or NULL */
	char *usage;             /* or the usage name */
};

/* <iotune>: limits in the order of iotune_names[] (parse/disk_detail.c),
 * which emit/disk.c maps to a throttle group's properties. */
#define IOTUNE_LIMITS 19
struct disk_iotune {
	unsigned line;           /* 0: none */
	uint64_t limit[IOTUNE_LIMITS]; /* 0: not given */
	char *group;             /* <group_name>: disks sharing one group */
};

/* A <backingStore> layer below the disk's image, top first. */
struct disk_backing {
	unsigned line;
	bool block;              /* type='block' */
	char *source;
	enum disk_format format;
};

struct disk_network {
	enum disk_protocol protocol;
	char *name;              /* <source name>: image, export, target/lun */
	struct disk_host *hosts;
	size_t nhosts, hosts_alloc;
	char *snapshot, *config; /* rbd <snapshot name>, <config file> */
	char *initiator;         /* iscsi <initiator><iqn name> */
	uint64_t reconnect_delay; /* nbd <reconnect delay>; 0: none */
	uint64_t timeout, readahead; /* http(s)/ftp(s); 0: not given */
	char *user;              /* <auth username> */
	struct secret_ref auth;  /* <auth><secret> */
};

struct disk {
	unsigned line;
	unsigned target_line, driver_line;
	bool block;              /* type='block': a host device, not a file */
	bool cdrom;
	bool floppy;             /* device='floppy' (bus='fdc') */
	bool lun;                /* device='lun': SCSI passthrough (scsi-block) */
	enum tristate removable; /* <target removable> (usb) */
	char *source;            /* NULL: an empty cdrom */
	enum disk_format format;
	char *target;            /* dev name, e.g. vda */
	enum disk_bus bus;
	bool readonly, shareable;
	char *serial;
	char *cache, *discard, *io; /* as written, validated */
	enum tristate iommu;
	unsigned boot_order;     /* 0: none */
	unsigned index;          /* from the target name: vdb 1, sdaa 26 */
	/* bus='scsi': <address type='drive' controller bus target unit>, or
	 * controller 0 and the index from the target name (scsi-id index %
	 * 256, lun index / 256); parse/controller.c checks the controller. */
	unsigned scsi_controller, scsi_target, scsi_unit;
	unsigned drive_bus;      /* <address bus>: ide 0-1, scsi and sata 0 */
	unsigned address_line;
	struct disk_network net; /* type='network': protocol != PROTO_NONE */
	struct secret_ref luks;  /* <encryption format='luks'><secret> */
	char *wwn, *vendor, *product;
	unsigned cyls, heads, secs; /* <geometry>; 0: none */
	char *trans;             /* <geometry trans>, or NULL */
	unsigned logical_block, physical_block; /* <blockio>; 0: not given */
	char *error_policy, *rerror_policy; /* <driver>, as written */
	char *detect_zeroes;     /* <driver detect_zeroes>: on, off, unmap */
	bool copy_on_read;       /* <driver copy_on_read='on'> */
	struct disk_iotune iotune;
	struct disk_backing *backing; /* the chain, top first */
	size_t nbacking, backing_alloc;
	bool backing_closed;     /* the chain ends in an empty <backingStore/> */   /* 0: no <address type='drive'> */
};

/*
 * Each family below is parsed by its own file in parse/ and emitted by its
 * own file in emit/ (named in the heading).  Add fields inside a family's
 * own structs; its parse file releases them (free_<family>()).
 */

/* --- cpu, clock, memory backing: parse/cpu.c, emit/cpu.c --------------- */

enum cpu_mode { CPU_DEFAULT = 0, CPU_HOST_PASSTHROUGH, CPU_HOST_MODEL, CPU_CUSTOM };

struct cpu_feature {
	char *name;
	bool enable;             /* policy require/force: on; disable/forbid: off */
};

struct cpu {
	unsigned line;           /* 0: no <cpu> */
	enum cpu_mode mode;
	char *model;
	struct cpu_feature *features;
	size_t nfeatures, features_alloc;
	unsigned sockets, dies, cores, threads; /* 0: no <topology> */
	unsigned topology_line;
};

enum clock_offset { CLOCK_DEFAULT = 0, CLOCK_UTC, CLOCK_LOCALTIME };

struct clock {
	unsigned line;
	enum clock_offset offset;
};

struct memory_backing {
	unsigned line;           /* 0: no <memoryBacking> */
	bool locked;
	bool hugepages;
	bool memfd;              /* <source type='memfd'/> */
	enum tristate shared;    /* <access mode='shared|private'/> */
};

/* --- controllers: parse/controller.c, emit/controller.c ---------------- */

enum controller_type {
	CTRL_SCSI, CTRL_USB, CTRL_VIRTIO_SERIAL, CTRL_PCI, CTRL_SATA, CTRL_IDE,
};

enum controller_model {
	CTRL_MODEL_DEFAULT = 0,  /* none written: the type's (machine's) default */
	CTRL_VIRTIO_SCSI,
	CTRL_USB_NONE, CTRL_USB_QEMU_XHCI, CTRL_USB_NEC_XHCI,
	CTRL_USB_PIIX3_UHCI, CTRL_USB_ICH9_EHCI1,
	CTRL_PCI_ROOT, CTRL_PCIE_ROOT,
};

/* check_controllers() leaves dom->controllers sorted by type, then index. */
struct controller {
	unsigned line;
	enum controller_type type;
	unsigned index;
	enum controller_model model;
	enum tristate iommu;     /* <driver iommu> (scsi, virtio-serial) */
	unsigned queues;         /* scsi <driver queues>; 0: not given */
	unsigned ports;          /* usb xhci, virtio-serial; 0: not given */
	int vectors;             /* virtio-serial; -1: not given */
	bool auto_index;         /* no index=: the lowest free one, as libvirt */
};

/* --- network interfaces: parse/interface.c, emit/interface.c ----------- */

enum net_type {
	NET_USER, NET_BRIDGE, NET_ETHERNET,
	/* parse/interface_socket.c: */
	NET_MCAST, NET_SERVER, NET_CLIENT, NET_UDP, NET_VHOSTUSER,
};
enum net_model { NIC_VIRTIO = 0, NIC_E1000, NIC_E1000E, NIC_RTL8139 };

struct interface {
	unsigned line;
	enum net_type type;
	char *bridge;            /* type='bridge': <source bridge> */
	char *tap;               /* type='ethernet': <target dev> */
	enum net_model model;    /* virtio when no <model> */
	char *mac;               /* canonical lower-case, or NULL */
	unsigned mac_line;
	bool rom_disabled;       /* <rom enabled='no'/> */
	enum tristate rom_bar;   /* <rom bar='on|off'/> */
	char *rom_file;          /* <rom file=...>, or NULL */
	enum tristate iommu;     /* <driver iommu> */
	bool vhost;              /* <driver name='vhost'> */
	unsigned queues;         /* <driver queues>; 0: not given */
	unsigned boot_order;     /* <boot order>; 0: none */
	unsigned boot_line;
	/* parse/interface_socket.c */
	char *address, *port;    /* mcast/server/client/udp <source> */
	char *local_address, *local_port; /* udp <local> */
	char *socket;            /* vhostuser <source type='unix' path> */
	bool socket_server;      /* vhostuser mode='server' */
	unsigned mtu;            /* <mtu size>; 0: none */
	uint64_t sndbuf;         /* <tune><sndbuf>; 0: none */
	char *script, *downscript; /* ethernet <script path>, <downscript path> */
};

/* --- serial, console, channel: parse/chardev.c, emit/chardev.c --------- */

enum chardev_kind { CHR_SERIAL, CHR_CONSOLE, CHR_CHANNEL };
enum chardev_backend { CHR_PTY, CHR_FILE, CHR_UNIX, CHR_TCP, CHR_STDIO, CHR_NULL };

struct chardev {
	unsigned line;
	unsigned source_line, target_line;
	enum chardev_kind kind;
	enum chardev_backend backend;
	char *path;              /* file or unix; NULL for a unix socket: state dir */
	bool listen;             /* unix mode='bind' / tcp mode='bind' */
	char *host, *service;    /* tcp */
	bool telnet;             /* tcp: <protocol type='telnet'/> */
	unsigned reconnect;      /* connect: <reconnect timeout=N> seconds; 0: none */
	bool append;             /* file: <source append='on'> */
	char *log_file;          /* <log file=...>, or NULL */
	enum tristate log_append;
	/* serial: "isa-serial" or "pci-serial"; console: "serial" or "virtio";
	 * channel: "virtio" (controller.c adds the virtio-serial bus for these) */
	char *target_type;
	bool has_port;           /* <target port=...> given */
	unsigned target_port;    /* serial, console on a serial: the port, set
	                          * by check_chardevs() when not given */
	char *target_name;       /* channel: e.g. org.qemu.guest_agent.0 */
	bool same_as_serial;     /* console on a serial port that a <serial> (or
	                          * an earlier console) already makes */
};

/* --- passed-through host devices: parse/hostdev.c, emit/hostdev.c ------ */

enum hostdev_type { HOSTDEV_PCI, HOSTDEV_USB, HOSTDEV_MDEV, HOSTDEV_SCSI };

struct hostdev {
	unsigned line;
	enum hostdev_type type;
	bool managed;            /* managed='yes': libvirt would rebind it */
	unsigned domain, bus, slot, function; /* pci: the host address */
	unsigned usb_bus, usb_device; /* usb: <address bus device>, or */
	unsigned vendor, product;     /* <vendor id> and <product id> */
	bool usb_by_id;
	char *mdev_uuid;         /* mdev: canonical lower-case */
	enum tristate display, ramfb; /* mdev */
	char *scsi_adapter;      /* scsi: <adapter name='scsi_hostN'/> */
	unsigned scsi_host, scsi_bus, scsi_target; /* the host's H:B:T:U */
	uint64_t scsi_unit;
	unsigned scsi_controller, scsi_guest_target, scsi_guest_unit; /* guest */
	bool readonly, shareable;
	unsigned boot_order;     /* 0: none */
	enum tristate rom_bar;   /* <rom bar> */
	char *rom_file;          /* <rom file> */
	bool rom_disabled;       /* <rom enabled='no'/> */
};

/* --- other devices: parse/misc.c, emit/misc.c -------------------------- */

struct vsock {
	unsigned line;           /* 0: none */
	uint32_t cid;            /* 3 to 0xfffffffe: always given */
	enum tristate iommu;
};

enum graphics_listen { LISTEN_ADDRESS = 0, LISTEN_SOCKET, LISTEN_NONE };

struct graphics {                /* type='vnc', the only one translated */
	unsigned line;           /* 0: none */
	int port;                /* -1: autoport; else 5900-65535 */
	enum graphics_listen listen_type;
	char *listen;            /* address (NULL: 127.0.0.1), or socket path
				  * (NULL: in the state dir) */
	char *keymap;            /* keymap='en-us', or NULL */
	char *share;             /* sharePolicy, as written, or NULL */
	bool power_control;      /* powerControl='yes' */
	unsigned audio_id;       /* <audio id='N'/> child; 0: none */
	unsigned audio_line;
};

enum video_model {
	VIDEO_VIRTIO, VIDEO_VGA, VIDEO_BOCHS, VIDEO_CIRRUS, VIDEO_QXL,
	VIDEO_RAMFB, VIDEO_NONE,
};

struct video {
	unsigned line;
	enum video_model model;
	const char *model_name;  /* static: "virtio", "vga", ... */
	bool primary;            /* primary='yes' */
	unsigned heads;          /* 0: not given */
	uint64_t vram, ram, vgamem, vram64; /* KiB; 0: not given */
	enum tristate iommu;
};

struct input {
	unsigned line;
	char *type;              /* tablet, mouse, keyboard */
	char *bus;               /* usb, virtio, ps2 (absent: usb for a tablet,
				  * else ps2) */
	enum tristate iommu;
};

struct rng {
	unsigned line;
	bool builtin;            /* <backend model='builtin'/> */
	char *source;            /* <backend model='random'>/dev/urandom */
	uint64_t rate_bytes;     /* <rate bytes=...>; 0: no limit */
	uint64_t rate_period;    /* ms */
	enum tristate iommu;
};

struct devices_misc {
	struct vsock vsock;
	struct graphics graphics;
	struct video *videos;
	size_t nvideos, videos_alloc;
	size_t primary_video;    /* index of the primary one; set by check_misc() */
	struct input *inputs;
	size_t ninputs, inputs_alloc;
	struct rng *rngs;
	size_t nrngs, rngs_alloc;
	unsigned balloon_line;   /* 0: none, or model='none' */
	enum tristate balloon_iommu;
	enum tristate balloon_autodeflate, balloon_free_page_reporting;
	uint64_t balloon_stats_period; /* seconds; 0: none */
	unsigned watchdog_line;
	char *watchdog_model, *watchdog_action;
	unsigned watchdog_action_line;
	unsigned panic_line;
	char *panic_model;       /* isa, pvpanic */
	uint64_t panic_iobase;   /* isa <address iobase>; 0: the default */
	unsigned audio_line;     /* <audio type='none'>; 0: none */
	unsigned audio_id;
	bool audio_none;
};

/* --- <qemu:commandline>: parse/qemu_ns.c ------------------------------- */

struct qemu_passthrough {
	char **args;             /* appended verbatim */
	size_t nargs, args_alloc;
	char **env;              /* NAME=VALUE */
	size_t nenv, env_alloc;
};

/* --- the domain -------------------------------------------------------- */

struct domain {
	enum virt_type type;
	unsigned line;
	char *name;
	char *uuid;               /* canonical lower-case 8-4-4-4-12, or NULL */

	uint64_t memory_bytes;
	unsigned memory_line;
	uint64_t current_memory_bytes; /* 0: same as memory */
	unsigned current_memory_line;
	unsigned name_line;

	unsigned vcpus;           /* maximum */
	unsigned vcpus_current;   /* 0: all */
	unsigned vcpu_line;

	struct os os;
	struct features features;
	struct lifecycle lifecycle;
	char *emulator;
	unsigned emulator_line;

	struct disk *disks;
	size_t ndisks, disks_alloc;

	struct cpu cpu;
	struct clock clock;
	struct memory_backing memory_backing;
	struct controller *controllers;
	size_t ncontrollers, controllers_alloc;
	struct interface *interfaces;
	size_t ninterfaces, interfaces_alloc;
	struct chardev *chardevs;
	size_t nchardevs, chardevs_alloc;
	struct devices_misc misc;
	struct hostdev *hostdevs;
	size_t nhostdevs, hostdevs_alloc;
	struct qemu_passthrough qemu;

	struct launch_security launch;
};

/* Releases everything the parser put in D (each family's part). */
void domain_free(struct domain *d);

#endif
