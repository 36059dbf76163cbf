// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the vfio-ccw state machine: scripted condition codes,
 * interrupts delivered on demand, fake guest memory for translation.
 */
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <asm/cio.h>

#include "cio.h"
#include "orb.h"
#include "vfio_ccw_cp.h"
#include "vfio_ccw_func.h"
#include "vfio_ccw_hw.h"
#include "vfio_ccw_private.h"
#include "vfio_ccw_region.h"
#include "vfio_ccw_kunit.h"

enum fake_insn { F_SSCH, F_RSCH, F_HSCH, F_CSCH, F_XSCH, F_STSCH, F_NR };

#define FAKE_PAGES	4
#define PROG_IOVA	0x100

struct fsm_ctx {
	struct vfio_ccw_private priv;
	spinlock_t lock;		/* plays the subchannel lock */
	int cc[F_NR];			/* scripted condition codes */
	int calls[F_NR];
	int enables, disables;
	u8 *mem;			/* FAKE_PAGES of guest memory */
	int pinned, reads;
	int pin_calls, pin_calls_at_hook;
	/* called from read number on_read_at of a translation */
	int (*on_read)(struct vfio_ccw_private *private);
	int on_read_at;
	int on_read_ret;
	struct schib schib;		/* what stsch stores */
	u8 lpm;				/* the usable paths the ops report */
	u8 ssch_lpm;			/* the ORB's mask at the last SSCH */
	/* deliver a final interrupt after csch, from a work item */
	bool irq_on_csch;
	/* csch with cc 0 ends the activity STORE SUBCHANNEL shows */
	bool stop_on_csch;
	/* the guest memory is unmapped: pins and reads fail */
	bool gone;
	/* a start enters CP_PROCESSING as the subchannel is disabled */
	bool start_on_disable;
	int enable_ret;
	int disable_ret;
	struct work_struct irq_work;
	/* the back-end's unpin blocks: entered, then waits for go */
	bool block_unpin;
	struct completion unpin_entered, unpin_go;
	struct work_struct flush_work, unmap_work, drop_work[2];
	int pinned_after_unmap;
};

static struct fsm_ctx *to_ctx(struct vfio_ccw_private *private)
{
	return container_of(private, struct fsm_ctx, priv);
}

static int fake_ssch(struct vfio_ccw_private *p, union orb *orb)
{
	to_ctx(p)->calls[F_SSCH]++;
	to_ctx(p)->ssch_lpm = orb->cmd.lpm;
	return to_ctx(p)->cc[F_SSCH];
}

static u8 fake_lpm(struct vfio_ccw_private *p)
{
	return to_ctx(p)->lpm;
}

static int fake_rsch(struct vfio_ccw_private *p)
{
	to_ctx(p)->calls[F_RSCH]++;
	return to_ctx(p)->cc[F_RSCH];
}

static int fake_hsch(struct vfio_ccw_private *p)
{
	to_ctx(p)->calls[F_HSCH]++;
	return to_ctx(p)->cc[F_HSCH];
}

static int fake_csch(struct vfio_ccw_private *p)
{
	struct fsm_ctx *ctx = to_ctx(p);

	ctx->calls[F_CSCH]++;
	if (!ctx->cc[F_CSCH] && ctx->irq_on_csch)
		schedule_work(&ctx->irq_work);
	if (!ctx->cc[F_CSCH] && ctx->stop_on_csch)
		ctx->schib.scsw.cmd.actl = 0;
	return ctx->cc[F_CSCH];
}

static int fake_xsch(struct vfio_ccw_private *p)
{
	to_ctx(p)->calls[F_XSCH]++;
	return to_ctx(p)->cc[F_XSCH];
}

static int fake_stsch(struct vfio_ccw_private *p, struct schib *schib)
{
	to_ctx(p)->calls[F_STSCH]++;
	*schib = to_ctx(p)->schib;
	return to_ctx(p)->cc[F_STSCH];
}

static int fake_enable(struct vfio_ccw_private *p, u32 intparm)
{
	to_ctx(p)->enables++;
	return to_ctx(p)->enable_ret;
}

static int fake_disable(struct vfio_ccw_private *p)
{
	struct fsm_ctx *ctx = to_ctx(p);

	ctx->disables++;
	/* what a racing start request does just before (lock held) */
	if (ctx->start_on_disable) {
		ctx->start_on_disable = false;
		vfio_ccw_fsm_event_locked(p, VFIO_CCW_EVENT_START);
	}
	return ctx->disable_ret;
}

static const struct vfio_ccw_hw_ops fake_hw_ops = {
	.ssch = fake_ssch,
	.lpm = fake_lpm,
	.rsch = fake_rsch,
	.hsch = fake_hsch,
	.csch = fake_csch,
	.xsch = fake_xsch,
	.stsch = fake_stsch,
	.enable = fake_enable,
	.disable = fake_disable,
};

static struct fsm_ctx *pins_ctx(struct vfio_ccw_pins *pins)
{
	return to_ctx(container_of(pins, struct vfio_ccw_private, pins));
}

/* The back-end: what vfio_pin_pages() and friends would do. */
static int fake_pin(struct vfio_ccw_pins *pins, u64 iova, int npage,
		    int prot, struct page **pages)
{
	struct fsm_ctx *ctx = pins_ctx(pins);
	int i;

	if (ctx->gone ||
	    iova + ((u64)npage << PAGE_SHIFT) > FAKE_PAGES * PAGE_SIZE)
		return -EINVAL;
	for (i = 0; i < npage; i++)
		pages[i] = virt_to_page(ctx->mem + iova + i * PAGE_SIZE);
	ctx->pinned += npage;
	ctx->pin_calls++;
	return npage;
}

static void fake_unpin(struct vfio_ccw_pins *pins, u64 iova, int npage)
{
	struct fsm_ctx *ctx = pins_ctx(pins);

	if (ctx->block_unpin) {
		ctx->block_unpin = false;
		complete(&ctx->unpin_entered);
		wait_for_completion(&ctx->unpin_go);
	}
	ctx->pinned -= npage;
}

static int fake_read(struct vfio_ccw_pins *pins, u64 iova, void *buf,
		     size_t len)
{
	struct fsm_ctx *ctx = pins_ctx(pins);

	ctx->reads++;
	if (ctx->on_read && ctx->reads == ctx->on_read_at)
		ctx->on_read_ret = ctx->on_read(&ctx->priv);
	if (ctx->gone || iova + len > FAKE_PAGES * PAGE_SIZE)
		return -EINVAL;
	memcpy(buf, ctx->mem + iova, len);
	return 0;
}

static const struct vfio_ccw_pin_backend fake_backend = {
	.pin = fake_pin,
	.unpin = fake_unpin,
	.read = fake_read,
};

/*
 * Pages pinned for programs: the back-end's pins but those the pin cache
 * keeps (an ended program's pages stay pinned there, for reuse).
 */
static int prog_pinned(struct fsm_ctx *ctx)
{
	guard(spinlock_irq)(&ctx->priv.pins.lock);
	return ctx->pinned - ctx->priv.pins.cache_len;
}

/* An IRB ending the function: status pending alone, or CE+DE. */
static void make_irb(struct irb *irb, u32 fctl, u32 actl, u32 stctl,
		     u32 cpa)
{
	memset(irb, 0, sizeof(*irb));
	irb->scsw.cmd.fctl = fctl;
	irb->scsw.cmd.actl = actl;
	irb->scsw.cmd.stctl = stctl;
	irb->scsw.cmd.cpa = u32_to_dma32(cpa);
}

static void deliver(struct fsm_ctx *ctx, const struct irb *irb)
{
	guard(spinlock_irq)(&ctx->lock);
	vfio_ccw_func_irq_locked(&ctx->priv, irb);
}

static void deliver_final(struct fsm_ctx *ctx, u32 fctl)
{
	struct irb irb;

	make_irb(&irb, fctl, 0, SCSW_STCTL_STATUS_PEND, 0);
	deliver(ctx, &irb);
}

static void irq_work_fn(struct work_struct *work)
{
	struct fsm_ctx *ctx = container_of(work, struct fsm_ctx, irq_work);

	deliver_final(ctx, SCSW_FCTL_START_FUNC | SCSW_FCTL_CLEAR_FUNC);
}

static enum vfio_ccw_state state_of(struct fsm_ctx *ctx)
{
	guard(spinlock_irq)(&ctx->lock);
	return ctx->priv.state;
}

static int fsm_test_init(struct kunit *test)
{
	struct fsm_ctx *ctx;
	u8 *ccw;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	/* compound: dma_unmap takes page references on single pages */
	ctx->mem = (u8 *)__get_free_pages(GFP_KERNEL | __GFP_ZERO | __GFP_COMP,
					  get_order(FAKE_PAGES * PAGE_SIZE));
	KUNIT_ASSERT_NOT_NULL(test, ctx->mem);
	spin_lock_init(&ctx->lock);
	ctx->lpm = 0x80;
	INIT_WORK(&ctx->irq_work, irq_work_fn);
	init_completion(&ctx->unpin_entered);
	init_completion(&ctx->unpin_go);
	vfio_ccw_private_init(&ctx->priv, &fake_hw_ops, &fake_backend,
			      &ctx->lock, NULL);
	/* One format-1 CCW: SENSE ID, SLI, 8 bytes into page 1. */
	ccw = ctx->mem + PROG_IOVA;
	ccw[0] = 0xe4;
	ccw[1] = 0x20;
	ccw[3] = 8;
	ccw[6] = 0x10;
	test->priv = ctx;
	return 0;
}

static void fsm_test_exit(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	cancel_work_sync(&ctx->irq_work);
	vfio_ccw_fsm_close(&ctx->priv);
	/* dma_unmap's fences go with their files (delayed: a kthread) */
	flush_delayed_fput();
	vfio_ccw_pins_cache_flush(&ctx->priv.pins);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	vfio_ccw_private_remove(&ctx->priv);
	vfio_ccw_private_cleanup(&ctx->priv);
	free_pages((unsigned long)ctx->mem, get_order(FAKE_PAGES * PAGE_SIZE));
}

static void make_orb(union orb *orb)
{
	memset(orb, 0, sizeof(*orb));
	orb->cmd.fmt = 1;
	orb->cmd.pfch = 1;
	orb->cmd.lpm = 0x80;
	orb->cmd.cpa = u32_to_dma32(PROG_IOVA);
}

static int do_start(struct fsm_ctx *ctx)
{
	union orb orb;

	make_orb(&orb);
	return vfio_ccw_func_start(&ctx->priv, &orb);
}

/*
 * A start into memory that is fenced or gone is issued all the same: the
 * channel decides. Nothing is pinned there; the host program faults where
 * the guest's memory is missing (a guard CCW, or an IDAW that designates
 * no storage), and the program check ends it.
 */
static void start_faults(struct kunit *test, struct fsm_ctx *ctx)
{
	int ssch = ctx->calls[F_SSCH];

	KUNIT_EXPECT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_SSCH], ssch + 1);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 0);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	flush_delayed_work(&ctx->priv.retire_work);
}

static void open_dev(struct kunit *test, struct fsm_ctx *ctx)
{
	KUNIT_ASSERT_EQ(test, vfio_ccw_fsm_open(&ctx->priv), 0);
	KUNIT_ASSERT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
}

#define ST(s)	VFIO_CCW_STATE_##s
#define EV(e)	VFIO_CCW_EVENT_##e

/*
 * The oracle of the table, in a form of its own: the legal arcs of
 * Documentation/s390/vfio-ccw-locking.rst (an accepted event that keeps
 * the state is an arc back to it), and refusal_errno() for every other
 * (state, event).
 */
static const struct fsm_arc {
	enum vfio_ccw_state from;
	enum vfio_ccw_event event;
	enum vfio_ccw_state to;
} legal_arcs[] = {
	{ ST(STANDBY), EV(OPEN), ST(IDLE) },
	{ ST(IDLE), EV(CLOSE), ST(STANDBY) },
	{ ST(CP_PENDING), EV(CLOSE), ST(STANDBY) },
	{ ST(IDLE), EV(START), ST(CP_PROCESSING) },
	{ ST(CP_PROCESSING), EV(START_OK), ST(CP_PENDING) },
	{ ST(CP_PROCESSING), EV(START_DROP), ST(IDLE) },
	{ ST(CP_PENDING), EV(DETACH), ST(IDLE) },
	{ ST(CP_PENDING), EV(IRQ_FINAL), ST(IDLE) },
	/* A closed device closes again without effect. */
	{ ST(NOT_OPER), EV(CLOSE), ST(NOT_OPER) },
	{ ST(STANDBY), EV(CLOSE), ST(STANDBY) },
	/* Halt, clear and cancel in every open state. */
	{ ST(IDLE), EV(HALT), ST(IDLE) },
	{ ST(IDLE), EV(CLEAR), ST(IDLE) },
	{ ST(IDLE), EV(CANCEL), ST(IDLE) },
	{ ST(CP_PROCESSING), EV(HALT), ST(CP_PROCESSING) },
	{ ST(CP_PROCESSING), EV(CLEAR), ST(CP_PROCESSING) },
	{ ST(CP_PROCESSING), EV(CANCEL), ST(CP_PROCESSING) },
	{ ST(CP_PENDING), EV(HALT), ST(CP_PENDING) },
	{ ST(CP_PENDING), EV(CLEAR), ST(CP_PENDING) },
	{ ST(CP_PENDING), EV(CANCEL), ST(CP_PENDING) },
	/* A resume needs the published program. */
	{ ST(CP_PENDING), EV(RESUME), ST(CP_PENDING) },
	/* Interrupts are accepted everywhere; only IRQ_FINAL ends a start. */
	{ ST(NOT_OPER), EV(IRQ_FINAL), ST(NOT_OPER) },
	{ ST(STANDBY), EV(IRQ_FINAL), ST(STANDBY) },
	{ ST(IDLE), EV(IRQ_FINAL), ST(IDLE) },
	{ ST(CP_PROCESSING), EV(IRQ_FINAL), ST(CP_PROCESSING) },
	{ ST(NOT_OPER), EV(IRQ_OTHER), ST(NOT_OPER) },
	{ ST(STANDBY), EV(IRQ_OTHER), ST(STANDBY) },
	{ ST(IDLE), EV(IRQ_OTHER), ST(IDLE) },
	{ ST(CP_PROCESSING), EV(IRQ_OTHER), ST(CP_PROCESSING) },
	{ ST(CP_PENDING), EV(IRQ_OTHER), ST(CP_PENDING) },
	/* Not operational from anywhere. */
	{ ST(NOT_OPER), EV(NOT_OPER), ST(NOT_OPER) },
	{ ST(STANDBY), EV(NOT_OPER), ST(NOT_OPER) },
	{ ST(IDLE), EV(NOT_OPER), ST(NOT_OPER) },
	{ ST(CP_PROCESSING), EV(NOT_OPER), ST(NOT_OPER) },
	{ ST(CP_PENDING), EV(NOT_OPER), ST(NOT_OPER) },
};

/*
 * The errno of a refused event: by state, a device that is not open
 * (NOT_OPER, STANDBY) refuses with ENODEV; by event, an open device
 * refuses a request it is too busy for (OPEN, CLOSE, START, RESUME) with
 * EBUSY and an internal event without the start or program it is about
 * (START_OK, START_DROP, DETACH) with EINVAL. 0: no rule refuses it.
 */
static int refusal_errno(enum vfio_ccw_state state, enum vfio_ccw_event event)
{
	if (state == ST(NOT_OPER) || state == ST(STANDBY))
		return -ENODEV;
	switch (event) {
	case EV(OPEN):
	case EV(CLOSE):
	case EV(START):
	case EV(RESUME):
		return -EBUSY;
	case EV(START_OK):
	case EV(START_DROP):
	case EV(DETACH):
		return -EINVAL;
	default:
		return 0;
	}
}

/* The cell the oracle gives for (state, event); fails on a hole in it. */
static int oracle_next(struct kunit *test, enum vfio_ccw_state state,
		       enum vfio_ccw_event event)
{
	const struct fsm_arc *found = NULL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(legal_arcs); i++) {
		if (legal_arcs[i].from != state || legal_arcs[i].event != event)
			continue;
		KUNIT_EXPECT_NULL_MSG(test, found, "arc %s x %s listed twice",
				      vfio_ccw_state_name(state),
				      vfio_ccw_event_name(event));
		found = &legal_arcs[i];
	}
	if (found)
		return found->to;
	KUNIT_EXPECT_LT_MSG(test, refusal_errno(state, event), 0,
			    "%s x %s: neither an arc nor a refusal",
			    vfio_ccw_state_name(state),
			    vfio_ccw_event_name(event));
	return refusal_errno(state, event);
}

#undef ST
#undef EV

static const enum vfio_ccw_state fsm_states[] = {
	VFIO_CCW_STATE_NOT_OPER, VFIO_CCW_STATE_STANDBY, VFIO_CCW_STATE_IDLE,
	VFIO_CCW_STATE_CP_PROCESSING, VFIO_CCW_STATE_CP_PENDING,
};

static void fsm_state_desc(const enum vfio_ccw_state *state, char *desc)
{
	strscpy(desc, vfio_ccw_state_name(*state), KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fsm_state, fsm_states, fsm_state_desc);

/*
 * Every event in one state: the driver's cell against the oracle's, and
 * the same through the one transition function.
 */
static void fsm_test_table(struct kunit *test)
{
	const enum vfio_ccw_state *param = test->param_value;
	enum vfio_ccw_state s = *param;
	struct fsm_ctx *ctx = test->priv;
	int e, ret;

	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(fsm_states), VFIO_CCW_NR_STATES);
	for (e = 0; e < VFIO_CCW_NR_EVENTS; e++) {
		int want = oracle_next(test, s, e);

		KUNIT_EXPECT_EQ_MSG(test, vfio_ccw_fsm_next(s, e), want,
				    "%s x %s", vfio_ccw_state_name(s),
				    vfio_ccw_event_name(e));
		scoped_guard(spinlock_irq, &ctx->lock) {
			ctx->priv.state = s;
			ret = vfio_ccw_fsm_event_locked(&ctx->priv, e);
		}
		if (want < 0) {
			KUNIT_EXPECT_EQ(test, ret, want);
			KUNIT_EXPECT_EQ(test, state_of(ctx), s);
		} else {
			KUNIT_EXPECT_EQ(test, ret, 0);
			KUNIT_EXPECT_EQ(test, state_of(ctx), want);
		}
	}
	scoped_guard(spinlock_irq, &ctx->lock)
		ctx->priv.state = VFIO_CCW_STATE_STANDBY;
}

static void fsm_test_cc_mapping(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vfio_ccw_cc_to_errno(0), 0);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cc_to_errno(1), -EBUSY);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cc_to_errno(2), -EBUSY);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cc_to_errno(3), -ENODEV);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cc_to_errno(-EACCES), -EACCES);
}

static void fsm_test_open_close(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_STANDBY);
	KUNIT_EXPECT_EQ(test, do_start(ctx), -ENODEV);
	KUNIT_EXPECT_EQ(test, vfio_ccw_func_halt(&ctx->priv), -ENODEV);
	open_dev(test, ctx);
	KUNIT_EXPECT_EQ(test, ctx->enables, 1);
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_open(&ctx->priv), -EBUSY);
	vfio_ccw_fsm_close(&ctx->priv);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_STANDBY);
	KUNIT_EXPECT_EQ(test, ctx->disables, 1);
}

/*
 * A started program, then close: the disable answers @disable_ret and
 * STORE SUBCHANNEL shows the activity @actl.
 */
static void close_started(struct kunit *test, struct fsm_ctx *ctx,
			  int disable_ret, u16 actl)
{
	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	ctx->disable_ret = disable_ret;
	ctx->schib.scsw.cmd.actl = actl;
	vfio_ccw_fsm_close(&ctx->priv);
}

/* A started program, then not operational while the device is active. */
static void notoper_started(struct kunit *test, struct fsm_ctx *ctx)
{
	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	ctx->schib.scsw.cmd.actl = SCSW_ACTL_DEVACT;
	scoped_guard(spinlock_irq, &ctx->lock)
		vfio_ccw_fsm_notoper_locked(&ctx->priv);
}

/* Start, final interrupt, program retired and unpinned. */
static void fsm_test_start_final(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	struct irb irb;

	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_SSCH], 1);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_CP_PENDING);
	KUNIT_EXPECT_EQ(test, ctx->priv.functions, VFIO_CCW_FUNC_START);
	KUNIT_EXPECT_NOT_NULL(test, ctx->priv.cp);

	/* Intermediate and unsolicited interrupts keep the program. */
	make_irb(&irb, SCSW_FCTL_START_FUNC, SCSW_ACTL_SCHACT,
		 SCSW_STCTL_INTER_STATUS | SCSW_STCTL_STATUS_PEND, 0);
	deliver(ctx, &irb);
	make_irb(&irb, 0, 0, SCSW_STCTL_ALERT_STATUS | SCSW_STCTL_STATUS_PEND,
		 0);
	deliver(ctx, &irb);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_CP_PENDING);
	KUNIT_EXPECT_NOT_NULL(test, ctx->priv.cp);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ctx->priv.stats.irq_intermediate),
			1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ctx->priv.stats.irq_unsolicited),
			1);

	make_irb(&irb, SCSW_FCTL_START_FUNC, 0,
		 SCSW_STCTL_PRIM_STATUS | SCSW_STCTL_SEC_STATUS |
		 SCSW_STCTL_STATUS_PEND, 0);
	deliver(ctx, &irb);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_NULL(test, ctx->priv.cp);
	KUNIT_EXPECT_EQ(test, ctx->priv.irq_seq, 3);
	KUNIT_EXPECT_EQ(test, ctx->priv.functions, 0);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 0);
}

/*
 * The final interrupt only parks the program (no work runs for it); the
 * next start frees it before translating; the delayed retire work frees
 * the last one when no request comes.
 */
static void fsm_test_retire_by_next_request(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	KUNIT_ASSERT_EQ(test, prog_pinned(ctx), 1);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_NULL(test, ctx->priv.cp);
	KUNIT_EXPECT_NOT_NULL(test, ctx->priv.retired);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 1);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&ctx->priv.retire_work));

	/* The next start frees it: one program's pages pinned, not two. */
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_NULL(test, ctx->priv.retired);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 1);

	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	KUNIT_EXPECT_NOT_NULL(test, ctx->priv.retired);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_NULL(test, ctx->priv.retired);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 0);
}

static void fsm_test_ssch_cc(struct kunit *test)
{
	static const int ccs[] = { 1, 2, 3 };
	static const int errs[] = { -EBUSY, -EBUSY, -ENODEV };
	struct fsm_ctx *ctx = test->priv;
	int i;

	open_dev(test, ctx);
	for (i = 0; i < ARRAY_SIZE(ccs); i++) {
		ctx->cc[F_SSCH] = ccs[i];
		KUNIT_EXPECT_EQ(test, do_start(ctx), errs[i]);
		KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
		KUNIT_EXPECT_NULL(test, ctx->priv.cp);
		KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 0);
	}
}

/*
 * The logical-path mask is the start path's business, not the ops': an
 * ORB without a mask gets the usable paths, one that names some of them
 * keeps its own, one that names none is refused with -EACCES without SSCH.
 */
static void fsm_test_start_lpm(struct kunit *test)
{
	static const struct {
		u8 orb, usable, issued;
		int ret;
	} rows[] = {
		{ 0x00, 0xc0, 0xc0, 0 },
		{ 0x60, 0xc0, 0x60, 0 },
		{ 0x20, 0xc0, 0x00, -EACCES },
	};
	struct fsm_ctx *ctx = test->priv;
	union orb orb;
	int i, ssch;

	open_dev(test, ctx);
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		ctx->lpm = rows[i].usable;
		ctx->ssch_lpm = 0;
		ssch = ctx->calls[F_SSCH];
		make_orb(&orb);
		orb.cmd.lpm = rows[i].orb;
		KUNIT_EXPECT_EQ_MSG(test, vfio_ccw_func_start(&ctx->priv, &orb),
				    rows[i].ret, "row %d", i);
		KUNIT_EXPECT_EQ_MSG(test, ctx->calls[F_SSCH] - ssch,
				    rows[i].ret ? 0 : 1, "row %d", i);
		KUNIT_EXPECT_EQ_MSG(test, ctx->ssch_lpm, rows[i].issued,
				    "row %d", i);
		if (!rows[i].ret)
			deliver_final(ctx, SCSW_FCTL_START_FUNC);
		flush_delayed_work(&ctx->priv.retire_work);
		KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
		KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 0);
	}
}

static void fsm_test_second_start_ebusy(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, do_start(ctx), -EBUSY);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_SSCH], 1);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_CP_PENDING);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
}

/*
 * Open, then a start whose translation calls @hook at its first read: the
 * start and the hook succeed, and SSCH is issued @ssch times.
 */
static void start_with_hook(struct kunit *test, struct fsm_ctx *ctx,
			    int (*hook)(struct vfio_ccw_private *), int ssch)
{
	open_dev(test, ctx);
	ctx->on_read = hook;
	ctx->on_read_at = 1;
	KUNIT_EXPECT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->on_read_ret, 0);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_SSCH], ssch);
}

/* During translation: the start is seen in CP_PROCESSING, refused again. */
static int read_hook_start(struct vfio_ccw_private *private)
{
	union orb orb;

	make_orb(&orb);
	return vfio_ccw_func_start(private, &orb) == -EBUSY ? 0 : -1;
}

static int read_hook_clear(struct vfio_ccw_private *private)
{
	return vfio_ccw_func_clear(private);
}

static int read_hook_halt(struct vfio_ccw_private *private)
{
	return vfio_ccw_func_halt(private);
}

static int read_hook_cancel(struct vfio_ccw_private *private)
{
	return vfio_ccw_func_cancel(private);
}

static void fsm_test_overtake(struct kunit *test, int (*hook)(struct
			      vfio_ccw_private *), int insn, u32 fctl)
{
	struct fsm_ctx *ctx = test->priv;

	/* start not issued, program freed, back to IDLE */
	start_with_hook(test, ctx, hook, 0);
	if (insn >= 0)
		KUNIT_EXPECT_EQ(test, ctx->calls[insn], 1);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_NULL(test, ctx->priv.cp);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ctx->priv.stats.overtakes), 1);
	if (!fctl)
		return;
	/* exactly one final interrupt: that of the halt or clear */
	deliver_final(ctx, fctl);
	/* as on the channel: SSCH then HSCH gives start|halt, CSCH clear */
	KUNIT_EXPECT_EQ(test, (u32)ctx->priv.irb.scsw.cmd.fctl,
			fctl == SCSW_FCTL_HALT_FUNC ?
			fctl | SCSW_FCTL_START_FUNC : fctl);
	KUNIT_EXPECT_EQ(test, ctx->priv.irq_seq, 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ctx->priv.stats.irq_final), 1);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_EQ(test, ctx->priv.functions, 0);
}

static void fsm_test_overtake_clear(struct kunit *test)
{
	fsm_test_overtake(test, read_hook_clear, F_CSCH, SCSW_FCTL_CLEAR_FUNC);
}

static void fsm_test_overtake_halt(struct kunit *test)
{
	fsm_test_overtake(test, read_hook_halt, F_HSCH, SCSW_FCTL_HALT_FUNC);
}

static void fsm_test_overtake_cancel(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	fsm_test_overtake(test, read_hook_cancel, -1, 0);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_XSCH], 0);
}

/* A final interrupt that arrives while the start is still translating. */
static int read_hook_clear_irq(struct vfio_ccw_private *private)
{
	int ret = vfio_ccw_func_clear(private);

	deliver_final(to_ctx(private), SCSW_FCTL_CLEAR_FUNC);
	return ret;
}

/*
 * A start overtaken by @hook during its translation, whose final
 * interrupt @hook delivers at once: the start returns success, issues
 * nothing and ends in IDLE with that one interrupt.
 */
static void overtake_irq_first(struct kunit *test, struct fsm_ctx *ctx,
			       int (*hook)(struct vfio_ccw_private *))
{
	start_with_hook(test, ctx, hook, 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_EQ(test, ctx->priv.irq_seq, 1);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 0);
}

static void fsm_test_overtake_irq_first(struct kunit *test)
{
	overtake_irq_first(test, test->priv, read_hook_clear_irq);
}

static int read_hook_halt_irq(struct vfio_ccw_private *private)
{
	int ret = vfio_ccw_func_halt(private);

	deliver_final(to_ctx(private), SCSW_FCTL_HALT_FUNC);
	return ret;
}

/* The halt's final interrupt first: it shows the start beside the halt. */
static void fsm_test_overtake_halt_irq_first(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	overtake_irq_first(test, ctx, read_hook_halt_irq);
	KUNIT_EXPECT_EQ(test, (u32)ctx->priv.irb.scsw.cmd.fctl,
			SCSW_FCTL_START_FUNC | SCSW_FCTL_HALT_FUNC);
	KUNIT_EXPECT_EQ(test, ctx->priv.functions, 0);
	/* a later halt of an idle subchannel shows the halt alone */
	KUNIT_ASSERT_EQ(test, vfio_ccw_func_halt(&ctx->priv), 0);
	deliver_final(ctx, SCSW_FCTL_HALT_FUNC);
	KUNIT_EXPECT_EQ(test, (u32)ctx->priv.irb.scsw.cmd.fctl,
			SCSW_FCTL_HALT_FUNC);
}

/*
 * During one translation: a halt overtakes the start and its interrupt
 * comes, then a second halt of the now idle subchannel: its status shows
 * the halt alone. A clear resets the functions in progress.
 */
static int read_hook_halt_twice(struct vfio_ccw_private *private)
{
	struct fsm_ctx *ctx = to_ctx(private);
	int ret = vfio_ccw_func_halt(private);

	deliver_final(ctx, SCSW_FCTL_HALT_FUNC);
	if (ctx->priv.irb.scsw.cmd.fctl !=
	    (SCSW_FCTL_START_FUNC | SCSW_FCTL_HALT_FUNC))
		return -1;
	ret = ret ?: vfio_ccw_func_halt(private);
	if (private->functions != VFIO_CCW_FUNC_HALT)
		return -2;
	ret = ret ?: vfio_ccw_func_clear(private);
	if (private->functions != VFIO_CCW_FUNC_CLEAR)
		return -3;
	deliver_final(ctx, SCSW_FCTL_CLEAR_FUNC);
	return ret;
}

static void fsm_test_overtake_second_halt(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	start_with_hook(test, ctx, read_hook_halt_twice, 0);
	KUNIT_EXPECT_EQ(test, (u32)ctx->priv.irb.scsw.cmd.fctl,
			SCSW_FCTL_CLEAR_FUNC);
	KUNIT_EXPECT_EQ(test, ctx->priv.functions, 0);
}

/* A failed halt (cc 1) does not overtake: the start goes on. */
static int read_hook_halt_fails(struct vfio_ccw_private *private)
{
	to_ctx(private)->cc[F_HSCH] = 1;
	return vfio_ccw_func_halt(private) == -EBUSY ? 0 : -1;
}

static void fsm_test_failed_halt_no_overtake(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	start_with_hook(test, ctx, read_hook_halt_fails, 1);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_CP_PENDING);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
}

static void fsm_test_start_in_processing(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	start_with_hook(test, ctx, read_hook_start, 1);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
}

static void fsm_test_halt_clear_states(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	/* idle subchannel: issued, its interrupt ends it */
	KUNIT_EXPECT_EQ(test, vfio_ccw_func_halt(&ctx->priv), 0);
	KUNIT_EXPECT_EQ(test, ctx->priv.functions, VFIO_CCW_FUNC_HALT);
	deliver_final(ctx, SCSW_FCTL_HALT_FUNC);
	KUNIT_EXPECT_EQ(test, ctx->priv.functions, 0);
	/* pending: the clear's final interrupt ends the start */
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, vfio_ccw_func_clear(&ctx->priv), 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_CP_PENDING);
	deliver_final(ctx, SCSW_FCTL_START_FUNC | SCSW_FCTL_CLEAR_FUNC);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	/* cc mapping of halt */
	ctx->cc[F_HSCH] = 3;
	KUNIT_EXPECT_EQ(test, vfio_ccw_func_halt(&ctx->priv), -ENODEV);
	ctx->cc[F_CSCH] = 2;
	KUNIT_EXPECT_EQ(test, vfio_ccw_func_clear(&ctx->priv), -EBUSY);
}

static void fsm_test_cancel_pending(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	ctx->cc[F_XSCH] = 2;
	KUNIT_EXPECT_EQ(test, vfio_ccw_func_cancel(&ctx->priv), -EBUSY);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_CP_PENDING);
	ctx->cc[F_XSCH] = 0;
	KUNIT_EXPECT_EQ(test, vfio_ccw_func_cancel(&ctx->priv), 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 0);
}

static void fsm_test_resume(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	KUNIT_EXPECT_EQ(test, vfio_ccw_func_resume(&ctx->priv), -EBUSY);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	/* not suspended */
	KUNIT_EXPECT_EQ(test, vfio_ccw_func_resume(&ctx->priv), -EBUSY);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_RSCH], 0);
	ctx->cc[F_STSCH] = 3;
	KUNIT_EXPECT_EQ(test, vfio_ccw_func_resume(&ctx->priv), -ENODEV);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
}

static void fsm_test_notoper(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	scoped_guard(spinlock_irq, &ctx->lock)
		vfio_ccw_fsm_notoper_locked(&ctx->priv);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_NOT_OPER);
	KUNIT_EXPECT_NULL(test, ctx->priv.cp);
	KUNIT_EXPECT_EQ(test, do_start(ctx), -ENODEV);
	KUNIT_EXPECT_EQ(test, vfio_ccw_func_clear(&ctx->priv), -ENODEV);
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_reset(&ctx->priv), -ENODEV);
	/* interrupts are ignored, nothing is stored */
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	KUNIT_EXPECT_EQ(test, ctx->priv.irq_seq, 0);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 0);
}

/* Page references on the pages of the fake guest (its compound head). */
static int mem_refs(struct fsm_ctx *ctx)
{
	return page_count(virt_to_page(ctx->mem));
}

/*
 * The final interrupt (function control @fctl) that proves the channel is
 * done: the program it kept is freed, its pages' references go back to
 * @refs.
 */
static void final_frees_program(struct kunit *test, struct fsm_ctx *ctx,
				u32 fctl, int refs)
{
	deliver_final(ctx, fctl);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_EQ(test, mem_refs(ctx), refs);
}

/*
 * Parked by close: not freed (the channel may still run it), unpinned,
 * its pages held by a reference each.
 */
static void expect_parked(struct kunit *test, struct fsm_ctx *ctx, int refs)
{
	KUNIT_EXPECT_NOT_NULL_MSG(test, ctx->priv.parked,
				  "program freed while STSCH shows activity");
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	KUNIT_EXPECT_EQ_MSG(test, mem_refs(ctx), refs + 1,
			    "the running program's pages lost their references");
}

/*
 * dma_unmap of a published program's pages: the back-end's pins go before
 * it returns, the program is cleared, not waited for, and its pages stay
 * allocated by references until its final interrupt retires it.
 */
static void fsm_test_dma_unmap(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	int refs = mem_refs(ctx);

	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_GT(test, prog_pinned(ctx), 0);
	/* not overlapping: nothing happens */
	vfio_ccw_dma_unmap_range(&ctx->priv, 3 * PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_CP_PENDING);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 1);
	/* overlapping: cleared, nothing pinned on return, pages referenced */
	vfio_ccw_dma_unmap_range(&ctx->priv, 0, FAKE_PAGES * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 1);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_CP_PENDING);
	KUNIT_EXPECT_NOT_NULL(test, ctx->priv.cp);
	KUNIT_EXPECT_EQ(test, mem_refs(ctx), refs + 1);
	/* a second unmap of the same range does not clear again */
	vfio_ccw_dma_unmap_range(&ctx->priv, 0, FAKE_PAGES * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 1);
	/*
	 * The range stays fenced until the unmapping thread returns to user
	 * space; this one is a kernel thread, which never does: its fence
	 * lasts until the device is closed (or opened).
	 */
	deliver_final(ctx, SCSW_FCTL_START_FUNC | SCSW_FCTL_CLEAR_FUNC);
	KUNIT_EXPECT_EQ(test, ctx->priv.irq_seq, 1);
	start_faults(test, ctx);
	/* the clear's final interrupt retired it; the next start freed it */
	KUNIT_EXPECT_EQ(test, mem_refs(ctx), refs);
	flush_delayed_fput();
	start_faults(test, ctx);
	vfio_ccw_fsm_close(&ctx->priv);
	open_dev(test, ctx);
	KUNIT_EXPECT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 1);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	flush_delayed_work(&ctx->priv.retire_work);
}

/*
 * Only the CCWs of a published program are unmapped (its data lies
 * elsewhere): the program is cleared as when its pins are unmapped.
 */
static void fsm_test_dma_unmap_ccws(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	/* the CCW is in page 0, the data in page 1 */
	vfio_ccw_dma_unmap_range(&ctx->priv, 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 1);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 1);
	deliver_final(ctx, SCSW_FCTL_START_FUNC | SCSW_FCTL_CLEAR_FUNC);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_NULL(test, ctx->priv.cp);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 0);
}

/* The program of a retired start is identified by number, not address. */
static void fsm_test_program_numbers(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	u64 first;

	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	first = ctx->priv.cp_seq;
	KUNIT_EXPECT_NE(test, first, 0);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	KUNIT_EXPECT_EQ(test, ctx->priv.cp_seq, 0);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_GT(test, ctx->priv.cp_seq, first);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
}

/*
 * RSCH of a suspended program whose CCWs are gone (vfio type1 does not
 * call dma_unmap for memory without pins): resumed all the same, into a
 * guard where the CCW cannot be read: the channel ends the program there
 * with a program check, as it would on the guest's storage.
 */
static void fsm_test_resume_memory_gone(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	union orb orb;

	open_dev(test, ctx);
	ctx->mem[PROG_IOVA + 1] |= CCW_FLAG_SUSPEND;
	make_orb(&orb);
	orb.cmd.spnd = 1;
	KUNIT_ASSERT_EQ(test, vfio_ccw_func_start(&ctx->priv, &orb), 0);
	ctx->schib.scsw.cmd.actl = SCSW_ACTL_SUSPENDED;
	ctx->gone = true;
	KUNIT_EXPECT_EQ(test, vfio_ccw_func_resume(&ctx->priv), 0);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_RSCH], 1);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 0);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 0);
}

/* A fenced range is not pinned until the fence goes; elsewhere is. */
static void fsm_test_fence(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	struct vfio_ccw_fence *f;

	open_dev(test, ctx);
	/* a fence elsewhere changes nothing */
	f = vfio_ccw_pins_fence_add(&ctx->priv.pins, 3 * PAGE_SIZE,
				    4 * PAGE_SIZE - 1);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	flush_delayed_work(&ctx->priv.retire_work);
	vfio_ccw_pins_cache_flush(&ctx->priv.pins);
	vfio_ccw_pins_fence_drop(f);

	/* the data page fenced: nothing pinned, the channel faults there */
	f = vfio_ccw_pins_fence_add(&ctx->priv.pins, PAGE_SIZE,
				    2 * PAGE_SIZE - 1);
	start_faults(test, ctx);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	/* lifted (the unmapping thread returned): pinned at once */
	vfio_ccw_pins_fence_drop(f);
	KUNIT_EXPECT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 1);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	flush_delayed_work(&ctx->priv.retire_work);
}

/* dma_unmap of a page pinned so far by the translation in flight. */
static int read_hook_unmap(struct vfio_ccw_private *private)
{
	struct fsm_ctx *ctx = to_ctx(private);

	vfio_ccw_dma_unmap_range(private, PAGE_SIZE, PAGE_SIZE);
	ctx->pin_calls_at_hook = ctx->pin_calls;
	return 0;
}

/*
 * A translation that lost a pin to dma_unmap fails at its next pin, at
 * once: the back-end sees no pin call after the revocation, nothing is
 * issued and nothing of it stays pinned. The program: NOP (CC), TIC to
 * 0x300, SENSE (SLI, 8 bytes into page 1; only reachable by a
 * status-modifier skip: pinned while the program is read), and at 0x300 a
 * SENSE into page 2 (pinned with the whole program, after the reads).
 */
static void fsm_test_revoked_translation_fails(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	struct ccw1 *c = (struct ccw1 *)(ctx->mem + PROG_IOVA);
	struct ccw1 *t = (struct ccw1 *)(ctx->mem + 0x300);
	union orb orb;

	open_dev(test, ctx);
	memset(c, 0, 4 * sizeof(*c));
	c[0] = (struct ccw1){ .cmd_code = CCW_CMD_NOOP,
			      .flags = CCW_FLAG_CC | CCW_FLAG_SLI, .count = 1 };
	c[1] = (struct ccw1){ .cmd_code = CCW_CMD_TIC,
			      .cda = u32_to_dma32(0x300) };
	c[2] = (struct ccw1){ .cmd_code = CCW_CMD_BASIC_SENSE,
			      .flags = CCW_FLAG_SLI, .count = 8,
			      .cda = u32_to_dma32(PAGE_SIZE) };
	*t = (struct ccw1){ .cmd_code = CCW_CMD_BASIC_SENSE,
			    .flags = CCW_FLAG_SLI, .count = 8,
			    .cda = u32_to_dma32(2 * PAGE_SIZE) };
	/* the read of the TIC's target comes after the optional pin */
	ctx->on_read = read_hook_unmap;
	ctx->on_read_at = 2;
	make_orb(&orb);
	KUNIT_EXPECT_EQ(test, vfio_ccw_func_start(&ctx->priv, &orb), -EFAULT);
	KUNIT_EXPECT_EQ(test, ctx->reads, 2);
	KUNIT_EXPECT_EQ(test, ctx->pin_calls_at_hook, 1);
	KUNIT_EXPECT_EQ(test, ctx->pin_calls, ctx->pin_calls_at_hook);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_SSCH], 0);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
}

/*
 * Close finds the subchannel busy for good: the program is not freed
 * (the channel may still run it), its pins go to page references, the
 * device is not operational; a late final interrupt frees it.
 */
static void fsm_test_close_parks_busy_program(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	int refs = mem_refs(ctx);

	close_started(test, ctx, -EBUSY, SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_NOT_OPER);
	expect_parked(test, ctx, refs);
	KUNIT_EXPECT_NULL(test, ctx->priv.cp);
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_open(&ctx->priv), -ENODEV);
	/* the channel is done at last */
	ctx->disable_ret = 0;
	deliver_final(ctx, SCSW_FCTL_START_FUNC | SCSW_FCTL_CLEAR_FUNC);
	KUNIT_EXPECT_NULL(test, ctx->priv.parked);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_NULL(test, ctx->priv.retired);
	KUNIT_EXPECT_EQ(test, mem_refs(ctx), refs);
}

/* The same, but STORE SUBCHANNEL proves the channel idle: freed at once. */
static void fsm_test_close_frees_idle_program(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	close_started(test, ctx, -EBUSY, 0);	/* status pending, say */
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_STANDBY);
	KUNIT_EXPECT_NULL(test, ctx->priv.parked);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 0);
}

/* Disable fails otherwise than busy (MSCH said no): no proof either. */
static void fsm_test_close_disable_error_parks(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	int refs = mem_refs(ctx);

	close_started(test, ctx, -EIO, SCSW_ACTL_SCHACT);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_NOT_OPER);
	expect_parked(test, ctx, refs);
	ctx->disable_ret = 0;
	final_frees_program(test, ctx, SCSW_FCTL_START_FUNC | SCSW_FCTL_CLEAR_FUNC, refs);
}

/*
 * The subchannel reports not operational while STORE SUBCHANNEL still
 * shows activity (device number no longer valid): the program is parked,
 * not retired; a later close leaves the back-end holding nothing, and the
 * final interrupt frees the program.
 */
static void fsm_test_notoper_parks_active_program(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	int refs = mem_refs(ctx);

	notoper_started(test, ctx);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_NOT_OPER);
	KUNIT_EXPECT_NOT_NULL(test, ctx->priv.parked);
	KUNIT_EXPECT_NULL(test, ctx->priv.retired);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 1);
	vfio_ccw_fsm_close(&ctx->priv);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	KUNIT_EXPECT_EQ(test, mem_refs(ctx), refs + 1);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	KUNIT_EXPECT_NULL(test, ctx->priv.parked);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_EQ(test, mem_refs(ctx), refs);
}

/*
 * cio_disable_subchannel() answers -ENODEV whenever STORE SUBCHANNEL
 * fails to refresh the schib, and that includes condition code 0 with the
 * device number no longer valid: MODIFY SUBCHANNEL was never issued and
 * the subchannel may still run the program. -ENODEV is no proof; close
 * asks STORE SUBCHANNEL like for every other error.
 */
static void fsm_test_close_enodev_is_no_proof(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	int refs = mem_refs(ctx);

	/* STSCH cc 0: active */
	close_started(test, ctx, -ENODEV, SCSW_ACTL_DEVACT);
	expect_parked(test, ctx, refs);
	ctx->disable_ret = 0;
	final_frees_program(test, ctx, SCSW_FCTL_START_FUNC | SCSW_FCTL_CLEAR_FUNC, refs);
}

/* -ENODEV, and STORE SUBCHANNEL gives condition code 3: the proof. */
static void fsm_test_close_enodev_cc3_frees(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	int refs = mem_refs(ctx);

	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	ctx->disable_ret = -ENODEV;
	ctx->cc[F_STSCH] = 3;
	vfio_ccw_fsm_close(&ctx->priv);
	KUNIT_EXPECT_NULL(test, ctx->priv.parked);
	KUNIT_EXPECT_EQ(test, ctx->pinned - ctx->priv.pins.cache_len, 0);
	KUNIT_EXPECT_EQ(test, mem_refs(ctx), refs);
}

/*
 * A fence that could not be tied to its thread's return to user space
 * (a kernel thread's dma_unmap, as here, or no file for it) is sticky. A
 * reset ends it as close does: the guest's memory, mapped again, takes
 * programs after the guest's reboot.
 */
static void fsm_test_reset_lifts_sticky_fence(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	vfio_ccw_dma_unmap_range(&ctx->priv, PAGE_SIZE, PAGE_SIZE);
	start_faults(test, ctx);
	KUNIT_ASSERT_EQ(test, vfio_ccw_fsm_reset(&ctx->priv), 0);
	KUNIT_EXPECT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ_MSG(test, prog_pinned(ctx), 1,
			    "data not pinned after reset (sticky fence)");
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	flush_delayed_work(&ctx->priv.retire_work);
}

static void flush_work_fn(struct work_struct *work)
{
	struct fsm_ctx *ctx = container_of(work, struct fsm_ctx, flush_work);

	vfio_ccw_pins_cache_flush(&ctx->priv.pins);
}

static void unmap_work_fn(struct work_struct *work)
{
	struct fsm_ctx *ctx = container_of(work, struct fsm_ctx, unmap_work);

	vfio_ccw_dma_unmap_range(&ctx->priv, 0, U64_MAX);
	ctx->pinned_after_unmap = ctx->pinned;
}

/*
 * iommufd's replace or detach of the access (iommufd_access_change_ioas())
 * calls dma_unmap once over the whole space, then moves the access's
 * unpin to the new IOAS, or to none. A release in flight (here the
 * cache's, blocked in the back-end's unpin) must be over before that one
 * call returns: under iommufd every call waits.
 */
static void fsm_test_iommufd_unmap_waits_first_call(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	int i;

	/* bound to iommufd: open finds the access (never dereferenced) */
	ctx->priv.vdev.iommufd_access = (struct iommufd_access *)ctx;
	open_dev(test, ctx);
	ctx->priv.vdev.iommufd_access = NULL;
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_ASSERT_EQ(test, prog_pinned(ctx), 0);
	KUNIT_ASSERT_EQ(test, ctx->pinned, 1);		/* the cache's */
	INIT_WORK(&ctx->flush_work, flush_work_fn);
	INIT_WORK(&ctx->unmap_work, unmap_work_fn);
	ctx->block_unpin = true;
	queue_work(system_unbound_wq, &ctx->flush_work);
	wait_for_completion(&ctx->unpin_entered);
	queue_work(system_unbound_wq, &ctx->unmap_work);
	for (i = 0; i < 20; i++)
		usleep_range(1000, 2000);
	complete(&ctx->unpin_go);
	flush_work(&ctx->flush_work);
	flush_work(&ctx->unmap_work);
	KUNIT_EXPECT_EQ_MSG(test, ctx->pinned_after_unmap, 0,
			    "the one dma_unmap returned with %d pin(s) held",
			    ctx->pinned_after_unmap);
}

static void drop_work_fn(struct work_struct *work)
{
	struct fsm_ctx *ctx = container_of(work, struct fsm_ctx, drop_work[0]);

	vfio_ccw_pins_drop_sticky_fences(&ctx->priv.pins);
}

static void drop_work2_fn(struct work_struct *work)
{
	struct fsm_ctx *ctx = container_of(work, struct fsm_ctx, drop_work[1]);

	vfio_ccw_pins_drop_sticky_fences(&ctx->priv.pins);
}

/*
 * Shutdown's close runs outside the vfio core's locks, beside the user's
 * open or close: two threads lift the same sticky fences at once, and
 * each fence is freed once.
 */
static void fsm_test_sticky_fences_dropped_concurrently(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	int round, i;

	open_dev(test, ctx);
	for (round = 0; round < 20; round++) {
		/* the program's data page among them */
		for (i = 0; i < 64; i++)
			vfio_ccw_dma_unmap_range(&ctx->priv,
						 (u64)(i + 1) * PAGE_SIZE,
						 PAGE_SIZE);
		start_faults(test, ctx);
		INIT_WORK(&ctx->drop_work[0], drop_work_fn);
		INIT_WORK(&ctx->drop_work[1], drop_work2_fn);
		queue_work(system_unbound_wq, &ctx->drop_work[0]);
		queue_work(system_unbound_wq, &ctx->drop_work[1]);
		flush_work(&ctx->drop_work[0]);
		flush_work(&ctx->drop_work[1]);
	}
	/* every fence gone: a start that uses a fenced page pins it */
	KUNIT_EXPECT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ_MSG(test, prog_pinned(ctx), 1, "a sticky fence survived");
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	flush_delayed_work(&ctx->priv.retire_work);
}

/*
 * Not operational, the channel still shows activity: the program is
 * parked, and a CLEAR SUBCHANNEL is tried so that it may end. When the
 * device goes away, STORE SUBCHANNEL is asked once more: a proof that it
 * stopped frees the program, though no final interrupt reached the device.
 */
static void fsm_test_parked_program_reclaimed_at_remove(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	int refs = mem_refs(ctx);

	notoper_started(test, ctx);
	KUNIT_EXPECT_NOT_NULL(test, ctx->priv.parked);
	KUNIT_EXPECT_EQ_MSG(test, ctx->calls[F_CSCH], 1,
			    "parked without a CLEAR SUBCHANNEL");
	vfio_ccw_fsm_close(&ctx->priv);
	KUNIT_EXPECT_EQ(test, mem_refs(ctx), refs + 1);
	/* the clear took effect; its interrupt went nowhere */
	ctx->schib.scsw.cmd.actl = 0;
	vfio_ccw_private_remove(&ctx->priv);
	KUNIT_EXPECT_NULL_MSG(test, ctx->priv.parked,
			      "a stopped program left allocated at remove");
	KUNIT_EXPECT_EQ(test, mem_refs(ctx), refs);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 1);	/* none needed */
}

/*
 * At remove the parked program still shows activity: a CLEAR SUBCHANNEL
 * is issued (again after a refusal), and when it takes, the program is
 * freed and the subchannel disabled. If nothing ever stops it, it stays
 * allocated (said so); only a final interrupt frees it then.
 */
static void fsm_test_parked_program_cleared_at_remove(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	int refs = mem_refs(ctx), disables;

	notoper_started(test, ctx);
	vfio_ccw_fsm_close(&ctx->priv);
	KUNIT_ASSERT_NOT_NULL(test, ctx->priv.parked);
	/* the first clear is refused (cc 1), the next one takes */
	ctx->cc[F_CSCH] = 1;
	ctx->stop_on_csch = true;
	ctx->calls[F_CSCH] = 0;
	vfio_ccw_private_remove(&ctx->priv);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 5);
	KUNIT_EXPECT_NOT_NULL(test, ctx->priv.parked);
	ctx->cc[F_CSCH] = 0;
	ctx->calls[F_CSCH] = 0;
	disables = ctx->disables;
	vfio_ccw_private_remove(&ctx->priv);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 1);
	KUNIT_EXPECT_NULL(test, ctx->priv.parked);
	KUNIT_EXPECT_EQ(test, ctx->disables, disables + 1);
	KUNIT_EXPECT_EQ(test, mem_refs(ctx), refs);
}

/* Nothing stops it: it stays allocated; a final interrupt still frees it. */
static void fsm_test_parked_program_left_at_remove(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	int refs = mem_refs(ctx);

	notoper_started(test, ctx);
	vfio_ccw_fsm_close(&ctx->priv);
	ctx->calls[F_CSCH] = 0;
	vfio_ccw_private_remove(&ctx->priv);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 1);	/* accepted once */
	KUNIT_EXPECT_GE(test, ctx->calls[F_STSCH], VFIO_CCW_REMOVE_POLLS);
	KUNIT_EXPECT_NOT_NULL(test, ctx->priv.parked);
	KUNIT_EXPECT_EQ(test, mem_refs(ctx), refs + 1);
	final_frees_program(test, ctx, SCSW_FCTL_START_FUNC | SCSW_FCTL_CLEAR_FUNC, refs);
}

/* No host address of the ESW reaches user space. */
static void fsm_test_irq_esw_addresses(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	union orb orb;
	struct irb irb;
	u32 host;

	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	vfio_ccw_cp_build_orb(ctx->priv.cp, 0, &orb);
	host = dma32_to_u32(orb.cmd.cpa);
	make_irb(&irb, SCSW_FCTL_START_FUNC, 0,
		 SCSW_STCTL_PRIM_STATUS | SCSW_STCTL_SEC_STATUS |
		 SCSW_STCTL_STATUS_PEND, host + 8);
	irb.scsw.cmd.eswf = 1;
	irb.esw.esw0.erw.fsavf = 1;
	irb.esw.esw0.faddr[0] = u32_to_dma32(0);
	irb.esw.esw0.faddr[1] = u32_to_dma32((u32)virt_to_phys(ctx->mem));
	irb.esw.esw0.erw.scavf = 1;
	irb.esw.esw0.saddr = u32_to_dma32(host);
	deliver(ctx, &irb);
	KUNIT_EXPECT_EQ(test, (int)ctx->priv.irb.esw.esw0.erw.fsavf, 0);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(ctx->priv.irb.esw.esw0.faddr[1]), 0);
	KUNIT_EXPECT_EQ(test, (int)ctx->priv.irb.esw.esw0.erw.scavf, 1);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(ctx->priv.irb.esw.esw0.saddr),
			PROG_IOVA);
	/* a secondary CCW address outside the program: 0, not valid */
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	make_irb(&irb, SCSW_FCTL_START_FUNC, 0,
		 SCSW_STCTL_PRIM_STATUS | SCSW_STCTL_SEC_STATUS |
		 SCSW_STCTL_STATUS_PEND, 0);
	irb.scsw.cmd.eswf = 1;
	irb.esw.esw0.erw.scavf = 1;
	irb.esw.esw0.saddr = u32_to_dma32(0x7ff00000);
	deliver(ctx, &irb);
	KUNIT_EXPECT_EQ(test, (int)ctx->priv.irb.esw.esw0.erw.scavf, 0);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(ctx->priv.irb.esw.esw0.saddr), 0);
	flush_delayed_work(&ctx->priv.retire_work);
}

/*
 * A start that enters CP_PROCESSING while a reset is under way (between
 * its clear and its disable) does not make the reset fail: it is dropped,
 * the reset succeeds, the device works.
 */
static void fsm_test_reset_vs_start(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	ctx->start_on_disable = true;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_reset(&ctx->priv), 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_EQ(test, ctx->enables, 2);
	KUNIT_EXPECT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_CP_PENDING);

	/* a reset while a program runs: cleared, IDLE again */
	ctx->irq_on_csch = true;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_reset(&ctx->priv), 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_NULL(test, ctx->priv.cp);

	/* the only errnos of a reset: ENODEV and EIO */
	ctx->enable_ret = -EBUSY;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_reset(&ctx->priv), -EIO);
	ctx->enable_ret = 0;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_reset(&ctx->priv), 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
}

/* CCW addresses: guest's for solicited interrupts, 0 otherwise. */
static void fsm_test_irq_cpa(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	union orb orb;
	struct irb irb;
	u32 host;

	open_dev(test, ctx);
	/* unsolicited: whatever the channel stored is not shown */
	make_irb(&irb, 0, 0, SCSW_STCTL_ALERT_STATUS | SCSW_STCTL_STATUS_PEND,
		 0x12345678);
	deliver(ctx, &irb);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(ctx->priv.irb.scsw.cmd.cpa), 0);
	/* solicited without a program (a halt of the idle subchannel) */
	make_irb(&irb, SCSW_FCTL_HALT_FUNC, 0, SCSW_STCTL_STATUS_PEND,
		 0x12345678);
	deliver(ctx, &irb);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(ctx->priv.irb.scsw.cmd.cpa), 0);
	/* solicited with a program: the guest's address */
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	vfio_ccw_cp_build_orb(ctx->priv.cp, 0, &orb);
	host = dma32_to_u32(orb.cmd.cpa);
	make_irb(&irb, SCSW_FCTL_START_FUNC, 0,
		 SCSW_STCTL_PRIM_STATUS | SCSW_STCTL_SEC_STATUS |
		 SCSW_STCTL_STATUS_PEND, host + 8);
	deliver(ctx, &irb);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(ctx->priv.irb.scsw.cmd.cpa),
			PROG_IOVA + 8);
	flush_delayed_work(&ctx->priv.retire_work);
}

static void fsm_test_close_pending(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	ctx->irq_on_csch = true;
	vfio_ccw_fsm_close(&ctx->priv);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 1);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_STANDBY);
	KUNIT_EXPECT_EQ(test, prog_pinned(ctx), 0);
	/* reset from STANDBY opens */
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_reset(&ctx->priv), 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
}

static void fsm_test_irq_is_final(struct kunit *test)
{
	struct irb irb;

	make_irb(&irb, SCSW_FCTL_HALT_FUNC, SCSW_ACTL_SUSPENDED,
		 SCSW_STCTL_STATUS_PEND, 0);
	KUNIT_EXPECT_TRUE(test, vfio_ccw_irq_is_final(&irb.scsw));
	make_irb(&irb, SCSW_FCTL_START_FUNC, SCSW_ACTL_DEVACT,
		 SCSW_STCTL_PRIM_STATUS | SCSW_STCTL_STATUS_PEND, 0);
	KUNIT_EXPECT_FALSE(test, vfio_ccw_irq_is_final(&irb.scsw));
	make_irb(&irb, SCSW_FCTL_START_FUNC, SCSW_ACTL_SUSPENDED,
		 SCSW_STCTL_INTER_STATUS | SCSW_STCTL_STATUS_PEND, 0);
	KUNIT_EXPECT_FALSE(test, vfio_ccw_irq_is_final(&irb.scsw));
	make_irb(&irb, 0, 0, SCSW_STCTL_ALERT_STATUS | SCSW_STCTL_STATUS_PEND,
		 0);
	KUNIT_EXPECT_FALSE(test, vfio_ccw_irq_is_final(&irb.scsw));
}

static void fsm_test_crw_queue(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	int i;

	/* a closed device queues nothing; open starts with an empty queue */
	scoped_guard(spinlock_irq, &ctx->lock)
		vfio_ccw_crw_queue_locked(&ctx->priv, 0x00400000);
	KUNIT_EXPECT_EQ(test, ctx->priv.crw_count, 0);
	open_dev(test, ctx);
	KUNIT_EXPECT_EQ(test, ctx->priv.crw_count, 0);
	scoped_guard(spinlock_irq, &ctx->lock) {
		for (i = 0; i < VFIO_CCW_CRW_MAX + 3; i++)
			vfio_ccw_crw_queue_locked(&ctx->priv, 0x00400000 | i);
		KUNIT_EXPECT_EQ(test, ctx->priv.crw_count, VFIO_CCW_CRW_MAX);
		KUNIT_EXPECT_TRUE(test, ctx->priv.crw_overflow);
		/* the newest queued CRW carries the overflow bit (bit 2) */
		KUNIT_EXPECT_EQ(test, ctx->priv.crw[VFIO_CCW_CRW_MAX - 1],
				0x20400000U | (VFIO_CCW_CRW_MAX - 1));
		KUNIT_EXPECT_EQ(test, ctx->priv.crw[0], 0x00400000U);
	}
}

/*
 * A CRW read into a bad user buffer fails with -EFAULT and leaves the CRW
 * queued: the next read, into good memory, returns it, then the next one.
 */
static void fsm_test_crw_read_efault_keeps_crw(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	struct ccw_crw_region region;
	unsigned long user;

	user = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, user, 0UL);
	open_dev(test, ctx);
	scoped_guard(spinlock_irq, &ctx->lock) {
		vfio_ccw_crw_queue_locked(&ctx->priv, 0x00400001);
		vfio_ccw_crw_queue_locked(&ctx->priv, 0x00400002);
	}
	KUNIT_EXPECT_EQ(test, vfio_ccw_crw_read(&ctx->priv, (char __user *)8,
						sizeof(region), 0), -EFAULT);
	KUNIT_EXPECT_EQ(test, ctx->priv.crw_count, 2);
	KUNIT_ASSERT_EQ(test, vfio_ccw_crw_read(&ctx->priv, (char __user *)user,
						sizeof(region), 0),
			(ssize_t)sizeof(region));
	KUNIT_ASSERT_EQ(test, copy_from_user(&region, (void __user *)user,
					     sizeof(region)), 0UL);
	KUNIT_EXPECT_EQ_MSG(test, region.crw, 0x00400001U,
			    "the CRW of the failed read was lost");
	KUNIT_ASSERT_EQ(test, vfio_ccw_crw_read(&ctx->priv, (char __user *)user,
						sizeof(region), 0),
			(ssize_t)sizeof(region));
	KUNIT_ASSERT_EQ(test, copy_from_user(&region, (void __user *)user,
					     sizeof(region)), 0UL);
	KUNIT_EXPECT_EQ(test, region.crw, 0x00400002U);
	KUNIT_EXPECT_EQ(test, ctx->priv.crw_count, 0);
}

static struct kunit_case vfio_ccw_fsm_cases[] = {
	KUNIT_CASE_PARAM(fsm_test_table, fsm_state_gen_params),
	KUNIT_CASE(fsm_test_cc_mapping),
	KUNIT_CASE(fsm_test_open_close),
	KUNIT_CASE(fsm_test_start_final),
	KUNIT_CASE(fsm_test_retire_by_next_request),
	KUNIT_CASE(fsm_test_ssch_cc),
	KUNIT_CASE(fsm_test_start_lpm),
	KUNIT_CASE(fsm_test_second_start_ebusy),
	KUNIT_CASE(fsm_test_overtake_clear),
	KUNIT_CASE(fsm_test_overtake_halt),
	KUNIT_CASE(fsm_test_overtake_cancel),
	KUNIT_CASE(fsm_test_overtake_irq_first),
	KUNIT_CASE(fsm_test_overtake_halt_irq_first),
	KUNIT_CASE(fsm_test_overtake_second_halt),
	KUNIT_CASE(fsm_test_failed_halt_no_overtake),
	KUNIT_CASE(fsm_test_start_in_processing),
	KUNIT_CASE(fsm_test_halt_clear_states),
	KUNIT_CASE(fsm_test_cancel_pending),
	KUNIT_CASE(fsm_test_resume),
	KUNIT_CASE(fsm_test_notoper),
	KUNIT_CASE(fsm_test_dma_unmap),
	KUNIT_CASE(fsm_test_dma_unmap_ccws),
	KUNIT_CASE(fsm_test_resume_memory_gone),
	KUNIT_CASE(fsm_test_program_numbers),
	KUNIT_CASE(fsm_test_fence),
	KUNIT_CASE(fsm_test_revoked_translation_fails),
	KUNIT_CASE(fsm_test_close_parks_busy_program),
	KUNIT_CASE(fsm_test_close_frees_idle_program),
	KUNIT_CASE(fsm_test_close_disable_error_parks),
	KUNIT_CASE(fsm_test_notoper_parks_active_program),
	KUNIT_CASE(fsm_test_irq_esw_addresses),
	KUNIT_CASE(fsm_test_reset_vs_start),
	KUNIT_CASE(fsm_test_irq_cpa),
	KUNIT_CASE(fsm_test_close_pending),
	KUNIT_CASE(fsm_test_irq_is_final),
	KUNIT_CASE(fsm_test_crw_queue),
	KUNIT_CASE(fsm_test_crw_read_efault_keeps_crw),
	KUNIT_CASE(fsm_test_close_enodev_is_no_proof),
	KUNIT_CASE(fsm_test_close_enodev_cc3_frees),
	KUNIT_CASE(fsm_test_reset_lifts_sticky_fence),
	KUNIT_CASE(fsm_test_iommufd_unmap_waits_first_call),
	KUNIT_CASE(fsm_test_sticky_fences_dropped_concurrently),
	KUNIT_CASE(fsm_test_parked_program_reclaimed_at_remove),
	KUNIT_CASE(fsm_test_parked_program_cleared_at_remove),
	KUNIT_CASE(fsm_test_parked_program_left_at_remove),
	{}
};

VFIO_CCW_KUNIT_SUITE(fsm, fsm_test_init, fsm_test_exit, vfio_ccw_fsm_cases);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests of the vfio-ccw state machine");
MODULE_LICENSE("GPL");
