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
	enum tristate vmport, smm;
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

enum disk_bus { BUS_VIRTIO, BUS_SATA, BUS_IDE, BUS_SCSI };
enum disk_format { FORMAT_RAW, FORMAT_QCOW2 };

struct disk {
	unsigned line;
	unsigned target_line, driver_line;
	bool block;              /* type='block': a host device, not a file */
	bool cdrom;
	char *source;            /* NULL: an empty cdrom */
	enum disk_format format;
	char *target;            /* dev name, e.g. vda */
	enum disk_bus bus;
	bool readonly, shareable;
	char *serial;
	char *cache, *discard, *io; /* as written, validated */
	enum tristate iommu;
	unsigned boot_order;     /* 0: none */
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

	struct launch_security launch;
};

void domain_free(struct domain *d);

#endif
