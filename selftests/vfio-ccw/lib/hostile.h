/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile: helpers of the hardening selftests (fuzz, dma, lifecycle,
 * stress): a seeded PRNG, the documented errno of every operation class,
 * a per-class errno histogram, the safe guest-memory layout for random
 * channel programs, and the summary line "# figures: ...".
 *
 * A random program must never make the (virtio) device behind the
 * subchannel write to memory it was not given: virtio-ccw commands that
 * carry guest addresses (SET_VQ, SET_IND, ...) are never generated, TICs
 * only jump forward (QEMU runs CCWs synchronously: a loop would hang it),
 * and the CCWs live above 16 MiB, out of reach of 24-bit format-0 data
 * addresses, in memory that no generated data address designates.
 */
#ifndef VFIO_CCW_HOSTILE_H
#define VFIO_CCW_HOSTILE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vfio_ccw_lib.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* ---------------------------------------------------------------------- */
/* PRNG                                                                    */
/* ---------------------------------------------------------------------- */

/**
 * struct hrng - xorshift64* state; never 0
 * @s: state
 */
struct hrng {
	uint64_t s;
};

void hrng_init(struct hrng *r, uint64_t seed, uint64_t stream);
uint64_t hrng_next(struct hrng *r);
uint32_t hrng_below(struct hrng *r, uint32_t n);
bool hrng_chance(struct hrng *r, unsigned int percent);

uint64_t hostile_seed(const char *env);
double hostile_env_seconds(const char *env, double dflt);
unsigned long hostile_env_ulong(const char *env, unsigned long dflt);

/* ---------------------------------------------------------------------- */
/* Documented errno per operation class                                    */
/* ---------------------------------------------------------------------- */

enum hclass {
	HC_IO_WRITE,		/* I/O region write */
	HC_IO_READ,		/* I/O region read */
	HC_ASYNC_WRITE,		/* async command region write */
	HC_ASYNC_READ,		/* async command region read */
	HC_SCHIB_READ,
	HC_CRW_READ,
	HC_STATUS_READ,
	HC_RO_WRITE,		/* write of a read-only region */
	HC_BAD_INDEX,		/* read/write of an unknown region index */
	HC_GET_INFO,
	HC_REGION_INFO,
	HC_IRQ_INFO,
	HC_SET_IRQS,
	HC_RESET,
	HC_UNKNOWN_IOCTL,
	HC_NR,
};

#define HIST_ERRNO_MAX	160	/* errno values counted individually */

/**
 * struct hhist - errno histogram per class (bucket 0: success)
 * @n: counts, [class][errno]
 * @bad: calls that returned an undocumented errno
 */
struct hhist {
	atomic_ulong n[HC_NR][HIST_ERRNO_MAX + 1];
	atomic_ulong bad;
};

const char *hclass_name(enum hclass c);
bool hclass_allowed(enum hclass c, int err);
bool hist_add(struct hhist *h, enum hclass c, int ret, const char *what);
void hist_print(const struct hhist *h, const char *name);
unsigned long hist_total(const struct hhist *h, enum hclass c);
unsigned long hist_ok(const struct hhist *h, enum hclass c);
const char *errname(int err);

/* ---------------------------------------------------------------------- */
/* Memory layout of the random programs                                    */
/* ---------------------------------------------------------------------- */

#define HMEM_DATA_IOVA	0x100000ull	/* data, below 16 MiB */
#define HMEM_DATA_SIZE	(64 * 1024)
#define HMEM_EDGE_IOVA	0x200000ull	/* 2 pages; its end is a mapping end */
#define HMEM_EDGE_SIZE	(8 * 1024)
#define HMEM_RO_IOVA	0x300000ull	/* read-only mapping */
#define HMEM_RO_SIZE	(4 * 1024)
#define HMEM_GAP_IOVA	0x400000ull	/* never mapped */
#define HMEM_PROG_IOVA	0x1000000ull	/* CCWs, above 16 MiB */
#define HMEM_PROG_SIZE	(32 * 1024)
#define HMEM_IDAL_IOVA	0x2000000ull	/* IDALs */
#define HMEM_IDAL_SIZE	(8 * 1024)

/**
 * struct hmem - the mappings of one device used by random programs
 * @data: data buffers (the device writes here)
 * @edge: a small mapping whose end is followed by unmapped IOVA
 * @ro: a read-only mapping
 * @prog: CCWs only (filled with unchained NOPs)
 * @idal: IDAWs only
 * @slices: number of independent program/IDAL slices (one per thread)
 */
struct hmem {
	struct vccw_mem data, edge, ro, prog, idal;
	int slices;
};

int hmem_map(struct vccw_dev *dev, struct hmem *m, int slices);
void hmem_unmap(struct vccw_dev *dev, struct hmem *m);

/**
 * struct hprog_stats - what the program generator produced
 * @ccws: CCWs generated
 * @idaws: IDAWs generated
 * @tics: TICs generated
 * @suspend: programs with a suspend flag and suspend control
 * @mutated: programs mutated after generation
 */
struct hprog_stats {
	atomic_ulong ccws, idaws, tics, suspend, mutated;
};

void hprog_random(struct hrng *r, struct hmem *m, int slice,
		  struct ccw_orb *orb, struct hprog_stats *st);
void hprog_sanitize(struct hmem *m, int slice);
void hprog_mutate(struct hrng *r, struct hmem *m, int slice,
		  struct ccw_orb *orb, struct hprog_stats *st);

/* ---------------------------------------------------------------------- */
/* Misc                                                                    */
/* ---------------------------------------------------------------------- */

int hostile_quiesce(struct vccw_dev *dev);
long hostile_pinned_kb(void);
long hostile_wait_unpinned(int ms);
bool hostile_unmap_bounded(struct vccw_dev *dev, struct vccw_mem *m,
			   int timeout_s, int *ret);

#endif /* VFIO_CCW_HOSTILE_H */
