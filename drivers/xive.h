/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xive.h - XIVE exploitation mode as a PAPR guest sees it: sources and the
 * event queue configured through the H_INT_* hcalls, source state (ESB)
 * through H_INT_ESB, and the OS ring of the thread management area (TIMA)
 * for the CPPR and the acknowledge, as loads and stores in real mode.
 *
 * Usable only after client-architecture-support negotiated XIVE
 * exploitation (boot/cas.c). The TIMA is MMIO: docs/bring-up.md says
 * where a real-mode access to it works and where it does not.
 */
#ifndef VMCFW_XIVE_H
#define VMCFW_XIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/xics.h"

#define XIVE_PRIO		5	/* the one priority vmcfw uses */
#define XIVE_EQ_SHIFT		12	/* 4 KiB event queue: 1024 entries */

/*
 * The first TIMA accesses are a probe: where real mode cannot reach MMIO
 * (PowerVM, KVM-HV with an HPT guest) they fault. While xive_probing is
 * set, the exception handler records the vector in xive_probe_trap and
 * skips the instruction, so XIVE is declared unusable instead of fatal.
 */
extern volatile bool xive_probing;
extern volatile uint32_t xive_probe_trap;

/** xive_set_tima - the OS page of the TIMA (from the device tree), 0: none. */
void xive_set_tima(uint64_t os_page);

/**
 * xive_init - configure the event queue of @server at XIVE_PRIO and open
 * the OS CPPR. @why receives the reason on failure.
 * Return: DRV_OK; DRV_ERR_PARAM without a TIMA in the device tree,
 * DRV_ERR_HCALL when an H_INT_* call failed (logged in @why),
 * DRV_ERR_FIRMWARE when the TIMA does not answer in real mode.
 */
enum drv_result xive_init(uint32_t server, char *why, unsigned int len);

/**
 * xive_attach - route @irq to the queue, unmask it (ESB PQ=00).
 * Return: DRV_OK; DRV_ERR_STATE before xive_init(), DRV_ERR_NO_SLOT when
 * the handler table is full, DRV_ERR_HCALL when the hypervisor refused.
 */
enum drv_result xive_attach(uint32_t irq, xics_handler_fn fn, void *ctx);

/** xive_detach - mask @irq (ESB PQ=01) and forget its handler. */
void xive_detach(uint32_t irq);

/** xive_external_interrupt - the 0x500 handler: ack, drain the queue, EOI. */
void xive_external_interrupt(void);

#endif
