// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: guest memory.
 *
 * Every pin that translation makes is one record, and a record has exactly
 * one owner at any time: the translation that makes it, the program whose
 * IDAWs point into it, or the pin cache. Only the owner releases a record,
 * and it releases exactly that record: the back-end counts pins per extent
 * and per page, so one unpin undoes one pin and nothing else.
 *
 * dma_unmap revokes what a program owns in its range, it does not release
 * it: the back-end's pin goes (the vfio core demands it), but the record
 * keeps its pages by page references until its owner frees it, so that a
 * channel program told to stop by the same call never writes into a page
 * that went back to the allocator. A fence (vfio_ccw_fence.c) keeps new
 * pins out of the range from the call until the unmapping thread returns
 * to user space.
 *
 * Documentation/s390/vfio-ccw-locking.rst, "Guest memory", has the states
 * and the protocol.
 */
#include <linux/cleanup.h>
#include <linux/device.h>
#include <linux/hash.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vfio.h>
#include <kunit/visibility.h>

#include "vfio_ccw_cp.h"
#include "vfio_ccw_pin.h"
#include "vfio_ccw_private.h"

static unsigned int pin_cache_pages = 1024;
module_param(pin_cache_pages, uint, 0644);
MODULE_PARM_DESC(pin_cache_pages,
		 "pages per device kept pinned for reuse after their program ended (0: none)");

/* Buckets of the pin cache's index (pin_cache_pages defaults to 1024). */
#define VFIO_CCW_PIN_HASH_BITS	8
#define VFIO_CCW_PIN_HASH_SIZE	BIT(VFIO_CCW_PIN_HASH_BITS)

/**
 * struct vfio_ccw_pin - one extent, pinned by one call of the back-end
 * @node: [lock] on &vfio_ccw_pins.list while the back-end holds the pages
 * @hnode: [lock] in &vfio_ccw_pins.hash while cached, and while owned by
 *         the program that took it from the cache (it goes back there)
 * @lru: [lock] on &vfio_ccw_pins.lru while cached
 * @work: on the private list of the thread that releases or revokes it
 * @iova: first IOVA, page aligned
 * @tag: [lock] the translation that pinned it or took it from the cache
 * @prot: the access it was pinned for
 * @state: [lock] &enum vfio_ccw_pin_state
 * @revoke: [lock] (PINNING) dma_unmap revoked it: release it once pinned
 * @orphan: [lock] (REVOKING) its owner let go: the revoker frees it
 * @npage: number of pages
 * @pages: the pages
 *
 * [lock] is &vfio_ccw_pins.lock.
 */
struct vfio_ccw_pin {
	struct list_head node;
	struct hlist_node hnode;
	struct list_head lru;
	struct list_head work;
	u64 iova;
	u64 tag;
	int prot;
	enum vfio_ccw_pin_state state;
	bool revoke;
	bool orphan;
	int npage;
	struct page *pages[] __counted_by(npage);
};

static u64 vfio_ccw_pin_last(const struct vfio_ccw_pin *rec)
{
	return rec->iova + ((u64)rec->npage << PAGE_SHIFT) - 1;
}

static bool vfio_ccw_pin_in(const struct vfio_ccw_pin *rec, u64 iova,
			    u64 last)
{
	return vfio_ccw_ranges_overlap(rec->iova, vfio_ccw_pin_last(rec),
				       iova, last);
}

static void vfio_ccw_pinned_add(struct vfio_ccw_pins *pins, int npage)
{
	s64 now = atomic64_add_return(npage, &pins->stats->pinned);
	s64 peak = atomic64_read(&pins->stats->pinned_peak);

	while (now > peak &&
	       !atomic64_try_cmpxchg(&pins->stats->pinned_peak, &peak, now))
		;
}

/* ---------------------------------------------------------------------- */
/* The pin cache                                                           */
/* ---------------------------------------------------------------------- */

static struct hlist_head *vfio_ccw_cache_bucket(struct vfio_ccw_pins *pins,
						u64 iova)
{
	return &pins->hash[hash_64(iova >> PAGE_SHIFT, VFIO_CCW_PIN_HASH_BITS)];
}

/*
 * The indexed record at @iova, if any: cached, or owned by a program that
 * took it from the cache (the index keeps its slot, so that it goes back
 * to the cache without a look-up). At most one record per IOVA.
 */
static struct vfio_ccw_pin *vfio_ccw_cache_find_locked(struct vfio_ccw_pins *pins,
						       u64 iova)
{
	struct vfio_ccw_pin *rec;

	lockdep_assert_held(&pins->lock);
	if (!pins->hash)
		return NULL;
	hlist_for_each_entry(rec, vfio_ccw_cache_bucket(pins, iova), hnode)
		if (rec->iova == iova)
			return rec;
	return NULL;
}

/* Take a cached record out of the cache, marked releasing, onto @list. */
static void vfio_ccw_cache_evict_locked(struct vfio_ccw_pins *pins,
					struct vfio_ccw_pin *rec,
					struct list_head *list)
{
	lockdep_assert_held(&pins->lock);
	hlist_del_init(&rec->hnode);
	list_del_init(&rec->lru);
	pins->cache_len -= rec->npage;
	atomic64_sub(rec->npage, &pins->stats->pin_cached);
	rec->state = VFIO_CCW_PIN_RELEASING;
	list_add_tail(&rec->work, list);
}

/*
 * A cached record that serves exactly this pin becomes the translation's:
 * the same extent, pinned for at least this access.
 */
static struct vfio_ccw_pin *vfio_ccw_cache_take_locked(struct vfio_ccw_pins *pins,
						       u64 iova, int npage,
						       int prot)
{
	struct vfio_ccw_pin *rec;

	lockdep_assert_held(&pins->lock);
	if (!pins->cache_len)
		return NULL;
	rec = vfio_ccw_cache_find_locked(pins, iova);
	if (!rec || rec->state != VFIO_CCW_PIN_CACHED || rec->npage != npage ||
	    (rec->prot & prot) != prot)
		return NULL;
	/* it keeps its index slot */
	list_del_init(&rec->lru);
	pins->cache_len -= npage;
	rec->state = VFIO_CCW_PIN_OWNED;
	rec->tag = pins->xlate;
	atomic64_sub(npage, &pins->stats->pin_cached);
	atomic64_add(npage, &pins->stats->pin_cache_hits);
	vfio_ccw_pinned_add(pins, npage);
	return rec;
}

/* An owned record leaves the index (it is released or revoked). */
static void vfio_ccw_cache_unindex_locked(struct vfio_ccw_pins *pins,
					  struct vfio_ccw_pin *rec)
{
	lockdep_assert_held(&pins->lock);
	if (!hlist_unhashed(&rec->hnode))
		hlist_del_init(&rec->hnode);
}

/*
 * The owner of @rec lets go of it: the cache takes it, pushing out the
 * least recently used records (onto @evict, marked releasing) to stay
 * within pin_cache_pages. A record that came from the cache has its index
 * slot still; a new one takes the slot of its IOVA from a cached record
 * there, not from one a program owns (it is not kept then). Returns false
 * if the cache cannot take it.
 */
static bool vfio_ccw_cache_keep_locked(struct vfio_ccw_pins *pins,
				       struct vfio_ccw_pin *rec,
				       struct list_head *evict)
{
	unsigned int limit = READ_ONCE(pin_cache_pages);
	struct vfio_ccw_pin *old;

	lockdep_assert_held(&pins->lock);
	if (!pins->hash || rec->npage > limit) {
		vfio_ccw_cache_unindex_locked(pins, rec);
		return false;
	}
	if (hlist_unhashed(&rec->hnode)) {
		old = vfio_ccw_cache_find_locked(pins, rec->iova);
		if (old && old->state != VFIO_CCW_PIN_CACHED)
			return false;
		if (old)
			vfio_ccw_cache_evict_locked(pins, old, evict);
		hlist_add_head(&rec->hnode,
			       vfio_ccw_cache_bucket(pins, rec->iova));
	}
	while (pins->cache_len + rec->npage > limit)
		vfio_ccw_cache_evict_locked(pins,
					    list_first_entry(&pins->lru,
							     struct vfio_ccw_pin,
							     lru),
					    evict);
	rec->state = VFIO_CCW_PIN_CACHED;
	list_add_tail(&rec->lru, &pins->lru);
	pins->cache_len += rec->npage;
	atomic64_add(rec->npage, &pins->stats->pin_cached);
	return true;
}

/*
 * The index is allocated with the first pin of the device; without it
 * nothing is cached, and nothing else changes.
 */
static void vfio_ccw_cache_alloc(struct vfio_ccw_pins *pins)
{
	struct hlist_head *h;

	if (likely(READ_ONCE(pins->hash)))
		return;
	h = kcalloc(VFIO_CCW_PIN_HASH_SIZE, sizeof(*h), GFP_KERNEL);
	if (!h)
		return;
	scoped_guard(spinlock_irq, &pins->lock) {
		if (!pins->hash) {
			pins->hash = h;
			h = NULL;
		}
	}
	kfree(h);
}

/* ---------------------------------------------------------------------- */
/* Releasing                                                               */
/* ---------------------------------------------------------------------- */

static void vfio_ccw_pin_put_pages(struct vfio_ccw_pin *rec)
{
	int i;

	for (i = 0; i < rec->npage; i++)
		put_page(rec->pages[i]);
}

/*
 * Unpin records marked releasing and collected on @list (by @work): they
 * stay on the device's list, where dma_unmap waits for them, until the
 * back-end has let go of their pages.
 */
static void vfio_ccw_pins_release_list(struct vfio_ccw_pins *pins,
				       struct list_head *list)
{
	struct vfio_ccw_pin *rec, *tmp;

	if (list_empty(list))
		return;
	list_for_each_entry(rec, list, work)
		pins->be->unpin(pins, rec->iova, rec->npage);
	scoped_guard(spinlock_irq, &pins->lock) {
		list_for_each_entry(rec, list, work)
			list_del(&rec->node);
	}
	wake_up_all(&pins->wait);
	list_for_each_entry_safe(rec, tmp, list, work)
		kfree(rec);
}

/**
 * vfio_ccw_pins_cache_flush() - unpin every record of the pin cache
 * @pins: the device's guest memory
 *
 * Return: true if the cache held something.
 */
bool vfio_ccw_pins_cache_flush(struct vfio_ccw_pins *pins)
{
	struct vfio_ccw_pin *rec, *tmp;
	LIST_HEAD(list);

	scoped_guard(spinlock_irq, &pins->lock) {
		list_for_each_entry_safe(rec, tmp, &pins->lru, lru)
			vfio_ccw_cache_evict_locked(pins, rec, &list);
	}
	if (list_empty(&list))
		return false;
	vfio_ccw_pins_release_list(pins, &list);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pins_cache_flush);

/* ---------------------------------------------------------------------- */
/* Pins for translation: the production dma ops                            */
/* ---------------------------------------------------------------------- */

/**
 * vfio_ccw_pins_xlate_begin() - a translation starts
 * @pins: the device's guest memory
 * @tag: its number (not 0); its pins carry it
 *
 * Called under the io_mutex, which serialises translations, with
 * interrupts off (the caller holds &vfio_ccw_private.lock).
 */
void vfio_ccw_pins_xlate_begin(struct vfio_ccw_pins *pins, u64 tag)
{
	lockdep_assert_irqs_disabled();
	guard(spinlock)(&pins->lock);
	pins->xlate = tag;
	pins->xlate_revoked = false;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pins_xlate_begin);

/**
 * vfio_ccw_pins_xlate_end() - the translation in flight ends
 * @pins: the device's guest memory
 *
 * Called with &vfio_ccw_private.lock held when the program is published
 * (or dropped): dma_unmap revokes under the same lock, so it either
 * revoked before (and the program must not be issued) or finds the
 * program published and stops it.
 *
 * Return: true unless dma_unmap revoked a pin of the translation.
 */
bool vfio_ccw_pins_xlate_end(struct vfio_ccw_pins *pins)
{
	bool ok;

	lockdep_assert_irqs_disabled();
	guard(spinlock)(&pins->lock);
	ok = !pins->xlate_revoked;
	pins->xlate = 0;
	pins->xlate_revoked = false;
	return ok;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pins_xlate_end);

static int vfio_ccw_pin_allowed_locked(struct vfio_ccw_pins *pins, u64 iova,
				       u64 last)
{
	lockdep_assert_held(&pins->lock);
	if (pins->xlate_revoked || vfio_ccw_pins_fenced_locked(pins, iova, last))
		return -EFAULT;
	return 0;
}

static struct vfio_ccw_pin *vfio_ccw_pin_new(struct vfio_ccw_pins *pins,
					     u64 iova, int npage, int prot,
					     struct page **pages)
{
	struct vfio_ccw_pin *rec;
	bool revoked;
	u64 last;
	int ret;

	/* an extent never wraps past the top of the IOVA space */
	if (npage <= 0 ||
	    check_add_overflow(iova, ((u64)npage << PAGE_SHIFT) - 1, &last))
		return ERR_PTR(-EFAULT);

	scoped_guard(spinlock_irq, &pins->lock) {
		ret = vfio_ccw_pin_allowed_locked(pins, iova, last);
		if (ret)
			return ERR_PTR(ret);
		rec = vfio_ccw_cache_take_locked(pins, iova, npage, prot);
		if (rec) {
			memcpy(pages, rec->pages, npage * sizeof(*pages));
			return rec;
		}
	}

	vfio_ccw_cache_alloc(pins);
	rec = kzalloc(struct_size(rec, pages, npage), GFP_KERNEL);
	if (!rec)
		return ERR_PTR(-ENOMEM);
	rec->iova = iova;
	rec->npage = npage;
	rec->prot = prot;
	rec->state = VFIO_CCW_PIN_PINNING;
	INIT_HLIST_NODE(&rec->hnode);
	INIT_LIST_HEAD(&rec->lru);
	/*
	 * Look at the fences and record the pin under one hold of the lock:
	 * a dma_unmap either fenced the range before (no pin) or finds the
	 * record, revokes it and waits until it is released.
	 */
	scoped_guard(spinlock_irq, &pins->lock) {
		ret = vfio_ccw_pin_allowed_locked(pins, iova, last);
		if (ret) {
			kfree(rec);
			return ERR_PTR(ret);
		}
		rec->tag = pins->xlate;
		list_add_tail(&rec->node, &pins->list);
	}

	ret = pins->be->pin(pins, iova, npage, prot, rec->pages);
	if (ret > 0 && ret != npage) {
		/* vfio_pin_pages() never pins part of a call; be safe */
		pins->be->unpin(pins, iova, ret);
		ret = -EFAULT;
	}

	scoped_guard(spinlock_irq, &pins->lock) {
		revoked = rec->revoke;
		if (ret == npage && !revoked) {
			rec->state = VFIO_CCW_PIN_OWNED;
			vfio_ccw_pinned_add(pins, npage);
		} else if (ret == npage) {
			rec->state = VFIO_CCW_PIN_RELEASING;
		} else {
			list_del(&rec->node);
		}
	}
	if (ret == npage && !revoked) {
		wake_up_all(&pins->wait);
		/* a dma_unmap may revoke it now; it stays this program's */
		memcpy(pages, rec->pages, npage * sizeof(*pages));
		return rec;
	}
	if (ret == npage) {
		/* revoked while it was pinned: undo it, as dma_unmap waits */
		pins->be->unpin(pins, iova, npage);
		scoped_guard(spinlock_irq, &pins->lock)
			list_del(&rec->node);
		ret = -EFAULT;
	}
	wake_up_all(&pins->wait);
	kfree(rec);
	return ERR_PTR(ret);
}

static struct vfio_ccw_pin *vfio_ccw_pin_get(void *ctx, u64 iova, int npage,
					     int prot, struct page **pages)
{
	struct vfio_ccw_pins *pins = ctx;
	struct vfio_ccw_pin *rec;

	rec = vfio_ccw_pin_new(pins, iova, npage, prot, pages);
	/* Out of locked memory: what the cache holds may be the reason. */
	if (rec == ERR_PTR(-ENOMEM) && vfio_ccw_pins_cache_flush(pins))
		rec = vfio_ccw_pin_new(pins, iova, npage, prot, pages);
	return rec;
}

/*
 * The owner of @rec lets go of it: the cache takes it, or it is unpinned;
 * a revoked record only holds page references.
 */
static void vfio_ccw_pin_put(void *ctx, struct vfio_ccw_pin *rec)
{
	struct vfio_ccw_pins *pins = ctx;
	bool refs = false;
	LIST_HEAD(list);

	scoped_guard(spinlock_irq, &pins->lock) {
		switch (rec->state) {
		case VFIO_CCW_PIN_OWNED:
			atomic64_sub(rec->npage, &pins->stats->pinned);
			if (vfio_ccw_cache_keep_locked(pins, rec, &list))
				break;
			rec->state = VFIO_CCW_PIN_RELEASING;
			list_add_tail(&rec->work, &list);
			break;
		case VFIO_CCW_PIN_REVOKING:
			rec->orphan = true;	/* the revoker frees it */
			break;
		case VFIO_CCW_PIN_REVOKED:
			refs = true;
			break;
		default:
			/* not the owner's to release: a bug of ours */
			WARN_ON_ONCE(1);
			return;
		}
	}
	vfio_ccw_pins_release_list(pins, &list);
	if (refs) {
		vfio_ccw_pin_put_pages(rec);
		kfree(rec);
	}
}

static int vfio_ccw_pin_read(void *ctx, u64 iova, void *buf, size_t len)
{
	struct vfio_ccw_pins *pins = ctx;

	/* A revoked translation is doomed: do not read on for it. */
	if (READ_ONCE(pins->xlate_revoked))
		return -EFAULT;
	return pins->be->read(pins, iova, buf, len);
}

/*
 * vfio_ccw_pin_dma_ops: translation reaches guest memory through the pin
 * records (context: &struct vfio_ccw_pins)
 */
const struct vfio_ccw_dma_ops vfio_ccw_pin_dma_ops = {
	.pin = vfio_ccw_pin_get,
	.unpin = vfio_ccw_pin_put,
	.read = vfio_ccw_pin_read,
};
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pin_dma_ops);

/* ---------------------------------------------------------------------- */
/* Revocation: dma_unmap                                                   */
/* ---------------------------------------------------------------------- */

/*
 * Revoke every record in [@iova, @last]: a cached one is taken from the
 * cache (released), an owned one keeps its pages by references for its
 * owner, one being pinned is released by its pinner once pinned. Owned and
 * cached ones go onto @work for vfio_ccw_pins_revoke_finish(). The
 * translation in flight is revoked if it loses a pin.
 */
static void vfio_ccw_pins_revoke_locked(struct vfio_ccw_pins *pins, u64 iova,
					u64 last, struct list_head *work)
{
	struct vfio_ccw_pin *rec;
	int i;

	lockdep_assert_held(&pins->lock);
	list_for_each_entry(rec, &pins->list, node) {
		if (!vfio_ccw_pin_in(rec, iova, last))
			continue;
		switch (rec->state) {
		case VFIO_CCW_PIN_PINNING:
			rec->revoke = true;
			break;
		case VFIO_CCW_PIN_OWNED:
			for (i = 0; i < rec->npage; i++)
				get_page(rec->pages[i]);
			atomic64_sub(rec->npage, &pins->stats->pinned);
			vfio_ccw_cache_unindex_locked(pins, rec);
			rec->state = VFIO_CCW_PIN_REVOKING;
			list_add_tail(&rec->work, work);
			break;
		case VFIO_CCW_PIN_CACHED:
			vfio_ccw_cache_evict_locked(pins, rec, work);
			continue;
		default:
			/* being released or revoked by another thread */
			continue;
		}
		if (pins->xlate && rec->tag == pins->xlate)
			pins->xlate_revoked = true;
	}
}

/* Does no other thread pin, unpin or revoke in [@iova, @last] now? */
static bool vfio_ccw_pins_settled(struct vfio_ccw_pins *pins, u64 iova,
				  u64 last)
{
	struct vfio_ccw_pin *rec;

	guard(spinlock_irq)(&pins->lock);
	list_for_each_entry(rec, &pins->list, node)
		if (rec->state != VFIO_CCW_PIN_OWNED &&
		    rec->state != VFIO_CCW_PIN_CACHED &&
		    vfio_ccw_pin_in(rec, iova, last))
			return false;
	return true;
}

/*
 * Unpin what vfio_ccw_pins_revoke_locked() collected; then, if @wait, wait
 * until no other thread pins, releases or revokes anything in the range:
 * when this returns the back-end holds nothing of ours there.
 *
 * Such a thread needs the back-end's lock for its pin or unpin. The wait
 * has no bound: it ends unless the holder of that lock waits for what the
 * caller holds (the vfio type1 device_list_lock, see "Guest memory" in
 * vfio-ccw-locking.rst); it is an idle wait (no hung-task report).
 */
static void vfio_ccw_pins_revoke_finish(struct vfio_ccw_pins *pins,
					struct list_head *work, u64 iova,
					u64 last, bool wait)
{
	enum { KEEP, FREE, FREE_REFS } fate;
	struct vfio_ccw_pin *rec, *tmp;

	list_for_each_entry_safe(rec, tmp, work, work) {
		pins->be->unpin(pins, rec->iova, rec->npage);
		list_del(&rec->work);
		scoped_guard(spinlock_irq, &pins->lock) {
			list_del(&rec->node);
			if (rec->state == VFIO_CCW_PIN_RELEASING) {
				fate = FREE;		/* was cached: ours */
			} else if (rec->orphan) {
				fate = FREE_REFS;
			} else {
				/* its owner frees it, from now on at any time */
				rec->state = VFIO_CCW_PIN_REVOKED;
				fate = KEEP;
			}
		}
		wake_up_all(&pins->wait);
		if (fate == FREE_REFS)
			vfio_ccw_pin_put_pages(rec);
		if (fate != KEEP)
			kfree(rec);
	}
	if (wait)
		wait_event_idle(pins->wait,
				vfio_ccw_pins_settled(pins, iova, last));
}

/**
 * vfio_ccw_pins_revoke() - revoke every pin in a range
 * @pins: the device's guest memory
 * @iova: first address
 * @last: last address
 * @wait: wait for the pins and unpins of other threads in flight there
 *
 * Close uses it, over the whole IOVA space, for a program that could not
 * be proved stopped: the back-end must hold nothing after close, while
 * the program's pages must stay allocated. May sleep.
 */
VISIBLE_IF_KUNIT void vfio_ccw_pins_revoke(struct vfio_ccw_pins *pins,
					   u64 iova, u64 last, bool wait)
{
	LIST_HEAD(work);

	scoped_guard(spinlock_irq, &pins->lock)
		vfio_ccw_pins_revoke_locked(pins, iova, last, &work);
	vfio_ccw_pins_revoke_finish(pins, &work, iova, last, wait);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pins_revoke);

/**
 * vfio_ccw_pins_revoke_all() - revoke every pin of the device
 * @pins: the device's guest memory
 */
void vfio_ccw_pins_revoke_all(struct vfio_ccw_pins *pins)
{
	vfio_ccw_pins_revoke(pins, 0, U64_MAX, true);
}

/**
 * vfio_ccw_dma_unmap_range() - the vfio device's dma_unmap
 * @private: the device
 * @iova: first IOVA of the mapping being removed
 * @length: its length
 *
 * Called by the back-end (vfio type1 with its device_list_lock held,
 * iommufd with the area fenced) before it removes the mapping; it calls
 * again while anything in the range is still pinned (type1 BUG()s after
 * ten repeats). So: fence the range against new pins until the unmapping
 * thread returns to user space; stop the published program that uses the
 * range (CLEAR SUBCHANNEL, without waiting); revoke every pin in the
 * range under the device lock, so that a start either sees its
 * translation revoked or is seen published; unpin.
 *
 * Pins and unpins of other threads in flight in the range: under iommufd
 * every call waits for them. iommufd holds none of its locks across the
 * call, and its replace or detach of the access calls only once before
 * the access's unpins go to another IOAS, or nowhere. Under vfio type1 a
 * first call does not wait: each of them needs the back-end's lock, which
 * the back-end takes again first (then the pin fails, or the unpin is
 * done) or after it (then it calls again, and the repeated call waits for
 * them: they no longer need that lock to finish, but for their own
 * unpin). Takes neither the io_mutex nor anything a translation holds
 * across a back-end call. May sleep.
 */
void vfio_ccw_dma_unmap_range(struct vfio_ccw_private *private, u64 iova,
			      u64 length)
{
	struct vfio_ccw_pins *pins = &private->pins;
	u64 last = vfio_ccw_range_last(iova, length);
	LIST_HEAD(work);
	bool repeat;

	repeat = vfio_ccw_pins_fence(pins, iova, last);
	scoped_guard(spinlock_irq, private->lock) {
		vfio_ccw_stop_range_locked(private, iova, last);
		guard(spinlock)(&pins->lock);
		vfio_ccw_pins_revoke_locked(pins, iova, last, &work);
	}
	vfio_ccw_pins_revoke_finish(pins, &work, iova, last,
				    repeat || READ_ONCE(pins->unmap_waits));
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_dma_unmap_range);

/* ---------------------------------------------------------------------- */
/* Set-up, and the production back-end                                     */
/* ---------------------------------------------------------------------- */

/**
 * vfio_ccw_pins_init() - initialise a device's guest memory
 * @pins: zeroed
 * @be: the back-end
 * @stats: the device's counters
 * @dev: the vfio device's &struct device, or NULL
 */
void vfio_ccw_pins_init(struct vfio_ccw_pins *pins,
			const struct vfio_ccw_pin_backend *be,
			struct vfio_ccw_stats *stats, struct device *dev)
{
	pins->be = be;
	pins->stats = stats;
	pins->dev = dev;
	spin_lock_init(&pins->lock);
	INIT_LIST_HEAD(&pins->list);
	INIT_LIST_HEAD(&pins->lru);
	init_waitqueue_head(&pins->wait);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pins_init);

/**
 * vfio_ccw_pins_destroy() - free what the guest memory of a device holds
 * @pins: no program left
 *
 * Releases the cache (close did already), the sticky fences and the
 * device's reference on the fence list. May sleep.
 */
void vfio_ccw_pins_destroy(struct vfio_ccw_pins *pins)
{
	vfio_ccw_pins_cache_flush(pins);
	vfio_ccw_pins_drop_sticky_fences(pins);
	WARN_ON_ONCE(!list_empty(&pins->list));
	/* fences still live go with their threads' return to user space */
	vfio_ccw_pins_fences_put(pins);
	kfree(pins->hash);
	pins->hash = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pins_destroy);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * vfio_ccw_pin_tag() - the translation a record belongs to (KUnit)
 * @rec: the record
 *
 * Return: its tag.
 */
u64 vfio_ccw_pin_tag(const struct vfio_ccw_pin *rec)
{
	return rec->tag;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pin_tag);

/**
 * vfio_ccw_pin_state() - the state of a record (KUnit)
 * @rec: the record
 *
 * Return: its &enum vfio_ccw_pin_state.
 */
int vfio_ccw_pin_state(const struct vfio_ccw_pin *rec)
{
	return rec->state;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pin_state);

/**
 * vfio_ccw_pin_range() - the extent of a record (KUnit)
 * @rec: the record
 * @iova: set to its first IOVA
 * @npage: set to its number of pages
 */
void vfio_ccw_pin_range(const struct vfio_ccw_pin *rec, u64 *iova,
			int *npage)
{
	*iova = rec->iova;
	*npage = rec->npage;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pin_range);

/**
 * vfio_ccw_pins_count() - records on the device's list in a state (KUnit)
 * @pins: the device's guest memory
 * @state: an &enum vfio_ccw_pin_state
 *
 * Return: how many.
 */
int vfio_ccw_pins_count(struct vfio_ccw_pins *pins, int state)
{
	struct vfio_ccw_pin *rec;
	int n = 0;

	guard(spinlock_irq)(&pins->lock);
	list_for_each_entry(rec, &pins->list, node)
		n += rec->state == state;
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_pins_count);
#endif

static struct vfio_device *vfio_ccw_pins_vdev(struct vfio_ccw_pins *pins)
{
	return &container_of(pins, struct vfio_ccw_private, pins)->vdev;
}

static int vfio_ccw_be_pin(struct vfio_ccw_pins *pins, u64 iova, int npage,
			   int prot, struct page **pages)
{
	return vfio_pin_pages(vfio_ccw_pins_vdev(pins), iova, npage, prot,
			      pages);
}

static void vfio_ccw_be_unpin(struct vfio_ccw_pins *pins, u64 iova, int npage)
{
	vfio_unpin_pages(vfio_ccw_pins_vdev(pins), iova, npage);
}

static int vfio_ccw_be_read(struct vfio_ccw_pins *pins, u64 iova, void *buf,
			    size_t len)
{
	return vfio_dma_rw(vfio_ccw_pins_vdev(pins), iova, buf, len, false);
}

/*
 * vfio_ccw_pin_vfio_backend: guest memory through the vfio core (vfio
 * type1 or iommufd, whichever the device is bound to)
 */
const struct vfio_ccw_pin_backend vfio_ccw_pin_vfio_backend = {
	.pin = vfio_ccw_be_pin,
	.unpin = vfio_ccw_be_unpin,
	.read = vfio_ccw_be_read,
};
