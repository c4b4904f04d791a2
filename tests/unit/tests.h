/*
 * The unit-test runners, one per module; main.c calls each.  Every runner
 * returns the number of failed tests in its cmocka group.
 */
#ifndef SEVQEMU_UNIT_TESTS_H
#define SEVQEMU_UNIT_TESTS_H

/* A cmocka test named "MODULE: function", so that every line of the
 * output (and the list of failures) says which module it is about. */
#define UNIT_TEST(module, f) { module ": " #f, f, NULL, NULL, NULL }
#define UNIT_TEST_FIXTURE(module, f, setup, teardown) \
	{ module ": " #f, f, setup, teardown, NULL }

/* Runs a cmocka group as main.c's closing line counts it: the number of
 * its tests is added to unit_tests_run; the failures are returned. */
extern int unit_tests_run;
#define RUN_GROUP(name, tests) \
	(unit_tests_run += (int)(sizeof(tests) / sizeof((tests)[0])), \
	 cmocka_run_group_tests_name(name, tests, NULL, NULL))

int run_number_tests(void);
int run_base64_tests(void);
int run_argv_tests(void);
int run_output_tests(void);
int run_files_tests(void);
int run_fileset_tests(void);
int run_parse_tests(void);
int run_host_tests(void);
int run_translate_tests(void);
int run_measure_tests(void);
int run_launch_tests(void);
int run_helpers_tests(void);

#endif
