/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmc_wire.h - the VMC message codec: native struct <-> CRQ wire format.
 *
 * Every VMC message is one 16-byte CRQ entry with header 0x80 and the type
 * in byte 1 (vmc-protocol.md §5). Multi-byte fields are big-endian on the
 * wire and in the two H_SEND_CRQ words, whatever the CPU's byte order, so
 * the codec uses the shift-only helpers of lib/byteorder.h: no struct
 * overlay, no assumption about the host.
 *
 * Two layouts exist:
 *   administrative (CAP 0x01, CAP_RESP 0x81):
 *     0 hdr | 1 type | 2 status | 3-4 rsvd | 5 max_hmc | 6-7 pool_size |
 *     8-11 max_mtu | 12-13 crq_size | 14-15 version
 *   HMC interface (every other type):
 *     0 hdr | 1 type | 2 status | 3 owner | 4 session | 5 index |
 *     6-7 buffer_id | 8-11 rsvd | 12-15 var3 (LIOBA for ADD_BUF,
 *     msg_len for SIGNAL)
 * The encoder writes reserved bytes as zero. The decoder keeps bytes 8-11
 * of an HMC message in @rsvd for diagnostics only (Linux sends stack
 * garbage there in SIGNAL).
 *
 * Shared by the MP engine (vmc/) and the HV engine (hv/): keep it stable.
 */
#ifndef VMCFW_VMC_WIRE_H
#define VMCFW_VMC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CRQ_HDR_CMD (0x80), the header byte of every VMC message, and the rest. */
#include "lib/crq_format.h"

#define VMC_WIRE_SIZE CRQ_ENTRY_SIZE

/* Message types (byte 1). Responses are the command with bit 0x80 set. */
#define VMC_MSG_CAP 0x01
#define VMC_MSG_OPEN 0x02
#define VMC_MSG_CLOSE 0x03
#define VMC_MSG_ADD_BUF 0x04
#define VMC_MSG_REM_BUF 0x05
#define VMC_MSG_SIGNAL 0x06
#define VMC_MSG_CAP_RESP 0x81
#define VMC_MSG_OPEN_RESP 0x82
#define VMC_MSG_CLOSE_RESP 0x83
#define VMC_MSG_ADD_BUF_RESP 0x84
#define VMC_MSG_REM_BUF_RESP 0x85

/*
 * Response status (byte 2), Linux numbering (vmc-protocol.md §5.4). We
 * emit these; received statuses are only compared against 0.
 */
#define VMC_ST_SUCCESS 0
#define VMC_ST_INVALID_HMC_INDEX 1
#define VMC_ST_INVALID_BUFFER_ID 2
#define VMC_ST_CLOSED_HMC 3
#define VMC_ST_INTERFACE_FAILURE 4
#define VMC_ST_NO_BUFFER 5
/* CAP_RESP, OPEN_RESP, CLOSE_RESP statuses (LoPAR). */
#define VMC_ST_GENERAL_FAILURE 1
#define VMC_ST_INVALID_VERSION 2 /* CAP_RESP only */

/* ADD_BUF owner byte (byte 3). */
#define VMC_OWNER_MP 0 /* buffer for MP->HV traffic ("ALPHA") */
#define VMC_OWNER_HV 1 /* buffer for HV->MP traffic */

#define VMC_PROTOCOL_VERSION 0x0101 /* major 1, minor 1 */
#define VMC_VERSION_MAJOR(v) ((uint16_t)(v) >> 8)
#define VMC_HMC_ID_LEN 32
#define VMC_INVALID_BUFFER_ID 0xFFFF
#define VMC_SESSION_MAX 0xFE /* sessions run 1..254; 0 = wildcard */

/**
 * struct vmc_msg - one VMC message in native form.
 * @type: VMC_MSG_*
 * @status: response status (0 in commands)
 * @owner: ADD_BUF owner byte (VMC_OWNER_*); 0 otherwise
 * @session: HMC session number (Sn)
 * @index: HMC index (Idx)
 * @buffer_id: buffer ID (bytes 6-7)
 * @rsvd: bytes 8-11 of an HMC message as received (never encoded)
 * @lioba/@msg_len/@var3: bytes 12-15; ADD_BUF's LIOBA, SIGNAL's length
 * @max_hmc, @pool_size, @max_mtu, @crq_size, @version: CAP/CAP_RESP only
 *
 * Fields that the layout of @type does not carry are ignored by the
 * encoder and zeroed by the decoder.
 */
struct vmc_msg {
    uint8_t type;
    uint8_t status;
    uint8_t owner;
    uint8_t session;
    uint8_t index;
    uint16_t buffer_id;
    uint32_t rsvd;
    union {
        uint32_t lioba;
        uint32_t msg_len;
        uint32_t var3;
    };
    uint8_t max_hmc;
    uint16_t pool_size;
    uint32_t max_mtu;
    uint16_t crq_size;
    uint16_t version;
};

/**
 * vmc_msg_is_admin - whether a type uses the administrative layout.
 * @type: the message type
 *
 * Return: true for CAP and CAP_RESP.
 */
static inline bool vmc_msg_is_admin(uint8_t type)
{
    return type == VMC_MSG_CAP || type == VMC_MSG_CAP_RESP;
}

/**
 * vmc_msg_type_known - whether a type is one of the eleven defined ones.
 * @type: the message type
 *
 * Return: true for a defined type.
 */
bool vmc_msg_type_known(uint8_t type);

/**
 * vmc_msg_type_name - name of a message type.
 * @type: the message type
 *
 * Return: "CAP", "OPEN_RESP", ...; "UNKNOWN" otherwise.
 */
const char *vmc_msg_type_name(uint8_t type);

/**
 * vmc_status_name - name of a response status.
 * @type: the response type, since CAP/OPEN/CLOSE responses use LoPAR's
 *        generic codes and buffer responses Linux's numbering (§5.4)
 * @status: the status byte
 *
 * Return: "SUCCESS", "GENERAL_FAILURE", ...; "UNKNOWN_STATUS" otherwise.
 */
const char *vmc_status_name(uint8_t type, uint8_t status);

/**
 * vmc_msg_to_bytes - encode a message into its 16 wire bytes (header 0x80).
 * @m: the message
 * @out: the entry
 */
void vmc_msg_to_bytes(const struct vmc_msg *m, uint8_t out[VMC_WIRE_SIZE]);

/**
 * vmc_msg_from_bytes - decode 16 wire bytes. Unknown types decode with the
 * HMC layout; the caller decides what to do.
 * @m: receives the message
 * @in: the entry
 *
 * Return: true, or false (and a zeroed @m) when byte 0 is not 0x80.
 */
bool vmc_msg_from_bytes(struct vmc_msg *m, const uint8_t in[VMC_WIRE_SIZE]);

/**
 * vmc_msg_encode - encode a message as the two H_SEND_CRQ words.
 * @m: the message
 * @hi: receives bytes 0-7
 * @lo: receives bytes 8-15
 */
void vmc_msg_encode(const struct vmc_msg *m, uint64_t *hi, uint64_t *lo);

/**
 * vmc_msg_decode - decode the two H_SEND_CRQ words.
 * @m: receives the message
 * @hi: bytes 0-7
 * @lo: bytes 8-15
 *
 * Return: as vmc_msg_from_bytes().
 */
bool vmc_msg_decode(struct vmc_msg *m, uint64_t hi, uint64_t lo);

/**
 * vmc_msg_format - one-line human description for logs and dumps.
 * @m: the message
 * @buf: output
 * @len: size of @buf
 *
 * Return: what snprintf returns.
 */
int vmc_msg_format(const struct vmc_msg *m, char *buf, size_t len);

/**
 * vmc_msg_hmc - an HMC-interface message; every field not named is zero.
 * @type: the message type
 * @session: session number
 * @index: HMC index
 * @buffer_id: buffer ID
 *
 * Return: the message.
 */
struct vmc_msg vmc_msg_hmc(uint8_t type, uint8_t session, uint8_t index,
                           uint16_t buffer_id);
/**
 * vmc_msg_cap - a CAP or CAP_RESP message; every field not named is zero.
 * @type: VMC_MSG_CAP or VMC_MSG_CAP_RESP
 * @max_hmc: HMC count
 * @pool_size: buffers per HMC
 * @max_mtu: largest message
 * @crq_size: CRQ entries
 * @version: protocol version
 *
 * Return: the message.
 */
struct vmc_msg vmc_msg_cap(uint8_t type, uint8_t max_hmc, uint16_t pool_size,
                           uint32_t max_mtu, uint16_t crq_size,
                           uint16_t version);

#endif /* VMCFW_VMC_WIRE_H */
