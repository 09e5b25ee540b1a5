// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hmc_outq.c - unit tests of hv/hmc_outq.c, the bounded non-blocking
 * output towards the HMC peer, against a fake connection that takes a set
 * number of bytes, reports "full" or fails hard.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/hmc_outq.h"

#define CAP	64

struct conn {
	uint8_t got[4096];	/* what the peer received, in order */
	size_t ngot;
	size_t room;		/* bytes it takes before it is full */
	bool broken;		/* every write fails hard */
	unsigned int calls;
};

static long conn_write(void *opaque, const uint8_t *buf, size_t len)
{
	struct conn *c = opaque;
	size_t n = len < c->room ? len : c->room;

	c->calls++;
	if (c->broken)
		return -1;
	memcpy(c->got + c->ngot, buf, n);
	c->ngot += n;
	c->room -= n;
	return (long)n;
}

static void frame(uint8_t *f, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		f[i] = (uint8_t)(seed + i);
}

static void test_straight_through(void **state)
{
	uint8_t ring[CAP], f[20];
	struct hmc_outq q;
	struct conn c = { .room = 1000 };

	hmc_outq_init(&q, ring, sizeof(ring));
	frame(f, sizeof(f), 1);
	assert_int_equal(hmc_outq_put(&q, f, sizeof(f), conn_write, &c), HMC_OUTQ_IDLE);
	assert_int_equal(c.ngot, 20);
	assert_memory_equal(c.got, f, 20);
	assert_int_equal(q.len, 0);
}

/* A full connection: the rest waits, in order, and goes out on flush; it wraps the ring. */
static void test_backlog_keeps_order_and_wraps(void **state)
{
	uint8_t ring[CAP], f[3][30], want[90];
	struct hmc_outq q;
	struct conn c = { .room = 10 };
	int i;

	hmc_outq_init(&q, ring, sizeof(ring));
	for (i = 0; i < 3; i++) {
		frame(f[i], 30, (uint8_t)(i * 50));
		memcpy(want + 30 * i, f[i], 30);
	}
	assert_int_equal(hmc_outq_put(&q, f[0], 30, conn_write, &c), HMC_OUTQ_WAITING);
	assert_int_equal(q.len, 20);
	assert_int_equal(hmc_outq_put(&q, f[1], 30, conn_write, &c), HMC_OUTQ_WAITING);
	assert_int_equal(q.len, 50);
	c.room = 40;
	assert_int_equal(hmc_outq_flush(&q, conn_write, &c), HMC_OUTQ_WAITING);
	assert_int_equal(q.len, 10);
	/* the third frame wraps round the end of the ring */
	assert_int_equal(hmc_outq_put(&q, f[2], 30, conn_write, &c), HMC_OUTQ_WAITING);
	c.room = 1000;
	assert_int_equal(hmc_outq_flush(&q, conn_write, &c), HMC_OUTQ_IDLE);
	assert_int_equal(c.ngot, 90);
	assert_memory_equal(c.got, want, 90);
	assert_int_equal(q.dropped, 0);
}

/* Behind a backlog, a frame that does not fit is dropped whole, never cut. */
static void test_full_backlog_drops_whole_frames(void **state)
{
	uint8_t ring[CAP], f[40];
	struct hmc_outq q;
	struct conn c = { .room = 0 };

	hmc_outq_init(&q, ring, sizeof(ring));
	frame(f, sizeof(f), 7);
	assert_int_equal(hmc_outq_put(&q, f, 40, conn_write, &c), HMC_OUTQ_WAITING);
	assert_int_equal(hmc_outq_put(&q, f, 40, conn_write, &c), HMC_OUTQ_WAITING);
	assert_int_equal(q.len, 40);
	assert_int_equal(q.dropped, 1);
	assert_int_equal(hmc_outq_put(&q, f, 24, conn_write, &c), HMC_OUTQ_WAITING);
	assert_int_equal(q.len, CAP);
	hmc_outq_drop_backlog(&q);
	assert_int_equal(q.len, 0);
	assert_int_equal(q.dropped, 2);
}

/* A hard error drops backlog and frame, counts them, and nothing is written after. */
static void test_hard_error_kills_the_connection(void **state)
{
	uint8_t ring[CAP], f[30];
	struct hmc_outq q;
	struct conn c = { .room = 10 };
	unsigned int calls;

	hmc_outq_init(&q, ring, sizeof(ring));
	frame(f, sizeof(f), 3);
	assert_int_equal(hmc_outq_put(&q, f, 30, conn_write, &c), HMC_OUTQ_WAITING);
	c.broken = true;
	assert_int_equal(hmc_outq_put(&q, f, 30, conn_write, &c), HMC_OUTQ_FAILED);
	assert_true(q.dead);
	assert_int_equal(q.write_errors, 1);
	assert_int_equal(q.error_bytes, 50);	/* 20 left of the first, the whole second */
	assert_int_equal(q.len, 0);
	calls = c.calls;
	assert_int_equal(hmc_outq_put(&q, f, 30, conn_write, &c), HMC_OUTQ_DEAD);
	assert_int_equal(hmc_outq_flush(&q, conn_write, &c), HMC_OUTQ_DEAD);
	assert_int_equal(c.calls, calls);	/* no retry loop on a dead socket */
	/* a frame refused on an empty queue is lost too */
	hmc_outq_reset(&q);
	assert_false(q.dead);
	assert_int_equal(hmc_outq_put(&q, f, 30, conn_write, &c), HMC_OUTQ_FAILED);
	assert_int_equal(q.write_errors, 2);
	assert_int_equal(q.error_bytes, 80);
	/* a new connection starts clean */
	hmc_outq_reset(&q);
	c.broken = false;
	c.room = 100;
	c.ngot = 0;
	assert_int_equal(hmc_outq_put(&q, f, 30, conn_write, &c), HMC_OUTQ_IDLE);
	assert_int_equal(c.ngot, 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_straight_through),
		cmocka_unit_test(test_backlog_keeps_order_and_wraps),
		cmocka_unit_test(test_full_backlog_drops_whole_frames),
		cmocka_unit_test(test_hard_error_kills_the_connection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
