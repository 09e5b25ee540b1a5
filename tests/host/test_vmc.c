// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_vmc.c - the MP engine against the HV engine through the simulator:
 * full lifecycles, two HMCs, backpressure, capability refusals,
 * H_REQUEST_VMC, the state dump.
 *
 * Section numbers (§) are those of docs/vmc-protocol.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hcall/hcall.h"
#include "lib/time.h"
#include "tests/host/harness.h"

static struct harness H;

static int setup(void **state)
{
	harness_setup(&H, NULL, NULL);
	return 0;
}

static int teardown(void **state)
{
	harness_invariants(&H);
	harness_teardown(&H);
	return 0;
}

static unsigned int hv_msgs_on(unsigned int index)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < H.n_hv_ev; i++)
		n += H.hv_ev[i].kind == VMC_HV_EV_MESSAGE && H.hv_ev[i].index == index;
	return n;
}

static void test_handshake_and_caps(void **state)
{
	harness_ready(&H);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	/* min(MP 2/32/4096, HV 2/16/4096) */
	assert_int_equal(H.v.nhmc, 2);
	assert_int_equal(H.v.pool, 16);
	assert_int_equal(H.v.mtu, 4096);
	assert_int_equal(harness_events(&H, VMC_EV_READY), 1);
	/* One seed per index, MP-owned. */
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 1);
	assert_int_equal(vmc_buf_count(&H.v, 1, VMC_BUF_FREE), 1);
	assert_int_equal(vmc_hv_phase(sim_hv()), VMC_HV_PHASE_READY);
	/* The queue and the mirrors are TCE-mapped: the CRQ page and every buffer page. */
	assert_true(sim_get_stats()->tce_puts >= 1 + vmc_buf_mem_size(&H.cfg) / 4096);
}

static void test_full_lifecycle(void **state)
{
	uint8_t msg[4096];
	uint32_t drc = 0;
	const int N = 20;

	assert_int_equal(vmc_request_vmc(&drc, NULL), VMC_OK);
	harness_ready(&H);
	harness_open(&H, 0, 0x11);
	assert_int_equal(harness_events(&H, VMC_EV_OPENED), 1);
	assert_int_equal(vmc_hv_session(sim_hv(), 0), vmc_hmc_session(&H.v, 0));
	assert_int_equal(H.hv_open_id[0][0], 'H');
	assert_int_equal(H.hv_open_id[0][31], 0x11);
	/* MP -> HMC */
	for (int i = 0; i < N; i++) {
		uint32_t len = 1 + (uint32_t)i * 200;

		harness_pattern(msg, len, (uint32_t)i);
		memcpy(msg, &i, sizeof(i));
		enum vmc_result r = vmc_send(&H.v, 0, msg, len);
		assert_true(r == VMC_OK || r == VMC_QUEUED);
		/* the HMC answers each one: the buffer comes back */
		harness_pattern(msg, 100 + (uint32_t)i, 1000u + (uint32_t)i);
		assert_int_equal(vmc_hv_hmc_send(sim_hv(), 0, msg, 100 + (uint32_t)i), VMC_HV_OK);
		harness_run(&H, 500);
	}
	harness_run(&H, 5000);
	assert_int_equal(hv_msgs_on(0), N);
	assert_int_equal(H.n_rx, N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(H.rx[i].index, 0);
		assert_int_equal(H.rx[i].len, 100 + i);
		assert_true(harness_pattern_ok(H.rx[i].data, H.rx[i].len, 1000u + (uint32_t)i));
	}
	/* HMC side saw them in order with the right length */
	{
		int k = 0;

		for (unsigned int e = 0; e < H.n_hv_ev; e++) {
			if (H.hv_ev[e].kind != VMC_HV_EV_MESSAGE)
				continue;
			int seq;

			memcpy(&seq, H.hv_msg[e].data, sizeof(seq));
			assert_int_equal(seq, k);
			assert_int_equal(H.hv_msg[e].len, 1 + k * 200);
			k++;
		}
		assert_int_equal(k, N);
	}
	/* close, then re-open: a new session number, the ID arrives again */
	uint8_t old = vmc_hmc_session(&H.v, 0);

	assert_int_equal(vmc_close(&H.v, 0), VMC_OK);
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_CLOSING);
	/* no re-open before CLOSE_RESP */
	assert_int_equal(vmc_open(&H.v, 0, H.hv_open_id[0], NULL), VMC_ERR_STATE);
	harness_run(&H, 2000);
	assert_int_equal(harness_events(&H, VMC_EV_CLOSED), 1);
	assert_int_equal(harness_last_event(&H, VMC_EV_CLOSED)->result, VMC_OK);
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_IDLE);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 1);	/* re-seeded */
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_HV), 0);
	harness_open(&H, 0, 0x22);
	assert_int_not_equal(vmc_hmc_session(&H.v, 0), old);
	assert_int_equal(H.hv_open_id[0][31], 0x22);
	msg[0] = 'x';
	assert_int_equal(vmc_send(&H.v, 0, msg, 1), VMC_OK);
	harness_run(&H, 1000);
	assert_int_equal(hv_msgs_on(0), N + 1);
}

static void test_two_hmcs(void **state)
{
	uint8_t m[64];

	harness_ready(&H);
	harness_open(&H, 0, 0xA0);
	harness_open(&H, 1, 0xB1);
	assert_int_not_equal(memcmp(H.hv_open_id[0], H.hv_open_id[1], 32), 0);
	/* No third slot. */
	assert_int_equal(vmc_open(&H.v, VMC_INDEX_ANY, H.hv_open_id[0], NULL), VMC_ERR_NO_SLOT);
	for (int i = 0; i < 10; i++) {
		memset(m, 'a' + i, sizeof(m));
		assert_true(vmc_send(&H.v, (unsigned int)(i & 1), m, 10 + (size_t)i) <= VMC_QUEUED);
		m[0] = (uint8_t)i;
		assert_int_equal(vmc_hv_hmc_send(sim_hv(), (unsigned int)((i + 1) & 1), m, 5), VMC_HV_OK);
		harness_run(&H, 300);
	}
	assert_int_equal(hv_msgs_on(0), 5);
	assert_int_equal(hv_msgs_on(1), 5);
	assert_int_equal(H.n_rx, 10);
	for (unsigned int i = 0; i < H.n_rx; i++) {
		assert_int_equal(H.rx[i].index, (i + 1) & 1);
		assert_int_equal(H.rx[i].data[0], i);
	}
	/* Closing one leaves the other working. */
	assert_int_equal(vmc_close(&H.v, 0), VMC_OK);
	harness_run(&H, 1000);
	assert_int_equal(vmc_hmc_get_state(&H.v, 1), VMC_HMC_OPEN);
	assert_int_equal(vmc_send(&H.v, 1, "z", 1), VMC_OK);
	assert_int_equal(vmc_send(&H.v, 0, "z", 1), VMC_ERR_STATE);
	harness_run(&H, 300);
	assert_int_equal(hv_msgs_on(1), 6);
}

static void test_backpressure_queue(void **state)
{
	uint8_t m[32];
	unsigned int mp_bufs, sent_now = 0, queued = 0;
	enum vmc_result r;
	int i;

	harness_ready(&H);
	harness_open(&H, 0, 1);
	mp_bufs = vmc_buf_count(&H.v, 0, VMC_BUF_FREE);
	assert_true(mp_bufs >= 1);
	for (i = 0; i < 100; i++) {
		memset(m, 0, sizeof(m));
		memcpy(m, &i, sizeof(i));
		r = vmc_send(&H.v, 0, m, sizeof(m));
		if (r == VMC_OK)
			sent_now++;
		else if (r == VMC_QUEUED)
			queued++;
		else
			break;
	}
	assert_int_equal(r, VMC_ERR_BACKPRESSURE);
	assert_int_equal(sent_now, mp_bufs);
	assert_int_equal(queued, VMC_SENDQ_DEPTH);
	assert_int_equal(vmc_sendq_len(&H.v, 0), VMC_SENDQ_DEPTH);
	assert_int_equal(H.v.stats.sends_backpressure, 1);
	/* The HMC replies: each reply hands a buffer back, the queue drains in order. */
	for (unsigned int k = 0; k < queued; k++) {
		assert_int_equal(vmc_hv_hmc_send(sim_hv(), 0, "r", 1), VMC_HV_OK);
		harness_run(&H, 300);
	}
	assert_int_equal(vmc_sendq_len(&H.v, 0), 0);
	assert_int_equal(harness_events(&H, VMC_EV_SEND_DONE), queued);
	{
		int k = 0;

		for (unsigned int e = 0; e < H.n_hv_ev; e++) {
			int seq;

			if (H.hv_ev[e].kind != VMC_HV_EV_MESSAGE)
				continue;
			memcpy(&seq, H.hv_msg[e].data, sizeof(seq));
			assert_int_equal(seq, k++);
		}
		assert_int_equal(k, (int)(sent_now + queued));
	}
}

static void test_send_validation(void **state)
{
	uint8_t big[4097] = { 0 };

	assert_int_equal(vmc_send(&H.v, 0, "x", 1), VMC_ERR_NOT_READY);
	harness_ready(&H);
	assert_int_equal(vmc_send(&H.v, 0, "x", 1), VMC_ERR_STATE);	/* not open */
	harness_open(&H, 0, 3);
	assert_int_equal(vmc_send(&H.v, 0, big, 4097), VMC_ERR_TOO_BIG);
	assert_int_equal(vmc_send(&H.v, 0, big, 0), VMC_ERR_PARAM);	/* never eats a buffer */
	assert_int_equal(vmc_send(&H.v, 2, big, 1), VMC_ERR_PARAM);
	assert_int_equal(vmc_send(&H.v, 0, NULL, 1), VMC_ERR_PARAM);
	assert_int_equal(vmc_send(&H.v, 0, big, 4096), VMC_OK);
	assert_int_equal(vmc_close(&H.v, 1), VMC_ERR_STATE);
	assert_int_equal(vmc_close(&H.v, 7), VMC_ERR_PARAM);
	assert_int_equal(vmc_open(&H.v, 0, NULL, NULL), VMC_ERR_PARAM);
	assert_int_equal(vmc_open(&H.v, 0, big, NULL), VMC_ERR_STATE);
	assert_int_equal(vmc_open(&H.v, 5, big, NULL), VMC_ERR_PARAM);
}

static void test_echo_from_callback(void **state)
{
	harness_ready(&H);
	harness_open(&H, 0, 9);
	H.echo = true;	/* vmc_send from inside on_rx */
	for (int i = 0; i < 30; i++) {
		uint8_t m[8] = { (uint8_t)i };

		assert_int_equal(vmc_hv_hmc_send(sim_hv(), 0, m, sizeof(m)), VMC_HV_OK);
		harness_run(&H, 200);
		harness_invariants(&H);
	}
	assert_int_equal(H.n_rx, 30);
	assert_int_equal(hv_msgs_on(0), 30);
}

struct cap_case {
	int knob;
	int64_t value;
	bool ready;
};

static void run_cap_case(const struct cap_case *c)
{
	harness_setup(&H, NULL, NULL);
	vmc_hv_set_knob(sim_hv(), c->knob, c->value);
	assert_int_equal(vmc_start(&H.v), VMC_OK);
	harness_run(&H, 20000);
	if (c->ready) {
		assert_int_equal(H.v.state, VMC_STATE_READY);
	} else {
		assert_int_equal(H.v.state, VMC_STATE_FAILED);
		assert_int_equal(harness_events(&H, VMC_EV_FAILED), 1);
		assert_int_equal(H.v.stats.caps_refused, 1);
		/* No sessions in FAILED, and no HMC message is taken. */
		assert_int_equal(vmc_open(&H.v, VMC_INDEX_ANY, H.hv_open_id[0], NULL),
				 VMC_ERR_FAILED);
		assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 0);
	}
	harness_invariants(&H);
	harness_teardown(&H);
}

static void test_capability_refusals(void **state)
{
	const struct cap_case cases[] = {
		{ VMC_HV_KNOB_CAP_VERSION, 0x0201, false },	/* major 2 */
		{ VMC_HV_KNOB_CAP_VERSION, 0x0001, false },	/* major 0 */
		{ VMC_HV_KNOB_CAP_VERSION, 0x01FF, true },	/* minor ignored */
		{ VMC_HV_KNOB_CAP_MAX_HMC, 0, false },		/* Linux: 0xFFFFFFFF index */
		{ VMC_HV_KNOB_CAP_POOL, 0, false },
		{ VMC_HV_KNOB_CAP_MTU, 2048, false },
		{ VMC_HV_KNOB_CAP_MTU, 0, false },
		{ VMC_HV_KNOB_CAP_STATUS, 1, false },
		{ VMC_HV_KNOB_CAP_STATUS, 2, false },
		{ VMC_HV_KNOB_CAP_MAX_HMC, 1, true },
	};

	harness_teardown(&H);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_cap_case(&cases[i]);
	harness_setup(&H, NULL, NULL);
}

static void test_caps_negotiate_down(void **state)
{
	struct sim_config sc;

	harness_teardown(&H);
	sim_config_default(&sc);
	sc.hv.max_hmcs = 4;
	sc.hv.pool_size = 64;
	sc.hv.max_mtu = 16384;
	harness_setup(&H, &sc, NULL);	/* MP offers 2 / 32 / 4096 */
	harness_ready(&H);
	assert_int_equal(H.v.nhmc, 2);
	assert_int_equal(H.v.pool, 32);
	assert_int_equal(H.v.mtu, 4096);
	{
		uint32_t mtu, pool, nhmc;

		vmc_hv_negotiated(sim_hv(), &mtu, &pool, &nhmc);
		assert_int_equal(mtu, 4096);
		assert_int_equal(pool, 32);
		assert_int_equal(nhmc, 2);
	}
}

static void set_big(struct vmc_config *c)
{
	c->max_mtu = 16384;
	c->max_hmcs = 1;
	c->pool_size = 8;
}

static void test_big_mtu_messages(void **state)
{
	struct sim_config sc;
	static uint8_t m[16384];

	harness_teardown(&H);
	sim_config_default(&sc);
	sc.hv.max_mtu = 16384;
	sc.hv.pool_size = 8;
	harness_setup(&H, &sc, set_big);
	harness_ready(&H);
	assert_int_equal(H.v.mtu, 16384);
	harness_open(&H, 0, 4);
	harness_pattern(m, sizeof(m), 77);
	assert_int_equal(vmc_send(&H.v, 0, m, sizeof(m)), VMC_OK);
	assert_int_equal(vmc_hv_hmc_send(sim_hv(), 0, m, sizeof(m)), VMC_HV_OK);
	harness_run(&H, 1000);
	assert_int_equal(H.n_rx, 1);
	assert_int_equal(H.rx[0].len, 16384);
	assert_true(harness_pattern_ok(H.rx[0].data, 16384, 77));
	assert_int_equal(hv_msgs_on(0), 1);
}

static void test_request_vmc(void **state)
{
	struct {
		long rc;
		int count;
		enum vmc_result want;
	} c[] = {
		{ H_AUTHORITY, -1, VMC_ERR_AUTHORITY },
		{ H_NOT_AVAILABLE, -1, VMC_ERR_NOT_AVAILABLE },
		{ H_FUNCTION, -1, VMC_ERR_UNSUPPORTED },
		{ H_HARDWARE, -1, VMC_ERR_HCALL },
		{ H_PARAMETER, -1, VMC_ERR_HCALL },
		{ 77, -1, VMC_ERR_HCALL },	/* unknown rc is not success (§12.26) */
		{ H_BUSY, 3, VMC_OK },
		{ H_LONG_BUSY_ORDER_10MSEC, 2, VMC_OK },
		{ H_LONG_BUSY_ORDER_1SEC, -1, VMC_ERR_BUSY },	/* bounded */
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint32_t drc = 0xFFFFFFFF;
		long rc = 0;
		uint64_t t0 = sim_now_us();

		vmc_hv_faults_clear(sim_hv());
		vmc_hv_set_knob(sim_hv(), VMC_HV_KNOB_REQUEST_VMC_RC, c[i].rc);
		if (c[i].count > 0)
			vmc_hv_set_knob(sim_hv(), VMC_HV_KNOB_REQUEST_VMC_COUNT, c[i].count);
		assert_int_equal(vmc_request_vmc(&drc, &rc), c[i].want);
		if (c[i].want == VMC_OK)
			assert_int_equal(drc, 0);	/* configured DRC index */
		else
			assert_int_equal(drc, 0xFFFFFFFF);	/* untouched on failure */
		assert_true(sim_now_us() - t0 < 20000000);
	}
}

static void test_dump(void **state)
{
	const char *out = NULL;

	harness_ready(&H);
	harness_open(&H, 1, 5);
	harness_printf(NULL, "%s", "");
	vmc_dump(&H.v, harness_printf, &out);
	assert_non_null(out);
	assert_non_null(strstr(out, "state READY"));
	assert_non_null(strstr(out, "I1 OPEN"));
	assert_non_null(strstr(out, "crq: unit"));
	assert_non_null(strstr(out, "link up"));
}

static void test_stop_and_restart(void **state)
{
	harness_ready(&H);
	harness_open(&H, 0, 1);
	vmc_stop(&H.v);
	assert_int_equal(H.v.state, VMC_STATE_DOWN);
	assert_false(sim_mp_registered());
	assert_int_equal(harness_events(&H, VMC_EV_SESSION_LOST), 1);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 0);
	assert_int_equal(vmc_restart(&H.v), VMC_OK);
	harness_run(&H, 5000);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	/* vmc_stop cancels re-opening */
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_IDLE);
	harness_open(&H, 0, 2);
}


/* The floor: one H_COPY_RDMA plus one H_SEND_CRQ per message sent, one copy per message received. */
static void test_hcalls_per_message(void **state)
{
	uint64_t copies, sends;

	harness_ready(&H);
	harness_open(&H, 0, 1);
	copies = hcall_stats.calls[H_COPY_RDMA / 4];
	sends = hcall_stats.calls[H_SEND_CRQ / 4];
	assert_int_equal(vmc_send(&H.v, 0, "abc", 3), VMC_OK);
	assert_true(hcall_stats.calls[H_COPY_RDMA / 4] == copies + 1);
	assert_true(hcall_stats.calls[H_SEND_CRQ / 4] == sends + 1);
	assert_int_equal(vmc_hv_hmc_send(sim_hv(), 0, "def", 3), VMC_HV_OK);
	vmc_poll(&H.v);
	assert_int_equal(H.n_rx, 1);
	assert_true(hcall_stats.calls[H_COPY_RDMA / 4] == copies + 2);
	assert_true(hcall_stats.calls[H_SEND_CRQ / 4] == sends + 1);
}

/*
 * The engine's vocabulary (docs/architecture.md, "Error vocabularies"):
 * every error negative and named, the hcall-made ones flagged so their rc
 * reaches the console, a refused OPEN/CLOSE distinct from an hcall error.
 */
static void test_result_vocabulary(void **state)
{
	static const enum vmc_result errs[] = {
		VMC_ERR_PARAM, VMC_ERR_NOT_READY, VMC_ERR_FAILED, VMC_ERR_STATE,
		VMC_ERR_NO_SLOT, VMC_ERR_NO_BUFFER, VMC_ERR_TOO_BIG, VMC_ERR_BACKPRESSURE,
		VMC_ERR_RDMA, VMC_ERR_LINK, VMC_ERR_LINK_BUSY, VMC_ERR_HCALL, VMC_ERR_TIMEOUT,
		VMC_ERR_RESET, VMC_ERR_AUTHORITY, VMC_ERR_NOT_AVAILABLE, VMC_ERR_UNSUPPORTED,
		VMC_ERR_BUSY, VMC_ERR_REFUSED,
	};
	unsigned int n = sizeof(errs) / sizeof(errs[0]);

	assert_int_equal(VMC_OK, 0);
	assert_true(VMC_QUEUED > 0);
	for (unsigned int i = 0; i < n; i++) {
		assert_true(errs[i] < 0);
		assert_string_not_equal(vmc_result_name(errs[i]), "ERR_?");
		for (unsigned int j = 0; j < i; j++)
			assert_string_not_equal(vmc_result_name(errs[i]), vmc_result_name(errs[j]));
	}
	assert_string_equal(vmc_result_name(VMC_ERR_REFUSED), "ERR_REFUSED");
	assert_string_equal(vmc_result_name((enum vmc_result)-1000), "ERR_?");
	assert_true(vmc_result_is_hcall(VMC_ERR_RDMA));
	assert_true(vmc_result_is_hcall(VMC_ERR_HCALL));
	assert_false(vmc_result_is_hcall(VMC_ERR_REFUSED));
	assert_false(vmc_result_is_hcall(VMC_ERR_TIMEOUT));
	assert_false(vmc_result_is_hcall(VMC_OK));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handshake_and_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_hmcs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backpressure_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_from_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capability_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps_negotiate_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_mtu_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_vmc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_and_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hcalls_per_message, setup, teardown),
		cmocka_unit_test(test_result_vocabulary),
	};

	return cmocka_run_group_tests_name("vmc lifecycle", tests, NULL, NULL);
}
