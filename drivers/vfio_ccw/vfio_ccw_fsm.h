/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: the state machine. The table of arcs is documented in
 * Documentation/s390/vfio-ccw-locking.rst and kept in vfio_ccw_fsm.c.
 */
#ifndef _VFIO_CCW_FSM_H_
#define _VFIO_CCW_FSM_H_

#include <linux/bug.h>
#include <linux/vfio_ccw.h>

struct vfio_ccw_private;

/**
 * enum vfio_ccw_state - the state of a vfio-ccw mediated device
 * @VFIO_CCW_STATE_NOT_OPER: the subchannel is gone or not operational
 * @VFIO_CCW_STATE_STANDBY: not open, subchannel disabled
 * @VFIO_CCW_STATE_IDLE: open, no start owned by the driver
 * @VFIO_CCW_STATE_CP_PROCESSING: a start is being translated
 * @VFIO_CCW_STATE_CP_PENDING: a start was issued, its program is published
 * @VFIO_CCW_NR_STATES: number of states
 *
 * The values are the VFIO_CCW_STATUS_* values of the status region. The
 * names are written once, in VFIO_CCW_STATE_LIST(), which the enum, the
 * name table of vfio_ccw_fsm.c and the tracepoints expand.
 */
#define VFIO_CCW_STATE_LIST(X)	\
	X(NOT_OPER)		\
	X(STANDBY)		\
	X(IDLE)			\
	X(CP_PROCESSING)	\
	X(CP_PENDING)

#define VFIO_CCW_STATE_ENUM(n)	VFIO_CCW_STATE_##n = VFIO_CCW_STATUS_##n,
enum vfio_ccw_state {
	VFIO_CCW_STATE_LIST(VFIO_CCW_STATE_ENUM)
	VFIO_CCW_NR_STATES,
};
#undef VFIO_CCW_STATE_ENUM

/**
 * enum vfio_ccw_event - what can happen to a vfio-ccw mediated device
 * @VFIO_CCW_EVENT_OPEN: open_device, second half of a reset
 * @VFIO_CCW_EVENT_CLOSE: close_device, first half of a reset
 * @VFIO_CCW_EVENT_START: a start request is accepted for translation
 * @VFIO_CCW_EVENT_START_OK: the start was issued with condition code 0
 * @VFIO_CCW_EVENT_START_DROP: the start ends without reaching the subchannel
 * @VFIO_CCW_EVENT_HALT: a halt request
 * @VFIO_CCW_EVENT_CLEAR: a clear request
 * @VFIO_CCW_EVENT_CANCEL: a cancel (XSCH) request
 * @VFIO_CCW_EVENT_DETACH: the published program ends without interrupt
 * @VFIO_CCW_EVENT_RESUME: a resume (RSCH) request
 * @VFIO_CCW_EVENT_IRQ_FINAL: an interrupt that ends the function
 * @VFIO_CCW_EVENT_IRQ_OTHER: an intermediate or unsolicited interrupt
 * @VFIO_CCW_EVENT_NOT_OPER: the subchannel became not operational
 * @VFIO_CCW_NR_EVENTS: number of events
 *
 * The names are written once, in VFIO_CCW_EVENT_LIST().
 */
#define VFIO_CCW_EVENT_LIST(X)	\
	X(OPEN)			\
	X(CLOSE)		\
	X(START)		\
	X(START_OK)		\
	X(START_DROP)		\
	X(HALT)			\
	X(CLEAR)		\
	X(CANCEL)		\
	X(DETACH)		\
	X(RESUME)		\
	X(IRQ_FINAL)		\
	X(IRQ_OTHER)		\
	X(NOT_OPER)

#define VFIO_CCW_EVENT_ENUM(n)	VFIO_CCW_EVENT_##n,
enum vfio_ccw_event {
	VFIO_CCW_EVENT_LIST(VFIO_CCW_EVENT_ENUM)
	VFIO_CCW_NR_EVENTS,
};
#undef VFIO_CCW_EVENT_ENUM

/* next[state][event], vfio_ccw_fsm.c: read it with vfio_ccw_fsm_next() */
extern const int vfio_ccw_next[VFIO_CCW_NR_STATES][VFIO_CCW_NR_EVENTS];

/**
 * vfio_ccw_fsm_next() - look up an arc of the state machine
 * @state: the current state
 * @event: the event
 *
 * Inline: the transition function and the lifecycle use it on every
 * request.
 *
 * Return: the next state, or a negative errno if @event is refused in
 * @state.
 */
static inline int vfio_ccw_fsm_next(enum vfio_ccw_state state,
				    enum vfio_ccw_event event)
{
	if (WARN_ON_ONCE((unsigned int)state >= VFIO_CCW_NR_STATES ||
			 (unsigned int)event >= VFIO_CCW_NR_EVENTS))
		return -EINVAL;
	return vfio_ccw_next[state][event];
}

int vfio_ccw_fsm_event_locked(struct vfio_ccw_private *private,
			      enum vfio_ccw_event event);
const char *vfio_ccw_state_name(enum vfio_ccw_state state);
const char *vfio_ccw_event_name(enum vfio_ccw_event event);

#endif /* _VFIO_CCW_FSM_H_ */
