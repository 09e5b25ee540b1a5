// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_linux_weak.c - one regression test per weakness of Linux's ibmvmc
 * (vmc-protocol.md §12) that applies to an MP, plus the §6.2 rule. The
 * partner is the simulator's raw mode: the test writes exactly the
 * entries a buggy or hostile HV would, and reads what the MP sent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hcall/hcall.h"
#include "lib/time.h"
#include "tests/host/harness.h"

static struct harness H;
static bool auto_open;		/* answer OPEN with ADD_BUF(owner 1) + OPEN_RESP */
static struct vmc_msg cap_resp;

static void put(const struct vmc_msg *m)
{
	uint64_t hi, lo;

	vmc_msg_encode(m, &hi, &lo);
	assert_int_equal(sim_raw_inject(hi, lo), VMC_HV_TX_OK);
}

static struct vmc_msg mk(uint8_t type, uint8_t st, uint8_t s, uint8_t i, uint16_t id, uint32_t v3)
{
	struct vmc_msg m = vmc_msg_hmc(type, s, i, id);

	m.status = st;
	m.var3 = v3;
	return m;
}

static void raw_partner(void *ctx, uint64_t hi, uint64_t lo)
{
	struct vmc_msg m;

	if (hi == 0xC001000000000000ULL) {
		sim_raw_inject(0xC002000000000000ULL, 0);
		return;
	}
	if (!vmc_msg_decode(&m, hi, lo))
		return;
	if (m.type == VMC_MSG_CAP)
		put(&cap_resp);
	if (m.type == VMC_MSG_OPEN && auto_open) {
		struct vmc_msg a = mk(VMC_MSG_ADD_BUF, 0, m.session, m.index, 1, 0x1000);

		a.owner = VMC_OWNER_HV;
		put(&a);
		a = mk(VMC_MSG_ADD_BUF, 0, m.session, m.index, 2, 0x2000);
		put(&a);
		put(&(struct vmc_msg){ .type = VMC_MSG_OPEN_RESP, .session = m.session,
				       .index = m.index, .buffer_id = m.buffer_id });
	}
}

static void window(struct vmc_config *c)
{
	c->remote_window = 1u << 20;
}

static int setup(void **state)
{
	struct sim_config sc;

	sim_config_default(&sc);
	sc.raw_partner = true;
	harness_setup(&H, &sc, window);
	sim_raw_set_handler(raw_partner, NULL);
	auto_open = true;
	cap_resp = vmc_msg_cap(VMC_MSG_CAP_RESP, 2, 16, 4096, 256, 0x0101);
	return 0;
}

static int teardown(void **state)
{
	harness_invariants(&H);
	harness_teardown(&H);
	return 0;
}

/* The last message of @type the MP sent, or type 0. */
static struct vmc_msg last_sent(uint8_t type)
{
	const uint64_t (*log)[2];
	size_t n = sim_raw_log(&log);
	struct vmc_msg m;

	memset(&m, 0, sizeof(m));
	for (size_t i = n; i-- > 0;)
		if (vmc_msg_decode(&m, log[i][0], log[i][1]) && m.type == type)
			return m;
	memset(&m, 0, sizeof(m));
	return m;
}

static size_t n_sent(void)
{
	const uint64_t (*log)[2];

	return sim_raw_log(&log);
}

static void ready_and_seeded(void)
{
	assert_int_equal(vmc_start(&H.v), VMC_OK);
	harness_run(&H, 1000);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = 0, .buffer_id = 0, .lioba = 0 });
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = 1, .buffer_id = 0, .lioba = 0x8000 });
	harness_run(&H, 500);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 1);
	assert_int_equal(vmc_buf_count(&H.v, 1, VMC_BUF_FREE), 1);
}

static void open0(void)
{
	harness_open(&H, 0, 0x42);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_HV), 1);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 2);
}

/* §12.1: msg_len from the HV is bounded by the MTU before any copy. */
static void test_w01_oversized_signal(void **state)
{
	uint64_t copies;

	ready_and_seeded();
	open0();
	copies = hcall_stats.calls[H_COPY_RDMA / 4];
	put(&(struct vmc_msg){ .type = VMC_MSG_SIGNAL, .session = H.v.hmc[0].session,
			       .buffer_id = 1, .msg_len = 4097 });
	harness_run(&H, 500);
	assert_int_equal(hcall_stats.calls[H_COPY_RDMA / 4], copies);	/* no copy at all */
	assert_int_equal(H.n_rx, 0);
	assert_int_equal(H.v.stats.bad_len, 1);
	assert_int_equal(harness_last_event(&H, VMC_EV_RX_ERROR)->result, VMC_ERR_TOO_BIG);
	/* Ownership still moved: the buffer is not lost. */
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_HV), 0);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 3);
}

/* §12.2 / §6.2: CAP_RESP with max_hmc 0 is refused; later HMC messages dropped. */
static void test_w02_zero_hmcs(void **state)
{
	size_t before;

	cap_resp.max_hmc = 0;
	assert_int_equal(vmc_start(&H.v), VMC_OK);
	harness_run(&H, 1000);
	assert_int_equal(H.v.state, VMC_STATE_FAILED);
	before = n_sent();
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = 200, .buffer_id = 0 });
	harness_run(&H, 500);
	assert_int_equal(n_sent(), before);	/* not even answered: not READY */
	assert_int_equal(H.v.stats.dropped_before_cap, 1);
}

/* §12.3: no OPEN can slip out while a reset is under way. */
static void test_w03_open_during_reset(void **state)
{
	uint8_t id[32] = { 0 };

	ready_and_seeded();
	sim_raw_inject(0xFF02000000000000ULL, 0);
	harness_run(&H, 100);
	assert_int_equal(H.v.state, VMC_STATE_WAIT_INIT);
	assert_int_equal(vmc_open(&H.v, VMC_INDEX_ANY, id, NULL), VMC_ERR_NOT_READY);
	assert_int_equal(last_sent(VMC_MSG_OPEN).type, 0);
}

/* §12.4: a bad SIGNAL is not answered with an ADD_BUF_RESP. */
static void test_w04_bad_signal_no_quirk_reply(void **state)
{
	size_t before;

	ready_and_seeded();
	before = n_sent();
	put(&(struct vmc_msg){ .type = VMC_MSG_SIGNAL, .index = 7, .buffer_id = 99, .msg_len = 4 });
	put(&(struct vmc_msg){ .type = VMC_MSG_SIGNAL, .index = 0, .session = 0, .buffer_id = 0,
			       .msg_len = 4 });
	harness_run(&H, 500);
	assert_int_equal(n_sent(), before);
	assert_int_equal(H.v.stats.rx_errors, 2);
}

/* §12.5: session 0 is no wildcard for responses; OPEN_RESP must name the OPEN buffer. */
static void test_w05_no_session_wildcard(void **state)
{
	uint8_t id[32] = { 1 };

	ready_and_seeded();
	open0();
	put(&(struct vmc_msg){ .type = VMC_MSG_OPEN_RESP, .status = 1, .session = 0, .index = 0 });
	put(&(struct vmc_msg){ .type = VMC_MSG_CLOSE_RESP, .session = 0, .index = 0 });
	harness_run(&H, 500);
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_OPEN);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 2);
	/* OPEN_RESP on index 1 naming a buffer other than the lent one: ignored. */
	auto_open = false;
	assert_int_equal(vmc_open(&H.v, 1, id, NULL), VMC_OK);
	put(&(struct vmc_msg){ .type = VMC_MSG_OPEN_RESP, .session = H.v.hmc[1].session, .index = 1,
			       .buffer_id = 5 });
	harness_run(&H, 500);
	assert_int_equal(vmc_hmc_get_state(&H.v, 1), VMC_HMC_OPENING);
	assert_int_equal(vmc_buf_count(&H.v, 1, VMC_BUF_LENT), 1);
	assert_true(H.v.stats.bad_buffer >= 1);
	put(&(struct vmc_msg){ .type = VMC_MSG_OPEN_RESP, .session = H.v.hmc[1].session, .index = 1,
			       .buffer_id = 0 });
	harness_run(&H, 500);
	assert_int_equal(vmc_hmc_get_state(&H.v, 1), VMC_HMC_OPEN);
}

/* §12.6: owner byte validated; the last MP buffer is never removed; HV buffers neither. */
static void test_w06_owner_and_last_buffer(void **state)
{
	struct vmc_msg r, a = mk(VMC_MSG_ADD_BUF, 0, 0, 1, 3, 0x9000);

	ready_and_seeded();
	a.owner = 2;
	put(&a);
	harness_run(&H, 300);
	r = last_sent(VMC_MSG_ADD_BUF_RESP);
	assert_int_equal(r.status, VMC_ST_INTERFACE_FAILURE);
	assert_int_equal(r.buffer_id, 3);
	assert_int_equal(vmc_buf_count(&H.v, 1, VMC_BUF_FREE), 1);
	/* only the seed: REM_BUF gets NO_BUFFER / 0xFFFF */
	put(&(struct vmc_msg){ .type = VMC_MSG_REM_BUF, .index = 1 });
	harness_run(&H, 300);
	r = last_sent(VMC_MSG_REM_BUF_RESP);
	assert_int_equal(r.status, VMC_ST_NO_BUFFER);
	assert_int_equal(r.buffer_id, VMC_INVALID_BUFFER_ID);
	assert_int_equal(vmc_buf_count(&H.v, 1, VMC_BUF_FREE), 1);
	/* an HV-owned idle buffer plus the seed: still nothing removable */
	a.owner = VMC_OWNER_HV;
	put(&a);
	put(&(struct vmc_msg){ .type = VMC_MSG_REM_BUF, .index = 1 });
	harness_run(&H, 300);
	assert_int_equal(last_sent(VMC_MSG_REM_BUF_RESP).status, VMC_ST_NO_BUFFER);
	/* a second MP buffer: the lowest free one goes */
	a = mk(VMC_MSG_ADD_BUF, 0, 0, 1, 5, 0xA000);
	put(&a);
	put(&(struct vmc_msg){ .type = VMC_MSG_REM_BUF, .index = 1 });
	harness_run(&H, 300);
	r = last_sent(VMC_MSG_REM_BUF_RESP);
	assert_int_equal(r.status, VMC_ST_SUCCESS);
	assert_int_equal(r.buffer_id, 0);
	assert_int_equal(vmc_buf_count(&H.v, 1, VMC_BUF_FREE), 1);
	assert_int_equal(vmc_buf_count(&H.v, 1, VMC_BUF_HV), 1);
	/* bad index */
	put(&(struct vmc_msg){ .type = VMC_MSG_REM_BUF, .index = 9 });
	harness_run(&H, 300);
	assert_int_equal(last_sent(VMC_MSG_REM_BUF_RESP).status, VMC_ST_INVALID_HMC_INDEX);
}

/* §12.7: stale sessions get an answer, never silence. */
static void test_w07_stale_session_answered(void **state)
{
	ready_and_seeded();
	open0();
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .session = 77, .index = 0, .buffer_id = 9 });
	harness_run(&H, 300);
	assert_int_equal(last_sent(VMC_MSG_ADD_BUF_RESP).status, VMC_ST_CLOSED_HMC);
	assert_int_equal(last_sent(VMC_MSG_ADD_BUF_RESP).buffer_id, 9);
	put(&(struct vmc_msg){ .type = VMC_MSG_REM_BUF, .session = 77, .index = 0 });
	harness_run(&H, 300);
	assert_int_equal(last_sent(VMC_MSG_REM_BUF_RESP).status, VMC_ST_CLOSED_HMC);
	/* the live session is accepted */
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .session = H.v.hmc[0].session, .index = 0,
			       .buffer_id = 9, .lioba = 0x9000 });
	harness_run(&H, 300);
	assert_int_equal(last_sent(VMC_MSG_ADD_BUF_RESP).status, VMC_ST_SUCCESS);
}

/* ADD_BUF validation: index, ID range, duplicates, LIOBA inside pane 1. */
static void test_add_buf_validation(void **state)
{
	ready_and_seeded();
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = 2, .buffer_id = 1 });
	harness_run(&H, 200);
	assert_int_equal(last_sent(VMC_MSG_ADD_BUF_RESP).status, VMC_ST_INVALID_HMC_INDEX);
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = 0, .buffer_id = 16 });
	harness_run(&H, 200);
	assert_int_equal(last_sent(VMC_MSG_ADD_BUF_RESP).status, VMC_ST_INVALID_BUFFER_ID);
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = 0, .buffer_id = 0 });
	harness_run(&H, 200);
	assert_int_equal(last_sent(VMC_MSG_ADD_BUF_RESP).status, VMC_ST_INVALID_BUFFER_ID);
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = 0, .buffer_id = 4,
			       .lioba = (1u << 20) - 4095 });
	harness_run(&H, 200);
	assert_int_equal(last_sent(VMC_MSG_ADD_BUF_RESP).status, VMC_ST_INTERFACE_FAILURE);
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = 0, .buffer_id = 4,
			       .lioba = (1u << 20) - 4096 });
	harness_run(&H, 200);
	assert_int_equal(last_sent(VMC_MSG_ADD_BUF_RESP).status, VMC_ST_SUCCESS);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 2);
}

/* §12.10: H_CLOSED from H_REG_CRQ is "partner not there yet", not a failure. */
static void test_w10_reg_closed_is_normal(void **state)
{
	struct sim_config sc;

	harness_teardown(&H);
	sim_config_default(&sc);
	sc.raw_partner = true;
	sc.reg_rc = H_CLOSED;
	harness_setup(&H, &sc, window);
	/* nobody answers at first */
	assert_int_equal(vmc_start(&H.v), VMC_OK);
	harness_run(&H, 3000);
	assert_int_equal(H.v.state, VMC_STATE_WAIT_INIT);
	/* the partner arrives and sends Init */
	sim_raw_set_handler(raw_partner, NULL);
	sim_raw_inject(0xC001000000000000ULL, 0);
	harness_run(&H, 1000);
	assert_int_equal(H.v.state, VMC_STATE_READY);
}

/* §12.11: an Init while READY restarts cleanly: Init Complete then CAP. */
static void test_w11_init_in_ready(void **state)
{
	const uint64_t (*log)[2];
	size_t n;

	ready_and_seeded();
	open0();
	sim_raw_log_clear();
	sim_raw_inject(0xC001000000000000ULL, 0);
	harness_run(&H, 1000);
	n = sim_raw_log(&log);
	assert_true(n >= 2);
	assert_true(log[0][0] == 0xC002000000000000ULL);
	assert_int_equal((uint8_t)(log[1][0] >> 48), VMC_MSG_CAP);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	assert_int_equal(harness_events(&H, VMC_EV_SESSION_LOST), 1);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 0);	/* awaiting new seeds */
	assert_true(H.v.hmc[0].reopen_pending);
	/* the new seed triggers the re-open */
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = 0, .buffer_id = 0 });
	harness_run(&H, 1000);
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_OPEN);
}

/* §12.12: 0xFF06 leads to H_ENABLE_CRQ and a new Init. */
static void test_w12_suspend(void **state)
{
	ready_and_seeded();
	sim_raw_log_clear();
	sim_suspend();
	harness_run(&H, 1000);
	assert_int_equal(hcall_stats.calls[H_ENABLE_CRQ / 4], 1);
	assert_int_equal(H.v.state, VMC_STATE_READY);
}

/* §12.14: a pool's worth of SIGNALs queued before we poll: all delivered, in order. */
static void test_w14_many_pending(void **state)
{
	uint8_t s;

	ready_and_seeded();
	auto_open = false;
	assert_int_equal(vmc_open(&H.v, 0, (const uint8_t *)"0123456789abcdef0123456789abcdef",
				  NULL), VMC_OK);
	s = H.v.hmc[0].session;
	for (uint16_t id = 1; id < 16; id++)
		put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .owner = 1, .session = s,
				       .buffer_id = id, .lioba = (uint32_t)id * 0x1000 });
	put(&(struct vmc_msg){ .type = VMC_MSG_OPEN_RESP, .session = s });
	harness_run(&H, 300);
	for (uint16_t id = 1; id < 16; id++) {
		sim_raw_remote()[id * 0x1000] = (uint8_t)id;
		put(&(struct vmc_msg){ .type = VMC_MSG_SIGNAL, .session = s, .buffer_id = id,
				       .msg_len = 1 });
	}
	harness_run(&H, 300);
	assert_int_equal(H.n_rx, 15);
	for (unsigned int i = 0; i < 15; i++)
		assert_int_equal(H.rx[i].data[0], i + 1);
}

/* §12.15: every buffer, seeds included, goes on reset; re-seeding the same ID works. */
static void test_w15_seeds_dropped_on_reset(void **state)
{
	ready_and_seeded();
	sim_raw_inject(0xFF02000000000000ULL, 0);
	harness_run(&H, 100);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 0);
	assert_int_equal(vmc_buf_count(&H.v, 1, VMC_BUF_FREE), 0);
	sim_raw_inject(0xC001000000000000ULL, 0);
	harness_run(&H, 500);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = 0, .buffer_id = 0, .lioba = 0x4000 });
	harness_run(&H, 300);
	assert_int_equal(last_sent(VMC_MSG_ADD_BUF_RESP).status, VMC_ST_SUCCESS);
	assert_int_equal(H.v.hmc[0].bufs[0].lioba, 0x4000);	/* the new LIOBA, not a stale one */
}

/* §12.22: after close and re-open, traffic for the old session is refused. */
static void test_w22_stale_session_signal(void **state)
{
	uint8_t old;

	ready_and_seeded();
	open0();
	old = H.v.hmc[0].session;
	vmc_close(&H.v, 0);
	put(&(struct vmc_msg){ .type = VMC_MSG_CLOSE_RESP, .session = old });
	/* the re-seed may carry the session just closed (§9.3) */
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .session = old, .buffer_id = 0 });
	harness_run(&H, 300);
	assert_int_equal(last_sent(VMC_MSG_ADD_BUF_RESP).status, VMC_ST_SUCCESS);
	open0();
	assert_int_not_equal(H.v.hmc[0].session, old);
	put(&(struct vmc_msg){ .type = VMC_MSG_SIGNAL, .session = old, .buffer_id = 1, .msg_len = 1 });
	harness_run(&H, 300);
	assert_int_equal(H.n_rx, 0);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_HV), 1);	/* untouched */
	/* session numbers wrap 254 -> 1, never 0 or 255 */
	H.v.hmc[1].session = 254;
	harness_open(&H, 1, 1);
	assert_int_equal(H.v.hmc[1].session, 1);
}

/* §12.24: the limits we offer are bounded by our arrays. */
static void test_w24_config_clamped(void **state)
{
	struct vmc v;
	struct vmc_config c = H.cfg;

	c.pool_size = VMC_MAX_POOL + 1;
	assert_int_equal(vmc_init(&v, &c), VMC_ERR_PARAM);
	c = H.cfg;
	c.max_hmcs = VMC_MAX_HMCS + 1;
	assert_int_equal(vmc_init(&v, &c), VMC_ERR_PARAM);
	c = H.cfg;
	c.max_mtu = 2048;
	assert_int_equal(vmc_init(&v, &c), VMC_ERR_PARAM);
	c = H.cfg;
	c.buf_bytes = 4096;
	assert_int_equal(vmc_init(&v, &c), VMC_ERR_PARAM);
	c = H.cfg;
	c.buf_ioba = c.crq_ioba;	/* overlapping the CRQ */
	assert_int_equal(vmc_init(&v, &c), VMC_ERR_PARAM);
	/* and CAP_RESP values above ours are negotiated down */
	cap_resp = vmc_msg_cap(VMC_MSG_CAP_RESP, 200, 60000, 1u << 30, 256, 0x0101);
	assert_int_equal(vmc_start(&H.v), VMC_OK);
	harness_run(&H, 1000);
	assert_int_equal(H.v.nhmc, 2);
	assert_int_equal(H.v.pool, 32);
	assert_int_equal(H.v.mtu, 4096);
}

/* §12.25: every reserved byte we send is zero. */
static void test_w25_reserved_bytes_zero(void **state)
{
	const uint64_t (*log)[2];
	size_t n;

	ready_and_seeded();
	open0();
	assert_int_equal(vmc_send(&H.v, 0, "data", 4), VMC_OK);
	vmc_close(&H.v, 0);
	harness_run(&H, 200);
	n = sim_raw_log(&log);
	assert_true(n >= 6);
	for (size_t i = 0; i < n; i++) {
		uint8_t type = (uint8_t)(log[i][0] >> 48);

		if ((log[i][0] >> 56) != 0x80)
			continue;
		if (vmc_msg_is_admin(type)) {
			assert_int_equal((log[i][0] >> 24) & 0xFFFF, 0);	/* bytes 3-4 */
		} else {
			assert_int_equal(log[i][1] >> 32, 0);			/* bytes 8-11 */
			if (type != VMC_MSG_SIGNAL)
				assert_int_equal(log[i][1] & 0xFFFFFFFF, 0);	/* bytes 12-15 */
			if (type != VMC_MSG_ADD_BUF_RESP && type != VMC_MSG_REM_BUF_RESP)
				assert_int_equal((log[i][0] >> 40) & 0xFF, 0);	/* status */
		}
	}
}

/* §12.27: every consumed slot is handed back. */
static void test_w27_slots_released(void **state)
{
	ready_and_seeded();
	open0();
	assert_int_equal(sim_mp_outstanding(), 0);
	for (unsigned int i = 0; i < 4096; i += 16)
		assert_int_equal(((uint8_t *)H.crq_mem)[i], 0);
}

/* §12.28: OPEN copies the 32 ID bytes only. */
static void test_w28_open_copies_id_only(void **state)
{
	uint8_t id[32];

	ready_and_seeded();
	memset(sim_raw_remote(), 0xEE, 8192);
	for (int i = 0; i < 32; i++)
		id[i] = (uint8_t)(0x40 + i);
	assert_int_equal(vmc_open(&H.v, 0, id, NULL), VMC_OK);
	assert_memory_equal(sim_raw_remote(), id, 32);
	assert_int_equal(sim_raw_remote()[32], 0xEE);
	assert_int_equal(sim_raw_remote()[4095], 0xEE);
}

/* §6.2: HMC messages before CAP_RESP are dropped; CAP_RESP outside WAIT_CAP too. */
static void test_before_cap_dropped(void **state)
{
	sim_raw_set_handler(NULL, NULL);	/* nobody answers */
	assert_int_equal(vmc_start(&H.v), VMC_OK);
	put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = 0, .buffer_id = 0 });
	put(&(struct vmc_msg){ .type = VMC_MSG_SIGNAL, .index = 0, .buffer_id = 0, .msg_len = 8 });
	put(&cap_resp);	/* not asked for yet */
	harness_run(&H, 300);
	assert_int_equal(H.v.stats.dropped_before_cap, 2);
	assert_int_equal(H.v.state, VMC_STATE_WAIT_INIT);
	assert_int_equal(last_sent(VMC_MSG_ADD_BUF_RESP).type, 0);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_w01_oversized_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w02_zero_hmcs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w03_open_during_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w04_bad_signal_no_quirk_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w05_no_session_wildcard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w06_owner_and_last_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w07_stale_session_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_buf_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w10_reg_closed_is_normal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w11_init_in_ready, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w12_suspend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w14_many_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w15_seeds_dropped_on_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w22_stale_session_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w24_config_clamped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w25_reserved_bytes_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w27_slots_released, setup, teardown),
		cmocka_unit_test_setup_teardown(test_w28_open_copies_id_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_before_cap_dropped, setup, teardown),
	};

	return cmocka_run_group_tests_name("linux weaknesses (§12)", tests, NULL, NULL);
}
