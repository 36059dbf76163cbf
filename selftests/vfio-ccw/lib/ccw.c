// SPDX-License-Identifier: GPL-2.0
/*
 * ccw.c: build and decode the channel subsystem's structures. See ccw.h.
 */
#include <stdio.h>
#include <string.h>

#include "ccw.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/** ccw_set() - fill a format-1 CCW */
void ccw_set(struct ccw1 *ccw, uint8_t cmd, uint8_t flags, uint16_t count,
	     uint32_t cda)
{
	ccw->cmd = cmd;
	ccw->flags = flags;
	ccw->count = htobe16(count);
	ccw->cda = htobe32(cda);
}

/**
 * orb_init() - a command-mode ORB
 * @orb: output
 * @cpa: channel-program address (IOVA)
 * @extra_ctrl: ORB_* bits added to format-1 CCWs, prefetch allowed,
 *              format-2 IDAWs (4K), all paths
 */
void orb_init(struct ccw_orb *orb, uint32_t cpa, uint32_t extra_ctrl)
{
	orb->intparm = htobe32(0x12345678);
	orb->ctrl = htobe32(ORB_FMT1 | ORB_PFCH | ORB_C64 | ORB_LPM(0xff) |
			    extra_ctrl);
	orb->cpa = htobe32(cpa);
}

/** idaw2_set() - a format-2 (64-bit) IDAW */
void idaw2_set(uint64_t *idaw, uint64_t addr)
{
	*idaw = htobe64(addr);
}

/** idaw1_set() - a format-1 (31-bit) IDAW */
void idaw1_set(uint32_t *idaw, uint32_t addr)
{
	*idaw = htobe32(addr);
}

/** scsw_decode() - split a command-mode SCSW into its fields */
void scsw_decode(const struct ccw_scsw *raw, struct scsw_fields *f)
{
	uint32_t w0 = be32toh(raw->w[0]);

	f->key = w0 >> 28;
	f->sctl = (w0 >> 27) & 1;
	f->eswf = (w0 >> 26) & 1;
	f->cc = (w0 >> 24) & 3;
	f->fmt = (w0 >> 23) & 1;
	f->pfch = (w0 >> 22) & 1;
	f->isic = (w0 >> 21) & 1;
	f->alcc = (w0 >> 20) & 1;
	f->ssi = (w0 >> 19) & 1;
	f->zcc = (w0 >> 18) & 1;
	f->ectl = (w0 >> 17) & 1;
	f->pno = (w0 >> 16) & 1;
	f->fctl = (w0 >> 12) & 7;
	f->actl = (w0 >> 5) & 0x7f;
	f->stctl = w0 & 0x1f;
	f->cpa = be32toh(raw->w[1]);
	f->dstat = scsw_dstat(raw);
	f->cstat = scsw_cstat(raw);
	f->count = be32toh(raw->w[2]) & 0xffff;
}

/** scsw_make() - an SCSW with only the function control set */
void scsw_make(struct ccw_scsw *raw, unsigned int fctl)
{
	memset(raw, 0, sizeof(*raw));
	raw->w[0] = htobe32((fctl & 7) << 12);
}

/**
 * scsw_is_final() - has the function ended?
 * @f: a decoded SCSW
 *
 * Status pending, neither subchannel nor device active, and not a start
 * that is only suspended. (After HSCH of a suspended program QEMU leaves
 * the suspended bit set in the final status, with the halt function: that
 * is final too.)
 *
 * Return: true when it is the final status of the function.
 */
bool scsw_is_final(const struct scsw_fields *f)
{
	if (!(f->stctl & SCSW_STCTL_STATUS_PEND))
		return false;
	if (f->actl & (SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT))
		return false;
	if ((f->actl & SCSW_ACTL_SUSPENDED) &&
	    !(f->fctl & (SCSW_FCTL_HALT_FUNC | SCSW_FCTL_CLEAR_FUNC)))
		return false;
	return true;
}

const char *ccw_bits_str(unsigned int v, const char *const names[],
			 int nbits, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = 0;
	for (i = nbits - 1; i >= 0; i--) {
		if (!(v & (1u << i)))
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				off ? "|" : "", names[i]);
	}
	if (!off)
		snprintf(buf, len, "-");
	return buf;
}

/** scsw_fctl_str() - "start|halt|clear" names of the function control */
const char *scsw_fctl_str(unsigned int fctl, char *buf, size_t len)
{
	static const char *const n[] = { "clear", "halt", "start" };

	return ccw_bits_str(fctl, n, 3, buf, len);
}

/** scsw_actl_str() - names of the activity-control bits */
const char *scsw_actl_str(unsigned int actl, char *buf, size_t len)
{
	static const char *const n[] = {
		"suspended", "device-active", "subchannel-active",
		"clear-pending", "halt-pending", "start-pending",
		"resume-pending",
	};

	return ccw_bits_str(actl, n, 7, buf, len);
}

/** scsw_stctl_str() - names of the status-control bits */
const char *scsw_stctl_str(unsigned int stctl, char *buf, size_t len)
{
	static const char *const n[] = {
		"pending", "secondary", "primary", "intermediate", "alert",
	};

	return ccw_bits_str(stctl, n, 5, buf, len);
}

/** dstat_str() - names of the device-status bits */
const char *dstat_str(unsigned int dstat, char *buf, size_t len)
{
	static const char *const n[] = {
		"unit-exception", "unit-check", "device-end", "channel-end",
		"busy", "control-unit-end", "status-modifier", "attention",
	};

	return ccw_bits_str(dstat, n, 8, buf, len);
}

/** cstat_str() - names of the subchannel-status bits */
const char *cstat_str(unsigned int cstat, char *buf, size_t len)
{
	static const char *const n[] = {
		"chaining-check", "interface-control-check",
		"channel-control-check", "channel-data-check",
		"protection-check", "program-check", "incorrect-length",
		"program-controlled-interruption",
	};

	return ccw_bits_str(cstat, n, 8, buf, len);
}

/** irb_format() - one readable line of an IRB's SCSW */
int irb_format(const struct ccw_irb *irb, char *buf, size_t len)
{
	char a[64], b[96], c[64], d[128], e[160];
	struct scsw_fields f;

	scsw_decode(&irb->scsw, &f);
	return snprintf(buf, len,
			"cc=%u fctl=%s actl=%s stctl=%s dstat=%s cstat=%s ccw-address=0x%08x residual=%u",
			f.cc, scsw_fctl_str(f.fctl, a, sizeof(a)),
			scsw_actl_str(f.actl, b, sizeof(b)),
			scsw_stctl_str(f.stctl, c, sizeof(c)),
			dstat_str(f.dstat, d, sizeof(d)),
			cstat_str(f.cstat, e, sizeof(e)), f.cpa, f.count);
}
