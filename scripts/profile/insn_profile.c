// SPDX-License-Identifier: GPL-2.0
/*
 * insn_profile: a QEMU TCG plugin that counts the guest instructions
 * executed per translation block start address. At exit it writes one
 * line per address, "<hex vaddr> <instructions executed>", to the file
 * named by its argument out=FILE (default insn_profile.txt).
 *
 * Under -icount the guest's clock is its instruction count, so this is an
 * exact profile of what the benchmark's virtual clock measures.
 * scripts/profile.sh loads it and folds the addresses into symbols.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin_api.h"

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* Open hash of counters by start address; never shrinks. */
struct slot {
	uint64_t vaddr;
	uint64_t insns;		/* executed, summed over executions */
};

#define NSLOTS (1u << 22)
static struct slot *slots;
static const char *out = "insn_profile.txt";

static struct slot *lookup(uint64_t vaddr)
{
	uint64_t h = (vaddr * 0x9e3779b97f4a7c15ull) >> 42;

	for (;;) {
		struct slot *s = &slots[h & (NSLOTS - 1)];

		if (s->vaddr == vaddr || !s->vaddr) {
			s->vaddr = vaddr;
			return s;
		}
		h++;
	}
}

static void tb_trans(uint64_t id, struct qemu_plugin_tb *tb)
{
	struct slot *s = lookup(qemu_plugin_tb_vaddr(tb) | 1);

	/* Bit 0 is free (s390 instructions are halfword aligned). */
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &s->insns,
						 qemu_plugin_tb_n_insns(tb));
}

static void at_exit(uint64_t id, void *p)
{
	FILE *f = fopen(out, "w");
	unsigned int i;

	if (!f)
		return;
	for (i = 0; i < NSLOTS; i++)
		if (slots[i].vaddr && slots[i].insns)
			fprintf(f, "%llx %llu\n",
				(unsigned long long)(slots[i].vaddr & ~1ull),
				(unsigned long long)slots[i].insns);
	fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(uint64_t id, const struct qemu_info_t *info,
			int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			out = argv[i] + 4;
	slots = calloc(NSLOTS, sizeof(*slots));
	if (!slots)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
