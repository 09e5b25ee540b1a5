/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hv_device.h - the portable core of a VMC device: everything the QEMU
 * device spapr-vmc (hv/qemu/spapr_vmc.c) does that needs no QEMU API.
 *
 * It owns the engine (hv/vmc_hv.h), the HMC link (hv/hmc_link.h), the
 * output backlog toward the peer (hv/hmc_outq.h), the count of unconsumed
 * guest CRQ entries (hv/hv_crq_flow.h) and the retry backoff
 * (hv/hv_retry.h), and decides: when the engine runs, what a CRQ send
 * result means, when the peer's connection must be closed, what STATUS
 * says about the device, how the engine's state travels in a migration.
 * The embedder provides the world through struct hv_device_ops (the guest's
 * CRQ and pane 0, the connection to the peer, a bottom half, a timer) and
 * the memory (ops->alloc: it builds inside QEMU). Every value from
 * the guest or the peer is hostile; callers serialise all calls (QEMU: the
 * BQL).
 */
#ifndef VMCFW_HV_DEVICE_H
#define VMCFW_HV_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/hmc_link.h"
#include "hv/hmc_outq.h"
#include "hv/hv_crq_flow.h"
#include "hv/hv_props.h"
#include "hv/hv_retry.h"
#include "hv/vmc_hv.h"

/* Bookkeeping a snapshot may add to the engine's backing store. */
#define HV_DEVICE_SNAP_SLACK (1024u * 1024u)

/*
 * The device block that opens a migration stream, before the engine's own
 * stream (docs/qemu-device.md §2.5): magic, the CRQ registration the engine
 * was told of, the CRQ flow and the CRQ counters.
 */
#define HV_DEVICE_SNAP_MAGIC "VMCHVDEV"
#define HV_DEVICE_SNAP_DEV_LEN 48u

/* ibm,loc-code when the embedder gives none */
#define HV_DEVICE_LOC_CODE "U8247.22L.VMC-V1-C1"

/* The device node's properties (hv_device_dt()). */
#define HV_DEVICE_DT_PROPS 5

/**
 * struct hv_device_crq - the guest's CRQ registration as the platform holds it.
 * @qladdr: IOBA of the queue's first byte
 * @qsize: its size in bytes (0: no queue registered)
 * @qnext: the platform's enqueue offset in bytes
 * @irq: the CRQ interrupt is enabled
 * @unit_address: the device's VIO unit address
 */
struct hv_device_crq {
    uint64_t qladdr;
    uint32_t qsize;
    uint32_t qnext;
    bool irq;
    uint32_t unit_address;
};

/**
 * struct hv_device_tce - the device's pane-0 TCE table as the platform holds
 * it.
 * @liobn: its LIOBN
 * @table: its entries (PAPR TCEs, permission bits in the low bits)
 * @nb_table: how many
 * @page_shift: log2 of the page size
 * @bus_offset: the first IOBA of the window
 * @bypass: the platform maps all guest RAM 1:1 (QEMU's RTAS ibm,set-tce-bypass)
 */
struct hv_device_tce {
    uint32_t liobn;
    const uint64_t *table;
    uint64_t nb_table;
    unsigned int page_shift;
    uint64_t bus_offset;
    bool bypass;
};

/*
 * The core's own log levels, below the engine's (0 error, 1 warning, ...:
 * both about the guest): these are about the host, for the embedder's
 * host-side channel.
 */
enum hv_device_log {
    HV_DEVICE_LOG_WARN = -1, /* host-side trouble, once per cause */
    HV_DEVICE_LOG_ERROR =
        -2, /* an operation refused (a migration load, a save) */
};

/**
 * struct hv_device_ops - how the core reaches the world; @opaque is the
 * pointer given to hv_device_init(). All but @chr_write are mandatory.
 * @crq_get: the guest's CRQ registration now
 * @crq_send: put one 16-byte entry into the guest's CRQ the platform's way;
 *      0 written, 1 the slot at the enqueue point is busy, anything else
 *      the queue's page is not writable
 * @tce_get: the pane-0 TCE table; false when the device has none
 * @dma_valid: the whole range is backed in the device's address space
 *      (after the TCE rule said yes)
 * @dma_rw: copy @len bytes between @buf and pane 0 at @ioba (@write: to
 *      the guest) through the platform's IOMMU; 0, or -1 when it failed the
 *      access (also reads the CRQ's headers for flow control)
 * @chr_write: write to the peer: bytes taken, 0 when the socket is full,
 *      -1 on a hard error (the peer no longer reads); NULL when the device
 *      has no connection at all (frames are then dropped)
 * @chr_watch: @on: call hv_device_chr_writable() once the connection can
 *      take bytes (false: the backend cannot tell); !@on: cancel that
 * @chr_close_later: call hv_device_chr_close_due() soon, outside this call
 * @kick_later: call hv_device_kick() soon, outside this call (bottom half)
 * @timer_set: call hv_device_kick() at virtual time @due_us; UINT64_MAX
 *      cancels. The timer stops with the machine.
 * @running: the machine runs (its memory may be touched)
 * @now_us: virtual time in microseconds
 * @log: the engine's log (struct vmc_hv_ops), also used for guest errors
 *      here, and for the core's host-side warnings and errors (enum
 *      hv_device_log, negative levels)
 * @alloc: @len bytes of zeroed memory, or NULL: the backing store, the
 *      backlog, a migration stream (the embedder's migration code may
 *      allocate an incoming stream the same way)
 * @free: give such memory back
 */
struct hv_device_ops {
    void (*crq_get)(void *opaque, struct hv_device_crq *q);
    int (*crq_send)(void *opaque, const uint8_t entry[16]);
    bool (*tce_get)(void *opaque, struct hv_device_tce *t);
    bool (*dma_valid)(void *opaque, uint64_t ioba, uint64_t len, bool write);
    int (*dma_rw)(void *opaque, uint64_t ioba, void *buf, uint64_t len,
                  bool write);
    long (*chr_write)(void *opaque, const uint8_t *buf, size_t len);
    bool (*chr_watch)(void *opaque, bool on);
    void (*chr_close_later)(void *opaque);
    void (*kick_later)(void *opaque);
    void (*timer_set)(void *opaque, uint64_t due_us);
    bool (*running)(void *opaque);
    uint64_t (*now_us)(void *opaque);
    void (*log)(void *opaque, int level, const char *text);
    void *(*alloc)(size_t len);
    void (*free)(void *p);
};

/**
 * struct hv_device - one VMC device's portable state. The embedder may
 * read every field and change none outside hv_device_*(), except that its
 * migration code fills @snap and @snap_len on a load.
 * @hv: the engine
 * @link: the HMC link layer
 * @outq: the bounded backlog toward the peer
 * @flow: the guest CRQ's unconsumed entries
 * @retry: deadlines and the retry backoff
 * @mp_registered: what the engine was told of the guest's CRQ
 * @watching: a chr_watch is armed
 * @link_error_logged: the one warning about a dead connection was given
 * @was_stopped: the machine stopped since it last ran (hv_device_run_state())
 * @crq_full_dropped: entries dropped on a full CRQ (crq-full-drop knob)
 * @crq_dma_errors: sends that found the CRQ page not writable
 * @hvmem: the engine's backing store (ops->alloc); NULL before
 *      hv_device_init() succeeded
 * @hvmem_len: its size
 * @snap: a migration stream between the embedder's save or load steps
 *      (hv_device_snap_*()), allocated with ops->alloc; NULL when none
 * @snap_len: its length; on a load, the length announced before @snap
 *      arrives
 */
struct hv_device {
    struct vmc_hv hv;
    struct hmc_link link;
    struct hmc_outq outq;
    struct hv_crq_flow flow;
    struct hv_retry retry;
    bool mp_registered;
    bool watching;
    bool link_error_logged;
    bool was_stopped;
    uint64_t crq_full_dropped;
    uint64_t crq_dma_errors;
    uint8_t *hvmem;
    size_t hvmem_len;
    uint8_t *snap;
    uint32_t snap_len;
    /* private */
    struct vmc_hv_ops hv_ops;
    struct hmc_link_ops link_ops;
    const struct hv_device_ops *ops;
    void *opaque;
};

/**
 * hv_device_configure - check the device's properties and derive the
 * engine's and the link's configuration (hv_props_configure()).
 * @p: the properties
 * @unit_address: the VIO unit address
 * @local_liobn: pane 0's LIOBN (pane 1's must differ)
 * @cfg: the engine's configuration, written
 * @link: the link's configuration, written
 * @hvmem_len: the engine's backing store size, written
 * Return: NULL, or why the properties are refused.
 */
const char *hv_device_configure(struct hv_props *p, uint32_t unit_address,
                                uint32_t local_liobn, struct vmc_hv_config *cfg,
                                struct hmc_link_config *link,
                                size_t *hvmem_len);

/**
 * hv_device_init - bring a device core up; nothing is called back yet.
 * @d: zeroed or stale memory for the core
 * @cfg: the engine's configuration (hv_props_configure())
 * @link_cfg: the link's configuration
 * @ops: the world, kept by pointer
 * @opaque: passed to every @ops call
 * @hvmem_len: the engine's backing store size, vmc_hv_backing_size(@cfg)
 *      (hv_device_configure())
 * @outcap: the size of the backlog toward the peer
 *
 * The backing store and the backlog come from ops->alloc; on a refusal
 * nothing stays allocated, @d->hvmem is NULL.
 * Return: VMC_HV_OK, VMC_HV_ERR_NOBUF when ops->alloc found no memory, or
 * the engine's/link's VMC_HV_E* refusal.
 */
int hv_device_init(struct hv_device *d, const struct vmc_hv_config *cfg,
                   const struct hmc_link_config *link_cfg,
                   const struct hv_device_ops *ops, void *opaque,
                   size_t hvmem_len, size_t outcap);

/**
 * hv_device_fini - free what hv_device_init() and a migration stream held
 * (for embedders that remove a device; QEMU's spapr-vmc never is).
 * @d: the core; its memory is stale afterwards
 */
void hv_device_fini(struct hv_device *d);

/**
 * hv_device_kick - run the engine's deferred work now (bottom half, timer),
 * then re-arm the timer; a stopped machine gets the timer instead.
 * @d: the core
 */
void hv_device_kick(struct hv_device *d);

/**
 * hv_device_crq_changed - the platform registered (@registered) or freed
 * the guest's CRQ (H_REG_CRQ, H_FREE_CRQ).
 * @d: the core
 * @registered: a queue exists now
 */
void hv_device_crq_changed(struct hv_device *d, bool registered);

/**
 * hv_device_reset - machine reset: the platform freed the CRQ and cleared
 * the TCE table already.
 * @d: the core
 */
void hv_device_reset(struct hv_device *d);

/**
 * hv_device_suspend - the partition was suspended and resumed (an incoming
 * migration, or a `cont` after a `stop`): post the partner-suspended event
 * (0xFF 0x06) and refuse the guest's sends until it re-enables its CRQ
 * (vmc_hv_suspend()).
 * @d: the core
 *
 * Return: VMC_HV_OK, or VMC_HV_ERR_STATE when the guest has no CRQ.
 */
int hv_device_suspend(struct hv_device *d);

/**
 * hv_device_crq_enabled - the guest called H_ENABLE_CRQ on the device's
 * unit: a pending suspension ends (vmc_hv_mp_enabled()).
 * @d: the core
 */
void hv_device_crq_enabled(struct hv_device *d);

/**
 * hv_device_run_state - the machine stopped (@running false) or runs again;
 * with @suspend_on_resume, a run after a stop is told as a suspension.
 * @d: the core
 * @running: the machine's new run state
 * @suspend_on_resume: the device's `suspend-on-resume` property
 */
void hv_device_run_state(struct hv_device *d, bool running,
                         bool suspend_on_resume);

/**
 * hv_device_guest_crq - the guest's H_SEND_CRQ on the device.
 * @d: the core
 * @entry: the 16 bytes of the entry, big-endian
 * Return: the hcall's return code (HV_H_*).
 */
long hv_device_guest_crq(struct hv_device *d, const uint8_t entry[16]);

/**
 * hv_device_request_vmc - the guest's H_REQUEST_VMC.
 * @d: the core
 * @drc_index: set to the DRC index on success
 * Return: the hcall's return code (HV_H_*).
 */
long hv_device_request_vmc(struct hv_device *d, uint64_t *drc_index);

/**
 * hv_device_copy_rdma - the guest's H_COPY_RDMA.
 * @d: the core
 * @args: the hcall's five arguments
 * Return: the hcall's return code (HV_H_*).
 */
long hv_device_copy_rdma(struct hv_device *d, const uint64_t args[5]);

/**
 * hv_device_peer_opened - a peer connected (or the backend opened).
 * @d: the core
 */
void hv_device_peer_opened(struct hv_device *d);

/**
 * hv_device_peer_closed - the peer's connection closed.
 * @d: the core
 */
void hv_device_peer_closed(struct hv_device *d);

/**
 * hv_device_peer_bytes - bytes the peer sent.
 * @d: the core
 * @buf: the bytes (hostile)
 * @len: how many
 */
void hv_device_peer_bytes(struct hv_device *d, const uint8_t *buf, size_t len);

/**
 * hv_device_chr_writable - the watch asked for with chr_watch fired (it is
 * disarmed now): write the backlog.
 * @d: the core
 */
void hv_device_chr_writable(struct hv_device *d);

/**
 * hv_device_chr_close_due - the close asked for with chr_close_later is
 * due.
 * @d: the core
 * Return: true when the connection must be closed now, false when a new
 * connection revived the output since.
 */
bool hv_device_chr_close_due(const struct hv_device *d);

/**
 * struct hv_device_dt_prop - one property of the device node.
 * @name: its name
 * @val: its value, as the device tree holds it (cells big-endian)
 * @len: its length in bytes
 */
struct hv_device_dt_prop {
    const char *name;
    const void *val;
    int len;
};

/**
 * struct hv_device_dt - the device node's properties; @prop points into the
 * struct itself, so it is used where hv_device_dt() filled it.
 * @window: ibm,my-dma-window: two windows of <liobn phys.hi phys.lo size.hi
 *      size.lo>, pane 0 (the TCE table) then pane 1 (the engine's buffers)
 * @cells: ibm,#dma-address-cells, ibm,#dma-size-cells, ibm,my-drc-index
 * @prop: the properties, in order
 */
struct hv_device_dt {
    uint32_t window[10];
    uint32_t cells[3];
    struct hv_device_dt_prop prop[HV_DEVICE_DT_PROPS];
};

/**
 * hv_device_dt - the device node's properties: the DMA windows, the cell
 * counts, the DRC index, the location code.
 * @d: the core (pane 0 through ops->tce_get, pane 1, the DRC index)
 * @loc_code: ibm,loc-code; NULL: HV_DEVICE_LOC_CODE
 * @dt: filled
 * Return: true, or false when the device has no TCE table.
 */
bool hv_device_dt(const struct hv_device *d, const char *loc_code,
                  struct hv_device_dt *dt);

/**
 * hv_device_snap_prepare - write the device's state for a migration into
 * @d->snap (HV_DEVICE_SNAP_DEV_LEN bytes of device block, then the
 * engine's stream), replacing any stream held.
 * @d: the core
 * Return: 0, or -1 when the state cannot be saved (reported; nothing held).
 */
int hv_device_snap_prepare(struct hv_device *d);

/**
 * hv_device_snap_drop - free the stream held, if any.
 * @d: the core
 */
void hv_device_snap_drop(struct hv_device *d);

/**
 * hv_device_snap_len_ok - may an incoming stream announce @d->snap_len
 * bytes? Checked before the embedder allocates it.
 * @d: the core
 * Return: true when it is in range.
 */
bool hv_device_snap_len_ok(const struct hv_device *d);

/**
 * hv_device_snap_load - load the incoming stream @d->snap (NULL: it was
 * refused for its length @d->snap_len), drop it, then resume: the
 * partner-suspended state when @suspend, timer, peer retold (so a peer
 * already connected never hears of sessions the suspension ends).
 * @d: the core
 * @suspend: post the partner-suspended event after the load (the
 *      suspend-event property: PowerVM after a partition migration)
 * Return: 0, or -1 when refused (reported with the reason; nothing of the
 * stream is applied).
 */
int hv_device_snap_load(struct hv_device *d, bool suspend);

#endif /* VMCFW_HV_DEVICE_H */
