// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: what a request does, and the interrupt: start (with the
 * overtaking protocol), halt, clear, cancel, resume, the interrupt handler.
 * Each drives the state machine (vfio_ccw_fsm.[ch]) through its one
 * transition function, vfio_ccw_fsm_event_locked() (vfio_ccw_private.h);
 * Documentation/s390/vfio-ccw-locking.rst describes the protocols and the
 * locks.
 */
#include <linux/cleanup.h>
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
#include "vfio_ccw_trace.h"

/*
 * The logical-path mask of a start: an ORB without one gets the
 * subchannel's usable paths (as upstream); one that names none of them is
 * refused with -EACCES and never reaches the subchannel.
 */
static int vfio_ccw_start_lpm_locked(struct vfio_ccw_private *private,
				     union orb *orb)
{
	u8 usable = private->hw->lpm(private);

	if (!orb->cmd.lpm)
		orb->cmd.lpm = usable;
	if (!(orb->cmd.lpm & usable)) {
		trace_vfio_ccw_ssch(private->schid, -EACCES);
		return -EACCES;
	}
	return 0;
}

/* Issue the translated start, or drop it; see the start protocol. */
static int vfio_ccw_start_issue_locked(struct vfio_ccw_private *private,
				       struct vfio_ccw_cp **cpp, int ret)
{
	union orb orb;
	int err;

	lockdep_assert_held(private->lock);
	/* dma_unmap revokes under this lock: now or never */
	if (!vfio_ccw_pins_xlate_end(&private->pins) && !ret)
		ret = -EFAULT;
	switch (private->state) {
	case VFIO_CCW_STATE_CP_PROCESSING:
		break;
	case VFIO_CCW_STATE_NOT_OPER:
	case VFIO_CCW_STATE_STANDBY:
		return -ENODEV;
	default:
		/* A reset dropped this start while it waited for io_mutex. */
		return -EBUSY;
	}
	if (private->overtaken) {
		atomic64_inc(&private->stats.overtakes);
		vfio_ccw_fsm_event_locked(private, VFIO_CCW_EVENT_START_DROP);
		return 0;
	}
	if (ret) {
		vfio_ccw_fsm_event_locked(private, VFIO_CCW_EVENT_START_DROP);
		return ret;
	}

	vfio_ccw_cp_build_orb(*cpp, private->intparm, &orb);
	err = vfio_ccw_start_lpm_locked(private, &orb);
	if (!err)
		err = private->hw->ssch(private, &orb);
	if (err) {
		err = vfio_ccw_cc_to_errno(err);
		vfio_ccw_fsm_event_locked(private, VFIO_CCW_EVENT_START_DROP);
		return err;
	}
	private->cp = *cpp;
	private->cp_seq = private->xlate_seq;
	*cpp = NULL;
	private->functions = VFIO_CCW_FUNC_START;
	atomic64_inc(&private->stats.starts);
	return vfio_ccw_fsm_event_locked(private, VFIO_CCW_EVENT_START_OK);
}

/**
 * vfio_ccw_func_start() - perform a start request
 * @private: the device
 * @orb: the guest's ORB (guest addresses)
 *
 * Enters CP_PROCESSING (a second start fails with -EBUSY at once), then
 * translates the program with @private->io_mutex held and issues SSCH
 * unless a halt, clear or cancel overtook it meanwhile. May sleep.
 *
 * Return: 0 (issued, or overtaken), -EBUSY (a start exists, cc 1/2),
 * -ENODEV (cc 3, not operational, not open), -EACCES (no path), or an
 * errno of translation (-EINVAL, -EOPNOTSUPP, -EFAULT, -ENOMEM).
 */
int vfio_ccw_func_start(struct vfio_ccw_private *private, const union orb *orb)
{
	struct vfio_ccw_cp *cp = NULL;
	u64 seq;
	int ret;

	/* Refuse a second start at once, without waiting for io_mutex. */
	scoped_guard(spinlock_irq, private->lock) {
		ret = vfio_ccw_fsm_event_locked(private, VFIO_CCW_EVENT_START);
		if (ret)
			return ret;
		private->overtaken = false;
		seq = ++private->xlate_seq;
	}
	guard(mutex)(&private->io_mutex);
	/*
	 * Free the program that ended before this start (see retire).
	 * A reset that held io_mutex dropped this start; a later start may
	 * own CP_PROCESSING now (it has another number): leave it alone.
	 */
	scoped_guard(spinlock_irq, private->lock) {
		cp = private->retired;
		private->retired = NULL;
		if (private->state == VFIO_CCW_STATE_NOT_OPER ||
		    private->state == VFIO_CCW_STATE_STANDBY)
			ret = -ENODEV;
		else if (private->xlate_seq != seq ||
			 private->state != VFIO_CCW_STATE_CP_PROCESSING)
			ret = -EBUSY;
		else
			vfio_ccw_pins_xlate_begin(&private->pins, seq);
	}
	vfio_ccw_cp_free(cp);
	cp = NULL;
	if (ret)
		return ret;

	ret = vfio_ccw_cp_translate(&vfio_ccw_pin_dma_ops, &private->pins, orb,
				    &cp);

	scoped_guard(spinlock_irq, private->lock)
		ret = vfio_ccw_start_issue_locked(private, &cp, ret);
	vfio_ccw_cp_free(cp);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_func_start);

static int vfio_ccw_halt_clear_locked(struct vfio_ccw_private *private,
				      enum vfio_ccw_event event)
{
	bool halt = event == VFIO_CCW_EVENT_HALT;
	int ret;

	lockdep_assert_held(private->lock);
	ret = vfio_ccw_fsm_event_locked(private, event);
	if (ret)
		return ret;
	ret = vfio_ccw_cc_to_errno(halt ? private->hw->hsch(private) :
				   private->hw->csch(private));
	if (ret)
		return ret;
	/* as on the channel: a clear resets the functions in progress */
	if (halt)
		private->functions |= VFIO_CCW_FUNC_HALT;
	else
		private->functions = VFIO_CCW_FUNC_CLEAR;
	atomic64_inc(halt ? &private->stats.halts : &private->stats.clears);
	if (private->state == VFIO_CCW_STATE_CP_PROCESSING) {
		/*
		 * The first halt to overtake the start: the guest's start was
		 * accepted, and on the channel it stays indicated beside the
		 * halt until the halt's final status. A later halt (the first
		 * one's interrupt came) finds no start, as after a clear or
		 * a cancel.
		 */
		if (halt && !private->overtaken)
			private->functions |= VFIO_CCW_FUNC_START;
		private->overtaken = true;
	}
	return 0;
}

static int vfio_ccw_halt_clear(struct vfio_ccw_private *private,
			       enum vfio_ccw_event event)
{
	guard(spinlock_irq)(private->lock);
	return vfio_ccw_halt_clear_locked(private, event);
}

/**
 * vfio_ccw_func_clear_locked() - the one clear of what runs
 * @private: the device
 *
 * Raises CLEAR, issues CLEAR SUBCHANNEL and accounts for it, when a
 * function is in progress (else does nothing). Used by close and reset,
 * by dma_unmap (vfio_ccw_stop_range_locked()) and by channel-path events,
 * with &vfio_ccw_private.lock held; the clear request is
 * vfio_ccw_func_clear().
 *
 * Return: 0, or the errno of vfio_ccw_func_clear().
 */
int vfio_ccw_func_clear_locked(struct vfio_ccw_private *private)
{
	lockdep_assert_held(private->lock);
	if (!private->cp && !private->functions)
		return 0;
	return vfio_ccw_halt_clear_locked(private, VFIO_CCW_EVENT_CLEAR);
}

/**
 * vfio_ccw_func_halt() - perform a halt request
 * @private: the device
 *
 * Never waits for a translation: in CP_PROCESSING the halt is issued on the
 * idle subchannel and overtakes the start.
 *
 * Return: 0, -EBUSY (cc 1/2), -ENODEV (cc 3, not operational, not open).
 */
int vfio_ccw_func_halt(struct vfio_ccw_private *private)
{
	return vfio_ccw_halt_clear(private, VFIO_CCW_EVENT_HALT);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_func_halt);

/**
 * vfio_ccw_func_clear() - perform a clear request
 * @private: the device
 *
 * As vfio_ccw_func_halt(), with CLEAR SUBCHANNEL.
 *
 * Return: 0, -EBUSY (cc 1/2), -ENODEV (cc 3, not operational, not open).
 */
int vfio_ccw_func_clear(struct vfio_ccw_private *private)
{
	return vfio_ccw_halt_clear(private, VFIO_CCW_EVENT_CLEAR);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_func_clear);

/**
 * vfio_ccw_func_cancel() - perform a cancel (XSCH) request
 * @private: the device
 *
 * In CP_PROCESSING the start is overtaken without an instruction and
 * without interrupt. Otherwise XSCH is issued; cc 0 in CP_PENDING ends the
 * start without interrupt and retires its program.
 *
 * Return: 0, -EBUSY (cc 1/2), -ENODEV (cc 3, not operational, not open).
 */
int vfio_ccw_func_cancel(struct vfio_ccw_private *private)
{
	int ret;

	guard(spinlock_irq)(private->lock);
	ret = vfio_ccw_fsm_event_locked(private, VFIO_CCW_EVENT_CANCEL);
	if (ret)
		return ret;
	if (private->state == VFIO_CCW_STATE_CP_PROCESSING) {
		private->overtaken = true;
		atomic64_inc(&private->stats.xsch);
		return 0;
	}
	ret = vfio_ccw_cc_to_errno(private->hw->xsch(private));
	if (ret)
		return ret;
	atomic64_inc(&private->stats.xsch);
	if (private->state == VFIO_CCW_STATE_CP_PENDING) {
		/* CP_PENDING has a published program, or detach does nothing */
		WARN_ON_ONCE(!private->cp);
		vfio_ccw_retire_cp_locked(private, vfio_ccw_detach_locked(private));
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_func_cancel);

/**
 * vfio_ccw_func_resume() - perform a resume (RSCH) request
 * @private: the device
 *
 * Only a suspended start can be resumed. The program is re-read from the
 * suspension point (vfio_ccw_cp_prepare_resume()) before RSCH. May sleep.
 *
 * When the program's memory is gone (-EFAULT), the program is cleared: its
 * final interrupt ends it and releases its pages.
 *
 * Return: 0, -EBUSY (nothing suspended, cc 1/2), -ENODEV (cc 3, not
 * operational, not open), or an errno of the re-translation.
 */
int vfio_ccw_func_resume(struct vfio_ccw_private *private)
{
	struct vfio_ccw_cp *cp;
	struct schib schib;
	u64 cp_seq;
	bool ok;
	int ret;

	guard(mutex)(&private->io_mutex);
	vfio_ccw_free_retired(private);
	scoped_guard(spinlock_irq, private->lock) {
		ret = vfio_ccw_fsm_event_locked(private, VFIO_CCW_EVENT_RESUME);
		if (ret)
			return ret;
		if (private->hw->stsch(private, &schib))
			return -ENODEV;
		if (!(schib.scsw.cmd.actl & SCSW_ACTL_SUSPENDED))
			return -EBUSY;
		cp = private->cp;
		cp_seq = private->cp_seq;
		private->resuming = true;
		vfio_ccw_pins_xlate_begin(&private->pins,
					  ++private->xlate_seq);
	}

	/* io_mutex keeps @cp alive even if an interrupt retires it now. */
	ret = vfio_ccw_cp_prepare_resume(cp, dma32_to_u32(schib.scsw.cmd.cpa));

	guard(spinlock_irq)(private->lock);
	private->resuming = false;
	ok = vfio_ccw_pins_xlate_end(&private->pins);
	if (private->state != VFIO_CCW_STATE_CP_PENDING ||
	    private->cp_seq != cp_seq)
		return ret ?: -EBUSY;
	if (!ret && !ok)
		ret = -EFAULT;
	if (ret == -EFAULT) {
		/*
		 * The program's memory is gone (unmapped, or being unmapped):
		 * it can never be resumed. Clear it, so that its final
		 * interrupt retires it and its pins go (vfio type1 does not
		 * call dma_unmap for a range without pins, such as CCWs).
		 */
		vfio_ccw_func_clear_locked(private);
	}
	if (ret)
		return ret;
	ret = vfio_ccw_cc_to_errno(private->hw->rsch(private));
	if (ret)
		return ret;
	/* The channel left the suspension slot: it is no suspension point. */
	vfio_ccw_cp_resumed(cp);
	private->functions &= ~VFIO_CCW_FUNC_SUSPENDED;
	atomic64_inc(&private->stats.resumes);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_func_resume);

/**
 * vfio_ccw_irq_is_final() - does this interrupt end the function?
 * @scsw: the SCSW stored by TEST SUBCHANNEL
 *
 * The subchannel becomes idle when TSCH clears a status-pending condition
 * that is not intermediate and either carries secondary status, or no
 * primary status (status pending alone, or with alert status: the end of
 * a halt or clear), or primary status with neither subchannel nor device
 * active nor suspended. Unsolicited status (no function) is never final.
 *
 * Return: true if the start, halt or clear function has ended.
 */
VISIBLE_IF_KUNIT bool vfio_ccw_irq_is_final(const union scsw *scsw)
{
	u32 stctl = scsw->cmd.stctl;

	if (!scsw->cmd.fctl || !(stctl & SCSW_STCTL_STATUS_PEND) ||
	    (stctl & SCSW_STCTL_INTER_STATUS))
		return false;
	if (stctl & SCSW_STCTL_SEC_STATUS)
		return true;
	if (!(stctl & SCSW_STCTL_PRIM_STATUS))
		return true;
	return !(scsw->cmd.actl & (SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT |
				   SCSW_ACTL_SUSPENDED));
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_irq_is_final);

/*
 * Every address in the IRB that user space sees is a guest address or 0.
 * The channel stores addresses of what it runs, our host copies: the SCSW
 * CCW address and, in a format-0 ESW, the secondary-CCW address map back
 * through the program (0 when outside it, and then not valid); the
 * failing-storage address may be any host address of the program (a data
 * page, an IDAW, a CCW) and is withdrawn. Only a solicited interrupt's
 * addresses can be ours at all.
 */
static void vfio_ccw_irb_to_guest(struct vfio_ccw_private *private,
				  struct irb *irb)
{
	const struct vfio_ccw_cp *cp = irb->scsw.cmd.fctl ? private->cp : NULL;
	struct esw0 *esw = &irb->esw.esw0;
	u32 cpa;

	cpa = vfio_ccw_cp_guest_cpa(cp, dma32_to_u32(irb->scsw.cmd.cpa));
	irb->scsw.cmd.cpa = u32_to_dma32(cpa);
	if (!irb->scsw.cmd.eswf)
		return;
	esw->erw.fsavf = 0;
	esw->faddr[0] = 0;
	esw->faddr[1] = 0;
	cpa = esw->erw.scavf ? vfio_ccw_cp_guest_cpa(cp,
						     dma32_to_u32(esw->saddr)) : 0;
	esw->saddr = u32_to_dma32(cpa);
	if (!cpa)
		esw->erw.scavf = 0;
}

/**
 * vfio_ccw_func_irq_locked() - handle an I/O interrupt of the subchannel
 * @private: the device
 * @hirb: the IRB stored by TEST SUBCHANNEL (host addresses)
 *
 * Caller holds &vfio_ccw_private.lock (the cio interrupt handler does).
 * Never sleeps. Stores the IRB (guest CCW address) and bumps irq_seq; a
 * final interrupt in CP_PENDING retires the program; the I/O eventfd is
 * signalled last.
 */
void vfio_ccw_func_irq_locked(struct vfio_ccw_private *private,
			      const struct irb *hirb)
{
	struct irb irb = *hirb;
	u32 fctl, actl, stctl;
	bool final;

	lockdep_assert_held(private->lock);
	fctl = irb.scsw.cmd.fctl;
	actl = irb.scsw.cmd.actl;
	stctl = irb.scsw.cmd.stctl;
	final = vfio_ccw_irq_is_final(&irb.scsw);
	trace_vfio_ccw_irq(private->schid, fctl, actl, stctl, final);

	if (final && private->parked && !private->retired) {
		/* At last the proof that the channel is done with it. */
		private->retired = private->parked;
		private->parked = NULL;
		schedule_delayed_work(&private->retire_work, 0);
	}
	if (private->state == VFIO_CCW_STATE_STANDBY ||
	    private->state == VFIO_CCW_STATE_NOT_OPER) {
		/* Not open: accepted and ignored. */
		vfio_ccw_fsm_event_locked(private, final ?
					  VFIO_CCW_EVENT_IRQ_FINAL :
					  VFIO_CCW_EVENT_IRQ_OTHER);
		return;
	}

	/* a halt that overtook a start in translation: as SSCH, then HSCH */
	if ((irb.scsw.cmd.fctl & SCSW_FCTL_HALT_FUNC) &&
	    (private->functions & VFIO_CCW_FUNC_START))
		irb.scsw.cmd.fctl |= SCSW_FCTL_START_FUNC;
	vfio_ccw_irb_to_guest(private, &irb);
	private->irb = irb;
	private->irq_seq++;

	if (final) {
		private->functions = 0;
		atomic64_inc(&private->stats.irq_final);
		if (private->state == VFIO_CCW_STATE_CP_PENDING)
			vfio_ccw_retire_locked(private);
		vfio_ccw_fsm_event_locked(private, VFIO_CCW_EVENT_IRQ_FINAL);
		wake_up(&private->wait);
	} else {
		private->functions &= ~VFIO_CCW_FUNC_SUSPENDED;
		if (fctl && (actl & SCSW_ACTL_SUSPENDED))
			private->functions |= VFIO_CCW_FUNC_SUSPENDED;
		atomic64_inc(fctl ? &private->stats.irq_intermediate :
			     &private->stats.irq_unsolicited);
		vfio_ccw_fsm_event_locked(private, VFIO_CCW_EVENT_IRQ_OTHER);
	}

	if (private->io_trigger)
		eventfd_signal(private->io_trigger);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_func_irq_locked);
