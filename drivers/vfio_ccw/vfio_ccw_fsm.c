// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the state machine (its table, its names and the trace of its
 * one transition function, which is inline in vfio_ccw_private.h), the
 * ownership of programs (retire, detach, park) and the device's lifecycle
 * (open, close, reset, not operational). The requests and the interrupt
 * are in vfio_ccw_func.c.
 *
 * Documentation/s390/vfio-ccw-locking.rst describes the states, the events,
 * the table below, the locks and the start/overtaking protocol.
 */
#include <linux/cleanup.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include <asm/cio.h>

#include "cio.h"
#include "orb.h"
#include "vfio_ccw_cp.h"
#include "vfio_ccw_fsm.h"
#include "vfio_ccw_func.h"
#include "vfio_ccw_hw.h"
#include "vfio_ccw_private.h"
#include "vfio_ccw_region.h"
#include "vfio_ccw_trace.h"

#define NO	VFIO_CCW_STATE_NOT_OPER
#define SB	VFIO_CCW_STATE_STANDBY
#define ID	VFIO_CCW_STATE_IDLE
#define PR	VFIO_CCW_STATE_CP_PROCESSING
#define PE	VFIO_CCW_STATE_CP_PENDING
#define EV(e)	VFIO_CCW_EVENT_##e

/*
 * next[state][event]: the next state, or a negative errno when the event is
 * refused in that state (the state does not change). Each row starts with
 * its refusal, and names the events that it takes or refuses otherwise:
 *
 * - without an open device (NOT_OPER, STANDBY) a request is -ENODEV;
 * - in IDLE an event of a start that does not exist is -EINVAL, an open or
 *   a resume -EBUSY;
 * - while a start is translated (CP_PROCESSING) the device is -EBUSY, and
 *   its own end is START_OK or START_DROP;
 * - while a start is pending (CP_PENDING) a second open or start is
 *   -EBUSY, the end of a translation that is over -EINVAL.
 *
 * HALT, CLEAR and CANCEL loop in every open state, interrupts in every
 * state they do not end, and any state goes to NOT_OPER on NOT_OPER.
 */
__diag_push();
__diag_ignore_all("-Woverride-init", "each row gives a default, then its arcs");
const int vfio_ccw_next[VFIO_CCW_NR_STATES][VFIO_CCW_NR_EVENTS] = {
	[NO] = { [0 ... VFIO_CCW_NR_EVENTS - 1] = -ENODEV,
		 [EV(CLOSE)] = NO,
		 [EV(IRQ_FINAL)] = NO, [EV(IRQ_OTHER)] = NO,
		 [EV(NOT_OPER)] = NO },
	[SB] = { [0 ... VFIO_CCW_NR_EVENTS - 1] = -ENODEV,
		 [EV(OPEN)] = ID, [EV(CLOSE)] = SB,
		 [EV(IRQ_FINAL)] = SB, [EV(IRQ_OTHER)] = SB,
		 [EV(NOT_OPER)] = NO },
	[ID] = { [0 ... VFIO_CCW_NR_EVENTS - 1] = -EINVAL,
		 [EV(OPEN)] = -EBUSY, [EV(CLOSE)] = SB, [EV(START)] = PR,
		 [EV(HALT)] = ID, [EV(CLEAR)] = ID, [EV(CANCEL)] = ID,
		 [EV(RESUME)] = -EBUSY,
		 [EV(IRQ_FINAL)] = ID, [EV(IRQ_OTHER)] = ID,
		 [EV(NOT_OPER)] = NO },
	[PR] = { [0 ... VFIO_CCW_NR_EVENTS - 1] = -EBUSY,
		 [EV(START_OK)] = PE, [EV(START_DROP)] = ID,
		 [EV(HALT)] = PR, [EV(CLEAR)] = PR, [EV(CANCEL)] = PR,
		 [EV(DETACH)] = -EINVAL,
		 [EV(IRQ_FINAL)] = PR, [EV(IRQ_OTHER)] = PR,
		 [EV(NOT_OPER)] = NO },
	[PE] = { [0 ... VFIO_CCW_NR_EVENTS - 1] = -EBUSY,
		 [EV(CLOSE)] = SB,
		 [EV(START_OK)] = -EINVAL, [EV(START_DROP)] = -EINVAL,
		 [EV(HALT)] = PE, [EV(CLEAR)] = PE, [EV(CANCEL)] = PE,
		 [EV(DETACH)] = ID, [EV(RESUME)] = PE,
		 [EV(IRQ_FINAL)] = ID, [EV(IRQ_OTHER)] = PE,
		 [EV(NOT_OPER)] = NO },
};
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_next);
__diag_pop();

#undef EV
#undef NO
#undef SB
#undef ID
#undef PR
#undef PE

/* The names of the states and events, from their lists in vfio_ccw_fsm.h */
struct vfio_ccw_name {
	int value;
	const char *name;
};

#define VFIO_CCW_STATE_NAME(n)	{ VFIO_CCW_STATE_##n, #n },
static const struct vfio_ccw_name vfio_ccw_state_names[] = {
	VFIO_CCW_STATE_LIST(VFIO_CCW_STATE_NAME)
};

#undef VFIO_CCW_STATE_NAME

#define VFIO_CCW_EVENT_NAME(n)	{ VFIO_CCW_EVENT_##n, #n },
static const struct vfio_ccw_name vfio_ccw_event_names[] = {
	VFIO_CCW_EVENT_LIST(VFIO_CCW_EVENT_NAME)
};

#undef VFIO_CCW_EVENT_NAME

static const char *vfio_ccw_name_of(const struct vfio_ccw_name *names,
				    size_t n, int value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i].value == value)
			return names[i].name;
	return "?";
}

/**
 * vfio_ccw_state_name() - printable name of a state
 * @state: the state
 *
 * Return: the name, "?" for a value out of range.
 */
const char *vfio_ccw_state_name(enum vfio_ccw_state state)
{
	return vfio_ccw_name_of(vfio_ccw_state_names,
				ARRAY_SIZE(vfio_ccw_state_names), state);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_state_name);

/**
 * vfio_ccw_event_name() - printable name of an event
 * @event: the event
 *
 * Return: the name, "?" for a value out of range.
 */
const char *vfio_ccw_event_name(enum vfio_ccw_event event)
{
	return vfio_ccw_name_of(vfio_ccw_event_names,
				ARRAY_SIZE(vfio_ccw_event_names), event);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_event_name);

/**
 * vfio_ccw_fsm_trace() - trace one transition
 * @private: the device
 * @from: the state it was in
 * @event: the event
 * @next: the next state, or the errno of the refusal
 *
 * The out-of-line half of vfio_ccw_fsm_event_locked() (vfio_ccw_private.h),
 * called only while the tracepoint is enabled.
 */
void vfio_ccw_fsm_trace(const struct vfio_ccw_private *private, int from,
			int event, int next)
{
	trace_vfio_ccw_fsm(private->schid, from, event, next);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_trace);

/*
 * Put @cp, a program the channel is done with, in the retire slot. The
 * next request that takes io_mutex frees it on its way (start, resume,
 * reset, close); the retire work frees it only when no request came for
 * %VFIO_CCW_RETIRE_DELAY. The interrupt path thus wakes no thread: on a
 * busy device the work runs once per delay, not once per program.
 */
void vfio_ccw_retire_cp_locked(struct vfio_ccw_private *private,
			       struct vfio_ccw_cp *cp)
{
	lockdep_assert_held(private->lock);
	if (!cp)
		return;
	/* A start empties the slot before it publishes a program. */
	WARN_ON_ONCE(private->retired);
	private->retired = cp;
	/*
	 * Pending already (another program was retired meanwhile): enough,
	 * its function has not started and will find this one. The cheap
	 * test first: on a busy device it is pending nearly always.
	 */
	if (!delayed_work_pending(&private->retire_work))
		schedule_delayed_work(&private->retire_work,
				      VFIO_CCW_RETIRE_DELAY);
}

/* The published program ended with its final interrupt: retire it. */
void vfio_ccw_retire_locked(struct vfio_ccw_private *private)
{
	struct vfio_ccw_cp *cp = private->cp;

	lockdep_assert_held(private->lock);
	if (!cp)
		return;
	private->cp = NULL;
	private->cp_seq = 0;
	vfio_ccw_retire_cp_locked(private, cp);
}

/* Free the retired program; caller holds io_mutex, not lock. */
void vfio_ccw_free_retired(struct vfio_ccw_private *private)
{
	struct vfio_ccw_cp *cp;

	lockdep_assert_held(&private->io_mutex);
	scoped_guard(spinlock_irq, private->lock) {
		cp = private->retired;
		private->retired = NULL;
	}
	vfio_ccw_cp_free(cp);
}

static void vfio_ccw_retire_work(struct work_struct *work)
{
	struct vfio_ccw_private *private =
		container_of(to_delayed_work(work), struct vfio_ccw_private,
			     retire_work);

	guard(mutex)(&private->io_mutex);
	vfio_ccw_free_retired(private);
}

/**
 * vfio_ccw_private_init() - initialise the state machine part of a device
 * @private: the device, zeroed
 * @hw: the channel-subsystem ops
 * @be: the back-end of guest memory (vfio_ccw_pin.h)
 * @lock: the subchannel's lock
 * @dev: the vfio device's &struct device, or NULL (KUnit)
 *
 * The device starts in STANDBY.
 */
void vfio_ccw_private_init(struct vfio_ccw_private *private,
			   const struct vfio_ccw_hw_ops *hw,
			   const struct vfio_ccw_pin_backend *be,
			   spinlock_t *lock, struct device *dev)
{
	private->hw = hw;
	private->lock = lock;
	private->state = VFIO_CCW_STATE_STANDBY;
	mutex_init(&private->io_mutex);
	mutex_init(&private->crw_mutex);
	vfio_ccw_pins_init(&private->pins, be, &private->stats, dev);
	init_waitqueue_head(&private->wait);
	INIT_DELAYED_WORK(&private->retire_work, vfio_ccw_retire_work);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_private_init);

/*
 * Has the channel provably stopped with what it ran? STORE SUBCHANNEL
 * shows no activity (idle, or status pending at most), or the subchannel
 * is not operational (condition code 3: nothing can run on it).
 */
static bool vfio_ccw_sch_stopped_locked(struct vfio_ccw_private *private)
{
	struct schib schib;
	int cc;

	lockdep_assert_held(private->lock);
	cc = private->hw->stsch(private, &schib);
	return cc == 3 || (!cc && !schib.scsw.cmd.actl);
}

/**
 * vfio_ccw_private_remove() - the device goes away: the last program
 * @private: the device, closed, unlinked from its subchannel (no more
 *           interrupts reach it)
 *
 * Frees a program retired since close. A parked program (the channel never
 * confirmed that it stopped) is freed when STORE SUBCHANNEL now proves it
 * stopped (CLEAR SUBCHANNEL is tried until it is accepted, the subchannel
 * asked VFIO_CCW_REMOVE_POLLS times, 20 ms apart), and the subchannel is
 * then disabled (best effort: the clear's status may be pending); else
 * its memory is left to the channel, and said so. May sleep.
 */
void vfio_ccw_private_remove(struct vfio_ccw_private *private)
{
	struct vfio_ccw_cp *cp = NULL;
	bool cleared = false;
	int i;

	cancel_delayed_work_sync(&private->retire_work);
	scoped_guard(mutex, &private->io_mutex)
		vfio_ccw_free_retired(private);
	/* A parked program's final interrupt no longer reaches the device. */
	for (i = 0; i < VFIO_CCW_REMOVE_POLLS && READ_ONCE(private->parked);
	     i++) {
		if (i)
			msleep(20);
		guard(spinlock_irq)(private->lock);
		if (vfio_ccw_sch_stopped_locked(private)) {
			cp = private->parked;
			private->parked = NULL;
			private->hw->disable(private);
		} else if (!cleared) {
			cleared = !private->hw->csch(private);
		}
	}
	vfio_ccw_cp_free(cp);
	if (private->parked)
		dev_err(private->vdev.dev,
			"vfio_ccw: subchannel never stopped; its channel program stays allocated\n");
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_private_remove);

/**
 * vfio_ccw_private_cleanup() - release what vfio_ccw_private_init() set up
 * @private: the device, removed (vfio_ccw_private_remove())
 *
 * Runs when the last reference of the vfio device goes; the subchannel
 * may be gone by then: its lock is not taken.
 */
void vfio_ccw_private_cleanup(struct vfio_ccw_private *private)
{
	vfio_ccw_pins_destroy(&private->pins);
	mutex_destroy(&private->crw_mutex);
	mutex_destroy(&private->io_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_private_cleanup);

static bool vfio_ccw_quiet(struct vfio_ccw_private *private)
{
	guard(spinlock_irq)(private->lock);
	return !private->cp && !private->functions;
}

/**
 * vfio_ccw_detach_locked() - the published program ends without interrupt
 * @p: the device
 *
 * The one way a program ends without its final interrupt (XSCH cc 0, or
 * proof that the subchannel is idle): no function is left, the state
 * machine gets DETACH and waiters wake.
 *
 * Return: the program, now the caller's to retire, park or free; NULL
 * when none was published (then nothing happens).
 */
struct vfio_ccw_cp *vfio_ccw_detach_locked(struct vfio_ccw_private *p)
{
	struct vfio_ccw_cp *cp = p->cp;

	lockdep_assert_held(p->lock);
	if (!cp)
		return NULL;
	p->cp = NULL;
	p->cp_seq = 0;
	p->functions = 0;
	vfio_ccw_fsm_event_locked(p, VFIO_CCW_EVENT_DETACH);
	wake_up(&p->wait);
	return cp;
}

/**
 * vfio_ccw_stop_range_locked() - stop the program that uses a range
 * @private: the device
 * @iova: first address of the range
 * @last: its last address
 *
 * For dma_unmap: a published program that pins a page in the range, or
 * whose CCWs lie in it (a resume would read them again), is cleared. The
 * clear is not waited for: the program stays published until its final
 * interrupt retires it, and its pages, revoked by the caller, stay
 * allocated by references until then. Caller holds
 * &vfio_ccw_private.lock.
 */
void vfio_ccw_stop_range_locked(struct vfio_ccw_private *private, u64 iova,
				u64 last)
{
	lockdep_assert_held(private->lock);
	if (private->cp && !(private->functions & VFIO_CCW_FUNC_CLEAR) &&
	    vfio_ccw_cp_overlaps(private->cp, iova, last))
		vfio_ccw_func_clear_locked(private);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_stop_range_locked);

/* Enable the subchannel and enter IDLE; io_mutex and lock held. */
static int vfio_ccw_open_locked(struct vfio_ccw_private *private)
{
	int ret;

	lockdep_assert_held(&private->io_mutex);
	lockdep_assert_held(private->lock);
	ret = vfio_ccw_fsm_next(private->state, VFIO_CCW_EVENT_OPEN);
	if (ret < 0)
		return ret;
	ret = private->hw->enable(private, private->intparm);
	if (ret)
		return ret;
	memset(&private->io_region, 0, sizeof(private->io_region));
	memset(&private->irb, 0, sizeof(private->irb));
	private->irq_seq = 0;
	private->functions = 0;
	private->overtaken = false;
	memset(&private->async_region, 0, sizeof(private->async_region));
	return vfio_ccw_fsm_event_locked(private, VFIO_CCW_EVENT_OPEN);
}

/*
 * A start that entered CP_PROCESSING waits for the io_mutex that close and
 * reset hold: drop it, or CLOSE (and a reset's OPEN) would be refused. It
 * fails with -EBUSY when it gets the io_mutex.
 */
static void vfio_ccw_drop_waiting_start_locked(struct vfio_ccw_private *p)
{
	lockdep_assert_held(&p->io_mutex);
	lockdep_assert_held(p->lock);
	if (p->state == VFIO_CCW_STATE_CP_PROCESSING) {
		p->overtaken = true;
		vfio_ccw_fsm_event_locked(p, VFIO_CCW_EVENT_START_DROP);
	}
}

/*
 * The published program ends without proof that the channel is done with
 * it: keep it, never free it until a final interrupt comes; the device is
 * not operational from now on.
 */
static void vfio_ccw_park_locked(struct vfio_ccw_private *private)
{
	lockdep_assert_held(private->lock);
	WARN_ON_ONCE(private->parked);
	private->parked = vfio_ccw_detach_locked(private);
	vfio_ccw_fsm_event_locked(private, VFIO_CCW_EVENT_NOT_OPER);
	dev_err_ratelimited(private->vdev.dev,
			    "vfio_ccw: subchannel does not stop; device not operational\n");
}

/**
 * vfio_ccw_fsm_notoper_locked() - the subchannel is not operational
 * @private: the device
 *
 * Caller holds &vfio_ccw_private.lock. The published program is retired
 * when STORE SUBCHANNEL proves that nothing runs (condition code 3, or
 * no activity), else CLEAR SUBCHANNEL is tried and it is parked; every
 * waiter is woken.
 */
void vfio_ccw_fsm_notoper_locked(struct vfio_ccw_private *private)
{
	lockdep_assert_held(private->lock);
	if (private->cp && !vfio_ccw_sch_stopped_locked(private)) {
		/* best effort: a clear that takes lets it end */
		private->hw->csch(private);
		vfio_ccw_park_locked(private);
	} else {
		vfio_ccw_fsm_event_locked(private, VFIO_CCW_EVENT_NOT_OPER);
		vfio_ccw_retire_locked(private);
	}
	private->functions = 0;
	wake_up(&private->wait);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_notoper_locked);

/*
 * Disable the subchannel and enter STANDBY, then, for a reset, enable it
 * and enter IDLE again, all under one hold of the lock: requests never see
 * the STANDBY in between. While the subchannel is busy and this is not
 * the @last try, returns -EBUSY. On the last try, a published program that
 * the channel may still be running is parked, never freed, and the device
 * becomes not operational (-EIO). Otherwise returns the result of
 * reopening (0 without).
 */
static int vfio_ccw_disable_locked(struct vfio_ccw_private *private,
				   bool reopen, bool last,
				   struct vfio_ccw_cp **cpp)
{
	int ret = 0;

	lockdep_assert_held(&private->io_mutex);
	lockdep_assert_held(private->lock);
	if (private->state != VFIO_CCW_STATE_NOT_OPER)
		ret = private->hw->disable(private);
	if (ret == -EBUSY && !last)
		return -EBUSY;
	vfio_ccw_drop_waiting_start_locked(private);
	/*
	 * Not disabled: busy, MSCH refused, or (-ENODEV) the schib could not
	 * be refreshed, which cio also answers for condition code 0 with the
	 * device number no longer valid, MSCH never issued. No error is a
	 * proof that the channel stopped; STORE SUBCHANNEL decides.
	 */
	if (ret && private->cp && !vfio_ccw_sch_stopped_locked(private)) {
		vfio_ccw_park_locked(private);
		return -EIO;
	}
	if (ret && ret != -ENODEV)
		dev_warn_ratelimited(private->vdev.dev,
				     "vfio_ccw: cannot disable subchannel: %d\n",
				     ret);
	*cpp = vfio_ccw_detach_locked(private);
	private->functions = 0;
	vfio_ccw_fsm_event_locked(private, VFIO_CCW_EVENT_CLOSE);
	return reopen ? vfio_ccw_open_locked(private) : 0;
}

/* Quiesce, disable, enter STANDBY (and reopen); io_mutex held, lock not. */
static int vfio_ccw_close_mutexed(struct vfio_ccw_private *private,
				  bool reopen)
{
	struct vfio_ccw_cp *cp = NULL;
	bool clear = false;
	int i, ret = -EBUSY;

	lockdep_assert_held(&private->io_mutex);
	vfio_ccw_free_retired(private);
	scoped_guard(spinlock_irq, private->lock) {
		if (private->state == VFIO_CCW_STATE_STANDBY)
			return reopen ? vfio_ccw_open_locked(private) : 0;
		/* A start waiting for io_mutex (reset only): drop it. */
		vfio_ccw_drop_waiting_start_locked(private);
		if (private->cp || private->functions)
			clear = !vfio_ccw_func_clear_locked(private);
	}
	if (clear)
		wait_event_timeout(private->wait, vfio_ccw_quiet(private),
				   VFIO_CCW_CLEAR_TIMEOUT);

	/* Status pending: let the interrupt handler collect it, retry. */
	for (i = 0; i < 10 && ret == -EBUSY; i++) {
		if (i)
			msleep(20);
		scoped_guard(spinlock_irq, private->lock)
			ret = vfio_ccw_disable_locked(private, reopen, i == 9,
						      &cp);
	}
	vfio_ccw_cp_free(cp);
	vfio_ccw_free_retired(private);
	/*
	 * The back-end must hold nothing of a closed device: a program kept
	 * because the channel may still run it (parked, or retired by a late
	 * interrupt) keeps its pages by references; the cache lets go.
	 */
	vfio_ccw_pins_revoke_all(&private->pins);
	return ret;
}

/**
 * vfio_ccw_fsm_open() - open the device: enable the subchannel
 * @private: the device, in STANDBY
 *
 * Return: 0, -ENODEV (not operational), -EBUSY (already open), or the
 * errno of enabling the subchannel.
 */
int vfio_ccw_fsm_open(struct vfio_ccw_private *private)
{
	int ret;

	/* bound to iommufd (its access made at bind): dma_unmap waits */
	WRITE_ONCE(private->pins.unmap_waits, !!private->vdev.iommufd_access);
	vfio_ccw_pins_drop_sticky_fences(&private->pins);
	guard(mutex)(&private->io_mutex);
	guard(spinlock_irq)(private->lock);
	ret = vfio_ccw_open_locked(private);
	/* CRWs of channel paths that changed while closed are stale. */
	if (!ret)
		vfio_ccw_crw_flush_locked(private);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_open);

/**
 * vfio_ccw_fsm_close() - close the device
 * @private: the device
 *
 * Clears what runs (bounded wait), disables the subchannel, frees every
 * program and enters STANDBY (NOT_OPER stays). May sleep.
 */
void vfio_ccw_fsm_close(struct vfio_ccw_private *private)
{
	scoped_guard(mutex, &private->io_mutex)
		vfio_ccw_close_mutexed(private, false);
	vfio_ccw_pins_drop_sticky_fences(&private->pins);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_close);

/**
 * vfio_ccw_fsm_reset() - VFIO_DEVICE_RESET: close and open again
 * @private: the device
 *
 * Works from every state but NOT_OPER, under one hold of io_mutex, so no
 * request can slip in between. A start in flight loses: one being
 * translated is waited for (io_mutex), then cleared with what it issued;
 * one still waiting for io_mutex is dropped and fails with -EBUSY. May
 * sleep.
 *
 * Return: 0, -ENODEV (not operational), -EIO (the subchannel could not be
 * enabled again).
 */
int vfio_ccw_fsm_reset(struct vfio_ccw_private *private)
{
	int ret;

	scoped_guard(mutex, &private->io_mutex)
		ret = vfio_ccw_close_mutexed(private, true);
	/* the guest starts again: fences that wait for close go too */
	vfio_ccw_pins_drop_sticky_fences(&private->pins);
	if (ret && ret != -ENODEV)
		ret = -EIO;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_fsm_reset);
