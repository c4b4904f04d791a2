/* emit/output.h: shell quoting (checked by a real /bin/sh), the format
 * checks, and the exact text of each output form. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "emit/build.h"
#include "act/output.h"
#include "tests.h"
#include "testutil.h"

static void plain_words_stay_unquoted(void **state)
{
	static const char *const plain[] = {
		"abc", "-machine", "q35,accel=kvm", "/usr/bin/qemu-system-x86_64",
		"sev-guest,id=sev0,cbitpos=47,policy=0x33", "1", "-",
		"a@b:c+d%e_f.g", "file=/vm/a,,b.qcow2",
	};
	for (size_t i = 0; i < sizeof(plain) / sizeof(*plain); i++) {
		char *q = shell_quote(plain[i]);
		assert_string_equal(q, plain[i]);
		free(q);
	}
}

static void empty_string_becomes_two_quotes(void **state)
{
	char *q = shell_quote("");
	assert_string_equal(q, "''");
	free(q);
}

static void special_words_are_single_quoted(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "a b", "'a b'" },
		{ "it's", "'it'\\''s'" },
		{ "'", "''\\'''" },
		{ "$(id)", "'$(id)'" },
		{ "~", "'~'" },
		{ "#x", "'#x'" },
		{ "a\nb", "'a\nb'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *q = shell_quote(cases[i].in);
		assert_string_equal(q, cases[i].want);
		free(q);
	}
}

/* printf '%s\0' WORD... through /bin/sh, batch by batch (an argument to
 * sh -c is limited to 128 KiB). */
static void round_trip(char **words, size_t n)
{
	const size_t batch = 100;
	for (size_t start = 0; start < n; start += batch) {
		size_t end = start + batch < n ? start + batch : n;
		char *script = NULL;
		size_t slen = 0;
		FILE *s = open_memstream(&script, &slen);
		assert_non_null(s);
		fputs("printf '%s\\0'", s);
		for (size_t i = start; i < end; i++) {
			char *q = shell_quote(words[i]);
			fputc(' ', s);
			fputs(q, s);
			free(q);
		}
		fputc('\n', s);
		fclose(s);
		char *out;
		size_t len;
		int rc = tu_run_sh(script, &out, &len);
		free(script);
		if (rc != 0)
			fail_msg("sh exited %d on words %zu..%zu", rc, start, end - 1);
		tu_expect_nul_words(out, len, words + start, end - start, "shell_quote");
		free(out);
	}
}

static void quoted_words_round_trip_through_bin_sh(void **state)
{
	static const char *const fixed[] = {
		"", "~", "~root", "#comment", "a b", "--", "$HOME", "`id`",
		"$(id)", "'", "''", "\n", "a\nb", "*", "!", "a=b", "x\\", "\\",
		"\"", "\xe6\x97\xa5\xe6\x9c\xac", "\xc3\xa9t\xc3\xa9", "{a,b}",
		"[ab]", "a;b", "a&b", "a|b", "<x>", "%1", "!!", "\t", "\r\n",
	};
	size_t nfixed = sizeof(fixed) / sizeof(*fixed);
	size_t n = nfixed + 2500;
	char **words = calloc(n, sizeof(*words));
	assert_non_null(words);
	for (size_t i = 0; i < nfixed; i++)
		words[i] = strdup(fixed[i]);
	uint64_t rng = 20240601;
	for (size_t i = nfixed; i < n; i++)
		words[i] = tu_random_word(&rng);
	round_trip(words, n);
	for (size_t i = 0; i < n; i++)
		free(words[i]);
	free(words);
}

/* A plan with the awkward argv of the JSON test, one secret file. */
static void sample_plan(struct plan *plan)
{
	argv_push(&plan->argv, "/usr/bin/qemu-system-x86_64");
	argv_push(&plan->argv, "a\"b");
	argv_push(&plan->argv, "back\\slash");
	argv_push(&plan->argv, "new\nline");
	argv_push(&plan->argv, "ctl\x01x");
	argv_push(&plan->argv, "tab\tx");
	argv_push(&plan->argv, "\xc3\xa9t\xc3\xa9");
	struct plan_file *f = plan_add_file(plan);
	f->dir = xstrdup("/s");
	f->name = xstrdup("dh_cert.base64");
	f->path = xstrdup("/s/dh_cert.base64");
	f->content = xstrdup("SECRETVALUE\n");
	f->size = strlen(f->content);
	f->secret = true;
	f->in_state_dir = true;
	plan->state_dir = xstrdup("/s");
	plan->state_dir_used = true;
}

static char *write_to_string(const struct plan *plan, enum output_format fmt,
			     const struct diag *d, size_t *len)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	assert_non_null(f);
	output_write(f, plan, fmt, d);
	fclose(f);
	if (len)
		*len = size;
	return text;
}

static void json_output_is_exact(void **state)
{
	struct plan plan = PLAN_INIT;
	sample_plan(&plan);
	struct diag d;
	diag_init(&d, "test", NULL, VERB_NORMAL);
	diag_warn(&d, 3, "<os>", "say \"hi\" \\ now");
	char *json = write_to_string(&plan, OUTPUT_JSON, &d, NULL);
	assert_string_equal(json,
		"{\"argv\":[\"/usr/bin/qemu-system-x86_64\",\"a\\\"b\","
		"\"back\\\\slash\",\"new\\nline\",\"ctl\\u0001x\",\"tab\\tx\","
		"\"\xc3\xa9t\xc3\xa9\"],\"env\":{},"
		"\"files\":[{\"path\":\"/s/dh_cert.base64\",\"bytes\":12}],"
		"\"helpers\":[],\"warnings\":[\"test:3: <os>: warning: say \\\"hi\\\" \\\\ now\"]}\n");
	free(json);
	diag_release(&d);
	plan_free(&plan);
}

static void json_carries_env_and_no_diag_means_no_warnings(void **state)
{
	struct plan plan = PLAN_INIT;
	argv_push(&plan.argv, "qemu");
	argv_push(&plan.env, "FOO=bar=baz");
	argv_push(&plan.env, "EMPTY=");
	char *json = write_to_string(&plan, OUTPUT_JSON, NULL, NULL);
	assert_string_equal(json,
		"{\"argv\":[\"qemu\"],\"env\":{\"FOO\":\"bar=baz\",\"EMPTY\":\"\"},"
		"\"files\":[],\"helpers\":[],\"warnings\":[]}\n");
	free(json);
	plan_free(&plan);
}

/* The helpers a real run starts appear in JSON only, by name and argv. */
static void json_lists_helpers_other_formats_do_not(void **state)
{
	struct plan plan = PLAN_INIT;
	argv_push(&plan.argv, "qemu");
	plan.helpers = calloc(1, sizeof(*plan.helpers));
	plan.nhelpers = plan.helpers_alloc = 1;
	plan.helpers[0].name = "swtpm";
	plan.helpers[0].argv = (struct argv)ARGV_INIT;
	plan.helpers[0].setup = (struct argv)ARGV_INIT;
	argv_push(&plan.helpers[0].argv, "/usr/bin/swtpm");
	argv_push(&plan.helpers[0].argv, "socket");
	char *json = write_to_string(&plan, OUTPUT_JSON, NULL, NULL);
	assert_string_equal(json,
		"{\"argv\":[\"qemu\"],\"env\":{},\"files\":[],"
		"\"helpers\":[{\"name\":\"swtpm\",\"argv\":[\"/usr/bin/swtpm\",\"socket\"]}],"
		"\"warnings\":[]}\n");
	free(json);
	char *shell = write_to_string(&plan, OUTPUT_SHELL, NULL, NULL);
	assert_string_equal(shell, "qemu\n");
	free(shell);
	plan_free(&plan);
}

static void secret_content_never_appears_in_any_format(void **state)
{
	struct plan plan = PLAN_INIT;
	sample_plan(&plan);
	for (int fmt = OUTPUT_SHELL; fmt <= OUTPUT_JSON; fmt++) {
		size_t len;
		char *text = write_to_string(&plan, (enum output_format)fmt, NULL, &len);
		if (memmem(text, len, "SECRETVALUE", 11))
			fail_msg("format %d shows a file's content", fmt);
		free(text);
	}
	plan_free(&plan);
}

static void args_and_nul_output_are_exact(void **state)
{
	struct plan plan = PLAN_INIT;
	argv_push(&plan.argv, "qemu");
	argv_push(&plan.argv, "a b");
	argv_push(&plan.argv, "");
	size_t len;
	char *text = write_to_string(&plan, OUTPUT_ARGS, NULL, &len);
	assert_int_equal(len, 10);
	assert_memory_equal(text, "qemu\na b\n\n", 10);
	free(text);
	text = write_to_string(&plan, OUTPUT_NUL, NULL, &len);
	assert_int_equal(len, 10);
	assert_memory_equal(text, "qemu\0a b\0\0", 10);
	free(text);
	argv_push(&plan.env, "A=1");
	text = write_to_string(&plan, OUTPUT_NUL, NULL, &len);
	assert_int_equal(len, 18);
	assert_memory_equal(text, "env\0A=1\0qemu\0a b\0\0", 18);
	free(text);
	plan_free(&plan);
}

/* The contract of DESIGN §4: eval "set -- $(sevqemu ...)" gives the argv. */
static void shell_output_survives_eval_set(void **state)
{
	struct plan plan = PLAN_INIT;
	char *want[] = { "env", "X=a b", "/opt/q emu", "-name", "guest=it's,,$x",
			 "", "new\nline", "~", "#", "\xe6\x97\xa5" };
	argv_push(&plan.env, want[1]);
	for (size_t i = 2; i < sizeof(want) / sizeof(*want); i++)
		argv_push(&plan.argv, want[i]);
	char path[] = "/tmp/sevqemu-unit-sh-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	output_write(f, &plan, OUTPUT_SHELL, NULL);
	fclose(f);
	char *script = xasprintf("eval \"set -- $(cat %s)\" && printf '%%s\\0' \"$@\"", path);
	char *out;
	size_t len;
	int rc = tu_run_sh(script, &out, &len);
	unlink(path);
	free(script);
	assert_int_equal(rc, 0);
	tu_expect_nul_words(out, len, want, sizeof(want) / sizeof(*want), "--format=shell");
	free(out);
	plan_free(&plan);
}

static void check_one(const char *arg, bool in_env, enum output_format fmt,
		      bool want_ok)
{
	struct plan plan = PLAN_INIT;
	argv_push(&plan.argv, "qemu");
	argv_push(in_env ? &plan.env : &plan.argv, arg);
	struct diag d;
	diag_init(&d, "test", NULL, VERB_NORMAL);
	bool ok = output_check(&plan, fmt, &d);
	if (ok != want_ok)
		fail_msg("output_check(format %d, %s \"%s\") = %d; expected %d",
			 (int)fmt, in_env ? "env" : "argv", arg, ok, want_ok);
	assert_int_equal(d.status, want_ok ? 0 : 65);
	diag_release(&d);
	plan_free(&plan);
}

static void args_format_refuses_a_newline_with_65(void **state)
{
	check_one("a\nb", false, OUTPUT_ARGS, false);
	check_one("\n", false, OUTPUT_ARGS, false);
	check_one("X=a\nb", true, OUTPUT_ARGS, false);
	check_one("a b\tc", false, OUTPUT_ARGS, true);
	check_one("a\nb", false, OUTPUT_NUL, true);
	check_one("a\nb", false, OUTPUT_SHELL, true);
	check_one("a\nb", false, OUTPUT_JSON, true);
}

/* ARG (malloc'ed, owned by the plan from here) in a one-argument plan,
 * checked for --format=args; returns the error message (new string). */
static char *args_error(char *arg)
{
	struct plan plan = PLAN_INIT;
	argv_push_owned(&plan.argv, arg);
	struct diag d;
	diag_init(&d, "test", NULL, VERB_NORMAL);
	bool ok = output_check(&plan, OUTPUT_ARGS, &d);
	char *msg = d.error ? xstrdup(d.error) : NULL;
	diag_release(&d);
	plan_free(&plan);
	assert_false(ok);
	assert_non_null(msg);
	return msg;
}

/* The refusal shows the argument with \n escaped, and "..." only when it
 * was cut.  The bytes after each argument's NUL are set on purpose: the
 * message must depend on the argument alone. */
static void args_newline_message_shows_the_argument_and_marks_cuts(void **state)
{
	char *arg = calloc(64, 1);
	assert_non_null(arg);
	static const char text[] = "a\nb\0XYZXYZXYZ";
	memcpy(arg, text, sizeof(text));
	char *msg = args_error(arg);
	bool whole = strstr(msg, "a\\nb") != NULL, cut = strstr(msg, "...") != NULL;
	if (!whole || cut)
		fail_msg("3-byte argument \"a\\nb\": message \"%s\" %s", msg,
			 !whole ? "does not show it" : "says it was cut");
	free(msg);

	arg = calloc(400, 1); /* 100 newlines, zeros after them */
	assert_non_null(arg);
	memset(arg, '\n', 100);
	msg = args_error(arg);
	cut = strstr(msg, "...") != NULL;
	size_t len = strlen(msg);
	free(msg);
	if (!cut)
		fail_msg("100 newlines do not fit in the message, which does not say it was cut (%zu bytes long)",
			 len);
}

static void json_format_refuses_invalid_utf8_with_65(void **state)
{
	static const char *const bad[] = {
		"\xff", "a\xfe", "\x80", "\xc0\xaf", "\xc1\xbf",
		"\xe0\x80\xaf", "\xed\xa0\x80", "\xed\xbf\xbf",
		"\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xe6\x97",
		"\xc3", "\xc3(",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		check_one(bad[i], false, OUTPUT_JSON, false);
		check_one(bad[i], false, OUTPUT_SHELL, true);
	}
	check_one("X=\xff", true, OUTPUT_JSON, false);
}

static void json_format_accepts_valid_utf8(void **state)
{
	static const char *const good[] = {
		"", "plain", "\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xc2\x80",
		"\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80",
		"\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf0\x9f\x98\x80",
		"\xf4\x8f\xbf\xbf", "ctl\x01\x7f",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		check_one(good[i], false, OUTPUT_JSON, true);
}

/* A warning names the input file, which may be any bytes (a Latin-1 file
 * name): JSON must then be refused, or still be valid UTF-8. */
static void json_never_carries_invalid_utf8_from_warnings(void **state)
{
	struct plan plan = PLAN_INIT;
	argv_push(&plan.argv, "qemu");
	struct diag d;
	diag_init(&d, "g\xe4st.xml", NULL, VERB_NORMAL);
	diag_warn(&d, 1, "<domain>", "no launch security");
	bool ok = output_check(&plan, OUTPUT_JSON, &d);
	size_t len;
	char *json = write_to_string(&plan, OUTPUT_JSON, &d, &len);
	bool valid = tu_utf8_ok((const unsigned char *)json, len);
	free(json);
	int status = d.status;
	diag_release(&d);
	plan_free(&plan);
	if (ok && !valid)
		fail_msg("output_check(JSON) passed, but the JSON holds the warning's "
			 "invalid UTF-8 (input file name \"g\\xe4st.xml\") unchanged");
	if (!ok)
		assert_int_equal(status, 65);
}

static void format_names_parse(void **state)
{
	enum output_format f = OUTPUT_JSON;
	assert_true(output_format_parse("shell", &f));
	assert_int_equal(f, OUTPUT_SHELL);
	assert_true(output_format_parse("args", &f));
	assert_int_equal(f, OUTPUT_ARGS);
	assert_true(output_format_parse("nul", &f));
	assert_int_equal(f, OUTPUT_NUL);
	assert_true(output_format_parse("json", &f));
	assert_int_equal(f, OUTPUT_JSON);
	assert_false(output_format_parse("JSON", &f));
	assert_false(output_format_parse("xml", &f));
	assert_false(output_format_parse("", &f));
}

#define T(f) UNIT_TEST("output", f)

int run_output_tests(void)
{
	const struct CMUnitTest tests[] = {
		T(plain_words_stay_unquoted),
		T(empty_string_becomes_two_quotes),
		T(special_words_are_single_quoted),
		T(quoted_words_round_trip_through_bin_sh),
		T(json_output_is_exact),
		T(json_carries_env_and_no_diag_means_no_warnings),
		T(json_lists_helpers_other_formats_do_not),
		T(secret_content_never_appears_in_any_format),
		T(args_and_nul_output_are_exact),
		T(shell_output_survives_eval_set),
		T(args_format_refuses_a_newline_with_65),
		T(args_newline_message_shows_the_argument_and_marks_cuts),
		T(json_format_refuses_invalid_utf8_with_65),
		T(json_format_accepts_valid_utf8),
		T(json_never_carries_invalid_utf8_from_warnings),
		T(format_names_parse),
	};
	return RUN_GROUP("output (act/output.h)", tests);
}
