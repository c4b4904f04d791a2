/*
 * cli: `sevqemu measure [options] DOMAIN.xml` — the launch digest of the
 * guest the XML describes, and with --tik the value QEMU's
 * query-sev-launch-measure should then return.
 */
#ifndef SEVQEMU_MEASURE_CLI_H
#define SEVQEMU_MEASURE_CLI_H

/* ARGV[0] is "measure"; returns the exit status. */
int measure_main(int argc, char **argv);

#endif
