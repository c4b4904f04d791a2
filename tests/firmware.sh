#!/bin/sh
# Firmware choice for <os firmware='efi'> without a <loader>: descriptor
# files made here, in $XDG_CONFIG_HOME/qemu/firmware, which masks the
# system's files of the same name (an empty file masks without offering).
set -u
SUITE=firmware
. tests/lib.sh
t=build/firmware
scratch "$t"
mkdir -p "$t/config/qemu/firmware" "$t/fw"
fwdir=$t/config/qemu/firmware
for f in /usr/share/qemu/firmware/*.json /etc/qemu/firmware/*.json; do
	[ -e "$f" ] && : >"$fwdir/${f##*/}"
done
for f in SECURE CODE SEV-CODE ES-CODE SNP VARS; do : >"$t/fw/$f.fd"; done
fw=$(cd "$t/fw" && pwd)

# descriptor NAME FEATURES MAPPING MACHINES
descriptor() {
	cat >"$fwdir/$1.json" <<JSON
{ "description": "$1", "interface-types": ["uefi"],
  "mapping": $3,
  "targets": [{ "architecture": "x86_64", "machines": [$4] }],
  "features": [$2], "tags": [] }
JSON
}
flash() { echo "{ \"device\": \"flash\", \"executable\": { \"filename\": \"$fw/$1\", \"format\": \"raw\" }, \"nvram-template\": { \"filename\": \"$fw/VARS.fd\", \"format\": \"raw\" } }"; }
descriptor 03-secure '"amd-sev", "requires-smm", "secure-boot", "enrolled-keys"' "$(flash SECURE.fd)" '"pc-q35-*"'
descriptor 05-smm '"amd-sev", "requires-smm"' "$(flash CODE.fd)" '"pc-q35-*"'
descriptor 10-plain '"acpi-s3"' "$(flash CODE.fd)" '"pc-q35-*"'
descriptor 20-sev '"amd-sev"' "$(flash SEV-CODE.fd)" '"pc-q35-*"'
descriptor 30-es '"amd-sev", "amd-sev-es"' "$(flash ES-CODE.fd)" '"pc-q35-*"'
descriptor 40-snp '"amd-sev", "amd-sev-es", "amd-sev-snp"' \
	"{ \"device\": \"memory\", \"filename\": \"$fw/SNP.fd\" }" '"pc-q35-*"'

# guest NAME POLICY-OR-SNP MACHINE [OS-EXTRA [FEATURES-EXTRA]]: an efi
# guest with no loader
guest() {
	if [ "$2" = snp ]; then
		ls="<launchSecurity type='sev-snp'><cbitpos>51</cbitpos><policy>0x30000</policy></launchSecurity>"
	else
		ls="<launchSecurity type='sev'><cbitpos>47</cbitpos><policy>$2</policy></launchSecurity>"
	fi
	cat >"$t/$1.xml" <<XML
<domain type='kvm'><name>$1</name><uuid>12345678-1234-1234-1234-123456789abc</uuid>
<memory unit='GiB'>1</memory><os firmware='efi'><type arch='x86_64' machine='$3'>hvm</type>${4:-}</os>
<features><acpi/>${5:-}</features>$ls</domain>
XML
}
run() { XDG_CONFIG_HOME=$(pwd)/$t/config "$SEVQEMU" -n -q -f args -d "$t/state" "$t/$1.xml" >"$t/$1.out" 2>"$t/$1.err"; }
expect_arg() { # NAME ARGUMENT
	if grep -qxF -- "$2" "$t/$1.out"; then ok "$1: $2"; else no "$1" "no argument '$2' in: $(tr '\n' ' ' <"$t/$1.out") $(cat "$t/$1.err")"; fi
}

# libvirt's rules: the first descriptor that fits, requires-smm included
# (SMM is then turned on), Secure Boot bringing secure flash.
guest sev 0x3 q35
run sev
expect_arg sev "driver=file,filename=$fw/SECURE.fd,node-name=pflash0-file,read-only=on"
expect_arg sev "driver=file,filename=$t/state/VARS.fd,node-name=pflash1-file"
expect_arg sev "q35,memory-encryption=sev0,pflash0=pflash0,pflash1=pflash1,smm=on"
expect_arg sev "driver=cfi.pflash01,property=secure,value=on"

guest no-keys 0x3 q35 "<firmware><feature enabled='no' name='enrolled-keys'/></firmware>"
run no-keys
expect_arg no-keys "driver=file,filename=$fw/CODE.fd,node-name=pflash0-file,read-only=on"

guest insecure 0x3 q35 "<loader secure='no'/>"
run insecure
expect_arg insecure "driver=file,filename=$fw/CODE.fd,node-name=pflash0-file,read-only=on"

guest smm-off 0x3 q35 "" "<smm state='off'/>"
run smm-off
expect_arg smm-off "driver=file,filename=$fw/SEV-CODE.fd,node-name=pflash0-file,read-only=on"
expect_arg smm-off "q35,memory-encryption=sev0,pflash0=pflash0,pflash1=pflash1,smm=off"

guest es 0x7 pc-q35-7.2
run es
expect_arg es "driver=file,filename=$fw/ES-CODE.fd,node-name=pflash0-file,read-only=on"

guest snp snp q35
run snp
expect_arg snp "$fw/SNP.fd"
if grep -q pflash "$t/snp.out"; then no snp "SNP got flash"; else ok "snp: no flash, -bios only"; fi

XDG_CONFIG_HOME=$(pwd)/$t/config "$SEVQEMU" -v -n -d "$t/state" "$t/sev.xml" >/dev/null 2>"$t/verbose.err"
if grep -q "from descriptor .*03-secure.json (SMM on, as it requires)" "$t/verbose.err"; then ok "-v names the descriptor"; else no "-v" "$(cat "$t/verbose.err")"; fi

guest pc 0x3 pc
run pc
status=$?
want="sevqemu: $t/pc.xml:2: <os>: firmware='efi': no firmware descriptor in /usr/share/qemu/firmware, /etc/qemu/firmware or \$XDG_CONFIG_HOME/qemu/firmware offers UEFI for x86_64 pc with amd-sev; install OVMF (Debian: ovmf) or name the image in <loader>"
if [ $status = 69 ] && [ "$(head -1 "$t/pc.err")" = "$want" ]; then ok "none suitable: 69"; else no "none suitable" "status $status: $(cat "$t/pc.err")"; fi
if [ ! -e "$t/state" ]; then ok "nothing written"; else no "nothing written" "$t/state exists"; fi

finish
