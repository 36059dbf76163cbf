// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the css driver for I/O subchannels, the interrupt handler,
 * subchannel and channel-path events, and module init.
 */
#include <linux/cleanup.h>
#include <linux/list.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>
#include <asm/crw.h>
#include <asm/irq.h>
#include <asm/isc.h>

#include "chp.h"
#include "cio.h"
#include "css.h"
#include "ioasm.h"
#include "vfio_ccw_cp.h"
#include "vfio_ccw_func.h"
#include "vfio_ccw_hw.h"
#include "vfio_ccw_private.h"
#include "vfio_ccw_region.h"
#include "vfio_ccw_trace.h"

static void vfio_ccw_sch_irq(struct subchannel *sch)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);

	lockdep_assert_held(&sch->lock);
	inc_irq_stat(IRQIO_CIO);
	if (!parent || !parent->private) {
		/* No mdev: the subchannel should be disabled; make it so. */
		dev_dbg_ratelimited(&sch->dev, "vfio_ccw: interrupt without mdev\n");
		vfio_ccw_hw_sch_disable(sch);
		return;
	}
	vfio_ccw_func_irq_locked(parent->private, this_cpu_ptr(&cio_irb));
}

static int vfio_ccw_sch_probe(struct subchannel *sch)
{
	struct vfio_ccw_parent *parent;
	int ret;

	if (sch->schib.pmcw.qf) {
		dev_warn(&sch->dev, "vfio: ccw: does not support QDIO: %s\n",
			 dev_name(&sch->dev));
		return -ENODEV;
	}

	parent = kzalloc(sizeof(*parent), GFP_KERNEL);
	if (!parent)
		return -ENOMEM;
	parent->sch = sch;
	parent->mtype.sysfs_name = "io";
	parent->mtype.pretty_name = "I/O subchannel (Non-QDIO)";
	parent->mtypes[0] = &parent->mtype;
	dev_set_drvdata(&sch->dev, parent);

	ret = mdev_register_parent(&parent->mparent, &sch->dev,
				   &vfio_ccw_mdev_driver, parent->mtypes, 1);
	if (ret)
		goto err_free;
	return 0;

err_free:
	dev_set_drvdata(&sch->dev, NULL);
	kfree(parent);
	return ret;
}

static void vfio_ccw_sch_remove(struct subchannel *sch)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);

	/* Removes the mdev, which waits until user space closes it. */
	mdev_unregister_parent(&parent->mparent);
	scoped_guard(spinlock_irq, &sch->lock)
		dev_set_drvdata(&sch->dev, NULL);
	kfree(parent);
}

/*
 * Reboot or kexec: the channel must not run a program into memory that the
 * next kernel reuses. Quiesce as close does (clear, bounded wait, disable);
 * a later close of the device finds it closed already.
 */
static void vfio_ccw_sch_shutdown(struct subchannel *sch)
{
	struct vfio_ccw_private *private = NULL;
	struct vfio_ccw_parent *parent;

	scoped_guard(spinlock_irq, &sch->lock) {
		parent = dev_get_drvdata(&sch->dev);
		if (parent && parent->private) {
			private = parent->private;
			/* the vfio device, and @private, outlive the remove */
			get_device(&private->vdev.device);
		} else {
			vfio_ccw_hw_sch_disable(sch);
		}
	}
	if (!private)
		return;
	vfio_ccw_fsm_close(private);
	put_device(&private->vdev.device);
}

static int vfio_ccw_sch_event(struct subchannel *sch, int process)
{
	struct vfio_ccw_parent *parent;

	guard(spinlock_irqsave)(&sch->lock);
	/* under the lock: remove clears drvdata under it, then frees */
	parent = dev_get_drvdata(&sch->dev);
	if (!device_is_registered(&sch->dev) || work_pending(&sch->todo_work))
		return -EAGAIN;
	if (vfio_ccw_hw_sch_refresh(sch)) {
		if (parent && parent->private)
			vfio_ccw_fsm_notoper_locked(parent->private);
		css_sched_sch_todo(sch, SCH_TODO_UNREG);
	}
	return 0;
}

static u32 vfio_ccw_make_crw(u8 erc, u8 chpid)
{
	union {
		struct crw crw;
		u32 val;
	} u = { .crw = { .rsc = CRW_RSC_CPATH, .erc = erc, .rsid = chpid } };

	return u.val;
}

/* A channel-path event for the paths in @mask; sch->lock held. */
static int vfio_ccw_chp_mask_locked(struct subchannel *sch, int mask,
				    u8 chpid, int event)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);
	struct vfio_ccw_private *private = parent ? parent->private : NULL;

	lockdep_assert_held(&sch->lock);
	if (!private || !mask)
		return 0;
	trace_vfio_ccw_chp_event(sch->schid, mask, event);
	if (vfio_ccw_hw_sch_refresh(sch))
		return -ENODEV;

	switch (event) {
	case CHP_VARY_OFF:
		sch->opm &= ~mask;
		sch->lpm &= ~mask;
		if (sch->schib.pmcw.lpum & mask)
			vfio_ccw_func_clear_locked(private);
		break;
	case CHP_OFFLINE:
		if (sch->schib.pmcw.lpum & mask)
			vfio_ccw_func_clear_locked(private);
		vfio_ccw_crw_queue_locked(private,
					  vfio_ccw_make_crw(CRW_ERC_PERRN,
							    chpid));
		break;
	case CHP_VARY_ON:
		sch->opm |= mask;
		sch->lpm |= mask;
		break;
	case CHP_ONLINE:
		sch->lpm |= mask & sch->opm;
		vfio_ccw_crw_queue_locked(private,
					  vfio_ccw_make_crw(CRW_ERC_INIT,
							    chpid));
		break;
	}
	return 0;
}

static int vfio_ccw_chp_event(struct subchannel *sch, struct chp_link *link,
			      int event)
{
	return vfio_ccw_chp_mask_locked(sch,
					chp_ssd_get_mask(&sch->ssd_info, link),
					link->chpid.id, event);
}

static struct css_driver vfio_ccw_sch_driver;

struct vfio_ccw_chp_inject {
	u8 chpid;
	int event;
	int n;
};

/*
 * One subchannel bound to the driver (the walk holds a reference on it).
 * Its parent is looked at under its lock only, as for a real event: remove
 * clears it under that lock before freeing it.
 */
static int vfio_ccw_chp_inject_one(struct device *dev, void *data)
{
	struct vfio_ccw_chp_inject *in = data;
	struct subchannel *sch = to_subchannel(dev);
	int i, mask = 0;

	guard(spinlock_irq)(&sch->lock);
	for (i = 0; i < 8; i++)
		if (sch->schib.pmcw.chpid[i] == in->chpid &&
		    (sch->schib.pmcw.pim & (0x80 >> i)))
			mask |= 0x80 >> i;
	if (mask) {
		vfio_ccw_chp_mask_locked(sch, mask, in->chpid, in->event);
		in->n++;
	}
	return 0;
}

/**
 * vfio_ccw_chp_event_inject() - deliver a channel-path event (tests only)
 * @chpid: the channel-path id
 * @event: CHP_ONLINE, CHP_OFFLINE, CHP_VARY_ON or CHP_VARY_OFF
 *
 * Delivers @event, as the css layer would, to every subchannel bound to
 * this driver that has @chpid in its path-installed mask.
 *
 * Return: the number of subchannels that got the event, or -errno.
 */
int vfio_ccw_chp_event_inject(u8 chpid, int event)
{
	struct vfio_ccw_chp_inject in = { .chpid = chpid, .event = event };
	int ret;

	ret = driver_for_each_device(&vfio_ccw_sch_driver.drv, NULL, &in,
				     vfio_ccw_chp_inject_one);
	return ret ?: in.n;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_chp_event_inject);

static struct css_device_id vfio_ccw_sch_ids[] = {
	{ .match_flags = 0x1, .type = SUBCHANNEL_TYPE_IO, },
	{ /* end of list */ },
};
MODULE_DEVICE_TABLE(css, vfio_ccw_sch_ids);

static struct css_driver vfio_ccw_sch_driver = {
	.drv = {
		.name = "vfio_ccw",
		.owner = THIS_MODULE,
	},
	.subchannel_type = vfio_ccw_sch_ids,
	.irq = vfio_ccw_sch_irq,
	.probe = vfio_ccw_sch_probe,
	.remove = vfio_ccw_sch_remove,
	.shutdown = vfio_ccw_sch_shutdown,
	.sch_event = vfio_ccw_sch_event,
	.chp_event = vfio_ccw_chp_event,
};

static int __init vfio_ccw_init(void)
{
	int ret;

	ret = vfio_ccw_cp_init();
	if (ret)
		return ret;
	isc_register(VFIO_CCW_ISC);
	ret = mdev_register_driver(&vfio_ccw_mdev_driver);
	if (ret)
		goto err_isc;
	ret = css_driver_register(&vfio_ccw_sch_driver);
	if (ret)
		goto err_mdev;
	return 0;

err_mdev:
	mdev_unregister_driver(&vfio_ccw_mdev_driver);
err_isc:
	isc_unregister(VFIO_CCW_ISC);
	vfio_ccw_cp_exit();
	return ret;
}

static void __exit vfio_ccw_exit(void)
{
	css_driver_unregister(&vfio_ccw_sch_driver);
	mdev_unregister_driver(&vfio_ccw_mdev_driver);
	isc_unregister(VFIO_CCW_ISC);
	vfio_ccw_cp_exit();
}

module_init(vfio_ccw_init);
module_exit(vfio_ccw_exit);

MODULE_DESCRIPTION("VFIO driver for s390 I/O subchannels (mediated)");
MODULE_LICENSE("GPL");
