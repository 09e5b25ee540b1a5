// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * validate.c - validation commands of the monitor. Their arguments are
 * parsed and checked by console/monitor_parse.c (host-tested and fuzzed);
 * this file only acts on what passed.
 */
#include <stdint.h>
#include <stdio.h>

#include "console/console.h"
#include "console/monitor_parse.h"
#include "console/validate.h"
#include "console/vmc_app.h"
#include "hcall/hcall.h"
#include "lib/dt.h"

void validate_hcall(int argc, char **argv, validate_usage_fn usage_error)
{
	struct monitor_hcall h;
	const char *err = monitor_parse_hcall(argc, argv, &h);
	uint64_t ret[4] = { 0 };
	long rc;

	if (err) {
		usage_error(argv[0], err);
		return;
	}
	if (!h.force && !monitor_hcall_is_harmless(h.opcode)) {
		con_printf("error: hcall: %s (0x%lx) can change the partition's state and break it; "
			   "repeat with -f to issue it anyway\n", hcall_op_name(h.opcode), h.opcode);
		return;
	}
	rc = h_raw(h.opcode, h.args, ret);
	con_printf("hcall %s (0x%lx): rc=%s (%ld) r4=0x%llx r5=0x%llx r6=0x%llx r7=0x%llx\n",
		   hcall_op_name(h.opcode), h.opcode, hcall_rc_name(rc), rc,
		   (unsigned long long)ret[0], (unsigned long long)ret[1],
		   (unsigned long long)ret[2], (unsigned long long)ret[3]);
}

void validate_mem(int argc, char **argv, validate_usage_fn usage_error)
{
	uint64_t addr;
	uint32_t len;
	const char *err = monitor_parse_mem(argc, argv, dt.mem_base, dt.mem_size, &addr, &len);

	if (err) {
		usage_error(argv[0], err);
		return;
	}
	for (uint32_t off = 0; off < len; off += 16) {
		/* The image runs in real mode: an address is a real address. */
		const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)(addr + off);
		uint32_t row = len - off < 16 ? len - off : 16;
		char hex[16 * 3 + 1], text[17];

		for (uint32_t i = 0; i < 16; i++) {
			if (i < row) {
				uint8_t b = p[i];

				snprintf(hex + 3 * i, 4, "%02x ", b);
				text[i] = b >= 0x20 && b < 0x7f ? (char)b : '.';
			} else {
				snprintf(hex + 3 * i, 4, "   ");
				text[i] = '\0';
			}
		}
		text[row] = '\0';
		con_printf("%016llx: %s|%s|\n", (unsigned long long)(addr + off), hex, text);
	}
}

void validate_crq(int argc, char **argv, validate_usage_fn usage_error)
{
	uint32_t first, count;
	const char *err;
	const struct crq *crq;

	if (!vmc_app_started()) {
		con_printf("error: crq: no VMC adapter is running, so no CRQ ring to show\n");
		return;
	}
	crq = &vmc_app_engine()->crq;
	err = monitor_parse_crq(argc, argv, crq->n_entries, &first, &count);
	if (err) {
		usage_error(argv[0], err);
		return;
	}
	if (crq_dump_ring(crq, con_pf, NULL, first, count) < 0)
		con_printf("error: crq: the ring is not registered\n");
}
