#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Classify the kernel reports in a guest console log.

usage: kernel_reports.py LOG

Every WARNING/BUG/Oops/lockdep/KASAN/UBSAN/kmemleak report fails a run.
There is no exception: the inversion of vfio_iommu_type1's two locks in
Linux 6.12 (iommu->lock, device_list_lock), which every vfio driver that
unpins in dma_unmap trips, is fixed in the debug test kernel by the patch
in scripts/kconfig/patches/debug/; the base kernel has no lockdep.

Lockdep turns itself off after its first report, so the script also says
which program was running then: lock checking covered the run up to there.
Exit status: 0 when the log holds no report, 1 else.
"""
import re
import sys

REPORT_RE = re.compile(
    r'^\[ *\d+\.\d+\] .*(WARNING:|BUG:|Oops|Kernel panic|'
    r'possible circular locking|possible recursive locking|'
    r'inconsistent lock state|DEBUG_LOCKS_WARN_ON|KASAN:|UBSAN:|'
    r'kmemleak: [1-9]|INFO: task .* blocked|suspicious RCU usage|'
    r'Unable to handle kernel)')
RUN_RE = re.compile(r'^@@ run (\S+): begin')


def main():
    lines = open(sys.argv[1], errors='replace').read().splitlines()
    bad = 0
    running = '(boot)'
    i = 0
    while i < len(lines):
        m = RUN_RE.match(lines[i])
        if m:
            running = m.group(1)
        if not REPORT_RE.match(lines[i]):
            i += 1
            continue
        # A report runs until the next "---[ end trace" or 80 lines.
        block = lines[i:i + 80]
        for j, line in enumerate(block):
            if 'end trace' in line:
                block = block[:j + 1]
                break
        bad += 1
        print(f'kernel report during {running}:')
        print('\n'.join(block[:60]))
        i += len(block)
    if not bad:
        print('no kernel report')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
