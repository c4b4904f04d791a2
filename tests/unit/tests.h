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

int run_number_tests(void);
int run_base64_tests(void);
int run_argv_tests(void);
int run_output_tests(void);
int run_files_tests(void);
int run_fileset_tests(void);
int run_parse_tests(void);
int run_host_tests(void);

#endif
