// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_fuzz: hostile user space. Random and mutated ORBs, channel
 * programs and IDALs, region reads and writes of every size and offset on
 * every region, ioctls with hostile arguments, from several threads on
 * several devices. Every call must succeed or fail with an errno that the
 * ABI documents (uapi/linux/vfio_ccw.h, Documentation/s390/vfio-ccw.rst);
 * at the end every device still runs a SENSE ID and nothing stays pinned.
 *
 * Reproducible: the seed is printed; VFIO_CCW_FUZZ_SEED=N repeats a run
 * (thread interleavings aside). Bounded by VFIO_CCW_FUZZ_SECONDS per test
 * (default 12) and VFIO_CCW_FUZZ_ITERS per test (default 100000).
 *
 * usage: VFIO_CCW_MDEV=<uuid> [VFIO_CCW_MDEVS=<uuid>,...] vfio_ccw_fuzz
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"
#include "hostile.h"

#define MAX_DEVS	4
#define MAX_THREADS	8
#define SHARED_THREADS	4
#define IRQ_WAIT_MS	20

enum fuzz_op {
	OP_PROGRAM = 1 << 0,
	OP_REGION = 1 << 1,
	OP_IOCTL = 1 << 2,
};

/**
 * struct fuzz_ctx - one fuzz run
 * @seed: the seed of every thread's generator
 * @deadline_ns: CLOCK_MONOTONIC end
 * @max_iters: iteration budget of the run
 * @iters: iterations done
 * @hist: errno histogram
 * @prog: program generator statistics
 * @ops: enum fuzz_op mask
 * @shared: several threads share one device
 */
struct fuzz_ctx {
	uint64_t seed;
	uint64_t deadline_ns;
	unsigned long max_iters;
	atomic_ulong iters;
	struct hhist hist;
	struct hprog_stats prog;
	unsigned int ops;
	bool shared;
};

/**
 * struct fuzz_worker - one thread
 */
struct fuzz_worker {
	pthread_t tid;
	struct fuzz_ctx *ctx;
	struct vccw_dev *dev;
	struct hmem *mem;
	int slice;
	int idx;
	int spare_efd;
	struct hrng rng;
	struct ccw_io_region image;	/* last sane I/O region image */
};

FIXTURE(fuzz) {
	int ndev;
	struct vccw_dev dev[MAX_DEVS];
	struct hmem mem[MAX_DEVS];
	struct fuzz_ctx *ctx;
};

FIXTURE_SETUP(fuzz)
{
	char uuids[MAX_DEVS][64];
	int i;

	self->ctx = calloc(1, sizeof(*self->ctx));
	ASSERT_NE(NULL, self->ctx);
	self->ctx->seed = hostile_seed("VFIO_CCW_FUZZ_SEED");
	self->ctx->max_iters = hostile_env_ulong("VFIO_CCW_FUZZ_ITERS", 100000);
	self->ctx->deadline_ns = vccw_now_ns() +
		(uint64_t)(hostile_env_seconds("VFIO_CCW_FUZZ_SECONDS", 12) * 1e9);
	self->ndev = vccw_env_mdevs(uuids, MAX_DEVS);
	ASSERT_LT(0, self->ndev);
	for (i = 0; i < self->ndev; i++) {
		vccw_open_ok(&self->dev[i], uuids[i]);
		ASSERT_EQ(0, hmem_map(&self->dev[i], &self->mem[i],
				      SHARED_THREADS));
	}
}

FIXTURE_TEARDOWN(fuzz)
{
	int i;

	for (i = 0; i < self->ndev; i++) {
		struct vccw_dev *dev = &self->dev[i];

		if (dev->fd < 0)
			continue;
		/* SET_IRQS fuzzing may have moved the trigger: wire it again */
		EXPECT_EQ(0, vccw_set_irq_eventfd(dev,
						  dev->irq_index[VFIO_CCW_IRQ_IO],
						  dev->io_efd));
		hostile_quiesce(dev);
		EXPECT_SENSE_ID_OK(dev, &self->mem[i].data);
		hmem_unmap(dev, &self->mem[i]);
		vccw_close(dev);
	}
	EXPECT_EQ(0, hostile_pinned_kb());
	free(self->ctx);
}

static bool time_left(struct fuzz_ctx *ctx)
{
	return vccw_now_ns() < ctx->deadline_ns &&
	       atomic_fetch_add(&ctx->iters, 1) < ctx->max_iters;
}

static __printf(4, 5) void record(struct fuzz_worker *w, enum hclass c,
				   int ret, const char *fmt, ...);

static void record(struct fuzz_worker *w, enum hclass c, int ret,
		   const char *fmt, ...)
{
	char what[256];
	va_list ap;
	int err = ret < 0 ? -ret : 0;

	if (err && !hclass_allowed(c, err)) {
		va_start(ap, fmt);
		vsnprintf(what, sizeof(what), fmt, ap);
		va_end(ap);
	} else {
		what[0] = 0;
	}
	hist_add(&w->ctx->hist, c, ret, what);
}

static __printf(2, 3) void bad(struct fuzz_worker *w, const char *fmt, ...);

/* A call that succeeded when it must not, or returned nonsense. */
static void bad(struct fuzz_worker *w, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	atomic_fetch_add(&w->ctx->hist.bad, 1);
	printf("# UNEXPECTED result: %s\n", what);
	fflush(stdout);
}

/* Consume the I/O eventfd without blocking for long. */
static int take_irqs(struct fuzz_worker *w, int ms)
{
	uint64_t c;
	int n = 0;

	while (!vccw_wait_irq(w->dev, ms, &c)) {
		n += (int)c;
		ms = 0;
	}
	return n;
}

static uint32_t rand_async_cmd(struct fuzz_worker *w)
{
	uint32_t k = hrng_below(&w->rng, 100);

	if (k < 40)
		return VFIO_CCW_ASYNC_CMD_CSCH;
	if (k < 70)
		return VFIO_CCW_ASYNC_CMD_HSCH;
	if (k < 78)
		return VFIO_CCW_ASYNC_CMD_XSCH;
	/* RSCH re-reads the program: only its own thread may touch it */
	if (k < 88 && !w->ctx->shared)
		return VFIO_CCW_ASYNC_CMD_RSCH;
	if (k < 92)
		return 0;
	if (k < 96)
		return VFIO_CCW_ASYNC_CMD_HSCH | VFIO_CCW_ASYNC_CMD_CSCH;
	return (uint32_t)hrng_next(&w->rng) & ~(w->ctx->shared ?
						VFIO_CCW_ASYNC_CMD_RSCH : 0);
}

static void do_async(struct fuzz_worker *w, uint32_t cmd)
{
	struct ccw_cmd_region r = { .command = cmd };
	int ret;

	if (!w->dev->region[VFIO_CCW_REGION_ASYNC].present)
		return;
	ret = vccw_region_write(w->dev, VFIO_CCW_REGION_ASYNC, &r, sizeof(r),
				0);
	record(w, HC_ASYNC_WRITE, ret, "async command 0x%x", cmd);
}

static void op_program(struct fuzz_worker *w)
{
	struct ccw_orb orb;
	unsigned int fctl = SCSW_FCTL_START_FUNC;
	struct ccw_irb irb;
	int ret;

	hprog_random(&w->rng, w->mem, w->slice, &orb, &w->ctx->prog);
	if (hrng_chance(&w->rng, 30))
		hprog_mutate(&w->rng, w->mem, w->slice, &orb, &w->ctx->prog);
	if (hrng_chance(&w->rng, 8))
		fctl = hrng_below(&w->rng, 8);
	memset(&w->image, 0, sizeof(w->image));
	memcpy(w->image.orb_area, &orb, sizeof(orb));
	scsw_make((struct ccw_scsw *)w->image.scsw_area, fctl);
	ret = vccw_region_write(w->dev, VFIO_CCW_REGION_IO, &w->image,
				sizeof(w->image), 0);
	record(w, HC_IO_WRITE, ret < 0 ? ret : 0,
	       "start fctl=%u orb ctrl=0x%08x cpa=0x%08x", fctl,
	       be32toh(orb.ctrl), be32toh(orb.cpa));
	if (ret >= 0 && ret != (int)sizeof(w->image))
		bad(w, "start write returned %d", ret);
	if (ret < 0 && !hrng_chance(&w->rng, 20))
		return;
	if (!take_irqs(w, IRQ_WAIT_MS) || hrng_chance(&w->rng, 10))
		do_async(w, rand_async_cmd(w));	/* suspended or still busy */
	take_irqs(w, w->ctx->shared ? 0 : IRQ_WAIT_MS);
	ret = vccw_region_read(w->dev, VFIO_CCW_REGION_IO, &w->image,
			       sizeof(w->image), 0);
	record(w, HC_IO_READ, ret, "read io region");
	if (ret > 0) {
		memcpy(&irb, w->image.irb_area, sizeof(irb));
		/* do not keep the device's bytes in the next image */
		memset(w->image.irb_area, 0, sizeof(w->image.irb_area));
	}
}

static const uint32_t lens[] = { 0, 1, 2, 3, 4, 7, 8, 9, 12, 16, 24, 51, 52,
				 53, 95, 96, 100, 120, 123, 124, 125, 127, 128,
				 129, 256, 4096, 65536 };

static void op_region(struct fuzz_worker *w)
{
	static uint8_t junk[MAX_THREADS][65536 + 64];
	uint8_t *buf = junk[w->idx];
	uint32_t slot = hrng_below(&w->rng, VFIO_CCW_REGION_SLOTS + 2);
	uint32_t len = lens[hrng_below(&w->rng, ARRAY_SIZE(lens))];
	const struct vccw_region *r = NULL;
	bool wr = hrng_chance(&w->rng, 50);
	uint64_t base, off, size;
	enum hclass c;
	ssize_t n;

	if (slot < VFIO_CCW_REGION_SLOTS && w->dev->region[slot].present) {
		r = &w->dev->region[slot];
		base = r->offset;
		size = r->size;
	} else {
		/* an index the device does not have: next to the last one,
		 * or far away (an offset that aliases a real region when
		 * the driver truncates the index)
		 */
		uint64_t stride = w->dev->region[VFIO_CCW_REGION_ASYNC].present ?
			w->dev->region[VFIO_CCW_REGION_ASYNC].offset : 1ull << 40;

		if (hrng_chance(&w->rng, 70))
			base = (w->dev->info.num_regions +
				hrng_below(&w->rng, 4)) * stride;
		else
			base = (uint64_t)(16 + hrng_below(&w->rng, 4)) << 40;
		size = 128;
	}
	switch (hrng_below(&w->rng, 6)) {
	case 0:
		off = 0;
		break;
	case 1:
		off = size;
		break;
	case 2:
		off = size - 1;
		break;
	case 3:
		off = hrng_below(&w->rng, (uint32_t)size + 16);
		break;
	case 4:
		off = (1ull << 40) - 1 - hrng_below(&w->rng, 8);
		break;
	default:
		off = hrng_below(&w->rng, (uint32_t)size) & ~3ull;
		break;
	}
	if (!r)
		c = HC_BAD_INDEX;
	else if (slot == VFIO_CCW_REGION_IO)
		c = wr ? HC_IO_WRITE : HC_IO_READ;
	else if (slot == VFIO_CCW_REGION_ASYNC)
		c = wr ? HC_ASYNC_WRITE : HC_ASYNC_READ;
	else if (wr)
		c = HC_RO_WRITE;
	else if (slot == VFIO_CCW_REGION_SCHIB)
		c = HC_SCHIB_READ;
	else if (slot == VFIO_CCW_REGION_CRW)
		c = HC_CRW_READ;
	else
		c = HC_STATUS_READ;

	if (!wr) {
		n = pread(w->dev->fd, buf, len, base + off);
		record(w, c, n < 0 ? -errno : 0, "pread slot %u off %llu len %u",
		       slot, (unsigned long long)off, len);
		if (n > (ssize_t)len || (!r && n >= 0))
			bad(w, "pread slot %u off 0x%llx len %u returned %zd",
			    slot, (unsigned long long)(base + off), len, n);
		return;
	}
	/* what is written: sane images only (see hostile.h) */
	memset(buf, 0, len);
	if (slot == VFIO_CCW_REGION_IO) {
		struct ccw_orb orb;

		if (w->ctx->shared && (off || len != sizeof(w->image)))
			return;	/* stale bytes could name another thread's CCWs */
		if (hrng_chance(&w->rng, 50)) {
			hprog_random(&w->rng, w->mem, w->slice, &orb,
				     &w->ctx->prog);
			memset(&w->image, 0, sizeof(w->image));
			memcpy(w->image.orb_area, &orb, sizeof(orb));
		}
		scsw_make((struct ccw_scsw *)w->image.scsw_area,
			  hrng_below(&w->rng, 8));
		if (off < sizeof(w->image))
			memcpy(buf, (uint8_t *)&w->image + off,
			       len < sizeof(w->image) - off ?
			       len : sizeof(w->image) - off);
	} else if (slot == VFIO_CCW_REGION_ASYNC && len >= 4) {
		uint32_t cmd = rand_async_cmd(w);

		memcpy(buf, &cmd, 4);
	}
	n = pwrite(w->dev->fd, buf, len, base + off);
	record(w, c, n < 0 ? -errno : 0, "pwrite slot %u off %llu len %u",
	       slot, (unsigned long long)off, len);
	if (n > (ssize_t)len || (!r && n >= 0))
		bad(w, "pwrite slot %u off 0x%llx len %u returned %zd",
		    slot, (unsigned long long)(base + off), len, n);
	if (slot == VFIO_CCW_REGION_IO || slot == VFIO_CCW_REGION_ASYNC) {
		if (n >= 0 && !take_irqs(w, w->ctx->shared ? 0 : IRQ_WAIT_MS))
			do_async(w, VFIO_CCW_ASYNC_CMD_CSCH);
		take_irqs(w, 0);
	}
}

static const uint32_t argszs[] = { 0, 1, 4, 15, 16, 17, 20, 24, 31, 32, 100,
				   4096, 0x7fffffff, 0xffffffff };

static uint32_t rand_argsz(struct fuzz_worker *w)
{
	return argszs[hrng_below(&w->rng, ARRAY_SIZE(argszs))];
}

static void *rand_ptr(struct fuzz_worker *w, void *good)
{
	uint32_t k = hrng_below(&w->rng, 100);

	if (k < 90)
		return good;
	if (k < 94)
		return NULL;
	if (k < 97)
		return (void *)8;
	return (void *)-4096L;
}

static unsigned long rand_unknown_ioctl(struct fuzz_worker *w)
{
	static const uint8_t avoid[] = { 0x00, 0x15, 'T', 'X', 'f', 'v', 0x94 };
	unsigned long cmd;
	unsigned int nr, i;

	if (hrng_chance(&w->rng, 50)) {
		/* VFIO's own type: numbers the device does not implement */
		do {
			nr = hrng_below(&w->rng, 256);
		} while ((nr >= 107 && nr <= 111) || (nr >= 117 && nr <= 120));
		return _IO(VFIO_TYPE, nr);
	}
	for (;;) {
		cmd = (uint32_t)hrng_next(&w->rng);
		for (i = 0; i < sizeof(avoid); i++)
			if (_IOC_TYPE(cmd) == avoid[i])
				break;
		if (i == sizeof(avoid) && _IOC_TYPE(cmd) != VFIO_TYPE)
			return cmd;
	}
}

static void op_ioctl(struct fuzz_worker *w)
{
	static uint8_t bufs[MAX_THREADS][8192];
	uint8_t *buf = bufs[w->idx];
	uint32_t k = hrng_below(&w->rng, 100), argsz = rand_argsz(w);
	int ret, fd = w->dev->fd;
	void *p = rand_ptr(w, buf);

	memset(buf, 0, 4096);
	if (k < 15) {
		memcpy(buf, &argsz, 4);
		ret = ioctl(fd, VFIO_DEVICE_GET_INFO, p) ? -errno : 0;
		record(w, HC_GET_INFO, ret, "GET_INFO argsz %u ptr %p", argsz, p);
	} else if (k < 35) {
		struct vfio_region_info *ri = (void *)buf;
		static const uint32_t idx[] = { 0, 1, 2, 3, 4, 5, 6, 9, 64,
						0x7fffffff, 0xffffffff };

		ri->argsz = argsz;
		ri->index = hrng_chance(&w->rng, 80) ?
			    idx[hrng_below(&w->rng, sizeof(idx) / 4)] :
			    (uint32_t)hrng_next(&w->rng);
		ri->flags = (uint32_t)hrng_next(&w->rng);
		ret = ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, p) ? -errno : 0;
		record(w, HC_REGION_INFO, ret, "GET_REGION_INFO argsz %u index %u",
		       argsz, ri->index);
	} else if (k < 50) {
		struct vfio_irq_info *ii = (void *)buf;

		ii->argsz = argsz;
		ii->index = hrng_chance(&w->rng, 80) ? hrng_below(&w->rng, 6) :
			    (uint32_t)hrng_next(&w->rng);
		ret = ioctl(fd, VFIO_DEVICE_GET_IRQ_INFO, p) ? -errno : 0;
		record(w, HC_IRQ_INFO, ret, "GET_IRQ_INFO argsz %u index %u",
		       argsz, ii->index);
	} else if (k < 75) {
		struct vfio_irq_set *s = (void *)buf;
		static const uint32_t fl[] = {
			VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER,
			VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_MASK,
			VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
			VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_DATA_BOOL |
			VFIO_IRQ_SET_ACTION_TRIGGER,
			0, 0xffffffff,
		};
		int32_t fds[] = { -1, -2, w->spare_efd, w->dev->fd, 1 << 20,
				  w->dev->io_efd, 0x7fffffff };
		int32_t efd = fds[hrng_below(&w->rng, 7)];

		s->argsz = hrng_chance(&w->rng, 60) ? sizeof(*s) + 4 : argsz;
		s->flags = hrng_chance(&w->rng, 85) ?
			   fl[hrng_below(&w->rng, 8)] :
			   (uint32_t)hrng_next(&w->rng);
		s->index = hrng_chance(&w->rng, 80) ? hrng_below(&w->rng, 5) :
			   (uint32_t)hrng_next(&w->rng);
		s->start = hrng_chance(&w->rng, 85) ? 0 : hrng_below(&w->rng, 3);
		s->count = hrng_chance(&w->rng, 80) ? 1 :
			   (hrng_chance(&w->rng, 50) ? 0 :
			    (uint32_t)hrng_next(&w->rng));
		memcpy(s->data, &efd, 4);
		ret = ioctl(fd, VFIO_DEVICE_SET_IRQS, p) ? -errno : 0;
		record(w, HC_SET_IRQS, ret,
		       "SET_IRQS argsz %u flags 0x%x index %u start %u count %u fd %d",
		       s->argsz, s->flags, s->index, s->start, s->count, efd);
		/* put the I/O trigger back (it may have been moved) */
		vccw_set_irq_eventfd(w->dev, w->dev->irq_index[VFIO_CCW_IRQ_IO],
				     w->dev->io_efd);
		take_irqs(w, 0);
	} else if (k < 78 && !w->ctx->shared) {
		ret = vccw_reset(w->dev);
		record(w, HC_RESET, ret, "RESET");
		take_irqs(w, 0);
	} else {
		unsigned long cmd = rand_unknown_ioctl(w);

		ret = ioctl(fd, cmd, p) ? -errno : 0;
		record(w, HC_UNKNOWN_IOCTL, ret, "ioctl 0x%lx", cmd);
	}
}

static void *worker_main(void *arg)
{
	struct fuzz_worker *w = arg;
	unsigned int ops = w->ctx->ops, nops = 0, k;
	unsigned int list[3];

	if (ops & OP_PROGRAM)
		list[nops++] = OP_PROGRAM;
	if (ops & OP_REGION)
		list[nops++] = OP_REGION;
	if (ops & OP_IOCTL)
		list[nops++] = OP_IOCTL;
	while (time_left(w->ctx)) {
		k = list[hrng_below(&w->rng, nops)];
		if (k == OP_PROGRAM)
			op_program(w);
		else if (k == OP_REGION)
			op_region(w);
		else
			op_ioctl(w);
	}
	return NULL;
}

static void print_figures(struct _test_data_fuzz *self, const char *name,
			  int nthreads, double secs)
{
	struct fuzz_ctx *c = self->ctx;
	unsigned long ms = (unsigned long)(secs * 1000);

	hist_print(&c->hist, name);
	printf("# figures: fuzz.%s seed=%llu iterations=%lu ms=%lu",
	       name, (unsigned long long)c->seed,
	       (unsigned long)atomic_load(&c->iters), ms);
	printf(" devices=%d threads=%d starts=%lu starts_ok=%lu",
	       c->shared ? 1 : self->ndev, nthreads,
	       hist_total(&c->hist, HC_IO_WRITE), hist_ok(&c->hist, HC_IO_WRITE));
	printf(" ccws=%lu idaws=%lu tics=%lu suspend_progs=%lu mutated=%lu",
	       (unsigned long)c->prog.ccws, (unsigned long)c->prog.idaws,
	       (unsigned long)c->prog.tics, (unsigned long)c->prog.suspend,
	       (unsigned long)c->prog.mutated);
	printf(" region_io=%lu async=%lu ioctls=%lu undocumented=%lu\n",
	       hist_total(&c->hist, HC_IO_WRITE) + hist_total(&c->hist, HC_IO_READ),
	       hist_total(&c->hist, HC_ASYNC_WRITE) +
	       hist_total(&c->hist, HC_ASYNC_READ),
	       hist_total(&c->hist, HC_GET_INFO) +
	       hist_total(&c->hist, HC_REGION_INFO) +
	       hist_total(&c->hist, HC_IRQ_INFO) +
	       hist_total(&c->hist, HC_SET_IRQS) +
	       hist_total(&c->hist, HC_RESET) +
	       hist_total(&c->hist, HC_UNKNOWN_IOCTL),
	       (unsigned long)atomic_load(&c->hist.bad));
	fflush(stdout);
}

static void run_fuzz(struct __test_metadata *_metadata,
		     struct _test_data_fuzz *self, const char *name,
		     unsigned int ops, bool shared)
{
	struct fuzz_worker w[MAX_THREADS];
	int n = shared ? SHARED_THREADS : self->ndev, i;
	uint64_t t0 = vccw_now_ns();

	self->ctx->ops = ops;
	self->ctx->shared = shared;
	memset(w, 0, sizeof(w));
	for (i = 0; i < n; i++) {
		w[i].ctx = self->ctx;
		w[i].dev = &self->dev[shared ? 0 : i];
		w[i].mem = &self->mem[shared ? 0 : i];
		w[i].slice = shared ? i : 0;
		w[i].idx = i;
		w[i].spare_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		hrng_init(&w[i].rng, self->ctx->seed, i);
		ASSERT_EQ(0, pthread_create(&w[i].tid, NULL, worker_main, &w[i]));
	}
	for (i = 0; i < n; i++) {
		pthread_join(w[i].tid, NULL);
		close(w[i].spare_efd);
	}
	print_figures(self, name, n, (vccw_now_ns() - t0) / 1e9);
	EXPECT_EQ(0, atomic_load(&self->ctx->hist.bad));
}

/* Random and mutated programs, ORBs and IDALs; one thread per device. */
TEST_F_TIMEOUT(fuzz, programs, 90)
{
	run_fuzz(_metadata, self, "programs", OP_PROGRAM, false);
}

/* Region reads and writes of every size and offset on every region. */
TEST_F_TIMEOUT(fuzz, regions, 90)
{
	run_fuzz(_metadata, self, "regions", OP_REGION, false);
}

/* ioctls with hostile arguments, unknown ioctls, resets. */
TEST_F_TIMEOUT(fuzz, ioctls, 90)
{
	run_fuzz(_metadata, self, "ioctls", OP_IOCTL, false);
}

/* Everything at once, several threads sharing one device. */
TEST_F_TIMEOUT(fuzz, shared_device, 90)
{
	run_fuzz(_metadata, self, "shared_device",
		 OP_PROGRAM | OP_REGION | OP_IOCTL, true);
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
