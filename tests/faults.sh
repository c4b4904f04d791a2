#!/bin/sh
# make check-faults: the file set under crashes, concurrency and hostile
# machines (DESIGN §9, act/files.h).  Run from the repository root, as root
# (mounts), after `make sevqemu build/sevqemu-test`:
#
#   kill-9        kill -9 before every file system call of a run over an
#                 existing set (strace -e inject=SYSCALL:signal=KILL:when=N,
#                 every N of every call the run makes): the set must be
#                 whole-old or whole-new, and a rerun must leave no trace
#   kill-9-first  the same for a first launch that also makes the nvram
#   sigterm       SIGTERM (and SIGINT) injected at every write: the run
#                 rolls back itself, at once
#   parallel      launches of one guest at once, each with its own blobs,
#                 while a reader checks it never sees a missing or mixed
#                 pair; each launch exits 0 or 75
#   running       a second launch of a guest whose QEMU (a stand-in that
#                 sleeps) runs: 75, naming the pid, and nothing changes
#   mounts        the state dir and the nvram dir on a full tmpfs, on a
#                 read-only bind mount (enospc, erofs)
#   ulimit        a file size limit below a blob: 73, not SIGXFSZ's 153;
#                 a first launch failing so removes what it made
#   getrandom     getrandom(2) failing: the run still installs
#   stdout        standard output on /dev/full: 71, the files rolled back
#   template      a FIFO and /dev/zero as templates: 77, at once
#   exec-fail     an exec that fails over an old set puts it back
#
# FAULTS="NAME ..." runs only those (kill-9 kill-9-first sigterm sigint
# getrandom parallel running mounts ulimit stdout template exec-fail).
#
# What cannot run here (no root, no strace, no tmpfs) is counted as
# skipped.  Last line: "faults: N passed, N failed, N skipped".
set -u
top=$(pwd)
q=$top/${SEVQEMU:-sevqemu}
qh=$top/${SEVQEMU_HOOKS_BIN:-build/sevqemu-test}
t=$top/build/faults
pass=0 fail=0 skip=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
no() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
skipped() { echo "skip $1: $2"; skip=$((skip + 1)); }

mounted=
cleanup() {
	for m in $mounted; do umount "$m" 2>/dev/null; done
	mounted=
}
trap cleanup EXIT INT TERM
rm -rf "$t"
mkdir -p "$t"
root=false
[ "$(id -u)" = 0 ] && root=true
have_strace=false
command -v strace >/dev/null 2>&1 && have_strace=true

# Blob pairs: NAME.dh, NAME.se hold the canonical base64 and a newline,
# exactly what sevqemu writes, so a state file is compared with cmp.
pair() {
	head -c 2084 /dev/urandom | base64 -w0 >"$t/$1.dh"
	echo >>"$t/$1.dh"
	head -c 128 /dev/urandom | base64 -w0 >"$t/$1.se"
	echo >>"$t/$1.se"
}
pair A
pair B
# The guest: demo.xml, its nvram in NV (the nvram dir of every run here).
sed "s|/var/lib/sevqemu/demo-sev_VARS.fd|@NV@/demo_VARS.fd|" testdata/demo.xml >"$t/guest.in"
guest() { # NVDIR: writes $t/guest.xml
	sed "s|@NV@|$1|" "$t/guest.in" >"$t/guest.xml"
}
TEMPLATE=/usr/share/OVMF/OVMF_VARS_4M.fd

# launch STATE NVDIR PAIR [ARGS...]: a real run with PAIR's blobs.
launch() {
	st=$1 nv=$2 p=$3
	shift 3
	"$q" -q --nvram-dir "$nv" -d "$st" --dh-cert "$t/$p.dh" --session "$t/$p.se" "$@" "$t/guest.xml"
}

# set_is STATE: old (pair A), new (pair B), none, or what is wrong.
set_is() {
	st=$1
	dh=$st/dh_cert.base64 se=$st/session.base64
	if [ ! -e "$dh" ] && [ ! -e "$se" ]; then echo none; return; fi
	for p in A B; do
		if cmp -s "$dh" "$t/$p.dh" && cmp -s "$se" "$t/$p.se"; then
			[ $p = A ] && echo old || echo new
			return
		fi
	done
	echo "mixed-or-partial($(ls -A "$st" | tr '\n' ' '))"
}

# leftovers STATE NVDIR: what a finished run must not leave.
leftovers() {
	st=$1 nv=$2
	parent=$(dirname "$st")
	base=$(basename "$st")
	found=$(ls -A "$parent" 2>/dev/null | grep "^\.$base\.sevqemu-")
	[ -d "$st" ] && found="$found $(ls -A "$st" | grep '^\.')"
	[ -d "$nv" ] && found="$found $(ls -A "$nv" | grep '^\.')"
	echo $found
}

# nvram_ok NVDIR: absent, or a whole copy of the template.
nvram_ok() {
	[ ! -e "$1/demo_VARS.fd" ] || cmp -s "$1/demo_VARS.fd" "$TEMPLATE"
}

# --- kill -9 before every file system call ------------------------------------
# The calls a run makes, from a trace of one: NAME COUNT per line.  mmap and
# friends are the loader's, execve is before sevqemu exists.
calls() { # TRACE
	sed -n 's/^[0-9]* *\([a-z0-9_]*\)(.*/\1/p' "$1" |
		grep -vx 'mmap\|munmap\|mprotect\|brk\|execve' | sort | uniq -c |
		awk '{ print $2, $1 }'
}

kill9() { # NAME FIRST(yes/no)
	name=$1 first=$2
	d=$t/$name
	mkdir -p "$d"
	guest "$d/nv"
	prepare() {
		rm -rf "$d/st" "$d/nv" "$d/".st.*
		if [ "$first" = no ]; then
			launch "$d/st" "$d/nv" A >/dev/null 2>&1 ||
				{ no "$name" "could not make the old set"; return 1; }
		fi
	}
	prepare || return
	strace -f -qq -o "$d/trace" -e trace=%file,%desc \
		"$q" -q --nvram-dir "$d/nv" -d "$d/st" --dh-cert "$t/B.dh" \
		--session "$t/B.se" "$t/guest.xml" >/dev/null 2>&1
	calls "$d/trace" >"$d/calls"
	points=0 bad=
	want_before=old
	[ "$first" = yes ] && want_before=none
	while read -r call count; do
		n=1
		while [ $n -le "$count" ]; do
			prepare || return
			strace -f -qq -o /dev/null -e trace=%file,%desc \
				-e inject="$call":signal=KILL:when=$n \
				"$q" -q --nvram-dir "$d/nv" -d "$d/st" --dh-cert "$t/B.dh" \
				--session "$t/B.se" "$t/guest.xml" >/dev/null 2>&1
			got=$(set_is "$d/st")
			case $got in
			"$want_before" | new) ;;
			*) bad="$bad $call#$n:$got" ;;
			esac
			nvram_ok "$d/nv" || bad="$bad $call#$n:half-nvram"
			launch "$d/st" "$d/nv" B >/dev/null 2>"$d/rerun.err" ||
				bad="$bad $call#$n:rerun-failed($(head -c 120 "$d/rerun.err"))"
			[ "$(set_is "$d/st")" = new ] || bad="$bad $call#$n:rerun-not-new"
			left=$(leftovers "$d/st" "$d/nv")
			[ -z "$left" ] || bad="$bad $call#$n:left($left)"
			cmp -s "$d/nv/demo_VARS.fd" "$TEMPLATE" || bad="$bad $call#$n:nvram"
			points=$((points + 1))
			n=$((n + 1))
		done
	done <"$d/calls"
	if [ -z "$bad" ] && [ $points -gt 20 ]; then
		ok "$name: killed before each of $points calls ($(awk '{ printf "%s%s %s", s, $1, $2; s=", " }' "$d/calls")): whole-$want_before or whole-new, rerun clean"
	else
		no "$name" "$points kill points;$bad"
	fi
}


# --- SIGTERM and SIGINT before every call: the run undoes itself -----------
sigs() { # NAME SIGNAL
	name=$1 sig=$2
	d=$t/$name
	mkdir -p "$d"
	guest "$d/nv"
	rm -rf "$d/st" "$d/nv"
	launch "$d/st" "$d/nv" A >/dev/null 2>&1
	strace -f -qq -o "$d/trace" -e trace=%file,%desc \
		"$q" -q --nvram-dir "$d/nv" -d "$d/st" --dh-cert "$t/B.dh" \
		--session "$t/B.se" "$t/guest.xml" >/dev/null 2>&1
	launch "$d/st" "$d/nv" A >/dev/null 2>&1
	calls "$d/trace" >"$d/calls"
	bad= points=0 undone=0
	while read -r call count; do
		n=1
		while [ $n -le "$count" ]; do
			strace -f -qq -o /dev/null -e trace=%file,%desc \
				-e inject="$call":signal=$sig:when=$n \
				"$q" -q --nvram-dir "$d/nv" -d "$d/st" --dh-cert "$t/B.dh" \
				--session "$t/B.se" "$t/guest.xml" >/dev/null 2>"$d/err"
			status=$?
			got=$(set_is "$d/st")
			left=$(leftovers "$d/st" "$d/nv")
			if [ $status = 0 ]; then
				[ "$got" = new ] || bad="$bad $call#$n:exit-0-but-$got"
			elif [ $status -gt 128 ]; then
				# Before the commit: rolled back (and said so, once
				# the write phase had begun); after it: the new set.
				[ "$got" = old ] || [ "$got" = new ] || bad="$bad $call#$n:$got"
				! grep -q 'interrupted by signal' "$d/err" || [ "$got" = old ] ||
					bad="$bad $call#$n:said-interrupted-but-$got"
				grep -q 'interrupted by signal' "$d/err" && undone=$((undone + 1))
			else
				bad="$bad $call#$n:exit-$status"
			fi
			[ -z "$left" ] || bad="$bad $call#$n:left($left)"
			cmp -s "$d/nv/demo_VARS.fd" "$TEMPLATE" || bad="$bad $call#$n:nvram"
			# Back to the old set for the next point.
			[ "$got" = old ] || launch "$d/st" "$d/nv" A >/dev/null 2>&1
			points=$((points + 1))
			n=$((n + 1))
		done
	done <"$d/calls"
	if [ -z "$bad" ] && [ $undone -gt 0 ]; then
		ok "$name: SIG$sig before each of $points calls: whole-old or whole-new at once, with nothing left ($undone runs rolled back in the write phase)"
	else
		no "$name" "$points points, $undone rolled back;$bad"
	fi
}

# --- parallel launches and a reader --------------------------------------------
parallel_case() {
	# On a tmpfs (when root): its inode numbers are never reused soon, which the
	# reader's "was the state dir swapped meanwhile" test relies on.
	par=$t/parallel log=$t/parallel-log
	mkdir -p "$par" "$log"
	if $root && mount -t tmpfs -o size=64m tmpfs "$par" 2>/dev/null; then
		mounted="$mounted $par"
		where="a tmpfs"
	else
		where="$(stat -f -c %T "$par")"
	fi
	for i in 1 2 3 4 5 6 7 8; do pair "P$i"; done
	guest "$par/nv"
	python3 - "$par/st" "$t" >"$log/reader.out" 2>&1 <<'PY' &
import errno, os, sys, time
st, t = sys.argv[1], sys.argv[2]
pairs = {}
for i in range(1, 9):
    pairs[open('%s/P%d.dh' % (t, i), 'rb').read()] = i
    pairs[open('%s/P%d.se' % (t, i), 'rb').read()] = i
def ident(path):
    s = os.stat(path)
    return (s.st_dev, s.st_ino)
def read_at(dfd, name):
    fd = os.open(name, os.O_RDONLY, dir_fd=dfd)
    with os.fdopen(fd, 'rb') as f:
        return f.read()
def read(path):
    with open(path, 'rb') as f:
        return f.read()
reads = snap = missing = mixed = partial = 0
seen = False
open(t + '/reader.ready', 'w').close()
end = time.monotonic() + float(os.environ.get('READ_SECONDS', '8'))
while time.monotonic() < end and not os.path.exists(t + '/parallel.done'):
    # One look at the state dir, both files read through it.
    try:
        dfd = os.open(st, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        if seen:
            missing += 1
        continue
    try:
        dh, se = read_at(dfd, 'dh_cert.base64'), read_at(dfd, 'session.base64')
        seen = True
        snap += 1
        if dh not in pairs or se not in pairs:
            partial += 1
        elif pairs[dh] != pairs[se]:
            mixed += 1
    except FileNotFoundError:
        # Only a fault if that directory is still the state dir.
        s = os.fstat(dfd)
        if seen and (s.st_dev, s.st_ino) == ident(st):
            missing += 1
    finally:
        os.close(dfd)
    # The two paths on the command line, read one after the other.
    try:
        before = ident(st)
        dh = read(st + '/dh_cert.base64')
        se = read(st + '/session.base64')
        after = ident(st)
        reads += 1
        if dh not in pairs or se not in pairs:
            partial += 1
        elif pairs[dh] != pairs[se] and before == after:
            mixed += 1
    except FileNotFoundError:
        try:
            if seen and before == ident(st):
                missing += 1
        except FileNotFoundError:
            missing += seen
print(reads, snap, missing, mixed, partial)
PY
	reader=$!
	i=0
	while [ ! -e "$t/reader.ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	rounds=0 statuses= zero=0
	while [ $rounds -lt 20 ]; do
		pids=
		for i in 1 2 3 4 5 6 7 8; do
			launch "$par/st" "$par/nv" "P$i" >/dev/null 2>"$log/err.$rounds.$i" &
			pids="$pids $!"
		done
		for p in $pids; do
			wait "$p"
			s=$?
			[ $s = 0 ] && zero=$((zero + 1))
			case " $statuses " in *" $s "*) ;; *) statuses="$statuses $s" ;; esac
		done
		rounds=$((rounds + 1))
	done
	: >"$t/parallel.done"
	wait $reader
	read -r reads snaps missing mixed partial <"$log/reader.out" || true
	final=none
	for i in 1 2 3 4 5 6 7 8; do
		cmp -s "$par/st/dh_cert.base64" "$t/P$i.dh" && cmp -s "$par/st/session.base64" "$t/P$i.se" && final=P$i
	done
	left=$(leftovers "$par/st" "$par/nv")
	case " $statuses " in
	*[!\ 075]*) no parallel "exit statuses:$statuses (only 0 and 75 expected)" ;;
	*) if [ "${missing:-x}" = 0 ] && [ "${mixed:-x}" = 0 ] && [ "${partial:-x}" = 0 ] &&
			[ "${reads:-0}" -gt 0 ] && [ $zero -gt 0 ] && [ $final != none ] && [ -z "$left" ]; then
			ok "parallel: 20 rounds of 8 launches on $where ($zero exited 0, the rest 75); reader: $reads path pairs and $snaps directory snapshots, 0 missing, 0 mixed, 0 partial"
		else
			no parallel "reader: $(cat "$log/reader.out"); statuses:$statuses; final $final; left: $left"
		fi ;;
	esac
	cleanup
}

# --- a second launch while the guest runs ----------------------------------
running_case() {
	d=$t/running
	mkdir -p "$d/host/dev" "$d/host/sys/module/kvm_amd/parameters" "$d/host/proc/self"
	: >"$d/host/dev/sev"
	echo Y >"$d/host/sys/module/kvm_amd/parameters/sev"
	printf 'CapEff:\t0000003fffffffff\n' >"$d/host/proc/self/status"
	printf '#!/bin/sh\necho $$ >"%s"\nexec sleep 30\n' "$d/started" >"$d/qemu"
	printf '#!/bin/sh\n: >"%s"\n' "$d/second-ran" >"$d/qemu2"
	chmod +x "$d/qemu" "$d/qemu2"
	guest "$d/nv"
	SEVQEMU_TEST_HOST_ROOT=$d/host "$qh" -q -x --emulator "$d/qemu" --nvram-dir "$d/nv" -d "$d/st" \
		--dh-cert "$t/A.dh" --session "$t/A.se" "$t/guest.xml" >/dev/null 2>&1 &
	first=$!
	i=0
	while [ ! -s "$d/started" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	snapshot() { (cd "$d" && find st nv -printf '%p %i %s %T@\n' | sort; cat st/*.base64); }
	before=$(snapshot)
	SEVQEMU_TEST_HOST_ROOT=$d/host "$qh" -q -x --emulator "$d/qemu2" --nvram-dir "$d/nv" -d "$d/st" \
		--dh-cert "$t/B.dh" --session "$t/B.se" "$t/guest.xml" >/dev/null 2>"$d/second.err"
	s_exec=$?
	launch "$d/st" "$d/nv" B >/dev/null 2>"$d/third.err"
	s_print=$?
	"$q" -n --nvram-dir "$d/nv" -d "$d/st" "$t/guest.xml" >/dev/null 2>"$d/dry.err"
	s_dry=$?
	pid=$(cat "$d/started" 2>/dev/null)
	if [ $s_exec = 75 ] && [ $s_print = 75 ] && [ $s_dry = 0 ] && [ "$before" = "$(snapshot)" ] &&
		[ ! -e "$d/second-ran" ] && [ -n "$pid" ] &&
		grep -q "guest 'demo-sev' is already running: pid $pid holds its lock" "$d/second.err" &&
		grep -q "warning: guest 'demo-sev' is running: pid $pid" "$d/dry.err"; then
		ok "running: a second --exec and a second print exit 75 naming pid $pid; --dry-run warns; nothing changed, nothing ran"
	else
		no running "exec $s_exec, print $s_print, dry $s_dry, pid '$pid': $(head -c 200 "$d/second.err")"
	fi
	kill "$first" 2>/dev/null
	wait "$first" 2>/dev/null
	launch "$d/st" "$d/nv" B >/dev/null 2>&1
	[ $? = 0 ] && [ "$(set_is "$d/st")" = new ] && ok "running: once QEMU is gone, the next launch runs" ||
		no "running: after QEMU" "the lock outlived it"
}

# --- full and read-only file systems -----------------------------------------
mounts_case() {
	if $root; then
		d=$t/enospc
		mkdir -p "$d/m" "$d/nvfull"
		guest "$d/nv"
		if mount -t tmpfs -o size=256k tmpfs "$d/m" 2>/dev/null; then
			mounted="$mounted $d/m"
			launch "$d/m/st" "$d/nv" A >/dev/null 2>&1
			dd if=/dev/zero of="$d/m/filler" bs=4k 2>/dev/null
			launch "$d/m/st" "$d/nv" B >/dev/null 2>"$d/err"
			s=$?
			got=$(set_is "$d/m/st")
			left=$(leftovers "$d/m/st" "$d/nv")
			if [ $s = 73 ] && [ "$got" = old ] && [ -z "$left" ] &&
				grep -q 'No space left on device' "$d/err"; then
				ok "enospc: the state dir's file system full: 73, old set whole, nothing left"
			else
				no enospc "exit $s, set $got, left '$left': $(head -c 200 "$d/err")"
			fi
			rm -f "$d/m/filler"
			launch "$d/m/st" "$d/nv" B >/dev/null 2>&1 && [ "$(set_is "$d/m/st")" = new ] &&
				ok "enospc: with room again, the next launch installs" || no "enospc: after" "not installed"
			umount "$d/m"
		else
			skipped enospc "cannot mount a tmpfs"
		fi
		# The nvram's file system full: the template (540 KiB) does not fit.
		if mount -t tmpfs -o size=256k tmpfs "$d/nvfull" 2>/dev/null; then
			mounted="$mounted $d/nvfull"
			guest "$d/nvfull"
			rm -rf "$d/st2"
			launch "$d/st2" "$d/nvfull" A >/dev/null 2>"$d/err2"
			s=$?
			if [ $s = 73 ] && [ ! -e "$d/st2" ] && [ -z "$(ls -A "$d/nvfull")" ] &&
				[ -z "$(ls -A "$d" | grep '^\.st2\.')" ]; then
				ok "enospc-nvram: the nvram's file system full: 73, no state dir, no half nvram"
			else
				no enospc-nvram "exit $s: $(ls -A "$d/nvfull" "$d") $(head -c 200 "$d/err2")"
			fi
			umount "$d/nvfull"
		fi
		d=$t/erofs
		mkdir -p "$d/ro" "$d/nvro"
		guest "$d/nv"
		launch "$d/ro/st" "$d/nv" A >/dev/null 2>&1
		if mount --bind "$d/ro" "$d/ro" 2>/dev/null; then
			mounted="$mounted $d/ro"
			if mount -o remount,bind,ro "$d/ro" 2>/dev/null; then
				before=$(cd "$d/ro" && find . -printf '%p %i %s\n' | sort)
				launch "$d/ro/st" "$d/nv" B >/dev/null 2>"$d/err"
				s=$?
				if [ $s = 73 ] && [ "$(set_is "$d/ro/st")" = old ] &&
					[ "$before" = "$(cd "$d/ro" && find . -printf '%p %i %s\n' | sort)" ] &&
					grep -q 'Read-only file system' "$d/err"; then
					ok "erofs: a read-only state dir: 73, nothing changed"
				else
					no erofs "exit $s: $(head -c 200 "$d/err")"
				fi
			else
				skipped erofs "cannot remount read-only"
			fi
			umount "$d/ro"
		else
			skipped erofs "cannot bind-mount"
		fi
		guest "$d/nvro"
		rm -rf "$d/st"
		launch "$d/st" "$d/nvro" A >/dev/null 2>&1
		rm -f "$d/nvro/demo_VARS.fd"
		if mount --bind "$d/nvro" "$d/nvro" 2>/dev/null; then
			mounted="$mounted $d/nvro"
			mount -o remount,bind,ro "$d/nvro" 2>/dev/null
			launch "$d/st" "$d/nvro" B >/dev/null 2>"$d/err2"
			s=$?
			if [ $s = 73 ] && [ "$(set_is "$d/st")" = old ] &&
				[ -z "$(leftovers "$d/st" "$d/nvro")" ]; then
				ok "erofs-nvram: the nvram's directory read-only: 73, old set whole, nothing left"
			else
				no erofs-nvram "exit $s, set $(set_is "$d/st"): $(head -c 200 "$d/err2")"
			fi
			umount "$d/nvro"
		else
			skipped erofs-nvram "cannot bind-mount"
		fi
		mounted=
	else
		skipped enospc "not root"
		skipped erofs "not root"
	fi
}

# --- a file size limit below a blob ----------------------------------------------
ulimit_case() {
	d=$t/ulimit
	mkdir -p "$d"
	guest "$d/nv"
	launch "$d/st" "$d/nv" A >/dev/null 2>&1
	(ulimit -f 2; launch "$d/st" "$d/nv" B) >/dev/null 2>"$d/err"
	s=$?
	if [ $s = 73 ] && [ "$(set_is "$d/st")" = old ] && [ -z "$(leftovers "$d/st" "$d/nv")" ] &&
		grep -q 'File too large' "$d/err"; then
		ok "ulimit-f: EFBIG is 73 with a message (not SIGXFSZ's 153), old set whole"
	else
		no ulimit-f "exit $s, set $(set_is "$d/st"): $(head -c 200 "$d/err")"
	fi
	# A first launch whose nvram needs new directories: they go with it.
	guest "$d/nv2/a/b"
	(ulimit -f 600; launch "$d/st2" "$d/nv2" A) >/dev/null 2>"$d/err2"
	s=$?
	if [ $s = 73 ] && [ ! -e "$d/st2" ] && [ ! -e "$d/nv2/a" ] &&
		grep -q 'File too large' "$d/err2"; then
		ok "ulimit-f: a first launch failing on its nvram removes the state dir and the directories it made"
	else
		no "ulimit-f: first launch" "exit $s: $(ls -A "$d" "$d/nv2" 2>&1 | tr '\n' ' ') $(head -c 200 "$d/err2")"
	fi
}

# --- templates that are no files ---------------------------------------------------
template_case() {
	d=$t/template
	mkdir -p "$d"
	mkfifo "$d/fifo"
	for tpl in "$d/fifo" /dev/zero; do
		sed "s|template='[^']*'|template='$tpl'|" "$t/guest.in" | sed "s|@NV@|$d/nv|" >"$d/g.xml"
		rm -rf "$d/st" "$d/nv"
		start=$(date +%s)
		timeout 10 "$q" -q --nvram-dir "$d/nv" -d "$d/st" "$d/g.xml" >/dev/null 2>"$d/err"
		s=$?
		if [ $s = 77 ] && [ $(($(date +%s) - start)) -lt 5 ] && [ ! -e "$d/st" ] && [ ! -e "$d/nv" ]; then
			ok "template $tpl: 77 at once, nothing written"
		else
			no "template $tpl" "exit $s: $(head -c 200 "$d/err")"
		fi
	done
}

# --- exec failure over an old set -------------------------------------------------
exec_case() {
	d=$t/exec
	mkdir -p "$d/host/dev" "$d/host/sys/module/kvm_amd/parameters" "$d/host/proc/self"
	: >"$d/host/dev/sev"
	echo Y >"$d/host/sys/module/kvm_amd/parameters/sev"
	printf 'CapEff:\t0000003fffffffff\n' >"$d/host/proc/self/status"
	printf '\177ELF garbage' >"$d/bad-qemu"
	chmod +x "$d/bad-qemu"
	guest "$d/nv"
	launch "$d/st" "$d/nv" A >/dev/null 2>&1
	before=$(cd "$d" && find st -name '*.base64' -printf '%p %i %s\n' | sort)
	rm -f "$d/nv/demo_VARS.fd" # this run makes it, and must take it back
	SEVQEMU_TEST_HOST_ROOT=$d/host "$qh" -q -x --emulator "$d/bad-qemu" --nvram-dir "$d/nv" -d "$d/st" \
		--dh-cert "$t/B.dh" --session "$t/B.se" "$t/guest.xml" >/dev/null 2>"$d/err"
	s=$?
	after=$(cd "$d" && find st -name '*.base64' -printf '%p %i %s\n' | sort)
	if [ $s = 71 ] && [ "$(set_is "$d/st")" = old ] && [ "$before" = "$after" ] &&
		[ ! -e "$d/nv/demo_VARS.fd" ] &&
		[ -z "$(leftovers "$d/st" "$d/nv")" ] && grep -q 'cannot execute' "$d/err"; then
		ok "exec-fail: 71, the old set back (the very same files), the nvram it made removed, nothing left"
	else
		no exec-fail "exit $s, set $(set_is "$d/st"): $(head -c 200 "$d/err")"
	fi
}

# --- getrandom(2) failing: names stay unpredictable (or are not needed) ------
getrandom_case() {
	d=$t/getrandom
	mkdir -p "$d"
	guest "$d/nv"
	launch "$d/st" "$d/nv" A >/dev/null 2>&1
	rm -f "$d/nv/demo_VARS.fd" # made again: O_TMPFILE needs no name
	strace -f -qq -o /dev/null -e trace=getrandom -e inject=getrandom:error=ENOSYS \
		"$q" -q --nvram-dir "$d/nv" -d "$d/st" --dh-cert "$t/B.dh" \
		--session "$t/B.se" "$t/guest.xml" >/dev/null 2>"$d/err"
	s=$?
	if [ $s = 0 ] && [ "$(set_is "$d/st")" = new ] && nvram_ok "$d/nv" &&
		[ -z "$(leftovers "$d/st" "$d/nv")" ]; then
		ok "getrandom: failing with ENOSYS, the run still installs (names from /dev/urandom, the nvram unnamed until whole)"
	else
		no getrandom "exit $s, set $(set_is "$d/st"): $(head -c 200 "$d/err")"
	fi
}

# --- standard output that cannot be written ------------------------------------
stdout_case() {
	d=$t/stdout
	mkdir -p "$d"
	guest "$d/nv"
	launch "$d/st" "$d/nv" A >/dev/null 2>&1
	launch "$d/st" "$d/nv" B >/dev/full 2>"$d/err"
	s=$?
	if [ $s = 71 ] && [ "$(set_is "$d/st")" = old ] && [ -z "$(leftovers "$d/st" "$d/nv")" ] &&
		grep -q 'standard output: No space left on device; the files this run wrote are removed' "$d/err"; then
		ok "stdout: /dev/full: 71, the files rolled back to the old set"
	else
		no stdout "exit $s, set $(set_is "$d/st"): $(head -c 200 "$d/err")"
	fi
}

# --- which cases run: all, or those named in FAULTS ---------------------------
want() {
	[ -z "${FAULTS:-}" ] && return 0
	case " $FAULTS " in *" $1 "*) return 0 ;; esac
	return 1
}
traced() { # NAME FUNCTION ARGS...
	name=$1
	shift
	want "$name" || return 0
	if $have_strace; then "$@"; else skipped "$name" "no strace"; fi
}
traced kill-9 kill9 kill-9 no
traced kill-9-first kill9 kill-9-first yes
traced sigterm sigs sigterm TERM
traced sigint sigs sigint INT
traced getrandom getrandom_case
want parallel && parallel_case
want running && running_case
want mounts && mounts_case
want ulimit && ulimit_case
want stdout && stdout_case
want template && template_case
want exec-fail && exec_case

echo "faults: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
