// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_demo: show what a vfio-ccw device offers and run a few channel
 * programs on it, in plain readable lines.
 *
 * usage: vfio_ccw_demo [mdev-uuid | /sys/bus/mdev/devices/UUID]
 *        (default: $VFIO_CCW_MDEV)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vfio_ccw_lib.h"

static const char *const slot_name[VFIO_CCW_REGION_SLOTS] = {
	"io", "async", "schib", "crw", "status", "slot5", "slot6", "slot7",
};

static const char *const irq_name[VFIO_CCW_IRQ_SLOTS] = {
	"io", "crw", "req", "slot3",
};

static int failures;

static void fail(const char *what, int err)
{
	printf("  FAILED: %s: %s\n", what, strerror(-err));
	failures++;
}

static void print_irb(const struct ccw_irb *irb)
{
	char line[512];

	irb_format(irb, line, sizeof(line));
	printf("  interrupt: %s\n", line);
}

static void print_status(struct vccw_dev *dev)
{
	struct ccw_status_region st;
	char f[64];
	static const char *const fn[] = { "start", "halt", "clear",
					  "suspended" };
	size_t off = 0;
	int i;

	if (!dev->region[VFIO_CCW_REGION_STATUS].present)
		return;
	if (vccw_read_status(dev, &st)) {
		printf("  status: unreadable\n");
		return;
	}
	f[0] = 0;
	for (i = 0; i < 4; i++)
		if (st.functions & (1u << i))
			off += snprintf(f + off, sizeof(f) - off, "%s%s",
					off ? "|" : "", fn[i]);
	printf("  status: state %s, functions %s, interrupts so far %llu\n",
	       vccw_state_str(st.state), off ? f : "-",
	       (unsigned long long)st.irq_seq);
}

static void show_abi(struct vccw_dev *dev)
{
	char buf[128];
	uint32_t i;

	printf("device %s on subchannel %s (iommu group %d)\n", dev->uuid,
	       dev->schid[0] ? dev->schid : "?", dev->group_id);
	printf("device flags 0x%x:%s%s%s, %u regions, %u irqs\n",
	       dev->info.flags,
	       dev->info.flags & VFIO_DEVICE_FLAGS_CCW ? " ccw" : "",
	       dev->info.flags & VFIO_DEVICE_FLAGS_RESET ? " reset" : "",
	       dev->info.flags & VFIO_DEVICE_FLAGS_CAPS ? " caps" : "",
	       dev->info.num_regions, dev->info.num_irqs);
	switch (dev->abi) {
	case VCCW_ABI_CAP:
		printf("ABI: capability 0x%x version %u\n",
		       dev->cap.header.id, dev->cap.header.version);
		printf("  features: %s\n",
		       vccw_feat_str(dev->cap.features, buf, sizeof(buf)));
		printf("  async commands:%s%s%s%s\n",
		       dev->cap.async_cmds & VFIO_CCW_ASYNC_CMD_HSCH ? " hsch" : "",
		       dev->cap.async_cmds & VFIO_CCW_ASYNC_CMD_CSCH ? " csch" : "",
		       dev->cap.async_cmds & VFIO_CCW_ASYNC_CMD_XSCH ? " xsch" : "",
		       dev->cap.async_cmds & VFIO_CCW_ASYNC_CMD_RSCH ? " rsch" : "");
		break;
	case VCCW_ABI_REGIONS:
		printf("ABI: upstream regions (no capability; regions found by type/subtype)\n");
		break;
	default:
		printf("ABI: legacy (I/O region and I/O interrupt only)\n");
		break;
	}
	for (i = 0; i < VFIO_CCW_REGION_SLOTS; i++) {
		const struct vccw_region *r = &dev->region[i];

		if (!r->present)
			continue;
		printf("region %u %-6s offset 0x%llx size %llu flags %s%s",
		       r->index, slot_name[i], (unsigned long long)r->offset,
		       (unsigned long long)r->size,
		       r->flags & VFIO_REGION_INFO_FLAG_READ ? "r" : "-",
		       r->flags & VFIO_REGION_INFO_FLAG_WRITE ? "w" : "-");
		if (r->type)
			printf(" type %u/%u", r->type, r->subtype);
		printf("\n");
	}
	for (i = 0; i < VFIO_CCW_IRQ_SLOTS; i++) {
		struct vfio_irq_info ii;

		if (dev->irq_index[i] == VFIO_CCW_INDEX_NONE)
			continue;
		if (vccw_get_irq_info(dev, dev->irq_index[i], &ii))
			continue;
		printf("irq %u %-6s count %u%s\n", dev->irq_index[i],
		       irq_name[i], ii.count,
		       ii.flags & VFIO_IRQ_INFO_EVENTFD ? " eventfd" : "");
	}
	if (dev->region[VFIO_CCW_REGION_SCHIB].present) {
		struct ccw_schib schib;

		if (!vccw_read_schib(dev, &schib)) {
			uint32_t w1 = be32toh(schib.pmcw[1]);

			printf("schib: device number 0x%04x%s%s\n",
			       w1 & 0xffff, w1 & PMCW_DNV ? ", valid" : "",
			       w1 & PMCW_ENA ? ", enabled" : "");
		}
	}
}

static void demo_sense_id(struct vccw_dev *dev, struct vccw_mem *mem)
{
	struct sense_id_data id;
	struct ccw_irb irb;
	int ret;

	printf("program 1: SENSE ID (one CCW, 0xE4, SLI)\n");
	ret = vccw_sense_id(dev, mem, &irb, &id);
	if (ret) {
		fail("SENSE ID", ret);
		return;
	}
	print_irb(&irb);
	printf("  data: %02X %02X %02X %02X %02X %02X %02X",
	       id.ff, id.cu_type[0], id.cu_type[1], id.cu_model,
	       id.dev_type[0], id.dev_type[1], id.dev_model);
	printf(" -> control unit %02x%02x/%02x, device %02x%02x/%02x\n",
	       id.cu_type[0], id.cu_type[1], id.cu_model,
	       id.dev_type[0], id.dev_type[1], id.dev_model);
	if (id.ff != 0xff)
		fail("SENSE ID data", -EIO);
}

static void demo_nop_tic(struct vccw_dev *dev, struct vccw_mem *mem)
{
	struct ccw1 *a = (struct ccw1 *)(mem->va + 0x1000);
	struct ccw1 *b = (struct ccw1 *)(mem->va + 0x3000);
	struct ccw_orb orb;
	struct ccw_irb irb;
	int ret;

	printf("program 2: NOP, NOP, TIC to another page, NOP\n");
	ccw_set(&a[0], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
	ccw_set(&a[1], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 0, 0);
	ccw_set(&a[2], CCW_CMD_TIC, 0, 0, vccw_iova(mem, b));
	ccw_set(&b[0], CCW_CMD_NOOP, CCW_FLAG_SLI, 0, 0);
	orb_init(&orb, vccw_iova(mem, a), 0);
	printf("  program at 0x%08x, last CCW at 0x%08x\n", vccw_iova(mem, a),
	       vccw_iova(mem, b));
	ret = vccw_run(dev, &orb, &irb);
	if (ret) {
		fail("NOP chain", ret);
		return;
	}
	print_irb(&irb);
}

static void demo_suspend_clear(struct vccw_dev *dev, struct vccw_mem *mem)
{
	struct ccw_orb orb;
	struct ccw_irb irb;
	bool via_io;
	int ret;

	printf("program 3: SENSE ID, NOP with suspend flag (ORB suspend control), then clear\n");
	via_io = !dev->region[VFIO_CCW_REGION_ASYNC].present;
	if (via_io && !(dev->has_cap &&
			(dev->cap.features & VFIO_CCW_FEAT_IO_HALT_CLEAR))) {
		printf("  skipped: the device offers no way to clear\n");
		return;
	}
	prog_suspend(mem, 0x2000, &orb);
	ret = vccw_start(dev, &orb);
	if (ret) {
		fail("start", ret);
		return;
	}
	if (vccw_wait_irq(dev, 200, NULL) == -ETIMEDOUT)
		printf("  started: no interrupt, the subchannel is suspended\n");
	print_status(dev);
	if (via_io) {
		ret = vccw_io_write(dev, NULL, SCSW_FCTL_CLEAR_FUNC);
		ret = ret < 0 ? ret : 0;
		printf("  clear through the I/O region: %s\n",
		       ret ? strerror(-ret) : "ok");
	} else {
		ret = vccw_async(dev, VFIO_CCW_ASYNC_CMD_CSCH, true);
		printf("  CSCH through the async region: %s\n",
		       ret ? strerror(-ret) : "ok");
	}
	if (ret) {
		fail("clear", ret);
		return;
	}
	ret = vccw_wait_irq(dev, VCCW_TIMEOUT_MS, NULL);
	if (ret) {
		fail("clear interrupt", ret);
		return;
	}
	ret = vccw_read_irb(dev, &irb);
	if (ret) {
		fail("read IRB", ret);
		return;
	}
	print_irb(&irb);
	print_status(dev);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : vccw_env_mdev();
	struct vccw_dev dev;
	struct vccw_mem mem;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!name) {
		printf("usage: %s [mdev-uuid | /sys/bus/mdev/devices/UUID]\n",
		       argv[0]);
		printf("       (default: the device named by VFIO_CCW_MDEV)\n");
		return 4;
	}
	ret = vccw_open(&dev, name);
	if (ret) {
		printf("cannot open %s: %s\n", name, strerror(-ret));
		return 1;
	}
	show_abi(&dev);
	ret = vccw_mem_alloc(&dev, &mem, 64 * 1024);
	if (ret) {
		printf("cannot map guest memory: %s\n", strerror(-ret));
		vccw_close(&dev);
		return 1;
	}
	printf("guest memory: 64 KiB at IOVA 0x%llx\n",
	       (unsigned long long)mem.iova);
	demo_sense_id(&dev, &mem);
	demo_nop_tic(&dev, &mem);
	demo_suspend_clear(&dev, &mem);
	vccw_mem_free(&dev, &mem);
	vccw_close(&dev);
	printf("%s\n", failures ? "demo: FAILED" : "demo: done");
	return failures ? 1 : 0;
}
