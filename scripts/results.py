#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse guest console logs of the harness and print the side-by-side table.

usage: results.py --ref LOG --ours LOG [--ref-iommufd LOG]
                  [--ours-iommufd LOG] [--ours-debug LOG]
                  [--ours-debug-iommufd LOG] [--kunit LOG]
                  [--xfail FILE] [--stage NAME=STATUS ...]
                  [--expect-binaries a,b,...]

Columns: the reference and ours with the device opened through the vfio
group and a type1 container, the same through the vfio cdev and iommufd
(VFIO_CCW_BACKEND=iommufd), ours on the debug kernel through each.

A selftest binary's results come from the kselftest TAP it prints between
the init's "@@ run /bin/NAME: begin" and "@@ run /bin/NAME: end" markers.
KUnit results come from the kernel log that the plan's "dmesg" step prints.

Counting (the last line is "N passed, N failed"):
  ours:       ok -> passed; not ok, SKIP or missing -> failed
  reference:  ok -> passed, unless listed as an expected failure (then the
              list is stale: failed); not ok listed -> passed (expected);
              not ok not listed -> failed (the test is wrong). Under
              iommufd the same list applies, but a listed test may pass
              there (staleness is judged on the group column).
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


# Programs of the harness that a plan runs beside the selftests.
HELPERS = {'lockdep_count'}


def parse_selftests(path):
    """Return {binary: {"tests": {name: 'pass'|'fail'|'skip'}, "status": int|None}}."""
    out = {}
    cur = None
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            m = RUN_BEGIN.match(line)
            if m:
                cur = m.group(1) if m.group(1) not in HELPERS else None
                if cur:
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
    ap.add_argument('--ref-iommufd')
    ap.add_argument('--ours-iommufd')
    ap.add_argument('--ours-debug')
    ap.add_argument('--ours-debug-iommufd')
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

    # (column, log, is the reference, judges staleness of the list)
    cols = [(name, log, ref, stale) for name, log, ref, stale in (
        ('reference', args.ref, True, True),
        ('ours', args.ours, False, False),
        ('ref/iommufd', args.ref_iommufd, True, False),
        ('ours/iommufd', args.ours_iommufd, False, False),
        ('debug', args.ours_debug, False, False),
        ('debug/iommufd', args.ours_debug_iommufd, False, False)) if log]
    if cols:
        xfail = load_xfail(args.xfail)
        data = {name: parse_selftests(log) for name, log, _, _ in cols}
        expected = [b for b in args.expect_binaries.split(',') if b]
        binaries = sorted(set(expected).union(*[set(d) for d in data.values()]))
        rows = []
        for b in binaries:
            for name, _, _, _ in cols:
                d = data[name]
                if b not in d or d[b]['status'] is None:
                    problems.append(f'{name}: {b} did not run to its end')
                    failed += 1
                elif not d[b]['tests']:
                    problems.append(f'{name}: {b} printed no test result')
                    failed += 1
            names = sorted(set().union(*[set(data[name].get(b, {}).get('tests', {}))
                                         for name, _, _, _ in cols]))
            for n in names:
                key = f'{b}:{n}'
                cells = []
                note = ''
                for name, _, is_ref, judges in cols:
                    r = data[name].get(b, {}).get('tests', {}).get(n, '-')
                    if is_ref and key in xfail:
                        # an intermittent upstream defect may pass too
                        if r == 'pass' and judges and \
                                'intermittent' not in xfail[key]:
                            failed += 1
                            note = 'STALE expected failure'
                            problems.append(f'{name} passes {key}, listed as expected failure')
                        else:
                            passed += 1
                            if r != 'pass':
                                r = 'xfail'
                            note = note or xfail[key]
                    elif r == 'pass':
                        passed += 1
                    else:
                        failed += 1
                        if is_ref:
                            note = 'reference fails: test is wrong?'
                            problems.append(f'{name} {r} {key} (not an expected failure)')
                        else:
                            problems.append(f'{name} {r} {key}')
                    cells.append(r)
                rows.append((key, cells, note))
        w1 = max([len(k) for k, _, _ in rows] + [10])
        widths = [max(len(name), 5) for name, _, _, _ in cols]
        print()
        print(f'{"selftest":<{w1}}  ' +
              '  '.join(f'{name:<{w}}' for (name, _, _, _), w in zip(cols, widths)) +
              '  note')
        print(f'{"-" * w1}  ' + '  '.join('-' * w for w in widths) + '  ----')
        for key, cells, note in rows:
            print(f'{key:<{w1}}  ' +
                  '  '.join(f'{c:<{w}}' for c, w in zip(cells, widths)) +
                  f'  {note}')
        if args.ref:
            for k in xfail:
                b, _, n = k.partition(':')
                if n not in data['reference'].get(b, {}).get('tests', {}):
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
