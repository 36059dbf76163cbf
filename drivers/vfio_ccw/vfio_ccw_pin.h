/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: guest memory. Pin records with exactly one owner, the pin
 * cache, the dma_unmap fences and the dma_unmap protocol. The rules are in
 * Documentation/s390/vfio-ccw-locking.rst, "Guest memory".
 */
#ifndef _VFIO_CCW_PIN_H_
#define _VFIO_CCW_PIN_H_

#include <linux/list.h>
#include <linux/overflow.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

struct device;
struct page;
struct vfio_ccw_fences;
struct vfio_ccw_pin;
struct vfio_ccw_pins;
struct vfio_ccw_private;
struct vfio_ccw_stats;

/**
 * enum vfio_ccw_pin_state - who owns a record, and what it holds
 * @VFIO_CCW_PIN_PINNING: the translation is pinning it; on the list
 * @VFIO_CCW_PIN_OWNED: a program (or the translation building it) owns it;
 *                      pinned; on the list
 * @VFIO_CCW_PIN_CACHED: the pin cache owns it; pinned; on the list, in the
 *                       index and on the LRU
 * @VFIO_CCW_PIN_RELEASING: the thread that took it from its owner is
 *                          unpinning it; on the list until that is done
 * @VFIO_CCW_PIN_REVOKING: dma_unmap is unpinning it; its program still
 *                         owns it and its pages are held by references
 * @VFIO_CCW_PIN_REVOKED: not pinned; its program owns it and its pages are
 *                        held by references; off the list
 */
enum vfio_ccw_pin_state {
	VFIO_CCW_PIN_PINNING,
	VFIO_CCW_PIN_OWNED,
	VFIO_CCW_PIN_CACHED,
	VFIO_CCW_PIN_RELEASING,
	VFIO_CCW_PIN_REVOKING,
	VFIO_CCW_PIN_REVOKED,
};

/**
 * struct vfio_ccw_pin_backend - the IOMMU back-end as the pin layer sees it
 * @pin: pin @npage pages at the page-aligned IOVA @iova for @prot
 *       (IOMMU_READ, IOMMU_READ | IOMMU_WRITE) and fill @pages: @npage, or
 *       a negative errno with nothing pinned (vfio_pin_pages())
 * @unpin: undo exactly one @pin of the same @iova and @npage
 *         (vfio_unpin_pages())
 * @read: copy @len bytes of guest memory at @iova to @buf; 0 or -errno
 *        (vfio_dma_rw())
 *
 * Production: &vfio_ccw_pin_vfio_backend (type1 and iommufd alike, through
 * the vfio core). Both count pins per page and per extent, so that every
 * @unpin must match one @pin exactly; the KUnit suite's fake checks that.
 */
struct vfio_ccw_pin_backend {
	int (*pin)(struct vfio_ccw_pins *pins, u64 iova, int npage, int prot,
		   struct page **pages);
	void (*unpin)(struct vfio_ccw_pins *pins, u64 iova, int npage);
	int (*read)(struct vfio_ccw_pins *pins, u64 iova, void *buf,
		    size_t len);
};

/**
 * struct vfio_ccw_pins - the guest memory of one device
 * @be: the back-end
 * @dev: the vfio device's &struct device, for messages; NULL in KUnit
 * @stats: the device's counters (pinned, pin_cached, pin_cache_hits)
 * @lock: protects the fields marked [lock]; taken with interrupts off,
 *        inside &vfio_ccw_private.lock when both are held
 * @list: [lock] every record whose pages the back-end holds: being pinned,
 *        owned by a program, cached, or being released or revoked
 * @fences: [lock] the live dma_unmap fences, in a list of their own that
 *          each fence holds a reference on (a fence may outlive the
 *          device); allocated with the first fence, NULL before
 * @hash: [lock] index of the cached records by IOVA, one per IOVA;
 *        allocated with the first pin, NULL before
 * @lru: [lock] the cached records, least recently used first
 * @cache_len: [lock] pages of the cached records
 * @xlate: [lock] tag of the translation in flight, 0 when there is none;
 *         its pins carry it
 * @xlate_revoked: [lock] dma_unmap revoked a pin of translation @xlate: its
 *                 further pins and reads fail, it must not be issued
 * @unmap_waits: set at open while the device is bound to iommufd: every
 *               dma_unmap call waits for the pins and unpins in flight
 *               (iommufd may call once only, and holds no lock across it)
 * @wait: woken whenever a record leaves a transient state (being pinned,
 *        released or revoked)
 */
struct vfio_ccw_pins {
	const struct vfio_ccw_pin_backend *be;
	struct device *dev;
	struct vfio_ccw_stats *stats;
	spinlock_t lock;		/* see above */
	struct list_head list;
	struct vfio_ccw_fences *fences;
	struct hlist_head *hash;
	struct list_head lru;
	unsigned int cache_len;
	u64 xlate;
	bool xlate_revoked;
	bool unmap_waits;
	wait_queue_head_t wait;
};

/* The back-end of production: vfio_pin_pages() and friends. */
extern const struct vfio_ccw_pin_backend vfio_ccw_pin_vfio_backend;
/* The &struct vfio_ccw_dma_ops of translation, context: the pins. */
extern const struct vfio_ccw_dma_ops vfio_ccw_pin_dma_ops;

void vfio_ccw_pins_init(struct vfio_ccw_pins *pins,
			const struct vfio_ccw_pin_backend *be,
			struct vfio_ccw_stats *stats, struct device *dev);
void vfio_ccw_pins_destroy(struct vfio_ccw_pins *pins);

void vfio_ccw_pins_xlate_begin(struct vfio_ccw_pins *pins, u64 tag);
bool vfio_ccw_pins_xlate_end(struct vfio_ccw_pins *pins);

bool vfio_ccw_pins_cache_flush(struct vfio_ccw_pins *pins);
void vfio_ccw_pins_revoke_all(struct vfio_ccw_pins *pins);

/* vfio_ccw_fence.c: the dma_unmap fences */
bool vfio_ccw_pins_fence(struct vfio_ccw_pins *pins, u64 iova, u64 last);
bool vfio_ccw_pins_fenced_locked(struct vfio_ccw_pins *pins, u64 iova,
				 u64 last);
void vfio_ccw_pins_drop_sticky_fences(struct vfio_ccw_pins *pins);
void vfio_ccw_pins_fences_put(struct vfio_ccw_pins *pins);

void vfio_ccw_dma_unmap_range(struct vfio_ccw_private *private, u64 iova,
			      u64 length);

/**
 * vfio_ccw_range_last() - the last address of a range, without wrapping
 * @iova: first address
 * @length: length, at least 1
 *
 * A range may end exactly at 2^64 (iommufd maps up to there): its last
 * address is U64_MAX, its end would wrap to 0. All range arithmetic of the
 * driver uses first and last addresses.
 *
 * Return: @iova + @length - 1, or U64_MAX when that would wrap.
 */
static inline u64 vfio_ccw_range_last(u64 iova, u64 length)
{
	u64 last;

	if (!length || check_add_overflow(iova, length - 1, &last))
		return U64_MAX;
	return last;
}

/**
 * vfio_ccw_ranges_overlap() - do two inclusive ranges share an address?
 * @a: first address of one range
 * @alast: its last address
 * @b: first address of the other
 * @blast: its last address
 *
 * Return: true if [@a, @alast] and [@b, @blast] overlap.
 */
static inline bool vfio_ccw_ranges_overlap(u64 a, u64 alast, u64 b, u64 blast)
{
	return a <= blast && b <= alast;
}

#if IS_ENABLED(CONFIG_KUNIT)
struct vfio_ccw_fence;
struct vfio_ccw_fence *vfio_ccw_pins_fence_add(struct vfio_ccw_pins *pins,
					       u64 iova, u64 last);
void vfio_ccw_pins_fence_drop(struct vfio_ccw_fence *fence);
void vfio_ccw_pins_revoke(struct vfio_ccw_pins *pins, u64 iova, u64 last,
			  bool wait);
u64 vfio_ccw_pin_tag(const struct vfio_ccw_pin *rec);
int vfio_ccw_pin_state(const struct vfio_ccw_pin *rec);
void vfio_ccw_pin_range(const struct vfio_ccw_pin *rec, u64 *iova,
			int *npage);
int vfio_ccw_pins_count(struct vfio_ccw_pins *pins, int state);
#endif

#endif /* _VFIO_CCW_PIN_H_ */
