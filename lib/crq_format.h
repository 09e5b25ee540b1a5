/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crq_format.h - the bytes of a PAPR CRQ entry, defined once.
 *
 * A CRQ entry is 16 bytes. Byte 0 is the header (valid byte): 0x00 marks a
 * free slot, 0x80 a command/response entry (every VMC message), 0xC0 an
 * initialisation entry and 0xFF a transport event; byte 1 is the format
 * (init code, transport event code, or the VMC message type). As the two
 * H_SEND_CRQ words, byte 0 is the most significant byte of the first word.
 *
 * Pure constants, no hypervisor: both sides use it, the CRQ driver
 * (drivers/crq.c), the VMC codec (vmc/vmc_wire.c) and the hypervisor model
 * (hv/, also compiled inside QEMU).
 */
#ifndef VMCFW_CRQ_FORMAT_H
#define VMCFW_CRQ_FORMAT_H

#define CRQ_ENTRY_SIZE 16

/* Header byte (byte 0). */
#define CRQ_HDR_FREE 0x00
#define CRQ_HDR_CMD 0x80
#define CRQ_HDR_INIT 0xC0
#define CRQ_HDR_XPORT 0xFF
/* PAPR: H_SEND_CRQ refuses a header without this bit, or 0xFF (event). */
#define CRQ_HDR_VALID_BIT 0x80

/* Format byte of an initialisation entry (header 0xC0). */
#define CRQ_INIT_REQUEST 0x01
#define CRQ_INIT_COMPLETE 0x02

/* Format byte of a transport event (header 0xFF). */
#define CRQ_XPORT_PARTNER_FAILED 0x01
#define CRQ_XPORT_PARTNER_DEREG 0x02
#define CRQ_XPORT_PARTNER_TERMINATED 0x04
#define CRQ_XPORT_PARTNER_SUSPENDED 0x06
#define CRQ_XPORT_SUSPEND_PREPARE 0x09
#define CRQ_XPORT_RESUME 0x0A

/* First H_SEND_CRQ word of an entry with header @hdr and format @fmt. */
#define CRQ_WORD0(hdr, fmt) \
    ((unsigned long long)(hdr) << 56 | (unsigned long long)(fmt) << 48)
/* The two initialisation entries (second word 0). */
#define CRQ_INIT_HI CRQ_WORD0(CRQ_HDR_INIT, CRQ_INIT_REQUEST)
#define CRQ_INIT_COMPLETE_HI CRQ_WORD0(CRQ_HDR_INIT, CRQ_INIT_COMPLETE)

/* Header byte and format byte of an H_SEND_CRQ first word. */
#define CRQ_WORD0_HDR(hi) ((unsigned char)((hi) >> 56))
#define CRQ_WORD0_FMT(hi) ((unsigned char)((hi) >> 48))

#endif /* VMCFW_CRQ_FORMAT_H */
