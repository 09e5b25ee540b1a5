// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hv_crq_flow.c - unit tests of hv/hv_crq_flow.c, the count of CRQ
 * entries the guest has not consumed (the input of the crq_size/2 rule),
 * against a guest queue modelled as an array of header bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/hv_crq_flow.h"

#define QADDR	0x10000u
#define QSIZE	(8u * 16u)		/* 8 entries */

struct queue {
	uint8_t hdr[QSIZE / 16];	/* byte 0 of each entry */
	uint32_t qnext;			/* the device's enqueue offset */
	unsigned int reads;
	bool unreadable;
};

static int read_hdr(void *opaque, uint64_t addr, uint8_t *hdr)
{
	struct queue *q = opaque;

	q->reads++;
	if (q->unreadable || addr < QADDR || addr >= QADDR + QSIZE || (addr - QADDR) % 16)
		return -1;
	*hdr = q->hdr[(addr - QADDR) / 16];
	return 0;
}

/* The device writes one entry (as spapr_vio_send_crq does). */
static void produce(struct hv_crq_flow *t, struct queue *q)
{
	q->hdr[q->qnext / 16] = 0x80;
	q->qnext = (q->qnext + 16) % QSIZE;
	hv_crq_flow_sent(t);
}

static long outstanding(struct hv_crq_flow *t, struct queue *q)
{
	return hv_crq_flow_outstanding(t, QADDR, QSIZE, q->qnext, read_hdr, q);
}

static void test_counts_down_in_ring_order(void **state)
{
	struct hv_crq_flow t = { 0 };
	struct queue q = { 0 };
	int i;

	hv_crq_flow_reset(&t, QADDR, QSIZE);
	assert_int_equal(outstanding(&t, &q), 0);
	assert_int_equal(q.reads, 0);			/* nothing pending: no read */
	for (i = 0; i < 5; i++)
		produce(&t, &q);
	assert_int_equal(outstanding(&t, &q), 5);	/* oldest still busy */
	q.hdr[0] = q.hdr[1] = 0;			/* the guest consumed two */
	assert_int_equal(outstanding(&t, &q), 4);	/* one retired per question */
	assert_int_equal(outstanding(&t, &q), 3);
	assert_int_equal(outstanding(&t, &q), 3);
	assert_int_equal(q.reads, 4);
	assert_int_equal(t.reads, 4);
}

static void test_wraps_round(void **state)
{
	struct hv_crq_flow t = { 0 };
	struct queue q = { 0 };
	int i;

	hv_crq_flow_reset(&t, QADDR, QSIZE);
	q.qnext = 6 * 16;
	for (i = 0; i < 4; i++)
		produce(&t, &q);			/* slots 6, 7, 0, 1 */
	assert_int_equal(q.qnext, 2 * 16);
	q.hdr[6] = 0;
	assert_int_equal(outstanding(&t, &q), 3);
	q.hdr[7] = 0;
	q.hdr[0] = 0;
	assert_int_equal(outstanding(&t, &q), 2);
	assert_int_equal(outstanding(&t, &q), 1);
}

static void test_unreadable_is_unknown(void **state)
{
	struct hv_crq_flow t = { 0 };
	struct queue q = { 0 };

	hv_crq_flow_reset(&t, QADDR, QSIZE);
	produce(&t, &q);
	q.unreadable = true;
	assert_int_equal(outstanding(&t, &q), -1);
	q.unreadable = false;
	assert_int_equal(outstanding(&t, &q), 1);
}

static void test_queue_change_forgets(void **state)
{
	struct hv_crq_flow t = { 0 };
	struct queue q = { 0 };

	hv_crq_flow_reset(&t, QADDR, QSIZE);
	produce(&t, &q);
	produce(&t, &q);
	/* re-registered elsewhere behind the device's back */
	assert_int_equal(hv_crq_flow_outstanding(&t, QADDR + 0x1000, QSIZE, 0, read_hdr, &q), 0);
	assert_int_equal(t.pending, 0);
	/* more pending than the queue holds: forgotten, never an out-of-ring read */
	t.pending = 9;
	hv_crq_flow_sync(&t, QADDR + 0x1000, QSIZE);
	assert_int_equal(t.pending, 0);
	/* no usable queue */
	t.pending = 1;
	assert_int_equal(hv_crq_flow_outstanding(&t, QADDR, 0, 0, read_hdr, &q), 0);
	assert_int_equal(hv_crq_flow_outstanding(&t, QADDR, QSIZE, QSIZE, read_hdr, &q), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_down_in_ring_order),
		cmocka_unit_test(test_wraps_round),
		cmocka_unit_test(test_unreadable_is_unknown),
		cmocka_unit_test(test_queue_change_forgets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
