// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmc_wire.c - VMC message encode/decode; big-endian fields through
 * lib/byteorder.h (shifts only, any host).
 */
#include <stdio.h>
#include <string.h>

#include "lib/byteorder.h"
#include "vmc/vmc_wire.h"

bool vmc_msg_type_known(uint8_t type)
{
    switch (type) {
    case VMC_MSG_CAP:
    case VMC_MSG_OPEN:
    case VMC_MSG_CLOSE:
    case VMC_MSG_ADD_BUF:
    case VMC_MSG_REM_BUF:
    case VMC_MSG_SIGNAL:
    case VMC_MSG_CAP_RESP:
    case VMC_MSG_OPEN_RESP:
    case VMC_MSG_CLOSE_RESP:
    case VMC_MSG_ADD_BUF_RESP:
    case VMC_MSG_REM_BUF_RESP:
        return true;
    default:
        return false;
    }
}

const char *vmc_msg_type_name(uint8_t type)
{
    switch (type) {
    case VMC_MSG_CAP:
        return "CAP";
    case VMC_MSG_OPEN:
        return "OPEN";
    case VMC_MSG_CLOSE:
        return "CLOSE";
    case VMC_MSG_ADD_BUF:
        return "ADD_BUF";
    case VMC_MSG_REM_BUF:
        return "REM_BUF";
    case VMC_MSG_SIGNAL:
        return "SIGNAL";
    case VMC_MSG_CAP_RESP:
        return "CAP_RESP";
    case VMC_MSG_OPEN_RESP:
        return "OPEN_RESP";
    case VMC_MSG_CLOSE_RESP:
        return "CLOSE_RESP";
    case VMC_MSG_ADD_BUF_RESP:
        return "ADD_BUF_RESP";
    case VMC_MSG_REM_BUF_RESP:
        return "REM_BUF_RESP";
    default:
        return "UNKNOWN";
    }
}

const char *vmc_status_name(uint8_t type, uint8_t status)
{
    if (status == VMC_ST_SUCCESS) {
        return "SUCCESS";
    }
    if (type == VMC_MSG_ADD_BUF_RESP || type == VMC_MSG_REM_BUF_RESP) {
        switch (status) {
        case VMC_ST_INVALID_HMC_INDEX:
            return "INVALID_HMC_INDEX";
        case VMC_ST_INVALID_BUFFER_ID:
            return "INVALID_BUFFER_ID";
        case VMC_ST_CLOSED_HMC:
            return "CLOSED_HMC";
        case VMC_ST_INTERFACE_FAILURE:
            return "INTERFACE_FAILURE";
        case VMC_ST_NO_BUFFER:
            return "NO_BUFFER";
        default:
            return "UNKNOWN_STATUS";
        }
    }
    if (status == VMC_ST_GENERAL_FAILURE) {
        return "GENERAL_FAILURE";
    }
    if (type == VMC_MSG_CAP_RESP && status == VMC_ST_INVALID_VERSION) {
        return "INVALID_VERSION";
    }
    return "UNKNOWN_STATUS";
}

void vmc_msg_to_bytes(const struct vmc_msg *m, uint8_t out[VMC_WIRE_SIZE])
{
    memset(out, 0, VMC_WIRE_SIZE);
    out[0] = CRQ_HDR_CMD;
    out[1] = m->type;
    out[2] = m->status;
    if (vmc_msg_is_admin(m->type)) {
        out[5] = m->max_hmc;
        store_be16(out + 6, m->pool_size);
        store_be32(out + 8, m->max_mtu);
        store_be16(out + 12, m->crq_size);
        store_be16(out + 14, m->version);
        return;
    }
    out[3] = m->owner;
    out[4] = m->session;
    out[5] = m->index;
    store_be16(out + 6, m->buffer_id);
    store_be32(out + 12, m->var3);
}

bool vmc_msg_from_bytes(struct vmc_msg *m, const uint8_t in[VMC_WIRE_SIZE])
{
    memset(m, 0, sizeof(*m));
    if (in[0] != CRQ_HDR_CMD) {
        return false;
    }
    m->type = in[1];
    m->status = in[2];
    if (vmc_msg_is_admin(m->type)) {
        m->max_hmc = in[5];
        m->pool_size = load_be16(in + 6);
        m->max_mtu = load_be32(in + 8);
        m->crq_size = load_be16(in + 12);
        m->version = load_be16(in + 14);
        return true;
    }
    m->owner = in[3];
    m->session = in[4];
    m->index = in[5];
    m->buffer_id = load_be16(in + 6);
    m->rsvd = load_be32(in + 8);
    m->var3 = load_be32(in + 12);
    return true;
}

void vmc_msg_encode(const struct vmc_msg *m, uint64_t *hi, uint64_t *lo)
{
    uint8_t b[VMC_WIRE_SIZE];

    vmc_msg_to_bytes(m, b);
    *hi = load_be64(b);
    *lo = load_be64(b + 8);
}

bool vmc_msg_decode(struct vmc_msg *m, uint64_t hi, uint64_t lo)
{
    uint8_t b[VMC_WIRE_SIZE];

    store_be64(b, hi);
    store_be64(b + 8, lo);
    return vmc_msg_from_bytes(m, b);
}

int vmc_msg_format(const struct vmc_msg *m, char *buf, size_t len)
{
    if (vmc_msg_is_admin(m->type)) {
        return snprintf(
            buf, len, "%s st=%u hmc=%u pool=%u mtu=%lu crq=%u ver=0x%04x",
            vmc_msg_type_name(m->type), m->status, m->max_hmc, m->pool_size,
            (unsigned long)m->max_mtu, m->crq_size, m->version);
    }
    return snprintf(buf, len,
                    "%s(0x%02x) st=%u own=%u S%u I%u id=%u var3=0x%lx",
                    vmc_msg_type_name(m->type), m->type, m->status, m->owner,
                    m->session, m->index, m->buffer_id, (unsigned long)m->var3);
}

struct vmc_msg vmc_msg_hmc(uint8_t type, uint8_t session, uint8_t index,
                           uint16_t buffer_id)
{
    struct vmc_msg m;

    memset(&m, 0, sizeof(m));
    m.type = type;
    m.session = session;
    m.index = index;
    m.buffer_id = buffer_id;
    return m;
}

struct vmc_msg vmc_msg_cap(uint8_t type, uint8_t max_hmc, uint16_t pool_size,
                           uint32_t max_mtu, uint16_t crq_size,
                           uint16_t version)
{
    struct vmc_msg m;

    memset(&m, 0, sizeof(m));
    m.type = type;
    m.max_hmc = max_hmc;
    m.pool_size = pool_size;
    m.max_mtu = max_mtu;
    m.crq_size = crq_size;
    m.version = version;
    return m;
}
