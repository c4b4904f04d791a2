#include "measure/digest.h"

#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "lib/xalloc.h"
#include "measure/vmsa.h"

#define PAGE_INFO_BYTES 0x70
#define FOUR_GIB 0x100000000ull

/* The two save areas: the boot processor's and the others'. */
static void save_areas(const struct digest_input *in, uint8_t bsp[VMSA_BYTES],
		       uint8_t ap[VMSA_BYTES])
{
	vmsa_build(bsp, VMSA_BSP_EIP, in->signature, in->sev_features,
		   in->init2);
	vmsa_build(ap, in->fw->reset_addr, in->signature, in->sev_features,
		   in->init2);
}

void digest_sev(const struct digest_input *in, uint8_t out[SHA256_BYTES])
{
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, in->fw->size, in->fw->data);
	if (in->hash_table)
		sha256_update(&ctx, HASH_TABLE_PADDED, in->hash_table);
	if (in->mode == MEASURE_SEV_ES) {
		uint8_t *bsp = xmalloc(2 * VMSA_BYTES), *ap = bsp + VMSA_BYTES;
		save_areas(in, bsp, ap);
		for (unsigned i = 0; i < in->vcpus; i++)
			sha256_update(&ctx, VMSA_BYTES, i == 0 ? bsp : ap);
		free(bsp);
	}
	sha256_digest(&ctx, SHA256_BYTES, out);
}

void snp_extend(uint8_t ld[SHA384_BYTES], enum snp_page type, uint64_t gpa,
		const uint8_t contents[SHA384_BYTES])
{
	uint8_t info[PAGE_INFO_BYTES] = { 0 };
	memcpy(info, ld, SHA384_BYTES);
	memcpy(info + SHA384_BYTES, contents, SHA384_BYTES);
	put_le16(info + 96, PAGE_INFO_BYTES);
	info[98] = (uint8_t)type;
	/* 99: not an IMI page; 100-102: no VMPL permissions; 103: reserved */
	put_le64(info + 104, gpa);
	struct sha512_ctx ctx;
	sha384_init(&ctx);
	sha384_update(&ctx, PAGE_INFO_BYTES, info);
	sha384_digest(&ctx, SHA384_BYTES, ld);
}

static void page_hash(const uint8_t *page, uint8_t out[SHA384_BYTES])
{
	struct sha512_ctx ctx;
	sha384_init(&ctx);
	sha384_update(&ctx, PAGE_BYTES, page);
	sha384_digest(&ctx, SHA384_BYTES, out);
}

static void normal_pages(uint8_t ld[SHA384_BYTES], uint64_t gpa,
			 const uint8_t *data, size_t size)
{
	uint8_t h[SHA384_BYTES];
	for (size_t off = 0; off < size; off += PAGE_BYTES) {
		page_hash(data + off, h);
		snp_extend(ld, SNP_PAGE_NORMAL, gpa + off, h);
	}
}

static void empty_pages(uint8_t ld[SHA384_BYTES], enum snp_page type,
			uint64_t gpa, size_t size)
{
	static const uint8_t zeros[SHA384_BYTES];
	for (size_t off = 0; off < size; off += PAGE_BYTES)
		snp_extend(ld, type, gpa + off, zeros);
}

/* The kernel-hashes section: the table at its offset in the page, the
 * rest zeros, as QEMU's snp_launch_update_kernel_hashes() fills it. */
static void kernel_hashes_pages(uint8_t ld[SHA384_BYTES],
				const struct digest_input *in,
				const struct ovmf_section *s)
{
	if (!in->hash_table) {
		empty_pages(ld, SNP_PAGE_ZERO, s->base, s->size);
		return;
	}
	uint8_t *buf = xcalloc(s->size, 1);
	memcpy(buf + (in->fw->hashes_base & (PAGE_BYTES - 1)), in->hash_table,
	       HASH_TABLE_PADDED);
	normal_pages(ld, s->base, buf, s->size);
	free(buf);
}

void digest_snp(const struct digest_input *in, uint8_t out[SHA384_BYTES])
{
	uint8_t ld[SHA384_BYTES] = { 0 };
	const struct ovmf *fw = in->fw;
	normal_pages(ld, FOUR_GIB - fw->size, fw->data, fw->size);
	for (size_t i = 0; i < fw->nsections; i++) {
		const struct ovmf_section *s = &fw->sections[i];
		switch (s->type) {
		case OVMF_SEC_SECRETS:
			empty_pages(ld, SNP_PAGE_SECRETS, s->base, s->size);
			break;
		case OVMF_SEC_CPUID:
			empty_pages(ld, SNP_PAGE_CPUID, s->base, s->size);
			break;
		case OVMF_SEC_KERNEL_HASHES:
			kernel_hashes_pages(ld, in, s);
			break;
		default: /* pre-validated memory, the SVSM area, unknown */
			empty_pages(ld, SNP_PAGE_ZERO, s->base, s->size);
			break;
		}
	}
	uint8_t *bsp = xmalloc(2 * VMSA_BYTES), *ap = bsp + VMSA_BYTES;
	uint8_t hb[SHA384_BYTES], ha[SHA384_BYTES];
	save_areas(in, bsp, ap);
	page_hash(bsp, hb);
	page_hash(ap, ha);
	free(bsp);
	for (unsigned i = 0; i < in->vcpus; i++)
		snp_extend(ld, SNP_PAGE_VMSA, SNP_VMSA_GPA, i == 0 ? hb : ha);
	memcpy(out, ld, SHA384_BYTES);
}

bool digest_snp_check(const struct digest_input *in, const char **why)
{
	const struct ovmf *fw = in->fw;
	if (fw->size == 0 || fw->size % PAGE_BYTES || fw->size > FOUR_GIB / 2) {
		*why = "is not a whole number of 4 KiB pages; SEV-SNP adds the firmware page by page";
		return false;
	}
	for (size_t i = 0; i < fw->nsections; i++) {
		const struct ovmf_section *s = &fw->sections[i];
		if (s->base % PAGE_BYTES || s->size % PAGE_BYTES || !s->size) {
			*why = "has an SEV metadata section that is not whole 4 KiB pages";
			return false;
		}
		if (s->type == OVMF_SEC_KERNEL_HASHES && in->hash_table &&
		    (fw->hashes_base & (PAGE_BYTES - 1)) + HASH_TABLE_PADDED >
			    s->size) {
			*why = "has a kernel-hashes section too small for the hash table at its offset";
			return false;
		}
	}
	return true;
}
