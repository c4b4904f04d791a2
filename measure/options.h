/*
 * options: the command-line options `measure` and `attest` share — how
 * to measure (firmware, vCPU signature, SEV features, save-area state)
 * and how to talk (quiet, verbose) — read with getopt_long.
 */
#ifndef SEVQEMU_MEASURE_OPTIONS_H
#define SEVQEMU_MEASURE_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>

#include "lib/diag.h"
#include "measure/measure.h"
#include "parse/parse.h"

enum measure_opt {
	MOPT_FIRMWARE = 0x400, MOPT_FAMILY, MOPT_MODEL, MOPT_STEPPING,
	MOPT_FEATURES, MOPT_VMSA_INIT, MOPT_IGNORE,
};

/* The shared entries of a struct option array. */
#define MEASURE_LONG_OPTIONS                                                 \
	{ "firmware", required_argument, NULL, MOPT_FIRMWARE },             \
	{ "vcpu-family", required_argument, NULL, MOPT_FAMILY },            \
	{ "vcpu-model", required_argument, NULL, MOPT_MODEL },              \
	{ "vcpu-stepping", required_argument, NULL, MOPT_STEPPING },        \
	{ "guest-features", required_argument, NULL, MOPT_FEATURES },       \
	{ "vmsa-init", required_argument, NULL, MOPT_VMSA_INIT },           \
	{ "ignore-unsupported", no_argument, NULL, MOPT_IGNORE },           \
	{ "quiet", no_argument, NULL, 'q' },                                \
	{ "verbose", no_argument, NULL, 'v' },                              \
	{ "help", no_argument, NULL, 'h' }

struct measure_cli {
	const char *command;       /* "measure" or "attest", for messages */
	struct measure_options m;
	struct parse_options parse;
	unsigned fms_given;        /* bits: family 1, model 2, stepping 4 */
	bool quiet, verbose;
	enum verbosity verbosity;
};

/* Prints "sevqemu: COMMAND: text" and the --help hint; returns 64. */
int cli_usage(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Takes option C (with ARG): 1 taken, 0 not one of these, or -64 after
 * printing a usage error. */
int measure_option(struct measure_cli *o, int c, const char *arg);

/* Checks the options together once all are read: 0 ok, else 64. */
int measure_cli_finish(struct measure_cli *o);

/* A number in 0..MAX for OPTION (decimal, or hex with 0x); false after
 * a usage message. */
bool cli_number(const char *command, const char *option, const char *arg,
		unsigned long max, unsigned long *out);

/* Reads and parses the domain XML at PATH into *DOM (zeroed by the
 * caller, released with domain_free()). */
bool load_domain(const char *path, const struct parse_options *po,
		 struct domain *dom, struct diag *d);

#endif
