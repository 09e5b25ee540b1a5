/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * firmware.h - calling 32-bit big-endian firmware (Open Firmware's client
 * interface at boot, RTAS at any time) through hcall/firmware_call.S.
 */
#ifndef VMCFW_FIRMWARE_H
#define VMCFW_FIRMWARE_H

#include <stdint.h>

#define FIRMWARE_MAX_CELLS 16

/* The argument block both interfaces use: big-endian cells, below 4 GiB. */
struct firmware_block {
	uint32_t service;	/* OF: address of the service name; RTAS: token */
	uint32_t nargs, nret;
	uint32_t cells[FIRMWARE_MAX_CELLS];	/* args, then rets */
} __attribute__((aligned(16)));

/**
 * firmware_call - enter firmware at @entry with r3 = @args, r4 = @base.
 * @msr: 0 = our MSR without SF and LE (OF); else exactly this MSR (RTAS).
 * Returns firmware's r3 (OF: 0 or -1).
 */
long firmware_call(void *args, uint64_t entry, uint64_t base, uint64_t msr);

#endif
