// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv_crq_flow.c - unconsumed entries of the guest's CRQ; see hv_crq_flow.h.
 */
#include "hv/hv_crq_flow.h"

#include "lib/crq_format.h"

void hv_crq_flow_reset(struct hv_crq_flow *t, uint64_t qladdr, uint32_t qsize)
{
    t->qladdr = qladdr;
    t->qsize = qsize;
    t->pending = 0;
}

void hv_crq_flow_sync(struct hv_crq_flow *t, uint64_t qladdr, uint32_t qsize)
{
    if (qladdr != t->qladdr || qsize != t->qsize ||
        (uint64_t)t->pending * 16 > qsize) {
        hv_crq_flow_reset(t, qladdr, qsize);
    }
}

void hv_crq_flow_sent(struct hv_crq_flow *t)
{
    t->pending++;
}

long hv_crq_flow_outstanding(
    struct hv_crq_flow *t, uint64_t qladdr, uint32_t qsize, uint32_t qnext,
    int (*read_hdr)(void *opaque, uint64_t addr, uint8_t *hdr), void *opaque)
{
    uint32_t oldest;
    uint8_t hdr;

    if (qsize < 16 || qnext >= qsize) {
        return 0;
    }
    hv_crq_flow_sync(t, qladdr, qsize);
    if (!t->pending) {
        return 0;
    }
    oldest = (uint32_t)((qnext + qsize - (uint64_t)16 * t->pending) % qsize);
    t->reads++;
    if (read_hdr(opaque, qladdr + oldest, &hdr)) {
        return -1;
    }
    if (!(hdr & CRQ_HDR_VALID_BIT)) {
        t->pending--;
    }
    return t->pending;
}
