/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rtas.h - Run-Time Abstraction Services: calls into the RTAS blob that
 * boot instantiated, in 32-bit big-endian real mode.
 */
#ifndef VMCFW_RTAS_H
#define VMCFW_RTAS_H

#include <stdint.h>

#define RTAS_OK			0
#define RTAS_HW_ERROR		(-1)
#define RTAS_BUSY		(-2)
#define RTAS_PARAM_ERROR	(-3)
#define RTAS_NO_TOKEN		(-100)	/* ours: service absent from /rtas */
#define RTAS_NOT_READY		(-101)	/* ours: RTAS was not instantiated */
#define RTAS_TIMEOUT		(-102)	/* ours: still busy after the budget */

/**
 * rtas_call - call RTAS service @service with @nargs arguments.
 * @service: the service name, looked up in /rtas
 * @nargs: number of input cells that follow @rets
 * @nret: number of output cells, the status included (at least 1)
 * @rets: receives nret-1 outputs after the status (may be NULL when nret<=1)
 *
 * Busy (-2) and extended-delay (9900..9905) statuses are retried within a
 * bounded budget.
 *
 * Return: the RTAS status word (RTAS_OK, negative on failure), or one of
 * our negative codes above (RTAS_NO_TOKEN, RTAS_NOT_READY, RTAS_TIMEOUT,
 * RTAS_PARAM_ERROR for bad counts). Never a hypervisor rc.
 */
int rtas_call(const char *service, int nargs, int nret, uint32_t *rets, ...);

/** rtas_set_entry - record where RTAS lives (from boot). */
void rtas_set_entry(uint64_t base, uint64_t entry);

/** rtas_power_off - end the partition successfully (QEMU exits 0). */
void rtas_power_off(void) __attribute__((noreturn));

/** rtas_os_term - end the partition with failure, @msg shown by the host. */
void rtas_os_term(const char *msg) __attribute__((noreturn));

/**
 * rtas_nmi_register - ibm,nmi-register: have the platform deliver system
 * resets and machine checks (FWNMI) to these real addresses (below 32 MiB).
 * Return: the RTAS status (0: registered) or one of our negative codes.
 */
int rtas_nmi_register(uint64_t sreset, uint64_t mcheck);

extern uint64_t rtas_calls, rtas_errors;

#endif
