/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hmc_frame.h - the framed byte protocol between the spapr-vmc device and
 * its host-side HMC peer (a unix socket or any chardev).
 *
 * Portable C99: no QEMU, no GLib, no allocation. The parser takes bytes in
 * any chunking, hands back complete frames, and reports malformed input
 * (bad magic, oversize length, unknown type, wrong payload size) after which
 * it resynchronises on the next magic byte. docs/hmc-protocol.md is the
 * byte-exact description.
 */
#ifndef VMCFW_HV_HMC_FRAME_H
#define VMCFW_HV_HMC_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* Big-endian fields of the frame header and payloads (load_be32, ...). */
#include "lib/byteorder.h"

#define HMC_FRAME_MAGIC 0x56u /* 'V' */
#define HMC_FRAME_HDR_LEN 8u
#define HMC_FRAME_MAX_PAYLOAD (16384u + 64u)
#define HMC_FRAME_MAX_LEN (HMC_FRAME_HDR_LEN + HMC_FRAME_MAX_PAYLOAD)
#define HMC_FRAME_HMC_ID_LEN 32u
#define HMC_FRAME_CRQ_LEN 16u
#define HMC_FRAME_MAX_TEXT 96u /* reason text in ERROR frames */

/* Device -> host ("events"). */
enum hmc_event_type {
    HMC_EV_OPEN = 0x01,   /* payload: 32-byte HMC ID */
    HMC_EV_CLOSE = 0x02,  /* payload: none */
    HMC_EV_MSG = 0x03,    /* payload: message bytes (<= negotiated MTU) */
    HMC_EV_LINK = 0x04,   /* payload: u8 state (0 down, 1 ready) */
    HMC_EV_CRQ = 0x05,    /* 16 raw bytes, u8 dir: 0 guest->HV, 1 HV->guest */
    HMC_EV_ERROR = 0x06,  /* payload: struct hmc_err_payload (+ text) */
    HMC_EV_ACK = 0x07,    /* payload: u8 cmd, u8 0, u16 0, u32 value */
    HMC_EV_STATUS = 0x08, /* payload: status block, see docs/hmc-protocol.md */
    HMC_EV_PONG = 0x09,   /* payload: the PING payload echoed */
    HMC_EV_VIOLATION = 0x0A, /* payload: u8 code, u8 0, u16 buffer id, text */
    HMC_EV_REM_BUF = 0x0B,   /* payload: u8 status, u8 0, u16 buffer id */
    /* payload: u32 length of a host message now in the MP */
    HMC_EV_DELIVERED = 0x0C,
    /* trace-crq=on: u8 what, 7 x 0, u64 time us, u64 args, data */
    HMC_EV_CALL = 0x0D,
};

/* What a CALL frame records (trace-crq=on): the engine's other inputs. */
enum hmc_trace_call {
    /* args: len, src LIOBN, src IOBA, dst LIOBN, dst IOBA, rc */
    HMC_TRACE_COPY_RDMA = 1,
    HMC_TRACE_REQUEST_VMC = 2, /* args: rc */
    /* args: CRQ entries (the guest registered its CRQ) */
    HMC_TRACE_REGISTER = 3,
    HMC_TRACE_FREE = 4, /* no args (CRQ freed, machine reset) */
    /* args: type, index, session, length; data: payload head */
    HMC_TRACE_HOST_FRAME = 5,
};
#define HMC_TRACE_MAX_DATA 64u

/* Host -> device ("commands"). */
enum hmc_cmd_type {
    HMC_CMD_MSG = 0x83, /* payload: 1..MTU message bytes for the guest */
    /* payload: 16 bytes put verbatim on the guest CRQ */
    HMC_CMD_RAW_CRQ = 0x90,
    /* payload: [u8 event format [u32 re-init delay ms]] */
    HMC_CMD_RESET = 0x91,
    HMC_CMD_FAULT = 0x92,   /* payload: u8 kind, u32 arg */
    HMC_CMD_ADD_BUF = 0x93, /* payload: u8 owner (0 MP, 1 HV) */
    HMC_CMD_REM_BUF = 0x94, /* payload: none */
    HMC_CMD_STATUS = 0x95,  /* payload: none; answered with a STATUS event */
    HMC_CMD_PING = 0x96,    /* payload: 0..64 bytes; answered with PONG */
    /* u8 dir, u8 action, u16 match, u32 nth, u32 count, u32 delay ms */
    HMC_CMD_FAULT_MSG = 0x97,
    HMC_CMD_KNOB = 0x98,       /* u8 knob, s32 value (INT32_MIN = normal) */
    HMC_CMD_FAULT_RDMA = 0x99, /* u32 nth, u32 count, s32 rc */
};

/* FAULT kinds (HMC_CMD_FAULT). */
enum hmc_fault_kind {
    HMC_FAULT_CLEAR = 0,          /* clear every fault */
    HMC_FAULT_DROP_GUEST_CRQ = 1, /* drop the next N guest->HV CRQ entries */
    HMC_FAULT_DELAY_HV_CRQ = 2,   /* delay every HV->guest CRQ entry by N ms */
    /* fail the next N H_COPY_RDMA with H_PERMISSION */
    HMC_FAULT_FAIL_COPY_RDMA = 3,
    /* H_REQUEST_VMC returns (int32)N (0 = normal) */
    HMC_FAULT_REQUEST_VMC_RC = 4,
    /* silently drop the next N HV->guest CRQ entries */
    HMC_FAULT_DROP_HV_CRQ = 5,
    /* N != 0: drop instead of retry when the CRQ is full */
    HMC_FAULT_CRQ_FULL_DROP = 6,
    HMC_FAULT_MAX = 6,
};

/* Error codes carried by HMC_EV_ERROR. */
enum hmc_err_code {
    HMC_ERR_BAD_MAGIC = 1,  /* header did not start with 'V'; resynchronised */
    HMC_ERR_BAD_LENGTH = 2, /* length > HMC_FRAME_MAX_PAYLOAD; resynchronised */
    HMC_ERR_UNKNOWN_TYPE = 3, /* not a command type; frame skipped */
    HMC_ERR_BAD_PAYLOAD = 4,  /* payload size or content wrong for the type */
    HMC_ERR_BAD_INDEX = 5,    /* hmc_index >= negotiated/maximum HMC count */
    HMC_ERR_NOT_READY = 6,    /* link not ready (no CAP exchange yet) */
    /* no open session on that index, or session mismatch */
    HMC_ERR_NO_SESSION = 7,
    HMC_ERR_TOO_LONG = 8,     /* message longer than the negotiated MTU */
    HMC_ERR_QUEUE_FULL = 9,   /* too many host messages pending for the guest */
    HMC_ERR_BAD_VALUE = 10,   /* unknown fault kind, owner, event format... */
    HMC_ERR_NO_RESOURCE = 11, /* no free buffer id, nothing to remove... */
    /* command known but not available in this build */
    HMC_ERR_UNSUPPORTED = 12,
    HMC_ERR_INTERNAL = 13, /* the engine refused for another reason */
};

struct hmc_frame {
    uint8_t type;
    uint8_t hmc_index;
    uint8_t session;
    uint32_t len;
    const uint8_t *payload; /* valid only during the callback */
};

/*
 * Callbacks of the parser. on_frame gets every well-formed frame whose type
 * is a known command and whose payload size fits the type (see
 * hmc_frame_check_cmd). on_error gets every rejection; `f` is NULL for
 * header-level errors (bad magic, bad length) and the rejected frame otherwise.
 */
struct hmc_frame_ops {
    void (*on_frame)(void *opaque, const struct hmc_frame *f);
    void (*on_error)(void *opaque, const struct hmc_frame *f, uint8_t code,
                     uint32_t detail, const char *reason);
};

struct hmc_frame_parser {
    uint8_t hdr[HMC_FRAME_HDR_LEN];
    uint32_t hdr_got;
    uint32_t want;  /* payload bytes of the current frame */
    uint32_t got;   /* payload bytes received so far */
    int in_garbage; /* skipping bytes until the next magic */
    /* statistics */
    uint64_t frames;
    uint64_t errors;
    uint64_t resyncs;
    uint64_t bytes_skipped;
    uint8_t payload[HMC_FRAME_MAX_PAYLOAD];
};

void hmc_frame_parser_init(struct hmc_frame_parser *p);

/*
 * Feed `len` bytes. Always consumes all of them; callbacks run for each
 * complete frame or error, in stream order. Never allocates, never blocks.
 */
void hmc_frame_feed(struct hmc_frame_parser *p, const uint8_t *buf, size_t len,
                    const struct hmc_frame_ops *ops, void *opaque);

/*
 * Static check of a command frame: type known and payload size (and the
 * values that need no device state) acceptable. Returns 0 or an
 * HMC_ERR_* code, and sets *reason to a constant string.
 */
int hmc_frame_check_cmd(const struct hmc_frame *f, const char **reason);

/*
 * Encode one frame into out[cap]. Returns the total length written, or 0 if
 * it does not fit or len exceeds HMC_FRAME_MAX_PAYLOAD.
 */
size_t hmc_frame_encode(uint8_t *out, size_t cap, uint8_t type,
                        uint8_t hmc_index, uint8_t session, const void *payload,
                        uint32_t len);

/* Build an ERROR payload; returns its length (<= 8 + HMC_FRAME_MAX_TEXT). */
size_t hmc_frame_error_payload(uint8_t *out, uint8_t cmd, uint8_t code,
                               uint32_t detail, const char *reason);

/* Build an ACK payload (8 bytes); returns 8. */
size_t hmc_frame_ack_payload(uint8_t *out, uint8_t cmd, uint32_t value);

const char *hmc_frame_type_name(uint8_t type);
const char *hmc_frame_err_name(uint8_t code);

#endif
