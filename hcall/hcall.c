// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hcall.c - the image's implementation of the hcall seam: each h_*()
 * issues one hypervisor call through the asm stubs and accounts for it.
 * (Host tests link hv/sim/ instead of this file.)
 */
#include "hcall/hcall.h"
#include "hcall/hcall_raw.h"

#define ACCOUNT(op, rc) hcall_stats_account(op, rc)

static long norets(unsigned long op, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		   uint64_t a5)
{
	long rc = hcall_norets(op, a1, a2, a3, a4, a5);

	ACCOUNT(op, rc);
	return rc;
}

long h_put_tce(uint64_t liobn, uint64_t ioba, uint64_t tce)
{
	return norets(H_PUT_TCE, liobn, ioba, tce, 0, 0);
}

long h_put_term_char(uint64_t termno, uint64_t len, uint64_t hi, uint64_t lo)
{
	return norets(H_PUT_TERM_CHAR, termno, len, hi, lo, 0);
}

long h_get_term_char(uint64_t termno, uint64_t *len, uint64_t *hi, uint64_t *lo)
{
	uint64_t r[4] = { 0 };
	long rc = hcall_ret4(H_GET_TERM_CHAR, r, termno);

	ACCOUNT(H_GET_TERM_CHAR, rc);
	*len = r[0];
	*hi = r[1];
	*lo = r[2];
	return rc;
}

long h_reg_crq(uint64_t unit, uint64_t ioba, uint64_t len)
{
	return norets(H_REG_CRQ, unit, ioba, len, 0, 0);
}

long h_free_crq(uint64_t unit)
{
	return norets(H_FREE_CRQ, unit, 0, 0, 0, 0);
}

long h_send_crq(uint64_t unit, uint64_t hi, uint64_t lo)
{
	return norets(H_SEND_CRQ, unit, hi, lo, 0, 0);
}

long h_enable_crq(uint64_t unit)
{
	return norets(H_ENABLE_CRQ, unit, 0, 0, 0, 0);
}

long h_vio_signal(uint64_t unit, uint64_t mode)
{
	return norets(H_VIO_SIGNAL, unit, mode, 0, 0, 0);
}

long h_copy_rdma(uint64_t len, uint64_t src_liobn, uint64_t src_ioba,
		 uint64_t dst_liobn, uint64_t dst_ioba)
{
	return norets(H_COPY_RDMA, len, src_liobn, src_ioba, dst_liobn, dst_ioba);
}

long h_request_vmc(uint64_t *drc_index)
{
	uint64_t r[4] = { 0 };
	long rc = hcall_ret4(H_REQUEST_VMC, r);

	ACCOUNT(H_REQUEST_VMC, rc);
	*drc_index = r[0];
	return rc;
}

long h_watchdog(uint64_t flags, uint64_t number, uint64_t timeout_ms, uint64_t *out)
{
	uint64_t r[4] = { 0 };
	long rc = hcall_ret4(H_WATCHDOG, r, flags, number, timeout_ms);

	ACCOUNT(H_WATCHDOG, rc);
	*out = r[0];
	return rc;
}

long h_raw(unsigned long opcode, const uint64_t args[6], uint64_t ret[4])
{
	long rc = hcall_ret4(opcode, ret, args[0], args[1], args[2], args[3], args[4], args[5]);

	ACCOUNT(opcode, rc);
	return rc;
}

long h_cppr(uint64_t cppr)
{
	return norets(H_CPPR, cppr, 0, 0, 0, 0);
}

long h_xirr(uint64_t cppr, uint64_t *xirr)
{
	uint64_t r[4] = { 0 };
	long rc = hcall_ret4(H_XIRR, r, cppr);

	ACCOUNT(H_XIRR, rc);
	*xirr = r[0];
	return rc;
}

long h_eoi(uint64_t xirr)
{
	return norets(H_EOI, xirr, 0, 0, 0, 0);
}

long h_ipi(uint64_t server, uint64_t mfrr)
{
	return norets(H_IPI, server, mfrr, 0, 0, 0);
}

long h_cede(void)
{
	return norets(H_CEDE, 0, 0, 0, 0, 0);
}

long h_set_mode(uint64_t mflags, uint64_t resource, uint64_t v1, uint64_t v2)
{
	return norets(H_SET_MODE, mflags, resource, v1, v2, 0);
}

long h_rtas(uint64_t block)
{
	return norets(KVMPPC_H_RTAS, block, 0, 0, 0, 0);
}

long h_int_reset(uint64_t flags)
{
	return norets(H_INT_RESET, flags, 0, 0, 0, 0);
}

long h_int_get_source_info(uint64_t flags, uint64_t lisn, uint64_t out[4])
{
	long rc = hcall_ret4(H_INT_GET_SOURCE_INFO, out, flags, lisn);

	ACCOUNT(H_INT_GET_SOURCE_INFO, rc);
	return rc;
}

long h_int_set_source_config(uint64_t flags, uint64_t lisn, uint64_t target, uint64_t prio,
			     uint64_t eisn)
{
	return norets(H_INT_SET_SOURCE_CONFIG, flags, lisn, target, prio, eisn);
}

long h_int_set_queue_config(uint64_t flags, uint64_t target, uint64_t prio, uint64_t qpage,
			    uint64_t qshift)
{
	return norets(H_INT_SET_QUEUE_CONFIG, flags, target, prio, qpage, qshift);
}

long h_int_esb(uint64_t flags, uint64_t lisn, uint64_t offset, uint64_t data, uint64_t *out)
{
	uint64_t r[4] = { 0 };
	long rc = hcall_ret4(H_INT_ESB, r, flags, lisn, offset, data);

	ACCOUNT(H_INT_ESB, rc);
	*out = r[0];
	return rc;
}
