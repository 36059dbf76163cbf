/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Asserting wrappers around vfio_ccw_lib for kselftest_harness tests, in
 * the style of tools/testing/selftests/iommu/iommufd_utils.h: the library
 * function _op() returns -errno, the macro op() asserts it succeeded.
 *
 * Include after kselftest_harness.h; the macros need _metadata and self.
 */
#ifndef VFIO_CCW_UTILS_H
#define VFIO_CCW_UTILS_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vfio_ccw_lib.h"

/* @cmd (an -errno returning call) fails with exactly @_errno. */
#define EXPECT_ERRNO(_errno, cmd)	EXPECT_EQ(-(_errno), (cmd))
#define ASSERT_ERRNO(_errno, cmd)	ASSERT_EQ(-(_errno), (cmd))

#define vccw_open_ok(dev, uuid)		ASSERT_EQ(0, vccw_open(dev, uuid))
#define vccw_mem_alloc_ok(dev, m, sz)	ASSERT_EQ(0, vccw_mem_alloc(dev, m, sz))
#define vccw_start_ok(dev, orb)		ASSERT_EQ(0, vccw_start(dev, orb))
#define vccw_wait_irq_ok(dev)		ASSERT_EQ(0, vccw_wait_irq(dev, VCCW_TIMEOUT_MS, NULL))
#define vccw_read_irb_ok(dev, irb)	ASSERT_EQ(0, vccw_read_irb(dev, irb))
#define vccw_run_ok(dev, orb, irb)	ASSERT_EQ(0, vccw_run(dev, orb, irb))
#define vccw_async_ok(dev, cmd)		ASSERT_EQ(0, vccw_async(dev, cmd, true))

/*
 * The errno of a start whose guest memory is not mapped: EFAULT, as this
 * driver documents it; a driver without the capability (the in-tree one)
 * passes up what the back-end said: EINVAL from vfio type1, ENOENT from
 * iommufd.
 */
static inline bool vccw_is_guest_fault(const struct vccw_dev *dev, int ret)
{
	if (ret == -EFAULT)
		return true;
	if (dev->has_cap)
		return false;
	return ret == (dev->backend == VCCW_BACKEND_IOMMUFD ? -ENOENT : -EINVAL);
}

/* Log an IRB in the test output. */
#define TH_LOG_IRB(what, irb) do {					\
		char __b[512];						\
		irb_format(irb, __b, sizeof(__b));			\
		TH_LOG("%s: %s", what, __b);				\
	} while (0)

/* The IRB shows a normal end: channel end + device end, no cstat. */
#define EXPECT_IRB_OK(irb) do {						\
		const struct ccw_irb *__irbp = (irb);			\
		struct scsw_fields __f;					\
		scsw_decode(&__irbp->scsw, &__f);			\
		EXPECT_EQ(DEV_STAT_CHN_END | DEV_STAT_DEV_END,		\
			  __f.dstat & (DEV_STAT_CHN_END | DEV_STAT_DEV_END)); \
		EXPECT_EQ(0, __f.cstat);				\
		EXPECT_TRUE(scsw_is_final(&__f));			\
		if (__f.cstat || !scsw_is_final(&__f))			\
			TH_LOG_IRB("unexpected irb", __irbp);		\
	} while (0)

/* A SENSE ID returns FF 3832 xx and ends normally. */
#define EXPECT_SENSE_ID_OK(dev, mem) do {				\
		struct ccw_irb __irb;					\
		struct sense_id_data __id;				\
		ASSERT_EQ(0, vccw_sense_id(dev, mem, &__irb, &__id));	\
		EXPECT_IRB_OK(&__irb);					\
		EXPECT_EQ(0xff, __id.ff);				\
		EXPECT_EQ(0x38, __id.cu_type[0]);			\
		EXPECT_EQ(0x32, __id.cu_type[1]);			\
	} while (0)

/*
 * Leak accounting: the process starts a test with nothing locked or
 * pinned and must end it the same way once everything is closed.
 */
#define EXPECT_NO_LOCKED_PAGES() do {					\
		EXPECT_EQ(0, vccw_proc_status_kb("VmLck"));		\
		EXPECT_EQ(0, vccw_proc_status_kb("VmPin"));		\
	} while (0)

/*
 * The fixture most tests share: the device of the environment's mdev,
 * opened, with @size bytes of guest memory mapped; its teardown unmaps,
 * closes and checks that nothing is left locked or pinned. @self is the
 * fixture data: it has the members dev and mem.
 */
#define vccw_fixture_open(self, size) do {				\
		typeof(self) __s = (self);				\
		vccw_open_ok(&__s->dev, vccw_env_mdev());		\
		vccw_mem_alloc_ok(&__s->dev, &__s->mem, size);		\
	} while (0)

#define vccw_fixture_close(self) do {					\
		typeof(self) __s = (self);				\
		vccw_mem_free(&__s->dev, &__s->mem);			\
		vccw_close(&__s->dev);					\
		EXPECT_NO_LOCKED_PAGES();				\
	} while (0)

/*
 * The per-device counters of the driver (vfio_ccw_stats in debugfs), open
 * for reading; NULL with errno set when there are none.
 */
static inline FILE *vccw_stats_open(const char *uuid)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/kernel/debug/vfio/%s/vfio_ccw_stats",
		 uuid);
	return fopen(path, "r");
}

/* The capability of the new ABI must be there (FAIL, not SKIP, if not). */
#define ASSERT_NEW_ABI(dev) do {					\
		const struct vccw_dev *__d = (dev);			\
		if (!__d->has_cap)					\
			TH_LOG("driver lacks the vfio-ccw capability 0x%x (ABI: %s)", \
			       VFIO_DEVICE_INFO_CAP_CCW,		\
			       vccw_abi_name(__d->abi));		\
		ASSERT_TRUE(__d->has_cap);				\
	} while (0)

#endif /* VFIO_CCW_UTILS_H */
