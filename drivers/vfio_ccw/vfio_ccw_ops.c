// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the mdev driver, the vfio_device ops and the ioctls.
 */
#include <linux/cleanup.h>
#include <linux/eventfd.h>
#include <linux/mdev.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "css.h"
#include "vfio_ccw_cp.h"
#include "vfio_ccw_hw.h"
#include "vfio_ccw_private.h"
#include "vfio_ccw_region.h"

static const struct vfio_device_ops vfio_ccw_dev_ops;

static struct vfio_ccw_private *to_private(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_ccw_private, vdev);
}

static int vfio_ccw_dev_init(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private = to_private(vdev);
	struct subchannel *sch = to_subchannel(vdev->dev->parent);

	private->sch = sch;
	private->parent = dev_get_drvdata(&sch->dev);
	private->schid = sch->schid;
	private->intparm = (u32)virt_to_phys(sch);
	vfio_ccw_private_init(private, &vfio_ccw_hw_cio_ops,
			      &vfio_ccw_pin_vfio_backend, &sch->lock,
			      &vdev->device);
	return 0;
}

static void vfio_ccw_dev_release(struct vfio_device *vdev)
{
	vfio_ccw_private_cleanup(to_private(vdev));
}

static int vfio_ccw_open_device(struct vfio_device *vdev)
{
	return vfio_ccw_fsm_open(to_private(vdev));
}

static void vfio_ccw_close_device(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private = to_private(vdev);
	struct eventfd_ctx *io, *crw, *req;

	vfio_ccw_fsm_close(private);
	/* Every program is gone: what stays pinned is the cache. */
	vfio_ccw_pins_cache_flush(&private->pins);
	scoped_guard(spinlock_irq, private->lock) {
		io = private->io_trigger;
		crw = private->crw_trigger;
		req = private->req_trigger;
		private->io_trigger = NULL;
		private->crw_trigger = NULL;
		private->req_trigger = NULL;
		vfio_ccw_crw_flush_locked(private);
	}
	if (io)
		eventfd_ctx_put(io);
	if (crw)
		eventfd_ctx_put(crw);
	if (req)
		eventfd_ctx_put(req);
}

static ssize_t vfio_ccw_read(struct vfio_device *vdev, char __user *buf,
			     size_t count, loff_t *ppos)
{
	u64 index = VFIO_CCW_OFFSET_TO_INDEX(*ppos);
	ssize_t ret;

	if (index >= VFIO_CCW_NUM_REGIONS)
		return -EINVAL;
	ret = vfio_ccw_regions[index].read(to_private(vdev), buf, count,
					   *ppos & VFIO_CCW_OFFSET_MASK);
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static ssize_t vfio_ccw_write(struct vfio_device *vdev,
			      const char __user *buf, size_t count,
			      loff_t *ppos)
{
	u64 index = VFIO_CCW_OFFSET_TO_INDEX(*ppos);
	ssize_t ret;

	ret = vfio_ccw_region_write(to_private(vdev), index, buf, count,
				    *ppos & VFIO_CCW_OFFSET_MASK);
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static void vfio_ccw_fill_cap(struct vfio_device_info_cap_ccw *cap)
{
	int i;

	cap->features = VFIO_CCW_FEAT_IO_HALT_CLEAR | VFIO_CCW_FEAT_OVERTAKE |
			VFIO_CCW_FEAT_STRICT_IO_WRITE | VFIO_CCW_FEAT_SUSPEND;
	cap->async_cmds = VFIO_CCW_ASYNC_CMD_HSCH | VFIO_CCW_ASYNC_CMD_CSCH |
			  VFIO_CCW_ASYNC_CMD_XSCH | VFIO_CCW_ASYNC_CMD_RSCH;
	for (i = 0; i < VFIO_CCW_REGION_SLOTS; i++)
		cap->region_index[i] = VFIO_CCW_INDEX_NONE;
	for (i = 0; i < VFIO_CCW_IRQ_SLOTS; i++)
		cap->irq_index[i] = VFIO_CCW_INDEX_NONE;
	for (i = 0; i < VFIO_CCW_NUM_REGIONS; i++)
		cap->region_index[vfio_ccw_regions[i].slot] = i;
	cap->irq_index[VFIO_CCW_IRQ_IO] = VFIO_CCW_IO_IRQ_INDEX;
	cap->irq_index[VFIO_CCW_IRQ_CRW] = VFIO_CCW_CRW_IRQ_INDEX;
	cap->irq_index[VFIO_CCW_IRQ_REQ] = VFIO_CCW_REQ_IRQ_INDEX;
}

/*
 * Copy in the first @minsz bytes of a request for the info of region or
 * IRQ *@index into @info, a structure of @infosz bytes (@argsz and @index
 * are fields of it). Return: 0; -EFAULT; -EINVAL when its argsz is short
 * of @minsz or *@index is not below @nr.
 */
static int vfio_ccw_info_in(void *info, size_t infosz,
			    const void __user *arg, size_t minsz,
			    const u32 *argsz, const u32 *index, u32 nr)
{
	if (WARN_ON_ONCE(minsz > infosz))
		return -EINVAL;
	if (copy_from_user(info, arg, minsz))
		return -EFAULT;
	if (*argsz < minsz || *index >= nr)
		return -EINVAL;
	return 0;
}

/*
 * Copy an info structure (its first @minsz bytes) out to @arg, after the
 * chain of capabilities @caps, if any: the vfio convention is that the
 * chain follows the @infosz bytes of the structure when *@argsz leaves
 * room for it, *@cap_offset then pointing at it; else *@argsz says how
 * much room it needs. @argsz and @cap_offset are fields of @info. Frees
 * the chain. Return: 0 or -EFAULT.
 */
static int vfio_ccw_info_out(void __user *arg, const void *info,
			     size_t minsz, size_t infosz,
			     struct vfio_info_cap *caps, u32 *argsz,
			     u32 *cap_offset)
{
	int ret = 0;

	if (WARN_ON_ONCE(minsz > infosz)) {
		kfree(caps->buf);
		return -EINVAL;
	}
	if (!caps->size) {
		/* no chain */
	} else if (*argsz < infosz + caps->size) {
		*argsz = infosz + caps->size;
	} else {
		vfio_info_cap_shift(caps, infosz);
		if (copy_to_user(arg + infosz, caps->buf, caps->size))
			ret = -EFAULT;
		*cap_offset = infosz;
	}
	kfree(caps->buf);
	if (ret)
		return ret;
	return copy_to_user(arg, info, minsz) ? -EFAULT : 0;
}

static int vfio_ccw_ioctl_get_info(struct vfio_ccw_private *private,
				   struct vfio_device_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_device_info_cap_ccw *cap;
	struct vfio_info_cap_header *header;
	struct vfio_device_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	info.flags = VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_CCW_NUM_REGIONS;
	info.num_irqs = VFIO_CCW_NUM_IRQS;
	/*
	 * A caller whose structure ends before cap_offset (QEMU before 4.2
	 * passes 16 bytes) gets upstream's answer, byte for byte: no
	 * capability flag, argsz as it was.
	 */
	if (info.argsz < offsetofend(struct vfio_device_info, cap_offset))
		return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
	minsz = min_t(size_t, info.argsz, sizeof(info));
	info.cap_offset = 0;
	info.pad = 0;

	header = vfio_info_cap_add(&caps, sizeof(*cap),
				   VFIO_DEVICE_INFO_CAP_CCW,
				   VFIO_CCW_ABI_VERSION);
	if (IS_ERR(header))
		return PTR_ERR(header);
	cap = container_of(header, struct vfio_device_info_cap_ccw, header);
	vfio_ccw_fill_cap(cap);

	info.flags |= VFIO_DEVICE_FLAGS_CAPS;
	return vfio_ccw_info_out(arg, &info, minsz, sizeof(info), &caps,
				 &info.argsz, &info.cap_offset);
}

static int vfio_ccw_ioctl_get_region_info(struct vfio_ccw_private *private,
					  struct vfio_region_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info_cap_type cap_type = {
		.header.id = VFIO_REGION_INFO_CAP_TYPE,
		.header.version = 1,
		.type = VFIO_REGION_TYPE_CCW,
	};
	struct vfio_region_info info;
	int ret;

	ret = vfio_ccw_info_in(&info, sizeof(info), arg, minsz, &info.argsz,
			       &info.index, VFIO_CCW_NUM_REGIONS);
	if (ret)
		return ret;

	info.offset = VFIO_CCW_INDEX_TO_OFFSET(info.index);
	info.size = vfio_ccw_regions[info.index].size;
	info.flags = vfio_ccw_regions[info.index].flags;
	info.cap_offset = 0;

	if (vfio_ccw_regions[info.index].subtype) {
		cap_type.subtype = vfio_ccw_regions[info.index].subtype;
		ret = vfio_info_add_capability(&caps, &cap_type.header,
					       sizeof(cap_type));
		if (ret)
			return ret;
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
	}
	return vfio_ccw_info_out(arg, &info, minsz, sizeof(info), &caps,
				 &info.argsz, &info.cap_offset);
}

static int vfio_ccw_ioctl_get_irq_info(struct vfio_ccw_private *private,
				       struct vfio_irq_info __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	int ret;

	ret = vfio_ccw_info_in(&info, sizeof(info), arg, minsz, &info.argsz,
			       &info.index, VFIO_CCW_NUM_IRQS);
	if (ret)
		return ret;
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	info.count = 1;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static struct eventfd_ctx **vfio_ccw_trigger(struct vfio_ccw_private *p,
					     unsigned int index)
{
	switch (index) {
	case VFIO_CCW_IO_IRQ_INDEX:
		return &p->io_trigger;
	case VFIO_CCW_CRW_IRQ_INDEX:
		return &p->crw_trigger;
	default:
		return &p->req_trigger;
	}
}

static int vfio_ccw_set_trigger(struct vfio_ccw_private *private,
				unsigned int index, s32 fd)
{
	struct eventfd_ctx *new = NULL, *old;
	struct eventfd_ctx **slot;

	if (fd >= 0) {
		new = eventfd_ctx_fdget(fd);
		if (IS_ERR(new))
			return -EINVAL;
	} else if (fd != -1) {
		return -EINVAL;
	}
	scoped_guard(spinlock_irq, private->lock) {
		slot = vfio_ccw_trigger(private, index);
		old = *slot;
		*slot = new;
	}
	if (old)
		eventfd_ctx_put(old);
	return 0;
}

static int vfio_ccw_ioctl_set_irqs(struct vfio_ccw_private *private,
				   struct vfio_irq_set __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	struct eventfd_ctx *trigger;
	size_t data_size = 0;
	u8 data[4] = {};
	s32 fd;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, 1, VFIO_CCW_NUM_IRQS,
						 &data_size);
	if (ret)
		return ret;
	if (!(hdr.flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		return -EINVAL;
	if (data_size > sizeof(data))
		return -EINVAL;
	if (data_size && copy_from_user(data, (u8 __user *)arg + minsz,
					data_size))
		return -EFAULT;

	switch (hdr.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		if (!hdr.count)
			return vfio_ccw_set_trigger(private, hdr.index, -1);
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (!data[0])
			return 0;
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		memcpy(&fd, data, sizeof(fd));
		return vfio_ccw_set_trigger(private, hdr.index, fd);
	default:
		return -EINVAL;
	}

	/* Loopback: signal the eventfd as the device would. */
	guard(spinlock_irq)(private->lock);
	trigger = *vfio_ccw_trigger(private, hdr.index);
	if (trigger)
		eventfd_signal(trigger);
	return 0;
}

static long vfio_ccw_ioctl(struct vfio_device *vdev, unsigned int cmd,
			   unsigned long arg)
{
	struct vfio_ccw_private *private = to_private(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfio_ccw_ioctl_get_info(private, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vfio_ccw_ioctl_get_region_info(private, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vfio_ccw_ioctl_get_irq_info(private, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vfio_ccw_ioctl_set_irqs(private, uarg);
	case VFIO_DEVICE_RESET:
		return vfio_ccw_fsm_reset(private);
	default:
		return -ENOTTY;
	}
}

static void vfio_ccw_request(struct vfio_device *vdev, unsigned int count)
{
	struct vfio_ccw_private *private = to_private(vdev);

	guard(spinlock_irq)(private->lock);
	if (private->req_trigger) {
		if (!(count % 10))
			dev_notice_ratelimited(vdev->dev,
					       "relaying device request to user (#%u)\n",
					       count);
		eventfd_signal(private->req_trigger);
	} else if (count == 0) {
		dev_notice_ratelimited(vdev->dev,
				       "no device request channel, blocked until released\n");
	}
}

/* See vfio_ccw_dma_unmap_range(), in vfio_ccw_pin.c with the pin records. */
static void vfio_ccw_dma_unmap(struct vfio_device *vdev, u64 iova,
			       u64 length)
{
	vfio_ccw_dma_unmap_range(to_private(vdev), iova, length);
}

static const struct vfio_device_ops vfio_ccw_dev_ops = {
	.name = "vfio-ccw",
	.init = vfio_ccw_dev_init,
	.release = vfio_ccw_dev_release,
	.open_device = vfio_ccw_open_device,
	.close_device = vfio_ccw_close_device,
	.read = vfio_ccw_read,
	.write = vfio_ccw_write,
	.ioctl = vfio_ccw_ioctl,
	.request = vfio_ccw_request,
	.dma_unmap = vfio_ccw_dma_unmap,
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};

static int vfio_ccw_mdev_probe(struct mdev_device *mdev)
{
	struct vfio_ccw_private *private;
	int ret;

	private = vfio_alloc_device(vfio_ccw_private, vdev, &mdev->dev,
				    &vfio_ccw_dev_ops);
	if (IS_ERR(private))
		return PTR_ERR(private);

	dev_set_drvdata(&mdev->dev, private);
	/*
	 * Interrupts and path events find the device before user space can
	 * open it: it is in STANDBY and ignores them until then.
	 */
	scoped_guard(spinlock_irq, private->lock)
		private->parent->private = private;
	ret = vfio_register_emulated_iommu_dev(&private->vdev);
	if (ret)
		goto err_put;
	vfio_ccw_debugfs_init(private);
	return 0;

err_put:
	scoped_guard(spinlock_irq, private->lock)
		private->parent->private = NULL;
	vfio_put_device(&private->vdev);
	return ret;
}

static void vfio_ccw_mdev_remove(struct mdev_device *mdev)
{
	struct vfio_ccw_private *private = dev_get_drvdata(&mdev->dev);

	/* Waits until user space has closed the device (request callback). */
	vfio_unregister_group_dev(&private->vdev);
	scoped_guard(spinlock_irq, private->lock)
		private->parent->private = NULL;
	vfio_ccw_private_remove(private);
	vfio_put_device(&private->vdev);
}

/*
 * vfio_ccw_mdev_driver: the mdev driver, one instance per subchannel
 */
struct mdev_driver vfio_ccw_mdev_driver = {
	.device_api = VFIO_DEVICE_API_CCW_STRING,
	.max_instances = 1,
	.driver = {
		.name = "vfio_ccw_mdev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = vfio_ccw_mdev_probe,
	.remove = vfio_ccw_mdev_remove,
};
