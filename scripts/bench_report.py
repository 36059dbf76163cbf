#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The report of `make bench`: a table and a latency plot.

Reads the console logs of scripts/bench.sh (build/bench/logs/
roundR-DRIVER-KIND.log), collects the "BENCH key=value ..." lines that
/bin/vfio_ccw_bench printed, and writes to stdout a table with, for each
figure, the reference, ours, the floor where there is one, the ratios
ours/reference and ours/floor and the issue's goal; and DIR/latency.svg,
the distribution (CDF) of the SENSE ID round trip (a) of every boot.

Each figure is the median over the rounds of the per-boot figure; the
range column shows the min..max of the per-round ratios ours/reference
(the rounds alternate the drivers, ABBA), a measure of the noise.
Standard library only.
"""

import argparse
import math
import os
import re
import statistics
import sys

NAME_RE = re.compile(r'round(\d+)-(\w+)-(\w+?)(?:-(\w+))?\.log$')


def parse_line(line):
    """The key=value pairs of a BENCH line (the floor's raw= tail dropped)."""
    rec = {}
    for tok in line.split()[1:]:
        if '=' not in tok:
            continue
        k, v = tok.split('=', 1)
        if k == 'raw':
            break
        rec[k] = v
    return rec


def timelines(paths, clock, outdir):
    """The traced round trip of (a), per driver, from its first lat boot."""
    out = []
    for p in sorted(paths):
        m = NAME_RE.search(os.path.basename(p))
        if not m or m.group(3) != 'lat':
            continue
        drv = m.group(2)
        dest = os.path.join(outdir, f'timeline-{clock}-{drv}.txt')
        if dest in out:
            continue
        lines = []
        with open(p, errors='replace') as f:
            for line in f:
                if line.startswith('BENCH ') and ' test=timeline ' in line:
                    lines.append(line.split(' test=timeline ', 1)[1])
        if lines:
            with open(dest, 'w') as f:
                f.write(f'# {drv}: one traced SENSE ID round trip ({clock} clock; '
                        'each event costs time too), from '
                        f'{os.path.basename(p)}\n')
                f.writelines(lines)
            out.append(dest)
    return out


def load(paths):
    """{(kind, test, driver): {round: record}}, and the CDFs per boot."""
    data, cdfs = {}, []
    for p in paths:
        m = NAME_RE.search(os.path.basename(p))
        if not m:
            continue
        rnd, drv, kind = int(m.group(1)), m.group(2), m.group(3)
        cpus = '?'
        with open(p, errors='replace') as f:
            for line in f:
                if not line.startswith('BENCH '):
                    continue
                rec = parse_line(line)
                test = rec.get('test')
                if test == 'info':
                    cpus = rec.get('cpus', '?')
                    continue
                if 'cdf_us' in rec:
                    try:
                        vals = [float(x) for x in rec['cdf_us'].split(',')]
                    except ValueError:
                        continue
                    cdfs.append((drv, kind, rnd, cpus, test, vals))
                    continue
                rec['cpus'] = cpus
                data.setdefault((kind, test, drv), {})[rnd] = rec
    return data, cdfs


def num(rec, field):
    try:
        v = float(rec[field])
    except (KeyError, ValueError, TypeError):
        return None
    if field.endswith('_us') and float(rec.get('n', 1)) <= 0:
        return None
    return v


def per_round(data, kind, test, drv, field):
    return {r: v for r, rec in data.get((kind, test, drv), {}).items()
            if (v := num(rec, field)) is not None}


def med(vals):
    vals = list(vals)
    return statistics.median(vals) if vals else None


def fmt(v, unit=''):
    if v is None:
        return '-'
    if abs(v) >= 10000:
        s = f'{v:.0f}'
    elif abs(v) >= 100:
        s = f'{v:.1f}'
    else:
        s = f'{v:.2f}'
    return s + unit


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


# (label, kind, test, field, goal: (op, bound) on ours/ref or None)
FIGURES = [
    ('(a) SENSE ID round trip, median [us]', 'lat', 'a', 'median_us', ('<=', 0.6)),
    ('(a) SENSE ID round trip, p99 [us]', 'lat', 'a', 'p99_us', None),
    ('(a) phase: pwrite of the I/O region, median [us]', 'lat', 'a', 'write_us', None),
    ('(a) phase: wait (read of the eventfd), median [us]', 'lat', 'a', 'wait_us', None),
    ('(a) phase: pread of the IRB, median [us]', 'lat', 'a', 'read_us', None),
    ('(a) with a NOP, no page to pin, median [us]', 'lat', 'a_nop', 'median_us', None),
    ('(b) 64 CCWs, 64 IDAL pages, median [us]', 'lat', 'b', 'median_us', ('<=', 0.5)),
    ('(b) 64 CCWs, p99 [us]', 'lat', 'b', 'p99_us', None),
    ('(c) 256 CCWs, 256 IDAL pages, median [us]', 'lat', 'c', 'median_us', ('<=', 0.5)),
    ('(c) 256 CCWs, p99 [us]', 'lat', 'c', 'p99_us', None),
    ('(d) CSCH over a suspended start, median [us]', 'lat', 'd', 'median_us', ('<=', 0.6)),
    ('(d) CSCH, p99 [us]', 'lat', 'd', 'p99_us', None),
    ('(e) throughput, N threads, 1 vCPU [ops/s]', 'lat', 'e', 'ops_per_s', ('>=', 1.5)),
    ('(e) throughput, N threads, 2 vCPUs [ops/s]', 'tput', 'e', 'ops_per_s', ('>=', 1.5)),
    ('(a) on 2 vCPUs, median [us]', 'tput', 'a', 'median_us', None),
    ('(f) kernel memory per open device, objects [B]', 'lat', 'f_open', 'obj_bytes_per_dev', ('<=', 1.0)),
    ('(f) per open device, pages [B]', 'lat', 'f_open', 'page_bytes_per_dev', None),
    ('(f) kernel memory per bound device+mdev, objects [B]', 'lat', 'f_bind', 'obj_bytes_per_dev', ('<=', 1.0)),
    ('(f) per bound device+mdev, pages [B]', 'lat', 'f_bind', 'page_bytes_per_dev', None),
]


def limits(data):
    """Floor, system call, eventfd: every lat boot of every driver."""
    out = {}
    for test, field in (('floor', 'median_us'), ('floor', 'p99_us'),
                        ('syscall', 'median_us'), ('eventfd', 'median_us')):
        vals = []
        for (kind, t, _drv), recs in data.items():
            if kind == 'lat' and t == test:
                vals += [v for rec in recs.values()
                         if (v := num(rec, field)) is not None]
        out[(test, field)] = med(vals)
    f, s = out[('floor', 'median_us')], out[('syscall', 'median_us')]
    out['limit'] = f + 3 * s if f is not None and s is not None else None
    return out


def table(data, lim):
    rows = [('figure', 'reference', 'ours', 'floor', 'ours/ref',
             'ours/floor', 'range/round', 'goal', 'met')]
    verdicts = []
    for label, kind, test, field, goal in FIGURES:
        ref = per_round(data, kind, test, 'ref', field)
        ours = per_round(data, kind, test, 'ours', field)
        r_med, o_med = med(ref.values()), med(ours.values())
        rr = ratio(o_med, r_med)
        pairs = [ours[r] / ref[r] for r in ours if r in ref and ref[r]]
        rng = f'{min(pairs):.2f}..{max(pairs):.2f}' if pairs else '-'
        floor = flo_ratio = None
        if (test, field) == ('a', 'median_us') and kind == 'lat':
            floor = lim[('floor', 'median_us')]
        elif (test, field) == ('a', 'p99_us') and kind == 'lat':
            floor = lim[('floor', 'p99_us')]
        flo_ratio = ratio(o_med, floor)
        g = met = ''
        if goal:
            op, bound = goal
            g = f'{op} {bound}x'
            if rr is None:
                met = 'n/a'
            else:
                met = 'yes' if (rr <= bound if op == '<=' else rr >= bound) else 'NO'
            verdicts.append((label, met))
        rows.append((label, fmt(r_med), fmt(o_med), fmt(floor),
                     fmt(rr), fmt(flo_ratio), rng, g, met))
    # The limit of a user-space protocol: floor + write, wait, read.
    o_a = med(per_round(data, 'lat', 'a', 'ours', 'median_us').values())
    r_a = med(per_round(data, 'lat', 'a', 'ref', 'median_us').values())
    L = lim['limit']
    lr = ratio(o_a, L)
    met = 'n/a' if lr is None else ('yes' if lr <= 2 else 'NO')
    rows.append(('(a) vs limit = floor + 3 syscalls [us]', fmt(r_a),
                 fmt(o_a), fmt(L), fmt(ratio(o_a, r_a)), fmt(lr), '-',
                 'ours <= 2x limit', met))
    verdicts.append(('(a) within 2x of the limit', met))
    rows.append(('floor: SENSE ID in the kernel, median [us]', '', '',
                 fmt(lim[('floor', 'median_us')]), '', '', '', '', ''))
    rows.append(('floor: p99 [us]', '', '', fmt(lim[('floor', 'p99_us')]),
                 '', '', '', '', ''))
    rows.append(('one system call (getppid), median [us]', '', '',
                 fmt(lim[('syscall', 'median_us')]), '', '', '', '', ''))
    rows.append(('eventfd write+poll+read, median [us]', '', '',
                 fmt(lim[('eventfd', 'median_us')]), '', '', '', '', ''))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        lines.append('  '.join(c.ljust(widths[j]) if j == 0 else c.rjust(widths[j])
                               for j, c in enumerate(r)).rstrip())
        if i == 0:
            lines.append('-' * len(lines[0]))
    return lines, verdicts


def errors_summary(data):
    out = []
    for (kind, test, drv), recs in sorted(data.items()):
        for rnd, rec in sorted(recs.items()):
            e = rec.get('errors')
            if e not in (None, '0') or 'skipped' in rec or rec.get('lost', '0') != '0':
                out.append(f'  round {rnd} {drv} {kind} {test}: errors={e}'
                           f" {rec.get('last_error', '')}"
                           f" {('skipped=' + rec['skipped']) if 'skipped' in rec else ''}"
                           f" {('lost=' + rec['lost']) if rec.get('lost', '0') != '0' else ''}".rstrip())
    return out


def svg(cdfs, lim, path, clock):
    """CDF of the (a) round trips, log x axis, one polyline per boot."""
    W, H, ml, mr, mt, mb = 860, 520, 70, 200, 40, 60
    curves = [c for c in cdfs if c[4] == 'a']
    xs = [v for c in curves for v in c[5] if v > 0]
    for k in (('floor', 'median_us'), 'limit'):
        if lim.get(k):
            xs.append(lim[k])
    if not xs:
        return False
    lo, hi = min(xs) / 1.25, max(xs) * 1.25

    def X(v):
        v = max(v, lo)
        return ml + (math.log10(v) - math.log10(lo)) / \
            (math.log10(hi) - math.log10(lo)) * (W - ml - mr)

    def Y(p):
        return H - mb - p / 100 * (H - mt - mb)

    colors = {'ref': '#1f5fbf', 'ours': '#d03020'}
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
         f'font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{ml}" y="22" font-size="15">(a) SENSE ID round trip '
         f'(write, eventfd, read): distribution per boot, {clock} clock</text>']
    d = math.floor(math.log10(lo))
    while 10 ** d <= hi:
        for m in range(1, 10):
            v = m * 10 ** d
            if v < lo or v > hi:
                continue
            x = X(v)
            o.append(f'<line x1="{x:.1f}" y1="{mt}" x2="{x:.1f}" y2="{H - mb}" '
                     f'stroke="#{"ccc" if m == 1 else "eee"}"/>')
            if m in (1, 2, 5):
                o.append(f'<text x="{x:.1f}" y="{H - mb + 16}" '
                         f'text-anchor="middle">{v:g}</text>')
        d += 1
    for p in range(0, 101, 10):
        y = Y(p)
        o.append(f'<line x1="{ml}" y1="{y:.1f}" x2="{W - mr}" y2="{y:.1f}" stroke="#eee"/>')
        o.append(f'<text x="{ml - 6}" y="{y + 4:.1f}" text-anchor="end">{p}%</text>')
    o.append(f'<text x="{(ml + W - mr) / 2}" y="{H - 18}" text-anchor="middle">'
             'latency [us], log scale</text>')
    o.append(f'<rect x="{ml}" y="{mt}" width="{W - ml - mr}" height="{H - mt - mb}" '
             'fill="none" stroke="#444"/>')
    for k, name in ((('floor', 'median_us'), 'floor (in-kernel)'),
                    ('limit', 'limit (floor + 3 syscalls)')):
        v = lim.get(k)
        if v:
            o.append(f'<line x1="{X(v):.1f}" y1="{mt}" x2="{X(v):.1f}" y2="{H - mb}" '
                     'stroke="#2a2" stroke-dasharray="4,3"/>')
            o.append(f'<text x="{X(v) + 3:.1f}" y="{mt + 12 + (14 if k == "limit" else 0)}" '
                     f'fill="#2a2">{name}</text>')
    for drv, kind, rnd, cpus, _t, vals in sorted(curves):
        pts = ' '.join(f'{X(v):.1f},{Y(p):.1f}' for p, v in enumerate(vals))
        dash = '' if kind == 'lat' else ' stroke-dasharray="6,3"'
        o.append(f'<polyline fill="none" stroke="{colors.get(drv, "#888")}" '
                 f'stroke-width="1.5" opacity="0.8"{dash} points="{pts}">'
                 f'<title>{drv} round {rnd} {cpus} vCPU</title></polyline>')
    ly = mt + 10
    for drv in ('ref', 'ours'):
        for kind, dash, what in (('lat', '', '1 vCPU'), ('tput', '6,3', '2 vCPUs')):
            if not any(c[0] == drv and c[1] == kind for c in curves):
                continue
            x0 = W - mr + 12
            o.append(f'<line x1="{x0}" y1="{ly}" x2="{x0 + 30}" y2="{ly}" '
                     f'stroke="{colors[drv]}" stroke-width="2" '
                     f'stroke-dasharray="{dash or "none"}"/>')
            o.append(f'<text x="{x0 + 36}" y="{ly + 4}">'
                     f'{"reference" if drv == "ref" else "ours"}, {what}</text>')
            ly += 20
    o.append('</svg>')
    with open(path, 'w') as f:
        f.write('\n'.join(o) + '\n')
    return True


CLOCKS = {
    'virtual': 'virtual clock (qemu -icount: guest instructions, 8 ns each; '
               'exact, load-independent; qemu\'s own emulation is free)',
    'wall': 'wall clock (includes qemu emulation and host scheduling; on a '
            'shared machine the range/round column shows how far to trust it: '
            'judge the goals on the virtual clock when it is there)',
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default='build/bench')
    ap.add_argument('logs', nargs='+')
    args = ap.parse_args()
    groups = {}
    for p in args.logs:
        m = NAME_RE.search(os.path.basename(p))
        if m:
            groups.setdefault(m.group(4) or 'wall', []).append(p)
    if not groups:
        print('bench: no round*.log among', ' '.join(args.logs))
        return 1
    print('vfio_ccw benchmark: ours against the in-tree reference '
          '(qemu-system-s390x TCG guest)')
    rc = 1
    for clock in sorted(groups, key=lambda c: (c != 'virtual', c)):
        print()
        print(f'=== {CLOCKS.get(clock, clock)}')
        if report(groups[clock], clock, args.out) == 0:
            rc = 0
    return rc


def report(paths, clock, outdir):
    data, cdfs = load(paths)
    if not data:
        print('bench: no BENCH lines in', ' '.join(paths))
        return 1
    lim = limits(data)
    lines, verdicts = table(data, lim)
    boots = {}
    for p in paths:
        m = NAME_RE.search(os.path.basename(p))
        if m:
            boots.setdefault(m.group(2), set()).add(int(m.group(1)))
    devs = {rec.get('threads') for (k, t, _d), recs in data.items()
            if t == 'e' for rec in recs.values()}
    print('rounds: ' + ', '.join(f'{d} {len(r)}' for d, r in sorted(boots.items()))
          + f'; figures are medians over rounds; (e) threads: {",".join(sorted(x for x in devs if x))}')
    print()
    print('\n'.join(lines))
    print()
    errs = errors_summary(data)
    if errs:
        print('errors / skips:')
        print('\n'.join(errs))
        print()
    print('goals: ' + '; '.join(f'{label.split(",")[0]}: {met}'
                                for label, met in verdicts))
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, f'latency-{clock}.svg')
    if svg(cdfs, lim, path, clock):
        print(f'plot: {path}')
    for t in timelines(paths, clock, outdir):
        print(f'timeline: {t}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
