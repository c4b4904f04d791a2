#!/bin/sh
# Valgrind's memcheck over every golden case (testdata/*.xml, with its .opts
# as in tests/golden.sh), every bad case (testdata/bad/*.xml, with its .opts),
# a real run that writes files, and the unit tests.  A case passes only with
# zero memory errors and zero definite, indirect or possible leaks; the exit
# status sevqemu itself gives is not judged here (golden.sh and bad.sh do).
# Run from the repository root after `make sevqemu build/unit-tests`.
# SEVQEMU=path runs another build.
set -u
q=${SEVQEMU:-./sevqemu}
out=build/valgrind
rm -rf "$out"
mkdir -p "$out"
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind: not installed (make deps-test)" >&2
	exit 1
fi
pass=0 fail=0

# vg NAME STDIN COMMAND...: runs COMMAND under memcheck; 99 means it found
# something, which is shown.
vg() {
	name=$1 stdin=$2
	shift 2
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
		--log-file="$out/$name.vg" "$@" <"$stdin" >"$out/$name.out" 2>"$out/$name.err"
	status=$?
	if [ $status = 99 ] || [ -s "$out/$name.vg" ]; then
		echo "FAIL $name: valgrind reports (exit $status)"
		sed 's/^/  /' "$out/$name.vg" | head -40
		fail=$((fail + 1))
	elif [ $status -gt 128 ]; then
		echo "FAIL $name: killed by signal $((status - 128))"
		fail=$((fail + 1))
	else
		echo "ok $name (exit $status)"
		pass=$((pass + 1))
	fi
}

# case DIR NAME: one testdata case, its options read like golden.sh/bad.sh do.
case_run() {
	dir=$1 name=$2 label=$3
	set -- --dry-run -q --format=args -d "$out/state"
	input=$dir/$name.xml
	stdin=/dev/null
	if [ -f "$dir/$name.opts" ]; then
		while IFS= read -r opt || [ -n "$opt" ]; do
			if [ "$opt" = STDIN ]; then
				input=-
				stdin=$dir/$name.xml
			else
				set -- "$@" "$opt"
			fi
		done <"$dir/$name.opts"
	fi
	vg "$label" "$stdin" "$q" "$@" "$input"
}

for xml in testdata/*.xml; do
	name=$(basename "$xml" .xml)
	case_run testdata "$name" "$name"
done
for xml in testdata/bad/*.xml; do
	name=$(basename "$xml" .xml)
	case_run testdata/bad "$name" "bad-$name"
done

# A real run: the state dir, blob files and an nvram copied from its
# template are written (files_write's paths, which a dry run skips).
sed "s|/var/lib/sevqemu/demo-sev_VARS.fd|$(pwd)/$out/nvram/demo_VARS.fd|" \
	testdata/demo.xml >"$out/demo-real.xml"
vg real-run /dev/null "$q" -q --nvram-dir "$out/nvram" -d "$out/real-state" "$out/demo-real.xml"
vg real-run-json /dev/null "$q" -q --nvram-dir "$out/nvram" -f json -d "$out/real-state" "$out/demo-real.xml"

vg unit-tests /dev/null ./build/unit-tests

echo "valgrind: $pass passed, $fail failed"
[ $fail = 0 ]
