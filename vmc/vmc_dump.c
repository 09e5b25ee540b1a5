// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmc_dump.c - names, introspection, invariants and the state dump.
 */
#include "vmc/vmc_internal.h"

const char *vmc_result_name(enum vmc_result r)
{
	switch (r) {
	case VMC_OK: return "OK";
	case VMC_QUEUED: return "QUEUED";
	case VMC_ERR_PARAM: return "ERR_PARAM";
	case VMC_ERR_NOT_READY: return "ERR_NOT_READY";
	case VMC_ERR_FAILED: return "ERR_FAILED";
	case VMC_ERR_STATE: return "ERR_STATE";
	case VMC_ERR_NO_SLOT: return "ERR_NO_SLOT";
	case VMC_ERR_NO_BUFFER: return "ERR_NO_BUFFER";
	case VMC_ERR_TOO_BIG: return "ERR_TOO_BIG";
	case VMC_ERR_BACKPRESSURE: return "ERR_BACKPRESSURE";
	case VMC_ERR_RDMA: return "ERR_RDMA";
	case VMC_ERR_LINK: return "ERR_LINK";
	case VMC_ERR_LINK_BUSY: return "ERR_LINK_BUSY";
	case VMC_ERR_HCALL: return "ERR_HCALL";
	case VMC_ERR_TIMEOUT: return "ERR_TIMEOUT";
	case VMC_ERR_RESET: return "ERR_RESET";
	case VMC_ERR_AUTHORITY: return "ERR_AUTHORITY";
	case VMC_ERR_NOT_AVAILABLE: return "ERR_NOT_AVAILABLE";
	case VMC_ERR_UNSUPPORTED: return "ERR_UNSUPPORTED";
	case VMC_ERR_BUSY: return "ERR_BUSY";
	case VMC_ERR_REFUSED: return "ERR_REFUSED";
	}
	return "ERR_?";
}

const char *vmc_state_name(enum vmc_state s)
{
	switch (s) {
	case VMC_STATE_DOWN: return "DOWN";
	case VMC_STATE_WAIT_INIT: return "WAIT_INIT";
	case VMC_STATE_WAIT_CAP: return "WAIT_CAP";
	case VMC_STATE_READY: return "READY";
	case VMC_STATE_FAILED: return "FAILED";
	}
	return "?";
}

const char *vmc_hmc_state_name(enum vmc_hmc_state s)
{
	switch (s) {
	case VMC_HMC_IDLE: return "IDLE";
	case VMC_HMC_OPENING: return "OPENING";
	case VMC_HMC_OPEN: return "OPEN";
	case VMC_HMC_CLOSING: return "CLOSING";
	}
	return "?";
}

const char *vmc_event_name(enum vmc_event_kind k)
{
	switch (k) {
	case VMC_EV_READY: return "READY";
	case VMC_EV_FAILED: return "FAILED";
	case VMC_EV_LINK_DOWN: return "LINK_DOWN";
	case VMC_EV_OPENED: return "OPENED";
	case VMC_EV_OPEN_FAILED: return "OPEN_FAILED";
	case VMC_EV_CLOSED: return "CLOSED";
	case VMC_EV_SESSION_LOST: return "SESSION_LOST";
	case VMC_EV_SEND_DONE: return "SEND_DONE";
	case VMC_EV_SEND_FAILED: return "SEND_FAILED";
	case VMC_EV_RX_ERROR: return "RX_ERROR";
	case VMC_EV_RESUMED: return "RESUMED";
	}
	return "?";
}

const char *vmc_cause_name(int cause)
{
	switch (cause) {
	case VMC_CAUSE_XPORT: return "transport event";
	case VMC_CAUSE_PARTNER_INIT: return "partner Init";
	case VMC_CAUSE_CAP_TIMEOUT: return "CAP_RESP timeout";
	case VMC_CAUSE_OPEN_TIMEOUT: return "OPEN_RESP timeout";
	case VMC_CAUSE_CLOSE_TIMEOUT: return "CLOSE_RESP timeout";
	case VMC_CAUSE_CLOSE_FAILED: return "CLOSE_RESP failure";
	case VMC_CAUSE_USER: return "requested";
	case VMC_CAUSE_SUSPENDED: return "partner suspended";
	}
	return "?";
}

enum vmc_state vmc_get_state(const struct vmc *v)
{
	return v->state;
}

enum vmc_hmc_state vmc_hmc_get_state(const struct vmc *v, unsigned int index)
{
	return index < VMC_MAX_HMCS ? (enum vmc_hmc_state)v->hmc[index].state : VMC_HMC_IDLE;
}

uint8_t vmc_hmc_session(const struct vmc *v, unsigned int index)
{
	return index < VMC_MAX_HMCS ? v->hmc[index].session : 0;
}

unsigned int vmc_buf_count(const struct vmc *v, unsigned int index, enum vmc_buf_state state)
{
	unsigned int n = 0;

	if (index >= VMC_MAX_HMCS)
		return 0;
	for (unsigned int id = 0; id < VMC_MAX_POOL; id++)
		n += v->hmc[index].bufs[id].state == state;
	return n;
}

unsigned int vmc_sendq_len(const struct vmc *v, unsigned int index)
{
	return index < VMC_MAX_HMCS ? v->hmc[index].sendq.count : 0;
}

int vmc_check_invariants(const struct vmc *v)
{
	if (v->state > VMC_STATE_FAILED)
		return 1;
	if (v->state == VMC_STATE_READY &&
	    (v->nhmc < 1 || v->nhmc > v->cfg.max_hmcs || v->pool < 1 ||
	     v->pool > v->cfg.pool_size || v->mtu < VMC_MIN_MTU || v->mtu > v->cfg.max_mtu))
		return 2;
	for (unsigned int i = 0; i < VMC_MAX_HMCS; i++) {
		const struct vmc_hmc *h = &v->hmc[i];
		unsigned int lent = 0, busy = 0, present = 0;
		bool in_range = v->state == VMC_STATE_READY && i < v->nhmc;

		if (h->state > VMC_HMC_CLOSING)
			return 3;
		if (h->state != VMC_HMC_IDLE && (!in_range || h->session == 0 ||
						 h->session > VMC_SESSION_MAX))
			return 4;
		if (h->sendq.count > VMC_SENDQ_DEPTH || h->sendq.head >= VMC_SENDQ_DEPTH)
			return 5;
		if (h->sendq.count && h->state != VMC_HMC_OPEN)
			return 6;
		for (unsigned int id = 0; id < VMC_MAX_POOL; id++) {
			const struct vmc_buf *b = &h->bufs[id];

			if (b->state > VMC_BUF_HV)
				return 7;
			if (b->state == VMC_BUF_ABSENT)
				continue;
			present++;
			if (!in_range || id >= v->pool)
				return 8;	/* a buffer outside the negotiated pool */
			if (v->cfg.remote_window && (uint64_t)b->lioba + v->mtu > v->cfg.remote_window)
				return 9;
			lent += b->state == VMC_BUF_LENT;
			busy += b->state == VMC_BUF_BUSY;
		}
		if (lent > 1 || (lent == 1) != (h->state == VMC_HMC_OPENING))
			return 10;	/* exactly one lent buffer while opening */
		if (h->state == VMC_HMC_OPENING && h->bufs[h->open_buf].state != VMC_BUF_LENT)
			return 11;
		if (busy)
			return 12;	/* BUSY never outlives a call into the engine */
		if (present > v->pool && in_range)
			return 13;
	}
	return 0;
}

void vmc_dump(const struct vmc *v, vmc_printf_fn pf, void *arg)
{
	const struct vmc_stats *s = &v->stats;

	pf(arg, "vmc: state %s  mtu %lu pool %u hmcs %u (offered %lu/%u/%u)  HV crq %u ver 0x%04x\n",
	   vmc_state_name(v->state), (unsigned long)v->mtu, v->pool, v->nhmc,
	   (unsigned long)v->cfg.max_mtu, v->cfg.pool_size, v->cfg.max_hmcs, v->hv_crq_size,
	   v->hv_version);
	for (unsigned int i = 0; i < v->cfg.max_hmcs && i < VMC_MAX_HMCS; i++) {
		const struct vmc_hmc *h = &v->hmc[i];

		pf(arg, "vmc: I%u %-7s S%u bufs free %u hv %u lent %u  sendq %u%s\n", i,
		   vmc_hmc_state_name(h->state), h->session, vmc_buf_count(v, i, VMC_BUF_FREE),
		   vmc_buf_count(v, i, VMC_BUF_HV), vmc_buf_count(v, i, VMC_BUF_LENT),
		   h->sendq.count, h->reopen_pending ? " reopen-pending" : "");
	}
	pf(arg, "vmc: rx %llu tx %llu delivered %llu (%llu B) sent %llu (%llu B) queued %llu "
	   "backpressure %llu send-failures %llu\n",
	   (unsigned long long)s->rx_msgs, (unsigned long long)s->tx_msgs,
	   (unsigned long long)s->delivered, (unsigned long long)s->rx_bytes,
	   (unsigned long long)s->sends, (unsigned long long)s->tx_bytes,
	   (unsigned long long)s->sends_queued, (unsigned long long)s->sends_backpressure,
	   (unsigned long long)s->send_failures);
	pf(arg, "vmc: dropped %llu (before-cap %llu index %llu session %llu buffer %llu len %llu "
	   "unknown %llu direction %llu) rx-errors %llu rdma-errors %llu crq-send-errors %llu\n",
	   (unsigned long long)s->dropped, (unsigned long long)s->dropped_before_cap,
	   (unsigned long long)s->bad_index, (unsigned long long)s->bad_session,
	   (unsigned long long)s->bad_buffer, (unsigned long long)s->bad_len,
	   (unsigned long long)s->unknown_type, (unsigned long long)s->wrong_direction,
	   (unsigned long long)s->rx_errors, (unsigned long long)s->rdma_errors,
	   (unsigned long long)s->crq_send_errors);
	pf(arg, "vmc: handshakes %llu init-retries %llu re-registers %llu partner-inits %llu "
	   "xport %llu resets %llu caps-refused %llu timeouts cap/open/close %llu/%llu/%llu\n",
	   (unsigned long long)s->handshakes, (unsigned long long)s->init_retries,
	   (unsigned long long)s->reregisters,
	   (unsigned long long)s->partner_inits, (unsigned long long)s->xport_events,
	   (unsigned long long)s->resets, (unsigned long long)s->caps_refused,
	   (unsigned long long)s->cap_timeouts, (unsigned long long)s->open_timeouts,
	   (unsigned long long)s->close_timeouts);
	pf(arg, "vmc: partner suspended %llu resumed %llu H_ENABLE_CRQ failures %llu\n",
	   (unsigned long long)s->suspends, (unsigned long long)s->resumes,
	   (unsigned long long)s->enable_failures);
	pf(arg, "vmc: opens %llu failed %llu reopens %llu closes %llu lost %llu  bufs added %llu "
	   "refused %llu removed %llu no-buffer %llu\n",
	   (unsigned long long)s->opens, (unsigned long long)s->opens_failed,
	   (unsigned long long)s->reopens, (unsigned long long)s->closes,
	   (unsigned long long)s->sessions_lost, (unsigned long long)s->bufs_added,
	   (unsigned long long)s->bufs_refused, (unsigned long long)s->bufs_removed,
	   (unsigned long long)s->rem_no_buffer);
	crq_dump(&v->crq, (crq_printf_fn)pf, arg);
}
