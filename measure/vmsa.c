#include "measure/vmsa.h"

#include <stddef.h>
#include <string.h>

#include "measure/ovmf.h"

uint32_t cpu_signature(unsigned family, unsigned model, unsigned stepping)
{
	unsigned base_family = family > 0xf ? 0xf : family;
	unsigned ext_family = family > 0xf ? family - 0xf : 0;
	return (uint32_t)((ext_family & 0xff) << 20 | (model >> 4 & 0xf) << 16 |
			  base_family << 8 | (model & 0xf) << 4 |
			  (stepping & 0xf));
}

/* QEMU's builtin_x86_defs (target/i386/cpu.c); a model's versions keep
 * its family, model and stepping. */
static const struct {
	const char *name;
	unsigned family, model, stepping;
} models[] = {
	{ "qemu64", 6, 6, 3 },   /* QEMU's default without <cpu> */
	{ "EPYC", 23, 1, 2 },
	{ "EPYC-IBPB", 23, 1, 2 },
	{ "EPYC-Rome", 23, 49, 0 },
	{ "EPYC-Milan", 25, 1, 1 },
	{ "EPYC-Genoa", 25, 17, 0 },
	{ "EPYC-Turin", 26, 0, 0 },
};

bool cpu_model_fms(const char *name, unsigned *family, unsigned *model,
		   unsigned *stepping)
{
	size_t len = strlen(name);
	/* "-vN": a version of the base model. */
	const char *v = strrchr(name, '-');
	if (v && v[1] == 'v' && v[2] >= '1' && v[2] <= '9' &&
	    strspn(v + 2, "0123456789") == strlen(v + 2))
		len = (size_t)(v - name);
	for (size_t i = 0; i < sizeof(models) / sizeof(*models); i++) {
		if (strlen(models[i].name) == len &&
		    strncmp(models[i].name, name, len) == 0) {
			*family = models[i].family;
			*model = models[i].model;
			*stepping = models[i].stepping;
			return true;
		}
	}
	return false;
}

const char *cpu_model_names(void)
{
	return "qemu64, EPYC, EPYC-IBPB, EPYC-Rome, EPYC-Milan, EPYC-Genoa, EPYC-Turin and their -vN versions";
}

/* Offsets in the save area (Linux's struct sev_es_save_area). */
enum {
	SEG_BYTES = 16, SEG_ES = 0, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS,
	SEG_GDTR, SEG_LDTR, SEG_IDTR, SEG_TR,
	OFF_EFER = 0xd0, OFF_CR4 = 0x148, OFF_CR0 = 0x158, OFF_DR7 = 0x160,
	OFF_DR6 = 0x168, OFF_RFLAGS = 0x170, OFF_RIP = 0x178,
	OFF_G_PAT = 0x268, OFF_RDX = 0x310, OFF_SEV_FEATURES = 0x3b0,
	OFF_XCR0 = 0x3e8, OFF_MXCSR = 0x408, OFF_X87_FCW = 0x410,
};

static void seg(uint8_t *page, int which, uint16_t selector, uint16_t attrib,
		uint32_t limit, uint64_t base)
{
	uint8_t *p = page + which * SEG_BYTES;
	put_le16(p, selector);
	put_le16(p + 2, attrib);
	put_le32(p + 4, limit);
	put_le64(p + 8, base);
}

void vmsa_build(uint8_t page[VMSA_BYTES], uint32_t eip, uint32_t signature,
		uint64_t sev_features, bool init2)
{
	memset(page, 0, VMSA_BYTES);
	seg(page, SEG_ES, 0, 0x93, 0xffff, 0);
	seg(page, SEG_CS, 0xf000, 0x9b, 0xffff, eip & 0xffff0000u);
	seg(page, SEG_SS, 0, 0x93, 0xffff, 0);
	seg(page, SEG_DS, 0, 0x93, 0xffff, 0);
	seg(page, SEG_FS, 0, 0x93, 0xffff, 0);
	seg(page, SEG_GS, 0, 0x93, 0xffff, 0);
	seg(page, SEG_GDTR, 0, 0, 0xffff, 0);
	seg(page, SEG_LDTR, 0, 0x82, 0xffff, 0);
	seg(page, SEG_IDTR, 0, 0, 0xffff, 0);
	seg(page, SEG_TR, 0, 0x8b, 0xffff, 0);
	put_le64(page + OFF_EFER, 0x1000);       /* SVME */
	put_le64(page + OFF_CR4, 0x40);          /* MCE */
	put_le64(page + OFF_CR0, 0x10);          /* ET */
	put_le64(page + OFF_DR7, 0x400);
	put_le64(page + OFF_DR6, 0xffff0ff0);
	put_le64(page + OFF_RFLAGS, 0x2);
	put_le64(page + OFF_RIP, eip & 0xffffu);
	put_le64(page + OFF_G_PAT, 0x0007040600070406ull);
	put_le64(page + OFF_RDX, signature);
	put_le64(page + OFF_SEV_FEATURES, sev_features);
	put_le64(page + OFF_XCR0, 0x1);
	if (init2) {
		put_le32(page + OFF_MXCSR, 0x1f80);
		put_le16(page + OFF_X87_FCW, 0x37f);
	}
}
