// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmc_request.c - H_REQUEST_VMC: ask the hypervisor to create the VMC
 * adapter for this partition. Busy answers are retried within a budget;
 * every other code maps to a named result (Linux treats unknown codes as
 * success: docs/vmc-protocol.md §12.26).
 */
#include "hcall/hcall.h"
#include "lib/log.h"
#include "vmc/vmc_internal.h"

#define VMC_REQUEST_BUDGET_US	10000000u	/* 10 s of busy answers at most */

static long vmc_request_once(void *arg)
{
	return h_request_vmc(arg);
}

enum vmc_result vmc_request_vmc(uint32_t *drc_index, long *rc_out)
{
	uint64_t drc = 0;
	long rc = hcall_retry(vmc_request_once, &drc, VMC_REQUEST_BUDGET_US);

	if (rc_out)
		*rc_out = rc;
	switch (rc) {
	case H_SUCCESS:
		if (drc_index)
			*drc_index = (uint32_t)drc;
		pr_info(VMC_SUB, "H_REQUEST_VMC: DRC index 0x%08lx", (unsigned long)drc);
		return VMC_OK;
	case H_AUTHORITY:
		pr_err(VMC_SUB, "H_REQUEST_VMC: not authorised (H_AUTHORITY)");
		return VMC_ERR_AUTHORITY;
	case H_NOT_AVAILABLE:
		pr_err(VMC_SUB, "H_REQUEST_VMC: system cannot be VMC managed");
		return VMC_ERR_NOT_AVAILABLE;
	case H_FUNCTION:
		pr_err(VMC_SUB, "H_REQUEST_VMC: not supported (H_FUNCTION)");
		return VMC_ERR_UNSUPPORTED;
	default:
		pr_err(VMC_SUB, "H_REQUEST_VMC: %s (%ld)", hcall_rc_name(rc), rc);
		return hcall_is_busy(rc) ? VMC_ERR_BUSY : VMC_ERR_HCALL;
	}
}
