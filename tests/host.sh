#!/bin/sh
# The host, as --exec and --probe see it: pre-flight checks against a host
# tree made here (SEVQEMU_TEST_HOST_ROOT stands for "/"), and --probe
# against this machine's real QEMU.  Each check: status, exact error line,
# and nothing written on a refusal.
set -u
SUITE=host
. tests/lib.sh
# The test build: SEVQEMU_TEST_HOST_ROOT is a test hook.
SEVQEMU=${SEVQEMU_HOOKS_BIN:-build/sevqemu-test}
case $SEVQEMU in /*) ;; *) SEVQEMU=$top/$SEVQEMU ;; esac
t=$top/build/host
scratch "$t"

# A host tree: dev/sev, kvm_amd parameters, a /proc/self/status.
host() { # NAME SEV SEV_ES CAPEFF
	r=$t/$1
	mkdir -p "$r/dev" "$r/sys/module/kvm_amd/parameters" "$r/proc/self"
	: >"$r/dev/sev"
	echo "$2" >"$r/sys/module/kvm_amd/parameters/sev"
	echo "$3" >"$r/sys/module/kvm_amd/parameters/sev_es"
	printf 'Name:\tsevqemu\nCapEff:\t%s\n' "$4" >"$r/proc/self/status"
}
cat >"$t/fake-qemu" <<'FAKE'
#!/bin/sh
ulimit -l >"$FAKE_OUT"
FAKE
chmod +x "$t/fake-qemu"
sed "s|/var/lib/sevqemu/demo-sev_VARS.fd|$t/nvram/VARS.fd|" testdata/demo.xml >"$t/sev.xml"
sed 's|<policy>0x0003</policy>|<policy>0x0007</policy>|' "$t/sev.xml" >"$t/es.xml"
# 4 MiB of RAM: small enough for the hard memlock limit a sandbox allows.
sed "s|<memory unit='GiB'>4</memory>|<memory unit='MiB'>4</memory>|; s|<currentMemory unit='GiB'>4</currentMemory>||" "$t/sev.xml" >"$t/small.xml"

# exec_case NAME ROOT XML STATUS LINE [LIMITS]: --exec under ROOT, after
# the shell commands LIMITS (ulimit ...) in the same subshell
n=0
exec_case() {
	name=$1 root=$2 xml=$3 want=$4 line=$5 limits=${6:-:}
	n=$((n + 1))
	out=$t/exec$n
	rm -rf "$t/state" "$t/nvram" "$t/limit"
	(
		eval "$limits"
		SEVQEMU_TEST_HOST_ROOT=$root FAKE_OUT=$t/limit \
			"$SEVQEMU" -q -x --emulator "$t/fake-qemu" --nvram-dir "$t/nvram" \
			-d "$t/state" "$xml" \
			>"$out.out" 2>"$out.err"
	)
	status=$?
	got=$(head -1 "$out.err")
	if [ "$status" != "$want" ]; then
		no "$name" "exit $status, expected $want: $(cat "$out.err")"
	elif [ "$want" != 0 ] && [ "$got" != "$line" ]; then
		no "$name" "message '$got', expected '$line'"
	elif [ "$want" != 0 ] && { [ -e "$t/state" ] || [ -e "$t/nvram" ]; }; then
		no "$name" "something was written"
	else
		ok "$name"
	fi
}

host good Y Y 0000003fffffffff
exec_case "all there: QEMU runs" "$t/good" "$t/sev.xml" 0 ""
host nosev Y Y 0000003fffffffff
rm "$t/nosev/dev/sev"
exec_case "no /dev/sev" "$t/nosev" "$t/sev.xml" 69 \
	"sevqemu: $t/nosev/dev/sev: missing: this host's SEV firmware is not available (is SEV enabled in the BIOS, and the ccp module loaded?)"
host kvmoff N N 0000003fffffffff
exec_case "kvm_amd sev=N" "$t/kvmoff" "$t/sev.xml" 69 \
	"sevqemu: $t/kvmoff/sys/module/kvm_amd/parameters: sev is off: kvm_amd runs without SEV; reload it with kvm_amd sev=1"
host noes Y N 0000003fffffffff
exec_case "SEV-ES guest, kvm_amd sev_es=N" "$t/noes" "$t/es.xml" 69 \
	"sevqemu: $t/noes/sys/module/kvm_amd/parameters: sev_es is off: kvm_amd runs without SEV-ES; reload it with kvm_amd sev_es=1"
rm "$t/noes/sys/module/kvm_amd/parameters/sev_es"
exec_case "SEV-ES guest, old kvm_amd" "$t/noes" "$t/es.xml" 69 \
	"sevqemu: $t/noes/sys/module/kvm_amd/parameters: has no sev_es: kvm_amd is not loaded, or too old for SEV-ES"
host nocap Y Y 0000000000000000
exec_case "memlock too low, hard limit too" "$t/nocap" "$t/sev.xml" 69 \
	"sevqemu: the memory lock limit is 1024 KiB, but SEV pins all 4096 MiB of guest memory; raise it (ulimit -l 4194304) or run with CAP_IPC_LOCK" "ulimit -l 1024"
exec_case "memlock soft low, hard enough: raised" "$t/nocap" "$t/small.xml" 0 "" \
	"ulimit -H -l 8192; ulimit -S -l 1024"
if [ "$(cat "$t/limit" 2>/dev/null)" = 8192 ]; then ok "QEMU inherits the raised limit"; else no "raised limit" "QEMU saw $(cat "$t/limit" 2>/dev/null)"; fi
# DIMMs plugged at start are pinned as well: 4 MiB of boot RAM and a 2 MiB
# DIMM need 6 MiB, over a 5 MiB hard limit the boot RAM alone would fit.
sed "s|<memory unit='MiB'>4</memory>|<maxMemory slots='2' unit='MiB'>64</maxMemory><memory unit='MiB'>6</memory>|; s|</devices>|<memory model='dimm'><target><size unit='MiB'>2</size></target></memory></devices>|" "$t/small.xml" >"$t/dimm.xml"
exec_case "memlock counts the DIMMs plugged at start" "$t/nocap" "$t/dimm.xml" 69 \
	"sevqemu: the memory lock limit is 5120 KiB, but SEV pins all 6 MiB of guest memory; raise it (ulimit -l 6144) or run with CAP_IPC_LOCK" "ulimit -l 5120"
exec_case "memlock: DIMMs within the hard limit" "$t/nocap" "$t/dimm.xml" 0 "" \
	"ulimit -H -l 8192; ulimit -S -l 1024"
# ... and a limit below <maxMemory> is told, since a later hotplug will fail
if (ulimit -H -l 8192; ulimit -S -l 1024; rm -rf "$t/state" "$t/nvram"
	SEVQEMU_TEST_HOST_ROOT=$t/nocap FAKE_OUT=$t/limit "$SEVQEMU" -x --emulator "$t/fake-qemu" \
		--nvram-dir "$t/nvram" -d "$t/state" "$t/dimm.xml" 2>&1 >/dev/null) |
	grep -qF "the memory lock limit (8 MiB) is below <maxMemory> (line"; then
	ok "memlock below <maxMemory>: a warning that hotplug will fail"
else
	no "memlock below <maxMemory>" "no warning"
fi
exec_case "CAP_IPC_LOCK needs no limit" "$t/good" "$t/sev.xml" 0 "" "ulimit -l 1024"
# A passed-through PCI function: bound to vfio-pci, or not; the memlock
# rule then covers guest memory plus VFIO's 1 GiB.
sed 's|</devices>|<hostdev mode="subsystem" type="pci" managed="yes"><source><address domain="0x0000" bus="0x3b" slot="0x02" function="0x1"/></source></hostdev></devices>|' "$t/sev.xml" >"$t/vfio.xml"
host vfio Y Y 0000003fffffffff
mkdir -p "$t/vfio/sys/bus/pci/devices/0000:3b:02.1" "$t/vfio/sys/bus/pci/drivers/ixgbevf" "$t/vfio/sys/bus/pci/drivers/vfio-pci"
ln -s ../../drivers/ixgbevf "$t/vfio/sys/bus/pci/devices/0000:3b:02.1/driver"
d=$t/vfio/sys/bus/pci/devices/0000:3b:02.1
exec_case "hostdev bound to its host driver" "$t/vfio" "$t/vfio.xml" 69 \
	"sevqemu: $d: 0000:3b:02.1 is bound to ixgbevf, not to vfio-pci, which QEMU needs (line 32; libvirt's managed='yes' rebinds it, sevqemu does not); bind it first: driverctl set-override 0000:3b:02.1 vfio-pci, or echo vfio-pci > $d/driver_override and echo 0000:3b:02.1 > /sys/bus/pci/drivers_probe after unbinding it"
rm "$d/driver"; ln -s ../../drivers/vfio-pci "$d/driver"
exec_case "hostdev bound to vfio-pci" "$t/vfio" "$t/vfio.xml" 0 ""
host vfionocap Y Y 0000000000000000
cp -R "$t/vfio/sys/bus" "$t/vfionocap/sys/"
exec_case "memlock: SEV with a passed-through device" "$t/vfionocap" "$t/vfio.xml" 69 \
	"sevqemu: the memory lock limit is 1024 KiB, but an SEV guest with a passed-through device needs all its memory locked, 5120 MiB with VFIO's 1 GiB; raise it (ulimit -l 5242880) or run with CAP_IPC_LOCK" "ulimit -l 1024"
exec_case "hostdev missing on this host" "$t/good" "$t/vfio.xml" 69 \
	"sevqemu: $t/good/sys/bus/pci/devices/0000:3b:02.1: missing: this host has no PCI device 0000:3b:02.1 to pass through (line 32)"
# rawio='yes' on a SCSI hostdev: QEMU needs CAP_SYS_RAWIO after the exec,
# which root has from its bounding set, anyone else only if ambient.
sed 's|</devices>|<hostdev mode="subsystem" type="scsi" rawio="yes"><source><adapter name="scsi_host0"/><address bus="0" target="0" unit="0"/></source></hostdev></devices>|' "$t/sev.xml" >"$t/rawio.xml"
host rawio Y Y 0000003fffffffff
mkdir -p "$t/rawio/sys/bus/scsi/devices/0:0:0:0/scsi_generic/sg0"
exec_case "rawio='yes' without CAP_SYS_RAWIO to pass on" "$t/rawio" "$t/rawio.xml" 69 \
	"sevqemu: $t/rawio.xml:32: <hostdev>: rawio='yes' needs CAP_SYS_RAWIO in QEMU, which libvirt grants its QEMU; QEMU runs with what sevqemu passes on through exec, and that lacks it: run as root, or with it ambient (setpriv --inh-caps +sys_rawio --ambient-caps +sys_rawio), or leave rawio out"
printf 'Name:\tsevqemu\nUid:\t1000\t1000\t1000\t1000\nCapEff:\t0000003fffffffff\nCapBnd:\t000001ffffffffff\nCapAmb:\t0000000000020000\n' >"$t/rawio/proc/self/status"
exec_case "rawio='yes', CAP_SYS_RAWIO ambient" "$t/rawio" "$t/rawio.xml" 0 ""
printf 'Name:\tsevqemu\nUid:\t0\t0\t0\t0\nCapEff:\t0000003fffffffff\nCapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n' >"$t/rawio/proc/self/status"
exec_case "rawio='yes' as root" "$t/rawio" "$t/rawio.xml" 0 ""
rm -rf "$t/rawio/sys/bus/scsi"
exec_case "SCSI hostdev missing on this host" "$t/rawio" "$t/rawio.xml" 69 \
	"sevqemu: $t/rawio.xml:32: <hostdev>: this host has no SCSI device scsi_host0, bus 0, target 0, unit 0 with a generic (sg) node: $t/rawio/sys/bus/scsi/devices/0:0:0:0/scsi_generic is missing; expected the device attached and the sg module loaded (modprobe sg)"
rm -rf "$t/state"
SEVQEMU_TEST_HOST_ROOT=$t/nosev "$SEVQEMU" -q -n --nvram-dir "$t/nvram" -d "$t/state" "$t/sev.xml" >/dev/null 2>&1
if [ $? = 0 ]; then ok "a dry run makes no pre-flight"; else no "dry run" "refused"; fi

# --probe against the real emulator
probe_case() { # NAME XML STATUS LINE
	"$SEVQEMU" -q -n --probe --nvram-dir "$t/nvram" -d "$t/probe-state" "$2" >/dev/null 2>"$t/probe.err"
	status=$?
	got=$(grep -v 'would write' "$t/probe.err" | head -1)
	if [ "$status" = "$3" ] && { [ "$3" = 0 ] || [ "$got" = "$4" ]; }; then ok "$1"; else no "$1" "exit $status: $got"; fi
}
qemu=$(command -v qemu-system-x86_64)
if [ -z "$qemu" ]; then
	skip "--probe" "no qemu-system-x86_64"
else
	v=$("$qemu" --version | sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p')
	sed "s|/usr/bin/qemu-system-x86_64|$qemu|" "$t/sev.xml" >"$t/p-sev.xml"
	probe_case "--probe accepts what QEMU has" "$t/p-sev.xml" 0 ""
	sed 's/machine=.q35./machine="pc-q35-99.0"/' "$t/p-sev.xml" >"$t/p-machine.xml"
	probe_case "--probe: unknown machine type" "$t/p-machine.xml" 69 \
		"sevqemu: $qemu: QEMU $v has no machine type 'pc-q35-99.0'"
	sed 's|<vcpu placement=.static.>2</vcpu>|<vcpu>2</vcpu><cpu><model>EPYC-v99</model></cpu>|' "$t/p-sev.xml" >"$t/p-cpu.xml"
	probe_case "--probe: unknown CPU model" "$t/p-cpu.xml" 69 \
		"sevqemu: $qemu: QEMU $v has no CPU model 'EPYC-v99'"
	sed "s|/usr/bin/qemu-system-x86_64|$qemu|" testdata/snp.xml >"$t/p-snp.xml"
	if "$qemu" -object help 2>/dev/null | grep -q sev-snp-guest; then
		skip "--probe: no sev-snp-guest" "this QEMU has sev-snp-guest"
	else
		probe_case "--probe: no sev-snp-guest" "$t/p-snp.xml" 69 \
			"sevqemu: $qemu: QEMU $v has no sev-snp-guest; SEV-SNP needs QEMU 9.1 or later"
	fi
	sed "s|<emulator>.*</emulator>|<emulator>/bin/true</emulator>|" "$t/sev.xml" >"$t/p-true.xml"
	probe_case "--probe: not QEMU" "$t/p-true.xml" 69 \
		"sevqemu: /bin/true: said nothing when probed (-machine none -qmp stdio); is it QEMU?"
	[ ! -e "$t/probe-state" ] && ok "--probe writes nothing" || no "--probe" "wrote $t/probe-state"
fi

# <smbios mode='host'/>: the host's type 0 and 1 fields (never its uuid),
# from a recorded /sys/class/dmi/id; none readable is 69.
mkdir -p "$t/dmi"
printf 'American Megatrends, Inc.\n' >"$t/dmi/bios_vendor"
printf '2.4\n' >"$t/dmi/bios_version"
printf '11/20/2023\n' >"$t/dmi/bios_date"
printf 'Supermicro\n' >"$t/dmi/sys_vendor"
printf 'AS -1125HS-TNR\n' >"$t/dmi/product_name"
printf '0123456789\n' >"$t/dmi/product_serial"
printf '5b1f6a0e-3c1d-4f44-9d7e-2a64c0f1b7a4\n' >"$t/dmi/product_uuid"
sed "s|<boot dev='hd'/>|<boot dev='hd'/><smbios mode='host'/>|" "$t/sev.xml" >"$t/smbios-host.xml"
got=$(SEVQEMU_TEST_DMI=$t/dmi "$SEVQEMU" -n -q --nvram-dir "$t/nvram" --format=args -d "$t/state" "$t/smbios-host.xml" 2>/dev/null | grep -A1 -x -- -smbios | grep -v -x -- -smbios | tr '\n' '|')
want='type=0,vendor=American Megatrends,, Inc.,version=2.4,date=11/20/2023|type=1,manufacturer=Supermicro,product=AS -1125HS-TNR,serial=0123456789|'
[ "$got" = "$want" ] && ok "smbios mode='host'" || no "smbios mode='host'" "got $got"
SEVQEMU_TEST_DMI=$t/no-dmi "$SEVQEMU" -n -q --nvram-dir "$t/nvram" -d "$t/state" "$t/smbios-host.xml" >/dev/null 2>"$t/smbios-host.err"
status=$?
line=$(grep -n "smbios mode='host'" "$t/smbios-host.xml" | cut -d: -f1)
want="sevqemu: $t/smbios-host.xml:$line: <smbios>: mode='host' but this host's SMBIOS (/sys/class/dmi/id) cannot be read; expected mode='emulate' or 'sysinfo'"
[ $status = 69 ] && [ "$(head -1 "$t/smbios-host.err")" = "$want" ] && ok "smbios mode='host' without SMBIOS: 69" ||
	no "smbios mode='host' without SMBIOS" "$status $(head -1 "$t/smbios-host.err")"

finish
