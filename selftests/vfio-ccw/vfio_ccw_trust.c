// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_trust: what user space must be able to trust the driver with.
 * Pins belong to the program that made them and to no other (a page used
 * twice, a resume, a failed optional pin); an unmap stops exactly the
 * program that uses the memory, never the next one; memory mapped again
 * at an IOVA is usable at once; reserved ORB bits are refused as
 * malformed, architected ones reach the channel. (An old client's
 * 16-byte GET_INFO: basic.get_info_argsz_16.)
 *
 * Every test here reproduces a defect seen in an earlier version of the
 * driver: each asserts what the channel subsystem and the ABI promise, and
 * fails (never skips) when a driver lacks what the test needs.
 *
 * usage: VFIO_CCW_MDEV=<mdev uuid> vfio_ccw_trust
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"
#include "hostile.h"

#define QUIET_MS	150
#define CANARY		0xc3
#define UNMAP_TIMEOUT_S	10
#define SUSPEND_MS	2000	/* a program suspends at once on QEMU */
#define STOP_MS		1000	/* an unmap has stopped its program by then */
#define NEXT_ROUNDS	20
#define NEXT_SPIN_MS	30
#define REMAP_ROUNDS	20

/* Fixed IOVAs, all below 2 GiB; P and Q are adjacent in IOVA. */
#define IOVA_P		0x00100000ull
#define IOVA_Q		(IOVA_P + 0x1000)
#define IOVA_Z		(IOVA_P + 0x10000)	/* never mapped */
#define IOVA_G		0x00200000ull		/* CCWs and IDALs */
#define IOVA_S		0x00400000ull
#define IOVA_R		0x00500000ull
#define IOVA_M(round)	(0x01000000ull + (uint64_t)(round) * 0x20000)

FIXTURE(trust) {
	struct vccw_dev dev;
	struct vccw_mem p, q, g, m, s, r;
};

FIXTURE_SETUP(trust)
{
	vccw_open_ok(&self->dev, vccw_env_mdev());
}

FIXTURE_TEARDOWN(trust)
{
	if (self->dev.fd >= 0) {
		hostile_quiesce(&self->dev);
		vccw_mem_free(&self->dev, &self->p);
		vccw_mem_free(&self->dev, &self->q);
		vccw_mem_free(&self->dev, &self->g);
		vccw_mem_free(&self->dev, &self->m);
		vccw_mem_free(&self->dev, &self->s);
		vccw_mem_free(&self->dev, &self->r);
		vccw_close(&self->dev);
	}
	/* everything is closed: nothing may stay locked or pinned */
	EXPECT_EQ(0, hostile_wait_unpinned(1000));
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	while (n--)
		if (*p++ != v)
			return false;
	return true;
}

static bool rsch_offered(const struct vccw_dev *dev)
{
	return dev->has_cap && (dev->cap.async_cmds & VFIO_CCW_ASYNC_CMD_RSCH);
}

/* The SCSW that STORE SUBCHANNEL returns now (schib region). */
static int schib_scsw(struct vccw_dev *dev, struct scsw_fields *f)
{
	struct ccw_schib schib;
	int ret = vccw_read_schib(dev, &schib);

	if (!ret)
		scsw_decode(&schib.scsw, f);
	return ret;
}

static void log_scsw(struct __test_metadata *_metadata, const char *what,
		     const struct scsw_fields *f)
{
	char a[64], b[128];

	TH_LOG("%s: fctl=%s actl=%s ccw-address=0x%08x", what,
	       scsw_fctl_str(f->fctl, a, sizeof(a)),
	       scsw_actl_str(f->actl, b, sizeof(b)), f->cpa);
}

/*
 * Wait until the program just started (or resumed) is suspended: the
 * status region's SUSPENDED function when the driver has one, else the
 * schib's SCSW (start function, suspended). A suspension raises no
 * interrupt: the interrupts consumed meanwhile are added to *@irqs.
 */
static bool wait_suspended(struct vccw_dev *dev, int ms, int *irqs)
{
	uint64_t end = vccw_now_ns() + (uint64_t)ms * 1000000ull;
	struct ccw_status_region st;
	struct scsw_fields f;
	uint64_t c;

	for (;;) {
		if (!vccw_wait_irq(dev, 0, &c))
			*irqs += (int)c;
		if (dev->has_cap) {
			if (!vccw_read_status(dev, &st) &&
			    (st.functions & VFIO_CCW_FUNC_SUSPENDED))
				return true;
		} else if (!schib_scsw(dev, &f) && (f.fctl & SCSW_FCTL_START_FUNC) &&
			   (f.actl & SCSW_ACTL_SUSPENDED)) {
			return true;
		}
		if (vccw_now_ns() >= end)
			return false;
		usleep(1000);
	}
}

/*
 * Has the suspended program been stopped? Asked of the channel subsystem
 * itself (schib region, a fresh STORE SUBCHANNEL): the start function
 * stays in the SCSW function control from SSCH until the program's final
 * status is collected, or until CLEAR (or CANCEL) SUBCHANNEL removes it,
 * and a suspended program shows the suspended activity. So the program is
 * stopped when, within @ms, the SCSW shows neither the start function nor
 * the suspension, however the driver stopped it (CSCH and its final
 * interrupt, or XSCH without one). @f: the last SCSW seen.
 */
static bool wait_stopped(struct vccw_dev *dev, int ms, struct scsw_fields *f,
			 int *irqs)
{
	uint64_t end = vccw_now_ns() + (uint64_t)ms * 1000000ull;
	uint64_t c;

	for (;;) {
		if (!vccw_wait_irq(dev, 0, &c))
			*irqs += (int)c;
		if (!schib_scsw(dev, f) && !(f->fctl & SCSW_FCTL_START_FUNC) &&
		    !(f->actl & SCSW_ACTL_SUSPENDED))
			return true;
		if (vccw_now_ns() >= end)
			return false;
		usleep(1000);
	}
}

/*
 * Unmap Q, which the running or suspended program uses: the unmap
 * succeeds and the program is stopped within STOP_MS. @irqs: the
 * interrupts the test saw so far (logged with those after the unmap).
 */
static void expect_unmap_of_q_stops(struct __test_metadata *_metadata,
				    struct vccw_dev *dev, struct vccw_mem *q,
				    int irqs)
{
	struct scsw_fields f;
	bool stopped;
	int ret = 0;

	ASSERT_TRUE(hostile_unmap_bounded(dev, q, UNMAP_TIMEOUT_S, &ret));
	EXPECT_EQ(0, ret);
	stopped = wait_stopped(dev, STOP_MS, &f, &irqs);
	if (!stopped)
		log_scsw(_metadata, "still running 1 s after the unmap of Q", &f);
	TH_LOG("interrupts after the unmap of Q: %d", irqs);
	EXPECT_TRUE(stopped);
}

/*
 * Defect: a page pinned twice by one program (once for a CCW reachable only
 * by a status-modifier skip, once for a normal CCW) made the unpin of the
 * old generation after RSCH release the new generation's pins as well.
 * After RSCH the program is suspended again with data in P and Q: both
 * pages must stay pinned, and an unmap of Q must stop the program.
 */
TEST_F_TIMEOUT(trust, resume_keeps_pins_of_a_page_pinned_twice, 120)
{
	struct ccw_orb orb;
	struct ccw1 *c;
	int irqs = 0, ret = 0;
	long lck;

	if (!rsch_offered(&self->dev))
		TH_LOG("driver lacks RSCH (async command, capability 0x%x, ABI: %s)",
		       VFIO_DEVICE_INFO_CAP_CCW, vccw_abi_name(self->dev.abi));
	ASSERT_TRUE(rsch_offered(&self->dev));
	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &self->p, 4096, IOVA_P, false));
	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &self->q, 4096, IOVA_Q, false));
	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &self->g, 4096, IOVA_G, false));

	c = (struct ccw1 *)self->g.va;
	ccw_set(&c[0], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 1, 0);
	ccw_set(&c[1], CCW_CMD_TIC, 0, 0, IOVA_G + 0x100);
	/* reachable only by a skip behind "NOP (CC), TIC": pinned anyway */
	ccw_set(&c[2], CCW_CMD_BASIC_SENSE, CCW_FLAG_SLI, 8, IOVA_P);
	ccw_set(&c[0x20], CCW_CMD_BASIC_SENSE, CCW_FLAG_CC | CCW_FLAG_SLI,
		0x2000, IOVA_P);			/* P and Q */
	ccw_set(&c[0x21], CCW_CMD_NOOP, CCW_FLAG_SUSPEND | CCW_FLAG_SLI, 0, 0);
	orb_init(&orb, IOVA_G, ORB_SPND);
	ret = vccw_start(&self->dev, &orb);
	if (ret)
		TH_LOG("start: %s", errname(-ret));
	ASSERT_EQ(0, ret);
	ASSERT_TRUE(wait_suspended(&self->dev, SUSPEND_MS, &irqs));
	EXPECT_EQ(0, irqs);

	/* the program goes on at G+0x108: data in P and Q, then suspends */
	ccw_set(&c[0x22], CCW_CMD_NOOP, CCW_FLAG_SUSPEND | CCW_FLAG_SLI, 0, 0);
	ccw_set(&c[0x21], CCW_CMD_BASIC_SENSE, CCW_FLAG_CC | CCW_FLAG_SLI,
		0x20, IOVA_P + 0xff0);
	__sync_synchronize();
	ret = vccw_async(&self->dev, VFIO_CCW_ASYNC_CMD_RSCH, true);
	if (ret)
		TH_LOG("RSCH: %s", errname(-ret));
	ASSERT_EQ(0, ret);
	ASSERT_TRUE(wait_suspended(&self->dev, SUSPEND_MS, &irqs));
	EXPECT_EQ(0, irqs);

	/* (a) the suspended program's pages are pinned: P and Q */
	lck = vccw_pinned_kb();
	if (lck < 8)
		TH_LOG("%ld kB pinned after RSCH: the pages of P and Q (8 kB) are not both pinned",
		       lck);
	EXPECT_LE(8, lck);

	/* (b) its memory goes away: the program must be stopped */
	expect_unmap_of_q_stops(_metadata, &self->dev, &self->q, irqs);
}

/*
 * Defect: when the pin of a CCW reachable only by a status-modifier skip
 * failed (an IDAW into unmapped memory), undoing that one pin released the
 * pins of earlier CCWs of the same pages. The driver must cut the optional
 * path at that CCW and keep every earlier pin: P and Q stay pinned while
 * the program is suspended, and an unmap of Q stops it.
 */
TEST_F_TIMEOUT(trust, optional_pin_failure_keeps_earlier_pins, 120)
{
	struct ccw_orb orb;
	uint64_t *idal;
	struct ccw1 *c;
	int irqs = 0, ret = 0;
	long lck;

	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &self->p, 4096, IOVA_P, false));
	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &self->q, 8192, IOVA_Q, false));
	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &self->g, 4096, IOVA_G, false));

	c = (struct ccw1 *)self->g.va;
	idal = (uint64_t *)(self->g.va + 0x200);
	ccw_set(&c[0], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 1, 0);
	ccw_set(&c[1], CCW_CMD_TIC, 0, 0, IOVA_G + 0x100);
	/* B1, B2, C: reachable only by a skip behind "NOP (CC), TIC" */
	ccw_set(&c[2], CCW_CMD_BASIC_SENSE, CCW_FLAG_CC | CCW_FLAG_SLI, 8,
		IOVA_P);
	ccw_set(&c[3], CCW_CMD_BASIC_SENSE, CCW_FLAG_CC | CCW_FLAG_SLI,
		0x3000, IOVA_P);			/* P, both pages of Q */
	ccw_set(&c[4], CCW_CMD_BASIC_SENSE, CCW_FLAG_IDA | CCW_FLAG_SLI,
		0x3001, IOVA_G + 0x200);
	idaw2_set(&idal[0], IOVA_P);
	idaw2_set(&idal[1], IOVA_P + 0x1000);
	idaw2_set(&idal[2], IOVA_P + 0x2000);
	idaw2_set(&idal[3], IOVA_Z);		/* not mapped: C cannot be pinned */
	ccw_set(&c[0x20], CCW_CMD_NOOP, CCW_FLAG_SUSPEND | CCW_FLAG_SLI, 0, 0);
	orb_init(&orb, IOVA_G, ORB_SPND);
	ret = vccw_start(&self->dev, &orb);
	if (ret)
		TH_LOG("start (the optional path must be cut at C): %s",
		       errname(-ret));
	ASSERT_EQ(0, ret);
	ASSERT_TRUE(wait_suspended(&self->dev, SUSPEND_MS, &irqs));
	EXPECT_EQ(0, irqs);

	/* B1 and B2 keep P and both pages of Q pinned */
	lck = vccw_pinned_kb();
	if (lck < 12)
		TH_LOG("%ld kB pinned: B1 and B2's pages in P and Q (12 kB) are not all pinned",
		       lck);
	if (lck < 12 && !self->dev.has_cap)
		TH_LOG("(does the driver translate CCWs reached only by a status-modifier skip?)");
	EXPECT_LE(12, lck);

	expect_unmap_of_q_stops(_metadata, &self->dev, &self->q, irqs);
}

/**
 * struct idle_unmapper - an unmap from a SCHED_IDLE thread on CPU 0
 * @dev: the device
 * @iova: what to unmap
 * @size: its size
 * @ret: 0 or -errno of the ioctl
 * @sched: 0 or -errno of sched_setscheduler()
 * @t0: the ioctl began (ns)
 * @t1: the ioctl returned (ns)
 * @done: the ioctl returned
 */
struct idle_unmapper {
	struct vccw_dev *dev;
	uint64_t iova, size;
	int ret, sched;
	uint64_t t0, t1;
	atomic_bool done;
};

static void *idle_unmap_main(void *arg)
{
	struct idle_unmapper *u = arg;
	struct sched_param sp = { 0 };

	u->sched = sched_setscheduler(0, SCHED_IDLE, &sp) ? -errno : 0;
	u->t0 = vccw_now_ns();
	u->ret = vccw_dma_unmap(u->dev, u->iova, u->size);
	u->t1 = vccw_now_ns();
	atomic_store(&u->done, true);
	return NULL;
}

/* Wait for an interrupt without ever sleeping (the CPU stays ours). */
static int spin_for_irq(struct vccw_dev *dev, int ms, uint64_t *count)
{
	uint64_t end = vccw_now_ns() + (uint64_t)ms * 1000000ull;

	do {
		if (!vccw_wait_irq(dev, 0, count))
			return 0;
	} while (vccw_now_ns() < end);
	return -ETIMEDOUT;
}

static void spin_ms(int ms)
{
	uint64_t end = vccw_now_ns() + (uint64_t)ms * 1000000ull;

	while (vccw_now_ns() < end)
		;
}

/* Start @orb, retrying while the previous program is still ending. */
static int start_when_free(struct vccw_dev *dev, const struct ccw_orb *orb)
{
	uint64_t end = vccw_now_ns() + 3000000000ull;
	int ret;

	for (;;) {
		ret = vccw_io_write(dev, orb, SCSW_FCTL_START_FUNC);
		if (ret >= 0)
			return ret == (int)sizeof(struct ccw_io_region) ? 0 : -EIO;
		if ((ret != -EBUSY && ret != -EAGAIN) || vccw_now_ns() >= end)
			return ret;
		usleep(1000);
	}
}

/* Join @t within @s seconds; false (thread detached) if it did not end. */
static bool join_bounded(pthread_t t, int s)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += s;
	if (pthread_timedjoin_np(t, NULL, &ts)) {
		pthread_detach(t);
		return false;
	}
	return true;
}

/*
 * One round of unmap_never_stops_the_next_program: A suspended with data
 * in M; U unmaps M; A's interrupt; B started in S; then B must still be
 * the program the channel and the driver see. Returns false when a check
 * failed (the test stops there).
 */
static bool next_program_round(struct __test_metadata *_metadata,
			       struct _test_data_trust *self, int round,
			       cpu_set_t *cpu0)
{
	struct vccw_dev *dev = &self->dev;
	struct ccw_status_region st;
	struct ccw_orb orb_a, orb_b;
	struct idle_unmapper *u;
	struct scsw_fields f;
	struct ccw_irb irb;
	pthread_attr_t attr;
	bool ok = true, got_irq, joined, running;
	uint32_t b_first;
	pthread_t t;
	uint64_t cnt;
	int ret, irqs = 0;

	/* A new IOVA each round: out of reach of what earlier unmaps did. */
	ASSERT_EQ(0, vccw_mem_alloc_at(dev, &self->m, 64 * 1024, IOVA_M(round),
				       false));
	prog_suspend(&self->m, 0, &orb_a);
	ret = vccw_start(dev, &orb_a);
	if (ret)
		TH_LOG("round %d: start of A: %s", round, errname(-ret));
	ASSERT_EQ(0, ret);
	ASSERT_TRUE(wait_suspended(dev, SUSPEND_MS, &irqs));
	ASSERT_EQ(0, irqs);

	/*
	 * U unmaps M from CPU 0 as SCHED_IDLE. This thread, on CPU 0 too,
	 * waits for A's interrupt without sleeping, starts B at once and
	 * spins a while: U, woken by that interrupt as well, never preempts
	 * it, so U looks at the device again only once B is published.
	 * (On QEMU the clear completes inside CSCH: when CPU 0 takes its
	 * interrupt as U enables interrupts again, U never waits and the
	 * round shows nothing; CPU 1 takes it about one round in six.)
	 */
	u = calloc(1, sizeof(*u));	/* leaked if the unmap hangs */
	ASSERT_NE(NULL, u);
	u->dev = dev;
	u->iova = self->m.iova;
	u->size = self->m.size;
	ASSERT_EQ(0, pthread_attr_init(&attr));
	ASSERT_EQ(0, pthread_attr_setaffinity_np(&attr, sizeof(*cpu0), cpu0));
	ASSERT_EQ(0, pthread_create(&t, &attr, idle_unmap_main, u));
	pthread_attr_destroy(&attr);

	/* the unmap's clear ends A with a final interrupt */
	got_irq = !spin_for_irq(dev, dev->has_cap ? 10000 : 1000, &cnt);
	joined = true;
	if (!got_irq) {
		TH_LOG("round %d: no interrupt for A within %d ms of the unmap of its memory",
		       round, dev->has_cap ? 10000 : 1000);
		/* the reference ends A by a reset (XSCH) without interrupt */
		EXPECT_FALSE(dev->has_cap);
		if (dev->has_cap)
			ok = false;
		joined = join_bounded(t, UNMAP_TIMEOUT_S);
	}

	/* B: suspended in S, which stays mapped */
	prog_suspend(&self->s, 0, &orb_b);
	b_first = orb_cpa(&orb_b);
	ret = start_when_free(dev, &orb_b);
	if (got_irq) {
		spin_ms(NEXT_SPIN_MS);
		joined = join_bounded(t, UNMAP_TIMEOUT_S);
	}
	if (!joined) {
		TH_LOG("round %d: the unmap did not return within %d s", round,
		       UNMAP_TIMEOUT_S);
		EXPECT_TRUE(joined);
		return false;
	}
	self->m.mapped = false;
	TH_LOG("round %d: the unmap of A's memory took %llu ms", round,
	       (unsigned long long)((u->t1 - u->t0) / 1000000));
	EXPECT_EQ(0, u->sched);
	EXPECT_EQ(0, u->ret);
	free(u);
	if (ret)
		TH_LOG("round %d: start of B: %s", round, errname(-ret));
	EXPECT_EQ(0, ret);
	if (ret)
		return false;

	/* B is the program: the subchannel is suspended in it... */
	ASSERT_EQ(0, schib_scsw(dev, &f));
	running = (f.fctl & SCSW_FCTL_START_FUNC) && (f.actl & SCSW_ACTL_SUSPENDED);
	if (!running)
		log_scsw(_metadata, "B is not suspended any more", &f);
	EXPECT_TRUE(running);
	ok = ok && running;
	/* ...and the driver agrees */
	if (dev->has_cap) {
		ASSERT_EQ(0, vccw_read_status(dev, &st));
		if (st.state != VFIO_CCW_STATUS_CP_PENDING ||
		    !(st.functions & VFIO_CCW_FUNC_START)) {
			TH_LOG("round %d: driver state %s, functions 0x%x, while the subchannel %s",
			       round, vccw_state_str(st.state), st.functions,
			       running ? "is suspended in B" : "is not");
			ok = false;
		}
		EXPECT_EQ(VFIO_CCW_STATUS_CP_PENDING, st.state);
		EXPECT_EQ(VFIO_CCW_FUNC_START,
			  st.functions & (VFIO_CCW_FUNC_START | VFIO_CCW_FUNC_HALT |
					  VFIO_CCW_FUNC_CLEAR));
	}

	/*
	 * CSCH ends B. Its IRB's CCW address is a guest address in B or 0,
	 * never a host address. (QEMU stores no CCW address at a suspension
	 * or a clear: the channel's SCSW still holds the host address of an
	 * earlier program, which no driver can translate into B: 0.)
	 */
	ret = vccw_async(dev, VFIO_CCW_ASYNC_CMD_CSCH, true);
	if (ret)
		TH_LOG("round %d: CSCH of B: %s", round, errname(-ret));
	EXPECT_EQ(0, ret);
	ASSERT_EQ(0, vccw_wait_irq(dev, VCCW_TIMEOUT_MS, NULL));
	ASSERT_EQ(0, vccw_read_irb(dev, &irb));
	scsw_decode(&irb.scsw, &f);
	EXPECT_TRUE(f.fctl & SCSW_FCTL_CLEAR_FUNC);
	/* the reference reports the host address (known upstream defect) */
	if (dev->has_cap) {
		bool in_b = !f.cpa || (f.cpa >= b_first &&
				       f.cpa <= b_first + 2 * sizeof(struct ccw1));

		if (!in_b)
			TH_LOG_IRB("B's clear, CCW address neither 0 nor in B", &irb);
		EXPECT_TRUE(in_b);
		ok = ok && in_b;
	}
	vccw_drain_irqs(dev, QUIET_MS, NULL);
	vccw_mem_free(dev, &self->m);
	return ok;
}

/*
 * Defect: dma_unmap remembered the program it cleared by its pointer and
 * waited (up to 3 s) for that pointer to leave the device; the allocator
 * gave the next program the same address, so the unmap then detached the
 * next, running program (driver idle, subchannel still suspended in it).
 * An unmap must end the program using the memory and leave the next be.
 */
TEST_F_TIMEOUT(trust, unmap_never_stops_the_next_program, 600)
{
	cpu_set_t cpu0;
	int round;
	bool ok = true;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpu0), &cpu0));
	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &self->s, 4096, IOVA_S, false));
	for (round = 0; round < NEXT_ROUNDS && ok; round++)
		ok = next_program_round(_metadata, self, round, &cpu0);
	TH_LOG("%d round(s)%s", round,
	       ok ? ", all passed" : ", stopped at the first failure");
}

/*
 * Defect: after an unmap, a start in new memory mapped at the same IOVA
 * was refused with EFAULT for up to 100 ms (the unmap's fence). Memory is
 * the guest's from the moment VFIO_IOMMU_MAP_DMA returns: a start there
 * must be accepted at once, without retry, and its data must land in the
 * new memory, never in the old.
 */
TEST_F_TIMEOUT(trust, start_after_remap_is_accepted_at_once, 120)
{
	int i;

	for (i = 0; i < REMAP_ROUNDS; i++) {
		struct sense_id_data id;
		struct ccw_irb irb;
		struct ccw_orb orb;
		uint8_t *data;
		int ret = 0;

		/* a SENSE ID in M: its page was pinned (and maybe cached) */
		ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &self->m, 4096,
					       IOVA_R, false));
		ret = vccw_sense_id(&self->dev, &self->m, &irb, &id);
		if (ret)
			TH_LOG("round %d: SENSE ID before the unmap: %s", i,
			       errname(-ret));
		ASSERT_EQ(0, ret);
		EXPECT_IRB_OK(&irb);
		EXPECT_EQ(0xff, id.ff);
		ASSERT_TRUE(hostile_unmap_bounded(&self->dev, &self->m,
						  UNMAP_TIMEOUT_S, &ret));
		ASSERT_EQ(0, ret);
		memset(self->m.va, CANARY, self->m.size);

		/* new memory (a fresh mmap) at the same IOVA, started at once */
		ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &self->r, 4096,
					       IOVA_R, false));
		data = self->r.va + 64;
		ccw_set((struct ccw1 *)self->r.va, CCW_CMD_SENSE_ID,
			CCW_FLAG_SLI, 32, IOVA_R + 64);
		orb_init(&orb, IOVA_R, 0);
		ret = vccw_io_write(&self->dev, &orb, SCSW_FCTL_START_FUNC);
		if (ret < 0)
			TH_LOG("round %d: start right after the remap: %s", i,
			       errname(-ret));
		ASSERT_EQ((int)sizeof(struct ccw_io_region), ret);
		ASSERT_EQ(0, vccw_wait_irq(&self->dev, VCCW_TIMEOUT_MS, NULL));
		ASSERT_EQ(0, vccw_read_irb(&self->dev, &irb));
		EXPECT_IRB_OK(&irb);
		EXPECT_EQ(0xff, data[0]);
		EXPECT_EQ(0x38, data[1]);
		EXPECT_EQ(0x32, data[2]);
		EXPECT_TRUE(all_bytes(self->m.va, self->m.size, CANARY));
		vccw_mem_free(&self->dev, &self->r);
		vccw_mem_free(&self->dev, &self->m);
	}
}

/*
 * The reserved bits of ORB word 1, 25-30, make the request malformed:
 * EINVAL, documented, and nothing runs (a driver that passes them to SSCH
 * gets an operand exception, EIO). Bit 13 is the transport-mode bit:
 * EOPNOTSUPP, documented. Bit 5 is not reserved: it is the streaming-mode
 * control (res1 in the kernel's struct cmd_orb, but architected; z/VM's
 * HCPORBLK names it), and goes to the channel as the guest set it: the
 * program runs, or, on a machine without the control, SSCH refuses the
 * ORB (EIO) and nothing runs.
 */
TEST_F(trust, reserved_orb_bits_einval)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} res[] = {
		{ 1u << 6, "bit 25 (zero)" },
		{ 1u << 5, "bit 26 (zero)" },
		{ 1u << 4, "bit 27 (zero)" },
		{ 1u << 3, "bit 28 (zero)" },
		{ 1u << 2, "bit 29 (zero)" },
		{ 1u << 1, "bit 30 (zero)" },
	};
	struct ccw_orb orb;
	struct ccw_irb irb;
	uint8_t *data;
	unsigned int i;
	int ret, n;

	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &self->g, 4096, IOVA_G, false));
	data = self->g.va + 0x100;
	ccw_set((struct ccw1 *)self->g.va, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32,
		IOVA_G + 0x100);
	for (i = 0; i < ARRAY_SIZE(res) + 1; i++) {
		bool tm = i == ARRAY_SIZE(res);
		const char *name = tm ? "bit 13 (res2, transport mode)" :
					res[i].name;
		int want = tm ? -EOPNOTSUPP : -EINVAL;

		memset(data, CANARY, 256);
		orb_init(&orb, IOVA_G, 0);
		orb.ctrl = htobe32(be32toh(orb.ctrl) | (tm ? ORB_TM : res[i].bit));
		ret = vccw_io_write(&self->dev, &orb, SCSW_FCTL_START_FUNC);
		if (ret != want)
			TH_LOG("ORB %s: %s, documented: %s", name,
			       ret < 0 ? errname(-ret) : "accepted",
			       errname(-want));
		EXPECT_EQ(want, ret);
		n = vccw_drain_irqs(&self->dev, QUIET_MS, &irb);
		if (n)
			TH_LOG_IRB("  and it ran", &irb);
		EXPECT_EQ(0, n);
		EXPECT_TRUE(all_bytes(data, 256, CANARY));
	}
	/* the same ORB without the bit runs */
	memset(data, CANARY, 256);
	orb_init(&orb, IOVA_G, 0);
	ASSERT_EQ(0, vccw_run(&self->dev, &orb, &irb));
	EXPECT_IRB_OK(&irb);
	EXPECT_EQ(0xff, data[0]);
	/* streaming-mode control (bit 5): the channel's to judge */
	memset(data, CANARY, 256);
	orb_init(&orb, IOVA_G, 1u << 26);
	ret = vccw_run(&self->dev, &orb, &irb);
	if (ret)
		TH_LOG("ORB bit 5 (streaming-mode control): %s", errname(-ret));
	EXPECT_TRUE(ret == 0 || ret == -EIO);
	if (!ret) {
		EXPECT_IRB_OK(&irb);
		EXPECT_EQ(0xff, data[0]);
	} else {
		EXPECT_TRUE(all_bytes(data, 256, CANARY));
	}
	EXPECT_EQ(0x38, data[1]);
	EXPECT_EQ(0x32, data[2]);
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
