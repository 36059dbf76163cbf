// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the dma_unmap fences. A fence keeps new pins out of an
 * unmapped range from the dma_unmap call until the unmapping thread
 * returns to user space: it owns an anonymous file whose release, which
 * fput() defers to that return, lifts it. The fences of a device live in
 * a list of their own that may outlive the device.
 *
 * Documentation/s390/vfio-ccw-locking.rst, "Revocation and the fence", has
 * the protocol; vfio_ccw_pin.c is the rest of guest memory.
 */
#include <linux/anon_inodes.h>
#include <linux/cleanup.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include "vfio_ccw_pin.h"

/**
 * struct vfio_ccw_fences - the live fences of a device
 * @ref: one reference of the device's &struct vfio_ccw_pins, one of each
 *       fence: a fence is lifted when its thread returns to user space,
 *       which may be after the device is gone
 * @lock: protects @list; taken with interrupts off, inside
 *        &vfio_ccw_pins.lock when both are held
 * @list: the fences (&struct vfio_ccw_fence)
 */
struct vfio_ccw_fences {
	struct kref ref;
	spinlock_t lock;		/* see above */
	struct list_head list;
};

/**
 * struct vfio_ccw_fence - a range that no pin may enter while it is unmapped
 * @node: on &vfio_ccw_fences.list, under its lock
 * @fences: the list it is on (a reference)
 * @task: the thread that called dma_unmap (compared, never dereferenced)
 * @iova: first address of the range
 * @last: last address of the range
 * @sticky: no release at the thread's return to user space could be
 *          arranged: the fence stays until the device is opened or closed
 */
struct vfio_ccw_fence {
	struct list_head node;
	struct vfio_ccw_fences *fences;
	const struct task_struct *task;
	u64 iova;
	u64 last;
	bool sticky;
};

/**
 * vfio_ccw_pins_fenced_locked() - does a fence cover part of a range?
 * @pins: the device's guest memory, its lock held
 * @iova: first address
 * @last: last address
 *
 * Return: true if a live fence overlaps [@iova, @last].
 */
bool vfio_ccw_pins_fenced_locked(struct vfio_ccw_pins *pins, u64 iova,
				 u64 last)
{
	struct vfio_ccw_fence *f;

	lockdep_assert_held(&pins->lock);
	if (!pins->fences)
		return false;
	guard(spinlock)(&pins->fences->lock);
	list_for_each_entry(f, &pins->fences->list, node)
		if (vfio_ccw_ranges_overlap(iova, last, f->iova, f->last))
			return true;
	return false;
}

static void vfio_ccw_fences_free(struct kref *ref)
{
	kfree(container_of(ref, struct vfio_ccw_fences, ref));
}

/* The device's fence list, allocated with its first fence. */
static struct vfio_ccw_fences *vfio_ccw_pins_fences(struct vfio_ccw_pins *pins)
{
	struct vfio_ccw_fences *fs;

	if (READ_ONCE(pins->fences))
		return pins->fences;
	fs = kzalloc(sizeof(*fs), GFP_KERNEL | __GFP_NOFAIL);
	kref_init(&fs->ref);
	spin_lock_init(&fs->lock);
	INIT_LIST_HEAD(&fs->list);
	scoped_guard(spinlock_irq, &pins->lock) {
		if (!pins->fences) {
			pins->fences = fs;
			fs = NULL;
		}
	}
	kfree(fs);
	return pins->fences;
}

/**
 * vfio_ccw_pins_fence_add() - fence a range
 * @pins: the device's guest memory
 * @iova: first address
 * @last: last address
 *
 * From now until vfio_ccw_pins_fence_drop(), every pin that touches the
 * range fails with -EFAULT. The fence does not hold the device: it may be
 * dropped after the device is gone.
 *
 * Return: the fence (never NULL: a few bytes, allocated without failing).
 */
VISIBLE_IF_KUNIT struct vfio_ccw_fence *
vfio_ccw_pins_fence_add(struct vfio_ccw_pins *pins, u64 iova, u64 last)
{
	struct vfio_ccw_fences *fs = vfio_ccw_pins_fences(pins);
	struct vfio_ccw_fence *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL | __GFP_NOFAIL);
	f->task = current;
	f->iova = iova;
	f->last = last;
	f->fences = fs;
	kref_get(&fs->ref);
	scoped_guard(spinlock_irq, &fs->lock)
		list_add_tail(&f->node, &fs->list);
	return f;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pins_fence_add);

/**
 * vfio_ccw_pins_fence_drop() - lift a fence and free it
 * @fence: the fence
 */
VISIBLE_IF_KUNIT void vfio_ccw_pins_fence_drop(struct vfio_ccw_fence *fence)
{
	struct vfio_ccw_fences *fs = fence->fences;

	scoped_guard(spinlock_irq, &fs->lock)
		list_del(&fence->node);
	kfree(fence);
	kref_put(&fs->ref, vfio_ccw_fences_free);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pins_fence_drop);

static int vfio_ccw_fence_release(struct inode *inode, struct file *file)
{
	vfio_ccw_pins_fence_drop(file->private_data);
	return 0;
}

static const struct file_operations vfio_ccw_fence_fops = {
	.owner = THIS_MODULE,
	.release = vfio_ccw_fence_release,
};

/**
 * vfio_ccw_pins_fence() - fence a range until the caller returns to user
 * @pins: the device's guest memory
 * @iova: first address
 * @last: last address
 *
 * Fence [@iova, @last] until the calling thread returns to user space.
 *
 * dma_unmap is called by the thread that unmaps, from the back-end's unmap
 * ioctl; the back-end removes the mapping after dma_unmap returned and
 * before the ioctl returns, and gives no notice of it. What runs exactly
 * then, with this module kept in memory until it has returned, is the
 * release of a file whose last reference was dropped by the thread: fput()
 * defers it as task work to the thread's return to user space. So the
 * fence owns an anonymous file, and its release lifts the fence. A kernel
 * thread never returns to user space (and an exiting one runs no more
 * task work): fput() would release the file from a work item at once, so
 * such a caller's fence is sticky.
 *
 * The back-end calls dma_unmap again for the same range, in the same
 * ioctl, when it still finds pins there: a thread that unmaps the same
 * range again before it returns reuses its fence, and that is how a
 * repeated call is told from a first one.
 *
 * Return: true if the calling thread had fenced this range already.
 */
bool vfio_ccw_pins_fence(struct vfio_ccw_pins *pins, u64 iova, u64 last)
{
	struct vfio_ccw_fences *fs = vfio_ccw_pins_fences(pins);
	struct vfio_ccw_fence *f;
	struct file *file;

	scoped_guard(spinlock_irq, &fs->lock) {
		list_for_each_entry(f, &fs->list, node)
			if (f->task == current && f->iova == iova &&
			    f->last == last)
				return true;
	}
	f = vfio_ccw_pins_fence_add(pins, iova, last);
	if (current->flags & (PF_KTHREAD | PF_EXITING))
		file = ERR_PTR(-ESRCH);
	else
		file = anon_inode_getfile("[vfio_ccw_fence]",
					  &vfio_ccw_fence_fops, f, O_RDONLY);
	if (IS_ERR(file)) {
		scoped_guard(spinlock_irq, &fs->lock)
			f->sticky = true;
		if (PTR_ERR(file) != -ESRCH)
			dev_warn_ratelimited(pins->dev,
					     "vfio_ccw: unmapped range fenced until close: %ld\n",
					     PTR_ERR(file));
		return false;
	}
	fput(file);
	return false;
}

/**
 * vfio_ccw_pins_drop_sticky_fences() - lift the fences that wait for close
 * @pins: the device's guest memory
 *
 * Open, close and reset of the device call this: a fence whose release
 * could not be tied to its thread's return stays until then. Until then,
 * too, a later dma_unmap of the same range by the same thread counts as
 * a repeated call (it waits): a sticky fence cannot tell its ioctl from
 * the next.
 */
void vfio_ccw_pins_drop_sticky_fences(struct vfio_ccw_pins *pins)
{
	struct vfio_ccw_fences *fs = READ_ONCE(pins->fences);
	struct vfio_ccw_fence *f, *tmp;
	LIST_HEAD(gone);

	if (!fs)
		return;
	/*
	 * Taken off the list under its lock: shutdown's close runs beside
	 * the user's open or close, and each fence is freed once. A sticky
	 * fence has no file: nothing else drops it.
	 */
	scoped_guard(spinlock_irq, &fs->lock) {
		list_for_each_entry_safe(f, tmp, &fs->list, node)
			if (f->sticky)
				list_move(&f->node, &gone);
	}
	list_for_each_entry_safe(f, tmp, &gone, node) {
		kfree(f);
		kref_put(&fs->ref, vfio_ccw_fences_free);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pins_drop_sticky_fences);

/**
 * vfio_ccw_pins_fences_put() - the device lets go of its fence list
 * @pins: the device's guest memory, being destroyed
 *
 * Fences still live keep the list until their threads return to user
 * space.
 */
void vfio_ccw_pins_fences_put(struct vfio_ccw_pins *pins)
{
	if (pins->fences)
		kref_put(&pins->fences->ref, vfio_ccw_fences_free);
	pins->fences = NULL;
}
