// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmc_buf.c - the per-HMC buffer pool: ADD_BUF and REM_BUF from the HV,
 * and the ownership bookkeeping every other path relies on.
 *
 * Ownership (MP view): FREE/BUSY/LENT buffers are MP-owned, HV buffers
 * are the HV's. A SIGNAL moves a buffer across; ADD_BUF creates one with
 * the owner the HV names; REM_BUF takes back one FREE buffer; close,
 * failed open and reset drop them all.
 *
 * Section numbers (§) are those of docs/vmc-protocol.md.
 */
#include <string.h>

#include "lib/log.h"
#include "vmc/vmc_internal.h"

int vmc_buf_pick_free(const struct vmc_hmc *h, uint16_t pool)
{
	for (unsigned int id = 0; id < pool && id < VMC_MAX_POOL; id++)
		if (h->bufs[id].state == VMC_BUF_FREE)
			return (int)id;
	return -1;
}

void vmc_buf_release_all(struct vmc *v, unsigned int index)
{
	struct vmc_hmc *h = &v->hmc[index];

	for (unsigned int id = 0; id < VMC_MAX_POOL; id++) {
		if (h->bufs[id].state != VMC_BUF_ABSENT && id < v->cfg.pool_size)
			memset(vmc_buf_ptr(v, index, id), 0, v->stride);	/* no stale data */
		h->bufs[id].state = VMC_BUF_ABSENT;
		h->bufs[id].lioba = 0;
	}
}

static void vmc_reply(struct vmc *v, uint8_t type, const struct vmc_msg *req, uint8_t status,
		      uint16_t id)
{
	struct vmc_msg r = vmc_msg_hmc(type, req->session, req->index, id);

	r.status = status;
	vmc_tx(v, &r);
}

/*
 * Session check for ADD_BUF/REM_BUF: 0 (seeds, between sessions) or the
 * index's current session - or, on an idle index, the session just closed
 * (§9.3 allows the re-seed after CLOSE_RESP to carry it). Anything else is
 * stale and still gets an answer (Linux §12.7 stays silent and the HV
 * waits for ever).
 */
static bool vmc_buf_session_ok(const struct vmc_hmc *h, uint8_t session)
{
	return session == 0 || session == h->session;
}

/*
 * An index beyond the negotiated count names no slot, so a non-zero
 * session on it cannot be checked against anything. Linux's ibmvmc runs
 * its session check before any handler and drops such a message there,
 * unanswered; only session 0 (the wildcard) reaches the handler and its
 * INVALID_HMC_INDEX answer. An HV written against Linux expects exactly
 * that, so we do the same (unlike a stale session on a real slot, which
 * we answer on purpose: see vmc_buf_session_ok()).
 */
static bool vmc_buf_index_dropped(struct vmc *v, const struct vmc_msg *m)
{
	if (m->index < v->nhmc || m->session == 0)
		return false;
	v->stats.bad_index++;
	v->stats.dropped++;
	pr_warn(VMC_SUB, "%s S%u I%u: index out of range with a session: dropped",
		vmc_msg_type_name(m->type), m->session, m->index);
	return true;
}

static void vmc_add_refused(struct vmc *v, const struct vmc_msg *m, uint8_t status,
			    const char *why)
{
	v->stats.bufs_refused++;
	pr_warn(VMC_SUB, "ADD_BUF S%u I%u id %u refused: %s", m->session, m->index, m->buffer_id,
		why);
	vmc_reply(v, VMC_MSG_ADD_BUF_RESP, m, status, m->buffer_id);
}

void vmc_on_add_buf(struct vmc *v, const struct vmc_msg *m)
{
	struct vmc_hmc *h;
	struct vmc_buf *b;

	if (vmc_buf_index_dropped(v, m))
		return;
	if (m->index >= v->nhmc) {
		v->stats.bad_index++;
		return vmc_add_refused(v, m, VMC_ST_INVALID_HMC_INDEX, "index out of range");
	}
	h = &v->hmc[m->index];
	if (!vmc_buf_session_ok(h, m->session)) {
		v->stats.bad_session++;
		return vmc_add_refused(v, m, VMC_ST_CLOSED_HMC, "stale session");
	}
	if (m->buffer_id >= v->pool) {
		v->stats.bad_buffer++;
		return vmc_add_refused(v, m, VMC_ST_INVALID_BUFFER_ID, "ID out of range");
	}
	b = &h->bufs[m->buffer_id];
	if (b->state != VMC_BUF_ABSENT) {
		v->stats.bad_buffer++;
		return vmc_add_refused(v, m, VMC_ST_INVALID_BUFFER_ID, "ID already in use");
	}
	if (m->owner != VMC_OWNER_MP && m->owner != VMC_OWNER_HV)
		return vmc_add_refused(v, m, VMC_ST_INTERFACE_FAILURE, "bad owner byte");
	if (v->cfg.remote_window &&
	    (uint64_t)m->lioba + v->mtu > v->cfg.remote_window)
		return vmc_add_refused(v, m, VMC_ST_INTERFACE_FAILURE, "LIOBA outside pane 1");
	memset(vmc_buf_ptr(v, m->index, m->buffer_id), 0, v->stride);
	b->lioba = m->lioba;
	b->state = m->owner == VMC_OWNER_MP ? VMC_BUF_FREE : VMC_BUF_HV;
	v->stats.bufs_added++;
	vmc_reply(v, VMC_MSG_ADD_BUF_RESP, m, VMC_ST_SUCCESS, m->buffer_id);
	if (b->state == VMC_BUF_FREE) {
		if (h->state == VMC_HMC_OPEN)
			vmc_sendq_flush(v, m->index);
		else if (h->state == VMC_HMC_IDLE && h->reopen_pending)
			vmc_try_reopen(v, m->index);
	}
}

/*
 * REM_BUF: give back the lowest FREE buffer, but never the index's last
 * MP-owned one (LoPAR calls that an interface error; Linux §12.6 does it).
 */
void vmc_on_rem_buf(struct vmc *v, const struct vmc_msg *m)
{
	struct vmc_hmc *h;
	unsigned int mp_owned = 0;
	int id;

	if (vmc_buf_index_dropped(v, m))
		return;
	if (m->index >= v->nhmc) {
		v->stats.bad_index++;
		return vmc_reply(v, VMC_MSG_REM_BUF_RESP, m, VMC_ST_INVALID_HMC_INDEX, 0);
	}
	h = &v->hmc[m->index];
	if (!vmc_buf_session_ok(h, m->session)) {
		v->stats.bad_session++;
		return vmc_reply(v, VMC_MSG_REM_BUF_RESP, m, VMC_ST_CLOSED_HMC,
				 VMC_INVALID_BUFFER_ID);
	}
	for (unsigned int i = 0; i < v->pool; i++)
		if (h->bufs[i].state == VMC_BUF_FREE || h->bufs[i].state == VMC_BUF_BUSY ||
		    h->bufs[i].state == VMC_BUF_LENT)
			mp_owned++;
	id = vmc_buf_pick_free(h, v->pool);
	if (id < 0 || mp_owned <= 1) {
		v->stats.rem_no_buffer++;
		return vmc_reply(v, VMC_MSG_REM_BUF_RESP, m, VMC_ST_NO_BUFFER,
				 VMC_INVALID_BUFFER_ID);
	}
	memset(vmc_buf_ptr(v, m->index, (unsigned int)id), 0, v->stride);
	h->bufs[id].state = VMC_BUF_ABSENT;
	h->bufs[id].lioba = 0;
	v->stats.bufs_removed++;
	vmc_reply(v, VMC_MSG_REM_BUF_RESP, m, VMC_ST_SUCCESS, (uint16_t)id);
}
