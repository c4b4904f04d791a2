#!/bin/sh
# The trust rules (act/trust.h) where testdata/bad/trust-*.xml cannot go:
# a FIFO for a template, emulators in places made here, symbolic links,
# and what --trust-xml, --nvram-dir and --emulator change.  Each refusal
# must be 77 with its message, quickly (a FIFO must not hang it), with
# nothing written and nothing run, and --dry-run must end as the real run.
# Run from the repository root after `make build/sevqemu-test` (--exec
# needs the test build's host root).  SEVQEMU_HOOKS_BIN=path runs another.
set -u
top=$(pwd)
q=${SEVQEMU_HOOKS_BIN:-build/sevqemu-test}
case $q in /*) ;; *) q=$top/$q ;; esac
# The emulator checks walk the whole path up to /: a checkout under a
# directory others may write (/tmp) would trip them before the directories
# made here.  Then the scratch goes where only root writes.
writable_ancestor() {
	d=$top
	while [ "$d" != / ]; do
		case $(stat -c %A "$d") in ?????w????|????????w?) return 0 ;; esac
		d=$(dirname "$d")
	done
	return 1
}
t=$top/build/trust
if writable_ancestor; then
	t=/run/sevqemu-trust-test
	trap 'rm -rf "$t"' EXIT
fi
rm -rf "$t"
mkdir -p "$t/nv" "$t/out"
pass=0 fail=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
no() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

# A host with SEV ready, for --exec (the pre-flight reads it).
h=$t/host
mkdir -p "$h/dev" "$h/sys/module/kvm_amd/parameters" "$h/proc/self"
: >"$h/dev/sev"
echo Y >"$h/sys/module/kvm_amd/parameters/sev"
printf 'CapEff:\t0000003fffffffff\n' >"$h/proc/self/status"
SEVQEMU_TEST_HOST_ROOT=$h
export SEVQEMU_TEST_HOST_ROOT

# guest NAME SED...: testdata/demo.xml, its nvram in $t/nv, edited further.
guest() {
	n=$1
	shift
	sed -e "s|/var/lib/sevqemu/demo-sev_VARS.fd|$t/nv/$n/VARS.fd|" "$@" \
		testdata/demo.xml >"$t/$n.xml"
}

# An emulator that leaves a mark when it runs.
emulator() { # PATH
	mkdir -p "$(dirname "$1")"
	printf '#!/bin/sh\n: >"%s"\n' "$t/ran" >"$1"
	chmod 0755 "$1"
}

# refuse NAME LINE_ERE ARGS...: 77 with a stderr line matching LINE_ERE,
# as a dry run (unless --exec is among ARGS) and as a real run, each within
# 5 s, with no state dir, no nvram and no emulator run.
refuse() {
	name=$1 msg=$2
	shift 2
	why=
	for mode in -n real; do
		case " $* " in *" -x "*) [ $mode = -n ] && continue ;; esac
		rm -rf "$t/st-$name" "$t/nv/$name" "$t/ran"
		if [ $mode = -n ]; then m=-n; else m=; fi
		# shellcheck disable=SC2086 # m is one word or none
		timeout 5 "$q" -q $m --nvram-dir "$t/nv" -d "$t/st-$name" "$@" \
			</dev/null >"$t/out/$name.out" 2>"$t/out/$name.err"
		status=$?
		[ $status = 77 ] || why="$why $mode: exit $status (want 77);"
		grep -Eq -- "$msg" "$t/out/$name.err" ||
			why="$why $mode: no /$msg/ in: $(head -c 300 "$t/out/$name.err");"
		[ ! -s "$t/out/$name.out" ] || why="$why $mode: stdout not empty;"
		[ ! -e "$t/st-$name" ] || why="$why $mode: state dir written;"
		[ ! -e "$t/nv/$name" ] || why="$why $mode: nvram written;"
		[ ! -e "$t/ran" ] || why="$why $mode: the emulator ran;"
	done
	if [ -z "$why" ]; then ok "$name"; else no "$name" "$why"; fi
}

# allow NAME ARGS...: a real run that must succeed.
allow() {
	name=$1
	shift
	rm -rf "$t/st-$name" "$t/ran"
	timeout 5 "$q" -q --nvram-dir "$t/nv" -d "$t/st-$name" "$@" \
		</dev/null >"$t/out/$name.out" 2>"$t/out/$name.err"
	status=$?
	if [ $status = 0 ]; then ok "$name"; else no "$name" "exit $status: $(head -c 300 "$t/out/$name.err")"; fi
}

# --- templates: a regular file of at most 64 MiB, whatever --trust-xml says --
mkfifo "$t/fifo"
guest fifo -e "s|template='[^']*'|template='$t/fifo'|"
refuse template-fifo "$t/fifo: is a FIFO, not a regular file" "$t/fifo.xml"
refuse template-fifo-trusted "$t/fifo: is a FIFO" --trust-xml "$t/fifo.xml"
guest zero -e "s|template='[^']*'|template='/dev/zero'|"
refuse template-dev-zero-trusted "/dev/zero: is a device" --trust-xml "$t/zero.xml"
truncate -s 65M "$t/huge.fd"
guest huge -e "s|template='[^']*'|template='$t/huge.fd'|"
refuse template-too-big "$t/huge.fd: is too big" "$t/huge.xml"
ln -s /usr/share/OVMF/OVMF_VARS_4M.fd "$t/vars-link.fd"
guest tlink -e "s|template='[^']*'|template='$t/vars-link.fd'|"
refuse template-symlink "$t/vars-link.fd: is a symbolic link" "$t/tlink.xml"

# --- nvram: under the nvram directory or in the state dir -------------------
guest outside -e "s|$t/nv/outside/VARS.fd|$t/elsewhere/VARS.fd|"
refuse nvram-outside "is outside the nvram directory $t/nv and the state dir $t/st-nvram-outside" "$t/outside.xml"
[ ! -e "$t/elsewhere" ] && ok "nvram-outside: its directory was not made" || no "nvram-outside" "$t/elsewhere made"
mkdir -p "$t/real-place"
ln -s "$t/real-place" "$t/nv/linked"
guest linked   # its nvram: $t/nv/linked/VARS.fd, through the link
refuse nvram-through-link "goes through the symbolic link $t/nv/linked" "$t/linked.xml"
[ -z "$(ls -A "$t/real-place")" ] && ok "nvram-through-link: nothing written there" || no "nvram-through-link" "written through the link"
guest deep
allow nvram-in-a-new-subdirectory "$t/deep.xml"
cmp -s "$t/nv/deep/VARS.fd" /usr/share/OVMF/OVMF_VARS_4M.fd && ok "nvram made in its new directory" ||
	no "nvram made in its new directory" "missing or different"
guest instate -e "s|$t/nv/instate/VARS.fd|$t/st-nvram-in-state-dir/VARS.fd|"
allow nvram-in-state-dir "$t/instate.xml"
guest trusted -e "s|$t/nv/trusted/VARS.fd|$t/elsewhere2/VARS.fd|"
allow nvram-anywhere-with-trust-xml --trust-xml "$t/trusted.xml"
[ -f "$t/elsewhere2/VARS.fd" ] && ok "--trust-xml: nvram made where the XML says" || no "--trust-xml nvram" "not made"

# --- emulators: only from places nobody else can change ----------------------
mkdir -m 0775 "$t/gw"
emulator "$t/gw/qemu"
chmod 0775 "$t/gw"
guest gw -e "s|<emulator>[^<]*</emulator>|<emulator>$t/gw/qemu</emulator>|"
refuse emulator-group-writable-dir "$t/gw is writable by its group \\(mode 0775\\)" -x "$t/gw.xml"
refuse emulator-group-writable-dir-probe "$t/gw is writable by its group" --probe "$t/gw.xml"
# A virtiofsd the XML names (<binary path>) in that directory: not run either.
emulator "$t/gw/virtiofsd"
chmod 0775 "$t/gw"
sed -e "s|<binary path='/usr/lib/qemu/virtiofsd'|<binary path='$t/gw/virtiofsd'|" \
	testdata/fs-virtiofs.xml >"$t/fsgw.xml"
refuse virtiofsd-group-writable-dir "<filesystem>: <binary path='$t/gw/virtiofsd'>: $t/gw is writable by its group" "$t/fsgw.xml"
mkdir -p "$t/safe"
chmod 0755 "$t/safe"
ln -s "$t/gw/qemu" "$t/safe/qemu"
guest via -e "s|<emulator>[^<]*</emulator>|<emulator>$t/safe/qemu</emulator>|"
refuse emulator-link-into-writable-dir "$t/gw is writable by its group" -x "$t/via.xml"
emulator "$t/safe/theirs"
chown 65534 "$t/safe/theirs"
guest theirs -e "s|<emulator>[^<]*</emulator>|<emulator>$t/safe/theirs</emulator>|"
refuse emulator-owned-by-another "$t/safe/theirs belongs to uid 65534" -x "$t/theirs.xml"
guest ok-emu -e "s|<emulator>[^<]*</emulator>|<emulator>/bin/true</emulator>|"
allow emulator-in-a-safe-place -x "$t/ok-emu.xml"
allow emulator-operator-choice -x --emulator "$t/gw/qemu" "$t/gw.xml"
[ -e "$t/ran" ] && ok "--emulator: the operator's choice ran" || no "--emulator" "did not run"
allow emulator-with-trust-xml -x --trust-xml "$t/gw.xml"
[ -e "$t/ran" ] && ok "--trust-xml: the XML's emulator ran" || no "--trust-xml emulator" "did not run"
allow emulator-printed-not-run "$t/gw.xml"

# --- pass-through -------------------------------------------------------------
sed "s|/var/lib/sevqemu/qemu-commandline_VARS.fd|$t/nv/qc/VARS.fd|" testdata/qemu-commandline.xml >"$t/qc.xml"
refuse qemu-commandline "<qemu:commandline>: passes arguments and environment variables to QEMU as written" "$t/qc.xml"
allow qemu-commandline-with-trust-xml --trust-xml "$t/qc.xml"

echo "trust: $pass passed, $fail failed"
[ $fail = 0 ]
