/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hmc_outq.h - the bounded, non-blocking output towards the HMC peer
 * (docs/hmc-protocol.md §1.2): frames go straight to the connection while
 * it takes them; what it does not take waits in a ring of caller memory; a
 * frame that does not fit is dropped whole and counted. A hard write error
 * (not "full, try later") drops the backlog and the frame being written,
 * counts them, and marks the connection dead: nothing more is written on it,
 * because retrying a socket that polls writable but refuses data would spin
 * the embedder's main loop. Plain C, no allocation (it builds inside QEMU).
 */
#ifndef VMCFW_HV_HMC_OUTQ_H
#define VMCFW_HV_HMC_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * typedef hmc_outq_write_fn - write to the connection without blocking.
 * @opaque: the embedder's pointer
 * @buf: bytes to write
 * @len: how many (never 0)
 * Return: bytes taken (> 0), 0 when the connection is full (try later), or
 * a negative value for a hard error.
 */
typedef long (*hmc_outq_write_fn)(void *opaque, const uint8_t *buf, size_t len);

/* What the embedder has to do after hmc_outq_put() or hmc_outq_flush(). */
enum hmc_outq_state {
    HMC_OUTQ_IDLE = 0, /* nothing waits */
    HMC_OUTQ_WAITING, /* a backlog waits: call hmc_outq_flush() when writable */
    HMC_OUTQ_FAILED,  /* the connection just died: close it (once) */
    HMC_OUTQ_DEAD,    /* already dead: nothing to do until hmc_outq_reset() */
};

/**
 * struct hmc_outq - the backlog and its counters.
 * @buf: caller memory of @cap bytes (the ring)
 * @cap: its size: the most bytes ever held
 * @head: offset of the oldest byte
 * @len: bytes held
 * @dead: a hard error ended this connection
 * @dropped: frames lost because the backlog was full (or given up)
 * @write_errors: hard write errors (each ended a connection)
 * @error_bytes: bytes those errors dropped (backlog and frame being written)
 */
struct hmc_outq {
    uint8_t *buf;
    size_t cap;
    size_t head, len;
    bool dead;
    uint64_t dropped;
    uint64_t write_errors;
    uint64_t error_bytes;
};

/**
 * hmc_outq_init - set up an empty queue on caller memory; counters zero.
 * @q: the queue
 * @buf: the ring's memory
 * @cap: its size; must be at least the largest frame
 */
void hmc_outq_init(struct hmc_outq *q, uint8_t *buf, size_t cap);

/**
 * hmc_outq_reset - a new connection, or none: empty and alive again;
 * counters kept.
 * @q: the queue
 */
void hmc_outq_reset(struct hmc_outq *q);

/**
 * hmc_outq_drop_backlog - give the backlog up (the connection cannot say
 * when it drains); counted as one dropped frame.
 * @q: the queue
 */
void hmc_outq_drop_backlog(struct hmc_outq *q);

/**
 * hmc_outq_put - send one whole frame, or queue what the connection does
 * not take now.
 * @q: the queue
 * @frame: the frame
 * @len: its length (at most @q->cap)
 * @write: the connection's write
 * @opaque: passed to @write
 * Return: an enum hmc_outq_state.
 */
int hmc_outq_put(struct hmc_outq *q, const uint8_t *frame, size_t len,
                 hmc_outq_write_fn write, void *opaque);

/**
 * hmc_outq_flush - write as much of the backlog as the connection takes.
 * @q: the queue
 * @write: the connection's write
 * @opaque: passed to @write
 * Return: an enum hmc_outq_state.
 */
int hmc_outq_flush(struct hmc_outq *q, hmc_outq_write_fn write, void *opaque);

#endif /* VMCFW_HV_HMC_OUTQ_H */
