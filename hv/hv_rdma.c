// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv_rdma.c - H_COPY_RDMA and H_REQUEST_VMC as the HV implements them
 * (docs/vmc-protocol.md §3.4, docs/qemu-device.md §2.2).
 *
 * H_COPY_RDMA is the only door into HV memory the guest has: every
 * argument is checked before a byte moves. Pane 0 (the MP's own memory
 * through its TCEs) is checked by the embedder's ops; pane 1 (our buffers)
 * is checked here against the buffers we advertised.
 *
 * Ranking of errors when several apply: LIOBN and range problems first
 * (source before destination), then permissions: PAPR lists them in that
 * order, and it means an MP sees "bad address" before "not allowed".
 */
#include <string.h>

#include "hv/hv_internal.h"

enum pane {
    PANE_NONE = -1,
    PANE_LOCAL = 0,
    PANE_REMOTE = 1
};

static enum pane pane_of(const struct vmc_hv *hv, uint64_t liobn)
{
    if (liobn == hv->cfg.local_liobn) {
        return PANE_LOCAL;
    }
    if (liobn == hv->cfg.remote_liobn) {
        return PANE_REMOTE;
    }
    return PANE_NONE;
}

/*
 * Check a pane-1 range: it must lie inside one advertised buffer of an
 * index of the live channel. Returns HV_H_SUCCESS, HV_H_PARAMETER (range)
 * or HV_H_PERMISSION (strict ownership); *@offset gets the byte offset in
 * the backing store.
 */
static long remote_check(struct vmc_hv *hv, uint64_t ioba, uint64_t len,
                         uint64_t *offset)
{
    uint64_t off, slot, in_slot;
    unsigned int index, id;
    const struct vmc_hv_buf *b;

    /* Pane 1 exists only while the partnership (and our buffers) does. */
    if (hv->phase != VMC_HV_PHASE_READY) {
        return HV_H_PARAMETER;
    }
    if (ioba < hv->cfg.remote_base) {
        return HV_H_PARAMETER;
    }
    off = ioba - hv->cfg.remote_base;
    if (off >= hv->remote_size || len > hv->remote_size - off) {
        return HV_H_PARAMETER;
    }
    slot = off / hv->cfg.max_mtu;
    in_slot = off % hv->cfg.max_mtu;
    index = (unsigned int)(slot / hv->cfg.pool_size);
    id = (unsigned int)(slot % hv->cfg.pool_size);
    if (index >= hv->nhmc || id >= hv->pool) {
        return HV_H_PARAMETER;
    }
    if (in_slot > hv->mtu || len > hv->mtu - in_slot) {
        return HV_H_PARAMETER;
    }
    b = &hv->hmc[index].bufs[id];
    if (b->state == VMC_HV_BUF_ABSENT && !b->retired) {
        return HV_H_PARAMETER;
    }
    /*
     * Ownership is checked on confirmed buffers only: a pending one may be
     * a retired ID reused while the MP still copies out an old SIGNAL, and
     * we never write into a buffer before its ADD_BUF_RESP anyway.
     */
    if (b->state == VMC_HV_BUF_PRESENT && b->owner != VMC_HV_OWNER_MP) {
        hv_violation(hv, VMC_HV_V_RDMA_OWNER,
                     "copy touches HV-owned buffer %u of index %u", id, index);
        if (hv->cfg.strict) {
            return HV_H_PERMISSION;
        }
    }
    *offset = off;
    return HV_H_SUCCESS;
}

/* Check one side. Returns HV_H_SUCCESS, HV_H_PARAMETER or HV_H_PERMISSION. */
static long side_check(struct vmc_hv *hv, enum pane p, uint64_t ioba,
                       uint64_t len, bool write, uint64_t *offset)
{
    long rc;

    if (ioba + len < ioba) {
        return HV_H_PARAMETER;
    }
    if (p == PANE_REMOTE) {
        return remote_check(hv, ioba, len, offset);
    }
    if (!hv->ops->mp_dma_check) {
        return HV_H_SUCCESS; /* the copy itself will tell */
    }
    rc = hv->ops->mp_dma_check(hv->opaque, hv->cfg.local_liobn, ioba, len,
                               write);
    if (rc == HV_H_SUCCESS || rc == HV_H_PERMISSION) {
        return rc;
    }
    return HV_H_PARAMETER;
}

static long copy_error(long rc, long parm)
{
    return rc == HV_H_PERMISSION ? HV_H_PERMISSION : parm;
}

static long do_copy(struct vmc_hv *hv, uint64_t len, enum pane sp, uint64_t sa,
                    uint64_t soff, enum pane dp, uint64_t da, uint64_t doff)
{
    uint64_t liobn = hv->cfg.local_liobn;
    long rc;

    if (sp == PANE_LOCAL && dp == PANE_REMOTE) {
        rc = hv->ops->mp_dma_read(hv->opaque, liobn, sa, hv->mem + doff, len);
        return rc == HV_H_SUCCESS ? rc : copy_error(rc, HV_H_SOURCE_PARM);
    }
    if (sp == PANE_REMOTE && dp == PANE_LOCAL) {
        rc = hv->ops->mp_dma_write(hv->opaque, liobn, da, hv->mem + soff, len);
        return rc == HV_H_SUCCESS ? rc : copy_error(rc, HV_H_DEST_PARM);
    }
    if (sp == PANE_REMOTE) {
        memmove(hv->mem + doff, hv->mem + soff, len);
        return HV_H_SUCCESS;
    }
    /* local -> local through a bounce buffer, a page at a time */
    while (len) {
        uint64_t n = len < sizeof(hv->bounce) ? len : sizeof(hv->bounce);

        rc = hv->ops->mp_dma_read(hv->opaque, liobn, sa, hv->bounce, n);
        if (rc != HV_H_SUCCESS) {
            return copy_error(rc, HV_H_SOURCE_PARM);
        }
        rc = hv->ops->mp_dma_write(hv->opaque, liobn, da, hv->bounce, n);
        if (rc != HV_H_SUCCESS) {
            return copy_error(rc, HV_H_DEST_PARM);
        }
        sa += n;
        da += n;
        len -= n;
    }
    return HV_H_SUCCESS;
}

static long copy_rdma(struct vmc_hv *hv, uint64_t len, uint64_t sl, uint64_t sa,
                      uint64_t dl, uint64_t da)
{
    enum pane sp = pane_of(hv, sl), dp = pane_of(hv, dl);
    uint64_t soff = 0, doff = 0;
    long rs, rd;

    if (hv->rdma_fault_count) {
        if (hv->rdma_fault_skip) {
            hv->rdma_fault_skip--;
        } else {
            hv->rdma_fault_count--;
            hv->stats.faults_fired++;
            hv_log(hv, HV_LOG_INFO, "fault: H_COPY_RDMA fails with %ld",
                   hv->rdma_fault_rc);
            return hv->rdma_fault_rc;
        }
    }
    if (len > hv->cfg.max_copy_len) {
        return HV_H_PARAMETER;
    }
    if (sp == PANE_NONE) {
        return HV_H_SOURCE_PARM;
    }
    if (dp == PANE_NONE) {
        return HV_H_DEST_PARM;
    }
    if (sp == dp) {
        hv_violation(hv, VMC_HV_V_RDMA_SAME_PANE, "%s->%s copy of %llu bytes",
                     sp == PANE_LOCAL ? "local" : "remote",
                     dp == PANE_LOCAL ? "local" : "remote",
                     (unsigned long long)len);
        if (hv->cfg.strict) {
            return HV_H_PARAMETER;
        }
    }
    if (len == 0) {
        return HV_H_SUCCESS;
    }
    rs = side_check(hv, sp, sa, len, false, &soff);
    rd = side_check(hv, dp, da, len, true, &doff);
    if (rs == HV_H_PARAMETER) {
        return HV_H_SOURCE_PARM;
    }
    if (rd == HV_H_PARAMETER) {
        return HV_H_DEST_PARM;
    }
    if (rs != HV_H_SUCCESS || rd != HV_H_SUCCESS) {
        return HV_H_PERMISSION;
    }
    return do_copy(hv, len, sp, sa, soff, dp, da, doff);
}

long vmc_hv_copy_rdma(struct vmc_hv *hv, uint64_t len, uint64_t src_liobn,
                      uint64_t src_ioba, uint64_t dst_liobn, uint64_t dst_ioba)
{
    long rc;

    hv->stats.rdma_calls++;
    rc = copy_rdma(hv, len, src_liobn, src_ioba, dst_liobn, dst_ioba);
    if (rc == HV_H_SUCCESS) {
        hv->stats.rdma_ok++;
        hv->stats.rdma_bytes += len;
    } else {
        hv->stats.rdma_errors++;
        hv_log(hv, HV_LOG_DEBUG,
               "H_COPY_RDMA(%llu, 0x%llx:0x%llx -> 0x%llx:0x%llx) = %ld",
               (unsigned long long)len, (unsigned long long)src_liobn,
               (unsigned long long)src_ioba, (unsigned long long)dst_liobn,
               (unsigned long long)dst_ioba, rc);
    }
    return rc;
}

long vmc_hv_request_vmc(struct vmc_hv *hv, uint64_t *drc_index)
{
    long rc = HV_H_SUCCESS;

    hv->stats.request_vmc_calls++;
    if (hv_knob_set(hv, VMC_HV_KNOB_REQUEST_VMC_RC)) {
        rc = (long)hv->knob[VMC_HV_KNOB_REQUEST_VMC_RC];
        /* A count makes "busy N times, then success" scripts possible. */
        if (hv_knob_set(hv, VMC_HV_KNOB_REQUEST_VMC_COUNT) &&
            hv->knob[VMC_HV_KNOB_REQUEST_VMC_COUNT] > 0 &&
            --hv->knob[VMC_HV_KNOB_REQUEST_VMC_COUNT] == 0) {
            hv->knob[VMC_HV_KNOB_REQUEST_VMC_RC] = VMC_HV_KNOB_OFF;
            hv->knob[VMC_HV_KNOB_REQUEST_VMC_COUNT] = VMC_HV_KNOB_OFF;
        }
    }
    /*
     * r4 carries the DRC index only on success; a VMC that exists is fine
     * (vmc-protocol.md §8.9).
     */
    if (rc == HV_H_SUCCESS && drc_index) {
        *drc_index = hv->cfg.drc_index;
    }
    return rc;
}
