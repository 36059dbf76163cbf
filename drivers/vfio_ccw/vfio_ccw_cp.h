/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: channel-program translation.
 *
 * A guest channel program (guest ORB, CCWs, IDALs, all at guest addresses,
 * i.e. IOVAs) is copied into host memory below 2 GiB, its data pages are
 * pinned and every data address is replaced by an IDAL of host physical
 * addresses. The translation knows nothing about the device: it reaches
 * guest memory only through &struct vfio_ccw_dma_ops.
 *
 * Its limits are the VFIO_CCW_CP_* constants below, one kernel-doc each
 * (Documentation/s390/vfio-ccw.rst includes them): a program over one makes
 * vfio_ccw_cp_translate() or vfio_ccw_cp_prepare_resume() fail with
 * -EINVAL, never hang. What else is refused, and why everything the
 * channel checks itself is left to the channel, is in
 * Documentation/s390/vfio-ccw-translation.rst.
 */
#ifndef _VFIO_CCW_CP_H_
#define _VFIO_CCW_CP_H_

#include <linux/atomic.h>
#include <linux/types.h>
#include <orb.h>

/**
 * VFIO_CCW_CP_MAX_CCWS - most CCWs one translation copies
 *
 * Counts every guest CCW read, TICs included, over all chain segments of a
 * program (and of the tail re-read by vfio_ccw_cp_prepare_resume()). A chain
 * that does not end within this many CCWs is refused with -EINVAL.
 */
#define VFIO_CCW_CP_MAX_CCWS	1024

/**
 * VFIO_CCW_CP_MAX_TICS - most TIC CCWs in one translation
 *
 * Bounds the number of chain segments (each TIC to an address not yet
 * translated starts one) and with it the translation's work.
 */
#define VFIO_CCW_CP_MAX_TICS	256

/**
 * VFIO_CCW_CP_MAX_IDAWS - most IDAWs of one CCW
 *
 * A CCW's 16-bit count spans at most 33 blocks of 2 KiB. A guest IDAL is
 * read for exactly as many IDAWs as the count needs, never more.
 */
#define VFIO_CCW_CP_MAX_IDAWS	33

/**
 * VFIO_CCW_CP_MAX_DATA - most data bytes one program may transfer
 *
 * The sum of the counts of every CCW that transfers data (skip and NOP
 * excluded). It bounds the number of pages one program keeps pinned.
 */
#define VFIO_CCW_CP_MAX_DATA	(16U << 20)

/**
 * VFIO_CCW_CP_READ_WINDOW - most bytes of guest CCWs or IDALs read at once
 *
 * CCWs are read from the fetched CCW on up to this many bytes, never past
 * the end of that CCW's page (32 format-1 CCWs): one read per window
 * instead of one per CCW. IDALs are read the same way through a window of
 * their own. Both live on the stack of the translation.
 */
#define VFIO_CCW_CP_READ_WINDOW	256

/**
 * VFIO_CCW_CP_PIN_BATCH - most pages passed to one &vfio_ccw_dma_ops.pin
 *
 * vfio_pin_pages() refuses more than 512 pages per call.
 */
#define VFIO_CCW_CP_PIN_BATCH	512

struct vfio_ccw_pin;

/**
 * struct vfio_ccw_dma_ops - how translation reaches guest memory
 * @pin: pin @npage pages at the page-aligned IOVA @iova, contiguous in IOVA,
 *       for access @prot (IOMMU_READ, IOMMU_READ | IOMMU_WRITE); fill @pages
 *       and return the pin record, which the program owns from now on, or
 *       an ERR_PTR() with nothing pinned
 * @unpin: release the record of one @pin: exactly that one, never more
 * @read: copy @len bytes of guest memory at @iova to @buf; 0 or -errno
 *
 * Production: &vfio_ccw_pin_dma_ops (vfio_ccw_pin.c) over the vfio core;
 * the KUnit suite passes ops over fake guest memory. @ctx is passed
 * through.
 */
struct vfio_ccw_dma_ops {
	struct vfio_ccw_pin *(*pin)(void *ctx, u64 iova, int npage, int prot,
				    struct page **pages);
	void (*unpin)(void *ctx, struct vfio_ccw_pin *pin);
	int  (*read)(void *ctx, u64 iova, void *buf, size_t len);
};

struct vfio_ccw_cp;

int vfio_ccw_cp_translate(const struct vfio_ccw_dma_ops *ops, void *ctx,
			  const union orb *orb, struct vfio_ccw_cp **cpp);
void vfio_ccw_cp_free(struct vfio_ccw_cp *cp);
void vfio_ccw_cp_build_orb(const struct vfio_ccw_cp *cp, u32 intparm,
			   union orb *orb);
u32 vfio_ccw_cp_guest_cpa(const struct vfio_ccw_cp *cp, u32 cpa);
bool vfio_ccw_cp_overlaps(const struct vfio_ccw_cp *cp, u64 iova, u64 last);
int vfio_ccw_cp_prepare_resume(struct vfio_ccw_cp *cp, u32 cpa);
void vfio_ccw_cp_resumed(struct vfio_ccw_cp *cp);
unsigned long vfio_ccw_cp_pinned(const struct vfio_ccw_cp *cp);

int vfio_ccw_cp_init(void);
void vfio_ccw_cp_exit(void);

#if IS_ENABLED(CONFIG_KUNIT)
void *vfio_ccw_cp_nodata_area(void);
int vfio_ccw_cp_pins(const struct vfio_ccw_cp *cp, struct vfio_ccw_pin **recs,
		     int max);
/*
 * Memory allocations the translation made (translate and prepare_resume),
 * counted for the KUnit suite only: it checks that the cost of a
 * translation follows the program, not the limits above.
 */
extern atomic_long_t vfio_ccw_cp_nr_allocs;
#endif

#endif /* _VFIO_CCW_CP_H_ */
