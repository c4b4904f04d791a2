/* The one unit-test binary: every module's cmocka group, in turn. */
#include <stdio.h>

#include "tests.h"

int unit_tests_run;

int main(void)
{
	static const struct {
		const char *module;
		int (*run)(void);
	} groups[] = {
		{ "number (lib/number.h)", run_number_tests },
		{ "base64 (lib/base64.h)", run_base64_tests },
		{ "argv (emit/argv.h)", run_argv_tests },
		{ "output (act/output.h)", run_output_tests },
		{ "files (act/files.h)", run_files_tests },
		{ "fileset (act/files.h, act/guard.h, parse/xml.h)", run_fileset_tests },
		{ "parse (parse/parse.h)", run_parse_tests },
		{ "host (parse/policy.h, act/host.h)", run_host_tests },
		{ "translate (act/translate.h)", run_translate_tests },
		{ "measure (measure/*.h)", run_measure_tests },
		{ "launch (measure/launch.h, measure.h)", run_launch_tests },
		{ "helpers (act/supervise.h, act/swtpm.h)", run_helpers_tests },
	};
	int failed = 0;
	for (size_t i = 0; i < sizeof(groups) / sizeof(*groups); i++) {
		printf("[==========] Module %s\n", groups[i].module);
		fflush(stdout);
		int n = groups[i].run();
		if (n)
			fprintf(stderr, "unit tests: %s: %d failed\n",
				groups[i].module, n);
		failed += n;
	}
	printf("unit: %d passed, %d failed, 0 skipped\n",
	       unit_tests_run - failed, failed);
	return failed ? 1 : 0;
}
