/*
 * libFuzzer harness: arbitrary bytes through parse, plan and every output
 * format, the way sevqemu --dry-run takes them — but never executing,
 * never writing a file (files_check only looks), never printing a message.
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined from
 * this file and the lib/, parse/, emit/ and act/ sources directly; `make fuzz-run
 * SECONDS=N` runs it, `make fuzz-regress` replays fuzz/regressions/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "act/files.h"
#include "act/output.h"
#include "act/translate.h"
#include "lib/diag.h"

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
	static const enum output_format formats[] = {
		OUTPUT_SHELL, OUTPUT_ARGS, OUTPUT_NUL, OUTPUT_JSON,
	};
	const struct translate_options opts = {
		.parse = { .ignore_unsupported = ignore_unsupported },
		.state_dir = "/nonexistent/sevqemu-fuzz",
		.emulator = "/nonexistent/qemu-system-x86_64",
		.recorded_cpuid = "1b:2f",
	};
	struct translation t = TRANSLATION_INIT;
	struct diag d;

	diag_init(&d, "fuzz", NULL, VERB_NORMAL);
	char *copy = malloc(len + 1);
	if (!copy)
		abort();
	memcpy(copy, buf, len);
	copy[len] = '\0';
	if (translate_buffer(copy, len, &opts, &t, &d)) {
		for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
			struct diag od;
			diag_init(&od, "fuzz", NULL, VERB_NORMAL);
			if (output_check(&t.plan, formats[i], &od))
				output_write(devnull, &t.plan, formats[i], &d);
			diag_release(&od);
		}
		(void)files_check(&t.plan, &d);
	}
	translation_free(&t);
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
