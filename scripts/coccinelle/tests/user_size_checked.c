// SPDX-License-Identifier: GPL-2.0
/* A violation user_size_checked.cocci must report, and a correct twin. */
#include <linux/types.h>
#include <linux/uaccess.h>

static char region[124];

static ssize_t bad_write(const char __user *buf, size_t count, loff_t *ppos)
{
	if (copy_from_user(region, buf, count))
		return -EFAULT;
	return count;
}

static ssize_t good_write(const char __user *buf, size_t count, loff_t *ppos)
{
	if (*ppos || count != sizeof(region))
		return -EINVAL;
	if (copy_from_user(region, buf, count))
		return -EFAULT;
	return count;
}
