// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the nested guest (the guest of the QEMU that runs inside the
 * harness guest with a vfio-ccw device passed through).
 *
 * Waits until the channel subsystem has recognised the ccw device with bus
 * id $NESTED_BUSID (from the kernel command line, default 0.0.0002): the
 * io_subchannel driver fills its cutype/devtype attributes from the SENSE
 * ID data, which reach this guest through vfio-ccw. Prints
 *   NESTED: 0.0.0002 cutype 3832/04 devtype n/a
 * (or "NESTED: 0.0.0002 missing" after the time limit), lists every ccw
 * device it saw, and powers the guest off.
 *
 * Built against the kernel tree's nolibc (tools/include/nolibc), not glibc:
 * 6 KB instead of 650 KB for the nested kernel to unpack and page in under
 * TCG in TCG (exec to first line still takes 15-25 s there either way).
 */
#include <nolibc.h>
#include <linux/reboot.h>

#define WAIT_SECONDS 60
#define CCW_DEVICES "/sys/bus/ccw/devices/"

/* Read a one-line sysfs attribute into @buf without its newline. */
static int read_attr(const char *busid, const char *attr, char *buf,
		     size_t size)
{
	size_t ldir = strlen(CCW_DEVICES), lid = strlen(busid);
	size_t lattr = strlen(attr);
	char path[256], *nl;
	ssize_t n;
	int fd;

	if (ldir + lid + 1 + lattr + 1 > sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, CCW_DEVICES, ldir);
	memcpy(path + ldir, busid, lid);
	path[ldir + lid] = '/';
	memcpy(path + ldir + lid + 1, attr, lattr + 1);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ENODATA;
	buf[n] = 0;
	nl = strchr(buf, '\n');
	if (nl)
		*nl = 0;
	return 0;
}

static void list_devices(void)
{
	char buf[4096];
	int fd = open(CCW_DEVICES, O_RDONLY | O_DIRECTORY);
	long n, off;

	if (fd < 0) {
		printf("nested: no %s: %s\n", CCW_DEVICES, strerror(errno));
		return;
	}
	while ((n = getdents64(fd, (void *)buf, sizeof(buf))) > 0) {
		for (off = 0; off < n;) {
			struct linux_dirent64 *de = (void *)(buf + off);
			char cu[32] = "?", dev[32] = "?", online[8] = "?";

			off += de->d_reclen;
			if (de->d_name[0] == '.')
				continue;
			read_attr(de->d_name, "cutype", cu, sizeof(cu));
			read_attr(de->d_name, "devtype", dev, sizeof(dev));
			read_attr(de->d_name, "online", online, sizeof(online));
			printf("nested: ccw device %s cutype %s devtype %s online %s\n",
			       de->d_name, cu, dev, online);
		}
	}
	close(fd);
}

int main(void)
{
	const char *busid = getenv("NESTED_BUSID");
	char cu[32], dev[32] = "?";
	int i, ret = -ENOENT;

	if (!busid)
		busid = "0.0.0002";
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	printf("nested: init up, waiting for ccw device %s\n", busid);

	for (i = 0; i < WAIT_SECONDS * 10; i++) {
		ret = read_attr(busid, "cutype", cu, sizeof(cu));
		if (!ret)
			break;
		usleep(100 * 1000);
	}
	list_devices();
	if (ret) {
		printf("NESTED: %s missing (%s)\n", busid, strerror(-ret));
	} else {
		read_attr(busid, "devtype", dev, sizeof(dev));
		printf("NESTED: %s cutype %s devtype %s\n", busid, cu, dev);
	}
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	return 0;
}
