#!/usr/bin/env python3
"""The data-driven cases: golden command lines and bad inputs, run in parallel.

usage: cases.py [--update] [--jobs N] [--wrap CMD] [--timeout S] [golden|bad ...] [NAME-GLOB ...]

Golden: every testdata/NAME.xml runs as
    sevqemu --dry-run --format=args -d build/golden/state [NAME.opts...] NAME.xml
and must exit 0 with standard output exactly testdata/NAME.args and standard
error exactly testdata/NAME.err (no .err: standard error must be empty).  The
outputs stay in build/golden/NAME.args and .err for tests/qemu-accept.py.

Bad: every testdata/bad/NAME.xml runs twice, with --dry-run and as a real run,
each as  sevqemu [--dry-run] -d build/bad-state/NAME [NAME.opts...] NAME.xml.
testdata/bad/NAME.expect holds the exit status (line 1) and the error line
(line 2: the first stderr line that is neither a warning nor a note);
testdata/bad/NAME.err the whole standard error.  Both runs must give that
status and exactly that standard error, print nothing on standard output and
leave build/bad-state/NAME uncreated (nothing is written on an error).  One
.err serves both runs: a dry run that fails has no file it "would write", so
its standard error is the real run's, line for line.

NAME.opts (both kinds): extra options, one per line (empty lines ignored); a
line STDIN feeds the XML on standard input, as '-'.  A case file (.args, .err,
.opts, .expect) without its .xml fails: it is a case that stopped running.

Every run has SEVQEMU_TEST_CPUID=0:0 (a CPU without SEV, the same on every
host), SEVQEMU_TEST_HOST_ROOT=testdata/host (the SCSI devices a hostdev
finds, whatever this host has), HOME set to a directory that does not exist under build/, no XDG_*
variables, LC_ALL=C, and a timeout (30 s; --timeout S).  Standard error is compared after the
checkout's absolute path is replaced by $TOP, so the files hold no path of
this machine.

--update (or UPDATE=1) rewrites .args/.err/.expect from the current binary;
read the diff before committing.  SEVQEMU=path runs another build; --wrap CMD
runs every case under CMD (tests/valgrind.sh: valgrind, its reports going to
standard error, where the comparison catches them).

Prints "ok NAME" or "FAIL NAME" with what differed, then
"golden: N passed, N failed, N skipped" and "bad: ...".  Exits 1 on a failure.
"""
import argparse
import concurrent.futures
import difflib
import fnmatch
import glob
import itertools
import os
import shlex
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN, BAD = 'testdata', 'testdata/bad'
GOLDEN_OUT, BAD_OUT, BAD_STATE = 'build/golden', 'build/bad-out', 'build/bad-state'


def read_opts(path):
    """NAME.opts: (options, whether the XML goes on standard input)."""
    opts, stdin = [], False
    if os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            for line in f.read().splitlines():
                if line == 'STDIN':
                    stdin = True
                elif line:
                    opts.append(line)
    return opts, stdin


def read_file(path, default=None):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except FileNotFoundError:
        return default


def write_file(path, data):
    with open(path, 'wb') as f:
        f.write(data)


class Result:
    def __init__(self, family, name):
        self.family, self.name, self.why = family, name, []

    def complain(self, *lines):
        self.why.extend(lines)

    def report(self):
        if not self.why:
            return 'ok %s' % self.name
        return 'FAIL %s\n%s' % (self.name, '\n'.join('  ' + l for l in self.why))


class Runner:
    def __init__(self, binary, wrap, update, timeout):
        self.binary, self.wrap, self.update, self.timeout = binary, wrap, update, timeout
        self.env = {k: v for k, v in os.environ.items() if not k.startswith('XDG_')}
        self.env.update(SEVQEMU_TEST_CPUID='0:0', LC_ALL='C',
                        SEVQEMU_TEST_HOST_ROOT=os.path.join(TOP, 'testdata', 'host'),
                        HOME=os.path.join(TOP, 'build', 'cases-home-absent'))

    def run(self, args, stdin_path):
        """(status, stdout, stderr) of one run; stderr with $TOP in place
        of the checkout's path.  Status as a shell gives it: 124 a timeout,
        128+N a signal."""
        cmd = self.wrap + [self.binary] + args
        stdin = open(stdin_path, 'rb') if stdin_path else subprocess.DEVNULL
        try:
            r = subprocess.run(cmd, stdin=stdin, capture_output=True,
                               env=self.env, timeout=self.timeout)
            status, out, err = r.returncode, r.stdout, r.stderr
        except subprocess.TimeoutExpired as e:
            status, out = 124, e.stdout or b''
            err = (e.stderr or b'') + b'(timed out after %g s)\n' % self.timeout
        finally:
            if stdin_path:
                stdin.close()
        if status < 0:
            status = 128 - status
        return status, out, err.replace(TOP.encode() + b'/', b'$TOP/')


def describe_status(status):
    if status > 128:
        return '%d (killed by signal %d)' % (status, status - 128)
    return str(status)


def text(data):
    return data.decode('utf-8', 'backslashreplace')


def diff(want, got, label):
    lines = difflib.unified_diff(text(want).splitlines(), text(got).splitlines(),
                                 label + ' (expected)', label + ' (got)', lineterm='', n=2)
    out = list(lines)
    return out[:40] + (['... (%d more lines)' % (len(out) - 40)] if len(out) > 40 else [])


def error_line(err):
    """The first stderr line that is neither a warning nor a note."""
    for line in err.decode('utf-8', 'surrogateescape').splitlines():
        if ': warning: ' not in line and ': note: ' not in line:
            return line
    return ''


# --- golden ---------------------------------------------------------------

def golden_case(runner, name):
    res = Result('golden', name)
    base = os.path.join(GOLDEN, name)
    opts, stdin = read_opts(base + '.opts')
    args = ['--dry-run', '--format=args', '-d', GOLDEN_OUT + '/state'] + opts
    args.append('-' if stdin else base + '.xml')
    status, out, err = runner.run(args, base + '.xml' if stdin else None)
    write_file(os.path.join(GOLDEN_OUT, name + '.args'), out)
    write_file(os.path.join(GOLDEN_OUT, name + '.err'), err)
    if runner.update and status == 0:
        write_file(base + '.args', out)
        if err:
            write_file(base + '.err', err)
        elif os.path.exists(base + '.err'):
            os.unlink(base + '.err')
    if status != 0:
        res.complain('exit status %s, expected 0; stderr:' % describe_status(status))
        res.complain(*('| ' + l for l in text(err).splitlines()))
        return res
    want = read_file(base + '.args')
    if want is None:
        res.complain('no %s.args (UPDATE=1 writes it)' % base)
    elif out != want:
        res.complain('command line differs from %s.args:' % base, *diff(want, out, 'stdout'))
    want_err = read_file(base + '.err', b'')
    if err != want_err:
        res.complain('stderr differs from %s.err%s:' % (base, '' if want_err else ' (absent: empty)'),
                     *diff(want_err, err, 'stderr'))
    return res


# --- bad ------------------------------------------------------------------

def read_expect(path, res):
    """NAME.expect: (status, error line), or None after complaining."""
    data = read_file(path)
    if data is None:
        res.complain('no %s (line 1: exit status, line 2: error line)' % path)
        return None
    lines = data.decode('utf-8', 'surrogateescape').split('\n')
    status, line = lines[0], lines[1] if len(lines) > 1 else ''
    if not status.isdigit():
        res.complain("%s: line 1 '%s' is not an exit status" % (path, status))
        return None
    return int(status), line


def created(state):
    """What a run left at its state dir, which must stay absent."""
    if not os.path.lexists(state):
        return []
    return [state] + sorted(os.path.join(d, f) for d, ds, fs in os.walk(state) for f in ds + fs)


def check_run(res, label, got, want_status, want_line, want_err, state):
    status, out, err, left = got
    if status != want_status:
        res.complain('%s: exit status %s, expected %d' % (label, describe_status(status), want_status))
    if out:
        res.complain('%s: stdout should be empty, got:' % label,
                     *('+' + l for l in text(out).splitlines()))
    line = error_line(err)
    if line != want_line:
        res.complain('%s: error line' % label, '-' + want_line,
                     '+' + line if err else '+(stderr is empty)')
    if want_err is not None and err != want_err:
        res.complain('%s: stderr differs from the .err:' % label, *diff(want_err, err, 'stderr'))
    if left:
        res.complain('%s: %s was created (nothing may be written on an error):' % (label, state),
                     *('+' + f for f in left))


def both_ways(runner, res, args, stdin, want, out_base):
    """Runs the case as a dry run then as a real run, each with a fresh,
    absent state dir.  want: (status, error line, whole stderr or None);
    None takes them from the real run (--update)."""
    state = os.path.join(BAD_STATE, res.name)
    runs = {}
    for label, extra in (('--dry-run', ['--dry-run']), ('real run', [])):
        shutil.rmtree(state, ignore_errors=True)
        status, out, err = runner.run(extra + ['-d', state] + args, stdin)
        tag = out_base + ('.dry' if extra else '.real')
        write_file(tag + '.out', out)
        write_file(tag + '.err', err)
        runs[label] = (status, out, err, created(state))
    shutil.rmtree(state, ignore_errors=True)
    if want is None:
        status, _, err, _ = runs['real run']
        want = (status, error_line(err), err)
    for label, got in runs.items():
        check_run(res, label, got, *want, state)
    return runs['real run']


def bad_case(runner, name):
    res = Result('bad', name)
    base = os.path.join(BAD, name)
    opts, stdin = read_opts(base + '.opts')
    args = opts + ['-' if stdin else base + '.xml']
    out_base = os.path.join(BAD_OUT, name)
    if runner.update:
        status, _, err, _ = both_ways(runner, res, args, base + '.xml' if stdin else None,
                                      None, out_base)
        if status == 0:
            res.complain('exit status 0: not written to %s.expect' % base)
        else:
            write_file(base + '.expect', ('%d\n%s\n' % (status, error_line(err)))
                       .encode('utf-8', 'surrogateescape'))
            write_file(base + '.err', err)
        return res
    expect = read_expect(base + '.expect', res)
    if expect is None:
        return res
    want_err = read_file(base + '.err')
    if want_err is None:
        res.complain('no %s.err (UPDATE=1 writes it)' % base)
    both_ways(runner, res, args, base + '.xml' if stdin else None,
              expect + (want_err,), out_base)
    return res


def missing_input(runner, name):
    """Built in: an input file that does not exist (exit 66)."""
    res = Result('bad', name)
    xml = os.path.join(BAD, 'does-not-exist.xml')
    line = 'sevqemu: %s: cannot open: No such file or directory' % xml
    if os.path.exists(xml):
        res.complain('%s exists; this check needs it absent' % xml)
        return res
    both_ways(runner, res, [xml], None, (66, line, (line + '\n').encode()),
              os.path.join(BAD_OUT, name))
    return res


# --- the cases ------------------------------------------------------------

def orphans(family, folder, exts):
    """Case files whose .xml is gone: each is a failed case."""
    found = []
    for ext in exts:
        for path in sorted(glob.glob(os.path.join(folder, '*' + ext))):
            if not os.path.exists(path[:-len(ext)] + '.xml'):
                res = Result(family, os.path.basename(path))
                res.complain('%s has no %s.xml' % (path, path[:-len(ext)]))
                found.append(res)
    return found


# The files that make a case, besides its .xml.
CASE_FILES = {'golden': (GOLDEN, ('.args', '.err', '.opts')),
              'bad': (BAD, ('.expect', '.err', '.opts'))}


def names(folder):
    return sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(folder, '*.xml')))


def main():
    ap = argparse.ArgumentParser(description='Golden and bad-input cases of sevqemu.')
    ap.add_argument('--update', action='store_true', default=os.environ.get('UPDATE') == '1',
                    help='rewrite .args/.err/.expect from the current binary (also UPDATE=1)')
    ap.add_argument('--jobs', '-j', type=int, default=int(os.environ.get('JOBS', '0')) or
                    min(8, max(4, 2 * (os.cpu_count() or 1))), help='parallel runs')
    ap.add_argument('--wrap', default='', help='a command to run each sevqemu under')
    ap.add_argument('--timeout', type=float, default=30, help='seconds a run may take (30)')
    ap.add_argument('select', nargs='*', metavar='golden|bad|NAME-GLOB')
    a = ap.parse_args()
    families = [s for s in a.select if s in ('golden', 'bad')] or ['golden', 'bad']
    globs = [s for s in a.select if s not in ('golden', 'bad')] or ['*']

    # The test build: SEVQEMU_TEST_CPUID is a test hook the shipped binary lacks.
    binary = os.environ.get('SEVQEMU_HOOKS_BIN', os.environ.get('SEVQEMU', os.path.join(TOP, 'build', 'sevqemu-test')))
    binary = os.path.abspath(binary)
    os.chdir(TOP)
    if not os.access(binary, os.X_OK):
        sys.exit('cases: %s is not built (run make)' % binary)
    runner = Runner(binary, shlex.split(a.wrap), a.update, a.timeout)
    sys.stdout.reconfigure(errors='backslashreplace')

    jobs = []   # (family, function, name)
    if 'golden' in families:
        shutil.rmtree(GOLDEN_OUT, ignore_errors=True)
        os.makedirs(GOLDEN_OUT)
        jobs += [('golden', golden_case, n) for n in names(GOLDEN)]
    if 'bad' in families:
        for d in (BAD_OUT, BAD_STATE):
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
        jobs += [('bad', bad_case, n) for n in names(BAD)]
        jobs.append(('bad', missing_input, 'missing-input'))
    jobs = [j for j in jobs if any(fnmatch.fnmatchcase(j[2], g) for g in globs)]

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        futures = [(family, pool.submit(fn, runner, name)) for family, fn, name in jobs]
        for family in families:
            # Printed as they finish, in order, one family after the other.
            results = (f.result() for fam, f in futures if fam == family)
            if globs == ['*']:
                folder, exts = CASE_FILES[family]
                results = itertools.chain(results, orphans(family, folder, exts))
            counts = [0, 0, 0]
            for res in results:
                print(res.report(), flush=True)
                counts[1 if res.why else 0] += 1
            print('%s: %d passed, %d failed, %d skipped' % ((family,) + tuple(counts)), flush=True)
            failed += counts[1]
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
