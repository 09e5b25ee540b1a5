// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmc_session.c - HMC connections: open/close and their responses, the
 * send path with its bounded queue, and the receive path.
 *
 * Section numbers (§) are those of docs/vmc-protocol.md.
 */
#include <string.h>

#include "hcall/hcall.h"
#include "lib/log.h"
#include "vmc/vmc_internal.h"

static enum vmc_result vmc_ready_check(const struct vmc *v)
{
	if (v->state == VMC_STATE_READY)
		return VMC_OK;
	return v->state == VMC_STATE_FAILED ? VMC_ERR_FAILED : VMC_ERR_NOT_READY;
}

static uint8_t vmc_next_session(uint8_t s)
{
	return s >= VMC_SESSION_MAX ? 1 : (uint8_t)(s + 1);
}

/* Send OPEN on @index with the stored HMC ID and the lowest free buffer. */
static enum vmc_result vmc_open_index(struct vmc *v, unsigned int index)
{
	struct vmc_hmc *h = &v->hmc[index];
	int id = vmc_buf_pick_free(h, v->pool);
	struct vmc_msg m;
	enum vmc_result r;
	long rc;

	if (id < 0)
		return VMC_ERR_NO_BUFFER;
	h->session = vmc_next_session(h->session);
	/* Only the 32 ID bytes cross (Linux copies a whole MTU, §12.28). */
	memcpy(vmc_buf_ptr(v, index, (unsigned int)id), h->hmc_id, VMC_HMC_ID_LEN);
	rc = h_copy_rdma(VMC_HMC_ID_LEN, v->cfg.liobn, vmc_buf_ioba(v, index, (unsigned int)id),
			 v->cfg.riobn, h->bufs[id].lioba);
	if (rc != H_SUCCESS) {
		/* Nothing was lent: the slot and the seed stay usable (§12.17). */
		v->stats.rdma_errors++;
		v->last_rc = rc;
		pr_err(VMC_SUB, "OPEN I%u: H_COPY_RDMA %s", index, hcall_rc_name(rc));
		return VMC_ERR_RDMA;
	}
	m = vmc_msg_hmc(VMC_MSG_OPEN, h->session, (uint8_t)index, (uint16_t)id);
	r = vmc_tx(v, &m);
	if (r != VMC_OK)
		return r;
	h->bufs[id].state = VMC_BUF_LENT;
	h->open_buf = (uint16_t)id;
	h->state = VMC_HMC_OPENING;
	h->deadline_us = vmc_now(v) + v->cfg.open_timeout_us;
	v->stats.opens++;
	return VMC_OK;
}

enum vmc_result vmc_open(struct vmc *v, int index, const uint8_t *hmc_id, unsigned int *index_out)
{
	enum vmc_result r = vmc_ready_check(v);
	unsigned int i;

	if (r != VMC_OK)
		return r;
	if (!hmc_id)
		return VMC_ERR_PARAM;
	if (index == VMC_INDEX_ANY) {
		bool idle = false;

		for (i = 0; i < v->nhmc; i++) {
			if (v->hmc[i].state != VMC_HMC_IDLE)
				continue;
			idle = true;
			if (vmc_buf_pick_free(&v->hmc[i], v->pool) >= 0)
				break;
		}
		if (i == v->nhmc)
			return idle ? VMC_ERR_NO_BUFFER : VMC_ERR_NO_SLOT;
	} else {
		if (index < 0 || index >= v->nhmc)
			return VMC_ERR_PARAM;
		i = (unsigned int)index;
		if (v->hmc[i].state != VMC_HMC_IDLE)
			return VMC_ERR_STATE;
	}
	memcpy(v->hmc[i].hmc_id, hmc_id, VMC_HMC_ID_LEN);
	v->hmc[i].has_id = true;
	v->hmc[i].reopen_pending = false;
	r = vmc_open_index(v, i);
	if (r == VMC_OK && index_out)
		*index_out = i;
	return r;
}

void vmc_try_reopen(struct vmc *v, unsigned int index)
{
	struct vmc_hmc *h = &v->hmc[index];
	enum vmc_result r;

	if (v->state != VMC_STATE_READY || h->state != VMC_HMC_IDLE || !h->reopen_pending)
		return;
	h->reopen_pending = false;
	v->stats.reopens++;
	r = vmc_open_index(v, index);
	if (r != VMC_OK)
		vmc_emit(v, VMC_EV_OPEN_FAILED, (int)index, r, 0, 0);
}

/* Drop every queued send of @index, reporting each one. */
void vmc_sendq_fail(struct vmc *v, unsigned int index, enum vmc_result why)
{
	struct vmc_sendq *q = &v->hmc[index].sendq;

	while (q->count) {
		uint32_t len = q->len[q->head];

		q->head = (uint8_t)((q->head + 1) % VMC_SENDQ_DEPTH);
		q->count--;
		v->stats.send_failures++;
		vmc_emit(v, VMC_EV_SEND_FAILED, (int)index, why, 0, len);
	}
	q->head = 0;
}

/* Copy out, hand the buffer to the HV, SIGNAL. Undone if either step fails. */
static enum vmc_result vmc_transmit(struct vmc *v, unsigned int index, unsigned int id,
				    const void *data, uint32_t len)
{
	struct vmc_hmc *h = &v->hmc[index];
	struct vmc_buf *b = &h->bufs[id];
	struct vmc_msg m;
	enum vmc_result r;
	long rc;

	b->state = VMC_BUF_BUSY;
	memcpy(vmc_buf_ptr(v, index, id), data, len);
	rc = h_copy_rdma(len, v->cfg.liobn, vmc_buf_ioba(v, index, id), v->cfg.riobn, b->lioba);
	if (rc != H_SUCCESS) {
		b->state = VMC_BUF_FREE;	/* Linux leaks it here (§8.5) */
		v->stats.rdma_errors++;
		v->last_rc = rc;
		pr_err(VMC_SUB, "send I%u id %u: H_COPY_RDMA %s", index, id, hcall_rc_name(rc));
		return VMC_ERR_RDMA;
	}
	m = vmc_msg_hmc(VMC_MSG_SIGNAL, h->session, (uint8_t)index, (uint16_t)id);
	m.msg_len = len;
	b->state = VMC_BUF_HV;
	r = vmc_tx(v, &m);
	if (r != VMC_OK) {
		b->state = VMC_BUF_FREE;	/* never signalled: still ours (§12.8) */
		return r;
	}
	v->stats.sends++;
	v->stats.tx_bytes += len;
	return VMC_OK;
}

void vmc_sendq_flush(struct vmc *v, unsigned int index)
{
	struct vmc_hmc *h = &v->hmc[index];
	struct vmc_sendq *q = &h->sendq;

	while (q->count && h->state == VMC_HMC_OPEN) {
		int id = vmc_buf_pick_free(h, v->pool);
		uint8_t slot = q->head;
		uint32_t len = q->len[slot];
		enum vmc_result r;

		if (id < 0)
			return;
		r = vmc_transmit(v, index, (unsigned int)id, vmc_sendq_ptr(v, index, slot), len);
		if (r == VMC_ERR_LINK || r == VMC_ERR_LINK_BUSY)
			return;	/* kept; retried on the next buffer event or failed by a reset */
		q->head = (uint8_t)((q->head + 1) % VMC_SENDQ_DEPTH);
		q->count--;
		if (r == VMC_OK) {
			vmc_emit(v, VMC_EV_SEND_DONE, (int)index, VMC_OK, 0, len);
		} else {
			v->stats.send_failures++;
			vmc_emit(v, VMC_EV_SEND_FAILED, (int)index, r, 0, len);
		}
	}
}

enum vmc_result vmc_send(struct vmc *v, unsigned int index, const void *data, size_t len)
{
	enum vmc_result r = vmc_ready_check(v);
	struct vmc_hmc *h;
	struct vmc_sendq *q;
	int id;

	if (r != VMC_OK)
		return r;
	if (index >= v->nhmc || !data || len == 0)
		return VMC_ERR_PARAM;	/* a 0-byte send would eat a buffer in Linux */
	if (len > v->mtu)
		return VMC_ERR_TOO_BIG;
	h = &v->hmc[index];
	if (h->state != VMC_HMC_OPEN)
		return VMC_ERR_STATE;
	q = &h->sendq;
	id = q->count ? -1 : vmc_buf_pick_free(h, v->pool);	/* keep the order */
	if (id >= 0)
		return vmc_transmit(v, index, (unsigned int)id, data, (uint32_t)len);
	if (q->count == VMC_SENDQ_DEPTH) {
		v->stats.sends_backpressure++;
		return VMC_ERR_BACKPRESSURE;
	}
	{
		uint8_t slot = (uint8_t)((q->head + q->count) % VMC_SENDQ_DEPTH);

		memcpy(vmc_sendq_ptr(v, index, slot), data, len);
		q->len[slot] = (uint32_t)len;
		q->count++;
	}
	v->stats.sends_queued++;
	return VMC_QUEUED;
}

enum vmc_result vmc_close(struct vmc *v, unsigned int index)
{
	enum vmc_result r = vmc_ready_check(v);
	struct vmc_hmc *h;
	struct vmc_msg m;

	if (r != VMC_OK)
		return r;
	if (index >= v->nhmc)
		return VMC_ERR_PARAM;
	h = &v->hmc[index];
	if (h->state != VMC_HMC_OPEN)
		return VMC_ERR_STATE;
	m = vmc_msg_hmc(VMC_MSG_CLOSE, h->session, (uint8_t)index, 0);
	r = vmc_tx(v, &m);
	if (r == VMC_ERR_LINK_BUSY || r == VMC_ERR_HCALL)
		return r;	/* still open: the caller may retry */
	vmc_sendq_fail(v, index, VMC_ERR_STATE);
	h->reopen_pending = false;
	h->has_id = false;
	if (r == VMC_ERR_LINK) {
		/* Nobody to wait for: the partner is gone, the session with it. */
		vmc_buf_release_all(v, index);
		h->state = VMC_HMC_IDLE;
		vmc_emit(v, VMC_EV_CLOSED, (int)index, VMC_ERR_LINK, 0, 0);
		return r;
	}
	h->state = VMC_HMC_CLOSING;
	h->deadline_us = vmc_now(v) + v->cfg.close_timeout_us;
	v->stats.closes++;
	return VMC_OK;
}

/* Responses must name the slot's live session exactly: no wildcard (§12.5). */
static struct vmc_hmc *vmc_resp_slot(struct vmc *v, const struct vmc_msg *m, uint8_t want)
{
	struct vmc_hmc *h;

	if (m->index >= v->nhmc) {
		v->stats.bad_index++;
		goto drop;
	}
	h = &v->hmc[m->index];
	if (h->state != want || m->session != h->session) {
		v->stats.bad_session++;
		goto drop;
	}
	return h;
drop:
	v->stats.dropped++;
	pr_warn(VMC_SUB, "%s S%u I%u unexpected: dropped", vmc_msg_type_name(m->type), m->session,
		m->index);
	return NULL;
}

void vmc_on_open_resp(struct vmc *v, const struct vmc_msg *m)
{
	struct vmc_hmc *h = vmc_resp_slot(v, m, VMC_HMC_OPENING);

	if (!h)
		return;
	if (m->buffer_id != h->open_buf) {
		v->stats.bad_buffer++;
		v->stats.dropped++;
		pr_warn(VMC_SUB, "OPEN_RESP I%u names buffer %u, not %u: dropped", m->index,
			m->buffer_id, h->open_buf);
		return;
	}
	if (m->status != VMC_ST_SUCCESS) {
		/* Both sides drop every buffer of the index; the HV re-seeds. */
		v->stats.opens_failed++;
		vmc_buf_release_all(v, m->index);
		h->state = VMC_HMC_IDLE;
		pr_warn(VMC_SUB, "OPEN I%u refused: %s", m->index,
			vmc_status_name(m->type, m->status));
		vmc_emit(v, VMC_EV_OPEN_FAILED, m->index, VMC_ERR_REFUSED, m->status, 0);
		return;
	}
	h->bufs[h->open_buf].state = VMC_BUF_FREE;
	h->state = VMC_HMC_OPEN;
	pr_info(VMC_SUB, "session S%u open on I%u", h->session, m->index);
	vmc_emit(v, VMC_EV_OPENED, m->index, VMC_OK, 0, 0);
	vmc_sendq_flush(v, m->index);
}

void vmc_on_close_resp(struct vmc *v, const struct vmc_msg *m)
{
	struct vmc_hmc *h = vmc_resp_slot(v, m, VMC_HMC_CLOSING);

	if (!h)
		return;
	vmc_buf_release_all(v, m->index);
	h->state = VMC_HMC_IDLE;
	if (m->status != VMC_ST_SUCCESS) {
		/* The HV's view of the index is unknown now: start both over. */
		pr_warn(VMC_SUB, "CLOSE I%u refused: %s", m->index,
			vmc_status_name(m->type, m->status));
		vmc_emit(v, VMC_EV_CLOSED, m->index, VMC_ERR_REFUSED, m->status, 0);
		vmc_channel_reset(v, VMC_CAUSE_CLOSE_FAILED);
		return;
	}
	pr_info(VMC_SUB, "session S%u on I%u closed", h->session, m->index);
	vmc_emit(v, VMC_EV_CLOSED, m->index, VMC_OK, 0, 0);
}

static void vmc_rx_error(struct vmc *v, const struct vmc_msg *m, enum vmc_result why,
			 const char *text)
{
	v->stats.rx_errors++;
	v->stats.dropped++;
	pr_warn(VMC_SUB, "SIGNAL S%u I%u id %u len %lu: %s", m->session, m->index, m->buffer_id,
		(unsigned long)m->msg_len, text);
	vmc_emit(v, VMC_EV_RX_ERROR, m->index < v->nhmc ? m->index : -1, why, 0, m->msg_len);
}

void vmc_on_signal(struct vmc *v, const struct vmc_msg *m)
{
	struct vmc_hmc *h;
	struct vmc_buf *b;
	uint32_t gen = v->generation;
	long rc;

	if (m->index >= v->nhmc) {
		v->stats.bad_index++;
		return vmc_rx_error(v, m, VMC_ERR_PARAM, "index out of range");
	}
	h = &v->hmc[m->index];
	if ((h->state != VMC_HMC_OPEN && h->state != VMC_HMC_CLOSING) || m->session != h->session) {
		v->stats.bad_session++;
		return vmc_rx_error(v, m, VMC_ERR_STATE, "no such session");
	}
	if (m->buffer_id >= v->pool || h->bufs[m->buffer_id].state != VMC_BUF_HV) {
		v->stats.bad_buffer++;
		return vmc_rx_error(v, m, VMC_ERR_PARAM, "buffer not HV-owned");
	}
	b = &h->bufs[m->buffer_id];
	/* The SIGNAL hands the buffer over whatever happens next (§12.13). */
	b->state = VMC_BUF_FREE;
	if (m->msg_len > v->mtu) {
		v->stats.bad_len++;	/* Linux copies it anyway (§12.1) */
		vmc_rx_error(v, m, VMC_ERR_TOO_BIG, "longer than the MTU");
		return vmc_sendq_flush(v, m->index);
	}
	if (h->state == VMC_HMC_CLOSING) {
		v->stats.dropped++;	/* data for a session we are closing */
		return;
	}
	b->state = VMC_BUF_BUSY;
	rc = h_copy_rdma(m->msg_len, v->cfg.riobn, b->lioba, v->cfg.liobn,
			 vmc_buf_ioba(v, m->index, m->buffer_id));
	if (rc != H_SUCCESS) {
		b->state = VMC_BUF_FREE;
		v->stats.rdma_errors++;
		v->last_rc = rc;
		vmc_rx_error(v, m, VMC_ERR_RDMA, hcall_rc_name(rc));
		return vmc_sendq_flush(v, m->index);
	}
	v->stats.delivered++;
	v->stats.rx_bytes += m->msg_len;
	if (v->cfg.on_rx)
		v->cfg.on_rx(v->cfg.cb_ctx, m->index, vmc_buf_ptr(v, m->index, m->buffer_id),
			     m->msg_len);
	/* The callback may have closed or reset: touch the buffer only if not. */
	if (gen != v->generation || b->state != VMC_BUF_BUSY)
		return;
	b->state = VMC_BUF_FREE;
	if (h->state == VMC_HMC_OPEN)
		vmc_sendq_flush(v, m->index);
}
