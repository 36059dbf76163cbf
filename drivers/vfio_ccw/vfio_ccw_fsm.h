/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: the state machine. The table of arcs is documented in
 * Documentation/s390/vfio-ccw-locking.rst and kept in vfio_ccw_fsm.c.
 */
#ifndef _VFIO_CCW_FSM_H_
#define _VFIO_CCW_FSM_H_

#include <linux/bug.h>
#include <linux/spinlock_types.h>
#include <linux/vfio_ccw.h>

struct device;
struct vfio_ccw_cp;
struct vfio_ccw_hw_ops;
struct vfio_ccw_pin_backend;
struct vfio_ccw_private;

/**
 * VFIO_CCW_STATE_LIST() - the states of a vfio-ccw mediated device
 * @X: a macro, expanded with the name of each state in turn
 *
 * The one list of the states' names: &enum vfio_ccw_state, the name table
 * of vfio_ccw_fsm.c and the tracepoints expand it. Each state is
 * VFIO_CCW_STATE_<name>, valued as VFIO_CCW_STATUS_<name> of the status
 * region:
 *
 * - NOT_OPER: the subchannel is gone or not operational
 * - STANDBY: not open, subchannel disabled
 * - IDLE: open, no start owned by the driver
 * - CP_PROCESSING: a start is being translated
 * - CP_PENDING: a start was issued, its program is published
 */
#define VFIO_CCW_STATE_LIST(X)	\
	X(NOT_OPER)		\
	X(STANDBY)		\
	X(IDLE)			\
	X(CP_PROCESSING)	\
	X(CP_PENDING)

/* The state of a device: VFIO_CCW_STATE_LIST(), and how many there are. */
#define VFIO_CCW_STATE_ENUM(n)	VFIO_CCW_STATE_##n = VFIO_CCW_STATUS_##n,
enum vfio_ccw_state {
	VFIO_CCW_STATE_LIST(VFIO_CCW_STATE_ENUM)
	VFIO_CCW_NR_STATES,
};

#undef VFIO_CCW_STATE_ENUM

/**
 * VFIO_CCW_EVENT_LIST() - what can happen to a vfio-ccw mediated device
 * @X: a macro, expanded with the name of each event in turn
 *
 * The one list of the events' names: &enum vfio_ccw_event, the name table
 * of vfio_ccw_fsm.c and the tracepoints expand it. Each event is
 * VFIO_CCW_EVENT_<name>:
 *
 * - OPEN: open_device, second half of a reset
 * - CLOSE: close_device, first half of a reset
 * - START: a start request is accepted for translation
 * - START_OK: the start was issued with condition code 0
 * - START_DROP: the start ends without reaching the subchannel
 * - HALT: a halt request
 * - CLEAR: a clear request
 * - CANCEL: a cancel (XSCH) request
 * - DETACH: the published program ends without interrupt
 * - RESUME: a resume (RSCH) request
 * - IRQ_FINAL: an interrupt that ends the function
 * - IRQ_OTHER: an intermediate or unsolicited interrupt
 * - NOT_OPER: the subchannel became not operational
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

/* An event: VFIO_CCW_EVENT_LIST(), and how many there are. */
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

void vfio_ccw_fsm_trace(const struct vfio_ccw_private *private, int from,
			int event, int next);
const char *vfio_ccw_state_name(enum vfio_ccw_state state);
const char *vfio_ccw_event_name(enum vfio_ccw_event event);

/*
 * vfio_ccw_fsm.c besides the table: the device's lifecycle (open, close,
 * reset, not operational, the stop of a range that dma_unmap takes away)
 * and the ownership of programs (retire, detach, park).
 */
void vfio_ccw_private_init(struct vfio_ccw_private *private,
			   const struct vfio_ccw_hw_ops *hw,
			   const struct vfio_ccw_pin_backend *be,
			   spinlock_t *lock, struct device *dev);
void vfio_ccw_private_remove(struct vfio_ccw_private *private);
void vfio_ccw_private_cleanup(struct vfio_ccw_private *private);
int vfio_ccw_fsm_open(struct vfio_ccw_private *private);
void vfio_ccw_fsm_close(struct vfio_ccw_private *private);
int vfio_ccw_fsm_reset(struct vfio_ccw_private *private);
void vfio_ccw_retire_locked(struct vfio_ccw_private *private);
void vfio_ccw_retire_cp_locked(struct vfio_ccw_private *private,
			       struct vfio_ccw_cp *cp);
struct vfio_ccw_cp *vfio_ccw_detach_locked(struct vfio_ccw_private *p);
void vfio_ccw_free_retired(struct vfio_ccw_private *private);
void vfio_ccw_fsm_notoper_locked(struct vfio_ccw_private *private);
void vfio_ccw_stop_range_locked(struct vfio_ccw_private *private, u64 iova,
				u64 last);

#endif /* _VFIO_CCW_FSM_H_ */
