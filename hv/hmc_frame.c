// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hmc_frame.c - parser and encoder of the spapr-vmc HMC peer protocol.
 * See hmc_frame.h and docs/hmc-protocol.md.
 */
#include "hmc_frame.h"

#include <string.h>

void hmc_frame_parser_init(struct hmc_frame_parser *p)
{
    memset(p, 0, offsetof(struct hmc_frame_parser, payload));
}

static int is_cmd_type(uint8_t t)
{
    switch (t) {
    case HMC_CMD_MSG:
    case HMC_CMD_RAW_CRQ:
    case HMC_CMD_RESET:
    case HMC_CMD_FAULT:
    case HMC_CMD_ADD_BUF:
    case HMC_CMD_REM_BUF:
    case HMC_CMD_STATUS:
    case HMC_CMD_PING:
    case HMC_CMD_FAULT_MSG:
    case HMC_CMD_KNOB:
    case HMC_CMD_FAULT_RDMA:
        return 1;
    }
    return 0;
}

int hmc_frame_check_cmd(const struct hmc_frame *f, const char **reason)
{
    const char *dummy;

    if (!reason) {
        reason = &dummy;
    }
    *reason = "";
    if (!is_cmd_type(f->type)) {
        *reason = "unknown command type";
        return HMC_ERR_UNKNOWN_TYPE;
    }
    switch (f->type) {
    case HMC_CMD_MSG:
        if (f->len == 0) {
            *reason = "empty message";
            return HMC_ERR_BAD_PAYLOAD;
        }
        return 0;
    case HMC_CMD_RAW_CRQ:
        if (f->len != HMC_FRAME_CRQ_LEN) {
            *reason = "RAW_CRQ needs exactly 16 bytes";
            return HMC_ERR_BAD_PAYLOAD;
        }
        return 0;
    case HMC_CMD_RESET:
        if (f->len != 0 && f->len != 1 && f->len != 5) {
            *reason = "RESET takes 0, 1 or 5 bytes";
            return HMC_ERR_BAD_PAYLOAD;
        }
        if (f->len >= 1) {
            uint8_t fmt = f->payload[0];
            if (fmt != 0x01 && fmt != 0x02 && fmt != 0x06) {
                *reason = "RESET event format must be 1, 2 or 6";
                return HMC_ERR_BAD_VALUE;
            }
        }
        return 0;
    case HMC_CMD_FAULT:
        if (f->len != 5) {
            *reason = "FAULT needs u8 kind + u32 arg";
            return HMC_ERR_BAD_PAYLOAD;
        }
        if (f->payload[0] > HMC_FAULT_MAX) {
            *reason = "unknown fault kind";
            return HMC_ERR_BAD_VALUE;
        }
        return 0;
    case HMC_CMD_ADD_BUF:
        if (f->len != 1) {
            *reason = "ADD_BUF needs u8 owner";
            return HMC_ERR_BAD_PAYLOAD;
        }
        if (f->payload[0] > 1) {
            *reason = "owner must be 0 (MP) or 1 (HV)";
            return HMC_ERR_BAD_VALUE;
        }
        return 0;
    case HMC_CMD_REM_BUF:
    case HMC_CMD_STATUS:
        if (f->len != 0) {
            *reason = "command takes no payload";
            return HMC_ERR_BAD_PAYLOAD;
        }
        return 0;
    case HMC_CMD_PING:
        if (f->len > 64) {
            *reason = "PING payload is at most 64 bytes";
            return HMC_ERR_BAD_PAYLOAD;
        }
        return 0;
    case HMC_CMD_FAULT_MSG:
        if (f->len != 16) {
            *reason = "FAULT_MSG needs 16 bytes";
            return HMC_ERR_BAD_PAYLOAD;
        }
        if (f->payload[0] > 1 || f->payload[1] > 3) {
            *reason = "FAULT_MSG direction must be 0/1, action 0..3";
            return HMC_ERR_BAD_VALUE;
        }
        return 0;
    case HMC_CMD_KNOB:
        if (f->len != 5) {
            *reason = "KNOB needs u8 knob + s32 value";
            return HMC_ERR_BAD_PAYLOAD;
        }
        return 0;
    case HMC_CMD_FAULT_RDMA:
        if (f->len != 12) {
            *reason = "FAULT_RDMA needs u32 nth, u32 count, s32 rc";
            return HMC_ERR_BAD_PAYLOAD;
        }
        return 0;
    }
    *reason = "unknown command type";
    return HMC_ERR_UNKNOWN_TYPE;
}

static void deliver(struct hmc_frame_parser *p, const struct hmc_frame_ops *ops,
                    void *opaque)
{
    struct hmc_frame f;
    const char *reason;
    int code;

    f.type = p->hdr[1];
    f.hmc_index = p->hdr[2];
    f.session = p->hdr[3];
    f.len = p->want;
    f.payload = p->payload;
    code = hmc_frame_check_cmd(&f, &reason);
    if (code) {
        p->errors++;
        if (ops && ops->on_error) {
            ops->on_error(opaque, &f, (uint8_t)code, f.len, reason);
        }
        return;
    }
    p->frames++;
    if (ops && ops->on_frame) {
        ops->on_frame(opaque, &f);
    }
}

static void header_error(struct hmc_frame_parser *p,
                         const struct hmc_frame_ops *ops, void *opaque,
                         uint8_t code, uint32_t detail, const char *reason)
{
    p->errors++;
    p->resyncs++;
    if (ops && ops->on_error) {
        ops->on_error(opaque, NULL, code, detail, reason);
    }
}

/*
 * Resynchronise after a bad header: the header's first byte is dropped and
 * the remaining header bytes are rescanned for the magic.
 */
static void resync_from_header(struct hmc_frame_parser *p)
{
    uint32_t i;

    for (i = 1; i < p->hdr_got; i++) {
        if (p->hdr[i] == HMC_FRAME_MAGIC) {
            break;
        }
    }
    p->bytes_skipped += i;
    memmove(p->hdr, p->hdr + i, p->hdr_got - i);
    p->hdr_got -= i;
    p->in_garbage = 1;
}

void hmc_frame_feed(struct hmc_frame_parser *p, const uint8_t *buf, size_t len,
                    const struct hmc_frame_ops *ops, void *opaque)
{
    size_t pos = 0;

    while (pos < len) {
        if (p->hdr_got < HMC_FRAME_HDR_LEN) {
            uint8_t b = buf[pos++];

            if (p->hdr_got == 0 && b != HMC_FRAME_MAGIC) {
                /* one error per garbage run, not per byte */
                if (!p->in_garbage) {
                    p->in_garbage = 1;
                    header_error(p, ops, opaque, HMC_ERR_BAD_MAGIC, b,
                                 "bad magic, resynchronising");
                }
                p->bytes_skipped++;
                continue;
            }
            p->hdr[p->hdr_got++] = b;
            /* A rescanned header may hold a full header already. */
            while (p->hdr_got == HMC_FRAME_HDR_LEN) {
                uint32_t l = load_be32(p->hdr + 4);

                if (l > HMC_FRAME_MAX_PAYLOAD) {
                    header_error(
                        p, ops, opaque, HMC_ERR_BAD_LENGTH, l,
                        "payload length over the maximum, resynchronising");
                    resync_from_header(p);
                    continue;
                }
                p->in_garbage = 0;
                p->want = l;
                p->got = 0;
                if (l == 0) {
                    deliver(p, ops, opaque);
                    p->hdr_got = 0;
                }
                break;
            }
            continue;
        }
        /* payload */
        {
            size_t n = len - pos;

            if (n > p->want - p->got) {
                n = p->want - p->got;
            }
            memcpy(p->payload + p->got, buf + pos, n);
            p->got += (uint32_t)n;
            pos += n;
            if (p->got == p->want) {
                deliver(p, ops, opaque);
                p->hdr_got = 0;
                p->want = p->got = 0;
            }
        }
    }
}

size_t hmc_frame_encode(uint8_t *out, size_t cap, uint8_t type,
                        uint8_t hmc_index, uint8_t session, const void *payload,
                        uint32_t len)
{
    if (len > HMC_FRAME_MAX_PAYLOAD || cap < HMC_FRAME_HDR_LEN + (size_t)len) {
        return 0;
    }
    out[0] = HMC_FRAME_MAGIC;
    out[1] = type;
    out[2] = hmc_index;
    out[3] = session;
    store_be32(out + 4, len);
    if (len) {
        memcpy(out + HMC_FRAME_HDR_LEN, payload, len);
    }
    return HMC_FRAME_HDR_LEN + (size_t)len;
}

size_t hmc_frame_error_payload(uint8_t *out, uint8_t cmd, uint8_t code,
                               uint32_t detail, const char *reason)
{
    size_t n = 0;

    out[0] = cmd;
    out[1] = code;
    out[2] = 0;
    out[3] = 0;
    store_be32(out + 4, detail);
    if (reason) {
        while (reason[n] && n < HMC_FRAME_MAX_TEXT) {
            char c = reason[n];
            out[8 + n] = (c >= 0x20 && c < 0x7f) ? (uint8_t)c : (uint8_t)'?';
            n++;
        }
    }
    return 8 + n;
}

size_t hmc_frame_ack_payload(uint8_t *out, uint8_t cmd, uint32_t value)
{
    out[0] = cmd;
    out[1] = 0;
    out[2] = 0;
    out[3] = 0;
    store_be32(out + 4, value);
    return 8;
}

const char *hmc_frame_type_name(uint8_t type)
{
    switch (type) {
    case HMC_EV_OPEN:
        return "OPEN";
    case HMC_EV_CLOSE:
        return "CLOSE";
    case HMC_EV_MSG:
        return "MSG";
    case HMC_EV_LINK:
        return "LINK";
    case HMC_EV_CRQ:
        return "CRQ";
    case HMC_EV_ERROR:
        return "ERROR";
    case HMC_EV_ACK:
        return "ACK";
    case HMC_EV_STATUS:
        return "STATUS";
    case HMC_EV_PONG:
        return "PONG";
    case HMC_EV_VIOLATION:
        return "VIOLATION";
    case HMC_EV_REM_BUF:
        return "REM_BUF";
    case HMC_EV_DELIVERED:
        return "DELIVERED";
    case HMC_EV_CALL:
        return "CALL";
    case HMC_CMD_FAULT_MSG:
        return "CMD_FAULT_MSG";
    case HMC_CMD_KNOB:
        return "CMD_KNOB";
    case HMC_CMD_FAULT_RDMA:
        return "CMD_FAULT_RDMA";
    case HMC_CMD_MSG:
        return "CMD_MSG";
    case HMC_CMD_RAW_CRQ:
        return "CMD_RAW_CRQ";
    case HMC_CMD_RESET:
        return "CMD_RESET";
    case HMC_CMD_FAULT:
        return "CMD_FAULT";
    case HMC_CMD_ADD_BUF:
        return "CMD_ADD_BUF";
    case HMC_CMD_REM_BUF:
        return "CMD_REM_BUF";
    case HMC_CMD_STATUS:
        return "CMD_STATUS";
    case HMC_CMD_PING:
        return "CMD_PING";
    }
    return "?";
}

const char *hmc_frame_err_name(uint8_t code)
{
    static const char *const names[] = {
        "OK",          "BAD_MAGIC",  "BAD_LENGTH", "UNKNOWN_TYPE",
        "BAD_PAYLOAD", "BAD_INDEX",  "NOT_READY",  "NO_SESSION",
        "TOO_LONG",    "QUEUE_FULL", "BAD_VALUE",  "NO_RESOURCE",
        "UNSUPPORTED", "INTERNAL",
    };
    return code < sizeof(names) / sizeof(names[0]) ? names[code] : "?";
}
