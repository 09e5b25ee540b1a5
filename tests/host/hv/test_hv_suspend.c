// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hv_suspend.c - the engine's partner-suspended rule (vmc_hv_suspend(),
 * vmc_hv_mp_enabled()): the transport event 0xFF 0x06 ahead of everything,
 * every VMC state dropped, H_CLOSED for the MP's sends until H_ENABLE_CRQ,
 * then the ordinary handshake; the state survives a snapshot.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/host/hv/fake_fixtures.h"

#define SUSPENDED_HI	0xFF06000000000000ULL
#define INIT_HI		0xC001000000000000ULL
#define INIT_DONE_HI	0xC002000000000000ULL

static int setup_open(void **state)
{
	struct fake_env *f = fake_new_ready(1);

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	*state = f;
	return 0;
}

/* The MP's side of a restart after H_ENABLE_CRQ: Init, then CAP. */
static void mp_handshake(struct fake_env *f)
{
	struct vmc_msg cap, m;
	uint64_t hi, lo;

	assert_int_equal(vmc_hv_receive(&f->hv, INIT_HI, 0), HV_H_SUCCESS);
	assert_true(fake_pop(f, &hi, &lo));
	assert_true(hi == INIT_DONE_HI);
	cap = vmc_msg_cap(VMC_MSG_CAP, 1, 16, 4096, 256, VMC_PROTOCOL_VERSION);
	assert_int_equal(fake_send(f, &cap), HV_H_SUCCESS);
	assert_true(fake_pop_msg(f, &m));
	assert_int_equal(m.type, VMC_MSG_CAP_RESP);
	fake_answer_adds(f);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_READY);
}

static void test_event_first_and_state_dropped(void **state)
{
	struct fake_env *f = *state;
	uint64_t hi, lo;

	f->ring_capacity = 0;
	vmc_hv_hmc_add_buffer(&f->hv, 0, VMC_HV_OWNER_HV);	/* queued, never sent */
	f->ring_capacity = 256;
	assert_int_equal(vmc_hv_suspend(&f->hv), VMC_HV_OK);
	assert_true(vmc_hv_is_suspended(&f->hv));
	assert_true(fake_pop(f, &hi, &lo));
	assert_true(hi == SUSPENDED_HI && lo == 0);
	assert_false(fake_pop(f, &hi, &lo));	/* nothing of the old state, no Init */
	assert_int_equal(vmc_hv_session(&f->hv, 0), 0);
	assert_int_equal(fake_last_event(f, VMC_HV_EV_CLOSE)->code, VMC_HV_CLOSE_RESET);
	assert_int_equal(fake_count_events(f, VMC_HV_EV_LINK_DOWN), 1);
	assert_int_equal(vmc_hv_next_deadline_us(&f->hv), UINT64_MAX);
	assert_int_equal(vmc_hv_get_stats(&f->hv)->suspend_events, 1);
}

static void test_sends_closed_until_enabled(void **state)
{
	struct fake_env *f = *state;
	uint64_t hi, lo;

	assert_int_equal(vmc_hv_suspend(&f->hv), VMC_HV_OK);
	assert_true(fake_pop(f, &hi, &lo) && hi == SUSPENDED_HI);
	/* an Init and a CAP sent before re-enabling are refused, not acted on */
	assert_int_equal(vmc_hv_receive(&f->hv, INIT_HI, 0), HV_H_CLOSED);
	assert_int_equal(vmc_hv_receive(&f->hv, 0x8001000000000000ULL, 0), HV_H_CLOSED);
	assert_false(fake_pop(f, &hi, &lo));
	/* a bad header stays a violation, answered as before */
	assert_int_equal(vmc_hv_receive(&f->hv, 0x0100000000000000ULL, 0), HV_H_PARAMETER);
	assert_int_equal(vmc_hv_get_stats(&f->hv)->suspend_refused, 2);
	vmc_hv_mp_enabled(&f->hv);
	assert_false(vmc_hv_is_suspended(&f->hv));
	assert_int_equal(vmc_hv_get_stats(&f->hv)->mp_enables, 1);
	mp_handshake(f);
	assert_int_equal(fake_open(f, 0, 2, "h"), 0);
	assert_int_equal(vmc_hv_session(&f->hv, 0), 2);
	/* an H_ENABLE_CRQ without a suspension changes nothing */
	vmc_hv_mp_enabled(&f->hv);
	assert_int_equal(vmc_hv_get_stats(&f->hv)->mp_enables, 1);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_READY);
}

static void test_second_suspend_posts_once(void **state)
{
	struct fake_env *f = *state;
	uint64_t hi, lo;

	assert_int_equal(vmc_hv_suspend(&f->hv), VMC_HV_OK);
	assert_int_equal(vmc_hv_suspend(&f->hv), VMC_HV_OK);
	assert_true(fake_pop(f, &hi, &lo) && hi == SUSPENDED_HI);
	assert_false(fake_pop(f, &hi, &lo));
	assert_int_equal(vmc_hv_get_stats(&f->hv)->suspend_events, 1);
	/* after H_ENABLE_CRQ a new suspension posts a new event */
	vmc_hv_mp_enabled(&f->hv);
	assert_int_equal(vmc_hv_suspend(&f->hv), VMC_HV_OK);
	assert_true(fake_pop(f, &hi, &lo) && hi == SUSPENDED_HI);
	assert_int_equal(vmc_hv_get_stats(&f->hv)->suspend_events, 2);
}

static void test_registration_ends_suspension(void **state)
{
	struct fake_env *f = *state;
	uint64_t hi, lo;

	assert_int_equal(vmc_hv_suspend(&f->hv), VMC_HV_OK);
	assert_true(fake_pop(f, &hi, &lo) && hi == SUSPENDED_HI);
	vmc_hv_mp_freed(&f->hv);
	assert_false(vmc_hv_is_suspended(&f->hv));
	assert_int_equal(vmc_hv_suspend(&f->hv), VMC_HV_ERR_STATE);	/* nothing registered */
	assert_int_equal(fake_bring_up(f, 1, 16, 4096), 0);
	assert_int_equal(vmc_hv_suspend(&f->hv), VMC_HV_OK);
	vmc_hv_mp_registered(&f->hv, 256);	/* free + register also re-enables */
	assert_false(vmc_hv_is_suspended(&f->hv));
	assert_int_equal(vmc_hv_receive(&f->hv, INIT_HI, 0), HV_H_SUCCESS);
}

/* Found by fuzz_hv: the event's post finds the MP's queue gone (H_CLOSED). */
static void test_suspend_with_the_queue_gone(void **state)
{
	struct fake_env *f = *state;

	f->mp_closed = true;
	assert_int_equal(vmc_hv_suspend(&f->hv), VMC_HV_ERR_STATE);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_DOWN);
	assert_false(vmc_hv_is_suspended(&f->hv));
	assert_int_equal(vmc_hv_get_stats(&f->hv)->suspend_events, 0);
	assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
	/* the MP registers again: an ordinary start, nothing refused */
	f->mp_closed = false;
	f->ring_head = f->ring_count = 0;
	vmc_hv_mp_registered(&f->hv, 256);
	mp_handshake(f);
}

static void test_suspension_survives_a_snapshot(void **state)
{
	struct fake_env *f = *state, *t = fake_new(&f->cfg);
	size_t n = vmc_hv_snapshot_size(&f->hv);
	uint8_t *snap = malloc(n);
	char why[160];
	uint64_t hi, lo;

	assert_non_null(t);
	assert_non_null(snap);
	t->quiet = true;
	assert_int_equal(vmc_hv_suspend(&f->hv), VMC_HV_OK);
	assert_true(fake_pop(f, &hi, &lo) && hi == SUSPENDED_HI);
	assert_int_equal(vmc_hv_snapshot_save(&f->hv, snap, n, NULL), VMC_HV_OK);
	assert_int_equal(vmc_hv_snapshot_restore(&t->hv, snap, n, why, sizeof(why)), VMC_HV_OK);
	assert_true(vmc_hv_is_suspended(&t->hv));
	assert_int_equal(vmc_hv_get_stats(&t->hv)->suspend_events, 1);
	assert_int_equal(vmc_hv_receive(&t->hv, INIT_HI, 0), HV_H_CLOSED);
	vmc_hv_mp_enabled(&t->hv);
	mp_handshake(t);
	assert_int_equal(vmc_hv_check_invariants(&t->hv), 0);
	free(snap);
	fake_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_event_first_and_state_dropped, setup_open,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_sends_closed_until_enabled, setup_open,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_second_suspend_posts_once, setup_open,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_registration_ends_suspension, setup_open,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_suspend_with_the_queue_gone, setup_open,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_suspension_survives_a_snapshot, setup_open,
						fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
