#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse guest console logs of the harness and print the side-by-side table.

usage: results.py --ref LOG --ours LOG [--kunit LOG] [--xfail FILE]
                  [--stage NAME=STATUS ...] [--expect-binaries a,b,...]

A selftest binary's results come from the kselftest TAP it prints between
the init's "@@ run /bin/NAME: begin" and "@@ run /bin/NAME: end" markers.
KUnit results come from the kernel log that the plan's "dmesg" step prints.

Counting (the last line is "N passed, N failed"):
  ours:       ok -> passed; not ok, SKIP or missing -> failed
  reference:  ok -> passed, unless listed as an expected failure (then the
              list is stale: failed); not ok listed -> passed (expected);
              not ok not listed -> failed (the test is wrong)
  KUnit case: ok -> passed; not ok -> failed
  stage:      0 -> passed; else failed
"""
import argparse
import re
import sys

TAP_RE = re.compile(r'^(not )?ok \d+ (\S+)(.*)$')
RUN_BEGIN = re.compile(r'^@@ run /bin/(\S+): begin$')
RUN_END = re.compile(r'^@@ run /bin/(\S+): end (status=(\d+)|signal=(\d+))')
KMSG_PREFIX = re.compile(r'^(<\d+>)?\[ *\d+\.\d+\] ?')


def parse_selftests(path):
    """Return {binary: {"tests": {name: 'pass'|'fail'|'skip'}, "status": int|None}}."""
    out = {}
    cur = None
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            m = RUN_BEGIN.match(line)
            if m:
                cur = m.group(1)
                out[cur] = {'tests': {}, 'status': None}
                continue
            m = RUN_END.match(line)
            if m and cur == m.group(1):
                status = int(m.group(3)) if m.group(3) else 128 + int(m.group(4))
                out[cur]['status'] = status
                cur = None
                continue
            if cur is None:
                continue
            m = TAP_RE.match(line)
            if m:
                name = m.group(2)
                res = 'fail' if m.group(1) else 'pass'
                if '# SKIP' in m.group(3) or '# skip' in m.group(3):
                    res = 'skip'
                out[cur]['tests'][name] = res
    return out


def parse_kunit(path):
    """Return {suite.case[.param]: 'pass'|'fail'|'skip'} from the dmesg section.

    Cases sit at indent 4 under their suite; the parameters of a
    parameterised case sit at indent 8 and are counted one by one (the
    case's own roll-up line is then not counted again).
    """
    res = {}
    suite = case = None
    params = {}
    in_dmesg = False
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if line == '@@ dmesg: begin':
                in_dmesg = True
                continue
            if line == '@@ dmesg: end':
                in_dmesg = False
                continue
            if not in_dmesg:
                continue
            body = KMSG_PREFIX.sub('', line)
            m = re.match(r'^( *)# Subtest: (\S+)', body)
            if m:
                if len(m.group(1)) == 4:
                    suite = m.group(2)
                elif len(m.group(1)) == 8:
                    case = m.group(2)
                continue
            m = re.match(r'^( *)(not )?ok \d+ (.*?)( # .*)?$', body)
            if not m:
                continue
            indent = len(m.group(1))
            r = 'fail' if m.group(2) else 'pass'
            if m.group(4) and 'SKIP' in m.group(4):
                r = 'skip'
            name = m.group(3).strip().replace(' ', '_')
            if indent == 8 and suite and case:
                res[f'{suite}.{case}.{name}'] = r
                params[f'{suite}.{case}'] = True
            elif indent == 4 and suite:
                if f'{suite}.{name}' not in params:
                    res[f'{suite}.{name}'] = r
                elif r != 'pass':
                    res[f'{suite}.{name}'] = r
                case = None
    return res


def load_xfail(path):
    xf = {}
    if not path:
        return xf
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            key, _, reason = line.partition(' ')
            xf[key] = reason.strip()
    return xf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ref')
    ap.add_argument('--ours')
    ap.add_argument('--ours-debug')
    ap.add_argument('--kunit', action='append', default=[])
    ap.add_argument('--xfail')
    ap.add_argument('--stage', action='append', default=[])
    ap.add_argument('--expect-binaries', default='')
    args = ap.parse_args()

    passed = failed = 0
    problems = []

    for st in args.stage:
        name, _, status = st.partition('=')
        ok = status == '0'
        print(f'stage {name:<28} {"ok" if ok else "FAILED (" + status + ")"}')
        if ok:
            passed += 1
        else:
            failed += 1
            problems.append(f'stage {name} failed')

    for klog in args.kunit:
        kres = parse_kunit(klog)
        if not kres:
            failed += 1
            problems.append(f'no KUnit results in {klog}')
        kp = sum(1 for r in kres.values() if r == 'pass')
        kf = [k for k, r in kres.items() if r != 'pass']
        print(f'KUnit ({klog.split("/")[-1]}): {kp} passed, {len(kf)} failed')
        for k in kf:
            print(f'  KUnit {k}: {kres[k]}')
            problems.append(f'KUnit {k} {kres[k]}')
        passed += kp
        failed += len(kf)

    if args.ref or args.ours:
        xfail = load_xfail(args.xfail)
        ref = parse_selftests(args.ref) if args.ref else {}
        ours = parse_selftests(args.ours) if args.ours else {}
        dbg = parse_selftests(args.ours_debug) if args.ours_debug else None
        expected = [b for b in args.expect_binaries.split(',') if b]
        binaries = sorted(set(expected) | set(ref) | set(ours))
        rows = []
        for b in binaries:
            for side, data in (('reference', ref), ('ours', ours),
                               ('ours-debug', dbg)):
                if (side == 'reference' and not args.ref) or \
                   (side == 'ours' and not args.ours) or data is None:
                    continue
                if b not in data or data[b]['status'] is None:
                    problems.append(f'{side}: {b} did not run to its end')
                    failed += 1
                elif not data[b]['tests']:
                    problems.append(f'{side}: {b} printed no test result')
                    failed += 1
            names = sorted(set(ref.get(b, {}).get('tests', {})) |
                           set(ours.get(b, {}).get('tests', {})))
            for n in names:
                key = f'{b}:{n}'
                r = ref.get(b, {}).get('tests', {}).get(n, '-') if args.ref else 'n/a'
                o = ours.get(b, {}).get('tests', {}).get(n, '-') if args.ours else 'n/a'
                note = ''
                if args.ref:
                    if key in xfail:
                        if r == 'pass':
                            failed += 1
                            note = 'STALE expected failure'
                            problems.append(f'reference passes {key}, listed as expected failure')
                        else:
                            passed += 1
                            r = 'xfail'
                            note = xfail[key]
                    elif r == 'pass':
                        passed += 1
                    else:
                        failed += 1
                        note = 'reference fails: test is wrong?'
                        problems.append(f'reference {r} {key} (not an expected failure)')
                if args.ours:
                    if o == 'pass':
                        passed += 1
                    else:
                        failed += 1
                        problems.append(f'ours {o} {key}')
                d = ''
                if dbg is not None:
                    d = dbg.get(b, {}).get('tests', {}).get(n, '-')
                    if d == 'pass':
                        passed += 1
                    else:
                        failed += 1
                        problems.append(f'ours-debug {d} {key}')
                rows.append((b, n, r, o, d, note))
        w1 = max([len(f'{b}:{n}') for b, n, *_ in rows] + [10])
        dh = f'  {"debug":<5}' if dbg is not None else ''
        print()
        print(f'{"selftest":<{w1}}  {"reference":<9}  {"ours":<5}{dh}  note')
        print(f'{"-" * w1}  {"-" * 9}  {"-" * 5}{"  -----" if dh else ""}  ----')
        for b, n, r, o, d, note in rows:
            dc = f'  {d:<5}' if dbg is not None else ''
            print(f'{b + ":" + n:<{w1}}  {r:<9}  {o:<5}{dc}  {note}')
        for k in xfail:
            b, _, n = k.partition(':')
            if args.ref and n not in ref.get(b, {}).get('tests', {}):
                problems.append(f'expected failure {k} names no test that ran')
                failed += 1

    if problems:
        print()
        print('problems:')
        for p in problems:
            print(f'  {p}')
    print()
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
