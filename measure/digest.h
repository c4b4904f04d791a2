/*
 * digest: the launch digest the AMD secure processor computes while QEMU
 * and KVM load the guest.
 *
 * SEV and SEV-ES (SEV API, LAUNCH_UPDATE_DATA / LAUNCH_UPDATE_VMSA): one
 * SHA-256 over everything loaded, in order — the firmware image, the SEV
 * hash table when the kernel is measured, then (SEV-ES) the save area of
 * every vCPU, the boot processor first.
 *
 * SEV-SNP (SNP ABI, SNP_LAUNCH_UPDATE, "PAGE_INFO"): a chain of SHA-384,
 * one link per 4 KiB page: digest = SHA-384(previous digest, SHA-384 of the
 * page or zeros, 0x70, page type, 0, 0, 0, 0, 0, GPA), starting from zeros.
 * Pages: the firmware image (normal) mapped to end at 4 GiB; OVMF's
 * metadata sections in their order (zero, secrets, CPUID, the kernel-hashes
 * page: normal when QEMU filled it, else zero); then each vCPU's save area
 * (VMSA type, GPA 0xfffffffff000).
 */
#ifndef SEVQEMU_MEASURE_DIGEST_H
#define SEVQEMU_MEASURE_DIGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "measure/hashes.h"
#include "measure/ovmf.h"

enum measure_mode { MEASURE_SEV, MEASURE_SEV_ES, MEASURE_SNP };

struct digest_input {
	enum measure_mode mode;
	const struct ovmf *fw;
	const uint8_t *hash_table;  /* HASH_TABLE_PADDED bytes; NULL: none */
	unsigned vcpus;             /* present at boot */
	uint32_t signature;         /* SEV-ES, SNP */
	uint64_t sev_features;      /* SEV-ES, SNP */
	bool init2;                 /* FPU state in the save areas */
};

/* SNP page types (SNP ABI, SNP_LAUNCH_UPDATE). */
enum snp_page {
	SNP_PAGE_NORMAL = 1, SNP_PAGE_VMSA = 2, SNP_PAGE_ZERO = 3,
	SNP_PAGE_UNMEASURED = 4, SNP_PAGE_SECRETS = 5, SNP_PAGE_CPUID = 6,
};

#define SNP_VMSA_GPA 0xfffffffff000ull
#define PAGE_BYTES 4096u

/* SEV and SEV-ES. */
void digest_sev(const struct digest_input *in, uint8_t out[SHA256_BYTES]);

/* SEV-SNP; the caller has checked the firmware (digest_snp_check). */
void digest_snp(const struct digest_input *in, uint8_t out[SHA384_BYTES]);

/* Whether digest_snp() can measure IN: the image and every section whole
 * pages, the hash table inside its section.  *WHY says what is not. */
bool digest_snp_check(const struct digest_input *in, const char **why);

/* One link of the SNP chain, exposed for the unit tests. */
void snp_extend(uint8_t ld[SHA384_BYTES], enum snp_page type, uint64_t gpa,
		const uint8_t contents[SHA384_BYTES]);

#endif
