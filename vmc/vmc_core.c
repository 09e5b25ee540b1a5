// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmc_core.c - adapter life cycle: set-up, the CRQ event dispatcher, the
 * handshake and capabilities negotiation, timeouts and resets.
 *
 * Section numbers (§) are those of docs/vmc-protocol.md.
 */
#include <string.h>

#include "hcall/hcall.h"
#include "lib/log.h"
#include "lib/time.h"
#include "vmc/vmc_internal.h"

#define VMC_DEFAULT_CAP_TIMEOUT_US	2000000u
#define VMC_DEFAULT_OPEN_TIMEOUT_US	5000000u
#define VMC_DEFAULT_CLOSE_TIMEOUT_US	5000000u
#define VMC_DEFAULT_INIT_RETRY_US	1000000u
#define VMC_INIT_REREGISTER		4	/* unanswered Init retries before re-registering */

void vmc_config_default(struct vmc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_hmcs = 2;
	cfg->pool_size = 32;
	cfg->max_mtu = VMC_MIN_MTU;
	cfg->cap_timeout_us = VMC_DEFAULT_CAP_TIMEOUT_US;
	cfg->open_timeout_us = VMC_DEFAULT_OPEN_TIMEOUT_US;
	cfg->close_timeout_us = VMC_DEFAULT_CLOSE_TIMEOUT_US;
	cfg->init_retry_us = VMC_DEFAULT_INIT_RETRY_US;
	cfg->reopen = true;
}

static uint32_t vmc_stride(uint32_t mtu)
{
	return (mtu + VMC_PAGE - 1) / VMC_PAGE * VMC_PAGE;
}

size_t vmc_buf_mem_size(const struct vmc_config *cfg)
{
	return (size_t)cfg->max_hmcs * ((size_t)cfg->pool_size + VMC_SENDQ_DEPTH) *
	       vmc_stride(cfg->max_mtu);
}

uint64_t vmc_now(const struct vmc *v)
{
	return time_since_boot_us();
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

enum vmc_result vmc_init(struct vmc *v, const struct vmc_config *cfg)
{
	if (!v || !cfg) {
		pr_err(VMC_SUB, "init: no context or no configuration");
		return VMC_ERR_PARAM;
	}
	memset(v, 0, sizeof(*v));
	v->cfg = *cfg;
	/* Clamp what we offer to what our arrays hold (Linux §12.24). */
	if (v->cfg.max_hmcs < 1 || v->cfg.max_hmcs > VMC_MAX_HMCS ||
	    v->cfg.pool_size < 1 || v->cfg.pool_size > VMC_MAX_POOL ||
	    v->cfg.max_mtu < VMC_MIN_MTU || v->cfg.max_mtu > VMC_MAX_MTU) {
		pr_err(VMC_SUB, "init: limits out of range (hmcs %u pool %u mtu %lu)",
		       v->cfg.max_hmcs, v->cfg.pool_size, (unsigned long)v->cfg.max_mtu);
		return VMC_ERR_PARAM;
	}
	v->stride = vmc_stride(v->cfg.max_mtu);
	if (!v->cfg.buf_mem || (uintptr_t)v->cfg.buf_mem % VMC_PAGE || v->cfg.buf_ioba % VMC_PAGE ||
	    v->cfg.buf_bytes < vmc_buf_mem_size(&v->cfg) ||
	    ranges_overlap(v->cfg.buf_ioba, vmc_buf_mem_size(&v->cfg), v->cfg.crq_ioba,
			   v->cfg.crq_bytes)) {
		pr_err(VMC_SUB, "init: buffer memory missing, misaligned, small or overlapping");
		return VMC_ERR_PARAM;
	}
	if (crq_init(&v->crq, v->cfg.unit, v->cfg.liobn, v->cfg.crq_ioba, v->cfg.crq_mem,
		     v->cfg.crq_bytes, vmc_handle_event, v) != DRV_OK)
		return VMC_ERR_PARAM;
	memset(v->cfg.buf_mem, 0, vmc_buf_mem_size(&v->cfg));
	v->state = VMC_STATE_DOWN;
	return VMC_OK;
}

bool vmc_result_is_hcall(enum vmc_result r)
{
	return r == VMC_ERR_HCALL || r == VMC_ERR_RDMA || r == VMC_ERR_LINK ||
	       r == VMC_ERR_LINK_BUSY || r == VMC_ERR_BUSY;
}

void vmc_emit(struct vmc *v, enum vmc_event_kind kind, int index, enum vmc_result result,
	      int code, uint32_t len)
{
	struct vmc_event ev;

	if (!v->cfg.on_event)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.index = index;
	ev.session = index >= 0 && index < VMC_MAX_HMCS ? v->hmc[index].session : 0;
	ev.result = result;
	ev.code = code;
	ev.rc = vmc_result_is_hcall(result) ? v->last_rc : 0;
	ev.len = len;
	v->cfg.on_event(v->cfg.cb_ctx, &ev);
}

enum vmc_result vmc_tx(struct vmc *v, const struct vmc_msg *m)
{
	uint64_t hi, lo;
	enum drv_result r;

	vmc_msg_encode(m, &hi, &lo);
	r = crq_send(&v->crq, hi, lo);
	if (r == DRV_OK) {
		v->stats.tx_msgs++;
		v->stats.tx_type[m->type]++;
		return VMC_OK;
	}
	/* The CRQ driver's result becomes the engine's; the rc stays visible. */
	v->stats.crq_send_errors++;
	v->last_rc = v->crq.last_rc;
	pr_warn(VMC_SUB, "send %s: %s (%s)", vmc_msg_type_name(m->type), drv_result_name(r),
		hcall_rc_name(v->last_rc));
	switch (r) {
	case DRV_ERR_CLOSED: return VMC_ERR_LINK;
	case DRV_ERR_DROPPED:
	case DRV_ERR_BUSY: return VMC_ERR_LINK_BUSY;
	default: return VMC_ERR_HCALL;
	}
}

static enum vmc_result vmc_map_buffers(struct vmc *v)
{
	size_t bytes = vmc_buf_mem_size(&v->cfg);

	for (size_t off = 0; off < bytes; off += VMC_PAGE) {
		uint64_t real = (uint64_t)(uintptr_t)((uint8_t *)v->cfg.buf_mem + off);
		long rc = h_put_tce(v->cfg.liobn, v->cfg.buf_ioba + off, real | TCE_READ | TCE_WRITE);

		if (rc != H_SUCCESS) {
			v->last_rc = rc;
			pr_err(VMC_SUB, "H_PUT_TCE buffers at 0x%llx: %s",
			       (unsigned long long)(v->cfg.buf_ioba + off), hcall_rc_name(rc));
			return VMC_ERR_HCALL;
		}
	}
	v->tce_mapped = true;
	return VMC_OK;
}

/*
 * End every session and drop every buffer, seeds included (Linux §12.15
 * keeps never-opened seeds with stale LIOBAs). Sessions that were open are
 * remembered for re-opening when the configuration asks for it.
 */
void vmc_teardown(struct vmc *v, int cause)
{
	v->generation++;
	/* Not READY before any callback runs: nothing can be sent mid-teardown. */
	if (v->state == VMC_STATE_READY || v->state == VMC_STATE_WAIT_CAP)
		v->state = VMC_STATE_WAIT_INIT;
	for (unsigned int i = 0; i < VMC_MAX_HMCS; i++) {
		struct vmc_hmc *h = &v->hmc[i];

		vmc_sendq_fail(v, i, VMC_ERR_RESET);
		if (h->state != VMC_HMC_IDLE) {
			bool was_open = h->state == VMC_HMC_OPEN || h->state == VMC_HMC_OPENING;

			h->reopen_pending = v->cfg.reopen && was_open && h->has_id;
			h->state = VMC_HMC_IDLE;
			v->stats.sessions_lost++;
			vmc_emit(v, VMC_EV_SESSION_LOST, (int)i, VMC_ERR_RESET, cause, 0);
		}
		vmc_buf_release_all(v, i);
	}
	v->mtu = 0;
	v->pool = 0;
	v->nhmc = 0;
}

static void vmc_enter_wait_init(struct vmc *v)
{
	v->state = VMC_STATE_WAIT_INIT;
	v->init_retry_us = vmc_now(v) + v->cfg.init_retry_us;
}

/* Tear down, then register the CRQ afresh and send Init (local reset). */
void vmc_channel_reset(struct vmc *v, int cause)
{
	bool had_sessions = v->state == VMC_STATE_READY;

	v->stats.resets++;
	pr_warn(VMC_SUB, "channel reset: %s", vmc_cause_name(cause));
	vmc_teardown(v, cause);
	vmc_enter_wait_init(v);
	if (had_sessions || cause != VMC_CAUSE_USER)
		vmc_emit(v, VMC_EV_LINK_DOWN, -1, VMC_ERR_RESET, cause, 0);
	if (crq_reset(&v->crq) != DRV_OK) {
		/* Stay in WAIT_INIT: the Init retry timer tries again. */
		v->last_rc = v->crq.last_rc;
		pr_err(VMC_SUB, "CRQ reset failed: %s", hcall_rc_name(v->crq.last_rc));
	}
}

static void vmc_send_cap(struct vmc *v)
{
	struct vmc_msg m = vmc_msg_cap(VMC_MSG_CAP, v->cfg.max_hmcs, v->cfg.pool_size,
				       v->cfg.max_mtu, (uint16_t)v->crq.n_entries,
				       VMC_PROTOCOL_VERSION);

	if (vmc_tx(v, &m) != VMC_OK) {
		/* Stay in WAIT_INIT; the retry timer sends Init again. */
		vmc_enter_wait_init(v);
		return;
	}
	v->stats.handshakes++;
	v->init_unanswered = 0;
	v->state = VMC_STATE_WAIT_CAP;
	v->cap_deadline_us = vmc_now(v) + v->cfg.cap_timeout_us;
}

static void vmc_refuse_caps(struct vmc *v, const char *why)
{
	v->stats.caps_refused++;
	v->state = VMC_STATE_FAILED;
	v->fail_reason = VMC_ERR_PARAM;
	pr_err(VMC_SUB, "capabilities refused: %s", why);
	vmc_emit(v, VMC_EV_FAILED, -1, VMC_ERR_FAILED, 0, 0);
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static void vmc_on_cap_resp(struct vmc *v, const struct vmc_msg *m)
{
	uint32_t mtu, pool, nhmc;

	if (v->state != VMC_STATE_WAIT_CAP) {
		v->stats.dropped++;
		pr_warn(VMC_SUB, "CAP_RESP in state %s dropped", vmc_state_name(v->state));
		return;
	}
	mtu = min_u32(v->cfg.max_mtu, m->max_mtu);
	pool = min_u32(v->cfg.pool_size, m->pool_size);
	nhmc = min_u32(v->cfg.max_hmcs, m->max_hmc);
	if (m->status != VMC_ST_SUCCESS)
		return vmc_refuse_caps(v, vmc_status_name(m->type, m->status));
	if (VMC_VERSION_MAJOR(m->version) != VMC_VERSION_MAJOR(VMC_PROTOCOL_VERSION))
		return vmc_refuse_caps(v, "major version mismatch");
	if (nhmc == 0)
		return vmc_refuse_caps(v, "zero HMCs");
	if (pool == 0)
		return vmc_refuse_caps(v, "zero buffer pool");
	if (mtu < VMC_MIN_MTU)
		return vmc_refuse_caps(v, "MTU below 4096");
	v->mtu = mtu;
	v->pool = (uint16_t)pool;
	v->nhmc = (uint8_t)nhmc;
	v->hv_crq_size = m->crq_size;
	v->hv_version = m->version;
	v->state = VMC_STATE_READY;
	pr_info(VMC_SUB, "ready: %u HMCs, pool %u, MTU %lu (HV version 0x%04x)", v->nhmc,
		v->pool, (unsigned long)v->mtu, v->hv_version);
	vmc_emit(v, VMC_EV_READY, -1, VMC_OK, 0, 0);
}

/* A message only the HV may send (or the MP direction), per type. */
static void vmc_dispatch(struct vmc *v, const uint8_t *raw)
{
	struct vmc_msg m;

	if (!vmc_msg_from_bytes(&m, raw))
		return;
	v->stats.rx_msgs++;
	v->stats.rx_type[m.type]++;
	if (m.type == VMC_MSG_CAP_RESP)
		return vmc_on_cap_resp(v, &m);
	if (!vmc_msg_type_known(m.type) || m.type == VMC_MSG_CAP || m.type == VMC_MSG_OPEN ||
	    m.type == VMC_MSG_CLOSE || m.type == VMC_MSG_ADD_BUF_RESP ||
	    m.type == VMC_MSG_REM_BUF_RESP) {
		if (vmc_msg_type_known(m.type))
			v->stats.wrong_direction++;
		else
			v->stats.unknown_type++;
		v->stats.dropped++;
		pr_warn(VMC_SUB, "unexpected message type 0x%02x dropped", m.type);
		return;
	}
	/* HMC interface messages are meaningful only after CAP_RESP (§6.2). */
	if (v->state != VMC_STATE_READY) {
		v->stats.dropped_before_cap++;
		v->stats.dropped++;
		pr_warn(VMC_SUB, "%s in state %s dropped", vmc_msg_type_name(m.type),
			vmc_state_name(v->state));
		return;
	}
	switch (m.type) {
	case VMC_MSG_ADD_BUF: return vmc_on_add_buf(v, &m);
	case VMC_MSG_REM_BUF: return vmc_on_rem_buf(v, &m);
	case VMC_MSG_SIGNAL: return vmc_on_signal(v, &m);
	case VMC_MSG_OPEN_RESP: return vmc_on_open_resp(v, &m);
	case VMC_MSG_CLOSE_RESP: return vmc_on_close_resp(v, &m);
	}
}

void vmc_handle_event(void *ctx, const struct crq_event *ev)
{
	struct vmc *v = ctx;

	switch (ev->kind) {
	case CRQ_EV_MESSAGE:
		vmc_dispatch(v, ev->raw);
		break;
	case CRQ_EV_PARTNER_INIT:
		/* Any state: the partner restarted; start over with it (§12.11). */
		v->stats.partner_inits++;
		if (v->state == VMC_STATE_READY || v->state == VMC_STATE_WAIT_CAP) {
			vmc_teardown(v, VMC_CAUSE_PARTNER_INIT);
			vmc_emit(v, VMC_EV_LINK_DOWN, -1, VMC_ERR_RESET, VMC_CAUSE_PARTNER_INIT, 0);
		} else if (v->state == VMC_STATE_FAILED) {
			vmc_teardown(v, VMC_CAUSE_PARTNER_INIT);
		}
		vmc_send_cap(v);
		break;
	case CRQ_EV_LINK_UP:
		/* Init Complete: the answer to our Init; ignored if Inits crossed. */
		if (v->state == VMC_STATE_WAIT_INIT)
			vmc_send_cap(v);
		break;
	case CRQ_EV_LINK_DOWN: {
		int cause = ev->code == CRQ_XPORT_PARTNER_SUSPENDED ? VMC_CAUSE_SUSPENDED :
			    VMC_CAUSE_XPORT;

		v->stats.xport_events++;
		if (cause == VMC_CAUSE_SUSPENDED)
			v->stats.suspends++;
		pr_warn(VMC_SUB, "transport event 0x%02x: channel down", ev->code);
		/* Queued sends are reported lost (SEND_FAILED), open sessions re-open later. */
		vmc_teardown(v, cause);
		vmc_enter_wait_init(v);
		v->init_unanswered = 0;
		vmc_emit(v, VMC_EV_LINK_DOWN, -1, VMC_ERR_RESET, cause, 0);
		break;
	}
	case CRQ_EV_RESUMED:
		/* The CRQ layer re-enabled the queue and sent Init. */
		vmc_enter_wait_init(v);
		v->stats.resumes++;
		vmc_emit(v, VMC_EV_RESUMED, -1, VMC_OK, 0, 0);
		break;
	}
}

unsigned int vmc_poll(struct vmc *v)
{
	return crq_poll(&v->crq);
}

enum vmc_result vmc_start(struct vmc *v)
{
	if (!v->tce_mapped && vmc_map_buffers(v) != VMC_OK)
		return VMC_ERR_HCALL;
	/* WAIT_INIT before the interrupt is on, so no early Init is lost (§4.4). */
	vmc_enter_wait_init(v);
	if (crq_register(&v->crq) != DRV_OK) {
		v->last_rc = v->crq.last_rc;
		v->state = VMC_STATE_DOWN;
		return VMC_ERR_HCALL;
	}
	v->started = true;
	if (v->cfg.irq && crq_set_irq(&v->crq, true) != DRV_OK)
		pr_warn(VMC_SUB, "could not enable the CRQ interrupt; polling only");
	crq_send_init(&v->crq);	/* the partner may not be up: the timer retries */
	vmc_poll(v);		/* entries queued before the interrupt was on */
	return VMC_OK;
}

void vmc_stop(struct vmc *v)
{
	bool was_ready = v->state == VMC_STATE_READY;

	vmc_teardown(v, VMC_CAUSE_USER);
	if (was_ready)
		vmc_emit(v, VMC_EV_LINK_DOWN, -1, VMC_ERR_RESET, VMC_CAUSE_USER, 0);
	for (unsigned int i = 0; i < VMC_MAX_HMCS; i++)
		v->hmc[i].reopen_pending = false;
	if (v->started)
		crq_free(&v->crq);
	v->started = false;
	v->state = VMC_STATE_DOWN;
}

enum vmc_result vmc_restart(struct vmc *v)
{
	if (!v->started)
		return vmc_start(v);
	vmc_channel_reset(v, VMC_CAUSE_USER);
	return v->crq.link == CRQ_LINK_DOWN ? VMC_ERR_HCALL : VMC_OK;
}

static bool due(uint64_t now, uint64_t deadline)
{
	return (int64_t)(now - deadline) >= 0;
}

/*
 * H_ENABLE_CRQ failed inside its busy budget when the suspension came: try
 * again on the Init timer, and after VMC_INIT_REREGISTER more failures
 * register afresh (H_FREE_CRQ + H_REG_CRQ also ends a suspension).
 */
static void vmc_retry_enable(struct vmc *v)
{
	if (crq_enable(&v->crq) == DRV_OK) {
		v->stats.resumes++;
		vmc_emit(v, VMC_EV_RESUMED, -1, VMC_OK, 0, 0);
		crq_send_init(&v->crq);
		return;
	}
	v->stats.enable_failures++;
	if (++v->init_unanswered < VMC_INIT_REREGISTER)
		return;
	pr_warn(VMC_SUB, "H_ENABLE_CRQ failed %u times: registering the CRQ afresh",
		v->init_unanswered);
	v->init_unanswered = 0;
	v->stats.reregisters++;
	crq_reset(&v->crq);
}

void vmc_tick(struct vmc *v)
{
	uint64_t now_us;

	if (!v->started)
		return;
	now_us = vmc_now(v);
	switch (v->state) {
	case VMC_STATE_WAIT_INIT:
		if (!due(now_us, v->init_retry_us))
			break;
		v->stats.init_retries++;
		v->init_retry_us = now_us + v->cfg.init_retry_us;
		if (v->crq.link == CRQ_LINK_DOWN) {
			crq_reset(&v->crq);	/* registration was lost: redo it */
		} else if (v->crq.link == CRQ_LINK_SUSPENDED) {
			vmc_retry_enable(v);
		} else if (++v->init_unanswered < VMC_INIT_REREGISTER) {
			crq_send_init(&v->crq);
		} else {
			/*
			 * Several Inits and no answer: the partner may be gone for
			 * good, or our registration may be stale (lost by the
			 * hypervisor, ring pointers out of step). Registering afresh
			 * costs little and recovers the latter.
			 */
			v->init_unanswered = 0;
			v->stats.reregisters++;
			crq_reset(&v->crq);
		}
		break;
	case VMC_STATE_WAIT_CAP:
		if (due(now_us, v->cap_deadline_us)) {
			v->stats.cap_timeouts++;
			vmc_channel_reset(v, VMC_CAUSE_CAP_TIMEOUT);
		}
		break;
	case VMC_STATE_READY:
		for (unsigned int i = 0; i < v->nhmc; i++) {
			struct vmc_hmc *h = &v->hmc[i];

			/* Sends held back by a full partner queue get another go. */
			if (h->state == VMC_HMC_OPEN && h->sendq.count)
				vmc_sendq_flush(v, i);

			if (h->state == VMC_HMC_OPENING && due(now_us, h->deadline_us)) {
				/* The HV holds our seed: only a reset makes both sides agree. */
				v->stats.open_timeouts++;
				h->reopen_pending = false;
				vmc_emit(v, VMC_EV_OPEN_FAILED, (int)i, VMC_ERR_TIMEOUT, 0, 0);
				h->state = VMC_HMC_IDLE;
				vmc_channel_reset(v, VMC_CAUSE_OPEN_TIMEOUT);
				return;
			}
			if (h->state == VMC_HMC_CLOSING && due(now_us, h->deadline_us)) {
				v->stats.close_timeouts++;
				vmc_emit(v, VMC_EV_CLOSED, (int)i, VMC_ERR_TIMEOUT, 0, 0);
				h->state = VMC_HMC_IDLE;
				h->reopen_pending = false;
				vmc_channel_reset(v, VMC_CAUSE_CLOSE_TIMEOUT);
				return;
			}
		}
		break;
	default:
		break;
	}
}
