#include "measure/options.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/number.h"
#include "parse/xml.h"

int cli_usage(const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "sevqemu: %s: ", command);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'sevqemu %s --help'.\n", command);
	return EXIT_USAGE;
}

bool cli_number(const char *command, const char *option, const char *arg,
		unsigned long max, unsigned long *out)
{
	uint64_t v = 0;
	bool ok = arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')
			  ? arg[2] && parse_hex(arg, &v)
			  : parse_decimal(arg, &v);
	if (!ok || v > max) {
		cli_usage(command, "%s '%s' is not a number from 0 to %lu", option,
			  arg, max);
		return false;
	}
	*out = (unsigned long)v;
	return true;
}

/* --vcpu-family/-model/-stepping: CPUID's ranges. */
static int fms(struct measure_cli *o, int c, const char *arg)
{
	static const struct {
		const char *name;
		unsigned long max;
	} f[] = {
		{ "--vcpu-family", 0xff + 0xf },
		{ "--vcpu-model", 0xff },
		{ "--vcpu-stepping", 0xf },
	};
	int k = c - MOPT_FAMILY;
	unsigned long v;
	if (!cli_number(o->command, f[k].name, arg, f[k].max, &v))
		return -EXIT_USAGE;
	unsigned *slot[] = { &o->m.family, &o->m.model, &o->m.stepping };
	*slot[k] = (unsigned)v;
	o->fms_given |= 1u << k;
	return 1;
}

int measure_option(struct measure_cli *o, int c, const char *arg)
{
	uint64_t v = 0;
	switch (c) {
	case MOPT_FIRMWARE: o->m.firmware = arg; return 1;
	case MOPT_FAMILY:
	case MOPT_MODEL:
	case MOPT_STEPPING:
		return fms(o, c, arg);
	case MOPT_FEATURES:
		if (!parse_hex(arg, &v))
			return -cli_usage(o->command, "--guest-features '%s' is not hexadecimal; expected e.g. 0x1, or 0x21 with DebugSwap", arg);
		o->m.have_features = true;
		o->m.features = v;
		return 1;
	case MOPT_VMSA_INIT:
		if (strcmp(arg, "init2") && strcmp(arg, "legacy"))
			return -cli_usage(o->command, "--vmsa-init '%s' is not a choice; expected init2 (QEMU 9.1 and Linux 6.10 on) or legacy", arg);
		o->m.legacy = strcmp(arg, "legacy") == 0;
		return 1;
	case MOPT_IGNORE: o->parse.ignore_unsupported = true; return 1;
	case 'q': o->quiet = true; return 1;
	case 'v': o->verbose = true; return 1;
	}
	return 0;
}

int measure_cli_finish(struct measure_cli *o)
{
	if (o->fms_given && o->fms_given != 7)
		return cli_usage(o->command, "%s", "--vcpu-family, --vcpu-model and --vcpu-stepping go together; give all three");
	o->m.have_fms = o->fms_given == 7;
	if (o->quiet && o->verbose)
		return cli_usage(o->command, "%s", "--quiet and --verbose exclude each other");
	o->verbosity = o->quiet ? VERB_QUIET : o->verbose ? VERB_VERBOSE : VERB_NORMAL;
	return 0;
}

bool load_domain(const char *path, const struct parse_options *po,
		 struct domain *dom, struct diag *d)
{
	size_t len = 0;
	char *xml = xml_slurp(path, &len, d);
	bool ok = xml && parse_domain(xml, len, po, dom, d);
	free(xml);
	return ok;
}
