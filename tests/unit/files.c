/* emit/files.h: the state dir and its files, written safely, all or none.
 * Each test gets a fresh directory under /tmp (removed afterwards), a plan
 * and a diag, all released by the fixture even when the test fails. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "emit/build.h"
#include "act/files.h"
#include "tests.h"
#include "testutil.h"

struct fx {
	char *tmp;
	struct plan plan;
	struct diag d;
	char *paths[16];
	size_t npaths;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	fx->tmp = tu_mkdtemp();
	fx->plan = (struct plan)PLAN_INIT;
	diag_init(&fx->d, "test", NULL, VERB_NORMAL);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	tu_rmtree(fx->tmp);
	free(fx->tmp);
	plan_free(&fx->plan);
	diag_release(&fx->d);
	for (size_t i = 0; i < fx->npaths; i++)
		free(fx->paths[i]);
	free(fx);
	return 0;
}

/* TMP/REL, owned by the fixture. */
static const char *at(struct fx *fx, const char *rel)
{
	assert_true(fx->npaths < sizeof(fx->paths) / sizeof(*fx->paths));
	return fx->paths[fx->npaths++] = xasprintf("%s/%s", fx->tmp, rel);
}

static void reset_diag(struct fx *fx)
{
	diag_release(&fx->d);
	diag_init(&fx->d, "test", NULL, VERB_NORMAL);
}

static void add_state_file(struct plan *plan, const char *name,
			   const char *content)
{
	struct plan_file *f = plan_add_file(plan);
	f->dir = xstrdup(plan->state_dir);
	f->name = xstrdup(name);
	f->path = xasprintf("%s/%s", plan->state_dir, name);
	f->content = xstrdup(content);
	f->size = strlen(content);
	f->secret = true;
	f->in_state_dir = true;
	plan->state_dir_used = true;
}

/* The plan sevqemu makes for an SEV guest: two blobs in STATE_DIR. */
static void blob_plan(struct plan *plan, const char *state_dir)
{
	plan->state_dir = xstrdup(state_dir);
	add_state_file(plan, "dh_cert.base64", "DHCERT\n");
	add_state_file(plan, "session.base64", "SESSION\n");
}

/* An nvram made from TEMPLATE at DIR/NAME. */
static void add_nvram(struct plan *plan, const char *dir, const char *name,
		      const char *template)
{
	struct plan_file *f = plan_add_file(plan);
	f->dir = xstrdup(dir);
	f->name = xstrdup(name);
	f->path = xasprintf("%s/%s", dir, name);
	f->template = xstrdup(template);
	struct stat st;
	if (stat(template, &st) == 0)
		f->size = (size_t)st.st_size;
}

static void writes_both_blobs_0600_in_a_new_0700_dir(void **state)
{
	struct fx *fx = *state;
	const char *dir = at(fx, "state");
	blob_plan(&fx->plan, dir);
	assert_true(files_write(&fx->plan, &fx->d));
	assert_int_equal(fx->d.status, 0);
	tu_expect_mode(dir, S_IFDIR, 0700);
	tu_expect_mode(fx->plan.files[0].path, S_IFREG, 0600);
	tu_expect_mode(fx->plan.files[1].path, S_IFREG, 0600);
	tu_expect_content(fx->plan.files[0].path, "DHCERT\n");
	tu_expect_content(fx->plan.files[1].path, "SESSION\n");
	assert_int_equal(tu_count_entries(dir), 2);
}

/* Under umask MASK: files 0600, state dir and missing parents 0700. */
static void write_under_umask(struct fx *fx, mode_t mask)
{
	const char *dir = at(fx, "p/q/state");
	blob_plan(&fx->plan, dir);
	mode_t old = umask(mask);
	bool ok = files_write(&fx->plan, &fx->d);
	umask(old);
	if (!ok)
		fail_msg("umask %04o: files_write failed: %s", (unsigned)mask,
			 fx->d.error ? fx->d.error : "?");
	tu_expect_mode(fx->plan.files[0].path, S_IFREG, 0600);
	tu_expect_mode(fx->plan.files[1].path, S_IFREG, 0600);
	tu_expect_content(fx->plan.files[0].path, "DHCERT\n");
	tu_expect_content(fx->plan.files[1].path, "SESSION\n");
	tu_expect_mode(dir, S_IFDIR, 0700);
	tu_expect_mode(at(fx, "p/q"), S_IFDIR, 0700);
	tu_expect_mode(at(fx, "p"), S_IFDIR, 0700);
}

static void modes_exact_under_umask_0(void **state) { write_under_umask(*state, 0); }
static void modes_exact_under_umask_077(void **state) { write_under_umask(*state, 077); }
static void modes_exact_under_umask_0777(void **state) { write_under_umask(*state, 0777); }

static void group_or_other_writable_state_dir_is_73(void **state)
{
	struct fx *fx = *state;
	static const unsigned modes[] = { 0770, 0702, 0777 };
	const char *dir = at(fx, "state");
	assert_int_equal(mkdir(dir, 0700), 0);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(chmod(dir, modes[i]), 0);
		plan_free(&fx->plan);
		blob_plan(&fx->plan, dir);
		reset_diag(fx);
		if (files_write(&fx->plan, &fx->d))
			fail_msg("state dir mode %04o accepted", modes[i]);
		assert_int_equal(fx->d.status, 73);
		assert_int_equal(tu_count_entries(dir), 0);
		reset_diag(fx);
		assert_false(files_check(&fx->plan, &fx->d));
		assert_int_equal(fx->d.status, 73);
	}
}

static void symlink_state_dir_is_73_and_target_untouched(void **state)
{
	struct fx *fx = *state;
	const char *real = at(fx, "real"), *dir = at(fx, "state");
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink(real, dir), 0);
	blob_plan(&fx->plan, dir);
	assert_false(files_write(&fx->plan, &fx->d));
	assert_int_equal(fx->d.status, 73);
	assert_int_equal(tu_count_entries(real), 0);
}

static void planted_symlink_is_replaced_not_written_through(void **state)
{
	struct fx *fx = *state;
	const char *dir = at(fx, "state"), *target = at(fx, "target");
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_true(tu_write(target, "precious\n", 9));
	blob_plan(&fx->plan, dir);
	assert_int_equal(symlink(target, fx->plan.files[0].path), 0);
	assert_true(files_write(&fx->plan, &fx->d));
	tu_expect_content(target, "precious\n");
	tu_expect_mode(fx->plan.files[0].path, S_IFREG, 0600);
	tu_expect_content(fx->plan.files[0].path, "DHCERT\n");
	tu_expect_no_hidden(dir);
}

static void existing_blobs_are_replaced(void **state)
{
	struct fx *fx = *state;
	const char *dir = at(fx, "state");
	assert_int_equal(mkdir(dir, 0700), 0);
	blob_plan(&fx->plan, dir);
	assert_true(tu_write(fx->plan.files[0].path, "old\n", 4));
	assert_true(tu_write(fx->plan.files[1].path, "old\n", 4));
	assert_int_equal(chmod(fx->plan.files[1].path, 0644), 0);
	assert_true(files_write(&fx->plan, &fx->d));
	tu_expect_content(fx->plan.files[0].path, "DHCERT\n");
	tu_expect_content(fx->plan.files[1].path, "SESSION\n");
	tu_expect_mode(fx->plan.files[1].path, S_IFREG, 0600);
	tu_expect_no_hidden(dir);
}

/* The second name is a non-empty directory: it cannot be replaced by a
 * file, so the run must fail and leave the first file as it was. */
static void both_or_neither_when_a_directory_is_in_the_way(void **state)
{
	struct fx *fx = *state;
	const char *dir = at(fx, "state"), *inside = at(fx, "state/session.base64/keep");
	assert_int_equal(mkdir(dir, 0700), 0);
	blob_plan(&fx->plan, dir);
	assert_true(tu_write(fx->plan.files[0].path, "old\n", 4));
	assert_int_equal(mkdir(fx->plan.files[1].path, 0700), 0);
	assert_true(tu_write(inside, "keep\n", 5));
	bool ok = files_write(&fx->plan, &fx->d);
	int hidden = tu_count_hidden(dir);
	char *first = tu_read(fx->plan.files[0].path, NULL);
	char *kept = tu_read(inside, NULL);
	const char *first_is = !first ? "nothing"
			       : strcmp(first, "old\n") == 0 ? "its old content"
			       : "the NEW content";
	bool kept_ok = kept != NULL;
	free(kept);
	free(first);
	if (ok || fx->d.status != 73 || hidden != 0 || !kept_ok ||
	    strcmp(first_is, "its old content") != 0)
		fail_msg("files_write returned %s (status %d); dh_cert.base64 holds %s; "
			 "session.base64/keep %s; %d dot entries left in the state dir "
			 "(expected: false, 73, the old content, the directory "
			 "intact, 0 dot entries)",
			 ok ? "true" : "false", fx->d.status, first_is,
			 kept_ok ? "is still there" : "is gone", hidden);
}

/* A failure at the rename stage (an nvram appeared meanwhile): the blob
 * already renamed into place is rolled back. */
static void both_or_neither_rolls_back_placed_files(void **state)
{
	struct fx *fx = *state;
	const char *dir = at(fx, "state"), *nvdir = at(fx, "nv");
	const char *template = at(fx, "VARS.template");
	const char *nvram = at(fx, "nv/guest_VARS.fd");
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(mkdir(nvdir, 0700), 0);
	assert_true(tu_write(template, "template\n", 9));
	/* A symbolic link where the nvram goes: never named over, so the
	 * nvram fails after the state dir's set was placed. */
	assert_int_equal(symlink("elsewhere", nvram), 0);
	fx->plan.state_dir = xstrdup(dir);
	add_state_file(&fx->plan, "dh_cert.base64", "DHCERT\n");
	add_nvram(&fx->plan, nvdir, "guest_VARS.fd", template);
	assert_true(tu_write(fx->plan.files[0].path, "old\n", 4));
	assert_false(files_write(&fx->plan, &fx->d));
	assert_int_equal(fx->d.status, 73);
	tu_expect_content(fx->plan.files[0].path, "old\n");
	char link[32] = "";
	assert_int_equal(readlink(nvram, link, sizeof(link) - 1), 9);
	assert_string_equal(link, "elsewhere");
	tu_expect_no_hidden(dir);
	tu_expect_no_hidden(nvdir);
	assert_int_equal(tu_count_entries(dir), 1);
}

/* A failure while writing (the template is missing): nothing is placed. */
static void failure_while_staging_leaves_everything_as_it_was(void **state)
{
	struct fx *fx = *state;
	const char *dir = at(fx, "state"), *nvdir = at(fx, "nv");
	assert_int_equal(mkdir(dir, 0700), 0);
	fx->plan.state_dir = xstrdup(dir);
	add_state_file(&fx->plan, "dh_cert.base64", "DHCERT\n");
	add_nvram(&fx->plan, nvdir, "guest_VARS.fd", at(fx, "no-such-template"));
	assert_true(tu_write(fx->plan.files[0].path, "old\n", 4));
	assert_false(files_write(&fx->plan, &fx->d));
	assert_true(fx->d.status != 0);
	tu_expect_content(fx->plan.files[0].path, "old\n");
	tu_expect_no_hidden(dir);
	assert_int_equal(tu_count_entries(dir), 1);
	assert_true(tu_count_entries(nvdir) <= 0); /* missing or empty */
}

static void nvram_is_a_0600_copy_of_its_template(void **state)
{
	struct fx *fx = *state;
	const char *template = at(fx, "VARS.template");
	const char *nvdir = at(fx, "vm/nvram");
	const char *nvram = at(fx, "vm/nvram/guest_VARS.fd");
	static unsigned char data[200000]; /* more than one read of the copy */
	tu_fill(data, sizeof(data), 42);
	assert_true(tu_write(template, (const char *)data, sizeof(data)));
	assert_int_equal(chmod(template, 0644), 0);
	add_nvram(&fx->plan, nvdir, "guest_VARS.fd", template);
	mode_t old = umask(0);
	bool ok = files_write(&fx->plan, &fx->d);
	umask(old);
	assert_true(ok);
	tu_expect_mode(nvram, S_IFREG, 0600);
	size_t len;
	char *got = tu_read(nvram, &len);
	assert_non_null(got);
	bool same = len == sizeof(data) && memcmp(got, data, len) == 0;
	free(got);
	assert_true(same);
	tu_expect_no_hidden(nvdir);
}

static void existing_nvram_is_never_replaced(void **state)
{
	struct fx *fx = *state;
	const char *template = at(fx, "VARS.template"), *nvdir = at(fx, "nv");
	const char *nvram = at(fx, "nv/guest_VARS.fd");
	assert_true(tu_write(template, "template\n", 9));
	assert_int_equal(mkdir(nvdir, 0700), 0);
	assert_true(tu_write(nvram, "the guest's own variables\n", 26));
	/* Planned as missing, made since by a launch that held the lock: */
	add_nvram(&fx->plan, nvdir, "guest_VARS.fd", template);
	assert_true(files_write(&fx->plan, &fx->d));
	tu_expect_content(nvram, "the guest's own variables\n");
	tu_expect_no_hidden(nvdir);
}

static void check_refuses_symlink_state_dir(void **state)
{
	struct fx *fx = *state;
	const char *real = at(fx, "real"), *dir = at(fx, "state");
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink(real, dir), 0);
	blob_plan(&fx->plan, dir);
	assert_false(files_check(&fx->plan, &fx->d));
	assert_int_equal(fx->d.status, 73);
	assert_int_equal(tu_count_entries(real), 0);
}

static void check_accepts_missing_dir_and_creates_nothing(void **state)
{
	struct fx *fx = *state;
	blob_plan(&fx->plan, at(fx, "a/b/state"));
	assert_true(files_check(&fx->plan, &fx->d));
	assert_int_equal(fx->d.status, 0);
	assert_int_equal(tu_count_entries(fx->tmp), 0);
}

static void check_accepts_a_good_existing_dir(void **state)
{
	struct fx *fx = *state;
	const char *dir = at(fx, "state");
	assert_int_equal(mkdir(dir, 0700), 0);
	blob_plan(&fx->plan, dir);
	assert_true(files_check(&fx->plan, &fx->d));
	assert_int_equal(fx->d.status, 0);
	assert_int_equal(tu_count_entries(dir), 0);
}

#define T(f) UNIT_TEST_FIXTURE("files", f, setup, teardown)

int run_files_tests(void)
{
	const struct CMUnitTest tests[] = {
		T(writes_both_blobs_0600_in_a_new_0700_dir),
		T(modes_exact_under_umask_0),
		T(modes_exact_under_umask_077),
		T(modes_exact_under_umask_0777),
		T(group_or_other_writable_state_dir_is_73),
		T(symlink_state_dir_is_73_and_target_untouched),
		T(planted_symlink_is_replaced_not_written_through),
		T(existing_blobs_are_replaced),
		T(both_or_neither_when_a_directory_is_in_the_way),
		T(both_or_neither_rolls_back_placed_files),
		T(failure_while_staging_leaves_everything_as_it_was),
		T(nvram_is_a_0600_copy_of_its_template),
		T(existing_nvram_is_never_replaced),
		T(check_refuses_symlink_state_dir),
		T(check_accepts_missing_dir_and_creates_nothing),
		T(check_accepts_a_good_existing_dir),
	};
	return RUN_GROUP("files (act/files.h)", tests);
}
