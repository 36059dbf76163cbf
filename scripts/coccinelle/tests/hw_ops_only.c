// SPDX-License-Identifier: GPL-2.0
/* A violation hw_ops_only.cocci must report: ssch() outside vfio_ccw_hw.c. */
struct subchannel_id { int x; };
union orb { int x; };

static int ssch(struct subchannel_id schid, union orb *orb)
{
	return schid.x + orb->x;
}

int vfio_ccw_bad_start(struct subchannel_id schid, union orb *orb)
{
	return ssch(schid, orb);
}
