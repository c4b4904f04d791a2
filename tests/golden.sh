#!/bin/sh
# Golden tests: every testdata/NAME.xml is translated with --format=args
# (a dry run, state dir build/golden/state) and the whole command line is
# compared with testdata/NAME.args.  testdata/NAME.opts, when present, holds
# extra options one per line; a line STDIN feeds the XML on standard input.
# The outputs stay in build/golden/ for tests/qemu-accept.py to run.
# UPDATE=1 rewrites the expected files (review the diff before committing).
set -u
out=build/golden
rm -rf "$out"
mkdir -p "$out"
pass=0 fail=0
for xml in testdata/*.xml; do
	name=$(basename "$xml" .xml)
	set -- --dry-run -q --format=args -d "$out/state"
	input=$xml
	stdin=/dev/null
	if [ -f "testdata/$name.opts" ]; then
		while IFS= read -r opt; do
			if [ "$opt" = STDIN ]; then
				input=-
				stdin=$xml
			else
				set -- "$@" "$opt"
			fi
		done <"testdata/$name.opts"
	fi
	"${SEVQEMU:-./sevqemu}" "$@" "$input" <"$stdin" >"$out/$name.args" 2>"$out/$name.err"
	status=$?
	if [ "${UPDATE:-}" = 1 ] && [ $status = 0 ]; then
		cp "$out/$name.args" "testdata/$name.args"
	fi
	if [ $status != 0 ]; then
		echo "FAIL $name: exit $status"
		cat "$out/$name.err"
		fail=$((fail + 1))
	elif ! cmp -s "$out/$name.args" "testdata/$name.args"; then
		echo "FAIL $name: command line differs from testdata/$name.args"
		diff -u "testdata/$name.args" "$out/$name.args" | head -40
		fail=$((fail + 1))
	else
		echo "ok $name"
		pass=$((pass + 1))
	fi
done
echo "golden: $pass passed, $fail failed"
[ $fail = 0 ]
