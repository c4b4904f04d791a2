/*
 * attest: `sevqemu attest --qmp PATH (--tik FILE --tek FILE | --tk FILE)
 * [--secret GUID=FILE|luks-key=FILE ...] [--no-cont] [--insecure]
 * DOMAIN.xml` — the guest owner's side of an SEV or SEV-ES launch started
 * with `sevqemu --paused --qmp PATH`.
 *
 * Over QMP it reads the firmware's version and the guest's state
 * (query-sev) and the launch measurement (query-sev-launch-measure),
 * computes the measurement DOMAIN.xml stands for (as `measure` does) and
 * compares the two in constant time.  A mismatch injects nothing, leaves
 * the guest paused and exits 1.  A match injects the secrets, if any, as
 * OVMF's secret table (sev-inject-launch-secret), then resumes the guest
 * (cont) unless --no-cont.
 */
#ifndef SEVQEMU_ACT_ATTEST_H
#define SEVQEMU_ACT_ATTEST_H

#define EXIT_MISMATCH 1

/* ARGV[0] is "attest"; returns the exit status. */
int attest_main(int argc, char **argv);

#endif
