/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xics.h - the XICS interrupt controller as a PAPR guest sees it: the
 * presentation side through hcalls (H_CPPR, H_XIRR, H_EOI, H_IPI) and the
 * source side through RTAS (ibm,set-xive, ibm,int-on/off).
 */
#ifndef VMCFW_XICS_H
#define VMCFW_XICS_H

#include <stdbool.h>
#include <stdint.h>

#define XICS_IRQ_SPURIOUS	0
#define XICS_IRQ_IPI		2
#define XICS_PRIO_DEFAULT	5
#define XICS_PRIO_MASKED	0xFF
#define XICS_MAX_HANDLERS	8

typedef void (*xics_handler_fn)(void *ctx, uint32_t irq);

struct xics_stats {
	uint64_t interrupts;	/* 0x500 entries */
	uint64_t dispatched;	/* sources handed to a handler */
	uint64_t spurious;	/* 0x500 with nothing pending */
	uint64_t ipis;
	uint64_t unknown;	/* sources nobody registered */
	uint64_t errors;	/* failing hcalls / RTAS calls */
};

extern struct xics_stats xics_stats;

/** xics_init - accept every priority on @server (the ICP starts at CPPR 0). */
int xics_init(uint32_t server);

/**
 * xics_attach - route source @irq to this cpu at the default priority and
 * call @fn(@ctx, irq) from the 0x500 handler. Returns 0 or a negative
 * hcall/RTAS status.
 */
int xics_attach(uint32_t irq, xics_handler_fn fn, void *ctx);

/** xics_detach - mask @irq and forget its handler. */
void xics_detach(uint32_t irq);

/** xics_external_interrupt - the 0x500 handler: accept, dispatch, EOI. */
void xics_external_interrupt(void);

#endif
