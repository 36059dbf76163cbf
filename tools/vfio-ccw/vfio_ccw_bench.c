// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_bench: the in-guest half of `make bench` (scripts/bench.sh).
 *
 * Runs against whichever vfio_ccw module the guest loaded (ours or the
 * in-tree reference) and prints one "BENCH ..." line per figure, which
 * scripts/bench_report.py collects over the rounds of a run:
 *
 *   a  round trip of a one-CCW SENSE ID: pwrite of the I/O region, blocking
 *      read of the I/O eventfd, pread of the IRB (median, p99, CDF, the
 *      median of each phase, taken in a pass of its own: its clock reads
 *      would lengthen the round trips); a_nop: the same with a NOP (no
 *      page pinned)
 *   b  64 command-chained SENSE IDs, each through an IDAL to its own page
 *   c  the same with 256 CCWs
 *   d  CSCH (async region) overtaking a suspended start, until the IRB
 *   e  aggregate SENSE ID round trips per second, one thread per device
 *   f  kernel memory per open device and per bound device (bind + mdev
 *      create), from the kmem/percpu trace events: bytes allocated in the
 *      window and still live at its end
 *   plus, in the same guest: a trivial system call (getppid), an eventfd
 *   write+read, and the floor: the same SENSE ID issued in the kernel
 *   through the ccw device layer (module vfio_ccw_floor, when loaded, on
 *   the one ccw device left to io_subchannel).
 *
 * Only the upstream ABI is used (region 0, the async region found by its
 * type/subtype, IRQ 0), so that both drivers run the same code. The VFIO
 * code is the selftests' library (selftests/vfio-ccw/lib): the group
 * back-end of vccw_open_noneg_backend(), vccw_negotiate_upstream() and a
 * blocking I/O eventfd; the measured path is vccw_start_region(), a read
 * of the eventfd and vccw_io_pread(), nothing but the three system calls.
 *
 * usage: vfio_ccw_bench [-n A_ITERS] [-b B_ITERS] [-c C_ITERS] [-d D_ITERS]
 *                       [-t E_SECONDS] [-f FLOOR_ITERS] [-s TESTS]
 * TESTS is a string of the letters above plus 'l' (floor and system calls)
 * and 't' (a traced round trip of (a), the timeline); default "labcdeft".
 * Devices from VFIO_CCW_MDEVS / VFIO_CCW_SCHIDS.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vfio_ccw_lib.h"

#define MAX_DEVS	64
#define PAGE		4096UL
#define MEM_PAGES	512			/* 2 MiB per device */
#define MEM_IOVA	0x10000000ULL		/* below 2 GiB: 31-bit CCWs */

/* Offsets in the DMA area of a device. */
#define OFF_ONE_CCW	0x0000			/* (a), (e): one SENSE ID */
#define OFF_ONE_DATA	0x0100
#define OFF_NOP_CCW	0x0400			/* (a) without data */
#define OFF_SUSP_CCW	0x0800			/* (d) */
#define OFF_CHAIN	(1 * PAGE)		/* (b), (c): up to 256 CCWs */
#define OFF_IDAW	(2 * PAGE)		/* 256 format-2 IDAWs */
#define DATA_PAGE0	16			/* first data page of a chain */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * A device of VFIO_CCW_MDEVS: @uuid and @schid from the environment, @dev
 * and @mem while @open.
 */
struct bdev {
	const char *uuid;
	const char *schid;
	struct vccw_dev dev;
	struct vccw_mem mem;
	bool open;
};

static struct bdev devs[MAX_DEVS];
static int ndevs;
static const char *driver = "unknown";

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(const uint64_t *sorted, int n, double p)
{
	int i = (int)(p / 100.0 * (n - 1) + 0.5);

	return sorted[i] / 1000.0;
}

/* The start of a result line: "BENCH driver=D test=T ". */
static void head(const char *test)
{
	printf("BENCH driver=%s test=%s ", driver, test);
}

/* Print "BENCH test=T ... median_us p99_us" for @n samples (sorted here). */
static void report(const char *test, uint64_t *t, int n, int errors,
		   const char *extra)
{
	double sum = 0;
	int i;

	if (n <= 0) {
		head(test);
		printf("n=0 errors=%d%s%s\n", errors, extra ? " " : "",
		       extra ? extra : "");
		return;
	}
	qsort(t, n, sizeof(*t), cmp_u64);
	for (i = 0; i < n; i++)
		sum += t[i];
	head(test);
	printf("n=%d errors=%d median_us=%.2f p99_us=%.2f ", n, errors,
	       pct(t, n, 50), pct(t, n, 99));
	printf("min_us=%.2f mean_us=%.2f%s%s\n", t[0] / 1000.0,
	       sum / n / 1000.0, extra ? " " : "", extra ? extra : "");
}

/* The 101 percentiles of @t (sorted), for the distribution plot. */
static void report_cdf(const char *test, const uint64_t *t, int n)
{
	int p;

	if (n <= 0)
		return;
	head(test);
	printf("cdf_us=");
	for (p = 0; p <= 100; p++)
		printf("%s%.1f", p ? "," : "", pct(t, n, p));
	printf("\n");
}

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return 0;
}

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

/* ---------------------------------------------------------------------- */
/* The devices, through the library                                       */
/* ---------------------------------------------------------------------- */

/*
 * What follows the device fd: the regions by type (upstream), a blocking
 * eventfd on the I/O IRQ. With vccw_open_group_device(), the driver's
 * open of a device, which (f) measures.
 */
static int dev_connect(struct bdev *d)
{
	int ret;

	ret = vccw_negotiate_upstream(&d->dev);
	if (!ret)
		ret = vccw_io_eventfd(&d->dev, 0);
	if (ret)
		vccw_close(&d->dev);
	return ret;
}

static void dev_close(struct bdev *d)
{
	if (!d->open)
		return;
	vccw_mem_free(&d->dev, &d->mem);
	vccw_close(&d->dev);
	d->open = false;
}

/* Open, connect and map the device: the group back-end, always. */
static int dev_open(struct bdev *d)
{
	int ret;

	ret = vccw_open_noneg_backend(&d->dev, d->uuid, VCCW_BACKEND_GROUP);
	if (!ret)
		ret = dev_connect(d);
	if (!ret)
		ret = vccw_mem_alloc_at(&d->dev, &d->mem, MEM_PAGES * PAGE,
					MEM_IOVA, false);
	d->open = !ret;
	if (ret) {
		fprintf(stderr, "bench: open %s: %s\n", d->uuid, strerror(-ret));
		vccw_close(&d->dev);
	}
	return ret;
}

static uint32_t iova_of(const struct bdev *d, size_t off)
{
	return vccw_iova(&d->mem, d->mem.va + off);
}

static void *va_of(const struct bdev *d, size_t off)
{
	return d->mem.va + off;
}

/* The I/O region that starts the program at @cpa. */
static void io_start_region(struct ccw_io_region *r, uint32_t cpa)
{
	struct ccw_orb orb;

	orb_init(&orb, cpa, 0);
	vccw_io_region_make(r, &orb, SCSW_FCTL_START_FUNC);
}

/* The IRB's SCSW of an I/O region read back. */
static void irb_scsw(const struct ccw_io_region *r, struct scsw_fields *f)
{
	struct ccw_scsw scsw;

	memcpy(&scsw, r->irb_area, sizeof(scsw));
	scsw_decode(&scsw, f);
}

/* Is it a normal end (CE+DE, no subchannel status)? */
static bool irb_ok(const struct ccw_io_region *r)
{
	const unsigned int ce_de = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
	struct ccw_scsw scsw;

	/* only the two status bytes: it runs after every round trip */
	memcpy(&scsw, r->irb_area, sizeof(scsw));
	return (scsw_dstat(&scsw) & ce_de) == ce_de && !scsw_cstat(&scsw);
}

/*
 * One round trip of the program at @cpa: write, eventfd, read. The time
 * in ns, or -errno (-EIO for an unexpected IRB). @ph, if not NULL, gets
 * the time of each phase: the write, the wait, the read.
 */
static int64_t round_trip(struct bdev *d, uint32_t cpa, uint64_t *ph)
{
	struct ccw_io_region r;
	uint64_t t0, t1, t2, t3, cnt;
	int ret;

	io_start_region(&r, cpa);
	t0 = vccw_now_ns();
	ret = vccw_start_region(&d->dev, &r);
	if (ret)
		return ret;
	/* The phases' clock reads cost time too: only when asked for. */
	if (ph)
		t1 = vccw_now_ns();
	if (read(d->dev.io_efd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return -errno;
	if (ph)
		t2 = vccw_now_ns();
	ret = vccw_io_pread(&d->dev, &r);
	if (ret != (int)sizeof(r))
		return ret < 0 ? ret : -EIO;
	t3 = vccw_now_ns();
	if (ph) {
		ph[0] = t1 - t0;
		ph[1] = t2 - t1;
		ph[2] = t3 - t2;
	}
	return irb_ok(&r) ? (int64_t)(t3 - t0) : -EIO;
}

/* The samples of a figure: the times (ns) of the good runs, the errors. */
struct samples {
	uint64_t *t;
	int n, errors;
	int64_t last;		/* the last error, -errno */
};

/* Record @v, a time or -errno; false when only errors come: give up. */
static bool sample_add(struct samples *s, int64_t v)
{
	if (v >= 0) {
		s->t[s->n++] = v;
		return true;
	}
	s->errors++;
	s->last = v;
	return s->errors <= 20 || s->n;
}

/* report() of @s with @extra (may be "") and the last error, if any. */
static void report_samples(const char *test, struct samples *s,
			   const char *extra)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s%s%s%s", extra,
		 *extra && s->errors ? " " : "",
		 s->errors ? "last_error=" : "",
		 s->errors ? strerror((int)-s->last) : "");
	report(test, s->t, s->n, s->errors, buf[0] ? buf : NULL);
}

/* ---------------------------------------------------------------------- */
/* (a) (b) (c): round trips                                               */
/* ---------------------------------------------------------------------- */

static void setup_one(struct bdev *d)
{
	ccw_set(va_of(d, OFF_ONE_CCW), CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 8,
		iova_of(d, OFF_ONE_DATA));
}

/* One NOP without data: a round trip that pins no page. */
static void setup_nop(struct bdev *d)
{
	ccw_set(va_of(d, OFF_NOP_CCW), CCW_CMD_NOOP, CCW_FLAG_SLI, 0, 0);
}

/*
 * @n chained SENSE IDs, CCW i stores through IDAW i into its own data page.
 * The pages are scattered (page 97 * i mod 256): no two are adjacent, as
 * in a guest's page cache, so that no translation gains from coalescing.
 */
static void setup_chain(struct bdev *d, int n)
{
	struct ccw1 *c = va_of(d, OFF_CHAIN);
	uint64_t *idaw = va_of(d, OFF_IDAW);
	int i;

	memset(c, 0, PAGE);
	for (i = 0; i < n; i++) {
		idaw2_set(&idaw[i],
			  iova_of(d, (DATA_PAGE0 + i * 97 % 256) * PAGE));
		ccw_set(&c[i], CCW_CMD_SENSE_ID,
			CCW_FLAG_SLI | CCW_FLAG_IDA | (i + 1 < n ? CCW_FLAG_CC : 0),
			8, iova_of(d, OFF_IDAW + i * sizeof(*idaw)));
	}
}

static void bench_rt(struct bdev *d, const char *test, uint32_t cpa,
		     int iters, bool cdf)
{
	struct samples s = { .t = calloc(iters, sizeof(uint64_t)) };
	uint64_t *ph[3], p3[3];
	char extra[128] = "";
	int i, j, np;

	for (j = 0; j < 3; j++)
		ph[j] = calloc(iters, sizeof(uint64_t));
	for (i = 0; i < iters / 10 + 5; i++)	/* warm-up */
		round_trip(d, cpa, NULL);
	/* First the phases (their clock reads inflate the whole), ... */
	for (i = 0, np = 0; i < iters; i++) {
		if (round_trip(d, cpa, p3) < 0)
			continue;
		for (j = 0; j < 3; j++)
			ph[j][np] = p3[j];
		np++;
	}
	/* ... then the round trips, two clock reads each. */
	for (i = 0; i < iters; i++)
		if (!sample_add(&s, round_trip(d, cpa, NULL)))
			break;
	/* The median of each phase: where the time of a round trip goes. */
	for (j = 0; j < 3 && np; j++)
		qsort(ph[j], np, sizeof(uint64_t), cmp_u64);
	if (np)
		snprintf(extra, sizeof(extra),
			 "write_us=%.2f wait_us=%.2f read_us=%.2f",
			 pct(ph[0], np, 50), pct(ph[1], np, 50),
			 pct(ph[2], np, 50));
	report_samples(test, &s, extra);
	if (cdf)
		report_cdf(test, s.t, s.n);
	for (j = 0; j < 3; j++)
		free(ph[j]);
	free(s.t);
}

/* ---------------------------------------------------------------------- */
/* (d): CSCH overtaking a suspended start                                 */
/* ---------------------------------------------------------------------- */

static int64_t csch_once(struct bdev *d)
{
	struct ccw_io_region r;
	struct scsw_fields f;
	struct ccw_orb orb;
	uint64_t t0, t1;
	int ret;

	prog_suspend(&d->mem, OFF_SUSP_CCW, &orb);
	vccw_io_region_make(&r, &orb, SCSW_FCTL_START_FUNC);
	ret = vccw_start_region(&d->dev, &r);
	if (ret)
		return ret;
	/* A suspended start gives no interrupt; one here means no suspend. */
	if (!vccw_wait_irq(&d->dev, 0, NULL))
		return -EPROTO;
	t0 = vccw_now_ns();
	ret = vccw_async(&d->dev, VFIO_CCW_ASYNC_CMD_CSCH, true);
	if (!ret)
		ret = vccw_wait_irq(&d->dev, VCCW_TIMEOUT_MS, NULL);
	if (ret)
		return ret;
	ret = vccw_io_pread(&d->dev, &r);
	if (ret != (int)sizeof(r))
		return ret < 0 ? ret : -EIO;
	t1 = vccw_now_ns();
	irb_scsw(&r, &f);
	if (!(f.fctl & SCSW_FCTL_CLEAR_FUNC))
		return -EIO;
	return t1 - t0;
}

static void bench_csch(struct bdev *d, int iters)
{
	struct samples s = { 0 };
	int i;

	if (!d->dev.region[VFIO_CCW_REGION_ASYNC].present) {
		head("d");
		printf("n=0 errors=0 skipped=no_async_region\n");
		return;
	}
	s.t = calloc(iters, sizeof(uint64_t));
	for (i = 0; i < iters; i++)
		if (!sample_add(&s, csch_once(d)))
			break;
	report_samples("d", &s, "");
	free(s.t);
}

/* ---------------------------------------------------------------------- */
/* (e): aggregate throughput, one thread per device                       */
/* ---------------------------------------------------------------------- */

static pthread_barrier_t tp_barrier;
static bool tp_stop;		/* __atomic accesses */

struct tp_arg {
	struct bdev *d;
	uint64_t ops, errors;
};

static void *tp_thread(void *p)
{
	struct tp_arg *a = p;
	uint32_t cpa = iova_of(a->d, OFF_ONE_CCW);

	pthread_barrier_wait(&tp_barrier);
	while (!__atomic_load_n(&tp_stop, __ATOMIC_RELAXED)) {
		if (round_trip(a->d, cpa, NULL) < 0)
			a->errors++;
		else
			a->ops++;
	}
	return NULL;
}

static void bench_tput(int n, double seconds)
{
	struct tp_arg args[MAX_DEVS] = {};
	pthread_t th[MAX_DEVS];
	uint64_t t0, t1, ops = 0, errors = 0;
	int i, nthreads = 0;

	for (i = 0; i < n; i++) {
		if (!devs[i].open)
			continue;
		setup_one(&devs[i]);
		args[nthreads++].d = &devs[i];
	}
	if (!nthreads)
		return;
	__atomic_store_n(&tp_stop, false, __ATOMIC_RELAXED);
	pthread_barrier_init(&tp_barrier, NULL, nthreads + 1);
	for (i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, tp_thread, &args[i]);
	pthread_barrier_wait(&tp_barrier);
	t0 = vccw_now_ns();
	usleep((useconds_t)(seconds * 1e6));
	__atomic_store_n(&tp_stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		ops += args[i].ops;
		errors += args[i].errors;
	}
	t1 = vccw_now_ns();
	pthread_barrier_destroy(&tp_barrier);
	head("e");
	printf("threads=%d ops=%llu errors=%llu ", nthreads,
	       (unsigned long long)ops, (unsigned long long)errors);
	printf("seconds=%.3f ops_per_s=%.1f\n", (t1 - t0) / 1e9,
	       ops / ((t1 - t0) / 1e9));
}

/* ---------------------------------------------------------------------- */
/* (f): kernel memory, from the kmem and percpu trace events              */
/* ---------------------------------------------------------------------- */

#define TRACE "/sys/kernel/tracing/"

static const char *const mem_events[] = {
	"kmem/kmalloc", "kmem/kmem_cache_alloc", "kmem/kfree",
	"kmem/kmem_cache_free", "kmem/mm_page_alloc", "kmem/mm_page_free",
	"kmem/mm_page_free_batched", "percpu/percpu_alloc_percpu",
	"percpu/percpu_free_percpu",
};

static int trace_begin(void)
{
	char path[256];
	size_t i;
	int ret;

	ret = write_str(TRACE "tracing_on", "0");
	if (ret)
		return ret;
	write_str(TRACE "buffer_size_kb", "8192");
	for (i = 0; i < ARRAY_SIZE(mem_events); i++) {
		snprintf(path, sizeof(path), TRACE "events/%s/enable",
			 mem_events[i]);
		write_str(path, "1");
	}
	/* Opening "trace" for writing with O_TRUNC clears the buffer. */
	close(open(TRACE "trace", O_WRONLY | O_TRUNC | O_CLOEXEC));
	return write_str(TRACE "tracing_on", "1");
}

/* A small open-addressing map: key (pointer or pfn) -> live bytes. */
struct live {
	uint64_t *key;
	uint64_t *val;
	size_t cap, used;
};

static size_t live_slot(struct live *l, uint64_t k)
{
	size_t h = (k * 0x9e3779b97f4a7c15ULL) & (l->cap - 1);

	while (l->key[h] && l->key[h] != k)
		h = (h + 1) & (l->cap - 1);
	return h;
}

static uint64_t field_u64(const char *s, const char *name, int base)
{
	const char *p = strstr(s, name);

	return p ? strtoull(p + strlen(name), NULL, base) : 0;
}

static const char *const obj_alloc_ev[] = {
	" kmalloc: ", " kmem_cache_alloc: ", " percpu_alloc_percpu: ", NULL
};

static const char *const obj_free_ev[] = {
	" kfree: ", " kmem_cache_free: ", " percpu_free_percpu: ", NULL
};

static const char *const page_alloc_ev[] = { " mm_page_alloc: ", NULL };

static const char *const page_free_ev[] = {
	" mm_page_free: ", " mm_page_free_batched: ", NULL
};

/* The part of a trace @line after one of the event names, or NULL. */
static const char *find_event(const char *line, const char *const *names)
{
	const char *p;

	for (; *names; names++) {
		p = strstr(line, *names);
		if (p)
			return p;
	}
	return NULL;
}

struct mem_sum {
	int64_t obj_bytes;	/* slab objects and per-cpu allocations */
	int64_t page_bytes;	/* pages (includes new slab pages) */
	long lost;		/* events lost to the ring buffer */
};

/* Stop tracing, sum what was allocated in the window and is still live. */
static int trace_end(struct mem_sum *sum)
{
	struct live obj = { .cap = 1 << 16 }, pg = { .cap = 1 << 14 };
	char line[1024];
	size_t i;
	FILE *f;

	write_str(TRACE "tracing_on", "0");
	memset(sum, 0, sizeof(*sum));
	obj.key = calloc(obj.cap, 8);
	obj.val = calloc(obj.cap, 8);
	pg.key = calloc(pg.cap, 8);
	pg.val = calloc(pg.cap, 8);
	f = fopen(TRACE "trace", "r");
	if (!f || !obj.key || !obj.val || !pg.key || !pg.val) {
		if (f)
			fclose(f);
		return -ENOMEM;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *ev;
		uint64_t k;
		size_t s;

		if (line[0] == '#') {
			unsigned long in, written;
			const char *e = strstr(line, "entries-in-buffer/entries-written: ");

			if (e && sscanf(e + 35, "%lu/%lu", &in, &written) == 2)
				sum->lost += written - in;
			continue;
		}
		ev = find_event(line, obj_alloc_ev);
		if (ev) {
			k = field_u64(ev, " ptr=", 16);
			if (!k)
				continue;
			s = live_slot(&obj, k);
			if (!obj.key[s] && ++obj.used > obj.cap / 2)
				break;
			obj.key[s] = k;
			obj.val[s] = field_u64(ev, " bytes_alloc=", 10);
			continue;
		}
		ev = find_event(line, obj_free_ev);
		if (ev) {
			k = field_u64(ev, " ptr=", 16);
			s = live_slot(&obj, k);
			if (k && obj.key[s])
				obj.val[s] = 0;
			continue;
		}
		ev = find_event(line, page_alloc_ev);
		if (ev) {
			k = field_u64(ev, " pfn=", 16) + 1;
			s = live_slot(&pg, k);
			if (!pg.key[s] && ++pg.used > pg.cap / 2)
				break;
			pg.key[s] = k;
			pg.val[s] = PAGE << field_u64(ev, " order=", 10);
			continue;
		}
		ev = find_event(line, page_free_ev);
		if (ev) {
			k = field_u64(ev, " pfn=", 16) + 1;
			s = live_slot(&pg, k);
			if (pg.key[s])
				pg.val[s] = 0;
		}
	}
	fclose(f);
	for (i = 0; i < obj.cap; i++)
		sum->obj_bytes += obj.val[i];
	for (i = 0; i < pg.cap; i++)
		sum->page_bytes += pg.val[i];
	free(obj.key);
	free(obj.val);
	free(pg.key);
	free(pg.val);
	/* Leave the events off and the buffer small for what follows. */
	for (i = 0; i < ARRAY_SIZE(mem_events); i++) {
		snprintf(line, sizeof(line), TRACE "events/%s/enable",
			 mem_events[i]);
		write_str(line, "0");
	}
	return 0;
}

static void print_mem(const char *test, int n, const struct mem_sum *s)
{
	head(test);
	printf("devices=%d obj_bytes_per_dev=%.0f ", n,
	       (double)s->obj_bytes / n);
	printf("page_bytes_per_dev=%.0f lost=%ld\n",
	       (double)s->page_bytes / n, s->lost);
}

/*
 * One SENSE ID round trip traced: the channel-subsystem, vfio_ccw,
 * workqueue, scheduler and kmem events between markers of the phases,
 * printed as "TIMELINE driver=D +US what" lines, times relative to the
 * first marker. Under the virtual clock this is the profile of (a).
 */
static const char *const tl_events[] = {
	"s390", "vfio_ccw", "workqueue", "sched/sched_switch",
	"sched/sched_wakeup", "kmem/kmalloc", "kmem/kfree",
	"kmem/kmem_cache_alloc", "kmem/kmem_cache_free",
	"kmem/mm_page_alloc", "kmem/mm_page_free",
};

static void tl_enable(const char *val)
{
	char path[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tl_events); i++) {
		snprintf(path, sizeof(path), TRACE "events/%s/enable",
			 tl_events[i]);
		write_str(path, val);
	}
}

static void tl_mark(int mfd, const char *what)
{
	if (write(mfd, what, strlen(what)) < 0)
		return;
}

static void bench_timeline(struct bdev *d, uint32_t cpa)
{
	double t0 = -1, ts;
	struct ccw_io_region r;
	char line[1024];
	uint64_t cnt;
	int mfd;
	FILE *f;

	if (write_str(TRACE "tracing_on", "0"))
		return;
	tl_enable("1");
	close(open(TRACE "trace", O_WRONLY | O_TRUNC | O_CLOEXEC));
	mfd = open(TRACE "trace_marker", O_WRONLY | O_CLOEXEC);
	if (mfd < 0)
		return;
	io_start_region(&r, cpa);
	round_trip(d, cpa, NULL);
	write_str(TRACE "tracing_on", "1");
	tl_mark(mfd, "bench: pwrite begin");
	if (vccw_io_pwrite(&d->dev, &r) == (int)sizeof(r)) {
		tl_mark(mfd, "bench: pwrite end, eventfd wait begin");
		if (read(d->dev.io_efd, &cnt, sizeof(cnt)) == sizeof(cnt)) {
			tl_mark(mfd, "bench: eventfd wait end, pread begin");
			if (vccw_io_pread(&d->dev, &r) > 0)
				tl_mark(mfd, "bench: pread end");
		}
	}
	write_str(TRACE "tracing_on", "0");
	close(mfd);
	tl_enable("0");
	f = fopen(TRACE "trace", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon, *p;

		if (line[0] == '#')
			continue;
		/* "  task-pid  [cpu] flags  123.456789: event: args" */
		colon = strstr(line, ": ");
		if (!colon)
			continue;
		p = colon;
		while (p > line && p[-1] != ' ')
			p--;
		ts = atof(p);
		/* Only from the first marker to the last one. */
		if (t0 < 0 && !strstr(colon, "bench: pwrite begin"))
			continue;
		if (t0 < 0)
			t0 = ts;
		line[strcspn(line, "\n")] = 0;
		*p = 0;
		head("timeline");
		printf("+%.2fus %.24s|%s\n", (ts - t0) * 1e6,
		       line + strspn(line, " "), colon + 2);
		if (strstr(colon, "bench: pread end"))
			break;
	}
	fclose(f);
}

/* Per open: the device fd, region lookup and the eventfd of each device. */
static void bench_mem_open(int n)
{
	struct mem_sum s;
	int i, opened = 0;

	for (i = 0; i < n; i++)
		dev_close(&devs[i]);
	for (i = 0; i < n; i++) {
		if (vccw_open_group(&devs[i].dev, devs[i].uuid))
			return;
		devs[i].open = true;
	}
	if (trace_begin()) {
		head("f_open");
		printf("skipped=no_tracing\n");
		return;
	}
	for (i = 0; i < n; i++)
		opened += !vccw_open_group_device(&devs[i].dev) &&
			  !dev_connect(&devs[i]);
	usleep(100000);
	if (trace_end(&s) || !opened)
		return;
	print_mem("f_open", opened, &s);
}

/* Per bound device: unbind all, then (traced) bind and create each mdev. */
static void bench_mem_bind(int n)
{
	char path[256];
	struct mem_sum s;
	int i, bound = 0;

	for (i = 0; i < n; i++)
		dev_close(&devs[i]);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%.63s/remove",
			 devs[i].uuid);
		if (write_str(path, "1"))
			return;
		if (write_str("/sys/bus/css/drivers/vfio_ccw/unbind",
			      devs[i].schid))
			return;
	}
	usleep(200000);
	if (trace_begin())
		return;
	for (i = 0; i < n; i++) {
		if (write_str("/sys/bus/css/drivers/vfio_ccw/bind",
			      devs[i].schid))
			continue;
		snprintf(path, sizeof(path),
			 "/sys/bus/css/devices/%s/mdev_supported_types/vfio_ccw-io/create",
			 devs[i].schid);
		if (!write_str(path, devs[i].uuid))
			bound++;
	}
	usleep(200000);
	if (trace_end(&s) || !bound)
		return;
	print_mem("f_bind", bound, &s);
}

/* ---------------------------------------------------------------------- */
/* Limits: a trivial system call, an eventfd round, the in-kernel floor   */
/* ---------------------------------------------------------------------- */

static void bench_syscalls(int iters)
{
	uint64_t *t = calloc(iters, sizeof(*t));
	uint64_t v = 1;
	int i, efd;

	for (i = 0; i < iters; i++) {
		uint64_t t0 = vccw_now_ns();
		int j;

		for (j = 0; j < 10; j++)
			syscall(SYS_getppid);
		t[i] = (vccw_now_ns() - t0) / 10;
	}
	report("syscall", t, iters, 0, NULL);
	efd = eventfd(0, EFD_CLOEXEC);
	for (i = 0; i < iters; i++) {
		struct pollfd p = { .fd = efd, .events = POLLIN };
		uint64_t t0 = vccw_now_ns();

		if (write(efd, &v, sizeof(v)) != sizeof(v) ||
		    poll(&p, 1, -1) != 1 || read(efd, &v, sizeof(v)) != sizeof(v))
			break;
		t[i] = vccw_now_ns() - t0;
	}
	report("eventfd", t, i, 0, NULL);
	close(efd);
	free(t);
}

/* The one ccw device left to io_subchannel (guest-run.sh --spare 1). */
static int floor_busid(char *busid, size_t len)
{
	struct dirent *e;
	DIR *dir = opendir("/sys/bus/ccw/devices");
	int ret = -ENODEV;

	if (!dir)
		return -errno;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(busid, len, "%.63s", e->d_name);
		ret = 0;
	}
	closedir(dir);
	return ret;
}

static void bench_floor(int iters)
{
	char busid[64], path[256], res[512], n[32];
	int ret;

	if (access("/sys/module/vfio_ccw_floor", F_OK)) {
		head("floor");
		printf("n=0 skipped=no_module\n");
		return;
	}
	ret = floor_busid(busid, sizeof(busid));
	if (ret) {
		head("floor");
		printf("n=0 skipped=no_spare_device\n");
		return;
	}
	write_str("/sys/module/vfio_ccw_floor/parameters/busid", busid);
	snprintf(path, sizeof(path), "/sys/bus/ccw/devices/%s/driver", busid);
	if (access(path, F_OK))
		write_str("/sys/bus/ccw/drivers/vfio_ccw_floor/bind", busid);
	snprintf(path, sizeof(path), "/sys/bus/ccw/devices/%s/online", busid);
	ret = write_str(path, "1");
	if (ret) {
		head("floor");
		printf("n=0 skipped=online_%s\n", strerror(-ret));
		return;
	}
	snprintf(n, sizeof(n), "%d", iters / 10 + 5);
	write_str("/sys/kernel/debug/vfio_ccw_floor/run", n);
	snprintf(n, sizeof(n), "%d", iters);
	ret = write_str("/sys/kernel/debug/vfio_ccw_floor/run", n);
	if (read_str("/sys/kernel/debug/vfio_ccw_floor/run", res,
		     sizeof(res)) < 0)
		snprintf(res, sizeof(res), "n=0 error=%s\n", strerror(-ret));
	/* "n=.. errors=.. median_ns=.. p99_ns=.." */
	head("floor");
	printf("n=%llu median_us=%.2f p99_us=%.2f ",
	       (unsigned long long)field_u64(res, "n=", 10),
	       field_u64(res, "median_ns=", 10) / 1000.0,
	       field_u64(res, "p99_ns=", 10) / 1000.0);
	printf("min_us=%.2f mean_us=%.2f raw=%s",
	       field_u64(res, "min_ns=", 10) / 1000.0,
	       field_u64(res, "mean_ns=", 10) / 1000.0, res);
	write_str(path, "0");
}

/* ---------------------------------------------------------------------- */

/* The options that set a count of iterations, and their indexes. */
static const char count_opts[] = "nbcdf";
enum { IT_A, IT_B, IT_C, IT_D, IT_FLOOR };

int main(int argc, char **argv)
{
	int iters[] = { 2000, 300, 100, 500, 5000 };
	static char uuids[MAX_DEVS][64], schids[MAX_DEVS][64];
	const char *tests = "labcdeft", *c;
	int opt, i, nschids;
	double e_secs = 3;
	struct bdev *d0;

	while ((opt = getopt(argc, argv, "n:b:c:d:t:f:s:")) != -1) {
		c = strchr(count_opts, opt);
		if (opt == 't') {
			e_secs = atof(optarg);
		} else if (opt == 's') {
			tests = optarg;
		} else if (c) {
			iters[c - count_opts] = atoi(optarg);
		} else {
			fprintf(stderr, "usage: %s [-n A] [-b B] [-c C] [-d D] ",
				argv[0]);
			fprintf(stderr, "[-t SEC] [-f FLOOR] [-s labcdef]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("VFIO_CCW_DRIVER"))
		driver = getenv("VFIO_CCW_DRIVER");
	ndevs = vccw_env_mdevs(uuids, MAX_DEVS);
	nschids = vccw_env_schids(schids, MAX_DEVS);
	for (i = 0; i < ndevs; i++) {
		devs[i].uuid = uuids[i];
		devs[i].schid = schids[i];
	}
	head("info");
	printf("cpus=%ld devices=%d tests=%s ", sysconf(_SC_NPROCESSORS_ONLN),
	       ndevs, tests);
	printf("a=%d b=%d c=%d d=%d e_s=%.1f floor=%d\n", iters[IT_A],
	       iters[IT_B], iters[IT_C], iters[IT_D], e_secs, iters[IT_FLOOR]);

	if (strchr(tests, 'l')) {
		bench_syscalls(2000);
		bench_floor(iters[IT_FLOOR]);
	}
	if (!ndevs) {
		fprintf(stderr, "bench: no device in VFIO_CCW_MDEVS\n");
		return strchr(tests, 'l') && !strpbrk(tests, "abcdef") ? 0 : 4;
	}
	for (i = 0; i < ndevs; i++)
		if (strpbrk(tests, "abcde") && dev_open(&devs[i]) && i == 0)
			return 1;
	d0 = &devs[0];
	if (strchr(tests, 'a')) {
		setup_one(d0);
		bench_rt(d0, "a", iova_of(d0, OFF_ONE_CCW), iters[IT_A], true);
	}
	if (strchr(tests, 't')) {
		setup_one(d0);
		bench_timeline(d0, iova_of(d0, OFF_ONE_CCW));
	}
	if (strchr(tests, 'a')) {
		setup_nop(d0);
		bench_rt(d0, "a_nop", iova_of(d0, OFF_NOP_CCW), iters[IT_A] / 2,
			 false);
	}
	if (strchr(tests, 'b')) {
		setup_chain(d0, 64);
		bench_rt(d0, "b", iova_of(d0, OFF_CHAIN), iters[IT_B], false);
	}
	if (strchr(tests, 'c')) {
		setup_chain(d0, 256);
		bench_rt(d0, "c", iova_of(d0, OFF_CHAIN), iters[IT_C], false);
	}
	if (strchr(tests, 'd'))
		bench_csch(d0, iters[IT_D]);
	if (strchr(tests, 'e'))
		bench_tput(ndevs, e_secs);
	if (strchr(tests, 'f')) {
		bench_mem_open(ndevs);
		if (nschids == ndevs)
			bench_mem_bind(ndevs);
	}
	for (i = 0; i < ndevs; i++)
		dev_close(&devs[i]);
	head("done");
	printf("\n");
	return 0;
}
