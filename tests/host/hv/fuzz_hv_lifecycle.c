// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_hv_lifecycle.c - libFuzzer target: a CORRECT management partition
 * and a correct HMC peer drive the HV engine in an order chosen by the
 * input (which index opens, sends, closes; how much of its queue the MP
 * consumes and when; queue size; deferred sends; time; HV and MP resets;
 * partition suspensions, after which the MP re-enables its CRQ with
 * H_ENABLE_CRQ and sends Init, as it does after a migration).
 *
 * Where fuzz_hv checks that a hostile guest cannot break the engine, this
 * one checks that a well-behaved guest is served correctly:
 *   - no protocol violation is ever counted,
 *   - every response has status 0, every ADD_BUF names a free ID,
 *   - every message arrives intact, once, in order, in both directions
 *     (messages lost to a close or reset are reported as DROPPED),
 *   - when both queues are empty the engine's buffer ownership equals the
 *     MP's, buffer for buffer.
 * Any failure aborts.
 *
 * Section numbers (§) are those of docs/vmc-protocol.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/hv/fake_env.h"
#include "tests/host/hv/fuzz_input.h"

#define NIDX		2
#define POOL		8
#define MSGQ		64

enum { ST_IDLE, ST_OPENING, ST_READY, ST_CLOSING };
enum { LINK_WAIT_INIT, LINK_WAIT_CAP, LINK_READY };

struct mbuf {
	bool valid, hv_owned, free;
};

struct mindex {
	int state;
	uint8_t session, next_session;
	struct mbuf b[POOL];
	/* HMC -> MP messages accepted by the engine: seq numbers, in order */
	uint32_t to_mp[MSGQ];
	unsigned int to_mp_n, to_mp_sent;
	/* MP -> HMC messages in flight: seq numbers, in order */
	uint32_t to_hmc[MSGQ];
	unsigned int to_hmc_n;
};

static struct {
	int link;
	/*
	 * From a suspension until the MP's CAP is answered: no HV failure is
	 * injected then. An HV Init crossing the MP's own would have this MP
	 * answer both with a CAP and get two CAP_RESPs, an order this strict
	 * model does not accept; fuzz_hv drives that race for robustness.
	 */
	enum { RESYNC_NONE, RESYNC_SUSPENDED, RESYNC_INIT_SENT } resync;
	uint32_t mtu;
	struct mindex x[NIDX];
	uint32_t seq;
} mp;

static struct fake_env *env;

#define CHECK(c)                                                                   \
	do {                                                                       \
		if (!(c)) {                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			vmc_hv_dump(&env->hv, dump_print, NULL);                  \
			abort();                                                   \
		}                                                                  \
	} while (0)

#include <stdarg.h>
static void dump_print(void *arg, const char *fmt, ...)
{
	va_list ap;

	(void)arg;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void pop_front(uint32_t *q, unsigned int *n)
{
	memmove(q, q + 1, (*n - 1) * sizeof(*q));
	(*n)--;
}

static void mp_reset_all(void)
{
	unsigned int i;

	/* Unlike Linux, free every slot including never-opened seeds. */
	for (i = 0; i < NIDX; i++) {
		uint8_t ns = mp.x[i].next_session;

		memset(&mp.x[i], 0, sizeof(mp.x[i]));
		mp.x[i].next_session = ns;
	}
	mp.link = LINK_WAIT_INIT;
}

static void hook(struct fake_env *f, const struct vmc_hv_event *ev)
{
	struct mindex *x = ev->index < NIDX ? &mp.x[ev->index] : NULL;
	uint32_t seq;

	(void)f;
	switch (ev->kind) {
	case VMC_HV_EV_VIOLATION:
		fprintf(stderr, "violation %s\n", vmc_hv_violation_name(ev->code));
		CHECK(0);
		break;
	case VMC_HV_EV_MESSAGE:
		CHECK(x && x->to_hmc_n > 0 && ev->len == 8);
		memcpy(&seq, ev->data + 4, 4);
		CHECK(seq == x->to_hmc[0]);
		pop_front(x->to_hmc, &x->to_hmc_n);
		break;
	case VMC_HV_EV_SENT:
		CHECK(x && x->to_mp_sent < x->to_mp_n);
		x->to_mp_sent++;
		break;
	case VMC_HV_EV_DROPPED:
		CHECK(x && x->to_mp_n > 0);
		if (x->to_mp_n > x->to_mp_sent) {
			/* staged messages go, newest last: drop from the unsent tail */
			unsigned int k = x->to_mp_sent;

			memmove(&x->to_mp[k], &x->to_mp[k + 1], (x->to_mp_n - k - 1) * 4);
			x->to_mp_n--;
		} else {
			/* a SIGNAL still in the HV's outbound queue at a reset: the
			 * newest sent ones never reached the ring */
			x->to_mp_n--;
			x->to_mp_sent--;
		}
		break;
	case VMC_HV_EV_CLOSE:
		/* MP->HMC messages the HV had not taken yet are gone with it */
		if (x)
			x->to_hmc_n = 0;
		break;
	default:
		break;
	}
}

/*
 * A copy may fail only when the HV has reset and the MP has not processed
 * the transport event yet (pane 1 is gone): a real MP sees an error there.
 */
static bool copy_ok(long rc)
{
	if (rc == HV_H_SUCCESS)
		return true;
	CHECK(vmc_hv_phase(&env->hv) != VMC_HV_PHASE_READY);
	CHECK(rc == HV_H_SOURCE_PARM || rc == HV_H_DEST_PARM);
	return false;
}

static int free_mp_buf(const struct mindex *x)
{
	int id;

	for (id = 0; id < POOL; id++)
		if (x->b[id].valid && !x->b[id].hv_owned && x->b[id].free)
			return id;
	return -1;
}

/*
 * Send one entry. Between a suspension and the MP's H_ENABLE_CRQ every
 * send is refused with H_CLOSED: the MP has not read the partner-suspended
 * event yet, and forgets what it sent when it does.
 */
static void send_msg(struct vmc_msg *m)
{
	long rc;

	if (!env->quiet) {
		uint64_t hi, lo;

		vmc_msg_encode(m, &hi, &lo);
		fprintf(stderr, "MP -> %016llx %016llx\n", (unsigned long long)hi,
			(unsigned long long)lo);
	}
	rc = fake_send(env, m);
	if (rc == HV_H_CLOSED && vmc_hv_is_suspended(&env->hv))
		return;
	CHECK(rc == HV_H_SUCCESS);
}

/* The MP consumes one entry of its queue. */
static bool mp_consume_one(void)
{
	uint64_t hi, lo;
	struct vmc_msg m, r;
	struct mindex *x;
	uint32_t seq;

	if (!fake_pop(env, &hi, &lo))
		return false;
	if (!env->quiet)
		fprintf(stderr, "MP <- %016llx %016llx\n", (unsigned long long)hi,
			(unsigned long long)lo);
	if ((hi >> 56) == 0xFF) {
		/* partner failed: drop everything, wait for its Init */
		for (unsigned int i = 0; i < NIDX; i++) {
			mp.x[i].to_hmc_n = 0;
		}
		mp_reset_all();
		if (((hi >> 48) & 0xFF) == 0x06) {
			/* partner suspended: no Init comes; re-enable, then send ours */
			vmc_hv_mp_enabled(&env->hv);
			CHECK(!vmc_hv_is_suspended(&env->hv));
			CHECK(vmc_hv_receive(&env->hv, 0xC001000000000000ULL, 0) == HV_H_SUCCESS);
			mp.resync = RESYNC_INIT_SENT;
		}
		return true;
	}
	if (hi == 0xC001000000000000ULL) {
		long rc;

		mp_reset_all();
		rc = vmc_hv_receive(&env->hv, 0xC002000000000000ULL, 0);
		/* an Init queued before a suspension: the answer is refused too */
		CHECK(rc == HV_H_SUCCESS || (rc == HV_H_CLOSED && vmc_hv_is_suspended(&env->hv)));
		m = vmc_msg_cap(VMC_MSG_CAP, NIDX, POOL, 4096, 256, 0x0101);
		send_msg(&m);
		mp.link = LINK_WAIT_CAP;
		return true;
	}
	if (hi == 0xC002000000000000ULL) {
		if (mp.link == LINK_WAIT_INIT) {
			m = vmc_msg_cap(VMC_MSG_CAP, NIDX, POOL, 4096, 256, 0x0101);
			send_msg(&m);
			mp.link = LINK_WAIT_CAP;
		}
		return true;
	}
	CHECK(vmc_msg_decode(&m, hi, lo));
	if (m.type == VMC_MSG_CAP_RESP) {
		CHECK(mp.link == LINK_WAIT_CAP && m.status == 0);
		if (mp.resync == RESYNC_INIT_SENT)	/* not one read before the event */
			mp.resync = RESYNC_NONE;
		mp.mtu = m.max_mtu < 4096 ? m.max_mtu : 4096;
		mp.link = LINK_READY;
		return true;
	}
	CHECK(mp.link == LINK_READY);	/* §9.3 rule 1 */
	CHECK(m.index < NIDX);
	x = &mp.x[m.index];
	CHECK(m.session == 0 || m.session == x->session);
	switch (m.type) {
	case VMC_MSG_ADD_BUF:
		CHECK(m.buffer_id < POOL && !x->b[m.buffer_id].valid);
		CHECK(m.lioba == vmc_hv_lioba(&env->hv, m.index, m.buffer_id));
		x->b[m.buffer_id].valid = true;
		x->b[m.buffer_id].hv_owned = m.owner != 0;
		x->b[m.buffer_id].free = true;
		r = vmc_msg_hmc(VMC_MSG_ADD_BUF_RESP, m.session, m.index, m.buffer_id);
		send_msg(&r);
		break;
	case VMC_MSG_OPEN_RESP:
		CHECK(x->state == ST_OPENING && m.status == 0 && m.session == x->session);
		CHECK(m.buffer_id < POOL && x->b[m.buffer_id].valid && !x->b[m.buffer_id].free);
		x->b[m.buffer_id].free = true;
		x->state = ST_READY;
		break;
	case VMC_MSG_CLOSE_RESP:
		CHECK(x->state == ST_CLOSING && m.status == 0);
		memset(x->b, 0, sizeof(x->b));
		x->state = ST_IDLE;
		x->to_mp_n = x->to_mp_sent = 0;
		break;
	case VMC_MSG_SIGNAL:
		CHECK(m.buffer_id < POOL && x->b[m.buffer_id].valid && x->b[m.buffer_id].hv_owned);
		CHECK(m.msg_len == 8 && m.session == x->session);
		CHECK(x->to_mp_sent > 0);
		if (copy_ok(vmc_hv_copy_rdma(&env->hv, m.msg_len, FAKE_REMOTE_LIOBN,
					     vmc_hv_lioba(&env->hv, m.index, m.buffer_id),
					     FAKE_LOCAL_LIOBN, 0x8000))) {
			memcpy(&seq, env->local + 0x8004, 4);
			CHECK(seq == x->to_mp[0]);
		}
		pop_front(x->to_mp, &x->to_mp_n);
		x->to_mp_sent--;
		x->b[m.buffer_id].hv_owned = false;
		x->b[m.buffer_id].free = true;
		break;
	case VMC_MSG_REM_BUF: {
		int id = free_mp_buf(x);

		r = vmc_msg_hmc(VMC_MSG_REM_BUF_RESP, m.session, m.index, 0);
		if (id < 0) {
			r.status = VMC_ST_NO_BUFFER;
			r.buffer_id = 0xFFFF;
		} else {
			r.buffer_id = (uint16_t)id;
			memset(&x->b[id], 0, sizeof(x->b[id]));
		}
		send_msg(&r);
		break;
	}
	default:
		CHECK(0);
	}
	return true;
}

static void mp_open(unsigned int i)
{
	struct mindex *x = &mp.x[i];
	struct vmc_msg m;
	int id;

	if (mp.link != LINK_READY || x->state != ST_IDLE)
		return;
	for (unsigned int k = 0; k < NIDX; k++)
		if (free_mp_buf(&mp.x[k]) < 0 && mp.x[k].state == ST_IDLE && k == i)
			return;
	id = free_mp_buf(x);
	if (id < 0)
		return;
	x->next_session = (uint8_t)(x->next_session % 254 + 1);
	x->session = x->next_session;
	memset(env->local, 0, 4096);
	snprintf((char *)env->local, 32, "hmc-%u-%u", i, x->session);
	if (!copy_ok(vmc_hv_copy_rdma(&env->hv, mp.mtu, FAKE_LOCAL_LIOBN, 0, FAKE_REMOTE_LIOBN,
				     vmc_hv_lioba(&env->hv, i, (unsigned int)id))))
		return;
	x->b[id].free = false;
	x->state = ST_OPENING;
	m = vmc_msg_hmc(VMC_MSG_OPEN, x->session, (uint8_t)i, (uint16_t)id);
	send_msg(&m);
}

static void mp_send(unsigned int i)
{
	struct mindex *x = &mp.x[i];
	struct vmc_msg m;
	int id;

	if (mp.link != LINK_READY || x->state != ST_READY || x->to_hmc_n >= MSGQ)
		return;
	id = free_mp_buf(x);
	if (id < 0)
		return;
	mp.seq++;
	memcpy(env->local + 0x4000, "MPHV", 4);
	memcpy(env->local + 0x4004, &mp.seq, 4);
	if (!copy_ok(vmc_hv_copy_rdma(&env->hv, 8, FAKE_LOCAL_LIOBN, 0x4000, FAKE_REMOTE_LIOBN,
				     vmc_hv_lioba(&env->hv, i, (unsigned int)id))))
		return;
	x->b[id].hv_owned = true;
	x->b[id].free = false;
	x->to_hmc[x->to_hmc_n++] = mp.seq;
	m = vmc_msg_hmc(VMC_MSG_SIGNAL, x->session, (uint8_t)i, (uint16_t)id);
	m.msg_len = 8;
	send_msg(&m);
}

static void mp_close(unsigned int i)
{
	struct mindex *x = &mp.x[i];
	struct vmc_msg m;

	if (mp.link != LINK_READY || x->state != ST_READY)
		return;
	x->state = ST_CLOSING;
	m = vmc_msg_hmc(VMC_MSG_CLOSE, x->session, (uint8_t)i, 0);
	send_msg(&m);
}

static void hmc_send(unsigned int i)
{
	struct mindex *x = &mp.x[i];
	uint8_t data[8];
	int rc;

	if (x->to_mp_n >= MSGQ)
		return;
	mp.seq++;
	memcpy(data, "HVMP", 4);
	memcpy(data + 4, &mp.seq, 4);
	x->to_mp[x->to_mp_n++] = mp.seq;	/* before: SENT may fire inside */
	rc = vmc_hv_hmc_send(&env->hv, i, data, 8);
	if (rc != VMC_HV_OK) {
		CHECK(x->to_mp_n > x->to_mp_sent);
		x->to_mp_n--;
		CHECK(rc == VMC_HV_ERR_STATE || rc == VMC_HV_ERR_FULL);
	}
}

/* Both queues empty: the engine and the MP must agree on every buffer. */
static void cross_check(void)
{
	unsigned int i, id;

	if (env->ring_count || vmc_hv_outq_len(&env->hv) || mp.link != LINK_READY)
		return;
	for (i = 0; i < NIDX; i++) {
		for (id = 0; id < POOL; id++) {
			int owner, st = vmc_hv_buffer_info(&env->hv, i, id, &owner);
			const struct mbuf *b = &mp.x[i].b[id];

			CHECK(st >= 0);
			if (!b->valid) {
				CHECK(st == VMC_HV_BUF_ABSENT);
				continue;
			}
			CHECK(st == VMC_HV_BUF_PRESENT);
			CHECK((owner == VMC_HV_OWNER_HV) == b->hv_owned);
		}
		if (mp.x[i].state == ST_READY)
			CHECK(vmc_hv_session(&env->hv, i) == mp.x[i].session);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct vmc_hv_config cfg;
	unsigned int ops = 0;
	uint8_t c0;

	if (!env && !(env = fake_new(NULL)))
		abort();
	fake_config_default(&cfg);
	c0 = u8(&in);
	cfg.max_hmcs = NIDX;
	cfg.pool_size = POOL;
	cfg.deferred_send = c0 & 1;
	cfg.session_mp_bufs = (c0 >> 1) & 3;
	cfg.session_hv_bufs = (c0 >> 3) & 3;
	cfg.init_on_register = c0 & 0x20;
	if (fake_reinit(env, &cfg))
		abort();
	env->quiet = !getenv("HV_TEST_LOG");
	env->ring_capacity = 4 + (u8(&in) & 31);
	env->report_outstanding = c0 & 0x40;
	env->on_event = hook;
	memset(&mp, 0, sizeof(mp));

	vmc_hv_mp_registered(&env->hv, 64);
	if (!cfg.init_on_register)
		CHECK(vmc_hv_receive(&env->hv, 0xC001000000000000ULL, 0) == HV_H_SUCCESS);

	while (in.n && ops++ < 3000) {
		uint8_t op = u8(&in);
		unsigned int i = (op >> 4) & 1;

		switch (op & 15) {
		case 0:
		case 1:
		case 2: {
			unsigned int n = 1 + (op >> 5);

			while (n-- && mp_consume_one())
				;
			break;
		}
		case 3:
			mp_open(i);
			break;
		case 4:
		case 5:
			mp_send(i);
			break;
		case 6:
			mp_close(i);
			break;
		case 7:
		case 8:
			hmc_send(i);
			break;
		case 9:
			env->now += op;
			vmc_hv_kick(&env->hv);
			break;
		case 10:
			if (mp.link == LINK_READY && (op & 0x20))
				vmc_hv_hmc_add_buffer(&env->hv, i, (op >> 6) & 1);
			break;
		case 11:
			if (mp.link == LINK_READY && (op & 0x20))
				vmc_hv_hmc_remove_buffer(&env->hv, i);
			break;
		case 12:
			if ((op & 0xE0) == 0xE0 && mp.resync == RESYNC_NONE) {
				/* HV failure; the MP learns from the 0xFF event */
				vmc_hv_reset(&env->hv, 0x01, op & 0x10 ? 0 : 5);
			} else if ((op & 0xE0) == 0xC0) {
				/* suspended and resumed; the MP learns from 0xFF 0x06 */
				CHECK(vmc_hv_suspend(&env->hv) == VMC_HV_OK);
				CHECK(vmc_hv_is_suspended(&env->hv));
				mp.resync = RESYNC_SUSPENDED;
			}
			break;
		case 13:
			if ((op & 0xE0) == 0xE0) {
				/* MP reset: H_FREE_CRQ, H_REG_CRQ, Init (its queue is zeroed) */
				for (unsigned int k = 0; k < NIDX; k++)
					mp.x[k].to_hmc_n = 0;
				vmc_hv_mp_freed(&env->hv);
				env->ring_head = env->ring_count = 0;
				mp_reset_all();
				vmc_hv_mp_registered(&env->hv, 64);
				CHECK(vmc_hv_receive(&env->hv, 0xC001000000000000ULL, 0) == HV_H_SUCCESS);
				if (mp.resync != RESYNC_NONE)	/* the registration ended it */
					mp.resync = RESYNC_INIT_SENT;
			}
			break;
		case 14:
			env->ring_capacity = 1 + (op >> 3);
			vmc_hv_kick(&env->hv);
			break;
		default:
			vmc_hv_kick(&env->hv);
			break;
		}
		CHECK(vmc_hv_check_invariants(&env->hv) == 0);
		cross_check();
	}
	/* drain: everything sent must arrive */
	env->ring_capacity = 256;
	for (unsigned int guard = 0; guard < 10000; guard++) {
		env->now += 1000;
		vmc_hv_kick(&env->hv);
		if (!mp_consume_one() && !vmc_hv_outq_len(&env->hv))
			break;
	}
	CHECK(vmc_hv_check_invariants(&env->hv) == 0);
	cross_check();
	for (unsigned int k = 0; k < NIDX; k++) {
		CHECK(mp.x[k].to_hmc_n == 0);		/* the HV took every MP message */
		CHECK(mp.x[k].to_mp_sent == 0);		/* the MP got every SIGNAL sent */
	}
	CHECK(vmc_hv_get_stats(&env->hv)->violations_total == 0);
	return 0;
}
