// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_iommufd: the device through its vfio cdev bound to iommufd
 * (/dev/vfio/devices/vfioN, /dev/iommu, an IOAS), the back-end QEMU and
 * libvirt move to: pins go through iommufd_access_pin_pages() and unmaps
 * arrive through the access ops, and IOVAs reach up to 2^64.
 *
 * usage: VFIO_CCW_MDEV=<mdev uuid> vfio_ccw_iommufd
 *        (skips when the kernel has no vfio device cdev or iommufd)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"
#include "hostile.h"

/* The last page of the IOVA space: a mapping there ends at 2^64. */
#define TOP_IOVA	0xfffffffffffff000ull
#define PROG_IOVA	0x100000ull

FIXTURE(iommufd) {
	struct vccw_dev dev;
	struct vccw_mem prog;
};

FIXTURE_SETUP(iommufd)
{
	int ret = vccw_open_backend(&self->dev, vccw_env_mdev(),
				    VCCW_BACKEND_IOMMUFD);

	if (ret == -ENOENT)
		SKIP(return, "no vfio device cdev or /dev/iommu in this kernel");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &self->prog, 4096,
				       PROG_IOVA, false));
}

FIXTURE_TEARDOWN(iommufd)
{
	if (self->dev.fd < 0)
		return;
	hostile_quiesce(&self->dev);
	vccw_mem_free(&self->dev, &self->prog);
	vccw_close(&self->dev);
	EXPECT_NO_LOCKED_PAGES();
}

/* The whole start path works through iommufd: SENSE ID stores its data. */
TEST_F(iommufd, sense_id)
{
	EXPECT_SENSE_ID_OK(&self->dev, &self->prog);
}

/*
 * A program whose IDAW designates the last page of the IOVA space (a
 * mapping that ends at 2^64): it runs, its page stays pinned after it
 * ended (the driver's pin cache) or not, and the unmap of that mapping
 * must release it. Range arithmetic that computes an exclusive end wraps
 * to 0 there and finds nothing: iommufd then retries, WARNs and fails the
 * unmap with EDEADLOCK.
 */
TEST_F(iommufd, unmap_at_top_of_iova_space)
{
	struct ccw1 *c = (struct ccw1 *)self->prog.va;
	uint64_t *idal = (uint64_t *)(self->prog.va + 0x100);
	struct sense_id_data *id;
	struct ccw_orb orb;
	struct ccw_irb irb;
	void *top;

	top = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, top);
	memset(top, 0, 4096);
	ASSERT_EQ(0, vccw_dma_map(&self->dev, top, TOP_IOVA, 4096, false));

	ccw_set(&c[0], CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_IDA, 8,
		vccw_iova(&self->prog, idal));
	idaw2_set(&idal[0], TOP_IOVA + 0x800);
	orb_init(&orb, vccw_iova(&self->prog, c), 0);
	vccw_run_ok(&self->dev, &orb, &irb);
	EXPECT_IRB_OK(&irb);
	id = (struct sense_id_data *)((uint8_t *)top + 0x800);
	EXPECT_EQ(0xff, id->ff);
	EXPECT_EQ(0x38, id->cu_type[0]);

	EXPECT_EQ(0, vccw_dma_unmap(&self->dev, TOP_IOVA, 4096));
	/* nothing of it stays pinned: iommufd counts it in VmPin */
	EXPECT_EQ(0, hostile_wait_unpinned(1000));
	munmap(top, 4096);
}

/*
 * One device, one binding: a second BIND_IOMMUFD on the bound fd, and a
 * bind through a second open of the cdev, are refused (EINVAL, the vfio
 * core's answer), and the device keeps working through the first.
 */
TEST_F(iommufd, second_bind_refused)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	int fd2, ictx2;

	bind.iommufd = self->dev.iommufd;
	EXPECT_EQ(-1, ioctl(self->dev.fd, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	EXPECT_EQ(EINVAL, errno);

	ictx2 = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ictx2);
	fd2 = open(self->dev.cdev, O_RDWR | O_CLOEXEC);
	if (fd2 >= 0) {
		bind.iommufd = ictx2;
		EXPECT_EQ(-1, ioctl(fd2, VFIO_DEVICE_BIND_IOMMUFD, &bind));
		EXPECT_EQ(EINVAL, errno);
		close(fd2);
	}
	close(ictx2);
	EXPECT_SENSE_ID_OK(&self->dev, &self->prog);
}

/*
 * VFIO_DEVICE_DETACH_IOMMUFD_PT of the open device: iommufd calls the
 * driver's dma_unmap once, over the whole IOVA space, and then takes the
 * access's unpins away. When the detach returns, nothing of the IOAS may
 * stay pinned (else its later IOAS_UNMAP retries, WARNs and fails with
 * EDEADLOCK); attached again, the device works.
 */
TEST_F(iommufd, detach_releases_pins)
{
	struct vfio_device_detach_iommufd_pt det = { .argsz = sizeof(det) };
	struct vfio_device_attach_iommufd_pt att = {
		.argsz = sizeof(att),
		.pt_id = self->dev.ioas_id,
	};

	EXPECT_SENSE_ID_OK(&self->dev, &self->prog);
	ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &det));
	EXPECT_EQ(0, vccw_pinned_kb());
	EXPECT_EQ(0, vccw_dma_unmap(&self->dev, PROG_IOVA, 4096));
	ASSERT_EQ(0, vccw_dma_map(&self->dev, self->prog.va, PROG_IOVA, 4096,
				  false));
	ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &att));
	EXPECT_SENSE_ID_OK(&self->dev, &self->prog);
}

/*
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT to a second IOAS while attached (a
 * replace): the same single dma_unmap; the old IOAS keeps no pin of ours
 * and unmaps at once; the device runs in the new one.
 */
TEST_F(iommufd, replace_ioas_releases_pins)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct vfio_device_attach_iommufd_pt att = { .argsz = sizeof(att) };
	struct iommu_destroy destroy = { .size = sizeof(destroy) };
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.user_va = (uintptr_t)self->prog.va,
		.length = 4096,
		.iova = PROG_IOVA,
	};
	uint32_t old_ioas = self->dev.ioas_id;

	ASSERT_EQ(0, ioctl(self->dev.iommufd, IOMMU_IOAS_ALLOC, &alloc));
	map.ioas_id = alloc.out_ioas_id;
	ASSERT_EQ(0, ioctl(self->dev.iommufd, IOMMU_IOAS_MAP, &map));

	EXPECT_SENSE_ID_OK(&self->dev, &self->prog);
	att.pt_id = alloc.out_ioas_id;
	ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &att));
	EXPECT_EQ(0, vccw_pinned_kb());
	/* the old IOAS: unmapped at once, then destroyed */
	EXPECT_EQ(0, vccw_dma_unmap(&self->dev, PROG_IOVA, 4096));
	self->dev.ioas_id = alloc.out_ioas_id;
	destroy.id = old_ioas;
	EXPECT_EQ(0, ioctl(self->dev.iommufd, IOMMU_DESTROY, &destroy));
	EXPECT_SENSE_ID_OK(&self->dev, &self->prog);
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
