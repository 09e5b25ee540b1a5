// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spapr-vmc: the hypervisor side of the IBM Virtual Management Channel, a
 * sPAPR VIO device for QEMU 7.2 (added by hv/qemu/patches/). QEMU glue
 * only: everything portable is hv/hv_device.[ch] (docs/qemu-device.md). Every
 * value from the guest or the peer is hostile. The BQL protects the state.
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

#define H_REQUEST_VMC 0x360 /* not in QEMU 7.2's hw/ppc/spapr.h */

#define TYPE_SPAPR_VMC "spapr-vmc"
OBJECT_DECLARE_SIMPLE_TYPE(SpaprVmcState, SPAPR_VMC)

/* Pane 0: the guest's own TCE window (CRQ page and local buffer shadows). */
#define SPAPR_VMC_PANE0_SIZE 0x01000000u
/* Bytes of host-bound frames held while the peer is not reading. */
#define SPAPR_VMC_OUT_MAX (1024 * 1024)

struct SpaprVmcState {
    SpaprVioDevice sdev;

    /* properties (checked by hv/hv_props.c) */
    CharBackend chr;
    struct hv_props props;
    char *loc_code;

    /* everything portable (hv/hv_device.c) */
    struct hv_device dev;
    struct hv_device_ops dev_ops;
    QEMUTimer *timer;      /* deadlines and retries with backoff */
    QEMUBH *kick_bh;       /* new work: run the engine after the current call */
    QEMUBH *disconnect_bh; /* close a connection that refused a write */
    guint out_watch;
};

/* The one VMC device of the machine (the hcalls carry no unit address). */
static SpaprVmcState *spapr_vmc_singleton;

/* The device behind an hv_device_ops or chardev callback's opaque. */
static SpaprVmcState *vmc(void *opaque)
{
    return opaque;
}

static DMADirection dma_dir(bool write)
{
    return write ? DMA_DIRECTION_FROM_DEVICE : DMA_DIRECTION_TO_DEVICE;
}

/* Bytes taken, 0 when the socket is full, -1 on any other error. */
static long spapr_vmc_chr_write(void *opaque, const uint8_t *buf, size_t len)
{
    int n;

    errno = 0;
    n = qemu_chr_fe_write(&vmc(opaque)->chr, buf, MIN(len, INT_MAX));
    if (n > 0) {
        return n;
    }
    return n < 0 && errno == EAGAIN ? 0 : -1;
}

static gboolean spapr_vmc_out_ready(void *unused, GIOCondition cond,
                                    void *opaque)
{
    SpaprVmcState *s = opaque;

    s->out_watch = 0;
    hv_device_chr_writable(&s->dev);
    return G_SOURCE_REMOVE;
}

static bool spapr_vmc_chr_watch(void *opaque, bool on)
{
    SpaprVmcState *s = opaque;
    GIOCondition cond = G_IO_OUT | G_IO_HUP;

    if (s->out_watch) {
        g_source_remove(s->out_watch);
    }
    s->out_watch =
        on ? qemu_chr_fe_add_watch(&s->chr, cond, spapr_vmc_out_ready, s) : 0;
    return s->out_watch != 0;
}

static void spapr_vmc_chr_close_later(void *opaque)
{
    qemu_bh_schedule(vmc(opaque)->disconnect_bh);
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
    return 4096; /* bytes accepted per read callback */
}

static void spapr_vmc_receive(void *opaque, const uint8_t *buf, int size)
{
    hv_device_peer_bytes(&vmc(opaque)->dev, buf, size > 0 ? size : 0);
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
        timer_mod(s->timer, MIN(due_us, INT64_MAX));
    }
}

static void spapr_vmc_kick_later(void *opaque)
{
    qemu_bh_schedule(vmc(opaque)->kick_bh);
}

static void spapr_vmc_kick_cb(void *opaque)
{
    hv_device_kick(&vmc(opaque)->dev);
}

static void spapr_vmc_crq_get(void *opaque, struct hv_device_crq *q)
{
    SpaprVioDevice *d = &vmc(opaque)->sdev;
    SpaprVioCrq *c = &d->crq;

    *q = (struct hv_device_crq){ c->qladdr, c->qsize, c->qnext,
                                 d->signal_state & 1, d->reg };
}

static int spapr_vmc_crq_send(void *opaque, const uint8_t entry[16])
{
    /* spapr_vio_send_crq() only reads the entry */
    return spapr_vio_send_crq(&vmc(opaque)->sdev, (uint8_t *)entry);
}

static bool spapr_vmc_tce_get(void *opaque, struct hv_device_tce *v)
{
    SpaprTceTable *t = vmc(opaque)->sdev.tcet;

    if (t) {
        *v = (struct hv_device_tce){ t->liobn,      t->table,      t->nb_table,
                                     t->page_shift, t->bus_offset, t->bypass };
    }
    return t != NULL;
}

static bool spapr_vmc_dma_valid(void *opaque, uint64_t ioba, uint64_t len,
                                bool write)
{
    return dma_memory_valid(&vmc(opaque)->sdev.as, ioba, len, dma_dir(write),
                            MEMTXATTRS_UNSPECIFIED);
}

static int spapr_vmc_dma_rw(void *opaque, uint64_t ioba, void *buf,
                            uint64_t len, bool write)
{
    MemTxResult r = dma_memory_rw(&vmc(opaque)->sdev.as, ioba, buf, len,
                                  dma_dir(write), MEMTXATTRS_UNSPECIFIED);

    return r == MEMTX_OK ? 0 : -1;
}

/* Levels 0 and 1 are about the guest, negative ones about the host. */
static void spapr_vmc_log(void *opaque, int level, const char *text)
{
    if (level == HV_DEVICE_LOG_ERROR) {
        error_report("spapr-vmc: %s", text);
    } else if (level == HV_DEVICE_LOG_WARN) {
        warn_report("spapr-vmc: %s", text);
    } else if (level <= 1) {
        qemu_log_mask(LOG_GUEST_ERROR, "spapr-vmc: %s\n", text);
    }
    if (vmc(opaque)->props.debug && level >= 0) {
        fprintf(stderr, "spapr-vmc[%d]: %s\n", level, text);
    }
}

/* spapr_vio.c's hook (patch 0001): H_REG_CRQ, H_FREE_CRQ. */
static void spapr_vmc_crq_notify(SpaprVioDevice *dev, bool registered)
{
    SpaprVmcState *s = spapr_vmc_singleton;

    if (s && dev == &s->sdev) {
        hv_device_crq_changed(&s->dev, registered);
    }
}

/* H_ENABLE_CRQ on our unit ends a partner-suspended state (hv_transport.c) */
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
    return hv_device_guest_crq(&SPAPR_VMC(dev)->dev, crq);
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

static void spapr_vmc_realize(SpaprVioDevice *sdev, Error **errp)
{
    SpaprVmcState *s = SPAPR_VMC(sdev);
    bool chr = qemu_chr_fe_backend_connected(&s->chr);
    struct vmc_hv_config cfg;
    struct hmc_link_config link;
    const char *why;
    size_t len;
    int r;

    if (spapr_vmc_singleton || !sdev->tcet) {
        why = spapr_vmc_singleton ? "only one VMC device per machine"
                                  : "no TCE table";
        error_setg(errp, "spapr-vmc: %s", why);
        return;
    }
    why = hv_device_configure(&s->props, sdev->reg, sdev->tcet->liobn, &cfg,
                              &link, &len);
    if (!why && spapr_tce_find_by_liobn(s->props.remote_liobn)) {
        why = "remote-liobn is already in use";
    }
    if (why) {
        error_setg(errp, "spapr-vmc: %s", why);
        return;
    }
    s->dev_ops = (struct hv_device_ops){
        .crq_get = spapr_vmc_crq_get,
        .crq_send = spapr_vmc_crq_send,
        .tce_get = spapr_vmc_tce_get,
        .dma_valid = spapr_vmc_dma_valid,
        .dma_rw = spapr_vmc_dma_rw,
        .chr_write = chr ? spapr_vmc_chr_write : NULL,
        .chr_watch = spapr_vmc_chr_watch,
        .chr_close_later = spapr_vmc_chr_close_later,
        .kick_later = spapr_vmc_kick_later,
        .timer_set = spapr_vmc_timer_set,
        .running = spapr_vmc_running,
        .now_us = spapr_vmc_now_us,
        .log = spapr_vmc_log,
        .alloc = g_malloc0,
        .free = g_free,
    };
    r = hv_device_init(&s->dev, &cfg, &link, &s->dev_ops, s, len,
                       SPAPR_VMC_OUT_MAX);
    if (r != VMC_HV_OK) {
        error_setg(errp, "spapr-vmc: engine init failed (%s)",
                   vmc_hv_result_name(r));
        return;
    }
    /* nothing has been called back yet (hv_device_init()) */
    s->timer = timer_new_us(QEMU_CLOCK_VIRTUAL, spapr_vmc_kick_cb, s);
    s->disconnect_bh = qemu_bh_new(spapr_vmc_disconnect_bh, s);
    s->kick_bh = qemu_bh_new(spapr_vmc_kick_cb, s);
    sdev->crq.SendFunc = spapr_vmc_do_crq;
    spapr_vio_crq_notify = spapr_vmc_crq_notify;
    spapr_vio_crq_enable_notify = spapr_vmc_crq_enable;
    if (s->props.suspend_on_resume) {
        qemu_add_vm_change_state_handler(spapr_vmc_runstate, s);
    }
    spapr_vmc_singleton = s;
    if (chr) {
        qemu_chr_fe_set_handlers(&s->chr, spapr_vmc_can_receive,
                                 spapr_vmc_receive, spapr_vmc_chr_event, NULL,
                                 s, NULL, true);
    }
}

static void spapr_vmc_reset(SpaprVioDevice *sdev)
{
    SpaprVmcState *s = SPAPR_VMC(sdev);

    /* The generic reset has freed the CRQ and cleared the TCE table. */
    if (s->dev.hvmem) {
        hv_device_reset(&s->dev);
    }
}

/* spapr_vio.c only checks for a negative return. */
static int spapr_vmc_devnode(SpaprVioDevice *sdev, void *fdt, int node)
{
    SpaprVmcState *s = SPAPR_VMC(sdev);
    struct hv_device_dt dt;
    int i;

    if (!s->dev.hvmem || !hv_device_dt(&s->dev, s->loc_code, &dt)) {
        return -1;
    }
    for (i = 0; i < HV_DEVICE_DT_PROPS; i++) {
        struct hv_device_dt_prop *p = &dt.prop[i];

        if (fdt_setprop(fdt, node, p->name, p->val, p->len) < 0) {
            return -1;
        }
    }
    return 0;
}

/*
 * Migration: the device's state as one stream (hv_device_snap_*()), the CRQ
 * registration in the VIO part, the TCE tables with sPAPR's IOMMU state;
 * the HMC connection does not travel (docs/qemu-device.md §2.5).
 */
static int spapr_vmc_pre_save(void *opaque)
{
    return hv_device_snap_prepare(&vmc(opaque)->dev) ? -EINVAL : 0;
}

/* post_save and pre_load: no stream is kept between migrations */
static int spapr_vmc_snap_drop(void *opaque)
{
    hv_device_snap_drop(&vmc(opaque)->dev);
    return 0;
}

/* The stream's length is checked before QEMU allocates it (g_malloc). */
static bool spapr_vmc_snap_len_ok(void *opaque, int version_id)
{
    return hv_device_snap_len_ok(&vmc(opaque)->dev);
}

static int spapr_vmc_post_load(void *opaque, int version_id)
{
    SpaprVmcState *s = opaque;

    return hv_device_snap_load(&s->dev, s->props.suspend_event) ? -EINVAL : 0;
}

static const VMStateField spapr_vmc_fields[] = {
    VMSTATE_SPAPR_VIO(sdev, SpaprVmcState),
    VMSTATE_UINT32(dev.snap_len, SpaprVmcState),
    VMSTATE_VBUFFER_ALLOC_UINT32(dev.snap, SpaprVmcState, 0,
                                 spapr_vmc_snap_len_ok, dev.snap_len),
    VMSTATE_END_OF_LIST(),
};

/* Version 1 carried the CRQ bookkeeping as fields: refused. */
static const VMStateDescription vmstate_spapr_vmc = {
    .name = "spapr_vmc",
    .version_id = 2,
    .minimum_version_id = 2,
    .pre_save = spapr_vmc_pre_save,
    .post_save = spapr_vmc_snap_drop,
    .pre_load = spapr_vmc_snap_drop,
    .post_load = spapr_vmc_post_load,
    .fields = spapr_vmc_fields,
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
    DEFINE_PROP_UINT32("max-copy", SpaprVmcState, props.max_copy,
                       VMC_HV_DEFAULT_MAX_COPY),
    DEFINE_PROP_UINT32("crq-entries", SpaprVmcState, props.crq_entries, 0),
    DEFINE_PROP_BOOL("strict", SpaprVmcState, props.strict, false),
    DEFINE_PROP_BOOL("trace-crq", SpaprVmcState, props.trace_crq, false),
    DEFINE_PROP_BOOL("debug", SpaprVmcState, props.debug, false),
    DEFINE_PROP_BOOL("init-on-register", SpaprVmcState, props.init_on_register,
                     false),
    DEFINE_PROP_BOOL("crq-full-drop", SpaprVmcState, props.crq_full_drop,
                     false),
    DEFINE_PROP_BOOL("suspend-event", SpaprVmcState, props.suspend_event,
                     false),
    DEFINE_PROP_BOOL("suspend-on-resume", SpaprVmcState,
                     props.suspend_on_resume, false),
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
