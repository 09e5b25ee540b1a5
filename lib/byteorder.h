/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * byteorder.h - the project's one set of big-endian helpers.
 *
 * Two kinds of users:
 *   - firmware interfaces (OF client interface, RTAS) exchange arrays of
 *     32-bit cells that are big-endian in memory: be32_swap() converts a
 *     cell between CPU order and big-endian (the same operation both ways);
 *   - wire formats (CRQ entries, VMC messages, HMC frames) are byte arrays
 *     with big-endian fields: load_be*() / store_be*() use shifts only, so
 *     they work whatever the CPU's byte order and at any alignment.
 *
 * Header only, C99, no other include: the hv/ engine compiles this file
 * inside QEMU too, so no name here may clash with QEMU's bswap.h
 * (cpu_to_be32, ldl_be_p, ...).
 */
#ifndef VMCFW_BYTEORDER_H
#define VMCFW_BYTEORDER_H

#include <stdint.h>

/**
 * be32_swap - convert a 32-bit cell between CPU order and big-endian.
 * @v: the value in either order
 *
 * Return: @v byte-swapped on a little-endian CPU, unchanged on a big-endian
 * one.
 */
static inline uint32_t be32_swap(uint32_t v)
{
/* GCC on x86 lacks __LITTLE_ENDIAN__ */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return __builtin_bswap32(v);
#else
    return v;
#endif
}

/**
 * load_be16 - read a big-endian 16-bit field.
 * @p: first byte of the field (any alignment)
 *
 * Return: the field's value.
 */
static inline uint16_t load_be16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

/**
 * load_be32 - read a big-endian 32-bit field.
 * @p: first byte of the field (any alignment)
 *
 * Return: the field's value.
 */
static inline uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/**
 * load_be64 - read a big-endian 64-bit field.
 * @p: first byte of the field (any alignment)
 *
 * Return: the field's value.
 */
static inline uint64_t load_be64(const uint8_t *p)
{
    return (uint64_t)load_be32(p) << 32 | load_be32(p + 4);
}

/**
 * store_be16 - write a 16-bit value as a big-endian field.
 * @p: first byte of the field (any alignment)
 * @v: the value
 */
static inline void store_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/**
 * store_be32 - write a 32-bit value as a big-endian field.
 * @p: first byte of the field (any alignment)
 * @v: the value
 */
static inline void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/**
 * store_be64 - write a 64-bit value as a big-endian field.
 * @p: first byte of the field (any alignment)
 * @v: the value
 */
static inline void store_be64(uint8_t *p, uint64_t v)
{
    store_be32(p, (uint32_t)(v >> 32));
    store_be32(p + 4, (uint32_t)v);
}

#endif /* VMCFW_BYTEORDER_H */
