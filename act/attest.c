#include "act/attest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/memops.h>

#include "act/qmp.h"
#include "lib/xalloc.h"
#include "act/secrets.h"
#include "measure/encode.h"
#include "measure/keys.h"
#include "measure/options.h"
#include "measure/report.h"

static const char attest_usage[] =
	"usage: sevqemu attest --qmp PATH (--tik FILE [--tek FILE] | --tk FILE)\n"
	"                      [--secret GUID=FILE|luks-key=FILE ...]\n"
	"                      [--no-cont] [--insecure] [options] DOMAIN.xml\n"
	"\n"
	"Checks the launch measurement of an SEV or SEV-ES guest started with\n"
	"sevqemu --paused --qmp PATH against DOMAIN.xml; on a match injects the\n"
	"secrets and resumes the guest.  A mismatch injects nothing, leaves the\n"
	"guest paused and exits 1.\n"
	"\n"
	"      --qmp PATH         the guest's QMP socket\n"
	"      --tik FILE         sevctl's NAME_tik.bin (16 bytes)\n"
	"      --tek FILE         sevctl's NAME_tek.bin (16 bytes; for --secret)\n"
	"      --tk FILE          libvirt's 32-byte TEK then TIK, instead\n"
	"      --secret GUID=FILE a secret for OVMF's secret table (repeatable);\n"
	"                         luks-key=FILE: the disk passphrase GUID\n"
	"      --no-cont          leave the guest paused after injecting\n"
	"      --insecure         attest even when the NVRAM or the kernel is\n"
	"                         outside the measurement\n"
	"      --firmware FILE, --vcpu-family N, --vcpu-model N, --vcpu-stepping N,\n"
	"      --guest-features HEX, --vmsa-init init2|legacy, --ignore-unsupported\n"
	"                         as for sevqemu measure\n"
	"  -q, --quiet  -v, --verbose  -h, --help\n"
	"\n"
	"Exit: 0 match, 1 mismatch, 64 usage, 65 firmware or key that does not\n"
	"fit, 66 unreadable file, 69 refused or QEMU unreachable.  See sevqemu(1).\n";

enum { OPT_QMP = 0x600, OPT_TIK, OPT_TEK, OPT_TK, OPT_SECRET, OPT_NO_CONT, OPT_INSECURE };

static const struct option options[] = {
	MEASURE_LONG_OPTIONS,
	{ "qmp", required_argument, NULL, OPT_QMP },
	{ "tik", required_argument, NULL, OPT_TIK },
	{ "tek", required_argument, NULL, OPT_TEK },
	{ "tk", required_argument, NULL, OPT_TK },
	{ "secret", required_argument, NULL, OPT_SECRET },
	{ "no-cont", no_argument, NULL, OPT_NO_CONT },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ NULL, 0, NULL, 0 },
};

struct attest_args {
	struct measure_cli cli;
	const char *qmp;
	struct key_files keys;
	struct secret_files secrets;
	bool no_cont, insecure;
	const char *input;
};

static int own_option(struct attest_args *a, int c, const char *arg)
{
	switch (c) {
	case OPT_QMP: a->qmp = arg; return 1;
	case OPT_TIK: a->keys.tik = arg; return 1;
	case OPT_TEK: a->keys.tek = arg; return 1;
	case OPT_TK: a->keys.tk = arg; return 1;
	case OPT_SECRET: return secret_spec_add(&a->secrets, arg) ? -EXIT_USAGE : 1;
	case OPT_NO_CONT: a->no_cont = true; return 1;
	case OPT_INSECURE: a->insecure = true; return 1;
	}
	return 0;
}

static int check_args(struct attest_args *a, int argc, char **argv)
{
	int status = measure_cli_finish(&a->cli);
	if (status)
		return status;
	if (!a->qmp)
		return cli_usage("attest", "%s", "--qmp PATH is needed: the socket of the guest started with sevqemu --paused --qmp PATH");
	if (a->keys.tk && (a->keys.tik || a->keys.tek))
		return cli_usage("attest", "%s", "--tk excludes --tik and --tek");
	if (!a->keys.tk && !a->keys.tik)
		return cli_usage("attest", "%s", "no keys: give --tik FILE (and --tek FILE), or --tk FILE");
	if (a->secrets.n && !a->keys.tk && !a->keys.tek)
		return cli_usage("attest", "%s", "--secret needs the TEK: give --tek FILE, or --tk FILE");
	if (optind == argc)
		return cli_usage("attest", "%s", "no domain XML given (use - for standard input)");
	if (optind + 1 < argc)
		return cli_usage("attest", "unexpected argument '%s'; expected one domain XML", argv[optind + 1]);
	a->input = argv[optind];
	return 0;
}

/* Returns -1 to go on, or the status to exit with. */
static int read_args(struct attest_args *a, int argc, char **argv)
{
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":qvh", options, NULL)) != -1) {
		if (c == 'h') {
			fputs(attest_usage, stdout);
			return EXIT_OK;
		}
		if (c == ':')
			return cli_usage("attest", "option %s needs a value", argv[optind - 1]);
		if (c == '?')
			return cli_usage("attest", "unknown option '%s'", argv[optind - 1]);
		int r = measure_option(&a->cli, c, optarg);
		if (r == 0)
			r = own_option(a, c, optarg);
		if (r < 0)
			return -r;
	}
	int status = check_args(a, argc, argv);
	return status ? status : -1;
}

/* Whether the guest's NVRAM lies outside the measurement. */
static bool has_nvram(const struct os *os)
{
	return os->nvram || os->nvram_net || os->nvram_template || (!os->loader && os->firmware_efi);
}

/* What this exchange cannot vouch for (69, or a warning with --insecure). */
static bool refuse(const struct domain *dom, bool insecure, struct diag *d)
{
	const struct os *os = &dom->os;
	if (dom->launch.type == LAUNCH_SEV_SNP) {
		diag_error(d, EXIT_UNAVAILABLE, dom->launch.line, "<launchSecurity>",
			   "SEV-SNP has no launch measurement to read over QMP: its digest is in the attestation report, which the guest fetches itself; use sevqemu measure for the expected digest");
		return false;
	}
	if (dom->launch.type == LAUNCH_NONE) {
		diag_error(d, EXIT_UNAVAILABLE, dom->line, "<domain>",
			   "has no launch security, so there is nothing to attest");
		return false;
	}
	if (has_nvram(os)) {
		if (!insecure) {
			diag_error(d, EXIT_UNAVAILABLE, os->nvram_line ? os->nvram_line : os->line,
				   os->nvram_line ? "<nvram>" : "<os>",
				   "the guest has an NVRAM (pflash VARS), which the launch measurement does not cover; use a stateless firmware (<loader stateless='yes'>), or --insecure to attest anyway");
			return false;
		}
		diag_warn(d, os->nvram_line ? os->nvram_line : os->line,
			  os->nvram_line ? "<nvram>" : "<os>",
			  "the NVRAM is outside the measurement (--insecure)");
	}
	if (os->kernel && dom->launch.kernel_hashes != TRI_ON && !insecure) {
		diag_error(d, EXIT_UNAVAILABLE, os->kernel_line, "<kernel>",
			   "the guest boots a kernel that is not measured (kernelHashes is not 'yes'); set <launchSecurity kernelHashes='yes'>, or --insecure to attest anyway");
		return false;
	}
	return true;
}

/* query-sev: the platform, the policy QEMU reports, a paused SEV guest. */
static bool query_sev(struct qmp *q, struct sev_platform *p, uint64_t *policy,
		      struct diag *d)
{
	json_t *r = qmp_execute(q, "query-sev", NULL, d);
	if (!r)
		return false;
	const char *type = json_string_value(json_object_get(r, "sev-type"));
	const char *state = json_string_value(json_object_get(r, "state"));
	json_t *major = json_object_get(r, "api-major"), *minor = json_object_get(r, "api-minor");
	json_t *build = json_object_get(r, "build-id"), *pol = json_object_get(r, "policy");
	bool ok = false;
	if (!json_is_true(json_object_get(r, "enabled")))
		diag_path_error(d, EXIT_UNAVAILABLE, q->path, "QEMU says SEV is not enabled for this guest");
	else if (type && strcmp(type, "sev") != 0)
		diag_path_error(d, EXIT_UNAVAILABLE, q->path, "QEMU reports an %s guest; attest reads SEV and SEV-ES launches", type);
	else if (!state || strcmp(state, "launch-secret") != 0)
		diag_path_error(d, EXIT_UNAVAILABLE, q->path, "the guest is in state '%s', not 'launch-secret'; attest a guest started with --paused, before it runs",
				state ? state : "?");
	else if (!json_is_integer(major) || !json_is_integer(minor) || !json_is_integer(build) || !json_is_integer(pol))
		diag_path_error(d, EXIT_UNAVAILABLE, q->path, "query-sev lacks api-major, api-minor, build-id or policy");
	else
		ok = true;
	if (ok) {
		p->api_major = (uint8_t)json_integer_value(major);
		p->api_minor = (uint8_t)json_integer_value(minor);
		p->build = (uint8_t)json_integer_value(build);
		*policy = (uint64_t)json_integer_value(pol);
	}
	json_decref(r);
	return ok;
}

static bool query_measure(struct qmp *q, uint8_t blob[LAUNCH_MEASURE_BYTES],
			  struct diag *d)
{
	json_t *r = qmp_execute(q, "query-sev-launch-measure", NULL, d);
	if (!r)
		return false;
	const char *data = json_string_value(json_object_get(r, "data"));
	bool ok = data && b64_decode_exact(data, blob, LAUNCH_MEASURE_BYTES);
	if (!ok)
		diag_path_error(d, EXIT_UNAVAILABLE, q->path,
				"query-sev-launch-measure gave no base64 of %u bytes (a MAC and its nonce)",
				LAUNCH_MEASURE_BYTES);
	json_decref(r);
	return ok;
}

/* The secret table, encrypted and authenticated, through QMP. */
static bool inject(struct qmp *q, const uint8_t tik[TK_BYTES],
		   const uint8_t tek[TK_BYTES], const uint8_t mac[MEASURE_MAC_BYTES],
		   const uint8_t *table, size_t len, struct diag *d)
{
	uint8_t iv[SECRET_IV_BYTES], header[SECRET_HEADER_BYTES];
	size_t got = 0;
	while (got < sizeof(iv)) {
		ssize_t n = getrandom(iv + got, sizeof(iv) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_path_error(d, EXIT_OSERR, "getrandom", "%s", strerror(errno));
			return false;
		}
		got += (size_t)n;
	}
	uint8_t *cipher = xmalloc(len);
	launch_secret_packet(tek, tik, iv, mac, table, len, cipher, header);
	char *h64 = b64_encode(header, sizeof(header)), *c64 = b64_encode(cipher, len);
	free(cipher);
	json_t *r = qmp_execute(q, "sev-inject-launch-secret",
				json_pack("{s:s,s:s}", "packet-header", h64, "secret", c64), d);
	free(h64);
	free(c64);
	bool ok = r != NULL;
	json_decref(r);
	return ok;
}

struct attest_state {
	struct domain dom;
	struct measurement m;
	uint8_t tik[TK_BYTES], tek[TK_BYTES];
	struct secret *secrets;
	uint8_t *table;            /* OVMF's secret table, plain */
	size_t table_len;
};

/* The secret table, checked against the firmware's secret area. */
static bool build_table(const struct attest_args *a, struct attest_state *s,
			struct diag *d)
{
	if (!s->m.fw_has_secret) {
		diag_path_error(d, EXIT_DATAERR, s->m.firmware,
				"has no SEV secret area (GUID 4c2eb361-7d9b-4cc3-8081-127c90d3d294 with a non-zero base), so QEMU has nowhere to put --secret; expected OVMF built from OvmfPkg/AmdSev");
		return false;
	}
	s->table = secret_table(s->secrets, a->secrets.n, &s->table_len);
	if (!s->table || s->table_len > s->m.fw_secret_size) {
		diag_path_error(d, EXIT_DATAERR, s->m.firmware,
				"has a secret area of %u bytes; the secret table of %zu bytes does not fit",
				s->m.fw_secret_size, s->table ? s->table_len : (size_t)-1);
		return false;
	}
	return true;
}

/* Everything from the files, before QEMU is asked anything. */
static bool prepare(struct attest_args *a, struct attest_state *s,
		    struct diag *d)
{
	a->cli.m.file_hashes = true;
	if (!load_domain(a->input, &a->cli.parse, &s->dom, d) ||
	    !refuse(&s->dom, a->insecure, d) ||
	    !measure_domain(&s->dom, &a->cli.m, &s->m, d))
		return false;
	measurement_explain(&s->m, d);
	return keys_read(&a->keys, s->tik, s->tek, d) &&
	       secrets_load(&a->secrets, &s->secrets, d) &&
	       (!a->secrets.n || build_table(a, s, d));
}

static void report_mismatch(const struct attest_state *s,
			    const struct sev_platform *p, uint64_t policy,
			    const uint8_t reported[LAUNCH_MEASURE_BYTES],
			    struct diag *d)
{
	diag_error(d, EXIT_MISMATCH, 0, NULL,
		   "the launch measurement does not match this XML: nothing was injected and the guest stays paused");
	char *b64 = b64_encode(reported, LAUNCH_MEASURE_BYTES);
	fprintf(stderr, "sevqemu: attest:   QEMU reports API %u.%u, build %u, policy 0x%llx%s, measurement %s\n",
		p->api_major, p->api_minor, p->build, (unsigned long long)policy,
		policy == s->m.policy ? "" : " (not the XML's)", b64);
	free(b64);
	measurement_summary(stderr, "sevqemu: attest:   ", &s->m);
}

/* The QMP exchange: check, then inject and resume on a match. */
static void exchange(const struct attest_args *a, struct attest_state *s,
		     struct qmp *q, struct diag *d)
{
	struct sev_platform p;
	uint64_t policy = 0;
	uint8_t reported[LAUNCH_MEASURE_BYTES], mac[MEASURE_MAC_BYTES];
	if (!qmp_open(q, a->qmp, d) || !query_sev(q, &p, &policy, d) ||
	    !query_measure(q, reported, d))
		return;
	launch_measure_mac(s->tik, &p, (uint32_t)s->m.policy, s->m.digest,
			   reported + MEASURE_MAC_BYTES, mac);
	if (!memeql_sec(mac, reported, MEASURE_MAC_BYTES)) {
		report_mismatch(s, &p, policy, reported, d);
		return;
	}
	char hex[2 * SHA256_BYTES + 1];
	hex_format(s->m.digest, SHA256_BYTES, hex);
	if (!a->cli.quiet)
		printf("match: %s launch digest %s\n", measure_mode_name(s->m.mode), hex);
	if (a->secrets.n) {
		if (!inject(q, s->tik, s->tek, reported, s->table, s->table_len, d))
			return;
		if (!a->cli.quiet)
			printf("injected: %zu secret%s in a %zu-byte table\n", a->secrets.n,
			       a->secrets.n == 1 ? "" : "s", s->table_len);
	}
	if (a->no_cont) {
		if (!a->cli.quiet)
			printf("paused: --no-cont\n");
		return;
	}
	json_t *r = qmp_execute(q, "cont", NULL, d);
	if (r && !a->cli.quiet)
		printf("resumed\n");
	json_decref(r);
}

int attest_main(int argc, char **argv)
{
	struct attest_args a = { .cli = { .command = "attest" } };
	int status = read_args(&a, argc, argv);
	if (status >= 0) {
		free(a.secrets.v);
		return status;
	}
	struct diag d;
	diag_init(&d, strcmp(a.input, "-") == 0 ? "<stdin>" : a.input, stderr,
		  a.cli.verbosity);
	struct attest_state s = { .dom = { 0 } };
	struct qmp q = { .fd = -1 };
	if (prepare(&a, &s, &d))
		exchange(&a, &s, &q, &d);
	qmp_close(&q);
	explicit_bzero(s.tik, sizeof(s.tik));
	explicit_bzero(s.tek, sizeof(s.tek));
	secrets_free(s.secrets, s.secrets ? a.secrets.n : 0);
	if (s.table) {
		explicit_bzero(s.table, s.table_len);
		free(s.table);
	}
	domain_free(&s.dom);
	free(a.secrets.v);
	status = d.status;
	diag_release(&d);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "sevqemu: standard output: %s\n", strerror(errno));
		return status ? status : EXIT_OSERR;
	}
	return status;
}
