/* SPDX-License-Identifier: GPL-2.0-or-later */
/* timebase.h - decrementer control (the timebase itself is in lib/time.h). */
#ifndef VMCFW_TIMEBASE_H
#define VMCFW_TIMEBASE_H

#include <stdbool.h>
#include <stdint.h>

#define DEC_DISARMED 0x7FFFFFFFu

extern volatile uint64_t dec_interrupts;

uint32_t dec_read(void);
void dec_write(uint32_t v);
/** dec_arm - fire after @ticks timebase ticks, again every @ticks if @periodic. */
void dec_arm(uint32_t ticks, bool periodic);
void dec_disarm(void);
/** dec_interrupt - the 0x900 handler: count and reload. */
void dec_interrupt(void);

#endif
