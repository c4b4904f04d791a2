# tests/lib.sh: what the shell test scripts share.  Each sets SUITE and
# sources this file from the repository root:
#
#     SUITE=cli
#     . tests/lib.sh
#
# and then has:
#   $top, $SEVQEMU    the repository root and the binary to test (SEVQEMU=path
#                     runs another build), both absolute; the script stops
#                     with a message when the binary is not built
#   scratch DIR       DIR emptied and created afresh (build/SUITE, usually)
#   ok NAME, no NAME WHY, skip NAME WHY
#                     print "ok NAME", "FAIL NAME: WHY", "skip NAME: WHY" and
#                     count it
#   check NAME COMMAND...
#                     ok when COMMAND succeeds, else FAIL showing COMMAND
#   complain LINE, verdict NAME
#                     for checks with several conditions: each complain
#                     adds a line to why the check fails; verdict prints
#                     "ok NAME" or "FAIL NAME" with those lines, and counts
#   tally NAME FILE   adds the counts of another runner's closing line
#                     "NAME: N passed, N failed, N skipped" in FILE to these
#                     (no such line: a failure)
#   with_timeout SECS COMMAND...
#                     COMMAND, killed after SECS (exit 124) where coreutils'
#                     timeout exists
#   finish            prints "SUITE: N passed, N failed, N skipped"; its
#                     status is the script's: non-zero when anything failed
#
# The counters are $pass, $fail and $skip.

top=$(pwd)
if [ ! -f "$top/tests/lib.sh" ]; then
	printf '%s\n' "$SUITE: run from the repository root" >&2
	exit 1
fi
SEVQEMU=${SEVQEMU:-./sevqemu}
case $SEVQEMU in
/*) ;;
*) SEVQEMU=$top/$SEVQEMU ;;
esac
if [ ! -x "$SEVQEMU" ]; then
	printf '%s\n' "$SUITE: $SEVQEMU is not built (run make)" >&2
	exit 1
fi

pass=0 fail=0 skip=0
why=

scratch() {
	rm -rf "$1" && mkdir -p "$1" || exit 1
}

ok() {
	printf '%s\n' "ok $1"
	pass=$((pass + 1))
}

no() {
	printf '%s\n' "FAIL $1: $2"
	fail=$((fail + 1))
}

skip() {
	printf '%s\n' "skip $1: $2"
	skip=$((skip + 1))
}

check() {
	_name=$1
	shift
	if "$@"; then ok "$_name"; else no "$_name" "$*"; fi
}

complain() {
	why="$why
  $*"
}

verdict() {
	if [ -z "$why" ]; then
		ok "$1"
	else
		printf '%s\n' "FAIL $1$why"
		fail=$((fail + 1))
	fi
	why=
}

tally() {
	_counts=$(sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped\$/\1 \2 \3/p" "$2")
	case $_counts in
	*' '*' '*)
		pass=$((pass + ${_counts%% *}))
		_counts=${_counts#* }
		fail=$((fail + ${_counts% *}))
		skip=$((skip + ${_counts#* }))
		;;
	*) no "$1" "no closing line '$1: N passed, N failed, N skipped' in $2" ;;
	esac
}

with_timeout() {
	if command -v timeout >/dev/null 2>&1; then
		timeout "$@"
	else
		shift
		"$@"
	fi
}

finish() {
	printf '%s\n' "$SUITE: $pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
}
