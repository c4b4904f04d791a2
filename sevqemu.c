/*
 * sevqemu: an AMD SEV domain XML in, the QEMU command line that launches it
 * out.  This file only wires the flow together:
 *
 *   read -> parse (parse/) -> struct domain -> plan (emit/) -> act
 *
 * and owns the options, the modes (print, --dry-run, --exec) and the exit
 * statuses.  No translation happens here.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "act/files.h"
#include "act/host.h"
#include "act/launch.h"
#include "act/output.h"
#include "emit/plan.h"
#include "act/preflight.h"
#include "act/probe.h"
#include "act/trust.h"
#include "lib/xalloc.h"
#include "parse/parse.h"
#include "parse/policy.h"
#include "parse/xml.h"

#ifndef SEVQEMU_VERSION
#define SEVQEMU_VERSION "0.1.0"
#endif

extern char **environ;

enum mode { MODE_PRINT, MODE_DRY_RUN, MODE_EXEC };

struct options {
	enum mode mode;
	enum output_format format;
	enum verbosity verbosity;
	const char *input;
	const char *dh_cert;
	const char *session;
	const char *domcaps;
	bool probe;
	const char *nvram_dir;
	struct parse_options parse;
	struct plan_options plan;
};

static const char usage_text[] =
	"usage: sevqemu [options] DOMAIN.xml       ('-' reads standard input)\n"
	"       sevqemu policy [--snp] VALUE       explain a guest policy\n"
	"\n"
	"Modes (default: write the blob files, print the command):\n"
	"  -n, --dry-run          check and print; write no file, run nothing\n"
	"  -x, --exec             write the files, then become QEMU (no shell)\n"
	"\n"
	"Output:\n"
	"  -f, --format FMT       shell (default), args, nul or json\n"
	"  -q, --quiet            no warnings (errors are always shown)\n"
	"  -v, --verbose          say every decision taken\n"
	"\n"
	"Launch:\n"
	"  -d, --state-dir DIR    where blob files go (default\n"
	"                         $XDG_RUNTIME_DIR/sevqemu/UUID, else\n"
	"                         ~/.cache/sevqemu/UUID; the name without a UUID)\n"
	"      --domcaps FILE     virsh domcapabilities XML: cbitpos and\n"
	"                         reducedPhysBits when the XML has none\n"
	"      --emulator PATH    QEMU binary (default: <emulator>, else\n"
	"                         qemu-system-x86_64 from PATH)\n"
	"      --dh-cert FILE     base64 GODH certificate (sevctl's vm_godh.b64)\n"
	"      --session FILE     base64 session blob (sevctl's vm_session.b64)\n"
	"      --cgs              confidential-guest-support= on -machine\n"
	"                         instead of memory-encryption=\n"
	"      --probe            ask the emulator what it has; refuse what it lacks\n"
	"      --qmp PATH         add a QMP socket for the attestation flow\n"
	"      --paused           start QEMU stopped (-S)\n"
	"      --ignore-unsupported  drop untranslatable elements, warning each\n"
	"\n"
	"Trust (the XML may be less trusted than you):\n"
	"      --nvram-dir DIR    where an <nvram> may be (default /var/lib/sevqemu)\n"
	"      --trust-xml        let the XML put an nvram anywhere, name any\n"
	"                         emulator, and pass <qemu:commandline>\n"
	"\n"
	"  -h, --help             this help\n"
	"  -V, --version          the version\n"
	"\n"
	"Exit: 0 ok, 64 usage, 65 invalid XML, 66 no input, 69 unsupported,\n"
	"71 exec or output failed, 73 state dir or file unsafe, 75 guest\n"
	"already running, 77 needs --trust-xml.  See sevqemu(1).\n";

enum long_only {
	OPT_EMULATOR = 256, OPT_DOMCAPS, OPT_DH_CERT, OPT_SESSION, OPT_CGS,
	OPT_IGNORE, OPT_QMP, OPT_PAUSED, OPT_PROBE, OPT_TRUST_XML, OPT_NVRAM_DIR,
};

static const struct option long_options[] = {
	{ "dry-run", no_argument, NULL, 'n' },
	{ "exec", no_argument, NULL, 'x' },
	{ "state-dir", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, 'f' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "emulator", required_argument, NULL, OPT_EMULATOR },
	{ "domcaps", required_argument, NULL, OPT_DOMCAPS },
	{ "dh-cert", required_argument, NULL, OPT_DH_CERT },
	{ "session", required_argument, NULL, OPT_SESSION },
	{ "cgs", no_argument, NULL, OPT_CGS },
	{ "ignore-unsupported", no_argument, NULL, OPT_IGNORE },
	{ "qmp", required_argument, NULL, OPT_QMP },
	{ "paused", no_argument, NULL, OPT_PAUSED },
	{ "probe", no_argument, NULL, OPT_PROBE },
	{ "trust-xml", no_argument, NULL, OPT_TRUST_XML },
	{ "nvram-dir", required_argument, NULL, OPT_NVRAM_DIR },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	diag_line(stderr, "%s", text);
	diag_line(stderr, "%s", "try 'sevqemu --help'");
	free(text);
	return EXIT_USAGE;
}

/* Returns -1 to go on, or the status to exit with. */
static int parse_options(int argc, char **argv, struct options *o)
{
	int c;
	bool quiet = false, verbose = false;
	opterr = 0; /* our own messages, in our own "sevqemu: " form */
	while ((c = getopt_long(argc, argv, ":nxd:f:qvhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'n':
		case 'x': {
			enum mode m = c == 'n' ? MODE_DRY_RUN : MODE_EXEC;
			if (o->mode != MODE_PRINT && o->mode != m)
				return usage_error("%s", "--dry-run and --exec exclude each other");
			o->mode = m;
			break;
		}
		case 'd': o->plan.state_dir = optarg; break;
		case 'f':
			if (!output_format_parse(optarg, &o->format))
				return usage_error("--format '%s' is not a format; expected shell, args, nul or json", optarg);
			break;
		case 'q': quiet = true; break;
		case 'v': verbose = true; break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		case 'V': printf("sevqemu %s\n", SEVQEMU_VERSION); return EXIT_OK;
		case OPT_EMULATOR: o->plan.emulator = optarg; break;
		case OPT_DOMCAPS: o->domcaps = optarg; break;
		case OPT_DH_CERT: o->dh_cert = optarg; break;
		case OPT_SESSION: o->session = optarg; break;
		case OPT_CGS: o->plan.cgs = true; break;
		case OPT_IGNORE: o->parse.ignore_unsupported = true; break;
		case OPT_QMP: o->plan.qmp = optarg; break;
		case OPT_PAUSED: o->plan.paused = true; break;
		case OPT_PROBE: o->probe = true; break;
		case OPT_TRUST_XML: o->parse.trust_xml = true; break;
		case OPT_NVRAM_DIR:
			if (!*optarg)
				return usage_error("%s", "--nvram-dir is empty; expected a directory");
			o->nvram_dir = optarg;
			break;
		case ':':
			return usage_error("option %s needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (quiet && verbose)
		return usage_error("%s", "--quiet and --verbose exclude each other");
	o->verbosity = quiet ? VERB_QUIET : verbose ? VERB_VERBOSE : VERB_NORMAL;
	if (optind == argc)
		return usage_error("%s", "no domain XML given (use - for standard input)");
	if (optind + 1 < argc)
		return usage_error("unexpected argument '%s'; expected one domain XML", argv[optind + 1]);
	o->input = argv[optind];
	o->plan.exec = o->mode == MODE_EXEC;
	return -1;
}

/*
 * Test hooks exist only in the test build (make build/sevqemu-test, compiled
 * with -DSEVQEMU_TEST_HOOKS): SEVQEMU_TEST_CPUID=EAX:EBX stands for this
 * CPU's SEV leaf, SEVQEMU_TEST_HOST_ROOT for "/" in the pre-flight.  The
 * shipped sevqemu has no trace of them: it reads its own host, always.
 */
#ifdef SEVQEMU_TEST_HOOKS
#define HOST_ROOT getenv("SEVQEMU_TEST_HOST_ROOT")
#else
#define HOST_ROOT NULL
#endif

/* Host facts: --domcaps, and this CPU's SEV leaf (or a recorded one in the
 * test build). */
static bool read_host(const struct options *o, struct host_facts *host,
		      struct diag *d)
{
	if (o->domcaps) {
		if (!domcaps_read(o->domcaps, &host->domcaps, d))
			return false;
		host->have_domcaps = true;
	}
#ifdef SEVQEMU_TEST_HOOKS
	const char *recorded = getenv("SEVQEMU_TEST_CPUID");
	if (recorded) {
		if (host_parse_cpuid(recorded, host))
			return true;
		diag_path_error(d, EXIT_USAGE, "SEVQEMU_TEST_CPUID",
				"'%s' is not EAX:EBX in hex", recorded);
		return false;
	}
#endif
	host_read_cpuid(host);
	return true;
}

/* sevqemu policy [--snp] VALUE */
static int policy_main(int argc, char **argv)
{
	bool snp = false;
	int i = 1;
	if (i < argc && strcmp(argv[i], "--snp") == 0) {
		snp = true;
		i++;
	}
	if (i + 1 != argc)
		return usage_error("%s", "usage: sevqemu policy [--snp] VALUE (hex, with or without 0x)");
	uint64_t value = 0;
	switch (policy_parse(argv[i], snp, &value)) {
	case POLICY_TOO_WIDE:
		diag_line(stderr, "policy: '%s' does not fit in 32 bits; SEV-SNP policies are 64-bit (--snp)",
			  argv[i]);
		return EXIT_DATAERR;
	case POLICY_NOT_HEX:
		diag_line(stderr, "policy: '%s' is not a %d-bit hexadecimal value; expected hex digits with or without 0x",
			  argv[i], snp ? 64 : 32);
		return EXIT_DATAERR;
	case POLICY_RESERVED:
		policy_explain(stdout, value, snp);
		diag_line(stderr, "policy: 0x%llx sets reserved bits 0x%llx; expected them clear",
			  (unsigned long long)value,
			  (unsigned long long)policy_reserved(value, snp));
		return EXIT_DATAERR;
	case POLICY_SNP_BIT17:
		policy_explain(stdout, value, snp);
		diag_line(stderr, "policy: 0x%llx leaves bit 17 clear; the SNP ABI requires it set",
			  (unsigned long long)value);
		return EXIT_DATAERR;
	case POLICY_OK:
		break;
	}
	policy_explain(stdout, value, snp);
	return EXIT_OK;
}

/* The act: a dry run prints; a real run writes the files, then prints or
 * becomes QEMU (act/launch.c). */
static void act(const struct options *o, const struct plan *plan,
		const struct domain *dom, struct diag *d)
{
	struct launch l = {
		.exec = o->mode == MODE_EXEC,
		.format = o->format,
		.state_dir = o->plan.state_dir,
	};
	if (o->mode != MODE_DRY_RUN) {
		launch(&l, plan, dom, d);
		return;
	}
	for (size_t i = 0; i < plan->nfiles; i++)
		diag_line(stderr, "would write %s (%zu bytes)",
			  plan->files[i].path, plan->files[i].size);
	output_write(stdout, plan, o->format, d);
}

static int run(const struct options *o, struct diag *d)
{
	struct domain dom = { 0 };
	struct plan plan = PLAN_INIT;
	struct host_facts host = { 0 };
	struct host_paths paths;
	host_paths_init(&paths, HOST_ROOT);
	struct plan_options plan_opts = o->plan;
	plan_opts.host = &host;
	size_t len = 0;
	char *xml = xml_slurp(o->input, &len, d);
	bool parsed = xml && parse_domain(xml, len, &o->parse, &dom, d) &&
		      (!o->dh_cert || parse_blob_file(&dom, "dh-cert", o->dh_cert, d)) &&
		      (!o->session || parse_blob_file(&dom, "session", o->session, d)) &&
		      read_host(o, &host, d);
	if (parsed && o->mode == MODE_DRY_RUN && o->verbosity == VERB_VERBOSE &&
	    dom.launch.type != LAUNCH_NONE)
		policy_explain(stderr, dom.launch.policy,
			       dom.launch.type == LAUNCH_SEV_SNP);
	/* Everything that can fail is asked before anything is written. */
	struct launch l = { .exec = o->mode == MODE_EXEC,
			    .state_dir = o->plan.state_dir };
	struct trust trust = {
		.trust_xml = o->parse.trust_xml,
		.nvram_dir = o->nvram_dir,
		.state_dir = o->plan.state_dir,
		.runs_emulator = o->mode == MODE_EXEC || o->probe,
		.emulator_given = o->plan.emulator != NULL,
	};
	bool ready = parsed && plan_build(&dom, &plan_opts, &plan, d) &&
		     output_check(&plan, o->format, d) && files_check(&plan, d) &&
		     trust_check(&dom, &plan, &trust, d) &&
		     launch_check_running(&l, &plan, &dom, o->mode == MODE_DRY_RUN, d) &&
		     (!o->probe || probe_emulator(&plan, &dom, d)) &&
		     (o->mode != MODE_EXEC || preflight(&dom, &paths, d));
	if (ready)
		act(o, &plan, &dom, d);
	free(xml);
	plan_free(&plan);
	domain_free(&dom);
	return d->status;
}

int main(int argc, char **argv)
{
	struct options o = { .mode = MODE_PRINT, .format = OUTPUT_SHELL };
	if (argc >= 2 && strcmp(argv[1], "policy") == 0)
		return policy_main(argc - 1, argv + 1);
	int status = parse_options(argc, argv, &o);
	if (status >= 0)
		return status;
	struct diag d;
	diag_init(&d, strcmp(o.input, "-") == 0 ? "<stdin>" : o.input, stderr,
		  o.verbosity);
	status = run(&o, &d);
	diag_release(&d);
	xmlCleanupParser();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		diag_line(stderr, "standard output: %s", strerror(errno));
		return status ? status : EXIT_OSERR;
	}
	return status;
}
