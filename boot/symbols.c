// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * symbols.c - the image carries a sorted table of its function symbols in
 * section .vmcfw_syms (generated after a first link by scripts/gen-symtab.py
 * and placed after all code, so it cannot move any function). Layout:
 *   u32 count; count x { u32 offset from _image_start; u32 name offset };
 *   then NUL-terminated names, name offsets relative to the table start.
 * 32-bit words (the image is far below 4 GiB) keep the table small.
 */
#include <stddef.h>

#include "boot/symbols.h"

extern const uint32_t vmcfw_syms[];
extern char _image_start[], _image_end[];

const char *sym_lookup(uint64_t addr, uint64_t *off)
{
	uint64_t base = (uint64_t)(uintptr_t)_image_start;
	uint64_t n = vmcfw_syms[0], lo = 0, hi, rel;
	const uint32_t *e = vmcfw_syms + 1;

	if (addr < base || addr >= (uint64_t)(uintptr_t)_image_end || n == 0)
		return NULL;
	rel = addr - base;
	if (rel < e[0])
		return NULL;
	hi = n;
	while (hi - lo > 1) {	/* last entry with offset <= rel */
		uint64_t mid = (lo + hi) / 2;

		if (e[2 * mid] <= rel)
			lo = mid;
		else
			hi = mid;
	}
	*off = rel - e[2 * lo];
	return (const char *)vmcfw_syms + e[2 * lo + 1];
}
