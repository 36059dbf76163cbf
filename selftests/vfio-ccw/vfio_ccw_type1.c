// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_type1: two devices in one vfio type1 container, an unmap of
 * pinned memory racing the open and close of the other device.
 *
 * Linux 6.12's vfio type1 takes its locks in two orders: an unmap calls
 * the drivers' dma_unmap with device_list_lock held, and a driver that
 * unpins there takes iommu->lock; the open of another device of the
 * container (vfio_iommu_type1_register_device()) takes iommu->lock, then
 * device_list_lock. The two deadlock for good. Every mdev driver that
 * unpins in dma_unmap hits it (the in-tree vfio_ccw too); lockdep reports
 * it at the first unmap of pinned pages.
 *
 * The harness runs this test only on its debug kernel, which carries a
 * fix of type1's lock order (scripts/kconfig/patches/debug/); on a kernel
 * without it the test is expected to hang, and it skips unless
 * VFIO_CCW_TYPE1_LOCK_ORDER_FIXED=1 says the fix is there.
 *
 * usage: VFIO_CCW_MDEVS=<uuid>,<uuid> VFIO_CCW_TYPE1_LOCK_ORDER_FIXED=1
 *        vfio_ccw_type1
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"
#include "hostile.h"

#define RACE_S		6	/* how long the threads race */
#define STALL_S		10	/* no progress for this long: a deadlock */
#define MEM_IOVA	0x100000ull

/**
 * struct race - what the three threads share
 * @container: the type1 container of both devices
 * @group2: the group of the second device
 * @uuid2: the second device
 * @dev: the first device (I/O)
 * @mem: memory the first device's programs pin, unmapped and mapped again
 * @stop: end of the race
 * @opens: opens and closes of the second device
 * @ios: SENSE IDs on the first device
 * @unmaps: unmaps and maps of @mem
 * @bad: an unexpected error
 */
struct race {
	int container, group2;
	char uuid2[64];
	struct vccw_dev *dev;
	struct vccw_mem *mem;
	atomic_bool stop;
	atomic_ulong opens, ios, unmaps, bad;
};

static int group_of(const char *uuid)
{
	char path[256], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/iommu_group",
		 uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = 0;
	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(link));
	return open(path, O_RDWR | O_CLOEXEC);
}

static void *open_main(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		int fd = ioctl(r->group2, VFIO_GROUP_GET_DEVICE_FD, r->uuid2);

		if (fd < 0) {
			atomic_fetch_add(&r->bad, 1);
			break;
		}
		close(fd);
		atomic_fetch_add(&r->opens, 1);
	}
	return NULL;
}

static void *io_main(void *arg)
{
	struct race *r = arg;
	struct sense_id_data id;
	struct ccw_irb irb;
	int ret;

	while (!atomic_load(&r->stop)) {
		ret = vccw_sense_id(r->dev, r->mem, &irb, &id);
		/* EFAULT: the memory is being unmapped */
		if (ret && ret != -EFAULT) {
			atomic_fetch_add(&r->bad, 1);
			break;
		}
		atomic_fetch_add(&r->ios, 1);
	}
	return NULL;
}

static void *unmap_main(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		if (vccw_dma_unmap(r->dev, r->mem->iova, r->mem->size) ||
		    vccw_dma_map(r->dev, r->mem->va, r->mem->iova, r->mem->size,
				 false)) {
			atomic_fetch_add(&r->bad, 1);
			break;
		}
		atomic_fetch_add(&r->unmaps, 1);
	}
	return NULL;
}

/*
 * The race: no thread may stall; when it ends, both devices still work
 * and nothing stays pinned.
 */
TEST(unmap_races_open_of_another_device)
{
	const char *fixed = getenv("VFIO_CCW_TYPE1_LOCK_ORDER_FIXED");
	char uuids[2][64];
	struct race r = { .container = -1, .group2 = -1 };
	struct vccw_dev dev;
	struct vccw_mem mem;
	unsigned long last = 0, now;
	pthread_t t[3];
	int i, stalled = 0, group1;

	if (!fixed || strcmp(fixed, "1"))
		SKIP(return, "needs type1's lock-order fix (VFIO_CCW_TYPE1_LOCK_ORDER_FIXED=1)");
	if (vccw_env_mdevs(uuids, 2) < 2)
		SKIP(return, "needs two devices (VFIO_CCW_MDEVS)");

	/* device 1 with its own container; device 2's group joins it */
	ASSERT_EQ(0, vccw_open_backend(&dev, uuids[0], VCCW_BACKEND_GROUP));
	group1 = dev.group;
	ASSERT_LE(0, group1);
	r.group2 = group_of(uuids[1]);
	ASSERT_LE(0, r.group2);
	ASSERT_EQ(0, ioctl(r.group2, VFIO_GROUP_SET_CONTAINER, &dev.container));
	snprintf(r.uuid2, sizeof(r.uuid2), "%s", uuids[1]);
	ASSERT_EQ(0, vccw_mem_alloc_at(&dev, &mem, 4096, MEM_IOVA, false));
	r.dev = &dev;
	r.mem = &mem;
	r.container = dev.container;

	ASSERT_EQ(0, pthread_create(&t[0], NULL, open_main, &r));
	ASSERT_EQ(0, pthread_create(&t[1], NULL, io_main, &r));
	ASSERT_EQ(0, pthread_create(&t[2], NULL, unmap_main, &r));
	for (i = 0; i < RACE_S * 10 + STALL_S * 10; i++) {
		usleep(100000);
		now = atomic_load(&r.opens) + atomic_load(&r.ios) +
		      atomic_load(&r.unmaps);
		stalled = now == last ? stalled + 1 : 0;
		last = now;
		if (stalled >= STALL_S * 10 || i >= RACE_S * 10)
			break;
	}
	if (stalled >= STALL_S * 10) {
		TH_LOG("no progress for %d s (deadlock): opens %lu, I/Os %lu, unmaps %lu",
		       STALL_S, atomic_load(&r.opens), atomic_load(&r.ios),
		       atomic_load(&r.unmaps));
		/* the threads are stuck in the kernel: leave them */
		ASSERT_LT(stalled, STALL_S * 10);
	}
	atomic_store(&r.stop, true);
	for (i = 0; i < 3; i++) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += STALL_S;
		if (pthread_timedjoin_np(t[i], NULL, &ts)) {
			TH_LOG("thread %d stuck in the kernel (deadlock)", i);
			TH_LOG("opens %lu, I/Os %lu, unmaps %lu",
			       atomic_load(&r.opens), atomic_load(&r.ios),
			       atomic_load(&r.unmaps));
			/* it cannot be joined: leave everything as it is */
			ASSERT_EQ(0, i + 1);
		}
	}
	TH_LOG("opens %lu, I/Os %lu, unmaps %lu", atomic_load(&r.opens),
	       atomic_load(&r.ios), atomic_load(&r.unmaps));
	EXPECT_EQ(0, atomic_load(&r.bad));
	EXPECT_LT(0, atomic_load(&r.opens));
	EXPECT_LT(0, atomic_load(&r.unmaps));
	EXPECT_SENSE_ID_OK(&dev, &mem);
	printf("# figures: type1.race opens=%lu ios=%lu unmaps=%lu\n",
	       atomic_load(&r.opens), atomic_load(&r.ios),
	       atomic_load(&r.unmaps));
	vccw_mem_free(&dev, &mem);
	close(r.group2);
	vccw_close(&dev);
	EXPECT_EQ(0, hostile_wait_unpinned(1000));
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
