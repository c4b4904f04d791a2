/*
 * build: what the argument builders in emit/ share.  Internal to emit/.
 * One builder per kind of thing, each appending to b->plan->argv in the
 * order QEMU needs (a root port before the device on it).
 */
#ifndef SEVQEMU_BUILD_H
#define SEVQEMU_BUILD_H

#include "lib/xalloc.h"
#include "emit/plan.h"

struct pci {
	enum machine_family family;
	unsigned next;   /* next free port (q35) or slot (pc) */
	unsigned nbridges;        /* pc: pci-bridges and pxbs emitted, in order */
	unsigned bridge[31];      /* their indices: bus pci.INDEX */
	bool pxb[31];             /* a pxb: slots 0-31, a bridge's 1-31 */
	unsigned low_bus_nr;      /* the lowest pxb bus number so far; 0: none */
	bool adding;              /* placing a bridge sevqemu adds itself */
};

struct boot_plan {
	bool per_device;                   /* some device has <boot order> */
	unsigned disk_index, cdrom_index, interface_index; /* 0: no boot */
	size_t first_disk, first_cdrom, first_interface;   /* SIZE_MAX: none */
	unsigned floppy_index;   /* <boot dev='fd'>; 0: no boot */
	size_t first_floppy;     /* SIZE_MAX: none */
};

/* The firmware to load, from the XML or chosen (firmware.c). */
struct firmware {
	enum loader_type type;   /* ROM: -bios; PFLASH: pflash0/1; NONE */
	char *code;
	bool code_readonly;
	char *nvram;             /* pflash1, or NULL */
	char *nvram_template;
	bool nvram_in_state_dir;
	bool secure;             /* Secure Boot: cfi.pflash01 secure=on */
	bool requires_smm;       /* chosen firmware needs SMM: smm=on */
};

struct build {
	const struct domain *dom;
	const struct plan_options *opts;
	const struct host_facts *host;
	struct plan *plan;
	struct diag *d;
	struct argv *argv;
	struct pci pci;
	struct boot_plan boot;
	struct firmware fw;
	bool sev;        /* any AMD launch security */
	bool es;         /* encrypted register state: SEV-ES or SNP */
	bool snp;
};

/* The launch-security object's id, which -machine names too. */
#define LAUNCH_OBJECT_ID "sev0"

/* A builder appends its family's options to the command line. */
typedef void builder(struct build *b);

/*
 * Ends an option (as kv_push()); for -machine, -cpu, -object and -device it
 * also records the QEMU type (the option's head) for --probe.
 */
void build_push(struct build *b, struct keyval *kv, const char *option);

/* general.c: -name/-uuid, the defaults, the monitor, <qemu:commandline> */
void build_identity(struct build *b);
void build_defaults(struct build *b);
void build_monitor(struct build *b);
void build_passthrough(struct build *b);

/* machine.c */
void build_machine(struct build *b);
void build_lifecycle(struct build *b);

/* memory.c: -m and -smp, -overcommit, the memory backend */
void build_memory_cpus(struct build *b);
void build_memory_backing(struct build *b);
/* The memory backend's id when <memoryBacking> asks for one, else NULL. */
const char *memory_backend_id(const struct domain *dom);
/* What one memory backend (the guest's RAM, a NUMA cell's) is made of. */
struct backend_spec {
	bool hugepages;
	uint64_t hugepage_kib;       /* 0: the default size */
	enum tristate shared;
	bool discard;
	bool file;                   /* a file backend whatever the rest says */
	enum numa_mode mode;
	const struct idset *host_nodes; /* NULL: none */
	bool no_reserve;             /* virtio-mem: reserve=off */
};
void memory_backend(struct build *b, const char *id, uint64_t bytes,
		    const struct backend_spec *spec);

/* numa.c: a backend and -numa node per cell, -numa dist */
void build_numa(struct build *b);
/* memdev.c: pc-dimm and virtio-mem devices with their backends */
void build_memory_devices(struct build *b);

/* loader.c: -bios or pflash, the nvram from its template, -kernel */
void build_firmware(struct build *b);

/* firmware.c */
bool firmware_resolve(struct build *b);
void firmware_release(struct firmware *fw);

/* launchsec.c */
void build_launch_security(struct build *b);

/* pci.c: the pci-bridges a pc machine's XML declares, on pci.0 */
void build_pci_bridges(struct build *b);
/* pci.c: puts the device being built on a PCI(e) slot of its own. */
bool pci_place(struct build *b, struct keyval *device, unsigned line,
	       const char *element);

/* pci.c: a whole slot for a multifunction group (a USB2 controller and
 * its companions): its bus in BUS and its slot in *SLOT. */
bool pci_reserve_slot(struct build *b, char *bus, size_t size, unsigned *slot,
		      unsigned line, const char *element);

/* Begins KV with BASE's flavour VD asks for (NULL: BASE): BASE,
 * BASE-transitional or BASE-non-transitional. */
void virtio_begin(struct keyval *kv, const char *base,
		  const struct virtio_driver *vd);
/* virtio.c: one virtio device's options, for every virtio device: the
 * iommu_platform=on an encrypted guest's devices need unless the XML turns
 * the IOMMU off, then those VD's <driver> gives (ats, packed, page-per-vq,
 * queues, iothread...).  VD may be NULL: none given.  HAS_LEGACY: a
 * virtio-pci transitional device, which also gets disable-legacy=on with
 * iommu_platform=on. */
void virtio_options(struct build *b, struct keyval *device,
		    const struct virtio_driver *vd, bool has_legacy);

/* iothreads.c: -object iothread and main-loop */
void build_iothreads(struct build *b);

/* boot.c */
struct boot_plan boot_plan(const struct domain *dom);
unsigned boot_index_disk(const struct boot_plan *bp, const struct disk *disk,
			 size_t i);
unsigned boot_index_interface(const struct boot_plan *bp,
			      const struct interface *net, size_t i);
/* A hostdev boots only by its own <boot order>. */
unsigned boot_index_hostdev(const struct boot_plan *bp, const struct hostdev *h);

/* cpu.c: -cpu */
void build_cpu(struct build *b);
/* features.c: Hyper-V and KVM flags for -cpu, kernel_irqchip and i8042
 * for -machine, and the rest (TSEG, vmcoreinfo, -async-teardown) */
bool hypervisor_needs_cpu(const struct domain *dom);
void hypervisor_cpu_flags(const struct domain *dom, struct keyval *kv);
void hypervisor_machine_props(const struct domain *dom, struct keyval *kv);
void build_hypervisor_extras(struct build *b);
/* clock.c: -rtc and the PIT's tick policy; the sleep states of <pm> */
void build_clock(struct build *b);
void build_power(struct build *b);

/* One builder per device family, each in its own file. */
void build_disks(struct build *b);       /* disk.c */
/* disk.c: bus= and the place on a scsi controller (a disk's or a
 * passed-through SCSI device's), as the controller's model takes it. */
void scsi_place(struct build *b, struct keyval *kv, unsigned controller,
		unsigned target, unsigned unit);
/* disk_source.c: -object secret for a disk's <auth> or LUKS key (a 0600
 * file in the state dir), and a network disk's protocol node keys. */
bool disk_secret(struct build *b, const struct secret_ref *ref, const char *id);
bool secret_object(struct build *b, const char *id, const char *value,
		   size_t len, const char *format);
void network_keys(struct keyval *kv, const struct disk *disk,
		  const char *secret_id);
void build_controllers(struct build *b); /* controller.c */
/*
 * controller.c: the bus name a device on controller TYPE/INDEX uses
 * ("scsi0.0", "usb0.0", "vserial0.0"): controller ids are the type's short
 * name and the index.  build_controllers() creates every controller a
 * device needs, the implicit index-0 ones included.
 */
const char *controller_bus(enum controller_type type, unsigned index,
			   char *buf, size_t size);
/* controller.c: the model of scsi controller INDEX (the default when it
 * is implicit); O(log controllers). */
enum controller_model scsi_controller_model(const struct domain *dom,
					    unsigned index);
void build_interfaces(struct build *b);  /* interface.c */
void build_hostdevs(struct build *b);    /* hostdev.c */
void build_chardevs(struct build *b);    /* chardev.c */
/* chardev.c: one -chardev for C's host side (also an rng's EGD backend);
 * ID names a socket in the state dir when one goes there. */
bool build_chardev_backend(struct build *b, const struct chardev *c,
			   const char *charid, const char *id);
void build_smartcard(struct build *b);   /* smartcard.c */
void build_usb_hubs(struct build *b);    /* usb.c */
/* usb.c: usb-redir's filter= for the <redirfilter> rules (a new string) */
char *usb_redir_filter(const struct desktop *dt);
void build_misc(struct build *b);        /* misc.c */
void build_iommu(struct build *b);       /* iommu.c */
void build_pstore(struct build *b);      /* pstore.c */
void build_display(struct build *b);     /* misc.c: -display none or -vnc */
/* display.c: -display egl-headless, dbus or sdl */
void build_local_display(struct build *b);

void build_tpm(struct build *b);         /* tpm.c */
void build_filesystems(struct build *b); /* filesystem.c */
/* audio.c: a -audiodev per <audio> */
void build_audiodev(struct build *b);
/* The -audiodev id of the <audio> with id= ID; 0 (or none such): the
 * first, which libvirt gives a display or sound card without <audio id>. */
const char *audio_ref(const struct domain *dom, unsigned id, char *buf, size_t size);
/* spice.c: the desktop — SPICE, sound, USB redirection */
void build_spice(struct build *b);
void build_sounds(struct build *b);
void build_redirdevs(struct build *b);
/* sysinfo.c: -smbios, -fw_cfg */
void build_sysinfo(struct build *b);

/* state.c */
struct plan_file *plan_add_file(struct plan *plan);
/* The state dir, chosen (and reported if unusable) on first use; NULL after
 * an error. */
const char *plan_state_dir(struct build *b);
/* Where a helper comes from and lives: its Debian package, the element
 * that asks for it, its socket (owned by the helper from then on) and its
 * pid file and log, STEM.pid and STEM.log in the state dir DIR. */
struct helper_place {
	const char *package, *element;
	unsigned line;
	char *socket;
	const char *dir, *stem;
};
/* A helper to start beside QEMU (its argv and setup empty, ready to fill). */
struct plan_helper *plan_add_helper(struct plan *plan, const char *name,
				    const struct helper_place *at);
/* DIR/NAME for a unix socket, or NULL after an error (73: too long for
 * sun_path) about ELEMENT on LINE. */
char *state_dir_socket_path(struct build *b, const char *dir, const char *name,
			    unsigned line, const char *element);

#endif
