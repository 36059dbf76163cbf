// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the table of regions, one row a region, and the two helpers
 * every region's read and write go through. A region's own behaviour is
 * in its file (vfio_ccw_io.c, _async.c, _schib.c, _crw.c, _status.c).
 */
#include <linux/cleanup.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "vfio_ccw_private.h"

const struct vfio_ccw_region vfio_ccw_regions[VFIO_CCW_NUM_REGIONS] = {
	[VFIO_CCW_IDX_IO] = {
		.size = sizeof(struct ccw_io_region),
		.flags = VFIO_REGION_INFO_FLAG_READ |
			 VFIO_REGION_INFO_FLAG_WRITE,
		.slot = VFIO_CCW_REGION_IO,
		.read = vfio_ccw_io_read,
		.write = vfio_ccw_io_write,
	},
	[VFIO_CCW_IDX_ASYNC] = {
		.size = sizeof(struct ccw_cmd_region),
		.flags = VFIO_REGION_INFO_FLAG_READ |
			 VFIO_REGION_INFO_FLAG_WRITE,
		.subtype = VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD,
		.slot = VFIO_CCW_REGION_ASYNC,
		.read = vfio_ccw_async_read,
		.write = vfio_ccw_async_write,
	},
	[VFIO_CCW_IDX_SCHIB] = {
		.size = sizeof(struct ccw_schib_region),
		.flags = VFIO_REGION_INFO_FLAG_READ,
		.subtype = VFIO_REGION_SUBTYPE_CCW_SCHIB,
		.slot = VFIO_CCW_REGION_SCHIB,
		.read = vfio_ccw_schib_read,
	},
	[VFIO_CCW_IDX_CRW] = {
		.size = sizeof(struct ccw_crw_region),
		.flags = VFIO_REGION_INFO_FLAG_READ,
		.subtype = VFIO_REGION_SUBTYPE_CCW_CRW,
		.slot = VFIO_CCW_REGION_CRW,
		.read = vfio_ccw_crw_read,
	},
	[VFIO_CCW_IDX_STATUS] = {
		.size = sizeof(struct ccw_status_region),
		.flags = VFIO_REGION_INFO_FLAG_READ,
		.subtype = VFIO_REGION_SUBTYPE_CCW_STATUS,
		.slot = VFIO_CCW_REGION_STATUS,
		.read = vfio_ccw_status_read,
	},
};

/**
 * vfio_ccw_region_read() - copy part of a region's snapshot to user space
 * @buf: user buffer
 * @count: bytes to read
 * @pos: offset in the region
 * @snap: the region as taken under the device's lock
 * @size: the region's size
 *
 * The caller checked @count and @pos with vfio_ccw_region_in() before it
 * took the snapshot.
 *
 * Return: @count, or -EFAULT.
 */
ssize_t vfio_ccw_region_read(char __user *buf, size_t count, loff_t pos,
			     const void *snap, size_t size)
{
	if (WARN_ON_ONCE(!vfio_ccw_region_in(count, pos, size)))
		return -EINVAL;
	if (copy_to_user(buf, (const u8 *)snap + pos, count))
		return -EFAULT;
	return count;
}

/**
 * vfio_ccw_region_write() - a write of a whole region
 * @private: the device
 * @buf: user buffer
 * @count: bytes written: must be @size
 * @pos: offset in the region: must be 0
 * @req: room for the region, @size bytes
 * @size: the region's size
 * @run: performs the request in @req (it may sleep), returns 0 or -errno
 * @mirror: under the device's lock, keeps what the region shows of the
 *	request (@req is NULL when it could not be copied) and its result
 *
 * The one way a request region is written: copied whole, performed,
 * mirrored with its return code, an error counted.
 *
 * Return: @count, -EINVAL for a partial write or one at an offset,
 * -EFAULT, or the errno of @run.
 */
ssize_t vfio_ccw_region_write(struct vfio_ccw_private *private,
			      const char __user *buf, size_t count,
			      loff_t pos, void *req, size_t size,
			      int (*run)(struct vfio_ccw_private *private,
					 const void *req),
			      void (*mirror)(struct vfio_ccw_private *private,
					     const void *req, int ret))
{
	bool copied = false;
	int ret;

	if (pos != 0 || count != size) {
		ret = -EINVAL;
	} else if (copy_from_user(req, buf, size)) {
		ret = -EFAULT;
	} else {
		copied = true;
		ret = run(private, req);
	}
	scoped_guard(spinlock_irq, private->lock)
		mirror(private, copied ? req : NULL, ret);
	if (ret) {
		vfio_ccw_count_error(private, ret);
		return ret;
	}
	return count;
}
