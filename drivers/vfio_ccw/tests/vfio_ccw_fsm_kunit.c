// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the vfio-ccw state machine: scripted condition codes,
 * interrupts delivered on demand, fake guest memory for translation.
 */
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <asm/cio.h>

#include "cio.h"
#include "orb.h"
#include "vfio_ccw_cp.h"
#include "vfio_ccw_hw.h"
#include "vfio_ccw_private.h"

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
	/* called from the read op during translation (overtaking tests) */
	int (*on_read)(struct vfio_ccw_private *private);
	int on_read_ret;
	struct schib schib;		/* what stsch stores */
	/* deliver a final interrupt after csch, from a work item */
	bool irq_on_csch;
	/* the guest memory is unmapped: pins and reads fail */
	bool gone;
	/* a start enters CP_PROCESSING as the subchannel is disabled */
	bool start_on_disable;
	int enable_ret;
	struct work_struct irq_work;
};

static struct fsm_ctx *to_ctx(struct vfio_ccw_private *private)
{
	return container_of(private, struct fsm_ctx, priv);
}

static int fake_ssch(struct vfio_ccw_private *p, union orb *orb)
{
	to_ctx(p)->calls[F_SSCH]++;
	return to_ctx(p)->cc[F_SSCH];
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
	return 0;
}

static const struct vfio_ccw_hw_ops fake_hw_ops = {
	.ssch = fake_ssch,
	.rsch = fake_rsch,
	.hsch = fake_hsch,
	.csch = fake_csch,
	.xsch = fake_xsch,
	.stsch = fake_stsch,
	.enable = fake_enable,
	.disable = fake_disable,
};

static int fake_pin(void *c, u64 iova, int npage, int prot,
		    struct page **pages)
{
	struct vfio_ccw_private *private = c;
	struct fsm_ctx *ctx = to_ctx(private);
	int i;

	if (ctx->gone ||
	    iova + ((u64)npage << PAGE_SHIFT) > FAKE_PAGES * PAGE_SIZE)
		return -EFAULT;
	for (i = 0; i < npage; i++)
		pages[i] = virt_to_page(ctx->mem + iova + i * PAGE_SIZE);
	ctx->pinned += npage;
	return npage;
}

static void fake_unpin(void *c, u64 iova, int npage)
{
	to_ctx(c)->pinned -= npage;
}

static int fake_read(void *c, u64 iova, void *buf, size_t len)
{
	struct vfio_ccw_private *private = c;
	struct fsm_ctx *ctx = to_ctx(private);

	ctx->reads++;
	if (ctx->on_read && ctx->reads == 1)
		ctx->on_read_ret = ctx->on_read(private);
	if (ctx->gone || iova + len > FAKE_PAGES * PAGE_SIZE)
		return -EFAULT;
	memcpy(buf, ctx->mem + iova, len);
	return 0;
}

static const struct vfio_ccw_dma_ops fake_dma_ops = {
	.pin = fake_pin,
	.unpin = fake_unpin,
	.read = fake_read,
};

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
	vfio_ccw_fsm_irq_locked(&ctx->priv, irb);
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
	ctx->mem = (u8 *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
					  get_order(FAKE_PAGES * PAGE_SIZE));
	KUNIT_ASSERT_NOT_NULL(test, ctx->mem);
	spin_lock_init(&ctx->lock);
	INIT_WORK(&ctx->irq_work, irq_work_fn);
	vfio_ccw_private_init(&ctx->priv, &fake_hw_ops, &fake_dma_ops,
			      &ctx->lock);
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
	vfio_ccw_private_cleanup(&ctx->priv);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
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
	return vfio_ccw_fsm_start(&ctx->priv, &orb);
}

static void open_dev(struct kunit *test, struct fsm_ctx *ctx)
{
	KUNIT_ASSERT_EQ(test, vfio_ccw_fsm_open(&ctx->priv), 0);
	KUNIT_ASSERT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
}

#define NO	VFIO_CCW_STATE_NOT_OPER
#define SB	VFIO_CCW_STATE_STANDBY
#define ID	VFIO_CCW_STATE_IDLE
#define PR	VFIO_CCW_STATE_CP_PROCESSING
#define PE	VFIO_CCW_STATE_CP_PENDING

/* The table of Documentation/s390/vfio-ccw-locking.rst, written again. */
static const int expected[VFIO_CCW_NR_STATES][VFIO_CCW_NR_EVENTS] = {
	/*	  OPEN     CLOSE   START    START_OK START_DROP HALT     CLEAR
	 *	  CANCEL   DETACH  RESUME   IRQ_FIN  IRQ_OTH    NOT_OPER
	 */
	[NO] = { -ENODEV, NO, -ENODEV, -ENODEV, -ENODEV, -ENODEV, -ENODEV,
		 -ENODEV, -ENODEV, -ENODEV, NO, NO, NO },
	[SB] = { ID, SB, -ENODEV, -ENODEV, -ENODEV, -ENODEV, -ENODEV,
		 -ENODEV, -ENODEV, -ENODEV, SB, SB, NO },
	[ID] = { -EBUSY, SB, PR, -EINVAL, -EINVAL, ID, ID,
		 ID, -EINVAL, -EBUSY, ID, ID, NO },
	[PR] = { -EBUSY, -EBUSY, -EBUSY, PE, ID, PR, PR,
		 PR, -EINVAL, -EBUSY, PR, PR, NO },
	[PE] = { -EBUSY, SB, -EBUSY, -EINVAL, -EINVAL, PE, PE,
		 PE, ID, PE, ID, PE, NO },
};

/* Every state x event through the one transition function. */
static void fsm_test_table(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	int s, e, ret;

	for (s = 0; s < VFIO_CCW_NR_STATES; s++) {
		for (e = 0; e < VFIO_CCW_NR_EVENTS; e++) {
			int want = expected[s][e];

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
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_halt(&ctx->priv), -ENODEV);
	open_dev(test, ctx);
	KUNIT_EXPECT_EQ(test, ctx->enables, 1);
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_open(&ctx->priv), -EBUSY);
	vfio_ccw_fsm_close(&ctx->priv);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_STANDBY);
	KUNIT_EXPECT_EQ(test, ctx->disables, 1);
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
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
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
	KUNIT_ASSERT_EQ(test, ctx->pinned, 1);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_NULL(test, ctx->priv.cp);
	KUNIT_EXPECT_NOT_NULL(test, ctx->priv.retired);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 1);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&ctx->priv.retire_work));

	/* The next start frees it: one program's pages pinned, not two. */
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_NULL(test, ctx->priv.retired);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 1);

	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	KUNIT_EXPECT_NOT_NULL(test, ctx->priv.retired);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_NULL(test, ctx->priv.retired);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
}

static void fsm_test_ssch_cc(struct kunit *test)
{
	static const int ccs[] = { 1, 2, 3, -EACCES };
	static const int errs[] = { -EBUSY, -EBUSY, -ENODEV, -EACCES };
	struct fsm_ctx *ctx = test->priv;
	int i;

	open_dev(test, ctx);
	for (i = 0; i < ARRAY_SIZE(ccs); i++) {
		ctx->cc[F_SSCH] = ccs[i];
		KUNIT_EXPECT_EQ(test, do_start(ctx), errs[i]);
		KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
		KUNIT_EXPECT_NULL(test, ctx->priv.cp);
		KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
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

/* During translation: the start is seen in CP_PROCESSING, refused again. */
static int read_hook_start(struct vfio_ccw_private *private)
{
	union orb orb;

	make_orb(&orb);
	return vfio_ccw_fsm_start(private, &orb) == -EBUSY ? 0 : -1;
}

static int read_hook_clear(struct vfio_ccw_private *private)
{
	return vfio_ccw_fsm_clear(private);
}

static int read_hook_halt(struct vfio_ccw_private *private)
{
	return vfio_ccw_fsm_halt(private);
}

static int read_hook_cancel(struct vfio_ccw_private *private)
{
	return vfio_ccw_fsm_cancel(private);
}

static void fsm_test_overtake(struct kunit *test, int (*hook)(struct
			      vfio_ccw_private *), int insn, u32 fctl)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	ctx->on_read = hook;
	KUNIT_EXPECT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->on_read_ret, 0);
	/* start not issued, program freed, back to IDLE */
	KUNIT_EXPECT_EQ(test, ctx->calls[F_SSCH], 0);
	if (insn >= 0)
		KUNIT_EXPECT_EQ(test, ctx->calls[insn], 1);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_NULL(test, ctx->priv.cp);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ctx->priv.stats.overtakes), 1);
	if (!fctl)
		return;
	/* exactly one final interrupt: that of the halt or clear */
	deliver_final(ctx, fctl);
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
	int ret = vfio_ccw_fsm_clear(private);

	deliver_final(to_ctx(private), SCSW_FCTL_CLEAR_FUNC);
	return ret;
}

static void fsm_test_overtake_irq_first(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	ctx->on_read = read_hook_clear_irq;
	KUNIT_EXPECT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->on_read_ret, 0);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_SSCH], 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_EQ(test, ctx->priv.irq_seq, 1);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
}

/* A failed halt (cc 1) does not overtake: the start goes on. */
static int read_hook_halt_fails(struct vfio_ccw_private *private)
{
	to_ctx(private)->cc[F_HSCH] = 1;
	return vfio_ccw_fsm_halt(private) == -EBUSY ? 0 : -1;
}

static void fsm_test_failed_halt_no_overtake(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	ctx->on_read = read_hook_halt_fails;
	KUNIT_EXPECT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->on_read_ret, 0);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_SSCH], 1);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_CP_PENDING);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
}

static void fsm_test_start_in_processing(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	ctx->on_read = read_hook_start;
	KUNIT_EXPECT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->on_read_ret, 0);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_SSCH], 1);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
}

static void fsm_test_halt_clear_states(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	/* idle subchannel: issued, its interrupt ends it */
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_halt(&ctx->priv), 0);
	KUNIT_EXPECT_EQ(test, ctx->priv.functions, VFIO_CCW_FUNC_HALT);
	deliver_final(ctx, SCSW_FCTL_HALT_FUNC);
	KUNIT_EXPECT_EQ(test, ctx->priv.functions, 0);
	/* pending: the clear's final interrupt ends the start */
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_clear(&ctx->priv), 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_CP_PENDING);
	deliver_final(ctx, SCSW_FCTL_START_FUNC | SCSW_FCTL_CLEAR_FUNC);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	/* cc mapping of halt */
	ctx->cc[F_HSCH] = 3;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_halt(&ctx->priv), -ENODEV);
	ctx->cc[F_CSCH] = 2;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_clear(&ctx->priv), -EBUSY);
}

static void fsm_test_cancel_pending(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	ctx->cc[F_XSCH] = 2;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_cancel(&ctx->priv), -EBUSY);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_CP_PENDING);
	ctx->cc[F_XSCH] = 0;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_cancel(&ctx->priv), 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
}

static void fsm_test_resume(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_resume(&ctx->priv), -EBUSY);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	/* not suspended */
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_resume(&ctx->priv), -EBUSY);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_RSCH], 0);
	ctx->cc[F_STSCH] = 3;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_resume(&ctx->priv), -ENODEV);
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
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_clear(&ctx->priv), -ENODEV);
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_reset(&ctx->priv), -ENODEV);
	/* interrupts are ignored, nothing is stored */
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	KUNIT_EXPECT_EQ(test, ctx->priv.irq_seq, 0);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
}

static void fsm_test_dma_unmap(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_GT(test, ctx->pinned, 0);
	/* not overlapping: nothing happens */
	KUNIT_EXPECT_FALSE(test, vfio_ccw_fsm_dma_unmap(&ctx->priv,
							3 * PAGE_SIZE,
							PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 0);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_CP_PENDING);
	/* overlapping: clear, final interrupt, pins gone on return */
	ctx->irq_on_csch = true;
	KUNIT_EXPECT_TRUE(test, vfio_ccw_fsm_dma_unmap(&ctx->priv, 0,
						       FAKE_PAGES * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 1);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_NULL(test, ctx->priv.cp);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	KUNIT_EXPECT_EQ(test, ctx->priv.irq_seq, 1);
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
	ctx->irq_on_csch = true;
	KUNIT_EXPECT_TRUE(test, vfio_ccw_fsm_dma_unmap(&ctx->priv, 0,
						       PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 1);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_NULL(test, ctx->priv.cp);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
}

/*
 * RSCH of a suspended program whose CCWs are gone (vfio type1 does not
 * call dma_unmap for memory without pins): EFAULT, and the program is
 * cleared so that its pages are released.
 */
static void fsm_test_resume_memory_gone(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;
	union orb orb;

	open_dev(test, ctx);
	ctx->mem[PROG_IOVA + 1] |= CCW_FLAG_SUSPEND;
	make_orb(&orb);
	orb.cmd.spnd = 1;
	KUNIT_ASSERT_EQ(test, vfio_ccw_fsm_start(&ctx->priv, &orb), 0);
	ctx->schib.scsw.cmd.actl = SCSW_ACTL_SUSPENDED;
	ctx->gone = true;
	ctx->irq_on_csch = true;
	KUNIT_EXPECT_EQ(test, vfio_ccw_fsm_resume(&ctx->priv), -EFAULT);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_RSCH], 0);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_CSCH], 1);
	flush_work(&ctx->irq_work);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	flush_delayed_work(&ctx->priv.retire_work);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
}

/* A fenced range is neither pinned nor read until the fence goes. */
static void fsm_test_fence(struct kunit *test)
{
	struct fsm_ctx *ctx = test->priv;

	open_dev(test, ctx);
	/* a fence elsewhere changes nothing */
	vfio_ccw_fsm_fence(&ctx->priv, 3 * PAGE_SIZE, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, do_start(ctx), 0);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	flush_delayed_work(&ctx->priv.retire_work);

	/* still mapped (type1 has not removed it yet): refused, no pin */
	vfio_ccw_fsm_fence(&ctx->priv, 0, FAKE_PAGES * PAGE_SIZE);
	ctx->reads = 0;
	KUNIT_EXPECT_EQ(test, do_start(ctx), -EFAULT);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_SSCH], 1);
	KUNIT_EXPECT_EQ(test, state_of(ctx), VFIO_CCW_STATE_IDLE);
	KUNIT_EXPECT_EQ(test, do_start(ctx), -EFAULT);

	/* the mapping is gone: the probe drops the fence */
	ctx->gone = true;
	KUNIT_EXPECT_EQ(test, do_start(ctx), -EFAULT);
	KUNIT_EXPECT_EQ(test, ctx->priv.fence_len, 0);
	/* mapped again: a start runs at once */
	ctx->gone = false;
	KUNIT_EXPECT_EQ(test, do_start(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->calls[F_SSCH], 2);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	flush_delayed_work(&ctx->priv.retire_work);

	/* an expired fence no longer counts */
	vfio_ccw_fsm_fence(&ctx->priv, 0, FAKE_PAGES * PAGE_SIZE);
	scoped_guard(spinlock_irq, &ctx->lock)
		ctx->priv.fence_until = jiffies - VFIO_CCW_FENCE_TIMEOUT;
	KUNIT_EXPECT_EQ(test, do_start(ctx), 0);
	deliver_final(ctx, SCSW_FCTL_START_FUNC);
	flush_delayed_work(&ctx->priv.retire_work);

	/* close drops it too */
	vfio_ccw_fsm_fence(&ctx->priv, 0, FAKE_PAGES * PAGE_SIZE);
	vfio_ccw_fsm_close(&ctx->priv);
	KUNIT_EXPECT_EQ(test, ctx->priv.fence_len, 0);
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
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
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

static struct kunit_case vfio_ccw_fsm_cases[] = {
	KUNIT_CASE(fsm_test_table),
	KUNIT_CASE(fsm_test_cc_mapping),
	KUNIT_CASE(fsm_test_open_close),
	KUNIT_CASE(fsm_test_start_final),
	KUNIT_CASE(fsm_test_retire_by_next_request),
	KUNIT_CASE(fsm_test_ssch_cc),
	KUNIT_CASE(fsm_test_second_start_ebusy),
	KUNIT_CASE(fsm_test_overtake_clear),
	KUNIT_CASE(fsm_test_overtake_halt),
	KUNIT_CASE(fsm_test_overtake_cancel),
	KUNIT_CASE(fsm_test_overtake_irq_first),
	KUNIT_CASE(fsm_test_failed_halt_no_overtake),
	KUNIT_CASE(fsm_test_start_in_processing),
	KUNIT_CASE(fsm_test_halt_clear_states),
	KUNIT_CASE(fsm_test_cancel_pending),
	KUNIT_CASE(fsm_test_resume),
	KUNIT_CASE(fsm_test_notoper),
	KUNIT_CASE(fsm_test_dma_unmap),
	KUNIT_CASE(fsm_test_dma_unmap_ccws),
	KUNIT_CASE(fsm_test_resume_memory_gone),
	KUNIT_CASE(fsm_test_fence),
	KUNIT_CASE(fsm_test_reset_vs_start),
	KUNIT_CASE(fsm_test_irq_cpa),
	KUNIT_CASE(fsm_test_close_pending),
	KUNIT_CASE(fsm_test_irq_is_final),
	KUNIT_CASE(fsm_test_crw_queue),
	{}
};

static struct kunit_suite vfio_ccw_fsm_suite = {
	.name = "vfio_ccw_fsm",
	.init = fsm_test_init,
	.exit = fsm_test_exit,
	.test_cases = vfio_ccw_fsm_cases,
};

kunit_test_suite(vfio_ccw_fsm_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests of the vfio-ccw state machine");
MODULE_LICENSE("GPL");
