// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hmc_link.c - unit tests of the HMC link layer (hv/hmc_link.c): every
 * peer command, every ERROR code the device produces, every event frame,
 * the STATUS layout and the trace frames. The link drives a real engine on
 * the fake world of fake_env.c; the peer's side is bytes in, frames out.
 * Every test ends by checking the engine's invariants.
 *
 * Section numbers (§) are those of docs/hmc-protocol.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/hmc_link.h"
#include "tests/host/hv/fake_env.h"

#define OUT_MAX		128

struct out_frame {
	uint8_t type, index, session;
	uint32_t len;
	uint8_t payload[HMC_LINK_STATUS_MAX + 64];
};

struct world {
	struct fake_env *f;
	struct hmc_link link;
	struct hmc_link_config cfg;
	struct out_frame out[OUT_MAX];
	unsigned int nout;
	unsigned int kicks;
};

/* fake_env's event hook carries no pointer of ours: one world per test. */
static struct world *cur;

static void w_write(void *opaque, const uint8_t *frame, size_t len)
{
	struct world *w = opaque;
	struct out_frame *o;

	/* every write is one whole, well-formed frame */
	assert_true(len >= HMC_FRAME_HDR_LEN);
	assert_int_equal(frame[0], HMC_FRAME_MAGIC);
	assert_int_equal(load_be32(frame + 4), len - HMC_FRAME_HDR_LEN);
	assert_true(w->nout < OUT_MAX);
	o = &w->out[w->nout++];
	o->type = frame[1];
	o->index = frame[2];
	o->session = frame[3];
	o->len = (uint32_t)(len - HMC_FRAME_HDR_LEN);
	assert_true(o->len <= sizeof(o->payload));
	memcpy(o->payload, frame + HMC_FRAME_HDR_LEN, o->len);
}

static uint64_t w_now(void *opaque)
{
	return ((struct world *)opaque)->f->now;
}

static void w_kick(void *opaque)
{
	struct world *w = opaque;

	w->kicks++;
	vmc_hv_kick(&w->f->hv);
}

static void w_glue_status(void *opaque, struct hmc_link_glue_status *st)
{
	st->unit_address = 0x71000002;
	st->flags = HMC_LINK_FLAG_CRQ_REGISTERED | HMC_LINK_FLAG_CRQ_IRQ;
	st->crq_bytes = 4096;
	st->kicks = 101;
	st->crq_reads = 102;
	st->out_dropped = 103;
	st->out_write_errors = 104;
	st->out_error_bytes = 105;
}

static const struct hmc_link_ops w_ops = {
	.write = w_write,
	.now_us = w_now,
	.kick = w_kick,
	.glue_status = w_glue_status,
};

static void w_event(struct fake_env *f, const struct vmc_hv_event *ev)
{
	hmc_link_engine_event(&cur->link, ev);
}

static struct world *world_new(uint32_t max_hmcs, bool trace)
{
	struct vmc_hv_config cfg;
	struct world *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	fake_config_default(&cfg);
	cfg.max_hmcs = max_hmcs;
	w->f = fake_new(&cfg);
	assert_non_null(w->f);
	w->f->on_event = w_event;
	w->cfg = (struct hmc_link_config) {
		.max_hmcs = max_hmcs, .pool_size = cfg.pool_size,
		.remote_liobn = (uint32_t)FAKE_REMOTE_LIOBN, .trace = trace,
	};
	assert_int_equal(hmc_link_init(&w->link, &w->cfg, &w_ops, w, &w->f->hv), VMC_HV_OK);
	cur = w;
	hmc_link_peer_opened(&w->link);
	return w;
}

static int setup_down(void **state)
{
	*state = world_new(2, false);
	return 0;
}

/* 2 indices, brought up, a session (3) open on index 0. */
static int setup_open(void **state)
{
	struct world *w = world_new(2, false);

	assert_int_equal(fake_bring_up(w->f, 2, 16, 4096), 0);
	assert_int_equal(fake_open(w->f, 0, 3, "hmc-zero"), 0);
	w->nout = 0;
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	assert_int_equal(vmc_hv_check_invariants(&w->f->hv), 0);
	fake_free(w->f);
	free(w);
	cur = NULL;
	return 0;
}

/* Feed one command frame from the peer. */
static void cmd(struct world *w, uint8_t type, uint8_t index, uint8_t session,
		const void *payload, uint32_t len)
{
	uint8_t buf[HMC_FRAME_MAX_LEN];
	size_t n = hmc_frame_encode(buf, sizeof(buf), type, index, session, payload, len);

	assert_true(n > 0);
	hmc_link_feed(&w->link, buf, n);
	assert_int_equal(vmc_hv_check_invariants(&w->f->hv), 0);
}

static const struct out_frame *last(struct world *w)
{
	assert_true(w->nout > 0);
	return &w->out[w->nout - 1];
}

static const struct out_frame *find(struct world *w, uint8_t type)
{
	unsigned int i;

	for (i = 0; i < w->nout; i++)
		if (w->out[i].type == type)
			return &w->out[i];
	return NULL;
}

/* The last frame is ERROR @code for command @type; returns its detail. */
static uint32_t expect_error(struct world *w, uint8_t type, uint8_t code)
{
	const struct out_frame *o = last(w);

	assert_int_equal(o->type, HMC_EV_ERROR);
	assert_true(o->len >= 8);
	assert_int_equal(o->payload[0], type);
	assert_int_equal(o->payload[1], code);
	return load_be32(o->payload + 4);
}

/* The last frame is ACK of @type with @value, echoing @index/@session. */
static void expect_ack(struct world *w, uint8_t type, uint8_t index, uint8_t session,
		       uint32_t value)
{
	const struct out_frame *o = last(w);

	assert_int_equal(o->type, HMC_EV_ACK);
	assert_int_equal(o->len, 8);
	assert_int_equal(o->index, index);
	assert_int_equal(o->session, session);
	assert_int_equal(o->payload[0], type);
	assert_int_equal(load_be32(o->payload + 4), value);
}

/* ------------------------------------------------------------------ */

static void test_init_rejects_bad_config(void **state)
{
	struct world *w = *state;
	struct hmc_link_config cfg = w->cfg;
	struct hmc_link other;
	struct hmc_link_ops no_write = { 0 };

	cfg.max_hmcs = 0;
	assert_int_equal(hmc_link_init(&other, &cfg, &w_ops, w, &w->f->hv), VMC_HV_ERR_PARAM);
	cfg.max_hmcs = VMC_HV_MAX_HMCS + 1;
	assert_int_equal(hmc_link_init(&other, &cfg, &w_ops, w, &w->f->hv), VMC_HV_ERR_PARAM);
	cfg = w->cfg;
	cfg.pool_size = VMC_HV_MAX_POOL + 1;
	assert_int_equal(hmc_link_init(&other, &cfg, &w_ops, w, &w->f->hv), VMC_HV_ERR_PARAM);
	assert_int_equal(hmc_link_init(&other, &w->cfg, &no_write, w, &w->f->hv),
			 VMC_HV_ERR_PARAM);
	assert_int_equal(hmc_link_init(&other, &w->cfg, &w_ops, w, NULL), VMC_HV_ERR_PARAM);
}

/* §2: a new connection gets LINK with the current state, then each open session. */
static void test_peer_open_reports_link_and_sessions(void **state)
{
	struct world *w = *state;

	assert_int_equal(w->nout, 1);
	assert_int_equal(w->out[0].type, HMC_EV_LINK);
	assert_int_equal(w->out[0].payload[0], 0);

	assert_int_equal(fake_bring_up(w->f, 2, 16, 4096), 0);
	assert_int_equal(last(w)->type, HMC_EV_LINK);		/* engine LINK_UP */
	assert_int_equal(last(w)->payload[0], 1);
	assert_int_equal(fake_open(w->f, 1, 9, "late-peer"), 0);
	assert_int_equal(last(w)->type, HMC_EV_OPEN);
	w->nout = 0;
	hmc_link_peer_closed(&w->link);
	hmc_link_peer_opened(&w->link);
	assert_int_equal(w->nout, 2);
	assert_int_equal(w->out[0].type, HMC_EV_LINK);
	assert_int_equal(w->out[0].payload[0], 1);
	assert_int_equal(w->out[1].type, HMC_EV_OPEN);
	assert_int_equal(w->out[1].index, 1);
	assert_int_equal(w->out[1].session, 9);
	assert_int_equal(w->out[1].len, HMC_FRAME_HMC_ID_LEN);
	assert_memory_equal(w->out[1].payload, "late-peer", 9);
}

/* Nothing is written without a peer, and a partial frame dies with the connection. */
static void test_peer_closed_silences_and_discards(void **state)
{
	struct world *w = *state;
	uint8_t buf[HMC_FRAME_HDR_LEN];

	hmc_link_peer_closed(&w->link);
	w->nout = 0;
	cmd(w, HMC_CMD_PING, 0, 0, "x", 1);
	assert_int_equal(w->nout, 0);
	hmc_link_peer_opened(&w->link);
	w->nout = 0;
	/* half a STATUS header, then the peer goes away and comes back */
	hmc_frame_encode(buf, sizeof(buf), HMC_CMD_STATUS, 0, 0, NULL, 0);
	hmc_link_feed(&w->link, buf, 4);
	hmc_link_peer_closed(&w->link);
	hmc_link_peer_opened(&w->link);
	w->nout = 0;
	hmc_link_feed(&w->link, buf + 4, 4);	/* not a frame start: BAD_MAGIC */
	expect_error(w, 0, HMC_ERR_BAD_MAGIC);
	assert_null(find(w, HMC_EV_STATUS));
}

/* A guest message while no peer is connected is dropped and counted (STATUS no_peer_msgs). */
static void test_no_peer_messages_are_counted(void **state)
{
	struct world *w = *state;
	struct vmc_hv_event ev = { .kind = VMC_HV_EV_MESSAGE, .index = 0, .session = 1,
				   .data = (const uint8_t *)"lost", .len = 4 };
	const struct out_frame *o;
	size_t at;

	hmc_link_peer_closed(&w->link);
	w->nout = 0;
	hmc_link_engine_event(&w->link, &ev);
	hmc_link_engine_event(&w->link, &ev);
	ev.kind = VMC_HV_EV_SENT;		/* not a guest message: not counted */
	hmc_link_engine_event(&w->link, &ev);
	assert_int_equal(w->nout, 0);
	assert_int_equal(hmc_link_get_stats(&w->link)->no_peer_msgs, 2);
	hmc_link_peer_opened(&w->link);
	cmd(w, HMC_CMD_STATUS, 0, 0, NULL, 0);
	o = find(w, HMC_EV_STATUS);
	assert_non_null(o);
	at = o->len - 4 * 8;	/* then suspend_events, suspend_refused, mp_enables */
	assert_int_equal(load_be64(o->payload + at), 2);
}

/* A re-announcement (after a migration loaded) keeps a partial frame. */
static void test_announce_keeps_a_partial_frame(void **state)
{
	struct world *w = *state;
	uint8_t buf[HMC_FRAME_HDR_LEN];

	assert_int_equal(fake_bring_up(w->f, 2, 16, 4096), 0);
	assert_int_equal(fake_open(w->f, 0, 4, "kept"), 0);
	hmc_frame_encode(buf, sizeof(buf), HMC_CMD_STATUS, 0, 0, NULL, 0);
	hmc_link_feed(&w->link, buf, 4);
	w->nout = 0;
	hmc_link_announce(&w->link);
	assert_int_equal(w->nout, 2);
	assert_int_equal(w->out[0].type, HMC_EV_LINK);
	assert_int_equal(w->out[0].payload[0], 1);
	assert_int_equal(w->out[1].type, HMC_EV_OPEN);
	assert_int_equal(w->out[1].session, 4);
	hmc_link_feed(&w->link, buf + 4, 4);
	assert_non_null(find(w, HMC_EV_STATUS));
	/* and without a peer it says nothing */
	hmc_link_peer_closed(&w->link);
	w->nout = 0;
	hmc_link_announce(&w->link);
	assert_int_equal(w->nout, 0);
}

/* ------------------------------------------------------------------ */
/* MSG (0x83)                                                         */
/* ------------------------------------------------------------------ */

static void test_msg_delivered(void **state)
{
	struct world *w = *state;
	const struct out_frame *o;
	struct vmc_msg m;

	cmd(w, HMC_CMD_MSG, 0, 0, "hello", 5);		/* session 0: the open one */
	assert_null(find(w, HMC_EV_ACK));
	assert_null(find(w, HMC_EV_ERROR));
	vmc_hv_kick(&w->f->hv);
	o = find(w, HMC_EV_DELIVERED);
	assert_non_null(o);
	assert_int_equal(o->index, 0);
	assert_int_equal(o->session, 3);
	assert_int_equal(o->len, 4);
	assert_int_equal(load_be32(o->payload), 5);
	assert_true(fake_pop_msg(w->f, &m));
	assert_int_equal(m.type, VMC_MSG_SIGNAL);
	w->nout = 0;
	cmd(w, HMC_CMD_MSG, 0, 3, "again", 5);		/* the matching session byte */
	assert_null(find(w, HMC_EV_ERROR));
	assert_int_equal(hmc_link_get_stats(&w->link)->host_frames, 2);
}

static void test_msg_errors(void **state)
{
	struct world *w = *state;
	static uint8_t big[4097];
	unsigned int i;

	cmd(w, HMC_CMD_MSG, 2, 0, "x", 1);
	assert_int_equal(expect_error(w, HMC_CMD_MSG, HMC_ERR_BAD_INDEX), 2);
	assert_int_equal(last(w)->index, 2);
	cmd(w, HMC_CMD_MSG, 1, 0, "x", 1);		/* index 1 has no session */
	assert_int_equal(expect_error(w, HMC_CMD_MSG, HMC_ERR_NO_SESSION), 0);
	cmd(w, HMC_CMD_MSG, 0, 4, "x", 1);		/* session mismatch */
	assert_int_equal(expect_error(w, HMC_CMD_MSG, HMC_ERR_NO_SESSION), 3);
	assert_int_equal(last(w)->session, 4);
	cmd(w, HMC_CMD_MSG, 0, 0, big, sizeof(big));
	assert_int_equal(expect_error(w, HMC_CMD_MSG, HMC_ERR_TOO_LONG), 4096);
	cmd(w, HMC_CMD_MSG, 0, 0, NULL, 0);		/* the parser's rule */
	expect_error(w, HMC_CMD_MSG, HMC_ERR_BAD_PAYLOAD);
	/* the MP never consumes nor returns buffers: staging fills up */
	for (i = 0; i < 4 + VMC_HV_PENDING_MAX + 1; i++)
		cmd(w, HMC_CMD_MSG, 0, 0, "fill", 4);
	assert_int_equal(expect_error(w, HMC_CMD_MSG, HMC_ERR_QUEUE_FULL), 4);
}

static void test_msg_not_ready(void **state)
{
	struct world *w = *state;

	cmd(w, HMC_CMD_MSG, 0, 0, "x", 1);
	assert_int_equal(expect_error(w, HMC_CMD_MSG, HMC_ERR_NOT_READY), 1);
}

/* ------------------------------------------------------------------ */
/* The other commands                                                 */
/* ------------------------------------------------------------------ */

static void fault(struct world *w, uint8_t kind, uint32_t arg)
{
	uint8_t p[5] = { kind };

	store_be32(p + 1, arg);
	cmd(w, HMC_CMD_FAULT, 0, 0, p, 5);
}

static void test_raw_crq(void **state)
{
	struct world *w = *state;
	uint8_t raw[16] = { 0x80, 0xEE, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
	uint64_t hi, lo;

	while (fake_pop(w->f, &hi, &lo))
		;
	cmd(w, HMC_CMD_RAW_CRQ, 1, 2, raw, sizeof(raw));
	expect_ack(w, HMC_CMD_RAW_CRQ, 1, 2, 0);
	assert_true(fake_pop(w->f, &hi, &lo));
	assert_true(hi == load_be64(raw) && lo == load_be64(raw + 8));
	cmd(w, HMC_CMD_RAW_CRQ, 0, 0, raw, 15);
	expect_error(w, HMC_CMD_RAW_CRQ, HMC_ERR_BAD_PAYLOAD);
}

/* A command that leaves the engine work (here: a re-init deadline) asks for a kick. */
static void test_kick_after_command(void **state)
{
	struct world *w = *state;
	uint8_t reset[5] = { 0x01, 0, 0, 0, 10 };	/* re-init in 10 ms */

	cmd(w, HMC_CMD_PING, 0, 0, NULL, 0);
	assert_int_equal(w->kicks, 0);
	cmd(w, HMC_CMD_RESET, 0, 0, reset, sizeof(reset));
	expect_ack(w, HMC_CMD_RESET, 0, 0, 1);
	assert_true(vmc_hv_next_deadline_us(&w->f->hv) != UINT64_MAX);
	assert_int_equal(w->kicks, 1);
}

static void test_raw_crq_and_reset_not_registered(void **state)
{
	struct world *w = *state;
	uint8_t raw[16] = { 0x80 };

	cmd(w, HMC_CMD_RAW_CRQ, 0, 0, raw, sizeof(raw));
	expect_error(w, HMC_CMD_RAW_CRQ, HMC_ERR_NOT_READY);
	cmd(w, HMC_CMD_RESET, 0, 0, NULL, 0);
	assert_int_equal(expect_error(w, HMC_CMD_RESET, HMC_ERR_NOT_READY), 1);
}

static void test_reset(void **state)
{
	struct world *w = *state;
	uint8_t p[5] = { 0x02, 0, 0, 0x01, 0xF4 };	/* format 2, re-init after 500 ms */
	const struct out_frame *o;
	uint64_t hi, lo;
	bool init = false;

	cmd(w, HMC_CMD_RESET, 0, 0, p, 5);
	expect_ack(w, HMC_CMD_RESET, 0, 0, 2);
	o = find(w, HMC_EV_CLOSE);
	assert_non_null(o);
	assert_int_equal(o->payload[0], VMC_HV_CLOSE_RESET);
	assert_int_equal(vmc_hv_next_deadline_us(&w->f->hv) != UINT64_MAX, 1);
	w->f->now += 500000;
	vmc_hv_kick(&w->f->hv);
	while (fake_pop(w->f, &hi, &lo))
		init |= hi == 0xC001000000000000ULL;
	assert_true(init);
	cmd(w, HMC_CMD_RESET, 0, 0, p, 1);		/* format only */
	expect_ack(w, HMC_CMD_RESET, 0, 0, 2);
	cmd(w, HMC_CMD_RESET, 0, 0, NULL, 0);		/* default format 1 */
	expect_ack(w, HMC_CMD_RESET, 0, 0, 1);
	p[0] = 3;
	cmd(w, HMC_CMD_RESET, 0, 0, p, 1);
	expect_error(w, HMC_CMD_RESET, HMC_ERR_BAD_VALUE);
	cmd(w, HMC_CMD_RESET, 0, 0, p, 2);
	expect_error(w, HMC_CMD_RESET, HMC_ERR_BAD_PAYLOAD);
}

static void test_fault_kinds(void **state)
{
	struct world *w = *state;
	uint8_t kind;

	for (kind = 1; kind <= HMC_FAULT_MAX; kind++) {
		fault(w, kind, 2);
		expect_ack(w, HMC_CMD_FAULT, 0, 0, kind);
	}
	assert_true(hmc_link_crq_full_drop(&w->link));
	assert_int_equal(vmc_hv_get_knob(&w->f->hv, VMC_HV_KNOB_REQUEST_VMC_RC), 2);
	fault(w, HMC_FAULT_REQUEST_VMC_RC, 0);		/* 0 = normal */
	assert_true(vmc_hv_get_knob(&w->f->hv, VMC_HV_KNOB_REQUEST_VMC_RC) == VMC_HV_KNOB_OFF);
	fault(w, HMC_FAULT_REQUEST_VMC_RC, 0xFFFFFFFF);	/* (int32)-1 */
	assert_int_equal(vmc_hv_get_knob(&w->f->hv, VMC_HV_KNOB_REQUEST_VMC_RC), -1);
	fault(w, HMC_FAULT_CLEAR, 0);
	expect_ack(w, HMC_CMD_FAULT, 0, 0, 0);
	assert_false(hmc_link_crq_full_drop(&w->link));
	assert_true(vmc_hv_get_knob(&w->f->hv, VMC_HV_KNOB_REQUEST_VMC_RC) == VMC_HV_KNOB_OFF);
	fault(w, HMC_FAULT_MAX + 1, 0);
	expect_error(w, HMC_CMD_FAULT, HMC_ERR_BAD_VALUE);	/* the parser's rule */
	cmd(w, HMC_CMD_FAULT, 0, 0, "\0", 1);
	expect_error(w, HMC_CMD_FAULT, HMC_ERR_BAD_PAYLOAD);
}

/* FAULT 1 really drops the guest's next entry: the engine sees nothing. */
static void test_fault_drop_guest_crq_reaches_engine(void **state)
{
	struct world *w = *state;
	uint64_t rx = vmc_hv_get_stats(&w->f->hv)->faults_fired;

	fault(w, HMC_FAULT_DROP_GUEST_CRQ, 1);
	assert_int_equal(vmc_hv_receive(&w->f->hv, 0x8001000000000000ULL, 0), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_get_stats(&w->f->hv)->faults_fired, rx + 1);
}

static void test_fault_msg(void **state)
{
	struct world *w = *state;
	uint8_t p[16] = { VMC_HV_DIR_TO_MP, VMC_HV_FAULT_DUP, 0x80, 0x82 };

	store_be32(p + 4, 1);
	store_be32(p + 8, 1);
	cmd(w, HMC_CMD_FAULT_MSG, 1, 0, p, 16);
	expect_ack(w, HMC_CMD_FAULT_MSG, 1, 0, VMC_HV_FAULT_DUP);
	assert_int_equal(w->f->hv.msg_fault[VMC_HV_DIR_TO_MP].action, VMC_HV_FAULT_DUP);
	assert_int_equal(w->f->hv.msg_fault[VMC_HV_DIR_TO_MP].match, 0x8082);
	p[1] = 4;
	cmd(w, HMC_CMD_FAULT_MSG, 0, 0, p, 16);
	expect_error(w, HMC_CMD_FAULT_MSG, HMC_ERR_BAD_VALUE);
	cmd(w, HMC_CMD_FAULT_MSG, 0, 0, p, 15);
	expect_error(w, HMC_CMD_FAULT_MSG, HMC_ERR_BAD_PAYLOAD);
}

static void knob(struct world *w, uint8_t k, uint32_t value)
{
	uint8_t p[5] = { k };

	store_be32(p + 1, value);
	cmd(w, HMC_CMD_KNOB, 0, 0, p, 5);
}

static void test_knob(void **state)
{
	struct world *w = *state;

	knob(w, VMC_HV_KNOB_OPEN_STATUS, 5);
	expect_ack(w, HMC_CMD_KNOB, 0, 0, VMC_HV_KNOB_OPEN_STATUS);
	assert_int_equal(vmc_hv_get_knob(&w->f->hv, VMC_HV_KNOB_OPEN_STATUS), 5);
	knob(w, VMC_HV_KNOB_OPEN_STATUS, 0x80000000u);	/* INT32_MIN: normal again */
	assert_true(vmc_hv_get_knob(&w->f->hv, VMC_HV_KNOB_OPEN_STATUS) == VMC_HV_KNOB_OFF);
	knob(w, VMC_HV_KNOB_COUNT, 1);
	assert_int_equal(expect_error(w, HMC_CMD_KNOB, HMC_ERR_BAD_VALUE), VMC_HV_KNOB_COUNT);
}

static void test_fault_rdma(void **state)
{
	struct world *w = *state;
	uint8_t p[12];

	store_be32(p, 2);
	store_be32(p + 4, 3);
	store_be32(p + 8, (uint32_t)HV_H_HARDWARE);
	cmd(w, HMC_CMD_FAULT_RDMA, 0, 0, p, 12);
	expect_ack(w, HMC_CMD_FAULT_RDMA, 0, 0, 3);
	assert_int_equal(w->f->hv.rdma_fault_count, 3);
	assert_int_equal(w->f->hv.rdma_fault_rc, HV_H_HARDWARE);
}

static void test_add_rem_buf(void **state)
{
	struct world *w = *state;
	uint8_t owner = VMC_HV_OWNER_HV;
	unsigned int i;

	cmd(w, HMC_CMD_ADD_BUF, 1, 0, &owner, 1);
	expect_ack(w, HMC_CMD_ADD_BUF, 1, 0, 1);
	cmd(w, HMC_CMD_ADD_BUF, 2, 0, &owner, 1);
	assert_int_equal(expect_error(w, HMC_CMD_ADD_BUF, HMC_ERR_BAD_INDEX), 2);
	owner = 2;
	cmd(w, HMC_CMD_ADD_BUF, 0, 0, &owner, 1);
	expect_error(w, HMC_CMD_ADD_BUF, HMC_ERR_BAD_VALUE);
	cmd(w, HMC_CMD_ADD_BUF, 0, 0, NULL, 0);
	expect_error(w, HMC_CMD_ADD_BUF, HMC_ERR_BAD_PAYLOAD);
	/* the pool (16) runs out */
	owner = VMC_HV_OWNER_MP;
	for (i = 0; i < 17; i++)
		cmd(w, HMC_CMD_ADD_BUF, 0, 0, &owner, 1);
	assert_int_equal(expect_error(w, HMC_CMD_ADD_BUF, HMC_ERR_NO_RESOURCE), 0);

	cmd(w, HMC_CMD_REM_BUF, 0, 3, NULL, 0);
	expect_ack(w, HMC_CMD_REM_BUF, 0, 3, 0);
	cmd(w, HMC_CMD_REM_BUF, 3, 0, NULL, 0);
	expect_error(w, HMC_CMD_REM_BUF, HMC_ERR_BAD_INDEX);
	cmd(w, HMC_CMD_REM_BUF, 0, 0, "x", 1);
	expect_error(w, HMC_CMD_REM_BUF, HMC_ERR_BAD_PAYLOAD);
}

/* REM_BUF that would take the MP's last buffer: NO_RESOURCE (link ready). */
static void test_rem_buf_last_buffer(void **state)
{
	struct world *w = *state;
	unsigned int i;

	/* index 1 holds only its seed: each REM_BUF waits for an answer */
	for (i = 0; i < 4; i++)
		cmd(w, HMC_CMD_REM_BUF, 1, 0, NULL, 0);
	assert_int_equal(expect_error(w, HMC_CMD_REM_BUF, HMC_ERR_NO_RESOURCE), 1);
}

static void test_buf_not_ready(void **state)
{
	struct world *w = *state;
	uint8_t owner = 0;

	cmd(w, HMC_CMD_ADD_BUF, 0, 0, &owner, 1);
	expect_error(w, HMC_CMD_ADD_BUF, HMC_ERR_NOT_READY);
	cmd(w, HMC_CMD_REM_BUF, 0, 0, NULL, 0);
	expect_error(w, HMC_CMD_REM_BUF, HMC_ERR_NOT_READY);
}

static void test_ping(void **state)
{
	struct world *w = *state;
	uint8_t p[65];

	memset(p, 0xA5, sizeof(p));
	cmd(w, HMC_CMD_PING, 1, 7, p, 64);
	assert_int_equal(last(w)->type, HMC_EV_PONG);
	assert_int_equal(last(w)->index, 1);
	assert_int_equal(last(w)->session, 7);
	assert_int_equal(last(w)->len, 64);
	assert_memory_equal(last(w)->payload, p, 64);
	cmd(w, HMC_CMD_PING, 0, 0, NULL, 0);
	assert_int_equal(last(w)->type, HMC_EV_PONG);
	assert_int_equal(last(w)->len, 0);
	cmd(w, HMC_CMD_PING, 0, 0, p, 65);
	assert_int_equal(expect_error(w, HMC_CMD_PING, HMC_ERR_BAD_PAYLOAD), 65);
}

/* §5, byte by byte. */
static void test_status_layout(void **state)
{
	struct world *w = *state;
	const struct vmc_hv_stats *st = vmc_hv_get_stats(&w->f->hv);
	const struct out_frame *o;
	const uint8_t *p, *c;
	uint8_t bad[8] = { 0x13 };

	hmc_link_feed(&w->link, bad, 1);		/* one garbage run */
	cmd(w, HMC_CMD_STATUS, 1, 5, NULL, 0);
	o = last(w);
	assert_int_equal(o->type, HMC_EV_STATUS);
	assert_int_equal(o->index, 1);
	assert_int_equal(o->session, 5);
	assert_int_equal(o->len, 32 + 4 * 2 + 4 + 8 * HMC_LINK_STATUS_COUNTERS);
	p = o->payload;
	assert_int_equal(p[0], HMC_LINK_STATUS_VERSION);
	assert_int_equal(p[1], VMC_HV_PHASE_READY);
	assert_int_equal(p[2], 2);
	assert_int_equal(p[3], 2);
	assert_int_equal(load_be32(p + 4), 4096);
	assert_int_equal(load_be32(p + 8), 16);
	assert_int_equal(load_be32(p + 12), vmc_hv_outq_len(&w->f->hv));
	assert_int_equal(load_be32(p + 16), 0x71000002);
	assert_int_equal(load_be32(p + 20), (uint32_t)FAKE_REMOTE_LIOBN);
	assert_int_equal(load_be32(p + 24), HMC_LINK_FLAG_CRQ_REGISTERED | HMC_LINK_FLAG_CRQ_IRQ);
	assert_int_equal(load_be32(p + 28), 4096);
	/* index 0: session 3, seed + 4 MP + 4 HV buffers; index 1: its seed */
	assert_int_equal(p[32], 3);
	assert_int_equal(p[33], 9);
	assert_int_equal(p[34], 4);
	assert_int_equal(p[35], 0);
	assert_int_equal(p[36], 0);
	assert_int_equal(p[37], 1);
	assert_int_equal(p[38], 0);
	assert_int_equal(p[40], HMC_LINK_STATUS_COUNTERS);
	assert_int_equal(p[41] | p[42] | p[43], 0);
	c = p + 44;
	assert_true(load_be64(c + 8 * 0) == st->rx_entries);
	assert_true(load_be64(c + 8 * 1) == st->tx_entries);
	assert_true(load_be64(c + 8 * 4) == st->violations_total);
	assert_true(load_be64(c + 8 * 9) == st->mp_registers);
	assert_true(load_be64(c + 8 * 12) == st->sessions_opened);
	assert_true(load_be64(c + 8 * 12) == 1);
	assert_true(load_be64(c + 8 * 18) == 1);	/* host_frames: this STATUS */
	assert_true(load_be64(c + 8 * 19) == 1);	/* host_errors: the BAD_MAGIC */
	assert_true(load_be64(c + 8 * 20) == 103);	/* out_dropped (glue) */
	assert_true(load_be64(c + 8 * 21) == 1);	/* parser resyncs */
	assert_true(load_be64(c + 8 * 22) == st->tx_throttled);
	assert_true(load_be64(c + 8 * 23) == 101);
	assert_true(load_be64(c + 8 * 24) == 102);
	assert_true(load_be64(c + 8 * 25) == 104);
	assert_true(load_be64(c + 8 * 26) == 105);
}

/* Header-level errors (§1.1) and a well-framed unknown type. */
static void test_framing_errors(void **state)
{
	struct world *w = *state;
	uint8_t hdr[8] = { HMC_FRAME_MAGIC, HMC_CMD_STATUS, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF };

	hmc_link_feed(&w->link, (const uint8_t *)"zz", 2);
	assert_int_equal(expect_error(w, 0, HMC_ERR_BAD_MAGIC), 'z');
	assert_int_equal(w->nout, 1);			/* one ERROR per garbage run */
	hmc_link_feed(&w->link, hdr, sizeof(hdr));
	assert_int_equal(expect_error(w, 0, HMC_ERR_BAD_LENGTH), 0xFFFFFFFFu);
	cmd(w, 0x80, 1, 2, "abc", 3);
	expect_error(w, 0x80, HMC_ERR_UNKNOWN_TYPE);
	assert_int_equal(last(w)->index, 1);
	assert_int_equal(last(w)->session, 2);
	cmd(w, HMC_EV_MSG, 0, 0, "abc", 3);		/* an event type sent to the device */
	expect_error(w, HMC_EV_MSG, HMC_ERR_UNKNOWN_TYPE);
	cmd(w, HMC_CMD_STATUS, 0, 0, "x", 1);
	expect_error(w, HMC_CMD_STATUS, HMC_ERR_BAD_PAYLOAD);
	assert_int_equal(hmc_link_get_stats(&w->link)->host_errors, w->nout);
}

/* §4: every engine result has its code; the phase picks NOT_READY or NO_SESSION. */
static void test_error_code_mapping(void **state)
{
	struct world *w = *state;

	assert_int_equal(hmc_link_error_code(&w->link, VMC_HV_ERR_PARAM, false), HMC_ERR_BAD_VALUE);
	assert_int_equal(hmc_link_error_code(&w->link, VMC_HV_ERR_STATE, false), HMC_ERR_NOT_READY);
	assert_int_equal(hmc_link_error_code(&w->link, VMC_HV_ERR_STATE, true), HMC_ERR_NO_SESSION);
	assert_int_equal(hmc_link_error_code(&w->link, VMC_HV_ERR_FULL, true), HMC_ERR_QUEUE_FULL);
	assert_int_equal(hmc_link_error_code(&w->link, VMC_HV_ERR_NOBUF, false),
			 HMC_ERR_NO_RESOURCE);
	assert_int_equal(hmc_link_error_code(&w->link, -99, false), HMC_ERR_INTERNAL);
	vmc_hv_mp_freed(&w->f->hv);
	assert_int_equal(hmc_link_error_code(&w->link, VMC_HV_ERR_STATE, true), HMC_ERR_NOT_READY);
}

/* ------------------------------------------------------------------ */
/* Events (§2)                                                        */
/* ------------------------------------------------------------------ */

static void test_event_frames(void **state)
{
	struct world *w = *state;
	struct vmc_hv_event ev;
	const struct out_frame *o;

	memset(&ev, 0, sizeof(ev));
	ev = (struct vmc_hv_event) { .kind = VMC_HV_EV_OPEN, .index = 1, .session = 2,
				     .data = (const uint8_t *)"short", .len = 5 };
	hmc_link_engine_event(&w->link, &ev);
	o = last(w);
	assert_int_equal(o->type, HMC_EV_OPEN);
	assert_int_equal(o->len, 32);			/* padded with zeros */
	assert_memory_equal(o->payload, "short\0\0\0", 8);

	ev = (struct vmc_hv_event) { .kind = VMC_HV_EV_CLOSE, .index = 1, .session = 2,
				     .code = VMC_HV_CLOSE_OPEN_FAILED };
	hmc_link_engine_event(&w->link, &ev);
	assert_int_equal(last(w)->type, HMC_EV_CLOSE);
	assert_int_equal(last(w)->len, 1);
	assert_int_equal(last(w)->payload[0], 2);

	ev = (struct vmc_hv_event) { .kind = VMC_HV_EV_MESSAGE, .index = 1, .session = 2,
				     .data = (const uint8_t *)"guest says", .len = 10 };
	hmc_link_engine_event(&w->link, &ev);
	assert_int_equal(last(w)->type, HMC_EV_MSG);
	assert_memory_equal(last(w)->payload, "guest says", 10);

	ev = (struct vmc_hv_event) { .kind = VMC_HV_EV_SENT, .index = 1, .session = 2,
				     .len = 77 };
	hmc_link_engine_event(&w->link, &ev);
	assert_int_equal(last(w)->type, HMC_EV_DELIVERED);
	assert_int_equal(load_be32(last(w)->payload), 77);

	ev = (struct vmc_hv_event) { .kind = VMC_HV_EV_DROPPED, .index = 1, .session = 2,
				     .len = 77 };
	hmc_link_engine_event(&w->link, &ev);
	assert_int_equal(expect_error(w, HMC_CMD_MSG, HMC_ERR_NO_SESSION), 77);
	assert_int_equal(last(w)->session, 2);

	ev = (struct vmc_hv_event) { .kind = VMC_HV_EV_REM_BUF, .index = 1, .session = 2,
				     .code = 1, .buffer_id = 0x0102 };
	hmc_link_engine_event(&w->link, &ev);
	assert_int_equal(last(w)->type, HMC_EV_REM_BUF);
	assert_int_equal(last(w)->len, 4);
	assert_memory_equal(last(w)->payload, "\x01\x00\x01\x02", 4);

	ev = (struct vmc_hv_event) { .kind = VMC_HV_EV_VIOLATION, .index = 1, .session = 2,
				     .code = VMC_HV_V_BAD_BUFFER, .buffer_id = 9 };
	hmc_link_engine_event(&w->link, &ev);
	o = last(w);
	assert_int_equal(o->type, HMC_EV_VIOLATION);
	assert_int_equal(o->payload[0], VMC_HV_V_BAD_BUFFER);
	assert_int_equal(load_be16(o->payload + 2), 9);
	assert_int_equal(o->len, 4 + strlen(vmc_hv_violation_name(VMC_HV_V_BAD_BUFFER)));
	assert_memory_equal(o->payload + 4, "BAD_BUFFER", 10);

	ev = (struct vmc_hv_event) { .kind = VMC_HV_EV_LINK_DOWN };
	hmc_link_engine_event(&w->link, &ev);
	assert_int_equal(last(w)->type, HMC_EV_LINK);
	assert_int_equal(last(w)->payload[0], 0);
}

/* The same events from the real engine: a guest's violation, its message, a close. */
static void test_engine_events_end_to_end(void **state)
{
	struct world *w = *state;
	struct vmc_msg m;
	const struct out_frame *o;

	m = vmc_msg_hmc(VMC_MSG_CLOSE, 7, 1, 0);			/* CLOSE on an idle index */
	assert_int_equal(fake_send(w->f, &m), HV_H_SUCCESS);
	o = find(w, HMC_EV_VIOLATION);
	assert_non_null(o);
	assert_int_equal(o->payload[0], VMC_HV_V_NOT_OPEN);
	w->nout = 0;
	m = vmc_msg_hmc(VMC_MSG_CLOSE, 3, 0, 0);			/* the guest closes session 3 */
	assert_int_equal(fake_send(w->f, &m), HV_H_SUCCESS);
	o = find(w, HMC_EV_CLOSE);
	assert_non_null(o);
	assert_int_equal(o->index, 0);
	assert_int_equal(o->session, 3);
	assert_int_equal(o->payload[0], VMC_HV_CLOSE_BY_MP);
}

/* ------------------------------------------------------------------ */
/* Trace frames (trace-crq=on)                                        */
/* ------------------------------------------------------------------ */

static void test_trace_frames(void **state)
{
	struct world *w = world_new(1, true);
	const struct out_frame *o;
	uint64_t args[2] = { 5, 6 };
	uint8_t data[100];

	*state = w;
	memset(data, 0x5A, sizeof(data));
	assert_true(hmc_link_tracing(&w->link));
	w->f->now = 123456;
	hmc_link_trace_crq(&w->link, 0x1122334455667788ULL, 0x99, true);
	o = last(w);
	assert_int_equal(o->type, HMC_EV_CRQ);
	assert_int_equal(o->len, 17);
	assert_true(load_be64(o->payload) == 0x1122334455667788ULL);
	assert_true(load_be64(o->payload + 8) == 0x99);
	assert_int_equal(o->payload[16], 1);
	hmc_link_trace_call(&w->link, HMC_TRACE_COPY_RDMA, args, 2, data, sizeof(data));
	o = last(w);
	assert_int_equal(o->type, HMC_EV_CALL);
	assert_int_equal(o->len, 16 + 16 + HMC_TRACE_MAX_DATA);
	assert_int_equal(o->payload[0], HMC_TRACE_COPY_RDMA);
	assert_true(load_be64(o->payload + 8) == 123456);
	assert_true(load_be64(o->payload + 16) == 5);
	assert_true(load_be64(o->payload + 24) == 6);
	/* every command is recorded before it runs */
	w->nout = 0;
	cmd(w, HMC_CMD_PING, 0, 0, "pp", 2);
	assert_int_equal(w->nout, 2);
	assert_int_equal(w->out[0].type, HMC_EV_CALL);
	assert_int_equal(w->out[0].payload[0], HMC_TRACE_HOST_FRAME);
	assert_true(load_be64(w->out[0].payload + 16) == HMC_CMD_PING);
	assert_true(load_be64(w->out[0].payload + 40) == 2);
	assert_memory_equal(w->out[0].payload + 48, "pp", 2);
	assert_int_equal(w->out[1].type, HMC_EV_PONG);
}

/* The guest's inputs reach the engine and, traced, are recorded in order. */
static void test_recorded_engine_inputs(void **state)
{
	struct world *w = world_new(1, true);
	uint64_t drc = 0, rdma[5] = { 16, 0x1234, 0, FAKE_LOCAL_LIOBN, 0 };
	const struct out_frame *o;

	*state = w;
	w->nout = 0;
	hmc_link_mp_registered(&w->link, 256);
	assert_int_equal(vmc_hv_phase(&w->f->hv), VMC_HV_PHASE_WAIT_INIT);
	assert_int_equal(w->out[0].type, HMC_EV_CALL);
	assert_int_equal(w->out[0].payload[0], HMC_TRACE_REGISTER);
	assert_true(load_be64(w->out[0].payload + 16) == 256);

	assert_int_equal(hmc_link_guest_entry(&w->link, 0xC001000000000000ULL, 0), HV_H_SUCCESS);
	o = &w->out[1];
	assert_int_equal(o->type, HMC_EV_CRQ);
	assert_true(load_be64(o->payload) == 0xC001000000000000ULL);
	assert_int_equal(o->payload[16], 0);		/* guest -> HV */
	assert_int_equal(vmc_hv_get_stats(&w->f->hv)->rx_inits, 1);

	assert_int_equal(hmc_link_request_vmc(&w->link, &drc), HV_H_SUCCESS);
	assert_true(drc == 0x21000001);
	o = last(w);
	assert_int_equal(o->payload[0], HMC_TRACE_REQUEST_VMC);
	assert_true(load_be64(o->payload + 16) == 0);

	/* an unknown source LIOBN: the engine's answer is what is recorded */
	assert_int_equal(hmc_link_copy_rdma(&w->link, rdma), HV_H_SOURCE_PARM);
	o = last(w);
	assert_int_equal(o->payload[0], HMC_TRACE_COPY_RDMA);
	assert_int_equal(o->len, 16 + 6 * 8);
	assert_true(load_be64(o->payload + 16) == 16);
	assert_true(load_be64(o->payload + 24) == 0x1234);
	assert_true((int64_t)load_be64(o->payload + 56) == HV_H_SOURCE_PARM);

	hmc_link_mp_freed(&w->link);
	assert_int_equal(vmc_hv_phase(&w->f->hv), VMC_HV_PHASE_DOWN);
	assert_int_equal(last(w)->type, HMC_EV_CALL);
	assert_int_equal(last(w)->payload[0], HMC_TRACE_FREE);
	assert_int_equal(last(w)->len, 16);
}

static void test_no_trace_when_off(void **state)
{
	struct world *w = *state;

	w->nout = 0;
	assert_false(hmc_link_tracing(&w->link));
	hmc_link_trace_crq(&w->link, 1, 2, false);
	hmc_link_trace_call(&w->link, HMC_TRACE_FREE, NULL, 0, NULL, 0);
	assert_int_equal(w->nout, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_rejects_bad_config, setup_down, teardown),
		cmocka_unit_test_setup_teardown(test_peer_open_reports_link_and_sessions,
						setup_down, teardown),
		cmocka_unit_test_setup_teardown(test_announce_keeps_a_partial_frame, setup_down,
						teardown),
		cmocka_unit_test_setup_teardown(test_peer_closed_silences_and_discards, setup_open,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_peer_messages_are_counted, setup_open,
						teardown),
		cmocka_unit_test_setup_teardown(test_msg_delivered, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_msg_errors, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_msg_not_ready, setup_down, teardown),
		cmocka_unit_test_setup_teardown(test_raw_crq, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_kick_after_command, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_raw_crq_and_reset_not_registered, setup_down,
						teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_fault_kinds, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_fault_drop_guest_crq_reaches_engine, setup_open,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_msg, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_knob, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_fault_rdma, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_add_rem_buf, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_rem_buf_last_buffer, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_buf_not_ready, setup_down, teardown),
		cmocka_unit_test_setup_teardown(test_ping, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_status_layout, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_framing_errors, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_error_code_mapping, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_event_frames, setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_engine_events_end_to_end, setup_open, teardown),
		cmocka_unit_test_teardown(test_trace_frames, teardown),
		cmocka_unit_test_teardown(test_recorded_engine_inputs, teardown),
		cmocka_unit_test_setup_teardown(test_no_trace_when_off, setup_open, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
