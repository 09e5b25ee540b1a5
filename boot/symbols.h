/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symbols.h - address to function name, for register dumps. */
#ifndef VMCFW_SYMBOLS_H
#define VMCFW_SYMBOLS_H

#include <stdint.h>

/**
 * sym_lookup - the function containing run-time address @addr.
 * Returns its name and sets *@off, or NULL if @addr is outside the image.
 */
const char *sym_lookup(uint64_t addr, uint64_t *off);

#endif
