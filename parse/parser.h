/*
 * parser: what the element parsers in parse/ share.  Internal to parse/.
 *
 * Each element parser takes the parser context and its node, fills the
 * domain, and reports through p->d.  After the first error every parser
 * returns at once (callers test diag_failed()); a refusal (unsupported())
 * is no error: the parse goes on without the refused element.
 */
#ifndef SEVQEMU_PARSER_H
#define SEVQEMU_PARSER_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/diag.h"
#include "parse/domain.h"
#include "parse/parse.h"
#include "parse/xml.h"

struct parser {
	struct diag *d;
	struct domain *dom;
	const struct parse_options *opts;
};

/* The text of N as a decimal in [min, max]; EXPECT completes "expected ...". */
bool text_decimal(struct parser *p, const xmlNode *n, uint64_t min,
		  uint64_t max, uint64_t *out, const char *expect);

/* Attribute NAME of N as a decimal in [min, max]; false if absent or bad. */
bool attr_decimal(struct parser *p, const xmlNode *n, const char *name,
		  uint64_t min, uint64_t max, uint64_t *out);

/* Attribute NAME of N: yes/no (or on/off when ONOFF), TRI_DEFAULT if absent. */
enum tristate attr_yesno(struct parser *p, const xmlNode *n, const char *name);
enum tristate attr_onoff(struct parser *p, const xmlNode *n, const char *name);

/*
 * Attribute NAME of N, which must be one of CHOICES (NULL-terminated);
 * returns its index, -1 when absent, -2 (after an error) when not a choice.
 */
int attr_choice(struct parser *p, const xmlNode *n, const char *name,
		const char *const *choices);

/* A required attribute; reports its absence. */
const char *attr_required(struct parser *p, const xmlNode *n, const char *name);

/* Text of N into *slot; a second occurrence of the element is an error. */
bool text_once(struct parser *p, const xmlNode *n, char **slot);

/*
 * Whether S is a plain name — letters, digits, '.', '-', '_' — as QEMU's
 * machine types, CPU models and features are.  Such values go into
 * options; anything else in them is a mistake or an injection.
 */
bool plain_name(const char *s);

/* Whether S is one of LIST (NULL-terminated); where: its index, or -1. */
bool in_list(const char *s, const char *const *list);
int list_index(const char *s, const char *const *list);

/* Every attribute of N must be in KNOWN (NULL-terminated); others are
 * refused by name (69), or dropped with a warning under
 * --ignore-unsupported.  False after an error. */
bool known_attrs(struct parser *p, const xmlNode *n, const char *const *known);

/* N appears a second time where one is allowed: 65. */
void duplicate(struct parser *p, const xmlNode *n);

/*
 * N is valid XML that sevqemu does not translate: 69 naming it, or with
 * --ignore-unsupported a warning that it was dropped.  WHY may be NULL.
 * Either way the parse goes on without N, so that one run names every
 * refusal; parse_domain() turns them into 69 at the end.
 */
void unsupported(struct parser *p, const xmlNode *n, const char *why);
/* The same with the reason formatted. */
void refuse(struct parser *p, const xmlNode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* N is host-side management data that has no QEMU argument: -v note. */
void ignored(struct parser *p, const xmlNode *n);

/* N is not an element that may stand inside PARENT: 65. */
void unexpected(struct parser *p, const xmlNode *n, const xmlNode *parent,
		const char *expected);

/* virtio.c: a child every device may have: <alias>, <address> (ignored), <driver
 * iommu= ats= packed= page_per_vq=> (into *VD, when the device is virtio).
 * False: not one. */
bool device_common_child(struct parser *p, const xmlNode *c,
			 struct virtio_driver *vd);

/*
 * The registration table (families.c): every element sevqemu reads, where
 * it may stand, which function parses it, and the family's whole-domain
 * check and release.  Adding an element family is one parse file and one
 * row here (and one builder in emit/plan.c's table).
 */
typedef void element_parser(struct parser *p, const xmlNode *n);
typedef void domain_check(struct parser *p);
typedef void domain_release(struct domain *dom);

enum element_parent { IN_DOMAIN, IN_DEVICES };

struct element_row {
	const char *name;
	const char *ns;            /* namespace URI; NULL: libvirt's own (none) */
	enum element_parent parent;
	element_parser *parse;     /* NULL: host-side data, a -v note */
	domain_check *check;       /* once, after the document; run in table order */
	domain_release *release;   /* frees what the family put in the domain */
};

/* Each child of N (standing in PARENT) by its row, or refused by name. */
void parse_children_of(struct parser *p, const xmlNode *n,
		       enum element_parent parent);
/* The families' whole-domain checks, in table order, until one fails. */
void check_families(struct parser *p);
/* Every family's release. */
void release_families(struct domain *dom);

/* The families, one file each (the rows of families.c). */
void parse_name(struct parser *p, const xmlNode *n);            /* general.c */
void parse_uuid_element(struct parser *p, const xmlNode *n);
void parse_memory_element(struct parser *p, const xmlNode *n);
void parse_current_memory(struct parser *p, const xmlNode *n);
void parse_blkiotune(struct parser *p, const xmlNode *n);
void parse_vcpu(struct parser *p, const xmlNode *n);
void parse_lifecycle(struct parser *p, const xmlNode *n);
void parse_emulator(struct parser *p, const xmlNode *n);
void check_general(struct parser *p);
void free_general(struct domain *dom);
void parse_os(struct parser *p, const xmlNode *n);              /* os.c */
void parse_features(struct parser *p, const xmlNode *n);
void check_os(struct parser *p);
void free_os(struct domain *dom);
void parse_launch_security(struct parser *p, const xmlNode *n); /* launchsec.c */
void parse_seed_sev(struct parser *p, const xmlNode *n);
void check_launch(struct parser *p);
void free_launch(struct domain *dom);
void parse_cpu(struct parser *p, const xmlNode *n);             /* cpu.c */
void parse_memory_backing(struct parser *p, const xmlNode *n);
void check_cpu(struct parser *p);
void free_cpu(struct domain *dom);
void parse_disk(struct parser *p, const xmlNode *n);            /* disk.c */
void check_disks(struct parser *p);
void free_disks(struct domain *dom);
/* disk_source.c: type='network' sources, <auth>, <encryption>, <secret> */
void parse_network_source(struct parser *p, const xmlNode *n, struct disk *disk);
void parse_disk_auth(struct parser *p, const xmlNode *n, struct disk *disk);
void parse_disk_encryption(struct parser *p, const xmlNode *n, struct disk *disk);
void parse_secret_ref(struct parser *p, const xmlNode *n, struct secret_ref *ref);
void free_disk_source(struct disk *disk);
/* disk_detail.c: <wwn>, <vendor>, <product>, <geometry>, <blockio>;
 * false: C is none of them */
bool parse_disk_detail(struct parser *p, const xmlNode *c, struct disk *disk);
void free_disk_detail(struct disk *disk);
/* disk_backing.c: <backingStore> chains */
void parse_disk_backing(struct parser *p, const xmlNode *n, struct disk *disk);
bool attr_disk_format(struct parser *p, const xmlNode *n, const char *name,
		      enum disk_format *format);
void free_disk_backing(struct disk *disk);
void parse_disk_slices(struct parser *p, const xmlNode *n, struct disk_slice *slice);
void parse_nvme_source(struct parser *p, const xmlNode *n, struct disk *disk);
void parse_vhostuser_source(struct parser *p, const xmlNode *n, struct disk *disk);
void parse_disk_reservations(struct parser *p, const xmlNode *n, struct disk *disk);
bool vhostuser_memory_shared(const struct domain *dom);
/* common.c: a number as libvirt reads one (0x… hex, else decimal), at
 * most MAX; false after an error (or when REQUIRED and missing). */
bool attr_number(struct parser *p, const xmlNode *n, const char *name,
		 uint64_t max, unsigned *out, bool required);
void check_disk_detail(struct parser *p, const xmlNode *n, const struct disk *disk);
void parse_controller(struct parser *p, const xmlNode *n);      /* controller.c */
void check_controllers(struct parser *p);
void free_controllers(struct domain *dom);
/* controller.c, for controller_check.c: */
extern const char *const controller_type_names[];
int controller_order(const void *a, const void *b); /* type, index, line */
bool controller_assign_indices(struct parser *p);
/* A SCSI place against its controller's model (controller_check.c). */
void check_scsi_place(struct parser *p, unsigned line, const char *tag,
		      unsigned controller, unsigned target, unsigned unit);
/* The controller TYPE INDEX once sorted by controller_order, or NULL. */
const struct controller *controller_find(const struct domain *dom,
					 enum controller_type type,
					 unsigned index);
void parse_interface(struct parser *p, const xmlNode *n);       /* interface.c */
void check_interfaces(struct parser *p);
void free_interfaces(struct domain *dom);
/* interface_socket.c: socket and vhost-user types, <mtu>, <tune>, <script> */
bool interface_socket_type(const char *type, enum net_type *t);
void parse_net_socket_source(struct parser *p, const xmlNode *n, struct interface *net);
bool parse_interface_extra(struct parser *p, const xmlNode *c, struct interface *net);
void check_interface_socket(struct parser *p, const struct interface *net);
void check_interface_coalesce(struct parser *p, struct interface *net);
void free_interface_socket(struct interface *net);
/* chardev.c: <serial>, <console>, <channel>, <parallel> */
void parse_chardev(struct parser *p, const xmlNode *n);
void check_chardevs(struct parser *p);
void free_chardevs(struct domain *dom);
/* chardev_source.c: a chardev's host side (also an rng's EGD backend):
 * chardev_type() reads type= (false: refused or invalid), then each child
 * goes to chardev_backend_child() (false: not <source>, <protocol> or
 * <log>), then chardev_backend_end() checks what is missing. */
struct chardev_seen { bool source, protocol, log; };
bool chardev_type(struct parser *p, const xmlNode *n, struct chardev *c);
bool chardev_backend_child(struct parser *p, const xmlNode *k, struct chardev *c,
			   struct chardev_seen *seen);
void chardev_backend_end(struct parser *p, const xmlNode *n, struct chardev *c,
			 const struct chardev_seen *seen);
bool chardev_same_backend(const struct chardev *a, const struct chardev *b);
void chardev_release(struct chardev *c);
void chardev_release(struct chardev *c);
/* usb.c: <hub>, <redirfilter> */
void parse_hub(struct parser *p, const xmlNode *n);
void parse_redirfilter(struct parser *p, const xmlNode *n);
void check_usb_hubs(struct parser *p);
void free_usb_hubs(struct domain *dom);
/* smartcard.c */
void parse_smartcard(struct parser *p, const xmlNode *n);
void check_smartcard(struct parser *p);
void free_smartcard(struct domain *dom);
/* misc.c: <vsock>, <video>, <input>, <memballoon>, <rng>, <watchdog>, <panic> */
void parse_misc_device(struct parser *p, const xmlNode *n);
void check_misc(struct parser *p);
void free_misc(struct domain *dom);
/* features.c: <hyperv>, <kvm>, … inside <features> (parse_features()
 * in os.c hands them over) */
bool parse_hypervisor_feature(struct parser *p, const xmlNode *c);
void parse_apic_eoi(struct parser *p, const xmlNode *n);
void parse_smm_tseg(struct parser *p, const xmlNode *n);
void check_hypervisor_features(struct parser *p);
void free_hypervisor_features(struct domain *dom);
/* vserial.c: virtio consoles' and channels' places on the virtio-serial
 * buses (chardev.c reads the elements) */
void parse_vserial_address(struct parser *p, const xmlNode *n, struct chardev *c);
void assign_vserial_ports(struct parser *p);
/* clock.c: <clock> with its timers, <pm> */
void parse_iommu(struct parser *p, const xmlNode *n);           /* iommu.c */
void check_iommu(struct parser *p);
void parse_pci_target(struct parser *p, const xmlNode *n, struct controller *c); /* pcibus.c */
void check_pci_bus(struct parser *p, const struct controller *c, bool q35);
void parse_pstore(struct parser *p, const xmlNode *n);          /* pstore.c */
void check_pstore(struct parser *p);
void parse_clock(struct parser *p, const xmlNode *n);
void parse_pm(struct parser *p, const xmlNode *n);
/* hostdev.c: <hostdev mode='subsystem'> pci, usb, mdev, scsi */
void parse_hostdev(struct parser *p, const xmlNode *n);
/* <interface type='hostdev'>: a PCI hostdev (interface.c hands it over);
 * <teaming> of an interface or a hostdev */
void parse_net_hostdev(struct parser *p, const xmlNode *n);
void parse_teaming(struct parser *p, const xmlNode *n, bool *persistent,
		   char **pair, unsigned *pair_line);
void check_hostdevs(struct parser *p);
/* hostdev_scsi.c: type='scsi', a host SCSI device or an iSCSI LUN */
void parse_scsi_hostdev_source(struct parser *p, const xmlNode *n, struct hostdev *h);
void parse_scsi_hostdev_address(struct parser *p, const xmlNode *c, struct hostdev *h);
bool parse_scsi_hostdev_access(struct parser *p, const xmlNode *n, struct hostdev *h);
void check_scsi_hostdevs(struct parser *p);
void free_scsi_hostdev(struct hostdev *h);
void free_hostdevs(struct domain *dom);
/* graphics.c: <graphics type='vnc'> */
void parse_display_device(struct parser *p, const xmlNode *n);
/* video.c: <video>'s <model> children, <driver name>, whole-domain rules */
void video_model_child(struct parser *p, const xmlNode *k, struct video *v);
bool video_driver_name(struct parser *p, const xmlNode *c, struct video *v);
void check_video_details(struct parser *p, const struct domain *dom);
/* display.c: <graphics type='egl-headless'|'dbus'|'sdl'> (from graphics.c) */
void parse_display(struct parser *p, const xmlNode *n, enum display_kind kind);
void free_display(struct domain *dom);
/* audio.c: <audio>; find_audio(): the one with id= ID, or NULL */
void parse_audio(struct parser *p, const xmlNode *n);
const struct audio *find_audio(const struct domain *dom, unsigned id);
void free_audios(struct domain *dom);
/* tpm.c: <tpm> */
void parse_tpm(struct parser *p, const xmlNode *n);
void free_tpm(struct domain *dom);
/* filesystem.c: <filesystem> */
void parse_filesystem(struct parser *p, const xmlNode *n);
void check_filesystems(struct parser *p);
void free_filesystems(struct domain *dom);
/* spice.c: <graphics type='spice'> (from graphics.c), <sound>, <redirdev> */
void parse_spice(struct parser *p, const xmlNode *n);
void parse_sound(struct parser *p, const xmlNode *n);
void parse_redirdev(struct parser *p, const xmlNode *n);
void check_desktop(struct parser *p);
void free_desktop(struct domain *dom);
/* qemu_ns.c: <qemu:commandline> */
#define QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"
void parse_qemu_commandline(struct parser *p, const xmlNode *n);
void free_qemu(struct domain *dom);
/* virtio.c: a <driver>'s virtio options, for the device kinds given. */
enum { VD_COMMON = 1, VD_DISK = 2, VD_NET = 4, VD_SCSI = 8 };
/* virtio.c: the model= names of a virtio device, in enum virtio_flavour's
 * order (NULL-terminated), for devices where another name is invalid. */
extern const char *const virtio_model_names[];
/* virtio.c: whether MODEL (NULL: absent) is 'virtio', 'virtio-transitional' or
 * 'virtio-non-transitional'; if so, VD's flavour is set to it. */
bool parse_virtio_model(const char *model, struct virtio_driver *vd);
/* Refuses transitional disks, vhost-scsi, NICs, rngs, balloon, vsock, 9p and
 * virtio-serial on an encrypted guest. */
void check_virtio_models(struct parser *p);
/* Whether attribute NAME is a virtio option of a device of KINDS. */
bool virtio_driver_attr(const char *name, unsigned kinds);
void parse_virtio_driver(struct parser *p, const xmlNode *n, unsigned kinds,
			 struct virtio_driver *vd);
/* Whether VD asks for any of the options common to every virtio device. */
bool virtio_driver_given(const struct virtio_driver *vd);
/* iothreads.c: <iothreads>, <iothreadids>, <defaultiothread> */
void parse_iothreads(struct parser *p, const xmlNode *n);
void check_iothreads(struct parser *p);
void free_iothreads(struct domain *dom);
/* numa.c: <cpu><numa> (from cpu.c), <numatune>, <hugepages><page> */
void parse_numa(struct parser *p, const xmlNode *n);
void parse_numatune(struct parser *p, const xmlNode *n);
void parse_hugepage_size(struct parser *p, const xmlNode *n);
/* libvirt's set syntax, "0-3,^2,8", each number at most MAX; not empty. */
bool idset_parse(const char *s, unsigned max, struct idset *out);
void check_numa(struct parser *p);
void free_numa(struct domain *dom);
/* numa_hmat.c: <cell><cache>, <numa><interconnects> (from numa.c) */
void parse_numa_cache(struct parser *p, const xmlNode *n, struct numa_cell *cell);
void parse_interconnects(struct parser *p, const xmlNode *n, struct numa *numa);
void check_hmat(struct parser *p, struct numa *numa);
void free_hmat(struct numa *numa);
/* memdev.c: <maxMemory>, <memory model=...> devices, <memoryBacking>
 * <allocation> (from cpu.c) */
void parse_max_memory(struct parser *p, const xmlNode *n);
void parse_memory_device(struct parser *p, const xmlNode *n);
void parse_allocation(struct parser *p, const xmlNode *n);
void check_memory_devices(struct parser *p);
void free_memory_devices(struct domain *dom);
/* sysinfo.c: <sysinfo type='smbios|fwcfg'>, <os><smbios mode> */
void parse_sysinfo(struct parser *p, const xmlNode *n);
void parse_os_smbios(struct parser *p, const xmlNode *n);
void check_sysinfo(struct parser *p);
void free_sysinfo(struct domain *dom);

#endif
