// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtas.c - RTAS calling convention: a big-endian argument block below
 * 4 GiB (token, nargs, nret, args, rets), r3 = block, r4 = RTAS base, entered
 * 32-bit, big-endian, EE off. Tokens come from the device-tree snapshot.
 */
#include <stdarg.h>
#include <string.h>

#include "hcall/firmware.h"
#include "hcall/hcall.h"
#include "hcall/rtas.h"
#include "lib/byteorder.h"
#include "lib/dt.h"
#include "lib/time.h"

#define RTAS_MAX_ARGS	FIRMWARE_MAX_CELLS
#define RTAS_MSR	0x1002ULL	/* ME | RI, 32-bit, big-endian */
#define RTAS_BUDGET_US	2000000

static struct firmware_block rtas_block;

static uint64_t rtas_base, rtas_entry;
uint64_t rtas_calls, rtas_errors;


void rtas_set_entry(uint64_t base, uint64_t entry)
{
	rtas_base = base;
	rtas_entry = entry;
}

static int rtas_call_once(uint32_t token, int nargs, int nret, const uint32_t *args,
			  uint32_t *rets)
{
	rtas_block.service = be32_swap(token);
	rtas_block.nargs = be32_swap(nargs);
	rtas_block.nret = be32_swap(nret);
	for (int i = 0; i < nargs; i++)
		rtas_block.cells[i] = be32_swap(args[i]);
	for (int i = 0; i < nret; i++)
		rtas_block.cells[nargs + i] = 0;
	firmware_call(&rtas_block, rtas_entry, rtas_base, RTAS_MSR);
	rtas_calls++;
	for (int i = 1; i < nret; i++)
		if (rets)
			rets[i - 1] = be32_swap(rtas_block.cells[nargs + i]);
	return (int32_t)be32_swap(rtas_block.cells[nargs]);
}

int rtas_call(const char *service, int nargs, int nret, uint32_t *rets, ...)
{
	uint32_t args[RTAS_MAX_ARGS];
	int32_t token = dt_rtas_token(service);
	struct deadline end;
	va_list ap;
	int st;

	if (!rtas_entry)
		return RTAS_NOT_READY;
	if (token < 0)
		return RTAS_NO_TOKEN;
	if (nargs < 0 || nret < 1 || nargs + nret > RTAS_MAX_ARGS)
		return RTAS_PARAM_ERROR;
	va_start(ap, rets);
	for (int i = 0; i < nargs; i++)
		args[i] = va_arg(ap, uint32_t);
	va_end(ap);

	end = deadline_in_us(RTAS_BUDGET_US);
	for (;;) {
		st = rtas_call_once((uint32_t)token, nargs, nret, args, rets);
		if (st == RTAS_BUSY && !deadline_passed(end))
			continue;
		if (st >= 9900 && st <= 9905 && !deadline_passed(end)) {
			uint64_t us = 1000;

			for (int i = 9900; i < st && us < RTAS_BUDGET_US; i++)
				us *= 10;
			udelay(us);
			continue;
		}
		break;
	}
	if (st == RTAS_BUSY || (st >= 9900 && st <= 9905))
		st = RTAS_TIMEOUT;
	if (st != RTAS_OK)
		rtas_errors++;
	return st;
}

int rtas_nmi_register(uint64_t sreset, uint64_t mcheck)
{
	if (sreset >= 32ULL << 20 || mcheck >= 32ULL << 20)
		return RTAS_PARAM_ERROR;
	return rtas_call("ibm,nmi-register", 2, 1, NULL, (uint32_t)sreset, (uint32_t)mcheck);
}

/*
 * The partition must end even when firmware could not instantiate RTAS
 * (e.g. no room for it in the RMA). QEMU's and KVM's RTAS blob is one
 * KVMPPC_H_RTAS hcall on the same argument block, so try that with the
 * token from the device tree; other hypervisors answer H_FUNCTION.
 */
static void rtas_without_blob(const char *service, int nargs, uint32_t a0, uint32_t a1)
{
	int32_t token = dt_rtas_token(service);
	long rc;

	if (rtas_entry || token < 0)
		return;
	rtas_block.service = be32_swap((uint32_t)token);
	rtas_block.nargs = be32_swap(nargs);
	rtas_block.nret = be32_swap(1);
	rtas_block.cells[0] = be32_swap(a0);
	rtas_block.cells[1] = be32_swap(a1);
	rc = h_rtas((uint64_t)(uintptr_t)&rtas_block);
	(void)rc;	/* only returns when it did not end the partition */
}

void rtas_power_off(void)
{
	rtas_call("power-off", 2, 1, NULL, 0xFFFFFFFFu, 0xFFFFFFFFu);
	rtas_without_blob("power-off", 2, 0xFFFFFFFFu, 0xFFFFFFFFu);
	for (;;)
		;	/* power-off does not return; nothing else is safe here */
}

void rtas_os_term(const char *msg)
{
	static char buf[128];

	/* The message must be below 4 GiB and stable: copy it into our BSS. */
	strncpy(buf, msg, sizeof(buf) - 1);
	rtas_call("ibm,os-term", 1, 1, NULL, (uint32_t)(uintptr_t)buf);
	rtas_without_blob("ibm,os-term", 1, (uint32_t)(uintptr_t)buf, 0);
	/* Without ibm,os-term (or if it returns), fall back to power-off. */
	rtas_power_off();
}
