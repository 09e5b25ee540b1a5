// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hmc_link.c - the HMC link layer: peer commands into engine calls, engine
 * results into ERROR codes, engine events and STATUS into frames. See
 * hmc_link.h and docs/hmc-protocol.md (section numbers below are its).
 */
#include "hv/hmc_link.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* Output                                                             */
/* ------------------------------------------------------------------ */

static void emit(struct hmc_link *link, uint8_t type, uint8_t index,
                 uint8_t session, const void *payload, uint32_t len)
{
    size_t n;

    if (!link->peer_open) {
        /*
         * a guest message has nowhere to go (a peer not back yet after a
         * migration): dropped, but counted so the peer can tell
         */
        if (type == HMC_EV_MSG) {
            link->stats.no_peer_msgs++;
        }
        return;
    }
    n = hmc_frame_encode(link->scratch, sizeof(link->scratch), type, index,
                         session, payload, len);
    if (!n) {
        link->stats.unencodable++;
        return;
    }
    link->ops->write(link->opaque, link->scratch, n);
}

static void emit_error(struct hmc_link *link, uint8_t cmd, uint8_t index,
                       uint8_t session, uint8_t code, uint32_t detail,
                       const char *reason)
{
    uint8_t p[8 + HMC_FRAME_MAX_TEXT];
    size_t n = hmc_frame_error_payload(p, cmd, code, detail, reason);

    link->stats.host_errors++;
    emit(link, HMC_EV_ERROR, index, session, p, (uint32_t)n);
}

static void emit_ack(struct hmc_link *link, const struct hmc_frame *f,
                     uint32_t value)
{
    uint8_t p[8];

    hmc_frame_ack_payload(p, f->type, value);
    emit(link, HMC_EV_ACK, f->hmc_index, f->session, p, sizeof(p));
}

/* The answer to a command that has one: ACK @value, or ERROR for result @r. */
static void answer(struct hmc_link *link, const struct hmc_frame *f, int r,
                   uint32_t value, uint32_t detail, const char *reason)
{
    if (r == VMC_HV_OK) {
        emit_ack(link, f, value);
    } else {
        emit_error(link, f->type, f->hmc_index, f->session,
                   hmc_link_error_code(link, r, false), detail, reason);
    }
}

/* ------------------------------------------------------------------ */
/* Set-up and the peer's connection                                   */
/* ------------------------------------------------------------------ */

int hmc_link_init(struct hmc_link *link, const struct hmc_link_config *cfg,
                  const struct hmc_link_ops *ops, void *opaque,
                  struct vmc_hv *hv)
{
    if (!cfg || !ops || !ops->write || !hv || cfg->max_hmcs < 1 ||
        cfg->max_hmcs > VMC_HV_MAX_HMCS || cfg->pool_size < 1 ||
        cfg->pool_size > VMC_HV_MAX_POOL) {
        return VMC_HV_ERR_PARAM;
    }
    memset(link, 0, offsetof(struct hmc_link, parser));
    link->cfg = *cfg;
    link->ops = ops;
    link->opaque = opaque;
    link->hv = hv;
    link->crq_full_drop = cfg->crq_full_drop;
    hmc_frame_parser_init(&link->parser);
    return VMC_HV_OK;
}

void hmc_link_announce(struct hmc_link *link)
{
    uint8_t up = vmc_hv_phase(link->hv) == VMC_HV_PHASE_READY;
    uint32_t i;

    emit(link, HMC_EV_LINK, 0, 0, &up, 1);
    /* a peer connecting after the guest opened sessions learns them here */
    for (i = 0; i < link->cfg.max_hmcs; i++) {
        const uint8_t *id = vmc_hv_session_hmc_id(link->hv, i);

        if (id) {
            emit(link, HMC_EV_OPEN, (uint8_t)i, vmc_hv_session(link->hv, i), id,
                 HMC_FRAME_HMC_ID_LEN);
        }
    }
}

void hmc_link_peer_opened(struct hmc_link *link)
{
    hmc_frame_parser_init(&link->parser);
    link->peer_open = true;
    hmc_link_announce(link);
}

void hmc_link_peer_closed(struct hmc_link *link)
{
    link->peer_open = false;
    hmc_frame_parser_init(&link->parser);
}

/* ------------------------------------------------------------------ */
/* Engine results and events                                          */
/* ------------------------------------------------------------------ */

uint8_t hmc_link_error_code(const struct hmc_link *link, int result, bool msg)
{
    switch (result) {
    case VMC_HV_ERR_PARAM:
        return HMC_ERR_BAD_VALUE;
    case VMC_HV_ERR_STATE:
        if (vmc_hv_phase(link->hv) != VMC_HV_PHASE_READY) {
            return HMC_ERR_NOT_READY;
        }
        return msg ? HMC_ERR_NO_SESSION : HMC_ERR_NOT_READY;
    case VMC_HV_ERR_FULL:
        return HMC_ERR_QUEUE_FULL;
    case VMC_HV_ERR_NOBUF:
        return HMC_ERR_NO_RESOURCE;
    default:
        return HMC_ERR_INTERNAL;
    }
}

void hmc_link_engine_event(struct hmc_link *link, const struct vmc_hv_event *ev)
{
    uint8_t p[8 + HMC_FRAME_MAX_TEXT];
    uint8_t b;

    switch (ev->kind) {
    case VMC_HV_EV_LINK_UP:
    case VMC_HV_EV_LINK_DOWN:
        b = ev->kind == VMC_HV_EV_LINK_UP;
        emit(link, HMC_EV_LINK, 0, 0, &b, 1);
        break;
    case VMC_HV_EV_OPEN: {
        /* always 32 bytes: a short ID is padded with zeros */
        uint8_t id[HMC_FRAME_HMC_ID_LEN] = { 0 };

        if (ev->data) {
            memcpy(id, ev->data, ev->len < sizeof(id) ? ev->len : sizeof(id));
        }
        emit(link, HMC_EV_OPEN, ev->index, ev->session, id, sizeof(id));
        break;
    }
    case VMC_HV_EV_CLOSE:
        b = (uint8_t)ev->code;
        emit(link, HMC_EV_CLOSE, ev->index, ev->session, &b, 1);
        break;
    case VMC_HV_EV_MESSAGE:
        if (ev->len <= HMC_FRAME_MAX_PAYLOAD && (ev->data || !ev->len)) {
            emit(link, HMC_EV_MSG, ev->index, ev->session, ev->data, ev->len);
        }
        break;
    case VMC_HV_EV_SENT:
        store_be32(p, ev->len);
        emit(link, HMC_EV_DELIVERED, ev->index, ev->session, p, 4);
        break;
    case VMC_HV_EV_DROPPED:
        emit_error(link, HMC_CMD_MSG, ev->index, ev->session,
                   HMC_ERR_NO_SESSION, ev->len,
                   "host message dropped before delivery");
        break;
    case VMC_HV_EV_REM_BUF:
        p[0] = (uint8_t)ev->code;
        p[1] = 0;
        store_be16(p + 2, ev->buffer_id);
        emit(link, HMC_EV_REM_BUF, ev->index, ev->session, p, 4);
        break;
    case VMC_HV_EV_VIOLATION: {
        const char *name = vmc_hv_violation_name(ev->code);
        size_t n = strnlen(name, HMC_FRAME_MAX_TEXT);

        p[0] = (uint8_t)ev->code;
        p[1] = 0;
        store_be16(p + 2, ev->buffer_id);
        memcpy(p + 4, name, n);
        emit(link, HMC_EV_VIOLATION, ev->index, ev->session, p,
             (uint32_t)(4 + n));
        break;
    }
    default:
        break;
    }
}

/* ------------------------------------------------------------------ */
/* Trace frames (trace-crq=on)                                        */
/* ------------------------------------------------------------------ */

bool hmc_link_tracing(const struct hmc_link *link)
{
    return link->cfg.trace;
}

void hmc_link_trace_crq(struct hmc_link *link, uint64_t hi, uint64_t lo,
                        bool to_guest)
{
    uint8_t p[HMC_FRAME_CRQ_LEN + 1];

    if (!link->cfg.trace) {
        return;
    }
    store_be64(p, hi);
    store_be64(p + 8, lo);
    p[16] = to_guest;
    emit(link, HMC_EV_CRQ, 0, 0, p, sizeof(p));
}

/*
 * CALL: u8 what, 7 bytes 0, u64 time in us, the u64 arguments, then up to
 * 64 data bytes. tools/trace2corpus.py turns such a trace into fuzz seeds.
 */
void hmc_link_trace_call(struct hmc_link *link, uint8_t what,
                         const uint64_t *args, unsigned int nargs,
                         const uint8_t *data, uint32_t len)
{
    uint8_t p[16 + 8 * 6 + HMC_TRACE_MAX_DATA];
    unsigned int i, n = 16;

    if (!link->cfg.trace) {
        return;
    }
    memset(p, 0, 16);
    p[0] = what;
    store_be64(p + 8, link->ops->now_us ? link->ops->now_us(link->opaque) : 0);
    for (i = 0; i < nargs && i < 6; i++, n += 8) {
        store_be64(p + n, args[i]);
    }
    if (data && len) {
        if (len > HMC_TRACE_MAX_DATA) {
            len = HMC_TRACE_MAX_DATA;
        }
        memcpy(p + n, data, len);
        n += len;
    }
    emit(link, HMC_EV_CALL, 0, 0, p, n);
}

void hmc_link_mp_registered(struct hmc_link *link, uint32_t crq_entries)
{
    uint64_t a = crq_entries;

    hmc_link_trace_call(link, HMC_TRACE_REGISTER, &a, 1, NULL, 0);
    vmc_hv_mp_registered(link->hv, crq_entries);
}

void hmc_link_mp_freed(struct hmc_link *link)
{
    hmc_link_trace_call(link, HMC_TRACE_FREE, NULL, 0, NULL, 0);
    vmc_hv_mp_freed(link->hv);
}

long hmc_link_guest_entry(struct hmc_link *link, uint64_t hi, uint64_t lo)
{
    hmc_link_trace_crq(link, hi, lo, false);
    return vmc_hv_receive(link->hv, hi, lo);
}

long hmc_link_request_vmc(struct hmc_link *link, uint64_t *drc_index)
{
    long rc = vmc_hv_request_vmc(link->hv, drc_index);
    uint64_t a = (uint64_t)rc;

    hmc_link_trace_call(link, HMC_TRACE_REQUEST_VMC, &a, 1, NULL, 0);
    return rc;
}

long hmc_link_copy_rdma(struct hmc_link *link, const uint64_t args[5])
{
    long rc =
        vmc_hv_copy_rdma(link->hv, args[0], args[1], args[2], args[3], args[4]);
    uint64_t a[6] = {
        args[0], args[1], args[2], args[3], args[4], (uint64_t)rc
    };

    hmc_link_trace_call(link, HMC_TRACE_COPY_RDMA, a, 6, NULL, 0);
    return rc;
}

/* ------------------------------------------------------------------ */
/* STATUS (§5)                                                        */
/* ------------------------------------------------------------------ */

size_t hmc_link_pack_status(const struct hmc_link *link, uint8_t *p)
{
    const struct vmc_hv_stats *st = vmc_hv_get_stats(link->hv);
    struct hmc_link_glue_status g;
    uint32_t mtu = 0, pool = 0, nhmc = 0, i;
    uint64_t c[HMC_LINK_STATUS_COUNTERS];
    unsigned int k, nc = 0;
    size_t n = 0;

    memset(&g, 0, sizeof(g));
    if (link->ops->glue_status) {
        link->ops->glue_status(link->opaque, &g);
    }
    vmc_hv_negotiated(link->hv, &mtu, &pool, &nhmc);
    p[n++] = HMC_LINK_STATUS_VERSION;
    p[n++] = (uint8_t)vmc_hv_phase(link->hv);
    p[n++] = (uint8_t)nhmc;
    p[n++] = (uint8_t)link->cfg.max_hmcs;
    store_be32(p + n, mtu);
    n += 4;
    store_be32(p + n, pool);
    n += 4;
    store_be32(p + n, vmc_hv_outq_len(link->hv));
    n += 4;
    store_be32(p + n, g.unit_address);
    n += 4;
    store_be32(p + n, link->cfg.remote_liobn);
    n += 4;
    store_be32(p + n, g.flags | (vmc_hv_is_suspended(link->hv)
                                     ? HMC_LINK_FLAG_SUSPENDED
                                     : 0));
    n += 4;
    store_be32(p + n, g.crq_bytes);
    n += 4;
    for (i = 0; i < link->cfg.max_hmcs; i++) {
        unsigned int id, present = 0, hv_owned = 0;

        for (id = 0; id < link->cfg.pool_size; id++) {
            int owner = -1;

            if (vmc_hv_buffer_info(link->hv, i, id, &owner) ==
                VMC_HV_BUF_PRESENT) {
                present++;
                if (owner == VMC_HV_OWNER_HV) {
                    hv_owned++;
                }
            }
        }
        p[n++] = vmc_hv_session(link->hv, i);
        p[n++] = (uint8_t)present;
        p[n++] = (uint8_t)hv_owned;
        p[n++] = 0;
    }
    c[nc++] = st->rx_entries;
    c[nc++] = st->tx_entries;
    c[nc++] = st->tx_full;
    c[nc++] = st->outq_overflow;
    c[nc++] = st->violations_total;
    c[nc++] = st->rdma_calls;
    c[nc++] = st->rdma_ok;
    c[nc++] = st->rdma_errors;
    c[nc++] = st->request_vmc_calls;
    c[nc++] = st->mp_registers;
    c[nc++] = st->mp_frees;
    c[nc++] = st->resets;
    c[nc++] = st->sessions_opened;
    c[nc++] = st->sessions_closed;
    c[nc++] = st->msgs_to_hmc;
    c[nc++] = st->msgs_to_mp;
    c[nc++] = st->host_msgs_dropped;
    c[nc++] = st->faults_fired;
    c[nc++] = link->stats.host_frames;
    c[nc++] = link->stats.host_errors;
    c[nc++] = g.out_dropped + link->stats.unencodable;
    c[nc++] = link->parser.resyncs;
    /* appended after the first layout: readers use the count */
    c[nc++] = st->tx_throttled;
    c[nc++] = g.kicks;
    c[nc++] = g.crq_reads;
    c[nc++] = g.out_write_errors;
    c[nc++] = g.out_error_bytes;
    c[nc++] = link->stats.no_peer_msgs;
    c[nc++] = st->suspend_events;
    c[nc++] = st->suspend_refused;
    c[nc++] = st->mp_enables;
    p[n++] = (uint8_t)nc;
    p[n++] = 0;
    p[n++] = 0;
    p[n++] = 0;
    for (k = 0; k < nc; k++, n += 8) {
        store_be64(p + n, c[k]);
    }
    return n;
}

const struct hmc_link_stats *hmc_link_get_stats(const struct hmc_link *link)
{
    return &link->stats;
}

/* ------------------------------------------------------------------ */
/* Commands (§3)                                                      */
/* ------------------------------------------------------------------ */

bool hmc_link_crq_full_drop(const struct hmc_link *link)
{
    return link->crq_full_drop;
}

static void cmd_msg(struct hmc_link *link, const struct hmc_frame *f)
{
    unsigned int idx = f->hmc_index;
    uint8_t session;
    uint32_t mtu = 0;
    int r;

    if (idx >= link->cfg.max_hmcs) {
        emit_error(link, f->type, f->hmc_index, f->session, HMC_ERR_BAD_INDEX,
                   idx, "HMC index out of range");
        return;
    }
    if (vmc_hv_phase(link->hv) != VMC_HV_PHASE_READY) {
        emit_error(link, f->type, f->hmc_index, f->session, HMC_ERR_NOT_READY,
                   f->len, "link not ready");
        return;
    }
    /* session 0 means "the open session"; any other value must match it */
    session = vmc_hv_session(link->hv, idx);
    if (!session || (f->session && f->session != session)) {
        emit_error(link, f->type, f->hmc_index, f->session, HMC_ERR_NO_SESSION,
                   session, "no such open session");
        return;
    }
    vmc_hv_negotiated(link->hv, &mtu, NULL, NULL);
    if (f->len > mtu) {
        emit_error(link, f->type, f->hmc_index, f->session, HMC_ERR_TOO_LONG,
                   mtu, "message longer than the negotiated MTU");
        return;
    }
    r = vmc_hv_hmc_send(link->hv, idx, f->payload, f->len);
    if (r != VMC_HV_OK) {
        emit_error(link, f->type, f->hmc_index, f->session,
                   hmc_link_error_code(link, r, true), f->len,
                   vmc_hv_result_name(r));
    }
    /* an accepted MSG is not ACKed: DELIVERED (or a later ERROR) reports it */
}

static void cmd_reset(struct hmc_link *link, const struct hmc_frame *f)
{
    uint8_t fmt = f->len >= 1 ? f->payload[0] : 0x01;
    uint64_t delay =
        f->len == 5 ? (uint64_t)load_be32(f->payload + 1) * 1000 : UINT64_MAX;

    answer(link, f, vmc_hv_reset(link->hv, fmt, delay), fmt, fmt,
           "reset refused");
}

static void cmd_fault(struct hmc_link *link, const struct hmc_frame *f)
{
    uint8_t kind = f->payload[0];
    uint32_t arg = load_be32(f->payload + 1);
    struct vmc_hv *hv = link->hv;
    int r = VMC_HV_OK;

    switch (kind) {
    case HMC_FAULT_CLEAR:
        vmc_hv_faults_clear(hv);
        link->crq_full_drop = false;
        break;
    case HMC_FAULT_DROP_GUEST_CRQ:
        r = vmc_hv_fault_message(hv, VMC_HV_DIR_TO_HV,
                                 arg ? VMC_HV_FAULT_DROP : VMC_HV_FAULT_NONE, 0,
                                 1, arg, 0);
        break;
    case HMC_FAULT_DELAY_HV_CRQ:
        r = vmc_hv_fault_message(hv, VMC_HV_DIR_TO_MP,
                                 arg ? VMC_HV_FAULT_DELAY : VMC_HV_FAULT_NONE,
                                 0, 1, UINT32_MAX, (uint64_t)arg * 1000);
        break;
    case HMC_FAULT_FAIL_COPY_RDMA:
        r = vmc_hv_fault_rdma(hv, 1, arg, HV_H_PERMISSION);
        break;
    case HMC_FAULT_REQUEST_VMC_RC:
        r = vmc_hv_set_knob(hv, VMC_HV_KNOB_REQUEST_VMC_RC,
                            arg ? (int64_t)(int32_t)arg : VMC_HV_KNOB_OFF);
        break;
    case HMC_FAULT_DROP_HV_CRQ:
        r = vmc_hv_fault_message(hv, VMC_HV_DIR_TO_MP,
                                 arg ? VMC_HV_FAULT_DROP : VMC_HV_FAULT_NONE, 0,
                                 1, arg, 0);
        break;
    case HMC_FAULT_CRQ_FULL_DROP:
        link->crq_full_drop = arg != 0;
        break;
    default:
        /* the parser refuses kinds above HMC_FAULT_MAX; kept for safety */
        r = VMC_HV_ERR_PARAM;
        break;
    }
    answer(link, f, r, kind, kind, "fault refused");
}

static void cmd_fault_msg(struct hmc_link *link, const struct hmc_frame *f)
{
    const uint8_t *p = f->payload;
    uint8_t action = p[1];
    int r;

    r = vmc_hv_fault_message(link->hv, (enum vmc_hv_dir)p[0],
                             (enum vmc_hv_fault_action)action, load_be16(p + 2),
                             load_be32(p + 4), load_be32(p + 8),
                             (uint64_t)load_be32(p + 12) * 1000);
    answer(link, f, r, action, action, "fault refused");
}

static void cmd_knob(struct hmc_link *link, const struct hmc_frame *f)
{
    uint8_t knob = f->payload[0];
    int32_t value = (int32_t)load_be32(f->payload + 1);
    int r;

    r = knob < VMC_HV_KNOB_COUNT
            ? vmc_hv_set_knob(link->hv, knob,
                              value == INT32_MIN ? VMC_HV_KNOB_OFF : value)
            : VMC_HV_ERR_PARAM;
    if (r != VMC_HV_OK) {
        emit_error(link, f->type, f->hmc_index, f->session, HMC_ERR_BAD_VALUE,
                   knob, "unknown knob");
    } else {
        emit_ack(link, f, knob);
    }
}

static void cmd_fault_rdma(struct hmc_link *link, const struct hmc_frame *f)
{
    uint32_t nth = load_be32(f->payload), count = load_be32(f->payload + 4);
    int32_t rc = (int32_t)load_be32(f->payload + 8);

    answer(link, f, vmc_hv_fault_rdma(link->hv, nth, count, rc), count, count,
           "fault refused");
}

static void cmd_buffer(struct hmc_link *link, const struct hmc_frame *f)
{
    unsigned int idx = f->hmc_index;
    uint8_t code;
    int r;

    if (idx >= link->cfg.max_hmcs) {
        emit_error(link, f->type, f->hmc_index, f->session, HMC_ERR_BAD_INDEX,
                   idx, "HMC index out of range");
        return;
    }
    r = f->type == HMC_CMD_ADD_BUF
            ? vmc_hv_hmc_add_buffer(link->hv, idx, f->payload[0])
            : vmc_hv_hmc_remove_buffer(link->hv, idx);
    if (r == VMC_HV_OK) {
        emit_ack(link, f, idx);
        return;
    }
    code = hmc_link_error_code(link, r, false);
    if (r == VMC_HV_ERR_STATE && vmc_hv_phase(link->hv) == VMC_HV_PHASE_READY) {
        /* e.g. REM_BUF would take the last buffer */
        code = HMC_ERR_NO_RESOURCE;
    }
    emit_error(link, f->type, f->hmc_index, f->session, code, idx,
               vmc_hv_result_name(r));
}

static void on_frame(void *opaque, const struct hmc_frame *f)
{
    struct hmc_link *link = opaque;
    uint8_t status[HMC_LINK_STATUS_MAX];
    int r;

    link->stats.host_frames++;
    if (link->cfg.trace) {
        uint64_t a[4] = { f->type, f->hmc_index, f->session, f->len };

        hmc_link_trace_call(link, HMC_TRACE_HOST_FRAME, a, 4, f->payload,
                            f->len);
    }
    switch (f->type) {
    case HMC_CMD_MSG:
        cmd_msg(link, f);
        break;
    case HMC_CMD_RAW_CRQ:
        r = vmc_hv_inject_raw(link->hv, load_be64(f->payload),
                              load_be64(f->payload + 8));
        answer(link, f, r, 0, 0, "raw CRQ entry refused");
        break;
    case HMC_CMD_RESET:
        cmd_reset(link, f);
        break;
    case HMC_CMD_FAULT:
        cmd_fault(link, f);
        break;
    case HMC_CMD_FAULT_MSG:
        cmd_fault_msg(link, f);
        break;
    case HMC_CMD_KNOB:
        cmd_knob(link, f);
        break;
    case HMC_CMD_FAULT_RDMA:
        cmd_fault_rdma(link, f);
        break;
    case HMC_CMD_ADD_BUF:
    case HMC_CMD_REM_BUF:
        cmd_buffer(link, f);
        break;
    case HMC_CMD_STATUS:
        emit(link, HMC_EV_STATUS, f->hmc_index, f->session, status,
             (uint32_t)hmc_link_pack_status(link, status));
        break;
    case HMC_CMD_PING:
        emit(link, HMC_EV_PONG, f->hmc_index, f->session, f->payload, f->len);
        break;
    default:
        /* the parser delivers command types only; kept for safety */
        emit_error(link, f->type, f->hmc_index, f->session,
                   HMC_ERR_UNKNOWN_TYPE, f->type, "unknown command type");
        return;
    }
    if (link->ops->kick && (vmc_hv_outq_len(link->hv) ||
                            vmc_hv_next_deadline_us(link->hv) != UINT64_MAX)) {
        link->ops->kick(link->opaque);
    }
}

static void on_parse_error(void *opaque, const struct hmc_frame *f,
                           uint8_t code, uint32_t detail, const char *reason)
{
    struct hmc_link *link = opaque;

    emit_error(link, f ? f->type : 0, f ? f->hmc_index : 0, f ? f->session : 0,
               code, detail, reason);
}

static const struct hmc_frame_ops link_frame_ops = {
    .on_frame = on_frame,
    .on_error = on_parse_error,
};

void hmc_link_feed(struct hmc_link *link, const uint8_t *buf, size_t len)
{
    if (len) {
        hmc_frame_feed(&link->parser, buf, len, &link_frame_ops, link);
    }
}
