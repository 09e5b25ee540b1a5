// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xics.c - XICS: presentation through hcalls, sources through RTAS.
 * The ICP resets with CPPR 0 (everything blocked) and the ICS with every
 * source at priority 0xFF (masked), so both must be opened explicitly.
 */
#include <stdio.h>

#include "drivers/xics.h"
#include "drivers/xive.h"
#include "hcall/hcall.h"
#include "hcall/rtas.h"
#include "lib/log.h"

struct xics_stats xics_stats;

static uint32_t xics_server;

enum drv_result xics_init(uint32_t server)
{
	long rc = h_cppr(0xFF);

	xics_server = server;
	if (rc != H_SUCCESS) {
		xics_stats.errors++;
		pr_err("xics", "H_CPPR(0xff) failed: %s (%ld); is the interrupt controller XIVE?",
		       hcall_rc_name(rc), rc);
		return DRV_ERR_HCALL;
	}
	return DRV_OK;
}

enum drv_result xics_attach(uint32_t irq, xics_handler_fn fn, void *ctx)
{
	int slot, st;

	if (!fn || irq == XICS_IRQ_SPURIOUS || irq == XICS_IRQ_IPI) {
		pr_err("xics", "attach: source 0x%x is reserved or has no handler", irq);
		return DRV_ERR_PARAM;
	}
	slot = irq_handler_set(irq, fn, ctx);
	if (slot < 0) {
		pr_err("xics", "attach: source 0x%x: all %d handler slots in use", irq,
		       XICS_MAX_HANDLERS);
		return DRV_ERR_NO_SLOT;
	}
	st = rtas_call("ibm,set-xive", 3, 1, NULL, irq, xics_server, XICS_PRIO_DEFAULT);
	if (st != 0) {
		xics_stats.errors++;
		pr_err("xics", "ibm,set-xive(0x%x, server %u, prio %d) status %d", irq,
		       xics_server, XICS_PRIO_DEFAULT, st);
		irq_handler_clear_slot(slot);
		return DRV_ERR_FIRMWARE;
	}
	st = rtas_call("ibm,int-on", 1, 1, NULL, irq);
	if (st != 0) {	/* often a no-op after set-xive; worth a warning, not a failure */
		xics_stats.errors++;
		pr_warn("xics", "ibm,int-on(0x%x) status %d", irq, st);
	}
	pr_debug("xics", "source 0x%x routed to server %u", irq, xics_server);
	return DRV_OK;
}

void xics_detach(uint32_t irq)
{
	rtas_call("ibm,int-off", 1, 1, NULL, irq);
	rtas_call("ibm,set-xive", 3, 1, NULL, irq, xics_server, XICS_PRIO_MASKED);
	irq_handler_remove(irq);
}

void xics_external_interrupt(void)
{
	uint64_t xirr = 0;
	uint32_t src;
	long rc;

	xics_stats.interrupts++;
	/*
	 * One accept per exception: after the EOI the presentation layer
	 * presents the next pending source (or one rejected while this one
	 * was held) again, and it is taken as a new exception once MSR[EE] is
	 * back on. Asking again here would cost a second H_XIRR on every
	 * interrupt only to read "nothing pending".
	 */
	rc = h_xirr(0xFF, &xirr);
	if (rc != H_SUCCESS) {
		xics_stats.errors++;
		return;
	}
	src = (uint32_t)(xirr & 0xFFFFFF);
	if (src == XICS_IRQ_SPURIOUS) {
		xics_stats.spurious++;
		return;
	}
	if (src == XICS_IRQ_IPI) {
		xics_stats.ipis++;
		h_ipi(xics_server, 0xFF);
	} else if (irq_handler_dispatch(src)) {
		xics_stats.dispatched++;
	} else {
		xics_stats.unknown++;
		pr_warn("xics", "interrupt from unknown source 0x%x (xirr 0x%llx)", src,
			(unsigned long long)xirr);
	}
	if (h_eoi(xirr) != H_SUCCESS)
		xics_stats.errors++;
}

/* --- the selected controller ------------------------------------------ */

static enum intc_kind intc_kind = INTC_XICS;	/* what a platform without CAS gives */
static char intc_reason[128] = "default (no negotiation)";

void intc_select(enum intc_kind kind, const char *why)
{
	intc_kind = kind;
	snprintf(intc_reason, sizeof(intc_reason), "%s", why ? why : "");
}

const char *intc_name(void)
{
	switch (intc_kind) {
	case INTC_XICS: return "xics";
	case INTC_XIVE: return "xive";
	case INTC_NONE: return "none";
	}
	return "?";
}

const char *intc_why(void)
{
	return intc_reason;
}

enum drv_result intc_init(uint32_t server, char *why, unsigned int len)
{
	enum drv_result r;

	switch (intc_kind) {
	case INTC_XICS:
		r = xics_init(server);
		if (r != DRV_OK && why)
			snprintf(why, len, "XICS: H_CPPR failed (%s)", intc_reason);
		return r;
	case INTC_XIVE:
		return xive_init(server, why, len);
	case INTC_NONE:
		break;
	}
	if (why)
		snprintf(why, len, "no usable interrupt controller: %s", intc_reason);
	return DRV_ERR_STATE;
}

enum drv_result intc_attach(uint32_t irq, xics_handler_fn fn, void *ctx)
{
	if (intc_kind == INTC_XIVE)
		return xive_attach(irq, fn, ctx);
	return xics_attach(irq, fn, ctx);
}

void intc_detach(uint32_t irq)
{
	if (intc_kind == INTC_XIVE)
		xive_detach(irq);
	else
		xics_detach(irq);
}

void intc_external_interrupt(void)
{
	if (intc_kind == INTC_XIVE)
		xive_external_interrupt();
	else
		xics_external_interrupt();
}
