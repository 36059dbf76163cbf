// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the mdev driver, the vfio_device ops and the ioctls.
 */
#include <linux/cleanup.h>
#include <linux/delay.h>
#include <linux/eventfd.h>
#include <linux/hash.h>
#include <linux/list.h>
#include <linux/mdev.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "css.h"
#include "vfio_ccw_cp.h"
#include "vfio_ccw_hw.h"
#include "vfio_ccw_private.h"

static const struct vfio_device_ops vfio_ccw_dev_ops;

/* Guest memory for translation: pins and reads through the vfio core. */

static unsigned int pin_cache_pages = 1024;
module_param(pin_cache_pages, uint, 0644);
MODULE_PARM_DESC(pin_cache_pages,
		 "pages per device kept pinned for reuse after their program ended (0: none)");

static void vfio_ccw_pinned_add(struct vfio_ccw_private *private, int npage)
{
	s64 now = atomic64_add_return(npage, &private->stats.pinned);
	s64 peak = atomic64_read(&private->stats.pinned_peak);

	while (now > peak &&
	       !atomic64_try_cmpxchg(&private->stats.pinned_peak, &peak, now))
		;
}

/*
 * Every extent pinned through vfio is recorded, so that dma_unmap can
 * release pins itself without waiting for the thread that owns them (the
 * vfio core calls dma_unmap with locks that a translation may need).
 *
 * The pin cache: when its program ends, an extent is not unpinned but kept
 * (up to pin_cache_pages pages per device, the least recently used go
 * first), so that the next program that pins the same extent finds it in
 * @pin_hash instead of walking the user's page tables through vfio type1
 * twice. A cached extent is an ordinary record without owner: dma_unmap
 * revokes and releases it like any other (vfio type1 calls dma_unmap for
 * every range with pinned pages), close releases the cache, and a pin that
 * fails for want of memory (RLIMIT_MEMLOCK) empties it and tries again.
 * Pages in the cache count in the user's locked memory, as a mapping of an
 * IOMMU-backed vfio device would.
 */
struct vfio_ccw_pin {
	struct list_head node;
	struct list_head unpin;	/* on the list of its releasing thread */
	struct list_head lru;	/* on pin_lru while cached */
	struct hlist_node hnode; /* in pin_hash: the first extent at @iova */
	u64 iova;
	u64 tag;		/* translation that pinned it */
	int prot;
	bool pinning;		/* vfio_pin_pages() still running */
	bool releasing;		/* its owner's vfio_unpin_pages() running */
	bool cached;		/* no owner: kept for reuse */
	int npage;
	struct page *pages[] __counted_by(npage);
};

static struct hlist_head *
vfio_ccw_pin_bucket(struct vfio_ccw_private *p, u64 iova)
{
	return &p->pin_hash[hash_64(iova >> PAGE_SHIFT, VFIO_CCW_PIN_HASH_BITS)];
}

/* The indexed extent pinned at @iova, if any; pin_lock held. */
static struct vfio_ccw_pin *vfio_ccw_pin_find(struct vfio_ccw_private *private,
					      u64 iova)
{
	struct vfio_ccw_pin *rec;

	if (!private->pin_hash)
		return NULL;
	hlist_for_each_entry(rec, vfio_ccw_pin_bucket(private, iova), hnode)
		if (rec->iova == iova)
			return rec;
	return NULL;
}

/* The record is going away: out of the index and the cache; pin_lock. */
static void vfio_ccw_pin_unindex_locked(struct vfio_ccw_private *private,
					struct vfio_ccw_pin *rec)
{
	lockdep_assert_held(&private->pin_lock);
	if (!hlist_unhashed(&rec->hnode))
		hlist_del_init(&rec->hnode);
	/* @cached stays set: the pages are unaccounted when unpinned. */
	if (rec->cached && !list_empty(&rec->lru)) {
		list_del_init(&rec->lru);
		private->pin_cache_len -= rec->npage;
	}
}

/* Unpin a record taken off the cache or its owner, and free it. */
static void vfio_ccw_pin_put(struct vfio_ccw_private *private,
			     struct vfio_ccw_pin *rec)
{
	vfio_unpin_pages(&private->vdev, rec->iova, rec->npage);
	atomic64_sub(rec->npage, rec->cached ? &private->stats.pin_cached :
		     &private->stats.pinned);
}

/*
 * Release records marked releasing and collected on @list (by their
 * unpin link); they stay on @pins, visible to dma_unmap, until unpinned.
 */
static void vfio_ccw_pins_put_marked(struct vfio_ccw_private *private,
				     struct list_head *list)
{
	struct vfio_ccw_pin *rec, *tmp;

	list_for_each_entry(rec, list, unpin)
		vfio_ccw_pin_put(private, rec);
	scoped_guard(spinlock_irq, &private->pin_lock) {
		list_for_each_entry(rec, list, unpin) {
			vfio_ccw_pin_unindex_locked(private, rec);
			list_del(&rec->node);
		}
	}
	list_for_each_entry_safe(rec, tmp, list, unpin)
		kfree(rec);
}

/* A cached extent serving exactly this pin, now owned by the caller. */
static bool vfio_ccw_cache_hit_locked(struct vfio_ccw_private *private,
				      u64 iova, int npage, int prot,
				      struct page **pages)
{
	struct vfio_ccw_pin *rec;

	lockdep_assert_held(&private->pin_lock);
	if (!private->pin_cache_len)
		return false;
	rec = vfio_ccw_pin_find(private, iova);
	if (!rec || !rec->cached || rec->npage != npage ||
	    (rec->prot & prot) != prot)
		return false;
	list_del_init(&rec->lru);
	private->pin_cache_len -= npage;
	rec->cached = false;
	rec->tag = private->xlate_seq;
	memcpy(pages, rec->pages, npage * sizeof(*pages));
	atomic64_sub(npage, &private->stats.pin_cached);
	atomic64_add(npage, &private->stats.pin_cache_hits);
	vfio_ccw_pinned_add(private, npage);
	return true;
}

/*
 * Keep the extent of an ended program in the cache, pushing out the least
 * recently used extents (marked releasing and put on @evict) to make room.
 * Returns false if it cannot be kept.
 */
static bool vfio_ccw_cache_keep_locked(struct vfio_ccw_private *private,
				       struct vfio_ccw_pin *rec,
				       struct list_head *evict)
{
	unsigned int limit = READ_ONCE(pin_cache_pages);
	struct vfio_ccw_pin *old;

	lockdep_assert_held(&private->pin_lock);
	if (hlist_unhashed(&rec->hnode) || rec->npage > limit)
		return false;
	while (private->pin_cache_len + rec->npage > limit) {
		old = list_first_entry(&private->pin_lru, struct vfio_ccw_pin,
				       lru);
		vfio_ccw_pin_unindex_locked(private, old);
		old->releasing = true;
		list_add_tail(&old->unpin, evict);
	}
	rec->cached = true;
	list_add_tail(&rec->lru, &private->pin_lru);
	private->pin_cache_len += rec->npage;
	atomic64_sub(rec->npage, &private->stats.pinned);
	atomic64_add(rec->npage, &private->stats.pin_cached);
	return true;
}

/**
 * vfio_ccw_pin_cache_flush() - unpin every extent of the pin cache
 * @private: the device
 *
 * Return: true if something was released.
 */
bool vfio_ccw_pin_cache_flush(struct vfio_ccw_private *private)
{
	struct vfio_ccw_pin *rec, *tmp;
	LIST_HEAD(list);

	scoped_guard(spinlock_irq, &private->pin_lock) {
		list_for_each_entry_safe(rec, tmp, &private->pin_lru, lru) {
			vfio_ccw_pin_unindex_locked(private, rec);
			rec->releasing = true;
			list_add_tail(&rec->unpin, &list);
		}
	}
	if (list_empty(&list))
		return false;
	vfio_ccw_pins_put_marked(private, &list);
	return true;
}

/*
 * Index a new extent: the first extent at an address is the one cached.
 * A cached extent there that this pin did not fit (another length or
 * access: the program's pages changed) gives way; it goes on @stale,
 * marked releasing, for the caller to unpin.
 */
static void vfio_ccw_pin_index_locked(struct vfio_ccw_private *private,
				      struct vfio_ccw_pin *rec,
				      struct list_head *stale)
{
	struct vfio_ccw_pin *old;

	lockdep_assert_held(&private->pin_lock);
	if (!private->pin_hash)
		return;
	old = vfio_ccw_pin_find(private, rec->iova);
	if (old && old->cached) {
		vfio_ccw_pin_unindex_locked(private, old);
		old->releasing = true;
		list_add_tail(&old->unpin, stale);
		old = NULL;
	}
	if (!old)
		hlist_add_head(&rec->hnode,
			       vfio_ccw_pin_bucket(private, rec->iova));
}

/*
 * The index of the pin cache is allocated with the first pin of the
 * device; without it nothing is cached (and nothing else changes).
 */
static void vfio_ccw_pin_hash_alloc(struct vfio_ccw_private *private)
{
	struct hlist_head *h;

	if (likely(READ_ONCE(private->pin_hash)))
		return;
	h = kcalloc(VFIO_CCW_PIN_HASH_SIZE, sizeof(*h), GFP_KERNEL);
	if (!h)
		return;
	scoped_guard(spinlock_irq, &private->pin_lock) {
		if (!private->pin_hash) {
			private->pin_hash = h;
			h = NULL;
		}
	}
	kfree(h);
}

/* Pin through vfio type1 and record the extent. */
static int vfio_ccw_pin_new(struct vfio_ccw_private *private, u64 iova,
			    int npage, int prot, struct page **pages)
{
	struct vfio_ccw_pin *rec;
	LIST_HEAD(stale);
	int ret;

	rec = kzalloc(struct_size(rec, pages, npage), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	rec->iova = iova;
	rec->npage = npage;
	rec->prot = prot;
	rec->pinning = true;
	INIT_LIST_HEAD(&rec->lru);
	INIT_HLIST_NODE(&rec->hnode);
	vfio_ccw_pin_hash_alloc(private);
	/*
	 * Look at the fence and record the pin under one hold of @lock: a
	 * dma_unmap either fenced the range before (no pin) or finds this
	 * record and waits for it, then releases it.
	 */
	scoped_guard(spinlock_irq, private->lock) {
		if (vfio_ccw_fence_hit_locked(private, iova,
					      (u64)npage << PAGE_SHIFT)) {
			kfree(rec);
			return -EFAULT;
		}
		rec->tag = private->xlate_seq;
		guard(spinlock)(&private->pin_lock);
		list_add_tail(&rec->node, &private->pins);
	}

	ret = vfio_pin_pages(&private->vdev, iova, npage, prot, pages);

	scoped_guard(spinlock_irq, &private->pin_lock) {
		if (ret == npage) {
			rec->pinning = false;
			memcpy(rec->pages, pages, npage * sizeof(*pages));
			vfio_ccw_pin_index_locked(private, rec, &stale);
		} else {
			list_del(&rec->node);
		}
	}
	if (!list_empty(&stale))
		vfio_ccw_pins_put_marked(private, &stale);
	if (ret == npage) {
		vfio_ccw_pinned_add(private, npage);
		return npage;
	}
	kfree(rec);
	if (ret < 0)
		return ret;
	if (ret > 0)
		vfio_unpin_pages(&private->vdev, iova, ret);
	return -EFAULT;
}

static int vfio_ccw_dma_pin(void *ctx, u64 iova, int npage, int prot,
			    struct page **pages)
{
	struct vfio_ccw_private *private = ctx;
	int ret;

	scoped_guard(spinlock_irq, private->lock) {
		if (vfio_ccw_fence_hit_locked(private, iova,
					      (u64)npage << PAGE_SHIFT))
			return -EFAULT;
		guard(spinlock)(&private->pin_lock);
		if (vfio_ccw_cache_hit_locked(private, iova, npage, prot,
					      pages))
			return npage;
	}
	ret = vfio_ccw_pin_new(private, iova, npage, prot, pages);
	/* Out of locked memory: what the cache holds may be the reason. */
	if (ret == -ENOMEM && vfio_ccw_pin_cache_flush(private))
		ret = vfio_ccw_pin_new(private, iova, npage, prot, pages);
	return ret;
}

/* Release the records revoked by dma_unmap (moved to @list by node). */
static void vfio_ccw_pins_release(struct vfio_ccw_private *private,
				  struct list_head *list)
{
	struct vfio_ccw_pin *rec, *tmp;

	list_for_each_entry_safe(rec, tmp, list, node) {
		vfio_ccw_pin_put(private, rec);
		list_del(&rec->node);
		kfree(rec);
	}
}

/* Cache the extent of an ended program, or mark it for release. */
static void vfio_ccw_pin_drop_locked(struct vfio_ccw_private *private,
				     struct vfio_ccw_pin *rec,
				     struct list_head *list)
{
	lockdep_assert_held(&private->pin_lock);
	if (vfio_ccw_cache_keep_locked(private, rec, list))
		return;
	rec->releasing = true;
	list_add_tail(&rec->unpin, list);
}

static bool vfio_ccw_pin_owned(const struct vfio_ccw_pin *rec)
{
	return !rec->pinning && !rec->releasing && !rec->cached;
}

static void vfio_ccw_dma_unpin(void *ctx, u64 iova, int npage)
{
	struct vfio_ccw_private *private = ctx;
	u64 end = iova + ((u64)npage << PAGE_SHIFT);
	struct vfio_ccw_pin *rec;
	LIST_HEAD(list);

	/*
	 * The program's extents go to the cache, or are released. Extents
	 * that dma_unmap revoked are gone from the list already. The others
	 * stay on it, marked, until they are unpinned: a dma_unmap meanwhile
	 * waits for them (type1 would find them still pinned when we return).
	 *
	 * Programs unpin extent by extent, as they pinned them: the index
	 * finds the extent at once; only an extent pinned twice (not
	 * indexed) needs the walk, which takes everything in the range.
	 */
	scoped_guard(spinlock_irq, &private->pin_lock) {
		rec = vfio_ccw_pin_find(private, iova);
		if (rec && vfio_ccw_pin_owned(rec) && rec->iova == iova &&
		    rec->npage == npage) {
			vfio_ccw_pin_drop_locked(private, rec, &list);
		} else {
			list_for_each_entry(rec, &private->pins, node) {
				if (!vfio_ccw_pin_owned(rec) ||
				    rec->iova < iova ||
				    rec->iova + ((u64)rec->npage << PAGE_SHIFT) >
				    end)
					continue;
				vfio_ccw_pin_drop_locked(private, rec, &list);
			}
		}
	}
	if (!list_empty(&list))
		vfio_ccw_pins_put_marked(private, &list);
}

static bool vfio_ccw_pin_overlaps(const struct vfio_ccw_pin *rec, u64 iova,
				  u64 length)
{
	u64 end = rec->iova + ((u64)rec->npage << PAGE_SHIFT);

	return rec->iova < iova + length && iova < end;
}

static bool vfio_ccw_pins_settled(struct vfio_ccw_private *private, u64 iova,
				  u64 length)
{
	struct vfio_ccw_pin *rec;

	guard(spinlock_irq)(&private->pin_lock);
	list_for_each_entry(rec, &private->pins, node)
		if ((rec->pinning || rec->releasing) &&
		    vfio_ccw_pin_overlaps(rec, iova, length))
			return false;
	return true;
}

/*
 * Take every pinned extent in the range off the list, under @lock so that
 * no start can publish a program in between; mark the translation in
 * flight as revoked if it lost one. Returns false if an overlapping
 * program is published (the caller stops it first and retries).
 */
static bool vfio_ccw_pins_revoke(struct vfio_ccw_private *private, u64 iova,
				 u64 length, struct list_head *list)
{
	struct vfio_ccw_pin *rec, *tmp;
	bool inflight;

	guard(spinlock_irq)(private->lock);
	if (private->cp && vfio_ccw_cp_overlaps(private->cp, iova, length))
		return false;
	inflight = private->state == VFIO_CCW_STATE_CP_PROCESSING ||
		   private->resuming;
	guard(spinlock)(&private->pin_lock);
	list_for_each_entry_safe(rec, tmp, &private->pins, node) {
		if (rec->pinning || rec->releasing ||
		    !vfio_ccw_pin_overlaps(rec, iova, length))
			continue;
		if (inflight && rec->tag == private->xlate_seq)
			private->xlate_revoked = true;
		vfio_ccw_pin_unindex_locked(private, rec);
		list_move_tail(&rec->node, list);
	}
	return true;
}

static int vfio_ccw_dma_read(void *ctx, u64 iova, void *buf, size_t len)
{
	struct vfio_ccw_private *private = ctx;

	return vfio_dma_rw(&private->vdev, iova, buf, len, false);
}

/*
 * vfio_ccw_vfio_dma_ops: guest memory through vfio_pin_pages/vfio_dma_rw
 */
const struct vfio_ccw_dma_ops vfio_ccw_vfio_dma_ops = {
	.pin = vfio_ccw_dma_pin,
	.unpin = vfio_ccw_dma_unpin,
	.read = vfio_ccw_dma_read,
};

static struct vfio_ccw_private *to_private(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_ccw_private, vdev);
}

static int vfio_ccw_dev_init(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private = to_private(vdev);
	struct subchannel *sch = to_subchannel(vdev->dev->parent);

	private->sch = sch;
	private->parent = dev_get_drvdata(&sch->dev);
	private->schid = sch->schid;
	private->intparm = (u32)virt_to_phys(sch);
	vfio_ccw_private_init(private, &vfio_ccw_hw_cio_ops,
			      &vfio_ccw_vfio_dma_ops, &sch->lock);
	return 0;
}

static void vfio_ccw_dev_release(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private = to_private(vdev);

	vfio_ccw_private_cleanup(private);
	/* Every program and the cache were released by close. */
	WARN_ON_ONCE(!list_empty(&private->pins));
	kfree(private->pin_hash);
}

static int vfio_ccw_open_device(struct vfio_device *vdev)
{
	return vfio_ccw_fsm_open(to_private(vdev));
}

static void vfio_ccw_close_device(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private = to_private(vdev);
	struct eventfd_ctx *io, *crw, *req;

	vfio_ccw_fsm_close(private);
	/* Every program is gone: what stays pinned is the cache. */
	vfio_ccw_pin_cache_flush(private);
	scoped_guard(spinlock_irq, private->lock) {
		io = private->io_trigger;
		crw = private->crw_trigger;
		req = private->req_trigger;
		private->io_trigger = NULL;
		private->crw_trigger = NULL;
		private->req_trigger = NULL;
		vfio_ccw_crw_flush_locked(private);
	}
	if (io)
		eventfd_ctx_put(io);
	if (crw)
		eventfd_ctx_put(crw);
	if (req)
		eventfd_ctx_put(req);
}

static ssize_t vfio_ccw_read(struct vfio_device *vdev, char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct vfio_ccw_private *private = to_private(vdev);
	loff_t pos = *ppos & VFIO_CCW_OFFSET_MASK;
	ssize_t ret;

	switch (VFIO_CCW_OFFSET_TO_INDEX(*ppos)) {
	case VFIO_CCW_IDX_IO:
		ret = vfio_ccw_io_read(private, buf, count, pos);
		break;
	case VFIO_CCW_IDX_ASYNC:
		ret = vfio_ccw_async_read(private, buf, count, pos);
		break;
	case VFIO_CCW_IDX_SCHIB:
		ret = vfio_ccw_schib_read(private, buf, count, pos);
		break;
	case VFIO_CCW_IDX_CRW:
		ret = vfio_ccw_crw_read(private, buf, count, pos);
		break;
	case VFIO_CCW_IDX_STATUS:
		ret = vfio_ccw_status_read(private, buf, count, pos);
		break;
	default:
		return -EINVAL;
	}
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static ssize_t vfio_ccw_write(struct vfio_device *vdev,
			      const char __user *buf, size_t count,
			      loff_t *ppos)
{
	struct vfio_ccw_private *private = to_private(vdev);
	loff_t pos = *ppos & VFIO_CCW_OFFSET_MASK;
	ssize_t ret;

	switch (VFIO_CCW_OFFSET_TO_INDEX(*ppos)) {
	case VFIO_CCW_IDX_IO:
		ret = vfio_ccw_io_write(private, buf, count, pos);
		break;
	case VFIO_CCW_IDX_ASYNC:
		ret = vfio_ccw_async_write(private, buf, count, pos);
		break;
	default:
		return -EINVAL;
	}
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static void vfio_ccw_fill_cap(struct vfio_device_info_cap_ccw *cap)
{
	int i;

	cap->features = VFIO_CCW_FEAT_IO_HALT_CLEAR | VFIO_CCW_FEAT_OVERTAKE |
			VFIO_CCW_FEAT_STRICT_IO_WRITE | VFIO_CCW_FEAT_SUSPEND;
	cap->async_cmds = VFIO_CCW_ASYNC_CMD_HSCH | VFIO_CCW_ASYNC_CMD_CSCH |
			  VFIO_CCW_ASYNC_CMD_XSCH | VFIO_CCW_ASYNC_CMD_RSCH;
	for (i = 0; i < VFIO_CCW_REGION_SLOTS; i++)
		cap->region_index[i] = VFIO_CCW_INDEX_NONE;
	for (i = 0; i < VFIO_CCW_IRQ_SLOTS; i++)
		cap->irq_index[i] = VFIO_CCW_INDEX_NONE;
	cap->region_index[VFIO_CCW_REGION_IO] = VFIO_CCW_IDX_IO;
	cap->region_index[VFIO_CCW_REGION_ASYNC] = VFIO_CCW_IDX_ASYNC;
	cap->region_index[VFIO_CCW_REGION_SCHIB] = VFIO_CCW_IDX_SCHIB;
	cap->region_index[VFIO_CCW_REGION_CRW] = VFIO_CCW_IDX_CRW;
	cap->region_index[VFIO_CCW_REGION_STATUS] = VFIO_CCW_IDX_STATUS;
	cap->irq_index[VFIO_CCW_IRQ_IO] = VFIO_CCW_IO_IRQ_INDEX;
	cap->irq_index[VFIO_CCW_IRQ_CRW] = VFIO_CCW_CRW_IRQ_INDEX;
	cap->irq_index[VFIO_CCW_IRQ_REQ] = VFIO_CCW_REQ_IRQ_INDEX;
}

static int vfio_ccw_ioctl_get_info(struct vfio_ccw_private *private,
				   struct vfio_device_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_device_info_cap_ccw *cap;
	struct vfio_info_cap_header *header;
	struct vfio_device_info info;
	int ret = 0;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	minsz = min_t(size_t, info.argsz, sizeof(info));

	info.flags = VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_CCW_NUM_REGIONS;
	info.num_irqs = VFIO_CCW_NUM_IRQS;
	info.cap_offset = 0;
	info.pad = 0;

	header = vfio_info_cap_add(&caps, sizeof(*cap),
				   VFIO_DEVICE_INFO_CAP_CCW,
				   VFIO_CCW_ABI_VERSION);
	if (IS_ERR(header))
		return PTR_ERR(header);
	cap = container_of(header, struct vfio_device_info_cap_ccw, header);
	vfio_ccw_fill_cap(cap);

	info.flags |= VFIO_DEVICE_FLAGS_CAPS;
	if (info.argsz < sizeof(info) + caps.size) {
		info.argsz = sizeof(info) + caps.size;
	} else {
		vfio_info_cap_shift(&caps, sizeof(info));
		if (copy_to_user(arg + 1, caps.buf, caps.size))
			ret = -EFAULT;
		info.cap_offset = sizeof(info);
	}
	kfree(caps.buf);
	if (ret)
		return ret;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static const struct {
	u32 size;
	u32 flags;
	u32 subtype;
} vfio_ccw_regions[VFIO_CCW_NUM_REGIONS] = {
	[VFIO_CCW_IDX_IO] = {
		sizeof(struct ccw_io_region),
		VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE, 0 },
	[VFIO_CCW_IDX_ASYNC] = {
		sizeof(struct ccw_cmd_region),
		VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
		VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD },
	[VFIO_CCW_IDX_SCHIB] = {
		sizeof(struct ccw_schib_region), VFIO_REGION_INFO_FLAG_READ,
		VFIO_REGION_SUBTYPE_CCW_SCHIB },
	[VFIO_CCW_IDX_CRW] = {
		sizeof(struct ccw_crw_region), VFIO_REGION_INFO_FLAG_READ,
		VFIO_REGION_SUBTYPE_CCW_CRW },
	[VFIO_CCW_IDX_STATUS] = {
		sizeof(struct ccw_status_region), VFIO_REGION_INFO_FLAG_READ,
		VFIO_REGION_SUBTYPE_CCW_STATUS },
};

static int vfio_ccw_ioctl_get_region_info(struct vfio_ccw_private *private,
					  struct vfio_region_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info_cap_type cap_type = {
		.header.id = VFIO_REGION_INFO_CAP_TYPE,
		.header.version = 1,
		.type = VFIO_REGION_TYPE_CCW,
	};
	struct vfio_region_info info;
	int ret = 0;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index >= VFIO_CCW_NUM_REGIONS)
		return -EINVAL;

	info.offset = VFIO_CCW_INDEX_TO_OFFSET(info.index);
	info.size = vfio_ccw_regions[info.index].size;
	info.flags = vfio_ccw_regions[info.index].flags;
	info.cap_offset = 0;

	if (info.index != VFIO_CCW_IDX_IO) {
		cap_type.subtype = vfio_ccw_regions[info.index].subtype;
		ret = vfio_info_add_capability(&caps, &cap_type.header,
					       sizeof(cap_type));
		if (ret)
			return ret;
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = sizeof(info) + caps.size;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + 1, caps.buf, caps.size))
				ret = -EFAULT;
			info.cap_offset = sizeof(info);
		}
		kfree(caps.buf);
		if (ret)
			return ret;
	}
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int vfio_ccw_ioctl_get_irq_info(struct vfio_ccw_private *private,
				       struct vfio_irq_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_CCW_NUM_IRQS)
		return -EINVAL;
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	info.count = 1;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static struct eventfd_ctx **vfio_ccw_trigger(struct vfio_ccw_private *p,
					     unsigned int index)
{
	switch (index) {
	case VFIO_CCW_IO_IRQ_INDEX:
		return &p->io_trigger;
	case VFIO_CCW_CRW_IRQ_INDEX:
		return &p->crw_trigger;
	default:
		return &p->req_trigger;
	}
}

static int vfio_ccw_set_trigger(struct vfio_ccw_private *private,
				unsigned int index, s32 fd)
{
	struct eventfd_ctx *new = NULL, *old;
	struct eventfd_ctx **slot;

	if (fd >= 0) {
		new = eventfd_ctx_fdget(fd);
		if (IS_ERR(new))
			return -EINVAL;
	} else if (fd != -1) {
		return -EINVAL;
	}
	scoped_guard(spinlock_irq, private->lock) {
		slot = vfio_ccw_trigger(private, index);
		old = *slot;
		*slot = new;
	}
	if (old)
		eventfd_ctx_put(old);
	return 0;
}

static int vfio_ccw_ioctl_set_irqs(struct vfio_ccw_private *private,
				   struct vfio_irq_set __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	struct eventfd_ctx *trigger;
	size_t data_size = 0;
	u8 data[4] = {};
	s32 fd;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, 1, VFIO_CCW_NUM_IRQS,
						 &data_size);
	if (ret)
		return ret;
	if (!(hdr.flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		return -EINVAL;
	if (data_size > sizeof(data))
		return -EINVAL;
	if (data_size && copy_from_user(data, (u8 __user *)arg + minsz,
					data_size))
		return -EFAULT;

	switch (hdr.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		if (!hdr.count)
			return vfio_ccw_set_trigger(private, hdr.index, -1);
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (!data[0])
			return 0;
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		memcpy(&fd, data, sizeof(fd));
		return vfio_ccw_set_trigger(private, hdr.index, fd);
	default:
		return -EINVAL;
	}

	/* Loopback: signal the eventfd as the device would. */
	guard(spinlock_irq)(private->lock);
	trigger = *vfio_ccw_trigger(private, hdr.index);
	if (trigger)
		eventfd_signal(trigger);
	return 0;
}

static long vfio_ccw_ioctl(struct vfio_device *vdev, unsigned int cmd,
			   unsigned long arg)
{
	struct vfio_ccw_private *private = to_private(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfio_ccw_ioctl_get_info(private, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vfio_ccw_ioctl_get_region_info(private, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vfio_ccw_ioctl_get_irq_info(private, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vfio_ccw_ioctl_set_irqs(private, uarg);
	case VFIO_DEVICE_RESET:
		return vfio_ccw_fsm_reset(private);
	default:
		return -ENOTTY;
	}
}

static void vfio_ccw_request(struct vfio_device *vdev, unsigned int count)
{
	struct vfio_ccw_private *private = to_private(vdev);

	guard(spinlock_irq)(private->lock);
	if (private->req_trigger) {
		if (!(count % 10))
			dev_notice_ratelimited(vdev->dev,
					       "relaying device request to user (#%u)\n",
					       count);
		eventfd_signal(private->req_trigger);
	} else if (count == 0) {
		dev_notice_ratelimited(vdev->dev,
				       "no device request channel, blocked until released\n");
	}
}

/*
 * Called by vfio type1 with its device_list_lock held, whenever a mapping
 * with pinned pages is unmapped; it retries only ten times, then BUG()s.
 * So: never wait for a thread that may need the iommu's locks (no
 * io_mutex); stop a published program that uses the range, then release
 * every pin in the range ourselves. Pins still being made are waited for,
 * bounded: one blocked on the iommu lock has not pinned anything yet. The
 * range is fenced first, so that no translation pins in it again before
 * type1 has removed the mapping (it BUG()s after ten such rounds).
 */
/* Wait, bounded (0.1-0.2 s), until no pin or unpin in the range runs. */
static void vfio_ccw_pins_settle(struct vfio_ccw_private *private, u64 iova,
				 u64 length)
{
	int i;

	for (i = 0; i < 100 && !vfio_ccw_pins_settled(private, iova, length);
	     i++)
		usleep_range(1000, 2000);
}

static void vfio_ccw_dma_unmap(struct vfio_device *vdev, u64 iova,
			       u64 length)
{
	struct vfio_ccw_private *private = to_private(vdev);
	LIST_HEAD(list);
	int i;

	/* No new pin or read in the range from now on (see the fence). */
	vfio_ccw_fsm_fence(private, iova, length);
	vfio_ccw_pins_settle(private, iova, length);
	for (i = 0; i < 4; i++) {
		vfio_ccw_fsm_dma_unmap(private, iova, length);
		if (vfio_ccw_pins_revoke(private, iova, length, &list))
			break;
	}
	vfio_ccw_pins_release(private, &list);
	/* A program retired meanwhile may be unpinning right now. */
	vfio_ccw_pins_settle(private, iova, length);
	/* type1 removes the mapping after we return: the fence starts now. */
	vfio_ccw_fsm_fence(private, iova, length);
}

static const struct vfio_device_ops vfio_ccw_dev_ops = {
	.name = "vfio-ccw",
	.init = vfio_ccw_dev_init,
	.release = vfio_ccw_dev_release,
	.open_device = vfio_ccw_open_device,
	.close_device = vfio_ccw_close_device,
	.read = vfio_ccw_read,
	.write = vfio_ccw_write,
	.ioctl = vfio_ccw_ioctl,
	.request = vfio_ccw_request,
	.dma_unmap = vfio_ccw_dma_unmap,
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};

static int vfio_ccw_mdev_probe(struct mdev_device *mdev)
{
	struct vfio_ccw_private *private;
	int ret;

	private = vfio_alloc_device(vfio_ccw_private, vdev, &mdev->dev,
				    &vfio_ccw_dev_ops);
	if (IS_ERR(private))
		return PTR_ERR(private);

	dev_set_drvdata(&mdev->dev, private);
	ret = vfio_register_emulated_iommu_dev(&private->vdev);
	if (ret)
		goto err_put;
	vfio_ccw_debugfs_init(private);
	scoped_guard(spinlock_irq, private->lock)
		private->parent->private = private;
	return 0;

err_put:
	vfio_put_device(&private->vdev);
	return ret;
}

static void vfio_ccw_mdev_remove(struct mdev_device *mdev)
{
	struct vfio_ccw_private *private = dev_get_drvdata(&mdev->dev);

	/* Waits until user space has closed the device (request callback). */
	vfio_unregister_group_dev(&private->vdev);
	scoped_guard(spinlock_irq, private->lock)
		private->parent->private = NULL;
	vfio_put_device(&private->vdev);
}

/*
 * vfio_ccw_mdev_driver: the mdev driver, one instance per subchannel
 */
struct mdev_driver vfio_ccw_mdev_driver = {
	.device_api = VFIO_DEVICE_API_CCW_STRING,
	.max_instances = 1,
	.driver = {
		.name = "vfio_ccw_mdev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = vfio_ccw_mdev_probe,
	.remove = vfio_ccw_mdev_remove,
};
