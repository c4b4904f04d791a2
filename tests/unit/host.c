/* Unit tests: the policy decoding (parse/policy.h) and the CPUID decoding
 * (emit/host.h), with register values recorded from real hosts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "act/host.h"
#include "parse/policy.h"
#include "tests.h"

#define M "host"

static void sev_policy_values(void **state)
{
	uint64_t v = 0;
	assert_int_equal(policy_parse("0x33", false, &v), POLICY_OK);
	assert_int_equal(v, 0x33);
	assert_int_equal(policy_parse("33", false, &v), POLICY_OK);
	assert_int_equal(v, 0x33);
	assert_int_equal(policy_parse("0X0005", false, &v), POLICY_OK);
	assert_int_equal(v, 5);
	assert_int_equal(policy_parse("0x40", false, &v), POLICY_RESERVED);
	assert_int_equal(policy_reserved(0xffc0, false), 0xffc0);
	assert_int_equal(policy_reserved(0x00ff003f, false), 0);
	assert_int_equal(policy_parse("0x100000000", false, &v), POLICY_TOO_WIDE);
	assert_int_equal(policy_parse("zz", false, &v), POLICY_NOT_HEX);
	assert_int_equal(policy_parse("", false, &v), POLICY_NOT_HEX);
}

static void snp_policy_values(void **state)
{
	uint64_t v = 0;
	assert_int_equal(policy_parse("0x30000", true, &v), POLICY_OK);
	assert_int_equal(v, 0x30000);
	assert_int_equal(policy_parse("0x10000", true, &v), POLICY_SNP_BIT17);
	assert_int_equal(policy_parse("0x4030000", true, &v), POLICY_RESERVED);
	assert_int_equal(policy_reserved(0x4030000, true), 0x4000000);
	/* 64 bits are fine for SNP, as long as reserved bits are clear. */
	assert_int_equal(policy_parse("0x0000000003ff0000", true, &v), POLICY_OK);
}

/* The explanation names every bit, with its state. */
static void explain_names_bits(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	policy_explain(out, 0x5, false);
	fclose(out);
	assert_non_null(strstr(text, "SEV guest policy 0x5"));
	assert_non_null(strstr(text, "NODBG              1"));
	assert_non_null(strstr(text, "NOKS               0"));
	assert_non_null(strstr(text, "ES                 1"));
	assert_null(strstr(text, "reserved"));
	free(text);

	out = open_memstream(&text, &len);
	policy_explain(out, 0x80000 | 0x30000 | 0x0102, true);
	fclose(out);
	assert_non_null(strstr(text, "ABI_MINOR          2"));
	assert_non_null(strstr(text, "ABI_MAJOR          1"));
	assert_non_null(strstr(text, "DEBUG              1  debugging is ALLOWED"));
	free(text);
}

/* EAX/EBX of leaf 0x8000001F as recorded: Rome (SEV, ES; C-bit 47, host
 * reduction 1), Milan (SEV, ES, SNP; C-bit 51, host reduction 5), an Intel
 * host (no leaf), and an AMD host with SEV off in the BIOS. */
static void cpuid_decoding(void **state)
{
	struct sev_cpuid rome = { 0 }, milan = { 0 }, intel = { 0 }, off = { 0 };
	unsigned cbit = 0;
	assert_true(host_parse_cpuid("0001000f:0000016f", &rome));
	assert_true(host_cbitpos(&rome, &cbit));
	assert_int_equal(cbit, 47);
	assert_true(rome.eax & CPUID_SEV_ES);
	assert_false(rome.eax & CPUID_SEV_SNP);

	assert_true(host_parse_cpuid("0x0101fd3f:0x00004173", &milan));
	assert_true(host_cbitpos(&milan, &cbit));
	assert_int_equal(cbit, 51); /* EBX[11:6] = 5 is the host's, ignored */
	assert_true(milan.eax & CPUID_SEV_SNP);

	assert_false(host_cbitpos(&intel, &cbit));
	assert_true(host_parse_cpuid("0:0", &off));
	assert_false(host_cbitpos(&off, &cbit));

	struct sev_cpuid bad = { 0 };
	assert_false(host_parse_cpuid("1b", &bad));
	assert_false(host_parse_cpuid("1b:", &bad));
	assert_false(host_parse_cpuid("1b:2fz", &bad));
	assert_false(bad.have);
}

int run_host_tests(void)
{
	const struct CMUnitTest tests[] = {
		UNIT_TEST(M, sev_policy_values),
		UNIT_TEST(M, snp_policy_values),
		UNIT_TEST(M, explain_names_bits),
		UNIT_TEST(M, cpuid_decoding),
	};
	return RUN_GROUP("host (parse/policy.h, act/host.h)", tests);
}
