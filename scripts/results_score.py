# SPDX-License-Identifier: GPL-2.0
"""The scoring rules of the harness's results: parse, judge, count.

Imported by scripts/results.py, which prints what the score_*() steps return;
this module prints nothing. Standard library only.

Counting:
  ours:       ok -> passed; not ok, SKIP or missing -> failed
  reference:  ok -> passed, unless listed as an expected failure (then the
              list is stale: failed); not ok listed -> passed (expected);
              not ok not listed -> failed (the test is wrong). Under
              iommufd the same list applies, but a listed test may pass
              there (staleness is judged on the group column). An entry
              whose reason says "(intermittent)" may pass on the group
              column too.
  KUnit case: ok -> passed; not ok -> failed
  stage:      0 -> passed; else failed
"""
import re
from dataclasses import dataclass, field

TAP_RE = re.compile(r'^(not )?ok \d+ (\S+)(.*)$')
RUN_BEGIN = re.compile(r'^@@ run /bin/(\S+): begin$')
RUN_END = re.compile(r'^@@ run /bin/(\S+): end (status=(\d+)|signal=(\d+))')
KMSG_PREFIX = re.compile(r'^(<\d+>)?\[ *\d+\.\d+\] ?')


# Programs of the harness that a plan runs beside the selftests.
HELPERS = {'lockdep_count'}


@dataclass
class Column:
    """A column of the side-by-side table: one guest log."""
    name: str
    log: str
    is_ref: bool        # the reference driver: the expected failures apply
    judges: bool        # a pass of a listed test here makes the list stale


@dataclass
class Stage:
    name: str
    status: str
    ok: bool


@dataclass
class KUnitLog:
    log: str
    passed: int
    failed: list        # [(suite.case[.param], 'fail'|'skip')]


@dataclass
class Row:
    key: str            # binary:test
    cells: list         # one per column: pass, fail, skip, xfail or -
    note: str


@dataclass
class Score:
    stages: list = field(default_factory=list)      # [Stage]
    kunit: list = field(default_factory=list)       # [KUnitLog]
    columns: list = field(default_factory=list)     # [Column]
    rows: list = field(default_factory=list)        # [Row]
    problems: list = field(default_factory=list)    # [str]
    passed: int = 0
    failed: int = 0

    def ok(self):
        return not self.failed


def columns(ref=None, ours=None, ref_iommufd=None, ours_iommufd=None,
            ours_debug=None, ours_debug_iommufd=None):
    """The table's columns in their order, those without a log left out."""
    return [Column(name, log, is_ref, judges)
            for name, log, is_ref, judges in (
                ('reference', ref, True, True),
                ('ours', ours, False, False),
                ('ref/iommufd', ref_iommufd, True, False),
                ('ours/iommufd', ours_iommufd, False, False),
                ('debug', ours_debug, False, False),
                ('debug/iommufd', ours_debug_iommufd, False, False))
            if log]


def parse_selftests(path):
    """Return {binary: {"tests": {name: 'pass'|'fail'|'skip'}, "status": int|None}}
    from the kselftest TAP between the "@@ run /bin/NAME: begin" and
    "@@ run /bin/NAME: end" markers of the init."""
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
    """The expected failures of the reference: {binary:test: reason}."""
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


def score_stage(sc, st):
    """Count a stage "NAME=STATUS" of the run; return its Stage."""
    name, _, status = st.partition('=')
    stage = Stage(name, status, status == '0')
    sc.stages.append(stage)
    if stage.ok:
        sc.passed += 1
    else:
        sc.failed += 1
        sc.problems.append(f'stage {name} failed')
    return stage


def score_kunit(sc, klog):
    """Count the KUnit cases in the log @klog; return its KUnitLog."""
    kres = parse_kunit(klog)
    if not kres:
        sc.failed += 1
        sc.problems.append(f'no KUnit results in {klog}')
    kp = sum(1 for r in kres.values() if r == 'pass')
    kf = [(k, r) for k, r in kres.items() if r != 'pass']
    k = KUnitLog(klog, kp, kf)
    sc.kunit.append(k)
    for case, r in kf:
        sc.problems.append(f'KUnit {case} {r}')
    sc.passed += kp
    sc.failed += len(kf)
    return k


def _score_cell(sc, col, key, r, xfail):
    """Count one cell. Returns the cell as shown, its note ('' for none)
    and whether that note replaces an earlier column's note."""
    if col.is_ref and key in xfail:
        # an intermittent upstream defect may pass too
        if r == 'pass' and col.judges and 'intermittent' not in xfail[key]:
            sc.failed += 1
            sc.problems.append(f'{col.name} passes {key}, listed as expected failure')
            return r, 'STALE expected failure', True
        sc.passed += 1
        return (r if r == 'pass' else 'xfail'), xfail[key], False
    if r == 'pass':
        sc.passed += 1
        return r, '', False
    sc.failed += 1
    if col.is_ref:
        sc.problems.append(f'{col.name} {r} {key} (not an expected failure)')
        return r, 'reference fails: test is wrong?', True
    sc.problems.append(f'{col.name} {r} {key}')
    return r, '', False


def score_selftests(sc, cols, xfail, expected):
    """Count the selftests of the columns @cols (see columns()) into the
    rows of the table, with the reference's expected failures @xfail (see
    load_xfail()); every binary in @expected must have run to its end."""
    sc.columns = list(cols)
    data = {c.name: parse_selftests(c.log) for c in cols}
    binaries = sorted(set(expected).union(*[set(d) for d in data.values()]))
    for b in binaries:
        for c in cols:
            d = data[c.name]
            if b not in d or d[b]['status'] is None:
                sc.problems.append(f'{c.name}: {b} did not run to its end')
                sc.failed += 1
            elif not d[b]['tests']:
                sc.problems.append(f'{c.name}: {b} printed no test result')
                sc.failed += 1
        names = sorted(set().union(*[set(data[c.name].get(b, {}).get('tests', {}))
                                     for c in cols]))
        for n in names:
            key = f'{b}:{n}'
            cells = []
            note = ''
            for c in cols:
                r = data[c.name].get(b, {}).get('tests', {}).get(n, '-')
                r, why, replaces = _score_cell(sc, c, key, r, xfail)
                if why and (replaces or not note):
                    note = why
                cells.append(r)
            sc.rows.append(Row(key, cells, note))
    if 'reference' in data:
        for k in xfail:
            b, _, n = k.partition(':')
            if n not in data['reference'].get(b, {}).get('tests', {}):
                sc.problems.append(f'expected failure {k} names no test that ran')
                sc.failed += 1


def score(stages=(), kunit_logs=(), cols=(), xfail=None, expected=()):
    """Judge a whole run: stages as "NAME=STATUS", the logs holding KUnit
    results, the table's columns, the expected failures of the reference
    and the selftest binaries that must have run. Returns a Score; the run
    passed when score.ok(). (results.py calls the steps one by one, to
    print each part as soon as it is judged.)"""
    sc = Score()
    for st in stages:
        score_stage(sc, st)
    for klog in kunit_logs:
        score_kunit(sc, klog)
    if cols:
        score_selftests(sc, cols, xfail or {}, expected)
    return sc
