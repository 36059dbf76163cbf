// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the I/O region (region 0). A write carries an ORB and a SCSW
 * whose function control selects clear, else halt, else start.
 */
#include <linux/cleanup.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/cio.h>

#include "orb.h"
#include "vfio_ccw_func.h"
#include "vfio_ccw_private.h"
#include "vfio_ccw_region.h"

/**
 * vfio_ccw_io_read() - read the I/O region
 * @private: the device
 * @buf: user buffer
 * @count: bytes to read
 * @pos: offset in the region
 *
 * Return: bytes read, -EINVAL outside the region, -EFAULT.
 */
ssize_t vfio_ccw_io_read(struct vfio_ccw_private *private, char __user *buf,
			 size_t count, loff_t pos)
{
	struct ccw_io_region region;

	BUILD_BUG_ON(sizeof(private->irb) > sizeof(region.irb_area));
	if (!vfio_ccw_region_in(count, pos, sizeof(region)))
		return -EINVAL;
	scoped_guard(spinlock_irq, private->lock) {
		region = private->io_region;
		memcpy(region.irb_area, &private->irb, sizeof(private->irb));
	}
	return vfio_ccw_region_read(buf, count, pos, &region, sizeof(region));
}

/*
 * A request, the whole region as written (vfio_ccw_region_write()): clear,
 * halt or start, as the function control of its SCSW asks, in that order.
 */
int vfio_ccw_io_perform(struct vfio_ccw_private *private, const void *req)
{
	const struct ccw_io_region *region = req;
	const union scsw *scsw = (const union scsw *)region->scsw_area;
	const union orb *orb = (const union orb *)region->orb_area;
	u32 fctl = scsw->cmd.fctl;

	if (fctl & SCSW_FCTL_CLEAR_FUNC)
		return vfio_ccw_func_clear(private);
	if (fctl & SCSW_FCTL_HALT_FUNC)
		return vfio_ccw_func_halt(private);
	if (fctl & SCSW_FCTL_START_FUNC)
		return vfio_ccw_func_start(private, orb);
	return -EINVAL;
}

/* What the region shows of a request: its ORB, its SCSW, its result. */
void vfio_ccw_io_mirror(struct vfio_ccw_private *private, const void *req,
			int ret)
{
	const struct ccw_io_region *region = req;

	if (region) {
		memcpy(private->io_region.orb_area, region->orb_area,
		       sizeof(region->orb_area));
		memcpy(private->io_region.scsw_area, region->scsw_area,
		       sizeof(region->scsw_area));
	}
	private->io_region.ret_code = ret;
}
