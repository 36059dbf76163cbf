/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw tracepoints: every state transition, every channel-subsystem
 * instruction with its condition code, interrupts and channel-path events.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vfio_ccw

#if !defined(_VFIO_CCW_TRACE_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _VFIO_CCW_TRACE_H_

#include <linux/tracepoint.h>
#include <asm/schid.h>

#include "vfio_ccw_fsm.h"

/*
 * The names come from the lists of vfio_ccw_fsm.h. Each list expands to
 * entries that end in a comma; a second end marker closes it.
 */
#define vfio_ccw_tp_state(n)	{ VFIO_CCW_STATE_##n, #n },
#define vfio_ccw_tp_event(n)	{ VFIO_CCW_EVENT_##n, #n },
#define vfio_ccw_show_state(s)	\
	__print_symbolic(s, VFIO_CCW_STATE_LIST(vfio_ccw_tp_state) { -1, NULL })
#define vfio_ccw_show_event(e)	\
	__print_symbolic(e, VFIO_CCW_EVENT_LIST(vfio_ccw_tp_event) { -1, NULL })

/* One class for everything keyed on the subchannel id and one value. */
DECLARE_EVENT_CLASS(vfio_ccw_sch,
		    TP_PROTO(struct subchannel_id schid, int val),
		    TP_ARGS(schid, val),
		    TP_STRUCT__entry(__field(u8, cssid)
				     __field(u8, ssid)
				     __field(u16, sch_no)
				     __field(int, val)),
		    TP_fast_assign(__entry->cssid = schid.cssid;
				   __entry->ssid = schid.ssid;
				   __entry->sch_no = schid.sch_no;
				   __entry->val = val;),
		    TP_printk("schid=%x.%x.%04x cc/ret=%d",
			      __entry->cssid, __entry->ssid, __entry->sch_no,
			      __entry->val)
);

#define VFIO_CCW_SCH_EVENT(name)					\
	DEFINE_EVENT(vfio_ccw_sch, name,				\
		     TP_PROTO(struct subchannel_id schid, int val),	\
		     TP_ARGS(schid, val))

VFIO_CCW_SCH_EVENT(vfio_ccw_ssch);
VFIO_CCW_SCH_EVENT(vfio_ccw_rsch);
VFIO_CCW_SCH_EVENT(vfio_ccw_hsch);
VFIO_CCW_SCH_EVENT(vfio_ccw_csch);
VFIO_CCW_SCH_EVENT(vfio_ccw_xsch);
VFIO_CCW_SCH_EVENT(vfio_ccw_stsch);
VFIO_CCW_SCH_EVENT(vfio_ccw_enable);
VFIO_CCW_SCH_EVENT(vfio_ccw_disable);
/* val: the errno of a failed user request */
VFIO_CCW_SCH_EVENT(vfio_ccw_request_err);

TRACE_EVENT(vfio_ccw_fsm,
	    TP_PROTO(struct subchannel_id schid, int from, int event, int to),
	    TP_ARGS(schid, from, event, to),
	    TP_STRUCT__entry(__field(u8, cssid)
			     __field(u8, ssid)
			     __field(u16, sch_no)
			     __field(int, from)
			     __field(int, event)
			     __field(int, to)),
	    TP_fast_assign(__entry->cssid = schid.cssid;
			   __entry->ssid = schid.ssid;
			   __entry->sch_no = schid.sch_no;
			   __entry->from = from;
			   __entry->event = event;
			   __entry->to = to;),
	    TP_printk("schid=%x.%x.%04x %s --%s--> %s%d",
		      __entry->cssid, __entry->ssid, __entry->sch_no,
		      vfio_ccw_show_state(__entry->from),
		      vfio_ccw_show_event(__entry->event),
		      __entry->to < 0 ? "refused " : "", __entry->to)
);

TRACE_EVENT(vfio_ccw_irq,
	    TP_PROTO(struct subchannel_id schid, u32 fctl, u32 actl, u32 stctl,
		     bool final),
	    TP_ARGS(schid, fctl, actl, stctl, final),
	    TP_STRUCT__entry(__field(u8, cssid)
			     __field(u8, ssid)
			     __field(u16, sch_no)
			     __field(u32, fctl)
			     __field(u32, actl)
			     __field(u32, stctl)
			     __field(bool, final)),
	    TP_fast_assign(__entry->cssid = schid.cssid;
			   __entry->ssid = schid.ssid;
			   __entry->sch_no = schid.sch_no;
			   __entry->fctl = fctl;
			   __entry->actl = actl;
			   __entry->stctl = stctl;
			   __entry->final = final;),
	    TP_printk("schid=%x.%x.%04x fctl=%x actl=%x stctl=%x final=%d",
		      __entry->cssid, __entry->ssid, __entry->sch_no,
		      __entry->fctl, __entry->actl, __entry->stctl,
		      __entry->final)
);

TRACE_EVENT(vfio_ccw_chp_event,
	    TP_PROTO(struct subchannel_id schid, int mask, int event),
	    TP_ARGS(schid, mask, event),
	    TP_STRUCT__entry(__field(u8, cssid)
			     __field(u8, ssid)
			     __field(u16, sch_no)
			     __field(int, mask)
			     __field(int, event)),
	    TP_fast_assign(__entry->cssid = schid.cssid;
			   __entry->ssid = schid.ssid;
			   __entry->sch_no = schid.sch_no;
			   __entry->mask = mask;
			   __entry->event = event;),
	    TP_printk("schid=%x.%x.%04x mask=0x%x event=%d",
		      __entry->cssid, __entry->ssid, __entry->sch_no,
		      __entry->mask, __entry->event)
);

#endif /* _VFIO_CCW_TRACE_H_ */

/*
 * Kbuild.inc puts this directory on the include path before the cio
 * directory, which has a vfio_ccw_trace.h of its own.
 */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vfio_ccw_trace
#include <trace/define_trace.h>
