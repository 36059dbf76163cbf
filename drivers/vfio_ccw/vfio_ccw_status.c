// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the status region, a consistent snapshot taken under the lock.
 */
#include <linux/cleanup.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vfio_ccw_private.h"

/**
 * vfio_ccw_status_read() - read the status region
 * @private: the device
 * @buf: user buffer
 * @count: bytes to read
 * @pos: offset in the region
 *
 * Never waits for a translation: only the lock is taken.
 *
 * Return: bytes read, -EINVAL outside the region, -EFAULT.
 */
ssize_t vfio_ccw_status_read(struct vfio_ccw_private *private,
			     char __user *buf, size_t count, loff_t pos)
{
	struct ccw_status_region region = {};

	if (pos < 0 || pos >= sizeof(region) || count > sizeof(region) - pos)
		return -EINVAL;
	scoped_guard(spinlock_irq, private->lock) {
		memcpy(region.irb_area, &private->irb, sizeof(region.irb_area));
		region.irq_seq = private->irq_seq;
		region.state = private->state;
		region.functions = private->functions;
	}
	if (copy_to_user(buf, (u8 *)&region + pos, count))
		return -EFAULT;
	return count;
}
