// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the counters (requests refused, counted by errno, beside
 * their names) and their file in the vfio core's per-device debugfs
 * directory (<debugfs>/vfio/<device>/vfio_ccw_stats).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <kunit/visibility.h>

#include "vfio_ccw_private.h"
#include "vfio_ccw_trace.h"

/* The errno of each bucket of vfio_ccw_stats.errors[] and its name. */
static const struct {
	int err;
	const char *name;
} vfio_ccw_errs[VFIO_CCW_ERR_NR] = {
	[VFIO_CCW_ERR_EINVAL] = { -EINVAL, "EINVAL" },
	[VFIO_CCW_ERR_EBUSY] = { -EBUSY, "EBUSY" },
	[VFIO_CCW_ERR_ENODEV] = { -ENODEV, "ENODEV" },
	[VFIO_CCW_ERR_EACCES] = { -EACCES, "EACCES" },
	[VFIO_CCW_ERR_EOPNOTSUPP] = { -EOPNOTSUPP, "EOPNOTSUPP" },
	[VFIO_CCW_ERR_EFAULT] = { -EFAULT, "EFAULT" },
	[VFIO_CCW_ERR_ENOMEM] = { -ENOMEM, "ENOMEM" },
	[VFIO_CCW_ERR_OTHER] = { 0, "other" },
};

/**
 * vfio_ccw_count_error() - count a failed request by errno
 * @private: the device
 * @err: a negative errno (0 is ignored)
 */
void vfio_ccw_count_error(struct vfio_ccw_private *private, int err)
{
	enum vfio_ccw_err_idx idx;

	if (!err)
		return;
	for (idx = 0; idx < VFIO_CCW_ERR_OTHER; idx++)
		if (vfio_ccw_errs[idx].err == err)
			break;
	atomic64_inc(&private->stats.errors[idx]);
	trace_vfio_ccw_request_err(private->schid, err);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_ccw_count_error);

#define VFIO_CCW_STAT(f) { #f, offsetof(struct vfio_ccw_stats, f) }

static const struct {
	const char *name;
	size_t offset;
} vfio_ccw_stat_fields[] = {
	VFIO_CCW_STAT(starts),
	VFIO_CCW_STAT(halts),
	VFIO_CCW_STAT(clears),
	VFIO_CCW_STAT(resumes),
	VFIO_CCW_STAT(xsch),
	VFIO_CCW_STAT(overtakes),
	VFIO_CCW_STAT(irq_final),
	VFIO_CCW_STAT(irq_intermediate),
	VFIO_CCW_STAT(irq_unsolicited),
	VFIO_CCW_STAT(pinned),
	VFIO_CCW_STAT(pinned_peak),
	VFIO_CCW_STAT(pin_cached),
	VFIO_CCW_STAT(pin_cache_hits),
};

static int vfio_ccw_stats_show(struct seq_file *m, void *unused)
{
	struct vfio_ccw_private *private = m->private;
	struct vfio_ccw_stats *s = &private->stats;
	int i;

	for (i = 0; i < ARRAY_SIZE(vfio_ccw_stat_fields); i++)
		seq_printf(m, "%s %lld\n", vfio_ccw_stat_fields[i].name,
			   atomic64_read((atomic64_t *)((u8 *)s +
					 vfio_ccw_stat_fields[i].offset)));
	for (i = 0; i < VFIO_CCW_ERR_NR; i++)
		seq_printf(m, "errors_%s %lld\n", vfio_ccw_errs[i].name,
			   atomic64_read(&s->errors[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfio_ccw_stats);

/**
 * vfio_ccw_debugfs_init() - create the counters file of a device
 * @private: the device, registered with the vfio core
 *
 * The vfio core removes its per-device directory, with our file, when the
 * device is unregistered.
 */
void vfio_ccw_debugfs_init(struct vfio_ccw_private *private)
{
#ifdef CONFIG_VFIO_DEBUGFS
	if (!IS_ERR_OR_NULL(private->vdev.debug_root))
		debugfs_create_file("vfio_ccw_stats", 0444,
				    private->vdev.debug_root, private,
				    &vfio_ccw_stats_fops);
#endif
}
