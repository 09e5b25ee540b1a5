/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hv_crq_flow.h - how many of the entries a device wrote into the guest's
 * CRQ the guest has not consumed yet, for the engine's "at most crq_size/2
 * outstanding" rule (ops->mp_outstanding), at one 1-byte read of guest
 * memory per question however large the queue.
 *
 * Every entry the device writes is pending until its header reads free.
 * The guest consumes in ring order, so only the oldest pending entry
 * (pending slots before the enqueue pointer) needs looking at; each
 * question retires at most that one. That is enough: the engine asks before
 * every entry it sends, so a consuming guest lets one entry through per
 * question. A guest that consumes out of order only delays its own
 * traffic; entries it marks busy without the device having written them
 * cost nothing. Plain C, no allocation (it builds inside QEMU).
 */
#ifndef VMCFW_HV_CRQ_FLOW_H
#define VMCFW_HV_CRQ_FLOW_H

#include <stdint.h>

/**
 * struct hv_crq_flow - the bookkeeping of one guest CRQ.
 * @qladdr: the queue it is for (IOBA of its first byte)
 * @qsize: its size in bytes
 * @pending: entries written by the device, not yet seen consumed
 * @reads: reads of guest CRQ memory counted so far (the embedder adds its own)
 */
struct hv_crq_flow {
    uint64_t qladdr;
    uint32_t qsize;
    uint32_t pending;
    uint64_t reads;
};

/**
 * hv_crq_flow_reset - start afresh for the queue at @qladdr (registered,
 * freed, machine reset); @reads is kept.
 * @t: the bookkeeping
 * @qladdr: the queue's IOBA
 * @qsize: its size in bytes (0: no queue)
 */
void hv_crq_flow_reset(struct hv_crq_flow *t, uint64_t qladdr, uint32_t qsize);

/**
 * hv_crq_flow_sync - forget the bookkeeping if the queue changed behind the
 * device's back (other address or size) or cannot hold what is pending.
 * @t: the bookkeeping
 * @qladdr: the queue's IOBA now
 * @qsize: its size in bytes now
 */
void hv_crq_flow_sync(struct hv_crq_flow *t, uint64_t qladdr, uint32_t qsize);

/**
 * hv_crq_flow_sent - the device wrote one entry into the queue.
 * @t: the bookkeeping
 */
void hv_crq_flow_sent(struct hv_crq_flow *t);

/**
 * hv_crq_flow_outstanding - entries still unconsumed, after looking at the
 * oldest pending one.
 * @t: the bookkeeping
 * @qladdr: the queue's IOBA
 * @qsize: its size in bytes
 * @qnext: byte offset of the device's enqueue pointer
 * @read_hdr: reads the header byte at IOBA @addr into @hdr; 0 on success
 * @opaque: passed to @read_hdr
 * Return: the number of pending entries (0 without a usable queue), or -1
 * when the header could not be read (unknown: the engine then relies on
 * the full-slot check).
 */
long hv_crq_flow_outstanding(
    struct hv_crq_flow *t, uint64_t qladdr, uint32_t qsize, uint32_t qnext,
    int (*read_hdr)(void *opaque, uint64_t addr, uint8_t *hdr), void *opaque);

#endif /* VMCFW_HV_CRQ_FLOW_H */
