/* parse/number.h: decimal, hexadecimal, memory sizes with units, UUIDs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/number.h"
#include "tests.h"

#define UNTOUCHED 0x5a5a5a5a5a5a5a5aull

static void expect_decimal(const char *s, uint64_t want)
{
	uint64_t v = UNTOUCHED;
	if (!parse_decimal(s, &v))
		fail_msg("parse_decimal(\"%s\") refused; expected %llu", s,
			 (unsigned long long)want);
	if (v != want)
		fail_msg("parse_decimal(\"%s\") = %llu; expected %llu", s,
			 (unsigned long long)v, (unsigned long long)want);
}

static void refuse_decimal(const char *s)
{
	uint64_t v = UNTOUCHED;
	if (parse_decimal(s, &v))
		fail_msg("parse_decimal(\"%s\") accepted (%llu); expected false",
			 s, (unsigned long long)v);
	if (v != UNTOUCHED)
		fail_msg("parse_decimal(\"%s\") failed but wrote *out", s);
}

static void expect_hex(const char *s, uint64_t want)
{
	uint64_t v = UNTOUCHED;
	if (!parse_hex(s, &v))
		fail_msg("parse_hex(\"%s\") refused; expected 0x%llx", s,
			 (unsigned long long)want);
	if (v != want)
		fail_msg("parse_hex(\"%s\") = 0x%llx; expected 0x%llx", s,
			 (unsigned long long)v, (unsigned long long)want);
}

static void refuse_hex(const char *s)
{
	uint64_t v = UNTOUCHED;
	if (parse_hex(s, &v))
		fail_msg("parse_hex(\"%s\") accepted (0x%llx); expected false", s,
			 (unsigned long long)v);
	if (v != UNTOUCHED)
		fail_msg("parse_hex(\"%s\") failed but wrote *out", s);
}

static void decimal_accepts_digits_up_to_2_64_minus_1(void **state)
{
	expect_decimal("0", 0);
	expect_decimal("7", 7);
	expect_decimal("0047", 47);
	expect_decimal("4096", 4096);
	expect_decimal("4294967295", 4294967295ull);
	expect_decimal("4294967296", 4294967296ull);
	expect_decimal("18446744073709551615", UINT64_MAX);
	expect_decimal("18446744073709551610", UINT64_MAX - 5);
}

static void decimal_refuses_overflow_at_2_64(void **state)
{
	refuse_decimal("18446744073709551616");
	refuse_decimal("18446744073709551620");
	refuse_decimal("18446744073709551625");
	refuse_decimal("99999999999999999999");
	refuse_decimal("184467440737095516150");
	refuse_decimal("100000000000000000000000000000");
}

static void decimal_refuses_empty_signs_spaces_and_garbage(void **state)
{
	refuse_decimal("");
	refuse_decimal("+1");
	refuse_decimal("-1");
	refuse_decimal("-0");
	refuse_decimal(" 1");
	refuse_decimal("1 ");
	refuse_decimal("1 2");
	refuse_decimal("\t1");
	refuse_decimal("1\n");
	refuse_decimal("0x10");
	refuse_decimal("1a");
	refuse_decimal("1.0");
	refuse_decimal("1e3");
	refuse_decimal("\xd9\xa1"); /* ARABIC-INDIC DIGIT ONE */
}

static void hex_reads_with_and_without_0x(void **state)
{
	expect_hex("33", 0x33);        /* libvirt's reading: "33" is 0x33 */
	expect_hex("0x33", 0x33);
	expect_hex("0X33", 0x33);
	expect_hex("0", 0);
	expect_hex("0x0", 0);
	expect_hex("0x0003", 3);
	expect_hex("1", 1);
	expect_hex("10", 0x10);
	expect_hex("ABCDEF", 0xabcdef);
	expect_hex("0xAbCdEf", 0xabcdef);
	expect_hex("0XDEADbeef", 0xdeadbeef);
	expect_hex("30000", 0x30000);
	expect_hex("ffffffffffffffff", UINT64_MAX);
	expect_hex("0xFFFFFFFFFFFFFFFF", UINT64_MAX);
	expect_hex("0x8000000000000000", 0x8000000000000000ull);
	expect_hex("0x0000000000000000001", 1); /* leading zeros do not overflow */
}

static void hex_refuses_empty_bare_0x_and_overflow(void **state)
{
	refuse_hex("");
	refuse_hex("0x");
	refuse_hex("0X");
	refuse_hex("x");
	refuse_hex("10000000000000000");       /* 17 digits */
	refuse_hex("0x10000000000000000");
	refuse_hex("0x1ffffffffffffffff");
	refuse_hex("fffffffffffffffff");
}

static void hex_refuses_garbage(void **state)
{
	refuse_hex("0xg");
	refuse_hex("g");
	refuse_hex("xyz");
	refuse_hex("0x0x1");
	refuse_hex("00x1");
	refuse_hex(" 33");
	refuse_hex("33 ");
	refuse_hex("3 3");
	refuse_hex("-1");
	refuse_hex("+1");
	refuse_hex("0x-1");
	refuse_hex("#33");
	refuse_hex("33h");
	refuse_hex("\xef\xbc\x91"); /* FULLWIDTH DIGIT ONE */
}

struct unit_case {
	const char *unit;
	uint64_t scale;
};

static const struct unit_case unit_cases[] = {
	{ "b", 1 },
	{ "byte", 1 },
	{ "bytes", 1 },
	{ "KB", 1000ull },
	{ "k", 1024ull },
	{ "KiB", 1024ull },
	{ "MB", 1000000ull },
	{ "M", 1048576ull },
	{ "MiB", 1048576ull },
	{ "GB", 1000000000ull },
	{ "G", 1073741824ull },
	{ "GiB", 1073741824ull },
	{ "TB", 1000000000000ull },
	{ "T", 1099511627776ull },
	{ "TiB", 1099511627776ull },
	{ "PB", 1000000000000000ull },
	{ "P", 1125899906842624ull },
	{ "PiB", 1125899906842624ull },
	{ "EB", 1000000000000000000ull },
	{ "E", 1152921504606846976ull },
	{ "EiB", 1152921504606846976ull },
};

static void memory_every_unit_gives_exact_bytes(void **state)
{
	for (size_t i = 0; i < sizeof(unit_cases) / sizeof(*unit_cases); i++) {
		const struct unit_case *c = &unit_cases[i];
		static const struct { const char *text; uint64_t n; } values[] = {
			{ "0", 0 }, { "1", 1 }, { "3", 3 }, { "15", 15 },
		};
		for (size_t k = 0; k < sizeof(values) / sizeof(*values); k++) {
			uint64_t v = values[k].n;
			uint64_t bytes = UNTOUCHED;
			enum memory_error e = parse_memory(values[k].text, c->unit, &bytes);
			if (e != MEMORY_OK)
				fail_msg("parse_memory(\"%s\", \"%s\") = error %d; expected OK",
					 values[k].text, c->unit, (int)e);
			if (bytes != v * c->scale)
				fail_msg("parse_memory(\"%s\", \"%s\") = %llu bytes; expected %llu",
					 values[k].text, c->unit, (unsigned long long)bytes,
					 (unsigned long long)(v * c->scale));
		}
	}
}

static void memory_null_unit_is_kib(void **state)
{
	uint64_t bytes = 0;
	assert_int_equal(parse_memory("1", NULL, &bytes), MEMORY_OK);
	assert_int_equal(bytes, 1024);
	assert_int_equal(parse_memory("4194304", NULL, &bytes), MEMORY_OK);
	assert_int_equal(bytes, 4294967296ull);
	assert_int_equal(parse_memory("18014398509481983", NULL, &bytes), MEMORY_OK);
	assert_int_equal(bytes, 18014398509481983ull * 1024);
}

/* libvirt reads units in any case: kib, K, mib, BYTE, gb... */
static void memory_units_are_case_insensitive_as_in_libvirt(void **state)
{
	static const struct unit_case cases[] = {
		{ "B", 1 }, { "BYTE", 1 }, { "Bytes", 1 }, { "K", 1024 },
		{ "kib", 1024 }, { "KIB", 1024 }, { "kb", 1000 }, { "Kb", 1000 },
		{ "m", 1048576 }, { "mib", 1048576 }, { "mb", 1000000 },
		{ "g", 1073741824ull }, { "gib", 1073741824ull },
		{ "gb", 1000000000ull }, { "t", 1ull << 40 }, { "tb", 1000000000000ull },
		{ "p", 1ull << 50 }, { "pib", 1ull << 50 }, { "e", 1ull << 60 },
		{ "eb", 1000000000000000000ull },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		uint64_t bytes = UNTOUCHED;
		enum memory_error e = parse_memory("2", cases[i].unit, &bytes);
		if (e != MEMORY_OK || bytes != 2 * cases[i].scale)
			fail_msg("parse_memory(\"2\", \"%s\") = error %d, %llu bytes; expected %llu",
				 cases[i].unit, (int)e, (unsigned long long)bytes,
				 (unsigned long long)(2 * cases[i].scale));
	}
}

static void memory_unknown_unit_is_bad_unit(void **state)
{
	static const char *const bad[] = {
		"furlongs", "KiBi", "Ki", "iB", "bits", "KiB ", " KiB",
		"ZiB", "Z", "YiB", "kibibytes", "1", "%",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		uint64_t bytes = UNTOUCHED;
		enum memory_error e = parse_memory("1", bad[i], &bytes);
		if (e != MEMORY_BAD_UNIT)
			fail_msg("parse_memory(\"1\", \"%s\") = %d; expected MEMORY_BAD_UNIT",
				 bad[i], (int)e);
		assert_int_equal(bytes, UNTOUCHED);
	}
}

static void expect_overflow(const char *value, const char *unit)
{
	uint64_t bytes = UNTOUCHED;
	enum memory_error e = parse_memory(value, unit, &bytes);
	if (e != MEMORY_OVERFLOW)
		fail_msg("parse_memory(\"%s\", \"%s\") = %d; expected MEMORY_OVERFLOW",
			 value, unit ? unit : "(null)", (int)e);
	assert_int_equal(bytes, UNTOUCHED);
}

static void memory_overflow_is_memory_overflow(void **state)
{
	expect_overflow("17179869184", "GiB");     /* exactly 2^64 bytes */
	expect_overflow("17179869184", "G");
	expect_overflow("18446744073709551615", "KiB");
	expect_overflow("18446744073709551615", NULL);
	expect_overflow("18014398509481984", NULL); /* 2^54 KiB = 2^64 */
	expect_overflow("18446744073709551616", "b");
	expect_overflow("99999999999999999999999", "bytes");
	expect_overflow("16", "EiB");
	expect_overflow("19", "EB");
	expect_overflow("16384", "PiB");

	/* just below the limit still fits */
	uint64_t bytes = 0;
	assert_int_equal(parse_memory("17179869183", "GiB", &bytes), MEMORY_OK);
	assert_int_equal(bytes, 17179869183ull << 30);
	assert_int_equal(parse_memory("18446744073709551615", "b", &bytes), MEMORY_OK);
	assert_int_equal(bytes, UINT64_MAX);
	assert_int_equal(parse_memory("18", "EB", &bytes), MEMORY_OK);
	assert_int_equal(bytes, 18000000000000000000ull);
}

static void memory_non_number_is_bad_number(void **state)
{
	static const char *const bad[] = {
		"", "abc", "1.5", "-1", "+1", " 1", "1 ", "1k", "0x10", "1,000",
		"1e9",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		uint64_t bytes = UNTOUCHED;
		enum memory_error e = parse_memory(bad[i], "MiB", &bytes);
		if (e != MEMORY_BAD_NUMBER)
			fail_msg("parse_memory(\"%s\", \"MiB\") = %d; expected MEMORY_BAD_NUMBER",
				 bad[i], (int)e);
		assert_int_equal(bytes, UNTOUCHED);
	}
}

static void expect_uuid(const char *in, const char *want)
{
	char out[37];
	memset(out, 'Z', sizeof(out));
	if (!parse_uuid(in, out))
		fail_msg("parse_uuid(\"%s\") refused; expected %s", in, want);
	assert_memory_equal(out, want, 37); /* includes the terminating NUL */
}

static void refuse_uuid(const char *in)
{
	char out[37];
	if (parse_uuid(in, out))
		fail_msg("parse_uuid(\"%s\") accepted (%.36s); expected false", in, out);
}

static void uuid_dashed_undashed_and_upper_case_are_canonical(void **state)
{
	const char *canon = "c7a5fdbd-edaf-9455-926a-d65c16db1809";
	expect_uuid("c7a5fdbd-edaf-9455-926a-d65c16db1809", canon);
	expect_uuid("c7a5fdbdedaf9455926ad65c16db1809", canon);
	expect_uuid("C7A5FDBD-EDAF-9455-926A-D65C16DB1809", canon);
	expect_uuid("C7A5FDBDEDAF9455926AD65C16DB1809", canon);
	expect_uuid("c7A5fDbD-eDaF-9455-926a-D65c16dB1809", canon);
	expect_uuid("00000000-0000-0000-0000-000000000000",
		    "00000000-0000-0000-0000-000000000000");
	expect_uuid("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
		    "ffffffff-ffff-ffff-ffff-ffffffffffff");
}

static void uuid_refuses_wrong_length_and_bad_characters(void **state)
{
	refuse_uuid("");
	refuse_uuid("c7a5fdbd-edaf-9455-926a-d65c16db180");   /* 31 digits */
	refuse_uuid("c7a5fdbdedaf9455926ad65c16db180");
	refuse_uuid("c7a5fdbd-edaf-9455-926a-d65c16db18090"); /* 33 digits */
	refuse_uuid("c7a5fdbdedaf9455926ad65c16db18090");
	refuse_uuid("c7a5fdbdedaf9455926ad65c16db1809c7a5fdbdedaf9455926ad65c16db1809");
	refuse_uuid("g7a5fdbd-edaf-9455-926a-d65c16db1809");
	refuse_uuid("c7a5fdbd-edaf-9455-926a-d65c16db180z");
	refuse_uuid("{c7a5fdbd-edaf-9455-926a-d65c16db1809}");
	refuse_uuid(" c7a5fdbd-edaf-9455-926a-d65c16db1809");
	refuse_uuid("c7a5fdbd-edaf-9455-926a-d65c16db1809 ");
	refuse_uuid("c7a5fdbd edaf 9455 926a d65c16db1809");
	refuse_uuid("0xc7a5fdbdedaf9455926ad65c16db1809");
}

#define T(f) UNIT_TEST("number", f)

int run_number_tests(void)
{
	const struct CMUnitTest tests[] = {
		T(decimal_accepts_digits_up_to_2_64_minus_1),
		T(decimal_refuses_overflow_at_2_64),
		T(decimal_refuses_empty_signs_spaces_and_garbage),
		T(hex_reads_with_and_without_0x),
		T(hex_refuses_empty_bare_0x_and_overflow),
		T(hex_refuses_garbage),
		T(memory_every_unit_gives_exact_bytes),
		T(memory_null_unit_is_kib),
		T(memory_units_are_case_insensitive_as_in_libvirt),
		T(memory_unknown_unit_is_bad_unit),
		T(memory_overflow_is_memory_overflow),
		T(memory_non_number_is_bad_number),
		T(uuid_dashed_undashed_and_upper_case_are_canonical),
		T(uuid_refuses_wrong_length_and_bad_characters),
	};
	return RUN_GROUP("number (lib/number.h)", tests);
}
