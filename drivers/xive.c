// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xive.c - XIVE exploitation mode (see xive.h). Statistics are shared with
 * XICS (xics_stats): the layers above see one interrupt controller.
 *
 * Delivery: the source's event is written by the platform into our event
 * queue (EQ) in memory, then the thread is signalled if the queue's
 * priority is more favoured than the OS CPPR. The 0x500 handler
 * acknowledges on the TIMA (which raises CPPR to that priority), drains
 * the queue, EOIs each source through its ESB, and lowers CPPR again.
 */
#include <stdio.h>
#include <string.h>

#include "drivers/xive.h"
#include "hcall/hcall.h"
#include "lib/byteorder.h"
#include "lib/log.h"

#define TM_QW1_OS		0x010	/* OS ring of the thread context */
#define TM_CPPR			0x1
#define TM_SPC_ACK_OS_REG	0x810	/* 16-bit load: NSR:CPPR, acknowledges */
#define TM_NSR_EO		0x80	/* NSR: an OS exception is pending */
#define ESB_LOAD_EOI		0x000
#define ESB_SET_PQ_00		0xC00	/* loads: set PQ and return the old PQ */
#define ESB_SET_PQ_01		0xD00
#define SRC_SET_EISN		(1ULL << 1)	/* H_INT_SET_SOURCE_CONFIG flag (PAPR bit 62) */
#define SRC_INFO_LSI		(1ULL << 2)	/* H_INT_GET_SOURCE_INFO flag (PAPR bit 61) */

static uint32_t eq[(1u << XIVE_EQ_SHIFT) / 4] __attribute__((aligned(1u << XIVE_EQ_SHIFT)));
static unsigned int eq_idx;
static uint32_t eq_toggle;	/* generation bit of entries already consumed */
static uint64_t tima_os;
static uint32_t xive_server;
static int xive_ready;

volatile bool xive_probing;
volatile uint32_t xive_probe_trap;


void xive_set_tima(uint64_t os_page)
{
	tima_os = os_page;
}

/* The TIMA is cache-inhibited MMIO, big-endian, size-sensitive: exact widths. */
static void tima_set_cppr(uint8_t cppr)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(tima_os + TM_QW1_OS + TM_CPPR);

	__asm__ volatile("sync" ::: "memory");
	*p = cppr;
	__asm__ volatile("sync" ::: "memory");
}

/* Raw TIMA reads must be 4 or 8 bytes wide. */
static uint32_t tima_read32(uint64_t off)
{
	volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)(tima_os + off);
	uint32_t v;

	__asm__ volatile("sync" ::: "memory");
	v = *p;
	__asm__ volatile("sync" ::: "memory");
	return be32_swap(v);	/* the TIMA is big-endian */
}

static uint16_t tima_ack(void)
{
	volatile uint16_t *p = (volatile uint16_t *)(uintptr_t)(tima_os + TM_SPC_ACK_OS_REG);
	uint16_t v;

	__asm__ volatile("sync" ::: "memory");
	v = *p;
	__asm__ volatile("sync" ::: "memory");
	return load_be16((const uint8_t *)&v);	/* the TIMA is big-endian */
}

static long esb_load(uint32_t irq, uint64_t offset, uint64_t *val)
{
	long rc = h_int_esb(0, irq, offset, 0, val);

	if (rc != H_SUCCESS) {
		xics_stats.errors++;
		pr_err("xive", "H_INT_ESB(lisn 0x%x, offset 0x%llx) failed: %s (%ld)", irq,
		       (unsigned long long)offset, hcall_rc_name(rc), rc);
	}
	return rc;
}

enum drv_result xive_init(uint32_t server, char *why, unsigned int len)
{
	uint8_t cppr;
	long rc;

	if (xive_ready && xive_server == server)
		return DRV_OK;
	if (!tima_os) {
		if (why)
			snprintf(why, len, "XIVE: no thread management area in the device tree");
		return DRV_ERR_PARAM;
	}
	rc = h_int_reset(0);
	if (rc != H_SUCCESS) {
		if (why)
			snprintf(why, len, "XIVE: H_INT_RESET failed: %s (%ld)", hcall_rc_name(rc), rc);
		xics_stats.errors++;
		return DRV_ERR_HCALL;
	}
	memset(eq, 0, sizeof(eq));
	eq_idx = 0;
	eq_toggle = 0;
	rc = h_int_set_queue_config(0, server, XIVE_PRIO, (uint64_t)(uintptr_t)eq, XIVE_EQ_SHIFT);
	if (rc != H_SUCCESS) {
		if (why)
			snprintf(why, len, "XIVE: H_INT_SET_QUEUE_CONFIG(server %u, prio %d) failed: "
				 "%s (%ld)", server, XIVE_PRIO, hcall_rc_name(rc), rc);
		xics_stats.errors++;
		return DRV_ERR_HCALL;
	}
	xive_server = server;
	/* Open the CPPR and read it back: proves the TIMA answers in real mode. */
	xive_probe_trap = 0;
	xive_probing = true;
	tima_set_cppr(0xFF);	/* accept every priority */
	cppr = (uint8_t)(tima_read32(TM_QW1_OS) >> 16);	/* NSR, CPPR, IPB, LSMFB */
	xive_probing = false;
	if (xive_probe_trap || cppr != 0xFF) {
		if (why && xive_probe_trap)
			snprintf(why, len, "XIVE: the TIMA at 0x%llx is not reachable in real mode "
				 "(exception 0x%x)", (unsigned long long)tima_os, xive_probe_trap);
		else if (why)
			snprintf(why, len, "XIVE: the TIMA at 0x%llx does not answer (CPPR reads "
				 "0x%02x after writing 0xff)", (unsigned long long)tima_os, cppr);
		h_int_set_queue_config(0, server, XIVE_PRIO, 0, 0);
		return DRV_ERR_FIRMWARE;
	}
	xive_ready = 1;
	pr_info("xive", "event queue at 0x%llx (%u entries) for server %u prio %d, TIMA OS page 0x%llx",
		(unsigned long long)(uintptr_t)eq, (unsigned int)(sizeof(eq) / 4), server, XIVE_PRIO,
		(unsigned long long)tima_os);
	return DRV_OK;
}

enum drv_result xive_attach(uint32_t irq, xics_handler_fn fn, void *ctx)
{
	uint64_t info[4] = { 0 }, pq;
	int slot;
	long rc;

	if (!xive_ready)
		return DRV_ERR_STATE;
	rc = h_int_get_source_info(0, irq, info);
	if (rc != H_SUCCESS) {
		xics_stats.errors++;
		pr_err("xive", "H_INT_GET_SOURCE_INFO(0x%x) failed: %s (%ld)", irq,
		       hcall_rc_name(rc), rc);
		return DRV_ERR_HCALL;
	}
	slot = irq_handler_set(irq, fn, ctx);
	if (slot < 0)
		return DRV_ERR_NO_SLOT;
	/* The EISN is what lands in the queue: make it the source number. */
	rc = h_int_set_source_config(SRC_SET_EISN, irq, xive_server, XIVE_PRIO, irq);
	if (rc != H_SUCCESS) {
		xics_stats.errors++;
		pr_err("xive", "H_INT_SET_SOURCE_CONFIG(0x%x, server %u, prio %d) failed: %s (%ld)",
		       irq, xive_server, XIVE_PRIO, hcall_rc_name(rc), rc);
		irq_handler_clear_slot(slot);
		return DRV_ERR_HCALL;
	}
	/* Sources start masked (PQ=01); PQ=00 lets the next event through. */
	rc = esb_load(irq, ESB_SET_PQ_00, &pq);
	if (rc != H_SUCCESS) {
		irq_handler_clear_slot(slot);
		return DRV_ERR_HCALL;
	}
	pr_debug("xive", "source 0x%x (%s) routed to server %u, old PQ %llu", irq,
		 (info[0] & SRC_INFO_LSI) ? "LSI" : "MSI", xive_server, (unsigned long long)pq);
	return DRV_OK;
}

void xive_detach(uint32_t irq)
{
	uint64_t pq;

	esb_load(irq, ESB_SET_PQ_01, &pq);
	irq_handler_remove(irq);
}

/* Next valid entry of the queue, or 0 when it is empty. */
static uint32_t eq_pop(void)
{
	uint32_t e = be32_swap(__atomic_load_n(&eq[eq_idx], __ATOMIC_ACQUIRE));

	if ((e >> 31) == eq_toggle)
		return 0;
	if (++eq_idx == sizeof(eq) / 4) {
		eq_idx = 0;
		eq_toggle ^= 1;
	}
	return e & 0x7FFFFFFF;
}

void xive_external_interrupt(void)
{
	uint16_t ack;
	unsigned int n = 0;

	xics_stats.interrupts++;
	if (!xive_ready) {
		xics_stats.errors++;
		return;
	}
	ack = tima_ack();
	if (!((ack >> 8) & TM_NSR_EO))
		xics_stats.spurious++;
	/* Drain even after a spurious ack: the queue is the truth. Bounded. */
	for (uint32_t src; n < sizeof(eq) / 4 && (src = eq_pop()) != 0; n++) {
		uint64_t pq;

		if (irq_handler_dispatch(src)) {
			xics_stats.dispatched++;
		} else {
			xics_stats.unknown++;
			pr_warn("xive", "event from unknown source 0x%x", src);
		}
		esb_load(src, ESB_LOAD_EOI, &pq);
	}
	tima_set_cppr(0xFF);
}
