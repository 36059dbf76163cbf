// SPDX-License-Identifier: GPL-2.0
/*
 * lifecycle_holder: keeps a vfio-ccw device open, with a suspended
 * program in flight, while scripts/lifecycle-check.sh removes the mdev,
 * unbinds the subchannel, unplugs the device (QMP device_del) or tries to
 * unload the module. Not a kselftest: the check script runs it through
 * the guest's plan ("spawn") and reads its "@@ HOLDER" lines.
 *
 * usage: lifecycle_holder remove|unbind|unplug|rmmod UUID TAG
 *   remove, unbind, unplug: wait (60 s at most) for the device request
 *     (IRQ index 2), try one more start, close, exit 0 when the request
 *     came and nothing stayed pinned
 *   rmmod: delete_module("vfio_ccw") while open must fail (EBUSY or
 *     EWOULDBLOCK); the device still works; close, exit 0
 * Ready: /tmp/ready-TAG is created and "@@ READY TAG" printed once the
 * suspended program is in flight.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

#include "vfio_ccw_lib.h"
#include "hostile.h"

#define REQ_TIMEOUT_MS	60000

static const char *tag = "?";

#define say(fmt, ...) do {						\
		printf("@@ HOLDER %s: " fmt "\n", tag, ##__VA_ARGS__);	\
		fflush(stdout);						\
	} while (0)

static int mark_ready(void)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/tmp/ready-%s", tag);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	printf("@@ READY %s\n", tag);
	fflush(stdout);
	return 0;
}

static int sense_id_ok(struct vccw_dev *dev, struct vccw_mem *m)
{
	struct sense_id_data id;
	struct ccw_irb irb;
	int ret = vccw_sense_id(dev, m, &irb, &id);

	if (ret)
		return ret;
	return id.ff == 0xff ? 0 : -EIO;
}

static int hold_rmmod(struct vccw_dev *dev, struct vccw_mem *m)
{
	int ret = syscall(SYS_delete_module, "vfio_ccw", O_NONBLOCK);
	int err = errno;

	if (!ret) {
		say("FAIL rmmod vfio_ccw succeeded while the device is open");
		return 1;
	}
	say("rmmod vfio_ccw while open: %s", errname(err));
	if (err != EBUSY && err != EWOULDBLOCK)
		return 1;
	hostile_quiesce(dev);
	ret = sense_id_ok(dev, m);
	say("SENSE ID after the refused rmmod: %s", ret ? errname(-ret) : "ok");
	return ret ? 1 : 0;
}

static int hold_until_request(struct vccw_dev *dev, struct vccw_mem *m,
			      int req_efd)
{
	struct pollfd p = { .fd = req_efd, .events = POLLIN };
	uint64_t t0 = vccw_now_ns(), v;
	struct ccw_orb orb;
	int ret;

	ret = poll(&p, 1, REQ_TIMEOUT_MS);
	if (ret <= 0) {
		say("FAIL no device request within %d ms", REQ_TIMEOUT_MS);
		return 1;
	}
	if (read(req_efd, &v, sizeof(v)) != sizeof(v))
		v = 0;
	say("device request after %llu ms (count %llu)",
	    (unsigned long long)((vccw_now_ns() - t0) / 1000000),
	    (unsigned long long)v);
	/* one more request: it fails (the device is going) or still works */
	prog_nop_chain(m, 0x2000, 2, &orb);
	ret = vccw_io_write(dev, &orb, SCSW_FCTL_START_FUNC);
	say("start after the request: %s", ret < 0 ? errname(-ret) : "accepted");
	if (ret < 0 && !hclass_allowed(HC_IO_WRITE, -ret) && ret != -EIO) {
		say("FAIL undocumented errno %s", errname(-ret));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct vccw_dev dev;
	struct vccw_mem m;
	struct ccw_orb orb;
	int req_efd, ret, st;
	long kb;

	if (argc != 4) {
		fprintf(stderr, "usage: %s remove|unbind|unplug|rmmod UUID TAG\n",
			argv[0]);
		return 2;
	}
	tag = argv[3];
	ret = vccw_open(&dev, argv[2]);
	if (ret) {
		say("FAIL open %s: %s", argv[2], errname(-ret));
		return 1;
	}
	ret = vccw_mem_alloc(&dev, &m, 16 * 1024);
	if (ret) {
		say("FAIL map: %s", errname(-ret));
		return 1;
	}
	req_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ret = vccw_set_irq_eventfd(&dev, dev.irq_index[VFIO_CCW_IRQ_REQ],
				   req_efd);
	if (ret) {
		say("FAIL REQ eventfd: %s", errname(-ret));
		return 1;
	}
	ret = sense_id_ok(&dev, &m);
	if (ret) {
		say("FAIL SENSE ID: %s", errname(-ret));
		return 1;
	}
	prog_suspend(&m, 0x1000, &orb);
	ret = vccw_start(&dev, &orb);
	if (ret) {
		say("FAIL suspended start: %s", errname(-ret));
		return 1;
	}
	say("open %s, suspended program in flight, %ld kB pinned", dev.uuid,
	    hostile_pinned_kb());
	mark_ready();

	if (!strcmp(argv[1], "rmmod"))
		st = hold_rmmod(&dev, &m);
	else
		st = hold_until_request(&dev, &m, req_efd);

	vccw_mem_free(&dev, &m);
	vccw_close(&dev);
	close(req_efd);
	kb = hostile_pinned_kb();
	say("closed, %ld kB pinned", kb);
	if (kb)
		st = 1;
	printf("# figures: lifecycle.holder mode=%s tag=%s ok=%d pinned_kb_left=%ld\n",
	       argv[1], tag, !st, kb);
	say("%s", st ? "FAIL" : "PASS");
	return st;
}
