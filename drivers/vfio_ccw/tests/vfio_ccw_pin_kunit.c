// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of vfio-ccw's guest memory: the production pin layer
 * (vfio_ccw_pin.c) and translation over a fake back-end that counts pins
 * per page and per extent, as vfio type1 and iommufd do: an unpin must
 * match one pin of the same extent exactly.
 *
 * After every step the suite checks what the driver promises: every page
 * that a live program references is pinned by a record that program owns,
 * and every pin the back-end holds belongs to exactly one record (of a
 * program or of the cache).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <asm/cio.h>
#include <asm/dma-types.h>

#include "orb.h"
#include "vfio_ccw_cp.h"
#include "vfio_ccw_pin.h"
#include "vfio_ccw_private.h"
#include "vfio_ccw_kunit.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define PROG	0x40000ULL	/* the program's page */
#define P	0x10000ULL	/* P, Q, R: three IOVA-contiguous pages */
#define Q	0x11000ULL
#define R	0x12000ULL
#define Z	0x20000ULL	/* never mapped */
#define TOP	0xfffffffffffff000ULL	/* the last page of the IOVA space */
#define ZERO	0x0ULL			/* the first */

#define NPG	6
#define NEXT	64
#define MAXREC	32

struct fake_ext {
	u64 iova;
	int npage;
	int count;
};

struct pin_ctx {
	struct kunit *test;
	struct vfio_ccw_stats stats;
	struct vfio_ccw_pins pins;
	struct {
		u64 iova;
		struct page *page;
		int pins;
	} pg[NPG];
	struct fake_ext ext[NEXT];
	bool bad_unpin;
	int pinned;		/* pages, with multiplicity */
	int enomem_above;	/* pins fail with ENOMEM beyond this many */
	u64 tag;
	/* the next pin of this IOVA blocks until @go (once) */
	u64 block_iova;
	struct completion started, go;
	/* called from the next unpin, once */
	void (*on_unpin)(struct pin_ctx *ctx);
	struct vfio_ccw_cp *unpin_cp;
	union orb orb;
	struct vfio_ccw_cp *xlate_cp;
	int xlate_ret;
	struct work_struct xlate_work, revoke_work;
};

static struct pin_ctx *pins_ctx(struct vfio_ccw_pins *pins)
{
	return container_of(pins, struct pin_ctx, pins);
}

static int pg_index(struct pin_ctx *ctx, u64 iova)
{
	int i;

	for (i = 0; i < NPG; i++)
		if (ctx->pg[i].iova == (iova & PAGE_MASK))
			return i;
	return -1;
}

static void *pg_ptr(struct pin_ctx *ctx, u64 iova)
{
	int i = pg_index(ctx, iova);

	KUNIT_ASSERT_GE(ctx->test, i, 0);
	return page_address(ctx->pg[i].page) + (iova & ~PAGE_MASK);
}

/* The back-end: pins counted per page and per extent. */
static int fake_pin(struct vfio_ccw_pins *pins, u64 iova, int npage, int prot,
		    struct page **pages)
{
	struct pin_ctx *ctx = pins_ctx(pins);
	int i, k, e = -1;

	if (ctx->block_iova && ctx->block_iova == iova) {
		ctx->block_iova = 0;
		complete(&ctx->started);
		wait_for_completion(&ctx->go);
	}
	if (ctx->enomem_above && ctx->pinned + npage > ctx->enomem_above)
		return -ENOMEM;
	for (i = 0; i < npage; i++)
		if (pg_index(ctx, iova + ((u64)i << PAGE_SHIFT)) < 0)
			return -EINVAL;
	for (k = 0; k < NEXT; k++) {
		if (ctx->ext[k].count && ctx->ext[k].iova == iova &&
		    ctx->ext[k].npage == npage)
			e = k;
		if (e < 0 && !ctx->ext[k].count)
			e = k;
	}
	KUNIT_ASSERT_GE(ctx->test, e, 0);
	if (!ctx->ext[e].count) {
		ctx->ext[e].iova = iova;
		ctx->ext[e].npage = npage;
	}
	ctx->ext[e].count++;
	for (i = 0; i < npage; i++) {
		k = pg_index(ctx, iova + ((u64)i << PAGE_SHIFT));
		ctx->pg[k].pins++;
		pages[i] = ctx->pg[k].page;
	}
	ctx->pinned += npage;
	return npage;
}

static void fake_unpin(struct vfio_ccw_pins *pins, u64 iova, int npage)
{
	struct pin_ctx *ctx = pins_ctx(pins);
	void (*hook)(struct pin_ctx *ctx) = ctx->on_unpin;
	int i, k;

	ctx->on_unpin = NULL;
	if (hook)
		hook(ctx);
	for (k = 0; k < NEXT; k++)
		if (ctx->ext[k].count && ctx->ext[k].iova == iova &&
		    ctx->ext[k].npage == npage)
			break;
	if (k == NEXT) {
		/* what iommufd WARNs about: no such pinned extent */
		ctx->bad_unpin = true;
		return;
	}
	ctx->ext[k].count--;
	for (i = 0; i < npage; i++) {
		k = pg_index(ctx, iova + ((u64)i << PAGE_SHIFT));
		if (k < 0 || !ctx->pg[k].pins)
			ctx->bad_unpin = true;
		else
			ctx->pg[k].pins--;
	}
	ctx->pinned -= npage;
}

static int fake_read(struct vfio_ccw_pins *pins, u64 iova, void *buf,
		     size_t len)
{
	struct pin_ctx *ctx = pins_ctx(pins);

	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - (iova & ~PAGE_MASK));
		int i = pg_index(ctx, iova);

		if (i < 0)
			return -EINVAL;
		memcpy(buf, page_address(ctx->pg[i].page) + (iova & ~PAGE_MASK),
		       n);
		buf += n;
		iova += n;
		len -= n;
	}
	return 0;
}

static const struct vfio_ccw_pin_backend fake_backend = {
	.pin = fake_pin,
	.unpin = fake_unpin,
	.read = fake_read,
};

/* ---------------------------------------------------------------------- */
/* The invariants                                                          */
/* ---------------------------------------------------------------------- */

static int ext_total(struct pin_ctx *ctx)
{
	int k, n = 0;

	for (k = 0; k < NEXT; k++)
		n += ctx->ext[k].count;
	return n;
}

/*
 * Every back-end pin is one record owned by a program or by the cache;
 * nobody released what it did not pin.
 */
static void check_backend(struct pin_ctx *ctx)
{
	struct kunit *test = ctx->test;

	KUNIT_EXPECT_FALSE(test, ctx->bad_unpin);
	KUNIT_EXPECT_EQ(test, ext_total(ctx),
			vfio_ccw_pins_count(&ctx->pins, VFIO_CCW_PIN_OWNED) +
			vfio_ccw_pins_count(&ctx->pins, VFIO_CCW_PIN_CACHED));
	KUNIT_EXPECT_EQ(test, vfio_ccw_pins_count(&ctx->pins,
						  VFIO_CCW_PIN_PINNING), 0);
	KUNIT_EXPECT_EQ(test, vfio_ccw_pins_count(&ctx->pins,
						  VFIO_CCW_PIN_RELEASING), 0);
}

/*
 * Every record of the live program @cp is owned by translation @tag and
 * pinned at the back-end, page by page; the pages in @must (0-terminated)
 * are covered by one of them.
 */
static void check_program(struct pin_ctx *ctx, struct vfio_ccw_cp *cp,
			  u64 tag, const u64 *must)
{
	struct vfio_ccw_pin *recs[MAXREC];
	struct kunit *test = ctx->test;
	int n, i, j;

	check_backend(ctx);
	n = vfio_ccw_cp_pins(cp, recs, MAXREC);
	KUNIT_ASSERT_LE(test, n, MAXREC);
	for (i = 0; i < n; i++) {
		u64 iova;
		int npage;

		KUNIT_EXPECT_EQ(test, vfio_ccw_pin_state(recs[i]),
				VFIO_CCW_PIN_OWNED);
		KUNIT_EXPECT_EQ(test, vfio_ccw_pin_tag(recs[i]), tag);
		vfio_ccw_pin_range(recs[i], &iova, &npage);
		for (j = 0; j < npage; j++) {
			int k = pg_index(ctx, iova + ((u64)j << PAGE_SHIFT));

			KUNIT_ASSERT_GE(test, k, 0);
			KUNIT_EXPECT_GT(test, ctx->pg[k].pins, 0);
		}
	}
	for (; must && *must; must++) {
		bool found = false;

		for (i = 0; i < n && !found; i++) {
			u64 iova;
			int npage;

			vfio_ccw_pin_range(recs[i], &iova, &npage);
			found = *must >= iova &&
				*must - iova < ((u64)npage << PAGE_SHIFT);
		}
		KUNIT_EXPECT_TRUE_MSG(test, found, "page %llx not owned",
				      *must);
	}
}

/* ---------------------------------------------------------------------- */
/* Programs                                                                */
/* ---------------------------------------------------------------------- */

static void ccw(struct pin_ctx *ctx, u64 at, u8 cmd, u8 flags, u16 count,
		u32 cda)
{
	struct ccw1 *c = pg_ptr(ctx, at);

	*c = (struct ccw1){ .cmd_code = cmd, .flags = flags, .count = count,
			    .cda = u32_to_dma32(cda) };
}

static void orb_at(union orb *orb, u32 cpa)
{
	memset(orb, 0, sizeof(*orb));
	orb->cmd.fmt = 1;
	orb->cmd.c64 = 1;
	orb->cmd.spnd = 1;
	orb->cmd.lpm = 0x80;
	orb->cmd.cpa = u32_to_dma32(cpa);
}

static int translate(struct pin_ctx *ctx, const union orb *orb,
		     struct vfio_ccw_cp **cpp)
{
	bool ok;
	int ret;

	scoped_guard(irq)
		vfio_ccw_pins_xlate_begin(&ctx->pins, ++ctx->tag);
	ret = vfio_ccw_cp_translate(&vfio_ccw_pin_dma_ops, &ctx->pins, orb,
				    cpp);
	scoped_guard(irq)
		ok = vfio_ccw_pins_xlate_end(&ctx->pins);
	if (!ok && !ret) {
		vfio_ccw_cp_free(*cpp);
		*cpp = NULL;
		ret = -EFAULT;
	}
	return ret;
}

static int pin_test_init(struct kunit *test)
{
	static const u64 iovas[NPG] = { PROG, P, Q, R, TOP, ZERO };
	struct pin_ctx *ctx;
	int i;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->test = test;
	for (i = 0; i < NPG; i++) {
		ctx->pg[i].iova = iovas[i];
		ctx->pg[i].page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, ctx->pg[i].page);
	}
	vfio_ccw_pins_init(&ctx->pins, &fake_backend, &ctx->stats, NULL);
	init_completion(&ctx->started);
	init_completion(&ctx->go);
	test->priv = ctx;
	return 0;
}

static void pin_test_exit(struct kunit *test)
{
	struct pin_ctx *ctx = test->priv;
	int i;

	vfio_ccw_pins_cache_flush(&ctx->pins);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	KUNIT_EXPECT_EQ(test, ext_total(ctx), 0);
	KUNIT_EXPECT_FALSE(test, ctx->bad_unpin);
	vfio_ccw_pins_destroy(&ctx->pins);
	for (i = 0; i < NPG; i++) {
		/* no page reference of the driver is left */
		KUNIT_EXPECT_EQ(test, page_count(ctx->pg[i].page), 1);
		__free_page(ctx->pg[i].page);
	}
}

/* ---------------------------------------------------------------------- */
/* The cases                                                               */
/* ---------------------------------------------------------------------- */

/*
 * A page pinned twice by one generation (a CCW reachable only by a
 * status-modifier skip, and a main-path CCW), then pinned again by the
 * generation of a resume: freeing the old generation releases exactly its
 * own two records, and the resumed program keeps both of its pages.
 */
static void pin_test_resume_of_page_pinned_twice(struct kunit *test)
{
	static const u64 first[] = { P, Q, 0 }, resumed[] = { P, Q, 0 };
	struct pin_ctx *ctx = test->priv;
	struct vfio_ccw_cp *cp;
	union orb orb;
	bool ok;

	ccw(ctx, PROG, CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 1, 0);
	ccw(ctx, PROG + 0x08, CCW_CMD_TIC, 0, 0, PROG + 0x100);
	ccw(ctx, PROG + 0x10, CCW_CMD_BASIC_SENSE, CCW_FLAG_SLI, 8, P);
	ccw(ctx, PROG + 0x100, CCW_CMD_BASIC_SENSE, CCW_FLAG_CC | CCW_FLAG_SLI,
	    0x2000, P);
	ccw(ctx, PROG + 0x108, CCW_CMD_NOOP,
	    CCW_FLAG_SUSPEND | CCW_FLAG_SLI, 0, 0);
	orb_at(&orb, PROG);
	KUNIT_ASSERT_EQ(test, translate(ctx, &orb, &cp), 0);
	check_program(ctx, cp, ctx->tag, first);
	KUNIT_EXPECT_EQ(test, ctx->pg[pg_index(ctx, P)].pins, 2);

	/* suspended at PROG + 0x108; the guest continues the program there */
	ccw(ctx, PROG + 0x108, CCW_CMD_BASIC_SENSE, CCW_FLAG_CC | CCW_FLAG_SLI,
	    0x20, P + 0xff0);
	ccw(ctx, PROG + 0x110, CCW_CMD_NOOP,
	    CCW_FLAG_SUSPEND | CCW_FLAG_SLI, 0, 0);
	scoped_guard(irq)
		vfio_ccw_pins_xlate_begin(&ctx->pins, ++ctx->tag);
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_prepare_resume(cp, 0x1230), 0);
	scoped_guard(irq)
		ok = vfio_ccw_pins_xlate_end(&ctx->pins);
	KUNIT_EXPECT_TRUE(test, ok);
	check_program(ctx, cp, ctx->tag, resumed);
	KUNIT_EXPECT_GT(test, ctx->pg[pg_index(ctx, Q)].pins, 0);

	vfio_ccw_cp_free(cp);
	check_backend(ctx);
}

/*
 * A CCW reachable only by a status-modifier skip whose IDAL ends in
 * unmapped memory: its pins are undone, exactly, and the pins of the CCWs
 * before it stay with the program.
 */
static void pin_test_optional_pin_failure(struct kunit *test)
{
	static const u64 owned[] = { P, Q, R, 0 };
	struct pin_ctx *ctx = test->priv;
	struct vfio_ccw_cp *cp;
	dma64_t *idal;
	union orb orb;

	ccw(ctx, PROG, CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 1, 0);
	ccw(ctx, PROG + 0x08, CCW_CMD_TIC, 0, 0, PROG + 0x28);
	ccw(ctx, PROG + 0x10, CCW_CMD_BASIC_SENSE, CCW_FLAG_CC | CCW_FLAG_SLI,
	    8, P);
	ccw(ctx, PROG + 0x18, CCW_CMD_BASIC_SENSE, CCW_FLAG_CC | CCW_FLAG_SLI,
	    0x3000, P);
	ccw(ctx, PROG + 0x20, CCW_CMD_BASIC_SENSE, CCW_FLAG_IDA | CCW_FLAG_SLI,
	    0x3001, PROG + 0x800);
	ccw(ctx, PROG + 0x28, CCW_CMD_NOOP, CCW_FLAG_SUSPEND | CCW_FLAG_SLI,
	    0, 0);
	idal = pg_ptr(ctx, PROG + 0x800);
	idal[0] = u64_to_dma64(P);
	idal[1] = u64_to_dma64(Q);
	idal[2] = u64_to_dma64(R);
	idal[3] = u64_to_dma64(Z);
	orb_at(&orb, PROG);
	KUNIT_ASSERT_EQ(test, translate(ctx, &orb, &cp), 0);
	check_program(ctx, cp, ctx->tag, owned);
	KUNIT_EXPECT_GT(test, ctx->pg[pg_index(ctx, Q)].pins, 0);
	KUNIT_EXPECT_GT(test, ctx->pg[pg_index(ctx, R)].pins, 0);
	vfio_ccw_cp_free(cp);
	check_backend(ctx);
}

/*
 * The program of one CCW, SENSE (SLI, 8 bytes) into page P, translated
 * with the ORB @orb (for the case to translate again).
 */
static struct vfio_ccw_cp *translate_sense(struct kunit *test,
					   struct pin_ctx *ctx, union orb *orb)
{
	struct vfio_ccw_cp *cp;

	ccw(ctx, PROG, CCW_CMD_BASIC_SENSE, CCW_FLAG_SLI, 8, P);
	orb_at(orb, PROG);
	KUNIT_ASSERT_EQ(test, translate(ctx, orb, &cp), 0);
	return cp;
}

/* An ended program's record goes to the cache and to the next owner. */
static void pin_test_cache_hands_over(struct kunit *test)
{
	static const u64 owned[] = { P, 0 };
	struct pin_ctx *ctx = test->priv;
	struct vfio_ccw_cp *cp;
	union orb orb;

	cp = translate_sense(test, ctx, &orb);
	vfio_ccw_cp_free(cp);
	check_backend(ctx);
	KUNIT_EXPECT_EQ(test, vfio_ccw_pins_count(&ctx->pins,
						  VFIO_CCW_PIN_CACHED), 1);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 1);

	KUNIT_ASSERT_EQ(test, translate(ctx, &orb, &cp), 0);
	check_program(ctx, cp, ctx->tag, owned);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ctx->stats.pin_cache_hits), 1);
	KUNIT_EXPECT_EQ(test, ext_total(ctx), 1);
	/* revoking the range takes it from the program, not from the cache */
	vfio_ccw_pins_revoke(&ctx->pins, P, P + PAGE_SIZE - 1, true);
	check_backend(ctx);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	KUNIT_EXPECT_EQ(test, page_count(ctx->pg[pg_index(ctx, P)].page), 2);
	vfio_ccw_cp_free(cp);
	KUNIT_EXPECT_EQ(test, page_count(ctx->pg[pg_index(ctx, P)].page), 1);
	check_backend(ctx);
}

/* The owner lets go while dma_unmap is unpinning: one of them frees it. */
static void free_cp_hook(struct pin_ctx *ctx)
{
	vfio_ccw_cp_free(ctx->unpin_cp);
}

static void pin_test_owner_frees_during_revoke(struct kunit *test)
{
	struct pin_ctx *ctx = test->priv;
	struct vfio_ccw_cp *cp;
	union orb orb;

	cp = translate_sense(test, ctx, &orb);
	ctx->unpin_cp = cp;
	ctx->on_unpin = free_cp_hook;
	vfio_ccw_pins_revoke(&ctx->pins, 0, U64_MAX, true);
	KUNIT_EXPECT_NULL(test, ctx->on_unpin);
	check_backend(ctx);
	KUNIT_EXPECT_EQ(test, page_count(ctx->pg[pg_index(ctx, P)].page), 1);
}

/*
 * A page at the very top of the IOVA space (iommufd maps up to 2^64): a
 * revocation or a fence of the range that ends at 2^64 finds it.
 */
static void pin_test_top_of_iova_space(struct kunit *test)
{
	static const u64 owned[] = { TOP, 0 };
	struct pin_ctx *ctx = test->priv;
	struct vfio_ccw_fence *f;
	struct vfio_ccw_cp *cp;
	dma64_t *idal;
	union orb orb;

	ccw(ctx, PROG, CCW_CMD_BASIC_SENSE, CCW_FLAG_IDA | CCW_FLAG_SLI, 8,
	    PROG + 0x800);
	idal = pg_ptr(ctx, PROG + 0x800);
	idal[0] = u64_to_dma64(TOP + 0xff0);
	orb_at(&orb, PROG);
	KUNIT_ASSERT_EQ(test, translate(ctx, &orb, &cp), 0);
	check_program(ctx, cp, ctx->tag, owned);
	KUNIT_EXPECT_TRUE(test, vfio_ccw_cp_overlaps(cp, TOP, U64_MAX));
	KUNIT_EXPECT_FALSE(test, vfio_ccw_cp_overlaps(cp, PROG + PAGE_SIZE,
						      TOP - 1));
	vfio_ccw_cp_free(cp);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 1);	/* in the cache */

	vfio_ccw_pins_revoke(&ctx->pins, TOP,
			     vfio_ccw_range_last(TOP, PAGE_SIZE), true);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	check_backend(ctx);

	/* fenced: nothing pinned there; the channel faults at the IDAW */
	f = vfio_ccw_pins_fence_add(&ctx->pins, TOP, U64_MAX);
	KUNIT_ASSERT_EQ(test, translate(ctx, &orb, &cp), 0);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 0);
	vfio_ccw_cp_free(cp);
	vfio_ccw_pins_fence_drop(f);
	KUNIT_ASSERT_EQ(test, translate(ctx, &orb, &cp), 0);
	vfio_ccw_cp_free(cp);
	check_backend(ctx);
}

/*
 * IDAWs that run from the last page of the IOVA space to the first (a
 * CCW reachable only by a status-modifier skip: its pages are pinned in
 * IDAW order): two extents, never one that wraps, so that a revocation of
 * the top of the space finds the top page.
 */
static void pin_test_idal_wraps_at_top(struct kunit *test)
{
	struct pin_ctx *ctx = test->priv;
	struct vfio_ccw_cp *cp;
	dma64_t *idal;
	union orb orb;

	ccw(ctx, PROG, CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 1, 0);
	ccw(ctx, PROG + 0x08, CCW_CMD_TIC, 0, 0, PROG + 0x18);
	ccw(ctx, PROG + 0x10, CCW_CMD_BASIC_SENSE, CCW_FLAG_IDA | CCW_FLAG_SLI,
	    0x200, PROG + 0x800);
	ccw(ctx, PROG + 0x18, CCW_CMD_NOOP, CCW_FLAG_SUSPEND | CCW_FLAG_SLI,
	    0, 0);
	idal = pg_ptr(ctx, PROG + 0x800);
	idal[0] = u64_to_dma64(TOP + 0xf00);
	idal[1] = u64_to_dma64(ZERO);
	orb_at(&orb, PROG);
	KUNIT_ASSERT_EQ(test, translate(ctx, &orb, &cp), 0);
	check_program(ctx, cp, ctx->tag, (const u64[]){ TOP, 0 });
	KUNIT_EXPECT_EQ(test, ctx->pg[pg_index(ctx, TOP)].pins, 1);
	KUNIT_EXPECT_EQ(test, ctx->pg[pg_index(ctx, ZERO)].pins, 1);
	vfio_ccw_pins_revoke(&ctx->pins, TOP, U64_MAX, true);
	KUNIT_EXPECT_EQ(test, ctx->pg[pg_index(ctx, TOP)].pins, 0);
	KUNIT_EXPECT_EQ(test, ctx->pg[pg_index(ctx, ZERO)].pins, 1);
	vfio_ccw_cp_free(cp);
	check_backend(ctx);
}

static void xlate_work_fn(struct work_struct *work)
{
	struct pin_ctx *ctx = container_of(work, struct pin_ctx, xlate_work);

	ctx->xlate_ret = translate(ctx, &ctx->orb, &ctx->xlate_cp);
}

static void revoke_work_fn(struct work_struct *work)
{
	struct pin_ctx *ctx = container_of(work, struct pin_ctx, revoke_work);

	vfio_ccw_pins_revoke(&ctx->pins, P, P + PAGE_SIZE - 1, true);
}

/*
 * dma_unmap meets a pin in flight. A first call marks it and returns (the
 * pinner needs the back-end's lock, which the back-end takes again when
 * dma_unmap returned); a repeated call waits for it; the pinner releases
 * it itself and fails, and then nothing is pinned.
 */
static void pin_test_revoke_waits_for_pin_in_flight(struct kunit *test)
{
	struct pin_ctx *ctx = test->priv;
	int i;

	ccw(ctx, PROG, CCW_CMD_BASIC_SENSE, CCW_FLAG_SLI, 8, P);
	orb_at(&ctx->orb, PROG);
	INIT_WORK(&ctx->xlate_work, xlate_work_fn);
	INIT_WORK(&ctx->revoke_work, revoke_work_fn);
	ctx->block_iova = P;
	schedule_work(&ctx->xlate_work);
	wait_for_completion(&ctx->started);
	/* a first call: returns at once, the pin in flight marked */
	vfio_ccw_pins_revoke(&ctx->pins, P, P + PAGE_SIZE - 1, false);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(ctx->pins.xlate_revoked));
	KUNIT_EXPECT_EQ(test, vfio_ccw_pins_count(&ctx->pins,
						  VFIO_CCW_PIN_PINNING), 1);
	/* a repeated call waits */
	queue_work(system_unbound_wq, &ctx->revoke_work);
	for (i = 0; i < 20; i++)
		usleep_range(1000, 2000);
	KUNIT_EXPECT_FALSE(test, work_busy(&ctx->revoke_work) == 0);
	complete(&ctx->go);
	flush_work(&ctx->xlate_work);
	flush_work(&ctx->revoke_work);
	KUNIT_EXPECT_EQ(test, ctx->xlate_ret, -EFAULT);
	KUNIT_EXPECT_NULL(test, ctx->xlate_cp);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 0);
	check_backend(ctx);
}

/* Out of locked memory: the cache gives back what it holds, once. */
static void pin_test_enomem_empties_cache(struct kunit *test)
{
	struct pin_ctx *ctx = test->priv;
	struct vfio_ccw_cp *cp;
	union orb orb;

	cp = translate_sense(test, ctx, &orb);
	vfio_ccw_cp_free(cp);
	KUNIT_EXPECT_EQ(test, ctx->pinned, 1);
	ctx->enomem_above = 1;
	ccw(ctx, PROG, CCW_CMD_BASIC_SENSE, CCW_FLAG_SLI, 8, Q);
	KUNIT_ASSERT_EQ(test, translate(ctx, &orb, &cp), 0);
	check_program(ctx, cp, ctx->tag, (const u64[]){ Q, 0 });
	KUNIT_EXPECT_EQ(test, ctx->pinned, 1);
	vfio_ccw_cp_free(cp);
	check_backend(ctx);
}

static struct kunit_case vfio_ccw_pin_cases[] = {
	KUNIT_CASE(pin_test_resume_of_page_pinned_twice),
	KUNIT_CASE(pin_test_optional_pin_failure),
	KUNIT_CASE(pin_test_cache_hands_over),
	KUNIT_CASE(pin_test_owner_frees_during_revoke),
	KUNIT_CASE(pin_test_top_of_iova_space),
	KUNIT_CASE(pin_test_idal_wraps_at_top),
	KUNIT_CASE(pin_test_revoke_waits_for_pin_in_flight),
	KUNIT_CASE(pin_test_enomem_empties_cache),
	{}
};

VFIO_CCW_KUNIT_SUITE(pin, pin_test_init, pin_test_exit, vfio_ccw_pin_cases);
