#include "measure/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure/encode.h"
#include "measure/keys.h"
#include "measure/options.h"
#include "measure/report.h"

static const char measure_usage[] =
	"usage: sevqemu measure [options] DOMAIN.xml\n"
	"\n"
	"Prints the launch digest of the SEV, SEV-ES or SEV-SNP guest DOMAIN.xml\n"
	"describes (SHA-256, SHA-384 for SEV-SNP) as hex on the first line.\n"
	"\n"
	"  -f, --format FMT       text (default) or json (inputs and values)\n"
	"      --firmware FILE    the firmware image (default: <loader>)\n"
	"      --vcpu-family N    the vCPU signature, for host-passthrough,\n"
	"      --vcpu-model N     host-model or a model sevqemu does not know\n"
	"      --vcpu-stepping N  (all three together)\n"
	"      --guest-features HEX  SEV features of the save areas (SEV-SNP\n"
	"                         default 0x1, 0x21 with DebugSwap; SEV-ES 0)\n"
	"      --vmsa-init MODE   init2 (default: QEMU 9.1 and Linux 6.10 on)\n"
	"                         or legacy (FPU state zero, older stacks)\n"
	"      --tik FILE         also print the expected query-sev-launch-measure\n"
	"      --tk FILE          (libvirt's TEK+TIK file instead of --tik) with\n"
	"      --nonce HEX        the 16-byte MNONCE QEMU reported,\n"
	"      --api-major N      the firmware's API version\n"
	"      --api-minor N\n"
	"      --build-id N       and build (query-sev)\n"
	"      --ignore-unsupported  read XML with untranslatable elements\n"
	"  -q, --quiet  -v, --verbose  -h, --help\n"
	"\n"
	"Exit: 0 ok, 64 usage or a missing option, 65 firmware that does not fit\n"
	"the XML, 66 unreadable file, 69 no launch security.  See sevqemu(1).\n";

enum { OPT_TIK = 0x500, OPT_TK, OPT_NONCE, OPT_API_MAJOR, OPT_API_MINOR, OPT_BUILD };

static const struct option options[] = {
	MEASURE_LONG_OPTIONS,
	{ "format", required_argument, NULL, 'f' },
	{ "tik", required_argument, NULL, OPT_TIK },
	{ "tk", required_argument, NULL, OPT_TK },
	{ "nonce", required_argument, NULL, OPT_NONCE },
	{ "api-major", required_argument, NULL, OPT_API_MAJOR },
	{ "api-minor", required_argument, NULL, OPT_API_MINOR },
	{ "build-id", required_argument, NULL, OPT_BUILD },
	{ NULL, 0, NULL, 0 },
};

struct measure_args {
	struct measure_cli cli;
	bool json;
	struct key_files keys;
	const char *nonce;
	unsigned long api[3];      /* major, minor, build */
	unsigned given;            /* nonce 1, major 2, minor 4, build 8 */
	const char *input;
};

/* Options of measure alone: 1 taken, 0 not, or -64. */
static int own_option(struct measure_args *a, int c, const char *arg)
{
	static const char *const names[] = { "--api-major", "--api-minor", "--build-id" };
	switch (c) {
	case 'f':
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return -cli_usage("measure", "--format '%s' is not a format; expected text or json", arg);
		a->json = strcmp(arg, "json") == 0;
		return 1;
	case OPT_TIK: a->keys.tik = arg; return 1;
	case OPT_TK: a->keys.tk = arg; return 1;
	case OPT_NONCE: a->nonce = arg; a->given |= 1; return 1;
	case OPT_API_MAJOR:
	case OPT_API_MINOR:
	case OPT_BUILD: {
		int k = c - OPT_API_MAJOR;
		if (!cli_number("measure", names[k], arg, 0xff, &a->api[k]))
			return -EXIT_USAGE;
		a->given |= 2u << k;
		return 1;
	}
	}
	return 0;
}

/* The options that go together, once all are read. */
static int check_args(struct measure_args *a, int argc, char **argv)
{
	int status = measure_cli_finish(&a->cli);
	if (status)
		return status;
	bool key = a->keys.tik || a->keys.tk;
	if (a->keys.tik && a->keys.tk)
		return cli_usage("measure", "%s", "--tik and --tk exclude each other");
	if (key != (a->given == 15) || (!key && a->given))
		return cli_usage("measure", "%s", "--tik (or --tk), --nonce, --api-major, --api-minor and --build-id go together; give all five for the expected launch measurement");
	if (optind == argc)
		return cli_usage("measure", "%s", "no domain XML given (use - for standard input)");
	if (optind + 1 < argc)
		return cli_usage("measure", "unexpected argument '%s'; expected one domain XML", argv[optind + 1]);
	a->input = argv[optind];
	return 0;
}

/* Returns -1 to go on, or the status to exit with. */
static int read_args(struct measure_args *a, int argc, char **argv)
{
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":f:qvh", options, NULL)) != -1) {
		if (c == 'h') {
			fputs(measure_usage, stdout);
			return EXIT_OK;
		}
		if (c == ':')
			return cli_usage("measure", "option %s needs a value", argv[optind - 1]);
		if (c == '?')
			return cli_usage("measure", "unknown option '%s'", argv[optind - 1]);
		int r = measure_option(&a->cli, c, optarg);
		if (r == 0)
			r = own_option(a, c, optarg);
		if (r < 0)
			return -r;
	}
	int status = check_args(a, argc, argv);
	return status ? status : -1;
}

/* The expected query-sev-launch-measure value, from the TIK. */
static bool expect_launch(const struct measure_args *a,
			  const struct measurement *m, struct expected_launch *e,
			  struct diag *d)
{
	if (m->mode == MEASURE_SNP) {
		diag_path_error(d, EXIT_USAGE, a->keys.tik ? "--tik" : "--tk",
				"SEV-SNP has no LAUNCH_MEASURE: its digest is in the attestation report the guest fetches");
		return false;
	}
	if (!hex_parse(a->nonce, e->nonce, MNONCE_BYTES)) {
		diag_path_error(d, EXIT_USAGE, "--nonce",
				"'%s' is not 16 bytes in hex; expected 32 hex digits",
				a->nonce);
		return false;
	}
	uint8_t tik[TK_BYTES], tek[TK_BYTES];
	bool ok = keys_read(&a->keys, tik, tek, d);
	if (ok) {
		e->platform = (struct sev_platform){ (uint8_t)a->api[0],
			(uint8_t)a->api[1], (uint8_t)a->api[2] };
		launch_measure_mac(tik, &e->platform, (uint32_t)m->policy,
				   m->digest, e->nonce, e->mac);
		e->present = true;
	}
	explicit_bzero(tik, sizeof(tik));
	explicit_bzero(tek, sizeof(tek));
	return ok;
}

static void print_result(const struct measure_args *a,
			 const struct measurement *m,
			 const struct expected_launch *e, struct diag *d)
{
	if (a->json) {
		char *text = measurement_json(m, e);
		if (!text)
			diag_error(d, EXIT_DATAERR, 0, NULL,
				   "a path or the command line is not UTF-8, which JSON cannot carry; use --format=text");
		else
			fputs(text, stdout);
		free(text);
		return;
	}
	char hex[2 * SHA384_BYTES + 1];
	hex_format(m->digest, m->digest_bytes, hex);
	printf("%s\n", hex);
	if (e->present) {
		char *b64 = expected_launch_base64(e);
		printf("%s\n", b64);
		free(b64);
	}
}

int measure_main(int argc, char **argv)
{
	struct measure_args a = { .cli = { .command = "measure" } };
	int status = read_args(&a, argc, argv);
	if (status >= 0)
		return status;
	struct diag d;
	diag_init(&d, strcmp(a.input, "-") == 0 ? "<stdin>" : a.input, stderr,
		  a.cli.verbosity);
	struct domain dom = { 0 };
	struct measurement m;
	struct expected_launch e = { .present = false };
	a.cli.m.file_hashes = a.json;
	if (load_domain(a.input, &a.cli.parse, &dom, &d) &&
	    measure_domain(&dom, &a.cli.m, &m, &d)) {
		measurement_explain(&m, &d);
		if (!(a.keys.tik || a.keys.tk) || expect_launch(&a, &m, &e, &d))
			print_result(&a, &m, &e, &d);
	}
	domain_free(&dom);
	status = d.status;
	diag_release(&d);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "sevqemu: standard output: %s\n", strerror(errno));
		return status ? status : EXIT_OSERR;
	}
	return status;
}
