// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: production channel-subsystem ops, issued through cio, and
 * what their condition codes mean to a request (vfio_ccw_cc_to_errno()).
 */
#include <linux/lockdep.h>
#include <kunit/visibility.h>
#include <asm/isc.h>

#include "cio.h"
#include "ioasm.h"
#include "orb.h"
#include "vfio_ccw_hw.h"
#include "vfio_ccw_private.h"
#include "vfio_ccw_trace.h"

/*
 * RESUME SUBCHANNEL and CANCEL SUBCHANNEL are not exported by cio, so the
 * driver issues them itself. General register 1 holds the subsystem-
 * identification word; the condition code is returned.
 */
static int vfio_ccw_rsch_insn(struct subchannel_id schid)
{
	register unsigned long sid asm("1") = *(u32 *)&schid;
	int cc;

	asm volatile("	rsch\n"
		     "	ipm	%[cc]\n"
		     "	srl	%[cc],28\n"
		     : [cc] "=d" (cc)
		     : "d" (sid)
		     : "cc", "memory");
	return cc;
}

static int vfio_ccw_xsch_insn(struct subchannel_id schid)
{
	register unsigned long sid asm("1") = *(u32 *)&schid;
	int cc;

	asm volatile("	xsch\n"
		     "	ipm	%[cc]\n"
		     "	srl	%[cc],28\n"
		     : [cc] "=d" (cc)
		     : "d" (sid)
		     : "cc", "memory");
	return cc;
}

/**
 * vfio_ccw_cc_to_errno() - map a condition code of an I/O instruction
 * @cc: condition code 0-3, or a negative errno from the hw ops
 *
 * Return: 0 for cc 0, -EBUSY for cc 1 (status pending) and 2 (busy),
 * -ENODEV for cc 3 (not operational), @cc itself when negative.
 */
int vfio_ccw_cc_to_errno(int cc)
{
	switch (cc) {
	case 0:
		return 0;
	case 1:
	case 2:
		return -EBUSY;
	case 3:
		return -ENODEV;
	default:
		return cc < 0 ? cc : -EIO;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cc_to_errno);

static int vfio_ccw_hw_ssch(struct vfio_ccw_private *private, union orb *orb)
{
	int cc;

	lockdep_assert_held(private->lock);
	cc = ssch(private->sch->schid, orb);
	trace_vfio_ccw_ssch(private->schid, cc);
	return cc;
}

/* cio keeps the mask of the usable paths up to date in sch->lpm. */
static u8 vfio_ccw_hw_lpm(struct vfio_ccw_private *private)
{
	lockdep_assert_held(private->lock);
	return private->sch->lpm;
}

static int vfio_ccw_hw_rsch(struct vfio_ccw_private *private)
{
	int cc;

	lockdep_assert_held(private->lock);
	cc = vfio_ccw_rsch_insn(private->sch->schid);
	trace_vfio_ccw_rsch(private->schid, cc);
	return cc;
}

static int vfio_ccw_hw_hsch(struct vfio_ccw_private *private)
{
	int cc;

	lockdep_assert_held(private->lock);
	cc = hsch(private->sch->schid);
	trace_vfio_ccw_hsch(private->schid, cc);
	return cc;
}

static int vfio_ccw_hw_csch(struct vfio_ccw_private *private)
{
	int cc;

	lockdep_assert_held(private->lock);
	cc = csch(private->sch->schid);
	trace_vfio_ccw_csch(private->schid, cc);
	return cc;
}

static int vfio_ccw_hw_xsch(struct vfio_ccw_private *private)
{
	int cc;

	lockdep_assert_held(private->lock);
	cc = vfio_ccw_xsch_insn(private->sch->schid);
	trace_vfio_ccw_xsch(private->schid, cc);
	return cc;
}

static int vfio_ccw_hw_stsch(struct vfio_ccw_private *private,
			     struct schib *schib)
{
	int cc;

	lockdep_assert_held(private->lock);
	cc = stsch(private->sch->schid, schib);
	trace_vfio_ccw_stsch(private->schid, cc);
	return cc;
}

static int vfio_ccw_hw_enable(struct vfio_ccw_private *private, u32 intparm)
{
	struct subchannel *sch = private->sch;
	int ret;

	lockdep_assert_held(private->lock);
	sch->isc = VFIO_CCW_ISC;
	ret = cio_enable_subchannel(sch, intparm);
	trace_vfio_ccw_enable(private->schid, ret);
	return ret;
}

static int vfio_ccw_hw_disable(struct vfio_ccw_private *private)
{
	int ret;

	lockdep_assert_held(private->lock);
	ret = cio_disable_subchannel(private->sch);
	trace_vfio_ccw_disable(private->schid, ret);
	return ret;
}

/**
 * vfio_ccw_hw_sch_disable() - disable a subchannel that has no open mdev
 * @sch: the subchannel, its lock held
 *
 * For the css glue (interrupt without an mdev, shutdown), where there is
 * no &struct vfio_ccw_private to go through the ops table with.
 *
 * Return: 0, -EBUSY (status pending or busy), -ENODEV.
 */
int vfio_ccw_hw_sch_disable(struct subchannel *sch)
{
	int ret;

	lockdep_assert_held(&sch->lock);
	ret = cio_disable_subchannel(sch);
	trace_vfio_ccw_disable(sch->schid, ret);
	return ret;
}

/**
 * vfio_ccw_hw_sch_refresh() - store a subchannel's SCHIB into cio's copy
 * @sch: the subchannel, its lock held
 *
 * For the css glue's subchannel and channel-path events.
 *
 * Return: 0, or -ENODEV when the subchannel is not operational.
 */
int vfio_ccw_hw_sch_refresh(struct subchannel *sch)
{
	int ret;

	lockdep_assert_held(&sch->lock);
	ret = cio_update_schib(sch);
	trace_vfio_ccw_stsch(sch->schid, ret);
	return ret;
}

/*
 * vfio_ccw_hw_cio_ops: the channel subsystem, through cio
 */
const struct vfio_ccw_hw_ops vfio_ccw_hw_cio_ops = {
	.ssch = vfio_ccw_hw_ssch,
	.lpm = vfio_ccw_hw_lpm,
	.rsch = vfio_ccw_hw_rsch,
	.hsch = vfio_ccw_hw_hsch,
	.csch = vfio_ccw_hw_csch,
	.xsch = vfio_ccw_hw_xsch,
	.stsch = vfio_ccw_hw_stsch,
	.enable = vfio_ccw_hw_enable,
	.disable = vfio_ccw_hw_disable,
};
