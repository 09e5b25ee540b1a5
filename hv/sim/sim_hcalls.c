// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim_hcalls.c - the hcall seam (hcall/hcall.h) on the host: each h_*()
 * checks its fault hook, does what PAPR says (or asks the HV engine),
 * accounts the call and lets the engine do deferred work.
 */
#include <string.h>

#include "hcall/hcall.h"
#include "hv/sim/sim_internal.h"
#include "lib/crq_format.h"

static long sim_done(unsigned long op, long rc)
{
	hcall_stats_account(op, rc);
	sim_after_call();
	return rc;
}

#define SIM_FAULT_POINT(op)						\
	do {								\
		long frc_;						\
		if (sim_fault_fire((op), &frc_)) {			\
			hcall_stats_account((op), frc_);		\
			return frc_;					\
		}							\
	} while (0)

_Static_assert(SIM_MAX_WINDOWS <= HVENV_MAX_WINDOWS, "every sim window needs a model slot");

/* The model (hvenv.c) answers with the HV_H_* values the hcall seam shares. */
_Static_assert(HV_H_PARAMETER == H_PARAMETER && HV_H_PERMISSION == H_PERMISSION &&
	       HV_H_RESOURCE == H_RESOURCE && HV_H_CLOSED == H_CLOSED, "rc values differ");

long h_put_tce(uint64_t liobn, uint64_t ioba, uint64_t tce)
{
	SIM_FAULT_POINT(H_PUT_TCE);
	return sim_done(H_PUT_TCE, hvenv_put_tce(&sim.env, liobn, ioba, tce));
}

long h_reg_crq(uint64_t unit, uint64_t ioba, uint64_t len)
{
	long rc;

	SIM_FAULT_POINT(H_REG_CRQ);
	rc = hvenv_reg_crq(&sim.env, unit, ioba, len);
	if (rc != H_SUCCESS)
		return sim_done(H_REG_CRQ, rc);
	sim.suspended = false;
	if (sim.hv) {
		sim.depth++;
		vmc_hv_mp_registered(sim.hv, (uint32_t)(len / 16));
		sim.depth--;
	}
	return sim_done(H_REG_CRQ, sim.cfg.reg_rc);
}

long h_free_crq(uint64_t unit)
{
	bool was = hvenv_crq_registered(&sim.env);
	long rc;

	SIM_FAULT_POINT(H_FREE_CRQ);
	rc = hvenv_free_crq(&sim.env, unit);
	if (rc == H_SUCCESS && was && sim.hv) {
		sim.depth++;
		vmc_hv_mp_freed(sim.hv);
		sim.depth--;
	}
	return sim_done(H_FREE_CRQ, rc);
}

long h_send_crq(uint64_t unit, uint64_t hi, uint64_t lo)
{
	long rc;

	SIM_FAULT_POINT(H_SEND_CRQ);
	rc = hvenv_unit_check(&sim.env, unit);
	if (rc != H_SUCCESS)
		return sim_done(H_SEND_CRQ, rc);
	/* Engine mode: the engine applies the header and closed rules itself. */
	if (sim.hv) {
		if (sim.suspended && hvenv_crq_accept(&sim.env, hi) == H_SUCCESS)
			return sim_done(H_SEND_CRQ, H_CLOSED);
		sim.depth++;
		rc = vmc_hv_receive(sim.hv, hi, lo);
		sim.depth--;
		return sim_done(H_SEND_CRQ, rc);
	}
	rc = hvenv_crq_accept(&sim.env, hi);
	if (rc == H_SUCCESS && sim.suspended)
		rc = H_CLOSED;
	if (rc != H_SUCCESS)
		return sim_done(H_SEND_CRQ, rc);
	if (sim.raw_log_n < SIM_RAW_LOG_MAX) {
		sim.raw_log[sim.raw_log_n][0] = hi;
		sim.raw_log[sim.raw_log_n][1] = lo;
		sim.raw_log_n++;
	}
	if (sim.raw_fn) {
		sim.depth++;
		sim.raw_fn(sim.raw_ctx, hi, lo);
		sim.depth--;
	}
	return sim_done(H_SEND_CRQ, H_SUCCESS);
}

long h_enable_crq(uint64_t unit)
{
	long rc;

	SIM_FAULT_POINT(H_ENABLE_CRQ);
	rc = hvenv_enable_crq(&sim.env, unit);
	if (rc == H_SUCCESS) {
		sim.suspended = false;
		if (sim.hv)
			vmc_hv_mp_enabled(sim.hv);
	}
	return sim_done(H_ENABLE_CRQ, rc);
}

long h_vio_signal(uint64_t unit, uint64_t mode)
{
	SIM_FAULT_POINT(H_VIO_SIGNAL);
	return sim_done(H_VIO_SIGNAL, hvenv_vio_signal(&sim.env, unit, mode));
}

/* Raw mode's pane 1: a flat byte array, no ownership rules. */
static uint8_t *sim_raw_pane1(uint64_t ioba, uint64_t len)
{
	if (ioba + len < ioba || ioba + len > sim.cfg.raw_remote_size)
		return NULL;
	return sim.raw_remote + ioba;
}

static long sim_raw_copy(uint64_t len, uint64_t sl, uint64_t sa, uint64_t dl, uint64_t da)
{
	uint8_t tmp[16384];
	uint8_t *rp;
	long rc;

	if (len > sizeof(tmp))
		return H_PARAMETER;
	if (sl == sim.cfg.liobn) {
		rc = hvenv_dma_read(&sim.env, sl, sa, tmp, len);
		if (rc)
			return rc == H_PERMISSION ? rc : H_SOURCE_PARM;
	} else if (sl == sim.cfg.riobn && (rp = sim_raw_pane1(sa, len))) {
		memcpy(tmp, rp, len);
	} else {
		return H_SOURCE_PARM;
	}
	if (dl == sim.cfg.liobn) {
		rc = hvenv_dma_write(&sim.env, dl, da, tmp, len);
		if (rc)
			return rc == H_PERMISSION ? rc : H_DEST_PARM;
	} else if (dl == sim.cfg.riobn && (rp = sim_raw_pane1(da, len))) {
		memcpy(rp, tmp, len);
	} else {
		return H_DEST_PARM;
	}
	return H_SUCCESS;
}

long h_copy_rdma(uint64_t len, uint64_t src_liobn, uint64_t src_ioba, uint64_t dst_liobn,
		 uint64_t dst_ioba)
{
	long rc;

	SIM_FAULT_POINT(H_COPY_RDMA);
	sim.depth++;
	if (sim.hv)
		rc = vmc_hv_copy_rdma(sim.hv, len, src_liobn, src_ioba, dst_liobn, dst_ioba);
	else
		rc = sim_raw_copy(len, src_liobn, src_ioba, dst_liobn, dst_ioba);
	sim.depth--;
	return sim_done(H_COPY_RDMA, rc);
}

long h_request_vmc(uint64_t *drc_index)
{
	long rc;

	SIM_FAULT_POINT(H_REQUEST_VMC);
	if (sim.hv) {
		sim.depth++;
		rc = vmc_hv_request_vmc(sim.hv, drc_index);
		sim.depth--;
	} else {
		*drc_index = sim.cfg.raw_drc_index;
		rc = H_SUCCESS;
	}
	return sim_done(H_REQUEST_VMC, rc);
}

/* The rest of the seam: enough for code that links them on the host. */
long h_put_term_char(uint64_t termno, uint64_t len, uint64_t hi, uint64_t lo)
{
	SIM_FAULT_POINT(H_PUT_TERM_CHAR);
	return sim_done(H_PUT_TERM_CHAR, len > 16 ? H_PARAMETER : H_SUCCESS);
}

long h_get_term_char(uint64_t termno, uint64_t *len, uint64_t *hi, uint64_t *lo)
{
	SIM_FAULT_POINT(H_GET_TERM_CHAR);
	*len = 0;
	*hi = *lo = 0;
	return sim_done(H_GET_TERM_CHAR, H_SUCCESS);
}

long h_cppr(uint64_t cppr)
{
	SIM_FAULT_POINT(H_CPPR);
	return sim_done(H_CPPR, H_SUCCESS);
}

long h_xirr(uint64_t cppr, uint64_t *xirr)
{
	SIM_FAULT_POINT(H_XIRR);
	*xirr = 0;
	return sim_done(H_XIRR, H_SUCCESS);
}

long h_eoi(uint64_t xirr)
{
	SIM_FAULT_POINT(H_EOI);
	return sim_done(H_EOI, H_SUCCESS);
}

long h_ipi(uint64_t server, uint64_t mfrr)
{
	SIM_FAULT_POINT(H_IPI);
	return sim_done(H_IPI, H_SUCCESS);
}

long h_cede(void)
{
	SIM_FAULT_POINT(H_CEDE);
	sim_advance_us(100);
	return sim_done(H_CEDE, H_SUCCESS);
}

long h_set_mode(uint64_t mflags, uint64_t resource, uint64_t v1, uint64_t v2)
{
	SIM_FAULT_POINT(H_SET_MODE);
	return sim_done(H_SET_MODE, H_SUCCESS);
}
