// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: tracepoint instances.
 */
#define CREATE_TRACE_POINTS
#include "vfio_ccw_trace.h"
