/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ccw.h: the channel subsystem's structures as user space sees them, with
 * their builders and decoders: CCW, IDAW, ORB, SCSW, IRB, SCHIB.
 *
 * Defined here from the architecture (z/Architecture Principles of
 * Operation, chapters 13-16): user space cannot include the kernel's
 * private cio headers. All multi-byte fields are big-endian, as the
 * channel subsystem reads them. Nothing here knows about vfio.
 */
#ifndef VFIO_CCW_SELFTEST_CCW_H
#define VFIO_CCW_SELFTEST_CCW_H

#include <assert.h>
#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------- */
/* Architecture: CCW, IDAW, ORB, SCSW, IRB, SCHIB                          */
/* ---------------------------------------------------------------------- */

/* CCW flags (format 1, byte 1). */
#define CCW_FLAG_DC		0x80	/* chain data */
#define CCW_FLAG_CC		0x40	/* chain command */
#define CCW_FLAG_SLI		0x20	/* suppress length indication */
#define CCW_FLAG_SKIP		0x10
#define CCW_FLAG_PCI		0x08
#define CCW_FLAG_IDA		0x04	/* data address is an IDAL */
#define CCW_FLAG_SUSPEND	0x02
#define CCW_FLAG_MIDA		0x01

/* Command codes the tests use. */
#define CCW_CMD_TIC		0x08
#define CCW_CMD_NOOP		0x03
#define CCW_CMD_SENSE_ID	0xe4
#define CCW_CMD_BASIC_SENSE	0x04

/**
 * struct ccw1 - a format-1 channel-command word
 * @cmd: command code
 * @flags: CCW_FLAG_*
 * @count: byte count (big-endian)
 * @cda: data address, 31 bits (big-endian)
 */
struct ccw1 {
	uint8_t cmd;
	uint8_t flags;
	uint16_t count;
	uint32_t cda;
};

/* ORB word 1 (bit 0 is the most significant bit of the word). */
#define ORB_KEY(k)		((uint32_t)(k) << 28)	/* bits 0-3 */
#define ORB_SPND		(1u << 27)	/* bit 4: suspend control */
#define ORB_MOD			(1u << 25)	/* bit 6 */
#define ORB_SYNC		(1u << 24)	/* bit 7 */
#define ORB_FMT1		(1u << 23)	/* bit 8: format-1 CCWs */
#define ORB_PFCH		(1u << 22)	/* bit 9: prefetch allowed */
#define ORB_ISIC		(1u << 21)	/* bit 10 */
#define ORB_ALCC		(1u << 20)	/* bit 11 */
#define ORB_SSIC		(1u << 19)	/* bit 12 */
#define ORB_TM			(1u << 18)	/* bit 13: transport mode */
#define ORB_C64			(1u << 17)	/* bit 14: format-2 IDAWs */
#define ORB_I2K			(1u << 16)	/* bit 15: 2K format-2 IDAWs */
#define ORB_LPM(m)		((uint32_t)(m) << 8)	/* bits 16-23 */
#define ORB_ILS			(1u << 7)	/* bit 24 */
#define ORB_X			(1u << 0)	/* bit 31: ORB extension */

/**
 * struct ccw_orb - a command-mode operation-request block (12 bytes)
 * @intparm: interruption parameter
 * @ctrl: control word, ORB_* bits (big-endian)
 * @cpa: channel-program address, 31 bits (big-endian)
 */
struct ccw_orb {
	uint32_t intparm;
	uint32_t ctrl;
	uint32_t cpa;
};

/* SCSW function control (3 bits), activity control (7), status control (5). */
#define SCSW_FCTL_CLEAR_FUNC	0x1
#define SCSW_FCTL_HALT_FUNC	0x2
#define SCSW_FCTL_START_FUNC	0x4

#define SCSW_ACTL_SUSPENDED	0x01
#define SCSW_ACTL_DEVACT	0x02
#define SCSW_ACTL_SCHACT	0x04
#define SCSW_ACTL_CLEAR_PEND	0x08
#define SCSW_ACTL_HALT_PEND	0x10
#define SCSW_ACTL_START_PEND	0x20
#define SCSW_ACTL_RESUME_PEND	0x40

#define SCSW_STCTL_STATUS_PEND	0x01
#define SCSW_STCTL_SEC_STATUS	0x02
#define SCSW_STCTL_PRIM_STATUS	0x04
#define SCSW_STCTL_INTER_STATUS	0x08
#define SCSW_STCTL_ALERT_STATUS	0x10

#define DEV_STAT_ATTENTION	0x80
#define DEV_STAT_STAT_MOD	0x40
#define DEV_STAT_CU_END		0x20
#define DEV_STAT_BUSY		0x10
#define DEV_STAT_CHN_END	0x08
#define DEV_STAT_DEV_END	0x04
#define DEV_STAT_UNIT_CHECK	0x02
#define DEV_STAT_UNIT_EXCEP	0x01

#define SCHN_STAT_PCI		0x80
#define SCHN_STAT_INCORR_LEN	0x40
#define SCHN_STAT_PROG_CHECK	0x20
#define SCHN_STAT_PROT_CHECK	0x10
#define SCHN_STAT_CHN_DATA_CHK	0x08
#define SCHN_STAT_CHN_CTRL_CHK	0x04
#define SCHN_STAT_INTF_CTRL_CHK	0x02
#define SCHN_STAT_CHAIN_CHECK	0x01

/**
 * struct ccw_scsw - the raw subchannel-status word (12 bytes, big-endian)
 * @w: the three words
 */
struct ccw_scsw {
	uint32_t w[3];
};

/* The device status and the subchannel status of @s (SCSW word 2). */
static inline unsigned int scsw_dstat(const struct ccw_scsw *s)
{
	return be32toh(s->w[2]) >> 24;
}

static inline unsigned int scsw_cstat(const struct ccw_scsw *s)
{
	return (be32toh(s->w[2]) >> 16) & 0xff;
}

/**
 * struct scsw_fields - a decoded command-mode SCSW (word 0 bit numbers)
 * @key: subchannel key (0-3)
 * @sctl: suspend control (4)
 * @eswf: ESW format (5)
 * @cc: deferred condition code (6-7)
 * @fmt: CCW format (8)
 * @pfch: prefetch (9)
 * @isic: initial-status-interruption control (10)
 * @alcc: address-limit-checking control (11)
 * @ssi: suppress-suspended interruption (12)
 * @zcc: zero condition code (13)
 * @ectl: extended control (14)
 * @pno: path not operational (15)
 * @fctl: function control (17-19), SCSW_FCTL_*
 * @actl: activity control (20-26), SCSW_ACTL_*
 * @stctl: status control (27-31), SCSW_STCTL_*
 * @cpa: CCW address (word 1)
 * @dstat: device status, DEV_STAT_*
 * @cstat: subchannel status, SCHN_STAT_*
 * @count: residual count
 */
struct scsw_fields {
	unsigned int key;
	unsigned int sctl;
	unsigned int eswf;
	unsigned int cc;
	unsigned int fmt;
	unsigned int pfch;
	unsigned int isic;
	unsigned int alcc;
	unsigned int ssi;
	unsigned int zcc;
	unsigned int ectl;
	unsigned int pno;
	unsigned int fctl;
	unsigned int actl;
	unsigned int stctl;
	uint32_t cpa;
	unsigned int dstat;
	unsigned int cstat;
	unsigned int count;
};

/**
 * struct ccw_irb - the interruption-response block (96 bytes)
 * @scsw: subchannel-status word
 * @esw: extended-status word
 * @ecw: extended-control word (sense data of a unit check)
 * @emw: extended-measurement word
 */
struct ccw_irb {
	struct ccw_scsw scsw;
	uint8_t esw[20];
	uint8_t ecw[32];
	uint8_t emw[32];
};

/**
 * struct ccw_schib - the subchannel-information block (52 bytes)
 * @pmcw: path-management-control word (7 words)
 * @scsw: subchannel-status word
 * @mba: measurement-block address (two words: the SCHIB is 4-aligned)
 * @mda: model-dependent area
 */
struct ccw_schib {
	uint32_t pmcw[7];
	struct ccw_scsw scsw;
	uint32_t mba[2];
	uint8_t mda[4];
};

/* PMCW word 1 bits */
#define PMCW_ENA		(1u << 23)	/* bit 8: enabled */
#define PMCW_DNV		(1u << 16)	/* bit 15: device number valid */

/**
 * struct sense_id_data - what SENSE ID stores (first 8 bytes)
 * @ff: 0xff
 * @cu_type: control-unit type (0x3832 for virtio-ccw)
 * @cu_model: control-unit model (the virtio device id)
 * @dev_type: device type
 * @dev_model: device model
 * @unused: reserved
 */
struct sense_id_data {
	uint8_t ff;
	uint8_t cu_type[2];
	uint8_t cu_model;
	uint8_t dev_type[2];
	uint8_t dev_model;
	uint8_t unused;
};

/* The layouts have no padding: the architecture fixes these sizes. */
static_assert(sizeof(struct ccw1) == 8, "CCW is 8 bytes");
static_assert(sizeof(struct ccw_orb) == 12, "ORB is 12 bytes");
static_assert(sizeof(struct ccw_irb) == 96, "IRB is 96 bytes");
static_assert(sizeof(struct ccw_schib) == 52, "SCHIB is 52 bytes");
static_assert(sizeof(struct sense_id_data) == 8, "SENSE ID head");

/* Builders. */
void ccw_set(struct ccw1 *ccw, uint8_t cmd, uint8_t flags, uint16_t count,
	     uint32_t cda);
void orb_init(struct ccw_orb *orb, uint32_t cpa, uint32_t extra_ctrl);
static inline uint32_t orb_cpa(const struct ccw_orb *orb)
{
	return be32toh(orb->cpa);
}

void idaw2_set(uint64_t *idaw, uint64_t addr);
void idaw1_set(uint32_t *idaw, uint32_t addr);

/* Decoding. */
void scsw_decode(const struct ccw_scsw *raw, struct scsw_fields *f);
void scsw_make(struct ccw_scsw *raw, unsigned int fctl);
bool scsw_is_final(const struct scsw_fields *f);
const char *scsw_fctl_str(unsigned int fctl, char *buf, size_t len);
const char *scsw_actl_str(unsigned int actl, char *buf, size_t len);
const char *scsw_stctl_str(unsigned int stctl, char *buf, size_t len);
const char *dstat_str(unsigned int dstat, char *buf, size_t len);
const char *cstat_str(unsigned int cstat, char *buf, size_t len);
int irb_format(const struct ccw_irb *irb, char *buf, size_t len);
/* The names of the bits set in @v, most significant of @nbits first. */
const char *ccw_bits_str(unsigned int v, const char *const names[],
			 int nbits, char *buf, size_t len);

#endif /* VFIO_CCW_SELFTEST_CCW_H */
