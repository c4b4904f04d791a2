/* act/files.h as one unit: the switch, commit and rollback, what a killed
 * run leaves and the next one cleans, signals, templates, and the pre-scan
 * and message escaping the hostile-input work added.  Each test gets a
 * fresh directory under /tmp. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "act/files.h"
#include "act/fsutil.h"
#include "act/guard.h"
#include "emit/build.h"
#include "parse/prescan.h"
#include "parse/xml.h"
#include "tests.h"
#include "testutil.h"

struct fx {
	char *tmp, *state;
	struct plan plan;
	struct diag d;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	fx->tmp = tu_mkdtemp();
	fx->state = xasprintf("%s/state", fx->tmp);
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
	free(fx->state);
	plan_free(&fx->plan);
	diag_release(&fx->d);
	free(fx);
	return 0;
}

/* A plan with the two blobs, DH and SE, in the fixture's state dir. */
static void blobs(struct fx *fx, const char *dh, const char *se)
{
	plan_free(&fx->plan);
	fx->plan = (struct plan)PLAN_INIT;
	fx->plan.state_dir = xstrdup(fx->state);
	fx->plan.state_dir_used = true;
	const char *names[] = { "dh_cert.base64", "session.base64" };
	const char *texts[] = { dh, se };
	for (int i = 0; i < 2; i++) {
		struct plan_file *f = plan_add_file(&fx->plan);
		f->dir = xstrdup(fx->state);
		f->name = xstrdup(names[i]);
		f->path = xasprintf("%s/%s", fx->state, names[i]);
		f->content = xstrdup(texts[i]);
		f->size = strlen(texts[i]);
		f->secret = true;
		f->in_state_dir = true;
	}
}

static char *in(struct fx *fx, const char *rel)
{
	return xasprintf("%s/%s", fx->tmp, rel);
}

static ino_t ino(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 ? st.st_ino : 0;
}

/* Entries of the fixture's directory that are sets beside the state dir. */
static int siblings(struct fx *fx)
{
	char *cmd = xasprintf("ls -A '%s' | grep -c '^\\.state\\.sevqemu-'", fx->tmp);
	char *out;
	size_t len;
	tu_run_sh(cmd, &out, &len);
	int n = atoi(out);
	free(out);
	free(cmd);
	return n;
}

static void rollback_puts_the_very_same_files_back(void **state)
{
	struct fx *fx = *state;
	blobs(fx, "A1\n", "A2\n");
	assert_true(files_write(&fx->plan, &fx->d));
	ino_t before = ino(fx->plan.files[0].path);
	blobs(fx, "B1\n", "B2\n");
	struct files_txn *t = files_install(&fx->plan, &fx->d);
	assert_non_null(t);
	tu_expect_content(fx->plan.files[0].path, "B1\n");
	assert_int_equal(siblings(fx), 1); /* the previous set, kept */
	files_rollback(t);
	tu_expect_content(fx->plan.files[0].path, "A1\n");
	tu_expect_content(fx->plan.files[1].path, "A2\n");
	assert_true(ino(fx->plan.files[0].path) == before);
	assert_int_equal(siblings(fx), 0);
}

static void commit_drops_the_previous_set(void **state)
{
	struct fx *fx = *state;
	blobs(fx, "A1\n", "A2\n");
	assert_true(files_write(&fx->plan, &fx->d));
	blobs(fx, "B1\n", "B2\n");
	struct files_txn *t = files_install(&fx->plan, &fx->d);
	assert_non_null(t);
	files_commit(t);
	tu_expect_content(fx->plan.files[1].path, "B2\n");
	assert_int_equal(siblings(fx), 0);
	tu_expect_no_hidden(fx->state);
}

/* The lock, an nvram and a socket in the state dir go into the new set as
 * themselves (hard links): same inode, not copies. */
static void other_entries_are_carried_over(void **state)
{
	struct fx *fx = *state;
	blobs(fx, "A1\n", "A2\n");
	assert_true(files_write(&fx->plan, &fx->d));
	char *lock = in(fx, "state/lock"), *vars = in(fx, "state/VARS.fd");
	char *sock = in(fx, "state/serial0.sock");
	assert_true(tu_write(lock, "1\n", 2));
	assert_true(tu_write(vars, "vars\n", 5));
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(s);
	ino_t il = ino(lock), iv = ino(vars), is = ino(sock);
	blobs(fx, "B1\n", "B2\n");
	assert_true(files_write(&fx->plan, &fx->d));
	assert_true(ino(lock) == il && ino(vars) == iv && ino(sock) == is);
	tu_expect_content(vars, "vars\n");
	free(lock);
	free(vars);
	free(sock);
}

/* A run killed after it made an nvram elsewhere and before its switch
 * leaves a set beside the state dir whose journal names that nvram and the
 * directories made for it: the next run's cleaning removes the set, the
 * empty directories (only those still the journal's) and old sevqemu's
 * temporaries, and keeps the whole nvram, which that run uses. */
static void cleanup_undoes_what_a_killed_run_left(void **state)
{
	struct fx *fx = *state;
	blobs(fx, "A1\n", "A2\n");
	assert_true(files_write(&fx->plan, &fx->d));
	char *snap = in(fx, ".state.sevqemu-0123456789ab");
	char *nvram = in(fx, "nv_VARS.fd"), *empty = in(fx, "made"), *other_dir = in(fx, "theirs");
	char *residue = in(fx, "state/.dh_cert.base64.old-a1b2c3d4e5f6");
	assert_int_equal(mkdir(snap, 0700), 0);
	assert_int_equal(mkdir(empty, 0700), 0);
	assert_int_equal(mkdir(other_dir, 0700), 0);
	assert_true(tu_write(nvram, "made\n", 5));
	assert_true(tu_write(residue, "old\n", 4));
	int dfd = open(snap, O_RDONLY | O_DIRECTORY), jfd = -1;
	struct stat st, dst, other;
	assert_int_equal(stat(nvram, &st), 0);
	assert_int_equal(stat(empty, &dst), 0);
	assert_int_equal(stat(other_dir, &other), 0);
	other.st_ino++; /* the journal's "theirs" is not this directory */
	assert_true(journal_add(dfd, &jfd, 'd', &dst, empty));
	assert_true(journal_add(dfd, &jfd, 'd', &other, other_dir));
	assert_true(journal_add(dfd, &jfd, 'f', &st, nvram));
	close(jfd);
	close(dfd);
	files_cleanup(&fx->plan);
	tu_expect_content(nvram, "made\n");
	assert_int_equal(access(empty, F_OK), -1);
	assert_int_equal(access(other_dir, F_OK), 0);
	assert_int_equal(siblings(fx), 0);
	tu_expect_no_hidden(fx->state);
	tu_expect_content(fx->plan.files[0].path, "A1\n");
	free(snap);
	free(nvram);
	free(empty);
	free(other_dir);
	free(residue);
}

/* A signal that arrives while the set is built: nothing changes, and the
 * status says which signal it was. */
static void a_pending_signal_rolls_the_install_back(void **state)
{
	struct fx *fx = *state;
	blobs(fx, "A1\n", "A2\n");
	assert_true(files_write(&fx->plan, &fx->d));
	blobs(fx, "B1\n", "B2\n");
	guard_begin();
	raise(SIGTERM);
	struct files_txn *t = files_install(&fx->plan, &fx->d);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	int sig = 0;
	sigwait(&set, &sig); /* consume it before the mask goes back */
	guard_end();
	assert_null(t);
	assert_int_equal(fx->d.status, 128 + SIGTERM);
	tu_expect_content(fx->plan.files[0].path, "A1\n");
	assert_int_equal(siblings(fx), 0);
}

static void templates_must_be_small_regular_files(void **state)
{
	struct fx *fx = *state;
	char *fifo = in(fx, "fifo"), *big = in(fx, "big.fd"), *link = in(fx, "link.fd");
	char *fine = in(fx, "fine.fd");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_true(tu_write(fine, "vars\n", 5));
	assert_int_equal(truncate(fine, 4096), 0);
	assert_true(tu_write(big, "", 0));
	assert_int_equal(truncate(big, (off_t)TEMPLATE_MAX + 1), 0);
	assert_int_equal(symlink(fine, link), 0);
	const char *refused[] = { fifo, big, link, "/dev/null" };
	for (size_t i = 0; i < 4; i++) {
		struct diag d;
		struct stat st;
		diag_init(&d, "test", NULL, VERB_NORMAL);
		int fd = files_open_template(refused[i], &st, &d);
		if (fd >= 0 || d.status != 77)
			fail_msg("%s: fd %d, status %d; expected 77", refused[i], fd, d.status);
		diag_release(&d);
	}
	struct stat st;
	int fd = files_open_template(fine, &st, &fx->d);
	assert_true(fd >= 0);
	assert_int_equal(st.st_size, 4096);
	close(fd);
	free(fifo);
	free(big);
	free(link);
	free(fine);
}

static void residue_names(void **state)
{
	(void)state;
	assert_true(fs_is_residue(".dh_cert.base64.new-0123456789ab"));
	assert_true(fs_is_residue(".x_VARS.fd.old-abcdefabcdef"));
	assert_false(fs_is_residue("dh_cert.base64.new-0123456789ab"));
	assert_false(fs_is_residue(".dh_cert.base64.new-0123456789aB"));
	assert_false(fs_is_residue(".dh_cert.base64.new-0123456789a"));
	assert_false(fs_is_residue(".new-0123456789ab"));
}

/* The pre-scan counts what libxml2 would build, and nothing else. */
static void prescan_counts_attributes_and_nodes(void **state)
{
	(void)state;
	struct diag d;
	char *many = xstrdup("<domain");
	for (int i = 0; i < 65; i++) {
		char *more = xasprintf("%s a%d='x=y>'", many, i);
		free(many);
		many = more;
	}
	char *doc = xasprintf("%s/>", many);
	diag_init(&d, "t", NULL, VERB_NORMAL);
	assert_false(xml_prescan(doc, strlen(doc), &d));
	assert_int_equal(d.status, 65);
	assert_non_null(strstr(d.error, "<domain>: has more than 64 attributes"));
	diag_release(&d);
	/* '=' and '<' inside quoted values, comments and CDATA count nothing. */
	const char *fine = "<domain a='=<=' b=\"'='\"><!-- <x a=b> --><![CDATA[<y c=d>]]><?p x=y?></domain>";
	diag_init(&d, "t", NULL, VERB_NORMAL);
	assert_true(xml_prescan(fine, strlen(fine), &d));
	diag_release(&d);
	free(doc);
	free(many);
}

static void messages_escape_control_characters(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	diag_line(f, "%s", "a\nb\tc\033[31md\x7f" "e\xc2\x9b" "f\xc3\xa9");
	fclose(f);
	assert_string_equal(buf, "sevqemu: a\\nb\\tc\\x1b[31md\\x7fe\\u009bf\xc3\xa9\n");
	free(buf);
}

/* A failed first install removes the directories it made: the state dir's
 * missing parents and the nvram's. */
static void a_failed_first_install_leaves_nothing(void **state)
{
	struct fx *fx = *state;
	free(fx->state);
	fx->state = in(fx, "p/q/state");
	blobs(fx, "A1\n", "A2\n");
	struct plan_file *f = plan_add_file(&fx->plan);
	f->dir = in(fx, "nv/a");
	f->name = xstrdup("VARS.fd");
	f->path = in(fx, "nv/a/VARS.fd");
	f->template = in(fx, "no-such-template");
	assert_false(files_write(&fx->plan, &fx->d));
	assert_int_equal(fx->d.status, 66);
	assert_int_equal(tu_count_entries(fx->tmp), 0);
}

#define T(f) UNIT_TEST_FIXTURE("fileset", f, setup, teardown)

int run_fileset_tests(void)
{
	const struct CMUnitTest tests[] = {
		T(rollback_puts_the_very_same_files_back),
		T(commit_drops_the_previous_set),
		T(other_entries_are_carried_over),
		T(cleanup_undoes_what_a_killed_run_left),
		T(a_pending_signal_rolls_the_install_back),
		T(a_failed_first_install_leaves_nothing),
		T(templates_must_be_small_regular_files),
		T(residue_names),
		T(prescan_counts_attributes_and_nodes),
		T(messages_escape_control_characters),
	};
	return RUN_GROUP("fileset (act/files.h)", tests);
}
