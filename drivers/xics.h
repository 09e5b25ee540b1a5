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

#include "drivers/drv_result.h"
#include "drivers/irq_handlers.h"

#define XICS_IRQ_SPURIOUS	0
#define XICS_IRQ_IPI		2
#define XICS_PRIO_DEFAULT	5
#define XICS_PRIO_MASKED	0xFF
#define XICS_MAX_HANDLERS	IRQ_MAX_HANDLERS

typedef irq_source_fn xics_handler_fn;

struct xics_stats {
	uint64_t interrupts;	/* 0x500 entries */
	uint64_t dispatched;	/* sources handed to a handler */
	uint64_t spurious;	/* 0x500 with nothing pending */
	uint64_t ipis;
	uint64_t unknown;	/* sources nobody registered */
	uint64_t errors;	/* failing hcalls / RTAS calls */
};

extern struct xics_stats xics_stats;

/**
 * xics_init - accept every priority on @server (the ICP starts at CPPR 0).
 * @server: interrupt server number of this cpu (device tree)
 *
 * Return: DRV_OK, or DRV_ERR_HCALL when H_CPPR fails (rc logged; the
 * usual cause is an interrupt controller in XIVE mode).
 */
enum drv_result xics_init(uint32_t server);

/**
 * xics_attach - route source @irq to this cpu at the default priority and
 * call @fn(@ctx, irq) from the 0x500 handler.
 * @irq: the source number (not 0, the spurious value, nor 2, the IPI)
 * @fn: handler, called in interrupt context
 * @ctx: passed to @fn
 *
 * Return: DRV_OK; DRV_ERR_PARAM for a reserved source or no handler;
 * DRV_ERR_NO_SLOT when XICS_MAX_HANDLERS sources are attached already;
 * DRV_ERR_FIRMWARE when ibm,set-xive fails (RTAS status logged).
 */
enum drv_result xics_attach(uint32_t irq, xics_handler_fn fn, void *ctx);

/**
 * xics_detach - mask @irq and forget its handler.
 * @irq: the source
 */
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
 * Return: DRV_OK when interrupts can be used; otherwise the failing
 * controller's result (xics_init(), xive_init()), or DRV_ERR_STATE when
 * no controller was granted.
 */
enum drv_result intc_init(uint32_t server, char *why, unsigned int len);

/**
 * intc_attach - as xics_attach(), on the selected controller.
 * Return: as xics_attach() or xive_attach().
 */
enum drv_result intc_attach(uint32_t irq, xics_handler_fn fn, void *ctx);

/** intc_detach - as xics_detach(), on the selected controller. */
void intc_detach(uint32_t irq);

/** intc_external_interrupt - the 0x500 handler of the selected controller. */
void intc_external_interrupt(void);

#endif
