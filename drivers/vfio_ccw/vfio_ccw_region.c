// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the table of regions, one row a region, and the one write of a
 * request region. The read helper every region uses is inline in
 * vfio_ccw_region.h; a region's own behaviour is in its file
 * (vfio_ccw_io.c, _async.c, _schib.c, _crw.c, _status.c).
 */
#include <linux/cleanup.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "vfio_ccw_private.h"
#include "vfio_ccw_region.h"

const struct vfio_ccw_region vfio_ccw_regions[VFIO_CCW_NUM_REGIONS] = {
	[VFIO_CCW_IDX_IO] = {
		.size = sizeof(struct ccw_io_region),
		.flags = VFIO_REGION_INFO_FLAG_READ |
			 VFIO_REGION_INFO_FLAG_WRITE,
		.slot = VFIO_CCW_REGION_IO,
		.read = vfio_ccw_io_read,
		.perform = vfio_ccw_io_perform,
		.mirror = vfio_ccw_io_mirror,
	},
	[VFIO_CCW_IDX_ASYNC] = {
		.size = sizeof(struct ccw_cmd_region),
		.flags = VFIO_REGION_INFO_FLAG_READ |
			 VFIO_REGION_INFO_FLAG_WRITE,
		.subtype = VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD,
		.slot = VFIO_CCW_REGION_ASYNC,
		.read = vfio_ccw_async_read,
		.perform = vfio_ccw_async_perform,
		.mirror = vfio_ccw_async_mirror,
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
 * vfio_ccw_region_write() - write a request region: one request
 * @private: the device
 * @index: the region, VFIO_CCW_IDX_*, as taken from the file offset (all
 *	of its bits: an index beyond the regions is -EINVAL)
 * @buf: user buffer, the whole region
 * @count: bytes written: must be the region's size
 * @pos: offset in the region: must be 0
 *
 * The one way a request is made: the region is copied whole, performed,
 * mirrored with its return code, and an error counted.
 *
 * Return: @count; -EINVAL for a read-only region, a partial write or one
 * at an offset; -EFAULT; or the errno of the request (listed at the
 * region's structure in the uapi header).
 */
ssize_t vfio_ccw_region_write(struct vfio_ccw_private *private,
			      u64 index, const char __user *buf,
			      size_t count, loff_t pos)
{
	const struct vfio_ccw_region *region;
	union {
		struct ccw_io_region io;
		struct ccw_cmd_region cmd;
	} req;
	bool copied = false;
	int ret;

	if (index >= VFIO_CCW_NUM_REGIONS || !vfio_ccw_regions[index].perform)
		return -EINVAL;
	region = &vfio_ccw_regions[index];
	if (WARN_ON_ONCE(region->size > sizeof(req)))
		return -EINVAL;
	if (pos != 0 || count != region->size) {
		ret = -EINVAL;
	} else if (copy_from_user(&req, buf, region->size)) {
		ret = -EFAULT;
	} else {
		copied = true;
		ret = region->perform(private, &req);
	}
	scoped_guard(spinlock_irq, private->lock)
		region->mirror(private, copied ? &req : NULL, ret);
	if (ret) {
		vfio_ccw_count_error(private, ret);
		return ret;
	}
	return count;
}
