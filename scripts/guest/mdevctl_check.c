// SPDX-License-Identifier: GPL-2.0
/*
 * mdevctl_check: the operator's round trip with mdevctl, in the harness
 * guest, against whichever vfio_ccw is loaded: types, define, list,
 * start, a second start on the same subchannel refused, stop, undefine,
 * and start-parent-mdevs after an unbind and rebind of the subchannel.
 * It ends with the mdev $VFIO_CCW_MDEV started by mdevctl (for the nested
 * QEMU that runs next). TAP on stdout; exit status 0 when every step did
 * what an operator expects.
 *
 * usage: VFIO_CCW_SCHIDS=0.0.0000 VFIO_CCW_MDEV=<uuid> mdevctl_check
 *        [path of mdevctl, default /usr/bin/mdevctl]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *mdevctl = "/usr/bin/mdevctl";
static char out[16384];
static int step, failed;

/* Run mdevctl with the arguments (NULL-terminated); its stdout in out[]. */
static int mdevctl_run(const char *arg, ...)
{
	const char *argv[16] = { mdevctl, arg };
	posix_spawn_file_actions_t fa;
	int pfd[2], status, n = 2;
	size_t len = 0;
	ssize_t r;
	va_list ap;
	pid_t pid;

	va_start(ap, arg);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	if (pipe(pfd))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	if (posix_spawn(&pid, mdevctl, &fa, NULL, (char **)argv, environ)) {
		close(pfd[0]);
		close(pfd[1]);
		return -ENOENT;
	}
	close(pfd[1]);
	while ((r = read(pfd[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += r;
	out[len] = 0;
	close(pfd[0]);
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	printf("# mdevctl");
	for (n = 1; argv[n]; n++)
		printf(" %s", argv[n]);
	printf(": exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void check(int ok, const char *what)
{
	step++;
	printf("%sok %d - %s\n", ok ? "" : "not ", step, what);
	if (!ok) {
		failed++;
		if (*out)
			printf("# output: %.2000s\n", out);
	}
}

static int exists(const char *fmt, const char *arg)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), fmt, arg);
	return !stat(path, &st);
}

static int write_sysfs(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	const char *schids = getenv("VFIO_CCW_SCHIDS");
	const char *uuid = getenv("VFIO_CCW_MDEV");
	const char *other = "7e1e5000-0000-4000-8000-0000000000ff";
	char schid[32], path[256];
	int ret;

	if (argc > 1)
		mdevctl = argv[1];
	if (!schids || !uuid || !strcmp(uuid, "none")) {
		printf("1..0 # SKIP needs VFIO_CCW_SCHIDS and VFIO_CCW_MDEV\n");
		return 0;
	}
	snprintf(schid, sizeof(schid), "%.*s", (int)strcspn(schids, ","),
		 schids);
	printf("TAP version 13\n1..12\n");

	ret = mdevctl_run("types", NULL);
	check(!ret && strstr(out, "vfio_ccw-io") && strstr(out, schid),
	      "types lists vfio_ccw-io on the subchannel");

	ret = mdevctl_run("define", "-u", uuid, "-p", schid, "-t",
			  "vfio_ccw-io", NULL);
	check(!ret, "define");
	ret = mdevctl_run("list", "-d", NULL);
	check(!ret && strstr(out, uuid), "list -d shows the definition");

	ret = mdevctl_run("start", "-u", uuid, NULL);
	check(!ret && exists("/sys/bus/mdev/devices/%s", uuid),
	      "start creates the mdev");
	ret = mdevctl_run("start", "-u", other, "-p", schid, "-t",
			  "vfio_ccw-io", NULL);
	check(ret && !exists("/sys/bus/mdev/devices/%s", other),
	      "a second mdev on the same subchannel is refused");
	ret = mdevctl_run("list", NULL);
	check(!ret && strstr(out, uuid) && !strstr(out, other),
	      "list shows the running mdev only");

	ret = mdevctl_run("stop", "-u", uuid, NULL);
	check(!ret && !exists("/sys/bus/mdev/devices/%s", uuid),
	      "stop removes the mdev");
	ret = mdevctl_run("undefine", "-u", uuid, NULL);
	check(!ret, "undefine");
	ret = mdevctl_run("list", "-d", NULL);
	check(!ret && !strstr(out, uuid), "list -d no longer shows it");

	/* defined to start with its parent; the parent comes and goes */
	ret = mdevctl_run("define", "-u", uuid, "-p", schid, "-t",
			  "vfio_ccw-io", "--auto", NULL);
	check(!ret, "define --auto");
	ret = write_sysfs("/sys/bus/css/drivers/vfio_ccw/unbind", schid);
	if (!ret)
		ret = write_sysfs("/sys/bus/css/drivers/vfio_ccw/bind", schid);
	snprintf(path, sizeof(path), "%s", schid);
	check(!ret && exists("/sys/class/mdev_bus/%s", path),
	      "unbind and rebind the subchannel");
	ret = mdevctl_run("start-parent-mdevs", schid, NULL);
	check(!ret && exists("/sys/bus/mdev/devices/%s", uuid),
	      "start-parent-mdevs starts the defined mdev");

	printf("# mdevctl: %s\n", failed ? "FAILED" : "all ok");
	return failed ? 1 : 0;
}
