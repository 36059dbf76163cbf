// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_counters: the per-device counters in debugfs
 * (<debugfs>/vfio/<uuid>/vfio_ccw_stats, Documentation/ABI/testing/
 * debugfs-vfio-ccw) must match the operations this test performs; the
 * state machine's tracepoint must show them.
 *
 * usage: VFIO_CCW_MDEV=<mdev uuid> vfio_ccw_counters   (debugfs mounted at
 * /sys/kernel/debug)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"

#define MEM_SIZE (64 * 1024)
#define MAX_STATS 32

struct stats {
	int n;
	char name[MAX_STATS][32];
	long long val[MAX_STATS];
};

/* Read the counters of @uuid; -errno when the file is not there. */
static int stats_read(const char *uuid, struct stats *s)
{
	FILE *f = vccw_stats_open(uuid);
	char line[128];

	if (!f)
		return -errno;
	s->n = 0;
	while (s->n < MAX_STATS && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %lld", s->name[s->n], &s->val[s->n]) == 2)
			s->n++;
	}
	fclose(f);
	return 0;
}

/* The value of counter @name; the test fails when it does not exist. */
static long long stat_of(struct __test_metadata *_metadata,
			 const struct stats *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return s->val[i];
	TH_LOG("no counter %s", name);
	EXPECT_TRUE(false);
	return -1;
}

static long long stat_delta(struct __test_metadata *_metadata,
			    const struct stats *before,
			    const struct stats *after, const char *name)
{
	return stat_of(_metadata, after, name) -
	       stat_of(_metadata, before, name);
}

#define DELTA(name) stat_delta(_metadata, &before, &after, name)

#define PIN_CACHE_PARAM "/sys/module/vfio_ccw/parameters/pin_cache_pages"

/*
 * Wait (up to 1 s) until no page is pinned for a program: an ended
 * program is released by the next request or, without one, shortly after
 * its final interrupt. Then read the counters into @s.
 */
static void settle(struct __test_metadata *_metadata, const char *uuid,
		   struct stats *s)
{
	int ms;

	for (ms = 0; ms < 1000; ms += 10) {
		ASSERT_EQ(0, stats_read(uuid, s));
		if (stat_of(_metadata, s, "pinned") == 0)
			return;
		usleep(10000);
	}
	TH_LOG("pages still pinned for a program 1 s after it ended");
	EXPECT_EQ(0, stat_of(_metadata, s, "pinned"));
}

/* What the process has locked is exactly what the pin cache holds. */
static void expect_locked_is_cache(struct __test_metadata *_metadata,
				   const struct stats *s)
{
	long kb = sysconf(_SC_PAGESIZE) / 1024;

	EXPECT_EQ(stat_of(_metadata, s, "pin_cached") * kb,
		  vccw_pinned_kb());
}

static int param_write(const char *path, long val)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fprintf(f, "%ld\n", val) > 0 ? 0 : -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

static long param_read(const char *path)
{
	FILE *f = fopen(path, "r");
	long val = -1;

	if (!f)
		return -errno;
	if (fscanf(f, "%ld", &val) != 1)
		val = -EIO;
	fclose(f);
	return val;
}

/*
 * Two SENSE IDs, chained, into the second and the fourth page of @m: two
 * extents of one page each (contiguous pages would be pinned as one).
 */
static void two_page_program(struct vccw_mem *m, struct ccw_orb *orb)
{
	struct ccw1 *ccw = (struct ccw1 *)m->va;

	memset(m->va, 0, 256);
	ccw_set(&ccw[0], CCW_CMD_SENSE_ID, CCW_FLAG_CC | CCW_FLAG_SLI, 32,
		vccw_iova(m, m->va + 4096));
	ccw_set(&ccw[1], CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32,
		vccw_iova(m, m->va + 3 * 4096));
	orb_init(orb, vccw_iova(m, ccw), 0);
}

FIXTURE(counters) {
	struct vccw_dev dev;
	struct vccw_mem mem;
	struct stats before;
};

FIXTURE_SETUP(counters)
{
	vccw_fixture_open(self, MEM_SIZE);
	ASSERT_EQ(0, stats_read(self->dev.uuid, &self->before)) {
		TH_LOG("no counters in debugfs for %s", self->dev.uuid);
	}
}

FIXTURE_TEARDOWN(counters)
{
	vccw_fixture_close(self);
}

/* @n SENSE IDs, one after the other: each ends normally. */
static void sense_ids(struct __test_metadata *_metadata,
		      struct vccw_dev *dev, struct vccw_mem *mem, int n)
{
	int i;

	for (i = 0; i < n; i++)
		EXPECT_SENSE_ID_OK(dev, mem);
}

/* Every counter the documentation names is there. */
TEST_F(counters, all_documented_counters_exist)
{
	static const char * const names[] = {
		"starts", "halts", "clears", "resumes", "xsch", "overtakes",
		"irq_final", "irq_intermediate", "irq_unsolicited", "pinned",
		"pinned_peak", "errors_EINVAL", "errors_EBUSY", "errors_ENODEV",
		"errors_EACCES", "errors_EOPNOTSUPP", "errors_EFAULT",
		"errors_ENOMEM", "errors_other", "pin_cached",
		"pin_cache_hits",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		EXPECT_LE(0, stat_of(_metadata, &self->before, names[i]));
}

/* N starts that complete: N starts, N final interrupts, nothing else. */
TEST_F(counters, starts_and_final_interrupts)
{
	struct stats after, before = self->before;
	const int n = 5;

	sense_ids(_metadata, &self->dev, &self->mem, n);
	ASSERT_EQ(0, stats_read(self->dev.uuid, &after));
	EXPECT_EQ(n, DELTA("starts"));
	EXPECT_EQ(n, DELTA("irq_final"));
	EXPECT_EQ(0, DELTA("irq_unsolicited"));
	EXPECT_EQ(0, DELTA("halts"));
	EXPECT_EQ(0, DELTA("clears"));
	/* A SENSE ID pins its data page: the peak saw it. */
	EXPECT_LE(1, stat_of(_metadata, &after, "pinned_peak"));
}

/* Refused requests are counted by errno, and start nothing. */
TEST_F(counters, errors_by_errno)
{
	struct stats after, before = self->before;
	struct ccw_orb orb;
	uint8_t buf[124] = { 0 };

	/* A short write of the I/O region: EINVAL, nothing executed. */
	EXPECT_ERRNO(EINVAL, vccw_region_write(&self->dev, VFIO_CCW_REGION_IO,
					       buf, 100, 0));
	/* Transport mode: EOPNOTSUPP. */
	prog_nop_chain(&self->mem, 0, 1, &orb);
	orb.ctrl |= ORB_TM;
	EXPECT_ERRNO(EOPNOTSUPP, vccw_start(&self->dev, &orb));
	ASSERT_EQ(0, stats_read(self->dev.uuid, &after));
	EXPECT_EQ(1, DELTA("errors_EINVAL"));
	EXPECT_EQ(1, DELTA("errors_EOPNOTSUPP"));
	EXPECT_EQ(0, DELTA("starts"));
}

/* A suspended start halted, then a clear on the idle subchannel. */
TEST_F(counters, halt_and_clear)
{
	struct stats after, before = self->before;
	struct ccw_irb irb;
	struct ccw_orb orb;

	prog_suspend(&self->mem, 0, &orb);
	vccw_start_ok(&self->dev, &orb);
	ASSERT_EQ(0, vccw_async(&self->dev, VFIO_CCW_ASYNC_CMD_HSCH, true));
	ASSERT_LE(1, vccw_drain_irqs(&self->dev, 200, &irb));
	ASSERT_EQ(0, vccw_async(&self->dev, VFIO_CCW_ASYNC_CMD_CSCH, true));
	ASSERT_LE(1, vccw_drain_irqs(&self->dev, 200, &irb));
	ASSERT_EQ(0, stats_read(self->dev.uuid, &after));
	EXPECT_EQ(1, DELTA("starts"));
	EXPECT_EQ(1, DELTA("halts"));
	EXPECT_EQ(1, DELTA("clears"));
	EXPECT_EQ(2, DELTA("irq_final"));
	/* Once the program is gone, no page of it stays pinned. */
	EXPECT_EQ(0, stat_of(_metadata, &after, "pinned"));
}

/* After close nothing is pinned, and the peak is not below the present. */
TEST_F(counters, pinned_back_to_zero_after_close)
{
	struct stats after;

	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
	vccw_mem_free(&self->dev, &self->mem);
	vccw_close(&self->dev);
	ASSERT_EQ(0, stats_read(self->dev.uuid, &after));
	EXPECT_EQ(0, stat_of(_metadata, &after, "pinned"));
	EXPECT_LE(stat_of(_metadata, &after, "pinned"),
		  stat_of(_metadata, &after, "pinned_peak"));
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}

/*
 * The same program again pins through the pin cache: its data page is
 * served from the cache (pin_cache_hits), and once the program ended the
 * page stays pinned by the cache alone, which is all the process has
 * locked. Close releases it (the teardown checks).
 */
TEST_F(counters, pin_cache_serves_a_repeated_program)
{
	struct stats after, before = self->before;
	const int n = 4;

	sense_ids(_metadata, &self->dev, &self->mem, n);
	settle(_metadata, self->dev.uuid, &after);
	EXPECT_EQ(n, DELTA("starts"));
	EXPECT_LE(n - 1, DELTA("pin_cache_hits"));
	EXPECT_EQ(1, stat_of(_metadata, &after, "pin_cached"));
	expect_locked_is_cache(_metadata, &after);
}

/*
 * pin_cache_pages bounds the cache: with 1, a program of two data pages
 * leaves one cached (the other is released); with 0 nothing is cached and
 * nothing stays locked once the program ended.
 */
TEST_F(counters, pin_cache_honours_its_limit)
{
	long old = param_read(PIN_CACHE_PARAM);
	struct stats after, before = self->before;
	struct ccw_orb orb;
	struct ccw_irb irb;

	ASSERT_LE(0, old) {
		TH_LOG("no %s: %s", PIN_CACHE_PARAM, strerror((int)-old));
	}
	ASSERT_EQ(0, param_write(PIN_CACHE_PARAM, 1));
	two_page_program(&self->mem, &orb);
	EXPECT_EQ(0, vccw_run(&self->dev, &orb, &irb));
	EXPECT_IRB_OK(&irb);
	settle(_metadata, self->dev.uuid, &after);
	EXPECT_EQ(1, stat_of(_metadata, &after, "pin_cached"));
	expect_locked_is_cache(_metadata, &after);
	EXPECT_EQ(0, vccw_run(&self->dev, &orb, &irb));
	EXPECT_IRB_OK(&irb);
	settle(_metadata, self->dev.uuid, &after);
	EXPECT_EQ(1, DELTA("pin_cache_hits"));
	EXPECT_EQ(1, stat_of(_metadata, &after, "pin_cached"));
	expect_locked_is_cache(_metadata, &after);

	ASSERT_EQ(0, param_write(PIN_CACHE_PARAM, 0));
	/* The cached page is used once more, then released with the rest. */
	EXPECT_EQ(0, vccw_run(&self->dev, &orb, &irb));
	EXPECT_EQ(0, vccw_run(&self->dev, &orb, &irb));
	EXPECT_IRB_OK(&irb);
	settle(_metadata, self->dev.uuid, &after);
	EXPECT_EQ(2, DELTA("pin_cache_hits"));
	EXPECT_EQ(0, stat_of(_metadata, &after, "pin_cached"));
	EXPECT_EQ(0, vccw_pinned_kb());
	EXPECT_EQ(0, param_write(PIN_CACHE_PARAM, old));
}

/* SENSE IDs into the pages 1 .. @n of @m, chained: one extent of n pages. */
static void contiguous_program(struct vccw_mem *m, int n, struct ccw_orb *orb)
{
	struct ccw1 *ccw = (struct ccw1 *)m->va;
	int i;

	memset(m->va, 0, 256);
	for (i = 0; i < n; i++)
		ccw_set(&ccw[i], CCW_CMD_SENSE_ID,
			(i + 1 < n ? CCW_FLAG_CC : 0) | CCW_FLAG_SLI, 32,
			vccw_iova(m, m->va + (i + 1) * 4096));
	orb_init(orb, vccw_iova(m, ccw), 0);
}

/*
 * When the program's pages change, the cache follows: a one-page extent
 * cached at an address gives way to the two-page extent a new program
 * pins there, which the next run of that program then finds.
 */
TEST_F(counters, pin_cache_follows_a_changed_program)
{
	struct stats after, mid;
	struct ccw_orb orb;
	struct ccw_irb irb;

	contiguous_program(&self->mem, 1, &orb);
	EXPECT_EQ(0, vccw_run(&self->dev, &orb, &irb));
	contiguous_program(&self->mem, 2, &orb);
	EXPECT_EQ(0, vccw_run(&self->dev, &orb, &irb));
	settle(_metadata, self->dev.uuid, &mid);
	EXPECT_EQ(0, vccw_run(&self->dev, &orb, &irb));
	EXPECT_IRB_OK(&irb);
	settle(_metadata, self->dev.uuid, &after);
	EXPECT_EQ(2, stat_delta(_metadata, &mid, &after, "pin_cache_hits"));
	EXPECT_EQ(2, stat_of(_metadata, &after, "pin_cached"));
	expect_locked_is_cache(_metadata, &after);
}

/*
 * The state machine's tracepoint, vfio_ccw:vfio_ccw_fsm, fires on every
 * transition and names the subchannel with the fields upstream's events
 * use (cssid, ssid, sch_no): filtered on this device's sch_no, one SENSE
 * ID shows its start, its issue and its final interrupt.
 */
#define TRACING		"/sys/kernel/tracing/"
#define FSM_EVENT	TRACING "events/vfio_ccw/vfio_ccw_fsm/"

static int tracing_write(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fputs(val, f) < 0)
		ret = -EIO;
	if (fclose(f))
		ret = -errno;
	return ret;
}

FIXTURE(trace) {
	struct vccw_dev dev;
	struct vccw_mem mem;
};

FIXTURE_SETUP(trace)
{
	vccw_fixture_open(self, MEM_SIZE);
}

FIXTURE_TEARDOWN(trace)
{
	tracing_write(FSM_EVENT "enable", "0");
	tracing_write(FSM_EVENT "filter", "0");
	vccw_fixture_close(self);
}

TEST_F(trace, fsm_events_of_one_start)
{
	static const char * const arcs[] = {
		"IDLE --START--> 3", "CP_PROCESSING --START_OK--> 4",
		"CP_PENDING --IRQ_FINAL--> 2",
	};
	char filter[32], line[512];
	const char *dot;
	bool seen[3] = { false };
	unsigned int i;
	FILE *f;

	if (access(FSM_EVENT "enable", W_OK))
		SKIP(return, "no vfio_ccw_fsm tracepoint at %s", FSM_EVENT);
	dot = strrchr(self->dev.schid, '.');
	ASSERT_NE(NULL, dot);
	snprintf(filter, sizeof(filter), "sch_no == %lu",
		 strtoul(dot + 1, NULL, 16));
	/* opening "trace" for writing empties the buffer */
	ASSERT_EQ(0, tracing_write(TRACING "trace", ""));
	ASSERT_EQ(0, tracing_write(FSM_EVENT "filter", filter));
	ASSERT_EQ(0, tracing_write(FSM_EVENT "enable", "1"));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
	EXPECT_EQ(0, tracing_write(FSM_EVENT "enable", "0"));

	f = fopen(TRACING "trace", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		for (i = 0; i < ARRAY_SIZE(arcs); i++)
			if (strstr(line, "vfio_ccw_fsm:") && strstr(line, arcs[i]))
				seen[i] = true;
	fclose(f);
	for (i = 0; i < ARRAY_SIZE(arcs); i++) {
		if (!seen[i])
			TH_LOG("arc %u not in the trace (filter %s)", i,
			       filter);
		EXPECT_TRUE(seen[i]);
	}
}
