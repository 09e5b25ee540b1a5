// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spapr-vmc: the hypervisor side of the IBM Virtual Management Channel as a
 * sPAPR VIO device for QEMU 7.2 (hw/ppc/spapr_vmc.c, via hv/qemu/build-qemu.sh).
 * QEMU glue only: the VIO device and its properties, the hcall hooks, CRQ and
 * pane-0 DMA, the chardev, bottom halves and the timer, VMState. Everything
 * portable (protocols, backlog, flow control, retries, STATUS, the snapshot
 * stream) is hv/hv_device.[ch] and what it drives (docs/qemu-device.md), all
 * host-tested. Every value from the guest or the peer is hostile. The BQL
 * protects the state (hcalls, timers, bottom halves, chardev handlers).
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "sysemu/runstate.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "chardev/char-fe.h"
#include "migration/vmstate.h"
#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr_vio.h"
#include <libfdt.h>

#include "hv/hv_device.h"
#include "hv/hv_props.h"

#ifndef H_REQUEST_VMC
#define H_REQUEST_VMC 0x360
#endif

#define TYPE_SPAPR_VMC "spapr-vmc"
OBJECT_DECLARE_SIMPLE_TYPE(SpaprVmcState, SPAPR_VMC)

/* Pane 0: the guest's own TCE window (CRQ page and local buffer shadows). */
#define SPAPR_VMC_PANE0_SIZE    0x01000000u
/* Bytes of host-bound frames held while the peer is not reading. */
#define SPAPR_VMC_OUT_MAX       (1024 * 1024)

/* Hook added to spapr_vio.c by the project's patch (build-qemu.sh). */
extern void (*spapr_vio_crq_notify)(SpaprVioDevice *dev, bool registered);
extern void (*spapr_vio_crq_enable_notify)(SpaprVioDevice *dev);

struct SpaprVmcState {
    SpaprVioDevice sdev;

    /* properties (checked by hv/hv_props.c) */
    CharBackend chr;
    struct hv_props props;
    char *loc_code;

    /* everything portable: engine, link, backlog, CRQ flow, retries (hv/hv_device.c) */
    struct hv_device dev;
    struct hv_device_ops dev_ops;
    uint8_t *hvmem;            /* the engine's backing store; NULL until realized */
    uint8_t *outbuf;
    QEMUTimer *timer;          /* deadlines (delays, re-init) and retries with backoff */
    QEMUBH *kick_bh;           /* new work: run the engine right after the current call */
    QEMUBH *disconnect_bh;     /* close a connection that refused a write */
    guint out_watch;

    /* migration: the engine's state as one stream (hv/hv_snapshot.c) */
    uint8_t *snap;
    uint32_t snap_len;
};

/* The one VMC device of the machine (the hcalls carry no unit address). */
static SpaprVmcState *spapr_vmc_singleton;

/* Bytes taken, 0 when the socket is full, -1 on any other error. */
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
    hv_device_chr_writable(&s->dev);
    return G_SOURCE_REMOVE;
}

static bool spapr_vmc_chr_watch(void *opaque, bool on)
{
    SpaprVmcState *s = opaque;

    if (s->out_watch) {
        g_source_remove(s->out_watch);
    }
    s->out_watch = on ? qemu_chr_fe_add_watch(&s->chr, G_IO_OUT | G_IO_HUP,
                                              spapr_vmc_out_ready, s) : 0;
    return s->out_watch != 0;
}

static void spapr_vmc_chr_close_later(void *opaque)
{
    qemu_bh_schedule(((SpaprVmcState *)opaque)->disconnect_bh);
}

static void spapr_vmc_disconnect_bh(void *opaque)
{
    SpaprVmcState *s = opaque;

    if (hv_device_chr_close_due(&s->dev)) {
        qemu_chr_fe_disconnect(&s->chr);
    }
}

static int spapr_vmc_can_receive(void *opaque)
{
    return 4096;    /* bytes accepted per read callback */
}

static void spapr_vmc_receive(void *opaque, const uint8_t *buf, int size)
{
    hv_device_peer_bytes(&((SpaprVmcState *)opaque)->dev, buf, size > 0 ? size : 0);
}

static void spapr_vmc_chr_event(void *opaque, QEMUChrEvent event)
{
    SpaprVmcState *s = opaque;

    if (event == CHR_EVENT_OPENED) {
        hv_device_peer_opened(&s->dev);
    } else if (event == CHR_EVENT_CLOSED) {
        hv_device_peer_closed(&s->dev);
    }
}

static uint64_t spapr_vmc_now_us(void *opaque)
{
    return qemu_clock_get_us(QEMU_CLOCK_VIRTUAL);
}

static bool spapr_vmc_running(void *opaque)
{
    return runstate_is_running();
}

static void spapr_vmc_timer_set(void *opaque, uint64_t due_us)
{
    SpaprVmcState *s = opaque;

    if (due_us == UINT64_MAX) {
        timer_del(s->timer);
    } else {
        timer_mod(s->timer, (int64_t)MIN(due_us, (uint64_t)INT64_MAX));
    }
}

static void spapr_vmc_kick_later(void *opaque)
{
    qemu_bh_schedule(((SpaprVmcState *)opaque)->kick_bh);
}

static void spapr_vmc_kick_cb(void *opaque)
{
    hv_device_kick(&((SpaprVmcState *)opaque)->dev);
}

static void spapr_vmc_crq_get(void *opaque, struct hv_device_crq *q)
{
    SpaprVioDevice *dev = &((SpaprVmcState *)opaque)->sdev;

    *q = (struct hv_device_crq) { dev->crq.qladdr, dev->crq.qsize, dev->crq.qnext,
                                  dev->signal_state & 1, dev->reg };
}

static int spapr_vmc_crq_send(void *opaque, const uint8_t entry[16])
{
    /* spapr_vio_send_crq() only reads the entry */
    return spapr_vio_send_crq(&((SpaprVmcState *)opaque)->sdev, (uint8_t *)entry);
}

static bool spapr_vmc_tce_get(void *opaque, struct hv_device_tce *v)
{
    SpaprTceTable *t = ((SpaprVmcState *)opaque)->sdev.tcet;

    if (t) {
        *v = (struct hv_device_tce) { t->liobn, t->table, t->nb_table, t->page_shift,
                                      t->bus_offset, t->bypass };
    }
    return t != NULL;
}

static bool spapr_vmc_dma_valid(void *opaque, uint64_t ioba, uint64_t len, bool write)
{
    return dma_memory_valid(&((SpaprVmcState *)opaque)->sdev.as, ioba, len,
                            write ? DMA_DIRECTION_FROM_DEVICE : DMA_DIRECTION_TO_DEVICE,
                            MEMTXATTRS_UNSPECIFIED);
}

static int spapr_vmc_dma_rw(void *opaque, uint64_t ioba, void *buf, uint64_t len, bool write)
{
    return dma_memory_rw(&((SpaprVmcState *)opaque)->sdev.as, ioba, buf, len,
                         write ? DMA_DIRECTION_FROM_DEVICE : DMA_DIRECTION_TO_DEVICE,
                         MEMTXATTRS_UNSPECIFIED) == MEMTX_OK ? 0 : -1;
}

/* Levels 0 and 1 are about the guest, negative ones about the host. */
static void spapr_vmc_log(void *opaque, int level, const char *text)
{
    SpaprVmcState *s = opaque;

    if (level == HV_DEVICE_LOG_ERROR) {
        error_report("spapr-vmc: %s", text);
    } else if (level == HV_DEVICE_LOG_WARN) {
        warn_report("spapr-vmc: %s", text);
    } else if (level <= 1) {
        qemu_log_mask(LOG_GUEST_ERROR, "spapr-vmc: %s\n", text);
    }
    if (s->props.debug && level >= 0) {
        fprintf(stderr, "spapr-vmc[%d]: %s\n", level, text);
    }
}

/* Hook added to spapr_vio.c: H_REG_CRQ, H_FREE_CRQ. */
static void spapr_vmc_crq_notify(SpaprVioDevice *dev, bool registered)
{
    SpaprVmcState *s = spapr_vmc_singleton;

    if (s && dev == &s->sdev) {
        hv_device_crq_changed(&s->dev, registered);
    }
}

/* H_ENABLE_CRQ on our unit ends a partner-suspended state (hv/hv_transport.c). */
static void spapr_vmc_crq_enable(SpaprVioDevice *dev)
{
    SpaprVmcState *s = spapr_vmc_singleton;

    if (s && dev == &s->sdev) {
        hv_device_crq_enabled(&s->dev);
    }
}

static void spapr_vmc_runstate(void *opaque, bool running, RunState state)
{
    SpaprVmcState *s = opaque;

    hv_device_run_state(&s->dev, running, s->props.suspend_on_resume);
}

/* Guest H_SEND_CRQ on our unit address. */
static int spapr_vmc_do_crq(SpaprVioDevice *dev, uint8_t *crq)
{
    return (int)hv_device_guest_crq(&SPAPR_VMC(dev)->dev, crq);
}

static target_ulong h_request_vmc(PowerPCCPU *cpu, SpaprMachineState *spapr,
                                  target_ulong opcode, target_ulong *args)
{
    SpaprVmcState *s = spapr_vmc_singleton;
    uint64_t drc = 0;
    long rc = s ? hv_device_request_vmc(&s->dev, &drc) : H_FUNCTION;

    if (rc == HV_H_SUCCESS) {
        args[0] = drc;
    }
    return rc;
}

static target_ulong h_copy_rdma(PowerPCCPU *cpu, SpaprMachineState *spapr,
                                target_ulong opcode, target_ulong *args)
{
    SpaprVmcState *s = spapr_vmc_singleton;

    return s ? hv_device_copy_rdma(&s->dev, args) : H_FUNCTION;
}

static void spapr_vmc_snap_free(SpaprVmcState *s)
{
    g_free(s->snap);
    s->snap = NULL;
    s->snap_len = 0;
}

static void spapr_vmc_realize(SpaprVioDevice *sdev, Error **errp)
{
    SpaprVmcState *s = SPAPR_VMC(sdev);
    struct vmc_hv_config cfg;
    struct hmc_link_config link_cfg;
    const char *why;
    size_t hvmem_len;
    int r;

    if (spapr_vmc_singleton || !sdev->tcet) {
        error_setg(errp, "spapr-vmc: %s", spapr_vmc_singleton ?
                   "only one VMC device per machine" : "no TCE table");
        return;
    }
    why = hv_device_configure(&s->props, sdev->reg, sdev->tcet->liobn, &cfg, &link_cfg,
                              &hvmem_len);
    if (why || spapr_tce_find_by_liobn(s->props.remote_liobn)) {
        error_setg(errp, "spapr-vmc: %s", why ? why : "remote-liobn is already in use");
        return;
    }
    s->dev_ops = (struct hv_device_ops) {
        .crq_get = spapr_vmc_crq_get,
        .crq_send = spapr_vmc_crq_send,
        .tce_get = spapr_vmc_tce_get,
        .dma_valid = spapr_vmc_dma_valid,
        .dma_rw = spapr_vmc_dma_rw,
        .chr_write = qemu_chr_fe_backend_connected(&s->chr) ? spapr_vmc_chr_write : NULL,
        .chr_watch = spapr_vmc_chr_watch,
        .chr_close_later = spapr_vmc_chr_close_later,
        .kick_later = spapr_vmc_kick_later,
        .timer_set = spapr_vmc_timer_set,
        .running = spapr_vmc_running,
        .now_us = spapr_vmc_now_us,
        .log = spapr_vmc_log,
    };
    s->hvmem = g_malloc0(hvmem_len);
    s->outbuf = g_malloc(SPAPR_VMC_OUT_MAX);
    s->timer = timer_new_us(QEMU_CLOCK_VIRTUAL, spapr_vmc_kick_cb, s);
    s->disconnect_bh = qemu_bh_new(spapr_vmc_disconnect_bh, s);
    s->kick_bh = qemu_bh_new(spapr_vmc_kick_cb, s);
    r = hv_device_init(&s->dev, &cfg, &link_cfg, &s->dev_ops, s, s->hvmem, hvmem_len,
                       s->outbuf, SPAPR_VMC_OUT_MAX);
    if (r != VMC_HV_OK) {
        error_setg(errp, "spapr-vmc: engine init failed (%s)", vmc_hv_result_name(r));
        timer_free(s->timer);
        qemu_bh_delete(s->disconnect_bh);
        qemu_bh_delete(s->kick_bh);
        g_free(s->outbuf);
        g_free(s->hvmem);
        s->hvmem = NULL;
        return;
    }
    sdev->crq.SendFunc = spapr_vmc_do_crq;
    spapr_vio_crq_notify = spapr_vmc_crq_notify;
    spapr_vio_crq_enable_notify = spapr_vmc_crq_enable;
    if (s->props.suspend_on_resume) {
        qemu_add_vm_change_state_handler(spapr_vmc_runstate, s);
    }
    spapr_vmc_singleton = s;

    if (qemu_chr_fe_backend_connected(&s->chr)) {
        qemu_chr_fe_set_handlers(&s->chr, spapr_vmc_can_receive, spapr_vmc_receive,
                                 spapr_vmc_chr_event, NULL, s, NULL, true);
    }
}

static void spapr_vmc_reset(SpaprVioDevice *sdev)
{
    SpaprVmcState *s = SPAPR_VMC(sdev);

    /* The generic reset has freed the CRQ and cleared the TCE table. */
    if (s->hvmem) {
        hv_device_reset(&s->dev);
    }
}

static int spapr_vmc_devnode(SpaprVioDevice *sdev, void *fdt, int node_off)
{
    SpaprVmcState *s = SPAPR_VMC(sdev);
    SpaprTceTable *t = sdev->tcet;
    uint32_t win[10];
    int ret;

    if (!s->hvmem || !t) {
        return -1;
    }
    hv_device_dma_window(&s->dev, t->liobn, t->bus_offset, (uint64_t)t->nb_table << t->page_shift,
                         s->props.remote_liobn, win);
    /* the first failure's code is returned */
    ret = fdt_setprop(fdt, node_off, "ibm,my-dma-window", win, sizeof(win));
    ret = ret < 0 ? ret : fdt_setprop_cell(fdt, node_off, "ibm,#dma-address-cells", 2);
    ret = ret < 0 ? ret : fdt_setprop_cell(fdt, node_off, "ibm,#dma-size-cells", 2);
    ret = ret < 0 ? ret : fdt_setprop_cell(fdt, node_off, "ibm,my-drc-index",
                                           s->props.drc_index);
    return ret < 0 ? ret : fdt_setprop_string(fdt, node_off, "ibm,loc-code",
                                              s->loc_code ? s->loc_code : "U8247.22L.VMC-V1-C1");
}

/*
 * Migration: the engine's state as one stream (hv_device_snap_*()), the CRQ
 * registration in the VIO part, the TCE tables with sPAPR's IOMMU state;
 * the HMC connection does not travel (docs/qemu-device.md §2.5).
 */
static int spapr_vmc_pre_save(void *opaque)
{
    SpaprVmcState *s = opaque;

    spapr_vmc_snap_free(s);
    s->snap_len = hv_device_snap_size(&s->dev);
    s->snap = s->snap_len ? g_malloc(s->snap_len) : NULL;
    if (!s->snap || hv_device_snap_save(&s->dev, s->snap, s->snap_len)) {
        spapr_vmc_snap_free(s);
        return -EINVAL;
    }
    return 0;
}

/* post_save and pre_load: no stream is kept between migrations */
static int spapr_vmc_snap_drop(void *opaque)
{
    spapr_vmc_snap_free(opaque);
    return 0;
}

/* The stream's length is checked before QEMU allocates it. */
static bool spapr_vmc_snap_len_ok(void *opaque, int version_id)
{
    SpaprVmcState *s = opaque;

    return hv_device_snap_len_ok(&s->dev, s->snap_len);
}

static int spapr_vmc_post_load(void *opaque, int version_id)
{
    SpaprVmcState *s = opaque;
    int r = hv_device_snap_load(&s->dev, s->snap, s->snap_len);

    spapr_vmc_snap_free(s);
    if (!r && s->props.suspend_event) {
        hv_device_suspend(&s->dev); /* PowerVM after a partition migration */
    }
    return r ? -EINVAL : 0;
}

static const VMStateDescription vmstate_spapr_vmc = {
    .name = "spapr_vmc",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = spapr_vmc_pre_save,
    .post_save = spapr_vmc_snap_drop,
    .pre_load = spapr_vmc_snap_drop,
    .post_load = spapr_vmc_post_load,
    .fields = (VMStateField[]) {
        VMSTATE_SPAPR_VIO(sdev, SpaprVmcState),
        VMSTATE_BOOL(dev.mp_registered, SpaprVmcState),
        VMSTATE_UINT64(dev.flow.qladdr, SpaprVmcState),
        VMSTATE_UINT32(dev.flow.qsize, SpaprVmcState),
        VMSTATE_UINT32(dev.flow.pending, SpaprVmcState),
        VMSTATE_UINT64(dev.crq_full_dropped, SpaprVmcState),
        VMSTATE_UINT64(dev.crq_dma_errors, SpaprVmcState),
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
    DEFINE_PROP_BOOL("suspend-event", SpaprVmcState, props.suspend_event, false),
    DEFINE_PROP_BOOL("suspend-on-resume", SpaprVmcState, props.suspend_on_resume, false),
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
