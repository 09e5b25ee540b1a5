// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_hv.c - libFuzzer target for the HV-side VMC engine.
 *
 * The guest is hostile: the input is a script of operations a guest (and a
 * host peer) could perform in any order: raw and structured CRQ entries,
 * H_COPY_RDMA with arbitrary LIOBNs/addresses/lengths and TCE states,
 * H_REQUEST_VMC, CRQ register/free at any point, the MP consuming (or not)
 * its queue, HMC-side commands, fault knobs, time passing, and callbacks
 * that re-enter the engine. After every operation the engine's invariants
 * are checked (bounded queues, indices in range, ownership coherent,
 * every accepted host message accounted for); a broken one aborts.
 *
 * Build/run: make fuzz-hv [FUZZ_SECONDS=seconds] (tests/README.md)
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/hv/fake_env.h"
#include "tests/host/hv/fuzz_input.h"

static int hook_mode;

/* Callbacks that call back into the engine, as an HMC relay might. */
static void hook(struct fake_env *f, const struct vmc_hv_event *ev)
{
	switch (hook_mode) {
	case 1:
		if (ev->kind == VMC_HV_EV_MESSAGE && ev->len)
			vmc_hv_hmc_send(&f->hv, ev->index, ev->data, ev->len);
		break;
	case 2:
		if (ev->kind == VMC_HV_EV_OPEN)
			vmc_hv_hmc_send(&f->hv, ev->index, ev->data, ev->len);
		if (ev->kind == VMC_HV_EV_CLOSE)
			vmc_hv_hmc_add_buffer(&f->hv, ev->index, VMC_HV_OWNER_HV);
		break;
	case 3:
		if (ev->kind == VMC_HV_EV_CLOSE || ev->kind == VMC_HV_EV_VIOLATION)
			vmc_hv_reset(&f->hv, 0x01, 10);
		if (ev->kind == VMC_HV_EV_LINK_DOWN)
			vmc_hv_hmc_send(&f->hv, 0, "x", 1);
		break;
	}
}

static uint64_t pick_ioba(struct fake_env *f, struct input *in, bool remote)
{
	uint8_t how = u8(in);

	switch (how & 3) {
	case 0:
		return u64(in);
	case 1:
		if (remote)
			return (uint64_t)vmc_hv_lioba(&f->hv, u8(in) % 5, u8(in) % 70) + (u16(in) & 0x1FFF) -
				0x100;
		return u32(in) % (FAKE_LOCAL_SIZE + 8192);
	default:
		if (remote)
			return vmc_hv_lioba(&f->hv, u8(in) % 4, u8(in) % 64) + (u8(in) & 0x0F);
		return (uint64_t)(u8(in) % 64) * 4096 + (u8(in) & 0x3F);
	}
}

static uint64_t pick_liobn(struct input *in)
{
	uint8_t b = u8(in);

	if (b < 110)
		return FAKE_LOCAL_LIOBN;
	if (b < 240)
		return FAKE_REMOTE_LIOBN;
	return u64(in);
}

static uint64_t pick_len(struct input *in)
{
	uint8_t b = u8(in);

	switch (b & 7) {
	case 0:
		return u64(in);
	case 1:
		return u32(in) & 0x3FFFF;
	case 2:
		return 4096;
	case 3:
		return 32;
	default:
		return u16(in) & 0x3FFF;
	}
}

/* A polite MP step: consume some entries, answering ADD_BUF like Linux. */
static void mp_consume(struct fake_env *f, unsigned int n, bool answer)
{
	uint64_t hi, lo;

	while (n-- && fake_pop(f, &hi, &lo)) {
		struct vmc_msg m, r;

		if (!answer || !vmc_msg_decode(&m, hi, lo))
			continue;
		if (m.type == VMC_MSG_ADD_BUF) {
			r = vmc_msg_hmc(VMC_MSG_ADD_BUF_RESP, m.session, m.index, m.buffer_id);
			fake_send(f, &r);
		} else if (m.type == VMC_MSG_REM_BUF) {
			r = vmc_msg_hmc(VMC_MSG_REM_BUF_RESP, m.session, m.index, 1);
			fake_send(f, &r);
		}
	}
}

static void dump_print(void *arg, const char *fmt, ...)
{
	va_list ap;

	(void)arg;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void check(struct fake_env *f, unsigned int op)
{
	int rc = vmc_hv_check_invariants(&f->hv);

	if (!f->quiet)
		vmc_hv_dump(&f->hv, dump_print, NULL);
	if (rc) {
		fprintf(stderr, "invariant %d broken after op %u\n", rc, op);
		abort();
	}
	if (f->ring_count > FAKE_RING_MAX)
		abort();
}

static struct fake_env *env;

static void null_print(void *arg, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	(void)arg;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
}

static void final_handshake(struct fake_env *f)
{
	struct vmc_msg m;
	uint64_t hi, lo;

	vmc_hv_mp_registered(&f->hv, 256);
	vmc_hv_kick(&f->hv);
	if (f->cfg.init_on_register) {
		if (!fake_pop(f, &hi, &lo) || hi != 0xC001000000000000ULL)
			abort();
	}
	if (vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0) != HV_H_SUCCESS)
		abort();
	vmc_hv_kick(&f->hv);
	if (!fake_pop(f, &hi, &lo) || hi != 0xC002000000000000ULL)
		abort();
	m = vmc_msg_cap(VMC_MSG_CAP, 1, 16, 4096, 256, 0x0101);
	if (fake_send(f, &m) != HV_H_SUCCESS)
		abort();
	vmc_hv_kick(&f->hv);
	if (!fake_pop_msg(f, &m) || m.type != VMC_MSG_CAP_RESP || m.status != 0)
		abort();
	if (!fake_pop_msg(f, &m) || m.type != VMC_MSG_ADD_BUF || m.index != 0 || m.owner != 0)
		abort();
	if (vmc_hv_phase(&f->hv) != VMC_HV_PHASE_READY)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct vmc_hv_config cfg;
	unsigned int ops = 0;
	uint8_t c0, c1;

	if (!env) {
		env = fake_new(NULL);
		if (!env)
			abort();
	}
	fake_config_default(&cfg);
	c0 = u8(&in);
	c1 = u8(&in);
	cfg.max_hmcs = 1 + (c0 & 3);
	cfg.pool_size = 1 + (c1 & 63);
	cfg.max_mtu = 4096u << ((c0 >> 2) & 1) << ((c0 >> 3) & 1);
	cfg.strict = c0 & 0x10;
	cfg.deferred_send = c0 & 0x20;
	cfg.init_on_register = c0 & 0x40;
	cfg.session_mp_bufs = (c1 >> 6) & 3;
	cfg.session_hv_bufs = (c0 >> 7) ? 5 : 1;
	cfg.max_copy_len = (c1 & 0x80) ? 0 : 8192;
	cfg.remote_base = (c1 & 0x40) && (c0 & 1) ? 0x10000 : 0;
	if (fake_reinit(env, &cfg))
		abort();
	/* Without a check op the engine learns pane-0 errors from the copy itself. */
	env->ops.mp_dma_check = (c1 & 0x20) && (c0 & 2) ? NULL : fake_dma_check;
	env->quiet = !getenv("HV_TEST_LOG");
	hook_mode = u8(&in) & 3;
	env->on_event = hook;

	while (in.n && ops < 2000) {
		uint8_t op = u8(&in);
		struct vmc_hv *hv = &env->hv;
		struct vmc_msg m;
		uint64_t x;

		ops++;
		if (!env->quiet)
			fprintf(stderr, "op %u: %u\n", ops, op % 26);
		switch (op % 29) {
		case 0:
			x = u64(&in);
			vmc_hv_receive(hv, x, u64(&in));
			break;
		case 1:
		case 2: {
			static const uint8_t types[] = { VMC_MSG_OPEN, VMC_MSG_CLOSE, VMC_MSG_SIGNAL,
							 VMC_MSG_ADD_BUF_RESP, VMC_MSG_REM_BUF_RESP,
							 VMC_MSG_CAP, 0x82, 0x04, 0x42 };
			uint8_t t = types[u8(&in) % sizeof(types)];

			m = vmc_msg_hmc(t, u8(&in) % 4, u8(&in) % 5, u8(&in) % 70);
			m.status = u8(&in) % 4 ? 0 : u8(&in);
			m.var3 = (u8(&in) & 1) ? u32(&in) : u16(&in) & 0x3FFF;
			if (t == VMC_MSG_CAP)
				m = vmc_msg_cap(t, u8(&in) % 6, u16(&in) % 80, u32(&in) % 20000,
						u16(&in), u8(&in) % 8 ? 0x0101 : u16(&in));
			fake_send(env, &m);
			break;
		}
		case 3:
		case 4: {
			uint64_t len = pick_len(&in), sl = pick_liobn(&in), dl = pick_liobn(&in);
			uint64_t sa = pick_ioba(env, &in, sl == FAKE_REMOTE_LIOBN);
			uint64_t da = pick_ioba(env, &in, dl == FAKE_REMOTE_LIOBN);

			vmc_hv_copy_rdma(hv, len, sl, sa, dl, da);
			break;
		}
		case 5:
			{
				unsigned int page = u8(&in) % (FAKE_LOCAL_SIZE / 4096);

				fake_set_tce(env, page, u8(&in) & 3);
			}
			break;
		case 6:
			vmc_hv_request_vmc(hv, (u8(&in) & 1) ? &x : NULL);
			break;
		case 7:
			vmc_hv_mp_registered(hv, u8(&in) & 1 ? 256 : u16(&in));
			break;
		case 8:
			vmc_hv_mp_freed(hv);
			break;
		case 9:
			env->now += u8(&in) & 1 ? u8(&in) : u32(&in);
			if (u8(&in) & 1) {
				uint64_t t = vmc_hv_next_deadline_us(hv);

				if (t != UINT64_MAX && t > env->now)
					env->now = t;
			}
			vmc_hv_kick(hv);
			break;
		case 10: {
			uint8_t buf[64];
			uint32_t len = u8(&in) & 1 ? u8(&in) % 65 : u16(&in);

			memset(buf, 0xA5, sizeof(buf));
			/* only the first 64 bytes are ours: long messages come from the local pane */
			vmc_hv_hmc_send(hv, u8(&in) % 5, len <= 64 ? buf : env->local,
					len <= FAKE_LOCAL_SIZE ? len : 64);
			break;
		}
		case 11:
			vmc_hv_hmc_add_buffer(hv, u8(&in) % 5, u8(&in) % 3);
			break;
		case 12:
			vmc_hv_hmc_remove_buffer(hv, u8(&in) % 5);
			break;
		case 13: {
			uint8_t code = u8(&in);

			vmc_hv_reset(hv, code, u8(&in) & 1 ? UINT64_MAX : u16(&in));
			break;
		}
		case 14:
			/* op 43: a partition suspension (a migration loaded, stop and
			 * cont); op 72: the MP's H_ENABLE_CRQ; any other: an Init */
			if (op / 29 == 1)
				vmc_hv_suspend(hv);
			else if (op / 29 == 2)
				vmc_hv_mp_enabled(hv);
			else
				vmc_hv_send_init(hv);
			break;
		case 15:
			x = u64(&in);
			vmc_hv_inject_raw(hv, x, u64(&in));
			break;
		case 16: {
			uint8_t dir = u8(&in) & 1, action = u8(&in) % 5;
			uint16_t match = u8(&in) & 1 ? u16(&in) : 0;
			uint32_t nth = u8(&in) % 4, count = u8(&in) % 4;

			vmc_hv_fault_message(hv, dir, action, match, nth, count, u16(&in));
			break;
		}
		case 17: {
			uint32_t nth = u8(&in) % 4, count = u8(&in) % 3;

			vmc_hv_fault_rdma(hv, nth, count, -(long)(u8(&in) % 20));
			break;
		}
		case 18: {
			int knob = u8(&in) % (VMC_HV_KNOB_COUNT + 1);
			uint8_t b = u8(&in);

			vmc_hv_set_knob(hv, knob, b == 0xFF ? VMC_HV_KNOB_OFF : (int64_t)(int8_t)u8(&in));
			break;
		}
		case 19:
		case 20:
			mp_consume(env, 1 + u8(&in) % 16, op & 1);
			break;
		case 21:
			env->ring_capacity = u8(&in) & 0x80 ? 256 : u8(&in) % 8;
			break;
		case 22:
			env->mp_closed = u8(&in) == 0x42;
			break;
		case 23:
			vmc_hv_faults_clear(hv);
			break;
		case 24: {
			/* a well-behaved bring-up burst: Init, CAP */
			vmc_hv_receive(hv, 0xC001000000000000ULL, 0);
			m = vmc_msg_cap(VMC_MSG_CAP, 1 + u8(&in) % 4, 16 + u8(&in) % 49, 4096, 256,
					0x0101);
			fake_send(env, &m);
			mp_consume(env, 8, true);
			break;
		}
		case 26: {
			/* floods: the MP stops consuming and the queues must stay bounded */
			unsigned int n = 1 + u16(&in) % 700, k;
			uint8_t kind = u8(&in) % 3;

			for (k = 0; k < n; k++) {
				if (kind == 0)
					vmc_hv_inject_raw(hv, 0x8099000000000000ULL | k, k);
				else if (kind == 1)
					vmc_hv_receive(hv, 0x8001000000010020ULL, 0x0000100001000101ULL);
				else
					vmc_hv_hmc_add_buffer(hv, k % 4, k & 1);
			}
			break;
		}
		case 27:
			env->report_outstanding = u8(&in) & 1;
			break;
		case 28:
			vmc_hv_dump(hv, null_print, NULL);
			break;
		case 25: {
			/* a Linux-like open on an index: ID copy into buffer 0, OPEN */
			uint8_t idx = u8(&in) % 4, sess = u8(&in);

			vmc_hv_copy_rdma(hv, 4096, FAKE_LOCAL_LIOBN, 0, FAKE_REMOTE_LIOBN,
					 vmc_hv_lioba(hv, idx, 0));
			m = vmc_msg_hmc(VMC_MSG_OPEN, sess, idx, 0);
			fake_send(env, &m);
			mp_consume(env, 16, true);
			break;
		}
		}
		check(env, ops);
	}
	/* Everything must still work after whatever happened: a clean handshake. */
	env->mp_closed = false;
	env->ring_capacity = 256;
	env->on_event = NULL;
	vmc_hv_faults_clear(&env->hv);
	env->ring_head = env->ring_count = 0;
	vmc_hv_mp_freed(&env->hv);
	final_handshake(env);
	check(env, ops + 1);
	return 0;
}
