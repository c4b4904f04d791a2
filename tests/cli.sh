#!/bin/sh
# End-to-end behaviour of the command: the files a real run writes (modes,
# contents, umask), what --dry-run leaves alone, the four output formats
# agreeing with each other, --exec, the blob-file options, and the state
# dir's safety checks.  Run from the repository root after `make`.
set -u
SUITE=cli
. tests/lib.sh
t=$top/build/cli
scratch "$t"
mode() { stat -c %a "$1"; }
q=$SEVQEMU

# A guest whose nvram lives under $t, so a real run can create it; the
# operator allows that place with --nvram-dir.
sed "s|/var/lib/sevqemu/demo-sev_VARS.fd|$t/nvram/demo_VARS.fd|" testdata/demo.xml >"$t/demo.xml"

# --- a real run --------------------------------------------------------
(umask 0; $q --nvram-dir "$t/nvram" -q -d "$t/state" "$t/demo.xml" >"$t/real.out" 2>"$t/real.err")
check "real run exits 0" [ $? = 0 ]
check "state dir is 0700 under umask 0" [ "$(mode "$t/state")" = 700 ]
check "dh_cert.base64 is 0600 under umask 0" [ "$(mode "$t/state/dh_cert.base64")" = 600 ]
check "session.base64 is 0600 under umask 0" [ "$(mode "$t/state/session.base64")" = 600 ]
check "dh_cert.base64 decodes to 2084 bytes" [ "$(base64 -d "$t/state/dh_cert.base64" | wc -c)" = 2084 ]
check "session.base64 decodes to 128 bytes" [ "$(base64 -d "$t/state/session.base64" | wc -c)" = 128 ]
check "blob file is one line of canonical base64" [ "$(wc -l <"$t/state/dh_cert.base64")" = 1 ]
check "nvram created from its template" cmp -s "$t/nvram/demo_VARS.fd" /usr/share/OVMF/OVMF_VARS_4M.fd
check "nvram is 0600" [ "$(mode "$t/nvram/demo_VARS.fd")" = 600 ]
check "no temporary files left" [ -z "$(ls -A "$t/state" | grep '^\.')" ]
echo changed >"$t/nvram/demo_VARS.fd"
$q --nvram-dir "$t/nvram" -q -d "$t/state" "$t/demo.xml" >/dev/null 2>&1
check "an existing nvram is never replaced" [ "$(cat "$t/nvram/demo_VARS.fd")" = changed ]
(umask 077; $q --nvram-dir "$t/nvram" -q -d "$t/state2" "$t/demo.xml" >/dev/null 2>&1)
check "files 0600 under umask 077" [ "$(mode "$t/state2/dh_cert.base64")" = 600 ]

# Secrets never reach stdout or stderr, even verbose, even as JSON.
secret=$(head -c 40 "$t/state/session.base64")
$q --nvram-dir "$t/nvram" -v -f json -d "$t/state" "$t/demo.xml" >"$t/v.out" 2>"$t/v.err"
check "secrets absent from stdout and stderr" sh -c "! grep -qF '$secret' '$t/v.out' '$t/v.err'"

# --- dry run ------------------------------------------------------------
$q --nvram-dir "$t/nvram" -q --dry-run -d "$t/dry" "$t/demo.xml" >"$t/dry.out" 2>"$t/dry.err"
check "dry run exits 0" [ $? = 0 ]
check "dry run creates no state dir" [ ! -e "$t/dry" ]
check "dry run prints what a real run prints" sh -c "sed 's|$t/dry|$t/state|g' '$t/dry.out' | cmp -s - '$t/real.out'"
check "dry run lists the files it would write" grep -q "would write $t/dry/dh_cert.base64 (2781 bytes)" "$t/dry.err"

# --- the four formats say the same argv ---------------------------------
x=testdata/hostile-names.xml
$q -q -n -d "$t/s" -f args "$x" >"$t/h.args" 2>/dev/null
$q -q -n -d "$t/s" -f nul "$x" 2>/dev/null | tr '\0' '\n' >"$t/h.nul"
check "nul format equals args format" cmp -s "$t/h.args" "$t/h.nul"
eval "set -- $($q -q -n -d "$t/s" "$x" 2>/dev/null)"
: >"$t/h.shell"
for a in "$@"; do printf '%s\n' "$a" >>"$t/h.shell"; done
check "eval of the shell format gives back the argv" cmp -s "$t/h.args" "$t/h.shell"
$q -q -n -d "$t/s" -f json "$x" >"$t/h.json" 2>/dev/null
python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
args = open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]
assert doc["argv"] == args, "argv differs"
assert [f["path"] for f in doc["files"]][:2] == [sys.argv[3] + "/dh_cert.base64", sys.argv[3] + "/session.base64"]
assert all(set(f) == {"path", "bytes"} for f in doc["files"])
assert doc["env"] == {} and isinstance(doc["warnings"], list)
' "$t/h.json" "$t/h.args" "$t/s"
check "json format carries the same argv, paths and sizes only" [ $? = 0 ]
printf '%s' "$(cat testdata/demo.xml)" | $q -q -n -d "$t/s" -f args - >"$t/stdin.args" 2>/dev/null
check "- reads standard input" grep -q '^guest=demo-sev$' "$t/stdin.args"
printf '<domain type="kvm">\n<name>x</name>\n<cbitpos/>\n' | $q -n - 2>"$t/stdin.err" >/dev/null
check "standard input is named <stdin> in messages" grep -q '^sevqemu: <stdin>:' "$t/stdin.err"

# --- --exec -------------------------------------------------------------
# A host tree with SEV ready (tests/host.sh covers the refusals).
h=$t/host
mkdir -p "$h/dev" "$h/sys/module/kvm_amd/parameters" "$h/proc/self"
: >"$h/dev/sev"
echo Y >"$h/sys/module/kvm_amd/parameters/sev"
printf 'CapEff:\t0000003fffffffff\n' >"$h/proc/self/status"
SEVQEMU_TEST_HOST_ROOT=$h
export SEVQEMU_TEST_HOST_ROOT
# That variable is a test hook: --exec runs use the test build.
qh=${SEVQEMU_HOOKS_BIN:-build/sevqemu-test}
cat >"$t/fake-qemu" <<'FAKE'
#!/bin/sh
for a in "$0" "$@"; do printf '%s\n' "$a"; done >"$FAKE_OUT"
FAKE
chmod +x "$t/fake-qemu"
FAKE_OUT=$t/exec.args $qh --nvram-dir "$t/nvram" -q -x --emulator "$t/fake-qemu" -d "$t/xs" "$t/demo.xml" >"$t/exec.out"
check "--exec runs the emulator" [ $? = 0 ]
$q --nvram-dir "$t/nvram" -q -n --emulator "$t/fake-qemu" -d "$t/xs" -f args "$t/demo.xml" >"$t/exec.expect" 2>/dev/null
check "--exec passes exactly the printed argv" cmp -s "$t/exec.args" "$t/exec.expect"
check "--exec prints nothing on stdout" [ ! -s "$t/exec.out" ]
check "--exec wrote the blob files first" [ -f "$t/xs/dh_cert.base64" ]
$qh --nvram-dir "$t/nvram" -q -x --emulator "$t/missing-qemu" -d "$t/xm" "$t/demo.xml" 2>"$t/xm.err"
check "--exec with a missing emulator exits 69" [ $? = 69 ]
check "--exec with a missing emulator writes nothing" [ ! -e "$t/xm" ]
printf '\177ELF garbage' >"$t/bad-qemu"
chmod +x "$t/bad-qemu"
$qh --nvram-dir "$t/nvram" -q -x --emulator "$t/bad-qemu" -d "$t/xb" "$t/demo.xml" 2>"$t/xb.err"
check "a failed exec exits 71" [ $? = 71 ]
check "a failed exec removes the files it wrote" [ ! -e "$t/xb/dh_cert.base64" ]
check "a failed exec says why" grep -q "cannot execute" "$t/xb.err"

# <qemu:env>: set for QEMU by --exec, an env prefix in shell form, an object in
# JSON; only with --trust-xml (tests/trust.sh checks the refusal)
cat >"$t/env-qemu" <<'FAKE'
#!/bin/sh
printf '%s|%s\n' "$QEMU_AUDIO_DRV" "$SEVQEMU_NOTE" >"$FAKE_OUT"
FAKE
chmod +x "$t/env-qemu"
sed "s|/var/lib/sevqemu/qemu-commandline_VARS.fd|$t/nvram/qc_VARS.fd|" testdata/qemu-commandline.xml >"$t/qc.xml"
FAKE_OUT=$t/env.out $qh --nvram-dir "$t/nvram" --trust-xml -q -x --emulator "$t/env-qemu" -d "$t/qcs" "$t/qc.xml" >/dev/null 2>&1
check "--exec sets <qemu:env> for QEMU" [ "$(cat "$t/env.out" 2>/dev/null)" = "none|a b,c" ]
eval "set -- $($q --nvram-dir "$t/nvram" --trust-xml -q -n -d "$t/qcs" "$t/qc.xml" 2>/dev/null)"
check "shell form starts with env NAME=VALUE" [ "$1 $2 $3" = "env QEMU_AUDIO_DRV=none SEVQEMU_NOTE=a b,c" ]
$q --nvram-dir "$t/nvram" --trust-xml -q -n -f json -d "$t/qcs" "$t/qc.xml" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["env"] == {"QEMU_AUDIO_DRV": "none", "SEVQEMU_NOTE": "a b,c"}, d["env"]
assert d["argv"][-2:] == ["-global", "isa-debugcon.iobase=0x402"], d["argv"][-2:]'
check "json carries env as an object, qemu:arg last" [ $? = 0 ]

# --- blob files from sevctl ---------------------------------------------
head -c 2084 /dev/urandom | base64 >"$t/vm_godh.b64"
head -c 128 /dev/urandom | base64 >"$t/vm_session.b64"
$q --nvram-dir "$t/nvram" -q -d "$t/sc" --dh-cert "$t/vm_godh.b64" --session "$t/vm_session.b64" "$t/demo.xml" >/dev/null
same_blob() { [ "$(base64 -d "$1" | md5sum)" = "$(base64 -d "$2" | md5sum)" ]; }
check "--dh-cert content lands in the state dir" same_blob "$t/vm_godh.b64" "$t/sc/dh_cert.base64"
check "--session content lands in the state dir" same_blob "$t/vm_session.b64" "$t/sc/session.base64"

# --- state dir safety ----------------------------------------------------
mkdir -m 0770 "$t/gw"
$q --nvram-dir "$t/nvram" -q -d "$t/gw" "$t/demo.xml" >/dev/null 2>"$t/gw.err"
check "group-writable state dir exits 73" [ $? = 73 ]
check "group-writable state dir gets nothing" [ -z "$(ls -A "$t/gw")" ]
mkdir -m 0700 "$t/real-target"
ln -s "$t/real-target" "$t/link"
$q --nvram-dir "$t/nvram" -q -d "$t/link" "$t/demo.xml" >/dev/null 2>"$t/link.err"
check "symlinked state dir exits 73" [ $? = 73 ]
check "nothing written through the symlink" [ -z "$(ls -A "$t/real-target")" ]
$q --nvram-dir "$t/nvram" -q -n -d "$t/link" "$t/demo.xml" >/dev/null 2>&1
check "dry run also refuses the symlinked state dir (73)" [ $? = 73 ]
mkdir -m 0700 "$t/planted"
echo keep >"$t/planted-target"
ln -s "$t/planted-target" "$t/planted/dh_cert.base64"
$q --nvram-dir "$t/nvram" -q -d "$t/planted" "$t/demo.xml" >/dev/null 2>&1
check "a planted symlink never redirects the write" [ "$(cat "$t/planted-target")" = keep ]
check "the planted symlink is replaced by a file" [ -f "$t/planted/dh_cert.base64" ] && [ ! -L "$t/planted/dh_cert.base64" ]
XDG_RUNTIME_DIR=$t/xdg $q --nvram-dir "$t/nvram" -q "$t/demo.xml" >/dev/null
check "default state dir is \$XDG_RUNTIME_DIR/sevqemu/UUID" [ -f "$t/xdg/sevqemu/5b1f6a0e-3c1d-4f44-9d7e-2a64c0f1b7a3/session.base64" ]
check "its missing parents are 0700" [ "$(mode "$t/xdg/sevqemu")" = 700 ]

# --- manners ------------------------------------------------------------
$q --help >"$t/help" 2>&1
check "--help exits 0 and fits a screen" [ $? = 0 ] && [ "$(wc -l <"$t/help")" -le 40 ]
check "--version prints a version" sh -c "$q --version | grep -Eq '^sevqemu [0-9]+\.[0-9]+'"
$q -q --dry-run --exec "$t/demo.xml" >/dev/null 2>&1
check "--dry-run with --exec is a usage error (64)" [ $? = 64 ]
$q >/dev/null 2>&1
check "no argument is a usage error (64)" [ $? = 64 ]

# --- every refusal at once (issue 10, item 7) ---------------------------
# Elements no libvirt knows, so that no future family makes them translate.
refusals() { # N: the demo guest with N refused elements in <devices>
	i=0; extra=''
	while [ $i -lt "$1" ]; do extra="$extra<frob$i/>"; i=$((i + 1)); done
	sed "s|<devices>|<devices>$extra|" "$t/demo.xml"
}
refusals 3 >"$t/r3.xml"
$q -q -n -d "$t/r" "$t/r3.xml" >/dev/null 2>"$t/r3.err"
check "three refusals: exit 69" [ $? = 69 ]
check "three refusals: one line each" [ "$(grep -c 'not supported by sevqemu' "$t/r3.err")" = 3 ]
check "three refusals: in document order" sh -c "head -1 '$t/r3.err' | grep -q '<frob0>'"
refusals 25 >"$t/r25.xml"
$q -q -n -d "$t/r" "$t/r25.xml" >/dev/null 2>"$t/r25.err"
check "25 refusals: exit 69" [ $? = 69 ]
check "25 refusals: 20 listed" [ "$(grep -c 'not supported by sevqemu' "$t/r25.err")" = 20 ]
check "25 refusals: and the count of the rest" grep -q '… and 5 more refusals' "$t/r25.err"
sed 's|<policy>[^<]*</policy>|<policy>zz</policy>|' "$t/r3.xml" >"$t/r3bad.xml"
$q -q -n -d "$t/r" "$t/r3bad.xml" >/dev/null 2>"$t/r3bad.err"
# (an invalid value before the refusals stops the parse there: 65)
check "an invalid value after refusals: 69, the refusals and the error listed" \
	sh -c "[ $? = 69 ] && [ \$(wc -l <'$t/r3bad.err') = 4 ]"
$q -q -n -d "$t/r" --nvram-dir "$t/nvram" --ignore-unsupported "$t/r3.xml" >/dev/null 2>&1
check "--ignore-unsupported drops all three" [ $? = 0 ]

$q -n --network-bridge=nobridge testdata/net-network.xml >/dev/null 2>&1
check "--network-bridge without NAME=BRIDGE is a usage error (64)" [ $? = 64 ]
$q -n -f args --network-bridge=default=br9 --network-bridge=lan=br7 testdata/net-network.xml >"$t/nb.out" 2>/dev/null
check "--network-bridge maps each network, none read from a definition" \
	grep -qx 'bridge,id=net1,br=br7' "$t/nb.out"
# SPICE autoport: the first free TCP port from 5900, as libvirt allocates.
sed "s/port='5901' autoport='no'/autoport='yes'/" testdata/shaped-virt-manager.xml >"$t/autoport.xml"
$q -n -f args "$t/autoport.xml" >"$t/autoport.out" 2>/dev/null
check "SPICE autoport takes a port from 5900" grep -Eq '^port=(59[0-9][0-9]|[6-9][0-9]{3}|[1-6][0-9]{4}),addr=127.0.0.1,' "$t/autoport.out"

finish
