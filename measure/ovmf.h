/*
 * ovmf: what an SEV-capable OVMF image tells the host, read as QEMU reads
 * it (hw/i386/pc_sysfw_ovmf.c, target/i386/sev.c).
 *
 * At the very end of the image, 32 bytes before its last byte, sits the
 * footer of a GUID table: a 16-bit length and the footer GUID.  The table
 * grows backwards from there, each entry being DATA, a 16-bit length (of
 * the whole entry) and a GUID.  The entries sevqemu reads:
 *   - the SEV hash table: base and size (32-bit each) of the page where
 *     QEMU puts the kernel/initrd/cmdline hashes (kernel-hashes=on);
 *   - the SEV-ES reset block: the 32-bit address where the APs start;
 *   - the SEV secret area: base and size of where a launch secret goes;
 *   - the SEV metadata: a 32-bit offset, from the end of the image, of an
 *     "ASEV" header (signature, length, version 1, count) followed by
 *     descriptors of 12 bytes (base, length, type: 32-bit each) naming
 *     the pages SNP's launch must add: zero pages, the secrets page, the
 *     CPUID page, the SVSM calling area, the kernel-hashes page.
 */
#ifndef SEVQEMU_MEASURE_OVMF_H
#define SEVQEMU_MEASURE_OVMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* OVMF's metadata section types (OvmfPkg/ResetVector/X64/
 * OvmfSevMetadata.asm). */
enum ovmf_section_type {
	OVMF_SEC_MEM = 1,          /* pre-validated memory: zero pages */
	OVMF_SEC_SECRETS = 2,      /* the SNP secrets page */
	OVMF_SEC_CPUID = 3,        /* the SNP CPUID page */
	OVMF_SEC_SVSM_CAA = 4,     /* the SVSM calling area: zero pages */
	OVMF_SEC_KERNEL_HASHES = 0x10, /* the page with the hash table */
};

struct ovmf_section {
	uint32_t base, size, type;
};

struct ovmf {
	const uint8_t *data;     /* the image, not owned */
	size_t size;
	bool has_table;          /* the footer GUID is there */

	bool has_hashes;         /* SEV hash table area */
	uint32_t hashes_base, hashes_size;
	bool has_reset;          /* SEV-ES reset block */
	uint32_t reset_addr;
	bool has_secret;         /* SEV launch-secret area */
	uint32_t secret_base, secret_size;
	bool has_metadata;       /* "ASEV" header */
	uint32_t metadata_offset; /* from the end of the image */
	struct ovmf_section *sections;   /* owned */
	size_t nsections;
};

/*
 * Reads the GUID table and the metadata of DATA (SIZE bytes) into *FW.
 * An image without the footer GUID is valid (plain SEV needs none).
 * Returns false with *WHY (a static phrase completing "the firmware's
 * ...") when the table or the metadata is malformed: a length that runs
 * out of the image, a bad signature.  Release with ovmf_release().
 */
bool ovmf_parse(struct ovmf *fw, const uint8_t *data, size_t size,
		const char **why);
void ovmf_release(struct ovmf *fw);

/* The section of TYPE, or NULL. */
const struct ovmf_section *ovmf_section(const struct ovmf *fw, uint32_t type);

/* A name for a section type ("zero (pre-validated)", "secrets", ...). */
const char *ovmf_section_name(uint32_t type);

/* Little-endian readers the measure code shares. */
static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#endif
