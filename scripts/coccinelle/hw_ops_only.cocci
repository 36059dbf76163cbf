// SPDX-License-Identifier: GPL-2.0
/// Every channel-subsystem instruction goes through the hardware ops table
/// (struct vfio_ccw_hw_ops): only vfio_ccw_hw.c may call cio directly, so
/// that the state machine runs against the KUnit fakes unchanged. The
/// fidelity oracle's native runner (tests/vfio_ccw_native.c) is the one
/// exception: it exists to run programs on the channel as given.
//
// Confidence: High
// Options: --include-headers

virtual report

@r depends on report@
identifier f = {ssch, hsch, csch, rsch, xsch, stsch, tsch, msch,
                cio_enable_subchannel, cio_disable_subchannel,
                cio_update_schib, cio_cancel_halt_clear, cio_start,
                cio_start_key, cio_halt, cio_clear, cio_resume};
position p;
@@
f@p(...)

@script:python depends on report@
p << r.p;
f << r.f;
@@
if not p[0].file.endswith(("vfio_ccw_hw.c", "tests/vfio_ccw_native.c")):
    coccilib.report.print_report(p[0], "channel-subsystem call %s() outside vfio_ccw_hw.c: use the hw ops table" % f)
