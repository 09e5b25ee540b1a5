// SPDX-License-Identifier: GPL-2.0-or-later
/* crq_service.c - poll and interrupt service modes for a CRQ. */
#include <stdio.h>

#include "drivers/crq_service.h"
#include "drivers/idle.h"
#include "drivers/xics.h"
#include "hcall/hcall.h"
#include "lib/dt.h"
#include "lib/log.h"
#include "lib/time.h"

static const struct crq_poll_budget crq_poll_defaults = {
	CRQ_POLL_SPIN_US, CRQ_POLL_CEDE_US, CRQ_POLL_BUSY_US, CRQ_POLL_IDLE_US
};

/* 0x500 context: keep it short; the main loop does the work. */
static void crq_irq(void *ctx, uint32_t irq)
{
	struct crq_service *s = ctx;

	s->irqs++;
	s->pending = true;
	crq_set_irq(s->crq, false);	/* quiet until the main loop has drained */
}

enum drv_result crq_service_start(struct crq_service *s, struct crq *crq, uint32_t irq,
				  bool irq_mode)
{
	enum drv_result r;

	s->crq = crq;
	s->irq = irq;
	s->irq_mode = irq_mode;
	s->pending = true;	/* first pass: entries that came while disabled */
	s->attached = false;
	s->irq_requested = irq_mode;
	s->fallback[0] = '\0';
	s->budget = crq_poll_defaults;
	s->cede_now_us = s->budget.cede_us;
	s->last_work_tb = tb_now();
	s->spins = s->spin_hits = s->cedes = 0;
	if (!irq_mode)
		return DRV_OK;
	r = intc_init(dt.boot_server, s->fallback, sizeof(s->fallback));
	if (r != DRV_OK)
		goto fallback;
	r = intc_attach(irq, crq_irq, s);
	if (r != DRV_OK) {
		snprintf(s->fallback, sizeof(s->fallback), "%s: routing source 0x%x failed (%s)",
			 intc_name(), irq, drv_result_name(r));
		goto fallback;
	}
	s->attached = true;
	r = crq_set_irq(crq, true);
	if (r != DRV_OK) {
		pr_err("crqsvc", "cannot enable CRQ interrupts on unit 0x%llx: %s",
		       (unsigned long long)crq->unit, hcall_rc_name(crq->last_rc));
		return r;
	}
	return DRV_OK;

fallback:
	/* Polling serves the same layers; a wait is bounded either way. */
	s->irq_mode = false;
	pr_err("crqsvc", "irq mode unavailable (%s): servicing unit 0x%llx by polling",
	       s->fallback, (unsigned long long)crq->unit);
	return DRV_OK;
}

void crq_service_set_budget(struct crq_service *s, const struct crq_poll_budget *b)
{
	s->budget = b->cede_us ? *b : crq_poll_defaults;
	if (s->budget.idle_us < s->budget.cede_us)
		s->budget.idle_us = s->budget.cede_us;
	s->cede_now_us = s->budget.cede_us;
}

void crq_service_stop(struct crq_service *s)
{
	if (s->attached) {
		crq_set_irq(s->crq, false);
		intc_detach(s->irq);
		s->attached = false;
	}
}

unsigned int crq_service_run(struct crq_service *s)
{
	unsigned int n = 0;

	s->polls++;
	if (!s->irq_mode) {
		n = crq_poll(s->crq);
		if (n) {	/* traffic: spin again, then cede short */
			s->last_work_tb = tb_now();
			s->cede_now_us = s->budget.cede_us;
		}
		return n;
	}
	if (!s->pending)	/* interrupt-driven: work only after an interrupt */
		return 0;
	for (int round = 0; round < 16; round++) {
		s->pending = false;
		n += crq_poll(s->crq);
		crq_set_irq(s->crq, true);
		if (!crq_pending(s->crq))
			break;
		s->rearm_races++;
		crq_set_irq(s->crq, false);
	}
	return n;
}

void crq_service_wait(struct crq_service *s, uint64_t us)
{
	uint64_t spin_end;

	if (s->irq_mode) {
		/* Entries may already sit in the ring; in irq mode they are
		 * taken when the interrupt is, which needs EE on: cede. */
		if (!s->pending) {
			s->cedes++;
			idle_wait_us(us);
		}
		return;
	}
	if (crq_pending(s->crq))
		return;
	spin_end = s->last_work_tb + us_to_tb(s->budget.spin_us < us ? s->budget.spin_us : us);
	if ((int64_t)(spin_end - tb_now()) > 0) {
		/* Memory reads and the timebase only: an hcall here would take
		 * the hypervisor's locks the peer's answer needs. */
		s->spins++;
		while ((int64_t)(spin_end - tb_now()) > 0) {
			if (crq_pending(s->crq)) {
				s->spin_hits++;
				return;
			}
		}
		if (crq_pending(s->crq))
			return;
	}
	s->cedes++;
	idle_wait_us(s->cede_now_us < us ? s->cede_now_us : us);
	/* Quiet for longer than the busy window: back off towards idle_us. */
	if (s->cede_now_us < s->budget.idle_us &&
	    tb_now() - s->last_work_tb >= us_to_tb(s->budget.busy_us))
		s->cede_now_us = s->cede_now_us * 2 < s->budget.idle_us ?
				 s->cede_now_us * 2 : s->budget.idle_us;
}
