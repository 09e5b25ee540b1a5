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

/*
 * Poll mode's budgets (microseconds). For spin_us after an entry the ring
 * is watched by memory reads alone (no hcall). Then, while the last entry
 * is younger than busy_us, the processor is ceded for cede_us at a time
 * (H_CEDE with a decrementer wake-up; no CRQ interrupt is ever enabled),
 * so the next entry of a conversation waits at most about cede_us. Once
 * the channel is quiet longer than that, each cede is twice as long as the
 * one before, up to idle_us: an idle partition wakes about 1e6/idle_us
 * times a second, and the first entry after a quiet spell waits at most
 * about idle_us.
 */
struct crq_poll_budget {
	uint32_t spin_us;
	uint32_t cede_us;
	uint32_t busy_us;
	uint32_t idle_us;
};

/* Chosen by measurement (make bench-echo; docs/console.md): on QEMU TCG a
 * spinning vCPU takes a host core from QEMU's main loop and the peer, and
 * did not beat short cedes, so the default spin is 0. */
#define CRQ_POLL_SPIN_US 0
#define CRQ_POLL_CEDE_US 5
#define CRQ_POLL_BUSY_US 2000
#define CRQ_POLL_IDLE_US 10000

struct crq_service {
	struct crq *crq;
	struct crq_poll_budget budget;	/* poll mode */
	uint64_t last_work_tb;	/* when an entry was last consumed */
	uint32_t cede_now_us;	/* the next quiet cede's period (poll mode) */
	uint64_t spins;		/* spins started (poll mode) */
	uint64_t spin_hits;	/* spins that ended with an entry */
	uint64_t cedes;		/* cedes from crq_service_wait() */
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
 * crq_service_set_budget - poll mode's spin and cede periods (see struct
 * crq_poll_budget). A zero cede period means "not configured": all four
 * take their defaults. An idle period below the cede period is raised to it.
 * @s: the service object (after crq_service_start())
 * @b: the budgets
 */
void crq_service_set_budget(struct crq_service *s, const struct crq_poll_budget *b);

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
 * crq_service_wait - idle until there may be work, at most @us. Irq mode:
 * H_CEDE, woken by the CRQ interrupt or the decrementer. Poll mode: spin
 * on the ring or H_CEDE for a period that depends on the age of the last
 * entry (see struct crq_poll_budget).
 * @s: the service object
 * @us: the longest wait
 */
void crq_service_wait(struct crq_service *s, uint64_t us);

#endif
