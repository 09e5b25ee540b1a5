/* SPDX-License-Identifier: GPL-2.0-or-later */
/* of.h - the Open Firmware client interface, used only during boot. */
#ifndef VMCFW_OF_H
#define VMCFW_OF_H

#include <stdint.h>

/* Why the walk could not produce a usable snapshot. */
enum of_result {
	OF_OK = 0,
	OF_ERR_NO_ENTRY,	/* no client-interface entry point */
	OF_ERR_NO_VTY,		/* no /vdevice vty node */
	OF_ERR_BAD_VTY,		/* vty node without a sane reg */
	OF_ERR_NO_TIMEBASE,	/* no cpu timebase-frequency */
	OF_ERR_NO_MEMORY,	/* no /memory reg */
	OF_ERR_NO_RTAS,		/* /rtas missing or not instantiable */
};

const char *of_result_name(enum of_result r);

/**
 * of_walk - snapshot the device tree into `dt` and instantiate RTAS.
 * @entry: client-interface entry (r5 at image entry)
 * The boot argument dt-fault=NAME[,NAME] simulates a broken tree (no-vty,
 * vty-reg, no-timebase, no-rtas) so the error paths can be tested.
 * After this returns, Open Firmware is never called again.
 */
enum of_result of_walk(uint64_t entry);

/**
 * of_call_cells - one client-interface call for code outside of.c that
 * must run while Open Firmware is alive (CAS, from of_walk()).
 * @args: @nargs host-order cells; @rets: receives the nret-1 cells after
 * the first (may be NULL).
 * Return: the first result cell, or -1 when OF is gone or the call failed.
 */
int32_t of_call_cells(const char *service, int nargs, int nret, const uint32_t *args,
		      uint32_t *rets);

extern unsigned int of_calls;

#endif
