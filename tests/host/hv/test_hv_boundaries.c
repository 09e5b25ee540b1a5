// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hv_boundaries.c - the HV engine's range checks at the largest
 * configuration it allows (VMC_HV_MAX_HMCS indices, VMC_HV_MAX_POOL
 * buffers, VMC_HV_MAX_MTU bytes): for each "index < nhmc", "id < pool" and
 * "len <= MTU" check, the largest valid value is accepted and the first
 * invalid one is refused and counted.
 *
 * Why the largest configuration: there the first invalid value is also the
 * first one past the end of the engine's arrays, so a check that is off by
 * one reads or writes out of bounds (UBSan stops the test) instead of
 * landing on an absent slot that happens to be refused anyway.
 * docs/security.md lists the mutations these tests were checked against.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/hv/fake_env.h"
#include "tests/host/hv/fake_fixtures.h"

#define LOCAL	FAKE_LOCAL_LIOBN
#define REMOTE	FAKE_REMOTE_LIOBN
#define NHMC	VMC_HV_MAX_HMCS
#define POOL	VMC_HV_MAX_POOL
#define MTU	VMC_HV_MAX_MTU
#define LAST	(NHMC - 1)	/* the largest valid index */
#define TOP	(POOL - 1)	/* the largest valid buffer ID */

static const struct vmc_hv_stats *st(struct fake_env *f)
{
	return vmc_hv_get_stats(&f->hv);
}

static struct fake_env *new_max(uint8_t mp_hmcs)
{
	struct vmc_hv_config cfg;
	struct fake_env *f;

	fake_config_default(&cfg);
	cfg.max_hmcs = NHMC;
	cfg.pool_size = POOL;
	cfg.max_mtu = MTU;
	f = fake_new(&cfg);
	assert_non_null(f);
	assert_int_equal(fake_bring_up(f, mp_hmcs, POOL, MTU), 0);
	return f;
}

/* Channel up at the maxima: 4 indices, pool 64, MTU 16384. */
static int setup_max(void **state)
{
	uint32_t mtu, pool, nhmc;
	struct fake_env *f = new_max(NHMC);

	vmc_hv_negotiated(&f->hv, &mtu, &pool, &nhmc);
	assert_int_equal(mtu, MTU);
	assert_int_equal(pool, POOL);
	assert_int_equal(nhmc, NHMC);
	*state = f;
	return 0;
}

static void send_hmc(struct fake_env *f, uint8_t type, uint8_t status, uint8_t session,
		     uint8_t index, uint16_t id, uint32_t var3)
{
	struct vmc_msg m = vmc_msg_hmc(type, session, index, id);

	m.status = status;
	m.var3 = var3;
	assert_int_equal(fake_send(f, &m), HV_H_SUCCESS);
}

static struct vmc_msg pop(struct fake_env *f, uint8_t type)
{
	struct vmc_msg m;

	assert_true(fake_pop_msg(f, &m));
	if (m.type != type)
		fail_msg("expected %s, got %s", vmc_msg_type_name(type), vmc_msg_type_name(m.type));
	return m;
}

/* ADD_BUF owner-@owner buffers to @index until every ID is used, answering each. */
static void fill_index(struct fake_env *f, unsigned int index, int owner)
{
	unsigned int n = 0;

	while (vmc_hv_hmc_add_buffer(&f->hv, index, owner) == VMC_HV_OK) {
		assert_int_equal(fake_answer_adds(f), 1);
		assert_true(++n <= POOL);
	}
	for (unsigned int id = 0; id < POOL; id++)
		assert_int_equal(vmc_hv_buffer_info(&f->hv, index, id, NULL), VMC_HV_BUF_PRESENT);
}

static int owner_of(struct fake_env *f, unsigned int index, unsigned int id)
{
	int owner = -1;

	assert_int_equal(vmc_hv_buffer_info(&f->hv, index, id, &owner), VMC_HV_BUF_PRESENT);
	return owner;
}

/* OPEN: index < nhmc. */
static void test_open_index(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg r;

	assert_true(fake_open(f, LAST, 7, "hmc-last") >= 0);
	assert_int_equal(vmc_hv_session(&f->hv, LAST), 7);
	assert_int_equal(st(f)->violations_total, 0);
	send_hmc(f, VMC_MSG_OPEN, 0, 7, NHMC, 0, 0);
	r = pop(f, VMC_MSG_OPEN_RESP);
	assert_int_equal(r.status, VMC_ST_GENERAL_FAILURE);
	assert_int_equal(r.index, NHMC);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_INDEX], 1);
	assert_int_equal(st(f)->sessions_opened, 1);
}

/* OPEN: buffer ID < pool (the HMC ID is read from that buffer). */
static void test_open_buffer_id(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg r;
	const struct fake_event *ev;

	fill_index(f, 0, VMC_HV_OWNER_MP);
	memset(f->local, 0, MTU);
	memcpy(f->local, "top-buffer", 10);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, MTU, LOCAL, 0, REMOTE, vmc_hv_lioba(&f->hv, 0, TOP)),
			 HV_H_SUCCESS);
	send_hmc(f, VMC_MSG_OPEN, 0, 3, 0, TOP, 0);
	r = pop(f, VMC_MSG_OPEN_RESP);
	assert_int_equal(r.status, VMC_ST_SUCCESS);
	assert_int_equal(r.buffer_id, TOP);
	ev = fake_last_event(f, VMC_HV_EV_OPEN);
	assert_non_null(ev);
	assert_memory_equal(ev->data, "top-buffer", 10);
	/* the first ID past the pool, on an idle index */
	send_hmc(f, VMC_MSG_OPEN, 0, 3, 1, POOL, 0);
	r = pop(f, VMC_MSG_OPEN_RESP);
	assert_int_equal(r.status, VMC_ST_GENERAL_FAILURE);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_BUFFER], 1);
	assert_int_equal(st(f)->opens_failed, 1);
}

/* CLOSE: index < nhmc. */
static void test_close_index(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg r;

	assert_true(fake_open(f, LAST, 9, "hmc-last") >= 0);
	send_hmc(f, VMC_MSG_CLOSE, 0, 9, LAST, 0, 0);
	r = pop(f, VMC_MSG_CLOSE_RESP);
	assert_int_equal(r.status, VMC_ST_SUCCESS);
	assert_int_equal(st(f)->sessions_closed, 1);
	fake_answer_adds(f);		/* the re-seed */
	send_hmc(f, VMC_MSG_CLOSE, 0, 9, NHMC, 0, 0);
	r = pop(f, VMC_MSG_CLOSE_RESP);
	assert_int_equal(r.status, VMC_ST_GENERAL_FAILURE);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_INDEX], 1);
	assert_int_equal(st(f)->violations_total, 1);
}

/* SIGNAL: index < nhmc, buffer ID < pool, length <= MTU. */
static void test_signal_limits(void **state)
{
	struct fake_env *f = *state;
	const struct fake_event *ev;
	uint8_t s = 5;

	assert_true(fake_open(f, LAST, s, "hmc-last") >= 0);
	fill_index(f, LAST, VMC_HV_OWNER_MP);
	assert_int_equal(owner_of(f, LAST, TOP), VMC_HV_OWNER_MP);
	assert_int_equal(owner_of(f, LAST, TOP - 1), VMC_HV_OWNER_MP);
	/* a full-MTU message in the last buffer of the last index */
	memset(f->local, 0xA5, MTU);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, MTU, LOCAL, 0, REMOTE,
					  vmc_hv_lioba(&f->hv, LAST, TOP)), HV_H_SUCCESS);
	send_hmc(f, VMC_MSG_SIGNAL, 0, s, LAST, TOP, MTU);
	ev = fake_last_event(f, VMC_HV_EV_MESSAGE);
	assert_non_null(ev);
	assert_int_equal(ev->index, LAST);
	assert_int_equal(ev->buffer_id, TOP);
	assert_int_equal(ev->len, MTU);
	assert_int_equal(ev->data[0], 0xA5);
	assert_int_equal(owner_of(f, LAST, TOP), VMC_HV_OWNER_HV);
	assert_int_equal(st(f)->msgs_to_hmc, 1);
	assert_int_equal(st(f)->violations_total, 0);
	/* one byte more than the MTU: taken back, not delivered */
	send_hmc(f, VMC_MSG_SIGNAL, 0, s, LAST, TOP - 1, MTU + 1);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_LENGTH], 1);
	assert_int_equal(owner_of(f, LAST, TOP - 1), VMC_HV_OWNER_HV);
	/* the first ID past the pool */
	send_hmc(f, VMC_MSG_SIGNAL, 0, s, LAST, POOL, 16);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_BUFFER], 1);
	/* the first index past the negotiated count */
	send_hmc(f, VMC_MSG_SIGNAL, 0, s, NHMC, 0, 16);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_INDEX], 1);
	assert_int_equal(st(f)->msgs_to_hmc, 1);
	assert_int_equal(fake_count_events(f, VMC_HV_EV_MESSAGE), 1);
	assert_int_equal(st(f)->violations_total, 3);
	assert_int_equal(f->ring_count, 0);	/* a bad SIGNAL gets no answer */
}

/* ADD_BUF_RESP: index < nhmc, buffer ID < pool. */
static void test_add_buf_resp_limits(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg a;
	unsigned int id;

	/* every ID of the last index but the top one, then the top one left pending */
	for (id = 1; id < TOP; id++) {
		assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, LAST, VMC_HV_OWNER_MP), VMC_HV_OK);
		assert_int_equal(fake_answer_adds(f), 1);
	}
	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, LAST, VMC_HV_OWNER_HV), VMC_HV_OK);
	a = pop(f, VMC_MSG_ADD_BUF);
	assert_int_equal(a.index, LAST);
	assert_int_equal(a.buffer_id, TOP);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, LAST, TOP, NULL), VMC_HV_BUF_ADD_PENDING);
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, a.session, LAST, TOP, 0);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, LAST, TOP, NULL), VMC_HV_BUF_PRESENT);
	assert_int_equal(st(f)->violations_total, 0);
	/* past the pool, past the indices */
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0, LAST, POOL, 0);
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0, NHMC, 0, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_UNSOLICITED_RESP], 2);
	assert_int_equal(st(f)->violations_total, 2);
}

/*
 * ADD_BUF_RESP naming the first ID past the pool while a host message is
 * staged on that index: the response must be refused before anything is
 * looked up, and the staged message must go out unchanged. (Memory right
 * after an index's last buffer record holds its staging FIFO, so a lookup
 * one past the pool would read and write the staged length instead.)
 */
static void test_add_buf_resp_past_pool_keeps_staged_message(void **state)
{
	struct fake_env *f = *state;
	uint8_t s = 6, byte = 0x42;
	uint64_t added;
	struct vmc_msg m;
	unsigned int k;

	assert_true(fake_open(f, LAST, s, "hmc-last") >= 0);
	/* use up every HV-owned buffer, then stage one 1-byte message */
	for (k = 0; k < f->cfg.session_hv_bufs; k++) {
		assert_int_equal(vmc_hv_hmc_send(&f->hv, LAST, "x", 1), VMC_HV_OK);
		pop(f, VMC_MSG_SIGNAL);
	}
	assert_int_equal(vmc_hv_hmc_send(&f->hv, LAST, &byte, 1), VMC_HV_OK);
	assert_int_equal(f->ring_count, 0);		/* staged, not sent */
	added = st(f)->bufs_added;
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0, LAST, POOL, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_UNSOLICITED_RESP], 1);
	assert_int_equal(st(f)->bufs_added, added);
	/* a new HV-owned buffer releases the staged message, intact */
	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, LAST, VMC_HV_OWNER_HV), VMC_HV_OK);
	assert_int_equal(fake_answer_adds(f), 1);
	m = pop(f, VMC_MSG_SIGNAL);
	assert_int_equal(m.msg_len, 1);
	assert_int_equal(m.session, s);
	assert_int_equal(st(f)->msgs_to_mp, f->cfg.session_hv_bufs + 1);
}

/* REM_BUF_RESP: index < nhmc, buffer ID < pool. */
static void test_rem_buf_resp_limits(void **state)
{
	struct fake_env *f = *state;
	const struct fake_event *ev;
	uint64_t removed;

	fill_index(f, LAST, VMC_HV_OWNER_MP);
	removed = st(f)->bufs_removed;
	assert_int_equal(vmc_hv_hmc_remove_buffer(&f->hv, LAST), VMC_HV_OK);
	pop(f, VMC_MSG_REM_BUF);
	send_hmc(f, VMC_MSG_REM_BUF_RESP, 0, 0, LAST, TOP, 0);
	assert_int_equal(st(f)->bufs_removed, removed + 1);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, LAST, TOP, NULL), VMC_HV_BUF_ABSENT);
	ev = fake_last_event(f, VMC_HV_EV_REM_BUF);
	assert_non_null(ev);
	assert_int_equal(ev->buffer_id, TOP);
	assert_int_equal(st(f)->violations_total, 0);
	/* the MP names an ID past the pool */
	assert_int_equal(vmc_hv_hmc_remove_buffer(&f->hv, LAST), VMC_HV_OK);
	pop(f, VMC_MSG_REM_BUF);
	send_hmc(f, VMC_MSG_REM_BUF_RESP, 0, 0, LAST, POOL, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_BUFFER], 1);
	assert_int_equal(st(f)->bufs_removed, removed + 1);
	/* and an index past the count */
	send_hmc(f, VMC_MSG_REM_BUF_RESP, 0, 0, NHMC, 0, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_UNSOLICITED_RESP], 1);
}

/* HMC side: vmc_hv_hmc_send takes 1..MTU bytes on index < VMC_HV_MAX_HMCS. */
static void test_hmc_send_limits(void **state)
{
	struct fake_env *f = *state;
	static uint8_t data[MTU + 1];
	struct vmc_msg m;

	assert_true(fake_open(f, LAST, 2, "hmc-last") >= 0);
	memset(data, 0x5A, sizeof(data));
	assert_int_equal(vmc_hv_hmc_send(&f->hv, LAST, data, MTU), VMC_HV_OK);
	m = pop(f, VMC_MSG_SIGNAL);
	assert_int_equal(m.index, LAST);
	assert_int_equal(m.msg_len, MTU);
	assert_int_equal(vmc_hv_hmc_send(&f->hv, LAST, data, MTU + 1), VMC_HV_ERR_PARAM);
	assert_int_equal(vmc_hv_hmc_send(&f->hv, NHMC, data, 1), VMC_HV_ERR_PARAM);
	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, NHMC, VMC_HV_OWNER_HV), VMC_HV_ERR_PARAM);
	assert_int_equal(vmc_hv_hmc_remove_buffer(&f->hv, NHMC), VMC_HV_ERR_PARAM);
	assert_int_equal(st(f)->msgs_to_mp, 1);
	assert_int_equal(f->ring_count, 0);
}

/*
 * Negotiated below the arrays (the MP asks for 3 indices): index 3 exists
 * in memory but not on the channel, so only the "index < nhmc" checks can
 * refuse it.
 */
static void test_index_past_negotiated_count(void **state)
{
	struct fake_env *f = new_max(NHMC - 1);
	uint8_t byte = 1;
	struct vmc_msg r;

	(void)state;
	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, NHMC - 1, VMC_HV_OWNER_MP),
			 VMC_HV_ERR_STATE);
	assert_int_equal(vmc_hv_hmc_remove_buffer(&f->hv, NHMC - 1), VMC_HV_ERR_STATE);
	assert_int_equal(vmc_hv_hmc_send(&f->hv, NHMC - 1, &byte, 1), VMC_HV_ERR_STATE);
	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, NHMC - 2, VMC_HV_OWNER_MP), VMC_HV_OK);
	fake_answer_adds(f);
	send_hmc(f, VMC_MSG_OPEN, 0, 1, NHMC - 1, 0, 0);
	r = pop(f, VMC_MSG_OPEN_RESP);
	assert_int_equal(r.status, VMC_ST_GENERAL_FAILURE);
	send_hmc(f, VMC_MSG_CLOSE, 0, 1, NHMC - 1, 0, 0);
	r = pop(f, VMC_MSG_CLOSE_RESP);
	assert_int_equal(r.status, VMC_ST_GENERAL_FAILURE);
	send_hmc(f, VMC_MSG_SIGNAL, 0, 1, NHMC - 1, 0, 4);
	send_hmc(f, VMC_MSG_REM_BUF_RESP, 0, 0, NHMC - 1, 0, 0);
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0, NHMC - 1, 0, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_INDEX], 3);
	assert_int_equal(st(f)->violations[VMC_HV_V_UNSOLICITED_RESP], 2);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, NHMC - 1, 0, NULL), VMC_HV_BUF_ABSENT);
	/* pane 1 of the index past the count is not reachable either */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 1, LOCAL, 0, REMOTE,
					  vmc_hv_lioba(&f->hv, NHMC - 1, 0)), HV_H_DEST_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 1, LOCAL, 0, REMOTE,
					  vmc_hv_lioba(&f->hv, NHMC - 2, 0)), HV_H_SUCCESS);
	assert_int_equal(f->ring_count, 0);
	assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
	fake_free(f);
}

/*
 * Pool negotiated below the arrays (the MP asks for 63): ID 63 exists in
 * memory but not on the channel; only the "id < pool" checks refuse it.
 */
static void test_id_past_negotiated_pool(void **state)
{
	struct vmc_hv_config cfg;
	struct fake_env *f;
	struct vmc_msg r;
	uint8_t s = 8;

	(void)state;
	fake_config_default(&cfg);
	cfg.max_hmcs = NHMC;
	cfg.pool_size = POOL;
	cfg.max_mtu = MTU;
	f = fake_new(&cfg);
	assert_non_null(f);
	assert_int_equal(fake_bring_up(f, NHMC, POOL - 1, MTU), 0);
	assert_true(fake_open(f, LAST, s, "hmc-last") >= 0);
	while (vmc_hv_hmc_add_buffer(&f->hv, LAST, VMC_HV_OWNER_MP) == VMC_HV_OK)
		assert_int_equal(fake_answer_adds(f), 1);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, LAST, TOP - 1, NULL), VMC_HV_BUF_PRESENT);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, LAST, TOP, NULL), VMC_HV_BUF_ABSENT);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, MTU, LOCAL, 0, REMOTE,
					  vmc_hv_lioba(&f->hv, LAST, TOP - 1)), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 1, LOCAL, 0, REMOTE,
					  vmc_hv_lioba(&f->hv, LAST, TOP)), HV_H_DEST_PARM);
	send_hmc(f, VMC_MSG_SIGNAL, 0, s, LAST, TOP, 4);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_BUFFER], 1);
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, s, LAST, TOP, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_UNSOLICITED_RESP], 1);
	send_hmc(f, VMC_MSG_OPEN, 0, 1, 0, TOP, 0);
	r = pop(f, VMC_MSG_OPEN_RESP);
	assert_int_equal(r.status, VMC_ST_GENERAL_FAILURE);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_BUFFER], 2);
	assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
	fake_free(f);
}

/* H_COPY_RDMA: a pane-1 range must fit in [LIOBA, LIOBA + MTU) of one buffer. */
static void test_rdma_pane1_limits(void **state)
{
	struct fake_env *f = *state;
	uint32_t top = vmc_hv_lioba(&f->hv, LAST, TOP);

	fill_index(f, LAST, VMC_HV_OWNER_MP);
	assert_int_equal((uint64_t)top + MTU - f->cfg.remote_base, vmc_hv_remote_window_size(&f->hv));
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, MTU, LOCAL, 0, REMOTE, top), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, MTU - 1, LOCAL, 0, REMOTE, top + 1),
			 HV_H_SUCCESS);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 1, LOCAL, 0, REMOTE, top + MTU - 1),
			 HV_H_SUCCESS);
	/* one byte too many, or one byte past the window */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, MTU + 1, LOCAL, 0, REMOTE, top), HV_H_DEST_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, MTU, LOCAL, 0, REMOTE, top + 1), HV_H_DEST_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 1, LOCAL, 0, REMOTE, top + MTU), HV_H_DEST_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, MTU, REMOTE, top + 1, LOCAL, 0),
			 HV_H_SOURCE_PARM);
	/* the same at the last byte of a buffer in the middle of the pool */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 2, LOCAL, 0, REMOTE,
					  vmc_hv_lioba(&f->hv, LAST, TOP - 1) + MTU - 1),
			 HV_H_DEST_PARM);
}

/* H_COPY_RDMA: len <= max_copy_len (ibm,max-virtual-dma-size). */
static void test_rdma_max_copy_len(void **state)
{
	struct fake_env *f = *state;
	uint32_t max = f->hv.cfg.max_copy_len;

	assert_true(max <= FAKE_LOCAL_SIZE / 2);
	/* local -> local is allowed (counted) outside strict mode: only the length matters */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, max, LOCAL, 0, LOCAL, max), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, max + 1, LOCAL, 0, LOCAL, max), HV_H_PARAMETER);
	assert_int_equal(st(f)->violations[VMC_HV_V_RDMA_SAME_PANE], 1);
}

/* Configuration: the maxima are accepted, one more is refused. */
static void test_config_limits(void **state)
{
	struct vmc_hv_config cfg;

	(void)state;
	fake_config_default(&cfg);
	cfg.max_hmcs = NHMC;
	cfg.pool_size = POOL;
	cfg.max_mtu = MTU;
	assert_true(vmc_hv_backing_size(&cfg) > 0);
	cfg.max_hmcs = NHMC + 1;
	assert_int_equal(vmc_hv_backing_size(&cfg), 0);
	cfg.max_hmcs = NHMC;
	cfg.pool_size = POOL + 1;
	assert_int_equal(vmc_hv_backing_size(&cfg), 0);
	cfg.pool_size = POOL;
	cfg.max_mtu = MTU + 1;
	assert_int_equal(vmc_hv_backing_size(&cfg), 0);
	cfg.max_mtu = VMC_HV_MIN_MTU;
	assert_true(vmc_hv_backing_size(&cfg) > 0);
	cfg.max_mtu = VMC_HV_MIN_MTU - 1;
	assert_int_equal(vmc_hv_backing_size(&cfg), 0);
}

/* An MP asking for more than the arrays hold gets the maxima. */
static void test_cap_clamped_to_maxima(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg cap, r;
	uint32_t mtu, pool, nhmc;

	cap = vmc_msg_cap(VMC_MSG_CAP, 255, 0xFFFF, 0xFFFFFFFFu, 256, VMC_PROTOCOL_VERSION);
	assert_int_equal(fake_send(f, &cap), HV_H_SUCCESS);
	r = pop(f, VMC_MSG_CAP_RESP);
	assert_int_equal(r.status, 0);
	vmc_hv_negotiated(&f->hv, &mtu, &pool, &nhmc);
	assert_int_equal(mtu, MTU);
	assert_int_equal(pool, POOL);
	assert_int_equal(nhmc, NHMC);
	assert_int_equal(fake_answer_adds(f), NHMC);	/* one seed per index */
}

/*
 * ADD_BUF travels HV -> MP only. One from the MP (here with a non-zero
 * session on an index past the count, the case the MP must drop) is a
 * direction violation and is never answered: the HV has no ADD_BUF_RESP
 * to send.
 */
static void test_add_buf_from_mp_never_answered(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;

	assert_true(fake_open(f, 0, 4, "hmc-0") >= 0);
	m = vmc_msg_hmc(VMC_MSG_ADD_BUF, 4, NHMC, 1);
	m.lioba = 0x1000;
	assert_int_equal(fake_send(f, &m), HV_H_SUCCESS);
	m = vmc_msg_hmc(VMC_MSG_ADD_BUF, 0, NHMC, 1);
	assert_int_equal(fake_send(f, &m), HV_H_SUCCESS);
	assert_int_equal(f->ring_count, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_WRONG_DIRECTION], 2);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_INDEX], 0);
	assert_int_equal(st(f)->tx_type[VMC_MSG_ADD_BUF_RESP], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_index, setup_max, fake_teardown),
		cmocka_unit_test_setup_teardown(test_open_buffer_id, setup_max, fake_teardown),
		cmocka_unit_test_setup_teardown(test_close_index, setup_max, fake_teardown),
		cmocka_unit_test_setup_teardown(test_signal_limits, setup_max, fake_teardown),
		cmocka_unit_test_setup_teardown(test_add_buf_resp_limits, setup_max, fake_teardown),
		cmocka_unit_test_setup_teardown(test_add_buf_resp_past_pool_keeps_staged_message,
						setup_max, fake_teardown),
		cmocka_unit_test_setup_teardown(test_rem_buf_resp_limits, setup_max, fake_teardown),
		cmocka_unit_test_setup_teardown(test_hmc_send_limits, setup_max, fake_teardown),
		cmocka_unit_test(test_index_past_negotiated_count),
		cmocka_unit_test(test_id_past_negotiated_pool),
		cmocka_unit_test_setup_teardown(test_rdma_pane1_limits, setup_max, fake_teardown),
		cmocka_unit_test_setup_teardown(test_rdma_max_copy_len, setup_max, fake_teardown),
		cmocka_unit_test(test_config_limits),
		cmocka_unit_test_setup_teardown(test_cap_clamped_to_maxima, setup_max, fake_teardown),
		cmocka_unit_test_setup_teardown(test_add_buf_from_mp_never_answered, setup_max,
						fake_teardown),
	};

	return cmocka_run_group_tests_name("hv_boundaries", tests, NULL, NULL);
}
