/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: the regions of the device (vfio_ccw_region.c has their table
 * and the one write of a request region; each region's own file its read
 * and what a request does).
 */
#ifndef _VFIO_CCW_REGION_H_
#define _VFIO_CCW_REGION_H_

#include <linux/bug.h>
#include <linux/types.h>
#include <linux/uaccess.h>

struct vfio_ccw_private;

/* Region indexes (VFIO_CCW_CONFIG_REGION_INDEX is 0). */
#define VFIO_CCW_IDX_IO		0
#define VFIO_CCW_IDX_ASYNC	1
#define VFIO_CCW_IDX_SCHIB	2
#define VFIO_CCW_IDX_CRW	3
#define VFIO_CCW_IDX_STATUS	4
#define VFIO_CCW_NUM_REGIONS	5
#define VFIO_CCW_NUM_IRQS	3

/* Each region lives at index << VFIO_CCW_OFFSET_SHIFT of the device fd. */
#define VFIO_CCW_OFFSET_SHIFT	12
#define VFIO_CCW_INDEX_TO_OFFSET(i) ((u64)(i) << VFIO_CCW_OFFSET_SHIFT)
#define VFIO_CCW_OFFSET_TO_INDEX(o) ((o) >> VFIO_CCW_OFFSET_SHIFT)
#define VFIO_CCW_OFFSET_MASK	((1ULL << VFIO_CCW_OFFSET_SHIFT) - 1)

/**
 * struct vfio_ccw_region - one region of the device, a row of
 *	vfio_ccw_regions[] (indexed by VFIO_CCW_IDX_*)
 * @size: its size in bytes
 * @flags: VFIO_REGION_INFO_FLAG_READ and _WRITE
 * @subtype: its VFIO_REGION_TYPE_CCW subtype; 0 for the I/O region, which
 *	has no type capability (as upstream)
 * @slot: its VFIO_CCW_REGION_* slot in the device-info capability
 * @read: reads it
 * @perform: performs a request written to it (it may sleep), returns 0 or
 *	-errno; NULL for a read-only region
 * @mirror: under the device's lock, keeps what the region shows of a
 *	request (NULL when it could not be copied) and its result
 *
 * A request region is only ever written whole, by vfio_ccw_region_write().
 */
struct vfio_ccw_region {
	u32 size;
	u32 flags;
	u32 subtype;
	u32 slot;
	ssize_t (*read)(struct vfio_ccw_private *private, char __user *buf,
			size_t count, loff_t pos);
	int (*perform)(struct vfio_ccw_private *private, const void *req);
	void (*mirror)(struct vfio_ccw_private *private, const void *req,
		       int ret);
};

extern const struct vfio_ccw_region vfio_ccw_regions[VFIO_CCW_NUM_REGIONS];
ssize_t vfio_ccw_region_write(struct vfio_ccw_private *private,
			      u64 index, const char __user *buf,
			      size_t count, loff_t pos);

/* Do @count bytes at @pos lie in a region of @size bytes? */
static inline bool vfio_ccw_region_in(size_t count, loff_t pos, size_t size)
{
	return pos >= 0 && pos < size && count <= size - pos;
}

/* vfio_ccw_io.c, vfio_ccw_async.c, vfio_ccw_status.c, ... : regions */
ssize_t vfio_ccw_io_read(struct vfio_ccw_private *private, char __user *buf,
			 size_t count, loff_t pos);
int vfio_ccw_io_perform(struct vfio_ccw_private *private, const void *req);
void vfio_ccw_io_mirror(struct vfio_ccw_private *private, const void *req,
			int ret);
ssize_t vfio_ccw_async_read(struct vfio_ccw_private *private,
			    char __user *buf, size_t count, loff_t pos);
int vfio_ccw_async_perform(struct vfio_ccw_private *private,
			   const void *req);
void vfio_ccw_async_mirror(struct vfio_ccw_private *private, const void *req,
			   int ret);
ssize_t vfio_ccw_status_read(struct vfio_ccw_private *private,
			     char __user *buf, size_t count, loff_t pos);
ssize_t vfio_ccw_schib_read(struct vfio_ccw_private *private,
			    char __user *buf, size_t count, loff_t pos);
ssize_t vfio_ccw_crw_read(struct vfio_ccw_private *private, char __user *buf,
			  size_t count, loff_t pos);
void vfio_ccw_crw_queue_locked(struct vfio_ccw_private *private, u32 crw);
void vfio_ccw_crw_flush_locked(struct vfio_ccw_private *private);

/* vfio_ccw_region.c's read helper, inline */

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
static inline ssize_t vfio_ccw_region_read(char __user *buf, size_t count,
					   loff_t pos, const void *snap,
					   size_t size)
{
	if (WARN_ON_ONCE(!vfio_ccw_region_in(count, pos, size)))
		return -EINVAL;
	if (copy_to_user(buf, (const u8 *)snap + pos, count))
		return -EFAULT;
	return count;
}

#endif /* _VFIO_CCW_REGION_H_ */
