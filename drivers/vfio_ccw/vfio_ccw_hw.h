/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: every channel-subsystem instruction the driver issues goes
 * through one const ops table, so that KUnit can script the hardware.
 */
#ifndef _VFIO_CCW_HW_H_
#define _VFIO_CCW_HW_H_

#include <linux/types.h>

struct vfio_ccw_private;
struct subchannel;
struct schib;
union orb;

/**
 * struct vfio_ccw_hw_ops - the channel subsystem as the driver sees it
 * @ssch: START SUBCHANNEL with @orb; condition code 0-3
 * @lpm: the logical-path mask of the subchannel's usable channel paths
 * @rsch: RESUME SUBCHANNEL; condition code
 * @hsch: HALT SUBCHANNEL; condition code
 * @csch: CLEAR SUBCHANNEL; condition code
 * @xsch: CANCEL SUBCHANNEL; condition code
 * @stsch: STORE SUBCHANNEL into @schib; condition code
 * @enable: enable the subchannel for I/O interrupts with @intparm; 0/-errno
 * @disable: disable the subchannel; 0, -EBUSY (status pending or busy),
 *           -ENODEV
 *
 * All are called with &vfio_ccw_private.lock held and must not sleep.
 */
struct vfio_ccw_hw_ops {
	int (*ssch)(struct vfio_ccw_private *private, union orb *orb);
	u8 (*lpm)(struct vfio_ccw_private *private);
	int (*rsch)(struct vfio_ccw_private *private);
	int (*hsch)(struct vfio_ccw_private *private);
	int (*csch)(struct vfio_ccw_private *private);
	int (*xsch)(struct vfio_ccw_private *private);
	int (*stsch)(struct vfio_ccw_private *private, struct schib *schib);
	int (*enable)(struct vfio_ccw_private *private, u32 intparm);
	int (*disable)(struct vfio_ccw_private *private);
};

extern const struct vfio_ccw_hw_ops vfio_ccw_hw_cio_ops;

/* The css glue's own subchannel operations, outside any mdev. */
int vfio_ccw_hw_sch_disable(struct subchannel *sch);
int vfio_ccw_hw_sch_refresh(struct subchannel *sch);
int vfio_ccw_cc_to_errno(int cc);

#endif /* _VFIO_CCW_HW_H_ */
