// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_legacy: exactly what an old QEMU (before the async, schib and
 * crw regions) does with a vfio-ccw device, which must keep working
 * unchanged: GET_INFO with argsz 16, region 0 and IRQ 0 only, whole-region
 * writes of the I/O region retried on EAGAIN, a 124-byte read after the
 * eventfd, VFIO_DEVICE_RESET on system reset.
 *
 * usage: VFIO_CCW_MDEV=<mdev uuid> vfio_ccw_legacy
 */
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"

#define MEM_SIZE (64 * 1024)

FIXTURE(legacy) {
	struct vccw_dev dev;
	struct vccw_mem mem;
};

/* Open as old QEMU: no negotiation, 16-byte GET_INFO, IRQ 0 only. */
FIXTURE_SETUP(legacy)
{
	struct vfio_region_info ri = {
		.argsz = sizeof(struct vfio_region_info),
		.index = VFIO_CCW_CONFIG_REGION_INDEX,
	};
	struct vfio_irq_info ii = {
		.argsz = sizeof(ii),
		.index = VFIO_CCW_IO_IRQ_INDEX,
	};
	struct {
		uint32_t argsz, flags, num_regions, num_irqs;
	} info = { .argsz = 16 };

	ASSERT_EQ(0, vccw_open_noneg(&self->dev, vccw_env_mdev()));
	ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_GET_INFO, &info));
	ASSERT_TRUE(info.flags & VFIO_DEVICE_FLAGS_CCW);
	ASSERT_LE(1, info.num_regions);
	ASSERT_LE(1, info.num_irqs);

	ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_GET_REGION_INFO, &ri));
	ASSERT_EQ(sizeof(struct ccw_io_region), ri.size);
	ASSERT_TRUE(ri.flags & VFIO_REGION_INFO_FLAG_READ);
	ASSERT_TRUE(ri.flags & VFIO_REGION_INFO_FLAG_WRITE);
	self->dev.region[VFIO_CCW_REGION_IO].offset = ri.offset;

	ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_GET_IRQ_INFO, &ii));
	ASSERT_EQ(1, ii.count);
	ASSERT_TRUE(ii.flags & VFIO_IRQ_INFO_EVENTFD);

	self->dev.io_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->dev.io_efd);
	ASSERT_EQ(0, vccw_set_irq_eventfd(&self->dev, VFIO_CCW_IO_IRQ_INDEX,
					  self->dev.io_efd));
	vccw_mem_alloc_ok(&self->dev, &self->mem, MEM_SIZE);
}

FIXTURE_TEARDOWN(legacy)
{
	vccw_mem_free(&self->dev, &self->mem);
	vccw_close(&self->dev);
	EXPECT_NO_LOCKED_PAGES();
}

/*
 * QEMU's SSCH: the whole region (zeroed, ORB + the guest's SCSW) written
 * until it does not fail with EAGAIN; the write's result is the condition
 * code; after the eventfd the whole region is read.
 */
static int legacy_ssch(struct vccw_dev *dev, const struct ccw_orb *orb,
		       struct ccw_irb *irb)
{
	struct ccw_io_region io;
	ssize_t n;

	memset(&io, 0, sizeof(io));
	memcpy(io.orb_area, orb, sizeof(*orb));
	scsw_make((struct ccw_scsw *)io.scsw_area, SCSW_FCTL_START_FUNC);
	do {
		n = pwrite(dev->fd, &io, sizeof(io),
			   dev->region[VFIO_CCW_REGION_IO].offset);
	} while (n < 0 && errno == EAGAIN);
	if (n < 0)
		return -errno;
	if (n != sizeof(io))
		return -EIO;
	if (vccw_wait_irq(dev, VCCW_TIMEOUT_MS, NULL))
		return -ETIMEDOUT;
	n = pread(dev->fd, &io, sizeof(io),
		  dev->region[VFIO_CCW_REGION_IO].offset);
	if (n != sizeof(io))
		return -EIO;
	memcpy(irb, io.irb_area, sizeof(*irb));
	return 0;
}

TEST_F(legacy, sense_id)
{
	struct ccw1 *ccw = (struct ccw1 *)self->mem.va;
	struct ccw_orb orb;
	struct ccw_irb irb;
	struct scsw_fields f;

	ccw_set(ccw, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32,
		vccw_iova(&self->mem, self->mem.va + 0x1000));
	orb_init(&orb, vccw_iova(&self->mem, ccw), 0);
	ASSERT_EQ(0, legacy_ssch(&self->dev, &orb, &irb));
	EXPECT_IRB_OK(&irb);
	scsw_decode(&irb.scsw, &f);
	EXPECT_EQ(vccw_iova(&self->mem, ccw) + 8, f.cpa);
	EXPECT_EQ(0xff, self->mem.va[0x1000]);
	EXPECT_EQ(0x38, self->mem.va[0x1001]);
	EXPECT_EQ(0x32, self->mem.va[0x1002]);
}

TEST_F(legacy, nop_chains_and_sense_ids)
{
	struct ccw_orb orb;
	struct ccw_irb irb;
	int i;

	for (i = 0; i < 40; i++) {
		if (i & 1) {
			prog_nop_chain(&self->mem, 0x2000, 1 + i, &orb);
		} else {
			ccw_set((struct ccw1 *)self->mem.va, CCW_CMD_SENSE_ID,
				CCW_FLAG_SLI, 32, (uint32_t)self->mem.iova + 0x1000);
			orb_init(&orb, (uint32_t)self->mem.iova, 0);
		}
		ASSERT_EQ(0, legacy_ssch(&self->dev, &orb, &irb));
		EXPECT_IRB_OK(&irb);
	}
}

/* System reset between programs, as QEMU does on a guest reboot. */
TEST_F(legacy, reset_between_programs)
{
	struct ccw_orb orb;
	struct ccw_irb irb;
	int i;

	prog_nop_chain(&self->mem, 0x2000, 4, &orb);
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, legacy_ssch(&self->dev, &orb, &irb));
		EXPECT_IRB_OK(&irb);
		ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_RESET));
	}
}

/*
 * A program in unmapped memory, then a good one: the device stays usable.
 * The first one ends as the channel ends it natively, with a channel-program
 * check at its address + 8 (the in-tree driver refuses the write instead).
 */
TEST_F(legacy, error_then_usable)
{
	uint32_t hole = (uint32_t)(self->mem.iova + MEM_SIZE + 0x100);
	struct scsw_fields f;
	struct ccw_orb orb;
	struct ccw_irb irb;
	int ret;

	orb_init(&orb, hole, 0);
	ret = legacy_ssch(&self->dev, &orb, &irb);
	ASSERT_EQ(0, ret);
	scsw_decode(&irb.scsw, &f);
	EXPECT_EQ(SCHN_STAT_PROG_CHECK, f.cstat);
	EXPECT_EQ(hole + 8, f.cpa);
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, 100, NULL));
	prog_nop_chain(&self->mem, 0x2000, 2, &orb);
	ASSERT_EQ(0, legacy_ssch(&self->dev, &orb, &irb));
	EXPECT_IRB_OK(&irb);
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
