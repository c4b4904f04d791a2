#!/bin/sh
# tests/bad.sh: sevqemu's error paths.  Run from the repository root:
#
#     sh tests/bad.sh
#
# Each case is testdata/bad/NAME.xml with testdata/bad/NAME.expect:
#   line 1  the exit status
#   line 2  the first line on stderr that is neither a warning nor a note,
#           exactly (sevqemu: FILE:LINE: <element>: text, FILE being the
#           path as passed, or <stdin>)
# and, optionally, testdata/bad/NAME.opts: extra options, one per line; a
# line STDIN means the XML is fed on standard input, as '-'.
#
# Every case is run twice: with --dry-run, then as a real run.  Both must
# give the status, print nothing on stdout and the expected error line, and
# neither may create build/bad-state/NAME (nothing is written on an error:
# the cases' <nvram> paths point inside that directory too).
#
# Prints "ok NAME" or "FAIL NAME" with what differed, then
# "bad: N passed, M failed"; exits 1 when anything failed.

# The test build: SEVQEMU_TEST_CPUID below is a test hook.
BIN=${SEVQEMU_HOOKS_BIN:-build/sevqemu-test}
# A recorded CPUID without SEV, so a missing cbitpos fails the same way on
# every machine, an SEV host included.
SEVQEMU_TEST_CPUID=0:0
export SEVQEMU_TEST_CPUID
DATA=testdata/bad
STATE=build/bad-state
OUT=build/bad-out

if [ ! -x "$BIN" ]; then
	printf '%s\n' "bad: $BIN is not built (run make build/sevqemu-test)" >&2
	exit 1
fi
if [ ! -d "$DATA" ]; then
	printf '%s\n' "bad: no $DATA (run from the repository root)" >&2
	exit 1
fi
mkdir -p "$STATE" "$OUT" || exit 1

# A hung case (a parser loop, an entity expansion) fails instead of hanging.
TIMEOUT=
if command -v timeout >/dev/null 2>&1; then
	TIMEOUT="timeout 30"
fi

passed=0
failed=0
why=       # the current case's explanation, one "  ..." line each

complain() {
	why="$why
  $*"
}

# The error line: the first stderr line that is not a warning or a note.
error_line() {
	sed -n '/: warning: /d; /: note: /d; p; q' "$1"
}

describe_status() {
	if [ "$1" -eq 124 ] && [ -n "$TIMEOUT" ]; then
		printf '%s\n' "124 (timed out after 30 s)"
	elif [ "$1" -gt 128 ]; then
		printf '%s\n' "$1 (killed by signal $(($1 - 128)))"
	else
		printf '%s\n' "$1"
	fi
}

# check LABEL STATUS WANT_STATUS WANT_LINE STDOUT STDERR STATEDIR
check() {
	label=$1 got_status=$2 want_status=$3 want_line=$4
	out=$5 err=$6 dir=$7
	if [ "$got_status" != "$want_status" ]; then
		complain "$label: exit status"
		complain "-$want_status"
		complain "+$(describe_status "$got_status")"
	fi
	if [ -s "$out" ]; then
		complain "$label: stdout should be empty, got:"
		while IFS= read -r l || [ -n "$l" ]; do
			complain "+$l"
		done <"$out"
	fi
	got_line=$(error_line "$err")
	if [ "$got_line" != "$want_line" ]; then
		complain "$label: error line"
		complain "-$want_line"
		if [ -s "$err" ]; then
			complain "+$got_line"
		else
			complain "+(stderr is empty)"
		fi
		# A message is one line: show what follows it too.
		n=$(wc -l <"$err")
		if [ "$n" -gt 1 ]; then
			complain "  (whole stderr, $n lines:)"
			while IFS= read -r l || [ -n "$l" ]; do
				complain "  | $l"
			done <"$err"
		fi
	fi
	if [ -e "$dir" ] || [ -L "$dir" ]; then
		complain "$label: $dir was created (nothing may be written on an error):"
		for f in $(find "$dir" 2>/dev/null | sort); do
			complain "+$f"
		done
	fi
}

# run_sevqemu OUTBASE STDIN_FILE ARGS...   (STDIN_FILE empty: /dev/null)
run_sevqemu() {
	ob=$1 in=$2
	shift 2
	[ -n "$in" ] || in=/dev/null
	$TIMEOUT "$BIN" "$@" <"$in" >"$ob.out" 2>"$ob.err"
}

# Prints the case's verdict from $why and counts it.
verdict() {
	if [ -z "$why" ]; then
		printf '%s\n' "ok $name"
		passed=$((passed + 1))
	else
		printf '%s\n' "FAIL $name$why"
		failed=$((failed + 1))
	fi
}

# both_ways STATUS LINE STDIN ARG...: runs case $name as a dry run, then as
# a real run, each into a fresh state dir $dir that must stay absent.
both_ways() {
	want_status=$1
	want_line=$2
	stdin=$3
	shift 3
	rm -rf "$dir"
	run_sevqemu "$OUT/$name.dry" "$stdin" --dry-run -d "$dir" "$@"
	check "--dry-run" $? "$want_status" "$want_line" \
		"$OUT/$name.dry.out" "$OUT/$name.dry.err" "$dir"
	rm -rf "$dir"
	run_sevqemu "$OUT/$name.real" "$stdin" -d "$dir" "$@"
	check "real run" $? "$want_status" "$want_line" \
		"$OUT/$name.real.out" "$OUT/$name.real.err" "$dir"
	rm -rf "$dir"
	verdict
}

run_case() {
	name=$1
	xml=$DATA/$name.xml
	expect=$DATA/$name.expect
	dir=$STATE/$name
	why=
	if [ ! -f "$expect" ]; then
		printf '%s\n' "FAIL $name"
		printf '%s\n' "  no $expect (line 1: exit status, line 2: error line)"
		failed=$((failed + 1))
		return
	fi
	want_status=
	want_line=
	{
		IFS= read -r want_status
		IFS= read -r want_line
	} <"$expect"
	case $want_status in
	'' | *[!0-9]*)
		printf '%s\n' "FAIL $name"
		printf '%s\n' "  $expect: line 1 '$want_status' is not an exit status"
		failed=$((failed + 1))
		return
		;;
	esac

	# The options, one per line; STDIN feeds the XML as '-'.
	set --
	stdin=
	if [ -f "$DATA/$name.opts" ]; then
		while IFS= read -r opt || [ -n "$opt" ]; do
			if [ "$opt" = STDIN ]; then
				stdin=$xml
			elif [ -n "$opt" ]; then
				set -- "$@" "$opt"
			fi
		done <"$DATA/$name.opts"
	fi
	input=$xml
	[ -z "$stdin" ] || input=-

	both_ways "$want_status" "$want_line" "$stdin" "$@" "$input"
}

# Built in: an input file that does not exist.
run_missing() {
	name=missing-input
	dir=$STATE/$name
	xml=$DATA/does-not-exist.xml
	want="sevqemu: $xml: cannot open: No such file or directory"
	why=
	if [ -e "$xml" ]; then
		complain "$xml exists; this check needs it absent"
		verdict
		return
	fi
	both_ways 66 "$want" "" "$xml"
}

for xml in "$DATA"/*.xml; do
	[ -e "$xml" ] || continue
	name=${xml##*/}
	run_case "${name%.xml}"
done
run_missing

# An .expect without its .xml is a case that silently stopped running.
for expect in "$DATA"/*.expect; do
	[ -e "$expect" ] || continue
	name=${expect##*/}
	name=${name%.expect}
	if [ ! -f "$DATA/$name.xml" ]; then
		printf '%s\n' "FAIL $name"
		printf '%s\n' "  $expect has no $DATA/$name.xml"
		failed=$((failed + 1))
	fi
done

printf '%s\n' "bad: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
