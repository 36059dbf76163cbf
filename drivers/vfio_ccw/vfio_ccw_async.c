// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the asynchronous command region (HSCH, CSCH, XSCH, RSCH).
 */
#include <linux/bitops.h>
#include <linux/cleanup.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "vfio_ccw_func.h"
#include "vfio_ccw_private.h"
#include "vfio_ccw_region.h"

#define VFIO_CCW_ASYNC_CMDS	(VFIO_CCW_ASYNC_CMD_HSCH | \
				 VFIO_CCW_ASYNC_CMD_CSCH | \
				 VFIO_CCW_ASYNC_CMD_XSCH | \
				 VFIO_CCW_ASYNC_CMD_RSCH)

/**
 * vfio_ccw_async_read() - read the async region
 * @private: the device
 * @buf: user buffer
 * @count: bytes to read
 * @pos: offset in the region
 *
 * Return: bytes read, -EINVAL outside the region, -EFAULT.
 */
ssize_t vfio_ccw_async_read(struct vfio_ccw_private *private,
			    char __user *buf, size_t count, loff_t pos)
{
	struct ccw_cmd_region region;

	if (!vfio_ccw_region_in(count, pos, sizeof(region)))
		return -EINVAL;
	scoped_guard(spinlock_irq, private->lock)
		region = private->async_region;
	return vfio_ccw_region_read(buf, count, pos, &region, sizeof(region));
}

/*
 * A request, the whole region as written (vfio_ccw_region_write()): exactly
 * one of the commands.
 */
int vfio_ccw_async_perform(struct vfio_ccw_private *private, const void *req)
{
	u32 command = ((const struct ccw_cmd_region *)req)->command;

	if (hweight32(command) != 1 || (command & ~VFIO_CCW_ASYNC_CMDS))
		return -EINVAL;
	switch (command) {
	case VFIO_CCW_ASYNC_CMD_HSCH:
		return vfio_ccw_func_halt(private);
	case VFIO_CCW_ASYNC_CMD_CSCH:
		return vfio_ccw_func_clear(private);
	case VFIO_CCW_ASYNC_CMD_XSCH:
		return vfio_ccw_func_cancel(private);
	default:
		return vfio_ccw_func_resume(private);
	}
}

/* What the region shows of a request: its command, its result. */
void vfio_ccw_async_mirror(struct vfio_ccw_private *private, const void *req,
			   int ret)
{
	if (req)
		private->async_region.command =
			((const struct ccw_cmd_region *)req)->command;
	private->async_region.ret_code = ret;
}
