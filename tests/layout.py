#!/usr/bin/env python3
"""The source layout's rules (README: Layout), checked on the tree as it is.

usage: layout.py [--objects DIR]

  size       no source file (lib/ parse/ emit/ act/ measure/, sevqemu.c; not
             tests/) over 600 lines
  functions  no function over 80 lines: from the first line of its signature
             to the first line '}' after its body's '{' (a function is a
             line '{' after a line ending in ')'; its signature starts at
             the nearest line above beginning with a letter or '_').  For
             one-line signatures that is the rule of the before-stop hook
             (/work/shared/hooks/before-stop); signatures that wrap, which
             the hook does not see, are counted too.
  includes   parse/ includes nothing from emit/, act/ or measure/; emit/
             nothing from act/ or measure/, and never <libxml/...>; lib/
             nothing from parse/, emit/, act/ or measure/
  loops      no two files depend on each other, directly or round a ring:
             A.c depends on B.c when A's object (DIR/A.o, default build/)
             uses a global symbol B's object defines (nm), or when A.c or
             A.h includes B.h.  Every strongly connected component of more
             than one file is a failure naming its files and edges.  Without
             the objects (not built) this rule is skipped, and says so.

tests/layout-known.txt lists the violations known today, one a line, as
this script prints them before '--' (a '#' starts a comment):
    size FILE
    function FILE NAME
    include FILE HEADER
    loop FILE FILE...      (any loop among a subset of these files)
They are printed but do not fail; anything not listed fails, and so does a
listed entry that no longer occurs (fixed: take it off the list, so it cannot
come back unseen).  Prints a line per rule and per violation, then
"layout: N passed, N failed, N skipped" (one check per rule).
"""
import argparse
import collections
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIRS = ('lib', 'parse', 'emit', 'act', 'measure')
KNOWN = 'tests/layout-known.txt'
MAX_FILE, MAX_FUNCTION = 600, 80
# folder -> (folders it must not include from, whether <libxml/...> is refused)
FORBIDDEN = {
    'parse': (('emit', 'act', 'measure'), False),
    'emit': (('act', 'measure'), True),
    'lib': (('parse', 'emit', 'act', 'measure'), False),
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def sources():
    """Every .c and .h of the flow, root-relative, sorted."""
    files = ['sevqemu.c'] if os.path.exists('sevqemu.c') else []
    for d in DIRS:
        if os.path.isdir(d):
            files += sorted(os.path.join(d, f) for f in os.listdir(d)
                            if f.endswith(('.c', '.h')))
    return files


def lines_of(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        return f.read().splitlines()


def functions(lines):
    """(name, first line, length) of each function, by the rule above."""
    found = []
    i = 1
    while i < len(lines):
        if lines[i] == '{' and lines[i - 1].endswith(')'):
            start = i - 1
            while start > 0 and not re.match(r'[A-Za-z_]', lines[start]):
                start -= 1
            signature = ' '.join(l.strip() for l in lines[start:i])
            m = re.search(r'([A-Za-z_]\w*)\s*\(', signature)
            end = i
            while end < len(lines) and lines[end] != '}':
                end += 1
            found.append((m.group(1) if m else '?', start + 1, end - start + 1))
            i = end
        i += 1
    return found


def includes(lines):
    """(kind, name) of each #include: kind '"' or '<'."""
    return [m.groups() for m in map(INCLUDE.match, lines) if m]


class Report:
    def __init__(self, known):
        self.known = known          # entry -> still unseen
        self.counts = [0, 0, 0]

    def rule(self, name, summary, violations):
        """violations: [(entry, text)]; entries in the known list are
        printed as known; the rule fails on any other."""
        new = [(e, t) for e, t in violations if e not in self.known]
        for e, t in violations:
            if e in self.known:
                self.known[e] = False
                print('  known, to fix: %s -- %s' % (' '.join(e), t))
        for e, t in new:
            print('  FAIL %s -- %s' % (' '.join(e), t))
        if new:
            print('FAIL %s: %d new violation(s) (%s)' % (name, len(new), summary))
            self.counts[1] += 1
        else:
            nk = len(violations)
            print('ok %s: %s%s' % (name, summary, ', %d known to fix' % nk if nk else ''))
            self.counts[0] += 1

    def skip(self, name, why):
        print('skip %s: %s' % (name, why))
        self.counts[2] += 1


def check_size(report, files, text):
    over = [(('size', f), '%s has %d lines (limit %d)' % (f, len(text[f]), MAX_FILE))
            for f in files if len(text[f]) > MAX_FILE]
    largest = max(files, key=lambda f: len(text[f]))
    report.rule('size', '%d files, largest %s with %d lines'
                % (len(files), largest, len(text[largest])), over)


def check_functions(report, files, text):
    over, count, longest = [], 0, ('', '', 0)
    for f in files:
        for name, line, length in functions(text[f]):
            count += 1
            if length > longest[2] and length <= MAX_FUNCTION:
                longest = (f, name, length)
            if length > MAX_FUNCTION:
                over.append((('function', f, name), '%s:%d %s() has %d lines (limit %d)'
                             % (f, line, name, length, MAX_FUNCTION)))
    report.rule('functions', '%d functions, longest within the limit %s %s() with %d lines'
                % ((count,) + longest), over)


def check_includes(report, files, text):
    bad, count = [], 0
    for f in files:
        folder = f.split('/')[0]
        if folder not in FORBIDDEN:
            continue
        refused, no_libxml = FORBIDDEN[folder]
        for kind, name in includes(text[f]):
            count += 1
            if kind == '"' and name.split('/')[0] in refused:
                bad.append((('include', f, name), '%s includes "%s": %s/ must not use %s/'
                            % (f, name, folder, name.split('/')[0])))
            elif kind == '<' and no_libxml and name.startswith('libxml/'):
                bad.append((('include', f, name), '%s includes <%s>: %s/ knows nothing of XML'
                            % (f, name, folder)))
    report.rule('includes', '%d includes in lib/, parse/, emit/ follow the flow' % count, bad)


def nm_symbols(objs):
    """{object: (defined global symbols, undefined symbols)}, from one nm."""
    out = subprocess.run(['nm', '-P', '-A'] + objs, capture_output=True, text=True,
                         check=True).stdout
    symbols = {o: (set(), set()) for o in objs}
    for line in out.splitlines():
        where, _, rest = line.partition(': ')
        parts = rest.split()
        if where not in symbols or len(parts) < 2:
            continue
        defined, undefined = symbols[where]
        if parts[1] == 'U':
            undefined.add(parts[0])
        elif parts[1] in 'TDRBCGSVW' and parts[1].isupper():
            defined.add(parts[0])
    return symbols


def dependency_graph(files, text, objdir):
    """{A.c: {B.c: [reasons]}}, or None when an object is missing."""
    units = [f for f in files if f.endswith('.c')]
    edges = collections.defaultdict(lambda: collections.defaultdict(list))
    objs = {c: os.path.join(objdir, c[:-2] + '.o') for c in units}
    missing = [o for o in objs.values() if not os.path.exists(o)]
    if missing:
        return None, missing[0]
    symbols = nm_symbols(list(objs.values()))
    owner, wants = {}, {}
    for c in units:
        defined, wants[c] = symbols[objs[c]]
        for sym in defined:
            owner[sym] = c
    for c in units:
        for sym in sorted(wants[c]):
            if sym in owner and owner[sym] != c:
                edges[c][owner[sym]].append(sym + '()')
    for f in files:
        unit = f[:-2] + '.c'
        if unit not in units:
            continue
        for kind, name in includes(text[f]):
            target = name[:-2] + '.c' if name.endswith('.h') else None
            if kind == '"' and target in units and target != unit:
                edges[unit][target].append('#include "%s"' % name)
    return edges, None


def components(nodes, edges):
    """Tarjan's strongly connected components of more than one node."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, {})):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return sorted(found)


def check_loops(report, files, text, objdir):
    edges, missing = dependency_graph(files, text, objdir)
    if edges is None:
        report.skip('loops', 'no %s (run make first)' % missing)
        return
    units = [f for f in files if f.endswith('.c')]
    loops = []
    for comp in components(units, edges):
        inside = ['    %s -> %s: %s' % (a, b, ', '.join(edges[a][b][:4])
                                        + (', ...' if len(edges[a][b]) > 4 else ''))
                  for a in comp for b in sorted(edges[a]) if b in comp]
        known = next((e for e in report.known if e[0] == 'loop' and set(comp) <= set(e[1:])), None)
        entry = known or ('loop',) + tuple(comp)
        loops.append((entry, 'a loop of %d files:\n%s' % (len(comp), '\n'.join(inside))))
    n = sum(len(v) for v in edges.values())
    report.rule('loops', '%d files, %d dependencies between them (%s objects)'
                % (len(units), n, objdir), loops)


def read_known():
    known = {}
    if os.path.exists(KNOWN):
        with open(KNOWN, encoding='utf-8') as f:
            for line in f:
                words = line.split('#')[0].split()
                if words:
                    known[tuple(words)] = True
    return known


def main():
    ap = argparse.ArgumentParser(description='Check the source layout rules.')
    ap.add_argument('--objects', default='build', help='object dir (default build)')
    a = ap.parse_args()
    os.chdir(TOP)
    files = sources()
    text = {f: lines_of(f) for f in files}
    report = Report(read_known())
    check_size(report, files, text)
    check_functions(report, files, text)
    check_includes(report, files, text)
    check_loops(report, files, text, a.objects)
    stale = [e for e, unseen in report.known.items() if unseen]
    for e in stale:
        print('FAIL %s: "%s" no longer occurs; take it off the list' % (KNOWN, ' '.join(e)))
    report.counts[1] += len(stale)
    print('layout: %d passed, %d failed, %d skipped' % tuple(report.counts))
    return 1 if report.counts[1] else 0


if __name__ == '__main__':
    sys.exit(main())
