// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_modern: what a current QEMU does with a vfio-ccw device: find
 * the optional regions by type/subtype (a present one with a wrong size
 * fails device realize), HSCH/CSCH through the async region (8-byte writes
 * {command, 0} retried on EAGAIN), the schib region, the CRW region read
 * until it shows 0, the CRW and request IRQs; and, where the test-only
 * injector of channel-path events is loaded, what a channel-path event
 * does to the device.
 *
 * usage: VFIO_CCW_MDEV=<mdev uuid> vfio_ccw_modern
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vfio_ccw_utils.h"

#define MEM_SIZE (64 * 1024)
#define QUIET_MS 200

FIXTURE(modern) {
	struct vccw_dev dev;
	struct vccw_mem mem;
	struct vccw_region typed[VFIO_CCW_REGION_SLOTS];
};

/* Scan every region's type capability, as QEMU's vfio_get_dev_region_info. */
FIXTURE_SETUP(modern)
{
	uint32_t i;

	vccw_fixture_open(self, MEM_SIZE);
	memset(self->typed, 0, sizeof(self->typed));
	for (i = 1; i < self->dev.info.num_regions; i++) {
		struct vccw_region r;

		ASSERT_EQ(0, vccw_get_region_info(&self->dev, i, &r));
		if (r.type == VFIO_REGION_TYPE_CCW && r.subtype &&
		    r.subtype < VFIO_CCW_REGION_SLOTS)
			self->typed[r.subtype] = r;
	}
}

FIXTURE_TEARDOWN(modern)
{
	vccw_fixture_close(self);
}

TEST_F(modern, region_types_and_sizes)
{
	const struct vccw_region *a = &self->typed[VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD];
	const struct vccw_region *s = &self->typed[VFIO_REGION_SUBTYPE_CCW_SCHIB];
	const struct vccw_region *c = &self->typed[VFIO_REGION_SUBTYPE_CCW_CRW];

	ASSERT_TRUE(a->present);
	ASSERT_TRUE(s->present);
	ASSERT_TRUE(c->present);
	EXPECT_EQ(sizeof(struct ccw_cmd_region), a->size);
	EXPECT_EQ(8, a->size);
	EXPECT_TRUE(a->flags & VFIO_REGION_INFO_FLAG_WRITE);
	EXPECT_EQ(sizeof(struct ccw_schib_region), s->size);
	EXPECT_EQ(52, s->size);
	EXPECT_TRUE(s->flags & VFIO_REGION_INFO_FLAG_READ);
	EXPECT_EQ(sizeof(struct ccw_crw_region), c->size);
	EXPECT_EQ(8, c->size);
	EXPECT_TRUE(c->flags & VFIO_REGION_INFO_FLAG_READ);
	/* region 0 has no type: QEMU finds it by index */
	EXPECT_EQ(124, self->dev.region[VFIO_CCW_REGION_IO].size);
}

TEST_F(modern, irqs)
{
	struct vfio_irq_info ii;
	int efd, i;

	ASSERT_LE(3, self->dev.info.num_irqs);
	for (i = VFIO_CCW_IO_IRQ_INDEX; i <= VFIO_CCW_REQ_IRQ_INDEX; i++) {
		ASSERT_EQ(0, vccw_get_irq_info(&self->dev, i, &ii));
		EXPECT_EQ(1, ii.count);
		EXPECT_TRUE(ii.flags & VFIO_IRQ_INFO_EVENTFD);
	}
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	EXPECT_EQ(0, vccw_set_irq_eventfd(&self->dev, VFIO_CCW_CRW_IRQ_INDEX, efd));
	EXPECT_EQ(0, vccw_set_irq_eventfd(&self->dev, VFIO_CCW_REQ_IRQ_INDEX, efd));
	EXPECT_EQ(0, vccw_set_irq_eventfd(&self->dev, VFIO_CCW_CRW_IRQ_INDEX, -1));
	EXPECT_EQ(0, vccw_set_irq_eventfd(&self->dev, VFIO_CCW_REQ_IRQ_INDEX, -1));
	close(efd);
}

TEST_F(modern, schib)
{
	struct ccw_schib schib;
	struct scsw_fields f;
	uint32_t w1;

	ASSERT_EQ(0, vccw_read_schib(&self->dev, &schib));
	w1 = be32toh(schib.pmcw[1]);
	EXPECT_TRUE(w1 & PMCW_DNV);
	EXPECT_TRUE(w1 & PMCW_ENA);
	scsw_decode(&schib.scsw, &f);
	EXPECT_EQ(0, f.fctl);
	TH_LOG("devno 0x%04x pim 0x%02x", w1 & 0xffff,
	       be32toh(schib.pmcw[2]) & 0xff);
}

/* The schib of a suspended start shows it: start function, suspended. */
TEST_F(modern, schib_of_suspended_start)
{
	struct ccw_schib schib;
	struct scsw_fields f;
	struct ccw_orb orb;

	prog_suspend(&self->mem, 0x400, &orb);
	vccw_start_ok(&self->dev, &orb);
	ASSERT_EQ(0, vccw_read_schib(&self->dev, &schib));
	scsw_decode(&schib.scsw, &f);
	EXPECT_TRUE(f.fctl & SCSW_FCTL_START_FUNC);
	EXPECT_TRUE(f.actl & SCSW_ACTL_SUSPENDED);
	vccw_async_ok(&self->dev, VFIO_CCW_ASYNC_CMD_CSCH);
	EXPECT_EQ(1, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	ASSERT_EQ(0, vccw_read_schib(&self->dev, &schib));
	scsw_decode(&schib.scsw, &f);
	EXPECT_EQ(0, f.fctl);
}

TEST_F(modern, crw_read_until_zero)
{
	uint32_t crw = 1;
	int i;

	for (i = 0; i < 64 && crw; i++)
		ASSERT_EQ(0, vccw_read_crw(&self->dev, &crw));
	EXPECT_EQ(0, crw);
}

/*
 * QEMU makes no channel-path events; the test-only module
 * drivers/vfio_ccw/tests/vfio_ccw_chp_inject.c delivers them as the css
 * layer would ("CHPID EVENT" written to its debugfs file).
 */
#define CHP_INJECT	"/sys/kernel/debug/vfio_ccw_chp_inject"
#define CRW_CPATH(erc, chpid)	(0x04000000u | (erc) << 16 | (chpid))
#define CRW_ERC_INIT	0x02	/* installed path initialised */
#define CRW_ERC_PERRN	0x06	/* permanent error, path not available */

static int chp_inject(unsigned int chpid, const char *event)
{
	char buf[32];
	int fd, n, ret = 0;

	fd = open(CHP_INJECT, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%x %s", chpid, event);
	if (write(fd, buf, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

/* The first installed channel path of the subchannel, from its PMCW. */
static int first_chpid(struct vccw_dev *dev)
{
	struct ccw_schib schib;
	uint32_t pim;
	int i, ret;

	ret = vccw_read_schib(dev, &schib);
	if (ret)
		return ret;
	pim = be32toh(schib.pmcw[2]) & 0xff;
	for (i = 0; i < 8; i++)
		if (pim & (0x80 >> i))
			return ((const uint8_t *)&schib.pmcw[4])[i];
	return -ENODEV;
}

/*
 * A device whose channel path a test varies off or takes offline: the
 * teardown brings the path back (both events are idempotent), so that a
 * test that stops half way leaves no path off for the tests after it.
 * The injection reaches every subchannel on that chpid.
 */
FIXTURE(chp) {
	struct vccw_dev dev;
	struct vccw_mem mem;
	int chpid;
};

FIXTURE_SETUP(chp)
{
	self->chpid = -1;
	vccw_fixture_open(self, MEM_SIZE);
}

FIXTURE_TEARDOWN(chp)
{
	if (self->chpid >= 0) {
		EXPECT_EQ(0, chp_inject(self->chpid, "vary_on"));
		EXPECT_EQ(0, chp_inject(self->chpid, "online"));
	}
	vccw_fixture_close(self);
}

/*
 * A channel path of the device varied off: a start whose logical-path
 * mask names no usable path fails with EACCES and runs nothing; varied on
 * again, the start runs. Taken offline and brought online, the path's
 * CRWs (ERC 6, then ERC 2, the chpid as reporting-source id) are queued
 * in order, the CRW eventfd is signalled and the region then shows 0.
 */
TEST_F(chp, events_reach_start_and_crws)
{
	struct pollfd p = { .events = POLLIN };
	struct ccw_orb orb;
	struct ccw1 *ccw;
	uint32_t crw = 1;
	int chpid, i;

	if (access(CHP_INJECT, W_OK))
		SKIP(return, "no channel-path injector at %s", CHP_INJECT);
	chpid = first_chpid(&self->dev);
	ASSERT_LE(0, chpid);
	for (i = 0; i < 64 && crw; i++)
		ASSERT_EQ(0, vccw_read_crw(&self->dev, &crw));
	p.fd = eventfd(0, EFD_NONBLOCK);
	ASSERT_LE(0, p.fd);
	ASSERT_EQ(0, vccw_set_irq_eventfd(&self->dev, VFIO_CCW_CRW_IRQ_INDEX,
					  p.fd));

	ccw = (struct ccw1 *)self->mem.va;
	ccw_set(ccw, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 8,
		vccw_iova(&self->mem, self->mem.va + 0x100));
	orb_init(&orb, vccw_iova(&self->mem, ccw), 0);
	self->chpid = chpid;
	ASSERT_EQ(0, chp_inject(chpid, "vary_off"));
	EXPECT_EQ(-EACCES, vccw_start(&self->dev, &orb));
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	ASSERT_EQ(0, chp_inject(chpid, "vary_on"));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);

	ASSERT_EQ(0, chp_inject(chpid, "offline"));
	ASSERT_EQ(0, chp_inject(chpid, "online"));
	EXPECT_EQ(1, poll(&p, 1, 1000));
	ASSERT_EQ(0, vccw_read_crw(&self->dev, &crw));
	EXPECT_EQ(CRW_CPATH(CRW_ERC_PERRN, chpid), crw);
	ASSERT_EQ(0, vccw_read_crw(&self->dev, &crw));
	EXPECT_EQ(CRW_CPATH(CRW_ERC_INIT, chpid), crw);
	ASSERT_EQ(0, vccw_read_crw(&self->dev, &crw));
	EXPECT_EQ(0, crw);
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
	EXPECT_EQ(0, vccw_set_irq_eventfd(&self->dev, VFIO_CCW_CRW_IRQ_INDEX,
					  -1));
	close(p.fd);
}

FIXTURE(async) {
	struct vccw_dev dev;
	struct vccw_mem mem;
};

FIXTURE_VARIANT(async) {
	uint32_t cmd;
	unsigned int fctl;
};

FIXTURE_VARIANT_ADD(async, hsch) {
	.cmd = VFIO_CCW_ASYNC_CMD_HSCH, .fctl = SCSW_FCTL_HALT_FUNC,
};

FIXTURE_VARIANT_ADD(async, csch) {
	.cmd = VFIO_CCW_ASYNC_CMD_CSCH, .fctl = SCSW_FCTL_CLEAR_FUNC,
};

FIXTURE_SETUP(async)
{
	vccw_fixture_open(self, MEM_SIZE);
	ASSERT_TRUE(self->dev.region[VFIO_CCW_REGION_ASYNC].present);
}

FIXTURE_TEARDOWN(async)
{
	vccw_fixture_close(self);
}

/* HSCH/CSCH of a suspended start: one final interrupt with that function. */
TEST_F(async, of_suspended_start)
{
	struct ccw_orb orb;
	struct ccw_irb irb;
	struct scsw_fields f;

	prog_suspend(&self->mem, 0x400, &orb);
	vccw_start_ok(&self->dev, &orb);
	EXPECT_EQ(0, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	vccw_async_ok(&self->dev, variant->cmd);
	EXPECT_EQ(1, vccw_drain_irqs(&self->dev, QUIET_MS, &irb));
	scsw_decode(&irb.scsw, &f);
	TH_LOG_IRB("final", &irb);
	EXPECT_TRUE(f.fctl & variant->fctl);
	EXPECT_TRUE(scsw_is_final(&f));
	if (variant->cmd == VFIO_CCW_ASYNC_CMD_HSCH)
		EXPECT_EQ(vccw_iova(&self->mem, self->mem.va + 0x408) + 8,
			  f.cpa);
	/* the first CCW ran before the suspension */
	EXPECT_EQ(0xff, self->mem.va[0x400 + 64]);
	EXPECT_EQ(0, vccw_settled_locked_kb(1000));
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/*
 * The CCW address in the IRB of a halt or clear is the guest's (within
 * its memory) or 0, never a host address: after a SENSE ID and a
 * suspended start, the channel's SCSW can still hold the previous
 * program's host address.
 */
TEST_F(async, irb_ccw_address_is_guest)
{
	struct ccw_orb orb;
	struct ccw_irb irb;
	struct scsw_fields f;

	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
	prog_suspend(&self->mem, 0x400, &orb);
	vccw_start_ok(&self->dev, &orb);
	vccw_async_ok(&self->dev, variant->cmd);
	EXPECT_EQ(1, vccw_drain_irqs(&self->dev, QUIET_MS, &irb));
	scsw_decode(&irb.scsw, &f);
	TH_LOG_IRB("final", &irb);
	if (f.cpa)
		EXPECT_TRUE(f.cpa >= self->mem.iova &&
			    f.cpa <= self->mem.iova + self->mem.size);
}

/* HSCH/CSCH of an idle subchannel: one interrupt with that function. */
TEST_F(async, of_idle_subchannel)
{
	struct ccw_irb irb;
	struct scsw_fields f;

	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
	vccw_async_ok(&self->dev, variant->cmd);
	EXPECT_EQ(1, vccw_drain_irqs(&self->dev, QUIET_MS, &irb));
	scsw_decode(&irb.scsw, &f);
	EXPECT_TRUE(f.fctl & variant->fctl);
	EXPECT_SENSE_ID_OK(&self->dev, &self->mem);
}

/* ret_code of the async region reads back 0 after a successful command. */
TEST_F(async, ret_code)
{
	struct ccw_cmd_region r;

	vccw_async_ok(&self->dev, variant->cmd);
	EXPECT_EQ(1, vccw_drain_irqs(&self->dev, QUIET_MS, NULL));
	ASSERT_EQ((int)sizeof(r), vccw_region_read(&self->dev,
						   VFIO_CCW_REGION_ASYNC, &r,
						   sizeof(r), 0));
	EXPECT_EQ(0, r.ret_code);
}

int main(int argc, char **argv)
{
	vccw_require_env_or_skip(argv[0]);
	return test_harness_run(argc, argv);
}
