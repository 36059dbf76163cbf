// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_abi: the extensions of this driver's ABI (<linux/vfio_ccw.h>
 * marks them "(extension)"): the device-info capability, the status
 * region, XSCH and RSCH, strict async writes, and halt/clear overtaking a
 * start in flight. A driver without the capability FAILS these tests (they
 * are not skipped), so that a side-by-side table shows what it lacks.
 *
 * usage: VFIO_CCW_MDEV=<mdev uuid> vfio_ccw_abi
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"

#define MEM_SIZE (64 * 1024)
#define QUIET_MS 200

FIXTURE(abi) {
	struct vccw_dev dev;
	struct vccw_mem mem;
};

FIXTURE_SETUP(abi)
{
	vccw_fixture_open(self, MEM_SIZE);
	ASSERT_NEW_ABI(&self->dev);
}

FIXTURE_TEARDOWN(abi)
{
	vccw_fixture_close(self);
}

static void expect_region(struct __test_metadata *_metadata,
			  struct vccw_dev *dev, int slot, uint32_t subtype,
			  uint64_t size, bool writable)
{
	uint32_t idx = dev->cap.region_index[slot];
	struct vccw_region r;

	ASSERT_NE(VFIO_CCW_INDEX_NONE, idx);
	ASSERT_GT(dev->info.num_regions, idx);
	ASSERT_EQ(0, vccw_get_region_info(dev, idx, &r));
	EXPECT_EQ(VFIO_REGION_TYPE_CCW, r.type);
	EXPECT_EQ(subtype, r.subtype);
	EXPECT_EQ(size, r.size);
	EXPECT_TRUE(r.flags & VFIO_REGION_INFO_FLAG_READ);
	EXPECT_EQ(writable, !!(r.flags & VFIO_REGION_INFO_FLAG_WRITE));
}

TEST_F(abi, capability)
{
	const struct vfio_device_info_cap_ccw *c = &self->dev.cap;
	struct vfio_device_info info = { 0 };
	struct vfio_irq_info ii;
	char feat[128];
	int i;

	EXPECT_EQ(VFIO_DEVICE_INFO_CAP_CCW, c->header.id);
	EXPECT_EQ(VFIO_CCW_ABI_VERSION, c->header.version);
	TH_LOG("features %s, async commands 0x%x",
	       vccw_feat_str(c->features, feat, sizeof(feat)), c->async_cmds);
	EXPECT_EQ(0, c->reserved[0]);
	EXPECT_EQ(0, c->reserved[1]);
	EXPECT_EQ(VFIO_CCW_ASYNC_CMD_HSCH | VFIO_CCW_ASYNC_CMD_CSCH,
		  c->async_cmds & (VFIO_CCW_ASYNC_CMD_HSCH |
				   VFIO_CCW_ASYNC_CMD_CSCH));

	/* the capability needs more than the 24 bytes of the fixed part */
	ASSERT_EQ(0, vccw_get_info(&self->dev, &info, sizeof(info)));
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_CAPS);
	EXPECT_LT(sizeof(info), info.argsz);

	EXPECT_EQ(VFIO_CCW_CONFIG_REGION_INDEX, c->region_index[VFIO_CCW_REGION_IO]);
	expect_region(_metadata, &self->dev, VFIO_CCW_REGION_ASYNC,
		      VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD, 8, true);
	expect_region(_metadata, &self->dev, VFIO_CCW_REGION_SCHIB,
		      VFIO_REGION_SUBTYPE_CCW_SCHIB, 52, false);
	expect_region(_metadata, &self->dev, VFIO_CCW_REGION_CRW,
		      VFIO_REGION_SUBTYPE_CCW_CRW, 8, false);
	expect_region(_metadata, &self->dev, VFIO_CCW_REGION_STATUS,
		      VFIO_REGION_SUBTYPE_CCW_STATUS, 128, false);
	for (i = VFIO_CCW_REGION_STATUS + 1; i < VFIO_CCW_REGION_SLOTS; i++)
		EXPECT_EQ(VFIO_CCW_INDEX_NONE, c->region_index[i]);

	EXPECT_EQ(VFIO_CCW_IO_IRQ_INDEX, c->irq_index[VFIO_CCW_IRQ_IO]);
	for (i = 0; i <= VFIO_CCW_IRQ_REQ; i++) {
		ASSERT_GT(self->dev.info.num_irqs, c->irq_index[i]);
		ASSERT_EQ(0, vccw_get_irq_info(&self->dev, c->irq_index[i], &ii));
		EXPECT_EQ(1, ii.count);
		EXPECT_TRUE(ii.flags & VFIO_IRQ_INFO_EVENTFD);
	}
	EXPECT_EQ(VFIO_CCW_INDEX_NONE, c->irq_index[VFIO_CCW_IRQ_SLOTS - 1]);
}

TEST_F(abi, status_after_open)
{
	struct ccw_status_region st;
	static const uint8_t zero[IRB_AREA_SIZE];

	ASSERT_EQ(0, vccw_read_status(&self->dev, &st));
	EXPECT_EQ(0, st.irq_seq);
	EXPECT_EQ(VFIO_CCW_STATUS_IDLE, st.state);
	EXPECT_EQ(0, st.functions);
	EXPECT_EQ(0, memcmp(zero, st.irb_area, sizeof(zero)));
}

/* irq_seq grows by one per interrupt; the status IRB is the io_region's. */
TEST_F(abi, status_counts_interrupts)
{
	struct ccw_status_region st;
	struct ccw_irb irb;
	uint64_t seq0;
	int i;

	ASSERT_EQ(0, vccw_read_status(&self->dev, &st));
	seq0 = st.irq_seq;
	for (i = 1; i <= 10; i++) {
		ASSERT_EQ(0, vccw_sense_id(&self->dev, &self->mem, &irb, NULL));
		ASSERT_EQ(0, vccw_read_status(&self->dev, &st));
		EXPECT_EQ(seq0 + i, st.irq_seq);
		EXPECT_EQ(VFIO_CCW_STATUS_IDLE, st.state);
		EXPECT_EQ(0, st.functions);
		EXPECT_EQ(0, memcmp(&irb, st.irb_area, sizeof(irb)));
		if (i == 1 && memcmp(&irb, st.irb_area, sizeof(irb))) {
			TH_LOG_IRB("io_region irb", &irb);
			TH_LOG_IRB("status irb", (struct ccw_irb *)st.irb_area);
			for (size_t k = 0; k < sizeof(irb); k++)
				if (((uint8_t *)&irb)[k] != st.irb_area[k])
					TH_LOG("byte %zu: io %02x status %02x", k,
					       ((uint8_t *)&irb)[k], st.irb_area[k]);
		}
	}
}

/* Any part of the status region can be read. */
TEST_F(abi, status_partial_read)
{
	struct ccw_status_region st;
	uint64_t seq;

	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
	ASSERT_EQ(0, vccw_read_status(&self->dev, &st));
	ASSERT_EQ(8, vccw_region_read(&self->dev, VFIO_CCW_REGION_STATUS, &seq,
				      8, offsetof(struct ccw_status_region,
						  irq_seq)));
	EXPECT_EQ(st.irq_seq, seq);
	EXPECT_GT(0, vccw_region_write(&self->dev, VFIO_CCW_REGION_STATUS, &st,
				       sizeof(st), 0));
}

static void start_suspended(struct __test_metadata *_metadata,
			    struct vccw_dev *dev, struct vccw_mem *mem,
			    struct ccw1 **susp, uint64_t *seq)
{
	struct ccw_status_region st;
	struct ccw_orb orb;

	*susp = prog_suspend(mem, 0x400, &orb);
	ASSERT_EQ(0, vccw_read_status(dev, &st));
	*seq = st.irq_seq;
	ASSERT_EQ(0, vccw_start(dev, &orb));
	EXPECT_EQ(0, vccw_drain_irqs(dev, QUIET_MS, NULL));
	ASSERT_EQ(0, vccw_read_status(dev, &st));
	EXPECT_EQ(VFIO_CCW_STATUS_CP_PENDING, st.state);
	EXPECT_EQ(VFIO_CCW_FUNC_START,
		  st.functions & (VFIO_CCW_FUNC_START | VFIO_CCW_FUNC_HALT |
				  VFIO_CCW_FUNC_CLEAR));
	EXPECT_EQ(*seq, st.irq_seq);
	EXPECT_LT(0, vccw_pinned_kb());
}

static void expect_idle(struct __test_metadata *_metadata,
			struct vccw_dev *dev, uint64_t seq)
{
	struct ccw_status_region st;

	ASSERT_EQ(0, vccw_read_status(dev, &st));
	EXPECT_EQ(VFIO_CCW_STATUS_IDLE, st.state);
	EXPECT_EQ(0, st.functions);
	EXPECT_EQ(seq, st.irq_seq);
	EXPECT_EQ(0, vccw_settled_locked_kb(1000));
}

/* The status region says when the start is suspended. */
TEST_F(abi, status_shows_suspended)
{
	struct ccw_status_region st;
	struct ccw1 *susp;
	uint64_t seq;

	start_suspended(_metadata, &self->dev, &self->mem, &susp, &seq);
	ASSERT_EQ(0, vccw_read_status(&self->dev, &st));
	EXPECT_EQ(VFIO_CCW_FUNC_START | VFIO_CCW_FUNC_SUSPENDED, st.functions);
	vccw_async_ok(&self->dev, VFIO_CCW_ASYNC_CMD_CSCH);
	EXPECT_EQ(1, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	expect_idle(_metadata, &self->dev, seq + 1);
}

/* A second start while a suspended one holds the subchannel: EBUSY. */
TEST_F(abi, start_while_suspended_ebusy)
{
	struct ccw_orb orb;
	struct ccw1 *susp;
	uint64_t seq;

	start_suspended(_metadata, &self->dev, &self->mem, &susp, &seq);
	prog_nop_chain(&self->mem, 0x2000, 2, &orb);
	EXPECT_ERRNO(EBUSY, vccw_io_write(&self->dev, &orb, SCSW_FCTL_START_FUNC));
	vccw_async_ok(&self->dev, VFIO_CCW_ASYNC_CMD_CSCH);
	EXPECT_EQ(1, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	expect_idle(_metadata, &self->dev, seq + 1);
}

/* CSCH ends a suspended start with exactly one interrupt, fctl clear. */
TEST_F(abi, csch_overtakes_suspended_start)
{
	struct scsw_fields f;
	struct ccw_irb irb;
	struct ccw1 *susp;
	uint64_t seq;

	start_suspended(_metadata, &self->dev, &self->mem, &susp, &seq);
	vccw_async_ok(&self->dev, VFIO_CCW_ASYNC_CMD_CSCH);
	EXPECT_EQ(1, vccw_drain_irqs(&self->dev, QUIET_MS, &irb));
	scsw_decode(&irb.scsw, &f);
	EXPECT_TRUE(f.fctl & SCSW_FCTL_CLEAR_FUNC);
	EXPECT_TRUE(scsw_is_final(&f));
	expect_idle(_metadata, &self->dev, seq + 1);
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* HSCH of a suspended start: one final interrupt, fctl halt. */
TEST_F(abi, hsch_of_suspended_start)
{
	struct scsw_fields f;
	struct ccw_irb irb;
	struct ccw1 *susp;
	uint64_t seq;

	start_suspended(_metadata, &self->dev, &self->mem, &susp, &seq);
	vccw_async_ok(&self->dev, VFIO_CCW_ASYNC_CMD_HSCH);
	EXPECT_EQ(1, vccw_drain_irqs(&self->dev, QUIET_MS, &irb));
	scsw_decode(&irb.scsw, &f);
	EXPECT_TRUE(f.fctl & SCSW_FCTL_HALT_FUNC);
	expect_idle(_metadata, &self->dev, seq + 1);
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* XSCH withdraws a suspended start: no interrupt, idle, pages released. */
TEST_F(abi, xsch_of_suspended_start)
{
	struct ccw1 *susp;
	uint64_t seq;

	ASSERT_TRUE(self->dev.cap.async_cmds & VFIO_CCW_ASYNC_CMD_XSCH);
	start_suspended(_metadata, &self->dev, &self->mem, &susp, &seq);
	vccw_async_ok(&self->dev, VFIO_CCW_ASYNC_CMD_XSCH);
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	expect_idle(_metadata, &self->dev, seq);
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/*
 * RSCH after the guest cleared the suspend flag: the channel refetches the
 * guest's current CCW, the program completes at the guest's address.
 */
TEST_F(abi, rsch_resumes_suspended_start)
{
	struct scsw_fields f;
	struct ccw_irb irb;
	struct ccw1 *susp;
	uint64_t seq;

	ASSERT_TRUE(self->dev.cap.async_cmds & VFIO_CCW_ASYNC_CMD_RSCH);
	start_suspended(_metadata, &self->dev, &self->mem, &susp, &seq);
	susp->flags &= ~CCW_FLAG_SUSPEND;
	vccw_async_ok(&self->dev, VFIO_CCW_ASYNC_CMD_RSCH);
	EXPECT_EQ(1, vccw_drain_irqs(&self->dev, QUIET_MS, &irb));
	EXPECT_IRB_OK(&irb);
	scsw_decode(&irb.scsw, &f);
	EXPECT_EQ(vccw_iova(&self->mem, susp) + 8, f.cpa);
	expect_idle(_metadata, &self->dev, seq + 1);
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* RSCH with the flag still set suspends again; then it can complete. */
TEST_F(abi, rsch_suspends_again)
{
	struct ccw_status_region st;
	struct ccw_irb irb;
	struct ccw1 *susp;
	uint64_t seq;

	ASSERT_TRUE(self->dev.cap.async_cmds & VFIO_CCW_ASYNC_CMD_RSCH);
	start_suspended(_metadata, &self->dev, &self->mem, &susp, &seq);
	vccw_async_ok(&self->dev, VFIO_CCW_ASYNC_CMD_RSCH);
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	ASSERT_EQ(0, vccw_read_status(&self->dev, &st));
	EXPECT_EQ(VFIO_CCW_STATUS_CP_PENDING, st.state);
	EXPECT_TRUE(st.functions & VFIO_CCW_FUNC_START);
	susp->flags &= ~CCW_FLAG_SUSPEND;
	vccw_async_ok(&self->dev, VFIO_CCW_ASYNC_CMD_RSCH);
	EXPECT_EQ(1, vccw_drain_irqs(&self->dev, QUIET_MS, &irb));
	EXPECT_IRB_OK(&irb);
	expect_idle(_metadata, &self->dev, seq + 1);
}

TEST_F(abi, rsch_xsch_when_idle_ebusy)
{
	EXPECT_ERRNO(EBUSY, vccw_async(&self->dev, VFIO_CCW_ASYNC_CMD_RSCH,
				       false));
	EXPECT_ERRNO(EBUSY, vccw_async(&self->dev, VFIO_CCW_ASYNC_CMD_XSCH,
				       false));
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS / 2, NULL));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* The async region takes exactly one known command in an 8-byte write. */
TEST_F(abi, async_bad_writes_einval)
{
	struct ccw_cmd_region r = { .command = VFIO_CCW_ASYNC_CMD_CSCH };
	uint32_t w[4] = { VFIO_CCW_ASYNC_CMD_CSCH, 0, 0, 0 };

	EXPECT_ERRNO(EINVAL, vccw_region_write(&self->dev, VFIO_CCW_REGION_ASYNC,
					       &r, 4, 0));
	EXPECT_ERRNO(EINVAL, vccw_region_write(&self->dev, VFIO_CCW_REGION_ASYNC,
					       &r, 4, 4));
	EXPECT_ERRNO(EINVAL, vccw_region_write(&self->dev, VFIO_CCW_REGION_ASYNC,
					       w, 16, 0));
	EXPECT_ERRNO(EINVAL, vccw_async(&self->dev, 0, false));
	EXPECT_ERRNO(EINVAL, vccw_async(&self->dev, 1u << 7, false));
	EXPECT_ERRNO(EINVAL, vccw_async(&self->dev, 1u << 31, false));
	EXPECT_ERRNO(EINVAL, vccw_async(&self->dev, VFIO_CCW_ASYNC_CMD_HSCH |
					VFIO_CCW_ASYNC_CMD_CSCH, false));
	/* none of them did anything */
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* ---------------------------------------------------------------------- */
/* Overtaking: CSCH hammered while another thread starts programs          */
/* ---------------------------------------------------------------------- */

#define RACE_ITERS	1500
#define RACE_SECONDS	25
#define RACE_CCWS	32

struct race {
	struct vccw_dev *dev;
	struct ccw_orb orb;
	bool accounting;	/* wait for idle after every accepted start */
	atomic_bool stop;
	/* starter */
	atomic_int started, start_busy, start_eagain, start_other;
	atomic_int lost;	/* accepted start never ended */
	int start_err;
	/* clearer */
	atomic_int cleared, clear_busy, clear_eagain, clear_other;
	int clear_err;
};

/* A program whose translation takes a while: SENSE IDs through IDALs. */
static void race_program(struct vccw_mem *m, struct ccw_orb *orb)
{
	struct ccw1 *ccw = (struct ccw1 *)(m->va + 0x1000);
	uint64_t *idal = (uint64_t *)(m->va + 0x2000);
	int i;

	for (i = 0; i < RACE_CCWS; i++) {
		idaw2_set(&idal[i], m->iova + 0x4000 + 0x400 * i);
		ccw_set(&ccw[i], CCW_CMD_SENSE_ID,
			CCW_FLAG_SLI | CCW_FLAG_IDA |
			(i < RACE_CCWS - 1 ? CCW_FLAG_CC : 0), 32,
			vccw_iova(m, &idal[i]));
	}
	orb_init(orb, vccw_iova(m, ccw), 0);
}

static bool wait_idle(struct vccw_dev *dev, uint64_t seq_before)
{
	uint64_t t_end = vccw_now_ns() + 2000000000ull;
	struct ccw_status_region st;

	while (vccw_now_ns() < t_end) {
		if (vccw_read_status(dev, &st))
			return false;
		if (st.state == VFIO_CCW_STATUS_IDLE && !st.functions &&
		    st.irq_seq > seq_before)
			return true;
		usleep(50);
	}
	return false;
}

static void *race_starter(void *arg)
{
	struct race *r = arg;
	struct ccw_status_region st;
	uint64_t seq = 0;
	int i, ret;

	for (i = 0; i < RACE_ITERS && !atomic_load(&r->stop); i++) {
		if (r->accounting && vccw_read_status(r->dev, &st) == 0)
			seq = st.irq_seq;
		ret = vccw_io_write(r->dev, &r->orb, SCSW_FCTL_START_FUNC);
		if (ret == (int)sizeof(struct ccw_io_region)) {
			atomic_fetch_add(&r->started, 1);
			if (r->accounting && !wait_idle(r->dev, seq))
				atomic_fetch_add(&r->lost, 1);
		} else if (ret == -EBUSY) {
			atomic_fetch_add(&r->start_busy, 1);
		} else if (ret == -EAGAIN) {
			atomic_fetch_add(&r->start_eagain, 1);
		} else {
			atomic_fetch_add(&r->start_other, 1);
			r->start_err = ret;
		}
		if (!r->accounting)
			usleep(100);
	}
	atomic_store(&r->stop, true);
	return NULL;
}

static void *race_clearer(void *arg)
{
	struct race *r = arg;
	unsigned int seed = 1;
	int ret;

	while (!atomic_load(&r->stop)) {
		ret = vccw_async(r->dev, VFIO_CCW_ASYNC_CMD_CSCH, false);
		if (!ret) {
			atomic_fetch_add(&r->cleared, 1);
		} else if (ret == -EBUSY) {
			atomic_fetch_add(&r->clear_busy, 1);
		} else if (ret == -EAGAIN) {
			atomic_fetch_add(&r->clear_eagain, 1);
		} else {
			atomic_fetch_add(&r->clear_other, 1);
			r->clear_err = ret;
		}
		usleep(rand_r(&seed) % 400);
	}
	return NULL;
}

static void run_race(struct __test_metadata *_metadata, struct vccw_dev *dev,
		     struct vccw_mem *mem, bool accounting)
{
	pthread_t ts, tc;
	struct race r;
	uint64_t t0;

	memset(&r, 0, sizeof(r));
	r.dev = dev;
	r.accounting = accounting;
	race_program(mem, &r.orb);
	t0 = vccw_now_ns();
	ASSERT_EQ(0, pthread_create(&tc, NULL, race_clearer, &r));
	ASSERT_EQ(0, pthread_create(&ts, NULL, race_starter, &r));
	while (!atomic_load(&r.stop) &&
	       vccw_now_ns() - t0 < RACE_SECONDS * 1000000000ull)
		usleep(10000);
	atomic_store(&r.stop, true);
	pthread_join(ts, NULL);
	pthread_join(tc, NULL);
	TH_LOG("%.1fs: starts ok %d busy %d eagain %d other %d (%d), lost %d",
	       (vccw_now_ns() - t0) / 1e9, r.started, r.start_busy,
	       r.start_eagain, r.start_other, r.start_err, r.lost);
	TH_LOG("csch ok %d busy %d eagain %d other %d (%d)", r.cleared,
	       r.clear_busy, r.clear_eagain, r.clear_other, r.clear_err);
	EXPECT_EQ(0, r.start_eagain);
	EXPECT_EQ(0, r.clear_eagain);
	EXPECT_EQ(0, r.start_other);
	EXPECT_EQ(0, r.clear_other);
	EXPECT_EQ(0, r.lost);
	EXPECT_LT(0, r.started);
	EXPECT_LT(0, r.cleared);
}

/*
 * Starts and CSCHs from two threads: neither is ever refused with EAGAIN
 * (the reference refuses a CSCH written while a start is translated, and
 * a start while a CSCH is written). Needs only the async region.
 */
FIXTURE(overtake) {
	struct vccw_dev dev;
	struct vccw_mem mem;
};

FIXTURE_SETUP(overtake)
{
	vccw_fixture_open(self, MEM_SIZE);
	ASSERT_TRUE(self->dev.region[VFIO_CCW_REGION_ASYNC].present);
}

FIXTURE_TEARDOWN(overtake)
{
	vccw_fixture_close(self);
}

TEST_F_TIMEOUT(overtake, csch_never_eagain, 60)
{
	run_race(_metadata, &self->dev, &self->mem, false);
	vccw_drain_irqs(&self->dev, QUIET_MS, NULL);
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
	EXPECT_EQ(0, vccw_settled_locked_kb(1000));
}

/*
 * Every accepted start ends (the device is idle again with a later
 * interrupt), one eventfd signal per interrupt, nothing left pinned.
 */
TEST_F_TIMEOUT(abi, overtake_every_start_accounted, 60)
{
	struct ccw_status_region st0, st1;
	uint64_t signals = 0, c;

	vccw_drain_irqs(&self->dev, 0, NULL);
	ASSERT_EQ(0, vccw_read_status(&self->dev, &st0));
	run_race(_metadata, &self->dev, &self->mem, true);
	/* let the last interrupt arrive, then count the signals */
	usleep(QUIET_MS * 1000);
	while (!vccw_wait_irq(&self->dev, 0, &c))
		signals += c;
	ASSERT_EQ(0, vccw_read_status(&self->dev, &st1));
	TH_LOG("interrupts %llu, eventfd signals %llu",
	       (unsigned long long)(st1.irq_seq - st0.irq_seq),
	       (unsigned long long)signals);
	EXPECT_EQ(st1.irq_seq - st0.irq_seq, signals);
	EXPECT_EQ(VFIO_CCW_STATUS_IDLE, st1.state);
	EXPECT_EQ(0, st1.functions);
	EXPECT_EQ(0, vccw_settled_locked_kb(1000));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
