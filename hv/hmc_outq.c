// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hmc_outq.c - bounded non-blocking output towards the HMC peer; see
 * hmc_outq.h.
 */
#include "hv/hmc_outq.h"

#include <string.h>

void hmc_outq_init(struct hmc_outq *q, uint8_t *buf, size_t cap)
{
    memset(q, 0, sizeof(*q));
    q->buf = buf;
    q->cap = cap;
}

void hmc_outq_reset(struct hmc_outq *q)
{
    q->head = q->len = 0;
    q->dead = false;
}

void hmc_outq_drop_backlog(struct hmc_outq *q)
{
    if (q->len) {
        q->dropped++;
        q->head = q->len = 0;
    }
}

static void append(struct hmc_outq *q, const uint8_t *p, size_t n)
{
    size_t tail = (q->head + q->len) % q->cap;
    size_t first = n < q->cap - tail ? n : q->cap - tail;

    memcpy(q->buf + tail, p, first);
    memcpy(q->buf, p + first, n - first);
    q->len += n;
}

/* A hard error: @unqueued bytes of a frame not queued yet are lost too. */
static int fail(struct hmc_outq *q, size_t unqueued)
{
    q->write_errors++;
    q->error_bytes += q->len + unqueued;
    q->head = q->len = 0;
    q->dead = true;
    return HMC_OUTQ_FAILED;
}

int hmc_outq_flush(struct hmc_outq *q, hmc_outq_write_fn write, void *opaque)
{
    if (q->dead) {
        return HMC_OUTQ_DEAD;
    }
    while (q->len) {
        size_t seg = q->len < q->cap - q->head ? q->len : q->cap - q->head;
        long n = write(opaque, q->buf + q->head, seg);

        if (n < 0) {
            return fail(q, 0);
        }
        if (n == 0) {
            break;
        }
        if ((size_t)n > seg) {
            n = (long)seg; /* a write never takes more than it was given */
        }
        q->head = (q->head + (size_t)n) % q->cap;
        q->len -= (size_t)n;
    }
    if (!q->len) {
        q->head = 0;
    }
    return q->len ? HMC_OUTQ_WAITING : HMC_OUTQ_IDLE;
}

int hmc_outq_put(struct hmc_outq *q, const uint8_t *frame, size_t len,
                 hmc_outq_write_fn write, void *opaque)
{
    long n;

    if (q->dead) {
        return HMC_OUTQ_DEAD;
    }
    if (q->len) {
        /* behind a backlog: keep order, never exceed the bound */
        if (len > q->cap - q->len) {
            q->dropped++;
            return HMC_OUTQ_WAITING;
        }
        append(q, frame, len);
        return hmc_outq_flush(q, write, opaque);
    }
    if (!len) {
        return HMC_OUTQ_IDLE;
    }
    /* nothing queued before it: straight to the connection, queue the rest */
    n = write(opaque, frame, len);
    if (n < 0) {
        return fail(q, len);
    }
    if ((size_t)n >= len) {
        return HMC_OUTQ_IDLE;
    }
    if (len - (size_t)n > q->cap) {
        q->dropped++;
        return HMC_OUTQ_IDLE;
    }
    append(q, frame + n, len - (size_t)n);
    return hmc_outq_flush(q, write, opaque);
}
