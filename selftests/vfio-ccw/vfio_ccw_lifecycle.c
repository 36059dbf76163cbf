// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_lifecycle: close, reopen and reset devices under load, with
 * programs (suspended ones among them) in flight on several devices at
 * once; nothing may stay pinned and every device must work afterwards.
 * Removal, unbind, module unload and hot-unplug while a device is open are
 * driven from outside the process: scripts/lifecycle-check.sh with
 * lifecycle_holder.
 *
 * Bounded by VFIO_CCW_LIFECYCLE_SECONDS (default 8) per test.
 *
 * usage: VFIO_CCW_MDEV=<uuid> [VFIO_CCW_MDEVS=<uuid>,...] vfio_ccw_lifecycle
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"
#include "hostile.h"

#define MAX_DEVS	4
#define QUIET_MS	100

/**
 * struct lcdev - a device cycled by one thread
 */
struct lcdev {
	pthread_t tid;
	char uuid[64];
	uint64_t end_ns;
	struct hrng rng;
	unsigned long opens, closes_busy, resets, resets_busy, sense_ok, bad;
	bool reset_race;
};

FIXTURE(lifecycle) {
	int ndev;
	struct lcdev d[MAX_DEVS];
	uint64_t seed;
	double secs;
};

FIXTURE_SETUP(lifecycle)
{
	char uuids[MAX_DEVS][64];
	int i;

	self->seed = hostile_seed("VFIO_CCW_LIFECYCLE_SEED");
	self->secs = hostile_env_seconds("VFIO_CCW_LIFECYCLE_SECONDS", 8);
	self->ndev = vccw_env_mdevs(uuids, MAX_DEVS);
	ASSERT_LT(0, self->ndev);
	for (i = 0; i < self->ndev; i++) {
		snprintf(self->d[i].uuid, sizeof(self->d[i].uuid), "%.63s",
			 uuids[i]);
		hrng_init(&self->d[i].rng, self->seed, i);
	}
}

FIXTURE_TEARDOWN(lifecycle)
{
	struct vccw_dev dev;
	struct vccw_mem m;
	int i;

	/* every device opens and runs a SENSE ID again */
	for (i = 0; i < self->ndev; i++) {
		ASSERT_EQ(0, vccw_open(&dev, self->d[i].uuid));
		ASSERT_EQ(0, vccw_mem_alloc(&dev, &m, 4096));
		hostile_quiesce(&dev);
		EXPECT_SENSE_ID_OK(&dev, &m);
		vccw_mem_free(&dev, &m);
		vccw_close(&dev);
	}
	EXPECT_EQ(0, hostile_pinned_kb());
}

static int sense_id(struct vccw_dev *dev, struct vccw_mem *m)
{
	struct sense_id_data id;
	struct ccw_irb irb;
	int ret = vccw_sense_id(dev, m, &irb, &id);

	if (ret)
		return ret;
	return id.ff == 0xff && id.cu_type[0] == 0x38 ? 0 : -EIO;
}

/* Report an unexpected result of the cycle. */
static __printf(2, 3) void lc_bad(struct lcdev *d, const char *fmt, ...)
{
	va_list ap;

	d->bad++;
	printf("# %s: ", d->uuid);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/*
 * One round: open, SENSE ID, leave a suspended program (and sometimes a
 * completed one's status) in flight, maybe RESET and check the device is
 * idle and works, then close with the program still suspended.
 */
static void *cycle_main(void *arg)
{
	struct lcdev *d = arg;
	struct vccw_dev dev;
	struct vccw_mem m;
	struct ccw_orb orb, nop;
	int ret;

	while (vccw_now_ns() < d->end_ns) {
		ret = vccw_open(&dev, d->uuid);
		if (ret) {
			lc_bad(d, "open: %s", errname(-ret));
			break;
		}
		d->opens++;
		ret = vccw_mem_alloc(&dev, &m, 16 * 1024);
		if (ret) {
			lc_bad(d, "map: %s", errname(-ret));
			vccw_close(&dev);
			break;
		}
		ret = sense_id(&dev, &m);
		if (ret)
			lc_bad(d, "SENSE ID after open: %s", errname(-ret));
		else
			d->sense_ok++;
		prog_suspend(&m, 0x1000, &orb);
		prog_nop_chain(&m, 0x2000, 4, &nop);
		if (hrng_chance(&d->rng, 50)) {
			/* a completed program whose status nobody reads */
			if (!vccw_start(&dev, &nop))
				vccw_wait_irq(&dev, 1000, NULL);
		}
		ret = vccw_start(&dev, &orb);
		if (ret)
			lc_bad(d, "suspended start: %s", errname(-ret));
		if (hrng_chance(&d->rng, 50)) {
			ret = vccw_reset(&dev);
			if (ret)
				lc_bad(d, "RESET with a suspended program: %s",
				       errname(-ret));
			d->resets_busy++;
			vccw_drain_irqs(&dev, 20, NULL);
			/* the reset ended the program: a start is accepted */
			ret = sense_id(&dev, &m);
			if (ret)
				lc_bad(d, "SENSE ID after RESET: %s",
				       errname(-ret));
			ret = vccw_start(&dev, &orb);
			if (ret)
				lc_bad(d, "suspended start after RESET: %s",
				       errname(-ret));
		}
		/* close with the suspended program in flight, pages pinned */
		if (hrng_chance(&d->rng, 50))
			vccw_mem_unmap(&dev, &m);	/* unmap first */
		vccw_mem_free(&dev, &m);
		vccw_close(&dev);
		d->closes_busy++;
	}
	return NULL;
}

static void run_cycles(struct __test_metadata *_metadata,
		       struct _test_data_lifecycle *self, const char *name,
		       void *(*fn)(void *))
{
	unsigned long opens = 0, closes = 0, resets = 0, bad = 0;
	uint64_t end = vccw_now_ns() + (uint64_t)(self->secs * 1e9);
	int i;

	for (i = 0; i < self->ndev; i++) {
		self->d[i].end_ns = end;
		ASSERT_EQ(0, pthread_create(&self->d[i].tid, NULL, fn,
					    &self->d[i]));
	}
	for (i = 0; i < self->ndev; i++) {
		pthread_join(self->d[i].tid, NULL);
		opens += self->d[i].opens;
		closes += self->d[i].closes_busy;
		resets += self->d[i].resets_busy + self->d[i].resets;
		bad += self->d[i].bad;
	}
	printf("# figures: lifecycle.%s seed=%llu devices=%d opens=%lu",
	       name, (unsigned long long)self->seed, self->ndev, opens);
	printf(" closes_in_flight=%lu resets=%lu events_survived=%lu", closes,
	       resets, bad ? 0 : opens + closes + resets);
	printf(" bad=%lu pinned_kb_left=%ld\n", bad, hostile_pinned_kb());
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, hostile_pinned_kb());
}

/* Close and reopen, RESET, with suspended programs, on all devices. */
TEST_F_TIMEOUT(lifecycle, reopen_and_reset_in_flight, 90)
{
	run_cycles(_metadata, self, "reopen_reset", cycle_main);
}

/**
 * struct racer - I/O issued by a thread while another one resets
 */
struct racer {
	struct vccw_dev *dev;
	struct vccw_mem *m;
	uint64_t end_ns;
	unsigned long starts, bad;
	int last;
};

static void *io_main(void *arg)
{
	struct racer *r = arg;
	struct ccw_orb orb[2];
	uint64_t c;
	int ret, i = 0;

	prog_nop_chain(r->m, 0x3000, 4, &orb[0]);
	prog_suspend(r->m, 0x3800, &orb[1]);
	while (vccw_now_ns() < r->end_ns) {
		ret = vccw_io_write(r->dev, &orb[i++ & 1], SCSW_FCTL_START_FUNC);
		if (ret == (int)sizeof(struct ccw_io_region)) {
			r->starts++;
			vccw_wait_irq(r->dev, 5, &c);
		} else if (!hclass_allowed(HC_IO_WRITE, -ret)) {
			r->bad++;
			r->last = ret;
		}
		if (!(i & 7))
			vccw_async(r->dev, VFIO_CCW_ASYNC_CMD_CSCH, false);
	}
	return NULL;
}

/*
 * VFIO_DEVICE_RESET while other threads issue I/O: every request gets a
 * documented answer, and the device works afterwards. The reference can
 * end not operational for good here (every later request EIO, a kernel
 * error line each), which would break every later test on its guest: it
 * is not run there.
 */
TEST_F_TIMEOUT(lifecycle, reset_racing_io, 90)
{
	struct vccw_dev dev[MAX_DEVS];
	struct vccw_mem m[MAX_DEVS];
	struct racer r[MAX_DEVS];
	unsigned long resets = 0, reset_bad = 0, starts = 0, bad = 0;
	uint64_t end = vccw_now_ns() + (uint64_t)(self->secs / 2 * 1e9);
	pthread_t t[MAX_DEVS];
	int i, ret;

	for (i = 0; i < self->ndev; i++) {
		ASSERT_EQ(0, vccw_open(&dev[i], self->d[i].uuid));
		if (!dev[i].has_cap) {
			vccw_close(&dev[i]);
			SKIP(return,
			     "reference: a reset racing I/O can kill the device");
		}
		ASSERT_EQ(0, vccw_mem_alloc(&dev[i], &m[i], 16 * 1024));
		r[i] = (struct racer){ .dev = &dev[i], .m = &m[i], .end_ns = end };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, io_main, &r[i]));
	}
	while (vccw_now_ns() < end) {
		for (i = 0; i < self->ndev; i++) {
			ret = vccw_reset(&dev[i]);
			resets++;
			if (ret && ret != -EIO) {
				reset_bad++;
				TH_LOG("RESET: %s", errname(-ret));
			}
		}
		usleep(2000);
	}
	for (i = 0; i < self->ndev; i++) {
		pthread_join(t[i], NULL);
		starts += r[i].starts;
		bad += r[i].bad;
		if (r[i].bad)
			TH_LOG("dev %d: %lu starts failed, last %s", i, r[i].bad,
			       errname(-r[i].last));
		hostile_quiesce(&dev[i]);
		EXPECT_EQ(0, sense_id(&dev[i], &m[i]));
		vccw_mem_free(&dev[i], &m[i]);
		vccw_close(&dev[i]);
	}
	printf("# figures: lifecycle.reset_race devices=%d resets=%lu starts=%lu",
	       self->ndev, resets, starts);
	printf(" bad=%lu reset_bad=%lu pinned_kb_left=%ld\n", bad, reset_bad,
	       hostile_pinned_kb());
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, reset_bad);
	EXPECT_EQ(0, hostile_pinned_kb());
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
