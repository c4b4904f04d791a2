#!/bin/sh
# Valgrind's memcheck over every golden and bad case, a real run that writes
# files, and the unit tests.  A run passes only with zero memory errors and
# zero definite, indirect or possible leaks.
#
# The cases run through tests/cases.py under valgrind (--wrap), with the
# reports on standard error and --error-exitcode=99: a report shows as a
# standard error that differs from the pinned .err, a leak or error as a wrong
# status, and everything tests/cases.py checks is checked under valgrind too.
# Run from the repository root after `make sevqemu build/unit-tests`.
# SEVQEMU=path runs another build.
set -u
SUITE=valgrind
. tests/lib.sh
q=$SEVQEMU
out=build/valgrind
scratch "$out"
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind: not installed (make deps-test)" >&2
	exit 1
fi
memcheck="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
	--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99"

# The cases: their verdicts count here, their closing lines are taken in.
SEVQEMU_HOOKS_BIN=${SEVQEMU_HOOKS_BIN:-$top/build/sevqemu-test} python3 tests/cases.py --timeout 300 --wrap "$memcheck --log-fd=2" |
	tee "$out/cases.log" | grep --line-buffered -Ev '^(golden|bad): '
tally golden "$out/cases.log"
tally bad "$out/cases.log"

# vg NAME COMMAND...: runs COMMAND under memcheck; 99 means it found
# something, which is shown.
vg() {
	name=$1
	shift
	# shellcheck disable=SC2086
	$memcheck --log-file="$out/$name.vg" "$@" </dev/null >"$out/$name.out" 2>"$out/$name.err"
	status=$?
	if [ $status = 99 ] || [ -s "$out/$name.vg" ]; then
		no "$name" "valgrind reports (exit $status)"
		sed 's/^/  /' "$out/$name.vg" | head -40
	elif [ $status -gt 128 ]; then
		no "$name" "killed by signal $((status - 128))"
	else
		ok "$name (exit $status)"
	fi
}

# A real run: the state dir, blob files and an nvram copied from its
# template are written (files_write's paths, which a dry run skips).
sed "s|/var/lib/sevqemu/demo-sev_VARS.fd|$top/$out/nvram/demo_VARS.fd|" \
	testdata/demo.xml >"$out/demo-real.xml"
vg real-run "$q" -q --nvram-dir "$out/nvram" -d "$out/real-state" "$out/demo-real.xml"
vg real-run-json "$q" -q --nvram-dir "$out/nvram" -f json -d "$out/real-state" "$out/demo-real.xml"

vg unit-tests ./build/unit-tests

finish
