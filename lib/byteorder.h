/* SPDX-License-Identifier: GPL-2.0-or-later */
/* byteorder.h - big-endian cells for firmware interfaces (OF, RTAS). */
#ifndef VMCFW_BYTEORDER_H
#define VMCFW_BYTEORDER_H

#include <stdint.h>

/* Big-endian <-> CPU order; the same operation both ways. */
static inline uint32_t be32_swap(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__	/* GCC on x86 lacks __LITTLE_ENDIAN__ */
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

#define cpu_to_be32(v) be32_swap(v)
#define be32_to_cpu(v) be32_swap(v)

#endif
