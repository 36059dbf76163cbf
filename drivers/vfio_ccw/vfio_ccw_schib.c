// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the SCHIB region; every read stores the subchannel afresh.
 */
#include <linux/cleanup.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "cio.h"
#include "vfio_ccw_hw.h"
#include "vfio_ccw_private.h"
#include "vfio_ccw_region.h"

/**
 * vfio_ccw_schib_read() - read the SCHIB region
 * @private: the device
 * @buf: user buffer
 * @count: bytes to read
 * @pos: offset in the region
 *
 * Return: bytes read, -EINVAL outside the region, -ENODEV when the
 * subchannel is not operational, -EFAULT.
 */
ssize_t vfio_ccw_schib_read(struct vfio_ccw_private *private,
			    char __user *buf, size_t count, loff_t pos)
{
	struct schib schib;
	int cc;

	BUILD_BUG_ON(sizeof(schib) != SCHIB_AREA_SIZE);
	if (!vfio_ccw_region_in(count, pos, sizeof(schib)))
		return -EINVAL;
	scoped_guard(spinlock_irq, private->lock) {
		if (private->state == VFIO_CCW_STATE_NOT_OPER)
			return -ENODEV;
		cc = private->hw->stsch(private, &schib);
	}
	if (cc)
		return -ENODEV;
	return vfio_ccw_region_read(buf, count, pos, &schib, sizeof(schib));
}
