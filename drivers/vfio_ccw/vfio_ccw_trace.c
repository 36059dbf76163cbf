// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: tracepoint instances.
 */
#define CREATE_TRACE_POINTS
#include "vfio_ccw_trace.h"

/* The KUnit module inlines vfio_ccw_fsm_event_locked(), which tests it. */
#if IS_ENABLED(CONFIG_KUNIT)
EXPORT_TRACEPOINT_SYMBOL_GPL(vfio_ccw_fsm);
#endif
