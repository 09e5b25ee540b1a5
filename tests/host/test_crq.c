// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_crq.c - the CRQ transport against the simulator's raw partner:
 * registration paths, the ring (wrap, order, bursts, garbage), the init
 * handshake both ways, transport events, and send/free retry bounds.
 *
 * Section numbers (§) are those of docs/vmc-protocol.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/crq.h"
#include "hcall/hcall.h"
#include "lib/byteorder.h"
#include "hv/sim/sim.h"
#include "lib/log.h"
#include "lib/time.h"

#define MAX_EV 1024

static struct crq Q;
static void *mem;
static struct crq_event ev[MAX_EV];
static unsigned int n_ev;

static void on_event(void *ctx, const struct crq_event *e)
{
	if (n_ev < MAX_EV)
		ev[n_ev++] = *e;
}

static unsigned int count(enum crq_event_kind k)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < n_ev; i++)
		n += ev[i].kind == k;
	return n;
}

static int setup(void **state)
{
	struct sim_config sc;

	sim_config_default(&sc);
	sc.raw_partner = true;
	log_set_sink(NULL);
	assert_int_equal(sim_init(&sc), 0);
	mem = aligned_alloc(4096, 4096);
	n_ev = 0;
	assert_int_equal(crq_init(&Q, sc.unit, sc.liobn, 0x2000, mem, 4096, on_event, NULL), DRV_OK);
	return 0;
}

static int teardown(void **state)
{
	sim_fini();
	free(mem);
	return 0;
}

static uint64_t sent_hi(size_t i)
{
	const uint64_t (*log)[2];
	size_t n = sim_raw_log(&log);

	assert_true(i < n);
	return log[i][0];
}

static void test_init_params(void **state)
{
	struct crq c;
	uint8_t *raw = aligned_alloc(4096, 8192);

	assert_int_equal(crq_init(&c, 1, 1, 0, raw + 16, 4096, NULL, NULL), DRV_ERR_PARAM);
	assert_int_equal(crq_init(&c, 1, 1, 0, raw, 100, NULL, NULL), DRV_ERR_PARAM);
	assert_int_equal(crq_init(&c, 1, 1, 0x800, raw, 4096, NULL, NULL), DRV_ERR_PARAM);
	assert_int_equal(crq_init(&c, 1, 1, 0, NULL, 4096, NULL, NULL), DRV_ERR_PARAM);
	assert_int_equal(crq_init(&c, 1, 1, 0, raw, 8192, NULL, NULL), DRV_OK);
	assert_int_equal(c.n_entries, 512);
	free(raw);
}

static void test_register_maps_and_registers(void **state)
{
	assert_int_equal(crq_register(&Q), DRV_OK);
	assert_true(sim_mp_registered());
	assert_int_equal(Q.link, CRQ_LINK_REGISTERED);
	assert_true(Q.mapped);
	assert_int_equal(hcall_stats.calls[H_PUT_TCE / 4], 1);
	/* the TCE maps the queue's real page read+write at the queue's IOBA */
	assert_true(sim_tce_get(Q.liobn, 0x2000) == ((uint64_t)(uintptr_t)mem | TCE_READ | TCE_WRITE));
	assert_true(sim_tce_get(Q.liobn, 0x3000) == 0);
	assert_true(sim_tce_get(0x1234, 0x2000) == 0);	/* other LIOBNs: other tables */
	assert_int_equal(crq_set_irq(&Q, true), DRV_OK);
	assert_true(sim_mp_irq_enabled());
	/* A reset re-registers without mapping again (pane-0 TCEs persist). */
	assert_int_equal(crq_reset(&Q), DRV_OK);
	assert_int_equal(hcall_stats.calls[H_PUT_TCE / 4], 1);
	assert_int_equal(sent_hi(0), 0xC001000000000000ULL);	/* reset sends Init */
	assert_int_equal(Q.stats.frees, 1);
}

static void test_register_resource_and_closed(void **state)
{
	sim_fault(H_REG_CRQ, 1, 1, H_RESOURCE);
	assert_int_equal(crq_register(&Q), DRV_OK);
	assert_int_equal(Q.stats.registers, 2);
	assert_int_equal(Q.stats.frees, 1);
	assert_int_equal(hcall_stats.calls[H_FREE_CRQ / 4], 1);
	crq_free(&Q);
	/* H_CLOSED: registered, partner not there yet. A normal state (§12.10). */
	sim_fault(H_REG_CRQ, 1, 1, H_CLOSED);
	assert_int_equal(crq_register(&Q), DRV_OK);
	assert_int_equal(Q.link, CRQ_LINK_REGISTERED);
	crq_free(&Q);
	/* Anything else fails, with the rc kept. */
	sim_fault(H_REG_CRQ, 1, 1, H_NOT_FOUND);
	assert_int_equal(crq_register(&Q), DRV_ERR_HCALL);
	assert_int_equal(Q.last_rc, H_NOT_FOUND);
	assert_int_equal(Q.link, CRQ_LINK_DOWN);
	/* H_PUT_TCE refused: no registration attempted. */
	Q.mapped = false;
	sim_fault(H_PUT_TCE, 1, 1, H_PARAMETER);
	assert_int_equal(crq_register(&Q), DRV_ERR_HCALL);
}

static void test_handshake_both_ways(void **state)
{
	crq_register(&Q);
	assert_int_equal(crq_send_init(&Q), DRV_OK);
	assert_int_equal(sent_hi(0), 0xC001000000000000ULL);
	sim_raw_inject(0xC002000000000000ULL, 0);
	assert_int_equal(crq_poll(&Q), 1);
	assert_int_equal(count(CRQ_EV_LINK_UP), 1);
	assert_int_equal(Q.link, CRQ_LINK_UP);
	/* Partner Init in any state: answered with Init Complete. */
	sim_raw_inject(0xC001000000000000ULL, 0);
	crq_poll(&Q);
	assert_int_equal(sent_hi(1), 0xC002000000000000ULL);
	assert_int_equal(count(CRQ_EV_PARTNER_INIT), 1);
	assert_int_equal(Q.stats.inits_rx, 1);
	assert_int_equal(Q.stats.init_completes_rx, 1);
}

static void test_ring_wrap_and_order(void **state)
{
	uint64_t seq = 0, expect = 0;

	crq_register(&Q);
	/* 1000 entries through a 256-entry ring, in uneven batches. */
	while (seq < 1000) {
		unsigned int batch = 1 + (unsigned int)(seq * 7 % 97);

		for (unsigned int i = 0; i < batch && seq < 1000; i++, seq++)
			assert_int_equal(sim_raw_inject(0x8006000001000000ULL | (seq & 0xFFFF), seq),
					 VMC_HV_TX_OK);
		crq_poll(&Q);
		for (unsigned int i = 0; i < n_ev; i++, expect++) {
			assert_int_equal(ev[i].kind, CRQ_EV_MESSAGE);
			assert_true(load_be64(ev[i].raw + 8) == expect);
		}
		n_ev = 0;
		assert_int_equal(sim_mp_outstanding(), 0);	/* every slot given back */
	}
	assert_true(expect == 1000);
	assert_int_equal(Q.stats.messages, 1000);
	assert_int_equal(Q.cur, 1000 % 256);
	assert_int_equal(sim_get_stats()->ring_full, 0);
}

static void test_burst_full_ring(void **state)
{
	crq_register(&Q);
	for (unsigned int i = 0; i < 256; i++)
		assert_int_equal(sim_raw_inject(0x8084000000000000ULL, i), VMC_HV_TX_OK);
	/* The producer never overwrites: the 257th waits. */
	assert_int_equal(sim_raw_inject(0x8084000000000000ULL, 256), VMC_HV_TX_FULL);
	assert_true(crq_pending(&Q));
	assert_int_equal(crq_poll(&Q), 256);
	assert_false(crq_pending(&Q));
	for (unsigned int i = 0; i < 256; i++)
		assert_true(load_be64(ev[i].raw + 8) == i);
	for (unsigned int i = 0; i < 4096; i++)
		assert_int_equal(((uint8_t *)mem)[i] == 0 || i % 16 != 0, 1);
	assert_int_equal(sim_raw_inject(0x8084000000000000ULL, 256), VMC_HV_TX_OK);
	assert_int_equal(crq_poll(&Q), 1);
}

static void test_garbage_entries(void **state)
{
	static const uint64_t junk[] = {
		0x0100000000000000ULL, 0x7F00000000000000ULL,	/* Linux stalls on these */
		0x81AA000000000000ULL, 0xBF00000000000000ULL,
		0xC100000000000000ULL, 0xFE00000000000000ULL,
		0xC000000000000000ULL, 0xC0FF000000000000ULL,	/* init with a bad format */
	};
	unsigned int good = 0;

	crq_register(&Q);
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		sim_raw_inject(junk[i], 0);
		sim_raw_inject(0x8006000001000000ULL, i);
	}
	crq_poll(&Q);
	assert_int_equal(Q.stats.garbage, 8);
	for (unsigned int i = 0; i < n_ev; i++) {
		assert_int_equal(ev[i].kind, CRQ_EV_MESSAGE);
		assert_true(load_be64(ev[i].raw + 8) == good);
		good++;
	}
	assert_int_equal(good, 8);
	assert_int_equal(sim_mp_outstanding(), 0);
	/* A ring full of garbage: drained, nothing delivered, no stall. */
	n_ev = 0;
	for (unsigned int i = 0; i < 256; i++)
		sim_raw_inject(0x0100000000000000ULL | ((uint64_t)(i % 0x7F) << 56), i);
	assert_int_equal(crq_poll(&Q), 256);
	assert_int_equal(n_ev, 0);
	assert_int_equal(Q.stats.garbage, 8 + 256);
}

static void test_transport_events(void **state)
{
	crq_register(&Q);
	sim_raw_inject(0xC002000000000000ULL, 0);
	crq_poll(&Q);
	assert_int_equal(Q.link, CRQ_LINK_UP);
	sim_raw_inject(0xFF01000000000000ULL, 0);
	sim_raw_inject(0xFF02000000000000ULL, 0);
	sim_raw_inject(0xFF04000000000000ULL, 0);
	sim_raw_inject(0xFF09000000000000ULL, 0);	/* VSCSI-only: ignored */
	sim_raw_inject(0xFF0A000000000000ULL, 0);
	sim_raw_inject(0xFF33000000000000ULL, 0);	/* unknown: partner gone */
	crq_poll(&Q);
	assert_int_equal(count(CRQ_EV_LINK_DOWN), 4);
	assert_int_equal(ev[1].code, 1);
	assert_int_equal(ev[2].code, 2);
	assert_int_equal(ev[3].code, 4);
	assert_int_equal(ev[4].code, 0x33);
	assert_int_equal(Q.stats.events, 6);
	assert_int_equal(Q.link, CRQ_LINK_REGISTERED);
}

static void test_suspend_reenables(void **state)
{
	crq_register(&Q);
	sim_raw_log_clear();
	sim_suspend();
	assert_int_equal(crq_send(&Q, 0x8001000000000000ULL, 0), DRV_ERR_CLOSED);
	sim_fault(H_ENABLE_CRQ, 1, 2, H_LONG_BUSY_ORDER_10MSEC);
	crq_poll(&Q);
	assert_int_equal(count(CRQ_EV_LINK_DOWN), 1);
	assert_int_equal(ev[0].code, CRQ_XPORT_PARTNER_SUSPENDED);
	assert_int_equal(count(CRQ_EV_RESUMED), 1);
	assert_int_equal(hcall_stats.calls[H_ENABLE_CRQ / 4], 3);
	assert_int_equal(sent_hi(0), 0xC001000000000000ULL);	/* re-init */
	assert_int_equal(crq_send(&Q, 0x8001000000000000ULL, 0), DRV_OK);
	/* H_ENABLE_CRQ keeps failing: stays suspended, reported, no hang. */
	sim_suspend();
	sim_fault(H_ENABLE_CRQ, 1, 1000000, H_IN_PROGRESS);
	crq_poll(&Q);
	assert_int_equal(Q.link, CRQ_LINK_SUSPENDED);
	assert_int_equal(count(CRQ_EV_RESUMED), 1);
}

static void test_send_retries(void **state)
{
	uint64_t t0;

	crq_register(&Q);
	sim_fault(H_SEND_CRQ, 1, 2, H_DROPPED);
	assert_int_equal(crq_send(&Q, 0x8001000000000000ULL, 0), DRV_OK);
	assert_int_equal(Q.stats.send_retries, 2);
	sim_fault(H_SEND_CRQ, 1, 2, H_BUSY);
	assert_int_equal(crq_send(&Q, 0x8001000000000000ULL, 0), DRV_OK);
	/* Persistent H_DROPPED: bounded by the budget, reported as DROPPED. */
	t0 = sim_now_us();
	sim_fault(H_SEND_CRQ, 1, 1u << 30, H_DROPPED);
	assert_int_equal(crq_send(&Q, 0x8001000000000000ULL, 0), DRV_ERR_DROPPED);
	assert_true(sim_now_us() - t0 <= Q.send_budget_us + 1000);
	assert_int_equal(Q.stats.send_dropped, 1);
	sim_faults_clear();
	sim_fault(H_SEND_CRQ, 1, 1u << 30, H_LONG_BUSY_ORDER_1MSEC);
	assert_int_equal(crq_send(&Q, 0x8001000000000000ULL, 0), DRV_ERR_BUSY);
	sim_faults_clear();
	/* H_CLOSED: at once, one call. */
	{
		uint64_t calls = hcall_stats.calls[H_SEND_CRQ / 4];

		sim_fault(H_SEND_CRQ, 1, 1, H_CLOSED);
		assert_int_equal(crq_send(&Q, 0x8001000000000000ULL, 0), DRV_ERR_CLOSED);
		assert_int_equal(hcall_stats.calls[H_SEND_CRQ / 4], calls + 1);
	}
	assert_int_equal(crq_send(&Q, 0x0001000000000000ULL, 0), DRV_ERR_HCALL);	/* H_PARAMETER */
	assert_int_equal(Q.last_rc, H_PARAMETER);
	/* Not registered: the hypervisor says closed. */
	crq_free(&Q);
	assert_int_equal(crq_send(&Q, 0x8001000000000000ULL, 0), DRV_ERR_CLOSED);
}

static void test_free_busy_bounded(void **state)
{
	uint64_t t0;

	crq_register(&Q);
	sim_fault(H_FREE_CRQ, 1, 3, H_BUSY);
	assert_int_equal(crq_free(&Q), DRV_OK);
	assert_int_equal(hcall_stats.calls[H_FREE_CRQ / 4], 4);
	crq_register(&Q);
	t0 = sim_now_us();
	sim_fault(H_FREE_CRQ, 1, 1u << 30, H_LONG_BUSY_ORDER_100MSEC);
	assert_int_equal(crq_free(&Q), DRV_ERR_BUSY);
	assert_true(sim_now_us() - t0 <= 1200000);	/* the 1 s budget, not for ever */
	assert_int_equal(Q.link, CRQ_LINK_DOWN);
}

static void test_nested_poll_and_callback_sends(void **state)
{
	crq_register(&Q);
	for (int i = 0; i < 5; i++)
		sim_raw_inject(0x8006000000000000ULL, (uint64_t)i);
	/* crq_poll from inside the callback is refused (returns 0), not recursive. */
	Q.on_event = (crq_event_fn)(void (*)(void *, const struct crq_event *))on_event;
	assert_int_equal(crq_poll(&Q), 5);
	Q.polling = true;
	sim_raw_inject(0x8006000000000000ULL, 9);
	assert_int_equal(crq_poll(&Q), 0);
	Q.polling = false;
	assert_int_equal(crq_poll(&Q), 1);
}

static char out[2048];
static size_t out_n;

static int pf(void *arg, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(out + out_n, sizeof(out) - out_n, fmt, ap);
	va_end(ap);
	out_n += (size_t)r;
	return r;
}

static void test_dump_counts(void **state)
{
	crq_register(&Q);
	sim_raw_inject(0x7000000000000000ULL, 0);
	crq_poll(&Q);
	crq_dump(&Q, pf, NULL);
	assert_non_null(strstr(out, "garbage 1"));
	assert_non_null(strstr(out, "link registered"));
	assert_string_equal(drv_result_name(DRV_ERR_DROPPED), "DRV_ERR_DROPPED");
}

/* One drivers/ vocabulary: success 0, every failure negative and named. */
static void test_result_vocabulary(void **state)
{
	static const enum drv_result errs[] = {
		DRV_ERR_PARAM, DRV_ERR_HCALL, DRV_ERR_CLOSED, DRV_ERR_DROPPED,
		DRV_ERR_BUSY, DRV_ERR_STATE, DRV_ERR_NO_SLOT, DRV_ERR_FIRMWARE,
	};
	unsigned int n = sizeof(errs) / sizeof(errs[0]);

	assert_int_equal(DRV_OK, 0);
	assert_string_equal(drv_result_name(DRV_OK), "DRV_OK");
	for (unsigned int i = 0; i < n; i++) {
		assert_true(errs[i] < 0);
		assert_string_not_equal(drv_result_name(errs[i]), "DRV_ERR_?");
		for (unsigned int j = 0; j < i; j++)
			assert_string_not_equal(drv_result_name(errs[i]), drv_result_name(errs[j]));
	}
	assert_string_equal(drv_result_name((enum drv_result)7), "DRV_ERR_?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_maps_and_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_resource_and_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handshake_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_wrap_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_full_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transport_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suspend_reenables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_retries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_busy_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_poll_and_callback_sends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_counts, setup, teardown),
		cmocka_unit_test(test_result_vocabulary),
	};

	return cmocka_run_group_tests_name("crq", tests, NULL, NULL);
}
