// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_floor: test-only benchmark module giving the floor of the vfio_ccw
 * benchmarks (scripts/bench.sh): the round trip of a one-CCW SENSE ID issued
 * in the kernel through the ccw device layer, without vfio in between.
 *
 * It is a ccw driver for control-unit type 0x3832 (virtio-ccw) that accepts
 * only the device named by the "busid" parameter, so that loading it takes
 * no device away from anyone. Use in the guest:
 *
 *   echo 0.0.0011 > /sys/module/vfio_ccw_floor/parameters/busid
 *   echo 0.0.0011 > /sys/bus/ccw/drivers/vfio_ccw_floor/bind
 *   echo 1 > /sys/bus/ccw/devices/0.0.0011/online
 *   echo 5000 > /sys/kernel/debug/vfio_ccw_floor/run
 *   cat /sys/kernel/debug/vfio_ccw_floor/run
 *
 * Writing N to "run" issues N SENSE IDs one after the other (start, wait for
 * the interrupt) and records each round trip; reading "run" prints the
 * count, errors, median, 99th percentile, minimum and mean in nanoseconds.
 */

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/ccwdev.h>
#include <asm/cio.h>
#include <asm/dma-types.h>

#define FLOOR_SENSE_ID		0xe4
#define FLOOR_DATA_LEN		8
#define FLOOR_MAX_RUNS		100000
#define FLOOR_TIMEOUT		(5 * HZ)

static char floor_busid[32];
module_param_string(busid, floor_busid, sizeof(floor_busid), 0644);
MODULE_PARM_DESC(busid, "the only ccw device (bus id) the driver accepts");

/**
 * struct floor_dev - the one device the benchmark drives
 * @cdev: the ccw device
 * @ccw: the SENSE ID CCW, in 31-bit DMA memory of the device
 * @data: the SENSE ID data area, in 31-bit DMA memory of the device
 * @done: completed by the interrupt handler at the end of each start
 * @dstat: device status of the last interrupt
 * @cstat: subchannel status of the last interrupt
 * @irq_err: the last interrupt reported an error (-errno) instead of an IRB
 * @online: @ccw and @data are allocated
 */
struct floor_dev {
	struct ccw_device *cdev;
	struct ccw1 *ccw;
	u8 *data;
	struct completion done;
	u8 dstat;
	u8 cstat;
	int irq_err;
	bool online;
};

/* The results of the last run; protected by floor_mutex with floor_cur. */
static DEFINE_MUTEX(floor_mutex);
static struct floor_dev *floor_cur;
static char floor_result[256] = "no run yet\n";
static struct dentry *floor_dir;

static void floor_irq(struct ccw_device *cdev, unsigned long intparm,
		      struct irb *irb)
{
	struct floor_dev *fd = dev_get_drvdata(&cdev->dev);

	if (!fd)
		return;
	if (IS_ERR(irb)) {
		fd->irq_err = PTR_ERR(irb);
	} else {
		fd->irq_err = 0;
		fd->dstat = irb->scsw.cmd.dstat;
		fd->cstat = irb->scsw.cmd.cstat;
	}
	complete(&fd->done);
}

static int floor_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* One SENSE ID, start to interrupt; the time in ns or -errno. */
static s64 floor_one(struct floor_dev *fd)
{
	unsigned long flags;
	u64 t0, t1;
	int ret;

	reinit_completion(&fd->done);
	t0 = ktime_get_ns();
	spin_lock_irqsave(get_ccwdev_lock(fd->cdev), flags);
	ret = ccw_device_start(fd->cdev, fd->ccw, 0xf100, 0, 0);
	spin_unlock_irqrestore(get_ccwdev_lock(fd->cdev), flags);
	if (ret)
		return ret;
	if (!wait_for_completion_timeout(&fd->done, FLOOR_TIMEOUT))
		return -ETIMEDOUT;
	t1 = ktime_get_ns();
	if (fd->irq_err)
		return fd->irq_err;
	if (fd->cstat || !(fd->dstat & DEV_STAT_DEV_END))
		return -EIO;
	return t1 - t0;
}

static int floor_run(struct floor_dev *fd, unsigned int n)
{
	unsigned int i, ok = 0, errs = 0;
	int last_err = 0;
	u64 sum = 0;
	u64 *t;

	t = kvmalloc_array(n, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		s64 v = floor_one(fd);

		if (v < 0) {
			errs++;
			last_err = v;
			if (v == -ETIMEDOUT)
				break;
			continue;
		}
		t[ok++] = v;
		sum += v;
		cond_resched();
	}
	if (ok) {
		sort(t, ok, sizeof(*t), floor_cmp, NULL);
		snprintf(floor_result, sizeof(floor_result),
			 "n=%u errors=%u last_error=%d median_ns=%llu p99_ns=%llu min_ns=%llu mean_ns=%llu\n",
			 ok, errs, last_err, t[ok / 2],
			 t[min_t(unsigned int, ok - 1, (u64)ok * 99 / 100)],
			 t[0], div_u64(sum, ok));
	} else {
		snprintf(floor_result, sizeof(floor_result),
			 "n=0 errors=%u last_error=%d\n", errs, last_err);
	}
	kvfree(t);
	return ok ? 0 : (last_err ?: -EIO);
}

static ssize_t floor_run_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	unsigned int n;
	int ret;

	ret = kstrtouint_from_user(ubuf, len, 0, &n);
	if (ret)
		return ret;
	if (!n || n > FLOOR_MAX_RUNS)
		return -EINVAL;
	guard(mutex)(&floor_mutex);
	if (!floor_cur || !floor_cur->online)
		return -ENODEV;
	ret = floor_run(floor_cur, n);
	return ret ? ret : len;
}

static ssize_t floor_run_read(struct file *file, char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	guard(mutex)(&floor_mutex);
	return simple_read_from_buffer(ubuf, len, ppos, floor_result,
				       strlen(floor_result));
}

static const struct file_operations floor_run_fops = {
	.owner = THIS_MODULE,
	.read = floor_run_read,
	.write = floor_run_write,
	.llseek = default_llseek,
};

static int floor_probe(struct ccw_device *cdev)
{
	struct floor_dev *fd;

	if (!floor_busid[0] || !sysfs_streq(floor_busid, dev_name(&cdev->dev)))
		return -ENODEV;
	guard(mutex)(&floor_mutex);
	if (floor_cur)
		return -EBUSY;
	fd = kzalloc(sizeof(*fd), GFP_KERNEL);
	if (!fd)
		return -ENOMEM;
	fd->cdev = cdev;
	init_completion(&fd->done);
	dev_set_drvdata(&cdev->dev, fd);
	cdev->handler = floor_irq;
	floor_cur = fd;
	return 0;
}

static int floor_set_online(struct ccw_device *cdev)
{
	struct floor_dev *fd = dev_get_drvdata(&cdev->dev);
	dma32_t dma;

	guard(mutex)(&floor_mutex);
	fd->ccw = ccw_device_dma_zalloc(cdev, sizeof(*fd->ccw), &dma);
	if (!fd->ccw)
		return -ENOMEM;
	fd->data = ccw_device_dma_zalloc(cdev, FLOOR_DATA_LEN, &dma);
	if (!fd->data) {
		ccw_device_dma_free(cdev, fd->ccw, sizeof(*fd->ccw));
		fd->ccw = NULL;
		return -ENOMEM;
	}
	fd->ccw->cmd_code = FLOOR_SENSE_ID;
	fd->ccw->flags = CCW_FLAG_SLI;
	fd->ccw->count = FLOOR_DATA_LEN;
	fd->ccw->cda = dma;
	fd->online = true;
	return 0;
}

static void floor_free_dma(struct floor_dev *fd)
{
	if (!fd->online)
		return;
	ccw_device_dma_free(fd->cdev, fd->data, FLOOR_DATA_LEN);
	ccw_device_dma_free(fd->cdev, fd->ccw, sizeof(*fd->ccw));
	fd->data = NULL;
	fd->ccw = NULL;
	fd->online = false;
}

static int floor_set_offline(struct ccw_device *cdev)
{
	struct floor_dev *fd = dev_get_drvdata(&cdev->dev);

	guard(mutex)(&floor_mutex);
	floor_free_dma(fd);
	return 0;
}

static void floor_remove(struct ccw_device *cdev)
{
	struct floor_dev *fd = dev_get_drvdata(&cdev->dev);

	if (cdev->online)
		ccw_device_set_offline(cdev);
	guard(mutex)(&floor_mutex);
	floor_free_dma(fd);
	cdev->handler = NULL;
	dev_set_drvdata(&cdev->dev, NULL);
	if (floor_cur == fd)
		floor_cur = NULL;
	kfree(fd);
}

static struct ccw_device_id floor_ids[] = {
	{ CCW_DEVICE(0x3832, 0) },
	{},
};

static struct ccw_driver floor_driver = {
	.driver = {
		.owner = THIS_MODULE,
		.name = "vfio_ccw_floor",
	},
	.ids = floor_ids,
	.probe = floor_probe,
	.remove = floor_remove,
	.set_online = floor_set_online,
	.set_offline = floor_set_offline,
	.int_class = IRQIO_VIR,
};

static int __init floor_init(void)
{
	int ret;

	floor_dir = debugfs_create_dir("vfio_ccw_floor", NULL);
	debugfs_create_file("run", 0600, floor_dir, NULL, &floor_run_fops);
	ret = ccw_driver_register(&floor_driver);
	if (ret)
		goto err_debugfs;
	return 0;

err_debugfs:
	debugfs_remove_recursive(floor_dir);
	return ret;
}

static void __exit floor_exit(void)
{
	ccw_driver_unregister(&floor_driver);
	debugfs_remove_recursive(floor_dir);
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_DESCRIPTION("vfio_ccw benchmark floor: SENSE ID through the ccw device layer");
MODULE_LICENSE("GPL");
