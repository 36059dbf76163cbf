// SPDX-License-Identifier: GPL-2.0
/*
 * hostile: PRNG, documented errnos, errno histograms and safe random
 * channel programs for the hardening selftests. See hostile.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostile.h"

/* ---------------------------------------------------------------------- */
/* PRNG                                                                    */
/* ---------------------------------------------------------------------- */

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/** hrng_init() - a generator for @stream (thread, device) of @seed */
void hrng_init(struct hrng *r, uint64_t seed, uint64_t stream)
{
	r->s = splitmix(seed ^ splitmix(stream + 1));
	if (!r->s)
		r->s = 1;
}

/** hrng_next() - 64 random bits */
uint64_t hrng_next(struct hrng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

/** hrng_below() - uniform in [0, @n), 0 when @n is 0 */
uint32_t hrng_below(struct hrng *r, uint32_t n)
{
	return n ? (uint32_t)((hrng_next(r) >> 32) % n) : 0;
}

/** hrng_chance() - true with @percent % probability */
bool hrng_chance(struct hrng *r, unsigned int percent)
{
	return hrng_below(r, 100) < percent;
}

/**
 * hostile_seed() - the seed from environment variable @env (decimal or
 * 0x hex), else from the clock; printed so that a run can be repeated
 */
uint64_t hostile_seed(const char *env)
{
	const char *s = getenv(env);
	struct timespec ts;
	uint64_t seed;

	if (s && *s) {
		seed = strtoull(s, NULL, 0);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = splitmix((uint64_t)ts.tv_sec * 1000000000ull +
				ts.tv_nsec) & 0xffffffffffffull;
	}
	printf("# seed %llu (repeat with %s=%llu)\n", (unsigned long long)seed,
	       env, (unsigned long long)seed);
	fflush(stdout);
	return seed;
}

/** hostile_env_seconds() - a duration from @env, else @dflt */
double hostile_env_seconds(const char *env, double dflt)
{
	const char *s = getenv(env);

	return s && *s ? strtod(s, NULL) : dflt;
}

/** hostile_env_ulong() - a count from @env, else @dflt */
unsigned long hostile_env_ulong(const char *env, unsigned long dflt)
{
	const char *s = getenv(env);

	return s && *s ? strtoul(s, NULL, 0) : dflt;
}

/* ---------------------------------------------------------------------- */
/* Documented errnos (uapi/linux/vfio_ccw.h, Documentation/s390/vfio-ccw.rst) */
/* ---------------------------------------------------------------------- */

static const char *const hclass_names[HC_NR] = {
	[HC_IO_WRITE] = "io_write",
	[HC_IO_READ] = "io_read",
	[HC_ASYNC_WRITE] = "async_write",
	[HC_ASYNC_READ] = "async_read",
	[HC_SCHIB_READ] = "schib_read",
	[HC_CRW_READ] = "crw_read",
	[HC_STATUS_READ] = "status_read",
	[HC_RO_WRITE] = "ro_region_write",
	[HC_BAD_INDEX] = "bad_region_index",
	[HC_GET_INFO] = "get_info",
	[HC_REGION_INFO] = "get_region_info",
	[HC_IRQ_INFO] = "get_irq_info",
	[HC_SET_IRQS] = "set_irqs",
	[HC_RESET] = "reset",
	[HC_UNKNOWN_IOCTL] = "unknown_ioctl",
};

/* Zero-terminated lists. */
static const int ok_io_write[] = { EINVAL, EBUSY, ENODEV, EACCES, EOPNOTSUPP,
				   EFAULT, ENOMEM, 0 };
static const int ok_read[] = { EINVAL, EFAULT, 0 };
static const int ok_async[] = { EINVAL, EBUSY, ENODEV, EFAULT, EACCES,
				ENOMEM, EOPNOTSUPP, 0 };
static const int ok_schib[] = { EINVAL, EFAULT, ENODEV, 0 };
static const int ok_einval[] = { EINVAL, 0 };
static const int ok_info[] = { EINVAL, EFAULT, 0 };
static const int ok_set_irqs[] = { EINVAL, EBADF, EFAULT, 0 };
static const int ok_reset[] = { ENODEV, EIO, 0 };
static const int ok_enotty[] = { ENOTTY, 0 };

static const int *const hclass_ok[HC_NR] = {
	[HC_IO_WRITE] = ok_io_write,
	[HC_IO_READ] = ok_read,
	[HC_ASYNC_WRITE] = ok_async,	/* RSCH: the translation errors too */
	[HC_ASYNC_READ] = ok_read,
	[HC_SCHIB_READ] = ok_schib,
	[HC_CRW_READ] = ok_read,
	[HC_STATUS_READ] = ok_read,
	[HC_RO_WRITE] = ok_einval,
	[HC_BAD_INDEX] = ok_einval,
	[HC_GET_INFO] = ok_info,
	[HC_REGION_INFO] = ok_info,
	[HC_IRQ_INFO] = ok_info,
	[HC_SET_IRQS] = ok_set_irqs,
	[HC_RESET] = ok_reset,
	[HC_UNKNOWN_IOCTL] = ok_enotty,
};

/** hclass_name() - short name of an operation class */
const char *hclass_name(enum hclass c)
{
	return c < HC_NR ? hclass_names[c] : "?";
}

/** hclass_allowed() - is errno @err documented for class @c? */
bool hclass_allowed(enum hclass c, int err)
{
	const int *p;

	if (c >= HC_NR)
		return false;
	for (p = hclass_ok[c]; *p; p++)
		if (*p == err)
			return true;
	return false;
}

/** errname() - "EINVAL" for EINVAL */
const char *errname(int err)
{
	const char *n = strerrorname_np(err);

	return n ? n : "E?";
}

/**
 * hist_add() - count the result @ret (>= 0 success, else -errno) of one
 * call of class @c; an undocumented errno is printed with @what
 *
 * Returns false for an undocumented errno.
 */
bool hist_add(struct hhist *h, enum hclass c, int ret, const char *what)
{
	int err = ret < 0 ? -ret : 0;

	atomic_fetch_add(&h->n[c][err > HIST_ERRNO_MAX ? HIST_ERRNO_MAX : err],
			 1);
	if (!err || hclass_allowed(c, err))
		return true;
	atomic_fetch_add(&h->bad, 1);
	printf("# UNDOCUMENTED errno %d (%s) from %s: %s\n", err, errname(err),
	       hclass_name(c), what);
	fflush(stdout);
	return false;
}

/** hist_total() - calls of class @c */
unsigned long hist_total(const struct hhist *h, enum hclass c)
{
	unsigned long t = 0;
	int i;

	for (i = 0; i <= HIST_ERRNO_MAX; i++)
		t += atomic_load(&h->n[c][i]);
	return t;
}

/** hist_ok() - successful calls of class @c */
unsigned long hist_ok(const struct hhist *h, enum hclass c)
{
	return atomic_load(&h->n[c][0]);
}

/** hist_print() - one "# errnos NAME CLASS: ok=N EINVAL=N ..." per class */
void hist_print(const struct hhist *h, const char *name)
{
	char line[1024];
	size_t off;
	int c, i;

	for (c = 0; c < HC_NR; c++) {
		if (!hist_total(h, c))
			continue;
		off = snprintf(line, sizeof(line), "# errnos %s %s:", name,
			       hclass_name(c));
		for (i = 0; i <= HIST_ERRNO_MAX && off < sizeof(line); i++) {
			unsigned long v = atomic_load(&h->n[c][i]);

			if (!v)
				continue;
			off += snprintf(line + off, sizeof(line) - off,
					" %s=%lu", i ? errname(i) : "ok", v);
		}
		printf("%s\n", line);
	}
	fflush(stdout);
}

/* ---------------------------------------------------------------------- */
/* Memory                                                                  */
/* ---------------------------------------------------------------------- */

static void fill_nops(struct vccw_mem *m)
{
	struct ccw1 *ccw = (struct ccw1 *)m->va;
	size_t i;

	for (i = 0; i < m->size / sizeof(*ccw); i++)
		ccw_set(&ccw[i], CCW_CMD_NOOP, CCW_FLAG_SLI, 0, 0);
}

/**
 * hmem_map() - map the five areas of struct hmem at their fixed IOVAs
 * @dev: the device
 * @m: output
 * @slices: independent program slices (threads), 1 to 8
 */
int hmem_map(struct vccw_dev *dev, struct hmem *m, int slices)
{
	int ret;

	memset(m, 0, sizeof(*m));
	m->slices = slices;
	ret = vccw_mem_alloc_at(dev, &m->data, HMEM_DATA_SIZE, HMEM_DATA_IOVA,
				false);
	if (!ret)
		ret = vccw_mem_alloc_at(dev, &m->edge, HMEM_EDGE_SIZE,
					HMEM_EDGE_IOVA, false);
	if (!ret)
		ret = vccw_mem_alloc_at(dev, &m->ro, HMEM_RO_SIZE, HMEM_RO_IOVA,
					true);
	if (!ret)
		ret = vccw_mem_alloc_at(dev, &m->prog, HMEM_PROG_SIZE,
					HMEM_PROG_IOVA, false);
	if (!ret)
		ret = vccw_mem_alloc_at(dev, &m->idal, HMEM_IDAL_SIZE,
					HMEM_IDAL_IOVA, false);
	if (ret) {
		hmem_unmap(dev, m);
		return ret;
	}
	fill_nops(&m->prog);
	memset(m->data.va, 0x5a, m->data.size);
	return 0;
}

/** hmem_unmap() - unmap and free what hmem_map() mapped */
void hmem_unmap(struct vccw_dev *dev, struct hmem *m)
{
	vccw_mem_free(dev, &m->idal);
	vccw_mem_free(dev, &m->prog);
	vccw_mem_free(dev, &m->ro);
	vccw_mem_free(dev, &m->edge);
	vccw_mem_free(dev, &m->data);
}

static size_t prog_slice(const struct hmem *m)
{
	return (HMEM_PROG_SIZE / m->slices) & ~(size_t)7;
}

static size_t idal_slice(const struct hmem *m)
{
	return (HMEM_IDAL_SIZE / m->slices) & ~(size_t)7;
}

/* Commands of QEMU's virtio-ccw that carry guest addresses or change the
 * device: never run them.
 */
static bool cmd_dangerous(uint8_t cmd)
{
	static const uint8_t bad[] = { 0x11, 0x13, 0x21, 0x31, 0x33, 0x43,
				       0x53, 0x73, 0x83 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (cmd == bad[i])
			return true;
	return false;
}

static bool is_tic(uint8_t cmd)
{
	return (cmd & 0x0f) == CCW_CMD_TIC;
}

static bool in_area(uint64_t a, uint64_t base, uint64_t size)
{
	return a >= base && a < base + size;
}

static bool in_code(uint64_t a)
{
	return in_area(a, HMEM_PROG_IOVA, HMEM_PROG_SIZE) ||
	       in_area(a, HMEM_IDAL_IOVA, HMEM_IDAL_SIZE);
}

/* A data address (never in the program or IDAL areas). */
static uint32_t rand_data_addr(struct hrng *r, uint32_t count)
{
	uint32_t k = hrng_below(r, 100), span;

	if (k < 55) {
		span = count < HMEM_DATA_SIZE ? HMEM_DATA_SIZE - count : 1;
		return HMEM_DATA_IOVA + (hrng_below(r, span) & ~7u);
	}
	if (k < 65)	/* straddles the end of the data mapping */
		return HMEM_DATA_IOVA + HMEM_DATA_SIZE - 1 - hrng_below(r, 64);
	if (k < 75)	/* straddles the end of the edge mapping */
		return HMEM_EDGE_IOVA + HMEM_EDGE_SIZE - 1 - hrng_below(r, 256);
	if (k < 80)
		return HMEM_RO_IOVA + hrng_below(r, HMEM_RO_SIZE);
	if (k < 85)
		return HMEM_GAP_IOVA + hrng_below(r, 0x10000);
	if (k < 88)
		return 0;
	if (k < 91)
		return 0x80000000u | (HMEM_DATA_IOVA + 64);
	if (k < 95)
		return HMEM_DATA_IOVA + 1 + 2 * hrng_below(r, 1000);
	/* random, outside the code areas */
	for (;;) {
		uint32_t a = (uint32_t)hrng_next(r);

		if (!in_code(a & 0x7fffffff) && !in_code(a))
			return a;
	}
}

/* An IDAW value (never in the program or IDAL areas). */
static uint64_t rand_idaw(struct hrng *r, bool first)
{
	uint32_t k = hrng_below(r, 100);

	if (k < 60)
		return HMEM_DATA_IOVA + 4096ull * hrng_below(r, HMEM_DATA_SIZE / 4096) +
		       (first ? hrng_below(r, 4096) : 0);
	if (k < 68)
		return HMEM_EDGE_IOVA + HMEM_EDGE_SIZE - 4096;
	if (k < 74)
		return HMEM_EDGE_IOVA + HMEM_EDGE_SIZE;	/* unmapped */
	if (k < 80)
		return HMEM_GAP_IOVA;
	if (k < 85)
		return HMEM_RO_IOVA;
	if (k < 90)
		return HMEM_DATA_IOVA + 8 + 2 * hrng_below(r, 100);
	if (k < 93)
		return 0;
	if (k < 96)
		return 0x80000000ull + HMEM_DATA_IOVA;
	return 0x100000000ull + HMEM_DATA_IOVA;
}

static uint16_t rand_count(struct hrng *r)
{
	uint32_t k = hrng_below(r, 100);

	if (k < 10)
		return 0;
	if (k < 40)
		return 8 << hrng_below(r, 3);
	if (k < 85)
		return 1 + hrng_below(r, 4096);
	if (k < 95)
		return 4096 + hrng_below(r, 12288);
	return 65535;
}

static uint8_t rand_cmd(struct hrng *r)
{
	static const uint8_t junk[] = { 0x00, 0x01, 0x02, 0x06, 0x0c, 0xff,
					0x44, 0xe5 };
	uint32_t k = hrng_below(r, 100);

	if (k < 30)
		return CCW_CMD_SENSE_ID;
	if (k < 55)
		return CCW_CMD_NOOP;
	if (k < 62)
		return CCW_CMD_BASIC_SENSE;
	if (k < 72)
		return CCW_CMD_TIC;
	if (k < 77)
		return 0x12;	/* virtio READ_FEAT */
	if (k < 82)
		return 0x22;	/* virtio READ_CONF */
	if (k < 87)
		return 0x72;	/* virtio READ_STATUS */
	if (k < 92)
		return 0x32;	/* virtio READ_VQ_CONF */
	return junk[hrng_below(r, ARRAY_SIZE(junk))];
}

/* Fill an IDAL for a CCW of @count bytes; returns its IOVA. */
static uint32_t rand_idal(struct hrng *r, struct hmem *m, int slice,
			  bool fmt2, uint16_t count, size_t *idal_off,
			  struct hprog_stats *st)
{
	size_t base = (size_t)slice * idal_slice(m), lim = idal_slice(m);
	size_t esz = fmt2 ? 8 : 4;
	uint32_t n = (count + 4095) / 4096 + 1, i, k;
	uint8_t *p;

	n += hrng_below(r, 3);
	if (n > 16)
		n = 16;
	if (*idal_off + n * esz > lim)
		*idal_off = 0;
	p = m->idal.va + base + *idal_off;
	for (i = 0; i < n; i++) {
		uint64_t a = rand_idaw(r, i == 0);

		if (fmt2)
			idaw2_set((uint64_t *)p + i, a);
		else
			idaw1_set((uint32_t *)p + i, (uint32_t)a);
	}
	atomic_fetch_add(&st->idaws, n);
	k = hrng_below(r, 100);
	if (k < 3)
		return HMEM_GAP_IOVA;		/* IDAL not mapped */
	if (k < 6)
		return HMEM_IDAL_IOVA + base + *idal_off + 4;	/* unaligned */
	if (k < 8)	/* IDAL runs off the end of its mapping */
		return HMEM_IDAL_IOVA + HMEM_IDAL_SIZE - 8;
	k = HMEM_IDAL_IOVA + base + *idal_off;
	*idal_off += (n * esz + 7) & ~(size_t)7;
	return k;
}

/**
 * hprog_random() - write a random channel program into program slice
 * @slice of @m and build a random ORB for it
 * @r: generator
 * @m: memory
 * @slice: the caller's slice (one per thread)
 * @orb: output
 * @st: statistics
 */
void hprog_random(struct hrng *r, struct hmem *m, int slice,
		  struct ccw_orb *orb, struct hprog_stats *st)
{
	size_t sz = prog_slice(m), base = (size_t)slice * sz, idal_off = 0;
	uint32_t nccw = 1 + hrng_below(r, hrng_chance(r, 5) ? 300 : 12);
	uint32_t ctrl = ORB_FMT1 | ORB_LPM(0xff), first, i, k;
	struct ccw1 *ccw;
	bool suspend = hrng_chance(r, 12), fmt2;

	if (hrng_chance(r, 80))
		ctrl |= ORB_C64;
	if (hrng_chance(r, 50))
		ctrl |= ORB_PFCH;
	if (suspend)
		ctrl |= ORB_SPND;
	fmt2 = ctrl & ORB_C64;
	if (nccw > sz / 8 / 2)
		nccw = sz / 8 / 2;
	first = hrng_below(r, sz / 8 - nccw);
	ccw = (struct ccw1 *)(m->prog.va + base) + first;
	for (i = 0; i < nccw; i++) {
		uint8_t cmd = rand_cmd(r), flags = 0;
		uint16_t count = rand_count(r);
		uint32_t cda;

		if (is_tic(cmd)) {
			uint32_t own = first + i, tgt;

			k = hrng_below(r, 100);
			tgt = own + 1 + hrng_below(r, sz / 8 - own - 1);
			cda = HMEM_PROG_IOVA + base + 8 * tgt;
			if (k < 5 || tgt >= sz / 8)
				cda = HMEM_GAP_IOVA;
			else if (k < 8)
				cda += 4;
			else if (k < 10)
				cda = HMEM_PROG_IOVA + HMEM_PROG_SIZE;
			ccw_set(&ccw[i], CCW_CMD_TIC, 0, 0, cda);
			atomic_fetch_add(&st->tics, 1);
			continue;
		}
		if (i + 1 < nccw && hrng_chance(r, 88))
			flags |= CCW_FLAG_CC;
		if (hrng_chance(r, 70))
			flags |= CCW_FLAG_SLI;
		if (hrng_chance(r, 5))
			flags |= CCW_FLAG_SKIP;
		if (hrng_chance(r, 3))
			flags |= CCW_FLAG_PCI;
		if (hrng_chance(r, 3))
			flags |= CCW_FLAG_DC;
		if (hrng_chance(r, 1))
			flags |= CCW_FLAG_MIDA;
		if ((suspend && hrng_chance(r, 30)) || hrng_chance(r, 2))
			flags |= CCW_FLAG_SUSPEND;
		if (cmd != CCW_CMD_NOOP && hrng_chance(r, 20)) {
			flags |= CCW_FLAG_IDA;
			cda = rand_idal(r, m, slice, fmt2, count, &idal_off, st);
		} else {
			cda = rand_data_addr(r, count);
		}
		ccw_set(&ccw[i], cmd, flags, count, cda);
	}
	if (suspend)
		atomic_fetch_add(&st->suspend, 1);
	atomic_fetch_add(&st->ccws, nccw);

	orb_init(orb, HMEM_PROG_IOVA + base + 8 * first, 0);
	orb->intparm = (uint32_t)hrng_next(r);
	orb->ctrl = htobe32(ctrl);
	k = hrng_below(r, 100);
	if (k < 3)
		orb->cpa = htobe32(HMEM_GAP_IOVA);
	else if (k < 5)
		orb->cpa = htobe32(HMEM_PROG_IOVA + base + 8 * first + 4);
	else if (k < 6)
		orb->cpa = htobe32(0);
	else if (k < 7)
		orb->cpa = htobe32(HMEM_PROG_IOVA + base + sz - 8);
	else if (k < 8)
		orb->cpa = htobe32(0x80000000u | (HMEM_PROG_IOVA + base));
}

/**
 * hprog_sanitize() - restore the safety rules in slice @slice after a
 * mutation: no dangerous command, TICs only forward inside the slice with
 * flags and count 0, data addresses never in the code areas
 */
void hprog_sanitize(struct hmem *m, int slice)
{
	size_t sz = prog_slice(m), base = (size_t)slice * sz, i;
	struct ccw1 *ccw = (struct ccw1 *)(m->prog.va + base);

	for (i = 0; i < sz / 8; i++) {
		uint32_t cda = be32toh(ccw[i].cda);
		uint64_t own = HMEM_PROG_IOVA + base + 8 * i;

		if (cmd_dangerous(ccw[i].cmd))
			ccw[i].cmd = 0xff;
		if (is_tic(ccw[i].cmd)) {
			ccw[i].flags = 0;
			ccw[i].count = 0;
			/* forward in the slice, the end of the area, the gap */
			if (!(cda > own && cda < HMEM_PROG_IOVA + base + sz) &&
			    cda != HMEM_PROG_IOVA + HMEM_PROG_SIZE &&
			    cda != HMEM_GAP_IOVA)
				ccw[i].cda = htobe32(HMEM_GAP_IOVA);
			continue;
		}
		if (ccw[i].flags & CCW_FLAG_IDA) {
			uint32_t lo = HMEM_IDAL_IOVA + slice * idal_slice(m);

			if (in_area(cda & 0x7fffffff, HMEM_PROG_IOVA,
				    HMEM_PROG_SIZE) ||
			    (in_area(cda & 0x7fffffff, HMEM_IDAL_IOVA,
				     HMEM_IDAL_SIZE) &&
			     !in_area(cda, lo, idal_slice(m))))
				ccw[i].cda = htobe32(lo);
		} else if (in_code(cda) || in_code(cda & 0x7fffffff)) {
			ccw[i].cda = htobe32(HMEM_DATA_IOVA);
		}
	}
}

/**
 * hprog_mutate() - flip random bits of the ORB and of the CCWs of slice
 * @slice, then hprog_sanitize() it
 */
void hprog_mutate(struct hrng *r, struct hmem *m, int slice,
		  struct ccw_orb *orb, struct hprog_stats *st)
{
	size_t sz = prog_slice(m), base = (size_t)slice * sz;
	uint32_t flips = 1 + hrng_below(r, 4), i;
	uint8_t *p = m->prog.va + base;

	for (i = 0; i < flips; i++) {
		uint32_t k = hrng_below(r, 100);

		if (k < 40) {
			uint32_t c = be32toh(orb->ctrl);

			c ^= 1u << hrng_below(r, 32);
			orb->ctrl = htobe32(c);
		} else if (k < 45) {
			orb->intparm ^= (uint32_t)hrng_next(r);
		} else {
			uint32_t off = be32toh(orb->cpa) - HMEM_PROG_IOVA - base;

			if (off >= sz)
				off = 0;
			off += 8 * hrng_below(r, 8);
			if (off < sz)
				p[off + hrng_below(r, 8)] ^= 1u << hrng_below(r, 8);
		}
	}
	hprog_sanitize(m, slice);
	atomic_fetch_add(&st->mutated, 1);
}

/* ---------------------------------------------------------------------- */
/* Misc                                                                    */
/* ---------------------------------------------------------------------- */

/**
 * hostile_quiesce() - end whatever runs on @dev: CSCH through the async
 * region (when there is one), then consume the interrupts. Returns the
 * number of interrupts consumed.
 */
int hostile_quiesce(struct vccw_dev *dev)
{
	int n;

	n = vccw_drain_irqs(dev, 50, NULL);
	if (dev->region[VFIO_CCW_REGION_ASYNC].present)
		vccw_async(dev, VFIO_CCW_ASYNC_CMD_CSCH, true);
	return n + vccw_drain_irqs(dev, 150, NULL);
}

/**
 * hostile_wait_unpinned() - wait up to @ms for VmLck + VmPin to drop to 0
 * (a driver may release the pages of an ended program from a work item,
 * shortly after its final interrupt); returns what is left, in kB
 */
long hostile_wait_unpinned(int ms)
{
	long kb;

	while ((kb = hostile_pinned_kb()) && ms > 0) {
		usleep(10000);
		ms -= 10;
	}
	return kb;
}

/*
 * hostile_pinned_kb() - VmLck + VmPin of this process in kB, less what the
 * driver's pin caches keep (documented, released by unmap and close)
 */
long hostile_pinned_kb(void)
{
	long kb = vccw_pinned_kb();

	if (kb)
		kb -= vccw_driver_cached_kb();
	return kb > 0 ? kb : 0;
}

/**
 * struct unmapper - an unmap (through the device's back-end) in a thread,
 * watched for hangs
 * @dev: the device
 * @iova: what to unmap
 * @size: its size
 * @ret: 0 or -errno
 * @done: the ioctl returned
 */
struct unmapper {
	struct vccw_dev *dev;
	uint64_t iova, size;
	int ret;
	atomic_bool done;
};

static void *unmap_main(void *arg)
{
	struct unmapper *u = arg;

	u->ret = vccw_dma_unmap(u->dev, u->iova, u->size);
	atomic_store(&u->done, true);
	return NULL;
}

/**
 * hostile_unmap_bounded() - unmap @m in a thread, watched for hangs
 * @dev: the device whose back-end maps @m
 * @m: the mapping; marked unmapped once the unmap returned
 * @timeout_s: how long the unmap may take
 * @ret: 0 or the -errno of the unmap
 *
 * Return: false when the unmap did not return within @timeout_s.
 */
bool hostile_unmap_bounded(struct vccw_dev *dev, struct vccw_mem *m,
			   int timeout_s, int *ret)
{
	struct unmapper u = { .dev = dev, .iova = m->iova, .size = m->size };
	struct timespec ts;
	pthread_t t;

	if (pthread_create(&t, NULL, unmap_main, &u))
		return false;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_s;
	if (pthread_timedjoin_np(t, NULL, &ts)) {
		pthread_detach(t);
		return false;
	}
	*ret = u.ret;
	m->mapped = false;
	return true;
}
