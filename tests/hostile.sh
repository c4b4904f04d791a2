#!/bin/sh
# Hostile input (DESIGN §7): documents built to hurt a parser, numbers that
# overflow, planted symlinks, bytes no output format can carry.  Each case
# is generated here, in build/hostile/, and run as a real run (no --dry-run)
# with its own state dir; each checks the exit status, the message, and that
# nothing on disk changed: the state dir is not created and everything
# under build/hostile/area/ is as it was (names, sizes, modes, mtimes).
# The billion-laughs and 17 MiB runs also have their peak RSS measured,
# which must stay under HOSTILE_RSS_MAX_KB (default 200000).
# Run from the repository root after `make build/sevqemu-test` (the test
# build: SEVQEMU_TEST_CPUID is a test hook).  SEVQEMU_HOOKS_BIN=path runs
# another build.
set -u
SUITE=hostile
. tests/lib.sh
# The test build: SEVQEMU_TEST_CPUID below is a test hook.
q=${SEVQEMU_HOOKS_BIN:-build/sevqemu-test}
case $q in /*) ;; *) q=$top/$q ;; esac
t=$top/build/hostile
scratch "$t"
mkdir -p "$t/in" "$t/out" "$t/area/home"
in=$t/in area=$t/area
rss_max=${HOSTILE_RSS_MAX_KB:-200000}

# Recorded CPUID (SEV, C-bit 47), so that valid guests pass on any host;
# HOME and XDG_RUNTIME_DIR inside the area, so no default dir escapes it.
SEVQEMU_TEST_CPUID=0x1b:0x2f HOME=$area/home XDG_RUNTIME_DIR=$area/home
export SEVQEMU_TEST_CPUID HOME XDG_RUNTIME_DIR

# Peak RSS in KiB of a command: /usr/bin/time, else python3's rusage.
if [ -x /usr/bin/time ]; then
	timed() { f=$1; shift; /usr/bin/time -f %M -o "$f" "$@"; }
else
	timed() {
		f=$1; shift
		python3 -c '
import resource, subprocess, sys
s = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(s if s >= 0 else 128 - s)' "$f" "$@"
	}
fi

snapshot() { (cd "$area" && find . -printf '%p %y %s %m %T@ %l\n' | sort); }

# run NAME WANT_STATUS MESSAGE_ERE SEVQEMU_ARGS...: a real run with state
# dir $area/state-NAME under `timeout 5`; checks status, a stderr line
# matching MESSAGE_ERE, no state dir and an unchanged area.
run() {
	name=$1 want=$2 msg=$3
	shift 3
	before=$(snapshot)
	start=$(date +%s%N)
	timed "$t/out/$name.rss" timeout 5 "$q" -q -d "$area/state-$name" "$@" \
		</dev/null >"$t/out/$name.out" 2>"$t/out/$name.err"
	status=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	rss=$(tail -n 1 "$t/out/$name.rss" 2>/dev/null)
	[ "$status" = "$want" ] || complain "exit $status (want $want)"
	[ "$status" = 124 ] && complain "timed out after 5 s"
	if [ -n "$msg" ] && ! grep -Eq -- "$msg" "$t/out/$name.err"; then
		complain "no message matching /$msg/ (got: $(head -c 300 "$t/out/$name.err"))"
	fi
	[ "$want" = 0 ] || [ ! -s "$t/out/$name.out" ] || complain "stdout not empty"
	[ ! -e "$area/state-$name" ] || complain "state dir created"
	[ "$before" = "$(snapshot)" ] || complain "files under $area changed"
	verdict "$name"
}

# Keeps RSS and time of a run in the report, and the RSS under the cap.
bounded() {
	name=$1
	rss=$(tail -n 1 "$t/out/$name.rss" 2>/dev/null)
	case $rss in
	'' | *[!0-9]*) no "$name bounded memory" "no RSS measured" ;;
	*) if [ "$rss" -lt "$rss_max" ]; then
		ok "$name bounded memory (peak RSS $((rss / 1024)) MB, ${ms} ms)"
	else
		no "$name bounded memory" "peak RSS ${rss} KiB >= ${rss_max} KiB"
	fi ;;
	esac
}

# A demo guest with the nvram inside the area, so a run that wrongly
# succeeded would show there; SED edits it further.
demo() { sed -e "s|/var/lib/sevqemu/demo-sev_VARS.fd|$area/nvram/demo_VARS.fd|" \
	-e "$1" testdata/demo.xml >"$2"; }
demo '' "$in/demo.xml"

# --- documents that attack the parser --------------------------------------
cat >"$in/billion-laughs.xml" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE domain [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<domain type='kvm'><name>&i;</name><memory>65536</memory>
<os><type machine='q35'>hvm</type></os><description>&i;&i;&i;&i;</description></domain>
EOF
run billion-laughs 65 'DOCTYPE is not allowed' "$in/billion-laughs.xml"
bounded billion-laughs

printf '%s\n' '<?xml version="1.0"?>' \
	'<!DOCTYPE domain [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>' \
	"<domain type='kvm'><name>&x;</name><memory>65536</memory>" \
	"<os><type machine='q35'>hvm</type></os></domain>" >"$in/xxe.xml"
run xxe 65 'DOCTYPE is not allowed' "$in/xxe.xml"
if grep -q 'root:' "$t/out/xxe.out" "$t/out/xxe.err"; then
	no "xxe leaks nothing" "/etc/passwd content in the output"
else
	ok "xxe leaks nothing"
fi

printf '%s\n' '<?xml version="1.0"?>' \
	'<!DOCTYPE domain SYSTEM "http://127.0.0.1:9/domain.dtd">' \
	"<domain type='kvm'><name>x</name><memory>65536</memory>" \
	"<os><type machine='q35'>hvm</type></os></domain>" >"$in/external-dtd.xml"
run external-dtd 65 'DOCTYPE is not allowed' "$in/external-dtd.xml"

printf '%s\n' '<?xml version="1.0"?>' \
	'<!DOCTYPE domain PUBLIC "-//x//y" "file:///etc/passwd">' \
	"<domain type='kvm'><name>x</name></domain>" >"$in/external-dtd-public.xml"
run external-dtd-public 65 'DOCTYPE is not allowed' "$in/external-dtd-public.xml"

{
	printf "<domain type='kvm'><name>big</name><description>"
	head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' x
	printf '</description></domain>\n'
} >"$in/17mib.xml"
run 17mib 65 '16 MiB' "$in/17mib.xml"
bounded 17mib
# The same through a pipe (stdin is read in pieces, not stat'ed).
before=$(snapshot)
timed "$t/out/17mib-pipe.rss" timeout 5 sh -c 'cat "$1" | "$2" -q -d "$3" -' - \
	"$in/17mib.xml" "$q" "$area/state-17mib-pipe" >"$t/out/17mib-pipe.out" 2>"$t/out/17mib-pipe.err"
status=$?
if [ $status = 65 ] && grep -q '16 MiB' "$t/out/17mib-pipe.err" && [ "$before" = "$(snapshot)" ]; then
	ok "17mib-pipe"
else
	no "17mib-pipe" "exit $status: $(head -c 200 "$t/out/17mib-pipe.err")"
fi

: >"$in/empty.xml"
run empty 65 'empty' "$in/empty.xml"

head -c 500 testdata/demo.xml >"$in/truncated.xml"
run truncated 65 'XML syntax' "$in/truncated.xml"

head -c 4096 /dev/urandom >"$in/random.bin"
run random-binary 65 '' "$in/random.bin"
head -c 4096 /dev/urandom | tr -d '\0' >"$in/random-nonul.bin"
run random-binary-no-nul 65 '' "$in/random-nonul.bin"

demo 's|<name>demo-sev</name>|<name>demo\x00sev</name>|' "$in/nul.xml"
run nul-byte 65 'NUL byte' "$in/nul.xml"

demo 's|<name>demo-sev</name>|<name>demo\xff\xfesev</name>|' "$in/bad-utf8.xml"
run invalid-utf8 65 'UTF-8|encoding' "$in/bad-utf8.xml"

# Latin-1, declared: valid, and the name comes out in UTF-8.
{
	printf "<?xml version='1.0' encoding='ISO-8859-1'?>\n"
	sed -e "s|<name>demo-sev</name>|<name>caf\xe9</name>|" \
		-e "s|<nvram template=[^>]*>[^<]*</nvram>||" testdata/demo.xml
} >"$in/latin1.xml"
run latin1 0 '' --dry-run -f args "$in/latin1.xml"
if grep -q "^guest=caf$(printf '\303\251')\$" "$t/out/latin1.out"; then
	ok "latin1 name comes out as UTF-8"
else
	no "latin1 name comes out as UTF-8" "$(grep guest= "$t/out/latin1.out" | od -c | head -2)"
fi

# libxml2's duplicate-attribute check is quadratic: 100,000 attributes on
# one element (1 MiB) took 16 s.  The pre-scan refuses them at once.
python3 -c "import sys; sys.stdout.write('<domain type=\'kvm\'' + ''.join(' a%d=\'x\'' % i for i in range(100000)) + '><name>x</name></domain>\n')" >"$in/attrs-100k.xml"
run attrs-100k 65 '<domain>: has more than 64 attributes' "$in/attrs-100k.xml"
if [ "$ms" -lt 2000 ]; then ok "attrs-100k refused in ${ms} ms"; else no "attrs-100k refused in time" "${ms} ms"; fi

# Out of memory is 71, said in sevqemu's own words: libxml2 prints nothing.
# Address-space limits from tight to loose; the guest has 9,000 disks (as
# many as the pre-scan's node limit lets through).
python3 bench/gen.py "$t/in" 9000 >/dev/null
oom=0 stray=0 other=
if [ -n "${ASAN_OPTIONS:-}" ]; then
	# AddressSanitizer reserves terabytes of address space: no ulimit -v.
	echo "skip out of memory: a sanitizer build cannot run under ulimit -v"
else
	for kib in 30000 35000 40000 45000 50000 55000 60000 70000 80000 100000; do
		(ulimit -v $kib; "$q" -q -n -d "$area/state-oom" "$t/in/disks9000.xml") \
			>/dev/null 2>"$t/out/oom.err"
		status=$?
		case $status in
		71) oom=$((oom + 1))
			grep -qx 'sevqemu: out of memory while reading the domain XML' "$t/out/oom.err" ||
				grep -qx 'sevqemu: out of memory' "$t/out/oom.err" || other="$other $kib:no-message" ;;
		0 | 127) ;; # enough memory; or too little for the loader itself
		*) other="$other $kib:exit-$status" ;;
		esac
		[ $status = 127 ] || ! grep -qv '^sevqemu: ' "$t/out/oom.err" || stray=$((stray + 1))
	done
	if [ $oom -gt 0 ] && [ $stray = 0 ] && [ -z "$other" ]; then
		ok "out of memory is 71 with one sevqemu line ($oom limits ran out)"
	else
		no "out of memory is 71 with one sevqemu line" "$oom ran out, $stray with stray lines, other:$other"
	fi
fi

# Control characters in paths and values are escaped: every stderr line is
# one of sevqemu's own, and none can move the cursor or fake another.
nl_path="$t/in/no
such.xml"
"$q" -q -n "$nl_path" >/dev/null 2>"$t/out/nl.err"
status=$?
if [ $status = 66 ] && [ "$(wc -l <"$t/out/nl.err")" = 1 ] &&
	grep -qF 'in/no\nsuch.xml: cannot open' "$t/out/nl.err"; then
	ok "a newline in a path is escaped"
else
	no "a newline in a path is escaped" "exit $status: $(cat -A "$t/out/nl.err" | head -3)"
fi
demo "s|<domain type='kvm'>|<domain type='k\&#9;\&#155;[31m\&#10;vm'>|" "$in/ctrl-value.xml"
run ctrl-value 69 "is not supported" "$in/ctrl-value.xml"
if [ "$(wc -l <"$t/out/ctrl-value.err")" = 1 ] &&
	grep -qF "type='k\\t\\u009b[31m\\nvm' is not supported" "$t/out/ctrl-value.err"; then
	ok "control characters from the XML are escaped"
else
	no "control characters from the XML are escaped" "$(cat -A "$t/out/ctrl-value.err" | head -3)"
fi

# --- numbers that overflow -------------------------------------------------
demo "s|<memory unit='GiB'>4</memory>|<memory unit='KiB'>18446744073709551615</memory>|; /currentMemory/d" \
	"$in/memory-overflow.xml"
run memory-overflow 65 '<memory>' "$in/memory-overflow.xml"

demo "s|<memory unit='GiB'>4</memory>|<memory unit='EiB'>16</memory>|; /currentMemory/d" \
	"$in/memory-16eib.xml"
run memory-16eib 65 '<memory>' "$in/memory-16eib.xml"

demo "s|<vcpu placement='static'>2</vcpu>|<vcpu>99999999999999999999</vcpu>|" "$in/vcpu-overflow.xml"
run vcpu-overflow 65 '<vcpu>' "$in/vcpu-overflow.xml"

demo "s|<cbitpos>47</cbitpos>|<cbitpos>4294967343</cbitpos>|" "$in/cbitpos-overflow.xml"
run cbitpos-overflow 65 '<cbitpos>' "$in/cbitpos-overflow.xml"

demo "s|<policy>0x0003</policy>|<policy>0x100000003</policy>|" "$in/policy-overflow.xml"
run policy-overflow 65 '<policy>' "$in/policy-overflow.xml"

# --- unsafe directories and planted symlinks --------------------------------
mkdir -m 0700 "$area/target"
echo keep >"$area/target/file"
ln -s target "$area/link"
before=$(snapshot)
with_timeout 5 "$q" -q -d "$area/link" "$in/demo.xml" >"$t/out/link.out" 2>"$t/out/link.err"
status=$?
if [ $status = 73 ] && [ "$before" = "$(snapshot)" ] && [ "$(ls -A "$area/target")" = file ]; then
	ok "symlinked state dir: 73, target untouched"
else
	no "symlinked state dir: 73, target untouched" "exit $status; $(head -c 200 "$t/out/link.err")"
fi

# Blob places planted as symlinks: to an existing file and to a missing one.
mkdir -m 0700 "$area/planted"
echo keep >"$area/planted-target"
touch -d '2001-01-01' "$area/planted-target"
ln -s ../planted-target "$area/planted/dh_cert.base64"
ln -s ../planted-missing "$area/planted/session.base64"
stamp=$(stat -c '%s %Y %a' "$area/planted-target")
with_timeout 5 "$q" -q --nvram-dir "$area/nvram" -d "$area/planted" "$in/demo.xml" >"$t/out/planted.out" 2>"$t/out/planted.err"
status=$?
if [ "$(cat "$area/planted-target")" = keep ] &&
	[ "$(stat -c '%s %Y %a' "$area/planted-target")" = "$stamp" ] &&
	[ ! -e "$area/planted-missing" ] && [ ! -L "$area/planted-missing" ]; then
	ok "planted blob symlinks redirect nothing (exit $status)"
else
	no "planted blob symlinks redirect nothing" "exit $status; target or missing file touched"
fi
if { [ $status = 0 ] && [ -f "$area/planted/dh_cert.base64" ] &&
	[ ! -L "$area/planted/dh_cert.base64" ]; } ||
	{ [ $status = 73 ] && [ -L "$area/planted/dh_cert.base64" ]; }; then
	ok "planted symlink: replaced by a file, or refused with 73 (exit $status)"
else
	no "planted symlink: replaced by a file, or refused with 73" "exit $status"
fi

# An nvram place planted as a dangling symlink: the copy of the template must
# not land at the link's target.
mkdir -p "$area/nvram2"
ln -s ../nv-target "$area/nvram2/demo_VARS.fd"
sed "s|$area/nvram/|$area/nvram2/|" "$in/demo.xml" >"$in/demo-nvram2.xml"
with_timeout 5 "$q" -q -d "$area/nvstate" "$in/demo-nvram2.xml" >"$t/out/nv.out" 2>"$t/out/nv.err"
status=$?
if [ ! -e "$area/nv-target" ] && [ ! -L "$area/nv-target" ] && [ ! -e "$area/nvstate" ]; then
	ok "planted nvram symlink redirects nothing (exit $status)"
else
	no "planted nvram symlink redirects nothing" "exit $status; $area/nv-target was created"
fi

# --- bytes an output format cannot carry ------------------------------------
demo "s|/var/lib/sevqemu/demo-sev.qcow2|/var/lib/sevqemu/a\&#10;b.qcow2|" "$in/newline-path.xml"
run args-newline 65 'newline' -f args "$in/newline-path.xml"

bad_dir=$area/$(printf 'x\377y')
before=$(snapshot)
with_timeout 5 "$q" -q -f json --state-dir "$bad_dir" "$in/demo.xml" >"$t/out/json-utf8.out" 2>"$t/out/json-utf8.err"
status=$?
if [ $status = 65 ] && grep -q 'UTF-8' "$t/out/json-utf8.err" && [ ! -e "$bad_dir" ] &&
	[ ! -s "$t/out/json-utf8.out" ] && [ "$before" = "$(snapshot)" ]; then
	ok "json-invalid-utf8-state-dir"
else
	no "json-invalid-utf8-state-dir" "exit $status; $(head -c 200 "$t/out/json-utf8.err")"
fi

finish
