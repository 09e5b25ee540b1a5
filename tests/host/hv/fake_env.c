// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fake_env.c - see fake_env.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/hv/fake_env.h"

static int f_send(void *opaque, uint64_t hi, uint64_t lo)
{
	struct fake_env *f = opaque;
	unsigned int slot;

	if (f->mp_closed)
		return VMC_HV_TX_CLOSED;
	if (f->ring_count >= f->ring_capacity)
		return VMC_HV_TX_FULL;
	slot = (f->ring_head + f->ring_count) % FAKE_RING_MAX;
	f->ring_hi[slot] = hi;
	f->ring_lo[slot] = lo;
	f->ring_count++;
	return VMC_HV_TX_OK;
}

static long f_outstanding(void *opaque)
{
	struct fake_env *f = opaque;

	return f->report_outstanding ? (long)f->ring_count : -1;
}

/* Pane 0 is the model's: one rule for the fake, the simulator and QEMU. */
long fake_dma_check(void *opaque, uint64_t liobn, uint64_t ioba, uint64_t len, bool write)
{
	struct fake_env *f = opaque;

	return hvenv_dma_check(&f->model, liobn, ioba, len, write);
}

static long f_read(void *opaque, uint64_t liobn, uint64_t ioba, void *buf, uint64_t len)
{
	struct fake_env *f = opaque;

	return hvenv_dma_read(&f->model, liobn, ioba, buf, len);
}

static long f_write(void *opaque, uint64_t liobn, uint64_t ioba, const void *buf, uint64_t len)
{
	struct fake_env *f = opaque;

	return hvenv_dma_write(&f->model, liobn, ioba, buf, len);
}

void fake_set_tce(struct fake_env *f, unsigned int page, unsigned int perm)
{
	uint64_t ioba = (uint64_t)page * HVENV_PAGE;

	if (ioba >= FAKE_LOCAL_SIZE)
		return;
	hvenv_put_tce(&f->model, FAKE_LOCAL_LIOBN, ioba,
		      (uint64_t)(uintptr_t)(f->local + ioba) | (perm & VMC_HV_TCE_PERM));
}

/* Every page of pane 0 readable and writable: a well-behaved MP's mapping. */
static void fake_map_all(struct fake_env *f)
{
	for (unsigned int p = 0; p < FAKE_LOCAL_SIZE / HVENV_PAGE; p++)
		fake_set_tce(f, p, VMC_HV_TCE_READ | VMC_HV_TCE_WRITE);
}

static void f_event(void *opaque, const struct vmc_hv_event *ev)
{
	struct fake_env *f = opaque;
	struct fake_event *e;

	if (f->nev < FAKE_EVENTS_MAX) {
		e = &f->ev[f->nev++];
		e->kind = ev->kind;
		e->index = ev->index;
		e->session = ev->session;
		e->buffer_id = ev->buffer_id;
		e->code = ev->code;
		e->len = ev->len;
		if (ev->data)
			memcpy(e->data, ev->data, ev->len < sizeof(e->data) ? ev->len : sizeof(e->data));
	}
	if (f->on_event)
		f->on_event(f, ev);
}

static void f_log(void *opaque, int level, const char *text)
{
	struct fake_env *f = opaque;

	f->logs++;
	if (!f->quiet && getenv("HV_TEST_LOG"))
		fprintf(stderr, "[hv %d] %s\n", level, text);
}

static uint64_t f_now(void *opaque)
{
	return ((struct fake_env *)opaque)->now;
}

static void f_wake(void *opaque)
{
	((struct fake_env *)opaque)->wakes++;
}

void fake_config_default(struct vmc_hv_config *cfg)
{
	vmc_hv_config_default(cfg);
	cfg->local_liobn = FAKE_LOCAL_LIOBN;
	cfg->remote_liobn = FAKE_REMOTE_LIOBN;
	cfg->drc_index = 0x21000001;
}

struct fake_env *fake_new(const struct vmc_hv_config *cfg)
{
	struct fake_env *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	if (cfg)
		f->cfg = *cfg;
	else
		fake_config_default(&f->cfg);
	f->ops.send_to_mp = f_send;
	f->ops.mp_outstanding = f_outstanding;
	f->ops.mp_dma_check = fake_dma_check;
	f->ops.mp_dma_read = f_read;
	f->ops.mp_dma_write = f_write;
	f->ops.event = f_event;
	f->ops.log = f_log;
	f->ops.now_us = f_now;
	f->ops.wake = f_wake;
	f->ring_capacity = 256;
	/* The TCEs hold real addresses, so pane 0 must start on a page. */
	f->local = aligned_alloc(HVENV_PAGE, FAKE_LOCAL_SIZE);
	hvenv_init(&f->model, 0);
	if (!f->local || hvenv_add_window(&f->model, FAKE_LOCAL_LIOBN, FAKE_LOCAL_SIZE)) {
		fake_free(f);
		return NULL;
	}
	memset(f->local, 0, FAKE_LOCAL_SIZE);
	fake_map_all(f);
	f->backing_len = vmc_hv_backing_size(&f->cfg);
	f->backing = f->backing_len ? malloc(f->backing_len) : NULL;
	if (!f->backing ||
	    vmc_hv_init(&f->hv, &f->cfg, &f->ops, f, f->backing, f->backing_len) != VMC_HV_OK) {
		fake_free(f);
		return NULL;
	}
	return f;
}

int fake_reinit(struct fake_env *f, const struct vmc_hv_config *cfg)
{
	size_t need = vmc_hv_backing_size(cfg);

	if (!need)
		return -1;
	if (need > f->backing_len) {
		uint8_t *p = realloc(f->backing, need);

		if (!p)
			return -1;
		f->backing = p;
		f->backing_len = need;
	}
	f->cfg = *cfg;
	f->ring_head = f->ring_count = 0;
	f->ring_capacity = 256;
	f->mp_closed = false;
	f->report_outstanding = false;
	fake_map_all(f);
	f->now = 0;
	f->wakes = f->logs = 0;
	f->nev = 0;
	f->on_event = NULL;
	return vmc_hv_init(&f->hv, &f->cfg, &f->ops, f, f->backing, f->backing_len) == VMC_HV_OK ?
		0 : -1;
}

void fake_free(struct fake_env *f)
{
	if (!f)
		return;
	hvenv_fini(&f->model);
	free(f->local);
	free(f->backing);
	free(f);
}

bool fake_pop(struct fake_env *f, uint64_t *hi, uint64_t *lo)
{
	if (!f->ring_count)
		return false;
	*hi = f->ring_hi[f->ring_head];
	*lo = f->ring_lo[f->ring_head];
	f->ring_head = (f->ring_head + 1) % FAKE_RING_MAX;
	f->ring_count--;
	return true;
}

bool fake_pop_msg(struct fake_env *f, struct vmc_msg *m)
{
	uint64_t hi, lo;

	if (!fake_pop(f, &hi, &lo))
		return false;
	return vmc_msg_decode(m, hi, lo);
}

long fake_send(struct fake_env *f, const struct vmc_msg *m)
{
	uint64_t hi, lo;

	vmc_msg_encode(m, &hi, &lo);
	return vmc_hv_receive(&f->hv, hi, lo);
}

unsigned int fake_count_events(const struct fake_env *f, int kind)
{
	unsigned int i, n = 0;

	for (i = 0; i < f->nev; i++)
		n += f->ev[i].kind == kind;
	return n;
}

const struct fake_event *fake_last_event(const struct fake_env *f, int kind)
{
	unsigned int i;

	for (i = f->nev; i-- > 0;)
		if (f->ev[i].kind == kind)
			return &f->ev[i];
	return NULL;
}

/* Answer ADD_BUF with success; keep everything else in order. */
unsigned int fake_answer_adds(struct fake_env *f)
{
	unsigned int n = 0, kept = 0, total = f->ring_count, k;
	uint64_t khi[FAKE_RING_MAX], klo[FAKE_RING_MAX];

	for (k = 0; k < total; k++) {
		uint64_t hi, lo;
		struct vmc_msg m, r;

		fake_pop(f, &hi, &lo);
		if (vmc_msg_decode(&m, hi, lo) && m.type == VMC_MSG_ADD_BUF) {
			r = vmc_msg_hmc(VMC_MSG_ADD_BUF_RESP, m.session, m.index, m.buffer_id);
			fake_send(f, &r);
			n++;
			continue;
		}
		khi[kept] = hi;
		klo[kept] = lo;
		kept++;
	}
	/* Put back what we did not consume, ahead of anything new. */
	{
		unsigned int newer = f->ring_count, j;
		uint64_t nhi[FAKE_RING_MAX], nlo[FAKE_RING_MAX];

		for (j = 0; j < newer; j++)
			fake_pop(f, &nhi[j], &nlo[j]);
		for (j = 0; j < kept; j++) {
			f->ring_hi[(f->ring_head + f->ring_count) % FAKE_RING_MAX] = khi[j];
			f->ring_lo[(f->ring_head + f->ring_count) % FAKE_RING_MAX] = klo[j];
			f->ring_count++;
		}
		for (j = 0; j < newer; j++) {
			f->ring_hi[(f->ring_head + f->ring_count) % FAKE_RING_MAX] = nhi[j];
			f->ring_lo[(f->ring_head + f->ring_count) % FAKE_RING_MAX] = nlo[j];
			f->ring_count++;
		}
	}
	return n;
}

int fake_bring_up(struct fake_env *f, uint8_t hmcs, uint16_t pool, uint32_t mtu)
{
	struct vmc_msg cap, m;
	uint64_t hi, lo;

	vmc_hv_mp_registered(&f->hv, 256);
	if (vmc_hv_receive(&f->hv, 0xC001000000000000ULL, 0) != HV_H_SUCCESS)
		return -1;
	if (!fake_pop(f, &hi, &lo) || hi != 0xC002000000000000ULL)
		return -2;
	cap = vmc_msg_cap(VMC_MSG_CAP, hmcs, pool, mtu, 256, VMC_PROTOCOL_VERSION);
	if (fake_send(f, &cap) != HV_H_SUCCESS)
		return -3;
	if (!fake_pop_msg(f, &m) || m.type != VMC_MSG_CAP_RESP || m.status != 0)
		return -4;
	fake_answer_adds(f);
	return vmc_hv_phase(&f->hv) == VMC_HV_PHASE_READY ? 0 : -5;
}

int fake_open(struct fake_env *f, uint8_t index, uint8_t session, const char *hmc_id)
{
	uint32_t mtu;
	uint64_t local = (uint64_t)index * 0x8000;	/* MP's shadow of the seed */
	struct vmc_msg m;
	int id = -1, owner, st;
	unsigned int b;

	vmc_hv_negotiated(&f->hv, &mtu, NULL, NULL);
	for (b = 0; b < VMC_HV_MAX_POOL; b++) {
		st = vmc_hv_buffer_info(&f->hv, index, b, &owner);
		if (st == VMC_HV_BUF_PRESENT && owner == VMC_HV_OWNER_MP) {
			id = (int)b;
			break;
		}
	}
	if (id < 0)
		return -1;
	memset(f->local + local, 0, mtu);
	strncpy((char *)f->local + local, hmc_id, VMC_HV_HMC_ID_LEN);
	if (vmc_hv_copy_rdma(&f->hv, mtu, FAKE_LOCAL_LIOBN, local, FAKE_REMOTE_LIOBN,
			     vmc_hv_lioba(&f->hv, index, (unsigned int)id)) != HV_H_SUCCESS)
		return -2;
	m = vmc_msg_hmc(VMC_MSG_OPEN, session, index, (uint16_t)id);
	if (fake_send(f, &m) != HV_H_SUCCESS)
		return -3;
	fake_answer_adds(f);
	if (!fake_pop_msg(f, &m) || m.type != VMC_MSG_OPEN_RESP || m.status != 0)
		return -4;
	return id;
}
