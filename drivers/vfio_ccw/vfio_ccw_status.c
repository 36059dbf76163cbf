// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the status region, a consistent snapshot taken under the lock.
 */
#include <linux/cleanup.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "cio.h"
#include "vfio_ccw_hw.h"
#include "vfio_ccw_private.h"
#include "vfio_ccw_region.h"

/**
 * vfio_ccw_status_read() - read the status region
 * @private: the device
 * @buf: user buffer
 * @count: bytes to read
 * @pos: offset in the region
 *
 * Never waits for a translation: only the lock is taken. The
 * VFIO_CCW_FUNC_SUSPENDED bit comes from a STORE SUBCHANNEL issued now.
 *
 * Return: bytes read, -EINVAL outside the region, -EFAULT.
 */
ssize_t vfio_ccw_status_read(struct vfio_ccw_private *private,
			     char __user *buf, size_t count, loff_t pos)
{
	struct ccw_status_region region = {};
	struct schib schib;

	BUILD_BUG_ON(sizeof(private->irb) > sizeof(region.irb_area));
	if (!vfio_ccw_region_in(count, pos, sizeof(region)))
		return -EINVAL;
	scoped_guard(spinlock_irq, private->lock) {
		/* struct irb is 64 bytes, the area 96: the rest stays 0 */
		memcpy(region.irb_area, &private->irb, sizeof(private->irb));
		region.irq_seq = private->irq_seq;
		region.state = private->state;
		region.functions = private->functions;
		/*
		 * A suspension raises no interrupt: ask the subchannel, with
		 * STORE SUBCHANNEL, whether the start is suspended now.
		 */
		if (private->state == VFIO_CCW_STATE_CP_PENDING &&
		    (region.functions & VFIO_CCW_FUNC_START) &&
		    !private->hw->stsch(private, &schib)) {
			region.functions &= ~VFIO_CCW_FUNC_SUSPENDED;
			if (schib.scsw.cmd.actl & SCSW_ACTL_SUSPENDED)
				region.functions |= VFIO_CCW_FUNC_SUSPENDED;
		}
	}
	return vfio_ccw_region_read(buf, count, pos, &region, sizeof(region));
}
