// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_native: test-only native runner of the fidelity oracle. It runs
 * a channel program from kernel memory on one I/O subchannel, exactly as
 * given (any ORB format and option), and reports the condition code of
 * START SUBCHANNEL, every IRB and the memory as the channel left it. The
 * selftest vfio_ccw_fidelity runs the same program through vfio-ccw on an
 * identical subchannel and compares.
 *
 * It is a css driver that binds only a subchannel whose driver_override
 * names it, so loading it takes nothing from anyone; the ccw device layer
 * is left out on purpose: it forces format-1 CCWs and 64-bit IDAWs and
 * hands its drivers an accumulated IRB, and the oracle needs the raw one.
 * Use in the guest:
 *
 *   echo 0.0.0004 > /sys/bus/css/devices/0.0.0004/driver/unbind
 *   echo vfio_ccw_native > /sys/bus/css/devices/0.0.0004/driver_override
 *   echo 0.0.0004 > /sys/bus/css/drivers/vfio_ccw_native/bind
 *
 * then the debugfs files of vfio_ccw_native.h.
 */

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/cio.h>
#include <asm/isc.h>
#include "cio.h"
#include "css.h"
#include "ioasm.h"
#include "orb.h"
#include "vfio_ccw_native.h"

#define NATIVE_NAME	"vfio_ccw_native"
#define NATIVE_ORDER	get_order(VCCW_NATIVE_WINDOW)
#define NATIVE_LOW	SZ_16M
#define NATIVE_TRIES	64

/**
 * struct native_dev - the one subchannel the runner drives
 * @sch: the subchannel
 * @window: VCCW_NATIVE_WINDOW bytes of 31-bit DMA memory
 * @low: @window ends below 16 MiB
 * @orb: the ORB of the start (31-bit memory: inside this structure, which
 *       is allocated GFP_DMA)
 * @res: the result being recorded; @res.nirq etc. under the sch lock
 * @final: the last interrupt ended the start function
 * @done: completed at each interrupt
 */
struct native_dev {
	struct subchannel *sch;
	void *window;
	bool low;
	union orb orb;
	struct vccw_native_res res;
	bool final;
	struct completion done;
};

static struct css_driver native_driver;
static DEFINE_MUTEX(native_mutex);	/* one run at a time; native_cur */
static struct native_dev *native_cur;
static struct dentry *native_dir;
static void *native_out;		/* the result of the last run */
static size_t native_out_len;

/*
 * Does this SCSW end the start function? Status pending with primary
 * status (the normal end, also of a halt or a clear) or alert status
 * without intermediate status: later interrupts need a new function.
 */
static bool native_final(const union scsw *scsw)
{
	u32 stctl = scsw->cmd.stctl;

	if (!(stctl & SCSW_STCTL_STATUS_PEND))
		return false;
	if (stctl & SCSW_STCTL_PRIM_STATUS)
		return true;
	return (stctl & SCSW_STCTL_ALERT_STATUS) &&
	       !(stctl & SCSW_STCTL_INTER_STATUS);
}

static void native_irq(struct subchannel *sch)
{
	struct native_dev *nd = dev_get_drvdata(&sch->dev);
	struct irb *irb = this_cpu_ptr(&cio_irb);

	inc_irq_stat(IRQIO_CIO);
	if (!nd)
		return;
	if (nd->res.nirq < VCCW_NATIVE_MAX_IRQS)
		memcpy(nd->res.irb[nd->res.nirq], irb, VCCW_NATIVE_IRB_SIZE);
	nd->res.nirq++;
	if (native_final(&irb->scsw))
		nd->final = true;
	complete(&nd->done);
}

/* A window of 31-bit memory, below 16 MiB when one can be found. */
static void *native_window(bool *low)
{
	struct page *page, *tmp, *pages[NATIVE_TRIES];
	void *win = NULL;
	int i, n = 0;

	for (i = 0; i < NATIVE_TRIES; i++) {
		page = alloc_pages(GFP_KERNEL | GFP_DMA | __GFP_NOWARN,
				   NATIVE_ORDER);
		if (!page)
			break;
		if (page_to_phys(page) + VCCW_NATIVE_WINDOW <= NATIVE_LOW) {
			win = page_address(page);
			break;
		}
		pages[n++] = page;
	}
	*low = win;
	if (!win && n) {
		/* the first one will do, for format-1 programs */
		win = page_address(pages[0]);
		pages[0] = NULL;
	}
	for (i = 0; i < n; i++) {
		tmp = pages[i];
		if (tmp)
			__free_pages(tmp, NATIVE_ORDER);
	}
	return win;
}

static int native_probe(struct subchannel *sch)
{
	struct native_dev *nd;
	int ret;

	/* only a subchannel given to it by name */
	if (device_match_driver_override(&sch->dev, &native_driver.drv) <= 0)
		return -ENODEV;
	nd = kzalloc(sizeof(*nd), GFP_KERNEL | GFP_DMA);
	if (!nd)
		return -ENOMEM;
	nd->sch = sch;
	init_completion(&nd->done);
	nd->window = native_window(&nd->low);
	if (!nd->window) {
		kfree(nd);
		return -ENOMEM;
	}
	dev_set_drvdata(&sch->dev, nd);
	scoped_guard(spinlock_irq, &sch->lock) {
		sch->isc = IO_SCH_ISC;
		ret = cio_enable_subchannel(sch, (u32)virt_to_phys(sch));
	}
	if (ret)
		goto err;
	scoped_guard(mutex, &native_mutex) {
		if (native_cur)
			ret = -EBUSY;
		else
			native_cur = nd;
	}
	if (ret)
		goto err_disable;
	dev_info(&sch->dev, "vfio_ccw_native: window at %pa%s\n",
		 &(phys_addr_t){ virt_to_phys(nd->window) },
		 nd->low ? " (below 16 MiB)" : "");
	return 0;

err_disable:
	scoped_guard(spinlock_irq, &sch->lock)
		cio_disable_subchannel(sch);
err:
	dev_set_drvdata(&sch->dev, NULL);
	free_pages((unsigned long)nd->window, NATIVE_ORDER);
	kfree(nd);
	return ret;
}

static void native_remove(struct subchannel *sch)
{
	struct native_dev *nd = dev_get_drvdata(&sch->dev);

	scoped_guard(mutex, &native_mutex)
		if (native_cur == nd)
			native_cur = NULL;
	scoped_guard(spinlock_irq, &sch->lock) {
		cio_disable_subchannel(sch);
		dev_set_drvdata(&sch->dev, NULL);
	}
	free_pages((unsigned long)nd->window, NATIVE_ORDER);
	kfree(nd);
}

/* Clear what the run left active; bounded, best effort. */
static void native_quiesce(struct native_dev *nd)
{
	struct subchannel *sch = nd->sch;
	struct schib schib;
	int i;

	for (i = 0; i < 100; i++) {
		scoped_guard(spinlock_irq, &sch->lock) {
			if (stsch(sch->schid, &schib) ||
			    (!schib.scsw.cmd.actl &&
			     !(schib.scsw.cmd.stctl & SCSW_STCTL_STATUS_PEND)))
				return;
			if (!schib.scsw.cmd.actl ||
			    !(schib.scsw.cmd.actl & SCSW_ACTL_CLEAR_PEND))
				csch(sch->schid);
		}
		usleep_range(2000, 3000);
	}
}

/*
 * Has the start ended: a final interrupt, or STORE SUBCHANNEL shows it
 * suspended without status pending (a suspension interrupts only when the
 * ORB asks for it)?
 */
static bool native_ended(struct native_dev *nd)
{
	struct subchannel *sch = nd->sch;
	struct schib schib;

	guard(spinlock_irq)(&sch->lock);
	if (nd->final)
		return true;
	if (stsch(sch->schid, &schib) ||
	    !(schib.scsw.cmd.actl & SCSW_ACTL_SUSPENDED) ||
	    (schib.scsw.cmd.stctl & SCSW_STCTL_STATUS_PEND))
		return false;
	nd->res.suspended = 1;
	return true;
}

/* Run @req on @nd: nd->res is the result. */
static void native_run(struct native_dev *nd, const struct vccw_native_req *req,
		       const void *image)
{
	unsigned long end = jiffies + msecs_to_jiffies(req->wait_ms);
	struct subchannel *sch = nd->sch;
	struct schib schib;
	int cc;

	memset(nd->window, 0, VCCW_NATIVE_WINDOW);
	memcpy(nd->window, image, req->len);
	memset(&nd->res, 0, sizeof(nd->res));
	nd->final = false;
	reinit_completion(&nd->done);

	memset(&nd->orb, 0, sizeof(nd->orb));
	memcpy((u32 *)&nd->orb + 1, &req->orb[1], 2 * sizeof(u32));
	nd->orb.cmd.intparm = (u32)virt_to_phys(sch);
	scoped_guard(spinlock_irq, &sch->lock)
		cc = ssch(sch->schid, &nd->orb);
	nd->res.cc = cc;
	if (cc)
		return;
	while (!native_ended(nd)) {
		if (time_after(jiffies, end)) {
			nd->res.timeout = 1;
			break;
		}
		wait_for_completion_timeout(&nd->done, msecs_to_jiffies(1));
	}
	scoped_guard(spinlock_irq, &sch->lock) {
		nd->res.stsch_cc = stsch(sch->schid, &schib);
		memcpy(nd->res.scsw, &schib.scsw, sizeof(nd->res.scsw));
	}
	if (nd->res.suspended || nd->res.timeout)
		native_quiesce(nd);
}

static ssize_t native_run_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct vccw_native_req req;
	struct native_dev *nd;
	void *buf, *out;
	ssize_t ret;

	if (len < sizeof(req))
		return -EINVAL;
	if (copy_from_user(&req, ubuf, sizeof(req)))
		return -EFAULT;
	if (req.len > VCCW_NATIVE_WINDOW || len != sizeof(req) + req.len ||
	    req.wait_ms > 60000)
		return -EINVAL;
	buf = vmemdup_user(ubuf + sizeof(req), req.len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	out = kvmalloc(sizeof(*out) + VCCW_NATIVE_WINDOW, GFP_KERNEL);
	if (!out) {
		kvfree(buf);
		return -ENOMEM;
	}
	scoped_guard(mutex, &native_mutex) {
		nd = native_cur;
		if (!nd) {
			ret = -ENODEV;
			break;
		}
		native_run(nd, &req, buf);
		memcpy(out, &nd->res, sizeof(nd->res));
		memcpy(out + sizeof(nd->res), nd->window, VCCW_NATIVE_WINDOW);
		kvfree(native_out);
		native_out = out;
		native_out_len = sizeof(nd->res) + VCCW_NATIVE_WINDOW;
		out = NULL;
		ret = len;
	}
	kvfree(out);
	kvfree(buf);
	return ret;
}

static ssize_t native_run_read(struct file *file, char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	guard(mutex)(&native_mutex);
	if (!native_out)
		return -ENODATA;
	return simple_read_from_buffer(ubuf, len, ppos, native_out,
				       native_out_len);
}

static const struct file_operations native_run_fops = {
	.owner = THIS_MODULE,
	.write = native_run_write,
	.read = native_run_read,
	.llseek = default_llseek,
};

static ssize_t native_info_read(struct file *file, char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct vccw_native_info info = { .size = VCCW_NATIVE_WINDOW };

	scoped_guard(mutex, &native_mutex) {
		if (!native_cur)
			return -ENODEV;
		info.base = virt_to_phys(native_cur->window);
		info.low = native_cur->low;
		strscpy(info.schid, dev_name(&native_cur->sch->dev));
	}
	return simple_read_from_buffer(ubuf, len, ppos, &info, sizeof(info));
}

static const struct file_operations native_info_fops = {
	.owner = THIS_MODULE,
	.read = native_info_read,
	.llseek = default_llseek,
};

static struct css_device_id native_ids[] = {
	{ .match_flags = 0x1, .type = SUBCHANNEL_TYPE_IO, },
	{ /* end of list */ },
};

static struct css_driver native_driver = {
	.drv = {
		.name = NATIVE_NAME,
		.owner = THIS_MODULE,
	},
	.subchannel_type = native_ids,
	.irq = native_irq,
	.probe = native_probe,
	.remove = native_remove,
};

static int __init native_init(void)
{
	int ret;

	native_dir = debugfs_create_dir(NATIVE_NAME, NULL);
	debugfs_create_file("run", 0600, native_dir, NULL, &native_run_fops);
	debugfs_create_file("info", 0400, native_dir, NULL, &native_info_fops);
	ret = css_driver_register(&native_driver);
	if (ret)
		debugfs_remove_recursive(native_dir);
	return ret;
}

static void __exit native_exit(void)
{
	debugfs_remove_recursive(native_dir);
	css_driver_unregister(&native_driver);
	kvfree(native_out);
}

module_init(native_init);
module_exit(native_exit);
MODULE_DESCRIPTION("vfio_ccw fidelity oracle: native runner (test only)");
MODULE_LICENSE("GPL");
