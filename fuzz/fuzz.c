/*
 * libFuzzer harness: arbitrary bytes through parse, plan and every output
 * format, the way sevqemu --dry-run takes them — but never executing,
 * never writing a file (files_check only looks), never printing a message.
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined from
 * this file and the parse/ and emit/ sources directly; `make fuzz-run
 * SECONDS=N` runs it, `make fuzz-regress` replays fuzz/regressions/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "act/files.h"
#include "act/host.h"
#include "act/output.h"
#include "emit/plan.h"
#include "lib/diag.h"
#include "parse/domain.h"
#include "parse/parse.h"

static FILE *devnull;

static void quiet_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	return 0;
}

static void one(const char *buf, size_t len, bool ignore_unsupported)
{
	static const struct host_facts host = {
		.have_cpuid = true, .eax = 0x1b, .ebx = 0x2f,
	};
	static const enum output_format formats[] = {
		OUTPUT_SHELL, OUTPUT_ARGS, OUTPUT_NUL, OUTPUT_JSON,
	};
	struct parse_options popts = { .ignore_unsupported = ignore_unsupported };
	struct plan_options plan_opts = {
		.state_dir = "/nonexistent/sevqemu-fuzz",
		.host = &host,
	};
	struct domain dom = { 0 };
	struct plan plan = PLAN_INIT;
	struct diag d;

	diag_init(&d, "fuzz", NULL, VERB_NORMAL);
	if (parse_domain(buf, len, &popts, &dom, &d) &&
	    plan_build(&dom, &plan_opts, &plan, &d)) {
		for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
			struct diag od;
			diag_init(&od, "fuzz", NULL, VERB_NORMAL);
			if (output_check(&plan, formats[i], &od))
				output_write(devnull, &plan, formats[i], &d);
			diag_release(&od);
		}
		(void)files_check(&plan, &d);
	}
	plan_free(&plan);
	domain_free(&dom);
	diag_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Both modes on every input: ignore_unsupported reaches code the
	 * strict mode stops before. */
	one((const char *)data, size, false);
	one((const char *)data, size, true);
	return 0;
}
