/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_ccw_lib: a small user-space library for vfio-ccw devices.
 *
 * It opens a vfio-ccw mediated device, negotiates which ABI the driver
 * offers (the device-info capability of this driver, else the upstream
 * region types, else the legacy I/O region only), maps guest memory, builds
 * channel programs and decodes interruption-response blocks.
 *
 * Function pairs follow the kselftest convention of iommufd_utils.h: the
 * functions here return 0 (or a count) on success and -errno on failure;
 * the selftests wrap them in asserting macros.
 *
 * The channel-program structures are defined here from the architecture
 * (z/Architecture Principles of Operation, chapters 13-16): user space
 * cannot include the kernel's private cio headers. All multi-byte fields
 * are big-endian, as the channel subsystem reads them.
 */
#ifndef VFIO_CCW_LIB_H
#define VFIO_CCW_LIB_H

#include <assert.h>
#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
/*
 * uapi/linux/vfio_ccw.h is used as it is in the source tree: its __packed
 * is what headers_install would turn into the attribute, so the build
 * defines it (scripts/selftests-build.sh).
 */
#ifndef __packed
#error "define __packed as the packed attribute, as scripts/selftests-build.sh does"
#endif
#include <linux/vfio_ccw.h>

/* ---------------------------------------------------------------------- */
/* Architecture: CCW, IDAW, ORB, SCSW, IRB, SCHIB                          */
/* ---------------------------------------------------------------------- */

/* CCW flags (format 1, byte 1). */
#define CCW_FLAG_CD		0x80	/* chain data */
#define CCW_FLAG_CC		0x40	/* chain command */
#define CCW_FLAG_SLI		0x20	/* suppress length indication */
#define CCW_FLAG_SKIP		0x10
#define CCW_FLAG_PCI		0x08
#define CCW_FLAG_IDA		0x04	/* data address is an IDAL */
#define CCW_FLAG_SUSPEND	0x02
#define CCW_FLAG_MIDA		0x01

/* Command codes the tests use. */
#define CCW_CMD_TIC		0x08
#define CCW_CMD_NOOP		0x03
#define CCW_CMD_SENSE_ID	0xe4
#define CCW_CMD_BASIC_SENSE	0x04

/**
 * struct ccw1 - a format-1 channel-command word
 * @cmd: command code
 * @flags: CCW_FLAG_*
 * @count: byte count (big-endian)
 * @cda: data address, 31 bits (big-endian)
 */
struct ccw1 {
	uint8_t cmd;
	uint8_t flags;
	uint16_t count;
	uint32_t cda;
};

/* ORB word 1 (bit 0 is the most significant bit of the word). */
#define ORB_KEY(k)		((uint32_t)(k) << 28)	/* bits 0-3 */
#define ORB_SPND		(1u << 27)	/* bit 4: suspend control */
#define ORB_MOD			(1u << 25)	/* bit 6 */
#define ORB_SYNC		(1u << 24)	/* bit 7 */
#define ORB_FMT1		(1u << 23)	/* bit 8: format-1 CCWs */
#define ORB_PFCH		(1u << 22)	/* bit 9: prefetch allowed */
#define ORB_ISIC		(1u << 21)	/* bit 10 */
#define ORB_ALCC		(1u << 20)	/* bit 11 */
#define ORB_SSIC		(1u << 19)	/* bit 12 */
#define ORB_TM			(1u << 18)	/* bit 13: transport mode */
#define ORB_C64			(1u << 17)	/* bit 14: format-2 IDAWs */
#define ORB_I2K			(1u << 16)	/* bit 15: 2K format-2 IDAWs */
#define ORB_LPM(m)		((uint32_t)(m) << 8)	/* bits 16-23 */
#define ORB_ILS			(1u << 7)	/* bit 24 */
#define ORB_X			(1u << 0)	/* bit 31: ORB extension */

/**
 * struct ccw_orb - a command-mode operation-request block (12 bytes)
 * @intparm: interruption parameter
 * @ctrl: control word, ORB_* bits (big-endian)
 * @cpa: channel-program address, 31 bits (big-endian)
 */
struct ccw_orb {
	uint32_t intparm;
	uint32_t ctrl;
	uint32_t cpa;
};

/* SCSW function control (3 bits), activity control (7), status control (5). */
#define SCSW_FCTL_CLEAR		0x1
#define SCSW_FCTL_HALT		0x2
#define SCSW_FCTL_START		0x4

#define SCSW_ACTL_SUSPENDED	0x01
#define SCSW_ACTL_DEVACT	0x02
#define SCSW_ACTL_SCHACT	0x04
#define SCSW_ACTL_CLEAR_PEND	0x08
#define SCSW_ACTL_HALT_PEND	0x10
#define SCSW_ACTL_START_PEND	0x20
#define SCSW_ACTL_RESUME_PEND	0x40

#define SCSW_STCTL_PEND		0x01
#define SCSW_STCTL_SEC		0x02
#define SCSW_STCTL_PRIM		0x04
#define SCSW_STCTL_INTER	0x08
#define SCSW_STCTL_ALERT	0x10

#define DEV_STAT_ATTENTION	0x80
#define DEV_STAT_STAT_MOD	0x40
#define DEV_STAT_CU_END		0x20
#define DEV_STAT_BUSY		0x10
#define DEV_STAT_CHN_END	0x08
#define DEV_STAT_DEV_END	0x04
#define DEV_STAT_UNIT_CHECK	0x02
#define DEV_STAT_UNIT_EXCEP	0x01

#define SCH_STAT_PCI		0x80
#define SCH_STAT_INCORR_LEN	0x40
#define SCH_STAT_PROG_CHECK	0x20
#define SCH_STAT_PROT_CHECK	0x10
#define SCH_STAT_CHN_DATA_CHK	0x08
#define SCH_STAT_CHN_CTRL_CHK	0x04
#define SCH_STAT_INTF_CTRL_CHK	0x02
#define SCH_STAT_CHAIN_CHECK	0x01

/**
 * struct ccw_scsw - the raw subchannel-status word (12 bytes, big-endian)
 * @w: the three words
 */
struct ccw_scsw {
	uint32_t w[3];
};

/**
 * struct scsw_fields - a decoded command-mode SCSW (word 0 bit numbers)
 * @key: subchannel key (0-3)
 * @sctl: suspend control (4)
 * @eswf: ESW format (5)
 * @cc: deferred condition code (6-7)
 * @fmt: CCW format (8)
 * @pfch: prefetch (9)
 * @isic: initial-status-interruption control (10)
 * @alcc: address-limit-checking control (11)
 * @ssi: suppress-suspended interruption (12)
 * @zcc: zero condition code (13)
 * @ectl: extended control (14)
 * @pno: path not operational (15)
 * @fctl: function control (17-19), SCSW_FCTL_*
 * @actl: activity control (20-26), SCSW_ACTL_*
 * @stctl: status control (27-31), SCSW_STCTL_*
 * @cpa: CCW address (word 1)
 * @dstat: device status, DEV_STAT_*
 * @cstat: subchannel status, SCH_STAT_*
 * @count: residual count
 */
struct scsw_fields {
	unsigned int key;
	unsigned int sctl;
	unsigned int eswf;
	unsigned int cc;
	unsigned int fmt;
	unsigned int pfch;
	unsigned int isic;
	unsigned int alcc;
	unsigned int ssi;
	unsigned int zcc;
	unsigned int ectl;
	unsigned int pno;
	unsigned int fctl;
	unsigned int actl;
	unsigned int stctl;
	uint32_t cpa;
	unsigned int dstat;
	unsigned int cstat;
	unsigned int count;
};

/**
 * struct ccw_irb - the interruption-response block (96 bytes)
 * @scsw: subchannel-status word
 * @esw: extended-status word
 * @ecw: extended-control word (sense data of a unit check)
 * @emw: extended-measurement word
 */
struct ccw_irb {
	struct ccw_scsw scsw;
	uint8_t esw[20];
	uint8_t ecw[32];
	uint8_t emw[32];
};

/**
 * struct ccw_schib - the subchannel-information block (52 bytes)
 * @pmcw: path-management-control word (7 words)
 * @scsw: subchannel-status word
 * @mba: measurement-block address (two words: the SCHIB is 4-aligned)
 * @mda: model-dependent area
 */
struct ccw_schib {
	uint32_t pmcw[7];
	struct ccw_scsw scsw;
	uint32_t mba[2];
	uint8_t mda[4];
};

/* PMCW word 1 bits */
#define PMCW_ENA		(1u << 23)	/* bit 8: enabled */
#define PMCW_DNV		(1u << 16)	/* bit 15: device number valid */

/**
 * struct sense_id_data - what SENSE ID stores (first 8 bytes)
 * @ff: 0xff
 * @cu_type: control-unit type (0x3832 for virtio-ccw)
 * @cu_model: control-unit model (the virtio device id)
 * @dev_type: device type
 * @dev_model: device model
 * @unused: reserved
 */
struct sense_id_data {
	uint8_t ff;
	uint8_t cu_type[2];
	uint8_t cu_model;
	uint8_t dev_type[2];
	uint8_t dev_model;
	uint8_t unused;
};

/* The layouts have no padding: the architecture fixes these sizes. */
static_assert(sizeof(struct ccw1) == 8, "CCW is 8 bytes");
static_assert(sizeof(struct ccw_orb) == 12, "ORB is 12 bytes");
static_assert(sizeof(struct ccw_irb) == 96, "IRB is 96 bytes");
static_assert(sizeof(struct ccw_schib) == 52, "SCHIB is 52 bytes");
static_assert(sizeof(struct sense_id_data) == 8, "SENSE ID head");

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
void vccw_close(struct vccw_dev *dev);
int vccw_negotiate(struct vccw_dev *dev);
const char *vccw_abi_name(enum vccw_abi abi);

/* ioctls */
int vccw_get_info(struct vccw_dev *dev, void *buf, uint32_t argsz);
int vccw_get_region_info(struct vccw_dev *dev, uint32_t index,
			 struct vccw_region *out);
int vccw_get_irq_info(struct vccw_dev *dev, uint32_t index,
		      struct vfio_irq_info *out);
int vccw_set_irq_eventfd(struct vccw_dev *dev, uint32_t index, int efd);
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
int vccw_io_write(struct vccw_dev *dev, const struct ccw_orb *orb,
		  unsigned int fctl);
int vccw_start(struct vccw_dev *dev, const struct ccw_orb *orb);
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

/* Channel-program builders. */
struct ccw1 *prog_suspend(struct vccw_mem *m, size_t off, struct ccw_orb *orb);
void prog_nop_chain(struct vccw_mem *m, size_t off, int n,
		    struct ccw_orb *orb);
void ccw_set(struct ccw1 *ccw, uint8_t cmd, uint8_t flags, uint16_t count,
	     uint32_t cda);
void orb_init(struct ccw_orb *orb, uint32_t cpa, uint32_t extra_ctrl);
static inline uint32_t orb_cpa(const struct ccw_orb *orb)
{
	return be32toh(orb->cpa);
}

void idaw2_set(uint64_t *idaw, uint64_t addr);
void idaw1_set(uint32_t *idaw, uint32_t addr);

/* Decoding. */
void scsw_decode(const struct ccw_scsw *raw, struct scsw_fields *f);
void scsw_make(struct ccw_scsw *raw, unsigned int fctl);
bool scsw_is_final(const struct scsw_fields *f);
const char *scsw_fctl_str(unsigned int fctl, char *buf, size_t len);
const char *scsw_actl_str(unsigned int actl, char *buf, size_t len);
const char *scsw_stctl_str(unsigned int stctl, char *buf, size_t len);
const char *dstat_str(unsigned int dstat, char *buf, size_t len);
const char *cstat_str(unsigned int cstat, char *buf, size_t len);
int irb_format(const struct ccw_irb *irb, char *buf, size_t len);
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
