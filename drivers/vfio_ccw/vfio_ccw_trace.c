// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: tracepoint instances.
 */
#include <kunit/visibility.h>

#define CREATE_TRACE_POINTS
#include "vfio_ccw_trace.h"

/*
 * The KUnit module inlines vfio_ccw_fsm_event_locked(), which tests
 * whether this tracepoint is enabled.
 */
EXPORT_SYMBOL_IF_KUNIT(__tracepoint_vfio_ccw_fsm);
