/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_input.h - read a fuzzer's input as big-endian integers; past the
 * end every read gives 0, so a short input is still a whole script.
 */
#ifndef VMCFW_FUZZ_INPUT_H
#define VMCFW_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct input {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t u8(struct input *in)
{
	uint8_t v;

	if (!in->n)
		return 0;
	v = *in->p++;
	in->n--;
	return v;
}

static inline uint16_t u16(struct input *in)
{
	return (uint16_t)(u8(in) << 8 | u8(in));
}

static inline uint32_t u32(struct input *in)
{
	return (uint32_t)u16(in) << 16 | u16(in);
}

static inline uint64_t u64(struct input *in)
{
	return (uint64_t)u32(in) << 32 | u32(in);
}

#endif
