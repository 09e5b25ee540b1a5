// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * selftest_crq.c - the CRQ smoke check: against whatever CRQ partner the
 * device tree offers (the VMC itself, or QEMU's spapr-vscsi, which answers
 * Init), map, register, handshake, free, register again (the reset path)
 * and handshake again, in the selected service mode.
 */
#include <stdio.h>
#include <string.h>

#include "boot/bootargs.h"
#include "boot/selftest.h"
#include "drivers/crq.h"
#include "drivers/crq_service.h"
#include "drivers/xics.h"
#include "lib/dt.h"
#include "lib/log.h"
#include "lib/time.h"

#define HANDSHAKE_TIMEOUT_US 2000000

static uint8_t smoke_queue[4096] __attribute__((aligned(4096)));

struct smoke_crq_ctx {
	unsigned int link_ups, link_downs, messages;
	unsigned int sweeps;	/* irq mode: passes forced after a quiet 100 ms */
};

#define SWEEP_AFTER_US 100000

static void on_event(void *arg, const struct crq_event *ev)
{
	struct smoke_crq_ctx *c = arg;

	if (ev->kind == CRQ_EV_LINK_UP)
		c->link_ups++;
	else if (ev->kind == CRQ_EV_LINK_DOWN)
		c->link_downs++;
	else if (ev->kind == CRQ_EV_MESSAGE)
		c->messages++;
}

/* A device we can open a CRQ to: the VMC if present, else a v-scsi. */
const struct dt_vdev *selftest_crq_device(void)
{
	const struct dt_vdev *v = dt_find_compatible("IBM,vmc");

	if (!v)
		v = dt_find_compatible("IBM,v-scsi");
	if (v && (!v->has_reg || !v->has_irq || v->n_windows < 1))
		return NULL;
	return v;
}

/*
 * In irq mode an answer that raised no interrupt (seen under host load with
 * XIVE after the re-registration: the answer to our Init can come before
 * the interrupt is enabled again) is taken by a pass after 100 quiet ms,
 * as the VMC application's sweep does; the TAP line says so when it did.
 */
static bool wait_link_up(struct crq_service *svc, struct smoke_crq_ctx *c, unsigned int want)
{
	struct deadline end = deadline_in_us(HANDSHAKE_TIMEOUT_US);
	struct deadline sweep = deadline_in_us(SWEEP_AFTER_US);

	while (c->link_ups < want && !deadline_passed(end)) {
		if (svc->irq_mode && deadline_passed(sweep)) {
			if (crq_pending(svc->crq))
				c->sweeps++;
			svc->pending = true;
			sweep = deadline_in_us(SWEEP_AFTER_US);
		}
		crq_service_run(svc);
		if (c->link_ups < want)
			crq_service_wait(svc, 10000);
	}
	return c->link_ups >= want;
}

enum smoke_verdict check_crq(char *why, unsigned int len)
{
	static struct crq crq;
	static struct crq_service svc;
	struct smoke_crq_ctx c = { 0 };
	const struct dt_vdev *v = selftest_crq_device();
	bool irq_mode = boot_config.service == SERVICE_IRQ;
	enum drv_result r;
	const char *fail = NULL;

	if (!v) {
		snprintf(why, len, "no CRQ-capable VIO device (IBM,vmc or IBM,v-scsi) in the device tree");
		return SMOKE_SKIP;
	}
	memset(smoke_queue, 0, sizeof(smoke_queue));
	r = crq_init(&crq, v->reg, v->window[0].liobn, v->window[0].base, smoke_queue,
		     sizeof(smoke_queue), on_event, &c);
	if (r == DRV_OK)
		r = crq_register(&crq);
	if (r != DRV_OK) {
		snprintf(why, len, "%s@%x: register: %s (rc %ld)", v->name, v->reg,
			 drv_result_name(r), crq.last_rc);
		return SMOKE_FAIL;
	}
	r = crq_service_start(&svc, &crq, v->irq, irq_mode);
	irq_mode = svc.irq_mode;	/* false after a fallback to polling */
	if (r != DRV_OK) {
		fail = "interrupt set-up failed";
	} else if ((r = crq_send_init(&crq)) != DRV_OK) {
		fail = "sending Init failed";
	} else if (!wait_link_up(&svc, &c, 1)) {
		fail = "no Init Complete within 2 s";
	} else if ((r = crq_reset(&crq)) != DRV_OK) {
		fail = "reset (free + register + Init) failed";
	} else if (irq_mode && crq_set_irq(&crq, true) != DRV_OK) {
		fail = "re-enabling the interrupt after reset failed";
	} else if (!wait_link_up(&svc, &c, 2)) {
		fail = "no Init Complete after the reset within 2 s";
	} else if (irq_mode && svc.irqs == 0) {
		fail = "irq mode, but no CRQ interrupt was taken";
	}
	crq_service_stop(&svc);
	crq_free(&crq);
	if (fail) {
		snprintf(why, len, "%s@%x (%s mode): %s; last rc %ld, %u link-ups, %llu crq irqs, "
			 "%llu external, %llu spurious, %llu entries", v->name, v->reg,
			 irq_mode ? "irq" : "poll", fail, crq.last_rc, c.link_ups,
			 (unsigned long long)svc.irqs, (unsigned long long)xics_stats.interrupts,
			 (unsigned long long)xics_stats.spurious, (unsigned long long)crq.stats.entries);
		return SMOKE_FAIL;
	}
	snprintf(why, len, "%s@%x %s mode: 2 handshakes (one after reset), %llu interrupts, "
		 "%llu entries%s%s%s%s", v->name, v->reg, irq_mode ? "irq" : "poll",
		 (unsigned long long)svc.irqs, (unsigned long long)crq.stats.entries,
		 c.sweeps ? " (an answer without its interrupt, taken by a 100 ms sweep)" : "",
		 irq_mode ? ", via " : svc.irq_requested ? " (irq mode unavailable, controller " : "",
		 irq_mode || svc.irq_requested ? intc_name() : "",
		 !irq_mode && svc.irq_requested ? "; reason in the crqsvc log line)" : "");
	return SMOKE_PASS;
}
