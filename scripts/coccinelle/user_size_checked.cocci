// SPDX-License-Identifier: GPL-2.0
/// A size that comes from user space (the count of a region read or write)
/// must be checked before it sizes a copy: a path from the function's entry
/// to copy_{from,to}_user() that never looks at the count is reported.
//
// Confidence: Moderate
// Options: --include-headers

virtual report

@r depends on report@
identifier fn, count;
expression e1, e2;
position p;
@@
fn(..., size_t count, ...)
{
  ... when != count
      when any
(
  copy_from_user@p(e1, e2, count)
|
  copy_to_user@p(e1, e2, count)
)
  ...
}

@script:python depends on report@
p << r.p;
c << r.count;
@@
coccilib.report.print_report(p[0], "user-controlled size %s used by a copy before any check" % c)
