// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spapr-vmc: the hypervisor side of the IBM Virtual Management Channel as a
 * sPAPR VIO device for QEMU 7.2 (built as hw/ppc/spapr_vmc.c by the vmcfw
 * project's hv/qemu/build-qemu.sh).
 *
 * QEMU glue only; no protocol rule lives here. The VMC protocol is the
 * portable engine hv/vmc_hv.[ch]; the HMC peer protocol (commands, ERROR
 * codes, events, STATUS) is the link layer hv/hmc_link.[ch]; both are
 * host-tested and fuzzed. Here: the VIO device and its properties, the CRQ
 * and the hcalls (H_SEND_CRQ, H_REQUEST_VMC, H_COPY_RDMA), pane-0 DMA
 * through the device's TCE table, the chardev to the peer with a bounded
 * non-blocking output buffer (a peer that stops reading loses events, a
 * peer whose socket refuses writes is disconnected: docs/qemu-device.md
 * §2.4), and scheduling: the engine sends from a bottom half, after a peer
 * command, or from a QEMU_CLOCK_VIRTUAL timer, never inside the guest's
 * hcall. Every value from the guest or the peer is hostile. State is
 * protected by the BQL (hcalls, timers and chardev handlers all hold it).
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "sysemu/runstate.h"
#include "qemu/timer.h"
#include "qemu/bswap.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "chardev/char-fe.h"
#include "migration/vmstate.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_vio.h"
#include <libfdt.h>

#include "hv/vmc_hv.h"
#include "hv/hmc_link.h"
#include "hv/hmc_outq.h"
#include "hv/hv_crq_flow.h"
#include "hv/hv_props.h"
#include "hv/hv_retry.h"
#include "hv/hv_tce.h"

#ifndef H_REQUEST_VMC
#define H_REQUEST_VMC 0x360
#endif

#define TYPE_SPAPR_VMC "spapr-vmc"
OBJECT_DECLARE_SIMPLE_TYPE(SpaprVmcState, SPAPR_VMC)

/* Pane 0: the guest's own TCE window (CRQ page and local buffer shadows). */
#define SPAPR_VMC_PANE0_SIZE    0x01000000u
/* Bytes of host-bound frames held while the peer is not reading. */
#define SPAPR_VMC_OUT_MAX       (1024 * 1024)
/* Bytes accepted from the chardev per read callback. */
#define SPAPR_VMC_IN_CHUNK      4096

struct SpaprVmcState {
    SpaprVioDevice sdev;

    /* properties (checked by hv/hv_props.c) */
    CharBackend chr;
    struct hv_props props;
    char *loc_code;

    /* engine */
    struct vmc_hv *hv;
    uint8_t *hvmem;
    size_t hvmem_len;
    struct vmc_hv_ops ops;
    QEMUTimer *timer;          /* deadlines (delays, re-init) and retries with backoff */
    QEMUBH *kick_bh;           /* new work: run the engine right after the current call */
    bool mp_registered;        /* what we told the engine */
    struct hv_retry retry;     /* deadlines and the backoff of blocked retries */

    /* the guest's CRQ: our entries it has not consumed */
    struct hv_crq_flow flow;

    /* host link: the protocol in hv/hmc_link.c, the connection here */
    struct hmc_link *link;
    struct hmc_link_ops link_ops;
    struct hmc_outq outq;      /* bounded backlog (hv/hmc_outq.c) on outbuf */
    uint8_t *outbuf;
    guint out_watch;
    bool link_error_logged;
    QEMUBH *disconnect_bh;
    uint64_t crq_full_dropped;
    uint64_t crq_dma_errors;

    /* migration: the engine's state as one stream (hv/hv_snapshot.c) */
    uint8_t *snap;
    uint32_t snap_len;
};

static void spapr_vmc_snap_free(SpaprVmcState *s);

/* The one VMC device of the machine (the hcalls carry no unit address). */
static SpaprVmcState *spapr_vmc_singleton;

/* ------------------------------------------------------------------ */
/* Host link output                                                   */
/* ------------------------------------------------------------------ */

static void spapr_vmc_out_state(SpaprVmcState *s, int state);

/*
 * The connection's write for hv/hmc_outq.c: bytes taken, 0 when full, -1 on a
 * hard error.
 */
static long spapr_vmc_chr_write(void *opaque, const uint8_t *buf, size_t len)
{
    SpaprVmcState *s = opaque;
    int n;

    errno = 0;
    n = qemu_chr_fe_write(&s->chr, buf, (int)MIN(len, (size_t)INT_MAX));
    if (n > 0) {
        return n;
    }
    return n < 0 && errno == EAGAIN ? 0 : -1;
}

static gboolean spapr_vmc_out_ready(void *do_not_use, GIOCondition cond, void *opaque)
{
    SpaprVmcState *s = opaque;

    s->out_watch = 0;
    spapr_vmc_out_state(s, hmc_outq_flush(&s->outq, spapr_vmc_chr_write, s));
    return G_SOURCE_REMOVE;
}

/*
 * Act on the output queue's state: a backlog waits for the socket to drain;
 * a connection that refused a write (the peer shut its read side, the
 * connection broke) is closed so the peer can connect again. The close runs
 * from a bottom half because we may be inside the chardev's own read
 * callback (parsing the peer's frames).
 */
static void spapr_vmc_out_state(SpaprVmcState *s, int state)
{
    if (state == HMC_OUTQ_WAITING && !s->out_watch) {
        s->out_watch = qemu_chr_fe_add_watch(&s->chr, G_IO_OUT | G_IO_HUP,
                                             spapr_vmc_out_ready, s);
        if (!s->out_watch) {
            /* backend cannot tell us when it drains: give up on the backlog */
            hmc_outq_drop_backlog(&s->outq);
        }
    } else if (state == HMC_OUTQ_FAILED) {
        if (s->out_watch) {
            g_source_remove(s->out_watch);
            s->out_watch = 0;
        }
        if (!s->link_error_logged) {
            /*
             * QEMU's socket chardev reports every hard error as EINVAL: no
             * errno here.
             */
            s->link_error_logged = true;
            warn_report("spapr-vmc: the HMC peer no longer accepts data (write error, not a "
                        "full socket): %" PRIu64 " bytes dropped, closing the connection; "
                        "later failures are only counted (out_write_errors in STATUS)",
                        s->outq.error_bytes);
        }
        qemu_bh_schedule(s->disconnect_bh);
    }
}

static void spapr_vmc_disconnect_bh(void *opaque)
{
    SpaprVmcState *s = opaque;

    /* A new connection since the failure revived the queue: leave it alone. */
    if (s->outq.dead) {
        qemu_chr_fe_disconnect(&s->chr);
    }
}

/* ops->write of the link: one whole frame for the peer. */
static void spapr_vmc_write_frame(void *opaque, const uint8_t *frame, size_t n)
{
    SpaprVmcState *s = opaque;

    if (qemu_chr_fe_backend_connected(&s->chr)) {
        spapr_vmc_out_state(s, hmc_outq_put(&s->outq, frame, n, spapr_vmc_chr_write, s));
    }
}

/* ------------------------------------------------------------------ */
/* Engine environment                                                 */
/* ------------------------------------------------------------------ */

static uint64_t spapr_vmc_now_us(void *opaque)
{
    return qemu_clock_get_us(QEMU_CLOCK_VIRTUAL);
}

/* The timer follows the engine's next deadline or retry (hv/hv_retry.c). */
static void spapr_vmc_rearm(SpaprVmcState *s)
{
    uint64_t due = hv_retry_next(&s->retry, s->hv, qemu_clock_get_us(QEMU_CLOCK_VIRTUAL));

    if (due == UINT64_MAX) {
        timer_del(s->timer);
    } else {
        timer_mod(s->timer, (int64_t)due);
    }
}

/*
 * Run the engine's deferred work now. Callers are never inside the guest's
 * hcall nor inside an engine call. A stopped machine's memory is left
 * alone: the virtual-clock timer, frozen with the machine, takes over.
 */
static void spapr_vmc_kick_now(SpaprVmcState *s)
{
    if (!runstate_is_running()) {
        timer_mod_anticipate(s->timer, qemu_clock_get_us(QEMU_CLOCK_VIRTUAL));
        return;
    }
    hv_retry_kick(&s->retry, s->hv);
    spapr_vmc_rearm(s);
}

static void spapr_vmc_kick_cb(void *opaque)
{
    spapr_vmc_kick_now(opaque);
}

/*
 * ops->wake: never send from here, we may be inside the guest's hcall or an
 * engine call. A bottom half runs the engine as soon as that returns. New
 * work (or guest activity that may have freed CRQ slots) ends any backoff.
 */
static void spapr_vmc_wake(void *opaque)
{
    SpaprVmcState *s = opaque;

    hv_retry_restart(&s->retry);
    qemu_bh_schedule(s->kick_bh);
}

static void spapr_vmc_crq_track_reset(SpaprVmcState *s)
{
    hv_crq_flow_reset(&s->flow, s->sdev.crq.qladdr, s->sdev.crq.qsize);
}

static int spapr_vmc_send_to_mp(void *opaque, uint64_t hi, uint64_t lo)
{
    SpaprVmcState *s = opaque;
    SpaprVioDevice *dev = &s->sdev;
    uint8_t crq[16];
    int rc;

    if (!dev->crq.qsize) {
        s->mp_registered = false;   /* the engine treats CLOSED as freed */
        return VMC_HV_TX_CLOSED;
    }
    hv_crq_flow_sync(&s->flow, dev->crq.qladdr, dev->crq.qsize);
    stq_be_p(crq, hi);
    stq_be_p(crq + 8, lo);
    s->flow.reads++;                /* spapr_vio_send_crq reads the slot's header */
    rc = spapr_vio_send_crq(dev, crq);
    if (rc == 0) {
        hv_crq_flow_sent(&s->flow);
        hmc_link_trace_crq(s->link, hi, lo, true);
        return VMC_HV_TX_OK;
    }
    if (rc == 1) {
        if (hmc_link_crq_full_drop(s->link)) {
            s->crq_full_dropped++;
            return VMC_HV_TX_OK;
        }
        return VMC_HV_TX_FULL;
    }
    /* CRQ page not mapped (or not writable) in pane 0: retry later. */
    if (!s->crq_dma_errors++) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "spapr-vmc: CRQ at IOBA 0x%" PRIx64 " not writable through the TCE table\n",
                      dev->crq.qladdr + dev->crq.qnext);
    }
    return VMC_HV_TX_FULL;
}

static int spapr_vmc_read_hdr(void *opaque, uint64_t addr, uint8_t *hdr)
{
    return spapr_vio_dma_read(&((SpaprVmcState *)opaque)->sdev, addr, hdr, 1) ? -1 : 0;
}

/* ops->mp_outstanding: the PAPR half-queue rule's input (hv/hv_crq_flow.h). */
static long spapr_vmc_mp_outstanding(void *opaque)
{
    SpaprVmcState *s = opaque;
    SpaprVioDevice *dev = &s->sdev;

    return hv_crq_flow_outstanding(&s->flow, dev->crq.qladdr, dev->crq.qsize, dev->crq.qnext,
                                   spapr_vmc_read_hdr, s);
}

/*
 * Pane-0 check: the LIOBN must be this device's, the range and the TCE
 * permission bits follow the engine's one rule (hv/hv_tce.c, host-tested),
 * and the whole range must then be accessible through the device's address
 * space.
 */
static long spapr_vmc_dma_check(void *opaque, uint64_t liobn, uint64_t ioba, uint64_t len,
                                bool write)
{
    SpaprVmcState *s = opaque;
    SpaprTceTable *t = s->sdev.tcet;
    long rc;

    if (!t || liobn != t->liobn) {
        return HV_H_PARAMETER;
    }
    if (t->bypass) {
        /* QEMU's TCE bypass (RTAS ibm,set-tce-bypass) maps all RAM 1:1 */
        rc = (len > UINT32_MAX) ? HV_H_PARAMETER : HV_H_SUCCESS;
    } else {
        rc = vmc_hv_tce_check(t->table, t->nb_table, t->page_shift, t->bus_offset,
                              ioba, len, write);
    }
    if (rc != HV_H_SUCCESS || len == 0) {
        return rc;
    }
    if (!dma_memory_valid(&s->sdev.as, ioba, len,
                          write ? DMA_DIRECTION_FROM_DEVICE : DMA_DIRECTION_TO_DEVICE,
                          MEMTXATTRS_UNSPECIFIED)) {
        return HV_H_PARAMETER;
    }
    return HV_H_SUCCESS;
}

static long spapr_vmc_dma_read(void *opaque, uint64_t liobn, uint64_t ioba, void *buf,
                               uint64_t len)
{
    SpaprVmcState *s = opaque;
    long rc = spapr_vmc_dma_check(s, liobn, ioba, len, false);

    if (rc != HV_H_SUCCESS) {
        return rc;
    }
    if (len && dma_memory_read(&s->sdev.as, ioba, buf, len, MEMTXATTRS_UNSPECIFIED) != MEMTX_OK) {
        return HV_H_PARAMETER;
    }
    return HV_H_SUCCESS;
}

static long spapr_vmc_dma_write(void *opaque, uint64_t liobn, uint64_t ioba, const void *buf,
                                uint64_t len)
{
    SpaprVmcState *s = opaque;
    long rc = spapr_vmc_dma_check(s, liobn, ioba, len, true);

    if (rc != HV_H_SUCCESS) {
        return rc;
    }
    if (len && dma_memory_write(&s->sdev.as, ioba, buf, len, MEMTXATTRS_UNSPECIFIED) != MEMTX_OK) {
        return HV_H_PARAMETER;
    }
    return HV_H_SUCCESS;
}

static void spapr_vmc_log(void *opaque, int level, const char *text)
{
    SpaprVmcState *s = opaque;

    if (level <= 1) {
        qemu_log_mask(LOG_GUEST_ERROR, "spapr-vmc: %s\n", text);
    }
    if (s->props.debug) {
        fprintf(stderr, "spapr-vmc[%d]: %s\n", level, text);
    }
}

static void spapr_vmc_event(void *opaque, const struct vmc_hv_event *ev)
{
    hmc_link_engine_event(((SpaprVmcState *)opaque)->link, ev);
}

/* ------------------------------------------------------------------ */
/* CRQ registration tracking                                          */
/* ------------------------------------------------------------------ */

static void spapr_vmc_sync_registration(SpaprVmcState *s)
{
    SpaprVioDevice *dev = &s->sdev;

    if (dev->crq.qsize && !s->mp_registered) {
        s->mp_registered = true;
        spapr_vmc_crq_track_reset(s);
        hmc_link_mp_registered(s->link, dev->crq.qsize / 16);
    } else if (!dev->crq.qsize && s->mp_registered) {
        s->mp_registered = false;
        spapr_vmc_crq_track_reset(s);
        hmc_link_mp_freed(s->link);
    }
}

static void spapr_vmc_crq_notify(SpaprVioDevice *dev, bool registered)
{
    SpaprVmcState *s = spapr_vmc_singleton;

    if (!s || dev != &s->sdev) {
        return;
    }
    spapr_vmc_crq_track_reset(s);
    if (s->mp_registered) {
        s->mp_registered = false;
        hmc_link_mp_freed(s->link);
    }
    if (registered) {
        spapr_vmc_sync_registration(s);
    }
    spapr_vmc_wake(s);
}

/* Guest H_SEND_CRQ on our unit address. */
static int spapr_vmc_do_crq(SpaprVioDevice *dev, uint8_t *crq)
{
    SpaprVmcState *s = SPAPR_VMC(dev);
    uint64_t hi = ldq_be_p(crq), lo = ldq_be_p(crq + 8);
    long rc;

    spapr_vmc_sync_registration(s);
    rc = hmc_link_guest_entry(s->link, hi, lo);
    if (vmc_hv_outq_len(s->hv) || vmc_hv_next_deadline_us(s->hv) != UINT64_MAX) {
        spapr_vmc_wake(s);
    }
    return (int)rc;
}

/* ------------------------------------------------------------------ */
/* Hypercalls without a unit address                                  */
/* ------------------------------------------------------------------ */

static target_ulong h_request_vmc(PowerPCCPU *cpu, SpaprMachineState *spapr,
                                  target_ulong opcode, target_ulong *args)
{
    SpaprVmcState *s = spapr_vmc_singleton;
    uint64_t drc = 0;
    long rc;

    if (!s) {
        return H_FUNCTION;
    }
    rc = hmc_link_request_vmc(s->link, &drc);
    if (rc == HV_H_SUCCESS) {
        args[0] = drc;
    }
    spapr_vmc_wake(s);
    return rc;
}

static target_ulong h_copy_rdma(PowerPCCPU *cpu, SpaprMachineState *spapr,
                                target_ulong opcode, target_ulong *args)
{
    SpaprVmcState *s = spapr_vmc_singleton;
    long rc;

    if (!s) {
        return H_FUNCTION;
    }
    rc = hmc_link_copy_rdma(s->link, args);
    spapr_vmc_wake(s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Host link                                                          */
/* ------------------------------------------------------------------ */

/* ops->glue_status of the link: what only the device knows, for STATUS. */
static void spapr_vmc_glue_status(void *opaque, struct hmc_link_glue_status *st)
{
    SpaprVmcState *s = opaque;

    st->unit_address = s->sdev.reg;
    st->flags = (s->sdev.crq.qsize ? HMC_LINK_FLAG_CRQ_REGISTERED : 0) |
                (s->mp_registered ? HMC_LINK_FLAG_ENGINE_REGISTERED : 0) |
                (s->sdev.signal_state & 1 ? HMC_LINK_FLAG_CRQ_IRQ : 0);
    st->crq_bytes = s->sdev.crq.qsize;
    st->kicks = s->retry.kicks;
    st->crq_reads = s->flow.reads;
    st->out_dropped = s->outq.dropped;
    st->out_write_errors = s->outq.write_errors;
    st->out_error_bytes = s->outq.error_bytes;
}

/* ops->kick of the link: a peer command left the engine with work. */
static void spapr_vmc_link_kick(void *opaque)
{
    SpaprVmcState *s = opaque;

    /* main loop, chardev handler, engine call returned: safe to run it here */
    hv_retry_restart(&s->retry);
    spapr_vmc_kick_now(s);
}

static int spapr_vmc_can_receive(void *opaque)
{
    return SPAPR_VMC_IN_CHUNK;
}

static void spapr_vmc_receive(void *opaque, const uint8_t *buf, int size)
{
    SpaprVmcState *s = opaque;

    if (size > 0) {
        hmc_link_feed(s->link, buf, (size_t)size);
    }
}

static void spapr_vmc_chr_event(void *opaque, QEMUChrEvent event)
{
    SpaprVmcState *s = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        hmc_outq_reset(&s->outq);
        hmc_link_peer_opened(s->link);
        break;
    case CHR_EVENT_CLOSED:
        hmc_outq_reset(&s->outq);
        hmc_link_peer_closed(s->link);
        if (s->out_watch) {
            g_source_remove(s->out_watch);
            s->out_watch = 0;
        }
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------------ */
/* Device                                                             */
/* ------------------------------------------------------------------ */

static void spapr_vmc_cleanup(SpaprVmcState *s)
{
    if (s->timer) {
        timer_free(s->timer);
        s->timer = NULL;
    }
    if (s->disconnect_bh) {
        qemu_bh_delete(s->disconnect_bh);
        s->disconnect_bh = NULL;
    }
    if (s->kick_bh) {
        qemu_bh_delete(s->kick_bh);
        s->kick_bh = NULL;
    }
    g_free(s->hv);
    s->hv = NULL;
    g_free(s->hvmem);
    s->hvmem = NULL;
    g_free(s->link);
    s->link = NULL;
    g_free(s->outbuf);
    s->outbuf = NULL;
    spapr_vmc_snap_free(s);
}

static void spapr_vmc_realize(SpaprVioDevice *sdev, Error **errp)
{
    SpaprVmcState *s = SPAPR_VMC(sdev);
    struct vmc_hv_config cfg;
    struct hmc_link_config link_cfg;
    const char *why;
    int r;

    if (spapr_vmc_singleton) {
        error_setg(errp, "spapr-vmc: only one VMC device per machine");
        return;
    }
    if (!sdev->tcet) {
        error_setg(errp, "spapr-vmc: no TCE table");
        return;
    }
    why = hv_props_configure(&s->props, sdev->reg, sdev->tcet->liobn, &cfg, &link_cfg);
    if (why) {
        error_setg(errp, "spapr-vmc: %s", why);
        return;
    }
    if (s->props.remote_liobn == sdev->tcet->liobn ||
        spapr_tce_find_by_liobn(s->props.remote_liobn)) {
        error_setg(errp, "spapr-vmc: remote-liobn 0x%x is already in use",
                   s->props.remote_liobn);
        return;
    }
    s->hvmem_len = vmc_hv_backing_size(&cfg);
    if (!s->hvmem_len) {
        error_setg(errp, "spapr-vmc: configuration refused by the engine");
        return;
    }
    s->ops = (struct vmc_hv_ops) {
        .send_to_mp = spapr_vmc_send_to_mp,
        .mp_outstanding = spapr_vmc_mp_outstanding,
        .mp_dma_check = spapr_vmc_dma_check,
        .mp_dma_read = spapr_vmc_dma_read,
        .mp_dma_write = spapr_vmc_dma_write,
        .event = spapr_vmc_event,
        .log = spapr_vmc_log,
        .now_us = spapr_vmc_now_us,
        .wake = spapr_vmc_wake,
    };
    s->hv = g_new0(struct vmc_hv, 1);
    s->hvmem = g_malloc0(s->hvmem_len);
    s->link = g_new0(struct hmc_link, 1);
    s->outbuf = g_malloc(SPAPR_VMC_OUT_MAX);
    hmc_outq_init(&s->outq, s->outbuf, SPAPR_VMC_OUT_MAX);
    s->timer = timer_new_us(QEMU_CLOCK_VIRTUAL, spapr_vmc_kick_cb, s);
    s->disconnect_bh = qemu_bh_new(spapr_vmc_disconnect_bh, s);
    s->kick_bh = qemu_bh_new(spapr_vmc_kick_cb, s);
    hv_retry_init(&s->retry);
    s->link_ops = (struct hmc_link_ops) {
        .write = spapr_vmc_write_frame,
        .now_us = spapr_vmc_now_us,
        .kick = spapr_vmc_link_kick,
        .glue_status = spapr_vmc_glue_status,
    };
    r = vmc_hv_init(s->hv, &cfg, &s->ops, s, s->hvmem, s->hvmem_len);
    if (r == VMC_HV_OK) {
        r = hmc_link_init(s->link, &link_cfg, &s->link_ops, s, s->hv);
    }
    if (r != VMC_HV_OK) {
        error_setg(errp, "spapr-vmc: engine init failed (%s)", vmc_hv_result_name(r));
        spapr_vmc_cleanup(s);
        return;
    }

    sdev->crq.SendFunc = spapr_vmc_do_crq;
    spapr_vio_crq_notify = spapr_vmc_crq_notify;
    spapr_vmc_singleton = s;

    if (qemu_chr_fe_backend_connected(&s->chr)) {
        qemu_chr_fe_set_handlers(&s->chr, spapr_vmc_can_receive, spapr_vmc_receive,
                                 spapr_vmc_chr_event, NULL, s, NULL, true);
    }
}

static void spapr_vmc_reset(SpaprVioDevice *sdev)
{
    SpaprVmcState *s = SPAPR_VMC(sdev);

    if (!s->hv) {
        return;
    }
    /* The generic reset has freed the CRQ and cleared the TCE table. */
    timer_del(s->timer);
    spapr_vmc_crq_track_reset(s);
    hv_retry_restart(&s->retry);
    s->mp_registered = false;
    hmc_link_mp_freed(s->link);
    spapr_vmc_rearm(s);
}

static int spapr_vmc_devnode(SpaprVioDevice *sdev, void *fdt, int node_off)
{
    SpaprVmcState *s = SPAPR_VMC(sdev);
    uint32_t win[10];
    int ret;

    if (!s->hv || !sdev->tcet) {
        return -1;
    }
    /*
     * <liobn phys.hi phys.lo size.hi size.lo> twice, #address and #size
     * cells = 2.
     */
    uint64_t size0 = (uint64_t)sdev->tcet->nb_table << sdev->tcet->page_shift;

    win[0] = cpu_to_be32(sdev->tcet->liobn);
    win[1] = cpu_to_be32((uint32_t)(sdev->tcet->bus_offset >> 32));
    win[2] = cpu_to_be32((uint32_t)sdev->tcet->bus_offset);
    win[3] = cpu_to_be32((uint32_t)(size0 >> 32));
    win[4] = cpu_to_be32((uint32_t)size0);
    win[5] = cpu_to_be32(s->props.remote_liobn);
    win[6] = 0;
    win[7] = 0;
    win[8] = 0;
    win[9] = cpu_to_be32(vmc_hv_remote_window_size(s->hv));

    ret = fdt_setprop(fdt, node_off, "ibm,my-dma-window", win, sizeof(win));
    if (ret >= 0) {
        ret = fdt_setprop_cell(fdt, node_off, "ibm,#dma-address-cells", 2);
    }
    if (ret >= 0) {
        ret = fdt_setprop_cell(fdt, node_off, "ibm,#dma-size-cells", 2);
    }
    if (ret >= 0) {
        ret = fdt_setprop_cell(fdt, node_off, "ibm,my-drc-index", s->props.drc_index);
    }
    if (ret >= 0) {
        ret = fdt_setprop_string(fdt, node_off, "ibm,loc-code",
                                 s->loc_code ? s->loc_code : "U8247.22L.VMC-V1-C1");
    }
    return ret;
}

/*
 * Migration. The engine's whole state travels as one stream written by
 * hv/hv_snapshot.c (versioned, checked in full on load); the guest's CRQ
 * registration travels in the VIO part, the TCE tables with sPAPR's own
 * IOMMU state, and the HMC connection does not travel at all: the peer
 * connects to the destination's socket and is told the link state and
 * every open session (hmc_link_peer_opened()).
 */
static void spapr_vmc_snap_free(SpaprVmcState *s)
{
    g_free(s->snap);
    s->snap = NULL;
    s->snap_len = 0;
}

static int spapr_vmc_pre_save(void *opaque)
{
    SpaprVmcState *s = opaque;
    size_t n = vmc_hv_snapshot_size(s->hv);

    spapr_vmc_snap_free(s);
    if (n > UINT32_MAX) {
        error_report("spapr-vmc: engine state of %zu bytes cannot be saved", n);
        return -EINVAL;
    }
    s->snap = g_malloc(n);
    if (vmc_hv_snapshot_save(s->hv, s->snap, n, NULL) != VMC_HV_OK) {
        error_report("spapr-vmc: the engine refused to save its state");
        spapr_vmc_snap_free(s);
        return -EINVAL;
    }
    s->snap_len = (uint32_t)n;
    return 0;
}

static int spapr_vmc_post_save(void *opaque)
{
    spapr_vmc_snap_free(opaque);
    return 0;
}

static int spapr_vmc_pre_load(void *opaque)
{
    spapr_vmc_snap_free(opaque);
    return 0;
}

/*
 * The stream's length is checked before QEMU allocates it: the engine's
 * state is its backing store plus well under 1 MiB of bookkeeping.
 */
static bool spapr_vmc_snap_len_ok(void *opaque, int version_id)
{
    SpaprVmcState *s = opaque;

    return s->snap_len > 0 && s->snap_len <= s->hvmem_len + 1024 * 1024;
}

static int spapr_vmc_post_load(void *opaque, int version_id)
{
    SpaprVmcState *s = opaque;
    char why[160];
    int r;

    if (!s->snap) {
        error_report("spapr-vmc: incoming engine state refused: %u bytes announced, "
                     "at most %zu expected", s->snap_len, s->hvmem_len + 1024 * 1024);
        return -EINVAL;
    }
    r = vmc_hv_snapshot_restore(s->hv, s->snap, s->snap_len, why, sizeof(why));
    spapr_vmc_snap_free(s);
    if (r != VMC_HV_OK) {
        error_report("spapr-vmc: incoming engine state refused: %s", why);
        return -EINVAL;
    }
    hv_retry_restart(&s->retry);
    spapr_vmc_rearm(s);
    /* a peer connected before the state arrived was told "down": retell */
    hmc_link_announce(s->link);
    return 0;
}

static const VMStateDescription vmstate_spapr_vmc = {
    .name = "spapr_vmc",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = spapr_vmc_pre_save,
    .post_save = spapr_vmc_post_save,
    .pre_load = spapr_vmc_pre_load,
    .post_load = spapr_vmc_post_load,
    .fields = (VMStateField[]) {
        VMSTATE_SPAPR_VIO(sdev, SpaprVmcState),
        VMSTATE_BOOL(mp_registered, SpaprVmcState),
        VMSTATE_UINT64(flow.qladdr, SpaprVmcState),
        VMSTATE_UINT32(flow.qsize, SpaprVmcState),
        VMSTATE_UINT32(flow.pending, SpaprVmcState),
        VMSTATE_UINT64(crq_full_dropped, SpaprVmcState),
        VMSTATE_UINT64(crq_dma_errors, SpaprVmcState),
        VMSTATE_UINT32(snap_len, SpaprVmcState),
        VMSTATE_VBUFFER_ALLOC_UINT32(snap, SpaprVmcState, 0, spapr_vmc_snap_len_ok, snap_len),
        VMSTATE_END_OF_LIST()
    },
};

static Property spapr_vmc_properties[] = {
    DEFINE_SPAPR_PROPERTIES(SpaprVmcState, sdev),
    DEFINE_PROP_CHR("chardev", SpaprVmcState, chr),
    DEFINE_PROP_UINT32("max-mtu", SpaprVmcState, props.max_mtu, 4096),
    DEFINE_PROP_UINT32("pool-size", SpaprVmcState, props.pool_size, 16),
    DEFINE_PROP_UINT32("max-hmcs", SpaprVmcState, props.max_hmcs, 1),
    DEFINE_PROP_UINT32("session-mp-bufs", SpaprVmcState, props.mp_bufs, 4),
    DEFINE_PROP_UINT32("session-hv-bufs", SpaprVmcState, props.hv_bufs, 4),
    DEFINE_PROP_UINT32("remote-liobn", SpaprVmcState, props.remote_liobn, 0),
    DEFINE_PROP_UINT32("drc-index", SpaprVmcState, props.drc_index, 0),
    DEFINE_PROP_UINT32("max-copy", SpaprVmcState, props.max_copy, VMC_HV_DEFAULT_MAX_COPY),
    DEFINE_PROP_UINT32("crq-entries", SpaprVmcState, props.crq_entries, 0),
    DEFINE_PROP_BOOL("strict", SpaprVmcState, props.strict, false),
    DEFINE_PROP_BOOL("trace-crq", SpaprVmcState, props.trace_crq, false),
    DEFINE_PROP_BOOL("debug", SpaprVmcState, props.debug, false),
    DEFINE_PROP_BOOL("init-on-register", SpaprVmcState, props.init_on_register, false),
    DEFINE_PROP_BOOL("crq-full-drop", SpaprVmcState, props.crq_full_drop, false),
    DEFINE_PROP_STRING("loc-code", SpaprVmcState, loc_code),
    DEFINE_PROP_END_OF_LIST(),
};

static void spapr_vmc_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    SpaprVioDeviceClass *k = VIO_SPAPR_DEVICE_CLASS(klass);

    k->realize = spapr_vmc_realize;
    k->reset = spapr_vmc_reset;
    k->devnode = spapr_vmc_devnode;
    k->dt_name = "ibm,vmc";
    k->dt_type = "ibm,vmc";
    k->dt_compatible = "IBM,vmc";
    k->signal_mask = 0x00000001;
    k->rtce_window_size = SPAPR_VMC_PANE0_SIZE;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    dc->desc = "IBM Virtual Management Channel (hypervisor side, vmcfw)";
    dc->vmsd = &vmstate_spapr_vmc;
    device_class_set_props(dc, spapr_vmc_properties);
}

static const TypeInfo spapr_vmc_info = {
    .name = TYPE_SPAPR_VMC,
    .parent = TYPE_VIO_SPAPR_DEVICE,
    .instance_size = sizeof(SpaprVmcState),
    .class_init = spapr_vmc_class_init,
};

static void spapr_vmc_register_types(void)
{
    spapr_register_hypercall(H_REQUEST_VMC, h_request_vmc);
    spapr_register_hypercall(H_COPY_RDMA, h_copy_rdma);
    type_register_static(&spapr_vmc_info);
}

type_init(spapr_vmc_register_types)
