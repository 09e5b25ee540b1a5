// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv_transport.c - the CRQ side of the HV engine: inbound checks, the
 * bounded outbound FIFO towards the MP's queue, the init handshake,
 * registration, resets, message faults and time.
 *
 * Why a FIFO of our own: the MP's ring may be full (it consumes at its own
 * pace), PAPR asks us to keep at most crq_size/2 entries outstanding, and
 * the QEMU device must not write into guest memory from inside the
 * guest's hcall. So every HV->MP entry is queued here and pumped out when
 * allowed; order is always kept.
 *
 * Section numbers (§) are those of docs/vmc-protocol.md.
 */
#include <string.h>

#include "hv/hv_internal.h"

/* ---- message faults ---- */

static uint8_t fault_check(struct vmc_hv *hv, enum vmc_hv_dir dir, uint64_t hi,
                           uint64_t *delay_us)
{
    struct vmc_hv_msg_fault *f = &hv->msg_fault[dir];
    uint16_t key = (uint16_t)(hi >> 48);

    if (f->action == VMC_HV_FAULT_NONE || f->count == 0) {
        return VMC_HV_FAULT_NONE;
    }
    if (f->match && f->match != key) {
        return VMC_HV_FAULT_NONE;
    }
    if (f->skip) {
        f->skip--;
        return VMC_HV_FAULT_NONE;
    }
    f->count--;
    hv->stats.faults_fired++;
    *delay_us = f->delay_us;
    hv_log(hv, HV_LOG_INFO, "fault: %s %s entry 0x%016llx",
           f->action == VMC_HV_FAULT_DROP    ? "drop"
           : f->action == VMC_HV_FAULT_DELAY ? "delay"
                                             : "duplicate",
           dir == VMC_HV_DIR_TO_MP ? "HV->MP" : "MP->HV",
           (unsigned long long)hi);
    return f->action;
}

/* ---- outbound FIFO ---- */

uint32_t hv_outq_free(const struct vmc_hv *hv)
{
    return VMC_HV_OUTQ_MAX - hv->outq_count;
}

void hv_outq_clear(struct vmc_hv *hv)
{
    struct {
        uint8_t index, session;
        uint32_t len;
    } lost[VMC_HV_OUTQ_MAX];
    uint32_t n = 0, k;

    /*
     * A host message whose SIGNAL never reached the MP's ring is lost:
     * move it from "sent" to "dropped" and say so, once.
     */
    for (k = 0; k < hv->outq_count; k++) {
        const struct vmc_hv_qentry *e =
            &hv->outq[(hv->outq_head + k) % VMC_HV_OUTQ_MAX];

        if (!e->host_msg) {
            continue;
        }
        lost[n].session = (uint8_t)(e->hi >> 24);
        lost[n].index = (uint8_t)(e->hi >> 16);
        lost[n].len = (uint32_t)e->lo;
        n++;
    }
    hv->outq_head = 0;
    hv->outq_count = 0;
    if (n > hv->stats.msgs_to_mp) {
        n = (uint32_t)hv->stats.msgs_to_mp;
    }
    hv->stats.msgs_to_mp -= n;
    hv->stats.host_msgs_dropped += n;
    for (k = 0; k < n; k++) {
        hv_event(hv, VMC_HV_EV_DROPPED, lost[k].index, lost[k].session,
                 HV_NO_BUFFER, (int)VMC_HV_CLOSE_RESET, NULL, lost[k].len);
    }
}

static int outq_push(struct vmc_hv *hv, uint64_t hi, uint64_t lo, uint64_t due)
{
    struct vmc_hv_qentry *e;

    if (hv->outq_count >= VMC_HV_OUTQ_MAX) {
        /*
         * Only an MP that stops consuming while provoking replies gets
         * here; losing its replies is the bounded answer.
         */
        hv->stats.outq_overflow++;
        hv_log(hv, HV_LOG_WARN, "outbound queue full: entry 0x%016llx lost",
               (unsigned long long)hi);
        return VMC_HV_ERR_FULL;
    }
    e = &hv->outq[(hv->outq_head + hv->outq_count) % VMC_HV_OUTQ_MAX];
    e->hi = hi;
    e->lo = lo;
    e->due_us = due;
    e->host_msg = false;
    hv->outq_count++;
    if (hv->outq_count > hv->stats.outq_high_water) {
        hv->stats.outq_high_water = hv->outq_count;
    }
    return VMC_HV_OK;
}

/* Put an entry at the head (transport events jump the queue, §3.4). */
static int outq_push_front(struct vmc_hv *hv, uint64_t hi, uint64_t lo)
{
    struct vmc_hv_qentry *e;

    if (hv->outq_count >= VMC_HV_OUTQ_MAX) {
        return VMC_HV_ERR_FULL;
    }
    hv->outq_head = (hv->outq_head + VMC_HV_OUTQ_MAX - 1) % VMC_HV_OUTQ_MAX;
    e = &hv->outq[hv->outq_head];
    e->hi = hi;
    e->lo = lo;
    e->due_us = 0;
    e->host_msg = false;
    hv->outq_count++;
    if (hv->outq_count > hv->stats.outq_high_water) {
        hv->stats.outq_high_water = hv->outq_count;
    }
    return VMC_HV_OK;
}

int hv_queue_entry(struct vmc_hv *hv, uint64_t hi, uint64_t lo,
                   bool with_faults)
{
    uint64_t delay = 0, due = 0;
    uint8_t action = VMC_HV_FAULT_NONE;
    int rc;

    if (hv->phase == VMC_HV_PHASE_DOWN) {
        return VMC_HV_ERR_STATE;
    }
    if (with_faults) {
        action = fault_check(hv, VMC_HV_DIR_TO_MP, hi, &delay);
    }
    if (action == VMC_HV_FAULT_DROP) {
        return VMC_HV_OK;
    }
    if (action == VMC_HV_FAULT_DELAY) {
        due = hv_now(hv) + delay;
    }
    rc = outq_push(hv, hi, lo, due);
    if (rc == VMC_HV_OK && action == VMC_HV_FAULT_DUP) {
        outq_push(hv, hi, lo, due);
    }
    return rc;
}

int hv_queue_msg(struct vmc_hv *hv, const struct vmc_msg *m)
{
    uint64_t hi, lo;

    vmc_msg_encode(m, &hi, &lo);
    return hv_queue_entry(hv, hi, lo, true);
}

static void mp_gone(struct vmc_hv *hv);

/*
 * Send what may be sent now: in order, stopping at the first entry that
 * is delayed, throttled by the crq_size/2 rule, or refused by a full ring.
 */
static void pump(struct vmc_hv *hv)
{
    uint64_t now = hv_now(hv);

    if (hv->in_dispatch) {
        return; /* an op re-entered us; the outer pump goes on */
    }
    hv->in_dispatch = true;
    while (hv->outq_count && hv->phase != VMC_HV_PHASE_DOWN) {
        struct vmc_hv_qentry *e = &hv->outq[hv->outq_head];
        uint32_t limit = 0;
        int tx;

        if (e->due_us > now) {
            break;
        }
        if (hv->ops->mp_outstanding) {
            uint32_t size = hv->mp_crq_entries;

            if (hv->mp_crq_size_cap && hv->mp_crq_size_cap < size) {
                size = hv->mp_crq_size_cap;
            }
            limit = size / 2 ? size / 2 : 1;
            if (size && hv->ops->mp_outstanding(hv->opaque) >= (long)limit) {
                hv->stats.tx_throttled++;
                break;
            }
        }
        tx = hv->ops->send_to_mp(hv->opaque, e->hi, e->lo);
        if (tx == VMC_HV_TX_FULL) {
            hv->stats.tx_full++;
            break;
        }
        if (tx != VMC_HV_TX_OK) {
            hv_log(hv, HV_LOG_INFO, "MP queue gone while sending");
            hv->in_dispatch = false;
            mp_gone(hv);
            return;
        }
        hv->stats.tx_entries++;
        if (e->hi == CRQ_INIT_HI && hv->inits_out < VMC_HV_OUTQ_MAX) {
            hv->inits_out++;
        }
        if (CRQ_WORD0_HDR(e->hi) == CRQ_HDR_CMD) {
            hv->stats.tx_type[CRQ_WORD0_FMT(e->hi)]++;
        }
        hv->outq_head = (hv->outq_head + 1) % VMC_HV_OUTQ_MAX;
        hv->outq_count--;
    }
    hv->in_dispatch = false;
}

void hv_output_ready(struct vmc_hv *hv)
{
    if (!hv->outq_count) {
        return;
    }
    if (hv->cfg.deferred_send) {
        if (hv->ops->wake) {
            hv->ops->wake(hv->opaque);
        }
        return;
    }
    pump(hv);
}

/* ---- state teardown ---- */

/*
 * Forget every session and buffer: both sides start again from the
 * handshake. Host messages still staged are reported as dropped.
 */
void hv_teardown(struct vmc_hv *hv, enum vmc_hv_close_reason why)
{
    unsigned int i;

    /*
     * Make the channel look dead before any callback runs: an HMC handler
     * reacting to a CLOSE event must not add state we are tearing down.
     * Callers set the final phase afterwards.
     */
    if (hv->phase == VMC_HV_PHASE_READY) {
        hv->phase = VMC_HV_PHASE_WAIT_INIT;
    }
    hv->mtu = hv->pool = hv->nhmc = 0;
    hv->mp_crq_size_cap = 0;
    for (i = 0; i < VMC_HV_MAX_HMCS; i++) {
        hv_hmc_clear(hv, i, why);
    }
    hv->stats.resets++;
    if (hv->link_up_reported) {
        hv->link_up_reported = false;
        hv_event(hv, VMC_HV_EV_LINK_DOWN, 0, 0, HV_NO_BUFFER, (int)why, NULL,
                 0);
    }
}

static void inq_clear(struct vmc_hv *hv)
{
    hv->inq_head = 0;
    hv->inq_count = 0;
}

static void mp_gone(struct vmc_hv *hv)
{
    hv_teardown(hv, VMC_HV_CLOSE_RESET);
    hv_outq_clear(hv);
    inq_clear(hv);
    hv->phase = VMC_HV_PHASE_DOWN;
    hv->init_sent = false;
    hv->init_after_reset = false;
    hv->inits_out = 0;
    hv->reinit_due_us = UINT64_MAX;
    hv->suspended = false;
    hv->stats.mp_frees++;
}

void vmc_hv_mp_registered(struct vmc_hv *hv, uint32_t crq_entries)
{
    if (hv->phase != VMC_HV_PHASE_DOWN) {
        /* A second registration without a free: a fresh start anyway. */
        hv_teardown(hv, VMC_HV_CLOSE_RESET);
        hv_outq_clear(hv);
        inq_clear(hv);
    }
    hv->stats.mp_registers++;
    hv->phase = VMC_HV_PHASE_WAIT_INIT;
    hv->mp_crq_entries = crq_entries;
    hv->mp_crq_size_cap = 0;
    hv->init_sent = false;
    hv->init_after_reset = false;
    hv->inits_out = 0;
    hv->reinit_due_us = UINT64_MAX;
    hv->suspended = false; /* a fresh registration needs no H_ENABLE_CRQ */
    hv_log(hv, HV_LOG_INFO, "MP registered its CRQ (%u entries)", crq_entries);
    if (hv->cfg.init_on_register) {
        vmc_hv_send_init(hv);
    }
}

void vmc_hv_mp_freed(struct vmc_hv *hv)
{
    if (hv->phase == VMC_HV_PHASE_DOWN) {
        return;
    }
    hv_log(hv, HV_LOG_INFO, "MP freed its CRQ");
    mp_gone(hv);
}

/* ---- inbound ---- */

static bool outq_has_init(const struct vmc_hv *hv)
{
    uint32_t k;

    for (k = 0; k < hv->outq_count; k++) {
        if (hv->outq[(hv->outq_head + k) % VMC_HV_OUTQ_MAX].hi == CRQ_INIT_HI) {
            return true;
        }
    }
    return false;
}

static void handle_init(struct vmc_hv *hv, uint8_t format)
{
    if (format == CRQ_INIT_REQUEST) {
        hv->stats.rx_inits++;
        /*
         * The MP (re)started: whatever we had is stale, including any
         * replies still queued for its previous incarnation. Always
         * answer with Init Complete (§9.3 rule 2).
         */
        if (hv->phase == VMC_HV_PHASE_READY || hv->link_up_reported) {
            hv_teardown(hv, VMC_HV_CLOSE_RESET);
        }
        hv_outq_clear(hv);
        hv->init_sent = false;
        hv->reinit_due_us = UINT64_MAX;
        hv->phase = VMC_HV_PHASE_WAIT_CAP;
        hv_queue_entry(hv, CRQ_INIT_COMPLETE_HI, 0, true);
        return;
    }
    if (format == CRQ_INIT_COMPLETE) {
        bool answered = hv->inits_out > 0;

        hv->stats.rx_init_completes++;
        if (answered) {
            hv->inits_out--;
        }
        if (hv->init_sent) {
            /*
             * Init carries no sequence number: only the answer to the
             * last Init we sent after our last reset completes the
             * handshake. Answers to older ones (or while a newer Init is
             * still queued) leave us waiting.
             */
            if (hv->init_after_reset && hv->inits_out == 0 &&
                !outq_has_init(hv)) {
                hv->init_sent = false;
                if (hv->phase == VMC_HV_PHASE_WAIT_INIT) {
                    hv->phase = VMC_HV_PHASE_WAIT_CAP;
                }
            }
            return;
        }
        if (answered) {
            return; /* crossing Inits: the MP answered one we sent */
        }
        if (hv->phase == VMC_HV_PHASE_WAIT_INIT) {
            hv_violation(hv, VMC_HV_V_UNEXPECTED_INIT_COMPLETE,
                         "Init Complete without our Init (accepted)");
            hv->phase = VMC_HV_PHASE_WAIT_CAP;
            return;
        }
        hv_violation(hv, VMC_HV_V_UNEXPECTED_INIT_COMPLETE, "in phase %s",
                     vmc_hv_phase_name(hv->phase));
        return;
    }
    hv_violation(hv, VMC_HV_V_BAD_INIT, "init format 0x%02x", format);
}

static void process_entry(struct vmc_hv *hv, uint64_t hi, uint64_t lo)
{
    uint8_t header = CRQ_WORD0_HDR(hi);

    if (hv->phase == VMC_HV_PHASE_DOWN) {
        return; /* held entry outlived the registration */
    }
    if (header == CRQ_HDR_CMD) {
        /*
         * After we (re)started with an Init, anything the MP says before
         * it answers (0xC002, or an Init of its own) was sent before it
         * saw our transport event: a stale CAP or OPEN would rebuild
         * state the MP is about to throw away. An MP always sends
         * Init Complete before its CAP, so nothing fresh is lost.
         */
        if (hv->init_sent) {
            hv->stats.stale_dropped++;
            hv_log(hv, HV_LOG_DEBUG,
                   "stale entry 0x%016llx ignored (Init unanswered)",
                   (unsigned long long)hi);
            return;
        }
        hv_dispatch_vmc(hv, hi, lo);
    } else if (header == CRQ_HDR_INIT) {
        handle_init(hv, CRQ_WORD0_FMT(hi));
    } else {
        hv_violation(hv, VMC_HV_V_RESERVED_HEADER, "header 0x%02x", header);
    }
}

static int inq_push(struct vmc_hv *hv, uint64_t hi, uint64_t lo, uint64_t due)
{
    struct vmc_hv_qentry *e;

    if (hv->inq_count >= VMC_HV_INQ_MAX) {
        return VMC_HV_ERR_FULL;
    }
    e = &hv->inq[(hv->inq_head + hv->inq_count) % VMC_HV_INQ_MAX];
    e->hi = hi;
    e->lo = lo;
    e->due_us = due;
    hv->inq_count++;
    return VMC_HV_OK;
}

long vmc_hv_receive(struct vmc_hv *hv, uint64_t hi, uint64_t lo)
{
    uint8_t header = CRQ_WORD0_HDR(hi);
    uint64_t delay = 0;
    uint8_t action;

    if (!(header & CRQ_HDR_VALID_BIT) || header == CRQ_HDR_XPORT) {
        hv_violation(hv, VMC_HV_V_BAD_HEADER, "H_SEND_CRQ header 0x%02x",
                     header);
        return HV_H_PARAMETER;
    }
    if (hv->phase == VMC_HV_PHASE_DOWN) {
        return HV_H_CLOSED;
    }
    if (hv->suspended) {
        /* PAPR: after a suspension the queue is closed until H_ENABLE_CRQ. */
        hv->stats.suspend_refused++;
        return HV_H_CLOSED;
    }

    action = fault_check(hv, VMC_HV_DIR_TO_HV, hi, &delay);
    if (action == VMC_HV_FAULT_DROP) {
        hv->stats.rx_entries++;
        return HV_H_SUCCESS;
    }
    /*
     * Entries held by a delay fault keep later ones behind them, so the
     * MP's order survives. When the hold queue is full, the honest
     * answer is the one a full partner queue gives.
     */
    if (action == VMC_HV_FAULT_DELAY || hv->inq_count) {
        uint64_t due = action == VMC_HV_FAULT_DELAY ? hv_now(hv) + delay : 0;

        if (inq_push(hv, hi, lo, due) != VMC_HV_OK) {
            hv_violation(hv, VMC_HV_V_INQ_OVERFLOW, "entry 0x%016llx refused",
                         (unsigned long long)hi);
            return HV_H_DROPPED;
        }
        hv->stats.rx_entries++;
        if (hv->ops->wake) {
            hv->ops->wake(hv->opaque);
        }
        return HV_H_SUCCESS;
    }
    hv->stats.rx_entries++;
    process_entry(hv, hi, lo);
    if (action == VMC_HV_FAULT_DUP) {
        process_entry(hv, hi, lo);
    }
    hv_output_ready(hv);
    return HV_H_SUCCESS;
}

/* ---- time ---- */

void vmc_hv_kick(struct vmc_hv *hv)
{
    uint64_t now = hv_now(hv);

    while (hv->inq_count) {
        struct vmc_hv_qentry e = hv->inq[hv->inq_head];

        if (e.due_us > now) {
            break;
        }
        hv->inq_head = (hv->inq_head + 1) % VMC_HV_INQ_MAX;
        hv->inq_count--;
        process_entry(hv, e.hi, e.lo);
    }
    if (hv->phase != VMC_HV_PHASE_DOWN && hv->reinit_due_us <= now) {
        hv->reinit_due_us = UINT64_MAX;
        vmc_hv_send_init(hv);
    }
    pump(hv);
}

uint64_t vmc_hv_next_deadline_us(const struct vmc_hv *hv)
{
    uint64_t t = UINT64_MAX;

    if (hv->inq_count && hv->inq[hv->inq_head].due_us < t) {
        t = hv->inq[hv->inq_head].due_us;
    }
    if (hv->phase != VMC_HV_PHASE_DOWN && hv->reinit_due_us < t) {
        t = hv->reinit_due_us;
    }
    if (hv->outq_count && hv->outq[hv->outq_head].due_us < t) {
        t = hv->outq[hv->outq_head].due_us;
    }
    return t;
}

/* ---- HV-initiated transport actions ---- */

int vmc_hv_send_init(struct vmc_hv *hv)
{
    int rc;

    if (hv->phase == VMC_HV_PHASE_DOWN) {
        return VMC_HV_ERR_STATE;
    }
    if (hv->phase == VMC_HV_PHASE_READY || hv->link_up_reported) {
        /* We restart: the MP will renegotiate after our Init. */
        hv_teardown(hv, VMC_HV_CLOSE_RESET);
    }
    hv->phase = VMC_HV_PHASE_WAIT_INIT;
    rc = hv_queue_entry(hv, CRQ_INIT_HI, 0, true);
    /*
     * Even if the Init is lost (fault, full queue), we restarted: wait for
     * the MP.
     */
    hv->init_sent = true;
    hv->init_after_reset = true;
    hv_output_ready(hv);
    return rc;
}

int vmc_hv_reset(struct vmc_hv *hv, uint8_t code, uint64_t reinit_delay_us)
{
    uint64_t hi = CRQ_WORD0(CRQ_HDR_XPORT, code);

    if (hv->phase == VMC_HV_PHASE_DOWN) {
        return VMC_HV_ERR_STATE;
    }
    hv_log(hv, HV_LOG_INFO,
           "HV reset: transport event 0xFF%02x, re-init in %llu us", code,
           (unsigned long long)reinit_delay_us);
    hv_teardown(hv, VMC_HV_CLOSE_RESET);
    /* Nothing queued for the old state may follow the event. */
    hv_outq_clear(hv);
    inq_clear(hv);
    outq_push_front(hv, hi, 0);
    hv->phase = VMC_HV_PHASE_WAIT_INIT;
    /* Until the MP answers our restart, what it sends predates the event. */
    hv->init_sent = true;
    hv->init_after_reset = false;
    hv->reinit_due_us = UINT64_MAX;
    if (reinit_delay_us == 0) {
        vmc_hv_send_init(hv);
        return VMC_HV_OK;
    }
    if (reinit_delay_us != UINT64_MAX) {
        uint64_t now = hv_now(hv);

        hv->reinit_due_us = reinit_delay_us > UINT64_MAX - 1 - now
                                ? UINT64_MAX - 1
                                : now + reinit_delay_us;
        if (hv->ops->wake) {
            hv->ops->wake(hv->opaque);
        }
    }
    hv_output_ready(hv);
    return VMC_HV_OK;
}

int vmc_hv_suspend(struct vmc_hv *hv)
{
    int rc;

    if (hv->phase == VMC_HV_PHASE_DOWN) {
        return VMC_HV_ERR_STATE;
    }
    if (hv->suspended) {
        return VMC_HV_OK; /* the MP has not re-enabled since the last event */
    }
    rc = vmc_hv_reset(hv, CRQ_XPORT_PARTNER_SUSPENDED, UINT64_MAX);
    if (rc == VMC_HV_OK && hv->phase == VMC_HV_PHASE_DOWN) {
        /*
         * Posting the event found the MP's queue gone: the engine is down
         * as after H_FREE_CRQ, and the MP's next registration starts anew.
         * There is no suspension left to end with H_ENABLE_CRQ.
         */
        return VMC_HV_ERR_STATE;
    }
    if (rc == VMC_HV_OK) {
        hv->suspended = true;
        hv->stats.suspend_events++;
        hv_log(hv, HV_LOG_INFO,
               "partner suspended: H_SEND_CRQ refused until H_ENABLE_CRQ");
    }
    return rc;
}

void vmc_hv_mp_enabled(struct vmc_hv *hv)
{
    if (!hv->suspended) {
        return;
    }
    hv->suspended = false;
    hv->stats.mp_enables++;
    hv_log(hv, HV_LOG_INFO,
           "MP re-enabled its CRQ after the suspension (%llu sends refused)",
           (unsigned long long)hv->stats.suspend_refused);
}

bool vmc_hv_is_suspended(const struct vmc_hv *hv)
{
    return hv->suspended;
}

int vmc_hv_inject_raw(struct vmc_hv *hv, uint64_t hi, uint64_t lo)
{
    int rc;

    if (hv->phase == VMC_HV_PHASE_DOWN) {
        return VMC_HV_ERR_STATE;
    }
    rc = hv_queue_entry(hv, hi, lo, false);
    hv_output_ready(hv);
    return rc;
}
