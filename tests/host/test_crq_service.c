// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_crq_service.c - poll mode's wait (drivers/crq_service.c): which
 * cede period it asks for as the last entry ages, the back-off to the idle
 * period, the bound of the caller's wait, the spin that ends on an entry,
 * and the budget rules. Time is the simulator's virtual timebase (every
 * read moves it on); idle_wait_us() is replaced by a recorder that moves
 * it on by the period asked for.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/crq_service.c"
#include "hv/sim/sim.h"

/* --- what crq_service.c needs besides drivers/crq.c --- */

#define MAX_WAITS 64
static uint64_t waits[MAX_WAITS];
static unsigned int n_waits;
static struct crq *fill_after_wait;	/* an entry arrives during the next cede */

void idle_wait_us(uint64_t us)
{
	if (n_waits < MAX_WAITS)
		waits[n_waits] = us;
	n_waits++;
	sim_advance_us(us);
	if (fill_after_wait) {
		fill_after_wait->queue[0] = 0x80;	/* a valid entry at the cursor */
		fill_after_wait = NULL;
	}
}

/* Poll mode never asks for the controller. */
enum drv_result intc_init(uint32_t server, char *why, unsigned int len)
{
	fail_msg("intc_init in poll mode");
	return DRV_ERR_STATE;
}

enum drv_result intc_attach(uint32_t irq, xics_handler_fn fn, void *ctx)
{
	fail_msg("intc_attach in poll mode");
	return DRV_ERR_STATE;
}

void intc_detach(uint32_t irq)
{
}

const char *intc_name(void)
{
	return "none";
}

/* --- fixtures --- */

static uint8_t ring[4096];
static struct crq q;
static struct crq_service svc;

static void start(const struct crq_poll_budget *b)
{
	memset(ring, 0, sizeof(ring));
	memset(&q, 0, sizeof(q));
	q.queue = ring;
	q.n_entries = sizeof(ring) / CRQ_ENTRY_SIZE;
	assert_int_equal(crq_service_start(&svc, &q, 0, false), DRV_OK);
	crq_service_set_budget(&svc, b);
	n_waits = 0;
	fill_after_wait = NULL;
}

/* What crq_service_run() records when crq_poll() consumed entries. */
static void work_now(void)
{
	svc.last_work_tb = tb_now();
	svc.cede_now_us = svc.budget.cede_us;
}

static void test_busy_window_cedes_short_then_backs_off(void **state)
{
	const struct crq_poll_budget b = { .spin_us = 0, .cede_us = 5, .busy_us = 100,
					   .idle_us = 80 };

	start(&b);
	work_now();
	for (int i = 0; i < 10; i++)	/* 50 us: inside the busy window */
		crq_service_wait(&svc, 10000);
	assert_int_equal(n_waits, 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(waits[i], 5);
	n_waits = 0;
	sim_advance_us(100);		/* quiet past the busy window */
	for (int i = 0; i < 6; i++)
		crq_service_wait(&svc, 10000);
	/* the first cede after the window still had the short period */
	assert_int_equal(waits[0], 5);
	assert_int_equal(waits[1], 10);
	assert_int_equal(waits[2], 20);
	assert_int_equal(waits[3], 40);
	assert_int_equal(waits[4], 80);	/* capped at idle_us */
	assert_int_equal(waits[5], 80);
	assert_int_equal(svc.spins, 0);
	assert_int_equal(svc.cedes, 16);

	work_now();			/* traffic again: short cedes at once */
	n_waits = 0;
	crq_service_wait(&svc, 10000);
	assert_int_equal(waits[0], 5);
}

static void test_wait_never_exceeds_the_callers_bound(void **state)
{
	const struct crq_poll_budget b = { .spin_us = 0, .cede_us = 50, .busy_us = 0,
					   .idle_us = 10000 };

	start(&b);
	crq_service_wait(&svc, 7);
	assert_int_equal(n_waits, 1);
	assert_int_equal(waits[0], 7);
}

static void test_pending_entry_returns_without_ceding(void **state)
{
	const struct crq_poll_budget b = { .spin_us = 1000, .cede_us = 5, .busy_us = 100,
					   .idle_us = 100 };

	start(&b);
	ring[0] = 0x80;
	crq_service_wait(&svc, 10000);
	assert_int_equal(n_waits, 0);
	assert_int_equal(svc.spins, 0);
}

static void test_spin_is_bounded_then_cedes(void **state)
{
	const struct crq_poll_budget b = { .spin_us = 200, .cede_us = 5, .busy_us = 1000,
					   .idle_us = 100 };
	uint64_t t0;

	start(&b);
	work_now();
	t0 = tb_now();
	crq_service_wait(&svc, 10000);	/* nothing comes: the spin runs out */
	assert_true(tb_to_us(tb_now() - t0) >= 199);
	assert_int_equal(svc.spins, 1);
	assert_int_equal(svc.spin_hits, 0);
	assert_int_equal(n_waits, 1);	/* then one short cede */
	assert_int_equal(waits[0], 5);

	/* past the spin budget: no second spin, cedes only */
	crq_service_wait(&svc, 10000);
	assert_int_equal(svc.spins, 1);
	assert_int_equal(n_waits, 2);

	/* an entry that arrives during a cede is seen at the next wait */
	fill_after_wait = &q;
	crq_service_wait(&svc, 10000);
	crq_service_wait(&svc, 10000);
	assert_int_equal(n_waits, 3);
}

static void test_budget_rules(void **state)
{
	const struct crq_poll_budget none = { 0 };
	const struct crq_poll_budget low_idle = { .spin_us = 1, .cede_us = 50, .busy_us = 2,
						  .idle_us = 20 };

	start(&none);			/* not configured: every default */
	assert_int_equal(svc.budget.spin_us, CRQ_POLL_SPIN_US);
	assert_int_equal(svc.budget.cede_us, CRQ_POLL_CEDE_US);
	assert_int_equal(svc.budget.busy_us, CRQ_POLL_BUSY_US);
	assert_int_equal(svc.budget.idle_us, CRQ_POLL_IDLE_US);
	start(&low_idle);		/* idle below cede: raised to it */
	assert_int_equal(svc.budget.idle_us, 50);
	assert_int_equal(svc.budget.spin_us, 1);
	assert_int_equal(svc.budget.busy_us, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_busy_window_cedes_short_then_backs_off),
		cmocka_unit_test(test_wait_never_exceeds_the_callers_bound),
		cmocka_unit_test(test_pending_entry_returns_without_ceding),
		cmocka_unit_test(test_spin_is_bounded_then_cedes),
		cmocka_unit_test(test_budget_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
