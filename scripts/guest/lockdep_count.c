// SPDX-License-Identifier: GPL-2.0
/*
 * lockdep_count: how far lockdep checked a debug boot. Prints one line:
 *
 *   lockdep: on|OFF, classes N (vfio_ccw M), direct dependencies D,
 *            dependency chains C
 *
 * from /proc/lockdep_stats (debug_locks: 0 once lockdep turned itself
 * off after a report) and /proc/lockdep, where a class of ours is one
 * whose name names a lock of the driver (argv[1..], else the built-in
 * list of its lock and mutex names).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ours[] = {
	"io_mutex", "crw_mutex", "pins->lock", "&fs->lock", "retire_work",
	"&private->wait", "&pins->wait", NULL,
};

static long stat_of(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

int main(int argc, char **argv)
{
	static char stats[16384];
	const char *const *names = argc > 1 ? (const char *const *)argv + 1 :
					      ours;
	long classes = 0, mine = 0;
	char line[512];
	size_t n;
	FILE *f;
	int i;

	f = fopen("/proc/lockdep_stats", "r");
	if (!f) {
		printf("lockdep: no /proc/lockdep_stats\n");
		return 0;
	}
	n = fread(stats, 1, sizeof(stats) - 1, f);
	stats[n] = 0;
	fclose(f);
	f = fopen("/proc/lockdep", "r");
	while (f && fgets(line, sizeof(line), f)) {
		/* a class line: "<addr> FD: .. BD: .. <flags>: <name>" */
		if (!strstr(line, " FD:"))
			continue;
		classes++;
		for (i = 0; names[i]; i++) {
			if (strstr(line, names[i])) {
				mine++;
				break;
			}
		}
	}
	if (f)
		fclose(f);
	printf("lockdep: %s, classes %ld (vfio_ccw %ld), ",
	       stat_of(stats, "debug_locks:") == 1 ? "on" : "OFF", classes,
	       mine);
	printf("direct dependencies %ld, dependency chains %ld\n",
	       stat_of(stats, "direct dependencies:"),
	       stat_of(stats, "dependency chains:"));
	return 0;
}
