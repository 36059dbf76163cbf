// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the harness guest: mounts the pseudo file systems, then executes
 * the plan in /etc/plan line by line and powers the guest off.
 *
 * Plan lines (words separated by blanks, no quoting):
 *   insmod PATH [PARAMS...]      load a module (finit_module)
 *   rmmod NAME                   unload a module (delete_module)
 *   write PATH VALUE...          write the words to a (sysfs) file
 *   bind SCHID DRIVER UUID       move a subchannel to DRIVER, create an mdev
 *                                (UUID "-": no mdev)
 *   setenv NAME VALUE            set an environment variable for later runs
 *   run PROG [ARGS...]           run a program, wait for it
 *   spawn PROG [ARGS...]         start a program in the background
 *   wait                         wait for every spawned program to end
 *   waitfile PATH SECONDS        wait until PATH exists (a spawned program
 *                                says it is ready)
 *   cat PATH                     print a file
 *   dmesg                        print the kernel log buffer
 *   sleep SECONDS                wait (kmemleak wants objects to age)
 * (The table commands[] below holds the same, with each command's number
 * of words.) Every step prints a marker line "@@ <step> ..." and its
 * result, so that the host can tell where a guest stopped. A failed insmod
 * or bind aborts the plan (the programs would only report the missing
 * driver). The last line is always "@@ END status=N" with the first
 * non-zero status (or 0). Spawned programs still running at the end are
 * waited for (killed after 60 s).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORDS 64
#define MAX_SPAWNED 16

static struct {
	pid_t pid;
	char name[256];
	double t0;
} spawned[MAX_SPAWNED];
static int nspawned;

static int first_failure;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(int status)
{
	if (!first_failure)
		first_failure = status ? status : 1;
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	printf("@@ write %s <- %s\n", path, val);
	if (fd < 0) {
		printf("@@ write %s: open: %s\n", path, strerror(errno));
		return -errno;
	}
	n = write(fd, val, strlen(val));
	if (n < 0) {
		int err = errno;

		printf("@@ write %s: %s\n", path, strerror(err));
		close(fd);
		return -err;
	}
	close(fd);
	return 0;
}

static int do_insmod(char **w, int n)
{
	char params[1024] = "";
	int fd, i, ret;

	for (i = 2; i < n; i++) {
		strncat(params, w[i], sizeof(params) - strlen(params) - 2);
		strcat(params, " ");
	}
	fd = open(w[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("@@ insmod %s: %s\n", w[1], strerror(errno));
		return 1;
	}
	ret = syscall(SYS_finit_module, fd, params, 0);
	close(fd);
	printf("@@ insmod %s: %s\n", w[1], ret ? strerror(errno) : "ok");
	return ret ? 1 : 0;
}

static int do_rmmod(char **w, int n)
{
	int ret = syscall(SYS_delete_module, w[1], O_NONBLOCK);

	printf("@@ rmmod %s: %s\n", w[1], ret ? strerror(errno) : "ok");
	return ret ? 1 : 0;
}

static int do_bind(char **w, int n)
{
	const char *schid = w[1], *drv = w[2], *uuid = w[3];
	char path[512], link[512];
	ssize_t len;

	snprintf(path, sizeof(path), "/sys/bus/css/devices/%s/driver", schid);
	len = readlink(path, link, sizeof(link) - 1);
	if (len > 0) {
		link[len] = 0;
		if (strcmp(strrchr(link, '/') + 1, drv)) {
			snprintf(path, sizeof(path),
				 "/sys/bus/css/devices/%s/driver/unbind", schid);
			if (write_file(path, schid))
				return 1;
		}
	}
	snprintf(path, sizeof(path), "/sys/bus/css/devices/%s/driver_override",
		 schid);
	if (write_file(path, drv))
		return 1;
	snprintf(path, sizeof(path), "/sys/bus/css/devices/%s/driver", schid);
	if (access(path, F_OK)) {
		snprintf(path, sizeof(path), "/sys/bus/css/drivers/%s/bind",
			 drv);
		if (write_file(path, schid))
			return 1;
	}
	/* "-": the subchannel only, the mdev is someone else's (mdevctl) */
	snprintf(path, sizeof(path),
		 "/sys/bus/css/devices/%s/mdev_supported_types/vfio_ccw-io/create",
		 schid);
	if (strcmp(uuid, "-") && write_file(path, uuid))
		return 1;
	printf("@@ bind %s %s %s: ok\n", schid, drv, uuid);
	return 0;
}

/*
 * Start the program of a run or spawn line (@w[1], its arguments after it);
 * a failed exec says so under the @step's marker and exits 127.
 */
static pid_t start(const char *step, char **w)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(w[1], w + 1);
		printf("@@ %s %s: exec: %s\n", step, w[1], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Say how program @name of @step ended; return its status (128 + signal). */
static int ended(const char *step, const char *name, int status, double t0)
{
	if (WIFSIGNALED(status)) {
		printf("@@ %s %s: end signal=%d time=%.2f\n", step, name,
		       WTERMSIG(status), now() - t0);
		return 128 + WTERMSIG(status);
	}
	printf("@@ %s %s: end status=%d time=%.2f\n", step, name,
	       WEXITSTATUS(status), now() - t0);
	return WEXITSTATUS(status);
}

static int do_run(char **w, int n)
{
	double t0 = now();
	int status;
	pid_t pid;

	printf("@@ run %s: begin\n", w[1]);
	pid = start("run", w);
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		printf("@@ run %s: %s\n", w[1], strerror(errno));
		return 1;
	}
	return ended("run", w[1], status, t0);
}

static int do_spawn(char **w, int n)
{
	pid_t pid;

	if (nspawned == MAX_SPAWNED) {
		printf("@@ spawn %s: too many\n", w[1]);
		return 1;
	}
	pid = start("spawn", w);
	if (pid < 0) {
		printf("@@ spawn %s: %s\n", w[1], strerror(errno));
		return 1;
	}
	spawned[nspawned].pid = pid;
	spawned[nspawned].t0 = now();
	snprintf(spawned[nspawned].name, sizeof(spawned[0].name), "%s", w[1]);
	nspawned++;
	printf("@@ spawn %s: pid %d\n", w[1], (int)pid);
	return 0;
}

/* Wait for every spawned program; after @limit seconds, kill it. */
static int do_wait(double limit)
{
	int i, status, st = 0;
	double t0 = now();

	for (i = 0; i < nspawned; i++) {
		pid_t r;

		while ((r = waitpid(spawned[i].pid, &status, WNOHANG)) == 0) {
			if (limit > 0 && now() - t0 > limit) {
				printf("@@ wait %s: killed after %.0f s\n",
				       spawned[i].name, limit);
				kill(spawned[i].pid, SIGKILL);
			}
			usleep(20000);
		}
		if (r < 0) {
			printf("@@ wait %s: %s\n", spawned[i].name,
			       strerror(errno));
			st = st ? st : 1;
		} else {
			status = ended("wait", spawned[i].name, status,
				       spawned[i].t0);
			st = st ? st : status;
		}
	}
	nspawned = 0;
	return st;
}

static int do_waitfile(char **w, int n)
{
	double t0 = now(), limit = atof(w[2]);

	while (access(w[1], F_OK)) {
		if (now() - t0 > limit) {
			printf("@@ waitfile %s: timeout\n", w[1]);
			return 1;
		}
		usleep(20000);
	}
	printf("@@ waitfile %s: ok %.2f\n", w[1], now() - t0);
	return 0;
}

static int do_cat(char **w, int n)
{
	char buf[4096];
	ssize_t len;
	int fd = open(w[1], O_RDONLY);

	if (fd < 0) {
		printf("@@ cat %s: %s\n", w[1], strerror(errno));
		return 1;
	}
	while ((len = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, len, stdout);
	close(fd);
	return 0;
}

static int do_dmesg(char **w, int n)
{
	static char buf[1 << 20];
	int len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf));

	if (len < 0) {
		printf("@@ dmesg: %s\n", strerror(errno));
		return 1;
	}
	printf("@@ dmesg: begin\n");
	fwrite(buf, 1, len, stdout);
	printf("@@ dmesg: end\n");
	return 0;
}

static void mounts(void)
{
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

static int do_write(char **w, int n)
{
	char val[2048] = "";
	int i;

	for (i = 2; i < n; i++) {
		strncat(val, w[i], sizeof(val) - strlen(val) - 2);
		if (i + 1 < n)
			strcat(val, " ");
	}
	return write_file(w[1], val) ? 1 : 0;
}

static int do_setenv(char **w, int n)
{
	setenv(w[1], w[2], 1);
	return 0;
}

static int do_wait_line(char **w, int n)
{
	return do_wait(0);
}

static int do_sleep(char **w, int n)
{
	sleep(atoi(w[1]));
	return 0;
}

/*
 * The plan language (see the top of this file): a line is a command and its
 * arguments, @min to @max words with the command's name; a line that names
 * no command or has another number of words is a bad line (status 2). A
 * failure of a command that @aborts ends the plan.
 */
static const struct command {
	const char *name;
	int min, max;
	int (*run)(char **w, int n);
	bool aborts;
} commands[] = {
	{ "insmod",   2, MAX_WORDS, do_insmod,    true },
	{ "rmmod",    2, 2,         do_rmmod,     false },
	{ "write",    3, MAX_WORDS, do_write,     false },
	{ "bind",     4, 4,         do_bind,      true },
	{ "setenv",   3, 3,         do_setenv,    false },
	{ "run",      2, MAX_WORDS, do_run,       false },
	{ "spawn",    2, MAX_WORDS, do_spawn,     false },
	{ "wait",     1, 1,         do_wait_line, false },
	{ "waitfile", 3, 3,         do_waitfile,  false },
	{ "sleep",    2, 2,         do_sleep,     false },
	{ "dmesg",    1, 1,         do_dmesg,     false },
	{ "cat",      2, 2,         do_cat,       false },
	{ NULL }
};

static const struct command *lookup(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void execute(FILE *plan)
{
	char line[4096];

	while (fgets(line, sizeof(line), plan)) {
		char *w[MAX_WORDS + 1], *save, *tok;
		const struct command *c;
		int n = 0, st;

		for (tok = strtok_r(line, " \t\n", &save); tok && n < MAX_WORDS;
		     tok = strtok_r(NULL, " \t\n", &save))
			w[n++] = tok;
		w[n] = NULL;
		if (!n || w[0][0] == '#')
			continue;
		c = lookup(w[0]);
		if (c && n >= c->min && n <= c->max) {
			st = c->run(w, n);
		} else {
			printf("@@ plan: bad line: %s\n", w[0]);
			st = 2;
		}
		if (st)
			fail(st);
		if (st && c && c->aborts) {
			printf("@@ plan aborted: %s failed\n", w[0]);
			break;
		}
		fflush(stdout);
	}
}

int main(void)
{
	FILE *plan;

	mounts();
	setvbuf(stdout, NULL, _IOLBF, 0);
	setenv("PATH", "/bin", 1);
	setenv("HOME", "/tmp", 1);
	printf("@@ BEGIN\n");
	plan = fopen("/etc/plan", "r");
	if (!plan) {
		printf("@@ no /etc/plan: %s\n", strerror(errno));
		fail(2);
	} else {
		execute(plan);
		fclose(plan);
	}
	if (nspawned && do_wait(60))
		fail(1);
	printf("@@ END status=%d\n", first_failure);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
