// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hv_engine.c - unit tests of the HV-side VMC engine (hv/), driven
 * directly through fake ops (tests/host/hv/fake_env.c), no simulator.
 *
 * Every test ends by checking the engine's invariants.
 *
 * Section numbers (§) are those of docs/vmc-protocol.md.
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

static const struct vmc_hv_stats *st(struct fake_env *f)
{
	return vmc_hv_get_stats(&f->hv);
}

static int setup_plain(void **state)
{
	struct fake_env *f = fake_new(NULL);

	assert_non_null(f);
	*state = f;
	return 0;
}

/* 2 HMCs, pool 16, MTU 4096 offered; brought up with the MP asking for the same. */
static int setup_ready(void **state)
{
	*state = fake_new_ready(2);
	return 0;
}

static void expect_type(struct fake_env *f, uint8_t type, struct vmc_msg *out)
{
	struct vmc_msg m;

	assert_true(fake_pop_msg(f, &m));
	if (m.type != type)
		fail_msg("expected %s, got %s", vmc_msg_type_name(type), vmc_msg_type_name(m.type));
	if (out)
		*out = m;
}

static void send_hmc(struct fake_env *f, uint8_t type, uint8_t status, uint8_t session,
		     uint8_t index, uint16_t id, uint32_t var3)
{
	struct vmc_msg m = vmc_msg_hmc(type, session, index, id);

	m.status = status;
	m.var3 = var3;
	assert_int_equal(fake_send(f, &m), HV_H_SUCCESS);
}

/* ---------------- set-up and transport ---------------- */

static void test_config_validation(void **state)
{
	struct vmc_hv_config cfg;
	struct vmc_hv hv;
	struct vmc_hv_ops ops = { 0 };
	static uint8_t mem[8 << 20];

	(void)state;
	fake_config_default(&cfg);
	assert_int_equal(vmc_hv_backing_size(&cfg),
			 (size_t)1 * 16 * 4096 + (size_t)1 * VMC_HV_PENDING_MAX * 4096);
	/* mandatory ops missing */
	assert_int_equal(vmc_hv_init(&hv, &cfg, &ops, NULL, mem, sizeof(mem)), VMC_HV_ERR_PARAM);
	cfg.max_hmcs = 0;
	assert_int_equal(vmc_hv_backing_size(&cfg), 0);
	cfg.max_hmcs = VMC_HV_MAX_HMCS + 1;
	assert_int_equal(vmc_hv_backing_size(&cfg), 0);
	fake_config_default(&cfg);
	cfg.pool_size = VMC_HV_MAX_POOL + 1;
	assert_int_equal(vmc_hv_backing_size(&cfg), 0);
	fake_config_default(&cfg);
	cfg.max_mtu = 2048;
	assert_int_equal(vmc_hv_backing_size(&cfg), 0);
	cfg.max_mtu = VMC_HV_MAX_MTU * 2;
	assert_int_equal(vmc_hv_backing_size(&cfg), 0);
	fake_config_default(&cfg);
	cfg.remote_liobn = cfg.local_liobn;
	assert_int_equal(vmc_hv_backing_size(&cfg), 0);
	fake_config_default(&cfg);
	cfg.remote_base = 0xFFFFF000u;
	assert_int_equal(vmc_hv_backing_size(&cfg), 0);
	/* the maxima fit */
	fake_config_default(&cfg);
	cfg.max_hmcs = VMC_HV_MAX_HMCS;
	cfg.pool_size = VMC_HV_MAX_POOL;
	cfg.max_mtu = VMC_HV_MAX_MTU;
	assert_true(vmc_hv_backing_size(&cfg) <= sizeof(mem));
	ops.send_to_mp = (int (*)(void *, uint64_t, uint64_t))1;
	ops.mp_dma_read = (long (*)(void *, uint64_t, uint64_t, void *, uint64_t))1;
	ops.mp_dma_write = (long (*)(void *, uint64_t, uint64_t, const void *, uint64_t))1;
	assert_int_equal(vmc_hv_init(&hv, &cfg, &ops, NULL, mem, 100), VMC_HV_ERR_PARAM);
	assert_int_equal(vmc_hv_init(&hv, &cfg, &ops, NULL, mem, sizeof(mem)), VMC_HV_OK);
	assert_int_equal(vmc_hv_remote_window_size(&hv), 4u * 64 * 16384);
	assert_int_equal(vmc_hv_phase(&hv), VMC_HV_PHASE_DOWN);
	assert_int_equal(vmc_hv_lioba(&hv, 1, 2), (1u * 64 + 2) * 16384);
	assert_int_equal(vmc_hv_check_invariants(&hv), 0);
}

static void test_header_checks(void **state)
{
	struct fake_env *f = *state;

	/* not registered: any valid header gets H_CLOSED */
	assert_int_equal(vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0), HV_H_CLOSED);
	/* bad headers: H_PARAMETER whatever the state */
	assert_int_equal(vmc_hv_receive(&f->hv, 0, 0), HV_H_PARAMETER);
	assert_int_equal(vmc_hv_receive(&f->hv, 0x7F00000000000000ULL, 0), HV_H_PARAMETER);
	assert_int_equal(vmc_hv_receive(&f->hv, 0xFF02000000000000ULL, 0), HV_H_PARAMETER);
	vmc_hv_mp_registered(&f->hv, 256);
	assert_true(vmc_hv_mp_is_registered(&f->hv));
	assert_int_equal(vmc_hv_receive(&f->hv, 0xFF01000000000000ULL, 0), HV_H_PARAMETER);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_HEADER], 4);
	/* reserved headers are transported but ignored */
	assert_int_equal(vmc_hv_receive(&f->hv, 0x8100000000000000ULL, 0), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_receive(&f->hv, 0xC100000000000000ULL, 0), HV_H_SUCCESS);
	assert_int_equal(st(f)->violations[VMC_HV_V_RESERVED_HEADER], 2);
	/* bad init format */
	assert_int_equal(vmc_hv_receive(&f->hv, 0xC007000000000000ULL, 0), HV_H_SUCCESS);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_INIT], 1);
	assert_int_equal(f->ring_count, 0);
}

static void test_init_handshake_mp_first(void **state)
{
	struct fake_env *f = *state;
	uint64_t hi, lo;

	vmc_hv_mp_registered(&f->hv, 256);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_WAIT_INIT);
	assert_int_equal(f->ring_count, 0);	/* no Init of our own by default */
	assert_int_equal(vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0), HV_H_SUCCESS);
	assert_true(fake_pop(f, &hi, &lo));
	assert_true(hi == 0xC002000000000000ULL && lo == 0);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_WAIT_CAP);
	/* Init again in any phase: answered again */
	assert_int_equal(vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0), HV_H_SUCCESS);
	assert_true(fake_pop(f, &hi, &lo));
	assert_true(hi == 0xC002000000000000ULL);
	/* unexpected Init Complete */
	assert_int_equal(vmc_hv_receive(&f->hv, 0xC002000000000000ULL, 0), HV_H_SUCCESS);
	assert_int_equal(st(f)->violations[VMC_HV_V_UNEXPECTED_INIT_COMPLETE], 1);
	assert_int_equal(st(f)->rx_inits, 2);
}

static void test_init_handshake_hv_first(void **state)
{
	struct vmc_hv_config cfg;
	struct fake_env *f;
	uint64_t hi, lo;

	(void)state;
	fake_config_default(&cfg);
	cfg.init_on_register = true;
	f = fake_new(&cfg);
	vmc_hv_mp_registered(&f->hv, 256);
	assert_true(fake_pop(f, &hi, &lo));
	assert_true(hi == 0xC001000000000000ULL);
	assert_int_equal(vmc_hv_receive(&f->hv, 0xC002000000000000ULL, 0), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_WAIT_CAP);
	assert_int_equal(st(f)->violations_total, 0);
	/* crossing Inits: ours queued again, MP's Init arrives before its Complete */
	vmc_hv_send_init(&f->hv);
	assert_int_equal(vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0), HV_H_SUCCESS);
	/* our queued Init was already sent; the MP's is answered */
	assert_true(fake_pop(f, &hi, &lo));
	assert_true(hi == 0xC001000000000000ULL);
	assert_true(fake_pop(f, &hi, &lo));
	assert_true(hi == 0xC002000000000000ULL);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_WAIT_CAP);
	assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
	fake_free(f);
}

static void test_cap_implicit_handshake(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg cap = vmc_msg_cap(VMC_MSG_CAP, 1, 32, 4096, 256, 0x0101), m;

	vmc_hv_mp_registered(&f->hv, 256);
	/* CAP without Init: accepted as handshake completion (§9.5) */
	assert_int_equal(fake_send(f, &cap), HV_H_SUCCESS);
	expect_type(f, VMC_MSG_CAP_RESP, &m);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_READY);
}

/* ---------------- capabilities ---------------- */

static void test_cap_negotiation_and_seeds(void **state)
{
	struct vmc_hv_config cfg;
	struct fake_env *f;
	struct vmc_msg cap, m;
	uint64_t hi, lo;
	uint32_t mtu, pool, nhmc;

	(void)state;
	fake_config_default(&cfg);
	cfg.max_hmcs = 2;
	cfg.pool_size = 32;
	cfg.max_mtu = 16384;
	f = fake_new(&cfg);
	vmc_hv_mp_registered(&f->hv, 256);
	vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0);
	fake_pop(f, &hi, &lo);
	/* Linux defaults: 1 HMC, pool 32, MTU 4096, 256 entries */
	assert_int_equal(vmc_hv_receive(&f->hv, 0x8001000000010020ULL, 0x0000100001000101ULL),
			 HV_H_SUCCESS);
	/* CAP_RESP exactly as Appendix B: 2 HMCs, pool 32, MTU 16384, 256 entries, v1.1 */
	assert_true(fake_pop(f, &hi, &lo));
	assert_true(hi == 0x8081000000020020ULL);
	assert_true(lo == 0x0000400001000101ULL);
	vmc_hv_negotiated(&f->hv, &mtu, &pool, &nhmc);
	assert_int_equal(mtu, 4096);
	assert_int_equal(pool, 32);
	assert_int_equal(nhmc, 1);
	/* then exactly one seed: session 0, index 0, id 0, owner 0, LIOBA 0 */
	assert_true(fake_pop(f, &hi, &lo));
	assert_true(hi == 0x8004000000000000ULL);
	assert_true(lo == 0);
	assert_int_equal(f->ring_count, 0);
	assert_int_equal(fake_count_events(f, VMC_HV_EV_LINK_UP), 1);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 0, 0, NULL), VMC_HV_BUF_ADD_PENDING);
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0, 0, 0, 0);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 0, 0, NULL), VMC_HV_BUF_PRESENT);
	/* a second MP with 2 HMCs after re-init: seeds for both, same LIOBAs */
	vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0);
	fake_pop(f, &hi, &lo);
	assert_int_equal(fake_count_events(f, VMC_HV_EV_LINK_DOWN), 1);
	cap = vmc_msg_cap(VMC_MSG_CAP, 2, 64, 65536, 4096, 0x0102);
	fake_send(f, &cap);
	expect_type(f, VMC_MSG_CAP_RESP, &m);
	vmc_hv_negotiated(&f->hv, &mtu, &pool, &nhmc);
	assert_int_equal(mtu, 16384);
	assert_int_equal(pool, 32);
	assert_int_equal(nhmc, 2);
	expect_type(f, VMC_MSG_ADD_BUF, &m);
	assert_int_equal(m.index, 0);
	assert_int_equal(m.lioba, 0);
	expect_type(f, VMC_MSG_ADD_BUF, &m);
	assert_int_equal(m.index, 1);
	assert_int_equal(m.buffer_id, 0);
	assert_int_equal(m.lioba, 32u * 16384);
	assert_int_equal(m.owner, 0);
	assert_int_equal(m.session, 0);
	assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
	fake_free(f);
}

static void test_cap_bad_version(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg cap = vmc_msg_cap(VMC_MSG_CAP, 1, 16, 4096, 256, 0x0201), m;

	vmc_hv_mp_registered(&f->hv, 256);
	fake_send(f, &cap);
	expect_type(f, VMC_MSG_CAP_RESP, &m);
	assert_int_equal(m.status, VMC_ST_INVALID_VERSION);
	assert_int_equal(m.version, 0x0101);
	assert_int_equal(f->ring_count, 0);	/* no seeds */
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_WAIT_CAP);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_VERSION], 1);
	/* the MP may retry with a good version */
	cap.version = 0x0101;
	fake_send(f, &cap);
	expect_type(f, VMC_MSG_CAP_RESP, &m);
	assert_int_equal(m.status, 0);
	expect_type(f, VMC_MSG_ADD_BUF, NULL);
}

static void test_cap_forced_values(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg cap = vmc_msg_cap(VMC_MSG_CAP, 2, 64, 16384, 256, 0x0101), m;
	uint32_t mtu, pool, nhmc;

	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_CAP_MAX_HMC, 0);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_CAP_POOL, 0);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_CAP_MTU, 1024);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_CAP_CRQ_SIZE, 7);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_CAP_VERSION, 0x0200);
	assert_int_equal(vmc_hv_get_knob(&f->hv, VMC_HV_KNOB_CAP_MTU), 1024);
	assert_int_equal(vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_COUNT, 1), VMC_HV_ERR_PARAM);
	vmc_hv_mp_registered(&f->hv, 256);
	fake_send(f, &cap);
	expect_type(f, VMC_MSG_CAP_RESP, &m);
	assert_int_equal(m.status, 0);
	assert_int_equal(m.max_hmc, 0);
	assert_int_equal(m.pool_size, 0);
	assert_int_equal(m.max_mtu, 1024);
	assert_int_equal(m.crq_size, 7);
	assert_int_equal(m.version, 0x0200);
	vmc_hv_negotiated(&f->hv, &mtu, &pool, &nhmc);
	assert_int_equal(nhmc, 0);	/* we follow what we advertised */
	assert_int_equal(mtu, 1024);
	assert_int_equal(f->ring_count, 0);
	/* forced status: no READY, no seeds */
	vmc_hv_faults_clear(&f->hv);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_CAP_STATUS, 1);
	vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0);
	fake_pop_msg(f, &m);
	fake_send(f, &cap);
	expect_type(f, VMC_MSG_CAP_RESP, &m);
	assert_int_equal(m.status, 1);
	assert_int_equal(f->ring_count, 0);
	assert_int_not_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_READY);
	/* forced oversized MTU is clamped to our stride internally */
	vmc_hv_faults_clear(&f->hv);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_CAP_MTU, 1 << 20);
	fake_send(f, &cap);
	expect_type(f, VMC_MSG_CAP_RESP, &m);
	assert_int_equal(m.max_mtu, 1 << 20);
	vmc_hv_negotiated(&f->hv, &mtu, NULL, NULL);
	assert_int_equal(mtu, 4096);
}

static void test_cap_zero_values(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg cap = vmc_msg_cap(VMC_MSG_CAP, 0, 0, 0, 0, 0x0101), m;
	uint8_t id[32] = "x";

	vmc_hv_mp_registered(&f->hv, 256);
	fake_send(f, &cap);
	expect_type(f, VMC_MSG_CAP_RESP, &m);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_CAP], 1);
	assert_int_equal(f->ring_count, 0);
	/* nothing works, nothing breaks */
	send_hmc(f, VMC_MSG_OPEN, 0, 1, 0, 0, 0);
	expect_type(f, VMC_MSG_OPEN_RESP, &m);
	assert_int_equal(m.status, 1);
	assert_int_equal(vmc_hv_hmc_send(&f->hv, 0, id, 1), VMC_HV_ERR_STATE);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 1, LOCAL, 0, REMOTE, 0), HV_H_DEST_PARM);
}

static void test_hmc_before_cap(void **state)
{
	struct fake_env *f = *state;

	vmc_hv_mp_registered(&f->hv, 256);
	send_hmc(f, VMC_MSG_OPEN, 0, 1, 0, 0, 0);
	send_hmc(f, VMC_MSG_SIGNAL, 0, 1, 0, 0, 10);
	send_hmc(f, VMC_MSG_CLOSE, 0, 1, 0, 0, 0);
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0, 0, 0, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_BEFORE_CAP], 4);
	assert_int_equal(f->ring_count, 0);
}

static void test_wrong_direction_and_unknown(void **state)
{
	struct fake_env *f = *state;
	static const uint8_t hv_only[] = { VMC_MSG_CAP_RESP, VMC_MSG_OPEN_RESP, VMC_MSG_CLOSE_RESP,
					   VMC_MSG_ADD_BUF, VMC_MSG_REM_BUF };
	unsigned int k;

	for (k = 0; k < sizeof(hv_only); k++)
		send_hmc(f, hv_only[k], 0, 0, 0, 0, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_WRONG_DIRECTION], 5);
	send_hmc(f, 0x99, 0, 0, 0, 0, 0);
	send_hmc(f, 0x00, 0, 0, 0, 0, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_UNKNOWN_TYPE], 2);
	assert_int_equal(f->ring_count, 0);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_READY);
}

/* ---------------- open ---------------- */

static void test_open_success(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;
	unsigned int mp = 0, hv = 0, k;
	const struct fake_event *e;
	int owner;

	memset(f->local, 0, 4096);
	strcpy((char *)f->local, "HMC-ID-0123456789");
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 4096, LOCAL, 0, REMOTE, vmc_hv_lioba(&f->hv, 0, 0)),
			 HV_H_SUCCESS);
	send_hmc(f, VMC_MSG_OPEN, 0, 7, 0, 0, 0);
	/* 4 + 4 ADD_BUFs with session 7, then OPEN_RESP */
	for (k = 0; k < 8; k++) {
		expect_type(f, VMC_MSG_ADD_BUF, &m);
		assert_int_equal(m.session, 7);
		assert_int_equal(m.index, 0);
		assert_int_equal(m.buffer_id, k + 1);
		assert_int_equal(m.lioba, vmc_hv_lioba(&f->hv, 0, k + 1));
		if (m.owner)
			hv++;
		else
			mp++;
		send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 7, 0, m.buffer_id, 0);
	}
	assert_int_equal(mp, 4);
	assert_int_equal(hv, 4);
	expect_type(f, VMC_MSG_OPEN_RESP, &m);
	assert_int_equal(m.status, 0);
	assert_int_equal(m.session, 7);
	assert_int_equal(m.buffer_id, 0);
	assert_int_equal(vmc_hv_session(&f->hv, 0), 7);
	assert_int_equal(vmc_hv_session(&f->hv, 1), 0);
	e = fake_last_event(f, VMC_HV_EV_OPEN);
	assert_non_null(e);
	assert_int_equal(e->session, 7);
	assert_int_equal(e->len, 32);
	assert_string_equal((const char *)e->data, "HMC-ID-0123456789");
	/* what a peer connecting later is told (spapr-vmc replays it) */
	assert_non_null(vmc_hv_session_hmc_id(&f->hv, 0));
	assert_memory_equal(vmc_hv_session_hmc_id(&f->hv, 0), e->data, 32);
	assert_null(vmc_hv_session_hmc_id(&f->hv, 1));
	assert_null(vmc_hv_session_hmc_id(&f->hv, VMC_HV_MAX_HMCS));
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 0, 5, &owner), VMC_HV_BUF_PRESENT);
	assert_int_equal(owner, VMC_HV_OWNER_HV);
	assert_int_equal(st(f)->sessions_opened, 1);
	assert_int_equal(st(f)->violations_total, 0);
}

static void expect_failed_open_and_reseed(struct fake_env *f, uint8_t status, int index)
{
	struct vmc_msg m;

	expect_type(f, VMC_MSG_OPEN_RESP, &m);
	assert_int_equal(m.status, status);
	if (index >= 0) {
		expect_type(f, VMC_MSG_ADD_BUF, &m);
		assert_int_equal(m.index, index);
		assert_int_equal(m.session, 0);
		assert_int_equal(m.owner, 0);
		send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0, (uint8_t)index, m.buffer_id, 0);
	}
	assert_int_equal(f->ring_count, 0);
}

static void test_open_failures(void **state)
{
	struct fake_env *f = *state;

	send_hmc(f, VMC_MSG_OPEN, 0, 1, 2, 0, 0);	/* index 2 >= 2 */
	expect_failed_open_and_reseed(f, 1, -1);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_INDEX], 1);
	send_hmc(f, VMC_MSG_OPEN, 0, 0, 0, 0, 0);	/* session 0 */
	expect_failed_open_and_reseed(f, 1, 0);
	send_hmc(f, VMC_MSG_OPEN, 0, 0xFF, 0, 0, 0);	/* session 255 */
	expect_failed_open_and_reseed(f, 1, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_SESSION], 2);
	send_hmc(f, VMC_MSG_OPEN, 0, 1, 0, 3, 0);	/* absent buffer */
	expect_failed_open_and_reseed(f, 1, 0);
	send_hmc(f, VMC_MSG_OPEN, 0, 1, 0, 999, 0);	/* buffer id out of range */
	expect_failed_open_and_reseed(f, 1, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_BUFFER], 2);
	/* open, then an OPEN on the open index: fails and kills the session */
	assert_int_equal(fake_open(f, 0, 3, "a"), 0);
	send_hmc(f, VMC_MSG_OPEN, 0, 4, 0, 1, 0);
	expect_failed_open_and_reseed(f, 1, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_ALREADY_OPEN], 1);
	assert_int_equal(vmc_hv_session(&f->hv, 0), 0);
	assert_null(vmc_hv_session_hmc_id(&f->hv, 0));	/* closed: nothing to replay */
	assert_int_equal(fake_last_event(f, VMC_HV_EV_CLOSE)->code, VMC_HV_CLOSE_OPEN_FAILED);
	/* OPEN naming an HV-owned buffer */
	assert_int_equal(fake_open(f, 1, 9, "b"), 0);
	send_hmc(f, VMC_MSG_CLOSE, 0, 9, 1, 0, 0);
	expect_type(f, VMC_MSG_CLOSE_RESP, NULL);
	fake_answer_adds(f);
	vmc_hv_hmc_add_buffer(&f->hv, 1, VMC_HV_OWNER_HV);
	fake_answer_adds(f);
	send_hmc(f, VMC_MSG_OPEN, 0, 10, 1, 1, 0);
	expect_failed_open_and_reseed(f, 1, 1);
	assert_int_equal(st(f)->violations[VMC_HV_V_NOT_OWNER], 1);
	assert_int_equal(st(f)->opens_failed, 7);
}

static void test_open_forced_status(void **state)
{
	struct fake_env *f = *state;

	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_OPEN_STATUS, 1);
	send_hmc(f, VMC_MSG_OPEN, 0, 1, 0, 0, 0);
	expect_failed_open_and_reseed(f, 1, 0);
	assert_int_equal(vmc_hv_session(&f->hv, 0), 0);
	assert_int_equal(st(f)->violations_total, 0);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_OPEN_STATUS, VMC_HV_KNOB_OFF);
	assert_int_equal(fake_open(f, 0, 2, "ok"), 0);
}

static void test_open_implicit_confirm(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;

	/* re-seed index 1 and lose the ADD_BUF_RESP: the OPEN still works */
	send_hmc(f, VMC_MSG_CLOSE, 0, 0, 1, 0, 0);
	expect_type(f, VMC_MSG_CLOSE_RESP, NULL);
	expect_type(f, VMC_MSG_ADD_BUF, &m);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 1, 0, NULL), VMC_HV_BUF_ADD_PENDING);
	send_hmc(f, VMC_MSG_OPEN, 0, 5, 1, 0, 0);
	fake_answer_adds(f);
	expect_type(f, VMC_MSG_OPEN_RESP, &m);
	assert_int_equal(m.status, 0);
}

/* ---------------- data path ---------------- */

static void test_signal_mp_to_hv(void **state)
{
	struct fake_env *f = *state;
	const struct fake_event *e;
	int owner;

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	/* buffer 1 is MP-owned (first of the owner=0 session buffers) */
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 0, 1, &owner), VMC_HV_BUF_PRESENT);
	assert_int_equal(owner, VMC_HV_OWNER_MP);
	memcpy(f->local + 0x10000, "hello, hmc", 10);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 10, LOCAL, 0x10000, REMOTE,
					  vmc_hv_lioba(&f->hv, 0, 1)), HV_H_SUCCESS);
	/* Linux leaves bytes 8-11 as garbage: must be ignored */
	assert_int_equal(vmc_hv_receive(&f->hv, 0x8006000001000001ULL, 0xDEADBEEF0000000AULL),
			 HV_H_SUCCESS);
	e = fake_last_event(f, VMC_HV_EV_MESSAGE);
	assert_non_null(e);
	assert_int_equal(e->len, 10);
	assert_memory_equal(e->data, "hello, hmc", 10);
	assert_int_equal(e->buffer_id, 1);
	vmc_hv_buffer_info(&f->hv, 0, 1, &owner);
	assert_int_equal(owner, VMC_HV_OWNER_HV);
	assert_int_equal(st(f)->msgs_to_hmc, 1);
	assert_int_equal(f->ring_count, 0);	/* no CRQ response to a SIGNAL */
	/* the same buffer again: no longer MP-owned */
	send_hmc(f, VMC_MSG_SIGNAL, 0, 1, 0, 1, 10);
	assert_int_equal(st(f)->violations[VMC_HV_V_NOT_OWNER], 1);
	assert_int_equal(st(f)->msgs_to_hmc, 1);
}

static void test_signal_violations(void **state)
{
	struct fake_env *f = *state;
	int owner;

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	send_hmc(f, VMC_MSG_SIGNAL, 0, 1, 5, 1, 10);	/* bad index */
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_INDEX], 1);
	send_hmc(f, VMC_MSG_SIGNAL, 0, 1, 0, 60, 10);	/* absent buffer */
	send_hmc(f, VMC_MSG_SIGNAL, 0, 1, 0, 0xFFFF, 10);	/* out of range */
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_BUFFER], 2);
	send_hmc(f, VMC_MSG_SIGNAL, 0, 1, 0, 5, 10);	/* HV-owned */
	assert_int_equal(st(f)->violations[VMC_HV_V_NOT_OWNER], 1);
	send_hmc(f, VMC_MSG_SIGNAL, 0, 2, 0, 1, 10);	/* wrong session: buffer still taken */
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_SESSION], 1);
	vmc_hv_buffer_info(&f->hv, 0, 1, &owner);
	assert_int_equal(owner, VMC_HV_OWNER_HV);
	send_hmc(f, VMC_MSG_SIGNAL, 0, 1, 0, 2, 4097);	/* too long */
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_LENGTH], 1);
	send_hmc(f, VMC_MSG_SIGNAL, 0, 0, 1, 0, 10);	/* idle index 1 (seed) */
	assert_int_equal(st(f)->violations[VMC_HV_V_NOT_OPEN], 1);
	assert_int_equal(st(f)->msgs_to_hmc, 0);
	assert_int_equal(f->ring_count, 0);
	/* zero-length message is delivered (empty) */
	send_hmc(f, VMC_MSG_SIGNAL, 0, 1, 0, 3, 0);
	assert_int_equal(st(f)->msgs_to_hmc, 1);
}

static void test_hmc_send_and_pending(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;
	uint8_t msg[100];
	unsigned int k;
	int id;

	assert_int_equal(vmc_hv_hmc_send(&f->hv, 0, "x", 1), VMC_HV_ERR_STATE);	/* not open */
	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	assert_int_equal(vmc_hv_hmc_send(&f->hv, 0, "x", 0), VMC_HV_ERR_PARAM);
	assert_int_equal(vmc_hv_hmc_send(&f->hv, 0, f->local, 4097), VMC_HV_ERR_PARAM);
	assert_int_equal(vmc_hv_hmc_send(&f->hv, 9, "x", 1), VMC_HV_ERR_PARAM);
	assert_int_equal(vmc_hv_hmc_send(&f->hv, 1, "x", 1), VMC_HV_ERR_STATE);
	/* four HV-owned buffers: four immediate SIGNALs */
	for (k = 0; k < 4; k++) {
		memset(msg, 'a' + (int)k, sizeof(msg));
		assert_int_equal(vmc_hv_hmc_send(&f->hv, 0, msg, 100), VMC_HV_OK);
		expect_type(f, VMC_MSG_SIGNAL, &m);
		assert_int_equal(m.session, 1);
		assert_int_equal(m.msg_len, 100);
		id = m.buffer_id;
		assert_int_equal(id, 5 + (int)k);
		/* MP reads it */
		assert_int_equal(vmc_hv_copy_rdma(&f->hv, 100, REMOTE, vmc_hv_lioba(&f->hv, 0, id),
						  LOCAL, 0x20000), HV_H_SUCCESS);
		assert_memory_equal(f->local + 0x20000, msg, 100);
	}
	assert_int_equal(fake_count_events(f, VMC_HV_EV_SENT), 4);
	/* no HV-owned buffer left: staged, up to VMC_HV_PENDING_MAX */
	for (k = 0; k < VMC_HV_PENDING_MAX; k++) {
		memset(msg, 'A' + (int)k, sizeof(msg));
		assert_int_equal(vmc_hv_hmc_send(&f->hv, 0, msg, 50), VMC_HV_OK);
	}
	assert_int_equal(vmc_hv_hmc_send(&f->hv, 0, msg, 50), VMC_HV_ERR_FULL);
	assert_int_equal(f->ring_count, 0);
	/* the MP signals with buffer 1: it becomes HV-owned and carries the first staged one */
	send_hmc(f, VMC_MSG_SIGNAL, 0, 1, 0, 1, 3);
	expect_type(f, VMC_MSG_SIGNAL, &m);
	assert_int_equal(m.buffer_id, 1);
	assert_int_equal(m.msg_len, 50);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 50, REMOTE, vmc_hv_lioba(&f->hv, 0, 1), LOCAL,
					  0x20000), HV_H_SUCCESS);
	assert_int_equal(f->local[0x20000], 'A');
	/* a new HV-owned buffer added by the host carries the next */
	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, 0, VMC_HV_OWNER_HV), VMC_HV_OK);
	expect_type(f, VMC_MSG_ADD_BUF, &m);
	assert_int_equal(m.owner, 1);
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, m.session, 0, m.buffer_id, 0);
	expect_type(f, VMC_MSG_SIGNAL, &m);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 50, REMOTE, vmc_hv_lioba(&f->hv, 0, m.buffer_id),
					  LOCAL, 0x20000), HV_H_SUCCESS);
	assert_int_equal(f->local[0x20000], 'B');
	/* close drops the remaining 6 */
	send_hmc(f, VMC_MSG_CLOSE, 0, 1, 0, 0, 0);
	assert_int_equal(fake_count_events(f, VMC_HV_EV_DROPPED), 6);
	assert_int_equal(st(f)->host_msgs_dropped, 6);
}

static void echo_hook(struct fake_env *f, const struct vmc_hv_event *ev)
{
	if (ev->kind == VMC_HV_EV_MESSAGE && ev->len)
		assert_int_equal(vmc_hv_hmc_send(&f->hv, ev->index, ev->data, ev->len), VMC_HV_OK);
}

static void test_echo_from_callback(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;
	unsigned int k;

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	/* use up the HV-owned buffers so the echo reuses the very buffer just received */
	for (k = 0; k < 4; k++) {
		vmc_hv_hmc_send(&f->hv, 0, "z", 1);
		expect_type(f, VMC_MSG_SIGNAL, NULL);
	}
	f->on_event = echo_hook;
	memcpy(f->local + 0x3000, "ping", 4);
	vmc_hv_copy_rdma(&f->hv, 4, LOCAL, 0x3000, REMOTE, vmc_hv_lioba(&f->hv, 0, 2));
	send_hmc(f, VMC_MSG_SIGNAL, 0, 1, 0, 2, 4);
	expect_type(f, VMC_MSG_SIGNAL, &m);
	assert_int_equal(m.buffer_id, 2);
	assert_int_equal(m.msg_len, 4);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 4, REMOTE, vmc_hv_lioba(&f->hv, 0, 2), LOCAL,
					  0x4000), HV_H_SUCCESS);
	assert_memory_equal(f->local + 0x4000, "ping", 4);
	f->on_event = NULL;
}

/* ---------------- close ---------------- */

static void test_close_and_reopen(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;
	unsigned int id;

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	send_hmc(f, VMC_MSG_CLOSE, 0, 1, 0, 0, 0);
	expect_type(f, VMC_MSG_CLOSE_RESP, &m);
	assert_int_equal(m.status, 0);
	assert_int_equal(m.session, 1);
	/* every buffer gone; the re-seed comes after the CLOSE_RESP, same ID and LIOBA */
	for (id = 1; id < 16; id++)
		assert_int_equal(vmc_hv_buffer_info(&f->hv, 0, id, NULL), VMC_HV_BUF_ABSENT);
	expect_type(f, VMC_MSG_ADD_BUF, &m);
	assert_int_equal(m.buffer_id, 0);
	assert_int_equal(m.lioba, vmc_hv_lioba(&f->hv, 0, 0));
	assert_int_equal(m.session, 0);
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0, 0, 0, 0);
	assert_int_equal(fake_last_event(f, VMC_HV_EV_CLOSE)->code, VMC_HV_CLOSE_BY_MP);
	assert_int_equal(vmc_hv_session(&f->hv, 0), 0);
	/* re-open with the next session */
	assert_int_equal(fake_open(f, 0, 2, "h2"), 0);
	assert_int_equal(vmc_hv_session(&f->hv, 0), 2);
	assert_int_equal(st(f)->sessions_closed, 1);
	assert_int_equal(st(f)->sessions_opened, 2);
}

static void test_close_violations(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;

	send_hmc(f, VMC_MSG_CLOSE, 0, 1, 7, 0, 0);	/* bad index */
	expect_type(f, VMC_MSG_CLOSE_RESP, &m);
	assert_int_equal(m.status, 1);
	assert_int_equal(f->ring_count, 0);
	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	send_hmc(f, VMC_MSG_CLOSE, 0, 2, 0, 0, 0);	/* wrong session: refused, still open */
	expect_type(f, VMC_MSG_CLOSE_RESP, &m);
	assert_int_equal(m.status, 1);
	assert_int_equal(vmc_hv_session(&f->hv, 0), 1);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_CLOSE_STATUS, 1);	/* forced failure */
	send_hmc(f, VMC_MSG_CLOSE, 0, 1, 0, 0, 0);
	expect_type(f, VMC_MSG_CLOSE_RESP, &m);
	assert_int_equal(m.status, 1);
	assert_int_equal(vmc_hv_session(&f->hv, 0), 1);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_CLOSE_STATUS, VMC_HV_KNOB_OFF);
	send_hmc(f, VMC_MSG_CLOSE, 0, 0, 1, 0, 0);	/* idle index: ok + reseed */
	expect_type(f, VMC_MSG_CLOSE_RESP, &m);
	assert_int_equal(m.status, 0);
	expect_type(f, VMC_MSG_ADD_BUF, &m);
	assert_int_equal(m.index, 1);
	assert_int_equal(st(f)->violations[VMC_HV_V_NOT_OPEN], 1);
	/* NO_RESEED knob */
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_NO_RESEED, 1);
	send_hmc(f, VMC_MSG_CLOSE, 0, 1, 0, 0, 0);
	expect_type(f, VMC_MSG_CLOSE_RESP, &m);
	assert_int_equal(f->ring_count, 0);
}

/* ---------------- buffers ---------------- */

static void test_add_buf_resp_paths(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;

	/* failing seed: "invalid buffer ID" means the MP kept a stale seed */
	send_hmc(f, VMC_MSG_CLOSE, 0, 0, 0, 0, 0);
	expect_type(f, VMC_MSG_CLOSE_RESP, NULL);
	expect_type(f, VMC_MSG_ADD_BUF, &m);
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, VMC_ST_INVALID_BUFFER_ID, 0, 0, 0, 0);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 0, 0, NULL), VMC_HV_BUF_PRESENT);
	assert_int_equal(st(f)->violations[VMC_HV_V_RESP_FAILED], 1);
	/* any other failure forgets the buffer */
	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, 0, VMC_HV_OWNER_MP), VMC_HV_OK);
	expect_type(f, VMC_MSG_ADD_BUF, &m);
	assert_int_equal(m.buffer_id, 1);
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, VMC_ST_INTERFACE_FAILURE, 0, 0, 1, 0);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 0, 1, NULL), VMC_HV_BUF_ABSENT);
	assert_int_equal(st(f)->bufs_add_failed, 1);
	/* unsolicited: wrong id, wrong session, bad index, again */
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0, 0, 9, 0);
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0, 0, 0, 0);	/* already present */
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0, 9, 0, 0);
	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, 0, VMC_HV_OWNER_MP), VMC_HV_OK);
	expect_type(f, VMC_MSG_ADD_BUF, &m);
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 5, 0, m.buffer_id, 0);	/* stale session */
	assert_int_equal(st(f)->violations[VMC_HV_V_UNSOLICITED_RESP], 4);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 0, m.buffer_id, NULL), VMC_HV_BUF_ADD_PENDING);
	/* Linux answers a bad SIGNAL with ADD_BUF_RESP status 2: tolerated */
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 2, 1, 0, 60, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_UNSOLICITED_RESP], 5);
}

static void test_add_buffer_command_and_knobs(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;
	unsigned int k;
	int owner;

	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, 0, 2), VMC_HV_ERR_PARAM);
	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, 5, 0), VMC_HV_ERR_PARAM);
	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, 2, 0), VMC_HV_ERR_STATE);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_ADD_BUF_OWNER, 7);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_ADD_BUF_SESSION, 0x42);
	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, 0, VMC_HV_OWNER_MP), VMC_HV_OK);
	expect_type(f, VMC_MSG_ADD_BUF, &m);
	assert_int_equal(m.owner, 7);
	assert_int_equal(m.session, 0x42);
	vmc_hv_buffer_info(&f->hv, 0, m.buffer_id, &owner);
	assert_int_equal(owner, VMC_HV_OWNER_HV);	/* as Linux reads a non-zero byte */
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0x42, 0, m.buffer_id, 0);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 0, m.buffer_id, NULL), VMC_HV_BUF_PRESENT);
	vmc_hv_faults_clear(&f->hv);
	/* fill the pool */
	for (k = 2; k < 16; k++)
		assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, 0, VMC_HV_OWNER_MP), VMC_HV_OK);
	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, 0, VMC_HV_OWNER_MP), VMC_HV_ERR_NOBUF);
	assert_int_equal(fake_answer_adds(f), 14);
}

static void test_remove_buffer(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;
	const struct fake_event *e;

	/* only the seed: refused (never remove the MP's last buffer) */
	assert_int_equal(vmc_hv_hmc_remove_buffer(&f->hv, 0), VMC_HV_ERR_STATE);
	assert_int_equal(vmc_hv_hmc_remove_buffer(&f->hv, 2), VMC_HV_ERR_STATE);
	assert_int_equal(vmc_hv_hmc_remove_buffer(&f->hv, 9), VMC_HV_ERR_PARAM);
	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	/* 5 MP-owned: 4 removals allowed while outstanding */
	assert_int_equal(vmc_hv_hmc_remove_buffer(&f->hv, 0), VMC_HV_OK);
	expect_type(f, VMC_MSG_REM_BUF, &m);
	assert_int_equal(m.session, 1);
	assert_int_equal(vmc_hv_hmc_remove_buffer(&f->hv, 0), VMC_HV_OK);
	assert_int_equal(vmc_hv_hmc_remove_buffer(&f->hv, 0), VMC_HV_OK);
	assert_int_equal(vmc_hv_hmc_remove_buffer(&f->hv, 0), VMC_HV_OK);
	assert_int_equal(vmc_hv_hmc_remove_buffer(&f->hv, 0), VMC_HV_ERR_STATE);
	/* success removes the MP's choice */
	send_hmc(f, VMC_MSG_REM_BUF_RESP, 0, 1, 0, 4, 0);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 0, 4, NULL), VMC_HV_BUF_ABSENT);
	e = fake_last_event(f, VMC_HV_EV_REM_BUF);
	assert_int_equal(e->buffer_id, 4);
	assert_int_equal(e->code, 0);
	/* no buffer (Linux 5) */
	send_hmc(f, VMC_MSG_REM_BUF_RESP, VMC_ST_NO_BUFFER, 1, 0, 0xFFFF, 0);
	assert_int_equal(fake_last_event(f, VMC_HV_EV_REM_BUF)->code, VMC_ST_NO_BUFFER);
	/* "removed" an HV-owned buffer: refused */
	send_hmc(f, VMC_MSG_REM_BUF_RESP, 0, 1, 0, 5, 0);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 0, 5, NULL), VMC_HV_BUF_PRESENT);
	assert_int_equal(st(f)->violations[VMC_HV_V_NOT_OWNER], 1);
	/* "removed" an absent buffer */
	send_hmc(f, VMC_MSG_REM_BUF_RESP, 0, 1, 0, 60, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_BAD_BUFFER], 1);
	/* nobody asked any more */
	send_hmc(f, VMC_MSG_REM_BUF_RESP, 0, 1, 0, 2, 0);
	send_hmc(f, VMC_MSG_REM_BUF_RESP, 0, 1, 9, 2, 0);
	assert_int_equal(st(f)->violations[VMC_HV_V_UNSOLICITED_RESP], 2);
	assert_int_equal(st(f)->bufs_removed, 1);
}

/* ---------------- H_COPY_RDMA ---------------- */

static void test_copy_rdma_errors(void **state)
{
	struct fake_env *f = *state;
	uint32_t seed = vmc_hv_lioba(&f->hv, 0, 0);

	/* length limit */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 128 * 1024 + 1, LOCAL, 0, REMOTE, seed),
			 HV_H_PARAMETER);
	/* unknown LIOBNs */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, 0x1234, 0, REMOTE, seed), HV_H_SOURCE_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 0, 0x1234, seed), HV_H_DEST_PARM);
	/* zero length: nothing to check beyond the LIOBNs */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 0, LOCAL, ~0ULL, REMOTE, ~0ULL), HV_H_SUCCESS);
	/* pane 0 out of window, overflow */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, FAKE_LOCAL_SIZE - 8, REMOTE, seed),
			 HV_H_SOURCE_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, ~0ULL - 4, REMOTE, seed),
			 HV_H_SOURCE_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, REMOTE, seed, LOCAL, FAKE_LOCAL_SIZE),
			 HV_H_DEST_PARM);
	/* TCE permissions */
	fake_set_tce(f, 1, 2);	/* write only: cannot be a source */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 4096, REMOTE, seed), HV_H_PERMISSION);
	fake_set_tce(f, 2, 1);	/* read only: cannot be a destination */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, REMOTE, seed, LOCAL, 8192), HV_H_PERMISSION);
	/* a range crossing into an unmapped page */
	fake_set_tce(f, 3, 0);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 64, LOCAL, 3 * 4096 - 32, REMOTE, seed),
			 HV_H_PERMISSION);
	/* ranking: a source range error beats a destination permission error */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, FAKE_LOCAL_SIZE, LOCAL, 8192),
			 HV_H_SOURCE_PARM);
	/* ... and a destination range error beats a source permission error */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 4096, REMOTE, 0xF0000000u),
			 HV_H_DEST_PARM);
	/* pane 1: outside any advertised buffer, across the buffer end, beyond the window */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 0, REMOTE, vmc_hv_lioba(&f->hv, 0, 3)),
			 HV_H_DEST_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 32, LOCAL, 0, REMOTE, seed + 4096 - 16),
			 HV_H_DEST_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 4097, LOCAL, 0, REMOTE, seed), HV_H_DEST_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 4096, LOCAL, 0, REMOTE, seed), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, REMOTE, vmc_hv_remote_window_size(&f->hv),
					  LOCAL, 0), HV_H_SOURCE_PARM);
	/* index 1's seed is fine too */
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, REMOTE, vmc_hv_lioba(&f->hv, 1, 0), LOCAL, 0),
			 HV_H_SUCCESS);
	assert_int_equal(st(f)->rdma_errors, 15);
	assert_int_equal(st(f)->rdma_ok, 3);
	/* link down: pane 1 refused */
	vmc_hv_mp_freed(&f->hv);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 0, REMOTE, seed), HV_H_DEST_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, REMOTE, seed, LOCAL, 0), HV_H_SOURCE_PARM);
}

static void test_copy_rdma_same_pane_and_strict(void **state)
{
	struct vmc_hv_config cfg;
	struct fake_env *f = *state, *g;
	uint32_t seed = vmc_hv_lioba(&f->hv, 0, 0), seed1 = vmc_hv_lioba(&f->hv, 1, 0);

	/* not strict: local->local and remote->remote work, counted */
	memcpy(f->local, "abcdef", 6);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 6, LOCAL, 0, LOCAL, 10000), HV_H_SUCCESS);
	assert_memory_equal(f->local + 10000, "abcdef", 6);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 6, LOCAL, 0, REMOTE, seed), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 6, REMOTE, seed, REMOTE, seed1), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 6, REMOTE, seed1, LOCAL, 20000), HV_H_SUCCESS);
	assert_memory_equal(f->local + 20000, "abcdef", 6);
	/* a local->local copy larger than the bounce buffer */
	memset(f->local + 40000, 0x5A, 9000);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 9000, LOCAL, 40000, LOCAL, 100000), HV_H_SUCCESS);
	assert_int_equal(f->local[100000 + 8999], 0x5A);
	assert_int_equal(st(f)->violations[VMC_HV_V_RDMA_SAME_PANE], 3);

	/* strict */
	fake_config_default(&cfg);
	cfg.strict = true;
	g = fake_new(&cfg);
	assert_int_equal(fake_bring_up(g, 1, 16, 4096), 0);
	assert_int_equal(vmc_hv_copy_rdma(&g->hv, 6, LOCAL, 0, LOCAL, 10000), HV_H_PARAMETER);
	assert_int_equal(fake_open(g, 0, 1, "s"), 0);
	/* HV-owned buffer 5: copies refused with H_PERMISSION */
	assert_int_equal(vmc_hv_copy_rdma(&g->hv, 6, LOCAL, 0, REMOTE, vmc_hv_lioba(&g->hv, 0, 5)),
			 HV_H_PERMISSION);
	assert_int_equal(vmc_hv_copy_rdma(&g->hv, 6, REMOTE, vmc_hv_lioba(&g->hv, 0, 5), LOCAL, 0),
			 HV_H_PERMISSION);
	assert_int_equal(vmc_hv_copy_rdma(&g->hv, 6, LOCAL, 0, REMOTE, vmc_hv_lioba(&g->hv, 0, 1)),
			 HV_H_SUCCESS);
	assert_int_equal(vmc_hv_get_stats(&g->hv)->violations[VMC_HV_V_RDMA_OWNER], 2);
	assert_int_equal(vmc_hv_check_invariants(&g->hv), 0);
	fake_free(g);
}

static void test_copy_rdma_without_check_op(void **state)
{
	struct fake_env *f = *state;
	uint32_t seed = vmc_hv_lioba(&f->hv, 0, 0);

	f->ops.mp_dma_check = NULL;
	fake_set_tce(f, 0, 2);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 0, REMOTE, seed), HV_H_PERMISSION);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, FAKE_LOCAL_SIZE, REMOTE, seed),
			 HV_H_SOURCE_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, REMOTE, seed, LOCAL, FAKE_LOCAL_SIZE),
			 HV_H_DEST_PARM);
	fake_set_tce(f, 0, 3);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 0, REMOTE, seed), HV_H_SUCCESS);
}

static void test_copy_rdma_fault(void **state)
{
	struct fake_env *f = *state;
	uint32_t seed = vmc_hv_lioba(&f->hv, 0, 0);

	vmc_hv_fault_rdma(&f->hv, 2, 2, HV_H_HARDWARE);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 0, REMOTE, seed), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 0, REMOTE, seed), HV_H_HARDWARE);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 0, REMOTE, seed), HV_H_HARDWARE);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 0, REMOTE, seed), HV_H_SUCCESS);
	assert_int_equal(st(f)->faults_fired, 2);
	vmc_hv_fault_rdma(&f->hv, 1, 1, HV_H_PERMISSION);
	vmc_hv_faults_clear(&f->hv);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 0, REMOTE, seed), HV_H_SUCCESS);
}

/* ---------------- H_REQUEST_VMC ---------------- */

static void test_request_vmc(void **state)
{
	struct fake_env *f = *state;
	uint64_t drc = 0;

	assert_int_equal(vmc_hv_request_vmc(&f->hv, &drc), HV_H_SUCCESS);
	assert_int_equal(drc, 0x21000001);
	assert_int_equal(vmc_hv_request_vmc(&f->hv, NULL), HV_H_SUCCESS);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_REQUEST_VMC_RC, HV_H_AUTHORITY);
	drc = 7;
	assert_int_equal(vmc_hv_request_vmc(&f->hv, &drc), HV_H_AUTHORITY);
	assert_int_equal(drc, 7);
	assert_int_equal(vmc_hv_request_vmc(&f->hv, &drc), HV_H_AUTHORITY);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_REQUEST_VMC_RC, HV_H_HARDWARE);	/* -1 is a value */
	assert_int_equal(vmc_hv_request_vmc(&f->hv, &drc), HV_H_HARDWARE);
	/* busy twice, then success */
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_REQUEST_VMC_RC, HV_H_LONG_BUSY_1MS);
	vmc_hv_set_knob(&f->hv, VMC_HV_KNOB_REQUEST_VMC_COUNT, 2);
	assert_int_equal(vmc_hv_request_vmc(&f->hv, &drc), HV_H_LONG_BUSY_1MS);
	assert_int_equal(vmc_hv_request_vmc(&f->hv, &drc), HV_H_LONG_BUSY_1MS);
	assert_int_equal(vmc_hv_request_vmc(&f->hv, &drc), HV_H_SUCCESS);
	assert_int_equal(drc, 0x21000001);
	assert_int_equal(st(f)->request_vmc_calls, 8);
}

/* ---------------- queueing ---------------- */

static void test_queue_full_and_retry(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;
	unsigned int k;

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	f->ring_capacity = 2;
	for (k = 0; k < 4; k++)
		assert_int_equal(vmc_hv_hmc_send(&f->hv, 0, "abc", 3), VMC_HV_OK);
	assert_int_equal(f->ring_count, 2);
	assert_int_equal(vmc_hv_outq_len(&f->hv), 2);
	assert_true(st(f)->tx_full >= 1);
	assert_true(vmc_hv_next_deadline_us(&f->hv) <= f->now);
	expect_type(f, VMC_MSG_SIGNAL, &m);
	assert_int_equal(m.buffer_id, 5);
	vmc_hv_kick(&f->hv);
	assert_int_equal(f->ring_count, 2);
	expect_type(f, VMC_MSG_SIGNAL, &m);
	assert_int_equal(m.buffer_id, 6);
	expect_type(f, VMC_MSG_SIGNAL, &m);
	assert_int_equal(m.buffer_id, 7);
	vmc_hv_kick(&f->hv);
	expect_type(f, VMC_MSG_SIGNAL, &m);
	assert_int_equal(m.buffer_id, 8);
	assert_int_equal(vmc_hv_outq_len(&f->hv), 0);
	assert_int_equal(vmc_hv_next_deadline_us(&f->hv), UINT64_MAX);
}

static void test_crq_half_rule(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg cap = vmc_msg_cap(VMC_MSG_CAP, 2, 16, 4096, 8, 0x0101);

	/* the MP says its queue holds 8 entries: at most 4 outstanding */
	f->report_outstanding = true;
	vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0);
	fake_pop_msg(f, &cap);
	cap = vmc_msg_cap(VMC_MSG_CAP, 2, 16, 4096, 8, 0x0101);
	fake_send(f, &cap);
	assert_int_equal(f->ring_count, 3);	/* CAP_RESP + 2 seeds */
	expect_type(f, VMC_MSG_CAP_RESP, NULL);
	assert_int_equal(fake_answer_adds(f), 2);
	/* the open produces 8 ADD_BUFs + OPEN_RESP but only 4 may be in the ring */
	send_hmc(f, VMC_MSG_OPEN, 0, 1, 0, 0, 0);
	assert_int_equal(f->ring_count, 4);
	assert_true(st(f)->tx_throttled > 0);
	assert_int_equal(vmc_hv_outq_len(&f->hv), 5);
	{
		unsigned int seen = 0, guard = 0;
		struct vmc_msg m;

		while (seen < 9 && guard++ < 20) {
			while (fake_pop_msg(f, &m)) {
				seen++;
				if (m.type == VMC_MSG_ADD_BUF) {
					struct vmc_msg r = vmc_msg_hmc(VMC_MSG_ADD_BUF_RESP, m.session,
								       m.index, m.buffer_id);

					fake_send(f, &r);
				} else {
					assert_int_equal(m.type, VMC_MSG_OPEN_RESP);
				}
				assert_true(f->ring_count <= 4);
			}
			vmc_hv_kick(&f->hv);
		}
		assert_int_equal(seen, 9);
	}
	assert_int_equal(vmc_hv_session(&f->hv, 0), 1);
}

static void test_outq_bounded(void **state)
{
	struct fake_env *f = *state;
	unsigned int k;

	f->ring_capacity = 0;	/* the MP never consumes */
	for (k = 0; k < VMC_HV_OUTQ_MAX + 50; k++)
		vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0);
	/* each Init clears stale output; only one Init Complete is queued */
	assert_int_equal(vmc_hv_outq_len(&f->hv), 1);
	for (k = 0; k < VMC_HV_OUTQ_MAX + 50; k++)
		vmc_hv_inject_raw(&f->hv, 0x8099000000000000ULL | k, k);
	assert_int_equal(vmc_hv_outq_len(&f->hv), VMC_HV_OUTQ_MAX);
	assert_int_equal(st(f)->outq_overflow, 51);
	assert_int_equal(vmc_hv_inject_raw(&f->hv, 1, 2), VMC_HV_ERR_FULL);
	assert_int_equal(st(f)->outq_high_water, VMC_HV_OUTQ_MAX);
}

static void test_deferred_send(void **state)
{
	struct vmc_hv_config cfg;
	struct fake_env *f;
	uint64_t hi, lo;

	(void)state;
	fake_config_default(&cfg);
	cfg.deferred_send = true;
	f = fake_new(&cfg);
	vmc_hv_mp_registered(&f->hv, 256);
	vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0);
	assert_int_equal(f->ring_count, 0);
	assert_true(f->wakes > 0);
	assert_int_equal(vmc_hv_next_deadline_us(&f->hv), 0);
	vmc_hv_kick(&f->hv);
	assert_true(fake_pop(f, &hi, &lo));
	assert_true(hi == 0xC002000000000000ULL);
	assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
	fake_free(f);
}

/* ---------------- lifecycle ---------------- */

static void test_mp_freed(void **state)
{
	struct fake_env *f = *state;
	uint8_t id[4] = "abc";

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	assert_int_equal(fake_open(f, 1, 1, "h1"), 0);
	for (int k = 0; k < 4; k++)
		vmc_hv_hmc_send(&f->hv, 0, id, 3);
	f->ring_capacity = 0;
	vmc_hv_hmc_send(&f->hv, 0, id, 3);	/* staged */
	vmc_hv_mp_freed(&f->hv);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_DOWN);
	assert_int_equal(fake_count_events(f, VMC_HV_EV_CLOSE), 2);
	assert_int_equal(fake_count_events(f, VMC_HV_EV_LINK_DOWN), 1);
	assert_int_equal(fake_count_events(f, VMC_HV_EV_DROPPED), 1);
	assert_int_equal(vmc_hv_outq_len(&f->hv), 0);
	assert_int_equal(vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0), HV_H_CLOSED);
	assert_int_equal(vmc_hv_hmc_send(&f->hv, 0, id, 3), VMC_HV_ERR_STATE);
	assert_int_equal(vmc_hv_inject_raw(&f->hv, 1, 2), VMC_HV_ERR_STATE);
	assert_int_equal(vmc_hv_reset(&f->hv, 1, 0), VMC_HV_ERR_STATE);
	assert_int_equal(vmc_hv_send_init(&f->hv), VMC_HV_ERR_STATE);
	vmc_hv_mp_freed(&f->hv);	/* idempotent */
	assert_int_equal(st(f)->mp_frees, 1);
	/* re-register and come back */
	f->ring_capacity = 256;
	f->ring_count = 0;
	assert_int_equal(fake_bring_up(f, 2, 16, 4096), 0);
	assert_int_equal(fake_open(f, 0, 2, "again"), 0);
}

static void test_send_closed_means_freed(void **state)
{
	struct fake_env *f = *state;

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	f->mp_closed = true;
	assert_int_equal(vmc_hv_hmc_send(&f->hv, 0, "x", 1), VMC_HV_OK);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_DOWN);
	assert_int_equal(fake_count_events(f, VMC_HV_EV_CLOSE), 1);
}

static void test_reregister_without_free(void **state)
{
	struct fake_env *f = *state;

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	vmc_hv_mp_registered(&f->hv, 4096);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_WAIT_INIT);
	assert_int_equal(vmc_hv_session(&f->hv, 0), 0);
	assert_int_equal(st(f)->mp_registers, 2);
}

static void test_hv_reset(void **state)
{
	struct fake_env *f = *state;
	uint64_t hi, lo;
	struct vmc_msg m;

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	f->ring_capacity = 0;
	vmc_hv_hmc_add_buffer(&f->hv, 0, VMC_HV_OWNER_HV);	/* queued, never sent */
	f->ring_capacity = 256;
	f->now = 1000;
	assert_int_equal(vmc_hv_reset(&f->hv, 0x01, 500), VMC_HV_OK);
	/* the transport event first, nothing from the old state after it */
	assert_true(fake_pop(f, &hi, &lo));
	assert_true(hi == 0xFF01000000000000ULL);
	assert_int_equal(f->ring_count, 0);
	assert_int_equal(vmc_hv_session(&f->hv, 0), 0);
	assert_int_equal(fake_last_event(f, VMC_HV_EV_CLOSE)->code, VMC_HV_CLOSE_RESET);
	assert_int_equal(vmc_hv_next_deadline_us(&f->hv), 1500);
	vmc_hv_kick(&f->hv);
	assert_int_equal(f->ring_count, 0);
	f->now = 1500;
	vmc_hv_kick(&f->hv);
	assert_true(fake_pop(f, &hi, &lo));
	assert_true(hi == 0xC001000000000000ULL);
	/* the MP answers Init Complete + CAP */
	vmc_hv_receive(&f->hv, 0xC002000000000000ULL, 0);
	m = vmc_msg_cap(VMC_MSG_CAP, 2, 16, 4096, 256, 0x0101);
	fake_send(f, &m);
	expect_type(f, VMC_MSG_CAP_RESP, NULL);
	assert_int_equal(fake_answer_adds(f), 2);
	assert_int_equal(st(f)->violations_total, 0);
	/* reset with immediate re-init, and with none */
	vmc_hv_reset(&f->hv, 0x02, 0);
	assert_true(fake_pop(f, &hi, &lo) && hi == 0xFF02000000000000ULL);
	assert_true(fake_pop(f, &hi, &lo) && hi == 0xC001000000000000ULL);
	vmc_hv_reset(&f->hv, 0x02, UINT64_MAX);
	assert_true(fake_pop(f, &hi, &lo) && hi == 0xFF02000000000000ULL);
	assert_int_equal(vmc_hv_next_deadline_us(&f->hv), UINT64_MAX);
	assert_int_equal(vmc_hv_send_init(&f->hv), VMC_HV_OK);
	assert_true(fake_pop(f, &hi, &lo) && hi == 0xC001000000000000ULL);
}

static void test_inject_raw(void **state)
{
	struct fake_env *f = *state;
	uint64_t hi, lo;

	vmc_hv_fault_message(&f->hv, VMC_HV_DIR_TO_MP, VMC_HV_FAULT_DROP, 0, 1, 100, 0);
	assert_int_equal(vmc_hv_inject_raw(&f->hv, 0x8082010001000000ULL, 0x1122), VMC_HV_OK);
	assert_true(fake_pop(f, &hi, &lo));	/* raw entries bypass faults */
	assert_true(hi == 0x8082010001000000ULL && lo == 0x1122);
}

static void test_mp_reinit_while_ready(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;

	uint64_t hi, lo;

	assert_int_equal(fake_open(f, 1, 3, "h"), 0);
	f->ring_capacity = 0;
	vmc_hv_hmc_add_buffer(&f->hv, 1, VMC_HV_OWNER_HV);	/* stale, queued */
	f->ring_capacity = 256;
	vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0);
	assert_int_equal(vmc_hv_session(&f->hv, 1), 0);
	assert_int_equal(fake_last_event(f, VMC_HV_EV_CLOSE)->code, VMC_HV_CLOSE_RESET);
	assert_int_equal(fake_count_events(f, VMC_HV_EV_LINK_DOWN), 1);
	/* only the Init Complete: replies for the old incarnation are gone */
	assert_true(fake_pop(f, &hi, &lo));
	assert_true(hi == 0xC002000000000000ULL);
	assert_int_equal(f->ring_count, 0);
	/* HMC messages now count as before-CAP */
	send_hmc(f, VMC_MSG_SIGNAL, 0, 3, 1, 1, 1);
	assert_int_equal(st(f)->violations[VMC_HV_V_BEFORE_CAP], 1);
	(void)m;
}

static void test_cap_while_ready(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg cap = vmc_msg_cap(VMC_MSG_CAP, 1, 16, 4096, 256, 0x0101), m;

	assert_int_equal(fake_open(f, 0, 3, "h"), 0);
	fake_send(f, &cap);
	assert_int_equal(vmc_hv_session(&f->hv, 0), 0);
	expect_type(f, VMC_MSG_CAP_RESP, &m);
	expect_type(f, VMC_MSG_ADD_BUF, &m);
	assert_int_equal(m.buffer_id, 0);
	assert_int_equal(m.lioba, 0);
	assert_int_equal(f->ring_count, 0);
}

/* ---------------- message faults ---------------- */

static void test_fault_to_mp(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;

	/* drop the next OPEN_RESP only */
	vmc_hv_fault_message(&f->hv, VMC_HV_DIR_TO_MP, VMC_HV_FAULT_DROP, 0x8082, 1, 1, 0);
	send_hmc(f, VMC_MSG_OPEN, 0, 1, 0, 0, 0);
	assert_int_equal(fake_answer_adds(f), 8);
	assert_int_equal(f->ring_count, 0);
	assert_int_equal(st(f)->faults_fired, 1);
	/* duplicate the 2nd SIGNAL */
	vmc_hv_fault_message(&f->hv, VMC_HV_DIR_TO_MP, VMC_HV_FAULT_DUP, 0x8006, 2, 1, 0);
	vmc_hv_hmc_send(&f->hv, 0, "1", 1);
	vmc_hv_hmc_send(&f->hv, 0, "2", 1);
	expect_type(f, VMC_MSG_SIGNAL, &m);
	expect_type(f, VMC_MSG_SIGNAL, &m);
	expect_type(f, VMC_MSG_SIGNAL, &m);
	assert_int_equal(f->ring_count, 0);
	/* delay one SIGNAL by 100 us: it and everything behind it wait */
	vmc_hv_fault_message(&f->hv, VMC_HV_DIR_TO_MP, VMC_HV_FAULT_DELAY, 0, 1, 1, 100);
	vmc_hv_hmc_send(&f->hv, 0, "3", 1);
	vmc_hv_hmc_send(&f->hv, 0, "4", 1);
	assert_int_equal(f->ring_count, 0);
	assert_int_equal(vmc_hv_next_deadline_us(&f->hv), 100);
	f->now = 99;
	vmc_hv_kick(&f->hv);
	assert_int_equal(f->ring_count, 0);
	f->now = 100;
	vmc_hv_kick(&f->hv);
	assert_int_equal(f->ring_count, 2);
	/* NONE disarms */
	assert_int_equal(vmc_hv_fault_message(&f->hv, VMC_HV_DIR_TO_MP, VMC_HV_FAULT_NONE, 0, 1, 1,
					      0), VMC_HV_OK);
	assert_int_equal(vmc_hv_fault_message(&f->hv, 5, VMC_HV_FAULT_DROP, 0, 1, 1, 0),
			 VMC_HV_ERR_PARAM);
}

static void test_fault_to_hv(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m;
	unsigned int k;

	/* drop the MP's first ADD_BUF_RESP... the buffer stays pending */
	send_hmc(f, VMC_MSG_CLOSE, 0, 0, 0, 0, 0);
	expect_type(f, VMC_MSG_CLOSE_RESP, NULL);
	expect_type(f, VMC_MSG_ADD_BUF, &m);
	vmc_hv_fault_message(&f->hv, VMC_HV_DIR_TO_HV, VMC_HV_FAULT_DROP, 0x8084, 1, 1, 0);
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0, 0, 0, 0);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 0, 0, NULL), VMC_HV_BUF_ADD_PENDING);
	/* duplicate a CLOSE: the second is answered as a close of an idle index */
	vmc_hv_fault_message(&f->hv, VMC_HV_DIR_TO_HV, VMC_HV_FAULT_DUP, 0x8003, 1, 1, 0);
	send_hmc(f, VMC_MSG_CLOSE, 0, 0, 1, 0, 0);
	expect_type(f, VMC_MSG_CLOSE_RESP, NULL);
	expect_type(f, VMC_MSG_ADD_BUF, NULL);
	expect_type(f, VMC_MSG_CLOSE_RESP, NULL);
	expect_type(f, VMC_MSG_ADD_BUF, NULL);
	/* delay an Init 50 us: later entries queue behind it, order kept */
	vmc_hv_fault_message(&f->hv, VMC_HV_DIR_TO_HV, VMC_HV_FAULT_DELAY, 0xC001, 1, 1, 50);
	assert_int_equal(vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0), HV_H_SUCCESS);
	m = vmc_msg_cap(VMC_MSG_CAP, 1, 16, 4096, 256, 0x0101);
	assert_int_equal(fake_send(f, &m), HV_H_SUCCESS);
	assert_int_equal(f->ring_count, 0);
	assert_int_equal(vmc_hv_next_deadline_us(&f->hv), 50);
	f->now = 50;
	vmc_hv_kick(&f->hv);
	assert_true(fake_pop_msg(f, &m) == false);	/* 0xC002 is not a 0x80 entry */
	expect_type(f, VMC_MSG_CAP_RESP, NULL);
	/* hold queue overflow answers H_DROPPED */
	vmc_hv_fault_message(&f->hv, VMC_HV_DIR_TO_HV, VMC_HV_FAULT_DELAY, 0, 1, 1, 1000);
	for (k = 0; k < VMC_HV_INQ_MAX; k++)
		assert_int_equal(vmc_hv_receive(&f->hv, 0x8099000000000000ULL, 0), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_receive(&f->hv, 0x8099000000000000ULL, 0), HV_H_DROPPED);
	assert_int_equal(st(f)->violations[VMC_HV_V_INQ_OVERFLOW], 1);
	/* freeing drops held entries */
	vmc_hv_mp_freed(&f->hv);
	assert_int_equal(vmc_hv_next_deadline_us(&f->hv), UINT64_MAX);
}

/* ---------------- misc ---------------- */

static unsigned int dump_lines;
static void count_print(void *arg, const char *fmt, ...)
{
	(void)arg;
	(void)fmt;
	dump_lines++;
}

static void test_dump_and_names(void **state)
{
	struct fake_env *f = *state;
	int k;

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	send_hmc(f, 0x99, 0, 0, 0, 0, 0);
	dump_lines = 0;
	vmc_hv_dump(&f->hv, count_print, NULL);
	assert_true(dump_lines >= 8);
	for (k = 0; k < VMC_HV_V_COUNT; k++)
		assert_string_not_equal(vmc_hv_violation_name(k), "UNKNOWN");
	for (k = 0; k < VMC_HV_KNOB_COUNT; k++)
		assert_string_not_equal(vmc_hv_knob_name(k), "UNKNOWN");
	assert_string_equal(vmc_hv_violation_name(-1), "UNKNOWN");
	assert_string_equal(vmc_hv_knob_name(99), "UNKNOWN");
	assert_string_equal(vmc_hv_phase_name(VMC_HV_PHASE_READY), "READY");
	assert_string_equal(vmc_hv_phase_name(9), "UNKNOWN");
	assert_string_equal(vmc_hv_result_name(VMC_HV_ERR_NOBUF), "ERR_NOBUF");
	assert_string_equal(vmc_hv_result_name(42), "ERR_UNKNOWN");
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 9, 0, NULL), -1);
	assert_int_equal(vmc_hv_session(&f->hv, 99), 0);
	assert_true(f->logs > 0);
}

static void test_two_hmcs(void **state)
{
	struct fake_env *f = *state;
	const struct fake_event *e;
	struct vmc_msg m;

	assert_int_equal(fake_open(f, 0, 1, "first"), 0);
	assert_int_equal(fake_open(f, 1, 1, "second"), 0);
	/* MP -> HV on index 1 */
	memcpy(f->local + 0x5000, "to-two", 6);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 6, LOCAL, 0x5000, REMOTE,
					  vmc_hv_lioba(&f->hv, 1, 1)), HV_H_SUCCESS);
	send_hmc(f, VMC_MSG_SIGNAL, 0, 1, 1, 1, 6);
	e = fake_last_event(f, VMC_HV_EV_MESSAGE);
	assert_int_equal(e->index, 1);
	assert_memory_equal(e->data, "to-two", 6);
	/* HV -> MP on index 0 */
	assert_int_equal(vmc_hv_hmc_send(&f->hv, 0, "to-one", 6), VMC_HV_OK);
	expect_type(f, VMC_MSG_SIGNAL, &m);
	assert_int_equal(m.index, 0);
	/* closing 0 leaves 1 alone */
	send_hmc(f, VMC_MSG_CLOSE, 0, 1, 0, 0, 0);
	assert_int_equal(vmc_hv_session(&f->hv, 1), 1);
	assert_int_equal(vmc_hv_session(&f->hv, 0), 0);
}

/* Regression (fuzzer): a CLOSE handler adding a buffer while the engine tears down. */
static void add_on_close_hook(struct fake_env *f, const struct vmc_hv_event *ev)
{
	if (ev->kind == VMC_HV_EV_CLOSE)
		assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, ev->index, VMC_HV_OWNER_HV),
				 VMC_HV_ERR_STATE);
	if (ev->kind == VMC_HV_EV_LINK_DOWN)
		assert_int_equal(vmc_hv_hmc_send(&f->hv, 0, "x", 1), VMC_HV_ERR_STATE);
}

static void test_callback_during_teardown(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg cap = vmc_msg_cap(VMC_MSG_CAP, 1, 16, 4096, 256, 0x0101);

	assert_int_equal(fake_open(f, 1, 1, "h"), 0);
	f->on_event = add_on_close_hook;
	vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0);
	fake_send(f, &cap);	/* renegotiate with one HMC only */
	assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 1, 0, NULL), VMC_HV_BUF_ABSENT);
	f->on_event = NULL;
}

/* Regression-style: a CLOSE handler that resets the channel from inside the callback. */
static void reset_on_close_hook(struct fake_env *f, const struct vmc_hv_event *ev)
{
	if (ev->kind == VMC_HV_EV_CLOSE)
		vmc_hv_reset(&f->hv, 0x01, 10);
}

static void test_reset_from_callback(void **state)
{
	struct fake_env *f = *state;

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	assert_int_equal(fake_open(f, 1, 1, "h"), 0);
	f->on_event = reset_on_close_hook;
	send_hmc(f, VMC_MSG_CLOSE, 0, 1, 0, 0, 0);
	assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
	assert_int_equal(vmc_hv_session(&f->hv, 1), 0);
	f->on_event = NULL;
}

/*
 * A Linux-like MP in deferred-send mode with a small queue: open, 200
 * messages each way (ping-pong through the ownership hand-over), close,
 * re-open, repeated on both indices. Acceptance scenarios 1, 3, 7 (§9.6).
 */
static void mp_drain(struct fake_env *f, unsigned int *signals, uint8_t *last_id, uint32_t *len)
{
	struct vmc_msg m, r;
	uint64_t hi, lo;

	vmc_hv_kick(&f->hv);
	while (fake_pop(f, &hi, &lo)) {
		if (!vmc_msg_decode(&m, hi, lo))
			continue;
		if (m.type == VMC_MSG_ADD_BUF) {
			r = vmc_msg_hmc(VMC_MSG_ADD_BUF_RESP, m.session, m.index, m.buffer_id);
			assert_int_equal(fake_send(f, &r), HV_H_SUCCESS);
		} else if (m.type == VMC_MSG_SIGNAL) {
			(*signals)++;
			*last_id = (uint8_t)m.buffer_id;
			*len = m.msg_len;
			assert_int_equal(vmc_hv_copy_rdma(&f->hv, m.msg_len, REMOTE,
							  vmc_hv_lioba(&f->hv, m.index, m.buffer_id),
							  LOCAL, 0x30000), HV_H_SUCCESS);
		}
		vmc_hv_kick(&f->hv);
	}
}

static void test_lifecycle_ping_pong(void **state)
{
	struct vmc_hv_config cfg;
	struct fake_env *f;
	unsigned int round, k, signals = 0;
	uint8_t id = 0;
	uint32_t len = 0;

	(void)state;
	fake_config_default(&cfg);
	cfg.max_hmcs = 2;
	cfg.deferred_send = true;
	f = fake_new(&cfg);
	f->report_outstanding = true;
	vmc_hv_mp_registered(&f->hv, 16);
	vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0);
	mp_drain(f, &signals, &id, &len);
	{
		struct vmc_msg cap = vmc_msg_cap(VMC_MSG_CAP, 2, 16, 4096, 16, 0x0101);

		fake_send(f, &cap);
	}
	mp_drain(f, &signals, &id, &len);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_READY);
	for (round = 0; round < 3; round++) {
		for (unsigned int idx = 0; idx < 2; idx++) {
			struct vmc_msg m = vmc_msg_hmc(VMC_MSG_OPEN, (uint8_t)(round + 1), (uint8_t)idx, 0);
			uint8_t mp_buf;

			vmc_hv_copy_rdma(&f->hv, 4096, LOCAL, 0, REMOTE, vmc_hv_lioba(&f->hv, idx, 0));
			fake_send(f, &m);
			mp_drain(f, &signals, &id, &len);
			assert_int_equal(vmc_hv_session(&f->hv, idx), round + 1);
			mp_buf = 1;	/* first owner=0 session buffer */
			for (k = 0; k < 200; k++) {
				unsigned int before = signals;

				/* MP -> HV with its buffer, HMC echoes, MP receives and reuses it */
				snprintf((char *)f->local + 0x1000, 64, "msg %u/%u", idx, k);
				assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 0x1000, REMOTE,
								  vmc_hv_lioba(&f->hv, idx, mp_buf)),
						 HV_H_SUCCESS);
				m = vmc_msg_hmc(VMC_MSG_SIGNAL, (uint8_t)(round + 1), (uint8_t)idx, mp_buf);
				m.msg_len = 16;
				assert_int_equal(fake_send(f, &m), HV_H_SUCCESS);
				assert_int_equal(fake_last_event(f, VMC_HV_EV_MESSAGE)->len, 16);
				assert_int_equal(vmc_hv_hmc_send(&f->hv, idx, f->local + 0x1000, 16),
						 VMC_HV_OK);
				mp_drain(f, &signals, &id, &len);
				assert_int_equal(signals, before + 1);
				assert_int_equal(len, 16);
				assert_memory_equal(f->local + 0x30000, f->local + 0x1000, 16);
				mp_buf = id;	/* the received buffer is MP-owned now */
				assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
				f->nev = 0;
			}
			m = vmc_msg_hmc(VMC_MSG_CLOSE, (uint8_t)(round + 1), (uint8_t)idx, 0);
			fake_send(f, &m);
			mp_drain(f, &signals, &id, &len);
			assert_int_equal(vmc_hv_session(&f->hv, idx), 0);
			assert_int_equal(vmc_hv_buffer_info(&f->hv, idx, 0, NULL), VMC_HV_BUF_PRESENT);
		}
	}
	assert_int_equal(vmc_hv_get_stats(&f->hv)->msgs_to_mp, 1200);
	assert_int_equal(vmc_hv_get_stats(&f->hv)->msgs_to_hmc, 1200);
	assert_int_equal(vmc_hv_get_stats(&f->hv)->violations_total, 0);
	assert_int_equal(vmc_hv_get_stats(&f->hv)->outq_overflow, 0);
	assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
	fake_free(f);
}

static void test_remote_base_and_crossing_init(void **state)
{
	struct vmc_hv_config cfg;
	struct fake_env *f;
	struct vmc_msg m;
	uint64_t hi, lo;

	(void)state;
	fake_config_default(&cfg);
	cfg.remote_base = 0x100000;
	f = fake_new(&cfg);
	assert_int_equal(fake_bring_up(f, 1, 16, 4096), 0);
	assert_int_equal(vmc_hv_lioba(&f->hv, 0, 1), 0x100000 + 4096);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 0, REMOTE, 0), HV_H_DEST_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 16, LOCAL, 0, REMOTE, 0x100000), HV_H_SUCCESS);
	/* HV Init, then the MP's Init Complete after its own Init crossed ours */
	vmc_hv_send_init(&f->hv);
	assert_true(fake_pop(f, &hi, &lo) && hi == 0xC001000000000000ULL);
	vmc_hv_receive(&f->hv, 0xC002000000000000ULL, 0);	/* completes ours */
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_WAIT_CAP);
	vmc_hv_send_init(&f->hv);
	fake_pop(f, &hi, &lo);
	vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0);	/* MP's Init crosses ours */
	assert_true(fake_pop(f, &hi, &lo) && hi == 0xC002000000000000ULL);
	assert_int_equal(st(f)->violations_total, 0);
	m = vmc_msg_cap(VMC_MSG_CAP, 1, 16, 4096, 256, 0x0101);
	fake_send(f, &m);
	expect_type(f, VMC_MSG_CAP_RESP, NULL);
	expect_type(f, VMC_MSG_ADD_BUF, &m);
	assert_int_equal(m.lioba, 0x100000);
	assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
	fake_free(f);
}

/* Regression (lifecycle fuzzer): a CAP the MP sent before it saw our reset is stale. */
static void test_stale_after_reset(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg cap = vmc_msg_cap(VMC_MSG_CAP, 2, 16, 4096, 256, 0x0101);
	uint64_t hi, lo;

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	vmc_hv_reset(&f->hv, 0x01, UINT64_MAX);
	assert_true(fake_pop(f, &hi, &lo) && hi == 0xFF01000000000000ULL);
	/* in flight before the MP processed the event */
	fake_send(f, &cap);
	send_hmc(f, VMC_MSG_SIGNAL, 0, 1, 0, 1, 8);
	send_hmc(f, VMC_MSG_CLOSE, 0, 1, 0, 0, 0);
	assert_int_equal(st(f)->stale_dropped, 3);
	assert_int_equal(st(f)->violations_total, 0);
	assert_int_equal(f->ring_count, 0);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_WAIT_INIT);
	/* our Init, answered: now the MP counts again */
	vmc_hv_send_init(&f->hv);
	assert_true(fake_pop(f, &hi, &lo) && hi == 0xC001000000000000ULL);
	vmc_hv_receive(&f->hv, 0xC002000000000000ULL, 0);
	fake_send(f, &cap);
	expect_type(f, VMC_MSG_CAP_RESP, NULL);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_READY);
	assert_int_equal(fake_answer_adds(f), 2);
	/* the MP's own Init also ends the stale window */
	vmc_hv_reset(&f->hv, 0x02, UINT64_MAX);
	fake_pop(f, &hi, &lo);
	vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0);
	assert_true(fake_pop(f, &hi, &lo) && hi == 0xC002000000000000ULL);
	fake_send(f, &cap);
	expect_type(f, VMC_MSG_CAP_RESP, NULL);
	assert_int_equal(st(f)->violations_total, 0);
}

/*
 * Regressions (lifecycle fuzzer): the MP closes while our SIGNAL, ADD_BUFs
 * and a REM_BUF of the session are still ahead of the CLOSE_RESP in its
 * queue. It must be able to copy the SIGNAL out and answer the rest
 * without the HV counting violations.
 */
static void test_close_with_traffic_in_flight(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg m, sig, add, rem;
	int owner;

	assert_int_equal(fake_open(f, 0, 1, "h"), 0);
	f->ring_capacity = 0;		/* the MP is slow: everything stays queued */
	assert_int_equal(vmc_hv_hmc_send(&f->hv, 0, "in flight", 9), VMC_HV_OK);
	assert_int_equal(vmc_hv_hmc_add_buffer(&f->hv, 0, VMC_HV_OWNER_HV), VMC_HV_OK);
	assert_int_equal(vmc_hv_hmc_remove_buffer(&f->hv, 0), VMC_HV_OK);
	send_hmc(f, VMC_MSG_CLOSE, 0, 1, 0, 0, 0);	/* the MP closes meanwhile */
	f->ring_capacity = 256;
	vmc_hv_kick(&f->hv);
	expect_type(f, VMC_MSG_SIGNAL, &sig);
	expect_type(f, VMC_MSG_ADD_BUF, &add);
	expect_type(f, VMC_MSG_REM_BUF, &rem);
	/* the buffer is retired, not gone: the copy-out works */
	assert_int_equal(vmc_hv_buffer_info(&f->hv, 0, sig.buffer_id, &owner), VMC_HV_BUF_ABSENT);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 9, REMOTE, vmc_hv_lioba(&f->hv, 0, sig.buffer_id),
					  LOCAL, 0x6000), HV_H_SUCCESS);
	assert_memory_equal(f->local + 0x6000, "in flight", 9);
	/* late answers of the closed session */
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, add.session, 0, add.buffer_id, 0);
	send_hmc(f, VMC_MSG_REM_BUF_RESP, 0, rem.session, 0, 2, 0);
	expect_type(f, VMC_MSG_CLOSE_RESP, NULL);
	expect_type(f, VMC_MSG_ADD_BUF, &m);	/* re-seed, ID 0 */
	assert_int_equal(m.buffer_id, 0);
	assert_int_equal(st(f)->violations_total, 0);
	assert_int_equal(st(f)->stale_dropped, 2);
	/* once the MP answers the re-seed, the old session's buffers are really gone */
	send_hmc(f, VMC_MSG_ADD_BUF_RESP, 0, 0, 0, 0, 0);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 9, REMOTE, vmc_hv_lioba(&f->hv, 0, sig.buffer_id),
					  LOCAL, 0x6000), HV_H_SOURCE_PARM);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 9, REMOTE, vmc_hv_lioba(&f->hv, 0, 0), LOCAL,
					  0x6000), HV_H_SUCCESS);
}

/* Regression (lifecycle fuzzer): the MP answers an Init we sent before a reset. */
static void test_init_answer_before_reset(void **state)
{
	struct fake_env *f = *state;
	struct vmc_msg cap = vmc_msg_cap(VMC_MSG_CAP, 2, 16, 4096, 256, 0x0101);
	uint64_t hi, lo;

	vmc_hv_send_init(&f->hv);			/* Init #1 reaches the MP */
	assert_true(fake_pop(f, &hi, &lo) && hi == 0xC001000000000000ULL);
	vmc_hv_reset(&f->hv, 0x01, 0);			/* event + Init #2 */
	assert_true(fake_pop(f, &hi, &lo) && hi == 0xFF01000000000000ULL);
	assert_true(fake_pop(f, &hi, &lo) && hi == 0xC001000000000000ULL);
	/* the MP answers #1 (and sends a CAP) before it sees the event */
	vmc_hv_receive(&f->hv, 0xC002000000000000ULL, 0);
	fake_send(f, &cap);
	assert_int_equal(f->ring_count, 0);		/* stale CAP ignored */
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_WAIT_INIT);
	/* then the event, then #2: C002 + CAP */
	vmc_hv_receive(&f->hv, 0xC002000000000000ULL, 0);
	fake_send(f, &cap);
	expect_type(f, VMC_MSG_CAP_RESP, NULL);
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_READY);
	assert_int_equal(st(f)->violations_total, 0);
	assert_int_equal(st(f)->stale_dropped, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_validation),
		cmocka_unit_test_setup_teardown(test_header_checks, setup_plain, fake_teardown),
		cmocka_unit_test_setup_teardown(test_init_handshake_mp_first, setup_plain, fake_teardown),
		cmocka_unit_test(test_init_handshake_hv_first),
		cmocka_unit_test_setup_teardown(test_cap_implicit_handshake, setup_plain, fake_teardown),
		cmocka_unit_test(test_cap_negotiation_and_seeds),
		cmocka_unit_test_setup_teardown(test_cap_bad_version, setup_plain, fake_teardown),
		cmocka_unit_test_setup_teardown(test_cap_forced_values, setup_plain, fake_teardown),
		cmocka_unit_test_setup_teardown(test_cap_zero_values, setup_plain, fake_teardown),
		cmocka_unit_test_setup_teardown(test_hmc_before_cap, setup_plain, fake_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_direction_and_unknown, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_open_success, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_open_failures, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_open_forced_status, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_open_implicit_confirm, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_signal_mp_to_hv, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_signal_violations, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_hmc_send_and_pending, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_echo_from_callback, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_close_and_reopen, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_close_violations, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_add_buf_resp_paths, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_add_buffer_command_and_knobs, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_remove_buffer, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_copy_rdma_errors, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_copy_rdma_same_pane_and_strict, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_copy_rdma_without_check_op, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_copy_rdma_fault, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_request_vmc, setup_plain, fake_teardown),
		cmocka_unit_test_setup_teardown(test_queue_full_and_retry, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_crq_half_rule, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_outq_bounded, setup_ready, fake_teardown),
		cmocka_unit_test(test_deferred_send),
		cmocka_unit_test_setup_teardown(test_mp_freed, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_send_closed_means_freed, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_reregister_without_free, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_hv_reset, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_inject_raw, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_mp_reinit_while_ready, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_cap_while_ready, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_fault_to_mp, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_fault_to_hv, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_dump_and_names, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_two_hmcs, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_callback_during_teardown, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_reset_from_callback, setup_ready, fake_teardown),
		cmocka_unit_test(test_lifecycle_ping_pong),
		cmocka_unit_test_setup_teardown(test_stale_after_reset, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_close_with_traffic_in_flight, setup_ready, fake_teardown),
		cmocka_unit_test_setup_teardown(test_init_answer_before_reset, setup_ready, fake_teardown),
		cmocka_unit_test(test_remote_base_and_crossing_init),
	};

	return cmocka_run_group_tests_name("hv_engine", tests, NULL, NULL);
}
