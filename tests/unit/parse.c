/* parse/parse.h: parse_domain on small documents, good and bad. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse/parse.h"
#include "lib/xalloc.h"
#include "tests.h"
#include "testutil.h"

#define DH_SEED 2084
#define SESSION_SEED 128

/* <domain> around the launch-security block LS (and extra devices). */
static char *domain_xml(const char *ls, const char *devices)
{
	return xasprintf(
		"<domain type='kvm'>\n"
		"  <name>t</name>\n"
		"  <memory unit='MiB'>512</memory>\n"
		"  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
		"  <devices>%s</devices>\n"
		"%s"
		"</domain>\n",
		devices ? devices : "", ls ? ls : "");
}

/* A libvirt-form SEV block; NULL policy leaves it out. */
static char *sev_block(const char *policy, const char *cbitpos,
		       const char *reduced, size_t dh_bytes,
		       size_t session_bytes)
{
	char *dh = tu_blob(dh_bytes, DH_SEED, 64);
	char *session = tu_blob(session_bytes, SESSION_SEED, 64);
	char *pol = policy ? xasprintf("    <policy>%s</policy>\n", policy)
			   : xstrdup("");
	char *s = xasprintf(
		"  <launchSecurity type='sev'>\n"
		"    <cbitpos>%s</cbitpos>\n"
		"    <reducedPhysBits>%s</reducedPhysBits>\n"
		"%s"
		"    <dhCert>\n%s    </dhCert>\n"
		"    <session>%s</session>\n"
		"  </launchSecurity>\n",
		cbitpos, reduced, pol, dh, session);
	free(dh);
	free(session);
	free(pol);
	return s;
}

struct result {
	bool ok;
	int status;
	size_t nwarnings;
	struct domain dom;
	struct diag d;
};

static void parse_buf(const char *buf, size_t len, bool ignore,
		      struct result *r)
{
	struct parse_options opts = { .ignore_unsupported = ignore };
	memset(r, 0, sizeof(*r));
	diag_init(&r->d, "test.xml", NULL, VERB_NORMAL);
	r->ok = parse_domain(buf, len, &opts, &r->dom, &r->d);
	r->status = r->d.status;
	r->nwarnings = r->d.nwarnings;
	if (r->ok != (r->status == 0))
		fail_msg("parse_domain returned %d with status %d", r->ok, r->status);
}

static void release(struct result *r)
{
	domain_free(&r->dom);
	diag_release(&r->d);
}

/* Parses XML (and frees it); expects STATUS (0: success). */
static void expect_status(char *xml, int status, bool ignore)
{
	struct result r;
	parse_buf(xml, strlen(xml), ignore, &r);
	if (r.status != status)
		fail_msg("status %d (%s); expected %d for:\n%.600s", r.status,
			 r.d.error ? r.d.error : "no error", status, xml);
	release(&r);
	free(xml);
}

/* Expects STATUS for the default SEV block with one value changed. */
static void expect_sev(const char *policy, const char *cbitpos,
		       const char *reduced, size_t dh, size_t session,
		       int status)
{
	char *ls = sev_block(policy, cbitpos, reduced, dh, session);
	expect_status(domain_xml(ls, NULL), status, false);
	free(ls);
}

static void minimal_sev_domain_fills_the_struct(void **state)
{
	char *ls = sev_block("0x0003", "47", "1", 2084, 128);
	char *xml = domain_xml(ls, NULL);
	struct result r;
	parse_buf(xml, strlen(xml), false, &r);
	if (!r.ok)
		fail_msg("refused: %s", r.d.error);
	struct launch_security *l = &r.dom.launch;
	assert_int_equal(r.dom.type, VIRT_KVM);
	assert_string_equal(r.dom.name, "t");
	assert_int_equal(r.dom.memory_bytes, 512ull << 20);
	assert_int_equal(l->type, LAUNCH_SEV);
	assert_true(l->has_policy);
	assert_int_equal(l->policy, 3);
	assert_true(l->has_cbitpos);
	assert_int_equal(l->cbitpos, 47);
	assert_true(l->has_reduced_phys_bits);
	assert_int_equal(l->reduced_phys_bits, 1);
	assert_int_equal(l->dh_cert.bytes, 2084);
	assert_int_equal(l->session.bytes, 128);
	char *dh = tu_blob(2084, DH_SEED, 0);
	char *session = tu_blob(128, SESSION_SEED, 0);
	assert_string_equal(l->dh_cert.base64, dh);
	assert_string_equal(l->session.base64, session);
	free(dh);
	free(session);
	release(&r);
	free(xml);
	free(ls);
}

static void seed_sev_form_trims_numbers_and_reads_wrapped_base64(void **state)
{
	char *dh = tu_blob(2084, DH_SEED, 64);
	char *session = tu_blob(128, SESSION_SEED, 64);
	char *ls = xasprintf(
		"  <sev>\n"
		"    <policy>\n  0x5 \n</policy>\n"
		"    <cbitpos> 51\t</cbitpos>\n"
		"    <reduced-phys-bits>\n1\n</reduced-phys-bits>\n"
		"    <dh-cert>\n%s</dh-cert>\n"
		"    <session>\n%s</session>\n"
		"  </sev>\n", dh, session);
	char *xml = domain_xml(ls, NULL);
	struct result r;
	parse_buf(xml, strlen(xml), false, &r);
	if (!r.ok)
		fail_msg("refused: %s", r.d.error);
	struct launch_security *l = &r.dom.launch;
	assert_int_equal(l->type, LAUNCH_SEV);
	assert_int_equal(l->policy, 0x5);
	assert_int_equal(l->cbitpos, 51);
	assert_int_equal(l->reduced_phys_bits, 1);
	assert_int_equal(l->dh_cert.bytes, 2084);
	assert_int_equal(l->session.bytes, 128);
	char *flat = tu_blob(2084, DH_SEED, 0);
	assert_string_equal(l->dh_cert.base64, flat);
	free(flat);
	assert_null(strchr(l->session.base64, '\n'));
	release(&r);
	free(xml);
	free(ls);
	free(session);
	free(dh);
}

static void policy_33_is_hex_0x33(void **state)
{
	char *ls = sev_block("33", "47", "1", 2084, 128);
	char *xml = domain_xml(ls, NULL);
	struct result r;
	parse_buf(xml, strlen(xml), false, &r);
	assert_true(r.ok);
	assert_int_equal(r.dom.launch.policy, 0x33);
	release(&r);
	free(xml);
	free(ls);
}

static void policy_reserved_bit_0x40_is_65(void **state)
{
	expect_sev("0x40", "47", "1", 2084, 128, 65);
	expect_sev("0x41", "47", "1", 2084, 128, 65);
	expect_sev("0x8001", "47", "1", 2084, 128, 65);
	expect_sev("0x100000001", "47", "1", 2084, 128, 65); /* over 32 bits */
	expect_sev("zz", "47", "1", 2084, 128, 65);
	expect_sev("0xffff0007", "47", "1", 2084, 128, 0); /* bits 16-31 are not reserved */
}

static void cbitpos_outside_32_to_63_is_65(void **state)
{
	expect_sev("0x1", "31", "1", 2084, 128, 65);
	expect_sev("0x1", "64", "1", 2084, 128, 65);
	expect_sev("0x1", "0", "1", 2084, 128, 65);
	expect_sev("0x1", "-47", "1", 2084, 128, 65);
	expect_sev("0x1", "0x2f", "1", 2084, 128, 65);
	expect_sev("0x1", "32", "1", 2084, 128, 0);
	expect_sev("0x1", "63", "1", 2084, 128, 0);
}

static void reduced_phys_bits_0_is_65(void **state)
{
	expect_sev("0x1", "47", "0", 2084, 128, 65);
	expect_sev("0x1", "47", "64", 2084, 128, 65);
	expect_sev("0x1", "47", "", 2084, 128, 65);
	expect_sev("0x1", "47", "63", 2084, 128, 0);
}

static void blob_sizes_must_be_exact(void **state)
{
	expect_sev("0x1", "47", "1", 2083, 128, 65);
	expect_sev("0x1", "47", "1", 2085, 128, 65);
	expect_sev("0x1", "47", "1", 2084, 127, 65);
	expect_sev("0x1", "47", "1", 2084, 129, 65);
}

static void blob_with_a_bad_character_is_65(void **state)
{
	char *ls = sev_block("0x1", "47", "1", 2084, 128);
	/* one '!' in the middle of the certificate: libb64 would skip it */
	char *p = strstr(ls, "<dhCert>\n") + 20;
	*p = '!';
	expect_status(domain_xml(ls, NULL), 65, false);
	free(ls);
}

static void two_launch_security_blocks_are_65(void **state)
{
	char *a = sev_block("0x1", "47", "1", 2084, 128);
	char *two = xasprintf("%s%s", a, a);
	expect_status(domain_xml(two, NULL), 65, false);
	free(two);
	char *seed = xasprintf("%s  <sev><policy>0x1</policy></sev>\n", a);
	expect_status(domain_xml(seed, NULL), 65, false);
	free(seed);
	free(a);
}

static void tdx_launch_security_is_69(void **state)
{
	expect_status(domain_xml("  <launchSecurity type='tdx'/>\n", NULL), 69, false);
	expect_status(domain_xml("  <launchSecurity type='s390-pv'/>\n", NULL), 69, false);
	/* never dropped, even with --ignore-unsupported */
	expect_status(domain_xml("  <launchSecurity type='tdx'/>\n", NULL), 69, true);
}

static void hostdev_capabilities_is_69_or_dropped_with_a_warning(void **state)
{
	/* mode='subsystem' pci/usb/mdev are translated; a whole host block
	 * device handed over (mode='capabilities') is not. */
	const char *hostdev =
		"<hostdev mode='capabilities' type='storage'><source>"
		"<block>/dev/sdf1</block></source></hostdev>";
	char *ls = sev_block("0x1", "47", "1", 2084, 128);
	expect_status(domain_xml(ls, hostdev), 69, false);

	char *xml = domain_xml(ls, hostdev);
	struct result r;
	parse_buf(xml, strlen(xml), true, &r);
	if (!r.ok)
		fail_msg("--ignore-unsupported still refused: %s", r.d.error);
	assert_true(r.nwarnings >= 1);
	bool named = false;
	for (size_t i = 0; i < r.d.nwarnings; i++)
		named |= strstr(r.d.warnings[i], "hostdev") != NULL;
	assert_true(named);
	assert_int_equal(r.dom.launch.type, LAUNCH_SEV);
	assert_int_equal(r.dom.nhostdevs, 0);
	release(&r);
	free(xml);
	free(ls);
}

static void doctype_with_an_entity_is_65(void **state)
{
	expect_status(xstrdup(
		"<?xml version='1.0'?>\n"
		"<!DOCTYPE domain [<!ENTITY n \"entity-name\">]>\n"
		"<domain type='kvm'><name>&n;</name><memory>1048576</memory>"
		"<os><type>hvm</type></os></domain>\n"), 65, false);
	expect_status(xstrdup(
		"<!DOCTYPE domain SYSTEM \"file:///etc/passwd\">\n"
		"<domain type='kvm'><name>t</name><memory>1048576</memory>"
		"<os><type>hvm</type></os></domain>\n"), 65, false);
	expect_status(xstrdup(
		"<!DOCTYPE lolz [<!ENTITY a \"aaaaaaaaaa\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
		"<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\n"
		"<domain type='kvm'><name>&c;</name></domain>\n"), 65, false);
}

static void nul_byte_is_65(void **state)
{
	char *xml = domain_xml(NULL, NULL);
	size_t len = strlen(xml);
	char *p = strstr(xml, "<name>t") + 6;
	*p = '\0';
	struct result r;
	parse_buf(xml, len, false, &r);
	assert_false(r.ok);
	assert_int_equal(r.status, 65);
	release(&r);
	free(xml);
}

static void malformed_and_empty_input_are_65(void **state)
{
	expect_status(xstrdup(""), 65, false);
	expect_status(xstrdup("<domain type='kvm'>"), 65, false);
	expect_status(xstrdup("<notdomain/>"), 65, false);
}

static void memory_with_every_unit(void **state)
{
	static const struct { const char *unit; uint64_t bytes; } cases[] = {
		{ "b", 3 }, { "bytes", 3 }, { "KB", 3000 }, { "k", 3072 },
		{ "KiB", 3072 }, { "MB", 3000000 }, { "M", 3ull << 20 },
		{ "MiB", 3ull << 20 }, { "GB", 3000000000ull }, { "G", 3ull << 30 },
		{ "GiB", 3ull << 30 }, { "TB", 3000000000000ull },
		{ "T", 3ull << 40 }, { "TiB", 3ull << 40 },
		{ "PB", 3000000000000000ull }, { "P", 3ull << 50 },
		{ "PiB", 3ull << 50 }, { "EB", 3000000000000000000ull },
		{ "E", 3ull << 60 }, { "EiB", 3ull << 60 }, { NULL, 3072 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *unit = cases[i].unit ? xasprintf(" unit='%s'", cases[i].unit)
					   : xstrdup("");
		char *xml = xasprintf(
			"<domain type='qemu'><name>m</name>"
			"<memory%s>\n 3 \n</memory>"
			"<os><type arch='x86_64' machine='q35'>hvm</type></os>"
			"</domain>", unit);
		struct result r;
		parse_buf(xml, strlen(xml), false, &r);
		if (!r.ok)
			fail_msg("unit%s refused: %s", unit, r.d.error);
		if (r.dom.memory_bytes != cases[i].bytes)
			fail_msg("3 with unit%s = %llu bytes; expected %llu", unit,
				 (unsigned long long)r.dom.memory_bytes,
				 (unsigned long long)cases[i].bytes);
		release(&r);
		free(xml);
		free(unit);
	}
}

static void memory_bad_unit_overflow_and_zero_are_65(void **state)
{
	static const char *const bad[] = {
		"<memory unit='furlongs'>1</memory>",
		"<memory unit='GiB'>17179869184</memory>",
		"<memory>18446744073709551615</memory>",
		"<memory unit='MiB'>1.5</memory>",
		"<memory unit='MiB'>0</memory>",
		"<memory unit='MiB'></memory>",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		expect_status(xasprintf(
			"<domain type='qemu'><name>m</name>%s"
			"<os><type arch='x86_64' machine='q35'>hvm</type></os>"
			"</domain>", bad[i]), 65, false);
}

#define T(f) UNIT_TEST("parse", f)

int run_parse_tests(void)
{
	const struct CMUnitTest tests[] = {
		T(minimal_sev_domain_fills_the_struct),
		T(seed_sev_form_trims_numbers_and_reads_wrapped_base64),
		T(policy_33_is_hex_0x33),
		T(policy_reserved_bit_0x40_is_65),
		T(cbitpos_outside_32_to_63_is_65),
		T(reduced_phys_bits_0_is_65),
		T(blob_sizes_must_be_exact),
		T(blob_with_a_bad_character_is_65),
		T(two_launch_security_blocks_are_65),
		T(tdx_launch_security_is_69),
		T(hostdev_capabilities_is_69_or_dropped_with_a_warning),
		T(doctype_with_an_entity_is_65),
		T(nul_byte_is_65),
		T(malformed_and_empty_input_are_65),
		T(memory_with_every_unit),
		T(memory_bad_unit_overflow_and_zero_are_65),
	};
	return RUN_GROUP("parse (parse/parse.h)", tests);
}
