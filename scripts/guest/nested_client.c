// SPDX-License-Identifier: GPL-2.0
/*
 * Real QEMU as the vfio-ccw client, run inside the harness guest: starts
 * qemu-system-s390x with the mdev passed through as a vfio-ccw device,
 * boots the nested guest (whose /init is nested_init) and checks that the
 * nested guest read the device's SENSE ID data through our regions.
 *
 * usage: nested_client [-m UUID] [-q QEMU] [-k KERNEL] [-i INITRD]
 *                      [-d DEVNO] [-c CUTYPE] [-t SECONDS] [-a ARGS]
 *   -m  mdev UUID (default $VFIO_CCW_MDEV)
 *   -q  QEMU binary (default /usr/bin/qemu-system-s390x)
 *   -k  nested kernel (default /nested/bzImage)
 *   -i  nested initramfs (default /nested/initrd)
 *   -d  device number in the nested guest (default fe.0.0002)
 *   -c  expected control unit type (default 3832)
 *   -t  time limit of the nested run (default 300)
 *   -a  more nested kernel command line (e.g. loglevel=8)
 * Prints TAP (one test, nested.sense_id), the nested console as
 * "# |SECONDS| LINE" diagnostics; exit 0 when the nested guest printed
 * "NESTED: 0.0.DEVNO cutype CUTYPE/..", 1 otherwise.
 *
 * QEMU runs with address-space randomisation off: with it on, the nested
 * guest failed to start its /init in about 40% of boots (TCG in TCG).
 * Even so, one boot in many printed nothing at all for the whole time
 * limit (the nested kernel prints nothing before its /init, which is up
 * after 15-40 s): a first boot that stays silent for NESTED_SILENT_S is
 * killed and started once more, and the log says so. A nested guest that
 * prints anything is never retried.
 */
#define NESTED_SILENT_S	150
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TEST_NAME "nested.sense_id"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: nested_client [-m UUID] [-q QEMU] [-k KERNEL] [-i INITRD]\n"
		"                     [-d DEVNO] [-c CUTYPE] [-t SECONDS] [-a ARGS]\n");
	exit(2);
}

/* Exec QEMU with stdout/stderr on @out; never returns. */
static void child(int out, const char *qemu, const char *kernel,
		  const char *initrd, const char *uuid, const char *devno,
		  const char *busid, const char *more)
{
	char dev[256], append[512];
	int null;
	char *const argv[] = {
		(char *)qemu, "-M", "s390-ccw-virtio", "-accel", "tcg",
		"-cpu", "qemu", "-smp", "1", "-m", "256", "-nographic",
		"-nodefaults", "-serial", "stdio", "-no-reboot",
		"-kernel", (char *)kernel, "-initrd", (char *)initrd,
		"-append", append, "-device", dev, NULL
	};

	snprintf(dev, sizeof(dev),
		 "vfio-ccw,sysfsdev=/sys/bus/mdev/devices/%s,devno=%s",
		 uuid, devno);
	snprintf(append, sizeof(append),
		 "console=ttysclp0 panic=-1 loglevel=5 NESTED_BUSID=%s %s",
		 busid, more);
	if (personality(PER_LINUX | ADDR_NO_RANDOMIZE) < 0)
		fprintf(stderr, "personality: %s\n", strerror(errno));
	/* stdin on /dev/null: -serial stdio must not read a reused fd 0 */
	null = open("/dev/null", O_RDONLY);
	if (null >= 0 && null != STDIN_FILENO) {
		dup2(null, STDIN_FILENO);
		close(null);
	}
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	close(out);
	setpgid(0, 0);
	execv(qemu, argv);
	fprintf(stderr, "exec %s: %s\n", qemu, strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	const char *uuid = getenv("VFIO_CCW_MDEV");
	const char *qemu = "/usr/bin/qemu-system-s390x";
	const char *kernel = "/nested/bzImage", *initrd = "/nested/initrd";
	const char *devno = "fe.0.0002", *cutype = "3832", *more = "";
	char busid[32], want[64], line[4096], reason[256] = "";
	size_t len = 0;
	int timeout = 300, found = 0, timed_out = 0, fds[2], opt, status;
	int silent, stalled = 0, retried = 0;
	double t0, deadline, started;
	unsigned int n;
	pid_t pid;

	while ((opt = getopt(argc, argv, "m:q:k:i:d:c:t:a:")) != -1) {
		switch (opt) {
		case 'm':
			uuid = optarg;
			break;
		case 'q':
			qemu = optarg;
			break;
		case 'k':
			kernel = optarg;
			break;
		case 'i':
			initrd = optarg;
			break;
		case 'd':
			devno = optarg;
			break;
		case 'c':
			cutype = optarg;
			break;
		case 't':
			timeout = atoi(optarg);
			break;
		case 'a':
			more = optarg;
			break;
		default:
			usage();
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..1\n");
	if (!uuid || !*uuid || !strcmp(uuid, "none")) {
		printf("ok 1 " TEST_NAME " # SKIP no mdev (set VFIO_CCW_MDEV or -m)\n");
		return 0;
	}
	/* fe.0.0002 -> the nested guest's bus id 0.0.0002 */
	if (sscanf(devno, "%*x.%*x.%x", &n) != 1)
		usage();
	snprintf(busid, sizeof(busid), "0.0.%04x", n);
	snprintf(want, sizeof(want), "NESTED: %s cutype %s/", busid, cutype);

	t0 = now();
	deadline = t0 + timeout;
again:
	if (pipe(fds))
		return perror("pipe"), 1;
	printf("# nested: %s -device vfio-ccw,sysfsdev=/sys/bus/mdev/devices/%s,devno=%s\n",
	       qemu, uuid, devno);
	started = now();
	silent = 1;
	pid = fork();
	if (pid < 0)
		return perror("fork"), 1;
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], qemu, kernel, initrd, uuid, devno, busid,
		      more);
	}
	close(fds[1]);

	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		int left = (int)((deadline - now()) * 1000);
		ssize_t r;
		char *nl;

		/* a first boot that prints nothing at all: one more try */
		if (silent && !retried &&
		    now() - started > NESTED_SILENT_S) {
			stalled = 1;
			break;
		}
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		if (poll(&p, 1, silent && !retried ? 1000 : left) <= 0)
			continue;
		r = read(fds[0], line + len, sizeof(line) - 1 - len);
		if (r <= 0)
			break;
		silent = 0;
		len += r;
		line[len] = 0;
		/* Echo complete lines; a full buffer counts as one. */
		while ((nl = strchr(line, '\n')) || len == sizeof(line) - 1) {
			size_t used = nl ? (size_t)(nl - line) + 1 : len;

			line[used - 1] = 0;
			line[strcspn(line, "\r")] = 0;
			printf("# |%6.1f| %s\n", now() - t0, line);
			if (!strncmp(line, want, strlen(want)))
				found = 1;
			memmove(line, line + used, len - used + 1);
			len -= used;
		}
	}
	if (len) {
		line[strcspn(line, "\r")] = 0;
		printf("# |%6.1f| %s\n", now() - t0, line);
		if (!strncmp(line, want, strlen(want)))
			found = 1;
	}
	if (stalled) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		close(fds[0]);
		waitpid(pid, &status, 0);
		printf("# nested: no output in %d s (a stalled TCG-in-TCG boot): second try\n",
		       NESTED_SILENT_S);
		stalled = 0;
		retried = 1;
		len = 0;
		goto again;
	}
	if (timed_out) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		snprintf(reason, sizeof(reason), "timeout after %d s", timeout);
	}
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0) {
		status = 0;
		snprintf(reason, sizeof(reason), "waitpid: %s", strerror(errno));
	}
	printf("# nested: qemu ended (%s %d) after %.1f s\n",
	       WIFSIGNALED(status) ? "signal" : "status",
	       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
	       now() - t0);
	if (!found && !*reason)
		snprintf(reason, sizeof(reason), "no line \"%s...\"", want);
	if (found && !timed_out && WIFEXITED(status) && WEXITSTATUS(status))
		snprintf(reason, sizeof(reason), "qemu exit status %d",
			 WEXITSTATUS(status));
	if (found && !*reason) {
		printf("ok 1 " TEST_NAME "\n");
		return 0;
	}
	printf("not ok 1 " TEST_NAME " # %s\n", reason);
	return 1;
}
