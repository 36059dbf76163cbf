// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the table of regions, one row a region. The two helpers every
 * region's read and write go through are inline in vfio_ccw_private.h; a
 * region's own behaviour is in its file (vfio_ccw_io.c, _async.c,
 * _schib.c, _crw.c, _status.c).
 */
#include "vfio_ccw_private.h"

const struct vfio_ccw_region vfio_ccw_regions[VFIO_CCW_NUM_REGIONS] = {
	[VFIO_CCW_IDX_IO] = {
		.size = sizeof(struct ccw_io_region),
		.flags = VFIO_REGION_INFO_FLAG_READ |
			 VFIO_REGION_INFO_FLAG_WRITE,
		.slot = VFIO_CCW_REGION_IO,
		.read = vfio_ccw_io_read,
		.write = vfio_ccw_io_write,
	},
	[VFIO_CCW_IDX_ASYNC] = {
		.size = sizeof(struct ccw_cmd_region),
		.flags = VFIO_REGION_INFO_FLAG_READ |
			 VFIO_REGION_INFO_FLAG_WRITE,
		.subtype = VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD,
		.slot = VFIO_CCW_REGION_ASYNC,
		.read = vfio_ccw_async_read,
		.write = vfio_ccw_async_write,
	},
	[VFIO_CCW_IDX_SCHIB] = {
		.size = sizeof(struct ccw_schib_region),
		.flags = VFIO_REGION_INFO_FLAG_READ,
		.subtype = VFIO_REGION_SUBTYPE_CCW_SCHIB,
		.slot = VFIO_CCW_REGION_SCHIB,
		.read = vfio_ccw_schib_read,
	},
	[VFIO_CCW_IDX_CRW] = {
		.size = sizeof(struct ccw_crw_region),
		.flags = VFIO_REGION_INFO_FLAG_READ,
		.subtype = VFIO_REGION_SUBTYPE_CCW_CRW,
		.slot = VFIO_CCW_REGION_CRW,
		.read = vfio_ccw_crw_read,
	},
	[VFIO_CCW_IDX_STATUS] = {
		.size = sizeof(struct ccw_status_region),
		.flags = VFIO_REGION_INFO_FLAG_READ,
		.subtype = VFIO_REGION_SUBTYPE_CCW_STATUS,
		.slot = VFIO_CCW_REGION_STATUS,
		.read = vfio_ccw_status_read,
	},
};
