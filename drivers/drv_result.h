/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * drv_result.h - the drivers/ layer's one result vocabulary.
 *
 * Every drivers/ function that can fail (CRQ transport, CRQ service modes,
 * XICS) answers with an enum drv_result: 0 for success, a negative value
 * for a failure, never a raw hcall or RTAS code. The hypervisor's own
 * return code is converted where the driver makes the call; it is logged
 * there (hcall_rc_name()) and, for a CRQ, kept in struct crq's last_rc so
 * the layer above can still show exactly what the hypervisor answered.
 * docs/architecture.md ("Error vocabularies") lists all layers.
 */
#ifndef VMCFW_DRV_RESULT_H
#define VMCFW_DRV_RESULT_H

enum drv_result {
	DRV_OK = 0,
	DRV_ERR_PARAM = -1,	/* bad argument or device description */
	DRV_ERR_HCALL = -2,	/* the hypervisor refused (rc logged, crq->last_rc) */
	DRV_ERR_CLOSED = -3,	/* H_SEND_CRQ: partner not there (H_CLOSED) */
	DRV_ERR_DROPPED = -4,	/* H_SEND_CRQ: partner's queue full (H_DROPPED) */
	DRV_ERR_BUSY = -5,	/* still busy when the retry budget ran out */
	DRV_ERR_STATE = -6,	/* operation not valid in the current state */
	DRV_ERR_NO_SLOT = -7,	/* a fixed-size table is full (XICS handlers) */
	DRV_ERR_FIRMWARE = -8,	/* an RTAS call failed (status logged) */
};

/**
 * drv_result_name - symbolic name of a drivers/ result, for logs.
 * @r: the result
 *
 * Return: "DRV_OK", "DRV_ERR_HCALL", ...; "DRV_ERR_?" for a value outside
 * the enum (never NULL).
 */
static inline const char *drv_result_name(enum drv_result r)
{
	switch (r) {
	case DRV_OK: return "DRV_OK";
	case DRV_ERR_PARAM: return "DRV_ERR_PARAM";
	case DRV_ERR_HCALL: return "DRV_ERR_HCALL";
	case DRV_ERR_CLOSED: return "DRV_ERR_CLOSED";
	case DRV_ERR_DROPPED: return "DRV_ERR_DROPPED";
	case DRV_ERR_BUSY: return "DRV_ERR_BUSY";
	case DRV_ERR_STATE: return "DRV_ERR_STATE";
	case DRV_ERR_NO_SLOT: return "DRV_ERR_NO_SLOT";
	case DRV_ERR_FIRMWARE: return "DRV_ERR_FIRMWARE";
	}
	return "DRV_ERR_?";
}

#endif /* VMCFW_DRV_RESULT_H */
