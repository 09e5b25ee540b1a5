/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmc_hv.h - the hypervisor (HV) side of the IBM Virtual Management Channel,
 * as a portable engine driven by an embedder.
 *
 * Two embedders drive this engine identically:
 *   - hv/sim/   (host simulator for unit tests; malloc, virtual time),
 *   - hv/qemu/  (the spapr-vmc QEMU 7.2 device; g_malloc, QEMU timers).
 *
 * Ground rules (why the API looks like this):
 *   - No globals: everything lives in struct vmc_hv, which the embedder
 *     allocates (static, malloc, g_new0...) and passes to every call.
 *   - No allocation: the context has fixed-size arrays sized by the
 *     compile-time maxima below; the remote-window backing store (the HV
 *     buffers the MP reaches through pane 1) is one caller-provided array
 *     of vmc_hv_backing_size() bytes.
 *   - No blocking, no hcalls: the engine never includes hcall/hcall.h and
 *     reaches its environment only through struct vmc_hv_ops. It keeps its
 *     own bounded outbound FIFO towards the MP's CRQ and retries on
 *     vmc_hv_kick().
 *   - The guest (MP) is hostile: every field, index and length it supplies
 *     is validated; violations are counted, never trusted, never fatal.
 *   - Plain C11 with stdint/stdbool/stddef only, so the same files build in
 *     the host tests and inside QEMU's build (which also defines H_* names:
 *     hence the HV_H_* prefix here).
 *
 * Wire encoding uses the shared codec vmc/vmc_wire.h (self-contained).
 *
 * Time: the engine has no clock of its own; it asks ops->now_us() (may be
 * NULL: then time stands still and delays expire at the next kick).
 *
 * Threading: none. The embedder serialises all calls (QEMU: the BQL).
 *
 * Section numbers (§) are those of docs/vmc-protocol.md.
 */
#ifndef VMCFW_HV_VMC_HV_H
#define VMCFW_HV_VMC_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* PAPR hcall return codes, prefixed so QEMU's spapr.h does not clash. */
/* ------------------------------------------------------------------ */
#define HV_H_SUCCESS 0
#define HV_H_BUSY 1
#define HV_H_CLOSED 2
#define HV_H_NOT_AVAILABLE 3
#define HV_H_LONG_BUSY_1MS 9900
#define HV_H_LONG_BUSY_100S 9905
#define HV_H_HARDWARE (-1)
#define HV_H_FUNCTION (-2)
#define HV_H_PRIVILEGE (-3)
#define HV_H_PARAMETER (-4)
#define HV_H_NOT_FOUND (-7)
#define HV_H_AUTHORITY (-10)
#define HV_H_PERMISSION (-11)
#define HV_H_DROPPED (-12)
#define HV_H_SOURCE_PARM (-13)
#define HV_H_DEST_PARM (-14)
#define HV_H_RESOURCE (-16)

/* ------------------------------------------------------------------ */
/* Compile-time maxima (the context's arrays are sized by these).     */
/* ------------------------------------------------------------------ */
#define VMC_HV_MAX_HMCS 4  /* HMC indices per channel */
#define VMC_HV_MAX_POOL 64 /* buffers per HMC index */
#define VMC_HV_MIN_MTU 4096
#define VMC_HV_MAX_MTU 16384
#define VMC_HV_PENDING_MAX 8 /* host->MP messages waiting per index */
#define VMC_HV_OUTQ_MAX 512  /* HV->MP CRQ entries the engine holds */
#define VMC_HV_INQ_MAX 64    /* MP->HV entries held by a delay fault */
#define VMC_HV_DEFAULT_MAX_COPY (128u * 1024u) /* ibm,max-virtual-dma-size */
#define VMC_HV_HMC_ID_LEN 32

/* ------------------------------------------------------------------ */
/* Engine result codes (HMC-side commands and set-up).                */
/* ------------------------------------------------------------------ */
enum vmc_hv_result {
    VMC_HV_OK = 0,
    VMC_HV_ERR_PARAM = -1, /* bad argument (index, length, value) */
    VMC_HV_ERR_STATE = -2, /* not valid now (link down, no session) */
    VMC_HV_ERR_FULL = -3,  /* bounded queue full: try again later */
    VMC_HV_ERR_NOBUF = -4, /* no free buffer ID in the pool */
};

/**
 * vmc_hv_result_name - name of an engine result.
 * @result: an enum vmc_hv_result value
 *
 * Return: "OK", "ERR_PARAM", ...; "ERR_UNKNOWN" for any other value.
 */
const char *vmc_hv_result_name(int result);

/** What ops->send_to_mp() reports. */
enum vmc_hv_tx {
    VMC_HV_TX_OK = 0,     /* entry written into the MP's CRQ */
    VMC_HV_TX_FULL = 1,   /* slot at the enqueue pointer busy: retry later */
    VMC_HV_TX_CLOSED = 2, /* MP has no CRQ registered: engine treats as freed */
};

/* ------------------------------------------------------------------ */
/* Events delivered to the HMC side (ops->event).                     */
/* ------------------------------------------------------------------ */
enum vmc_hv_event_kind {
    VMC_HV_EV_LINK_UP = 1, /* CAP exchanged: channel ready */
    VMC_HV_EV_LINK_DOWN,   /* init, reset, MP free: every session gone */
    VMC_HV_EV_OPEN,        /* session opened: data = 32-byte HMC ID */
    VMC_HV_EV_CLOSE,       /* session closed: code = enum vmc_hv_close_reason */
    VMC_HV_EV_MESSAGE,   /* MP->HMC message: data/len (valid during callback) */
    VMC_HV_EV_SENT,      /* a queued host message went out as SIGNAL: len */
    VMC_HV_EV_DROPPED,   /* a queued host message was discarded: len, code */
    VMC_HV_EV_REM_BUF,   /* REM_BUF_RESP: code = status, buffer_id */
    VMC_HV_EV_VIOLATION, /* protocol violation: code = vmc_hv_violation */
};

enum vmc_hv_close_reason {
    VMC_HV_CLOSE_BY_MP = 0, /* MP sent CLOSE */
    VMC_HV_CLOSE_RESET = 1, /* Init, CAP renegotiation, H_FREE_CRQ, HV reset */
    VMC_HV_CLOSE_OPEN_FAILED = 2, /* OPEN answered with non-zero status */
};

struct vmc_hv_event {
    enum vmc_hv_event_kind kind;
    uint8_t index;       /* HMC index (when meaningful) */
    uint8_t session;     /* session number (when meaningful) */
    uint16_t buffer_id;  /* buffer involved, or 0xFFFF */
    int code;            /* reason / status / violation, per kind */
    const uint8_t *data; /* OPEN: HMC ID; MESSAGE: payload */
    uint32_t len;        /* bytes at @data (MESSAGE, SENT, DROPPED) */
};

/* ------------------------------------------------------------------ */
/* Environment supplied by the embedder.                              */
/* ------------------------------------------------------------------ */
/**
 * struct vmc_hv_ops - how the engine reaches the world. @opaque is the
 * pointer given to vmc_hv_init(). Only send_to_mp, mp_dma_read and
 * mp_dma_write are mandatory.
 *
 * @send_to_mp: write one 16-byte entry (hi = bytes 0-7, big-endian value)
 *      into the MP's CRQ through its pane-0 mapping: bytes 8-15 first, then
 *      a barrier, then bytes 0-7; advance the enqueue pointer; pulse the IRQ
 *      if enabled. Return enum vmc_hv_tx. Never overwrite a busy slot.
 * @mp_outstanding: optional; number of entries in the MP's CRQ not yet
 *      consumed (header != 0), or a negative value if unknown. Used to keep
 *      at most crq_size/2 entries outstanding (PAPR rule, §5.2).
 * @mp_dma_check: optional; would an access of @len bytes at @ioba in the
 *      MP's pane 0 (@liobn) succeed? @write: device writes (dest). Return
 *      HV_H_SUCCESS, HV_H_PARAMETER (LIOBN unknown, range outside the window
 *      or untranslatable) or HV_H_PERMISSION (TCE bits forbid it). When NULL
 *      the engine learns errors from mp_dma_read/mp_dma_write instead, and a
 *      failing destination may then be partially written.
 * @mp_dma_read: copy @len bytes from MP pane 0 into @buf. Same codes.
 * @mp_dma_write: copy @len bytes from @buf into MP pane 0. Same codes.
 * @event: optional; HMC-side notifications (struct vmc_hv_event).
 * @log: optional; one formatted line without newline. @level: 0 error,
 *      1 warning, 2 info, 3 debug.
 * @now_us: optional; monotonic microseconds (virtual time in the sim).
 * @wake: optional; the engine has work (queued output or a timer): the
 *      embedder should call vmc_hv_kick() at vmc_hv_next_deadline_us().
 */
struct vmc_hv_ops {
    int (*send_to_mp)(void *opaque, uint64_t hi, uint64_t lo);
    long (*mp_outstanding)(void *opaque);
    long (*mp_dma_check)(void *opaque, uint64_t liobn, uint64_t ioba,
                         uint64_t len, bool write);
    long (*mp_dma_read)(void *opaque, uint64_t liobn, uint64_t ioba, void *buf,
                        uint64_t len);
    long (*mp_dma_write)(void *opaque, uint64_t liobn, uint64_t ioba,
                         const void *buf, uint64_t len);
    void (*event)(void *opaque, const struct vmc_hv_event *ev);
    void (*log)(void *opaque, int level, const char *text);
    uint64_t (*now_us)(void *opaque);
    void (*wake)(void *opaque);
};

/* ------------------------------------------------------------------ */
/* Configuration (fixed at init).                                     */
/* ------------------------------------------------------------------ */
/**
 * struct vmc_hv_config - the HV's capabilities and identity.
 * @max_hmcs: HMC indices offered in CAP_RESP, 1..VMC_HV_MAX_HMCS
 * @pool_size: buffers per index offered, 1..VMC_HV_MAX_POOL
 * @max_mtu: message size offered, VMC_HV_MIN_MTU..VMC_HV_MAX_MTU; also the
 *      stride of the remote window, so LIOBAs are stable for a given config:
 *      LIOBA(index, id) = remote_base + (index * pool_size + id) * max_mtu
 * @crq_entries: entries of the HV's own receive CRQ, reported in CAP_RESP
 * @version: protocol version in CAP_RESP (0x0101)
 * @local_liobn: the MP's pane 0 LIOBN (its TCE window; embedder-checked)
 * @remote_liobn: pane 1 LIOBN (the window onto the HV buffers)
 * @remote_base: first LIOBA of pane 1 (usually 0)
 * @max_copy_len: ibm,max-virtual-dma-size: longer H_COPY_RDMA -> H_PARAMETER
 * @drc_index: what H_REQUEST_VMC returns in r4
 * @session_mp_bufs: owner=0 (MP->HV) buffers added on each OPEN
 * @session_hv_bufs: owner=1 (HV->MP) buffers added on each OPEN
 * @deferred_send: true: entry points only queue HV->MP entries and call
 *      ops->wake; vmc_hv_kick() sends them (QEMU: send from a bottom half, not
 *      inside the guest's hcall). false: sends are attempted at once.
 * @strict: pane-1 copies must touch a buffer the MP owns (else
 *      H_PERMISSION) and local->local / remote->remote copies are refused
 *      (H_PARAMETER). Off: those are only counted as violations.
 * @init_on_register: send our own Init (0xC001) when the MP registers.
 */
struct vmc_hv_config {
    uint32_t max_hmcs;
    uint32_t pool_size;
    uint32_t max_mtu;
    uint32_t crq_entries;
    uint32_t version;
    uint64_t local_liobn;
    uint64_t remote_liobn;
    uint32_t remote_base;
    uint32_t max_copy_len;
    uint32_t drc_index;
    uint32_t session_mp_bufs;
    uint32_t session_hv_bufs;
    bool deferred_send;
    bool strict;
    bool init_on_register;
};

/* ------------------------------------------------------------------ */
/* Fault injection and forced values.                                 */
/* ------------------------------------------------------------------ */
enum vmc_hv_dir {
    VMC_HV_DIR_TO_HV = 0, /* messages the MP sends (H_SEND_CRQ) */
    VMC_HV_DIR_TO_MP = 1, /* messages the HV sends into the MP's CRQ */
};

enum vmc_hv_fault_action {
    VMC_HV_FAULT_NONE = 0,
    VMC_HV_FAULT_DROP,  /* the message vanishes (counted) */
    VMC_HV_FAULT_DELAY, /* held for delay_us; order is kept (head-of-line) */
    VMC_HV_FAULT_DUP,   /* delivered twice */
};

/*
 * Forced values ("knobs"), set with vmc_hv_set_knob(). VMC_HV_KNOB_OFF (the
 * default) means "behave normally"; any other value is used as is (so -1
 * can force H_HARDWARE from H_REQUEST_VMC). They stay in force until set
 * back to VMC_HV_KNOB_OFF or vmc_hv_faults_clear().
 */
#define VMC_HV_KNOB_OFF INT64_MIN
enum vmc_hv_knob {
    VMC_HV_KNOB_CAP_STATUS = 0,    /* CAP_RESP status byte */
    VMC_HV_KNOB_CAP_MAX_HMC,       /* CAP_RESP max_hmc advertised */
    VMC_HV_KNOB_CAP_POOL,          /* CAP_RESP pool_size advertised */
    VMC_HV_KNOB_CAP_MTU,           /* CAP_RESP max_mtu advertised */
    VMC_HV_KNOB_CAP_CRQ_SIZE,      /* CAP_RESP crq_size advertised */
    VMC_HV_KNOB_CAP_VERSION,       /* CAP_RESP version advertised */
    VMC_HV_KNOB_OPEN_STATUS,       /* OPEN_RESP status (non-zero: open fails) */
    VMC_HV_KNOB_CLOSE_STATUS,      /* CLOSE_RESP status */
    VMC_HV_KNOB_ADD_BUF_OWNER,     /* owner byte written in every ADD_BUF */
    VMC_HV_KNOB_ADD_BUF_SESSION,   /* session byte written in every ADD_BUF */
    VMC_HV_KNOB_REQUEST_VMC_RC,    /* H_REQUEST_VMC return code */
    VMC_HV_KNOB_REQUEST_VMC_COUNT, /* ...for this many calls (OFF/0: always) */
    VMC_HV_KNOB_NO_RESEED, /* 1: do not re-seed after close/failed open */
    VMC_HV_KNOB_COUNT
};

/**
 * vmc_hv_knob_name - name of a knob.
 * @knob: an enum vmc_hv_knob value
 *
 * Return: "CAP_STATUS", ...; "UNKNOWN" out of range.
 */
const char *vmc_hv_knob_name(int knob);

/* ------------------------------------------------------------------ */
/* Statistics and violations.                                         */
/* ------------------------------------------------------------------ */
enum vmc_hv_violation {
    VMC_HV_V_BAD_HEADER = 0,  /* H_SEND_CRQ header invalid (H_PARAMETER) */
    VMC_HV_V_RESERVED_HEADER, /* 0x81-0xBF / 0xC1-0xFE: ignored */
    VMC_HV_V_BAD_INIT,        /* 0xC0 with an unknown format byte */
    VMC_HV_V_UNEXPECTED_INIT_COMPLETE,
    VMC_HV_V_UNKNOWN_TYPE,     /* 0x80 with an undefined type */
    VMC_HV_V_WRONG_DIRECTION,  /* a type only the HV may send */
    VMC_HV_V_BEFORE_CAP,       /* HMC message before the CAP exchange */
    VMC_HV_V_BAD_VERSION,      /* CAP with major version != 1 */
    VMC_HV_V_BAD_CAP,          /* CAP with zero hmcs/pool or tiny MTU */
    VMC_HV_V_BAD_INDEX,        /* HMC index >= negotiated */
    VMC_HV_V_BAD_SESSION,      /* session 0/0xFF in OPEN, or mismatch */
    VMC_HV_V_BAD_BUFFER,       /* buffer ID out of range or absent */
    VMC_HV_V_NOT_OWNER,        /* buffer not owned by the MP */
    VMC_HV_V_BAD_LENGTH,       /* SIGNAL length > MTU */
    VMC_HV_V_ALREADY_OPEN,     /* OPEN on an index with a session */
    VMC_HV_V_NOT_OPEN,         /* CLOSE/SIGNAL on an idle index */
    VMC_HV_V_UNSOLICITED_RESP, /* ADD_BUF_RESP/REM_BUF_RESP nobody asked for */
    VMC_HV_V_RESP_FAILED,      /* a response with non-zero status */
    VMC_HV_V_RDMA_OWNER,       /* pane-1 copy touching a non-MP buffer */
    VMC_HV_V_RDMA_SAME_PANE,   /* local->local or remote->remote copy */
    VMC_HV_V_INQ_OVERFLOW,     /* inbound delay queue full (H_DROPPED) */
    VMC_HV_V_COUNT
};

/**
 * vmc_hv_violation_name - name of a protocol violation.
 * @violation: an enum vmc_hv_violation value
 *
 * Return: "BAD_INDEX", ...; "UNKNOWN" out of range.
 */
const char *vmc_hv_violation_name(int violation);

struct vmc_hv_stats {
    uint64_t rx_entries;   /* H_SEND_CRQ calls accepted */
    uint64_t rx_type[256]; /* by VMC type byte (header 0x80) */
    uint64_t rx_inits, rx_init_completes;
    uint64_t tx_entries;    /* entries written into the MP's CRQ */
    uint64_t tx_type[256];  /* by VMC type byte (header 0x80) */
    uint64_t tx_full;       /* send_to_mp said FULL (retried later) */
    uint64_t tx_throttled;  /* held back by the crq_size/2 rule */
    uint64_t outq_overflow; /* entries lost: outbound FIFO full */
    uint32_t outq_high_water;
    uint64_t violations[VMC_HV_V_COUNT];
    uint64_t violations_total;
    uint64_t rdma_calls, rdma_ok, rdma_bytes;
    uint64_t rdma_errors; /* any rc != 0 */
    uint64_t request_vmc_calls;
    uint64_t mp_registers, mp_frees;
    uint64_t resets; /* state teardowns of any cause */
    uint64_t sessions_opened, sessions_closed, opens_failed;
    uint64_t msgs_to_hmc, bytes_to_hmc;
    uint64_t msgs_to_mp, bytes_to_mp;
    uint64_t host_msgs_accepted; /* vmc_hv_hmc_send() calls that returned OK */
    uint64_t host_msgs_dropped;  /* accepted, then discarded (reset/close) */
    uint64_t bufs_added, bufs_add_failed, bufs_removed;
    uint64_t faults_fired; /* message/RDMA faults that took effect */
    /* MP messages ignored while our Init is unanswered */
    uint64_t stale_dropped;
    uint64_t
        suspend_events; /* partner-suspended events posted (vmc_hv_suspend) */
    uint64_t suspend_refused; /* H_SEND_CRQ answered H_CLOSED while suspended */
    uint64_t mp_enables;      /* H_ENABLE_CRQ calls that ended a suspension */
};

/* ------------------------------------------------------------------ */
/* The context. Embedders allocate it and treat the fields as private */
/* (read statistics through vmc_hv_get_stats()).                      */
/* ------------------------------------------------------------------ */
enum vmc_hv_phase {
    VMC_HV_PHASE_DOWN = 0,  /* MP has no CRQ registered */
    VMC_HV_PHASE_WAIT_INIT, /* registered, no handshake yet */
    VMC_HV_PHASE_WAIT_CAP,  /* Init/Init Complete seen */
    VMC_HV_PHASE_READY,     /* CAP_RESP sent */
};

enum vmc_hv_buf_state {
    VMC_HV_BUF_ABSENT = 0,
    VMC_HV_BUF_ADD_PENDING, /* ADD_BUF sent, no ADD_BUF_RESP yet */
    VMC_HV_BUF_PRESENT,     /* the MP holds a mirror */
};

enum vmc_hv_owner {
    VMC_HV_OWNER_MP = 0, /* MP may fill it and SIGNAL it to us */
    VMC_HV_OWNER_HV = 1, /* we may fill it and SIGNAL it to the MP */
};

struct vmc_hv_buf {
    uint8_t state;       /* enum vmc_hv_buf_state */
    uint8_t owner;       /* enum vmc_hv_owner */
    uint8_t add_session; /* session byte of the ADD_BUF (to match the RESP) */
    bool seed;           /* added as the seed of an idle index */
    /*
     * ABSENT after a close, but the MP may still be copying out a SIGNAL
     * sent before the CLOSE_RESP: pane 1 still reaches it until the MP
     * shows it processed the close.
     */
    bool retired;
    bool late_resp; /* an ADD_BUF_RESP of the closed session may still come */
    uint8_t late_session; /* ...carrying this session byte */
};

struct vmc_hv_pending {
    uint32_t len; /* bytes staged for this message */
};

enum vmc_hv_hmc_state {
    VMC_HV_HMC_IDLE = 0, /* seeded (or waiting for a seed), no session */
    VMC_HV_HMC_OPEN,     /* session open */
};

struct vmc_hv_hmc {
    uint8_t state;   /* enum vmc_hv_hmc_state */
    uint8_t session; /* current session (OPEN) */
    uint8_t hmc_id[VMC_HV_HMC_ID_LEN];
    uint32_t rem_outstanding; /* REM_BUFs awaiting a response */
    uint32_t late_rem; /* REM_BUFs of a closed session still unanswered */
    struct vmc_hv_buf bufs[VMC_HV_MAX_POOL];
    /* host->MP messages waiting for an HV-owned buffer (FIFO) */
    struct vmc_hv_pending pending[VMC_HV_PENDING_MAX];
    uint32_t pend_head, pend_count;
};

struct vmc_hv_qentry {
    uint64_t hi, lo;
    uint64_t due_us; /* not before this time (delay fault) */
    /* a SIGNAL carrying a host message (counted in msgs_to_mp) */
    bool host_msg;
};

struct vmc_hv_msg_fault {
    uint8_t action; /* enum vmc_hv_fault_action */
    uint16_t match; /* 0 = any; else (byte0 << 8 | byte1), e.g. 0x8082 */
    uint32_t skip;  /* matching messages still to let through */
    uint32_t count; /* matching messages still to hit */
    uint64_t delay_us;
};

struct vmc_hv {
    struct vmc_hv_config cfg;
    const struct vmc_hv_ops *ops;
    void *opaque;
    uint8_t *mem; /* caller's backing store */
    size_t mem_len;
    uint32_t remote_size; /* bytes of pane 1 */

    /* transport and handshake */
    uint8_t phase;  /* enum vmc_hv_phase */
    bool init_sent; /* we reset or sent 0xC001; await 0xC002 or the MP's Init */
    bool init_after_reset; /* an Init was queued since the last reset */
    uint32_t inits_out;    /* our Inits in the MP's ring, not yet answered */
    bool link_up_reported;
    uint32_t mp_crq_entries;  /* from registration */
    uint32_t mp_crq_size_cap; /* from CAP (0 = unknown) */
    uint64_t reinit_due_us;   /* UINT64_MAX = none scheduled */
    bool suspended; /* partner-suspended posted; H_CLOSED until H_ENABLE_CRQ */

    /* negotiated */
    uint32_t mtu, pool, nhmc;

    struct vmc_hv_hmc hmc[VMC_HV_MAX_HMCS];

    /* outbound FIFO (HV -> MP) */
    struct vmc_hv_qentry outq[VMC_HV_OUTQ_MAX];
    uint32_t outq_head, outq_count;
    /* inbound FIFO (MP -> HV), used only while a delay fault holds entries */
    struct vmc_hv_qentry inq[VMC_HV_INQ_MAX];
    uint32_t inq_head, inq_count;
    bool in_dispatch; /* guards against re-entry from callbacks */

    /* faults */
    struct vmc_hv_msg_fault msg_fault[2]; /* by enum vmc_hv_dir */
    uint32_t rdma_fault_skip, rdma_fault_count;
    long rdma_fault_rc;
    int64_t knob[VMC_HV_KNOB_COUNT];

    uint8_t bounce[4096]; /* local->local copies */
    struct vmc_hv_stats stats;
};

/* ------------------------------------------------------------------ */
/* Set-up.                                                            */
/* ------------------------------------------------------------------ */
/**
 * vmc_hv_config_default - fill @cfg with sensible defaults: 1 HMC, pool
 * 16, MTU 4096, 256 CRQ entries, version 0x0101, max copy 128 KiB, DRC
 * index 0, 4 + 4 buffers per open, immediate sends, not strict. LIOBNs
 * are 0: the embedder must set both.
 * @cfg: the configuration to fill
 */
void vmc_hv_config_default(struct vmc_hv_config *cfg);

/**
 * vmc_hv_backing_size - bytes of backing store vmc_hv_init() needs: the
 * remote window (max_hmcs * pool_size * max_mtu) plus staging for
 * VMC_HV_PENDING_MAX queued host messages per index.
 * @cfg: the configuration
 *
 * Return: the size in bytes, or 0 if @cfg is invalid.
 */
size_t vmc_hv_backing_size(const struct vmc_hv_config *cfg);

/**
 * vmc_hv_init - set up an engine in caller memory.
 * @hv: the context (any contents; it is zeroed)
 * @cfg: configuration, copied
 * @ops: environment, kept by pointer (must outlive @hv)
 * @opaque: passed back to every op
 * @mem: backing store of at least vmc_hv_backing_size(@cfg) bytes
 * @mem_len: its size
 *
 * The engine starts in phase DOWN: call vmc_hv_mp_registered() when the
 * MP registers its CRQ.
 *
 * Return: VMC_HV_OK or VMC_HV_ERR_PARAM (config out of range, missing
 * mandatory op, backing store too small).
 */
int vmc_hv_init(struct vmc_hv *hv, const struct vmc_hv_config *cfg,
                const struct vmc_hv_ops *ops, void *opaque, void *mem,
                size_t mem_len);

/**
 * vmc_hv_remote_window_size - size of pane 1 (for ibm,my-dma-window).
 * @hv: the engine
 *
 * Return: the size in bytes.
 */
uint32_t vmc_hv_remote_window_size(const struct vmc_hv *hv);

/* ------------------------------------------------------------------ */
/* Guest (MP) side entry points.                                      */
/* ------------------------------------------------------------------ */
/**
 * vmc_hv_mp_registered - the MP registered its CRQ (H_REG_CRQ succeeded).
 * @hv: the engine
 * @crq_entries: size of the MP's queue in 16-byte entries
 *
 * Any previous state is torn down (a re-registration is a fresh start).
 */
void vmc_hv_mp_registered(struct vmc_hv *hv, uint32_t crq_entries);

/**
 * vmc_hv_mp_freed - the MP deregistered (H_FREE_CRQ), or its queue has
 * vanished (machine reset). Sessions close, buffers are reclaimed, queued
 * output is discarded, pane 1 is refused until the next CAP.
 * @hv: the engine
 */
void vmc_hv_mp_freed(struct vmc_hv *hv);

/**
 * vmc_hv_mp_is_registered - whether the MP's CRQ is registered.
 * @hv: the engine
 *
 * Return: true between vmc_hv_mp_registered() and vmc_hv_mp_freed().
 */
bool vmc_hv_mp_is_registered(const struct vmc_hv *hv);

/**
 * vmc_hv_receive - the MP's H_SEND_CRQ(hi, lo) for this device.
 * @hv: the engine
 * @hi: bytes 0-7 of the entry
 * @lo: bytes 8-15
 *
 * Applies PAPR's transport checks (header byte needs bit 0x80 and must not
 * be 0xFF: HV_H_PARAMETER; no registration: HV_H_CLOSED) and then runs the
 * VMC protocol.
 *
 * Return: the hcall's return code. Protocol errors in a well-formed entry
 * still return HV_H_SUCCESS (they are counted).
 */
long vmc_hv_receive(struct vmc_hv *hv, uint64_t hi, uint64_t lo);

/**
 * vmc_hv_copy_rdma - H_COPY_RDMA issued by the MP.
 * @hv: the engine
 * @len: bytes to copy
 * @src_liobn: source pane
 * @src_ioba: source I/O address
 * @dst_liobn: destination pane
 * @dst_ioba: destination I/O address
 *
 * Nothing is written unless every check passed (given mp_dma_check).
 *
 * Return: the hcall's return code:
 *   HV_H_PARAMETER    len > max_copy_len (or, strict, same-pane copy)
 *   HV_H_SOURCE_PARM  source LIOBN not a pane of this device, range out
 *                     of the pane or overflowing, pane 1 while the link
 *                     is down or outside an advertised buffer
 *   HV_H_DEST_PARM    same, destination
 *   HV_H_PERMISSION   pane-0 TCE bits forbid it (or, strict, pane-1
 *                     buffer not owned by the MP)
 *   HV_H_SUCCESS      copied (len 0 copies nothing once the LIOBNs pass)
 */
long vmc_hv_copy_rdma(struct vmc_hv *hv, uint64_t len, uint64_t src_liobn,
                      uint64_t src_ioba, uint64_t dst_liobn, uint64_t dst_ioba);

/**
 * vmc_hv_request_vmc - H_REQUEST_VMC issued by the MP.
 * @hv: the engine
 * @drc_index: receives the configured DRC index on HV_H_SUCCESS
 *
 * Return: the hcall's return code: HV_H_SUCCESS, or a forced rc (knob)
 * as is.
 */
long vmc_hv_request_vmc(struct vmc_hv *hv, uint64_t *drc_index);

/* ------------------------------------------------------------------ */
/* Time.                                                              */
/* ------------------------------------------------------------------ */
/**
 * vmc_hv_kick - do deferred work: process inbound entries whose delay
 * expired, send queued output (subject to queue-full and crq_size/2),
 * send a scheduled Init. Call it on ops->wake (QEMU: from a bottom half),
 * from a timer at vmc_hv_next_deadline_us(), and whenever the MP may have
 * consumed entries (e.g. after each of its hcalls).
 * @hv: the engine
 */
void vmc_hv_kick(struct vmc_hv *hv);

/**
 * vmc_hv_next_deadline_us - when vmc_hv_kick() next has something to do.
 * @hv: the engine
 *
 * Return: UINT64_MAX if nothing is pending; a time <= now if work can be
 * tried at once (including output blocked by a full MP queue: poll, e.g.
 * every 1 ms); otherwise the time (ops->now_us() clock) of the next work.
 */
uint64_t vmc_hv_next_deadline_us(const struct vmc_hv *hv);

/**
 * vmc_hv_outq_len - HV->MP entries queued inside the engine.
 * @hv: the engine
 *
 * Return: 0..VMC_HV_OUTQ_MAX.
 */
uint32_t vmc_hv_outq_len(const struct vmc_hv *hv);

/* ------------------------------------------------------------------ */
/* HMC side (the host peer) commands.                                 */
/* ------------------------------------------------------------------ */
/**
 * vmc_hv_hmc_send - deliver a message to the MP on HMC @index.
 * @hv: the engine
 * @index: the HMC index
 * @data: payload (copied at once)
 * @len: its length, 1..negotiated MTU bytes
 *
 * With an HV-owned buffer available the message goes out as a SIGNAL now;
 * otherwise it is staged (VMC_HV_PENDING_MAX per index) until the MP hands
 * a buffer over.
 *
 * Return: VMC_HV_OK, VMC_HV_ERR_STATE (no open session), VMC_HV_ERR_PARAM
 * (bad index/length), VMC_HV_ERR_FULL (staging or output queue full).
 */
int vmc_hv_hmc_send(struct vmc_hv *hv, unsigned int index, const void *data,
                    uint32_t len);

/**
 * vmc_hv_hmc_add_buffer - ADD_BUF one more buffer to @index, session =
 * the open session or 0.
 * @hv: the engine
 * @index: the HMC index
 * @owner: VMC_HV_OWNER_MP or VMC_HV_OWNER_HV
 *
 * Return: VMC_HV_OK, VMC_HV_ERR_PARAM (bad index/owner), VMC_HV_ERR_STATE
 * (link not ready), VMC_HV_ERR_NOBUF (pool full), VMC_HV_ERR_FULL (output
 * queue full).
 */
int vmc_hv_hmc_add_buffer(struct vmc_hv *hv, unsigned int index, int owner);

/**
 * vmc_hv_hmc_remove_buffer - send REM_BUF for @index (the MP picks the
 * buffer).
 * @hv: the engine
 * @index: the HMC index
 *
 * Return: VMC_HV_OK; VMC_HV_ERR_PARAM for a bad index; VMC_HV_ERR_STATE
 * when the link is not ready or the REM_BUF could take the MP's last
 * buffer; VMC_HV_ERR_FULL when the output queue is full.
 */
int vmc_hv_hmc_remove_buffer(struct vmc_hv *hv, unsigned int index);

/**
 * vmc_hv_reset - HV-side failure: post the transport event 0xFF @code
 * (0x01 partner failed, 0x02 deregistered; any byte for fault tests) to
 * the MP ahead of everything queued, drop all VMC state, and send Init
 * (0xC001) after @reinit_delay_us (UINT64_MAX: never; use
 * vmc_hv_send_init() later). Until the MP answers our (last) Init with
 * 0xC002 or sends an Init of its own, its 0x80 entries are stale (sent
 * before it saw the event) and are ignored (stats.stale_dropped).
 * @hv: the engine
 * @code: the transport event code (byte 1 of the 0xFF entry)
 * @reinit_delay_us: when to send Init; 0 at once, UINT64_MAX never
 *
 * Return: VMC_HV_OK, or VMC_HV_ERR_STATE when the MP is not registered.
 */
int vmc_hv_reset(struct vmc_hv *hv, uint8_t code, uint64_t reinit_delay_us);

/**
 * vmc_hv_suspend - the partition was suspended and resumed (a migration
 * loaded, a stop and continue): post the transport event 0xFF 0x06
 * (partner suspended) ahead of everything queued, drop all VMC state as
 * vmc_hv_reset() does, and refuse the MP's H_SEND_CRQ with H_CLOSED
 * (stats.suspend_refused) until it calls H_ENABLE_CRQ
 * (vmc_hv_mp_enabled()). No Init is sent: the MP restarts the handshake
 * after re-enabling, as it does on PowerVM after partition mobility. A
 * second call while still suspended posts nothing more.
 * @hv: the engine
 *
 * Return: VMC_HV_OK; VMC_HV_ERR_STATE when the MP is not registered, or
 * its queue turned out to be gone when the event was posted (the engine is
 * then down, as after vmc_hv_mp_freed(), and not suspended).
 */
int vmc_hv_suspend(struct vmc_hv *hv);

/**
 * vmc_hv_mp_enabled - the MP called H_ENABLE_CRQ on this device: a
 * suspension ends (stats.mp_enables) and its sends are accepted again.
 * Without a suspension nothing changes.
 * @hv: the engine
 */
void vmc_hv_mp_enabled(struct vmc_hv *hv);

/**
 * vmc_hv_is_suspended - whether the MP's sends are refused until H_ENABLE_CRQ.
 * @hv: the engine
 *
 * Return: true between vmc_hv_suspend() and vmc_hv_mp_enabled() (or a
 * registration or free of the MP's CRQ).
 */
bool vmc_hv_is_suspended(const struct vmc_hv *hv);

/**
 * vmc_hv_send_init - queue an Init (0xC001) now: the HV (re)starts, so a
 * ready channel is torn down first; the stale window of vmc_hv_reset()
 * applies until the MP answers.
 * @hv: the engine
 *
 * Return: VMC_HV_OK; VMC_HV_ERR_STATE when the MP is not registered;
 * VMC_HV_ERR_FULL when the Init could not be queued (the restart stands).
 */
int vmc_hv_send_init(struct vmc_hv *hv);

/**
 * vmc_hv_inject_raw - queue 16 arbitrary bytes for the MP's CRQ,
 * bypassing all protocol logic and message faults.
 * @hv: the engine
 * @hi: bytes 0-7
 * @lo: bytes 8-15
 *
 * Return: VMC_HV_OK; VMC_HV_ERR_STATE if the MP is not registered;
 * VMC_HV_ERR_FULL if the outbound FIFO is full.
 */
int vmc_hv_inject_raw(struct vmc_hv *hv, uint64_t hi, uint64_t lo);

/* ------------------------------------------------------------------ */
/* Fault injection.                                                   */
/* ------------------------------------------------------------------ */
/**
 * vmc_hv_fault_message - arm a message fault for @dir.
 * @hv: the engine
 * @dir: the direction (enum vmc_hv_dir)
 * @action: enum vmc_hv_fault_action (NONE disarms)
 * @match: 0 for any message, else (header << 8 | type), e.g. 0x8082
 *      (OPEN_RESP), 0xC002 (Init Complete)
 * @nth: 1 = the next matching message, 2 = the one after, ...
 * @count: how many consecutive matching messages (from the nth) are hit
 * @delay_us: for VMC_HV_FAULT_DELAY
 *
 * One fault per direction; arming replaces the previous one.
 *
 * Return: VMC_HV_OK, or VMC_HV_ERR_PARAM for an unknown direction/action.
 */
int vmc_hv_fault_message(struct vmc_hv *hv, enum vmc_hv_dir dir,
                         enum vmc_hv_fault_action action, uint16_t match,
                         uint32_t nth, uint32_t count, uint64_t delay_us);

/**
 * vmc_hv_fault_rdma - make the @nth next H_COPY_RDMA (1 = next) and the
 * @count - 1 after it fail with @rc (no data moved).
 * @hv: the engine
 * @nth: which call is hit first
 * @count: how many are hit; 0 disarms
 * @rc: the return code they get
 *
 * Return: VMC_HV_OK (every combination is valid).
 */
int vmc_hv_fault_rdma(struct vmc_hv *hv, uint32_t nth, uint32_t count, long rc);

/**
 * vmc_hv_set_knob - force a value (see enum vmc_hv_knob).
 * @hv: the engine
 * @knob: the knob
 * @value: the value; VMC_HV_KNOB_OFF restores normal behaviour
 *
 * Return: VMC_HV_OK, or VMC_HV_ERR_PARAM for an unknown knob.
 */
int vmc_hv_set_knob(struct vmc_hv *hv, int knob, int64_t value);

/**
 * vmc_hv_get_knob - current value of a knob.
 * @hv: the engine
 * @knob: the knob
 *
 * Return: the value; VMC_HV_KNOB_OFF when normal or for an unknown knob.
 */
int64_t vmc_hv_get_knob(const struct vmc_hv *hv, int knob);

/**
 * vmc_hv_faults_clear - disarm every fault and set every knob to
 * VMC_HV_KNOB_OFF.
 * @hv: the engine
 */
void vmc_hv_faults_clear(struct vmc_hv *hv);

/* ------------------------------------------------------------------ */
/* Introspection.                                                     */
/* ------------------------------------------------------------------ */
/**
 * vmc_hv_get_stats - the counters.
 * @hv: the engine
 *
 * Return: a read-only view, valid as long as @hv.
 */
const struct vmc_hv_stats *vmc_hv_get_stats(const struct vmc_hv *hv);

/**
 * vmc_hv_phase - the engine's phase.
 * @hv: the engine
 *
 * Return: an enum vmc_hv_phase value.
 */
int vmc_hv_phase(const struct vmc_hv *hv);

/**
 * vmc_hv_phase_name - name of a phase.
 * @phase: an enum vmc_hv_phase value
 *
 * Return: "DOWN", "WAIT_INIT", "WAIT_CAP", "READY"; "UNKNOWN" otherwise.
 */
const char *vmc_hv_phase_name(int phase);

/**
 * vmc_hv_negotiated - the negotiated values (0 before CAP).
 * @hv: the engine
 * @mtu: (may be NULL) receives the MTU
 * @pool: (may be NULL) receives the pool size
 * @nhmc: (may be NULL) receives the HMC count
 */
void vmc_hv_negotiated(const struct vmc_hv *hv, uint32_t *mtu, uint32_t *pool,
                       uint32_t *nhmc);

/**
 * vmc_hv_session - session number of an HMC index.
 * @hv: the engine
 * @index: the HMC index
 *
 * Return: the session number if a session is open, else 0.
 */
uint8_t vmc_hv_session(const struct vmc_hv *hv, unsigned int index);

/**
 * vmc_hv_session_hmc_id - the HMC ID the guest gave when it opened the
 * session of an HMC index (what the OPEN event carried).
 * @hv: the engine
 * @index: the HMC index
 *
 * Return: the VMC_HV_HMC_ID_LEN bytes of the ID while a session is open on
 * @index, else NULL.
 */
const uint8_t *vmc_hv_session_hmc_id(const struct vmc_hv *hv,
                                     unsigned int index);

/**
 * vmc_hv_buffer_info - state of one buffer.
 * @hv: the engine
 * @index: the HMC index
 * @id: the buffer ID
 * @owner: (may be NULL) receives an enum vmc_hv_owner value
 *
 * Return: an enum vmc_hv_buf_state value, or -1 for a bad index/id.
 */
int vmc_hv_buffer_info(const struct vmc_hv *hv, unsigned int index,
                       unsigned int id, int *owner);

/**
 * vmc_hv_lioba - where a buffer lives in pane 1.
 * @hv: the engine
 * @index: the HMC index
 * @id: the buffer ID
 *
 * Return: the buffer's LIOBA (fixed by the configuration, never changes).
 */
uint32_t vmc_hv_lioba(const struct vmc_hv *hv, unsigned int index,
                      unsigned int id);

/* ------------------------------------------------------------------ */
/* Snapshots (migration, savevm): hv/hv_snapshot.c.                   */
/* ------------------------------------------------------------------ */
/**
 * vmc_hv_snapshot_size - bytes vmc_hv_snapshot_save() writes for the
 * engine's current state.
 * @hv: the engine
 *
 * Return: the size in bytes (it changes with the queues' lengths).
 */
size_t vmc_hv_snapshot_size(const struct vmc_hv *hv);

/**
 * vmc_hv_snapshot_save - write the engine's whole state (everything but the
 * configuration's pointers: phase, negotiated values, sessions, every
 * buffer with owner and contents, queues, staged host messages, faults,
 * knobs, statistics) as a versioned big-endian stream.
 * @hv: the engine (not from inside one of its callbacks)
 * @buf: destination
 * @len: its size, at least vmc_hv_snapshot_size()
 * @written: (may be NULL) receives the bytes written
 *
 * Deadlines in the state are the embedder's clock (ops->now_us) values:
 * the receiving side's clock must continue the sender's (QEMU's virtual
 * clock does across a migration).
 *
 * Return: VMC_HV_OK, or VMC_HV_ERR_PARAM (buffer too small, or called
 * from a callback).
 */
int vmc_hv_snapshot_save(const struct vmc_hv *hv, void *buf, size_t len,
                         size_t *written);

/**
 * vmc_hv_snapshot_restore - load a stream from vmc_hv_snapshot_save() into
 * an engine initialised with the same configuration.
 * @hv: the engine
 * @buf: the stream
 * @len: its length
 * @why: (may be NULL) receives the reason of a refusal, NUL-ended
 * @why_len: size of @why
 *
 * The whole stream is checked before anything is written: a wrong magic,
 * format version, length, configuration, or a value out of range leaves
 * @hv untouched. A stream that passes those checks but breaks an engine
 * invariant leaves @hv freshly initialised (phase DOWN), never half-loaded.
 *
 * Return: VMC_HV_OK, or VMC_HV_ERR_PARAM with the reason in @why.
 */
int vmc_hv_snapshot_restore(struct vmc_hv *hv, const void *buf, size_t len,
                            char *why, size_t why_len);

/**
 * vmc_hv_check_invariants - verify internal consistency (queues bounded,
 * indices in range, ownership coherent), for tests and fuzzers.
 * @hv: the engine
 *
 * Return: 0 if all hold, else a non-zero code naming the first broken rule.
 */
int vmc_hv_check_invariants(const struct vmc_hv *hv);

/**
 * vmc_hv_dump - human-readable state and counters through @print.
 * @hv: the engine
 * @print: printf-like sink
 * @arg: passed to @print
 */
void vmc_hv_dump(const struct vmc_hv *hv,
                 void (*print)(void *arg, const char *fmt, ...), void *arg);

#endif /* VMCFW_HV_VMC_HV_H */
