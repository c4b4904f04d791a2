#!/bin/sh
# tests/measure.sh: `sevqemu measure` and `sevqemu attest` from the outside.
#
#  - digests for SEV, SEV-ES and SEV-SNP guests, each compared with
#    tests/measure/ref.py, a separate Python model of the algorithm, on
#    Debian's OVMF and on synthetic images (tests/measure/mkfw.py) that
#    carry a hash table, a reset block, a secret area and SEV metadata;
#  - every error path: its exit status and its message;
#  - attest against tests/measure/fake_qmp.py, a stand-in QMP server that
#    checks an injected secret with the TIK and TEK as the firmware would.
#
# Run from the repository root after `make`.  Prints "ok NAME" or
# "FAIL NAME: why" per case, then "measure: N passed, N failed, N skipped".
set -u
top=$(pwd)
q=${SEVQEMU:-./sevqemu}
t=$top/build/measure-test
ref="python3 $top/tests/measure/ref.py"
mkfw="python3 $top/tests/measure/mkfw.py"
fake=$top/tests/measure/fake_qmp.py
ovmf=/usr/share/OVMF/OVMF_CODE_4M.fd
rm -rf "$t"
mkdir -p "$t"
pass=0 fail=0 skip=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
no() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
skipped() { echo "skip $1: $2"; skip=$((skip + 1)); }

# xml FILE LAUNCH OS-EXTRA [CPU] [VCPU]: a domain around those pieces.
xml() {
	cat >"$1" <<EOF2
<domain type='kvm'>
  <name>m</name>
  <memory unit='MiB'>512</memory>
  ${5:-<vcpu>1</vcpu>}
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    $3
  </os>
  <features><acpi/></features>
  ${4:-}
  $2
</domain>
EOF2
}
sev() { echo "<launchSecurity type='sev'${2:-}><cbitpos>47</cbitpos><reducedPhysBits>1</reducedPhysBits><policy>$1</policy></launchSecurity>"; }
snp() { echo "<launchSecurity type='sev-snp'$1><cbitpos>51</cbitpos><reducedPhysBits>1</reducedPhysBits><policy>0x30000</policy></launchSecurity>"; }
loader() { echo "<loader type='pflash' readonly='yes' stateless='yes'>$1</loader>"; }
rom() { echo "<loader type='rom'>$1</loader>"; }
cpu() { echo "<cpu mode='custom'><model>$1</model></cpu>"; }

# same NAME WANT COMMAND...: stdout's first line equals WANT, status 0.
same() {
	name=$1 want=$2
	shift 2
	got=$("$@" 2>"$t/err" | head -n 1)
	if [ "$got" = "$want" ] && [ -n "$want" ]; then ok "$name"
	else no "$name" "got '$got', want '$want' ($(head -n 1 "$t/err"))"; fi
}

# bad NAME STATUS TEXT COMMAND...: exits STATUS, prints nothing on
# stdout, and its first error line starts "sevqemu: " and holds TEXT.
bad() {
	name=$1 want=$2 text=$3
	shift 3
	"$@" >"$t/out" 2>"$t/err"
	status=$?
	line=$(grep -v -e ': warning: ' -e ': note: ' "$t/err" | head -n 1)
	if [ "$status" != "$want" ]; then no "$name" "status $status, want $want ($line)"
	elif [ -s "$t/out" ]; then no "$name" "printed on stdout: $(head -n 1 "$t/out")"
	else case $line in
		"sevqemu: "*"$text"*) ok "$name" ;;
		*) no "$name" "message '$line' lacks '$text'" ;;
	esac; fi
}

# --- inputs ---------------------------------------------------------------
head -c 300000 /dev/urandom >"$t/kernel"
head -c 70000 /dev/urandom >"$t/initrd"
head -c 16 /dev/urandom >"$t/vm_tik.bin"
head -c 16 /dev/urandom >"$t/vm_tek.bin"
cat "$t/vm_tek.bin" "$t/vm_tik.bin" >"$t/vm.tk"
printf 'correct horse battery staple' >"$t/luks"
printf '\000\001binary\377' >"$t/blob"
# The images, in one start-up of mkfw.py: SEV/SEV-ES (hash table, reset
# block, secret area); SNP (also the metadata, every section type); and
# the broken ones.
snp_sections="--section 0x800000:0x3000:1 --section 0x803000:0x1000:2 \
	--section 0x804000:0x1000:3 --section 0x805000:0x1000:4 \
	--section 0x80c000:0x1000:0x10"
cat >"$t/images" <<EOF2
$t/sev.fd --size 0x40000 --seed 2 --reset 0xffff1000 --hashes 0x80c00:0x400 --secret 0x80000:0x1000
$t/snp.fd --size 0x40000 --seed 3 --reset 0xffff1000 --hashes 0x80c00:0x400 --secret 0x80000:0x1000 $snp_sections
$t/plain.fd --size 0x10000 --no-table
$t/nohash.fd --size 0x10000 --reset 0xffff1000 --section 0x800000:0x1000:1
$t/nometa.fd --size 0x10000 --reset 0xffff1000 --hashes 0x80c00:0x400
$t/nokh.fd --size 0x10000 --reset 0xffff1000 --hashes 0x80c00:0x400 --section 0x800000:0x1000:1
$t/odd.fd --size 0x10100 --reset 0xffff1000 --section 0x800000:0x1000:1
$t/unaligned.fd --size 0x10000 --reset 0xffff1000 --section 0x800100:0x1000:1
$t/nosecret.fd --size 0x10000 --reset 0xffff1000
$t/small-secret.fd --size 0x10000 --reset 0xffff1000 --secret 0x80000:0x20
EOF2
for c in footer entry asev version; do
	echo "$t/bad-$c.fd --size 0x10000 --reset 0xffff1000 --section 0x800000:0x1000:1 --corrupt $c" >>"$t/images"
done
$mkfw --batch "$t/images" || no "mkfw.py" "could not write the images"
have_ovmf=no
[ -r "$ovmf" ] && have_ovmf=yes

# Every reference digest, in one start-up of ref.py; refval KEY reads one.
k=$t/kernel i=$t/initrd
{
	if [ $have_ovmf = yes ]; then
		echo "ovmf-es digest --fw $ovmf --mode sev-es --vcpus 4 --fms 23,1,2"
		echo "ovmf-es-legacy digest --fw $ovmf --mode sev-es --vcpus 4 --fms 23,1,2 --legacy"
		echo "ovmf-hp digest --fw $ovmf --mode sev-es --vcpus 2 --fms 25,17,1"
	fi
	echo "sev-k digest --fw $t/sev.fd --mode sev --kernel $k --initrd $i --cmdline 'console=ttyS0 root=/dev/vda1'"
	echo "es-k digest --fw $t/sev.fd --mode sev-es --vcpus 3 --fms 25,1,1 --kernel $k"
	echo "es-k-ds digest --fw $t/sev.fd --mode sev-es --vcpus 3 --fms 25,1,1 --kernel $k --features 0x20"
	echo "snp-k digest --fw $t/snp.fd --mode sev-snp --vcpus 4 --fms 25,17,0 --kernel $k --initrd $i --cmdline quiet"
	echo "snp-k-ds digest --fw $t/snp.fd --mode sev-snp --vcpus 4 --fms 25,17,0 --kernel $k --initrd $i --cmdline quiet --features 0x21"
	echo "snp digest --fw $t/snp.fd --mode sev-snp --vcpus 2 --fms 6,6,3"
	echo "attest digest --fw $t/sev.fd --mode sev-es --vcpus 2 --fms 23,49,0 --kernel $k --initrd $i --cmdline 'ro quiet'"
	echo "attest-nv digest --fw $t/sev.fd --mode sev-es --vcpus 2 --fms 23,49,0"
} >"$t/refs"
$ref batch "$t/refs" >"$t/ref-values" || no "ref.py" "could not compute the reference values"
refval() { sed -n "s/^$1 //p" "$t/ref-values"; }

# --- digests against the reference model ---------------------------------
if [ $have_ovmf = yes ]; then
	xml "$t/ovmf-sev.xml" "$(sev 0x1)" "$(loader $ovmf)"
	same "SEV, Debian OVMF: SHA-256 of the image" \
		"$(sha256sum "$ovmf" | cut -d' ' -f1)" $q measure "$t/ovmf-sev.xml"
	xml "$t/ovmf-es.xml" "$(sev 0x5)" "$(loader $ovmf)" "$(cpu EPYC-v4)" "<vcpu>4</vcpu>"
	same "SEV-ES, Debian OVMF, 4 vCPUs, EPYC-v4" \
		"$(refval ovmf-es)" \
		$q measure "$t/ovmf-es.xml"
	same "SEV-ES, Debian OVMF, --vmsa-init=legacy" \
		"$(refval ovmf-es-legacy)" \
		$q measure --vmsa-init=legacy "$t/ovmf-es.xml"
	xml "$t/ovmf-hp.xml" "$(sev 0x5)" "$(loader $ovmf)" "<cpu mode='host-passthrough'/>" \
		"<vcpu current='2'>8</vcpu>"
	same "SEV-ES, host-passthrough with --vcpu-*, 2 of 8 vCPUs at boot" \
		"$(refval ovmf-hp)" \
		$q measure --vcpu-family 25 --vcpu-model 0x11 --vcpu-stepping 1 "$t/ovmf-hp.xml"
else
	skipped "Debian OVMF cases" "$ovmf is not installed (Debian: ovmf)"
fi
xml "$t/sev-k.xml" "$(sev 0x1 " kernelHashes='yes'")" \
	"$(loader "$t/sev.fd")<kernel>$t/kernel</kernel><initrd>$t/initrd</initrd><cmdline>console=ttyS0 root=/dev/vda1</cmdline>"
same "SEV with kernel, initrd and command line hashed" \
	"$(refval sev-k)" \
	$q measure "$t/sev-k.xml"
xml "$t/es-k.xml" "$(sev 0x5 " kernelHashes='yes'")" \
	"$(loader "$t/sev.fd")<kernel>$t/kernel</kernel>" "$(cpu EPYC-Milan-v2)" "<vcpu>3</vcpu>"
same "SEV-ES with a kernel alone (initrd and command line empty)" \
	"$(refval es-k)" \
	$q measure "$t/es-k.xml"
same "SEV-ES, --guest-features 0x20 (DebugSwap)" \
	"$(refval es-k-ds)" \
	$q measure --guest-features 0x20 "$t/es-k.xml"
xml "$t/snp-k.xml" "$(snp " kernelHashes='yes'")" \
	"$(rom "$t/snp.fd")<kernel>$t/kernel</kernel><initrd>$t/initrd</initrd><cmdline>quiet</cmdline>" \
	"$(cpu EPYC-Genoa)" "<vcpu>4</vcpu>"
same "SEV-SNP with kernel hashes, every section type, EPYC-Genoa" \
	"$(refval snp-k)" \
	$q measure "$t/snp-k.xml"
same "SEV-SNP, --guest-features 0x21" \
	"$(refval snp-k-ds)" \
	$q measure --guest-features 0x21 "$t/snp-k.xml"
xml "$t/snp.xml" "$(snp '')" "$(rom "$t/snp.fd")" "" "<vcpu>2</vcpu>"
same "SEV-SNP without a kernel: the hashes page is zero pages; qemu64 by default" \
	"$(refval snp)" \
	$q measure "$t/snp.xml"
same "SEV-SNP, --firmware instead of <loader>" \
	"$(refval snp)" \
	$q measure --firmware "$t/snp.fd" "$t/snp.xml"
same "- reads the XML from standard input" \
	"$(refval snp)" \
	sh -c "$q measure - <'$t/snp.xml'"
out=$($q measure "$t/snp-k.xml" 2>/dev/null | head -n 1)
case $out in
	*[!0-9a-f]*|'') no "SNP digest is lower-case hex" "$out" ;;
	*) [ ${#out} = 96 ] && ok "SNP digest is 96 hex digits" || no "SNP digest length" "$out" ;;
esac

# The expected query-sev-launch-measure value.
nonce=00112233445566778899aabbccddeeff
digest=$($q measure "$t/es-k.xml" 2>/dev/null)
want=$($ref launch --tik "$t/vm_tik.bin" --api 1.51.3 --policy 0x5 --digest "$digest" --nonce $nonce)
got=$($q measure --tik "$t/vm_tik.bin" --nonce $nonce --api-major 1 --api-minor 51 --build-id 3 "$t/es-k.xml" 2>/dev/null | sed -n 2p)
[ "$got" = "$want" ] && ok "--tik: the expected launch measurement" || no "--tik" "got '$got', want '$want'"
got=$($q measure --tk "$t/vm.tk" --nonce 0x$nonce --api-major 1 --api-minor 51 --build-id 3 "$t/es-k.xml" 2>/dev/null | sed -n 2p)
[ "$got" = "$want" ] && ok "--tk: the TIK is its second half" || no "--tk" "got '$got', want '$want'"

# JSON: the inputs and values, checked with Python.
$q measure -f json --tik "$t/vm_tik.bin" --nonce $nonce --api-major 1 --api-minor 51 \
	--build-id 3 "$t/es-k.xml" >"$t/m.json" 2>/dev/null
python3 - "$t/m.json" "$t" "$digest" "$want" <<'EOF2'
import hashlib, json, sys
doc = json.load(open(sys.argv[1]))
t = sys.argv[2]
sha = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
i = doc["inputs"]
assert doc["mode"] == "sev-es" and doc["digest"] == sys.argv[3]
assert i["firmware"] == {"path": t + "/sev.fd", "bytes": 0x40000, "sha256": sha(t + "/sev.fd")}
assert i["kernel"]["sha256"] == sha(t + "/kernel") and i["initrd"] is None
assert i["cmdline"] == {"text": None, "sha256": hashlib.sha256(b"\0").hexdigest()}
assert i["vcpus"] == 3 and i["signature"]["value"] == "0xa00f11"
assert i["signature"]["from"] == "EPYC-Milan-v2" and i["guest_features"] == "0x0"
assert i["vmsa_init"] == "init2" and i["policy"] == "0x5"
assert doc["launch_measure"]["measurement"] == sys.argv[4]
EOF2
[ $? = 0 ] && ok "-f json: mode, inputs with SHA-256, values" || no "-f json" "see above"
$q measure -v --vmsa-init legacy "$t/es-k.xml" >/dev/null 2>"$t/err"
grep -q 'legacy KVM_SEV_INIT' "$t/err" && ok "-v says which save-area state" || no "-v legacy" "$(cat "$t/err")"
$q measure "$t/sev-k.xml" >/dev/null 2>"$t/err"
[ ! -s "$t/err" ] && ok "a measured kernel gives no warning" || no "quiet kernel" "$(cat "$t/err")"
xml "$t/nokh.xml" "$(sev 0x1)" "$(loader "$t/sev.fd")<kernel>$t/kernel</kernel>"
$q measure "$t/nokh.xml" >/dev/null 2>"$t/err"
grep -q "warning: the kernel, initrd and command line are not measured" "$t/err" \
	&& ok "an unmeasured kernel is warned about" || no "unmeasured kernel warning" "$(cat "$t/err")"

# --- error paths ------------------------------------------------------------
xml "$t/none.xml" "" "$(loader "$t/sev.fd")"
bad "no launch security: 69" 69 "has no launch security" $q measure "$t/none.xml"
xml "$t/e1.xml" "$(sev 0x5)" "$(loader "$t/plain.fd")" "$(cpu EPYC)"
bad "SEV-ES firmware without a reset block: 65" 65 "has no SEV-ES reset block" $q measure "$t/e1.xml"
xml "$t/e2.xml" "$(sev 0x1 " kernelHashes='yes'")" "$(loader "$t/nohash.fd")<kernel>$t/kernel</kernel>"
bad "kernelHashes, firmware without a hash table: 65" 65 "has no SEV hash table" $q measure "$t/e2.xml"
if [ $have_ovmf = yes ]; then
	xml "$t/e3.xml" "$(sev 0x1 " kernelHashes='yes'")" "$(loader $ovmf)<kernel>$t/kernel</kernel>"
	bad "kernelHashes, Debian OVMF (hash table area 0): 65" 65 "hash table area QEMU refuses (base 0x0, 0 bytes)" $q measure "$t/e3.xml"
fi
xml "$t/e4.xml" "$(snp '')" "$(rom "$t/nometa.fd")"
bad "SNP firmware without SEV metadata: 65" 65 "has no SEV metadata" $q measure "$t/e4.xml"
xml "$t/e5.xml" "$(snp " kernelHashes='yes'")" "$(rom "$t/nokh.fd")<kernel>$t/kernel</kernel>"
bad "SNP kernelHashes without a kernel-hashes section: 65" 65 "has no kernel-hashes section" $q measure "$t/e5.xml"
xml "$t/e6.xml" "$(snp '')" "$(rom "$t/odd.fd")"
bad "SNP firmware not whole pages: 65" 65 "is not a whole number of 4 KiB pages" $q measure "$t/e6.xml"
xml "$t/e7.xml" "$(snp '')" "$(rom "$t/unaligned.fd")"
bad "SNP metadata section not page-aligned: 65" 65 "section that is not whole 4 KiB pages" $q measure "$t/e7.xml"
for c in footer entry asev version; do
	xml "$t/c-$c.xml" "$(snp '')" "$(rom "$t/bad-$c.fd")"
done
bad "GUID table longer than the image: 65" 65 "GUID table length runs out" $q measure "$t/c-footer.xml"
bad "GUID table entry longer than the table: 65" 65 "entry whose length runs out" $q measure "$t/c-entry.xml"
bad "metadata without ASEV: 65" 65 "lacks its \"ASEV\" signature" $q measure "$t/c-asev.xml"
bad "metadata version 2: 65" 65 "version other than 1" $q measure "$t/c-version.xml"
xml "$t/e8.xml" "$(sev 0x1)" "$(loader "$t/missing.fd")"
bad "missing firmware: 66" 66 "missing.fd: cannot read the firmware" $q measure "$t/e8.xml"
xml "$t/e9.xml" "$(sev 0x1)" "$(loader "$t")"
bad "firmware is a directory: 66" 66 "is a directory; expected the firmware file" $q measure "$t/e9.xml"
xml "$t/e10.xml" "$(sev 0x1 " kernelHashes='yes'")" "$(loader "$t/sev.fd")<kernel>$t/nokernel</kernel>"
bad "missing kernel: 66" 66 "nokernel: cannot read the kernel" $q measure "$t/e10.xml"
xml "$t/e11.xml" "$(sev 0x1 " kernelHashes='yes'")" "$(loader "$t/sev.fd")<kernel>$t/kernel</kernel><initrd>$t/noinitrd</initrd>"
bad "missing initrd: 66" 66 "noinitrd: cannot read the initrd" $q measure "$t/e11.xml"
bad "missing XML: 66" 66 "" $q measure "$t/nothere.xml"
xml "$t/e12.xml" "$(sev 0x5)" "$(loader "$t/sev.fd")" "<cpu mode='host-passthrough'/>"
bad "SEV-ES host-passthrough without --vcpu-*: 64" 64 "<cpu>: mode='host-passthrough' takes the host's CPU signature" $q measure "$t/e12.xml"
xml "$t/e13.xml" "$(sev 0x5)" "$(loader "$t/sev.fd")" "$(cpu Skylake-Server)"
bad "unknown CPU model: 64" 64 "'Skylake-Server' has no CPU signature" $q measure "$t/e13.xml"
xml "$t/e14.xml" "$(sev 0x1)" ""
bad "no <loader> and no --firmware: 64" 64 "give --firmware FILE" $q measure "$t/e14.xml"
bad "--vcpu-family alone: 64" 64 "go together" $q measure --vcpu-family 25 "$t/es-k.xml"
bad "--vcpu-model over 255: 64" 64 "--vcpu-model '256' is not a number from 0 to 255" $q measure --vcpu-model 256 "$t/es-k.xml"
bad "SNP --guest-features without SNPActive: 64" 64 "clears bit 0 (SNPActive)" $q measure --guest-features 0x20 "$t/snp.xml"
bad "SEV-ES --guest-features with SNPActive: 64" 64 "sets bit 0 (SNPActive)" $q measure --guest-features 1 "$t/es-k.xml"
bad "--guest-features not hex: 64" 64 "is not hexadecimal" $q measure --guest-features zz "$t/snp.xml"
bad "--vmsa-init bogus: 64" 64 "--vmsa-init 'init3' is not a choice" $q measure --vmsa-init init3 "$t/snp.xml"
bad "--format bogus: 64" 64 "--format 'yaml' is not a format" $q measure -f yaml "$t/snp.xml"
bad "unknown option: 64" 64 "unknown option '--bogus'" $q measure --bogus "$t/snp.xml"
bad "two XML files: 64" 64 "unexpected argument" $q measure "$t/snp.xml" "$t/snp.xml"
bad "--tik without --nonce: 64" 64 "go together" $q measure --tik "$t/vm_tik.bin" "$t/es-k.xml"
bad "--tik with SNP: 64" 64 "SEV-SNP has no LAUNCH_MEASURE" $q measure --tik "$t/vm_tik.bin" \
	--nonce $nonce --api-major 1 --api-minor 0 --build-id 0 "$t/snp.xml"
bad "--nonce not 16 bytes: 64" 64 "is not 16 bytes in hex" $q measure --tik "$t/vm_tik.bin" \
	--nonce abcd --api-major 1 --api-minor 0 --build-id 0 "$t/es-k.xml"
bad "TIK file of 32 bytes: 65" 65 "the TIK file holds 32 bytes; expected exactly 16" $q measure --tik "$t/vm.tk" \
	--nonce $nonce --api-major 1 --api-minor 0 --build-id 0 "$t/es-k.xml"
bad "missing TIK: 66" 66 "cannot read the TIK" $q measure --tik "$t/none.bin" \
	--nonce $nonce --api-major 1 --api-minor 0 --build-id 0 "$t/es-k.xml"

# --- attest against the fake QMP server ------------------------------------
if python3 -c 'import cryptography' 2>/dev/null; then
	have_crypto=yes
else
	have_crypto=no
	skipped "attest cases" "python3-cryptography is missing (Debian: python3-cryptography)"
fi
sock=$t/qmp.sock
# The scenarios the fake plays, one per attest run below, in order.
good=$(refval attest)
cat >"$t/scenarios.json" <<EOF2
[
 {"digest": "$good", "policy": 7, "expect": ["luks-key=$t/luks", "0b5dbaf2-d7ae-4d9b-9ff9-6a2c5c4c2a0e=$t/blob"]},
 {"digest": "$(printf '%064d' 0)", "policy": 7},
 {"digest": "$good", "policy": 5},
 {"digest": "$good", "policy": 7, "expect": ["luks-key=$t/luks"]},
 {"digest": "$good", "policy": 7},
 {"digest": "$good", "policy": 7, "state": "running"},
 {"digest": "$good", "policy": 7, "sev_type": "sev-snp"},
 {"digest": "$(refval attest-nv)", "policy": 7}
]
EOF2
mkdir -p "$t/logs"
# served N: waits until the fake has logged its Nth client.
served() {
	n=0
	while [ ! -f "$t/logs/$1.json" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
}
# logged N PYTHON-EXPRESSION: the fake's log of client N passes the check.
logged() {
	served "$1"
	python3 -c "import json,sys; l=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$t/logs/$1.json"
}

if [ $have_crypto = yes ]; then
	rm -f "$sock"
	python3 "$fake" --socket "$sock" --tik "$t/vm_tik.bin" --tek "$t/vm_tek.bin" \
		--scenarios "$t/scenarios.json" --logdir "$t/logs" &
	fake_pid=$!
	n=0
	while [ ! -S "$sock" ] && [ $n -lt 400 ]; do sleep 0.05; n=$((n + 1)); done
	xml "$t/a.xml" "$(sev 0x7 " kernelHashes='yes'")" \
		"$(loader "$t/sev.fd")<kernel>$t/kernel</kernel><initrd>$t/initrd</initrd><cmdline>ro quiet</cmdline>" \
		"$(cpu EPYC-Rome)" "<vcpu>2</vcpu>"

	$q attest --qmp "$sock" --tik "$t/vm_tik.bin" --tek "$t/vm_tek.bin" \
		--secret luks-key="$t/luks" --secret 0B5DBAF2-D7AE-4D9B-9FF9-6A2C5C4C2A0E="$t/blob" \
		"$t/a.xml" >"$t/out" 2>"$t/err"
	status=$?
	[ $status = 0 ] && ok "attest: the right measurement exits 0" || no "attest match" "status $status: $(cat "$t/err")"
	logged 1 'l["injected"] and l["secret_ok"] and l["resumed"] and l["error"] is None' \
		&& ok "attest: the secret decrypts with the TEK, verifies with the TIK; then cont" \
		|| no "attest secret" "$(cat "$t/logs/1.json")"
	grep -q '^resumed$' "$t/out" && ok "attest: says it resumed the guest" || no "attest output" "$(cat "$t/out")"
	if grep -qF "$(cat "$t/luks")" "$t/out" "$t/err"; then no "attest: secrets never printed" "found in output"
	else ok "attest: secrets never printed"; fi

	bad "attest: a wrong measurement exits 1" 1 "does not match this XML: nothing was injected" \
		$q attest --qmp "$sock" --tk "$t/vm.tk" --secret luks-key="$t/luks" "$t/a.xml"
	logged 2 'not l["injected"] and not l["resumed"] and "sev-inject-launch-secret" not in l["commands"]' \
		&& ok "attest: a mismatch injects nothing and leaves the guest paused" \
		|| no "attest mismatch" "$(cat "$t/logs/2.json")"
	grep -q "firmware $t/sev.fd (262144 bytes, sha256 " "$t/err" \
		&& ok "attest: a mismatch says which inputs were used" || no "attest mismatch inputs" "$(cat "$t/err")"

	bad "attest: a policy other than the XML's is a mismatch" 1 "does not match" \
		$q attest --qmp "$sock" --tk "$t/vm.tk" "$t/a.xml"
	served 3
	grep -q "policy 0x5 (not the XML's)" "$t/err" && ok "attest: says the policy differs" || no "attest policy" "$(cat "$t/err")"

	$q attest --no-cont --qmp "$sock" --tk "$t/vm.tk" --secret luks-key="$t/luks" "$t/a.xml" >/dev/null 2>&1
	status=$?
	[ $status = 0 ] && logged 4 'l["secret_ok"] and not l["resumed"]' \
		&& ok "attest --no-cont: injects, leaves the guest paused" || no "--no-cont" "$status $(cat "$t/logs/4.json")"

	$q attest -q --qmp "$sock" --tik "$t/vm_tik.bin" "$t/a.xml" >"$t/out" 2>&1
	status=$?
	[ $status = 0 ] && [ ! -s "$t/out" ] && logged 5 'not l["injected"] and l["resumed"]' \
		&& ok "attest without secrets: checks, resumes; -q prints nothing" || no "attest no secret" "$status $(cat "$t/out")"

	bad "attest: a running guest: 69" 69 "is in state 'running', not 'launch-secret'" \
		$q attest --qmp "$sock" --tk "$t/vm.tk" "$t/a.xml"
	served 6
	bad "attest: QEMU reports SNP: 69" 69 "reports an sev-snp guest" \
		$q attest --qmp "$sock" --tk "$t/vm.tk" "$t/a.xml"
	served 7
	xml "$t/a-nv.xml" "$(sev 0x7)" "<loader type='pflash' readonly='yes'>$t/sev.fd</loader><nvram>$t/VARS.fd</nvram>" "$(cpu EPYC-Rome)" "<vcpu>2</vcpu>"
	$q attest --insecure --qmp "$sock" --tk "$t/vm.tk" "$t/a-nv.xml" >/dev/null 2>"$t/err"
	status=$?
	[ $status = 0 ] && grep -q "warning: the NVRAM is outside the measurement (--insecure)" "$t/err" \
		&& ok "attest --insecure: an NVRAM guest is attested with a warning" || no "--insecure" "$status $(cat "$t/err")"
	served 8
	kill "$fake_pid" 2>/dev/null
	wait "$fake_pid" 2>/dev/null
else
	xml "$t/a.xml" "$(sev 0x7)" "$(loader "$t/sev.fd")" "$(cpu EPYC-Rome)"
	xml "$t/a-nv.xml" "$(sev 0x7)" "<loader type='pflash' readonly='yes'>$t/sev.fd</loader><nvram>$t/VARS.fd</nvram>"
fi
bad "attest: no QMP socket there: 69" 69 "cannot connect to QMP" \
	$q attest --qmp "$t/nosock" --tk "$t/vm.tk" "$t/a.xml"
bad "attest: an NVRAM guest: 69" 69 "has an NVRAM (pflash VARS)" \
	$q attest --qmp "$sock" --tk "$t/vm.tk" "$t/a-nv.xml"
bad "attest: SNP: 69" 69 "SEV-SNP has no launch measurement to read over QMP" \
	$q attest --qmp "$sock" --tk "$t/vm.tk" "$t/snp.xml"
bad "attest: an unmeasured kernel: 69" 69 "boots a kernel that is not measured" \
	$q attest --qmp "$sock" --tk "$t/vm.tk" "$t/nokh.xml"
bad "attest: no --qmp: 64" 64 "--qmp PATH is needed" $q attest --tk "$t/vm.tk" "$t/a.xml"
bad "attest: no keys: 64" 64 "no keys" $q attest --qmp "$sock" "$t/a.xml"
bad "attest: --tk with --tik: 64" 64 "--tk excludes" $q attest --qmp "$sock" --tk "$t/vm.tk" --tik "$t/vm_tik.bin" "$t/a.xml"
bad "attest: --secret without the TEK: 64" 64 "--secret needs the TEK" \
	$q attest --qmp "$sock" --tik "$t/vm_tik.bin" --secret luks-key="$t/luks" "$t/a.xml"
bad "attest: --secret without =FILE: 64" 64 "is not GUID=FILE" \
	$q attest --qmp "$sock" --tk "$t/vm.tk" --secret luks-key "$t/a.xml"
bad "attest: --secret with a bad GUID: 64" 64 "'1234' is not a GUID" \
	$q attest --qmp "$sock" --tk "$t/vm.tk" --secret 1234="$t/luks" "$t/a.xml"
bad "attest: a GUID given twice: 64" 64 "gives the GUID of 'luks-key=" \
	$q attest --qmp "$sock" --tk "$t/vm.tk" --secret luks-key="$t/luks" \
	--secret 736869e5-84f0-4973-92ec-06879ce3da0b="$t/blob" "$t/a.xml"
bad "attest: a missing secret file: 66" 66 "cannot read the secret" \
	$q attest --qmp "$sock" --tk "$t/vm.tk" --secret luks-key="$t/nosecret" "$t/a.xml"
: >"$t/empty"
bad "attest: an empty secret file: 65" 65 "the secret is empty" \
	$q attest --qmp "$sock" --tk "$t/vm.tk" --secret luks-key="$t/empty" "$t/a.xml"
bad "attest: a TK file of 16 bytes: 65" 65 "holds 16 bytes; expected exactly 32" \
	$q attest --qmp "$sock" --tk "$t/vm_tik.bin" "$t/a.xml"
xml "$t/a-ns.xml" "$(sev 0x7)" "$(loader "$t/nosecret.fd")" "$(cpu EPYC-Rome)"
bad "attest: --secret, firmware without a secret area: 65" 65 "has no SEV secret area" \
	$q attest --qmp "$sock" --tk "$t/vm.tk" --secret luks-key="$t/luks" "$t/a-ns.xml"
xml "$t/a-ss.xml" "$(sev 0x7)" "$(loader "$t/small-secret.fd")" "$(cpu EPYC-Rome)"
bad "attest: a secret table larger than the area: 65" 65 "secret area of 32 bytes; the secret table of 80 bytes does not fit" \
	$q attest --qmp "$sock" --tk "$t/vm.tk" --secret luks-key="$t/luks" "$t/a-ss.xml"

echo "measure: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
