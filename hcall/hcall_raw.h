/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hcall_raw.h - the `sc 1` stubs (image only; see hcall_asm.S). */
#ifndef VMCFW_HCALL_RAW_H
#define VMCFW_HCALL_RAW_H

#include <stdint.h>

long hcall_norets(unsigned long op, ...);
long hcall_ret4(unsigned long op, uint64_t ret[4], ...);

#endif
