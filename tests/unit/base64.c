/* parse/base64.h: strict RFC 4648 checking (libb64 alone skips bad bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/base64.h"
#include "tests.h"
#include "testutil.h"

/* Checks that TEXT is valid, decodes to BYTES, and canonicalises to CANON. */
static void expect_ok(const char *text, size_t bytes, const char *canon)
{
	char *out = NULL;
	size_t n = 12345, where = 0;
	enum base64_error e = base64_check(text, &out, &n, &where);
	if (e != BASE64_OK)
		fail_msg("base64_check(\"%.60s\") = %d (%s); expected BASE64_OK",
			 text, (int)e, base64_strerror(e));
	assert_non_null(out);
	if (n != bytes)
		fail_msg("base64_check(\"%.60s\") decoded %zu bytes; expected %zu",
			 text, n, bytes);
	if (strcmp(out, canon) != 0)
		fail_msg("base64_check(\"%.60s\") canonical \"%.80s\"; expected \"%.80s\"",
			 text, out, canon);
	free(out);
}

static void expect_error(const char *text, enum base64_error want,
			 size_t want_where)
{
	char *out = NULL;
	size_t n = 0, where = (size_t)-1;
	enum base64_error e = base64_check(text, &out, &n, &where);
	if (e != want)
		fail_msg("base64_check(\"%.60s\") = %d (%s); expected %d (%s)",
			 text, (int)e, base64_strerror(e), (int)want,
			 base64_strerror(want));
	if (e == BASE64_OK)
		free(out);
	if (want == BASE64_BAD_CHAR && where != want_where)
		fail_msg("base64_check(\"%.60s\"): *where = %zu; expected %zu",
			 text, where, want_where);
}

static void padding_0_1_2_decode_to_exact_sizes(void **state)
{
	expect_ok("QUJD", 3, "QUJD");
	expect_ok("QUI=", 2, "QUI=");
	expect_ok("QQ==", 1, "QQ==");
	expect_ok("QUJDREVG", 6, "QUJDREVG");
	expect_ok("QUJDREU=", 5, "QUJDREU=");
	expect_ok("QUJDRA==", 4, "QUJDRA==");
	expect_ok("AAAA", 3, "AAAA");
	expect_ok("////", 3, "////");
	expect_ok("++++", 3, "++++");
}

static void white_space_inside_is_accepted_and_removed(void **state)
{
	expect_ok("QUJD\nREVG", 6, "QUJDREVG");
	expect_ok("  QU JD\r\n\tRE VG\n\n", 6, "QUJDREVG");
	expect_ok("\nQ\nU\nJ\nD\nR\nA\n=\n=\n", 4, "QUJDRA==");
	expect_ok("QUJDRA= =", 4, "QUJDRA==");
	expect_ok("\t\t\tQQ==\r\n", 1, "QQ==");
}

/* The reference encoder against coreutils itself, so that "canonical" means
 * exactly what `base64 -w0` prints. */
static void reference_encoder_matches_coreutils_base64_w0(void **state)
{
	char path[] = "/tmp/sevqemu-unit-b64-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unsigned char buf[2084];
	tu_fill(buf, sizeof(buf), 2084);
	assert_int_equal(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "base64 -w0 < %s", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	static char got[4096];
	size_t n = fread(got, 1, sizeof(got) - 1, p);
	got[n] = '\0';
	int status = pclose(p);
	unlink(path);
	assert_int_equal(status, 0);
	char *mine = tu_base64(buf, sizeof(buf), 0);
	assert_string_equal(got, mine);
	free(mine);
}

/* Decodes exactly SIZE random-looking bytes, wrapped at 64 columns, and
 * canonicalises to the unwrapped reference encoding. */
static void check_random_blob(size_t size, uint64_t seed, size_t wrap)
{
	unsigned char *buf = malloc(size ? size : 1);
	assert_non_null(buf);
	tu_fill(buf, size, seed);
	char *wrapped = tu_base64(buf, size, wrap);
	char *flat = tu_base64(buf, size, 0);
	free(buf);
	char *out = NULL;
	size_t n = 0, where = 0;
	enum base64_error e = base64_check(wrapped, &out, &n, &where);
	if (e != BASE64_OK)
		fail_msg("%zu bytes wrapped at %zu: error %d (%s)", size, wrap,
			 (int)e, base64_strerror(e));
	if (n != size)
		fail_msg("%zu bytes wrapped at %zu decoded to %zu bytes", size,
			 wrap, n);
	if (strcmp(out, flat) != 0)
		fail_msg("%zu bytes wrapped at %zu: canonical text differs from base64 -w0",
			 size, wrap);
	free(out);
	free(wrapped);
	free(flat);
}

static void dh_cert_size_2084_bytes_wrapped_at_64(void **state)
{
	check_random_blob(2084, 1, 64);
	check_random_blob(2084, 2, 76);
	check_random_blob(2084, 3, 0);
}

static void session_size_128_bytes_wrapped_at_64(void **state)
{
	check_random_blob(128, 4, 64);
	check_random_blob(128, 5, 0);
}

static void every_size_from_1_to_300_and_snp_sizes(void **state)
{
	for (size_t size = 1; size <= 300; size++)
		check_random_blob(size, 1000 + size, 64);
	check_random_blob(16, 6, 64);
	check_random_blob(96, 7, 64);
	check_random_blob(4096, 8, 64);
	check_random_blob(32, 9, 64);
	/* larger than libb64's 72-column line, many times over */
	check_random_blob(100000, 10, 64);
}

static void bad_characters_are_refused_with_their_offset(void **state)
{
	expect_error("QU!D", BASE64_BAD_CHAR, 2);
	expect_error("!QUJD", BASE64_BAD_CHAR, 0);
	expect_error("QUJD*AAA", BASE64_BAD_CHAR, 4);
	expect_error("QUJD-AAA", BASE64_BAD_CHAR, 4);  /* base64url */
	expect_error("QUJD_AAA", BASE64_BAD_CHAR, 4);  /* base64url */
	expect_error("QUJD\xc3\xa9" "AA", BASE64_BAD_CHAR, 4); /* é */
	expect_error("QUJ\xff", BASE64_BAD_CHAR, 3);
	expect_error("QUJD\n  !AAA", BASE64_BAD_CHAR, 7); /* offset counts spaces */
	expect_error("QUJD.AAA", BASE64_BAD_CHAR, 4);
	expect_error("QUJD\vAAA", BASE64_BAD_CHAR, 4);
	expect_error("QQ=!", BASE64_BAD_CHAR, 3);
	/* libb64 alone would skip the '!' and decode "QUJD" */
	expect_error("QU!JD", BASE64_BAD_CHAR, 2);
}

static void equals_in_the_middle_is_bad_padding(void **state)
{
	expect_error("QQ==QUJD", BASE64_BAD_PADDING, 0);
	expect_error("QU=D", BASE64_BAD_PADDING, 0);
	expect_error("=QUJ", BASE64_BAD_PADDING, 0);
	expect_error("QUI=QUI=", BASE64_BAD_PADDING, 0);
	expect_error("QQ=\nQ", BASE64_BAD_PADDING, 0);
}

static void three_or_more_equals_are_bad_padding(void **state)
{
	expect_error("Q===", BASE64_BAD_PADDING, 0);
	expect_error("QUJDQ===", BASE64_BAD_PADDING, 0);
	expect_error("====", BASE64_BAD_PADDING, 0);
	expect_error("QUJD====", BASE64_BAD_PADDING, 0);
}

static void length_not_multiple_of_4_is_bad_length(void **state)
{
	expect_error("Q", BASE64_BAD_LENGTH, 0);
	expect_error("QU", BASE64_BAD_LENGTH, 0);
	expect_error("QUJ", BASE64_BAD_LENGTH, 0);
	expect_error("QUJDQ", BASE64_BAD_LENGTH, 0);
	expect_error("QUJDQQ=", BASE64_BAD_LENGTH, 0);
	expect_error("QUJ D Q\n", BASE64_BAD_LENGTH, 0);
}

static void empty_and_white_space_only_are_empty(void **state)
{
	expect_error("", BASE64_EMPTY, 0);
	expect_error(" ", BASE64_EMPTY, 0);
	expect_error("\n", BASE64_EMPTY, 0);
	expect_error(" \t\r\n \n\t", BASE64_EMPTY, 0);
}

static void every_error_has_its_own_phrase(void **state)
{
	const enum base64_error all[] = { BASE64_OK, BASE64_EMPTY,
		BASE64_BAD_CHAR, BASE64_BAD_PADDING, BASE64_BAD_LENGTH };
	for (size_t i = 0; i < 5; i++) {
		assert_non_null(base64_strerror(all[i]));
		assert_true(strlen(base64_strerror(all[i])) > 0);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(base64_strerror(all[i]),
						base64_strerror(all[k]));
	}
}

#define T(f) UNIT_TEST("base64", f)

int run_base64_tests(void)
{
	const struct CMUnitTest tests[] = {
		T(padding_0_1_2_decode_to_exact_sizes),
		T(white_space_inside_is_accepted_and_removed),
		T(reference_encoder_matches_coreutils_base64_w0),
		T(dh_cert_size_2084_bytes_wrapped_at_64),
		T(session_size_128_bytes_wrapped_at_64),
		T(every_size_from_1_to_300_and_snp_sizes),
		T(bad_characters_are_refused_with_their_offset),
		T(equals_in_the_middle_is_bad_padding),
		T(three_or_more_equals_are_bad_padding),
		T(length_not_multiple_of_4_is_bad_length),
		T(empty_and_white_space_only_are_empty),
		T(every_error_has_its_own_phrase),
	};
	return RUN_GROUP("base64 (lib/base64.h)", tests);
}
