// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: inject channel-path events into vfio_ccw, because QEMU
 * never generates channel-path CRWs. Write "CHPID EVENT" (hex chpid;
 * event: online, offline, vary_on, vary_off or a number as in chp.h) to
 * <debugfs>/vfio_ccw_chp_inject; every subchannel bound to vfio_ccw that
 * has that chpid installed gets the event as from the css layer.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "chp.h"
#include "vfio_ccw_private.h"

static struct dentry *vfio_ccw_inject_file;

static const struct {
	const char *name;
	int event;
} vfio_ccw_inject_events[] = {
	{ "online", CHP_ONLINE },
	{ "offline", CHP_OFFLINE },
	{ "vary_on", CHP_VARY_ON },
	{ "vary_off", CHP_VARY_OFF },
};

static ssize_t vfio_ccw_inject_write(struct file *file,
				     const char __user *ubuf, size_t count,
				     loff_t *ppos)
{
	char buf[32], name[16];
	unsigned int chpid;
	int event = -1, i, n;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%x %15s", &chpid, name) != 2 || chpid > 0xff)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(vfio_ccw_inject_events); i++)
		if (!strcmp(name, vfio_ccw_inject_events[i].name))
			event = vfio_ccw_inject_events[i].event;
	if (event < 0 && (kstrtoint(name, 0, &event) || event < CHP_ONLINE ||
			  event > CHP_VARY_OFF))
		return -EINVAL;
	n = vfio_ccw_chp_event_inject(chpid, event);
	if (n < 0)
		return n;
	pr_info("vfio_ccw_chp_inject: chpid %02x event %d -> %d subchannel(s)\n",
		chpid, event, n);
	return n ? count : -ENODEV;
}

static const struct file_operations vfio_ccw_inject_fops = {
	.owner = THIS_MODULE,
	.write = vfio_ccw_inject_write,
	.llseek = noop_llseek,
};

static int __init vfio_ccw_inject_init(void)
{
	vfio_ccw_inject_file = debugfs_create_file("vfio_ccw_chp_inject", 0200,
						   NULL, NULL,
						   &vfio_ccw_inject_fops);
	return 0;
}

static void __exit vfio_ccw_inject_exit(void)
{
	debugfs_remove(vfio_ccw_inject_file);
}

module_init(vfio_ccw_inject_init);
module_exit(vfio_ccw_inject_exit);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("vfio_ccw test hook: inject channel-path events");
MODULE_LICENSE("GPL");
