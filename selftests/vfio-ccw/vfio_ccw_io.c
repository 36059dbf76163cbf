// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_io: semantics of the I/O region (region 0): what a write must
 * cover, which functions it performs, its errors.
 *
 * usage: VFIO_CCW_MDEV=<mdev uuid> vfio_ccw_io
 */
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"

#define MEM_SIZE (64 * 1024)
#define QUIET_MS 200

FIXTURE(io) {
	struct vccw_dev dev;
	struct vccw_mem mem;
	struct ccw1 *sid_ccw;
	struct ccw_orb sid_orb;		/* a SENSE ID program */
};

FIXTURE_SETUP(io)
{
	vccw_fixture_open(self, MEM_SIZE);
	self->sid_ccw = (struct ccw1 *)(self->mem.va + 0x100);
	ccw_set(self->sid_ccw, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 8,
		(uint32_t)self->mem.iova + 0x1000);
	orb_init(&self->sid_orb, vccw_iova(&self->mem, self->sid_ccw), 0);
}

FIXTURE_TEARDOWN(io)
{
	vccw_fixture_close(self);
}

/* The region as QEMU writes it for a START of the SENSE ID program. */
static void sid_region(const struct ccw_orb *orb, struct ccw_io_region *io)
{
	memset(io, 0, sizeof(*io));
	memcpy(io->orb_area, orb, sizeof(*orb));
	scsw_make((struct ccw_scsw *)io->scsw_area, SCSW_FCTL_START_FUNC);
}

/* Clean up a suspended start: CSCH through the async region, if any. */
static int clear_suspended(struct vccw_dev *dev)
{
	int ret = vccw_async(dev, VFIO_CCW_ASYNC_CMD_CSCH, true);

	if (ret)
		return ret;
	return vccw_drain_irqs(dev, QUIET_MS, NULL) >= 1 ? 0 : -ETIMEDOUT;
}

TEST_F(io, whole_write_returns_size)
{
	struct ccw_io_region io;
	struct ccw_irb irb;

	sid_region(&self->sid_orb, &io);
	EXPECT_EQ((int)sizeof(io), vccw_region_write(&self->dev, 0, &io,
						     sizeof(io), 0));
	vccw_wait_irq_ok(&self->dev);
	vccw_read_irb_ok(&self->dev, &irb);
	EXPECT_IRB_OK(&irb);
	/* ret_code of a successful write reads back as 0 */
	ASSERT_EQ((int)sizeof(io), vccw_region_read(&self->dev, 0, &io,
						    sizeof(io), 0));
	EXPECT_EQ(0, io.ret_code);
	/* the IRB is not consumed by reading it */
	vccw_read_irb_ok(&self->dev, &irb);
	EXPECT_IRB_OK(&irb);
}

/* A short write fails and runs nothing (the reference runs it). */
TEST_F(io, partial_write_einval)
{
	struct ccw_io_region io;

	sid_region(&self->sid_orb, &io);
	EXPECT_ERRNO(EINVAL, vccw_region_write(&self->dev, 0, &io, 100, 0));
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* A write at an offset fails and runs nothing, even with a valid region. */
TEST_F(io, offset_write_einval)
{
	struct ccw_io_region io;
	struct ccw_irb irb;

	/* leave a valid SENSE ID in the region, then poke its SCSW alone */
	sid_region(&self->sid_orb, &io);
	ASSERT_EQ((int)sizeof(io), vccw_region_write(&self->dev, 0, &io,
						     sizeof(io), 0));
	vccw_wait_irq_ok(&self->dev);
	vccw_read_irb_ok(&self->dev, &irb);
	EXPECT_ERRNO(EINVAL, vccw_region_write(&self->dev, 0, io.scsw_area,
					       SCSW_AREA_SIZE, ORB_AREA_SIZE));
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* Beyond the end of the region: EINVAL on every driver. */
TEST_F(io, write_beyond_end_einval)
{
	uint8_t buf[256] = { 0 };

	EXPECT_ERRNO(EINVAL, vccw_region_write(&self->dev, 0, buf, 125, 0));
	EXPECT_ERRNO(EINVAL, vccw_region_write(&self->dev, 0, buf, 8, 120));
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS / 2, NULL));
}

/*
 * The region index is the whole of the offset's upper bits: an offset
 * 2^44 bytes above the I/O region (2^32 regions or more) is no region, for
 * a write (which must run nothing) as for a read.
 */
TEST_F(io, write_far_beyond_the_regions_einval)
{
	uint64_t far = self->dev.region[VFIO_CCW_REGION_IO].offset +
		       (1ULL << 44);
	struct ccw_io_region io;

	sid_region(&self->sid_orb, &io);
	EXPECT_EQ(-1, pwrite(self->dev.fd, &io, sizeof(io), far));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pread(self->dev.fd, &io, sizeof(io), far));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
}

TEST_F(io, read_partial_and_beyond)
{
	uint8_t buf[256];

	EXPECT_EQ(IRB_AREA_SIZE, vccw_region_read(&self->dev, 0, buf,
						  IRB_AREA_SIZE, 24));
	EXPECT_ERRNO(EINVAL, vccw_region_read(&self->dev, 0, buf, 8, 120));
}

TEST_F(io, bad_user_buffer_efault)
{
	EXPECT_ERRNO(EFAULT, vccw_region_write(&self->dev, 0, (void *)8,
					       sizeof(struct ccw_io_region),
					       0));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* No function bit: EINVAL (the reference returns success, does nothing). */
TEST_F(io, no_function_einval)
{
	EXPECT_ERRNO(EINVAL, vccw_io_write(&self->dev, &self->sid_orb, 0));
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

TEST_F(io, transport_mode_eopnotsupp)
{
	struct ccw_io_region io;
	struct ccw_orb orb = self->sid_orb;

	orb.ctrl = htobe32(be32toh(orb.ctrl) | ORB_TM);
	EXPECT_ERRNO(EOPNOTSUPP, vccw_io_write(&self->dev, &orb,
					       SCSW_FCTL_START_FUNC));
	ASSERT_EQ((int)sizeof(io), vccw_region_read(&self->dev, 0, &io,
						    sizeof(io), 0));
	EXPECT_EQ(-EOPNOTSUPP, (int)io.ret_code);
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS / 2, NULL));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* A start while a suspended program holds the subchannel: EBUSY. */
TEST_F(io, second_start_while_suspended_ebusy)
{
	struct ccw_orb orb;

	prog_suspend(&self->mem, 0x400, &orb);
	vccw_start_ok(&self->dev, &orb);
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	/* the suspended program keeps its pages pinned */
	EXPECT_LT(0, vccw_pinned_kb());
	EXPECT_ERRNO(EBUSY, vccw_io_write(&self->dev, &self->sid_orb,
					  SCSW_FCTL_START_FUNC));
	EXPECT_ERRNO(EBUSY, vccw_start(&self->dev, &self->sid_orb));
	ASSERT_EQ(0, clear_suspended(&self->dev));
	EXPECT_EQ(0, vccw_settled_locked_kb(1000));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

FIXTURE(io_hc) {
	struct vccw_dev dev;
	struct vccw_mem mem;
};

FIXTURE_SETUP(io_hc)
{
	vccw_fixture_open(self, MEM_SIZE);
}

FIXTURE_TEARDOWN(io_hc)
{
	vccw_fixture_close(self);
}

FIXTURE_VARIANT(io_hc) {
	unsigned int fctl;
};

FIXTURE_VARIANT_ADD(io_hc, halt) { .fctl = SCSW_FCTL_HALT_FUNC };
FIXTURE_VARIANT_ADD(io_hc, clear) { .fctl = SCSW_FCTL_CLEAR_FUNC };

/*
 * Halt or clear written to the I/O region end a suspended program with one
 * interrupt showing that function (the reference refuses with EBUSY).
 */
TEST_F(io_hc, of_suspended_start)
{
	struct ccw_orb orb;
	struct ccw_irb irb;
	struct scsw_fields f;
	int ret, n;

	prog_suspend(&self->mem, 0x400, &orb);
	vccw_start_ok(&self->dev, &orb);
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	ret = vccw_io_write(&self->dev, NULL, variant->fctl);
	EXPECT_EQ((int)sizeof(struct ccw_io_region), ret);
	if (ret < 0) {
		ASSERT_EQ(0, clear_suspended(&self->dev));
		return;
	}
	n = vccw_drain_irqs(&self->dev, QUIET_MS, &irb);
	EXPECT_EQ(1, n);
	scsw_decode(&irb.scsw, &f);
	EXPECT_TRUE(f.fctl & variant->fctl);
	EXPECT_TRUE(scsw_is_final(&f));
	TH_LOG_IRB("final", &irb);
	EXPECT_EQ(0, vccw_settled_locked_kb(1000));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* ... and on an idle subchannel they succeed with one interrupt too. */
TEST_F(io_hc, of_idle_subchannel)
{
	struct ccw_irb irb;
	struct scsw_fields f;
	int ret;

	ret = vccw_io_write(&self->dev, NULL, variant->fctl);
	EXPECT_EQ((int)sizeof(struct ccw_io_region), ret);
	if (ret < 0)
		return;
	EXPECT_EQ(1, vccw_drain_irqs(&self->dev, QUIET_MS, &irb));
	scsw_decode(&irb.scsw, &f);
	EXPECT_TRUE(f.fctl & variant->fctl);
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
