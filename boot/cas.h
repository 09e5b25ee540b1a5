/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cas.h - ibm,client-architecture-support: tell the platform what the
 * image can do (CPU levels, real-mode area, interrupt controller) and
 * learn what it granted, while Open Firmware is still alive.
 */
#ifndef VMCFW_CAS_H
#define VMCFW_CAS_H

#include <stdbool.h>
#include <stdint.h>

/* Option vector 5, byte 23: the interrupt controller. */
#define OV5_INTC_LEGACY		0x00	/* XICS */
#define OV5_INTC_EXPLOIT	0x40	/* XIVE exploitation */
#define OV5_INTC_EITHER		0x80	/* platform: both offered */

/* The boot argument cas= (nocas is cas=off). */
enum cas_mode {
	CAS_AUTO,	/* call it unless the platform's reset state is known to suffice */
	CAS_ON,		/* always call it */
	CAS_OFF,	/* never call it */
};

struct cas_state {
	enum cas_mode mode;		/* from the boot arguments */
	uint32_t pvr;			/* processor version register */
	bool offer_known;		/* /chosen ibm,arch-vec-5-platform-support had byte 23 */
	uint8_t offer;			/* its value (OV5_INTC_*) */
	uint8_t asked;			/* what we asked for */
	bool called;			/* the method was invoked */
	int32_t status;			/* its result: 0 = success */
	bool granted_xive;		/* XIVE exploitation in force after CAS */
	uint64_t us;			/* how long the call took */
	uint32_t min_rma_mib;		/* what option vector 2 asked for */
	uint32_t dec_bits;		/* ibm,dec-bits of the boot cpu (0: absent) */
	uint64_t rma_size;		/* /memory@0 reg size seen before CAS (0: unread) */
};

extern struct cas_state cas;

/**
 * cas_negotiate - called by of_walk() after /chosen was read: read the
 * platform's offer, call CAS when the boot argument cas= (auto, on, off;
 * `nocas` is off) says so, and
 * select the interrupt controller (intc_select()) and the decrementer
 * width (dec_set_bits()). A failed negotiation is logged, never fatal:
 * the platform's pre-CAS defaults are kept.
 */
void cas_negotiate(void);

#endif
