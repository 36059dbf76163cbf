// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_fidelity: the differential oracle. Seeded channel programs,
 * valid and invalid, run twice: natively, from kernel memory, on a
 * subchannel driven by the test-only runner vfio_ccw_native (as given, any
 * ORB format and option), and through vfio-ccw on an identical subchannel
 * (same virtio device type), with the program and its data at the same
 * offsets of a window of memory. The results are compared field by field:
 * condition code (a refused write is what QEMU makes of it), the SCSW word
 * by word with the CCW address as an offset into the window, the ESW, ECW
 * and EMW, whether the program ended suspended, and every byte of the
 * window. A difference prints the seed and the program, shrunk to the
 * smallest one that still differs.
 *
 * Some differences are intended: the driver refuses with a documented
 * errno where a faithful result is impossible or unsafe. Each has a rule
 * and a reason below (intended_reason()) and in Documentation/s390/
 * vfio-ccw.rst ("Fidelity"); every other difference fails the test.
 *
 * usage: VFIO_CCW_MDEV=<mdev uuid> vfio_ccw_fidelity
 *   VFIO_CCW_FIDELITY_N      programs (default 2000)
 *   VFIO_CCW_FIDELITY_SEED   first seed (default: from the clock, printed)
 *   VFIO_CCW_FIDELITY_CLASS  only this class of programs
 *   VFIO_CCW_FIDELITY_LOG    print every difference, not the first 20
 * Skips without the native runner (debugfs vfio_ccw_native/info): load
 * vfio_ccw_native.ko and give it a spare subchannel of the same device
 * type (see its header).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"
#include "hostile.h"
#include "vfio_ccw_native.h"

#define NATIVE_INFO	"/sys/kernel/debug/vfio_ccw_native/info"
#define NATIVE_RUN	"/sys/kernel/debug/vfio_ccw_native/run"

/* The window: program area, IDAL area, data area. */
#define WIN		VCCW_NATIVE_WINDOW
#define PROG_AT		0x0000u
#define PROG_END	0x4000u
#define IDAL_AT		0x4000u
#define IDAL_END	0x8000u
#define DATA_AT		0x8000u
#define DATA_END	WIN
/* Where the vfio side maps its window: below 16 MiB, for format 0. */
#define GUEST_BASE	0x400000ull
/* Absolute addresses outside the storage of the configuration. */
#define OUT31		0x7ff00000ull
#define OUT64		0x00007fff00000000ull

#define MAXC		1100
#define MAXI		2048

/* CCW flags, format 1 (format 0 has the same bits in its own byte). */
#define F_CD	0x80
#define F_CC	0x40
#define F_SLI	0x20
#define F_SKIP	0x10
#define F_PCI	0x08
#define F_IDA	0x04
#define F_S	0x02
#define F_MIDA	0x01

/* Command codes: virtio-ccw's read-only ones, and others. */
#define C_NOP		0x03
#define C_SENSE_ID	0xe4
#define C_READ_FEAT	0x12
#define C_READ_CONF	0x22
#define C_READ_VQ_CONF	0x32
#define C_READ_STATUS	0x72
#define C_TIC		0x08

/* How an address in a program is given. */
enum { A_WIN, A_RAW };

/**
 * struct gccw - one CCW of a generated program
 * @cmd: command code
 * @flags: F_*
 * @count: byte count
 * @ak: how @addr is given (A_WIN: window offset; A_RAW: absolute)
 * @addr: data address, IDAL address or TIC target
 * @at: window offset where the CCW is placed
 */
struct gccw {
	uint8_t cmd, flags;
	uint16_t count;
	uint8_t ak;
	uint64_t addr;
	uint32_t at;
};

/* One IDAW of a generated program, placed at window offset @at. */
struct gidaw {
	uint32_t at;
	uint8_t ak;
	uint64_t addr;
};

/**
 * struct gprog - a generated program
 * @cls: its class
 * @seed: the seed it came from
 * @orb: ORB word 1
 * @cpa: window offset of the first CCW (A_WIN), or an absolute address
 * @cpa_ak: how @cpa is given
 * @fill: seed of the window's initial contents
 * @n: CCWs in @c, in the order the channel fetches them
 * @ni: IDAWs in @i
 */
struct gprog {
	int cls;
	uint64_t seed;
	uint32_t orb;
	uint64_t cpa;
	uint8_t cpa_ak;
	uint64_t fill;
	int n, ni;
	struct gccw c[MAXC];
	struct gidaw i[MAXI];
};

/* How one side ended a program. */
struct outcome {
	int cc;			/* 0-3, or -1: refused (@err) */
	int err;		/* the refused write's errno */
	int nirq;
	bool suspended, timeout;
	struct ccw_irb irb;	/* the last interrupt's */
	uint8_t init[WIN];	/* the window before the start */
	uint8_t win[WIN];	/* and after the end */
};

enum {
	CL_BASIC, CL_FMT0, CL_IDAL, CL_TIC, CL_INVALID, CL_REJECT, CL_FLAGS,
	CL_SUSPEND, CL_OUTSIDE, CL_LIMITS, CL_ORB, CL_NR
};

static const char *const class_name[CL_NR] = {
	"basic", "fmt0", "idal", "tic", "invalid-cmd", "rejected-cmd",
	"flags", "suspend", "outside", "limits", "orb",
};

#define MAX_REASONS	16

struct class_stats {
	int n, identical, intended, differ;
	const char *reason[MAX_REASONS];
	int reason_n[MAX_REASONS];
};

/* What compare() found: the kind of the first difference. */
enum { D_NONE, D_CC, D_END, D_SCSW, D_ESW, D_MEM };
#define MAX_DIFF_BYTES	256

struct oracle {
	int diff;		/* D_* */
	int ndiff;		/* bytes stored differently (D_MEM) */
	uint32_t diff_at[MAX_DIFF_BYTES];
	struct vccw_dev dev;
	struct vccw_mem mem;
	struct vccw_native_info info;
	int run_fd;
	bool ours;
	bool outside_ok;	/* OUT31 is outside the storage */
	struct class_stats st[CL_NR];
	int logged, log_max;
	uint8_t *buf;		/* request / result buffer of the runner */
	struct outcome nat, vf;
};

/* ---------------------------------------------------------------------- */
/* Generation                                                              */
/* ---------------------------------------------------------------------- */

/*
 * The program area is cut into blocks of 32 CCWs. A chain fills a block
 * and goes on in a fresh one through a TIC, so that no CCW is ever placed
 * over another: every program ends (QEMU's channel runs a program inside
 * SSCH, and a loop of CCWs with data addresses would never end).
 */
#define BLOCK		0x100u
#define NBLOCKS		((PROG_END - PROG_AT) / BLOCK)

struct gen {
	struct hrng r;
	struct gprog *p;
	uint32_t prog_next;	/* next free offset in the program area */
	uint32_t block_end;	/* end of the current block; 0: contiguous */
	uint64_t used;		/* blocks in use */
	uint32_t idal_next;
	bool fmt0, c64, i2k;
};

static uint32_t pick(struct gen *g, const uint32_t *v, int n)
{
	return v[hrng_below(&g->r, n)];
}

/* One of the values given, at random. */
#define PICK(g, ...)							\
	pick(g, (const uint32_t[]){ __VA_ARGS__ },			\
	     sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

/* A data area of @count bytes (at least 1), often crossing a page. */
static uint32_t gen_data(struct gen *g, uint32_t count)
{
	uint32_t room = DATA_END - DATA_AT, at;

	if (count > room - 8)
		count = room - 8;
	at = DATA_AT + hrng_below(&g->r, room - count);
	if (hrng_chance(&g->r, 25)) {
		/* just before a page boundary */
		at = (at & ~0xfffu) + 0x1000 - hrng_below(&g->r, 64) - 1;
		if (at + count > DATA_END || at < DATA_AT)
			at = DATA_AT;
	}
	return at;
}

static uint16_t gen_count(struct gen *g)
{
	static const uint32_t c[] = { 0, 1, 7, 8, 31, 32, 255, 256, 257,
				      1000, 4096, 5000 };

	if (hrng_chance(&g->r, 3))
		return 65535;
	if (hrng_chance(&g->r, 70))
		return pick(g, c, 12);
	return hrng_below(&g->r, 9000);
}

static uint8_t gen_read_cmd(struct gen *g)
{
	static const uint32_t c[] = { C_SENSE_ID, C_SENSE_ID, C_SENSE_ID,
				      C_READ_FEAT, C_READ_VQ_CONF,
				      C_READ_STATUS, C_READ_CONF };

	return pick(g, c, 7);
}

/*
 * The IDAL of a CCW of @count bytes whose data starts at window offset
 * @data: IDAWs on block boundaries after the first, sometimes with a
 * fault the transfer may or may not reach.
 */
static uint32_t gen_idal(struct gen *g, uint32_t data, uint32_t count,
			 int fault)
{
	struct gprog *p = g->p;
	uint32_t blk = g->i2k ? 2048 : 4096, w = g->c64 ? 8 : 4;
	uint32_t n = 1, a = data, at, k, extra;

	if (count > 0) {
		uint32_t first = blk - (data & (blk - 1));

		n = count <= first ? 1 : 1 + (count - first + blk - 1) / blk;
	}
	extra = hrng_chance(&g->r, 30) ? 1 + hrng_below(&g->r, 3) : 0;
	if (g->idal_next + (n + extra) * w > IDAL_END ||
	    p->ni + n + extra > MAXI)
		return IDAL_AT;		/* out of room: a short one */
	at = g->idal_next;
	if (hrng_chance(&g->r, 10) && w == 8)
		at += 4;		/* misaligned IDAL (format 2) */
	for (k = 0; k < n + extra; k++) {
		struct gidaw *d = &p->i[p->ni++];

		d->at = at + k * w;
		d->ak = A_WIN;
		d->addr = k ? (a & ~(blk - 1)) + k * blk : a;
		if (d->addr >= DATA_END) {
			d->ak = A_RAW;
			d->addr = g->c64 ? OUT64 : OUT31;
		}
		if (fault >= 0 && (uint32_t)fault == k) {
			switch (hrng_below(&g->r, 3)) {
			case 0:	/* not on a block boundary */
				d->addr += 8 + 8 * hrng_below(&g->r, 4);
				break;
			case 1:	/* outside the storage */
				d->ak = A_RAW;
				d->addr = g->c64 ? OUT64 : OUT31;
				break;
			default: /* format 1: the high bit */
				if (!g->c64) {
					d->ak = A_RAW;
					d->addr = 0x80000000u | (a & 0x7ff);
				} else {
					d->addr += 1;
				}
				break;
			}
		}
	}
	g->idal_next = (at + (n + extra) * w + 7) & ~7u;
	return at;
}

/* Start a chain in a fresh block; false when none is left. */
static bool gen_block(struct gen *g)
{
	uint32_t b = hrng_below(&g->r, NBLOCKS), k;

	for (k = 0; k < NBLOCKS; k++, b = (b + 1) % NBLOCKS)
		if (!(g->used & (1ull << b)))
			break;
	if (k == NBLOCKS)
		return false;
	g->used |= 1ull << b;
	g->prog_next = PROG_AT + b * BLOCK + 8 * hrng_below(&g->r, 4);
	g->block_end = PROG_AT + (b + 1) * BLOCK;
	return true;
}

static struct gccw *gen_slot(struct gen *g)
{
	struct gprog *p = g->p;
	struct gccw *c;

	if (p->n >= MAXC || g->prog_next + 8 > PROG_END)
		return NULL;
	c = &p->c[p->n++];
	memset(c, 0, sizeof(*c));
	c->at = g->prog_next;
	g->prog_next += 8;
	return c;
}

/* A TIC to a fresh block, where the chain goes on. */
static bool gen_tic_jump(struct gen *g)
{
	struct gccw *t;

	if (g->block_end && g->prog_next + 8 > g->block_end)
		return false;
	t = gen_slot(g);
	if (!t)
		return false;
	t->cmd = C_TIC;
	if (!gen_block(g)) {
		g->p->n--;
		return false;
	}
	t->ak = A_WIN;
	t->addr = g->prog_next;
	return true;
}

/* Append a CCW at the next slot (moving to a fresh block when full). */
static struct gccw *gen_ccw(struct gen *g, uint8_t cmd, uint8_t flags,
			    uint16_t count)
{
	struct gccw *c;

	if (g->block_end && g->prog_next + 16 > g->block_end &&
	    !gen_tic_jump(g))
		return NULL;
	c = gen_slot(g);
	if (!c)
		return NULL;
	c->cmd = cmd;
	c->flags = flags;
	c->count = count;
	return c;
}

/* A CCW that reads @count bytes, directly or through an IDAL. */
static struct gccw *gen_read(struct gen *g, uint8_t cmd, uint8_t flags,
			     uint16_t count, bool ida, int fault)
{
	struct gccw *c = gen_ccw(g, cmd, flags | (ida ? F_IDA : 0), count);
	uint32_t data;

	if (!c)
		return NULL;
	data = gen_data(g, count ? count : 1);
	c->addr = ida ? gen_idal(g, data, count, fault) : data;
	c->ak = A_WIN;
	return c;
}

/* A chain of @n ordinary CCWs (the last one ends the program). */
static void gen_chain(struct gen *g, int n, bool ida_ok)
{
	for (int k = 0; k < n; k++) {
		bool last = k == n - 1;
		uint8_t fl = (last ? 0 : F_CC);
		struct gccw *c;

		if (hrng_chance(&g->r, 30)) {
			c = gen_ccw(g, C_NOP, fl | (hrng_chance(&g->r, 50) ?
						  F_SLI : 0),
				    hrng_chance(&g->r, 80) ? 0 : gen_count(g));
			if (c) {
				c->ak = A_WIN;
				c->addr = gen_data(g, 1);
			}
		} else {
			uint8_t cmd = gen_read_cmd(g);
			uint16_t count = cmd == C_SENSE_ID && hrng_chance(&g->r, 50) ?
					 pick(g, (const uint32_t[]){ 8, 32, 256, 7 }, 4) :
					 gen_count(g);

			c = gen_read(g, cmd, fl | (hrng_chance(&g->r, 85) ? F_SLI : 0),
				     count, ida_ok && hrng_chance(&g->r, 30), -1);
		}
		if (!c)
			return;
		if (!last && hrng_chance(&g->r, 10) && !gen_tic_jump(g))
			return;
	}
}

static void gen_orb(struct gen *g, uint32_t extra)
{
	struct gprog *p = g->p;

	p->orb = ORB_LPM(0x80) | extra;
	if (!g->fmt0)
		p->orb |= ORB_FMT1;
	if (hrng_chance(&g->r, 60))
		p->orb |= ORB_PFCH;
	if (g->c64)
		p->orb |= ORB_C64;
	if (g->i2k)
		p->orb |= ORB_I2K;
}

static void gen_program(struct gprog *p, int cls, uint64_t seed,
			bool low, bool outside_ok)
{
	struct gen g = { .p = p };
	struct gccw *c;
	int k, n;

	memset(p, 0, offsetof(struct gprog, c));
	hrng_init(&g.r, seed, 0xf1de);
	p->cls = cls;
	p->seed = seed;
	p->fill = hrng_next(&g.r);
	g.idal_next = IDAL_AT;
	gen_block(&g);
	g.c64 = hrng_chance(&g.r, 70);
	g.i2k = g.c64 && hrng_chance(&g.r, 20);
	g.fmt0 = cls == CL_FMT0 && low;
	p->cpa = g.prog_next;
	p->cpa_ak = A_WIN;

	switch (cls) {
	case CL_BASIC:
	default:
		gen_orb(&g, 0);
		gen_chain(&g, 1 + hrng_below(&g.r, 12), false);
		break;
	case CL_FMT0:
		gen_orb(&g, 0);
		gen_chain(&g, 1 + hrng_below(&g.r, 10), true);
		if (hrng_chance(&g.r, 30) && p->n) {
			/* format 0: a count of 0 is a program check */
			p->c[hrng_below(&g.r, p->n)].count = 0;
		}
		break;
	case CL_IDAL:
		gen_orb(&g, 0);
		n = 1 + hrng_below(&g.r, 6);
		for (k = 0; k < n; k++) {
			int fault = hrng_chance(&g.r, 40) ?
				    (int)hrng_below(&g.r, 4) : -1;

			c = gen_read(&g, gen_read_cmd(&g),
				     (k < n - 1 ? F_CC : 0) |
				     (hrng_chance(&g.r, 85) ? F_SLI : 0),
				     gen_count(&g), true, fault);
			if (!c)
				break;
		}
		break;
	case CL_TIC:
		gen_orb(&g, 0);
		gen_chain(&g, 1 + hrng_below(&g.r, 3), false);
		if (!p->n)
			break;
		/* a bad TIC somewhere in the chain */
		p->c[p->n - 1].flags |= F_CC;
		c = gen_ccw(&g, C_TIC, 0, 0);
		if (!c)
			break;
		c->ak = A_WIN;
		c->addr = c->at + 8;
		switch (hrng_below(&g.r, 7)) {
		case 0:	/* TIC to a TIC */
			c->addr = c->at + 8;
			gen_ccw(&g, C_TIC, 0, 0);
			p->c[p->n - 1].ak = A_WIN;
			p->c[p->n - 1].addr = p->c[p->n - 1].at + 8;
			break;
		case 1:	/* flags */
			c->flags = PICK(&g, F_CC, F_SLI, F_PCI, F_CD, F_S, F_IDA);
			break;
		case 2:	/* count */
			c->count = 1 + hrng_below(&g.r, 100);
			break;
		case 3:	/* high-order bits of the command code */
			c->cmd = 0x08 | (hrng_below(&g.r, 15) + 1) << 4;
			break;
		case 4:	/* misaligned target */
			c->addr += 4;
			break;
		case 5:	/* target outside the storage */
			if (outside_ok) {
				c->ak = A_RAW;
				c->addr = OUT31;
			}
			break;
		default: /* a TIC as the first CCW */
			p->cpa = c->at;
			break;
		}
		gen_chain(&g, 1 + hrng_below(&g.r, 3), false);
		break;
	case CL_INVALID:
		gen_orb(&g, 0);
		gen_chain(&g, 1 + hrng_below(&g.r, 4), false);
		if (p->n)
			p->c[p->n - 1].flags |= F_CC;
		c = gen_read(&g, 0x00, F_CC | F_SLI, gen_count(&g), false, -1);
		if (c) {
			c->cmd = PICK(&g, 0x00, 0x10, 0x20, 0x40, 0x80, 0xf0);
			if (hrng_chance(&g.r, 30) && outside_ok) {
				c->ak = A_RAW;
				c->addr = OUT31;
			}
		}
		gen_chain(&g, 1 + hrng_below(&g.r, 3), false);
		break;
	case CL_REJECT:
		gen_orb(&g, 0);
		gen_chain(&g, 1 + hrng_below(&g.r, 3), false);
		if (p->n)
			p->c[p->n - 1].flags |= F_CC;
		c = gen_read(&g, 0x44, F_CC | F_SLI, gen_count(&g),
			     hrng_chance(&g.r, 20), -1);
		if (c)
			c->cmd = PICK(&g, 0x44, 0xcf, 0x01, 0x05, 0x0b, 0x14, 0xfe);
		gen_chain(&g, 1 + hrng_below(&g.r, 2), false);
		break;
	case CL_FLAGS:
		gen_orb(&g, hrng_chance(&g.r, 30) ? ORB_ILS : 0);
		gen_chain(&g, 1 + hrng_below(&g.r, 6), hrng_chance(&g.r, 50));
		for (k = 0; k < p->n; k++) {
			uint8_t f;

			if (p->c[k].cmd == C_TIC || !hrng_chance(&g.r, 40))
				continue;
			f = PICK(&g, F_SKIP, F_PCI, F_SLI, F_CD, F_MIDA, F_SKIP | F_PCI);
			/*
			 * Undefined by the device: READ_FEAT and READ_VQ_CONF
			 * read their input from memory, which skip suppresses
			 * (QEMU then uses uninitialised data).
			 */
			if ((f & F_SKIP) && p->c[k].cmd != C_SENSE_ID &&
			    p->c[k].cmd != C_NOP)
				f &= ~F_SKIP;
			p->c[k].flags ^= f;
		}
		break;
	case CL_SUSPEND:
		gen_orb(&g, ORB_SPND | (hrng_chance(&g.r, 50) ? ORB_SSIC : 0));
		gen_chain(&g, 2 + hrng_below(&g.r, 5), false);
		if (p->n > 1) {
			k = hrng_below(&g.r, p->n);
			if (p->c[k].cmd != C_TIC)
				p->c[k].flags |= F_S;
		}
		break;
	case CL_OUTSIDE:
		gen_orb(&g, 0);
		gen_chain(&g, 1 + hrng_below(&g.r, 4), false);
		if (!outside_ok || !p->n)
			break;
		k = hrng_below(&g.r, p->n);
		if (p->c[k].cmd == C_TIC || (p->c[k].flags & F_IDA))
			break;
		p->c[k].ak = A_RAW;
		p->c[k].addr = OUT31 + hrng_below(&g.r, 4096);
		if (hrng_chance(&g.r, 20)) {
			/* the program itself outside */
			p->cpa_ak = A_RAW;
			p->cpa = OUT31;
		}
		break;
	case CL_LIMITS:
		gen_orb(&g, 0);
		g.prog_next = PROG_AT;
		g.block_end = 0;	/* contiguous, nothing else placed */
		p->cpa = PROG_AT;
		n = PICK(&g, 1023, 1024, 1025, 255, 256, 257);
		if (n < 1000) {
			/* n TICs, each to the next CCW */
			for (k = 0; k < n && p->n + 2 < MAXC; k++) {
				c = gen_ccw(&g, C_TIC, 0, 0);
				if (!c)
					break;
				c->ak = A_WIN;
				c->addr = c->at + 16;
				c = gen_ccw(&g, C_NOP, F_CC | F_SLI, 0);
				if (!c)
					break;
				c->ak = A_WIN;
				c->addr = DATA_AT;
			}
		} else {
			for (k = 0; k < n; k++) {
				c = gen_ccw(&g, C_NOP, F_CC | F_SLI, 0);
				if (!c)
					break;
				c->ak = A_WIN;
				c->addr = DATA_AT;
			}
		}
		if (p->n)
			p->c[p->n - 1].flags &= ~F_CC;
		break;
	case CL_ORB:
		gen_orb(&g, PICK(&g, 0, ORB_KEY(1), ORB_KEY(15), ORB_ISIC,
				 ORB_ALCC, ORB_ILS, ORB_SSIC));
		/*
		 * Masks with the path 0x80 only: QEMU's channel turns an LPM
		 * without it into a deferred cc 3 that then stays in the
		 * SCSW of every later start of the subchannel (a QEMU
		 * defect). The driver answers such a start with cc 3 at once.
		 */
		if (hrng_chance(&g.r, 30))
			p->orb = (p->orb & ~ORB_LPM(0xff)) |
				 ORB_LPM(PICK(&g, 0xff, 0x81, 0xc0, 0x80));
		gen_chain(&g, 1 + hrng_below(&g.r, 5), true);
		break;
	}
	if (!p->n)
		gen_chain(&g, 1, false);
}

/* ---------------------------------------------------------------------- */
/* Materialisation                                                         */
/* ---------------------------------------------------------------------- */

static uint64_t resolve(uint8_t ak, uint64_t addr, uint64_t base)
{
	return ak == A_WIN ? base + addr : addr;
}

static void put32(uint8_t *b, uint32_t v)
{
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

/* The window's contents for a window at absolute address @base. */
static void materialize(const struct gprog *p, uint64_t base, uint8_t *win)
{
	bool fmt1 = p->orb & ORB_FMT1, c64 = p->orb & ORB_C64;
	struct hrng r;
	uint32_t a32;
	int k;

	/*
	 * What a program may fetch beyond what was generated must be safe
	 * natively: zeros in the program area (command code 0: a program
	 * check), and IDAWs that designate the data area in the IDAL area
	 * (a format-2 IDAW made of two of them lies outside the storage).
	 * The data area is random.
	 */
	memset(win + PROG_AT, 0, PROG_END - PROG_AT);
	a32 = (uint32_t)(base + DATA_AT);
	for (k = IDAL_AT; k < (int)IDAL_END; k += 4)
		put32(win + k, a32);
	hrng_init(&r, p->fill, 0xf111);
	for (k = DATA_AT; k < (int)DATA_END; k += 8) {
		uint64_t v = hrng_next(&r);

		memcpy(win + k, &v, 8);
	}
	for (k = 0; k < p->n; k++) {
		const struct gccw *c = &p->c[k];
		uint8_t *b = win + c->at;
		uint64_t a = resolve(c->ak, c->addr, base);

		if (fmt1) {
			b[0] = c->cmd;
			b[1] = c->flags;
			b[2] = c->count >> 8;
			b[3] = c->count;
			put32(b + 4, (uint32_t)a);
		} else {
			/* cmd, 24-bit address, flags, 0, count */
			put32(b, (uint32_t)c->cmd << 24 | (a & 0xffffff));
			b[4] = c->flags;
			b[5] = 0;
			b[6] = c->count >> 8;
			b[7] = c->count;
		}
	}
	for (k = 0; k < p->ni; k++) {
		const struct gidaw *d = &p->i[k];
		uint64_t a = resolve(d->ak, d->addr, base);

		if (c64) {
			put32(win + d->at, a >> 32);
			put32(win + d->at + 4, (uint32_t)a);
		} else {
			put32(win + d->at, (uint32_t)a);
		}
	}
}

/* Both outcomes: SCSWs, and the bytes either side stored (the first 32). */
static void print_outcomes(struct __test_metadata *_metadata,
			   const struct outcome *a, const struct outcome *b,
			   uint64_t abase, uint64_t bbase)
{
	const uint8_t *sa = (const uint8_t *)&a->irb.scsw;
	const uint8_t *sb = (const uint8_t *)&b->irb.scsw;
	int k, n = 0;

	TH_LOG("  native: cc %d err %d irqs %d%s%s SCSW %08x %08x %08x (CCW address W+0x%llx)",
	       a->cc, a->err, a->nirq, a->suspended ? " suspended" : "",
	       a->timeout ? " timeout" : "", be32toh(*(uint32_t *)sa),
	       be32toh(*(uint32_t *)(sa + 4)), be32toh(*(uint32_t *)(sa + 8)),
	       (unsigned long long)(be32toh(*(uint32_t *)(sa + 4)) - abase));
	TH_LOG("  vfio:   cc %d err %d irqs %d%s%s SCSW %08x %08x %08x (CCW address W+0x%llx)",
	       b->cc, b->err, b->nirq, b->suspended ? " suspended" : "",
	       b->timeout ? " timeout" : "", be32toh(*(uint32_t *)sb),
	       be32toh(*(uint32_t *)(sb + 4)), be32toh(*(uint32_t *)(sb + 8)),
	       (unsigned long long)(be32toh(*(uint32_t *)(sb + 4)) - bbase));
	for (k = 0; k < WIN && n < 32; k++) {
		if (a->win[k] == a->init[k] && b->win[k] == b->init[k])
			continue;
		n++;
		TH_LOG("  stored at W+0x%05x: native %02x->%02x, vfio %02x->%02x",
		       k, a->init[k], a->win[k], b->init[k], b->win[k]);
	}
}

static void print_program(struct __test_metadata *_metadata,
			  const struct gprog *p)
{
	int k;

	TH_LOG("  class %s seed %llu ORB word 1 0x%08x cpa %s0x%llx, %d CCWs, %d IDAWs",
	       class_name[p->cls], (unsigned long long)p->seed, p->orb,
	       p->cpa_ak == A_WIN ? "W+" : "", (unsigned long long)p->cpa,
	       p->n, p->ni);
	for (k = 0; k < p->n && k < 40; k++) {
		const struct gccw *c = &p->c[k];

		TH_LOG("  W+0x%04x: cmd %02x flags %02x count %5u addr %s0x%llx",
		       c->at, c->cmd, c->flags, c->count,
		       c->ak == A_WIN ? "W+" : "", (unsigned long long)c->addr);
	}
	if (p->n > 40)
		TH_LOG("  ... (%d more CCWs)", p->n - 40);
	for (k = 0; k < p->ni && k < 16; k++)
		TH_LOG("  IDAW at W+0x%04x: %s0x%llx", p->i[k].at,
		       p->i[k].ak == A_WIN ? "W+" : "",
		       (unsigned long long)p->i[k].addr);
}

/* ---------------------------------------------------------------------- */
/* The two runs                                                            */
/* ---------------------------------------------------------------------- */

/*
 * QEMU's channel never resets the SCSW count, and sets the format bit
 * without ever clearing it: what a program leaves there shows in the next
 * one's status unless that one stores its own. So each program starts
 * from the same state on both sides: a format-1 SENSE ID of 8 bytes (SLI)
 * runs first, which leaves a residual count of 0.
 */
static void preamble(uint8_t *ccw, uint64_t base)
{
	ccw[0] = C_SENSE_ID;
	ccw[1] = F_SLI;
	ccw[2] = 0;
	ccw[3] = 8;
	put32(ccw + 4, (uint32_t)(base + DATA_AT));
}

static int run_native(struct oracle *o, const struct gprog *p,
		      struct outcome *out)
{
	struct vccw_native_req *req = (struct vccw_native_req *)o->buf;
	struct vccw_native_res *res = (struct vccw_native_res *)o->buf;
	size_t len = sizeof(*req) + WIN;
	ssize_t got;
	uint32_t n;

	memset(req, 0, sizeof(*req));
	req->orb[1] = ORB_FMT1 | ORB_PFCH | ORB_LPM(0x80);
	req->orb[2] = (uint32_t)o->info.base;
	req->len = 8;
	req->wait_ms = 2000;
	preamble(o->buf + sizeof(*req), o->info.base);
	if (pwrite(o->run_fd, o->buf, sizeof(*req) + 8, 0) !=
	    (ssize_t)(sizeof(*req) + 8))
		return -errno;

	memset(req, 0, sizeof(*req));
	req->orb[1] = p->orb;
	req->orb[2] = (uint32_t)resolve(p->cpa_ak, p->cpa, o->info.base);
	req->len = WIN;
	req->wait_ms = 2000;
	materialize(p, o->info.base, o->buf + sizeof(*req));
	memcpy(out->init, o->buf + sizeof(*req), WIN);
	if (pwrite(o->run_fd, o->buf, len, 0) != (ssize_t)len)
		return -errno;
	got = pread(o->run_fd, o->buf, sizeof(*res) + WIN, 0);
	if (got != (ssize_t)(sizeof(*res) + WIN))
		return got < 0 ? -errno : -EIO;
	memset(out, 0, offsetof(struct outcome, init));
	if (res->cc < 0) {
		out->cc = -1;
		out->err = -res->cc;
	} else {
		out->cc = res->cc;
	}
	out->nirq = res->nirq;
	out->suspended = res->suspended;
	out->timeout = res->timeout;
	n = res->nirq;
	if (n > VCCW_NATIVE_MAX_IRQS)
		n = VCCW_NATIVE_MAX_IRQS;
	if (n)
		memcpy(&out->irb, res->irb[n - 1], sizeof(out->irb));
	memcpy(out->win, o->buf + sizeof(*res), WIN);
	return 0;
}

/* What QEMU makes of a write's errno: the condition code of SSCH. */
static int errno_to_cc(int err, int *refused)
{
	*refused = 0;
	switch (err) {
	case 0:
		return 0;
	case EBUSY:
		return 2;
	case ENODEV:
	case EACCES:
		return 3;
	default:
		*refused = err;
		return -1;
	}
}

static int run_vfio(struct oracle *o, const struct gprog *p,
		    struct outcome *out)
{
	struct ccw_orb orb = { 0 };
	struct ccw_schib schib;
	struct scsw_fields f;
	uint64_t t0, cnt;
	int ret, tries = 0;

	memset(out, 0, offsetof(struct outcome, init));
	preamble(o->mem.va, GUEST_BASE);
	orb.ctrl = htobe32(ORB_FMT1 | ORB_PFCH | ORB_LPM(0x80));
	orb.cpa = htobe32((uint32_t)GUEST_BASE);
	if (!vccw_start(&o->dev, &orb))
		vccw_wait_irq(&o->dev, 2000, NULL);

	materialize(p, GUEST_BASE, o->mem.va);
	memcpy(out->init, o->mem.va, WIN);
	orb.ctrl = htobe32(p->orb);
	orb.cpa = htobe32((uint32_t)resolve(p->cpa_ak, p->cpa, GUEST_BASE));
	do {
		ret = vccw_io_write(&o->dev, &orb, SCSW_FCTL_START_FUNC);
	} while (ret == -EAGAIN && ++tries < 1000);
	out->cc = errno_to_cc(ret < 0 ? -ret : 0, &out->err);
	if (out->cc)
		goto done;
	t0 = vccw_now_ns();
	for (;;) {
		if (!vccw_wait_irq(&o->dev, 1, &cnt)) {
			out->nirq += cnt;
			vccw_read_irb(&o->dev, &out->irb);
			scsw_decode(&out->irb.scsw, &f);
			if (scsw_is_final(&f))
				break;
		}
		if (!vccw_read_schib(&o->dev, &schib)) {
			scsw_decode(&schib.scsw, &f);
			if ((f.actl & SCSW_ACTL_SUSPENDED) &&
			    !(f.stctl & SCSW_STCTL_STATUS_PEND)) {
				out->suspended = true;
				break;
			}
		}
		if (vccw_now_ns() - t0 > 2000000000ull) {
			out->timeout = true;
			break;
		}
	}
	if (out->suspended || out->timeout) {
		vccw_async(&o->dev, VFIO_CCW_ASYNC_CMD_CSCH, true);
		vccw_drain_irqs(&o->dev, 20, NULL);
	}
done:
	memcpy(out->win, o->mem.va, WIN);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Comparison                                                              */
/* ---------------------------------------------------------------------- */

static uint32_t be32_at(const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return be32toh(v);
}

/* An address as the oracle compares it: an offset when in the window. */
static uint64_t rel(uint64_t a, uint64_t base)
{
	return a >= base && a < base + WIN ? a - base : a | (1ull << 63);
}

/*
 * Compare; 0 when identical, else write what differs into @why. The CCW
 * address and the ESW's failing-storage and secondary CCW addresses are
 * compared as window offsets; no byte or field is excluded.
 */
static int compare(struct oracle *o, char *why, size_t len)
{
	const struct outcome *a = &o->nat, *b = &o->vf;
	const uint8_t *sa = (const uint8_t *)&a->irb.scsw;
	const uint8_t *sb = (const uint8_t *)&b->irb.scsw;
	int k, first = -1, nb = 0;

	o->diff = D_CC;
	o->ndiff = 0;
	if (a->cc != b->cc || a->err != b->err) {
		if (b->cc < 0)
			snprintf(why, len, "native cc %d, vfio refused the write: %s",
				 a->cc, strerror(b->err));
		else
			snprintf(why, len, "cc: native %d (err %d), vfio %d",
				 a->cc, a->err, b->cc);
		return 1;
	}
	if (a->cc)
		goto same;
	o->diff = D_END;
	if (a->suspended != b->suspended || a->timeout != b->timeout) {
		snprintf(why, len, "end: native %s, vfio %s",
			 a->suspended ? "suspended" : a->timeout ? "timeout" : "interrupt",
			 b->suspended ? "suspended" : b->timeout ? "timeout" : "interrupt");
		return 1;
	}
	o->diff = D_SCSW;
	if (!a->suspended && !a->timeout) {
		if (be32_at(sa) != be32_at(sb)) {
			snprintf(why, len, "SCSW word 0: native %08x, vfio %08x",
				 be32_at(sa), be32_at(sb));
			return 1;
		}
		if (rel(be32_at(sa + 4), o->info.base) !=
		    rel(be32_at(sb + 4), GUEST_BASE)) {
			snprintf(why, len, "CCW address: native W+0x%llx, vfio W+0x%llx",
				 (unsigned long long)rel(be32_at(sa + 4), o->info.base),
				 (unsigned long long)rel(be32_at(sb + 4), GUEST_BASE));
			return 1;
		}
		if (be32_at(sa + 8) != be32_at(sb + 8)) {
			snprintf(why, len, "SCSW word 2 (status, count): native %08x, vfio %08x",
				 be32_at(sa + 8), be32_at(sb + 8));
			return 1;
		}
		o->diff = D_ESW;
		if (memcmp(a->irb.esw, b->irb.esw, 8) ||
		    rel(be32_at(a->irb.esw + 12), o->info.base) !=
		    rel(be32_at(b->irb.esw + 12), GUEST_BASE) ||
		    be32_at(a->irb.esw + 8) != be32_at(b->irb.esw + 8) ||
		    rel(be32_at(a->irb.esw + 16), o->info.base) !=
		    rel(be32_at(b->irb.esw + 16), GUEST_BASE)) {
			snprintf(why, len, "ESW: native %08x %08x, vfio %08x %08x",
				 be32_at(a->irb.esw), be32_at(a->irb.esw + 4),
				 be32_at(b->irb.esw), be32_at(b->irb.esw + 4));
			return 1;
		}
		if (memcmp(a->irb.ecw, b->irb.ecw, sizeof(a->irb.ecw))) {
			snprintf(why, len, "ECW: native %08x, vfio %08x",
				 be32_at(a->irb.ecw), be32_at(b->irb.ecw));
			return 1;
		}
		if (memcmp(a->irb.emw, b->irb.emw, sizeof(a->irb.emw))) {
			snprintf(why, len, "EMW differs");
			return 1;
		}
	}
	/*
	 * What the channel stored: the window holds addresses of its own
	 * side (CCWs, IDAWs), so a byte is compared by what happened to it,
	 * stored or not, and when stored, by the value stored.
	 */
	for (k = 0; k < WIN; k++) {
		bool sa_ = a->win[k] != a->init[k], sb_ = b->win[k] != b->init[k];

		if (sa_ != sb_ || (sa_ && a->win[k] != b->win[k])) {
			if (first < 0)
				first = k;
			if (nb < MAX_DIFF_BYTES)
				o->diff_at[nb] = k;
			nb++;
		}
	}
	o->diff = D_MEM;
	o->ndiff = nb;
	if (nb) {
		snprintf(why, len,
			 "%d bytes differ, first W+0x%x (native %02x->%02x, vfio %02x->%02x)",
			 nb, first, a->init[first], a->win[first],
			 b->init[first], b->win[first]);
		return 1;
	}
same:
	o->diff = D_NONE;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Intended differences: the rule, and its reason                         */
/* ---------------------------------------------------------------------- */

static int count_tics(const struct gprog *p)
{
	int k, n = 0;

	for (k = 0; k < p->n; k++)
		n += (p->c[k].cmd & 0x0f) == C_TIC;
	return n;
}

/* The CCW at which one side's program ended (SCSW CCW address - 8). */
static const struct gccw *end_ccw(const struct oracle *o,
				  const struct gprog *p, bool native)
{
	const struct outcome *x = native ? &o->nat : &o->vf;
	const uint8_t *sx = (const uint8_t *)&x->irb.scsw;
	uint64_t at;
	int k;

	if (x->cc || x->suspended || x->timeout)
		return NULL;
	at = rel(be32_at(sx + 4), native ? o->info.base : GUEST_BASE) - 8;
	for (k = 0; k < p->n; k++)
		if (p->c[k].at == at)
			return &p->c[k];
	return NULL;
}

static bool ends_in_pc(const struct outcome *x)
{
	return !x->cc && !x->suspended && !x->timeout &&
	       ((be32_at((const uint8_t *)&x->irb.scsw + 8) >> 16) & 0xff) ==
	       0x20;
}

/* Does CCW @c transfer directly across a block boundary of the host? */
static bool direct_across_block(const struct gprog *p, const struct gccw *c)
{
	uint64_t bs = (p->orb & ORB_C64) && !(p->orb & ORB_I2K) ? 4096 : 2048;

	return c && c->ak == A_WIN && !(c->flags & F_IDA) && c->count &&
	       (c->addr | (bs - 1)) + 1 < c->addr + c->count;
}

/* Has CCW @c an IDAW behind the first that is not on a block boundary? */
static bool idaw_off_block(const struct gprog *p, const struct gccw *c)
{
	uint64_t bs = (p->orb & ORB_C64) && !(p->orb & ORB_I2K) ? 4096 : 2048;
	uint32_t w = (p->orb & ORB_C64) ? 8 : 4;
	int k;

	if (!c || !(c->flags & F_IDA) || c->ak != A_WIN)
		return false;
	for (k = 0; k < p->ni; k++) {
		const struct gidaw *d = &p->i[k];

		if (d->at > c->addr && d->at < c->addr + 34 * w &&
		    d->ak == A_WIN && (d->addr & (bs - 1)))
			return true;
	}
	return false;
}

/*
 * Does the program chain data (a CCW with CD followed by another)? QEMU's
 * channel has no data chaining: it runs a data-chained CCW as a command of
 * its own (hw/s390x/css.c, css_interpret_ccw()), where a channel takes
 * its command code as ignored and goes on with the chain's transfer.
 */
static bool qemu_no_data_chaining(const struct gprog *p)
{
	int k;

	for (k = 0; k + 1 < p->n; k++)
		if ((p->c[k].flags & F_CD) && (p->c[k].cmd & 0x0f) != C_TIC)
			return true;
	return false;
}

/*
 * Does byte @off lie where QEMU's data stream defects show? Two of them,
 * both in hw/s390x/css.c and virtio-ccw.c of QEMU 7.2:
 * - ccw_dstream_rw_ida() does not advance its buffer at an IDAW
 *   boundary: a transfer through IDAWs stores (or fetches) the start of
 *   its data again behind each boundary. The host program must use IDAWs
 *   where the guest's data crosses a page (the host pages are not
 *   contiguous), so a direct guest transfer across a page shows it on
 *   the host only: the bytes behind the first block boundary differ
 *   (blocks of the guest's IDAW size, 2 KiB or 4 KiB).
 * - READ STATUS (0x72) stores its byte at the CCW's data address,
 *   ignoring the IDA flag: where the host uses an IDAL and the guest does
 *   not (across a page), or the other way round, it lands in the other
 *   side's IDAL.
 */
static bool qemu_stream_defect_at(const struct gprog *p, uint32_t off)
{
	/* the host's IDAWs cut blocks of the guest's size */
	uint64_t bs = (p->orb & ORB_C64) && !(p->orb & ORB_I2K) ? 4096 : 2048;
	int k;

	for (k = 0; k < p->n; k++) {
		const struct gccw *c = &p->c[k];
		uint64_t end, first;

		if (c->ak != A_WIN || (c->cmd & 0x0f) == C_TIC)
			continue;
		if (c->cmd == C_READ_STATUS && off == c->addr)
			return true;
		if ((c->flags & F_IDA) || !c->count)
			continue;
		end = c->addr + c->count;
		first = (c->addr | (bs - 1)) + 1;
		if (first < end && off >= first && off < end)
			return true;
	}
	return false;
}

/*
 * Did the native run end with a program check at a CCW with format-1
 * IDAWs? QEMU 7.2 reads a format-1 IDAW with be64_to_cpu() of a 4-byte
 * field (hw/s390x/css.c, ida_read_next_idaw()): on a little-endian host
 * the address it gets lies outside storage, so every format-1 IDAW
 * faults natively. The driver hands the channel format-2 IDAWs, which it
 * reads right.
 */
static bool qemu_fmt1_idaw_defect(const struct oracle *o,
				  const struct gprog *p)
{
	const uint8_t *sa = (const uint8_t *)&o->nat.irb.scsw;
	uint64_t at;
	int k;

	if ((p->orb & ORB_C64) || o->nat.cc || o->nat.suspended ||
	    ((be32_at(sa + 8) >> 16) & 0xff) != 0x20)
		return false;
	at = rel(be32_at(sa + 4), o->info.base) - 8;
	for (k = 0; k < p->n; k++)
		if (p->c[k].at == at && (p->c[k].flags & F_IDA) &&
		    (p->c[k].cmd & 0x0f) != C_TIC)
			return true;
	return false;
}

/*
 * Is the difference an intended one? Return its reason, or NULL. Each
 * rule names what the driver documents (vfio-ccw.rst, "Fidelity"): its
 * own limits (ours only), and the defects of QEMU's channel that a real
 * channel does not have and that show where the host program's shape
 * differs from the guest's (either driver).
 */
static const char *intended_reason(const struct oracle *o,
				   const struct gprog *p)
{
	const struct outcome *b = &o->vf;
	int k;

	/* the driver's own limits are ours; QEMU's defects are both's */
	if (o->ours && b->cc < 0 && b->err == EINVAL &&
	    (p->n > 1024 || count_tics(p) > 256))
		return "beyond the driver's limits (1024 CCWs, 256 TICs): EINVAL";
	if (o->diff != D_CC && o->diff != D_END && qemu_fmt1_idaw_defect(o, p))
		return "QEMU defect: format-1 IDAWs read as 8 bytes (native faults)";
	if (o->diff != D_CC && qemu_no_data_chaining(p))
		return "QEMU defect: no data chaining (a data-chained CCW runs as a command)";
	/*
	 * QEMU checks an IDAW's block boundary only when a data operation
	 * starts with it, not within one (ccw_dstream_rw_ida()): the driver
	 * lets the channel fault at such an IDAW, as the architecture wants.
	 */
	if (ends_in_pc(&o->vf) && idaw_off_block(p, end_ccw(o, p, false)) &&
	    !(ends_in_pc(&o->nat) &&
	      end_ccw(o, p, true) == end_ccw(o, p, false)))
		return "QEMU defect: an IDAW off its block inside a transfer is not checked";
	/*
	 * A skipped read through IDAWs: QEMU fetches (and checks) its IDAL
	 * though nothing is stored; the driver passes a skipped read no
	 * data address to check.
	 */
	if (ends_in_pc(&o->nat) && end_ccw(o, p, true) &&
	    (end_ccw(o, p, true)->flags & (F_SKIP | F_IDA)) == (F_SKIP | F_IDA) &&
	    (!ends_in_pc(&o->vf) || end_ccw(o, p, false) != end_ccw(o, p, true)))
		return "QEMU checks the IDAWs of a skipped read";
	/* the IDA restart also garbles what a command fetches, its status */
	if ((o->diff == D_SCSW || o->diff == D_ESW) &&
	    (direct_across_block(p, end_ccw(o, p, true)) ||
	     direct_across_block(p, end_ccw(o, p, false))))
		return "QEMU defect: IDA data stream restarts at each IDAW (status)";
	if (o->diff == D_MEM && o->ndiff <= MAX_DIFF_BYTES) {
		for (k = 0; k < o->ndiff; k++)
			if (!qemu_stream_defect_at(p, o->diff_at[k]))
				return NULL;
		return "QEMU defect: IDA stream restarts at each IDAW, READ STATUS ignores IDA";
	}
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Shrinking                                                               */
/* ---------------------------------------------------------------------- */

static bool differs(struct oracle *o, const struct gprog *p)
{
	char why[256];

	if (run_native(o, p, &o->nat) || run_vfio(o, p, &o->vf))
		return false;
	return compare(o, why, sizeof(why)) && !intended_reason(o, p);
}

/*
 * The smallest program that still differs: end the chain earlier, drop
 * flags, lower counts, drop ORB options; a fixed budget of runs.
 */
static void shrink(struct oracle *o, struct gprog *p)
{
	static struct gprog t;
	int budget = 150, k, bit;
	bool progress = true;

	while (progress && budget > 0) {
		progress = false;
		for (k = 0; k < p->n - 1 && budget > 0; k++) {
			t = *p;
			t.n = k + 1;
			t.c[k].flags &= ~(F_CC | F_CD);
			budget--;
			if (differs(o, &t)) {
				*p = t;
				progress = true;
				break;
			}
		}
		for (k = 0; k < p->n && budget > 0; k++) {
			for (bit = 0; bit < 8 && budget > 0; bit++) {
				if (!(p->c[k].flags & (1u << bit)) ||
				    (1u << bit) == F_IDA)
					continue;
				t = *p;
				t.c[k].flags &= ~(1u << bit);
				budget--;
				if (differs(o, &t)) {
					*p = t;
					progress = true;
				}
			}
			if (p->c[k].count > 1 && budget > 0) {
				t = *p;
				t.c[k].count /= 2;
				budget--;
				if (differs(o, &t)) {
					*p = t;
					progress = true;
				}
			}
		}
		for (bit = 0; bit < 32 && budget > 0; bit++) {
			uint32_t m = 1u << bit;

			if (!(p->orb & m) || m == ORB_FMT1 || (m & ORB_LPM(0xff)))
				continue;
			t = *p;
			t.orb &= ~m;
			budget--;
			if (differs(o, &t)) {
				*p = t;
				progress = true;
			}
		}
	}
}

/* ---------------------------------------------------------------------- */
/* The test                                                                */
/* ---------------------------------------------------------------------- */

static void note_reason(struct class_stats *s, const char *reason)
{
	int k;

	for (k = 0; k < MAX_REASONS; k++) {
		if (!s->reason[k])
			s->reason[k] = reason;
		if (s->reason[k] == reason || !strcmp(s->reason[k], reason)) {
			s->reason_n[k]++;
			return;
		}
	}
}

FIXTURE(fidelity) {
	struct oracle *o;
};

FIXTURE_SETUP(fidelity)
{
	struct oracle *o;
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	int fd;

	fd = open(NATIVE_INFO, O_RDONLY);
	if (fd < 0)
		SKIP(return, "no native runner (load vfio_ccw_native.ko, bind a spare subchannel)");
	o = calloc(1, sizeof(*o));
	ASSERT_NE(NULL, o);
	self->o = o;
	ASSERT_EQ((ssize_t)sizeof(o->info), read(fd, &o->info, sizeof(o->info)));
	close(fd);
	o->run_fd = open(NATIVE_RUN, O_RDWR);
	ASSERT_LE(0, o->run_fd);
	o->buf = malloc(sizeof(struct vccw_native_res) +
			sizeof(struct vccw_native_req) + WIN);
	ASSERT_NE(NULL, o->buf);
	o->outside_ok = (uint64_t)pages * psz + 0x10000000ull <= OUT31;
	vccw_open_ok(&o->dev, vccw_env_mdev());
	ASSERT_EQ(0, vccw_mem_alloc_at(&o->dev, &o->mem, WIN, GUEST_BASE,
				       false));
	o->ours = o->dev.has_cap;
	o->log_max = getenv("VFIO_CCW_FIDELITY_LOG") ? 1 << 30 : 20;
}

FIXTURE_TEARDOWN(fidelity)
{
	struct oracle *o = self->o;

	if (!o)
		return;
	if (o->dev.fd >= 0) {
		hostile_quiesce(&o->dev);
		vccw_mem_free(&o->dev, &o->mem);
		vccw_close(&o->dev);
	}
	if (o->run_fd >= 0)
		close(o->run_fd);
	free(o->buf);
	free(o);
	EXPECT_NO_LOCKED_PAGES();
}

/*
 * N programs over every class, each run natively and through vfio-ccw:
 * identical, or an intended difference of our driver.
 */
TEST_F_TIMEOUT(fidelity, differential, 3600)
{
	struct oracle *o = self->o;
	const char *only = getenv("VFIO_CCW_FIDELITY_CLASS");
	const char *env_n = getenv("VFIO_CCW_FIDELITY_N");
	const char *env_seed = getenv("VFIO_CCW_FIDELITY_SEED");
	int n = env_n ? atoi(env_n) : 2000, k, cls, total_bad = 0;
	uint64_t seed0 = env_seed ? strtoull(env_seed, NULL, 0) :
				    vccw_now_ns() % 1000000007ull;
	static struct gprog p;
	char why[256];

	TH_LOG("driver %s, native on %s (window 0x%llx%s), seed %llu, %d programs",
	       o->ours ? "ours" : "reference", o->info.schid,
	       (unsigned long long)o->info.base,
	       o->info.low ? ", below 16 MiB" : "", (unsigned long long)seed0, n);
	for (k = 0; k < n; k++) {
		uint64_t seed = seed0 + k;
		const char *reason;

		cls = k % CL_NR;
		if (only) {
			for (cls = 0; cls < CL_NR; cls++)
				if (!strcmp(only, class_name[cls]))
					break;
			ASSERT_GT(CL_NR, cls);
		}
		if (cls == CL_FMT0 && !o->info.low)
			cls = CL_BASIC;
		gen_program(&p, cls, seed, o->info.low, o->outside_ok);
		ASSERT_EQ(0, run_native(o, &p, &o->nat));
		ASSERT_EQ(0, run_vfio(o, &p, &o->vf));
		o->st[cls].n++;
		if (!compare(o, why, sizeof(why))) {
			o->st[cls].identical++;
			continue;
		}
		reason = intended_reason(o, &p);
		if (reason) {
			o->st[cls].intended++;
			note_reason(&o->st[cls], reason);
			continue;
		}
		o->st[cls].differ++;
		note_reason(&o->st[cls], o->ours ? "unintended" : "differs");
		total_bad++;
		if (o->logged++ < o->log_max) {
			TH_LOG("difference, class %s, seed %llu: %s",
			       class_name[cls], (unsigned long long)seed, why);
			shrink(o, &p);
			run_native(o, &p, &o->nat);
			run_vfio(o, &p, &o->vf);
			if (compare(o, why, sizeof(why)))
				TH_LOG(" shrunk: %s", why);
			print_program(_metadata, &p);
			print_outcomes(_metadata, &o->nat, &o->vf,
				       o->info.base, GUEST_BASE);
		}
	}
	for (cls = 0; cls < CL_NR; cls++) {
		struct class_stats *s = &o->st[cls];
		int r;

		if (!s->n)
			continue;
		printf("# fidelity: driver=%s class=%s ",
		       o->ours ? "ours" : "reference", class_name[cls]);
		printf("identical: %d of %d, intended %d, differ %d\n",
		       s->identical, s->n, s->intended, s->differ);
		for (r = 0; r < MAX_REASONS && s->reason[r]; r++)
			printf("# fidelity:   %d x %s\n", s->reason_n[r],
			       s->reason[r]);
	}
	printf("# figures: fidelity.differential driver=%s seed=%llu programs=%d differ=%d\n",
	       o->ours ? "ours" : "reference", (unsigned long long)seed0, n,
	       total_bad);
	EXPECT_EQ(0, total_bad);
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
