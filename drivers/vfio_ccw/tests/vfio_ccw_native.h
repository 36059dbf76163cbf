/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vfio_ccw_native: the interface of the test-only native runner of the
 * fidelity oracle (drivers/vfio_ccw/tests/vfio_ccw_native.c), shared with
 * the selftest that drives it (selftests/vfio-ccw/vfio_ccw_fidelity.c).
 *
 * debugfs vfio_ccw_native/info: read a struct vccw_native_info.
 * debugfs vfio_ccw_native/run: write a struct vccw_native_req followed by
 * the window's new contents, then read a struct vccw_native_res followed
 * by the window as the channel left it.
 */
#ifndef VFIO_CCW_NATIVE_H
#define VFIO_CCW_NATIVE_H

#include <linux/types.h>

/* The window: the program, its IDALs and its data areas. */
#define VCCW_NATIVE_WINDOW	(256 * 1024)
/* Interrupts recorded per run (PCI gives intermediate ones). */
#define VCCW_NATIVE_MAX_IRQS	8
#define VCCW_NATIVE_IRB_SIZE	96

/**
 * struct vccw_native_info - where the window is
 * @base: its absolute address (page aligned)
 * @size: VCCW_NATIVE_WINDOW
 * @low: the window ends below 16 MiB (format-0 CCWs reach it)
 * @schid: the subchannel the runner drives, "0.0.xxxx"
 */
struct vccw_native_info {
	__u64 base;
	__u32 size;
	__u32 low;
	char schid[16];
};

/**
 * struct vccw_native_req - one start
 * @orb: the ORB, words 1 and 2 as given (word 0, the interruption
 *       parameter, is the runner's); the CCW address is absolute
 * @len: bytes of window contents that follow (the rest of the window is
 *       zeroed), at most VCCW_NATIVE_WINDOW
 * @wait_ms: how long to wait for the end of the program
 */
struct vccw_native_req {
	__u32 orb[3];
	__u32 len;
	__u32 wait_ms;
};

/**
 * struct vccw_native_res - how the channel ended it
 * @cc: condition code of START SUBCHANNEL, or -errno (-EIO: the ORB
 *      caused a program interruption)
 * @nirq: interrupts recorded in @irb, in order (the last is the final one
 *        unless @suspended or @timeout)
 * @suspended: the subchannel was left suspended (no final interrupt)
 * @timeout: neither a final interrupt nor a suspension came in time
 * @stsch_cc: condition code of the STORE SUBCHANNEL after the end
 * @scsw: the SCSW that STORE SUBCHANNEL stored then (3 words)
 * @irb: the IRBs, 96 bytes each
 */
struct vccw_native_res {
	__s32 cc;
	__u32 nirq;
	__u32 suspended;
	__u32 timeout;
	__s32 stsch_cc;
	__u32 scsw[3];
	__u8 irb[VCCW_NATIVE_MAX_IRQS][VCCW_NATIVE_IRB_SIZE];
};

#endif /* VFIO_CCW_NATIVE_H */
