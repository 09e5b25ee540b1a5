// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench.c - `bench-crq=N`: N CRQ reset-and-handshake cycles against the
 * first CRQ partner in the tree (spapr-vscsi in stock QEMU), in the chosen
 * service mode; prints one BENCH line with time and hcall counts, then ends
 * the partition. Numbers are printed, never judged.
 */
#include <string.h>

#include "boot/selftest.h"
#include "console/console.h"
#include "drivers/crq.h"
#include "drivers/crq_service.h"
#include "drivers/xics.h"
#include "hcall/hcall.h"
#include "lib/dt.h"
#include "lib/time.h"

static uint8_t bench_queue[4096] __attribute__((aligned(4096)));
static unsigned int link_ups;

static void on_event(void *ctx, const struct crq_event *ev)
{
	if (ev->kind == CRQ_EV_LINK_UP)
		link_ups++;
}

void bench_crq(unsigned int cycles, bool irq_mode)
{
	static struct crq crq;
	static struct crq_service svc;
	const struct dt_vdev *v = selftest_crq_device();
	uint64_t t0, t1, h0, h1;
	unsigned int done = 0;

	if (!v) {
		con_printf("BENCH crq error=no-crq-device\n");
		partition_exit(1);
	}
	if (crq_init(&crq, v->reg, v->window[0].liobn, v->window[0].base, bench_queue,
		     sizeof(bench_queue), on_event, NULL) != DRV_OK || crq_register(&crq) != DRV_OK) {
		con_printf("BENCH crq error=register\n");
		partition_exit(1);
	}
	crq_service_start(&svc, &crq, v->irq, irq_mode);
	h0 = hcall_stats_total();
	t0 = tb_now();
	for (unsigned int i = 0; i < cycles; i++) {
		unsigned int want = link_ups + 1;
		struct deadline end = deadline_in_us(1000000);

		if (i > 0) {
			crq_reset(&crq);
			if (svc.irq_mode)
				crq_set_irq(&crq, true);
		} else {
			crq_send_init(&crq);
		}
		while (link_ups < want && !deadline_passed(end)) {
			crq_service_run(&svc);
			if (link_ups < want)
				crq_service_wait(&svc, 10000);
		}
		if (link_ups < want)
			break;
		done++;
	}
	t1 = tb_now();
	h1 = hcall_stats_total();
	crq_service_stop(&svc);
	crq_free(&crq);
	con_printf("BENCH crq mode=%s cycles=%u us=%llu per_sec=%llu hcalls_per_cycle=%llu.%02llu "
		   "irqs=%llu\n", irq_mode ? "irq" : "poll", done,
		   (unsigned long long)tb_to_us(t1 - t0),
		   (unsigned long long)(tb_to_us(t1 - t0) ? done * 1000000ULL / tb_to_us(t1 - t0) : 0),
		   (unsigned long long)(done ? (h1 - h0) / done : 0),
		   (unsigned long long)(done ? (h1 - h0) * 100 / done % 100 : 0),
		   (unsigned long long)svc.irqs);
	partition_exit(done == cycles ? 0 : 1);
}
