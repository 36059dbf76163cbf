// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_stress: concurrency. Several threads per device issue starts
 * (EBUSY is an answer), halts and clears (through the async region) and
 * read every region, on several devices at once. Every accepted start
 * must end with exactly one final interrupt: no interrupt lost, none
 * duplicated. The interrupts are counted from the status region's irq_seq
 * when the driver has it, else from the eventfd signals.
 *
 * pinstress: starts, resumes and clears racing unmaps and resets of
 * their data pages; at the end every pinned page is accounted for.
 *
 * Bounded by VFIO_CCW_STRESS_SECONDS (default 8) and VFIO_CCW_STRESS_ITERS
 * (default 200000) per test.
 *
 * usage: VFIO_CCW_MDEV=<uuid> [VFIO_CCW_MDEVS=<uuid>,...] vfio_ccw_stress
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"
#include "hostile.h"

#define MAX_DEVS	4
#define THREADS_PER_DEV	3
#define QUIET_MS	300

/**
 * struct sdev - one device under stress
 */
struct sdev {
	struct vccw_dev dev;
	struct vccw_mem mem;
	bool has_status;
	uint64_t seq0;			/* irq_seq at the start */
	atomic_ulong starts, halts, clears, ebusy, eagain, reads, bad;
	atomic_ulong irqs;		/* eventfd signals */
	atomic_bool stop_poll;
	pthread_t poller;
};

FIXTURE(stress) {
	int ndev;
	struct sdev d[MAX_DEVS];
	uint64_t seed, deadline_ns;
	unsigned long max_iters;
	atomic_ulong iters;
};

static uint64_t irq_seq(struct sdev *s)
{
	struct ccw_status_region st;

	if (!s->has_status || vccw_read_status(&s->dev, &st))
		return 0;
	return st.irq_seq;
}

static void *poll_main(void *arg)
{
	struct sdev *s = arg;
	uint64_t c;

	while (!atomic_load(&s->stop_poll)) {
		if (!vccw_wait_irq(&s->dev, 20, &c))
			atomic_fetch_add(&s->irqs, c);
	}
	return NULL;
}

FIXTURE_SETUP(stress)
{
	char uuids[MAX_DEVS][64];
	int i;

	self->seed = hostile_seed("VFIO_CCW_STRESS_SEED");
	self->max_iters = hostile_env_ulong("VFIO_CCW_STRESS_ITERS", 200000);
	self->deadline_ns = vccw_now_ns() +
		(uint64_t)(hostile_env_seconds("VFIO_CCW_STRESS_SECONDS", 8) * 1e9);
	self->ndev = vccw_env_mdevs(uuids, MAX_DEVS);
	ASSERT_LT(0, self->ndev);
	for (i = 0; i < self->ndev; i++) {
		struct sdev *s = &self->d[i];

		vccw_open_ok(&s->dev, uuids[i]);
		vccw_mem_alloc_ok(&s->dev, &s->mem, 64 * 1024);
		s->has_status = s->dev.region[VFIO_CCW_REGION_STATUS].present;
		s->seq0 = irq_seq(s);
	}
}

FIXTURE_TEARDOWN(stress)
{
	int i;

	for (i = 0; i < self->ndev; i++) {
		struct sdev *s = &self->d[i];

		if (s->dev.fd < 0)
			continue;
		hostile_quiesce(&s->dev);
		EXPECT_SENSE_ID_OK(&s->dev, &s->mem);
		vccw_mem_free(&s->dev, &s->mem);
		vccw_close(&s->dev);
	}
	EXPECT_EQ(0, hostile_pinned_kb());
}

/* The programs of thread @t: SENSE ID, a suspending one, 8 NOPs. */
static void progs(struct sdev *s, int t, struct ccw_orb orb[3])
{
	size_t base = 0x1000 * (t + 1);
	struct ccw1 *c = (struct ccw1 *)(s->mem.va + base);

	ccw_set(c, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32,
		vccw_iova(&s->mem, s->mem.va + base + 0x800));
	orb_init(&orb[0], vccw_iova(&s->mem, c), 0);
	prog_suspend(&s->mem, base + 0x100, &orb[1]);
	prog_nop_chain(&s->mem, base + 0x400, 8, &orb[2]);
}

/* Counts an errno that is an answer, or a bad one. */
static void answer(struct sdev *s, int ret, const char *what)
{
	if (ret == -EBUSY) {
		atomic_fetch_add(&s->ebusy, 1);
	} else if (ret == -EAGAIN) {
		atomic_fetch_add(&s->eagain, 1);
	} else {
		atomic_fetch_add(&s->bad, 1);
		printf("# %s: %s\n", what, errname(-ret));
	}
}

/**
 * struct sworker - a thread of the chaos test
 */
struct sworker {
	pthread_t tid;
	struct _test_data_stress *self;
	struct sdev *s;
	int t;
	struct hrng rng;
};

static void *chaos_main(void *arg)
{
	struct sworker *w = arg;
	struct sdev *s = w->s;
	struct ccw_orb orb[3];
	uint8_t buf[256];
	int ret;

	progs(s, w->t, orb);
	while (vccw_now_ns() < w->self->deadline_ns &&
	       atomic_fetch_add(&w->self->iters, 1) < w->self->max_iters) {
		uint32_t k = hrng_below(&w->rng, 100);

		if (k < 45) {
			uint32_t p = hrng_below(&w->rng, 10);

			/* SENSE ID 50 %, suspending 20 %, NOPs 30 % */
			p = p < 5 ? 0 : p < 7 ? 1 : 2;
			ret = vccw_io_write(&s->dev, &orb[p], SCSW_FCTL_START_FUNC);
			if (ret == (int)sizeof(struct ccw_io_region))
				atomic_fetch_add(&s->starts, 1);
			else
				answer(s, ret, "start");
		} else if (k < 70 && s->dev.region[VFIO_CCW_REGION_ASYNC].present) {
			bool halt = k < 57;

			ret = vccw_async(&s->dev, halt ? VFIO_CCW_ASYNC_CMD_HSCH :
					 VFIO_CCW_ASYNC_CMD_CSCH, false);
			if (!ret)
				atomic_fetch_add(halt ? &s->halts : &s->clears, 1);
			else
				answer(s, ret, halt ? "hsch" : "csch");
		} else {
			int slot = hrng_below(&w->rng, VFIO_CCW_REGION_SLOTS);
			const struct vccw_region *r = &s->dev.region[slot];

			if (!r->present)
				continue;
			ret = vccw_region_read(&s->dev, slot, buf,
					       r->size < sizeof(buf) ?
					       r->size : sizeof(buf), 0);
			if (ret < 0)
				answer(s, ret, "region read");
			else
				atomic_fetch_add(&s->reads, 1);
		}
	}
	return NULL;
}

static unsigned long finals(struct sdev *s)
{
	return s->has_status ? irq_seq(s) - s->seq0 : atomic_load(&s->irqs);
}

/*
 * Several threads per device, several devices: starts S, halts H and
 * clears C accepted; every start ends with one final interrupt, which a
 * halt or clear may provide: S <= interrupts <= S + H + C, and when the
 * status region exists, irq_seq and the eventfd agree exactly.
 */
TEST_F_TIMEOUT(stress, chaos, 90)
{
	struct sworker w[MAX_DEVS * THREADS_PER_DEV];
	int n = 0, i, overtake;
	uint64_t t0 = vccw_now_ns();

	for (i = 0; i < self->ndev; i++)
		ASSERT_EQ(0, pthread_create(&self->d[i].poller, NULL, poll_main,
					    &self->d[i]));
	for (i = 0; i < self->ndev * THREADS_PER_DEV; i++, n++) {
		w[i].self = self;
		w[i].s = &self->d[i / THREADS_PER_DEV];
		w[i].t = i % THREADS_PER_DEV;
		hrng_init(&w[i].rng, self->seed, i);
		ASSERT_EQ(0, pthread_create(&w[i].tid, NULL, chaos_main, &w[i]));
	}
	for (i = 0; i < n; i++)
		pthread_join(w[i].tid, NULL);
	for (i = 0; i < self->ndev; i++) {
		struct sdev *s = &self->d[i];
		unsigned long f, lo, hi;

		/* end a suspended start, counted as one more clear */
		if (s->dev.region[VFIO_CCW_REGION_ASYNC].present &&
		    !vccw_async(&s->dev, VFIO_CCW_ASYNC_CMD_CSCH, true))
			atomic_fetch_add(&s->clears, 1);
		usleep(QUIET_MS * 1000);
		atomic_store(&s->stop_poll, true);
		pthread_join(s->poller, NULL);
		atomic_fetch_add(&s->irqs, vccw_drain_irqs(&s->dev, QUIET_MS,
							   NULL));
		f = finals(s);
		lo = atomic_load(&s->starts);
		hi = lo + atomic_load(&s->halts) + atomic_load(&s->clears);
		overtake = s->dev.has_cap &&
			   (s->dev.cap.features & VFIO_CCW_FEAT_OVERTAKE);
		printf("# figures: stress.chaos dev=%d seed=%llu starts=%lu",
		       i, (unsigned long long)self->seed,
		       (unsigned long)s->starts);
		printf(" halts=%lu clears=%lu ebusy=%lu eagain=%lu reads=%lu",
		       (unsigned long)s->halts,
		       (unsigned long)s->clears, (unsigned long)s->ebusy,
		       (unsigned long)s->eagain, (unsigned long)s->reads);
		printf(" irqs=%lu irq_seq=%s%lu bad=%lu ms=%lu\n",
		       (unsigned long)s->irqs, s->has_status ? "" : "n/a:",
		       s->has_status ? f : 0, (unsigned long)s->bad,
		       (unsigned long)((vccw_now_ns() - t0) / 1000000));
		EXPECT_EQ(0, atomic_load(&s->bad));
		if (f < lo)
			TH_LOG("dev %d: %lu starts accepted, %lu final interrupts: lost",
			       i, lo, f);
		if (f > hi)
			TH_LOG("dev %d: %lu functions accepted, %lu interrupts: duplicated",
			       i, hi, f);
		EXPECT_LE(lo, f);
		EXPECT_GE(hi, f);
		if (s->has_status)
			EXPECT_EQ(atomic_load(&s->irqs), f);
		/* EAGAIN is the reference's; the ABI of ours has none here */
		if (overtake)
			EXPECT_EQ(0, atomic_load(&s->eagain));
		/* nothing more arrives once everything ended */
		EXPECT_EQ(0, vccw_drain_irqs(&s->dev, QUIET_MS, NULL));
	}
}

/**
 * struct sseq - a thread of the sequential test: one device, one thread,
 * so that whether a start is open is known exactly
 */
struct sseq {
	pthread_t tid;
	struct _test_data_stress *self;
	struct sdev *s;
	struct hrng rng;
	unsigned long expected, got, ops, bad;
};

static bool seq_wait(struct sseq *q, int ms, const char *what)
{
	struct ccw_irb irb;
	struct scsw_fields f;
	uint64_t c;

	if (vccw_wait_irq(&q->s->dev, ms, &c)) {
		printf("# dev %s: no interrupt after %s\n", q->s->dev.uuid, what);
		q->bad++;
		return false;
	}
	q->got += c;
	if (c != 1) {
		printf("# dev %s: %llu interrupts after %s\n", q->s->dev.uuid,
		       (unsigned long long)c, what);
		q->bad++;
	}
	if (vccw_read_irb(&q->s->dev, &irb))
		return true;
	scsw_decode(&irb.scsw, &f);
	if (!scsw_is_final(&f)) {
		char b[512];

		irb_format(&irb, b, sizeof(b));
		printf("# dev %s: not final after %s: %s\n", q->s->dev.uuid,
		       what, b);
		q->bad++;
	}
	return true;
}

static void *seq_main(void *arg)
{
	struct sseq *q = arg;
	struct sdev *s = q->s;
	bool open = false, async = s->dev.region[VFIO_CCW_REGION_ASYNC].present;
	struct ccw_orb orb[3];
	int ret;

	progs(s, 0, orb);
	while (vccw_now_ns() < q->self->deadline_ns &&
	       atomic_fetch_add(&q->self->iters, 1) < q->self->max_iters) {
		uint32_t k = hrng_below(&q->rng, 100);

		q->ops++;
		if (k < 50 || !async) {
			int p = hrng_below(&q->rng, 3);

			ret = vccw_start(&s->dev, &orb[p]);
			if (open) {
				if (ret != -EBUSY) {
					printf("# start while suspended: %d\n", ret);
					q->bad++;
				}
				continue;
			}
			if (ret) {
				printf("# start: %s\n", errname(-ret));
				q->bad++;
				continue;
			}
			q->expected++;
			if (p == 1)
				open = true;	/* suspended: no interrupt yet */
			else
				seq_wait(q, 2000, "start");
		} else {
			bool halt = k < 75;

			ret = vccw_async(&s->dev, halt ? VFIO_CCW_ASYNC_CMD_HSCH :
					 VFIO_CCW_ASYNC_CMD_CSCH, true);
			if (ret) {
				printf("# %s: %s\n", halt ? "hsch" : "csch",
				       errname(-ret));
				q->bad++;
				continue;
			}
			if (!open)
				q->expected++;	/* its own function */
			open = false;
			seq_wait(q, 2000, halt ? "hsch" : "csch");
		}
	}
	if (open) {
		if (!vccw_async(&s->dev, VFIO_CCW_ASYNC_CMD_CSCH, true))
			seq_wait(q, 2000, "final csch");
	}
	q->got += vccw_drain_irqs(&s->dev, QUIET_MS, NULL);
	return NULL;
}

/*
 * One thread per device (devices in parallel): the expected number of
 * final interrupts is known exactly and must be met exactly.
 */
TEST_F_TIMEOUT(stress, sequential_exact, 90)
{
	struct sseq q[MAX_DEVS];
	int i;

	memset(q, 0, sizeof(q));
	for (i = 0; i < self->ndev; i++) {
		q[i].self = self;
		q[i].s = &self->d[i];
		hrng_init(&q[i].rng, self->seed, 100 + i);
		ASSERT_EQ(0, pthread_create(&q[i].tid, NULL, seq_main, &q[i]));
	}
	for (i = 0; i < self->ndev; i++) {
		struct sdev *s = &self->d[i];

		pthread_join(q[i].tid, NULL);
		printf("# figures: stress.sequential dev=%d seed=%llu ops=%lu",
		       i, (unsigned long long)self->seed, q[i].ops);
		printf(" expected_irqs=%lu irqs=%lu irq_seq=%s%lu bad=%lu\n",
		       q[i].expected, q[i].got, s->has_status ? "" : "n/a:",
		       s->has_status ? finals(s) : 0, q[i].bad);
		EXPECT_EQ(0, q[i].bad);
		EXPECT_EQ(q[i].expected, q[i].got);
		if (s->has_status)
			EXPECT_EQ(q[i].expected, finals(s));
	}
}

/*
 * pinstress: the driver's ownership of pinned pages under fire. One
 * device; a program mapping G (never unmapped) and PS_NDATA data mappings
 * of two pages each at fixed IOVAs with unmapped gaps between them.
 *
 * - the I/O thread starts a suspending program whose data lie in a data
 *   mapping Di, twice on one page (a CCW reached only by a status-modifier
 *   skip is pinned anyway: a second record on the same page), maybe
 *   resumes it into a CCW whose data span both pages of Dj, and ends it
 *   with CSCH or a last RSCH;
 * - the unmapper thread (SCHED_IDLE: it is preempted anywhere) unmaps a
 *   data mapping, fills the old memory with a canary and keeps it (the
 *   graveyard), and maps fresh memory at the same IOVA;
 * - the reset thread resets the device every 100 to 300 ms.
 *
 * At the end every page is accounted for: nothing pinned for a program,
 * the pinned memory (VmLck, VmPin) is exactly the pin cache, nothing
 * pinned after close, and no graveyard page was written after its unmap
 * returned.
 */
#define PS_NDATA	4
#define PS_PROG_IOVA	0x1000000ull
#define PS_PROG_SIZE	(64 * 1024)
#define PS_DATA_IOVA(k)	(0x100000ull + (uint64_t)(k) * 0x10000)
#define PS_DATA_SIZE	(2 * 4096)
#define PS_GRAVE_MAX	4096		/* 32 MiB of old memory kept */
#define PS_OP_BOUND_NS	(10 * 1000000000ull)
#define PS_IRQ_WAIT_MS	1000
#define PS_JOIN_S	15
#define PS_LOG_MAX	4

enum ps_op {
	PS_START,
	PS_RSCH_MID,	/* resume into the CCW spanning both pages of Dj */
	PS_RSCH_END,	/* resume into an unchained NOP: the end */
	PS_CSCH,
	PS_RESET,
	PS_UNMAP,
	PS_MAP,
	PS_NOPS,
};

static const char *const ps_op_name[PS_NOPS] = {
	"start", "rsch", "rsch_end", "csch", "reset", "unmap", "map",
};

/* Old memory of an unmapped data mapping, filled with the canary. */
struct ps_grave {
	uint8_t *va;
	size_t size;
	uint64_t iova;
};

FIXTURE(pinstress) {
	struct vccw_dev dev;
	struct vccw_mem prog;
	struct vccw_mem data[PS_NDATA];	/* the unmapper's once it runs */
	struct ps_grave *grave;		/* ring of PS_GRAVE_MAX */
	unsigned int grave_head, grave_n;
	unsigned long grave_pages, grave_bad;
	uint64_t seed, deadline_ns;
	struct __test_metadata *md;	/* for TH_LOG() in the threads */
	atomic_bool stop;
	bool hung;
	int sched_err;
	atomic_ulong n[PS_NOPS][HIST_ERRNO_MAX + 1];
	atomic_ulong bad;
	atomic_ulong finals, wait_timeouts, rounds;
	/* when the operation in flight began (ns), 0 when none: watchdog */
	atomic_ullong io_since, unmap_since, reset_since;
};

FIXTURE_SETUP(pinstress)
{
	int k;

	self->seed = hostile_seed("VFIO_CCW_STRESS_SEED");
	vccw_open_ok(&self->dev, vccw_env_mdev());
	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &self->prog, PS_PROG_SIZE,
				       PS_PROG_IOVA, false));
	for (k = 0; k < PS_NDATA; k++)
		ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &self->data[k],
					       PS_DATA_SIZE, PS_DATA_IOVA(k),
					       false));
	self->grave = calloc(PS_GRAVE_MAX, sizeof(*self->grave));
	ASSERT_NE(NULL, self->grave);
}

FIXTURE_TEARDOWN(pinstress)
{
	unsigned int g;
	int k;

	/* A thread is stuck in the kernel: touch nothing it may hold. */
	if (self->hung)
		return;
	if (self->dev.fd >= 0) {
		hostile_quiesce(&self->dev);
		vccw_close(&self->dev);
	}
	for (k = 0; k < PS_NDATA; k++)
		vccw_mem_free(&self->dev, &self->data[k]);
	vccw_mem_free(&self->dev, &self->prog);
	for (g = 0; self->grave && g < self->grave_n; g++) {
		struct ps_grave *e = &self->grave[(self->grave_head + g) %
						  PS_GRAVE_MAX];

		munmap(e->va, e->size);
	}
	free(self->grave);
	self->grave = NULL;
	EXPECT_EQ(0, hostile_pinned_kb());
}

/* Count the result of one operation; EFAULT and EBUSY are answers of @io. */
static void ps_count(struct _test_data_pinstress *self, enum ps_op op,
		     int ret, bool io)
{
	struct __test_metadata *_metadata = self->md;
	int err = ret < 0 ? -ret : 0;
	int b = err > HIST_ERRNO_MAX ? HIST_ERRNO_MAX : err;
	bool ok = !err || (io && (err == EFAULT || err == EBUSY));

	if (!ok)
		atomic_fetch_add(&self->bad, 1);
	if (!atomic_fetch_add(&self->n[op][b], 1) && !ok)
		TH_LOG("%s: %s (%d), undocumented here", ps_op_name[op],
		       errname(err), ret);
}

static unsigned long ps_sum(struct _test_data_pinstress *self, int err)
{
	unsigned long v = 0;
	int op;

	for (op = 0; op < PS_NOPS; op++)
		v += atomic_load(&self->n[op][err]);
	return v;
}

/* The canary of byte @off of old memory; never 0 (sense data mostly is). */
static uint8_t ps_canary(size_t off)
{
	return 0xc3 ^ ((off >> 2) & 0x3c);
}

/* Does the old memory @e hold exactly its canary? Logs the first few. */
static void ps_grave_check(struct _test_data_pinstress *self,
			   const struct ps_grave *e)
{
	struct __test_metadata *_metadata = self->md;
	size_t o, first = 0, n = 0;

	for (o = 0; o < e->size; o++) {
		if (e->va[o] != ps_canary(o)) {
			if (!n++)
				first = o;
		}
	}
	self->grave_pages += e->size / 4096;
	if (!n)
		return;
	if (self->grave_bad++ < PS_LOG_MAX)
		TH_LOG("IOVA 0x%llx: old memory written after its unmap: %zu bytes, +0x%zx: 0x%02x",
		       (unsigned long long)e->iova, n, first, e->va[first]);
}

static void ps_since(atomic_ullong *since, bool begin)
{
	atomic_store(since, begin ? vccw_now_ns() : 0);
}

static bool ps_running(struct _test_data_pinstress *self)
{
	return !atomic_load(&self->stop) &&
	       vccw_now_ns() < self->deadline_ns;
}

static int ps_start(struct vccw_dev *dev, const struct ccw_orb *orb)
{
	int ret = vccw_io_write(dev, orb, SCSW_FCTL_START_FUNC);

	if (ret < 0)
		return ret;
	return ret == (int)sizeof(struct ccw_io_region) ? 0 : -EIO;
}

static void *ps_io_main(void *arg)
{
	struct _test_data_pinstress *self = arg;
	struct ccw1 *c = (struct ccw1 *)self->prog.va;
	struct vccw_dev *dev = &self->dev;
	struct ccw_orb orb;
	struct hrng r;
	int ret;

	hrng_init(&r, self->seed, 1);
	orb_init(&orb, PS_PROG_IOVA, ORB_SPND);	/* format 1, C64, suspend */
	while (ps_running(self)) {
		uint32_t di = PS_DATA_IOVA(hrng_below(&r, PS_NDATA));
		uint32_t dj = PS_DATA_IOVA(hrng_below(&r, PS_NDATA));
		uint64_t end, cnt, got = 0;
		int slot = 5;

		memset(c, 0, 0x40);
		ccw_set(&c[0], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 1, 0);
		ccw_set(&c[1], CCW_CMD_TIC, 0, 0, PS_PROG_IOVA + 0x20);
		/* reached only by a status-modifier skip; pinned anyway */
		ccw_set(&c[2], CCW_CMD_BASIC_SENSE, CCW_FLAG_SLI, 8, di);
		ccw_set(&c[4], CCW_CMD_BASIC_SENSE, CCW_FLAG_CC | CCW_FLAG_SLI,
			16, di + 0x10);
		ccw_set(&c[5], CCW_CMD_NOOP, CCW_FLAG_SUSPEND | CCW_FLAG_SLI,
			0, 0);
		ps_since(&self->io_since, true);
		ret = ps_start(dev, &orb);
		ps_since(&self->io_since, false);
		ps_count(self, PS_START, ret, true);
		if (ret)
			continue;
		/* suspended at c[5] (QEMU runs the CCWs inside SSCH) */
		if (hrng_chance(&r, 50)) {
			ccw_set(&c[5], CCW_CMD_BASIC_SENSE,
				CCW_FLAG_CC | CCW_FLAG_SLI, 0x20, dj + 0xff0);
			ccw_set(&c[6], CCW_CMD_NOOP,
				CCW_FLAG_SUSPEND | CCW_FLAG_SLI, 0, 0);
			ps_since(&self->io_since, true);
			ret = vccw_async(dev, VFIO_CCW_ASYNC_CMD_RSCH, false);
			ps_since(&self->io_since, false);
			ps_count(self, PS_RSCH_MID, ret, true);
			if (!ret)
				slot = 6;
		}
		ps_since(&self->io_since, true);
		if (hrng_chance(&r, 50)) {
			ret = vccw_async(dev, VFIO_CCW_ASYNC_CMD_CSCH, false);
			ps_since(&self->io_since, false);
			ps_count(self, PS_CSCH, ret, true);
		} else {
			ccw_set(&c[slot], CCW_CMD_NOOP, CCW_FLAG_SLI, 0, 0);
			ret = vccw_async(dev, VFIO_CCW_ASYNC_CMD_RSCH, false);
			ps_since(&self->io_since, false);
			ps_count(self, PS_RSCH_END, ret, true);
		}
		/*
		 * The start was accepted: its final interrupt comes, whoever
		 * ended it (our CSCH or RSCH, the clear of an unmap, of a
		 * reset, of a failed resume).
		 */
		end = vccw_now_ns() + PS_IRQ_WAIT_MS * 1000000ull;
		while (!got && vccw_now_ns() < end) {
			int ms = (int)((end - vccw_now_ns()) / 1000000) + 1;

			if (!vccw_wait_irq(dev, ms, &cnt))
				got += cnt;
		}
		atomic_fetch_add(&self->finals, got);
		if (!got)
			atomic_fetch_add(&self->wait_timeouts, 1);
	}
	return NULL;
}

static void *ps_unmap_main(void *arg)
{
	struct _test_data_pinstress *self = arg;
	struct __test_metadata *_metadata = self->md;
	struct sched_param sp = { .sched_priority = 0 };
	struct hrng r;
	int ret;

	if (sched_setscheduler(0, SCHED_IDLE, &sp))
		self->sched_err = errno;
	hrng_init(&r, self->seed, 2);
	while (ps_running(self)) {
		struct vccw_mem *m = &self->data[hrng_below(&r, PS_NDATA)];
		struct ps_grave *e;
		size_t o;
		void *va;

		if (m->mapped) {
			ps_since(&self->unmap_since, true);
			ret = vccw_dma_unmap(&self->dev, m->iova, m->size);
			ps_since(&self->unmap_since, false);
			ps_count(self, PS_UNMAP, ret, false);
			if (ret)
				break;	/* the mapping's state is unknown */
			m->mapped = false;
			/* the channel must never write here again */
			for (o = 0; o < m->size; o++)
				m->va[o] = ps_canary(o);
			if (self->grave_n == PS_GRAVE_MAX) {
				e = &self->grave[self->grave_head];
				ps_grave_check(self, e);
				munmap(e->va, e->size);
				self->grave_head = (self->grave_head + 1) %
						   PS_GRAVE_MAX;
				self->grave_n--;
			}
			e = &self->grave[(self->grave_head + self->grave_n++) %
					 PS_GRAVE_MAX];
			*e = (struct ps_grave){ m->va, m->size, m->iova };
			m->va = NULL;
		}
		/* fresh memory at the same IOVA */
		va = mmap(NULL, m->size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (va == MAP_FAILED) {
			TH_LOG("mmap: %s", strerror(errno));
			atomic_fetch_add(&self->bad, 1);
			break;
		}
		ret = vccw_dma_map(&self->dev, va, m->iova, m->size, false);
		ps_count(self, PS_MAP, ret, false);
		if (ret) {
			munmap(va, m->size);
		} else {
			m->va = va;
			m->mapped = true;
		}
		atomic_fetch_add(&self->rounds, 1);
		usleep(hrng_below(&r, 2001));
	}
	return NULL;
}

static void *ps_reset_main(void *arg)
{
	struct _test_data_pinstress *self = arg;
	struct hrng r;

	hrng_init(&r, self->seed, 3);
	while (ps_running(self)) {
		uint64_t at = vccw_now_ns() +
			      (100 + hrng_below(&r, 201)) * 1000000ull;
		int ret;

		while (ps_running(self) && vccw_now_ns() < at)
			usleep(5000);
		if (!ps_running(self))
			break;
		ps_since(&self->reset_since, true);
		ret = vccw_reset(&self->dev);
		ps_since(&self->reset_since, false);
		ps_count(self, PS_RESET, ret, false);
	}
	return NULL;
}

/* The operation in flight for longer than the bound, or NULL. */
static const char *ps_stuck(struct _test_data_pinstress *self,
			    uint64_t *ms)
{
	static const char *const what[] = { "I/O", "unmap", "reset" };
	uint64_t t[3] = {
		atomic_load(&self->io_since), atomic_load(&self->unmap_since),
		atomic_load(&self->reset_since),
	};
	uint64_t now = vccw_now_ns();
	int i;

	for (i = 0; i < 3; i++) {
		if (t[i] && now > t[i] && now - t[i] > PS_OP_BOUND_NS) {
			*ms = (now - t[i]) / 1000000;
			return what[i];
		}
	}
	return NULL;
}

/* A counter of the device's debugfs file (vfio_ccw_stats); -errno. */
static int ps_stat(const char *uuid, const char *name, long long *v)
{
	FILE *f = vccw_stats_open(uuid);
	char line[128], key[64];
	long long val;
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lld", key, &val) == 2 &&
		    !strcmp(key, name)) {
			*v = val;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

static void ps_hist_print(struct _test_data_pinstress *self)
{
	char line[1024];
	size_t off;
	int op, i;

	for (op = 0; op < PS_NOPS; op++) {
		off = snprintf(line, sizeof(line), "# errnos stress.pins %s:",
			       ps_op_name[op]);
		for (i = 0; i <= HIST_ERRNO_MAX && off < sizeof(line); i++) {
			unsigned long v = atomic_load(&self->n[op][i]);

			if (v)
				off += snprintf(line + off, sizeof(line) - off,
						" %s=%lu", i ? errname(i) : "ok",
						v);
		}
		printf("%s\n", line);
	}
}

/*
 * Starts, resumes and clears of programs whose data pages are unmapped,
 * mapped again fresh and reset under them, for a bounded time; then every
 * page is accounted for (see the comment above FIXTURE(pinstress)).
 *
 * Final interrupts: every accepted start gets one (no interrupt lost);
 * besides, a CSCH that finds the start already ended (by the clear of an
 * unmap, of a reset, of a failed resume) is a clear function of its own
 * with its own final interrupt. So starts <= interrupts <= starts + CSCHs.
 */
TEST_F_TIMEOUT(pinstress, unmap_resume_reset, 120)
{
	struct {
		pthread_t t;
		void *(*fn)(void *arg);
		const char *name;
		bool up;
	} th[] = {
		{ .fn = ps_io_main, .name = "I/O" },
		{ .fn = ps_unmap_main, .name = "unmapper" },
		{ .fn = ps_reset_main, .name = "reset" },
	};
	unsigned long starts, rsch, cschs, finals, late, unmaps, resets;
	long long pinned = -1;
	long vmlck = -1, cached = -1, left;
	const char *stuck = NULL;
	uint64_t t0 = vccw_now_ns(), ms = 0;
	unsigned int g, i;
	int ret;

	/*
	 * The reference unmaps with a reset that does not wait for a
	 * translation in progress: its pins survive the unmap and vfio
	 * type1 BUG()s. It has no RSCH either.
	 */
	if (!self->dev.has_cap)
		SKIP(return,
		     "reference: unmap racing a translation BUG()s in type1, and no RSCH");
	if (!(self->dev.cap.async_cmds & VFIO_CCW_ASYNC_CMD_RSCH))
		TH_LOG("the driver offers no async RSCH (async_cmds 0x%x)",
		       self->dev.cap.async_cmds);
	ASSERT_TRUE(self->dev.cap.async_cmds & VFIO_CCW_ASYNC_CMD_RSCH);

	self->md = _metadata;
	self->deadline_ns = t0 +
		(uint64_t)(hostile_env_seconds("VFIO_CCW_STRESS_SECONDS", 8) * 1e9);
	for (i = 0; i < ARRAY_SIZE(th); i++) {
		ret = pthread_create(&th[i].t, NULL, th[i].fn, self);
		if (ret) {
			TH_LOG("pthread_create %s: %s", th[i].name,
			       strerror(ret));
			break;
		}
		th[i].up = true;
	}
	/* the watchdog: no operation may take longer than the bound */
	while (i == ARRAY_SIZE(th) && ps_running(self)) {
		stuck = ps_stuck(self, &ms);
		if (stuck)
			break;
		usleep(20000);
	}
	atomic_store(&self->stop, true);
	for (i = 0; i < ARRAY_SIZE(th); i++) {
		struct timespec ts;

		if (!th[i].up)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += PS_JOIN_S;
		ret = pthread_timedjoin_np(th[i].t, NULL, &ts);
		if (ret) {
			TH_LOG("the %s thread did not end within %d s",
			       th[i].name, PS_JOIN_S);
			if (!stuck)
				stuck = ps_stuck(self, &ms);
			self->hung = true;
		}
	}
	if (stuck)
		TH_LOG("%s operation in flight for %llu ms", stuck,
		       (unsigned long long)ms);
	ASSERT_FALSE(self->hung || stuck);
	for (i = 0; i < ARRAY_SIZE(th); i++)
		ASSERT_TRUE(th[i].up);
	EXPECT_EQ(0, self->sched_err) {
		TH_LOG("sched_setscheduler(SCHED_IDLE): %s",
		       strerror(self->sched_err));
	}

	/* late interrupts (of a CSCH that found the start already ended) */
	late = vccw_drain_irqs(&self->dev, QUIET_MS, NULL);
	atomic_fetch_add(&self->finals, late);
	hostile_quiesce(&self->dev);
	vccw_drain_irqs(&self->dev, QUIET_MS, NULL);

	/* (1) nothing pinned for a program; what is pinned is the cache */
	for (ms = 0; ms < 1000; ms += 10) {
		ret = ps_stat(self->dev.uuid, "pinned", &pinned);
		if (ret || !pinned)
			break;
		usleep(10000);
	}
	if (ret)
		TH_LOG("no debugfs counters for %s: %s", self->dev.uuid,
		       errname(-ret));
	EXPECT_EQ(0, ret);
	EXPECT_EQ(0, pinned);
	for (ms = 0; ms < 1000; ms += 10) {
		vmlck = vccw_pinned_kb();
		cached = vccw_driver_cached_kb();
		if (vmlck == cached)
			break;
		usleep(10000);
	}
	if (vmlck != cached)
		TH_LOG("pinned %ld kB, the pin cache %ld kB, programs %lld pages",
		       vmlck, cached, pinned);
	EXPECT_EQ(cached, vmlck);

	/* (2) the device still works */
	EXPECT_SENSE_ID_OK(&self->dev, &self->prog);

	/* (3) close releases everything */
	vccw_close(&self->dev);
	EXPECT_NO_LOCKED_PAGES();
	left = hostile_pinned_kb();

	/* (4) no old page was written after its unmap returned */
	for (g = 0; g < self->grave_n; g++)
		ps_grave_check(self, &self->grave[(self->grave_head + g) %
						  PS_GRAVE_MAX]);

	starts = atomic_load(&self->n[PS_START][0]);
	rsch = atomic_load(&self->n[PS_RSCH_MID][0]) +
	       atomic_load(&self->n[PS_RSCH_END][0]);
	cschs = atomic_load(&self->n[PS_CSCH][0]);
	unmaps = atomic_load(&self->n[PS_UNMAP][0]);
	resets = atomic_load(&self->n[PS_RESET][0]);
	finals = atomic_load(&self->finals);
	ps_hist_print(self);
	printf("# stress.pins: finals=%lu late=%lu csch=%lu wait_timeouts=%lu",
	       finals, late, cschs, (unsigned long)self->wait_timeouts);
	printf(" rounds=%lu vmlck_kb=%ld cached_kb=%ld grave_bad=%lu bad=%lu ms=%llu\n",
	       (unsigned long)self->rounds, vmlck, cached, self->grave_bad,
	       (unsigned long)self->bad,
	       (unsigned long long)((vccw_now_ns() - t0) / 1000000));
	printf("# figures: stress.pins seed=%llu starts=%lu rsch=%lu unmaps=%lu",
	       (unsigned long long)self->seed, starts, rsch, unmaps);
	printf(" resets=%lu efault=%lu ebusy=%lu graveyard_pages=%lu pinned_left_kb=%ld\n",
	       resets, ps_sum(self, EFAULT), ps_sum(self, EBUSY),
	       self->grave_pages, left);
	fflush(stdout);

	EXPECT_EQ(0, self->grave_bad);
	/* (5) only documented errnos */
	EXPECT_EQ(0, atomic_load(&self->bad));
	/* (6) no interrupt duplicated, none lost */
	if (finals > starts + cschs)
		TH_LOG("%lu starts and %lu clears accepted, %lu final interrupts: duplicated",
		       starts, cschs, finals);
	if (finals < starts)
		TH_LOG("%lu starts accepted, %lu final interrupts: lost",
		       starts, finals);
	EXPECT_GE(starts + cschs, finals);
	EXPECT_LE(starts, finals);
	/* it did something */
	EXPECT_LT(0, starts);
	EXPECT_LT(0, unmaps);
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
