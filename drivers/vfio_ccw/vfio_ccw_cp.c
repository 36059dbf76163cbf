// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: channel-program translation. A guest program is read one
 * chain segment at a time (never further than the channel would fetch),
 * copied below 2 GiB with guard CCWs behind each segment, its TICs linked,
 * its data pages pinned once each and addressed through host IDALs; what
 * the channel checks itself is left to the channel (faults become guards
 * or fault IDAWs). A suspended program is resumed by translating its tail
 * into a new generation, published with RCU. The design, with the sources
 * of each rule, is Documentation/s390/vfio-ccw-translation.rst.
 */

#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include <asm/cio.h>
#include <asm/dma-types.h>

#include "vfio_ccw_cp.h"

#define CP_GUARDS	2		/* guard CCWs behind every segment */
#define CP_TOP_PAGE	(U64_MAX & PAGE_MASK)	/* the last page of IOVA */
#define CP_SEG0_BYTES	256		/* struct vfio_ccw_cp.seg0 */
#define CP_CCW_SIZE	8

/* Per-CCW state bits (struct cp_seg.st) */
#define CP_ST_DCIN	0x01		/* continues a data chain */
#define CP_ST_IN	0x02		/* data flows into guest memory */
#define CP_ST_OUT	0x04		/* data flows out of guest memory */
#define CP_ST_BACK	0x08		/* read backward */
#define CP_ST_OPT	0x10		/* reached only by a status-modifier skip */
#define CP_ST_TIC	0x20		/* transfer in channel */
#define CP_ST_REDIR	0x40		/* suspension slot turned into a TIC */
#define CP_ST_DONE	0x80		/* redirected slot the channel has left */
#define CP_ST_CHAIN	(CP_ST_DCIN | CP_ST_IN | CP_ST_OUT | CP_ST_BACK)

#define CP_CMD_READ_BACK 0x0c
#define CP_FLAG_MIDA	0x01		/* modified IDA: not offered */

/*
 * A host IDAW that designates no storage: the channel ends the transfer
 * there with a channel-program check (see "What the channel decides").
 */
#define CP_FAULT_ADDR	(U64_MAX & ~(u64)(SZ_4K - 1))

/*
 * One chain segment: @nr guest CCWs at @guest, copied to @host (@cap + 2
 * entries, zero-filled, so everything behind @nr is a guard). @host is one
 * GFP_DMA block: the CCWs, then (when they fit in a page with the rest)
 * the segment's IDALs, then @st, the state bits of the CCWs.
 */
struct cp_seg {
	u32 guest;
	u32 hstart;
	unsigned int nr;
	unsigned int cap;
	struct ccw1 *host;
	u8 *st;
	bool inl;		/* @host is the program's seg0, not allocated */
};

/* One pin call: its record, released by exactly one unpin call. */
struct cp_pin {
	struct vfio_ccw_pin *rec;
	u64 iova;
	unsigned int npage;
};

/*
 * GFP_DMA memory for the IDALs of segments too large to hold them in their
 * own block: IDALs are cut from chunks of at most a page, never across two.
 */
struct cp_chunk {
	struct cp_chunk *next;
	dma64_t idaw[];
};

#define CP_CHUNK_IDAWS	((PAGE_SIZE - sizeof(struct cp_chunk)) / \
			 sizeof(dma64_t))

/* Room of a generation for the segments and pins of a small program. */
#define CP_GEN_SEGS	1
#define CP_GEN_PINS	4

/*
 * One translation: immutable once published in vfio_ccw_cp.gen. @segs and
 * @pins start in @seg_inl and @pin_inl; the first translation of a program
 * (@embedded) lives in its struct vfio_ccw_cp.
 */
struct cp_gen {
	struct cp_seg *segs;
	unsigned int nsegs;
	unsigned int segs_cap;
	struct cp_pin *pins;
	unsigned int npins;
	unsigned int pins_cap;
	unsigned long npages;
	struct ccw1 *entry;
	struct cp_chunk *chunks;
	bool embedded;
	struct cp_seg seg_inl[CP_GEN_SEGS];
	struct cp_pin pin_inl[CP_GEN_PINS];
};

/**
 * struct vfio_ccw_cp - one translated channel program
 * @ops: how guest memory is reached
 * @ctx: passed to @ops
 * @orb: the guest's ORB as given to vfio_ccw_cp_translate()
 * @gen: the current translation; replaced by vfio_ccw_cp_prepare_resume()
 *       (callers serialise that with translate and free), read under RCU
 * @gen0: the first translation, allocated with the program
 * @seg0: room for the first segment of @gen0 when it is small (a program
 *        of a few CCWs then costs one allocation); below 2 GiB with @cp
 */
struct vfio_ccw_cp {
	const struct vfio_ccw_dma_ops *ops;
	void *ctx;
	union orb orb;
	struct cp_gen __rcu *gen;
	struct cp_gen gen0;
	u8 seg0[CP_SEG0_BYTES] __aligned(8);
};

/* A TIC whose target is still to be resolved. */
struct cp_tic {
	u32 target;
	unsigned int seg;
	unsigned int idx;
	u8 st;
	bool alt;
};

/*
 * A host IDAL that still holds guest addresses, to be pinned; @direct is
 * its CCW when that may address its data directly (cp_try_direct()).
 */
struct cp_idal_pin {
	dma64_t *idal;
	unsigned int n;
	int prot;
	struct ccw1 *direct;
};

/*
 * One distinct guest page of a program and the access it needs; @ref is
 * the pending IDAW it was made for, until the pages are made distinct.
 */
struct cp_page {
	u64 iova;
	int prot;
	u32 ref;
};

/*
 * One guest CCW as read, its state bits and the IDAWs it needs, of which
 * the first @nvalid are right (the others are where the channel faults).
 */
struct cp_scan {
	struct ccw1 ccw;
	u8 st;
	u8 nidaw;
	u8 nvalid;
	bool guard;	/* a CCW the channel rejects: zeroed, a guard */
	bool alt;	/* a TIC whose target a skip enters as a command too */
};

/*
 * Scratch space of a translation: on the stack for a small program, grown
 * on the heap (cp_grow()) only as far as a larger one needs.
 */
#define CP_INL_CCWS	8
#define CP_INL_IDAWS	40		/* >= VFIO_CCW_CP_MAX_IDAWS */
#define CP_INL_TICS	4
#define CP_INL_IDAL_PINS	8

/* Guest bytes read at once, see cp_win_read(). */
struct cp_win {
	u32 at;
	u32 len;
	u8 buf[VFIO_CCW_CP_READ_WINDOW];
};

/* State of one translation while it is built. */
struct cp_builder {
	const struct vfio_ccw_dma_ops *ops;
	void *ctx;
	bool fmt1;
	bool idaw64;
	u32 bs;
	u64 limit;
	unsigned int nccws;
	unsigned int ntics;
	unsigned int nends;
	u64 data;
	struct cp_scan *scan;		/* the segment being read */
	unsigned int scan_cap;
	u64 *idaw;			/* its IDAWs; cp_pin_pending()'s too */
	unsigned int idaw_cap;
	struct cp_tic *tic;		/* TICs still to link */
	unsigned int ntic_todo;
	unsigned int tic_cap;
	struct cp_idal_pin *ipin;	/* IDALs still to pin */
	unsigned int nipin;
	unsigned int ipin_cap;
	unsigned int nipin_idaws;
	dma64_t *chunk_at;		/* free IDAWs of the newest chunk */
	unsigned int chunk_left;
	unsigned int chunk_need;	/* IDAWs still to cut from chunks */
	struct cp_gen *gen;
	u8 *seg0;			/* unused room of the program, or NULL */
	struct cp_win ccw_win;		/* CCWs */
	struct cp_win idal_win;		/* IDALs */
	struct cp_scan scan_inl[CP_INL_CCWS];
	u64 idaw_inl[CP_INL_IDAWS];
	struct cp_tic tic_inl[CP_INL_TICS];
	struct cp_idal_pin ipin_inl[CP_INL_IDAL_PINS];
};

#if IS_ENABLED(CONFIG_KUNIT)
atomic_long_t vfio_ccw_cp_nr_allocs;
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_nr_allocs);

static void cp_count_alloc(void)
{
	atomic_long_inc(&vfio_ccw_cp_nr_allocs);
}
#else
static void cp_count_alloc(void)
{
}
#endif

/*
 * Make room for @need elements of @size bytes in the array *@p of *@cap
 * elements, which starts in @inl: at least double it, and at least @min.
 */
static int cp_grow(void **p, const void *inl, unsigned int *cap,
		   unsigned int need, size_t size, unsigned int min)
{
	unsigned int ncap;
	void *q;

	if (need <= *cap)
		return 0;
	ncap = max3(need, 2 * *cap, min);
	cp_count_alloc();
	q = kvmalloc_array(ncap, size, GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	memcpy(q, *p, (size_t)*cap * size);
	if (*p != inl)
		kvfree(*p);
	*p = q;
	*cap = ncap;
	return 0;
}

static void cp_ungrow(void *p, const void *inl)
{
	if (p != inl)
		kvfree(p);
}

/*
 * The data area of every CCW that moves no data (no-op, zero count, read
 * with skip, suspend flag): zeroed, below 2 GiB (a format-1 CCW's data
 * address has 31 bits) and as large as the largest count, so that a
 * channel that transferred for such a CCW after all would touch nothing
 * but this area, never kernel memory next to a program. QEMU's emulated
 * channel refuses programs with more than 255 zero data addresses: it is
 * never 0.
 */
static void *cp_nodata;
#define CP_NODATA_ORDER	get_order(SZ_64K)

/**
 * vfio_ccw_cp_init() - allocate what every translation shares
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_ccw_cp_init(void)
{
	struct page *page;

	page = alloc_pages(GFP_KERNEL | GFP_DMA | __GFP_ZERO, CP_NODATA_ORDER);
	if (!page)
		return -ENOMEM;
	cp_nodata = page_address(page);
	return 0;
}

/** vfio_ccw_cp_exit() - free it, no program left */
void vfio_ccw_cp_exit(void)
{
	free_pages((unsigned long)cp_nodata, CP_NODATA_ORDER);
	cp_nodata = NULL;
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * vfio_ccw_cp_nodata_area() - the data area of CCWs that move no data
 *
 * Return: its address.
 */
void *vfio_ccw_cp_nodata_area(void)
{
	return cp_nodata;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_nodata_area);
#endif

static u8 cp_cmd_dir(u8 cmd)
{
	if (cmd == CCW_CMD_NOOP)
		return 0;
	if ((cmd & 0x0f) == CP_CMD_READ_BACK)
		return CP_ST_IN | CP_ST_BACK;
	if ((cmd & 0x0f) == CCW_CMD_BASIC_SENSE || (cmd & 0x03) == 0x02)
		return CP_ST_IN;
	if (cmd & 0x01)			/* write, control */
		return CP_ST_OUT;
	return 0;
}

static bool cp_is_tic(const struct ccw1 *ccw)
{
	return (ccw->cmd_code & 0x0f) == CCW_CMD_TIC;
}

static void cp_gen_init(struct cp_gen *gen)
{
	gen->segs = gen->seg_inl;
	gen->segs_cap = ARRAY_SIZE(gen->seg_inl);
	gen->pins = gen->pin_inl;
	gen->pins_cap = ARRAY_SIZE(gen->pin_inl);
}

/* Unpin and free everything @gen holds, but not @gen itself. */
static void cp_gen_release(const struct vfio_ccw_dma_ops *ops, void *ctx,
			   struct cp_gen *gen)
{
	struct cp_chunk *c;
	unsigned int i;

	for (i = 0; i < gen->npins; i++)
		ops->unpin(ctx, gen->pins[i].rec);
	for (i = 0; i < gen->nsegs; i++)
		if (!gen->segs[i].inl)
			kfree(gen->segs[i].host);
	while (gen->chunks) {
		c = gen->chunks;
		gen->chunks = c->next;
		kfree(c);
	}
	cp_ungrow(gen->segs, gen->seg_inl);
	cp_ungrow(gen->pins, gen->pin_inl);
	gen->nsegs = 0;
	gen->npins = 0;
	cp_gen_init(gen);
}

static void cp_gen_free(const struct vfio_ccw_dma_ops *ops, void *ctx,
			struct cp_gen *gen)
{
	if (!gen)
		return;
	cp_gen_release(ops, ctx, gen);
	if (!gen->embedded)
		kfree(gen);
}

static int cp_gen_reserve_seg(struct cp_gen *gen)
{
	return cp_grow((void **)&gen->segs, gen->seg_inl, &gen->segs_cap,
		       gen->nsegs + 1, sizeof(*gen->segs), 4);
}

static int cp_gen_reserve_pins(struct cp_gen *gen, unsigned int more)
{
	return cp_grow((void **)&gen->pins, gen->pin_inl, &gen->pins_cap,
		       gen->npins + more, sizeof(*gen->pins), 16);
}

/* Undo the pins recorded after the first @npins. */
static void cp_gen_unpin_to(struct cp_builder *b, unsigned int npins)
{
	struct cp_gen *gen = b->gen;

	while (gen->npins > npins) {
		struct cp_pin *pin = &gen->pins[--gen->npins];

		b->ops->unpin(b->ctx, pin->rec);
		gen->npages -= pin->npage;
	}
}

/* Is @a the address of CCW *@idx of the @nr CCWs from address @base on? */
static bool cp_ccw_at(u32 base, unsigned int nr, u32 a, unsigned int *idx)
{
	u32 off = a - base;

	if (a < base || off % CP_CCW_SIZE || off / CP_CCW_SIZE >= nr)
		return false;
	*idx = off / CP_CCW_SIZE;
	return true;
}

/*
 * The host CCW for guest address @addr in a translated segment, or NULL.
 * A guard slot (a CCW rejected as a command, zeroed) is no translation:
 * entered another way the CCW may be valid.
 */
static struct cp_seg *cp_find_guest(struct cp_gen *gen, u32 addr,
				    unsigned int *idx)
{
	unsigned int i, k;

	for (i = 0; i < gen->nsegs; i++) {
		struct cp_seg *seg = &gen->segs[i];

		if (cp_ccw_at(seg->guest, seg->nr, addr, &k) &&
		    !(seg->st[k] & CP_ST_REDIR) &&
		    ((seg->st[k] & ~CP_ST_OPT) || seg->host[k].cmd_code)) {
			*idx = k;
			return seg;
		}
	}
	return NULL;
}

/* The translated CCW at host address @cpa (guards excluded), or NULL. */
static struct cp_seg *cp_find_host(struct cp_gen *gen, u32 cpa,
				   unsigned int *idx)
{
	unsigned int i;

	for (i = 0; i < gen->nsegs; i++) {
		if (cp_ccw_at(gen->segs[i].hstart, gen->segs[i].nr, cpa, idx))
			return &gen->segs[i];
	}
	return NULL;
}

/*
 * Guest memory that cannot be read or pinned is -EFAULT, whatever the op
 * said (vfio_dma_rw() and vfio_pin_pages() answer -EINVAL for an unmapped
 * IOVA, -EPERM for a read-only one); only -ENOMEM stays what it is.
 */
static int cp_guest_err(int err)
{
	return err == -ENOMEM ? err : -EFAULT;
}

static int cp_read(struct cp_builder *b, u64 iova, void *buf, size_t len)
{
	int ret = b->ops->read(b->ctx, iova, buf, len);

	return ret ? cp_guest_err(ret) : 0;
}

/*
 * Copy @len guest bytes at @addr out of the read window @w, refilling the
 * window from @addr on when they are not in it. A window never crosses the
 * page of @addr: DMA mappings are page-granular, so whenever @addr is
 * mapped the rest of its page is too, and nothing past the end of a
 * mapping is ever touched. Bytes of the window behind what the program
 * uses are read but never looked at. Bytes that do not fit a window from
 * @addr are read directly. One read per window instead of one per CCW or
 * IDAL.
 */
static int cp_win_read(struct cp_builder *b, struct cp_win *w, u32 addr,
		       void *dst, u32 len)
{
	u32 n;
	int ret;

	if (!w->len || addr < w->at || addr - w->at + len > w->len) {
		n = min_t(u32, PAGE_SIZE - offset_in_page(addr), sizeof(w->buf));
		if ((u64)addr + n > b->limit)
			n = b->limit - addr;
		if (len > n)
			return cp_read(b, addr, dst, len);
		ret = cp_read(b, addr, w->buf, n);
		if (ret) {
			w->len = 0;
			return ret;
		}
		w->at = addr;
		w->len = n;
	}
	memcpy(dst, w->buf + (addr - w->at), len);
	return 0;
}

static int cp_fetch8(struct cp_builder *b, u32 addr, void *dst)
{
	return cp_win_read(b, &b->ccw_win, addr, dst, CP_CCW_SIZE);
}

static int cp_read_ccw(struct cp_builder *b, u32 addr, struct ccw1 *ccw)
{
	struct ccw0 ccw0;
	int ret;

	if (b->fmt1)
		return cp_fetch8(b, addr, ccw);

	ret = cp_fetch8(b, addr, &ccw0);
	if (ret)
		return ret;
	if ((ccw0.cmd_code & 0x0f) == CCW_CMD_TIC) {
		/* format 0: the high command bits, flags, count are ignored */
		ccw->cmd_code = CCW_CMD_TIC;
		ccw->flags = 0;
		ccw->count = 0;
	} else {
		ccw->cmd_code = ccw0.cmd_code;
		ccw->flags = ccw0.flags;
		ccw->count = ccw0.count;
	}
	ccw->cda = u32_to_dma32(ccw0.cda);
	return 0;
}

/*
 * Check one guest CCW entered with chaining state @cur and return its state
 * bits (>= 0), or -EFAULT for a CCW the channel rejects when it fetches it.
 * A TIC's target is checked when it is fetched.
 */
static __always_inline int cp_check_ccw(struct cp_builder *b,
					const struct ccw1 *ccw, u8 cur)
{
	bool dcin = cur & CP_ST_DCIN;

	if (cp_is_tic(ccw)) {
		if (ccw->cmd_code != CCW_CMD_TIC || ccw->flags || ccw->count)
			return -EFAULT;
		return (cur & CP_ST_CHAIN) | CP_ST_TIC;
	}
	if (ccw->flags & CP_FLAG_MIDA)
		return -EFAULT;
	/*
	 * A format-0 count of 0 cannot be said in the host's format 1. A
	 * zero count in a data chain can: the channel checks it.
	 */
	if (!ccw->count && !b->fmt1)
		return -EFAULT;
	if (dcin)
		return cur & CP_ST_CHAIN;
	if (!(ccw->cmd_code & 0x0f))
		return -EFAULT;
	return cp_cmd_dir(ccw->cmd_code);
}

/* Does @ccw, entered with state @st, move data? */
static bool cp_moves_data(const struct ccw1 *ccw, int st)
{
	if (!ccw->count || (ccw->flags & CCW_FLAG_SUSPEND))
		return false;
	if (st & CP_ST_OUT)
		return true;
	return (st & CP_ST_IN) && !(ccw->flags & CCW_FLAG_SKIP);
}

/*
 * May the CCW behind b->scan[@n - 1] be fetched as a new command by a
 * skip? It may when b->scan[@n - 2] is a command that chains commands
 * only: a status modifier at its end makes the channel skip
 * b->scan[@n - 1] and fetch the next CCW, whatever b->scan[@n - 1] is.
 */
static bool cp_sm_skips_to(const struct cp_builder *b, unsigned int n)
{
	const struct cp_scan *x;

	if (n < 2)
		return false;
	x = &b->scan[n - 2];
	return !(x->st & CP_ST_TIC) && !x->guard &&
	       (x->ccw.flags & (CCW_FLAG_CC | CCW_FLAG_DC)) == CCW_FLAG_CC;
}

/*
 * The state of @ccw, entered as a data-chain continuation with state @st
 * (cp_check_ccw()) and, by a status-modifier skip, as a new command. The
 * host copy must be right both ways: data pinned for both directions. A
 * command the channel rejects is rejected in the host copy too; a TIC
 * carries both ways of entry on to its target (*@tic_alt); a read
 * backward and a forward transfer through one data address cannot be
 * copied (-EINVAL).
 */
static int cp_merge_entry(struct cp_builder *b, const struct ccw1 *ccw,
			  int st, u8 cur, bool *tic_alt)
{
	const u8 dirs = CP_ST_IN | CP_ST_OUT | CP_ST_BACK;
	int sc = cp_check_ccw(b, ccw, cur & CP_ST_OPT);

	if (sc < 0)
		return st;
	if (st & CP_ST_TIC) {
		*tic_alt = true;
		return st;
	}
	/*
	 * Without data chaining on, a way in that moves no data asks nothing
	 * of the copy; with it, both directions go on down the chain.
	 */
	if (!(ccw->flags & CCW_FLAG_DC)) {
		if (!cp_moves_data(ccw, sc))
			return st;
		if (!cp_moves_data(ccw, st))
			return (st & ~dirs) | (sc & dirs);
	}
	if ((st & dirs) && (sc & dirs) &&
	    (st & CP_ST_BACK) != (sc & CP_ST_BACK))
		return -EINVAL;
	return st | (sc & dirs);
}

/*
 * Read the chain segment at guest address @addr into b->scan, entered in
 * chaining state @cur (CP_ST_OPT: the whole segment is optional). Return the
 * number of CCWs read (0: the first one is a fault of the channel's) or
 * -errno. A CCW the channel rejects ends the segment: its guard takes its
 * place. Where a status modifier can skip the CCW that ends the flow (a
 * TIC, a CCW the channel rejects), the scan goes on behind it with
 * optional CCWs; a CCW that the flow enters as a
 * data-chain continuation and a skip as a new command gets both states
 * (cp_merge_entry()).
 */
static int cp_scan_seg(struct cp_builder *b, u32 addr, u8 cur, bool alt0)
{
	unsigned int n = 0;
	int ret;

	for (;;) {
		struct ccw1 *ccw;
		bool opt = cur & CP_ST_OPT;
		bool alt = n ? cp_sm_skips_to(b, n) : alt0;
		bool guard = false, tic_alt = false;
		u64 at = (u64)addr + n * CP_CCW_SIZE;
		int st = 0;

		ret = cp_grow((void **)&b->scan, b->scan_inl, &b->scan_cap,
			      n + 1, sizeof(*b->scan), 64);
		if (ret)
			return ret;
		ccw = &b->scan[n].ccw;
		if (b->nccws + n >= VFIO_CCW_CP_MAX_CCWS)
			ret = -EINVAL;
		else if (at % CP_CCW_SIZE || at >= b->limit)
			ret = -EFAULT;
		else
			ret = cp_read_ccw(b, at, ccw);
		if (!ret) {
			st = cp_check_ccw(b, ccw, cur);
			if (st >= 0 && alt && (cur & CP_ST_DCIN))
				st = cp_merge_entry(b, ccw, st, cur, &tic_alt);
			if (st < 0)
				ret = st;
		}
		if (!ret && (st & CP_ST_TIC) &&
		    ++b->ntics > VFIO_CCW_CP_MAX_TICS)
			ret = -EINVAL;
		if (ret == -EFAULT) {
			/* the guard here ends the program (on the main path) */
			if (!opt)
				b->nends++;
			if (!cp_sm_skips_to(b, n + 1))
				break;
			/* a skip passes over it: a guard in its slot */
			memset(ccw, 0, sizeof(*ccw));
			guard = true;
			ret = 0;
			st = 0;
		}
		if (ret) {
			if (opt)
				break;
			return ret;
		}
		b->scan[n].st = st | (cur & CP_ST_OPT);
		b->scan[n].nidaw = 0;
		b->scan[n].guard = guard;
		b->scan[n].alt = tic_alt;
		n++;

		if (!(st & CP_ST_TIC) && !guard) {
			/*
			 * Not behind the chain's end or a suspension: a skip
			 * there is possible too, but what follows a program
			 * is not its own (see "What the channel decides").
			 */
			if ((ccw->flags & CCW_FLAG_SUSPEND) ||
			    !(ccw->flags & (CCW_FLAG_CC | CCW_FLAG_DC)))
				break;
			cur &= CP_ST_OPT;
			if (ccw->flags & CCW_FLAG_DC)
				cur |= CP_ST_DCIN | (st & (CP_ST_IN | CP_ST_OUT |
							    CP_ST_BACK));
			continue;
		}
		/* a TIC or a guard: a skip over it fetches the next CCW */
		if (!cp_sm_skips_to(b, n))
			break;
		cur = CP_ST_OPT;
	}
	return n;
}

/* IDAWs a transfer of @count bytes at first IDAW @a needs. */
static unsigned int cp_nr_idaws(u64 a, u32 count, u32 bs, bool back)
{
	u32 first = back ? (a & (bs - 1)) + 1 : bs - (a & (bs - 1));

	if (count <= first)
		return 1;
	return 1 + DIV_ROUND_UP(count - first, bs);
}

/* One guest IDAW at @at: 0, -EFAULT (not readable) or -ENOMEM. */
static int cp_read_idaw(struct cp_builder *b, u32 at, u64 *idaw)
{
	u32 v;
	int ret;

	if (b->idaw64)
		return cp_win_read(b, &b->idal_win, at, idaw, sizeof(*idaw));
	ret = cp_win_read(b, &b->idal_win, at, &v, sizeof(v));
	*idaw = v;
	return ret;
}

/*
 * Read the guest IDAL of @ccw into @idaw. Return the number of IDAWs the
 * count needs, of which the first *@nvalid are right: the channel faults
 * at the next one when the transfer reaches it (not on a block boundary,
 * format 1 beyond 31 bits, not readable or beyond the limit). When the
 * channel cannot even fetch the first IDAW (IDAL address misaligned,
 * beyond the limit, not readable), one IDAW, none of them right: the
 * command starts, its first transfer faults. -EINVAL over the driver's
 * limits, -ENOMEM.
 */
static int cp_read_idal(struct cp_builder *b, const struct ccw1 *ccw,
			bool back, u64 *idaw, unsigned int *nvalid)
{
	u32 ia = dma32_to_u32(ccw->cda);
	size_t w = b->idaw64 ? 8 : 4;
	unsigned int n, i;
	int ret;

	*nvalid = 0;
	if (ia % w || (u64)ia + w > b->limit)
		return 1;
	ret = cp_read_idaw(b, ia, &idaw[0]);
	if (ret == -EFAULT)
		return 1;
	if (ret)
		return ret;
	n = cp_nr_idaws(idaw[0], ccw->count, b->bs, back);
	if (n > VFIO_CCW_CP_MAX_IDAWS)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (i) {
			if ((u64)ia + (i + 1) * w > b->limit)
				break;
			ret = cp_read_idaw(b, ia + i * w, &idaw[i]);
			if (ret == -ENOMEM)
				return ret;
			if (ret)
				break;
		}
		if (!b->idaw64 && idaw[i] >> 31)
			break;
		if (i && (idaw[i] & (b->bs - 1)) != (back ? b->bs - 1 : 0))
			break;
	}
	*nvalid = i;
	return n;
}

/*
 * Cut the direct data area of @ccw into IDAWs; return the count, all of
 * them right (*@nvalid), or one, not right, when the area passes the
 * format's limit: the command starts, its first transfer faults, nothing
 * is transferred.
 */
static int cp_direct_idal(struct cp_builder *b, const struct ccw1 *ccw,
			  bool back, u64 *idaw, unsigned int *nvalid)
{
	u64 a = dma32_to_u32(ccw->cda);
	unsigned int n, i;

	*nvalid = 0;
	if (back && (a >= b->limit || a + 1 < ccw->count))
		return 1;
	if (!back && a + ccw->count > b->limit)
		return 1;
	n = cp_nr_idaws(a, ccw->count, b->bs, back);
	*nvalid = n;
	idaw[0] = a;
	for (i = 1; i < n; i++)
		idaw[i] = back ? (a & ~(u64)(b->bs - 1)) - 1 - (i - 1) * b->bs :
				 (a & ~(u64)(b->bs - 1)) + i * b->bs;
	return n;
}

/*
 * Pin @npage IOVA-contiguous pages at @iova in one call and record the
 * pin record in the generation, which owns it from now on.
 */
static int cp_pin_run(struct cp_builder *b, u64 iova, unsigned int npage,
		      int prot, struct page **pages)
{
	struct vfio_ccw_pin *rec;
	int ret;

	ret = cp_gen_reserve_pins(b->gen, 1);
	if (ret)
		return ret;
	rec = b->ops->pin(b->ctx, iova, npage, prot, pages);
	if (IS_ERR(rec))
		return cp_guest_err(PTR_ERR(rec));
	b->gen->pins[b->gen->npins++] = (struct cp_pin) {
		.rec = rec, .iova = iova, .npage = npage,
	};
	b->gen->npages += npage;
	return 0;
}

/*
 * Heapsort of @pg by IOVA. Not lib/sort.c: its compare and swap callbacks
 * are indirect calls, which cost more than the sorting itself here.
 */
static void cp_page_sift(struct cp_page *pg, unsigned int root,
			 unsigned int n)
{
	struct cp_page v = pg[root];
	unsigned int child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && pg[child + 1].iova > pg[child].iova)
			child++;
		if (pg[child].iova <= v.iova)
			break;
		pg[root] = pg[child];
		root = child;
	}
	pg[root] = v;
}

static void cp_page_sort(struct cp_page *pg, unsigned int n)
{
	unsigned int i;

	for (i = n / 2; i-- > 0;)
		cp_page_sift(pg, i, n);
	for (i = n; i-- > 1;) {
		swap(pg[0], pg[i]);
		cp_page_sift(pg, 0, i);
	}
}

/* Do the @count bytes at @a (ending there if @back) lie in one page? */
static bool cp_one_page(u64 a, u32 count, bool back)
{
	u64 lo = back ? a - (count - 1) : a;

	return count && (lo >> PAGE_SHIFT) == ((lo + count - 1) >> PAGE_SHIFT);
}

/*
 * The host CCW @ccw, whose data lies in one page, addresses it directly
 * instead of through its IDAL when the guest's CCW does and the host
 * address fits a format-1 data address (31 bits): the host program then
 * uses IDAWs exactly where the guest's does, or where the guest's data
 * crosses a page (fewer IDAWs to fetch, and a channel that treats the two
 * ways differently sees the guest's way).
 */
static void cp_try_direct(struct ccw1 *ccw)
{
	u64 a = dma64_to_u64(*(dma64_t *)dma32_to_virt(ccw->cda));

	if (a == CP_FAULT_ADDR || a + ccw->count > SZ_2G)
		return;
	/* its IDAWs cut one page in blocks: the first designates the data */
	ccw->flags &= ~CCW_FLAG_IDA;
	ccw->cda = u32_to_dma32((u32)a);
}

/*
 * A run of pages that could not be pinned at once: pin them one by one. A
 * page that cannot be pinned for writing is pinned for reading when
 * @ro_fallback allows it (its @prot then says so); a page that cannot be
 * pinned at all (not mapped) gets a NULL page: the IDAWs that need what
 * the pin lacks designate no storage. Return 0 or -ENOMEM.
 */
static int cp_pin_each(struct cp_builder *b, struct cp_page *pg,
		       unsigned int n, struct page **pages, bool ro_fallback)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = cp_pin_run(b, pg[i].iova, 1, pg[i].prot, &pages[i]);
		if (ret == -EFAULT && ro_fallback &&
		    (pg[i].prot & IOMMU_WRITE)) {
			pg[i].prot = IOMMU_READ;
			ret = cp_pin_run(b, pg[i].iova, 1, pg[i].prot,
					 &pages[i]);
		}
		if (ret == -EFAULT)
			pages[i] = NULL;
		else if (ret)
			return ret;
	}
	return 0;
}

/*
 * The one pin loop: the @np distinct pages @pg, in runs of IOVA-contiguous
 * pages of equal access (at most VFIO_CCW_CP_PIN_BATCH a call, never
 * across the top of the IOVA space), a run that cannot be pinned at once
 * page by page (cp_pin_each()). Return 0 or -ENOMEM.
 */
static int cp_pin_pages(struct cp_builder *b, struct cp_page *pg,
			unsigned int np, struct page **pages, bool ro_fallback)
{
	unsigned int i, run;
	int ret;

	for (i = 0; i < np; i += run) {
		run = 1;
		while (i + run < np && run < VFIO_CCW_CP_PIN_BATCH &&
		       pg[i + run - 1].iova != CP_TOP_PAGE &&
		       pg[i + run].iova == pg[i].iova + run * PAGE_SIZE &&
		       pg[i + run].prot == pg[i].prot)
			run++;
		ret = cp_pin_run(b, pg[i].iova, run, pg[i].prot, &pages[i]);
		if (ret == -EFAULT)
			ret = cp_pin_each(b, &pg[i], run, &pages[i],
					  ro_fallback);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Pin the pages of @n IDAWs of an optional CCW, for @prot, and turn every
 * IDAW into a host physical address, or CP_FAULT_ADDR where its page
 * cannot be pinned. (The pages of every other CCW are pinned with the
 * whole program, by cp_pin_pending().)
 */
static int cp_pin_idaws(struct cp_builder *b, u64 *idaw, unsigned int n,
			int prot)
{
	struct page *pages[VFIO_CCW_CP_MAX_IDAWS];
	struct cp_page pg[VFIO_CCW_CP_MAX_IDAWS];
	u8 map[VFIO_CCW_CP_MAX_IDAWS];
	unsigned int np = 0, i;
	int ret;

	for (i = 0; i < n; i++) {
		u64 p = idaw[i] & PAGE_MASK;

		if (!np || pg[np - 1].iova != p)
			pg[np++] = (struct cp_page) { .iova = p, .prot = prot };
		map[i] = np - 1;
	}
	/* not read-only for a read: the pin is the optional CCW's alone */
	ret = cp_pin_pages(b, pg, np, pages, false);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		const struct cp_page *q = &pg[map[i]];

		/* not pinned as needed: the channel faults here */
		idaw[i] = !pages[map[i]] || (prot & ~q->prot) ? CP_FAULT_ADDR :
			  page_to_phys(pages[map[i]]) + (idaw[i] & ~PAGE_MASK);
	}
	return 0;
}

/*
 * Pin every page the deferred IDALs name: each distinct page once, with
 * the access of all its users, in runs of IOVA-contiguous pages of equal
 * access (at most VFIO_CCW_CP_PIN_BATCH a call). Then replace the guest
 * addresses in the IDALs by host physical addresses, or by CP_FAULT_ADDR
 * for a page that cannot be pinned.
 */
static int cp_pin_pending(struct cp_builder *b)
{
	unsigned int total = b->nipin_idaws, np, i, k, run;
	struct cp_page *pg;
	struct page **pages;
	u32 *map;
	int ret;

	if (!total)
		return 0;
	/*
	 * b->idaw is free again: a page, its access and its IDAW; then its
	 * page; then, for each pending IDAW, the index of its distinct page
	 */
	BUILD_BUG_ON(sizeof(*pg) != 2 * sizeof(*b->idaw) ||
		     sizeof(*pages) != sizeof(*b->idaw) ||
		     2 * sizeof(*map) != sizeof(*b->idaw));
	ret = cp_grow((void **)&b->idaw, b->idaw_inl, &b->idaw_cap,
		      3 * total + DIV_ROUND_UP(total, 2), sizeof(*b->idaw), 0);
	if (ret)
		return ret;
	pg = (struct cp_page *)b->idaw;
	pages = (struct page **)(b->idaw + 2 * total);
	map = (u32 *)(b->idaw + 3 * total);
	for (i = 0, k = 0; i < b->nipin; i++) {
		unsigned int j;

		for (j = 0; j < b->ipin[i].n; j++, k++) {
			pg[k].iova = dma64_to_u64(b->ipin[i].idal[j]) &
				     PAGE_MASK;
			pg[k].prot = b->ipin[i].prot;
			pg[k].ref = k;
		}
	}
	cp_page_sort(pg, total);
	/* distinct pages in place; each IDAW learns the index of its page */
	map[pg[0].ref] = 0;
	for (i = 1, np = 1; i < total; i++) {
		u32 ref = pg[i].ref;

		if (pg[i].iova == pg[np - 1].iova)
			pg[np - 1].prot |= pg[i].prot;
		else
			pg[np++] = pg[i];
		map[ref] = np - 1;
	}

	ret = cp_pin_pages(b, pg, np, pages, true);
	if (ret)
		return ret;

	for (i = 0, run = 0; i < b->nipin; i++) {
		unsigned int j;

		for (j = 0; j < b->ipin[i].n; j++, run++) {
			u64 a = dma64_to_u64(b->ipin[i].idal[j]);

			k = map[run];
			/* not pinned as needed: the channel faults here */
			if (!pages[k] || (b->ipin[i].prot & ~pg[k].prot))
				a = CP_FAULT_ADDR;
			else
				a = page_to_phys(pages[k]) + (a & ~PAGE_MASK);
			b->ipin[i].idal[j] = u64_to_dma64(a);
		}
		if (b->ipin[i].direct)
			cp_try_direct(b->ipin[i].direct);
	}
	return 0;
}

/*
 * The IDAWs of scanned CCW @s, at guest addresses, into @idaw (room for
 * VFIO_CCW_CP_MAX_IDAWS), @s->nvalid of them right; @data sums the counts
 * of the segment so far. Return their number (0: the CCW transfers no
 * data), or -EINVAL over the driver's limits, -ENOMEM.
 */
static int cp_prep_ccw(struct cp_builder *b, struct cp_scan *s,
		       u64 *idaw, u64 *data)
{
	const struct ccw1 *ccw = &s->ccw;
	bool back = s->st & CP_ST_BACK;
	unsigned int nvalid;
	int n;

	s->nvalid = 0;
	if (s->st & CP_ST_TIC)
		return 0;
	if ((ccw->flags & CCW_FLAG_SUSPEND) || !ccw->count ||
	    !(s->st & (CP_ST_IN | CP_ST_OUT)))
		return 0;
	/* skipped when read; a CCW also entered as a write is not */
	if ((s->st & (CP_ST_IN | CP_ST_OUT)) == CP_ST_IN &&
	    (ccw->flags & CCW_FLAG_SKIP))
		return 0;
	if (b->data + *data + ccw->count > VFIO_CCW_CP_MAX_DATA)
		return -EINVAL;

	if (ccw->flags & CCW_FLAG_IDA)
		n = cp_read_idal(b, ccw, back, idaw, &nvalid);
	else
		n = cp_direct_idal(b, ccw, back, idaw, &nvalid);
	if (n > 0) {
		*data += ccw->count;
		s->nvalid = nvalid;
	}
	return n;
}

/*
 * Room for an IDAL of @n IDAWs: from the segment's block at *@blk when it
 * holds the segment's IDALs, else from a chunk.
 */
static dma64_t *cp_idal_get(struct cp_builder *b, dma64_t **blk,
			    unsigned int n)
{
	struct cp_chunk *c;
	unsigned int cnt;
	dma64_t *idal;

	if (*blk) {
		idal = *blk;
		*blk += n;
		return idal;
	}
	if (b->chunk_left < n) {
		cnt = clamp_t(unsigned int, b->chunk_need, n, CP_CHUNK_IDAWS);
		cp_count_alloc();
		c = kmalloc(struct_size(c, idaw, cnt), GFP_KERNEL | GFP_DMA);
		if (!c)
			return NULL;
		c->next = b->gen->chunks;
		b->gen->chunks = c;
		b->chunk_at = c->idaw;
		b->chunk_left = cnt;
	}
	idal = b->chunk_at;
	b->chunk_at += n;
	b->chunk_left -= n;
	b->chunk_need -= min(n, b->chunk_need);
	return idal;
}

/*
 * Copy the scanned CCW @i into @seg and translate its data, whose IDAWs
 * cp_prep_ccw() put at @idaw; the IDAL comes from cp_idal_get(@blk).
 */
static int cp_xlate_ccw(struct cp_builder *b, struct cp_seg *seg,
			unsigned int i, u64 *idaw, dma64_t **blk)
{
	const struct cp_scan *s = &b->scan[i];
	struct ccw1 *host = &seg->host[i];
	unsigned int npins = b->gen->npins;
	unsigned int n = s->nidaw, k;
	/* a skipped read stores nothing (the CCW may be a write too) */
	int prot = (s->st & CP_ST_IN) && !(s->ccw.flags & CCW_FLAG_SKIP) ?
		   IOMMU_READ | IOMMU_WRITE : IOMMU_READ;
	bool direct = !(s->ccw.flags & CCW_FLAG_IDA) && s->nvalid == n &&
		      cp_one_page(idaw[0], s->ccw.count, s->st & CP_ST_BACK);
	dma64_t *idal;
	int ret;

	*host = s->ccw;
	seg->st[i] = s->st;
	if (s->st & CP_ST_TIC) {
		host->cda = 0;		/* linked later */
		return 0;
	}
	/* Moves no data: the shared zeroed area (see cp_nodata). */
	host->flags &= ~CCW_FLAG_IDA;
	host->cda = virt_to_dma32(cp_nodata);
	if (!n)
		return 0;

	idal = cp_idal_get(b, blk, n);
	if (!idal)
		return -ENOMEM;
	if (!s->nvalid) {
		/* the channel faults at the first IDAW */
	} else if (s->st & CP_ST_OPT) {
		/* pinned now: a failure only cuts the segment here */
		ret = cp_pin_idaws(b, idaw, s->nvalid, prot);
		if (ret) {
			cp_gen_unpin_to(b, npins);
			return ret;
		}
	} else {
		/* pinned with the whole program by cp_pin_pending() */
		ret = cp_grow((void **)&b->ipin, b->ipin_inl, &b->ipin_cap,
			      b->nipin + 1, sizeof(*b->ipin), 64);
		if (ret)
			return ret;
		b->ipin[b->nipin++] = (struct cp_idal_pin) {
			.idal = idal, .n = s->nvalid, .prot = prot,
			.direct = direct ? host : NULL,
		};
		b->nipin_idaws += s->nvalid;
	}
	for (k = 0; k < n; k++)
		idal[k] = u64_to_dma64(k < s->nvalid ? idaw[k] : CP_FAULT_ADDR);
	b->data += s->ccw.count;
	host->flags |= CCW_FLAG_IDA;
	host->cda = virt_to_dma32(idal);
	/* pinned already (optional CCW): may go direct now */
	if (direct && (s->st & CP_ST_OPT))
		cp_try_direct(host);
	return 0;
}

/*
 * Step 1 of cp_add_seg(): the IDAWs of the @n CCWs just scanned, at guest
 * addresses, into b->idaw. Return how many CCWs are prepared (fewer than
 * @n when an optional one is cut off with the rest) or -errno; *@nidaws
 * is the number of their IDAWs.
 */
static int cp_seg_prep(struct cp_builder *b, unsigned int n,
		       unsigned int *nidaws)
{
	unsigned int m;
	u64 data = 0;
	int ret;

	*nidaws = 0;
	for (m = 0; m < n; m++) {
		/* sized once for one IDAW a CCW, cp_pin_pending()'s use too */
		ret = cp_grow((void **)&b->idaw, b->idaw_inl, &b->idaw_cap,
			      *nidaws + VFIO_CCW_CP_MAX_IDAWS, sizeof(*b->idaw),
			      4 * (b->nipin_idaws + n) +
			      VFIO_CCW_CP_MAX_IDAWS);
		if (ret)
			return ret;
		ret = cp_prep_ccw(b, &b->scan[m], b->idaw + *nidaws, &data);
		if (ret < 0) {
			/* an optional CCW is cut off with the rest */
			if (ret == -ENOMEM || !(b->scan[m].st & CP_ST_OPT))
				return ret;
			break;
		}
		b->scan[m].nidaw = ret;
		*nidaws += ret;
	}
	return m;
}

/*
 * Step 2 of cp_add_seg(): a new segment at guest address @addr with room
 * for @n CCWs, their guards and state bits, and, when all of it fits in a
 * page, for @nidaws IDAWs (*@blk then points there; else it is NULL and
 * the IDALs come from chunks). The first small segment of a program lives
 * in the program. Return the segment or an ERR_PTR().
 */
static struct cp_seg *cp_seg_alloc(struct cp_builder *b, u32 addr,
				   unsigned int n, unsigned int nidaws,
				   dma64_t **blk)
{
	struct cp_gen *gen = b->gen;
	size_t size = (n + CP_GUARDS) * sizeof(struct ccw1) + n;
	struct cp_seg *seg;
	struct ccw1 *host;
	bool inl;
	int ret;

	ret = cp_gen_reserve_seg(gen);
	if (ret)
		return ERR_PTR(ret);
	if (size + nidaws * sizeof(**blk) > PAGE_SIZE) {
		b->chunk_need = nidaws;
		nidaws = 0;
	}
	inl = b->seg0 && size + nidaws * sizeof(**blk) <= CP_SEG0_BYTES;
	if (inl) {
		host = (struct ccw1 *)b->seg0;
		b->seg0 = NULL;
	} else {
		cp_count_alloc();
		host = kzalloc(size + nidaws * sizeof(**blk),
			       GFP_KERNEL | GFP_DMA);
		if (!host)
			return ERR_PTR(-ENOMEM);
	}
	seg = &gen->segs[gen->nsegs++];
	memset(seg, 0, sizeof(*seg));
	seg->inl = inl;
	seg->guest = addr;
	seg->hstart = dma32_to_u32(virt_to_dma32(host));
	seg->cap = n;
	seg->host = host;
	*blk = (dma64_t *)(host + n + CP_GUARDS);
	seg->st = (u8 *)(*blk + nidaws);
	if (!nidaws)
		*blk = NULL;
	return seg;
}

/*
 * Step 3 of cp_add_seg(): copy and translate the @m prepared CCWs into
 * @seg, whose IDALs come from @blk. An optional CCW that fails becomes the
 * segment's end (a guard). Return 0 or -errno.
 */
static int cp_seg_emit(struct cp_builder *b, struct cp_seg *seg,
		       unsigned int m, dma64_t *blk)
{
	unsigned int i, off;
	int ret;

	for (i = 0, off = 0; i < m; off += b->scan[i++].nidaw) {
		ret = cp_xlate_ccw(b, seg, i, b->idaw + off, &blk);
		if (ret) {
			if (ret == -ENOMEM || !(b->scan[i].st & CP_ST_OPT))
				return ret;
			memset(&seg->host[i], 0, sizeof(seg->host[i]));
			break;
		}
	}
	seg->nr = i;
	b->nccws += i;
	return 0;
}

/*
 * Step 4 of cp_add_seg(): queue the TICs of segment @si for linking and
 * count the CCWs that end a chain. Return 0 or -ENOMEM.
 */
static int cp_seg_queue_tics(struct cp_builder *b, unsigned int si)
{
	const struct cp_seg *seg = &b->gen->segs[si];
	unsigned int i;
	int ret;

	for (i = 0; i < seg->nr; i++) {
		const struct ccw1 *ccw = &seg->host[i];

		if (seg->st[i] & CP_ST_TIC) {
			ret = cp_grow((void **)&b->tic, b->tic_inl,
				      &b->tic_cap, b->ntic_todo + 1,
				      sizeof(*b->tic), 16);
			if (ret)
				return ret;
			b->tic[b->ntic_todo++] = (struct cp_tic) {
				.target = dma32_to_u32(b->scan[i].ccw.cda),
				.seg = si,
				.idx = i,
				.st = seg->st[i] & (CP_ST_CHAIN | CP_ST_OPT),
				.alt = b->scan[i].alt,
			};
		} else if ((ccw->flags & CCW_FLAG_SUSPEND) ||
			   !(ccw->flags & (CCW_FLAG_CC | CCW_FLAG_DC))) {
			b->nends++;
		}
	}
	return 0;
}

/*
 * Read and translate the segment at @addr entered in state @st. Return the
 * new segment's index (of a segment that may be empty: only its guard) or
 * -errno.
 *
 * The segment is read whole (cp_scan_seg()), then the IDAWs of all its CCWs
 * are prepared, so that its block is allocated once, at its size; then its
 * CCWs are translated and its TICs queued.
 */
static int cp_add_seg(struct cp_builder *b, u32 addr, u8 st, bool alt)
{
	unsigned int nidaws;
	struct cp_seg *seg;
	dma64_t *blk;
	int n, m, ret;

	n = cp_scan_seg(b, addr, st, alt);
	if (n < 0)
		return n;
	/* n == 0: an empty segment, its guard, where the channel faults */
	m = cp_seg_prep(b, n, &nidaws);
	if (m < 0)
		return m;
	seg = cp_seg_alloc(b, addr, n, nidaws, &blk);
	if (IS_ERR(seg))
		return PTR_ERR(seg);
	ret = cp_seg_emit(b, seg, m, blk);
	if (ret)
		return ret;
	ret = cp_seg_queue_tics(b, b->gen->nsegs - 1);
	if (ret)
		return ret;
	return b->gen->nsegs - 1;
}

/* Link the TIC of @w to its target, translating the target if needed. */
static int cp_link_tic(struct cp_builder *b, const struct cp_tic *w)
{
	struct cp_gen *gen = b->gen;
	struct cp_seg *seg;
	struct ccw1 *target;
	unsigned int idx;
	int ret;

	seg = cp_find_guest(gen, w->target, &idx);
	if (seg) {
		u8 st = seg->st[idx];

		if (((st | w->st) & CP_ST_DCIN) && !(st & CP_ST_TIC) &&
		    (st & CP_ST_CHAIN) != (w->st & CP_ST_CHAIN))
			ret = -EINVAL;		/* entered in two data chains */
		else if (w->alt && !(st & CP_ST_TIC))
			ret = -EINVAL;		/* and as a command, translated */
		else
			ret = 0;
		target = &seg->host[idx];
	} else {
		ret = cp_add_seg(b, w->target, w->st, w->alt);
		if (ret >= 0) {
			seg = &gen->segs[ret];
			idx = 0;
			target = &seg->host[0];
			ret = 0;
		}
	}
	/* a TIC to a TIC: the channel rejects the second one, and ends */
	if (!ret && idx < seg->nr && (seg->st[idx] & CP_ST_TIC))
		b->nends++;
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		if (!(w->st & CP_ST_OPT))
			return ret;
		/* an optional TIC that leads nowhere: a guard */
		memset(&gen->segs[w->seg].host[w->idx], 0, sizeof(*target));
		return 0;
	}
	gen->segs[w->seg].host[w->idx].cda = virt_to_dma32(target);
	return 0;
}

/* Is the host CCW at @cpa a translated TIC? */
static bool cp_host_is_tic(struct cp_gen *gen, u32 cpa)
{
	unsigned int idx;
	struct cp_seg *seg = cp_find_host(gen, cpa, &idx);

	return seg && (seg->st[idx] & CP_ST_TIC);
}

/*
 * Translate the guest program of @cp's ORB from guest address @cpa on into
 * @gen, initialised and empty. On error @gen is left empty.
 */
static int cp_build(const struct vfio_ccw_cp *cp, u32 cpa,
		    struct cp_gen *gen)
{
	const struct cmd_orb *orb = &cp->orb.cmd;
	struct cp_builder b = {
		.ops = cp->ops,
		.ctx = cp->ctx,
		.fmt1 = orb->fmt,
		.idaw64 = orb->c64,
		.bs = orb->c64 && !orb->i2k ? SZ_4K : SZ_2K,
		.limit = orb->fmt ? 1ULL << 31 : 1ULL << 24,
		.scan_cap = CP_INL_CCWS,
		.idaw_cap = CP_INL_IDAWS,
		.tic_cap = CP_INL_TICS,
		.ipin_cap = CP_INL_IDAL_PINS,
		.gen = gen,
		.seg0 = gen->embedded ?
			container_of(gen, struct vfio_ccw_cp, gen0)->seg0 : NULL,
	};
	struct ccw1 *entry;
	int ret;

	BUILD_BUG_ON(CP_INL_IDAWS < VFIO_CCW_CP_MAX_IDAWS);
	b.scan = b.scan_inl;
	b.idaw = b.idaw_inl;
	b.tic = b.tic_inl;
	b.ipin = b.ipin_inl;

	ret = cp_add_seg(&b, cpa, 0, false);
	while (ret >= 0 && b.ntic_todo) {
		/* by value: linking pushes new work into the popped slot */
		struct cp_tic w = b.tic[--b.ntic_todo];

		ret = cp_link_tic(&b, &w);
	}
	if (ret >= 0 && !b.nends)
		ret = -EINVAL;		/* the chain never ends */
	if (ret >= 0)
		ret = cp_pin_pending(&b);
	if (ret < 0) {
		cp_gen_release(cp->ops, cp->ctx, gen);
		goto out;
	}

	entry = &gen->segs[0].host[0];
	/* a first TIC is followed at once, unless to a TIC (rejected) */
	if (gen->segs[0].nr && (gen->segs[0].st[0] & CP_ST_TIC) &&
	    !cp_host_is_tic(gen, dma32_to_u32(entry->cda)))
		entry = dma32_to_virt(entry->cda);
	gen->entry = entry;
	ret = 0;
out:
	cp_ungrow(b.ipin, b.ipin_inl);
	cp_ungrow(b.tic, b.tic_inl);
	cp_ungrow(b.idaw, b.idaw_inl);
	cp_ungrow(b.scan, b.scan_inl);
	return ret;
}

/**
 * vfio_ccw_cp_translate() - translate a guest channel program
 * @ops: how to reach guest memory
 * @ctx: passed to @ops
 * @orb: the guest's command-mode ORB (guest addresses)
 * @cpp: set to the translated program on success, NULL otherwise
 *
 * Reads the guest's CCWs and IDALs through @ops->read, pins the data pages
 * through @ops->pin and builds a host copy below 2 GiB. May sleep.
 *
 * Return: 0; -EOPNOTSUPP for a transport-mode ORB; -EINVAL for a malformed
 * program or one over the limits of vfio_ccw_cp.h; -EFAULT when a CCW, IDAL
 * or data page of the program cannot be read or pinned (not mapped, or
 * read-only for a read-type CCW), whatever @ops returned; -ENOMEM. On
 * error nothing stays pinned or allocated.
 */
int vfio_ccw_cp_translate(const struct vfio_ccw_dma_ops *ops, void *ctx,
			  const union orb *orb, struct vfio_ccw_cp **cpp)
{
	struct vfio_ccw_cp *cp;
	int ret;

	*cpp = NULL;
	if (orb->tm.b)
		return -EOPNOTSUPP;
	/*
	 * Bits 25-30 are reserved. Bit 5 (res1 in orb.h) is the streaming-
	 * mode control and goes to the channel like every control the guest
	 * chose; bit 13 (res2) is the transport-mode bit b.
	 */
	if (orb->cmd.orbx || orb->cmd.zero)
		return -EINVAL;

	cp_count_alloc();
	/* GFP_DMA: seg0 may hold the translated CCWs */
	cp = kzalloc(sizeof(*cp), GFP_KERNEL | GFP_DMA);
	if (!cp)
		return -ENOMEM;
	cp->ops = ops;
	cp->ctx = ctx;
	cp->orb = *orb;
	cp_gen_init(&cp->gen0);
	cp->gen0.embedded = true;
	ret = cp_build(cp, dma32_to_u32(orb->cmd.cpa), &cp->gen0);
	if (ret) {
		kfree(cp);
		return ret;
	}
	RCU_INIT_POINTER(cp->gen, &cp->gen0);
	*cpp = cp;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_translate);

/**
 * vfio_ccw_cp_free() - unpin and free a translated program
 * @cp: the program, or NULL
 *
 * The caller guarantees that the channel no longer uses @cp and that no
 * other function runs on it. May sleep.
 */
void vfio_ccw_cp_free(struct vfio_ccw_cp *cp)
{
	if (!cp)
		return;
	cp_gen_free(cp->ops, cp->ctx, rcu_dereference_protected(cp->gen, 1));
	kfree(cp);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_free);

/**
 * vfio_ccw_cp_build_orb() - the ORB that starts the translated program
 * @cp: the program
 * @intparm: the interruption parameter to issue
 * @orb: filled in
 *
 * The guest's ORB with @intparm, the CCW address of the host copy, format-1
 * CCWs and format-2 IDAWs (c64); i2k is set when the guest's IDAWs or
 * direct addresses are cut in 2 KiB blocks. The logical-path mask is the
 * guest's (the caller substitutes its own when it is 0).
 */
void vfio_ccw_cp_build_orb(const struct vfio_ccw_cp *cp, u32 intparm,
			   union orb *orb)
{
	const struct cp_gen *gen;

	*orb = cp->orb;
	orb->cmd.intparm = intparm;
	orb->cmd.fmt = 1;
	orb->cmd.i2k = cp->orb.cmd.c64 ? cp->orb.cmd.i2k : 1;
	orb->cmd.c64 = 1;
	rcu_read_lock();
	gen = rcu_dereference(cp->gen);
	orb->cmd.cpa = virt_to_dma32(gen->entry);
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_build_orb);

/**
 * vfio_ccw_cp_guest_cpa() - map a host CCW address back to the guest's
 * @cp: the program, or NULL
 * @cpa: the CCW address of a SCSW stored by the channel
 *
 * The channel reports the address of the last CCW it used plus 8 (or the
 * address of a CCW): @cpa - 8 is looked up first, then @cpa, in every
 * segment of the current translation including its guard CCWs, so a CCW
 * reached through a TIC maps to its own guest address. Any context: no
 * sleeping, no allocation.
 *
 * The channel only ever runs our copies, so an address that is not in one
 * is a host address that means nothing to the guest (a stale one after a
 * clear, say): it must not reach user space, which would learn host
 * physical addresses from it.
 *
 * Return: the guest's address, or 0 when @cpa is not in @cp (or no @cp).
 */
u32 vfio_ccw_cp_guest_cpa(const struct vfio_ccw_cp *cp, u32 cpa)
{
	const struct cp_gen *gen;
	u32 ret = 0;
	unsigned int i, pass;

	if (!cp)
		return 0;
	rcu_read_lock();
	gen = rcu_dereference(cp->gen);
	for (pass = 0; pass < 2; pass++) {
		u32 at = cpa - (pass ? 0 : CP_CCW_SIZE);

		if (!pass && cpa < CP_CCW_SIZE)
			continue;
		for (i = 0; i < gen->nsegs; i++) {
			const struct cp_seg *seg = &gen->segs[i];
			u32 span = (seg->cap + CP_GUARDS) * CP_CCW_SIZE;

			if (at >= seg->hstart && at - seg->hstart < span) {
				ret = seg->guest + (cpa - seg->hstart);
				goto out;
			}
		}
	}
out:
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_guest_cpa);

/* Do [@a, @alast] and the @blen bytes at @b (@blen > 0) overlap? */
static bool cp_range_overlaps(u64 a, u64 alast, u64 b, u64 blen)
{
	return a <= b + (blen - 1) && b <= alast;
}

/**
 * vfio_ccw_cp_overlaps() - does the program use this guest memory?
 * @cp: the program, or NULL
 * @iova: first address of the guest range
 * @last: its last address (inclusive: a range may end at 2^64)
 *
 * Return: true when a pinned page or a translated guest CCW (which a resume
 * reads again) lies in [@iova, @last].
 */
bool vfio_ccw_cp_overlaps(const struct vfio_ccw_cp *cp, u64 iova, u64 last)
{
	const struct cp_gen *gen;
	bool ret = false;
	unsigned int i;

	if (!cp || last < iova)
		return false;
	rcu_read_lock();
	gen = rcu_dereference(cp->gen);
	for (i = 0; i < gen->npins && !ret; i++)
		ret = cp_range_overlaps(iova, last, gen->pins[i].iova,
					(u64)gen->pins[i].npage << PAGE_SHIFT);
	for (i = 0; i < gen->nsegs && !ret; i++)
		ret = gen->segs[i].nr &&
		      cp_range_overlaps(iova, last, gen->segs[i].guest,
					gen->segs[i].nr * CP_CCW_SIZE);
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_overlaps);

/*
 * Can the channel be suspended at host CCW @idx of @seg? An S-flagged CCW,
 * or a slot already redirected by a prepare whose RSCH did not happen (a
 * new prepare then starts from it again); not a redirected slot the
 * channel has left (vfio_ccw_cp_resumed()).
 */
static bool cp_is_slot(const struct cp_seg *seg, unsigned int idx)
{
	if (seg->st[idx] & CP_ST_REDIR)
		return !(seg->st[idx] & CP_ST_DONE);
	return seg->host[idx].flags & CCW_FLAG_SUSPEND;
}

/* The suspension slot of @gen for SCSW CCW address @cpa, or NULL. */
static struct cp_seg *cp_find_slot(struct cp_gen *gen, u32 cpa,
				   unsigned int *idx)
{
	struct cp_seg *seg, *found = NULL;
	unsigned int i, j, nfound = 0;

	/* The architecture's rule: the suspended CCW's address plus 8 */
	seg = cp_find_host(gen, cpa - CP_CCW_SIZE, idx);
	if (seg && cp_is_slot(seg, *idx))
		return seg;
	/* Tolerated: the suspended CCW's own address */
	seg = cp_find_host(gen, cpa, idx);
	if (seg && cp_is_slot(seg, *idx))
		return seg;
	/*
	 * A channel subsystem that leaves the CCW address alone (QEMU's
	 * emulated one does) can only be suspended at an S-flagged CCW of the
	 * current translation: accept the only one there is.
	 */
	for (i = 0; i < gen->nsegs; i++) {
		for (j = 0; j < gen->segs[i].nr; j++) {
			if (!(gen->segs[i].st[j] & CP_ST_TIC) &&
			    gen->segs[i].host[j].flags & CCW_FLAG_SUSPEND) {
				found = &gen->segs[i];
				*idx = j;
				nfound++;
			}
		}
	}
	return nfound == 1 ? found : NULL;
}

/**
 * vfio_ccw_cp_prepare_resume() - re-translate a suspended program
 * @cp: the program, suspended
 * @cpa: the CCW address of the SCSW at suspension (host address)
 *
 * Before RESUME SUBCHANNEL: reads the guest's program again from the
 * suspended CCW on, translates it like a new start and makes the suspended
 * host CCW a TIC to that translation, so that the channel's refetch sees the
 * guest's current program. The previous translation's pages are released.
 * The caller serialises this with every function but
 * vfio_ccw_cp_guest_cpa(). May sleep.
 *
 * Return: 0; -EINVAL when @cpa designates no suspended CCW of @cp or the
 * new program is malformed; the errors of vfio_ccw_cp_translate(). On error
 * @cp is unchanged.
 */
int vfio_ccw_cp_prepare_resume(struct vfio_ccw_cp *cp, u32 cpa)
{
	struct cp_gen *old = rcu_dereference_protected(cp->gen, 1);
	struct cp_gen *new;
	struct cp_seg *seg, *kept;
	unsigned int idx, i;
	int ret;

	seg = cp_find_slot(old, cpa, &idx);
	if (!seg)
		return -EINVAL;
	cp_count_alloc();
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	cp_gen_init(new);
	ret = cp_build(cp, seg->guest + idx * CP_CCW_SIZE, new);
	if (ret) {
		kfree(new);
		return ret;
	}
	ret = cp_gen_reserve_seg(new);
	if (ret) {
		cp_gen_free(cp->ops, cp->ctx, new);
		return ret;
	}

	/* From here on nothing fails. Move the slot's segment over. */
	kept = &new->segs[new->nsegs++];
	*kept = *seg;			/* chunked IDALs stay with @old */
	seg->host = NULL;
	seg->st = NULL;
	for (i = 0; i < kept->cap + CP_GUARDS; i++)
		if (i != idx)
			memset(&kept->host[i], 0, sizeof(kept->host[i]));
	for (i = 0; i < kept->nr; i++)
		kept->st[i] = 0;
	kept->st[idx] = CP_ST_REDIR;
	/*
	 * The channel refetches the slot as the guest's CCW there: when that
	 * is a TIC (kept as the entry because it leads to a TIC), the slot
	 * takes its place, so the channel rejects the TIC it leads to.
	 */
	kept->host[idx] = (struct ccw1) {
		.cmd_code = CCW_CMD_TIC,
		.cda = new->entry == &new->segs[0].host[0] &&
		       new->segs[0].nr && (new->segs[0].st[0] & CP_ST_TIC) ?
		       new->entry->cda : virt_to_dma32(new->entry),
	};

	rcu_assign_pointer(cp->gen, new);
	synchronize_rcu();
	cp_gen_free(cp->ops, cp->ctx, old);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_prepare_resume);

/**
 * vfio_ccw_cp_resumed() - the channel has resumed the program
 * @cp: the program, or NULL
 *
 * Called once RESUME SUBCHANNEL was accepted (cc 0): the channel has left
 * the slot that vfio_ccw_cp_prepare_resume() redirected, so that slot is no
 * longer a suspension point. Without this, a channel subsystem that leaves
 * the SCSW CCW address at the old slot when the program suspends again
 * (QEMU's does) would make the next prepare start over from the old slot
 * and free the translation the channel is suspended in. The caller
 * serialises this with vfio_ccw_cp_prepare_resume().
 */
void vfio_ccw_cp_resumed(struct vfio_ccw_cp *cp)
{
	struct cp_gen *gen;
	unsigned int i, j;

	if (!cp)
		return;
	gen = rcu_dereference_protected(cp->gen, 1);
	for (i = 0; i < gen->nsegs; i++)
		for (j = 0; j < gen->segs[i].nr; j++)
			if (gen->segs[i].st[j] & CP_ST_REDIR)
				gen->segs[i].st[j] |= CP_ST_DONE;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_resumed);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * vfio_ccw_cp_pins() - the pin records of a program's current translation
 * @cp: the program
 * @recs: filled with up to @max records
 * @max: room in @recs
 *
 * For the KUnit suite of the pin layer, which checks that every page a
 * live program references is pinned by a record the program owns.
 *
 * Return: the number of records (may exceed @max).
 */
int vfio_ccw_cp_pins(const struct vfio_ccw_cp *cp, struct vfio_ccw_pin **recs,
		     int max)
{
	const struct cp_gen *gen;
	int i, n;

	rcu_read_lock();
	gen = rcu_dereference(cp->gen);
	n = gen->npins;
	for (i = 0; i < n && i < max; i++)
		recs[i] = gen->pins[i].rec;
	rcu_read_unlock();
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_pins);
#endif

/**
 * vfio_ccw_cp_pinned() - pages the program keeps pinned
 * @cp: the program, or NULL
 *
 * Return: the number of pages pinned: each distinct page of the program
 * once (a page also used by a CCW reached only by a status-modifier skip
 * may count twice).
 */
unsigned long vfio_ccw_cp_pinned(const struct vfio_ccw_cp *cp)
{
	unsigned long ret;

	if (!cp)
		return 0;
	rcu_read_lock();
	ret = rcu_dereference(cp->gen)->npages;
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_cp_pinned);
