// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_stress: concurrency. Several threads per device issue starts
 * (EBUSY is an answer), halts and clears (through the async region) and
 * read every region, on several devices at once. Every accepted start
 * must end with exactly one final interrupt: no interrupt lost, none
 * duplicated. The interrupts are counted from the status region's irq_seq
 * when the driver has it, else from the eventfd signals.
 *
 * Bounded by VFIO_CCW_STRESS_SECONDS (default 8) and VFIO_CCW_STRESS_ITERS
 * (default 200000) per test.
 *
 * usage: VFIO_CCW_MDEV=<uuid> [VFIO_CCW_MDEVS=<uuid>,...] vfio_ccw_stress
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

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
			ret = vccw_io_write(&s->dev, &orb[p], SCSW_FCTL_START);
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

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
