/* emit/argv.h: the NULL-terminated argument vector and keyval escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emit/argv.h"
#include "tests.h"

static void empty_argv_is_null_terminated(void **state)
{
	struct argv a = ARGV_INIT;
	assert_int_equal(a.n, 0);
	assert_non_null(a.v);
	assert_null(a.v[0]);
	argv_clear(&a); /* clearing an empty vector is harmless */
	assert_int_equal(a.n, 0);
	assert_null(a.v[0]);
}

static void push_1000_stays_null_terminated_at_every_size(void **state)
{
	struct argv a = ARGV_INIT;
	char buf[32];
	for (size_t i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "arg-%zu", i);
		argv_push(&a, buf);
		if (a.n != i + 1)
			fail_msg("after push %zu: n = %zu", i + 1, a.n);
		if (a.v[a.n] != NULL)
			fail_msg("after push %zu: v[%zu] is not NULL", i + 1, a.n);
		assert_string_equal(a.v[i], buf);
	}
	for (size_t i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "arg-%zu", i);
		assert_string_equal(a.v[i], buf);
	}
	argv_clear(&a);
}

static void push_copies_the_string(void **state)
{
	struct argv a = ARGV_INIT;
	char buf[] = "original";
	argv_push(&a, buf);
	buf[0] = 'X';
	assert_string_equal(a.v[0], "original");
	assert_ptr_not_equal(a.v[0], buf);
	argv_clear(&a);
}

static void clear_resets_and_the_vector_is_reusable(void **state)
{
	struct argv a = ARGV_INIT;
	for (int i = 0; i < 100; i++)
		argv_push(&a, "x");
	argv_clear(&a);
	assert_int_equal(a.n, 0);
	assert_non_null(a.v);
	assert_null(a.v[0]);
	argv_push(&a, "again");
	assert_int_equal(a.n, 1);
	assert_string_equal(a.v[0], "again");
	assert_null(a.v[1]);
	argv_clear(&a);
	assert_null(a.v[0]);
	/* the shared empty vector was never written to */
	assert_null(argv_empty[0]);
}

static void pushf_pair_and_owned(void **state)
{
	struct argv a = ARGV_INIT;
	argv_pushf(&a, "-m%s=%llu", "size", 1024ull);
	argv_pair(&a, "-kernel", "/boot/vm,linuz");
	char *owned = malloc(6);
	assert_non_null(owned);
	memcpy(owned, "owned", 6);
	argv_push_owned(&a, owned);
	assert_int_equal(a.n, 4);
	assert_string_equal(a.v[0], "-msize=1024");
	assert_string_equal(a.v[1], "-kernel");
	assert_string_equal(a.v[2], "/boot/vm,linuz"); /* raw: commas kept single */
	assert_ptr_equal(a.v[3], owned);
	assert_null(a.v[4]);
	argv_clear(&a);
}

/* Pushes the option KV built and compares it with WANT. */
static void expect_option(struct keyval *kv, const char *want)
{
	struct argv a = ARGV_INIT;
	kv_push(kv, &a, "-opt");
	assert_int_equal(a.n, 2);
	assert_string_equal(a.v[0], "-opt");
	assert_string_equal(a.v[1], want);
	assert_null(a.v[2]);
	argv_clear(&a);
}

static void kv_types_produce_exact_strings(void **state)
{
	struct keyval kv;
	kv_begin(&kv, "sev-guest");
	kv_str(&kv, "id", "sev0");
	kv_u64(&kv, "cbitpos", 47);
	kv_u64(&kv, "reduced-phys-bits", 1);
	kv_hex(&kv, "policy", 0x33);
	kv_bool(&kv, "kernel-hashes", true);
	kv_bool(&kv, "x", false);
	expect_option(&kv, "sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1,policy=0x33,kernel-hashes=on,x=off");
}

static void kv_without_head_has_no_leading_comma(void **state)
{
	struct keyval kv;
	kv_begin(&kv, NULL);
	kv_str(&kv, "guest", "demo");
	kv_u64(&kv, "n", 0);
	expect_option(&kv, "guest=demo,n=0");
}

static void kv_head_commas_are_doubled(void **state)
{
	struct keyval kv;
	kv_begin(&kv, "a,b");
	expect_option(&kv, "a,,b");
	kv_begin(&kv, "unix:/run/a,b,c");
	kv_bool(&kv, "server", true);
	expect_option(&kv, "unix:/run/a,,b,,c,server=on");
	kv_begin(&kv, ",");
	expect_option(&kv, ",,");
}

static void kv_value_commas_are_doubled(void **state)
{
	struct keyval kv;
	kv_begin(&kv, "drv");
	kv_str(&kv, "file", "/vm/a,b.qcow2");
	expect_option(&kv, "drv,file=/vm/a,,b.qcow2");
	kv_begin(&kv, NULL);
	kv_str(&kv, "k", "x,,y");
	expect_option(&kv, "k=x,,,,y");
	kv_begin(&kv, NULL);
	kv_str(&kv, "k", ",a,");
	kv_str(&kv, "j", ",");
	expect_option(&kv, "k=,,a,,,j=,,");
	kv_begin(&kv, NULL);
	kv_str(&kv, "k", "no commas=here");
	expect_option(&kv, "k=no commas=here");
}

static void kv_empty_value(void **state)
{
	struct keyval kv;
	kv_begin(&kv, "h");
	kv_str(&kv, "empty", "");
	kv_str(&kv, "next", "v");
	expect_option(&kv, "h,empty=,next=v");
}

static void kv_hex_is_lower_case_without_leading_zeros(void **state)
{
	static const struct { uint64_t v; const char *want; } cases[] = {
		{ 0, "p=0x0" },
		{ 1, "p=0x1" },
		{ 3, "p=0x3" },
		{ 0x30000, "p=0x30000" },
		{ 0xABCDEF, "p=0xabcdef" },
		{ 0xDEADBEEF, "p=0xdeadbeef" },
		{ UINT64_MAX, "p=0xffffffffffffffff" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct keyval kv;
		kv_begin(&kv, NULL);
		kv_hex(&kv, "p", cases[i].v);
		expect_option(&kv, cases[i].want);
	}
}

static void kv_u64_extremes(void **state)
{
	struct keyval kv;
	kv_begin(&kv, NULL);
	kv_u64(&kv, "a", 0);
	kv_u64(&kv, "b", UINT64_MAX);
	kv_u64(&kv, "c", 4294967296ull);
	expect_option(&kv, "a=0,b=18446744073709551615,c=4294967296");
}

static void kv_long_value_with_many_commas(void **state)
{
	size_t pairs = 5000;
	char *value = malloc(2 * pairs + 1);
	char *want = malloc(2 + 3 * pairs + 1);
	assert_non_null(value);
	assert_non_null(want);
	memcpy(want, "k=", 2);
	for (size_t i = 0; i < pairs; i++) {
		memcpy(value + 2 * i, "a,", 2);
		memcpy(want + 2 + 3 * i, "a,,", 3);
	}
	value[2 * pairs] = '\0';
	want[2 + 3 * pairs] = '\0';
	struct keyval kv;
	kv_begin(&kv, NULL);
	kv_str(&kv, "k", value);
	assert_int_equal(kv.len, strlen(want));
	expect_option(&kv, want);
	free(value);
	free(want);
}

static void kv_escape_appends_and_discard_frees(void **state)
{
	struct keyval kv;
	kv_begin(&kv, NULL);
	kv_escape(&kv, "a,b");
	kv_escape(&kv, ",c");
	assert_string_equal(kv.buf, "a,,b,,c");
	assert_int_equal(kv.len, 7);
	kv_discard(&kv);
	assert_null(kv.buf);
	assert_int_equal(kv.len, 0);
}

#define T(f) UNIT_TEST("argv", f)

int run_argv_tests(void)
{
	const struct CMUnitTest tests[] = {
		T(empty_argv_is_null_terminated),
		T(push_1000_stays_null_terminated_at_every_size),
		T(push_copies_the_string),
		T(clear_resets_and_the_vector_is_reusable),
		T(pushf_pair_and_owned),
		T(kv_types_produce_exact_strings),
		T(kv_without_head_has_no_leading_comma),
		T(kv_head_commas_are_doubled),
		T(kv_value_commas_are_doubled),
		T(kv_empty_value),
		T(kv_hex_is_lower_case_without_leading_zeros),
		T(kv_u64_extremes),
		T(kv_long_value_with_many_commas),
		T(kv_escape_appends_and_discard_frees),
	};
	return RUN_GROUP("argv (emit/argv.h)", tests);
}
