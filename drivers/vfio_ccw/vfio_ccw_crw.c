// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the channel-report-word queue and region.
 */
#include <linux/cleanup.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>
#include <asm/crw.h>

#include "vfio_ccw_private.h"
#include "vfio_ccw_region.h"

/* The overflow bit (R, bit 2 of the CRW as the architecture numbers it). */
static u32 vfio_ccw_crw_oflw(void)
{
	struct crw crw = { .oflw = 1 };

	return *(u32 *)&crw;
}

/**
 * vfio_ccw_crw_queue_locked() - queue a channel-report word
 * @private: the device
 * @crw: the CRW
 *
 * Caller holds &vfio_ccw_private.lock (chp_event runs with it). On
 * overflow the newest queued CRW gets the overflow bit and further CRWs
 * are dropped until user space has read the queue empty. Signals the CRW
 * eventfd. A device that is not open queues nothing: its user will learn
 * the paths from the SCHIB when it opens.
 */
void vfio_ccw_crw_queue_locked(struct vfio_ccw_private *private, u32 crw)
{
	unsigned int tail;

	lockdep_assert_held(private->lock);
	if (private->crw_overflow ||
	    private->state == VFIO_CCW_STATE_STANDBY ||
	    private->state == VFIO_CCW_STATE_NOT_OPER)
		return;
	if (private->crw_count == VFIO_CCW_CRW_MAX) {
		tail = (private->crw_head + private->crw_count - 1) %
		       VFIO_CCW_CRW_MAX;
		private->crw[tail] |= vfio_ccw_crw_oflw();
		private->crw_overflow = true;
		return;
	}
	tail = (private->crw_head + private->crw_count) % VFIO_CCW_CRW_MAX;
	private->crw[tail] = crw;
	private->crw_count++;
	if (private->crw_trigger)
		eventfd_signal(private->crw_trigger);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_crw_queue_locked);

/**
 * vfio_ccw_crw_flush_locked() - drop every queued CRW
 * @private: the device
 */
void vfio_ccw_crw_flush_locked(struct vfio_ccw_private *private)
{
	lockdep_assert_held(private->lock);
	private->crw_head = 0;
	private->crw_count = 0;
	private->crw_overflow = false;
}

/**
 * vfio_ccw_crw_read() - read the CRW region
 * @private: the device
 * @buf: user buffer
 * @count: bytes to read
 * @pos: offset in the region
 *
 * A read at offset 0 returns the oldest CRW and removes it, once it has
 * been copied: a read that fails with -EFAULT leaves it queued. 0 when the
 * queue is empty. The CRW eventfd is signalled again while CRWs remain.
 * Readers are serialised, so the CRW removed is the one copied.
 *
 * Return: bytes read, -EINVAL outside the region, -EFAULT.
 */
ssize_t vfio_ccw_crw_read(struct vfio_ccw_private *private, char __user *buf,
			  size_t count, loff_t pos)
{
	struct ccw_crw_region region = {};
	bool queued;
	ssize_t ret;

	if (!vfio_ccw_region_in(count, pos, sizeof(region)))
		return -EINVAL;
	guard(mutex)(&private->crw_mutex);
	scoped_guard(spinlock_irq, private->lock) {
		queued = private->crw_count;
		if (queued)
			region.crw = private->crw[private->crw_head];
	}
	ret = vfio_ccw_region_read(buf, count, pos, &region, sizeof(region));
	if (ret < 0)
		return ret;
	scoped_guard(spinlock_irq, private->lock) {
		/* a close in between flushed the queue: nothing to remove */
		if (queued && pos == 0 && private->crw_count) {
			private->crw_head = (private->crw_head + 1) %
					    VFIO_CCW_CRW_MAX;
			private->crw_count--;
		}
		if (!private->crw_count)
			private->crw_overflow = false;
		else if (pos == 0 && private->crw_trigger)
			eventfd_signal(private->crw_trigger);
	}
	return count;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_crw_read);
