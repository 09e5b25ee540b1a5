// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hvenv.c - the host's model of the hypervisor's side of a VIO device
 * (see hvenv.h). Every rule cites the QEMU 7.2 behaviour it mirrors, so a
 * guest input the host accepts is one QEMU accepts too.
 */
#include <stdlib.h>
#include <string.h>

#include "hv/sim/hvenv.h"
#include "hv/vmc_hv.h"

void hvenv_init(struct hvenv *e, uint64_t unit)
{
	memset(e, 0, sizeof(*e));
	e->unit = unit;
}

int hvenv_add_window(struct hvenv *e, uint64_t liobn, uint64_t bytes)
{
	uint64_t n = bytes >> HVENV_PAGE_SHIFT;

	if (!liobn || !n || hvenv_window(e, liobn))
		return -1;
	for (size_t i = 0; i < HVENV_MAX_WINDOWS; i++) {
		struct hvenv_window *w = &e->win[i];

		if (w->tce)
			continue;
		w->tce = calloc(n, sizeof(uint64_t));
		if (!w->tce)
			return -1;
		w->liobn = liobn;
		w->n = n;
		return 0;
	}
	return -1;
}

void hvenv_fini(struct hvenv *e)
{
	uint64_t unit = e->unit;

	for (size_t i = 0; i < HVENV_MAX_WINDOWS; i++)
		free(e->win[i].tce);
	hvenv_init(e, unit);
}

struct hvenv_window *hvenv_window(struct hvenv *e, uint64_t liobn)
{
	for (size_t i = 0; i < HVENV_MAX_WINDOWS; i++)
		if (e->win[i].tce && e->win[i].liobn == liobn)
			return &e->win[i];
	return NULL;
}

struct hvenv_window *hvenv_pane0(struct hvenv *e)
{
	return e->win[0].tce ? &e->win[0] : NULL;
}

/* QEMU's h_put_tce/h_get_tce mask the IOBA to its page before the bound check. */
static struct hvenv_window *tce_slot(struct hvenv *e, uint64_t liobn, uint64_t ioba,
				     uint64_t *index)
{
	struct hvenv_window *w = hvenv_window(e, liobn);

	if (!w || (ioba >> HVENV_PAGE_SHIFT) >= w->n)
		return NULL;
	*index = ioba >> HVENV_PAGE_SHIFT;
	return w;
}

long hvenv_put_tce(struct hvenv *e, uint64_t liobn, uint64_t ioba, uint64_t tce)
{
	uint64_t i;
	struct hvenv_window *w = tce_slot(e, liobn, ioba, &i);

	if (!w)
		return HV_H_PARAMETER;
	w->tce[i] = tce;
	e->stats.tce_puts++;
	return HV_H_SUCCESS;
}

long hvenv_get_tce(struct hvenv *e, uint64_t liobn, uint64_t ioba, uint64_t *tce)
{
	uint64_t i;
	struct hvenv_window *w = tce_slot(e, liobn, ioba, &i);

	if (!w)
		return HV_H_PARAMETER;
	*tce = w->tce[i];
	return HV_H_SUCCESS;
}

uint64_t hvenv_tce(struct hvenv *e, uint64_t liobn, uint64_t ioba)
{
	uint64_t tce = 0;

	return hvenv_get_tce(e, liobn, ioba, &tce) == HV_H_SUCCESS ? tce : 0;
}

long hvenv_dma_check(struct hvenv *e, uint64_t liobn, uint64_t ioba, uint64_t len, bool write)
{
	struct hvenv_window *w = hvenv_window(e, liobn);

	if (!w)
		return HV_H_PARAMETER;
	return vmc_hv_tce_check(w->tce, w->n, HVENV_PAGE_SHIFT, 0, ioba, len, write);
}

/* Copy page by page through the translation; the range is checked first. */
static long dma(struct hvenv *e, uint64_t liobn, uint64_t ioba, uint8_t *buf, uint64_t len,
		bool write)
{
	long rc = hvenv_dma_check(e, liobn, ioba, len, write);
	struct hvenv_window *w = hvenv_window(e, liobn);

	if (rc != HV_H_SUCCESS)
		return rc;
	while (len) {
		uint64_t off = ioba & (HVENV_PAGE - 1), n = HVENV_PAGE - off;
		uint64_t tce = w->tce[ioba >> HVENV_PAGE_SHIFT];
		uint8_t *page = (uint8_t *)(uintptr_t)(tce & ~(uint64_t)(HVENV_PAGE - 1));

		if (n > len)
			n = len;
		if (write)
			memcpy(page + off, buf, n);
		else
			memcpy(buf, page + off, n);
		ioba += n;
		buf += n;
		len -= n;
	}
	return HV_H_SUCCESS;
}

long hvenv_dma_read(struct hvenv *e, uint64_t liobn, uint64_t ioba, void *buf, uint64_t len)
{
	return dma(e, liobn, ioba, buf, len, false);
}

long hvenv_dma_write(struct hvenv *e, uint64_t liobn, uint64_t ioba, const void *buf,
		     uint64_t len)
{
	return dma(e, liobn, ioba, (uint8_t *)(uintptr_t)buf, len, true);
}

long hvenv_unit_check(const struct hvenv *e, uint64_t unit)
{
	return unit == e->unit ? HV_H_SUCCESS : HV_H_PARAMETER;
}

/* QEMU checks in this order: unit, size, alignment, SendFunc, already registered. */
long hvenv_reg_crq(struct hvenv *e, uint64_t unit, uint64_t ioba, uint64_t len)
{
	if (unit != e->unit)
		return HV_H_PARAMETER;
	if (len < HVENV_CRQ_MIN_LEN || len > HVENV_CRQ_MAX_LEN)
		return HV_H_PARAMETER;
	if (ioba & (HVENV_PAGE - 1))
		return HV_H_PARAMETER;
	if (e->crq_len)
		return HV_H_RESOURCE;
	e->crq_ioba = ioba;
	e->crq_len = len;
	e->crq_next = 0;
	return HV_H_SUCCESS;
}

long hvenv_free_crq(struct hvenv *e, uint64_t unit)
{
	if (unit != e->unit)
		return HV_H_PARAMETER;
	e->crq_ioba = e->crq_len = e->crq_next = 0;
	return HV_H_SUCCESS;
}

long hvenv_enable_crq(struct hvenv *e, uint64_t unit)
{
	return hvenv_unit_check(e, unit);
}

long hvenv_vio_signal(struct hvenv *e, uint64_t unit, uint64_t mode)
{
	if (unit != e->unit || (mode & ~(uint64_t)HVENV_SIGNAL_MASK))
		return HV_H_PARAMETER;
	e->signal_state = mode;
	return HV_H_SUCCESS;
}

long hvenv_crq_accept(const struct hvenv *e, uint64_t hi)
{
	uint8_t hdr = (uint8_t)(hi >> 56);

	if (!(hdr & 0x80) || hdr == 0xFF)
		return HV_H_PARAMETER;
	return e->crq_len ? HV_H_SUCCESS : HV_H_CLOSED;
}

bool hvenv_crq_registered(const struct hvenv *e)
{
	return e->crq_len != 0;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

int hvenv_crq_push(struct hvenv *e, uint64_t hi, uint64_t lo)
{
	struct hvenv_window *w = hvenv_pane0(e);
	uint64_t slot = e->crq_ioba + e->crq_next;
	uint8_t entry[16], busy;

	if (!e->crq_len || !w)
		return VMC_HV_TX_CLOSED;
	put_be64(entry, hi);
	put_be64(entry + 8, lo);
	if (hvenv_dma_read(e, w->liobn, slot, &busy, 1) != HV_H_SUCCESS) {
		e->stats.ring_dma_errors++;
		return VMC_HV_TX_FULL;
	}
	if (busy) {
		e->stats.ring_full++;
		return VMC_HV_TX_FULL;
	}
	if (hvenv_dma_write(e, w->liobn, slot + 8, entry + 8, 8) != HV_H_SUCCESS) {
		e->stats.ring_dma_errors++;
		return VMC_HV_TX_FULL;
	}
	/* The guest polls the header byte: it must become visible last. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (hvenv_dma_write(e, w->liobn, slot, entry, 8) != HV_H_SUCCESS) {
		e->stats.ring_dma_errors++;
		return VMC_HV_TX_FULL;
	}
	e->crq_next = (e->crq_next + 16) % e->crq_len;
	e->stats.ring_writes++;
	if (e->signal_state & 1)
		e->stats.irq_pulses++;
	return VMC_HV_TX_OK;
}

unsigned int hvenv_crq_outstanding(struct hvenv *e)
{
	struct hvenv_window *w = hvenv_pane0(e);
	unsigned int n = 0;

	if (!e->crq_len || !w)
		return 0;
	for (uint64_t off = 0; off + 16 <= e->crq_len; off += 16) {
		uint8_t hdr;

		if (hvenv_dma_read(e, w->liobn, e->crq_ioba + off, &hdr, 1) == HV_H_SUCCESS && hdr)
			n++;
	}
	return n;
}
