// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_basic: the device-level basics every vfio-ccw driver must get
 * right: device/region/IRQ info, IRQ wiring, ioctl errors, a SENSE ID round
 * trip and VFIO_DEVICE_RESET.
 *
 * usage: VFIO_CCW_MDEV=<mdev uuid> vfio_ccw_basic
 */
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"

#define MEM_SIZE (64 * 1024)

FIXTURE(basic) {
	struct vccw_dev dev;
	struct vccw_mem mem;
	int fds_before;
};

FIXTURE_SETUP(basic)
{
	self->fds_before = vccw_count_fds();
	vccw_fixture_open(self, MEM_SIZE);
}

FIXTURE_TEARDOWN(basic)
{
	vccw_fixture_close(self);
	EXPECT_EQ(self->fds_before, vccw_count_fds());
}

TEST_F(basic, get_info_flags)
{
	struct vfio_device_info info = { 0 };

	ASSERT_EQ(0, vccw_get_info(&self->dev, &info, sizeof(info)));
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_CCW);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_LE(1, info.num_regions);
	EXPECT_LE(1, info.num_irqs);
	EXPECT_LE(sizeof(info), info.argsz);
}

/* Old QEMUs pass argsz 16: they get 16 correct bytes and nothing more. */
TEST_F(basic, get_info_argsz_16)
{
	uint8_t buf[256];
	struct vfio_device_info *info = (void *)buf;
	struct vfio_device_info full = { 0 };
	size_t i;

	ASSERT_EQ(0, vccw_get_info(&self->dev, &full, sizeof(full)));
	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, vccw_get_info(&self->dev, buf, 16));
	/*
	 * Upstream's answer, byte for byte: a caller whose structure ends
	 * before cap_offset is not told of capabilities it cannot see.
	 */
	EXPECT_EQ(16, info->argsz);
	EXPECT_EQ(full.flags & ~VFIO_DEVICE_FLAGS_CAPS, info->flags);
	EXPECT_EQ(0, info->flags & VFIO_DEVICE_FLAGS_CAPS);
	EXPECT_EQ(full.num_regions, info->num_regions);
	EXPECT_EQ(full.num_irqs, info->num_irqs);
	for (i = 16; i < sizeof(buf); i++) {
		if (buf[i] != 0xa5) {
			TH_LOG("byte %zu written beyond argsz 16", i);
			EXPECT_EQ(0xa5, buf[i]);
			break;
		}
	}
}

TEST_F(basic, get_info_argsz_too_small)
{
	uint8_t buf[64];

	memset(buf, 0, sizeof(buf));
	EXPECT_ERRNO(EINVAL, vccw_get_info(&self->dev, buf, 12));
}

TEST_F(basic, region0_info)
{
	struct vccw_region r;
	struct vfio_device_info info = { 0 };

	ASSERT_EQ(0, vccw_get_region_info(&self->dev, 0, &r));
	EXPECT_EQ(sizeof(struct ccw_io_region), r.size);
	EXPECT_EQ(124, r.size);
	EXPECT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
		  r.flags & (VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE |
			     VFIO_REGION_INFO_FLAG_MMAP));
	ASSERT_EQ(0, vccw_get_info(&self->dev, &info, sizeof(info)));
	EXPECT_ERRNO(EINVAL, vccw_get_region_info(&self->dev, info.num_regions,
						  &r));
	EXPECT_ERRNO(EINVAL, vccw_get_region_info(&self->dev, 0x7fffffff, &r));
}

TEST_F(basic, irq0_info)
{
	struct vfio_irq_info ii;
	struct vfio_device_info info = { 0 };

	ASSERT_EQ(0, vccw_get_irq_info(&self->dev, 0, &ii));
	EXPECT_EQ(1, ii.count);
	EXPECT_TRUE(ii.flags & VFIO_IRQ_INFO_EVENTFD);
	ASSERT_EQ(0, vccw_get_info(&self->dev, &info, sizeof(info)));
	EXPECT_ERRNO(EINVAL, vccw_get_irq_info(&self->dev, info.num_irqs, &ii));
}

TEST_F(basic, set_irqs_eventfd_assign_deassign)
{
	struct ccw_irb irb;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, vccw_set_irq_eventfd(&self->dev, 0, efd));
	ASSERT_EQ(0, vccw_set_irq_eventfd(&self->dev, 0, -1));
	ASSERT_EQ(0, vccw_set_irq_eventfd(&self->dev, 0, -1));
	close(efd);
	/* reconnect the library's eventfd: I/O still signals it */
	ASSERT_EQ(0, vccw_set_irq_eventfd(&self->dev, 0, self->dev.io_efd));
	ASSERT_EQ(0, vccw_sense_id(&self->dev, &self->mem, &irb, NULL));
	EXPECT_IRB_OK(&irb);
}

static int set_irqs_raw(struct vccw_dev *dev, uint32_t flags, uint32_t index,
			uint32_t start, uint32_t count, int32_t fd)
{
	struct {
		struct vfio_irq_set set;
		int32_t fd[2];
	} s = {
		.set.argsz = sizeof(s),
		.set.flags = flags,
		.set.index = index,
		.set.start = start,
		.set.count = count,
		.fd = { fd, fd },
	};

	return ioctl(dev->fd, VFIO_DEVICE_SET_IRQS, &s) ? -errno : 0;
}

TEST_F(basic, set_irqs_bad_args)
{
	const uint32_t ev = VFIO_IRQ_SET_DATA_EVENTFD |
			    VFIO_IRQ_SET_ACTION_TRIGGER;
	struct vfio_device_info info = { 0 };

	ASSERT_EQ(0, vccw_get_info(&self->dev, &info, sizeof(info)));
	/* unknown index */
	EXPECT_ERRNO(EINVAL, set_irqs_raw(&self->dev, ev, info.num_irqs, 0, 1,
					  -1));
	/* count beyond the IRQ's single vector */
	EXPECT_ERRNO(EINVAL, set_irqs_raw(&self->dev, ev, 0, 0, 2, -1));
	EXPECT_ERRNO(EINVAL, set_irqs_raw(&self->dev, ev, 0, 1, 1, -1));
	/* two data types at once */
	EXPECT_ERRNO(EINVAL, set_irqs_raw(&self->dev,
					  ev | VFIO_IRQ_SET_DATA_BOOL, 0, 0, 1,
					  -1));
	/* a negative fd other than -1 */
	EXPECT_ERRNO(EINVAL, set_irqs_raw(&self->dev, ev, 0, 0, 1, -5));
	/* unmask is not an action vfio-ccw offers */
	EXPECT_ERRNO(EINVAL, set_irqs_raw(&self->dev,
					  VFIO_IRQ_SET_DATA_NONE |
					  VFIO_IRQ_SET_ACTION_UNMASK, 0, 0, 1,
					  -1));
}

TEST_F(basic, unknown_ioctl)
{
	uint8_t buf[64] = { 0 };

	EXPECT_EQ(-1, ioctl(self->dev.fd, _IO(VFIO_TYPE, VFIO_BASE + 90), buf));
	EXPECT_EQ(ENOTTY, errno);
	/* an ioctl of another vfio device type, e.g. PCI hot reset info */
	EXPECT_EQ(-1, ioctl(self->dev.fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
			    buf));
	EXPECT_EQ(ENOTTY, errno);
}

/* The I/O region is readable at once, before any I/O. */
TEST_F(basic, io_region_read_idle)
{
	struct ccw_io_region io;

	EXPECT_EQ((int)sizeof(io), vccw_region_read(&self->dev, 0, &io,
						    sizeof(io), 0));
}

FIXTURE(sense_id) {
	struct vccw_dev dev;
	struct vccw_mem mem;
};

FIXTURE_SETUP(sense_id)
{
	vccw_fixture_open(self, MEM_SIZE);
}

FIXTURE_TEARDOWN(sense_id)
{
	vccw_fixture_close(self);
}

FIXTURE_VARIANT(sense_id) {
	uint16_t count;
};

FIXTURE_VARIANT_ADD(sense_id, count7) { .count = 7 };
FIXTURE_VARIANT_ADD(sense_id, count8) { .count = 8 };
FIXTURE_VARIANT_ADD(sense_id, count256) { .count = 256 };

/* SENSE ID with SLI: data FF 3832 xx, CE+DE, the guest's CCW address + 8. */
TEST_F(sense_id, round_trip)
{
	struct ccw1 *ccw = (struct ccw1 *)(self->mem.va + 0x100);
	uint8_t *data = self->mem.va + 0x1000;
	struct scsw_fields f;
	struct ccw_orb orb;
	struct ccw_irb irb;

	memset(data, 0x55, 512);
	ccw_set(ccw, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, variant->count,
		vccw_iova(&self->mem, data));
	orb_init(&orb, vccw_iova(&self->mem, ccw), 0);
	vccw_run_ok(&self->dev, &orb, &irb);
	scsw_decode(&irb.scsw, &f);
	EXPECT_IRB_OK(&irb);
	EXPECT_EQ(SCSW_FCTL_START_FUNC, f.fctl);
	EXPECT_TRUE(f.stctl & SCSW_STCTL_PRIM_STATUS);
	EXPECT_EQ(0, f.cc);
	EXPECT_EQ(vccw_iova(&self->mem, ccw) + 8, f.cpa);
	EXPECT_EQ(0xff, data[0]);
	EXPECT_EQ(0x38, data[1]);
	EXPECT_EQ(0x32, data[2]);
	/* nothing written beyond the count */
	EXPECT_EQ(0x55, data[variant->count]);
	TH_LOG_IRB("sense id", &irb);
}

TEST_F(basic, sense_id_repeated)
{
	int i;

	for (i = 0; i < 50; i++)
		EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

TEST_F(basic, reset_keeps_device_usable)
{
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
	ASSERT_EQ(0, vccw_reset(&self->dev));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
	ASSERT_EQ(0, vccw_reset(&self->dev));
	ASSERT_EQ(0, vccw_reset(&self->dev));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* Closing and reopening gives a working device again. */
TEST_F(basic, reopen)
{
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
	vccw_mem_free(&self->dev, &self->mem);
	vccw_close(&self->dev);
	vccw_fixture_open(self, MEM_SIZE);
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* The mdev's parent is the subchannel VFIO_CCW_SCHIDS names for it. */
TEST_F(basic, parent_subchannel)
{
	char mdevs[8][64], schids[8][64];
	int n;

	n = vccw_env_mdevs(mdevs, 8);
	if (vccw_env_schids(schids, 8) < 1 || n < 1 ||
	    strcmp(mdevs[0], self->dev.uuid))
		SKIP(return, "VFIO_CCW_SCHIDS not set for this device");
	EXPECT_STREQ(schids[0], self->dev.schid);
}

/* Every device of VFIO_CCW_MDEVS works, at the same time. */
TEST_F(basic, all_devices)
{
	char list[8][64];
	struct vccw_dev other;
	struct vccw_mem m;
	int n, i;

	n = vccw_env_mdevs(list, 8);
	if (n < 2)
		SKIP(return, "VFIO_CCW_MDEVS names fewer than 2 devices");
	for (i = 1; i < n; i++) {
		vccw_open_ok(&other, list[i]);
		ASSERT_EQ(0, vccw_mem_alloc(&other, &m, MEM_SIZE));
		EXPECT_SENSE_ID_OK(&other, &m);
		EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
		vccw_mem_free(&other, &m);
		vccw_close(&other);
	}
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
