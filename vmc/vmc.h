/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmc.h - the Virtual Management Channel engine, management-partition side.
 *
 * One struct vmc is one VMC adapter: its CRQ, its negotiated limits, up to
 * VMC_MAX_HMCS HMC connections with their buffer pools. No globals, no
 * allocation (the caller hands in page-aligned memory), no blocking: the
 * engine advances only when the caller
 *   - polls the CRQ (vmc_poll(), or crq_poll(&v->crq) from an IRQ path:
 *     every entry reaches vmc_handle_event()), and
 *   - calls vmc_tick() now and then (timeouts, Init retries).
 * Results go to two callbacks in struct vmc_config: on_rx (one whole HMC
 * message) and on_event (state changes, send completions and failures).
 * See docs/vmc-engine.md for states, ownership rules and timeouts.
 */
#ifndef VMCFW_VMC_H
#define VMCFW_VMC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/crq.h"
#include "vmc/vmc_wire.h"

/* Compile-time maxima: the context's arrays are sized by these. */
#define VMC_MAX_HMCS		4
#define VMC_MAX_POOL		64
#define VMC_MIN_MTU		4096
#define VMC_MAX_MTU		16384
#define VMC_SENDQ_DEPTH		8	/* queued sends per HMC index */
#define VMC_INDEX_ANY		(-1)

/*
 * The engine's result vocabulary: 0 is success, VMC_QUEUED (the only
 * positive value) is a success that completes later, every error is
 * negative. Results of lower layers are converted where the engine calls
 * them (vmc_tx() for the CRQ driver, and at each hcall); the hypervisor's
 * return code behind VMC_ERR_HCALL, VMC_ERR_RDMA, VMC_ERR_LINK and
 * VMC_ERR_LINK_BUSY is kept in struct vmc's last_rc and in the event's rc.
 */
enum vmc_result {
	VMC_OK = 0,
	VMC_QUEUED = 1,		/* send accepted, waiting for a buffer */
	VMC_ERR_PARAM = -1,	/* bad argument */
	VMC_ERR_NOT_READY = -2,	/* adapter not READY (handshake/caps pending) */
	VMC_ERR_FAILED = -3,	/* adapter FAILED (capabilities refused) */
	VMC_ERR_STATE = -4,	/* HMC slot in the wrong state */
	VMC_ERR_NO_SLOT = -5,	/* no idle HMC index */
	VMC_ERR_NO_BUFFER = -6,	/* no seed buffer on that index */
	VMC_ERR_TOO_BIG = -7,	/* message longer than the negotiated MTU */
	VMC_ERR_BACKPRESSURE = -8, /* no buffer and the send queue is full */
	VMC_ERR_RDMA = -9,	/* H_COPY_RDMA failed */
	VMC_ERR_LINK = -10,	/* H_SEND_CRQ: partner gone (H_CLOSED) */
	VMC_ERR_LINK_BUSY = -11, /* H_SEND_CRQ: queue full / busy past the budget */
	VMC_ERR_HCALL = -12,	/* another hypervisor error */
	VMC_ERR_TIMEOUT = -13,	/* a response did not arrive in time */
	VMC_ERR_RESET = -14,	/* the channel was reset under the operation */
	VMC_ERR_AUTHORITY = -15, /* H_REQUEST_VMC: H_AUTHORITY */
	VMC_ERR_NOT_AVAILABLE = -16, /* H_REQUEST_VMC: H_NOT_AVAILABLE */
	VMC_ERR_UNSUPPORTED = -17, /* H_REQUEST_VMC: H_FUNCTION */
	VMC_ERR_BUSY = -18,	/* still busy when the retry budget ran out */
	VMC_ERR_REFUSED = -19,	/* OPEN_RESP/CLOSE_RESP with a failure status (event code) */
};

/**
 * vmc_result_name - name of an engine result, for logs and the console.
 * @r: the result
 *
 * Return: "OK", "QUEUED", "ERR_PARAM", ...; "ERR_?" for a value outside the
 * enum (never NULL).
 */
const char *vmc_result_name(enum vmc_result r);

/**
 * vmc_result_is_hcall - whether a hypervisor call made this result.
 * @r: the result
 *
 * Return: true for VMC_ERR_HCALL, VMC_ERR_RDMA, VMC_ERR_LINK,
 * VMC_ERR_LINK_BUSY and VMC_ERR_BUSY: the results whose hcall rc is kept
 * (struct vmc's last_rc, struct vmc_event's rc) for the console to show.
 */
bool vmc_result_is_hcall(enum vmc_result r);

/* Adapter state. */
enum vmc_state {
	VMC_STATE_DOWN = 0,	/* not started, or CRQ registration failed */
	VMC_STATE_WAIT_INIT,	/* CRQ registered, Init sent, no handshake yet */
	VMC_STATE_WAIT_CAP,	/* CAP sent, waiting for CAP_RESP */
	VMC_STATE_READY,	/* capabilities accepted */
	VMC_STATE_FAILED,	/* capabilities refused; left by a partner Init */
};

/**
 * vmc_state_name - name of an adapter state.
 * @s: the state
 *
 * Return: "DOWN", "WAIT_INIT", "WAIT_CAP", "READY", "FAILED", or "?".
 */
const char *vmc_state_name(enum vmc_state s);

/* HMC connection (slot) state. */
enum vmc_hmc_state {
	VMC_HMC_IDLE = 0,	/* no session; may hold a seed buffer */
	VMC_HMC_OPENING,	/* OPEN sent, waiting for OPEN_RESP */
	VMC_HMC_OPEN,		/* session usable */
	VMC_HMC_CLOSING,	/* CLOSE sent, waiting for CLOSE_RESP */
};

/**
 * vmc_hmc_state_name - name of an HMC slot state.
 * @s: the state
 *
 * Return: "IDLE", "OPENING", "OPEN", "CLOSING", or "?".
 */
const char *vmc_hmc_state_name(enum vmc_hmc_state s);

/* Buffer state: who owns it, from the MP's point of view. */
enum vmc_buf_state {
	VMC_BUF_ABSENT = 0,	/* no buffer with this ID */
	VMC_BUF_FREE,		/* MP-owned, idle: may carry an MP->HV message */
	VMC_BUF_BUSY,		/* MP-owned, in use right now (tx or rx delivery) */
	VMC_BUF_LENT,		/* MP-owned, named in OPEN until OPEN_RESP */
	VMC_BUF_HV,		/* HV-owned: the HV may SIGNAL with it */
};

/* What on_event reports. */
enum vmc_event_kind {
	VMC_EV_READY = 1,	/* capabilities accepted */
	VMC_EV_FAILED,		/* capabilities refused (result says why) */
	VMC_EV_LINK_DOWN,	/* channel lost: every session ended (code = cause) */
	VMC_EV_OPENED,		/* session open on index */
	VMC_EV_OPEN_FAILED,	/* OPEN_RESP status != 0, or timeout */
	VMC_EV_CLOSED,		/* session closed: CLOSE_RESP, or failure (result) */
	VMC_EV_SESSION_LOST,	/* session ended by a reset */
	VMC_EV_SEND_DONE,	/* a queued send went out */
	VMC_EV_SEND_FAILED,	/* a queued send was discarded (result says why) */
	VMC_EV_RX_ERROR,	/* an inbound SIGNAL could not be delivered */
	VMC_EV_RESUMED,		/* H_ENABLE_CRQ succeeded after a partner suspension; Init sent */
};

/**
 * vmc_event_name - name of an event kind ("OPEN_FAILED").
 * @k: the kind
 *
 * Return: the name, or "?" for a value outside the enum.
 */
const char *vmc_event_name(enum vmc_event_kind k);

/* Causes of VMC_EV_LINK_DOWN (event code). */
enum vmc_reset_cause {
	VMC_CAUSE_XPORT = 1,	/* transport event (0xFF) */
	VMC_CAUSE_PARTNER_INIT,	/* unsolicited Init from the partner */
	VMC_CAUSE_CAP_TIMEOUT,
	VMC_CAUSE_OPEN_TIMEOUT,
	VMC_CAUSE_CLOSE_TIMEOUT,
	VMC_CAUSE_CLOSE_FAILED,	/* CLOSE_RESP status != 0 */
	VMC_CAUSE_USER,		/* vmc_restart() */
	VMC_CAUSE_SUSPENDED,	/* transport event 0x06: partner suspended (migration) */
};

/**
 * vmc_cause_name - text for a VMC_EV_LINK_DOWN cause ("CAP_RESP timeout").
 * @cause: an enum vmc_reset_cause value
 *
 * Return: the text, or "?" for an unknown cause.
 */
const char *vmc_cause_name(int cause);

struct vmc_event {
	enum vmc_event_kind kind;
	int index;		/* HMC index, -1 when not about one */
	uint8_t session;
	enum vmc_result result;	/* FAILED, OPEN_FAILED, CLOSED, SEND_FAILED, RX_ERROR */
	int code;		/* LINK_DOWN: enum vmc_reset_cause; else a VMC status */
	long rc;		/* hypervisor rc behind an hcall-made result, else 0 */
	uint32_t len;		/* SEND_DONE / SEND_FAILED: message length */
};

struct vmc;
typedef void (*vmc_rx_fn)(void *ctx, unsigned int index, const uint8_t *data, uint32_t len);
typedef void (*vmc_event_fn)(void *ctx, const struct vmc_event *ev);
typedef int (*vmc_printf_fn)(void *arg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * struct vmc_config - what the engine needs from the platform.
 * @unit, @liobn, @riobn: device-tree reg and the two DMA window panes
 * @crq_mem, @crq_bytes, @crq_ioba: the CRQ page(s) and where to map them
 * @buf_mem, @buf_bytes, @buf_ioba: page-aligned memory of at least
 *	vmc_buf_mem_size(cfg) bytes for local buffer mirrors and the send
 *	queues, and the pane-0 IOBA it is mapped at (must not overlap the CRQ)
 * @remote_window: size of pane 1; ADD_BUF LIOBAs must fit (0: unchecked)
 * @max_hmcs, @pool_size, @max_mtu: what CAP offers (clamped to the maxima)
 * @cap_timeout_us, @open_timeout_us, @close_timeout_us: response timeouts
 * @init_retry_us: Init is re-sent this often while no handshake happens
 * @reopen: re-open, after a reset, the sessions that were open
 * @irq: enable the CRQ interrupt (H_VIO_SIGNAL) at start
 * @on_rx, @on_event, @cb_ctx: callbacks (either may be NULL)
 */
struct vmc_config {
	uint64_t unit, liobn, riobn;
	void *crq_mem;
	size_t crq_bytes;
	uint64_t crq_ioba;
	void *buf_mem;
	size_t buf_bytes;
	uint64_t buf_ioba;
	uint64_t remote_window;
	uint8_t max_hmcs;
	uint16_t pool_size;
	uint32_t max_mtu;
	uint64_t cap_timeout_us, open_timeout_us, close_timeout_us, init_retry_us;
	bool reopen;
	bool irq;
	vmc_rx_fn on_rx;
	vmc_event_fn on_event;
	void *cb_ctx;
};

struct vmc_buf {
	uint8_t state;		/* enum vmc_buf_state */
	uint32_t lioba;		/* remote (pane 1) address */
};

struct vmc_sendq {
	uint32_t len[VMC_SENDQ_DEPTH];
	uint8_t head, count;
};

struct vmc_hmc {
	uint8_t state;		/* enum vmc_hmc_state */
	uint8_t session;	/* current (or last) session number, 1..254 */
	uint16_t open_buf;	/* buffer named in the OPEN */
	bool has_id, reopen_pending;
	uint8_t hmc_id[VMC_HMC_ID_LEN];
	uint64_t deadline_us;	/* OPENING / CLOSING timeout */
	struct vmc_buf bufs[VMC_MAX_POOL];
	struct vmc_sendq sendq;
};

struct vmc_stats {
	uint64_t rx_msgs, rx_type[256], tx_msgs, tx_type[256];
	uint64_t dropped;		/* inbound messages refused (all reasons) */
	uint64_t dropped_before_cap, bad_index, bad_session, bad_buffer, bad_len;
	uint64_t unknown_type, wrong_direction;
	uint64_t caps_refused, cap_timeouts, open_timeouts, close_timeouts;
	uint64_t init_retries, handshakes, resets, xport_events, partner_inits, reregisters;
	uint64_t suspends, resumes, enable_failures;	/* partner-suspended recovery */
	uint64_t opens, opens_failed, closes, sessions_lost, reopens;
	uint64_t bufs_added, bufs_refused, bufs_removed, rem_no_buffer;
	uint64_t sends, sends_queued, sends_backpressure, send_failures;
	uint64_t delivered, rx_bytes, tx_bytes, rx_errors;
	uint64_t rdma_errors, crq_send_errors;
};

/* The adapter context: allocate it anywhere, treat fields as read-only. */
struct vmc {
	struct vmc_config cfg;
	struct crq crq;
	enum vmc_state state;
	uint32_t mtu, stride;		/* negotiated MTU; bytes per local mirror */
	uint16_t pool;			/* negotiated pool */
	uint8_t nhmc;			/* negotiated HMC count */
	uint16_t hv_crq_size, hv_version;
	enum vmc_result fail_reason;
	long last_rc;			/* rc of the last failing hcall (H_*) */
	uint64_t cap_deadline_us, init_retry_us;
	uint32_t generation;		/* bumped by every teardown */
	uint8_t init_unanswered;	/* Init retries since the last handshake */
	bool started, tce_mapped;
	struct vmc_hmc hmc[VMC_MAX_HMCS];
	struct vmc_stats stats;
};

/**
 * vmc_config_default - fill @cfg with defaults (2 HMCs, pool 32, MTU 4096,
 * timeouts, re-open on); the platform fields stay zero.
 * @cfg: the configuration to fill
 */
void vmc_config_default(struct vmc_config *cfg);

/**
 * vmc_buf_mem_size - bytes of buf_mem a configuration needs.
 * @cfg: the configuration (max_hmcs, pool_size, max_mtu are read)
 *
 * Return: the size in bytes.
 */
size_t vmc_buf_mem_size(const struct vmc_config *cfg);

/**
 * vmc_init - set up @v from @cfg (copied); nothing is sent yet.
 * @v: the context (zeroed here)
 * @cfg: the configuration
 *
 * Return: VMC_OK, or VMC_ERR_PARAM (logged) when an argument is NULL or
 * the memory or limits do not fit.
 */
enum vmc_result vmc_init(struct vmc *v, const struct vmc_config *cfg);

/**
 * vmc_start - map the local buffers and the CRQ (H_PUT_TCE), register the
 * CRQ, optionally enable its interrupt, send Init and poll once.
 * @v: an initialised context
 *
 * Return: VMC_OK (the handshake follows through vmc_poll()/vmc_tick()), or
 * VMC_ERR_HCALL when mapping or registering failed; the hypervisor's rc is
 * logged and kept in @v->last_rc.
 */
enum vmc_result vmc_start(struct vmc *v);

/**
 * vmc_stop - end every session (reported), free the CRQ; state DOWN.
 * @v: the context
 */
void vmc_stop(struct vmc *v);

/**
 * vmc_restart - tear everything down and do the handshake again.
 * @v: the context (started or not)
 *
 * Return: VMC_OK, or VMC_ERR_HCALL when the CRQ could not be registered
 * again (rc in @v->last_rc; the Init retry timer keeps trying).
 */
enum vmc_result vmc_restart(struct vmc *v);

/**
 * vmc_handle_event - the CRQ callback (a crq_event_fn; @ctx is the vmc).
 * Installed by vmc_init(); exported for tests and custom loops.
 * @ctx: the struct vmc
 * @ev: the CRQ event
 */
void vmc_handle_event(void *ctx, const struct crq_event *ev);

/**
 * vmc_poll - consume the CRQ (every entry reaches vmc_handle_event()).
 * @v: the context
 *
 * Return: entries consumed.
 */
unsigned int vmc_poll(struct vmc *v);

/**
 * vmc_tick - run timeouts and retries against time_since_boot_us(), the
 * clock every engine deadline is armed with. Call it now and then.
 * @v: the context
 */
void vmc_tick(struct vmc *v);

/**
 * vmc_open - open an HMC session: copy @hmc_id (32 bytes) into the
 * index's seed buffer with H_COPY_RDMA and send OPEN.
 * @v: the context
 * @index: an HMC index, or VMC_INDEX_ANY for the lowest idle one
 * @hmc_id: the 32-byte HMC ID
 * @index_out: (may be NULL) the index used
 *
 * Return: VMC_OK when OPEN was sent (VMC_EV_OPENED or VMC_EV_OPEN_FAILED
 * follows); VMC_ERR_NOT_READY / VMC_ERR_FAILED before a READY adapter;
 * VMC_ERR_PARAM, VMC_ERR_STATE, VMC_ERR_NO_SLOT, VMC_ERR_NO_BUFFER for
 * the caller's mistakes; VMC_ERR_RDMA, VMC_ERR_LINK, VMC_ERR_LINK_BUSY,
 * VMC_ERR_HCALL when the hypervisor refused (rc in @v->last_rc).
 */
enum vmc_result vmc_open(struct vmc *v, int index, const uint8_t *hmc_id, unsigned int *index_out);

/**
 * vmc_close - send CLOSE for an open session. Queued sends are failed
 * (reported). The index cannot be re-opened until CLOSE_RESP arrives
 * (VMC_EV_CLOSED) or the close times out (channel reset).
 * @v: the context
 * @index: the HMC index
 *
 * Return: VMC_OK (CLOSE sent); VMC_ERR_LINK (partner gone: the session is
 * closed at once, VMC_EV_CLOSED reported); VMC_ERR_LINK_BUSY or
 * VMC_ERR_HCALL (still open, retry later); VMC_ERR_NOT_READY,
 * VMC_ERR_FAILED, VMC_ERR_PARAM, VMC_ERR_STATE for a call out of place.
 */
enum vmc_result vmc_close(struct vmc *v, unsigned int index);

/**
 * vmc_send - send one message (1..MTU bytes) on an open session.
 * @v: the context
 * @index: the HMC index
 * @data: the message
 * @len: its length
 *
 * Return: VMC_OK: signalled now. VMC_QUEUED: copied into the bounded send
 * queue, VMC_EV_SEND_DONE or VMC_EV_SEND_FAILED follows.
 * VMC_ERR_BACKPRESSURE: nothing taken, try again after a VMC_EV_SEND_DONE
 * or a received message. VMC_ERR_PARAM, VMC_ERR_TOO_BIG, VMC_ERR_STATE,
 * VMC_ERR_NOT_READY, VMC_ERR_FAILED: refused as given. VMC_ERR_RDMA,
 * VMC_ERR_LINK, VMC_ERR_LINK_BUSY, VMC_ERR_HCALL: the hypervisor refused
 * (rc in @v->last_rc); nothing was sent.
 */
enum vmc_result vmc_send(struct vmc *v, unsigned int index, const void *data, size_t len);

/**
 * vmc_request_vmc - H_REQUEST_VMC with busy retry (10 s budget).
 * @drc_index: (may be NULL) receives the DRC index on success
 * @rc_out: (may be NULL) receives the hypervisor's rc, whatever the result
 *
 * Return: VMC_OK, VMC_ERR_AUTHORITY, VMC_ERR_NOT_AVAILABLE,
 * VMC_ERR_UNSUPPORTED, VMC_ERR_BUSY or VMC_ERR_HCALL (any other rc, an
 * unknown one included: never taken for success).
 */
enum vmc_result vmc_request_vmc(uint32_t *drc_index, long *rc_out);

/**
 * vmc_get_state - the adapter state.
 * @v: the context
 *
 * Return: the state.
 */
enum vmc_state vmc_get_state(const struct vmc *v);

/**
 * vmc_hmc_get_state - the state of one HMC slot.
 * @v: the context
 * @index: the HMC index
 *
 * Return: the state; VMC_HMC_IDLE for an index out of range.
 */
enum vmc_hmc_state vmc_hmc_get_state(const struct vmc *v, unsigned int index);

/**
 * vmc_hmc_session - the current (or last) session number of a slot.
 * @v: the context
 * @index: the HMC index
 *
 * Return: 1..254, or 0 for a slot never opened or an index out of range.
 */
uint8_t vmc_hmc_session(const struct vmc *v, unsigned int index);

/**
 * vmc_buf_count - buffers of an HMC index in a given state.
 * @v: the context
 * @index: the HMC index
 * @state: the buffer state to count
 *
 * Return: the count; 0 for an index out of range.
 */
unsigned int vmc_buf_count(const struct vmc *v, unsigned int index, enum vmc_buf_state state);

/**
 * vmc_sendq_len - sends waiting in the queue of an HMC index.
 * @v: the context
 * @index: the HMC index
 *
 * Return: 0..VMC_SENDQ_DEPTH; 0 for an index out of range.
 */
unsigned int vmc_sendq_len(const struct vmc *v, unsigned int index);

/**
 * vmc_check_invariants - check the context's consistency (tests, fuzzers).
 * @v: the context
 *
 * Return: 0 if consistent, else a positive number naming the first broken
 * rule (see vmc_dump.c); not an enum vmc_result.
 */
int vmc_check_invariants(const struct vmc *v);

/**
 * vmc_dump - state, sessions, buffers and counters through @pf.
 * @v: the context
 * @pf: the sink
 * @arg: passed to @pf
 */
void vmc_dump(const struct vmc *v, vmc_printf_fn pf, void *arg);

#endif /* VMCFW_VMC_H */
