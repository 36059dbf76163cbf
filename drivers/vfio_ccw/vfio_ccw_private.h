/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: the per-subchannel and per-mdev state shared by the driver's
 * files, and the state machine's transition function, inline here because
 * it needs the structure it changes (its table and its trace are in
 * vfio_ccw_fsm.[ch]). The locking rules are in
 * Documentation/s390/vfio-ccw-locking.rst.
 */
#ifndef _VFIO_CCW_PRIVATE_H_
#define _VFIO_CCW_PRIVATE_H_

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cleanup.h>
#include <linux/eventfd.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/tracepoint-defs.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <asm/cio.h>
#include <asm/schid.h>

#include "vfio_ccw_fsm.h"
#include "vfio_ccw_pin.h"

struct subchannel;
struct vfio_ccw_cp;
struct vfio_ccw_hw_ops;
struct vfio_ccw_private;
union orb;
union scsw;

/* Depth of the CRW queue. */
#define VFIO_CCW_CRW_MAX	16

/* Bounded wait for a final interrupt after the clear of close and reset. */
#define VFIO_CCW_CLEAR_TIMEOUT	(3 * HZ)

/* Remove asks STORE SUBCHANNEL this often, 20 ms apart, for a parked one. */
#define VFIO_CCW_REMOVE_POLLS	5

/*
 * A retired program (its final interrupt came) is freed, and its pages
 * unpinned, by the next request, or by the retire work this long after the
 * interrupt when no request came.
 */
#define VFIO_CCW_RETIRE_DELAY	msecs_to_jiffies(20)

/**
 * enum vfio_ccw_err_idx - buckets of the error counters
 * @VFIO_CCW_ERR_EINVAL: -EINVAL
 * @VFIO_CCW_ERR_EBUSY: -EBUSY
 * @VFIO_CCW_ERR_ENODEV: -ENODEV
 * @VFIO_CCW_ERR_EACCES: -EACCES
 * @VFIO_CCW_ERR_EOPNOTSUPP: -EOPNOTSUPP
 * @VFIO_CCW_ERR_EFAULT: -EFAULT
 * @VFIO_CCW_ERR_ENOMEM: -ENOMEM
 * @VFIO_CCW_ERR_OTHER: any other errno
 * @VFIO_CCW_ERR_NR: number of buckets
 */
enum vfio_ccw_err_idx {
	VFIO_CCW_ERR_EINVAL,
	VFIO_CCW_ERR_EBUSY,
	VFIO_CCW_ERR_ENODEV,
	VFIO_CCW_ERR_EACCES,
	VFIO_CCW_ERR_EOPNOTSUPP,
	VFIO_CCW_ERR_EFAULT,
	VFIO_CCW_ERR_ENOMEM,
	VFIO_CCW_ERR_OTHER,
	VFIO_CCW_ERR_NR,
};

/**
 * struct vfio_ccw_stats - counters, readable in debugfs; no lock needed
 * @starts: start requests issued to the subchannel (SSCH cc 0)
 * @halts: HSCH issued with cc 0
 * @clears: CSCH issued with cc 0
 * @resumes: RSCH issued with cc 0
 * @xsch: XSCH requests that cancelled something
 * @overtakes: starts overtaken by a halt, clear or cancel in translation
 * @irq_final: interrupts that ended the subchannel's function
 * @irq_intermediate: intermediate interrupts
 * @irq_unsolicited: unsolicited interrupts
 * @errors: failed requests, by errno bucket (&enum vfio_ccw_err_idx)
 * @pinned: guest pages pinned now for programs
 * @pinned_peak: the highest value @pinned had
 * @pin_cached: guest pages kept pinned by the pin cache now
 * @pin_cache_hits: pages whose pin came from the pin cache
 */
struct vfio_ccw_stats {
	atomic64_t starts;
	atomic64_t halts;
	atomic64_t clears;
	atomic64_t resumes;
	atomic64_t xsch;
	atomic64_t overtakes;
	atomic64_t irq_final;
	atomic64_t irq_intermediate;
	atomic64_t irq_unsolicited;
	atomic64_t errors[VFIO_CCW_ERR_NR];
	atomic64_t pinned;
	atomic64_t pinned_peak;
	atomic64_t pin_cached;
	atomic64_t pin_cache_hits;
};

/**
 * struct vfio_ccw_parent - one I/O subchannel bound to the driver
 * @sch: the subchannel
 * @mparent: the mdev parent registered for @sch
 * @mtype: the one mdev type ("io", shown as vfio_ccw-io)
 * @mtypes: the type list handed to the mdev core
 * @private: the mdev of @sch or NULL; written under @sch->lock, read under
 *           it by the interrupt handler and chp_event
 */
struct vfio_ccw_parent {
	struct subchannel *sch;
	struct mdev_parent mparent;
	struct mdev_type mtype;
	struct mdev_type *mtypes[1];
	struct vfio_ccw_private *private;
};

/**
 * struct vfio_ccw_private - one vfio-ccw mediated device
 * @vdev: the vfio device (must be first for vfio_alloc_device)
 * @parent: the subchannel's parent structure; NULL in KUnit
 * @sch: the subchannel; NULL in KUnit
 * @schid: the subchannel id (traces)
 * @hw: channel-subsystem instructions (production: vfio_ccw_hw_cio_ops)
 * @lock: the subchannel's lock (&sch->lock); protects the fields marked
 *        [lock] below. IRQ handler and chp_event run with it held.
 * @io_mutex: serialises translation, resume preparation, reset, close and
 *            the freeing of programs (not dma_unmap). Taken before @lock.
 * @state: [lock] &enum vfio_ccw_state
 * @overtaken: [lock] a halt/clear/cancel overtook the start in translation
 * @functions: [lock] VFIO_CCW_FUNC_* bits of the functions in progress
 * @cp: [lock] the published program (CP_PENDING only); stays valid while
 *      @io_mutex is held even after @lock is dropped
 * @cp_seq: [lock] the number of the published program (the @xlate_seq of
 *          its start), 0 when none: a program is identified by it, never
 *          by its address, across a sleep
 * @retired: [lock] a program whose start ended, to be freed under @io_mutex
 * @parked: [lock] a program taken from the device without proof that the
 *          channel stopped with it (close or reset found the subchannel
 *          still busy): never freed until a final interrupt comes; the
 *          device is not operational meanwhile
 * @intparm: interruption parameter of our ORBs (the subchannel's address)
 * @io_region: [lock] the I/O region's request areas and return code
 *	(its IRB area is @irb, put in when it is read)
 * @async_region: [lock] the async region as user space reads it
 * @irb: [lock] the IRB of the latest interrupt (status snapshot)
 * @irq_seq: [lock] interrupts delivered since open
 * @crw: [lock] CRW ring
 * @crw_head: [lock] index of the oldest CRW in @crw
 * @crw_count: [lock] queued CRWs
 * @crw_overflow: [lock] the queue overflowed; drop until read empty
 * @crw_mutex: serialises readers of the CRW region, so that a CRW is
 *             dequeued only once it was copied to user space
 * @io_trigger: [lock] eventfd of IRQ 0
 * @crw_trigger: [lock] eventfd of IRQ 1
 * @req_trigger: [lock] eventfd of IRQ 2
 * @xlate_seq: [lock] number of the latest translation (start or resume
 *             preparation); its pins are tagged with it
 * @resuming: [lock] a resume is being prepared
 * @pins: guest memory: pin records, cache, fences (its own lock, taken
 *        inside @lock)
 * @wait: woken after every final interrupt and every program detach
 * @retire_work: frees @retired when no request did it first
 * @stats: counters
 */
struct vfio_ccw_private {
	struct vfio_device vdev;
	struct vfio_ccw_parent *parent;
	struct subchannel *sch;
	struct subchannel_id schid;
	const struct vfio_ccw_hw_ops *hw;
	spinlock_t *lock;		/* &sch->lock, see above */
	struct mutex io_mutex;		/* sleeping side, see above */

	enum vfio_ccw_state state;
	bool overtaken;
	u32 functions;
	struct vfio_ccw_cp *cp;
	u64 cp_seq;
	struct vfio_ccw_cp *retired;
	struct vfio_ccw_cp *parked;
	u32 intparm;
	struct ccw_io_region io_region;
	struct ccw_cmd_region async_region;
	struct irb irb;
	u64 irq_seq;
	u32 crw[VFIO_CCW_CRW_MAX];
	unsigned int crw_head;
	unsigned int crw_count;
	bool crw_overflow;
	struct mutex crw_mutex;		/* see above */
	struct eventfd_ctx *io_trigger;
	struct eventfd_ctx *crw_trigger;
	struct eventfd_ctx *req_trigger;
	u64 xlate_seq;
	bool resuming;
	struct vfio_ccw_pins pins;

	wait_queue_head_t wait;
	struct delayed_work retire_work;
	struct vfio_ccw_stats stats;
};

DECLARE_TRACEPOINT(vfio_ccw_fsm);

/**
 * vfio_ccw_fsm_event_locked() - perform one transition
 * @private: the device
 * @event: the event
 *
 * The one transition function of the state machine (vfio_ccw_fsm.[ch]
 * have its table and its trace) and the only place that changes
 * &vfio_ccw_private.state. Inline, after the structure it changes: every
 * request and every interrupt raise events. Caller holds
 * &vfio_ccw_private.lock.
 *
 * Return: 0 if the event was accepted, else the errno of the refusal.
 */
static inline int vfio_ccw_fsm_event_locked(struct vfio_ccw_private *private,
					    enum vfio_ccw_event event)
{
	enum vfio_ccw_state from = private->state;
	int next;

	lockdep_assert_held(private->lock);
	next = vfio_ccw_fsm_next(from, event);
	if (tracepoint_enabled(vfio_ccw_fsm))
		vfio_ccw_fsm_trace(private, from, event, next);
	if (next < 0)
		return next;
	private->state = next;
	return 0;
}

/* vfio_ccw_ops.c */
extern struct mdev_driver vfio_ccw_mdev_driver;

/* vfio_ccw_drv.c */
int vfio_ccw_chp_event_inject(u8 chpid, int event);

/* vfio_ccw_debugfs.c */
void vfio_ccw_debugfs_init(struct vfio_ccw_private *private);
void vfio_ccw_count_error(struct vfio_ccw_private *private, int err);

#endif /* _VFIO_CCW_PRIVATE_H_ */
