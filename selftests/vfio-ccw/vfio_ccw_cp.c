// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_cp: channel-program translation seen from user space, on a real
 * (virtio-ccw) subchannel: command chains, TICs, IDALs of every format,
 * data across pages, programs at the edge of a mapping, and malformed
 * programs, each of which must fail cleanly and leave the device usable.
 *
 * usage: VFIO_CCW_MDEV=<mdev uuid> vfio_ccw_cp
 */
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"

#define MEM_SIZE (64 * 1024)
#define PG 4096

FIXTURE(cp) {
	struct vccw_dev dev;
	struct vccw_mem mem;
	uint8_t ref_id[32];	/* SENSE ID data of a plain 32-byte read */
};

FIXTURE_SETUP(cp)
{
	struct ccw_irb irb;
	struct ccw1 *ccw;
	struct ccw_orb orb;

	vccw_fixture_open(self, MEM_SIZE);
	/* what 32 bytes of SENSE ID look like, read the plain way */
	ccw = (struct ccw1 *)(self->mem.va + 0xf000);
	ccw_set(ccw, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32,
		vccw_iova(&self->mem, self->mem.va + 0xf100));
	orb_init(&orb, vccw_iova(&self->mem, ccw), 0);
	vccw_run_ok(&self->dev, &orb, &irb);
	EXPECT_IRB_OK(&irb);
	memcpy(self->ref_id, self->mem.va + 0xf100, 32);
	ASSERT_EQ(0xff, self->ref_id[0]);
	memset(self->mem.va, 0, MEM_SIZE);
}

FIXTURE_TEARDOWN(cp)
{
	vccw_fixture_close(self);
}

/* The IOVA and the CCW at offset @off of the fixture's memory. */
#define iova_at(self, off)	((uint32_t)(self)->mem.iova + (off))
#define ccw_at(self, off)	((struct ccw1 *)((self)->mem.va + (off)))

/*
 * @len bytes at @p were stored by the channel. QEMU 7.2 restarts its source
 * data at every IDAW (the second block of a SENSE ID holds FF 3832 again),
 * so only "written, and by SENSE ID" can be checked: no byte of the 0x55
 * fill is left, and the first block starts with the SENSE ID data.
 */
static bool stored(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] == 0x55)
			return false;
	return true;
}

/* Run @orb: the program ends normally at the CCW at @last_off. */
#define RUN_EXPECT_OK(orb, last_off) do {				\
		struct ccw_irb __irb;					\
		struct scsw_fields __f;					\
		vccw_run_ok(&self->dev, orb, &__irb);			\
		EXPECT_IRB_OK(&__irb);					\
		scsw_decode(&__irb.scsw, &__f);				\
		EXPECT_EQ(iova_at(self, last_off) + 8, __f.cpa);	\
	} while (0)

/* @n command-chained NOPs at offset @off end normally at the last one. */
#define RUN_NOP_CHAIN_OK(off, n) do {					\
		size_t __off = (off);					\
		int __n = (n);						\
		struct ccw_orb __orb;					\
		prog_nop_chain(&self->mem, __off, __n, &__orb);		\
		RUN_EXPECT_OK(&__orb, __off + (__n - 1) * 8);		\
	} while (0)

/*
 * Run @orb: the program ends normally. The CCW address is not checked:
 * programs of several chains (TICs) have their own test of it,
 * cp.tic_ccw_address_translation.
 */
#define RUN_EXPECT_DONE(orb) do {					\
		struct ccw_irb __irb;					\
		vccw_run_ok(&self->dev, orb, &__irb);			\
		EXPECT_IRB_OK(&__irb);					\
	} while (0)

/*
 * The channel runs the program up to a fault and ends it with a channel-
 * program check, the CCW address @at (the faulty CCW, or the target of a
 * TIC that leads nowhere, plus 8): what the guest would see natively. The
 * driver never refuses such a program (the in-tree driver does, with
 * EINVAL or EFAULT, which QEMU turns into a unit exception).
 */
#define RUN_EXPECT_PROGRAM_CHECK(orb, at) do {				\
		struct ccw_irb __irb;					\
		struct scsw_fields __f;					\
		int __r = vccw_start(&self->dev, orb);			\
		if (__r)						\
			TH_LOG("start refused: %d (%s)", __r, strerror(-__r)); \
		ASSERT_EQ(0, __r);					\
		ASSERT_EQ(0, vccw_wait_irq(&self->dev, VCCW_TIMEOUT_MS, NULL)); \
		vccw_read_irb_ok(&self->dev, &__irb);			\
		scsw_decode(&__irb.scsw, &__f);				\
		TH_LOG_IRB("ended by the channel", &__irb);		\
		EXPECT_TRUE(scsw_is_final(&__f));			\
		EXPECT_EQ(SCHN_STAT_PROG_CHECK, __f.cstat);		\
		EXPECT_EQ((uint32_t)(at), __f.cpa);			\
		EXPECT_SENSE_ID_OK(&self->dev, &self->mem);		\
	} while (0)

FIXTURE(chain) {
	struct vccw_dev dev;
	struct vccw_mem mem;
};

FIXTURE_SETUP(chain)
{
	vccw_fixture_open(self, MEM_SIZE);
}

FIXTURE_TEARDOWN(chain)
{
	vccw_fixture_close(self);
}

FIXTURE_VARIANT(chain) {
	int n;
};

FIXTURE_VARIANT_ADD(chain, nop1) { .n = 1 };
FIXTURE_VARIANT_ADD(chain, nop2) { .n = 2 };
FIXTURE_VARIANT_ADD(chain, nop16) { .n = 16 };
FIXTURE_VARIANT_ADD(chain, nop64) { .n = 64 };
FIXTURE_VARIANT_ADD(chain, nop256) { .n = 256 };

/* n command-chained NOPs: one interrupt, CCW address after the last. */
TEST_F(chain, nops)
{
	struct ccw_orb orb;
	struct ccw_irb irb;
	struct scsw_fields f;
	int i;

	prog_nop_chain(&self->mem, 0x1000, variant->n, &orb);
	for (i = 0; i < 3; i++) {
		vccw_run_ok(&self->dev, &orb, &irb);
		EXPECT_IRB_OK(&irb);
		scsw_decode(&irb.scsw, &f);
		EXPECT_EQ((uint32_t)self->mem.iova + 0x1000 + 8 * variant->n,
			  f.cpa);
	}
}

/* n chained SENSE IDs, each into its own 32 bytes through an IDAL. */
TEST_F(chain, sense_id_idal)
{
	struct ccw1 *ccw = (struct ccw1 *)(self->mem.va + 0x1000);
	uint64_t *idal = (uint64_t *)(self->mem.va + 0x2000);
	uint8_t *data = self->mem.va + 0x4000;
	struct ccw_orb orb;
	struct ccw_irb irb;
	int i, n = variant->n > 64 ? 64 : variant->n;

	for (i = 0; i < n; i++) {
		idaw2_set(&idal[i], vccw_iova(&self->mem, data + 32 * i));
		ccw_set(&ccw[i], CCW_CMD_SENSE_ID,
			CCW_FLAG_SLI | CCW_FLAG_IDA |
			(i < n - 1 ? CCW_FLAG_CC : 0), 32,
			vccw_iova(&self->mem, &idal[i]));
	}
	orb_init(&orb, vccw_iova(&self->mem, ccw), 0);
	vccw_run_ok(&self->dev, &orb, &irb);
	EXPECT_IRB_OK(&irb);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(0xff, data[32 * i]);
		EXPECT_EQ(0x38, data[32 * i + 1]);
	}
}

/* Command chains that cross a 2 KB boundary, a page boundary, both. */
TEST_F(cp, chain_across_2k_boundary)
{
	RUN_NOP_CHAIN_OK(0x1700, 64);
}

TEST_F(cp, chain_across_page_boundary)
{
	RUN_NOP_CHAIN_OK(0x1f80, 32);
}

TEST_F(cp, chain_255_from_page_start)
{
	RUN_NOP_CHAIN_OK(0x1000, 255);
}

TEST_F(cp, chain_256_ending_at_page_end)
{
	RUN_NOP_CHAIN_OK(0x1800, 256);
}

TEST_F(cp, tic_first)
{
	struct ccw_orb orb;

	ccw_set(ccw_at(self, 0x100), CCW_CMD_TIC, 0, 0, iova_at(self, 0x3000));
	ccw_set(ccw_at(self, 0x3000), CCW_CMD_NOOP, CCW_FLAG_SLI, 0, 0);
	orb_init(&orb, iova_at(self, 0x100), 0);
	RUN_EXPECT_DONE(&orb);
}

TEST_F(cp, tic_middle)
{
	struct ccw_orb orb;

	ccw_set(ccw_at(self, 0x100), CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI,
		0, 0);
	ccw_set(ccw_at(self, 0x108), CCW_CMD_TIC, 0, 0, iova_at(self, 0x3000));
	ccw_set(ccw_at(self, 0x3000), CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI,
		0, 0);
	ccw_set(ccw_at(self, 0x3008), CCW_CMD_NOOP, CCW_FLAG_SLI, 0, 0);
	orb_init(&orb, iova_at(self, 0x100), 0);
	RUN_EXPECT_DONE(&orb);
}

/* The program's last CCW is a TIC to a one-CCW chain. */
TEST_F(cp, tic_last)
{
	struct ccw_orb orb;

	ccw_set(ccw_at(self, 0x100), CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI,
		0, 0);
	ccw_set(ccw_at(self, 0x108), CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI,
		0, 0);
	ccw_set(ccw_at(self, 0x110), CCW_CMD_TIC, 0, 0, iova_at(self, 0x5008));
	ccw_set(ccw_at(self, 0x5008), CCW_CMD_NOOP, CCW_FLAG_SLI, 0, 0);
	orb_init(&orb, iova_at(self, 0x100), 0);
	RUN_EXPECT_DONE(&orb);
}

/* A TIC backwards into the first chain, to a CCW not executed yet. */
TEST_F(cp, tic_backwards)
{
	struct ccw_orb orb;

	/* A: TIC -> B; A+8: NOP (end) */
	ccw_set(ccw_at(self, 0x3000), CCW_CMD_TIC, 0, 0, iova_at(self, 0x6000));
	ccw_set(ccw_at(self, 0x3008), CCW_CMD_NOOP, CCW_FLAG_SLI, 0, 0);
	/* B: SENSE ID (CC); TIC -> A+8 */
	ccw_set(ccw_at(self, 0x6000), CCW_CMD_SENSE_ID,
		CCW_FLAG_CC | CCW_FLAG_SLI, 8, iova_at(self, 0x7000));
	ccw_set(ccw_at(self, 0x6008), CCW_CMD_TIC, 0, 0, iova_at(self, 0x3008));
	orb_init(&orb, iova_at(self, 0x3000), 0);
	RUN_EXPECT_DONE(&orb);
	EXPECT_EQ(0xff, self->mem.va[0x7000]);
}

/*
 * The CCW address of the final status of a program of several chains is
 * the guest's address after its last CCW, every time, whatever the shape
 * of the program and wherever the driver's copies lie. (The reference
 * matches the address against its chains with a one-CCW slack, so when
 * two copies happen to be adjacent it reports a CCW of the wrong chain.)
 */
TEST_F(cp, tic_ccw_address_translation)
{
	struct scsw_fields f;
	struct ccw_orb orb;
	struct ccw_irb irb;
	int shape, i, bad = 0;

	for (i = 0; i < 48; i++) {
		for (shape = 0; shape < 4; shape++) {
			uint32_t last;

			memset(self->mem.va, 0, 0x8000);
			switch (shape) {
			case 0:	/* TIC first */
				ccw_set(ccw_at(self, 0x100), CCW_CMD_TIC, 0, 0,
					iova_at(self, 0x3000));
				ccw_set(ccw_at(self, 0x3000), CCW_CMD_NOOP,
					CCW_FLAG_SLI, 0, 0);
				last = 0x3000;
				break;
			case 1:	/* TIC in the middle, 2 + 2 CCWs */
				ccw_set(ccw_at(self, 0x100), CCW_CMD_NOOP,
					CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
				ccw_set(ccw_at(self, 0x108), CCW_CMD_TIC, 0, 0,
					iova_at(self, 0x3000));
				ccw_set(ccw_at(self, 0x3000), CCW_CMD_NOOP,
					CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
				ccw_set(ccw_at(self, 0x3008), CCW_CMD_NOOP,
					CCW_FLAG_SLI, 0, 0);
				last = 0x3008;
				break;
			case 2:	/* three chains, NOP + TIC each */
				ccw_set(ccw_at(self, 0x100), CCW_CMD_NOOP,
					CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
				ccw_set(ccw_at(self, 0x108), CCW_CMD_TIC, 0, 0,
					iova_at(self, 0x2000));
				ccw_set(ccw_at(self, 0x2000), CCW_CMD_NOOP,
					CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
				ccw_set(ccw_at(self, 0x2008), CCW_CMD_TIC, 0, 0,
					iova_at(self, 0x4000));
				ccw_set(ccw_at(self, 0x4000), CCW_CMD_NOOP,
					CCW_FLAG_SLI, 0, 0);
				last = 0x4000;
				break;
			default: /* backwards into the first chain */
				ccw_set(ccw_at(self, 0x3000), CCW_CMD_TIC, 0, 0,
					iova_at(self, 0x6000));
				ccw_set(ccw_at(self, 0x3008), CCW_CMD_NOOP,
					CCW_FLAG_SLI, 0, 0);
				ccw_set(ccw_at(self, 0x6000), CCW_CMD_NOOP,
					CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
				ccw_set(ccw_at(self, 0x6008), CCW_CMD_TIC, 0, 0,
					iova_at(self, 0x3008));
				last = 0x3008;
				break;
			}
			orb_init(&orb, iova_at(self, shape == 3 ? 0x3000 : 0x100),
				 0);
			vccw_run_ok(&self->dev, &orb, &irb);
			EXPECT_IRB_OK(&irb);
			scsw_decode(&irb.scsw, &f);
			if (f.cpa != iova_at(self, last) + 8) {
				if (!bad++)
					TH_LOG("shape %d run %d: CCW address 0x%x, expected 0x%x",
					       shape, i, f.cpa,
					       iova_at(self, last) + 8);
			}
		}
	}
	if (bad)
		TH_LOG("%d of %d programs reported a wrong CCW address", bad, 4 * i);
	EXPECT_EQ(0, bad);
}

/* Data of a direct (non-IDAL) CCW crossing a page boundary. */
TEST_F(cp, direct_data_crosses_page)
{
	struct ccw_orb orb;

	memset(self->mem.va + 0x2ff0, 0x55, 64);
	ccw_set(ccw_at(self, 0x100), CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32,
		iova_at(self, 0x2ff0));
	orb_init(&orb, iova_at(self, 0x100), 0);
	RUN_EXPECT_OK(&orb, 0x100);
	EXPECT_EQ(0, memcmp(self->ref_id, self->mem.va + 0x2ff0, 16));
	EXPECT_TRUE(stored(self->mem.va + 0x2ff0, 32));
	EXPECT_EQ(0x55, self->mem.va[0x2ff0 + 32]);
}

/* Format-2 IDAL, 4K blocks: 16 bytes at a page end, 16 in another page. */
TEST_F(cp, idal_fmt2_4k)
{
	uint64_t *idal = (uint64_t *)(self->mem.va + 0x200);
	struct ccw_orb orb;

	memset(self->mem.va + 0x2000, 0x55, 0x6000);
	idaw2_set(&idal[0], iova_at(self, 0x3000 - 16));
	idaw2_set(&idal[1], iova_at(self, 0x6000));
	ccw_set(ccw_at(self, 0x100), CCW_CMD_SENSE_ID,
		CCW_FLAG_SLI | CCW_FLAG_IDA, 32, iova_at(self, 0x200));
	orb_init(&orb, iova_at(self, 0x100), 0);
	RUN_EXPECT_OK(&orb, 0x100);
	EXPECT_EQ(0, memcmp(self->ref_id, self->mem.va + 0x3000 - 16, 16));
	EXPECT_TRUE(stored(self->mem.va + 0x6000, 16));
	EXPECT_EQ(0x55, self->mem.va[0x3000]);
	EXPECT_EQ(0x55, self->mem.va[0x6010]);
}

/* Format-2 IDAL, 2K blocks (ORB I2K). */
TEST_F(cp, idal_fmt2_2k)
{
	uint64_t *idal = (uint64_t *)(self->mem.va + 0x200);
	struct ccw_orb orb;

	memset(self->mem.va + 0x2000, 0x55, 0x6000);
	idaw2_set(&idal[0], iova_at(self, 0x2800 - 16));
	idaw2_set(&idal[1], iova_at(self, 0x5800));
	ccw_set(ccw_at(self, 0x100), CCW_CMD_SENSE_ID,
		CCW_FLAG_SLI | CCW_FLAG_IDA, 32, iova_at(self, 0x200));
	orb_init(&orb, iova_at(self, 0x100), ORB_I2K);
	RUN_EXPECT_OK(&orb, 0x100);
	EXPECT_EQ(0, memcmp(self->ref_id, self->mem.va + 0x2800 - 16, 16));
	EXPECT_TRUE(stored(self->mem.va + 0x5800, 16));
	EXPECT_EQ(0x55, self->mem.va[0x2800]);
}

/* Format-1 IDAL (31-bit IDAWs, 2K blocks): ORB without C64. */
TEST_F(cp, idal_fmt1_2k)
{
	uint32_t *idal = (uint32_t *)(self->mem.va + 0x200);
	struct ccw_orb orb;

	memset(self->mem.va + 0x2000, 0x55, 0x6000);
	idaw1_set(&idal[0], iova_at(self, 0x2800 - 16));
	idaw1_set(&idal[1], iova_at(self, 0x5000));
	ccw_set(ccw_at(self, 0x100), CCW_CMD_SENSE_ID,
		CCW_FLAG_SLI | CCW_FLAG_IDA, 32, iova_at(self, 0x200));
	orb_init(&orb, iova_at(self, 0x100), 0);
	orb.ctrl = htobe32(be32toh(orb.ctrl) & ~ORB_C64);
	RUN_EXPECT_OK(&orb, 0x100);
	EXPECT_EQ(0, memcmp(self->ref_id, self->mem.va + 0x2800 - 16, 16));
	EXPECT_TRUE(stored(self->mem.va + 0x5000, 16));
	EXPECT_EQ(0x55, self->mem.va[0x2800]);
}

/*
 * A one-CCW program in the last 8 bytes of a one-page mapping (with an
 * unmapped page after it). The reference always reads 2 KB of CCWs and
 * fails with EINVAL.
 */
TEST_F(cp, ccw_in_last_bytes_of_mapping)
{
	struct vccw_mem page;
	struct ccw_orb orb;
	struct ccw_irb irb;
	struct ccw1 *ccw;

	ASSERT_EQ(0, vccw_mem_alloc(&self->dev, &page, PG));
	ccw = (struct ccw1 *)(page.va + PG - 8);
	ccw_set(ccw, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32, iova_at(self, 0x2000));
	orb_init(&orb, vccw_iova(&page, ccw), 0);
	EXPECT_EQ(0, vccw_run(&self->dev, &orb, &irb));
	EXPECT_IRB_OK(&irb);
	EXPECT_EQ(0xff, self->mem.va[0x2000]);
	vccw_mem_free(&self->dev, &page);
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* A NOP chain whose CCWs live in a mapping the device may only read. */
TEST_F(cp, ccws_in_readonly_mapping)
{
	struct vccw_mem ro;
	struct ccw_orb orb;
	struct ccw_irb irb;

	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &ro, PG, 0x800000, true));
	prog_nop_chain(&ro, 0, 4, &orb);
	EXPECT_EQ(0, vccw_run(&self->dev, &orb, &irb));
	EXPECT_IRB_OK(&irb);
	vccw_mem_free(&self->dev, &ro);
}

/*
 * A device-write command (memory -> device) whose data is in a read-only
 * mapping: virtio WRITE_STATUS (0x31) of one zero byte. The data only has
 * to be readable; the reference pins every page read-write and fails.
 */
TEST_F(cp, write_data_in_readonly_mapping)
{
	struct vccw_mem ro;
	struct ccw_orb orb;
	struct ccw_irb irb;

	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &ro, PG, 0x800000, true));
	ccw_set(ccw_at(self, 0x100), 0x31, 0, 1, (uint32_t)ro.iova + 0x10);
	orb_init(&orb, iova_at(self, 0x100), 0);
	EXPECT_EQ(0, vccw_run(&self->dev, &orb, &irb));
	EXPECT_IRB_OK(&irb);
	vccw_mem_free(&self->dev, &ro);
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/*
 * A device-read command (device -> memory) into a read-only mapping: the
 * channel cannot store there, and ends the program at the CCW.
 */
TEST_F(cp, read_data_into_readonly_mapping)
{
	struct vccw_mem ro;
	struct ccw_orb orb;

	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &ro, PG, 0x800000, true));
	ccw_set(ccw_at(self, 0x100), CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32,
		(uint32_t)ro.iova);
	orb_init(&orb, iova_at(self, 0x100), 0);
	RUN_EXPECT_PROGRAM_CHECK(&orb, iova_at(self, 0x108));
	EXPECT_NE(0xff, ro.va[0]);
	vccw_mem_free(&self->dev, &ro);
}

/* Data chaining ends in a program check from QEMU's virtio devices. */
TEST_F(cp, data_chaining_program_check)
{
	struct ccw_orb orb;
	struct ccw_irb irb;
	struct scsw_fields f;

	ccw_set(ccw_at(self, 0x100), CCW_CMD_SENSE_ID, CCW_FLAG_DC, 4,
		iova_at(self, 0x2000));
	ccw_set(ccw_at(self, 0x108), CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 28,
		iova_at(self, 0x3000));
	orb_init(&orb, iova_at(self, 0x100), 0);
	vccw_run_ok(&self->dev, &orb, &irb);
	scsw_decode(&irb.scsw, &f);
	TH_LOG_IRB("data chaining", &irb);
	EXPECT_TRUE(f.cstat & SCHN_STAT_PROG_CHECK);
	EXPECT_TRUE(scsw_is_final(&f));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* The ORB's program address is not mapped: the start fails. */
TEST_F(cp, unmapped_program_address)
{
	struct ccw_orb orb;

	uint32_t hole = (uint32_t)(self->mem.iova + MEM_SIZE + 0x100);

	orb_init(&orb, hole, 0);
	RUN_EXPECT_PROGRAM_CHECK(&orb, hole + 8);
}

/* A TIC to an unmapped address: the fetch there faults (target + 8). */
TEST_F(cp, tic_to_unmapped)
{
	uint32_t hole = (uint32_t)(self->mem.iova + MEM_SIZE + 0x100);
	struct ccw_orb orb;

	ccw_set(ccw_at(self, 0x100), CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI,
		0, 0);
	ccw_set(ccw_at(self, 0x108), CCW_CMD_TIC, 0, 0, hole);
	orb_init(&orb, iova_at(self, 0x100), 0);
	RUN_EXPECT_PROGRAM_CHECK(&orb, hole + 8);
}

/* Data address not mapped: the transfer faults at once, at the CCW. */
TEST_F(cp, unmapped_data_address)
{
	struct ccw_orb orb;

	memset(self->mem.va + 0x2000, 0, 64);
	ccw_set(ccw_at(self, 0x100), CCW_CMD_SENSE_ID,
		CCW_FLAG_CC | CCW_FLAG_SLI, 8, iova_at(self, 0x2000));
	ccw_set(ccw_at(self, 0x108), CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32,
		(uint32_t)(self->mem.iova + MEM_SIZE + 0x100));
	orb_init(&orb, iova_at(self, 0x100), 0);
	RUN_EXPECT_PROGRAM_CHECK(&orb, iova_at(self, 0x110));
	/* the CCW before the fault ran */
	EXPECT_EQ(0xff, self->mem.va[0x2000]);
}

/*
 * The second IDAW names an unmapped page: the first 16 bytes are stored,
 * then the transfer faults.
 */
TEST_F(cp, unmapped_idaw)
{
	uint64_t *idal = (uint64_t *)(self->mem.va + 0x200);
	struct ccw_orb orb;

	memset(self->mem.va + 0x3000 - 16, 0, 16);
	idaw2_set(&idal[0], iova_at(self, 0x3000 - 16));
	idaw2_set(&idal[1], self->mem.iova + MEM_SIZE);
	ccw_set(ccw_at(self, 0x100), CCW_CMD_SENSE_ID,
		CCW_FLAG_SLI | CCW_FLAG_IDA, 32, iova_at(self, 0x200));
	orb_init(&orb, iova_at(self, 0x100), 0);
	RUN_EXPECT_PROGRAM_CHECK(&orb, iova_at(self, 0x108));
	EXPECT_EQ(0xff, self->mem.va[0x3000 - 16]);
	EXPECT_EQ(0x38, self->mem.va[0x3000 - 15]);
}

/*
 * Guest memory a program may not use ends it where the channel reaches
 * it, with the status the channel reports natively for storage it cannot
 * access: the program itself, a TIC target, data, an IDAW, the IDAL, a
 * store into a read-only mapping. Never refused (<linux/vfio_ccw.h>).
 */
TEST_F(cp, guest_memory_faults_are_program_checks)
{
	uint64_t *idal = (uint64_t *)(self->mem.va + 0x200);
	uint32_t hole = (uint32_t)(self->mem.iova + MEM_SIZE + 0x100);
	struct vccw_mem ro;
	struct ccw_orb orb;

	/* the program itself */
	orb_init(&orb, hole, 0);
	RUN_EXPECT_PROGRAM_CHECK(&orb, hole + 8);
	/* a TIC target */
	ccw_set(ccw_at(self, 0x100), CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI,
		0, 0);
	ccw_set(ccw_at(self, 0x108), CCW_CMD_TIC, 0, 0, hole);
	orb_init(&orb, iova_at(self, 0x100), 0);
	RUN_EXPECT_PROGRAM_CHECK(&orb, hole + 8);
	/* data */
	ccw_set(ccw_at(self, 0x100), CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32, hole);
	RUN_EXPECT_PROGRAM_CHECK(&orb, iova_at(self, 0x108));
	/* an IDAW */
	idaw2_set(&idal[0], iova_at(self, 0x3000 - 16));
	idaw2_set(&idal[1], self->mem.iova + MEM_SIZE);
	ccw_set(ccw_at(self, 0x100), CCW_CMD_SENSE_ID,
		CCW_FLAG_SLI | CCW_FLAG_IDA, 32, iova_at(self, 0x200));
	RUN_EXPECT_PROGRAM_CHECK(&orb, iova_at(self, 0x108));
	/* the IDAL itself */
	ccw_set(ccw_at(self, 0x100), CCW_CMD_SENSE_ID,
		CCW_FLAG_SLI | CCW_FLAG_IDA, 32, hole);
	RUN_EXPECT_PROGRAM_CHECK(&orb, iova_at(self, 0x108));
	/* a store into a read-only mapping */
	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &ro, PG, 0x800000, true));
	ccw_set(ccw_at(self, 0x100), CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32,
		(uint32_t)ro.iova);
	RUN_EXPECT_PROGRAM_CHECK(&orb, iova_at(self, 0x108));
	EXPECT_NE(0xff, ro.va[0]);
	vccw_mem_free(&self->dev, &ro);
}

/*
 * Unmapping guest memory that a suspended program still uses: the unmap
 * succeeds (the driver ends the program and releases its pages first;
 * type1 would BUG otherwise), and the device works with new memory.
 */
TEST_F(cp, unmap_while_program_suspended)
{
	struct vccw_mem m2;
	struct ccw_orb orb;

	prog_suspend(&self->mem, 0x400, &orb);
	vccw_start_ok(&self->dev, &orb);
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, 100, NULL));
	EXPECT_LT(0, vccw_pinned_kb());
	ASSERT_EQ(0, vccw_mem_unmap(&self->dev, &self->mem));
	vccw_drain_irqs(&self->dev, 100, NULL);
	EXPECT_EQ(0, vccw_settled_locked_kb(1000));
	ASSERT_EQ(0, vccw_mem_alloc(&self->dev, &m2, MEM_SIZE));
	EXPECT_SENSE_ID_OK(&self->dev, &m2);
	vccw_mem_free(&self->dev, &m2);
}

/*
 * TIC to itself, and two TICs to each other: the channel rejects a TIC
 * that follows a TIC; never a hang.
 */
TEST_F(cp, tic_to_self)
{
	struct ccw_orb orb;

	ccw_set(ccw_at(self, 0x100), CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI,
		0, 0);
	ccw_set(ccw_at(self, 0x108), CCW_CMD_TIC, 0, 0, iova_at(self, 0x108));
	orb_init(&orb, iova_at(self, 0x100), 0);
	RUN_EXPECT_PROGRAM_CHECK(&orb, iova_at(self, 0x110));
}

TEST_F(cp, tic_to_tic_loop)
{
	struct ccw_orb orb;

	ccw_set(ccw_at(self, 0x100), CCW_CMD_TIC, 0, 0, iova_at(self, 0x4000));
	ccw_set(ccw_at(self, 0x4000), CCW_CMD_TIC, 0, 0, iova_at(self, 0x100));
	orb_init(&orb, iova_at(self, 0x100), 0);
	RUN_EXPECT_PROGRAM_CHECK(&orb, iova_at(self, 0x4008));
}

/*
 * Command code 0 is invalid: the channel runs the CCWs before it (the
 * NOP, the SENSE ID and its data) and ends with a channel-program check
 * whose CCW address points past the invalid CCW.
 */
TEST_F(cp, invalid_command_code)
{
	struct ccw_orb orb;

	memset(self->mem.va + 0x2000, 0, 64);
	ccw_set(ccw_at(self, 0x100), CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI,
		0, 0);
	ccw_set(ccw_at(self, 0x108), CCW_CMD_SENSE_ID,
		CCW_FLAG_CC | CCW_FLAG_SLI, 32, iova_at(self, 0x2000));
	ccw_set(ccw_at(self, 0x110), 0x00, CCW_FLAG_SLI, 8,
		iova_at(self, 0x3000));
	orb_init(&orb, iova_at(self, 0x100), 0);
	RUN_EXPECT_PROGRAM_CHECK(&orb, iova_at(self, 0x118));
	EXPECT_EQ(0xff, self->mem.va[0x2000]);
	EXPECT_EQ(0x38, self->mem.va[0x2001]);
	EXPECT_EQ(0x32, self->mem.va[0x2002]);
}

/*
 * Format-0 CCWs (ORB format bit 0): a SENSE ID written in the format-0
 * layout (command, 24-bit address, flags, reserved, count).
 */
TEST_F(cp, format0_sense_id)
{
	uint8_t *c = self->mem.va + 0x100;
	uint32_t data = iova_at(self, 0x2000);
	struct ccw_orb orb;

	c[0] = CCW_CMD_SENSE_ID;
	c[1] = data >> 16;
	c[2] = data >> 8;
	c[3] = data;
	c[4] = CCW_FLAG_SLI;
	c[5] = 0;
	c[6] = 0;
	c[7] = 32;
	orb_init(&orb, iova_at(self, 0x100), 0);
	orb.ctrl = htobe32(be32toh(orb.ctrl) & ~ORB_FMT1);
	RUN_EXPECT_OK(&orb, 0x100);
	EXPECT_EQ(0, memcmp(self->ref_id, self->mem.va + 0x2000, 32));
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
