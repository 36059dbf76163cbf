/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_ccw_lib: a small user-space library for vfio-ccw devices.
 *
 * It opens a vfio-ccw mediated device, negotiates which ABI the driver
 * offers (the device-info capability of this driver, else the upstream
 * region types, else the legacy I/O region only), maps guest memory and
 * runs channel programs. The architecture's structures, their builders and
 * their decoders are in ccw.h.
 *
 * Function pairs follow the kselftest convention of iommufd_utils.h: the
 * functions here return 0 (or a count) on success and -errno on failure;
 * the selftests wrap them in asserting macros.
 */
#ifndef VFIO_CCW_LIB_H
#define VFIO_CCW_LIB_H

#include <assert.h>
#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <unistd.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
/*
 * uapi/linux/vfio_ccw.h may be used as it is in the source tree: its
 * __packed is what headers_install would turn into the attribute, so the
 * Makefile (lib/build.mk) defines it.
 */
#ifndef __packed
#error "define __packed as the packed attribute, as lib/build.mk does"
#endif
#include <linux/vfio_ccw.h>

#include "ccw.h"

/* ---------------------------------------------------------------------- */
/* The device                                                              */
/* ---------------------------------------------------------------------- */

/**
 * enum vccw_abi - how the driver's regions were found
 * @VCCW_ABI_LEGACY: region 0 and IRQ 0 only
 * @VCCW_ABI_REGIONS: upstream: regions found by type/subtype
 * @VCCW_ABI_CAP: the device-info capability 0x4343
 */
enum vccw_abi {
	VCCW_ABI_LEGACY = 0,
	VCCW_ABI_REGIONS,
	VCCW_ABI_CAP,
};

/**
 * struct vccw_region - one region of the device
 * @present: the device offers it
 * @index: region index
 * @offset: offset of the region in the device fd
 * @size: region size
 * @flags: VFIO_REGION_INFO_FLAG_*
 * @type: VFIO region type (0 when the region has no type capability)
 * @subtype: VFIO region subtype
 */
struct vccw_region {
	bool present;
	uint32_t index;
	uint64_t offset;
	uint64_t size;
	uint32_t flags;
	uint32_t type, subtype;
};

/**
 * enum vccw_backend - how the device reaches its IOMMU
 * @VCCW_BACKEND_GROUP: the vfio group and a type1 container
 * @VCCW_BACKEND_IOMMUFD: the vfio device cdev bound to /dev/iommu, with an
 *                        IOAS attached
 */
enum vccw_backend {
	VCCW_BACKEND_GROUP = 0,
	VCCW_BACKEND_IOMMUFD,
};

/**
 * struct vccw_dev - an open vfio-ccw device
 * @backend: how it was opened
 * @container: /dev/vfio/vfio fd (group back-end), else -1
 * @group: the group fd (group back-end), else -1
 * @iommufd: /dev/iommu fd (iommufd back-end), else -1
 * @ioas_id: the IOAS the device is attached to (iommufd back-end)
 * @cdev: the device's cdev node (iommufd back-end), else ""
 * @fd: the device fd
 * @group_id: the iommu group number
 * @uuid: the mdev UUID
 * @schid: the parent subchannel (e.g. "0.0.0000"), "" if unknown
 * @iommu_type: VFIO_TYPE1v2_IOMMU or VFIO_TYPE1_IOMMU
 * @info: the first 16 bytes of VFIO_DEVICE_GET_INFO
 * @abi: how the regions were found
 * @has_cap: the device-info capability 0x4343 was found
 * @cap: its contents when @has_cap
 * @region: the regions by VFIO_CCW_REGION_* slot
 * @irq_index: the IRQ index of each VFIO_CCW_IRQ_* slot, or
 *             VFIO_CCW_INDEX_NONE
 * @io_efd: eventfd of the I/O IRQ, or -1
 * @crw_efd: eventfd of the CRW IRQ, or -1
 * @next_iova: the bump allocator of vccw_mem_alloc()
 */
struct vccw_dev {
	enum vccw_backend backend;
	int container;
	int group;
	int iommufd;
	uint32_t ioas_id;
	char cdev[64];
	int fd;
	int group_id;
	char uuid[64];
	char schid[16];
	int iommu_type;
	struct vfio_device_info info;
	enum vccw_abi abi;
	bool has_cap;
	struct vfio_device_info_cap_ccw cap;
	struct vccw_region region[VFIO_CCW_REGION_SLOTS];
	uint32_t irq_index[VFIO_CCW_IRQ_SLOTS];
	int io_efd;
	int crw_efd;
	uint64_t next_iova;
};

/**
 * struct vccw_mem - a DMA-mapped piece of anonymous memory
 * @va: its address in this process
 * @iova: its address for the device (the guest's address)
 * @size: bytes (whole pages)
 * @mapped: VFIO_IOMMU_MAP_DMA is in effect
 */
struct vccw_mem {
	uint8_t *va;
	uint64_t iova;
	size_t size;
	bool mapped;
};

/* Environment and device selection. */
const char *vccw_env_mdev(void);
int vccw_env_mdevs(char list[][64], int max);
int vccw_env_schids(char list[][64], int max);
void vccw_require_env_or_skip(const char *prog);

/*
 * Open / close; vccw_open() negotiates (see vccw_negotiate()). Both use
 * the back-end that VFIO_CCW_BACKEND names ("group", the default, or
 * "iommufd"); the _backend variants take it explicitly.
 */
enum vccw_backend vccw_env_backend(void);
const char *vccw_backend_name(enum vccw_backend backend);
int vccw_open(struct vccw_dev *dev, const char *uuid_or_path);
int vccw_open_noneg(struct vccw_dev *dev, const char *uuid_or_path);
int vccw_open_backend(struct vccw_dev *dev, const char *uuid_or_path,
		      enum vccw_backend backend);
int vccw_open_noneg_backend(struct vccw_dev *dev, const char *uuid_or_path,
			    enum vccw_backend backend);
/* vccw_open_noneg_backend() with the group back-end, in two halves. */
int vccw_open_group(struct vccw_dev *dev, const char *uuid_or_path);
int vccw_open_group_device(struct vccw_dev *dev);
void vccw_close(struct vccw_dev *dev);
int vccw_negotiate(struct vccw_dev *dev);
int vccw_negotiate_upstream(struct vccw_dev *dev);
const char *vccw_abi_name(enum vccw_abi abi);

/* ioctls */
int vccw_get_info(struct vccw_dev *dev, void *buf, uint32_t argsz);
int vccw_get_region_info(struct vccw_dev *dev, uint32_t index,
			 struct vccw_region *out);
int vccw_get_irq_info(struct vccw_dev *dev, uint32_t index,
		      struct vfio_irq_info *out);
int vccw_set_irq_eventfd(struct vccw_dev *dev, uint32_t index, int efd);
int vccw_io_eventfd(struct vccw_dev *dev, int flags);
int vccw_reset(struct vccw_dev *dev);
const struct vfio_info_cap_header *vccw_find_cap(const void *buf,
						 uint32_t bufsz,
						 uint32_t first_off,
						 uint16_t id);

/* Regions. -errno, or the byte count of the read/write. */
int vccw_region_read(struct vccw_dev *dev, int slot, void *buf, size_t len,
		     uint64_t off);
int vccw_region_write(struct vccw_dev *dev, int slot, const void *buf,
		      size_t len, uint64_t off);

/*
 * DMA. vccw_dma_map() and vccw_dma_unmap() map and unmap through the
 * device's back-end (VFIO_IOMMU_MAP_DMA, IOMMU_IOAS_MAP); the vccw_mem_*
 * helpers allocate memory and use them.
 */
int vccw_dma_map(struct vccw_dev *dev, void *va, uint64_t iova, size_t size,
		 bool readonly);
int vccw_dma_unmap(struct vccw_dev *dev, uint64_t iova, size_t size);
int vccw_mem_alloc(struct vccw_dev *dev, struct vccw_mem *mem, size_t size);
int vccw_mem_alloc_at(struct vccw_dev *dev, struct vccw_mem *mem, size_t size,
		      uint64_t iova, bool readonly);
int vccw_mem_unmap(struct vccw_dev *dev, struct vccw_mem *mem);
void vccw_mem_free(struct vccw_dev *dev, struct vccw_mem *mem);
static inline uint32_t vccw_iova(const struct vccw_mem *m, const void *p)
{
	return (uint32_t)(m->iova + ((const uint8_t *)p - m->va));
}

/* I/O. */
#define VCCW_TIMEOUT_MS	5000
void vccw_io_region_make(struct ccw_io_region *io, const struct ccw_orb *orb,
			 unsigned int fctl);
int vccw_io_write(struct vccw_dev *dev, const struct ccw_orb *orb,
		  unsigned int fctl);
int vccw_start(struct vccw_dev *dev, const struct ccw_orb *orb);
int vccw_start_region(struct vccw_dev *dev, const struct ccw_io_region *io);

/*
 * One whole-region pwrite or pread of the I/O region and nothing else: no
 * check, no retry, no copy (the benchmark's measured path). The byte
 * count or -errno.
 */
static inline int vccw_io_pwrite(struct vccw_dev *dev,
				 const struct ccw_io_region *io)
{
	ssize_t n = pwrite(dev->fd, io, sizeof(*io),
			   dev->region[VFIO_CCW_REGION_IO].offset);

	return n < 0 ? -errno : (int)n;
}

static inline int vccw_io_pread(struct vccw_dev *dev, struct ccw_io_region *io)
{
	ssize_t n = pread(dev->fd, io, sizeof(*io),
			  dev->region[VFIO_CCW_REGION_IO].offset);

	return n < 0 ? -errno : (int)n;
}

int vccw_async(struct vccw_dev *dev, uint32_t cmd, bool retry_eagain);
int vccw_wait_irq(struct vccw_dev *dev, int timeout_ms, uint64_t *count);
int vccw_read_irb(struct vccw_dev *dev, struct ccw_irb *irb);
int vccw_read_status(struct vccw_dev *dev, struct ccw_status_region *st);
int vccw_read_schib(struct vccw_dev *dev, struct ccw_schib *schib);
int vccw_read_crw(struct vccw_dev *dev, uint32_t *crw);
int vccw_run(struct vccw_dev *dev, const struct ccw_orb *orb,
	     struct ccw_irb *irb);
int vccw_sense_id(struct vccw_dev *dev, struct vccw_mem *mem,
		  struct ccw_irb *irb, struct sense_id_data *id);

int vccw_drain_irqs(struct vccw_dev *dev, int quiet_ms, struct ccw_irb *last);

/* Channel programs in device memory. */
struct ccw1 *prog_suspend(struct vccw_mem *m, size_t off, struct ccw_orb *orb);
void prog_nop_chain(struct vccw_mem *m, size_t off, int n,
		    struct ccw_orb *orb);

const char *vccw_feat_str(uint32_t features, char *buf, size_t len);
const char *vccw_state_str(uint32_t state);

/*
 * Leak accounting: kB of VmLck and VmPin of this process, -errno;
 * vccw_pinned_kb() is their sum (type1 counts in VmLck, iommufd in VmPin).
 */
long vccw_proc_status_kb(const char *field);
int vccw_count_fds(void);
long vccw_settled_locked_kb(int timeout_ms);
long vccw_driver_cached_kb(void);
long vccw_pinned_kb(void);

uint64_t vccw_now_ns(void);

#endif /* VFIO_CCW_LIB_H */
