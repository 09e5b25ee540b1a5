// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hcall_common.c - the portable half of the hcall layer: names for
 * messages, per-opcode statistics and the busy / long-busy retry loop.
 * Linked into the image and into host tests alike.
 */
#include <stddef.h>
#include <string.h>

#include "hcall/hcall.h"
#include "lib/time.h"

struct hcall_stats hcall_stats;

const char *hcall_rc_name(long rc)
{
	switch (rc) {
	case H_SUCCESS: return "H_SUCCESS";
	case H_BUSY: return "H_BUSY";
	case H_CLOSED: return "H_CLOSED";
	case H_NOT_AVAILABLE: return "H_NOT_AVAILABLE";
	case H_CONSTRAINED: return "H_CONSTRAINED";
	case H_PARTIAL: return "H_PARTIAL";
	case H_IN_PROGRESS: return "H_IN_PROGRESS";
	case H_CONTINUE: return "H_CONTINUE";
	case H_LONG_BUSY_ORDER_1MSEC: return "H_LONG_BUSY_ORDER_1MSEC";
	case H_LONG_BUSY_ORDER_10MSEC: return "H_LONG_BUSY_ORDER_10MSEC";
	case H_LONG_BUSY_ORDER_100MSEC: return "H_LONG_BUSY_ORDER_100MSEC";
	case H_LONG_BUSY_ORDER_1SEC: return "H_LONG_BUSY_ORDER_1SEC";
	case H_LONG_BUSY_ORDER_10SEC: return "H_LONG_BUSY_ORDER_10SEC";
	case H_LONG_BUSY_ORDER_100SEC: return "H_LONG_BUSY_ORDER_100SEC";
	case H_HARDWARE: return "H_HARDWARE";
	case H_FUNCTION: return "H_FUNCTION";
	case H_PRIVILEGE: return "H_PRIVILEGE";
	case H_PARAMETER: return "H_PARAMETER";
	case H_BAD_MODE: return "H_BAD_MODE";
	case H_PTEG_FULL: return "H_PTEG_FULL";
	case H_NOT_FOUND: return "H_NOT_FOUND";
	case H_NO_MEM: return "H_NO_MEM";
	case H_AUTHORITY: return "H_AUTHORITY";
	case H_PERMISSION: return "H_PERMISSION";
	case H_DROPPED: return "H_DROPPED";
	case H_SOURCE_PARM: return "H_SOURCE_PARM";
	case H_DEST_PARM: return "H_DEST_PARM";
	case H_REMOTE_PARM: return "H_REMOTE_PARM";
	case H_RESOURCE: return "H_RESOURCE";
	case H_P1: return "H_P1";
	case H_P2: return "H_P2";
	case H_P3: return "H_P3";
	case H_P4: return "H_P4";
	case H_NOOP: return "H_NOOP";
	default: return "H_UNKNOWN";
	}
}

const char *hcall_op_name(unsigned long op)
{
	switch (op) {
	case H_GET_TCE: return "H_GET_TCE";
	case H_PUT_TCE: return "H_PUT_TCE";
	case H_GET_TERM_CHAR: return "H_GET_TERM_CHAR";
	case H_PUT_TERM_CHAR: return "H_PUT_TERM_CHAR";
	case H_EOI: return "H_EOI";
	case H_CPPR: return "H_CPPR";
	case H_IPI: return "H_IPI";
	case H_IPOLL: return "H_IPOLL";
	case H_XIRR: return "H_XIRR";
	case H_CEDE: return "H_CEDE";
	case H_REG_CRQ: return "H_REG_CRQ";
	case H_FREE_CRQ: return "H_FREE_CRQ";
	case H_VIO_SIGNAL: return "H_VIO_SIGNAL";
	case H_SEND_CRQ: return "H_SEND_CRQ";
	case H_COPY_RDMA: return "H_COPY_RDMA";
	case H_ENABLE_CRQ: return "H_ENABLE_CRQ";
	case H_SET_MODE: return "H_SET_MODE";
	case H_REQUEST_VMC: return "H_REQUEST_VMC";
	case H_INT_GET_SOURCE_INFO: return "H_INT_GET_SOURCE_INFO";
	case H_INT_SET_SOURCE_CONFIG: return "H_INT_SET_SOURCE_CONFIG";
	case H_INT_SET_QUEUE_CONFIG: return "H_INT_SET_QUEUE_CONFIG";
	case H_INT_ESB: return "H_INT_ESB";
	case H_INT_RESET: return "H_INT_RESET";
	case H_WATCHDOG: return "H_WATCHDOG";
	case KVMPPC_H_RTAS: return "H_RTAS";
	default: return "H_?";
	}
}

/* Every opcode hcall_op_name() knows, once: the reverse lookup walks them. */
static const unsigned long known_ops[] = {
	H_GET_TCE, H_PUT_TCE, H_GET_TERM_CHAR, H_PUT_TERM_CHAR, H_EOI, H_CPPR, H_IPI, H_IPOLL,
	H_XIRR, H_CEDE, H_REG_CRQ, H_FREE_CRQ, H_VIO_SIGNAL, H_SEND_CRQ, H_COPY_RDMA,
	H_ENABLE_CRQ, H_SET_MODE, H_REQUEST_VMC, H_INT_GET_SOURCE_INFO, H_INT_SET_SOURCE_CONFIG,
	H_INT_SET_QUEUE_CONFIG, H_INT_ESB, H_INT_RESET, H_WATCHDOG, KVMPPC_H_RTAS,
};

bool hcall_op_from_name(const char *name, unsigned long *opcode)
{
	for (size_t i = 0; i < sizeof(known_ops) / sizeof(known_ops[0]); i++)
		if (!strcmp(name, hcall_op_name(known_ops[i]))) {
			*opcode = known_ops[i];
			return true;
		}
	return false;
}

uint64_t hcall_long_busy_us(long rc)
{
	static const uint64_t us[] = { 1000, 10000, 100000, 1000000, 10000000, 100000000 };

	return hcall_is_long_busy(rc) ? us[rc - H_LONG_BUSY_ORDER_1MSEC] : 0;
}

void hcall_stats_reset(void)
{
	memset(&hcall_stats, 0, sizeof(hcall_stats));
}

void hcall_stats_account(unsigned long opcode, long rc)
{
	unsigned long slot = opcode < HCALL_MAX_OPCODE ? opcode / 4 : 0;

	hcall_stats.calls[slot]++;
	if (rc < 0)
		hcall_stats.errors[slot]++;
	else if (hcall_is_busy(rc))
		hcall_stats.busy[slot]++;
}

uint64_t hcall_stats_total(void)
{
	uint64_t n = 0;

	for (size_t i = 0; i < HCALL_MAX_OPCODE / 4; i++)
		n += hcall_stats.calls[i];
	return n;
}

long hcall_retry(long (*call)(void *arg), void *arg, uint64_t budget_us)
{
	struct deadline end = deadline_in_us(budget_us);
	long rc;

	for (;;) {
		rc = call(arg);
		if (!hcall_is_busy(rc) || deadline_passed(end))
			return rc;
		if (hcall_is_long_busy(rc)) {
			uint64_t wait = hcall_long_busy_us(rc), left = deadline_left_us(end);

			udelay(wait < left ? wait : left);
		} else {
			tb_relax();
		}
	}
}
