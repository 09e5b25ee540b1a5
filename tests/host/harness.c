// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * harness.c - the host tests' common set-up: engine memory, simulator,
 * recorded callbacks and a virtual-time run loop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/time.h"
#include "tests/host/harness.h"

#ifdef FUZZING
#define H_ASSERT(c) do { if (!(c)) { fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)
#else
#include <cmocka.h>
#define H_ASSERT(c) assert_true(c)
#endif

static struct h_rx h_rx_store[H_MAX_RX];	/* static: no 4 MiB allocation per test */

static void h_on_rx(void *ctx, unsigned int index, const uint8_t *data, uint32_t len)
{
	struct harness *h = ctx;

	if (h->n_rx < H_MAX_RX) {
		struct h_rx *r = &h->rx[h->n_rx++];

		r->index = index;
		r->len = len;
		memcpy(r->data, data, len <= VMC_MAX_MTU ? len : VMC_MAX_MTU);
	}
	if (h->echo)
		vmc_send(&h->v, index, data, len);
}

static void h_on_event(void *ctx, const struct vmc_event *ev)
{
	struct harness *h = ctx;

	if (h->n_ev < H_MAX_EV)
		h->ev[h->n_ev++] = *ev;
}

static void h_on_hv_event(void *ctx, const struct vmc_hv_event *ev)
{
	struct harness *h = ctx;

	if (h->n_hv_ev >= H_MAX_HV_EV)
		return;
	h->hv_ev[h->n_hv_ev] = *ev;
	h->hv_ev[h->n_hv_ev].data = NULL;
	if (ev->kind == VMC_HV_EV_MESSAGE && ev->data) {
		struct h_hv_msg *m = &h->hv_msg[h->n_hv_ev];

		m->index = ev->index;
		m->len = ev->len;
		memcpy(m->data, ev->data, ev->len < sizeof(m->data) ? ev->len : sizeof(m->data));
	}
	if (ev->kind == VMC_HV_EV_OPEN && ev->data && ev->index < VMC_MAX_HMCS)
		memcpy(h->hv_open_id[ev->index], ev->data, VMC_HMC_ID_LEN);
	h->n_hv_ev++;
}

static void h_log_sink(const char *text, size_t len)
{
	fwrite(text, 1, len, stderr);
}

void harness_setup(struct harness *h, const struct sim_config *sim_cfg,
		   void (*tweak)(struct vmc_config *cfg))
{
	struct sim_config sc;
	size_t need;

	memset(h, 0, sizeof(*h));
	if (sim_cfg) {
		sc = *sim_cfg;
	} else {
		sim_config_default(&sc);
		sc.hv.max_hmcs = 2;
		sc.hv.pool_size = 16;
	}
	if (getenv("VMC_VERBOSE")) {
		sc.verbose = true;
		log_set_sink(h_log_sink);
		log_level = LOG_DEBUG;
	} else {
		log_set_sink(NULL);
	}
	H_ASSERT(sim_init(&sc) == 0);
	sim_set_hv_event_handler(h_on_hv_event, h);
	h->rx = h_rx_store;
	vmc_config_default(&h->cfg);
	h->cfg.unit = sc.unit;
	h->cfg.liobn = sc.liobn;
	h->cfg.riobn = sc.riobn;
	h->cfg.crq_bytes = 4096;
	h->cfg.crq_ioba = H_CRQ_IOBA;
	h->cfg.buf_ioba = H_BUF_IOBA;
	h->cfg.on_rx = h_on_rx;
	h->cfg.on_event = h_on_event;
	h->cfg.cb_ctx = h;
	if (!sc.raw_partner)
		h->cfg.remote_window = sc.hv.remote_base + (uint64_t)sc.hv.max_hmcs *
				       sc.hv.pool_size * sc.hv.max_mtu;
	if (tweak)
		tweak(&h->cfg);
	need = vmc_buf_mem_size(&h->cfg);
	h->crq_mem = aligned_alloc(4096, h->cfg.crq_bytes);
	h->buf_mem = aligned_alloc(4096, (need + 4095) / 4096 * 4096);
	H_ASSERT(h->crq_mem && h->buf_mem);
	h->cfg.crq_mem = h->crq_mem;
	h->cfg.buf_mem = h->buf_mem;
	h->cfg.buf_bytes = need;
	H_ASSERT(vmc_init(&h->v, &h->cfg) == VMC_OK);
}

void harness_teardown(struct harness *h)
{
	sim_fini();
	free(h->crq_mem);
	free(h->buf_mem);
	memset(h, 0, sizeof(*h));
}

void harness_run(struct harness *h, uint64_t us)
{
	uint64_t end = sim_now_us() + us;

	do {
		vmc_poll(&h->v);
		vmc_tick(&h->v);
		vmc_poll(&h->v);
		sim_advance_us(100);
	} while (sim_now_us() < end);
}

bool harness_until(struct harness *h, bool (*cond)(struct harness *h), uint64_t us)
{
	uint64_t end = sim_now_us() + us;

	for (;;) {
		vmc_poll(&h->v);
		if (cond(h))
			return true;
		if (sim_now_us() >= end)
			return false;
		vmc_tick(&h->v);
		sim_advance_us(100);
	}
}

static bool h_is_ready(struct harness *h)
{
	return h->v.state == VMC_STATE_READY;
}

void harness_ready(struct harness *h)
{
	H_ASSERT(vmc_start(&h->v) == VMC_OK);
	H_ASSERT(harness_until(h, h_is_ready, 1000000));
	harness_run(h, 1000);	/* let the seed ADD_BUFs arrive */
}

static unsigned int h_open_index;

static bool h_is_open(struct harness *h)
{
	return vmc_hmc_get_state(&h->v, h_open_index) == VMC_HMC_OPEN;
}

void harness_open(struct harness *h, unsigned int index, uint8_t tag)
{
	uint8_t id[VMC_HMC_ID_LEN];
	unsigned int got = 99;

	memset(id, tag, sizeof(id));
	id[0] = 'H';
	H_ASSERT(vmc_open(&h->v, (int)index, id, &got) == VMC_OK);
	H_ASSERT(got == index);
	h_open_index = index;
	H_ASSERT(harness_until(h, h_is_open, 1000000));
}

unsigned int harness_events(const struct harness *h, enum vmc_event_kind kind)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < h->n_ev; i++)
		n += h->ev[i].kind == kind;
	return n;
}

unsigned int harness_hv_events(const struct harness *h, enum vmc_hv_event_kind kind)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < h->n_hv_ev; i++)
		n += h->hv_ev[i].kind == kind;
	return n;
}

const struct vmc_event *harness_last_event(const struct harness *h, enum vmc_event_kind kind)
{
	for (unsigned int i = h->n_ev; i-- > 0;)
		if (h->ev[i].kind == kind)
			return &h->ev[i];
	return NULL;
}

void harness_pattern(uint8_t *buf, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

bool harness_pattern_ok(const uint8_t *buf, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		if (buf[i] != (uint8_t)(seed * 131 + i * 7 + (i >> 8)))
			return false;
	return true;
}

void harness_invariants(const struct harness *h)
{
	int mp = vmc_check_invariants(&h->v);

	if (mp)
		fprintf(stderr, "vmc invariant %d broken\n", mp);
	H_ASSERT(mp == 0);
	if (sim_hv()) {
		int hv = vmc_hv_check_invariants(sim_hv());

		if (hv)
			fprintf(stderr, "hv invariant %d broken\n", hv);
		H_ASSERT(hv == 0);
	}
}

static char h_print_buf[16384];
static size_t h_print_len;

int harness_printf(void *arg, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!arg) {
		h_print_len = 0;
		h_print_buf[0] = '\0';
		return 0;
	}
	va_start(ap, fmt);
	n = vsnprintf(h_print_buf + h_print_len, sizeof(h_print_buf) - h_print_len, fmt, ap);
	va_end(ap);
	if (n > 0) {
		h_print_len += (size_t)n;
		if (h_print_len >= sizeof(h_print_buf))
			h_print_len = sizeof(h_print_buf) - 1;
	}
	*(const char **)arg = h_print_buf;
	return n;
}
