// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hv_retry.c - unit tests of hv/hv_retry.c: deadlines, the backoff of
 * retries while the guest's CRQ is blocked, and what restarts it, on a real
 * engine in the fake world of fake_env.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/hv_retry.h"
#include "tests/host/hv/fake_env.h"
#include "tests/host/hv/fake_fixtures.h"

static int setup(void **state)
{
	*state = fake_new_ready(1);
	return 0;
}

static void test_nothing_pending(void **state)
{
	struct fake_env *f = *state;
	struct hv_retry r;

	hv_retry_init(&r);
	assert_true(hv_retry_next(&r, &f->hv, 5000) == UINT64_MAX);
	assert_int_equal(r.backoff_us, HV_RETRY_MIN_US);
}

/* A future deadline is used as is and leaves the backoff alone. */
static void test_deadline(void **state)
{
	struct fake_env *f = *state;
	struct hv_retry r;

	hv_retry_init(&r);
	assert_int_equal(vmc_hv_reset(&f->hv, 1, 30000), VMC_HV_OK);	/* Init in 30 ms */
	assert_true(hv_retry_next(&r, &f->hv, f->now) == f->now + 30000);
	assert_int_equal(r.backoff_us, HV_RETRY_MIN_US);
}

/* A full guest queue: 1, 2, 4 ... 64, 64 ms; a delivering kick restarts it. */
static void test_backoff_doubles_and_restarts(void **state)
{
	struct fake_env *f = *state;
	struct hv_retry r;
	uint64_t want = HV_RETRY_MIN_US, hi, lo;
	int i;

	hv_retry_init(&r);
	f->ring_capacity = f->ring_count;		/* the guest stops consuming */
	assert_int_equal(vmc_hv_inject_raw(&f->hv, 0x80EE000000000000ULL, 0), VMC_HV_OK);
	hv_retry_kick(&r, &f->hv);
	assert_int_equal(r.kicks, 1);
	assert_true(vmc_hv_outq_len(&f->hv) > 0);
	for (i = 0; i < 9; i++) {
		assert_true(hv_retry_next(&r, &f->hv, f->now) == f->now + want);
		want = want * 2 < HV_RETRY_MAX_US ? want * 2 : HV_RETRY_MAX_US;
	}
	assert_int_equal(r.backoff_us, HV_RETRY_MAX_US);
	hv_retry_kick(&r, &f->hv);			/* still blocked: no restart */
	assert_int_equal(r.backoff_us, HV_RETRY_MAX_US);
	f->ring_capacity = 256;				/* the guest consumes again */
	while (fake_pop(f, &hi, &lo))
		;
	hv_retry_kick(&r, &f->hv);
	assert_int_equal(r.kicks, 3);
	assert_int_equal(r.backoff_us, HV_RETRY_MIN_US);
	assert_int_equal(vmc_hv_outq_len(&f->hv), 0);
	r.backoff_us = 8000;
	hv_retry_restart(&r);
	assert_int_equal(r.backoff_us, HV_RETRY_MIN_US);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nothing_pending, setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_deadline, setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_backoff_doubles_and_restarts, setup, fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
