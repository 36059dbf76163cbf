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
the init's "@@ run /bin/NAME: begin" and "@@ run /bin/NAME: end" markers;
KUnit results from the kernel log that the plan's "dmesg" step prints.

This file prints the table; parsing the logs and the scoring rules (what
passes and fails, the reference's expected failures) are in
scripts/results_score.py. The last line is "N passed, N failed"; the exit
status is 1 when anything failed.
"""
import argparse
import sys

sys.dont_write_bytecode = True  # no __pycache__ in scripts/
import results_score  # noqa: E402  (scripts/ is sys.path[0])


def print_stage(st):
    print(f'stage {st.name:<28} {"ok" if st.ok else "FAILED (" + st.status + ")"}')


def print_kunit(k):
    print(f'KUnit ({k.log.split("/")[-1]}): {k.passed} passed, {len(k.failed)} failed')
    for case, r in k.failed:
        print(f'  KUnit {case}: {r}')


def print_table(sc):
    w1 = max([len(row.key) for row in sc.rows] + [10])
    widths = [max(len(c.name), 5) for c in sc.columns]
    print()
    print(f'{"selftest":<{w1}}  ' +
          '  '.join(f'{c.name:<{w}}' for c, w in zip(sc.columns, widths)) +
          '  note')
    print(f'{"-" * w1}  ' + '  '.join('-' * w for w in widths) + '  ----')
    for row in sc.rows:
        print(f'{row.key:<{w1}}  ' +
              '  '.join(f'{c:<{w}}' for c, w in zip(row.cells, widths)) +
              f'  {row.note}')


def print_summary(sc):
    if sc.problems:
        print()
        print('problems:')
        for p in sc.problems:
            print(f'  {p}')
    print()
    print(f'{sc.passed} passed, {sc.failed} failed')


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

    # Each part is printed as soon as it is scored.
    sc = results_score.Score()
    for st in args.stage:
        print_stage(results_score.score_stage(sc, st))
    for klog in args.kunit:
        print_kunit(results_score.score_kunit(sc, klog))
    cols = results_score.columns(args.ref, args.ours, args.ref_iommufd,
                                  args.ours_iommufd, args.ours_debug,
                                  args.ours_debug_iommufd)
    if cols:
        xfail = results_score.load_xfail(args.xfail)
        expected = [b for b in args.expect_binaries.split(',') if b]
        results_score.score_selftests(sc, cols, xfail, expected)
        print_table(sc)
    print_summary(sc)
    return 0 if sc.ok() else 1


if __name__ == '__main__':
    sys.exit(main())
