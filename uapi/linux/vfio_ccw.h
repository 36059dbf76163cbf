/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vfio-ccw: user-space interface of the VFIO driver for s390 I/O subchannels.
 *
 * This header is a superset of the upstream <linux/vfio_ccw.h>: every name,
 * number and layout that upstream defines is kept as it is, so that user
 * space written against upstream (QEMU's hw/vfio/ccw.c back to 2.10) builds
 * and runs unchanged. What this driver adds is marked "(extension)".
 *
 * Compatibility rule: once a layout below is published it never changes.
 * Later ABI versions only append fields, and only behind the version number
 * of the device-info capability (&struct vfio_device_info_cap_ccw).
 *
 * Region and IRQ indexes: region 0 is always the I/O region
 * (VFIO_CCW_CONFIG_REGION_INDEX in <linux/vfio.h>); IRQ 0 is the I/O
 * interrupt, 1 the CRW interrupt and 2 the device request
 * (VFIO_CCW_IO_IRQ_INDEX, VFIO_CCW_CRW_IRQ_INDEX, VFIO_CCW_REQ_IRQ_INDEX).
 * The other regions are found either through the capability below or by
 * their type (VFIO_REGION_TYPE_CCW, 2) and subtype.
 */

#ifndef _VFIO_CCW_H_
#define _VFIO_CCW_H_

#include <linux/types.h>
#include <linux/vfio.h>

/**
 * struct ccw_io_region - the I/O region, region index 0, always present
 * @orb_area: the operation-request block of a START (12 bytes, the guest's
 *            ORB; the channel-program address is a guest address, IOVA)
 * @scsw_area: the guest's subchannel-status word; its function control
 *             selects the function: clear, else halt, else start (halt and
 *             clear only when %VFIO_CCW_FEAT_IO_HALT_CLEAR is offered)
 * @irb_area: the interruption-response block of the last interrupt, with
 *            the CCW address translated back to the guest's address (0
 *            when it designates no CCW of the guest's program, and in
 *            unsolicited status); the bytes behind the 64-byte IRB are 0
 * @ret_code: 0 or a negative errno: the result of the last write
 *
 * Size 124 bytes. A write must cover the whole region at offset 0: a
 * shorter write or one at another offset fails with -EINVAL and executes
 * nothing. The write returns the region size on success and a negative
 * errno otherwise; the same value (0 or -errno) is stored in @ret_code.
 *
 * Errors of a write:
 *
 * - %EINVAL: partial write or offset, no function bit in @scsw_area, a
 *   malformed channel program (see Documentation/s390/vfio-ccw.rst for the
 *   limits), a reserved ORB bit (25-30) set.
 * - %EBUSY: a start is already in flight, or the subchannel answered
 *   condition code 1 (status pending) or 2 (busy).
 * - %ENODEV: condition code 3, the subchannel is not operational, or the
 *   device is gone.
 * - %EACCES: no channel path of the ORB's logical-path mask is available.
 * - %EOPNOTSUPP: transport mode (an ORB with the transport bit), or halt
 *   or clear on a driver that does not offer them here.
 * - %EFAULT: the user buffer or a guest address of the program cannot be
 *   accessed, or lies in a DMA mapping that another thread is unmapping
 *   (until its unmap returns; see Documentation/s390/vfio-ccw.rst).
 * - %ENOMEM: no memory for the translated program.
 * - %EIO: START SUBCHANNEL refused the ORB with an operand exception (an
 *   ORB control, such as streaming-mode control, that the machine does
 *   not provide).
 */
struct ccw_io_region {
#define ORB_AREA_SIZE 12
	__u8	orb_area[ORB_AREA_SIZE];
#define SCSW_AREA_SIZE 12
	__u8	scsw_area[SCSW_AREA_SIZE];
#define IRB_AREA_SIZE 96
	__u8	irb_area[IRB_AREA_SIZE];
	__u32	ret_code;
} __packed;

/*
 * Commands of the asynchronous command region. HSCH and CSCH are upstream's;
 * XSCH and RSCH are extensions. Exactly one bit per write.
 */
#define VFIO_CCW_ASYNC_CMD_HSCH (1 << 0)
#define VFIO_CCW_ASYNC_CMD_CSCH (1 << 1)
#define VFIO_CCW_ASYNC_CMD_XSCH (1 << 2)	/* (extension) */
#define VFIO_CCW_ASYNC_CMD_RSCH (1 << 3)	/* (extension) */

/**
 * struct ccw_cmd_region - the asynchronous command region
 * @command: one of VFIO_CCW_ASYNC_CMD_*
 * @ret_code: 0 or a negative errno: the result of the last write
 *
 * Region type VFIO_REGION_TYPE_CCW, subtype VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD
 * (1), 8 bytes. A write must be exactly 8 bytes at offset 0. HSCH and CSCH
 * are accepted in every state in which a start exists, including while the
 * start is still being translated: they are never refused because a start
 * is in flight. The write returns 8 or a negative errno:
 *
 * - %EINVAL: a size or offset other than 8 at 0, no command, an unknown
 *   command, several commands at once.
 * - %EBUSY: condition code 1 or 2 (for RSCH also: nothing is suspended).
 * - %ENODEV: condition code 3, or the device is gone.
 * - %EFAULT: the user buffer cannot be read; for RSCH also: the program's
 *   CCWs or pages cannot be read or pinned again (unmapped), in which case
 *   the suspended program is cleared (a final interrupt follows).
 * - RSCH only: %EINVAL, %ENOMEM as for a start (re-translation).
 */
struct ccw_cmd_region {
	__u32 command;
	__u32 ret_code;
} __packed;

/**
 * struct ccw_schib_region - the subchannel-information block region
 * @schib_area: the subchannel's SCHIB, as STORE SUBCHANNEL returns it
 *
 * Region type VFIO_REGION_TYPE_CCW, subtype VFIO_REGION_SUBTYPE_CCW_SCHIB
 * (2), 52 bytes, read-only. Every read at offset 0 issues a fresh stsch;
 * %ENODEV when the subchannel is not operational.
 */
struct ccw_schib_region {
#define SCHIB_AREA_SIZE 52
	__u8 schib_area[SCHIB_AREA_SIZE];
} __packed;

/**
 * struct ccw_crw_region - the channel-report-word region
 * @crw: the oldest queued channel-report word, 0 when none is queued
 * @pad: always 0
 *
 * Region type VFIO_REGION_TYPE_CCW, subtype VFIO_REGION_SUBTYPE_CCW_CRW (3),
 * 8 bytes, read-only. A read at offset 0 returns one CRW and removes it from
 * the queue. The CRW IRQ (index 1) is signalled while the queue is not
 * empty. When the queue overflows, the newest queued CRW has its overflow
 * bit set (CRW bit 2, OFLW, as the channel subsystem does when it loses
 * reports) and further CRWs are dropped until user space has read the queue
 * empty.
 */
struct ccw_crw_region {
	__u32 crw;
	__u32 pad;
} __packed;

/*
 * Region subtype of the status region (extension). Subtypes 1 to 3 are
 * upstream's (<linux/vfio.h>).
 */
#define VFIO_REGION_SUBTYPE_CCW_STATUS	(4)

/* Values of &ccw_status_region.state (extension). */
#define VFIO_CCW_STATUS_NOT_OPER	0	/* subchannel not operational */
#define VFIO_CCW_STATUS_STANDBY		1	/* not open */
#define VFIO_CCW_STATUS_IDLE		2	/* open, no start in flight */
#define VFIO_CCW_STATUS_CP_PROCESSING	3	/* a start is being translated */
#define VFIO_CCW_STATUS_CP_PENDING	4	/* a start is at the subchannel */

/* Bits of &ccw_status_region.functions (extension). */
#define VFIO_CCW_FUNC_START	(1 << 0)	/* a start function is active */
#define VFIO_CCW_FUNC_HALT	(1 << 1)	/* a halt function is active */
#define VFIO_CCW_FUNC_CLEAR	(1 << 2)	/* a clear function is active */
#define VFIO_CCW_FUNC_SUSPENDED	(1 << 3)	/* the start is suspended */

/**
 * struct ccw_status_region - the status region (extension)
 * @irb_area: the IRB of the latest interrupt, as in &ccw_io_region (CCW
 *            address translated back to the guest's, 0 when unknown);
 *            all zeros before the first interrupt
 * @irq_seq: the number of interrupts delivered since the device was opened;
 *           it only grows. It is updated, together with @irb_area, before
 *           the I/O eventfd is signalled, so a reader that saw the eventfd
 *           sees the IRB of that interrupt or of a later one.
 * @state: the driver's state, one of VFIO_CCW_STATUS_*
 * @functions: the functions in progress, VFIO_CCW_FUNC_* bits: bits 0-2
 *             (%VFIO_CCW_FUNC_START, _HALT, _CLEAR) mirror the function
 *             control of the SCSW, bit 3 (%VFIO_CCW_FUNC_SUSPENDED) the
 *             suspended bit of its activity control. A suspension raises
 *             an interrupt only when the ORB asks for one (ssic), so
 *             %VFIO_CCW_FUNC_SUSPENDED is taken from a STORE SUBCHANNEL at
 *             the time of the read
 * @reserved: 0
 *
 * Region type VFIO_REGION_TYPE_CCW, subtype VFIO_REGION_SUBTYPE_CCW_STATUS,
 * 128 bytes, read-only. A read may cover any part of the region; it never
 * waits for a translation in progress and returns a consistent snapshot.
 * Reading does not consume anything: the I/O region's @irb_area is not
 * affected.
 */
struct ccw_status_region {
	__u8	irb_area[IRB_AREA_SIZE];
	__u64	irq_seq;
	__u32	state;
	__u32	functions;
	__u32	reserved[4];
};

/*
 * The device-info capability (extension). Its id is chosen far outside the
 * small sequential ids that upstream <linux/vfio.h> assigns to device-info
 * capabilities (1, 2, 3, ...), so that it can never collide with one of
 * them: 0x4343 is "CC" in ASCII.
 */
#define VFIO_DEVICE_INFO_CAP_CCW	0x4343

/* ABI version carried in the capability header's version field. */
#define VFIO_CCW_ABI_VERSION		1

/* Feature bits of &vfio_device_info_cap_ccw.features. */
/* The I/O region performs halt and clear given in its SCSW function control. */
#define VFIO_CCW_FEAT_IO_HALT_CLEAR	(1 << 0)
/* HSCH and CSCH overtake a start in flight, even one being translated. */
#define VFIO_CCW_FEAT_OVERTAKE		(1 << 1)
/* Partial writes of the I/O region fail with EINVAL; nothing runs. */
#define VFIO_CCW_FEAT_STRICT_IO_WRITE	(1 << 2)
/* The suspend flag of CCWs and the ORB's suspend control are honoured. */
#define VFIO_CCW_FEAT_SUSPEND		(1 << 3)

/* Slots of &vfio_device_info_cap_ccw.region_index. */
#define VFIO_CCW_REGION_IO		0
#define VFIO_CCW_REGION_ASYNC		1
#define VFIO_CCW_REGION_SCHIB		2
#define VFIO_CCW_REGION_CRW		3
#define VFIO_CCW_REGION_STATUS		4
#define VFIO_CCW_REGION_SLOTS		8

/* Slots of &vfio_device_info_cap_ccw.irq_index. */
#define VFIO_CCW_IRQ_IO			0
#define VFIO_CCW_IRQ_CRW		1
#define VFIO_CCW_IRQ_REQ		2
#define VFIO_CCW_IRQ_SLOTS		4

/* An index slot naming a region or IRQ that the device does not offer. */
#define VFIO_CCW_INDEX_NONE		0xffffffffU

/**
 * struct vfio_device_info_cap_ccw - what a vfio-ccw device offers
 * @header: id %VFIO_DEVICE_INFO_CAP_CCW; version %VFIO_CCW_ABI_VERSION
 *          (the version names this layout: a later version only appends)
 * @features: VFIO_CCW_FEAT_* bits
 * @async_cmds: the VFIO_CCW_ASYNC_CMD_* bits the async region accepts
 * @region_index: the region index of each VFIO_CCW_REGION_* slot, or
 *                %VFIO_CCW_INDEX_NONE
 * @irq_index: the IRQ index of each VFIO_CCW_IRQ_* slot, or
 *             %VFIO_CCW_INDEX_NONE
 * @reserved: 0
 *
 * Returned in the capability chain of VFIO_DEVICE_GET_INFO
 * (VFIO_DEVICE_FLAGS_CAPS). 8 + 4 * 16 = 72 bytes in version 1.
 */
struct vfio_device_info_cap_ccw {
	struct vfio_info_cap_header header;
	__u32	features;
	__u32	async_cmds;
	__u32	region_index[VFIO_CCW_REGION_SLOTS];
	__u32	irq_index[VFIO_CCW_IRQ_SLOTS];
	__u32	reserved[2];
};

#endif /* _VFIO_CCW_H_ */
