// SPDX-License-Identifier: GPL-2.0-or-later
/* idle.c - cede with a decrementer wake-up so that no wait is unbounded. */
#include "drivers/idle.h"
#include "drivers/timebase.h"
#include "hcall/hcall.h"
#include "lib/time.h"

uint64_t idle_cedes;

void idle_wait_us(uint64_t us)
{
	uint64_t ticks = us_to_tb(us), msr;

	if (ticks > 0x7FFFFFF0u)
		ticks = 0x7FFFFFF0u;
	if (ticks == 0)
		ticks = 1;
	/* Arm only if that brings the next expiry closer. */
	if (dec_read() > ticks || (int32_t)dec_read() < 0)
		dec_write((uint32_t)ticks);
	__asm__ volatile("mfmsr %0" : "=r"(msr));
	idle_cedes++;
	h_cede();	/* returns with MSR[EE]=1 after the interrupt was taken */
	if (!(msr & 0x8000))	/* put EE back the way the caller had it */
		__asm__ volatile("mtmsrd %0,1" :: "r"(0x0002UL) : "memory");	/* EE=0, RI=1 */
}
