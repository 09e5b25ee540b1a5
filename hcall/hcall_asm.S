/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hcall_asm.S - the only place in vmcfw that executes `sc 1`.
 *
 * PAPR hcall ABI: r3 = opcode in / status out, r4..r12 = arguments in and
 * results out. Everything volatile in the ELF ABI may be clobbered, which
 * is what a C call clobbers anyway. The result pointer is kept in the red
 * zone below r1: interrupts run on their own stack, so it survives.
 *
 * CR: PAPR lets the hypervisor change CR fields that the ELF ABI says a
 * call preserves (cr2-cr4), so CR is saved in the caller's CR save word
 * (8(r1), which the ABI gives a callee for this) and restored whole.
 */
#include "lib/asm.h"

/* long hcall_norets(unsigned long op, a1 .. a7) */
FUNC(hcall_norets)
	mfcr	r0
	stw	r0, 8(r1)
	sc	1
	lwz	r0, 8(r1)
	mtcrf	0xff, r0
	blr
FUNC_END(hcall_norets)

/* long hcall_ret4(unsigned long op, uint64_t ret[4], a1 .. a6) */
FUNC(hcall_ret4)
	mfcr	r0
	stw	r0, 8(r1)
	std	r4, -8(r1)
	mr	r4, r5
	mr	r5, r6
	mr	r6, r7
	mr	r7, r8
	mr	r8, r9
	mr	r9, r10
	sc	1
	lwz	r0, 8(r1)
	mtcrf	0xff, r0
	ld	r12, -8(r1)
	std	r4, 0(r12)
	std	r5, 8(r12)
	std	r6, 16(r12)
	std	r7, 24(r12)
	blr
FUNC_END(hcall_ret4)
