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

#include "act/attest.h"
#include "act/coalesce.h"
#include "act/files.h"
#include "act/helpers.h"
#include "act/launch.h"
#include "act/output.h"
#include "act/preflight.h"
#include "act/probe.h"
#include "act/translate.h"
#include "measure/cli.h"
#include "act/trust.h"
#include "lib/xalloc.h"
#include "parse/policy.h"

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
	bool probe;
	struct translate_options translate;
	struct helper_options helpers;
	const char *nvram_dir;      /* --nvram-dir, or NULL */
};

static const char usage_text[] =
	"usage: sevqemu [options] DOMAIN.xml       ('-' reads standard input)\n"
	"       sevqemu policy [--snp] VALUE       explain a guest policy\n"
	"       sevqemu measure [options] DOMAIN.xml  the launch digest it stands for\n"
	"       sevqemu attest --qmp PATH (--tik F [--tek F] | --tk F)\n"
	"               [--secret GUID=FILE|luks-key=FILE ...] [--no-cont] DOMAIN.xml\n"
	"                                          check a paused guest, inject, resume\n"
	"       (sevqemu measure --help, sevqemu attest --help: their options)\n"
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
	"      --secret KEY=FILE  the value of the libvirt secret with that UUID\n"
	"                         or usage name (disk <auth>, LUKS); repeatable\n"
	"      --cgs              confidential-guest-support= on -machine\n"
	"                         instead of memory-encryption=\n"
	"      --probe            ask the emulator what it has; refuse what it lacks\n"
	"      --qmp PATH         add a QMP socket for the attestation flow\n"
	"      --paused           start QEMU stopped (-S)\n"
	"      --network-bridge NAME=BRIDGE  attach <interface type='network'>\n"
	"                         NAME to BRIDGE (repeatable); else the bridge of\n"
	"                         /etc/libvirt/qemu/networks/NAME.xml\n"
	"      --network-dir DIR  where libvirt network definitions are read\n"
	"      --ignore-unsupported  drop untranslatable elements, warning each\n"
	"      --helper-wait SECONDS  stop a helper (swtpm, virtiofsd) that QEMU\n"
	"                         has not connected to by then (default 30; 0: never)\n"
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
	"71 exec, output, a helper or a tap setting failed, 73 state dir or\n"
	"file unsafe, 75 guest already running, 77 needs --trust-xml.\n"
	"See sevqemu(1).\n";

enum long_only {
	OPT_EMULATOR = 256, OPT_DOMCAPS, OPT_DH_CERT, OPT_SESSION, OPT_SECRET, OPT_CGS,
	OPT_IGNORE, OPT_QMP, OPT_PAUSED, OPT_PROBE, OPT_HELPER_WAIT,
	OPT_NETWORK_BRIDGE, OPT_NETWORK_DIR, OPT_TRUST_XML, OPT_NVRAM_DIR,
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
	{ "secret", required_argument, NULL, OPT_SECRET },
	{ "session", required_argument, NULL, OPT_SESSION },
	{ "cgs", no_argument, NULL, OPT_CGS },
	{ "ignore-unsupported", no_argument, NULL, OPT_IGNORE },
	{ "qmp", required_argument, NULL, OPT_QMP },
	{ "paused", no_argument, NULL, OPT_PAUSED },
	{ "probe", no_argument, NULL, OPT_PROBE },
	{ "helper-wait", required_argument, NULL, OPT_HELPER_WAIT },
	{ "network-bridge", required_argument, NULL, OPT_NETWORK_BRIDGE },
	{ "network-dir", required_argument, NULL, OPT_NETWORK_DIR },
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

/* SECONDS: decimal, 0 to a day. */
static bool parse_seconds(const char *s, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > 86400 || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return false;
	*out = (unsigned)v;
	return true;
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
		case 'd': o->translate.state_dir = optarg; break;
		case 'f':
			if (!output_format_parse(optarg, &o->format))
				return usage_error("--format '%s' is not a format; expected shell, args, nul or json", optarg);
			break;
		case 'q': quiet = true; break;
		case 'v': verbose = true; break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		case 'V': printf("sevqemu %s\n", SEVQEMU_VERSION); return EXIT_OK;
		case OPT_EMULATOR: o->translate.emulator = optarg; break;
		case OPT_DOMCAPS: o->translate.domcaps = optarg; break;
		case OPT_DH_CERT: o->translate.dh_cert = optarg; break;
		case OPT_SECRET:
			o->translate.secrets = xreallocarray(o->translate.secrets,
							     o->translate.nsecrets + 1,
							     sizeof(char *));
			o->translate.secrets[o->translate.nsecrets++] = optarg;
			break;
		case OPT_SESSION: o->translate.session = optarg; break;
		case OPT_CGS: o->translate.plan.cgs = true; break;
		case OPT_IGNORE: o->translate.parse.ignore_unsupported = true; break;
		case OPT_QMP: o->translate.plan.qmp = optarg; break;
		case OPT_PAUSED: o->translate.plan.paused = true; break;
		case OPT_PROBE: o->probe = true; break;
		case OPT_HELPER_WAIT:
			if (!parse_seconds(optarg, &o->helpers.wait))
				return usage_error("--helper-wait '%s' is not a number of seconds from 0 to 86400", optarg);
			break;
		case OPT_NETWORK_BRIDGE:
			if (!network_map_add(&o->translate.network, optarg))
				return usage_error("--network-bridge '%s' is not NAME=BRIDGE; expected e.g. default=virbr0", optarg);
			break;
		case OPT_NETWORK_DIR: o->translate.network.dir = optarg; break;
		case OPT_TRUST_XML: o->translate.parse.trust_xml = true; break;
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
	o->translate.exec = o->mode == MODE_EXEC;
	o->helpers.exec = o->mode == MODE_EXEC;
#ifdef SEVQEMU_TEST_HOOKS
	/* Recorded CPUID registers, so that tests behave alike on every host. */
	o->translate.recorded_cpuid = getenv("SEVQEMU_TEST_CPUID");
	o->translate.recorded_cpuid_from = "SEVQEMU_TEST_CPUID";
	o->translate.recorded_dmi = getenv("SEVQEMU_TEST_DMI");
	o->translate.host_root = getenv("SEVQEMU_TEST_HOST_ROOT");
#endif
	return -1;
}

/*
 * Test hooks exist only in the test build (make build/sevqemu-test, compiled
 * with -DSEVQEMU_TEST_HOOKS): SEVQEMU_TEST_CPUID=EAX:EBX stands for this
 * CPU's SEV leaf, SEVQEMU_TEST_HOST_ROOT for "/" in the pre-flight and
 * the SCSI lookup (act/hostscsi.c).  The
 * shipped sevqemu has no trace of them: it reads its own host, always.
 */
#ifdef SEVQEMU_TEST_HOOKS
#define HOST_ROOT getenv("SEVQEMU_TEST_HOST_ROOT")
#else
#define HOST_ROOT NULL
#endif

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
		.state_dir = o->translate.state_dir,
		.helpers = &o->helpers,
	};
	if (o->mode != MODE_DRY_RUN) {
		launch(&l, plan, dom, d);
		return;
	}
	for (size_t i = 0; i < plan->nfiles; i++)
		diag_line(stderr, "would write %s (%zu bytes)",
			  plan->files[i].path, plan->files[i].size);
	helpers_describe(stderr, plan);
	coalesce_describe(stderr, dom);
	output_write(stdout, plan, o->format, d);
}

static int run(const struct options *o, struct diag *d)
{
	struct translation t = TRANSLATION_INIT;
	struct host_paths paths;
	host_paths_init(&paths, HOST_ROOT);
	bool planned = translate_file(o->input, &o->translate, &t, d);
	if (t.parsed && o->mode == MODE_DRY_RUN && o->verbosity == VERB_VERBOSE &&
	    t.dom.launch.type != LAUNCH_NONE)
		policy_explain(stderr, t.dom.launch.policy,
			       t.dom.launch.type == LAUNCH_SEV_SNP);
	/* Everything that can fail is asked before anything is written. */
	struct launch l = { .exec = o->mode == MODE_EXEC,
			    .state_dir = o->translate.state_dir };
	struct trust trust = {
		.trust_xml = o->translate.parse.trust_xml,
		.nvram_dir = o->nvram_dir,
		.state_dir = o->translate.state_dir,
		.runs_emulator = o->mode == MODE_EXEC || o->probe,
		.emulator_given = o->translate.emulator != NULL,
	};
	bool ready = planned && output_check(&t.plan, o->format, d) &&
		     files_check(&t.plan, d) && helpers_check(&t.plan, d) &&
		     trust_check(&t.dom, &t.plan, &trust, d) &&
		     launch_check_running(&l, &t.plan, &t.dom, o->mode == MODE_DRY_RUN, d) &&
		     coalesce_check(&t.dom, o->mode == MODE_DRY_RUN, d) &&
		     (!o->probe || probe_emulator(&t.plan, &t.dom, d)) &&
		     (o->mode != MODE_EXEC || preflight(&t.dom, &paths, d));
	if (ready)
		act(o, &t.plan, &t.dom, d);
	translation_free(&t);
	return d->status;
}

int main(int argc, char **argv)
{
	struct options o = { .mode = MODE_PRINT, .format = OUTPUT_SHELL,
			     .helpers = { .wait = HELPER_WAIT_DEFAULT } };
	if (argc >= 2 && strcmp(argv[1], "policy") == 0)
		return policy_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "measure") == 0)
		return measure_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "attest") == 0)
		return attest_main(argc - 1, argv + 1);
	int status = parse_options(argc, argv, &o);
	if (status >= 0) {
		network_options_release(&o.translate.network);
		free(o.translate.secrets);
		return status;
	}
	struct diag d;
	diag_init(&d, strcmp(o.input, "-") == 0 ? "<stdin>" : o.input, stderr,
		  o.verbosity);
	status = run(&o, &d);
	network_options_release(&o.translate.network);
	free(o.translate.secrets);
	diag_release(&d);
	xmlCleanupParser();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		diag_line(stderr, "standard output: %s", strerror(errno));
		return status ? status : EXIT_OSERR;
	}
	return status;
}
