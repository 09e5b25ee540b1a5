// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv_sessions.c - the VMC protocol on the HV side (vmc-protocol.md §9):
 * capabilities, seed buffers, open/close, buffer ownership and signals,
 * and the commands of the HMC side.
 *
 * Every MP message is checked field by field before it touches state;
 * anything wrong is counted as a violation. Where the MP must still get an
 * answer to make progress (OPEN, CLOSE) it gets a failure status; where an
 * answer would only confuse it (a bad SIGNAL) it gets nothing.
 */
#include <string.h>

#include "hv/hv_internal.h"

static struct vmc_msg hmc_msg(uint8_t type, uint8_t status, uint8_t session,
                              uint8_t index, uint16_t buffer_id)
{
    struct vmc_msg m = vmc_msg_hmc(type, session, index, buffer_id);

    m.status = status;
    return m;
}

/*
 * A free ID, preferring ones the MP cannot still be copying from (retired
 * ones are reused only when nothing else is left).
 */
static int find_free_id(const struct vmc_hv *hv, const struct vmc_hv_hmc *h)
{
    unsigned int id;

    for (id = 0; id < hv->pool; id++) {
        if (h->bufs[id].state == VMC_HV_BUF_ABSENT && !h->bufs[id].retired) {
            return (int)id;
        }
    }
    for (id = 0; id < hv->pool; id++) {
        if (h->bufs[id].state == VMC_HV_BUF_ABSENT) {
            return (int)id;
        }
    }
    return -1;
}

/*
 * The MP answered something we queued after the close: it has processed
 * the CLOSE_RESP, so nothing of the old session is in flight any more.
 */
static void unretire(struct vmc_hv_hmc *h)
{
    unsigned int id;

    for (id = 0; id < VMC_HV_MAX_POOL; id++) {
        h->bufs[id].retired = false;
        h->bufs[id].late_resp = false; /* CRQ order: they all came before */
    }
}

static int find_hv_owned(const struct vmc_hv *hv, const struct vmc_hv_hmc *h)
{
    unsigned int id;

    for (id = 0; id < hv->pool; id++) {
        if (h->bufs[id].state == VMC_HV_BUF_PRESENT &&
            h->bufs[id].owner == VMC_HV_OWNER_HV) {
            return (int)id;
        }
    }
    return -1;
}

/*
 * Announce buffer @id of @index to the MP. The session and owner bytes on
 * the wire may be forced by knobs (for MP robustness tests); the recorded
 * owner follows the byte actually sent, the way Linux reads it (any
 * non-zero value means HV-owned).
 */
static int add_buf(struct vmc_hv *hv, unsigned int index, unsigned int id,
                   uint8_t owner, uint8_t session, bool seed)
{
    struct vmc_hv_buf *b = &hv->hmc[index].bufs[id];
    struct vmc_msg m;
    uint8_t owner_byte = owner, session_byte = session;

    if (hv_knob_set(hv, VMC_HV_KNOB_ADD_BUF_OWNER)) {
        owner_byte = (uint8_t)hv->knob[VMC_HV_KNOB_ADD_BUF_OWNER];
    }
    if (hv_knob_set(hv, VMC_HV_KNOB_ADD_BUF_SESSION)) {
        session_byte = (uint8_t)hv->knob[VMC_HV_KNOB_ADD_BUF_SESSION];
    }
    if (hv_outq_free(hv) == 0) {
        return VMC_HV_ERR_FULL;
    }
    m = hmc_msg(VMC_MSG_ADD_BUF, 0, session_byte, (uint8_t)index, (uint16_t)id);
    m.owner = owner_byte;
    m.lioba = vmc_hv_lioba(hv, index, id);
    b->state = VMC_HV_BUF_ADD_PENDING;
    b->retired = false;
    b->owner = owner_byte ? VMC_HV_OWNER_HV : VMC_HV_OWNER_MP;
    b->add_session = session_byte;
    b->seed = seed;
    hv_queue_msg(hv, &m);
    return VMC_HV_OK;
}

/*
 * One owner=0 buffer on an idle index, so the MP can open a session
 * (Linux refuses SETHMCID without one). Always ID 0 when free, so its
 * LIOBA is the same after every close and reset (§9.5).
 */
static void seed(struct vmc_hv *hv, unsigned int index)
{
    struct vmc_hv_hmc *h = &hv->hmc[index];
    int id;

    if (hv->knob[VMC_HV_KNOB_NO_RESEED] == 1) {
        return;
    }
    if (hv->phase != VMC_HV_PHASE_READY || index >= hv->nhmc ||
        h->state != VMC_HV_HMC_IDLE) {
        return;
    }
    /*
     * ID 0 whenever it is free, so a stale Linux seed points at the same
     * LIOBA (§9.5). Reusing it while retired is safe: an MP-owned seed is
     * never written by us, so a SIGNAL still being copied out stays intact.
     */
    id = h->bufs[0].state == VMC_HV_BUF_ABSENT ? 0 : find_free_id(hv, h);
    if (id < 0 || (unsigned int)id >= hv->pool) {
        return;
    }
    add_buf(hv, index, (unsigned int)id, VMC_HV_OWNER_MP, 0, true);
}

void hv_hmc_clear(struct vmc_hv *hv, unsigned int index,
                  enum vmc_hv_close_reason why)
{
    struct vmc_hv_hmc *h = &hv->hmc[index];
    uint32_t lens[VMC_HV_PENDING_MAX];
    uint32_t npend = h->pend_count, k;
    bool was_open = h->state == VMC_HV_HMC_OPEN;
    uint8_t session = h->session;

    for (k = 0; k < npend && k < VMC_HV_PENDING_MAX; k++) {
        lens[k] = h->pending[(h->pend_head + k) % VMC_HV_PENDING_MAX].len;
    }
    /* State first, callbacks after: a callback may call back into us. */
    memset(h, 0, sizeof(*h));
    hv->stats.host_msgs_dropped += npend;
    if (was_open) {
        hv->stats.sessions_closed++;
    }
    for (k = 0; k < npend && k < VMC_HV_PENDING_MAX; k++) {
        hv_event(hv, VMC_HV_EV_DROPPED, index, session, HV_NO_BUFFER, (int)why,
                 NULL, lens[k]);
    }
    if (was_open) {
        hv_event(hv, VMC_HV_EV_CLOSE, index, session, HV_NO_BUFFER, (int)why,
                 NULL, 0);
    }
}

/*
 * Close-like teardown of one index while the link stays up: forget every
 * buffer, but keep the ones the MP knew about reachable through pane 1 as
 * "retired". SIGNALs queued before our response are still ahead of it in
 * the MP's ring, and the MP will copy them out before it frees anything.
 */
static void hmc_retire(struct vmc_hv *hv, unsigned int index,
                       enum vmc_hv_close_reason why)
{
    struct vmc_hv_hmc *h = &hv->hmc[index];
    bool known[VMC_HV_MAX_POOL], pending[VMC_HV_MAX_POOL];
    uint8_t add_session[VMC_HV_MAX_POOL];
    uint32_t late_rem = h->rem_outstanding + h->late_rem;
    unsigned int id;

    for (id = 0; id < VMC_HV_MAX_POOL; id++) {
        known[id] =
            h->bufs[id].state != VMC_HV_BUF_ABSENT || h->bufs[id].retired;
        pending[id] = h->bufs[id].state == VMC_HV_BUF_ADD_PENDING ||
                      h->bufs[id].late_resp;
        add_session[id] =
            h->bufs[id].late_resp && h->bufs[id].state == VMC_HV_BUF_ABSENT
                ? h->bufs[id].late_session
                : h->bufs[id].add_session;
    }
    hv_hmc_clear(hv, index, why);
    if (hv->phase != VMC_HV_PHASE_READY || index >= hv->nhmc) {
        return; /* a callback reset the channel: pane 1 is gone */
    }
    /* Responses to requests of the closed session may still come. */
    h->late_rem = late_rem < VMC_HV_MAX_POOL ? late_rem : VMC_HV_MAX_POOL;
    for (id = 0; id < hv->pool; id++) {
        if (known[id] && h->bufs[id].state == VMC_HV_BUF_ABSENT) {
            h->bufs[id].retired = true;
            h->bufs[id].late_resp = pending[id];
            h->bufs[id].late_session = add_session[id];
        }
    }
}

/* Hand buffer @id (HV-owned) to the MP carrying @len bytes of @data. */
static int signal_out(struct vmc_hv *hv, unsigned int index, unsigned int id,
                      const void *data, uint32_t len)
{
    struct vmc_hv_hmc *h = &hv->hmc[index];
    struct vmc_msg m;
    uint32_t before;

    if (hv_outq_free(hv) == 0) {
        return VMC_HV_ERR_FULL;
    }
    /* memmove: an echoing HMC may hand us back the very slot it read. */
    memmove(hv_slot(hv, index, id), data, len);
    h->bufs[id].owner = VMC_HV_OWNER_MP;
    m = hmc_msg(VMC_MSG_SIGNAL, 0, h->session, (uint8_t)index, (uint16_t)id);
    m.msg_len = len;
    before = hv->outq_count;
    hv_queue_msg(hv, &m);
    if (hv->outq_count > before) { /* a DUP fault's copy stays unmarked */
        hv->outq[(hv->outq_head + before) % VMC_HV_OUTQ_MAX].host_msg = true;
    }
    hv->stats.msgs_to_mp++;
    hv->stats.bytes_to_mp += len;
    hv_event(hv, VMC_HV_EV_SENT, index, h->session, id, 0, NULL, len);
    return VMC_HV_OK;
}

static void flush_pending(struct vmc_hv *hv, unsigned int index)
{
    struct vmc_hv_hmc *h = &hv->hmc[index];

    while (h->state == VMC_HV_HMC_OPEN && h->pend_count) {
        unsigned int slot = h->pend_head;
        int id = find_hv_owned(hv, h);

        if (id < 0 || hv_outq_free(hv) == 0) {
            return;
        }
        h->pend_head = (h->pend_head + 1) % VMC_HV_PENDING_MAX;
        h->pend_count--;
        signal_out(hv, index, (unsigned int)id, hv_stage(hv, index, slot),
                   h->pending[slot].len);
    }
}

/* ---- MP -> HV messages ---- */

static void on_cap(struct vmc_hv *hv, const struct vmc_msg *m)
{
    uint32_t adv_hmc = hv->cfg.max_hmcs, adv_pool = hv->cfg.pool_size;
    uint32_t adv_mtu = hv->cfg.max_mtu, adv_crq = hv->cfg.crq_entries;
    uint32_t adv_version = hv->cfg.version;
    uint8_t status = VMC_ST_SUCCESS;
    struct vmc_msg r;
    unsigned int i;

    if (hv->phase == VMC_HV_PHASE_READY) {
        /* A CAP without Init: the MP restarted its side; so do we. */
        hv_log(hv, HV_LOG_INFO, "CAP while ready: renegotiating");
        hv_teardown(hv, VMC_HV_CLOSE_RESET);
    }
    /* CAP in WAIT_INIT is an implicit handshake (§9.5). */
    hv->phase = VMC_HV_PHASE_WAIT_CAP;
    hv->init_sent = false;

    if (hv_knob_set(hv, VMC_HV_KNOB_CAP_MAX_HMC)) {
        adv_hmc = (uint32_t)hv->knob[VMC_HV_KNOB_CAP_MAX_HMC] & 0xFF;
    }
    if (hv_knob_set(hv, VMC_HV_KNOB_CAP_POOL)) {
        adv_pool = (uint32_t)hv->knob[VMC_HV_KNOB_CAP_POOL] & 0xFFFF;
    }
    if (hv_knob_set(hv, VMC_HV_KNOB_CAP_MTU)) {
        adv_mtu = (uint32_t)hv->knob[VMC_HV_KNOB_CAP_MTU];
    }
    if (hv_knob_set(hv, VMC_HV_KNOB_CAP_CRQ_SIZE)) {
        adv_crq = (uint32_t)hv->knob[VMC_HV_KNOB_CAP_CRQ_SIZE] & 0xFFFF;
    }
    if (hv_knob_set(hv, VMC_HV_KNOB_CAP_VERSION)) {
        adv_version = (uint32_t)hv->knob[VMC_HV_KNOB_CAP_VERSION] & 0xFFFF;
    }

    if (VMC_VERSION_MAJOR(m->version) != VMC_VERSION_MAJOR(hv->cfg.version)) {
        hv_violation(hv, VMC_HV_V_BAD_VERSION, "MP version 0x%04x", m->version);
        status = VMC_ST_INVALID_VERSION;
    }
    if (hv_knob_set(hv, VMC_HV_KNOB_CAP_STATUS)) {
        status = (uint8_t)hv->knob[VMC_HV_KNOB_CAP_STATUS];
    }

    r = vmc_msg_cap(VMC_MSG_CAP_RESP, (uint8_t)adv_hmc, (uint16_t)adv_pool,
                    adv_mtu, (uint16_t)adv_crq, (uint16_t)adv_version);
    r.status = status;
    hv_queue_msg(hv, &r);
    if (status != VMC_ST_SUCCESS) {
        return; /* the MP must not go ready: no seeds either */
    }

    if (m->max_hmc == 0 || m->pool_size == 0 ||
        m->max_mtu < VMC_HV_HMC_ID_LEN) {
        hv_violation(hv, VMC_HV_V_BAD_CAP, "hmcs %u pool %u mtu %u", m->max_hmc,
                     m->pool_size, m->max_mtu);
    }
    /*
     * Both sides use the minimum (§6.2). Forced advertisements count as
     * what we offered, but never beyond what our arrays and stride hold.
     */
    hv->nhmc = m->max_hmc < adv_hmc ? m->max_hmc : adv_hmc;
    if (hv->nhmc > hv->cfg.max_hmcs) {
        hv->nhmc = hv->cfg.max_hmcs;
    }
    hv->pool = m->pool_size < adv_pool ? m->pool_size : adv_pool;
    if (hv->pool > hv->cfg.pool_size) {
        hv->pool = hv->cfg.pool_size;
    }
    hv->mtu = m->max_mtu < adv_mtu ? m->max_mtu : adv_mtu;
    if (hv->mtu > hv->cfg.max_mtu) {
        hv->mtu = hv->cfg.max_mtu;
    }
    hv->mp_crq_size_cap = m->crq_size;
    hv->phase = VMC_HV_PHASE_READY;
    hv_log(hv, HV_LOG_INFO, "ready: hmcs %u pool %u mtu %u (MP crq %u)",
           hv->nhmc, hv->pool, hv->mtu, m->crq_size);
    /* CAP_RESP is queued first, so every seed follows it (§9.3 rule 1). */
    for (i = 0; i < hv->nhmc; i++) {
        seed(hv, i);
    }
    hv->link_up_reported = true;
    hv_event(hv, VMC_HV_EV_LINK_UP, 0, 0, HV_NO_BUFFER, 0, NULL, 0);
}

/*
 * A failed OPEN_RESP makes Linux free every buffer of the index (§9.3 rule
 * 3), in any state: forget them all too, then re-seed after the response.
 */
static void fail_open(struct vmc_hv *hv, const struct vmc_msg *m,
                      uint8_t status)
{
    struct vmc_msg r =
        hmc_msg(VMC_MSG_OPEN_RESP, status, m->session, m->index, m->buffer_id);

    hv->stats.opens_failed++;
    hv_queue_msg(hv, &r);
    if (m->index < hv->nhmc) {
        hmc_retire(hv, m->index, VMC_HV_CLOSE_OPEN_FAILED);
        seed(hv, m->index);
    }
}

static void on_open(struct vmc_hv *hv, const struct vmc_msg *m)
{
    struct vmc_hv_hmc *h;
    struct vmc_hv_buf *b;
    struct vmc_msg r;
    uint32_t nmp, nhv, k;
    unsigned int i = m->index;

    if (i >= hv->nhmc) {
        hv_violation(hv, VMC_HV_V_BAD_INDEX, "OPEN index %u", i);
        fail_open(hv, m, VMC_ST_GENERAL_FAILURE);
        return;
    }
    h = &hv->hmc[i];
    if (m->session == 0 || m->session == 0xFF) {
        hv_violation(hv, VMC_HV_V_BAD_SESSION, "OPEN session %u", m->session);
        fail_open(hv, m, VMC_ST_GENERAL_FAILURE);
        return;
    }
    if (h->state == VMC_HV_HMC_OPEN) {
        hv_violation(hv, VMC_HV_V_ALREADY_OPEN,
                     "OPEN on index %u (session %u open)", i, h->session);
        fail_open(hv, m, VMC_ST_GENERAL_FAILURE);
        return;
    }
    if (m->buffer_id >= hv->pool ||
        h->bufs[m->buffer_id].state == VMC_HV_BUF_ABSENT) {
        hv_violation(hv, VMC_HV_V_BAD_BUFFER, "OPEN buffer %u", m->buffer_id);
        fail_open(hv, m, VMC_ST_GENERAL_FAILURE);
        return;
    }
    b = &h->bufs[m->buffer_id];
    if (b->owner != VMC_HV_OWNER_MP) {
        hv_violation(hv, VMC_HV_V_NOT_OWNER, "OPEN buffer %u is HV-owned",
                     m->buffer_id);
        fail_open(hv, m, VMC_ST_GENERAL_FAILURE);
        return;
    }
    if (hv_knob_set(hv, VMC_HV_KNOB_OPEN_STATUS) &&
        hv->knob[VMC_HV_KNOB_OPEN_STATUS] != 0) {
        fail_open(hv, m, (uint8_t)hv->knob[VMC_HV_KNOB_OPEN_STATUS]);
        return;
    }
    /* The MP using it proves it got the ADD_BUF, even if its RESP got lost. */
    b->state = VMC_HV_BUF_PRESENT;
    unretire(h);

    /* The MP copied MTU bytes into B before sending OPEN: the ID is there. */
    memcpy(h->hmc_id, hv_slot(hv, i, m->buffer_id), VMC_HV_HMC_ID_LEN);
    h->session = m->session;
    h->state = VMC_HV_HMC_OPEN;

    /* PAPR: at least one new buffer before the response. */
    nmp = hv->cfg.session_mp_bufs;
    nhv = hv->cfg.session_hv_bufs;
    if (nmp + nhv == 0) {
        nhv = 1;
    }
    for (k = 0; k < nmp + nhv; k++) {
        int id = find_free_id(hv, h);

        if (id < 0) {
            break;
        }
        if (add_buf(hv, i, (unsigned int)id,
                    k < nmp ? VMC_HV_OWNER_MP : VMC_HV_OWNER_HV, m->session,
                    false) != VMC_HV_OK) {
            break;
        }
    }
    r = hmc_msg(VMC_MSG_OPEN_RESP, VMC_ST_SUCCESS, m->session, (uint8_t)i,
                m->buffer_id);
    hv_queue_msg(hv, &r);
    hv->stats.sessions_opened++;
    hv_log(hv, HV_LOG_INFO, "session %u open on index %u", m->session, i);
    hv_event(hv, VMC_HV_EV_OPEN, i, m->session, m->buffer_id, 0, h->hmc_id,
             VMC_HV_HMC_ID_LEN);
}

static void on_close(struct vmc_hv *hv, const struct vmc_msg *m)
{
    struct vmc_msg r;
    unsigned int i = m->index;
    struct vmc_hv_hmc *h;

    if (i >= hv->nhmc) {
        hv_violation(hv, VMC_HV_V_BAD_INDEX, "CLOSE index %u", i);
        r = hmc_msg(VMC_MSG_CLOSE_RESP, VMC_ST_GENERAL_FAILURE, m->session,
                    m->index, 0);
        hv_queue_msg(hv, &r);
        return;
    }
    h = &hv->hmc[i];
    if (hv_knob_set(hv, VMC_HV_KNOB_CLOSE_STATUS) &&
        hv->knob[VMC_HV_KNOB_CLOSE_STATUS] != 0) {
        /* Linux resets the channel on this; our state waits for that. */
        r = hmc_msg(VMC_MSG_CLOSE_RESP,
                    (uint8_t)hv->knob[VMC_HV_KNOB_CLOSE_STATUS], m->session,
                    (uint8_t)i, 0);
        hv_queue_msg(hv, &r);
        return;
    }
    if (h->state == VMC_HV_HMC_OPEN && m->session != h->session) {
        hv_violation(hv, VMC_HV_V_BAD_SESSION, "CLOSE session %u, open is %u",
                     m->session, h->session);
        r = hmc_msg(VMC_MSG_CLOSE_RESP, VMC_ST_GENERAL_FAILURE, m->session,
                    (uint8_t)i, 0);
        hv_queue_msg(hv, &r);
        return;
    }
    if (h->state != VMC_HV_HMC_OPEN) {
        hv_violation(hv, VMC_HV_V_NOT_OPEN,
                     "CLOSE on idle index %u (answered ok)", i);
    }
    /*
     * A successful CLOSE_RESP makes the MP free every buffer of the index,
     * so we do the same, and re-seed only after the response (§8.7).
     */
    r = hmc_msg(VMC_MSG_CLOSE_RESP, VMC_ST_SUCCESS, m->session, (uint8_t)i, 0);
    hv_queue_msg(hv, &r);
    hmc_retire(hv, i, VMC_HV_CLOSE_BY_MP);
    seed(hv, i);
}

static void on_signal(struct vmc_hv *hv, const struct vmc_msg *m)
{
    unsigned int i = m->index, id = m->buffer_id;
    struct vmc_hv_hmc *h;
    struct vmc_hv_buf *b;

    if (i >= hv->nhmc) {
        hv_violation(hv, VMC_HV_V_BAD_INDEX, "SIGNAL index %u", i);
        return;
    }
    h = &hv->hmc[i];
    if (id >= hv->pool || h->bufs[id].state == VMC_HV_BUF_ABSENT) {
        hv_violation(hv, VMC_HV_V_BAD_BUFFER, "SIGNAL buffer %u on index %u",
                     id, i);
        return;
    }
    b = &h->bufs[id];
    if (b->owner != VMC_HV_OWNER_MP) {
        hv_violation(hv, VMC_HV_V_NOT_OWNER, "SIGNAL on HV-owned buffer %u",
                     id);
        return;
    }
    /*
     * The MP gave the buffer up whatever else is wrong with the message:
     * take it, so both sides keep agreeing on who owns it.
     */
    b->state = VMC_HV_BUF_PRESENT;
    b->owner = VMC_HV_OWNER_HV;
    if (h->state != VMC_HV_HMC_OPEN) {
        hv_violation(hv, VMC_HV_V_NOT_OPEN, "SIGNAL on idle index %u", i);
        return;
    }
    if (m->session != h->session) {
        hv_violation(hv, VMC_HV_V_BAD_SESSION, "SIGNAL session %u, open is %u",
                     m->session, h->session);
        return;
    }
    if (m->msg_len > hv->mtu) {
        hv_violation(hv, VMC_HV_V_BAD_LENGTH, "SIGNAL length %u > mtu %u",
                     m->msg_len, hv->mtu);
        return;
    }
    hv->stats.msgs_to_hmc++;
    hv->stats.bytes_to_hmc += m->msg_len;
    hv_event(hv, VMC_HV_EV_MESSAGE, i, h->session, id, 0, hv_slot(hv, i, id),
             m->msg_len);
    /* The callback may have reset or closed us: flush_pending re-checks. */
    if (i < hv->nhmc) {
        flush_pending(hv, i);
    }
}

static void on_add_buf_resp(struct vmc_hv *hv, const struct vmc_msg *m)
{
    unsigned int i = m->index, id = m->buffer_id;
    struct vmc_hv_buf *b;

    if (i >= hv->nhmc || id >= hv->pool) {
        hv_violation(hv, VMC_HV_V_UNSOLICITED_RESP,
                     "ADD_BUF_RESP index %u buffer %u", i, id);
        return;
    }
    b = &hv->hmc[i].bufs[id];
    if (b->late_resp && m->session == b->late_session) {
        /* The MP answered an ADD_BUF of a session it has closed since. */
        b->late_resp = false;
        hv->stats.stale_dropped++;
        return;
    }
    if (b->state != VMC_HV_BUF_ADD_PENDING || m->session != b->add_session) {
        /* Includes Linux's ADD_BUF_RESP answer to a SIGNAL it disliked. */
        hv_violation(hv, VMC_HV_V_UNSOLICITED_RESP,
                     "ADD_BUF_RESP status %u session %u index %u buffer %u",
                     m->status, m->session, i, id);
        return;
    }
    unretire(&hv->hmc[i]);
    if (m->status == VMC_ST_SUCCESS) {
        b->state = VMC_HV_BUF_PRESENT;
        hv->stats.bufs_added++;
        if (b->owner == VMC_HV_OWNER_HV) {
            flush_pending(hv, i);
        }
        return;
    }
    hv_violation(hv, VMC_HV_V_RESP_FAILED,
                 "ADD_BUF_RESP status %u (%s) index %u buffer %u", m->status,
                 vmc_status_name(m->type, m->status), i, id);
    if (b->seed && m->status == VMC_ST_INVALID_BUFFER_ID) {
        /* Linux kept a stale seed with this ID and LIOBA (§12 item 15). */
        b->state = VMC_HV_BUF_PRESENT;
        return;
    }
    memset(b, 0, sizeof(*b));
    hv->stats.bufs_add_failed++;
}

static void on_rem_buf_resp(struct vmc_hv *hv, const struct vmc_msg *m)
{
    unsigned int i = m->index, id = m->buffer_id;
    struct vmc_hv_hmc *h;

    if (i >= hv->nhmc) {
        hv_violation(hv, VMC_HV_V_UNSOLICITED_RESP, "REM_BUF_RESP index %u", i);
        return;
    }
    h = &hv->hmc[i];
    if (h->late_rem &&
        (h->rem_outstanding == 0 || m->session != vmc_hv_session(hv, i))) {
        /* A REM_BUF of a closed session: its buffers are gone anyway. */
        h->late_rem--;
        hv->stats.stale_dropped++;
        return;
    }
    if (h->rem_outstanding == 0) {
        hv_violation(hv, VMC_HV_V_UNSOLICITED_RESP,
                     "REM_BUF_RESP nobody asked for");
        return;
    }
    h->rem_outstanding--;
    if (m->status == VMC_ST_SUCCESS) {
        if (id >= hv->pool || h->bufs[id].state == VMC_HV_BUF_ABSENT) {
            hv_violation(hv, VMC_HV_V_BAD_BUFFER, "REM_BUF_RESP buffer %u", id);
        } else if (h->bufs[id].owner != VMC_HV_OWNER_MP) {
            hv_violation(hv, VMC_HV_V_NOT_OWNER,
                         "REM_BUF_RESP HV-owned buffer %u", id);
        } else {
            memset(&h->bufs[id], 0, sizeof(h->bufs[id]));
            hv->stats.bufs_removed++;
        }
    }
    hv_event(hv, VMC_HV_EV_REM_BUF, i, m->session, id, m->status, NULL, 0);
}

void hv_dispatch_vmc(struct vmc_hv *hv, uint64_t hi, uint64_t lo)
{
    struct vmc_msg m;

    if (!vmc_msg_decode(&m, hi, lo)) {
        return; /* header checked by the caller */
    }
    hv->stats.rx_type[m.type]++;
    if (!vmc_msg_type_known(m.type)) {
        hv_violation(hv, VMC_HV_V_UNKNOWN_TYPE, "type 0x%02x", m.type);
        return;
    }
    if (m.type == VMC_MSG_CAP) {
        on_cap(hv, &m);
        return;
    }
    switch (m.type) {
    case VMC_MSG_OPEN:
    case VMC_MSG_CLOSE:
    case VMC_MSG_SIGNAL:
    case VMC_MSG_ADD_BUF_RESP:
    case VMC_MSG_REM_BUF_RESP:
        break;
    default:
        hv_violation(hv, VMC_HV_V_WRONG_DIRECTION,
                     "type 0x%02x (%s) from the MP", m.type,
                     vmc_msg_type_name(m.type));
        return;
    }
    if (hv->phase != VMC_HV_PHASE_READY) {
        /* §6.2: HMC interface messages before the CAP exchange are dropped. */
        hv_violation(hv, VMC_HV_V_BEFORE_CAP, "%s in phase %s",
                     vmc_msg_type_name(m.type), vmc_hv_phase_name(hv->phase));
        return;
    }
    switch (m.type) {
    case VMC_MSG_OPEN:
        on_open(hv, &m);
        break;
    case VMC_MSG_CLOSE:
        on_close(hv, &m);
        break;
    case VMC_MSG_SIGNAL:
        on_signal(hv, &m);
        break;
    case VMC_MSG_ADD_BUF_RESP:
        on_add_buf_resp(hv, &m);
        break;
    case VMC_MSG_REM_BUF_RESP:
        on_rem_buf_resp(hv, &m);
        break;
    }
}

/* ---- HMC-side commands ---- */

int vmc_hv_hmc_send(struct vmc_hv *hv, unsigned int index, const void *data,
                    uint32_t len)
{
    struct vmc_hv_hmc *h;
    unsigned int slot;
    int id, rc;

    if (index >= VMC_HV_MAX_HMCS || (!data && len)) {
        return VMC_HV_ERR_PARAM;
    }
    if (hv->phase != VMC_HV_PHASE_READY || index >= hv->nhmc) {
        return VMC_HV_ERR_STATE;
    }
    h = &hv->hmc[index];
    if (h->state != VMC_HV_HMC_OPEN) {
        return VMC_HV_ERR_STATE;
    }
    if (len == 0 || len > hv->mtu) {
        return VMC_HV_ERR_PARAM;
    }
    /* Keep order: nothing overtakes messages already staged. */
    id = h->pend_count ? -1 : find_hv_owned(hv, h);
    if (id >= 0 && hv_outq_free(hv) > 0) {
        hv->stats.host_msgs_accepted++;
        rc = signal_out(hv, index, (unsigned int)id, data, len);
        hv_output_ready(hv);
        return rc;
    }
    if (h->pend_count >= VMC_HV_PENDING_MAX) {
        return VMC_HV_ERR_FULL;
    }
    slot = (h->pend_head + h->pend_count) % VMC_HV_PENDING_MAX;
    memcpy(hv_stage(hv, index, slot), data, len);
    h->pending[slot].len = len;
    h->pend_count++;
    hv->stats.host_msgs_accepted++;
    return VMC_HV_OK;
}

int vmc_hv_hmc_add_buffer(struct vmc_hv *hv, unsigned int index, int owner)
{
    struct vmc_hv_hmc *h;
    int id, rc;

    if (index >= VMC_HV_MAX_HMCS ||
        (owner != VMC_HV_OWNER_MP && owner != VMC_HV_OWNER_HV)) {
        return VMC_HV_ERR_PARAM;
    }
    if (hv->phase != VMC_HV_PHASE_READY || index >= hv->nhmc) {
        return VMC_HV_ERR_STATE;
    }
    h = &hv->hmc[index];
    id = find_free_id(hv, h);
    if (id < 0) {
        return VMC_HV_ERR_NOBUF;
    }
    rc = add_buf(hv, index, (unsigned int)id, (uint8_t)owner,
                 h->state == VMC_HV_HMC_OPEN ? h->session : 0, false);
    hv_output_ready(hv);
    return rc;
}

int vmc_hv_hmc_remove_buffer(struct vmc_hv *hv, unsigned int index)
{
    struct vmc_hv_hmc *h;
    struct vmc_msg m;
    unsigned int id, mp_owned = 0;

    if (index >= VMC_HV_MAX_HMCS) {
        return VMC_HV_ERR_PARAM;
    }
    if (hv->phase != VMC_HV_PHASE_READY || index >= hv->nhmc) {
        return VMC_HV_ERR_STATE;
    }
    h = &hv->hmc[index];
    for (id = 0; id < hv->pool; id++) {
        if (h->bufs[id].state != VMC_HV_BUF_ABSENT &&
            h->bufs[id].owner == VMC_HV_OWNER_MP) {
            mp_owned++;
        }
    }
    /* PAPR: removing the MP's last buffer is an interface error. */
    if (mp_owned <= h->rem_outstanding + 1) {
        return VMC_HV_ERR_STATE;
    }
    if (hv_outq_free(hv) == 0) {
        return VMC_HV_ERR_FULL;
    }
    m = hmc_msg(VMC_MSG_REM_BUF, 0,
                h->state == VMC_HV_HMC_OPEN ? h->session : 0, (uint8_t)index,
                0);
    h->rem_outstanding++;
    hv_queue_msg(hv, &m);
    hv_output_ready(hv);
    return VMC_HV_OK;
}
