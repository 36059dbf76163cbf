// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_lib: open and negotiate a vfio-ccw device, map memory, run
 * channel programs, decode status. See vfio_ccw_lib.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vfio_ccw_lib.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------- */
/* Environment                                                             */
/* ---------------------------------------------------------------------- */

static int env_list(const char *name, char list[][64], int max)
{
	const char *env = getenv(name);
	char *buf, *tok, *save = NULL;
	int n = 0;

	if (!env || !*env || !strcmp(env, "none"))
		return 0;
	/* The whole list: 64 UUIDs are longer than any fixed line. */
	buf = strdup(env);
	if (!buf)
		return 0;
	for (tok = strtok_r(buf, ", \t", &save); tok && n < max;
	     tok = strtok_r(NULL, ", \t", &save)) {
		snprintf(list[n], 64, "%s", tok);
		n++;
	}
	free(buf);
	return n;
}

/**
 * vccw_env_mdevs() - the mdev UUIDs named by the environment
 * @list: output, up to @max UUIDs
 * @max: size of @list
 *
 * VFIO_CCW_MDEVS (comma or blank separated; "none" is empty) if set, else
 * VFIO_CCW_MDEV.
 *
 * Return: the number of UUIDs.
 */
int vccw_env_mdevs(char list[][64], int max)
{
	int n = env_list("VFIO_CCW_MDEVS", list, max);

	return n ? n : env_list("VFIO_CCW_MDEV", list, max);
}

/**
 * vccw_env_schids() - the subchannel ids of VFIO_CCW_SCHIDS, in the order
 * of VFIO_CCW_MDEVS
 * @list: output, up to @max ids
 * @max: size of @list
 *
 * Return: the number of ids.
 */
int vccw_env_schids(char list[][64], int max)
{
	return env_list("VFIO_CCW_SCHIDS", list, max);
}

/** vccw_env_mdev() - the device the tests use (VFIO_CCW_MDEV), or NULL */
const char *vccw_env_mdev(void)
{
	static char list[1][64];
	const char *env = getenv("VFIO_CCW_MDEV");

	if (env && *env && strcmp(env, "none"))
		return env;
	if (vccw_env_mdevs(list, 1) == 1)
		return list[0];
	return NULL;
}

/**
 * vccw_require_env_or_skip() - exit with KSFT_SKIP (4) when no device is set
 * @prog: program name for the usage line
 */
void vccw_require_env_or_skip(const char *prog)
{
	if (vccw_env_mdev())
		return;
	printf("TAP version 13\n1..0 # SKIP no vfio-ccw device: set VFIO_CCW_MDEV\n");
	printf("# usage: VFIO_CCW_MDEV=<mdev uuid|/sys/bus/mdev/devices/UUID>");
	printf(" [VFIO_CCW_MDEVS=<uuid>,...] [VFIO_CCW_SCHIDS=0.0.xxxx,...] %s\n",
	       prog);
	exit(4);
}

/* ---------------------------------------------------------------------- */
/* Open and close                                                          */
/* ---------------------------------------------------------------------- */

static int uuid_of(const char *uuid_or_path, char *uuid, size_t len)
{
	char tmp[PATH_MAX];
	const char *base;

	snprintf(tmp, sizeof(tmp), "%s", uuid_or_path);
	while (strlen(tmp) > 1 && tmp[strlen(tmp) - 1] == '/')
		tmp[strlen(tmp) - 1] = 0;
	base = strrchr(tmp, '/');
	base = base ? base + 1 : tmp;
	if (!*base || strlen(base) >= len)
		return -EINVAL;
	memcpy(uuid, base, strlen(base) + 1);
	return 0;
}

static void dev_init(struct vccw_dev *dev)
{
	int i;

	memset(dev, 0, sizeof(*dev));
	dev->container = -1;
	dev->group = -1;
	dev->iommufd = -1;
	dev->fd = -1;
	dev->io_efd = -1;
	dev->crw_efd = -1;
	dev->next_iova = 0x10000;
	for (i = 0; i < VFIO_CCW_IRQ_SLOTS; i++)
		dev->irq_index[i] = VFIO_CCW_INDEX_NONE;
}

/**
 * vccw_env_backend() - the back-end VFIO_CCW_BACKEND asks for
 *
 * Return: VCCW_BACKEND_IOMMUFD for "iommufd", else VCCW_BACKEND_GROUP.
 */
enum vccw_backend vccw_env_backend(void)
{
	const char *b = getenv("VFIO_CCW_BACKEND");

	return b && !strcmp(b, "iommufd") ? VCCW_BACKEND_IOMMUFD :
					     VCCW_BACKEND_GROUP;
}

/** vccw_backend_name() - "group" or "iommufd" */
const char *vccw_backend_name(enum vccw_backend backend)
{
	return backend == VCCW_BACKEND_IOMMUFD ? "iommufd" : "group";
}

/* The parent subchannel of the mdev (css0/0.0.xxxx), for messages. */
static void find_schid(struct vccw_dev *dev)
{
	char path[PATH_MAX], link[PATH_MAX];
	char *slash;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", dev->uuid);
	if (!realpath(path, link))
		return;
	slash = strrchr(link, '/');
	if (!slash)
		return;
	*slash = 0;
	snprintf(dev->schid, sizeof(dev->schid), "%s", basename(link));
}

/*
 * The vfio device cdev of the mdev: /sys/bus/mdev/devices/UUID/vfio-dev/
 * holds one entry, vfioN, whose node is /dev/vfio/devices/vfioN. Bound to
 * a new /dev/iommu context with one IOAS attached.
 */
static int open_iommufd(struct vccw_dev *dev)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
	};
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vfio-dev",
		 dev->uuid);
	d = opendir(path);
	if (!d)
		return -errno;
	path[0] = 0;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vfio", 4))
			snprintf(path, sizeof(path), "/dev/vfio/devices/%s",
				 e->d_name);
	closedir(d);
	if (!path[0])
		return -ENOENT;
	snprintf(dev->cdev, sizeof(dev->cdev), "%s", path);
	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0)
		return -errno;
	dev->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (dev->iommufd < 0)
		return -errno;
	bind.iommufd = dev->iommufd;
	if (ioctl(dev->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return -errno;
	if (ioctl(dev->iommufd, IOMMU_IOAS_ALLOC, &alloc))
		return -errno;
	dev->ioas_id = alloc.out_ioas_id;
	attach.pt_id = dev->ioas_id;
	if (ioctl(dev->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		return -errno;
	return 0;
}

/**
 * vccw_open_noneg() - open a device without negotiating or wiring IRQs
 * @dev: the device, initialised here
 * @uuid_or_path: mdev UUID or /sys/bus/mdev/devices/UUID
 *
 * With the back-end of vccw_env_backend(); see vccw_open_noneg_backend().
 *
 * Return: 0 or -errno; on error nothing is open.
 */
int vccw_open_noneg(struct vccw_dev *dev, const char *uuid_or_path)
{
	return vccw_open_noneg_backend(dev, uuid_or_path, vccw_env_backend());
}

/* The start of every open: @dev initialised, its UUID and subchannel. */
static int open_init(struct vccw_dev *dev, const char *uuid_or_path,
		     enum vccw_backend backend)
{
	int ret;

	dev_init(dev);
	dev->backend = backend;
	ret = uuid_of(uuid_or_path, dev->uuid, sizeof(dev->uuid));
	if (ret)
		return ret;
	find_schid(dev);
	return 0;
}

/* The group back-end up to the device fd: group, container, IOMMU. */
static int open_group(struct vccw_dev *dev)
{
	struct vfio_group_status gst = { .argsz = sizeof(gst) };
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/iommu_group",
		 dev->uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = 0;
	dev->group_id = atoi(basename(link));

	dev->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (dev->container < 0)
		return -errno;
	if (ioctl(dev->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return -EINVAL;
	snprintf(path, sizeof(path), "/dev/vfio/%d", dev->group_id);
	dev->group = open(path, O_RDWR | O_CLOEXEC);
	if (dev->group < 0)
		return -errno;
	if (ioctl(dev->group, VFIO_GROUP_GET_STATUS, &gst))
		return -errno;
	if (!(gst.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EBUSY;
	if (ioctl(dev->group, VFIO_GROUP_SET_CONTAINER, &dev->container))
		return -errno;
	if (ioctl(dev->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0)
		dev->iommu_type = VFIO_TYPE1v2_IOMMU;
	else
		dev->iommu_type = VFIO_TYPE1_IOMMU;
	if (ioctl(dev->container, VFIO_SET_IOMMU, dev->iommu_type))
		return -errno;
	return 0;
}

/* The 16-byte GET_INFO of the device fd; region 0 and IRQ 0. */
static int device_info(struct vccw_dev *dev)
{
	dev->info.argsz = 16;
	if (ioctl(dev->fd, VFIO_DEVICE_GET_INFO, &dev->info))
		return -errno;
	/* Region 0 and IRQ 0 always exist; the rest comes from negotiation. */
	dev->region[VFIO_CCW_REGION_IO].present = true;
	dev->region[VFIO_CCW_REGION_IO].size = sizeof(struct ccw_io_region);
	dev->irq_index[VFIO_CCW_IRQ_IO] = 0;
	return 0;
}

/**
 * vccw_open_group() - the first half of vccw_open_noneg_backend() with
 * the group back-end: everything up to the device fd
 * @dev: the device, initialised here
 * @uuid_or_path: mdev UUID or /sys/bus/mdev/devices/UUID
 *
 * The group from the mdev's iommu_group link, the container
 * /dev/vfio/vfio with the type-1 v2 IOMMU (type 1 if v2 is not offered).
 * vccw_open_group_device() then opens the device: the two halves, for a
 * caller that measures the device's open alone.
 *
 * Return: 0 or -errno; on error nothing is open.
 */
int vccw_open_group(struct vccw_dev *dev, const char *uuid_or_path)
{
	int ret = open_init(dev, uuid_or_path, VCCW_BACKEND_GROUP);

	if (!ret)
		ret = open_group(dev);
	if (ret)
		vccw_close(dev);
	return ret;
}

/**
 * vccw_open_group_device() - the second half of vccw_open_noneg_backend()
 * with the group back-end: the device fd and the 16-byte GET_INFO
 * @dev: a device vccw_open_group() opened
 *
 * Return: 0 or -errno; on error nothing is open.
 */
int vccw_open_group_device(struct vccw_dev *dev)
{
	int ret;

	dev->fd = ioctl(dev->group, VFIO_GROUP_GET_DEVICE_FD, dev->uuid);
	ret = dev->fd < 0 ? -errno : device_info(dev);
	if (ret)
		vccw_close(dev);
	return ret;
}

/**
 * vccw_open_noneg_backend() - open a device through a given back-end
 * @dev: the device, initialised here
 * @uuid_or_path: mdev UUID or /sys/bus/mdev/devices/UUID
 * @backend: the group back-end: vccw_open_group() then
 *           vccw_open_group_device(), device fd by UUID; the iommufd
 *           back-end: the device's cdev bound to /dev/iommu with a new IOAS
 *
 * Only the 16-byte GET_INFO is done.
 *
 * Return: 0 or -errno; on error nothing is open.
 */
int vccw_open_noneg_backend(struct vccw_dev *dev, const char *uuid_or_path,
			    enum vccw_backend backend)
{
	int ret;

	if (backend == VCCW_BACKEND_GROUP) {
		ret = vccw_open_group(dev, uuid_or_path);
		return ret ? ret : vccw_open_group_device(dev);
	}
	ret = open_init(dev, uuid_or_path, backend);
	if (!ret)
		ret = open_iommufd(dev);
	if (!ret)
		ret = device_info(dev);
	if (ret)
		vccw_close(dev);
	return ret;
}

/**
 * vccw_open() - open a device, negotiate, connect an eventfd to IRQ 0
 * @dev: the device
 * @uuid_or_path: mdev UUID or sysfs path
 *
 * Return: 0 or -errno; on error nothing is open.
 */
int vccw_open(struct vccw_dev *dev, const char *uuid_or_path)
{
	return vccw_open_backend(dev, uuid_or_path, vccw_env_backend());
}

/**
 * vccw_open_backend() - vccw_open() through a given back-end
 * @dev: the device
 * @uuid_or_path: mdev UUID or sysfs path
 * @backend: the back-end
 *
 * Return: 0 or -errno; on error nothing is open.
 */
int vccw_open_backend(struct vccw_dev *dev, const char *uuid_or_path,
		      enum vccw_backend backend)
{
	int ret;

	ret = vccw_open_noneg_backend(dev, uuid_or_path, backend);
	if (ret)
		return ret;
	ret = vccw_negotiate(dev);
	if (ret)
		goto err;
	ret = vccw_io_eventfd(dev, EFD_NONBLOCK);
	if (ret)
		goto err;
	return 0;
err:
	vccw_close(dev);
	return ret;
}

/**
 * vccw_io_eventfd() - a new eventfd, connected to the I/O IRQ
 * @dev: an open, negotiated device
 * @flags: eventfd(2) flags besides EFD_CLOEXEC: EFD_NONBLOCK (as
 *         vccw_open() does it), or 0 for blocking reads
 *
 * Sets @dev->io_efd, which vccw_close() closes.
 *
 * Return: 0 or -errno.
 */
int vccw_io_eventfd(struct vccw_dev *dev, int flags)
{
	dev->io_efd = eventfd(0, EFD_CLOEXEC | flags);
	if (dev->io_efd < 0)
		return -errno;
	return vccw_set_irq_eventfd(dev, dev->irq_index[VFIO_CCW_IRQ_IO],
				    dev->io_efd);
}

/** vccw_close() - close everything vccw_open() opened (idempotent) */
void vccw_close(struct vccw_dev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	if (dev->io_efd >= 0)
		close(dev->io_efd);
	if (dev->crw_efd >= 0)
		close(dev->crw_efd);
	if (dev->group >= 0)
		close(dev->group);
	if (dev->container >= 0)
		close(dev->container);
	if (dev->iommufd >= 0)
		close(dev->iommufd);
	dev->iommufd = -1;
	dev->fd = -1;
	dev->io_efd = -1;
	dev->crw_efd = -1;
	dev->group = -1;
	dev->container = -1;
}

/* ---------------------------------------------------------------------- */
/* ioctls and negotiation                                                  */
/* ---------------------------------------------------------------------- */

/** vccw_get_info() - VFIO_DEVICE_GET_INFO into @buf of @argsz bytes */
int vccw_get_info(struct vccw_dev *dev, void *buf, uint32_t argsz)
{
	struct vfio_device_info *info = buf;

	info->argsz = argsz;
	return ioctl(dev->fd, VFIO_DEVICE_GET_INFO, buf) ? -errno : 0;
}

/**
 * vccw_find_cap() - find capability @id in a VFIO capability chain
 * @buf: the ioctl buffer (offsets are relative to it)
 * @bufsz: its size
 * @first_off: offset of the first capability, 0 for none
 * @id: capability id
 *
 * Bounded walk: a malformed chain (offset out of range, loop) ends it.
 *
 * Return: the capability header, or NULL.
 */
const struct vfio_info_cap_header *vccw_find_cap(const void *buf,
						 uint32_t bufsz,
						 uint32_t first_off,
						 uint16_t id)
{
	const struct vfio_info_cap_header *h;
	uint32_t off = first_off;
	int hops = 0;

	while (off && off + sizeof(*h) <= bufsz && hops++ < 64) {
		h = (const void *)((const uint8_t *)buf + off);
		if (h->id == id)
			return h;
		if (h->next && h->next <= off)
			return NULL;
		off = h->next;
	}
	return NULL;
}

/**
 * vccw_get_region_info() - VFIO_DEVICE_GET_REGION_INFO with argsz
 * negotiation
 * @dev: the device
 * @index: region index
 * @out: filled in, including the type capability (type 0 if none)
 *
 * Return: 0 or -errno.
 */
int vccw_get_region_info(struct vccw_dev *dev, uint32_t index,
			 struct vccw_region *out)
{
	uint32_t argsz = sizeof(struct vfio_region_info);
	struct vfio_region_info *ri = NULL;
	const struct vfio_info_cap_header *h;
	int ret, tries;

	for (tries = 0; tries < 4; tries++) {
		free(ri);
		ri = calloc(1, argsz);
		if (!ri)
			return -ENOMEM;
		ri->argsz = argsz;
		ri->index = index;
		if (ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, ri)) {
			ret = -errno;
			free(ri);
			return ret;
		}
		if (ri->argsz <= argsz)
			break;
		argsz = ri->argsz;
	}
	memset(out, 0, sizeof(*out));
	out->present = true;
	out->index = index;
	out->offset = ri->offset;
	out->size = ri->size;
	out->flags = ri->flags;
	if ((ri->flags & VFIO_REGION_INFO_FLAG_CAPS) && ri->cap_offset) {
		h = vccw_find_cap(ri, argsz, ri->cap_offset,
				  VFIO_REGION_INFO_CAP_TYPE);
		if (h && (const uint8_t *)h + sizeof(struct vfio_region_info_cap_type) <=
			 (const uint8_t *)ri + argsz) {
			const struct vfio_region_info_cap_type *t = (const void *)h;

			out->type = t->type;
			out->subtype = t->subtype;
		}
	}
	free(ri);
	return 0;
}

/** vccw_get_irq_info() - VFIO_DEVICE_GET_IRQ_INFO of @index */
int vccw_get_irq_info(struct vccw_dev *dev, uint32_t index,
		      struct vfio_irq_info *out)
{
	memset(out, 0, sizeof(*out));
	out->argsz = sizeof(*out);
	out->index = index;
	return ioctl(dev->fd, VFIO_DEVICE_GET_IRQ_INFO, out) ? -errno : 0;
}

/**
 * vccw_set_irq_eventfd() - connect or disconnect an eventfd
 * @dev: the device
 * @index: IRQ index
 * @efd: the eventfd, or -1 to disconnect
 *
 * Return: 0 or -errno.
 */
int vccw_set_irq_eventfd(struct vccw_dev *dev, uint32_t index, int efd)
{
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} s = {
		.set.argsz = sizeof(s),
		.set.flags = VFIO_IRQ_SET_DATA_EVENTFD |
			     VFIO_IRQ_SET_ACTION_TRIGGER,
		.set.index = index,
		.set.start = 0,
		.set.count = 1,
		.fd = efd,
	};

	if (index == VFIO_CCW_INDEX_NONE)
		return -ENOENT;
	return ioctl(dev->fd, VFIO_DEVICE_SET_IRQS, &s) ? -errno : 0;
}

/** vccw_reset() - VFIO_DEVICE_RESET */
int vccw_reset(struct vccw_dev *dev)
{
	return ioctl(dev->fd, VFIO_DEVICE_RESET) ? -errno : 0;
}

static int negotiate_cap(struct vccw_dev *dev)
{
	uint32_t argsz = 256;
	struct vfio_device_info *info = NULL;
	const struct vfio_info_cap_header *h;
	int ret, tries, i;

	for (tries = 0; tries < 4; tries++) {
		free(info);
		info = calloc(1, argsz);
		if (!info)
			return -ENOMEM;
		ret = vccw_get_info(dev, info, argsz);
		if (ret) {
			free(info);
			return ret;
		}
		if (info->argsz <= argsz)
			break;
		argsz = info->argsz;
	}
	if (!(info->flags & VFIO_DEVICE_FLAGS_CAPS) || !info->cap_offset)
		goto none;
	h = vccw_find_cap(info, argsz, info->cap_offset,
			  VFIO_DEVICE_INFO_CAP_CCW);
	if (!h || h->version < 1 ||
	    (const uint8_t *)h + sizeof(dev->cap) > (const uint8_t *)info + argsz)
		goto none;
	memcpy(&dev->cap, h, sizeof(dev->cap));
	free(info);
	dev->has_cap = true;
	dev->abi = VCCW_ABI_CAP;
	for (i = 0; i < VFIO_CCW_REGION_SLOTS; i++) {
		uint32_t idx = dev->cap.region_index[i];

		if (idx == VFIO_CCW_INDEX_NONE)
			continue;
		ret = vccw_get_region_info(dev, idx, &dev->region[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < VFIO_CCW_IRQ_SLOTS; i++)
		dev->irq_index[i] = dev->cap.irq_index[i];
	return 1;
none:
	free(info);
	return 0;
}

/*
 * Region 0; then the capability 0x4343 if @with_cap; failing that, every
 * region's type/subtype (upstream), else nothing more (legacy).
 */
static int negotiate(struct vccw_dev *dev, bool with_cap)
{
	struct vccw_region r;
	uint32_t i;
	int ret;

	ret = vccw_get_region_info(dev, VFIO_CCW_CONFIG_REGION_INDEX,
				   &dev->region[VFIO_CCW_REGION_IO]);
	if (ret)
		return ret;
	ret = with_cap ? negotiate_cap(dev) : 0;
	if (ret < 0)
		return ret;
	if (ret == 1)
		return 0;

	dev->abi = VCCW_ABI_LEGACY;
	for (i = 1; i < dev->info.num_regions; i++) {
		if (vccw_get_region_info(dev, i, &r))
			continue;
		if (r.type != VFIO_REGION_TYPE_CCW || !r.subtype ||
		    r.subtype >= VFIO_CCW_REGION_SLOTS)
			continue;
		/* Slots 1..4 are numbered like the subtypes 1..4. */
		dev->region[r.subtype] = r;
		dev->abi = VCCW_ABI_REGIONS;
	}
	for (i = 0; i < VFIO_CCW_IRQ_SLOTS && i < dev->info.num_irqs; i++)
		dev->irq_index[i] = i;
	return 0;
}

/**
 * vccw_negotiate() - find the device's regions and IRQs
 * @dev: an open device
 *
 * First the device-info capability 0x4343; else the type/subtype of every
 * region (upstream); else only region 0 and IRQ 0 (legacy). Sets
 * @dev->abi, @dev->region[] and @dev->irq_index[].
 *
 * Return: 0 or -errno.
 */
int vccw_negotiate(struct vccw_dev *dev)
{
	return negotiate(dev, true);
}

/**
 * vccw_negotiate_upstream() - vccw_negotiate() without the capability
 * @dev: an open device
 *
 * The regions by their type/subtype (upstream), else region 0 and IRQ 0
 * only (legacy): what every driver offers, the in-tree one included.
 *
 * Return: 0 or -errno.
 */
int vccw_negotiate_upstream(struct vccw_dev *dev)
{
	return negotiate(dev, false);
}

/** vccw_abi_name() - "capability", "upstream regions" or "legacy" */
const char *vccw_abi_name(enum vccw_abi abi)
{
	switch (abi) {
	case VCCW_ABI_CAP:
		return "capability";
	case VCCW_ABI_REGIONS:
		return "upstream regions";
	default:
		return "legacy";
	}
}

/* ---------------------------------------------------------------------- */
/* Regions                                                                 */
/* ---------------------------------------------------------------------- */

/** vccw_region_read() - pread from region slot @slot; bytes or -errno */
int vccw_region_read(struct vccw_dev *dev, int slot, void *buf, size_t len,
		     uint64_t off)
{
	const struct vccw_region *r = &dev->region[slot];
	ssize_t n;

	if (!r->present)
		return -ENOENT;
	n = pread(dev->fd, buf, len, r->offset + off);
	return n < 0 ? -errno : (int)n;
}

/** vccw_region_write() - pwrite to region slot @slot; bytes or -errno */
int vccw_region_write(struct vccw_dev *dev, int slot, const void *buf,
		      size_t len, uint64_t off)
{
	const struct vccw_region *r = &dev->region[slot];
	ssize_t n;

	if (!r->present)
		return -ENOENT;
	n = pwrite(dev->fd, buf, len, r->offset + off);
	return n < 0 ? -errno : (int)n;
}

/* ---------------------------------------------------------------------- */
/* DMA                                                                     */
/* ---------------------------------------------------------------------- */

/**
 * vccw_mem_alloc_at() - map @size bytes of fresh anonymous memory at @iova
 * @dev: the device (its container)
 * @mem: output
 * @size: bytes, rounded up to pages
 * @iova: the IOVA (page aligned, below 2 GiB for 31-bit programs)
 * @readonly: map for device reads only
 *
 * Return: 0 or -errno.
 */
int vccw_mem_alloc_at(struct vccw_dev *dev, struct vccw_mem *mem, size_t size,
		      uint64_t iova, bool readonly)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	int ret;

	memset(mem, 0, sizeof(*mem));
	size = (size + pg - 1) & ~(size_t)(pg - 1);
	mem->va = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem->va == MAP_FAILED) {
		mem->va = NULL;
		return -errno;
	}
	memset(mem->va, 0, size);
	mem->size = size;
	mem->iova = iova;
	ret = vccw_dma_map(dev, mem->va, iova, size, readonly);
	if (ret) {
		munmap(mem->va, size);
		memset(mem, 0, sizeof(*mem));
		return ret;
	}
	mem->mapped = true;
	return 0;
}

/**
 * vccw_dma_map() - map @size bytes at @va for the device at @iova
 * @dev: the device
 * @va: page-aligned memory of this process
 * @iova: the device address (the guest's), page aligned
 * @size: bytes, whole pages
 * @readonly: the device may only read
 *
 * Return: 0 or -errno.
 */
int vccw_dma_map(struct vccw_dev *dev, void *va, uint64_t iova, size_t size,
		 bool readonly)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	struct iommu_ioas_map imap = {
		.size = sizeof(imap),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 (readonly ? 0 : IOMMU_IOAS_MAP_WRITEABLE),
		.ioas_id = dev->ioas_id,
		.user_va = (uintptr_t)va,
		.length = size,
		.iova = iova,
	};

	if (dev->backend == VCCW_BACKEND_IOMMUFD)
		return ioctl(dev->iommufd, IOMMU_IOAS_MAP, &imap) ? -errno : 0;
	map.flags = VFIO_DMA_MAP_FLAG_READ |
		    (readonly ? 0 : VFIO_DMA_MAP_FLAG_WRITE);
	map.vaddr = (uintptr_t)va;
	map.iova = iova;
	map.size = size;
	return ioctl(dev->container, VFIO_IOMMU_MAP_DMA, &map) ? -errno : 0;
}

/**
 * vccw_dma_unmap() - remove the mapping of @size bytes at @iova
 * @dev: the device
 * @iova: first address of a whole mapping
 * @size: its size
 *
 * Return: 0 or -errno (type1 gives 0 with nothing unmapped for a range
 * without mapping; iommufd gives ENOENT).
 */
int vccw_dma_unmap(struct vccw_dev *dev, uint64_t iova, size_t size)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};
	struct iommu_ioas_unmap iunmap = {
		.size = sizeof(iunmap),
		.ioas_id = dev->ioas_id,
		.iova = iova,
		.length = size,
	};

	if (dev->backend == VCCW_BACKEND_IOMMUFD)
		return ioctl(dev->iommufd, IOMMU_IOAS_UNMAP, &iunmap) ?
		       -errno : 0;
	return ioctl(dev->container, VFIO_IOMMU_UNMAP_DMA, &unmap) ? -errno : 0;
}

/**
 * vccw_mem_alloc() - map fresh memory at the next free IOVA
 * @dev: the device
 * @mem: output
 * @size: bytes, rounded up to pages
 *
 * A one-page unmapped gap is left after every mapping.
 *
 * Return: 0 or -errno.
 */
int vccw_mem_alloc(struct vccw_dev *dev, struct vccw_mem *mem, size_t size)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t iova = dev->next_iova;
	int ret;

	ret = vccw_mem_alloc_at(dev, mem, size, iova, false);
	if (!ret)
		dev->next_iova = iova + mem->size + pg;
	return ret;
}

/** vccw_mem_unmap() - VFIO_IOMMU_UNMAP_DMA of @mem (memory stays) */
int vccw_mem_unmap(struct vccw_dev *dev, struct vccw_mem *mem)
{
	int ret;

	if (!mem->mapped)
		return 0;
	ret = vccw_dma_unmap(dev, mem->iova, mem->size);
	if (ret)
		return ret;
	mem->mapped = false;
	return 0;
}

/** vccw_mem_free() - unmap (if mapped) and release @mem */
void vccw_mem_free(struct vccw_dev *dev, struct vccw_mem *mem)
{
	if (mem->mapped && (dev->container >= 0 || dev->iommufd >= 0))
		vccw_mem_unmap(dev, mem);
	if (mem->va)
		munmap(mem->va, mem->size);
	memset(mem, 0, sizeof(*mem));
}

/* ---------------------------------------------------------------------- */
/* I/O                                                                     */
/* ---------------------------------------------------------------------- */

/**
 * vccw_io_region_make() - the contents of a write of the I/O region
 * @io: output
 * @orb: the ORB (may be NULL for halt/clear)
 * @fctl: SCSW function control to put in the SCSW area
 */
void vccw_io_region_make(struct ccw_io_region *io, const struct ccw_orb *orb,
			 unsigned int fctl)
{
	memset(io, 0, sizeof(*io));
	if (orb)
		memcpy(io->orb_area, orb, sizeof(*orb));
	scsw_make((struct ccw_scsw *)io->scsw_area, fctl);
}

/**
 * vccw_io_write() - one whole-region write of the I/O region
 * @dev: the device
 * @orb: the ORB (may be NULL for halt/clear)
 * @fctl: SCSW function control to put in the SCSW area
 *
 * No retry.
 *
 * Return: the write's result: the byte count or -errno.
 */
int vccw_io_write(struct vccw_dev *dev, const struct ccw_orb *orb,
		  unsigned int fctl)
{
	struct ccw_io_region io;

	vccw_io_region_make(&io, orb, fctl);
	return vccw_region_write(dev, VFIO_CCW_REGION_IO, &io, sizeof(io), 0);
}

/**
 * vccw_start() - START as QEMU does it
 * @dev: the device
 * @orb: the ORB
 *
 * A whole-region write of the I/O region, retried while it fails with
 * EAGAIN.
 *
 * Return: 0 or -errno.
 */
int vccw_start(struct vccw_dev *dev, const struct ccw_orb *orb)
{
	struct ccw_io_region io;

	vccw_io_region_make(&io, orb, SCSW_FCTL_START_FUNC);
	return vccw_start_region(dev, &io);
}

/**
 * vccw_start_region() - vccw_start() of a region made beforehand
 * @dev: the device
 * @io: the I/O region to write (vccw_io_region_make())
 *
 * vccw_io_pwrite() retried while it fails with EAGAIN: nothing else
 * between the caller and the system call (the benchmark's measured path).
 *
 * Return: 0 or -errno.
 */
int vccw_start_region(struct vccw_dev *dev, const struct ccw_io_region *io)
{
	int ret, tries = 0;

	do {
		ret = vccw_io_pwrite(dev, io);
	} while (ret == -EAGAIN && ++tries < 100000);
	if (ret < 0)
		return ret;
	return ret == (int)sizeof(*io) ? 0 : -EIO;
}

/**
 * vccw_async() - write {@cmd, 0} to the async command region
 * @dev: the device
 * @cmd: VFIO_CCW_ASYNC_CMD_*
 * @retry_eagain: loop while the write fails with EAGAIN (as QEMU does)
 *
 * Return: 0 or -errno (-ENOENT when there is no async region).
 */
int vccw_async(struct vccw_dev *dev, uint32_t cmd, bool retry_eagain)
{
	struct ccw_cmd_region r = { .command = cmd, .ret_code = 0 };
	int ret, tries = 0;

	do {
		ret = vccw_region_write(dev, VFIO_CCW_REGION_ASYNC, &r,
					sizeof(r), 0);
	} while (retry_eagain && ret == -EAGAIN && ++tries < 100000);
	if (ret < 0)
		return ret;
	return ret == (int)sizeof(r) ? 0 : -EIO;
}

/**
 * vccw_wait_irq() - wait for the I/O eventfd
 * @dev: the device
 * @timeout_ms: how long
 * @count: if not NULL, the eventfd count read (interrupts since last read)
 *
 * Return: 0, -ETIMEDOUT or -errno.
 */
int vccw_wait_irq(struct vccw_dev *dev, int timeout_ms, uint64_t *count)
{
	struct pollfd p = { .fd = dev->io_efd, .events = POLLIN };
	uint64_t v;
	int ret;

	do {
		ret = poll(&p, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	if (read(dev->io_efd, &v, sizeof(v)) != sizeof(v))
		return -errno;
	if (count)
		*count = v;
	return 0;
}

/** vccw_read_irb() - read the whole I/O region, return its IRB; 0/-errno */
int vccw_read_irb(struct vccw_dev *dev, struct ccw_irb *irb)
{
	struct ccw_io_region io;
	int ret;

	ret = vccw_region_read(dev, VFIO_CCW_REGION_IO, &io, sizeof(io), 0);
	if (ret < 0)
		return ret;
	if (ret != (int)sizeof(io))
		return -EIO;
	memcpy(irb, io.irb_area, sizeof(*irb));
	return 0;
}

/** vccw_read_status() - read the status region; 0/-errno (-ENOENT) */
int vccw_read_status(struct vccw_dev *dev, struct ccw_status_region *st)
{
	int ret = vccw_region_read(dev, VFIO_CCW_REGION_STATUS, st,
				   sizeof(*st), 0);

	if (ret < 0)
		return ret;
	return ret == (int)sizeof(*st) ? 0 : -EIO;
}

/** vccw_read_schib() - read the schib region; 0/-errno */
int vccw_read_schib(struct vccw_dev *dev, struct ccw_schib *schib)
{
	int ret = vccw_region_read(dev, VFIO_CCW_REGION_SCHIB, schib,
				   sizeof(*schib), 0);

	if (ret < 0)
		return ret;
	return ret == (int)sizeof(*schib) ? 0 : -EIO;
}

/** vccw_read_crw() - read one CRW (0 when none); 0/-errno */
int vccw_read_crw(struct vccw_dev *dev, uint32_t *crw)
{
	struct ccw_crw_region r;
	int ret = vccw_region_read(dev, VFIO_CCW_REGION_CRW, &r, sizeof(r), 0);

	if (ret < 0)
		return ret;
	if (ret != (int)sizeof(r))
		return -EIO;
	*crw = r.crw;
	return 0;
}

/**
 * vccw_run() - start a program, wait for its interrupt, read the IRB
 * @dev: the device
 * @orb: the ORB
 * @irb: output
 *
 * Return: 0 or -errno (the start's error, or -ETIMEDOUT).
 */
int vccw_run(struct vccw_dev *dev, const struct ccw_orb *orb,
	     struct ccw_irb *irb)
{
	int ret;

	ret = vccw_start(dev, orb);
	if (ret)
		return ret;
	ret = vccw_wait_irq(dev, VCCW_TIMEOUT_MS, NULL);
	if (ret)
		return ret;
	return vccw_read_irb(dev, irb);
}

/**
 * vccw_sense_id() - run a one-CCW SENSE ID
 * @dev: the device
 * @mem: guest memory; its first 256 bytes are used (CCW at 0, data at 64)
 * @irb: output
 * @id: output, the first 8 bytes of the data (may be NULL)
 *
 * Return: 0 or -errno.
 */
int vccw_sense_id(struct vccw_dev *dev, struct vccw_mem *mem,
		  struct ccw_irb *irb, struct sense_id_data *id)
{
	struct ccw1 *ccw = (struct ccw1 *)mem->va;
	uint8_t *data = mem->va + 64;
	struct ccw_orb orb;
	int ret;

	memset(mem->va, 0, 256);
	ccw_set(ccw, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32, vccw_iova(mem, data));
	orb_init(&orb, vccw_iova(mem, ccw), 0);
	ret = vccw_run(dev, &orb, irb);
	if (ret)
		return ret;
	if (id)
		memcpy(id, data, sizeof(*id));
	return 0;
}

/**
 * vccw_drain_irqs() - consume interrupts until none arrives for @quiet_ms
 * @dev: the device
 * @quiet_ms: how long without an interrupt ends the drain
 * @last: if not NULL, the IRB read after the last interrupt
 *
 * Return: the number of eventfd signals seen (the eventfd count summed).
 */
int vccw_drain_irqs(struct vccw_dev *dev, int quiet_ms, struct ccw_irb *last)
{
	uint64_t c;
	int n = 0;

	while (!vccw_wait_irq(dev, quiet_ms, &c)) {
		n += (int)c;
		if (last)
			vccw_read_irb(dev, last);
	}
	return n;
}

/* ---------------------------------------------------------------------- */
/* Builders and decoders                                                   */
/* ---------------------------------------------------------------------- */

/**
 * prog_suspend() - a program that suspends: SENSE ID (CC, data at @off +
 * 64, so the program has a pinned data page), then a NOP with the suspend
 * flag, with an ORB that has suspend control on
 * @m: memory
 * @off: offset of the program in @m (8-byte aligned, 128 bytes used)
 * @orb: output ORB
 *
 * Return: the CCW that suspends: clear its CCW_FLAG_SUSPEND and RSCH to
 * let the program complete.
 */
struct ccw1 *prog_suspend(struct vccw_mem *m, size_t off, struct ccw_orb *orb)
{
	struct ccw1 *ccw = (struct ccw1 *)(m->va + off);

	memset(ccw, 0, 128);
	ccw_set(&ccw[0], CCW_CMD_SENSE_ID, CCW_FLAG_CC | CCW_FLAG_SLI, 32,
		vccw_iova(m, m->va + off + 64));
	ccw_set(&ccw[1], CCW_CMD_NOOP, CCW_FLAG_SUSPEND | CCW_FLAG_SLI, 0, 0);
	orb_init(orb, vccw_iova(m, ccw), ORB_SPND);
	return &ccw[1];
}

/**
 * prog_nop_chain() - a chain of NOPs and its ORB
 * @m: memory
 * @off: offset of the first CCW in @m
 * @n: number of command-chained NOPs
 * @orb: output ORB
 */
void prog_nop_chain(struct vccw_mem *m, size_t off, int n,
		    struct ccw_orb *orb)
{
	struct ccw1 *ccw = (struct ccw1 *)(m->va + off);
	int i;

	for (i = 0; i < n; i++)
		ccw_set(&ccw[i], CCW_CMD_NOOP,
			CCW_FLAG_SLI | (i < n - 1 ? CCW_FLAG_CC : 0), 0, 0);
	orb_init(orb, vccw_iova(m, ccw), 0);
}

/** vccw_feat_str() - names of VFIO_CCW_FEAT_* bits (unknown ones in hex) */
const char *vccw_feat_str(uint32_t features, char *buf, size_t len)
{
	static const char *const n[] = {
		"io-halt-clear", "overtake", "strict-io-write", "suspend",
	};
	uint32_t known = features & 0xf, rest = features & ~0xfu;
	size_t off;

	ccw_bits_str(known, n, 4, buf, len);
	off = strlen(buf);
	if (rest)
		snprintf(buf + off, len - off, "%s0x%x", known ? "|" : "",
			 rest);
	return buf;
}

/** vccw_state_str() - name of a VFIO_CCW_STATUS_* state */
const char *vccw_state_str(uint32_t state)
{
	static const char *const n[] = {
		"not-oper", "standby", "idle", "cp-processing", "cp-pending",
	};

	return state < ARRAY_LEN(n) ? n[state] : "unknown";
}

/* ---------------------------------------------------------------------- */
/* Leak accounting                                                         */
/* ---------------------------------------------------------------------- */

/** vccw_proc_status_kb() - the kB value of @field ("VmLck") of this process */
long vccw_proc_status_kb(const char *field)
{
	char line[256];
	size_t flen = strlen(field);
	long v = -ENOENT;
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, flen) && line[flen] == ':') {
			v = strtol(line + flen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/**
 * vccw_pinned_kb() - kB of this process pinned for devices
 *
 * vfio type1 accounts the pages it pins in VmLck, iommufd in VmPin: the
 * sum is the process's pinned memory whichever back-end the device uses.
 *
 * Return: kB (never negative).
 */
long vccw_pinned_kb(void)
{
	long a = vccw_proc_status_kb("VmLck"), b = vccw_proc_status_kb("VmPin");

	return (a > 0 ? a : 0) + (b > 0 ? b : 0);
}

/**
 * vccw_driver_cached_kb() - kB kept pinned by the pin caches of the driver
 *
 * Sums pin_cached over every device's debugfs counters
 * (/sys/kernel/debug/vfio/<uuid>/vfio_ccw_stats, see
 * Documentation/ABI/testing/debugfs-vfio-ccw). A driver without a pin
 * cache (the in-tree one) has no such counter: 0.
 *
 * Return: kB (never negative).
 */
long vccw_driver_cached_kb(void)
{
	const char *dir = "/sys/kernel/debug/vfio";
	long kb = sysconf(_SC_PAGESIZE) / 1024, sum = 0;
	char path[PATH_MAX], line[128];
	struct dirent *e;
	long long v;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/vfio_ccw_stats", dir,
			 e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "pin_cached %lld", &v) == 1 && v > 0)
				sum += v * kb;
		fclose(f);
	}
	closedir(d);
	return sum;
}

/**
 * vccw_settled_locked_kb() - pinned memory (VmLck + VmPin) beyond the
 * driver's pin caches once it has dropped to 0, or after @timeout_ms
 * @timeout_ms: a driver may release the pages of a finished program from
 * a work item shortly after signalling its interrupt
 *
 * The pages a pin cache keeps (vccw_driver_cached_kb()) are documented
 * locked memory of the process and are not counted.
 *
 * Return: the kB pinned and not held by a pin cache, or -errno.
 */
long vccw_settled_locked_kb(int timeout_ms)
{
	uint64_t end = vccw_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	long v;

	for (;;) {
		v = vccw_pinned_kb();
		if (v > 0)
			v -= vccw_driver_cached_kb();
		if (v <= 0 || vccw_now_ns() >= end)
			return v;
		usleep(1000);
	}
}

/** vccw_count_fds() - number of open file descriptors of this process */
int vccw_count_fds(void)
{
	struct dirent *e;
	int n = 0;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

/** vccw_now_ns() - CLOCK_MONOTONIC in ns */
uint64_t vccw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}
