// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv_device.c - the portable core of a VMC device; see hv_device.h.
 */
#include "hv/hv_device.h"

#include <stdio.h>
#include <string.h>

#include "hv/hv_tce.h"
#include "lib/byteorder.h"

/* ------------------------------------------------------------------ */
/* Output toward the peer                                             */
/* ------------------------------------------------------------------ */

static long dev_chr_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct hv_device *d = opaque;

    return d->ops->chr_write(d->opaque, buf, len);
}

/*
 * Act on the backlog's state: a backlog waits for the socket to drain; a
 * connection that refused a write (the peer shut its read side, the
 * connection broke) is closed so the peer can connect again. The close is
 * deferred because we may be inside the peer's own read callback.
 */
static void dev_out_state(struct hv_device *d, int state)
{
    char text[200];

    if (state == HMC_OUTQ_WAITING && !d->watching) {
        d->watching = d->ops->chr_watch(d->opaque, true);
        if (!d->watching) {
            hmc_outq_drop_backlog(&d->outq); /* cannot tell when it drains */
        }
    } else if (state == HMC_OUTQ_FAILED) {
        if (d->watching) {
            d->ops->chr_watch(d->opaque, false);
            d->watching = false;
        }
        if (!d->link_error_logged) {
            /*
             * QEMU's socket chardev reports every hard error as EINVAL: no
             * errno
             */
            d->link_error_logged = true;
            snprintf(
                text, sizeof(text),
                "the HMC peer no longer accepts data (write error, not a full "
                "socket): %llu bytes dropped, closing the connection; later "
                "failures are only counted (out_write_errors in STATUS)",
                (unsigned long long)d->outq.error_bytes);
            d->ops->log(d->opaque, HV_DEVICE_LOG_WARN, text);
        }
        d->ops->chr_close_later(d->opaque);
    }
}

void hv_device_chr_writable(struct hv_device *d)
{
    d->watching = false;
    dev_out_state(d, hmc_outq_flush(&d->outq, dev_chr_write, d));
}

bool hv_device_chr_close_due(const struct hv_device *d)
{
    return d->outq.dead; /* a new connection since the failure revived it */
}

/* link ops->write: one whole frame for the peer */
static void dev_write_frame(void *opaque, const uint8_t *frame, size_t n)
{
    struct hv_device *d = opaque;

    if (d->ops->chr_write) {
        dev_out_state(d, hmc_outq_put(&d->outq, frame, n, dev_chr_write, d));
    }
}

void hv_device_peer_opened(struct hv_device *d)
{
    hmc_outq_reset(&d->outq);
    hmc_link_peer_opened(&d->link);
}

void hv_device_peer_closed(struct hv_device *d)
{
    hmc_outq_reset(&d->outq);
    hmc_link_peer_closed(&d->link);
    if (d->watching) {
        d->ops->chr_watch(d->opaque, false);
        d->watching = false;
    }
}

void hv_device_peer_bytes(struct hv_device *d, const uint8_t *buf, size_t len)
{
    hmc_link_feed(&d->link, buf, len);
}

/* ------------------------------------------------------------------ */
/* Scheduling                                                         */
/* ------------------------------------------------------------------ */

/* The timer follows the engine's next deadline or retry (hv/hv_retry.c). */
static void dev_rearm(struct hv_device *d)
{
    d->ops->timer_set(
        d->opaque, hv_retry_next(&d->retry, &d->hv, d->ops->now_us(d->opaque)));
}

/*
 * Callers are never inside the guest's hcall nor inside an engine call. A
 * stopped machine's memory is left alone: the virtual-clock timer, frozen
 * with the machine, takes over.
 */
void hv_device_kick(struct hv_device *d)
{
    if (!d->ops->running(d->opaque)) {
        d->ops->timer_set(d->opaque, d->ops->now_us(d->opaque));
        return;
    }
    hv_retry_kick(&d->retry, &d->hv);
    dev_rearm(d);
}

/*
 * engine ops->wake: never send from here, we may be inside the guest's
 * hcall or an engine call; the bottom half runs the engine as soon as that
 * returns. New work (or guest activity that may have freed CRQ slots) ends
 * any backoff.
 */
static void dev_wake(void *opaque)
{
    struct hv_device *d = opaque;

    hv_retry_restart(&d->retry);
    d->ops->kick_later(d->opaque);
}

/*
 * link ops->kick: a peer command left the engine with work; between commands,
 * safe to run
 */
static void dev_link_kick(void *opaque)
{
    struct hv_device *d = opaque;

    hv_retry_restart(&d->retry);
    hv_device_kick(d);
}

/* ------------------------------------------------------------------ */
/* The guest's CRQ                                                    */
/* ------------------------------------------------------------------ */

static void dev_flow_reset(struct hv_device *d)
{
    struct hv_device_crq q;

    d->ops->crq_get(d->opaque, &q);
    hv_crq_flow_reset(&d->flow, q.qladdr, q.qsize);
}

static int dev_send_to_mp(void *opaque, uint64_t hi, uint64_t lo)
{
    struct hv_device *d = opaque;
    struct hv_device_crq q;
    uint8_t entry[16];
    char text[96];
    int rc;

    d->ops->crq_get(d->opaque, &q);
    if (!q.qsize) {
        d->mp_registered = false; /* the engine treats CLOSED as freed */
        return VMC_HV_TX_CLOSED;
    }
    hv_crq_flow_sync(&d->flow, q.qladdr, q.qsize);
    store_be64(entry, hi);
    store_be64(entry + 8, lo);
    d->flow.reads++; /* the platform's send reads the slot's header */
    rc = d->ops->crq_send(d->opaque, entry);
    if (rc == 0) {
        hv_crq_flow_sent(&d->flow);
        hmc_link_trace_crq(&d->link, hi, lo, true);
        return VMC_HV_TX_OK;
    }
    if (rc == 1) {
        if (hmc_link_crq_full_drop(&d->link)) {
            d->crq_full_dropped++;
            return VMC_HV_TX_OK;
        }
        return VMC_HV_TX_FULL;
    }
    /* CRQ page not mapped (or not writable) in pane 0: retry later */
    if (!d->crq_dma_errors++) {
        snprintf(text, sizeof(text),
                 "CRQ at IOBA 0x%llx not writable through the TCE table",
                 (unsigned long long)(q.qladdr + q.qnext));
        d->ops->log(d->opaque, 1, text);
    }
    return VMC_HV_TX_FULL;
}

/* the platform's IOMMU decides, as for its own reads of the CRQ */
static int dev_crq_read_hdr(void *opaque, uint64_t ioba, uint8_t *hdr)
{
    struct hv_device *d = opaque;

    return d->ops->dma_rw(d->opaque, ioba, hdr, 1, false) ? -1 : 0;
}

/*
 * engine ops->mp_outstanding: the PAPR half-queue rule's input
 * (hv/hv_crq_flow.h)
 */
static long dev_mp_outstanding(void *opaque)
{
    struct hv_device *d = opaque;
    struct hv_device_crq q;

    d->ops->crq_get(d->opaque, &q);
    return hv_crq_flow_outstanding(&d->flow, q.qladdr, q.qsize, q.qnext,
                                   dev_crq_read_hdr, d);
}

/* Tell the engine what the platform holds, if it does not know yet. */
static void dev_sync_registration(struct hv_device *d)
{
    struct hv_device_crq q;

    d->ops->crq_get(d->opaque, &q);
    if (q.qsize && !d->mp_registered) {
        d->mp_registered = true;
        hv_crq_flow_reset(&d->flow, q.qladdr, q.qsize);
        hmc_link_mp_registered(&d->link, q.qsize / 16);
    } else if (!q.qsize && d->mp_registered) {
        d->mp_registered = false;
        hv_crq_flow_reset(&d->flow, q.qladdr, q.qsize);
        hmc_link_mp_freed(&d->link);
    }
}

void hv_device_crq_changed(struct hv_device *d, bool registered)
{
    dev_flow_reset(d);
    if (d->mp_registered) {
        d->mp_registered = false;
        hmc_link_mp_freed(&d->link);
    }
    if (registered) {
        dev_sync_registration(d);
    }
    dev_wake(d);
}

void hv_device_reset(struct hv_device *d)
{
    dev_flow_reset(d);
    hv_retry_restart(&d->retry);
    d->mp_registered = false;
    hmc_link_mp_freed(&d->link);
    dev_rearm(d);
}

int hv_device_suspend(struct hv_device *d)
{
    return vmc_hv_suspend(&d->hv);
}

void hv_device_crq_enabled(struct hv_device *d)
{
    vmc_hv_mp_enabled(&d->hv);
}

void hv_device_run_state(struct hv_device *d, bool running,
                         bool suspend_on_resume)
{
    if (!running) {
        d->was_stopped = true;
    } else if (d->was_stopped) {
        d->was_stopped = false;
        if (suspend_on_resume) {
            vmc_hv_suspend(&d->hv);
        }
    }
}

long hv_device_guest_crq(struct hv_device *d, const uint8_t entry[16])
{
    long rc;

    dev_sync_registration(d);
    rc = hmc_link_guest_entry(&d->link, load_be64(entry), load_be64(entry + 8));
    if (vmc_hv_outq_len(&d->hv) ||
        vmc_hv_next_deadline_us(&d->hv) != UINT64_MAX) {
        dev_wake(d);
    }
    return rc;
}

long hv_device_request_vmc(struct hv_device *d, uint64_t *drc_index)
{
    long rc = hmc_link_request_vmc(&d->link, drc_index);

    dev_wake(d);
    return rc;
}

long hv_device_copy_rdma(struct hv_device *d, const uint64_t args[5])
{
    long rc = hmc_link_copy_rdma(&d->link, args);

    dev_wake(d);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Engine and link environment                                        */
/* ------------------------------------------------------------------ */

/*
 * Pane 0: the LIOBN must be this device's, the range and the TCE permission
 * bits follow the engine's one rule (hv/hv_tce.c; under bypass any range
 * below 4 GiB), and the whole range must then be backed.
 */
static long dev_dma_check(void *opaque, uint64_t liobn, uint64_t ioba,
                          uint64_t len, bool write)
{
    struct hv_device *d = opaque;
    struct hv_device_tce t;
    long rc;

    if (!d->ops->tce_get(d->opaque, &t) || liobn != t.liobn) {
        return HV_H_PARAMETER;
    }
    if (t.bypass) {
        rc = len > UINT32_MAX ? HV_H_PARAMETER : HV_H_SUCCESS;
    } else {
        rc = vmc_hv_tce_check(t.table, t.nb_table, t.page_shift, t.bus_offset,
                              ioba, len, write);
    }
    if (rc != HV_H_SUCCESS || len == 0) {
        return rc;
    }
    return d->ops->dma_valid(d->opaque, ioba, len, write) ? HV_H_SUCCESS
                                                          : HV_H_PARAMETER;
}

static long dev_dma_rw(struct hv_device *d, uint64_t liobn, uint64_t ioba,
                       void *buf, uint64_t len, bool write)
{
    long rc = dev_dma_check(d, liobn, ioba, len, write);

    if (rc == HV_H_SUCCESS && len &&
        d->ops->dma_rw(d->opaque, ioba, buf, len, write)) {
        rc = HV_H_PARAMETER;
    }
    return rc;
}

static long dev_dma_read(void *opaque, uint64_t liobn, uint64_t ioba, void *buf,
                         uint64_t len)
{
    return dev_dma_rw(opaque, liobn, ioba, buf, len, false);
}

static long dev_dma_write(void *opaque, uint64_t liobn, uint64_t ioba,
                          const void *buf, uint64_t len)
{
    /*
     * the buffer is only read: the platform's one copy routine takes it
     * non-const
     */
    return dev_dma_rw(opaque, liobn, ioba, (void *)buf, len, true);
}

static void dev_log(void *opaque, int level, const char *text)
{
    struct hv_device *d = opaque;

    d->ops->log(d->opaque, level, text);
}

static uint64_t dev_now_us(void *opaque)
{
    struct hv_device *d = opaque;

    return d->ops->now_us(d->opaque);
}

static void dev_event(void *opaque, const struct vmc_hv_event *ev)
{
    struct hv_device *d = opaque;

    hmc_link_engine_event(&d->link, ev);
}

/* link ops->glue_status: what only the device knows, for STATUS */
static void dev_glue_status(void *opaque, struct hmc_link_glue_status *st)
{
    struct hv_device *d = opaque;
    struct hv_device_crq q;

    d->ops->crq_get(d->opaque, &q);
    st->unit_address = q.unit_address;
    st->flags = (q.qsize ? HMC_LINK_FLAG_CRQ_REGISTERED : 0) |
                (d->mp_registered ? HMC_LINK_FLAG_ENGINE_REGISTERED : 0) |
                (q.irq ? HMC_LINK_FLAG_CRQ_IRQ : 0);
    st->crq_bytes = q.qsize;
    st->kicks = d->retry.kicks;
    st->crq_reads = d->flow.reads;
    st->out_dropped = d->outq.dropped;
    st->out_write_errors = d->outq.write_errors;
    st->out_error_bytes = d->outq.error_bytes;
}

const char *hv_device_configure(struct hv_props *p, uint32_t unit_address,
                                uint32_t local_liobn, struct vmc_hv_config *cfg,
                                struct hmc_link_config *link, size_t *hvmem_len)
{
    const char *why =
        hv_props_configure(p, unit_address, local_liobn, cfg, link);

    if (why) {
        return why;
    }
    if (p->remote_liobn == local_liobn) {
        return "remote-liobn is already in use (it is pane 0's LIOBN)";
    }
    *hvmem_len = vmc_hv_backing_size(cfg);
    return *hvmem_len ? NULL : "configuration refused by the engine";
}

int hv_device_init(struct hv_device *d, const struct vmc_hv_config *cfg,
                   const struct hmc_link_config *link_cfg,
                   const struct hv_device_ops *ops, void *opaque,
                   size_t hvmem_len, size_t outcap)
{
    uint8_t *hvmem = ops->alloc(hvmem_len), *outbuf = ops->alloc(outcap);
    int r = hvmem && outbuf ? VMC_HV_OK : VMC_HV_ERR_NOBUF;

    *d = (struct hv_device){ .ops = ops,
                             .opaque = opaque,
                             .hvmem_len = hvmem_len };
    d->hv_ops = (struct vmc_hv_ops){
        .send_to_mp = dev_send_to_mp,
        .mp_outstanding = dev_mp_outstanding,
        .mp_dma_check = dev_dma_check,
        .mp_dma_read = dev_dma_read,
        .mp_dma_write = dev_dma_write,
        .event = dev_event,
        .log = dev_log,
        .now_us = dev_now_us,
        .wake = dev_wake,
    };
    d->link_ops = (struct hmc_link_ops){
        .write = dev_write_frame,
        .now_us = dev_now_us,
        .kick = dev_link_kick,
        .glue_status = dev_glue_status,
    };
    hmc_outq_init(&d->outq, outbuf, outcap);
    hv_retry_init(&d->retry);
    if (r == VMC_HV_OK) {
        r = vmc_hv_init(&d->hv, cfg, &d->hv_ops, d, hvmem, hvmem_len);
    }
    if (r == VMC_HV_OK) {
        r = hmc_link_init(&d->link, link_cfg, &d->link_ops, d, &d->hv);
    }
    if (r == VMC_HV_OK) {
        d->hvmem = hvmem;
        return r;
    }
    if (hvmem) {
        ops->free(hvmem);
    }
    if (outbuf) {
        ops->free(outbuf);
    }
    d->outq.buf = NULL;
    return r;
}

void hv_device_fini(struct hv_device *d)
{
    hv_device_snap_drop(d);
    if (d->hvmem) {
        d->ops->free(d->hvmem);
        d->ops->free(d->outq.buf);
    }
    d->hvmem = NULL;
    d->outq.buf = NULL;
}

/* ------------------------------------------------------------------ */
/* Device tree and migration                                          */
/* ------------------------------------------------------------------ */

bool hv_device_dt(const struct hv_device *d, const char *loc_code,
                  struct hv_device_dt *dt)
{
    static const char *const names[HV_DEVICE_DT_PROPS] = {
        "ibm,my-dma-window", "ibm,#dma-address-cells", "ibm,#dma-size-cells",
        "ibm,my-drc-index",  "ibm,loc-code",
    };
    uint8_t *w = (uint8_t *)dt->window;
    struct hv_device_tce t;
    unsigned int i;

    if (!d->ops->tce_get(d->opaque, &t)) {
        return false;
    }
    if (!loc_code) {
        loc_code = HV_DEVICE_LOC_CODE;
    }
    /* #address-cells = #size-cells = 2; pane 1 starts at 0 */
    store_be32(w, t.liobn);
    store_be64(w + 4, t.bus_offset);
    store_be64(w + 12, t.nb_table << t.page_shift);
    store_be32(w + 20, (uint32_t)d->hv.cfg.remote_liobn);
    store_be64(w + 24, 0);
    store_be64(w + 32, vmc_hv_remote_window_size(&d->hv));
    store_be32((uint8_t *)&dt->cells[0], 2);
    store_be32((uint8_t *)&dt->cells[1], 2);
    store_be32((uint8_t *)&dt->cells[2], d->hv.cfg.drc_index);
    dt->prop[0] =
        (struct hv_device_dt_prop){ names[0], dt->window, sizeof(dt->window) };
    for (i = 1; i <= 3; i++) {
        dt->prop[i] =
            (struct hv_device_dt_prop){ names[i], &dt->cells[i - 1], 4 };
    }
    dt->prop[4] = (struct hv_device_dt_prop){ names[4], loc_code,
                                              (int)strlen(loc_code) + 1 };
    return true;
}

static void dev_snap_refused(struct hv_device *d, const char *why)
{
    char text[220];

    snprintf(text, sizeof(text), "incoming engine state refused: %s", why);
    d->ops->log(d->opaque, HV_DEVICE_LOG_ERROR, text);
}

void hv_device_snap_drop(struct hv_device *d)
{
    if (d->snap) {
        d->ops->free(d->snap);
    }
    d->snap = NULL;
    d->snap_len = 0;
}

int hv_device_snap_prepare(struct hv_device *d)
{
    size_t n = vmc_hv_snapshot_size(&d->hv);
    uint8_t *p;
    char text[96];

    hv_device_snap_drop(d);
    if (n == 0 || n > UINT32_MAX - HV_DEVICE_SNAP_DEV_LEN) {
        snprintf(text, sizeof(text),
                 "engine state of %zu bytes cannot be saved", n);
        d->ops->log(d->opaque, HV_DEVICE_LOG_ERROR, text);
        return -1;
    }
    p = d->ops->alloc(HV_DEVICE_SNAP_DEV_LEN + n);
    if (!p) {
        d->ops->log(d->opaque, HV_DEVICE_LOG_ERROR,
                    "no memory for the device's state");
        return -1;
    }
    d->snap = p;
    d->snap_len = (uint32_t)(HV_DEVICE_SNAP_DEV_LEN + n);
    memset(p, 0, HV_DEVICE_SNAP_DEV_LEN);
    memcpy(p, HV_DEVICE_SNAP_MAGIC, 8);
    p[8] = d->mp_registered;
    store_be64(p + 16, d->flow.qladdr);
    store_be32(p + 24, d->flow.qsize);
    store_be32(p + 28, d->flow.pending);
    store_be64(p + 32, d->crq_full_dropped);
    store_be64(p + 40, d->crq_dma_errors);
    if (vmc_hv_snapshot_save(&d->hv, p + HV_DEVICE_SNAP_DEV_LEN, n, NULL) !=
        VMC_HV_OK) {
        d->ops->log(d->opaque, HV_DEVICE_LOG_ERROR,
                    "the engine refused to save its state");
        hv_device_snap_drop(d);
        return -1;
    }
    return 0;
}

/*
 * The engine's state is its backing store plus well under 1 MiB of bookkeeping.
 */
bool hv_device_snap_len_ok(const struct hv_device *d)
{
    return d->snap_len > HV_DEVICE_SNAP_DEV_LEN &&
           d->snap_len <= d->hvmem_len + HV_DEVICE_SNAP_SLACK;
}

/* The device block: NULL when it is sound, else why not. */
static const char *dev_snap_block_fault(const uint8_t *p)
{
    unsigned int i;

    if (memcmp(p, HV_DEVICE_SNAP_MAGIC, 8)) {
        return "device block: bad magic";
    }
    if (p[8] > 1) {
        return "device block: CRQ registration flag is neither 0 nor 1";
    }
    for (i = 9; i < 16; i++) {
        if (p[i]) {
            return "device block: reserved bytes are not zero";
        }
    }
    return NULL;
}

static int dev_snap_load(struct hv_device *d)
{
    const uint8_t *p = d->snap;
    const char *fault;
    char why[160], text[160];

    if (!p || !hv_device_snap_len_ok(d)) {
        snprintf(text, sizeof(text), "%u bytes announced, at most %zu expected",
                 d->snap_len, d->hvmem_len + HV_DEVICE_SNAP_SLACK);
        dev_snap_refused(d, text);
        return -1;
    }
    fault = dev_snap_block_fault(p);
    if (fault) {
        dev_snap_refused(d, fault);
        return -1;
    }
    if (vmc_hv_snapshot_restore(&d->hv, p + HV_DEVICE_SNAP_DEV_LEN,
                                d->snap_len - HV_DEVICE_SNAP_DEV_LEN, why,
                                sizeof(why)) != VMC_HV_OK) {
        dev_snap_refused(d, why);
        return -1;
    }
    /*
     * the CRQ flow is re-checked against the registration at each use
     * (hv_crq_flow_sync())
     */
    d->mp_registered = p[8];
    d->flow.qladdr = load_be64(p + 16);
    d->flow.qsize = load_be32(p + 24);
    d->flow.pending = load_be32(p + 28);
    d->crq_full_dropped = load_be64(p + 32);
    d->crq_dma_errors = load_be64(p + 40);
    return 0;
}

int hv_device_snap_load(struct hv_device *d, bool suspend)
{
    int r = dev_snap_load(d);

    hv_device_snap_drop(d);
    if (r) {
        return -1;
    }
    /*
     * The suspension first (VMC_HV_ERR_STATE without a CRQ: nothing to
     * tell): a peer connected before the state arrived then learns the
     * state after it, never sessions the event ends at once.
     */
    if (suspend) {
        vmc_hv_suspend(&d->hv);
    }
    hv_retry_restart(&d->retry);
    dev_rearm(d);
    /* a peer connected before the state arrived was told "down": retell */
    hmc_link_announce(&d->link);
    return 0;
}
