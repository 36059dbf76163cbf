#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Classify the kernel reports in a guest console log.

usage: kernel_reports.py LOG

Every WARNING/BUG/Oops/lockdep/KASAN/UBSAN/kmemleak report fails a run,
with one exception, a known defect of Linux 6.12 itself that no vfio
driver with pinned pages can avoid:

  type1-unmap-notify: vfio_iommu_type1's vfio_notify_dma_unmap() takes
  iommu->device_list_lock while holding iommu->lock, drops iommu->lock
  and calls the driver's dma_unmap, which must unpin (type1 BUG()s
  otherwise) and so takes iommu->lock under device_list_lock;
  vfio_iommu_type1_register_device() also nests device_list_lock inside
  iommu->lock. Lockdep reports the inversion on the first unmap of pinned
  pages; the in-tree vfio_ccw shows it too. It is excused only when the
  report names no lock but those two.

Lockdep turns itself off after its first report, so the script also says
which program was running then: lock checking covered the run up to there.
Exit status: 0 when the log holds no report or only excused ones, 1 else.
"""
import re
import sys

REPORT_RE = re.compile(
    r'^\[ *\d+\.\d+\] .*(WARNING:|BUG:|Oops|Kernel panic|'
    r'possible circular locking|possible recursive locking|'
    r'inconsistent lock state|DEBUG_LOCKS_WARN_ON|KASAN:|UBSAN:|'
    r'kmemleak: [1-9]|INFO: task .* blocked|suspicious RCU usage|'
    r'Unable to handle kernel)')
LOCK_RE = re.compile(r'\((&[\w>.-]+)\)\{')
TYPE1_LOCKS = {'&iommu->lock', '&iommu->device_list_lock'}
RUN_RE = re.compile(r'^@@ run (\S+): begin')


def main():
    lines = open(sys.argv[1], errors='replace').read().splitlines()
    bad = excused = 0
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
        locks = set()
        for line in block:
            locks.update(LOCK_RE.findall(line))
        if 'possible circular locking' in lines[i] and locks and \
                locks <= TYPE1_LOCKS:
            excused += 1
            print(f'excused: known 6.12 vfio_iommu_type1 lock inversion '
                  f'(type1-unmap-notify), during {running}; lockdep is off '
                  f'from here on')
        else:
            bad += 1
            print(f'kernel report during {running}:')
            print('\n'.join(block[:60]))
        i += len(block)
    if not bad and not excused:
        print('no kernel report')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
