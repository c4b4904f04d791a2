/*
 * measure/: GUIDs, CPU signatures, the hash table, save areas, OVMF's
 * table and metadata, and the SEV and SNP digests.  The vectors come from
 * tests/measure/vectors.py, which derives them with tests/measure/ref.py
 * (a separate Python model) from the same inputs built here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <nettle/sha2.h>

#include "measure/digest.h"
#include "measure/encode.h"
#include "measure/guid.h"
#include "measure/hashes.h"
#include "measure/ovmf.h"
#include "measure/vmsa.h"
#include "tests.h"
#include "unit_measure.h"

/* tests/measure/vectors.py */
#define V_HASH_TABLE_SHA256 "99fbe2707529606e0391510f2d8383864e6ad38e613e6231eb180486de61dba6"
#define V_VMSA_BSP_SHA256 "efcc96a66e22e3d25161643c1331c59ef2b11d0ac63369c49c0cf2133c0b58db"
#define V_VMSA_AP_SHA256 "5bd2c98f537f9dc4cdb7b73492989238f370f45e6134ef9859fe11ef62d43276"
#define V_SEV_IMAGE "7f8d571862187837c05588a5783e424b459fed81bcdff3220efd32ef0d2f7855"
#define V_SEV_KERNEL "ca5e395d7a3d724735e3b65b4c4a2a477883ce744715bbcfc913e75f6edf4d17"
#define V_ES_INIT2 "0299ca277322aab35986835a73a6fc3f7364923470550605060a5390429b33b0"
#define V_ES_LEGACY "bea16d8e191d33edcad61f809af38159e905e0f5289b8d4efec49d68cd7d88db"
#define V_SNP_KERNEL "5fb6af93cadf07d49027095dc2ff0c61997e948c715d04c29841d91fd4e42a5deb2b08fb359398f4ce1d019ea01654ee"
#define V_SNP_PLAIN "da912a9fed927d4dbb88ac673eb2e9b7c5be4235ce00b157067b6ddc8bb2594964199717fd44e953369199f448468a05"
#define V_SNP_ONE_LINK "d335a52b7e9890624e7e73a2387f238ab82df9f748888aff33e5ad393f4b2545721fc183b72c91a4367e65bb03adb7bf"

/* --- the inputs vectors.py builds too ----------------------------------- */

static const uint32_t snp_sections[][3] = {
	{ 0x800000, 0x2000, 1 }, { 0x802000, 0x1000, 2 }, { 0x803000, 0x1000, 3 },
	{ 0x804000, 0x1000, 4 }, { 0x80c000, 0x1000, 0x10 },
};

static size_t put_entry(uint8_t *t, size_t n, const uint8_t *payload,
			size_t len, const uint8_t *guid)
{
	memcpy(t + n, payload, len);
	put_le16(t + n + len, (uint16_t)(len + 18));
	memcpy(t + n + len + 2, guid, GUID_BYTES);
	return n + len + 18;
}

uint8_t *um_image(const struct um_image *o)
{
	uint8_t *d = malloc(o->size), t[512], p[8];
	size_t n = 0;
	for (size_t i = 0; i < o->size; i++)
		d[i] = (uint8_t)(i * 131 + 17);
	if (o->reset) {
		put_le32(p, o->reset);
		n = put_entry(t, n, p, 4, GUID_SEV_ES_RESET_BLOCK);
	}
	if (o->hashes_size) {
		put_le32(p, o->hashes_base);
		put_le32(p + 4, o->hashes_size);
		n = put_entry(t, n, p, 8, GUID_SEV_HASH_TABLE_RV);
	}
	if (o->secret_size) {
		put_le32(p, o->secret_base);
		put_le32(p + 4, o->secret_size);
		n = put_entry(t, n, p, 8, GUID_SEV_SECRET_AREA);
	}
	if (o->nsections) {
		uint8_t *h = d + o->size - 4096;
		memcpy(h, "ASEV", 4);
		put_le32(h + 4, (uint32_t)(16 + 12 * o->nsections));
		put_le32(h + 8, 1);
		put_le32(h + 12, (uint32_t)o->nsections);
		for (size_t i = 0; i < o->nsections; i++)
			for (int k = 0; k < 3; k++)
				put_le32(h + 16 + 12 * i + 4 * k, o->sections[i][k]);
		put_le32(p, 4096);
		n = put_entry(t, n, p, 4, GUID_SEV_METADATA);
	}
	put_le16(t + n, (uint16_t)(n + 18));
	memcpy(t + n + 2, GUID_OVMF_TABLE_FOOTER, GUID_BYTES);
	n += 18;
	memcpy(d + o->size - 32 - n, t, n);
	return d;
}

const struct um_image UM_SEV_IMAGE = {
	.size = 0x10000, .reset = 0xffff1000, .hashes_base = 0x80c00,
	.hashes_size = 0x400, .secret_base = 0x80000, .secret_size = 0x1000,
};

static struct um_image snp_image(void)
{
	struct um_image o = UM_SEV_IMAGE;
	o.sections = snp_sections;
	o.nsections = sizeof(snp_sections) / sizeof(*snp_sections);
	return o;
}

/* The kernel-hashes table of vectors.py's kernel, initrd and cmdline. */
static void vector_table(uint8_t table[HASH_TABLE_PADDED])
{
	uint8_t kernel[5000], initrd[3000];
	struct kernel_hashes h;
	struct sha256_ctx ctx;
	for (size_t i = 0; i < sizeof(kernel); i++)
		kernel[i] = (uint8_t)(i * 31 + 7);
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 17 + 1);
	sha256_init(&ctx);
	sha256_update(&ctx, sizeof(kernel), kernel);
	sha256_digest(&ctx, SHA256_BYTES, h.kernel);
	sha256_init(&ctx);
	sha256_update(&ctx, sizeof(initrd), initrd);
	sha256_digest(&ctx, SHA256_BYTES, h.initrd);
	hash_cmdline("console=ttyS0", h.cmdline);
	hash_table_build(&h, table);
}

void um_expect_hex(const uint8_t *buf, size_t n, const char *want)
{
	char *got = malloc(2 * n + 1);
	hex_format(buf, n, got);
	if (strcmp(got, want) != 0)
		fail_msg("got %s\n      want %s", got, want);
	free(got);
}

static void expect_sha256(const uint8_t *buf, size_t n, const char *want)
{
	uint8_t h[SHA256_BYTES];
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, n, buf);
	sha256_digest(&ctx, SHA256_BYTES, h);
	um_expect_hex(h, SHA256_BYTES, want);
}

/* --- GUIDs, CPU signatures ---------------------------------------------- */

static void guid_constants_match_their_texts(void **state)
{
	static const struct {
		const uint8_t *bytes;
		const char *text;
	} g[] = {
		{ GUID_OVMF_TABLE_FOOTER, "96b582de-1fb2-45f7-baea-a366c55a082d" },
		{ GUID_SEV_HASH_TABLE_RV, "7255371f-3a3b-4b04-927b-1da6efa8d454" },
		{ GUID_SEV_ES_RESET_BLOCK, "00f771de-1a7e-4fcb-890e-68c77e2fb44e" },
		{ GUID_SEV_METADATA, "dc886566-984a-4798-a75e-5585a7bf67cc" },
		{ GUID_SEV_SECRET_AREA, "4c2eb361-7d9b-4cc3-8081-127c90d3d294" },
		{ GUID_HASH_TABLE_HEADER, "9438d606-4f22-4cc9-b479-a793d411fd21" },
		{ GUID_HASH_CMDLINE, "97d02dd8-bd20-4c94-aa78-e7714d36ab2a" },
		{ GUID_HASH_INITRD, "44baf731-3a2f-4bd7-9af1-41e29169781d" },
		{ GUID_HASH_KERNEL, "4de79437-abd2-427f-b835-d5b172d2045b" },
		{ GUID_SECRET_TABLE_HEADER, "1e74f542-71dd-4d66-963e-ef4287ff173b" },
		{ GUID_LUKS_KEY, "736869e5-84f0-4973-92ec-06879ce3da0b" },
	};
	for (size_t i = 0; i < sizeof(g) / sizeof(*g); i++) {
		uint8_t b[GUID_BYTES];
		char text[GUID_TEXT];
		assert_true(guid_parse(g[i].text, b));
		assert_memory_equal(b, g[i].bytes, GUID_BYTES);
		guid_format(g[i].bytes, text);
		assert_string_equal(text, g[i].text);
	}
	/* The byte order GRUB's and AMD's secret scripts write out. */
	um_expect_hex(GUID_SECRET_TABLE_HEADER, GUID_BYTES, "42f5741edd71664d963eef4287ff173b");
	um_expect_hex(GUID_LUKS_KEY, GUID_BYTES, "e5696873f084734992ec06879ce3da0b");
}

static void guid_parse_takes_upper_case_refuses_the_rest(void **state)
{
	uint8_t b[GUID_BYTES];
	assert_true(guid_parse("736869E5-84F0-4973-92EC-06879CE3DA0B", b));
	assert_memory_equal(b, GUID_LUKS_KEY, GUID_BYTES);
	static const char *const bad[] = {
		"", "736869e5", "736869e584f0497392ec06879ce3da0b",
		"{736869e5-84f0-4973-92ec-06879ce3da0b}",
		"736869e5-84f0-4973-92ec-06879ce3da0b ",
		"736869e5-84f0-4973-92ec-06879ce3da0", "736869e5-84f0-4973-92ec_06879ce3da0b",
		"736869g5-84f0-4973-92ec-06879ce3da0b", "luks-key",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (guid_parse(bad[i], b))
			fail_msg("guid_parse(\"%s\") accepted", bad[i]);
}

static void cpu_signatures_of_qemu_models(void **state)
{
	static const struct {
		const char *name;
		uint32_t sig;
	} m[] = {
		{ "EPYC", 0x800f12 }, { "EPYC-v4", 0x800f12 }, { "EPYC-IBPB", 0x800f12 },
		{ "EPYC-Rome", 0x830f10 }, { "EPYC-Rome-v4", 0x830f10 },
		{ "EPYC-Milan", 0xa00f11 }, { "EPYC-Milan-v2", 0xa00f11 },
		{ "EPYC-Genoa", 0xa10f10 }, { "EPYC-Turin", 0xb00f00 },
		{ "qemu64", 0x663 }, { "EPYC-Genoa-v12", 0xa10f10 },
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++) {
		unsigned f, mo, s;
		if (!cpu_model_fms(m[i].name, &f, &mo, &s))
			fail_msg("%s unknown", m[i].name);
		assert_int_equal(cpu_signature(f, mo, s), m[i].sig);
	}
	static const char *const unknown[] = {
		"epyc", "EPYC-v", "EPYC-v0", "EPYC-vx", "EPYC-Rome-v4x", "EPYC-",
		"Skylake-Server", "host", "",
	};
	for (size_t i = 0; i < sizeof(unknown) / sizeof(*unknown); i++) {
		unsigned f, mo, s;
		if (cpu_model_fms(unknown[i], &f, &mo, &s))
			fail_msg("\"%s\" accepted", unknown[i]);
	}
	/* Family 0xf and below have no extended family. */
	assert_int_equal(cpu_signature(15, 0x6b, 1), 0x60fb1);
}

/* --- hash table, save areas --------------------------------------------- */

static void hash_table_is_qemus_layout(void **state)
{
	uint8_t t[HASH_TABLE_PADDED];
	vector_table(t);
	assert_memory_equal(t, GUID_HASH_TABLE_HEADER, GUID_BYTES);
	assert_int_equal(get_le16(t + 16), 168);
	assert_memory_equal(t + 18, GUID_HASH_CMDLINE, GUID_BYTES);
	assert_int_equal(get_le16(t + 34), 50);
	assert_memory_equal(t + 68, GUID_HASH_INITRD, GUID_BYTES);
	assert_memory_equal(t + 118, GUID_HASH_KERNEL, GUID_BYTES);
	for (size_t i = HASH_TABLE_BYTES; i < HASH_TABLE_PADDED; i++)
		assert_int_equal(t[i], 0);
	expect_sha256(t, sizeof(t), V_HASH_TABLE_SHA256);
}

static void cmdline_hash_counts_the_nul(void **state)
{
	uint8_t h[SHA256_BYTES];
	/* SHA-256 of the single byte 0 */
	hash_cmdline(NULL, h);
	um_expect_hex(h, SHA256_BYTES, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
	hash_cmdline("", h);
	um_expect_hex(h, SHA256_BYTES, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

static void vmsa_fields_sit_at_linux_offsets(void **state)
{
	uint8_t *p = malloc(VMSA_BYTES);
	vmsa_build(p, 0xffff1234, 0xa00f11, 0x21, true);
	assert_int_equal(get_le16(p + 0x10), 0xf000);          /* cs.selector */
	assert_int_equal(get_le16(p + 0x12), 0x9b);            /* cs.attrib */
	assert_int_equal(get_le32(p + 0x18), 0xffff0000);      /* cs.base */
	assert_int_equal(get_le32(p + 0xd0), 0x1000);          /* efer */
	assert_int_equal(get_le32(p + 0x178), 0x1234);         /* rip */
	assert_int_equal(get_le32(p + 0x310), 0xa00f11);       /* rdx */
	assert_int_equal(get_le32(p + 0x3b0), 0x21);           /* sev_features */
	assert_int_equal(get_le32(p + 0x3e8), 1);              /* xcr0 */
	assert_int_equal(get_le32(p + 0x408), 0x1f80);         /* mxcsr */
	assert_int_equal(get_le16(p + 0x410), 0x37f);          /* x87_fcw */
	vmsa_build(p, VMSA_BSP_EIP, 0xa00f11, 0, true);
	expect_sha256(p, VMSA_BYTES, V_VMSA_BSP_SHA256);
	vmsa_build(p, 0xffff1000, 0xa10f10, 1, false);
	assert_int_equal(get_le32(p + 0x408), 0);
	expect_sha256(p, VMSA_BYTES, V_VMSA_AP_SHA256);
	free(p);
}

/* --- OVMF ---------------------------------------------------------------- */

static void ovmf_reads_the_table_and_metadata(void **state)
{
	struct um_image o = snp_image();
	uint8_t *img = um_image(&o);
	struct ovmf fw;
	const char *why = NULL;
	assert_true(ovmf_parse(&fw, img, o.size, &why));
	assert_true(fw.has_table && fw.has_reset && fw.has_hashes && fw.has_secret);
	assert_int_equal(fw.reset_addr, 0xffff1000);
	assert_int_equal(fw.hashes_base, 0x80c00);
	assert_int_equal(fw.hashes_size, 0x400);
	assert_int_equal(fw.secret_base, 0x80000);
	assert_true(fw.has_metadata);
	assert_int_equal(fw.nsections, 5);
	assert_int_equal(fw.sections[0].size, 0x2000);
	assert_non_null(ovmf_section(&fw, OVMF_SEC_KERNEL_HASHES));
	assert_null(ovmf_section(&fw, 7));
	ovmf_release(&fw);
	free(img);
}

static void ovmf_without_the_footer_is_plain_firmware(void **state)
{
	uint8_t img[4096];
	memset(img, 0xaa, sizeof(img));
	struct ovmf fw;
	const char *why = NULL;
	assert_true(ovmf_parse(&fw, img, sizeof(img), &why));
	assert_false(fw.has_table || fw.has_reset || fw.has_metadata);
	assert_true(ovmf_parse(&fw, img, 10, &why)); /* shorter than a footer */
	ovmf_release(&fw);
}

static void expect_malformed(uint8_t *img, size_t size, const char *phrase)
{
	struct ovmf fw;
	const char *why = NULL;
	if (ovmf_parse(&fw, img, size, &why))
		fail_msg("accepted; expected \"%s\"", phrase);
	assert_non_null(strstr(why, phrase));
	ovmf_release(&fw);
}

static void ovmf_refuses_lengths_that_run_out(void **state)
{
	struct um_image o = snp_image();
	uint8_t *img = um_image(&o);
	size_t footer = o.size - 50;
	uint16_t total = get_le16(img + footer);
	put_le16(img + footer, 0xffff);
	expect_malformed(img, o.size, "GUID table length runs out");
	put_le16(img + footer, total);
	put_le16(img + footer - 18, 0xfff0); /* the last entry's length */
	expect_malformed(img, o.size, "entry whose length runs out");
	put_le16(img + footer - 18, 22);
	memcpy(img + o.size - 4096, "XSEV", 4);
	expect_malformed(img, o.size, "\"ASEV\" signature");
	memcpy(img + o.size - 4096, "ASEV", 4);
	put_le32(img + o.size - 4096 + 12, 1000); /* descriptors */
	expect_malformed(img, o.size, "does not hold its descriptors");
	free(img);
}

/* --- digests -------------------------------------------------------------- */

static void sev_and_es_digests(void **state)
{
	const struct um_image o = UM_SEV_IMAGE;
	uint8_t *img = um_image(&o), table[HASH_TABLE_PADDED], d[SHA256_BYTES];
	struct ovmf fw;
	const char *why = NULL;
	assert_true(ovmf_parse(&fw, img, o.size, &why));
	vector_table(table);
	struct digest_input in = { .mode = MEASURE_SEV, .fw = &fw };
	digest_sev(&in, d);
	um_expect_hex(d, SHA256_BYTES, V_SEV_IMAGE);
	in.hash_table = table;
	digest_sev(&in, d);
	um_expect_hex(d, SHA256_BYTES, V_SEV_KERNEL);
	in.mode = MEASURE_SEV_ES;
	in.vcpus = 3;
	in.signature = 0xa00f11;
	in.init2 = true;
	digest_sev(&in, d);
	um_expect_hex(d, SHA256_BYTES, V_ES_INIT2);
	in.init2 = false;
	digest_sev(&in, d);
	um_expect_hex(d, SHA256_BYTES, V_ES_LEGACY);
	ovmf_release(&fw);
	free(img);
}

static void snp_digests(void **state)
{
	struct um_image o = snp_image();
	uint8_t *img = um_image(&o), table[HASH_TABLE_PADDED], d[SHA384_BYTES];
	struct ovmf fw;
	const char *why = NULL;
	assert_true(ovmf_parse(&fw, img, o.size, &why));
	vector_table(table);
	struct digest_input in = {
		.mode = MEASURE_SNP, .fw = &fw, .hash_table = table, .vcpus = 2,
		.signature = 0xa10f10, .sev_features = 1, .init2 = true,
	};
	assert_true(digest_snp_check(&in, &why));
	digest_snp(&in, d);
	um_expect_hex(d, SHA384_BYTES, V_SNP_KERNEL);
	in.hash_table = NULL;
	in.vcpus = 1;
	in.sev_features = 0x21;
	digest_snp(&in, d);
	um_expect_hex(d, SHA384_BYTES, V_SNP_PLAIN);
	ovmf_release(&fw);
	free(img);
}

static void snp_one_link_of_the_chain(void **state)
{
	uint8_t ld[SHA384_BYTES] = { 0 }, h[SHA384_BYTES], *zero = calloc(1, PAGE_BYTES);
	struct sha512_ctx ctx;
	sha384_init(&ctx);
	sha384_update(&ctx, PAGE_BYTES, zero);
	sha384_digest(&ctx, SHA384_BYTES, h);
	snp_extend(ld, SNP_PAGE_NORMAL, 0xffff0000, h);
	um_expect_hex(ld, SHA384_BYTES, V_SNP_ONE_LINK);
	free(zero);
}

static void snp_check_refuses_partial_pages(void **state)
{
	struct um_image o = snp_image();
	uint8_t *img = um_image(&o), table[HASH_TABLE_PADDED];
	struct ovmf fw;
	const char *why = NULL;
	assert_true(ovmf_parse(&fw, img, o.size, &why));
	struct digest_input in = { .mode = MEASURE_SNP, .fw = &fw, .hash_table = table };
	fw.size -= 16;
	assert_false(digest_snp_check(&in, &why));
	assert_non_null(strstr(why, "whole number of 4 KiB pages"));
	fw.size += 16;
	fw.sections[1].base += 8;
	assert_false(digest_snp_check(&in, &why));
	fw.sections[1].base -= 8;
	fw.hashes_base = 0x80f80; /* 0xf80 + 176 runs out of the page */
	assert_false(digest_snp_check(&in, &why));
	assert_non_null(strstr(why, "too small for the hash table"));
	ovmf_release(&fw);
	free(img);
}

#define T(f) UNIT_TEST("measure", f)

int run_measure_tests(void)
{
	const struct CMUnitTest tests[] = {
		T(guid_constants_match_their_texts),
		T(guid_parse_takes_upper_case_refuses_the_rest),
		T(cpu_signatures_of_qemu_models),
		T(hash_table_is_qemus_layout),
		T(cmdline_hash_counts_the_nul),
		T(vmsa_fields_sit_at_linux_offsets),
		T(ovmf_reads_the_table_and_metadata),
		T(ovmf_without_the_footer_is_plain_firmware),
		T(ovmf_refuses_lengths_that_run_out),
		T(sev_and_es_digests),
		T(snp_digests),
		T(snp_one_link_of_the_chain),
		T(snp_check_refuses_partial_pages),
	};
	return RUN_GROUP("measure (measure/*.h)", tests);
}
