#!/bin/sh
# tests/cmdline.sh: what a bad case (tests/cases.py) cannot feed through
# NAME.opts: the
# `sevqemu policy` subcommand, option errors, the SEVQEMU_TEST_CPUID
# variable, the default state dir (HOME, XDG_RUNTIME_DIR, no -d), --exec
# with a missing <emulator>, a valid --domcaps, and --dry-run -v.  Run from
# the repository root after `make`:
#
#     sh tests/cmdline.sh
#
# Every check compares the exit status and the first stderr line that is
# neither a warning, a note nor a "would write" line (empty: there must be
# none), exactly; some check stdout or the file system too.  Prints "ok NAME"
# or "FAIL NAME" with what differed, then "cmdline: N passed, N failed,
# N skipped"; exits 1 when anything failed.

SUITE=cmdline
. tests/lib.sh
# The test build: SEVQEMU_TEST_CPUID below is a test hook.  Absolute: one
# check runs from another directory.
BIN=${SEVQEMU_HOOKS_BIN:-build/sevqemu-test}
case $BIN in /*) ;; *) BIN=$top/$BIN ;; esac
if [ ! -x "$BIN" ]; then
	printf '%s\n' "cmdline: $BIN is not built (run make build/sevqemu-test)" >&2
	exit 1
fi
if [ ! -f testdata/demo.xml ]; then
	printf '%s\n' "cmdline: no testdata/demo.xml (run from the repository root)" >&2
	exit 1
fi
T=build/cmdline
scratch "$T"
# The guests' nvram lives under $T/nvram (nothing is written elsewhere):
# the operator says so with --nvram-dir, which this wrapper adds.
cat >"$T/sevqemu" <<EOF
#!/bin/sh
[ "\$1" = policy ] || set -- --nvram-dir "$top/$T/nvram" "\$@"
exec "$BIN" "\$@"
EOF
chmod +x "$T/sevqemu"
BIN=$top/$T/sevqemu

# Unless a check says otherwise: a CPU without SEV, the same on every host.
SEVQEMU_TEST_CPUID=0:0
export SEVQEMU_TEST_CPUID

name=

error_line() {
	sed -n '/: warning: /d; /: note: /d; /^sevqemu: would write /d; p; q' "$1"
}

# run_case NAME WANT_STATUS WANT_LINE COMMAND...
# Runs COMMAND (stdout in $T/NAME.out, stderr in $T/NAME.err) and compares.
# Further conditions may follow (need ...); then done_check reports.
run_case() {
	name=$1 want_status=$2 want_line=$3
	shift 3
	why=
	"$@" <"/dev/null" >"$T/$name.out" 2>"$T/$name.err"
	status=$?
	if [ "$status" != "$want_status" ]; then
		complain "exit status"
		complain "-$want_status"
		complain "+$status"
	fi
	got_line=$(error_line "$T/$name.err")
	if [ "$got_line" != "$want_line" ]; then
		complain "stderr line"
		complain "-$want_line"
		complain "+$got_line"
	fi
}

# need DESCRIPTION COMMAND...: one more condition on the current check.
need() {
	what=$1
	shift
	"$@" || complain "$what"
}

done_check() {
	verdict "$name"
}

# field_is FILE NAME VALUE: `sevqemu policy` printed "bit N NAME VALUE ...".
field_is() {
	awk -v n="$2" -v v="$3" '$1 == "bit" && $3 == n && $4 == v { f = 1 } END { exit !f }' "$1"
}

absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }

line_of() { grep -n "$2" "$1" | sed -n '1s/:.*//p'; }

# ---- inputs derived from the demo guest ----------------------------------
# Its nvram goes under $T so that a real run writes nothing elsewhere.
nvram=$top/$T/nvram/demo_VARS.fd
sed "s|/var/lib/sevqemu/demo-sev_VARS.fd|$nvram|" testdata/demo.xml >"$T/demo.xml"
strip_blobs() { sed '/<dhCert>/,/<\/dhCert>/d; /<session>/d' "$1"; }
# No <cbitpos> and no blobs: only cbitpos's source is under test.
strip_blobs "$T/demo.xml" | sed '/<cbitpos>/d' >"$T/nocbit.xml"
# No <uuid> and a name that cannot be a directory, with and without blobs.
sed '/<uuid>/d; s|<name>demo-sev</name>|<name>a/b</name>|' "$T/demo.xml" >"$T/slash.xml"
strip_blobs "$T/slash.xml" >"$T/slash-noblobs.xml"
# An <emulator> that is not there.
sed 's|<emulator>/usr/bin/qemu-system-x86_64</emulator>|<emulator>/nonexistent/bin/qemu-system-x86_64</emulator>|' \
	"$T/demo.xml" >"$T/noemu.xml"
cat >"$T/domcaps.xml" <<'EOF'
<domainCapabilities><features><sev supported='yes'><cbitpos>51</cbitpos><reducedPhysBits>1</reducedPhysBits><maxGuests>15</maxGuests><maxESGuests>0</maxESGuests></sev></features></domainCapabilities>
EOF

# ---- sevqemu policy ------------------------------------------------------
run_case policy-sev-0x33 0 "" "$BIN" policy 0x33
need "stdout: no 'bit 0 NODBG 1' line" field_is "$T/$name.out" NODBG 1
need "stdout: no 'bit 1 NOKS 1' line" field_is "$T/$name.out" NOKS 1
need "stdout: no 'bit 2 ES 0' line" field_is "$T/$name.out" ES 0
done_check

run_case policy-snp-0x30000 0 "" "$BIN" policy --snp 0x30000
need "stdout: no 'bit 17 RSVD_MBO 1' line" field_is "$T/$name.out" RSVD_MBO 1
need "stdout: no 'bit 16 SMT 1' line" field_is "$T/$name.out" SMT 1
done_check

run_case policy-not-hex 65 \
	"sevqemu: policy: 'zz' is not a 32-bit hexadecimal value; expected hex digits with or without 0x" \
	"$BIN" policy zz
done_check

run_case policy-reserved-bit6 65 \
	"sevqemu: policy: 0x40 sets reserved bits 0x40; expected them clear" \
	"$BIN" policy 0x40
done_check

run_case policy-snp-bit17-clear 65 \
	"sevqemu: policy: 0x10000 leaves bit 17 clear; the SNP ABI requires it set" \
	"$BIN" policy --snp 0x10000
done_check

run_case policy-33-bits-without-snp 65 \
	"sevqemu: policy: '0x100000000' does not fit in 32 bits; SEV-SNP policies are 64-bit (--snp)" \
	"$BIN" policy 0x100000000
done_check

run_case policy-no-value 64 \
	"sevqemu: usage: sevqemu policy [--snp] VALUE (hex, with or without 0x)" \
	"$BIN" policy
need "stdout should be empty" [ ! -s "$T/$name.out" ]
done_check

run_case policy-two-values 64 \
	"sevqemu: usage: sevqemu policy [--snp] VALUE (hex, with or without 0x)" \
	"$BIN" policy 0x1 0x3
need "stdout should be empty" [ ! -s "$T/$name.out" ]
done_check

# A domain file named "policy" is read when given as ./policy.
cp "$T/demo.xml" "$T/policy"
run_case domain-file-named-policy 0 "" \
	sh -c 'cd "$1" && exec "$2" -n -q -d s ./policy' sh "$T" "$BIN"
need "stdout: no -object sev-guest" grep -q 'sev-guest,id=sev0' "$T/$name.out"
need "$T/s was created by a dry run" absent "$T/s"
done_check

# ---- options -------------------------------------------------------------
run_case opt-unknown 64 "sevqemu: unknown option '--bogus'" \
	"$BIN" --bogus testdata/demo.xml
done_check

run_case opt-d-without-value 64 "sevqemu: option -d needs a value" \
	"$BIN" -n testdata/demo.xml -d
done_check

run_case opt-quiet-verbose 64 "sevqemu: --quiet and --verbose exclude each other" \
	"$BIN" -n -q -v testdata/demo.xml
done_check

run_case opt-two-files 64 \
	"sevqemu: unexpected argument '$T/nocbit.xml'; expected one domain XML" \
	"$BIN" -n testdata/demo.xml "$T/nocbit.xml"
done_check

run_case opt-no-file 64 "sevqemu: no domain XML given (use - for standard input)" \
	"$BIN" -n
done_check

run_case opt-format-bogus 64 \
	"sevqemu: --format 'bogus' is not a format; expected shell, args, nul or json" \
	"$BIN" -n --format=bogus testdata/demo.xml
done_check

# ---- SEVQEMU_TEST_CPUID --------------------------------------------------
run_case cpuid-not-hex 64 "sevqemu: SEVQEMU_TEST_CPUID: 'zz' is not EAX:EBX in hex" \
	env SEVQEMU_TEST_CPUID=zz "$BIN" -n -d "$T/st" "$T/nocbit.xml"
need "stdout should be empty" [ ! -s "$T/$name.out" ]
done_check

# EAX 0x1b has bit 1 (SEV); EBX 0x2f: C-bit 47.
run_case cpuid-fills-cbitpos 0 "" \
	env SEVQEMU_TEST_CPUID=0x1b:0x2f "$BIN" -n -f args -d "$T/st" "$T/nocbit.xml"
need "args: no sev-guest with cbitpos=47" grep -q '^sev-guest,id=sev0,cbitpos=47,' "$T/$name.out"
done_check

run_case cpuid-no-sev 65 \
	"sevqemu: $T/nocbit.xml:$(line_of "$T/nocbit.xml" '<launchSecurity'): <launchSecurity>: no cbitpos, and this host's CPU does not report SEV; give it as <cbitpos> in the XML, with --domcaps FILE (virsh domcapabilities), or run on the SEV host (CPUID 0x8000001F)" \
	env SEVQEMU_TEST_CPUID=0:0 "$BIN" -n -d "$T/st" "$T/nocbit.xml"
need "stdout should be empty" [ ! -s "$T/$name.out" ]
done_check

# ---- the default state dir (no -d) ---------------------------------------
run_case statedir-name-slash-no-uuid 73 \
	"sevqemu: $T/slash.xml:$(line_of "$T/slash.xml" '<name>'): <name>: 'a/b' cannot name the state dir, and the guest has no <uuid>; pass --state-dir DIR" \
	env -u XDG_RUNTIME_DIR HOME="$top/$T/home" "$BIN" "$T/slash.xml"
need "stdout should be empty" [ ! -s "$T/$name.out" ]
need "$T/home was created" absent "$T/home"
need "the nvram was created" absent "$nvram"
done_check

run_case statedir-name-slash-no-blobs 0 "" \
	env -u XDG_RUNTIME_DIR HOME="$top/$T/home" "$BIN" "$T/slash-noblobs.xml"
need "stdout: no command" grep -q 'sev-guest,id=sev0' "$T/$name.out"
need "$T/home was created (no state dir is needed)" absent "$T/home"
rm -f "$nvram"
done_check

run_case statedir-no-home-no-xdg 73 \
	"sevqemu: neither XDG_RUNTIME_DIR nor HOME is set; pass --state-dir DIR" \
	env -u HOME -u XDG_RUNTIME_DIR "$BIN" "$T/demo.xml"
need "stdout should be empty" [ ! -s "$T/$name.out" ]
need "the nvram was created" absent "$nvram"
done_check

# ---- --exec with an <emulator> that is not there -------------------------
run_case exec-emulator-missing 69 \
	"sevqemu: $T/noemu.xml:$(line_of "$T/noemu.xml" '<emulator>'): <emulator>: /nonexistent/bin/qemu-system-x86_64 is not there or not executable; install QEMU or pass --emulator PATH" \
	"$BIN" --exec -d "$T/exec-state" "$T/noemu.xml"
need "stdout should be empty" [ ! -s "$T/$name.out" ]
need "$T/exec-state was created" absent "$T/exec-state"
need "the nvram was created" absent "$nvram"
done_check

# ---- --domcaps -----------------------------------------------------------
# It comes before CPUID, which here says C-bit 47.
run_case domcaps-fills-cbitpos 0 "" \
	env SEVQEMU_TEST_CPUID=0x1b:0x2f "$BIN" -n -f args -d "$T/st" --domcaps "$T/domcaps.xml" "$T/nocbit.xml"
need "args: no sev-guest with cbitpos=51,reduced-phys-bits=1" \
	grep -q '^sev-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,' "$T/$name.out"
done_check

# ---- --dry-run -v explains the policy ------------------------------------
run_case dry-run-verbose-policy 0 "SEV guest policy 0x3" \
	"$BIN" -n -v -d "$T/st" "$T/demo.xml"
need "stderr: no NODBG line" grep -q 'NODBG' "$T/$name.err"
need "stdout: the policy summary belongs on stderr" sh -c '! grep -q NODBG "$1"' sh "$T/$name.out"
need "$T/st was created by a dry run" absent "$T/st"
done_check

# ---- SNP policies Linux 6.11's KVM refuses are warned about ---------------
sed 's|<policy>0x30000</policy>|<policy>0x1f0000</policy>|' testdata/snp.xml >"$T/snp-bits.xml"
run_case snp-policy-kvm-warnings 0 "" "$BIN" -n -d "$T/st" "$T/snp-bits.xml"
need "no DEBUG warning" grep -q "allows debugging (bit 19, DEBUG)" "$T/$name.err"
need "no SINGLE_SOCKET warning" grep -q "bit 20 (SINGLE_SOCKET) is set: Linux 6.11's KVM refuses it" "$T/$name.err"
need "no warning for bit 18" grep -q "bits 0x40000 are beyond what Linux 6.11's KVM accepts" "$T/$name.err"
done_check
sed 's|<policy>0x30000</policy>|<policy>0x20000</policy>|' testdata/snp.xml >"$T/snp-nosmt.xml"
run_case snp-policy-smt-clear 0 "" "$BIN" -n -d "$T/st" "$T/snp-nosmt.xml"
need "no SMT warning" grep -q "bit 16 (SMT) is clear: Linux 6.11's KVM refuses such a policy" "$T/$name.err"
done_check

# ---- as root, PATH's empty and relative entries are never searched -------
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$T/cwd/bin"
	for d in "$T/cwd" "$T/cwd/bin"; do
		printf '#!/bin/sh\n' >"$d/qemu-system-x86_64"
		chmod +x "$d/qemu-system-x86_64"
	done
	sed '/<emulator>/d' "$T/demo.xml" >"$T/noemu-elem.xml"
	for p in : bin .:bin; do
		run_case "root-path-'$p'" 0 "" \
			sh -c 'cd "$1" && PATH=$2 "$3" -n -f args -d st "$4"' sh \
			"$T/cwd" "$p" "$BIN" "$top/$T/noemu-elem.xml"
		need "argv[0] is $(head -1 "$T/$name.out"), not the bare name" \
			[ "$(head -1 "$T/$name.out")" = qemu-system-x86_64 ]
		done_check
	done
fi

# ---- the shipped sevqemu has no test hooks --------------------------------
# The test build obeys SEVQEMU_TEST_CPUID and SEVQEMU_TEST_HOST_ROOT; the
# product must not even hold their names, and must read its own host.
PRODUCT=${SEVQEMU:-./sevqemu}
case $PRODUCT in /*) ;; *) PRODUCT=$top/$PRODUCT ;; esac
name=product-has-no-hooks
why=
need "$PRODUCT holds the name SEVQEMU_TEST_" sh -c '! grep -q SEVQEMU_TEST_ "$1"' sh "$PRODUCT"
env SEVQEMU_TEST_CPUID=zz "$PRODUCT" --nvram-dir "$top/$T/nvram" -n -d "$T/st" "$T/nocbit.xml" </dev/null >"$T/$name.out" 2>"$T/$name.err"
status=$?
need "SEVQEMU_TEST_CPUID=zz was obeyed (exit $status)" [ "$status" != 64 ]
need "stderr names SEVQEMU_TEST_CPUID" sh -c '! grep -q SEVQEMU_TEST_CPUID "$1"' sh "$T/$name.err"
env SEVQEMU_TEST_CPUID=0x1b:0x2f "$PRODUCT" --nvram-dir "$top/$T/nvram" -n -f args -d "$T/st" "$T/nocbit.xml" </dev/null >"$T/$name.out2" 2>/dev/null
if grep -q '^sev-guest,id=sev0,cbitpos=47,' "$T/$name.out2"; then
	# Only right if this very host reports SEV with C-bit 47.
	need "the recorded CPUID was used, not this host's" grep -q 'sev' /proc/cpuinfo
fi
mkdir -p "$T/fakehost/dev" && : >"$T/fakehost/dev/sev"
env SEVQEMU_TEST_HOST_ROOT="$top/$T/fakehost" "$PRODUCT" --nvram-dir "$top/$T/nvram" \
	-x --emulator /bin/false \
	-d "$T/hook-state" "$T/demo.xml" </dev/null >/dev/null 2>"$T/$name.err3"
need "SEVQEMU_TEST_HOST_ROOT was obeyed" sh -c '! grep -q fakehost "$1"' sh "$T/$name.err3"
done_check
rm -rf "$T/hook-state" "$nvram"

finish
