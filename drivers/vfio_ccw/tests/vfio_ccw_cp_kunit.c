// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of vfio-ccw channel-program translation, with no device:
 * fake dma ops over fake guest memory (pages at chosen IOVAs, some
 * read-only, everything else unmapped) that count every pin and unpin.
 *
 * Every successful translation is checked against a small model of the
 * channel: the guest program and the host copy are both "executed" along
 * their chains (TICs followed, status-modifier skips where the case says
 * the device presents one) and must give the same commands, flags, counts
 * and physical data bytes; every host CCW address plus 8 must map back to
 * the guest's CCW address plus 8. After every case the program is freed
 * and every pin must have been undone. The programs that real guests
 * build (Linux's dasd_eckd, dasd_fba and tape_34xx, the s390-ccw
 * firmware's IPL) are cases too.
 */

#include <kunit/test.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <asm/cio.h>
#include <asm/dma-types.h>

#include "../vfio_ccw_cp.h"
#include "vfio_ccw_kunit.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* Guest memory layout */
#define PROG	0x40000ULL	/* program page */
#define PROG_END 0x41000ULL	/* end of its mapping: unmapped */
#define D0	0x10000ULL	/* D0, D1, D2: three IOVA-contiguous pages */
#define D1	0x11000ULL
#define D2	0x12000ULL
#define D3	0x20000ULL	/* alone */
#define RO	0x21000ULL	/* read-only */
#define WIN	0x100000ULL	/* 17 contiguous pages, for limits */
#define WIN_PAGES 17
#define NOMAP	0x50000ULL	/* unmapped */

#define FG_PAGES (6 + WIN_PAGES)

/* What the driver puts in a host IDAW where the channel must fault. */
#define CP_FAULT	(U64_MAX & ~(u64)(SZ_4K - 1))

#define CMD_WRITE	0x01
#define CMD_READ	0x02
#define CMD_CTL		0x07
#define CMD_SEARCH	0x31
#define CMD_READ_BACK	0x0c
#define FLAG_MIDA	0x01

struct fake_page {
	u64 iova;
	struct page *page;
	bool ro;
	int pins;
	int wpins;
};

struct fake_guest {
	struct kunit *test;
	struct fake_page pg[FG_PAGES];
	unsigned long pinned;
	unsigned long unpinned;
	unsigned int pin_calls;
	int max_batch;
	bool bad_unpin;
	u64 read_hi;
	/* bit n: status modifier at the n-th command (channel model) */
	u64 sm;
};

static struct fake_page *fg_page(struct fake_guest *g, u64 iova)
{
	int i;

	for (i = 0; i < FG_PAGES; i++)
		if (g->pg[i].page && g->pg[i].iova == (iova & PAGE_MASK))
			return &g->pg[i];
	return NULL;
}

static void *fg_ptr(struct fake_guest *g, u64 iova)
{
	struct fake_page *p = fg_page(g, iova);

	KUNIT_ASSERT_NOT_NULL(g->test, p);
	return page_address(p->page) + (iova & ~PAGE_MASK);
}

static u64 fg_phys(struct fake_guest *g, u64 iova)
{
	struct fake_page *p = fg_page(g, iova);

	KUNIT_ASSERT_NOT_NULL(g->test, p);
	return page_to_phys(p->page) + (iova & ~PAGE_MASK);
}

/*
 * The pin record the fake hands out: the translation must give back each
 * one exactly once (KASAN sees a second kfree, @magic a stray pointer).
 */
struct fake_rec {
	u32 magic;
	int npage;
	int prot;
	u64 iova;
};

#define FAKE_REC_MAGIC	0x70696e21

static struct vfio_ccw_pin *fake_pin(void *ctx, u64 iova, int npage, int prot,
				     struct page **pages)
{
	struct fake_guest *g = ctx;
	struct fake_rec *rec;
	int i;

	KUNIT_EXPECT_EQ(g->test, iova & ~PAGE_MASK, 0);
	KUNIT_EXPECT_GT(g->test, npage, 0);
	KUNIT_EXPECT_LE(g->test, npage, 512);
	KUNIT_EXPECT_TRUE(g->test, prot & IOMMU_READ);
	for (i = 0; i < npage; i++) {
		struct fake_page *p = fg_page(g, iova + i * PAGE_SIZE);

		/* what vfio_pin_pages() answers */
		if (!p)
			return ERR_PTR(-EINVAL);
		if ((prot & IOMMU_WRITE) && p->ro)
			return ERR_PTR(-EPERM);
	}
	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return ERR_PTR(-ENOMEM);
	*rec = (struct fake_rec){ .magic = FAKE_REC_MAGIC, .npage = npage,
				  .prot = prot, .iova = iova };
	for (i = 0; i < npage; i++) {
		struct fake_page *p = fg_page(g, iova + i * PAGE_SIZE);

		p->pins++;
		if (prot & IOMMU_WRITE)
			p->wpins++;
		pages[i] = p->page;
	}
	g->pinned += npage;
	g->pin_calls++;
	g->max_batch = max(g->max_batch, npage);
	return (struct vfio_ccw_pin *)rec;
}

static void fake_unpin(void *ctx, struct vfio_ccw_pin *pin)
{
	struct fake_rec *rec = (struct fake_rec *)pin;
	struct fake_guest *g = ctx;
	int i;

	if (!rec || rec->magic != FAKE_REC_MAGIC) {
		g->bad_unpin = true;
		return;
	}
	for (i = 0; i < rec->npage; i++) {
		struct fake_page *p = fg_page(g, rec->iova + i * PAGE_SIZE);

		if (!p || !p->pins)
			g->bad_unpin = true;
		else
			p->pins--;
		if (p && (rec->prot & IOMMU_WRITE))
			p->wpins--;
	}
	g->unpinned += rec->npage;
	rec->magic = 0;
	kfree(rec);
}

static int fake_read(void *ctx, u64 iova, void *buf, size_t len)
{
	struct fake_guest *g = ctx;
	u64 at = iova;

	while (len) {
		struct fake_page *p = fg_page(g, at);
		size_t n = min_t(size_t, len, PAGE_SIZE - (at & ~PAGE_MASK));

		if (!p)
			return -EINVAL;	/* as vfio_dma_rw() */
		memcpy(buf, page_address(p->page) + (at & ~PAGE_MASK), n);
		buf += n;
		at += n;
		len -= n;
	}
	g->read_hi = max(g->read_hi, at);
	return 0;
}

static const struct vfio_ccw_dma_ops fake_ops = {
	.pin = fake_pin,
	.unpin = fake_unpin,
	.read = fake_read,
};

static int cp_test_init(struct kunit *test)
{
	static const u64 iovas[] = { PROG, D0, D1, D2, D3, RO };
	struct fake_guest *g;
	int i;

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);
	g->test = test;
	for (i = 0; i < FG_PAGES; i++) {
		g->pg[i].iova = i < ARRAY_SIZE(iovas) ? iovas[i] :
			WIN + (i - ARRAY_SIZE(iovas)) * PAGE_SIZE;
		g->pg[i].ro = g->pg[i].iova == RO;
		g->pg[i].page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, g->pg[i].page);
	}
	test->priv = g;
	return 0;
}

static void cp_test_exit(struct kunit *test)
{
	struct fake_guest *g = test->priv;
	int i;

	for (i = 0; i < FG_PAGES; i++)
		if (g->pg[i].page)
			__free_page(g->pg[i].page);
}

/* No leak: every pin undone, nothing unpinned that was not pinned. */
/*
 * The program was read up to @end (its last CCW, or IDAL, ends there) and
 * nothing beyond the page holding that end: CCWs are read in windows that
 * never cross the page of the CCW being fetched.
 */
static void expect_read_upto(struct kunit *test, struct fake_guest *g,
			     u64 end)
{
	KUNIT_EXPECT_GE(test, g->read_hi, end);
	KUNIT_EXPECT_LE(test, g->read_hi, PAGE_ALIGN(end));
}

static void expect_no_pins(struct kunit *test, struct fake_guest *g)
{
	int i;

	KUNIT_EXPECT_EQ(test, g->pinned, g->unpinned);
	KUNIT_EXPECT_FALSE(test, g->bad_unpin);
	for (i = 0; i < FG_PAGES; i++)
		KUNIT_EXPECT_EQ(test, g->pg[i].pins, 0);
}

/* ---- building guest programs ---- */

static void ccw1(struct fake_guest *g, u64 at, u8 cmd, u8 flags, u16 count,
		 u32 cda)
{
	struct ccw1 *c = fg_ptr(g, at);

	c->cmd_code = cmd;
	c->flags = flags;
	c->count = count;
	c->cda = u32_to_dma32(cda);
}

static void ccw0(struct fake_guest *g, u64 at, u8 cmd, u8 flags, u16 count,
		 u32 cda)
{
	struct ccw0 *c = fg_ptr(g, at);

	c->cmd_code = cmd;
	c->cda = cda;
	c->flags = flags;
	c->reserved = 0;
	c->count = count;
}

static void tic(struct fake_guest *g, u64 at, u32 target)
{
	ccw1(g, at, CCW_CMD_TIC, 0, 0, target);
}

static void idaw1(struct fake_guest *g, u64 at, u32 val)
{
	*(u32 *)fg_ptr(g, at) = val;
}

static void idaw2(struct fake_guest *g, u64 at, u64 val)
{
	*(u64 *)fg_ptr(g, at) = val;
}

static void orb_fmt1(union orb *orb, u64 cpa)
{
	memset(orb, 0, sizeof(*orb));
	orb->cmd.fmt = 1;
	orb->cmd.lpm = 0x80;
	orb->cmd.cpa = u32_to_dma32(cpa);
}

/* ---- the channel model ---- */

#define W_STEPS	40
#define W_RANGES 72

struct w_rec {
	u32 addr;
	u8 cmd;
	u8 flags;
	u16 count;
	unsigned int nr;
	u64 start[W_RANGES];
	u64 len[W_RANGES];
};

/*
 * @pc: the channel ended the program with a channel-program check at the
 * CCW at @pc_addr (the SCSW shows @pc_addr + 8), after the transfers of
 * the records (the last one's may be cut short)
 */
struct w_trace {
	unsigned int n;
	bool pc;
	u32 pc_addr;
	struct w_rec rec[W_STEPS];
};

static void w_add(struct kunit *test, struct w_rec *r, u64 phys, u64 len)
{
	if (r->nr && r->start[r->nr - 1] + r->len[r->nr - 1] == phys) {
		r->len[r->nr - 1] += len;
		return;
	}
	KUNIT_ASSERT_LT(test, r->nr, W_RANGES);
	r->start[r->nr] = phys;
	r->len[r->nr] = len;
	r->nr++;
}

/* Guest bytes [a, a + len) as physical ranges, page by page. */
static void w_add_guest(struct fake_guest *g, struct w_rec *r, u64 a,
			u64 len)
{
	while (len) {
		u64 n = min_t(u64, len, PAGE_SIZE - (a & ~PAGE_MASK));

		w_add(g->test, r, fg_phys(g, a), n);
		a += n;
		len -= n;
	}
}

static u8 w_dir(u8 cmd)
{
	if (cmd == CCW_CMD_NOOP)
		return 0;
	if ((cmd & 0x0f) == CMD_READ_BACK)
		return 3;
	if ((cmd & 0x0f) == CCW_CMD_BASIC_SENSE || (cmd & 3) == 2)
		return 1;
	return (cmd & 1) ? 2 : 0;
}

/*
 * The host side of the model: the channel may only reach bytes of a page
 * pinned for the program, for writing when it stores (@in).
 */
static void w_host_ok(struct fake_guest *g, u64 phys, u64 len, bool in)
{
	unsigned int i;

	for (i = 0; i < FG_PAGES; i++) {
		struct fake_page *p = &g->pg[i];
		u64 at = page_to_phys(p->page);

		if (phys < at || phys >= at + PAGE_SIZE)
			continue;
		KUNIT_EXPECT_LE_MSG(g->test, phys + len, at + PAGE_SIZE,
				    "host transfer across a page");
		KUNIT_EXPECT_GT_MSG(g->test, p->pins, 0,
				    "host transfer into a page not pinned");
		if (in)
			KUNIT_EXPECT_GT_MSG(g->test, p->wpins, 0,
					    "host store into a page pinned read-only");
		return;
	}
	KUNIT_FAIL(g->test, "host transfer of %llu bytes at 0x%llx: no guest page",
		   len, phys);
}

/* Can the channel reach guest byte @a (for a store if @in)? */
static bool w_guest_ok(struct fake_guest *g, u64 a, bool in)
{
	struct fake_page *p = fg_page(g, a);

	return p && !(in && p->ro);
}

/* The IDAW @i of the IDAL at @ia; false when the channel cannot fetch it. */
static bool w_idaw(struct fake_guest *g, bool guest, bool c64, u64 limit,
		   u64 ia, u32 i, u64 *idaw)
{
	u64 at = ia + (u64)i * (c64 ? 8 : 4);

	if (!guest) {
		*idaw = ((u64 *)dma32_to_virt(u32_to_dma32((u32)ia)))[i];
		return true;
	}
	if (at + (c64 ? 8 : 4) > limit || !fg_page(g, at))
		return false;
	*idaw = c64 ? *(u64 *)fg_ptr(g, at) : *(u32 *)fg_ptr(g, at);
	return true;
}

/*
 * The channel model. Execute a program: @guest selects the guest program
 * (format @fmt1, IDAW format @c64) or the host copy (format 1, format-2
 * IDAWs). @bs is the IDAW block size. Every transfer is taken to run to
 * its count. The channel checks what the Principles of Operation and
 * QEMU's channel check, in their order: when it fetches a CCW, its
 * address (aligned, within the format's limit, in storage), a command code
 * whose low four bits are 0, a TIC with flags, count or high command bits
 * (format 1) or following a TIC, a zero count (format 0, data chaining),
 * MIDA; when it transfers, the IDAL address, then each IDAW as it is
 * reached (format 1 beyond 31 bits, not on a block boundary, not in
 * storage) and each data byte (in storage; a store into a read-only
 * mapping counts as not). A host IDAW of CP_FAULT designates no storage.
 * A failed check ends the program with a channel-program check.
 */
static void w_run(struct fake_guest *g, struct w_trace *t, bool guest,
		  bool fmt1, bool c64, u32 bs, u32 cpa)
{
	struct kunit *test = g->test;
	u64 limit = !guest || fmt1 ? 1ULL << 31 : 1ULL << 24;
	u8 dir = 0;
	bool dcin = false, after_tic = false;
	u32 addr = cpa;
	unsigned int steps;

	t->n = 0;
	t->pc = false;
	for (steps = 0; steps < 2 * W_STEPS && t->n < W_STEPS; steps++) {
		struct w_rec *r = &t->rec[t->n];
		struct ccw1 c;
		u32 cnt, i;
		bool back, in;

		t->pc_addr = addr;
		if (addr % 8 || addr >= limit ||
		    (guest && !fg_page(g, addr))) {
			t->pc = true;
			return;
		}
		if (!guest) {
			c = *(struct ccw1 *)dma32_to_virt(u32_to_dma32(addr));
		} else if (fmt1) {
			c = *(struct ccw1 *)fg_ptr(g, addr);
		} else {
			struct ccw0 *c0 = fg_ptr(g, addr);

			c.cmd_code = c0->cmd_code;
			c.flags = c0->flags;
			c.count = c0->count;
			c.cda = u32_to_dma32(c0->cda);
			if ((c.cmd_code & 0x0f) == CCW_CMD_TIC) {
				c.cmd_code = CCW_CMD_TIC;
				c.flags = 0;
				c.count = 0;
			}
		}
		if ((c.cmd_code & 0x0f) == CCW_CMD_TIC) {
			if (c.cmd_code != CCW_CMD_TIC || c.flags || c.count ||
			    after_tic) {
				t->pc = true;
				return;
			}
			after_tic = true;
			addr = dma32_to_u32(c.cda);
			continue;
		}
		after_tic = false;
		if ((!dcin && !(c.cmd_code & 0x0f)) ||
		    (c.flags & FLAG_MIDA) ||
		    (!c.count && (!fmt1 || dcin || (c.flags & CCW_FLAG_DC)))) {
			t->pc = true;
			return;
		}
		/* QEMU refuses more than 255 zero data addresses */
		if (!guest)
			KUNIT_EXPECT_NE(test, dma32_to_u32(c.cda), 0);
		memset(r, 0, sizeof(*r));
		r->addr = addr;
		r->cmd = c.cmd_code;
		r->flags = c.flags & ~CCW_FLAG_IDA;
		r->count = c.count;
		t->n++;
		if (c.flags & CCW_FLAG_SUSPEND)
			break;
		if (!dcin)
			dir = w_dir(c.cmd_code);
		back = dir == 3;
		in = dir == 1 || dir == 3;
		cnt = c.count;
		if (!dir || !cnt || (dir != 2 && (c.flags & CCW_FLAG_SKIP))) {
			if (!guest)
				KUNIT_EXPECT_EQ(test, c.flags & CCW_FLAG_IDA, 0);
		} else {
			bool ida = c.flags & CCW_FLAG_IDA;
			u64 ia = dma32_to_u32(c.cda), cur = ia;
			bool fmt2 = !guest || c64;

			/* host direct data stays in one page (one block) */
			if (!ida && !guest)
				KUNIT_EXPECT_EQ(test, back ?
						(cur - cnt + 1) >> PAGE_SHIFT :
						(cur + cnt - 1) >> PAGE_SHIFT,
						cur >> PAGE_SHIFT);
			if (ida && (ia % (fmt2 ? 8 : 4) ||
				    !w_idaw(g, guest, fmt2, limit, ia, 0, &cur))) {
				t->pc = true;
				return;
			}
			if (!ida && (back ? cur >= limit || cur + 1 < cnt :
					    cur + cnt > limit)) {
				t->pc = true;
				return;
			}
			/* block by block, in the order the IDAWs give */
			for (i = 0; cnt; i++) {
				u64 n, lo;

				KUNIT_ASSERT_LT(test, i, 34U);
				if (ida && i &&
				    !w_idaw(g, guest, fmt2, limit, ia, i, &cur)) {
					t->pc = true;
					return;
				}
				if ((ida && guest && !fmt2 && cur >> 31) ||
				    (ida && i && (cur & (bs - 1)) !=
				     (back ? bs - 1 : 0)) ||
				    (!guest && cur == CP_FAULT)) {
					t->pc = true;
					return;
				}
				n = back ? (cur & (bs - 1)) + 1 :
					   bs - (cur & (bs - 1));
				n = min_t(u64, n, cnt);
				lo = back ? cur - n + 1 : cur;
				if (guest && (!w_guest_ok(g, lo, in) ||
					      !w_guest_ok(g, lo + n - 1, in))) {
					t->pc = true;
					return;
				}
				if (guest) {
					w_add_guest(g, r, lo, n);
				} else {
					w_host_ok(g, lo, n, in);
					w_add(test, r, lo, n);
				}
				cur = back ? cur - n : cur + n;
				cnt -= n;
			}
		}
		if (!(c.flags & (CCW_FLAG_CC | CCW_FLAG_DC)))
			break;
		dcin = c.flags & CCW_FLAG_DC;
		/* status modifier: the channel skips the next CCW */
		addr += !dcin && (g->sm & BIT_ULL(t->n - 1)) ? 16 : 8;
	}
}

/*
 * The host program must do what the guest program does; *@pc_addr is
 * where the guest's ends with a program check, 0 if it ends normally.
 */
static void check_equivalent(struct fake_guest *g, struct vfio_ccw_cp *cp,
			     const union orb *gorb, u32 *pc_addr)
{
	struct kunit *test = g->test;
	struct w_trace *gt, *ht;
	union orb horb;
	u32 gbs, hbs;
	unsigned int i, j;

	vfio_ccw_cp_build_orb(cp, 0x12345678, &horb);
	KUNIT_EXPECT_EQ(test, horb.cmd.intparm, 0x12345678);
	KUNIT_EXPECT_EQ(test, (u32)horb.cmd.fmt, 1);
	KUNIT_EXPECT_EQ(test, (u32)horb.cmd.c64, 1);
	KUNIT_EXPECT_EQ(test, (u32)horb.cmd.spnd, (u32)gorb->cmd.spnd);
	KUNIT_EXPECT_EQ(test, (u32)horb.cmd.lpm, (u32)gorb->cmd.lpm);
	KUNIT_EXPECT_EQ(test, (u32)horb.cmd.pfch, (u32)gorb->cmd.pfch);
	KUNIT_EXPECT_EQ(test, (u32)horb.cmd.key, (u32)gorb->cmd.key);
	KUNIT_EXPECT_EQ(test, (u32)horb.cmd.i2k,
			gorb->cmd.c64 ? (u32)gorb->cmd.i2k : 1);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(horb.cmd.cpa) % 8, 0);

	gbs = gorb->cmd.c64 && !gorb->cmd.i2k ? SZ_4K : SZ_2K;
	hbs = horb.cmd.i2k ? SZ_2K : SZ_4K;
	KUNIT_EXPECT_EQ(test, gbs, hbs);

	gt = kunit_kzalloc(test, sizeof(*gt), GFP_KERNEL);
	ht = kunit_kzalloc(test, sizeof(*ht), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, gt);
	KUNIT_ASSERT_NOT_NULL(test, ht);
	w_run(g, gt, true, gorb->cmd.fmt, gorb->cmd.c64, gbs,
	      dma32_to_u32(gorb->cmd.cpa));
	w_run(g, ht, false, true, true, hbs, dma32_to_u32(horb.cmd.cpa));

	/* the same end: normal, or a program check at the same CCW */
	*pc_addr = gt->pc ? gt->pc_addr : 0;
	KUNIT_EXPECT_EQ(test, gt->pc, ht->pc);
	if (gt->pc && ht->pc)
		KUNIT_EXPECT_EQ(test,
				vfio_ccw_cp_guest_cpa(cp, ht->pc_addr + 8),
				gt->pc_addr + 8);
	KUNIT_ASSERT_EQ(test, gt->n, ht->n);
	for (i = 0; i < gt->n; i++) {
		struct w_rec *a = &gt->rec[i], *b = &ht->rec[i];

		KUNIT_EXPECT_EQ_MSG(test, a->cmd, b->cmd, "ccw %u", i);
		KUNIT_EXPECT_EQ_MSG(test, a->flags, b->flags, "ccw %u", i);
		KUNIT_EXPECT_EQ_MSG(test, a->count, b->count, "ccw %u", i);
		KUNIT_EXPECT_EQ_MSG(test, a->nr, b->nr, "ccw %u", i);
		for (j = 0; j < min(a->nr, b->nr); j++) {
			KUNIT_EXPECT_EQ(test, a->start[j], b->start[j]);
			KUNIT_EXPECT_EQ(test, a->len[j], b->len[j]);
		}
		/* the SCSW's "last CCW + 8" maps back */
		KUNIT_EXPECT_EQ_MSG(test,
				    vfio_ccw_cp_guest_cpa(cp, b->addr + 8),
				    a->addr + 8, "ccw %u", i);
	}
}

/* The host CCW the channel starts with */
static struct ccw1 *host_entry(struct vfio_ccw_cp *cp)
{
	union orb horb;

	vfio_ccw_cp_build_orb(cp, 0, &horb);
	return dma32_to_virt(horb.cmd.cpa);
}

/* The data address of block @i of host CCW @c: its IDAW, or direct. */
static u64 host_idaw(struct ccw1 *c, unsigned int i)
{
	if (!(c->flags & CCW_FLAG_IDA))
		return i ? 0 : dma32_to_u32(c->cda);
	return dma64_to_u64(((dma64_t *)dma32_to_virt(c->cda))[i]);
}

static int fg_pins(struct fake_guest *g, u64 iova)
{
	return fg_page(g, iova)->pins;
}

/* ---- the parameterised cases ---- */

/*
 * @pc: the guest address of the CCW where the channel ends the program
 * with a channel-program check (the model's verdict on the guest's
 * program; the host copy must end there too), 0 when it ends normally
 */
struct cp_case {
	const char *name;
	void (*build)(struct fake_guest *g, union orb *orb);
	int expect;
	void (*check)(struct kunit *test, struct fake_guest *g,
		      struct vfio_ccw_cp *cp);
	u32 pc;
	u64 sm;		/* status modifiers of the model run (fake_guest.sm) */
};

static void b_one(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 256, D1 + 0x10);
	orb_fmt1(orb, PROG);
}

static void c_one(struct kunit *test, struct fake_guest *g,
		  struct vfio_ccw_cp *cp)
{
	struct ccw1 *h = host_entry(cp);

	KUNIT_EXPECT_EQ(test, h->cmd_code, CCW_CMD_SENSE_ID);
	/* direct like the guest's: its data lies in one page below 2 GiB */
	KUNIT_EXPECT_EQ(test, h->flags, CCW_FLAG_SLI);
	KUNIT_EXPECT_EQ(test, h->count, 256);
	KUNIT_EXPECT_EQ(test, host_idaw(h, 0), fg_phys(g, D1 + 0x10));
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 1);
	KUNIT_EXPECT_EQ(test, fg_page(g, D1)->wpins, 1);
	expect_read_upto(test, g, PROG + 8);
}

static void b_last8(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG_END - 8, CCW_CMD_NOOP, 0, 1, 0);
	orb_fmt1(orb, PROG_END - 8);
}

static void c_last8(struct kunit *test, struct fake_guest *g,
		    struct vfio_ccw_cp *cp)
{
	expect_read_upto(test, g, PROG_END);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 0);
}

static void b_chain(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 0x20, D1);
	ccw1(g, PROG + 8, CMD_READ, CCW_FLAG_CC | CCW_FLAG_SLI, 0x100,
	     D1 + 0x800);
	ccw1(g, PROG + 16, CMD_CTL, CCW_FLAG_CC | CCW_FLAG_PCI, 4, D3);
	ccw1(g, PROG + 24, CCW_CMD_NOOP, 0, 1, 0);
	orb_fmt1(orb, PROG);
}

static void c_chain(struct kunit *test, struct fake_guest *g,
		    struct vfio_ccw_cp *cp)
{
	/* D1 is pinned once, writable for the READ */
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 2);
	KUNIT_EXPECT_EQ(test, fg_page(g, D1)->pins, 1);
	KUNIT_EXPECT_EQ(test, fg_page(g, D1)->wpins, 1);
	KUNIT_EXPECT_EQ(test, fg_page(g, D3)->wpins, 0);
	expect_read_upto(test, g, PROG + 32);
}

static void b_dc(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_READ, CCW_FLAG_DC, 100, D1);
	/* the command of a data-chained CCW is ignored: 0x00 is fine */
	ccw1(g, PROG + 8, 0x00, CCW_FLAG_DC, 200, D2);
	ccw1(g, PROG + 16, CMD_WRITE, 0, 300, D3);
	orb_fmt1(orb, PROG);
}

static void c_dc_write_pins(struct kunit *test, struct fake_guest *g,
			    struct vfio_ccw_cp *cp)
{
	/* data-chained CCWs move data the way the chain's first does */
	KUNIT_EXPECT_EQ(test, fg_page(g, D2)->wpins, 1);
	KUNIT_EXPECT_EQ(test, fg_page(g, D3)->wpins, 1);
}

static void c_dc_tic(struct kunit *test, struct fake_guest *g,
		     struct vfio_ccw_cp *cp)
{
	KUNIT_EXPECT_EQ(test, fg_page(g, D2)->wpins, 1);
}

static void b_dc_tic(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_READ, CCW_FLAG_DC, 100, D1);
	tic(g, PROG + 8, PROG + 0x800);
	ccw1(g, PROG + 0x800, 0x00, 0, 50, D2);
	orb_fmt1(orb, PROG);
}

static void b_dc_zero(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_READ, CCW_FLAG_DC, 0, D1);
	ccw1(g, PROG + 8, CMD_READ, 0, 10, D1);
	orb_fmt1(orb, PROG);
}

static void b_fmt0(struct fake_guest *g, union orb *orb)
{
	ccw0(g, PROG, CMD_READ, CCW_FLAG_CC, 64, D1);
	/* format-0 TIC: the high command bits are ignored */
	ccw0(g, PROG + 8, 0x58, 0xff, 0xffff, PROG + 0x100);
	ccw0(g, PROG + 0x100, CMD_WRITE, 0, 16, D2 + 8);
	orb_fmt1(orb, PROG);
	orb->cmd.fmt = 0;
}

static void b_fmt0_zero(struct fake_guest *g, union orb *orb)
{
	ccw0(g, PROG, CMD_WRITE, 0, 0, D1);
	orb_fmt1(orb, PROG);
	orb->cmd.fmt = 0;
}

static void b_fmt0_cpa24(struct fake_guest *g, union orb *orb)
{
	orb_fmt1(orb, 0x1000000);
	orb->cmd.fmt = 0;
}

static void b_cpa31(struct fake_guest *g, union orb *orb)
{
	orb_fmt1(orb, 0x80000000 | PROG);
}

static void b_cpa_misaligned(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CCW_CMD_NOOP, 0, 1, 0);
	orb_fmt1(orb, PROG + 4);
}

static void b_tic_first(struct fake_guest *g, union orb *orb)
{
	tic(g, PROG, PROG + 0x200);
	ccw1(g, PROG + 0x200, CMD_READ, 0, 16, D1);
	orb_fmt1(orb, PROG);
}

static void c_tic_first(struct kunit *test, struct fake_guest *g,
			struct vfio_ccw_cp *cp)
{
	/* the channel starts at the target, never at a TIC */
	KUNIT_EXPECT_EQ(test, host_entry(cp)->cmd_code, CMD_READ);
}

static void b_tic_middle(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 8, D1);
	tic(g, PROG + 8, PROG + 0x400);
	ccw1(g, PROG + 0x400, CMD_READ, CCW_FLAG_CC, 8, D2);
	ccw1(g, PROG + 0x408, CCW_CMD_NOOP, 0, 1, 0);
	orb_fmt1(orb, PROG);
}

static void c_tic_middle(struct kunit *test, struct fake_guest *g,
			 struct vfio_ccw_cp *cp)
{
	/* nothing behind the target's last CCW is read */
	expect_read_upto(test, g, PROG + 0x410);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, 0x1234), 0);
}

/* "X (CC), TIC" at the very end of the mapping: the skip target is unmapped */
static void b_tic_last(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG_END - 16, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	tic(g, PROG_END - 8, PROG);
	ccw1(g, PROG, CMD_READ, 0, 16, D1);
	orb_fmt1(orb, PROG_END - 16);
}

/* SEARCH (CC), TIC *-8, READ: the READ is reached by a status modifier */
static void b_search_loop(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_SEARCH, CCW_FLAG_CC, 5, D1);
	tic(g, PROG + 8, PROG);
	ccw1(g, PROG + 16, CMD_READ, 0, 0x100, D2);
	orb_fmt1(orb, PROG);
}

static void c_search_loop(struct kunit *test, struct fake_guest *g,
			  struct vfio_ccw_cp *cp)
{
	struct ccw1 *h = host_entry(cp);

	KUNIT_EXPECT_EQ(test, h[1].cmd_code, CCW_CMD_TIC);
	KUNIT_EXPECT_PTR_EQ(test, dma32_to_virt(h[1].cda), (void *)h);
	KUNIT_EXPECT_EQ(test, h[2].cmd_code, CMD_READ);
	KUNIT_EXPECT_EQ(test, host_idaw(&h[2], 0), fg_phys(g, D2));
	/* past the end of the segment: a guard (invalid command) */
	KUNIT_EXPECT_EQ(test, h[3].cmd_code, 0);
	KUNIT_EXPECT_EQ(test, h[4].cmd_code, 0);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, virt_to_phys(&h[2])),
			PROG + 16);
	KUNIT_EXPECT_EQ(test,
			vfio_ccw_cp_guest_cpa(cp, virt_to_phys(&h[2]) + 8),
			PROG + 24);
}

/* TIC into another segment, and from there back into the first one */
static void b_tic_back(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	ccw1(g, PROG + 8, CMD_WRITE, CCW_FLAG_CC, 10, D1);
	tic(g, PROG + 16, PROG + 0x800);
	ccw1(g, PROG + 24, CCW_CMD_NOOP, 0, 1, 0);
	ccw1(g, PROG + 0x800, CMD_READ, CCW_FLAG_CC, 10, D2);
	tic(g, PROG + 0x808, PROG + 8);
	orb_fmt1(orb, PROG);
}

static void c_tic_back(struct kunit *test, struct fake_guest *g,
		       struct vfio_ccw_cp *cp)
{
	struct ccw1 *h = host_entry(cp);
	struct ccw1 *t = dma32_to_virt(h[2].cda);

	KUNIT_EXPECT_EQ(test, t->cmd_code, CMD_READ);
	/* back into the first segment's copy, not into a second copy */
	KUNIT_EXPECT_PTR_EQ(test, dma32_to_virt(t[1].cda), (void *)&h[1]);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 2);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, virt_to_phys(t) + 8),
			PROG + 0x808);
}

static void b_tic_loop(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	tic(g, PROG + 8, PROG);
	orb_fmt1(orb, PROG);
}

static void b_tic_self(struct fake_guest *g, union orb *orb)
{
	tic(g, PROG, PROG);
	orb_fmt1(orb, PROG);
}

static void b_tic_tic(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	tic(g, PROG + 8, PROG + 0x100);
	tic(g, PROG + 0x100, PROG + 0x200);
	ccw1(g, PROG + 0x200, CCW_CMD_NOOP, 0, 1, 0);
	orb_fmt1(orb, PROG);
}

static void b_tic_ping_pong(struct fake_guest *g, union orb *orb)
{
	tic(g, PROG, PROG + 0x100);
	tic(g, PROG + 0x100, PROG);
	orb_fmt1(orb, PROG);
}

static void b_tic_misaligned(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	tic(g, PROG + 8, PROG + 0x104);
	orb_fmt1(orb, PROG);
}

static void b_tic_flags(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	ccw1(g, PROG + 8, CCW_CMD_TIC, CCW_FLAG_CC, 0, PROG + 0x100);
	ccw1(g, PROG + 0x100, CCW_CMD_NOOP, 0, 1, 0);
	orb_fmt1(orb, PROG);
}

static void b_endless(struct fake_guest *g, union orb *orb)
{
	u64 a;

	for (a = D0; a < D2 + PAGE_SIZE; a += 8)
		ccw1(g, a, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	orb_fmt1(orb, D0);
}

static void b_too_many_tics(struct fake_guest *g, union orb *orb)
{
	u64 a = WIN;
	int i;

	/* 300 x (NOP (CC), TIC to the next pair, invalid) */
	for (i = 0; i < 300; i++, a += 24) {
		ccw1(g, a, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
		tic(g, a + 8, a + 24);
	}
	ccw1(g, a, CCW_CMD_NOOP, 0, 1, 0);
	orb_fmt1(orb, WIN);
}

static void b_too_much_data(struct fake_guest *g, union orb *orb)
{
	u64 a = WIN;
	int i;

	/* 257 x 65535 bytes > 16 MiB */
	for (i = 0; i < 257; i++, a += 8)
		ccw1(g, a, CMD_WRITE, CCW_FLAG_CC, 0xffff, WIN);
	ccw1(g, a, CCW_CMD_NOOP, 0, 1, 0);
	orb_fmt1(orb, WIN);
}

static void b_max_data(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 0xffff, WIN + 0x7ff);
	ccw1(g, PROG + 8, CMD_READ, 0, 0xffff, WIN);
	orb_fmt1(orb, PROG);
}

static void c_max_data(struct kunit *test, struct fake_guest *g,
		       struct vfio_ccw_cp *cp)
{
	struct ccw1 *h = host_entry(cp);

	/* 65535 bytes, 1 in the first 2 KiB block: 33 IDAWs */
	KUNIT_EXPECT_EQ(test, host_idaw(h, 0), fg_phys(g, WIN + 0x7ff));
	KUNIT_EXPECT_EQ(test, host_idaw(h, 32), fg_phys(g, WIN + 32 * SZ_2K));
	/* each page once: 16 writable (READ), the 17th read-only */
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), WIN_PAGES);
	KUNIT_EXPECT_EQ(test, g->pin_calls, 2);
	KUNIT_EXPECT_EQ(test, g->max_batch, WIN_PAGES - 1);
	KUNIT_EXPECT_EQ(test, fg_page(g, WIN + 16 * PAGE_SIZE)->wpins, 0);
}

static void b_idal1(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_READ, CCW_FLAG_IDA, 4000, PROG + 0x800);
	idaw1(g, PROG + 0x800, D2 + 0x400);
	idaw1(g, PROG + 0x804, D2 + 0x800);
	idaw1(g, PROG + 0x808, D3);
	idaw1(g, PROG + 0x80c, 0xdeadbeef);	/* not needed, not read */
	orb_fmt1(orb, PROG);
}

static void c_idal1(struct kunit *test, struct fake_guest *g,
		    struct vfio_ccw_cp *cp)
{
	struct ccw1 *h = host_entry(cp);

	KUNIT_EXPECT_EQ(test, h->flags, CCW_FLAG_IDA);
	KUNIT_EXPECT_EQ(test, h->count, 4000);
	KUNIT_EXPECT_EQ(test, host_idaw(h, 0), fg_phys(g, D2 + 0x400));
	KUNIT_EXPECT_EQ(test, host_idaw(h, 1), fg_phys(g, D2 + 0x800));
	KUNIT_EXPECT_EQ(test, host_idaw(h, 2), fg_phys(g, D3));
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 2);
	expect_read_upto(test, g, PROG + 0x80c);
}

static void b_idal2_4k(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_IDA | CCW_FLAG_CC, 5000,
	     PROG + 0x800);
	idaw2(g, PROG + 0x800, D1 + 0x100);
	idaw2(g, PROG + 0x808, D2);
	ccw1(g, PROG + 8, CMD_READ, CCW_FLAG_IDA, 10, PROG + 0x810);
	idaw2(g, PROG + 0x810, D3 + 0xff0);
	orb_fmt1(orb, PROG);
	orb->cmd.c64 = 1;
}

static void c_idal2_4k(struct kunit *test, struct fake_guest *g,
		       struct vfio_ccw_cp *cp)
{
	struct ccw1 *h = host_entry(cp);

	KUNIT_EXPECT_EQ(test, host_idaw(h, 0), fg_phys(g, D1 + 0x100));
	KUNIT_EXPECT_EQ(test, host_idaw(h, 1), fg_phys(g, D2));
	KUNIT_EXPECT_EQ(test, host_idaw(&h[1], 0), fg_phys(g, D3 + 0xff0));
	/* D1 and D2 are IOVA-contiguous: one pin call */
	KUNIT_EXPECT_EQ(test, g->pin_calls, 2);
	KUNIT_EXPECT_EQ(test, g->max_batch, 2);
}

static void b_idal2_2k(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_READ, CCW_FLAG_IDA, 5000, PROG + 0x800);
	idaw2(g, PROG + 0x800, D1 + 0x7f0);
	idaw2(g, PROG + 0x808, D1 + 0x800);
	idaw2(g, PROG + 0x810, D3 + 0x800);
	idaw2(g, PROG + 0x818, D2);
	orb_fmt1(orb, PROG);
	orb->cmd.c64 = 1;
	orb->cmd.i2k = 1;
}

static void b_idaw_unaligned(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_IDA, 5000, PROG + 0x800);
	idaw2(g, PROG + 0x800, D1);
	idaw2(g, PROG + 0x808, D2 + 0x100);
	orb_fmt1(orb, PROG);
	orb->cmd.c64 = 1;
}

static void b_idaw1_31bit(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_IDA, 100, PROG + 0x800);
	idaw1(g, PROG + 0x800, 0x80000000 | D1);
	orb_fmt1(orb, PROG);
}

static void b_idal_misaligned(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_IDA, 100, PROG + 0x804);
	idaw2(g, PROG + 0x804, D1);
	orb_fmt1(orb, PROG);
	orb->cmd.c64 = 1;
}

static void b_idal_unmapped(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_IDA, 100, NOMAP);
	orb_fmt1(orb, PROG);
}

static void b_direct_2k(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, 0, 6000, D0 + 0xf00);
	orb_fmt1(orb, PROG);
}

static void c_direct_2k(struct kunit *test, struct fake_guest *g,
			struct vfio_ccw_cp *cp)
{
	struct ccw1 *h = host_entry(cp);

	KUNIT_EXPECT_EQ(test, h->flags, CCW_FLAG_IDA);
	KUNIT_EXPECT_EQ(test, host_idaw(h, 0), fg_phys(g, D0 + 0xf00));
	KUNIT_EXPECT_EQ(test, host_idaw(h, 1), fg_phys(g, D1));
	KUNIT_EXPECT_EQ(test, host_idaw(h, 2), fg_phys(g, D1 + 0x800));
	KUNIT_EXPECT_EQ(test, host_idaw(h, 3), fg_phys(g, D2));
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 3);
	KUNIT_EXPECT_EQ(test, g->pin_calls, 1);
	KUNIT_EXPECT_EQ(test, g->max_batch, 3);
	KUNIT_EXPECT_EQ(test, fg_page(g, D1)->wpins, 0);
}

/* Pages of different CCWs are pinned together when IOVA-contiguous. */
static void b_batch(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 4096, D1);
	ccw1(g, PROG + 8, CMD_WRITE, CCW_FLAG_CC, 4096, D0);
	ccw1(g, PROG + 16, CMD_WRITE, CCW_FLAG_CC, 100, D2 + 0x10);
	ccw1(g, PROG + 24, CMD_CTL, CCW_FLAG_CC, 100, D1 + 0x10);
	ccw1(g, PROG + 32, CMD_READ, CCW_FLAG_CC, 10, D3);
	ccw1(g, PROG + 40, CMD_WRITE, 0, 10, RO);
	orb_fmt1(orb, PROG);
}

static void c_batch(struct kunit *test, struct fake_guest *g,
		    struct vfio_ccw_cp *cp)
{
	/* D0-D2 one call; D3 writable and RO read-only: one call each */
	KUNIT_EXPECT_EQ(test, g->pin_calls, 3);
	KUNIT_EXPECT_EQ(test, g->max_batch, 3);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 5);
	KUNIT_EXPECT_EQ(test, fg_pins(g, D1), 1);
}

static void b_direct_4k(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_READ, 0, 5000, D1 + 0x800);
	orb_fmt1(orb, PROG);
	orb->cmd.c64 = 1;
}

static void c_direct_4k(struct kunit *test, struct fake_guest *g,
			struct vfio_ccw_cp *cp)
{
	struct ccw1 *h = host_entry(cp);

	KUNIT_EXPECT_EQ(test, host_idaw(h, 0), fg_phys(g, D1 + 0x800));
	KUNIT_EXPECT_EQ(test, host_idaw(h, 1), fg_phys(g, D2));
}

static void b_direct_31bit(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, 0, 0x100, 0x7fffff80);
	orb_fmt1(orb, PROG);
}

static void b_read_back(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_READ_BACK, CCW_FLAG_CC, 100, D1 + 0x63);
	ccw1(g, PROG + 8, CMD_READ_BACK, 0, 3000, D2 + 0x10);
	orb_fmt1(orb, PROG);
}

static void c_read_back(struct kunit *test, struct fake_guest *g,
			struct vfio_ccw_cp *cp)
{
	struct ccw1 *h = host_entry(cp);

	KUNIT_EXPECT_EQ(test, host_idaw(h, 0), fg_phys(g, D1 + 0x63));
	KUNIT_EXPECT_EQ(test, host_idaw(&h[1], 0), fg_phys(g, D2 + 0x10));
	KUNIT_EXPECT_EQ(test, host_idaw(&h[1], 1), fg_phys(g, D1 + 0xfff));
	KUNIT_EXPECT_EQ(test, host_idaw(&h[1], 2), fg_phys(g, D1 + 0x7ff));
	KUNIT_EXPECT_EQ(test, fg_page(g, D1)->wpins, 1);
}

static void b_zero_count(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 0, NOMAP);
	ccw1(g, PROG + 8, CMD_READ, CCW_FLAG_IDA, 0, NOMAP);
	orb_fmt1(orb, PROG);
}

static void c_nothing_pinned(struct kunit *test, struct fake_guest *g,
			     struct vfio_ccw_cp *cp)
{
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 0);
	KUNIT_EXPECT_EQ(test, g->pinned, 0);
	/*
	 * No data, yet a non-zero data address: the zeroed area for CCWs
	 * that move no data, as large as the largest count, never the
	 * program's own memory.
	 */
	KUNIT_EXPECT_PTR_EQ(test, dma32_to_virt(host_entry(cp)->cda),
			    vfio_ccw_cp_nodata_area());
}

static void b_skip(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_READ, CCW_FLAG_SKIP | CCW_FLAG_CC, 4096, NOMAP);
	ccw1(g, PROG + 8, CCW_CMD_NOOP, 0, 16, NOMAP);
	orb_fmt1(orb, PROG);
}

static void b_skip_write(struct fake_guest *g, union orb *orb)
{
	/* skip only applies to read-type commands */
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_SKIP, 4096, NOMAP);
	orb_fmt1(orb, PROG);
}

static void b_suspend(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 16, D1);
	/* not set up yet: the channel suspends before using it */
	ccw1(g, PROG + 8, CMD_READ, CCW_FLAG_SUSPEND | CCW_FLAG_CC, 32, NOMAP);
	orb_fmt1(orb, PROG);
	orb->cmd.spnd = 1;
}

static void c_suspend(struct kunit *test, struct fake_guest *g,
		      struct vfio_ccw_cp *cp)
{
	struct ccw1 *h = host_entry(cp);

	KUNIT_EXPECT_EQ(test, h[1].flags, CCW_FLAG_SUSPEND | CCW_FLAG_CC);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 1);
	expect_read_upto(test, g, PROG + 16);
}

static void b_unmapped_ccw(struct fake_guest *g, union orb *orb)
{
	orb_fmt1(orb, NOMAP);
}

static void b_unmapped_next(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG_END - 8, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	orb_fmt1(orb, PROG_END - 8);
}

static void b_unmapped_data(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 16, D1);
	ccw1(g, PROG + 8, CMD_READ, CCW_FLAG_CC, 16, D2);
	ccw1(g, PROG + 16, CMD_READ, 0, 8192, D2 + 0x800);	/* D2 + 4K: unmapped */
	orb_fmt1(orb, PROG);
}

/*
 * The pages the channel reaches before the unmapped one are pinned and
 * transferred; where the data runs into it, the host IDAW designates no
 * storage.
 */
static void c_unmapped_data(struct kunit *test, struct fake_guest *g,
			    struct vfio_ccw_cp *cp)
{
	struct ccw1 *h = host_entry(cp);

	KUNIT_EXPECT_EQ(test, host_idaw(&h[2], 0), fg_phys(g, D2 + 0x800));
	KUNIT_EXPECT_EQ(test, host_idaw(&h[2], 1), CP_FAULT);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 2);
}

static void b_ro_read(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 16, D1);
	ccw1(g, PROG + 8, CMD_READ, 0, 16, RO);
	orb_fmt1(orb, PROG);
}

static void b_ro_write(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 16, RO);
	ccw1(g, PROG + 8, CMD_CTL, 0, 16, RO + 16);
	orb_fmt1(orb, PROG);
}

static void b_transport(struct fake_guest *g, union orb *orb)
{
	orb_fmt1(orb, PROG);
	orb->tm.b = 1;
}

static void b_orbx(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CCW_CMD_NOOP, 0, 1, 0);
	orb_fmt1(orb, PROG);
	orb->cmd.orbx = 1;
}

static void b_midaw(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, FLAG_MIDA, 16, D1);
	orb_fmt1(orb, PROG);
}

static void b_bad_cmd(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, 0x40, 0, 16, D1);
	orb_fmt1(orb, PROG);
}

/*
 * SEARCH (CC), WRITE (DC), READ: the READ continues the WRITE's data chain
 * (data out of D3), or, when the search presents status modifier, is a
 * command of its own that stores into D3. Both must be safe and right.
 */
static void b_sm_dc(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_SEARCH, CCW_FLAG_CC, 5, D1);
	ccw1(g, PROG + 8, CMD_WRITE, CCW_FLAG_DC, 16, D2);
	ccw1(g, PROG + 16, CMD_READ, 0, 16, D3);
	orb_fmt1(orb, PROG);
}

/*
 * SEARCH (CC), WRITE (DC), TIC to a READ: the READ continues the data
 * chain through the TIC, or is a command of its own after a skip
 */
static void b_sm_dc_tic(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_SEARCH, CCW_FLAG_CC, 5, D1);
	ccw1(g, PROG + 8, CMD_WRITE, CCW_FLAG_DC, 16, D2);
	tic(g, PROG + 16, PROG + 0x100);
	ccw1(g, PROG + 0x100, CMD_READ, 0, 16, D3);
	orb_fmt1(orb, PROG);
}

/* SEARCH (CC), NOP (DC), READ BACKWARD: the skip makes it a command */
static void b_sm_dc_back(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_SEARCH, CCW_FLAG_CC, 5, D1);
	ccw1(g, PROG + 8, CCW_CMD_NOOP, CCW_FLAG_DC, 4096, D2);
	ccw1(g, PROG + 16, CMD_READ_BACK, 0, 4096, D3 + 0xfff);
	orb_fmt1(orb, PROG);
}

/* SEARCH (CC), a CCW the channel rejects, READ: a skip passes over it */
static void b_sm_bad(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_SEARCH, CCW_FLAG_CC, 5, D1);
	ccw1(g, PROG + 8, 0x00, 0, 1, D2);
	ccw1(g, PROG + 16, CMD_READ, 0, 100, D3);
	orb_fmt1(orb, PROG);
}

/*
 * SEARCH (CC), WRITE (the chain ends), READ reached by a skip only: the
 * driver does not translate behind the chain's end (what follows a
 * program is not its own), so the skip finds a guard: an intended
 * difference (vfio-ccw.rst, "Fidelity")
 */
static void b_sm_end(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_SEARCH, CCW_FLAG_CC, 5, D1);
	ccw1(g, PROG + 8, CMD_WRITE, 0, 8, D2);
	ccw1(g, PROG + 16, CMD_READ, 0, 100, D3);
	orb_fmt1(orb, PROG);
}

static void c_sm_end(struct kunit *test, struct fake_guest *g,
		     struct vfio_ccw_cp *cp)
{
	struct ccw1 *h = host_entry(cp);

	/* behind the end: a guard, and nothing of the READ pinned */
	KUNIT_EXPECT_EQ(test, h[2].cmd_code, 0);
	KUNIT_EXPECT_EQ(test, fg_pins(g, D3), 0);
}

/*
 * NOP (CC), READ (DC), READ BACKWARD with count 0: the zero count moves
 * nothing either way (the channel rejects it in the data chain), so the
 * two ways in do not clash
 */
static void b_sm_dc_zero(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	ccw1(g, PROG + 8, CMD_READ, CCW_FLAG_DC, 16, D1);
	ccw1(g, PROG + 16, CMD_READ_BACK, 0, 0, D2);
	orb_fmt1(orb, PROG);
}

/*
 * A CCW rejected as a command after a NOP (CC) becomes a guard slot; a
 * data chain that a TIC leads to it continues there (the command code of
 * a continuation is ignored): it must get its own translation
 */
static void b_guard_slot_dc_tic(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	tic(g, PROG + 8, PROG + 0x300);
	ccw1(g, PROG + 16, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	ccw1(g, PROG + 24, 0x00, 0, 16, D2);
	ccw1(g, PROG + 0x300, CMD_READ, CCW_FLAG_DC, 10, D1);
	tic(g, PROG + 0x308, PROG + 24);
	orb_fmt1(orb, PROG);
}

/*
 * NOP (CC), WRITE (DC), a skipped READ: the skip path stores nothing, so
 * the continuation is pinned for reading and may lie in a read-only page
 */
static void b_sm_dc_skip_ro(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	ccw1(g, PROG + 8, CMD_WRITE, CCW_FLAG_DC, 16, D1);
	ccw1(g, PROG + 16, CMD_READ, CCW_FLAG_SKIP, 16, RO);
	orb_fmt1(orb, PROG);
}

/* SEARCH (CC), TIC to a NOP, TIC to unmapped memory (by a skip) */
static void b_sm_tic_bad(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_SEARCH, CCW_FLAG_CC, 5, D1);
	tic(g, PROG + 8, PROG + 32);
	tic(g, PROG + 16, NOMAP);
	ccw1(g, PROG + 32, CCW_CMD_NOOP, 0, 1, 0);
	orb_fmt1(orb, PROG);
}

/* SEARCH (CC), TIC back, READ into unmapped memory (by a skip) */
static void b_sm_opt_nomap(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_SEARCH, CCW_FLAG_CC, 5, D1);
	tic(g, PROG + 8, PROG);
	ccw1(g, PROG + 16, CMD_READ, 0, 16, NOMAP);
	orb_fmt1(orb, PROG);
}

/* the same, the optional READ into a read-only page */
static void b_sm_opt_ro(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_SEARCH, CCW_FLAG_CC, 5, D1);
	tic(g, PROG + 8, PROG);
	ccw1(g, PROG + 16, CMD_READ, 0, 16, RO);
	orb_fmt1(orb, PROG);
}

/*
 * An optional CCW's page that cannot be pinned as it needs is not pinned
 * at all (no read-only fallback there): the SEARCH's page alone.
 */
static void c_sm_opt_ro(struct kunit *test, struct fake_guest *g,
			struct vfio_ccw_cp *cp)
{
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 1);
}

/*
 * The same, the optional READ across a writable page and the read-only
 * one after it: one run of two pages that cannot be pinned at once, then
 * page by page (still no read-only fallback).
 */
static void b_sm_opt_ro_run(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_SEARCH, CCW_FLAG_CC, 5, D1);
	tic(g, PROG + 8, PROG);
	ccw1(g, PROG + 16, CMD_READ, 0, 6144, D3 + 0x800);
	orb_fmt1(orb, PROG);
}

static void c_sm_opt_ro_run(struct kunit *test, struct fake_guest *g,
			    struct vfio_ccw_cp *cp)
{
	struct ccw1 *h = host_entry(cp);

	KUNIT_EXPECT_EQ(test, host_idaw(&h[2], 0), fg_phys(g, D3 + 0x800));
	KUNIT_EXPECT_EQ(test, host_idaw(&h[2], 1), CP_FAULT);
	KUNIT_EXPECT_EQ(test, host_idaw(&h[2], 2), CP_FAULT);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 2);
}

/* WRITE from a read-only page, then READ into it: only the READ faults */
static void b_ro_shared(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 16, RO);
	ccw1(g, PROG + 8, CMD_READ, 0, 16, RO + 0x800);
	orb_fmt1(orb, PROG);
}

/* ---- the programs of real guests ---- */

/* ECKD, FBA and tape command codes (drivers/s390/block, drivers/s390/char) */
#define ECKD_WRITE_RECORD_ZERO	0x15
#define ECKD_WRITE_CKD		0x1d
#define ECKD_SEEK		0x07
#define ECKD_SEARCH_ID_EQ	0x31
#define ECKD_READ		0x06
#define ECKD_LOCATE_RECORD	0x47
#define ECKD_DEFINE_EXTENT	0x63
#define ECKD_READ_MT		0x86
#define ECKD_READ_CKD_MT	0x9e
#define ECKD_WRITE_TRACK_DATA	0xa5
#define ECKD_READ_TRACK_DATA	0xa6
#define ECKD_READ_TRACK		0xde
#define ECKD_PFX		0xe7
#define FBA_READ		0x42
#define FBA_WRITE		0x41
#define FBA_LOCATE		0x43
#define TAPE_WRITE		0x01
#define TAPE_READ_FORWARD	0x02
#define TAPE_REWIND		0x07
#define TAPE_READ_BACKWARD	0x0c
#define TAPE_WRITE_TAPEMARK	0x1f
#define TAPE_MODE_SET		0xdb
#define IPL_READ		0x02

/* Linux's cio starts every program format 1, 64-bit IDAWs, 4K blocks. */
static void orb_linux(union orb *orb, u64 cpa)
{
	orb_fmt1(orb, cpa);
	orb->cmd.c64 = 1;
	orb->cmd.pfch = 1;
	orb->cmd.lpm = 0xff;
}

/* A format-2 IDAL at @at for @count bytes from @data, 4K blocks. */
static void idal_4k(struct fake_guest *g, u64 at, u64 data, u32 count)
{
	u32 n = min_t(u32, count, SZ_4K - (data & (SZ_4K - 1)));

	for (;;) {
		idaw2(g, at, data);
		count -= n;
		if (!count)
			return;
		at += 8;
		data = (data | (SZ_4K - 1)) + 1;
		n = min_t(u32, count, SZ_4K);
	}
}

/* dasd_eckd: define extent, locate record, two records read multi-track */
static void b_eckd_read(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, ECKD_DEFINE_EXTENT, CCW_FLAG_CC, 16, WIN);
	ccw1(g, PROG + 8, ECKD_LOCATE_RECORD, CCW_FLAG_CC, 16, WIN + 0x10);
	ccw1(g, PROG + 16, ECKD_READ_MT, CCW_FLAG_CC | CCW_FLAG_IDA, 4096,
	     WIN + 0x100);
	idal_4k(g, WIN + 0x100, WIN + 0x1000, 4096);
	ccw1(g, PROG + 24, ECKD_READ_MT, CCW_FLAG_IDA, 4096, WIN + 0x108);
	idal_4k(g, WIN + 0x108, WIN + 0x2000, 4096);
	orb_linux(orb, PROG);
}

/* dasd_eckd: prefix with read track data, prefix with write track data */
static void b_eckd_track_data(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, ECKD_PFX, CCW_FLAG_CC, 64, WIN + 0x40);
	ccw1(g, PROG + 8, ECKD_READ_TRACK_DATA, CCW_FLAG_CC | CCW_FLAG_IDA,
	     3 * 4096, WIN + 0x110);
	idal_4k(g, WIN + 0x110, WIN + 0x3000, 3 * 4096);
	ccw1(g, PROG + 16, ECKD_PFX, CCW_FLAG_CC, 64, WIN + 0x80);
	ccw1(g, PROG + 24, ECKD_WRITE_TRACK_DATA, CCW_FLAG_IDA, 2 * 4096,
	     WIN + 0x130);
	idal_4k(g, WIN + 0x130, WIN + 0x6000, 2 * 4096);
	orb_linux(orb, PROG);
}

/*
 * dasd_eckd: one record read through a data chain of three IDALs (blocks
 * smaller than a page, the last one across a page), then a multi-track
 * count-key-data read across a page
 */
static void b_eckd_data_chain(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, ECKD_DEFINE_EXTENT, CCW_FLAG_CC, 16, WIN);
	ccw1(g, PROG + 8, ECKD_LOCATE_RECORD, CCW_FLAG_CC, 16, WIN + 0x10);
	ccw1(g, PROG + 16, ECKD_READ, CCW_FLAG_DC | CCW_FLAG_IDA, 512,
	     WIN + 0x200);
	idal_4k(g, WIN + 0x200, WIN + 0x8000, 512);
	ccw1(g, PROG + 24, ECKD_READ, CCW_FLAG_DC | CCW_FLAG_IDA, 512,
	     WIN + 0x208);
	idal_4k(g, WIN + 0x208, WIN + 0x9200, 512);
	ccw1(g, PROG + 32, ECKD_READ, CCW_FLAG_CC | CCW_FLAG_IDA, 1024,
	     WIN + 0x210);
	idal_4k(g, WIN + 0x210, WIN + 0xae00, 1024);
	ccw1(g, PROG + 40, ECKD_READ_CKD_MT, CCW_FLAG_IDA, 4104, WIN + 0x220);
	idal_4k(g, WIN + 0x220, WIN + 0xbff8, 4104);
	orb_linux(orb, PROG);
}

/* dasd_eckd format: record zero and three count areas written */
static void b_eckd_format(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, ECKD_DEFINE_EXTENT, CCW_FLAG_CC, 16, WIN);
	ccw1(g, PROG + 8, ECKD_LOCATE_RECORD, CCW_FLAG_CC, 16, WIN + 0x10);
	ccw1(g, PROG + 16, ECKD_WRITE_RECORD_ZERO, CCW_FLAG_CC, 8, WIN + 0xc0);
	ccw1(g, PROG + 24, ECKD_WRITE_CKD, CCW_FLAG_CC, 8, WIN + 0xc8);
	ccw1(g, PROG + 32, ECKD_WRITE_CKD, CCW_FLAG_CC, 8, WIN + 0xd0);
	ccw1(g, PROG + 40, ECKD_WRITE_CKD, 0, 8, WIN + 0xd8);
	orb_linux(orb, PROG);
}

/* dasd_eckd raw access: prefix, read track, twice */
static void b_eckd_read_track(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, ECKD_PFX, CCW_FLAG_CC, 64, WIN + 0x40);
	ccw1(g, PROG + 8, ECKD_READ_TRACK,
	     CCW_FLAG_CC | CCW_FLAG_SLI | CCW_FLAG_IDA, 4096, WIN + 0x300);
	idal_4k(g, WIN + 0x300, WIN + 0xd000, 4096);
	ccw1(g, PROG + 16, ECKD_READ_TRACK, CCW_FLAG_SLI | CCW_FLAG_IDA, 4096,
	     WIN + 0x308);
	idal_4k(g, WIN + 0x308, WIN + 0xe000, 4096);
	orb_linux(orb, PROG);
}

/* dasd_fba: define extent, locate, two blocks read; a data-chained write */
static void b_fba(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, ECKD_DEFINE_EXTENT, CCW_FLAG_CC, 16, WIN + 0xe0);
	ccw1(g, PROG + 8, FBA_LOCATE, CCW_FLAG_CC, 8, WIN + 0xf0);
	ccw1(g, PROG + 16, FBA_READ, CCW_FLAG_CC | CCW_FLAG_IDA, 512,
	     WIN + 0x400);
	idal_4k(g, WIN + 0x400, WIN + 0xf000, 512);
	ccw1(g, PROG + 24, FBA_READ, CCW_FLAG_CC | CCW_FLAG_IDA, 512,
	     WIN + 0x408);
	idal_4k(g, WIN + 0x408, WIN + 0xf200, 512);
	ccw1(g, PROG + 32, ECKD_DEFINE_EXTENT, CCW_FLAG_CC, 16, WIN + 0xe0);
	ccw1(g, PROG + 40, FBA_LOCATE, CCW_FLAG_CC, 8, WIN + 0xf0);
	ccw1(g, PROG + 48, FBA_WRITE, CCW_FLAG_DC, 512, WIN + 0x10000);
	ccw1(g, PROG + 56, FBA_WRITE, 0, 512, WIN + 0x10200);
	orb_linux(orb, PROG);
}

/* tape_34xx: mode set, read forward, read backward, write, tape mark */
static void b_tape(struct fake_guest *g, union orb *orb)
{
	ccw1(g, PROG, TAPE_MODE_SET, CCW_FLAG_CC, 1, WIN + 0x20);
	ccw1(g, PROG + 8, TAPE_READ_FORWARD,
	     CCW_FLAG_CC | CCW_FLAG_SLI | CCW_FLAG_IDA, 8192, WIN + 0x500);
	idal_4k(g, WIN + 0x500, WIN + 0x1000, 8192);
	ccw1(g, PROG + 16, CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0);
	/* read backward: the IDAW gives the last byte of its block */
	ccw1(g, PROG + 24, TAPE_READ_BACKWARD,
	     CCW_FLAG_CC | CCW_FLAG_SLI | CCW_FLAG_IDA, 4096, WIN + 0x520);
	idaw2(g, WIN + 0x520, WIN + 0x3fff);
	ccw1(g, PROG + 32, TAPE_MODE_SET, CCW_FLAG_CC, 1, WIN + 0x20);
	ccw1(g, PROG + 40, TAPE_WRITE, CCW_FLAG_CC | CCW_FLAG_IDA, 4096,
	     WIN + 0x530);
	idal_4k(g, WIN + 0x530, WIN + 0x4000, 4096);
	ccw1(g, PROG + 48, TAPE_WRITE_TAPEMARK, CCW_FLAG_CC, 1, WIN + 0x28);
	ccw1(g, PROG + 56, TAPE_REWIND, CCW_FLAG_CC, 0, 0);
	ccw1(g, PROG + 64, CCW_CMD_NOOP, 0, 0, 0);
	orb_linux(orb, PROG);
}

/*
 * A search loop: seek, search ID equal, TIC back to the search; the READ
 * is reached only when the search presents status modifier. The loop is
 * in a second segment (the program starts with a TIC to it).
 */
static void b_search_back(struct fake_guest *g, union orb *orb)
{
	tic(g, PROG, PROG + 0x200);
	ccw1(g, PROG + 0x200, ECKD_SEEK, CCW_FLAG_CC, 6, WIN + 0x30);
	ccw1(g, PROG + 0x208, ECKD_SEARCH_ID_EQ, CCW_FLAG_CC, 5, WIN + 0x38);
	tic(g, PROG + 0x210, PROG + 0x208);
	ccw1(g, PROG + 0x218, ECKD_READ, CCW_FLAG_CC, 4096, WIN + 0x5000);
	ccw1(g, PROG + 0x220, ECKD_READ, 0, 512, WIN + 0x6100);
	orb_linux(orb, PROG);
}

/*
 * The s390-ccw firmware's DASD IPL: format 0, prefetch off, 24-bit
 * direct addresses; seek, search with a TIC back, read the IPL2 record
 * (across 2K blocks), then read IPL records chained on.
 */
static void b_ipl(struct fake_guest *g, union orb *orb)
{
	ccw0(g, PROG, ECKD_SEEK, CCW_FLAG_CC, 6, WIN + 0x30);
	ccw0(g, PROG + 8, ECKD_SEARCH_ID_EQ, CCW_FLAG_CC, 5, WIN + 0x38);
	ccw0(g, PROG + 16, CCW_CMD_TIC, 0, 0, PROG + 8);
	ccw0(g, PROG + 24, ECKD_READ, CCW_FLAG_CC | CCW_FLAG_SLI, 4096,
	     WIN + 0x7000);
	ccw0(g, PROG + 32, IPL_READ, CCW_FLAG_CC | CCW_FLAG_SLI, 24, WIN);
	ccw0(g, PROG + 40, ECKD_READ, CCW_FLAG_SLI, 3000, WIN + 0x8700);
	memset(orb, 0, sizeof(*orb));
	orb->cmd.lpm = 0x80;
	orb->cmd.cpa = u32_to_dma32(PROG);
}

static const struct cp_case cp_cases[] = {
	{ "one_ccw", b_one, 0, c_one },
	{ "last_8_bytes_of_mapping", b_last8, 0, c_last8 },
	{ "command_chain", b_chain, 0, c_chain },
	{ "data_chain", b_dc, 0, c_dc_write_pins },
	{ "data_chain_through_tic", b_dc_tic, 0, c_dc_tic },
	{ "data_chain_zero_count", b_dc_zero, 0, NULL, PROG },
	{ "format0", b_fmt0, 0 },
	{ "format0_zero_count", b_fmt0_zero, 0, NULL, PROG },
	{ "format0_cpa_beyond_24bit", b_fmt0_cpa24, 0, NULL, 0x1000000 },
	{ "cpa_beyond_31bit", b_cpa31, 0, NULL, 0x80000000 | PROG },
	{ "cpa_misaligned", b_cpa_misaligned, 0, NULL, PROG + 4 },
	{ "tic_first", b_tic_first, 0, c_tic_first },
	{ "tic_middle", b_tic_middle, 0, c_tic_middle },
	{ "tic_last_skip_target_unmapped", b_tic_last, 0 },
	{ "tic_back_same_segment", b_search_loop, 0, c_search_loop },
	{ "tic_other_segment_and_back", b_tic_back, 0, c_tic_back },
	{ "tic_loop_without_end", b_tic_loop, -EINVAL },
	{ "tic_to_itself", b_tic_self, 0, NULL, PROG },
	{ "tic_to_tic", b_tic_tic, 0, NULL, PROG + 0x100 },
	{ "tic_ping_pong", b_tic_ping_pong, 0, NULL, PROG + 0x100 },
	{ "tic_misaligned", b_tic_misaligned, 0, NULL, PROG + 0x104 },
	{ "tic_format1_flags", b_tic_flags, 0, NULL, PROG + 8 },
	{ "chain_never_ends", b_endless, -EINVAL },
	{ "too_many_tics", b_too_many_tics, -EINVAL },
	{ "too_much_data", b_too_much_data, -EINVAL },
	{ "max_count_33_idaws", b_max_data, 0, c_max_data },
	{ "idal_format1_2k", b_idal1, 0, c_idal1 },
	{ "idal_format2_4k", b_idal2_4k, 0, c_idal2_4k },
	{ "idal_format2_2k", b_idal2_2k, 0 },
	{ "idaw_not_on_block", b_idaw_unaligned, 0, NULL, PROG },
	{ "idaw_format1_beyond_31bit", b_idaw1_31bit, 0, NULL, PROG },
	{ "idal_misaligned", b_idal_misaligned, 0, NULL, PROG },
	{ "idal_unmapped", b_idal_unmapped, 0, NULL, PROG },
	{ "direct_crossing_pages_2k", b_direct_2k, 0, c_direct_2k },
	{ "direct_4k", b_direct_4k, 0, c_direct_4k },
	{ "pins_batched_across_ccws", b_batch, 0, c_batch },
	{ "direct_beyond_31bit", b_direct_31bit, 0, NULL, PROG },
	{ "read_backward", b_read_back, 0, c_read_back },
	{ "zero_count", b_zero_count, 0, c_nothing_pinned },
	{ "skip_read", b_skip, 0, c_nothing_pinned },
	{ "skip_write_unmapped", b_skip_write, 0, NULL, PROG },
	{ "suspend", b_suspend, 0, c_suspend },
	{ "unmapped_ccw", b_unmapped_ccw, 0, NULL, NOMAP },
	{ "unmapped_next_ccw", b_unmapped_next, 0, NULL, PROG_END },
	{ "unmapped_data", b_unmapped_data, 0, c_unmapped_data, PROG + 16 },
	{ "read_only_page_read", b_ro_read, 0, NULL, PROG + 8 },
	{ "read_only_page_write", b_ro_write, 0 },
	{ "transport_mode", b_transport, -EOPNOTSUPP },
	{ "orb_extension", b_orbx, -EINVAL },
	{ "mida_flag", b_midaw, 0, NULL, PROG },
	{ "invalid_command", b_bad_cmd, 0, NULL, PROG },
	{ "sm_skip_into_data_chain", b_sm_dc, 0, NULL, 0, BIT_ULL(0) },
	{ "sm_skip_into_data_chain_main_path", b_sm_dc, 0 },
	{ "sm_skip_into_data_chain_read_backward", b_sm_dc_back, 0, NULL, 0,
	  BIT_ULL(0) },
	{ "sm_skip_into_data_chain_tic", b_sm_dc_tic, 0, NULL, 0, BIT_ULL(0) },
	{ "sm_skip_into_data_chain_tic_main_path", b_sm_dc_tic, 0 },
	{ "sm_skip_over_invalid_ccw", b_sm_bad, 0, NULL, 0, BIT_ULL(0) },
	{ "sm_skip_over_invalid_ccw_main_path", b_sm_bad, 0, NULL, PROG + 8 },
	{ "sm_skip_over_chain_end_finds_guard", b_sm_end, 0, c_sm_end },
	{ "sm_dc_zero_count_no_clash", b_sm_dc_zero, 0, NULL, PROG + 16 },
	{ "guard_slot_entered_by_data_chain_tic", b_guard_slot_dc_tic, 0 },
	{ "sm_dc_skipped_read_in_read_only_page", b_sm_dc_skip_ro, 0 },
	{ "sm_optional_tic_to_unmapped", b_sm_tic_bad, 0, NULL, NOMAP,
	  BIT_ULL(0) },
	{ "sm_optional_ccw_data_unmapped", b_sm_opt_nomap, 0, NULL, PROG + 16,
	  BIT_ULL(0) },
	{ "sm_optional_read_into_read_only", b_sm_opt_ro, 0, c_sm_opt_ro,
	  PROG + 16, BIT_ULL(0) },
	{ "sm_optional_read_across_read_only", b_sm_opt_ro_run, 0,
	  c_sm_opt_ro_run, PROG + 16, BIT_ULL(0) },
	{ "read_only_page_write_then_read", b_ro_shared, 0, NULL, PROG + 8 },
	/* the programs of real guests, for each way the device steers them */
	{ "dasd_eckd_read_multitrack", b_eckd_read, 0 },
	{ "dasd_eckd_prefix_track_data", b_eckd_track_data, 0 },
	{ "dasd_eckd_data_chain_idals", b_eckd_data_chain, 0 },
	{ "dasd_eckd_format", b_eckd_format, 0 },
	{ "dasd_eckd_read_track", b_eckd_read_track, 0 },
	{ "dasd_fba", b_fba, 0 },
	{ "tape_34xx", b_tape, 0 },
	{ "search_loop_tic_backwards_first", b_search_back, 0, NULL, 0,
	  BIT_ULL(1) },
	{ "search_loop_tic_backwards_second", b_search_back, 0, NULL, 0,
	  BIT_ULL(2) },
	{ "search_loop_tic_backwards_fifth", b_search_back, 0, NULL, 0,
	  BIT_ULL(5) },
	{ "s390_ccw_ipl_format0_no_prefetch", b_ipl, 0, NULL, 0, BIT_ULL(1) },
	{ "s390_ccw_ipl_search_twice", b_ipl, 0, NULL, 0, BIT_ULL(3) },
	{ "s390_ccw_ipl_search_five_times", b_ipl, 0, NULL, 0, BIT_ULL(6) },
};

static void cp_case_desc(const struct cp_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cp_cases, cp_cases, cp_case_desc);

static void cp_test_program(struct kunit *test)
{
	const struct cp_case *c = test->param_value;
	struct fake_guest *g = test->priv;
	struct vfio_ccw_cp *cp = (void *)1;
	union orb orb;
	u32 pc;
	int ret;

	c->build(g, &orb);
	ret = vfio_ccw_cp_translate(&fake_ops, g, &orb, &cp);
	KUNIT_EXPECT_EQ(test, ret, c->expect);
	if (ret) {
		KUNIT_EXPECT_NULL(test, cp);
		expect_no_pins(test, g);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, cp);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), g->pinned - g->unpinned);
	KUNIT_EXPECT_LE(test, g->max_batch, VFIO_CCW_CP_PIN_BATCH);
	g->sm = c->sm;
	check_equivalent(g, cp, &orb, &pc);
	KUNIT_EXPECT_EQ_MSG(test, pc, c->pc, "where the channel faults");
	if (c->check)
		c->check(test, g, cp);
	vfio_ccw_cp_free(cp);
	expect_no_pins(test, g);
}

/* ---- single tests ---- */

static void cp_test_null(struct kunit *test)
{
	vfio_ccw_cp_free(NULL);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(NULL), 0);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(NULL, 0x1238), 0);
	KUNIT_EXPECT_FALSE(test, vfio_ccw_cp_overlaps(NULL, 0, U64_MAX));
}

static void cp_test_overlaps(struct kunit *test)
{
	struct fake_guest *g = test->priv;
	struct vfio_ccw_cp *cp;
	union orb orb;

	ccw1(g, PROG + 0x100, CMD_WRITE, CCW_FLAG_CC, 16, D1 + 0x10);
	ccw1(g, PROG + 0x108, CMD_READ, 0, 16, D3);
	orb_fmt1(&orb, PROG + 0x100);
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_translate(&fake_ops, g, &orb, &cp),
			0);
	/* ranges are [first, last]: a range may end at 2^64 */
	KUNIT_EXPECT_TRUE(test, vfio_ccw_cp_overlaps(cp, D1, D1 + 0xfff));
	KUNIT_EXPECT_TRUE(test, vfio_ccw_cp_overlaps(cp, D1 + 0xfff,
						     D1 + 0xfff));
	KUNIT_EXPECT_TRUE(test, vfio_ccw_cp_overlaps(cp, D3 - 1, D3));
	KUNIT_EXPECT_TRUE(test, vfio_ccw_cp_overlaps(cp, PROG + 0x108,
						     PROG + 0x10f));
	KUNIT_EXPECT_TRUE(test, vfio_ccw_cp_overlaps(cp, 0, U64_MAX));
	KUNIT_EXPECT_TRUE(test, vfio_ccw_cp_overlaps(cp, PROG, U64_MAX));
	KUNIT_EXPECT_FALSE(test, vfio_ccw_cp_overlaps(cp, D2, D2 + 0xfff));
	KUNIT_EXPECT_FALSE(test, vfio_ccw_cp_overlaps(cp, D1 + 1, D1));
	KUNIT_EXPECT_FALSE(test, vfio_ccw_cp_overlaps(cp, D3 - PAGE_SIZE,
						      D3 - 1));
	KUNIT_EXPECT_FALSE(test, vfio_ccw_cp_overlaps(cp, PROG, PROG + 0xff));
	KUNIT_EXPECT_FALSE(test, vfio_ccw_cp_overlaps(cp, PROG + 0x110,
						      PROG + 0xfff));
	KUNIT_EXPECT_FALSE(test, vfio_ccw_cp_overlaps(cp, PROG + 0x110,
						      U64_MAX));
	vfio_ccw_cp_free(cp);
	expect_no_pins(test, g);
}

static void cp_test_guest_cpa(struct kunit *test)
{
	struct fake_guest *g = test->priv;
	struct vfio_ccw_cp *cp;
	struct ccw1 *h, *t;
	union orb orb;
	u32 ha, ta;

	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 16, D1);
	tic(g, PROG + 8, PROG + 0x300);
	ccw1(g, PROG + 0x300, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	ccw1(g, PROG + 0x308, CMD_READ, 0, 16, D2);
	orb_fmt1(&orb, PROG);
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_translate(&fake_ops, g, &orb, &cp),
			0);
	h = host_entry(cp);
	t = dma32_to_virt(h[1].cda);
	ha = virt_to_phys(h);
	ta = virt_to_phys(t);
	KUNIT_EXPECT_LT(test, (u64)virt_to_phys(h), 1ULL << 31);
	KUNIT_EXPECT_LT(test, (u64)virt_to_phys(t), 1ULL << 31);
	/* last CCW + 8, at the end of a segment reached by a TIC */
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, ta + 16), PROG + 0x310);
	/* inside the TIC's target */
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, ta + 8), PROG + 0x308);
	/* the first segment and its TIC */
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, ha + 8), PROG + 8);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, ha + 16), PROG + 16);
	/* not ours: a host address never reaches the guest, 0 instead */
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, 0), 0);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, 0x7ffffff8), 0);
	vfio_ccw_cp_free(cp);
	expect_no_pins(test, g);
}

/* A suspended slot's host CCW: the walker's last record. */
static struct ccw1 *find_suspended(struct kunit *test, struct ccw1 *h)
{
	int i;

	for (i = 0; i < 64; i++, h++) {
		if (h->cmd_code == CCW_CMD_TIC) {
			h = (struct ccw1 *)dma32_to_virt(h->cda) - 1;
			continue;
		}
		if (h->flags & CCW_FLAG_SUSPEND)
			return h;
	}
	KUNIT_FAIL(test, "no suspended CCW");
	return NULL;
}

static void cp_test_resume(struct kunit *test)
{
	struct fake_guest *g = test->priv;
	struct vfio_ccw_cp *cp;
	struct ccw1 *slot, *t;
	union orb orb;
	u32 cpa;

	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 16, D1);
	ccw1(g, PROG + 8, CMD_READ, CCW_FLAG_SUSPEND, 32, NOMAP);
	orb_fmt1(&orb, PROG);
	orb.cmd.spnd = 1;
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_translate(&fake_ops, g, &orb, &cp),
			0);
	slot = find_suspended(test, host_entry(cp));
	KUNIT_ASSERT_NOT_NULL(test, slot);
	cpa = virt_to_phys(slot) + 8;	/* the SCSW at suspension */
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, cpa), PROG + 16);

	/* the guest completes its program and clears the S flag */
	ccw1(g, PROG + 8, CMD_READ, CCW_FLAG_CC, 32, D2 + 0x40);
	ccw1(g, PROG + 16, CCW_CMD_NOOP, 0, 1, 0);
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_prepare_resume(cp, cpa), 0);

	/* the channel refetches the slot and finds the new program */
	KUNIT_EXPECT_EQ(test, slot->cmd_code, CCW_CMD_TIC);
	t = dma32_to_virt(slot->cda);
	KUNIT_EXPECT_EQ(test, t->cmd_code, CMD_READ);
	KUNIT_EXPECT_EQ(test, t->flags, CCW_FLAG_CC);
	KUNIT_EXPECT_EQ(test, t->count, 32);
	KUNIT_EXPECT_EQ(test, host_idaw(t, 0), fg_phys(g, D2 + 0x40));
	KUNIT_EXPECT_EQ(test, t[1].cmd_code, CCW_CMD_NOOP);
	KUNIT_EXPECT_EQ(test, fg_page(g, D2)->wpins, 1);
	/* the completed part's pages are released */
	KUNIT_EXPECT_EQ(test, fg_pins(g, D1), 0);
	KUNIT_EXPECT_EQ(test, fg_pins(g, D2), 1);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 1);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, virt_to_phys(t) + 8),
			PROG + 16);
	KUNIT_EXPECT_EQ(test,
			vfio_ccw_cp_guest_cpa(cp, virt_to_phys(t) + 16),
			PROG + 24);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, cpa), PROG + 16);

	/* RSCH failed, the same preparation again: still one tail */
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_prepare_resume(cp, cpa), 0);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 1);
	KUNIT_EXPECT_EQ(test, fg_pins(g, D2), 1);
	t = dma32_to_virt(slot->cda);
	KUNIT_EXPECT_EQ(test, host_idaw(t, 0), fg_phys(g, D2 + 0x40));

	vfio_ccw_cp_free(cp);
	expect_no_pins(test, g);
}

static void cp_test_resume_error(struct kunit *test)
{
	struct fake_guest *g = test->priv;
	struct vfio_ccw_cp *cp;
	struct ccw1 *slot, saved, *t;
	union orb orb;
	u32 cpa;

	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 16, D1);
	ccw1(g, PROG + 8, CMD_READ, CCW_FLAG_SUSPEND, 32, NOMAP);
	orb_fmt1(&orb, PROG);
	orb.cmd.spnd = 1;
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_translate(&fake_ops, g, &orb, &cp),
			0);
	slot = find_suspended(test, host_entry(cp));
	KUNIT_ASSERT_NOT_NULL(test, slot);
	saved = *slot;
	cpa = virt_to_phys(slot) + 8;

	/*
	 * S cleared, data still unmapped: accepted, the completed part
	 * released; the slot leads to the READ, whose IDAW designates no
	 * storage: the channel faults there, as on the guest's storage.
	 */
	ccw1(g, PROG + 8, CMD_READ, 0, 32, NOMAP);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_prepare_resume(cp, cpa), 0);
	KUNIT_EXPECT_NE(test, memcmp(slot, &saved, sizeof(saved)), 0);
	KUNIT_EXPECT_EQ(test, fg_pins(g, D1), 0);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 0);
	KUNIT_EXPECT_EQ(test, g->pinned - g->unpinned, 0);
	KUNIT_ASSERT_EQ(test, slot->cmd_code, CCW_CMD_TIC);
	t = dma32_to_virt(slot->cda);
	KUNIT_EXPECT_EQ(test, t->cmd_code, CMD_READ);
	KUNIT_EXPECT_EQ(test, host_idaw(t, 0), CP_FAULT);

	vfio_ccw_cp_free(cp);
	expect_no_pins(test, g);
}

/*
 * Resumed, then suspended again while the SCSW still shows the first
 * suspension point (QEMU's channel subsystem leaves the CCW address alone):
 * once vfio_ccw_cp_resumed() says the channel left the first slot, the next
 * prepare must start from where the program is suspended now, not from the
 * old slot (which would free the translation the channel stands in).
 */
static void cp_test_resume_stale_cpa(struct kunit *test)
{
	struct fake_guest *g = test->priv;
	struct vfio_ccw_cp *cp;
	struct ccw1 *slot, *slot2, *t;
	union orb orb;
	u32 stale;

	ccw1(g, PROG, CCW_CMD_NOOP, CCW_FLAG_SUSPEND | CCW_FLAG_CC, 1, 0);
	orb_fmt1(&orb, PROG);
	orb.cmd.spnd = 1;
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_translate(&fake_ops, g, &orb, &cp),
			0);
	slot = host_entry(cp);
	stale = virt_to_phys(slot) + 8;

	/* the guest clears S and adds a CCW that suspends again */
	ccw1(g, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	ccw1(g, PROG + 8, CCW_CMD_NOOP, CCW_FLAG_SUSPEND | CCW_FLAG_CC, 1, 0);
	ccw1(g, PROG + 16, CMD_WRITE, 0, 16, D1);
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_prepare_resume(cp, stale), 0);
	vfio_ccw_cp_resumed(cp);
	slot2 = find_suspended(test, dma32_to_virt(slot->cda));
	KUNIT_ASSERT_NOT_NULL(test, slot2);

	/* suspended at PROG + 8 now, reported with the stale address */
	ccw1(g, PROG + 8, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_prepare_resume(cp, stale), 0);
	/*
	 * Redirected where the channel stands, the second slot, to a copy
	 * from the (refetched) suspended CCW on; that copy is the current
	 * translation, so its addresses map back to the guest's.
	 */
	KUNIT_EXPECT_EQ(test, slot2->cmd_code, CCW_CMD_TIC);
	t = dma32_to_virt(slot2->cda);
	KUNIT_EXPECT_EQ(test, t[0].cmd_code, CCW_CMD_NOOP);
	KUNIT_EXPECT_EQ(test, t[1].cmd_code, CMD_WRITE);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, virt_to_phys(t) + 8),
			PROG + 16);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 1);
	vfio_ccw_cp_free(cp);
	expect_no_pins(test, g);
}

static void cp_test_resume_twice(struct kunit *test)
{
	struct fake_guest *g = test->priv;
	struct vfio_ccw_cp *cp;
	struct ccw1 *slot, *t;
	union orb orb;

	/* suspended at the very first CCW */
	ccw1(g, PROG, CCW_CMD_NOOP, CCW_FLAG_SUSPEND | CCW_FLAG_CC, 1, 0);
	orb_fmt1(&orb, PROG);
	orb.cmd.spnd = 1;
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_translate(&fake_ops, g, &orb, &cp),
			0);
	slot = host_entry(cp);
	KUNIT_EXPECT_EQ(test, slot->flags & CCW_FLAG_SUSPEND,
			CCW_FLAG_SUSPEND);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 0);

	ccw1(g, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	ccw1(g, PROG + 8, CMD_WRITE, CCW_FLAG_CC, 16, D1);
	ccw1(g, PROG + 16, CCW_CMD_NOOP, CCW_FLAG_SUSPEND, 1, 0);
	KUNIT_ASSERT_EQ(test,
			vfio_ccw_cp_prepare_resume(cp, virt_to_phys(slot) + 8),
			0);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 1);
	t = dma32_to_virt(slot->cda);
	slot = find_suspended(test, t);
	KUNIT_ASSERT_NOT_NULL(test, slot);
	KUNIT_EXPECT_EQ(test,
			vfio_ccw_cp_guest_cpa(cp, virt_to_phys(slot) + 8),
			PROG + 24);

	/*
	 * Suspended again; this time the SCSW's CCW address is not usable
	 * (QEMU's emulated channel subsystem leaves it alone): the only
	 * suspended CCW of the program is the suspension point.
	 */
	ccw1(g, PROG + 16, CMD_READ, CCW_FLAG_CC, 16, D2);
	ccw1(g, PROG + 24, CCW_CMD_NOOP, 0, 1, 0);
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_prepare_resume(cp, 0x1230), 0);
	t = dma32_to_virt(slot->cda);
	KUNIT_EXPECT_EQ(test, t->cmd_code, CMD_READ);
	KUNIT_EXPECT_EQ(test, host_idaw(t, 0), fg_phys(g, D2));
	KUNIT_EXPECT_EQ(test, fg_pins(g, D1), 0);
	KUNIT_EXPECT_EQ(test, fg_pins(g, D2), 1);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 1);

	vfio_ccw_cp_free(cp);
	expect_no_pins(test, g);
}

/*
 * "WRITE (CC), NOP (S)" translated with suspension on; return its
 * suspended host CCW (the slot), the program in *@cpp.
 */
static struct ccw1 *suspended_slot(struct kunit *test, struct fake_guest *g,
				   struct vfio_ccw_cp **cpp)
{
	struct ccw1 *slot;
	union orb orb;

	ccw1(g, PROG, CMD_WRITE, CCW_FLAG_CC, 16, D1);
	ccw1(g, PROG + 8, CCW_CMD_NOOP, CCW_FLAG_SUSPEND, 1, 0);
	orb_fmt1(&orb, PROG);
	orb.cmd.spnd = 1;
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_translate(&fake_ops, g, &orb, cpp),
			0);
	slot = find_suspended(test, host_entry(*cpp));
	KUNIT_ASSERT_NOT_NULL(test, slot);
	return slot;
}

/*
 * Resume at the suspended @slot of @cp after the guest rewrote it: the
 * slot's TIC leads to a host CCW of command @cmd, which maps back to the
 * guest's CCW address @cpa. Return: that host CCW.
 */
static struct ccw1 *resume_at_slot(struct kunit *test, struct vfio_ccw_cp *cp,
				   struct ccw1 *slot, u8 cmd, u32 cpa)
{
	struct ccw1 *t;

	KUNIT_ASSERT_EQ(test,
			vfio_ccw_cp_prepare_resume(cp, virt_to_phys(slot) + 8),
			0);
	t = dma32_to_virt(slot->cda);
	KUNIT_EXPECT_EQ(test, t->cmd_code, cmd);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_guest_cpa(cp, virt_to_phys(t) + 8),
			cpa);
	return t;
}

static void cp_test_resume_tic(struct kunit *test)
{
	struct fake_guest *g = test->priv;
	struct vfio_ccw_cp *cp;
	struct ccw1 *slot, *t;

	slot = suspended_slot(test, g, &cp);

	/* the guest replaces the suspended CCW by a TIC */
	tic(g, PROG + 8, PROG + 0x800);
	ccw1(g, PROG + 0x800, CMD_READ, 0, 8, D3);
	/* the slot's TIC leads straight to the READ: no TIC to a TIC */
	t = resume_at_slot(test, cp, slot, CMD_READ, PROG + 0x808);
	KUNIT_EXPECT_EQ(test, host_idaw(t, 0), fg_phys(g, D3));

	vfio_ccw_cp_free(cp);
	expect_no_pins(test, g);
}

/*
 * The guest replaces the suspended CCW by a TIC to a TIC: the channel
 * refetches the slot, follows the first TIC and rejects the second, so the
 * CCW address must map to the second TIC + 8.
 */
static void cp_test_resume_tic_to_tic(struct kunit *test)
{
	struct fake_guest *g = test->priv;
	struct vfio_ccw_cp *cp;
	struct ccw1 *slot;

	slot = suspended_slot(test, g, &cp);
	tic(g, PROG + 8, PROG + 0x800);
	tic(g, PROG + 0x800, PROG + 0x900);
	ccw1(g, PROG + 0x900, CMD_READ, 0, 8, D3);
	resume_at_slot(test, cp, slot, CCW_CMD_TIC, PROG + 0x808);

	vfio_ccw_cp_free(cp);
	expect_no_pins(test, g);
}

static void cp_test_resume_ambiguous(struct kunit *test)
{
	struct fake_guest *g = test->priv;
	struct vfio_ccw_cp *cp;
	union orb orb;

	/* two suspended CCWs: one behind the TIC (status-modifier skip) */
	ccw1(g, PROG, CCW_CMD_NOOP, CCW_FLAG_CC, 1, 0);
	tic(g, PROG + 8, PROG + 0x100);
	ccw1(g, PROG + 16, CCW_CMD_NOOP, CCW_FLAG_SUSPEND, 1, 0);
	ccw1(g, PROG + 0x100, CCW_CMD_NOOP, CCW_FLAG_SUSPEND, 1, 0);
	orb_fmt1(&orb, PROG);
	orb.cmd.spnd = 1;
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_translate(&fake_ops, g, &orb, &cp),
			0);
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_prepare_resume(cp, 0x1230), -EINVAL);
	vfio_ccw_cp_free(cp);
	expect_no_pins(test, g);
}

/*
 * The cost of a translation follows the program, not the limits: count the
 * allocations of translating (and freeing) a one-CCW SENSE ID and programs
 * of 64 and 250 CCWs with an IDAL per CCW, and bound them.
 */
#define ALLOCS_ONE	1
#define ALLOCS_64	6

static long cp_count_translate(struct kunit *test, struct fake_guest *g,
			       const union orb *orb, unsigned int nr)
{
	struct vfio_ccw_cp *cp;
	struct ccw1 *h;
	long before, allocs;
	unsigned int i;
	u32 pc;

	before = atomic_long_read(&vfio_ccw_cp_nr_allocs);
	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_translate(&fake_ops, g, orb, &cp),
			0);
	allocs = atomic_long_read(&vfio_ccw_cp_nr_allocs) - before;
	h = host_entry(cp);
	/* IDAWs where the guest has them (the chains), direct otherwise */
	for (i = 0; i < nr; i++) {
		KUNIT_EXPECT_EQ(test, h[i].count, nr > 1 ? 16 : 8);
		KUNIT_EXPECT_EQ(test, !!(h[i].flags & CCW_FLAG_IDA), nr > 1);
	}
	if (nr == 1)
		check_equivalent(g, cp, orb, &pc);
	vfio_ccw_cp_free(cp);
	expect_no_pins(test, g);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&vfio_ccw_cp_nr_allocs) - before,
			allocs);
	return allocs;
}

/* @nr chained CCWs at PROG, CCW i through its IDAW at PROG + 0x800 + 8 i */
static u64 allocs_data(unsigned int i)
{
	static const u64 data[] = { D0, D1, D2, D3 };

	return data[i % 4] + (i * 64) % PAGE_SIZE;
}

static void allocs_chain(struct fake_guest *g, union orb *orb,
			 unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		u64 idal = PROG + 0x800 + i * 8;

		ccw1(g, PROG + i * 8, i & 1 ? CMD_READ : CMD_WRITE,
		     CCW_FLAG_IDA | (i + 1 < nr ? CCW_FLAG_CC : 0), 16, idal);
		idaw2(g, idal, allocs_data(i));
	}
	orb_fmt1(orb, PROG);
	orb->cmd.c64 = 1;
}

static void allocs_check_idaws(struct kunit *test, struct fake_guest *g,
			       const union orb *orb, unsigned int nr)
{
	struct vfio_ccw_cp *cp;
	struct ccw1 *h;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, vfio_ccw_cp_translate(&fake_ops, g, orb, &cp),
			0);
	h = host_entry(cp);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ(test, host_idaw(&h[i], 0),
				fg_phys(g, allocs_data(i)));
	KUNIT_EXPECT_EQ(test, h[nr].cmd_code, 0);	/* the guard */
	KUNIT_EXPECT_EQ(test, vfio_ccw_cp_pinned(cp), 4);
	vfio_ccw_cp_free(cp);
	expect_no_pins(test, g);
}

static void cp_test_allocs(struct kunit *test)
{
	struct fake_guest *g = test->priv;
	union orb orb;
	long one, n64, n250;

	ccw1(g, PROG, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 8, D1 + 0x10);
	orb_fmt1(&orb, PROG);
	one = cp_count_translate(test, g, &orb, 1);

	allocs_chain(g, &orb, 64);
	n64 = cp_count_translate(test, g, &orb, 64);
	allocs_check_idaws(test, g, &orb, 64);

	/* CCWs and IDALs beyond a page: the IDALs go to chunks */
	allocs_chain(g, &orb, 250);
	n250 = cp_count_translate(test, g, &orb, 250);
	allocs_check_idaws(test, g, &orb, 250);

	kunit_info(test,
		   "allocations per translation: 1 CCW %ld, 64 CCWs %ld, 250 CCWs %ld\n",
		   one, n64, n250);
	KUNIT_EXPECT_LE(test, one, ALLOCS_ONE);
	KUNIT_EXPECT_LE(test, n64, ALLOCS_64);
	KUNIT_EXPECT_LE(test, n250, ALLOCS_64 + 4);
}

static struct kunit_case cp_test_cases[] = {
	KUNIT_CASE_PARAM(cp_test_program, cp_cases_gen_params),
	KUNIT_CASE(cp_test_null),
	KUNIT_CASE(cp_test_overlaps),
	KUNIT_CASE(cp_test_guest_cpa),
	KUNIT_CASE(cp_test_resume),
	KUNIT_CASE(cp_test_resume_error),
	KUNIT_CASE(cp_test_resume_twice),
	KUNIT_CASE(cp_test_resume_stale_cpa),
	KUNIT_CASE(cp_test_resume_tic),
	KUNIT_CASE(cp_test_resume_tic_to_tic),
	KUNIT_CASE(cp_test_resume_ambiguous),
	KUNIT_CASE(cp_test_allocs),
	{}
};

VFIO_CCW_KUNIT_SUITE(cp, cp_test_init, cp_test_exit, cp_test_cases);

MODULE_DESCRIPTION("KUnit tests of vfio-ccw channel-program translation");
MODULE_LICENSE("GPL");
