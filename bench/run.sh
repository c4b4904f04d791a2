#!/bin/sh
# make bench: sevqemu --dry-run against the floor, xmllint --noout, on the
# bundled typical guest and on generated guests with 1,000 and 2,000 SCSI
# disks (bench/gen.py).  Prints a table and writes it, with the command and
# the date, to build/bench/table.md; then bench/measure.py adds `sevqemu
# measure` on a large SNP guest against sha384sum + sha256sum.  Options
# and environment: see bench/bench.py (--rounds N or BENCH_ROUNDS,
# SEVQEMU, XMLLINT).
# Not a pass/fail test: exits 0 whatever the goals say, and non-zero only
# when a command fails.  hyperfine is not needed.
set -e
cd "$(dirname "$0")/.."
sh tests/deps.sh valgrind libxml2-utils python3
# GNU time measures peak RSS; without it the RSS columns say n/a.
sh tests/deps.sh time || true
python3 bench/bench.py "$@"
# sevqemu measure on a large SNP guest against hashing the same bytes.
exec python3 bench/measure.py "$@"
