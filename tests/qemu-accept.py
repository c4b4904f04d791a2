#!/usr/bin/python3
"""Let real QEMU judge command lines written by `sevqemu --format=args`.

usage: qemu-accept.py [--cpu-host-as-max] [--expect-running SECONDS] [-j N] ARGSFILE...

SEV cannot start on a CI machine (no /dev/sev, maybe no /dev/kvm), but QEMU under TCG creates
every -object, -blockdev, -netdev, -chardev and -device before it notices, so it still judges
the whole command line.  Each file runs with accel forced to TCG (-accel tcg,tb-size=64), -S,
and a QMP monitor on stdin that says qmp_capabilities + quit.  Files the command line names are
made in a scratch directory (paths rewritten there; hostile characters in them survive, commas
doubled again).  Files run side by side, -j N at once (default: one a CPU), reported in order.

Seen with QEMU 7.2.22 (Debian 12, 2 cores, no /dev/kvm); the script takes ~0.15-0.25 s a file:
  exit 0    no SEV: the machine reaches prelaunch and quits on QMP `quit` (QEMU ~0.12 s).
  exit 134  (-6 in Python) with "../../softmmu/vl.c:2590: qemu_machine_creation_done: Assertion
            `machine->cgs->ready' failed.": the SEV object, the machine link and every device
            parsed; SEV itself cannot start under TCG.  Accepted.  (~0.12 s)
  exit 1    rejected, QEMU names the problem (~0.07 s), e.g. "-object sev-guest,id=sev0,bogus=1,
            ...: Invalid parameter 'bogus'", "Block node is read-only", "combined size of system
            firmware exceeds 8388608 bytes", "could not load PC BIOS '...'",
            "unable to find CPU model 'EPYC-v4'".
  sev-snp-guest only exists from QEMU 9.1 (7.2: "Parameter 'qom-type' does not accept value
  'sev-snp-guest'"): reported as skipped, not failed.
  --expect-running 3: a q35 + OVMF pflash guest without SEV, virtio-blk/net, serial on a socket,
  reaches {"status": "running", "running": true} under TCG (~3.2 s).
"""
import argparse, concurrent.futures, glob, json, os, resource, shlex, shutil, socket, struct, subprocess, sys, tempfile, time

OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd'
OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd'
# -bios needs a multiple of 64 KiB: OVMF_CODE_4M.fd (3.5 MiB) gets "could not load PC BIOS";
# the 2 MiB unified OVMF.fd works (Debian keeps it in lower-case /usr/share/ovmf).
BIOS = ['/usr/share/OVMF/OVMF.fd', '/usr/share/ovmf/OVMF.fd', '/usr/share/qemu/OVMF.fd']
VIRTIOFSD = next((p for p in ('/usr/libexec/virtiofsd', '/usr/lib/qemu/virtiofsd') if os.path.exists(p)), 'virtiofsd')
# QEMU options without an argument; every other option takes exactly one (QEMU's HAS_ARG).
FLAGS = set('''-S -s -h -help -version -snapshot -nographic -nodefaults -no-user-config
 -enable-kvm -no-reboot -no-shutdown -async-teardown -no-acpi -no-hpet -no-fd-bootchk -full-screen -win2k-hack
 -portrait -daemonize -xen-attach -enable-fips -preconfig -only-migratable -mem-prealloc -usb
 -alt-grab -ctrl-grab -no-quit -singlestep -enable-sync-profile -audio-help -semihosting'''.split())
# How long QEMU may take to start, judge and quit: a hang, not a slow start
# (-overcommit mem-lock=on faults in all guest RAM: up to 28 s seen on a
# loaded 2-core machine with four QEMUs at once).
RUN_TIMEOUT = 60
# TCG with a 64 MiB translation buffer: the default 1 GiB, locked by
# -overcommit mem-lock=on, took 14 s to start on a 2-core machine (1 s so).
TCG = 'tcg,tb-size=64'
QUIT = b'{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n'
ON = ('on', 'yes', 'true', 'y')


# keyval / QemuOpts: "a,b=c,,d" -> [[None,'a'], ['b','c,d']]; ",," is a literal comma.
def kv_split(s):
    items, cur, i = [], '', 0
    while i <= len(s):
        if i == len(s) or s[i] == ',' and s[i + 1:i + 2] != ',':
            k, eq, v = cur.partition('=')
            items.append([k, v] if eq else [None, cur])
            cur, i = '', i + 1
        elif s[i] == ',':
            cur, i = cur + ',', i + 2
        else:
            cur, i = cur + s[i], i + 1
    return items


def kv_join(items):   # inverse of kv_split: kv_join(kv_split(s)) == s
    esc = lambda x: x.replace(',', ',,')
    return ','.join(esc(v) if k is None else k + '=' + esc(v) for k, v in items)


def kv_get(items, key, default=None):
    return next((v for k, v in items if k == key), default)


def kv_set(items, key, value):
    for it in items:
        if it[0] == key:
            it[1] = value


QEMU_MODULES = '/usr/lib/x86_64-linux-gnu/qemu'   # Debian's QEMU module directory
NETWORK_DRIVERS = ('nbd', 'rbd', 'iscsi', 'http', 'https', 'ftp', 'ftps', 'ssh', 'gluster', 'nfs')


# vhost-user-gpu's devices -> the QEMU GPU that stands in for each (corpus-accept.py)
VHOST_USER_GPU = {'vhost-user-vga': 'virtio-vga', 'vhost-user-gpu-pci': 'virtio-gpu-pci'}


def host_backed(option, arg):
    """Why QEMU under TCG here cannot judge this option, or None: it needs a
    part of the host this machine lacks (the golden test checks its argv)."""
    if arg is None:
        return None
    kv = kv_split(arg)
    head = kv[0][1] if kv and kv[0][0] is None else None
    kind = head or kv_get(kv, 'type') or kv_get(kv, 'driver') or kv_get(kv, 'qom-type')
    if option == '-netdev' and kind == 'vhost-user':
        return 'a vhost-user netdev waits for its backend (a vswitch) to connect'
    if option == '-netdev' and kind in ('bridge', 'tap'):
        return 'a %s network backend needs a host %s' % (kind, 'bridge' if kind == 'bridge' else 'tap device')
    if option == '-device' and kind == 'vfio-pci':
        return 'vfio-pci needs a host device bound to vfio-pci'
    if option == '-device' and kind == 'usb-host' and kv_get(kv, 'hostdevice'):
        return 'usb-host needs the host USB device'
    if option == '-device' and kind == 'scsi-block':
        return 'scsi-block needs a host SCSI device (SG_IO)'
    if option == '-device' and kind == 'scsi-generic':
        return 'scsi-generic needs a host SCSI device with an sg node (SG_IO), or an iSCSI server'
    if option == '-chardev' and kind in ('serial', 'parallel'):
        return 'a %s chardev needs the host %s port device' % (kind, kind)
    if option == '-device' and kind == 'virtio-input-host-pci':
        return 'virtio-input-host needs the host event device it grabs'
    if option == '-device' and kind == 'ccid-card-emulated':
        return "an emulated smartcard needs the host's NSS database (and its certificates)"
    if option == '-device' and kind and kind.startswith('vhost-scsi-pci'):
        return 'vhost-scsi needs /dev/vhost-scsi and a LIO target with its wwpn'
    if option == '-device' and kind and kind.startswith('vhost-vsock-pci'):
        return 'vhost-vsock needs /dev/vhost-vsock'
    if option == '-device' and kind in VHOST_USER_GPU:
        return ('a vhost-user GPU needs KVM: QEMU 7.2 refuses vhost-user backends under TCG '
                '("vhost initialization failed: requires kvm")')
    if option == '-device' and kind == 'vhost-user-blk-pci':
        return 'a vhost-user-blk disk waits for its backend (qemu-storage-daemon) to connect'
    if option == '-blockdev' and kind == 'nvme':
        return 'an nvme disk needs a host NVMe controller bound to vfio-pci'
    if option == '-blockdev' and kind in NETWORK_DRIVERS:
        return 'a %s disk needs its server' % kind
    if option == '-blockdev' and (kind == 'luks' or kv_get(kv, 'encrypt.format') == 'luks'):
        return 'a LUKS disk needs a LUKS image and its key file (written by a real run)'
    if option == '-object' and (kv_get(kv, 'mem-path') == '/dev/hugepages' or kv_get(kv, 'hugetlb') == 'on'):
        return 'huge pages need a hugetlbfs with pages reserved'
    if option == '-tpmdev' and kind == 'passthrough':
        return 'TPM passthrough needs a host TPM'
    if option == '-device' and kind == 'vhost-user-fs-pci' and kv_get(kv, 'iommu_platform') in ON:
        return "virtio-fs with iommu_platform=on needs a virtiofsd with ACCESS_PLATFORM; Debian 12's has none"
    gpu = not glob.glob('/dev/dri/renderD*')
    if gpu and (option, kind) == ('-display', 'egl-headless'):
        return 'egl-headless needs a DRM render node (a GPU)'
    if gpu and option == '-spice' and kv_get(kv, 'gl') in ON:
        return 'SPICE with GL needs a DRM render node (a GPU)'
    if (option, kind) == ('-display', 'sdl'):
        return 'an SDL window needs an X display'
    if (option, kind) == ('-display', 'dbus') and \
            not (kv_get(kv, 'addr') or 'unix:path=').startswith('unix:path='):
        return 'D-Bus graphics on addr= need that bus'
    if option == '-device' and kv_get(kv, 'blob') in ON and not os.path.exists('/dev/udmabuf'):
        return 'virtio-gpu blob resources need /dev/udmabuf'
    if option == '-audiodev' and kind == 'oss':
        return 'the OSS audio backend needs an OSS device (/dev/dsp)'
    if option == '-audiodev' and kind in ('pa', 'sdl', 'jack') and \
            not os.path.exists(os.path.join(QEMU_MODULES, 'audio-%s.so' % kind)):
        return "this QEMU has no %s audio module (Debian's qemu-system-gui)" % kind
    # With the module (qemu-system-gui), pa and sdl open the host's sound at start.
    if option == '-audiodev' and kind in ('pa', 'sdl') and not (
            os.environ.get('PULSE_SERVER') or glob.glob('/run/user/*/pulse/native') or
            os.path.exists('/dev/snd')):
        return 'the %s audio backend needs a PulseAudio server or an ALSA device' % kind
    if option == '-cpu' and kv_get(kv, 'hv-vpindex') == 'on':
        return "Hyper-V's VP index (and synic, stimer, tlbflush, ipi on it) needs KVM"
    return None


def scratch_path(scratch, p):
    """SCRATCH + P for an absolute P, SCRATCH/rel/P for a relative one; never leaves SCRATCH."""
    p = os.path.normpath(p)
    rel = p.lstrip('/') if os.path.isabs(p) else \
        os.path.join('rel', *['_up_' if c == '..' else c for c in p.split('/')])
    new = os.path.join(scratch, rel)
    os.makedirs(os.path.dirname(new), exist_ok=True)
    return new


def dummy_kernel(path):
    """A bzImage header and no code: QEMU 7.2 loads it with -initrd/-append under -S.  Junk is
    refused ("invalid kernel header", "linux kernel too old to load a ram disk", "initrd is
    too large"), so these are the fields it checks."""
    b = bytearray(16384)
    b[0x1f1] = 1                                            # setup_sects
    b[0x1fe:0x200] = b'\x55\xaa'
    b[0x202:0x208] = b'HdrS' + struct.pack('<H', 0x020f)    # boot protocol 2.15
    b[0x211] = 0x01                                         # LOADED_HIGH
    b[0x22c:0x230] = struct.pack('<I', 0x37ffffff)          # initrd_addr_max
    b[0x238:0x23c] = struct.pack('<I', 2047)                # cmdline_size
    with open(path, 'wb') as f:
        f.write(b)


class Run:
    """One ARGSFILE: rewrite its argv for this machine, run QEMU, judge."""

    def __init__(self, opts):
        self.opts, self.skip, self.nsock = opts, None, 0
        self.scratch = tempfile.mkdtemp(prefix='qemu-accept-')
        self.mapped = {}    # original path -> scratch path (one file used by two options)

    def image(self, p, fmt=None, role=None):
        """A scratch image for P (each run its own: QEMU write-locks images).  qcow2 (any
        non-raw format) from qemu-img; pflash: a copy of P when it exists (never write the
        original), else of OVMF; anything else a sparse raw 64M file."""
        if p not in self.mapped:
            new = self.mapped[p] = scratch_path(self.scratch, p)
            src = (p if os.path.isfile(p) else OVMF_CODE if role == 'pflash0' else OVMF_VARS) \
                if role else None
            if fmt and fmt != 'raw' and role and subprocess.run(
                    ['qemu-img', 'convert', '-q', '-O', fmt, src, new],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
                pass    # a flash image in another format: the firmware's, converted
            elif fmt and fmt != 'raw' and subprocess.run(
                    ['qemu-img', 'create', '-q', '-f', fmt, new, '64M'],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
                pass
            elif fmt and fmt not in ('raw', 'host_device'):
                # qemu-img cannot make this one bare (luks wants a key, some
                # formats are read-only): a raw file, for a run host_resource()
                # skips or QEMU judges by the format's own message
                with open(new, 'wb') as f:
                    f.truncate(64 << 20)
            elif role:
                shutil.copyfile(src, new)
            else:
                with open(new, 'wb') as f:
                    f.truncate(64 << 20)
        return self.mapped[p]

    def socket_path(self, p):
        """Sockets go into SCRATCH too, but sun_path holds < 108 bytes ("UNIX socket path
        ... is too long"): a path that grows too long gets a short name instead."""
        new = scratch_path(self.scratch, p)
        if len(os.fsencode(new)) >= 108:
            self.nsock += 1
            new = os.path.join(self.scratch, 'sock%d' % self.nsock)
        return new

    def kept(self, p):      # QEMU runs in SCRATCH: a kept relative path must become absolute
        return p if os.path.isabs(p) else os.path.abspath(p)

    def rewrite(self, argv):
        opts, i = [], 0     # [option, argument or None]; "--opt" is "-opt"
        while i < len(argv):
            o = argv[i][1:] if argv[i].startswith('--') else argv[i]
            has_arg = o.startswith('-') and o not in FLAGS and i + 1 < len(argv)
            opts.append([o, argv[i + 1] if has_arg else None])
            i += 2 if has_arg else 1
        for o, a in opts:
            why = host_backed(o, a)
            if why and not self.skip:
                self.skip = 'not judged: ' + why
        if self.skip:       # not run: no scratch images (qemu-img cannot make a LUKS one keyless)
            return list(argv)
        pflash = {}         # node name -> 'pflash0'/'pflash1', from -machine
        for o in opts:
            if o[0] in ('-machine', '-M'):
                # TCG, given as -accel below ("-machine accel=" cannot go with -accel)
                kv = [it for it in kv_split(o[1]) if it[0] != 'accel']
                o[1] = kv_join(kv)
                pflash.update((kv_get(kv, r), r) for r in ('pflash0', 'pflash1') if kv_get(kv, r))
        blockdevs = [kv_split(v) for o, v in opts if o == '-blockdev' and not v.startswith('{')]
        npflash = 0
        for o in opts:
            name, val = o
            kv = kv_split(val) if val is not None else None
            if name in ('-enable-kvm', '-daemonize'):
                o[0] = None     # TCG instead; -daemonize cannot keep a stdio monitor
            elif val is None:
                pass
            elif name == '-accel' and 'kvm' in (kv[0][1], kv_get(kv, 'accel')):
                o[1] = TCG      # KVM tuning keys (kernel-irqchip=...) are unknown to TCG
            elif name == '-device' and kv[0][1] == 'intel-iommu' and kv_get(kv, 'eim') in ON:
                kv_set(kv, 'eim', 'off')    # "eim=on requires accel=kvm,kernel-irqchip=split"
                o[1] = kv_join(kv)
            elif name == '-cpu' and self.opts.cpu_host_as_max and kv[0] == [None, 'host']:
                kv[0][1] = 'max'
                o[1] = kv_join(kv)
            elif name == '-blockdev' and not val.startswith('{'):   # JSON form: left as is
                drv, p, node = kv_get(kv, 'driver'), kv_get(kv, 'filename'), kv_get(kv, 'node-name')
                if drv not in ('file', 'host_device', 'host_cdrom') or not p:
                    continue
                users = [u for u in blockdevs if node and kv_get(u, 'file') == node]
                if os.path.exists(p) and any(kv_get(x, 'read-only') in ON for x in [kv] + users):
                    new = self.kept(p)
                else:
                    fmt = next((kv_get(u, 'driver') for u in users), None)
                    role = pflash.get(node) or next((pflash[kv_get(u, 'node-name')] for u in users
                                                     if kv_get(u, 'node-name') in pflash), None)
                    new = self.image(p, fmt, role)
                    kv_set(kv, 'driver', 'file')    # the scratch copy is a plain file
                kv_set(kv, 'filename', new)
                o[1] = kv_join(kv)
            elif name == '-drive':
                p, role = kv_get(kv, 'file'), None
                if kv_get(kv, 'if') == 'pflash':
                    role = 'pflash' + kv_get(kv, 'unit', kv_get(kv, 'index', str(npflash)))
                    npflash += 1
                if not p or (':' in p.split('/')[0] and not os.path.exists(p)):
                    continue    # no medium, or a protocol (nbd:, json:): as is
                ro = (kv_get(kv, 'readonly') or kv_get(kv, 'read-only')) in ON
                kv_set(kv, 'file', self.kept(p) if os.path.exists(p) and ro else
                       self.image(p, kv_get(kv, 'format'), role))
                o[1] = kv_join(kv)
            elif name in ('-bios', '-kernel', '-initrd') and val:
                if os.path.exists(val):     # only read: keep
                    o[1] = self.kept(val)
                    continue
                new = o[1] = scratch_path(self.scratch, val)
                if name == '-bios':
                    shutil.copyfile(next((b for b in BIOS if os.path.isfile(b)), OVMF_CODE), new)
                elif name == '-kernel':
                    dummy_kernel(new)       # fine for parsing, useless for booting
                    if self.opts.expect_running is not None:
                        self.skip = 'not judged: direct kernel boot needs a real kernel'
                else:
                    with open(new, 'wb') as f:
                        f.write(bytes(4096))
            elif name == '-fsdev' and kv_get(kv, 'path'):     # a 9p share: a scratch dir
                new = scratch_path(self.scratch, kv_get(kv, 'path'))
                os.makedirs(new, exist_ok=True)
                kv_set(kv, 'path', new)
                o[1] = kv_join(kv)
            elif name == '-object' and kv[0][1] == 'memory-backend-file' and kv_get(kv, 'mem-path'):
                # a directory (<memoryBacking><source type='file'/>: the state dir), made here
                new = scratch_path(self.scratch, os.path.join(kv_get(kv, 'mem-path'), 'ram'))
                kv_set(kv, 'mem-path', os.path.dirname(new))
                o[1] = kv_join(kv)
            elif name == '-chardev' and kv[0][1] == 'pipe' and kv_get(kv, 'path'):
                new = scratch_path(self.scratch, kv_get(kv, 'path'))
                open(new, 'ab').close()     # QEMU opens PATH.in and .out, else PATH
                kv_set(kv, 'path', new)
                o[1] = kv_join(kv)
            elif name == '-audiodev' and kv[0][1] == 'wav' and kv_get(kv, 'path'):
                kv_set(kv, 'path', scratch_path(self.scratch, kv_get(kv, 'path')))
                o[1] = kv_join(kv)
            elif name == '-chardev' and kv[0][1] == 'socket' and kv_get(kv, 'path'):
                kv_set(kv, 'path', self.socket_path(kv_get(kv, 'path')))
                o[1] = kv_join(kv)
            elif name == '-vnc' and val.startswith('vnc=unix:'):
                kv = kv_split(val)          # vnc= holds unix:PATH
                kv_set(kv, 'vnc', 'unix:' + self.socket_path(kv_get(kv, 'vnc')[5:]))
                o[1] = kv_join(kv)
            elif name == '-display' and kv[0][1] == 'dbus' and kv_get(kv, 'addr'):
                # the guest's own bus (a dbus-daemon, started by execute())
                kv_set(kv, 'addr', 'unix:path=' + self.socket_path(kv_get(kv, 'addr')[10:]))
                o[1] = kv_join(kv)
            elif name == '-spice' and kv_get(kv, 'unix') == 'on':
                kv_set(kv, 'addr', self.socket_path(kv_get(kv, 'addr')))
                o[1] = kv_join(kv)
            elif name in ('-qmp', '-monitor', '-serial') and val.startswith('unix:'):
                kv = kv_split(val[5:])      # QemuOpts with implied key "path"
                kv[0][1] = self.socket_path(kv[0][1])
                o[1] = 'unix:' + kv_join(kv)
        # A TPM emulator and a vhost-user-fs device need their helper listening on
        # the chardev's socket: a real swtpm or virtiofsd, started by execute();
        # D-Bus graphics on a bus of their own, a dbus-daemon.
        paths = {kv_get(kv_split(v), 'id'): kv_get(kv_split(v), 'path')
                 for o, v in opts if o == '-chardev' and v and v.startswith('socket,')}
        self.helpers = []
        for o, v in opts:
            kv = kv_split(v) if v else []
            kind = kv[0][1] if kv and kv[0][0] is None else None
            if (o, kind) in (('-tpmdev', 'emulator'), ('-device', 'vhost-user-fs-pci')):
                self.helpers.append((kind, paths.get(kv_get(kv, 'chardev'))))
            elif (o, kind) == ('-display', 'dbus') and kv_get(kv, 'addr'):
                self.helpers.append((kind, kv_get(kv, 'addr')[10:]))
        self.paused = any(o == '-S' for o, _ in opts)
        out = [x for o, v in opts if o is not None for x in ([o] if v is None else [o, v])]
        if '-accel' not in out:
            out += ['-accel', TCG]
        if not any(o in ('-display', '-vnc', '-nographic') for o, _ in opts):
            out += ['-display', 'none']
        return out

    def start_helpers(self):
        """swtpm / virtiofsd / dbus-daemon on each helper socket (through a symlink: swtpm's and
        virtiofsd's options cannot carry every path); None, or why not."""
        for n, (kind, path) in enumerate(self.helpers):
            if not path:
                return 'no socket chardev for %s' % kind
            short = os.path.join(self.scratch, 'helper%d.sock' % n)
            state = os.path.join(self.scratch, 'helper%d' % n)
            os.makedirs(state, exist_ok=True)
            if kind == 'emulator':
                argv = ['swtpm', 'socket', '--tpm2', '--terminate', '--tpmstate', 'dir=' + state,
                        '--ctrl', 'type=unixio,path=' + short]
            elif kind == 'dbus':
                argv = ['dbus-daemon', '--session', '--nofork', '--nopidfile',
                        '--address=unix:path=' + short]
            else:
                argv = [VIRTIOFSD, '--socket-path=' + short, '-o', 'source=' + state]
            self.procs.append(subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            end = time.monotonic() + 5
            while not os.path.exists(short):
                if time.monotonic() > end or self.procs[-1].poll() is not None:
                    return '%s did not start' % argv[0]
                time.sleep(0.01)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if os.path.lexists(path):
                os.unlink(path)
            os.symlink(short, path)
        return None

    def stop_helpers(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
            p.wait()

    def execute(self, argv, env):
        """-> (verdict 'ok'/'fail'/'skip', reason, command, QEMU's stderr)"""
        cmd = [shutil.which('qemu-system-x86_64')] + self.rewrite(argv[1:])
        if self.skip:
            return 'skip', self.skip, cmd, ''
        self.procs = []
        try:
            why = self.start_helpers()
            if why:
                return 'fail', why, cmd, ''
            return self.judge(cmd, env)
        finally:
            self.stop_helpers()

    def judge(self, cmd, env):
        if self.opts.expect_running is not None:
            return self.running(cmd, env)
        run, socks = dict(input=QUIT), ()
        if any(o == '-chardev' and a.split(',')[0] == 'stdio' for o, a in zip(cmd, cmd[1:])):
            # A guest chardev holds QEMU's stdio ("cannot use stdio by multiple character
            # devices"): QMP on an inherited socket instead, stdin empty.
            mine, theirs = socks = socket.socketpair()
            mine.sendall(QUIT)
            cmd += ['-chardev', 'socket,id=acceptqmp,fd=%d' % theirs.fileno(),
                    '-mon', 'chardev=acceptqmp,mode=control']
            run = dict(stdin=subprocess.DEVNULL, pass_fds=(theirs.fileno(),))
        cmd += ['-S'] if 'pass_fds' in run else ['-S', '-qmp', 'stdio']
        try:
            r = subprocess.run(cmd, capture_output=True, cwd=self.scratch, env=env,
                               timeout=RUN_TIMEOUT, **run)
        except subprocess.TimeoutExpired as e:
            return 'fail', 'timed out after %d s' % RUN_TIMEOUT, cmd, (e.stderr or b'').decode(errors='replace')
        finally:
            for s in socks:
                s.close()
        err = r.stderr.decode(errors='replace')
        if r.returncode == 0 or r.returncode in (134, -6) and 'machine->cgs->ready' in err:
            return 'ok', '', cmd, err
        if "does not accept value 'sev-snp-guest'" in err:
            return 'skip', 'not judged: this QEMU has no sev-snp-guest (9.1+)', cmd, err
        return 'fail', 'exit status %d' % r.returncode, cmd, err

    def running(self, cmd, env):
        """Run the guest SECONDS under TCG; QMP query-status must then say running."""
        sock = os.path.join(self.scratch, 'qmp.sock')
        cmd += ['-qmp', 'unix:%s,server=on,wait=off' % sock.replace(',', ',,')]
        errpath = os.path.join(self.scratch, 'stderr')
        with open(errpath, 'wb') as errf:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=errf, cwd=self.scratch, env=env)
        try:
            ok, why = self.query(proc, sock)
        except (OSError, ValueError) as e:      # QEMU died under us (e.g. the SEV abort)
            ok, why = False, 'QMP failed: %s' % e
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if not ok and proc.returncode:
            why += ' (QEMU exit status %d)' % proc.returncode
        with open(errpath, 'rb') as f:
            return 'ok' if ok else 'fail', why, cmd, f.read().decode(errors='replace')

    def query(self, proc, path):
        # Generous: under TCG, on a loaded 2-CPU machine, OVMF can hold QEMU's
        # main loop for many seconds.
        s, deadline = socket.socket(socket.AF_UNIX), time.monotonic() + 30
        while s.connect_ex(path) != 0:          # wait=off: the socket appears once QEMU is up
            if proc.poll() is not None or time.monotonic() > deadline:
                return False, 'no QMP socket'
            time.sleep(0.05)
        s.settimeout(60)
        with s, s.makefile('rwb') as f:
            def qmp(cmd):
                f.write(json.dumps({'execute': cmd}).encode() + b'\n')
                f.flush()
                while True:                     # skip asynchronous events
                    msg = json.loads(f.readline())
                    if 'return' in msg or 'error' in msg:
                        return msg.get('return', msg)
            f.readline()                        # greeting
            qmp('qmp_capabilities')
            if self.paused:
                qmp('cont')     # a --paused command line starts stopped on purpose
            time.sleep(self.opts.expect_running)
            st = qmp('query-status')
            ok = st.get('status') == 'running' and st.get('running') is True
            # The verdict is in.  QEMU 7.2 can deadlock in `quit` when a vCPU
            # is in the middle of a synchronous pflash write (the main thread
            # waits in pause_all_vcpus for a vCPU that waits for the main
            # loop): its answer is not waited for long; running() kills it.
            s.settimeout(5)
            try:
                qmp('quit')
            except (OSError, ValueError):
                pass
        return ok, 'query-status: %s' % json.dumps(st)


def read_args(path):
    """One argument per line, a newline after the last; bytes kept as they are."""
    with open(path, 'rb') as f:
        args = f.read().decode('utf-8', 'surrogateescape').split('\n')
    if args[-1] == '':
        args.pop()
    env = dict(os.environ)
    if args and args[0] == 'env':   # `env NAME=VALUE ... QEMU ...` (<qemu:env>)
        args.pop(0)
        while args and '=' in args[0] and not args[0].startswith('/'):
            k, _, v = args.pop(0).partition('=')
            env[k] = v
    return args, env


def report(name, run, verdict, why, cmd, err):
    if verdict == 'fail':
        print('FAIL %s\n  %s: %s\n  command (cwd %s):\n    %s\n  stderr:'
              % (name, name, why, run.scratch, shlex.join(cmd)))
        print(''.join('    %s\n' % l for l in err.splitlines()), end='')
        print('  scratch kept:', run.scratch)
    else:
        print('ok %s' % name if verdict == 'ok' else 'skip %s: %s' % (name, why))
        shutil.rmtree(run.scratch, ignore_errors=True)
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description='Let QEMU (TCG) judge sevqemu --format=args output.')
    ap.add_argument('--cpu-host-as-max', action='store_true',
                    help='run -cpu host as -cpu max (TCG has no "host" model)')
    ap.add_argument('--expect-running', type=float, metavar='SECONDS',
                    help='boot the guest (SEV removed) for SECONDS and require "running"')
    ap.add_argument('--jobs', '-j', type=int, default=os.cpu_count() or 1,
                    help='how many QEMUs run at once (default: one a CPU)')
    ap.add_argument('files', nargs='+', metavar='ARGSFILE')
    opts = ap.parse_args()
    sys.stdout.reconfigure(errors='surrogateescape')    # hostile paths, byte for byte
    if not shutil.which('qemu-system-x86_64'):
        sys.exit('qemu-accept: qemu-system-x86_64 not found in PATH')
    # No core files from the expected abort (SEV under TCG), for every QEMU
    # started from here; set once, as preexec_fn is unsafe with threads.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    counts = {'ok': 0, 'fail': 0, 'skip': 0}

    def judge(name):
        argv, env = read_args(name)
        run = Run(opts)
        return (run,) + (run.execute(argv, env) if argv else ('fail', 'empty args file', [], ''))

    # Files run side by side (each QEMU has its own scratch dir, sockets and
    # images); their verdicts are printed in order.
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        verdicts = pool.map(judge, opts.files)
        for name, (run, verdict, why, cmd, err) in zip(opts.files, verdicts):
            counts[verdict] += 1
            report(name, run, verdict, why, cmd, err)
    print('qemu-accept: %d passed, %d failed, %d skipped'
          % (counts['ok'], counts['fail'], counts['skip']))
    sys.exit(1 if counts['fail'] else 0)


if __name__ == '__main__':
    main()
