// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmc_hv.c - HV engine set-up, names, knobs and faults, introspection.
 *
 * The protocol itself lives in hv_sessions.c, the CRQ plumbing in
 * hv_transport.c and the hcall semantics in hv_rdma.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hv/hv_internal.h"

/* ---- helpers shared by the engine's files ---- */

void hv_log(struct vmc_hv *hv, int level, const char *fmt, ...)
{
    char line[192];
    va_list ap;

    if (!hv->ops || !hv->ops->log) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    hv->ops->log(hv->opaque, level, line);
}

void hv_violation(struct vmc_hv *hv, enum vmc_hv_violation v, const char *fmt,
                  ...)
{
    char line[160];
    va_list ap;

    if ((unsigned int)v >= VMC_HV_V_COUNT) {
        return;
    }
    hv->stats.violations[v]++;
    hv->stats.violations_total++;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    hv_log(hv, HV_LOG_WARN, "guest violation %s: %s", vmc_hv_violation_name(v),
           line);
    hv_event(hv, VMC_HV_EV_VIOLATION, 0, 0, HV_NO_BUFFER, (int)v, NULL, 0);
}

void hv_event(struct vmc_hv *hv, enum vmc_hv_event_kind kind,
              unsigned int index, unsigned int session, unsigned int buffer_id,
              int code, const uint8_t *data, uint32_t len)
{
    struct vmc_hv_event ev;

    if (!hv->ops->event) {
        return;
    }
    memset(&ev, 0, sizeof(ev));
    ev.kind = kind;
    ev.index = (uint8_t)index;
    ev.session = (uint8_t)session;
    ev.buffer_id = (uint16_t)buffer_id;
    ev.code = code;
    ev.data = data;
    ev.len = len;
    hv->ops->event(hv->opaque, &ev);
}

uint64_t hv_now(struct vmc_hv *hv)
{
    return hv->ops->now_us ? hv->ops->now_us(hv->opaque) : 0;
}

bool hv_knob_set(const struct vmc_hv *hv, enum vmc_hv_knob k)
{
    return hv->knob[k] != VMC_HV_KNOB_OFF;
}

/*
 * Buffer @id of @index lives at a fixed place of the remote window, so its
 * LIOBA never changes: stale MP mirrors of a re-seeded buffer stay harmless
 * (vmc-protocol.md §9.5). Callers have checked index < max_hmcs and
 * id < pool_size of the configuration.
 */
uint8_t *hv_slot(struct vmc_hv *hv, unsigned int index, unsigned int id)
{
    size_t slot = (size_t)index * hv->cfg.pool_size + id;

    return hv->mem + slot * hv->cfg.max_mtu;
}

/* Staging for host messages waiting for a buffer: after the window. */
uint8_t *hv_stage(struct vmc_hv *hv, unsigned int index, unsigned int slot)
{
    size_t n = (size_t)index * VMC_HV_PENDING_MAX + slot;

    return hv->mem + hv->remote_size + n * hv->cfg.max_mtu;
}

/* ---- set-up ---- */

void vmc_hv_config_default(struct vmc_hv_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->max_hmcs = 1;
    cfg->pool_size = 16;
    cfg->max_mtu = 4096;
    cfg->crq_entries = 256;
    cfg->version = VMC_PROTOCOL_VERSION;
    cfg->max_copy_len = VMC_HV_DEFAULT_MAX_COPY;
    cfg->session_mp_bufs = 4;
    cfg->session_hv_bufs = 4;
}

static bool config_valid(const struct vmc_hv_config *cfg)
{
    uint64_t window;

    if (cfg->max_hmcs < 1 || cfg->max_hmcs > VMC_HV_MAX_HMCS) {
        return false;
    }
    if (cfg->pool_size < 1 || cfg->pool_size > VMC_HV_MAX_POOL) {
        return false;
    }
    if (cfg->max_mtu < VMC_HV_MIN_MTU || cfg->max_mtu > VMC_HV_MAX_MTU) {
        return false;
    }
    if (cfg->crq_entries > 0xFFFF || cfg->version > 0xFFFF) {
        return false;
    }
    if (cfg->local_liobn == cfg->remote_liobn) {
        return false;
    }
    /* LIOBAs are 32 bits on the wire (ADD_BUF bytes 12-15). */
    window = (uint64_t)cfg->max_hmcs * cfg->pool_size * cfg->max_mtu;
    if ((uint64_t)cfg->remote_base + window > 0x100000000ULL) {
        return false;
    }
    return true;
}

size_t vmc_hv_backing_size(const struct vmc_hv_config *cfg)
{
    size_t window, staging;

    if (!cfg || !config_valid(cfg)) {
        return 0;
    }
    window = (size_t)cfg->max_hmcs * cfg->pool_size * cfg->max_mtu;
    staging = (size_t)cfg->max_hmcs * VMC_HV_PENDING_MAX * cfg->max_mtu;
    return window + staging;
}

int vmc_hv_init(struct vmc_hv *hv, const struct vmc_hv_config *cfg,
                const struct vmc_hv_ops *ops, void *opaque, void *mem,
                size_t mem_len)
{
    size_t need;
    int k;

    if (!hv || !cfg || !ops || !mem) {
        return VMC_HV_ERR_PARAM;
    }
    if (!ops->send_to_mp || !ops->mp_dma_read || !ops->mp_dma_write) {
        return VMC_HV_ERR_PARAM;
    }
    need = vmc_hv_backing_size(cfg);
    if (!need || mem_len < need) {
        return VMC_HV_ERR_PARAM;
    }

    memset(hv, 0, sizeof(*hv));
    hv->cfg = *cfg;
    if (hv->cfg.max_copy_len == 0) {
        hv->cfg.max_copy_len = VMC_HV_DEFAULT_MAX_COPY;
    }
    hv->ops = ops;
    hv->opaque = opaque;
    hv->mem = mem;
    hv->mem_len = mem_len;
    hv->remote_size =
        (uint32_t)((size_t)cfg->max_hmcs * cfg->pool_size * cfg->max_mtu);
    memset(hv->mem, 0, need);
    hv->phase = VMC_HV_PHASE_DOWN;
    hv->reinit_due_us = UINT64_MAX;
    for (k = 0; k < VMC_HV_KNOB_COUNT; k++) {
        hv->knob[k] = VMC_HV_KNOB_OFF;
    }
    return VMC_HV_OK;
}

uint32_t vmc_hv_remote_window_size(const struct vmc_hv *hv)
{
    return hv->remote_size;
}

/* ---- faults and knobs ---- */

int vmc_hv_fault_message(struct vmc_hv *hv, enum vmc_hv_dir dir,
                         enum vmc_hv_fault_action action, uint16_t match,
                         uint32_t nth, uint32_t count, uint64_t delay_us)
{
    struct vmc_hv_msg_fault *f;

    if ((unsigned int)dir > VMC_HV_DIR_TO_MP ||
        (unsigned int)action > VMC_HV_FAULT_DUP) {
        return VMC_HV_ERR_PARAM;
    }
    f = &hv->msg_fault[dir];
    memset(f, 0, sizeof(*f));
    if (action == VMC_HV_FAULT_NONE || count == 0) {
        return VMC_HV_OK;
    }
    f->action = (uint8_t)action;
    f->match = match;
    f->skip = nth ? nth - 1 : 0;
    f->count = count;
    f->delay_us = delay_us;
    return VMC_HV_OK;
}

int vmc_hv_fault_rdma(struct vmc_hv *hv, uint32_t nth, uint32_t count, long rc)
{
    hv->rdma_fault_skip = nth ? nth - 1 : 0;
    hv->rdma_fault_count = count;
    hv->rdma_fault_rc = rc;
    return VMC_HV_OK;
}

int vmc_hv_set_knob(struct vmc_hv *hv, int knob, int64_t value)
{
    if (knob < 0 || knob >= VMC_HV_KNOB_COUNT) {
        return VMC_HV_ERR_PARAM;
    }
    hv->knob[knob] = value;
    return VMC_HV_OK;
}

int64_t vmc_hv_get_knob(const struct vmc_hv *hv, int knob)
{
    if (knob < 0 || knob >= VMC_HV_KNOB_COUNT) {
        return VMC_HV_KNOB_OFF;
    }
    return hv->knob[knob];
}

void vmc_hv_faults_clear(struct vmc_hv *hv)
{
    int k;

    memset(hv->msg_fault, 0, sizeof(hv->msg_fault));
    hv->rdma_fault_skip = 0;
    hv->rdma_fault_count = 0;
    hv->rdma_fault_rc = 0;
    for (k = 0; k < VMC_HV_KNOB_COUNT; k++) {
        hv->knob[k] = VMC_HV_KNOB_OFF;
    }
}

/* ---- names ---- */

const char *vmc_hv_result_name(int result)
{
    switch (result) {
    case VMC_HV_OK:
        return "OK";
    case VMC_HV_ERR_PARAM:
        return "ERR_PARAM";
    case VMC_HV_ERR_STATE:
        return "ERR_STATE";
    case VMC_HV_ERR_FULL:
        return "ERR_FULL";
    case VMC_HV_ERR_NOBUF:
        return "ERR_NOBUF";
    }
    return "ERR_UNKNOWN";
}

const char *vmc_hv_knob_name(int knob)
{
    static const char *const names[VMC_HV_KNOB_COUNT] = {
        [VMC_HV_KNOB_CAP_STATUS] = "CAP_STATUS",
        [VMC_HV_KNOB_CAP_MAX_HMC] = "CAP_MAX_HMC",
        [VMC_HV_KNOB_CAP_POOL] = "CAP_POOL",
        [VMC_HV_KNOB_CAP_MTU] = "CAP_MTU",
        [VMC_HV_KNOB_CAP_CRQ_SIZE] = "CAP_CRQ_SIZE",
        [VMC_HV_KNOB_CAP_VERSION] = "CAP_VERSION",
        [VMC_HV_KNOB_OPEN_STATUS] = "OPEN_STATUS",
        [VMC_HV_KNOB_CLOSE_STATUS] = "CLOSE_STATUS",
        [VMC_HV_KNOB_ADD_BUF_OWNER] = "ADD_BUF_OWNER",
        [VMC_HV_KNOB_ADD_BUF_SESSION] = "ADD_BUF_SESSION",
        [VMC_HV_KNOB_REQUEST_VMC_RC] = "REQUEST_VMC_RC",
        [VMC_HV_KNOB_REQUEST_VMC_COUNT] = "REQUEST_VMC_COUNT",
        [VMC_HV_KNOB_NO_RESEED] = "NO_RESEED",
    };

    if (knob < 0 || knob >= VMC_HV_KNOB_COUNT || !names[knob]) {
        return "UNKNOWN";
    }
    return names[knob];
}

const char *vmc_hv_violation_name(int v)
{
    static const char *const names[VMC_HV_V_COUNT] = {
        [VMC_HV_V_BAD_HEADER] = "BAD_HEADER",
        [VMC_HV_V_RESERVED_HEADER] = "RESERVED_HEADER",
        [VMC_HV_V_BAD_INIT] = "BAD_INIT",
        [VMC_HV_V_UNEXPECTED_INIT_COMPLETE] = "UNEXPECTED_INIT_COMPLETE",
        [VMC_HV_V_UNKNOWN_TYPE] = "UNKNOWN_TYPE",
        [VMC_HV_V_WRONG_DIRECTION] = "WRONG_DIRECTION",
        [VMC_HV_V_BEFORE_CAP] = "BEFORE_CAP",
        [VMC_HV_V_BAD_VERSION] = "BAD_VERSION",
        [VMC_HV_V_BAD_CAP] = "BAD_CAP",
        [VMC_HV_V_BAD_INDEX] = "BAD_INDEX",
        [VMC_HV_V_BAD_SESSION] = "BAD_SESSION",
        [VMC_HV_V_BAD_BUFFER] = "BAD_BUFFER",
        [VMC_HV_V_NOT_OWNER] = "NOT_OWNER",
        [VMC_HV_V_BAD_LENGTH] = "BAD_LENGTH",
        [VMC_HV_V_ALREADY_OPEN] = "ALREADY_OPEN",
        [VMC_HV_V_NOT_OPEN] = "NOT_OPEN",
        [VMC_HV_V_UNSOLICITED_RESP] = "UNSOLICITED_RESP",
        [VMC_HV_V_RESP_FAILED] = "RESP_FAILED",
        [VMC_HV_V_RDMA_OWNER] = "RDMA_OWNER",
        [VMC_HV_V_RDMA_SAME_PANE] = "RDMA_SAME_PANE",
        [VMC_HV_V_INQ_OVERFLOW] = "INQ_OVERFLOW",
    };

    if (v < 0 || v >= VMC_HV_V_COUNT || !names[v]) {
        return "UNKNOWN";
    }
    return names[v];
}

const char *vmc_hv_phase_name(int phase)
{
    switch (phase) {
    case VMC_HV_PHASE_DOWN:
        return "DOWN";
    case VMC_HV_PHASE_WAIT_INIT:
        return "WAIT_INIT";
    case VMC_HV_PHASE_WAIT_CAP:
        return "WAIT_CAP";
    case VMC_HV_PHASE_READY:
        return "READY";
    }
    return "UNKNOWN";
}

/* ---- introspection ---- */

const struct vmc_hv_stats *vmc_hv_get_stats(const struct vmc_hv *hv)
{
    return &hv->stats;
}

int vmc_hv_phase(const struct vmc_hv *hv)
{
    return hv->phase;
}

void vmc_hv_negotiated(const struct vmc_hv *hv, uint32_t *mtu, uint32_t *pool,
                       uint32_t *nhmc)
{
    if (mtu) {
        *mtu = hv->mtu;
    }
    if (pool) {
        *pool = hv->pool;
    }
    if (nhmc) {
        *nhmc = hv->nhmc;
    }
}

uint8_t vmc_hv_session(const struct vmc_hv *hv, unsigned int index)
{
    if (index >= VMC_HV_MAX_HMCS || hv->hmc[index].state != VMC_HV_HMC_OPEN) {
        return 0;
    }
    return hv->hmc[index].session;
}

const uint8_t *vmc_hv_session_hmc_id(const struct vmc_hv *hv,
                                     unsigned int index)
{
    if (!vmc_hv_session(hv, index)) {
        return NULL;
    }
    return hv->hmc[index].hmc_id;
}

int vmc_hv_buffer_info(const struct vmc_hv *hv, unsigned int index,
                       unsigned int id, int *owner)
{
    const struct vmc_hv_buf *b;

    if (index >= hv->cfg.max_hmcs || id >= hv->cfg.pool_size) {
        return -1;
    }
    b = &hv->hmc[index].bufs[id];
    if (owner) {
        *owner = b->owner;
    }
    return b->state;
}

uint32_t vmc_hv_lioba(const struct vmc_hv *hv, unsigned int index,
                      unsigned int id)
{
    uint64_t slot = (uint64_t)index * hv->cfg.pool_size + id;

    return (uint32_t)(hv->cfg.remote_base + slot * hv->cfg.max_mtu);
}

uint32_t vmc_hv_outq_len(const struct vmc_hv *hv)
{
    return hv->outq_count;
}

bool vmc_hv_mp_is_registered(const struct vmc_hv *hv)
{
    return hv->phase != VMC_HV_PHASE_DOWN;
}

/*
 * Rules numbered so a failing fuzzer input names the broken one. Every
 * rule is something the code maintains by construction; a violation is an
 * engine bug, never a guest error.
 */
int vmc_hv_check_invariants(const struct vmc_hv *hv)
{
    uint64_t pending_total = 0;
    unsigned int i, id;

    if (hv->outq_count > VMC_HV_OUTQ_MAX || hv->outq_head >= VMC_HV_OUTQ_MAX) {
        return 1;
    }
    if (hv->inq_count > VMC_HV_INQ_MAX || hv->inq_head >= VMC_HV_INQ_MAX) {
        return 2;
    }
    if (hv->phase > VMC_HV_PHASE_READY) {
        return 3;
    }
    if (hv->nhmc > hv->cfg.max_hmcs || hv->pool > hv->cfg.pool_size ||
        hv->mtu > hv->cfg.max_mtu) {
        return 4;
    }
    if (hv->phase == VMC_HV_PHASE_DOWN && (hv->outq_count || hv->inq_count)) {
        return 5;
    }
    if (hv->link_up_reported && hv->phase != VMC_HV_PHASE_READY) {
        return 6;
    }
    if (hv->suspended && hv->phase == VMC_HV_PHASE_DOWN) {
        return 7;
    }
    for (i = 0; i < VMC_HV_MAX_HMCS; i++) {
        const struct vmc_hv_hmc *h = &hv->hmc[i];
        bool live = hv->phase == VMC_HV_PHASE_READY && i < hv->nhmc;

        if (h->state > VMC_HV_HMC_OPEN) {
            return 10;
        }
        if (h->state == VMC_HV_HMC_OPEN &&
            (!live || h->session == 0 || h->session == 0xFF)) {
            return 11;
        }
        if (h->pend_count > VMC_HV_PENDING_MAX ||
            h->pend_head >= VMC_HV_PENDING_MAX) {
            return 12;
        }
        if (h->pend_count && h->state != VMC_HV_HMC_OPEN) {
            return 13;
        }
        if (h->rem_outstanding > VMC_HV_MAX_POOL ||
            h->late_rem > VMC_HV_MAX_POOL) {
            return 14;
        }
        for (id = 0; id < h->pend_count; id++) {
            uint32_t len =
                h->pending[(h->pend_head + id) % VMC_HV_PENDING_MAX].len;

            if (len == 0 || len > hv->mtu) {
                return 15;
            }
        }
        pending_total += h->pend_count;
        for (id = 0; id < VMC_HV_MAX_POOL; id++) {
            const struct vmc_hv_buf *b = &h->bufs[id];

            if (b->state > VMC_HV_BUF_PRESENT || b->owner > VMC_HV_OWNER_HV) {
                return 20;
            }
            if (b->state != VMC_HV_BUF_ABSENT && (!live || id >= hv->pool)) {
                return 21;
            }
            if (b->retired &&
                (b->state != VMC_HV_BUF_ABSENT || !live || id >= hv->pool)) {
                return 22;
            }
        }
    }
    if (hv->stats.host_msgs_accepted !=
        hv->stats.msgs_to_mp + hv->stats.host_msgs_dropped + pending_total) {
        return 30;
    }
    return 0;
}

void vmc_hv_dump(const struct vmc_hv *hv,
                 void (*print)(void *arg, const char *fmt, ...), void *arg)
{
    const struct vmc_hv_stats *s = &hv->stats;
    unsigned int i, id, v;

    print(arg, "vmc-hv: phase %s, init_sent %d, mp crq %u entries (cap %u)\n",
          vmc_hv_phase_name(hv->phase), hv->init_sent, hv->mp_crq_entries,
          hv->mp_crq_size_cap);
    print(arg,
          "  offered: hmcs %u pool %u mtu %u; negotiated: hmcs %u pool %u mtu "
          "%u\n",
          hv->cfg.max_hmcs, hv->cfg.pool_size, hv->cfg.max_mtu, hv->nhmc,
          hv->pool, hv->mtu);
    print(
        arg,
        "  liobn local 0x%llx remote 0x%llx (base 0x%x, %u bytes), strict %d\n",
        (unsigned long long)hv->cfg.local_liobn,
        (unsigned long long)hv->cfg.remote_liobn, hv->cfg.remote_base,
        hv->remote_size, hv->cfg.strict);
    print(arg, "  outq %u (high %u, overflow %llu), inq %u\n", hv->outq_count,
          s->outq_high_water, (unsigned long long)s->outq_overflow,
          hv->inq_count);
    for (i = 0; i < hv->cfg.max_hmcs; i++) {
        const struct vmc_hv_hmc *h = &hv->hmc[i];
        char map[VMC_HV_MAX_POOL + 1];

        for (id = 0; id < hv->cfg.pool_size; id++) {
            const struct vmc_hv_buf *b = &h->bufs[id];

            if (b->state == VMC_HV_BUF_ABSENT) {
                map[id] = b->retired ? 'r' : '.';
            } else if (b->state == VMC_HV_BUF_ADD_PENDING) {
                map[id] = b->owner == VMC_HV_OWNER_HV ? 'h' : 'm';
            } else {
                map[id] = b->owner == VMC_HV_OWNER_HV ? 'H' : 'M';
            }
        }
        map[id] = '\0';
        print(arg, "  hmc %u: %s session %u pending %u rem_out %u bufs [%s]\n",
              i, h->state == VMC_HV_HMC_OPEN ? "OPEN" : "IDLE", h->session,
              h->pend_count, h->rem_outstanding, map);
    }
    print(arg,
          "  rx %llu (init %llu, complete %llu) tx %llu (full %llu, throttled "
          "%llu)\n",
          (unsigned long long)s->rx_entries, (unsigned long long)s->rx_inits,
          (unsigned long long)s->rx_init_completes,
          (unsigned long long)s->tx_entries, (unsigned long long)s->tx_full,
          (unsigned long long)s->tx_throttled);
    print(arg, "  rdma %llu ok %llu err %llu bytes %llu; request_vmc %llu\n",
          (unsigned long long)s->rdma_calls, (unsigned long long)s->rdma_ok,
          (unsigned long long)s->rdma_errors, (unsigned long long)s->rdma_bytes,
          (unsigned long long)s->request_vmc_calls);
    print(arg,
          "  sessions opened %llu closed %llu failed %llu; msgs to hmc %llu to "
          "mp %llu "
          "(dropped %llu)\n",
          (unsigned long long)s->sessions_opened,
          (unsigned long long)s->sessions_closed,
          (unsigned long long)s->opens_failed,
          (unsigned long long)s->msgs_to_hmc, (unsigned long long)s->msgs_to_mp,
          (unsigned long long)s->host_msgs_dropped);
    print(arg,
          "  resets %llu, registers %llu, frees %llu, faults fired %llu, "
          "violations %llu\n",
          (unsigned long long)s->resets, (unsigned long long)s->mp_registers,
          (unsigned long long)s->mp_frees, (unsigned long long)s->faults_fired,
          (unsigned long long)s->violations_total);
    for (v = 0; v < VMC_HV_V_COUNT; v++) {
        if (s->violations[v]) {
            print(arg, "    %s: %llu\n", vmc_hv_violation_name((int)v),
                  (unsigned long long)s->violations[v]);
        }
    }
}
