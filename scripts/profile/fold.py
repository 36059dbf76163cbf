#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fold insn_profile counts into kernel symbols.

usage: fold.py KALLSYMS_LOG PROFILE [BASE_PROFILE] [--per N] [--top K]

KALLSYMS_LOG: a console log holding the guest's /proc/kallsyms (lines
"<addr> <t|T> <name> [module]"), to which the symbols of user programs
may be appended in the same form (nm -n output). PROFILE minus BASE_PROFILE (the same
boot with fewer iterations) divided by N gives instructions per iteration.
"""
import bisect
import re
import sys


def load_syms(path):
    syms = []
    pat = re.compile(r'^([0-9a-f]{8,16}) ([tTwW]) (\S+)(?:\s+\[(\S+)\])?$')
    for line in open(path, errors='replace'):
        m = pat.match(line.strip())
        if m:
            name = m.group(3) + ('[%s]' % m.group(4) if m.group(4) else '')
            syms.append((int(m.group(1), 16), name))
    syms.sort()
    return syms


def load_prof(path):
    d = {}
    for line in open(path):
        a, n = line.split()
        d[int(a, 16)] = d.get(int(a, 16), 0) + int(n)
    return d


def main():
    args = sys.argv[1:]
    per, top = 1.0, 40
    if '--per' in args:
        i = args.index('--per')
        per = float(args[i + 1])
        del args[i:i + 2]
    if '--top' in args:
        i = args.index('--top')
        top = int(args[i + 1])
        del args[i:i + 2]
    syms = load_syms(args[0])
    addrs = [s[0] for s in syms]
    prof = load_prof(args[1])
    if len(args) > 2:
        for a, n in load_prof(args[2]).items():
            prof[a] = prof.get(a, 0) - n
    by = {}
    for a, n in prof.items():
        i = bisect.bisect_right(addrs, a) - 1
        # Past the last symbol of a region (a gap of over 1 MiB): unknown.
        if i < 0 or a - syms[i][0] > (1 << 20):
            name = '[unknown]'
        else:
            name = syms[i][1]
        by[name] = by.get(name, 0) + n
    total = sum(by.values())
    print('total per iteration: %.0f instructions (%.2f us at 8 ns)'
          % (total / per, total / per * 0.008))
    for name, n in sorted(by.items(), key=lambda x: -x[1])[:top]:
        print('%10.1f  %5.1f%%  %s' % (n / per, 100.0 * n / total, name))


main()
