// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_boundaries.c - the MP engine's range checks at the largest
 * configuration it allows (VMC_MAX_HMCS indices, VMC_MAX_POOL buffers,
 * VMC_MAX_MTU bytes): for each "index < nhmc", "id < pool" and
 * "len <= MTU" check, the largest valid value is accepted and the first
 * invalid one is refused, answered (or not) and counted as the code says.
 *
 * Why the largest configuration: there the first invalid value is also the
 * first one past the end of the engine's arrays, so a check that is off by
 * one reads out of bounds (UBSan stops the test) instead of landing on an
 * absent slot that happens to be refused anyway.
 *
 * The partner is the simulator's raw mode: the test writes exactly the
 * entries an HV would and reads every entry the MP sent.
 * docs/security.md lists the mutations these tests were checked against.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/harness.h"

#define NHMC	VMC_MAX_HMCS
#define POOL	VMC_MAX_POOL
#define MTU	VMC_MAX_MTU
#define LAST	(NHMC - 1)	/* the largest valid index */
#define TOP	(POOL - 1)	/* the largest valid buffer ID */
#define WINDOW	((uint64_t)NHMC * POOL * MTU)	/* pane 1: every buffer fits */

static struct harness H;
static struct vmc_msg cap_resp;

static uint32_t lioba(unsigned int index, unsigned int id)
{
	return (uint32_t)((index * POOL + id) * MTU);
}

static void put(const struct vmc_msg *m)
{
	uint64_t hi, lo;

	vmc_msg_encode(m, &hi, &lo);
	assert_int_equal(sim_raw_inject(hi, lo), VMC_HV_TX_OK);
}

static struct vmc_msg mk(uint8_t type, uint8_t session, uint8_t index, uint16_t id, uint32_t v3)
{
	struct vmc_msg m = vmc_msg_hmc(type, session, index, id);

	m.var3 = v3;
	return m;
}

/* Put one message and let the MP handle it. */
static void deliver(const struct vmc_msg *m)
{
	put(m);
	harness_run(&H, 300);
}

/* Init, CAP and OPEN get the answers a well-behaved HV gives; nothing else. */
static void raw_partner(void *ctx, uint64_t hi, uint64_t lo)
{
	struct vmc_msg m;

	(void)ctx;
	if (hi == 0xC001000000000000ULL) {
		sim_raw_inject(0xC002000000000000ULL, 0);
		return;
	}
	if (!vmc_msg_decode(&m, hi, lo))
		return;
	if (m.type == VMC_MSG_CAP)
		put(&cap_resp);
	if (m.type == VMC_MSG_OPEN)
		put(&(struct vmc_msg){ .type = VMC_MSG_OPEN_RESP, .session = m.session,
				       .index = m.index, .buffer_id = m.buffer_id });
}

static void max_config(struct vmc_config *c)
{
	c->max_hmcs = NHMC;
	c->pool_size = POOL;
	c->max_mtu = MTU;
	c->remote_window = WINDOW;
}

static int setup(void **state)
{
	struct sim_config sc;

	(void)state;
	sim_config_default(&sc);
	sc.raw_partner = true;
	sc.raw_remote_size = WINDOW;
	harness_setup(&H, &sc, max_config);
	sim_raw_set_handler(raw_partner, NULL);
	cap_resp = vmc_msg_cap(VMC_MSG_CAP_RESP, NHMC, POOL, MTU, 256, VMC_PROTOCOL_VERSION);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_invariants(&H);
	harness_teardown(&H);
	return 0;
}

static size_t n_sent(void)
{
	const uint64_t (*log)[2];

	return sim_raw_log(&log);
}

/* The last message the MP sent, which must be of @type. */
static struct vmc_msg last_sent(uint8_t type)
{
	const uint64_t (*log)[2];
	size_t n = sim_raw_log(&log);
	struct vmc_msg m;

	assert_true(n > 0);
	assert_true(vmc_msg_decode(&m, log[n - 1][0], log[n - 1][1]));
	if (m.type != type)
		fail_msg("expected %s, got %s", vmc_msg_type_name(type), vmc_msg_type_name(m.type));
	return m;
}

static void ready(void)
{
	assert_int_equal(vmc_start(&H.v), VMC_OK);
	harness_run(&H, 1000);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	assert_int_equal(H.v.nhmc, NHMC);
	assert_int_equal(H.v.pool, POOL);
	assert_int_equal(H.v.mtu, MTU);
}

/* ADD_BUF @id of @index with @owner (answered with success, checked). */
static void add(uint8_t session, unsigned int index, unsigned int id, uint8_t owner)
{
	struct vmc_msg a = mk(VMC_MSG_ADD_BUF, session, (uint8_t)index, (uint16_t)id,
			      lioba(index, id));

	a.owner = owner;
	deliver(&a);
	a = last_sent(VMC_MSG_ADD_BUF_RESP);
	assert_int_equal(a.status, VMC_ST_SUCCESS);
	assert_int_equal(a.index, index);
	assert_int_equal(a.buffer_id, id);
}

/* Seed @index and open it; returns the session. */
static uint8_t open_index(unsigned int index)
{
	add(0, index, 0, VMC_OWNER_MP);
	harness_open(&H, index, (uint8_t)(0x30 + index));
	return vmc_hmc_session(&H.v, index);
}

/*
 * Configuration: the maxima are accepted, one more is refused. The memory
 * given is enough for every configuration tried, so only the limits can
 * refuse one.
 */
static void test_init_limits(void **state)
{
	const size_t big = 8u << 20;
	struct vmc_config base = H.cfg, c;
	struct vmc *v = calloc(1, sizeof(*v));
	void *mem = aligned_alloc(4096, big);

	(void)state;
	assert_non_null(v);
	assert_non_null(mem);
	base.buf_mem = mem;
	base.buf_bytes = big;
	c = base;
	assert_int_equal(vmc_init(v, &c), VMC_OK);
	c.max_hmcs = NHMC + 1;
	assert_true(vmc_buf_mem_size(&c) <= big);
	assert_int_equal(vmc_init(v, &c), VMC_ERR_PARAM);
	c = base;
	c.pool_size = POOL + 1;
	assert_true(vmc_buf_mem_size(&c) <= big);
	assert_int_equal(vmc_init(v, &c), VMC_ERR_PARAM);
	c = base;
	c.max_mtu = MTU + 1;
	assert_true(vmc_buf_mem_size(&c) <= big);
	assert_int_equal(vmc_init(v, &c), VMC_ERR_PARAM);
	c = base;
	c.max_mtu = VMC_MIN_MTU - 1;
	assert_int_equal(vmc_init(v, &c), VMC_ERR_PARAM);
	c.max_mtu = VMC_MIN_MTU;
	assert_int_equal(vmc_init(v, &c), VMC_OK);
	free(mem);
	free(v);
}

/* CAP_RESP: more than we offered is negotiated down to our maxima. */
static void test_cap_clamped(void **state)
{
	(void)state;
	cap_resp = vmc_msg_cap(VMC_MSG_CAP_RESP, 255, 0xFFFF, 0xFFFFFFFFu, 256,
			       VMC_PROTOCOL_VERSION);
	ready();
}

/* CAP_RESP: a negotiated MTU of VMC_MIN_MTU is accepted, one byte less refused. */
static void test_cap_min_mtu(void **state)
{
	(void)state;
	cap_resp.max_mtu = VMC_MIN_MTU;
	assert_int_equal(vmc_start(&H.v), VMC_OK);
	harness_run(&H, 1000);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	assert_int_equal(H.v.mtu, VMC_MIN_MTU);
	assert_int_equal(vmc_restart(&H.v), VMC_OK);
	cap_resp.max_mtu = VMC_MIN_MTU - 1;
	harness_run(&H, 1000);
	assert_int_equal(H.v.state, VMC_STATE_FAILED);
	assert_int_equal(H.v.stats.caps_refused, 1);
}

/* ADD_BUF: index < nhmc. A non-zero session on a bad index is dropped unanswered. */
static void test_add_buf_index(void **state)
{
	uint8_t s;
	size_t before;
	struct vmc_msg r;

	(void)state;
	ready();
	add(0, LAST, 0, VMC_OWNER_MP);
	s = open_index(0);
	/* session 0, the wildcard, reaches the index check: status 1 */
	deliver(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = NHMC, .buffer_id = 1,
				   .lioba = lioba(0, 1) });
	r = last_sent(VMC_MSG_ADD_BUF_RESP);
	assert_int_equal(r.status, VMC_ST_INVALID_HMC_INDEX);
	assert_int_equal(r.index, NHMC);
	assert_int_equal(H.v.stats.bad_index, 1);
	assert_int_equal(H.v.stats.bufs_refused, 1);
	/* a non-zero session (here the open one) on a bad index: no answer at all */
	before = n_sent();
	deliver(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .session = s, .index = NHMC,
				   .buffer_id = 1, .lioba = lioba(0, 1) });
	deliver(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .session = 0xFE, .index = 0xFF,
				   .buffer_id = 1, .lioba = lioba(0, 1) });
	assert_int_equal(n_sent(), before);
	assert_int_equal(H.v.stats.bad_index, 3);
	assert_int_equal(H.v.stats.bufs_refused, 1);
	/* nothing changed on the valid indices, and the open session still works */
	assert_int_equal(vmc_buf_count(&H.v, LAST, VMC_BUF_FREE), 1);
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_OPEN);
	add(s, 0, 1, VMC_OWNER_MP);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 2);
}

/* REM_BUF: index < nhmc, with the same session rule as ADD_BUF. */
static void test_rem_buf_index(void **state)
{
	size_t before;
	struct vmc_msg r;

	(void)state;
	ready();
	add(0, LAST, 0, VMC_OWNER_MP);
	add(0, LAST, TOP, VMC_OWNER_MP);
	deliver(&(struct vmc_msg){ .type = VMC_MSG_REM_BUF, .index = LAST });
	r = last_sent(VMC_MSG_REM_BUF_RESP);
	assert_int_equal(r.status, VMC_ST_SUCCESS);
	assert_int_equal(r.buffer_id, 0);
	deliver(&(struct vmc_msg){ .type = VMC_MSG_REM_BUF, .index = NHMC });
	r = last_sent(VMC_MSG_REM_BUF_RESP);
	assert_int_equal(r.status, VMC_ST_INVALID_HMC_INDEX);
	assert_int_equal(H.v.stats.bad_index, 1);
	before = n_sent();
	deliver(&(struct vmc_msg){ .type = VMC_MSG_REM_BUF, .session = 3, .index = NHMC });
	assert_int_equal(n_sent(), before);
	assert_int_equal(H.v.stats.bad_index, 2);
	assert_int_equal(vmc_buf_count(&H.v, LAST, VMC_BUF_FREE), 1);
}

/* ADD_BUF: id < pool, and LIOBA + MTU <= the pane-1 window. */
static void test_add_buf_id_and_lioba(void **state)
{
	struct vmc_msg r;

	(void)state;
	ready();
	/* the top ID of the top index ends exactly at the end of pane 1 */
	assert_true((uint64_t)lioba(LAST, TOP) + MTU == WINDOW);
	add(0, LAST, TOP, VMC_OWNER_HV);
	deliver(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = LAST, .buffer_id = POOL,
				   .lioba = lioba(LAST, 1) });
	r = last_sent(VMC_MSG_ADD_BUF_RESP);
	assert_int_equal(r.status, VMC_ST_INVALID_BUFFER_ID);
	assert_int_equal(r.buffer_id, POOL);
	assert_int_equal(H.v.stats.bad_buffer, 1);
	deliver(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = LAST, .buffer_id = 1,
				   .lioba = lioba(LAST, TOP) + 1 });
	r = last_sent(VMC_MSG_ADD_BUF_RESP);
	assert_int_equal(r.status, VMC_ST_INTERFACE_FAILURE);
	assert_int_equal(H.v.stats.bufs_refused, 2);
	assert_int_equal(vmc_buf_count(&H.v, LAST, VMC_BUF_HV), 1);
	assert_int_equal(vmc_buf_count(&H.v, LAST, VMC_BUF_FREE), 0);
}

/* SIGNAL: index < nhmc, id < pool, len <= MTU. */
static void test_signal_limits(void **state)
{
	uint8_t *pane1 = sim_raw_remote();
	uint8_t s;
	size_t before;

	(void)state;
	ready();
	s = open_index(LAST);
	add(s, LAST, TOP, VMC_OWNER_HV);
	add(s, LAST, TOP - 1, VMC_OWNER_HV);
	harness_pattern(pane1 + lioba(LAST, TOP), MTU, 7);
	before = n_sent();
	/* a full-MTU message in the last buffer of the last index */
	deliver(&(struct vmc_msg){ .type = VMC_MSG_SIGNAL, .session = s, .index = LAST,
				   .buffer_id = TOP, .msg_len = MTU });
	assert_int_equal(H.n_rx, 1);
	assert_int_equal(H.rx[0].index, LAST);
	assert_int_equal(H.rx[0].len, MTU);
	assert_true(harness_pattern_ok(H.rx[0].data, MTU, 7));
	assert_int_equal(vmc_buf_count(&H.v, LAST, VMC_BUF_HV), 1);
	/* one byte over: the buffer comes back, nothing is delivered */
	deliver(&(struct vmc_msg){ .type = VMC_MSG_SIGNAL, .session = s, .index = LAST,
				   .buffer_id = TOP - 1, .msg_len = MTU + 1 });
	assert_int_equal(H.v.stats.bad_len, 1);
	assert_int_equal(harness_last_event(&H, VMC_EV_RX_ERROR)->result, VMC_ERR_TOO_BIG);
	assert_int_equal(vmc_buf_count(&H.v, LAST, VMC_BUF_HV), 0);
	/* the first ID past the pool */
	deliver(&(struct vmc_msg){ .type = VMC_MSG_SIGNAL, .session = s, .index = LAST,
				   .buffer_id = POOL, .msg_len = 16 });
	assert_int_equal(H.v.stats.bad_buffer, 1);
	assert_int_equal(harness_last_event(&H, VMC_EV_RX_ERROR)->result, VMC_ERR_PARAM);
	/* the first index past the count */
	deliver(&(struct vmc_msg){ .type = VMC_MSG_SIGNAL, .session = s, .index = NHMC,
				   .buffer_id = 0, .msg_len = 16 });
	assert_int_equal(H.v.stats.bad_index, 1);
	assert_int_equal(H.v.stats.rx_errors, 3);
	assert_int_equal(H.n_rx, 1);
	assert_int_equal(n_sent(), before);	/* a SIGNAL is never answered */
}

/* OPEN_RESP / CLOSE_RESP: index < nhmc. */
static void test_resp_index(void **state)
{
	uint8_t s;

	(void)state;
	ready();
	s = open_index(LAST);
	deliver(&(struct vmc_msg){ .type = VMC_MSG_OPEN_RESP, .status = 1, .session = s,
				   .index = NHMC });
	deliver(&(struct vmc_msg){ .type = VMC_MSG_CLOSE_RESP, .session = s, .index = NHMC });
	assert_int_equal(H.v.stats.bad_index, 2);
	assert_int_equal(vmc_hmc_get_state(&H.v, LAST), VMC_HMC_OPEN);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	/* the same responses on the last index are handled */
	assert_int_equal(vmc_close(&H.v, LAST), VMC_OK);
	deliver(&(struct vmc_msg){ .type = VMC_MSG_CLOSE_RESP, .session = s, .index = LAST });
	assert_int_equal(vmc_hmc_get_state(&H.v, LAST), VMC_HMC_IDLE);
	assert_int_equal(harness_events(&H, VMC_EV_CLOSED), 1);
}

/* API: vmc_open/vmc_send/vmc_close take index < nhmc, and 1..MTU bytes. */
static void test_api_limits(void **state)
{
	static uint8_t data[MTU + 1];
	uint8_t id[VMC_HMC_ID_LEN] = { 'x' };
	struct vmc_msg m;

	(void)state;
	ready();
	open_index(LAST);
	add(vmc_hmc_session(&H.v, LAST), LAST, TOP, VMC_OWNER_MP);
	memset(data, 0x3C, sizeof(data));
	assert_int_equal(vmc_send(&H.v, LAST, data, MTU), VMC_OK);
	m = last_sent(VMC_MSG_SIGNAL);
	assert_int_equal(m.msg_len, MTU);
	assert_int_equal(m.index, LAST);
	assert_int_equal(vmc_send(&H.v, LAST, data, MTU + 1), VMC_ERR_TOO_BIG);
	assert_int_equal(vmc_send(&H.v, NHMC, data, 1), VMC_ERR_PARAM);
	assert_int_equal(vmc_open(&H.v, NHMC, id, NULL), VMC_ERR_PARAM);
	assert_int_equal(vmc_close(&H.v, NHMC), VMC_ERR_PARAM);
	assert_int_equal(vmc_hmc_get_state(&H.v, NHMC), VMC_HMC_IDLE);
	assert_int_equal(vmc_buf_count(&H.v, NHMC, VMC_BUF_FREE), 0);
	assert_int_equal(vmc_sendq_len(&H.v, NHMC), 0);
	assert_int_equal(H.v.stats.sends, 1);
	assert_int_equal(vmc_close(&H.v, LAST), VMC_OK);
}

/*
 * Negotiated below the arrays (the HV offers 3 indices): index 3 exists in
 * memory but not on the channel, so only the "index < nhmc" checks refuse it.
 */
static void test_index_past_negotiated_count(void **state)
{
	uint8_t id[VMC_HMC_ID_LEN] = { 'y' }, byte = 1;
	struct vmc_msg r;
	size_t before;

	(void)state;
	cap_resp.max_hmc = NHMC - 1;
	assert_int_equal(vmc_start(&H.v), VMC_OK);
	harness_run(&H, 1000);
	assert_int_equal(H.v.nhmc, NHMC - 1);
	deliver(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = NHMC - 1,
				   .lioba = lioba(0, 5) });
	r = last_sent(VMC_MSG_ADD_BUF_RESP);
	assert_int_equal(r.status, VMC_ST_INVALID_HMC_INDEX);
	deliver(&(struct vmc_msg){ .type = VMC_MSG_REM_BUF, .index = NHMC - 1 });
	r = last_sent(VMC_MSG_REM_BUF_RESP);
	assert_int_equal(r.status, VMC_ST_INVALID_HMC_INDEX);
	before = n_sent();
	deliver(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .session = 1, .index = NHMC - 1,
				   .lioba = lioba(0, 5) });
	deliver(&(struct vmc_msg){ .type = VMC_MSG_SIGNAL, .session = 1, .index = NHMC - 1,
				   .msg_len = 4 });
	deliver(&(struct vmc_msg){ .type = VMC_MSG_OPEN_RESP, .index = NHMC - 1 });
	deliver(&(struct vmc_msg){ .type = VMC_MSG_CLOSE_RESP, .index = NHMC - 1 });
	assert_int_equal(n_sent(), before);
	assert_int_equal(H.v.stats.bad_index, 6);
	assert_int_equal(vmc_buf_count(&H.v, NHMC - 1, VMC_BUF_FREE), 0);
	assert_int_equal(vmc_open(&H.v, NHMC - 1, id, NULL), VMC_ERR_PARAM);
	assert_int_equal(vmc_send(&H.v, NHMC - 1, &byte, 1), VMC_ERR_PARAM);
	assert_int_equal(vmc_close(&H.v, NHMC - 1), VMC_ERR_PARAM);
	assert_int_equal(H.v.state, VMC_STATE_READY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_clamped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_min_mtu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_buf_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rem_buf_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_buf_id_and_lioba, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resp_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_api_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_past_negotiated_count, setup, teardown),
	};

	return cmocka_run_group_tests_name("boundaries", tests, NULL, NULL);
}
