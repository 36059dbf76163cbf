// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_dma: DMA isolation. A channel program can only reach the
 * memory of its container's mappings, with the rights of the mapping:
 * data or IDAWs outside a mapping, straddling its end, a TIC into unmapped
 * IOVA, a read CCW into a read-only mapping never reach the channel as
 * addresses: the program runs up to that CCW and ends with a
 * channel-program check there, as natively; CCWs that change while they
 * are translated never make the device do anything but one of the
 * programs it could have seen; and an unmap of
 * pages used by a started or suspended program ends that program, releases
 * every pin, and returns.
 *
 * usage: VFIO_CCW_MDEV=<mdev uuid> vfio_ccw_dma
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"
#include "hostile.h"

#define QUIET_MS	150
#define CANARY		0xc3
#define FLIP_MS		4000
#define UNMAP_TIMEOUT_S	10

FIXTURE(dma) {
	struct vccw_dev dev;
	struct hmem m;
	unsigned long checks;
};

FIXTURE_SETUP(dma)
{
	vccw_open_ok(&self->dev, vccw_env_mdev());
	ASSERT_EQ(0, hmem_map(&self->dev, &self->m, 1));
	memset(self->m.edge.va, CANARY, self->m.edge.size);
	memset(self->m.ro.va, CANARY, self->m.ro.size);
}

FIXTURE_TEARDOWN(dma)
{
	if (self->dev.fd >= 0) {
		hostile_quiesce(&self->dev);
		EXPECT_SENSE_ID_OK(&self->dev, &self->m.data);
		hmem_unmap(&self->dev, &self->m);
		vccw_close(&self->dev);
	}
	EXPECT_EQ(0, hostile_pinned_kb());
}

static struct ccw1 *prog(struct _test_data_dma *self)
{
	memset(self->m.prog.va, 0, 256);
	return (struct ccw1 *)self->m.prog.va;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	while (n--)
		if (*p++ != v)
			return false;
	return true;
}

/*
 * The start of @orb must be refused as a fault: EFAULT is what the ABI
 * documents for guest memory that is not mapped (the reference answers
 * EINVAL, what vfio_pin_pages() says); nothing may run, nothing stays
 * pinned.
 */
/*
 * The start is accepted and the channel ends the program with a channel-
 * program check at CCW address @cpa: what it reports natively for storage
 * it cannot reach. Only the @stored bytes at the start of the edge
 * mapping's last page may have changed (what the channel stored before it
 * reached the end); nothing else of the edge or read-only mappings.
 */
static void expect_program_check(struct __test_metadata *_metadata,
				 struct _test_data_dma *self,
				 const struct ccw_orb *orb, const char *what,
				 uint32_t cpa, size_t stored)
{
	int ret = vccw_io_write(&self->dev, orb, SCSW_FCTL_START_FUNC);
	struct scsw_fields f;
	struct ccw_irb irb;
	size_t tail = self->m.edge.size - stored;

	if (ret < 0) {
		TH_LOG("%s: refused: %s (the channel ends it)", what,
		       errname(-ret));
		EXPECT_EQ(0, ret);
		return;
	}
	ASSERT_EQ(0, vccw_wait_irq(&self->dev, 1000, NULL));
	ASSERT_EQ(0, vccw_read_irb(&self->dev, &irb));
	scsw_decode(&irb.scsw, &f);
	if (f.cstat != SCHN_STAT_PROG_CHECK || f.cpa != cpa)
		TH_LOG_IRB(what, &irb);
	EXPECT_TRUE(scsw_is_final(&f));
	EXPECT_EQ(SCHN_STAT_PROG_CHECK, f.cstat);
	EXPECT_EQ(cpa, f.cpa);
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	EXPECT_TRUE(all_bytes(self->m.edge.va, tail, CANARY));
	EXPECT_TRUE(all_bytes(self->m.ro.va, self->m.ro.size, CANARY));
	memset(self->m.edge.va + tail, CANARY, stored);
	self->checks++;
}

TEST_F(dma, data_outside_mapping)
{
	struct ccw1 *c = prog(self);
	struct ccw_orb orb;

	ccw_set(c, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32, HMEM_GAP_IOVA);
	orb_init(&orb, HMEM_PROG_IOVA, 0);
	expect_program_check(_metadata, self, &orb, "data in unmapped IOVA",
			     HMEM_PROG_IOVA + 8, 0);
	/* the same one page further on: the first page after the data */
	ccw_set(c, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32,
		HMEM_DATA_IOVA + HMEM_DATA_SIZE);
	expect_program_check(_metadata, self, &orb,
			     "data right after a mapping",
			     HMEM_PROG_IOVA + 8, 0);
}

TEST_F(dma, data_straddles_mapping_end)
{
	struct ccw1 *c = prog(self);
	struct ccw_orb orb;
	struct ccw_irb irb;

	/* the first 16 bytes are stored, then the transfer faults */
	ccw_set(c, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32,
		HMEM_EDGE_IOVA + HMEM_EDGE_SIZE - 16);
	orb_init(&orb, HMEM_PROG_IOVA, 0);
	expect_program_check(_metadata, self, &orb, "data straddles the end",
			     HMEM_PROG_IOVA + 8, 16);
	/*
	 * A long count from the start of the last page: SENSE ID stores 256
	 * bytes, the transfer never reaches the end, nothing faults.
	 */
	ccw_set(c, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 8192,
		HMEM_EDGE_IOVA + HMEM_EDGE_SIZE - 4096);
	vccw_run_ok(&self->dev, &orb, &irb);
	EXPECT_IRB_OK(&irb);
	EXPECT_EQ(0xff, self->m.edge.va[HMEM_EDGE_SIZE - 4096]);
	EXPECT_TRUE(all_bytes(self->m.edge.va + HMEM_EDGE_SIZE - 4096 + 256,
			      4096 - 256, CANARY));
	memset(self->m.edge.va, CANARY, self->m.edge.size);
}

TEST_F(dma, idaw_outside_mapping)
{
	struct ccw1 *c = prog(self);
	uint64_t *idal = (uint64_t *)self->m.idal.va;
	struct ccw_orb orb;

	orb_init(&orb, HMEM_PROG_IOVA, 0);	/* format-2 IDAWs */
	ccw_set(c, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_IDA, 32,
		HMEM_IDAL_IOVA);
	idaw2_set(&idal[0], HMEM_GAP_IOVA);
	expect_program_check(_metadata, self, &orb, "IDAW in unmapped IOVA",
			     HMEM_PROG_IOVA + 8, 0);

	/* first IDAW: the last 32 bytes of a page; second: unmapped */
	ccw_set(c, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_IDA, 64,
		HMEM_IDAL_IOVA);
	idaw2_set(&idal[0], HMEM_EDGE_IOVA + HMEM_EDGE_SIZE - 32);
	idaw2_set(&idal[1], HMEM_EDGE_IOVA + HMEM_EDGE_SIZE);
	expect_program_check(_metadata, self, &orb, "second IDAW after the end",
			     HMEM_PROG_IOVA + 8, 32);

	/* the IDAL itself runs off the end of its mapping */
	ccw_set(c, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_IDA, 64,
		HMEM_IDAL_IOVA + HMEM_IDAL_SIZE - 8);
	idaw2_set((uint64_t *)(self->m.idal.va + HMEM_IDAL_SIZE - 8),
		  HMEM_EDGE_IOVA + HMEM_EDGE_SIZE - 32);
	expect_program_check(_metadata, self, &orb, "IDAL straddles the end",
			     HMEM_PROG_IOVA + 8, 32);

	/* format-1 IDAWs (31 bit) beyond 2 GiB are not addresses at all */
	orb.ctrl = htobe32(be32toh(orb.ctrl) & ~ORB_C64);
	idaw1_set((uint32_t *)idal, 0x80000000u | HMEM_DATA_IOVA);
	ccw_set(c, CCW_CMD_SENSE_ID, CCW_FLAG_SLI | CCW_FLAG_IDA, 32,
		HMEM_IDAL_IOVA);
	expect_program_check(_metadata, self, &orb, "format-1 IDAW beyond 2 GiB",
			     HMEM_PROG_IOVA + 8, 0);
}

TEST_F(dma, tic_into_unmapped)
{
	struct ccw1 *c = prog(self);
	struct ccw_orb orb;

	/* the fetch at the target faults: its address + 8 */
	ccw_set(&c[0], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
	ccw_set(&c[1], CCW_CMD_TIC, 0, 0, HMEM_GAP_IOVA);
	orb_init(&orb, HMEM_PROG_IOVA, 0);
	expect_program_check(_metadata, self, &orb, "TIC into unmapped IOVA",
			     HMEM_GAP_IOVA + 8, 0);
	/* a TIC to the first byte after the program's mapping */
	ccw_set(&c[1], CCW_CMD_TIC, 0, 0, HMEM_PROG_IOVA + HMEM_PROG_SIZE);
	expect_program_check(_metadata, self, &orb, "TIC past the mapping",
			     HMEM_PROG_IOVA + HMEM_PROG_SIZE + 8, 0);
}

TEST_F(dma, program_runs_off_mapping)
{
	struct ccw1 *c = (struct ccw1 *)(self->m.prog.va + HMEM_PROG_SIZE - 16);
	struct ccw_orb orb;

	ccw_set(&c[0], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
	ccw_set(&c[1], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
	orb_init(&orb, HMEM_PROG_IOVA + HMEM_PROG_SIZE - 16, 0);
	expect_program_check(_metadata, self, &orb, "chain runs off the mapping",
			     HMEM_PROG_IOVA + HMEM_PROG_SIZE + 8, 0);
	ccw_set(&c[1], CCW_CMD_NOOP, CCW_FLAG_SLI, 0, 0);	/* restore */
}

/*
 * A read CCW stores into memory: the channel cannot store into a
 * read-only mapping and ends the program there; nothing is stored.
 */
TEST_F(dma, read_ccw_into_readonly_mapping)
{
	struct ccw1 *c = prog(self);
	struct ccw_orb orb;

	ccw_set(c, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 32, HMEM_RO_IOVA + 64);
	orb_init(&orb, HMEM_PROG_IOVA, 0);
	expect_program_check(_metadata, self, &orb,
			     "read CCW into a read-only mapping",
			     HMEM_PROG_IOVA + 8, 0);
	EXPECT_TRUE(all_bytes(self->m.ro.va, self->m.ro.size, CANARY));
}

/*
 * A write CCW only reads memory: a read-only mapping serves it (the
 * reference pins every page writable and refuses with EPERM).
 */
TEST_F(dma, write_ccw_from_readonly_mapping)
{
	struct ccw1 *c = prog(self);
	struct ccw_orb orb;
	struct ccw_irb irb;
	int ret;

	/* virtio-ccw rejects the generic WRITE (0x01) with a unit check */
	ccw_set(c, 0x01, CCW_FLAG_SLI, 16, HMEM_RO_IOVA + 64);
	orb_init(&orb, HMEM_PROG_IOVA, 0);
	ret = vccw_io_write(&self->dev, &orb, SCSW_FCTL_START_FUNC);
	if (ret < 0)
		TH_LOG("write CCW from a read-only mapping: %s", errname(-ret));
	ASSERT_EQ((int)sizeof(struct ccw_io_region), ret);
	ASSERT_EQ(0, vccw_wait_irq(&self->dev, 1000, NULL));
	ASSERT_EQ(0, vccw_read_irb(&self->dev, &irb));
	TH_LOG_IRB("final", &irb);
	EXPECT_TRUE(all_bytes(self->m.ro.va, self->m.ro.size, CANARY));
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	EXPECT_EQ(0, hostile_wait_unpinned(1000));
}

/*
 * Memory mapped again at an IOVA after an unmap is the memory the device
 * reaches: a driver that keeps pins for reuse (ours: the pin cache) must
 * drop them with the mapping. A SENSE ID fills a page twice (the second
 * time from a pin cache, if there is one); the page is unmapped, which
 * leaves nothing locked; a new page mapped at the same IOVA receives the
 * third SENSE ID at once (the unmap returned: no fence of it refuses the
 * start) and the old page is not written.
 */
TEST_F(dma, remap_at_same_iova_reaches_new_memory)
{
	struct vccw_mem a, b;
	struct sense_id_data id;
	struct ccw_irb irb;
	int i, ret;

	ASSERT_EQ(0, vccw_mem_alloc(&self->dev, &a, 4096));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, vccw_sense_id(&self->dev, &a, &irb, &id));
		EXPECT_IRB_OK(&irb);
		EXPECT_EQ(0xff, id.ff);
	}
	ASSERT_EQ(0, vccw_mem_unmap(&self->dev, &a));
	/* The unmap took every pin of the page, cached ones too. */
	EXPECT_EQ(0, vccw_settled_locked_kb(1000));
	EXPECT_EQ(0, vccw_driver_cached_kb());
	memset(a.va, CANARY, a.size);

	ASSERT_EQ(0, vccw_mem_alloc_at(&self->dev, &b, 4096, a.iova, false));
	ret = vccw_sense_id(&self->dev, &b, &irb, &id);
	ASSERT_EQ(0, ret);
	EXPECT_IRB_OK(&irb);
	EXPECT_EQ(0xff, id.ff);
	EXPECT_EQ(0x38, id.cu_type[0]);
	EXPECT_TRUE(all_bytes(a.va, a.size, CANARY));
	vccw_mem_free(&self->dev, &b);
	vccw_mem_free(&self->dev, &a);
	EXPECT_EQ(0, hostile_wait_unpinned(1000));
}

/**
 * struct flipper - a thread rewriting words of a program
 * @words: the 32-bit words to flip
 * @vals: two values per word, every combination a safe program
 * @n: number of words
 * @stop: set to end the thread
 * @flips: flips done
 */
struct flipper {
	uint32_t *words[8];
	uint32_t vals[8][2];
	int n;
	atomic_bool stop;
	unsigned long flips;
};

static void *flip_main(void *arg)
{
	struct flipper *f = arg;
	struct hrng r;

	hrng_init(&r, 42, 1);
	while (!atomic_load(&f->stop)) {
		int i = hrng_below(&r, f->n);

		__atomic_store_n(f->words[i], f->vals[i][hrng_below(&r, 2)],
				 __ATOMIC_RELAXED);
		f->flips++;
	}
	return NULL;
}

static uint32_t ccw_w0(uint8_t cmd, uint8_t flags, uint16_t count)
{
	struct ccw1 c;
	uint32_t w;

	ccw_set(&c, cmd, flags, count, 0);
	memcpy(&w, &c, 4);
	return w;
}

/*
 * A second thread flips words of the program while the first one starts
 * it again and again: every start is refused with a documented errno or
 * runs one of the possible programs to exactly one final interrupt.
 */
TEST_F_TIMEOUT(dma, ccws_flipped_during_translation, 60)
{
	struct ccw1 *c = prog(self);
	struct flipper f = { .n = 0 };
	unsigned long starts = 0, ok = 0, refused = 0, irqs = 0;
	uint64_t end = vccw_now_ns() + FLIP_MS * 1000000ull, cnt;
	struct ccw_orb orb;
	pthread_t t;

	ccw_set(&c[0], CCW_CMD_SENSE_ID, CCW_FLAG_CC | CCW_FLAG_SLI, 32,
		HMEM_DATA_IOVA + 0x100);
	ccw_set(&c[1], CCW_CMD_TIC, 0, 0, HMEM_PROG_IOVA + 16);
	ccw_set(&c[2], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 0,
		HMEM_DATA_IOVA + 0x300);
	ccw_set(&c[3], CCW_CMD_NOOP, CCW_FLAG_SLI, 0, 0);
	/* CCW 0: SENSE ID or NOP, data at two places */
	f.words[f.n] = (uint32_t *)&c[0];
	f.vals[f.n][0] = ccw_w0(CCW_CMD_SENSE_ID, CCW_FLAG_CC | CCW_FLAG_SLI, 32);
	f.vals[f.n++][1] = ccw_w0(CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 0);
	f.words[f.n] = (uint32_t *)&c[0] + 1;
	f.vals[f.n][0] = htobe32(HMEM_DATA_IOVA + 0x100);
	f.vals[f.n++][1] = htobe32(HMEM_DATA_IOVA + 0x200);
	/* CCW 1: a TIC to CCW 2 or CCW 3 */
	f.words[f.n] = (uint32_t *)&c[1] + 1;
	f.vals[f.n][0] = htobe32(HMEM_PROG_IOVA + 16);
	f.vals[f.n++][1] = htobe32(HMEM_PROG_IOVA + 24);
	/* CCW 2: NOP or SENSE ID, data mapped or not */
	f.words[f.n] = (uint32_t *)&c[2];
	f.vals[f.n][0] = ccw_w0(CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 0);
	f.vals[f.n++][1] = ccw_w0(CCW_CMD_SENSE_ID, CCW_FLAG_CC | CCW_FLAG_SLI, 32);
	f.words[f.n] = (uint32_t *)&c[2] + 1;
	f.vals[f.n][0] = htobe32(HMEM_DATA_IOVA + 0x300);
	f.vals[f.n++][1] = htobe32(HMEM_GAP_IOVA);
	orb_init(&orb, HMEM_PROG_IOVA, 0);

	ASSERT_EQ(0, pthread_create(&t, NULL, flip_main, &f));
	while (vccw_now_ns() < end) {
		int ret = vccw_io_write(&self->dev, &orb, SCSW_FCTL_START_FUNC);

		starts++;
		if (ret < 0) {
			refused++;
			if (ret != -EINVAL &&
			    !vccw_is_guest_fault(&self->dev, ret)) {
				TH_LOG("start: %s", errname(-ret));
				EXPECT_TRUE(vccw_is_guest_fault(&self->dev, ret));
				break;
			}
			continue;
		}
		ok++;
		ret = vccw_wait_irq(&self->dev, 2000, &cnt);
		EXPECT_EQ(0, ret);
		if (ret)
			break;
		irqs += cnt;
	}
	atomic_store(&f.stop, true);
	pthread_join(t, NULL);
	irqs += vccw_drain_irqs(&self->dev, QUIET_MS, NULL);
	EXPECT_EQ(ok, irqs);
	EXPECT_EQ(0, hostile_wait_unpinned(1000));
	printf("# figures: dma.flip starts=%lu ran=%lu refused=%lu irqs=%lu",
	       starts, ok, refused, irqs);
	printf(" flips=%lu pinned_kb_left=%ld\n", f.flips, hostile_pinned_kb());
}

static int remap(struct vccw_dev *dev, struct vccw_mem *m)
{
	int ret = vccw_dma_map(dev, m->va, m->iova, m->size, false);

	if (!ret)
		m->mapped = true;
	return ret;
}

FIXTURE(unmap) {
	struct vccw_dev dev;
	struct vccw_mem m;	/* the program's memory, unmapped by tests */
	struct vccw_mem sid;	/* for the SENSE ID at the end */
};

FIXTURE_SETUP(unmap)
{
	vccw_open_ok(&self->dev, vccw_env_mdev());
	vccw_mem_alloc_ok(&self->dev, &self->m, 64 * 1024);
	vccw_mem_alloc_ok(&self->dev, &self->sid, 4096);
}

FIXTURE_TEARDOWN(unmap)
{
	if (self->dev.fd >= 0) {
		hostile_quiesce(&self->dev);
		EXPECT_SENSE_ID_OK(&self->dev, &self->sid);
		vccw_mem_free(&self->dev, &self->m);
		vccw_mem_free(&self->dev, &self->sid);
		vccw_close(&self->dev);
	}
	EXPECT_EQ(0, hostile_pinned_kb());
}

/*
 * Unmapping the pages of a suspended program: the unmap returns, the
 * program is ended (a final interrupt, or it is simply gone: a new start
 * is accepted), nothing stays pinned, and the old pages are never written
 * again (no use after unpin).
 */
TEST_F_TIMEOUT(unmap, of_suspended_program, 60)
{
	struct ccw_orb orb;
	struct ccw_irb irb;
	int ret = 0, n;

	prog_suspend(&self->m, 0, &orb);
	vccw_start_ok(&self->dev, &orb);
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	EXPECT_LT(0, hostile_pinned_kb());
	TH_LOG("pinned while suspended: %ld kB", hostile_pinned_kb());

	ASSERT_TRUE(hostile_unmap_bounded(&self->dev, &self->m, UNMAP_TIMEOUT_S,
					  &ret));
	EXPECT_EQ(0, ret);
	EXPECT_EQ(0, hostile_pinned_kb());
	/* the old pages: anything written to them now is a use after unpin */
	memset(self->m.va, CANARY, self->m.size);
	n = vccw_drain_irqs(&self->dev, QUIET_MS, &irb);
	TH_LOG("interrupts after the unmap: %d", n);
	if (n)
		TH_LOG_IRB("last", &irb);
	EXPECT_GE(1, n);
	/* resuming what is gone must not touch the old pages */
	if (self->dev.has_cap &&
	    (self->dev.cap.async_cmds & VFIO_CCW_ASYNC_CMD_RSCH)) {
		ret = vccw_async(&self->dev, VFIO_CCW_ASYNC_CMD_RSCH, true);
		EXPECT_NE(0, ret);
	}
	vccw_drain_irqs(&self->dev, QUIET_MS, NULL);
	EXPECT_TRUE(all_bytes(self->m.va, self->m.size, CANARY));
	/* the subchannel is free again: a new program starts */
	EXPECT_SENSE_ID_OK(&self->dev, &self->sid);
	EXPECT_TRUE(all_bytes(self->m.va, self->m.size, CANARY));
	EXPECT_EQ(0, hostile_wait_unpinned(1000));
}

/*
 * Unmapping only the CCWs of a suspended program (its data is elsewhere):
 * a driver that resumes by re-reading the guest's CCWs (RSCH offered) must
 * end the program, since those CCWs are gone; the unmap returns, and once
 * the program ended nothing stays pinned.
 */
TEST_F_TIMEOUT(unmap, ccws_of_suspended_program, 60)
{
	struct ccw1 *c = (struct ccw1 *)self->m.va;
	bool rsch = self->dev.has_cap &&
		    (self->dev.cap.async_cmds & VFIO_CCW_ASYNC_CMD_RSCH);
	struct ccw_orb orb;
	int ret = 0, n;

	/* CCWs in m, the SENSE ID data in the sid mapping */
	ccw_set(&c[0], CCW_CMD_SENSE_ID, CCW_FLAG_CC | CCW_FLAG_SLI, 32,
		(uint32_t)self->sid.iova + 0x800);
	ccw_set(&c[1], CCW_CMD_NOOP, CCW_FLAG_SUSPEND | CCW_FLAG_SLI, 0, 0);
	orb_init(&orb, (uint32_t)self->m.iova, ORB_SPND);
	vccw_start_ok(&self->dev, &orb);
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));

	ASSERT_TRUE(hostile_unmap_bounded(&self->dev, &self->m, UNMAP_TIMEOUT_S,
					  &ret));
	EXPECT_EQ(0, ret);
	n = vccw_drain_irqs(&self->dev, QUIET_MS, NULL);
	TH_LOG("interrupts after the unmap: %d (RSCH %s)", n,
	       rsch ? "offered" : "not offered");
	EXPECT_GE(1, n);
	if (rsch && !n) {
		/*
		 * Still suspended: the resume refetches the suspended CCW,
		 * whose memory is gone: the channel ends the program there
		 * (its address + 8) with a channel-program check.
		 */
		struct ccw_irb irb;
		struct scsw_fields f;

		ret = vccw_async(&self->dev, VFIO_CCW_ASYNC_CMD_RSCH, true);
		TH_LOG("RSCH after the unmap: %s",
		       ret ? errname(-ret) : "accepted");
		EXPECT_EQ(0, ret);
		if (!ret) {
			ASSERT_EQ(0, vccw_wait_irq(&self->dev, 1000, NULL));
			ASSERT_EQ(0, vccw_read_irb(&self->dev, &irb));
			scsw_decode(&irb.scsw, &f);
			EXPECT_EQ(SCHN_STAT_PROG_CHECK, f.cstat);
			EXPECT_EQ((uint32_t)self->m.iova + 16, f.cpa);
		}
		EXPECT_EQ(0, hostile_wait_unpinned(1000));
	}
	hostile_quiesce(&self->dev);
	EXPECT_EQ(0, hostile_wait_unpinned(1000));
	EXPECT_SENSE_ID_OK(&self->dev, &self->sid);
}

/**
 * struct racer - a thread starting programs in memory that is unmapped
 * and mapped again under it
 */
struct racer {
	struct vccw_dev *dev;
	struct vccw_mem *m;
	uint64_t end_ns;
	unsigned long starts, ran, refused, irqs, bad;
	int last_bad;
};

static void *race_main(void *arg)
{
	struct racer *r = arg;
	struct ccw1 *c = (struct ccw1 *)r->m->va;
	uint64_t *idal = (uint64_t *)(r->m->va + 0x1000);
	struct ccw_orb orb;
	uint64_t cnt;
	int i, ret;

	/* 32 SENSE IDs through IDAWs, each into its own page */
	for (i = 0; i < 32; i++) {
		ccw_set(&c[i], CCW_CMD_SENSE_ID,
			CCW_FLAG_SLI | CCW_FLAG_IDA | (i < 31 ? CCW_FLAG_CC : 0),
			32, vccw_iova(r->m, &idal[i]));
		idaw2_set(&idal[i], r->m->iova + 0x2000 + 0x1000 * (i % 14));
	}
	orb_init(&orb, vccw_iova(r->m, c), 0);
	while (vccw_now_ns() < r->end_ns) {
		ret = vccw_io_write(r->dev, &orb, SCSW_FCTL_START_FUNC);
		r->starts++;
		if (ret < 0) {
			r->refused++;
			if (ret != -EFAULT && ret != -EINVAL && ret != -EBUSY) {
				r->bad++;
				r->last_bad = ret;
			}
			continue;
		}
		r->ran++;
		if (!vccw_wait_irq(r->dev, 2000, &cnt))
			r->irqs += cnt;
	}
	return NULL;
}

/*
 * Unmap and map again the memory of programs that a second thread starts
 * in a loop: no hang, every start refused or ended, no pin left.
 */
TEST_F_TIMEOUT(unmap, while_programs_start, 60)
{
	struct racer r = { .dev = &self->dev, .m = &self->m };
	unsigned long cycles = 0;
	pthread_t t;
	int ret;

	/*
	 * The reference unmaps with a reset that does not wait for a
	 * translation in progress: its pins survive the unmap, and vfio
	 * type1 BUG()s (vfio_iommu_type1.c:1390). Do not crash its guest.
	 */
	if (!self->dev.has_cap)
		SKIP(return,
		     "reference: unmap racing a translation: BUG() in type1");
	r.end_ns = vccw_now_ns() + 4000000000ull;
	ASSERT_EQ(0, pthread_create(&t, NULL, race_main, &r));
	while (vccw_now_ns() < r.end_ns) {
		ASSERT_TRUE(hostile_unmap_bounded(&self->dev, &self->m,
						  UNMAP_TIMEOUT_S, &ret));
		EXPECT_EQ(0, ret);
		usleep(200);
		ASSERT_EQ(0, remap(&self->dev, &self->m));
		cycles++;
		usleep(1000);
	}
	pthread_join(t, NULL);
	if (r.bad)
		TH_LOG("%lu starts failed with an undocumented errno, last %s",
		       r.bad, errname(-r.last_bad));
	EXPECT_EQ(0, r.bad);
	r.irqs += vccw_drain_irqs(&self->dev, QUIET_MS, NULL);
	/* a start may be ended by the unmap's clear: at most one irq each */
	EXPECT_GE(r.ran, r.irqs);
	EXPECT_EQ(0, hostile_wait_unpinned(1000));
	printf("# figures: dma.unmap_race cycles=%lu starts=%lu ran=%lu",
	       cycles, r.starts, r.ran);
	printf(" refused=%lu irqs=%lu pinned_kb_left=%ld\n", r.refused, r.irqs,
	       hostile_pinned_kb());
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
