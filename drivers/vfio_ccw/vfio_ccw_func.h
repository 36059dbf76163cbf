/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: what a request does (vfio_ccw_func.c): start (overtaking),
 * halt, clear, cancel, resume, and the interrupt that ends a function.
 */
#ifndef _VFIO_CCW_FUNC_H_
#define _VFIO_CCW_FUNC_H_

#include <linux/types.h>

struct irb;
struct vfio_ccw_private;
union orb;
union scsw;

int vfio_ccw_func_start(struct vfio_ccw_private *private,
			const union orb *orb);
int vfio_ccw_func_halt(struct vfio_ccw_private *private);
int vfio_ccw_func_clear(struct vfio_ccw_private *private);
int vfio_ccw_func_clear_locked(struct vfio_ccw_private *private);
int vfio_ccw_func_cancel(struct vfio_ccw_private *private);
int vfio_ccw_func_resume(struct vfio_ccw_private *private);
void vfio_ccw_func_irq_locked(struct vfio_ccw_private *private,
			      const struct irb *irb);
#if IS_ENABLED(CONFIG_KUNIT)
bool vfio_ccw_irq_is_final(const union scsw *scsw);
#endif

#endif /* _VFIO_CCW_FUNC_H_ */
