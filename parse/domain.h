/*
 * struct domain: the guest as the XML describes it, validated and typed.
 *
 * This is the one thing parse/ and emit/ share.  parse/ fills it from XML
 * and checks every value against the rules of the XML and of AMD SEV
 * (sizes, ranges, reserved bits); emit/ turns it into a QEMU command line.
 * Nothing here is QEMU syntax.  Every part keeps the line of the element it
 * came from, so that later stages can still point at the input.
 *
 * All strings are owned by the domain and released by domain_free()
 * (parse/parse.h).  This header is the model alone: it has no .c file.
 */
#ifndef SEVQEMU_DOMAIN_H
#define SEVQEMU_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tristate { TRI_DEFAULT = 0, TRI_ON, TRI_OFF };

enum virt_type { VIRT_KVM, VIRT_QEMU };

/* --- virtio <driver> options: parse/virtio.c, emit/virtio.c ------------ */

/* The virtio-pci flavour libvirt's model= asks for (disks, vhost-scsi; the
 * others' in struct virtio_driver; SCSI controllers have their own models):
 * both interfaces, or only one. */
enum virtio_flavour { VIRTIO_PLAIN = 0, VIRTIO_TRANSITIONAL, VIRTIO_NON_TRANSITIONAL };

/* A virtio device's <driver> options, one per virtio device: iommu, ats,
 * packed and page_per_vq on every one, the rest on the devices libvirt
 * takes them on (disks, virtio-scsi controllers, NICs). */
struct virtio_driver {
	enum tristate iommu;     /* every virtio device; SEV's default: on */
	enum tristate ats, packed, page_per_vq;  /* every virtio device */
	enum tristate ioeventfd, event_idx;      /* disk, net, scsi (no event_idx) */
	unsigned iothread;       /* disk, scsi: <driver iothread>; 0: none */
	unsigned queues;         /* disk: num-queues; 0: not given */
	unsigned queue_size;     /* disk: queue-size; 0: not given */
	unsigned rx_queue_size, tx_queue_size; /* net; 0: not given */
	enum tristate rss, rss_hash_report;    /* net */
	const char *txmode;      /* net: QEMU's tx= ("bh", "timer"), or NULL */
	unsigned cmd_per_lun, max_sectors;     /* scsi; 0: not given */
	unsigned line;           /* the <driver>, for messages */
	enum virtio_flavour flavour; /* the device's model= (parse_virtio_model) */
};

/* --- <iothreads>, <iothreadids>, <defaultiothread>: parse/iothreads.c,
 *     emit/iothreads.c ------------------------------------------------- */

struct iothread {
	unsigned id;             /* 1 and up; object "iothread<id>" */
	unsigned line;
	int64_t pool_min, pool_max;            /* -1: not given */
	int64_t poll_max, poll_grow, poll_shrink; /* -1: not given */
};

struct iothreads {
	unsigned line;           /* <iothreads>; 0: none */
	unsigned count;
	struct iothread *ids;    /* in libvirt's order: <iothreadids> first,
				  * then the ones the count adds */
	size_t n, alloc;
	unsigned default_line;   /* <defaultiothread>; 0: none */
	int64_t default_min, default_max;
};

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
	bool i686;               /* <type arch='i686'>: a 32-bit guest */
	bool firmware_efi;       /* <os firmware='efi'> */
	bool uefi;               /* firmware_efi or any <loader>; derived */

	enum loader_type loader_type;
	char *loader;            /* path; NULL: none */
	unsigned loader_line;
	enum tristate loader_readonly;
	enum tristate loader_secure;
	enum tristate loader_stateless;

	char *nvram;             /* path; NULL: none, or <nvram> without a
				  * path (nvram_line set): the guest's own
				  * store in sevqemu's place */
	char *nvram_template;
	unsigned nvram_line;
	struct disk *nvram_net;  /* type='network': a disk's <source>, or NULL */
	bool nvram_qcow2, nvram_template_qcow2; /* format=, templateFormat= */
	/* <os><firmware><feature enabled= name=>: what the chosen firmware
	 * must (TRI_ON) or must not (TRI_OFF) offer */
	enum tristate fw_secure_boot, fw_enrolled_keys;

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

/* Hypervisor features of <features> beyond the machine's own (parse/
 * features.c, emit/features.c): Hyper-V enlightenments, KVM's paravirtual
 * features, the I/O APIC's place, SMM's TSEG, vmcoreinfo, PS/2. */
enum hyperv_mode { HYPERV_NONE = 0, HYPERV_CUSTOM, HYPERV_PASSTHROUGH };
enum ioapic_driver { IOAPIC_DEFAULT = 0, IOAPIC_KVM, IOAPIC_QEMU };
#define HYPERV_FLAGS 17          /* libvirt's <hyperv> flags, in its order */

struct hypervisor_features {
	enum hyperv_mode hyperv;
	uint32_t hyperv_on;      /* bit i: flag i of the table state='on' */
	unsigned hv_spinlocks;   /* <spinlocks retries=>, with the flag on */
	char *hv_vendor_id;      /* <vendor_id value=>, with the flag on */
	bool hv_stimer_direct, hv_tlbflush_direct, hv_tlbflush_ext;
	bool kvm_hidden, kvm_hint_dedicated, kvm_poll_control, kvm_pv_ipi_off;
	enum tristate pvspinlock, apic_eoi;
	enum ioapic_driver ioapic;
	bool vmcoreinfo, async_teardown;
	enum tristate ps2;
	uint64_t smm_tseg_mib;   /* 0: QEMU's default TSEG */
	uint64_t dirty_ring;     /* -accel kvm,dirty-ring-size=; 0: none */
	unsigned dirty_ring_line;
	uint64_t tb_cache_mib;   /* -accel tcg,tb-size=; 0: QEMU's default */
	unsigned tcg_line;
};

enum on_poweroff { POWEROFF_DESTROY = 0, POWEROFF_PRESERVE };
enum on_reboot { REBOOT_RESTART = 0, REBOOT_DESTROY };
enum on_crash { CRASH_DEFAULT = 0, CRASH_DESTROY, CRASH_PRESERVE, CRASH_RESTART };

struct lifecycle {
	enum on_poweroff poweroff;
	enum on_reboot reboot;
	enum on_crash crash;
};

/* Disks and their storage. */
#include "parse/disks.h"

/* --- cpu, clock, memory backing: parse/cpu.c, emit/cpu.c --------------- */

/* host-model (and match='minimum', which libvirt turns into it) is -cpu
 * host under KVM and -cpu max under TCG; maximum is -cpu max. */
enum cpu_mode { CPU_DEFAULT = 0, CPU_HOST_PASSTHROUGH, CPU_HOST_MODEL, CPU_CUSTOM,
		CPU_MAXIMUM };

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
	char *vendor_id;         /* <model vendor_id>: 12 characters, or NULL */
	enum { CPU_CACHE_DEFAULT = 0, CPU_CACHE_PASSTHROUGH, CPU_CACHE_EMULATE,
	       CPU_CACHE_DISABLE } cache;      /* <cache mode> */
	enum { CPU_PHYS_DEFAULT = 0, CPU_PHYS_PASSTHROUGH,
	       CPU_PHYS_EMULATE } physaddr;    /* <maxphysaddr mode> */
	unsigned physaddr_bits;  /* <maxphysaddr bits>; 0: not given */
};

enum clock_offset { CLOCK_DEFAULT = 0, CLOCK_UTC, CLOCK_LOCALTIME, CLOCK_ABSOLUTE };

/* <clock>'s timers, as libvirt maps them (parse/clock.c, emit/clock.c). */
enum rtc_track { TRACK_DEFAULT = 0, TRACK_GUEST, TRACK_WALL, TRACK_REALTIME };
enum pit_policy { PIT_DEFAULT = 0, PIT_DELAY, PIT_DISCARD };

struct clock {
	unsigned line;
	enum clock_offset offset;
	uint64_t start;              /* offset='absolute': seconds since the epoch */
	enum rtc_track rtc_track;    /* -rtc clock=vm|host|rt */
	bool rtc_catchup;            /* rtc tickpolicy='catchup': driftfix=slew */
	enum pit_policy pit;         /* -global kvm-pit.lost_tick_policy= */
	enum tristate hpet;          /* -machine hpet=on|off */
	enum tristate kvmclock;      /* -cpu kvmclock=on|off */
	bool hypervclock;            /* -cpu hv-time=on */
	uint64_t tsc_frequency;      /* -cpu tsc-frequency=, Hz; 0: none */
};

/* <pm>: the guest's ACPI sleep states (-global ...disable_s3/s4). */
struct pm {
	enum tristate suspend_to_mem, suspend_to_disk;
};

struct memory_backing {
	unsigned line;           /* 0: no <memoryBacking> */
	bool locked;
	bool hugepages;
	bool memfd;              /* <source type='memfd'/> */
	enum tristate shared;    /* <access mode='shared|private'/> */
	struct hugepage_size *pages; /* <hugepages><page>, see NUMA below */
	size_t npages, pages_alloc;
	bool discard;            /* <discard/> */
	bool prealloc;           /* <allocation mode='immediate'> */
	unsigned prealloc_threads; /* <allocation threads>; 0: not given */
	bool nosharepages;       /* <nosharepages/> */
	bool file;               /* <source type='file'/>: RAM in a file */
};

/* --- controllers: parse/controller.c, emit/controller.c ---------------- */

enum controller_type {
	CTRL_SCSI, CTRL_USB, CTRL_VIRTIO_SERIAL, CTRL_PCI, CTRL_SATA, CTRL_IDE,
	CTRL_FDC,
};

enum controller_model {
	CTRL_MODEL_DEFAULT = 0,  /* none written: the type's (machine's) default */
	CTRL_VIRTIO_SCSI,
	CTRL_SCSI_VIRTIO_TRANSITIONAL, CTRL_SCSI_VIRTIO_NON_TRANSITIONAL,
	CTRL_SCSI_LSILOGIC, CTRL_SCSI_LSISAS1068, CTRL_SCSI_LSISAS1078,
	CTRL_SCSI_VMPVSCSI, CTRL_SCSI_AM53C974, CTRL_SCSI_DC390,
	                         /* emulated HBAs: libvirt's names */
	CTRL_USB_NONE, CTRL_USB_QEMU_XHCI, CTRL_USB_NEC_XHCI,
	CTRL_USB_PIIX3_UHCI, CTRL_USB_ICH9_EHCI1,
	CTRL_USB_ICH9_UHCI1, CTRL_USB_ICH9_UHCI2, CTRL_USB_ICH9_UHCI3,
	                         /* USB1 companions of an ich9-ehci1 */
	CTRL_PCI_ROOT, CTRL_PCIE_ROOT,
	CTRL_PCI_BRIDGE,         /* pc: a pci-bridge on pci.0, id pci.INDEX */
	CTRL_PCI_PXB,            /* pc: a pci-expander-bus (pxb), id pci.INDEX */
};

/* check_controllers() leaves dom->controllers sorted by type, then index. */
struct controller {
	unsigned line;
	enum controller_type type;
	unsigned index;
	enum controller_model model;
	unsigned queues;         /* scsi <driver queues>; 0: not given */
	unsigned ports;          /* usb xhci, virtio-serial; 0: not given */
	int vectors;             /* virtio-serial; -1: not given */
	bool auto_index;         /* no index=: the lowest free one, as libvirt */
	bool implicit;           /* not in the XML: added as libvirt adds it */
	int startport;           /* companion: <master startport>; -1: none
				  * given (check_controllers sets libvirt's) */
	struct virtio_driver virtio; /* <driver> (scsi, virtio-serial) */
	unsigned chassis_nr;     /* pci-bridge <target chassisNr>; 0: index */
	unsigned bus_nr;         /* pxb <target busNr>; 0: libvirt's choice */
	int numa_node;           /* pxb <target><node>; -1: none */
};

/* --- network interfaces: parse/interface.c, emit/interface.c ----------- */

enum net_type {
	NET_USER, NET_BRIDGE, NET_ETHERNET,
	NET_NETWORK,             /* libvirt's virtual network: its bridge,
				  * found by act/ (host_facts.network_bridges) */
	/* parse/interface_socket.c: */
	NET_MCAST, NET_SERVER, NET_CLIENT, NET_UDP, NET_VHOSTUSER,
};
enum net_model { NIC_VIRTIO = 0, NIC_E1000, NIC_E1000E, NIC_RTL8139, NIC_USB,
		 NIC_VMXNET3, NIC_NE2K_PCI, NIC_PCNET };

struct interface {
	unsigned line;
	enum net_type type;
	char *bridge;            /* type='bridge': <source bridge> */
	char *network;           /* type='network': <source network> */
	char *tap;               /* type='ethernet': <target dev> */
	enum net_model model;    /* virtio when no <model> */
	char *mac;               /* canonical lower-case, or NULL */
	unsigned mac_line;
	bool rom_disabled;       /* <rom enabled='no'/> */
	enum tristate rom_bar;   /* <rom bar='on|off'/> */
	char *rom_file;          /* <rom file=...>, or NULL */
	bool vhost;              /* <driver name='vhost'> */
	unsigned queues;         /* <driver queues>; 0: not given */
	unsigned boot_order;     /* <boot order>; 0: none */
	unsigned boot_line;
	struct virtio_driver virtio; /* <driver> virtio options */
	/* parse/interface_socket.c */
	char *address, *port;    /* mcast/server/client/udp <source> */
	char *local_address, *local_port; /* udp <local> */
	char *socket;            /* vhostuser <source type='unix' path> */
	bool socket_server;      /* vhostuser mode='server' */
	unsigned mtu;            /* <mtu size>; 0: none */
	uint64_t sndbuf;         /* <tune><sndbuf>; 0: none */
	char *script, *downscript; /* ethernet <script path>, <downscript path> */
	char *user_net;          /* user <ip family='ipv4'>: ADDR[/PREFIX] */
	char *user_ipv6;         /* user <ip family='ipv6'>: the prefix */
	unsigned user_ipv6_len;  /* its length; 0: not given */
	char *alias;             /* <alias name>: what a hostdev's <teaming> names */
	bool failover;           /* <teaming type='persistent'/>: virtio-net failover=on */
	bool coalesce;           /* <coalesce><rx><frames max>: the tap's rx-frames, */
	unsigned coalesce_frames, coalesce_line; /* set by act/coalesce.c */
};

#include "parse/chardevs.h"

/* --- other devices: parse/misc.c, emit/misc.c -------------------------- */

struct vsock {
	unsigned line;           /* 0: none */
	uint32_t cid;            /* 3 to 0xfffffffe: always given */
	struct virtio_driver virtio; /* <driver> */
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
	struct virtio_driver virtio; /* <driver> */
	bool accel3d;            /* <acceleration accel3d='yes'>: virtio's GL
				  * (virgl) card, needs a GL display */
	enum tristate blob;      /* <model blob=>: virtio's blob resources */
	unsigned xres, yres;     /* <resolution x y>; 0: not given */
	bool vhostuser;          /* <driver name='vhostuser'>: the GPU in a
				  * vhost-user-gpu process sevqemu starts */
	char *rendernode;        /* <acceleration rendernode>: the backend's
				  * --render-node (QEMU's own GPU has none) */
	bool implicit;           /* not in the XML: libvirt's default video
				  * for a graphics device */
};

struct input {
	unsigned line;
	char *type;              /* tablet, mouse, keyboard, passthrough */
	char *bus;               /* usb, virtio, ps2 (absent: usb for a tablet,
				  * virtio for passthrough, else ps2) */
	char *evdev;             /* passthrough: <source evdev>, a host path */
	struct virtio_driver virtio; /* <driver> */
};

struct rng {
	unsigned line;
	bool builtin;            /* <backend model='builtin'/> */
	char *source;            /* <backend model='random'>/dev/urandom */
	struct chardev *egd;     /* <backend model='egd'>: the daemon's chardev */
	uint64_t rate_bytes;     /* <rate bytes=...>; 0: no limit */
	uint64_t rate_period;    /* ms */
	struct virtio_driver virtio; /* <driver> */
};

#include "parse/platform.h"

struct devices_misc {
	struct iommu iommu;
	struct pstore pstore;
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
	bool balloon_none;       /* <memballoon model='none'/> */
	bool balloon_implicit;   /* no <memballoon>: libvirt's virtio one */
	struct virtio_driver balloon_virtio; /* <memballoon><driver> */
	enum tristate balloon_autodeflate, balloon_free_page_reporting;
	uint64_t balloon_stats_period; /* seconds; 0: none */
	unsigned watchdog_line;
	char *watchdog_model, *watchdog_action;
	unsigned watchdog_action_line;
	unsigned panic_line;
	char *panic_model;       /* isa, pvpanic */
	uint64_t panic_iobase;   /* isa <address iobase>; 0: the default */
	unsigned panic_hyperv_line; /* <panic model='hyperv'>: hv-crash on -cpu */
};

/* --- <qemu:commandline>: parse/qemu_ns.c ------------------------------- */

struct qemu_passthrough {
	char **args;             /* appended verbatim */
	size_t nargs, args_alloc;
	char **env;              /* NAME=VALUE */
	size_t nenv, env_alloc;
};

/* The desktop (SPICE, sound), TPM and shared-folder families; NUMA,
 * memory devices and SMBIOS. */
#include "parse/devices.h"
#include "parse/resources.h"

/* --- the domain -------------------------------------------------------- */

struct domain {
	enum virt_type type;
	unsigned line;
	char *name;
	char *uuid;               /* canonical lower-case 8-4-4-4-12, or NULL */

	uint64_t memory_bytes;
	unsigned memory_line;
	enum tristate dump_core;       /* <memory dumpCore=on|off> */
	uint64_t current_memory_bytes; /* 0: same as memory */
	unsigned current_memory_line;
	unsigned name_line;

	unsigned vcpus;           /* maximum */
	unsigned vcpus_current;   /* 0: all */
	unsigned vcpu_line;

	struct os os;
	struct features features;
	struct hypervisor_features hv;
	struct lifecycle lifecycle;
	char *emulator;
	unsigned emulator_line;

	struct disk *disks;
	size_t ndisks, disks_alloc;

	struct cpu cpu;
	struct clock clock;
	struct pm pm;
	struct memory_backing memory_backing;
	struct controller *controllers;
	size_t ncontrollers, controllers_alloc;
	struct interface *interfaces;
	size_t ninterfaces, interfaces_alloc;
	struct chardev *chardevs;
	size_t nchardevs, chardevs_alloc;
	struct vserial_buses vserial;
	struct devices_misc misc;
	struct desktop desktop;
	struct smartcard smartcard;
	struct usb_hub *usb_hubs;
	size_t nusb_hubs, usb_hubs_alloc;
	struct hostdev *hostdevs;
	size_t nhostdevs, hostdevs_alloc;
	struct qemu_passthrough qemu;
	struct tpm tpm;
	struct filesystem *filesystems;
	size_t nfilesystems, filesystems_alloc;
	struct sysinfo sysinfo;
	struct iothreads iothreads;
	struct numa numa;
	struct memory_devices memdevs;

	struct launch_security launch;
};


#endif
