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

/*
 * The interrupt controller the platform granted. Boot decides it from the
 * client-architecture-support negotiation (boot/cas.c) and says so with
 * intc_select(); the CRQ service asks intc_init() whether interrupts can
 * be used at all and falls back to polling when they cannot.
 */
enum intc_kind {
	INTC_XICS,		/* legacy XICS: H_CPPR/H_XIRR/H_EOI + RTAS set-xive */
	INTC_XIVE,		/* XIVE exploitation negotiated: H_INT_* + TIMA */
	INTC_NONE,		/* nothing usable (reason in intc_why()) */
};

/** intc_select - record the controller the platform granted and why. */
void intc_select(enum intc_kind kind, const char *why);

/** intc_name - "xics", "xive" or "none". Return: a static string. */
const char *intc_name(void);

/** intc_why - how the controller was chosen. Return: a static string. */
const char *intc_why(void);

/**
 * intc_init - make the selected controller present interrupts to @server.
 * @why: receives the reason on failure (may be NULL)
 * Return: 0 when interrupts can be used, a negative code otherwise.
 */
int intc_init(uint32_t server, char *why, unsigned int len);

/** intc_attach - as xics_attach(), on the selected controller. Return: 0 or < 0. */
int intc_attach(uint32_t irq, xics_handler_fn fn, void *ctx);

/** intc_detach - as xics_detach(), on the selected controller. */
void intc_detach(uint32_t irq);

/** intc_external_interrupt - the 0x500 handler of the selected controller. */
void intc_external_interrupt(void);

#endif
