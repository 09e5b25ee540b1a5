// SPDX-License-Identifier: GPL-2.0-or-later
/* time.c - portable part of the timebase API. */
#include "lib/time.h"

uint64_t tb_freq = 512000000;	/* replaced from the device tree at boot */
uint64_t tb_boot;

void udelay(uint64_t us)
{
	struct deadline d = deadline_in_us(us);

	while (!deadline_passed(d))
		tb_relax();
}
