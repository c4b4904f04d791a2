#!/bin/sh
# <interface type='ethernet'><coalesce>: sevqemu sets the tap's rx-frames
# before QEMU starts.  On a real tap made here (root and `ip tuntap` needed,
# else skipped): a dry run sets nothing, a print run and --exec set it (a
# fake QEMU reads it back), a run that fails afterwards puts the old value
# back and removes its files, and each refusal (no tap, not a tap, no
# CAP_NET_ADMIN, the kernel refusing the ioctl) has its status and exact
# message.  The value is read back with ETHTOOL_GCOALESCE from Python: no
# ethtool needed.  Every device made here is deleted on exit.
set -u
SUITE=coalesce
. tests/lib.sh
t=$top/build/coalesce
scratch "$t"

# Names unique to this run: other runs may share the host's network.
tap=sqc$$
absent=sqx$$
veth=sqv$$
cleanup() {
	ip link del "$tap" >/dev/null 2>&1
	ip link del "$veth" >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" != 0 ] || ! ip tuntap add dev "$tap" mode tap >/dev/null 2>&1; then
	skip "coalesce" "needs root and ip tuntap to make a tap"
	finish
	exit
fi

# frames IFNAME: its rx-frames (ETHTOOL_GCOALESCE), or "error: ..."
cat >"$t/frames.py" <<'PY'
import ctypes, fcntl, socket, struct, sys
ETHTOOL_GCOALESCE, SIOCETHTOOL = 0x0e, 0x8946
buf = ctypes.create_string_buffer(struct.pack('=I', ETHTOOL_GCOALESCE) + bytes(4 * 22))
ifr = struct.pack('16sP', sys.argv[1].encode(), ctypes.addressof(buf))
ifr += bytes(40 - len(ifr))
try:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifr)
    print(struct.unpack_from('=3I', buf.raw)[2])  # rx_max_coalesced_frames
except OSError as e:
    print('error:', e.strerror)
PY
frames() {
	python3 "$t/frames.py" "$1"
}

# guest DEV MAX: a guest on tap DEV with rx-frames MAX, and a UEFI variable
# store made in the state dir (a file the run writes, and must take back).
guest() {
	cat >"$t/$1-$2.xml" <<EOF
<domain type='qemu'>
  <name>coalesce</name>
  <uuid>2b0e0f46-5a0e-4c9e-8f7e-3c1b7d6a9e10</uuid>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
    <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>$t/state/VARS.fd</nvram>
  </os>
  <features><acpi/></features>
  <devices>
    <interface type='ethernet'>
      <mac address='52:54:00:00:00:07'/>
      <target dev='$1' managed='no'/>
      <coalesce><rx><frames max='$2'/></rx></coalesce>
    </interface>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
	printf '%s\n' "$t/$1-$2.xml"
}

# run NAME STATUS RX [SEVQEMU ARGS...]: exit STATUS, and the tap's rx-frames
# RX afterwards; on a failure, no file left in the state dir
n=0
run() {
	name=$1 want=$2 rx=$3
	shift 3
	n=$((n + 1))
	rm -rf "$t/state"
	"$SEVQEMU" -d "$t/state" "$@" >"$t/out$n" 2>"$t/err$n"
	status=$?
	got=$(frames "$tap")
	[ "$status" = "$want" ] || complain "exit $status, expected $want: $(cat "$t/err$n")"
	[ "$got" = "$rx" ] || complain "$tap has rx-frames $got, expected $rx"
	if [ "$want" != 0 ] && [ -n "$(ls -A "$t/state" 2>/dev/null)" ]; then
		complain "files left behind: $(ls -A "$t/state")"
	fi
}
# has N TEXT: standard error of run N has the line TEXT
has() {
	grep -qxF -- "$2" "$t/err$1" || complain "no line '$2' in: $(cat "$t/err$1")"
}

xml=$(guest "$tap" 7)
line=$(grep -n '<coalesce>' "$xml" | cut -d: -f1)
if [ "$(frames "$tap")" = 0 ]; then ok "a new tap has rx-frames 0"; else no "new tap" "$(frames "$tap")"; fi

run 1 0 0 -n "$xml"
has $n "sevqemu: would set rx-frames 7 on tap $tap (as ethtool -C $tap rx-frames 7)"
[ ! -e "$t/state" ] || complain "a dry run made the state dir"
verdict "--dry-run sets nothing and says what a real run would set"

run 2 0 7 -f args "$xml"
grep -qx -- "tap,id=net0,ifname=$tap,script=no,downscript=no" "$t/out$n" ||
	complain "the -netdev is not the plain tap: $(grep ifname "$t/out$n")"
[ -s "$t/state/VARS.fd" ] || complain "no VARS.fd written"
verdict "a real run sets rx-frames 7; QEMU's command line has no trace of it"

# --exec: QEMU (a script here) starts with the value set.
cat >"$t/fake-qemu" <<EOF
#!/bin/sh
exec python3 "$t/frames.py" "$tap" >"$t/seen"
EOF
chmod +x "$t/fake-qemu"
run 3 0 9 -x --emulator "$t/fake-qemu" "$(guest "$tap" 9)"
[ "$(cat "$t/seen" 2>/dev/null)" = 9 ] || complain "QEMU saw rx-frames $(cat "$t/seen" 2>/dev/null), expected 9"
verdict "--exec: QEMU starts on a tap with rx-frames 9"

# A run that fails after setting it (here: standard output closed) puts
# the previous value back, and its files go.
rm -rf "$t/state"
"$SEVQEMU" -v -d "$t/state" "$(guest "$tap" 3)" 2>"$t/err-out" >&-
status=$?
[ "$status" = 71 ] || complain "exit $status, expected 71"
[ "$(frames "$tap")" = 9 ] || complain "rx-frames $(frames "$tap"), expected 9 back"
grep -qxF "sevqemu: note: put back rx-frames 9 on tap '$tap'" "$t/err-out" ||
	complain "no note that it was put back: $(cat "$t/err-out")"
[ -z "$(ls -A "$t/state" 2>/dev/null)" ] || complain "files left: $(ls -A "$t/state")"
verdict "standard output fails after the set: 71, rx-frames and files as they were"

# The kernel refusing the set itself (injected by strace: the 4th ioctl is
# ETHTOOL_SCOALESCE, after the check's two reads and apply's own).
if command -v strace >/dev/null 2>&1 &&
	strace -o /dev/null -e trace=ioctl true 2>/dev/null; then
	rm -rf "$t/state"
	# LeakSanitizer cannot run under ptrace (check-sanitize's build)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -o /dev/null -e trace=ioctl -e inject=ioctl:error=EPERM:when=4 \
		"$SEVQEMU" -d "$t/state" "$xml" >"$t/out-inject" 2>"$t/err-inject"
	status=$?
	[ "$status" = 71 ] || complain "exit $status, expected 71: $(cat "$t/err-inject")"
	grep -qxF "sevqemu: $xml:$line: <coalesce>: cannot set rx-frames 7 on tap '$tap': Operation not permitted; the taps set before it are put back, and the files this run wrote removed" \
		"$t/err-inject" || complain "message: $(cat "$t/err-inject")"
	[ "$(frames "$tap")" = 9 ] || complain "rx-frames $(frames "$tap"), expected 9"
	[ -z "$(ls -A "$t/state" 2>/dev/null)" ] || complain "files left: $(ls -A "$t/state")"
	[ ! -s "$t/out-inject" ] || complain "a command line was printed"
	verdict "the kernel refuses ETHTOOL_SCOALESCE: 71, nothing left behind"
else
	skip "the kernel refuses ETHTOOL_SCOALESCE" "no strace, or ptrace not allowed"
fi

run 6 0 64 "$(guest "$tap" 100)"
has $n "sevqemu: $t/$tap-100.xml:$line: <coalesce>: warning: tap '$tap' took rx-frames 64, not 100: the most its driver batches"
verdict "rx-frames 100: the tun driver's 64, with a warning"

# Refusals, before anything is written (69); a dry run warns instead.
run 7 69 64 "$(guest "$absent" 7)"
msg="tap '$absent' does not exist; its coalescing is set before QEMU starts, so the tap must be made beforehand: ip tuntap add dev $absent mode tap"
has $n "sevqemu: $t/$absent-7.xml:$line: <coalesce>: $msg"
verdict "no such tap: 69"
run 8 0 64 -n "$(guest "$absent" 7)"
has $n "sevqemu: $t/$absent-7.xml:$line: <coalesce>: warning: $msg; a real run would exit 69"
verdict "no such tap, --dry-run: a warning that a real run would exit 69"

if ip link add "$veth" type veth peer name "${veth}p" >/dev/null 2>&1; then
	run 9 69 64 "$(guest "$veth" 7)"
	has $n "sevqemu: $t/$veth-7.xml:$line: <coalesce>: '$veth' is a veth device, not a tap; sevqemu sets coalescing on taps only; expected <target dev> naming a tap (ip tuntap add dev NAME mode tap)"
	verdict "a veth, not a tap: 69, never touched"
else
	skip "a veth, not a tap" "cannot make a veth here"
fi
run 10 69 64 "$(guest lo 7)"
has $n "sevqemu: $t/lo-7.xml:$line: <coalesce>: 'lo' is a device without a driver name, not a tap; sevqemu sets coalescing on taps only; expected <target dev> naming a tap (ip tuntap add dev NAME mode tap)"
verdict "the loopback, not a tap: 69"

if command -v setpriv >/dev/null 2>&1 &&
	setpriv --inh-caps=-net_admin --bounding-set=-net_admin true 2>/dev/null; then
	rm -rf "$t/state"
	setpriv --inh-caps=-net_admin --bounding-set=-net_admin \
		"$SEVQEMU" -d "$t/state" "$xml" >/dev/null 2>"$t/err-cap"
	status=$?
	[ "$status" = 69 ] || complain "exit $status, expected 69"
	grep -qxF "sevqemu: $xml:$line: <coalesce>: setting the coalescing of tap '$tap' needs CAP_NET_ADMIN, which this process lacks; expected sevqemu run as root (or with CAP_NET_ADMIN)" \
		"$t/err-cap" || complain "message: $(cat "$t/err-cap")"
	[ ! -e "$t/state" ] || complain "the state dir was made"
	[ "$(frames "$tap")" = 64 ] || complain "rx-frames $(frames "$tap"), expected 64"
	verdict "without CAP_NET_ADMIN: 69 before anything is written"
else
	skip "without CAP_NET_ADMIN" "no setpriv"
fi

finish
