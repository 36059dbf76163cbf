// SPDX-License-Identifier: GPL-2.0
/*
 * The uapi header is a contract: once published, a layout never changes.
 * This file only compiles while every published size and offset holds
 * (make check builds it for s390x with -D__packed as headers_install
 * would define it; a failure names the field).
 */
#include <assert.h>
#include <stddef.h>
#include <linux/vfio_ccw.h>

#define LAYOUT(expr) static_assert(expr, #expr)

/* Upstream's, byte for byte (QEMU 2.10 and later rely on them). */
LAYOUT(sizeof(struct ccw_io_region) == 124);
LAYOUT(offsetof(struct ccw_io_region, orb_area) == 0);
LAYOUT(offsetof(struct ccw_io_region, scsw_area) == 12);
LAYOUT(offsetof(struct ccw_io_region, irb_area) == 24);
LAYOUT(offsetof(struct ccw_io_region, ret_code) == 120);
LAYOUT(sizeof(struct ccw_cmd_region) == 8);
LAYOUT(offsetof(struct ccw_cmd_region, ret_code) == 4);
LAYOUT(sizeof(struct ccw_schib_region) == 52);
LAYOUT(sizeof(struct ccw_crw_region) == 8);
LAYOUT(VFIO_CCW_ASYNC_CMD_HSCH == 1 && VFIO_CCW_ASYNC_CMD_CSCH == 2);
LAYOUT(VFIO_REGION_TYPE_CCW == 2);
LAYOUT(VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD == 1);
LAYOUT(VFIO_REGION_SUBTYPE_CCW_SCHIB == 2);
LAYOUT(VFIO_REGION_SUBTYPE_CCW_CRW == 3);

/* Ours, version 1. */
LAYOUT(VFIO_REGION_SUBTYPE_CCW_STATUS == 4);
LAYOUT(VFIO_CCW_ASYNC_CMD_XSCH == 4 && VFIO_CCW_ASYNC_CMD_RSCH == 8);
LAYOUT(VFIO_DEVICE_INFO_CAP_CCW == 0x4343 && VFIO_CCW_ABI_VERSION == 1);
LAYOUT(sizeof(struct ccw_status_region) == 128);
LAYOUT(offsetof(struct ccw_status_region, irq_seq) == 96);
LAYOUT(offsetof(struct ccw_status_region, state) == 104);
LAYOUT(offsetof(struct ccw_status_region, functions) == 108);
LAYOUT(offsetof(struct ccw_status_region, reserved) == 112);
LAYOUT(sizeof(struct vfio_device_info_cap_ccw) == 72);
LAYOUT(offsetof(struct vfio_device_info_cap_ccw, features) == 8);
LAYOUT(offsetof(struct vfio_device_info_cap_ccw, async_cmds) == 12);
LAYOUT(offsetof(struct vfio_device_info_cap_ccw, region_index) == 16);
LAYOUT(offsetof(struct vfio_device_info_cap_ccw, irq_index) == 48);
LAYOUT(offsetof(struct vfio_device_info_cap_ccw, reserved) == 64);
LAYOUT(VFIO_CCW_REGION_SLOTS == 8 && VFIO_CCW_IRQ_SLOTS == 4);

int main(void)
{
	return 0;
}
