/*
 * report: a measurement as JSON (`measure -f json`): the mode, every input
 * that went in (files with their size and SHA-256, the vCPUs, the
 * signature, the features) and the values.  Keys never appear.
 */
#ifndef SEVQEMU_MEASURE_REPORT_H
#define SEVQEMU_MEASURE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "measure/launch.h"
#include "measure/measure.h"

/* The expected query-sev-launch-measure value and what it came from. */
struct expected_launch {
	bool present;
	struct sev_platform platform;
	uint8_t nonce[MNONCE_BYTES];
	uint8_t mac[MEASURE_MAC_BYTES];
};

/* query-sev-launch-measure's value: base64 of the MAC and the nonce. */
char *expected_launch_base64(const struct expected_launch *e);

/* The JSON document, a new string ending in a newline; NULL when a path
 * or the command line is not UTF-8, which JSON cannot carry. */
char *measurement_json(const struct measurement *m,
		       const struct expected_launch *e);

/* What the measurement came from, one line each, each starting PREFIX
 * (attest prints it when the guest's measurement differs). */
void measurement_summary(FILE *out, const char *prefix,
			 const struct measurement *m);

#endif
