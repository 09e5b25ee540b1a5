// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_hmc_link.c - libFuzzer target for the HMC link layer: hostile peer
 * bytes go through the frame parser and hv/hmc_link.c into a real engine on
 * the fake world of fake_env.c, interleaved with what the guest does (consume
 * its CRQ, answer ADD_BUFs, send raw entries), time passing and the peer
 * reconnecting. Checked after every step: the engine's invariants. Checked
 * on every frame the link writes: one whole frame, a known event type,
 * ERROR and ACK payloads well formed with a known code.
 *
 * Input: byte 0 sets up (bit 0 bring the link up, bit 1 open a session on
 * index 0, bit 2 trace-crq, bits 3-4 max_hmcs - 1); then steps, each an op
 * byte and its operands:
 *   op % 8 = 0..2  feed the next N bytes (N = next byte) as peer bytes
 *            3     the guest consumes one entry of its CRQ
 *            4     the guest answers every ADD_BUF in its CRQ
 *            5     time advances (next byte) ms, then a kick
 *            6     the peer disconnects and connects again
 *            7     the guest sends the next 16 bytes as an H_SEND_CRQ entry
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hmc_link.h"
#include "tests/host/hv/fake_env.h"

static struct fake_env *env;
static struct hmc_link link;
static uint64_t frames_out;

static void check_frame(void *opaque, const uint8_t *p, size_t len)
{
	uint32_t plen;
	uint8_t type;

	(void)opaque;
	assert(len >= HMC_FRAME_HDR_LEN && len <= HMC_FRAME_MAX_LEN);
	assert(p[0] == HMC_FRAME_MAGIC);
	plen = load_be32(p + 4);
	assert(plen == len - HMC_FRAME_HDR_LEN);
	type = p[1];
	assert(type >= HMC_EV_OPEN && type <= HMC_EV_CALL);
	p += HMC_FRAME_HDR_LEN;
	switch (type) {
	case HMC_EV_ERROR:
		assert(plen >= 8 && plen <= 8 + HMC_FRAME_MAX_TEXT);
		assert(p[1] >= HMC_ERR_BAD_MAGIC && p[1] <= HMC_ERR_INTERNAL);
		assert(p[1] != HMC_ERR_UNSUPPORTED && p[1] != HMC_ERR_INTERNAL);
		assert(p[0] == 0 || p[0] >= 0x80 || p[1] == HMC_ERR_UNKNOWN_TYPE);
		break;
	case HMC_EV_ACK:
		assert(plen == 8 && p[0] >= HMC_CMD_RAW_CRQ && p[0] <= HMC_CMD_FAULT_RDMA);
		break;
	case HMC_EV_LINK:
	case HMC_EV_CLOSE:
		assert(plen == 1 && p[0] <= 2);
		break;
	case HMC_EV_OPEN:
		assert(plen == HMC_FRAME_HMC_ID_LEN);
		break;
	case HMC_EV_STATUS:
		assert(plen >= 44 && plen <= HMC_LINK_STATUS_MAX);
		assert(p[0] == HMC_LINK_STATUS_VERSION && p[1] <= VMC_HV_PHASE_READY);
		break;
	case HMC_EV_PONG:
		assert(plen <= 64);
		break;
	case HMC_EV_DELIVERED:
	case HMC_EV_REM_BUF:
		assert(plen == 4);
		break;
	default:
		break;
	}
	frames_out++;
}

static void do_kick(void *opaque)
{
	(void)opaque;
	vmc_hv_kick(&env->hv);
}

static uint64_t now(void *opaque)
{
	(void)opaque;
	return env->now;
}

static const struct hmc_link_ops ops = {
	.write = check_frame,
	.now_us = now,
	.kick = do_kick,
};

static void forward_event(struct fake_env *f, const struct vmc_hv_event *ev)
{
	(void)f;
	hmc_link_engine_event(&link, ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmc_hv_config cfg;
	struct hmc_link_config lcfg;
	size_t pos = 1;
	uint8_t setup;
	uint32_t nhmc;

	if (size < 1)
		return 0;
	setup = data[0];
	nhmc = 1 + ((setup >> 3) & 3);
	fake_config_default(&cfg);
	cfg.max_hmcs = nhmc;
	if (!env)
		env = fake_new(&cfg);
	else if (fake_reinit(env, &cfg))
		abort();
	assert(env);
	env->quiet = true;
	env->on_event = forward_event;
	lcfg = (struct hmc_link_config) {
		.max_hmcs = nhmc, .pool_size = cfg.pool_size,
		.remote_liobn = (uint32_t)cfg.remote_liobn, .trace = setup & 4,
	};
	if (hmc_link_init(&link, &lcfg, &ops, NULL, &env->hv) != VMC_HV_OK)
		abort();
	hmc_link_peer_opened(&link);
	if (setup & 1) {
		if (fake_bring_up(env, (uint8_t)nhmc, 16, 4096))
			abort();
		if ((setup & 2) && fake_open(env, 0, 1, "fuzz-hmc"))
			abort();
	}
	assert(vmc_hv_check_invariants(&env->hv) == 0);

	while (pos < size) {
		uint8_t op = data[pos++];
		uint64_t hi, lo;
		size_t n;

		switch (op % 8) {
		case 0: case 1: case 2:
			n = pos < size ? data[pos++] : 0;
			if (n > size - pos)
				n = size - pos;
			hmc_link_feed(&link, data + pos, n);
			pos += n;
			break;
		case 3:
			fake_pop(env, &hi, &lo);
			break;
		case 4:
			fake_answer_adds(env);
			break;
		case 5:
			env->now += (uint64_t)(pos < size ? data[pos++] : 1) * 1000;
			vmc_hv_kick(&env->hv);
			break;
		case 6:
			hmc_link_peer_closed(&link);
			hmc_link_peer_opened(&link);
			break;
		case 7:
			if (size - pos < 16) {
				pos = size;
				break;
			}
			vmc_hv_receive(&env->hv, load_be64(data + pos), load_be64(data + pos + 8));
			pos += 16;
			break;
		}
		assert(vmc_hv_check_invariants(&env->hv) == 0);
		assert(link.parser.hdr_got <= HMC_FRAME_HDR_LEN);
		assert(link.parser.want <= HMC_FRAME_MAX_PAYLOAD &&
		       link.parser.got <= link.parser.want);
	}
	return 0;
}
