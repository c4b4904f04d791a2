#!/bin/sh
# Helper processes (swtpm, virtiofsd, dbus-daemon, vhost-user-gpu), for real, under TCG with unencrypted
# guests (TCG cannot run SEV):
#  - --exec --paused --qmp starts swtpm, virtiofsd and QEMU; QMP's
#    query-tpm shows the TPM on its emulator backend and query-chardev the
#    share's vhost-user socket; after quit neither helper is left, nor any
#    socket or pid file;
#  - swtpm missing: 69, nothing started, nothing written;
#  - swtpm failing at start: 71 with swtpm's own words, every file this run
#    wrote removed, the TPM state made now removed;
#  - QEMU exiting at once: the helpers are gone well within their bound;
#  - a printed line never run: the helpers stop after --helper-wait;
#  - a second launch while the helpers run: 75 with the pid;
#  - D-Bus graphics' own bus: a dbus-daemon QEMU joins, stopped once its
#    last client has gone;
#  - vhost-user-gpu: QEMU connects to it (and, under TCG, stops at the
#    device: vhost-user needs KVM), after which it is gone; printed and
#    never run, it is stopped after --helper-wait.
# Run from the repository root after `make`; a few seconds (swtpm_setup
# makes RSA keys once).
set -u
top=$(pwd)
t=$top/build/helpers
rm -rf "$t"
mkdir -p "$t/share" "$t/bin"
pass=0 fail=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
no() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
check() { name=$1; shift; if "$@"; then ok "$name"; else no "$name" "$*"; fi; }
q=$top/${SEVQEMU:-./sevqemu}
case ${SEVQEMU:-} in /*) q=$SEVQEMU ;; esac

# helpers_gone DIR SECONDS: no swtpm/virtiofsd of DIR runs, and no socket
# or pid file is left there, within SECONDS.
helpers_gone() {
	i=0
	while [ "$i" -lt "$(($2 * 10))" ]; do
		if ! pgrep -f "$1/" >/dev/null &&
			[ -z "$(find "$1" -maxdepth 1 \( -name '*.sock' -o -name '*.pid' \) 2>/dev/null)" ]; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# --- the proof: --exec --paused --qmp, QMP, quit ----------------------------
sed "s|@SHARE@|$t/share|" testdata/helpers/share-and-tpm.xml >"$t/e2e.xml"
s=$t/e2e
"$q" -q --exec --paused --qmp "$s/qmp.sock" -d "$s" "$t/e2e.xml" \
	>"$t/e2e.out" 2>"$t/e2e.err" &
qemu=$!
python3 - "$s/qmp.sock" >"$t/qmp.out" 2>&1 <<'PY'
import json, socket, sys, time
path, s = sys.argv[1], socket.socket(socket.AF_UNIX)
end = time.monotonic() + 30
while s.connect_ex(path) != 0:
    if time.monotonic() > end:
        sys.exit('no QMP socket at %s' % path)
    time.sleep(0.05)
f = s.makefile('rw')
def qmp(cmd):
    f.write(json.dumps({'execute': cmd}) + '\n'); f.flush()
    while True:
        r = json.loads(f.readline())
        if 'return' in r or 'error' in r:
            return r
json.loads(f.readline())  # the greeting
qmp('qmp_capabilities')
tpm = qmp('query-tpm')['return']
print('tpm', tpm[0]['model'], tpm[0]['options']['type'])
for c in qmp('query-chardev')['return']:
    print('chardev', c['label'], c['filename'])
f.write(json.dumps({'execute': 'qom-get', 'arguments': {
    'path': '/machine/peripheral/fs0/virtio-backend', 'property': 'chardev'}}) + '\n')
f.flush()
while True:
    r = json.loads(f.readline())
    if 'return' in r or 'error' in r:
        print('fs0 chardev', r.get('return', r))
        break
qmp('quit')
PY
wait $qemu
status=$?
check "--exec --paused --qmp: QEMU ran and quit (exit $status)" [ "$status" = 0 ]
check "query-tpm: tpm-crb on the emulator backend" grep -qx 'tpm tpm-crb emulator' "$t/qmp.out"
# QEMU 7.2 names a connected client socket "unix:" alone.
check "query-chardev: the share's vhost-user socket" grep -q "^chardev chr-vu-fs0 unix:" "$t/qmp.out"
check "vhost-user-fs-pci fs0 is on that socket" grep -qx "fs0 chardev chr-vu-fs0" "$t/qmp.out"
check "query-chardev: swtpm's control socket" grep -q "^chardev chrtpm unix:" "$t/qmp.out"
check "after quit: no helper, socket or pid file left" helpers_gone "$s" 5
check "the TPM state was made, 0700" [ "$(stat -c %a "$s/tpm2")" = 700 ] && [ -f "$s/tpm2/tpm2-00.permall" ]
[ "$fail" = 0 ] || cat "$t/qmp.out" "$t/e2e.err"

# With the state there, <active_pcr_banks> reconfigures it, as libvirt does.
sed "s|<backend type='emulator' version='2.0'/>|<backend type='emulator' version='2.0'><active_pcr_banks><sha384/></active_pcr_banks></backend>|" \
	"$t/e2e.xml" >"$t/banks.xml"
"$q" -n -d "$s" "$t/banks.xml" >/dev/null 2>"$t/banks.err"
check "existing state: would reconfigure the PCR banks" \
	grep -q "would run swtpm_setup: .* --reconfigure --pcr-banks sha384" "$t/banks.err"

# --- swtpm missing: 69, nothing started or written --------------------------
ln -s "$(command -v python3)" "$t/bin/python3"
PATH=$t/bin "$q" -d "$t/missing" testdata/helpers/tpm-only.xml >/dev/null 2>"$t/missing.err"
status=$?
check "swtpm missing: exit 69" [ "$status" = 69 ]
check "swtpm missing: names the Debian package" grep -q "install the Debian package swtpm" "$t/missing.err"
check "swtpm missing: nothing written" [ ! -e "$t/missing" ]

# --- swtpm failing at start: 71, all rolled back ----------------------------
mkdir -p "$t/fake"
cat >"$t/fake/swtpm" <<'EOF'
#!/bin/sh
echo "swtpm: fake failure: the TPM state is locked by another process" >&2
exit 1
EOF
cat >"$t/fake/swtpm_setup" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = --tpm-state ] && dir=$2; shift; done
echo made >"$dir/tpm2-00.permall"
EOF
chmod +x "$t/fake/swtpm" "$t/fake/swtpm_setup"
# An SEV guest (printing needs no SEV host): its blobs are written first.
sed -e "s|/var/lib/sevqemu/demo-sev_VARS.fd|$t/fail/VARS.fd|" \
	-e "s|</devices>|<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>|" \
	testdata/demo.xml >"$t/fail.xml"
PATH=$t/fake:$PATH "$q" -d "$t/fail" "$t/fail.xml" >"$t/fail.out" 2>"$t/fail.err"
status=$?
check "swtpm fails: exit 71" [ "$status" = 71 ]
check "swtpm fails: its own error is shown" grep -q "fake failure: the TPM state is locked" "$t/fail.err"
check "swtpm fails: nothing printed" [ ! -s "$t/fail.out" ]
check "swtpm fails: the blobs and nvram are removed" \
	[ ! -e "$t/fail/dh_cert.base64" ] && [ ! -e "$t/fail/session.base64" ] && [ ! -e "$t/fail/VARS.fd" ]
check "swtpm fails: the TPM state made now is removed" [ ! -e "$t/fail/tpm2" ]
check "swtpm fails: nothing left running" helpers_gone "$t/fail" 1

# --- QEMU exits at once: helpers gone well within the bound -----------------
"$q" -q --exec --emulator /bin/false --helper-wait 60 -d "$t/quick" \
	testdata/helpers/tpm-only.xml >/dev/null 2>&1
check "QEMU exits at once: swtpm gone within 4 s (bound 60 s)" helpers_gone "$t/quick" 4

# --- printed, never run; then a second launch -------------------------------
"$q" -q --helper-wait 2 -d "$t/twice" testdata/helpers/tpm-only.xml >"$t/twice.out" 2>&1
check "printed: exit 0 and the command line" grep -q "tpm-tis,tpmdev=tpm-tpm0" "$t/twice.out"
check "printed: swtpm runs, waiting for QEMU" [ -S "$t/twice/swtpm.sock" ]
"$q" -q -d "$t/twice" testdata/helpers/tpm-only.xml >/dev/null 2>"$t/twice.err"
status=$?
check "second launch: exit 75" [ "$status" = 75 ]
check "second launch: names the running pid" \
	grep -q "swtpm is still running (pid $(cat "$t/twice/swtpm.pid" 2>/dev/null)" "$t/twice.err"
check "never run: swtpm stopped after --helper-wait 2" helpers_gone "$t/twice" 6
check "never run: its log says why" grep -q "sevqemu: stopping swtpm: nothing connected" "$t/twice/swtpm.log"

# --- D-Bus graphics on a bus of their own: a dbus-daemon, ended by its last client
"$q" -q -d "$t/dbus" testdata/helpers/dbus-graphics.xml >"$t/dbus.out" 2>"$t/dbus.err"
status=$?
check "D-Bus graphics: exit 0 (exit $status)" [ "$status" = 0 ]
check "D-Bus graphics: dbus-daemon listens in the state dir" [ -S "$t/dbus/dbus.sock" ]
eval "set -- $(cat "$t/dbus.out")"
(sleep 2; printf '{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n') |
	"$@" -S -qmp stdio >"$t/dbus-qemu.out" 2>&1
status=$?
check "D-Bus graphics: QEMU joined the guest's bus and quit (exit $status)" [ "$status" = 0 ]
check "after QEMU: dbus-daemon stopped, no socket or pid file left" helpers_gone "$t/dbus" 3
check "dbus-daemon's log says why" \
	grep -q "sevqemu: stopping dbus-daemon: its last client has gone" "$t/dbus/dbus-daemon.log"

# --- vhost-user-gpu: started before QEMU, which connects; stopped with it ----
# QEMU 7.2 under TCG refuses a vhost-user GPU once its socket is connected
# ("requires kvm"): that it gets so far shows the helper listened in time.
"$q" -q --exec --paused -d "$t/gpu" testdata/helpers/vhost-user-gpu.xml \
	>"$t/gpu.out" 2>"$t/gpu.err"
status=$?
check "vhost-user-gpu: QEMU reached the device on its socket (exit $status)" \
	grep -q "chardev=chr-vu-video0: vhost initialization failed: requires kvm" "$t/gpu.err"
check "after QEMU: vhost-user-gpu stopped, no socket or pid file left" helpers_gone "$t/gpu" 5
"$q" -q --helper-wait 2 -d "$t/gpu-wait" testdata/helpers/vhost-user-gpu.xml >"$t/gpu-wait.out" 2>&1
check "printed: the card on the helper's socket" \
	grep -q "socket,id=chr-vu-video0,path=$t/gpu-wait/video0-vhost-user-gpu.sock .*vhost-user-vga,.*chardev=chr-vu-video0" "$t/gpu-wait.out"
check "printed: vhost-user-gpu listens, waiting for QEMU" [ -S "$t/gpu-wait/video0-vhost-user-gpu.sock" ]
check "never run: vhost-user-gpu stopped after --helper-wait 2" helpers_gone "$t/gpu-wait" 6
check "never run: its log says why" \
	grep -q "sevqemu: stopping vhost-user-gpu: nothing connected" "$t/gpu-wait/video0-vhost-user-gpu.log"

# --helper-wait takes seconds, 0 to a day.
for bad in abc -1 86401 ''; do
	"$q" -n --helper-wait "$bad" testdata/helpers/tpm-only.xml >/dev/null 2>"$t/usage.err"
	status=$?
	check "--helper-wait '$bad': usage error 64" [ "$status" = 64 ]
done
check "--helper-wait names what it expects" grep -q "is not a number of seconds from 0 to 86400" "$t/usage.err"

echo "helpers: $pass passed, $fail failed"
[ "$fail" = 0 ]
