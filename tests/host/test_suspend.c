// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_suspend.c - the image's recovery from a partner-suspended event
 * (0xFF 0x06) against the HV engine's own rule (sim_suspend() ->
 * vmc_hv_suspend(): H_CLOSED until H_ENABLE_CRQ): the steps in order, an
 * H_ENABLE_CRQ that keeps failing (retried, then a fresh registration),
 * queued sends reported lost, and a second suspension during the recovery.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hcall/hcall.h"
#include "tests/host/harness.h"

static struct harness H;

static int setup(void **state)
{
	harness_setup(&H, NULL, NULL);
	harness_ready(&H);
	harness_open(&H, 0, 1);
	return 0;
}

static int teardown(void **state)
{
	harness_invariants(&H);
	harness_teardown(&H);
	return 0;
}

static bool reopened(struct harness *h)
{
	return h->v.state == VMC_STATE_READY && vmc_hmc_get_state(&h->v, 0) == VMC_HMC_OPEN;
}

/* Index of the first event of @kind at or after @from, or H.n_ev. */
static unsigned int find_event(enum vmc_event_kind kind, unsigned int from)
{
	while (from < H.n_ev && H.ev[from].kind != kind)
		from++;
	return from;
}

static void assert_channel_works(void)
{
	unsigned int before = harness_hv_events(&H, VMC_HV_EV_MESSAGE), rx = H.n_rx;

	assert_int_equal(vmc_send(&H.v, 0, "ping", 4), VMC_OK);
	assert_int_equal(vmc_hv_hmc_send(sim_hv(), 0, "pong", 4), VMC_HV_OK);
	harness_run(&H, 1000);
	assert_int_equal(harness_hv_events(&H, VMC_HV_EV_MESSAGE), before + 1);
	assert_int_equal(H.n_rx, rx + 1);
}

static void test_steps_in_order(void **state)
{
	unsigned int first = H.n_ev, down, resumed, ready, opened;

	sim_suspend();
	assert_true(vmc_hv_is_suspended(sim_hv()));
	assert_true(harness_until(&H, reopened, 100000));
	down = find_event(VMC_EV_LINK_DOWN, first);
	resumed = find_event(VMC_EV_RESUMED, first);
	ready = find_event(VMC_EV_READY, first);
	opened = find_event(VMC_EV_OPENED, first);
	assert_true(down < resumed && resumed < ready && ready < opened && opened < H.n_ev);
	assert_int_equal(H.ev[down].code, VMC_CAUSE_SUSPENDED);
	assert_int_equal(H.v.stats.suspends, 1);
	assert_int_equal(H.v.stats.resumes, 1);
	assert_int_equal(hcall_stats.calls[H_ENABLE_CRQ / 4], 1);
	assert_false(vmc_hv_is_suspended(sim_hv()));
	assert_int_equal(vmc_hv_get_stats(sim_hv())->mp_enables, 1);
	assert_channel_works();
}

static void test_enable_keeps_failing_then_registers_afresh(void **state)
{
	uint64_t registers = H.v.crq.stats.registers;

	sim_fault(H_ENABLE_CRQ, 1, 1u << 30, H_HARDWARE);
	sim_suspend();
	harness_run(&H, 100000);
	/* refused within its busy budget: still suspended, nothing sent */
	assert_int_equal(H.v.crq.link, CRQ_LINK_SUSPENDED);
	assert_int_equal(H.v.state, VMC_STATE_WAIT_INIT);
	assert_int_equal(harness_events(&H, VMC_EV_RESUMED), 0);
	/* four more tries on the 1 s Init timer, then H_FREE_CRQ + H_REG_CRQ */
	assert_true(harness_until(&H, reopened, 10000000));
	assert_int_equal(H.v.stats.enable_failures, 4);
	assert_int_equal(H.v.stats.reregisters, 1);
	assert_int_equal(H.v.crq.stats.registers, registers + 1);
	assert_int_equal(hcall_stats.calls[H_ENABLE_CRQ / 4], 5);
	sim_faults_clear();
	assert_channel_works();
}

static void test_queued_sends_reported_lost(void **state)
{
	uint8_t m[8] = { 0 };
	unsigned int free_bufs = vmc_buf_count(&H.v, 0, VMC_BUF_FREE), queued = 0, lost = 0;

	for (unsigned int i = 0; i < free_bufs + 3; i++)
		queued += vmc_send(&H.v, 0, m, sizeof(m)) == VMC_QUEUED;
	assert_int_equal(queued, 3);
	sim_suspend();
	assert_true(harness_until(&H, reopened, 100000));
	for (unsigned int i = 0; i < H.n_ev; i++)
		lost += H.ev[i].kind == VMC_EV_SEND_FAILED && H.ev[i].result == VMC_ERR_RESET;
	assert_int_equal(lost, 3);		/* each one reported, none sent late */
	assert_int_equal(vmc_sendq_len(&H.v, 0), 0);
	assert_channel_works();
}

static void test_second_suspension_during_recovery(void **state)
{
	sim_fault(H_ENABLE_CRQ, 1, 1u << 30, H_HARDWARE);
	sim_suspend();
	harness_run(&H, 1000);
	sim_faults_clear();
	sim_suspend();		/* not re-enabled yet: the engine posts nothing more */
	assert_int_equal(vmc_hv_get_stats(sim_hv())->suspend_events, 1);
	assert_true(harness_until(&H, reopened, 3000000));
	assert_int_equal(H.v.stats.suspends, 1);
	assert_int_equal(H.v.stats.resumes, 1);
	/* and a new one after the recovery is a new event */
	sim_suspend();
	assert_true(harness_until(&H, reopened, 100000));
	assert_int_equal(H.v.stats.suspends, 2);
	assert_int_equal(vmc_hv_get_stats(sim_hv())->suspend_events, 2);
	assert_channel_works();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_steps_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enable_keeps_failing_then_registers_afresh,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_queued_sends_reported_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_suspension_during_recovery, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
