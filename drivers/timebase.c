// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timebase.c - the image's timebase hook and the decrementer.
 *
 * The decrementer interrupt (0x900) is level-like: the handler must write
 * DEC before returning, or it is taken again at once.
 */
#include "drivers/timebase.h"
#include "lib/time.h"

volatile uint64_t dec_interrupts;
static uint32_t dec_period;	/* 0 = one-shot / disarmed */
static unsigned int dec_width = 32;

uint64_t tb_now(void)
{
	uint64_t tb;

	__asm__ volatile("mftb %0" : "=r"(tb));
	return tb;
}

void tb_relax(void)
{
	__asm__ volatile("or 1,1,1; or 2,2,2" ::: "memory");	/* SMT priority low, then medium */
}

void dec_set_bits(uint32_t bits)
{
	dec_width = bits > 32 && bits <= 64 ? bits : 32;
}

unsigned int dec_bits(void)
{
	return dec_width;
}

void dec_reset(void)
{
	uint64_t max = (1ULL << (dec_width - 1)) - 1;

	__asm__ volatile("mtdec %0" :: "r"(max));
}

int64_t dec_read64(void)
{
	uint64_t v;
	unsigned int sh = 64 - dec_width;

	__asm__ volatile("mfdec %0" : "=r"(v));
	/* 32-bit mode reads zero-extended; sign-extend from the real width. */
	return sh ? (int64_t)(v << sh) >> sh : (int64_t)v;
}

uint32_t dec_read(void)
{
	int64_t v = dec_read64();

	if (v > INT32_MAX)
		v = INT32_MAX;
	else if (v < INT32_MIN)
		v = INT32_MIN;
	return (uint32_t)(int32_t)v;
}

void dec_write(uint32_t v)
{
	__asm__ volatile("mtdec %0" :: "r"((uint64_t)v));
}

void dec_arm(uint32_t ticks, bool periodic)
{
	dec_period = periodic ? ticks : 0;
	dec_write(ticks);
}

void dec_disarm(void)
{
	dec_period = 0;
	dec_write(DEC_DISARMED);
}

void dec_interrupt(void)
{
	dec_interrupts++;
	dec_write(dec_period ? dec_period : DEC_DISARMED);
}
