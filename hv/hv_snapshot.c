// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv_snapshot.c - the engine's whole state as a versioned byte stream, for
 * migration and snapshots (see vmc_hv.h, "Snapshots").
 *
 * The stream is big-endian, field by field (never a memory image of the
 * struct, so padding and host byte order do not leak into it):
 *
 *   magic "VMCHVSNP", u32 format version, u32 payload length,
 *   the configuration (must equal the receiver's), the transport and
 *   handshake state, the negotiated values, every HMC index (sessions,
 *   every buffer with its owner, staged host messages), the outbound and
 *   inbound queues in order, fault and knob state, the statistics, and the
 *   backing store (buffer contents and staged messages).
 *
 * Restoring reads the stream twice: the first pass only checks (lengths,
 * enum ranges, queue bounds, the configuration), the second writes. A
 * stream the first pass accepts but that breaks an engine invariant leaves
 * the engine freshly initialised (phase DOWN), never half-loaded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hv/vmc_hv.h"

#define SNAP_MAGIC "VMCHVSNP"
#define SNAP_VERSION 2u /* 2: suspension flag and its counters */
#define SNAP_HEADER 16u /* magic, version, payload length */

/*
 * The scalar statistics, in stream order (the arrays follow them). One a
 * line, kept out of clang-format, which repacks such lists differently on
 * every run.
 */
/* clang-format off */
#define SNAP_STATS_U64(X) \
    X(rx_entries)         \
    X(rx_inits)           \
    X(rx_init_completes)  \
    X(tx_entries)         \
    X(tx_full)            \
    X(tx_throttled)       \
    X(outq_overflow)      \
    X(violations_total)   \
    X(rdma_calls)         \
    X(rdma_ok)            \
    X(rdma_bytes)         \
    X(rdma_errors)        \
    X(request_vmc_calls)  \
    X(mp_registers)       \
    X(mp_frees)           \
    X(resets)             \
    X(sessions_opened)    \
    X(sessions_closed)    \
    X(opens_failed)       \
    X(msgs_to_hmc)        \
    X(bytes_to_hmc)       \
    X(msgs_to_mp)         \
    X(bytes_to_mp)        \
    X(host_msgs_accepted) \
    X(host_msgs_dropped)  \
    X(bufs_added)         \
    X(bufs_add_failed)    \
    X(bufs_removed)       \
    X(faults_fired)       \
    X(stale_dropped)      \
    X(suspend_events)     \
    X(suspend_refused)    \
    X(mp_enables)
/* clang-format on */

/* A cursor over the stream. @buf NULL: only count (vmc_hv_snapshot_size). */
struct snap {
    uint8_t *out;      /* writing: destination, may be NULL to count */
    const uint8_t *in; /* reading: source */
    size_t len, pos;
    bool apply; /* reading: write the engine (second pass) */
    char *why;
    size_t why_len;
    bool failed;
};

static void snap_fail(struct snap *s, const char *fmt, ...)
{
    va_list ap;

    if (s->failed) {
        return; /* the first reason is the one worth reading */
    }
    s->failed = true;
    if (s->why && s->why_len) {
        va_start(ap, fmt);
        vsnprintf(s->why, s->why_len, fmt, ap);
        va_end(ap);
    }
}

static void put_bytes(struct snap *s, const void *p, size_t n)
{
    if (s->out && s->pos + n <= s->len) {
        memcpy(s->out + s->pos, p, n);
    }
    s->pos += n;
}

static void put_be(struct snap *s, uint64_t v, unsigned int n)
{
    uint8_t b[8];

    for (unsigned int i = 0; i < n; i++) {
        b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    }
    put_bytes(s, b, n);
}

static const uint8_t *get_bytes(struct snap *s, size_t n, const char *what)
{
    const uint8_t *p;

    if (s->failed) {
        return NULL;
    }
    if (n > s->len - s->pos) {
        snap_fail(s, "stream ends inside %s (offset %zu of %zu)", what, s->pos,
                  s->len);
        return NULL;
    }
    p = s->in + s->pos;
    s->pos += n;
    return p;
}

static uint64_t get_be(struct snap *s, unsigned int n, const char *what)
{
    const uint8_t *p = get_bytes(s, n, what);
    uint64_t v = 0;

    for (unsigned int i = 0; p && i < n; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

/* Read a value that must be at most @max. Return: the value, 0 on failure. */
static uint64_t get_max(struct snap *s, unsigned int n, uint64_t max,
                        const char *what)
{
    uint64_t v = get_be(s, n, what);

    if (!s->failed && v > max) {
        snap_fail(s, "%s is %llu, more than %llu", what, (unsigned long long)v,
                  (unsigned long long)max);
        return 0;
    }
    return s->failed ? 0 : v;
}

/*
 * One field in both directions: @dir_write puts the engine's value, else it
 * is read, bounded by @max, and stored only on the applying pass.
 */
#define FIELD(s, write, lval, n, max, what)                 \
    do {                                                    \
        if (write)                                          \
            put_be((s), (uint64_t)(lval), (n));             \
        else {                                              \
            uint64_t v_ = get_max((s), (n), (max), (what)); \
            if ((s)->apply && !(s)->failed)                 \
                (lval) = v_;                                \
        }                                                   \
    } while (0)

#define BOOL_FIELD(s, write, lval, what)              \
    do {                                              \
        if (write)                                    \
            put_be((s), (lval) ? 1 : 0, 1);           \
        else {                                        \
            uint64_t v_ = get_max((s), 1, 1, (what)); \
            if ((s)->apply && !(s)->failed)           \
                (lval) = v_ != 0;                     \
        }                                             \
    } while (0)

/* The configuration is not restored: it must be the receiver's own. */
static void snap_config(struct snap *s, bool write,
                        const struct vmc_hv_config *c)
{
    const struct {
        const char *name;
        uint64_t v;
        unsigned int n;
    } f[] = {
        { "max_hmcs", c->max_hmcs, 4 },
        { "pool_size", c->pool_size, 4 },
        { "max_mtu", c->max_mtu, 4 },
        { "crq_entries", c->crq_entries, 4 },
        { "version", c->version, 4 },
        { "local_liobn", c->local_liobn, 8 },
        { "remote_liobn", c->remote_liobn, 8 },
        { "remote_base", c->remote_base, 4 },
        { "max_copy_len", c->max_copy_len, 4 },
        { "drc_index", c->drc_index, 4 },
        { "session_mp_bufs", c->session_mp_bufs, 4 },
        { "session_hv_bufs", c->session_hv_bufs, 4 },
        { "deferred_send", c->deferred_send, 1 },
        { "strict", c->strict, 1 },
        { "init_on_register", c->init_on_register, 1 },
    };

    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        uint64_t v;

        if (write) {
            put_be(s, f[i].v, f[i].n);
            continue;
        }
        v = get_be(s, f[i].n, f[i].name);
        if (!s->failed && v != f[i].v) {
            snap_fail(
                s, "configuration differs: %s is %llu in the stream, %llu here",
                f[i].name, (unsigned long long)v, (unsigned long long)f[i].v);
        }
    }
}

static void snap_queue(struct snap *s, bool write, struct vmc_hv_qentry *q,
                       uint32_t *head, uint32_t *count, uint32_t max,
                       const char *what)
{
    uint32_t n = *count;

    /* The count steers the reading, so it is read on both passes. */
    if (write) {
        put_be(s, n, 4);
    } else {
        n = (uint32_t)get_max(s, 4, max, what);
    }
    if (!write && s->apply && !s->failed) {
        *head = 0; /* restored in order from slot 0 */
        *count = n;
    }
    for (uint32_t i = 0; i < n && !s->failed; i++) {
        struct vmc_hv_qentry *e = &q[write ? (*head + i) % max : i];

        FIELD(s, write, e->hi, 8, UINT64_MAX, what);
        FIELD(s, write, e->lo, 8, UINT64_MAX, what);
        FIELD(s, write, e->due_us, 8, UINT64_MAX, what);
        BOOL_FIELD(s, write, e->host_msg, what);
    }
}

static void snap_hmc(struct snap *s, bool write, struct vmc_hv_hmc *h)
{
    FIELD(s, write, h->state, 1, VMC_HV_HMC_OPEN, "HMC state");
    FIELD(s, write, h->session, 1, 0xFF, "session");
    if (write) {
        put_bytes(s, h->hmc_id, VMC_HV_HMC_ID_LEN);
    } else {
        const uint8_t *id = get_bytes(s, VMC_HV_HMC_ID_LEN, "HMC ID");

        if (id && s->apply) {
            memcpy(h->hmc_id, id, VMC_HV_HMC_ID_LEN);
        }
    }
    FIELD(s, write, h->rem_outstanding, 4, VMC_HV_MAX_POOL,
          "REM_BUFs outstanding");
    FIELD(s, write, h->late_rem, 4, VMC_HV_MAX_POOL, "late REM_BUFs");
    for (unsigned int id = 0; id < VMC_HV_MAX_POOL && !s->failed; id++) {
        struct vmc_hv_buf *b = &h->bufs[id];

        FIELD(s, write, b->state, 1, VMC_HV_BUF_PRESENT, "buffer state");
        FIELD(s, write, b->owner, 1, VMC_HV_OWNER_HV, "buffer owner");
        FIELD(s, write, b->add_session, 1, 0xFF, "ADD_BUF session");
        BOOL_FIELD(s, write, b->seed, "buffer seed flag");
        BOOL_FIELD(s, write, b->retired, "buffer retired flag");
        BOOL_FIELD(s, write, b->late_resp, "buffer late flag");
        FIELD(s, write, b->late_session, 1, 0xFF, "late session");
    }
    for (unsigned int i = 0; i < VMC_HV_PENDING_MAX; i++) {
        FIELD(s, write, h->pending[i].len, 4, VMC_HV_MAX_MTU,
              "staged message length");
    }
    FIELD(s, write, h->pend_head, 4, VMC_HV_PENDING_MAX - 1, "staged head");
    FIELD(s, write, h->pend_count, 4, VMC_HV_PENDING_MAX, "staged count");
}

static void snap_stats(struct snap *s, bool write, struct vmc_hv_stats *st)
{
#define X(name) FIELD(s, write, st->name, 8, UINT64_MAX, "statistics");
    SNAP_STATS_U64(X)
#undef X
    FIELD(s, write, st->outq_high_water, 4, VMC_HV_OUTQ_MAX,
          "queue high water");
    for (unsigned int i = 0; i < 256; i++) {
        FIELD(s, write, st->rx_type[i], 8, UINT64_MAX, "statistics");
        FIELD(s, write, st->tx_type[i], 8, UINT64_MAX, "statistics");
    }
    for (unsigned int i = 0; i < VMC_HV_V_COUNT; i++) {
        FIELD(s, write, st->violations[i], 8, UINT64_MAX, "statistics");
    }
}

/* The payload, both directions (after the header). */
static void snap_body(struct snap *s, bool write, struct vmc_hv *hv)
{
    snap_config(s, write, &hv->cfg);
    FIELD(s, write, hv->phase, 1, VMC_HV_PHASE_READY, "phase");
    BOOL_FIELD(s, write, hv->init_sent, "init_sent");
    BOOL_FIELD(s, write, hv->init_after_reset, "init_after_reset");
    FIELD(s, write, hv->inits_out, 4, VMC_HV_OUTQ_MAX, "Inits outstanding");
    BOOL_FIELD(s, write, hv->link_up_reported, "link_up_reported");
    FIELD(s, write, hv->mp_crq_entries, 4, UINT32_MAX, "MP CRQ entries");
    FIELD(s, write, hv->mp_crq_size_cap, 4, UINT32_MAX, "MP CRQ size");
    FIELD(s, write, hv->reinit_due_us, 8, UINT64_MAX, "re-init deadline");
    BOOL_FIELD(s, write, hv->suspended, "suspended");
    FIELD(s, write, hv->mtu, 4, hv->cfg.max_mtu, "negotiated MTU");
    FIELD(s, write, hv->pool, 4, hv->cfg.pool_size, "negotiated pool");
    FIELD(s, write, hv->nhmc, 4, hv->cfg.max_hmcs, "negotiated HMC count");
    for (unsigned int i = 0; i < VMC_HV_MAX_HMCS && !s->failed; i++) {
        snap_hmc(s, write, &hv->hmc[i]);
    }
    snap_queue(s, write, hv->outq, &hv->outq_head, &hv->outq_count,
               VMC_HV_OUTQ_MAX, "outbound queue");
    snap_queue(s, write, hv->inq, &hv->inq_head, &hv->inq_count, VMC_HV_INQ_MAX,
               "inbound queue");
    for (unsigned int d = 0; d < 2; d++) {
        struct vmc_hv_msg_fault *f = &hv->msg_fault[d];

        FIELD(s, write, f->action, 1, VMC_HV_FAULT_DUP, "fault action");
        FIELD(s, write, f->match, 2, 0xFFFF, "fault match");
        FIELD(s, write, f->skip, 4, UINT32_MAX, "fault skip");
        FIELD(s, write, f->count, 4, UINT32_MAX, "fault count");
        FIELD(s, write, f->delay_us, 8, UINT64_MAX, "fault delay");
    }
    FIELD(s, write, hv->rdma_fault_skip, 4, UINT32_MAX, "RDMA fault skip");
    FIELD(s, write, hv->rdma_fault_count, 4, UINT32_MAX, "RDMA fault count");
    FIELD(s, write, hv->rdma_fault_rc, 8, UINT64_MAX, "RDMA fault rc");
    for (unsigned int k = 0; k < VMC_HV_KNOB_COUNT; k++) {
        FIELD(s, write, hv->knob[k], 8, UINT64_MAX, "knob");
    }
    snap_stats(s, write, &hv->stats);
    if (write) {
        put_be(s, hv->mem_len, 8);
    } else {
        uint64_t n = get_be(s, 8, "backing store size");

        if (!s->failed && n != hv->mem_len) {
            snap_fail(s, "backing store of %llu bytes in the stream, %zu here",
                      (unsigned long long)n, hv->mem_len);
        }
    }
    if (write) {
        put_bytes(s, hv->mem, hv->mem_len);
    } else {
        const uint8_t *m = get_bytes(s, hv->mem_len, "backing store");

        if (m && s->apply) {
            memcpy(hv->mem, m, hv->mem_len);
        }
    }
}

static size_t snap_write(const struct vmc_hv *hv, uint8_t *out, size_t len)
{
    struct snap s = { .out = out, .len = len };

    put_bytes(&s, SNAP_MAGIC, 8);
    put_be(&s, SNAP_VERSION, 4);
    put_be(&s, 0, 4);                         /* payload length, filled below */
    snap_body(&s, true, (struct vmc_hv *)hv); /* write: only reads @hv */
    if (out && s.pos <= len) {
        uint32_t body = (uint32_t)(s.pos - SNAP_HEADER);

        for (unsigned int i = 0; i < 4; i++) {
            out[12 + i] = (uint8_t)(body >> (8 * (3 - i)));
        }
    }
    return s.pos;
}

size_t vmc_hv_snapshot_size(const struct vmc_hv *hv)
{
    return snap_write(hv, NULL, 0);
}

int vmc_hv_snapshot_save(const struct vmc_hv *hv, void *buf, size_t len,
                         size_t *written)
{
    size_t need = vmc_hv_snapshot_size(hv);

    if (!buf || len < need || hv->in_dispatch) {
        return VMC_HV_ERR_PARAM;
    }
    snap_write(hv, buf, len);
    if (written) {
        *written = need;
    }
    return VMC_HV_OK;
}

int vmc_hv_snapshot_restore(struct vmc_hv *hv, const void *buf, size_t len,
                            char *why, size_t why_len)
{
    struct snap s = { .in = buf, .len = len, .why = why, .why_len = why_len };
    uint64_t version, body;
    const uint8_t *magic;
    int broken;

    if (why && why_len) {
        why[0] = '\0';
    }
    if (!buf || hv->in_dispatch) {
        snap_fail(&s, "no stream, or called from inside the engine");
        return VMC_HV_ERR_PARAM;
    }
    for (int pass = 0; pass < 2; pass++) {
        s.pos = 0;
        s.apply = pass == 1;
        magic = get_bytes(&s, 8, "the header");
        if (magic && memcmp(magic, SNAP_MAGIC, 8)) {
            snap_fail(&s, "not a VMC engine snapshot (bad magic)");
        }
        version = get_be(&s, 4, "the header");
        if (!s.failed && version != SNAP_VERSION) {
            snap_fail(&s, "snapshot format %llu; this engine reads format %u",
                      (unsigned long long)version, SNAP_VERSION);
        }
        body = get_be(&s, 4, "the header");
        if (!s.failed && body != len - SNAP_HEADER) {
            snap_fail(&s,
                      "payload length %llu, but %zu bytes follow the header",
                      (unsigned long long)body, len - SNAP_HEADER);
        }
        snap_body(&s, false, hv);
        if (!s.failed && s.pos != len) {
            snap_fail(&s, "%zu bytes left over after the state", len - s.pos);
        }
        if (s.failed) {
            return VMC_HV_ERR_PARAM; /* only the first pass can fail */
        }
    }
    broken = vmc_hv_check_invariants(hv);
    if (broken) {
        struct vmc_hv_config cfg = hv->cfg;
        const struct vmc_hv_ops *ops = hv->ops;
        void *opaque = hv->opaque, *mem = hv->mem;
        size_t mem_len = hv->mem_len;

        snap_fail(&s, "the restored state breaks engine rule %d: engine reset",
                  broken);
        vmc_hv_init(hv, &cfg, ops, opaque, mem, mem_len);
        return VMC_HV_ERR_PARAM;
    }
    return VMC_HV_OK;
}
