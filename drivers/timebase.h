/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * timebase.h - decrementer control (the timebase itself is in lib/time.h).
 *
 * The decrementer is 32 bits unless the platform runs it large (LPCR[LD],
 * shown to the guest as ibm,dec-bits in the cpu node, QEMU's
 * cap-large-decr): then it is dec-bits wide and reads sign-extended to 64.
 */
#ifndef VMCFW_TIMEBASE_H
#define VMCFW_TIMEBASE_H

#include <stdbool.h>
#include <stdint.h>

#define DEC_DISARMED 0x7FFFFFFFu

extern volatile uint64_t dec_interrupts;

/** dec_set_bits - the decrementer width from ibm,dec-bits (0 or <= 32: 32 bits). */
void dec_set_bits(uint32_t bits);

/** dec_bits - the width in use. Return: 32..64. */
unsigned int dec_bits(void);

/** dec_reset - load the largest positive value: no stale firmware deadline fires. */
void dec_reset(void);

/** dec_read64 - the decrementer as a signed count. Return: ticks (< 0: expired). */
int64_t dec_read64(void);

/**
 * dec_read - the decrementer clamped to the 32-bit signed range, for
 * callers that compare against 32-bit tick counts.
 * Return: the value as a 32-bit word (negative values stay negative).
 */
uint32_t dec_read(void);
void dec_write(uint32_t v);
/** dec_arm - fire after @ticks timebase ticks, again every @ticks if @periodic. */
void dec_arm(uint32_t ticks, bool periodic);
void dec_disarm(void);
/** dec_interrupt - the 0x900 handler: count and reload. */
void dec_interrupt(void);

#endif
