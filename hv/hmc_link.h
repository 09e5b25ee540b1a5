/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hmc_link.h - the HMC link layer: everything between the bytes of the host
 * peer's socket and the HV engine (docs/hmc-protocol.md).
 *
 * Commands in: the frame parser (hmc_frame.[ch]) cuts the byte stream into
 * frames; this layer validates each command against the engine's state,
 * calls the engine, and answers with the ACK or ERROR the protocol defines
 * (every engine result mapped to one ERROR code, §4).
 * Events out: the engine's notifications (struct vmc_hv_event) become
 * frames; STATUS is packed here (§5); the CRQ/CALL trace frames of
 * trace-crq=on are encoded here too.
 *
 * Same ground rules as the engine (vmc_hv.h): plain C, a context pointer,
 * no globals, no allocation, no clock of its own. The embedder (the QEMU
 * device, the host tests, the link fuzzer) supplies the output, the clock,
 * a "run the engine now" hook and the few counters only it knows, through
 * struct hmc_link_ops. Every byte from the peer is hostile.
 */
#ifndef VMCFW_HV_HMC_LINK_H
#define VMCFW_HV_HMC_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/hmc_frame.h"
#include "hv/vmc_hv.h"

/* STATUS layout version (docs/hmc-protocol.md §5, byte 0). */
#define HMC_LINK_STATUS_VERSION 1
/* Counters STATUS carries today (appended ones included). */
#define HMC_LINK_STATUS_COUNTERS 31
/* Largest STATUS payload: header, one record per index, the counters. */
#define HMC_LINK_STATUS_MAX \
    (32u + 4u * VMC_HV_MAX_HMCS + 4u + 8u * HMC_LINK_STATUS_COUNTERS)

/* Flags word of STATUS (offset 24). */
#define HMC_LINK_FLAG_CRQ_REGISTERED 0x1u    /* the guest has a CRQ */
#define HMC_LINK_FLAG_ENGINE_REGISTERED 0x2u /* the engine was told so */
#define HMC_LINK_FLAG_CRQ_IRQ 0x4u           /* the CRQ interrupt is enabled */
#define HMC_LINK_FLAG_SUSPENDED \
    0x8u /* partner suspended: H_CLOSED until H_ENABLE_CRQ */

/**
 * struct hmc_link_glue_status - what only the embedder knows, for STATUS.
 * @unit_address: pane-0 LIOBN (the VIO unit address)
 * @flags: HMC_LINK_FLAG_*
 * @crq_bytes: size of the guest's CRQ in bytes (0: none)
 * @kicks: runs of the engine's deferred work
 * @crq_reads: reads of the guest's CRQ memory made to send
 * @out_dropped: frames the output path lost (peer not reading)
 * @out_write_errors: hard write errors on the peer's connection
 * @out_error_bytes: bytes those errors dropped
 */
struct hmc_link_glue_status {
    uint32_t unit_address;
    uint32_t flags;
    uint32_t crq_bytes;
    uint64_t kicks;
    uint64_t crq_reads;
    uint64_t out_dropped;
    uint64_t out_write_errors;
    uint64_t out_error_bytes;
};

/**
 * struct hmc_link_ops - how the link reaches the world; @opaque is the
 * pointer given to hmc_link_init(). Only @write is mandatory.
 * @write: one whole encoded frame for the peer. Called only while a peer
 *      is open (hmc_link_peer_opened()); the embedder may still drop it
 *      (socket full, connection failed) and count that itself.
 * @now_us: optional; the clock stamped into CALL trace frames (else 0).
 * @kick: optional; a command left the engine with work (queued output or
 *      a deadline): run vmc_hv_kick() now. Called between commands, never
 *      inside an engine call.
 * @glue_status: optional; fill the embedder's part of STATUS (else 0s).
 */
struct hmc_link_ops {
    void (*write)(void *opaque, const uint8_t *frame, size_t len);
    uint64_t (*now_us)(void *opaque);
    void (*kick)(void *opaque);
    void (*glue_status)(void *opaque, struct hmc_link_glue_status *st);
};

/**
 * struct hmc_link_config - fixed at init.
 * @max_hmcs: HMC indices of the device (1..VMC_HV_MAX_HMCS): BAD_INDEX
 *      above, one STATUS record each
 * @pool_size: buffers per index (1..VMC_HV_MAX_POOL), counted for STATUS
 * @remote_liobn: pane-1 LIOBN, reported in STATUS
 * @trace: trace-crq=on: emit CRQ and CALL frames
 * @crq_full_drop: initial value of the FAULT 6 switch
 */
struct hmc_link_config {
    uint32_t max_hmcs;
    uint32_t pool_size;
    uint32_t remote_liobn;
    bool trace;
    bool crq_full_drop;
};

/* Counters of the link itself (also in STATUS). */
struct hmc_link_stats {
    uint64_t host_frames;  /* well-formed commands taken from the peer */
    uint64_t host_errors;  /* ERROR frames produced (sent or not) */
    uint64_t unencodable;  /* frames that could not be encoded (dropped) */
    uint64_t no_peer_msgs; /* guest messages dropped: no peer connected */
};

/* The context: the embedder allocates it and treats the fields as private. */
struct hmc_link {
    struct hmc_link_config cfg;
    const struct hmc_link_ops *ops;
    void *opaque;
    struct vmc_hv *hv;
    bool peer_open;
    bool crq_full_drop;
    struct hmc_link_stats stats;
    struct hmc_frame_parser parser;
    uint8_t scratch[HMC_FRAME_MAX_LEN]; /* one encoded frame */
};

/**
 * hmc_link_init - set up a link in caller memory, bound to an engine.
 * @link: the context (any contents; it is reset)
 * @cfg: configuration, copied
 * @ops: environment, kept by pointer (must outlive @link)
 * @opaque: passed back to every op
 * @hv: the engine the commands drive (initialised by the caller)
 * No peer is open until hmc_link_peer_opened().
 * Return: VMC_HV_OK, or VMC_HV_ERR_PARAM (no @write, max_hmcs or pool_size
 * out of range, NULL engine).
 */
int hmc_link_init(struct hmc_link *link, const struct hmc_link_config *cfg,
                  const struct hmc_link_ops *ops, void *opaque,
                  struct vmc_hv *hv);

/**
 * hmc_link_peer_opened - a peer connected: reset the parser, then
 * hmc_link_announce().
 * @link: the link
 */
void hmc_link_peer_opened(struct hmc_link *link);

/**
 * hmc_link_announce - tell the peer the link state (LINK) and every session
 * already open (OPEN each); the parser keeps a partial frame. Used again
 * when the engine's state changed under the peer (a migration loaded).
 * @link: the link (nothing is written without a peer)
 */
void hmc_link_announce(struct hmc_link *link);

/**
 * hmc_link_peer_closed - the peer went away: a partial frame is discarded
 * and nothing is written until the next hmc_link_peer_opened().
 * @link: the link
 */
void hmc_link_peer_closed(struct hmc_link *link);

/**
 * hmc_link_feed - bytes from the peer, in any chunking. Each complete
 * command runs at once (answers go out through ops->write); malformed input
 * is answered with ERROR and the parser resynchronises.
 * @link: the link
 * @buf: the bytes
 * @len: how many; all are consumed
 */
void hmc_link_feed(struct hmc_link *link, const uint8_t *buf, size_t len);

/**
 * hmc_link_engine_event - forward one engine notification (call it from
 * the engine's ops->event) as the event frame the peer expects.
 * @link: the link
 * @ev: the engine's event
 */
void hmc_link_engine_event(struct hmc_link *link,
                           const struct vmc_hv_event *ev);

/**
 * hmc_link_trace_crq - trace one CRQ entry (CRQ frame), if tracing is on.
 * @link: the link
 * @hi: bytes 0-7 of the entry
 * @lo: bytes 8-15
 * @to_guest: false guest->HV (H_SEND_CRQ), true HV->guest
 */
void hmc_link_trace_crq(struct hmc_link *link, uint64_t hi, uint64_t lo,
                        bool to_guest);

/**
 * hmc_link_trace_call - trace one other engine input (CALL frame), if
 * tracing is on: an enum hmc_trace_call, up to 6 arguments, data (at most
 * HMC_TRACE_MAX_DATA bytes are kept).
 * @link: the link
 * @what: enum hmc_trace_call
 * @args: the arguments
 * @nargs: how many (more than 6 are ignored)
 * @data: optional bytes
 * @len: their length
 */
void hmc_link_trace_call(struct hmc_link *link, uint8_t what,
                         const uint64_t *args, unsigned int nargs,
                         const uint8_t *data, uint32_t len);

/*
 * The engine's inputs from the guest, recorded for the peer (CRQ and CALL
 * frames, trace-crq=on only) in the order the engine takes them, so a trace
 * replays exactly (tools/trace2corpus.py). Each calls the engine.
 */

/**
 * hmc_link_mp_registered - the guest registered its CRQ: record, then
 * vmc_hv_mp_registered().
 * @link: the link
 * @crq_entries: size of the guest's queue in 16-byte entries
 */
void hmc_link_mp_registered(struct hmc_link *link, uint32_t crq_entries);

/**
 * hmc_link_mp_freed - the guest's CRQ is gone: record, then vmc_hv_mp_freed().
 * @link: the link
 */
void hmc_link_mp_freed(struct hmc_link *link);

/**
 * hmc_link_guest_entry - the guest's H_SEND_CRQ: record, then vmc_hv_receive().
 * @link: the link
 * @hi: bytes 0-7 of the entry
 * @lo: bytes 8-15
 * Return: the hcall's return code (vmc_hv_receive()).
 */
long hmc_link_guest_entry(struct hmc_link *link, uint64_t hi, uint64_t lo);

/**
 * hmc_link_request_vmc - the guest's H_REQUEST_VMC: vmc_hv_request_vmc(),
 * then record it with its return code.
 * @link: the link
 * @drc_index: receives the DRC index on HV_H_SUCCESS
 * Return: the hcall's return code.
 */
long hmc_link_request_vmc(struct hmc_link *link, uint64_t *drc_index);

/**
 * hmc_link_copy_rdma - the guest's H_COPY_RDMA: vmc_hv_copy_rdma(), then
 * record it with its arguments and return code.
 * @link: the link
 * @args: len, source LIOBN, source IOBA, destination LIOBN, destination IOBA
 * Return: the hcall's return code.
 */
long hmc_link_copy_rdma(struct hmc_link *link, const uint64_t args[5]);

/**
 * hmc_link_tracing - whether trace-crq is on.
 * @link: the link
 * Return: the configured @trace.
 */
bool hmc_link_tracing(const struct hmc_link *link);

/**
 * hmc_link_crq_full_drop - the FAULT 6 switch: drop HV->guest entries
 * instead of retrying when the guest's CRQ is full.
 * @link: the link
 * Return: true while the switch is on.
 */
bool hmc_link_crq_full_drop(const struct hmc_link *link);

/**
 * hmc_link_error_code - the ERROR code (§4) for an engine result.
 * @link: the link (the engine's phase decides between NOT_READY and
 *      NO_SESSION)
 * @result: an enum vmc_hv_result other than VMC_HV_OK
 * @msg: the command was a MSG (ERR_STATE on a ready link means no session)
 * Return: an enum hmc_err_code; HMC_ERR_INTERNAL for an unknown result.
 */
uint8_t hmc_link_error_code(const struct hmc_link *link, int result, bool msg);

/**
 * hmc_link_pack_status - the STATUS payload (§5).
 * @link: the link
 * @out: at least HMC_LINK_STATUS_MAX bytes
 * Return: its length.
 */
size_t hmc_link_pack_status(const struct hmc_link *link, uint8_t *out);

/**
 * hmc_link_get_stats - the link's own counters.
 * @link: the link
 * Return: a read-only view, valid as long as @link.
 */
const struct hmc_link_stats *hmc_link_get_stats(const struct hmc_link *link);

#endif /* VMCFW_HV_HMC_LINK_H */
