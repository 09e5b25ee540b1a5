/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crq_service.h - how a CRQ gets serviced: polled from the main loop, or
 * interrupt-driven (XICS) with the main loop idle in H_CEDE. Either way the
 * entries are consumed in the main loop's context, so the layers above see
 * the same behaviour in both modes.
 */
#ifndef VMCFW_CRQ_SERVICE_H
#define VMCFW_CRQ_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/crq.h"

struct crq_service {
	struct crq *crq;
	uint32_t irq;		/* XICS source from the device tree */
	bool irq_mode;		/* in force: false after a fallback */
	bool irq_requested;	/* what the caller asked for */
	char fallback[128];	/* why irq mode fell back to polling ("" none) */
	bool attached;
	volatile bool pending;	/* set by the interrupt handler */
	volatile uint64_t irqs;	/* CRQ interrupts taken */
	uint64_t polls;		/* service passes */
	uint64_t rearm_races;	/* entries found right after re-enabling */
};

/**
 * crq_service_start - begin servicing @crq. In irq mode, bring up the
 * interrupt controller (intc_init()), route @irq through it and enable the
 * device's CRQ interrupt (H_VIO_SIGNAL). When no controller can be used,
 * or the source cannot be routed, say why (s->fallback, logged) and poll.
 * @s: the service object (filled here)
 * @crq: an initialised CRQ
 * @irq: the device's interrupt source (irq mode only)
 * @irq_mode: interrupt-driven (true) or polled
 *
 * Return: DRV_OK (also after a fallback to polling: s->irq_mode is then
 * false), or crq_set_irq()'s result when the device refused to enable its
 * interrupt; the object is usable in every case.
 */
enum drv_result crq_service_start(struct crq_service *s, struct crq *crq, uint32_t irq, bool irq_mode);

/**
 * crq_service_stop - mask the interrupt and forget the handler (irq mode).
 * @s: the service object
 */
void crq_service_stop(struct crq_service *s);

/**
 * crq_service_run - consume what is in the ring now. In irq mode, re-enable
 * the interrupt afterwards and look once more (an entry that arrived while
 * it was disabled raised no interrupt).
 * @s: the service object
 *
 * Return: entries consumed.
 */
unsigned int crq_service_run(struct crq_service *s);

/**
 * crq_service_wait - idle until there may be work, at most @us: H_CEDE
 * with the decrementer as a bound (irq mode wakes early on the CRQ
 * interrupt; poll mode wakes every poll period).
 * @s: the service object
 * @us: the longest wait
 */
void crq_service_wait(struct crq_service *s, uint64_t us);

#endif
