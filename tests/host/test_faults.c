// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_faults.c - every fault knob of the HV engine and of the simulator,
 * each with the recovery the MP engine must make: timeouts, resets,
 * refused opens and closes, lost/duplicated/delayed messages, failing
 * RDMA, HV restarts mid-session, suspend, a partner that never answers.
 *
 * Section numbers (§) are those of docs/vmc-protocol.md.
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

static bool is_ready(struct harness *h)
{
	return h->v.state == VMC_STATE_READY;
}

static unsigned int hv_msgs(void)
{
	return harness_hv_events(&H, VMC_HV_EV_MESSAGE);
}

/* After any recovery the channel must carry traffic again. */
static void assert_channel_works(unsigned int index)
{
	unsigned int before = hv_msgs(), rx = H.n_rx;

	if (vmc_hmc_get_state(&H.v, index) != VMC_HMC_OPEN)
		harness_open(&H, index, 0x5A);
	assert_int_equal(vmc_send(&H.v, index, "ping", 4), VMC_OK);
	assert_int_equal(vmc_hv_hmc_send(sim_hv(), index, "pong", 4), VMC_HV_OK);
	harness_run(&H, 1000);
	assert_int_equal(hv_msgs(), before + 1);
	assert_int_equal(H.n_rx, rx + 1);
	harness_invariants(&H);
}

static void test_open_refused(void **state)
{
	uint8_t id[32] = { 1 };

	harness_ready(&H);
	vmc_hv_set_knob(sim_hv(), VMC_HV_KNOB_OPEN_STATUS, 1);
	assert_int_equal(vmc_open(&H.v, 0, id, NULL), VMC_OK);
	harness_run(&H, 2000);
	assert_int_equal(harness_events(&H, VMC_EV_OPEN_FAILED), 1);
	assert_int_equal(harness_last_event(&H, VMC_EV_OPEN_FAILED)->code, 1);
	assert_int_equal(harness_last_event(&H, VMC_EV_OPEN_FAILED)->result, VMC_ERR_REFUSED);
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_IDLE);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_HV), 0);	/* all dropped... */
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 1);	/* ...and re-seeded */
	vmc_hv_faults_clear(sim_hv());
	assert_channel_works(0);
}

static void test_close_refused_resets(void **state)
{
	harness_ready(&H);
	harness_open(&H, 0, 1);
	harness_open(&H, 1, 2);
	vmc_hv_set_knob(sim_hv(), VMC_HV_KNOB_CLOSE_STATUS, 1);
	assert_int_equal(vmc_close(&H.v, 0), VMC_OK);
	harness_run(&H, 2000);
	vmc_hv_faults_clear(sim_hv());
	assert_int_equal(harness_last_event(&H, VMC_EV_CLOSED)->result, VMC_ERR_REFUSED);
	assert_int_equal(harness_last_event(&H, VMC_EV_CLOSED)->code, 1);	/* the status */
	assert_int_equal(harness_last_event(&H, VMC_EV_CLOSED)->rc, 0);	/* not an hcall */
	assert_int_equal(H.v.stats.resets, 1);
	assert_true(harness_until(&H, is_ready, 2000000));
	harness_run(&H, 20000);
	/* index 1 was open: lost, then re-opened by itself */
	assert_true(harness_events(&H, VMC_EV_SESSION_LOST) >= 1);
	assert_int_equal(vmc_hmc_get_state(&H.v, 1), VMC_HMC_OPEN);
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_IDLE);	/* closed stays closed */
	assert_channel_works(1);
	assert_channel_works(0);
}

static void test_seed_owner_and_session_knobs(void **state)
{
	uint8_t id[32] = { 1 };

	/* Seeds with a bad owner byte are refused, answered, never used. */
	vmc_hv_set_knob(sim_hv(), VMC_HV_KNOB_ADD_BUF_OWNER, 7);
	harness_ready(&H);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 0);
	assert_true(H.v.stats.bufs_refused >= 2);
	assert_true(vmc_hv_get_stats(sim_hv())->bufs_add_failed >= 2);	/* HV got answers */
	assert_int_equal(vmc_open(&H.v, 0, id, NULL), VMC_ERR_NO_BUFFER);
	assert_int_equal(vmc_open(&H.v, VMC_INDEX_ANY, id, NULL), VMC_ERR_NO_BUFFER);
	/* Stale session byte: also refused with an answer (Linux stays silent). */
	vmc_hv_faults_clear(sim_hv());
	vmc_hv_set_knob(sim_hv(), VMC_HV_KNOB_ADD_BUF_SESSION, 9);
	vmc_hv_hmc_add_buffer(sim_hv(), 0, VMC_HV_OWNER_MP);
	harness_run(&H, 1000);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 0);
	assert_true(H.v.stats.bad_session >= 1);
	/* Recovery: the HV restarts cleanly. */
	vmc_hv_faults_clear(sim_hv());
	vmc_hv_reset(sim_hv(), 0x02, 1000);
	harness_run(&H, 20000);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	assert_channel_works(0);
}

static void test_no_reseed(void **state)
{
	uint8_t id[32] = { 1 };

	harness_ready(&H);
	harness_open(&H, 0, 1);
	vmc_hv_set_knob(sim_hv(), VMC_HV_KNOB_NO_RESEED, 1);
	vmc_close(&H.v, 0);
	harness_run(&H, 2000);
	assert_int_equal(vmc_open(&H.v, 0, id, NULL), VMC_ERR_NO_BUFFER);
	/* The HV may seed later: then it works. */
	vmc_hv_hmc_add_buffer(sim_hv(), 0, VMC_HV_OWNER_MP);
	harness_run(&H, 1000);
	assert_channel_works(0);
}

static void test_drop_open_resp_times_out(void **state)
{
	uint8_t id[32] = { 1 };

	harness_ready(&H);
	vmc_hv_fault_message(sim_hv(), VMC_HV_DIR_TO_MP, VMC_HV_FAULT_DROP, 0x8082, 1, 1, 0);
	assert_int_equal(vmc_open(&H.v, 0, id, NULL), VMC_OK);
	harness_run(&H, H.cfg.open_timeout_us + 200000);
	assert_int_equal(H.v.stats.open_timeouts, 1);
	assert_int_equal(harness_last_event(&H, VMC_EV_OPEN_FAILED)->result, VMC_ERR_TIMEOUT);
	assert_int_equal(H.v.stats.resets, 1);
	assert_true(harness_until(&H, is_ready, 2000000));
	harness_run(&H, 2000);
	assert_channel_works(0);
}

static void test_drop_open_to_hv_times_out(void **state)
{
	uint8_t id[32] = { 1 };

	harness_ready(&H);
	vmc_hv_fault_message(sim_hv(), VMC_HV_DIR_TO_HV, VMC_HV_FAULT_DROP, 0x8002, 1, 1, 0);
	assert_int_equal(vmc_open(&H.v, 0, id, NULL), VMC_OK);
	harness_run(&H, H.cfg.open_timeout_us + 200000);
	assert_int_equal(H.v.stats.open_timeouts, 1);
	assert_true(harness_until(&H, is_ready, 2000000));
	harness_run(&H, 2000);
	assert_channel_works(0);
}

static void test_drop_cap_resp_times_out(void **state)
{
	vmc_hv_fault_message(sim_hv(), VMC_HV_DIR_TO_MP, VMC_HV_FAULT_DROP, 0x8081, 1, 1, 0);
	assert_int_equal(vmc_start(&H.v), VMC_OK);
	harness_run(&H, H.cfg.cap_timeout_us / 2);
	assert_int_equal(H.v.state, VMC_STATE_WAIT_CAP);
	harness_run(&H, H.cfg.cap_timeout_us);
	assert_int_equal(H.v.stats.cap_timeouts, 1);
	assert_true(harness_until(&H, is_ready, 2000000));
	harness_run(&H, 2000);
	assert_channel_works(0);
}

static void test_drop_init_complete_retries(void **state)
{
	vmc_hv_fault_message(sim_hv(), VMC_HV_DIR_TO_MP, VMC_HV_FAULT_DROP, 0xC002, 1, 2, 0);
	assert_int_equal(vmc_start(&H.v), VMC_OK);
	assert_true(harness_until(&H, is_ready, 5000000));
	assert_int_equal(H.v.stats.init_retries, 2);
	harness_run(&H, 2000);
	assert_channel_works(0);
}

static void test_drop_close_resp_times_out(void **state)
{
	uint8_t id[32] = { 3 };

	harness_ready(&H);
	harness_open(&H, 0, 1);
	vmc_hv_fault_message(sim_hv(), VMC_HV_DIR_TO_MP, VMC_HV_FAULT_DROP, 0x8083, 1, 1, 0);
	assert_int_equal(vmc_close(&H.v, 0), VMC_OK);
	harness_run(&H, H.cfg.close_timeout_us / 2);
	/* No re-open while the close is unanswered. */
	assert_int_equal(vmc_open(&H.v, 0, id, NULL), VMC_ERR_STATE);
	harness_run(&H, H.cfg.close_timeout_us);
	assert_int_equal(H.v.stats.close_timeouts, 1);
	assert_true(harness_until(&H, is_ready, 2000000));
	harness_run(&H, 2000);
	assert_channel_works(0);
}

static void test_delay_open_resp_within_timeout(void **state)
{
	uint8_t id[32] = { 1 };

	harness_ready(&H);
	vmc_hv_fault_message(sim_hv(), VMC_HV_DIR_TO_MP, VMC_HV_FAULT_DELAY, 0x8082, 1, 1, 1000000);
	assert_int_equal(vmc_open(&H.v, 0, id, NULL), VMC_OK);
	harness_run(&H, 500000);
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_OPENING);
	harness_run(&H, 1000000);
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_OPEN);
	assert_int_equal(H.v.stats.open_timeouts, 0);
	assert_channel_works(0);
}

static void test_dup_signal_and_add_buf(void **state)
{
	harness_ready(&H);
	harness_open(&H, 0, 1);
	vmc_hv_fault_message(sim_hv(), VMC_HV_DIR_TO_MP, VMC_HV_FAULT_DUP, 0x8006, 1, 1, 0);
	vmc_hv_hmc_send(sim_hv(), 0, "once", 4);
	harness_run(&H, 1000);
	assert_int_equal(H.n_rx, 1);	/* the copy names a buffer we own now */
	assert_int_equal(H.v.stats.rx_errors, 1);
	vmc_hv_fault_message(sim_hv(), VMC_HV_DIR_TO_MP, VMC_HV_FAULT_DUP, 0x8004, 1, 1, 0);
	vmc_hv_hmc_add_buffer(sim_hv(), 0, VMC_HV_OWNER_MP);
	harness_run(&H, 1000);
	assert_true(H.v.stats.bufs_refused >= 1);	/* "ID already in use" */
	/* a duplicated MP->HV SIGNAL is the HV's problem; we keep going */
	vmc_hv_fault_message(sim_hv(), VMC_HV_DIR_TO_HV, VMC_HV_FAULT_DUP, 0x8006, 1, 1, 0);
	assert_int_equal(vmc_send(&H.v, 0, "x", 1), VMC_OK);
	harness_run(&H, 1000);
	assert_channel_works(0);
}

static void test_rdma_faults(void **state)
{
	unsigned int free_before;
	uint8_t id[32] = { 1 };

	harness_ready(&H);
	/* Open: the ID copy fails; nothing is lost, a retry works (§12.17). */
	vmc_hv_fault_rdma(sim_hv(), 1, 1, HV_H_PERMISSION);
	assert_int_equal(vmc_open(&H.v, 0, id, NULL), VMC_ERR_RDMA);
	assert_int_equal(H.v.last_rc, H_PERMISSION);	/* what the hypervisor said */
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_IDLE);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), 1);
	harness_open(&H, 0, 1);
	/* Send: the copy fails; the buffer stays ours (Linux leaks it). */
	free_before = vmc_buf_count(&H.v, 0, VMC_BUF_FREE);
	vmc_hv_fault_rdma(sim_hv(), 1, 1, HV_H_DEST_PARM);
	assert_int_equal(vmc_send(&H.v, 0, "x", 1), VMC_ERR_RDMA);
	assert_int_equal(H.v.last_rc, H_DEST_PARM);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), free_before);
	/* Receive: the copy fails; the buffer becomes ours anyway (§12.13). */
	vmc_hv_fault_rdma(sim_hv(), 1, 1, HV_H_SOURCE_PARM);
	vmc_hv_hmc_send(sim_hv(), 0, "lost", 4);
	harness_run(&H, 1000);
	assert_int_equal(H.n_rx, 0);
	assert_int_equal(harness_events(&H, VMC_EV_RX_ERROR), 1);
	assert_int_equal(harness_last_event(&H, VMC_EV_RX_ERROR)->result, VMC_ERR_RDMA);
	assert_int_equal(harness_last_event(&H, VMC_EV_RX_ERROR)->rc, H_SOURCE_PARM);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), free_before + 1);
	/* Queued sends whose copy fails are reported, not silently lost. */
	assert_channel_works(0);
}

static void test_hv_reset_mid_session(void **state)
{
	uint8_t m[16] = { 0 };
	unsigned int queued = 0;

	harness_ready(&H);
	harness_open(&H, 0, 0x31);
	harness_open(&H, 1, 0x32);
	/* Fill index 0 so some sends wait in the queue. */
	for (int i = 0; i < 20; i++) {
		enum vmc_result r = vmc_send(&H.v, 0, m, sizeof(m));

		queued += r == VMC_QUEUED;
	}
	assert_true(queued > 0);
	vmc_hv_reset(sim_hv(), 0x01, 50000);	/* partner failed, back in 50 ms */
	harness_run(&H, 1000);
	assert_int_equal(H.v.stats.xport_events, 1);
	assert_int_equal(harness_events(&H, VMC_EV_SEND_FAILED), queued);
	assert_int_equal(harness_last_event(&H, VMC_EV_SEND_FAILED)->result, VMC_ERR_RESET);
	assert_int_equal(harness_events(&H, VMC_EV_SESSION_LOST), 2);
	assert_int_equal(vmc_send(&H.v, 0, m, 1), VMC_ERR_NOT_READY);
	/* Handshake again, both sessions re-opened with their IDs. */
	harness_run(&H, 200000);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_OPEN);
	assert_int_equal(vmc_hmc_get_state(&H.v, 1), VMC_HMC_OPEN);
	assert_int_equal(H.v.stats.reopens, 2);
	assert_int_equal(H.hv_open_id[0][31], 0x31);
	assert_int_equal(H.hv_open_id[1][31], 0x32);
	assert_channel_works(0);
	assert_channel_works(1);
}

static void no_reopen(struct vmc_config *c)
{
	c->reopen = false;
}

static void test_hv_reset_without_reopen(void **state)
{
	harness_teardown(&H);
	harness_setup(&H, NULL, no_reopen);
	harness_ready(&H);
	harness_open(&H, 0, 1);
	vmc_hv_reset(sim_hv(), 0x02, 1000);
	harness_run(&H, 100000);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_IDLE);
	assert_int_equal(H.v.stats.reopens, 0);
	assert_channel_works(0);
}

static void test_hv_reset_no_init(void **state)
{
	/* The HV goes away and never sends Init: our Init retries bring it back. */
	harness_ready(&H);
	vmc_hv_reset(sim_hv(), 0x02, UINT64_MAX);
	harness_run(&H, 3 * H.cfg.init_retry_us);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	assert_true(H.v.stats.init_retries >= 1);
	assert_channel_works(0);
}

static void test_partner_never_answers(void **state)
{
	struct sim_config sc;

	harness_teardown(&H);
	sim_config_default(&sc);
	sc.raw_partner = true;	/* nobody there */
	sc.reg_rc = H_CLOSED;
	harness_setup(&H, &sc, NULL);
	assert_int_equal(vmc_start(&H.v), VMC_OK);
	harness_run(&H, 10 * H.cfg.init_retry_us);
	assert_int_equal(H.v.state, VMC_STATE_WAIT_INIT);
	assert_true(H.v.stats.init_retries >= 9);
	assert_int_equal(vmc_open(&H.v, VMC_INDEX_ANY, (const uint8_t *)"x", NULL),
			 VMC_ERR_NOT_READY);
}

static void test_send_crq_dropped_keeps_buffer(void **state)
{
	unsigned int free_before;

	harness_ready(&H);
	harness_open(&H, 0, 1);
	free_before = vmc_buf_count(&H.v, 0, VMC_BUF_FREE);
	/* Persistently full HV queue: the SIGNAL never leaves (Linux §12.8 loses the buffer). */
	sim_fault(H_SEND_CRQ, 1, 1u << 30, H_DROPPED);
	assert_int_equal(vmc_send(&H.v, 0, "x", 1), VMC_ERR_LINK_BUSY);
	assert_int_equal(vmc_buf_count(&H.v, 0, VMC_BUF_FREE), free_before);
	assert_int_equal(vmc_close(&H.v, 0), VMC_ERR_LINK_BUSY);
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_OPEN);
	sim_faults_clear();
	/* Transient: retried inside the budget, succeeds. */
	sim_fault(H_SEND_CRQ, 1, 3, H_DROPPED);
	assert_int_equal(vmc_send(&H.v, 0, "x", 1), VMC_OK);
	assert_channel_works(0);
}

static void test_suspend_resume(void **state)
{
	harness_ready(&H);
	harness_open(&H, 0, 1);
	sim_suspend();
	harness_run(&H, 100000);
	assert_int_equal(hcall_stats.calls[H_ENABLE_CRQ / 4], 1);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	assert_int_equal(vmc_hmc_get_state(&H.v, 0), VMC_HMC_OPEN);	/* re-opened */
	assert_channel_works(0);
}

static void test_garbage_from_hv(void **state)
{
	harness_ready(&H);
	harness_open(&H, 0, 1);
	vmc_hv_inject_raw(sim_hv(), 0x0100000000000000ULL, 0);
	vmc_hv_inject_raw(sim_hv(), 0x7F11223344556677ULL, 0);
	vmc_hv_inject_raw(sim_hv(), 0xC0EE000000000000ULL, 0);
	vmc_hv_inject_raw(sim_hv(), 0x8099000000000000ULL, 0);	/* unknown type */
	vmc_hv_inject_raw(sim_hv(), 0x8002000001000000ULL, 0);	/* MP->HV type */
	harness_run(&H, 1000);
	assert_int_equal(H.v.crq.stats.garbage, 3);
	assert_int_equal(H.v.stats.unknown_type, 1);
	assert_int_equal(H.v.stats.wrong_direction, 1);
	assert_channel_works(0);
}

static void test_crossing_inits(void **state)
{
	struct sim_config sc;

	harness_teardown(&H);
	sim_config_default(&sc);
	sc.hv.max_hmcs = 2;
	sc.hv.init_on_register = true;
	harness_setup(&H, &sc, NULL);
	harness_ready(&H);
	harness_run(&H, 10000);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	assert_int_equal(vmc_hv_phase(sim_hv()), VMC_HV_PHASE_READY);
	assert_channel_works(0);
}

static void test_deferred_hv_sends(void **state)
{
	struct sim_config sc;

	harness_teardown(&H);
	sim_config_default(&sc);
	sc.hv.max_hmcs = 2;
	sc.hv.deferred_send = true;
	sc.hv.strict = true;
	harness_setup(&H, &sc, NULL);
	harness_ready(&H);
	for (int i = 0; i < 3; i++)
		assert_channel_works((unsigned int)i & 1);
	assert_int_equal(vmc_hv_get_stats(sim_hv())->rdma_errors, 0);	/* strict ownership held */
}


static void test_mp_ring_full_backlog(void **state)
{
	harness_ready(&H);
	harness_open(&H, 0, 1);
	/* 400 entries while the MP does not poll: the ring (256) fills, the HV holds the rest. */
	for (int i = 0; i < 400; i++)
		assert_int_equal(vmc_hv_inject_raw(sim_hv(), 0x7000000000000000ULL, (uint64_t)i),
				 VMC_HV_OK);
	sim_kick();
	assert_true(sim_mp_outstanding() <= 256);
	assert_true(vmc_hv_outq_len(sim_hv()) > 0);
	harness_run(&H, 5000);
	assert_int_equal(H.v.crq.stats.garbage, 400);	/* every one consumed, none lost */
	assert_int_equal(vmc_hv_outq_len(sim_hv()), 0);
	assert_channel_works(0);
}

static void test_held_sends_retried_by_tick(void **state)
{
	uint8_t m[8] = { 0 };
	unsigned int free_bufs, queued = 0;

	harness_ready(&H);
	harness_open(&H, 0, 1);
	free_bufs = vmc_buf_count(&H.v, 0, VMC_BUF_FREE);
	for (unsigned int i = 0; i < free_bufs + 3; i++)
		queued += vmc_send(&H.v, 0, m, sizeof(m)) == VMC_QUEUED;
	assert_int_equal(queued, 3);
	/* A buffer comes back while the HV's queue is full: the flush is held... */
	sim_fault(H_SEND_CRQ, 1, 1u << 30, H_DROPPED);
	vmc_hv_hmc_send(sim_hv(), 0, "r", 1);
	vmc_poll(&H.v);
	assert_int_equal(vmc_sendq_len(&H.v, 0), 3);
	assert_int_equal(harness_events(&H, VMC_EV_SEND_FAILED), 0);
	/* ...and vmc_tick sends it once the queue drains. */
	sim_faults_clear();
	vmc_tick(&H.v);
	assert_int_equal(vmc_sendq_len(&H.v, 0), 2);
	assert_int_equal(harness_events(&H, VMC_EV_SEND_DONE), 1);
}

static enum vmc_result cb_send_result[4];
static unsigned int cb_calls;

/* An event handler that tries to send and open from inside the teardown. */
static void meddling_event(void *ctx, const struct vmc_event *ev)
{
	if (ev->kind == VMC_EV_SEND_FAILED || ev->kind == VMC_EV_SESSION_LOST) {
		uint8_t id[32] = { 0 };

		if (cb_calls < 2) {
			cb_send_result[cb_calls * 2] = vmc_send(&H.v, 0, "late", 4);
			cb_send_result[cb_calls * 2 + 1] = vmc_open(&H.v, 1, id, NULL);
		}
		cb_calls++;
	}
}

static void test_callbacks_cannot_send_mid_teardown(void **state)
{
	uint64_t sends;

	harness_ready(&H);
	harness_open(&H, 0, 1);
	for (int i = 0; i < 12; i++)
		vmc_send(&H.v, 0, "q", 1);
	H.v.cfg.on_event = meddling_event;
	cb_calls = 0;
	sends = hcall_stats.calls[H_SEND_CRQ / 4];
	vmc_hv_reset(sim_hv(), 0x01, UINT64_MAX);
	vmc_poll(&H.v);
	assert_true(cb_calls >= 2);
	for (int i = 0; i < 4; i++)
		assert_int_equal(cb_send_result[i], VMC_ERR_NOT_READY);
	assert_true(hcall_stats.calls[H_SEND_CRQ / 4] == sends);	/* nothing left */
	H.v.cfg.on_event = NULL;
}

/* A registration the hypervisor lost (H_REG_CRQ "succeeded" but Inits keep getting H_CLOSED). */
static void test_lost_registration_recovers(void **state)
{
	harness_ready(&H);
	sim_fault(H_REG_CRQ, 1, 1, H_CLOSED);	/* the sim does not register, says H_CLOSED */
	assert_int_equal(vmc_restart(&H.v), VMC_OK);
	assert_false(sim_mp_registered());
	harness_run(&H, 10 * H.cfg.init_retry_us);
	assert_true(H.v.stats.reregisters >= 1);
	assert_int_equal(H.v.state, VMC_STATE_READY);
	assert_channel_works(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_refused_resets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seed_owner_and_session_knobs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_reseed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_open_resp_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_open_to_hv_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_cap_resp_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_init_complete_retries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_close_resp_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delay_open_resp_within_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dup_signal_and_add_buf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rdma_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hv_reset_mid_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hv_reset_without_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hv_reset_no_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partner_never_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_crq_dropped_keeps_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suspend_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_from_hv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crossing_inits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deferred_hv_sends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mp_ring_full_backlog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_sends_retried_by_tick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callbacks_cannot_send_mid_teardown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_registration_recovers, setup, teardown),
	};

	return cmocka_run_group_tests_name("vmc faults and recovery", tests, NULL, NULL);
}
