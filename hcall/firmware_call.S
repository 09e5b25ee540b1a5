/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * firmware_call.S - call 32-bit big-endian firmware (Open Firmware client
 * interface, RTAS) from our 64-bit image and come back.
 *
 * long firmware_call(void *args, uint64_t entry, uint64_t base, uint64_t msr_clear_only)
 *   r3 = argument block (below 4 GiB), r4 = entry point,
 *   r5 = value for r4 at entry (RTAS wants its base there; OF ignores it),
 *   r6 = 0: enter with our MSR minus SF and LE (OF);
 *        else: enter with exactly MSR = r6 (RTAS: ME|RI, 32-bit, BE, EE=0).
 * Firmware may clobber the high halves of registers it saves, so every
 * non-volatile register is saved here and restored after the return.
 */
#include "lib/asm.h"

#define FRAME		384
#define SAVE_GPR(n)	std n, (112 + 8 * (n - 13))(r1)
#define REST_GPR(n)	ld n, (112 + 8 * (n - 13))(r1)
#define OFF_R2		272
#define OFF_CR		280
#define OFF_MSR		288

FUNC(firmware_call)
	mflr	r0
	std	r0, 16(r1)
	stdu	r1, -FRAME(r1)
	std	r2, OFF_R2(r1)
	SAVE_GPR(r13); SAVE_GPR(r14); SAVE_GPR(r15); SAVE_GPR(r16)
	SAVE_GPR(r17); SAVE_GPR(r18); SAVE_GPR(r19); SAVE_GPR(r20)
	SAVE_GPR(r21); SAVE_GPR(r22); SAVE_GPR(r23); SAVE_GPR(r24)
	SAVE_GPR(r25); SAVE_GPR(r26); SAVE_GPR(r27); SAVE_GPR(r28)
	SAVE_GPR(r29); SAVE_GPR(r30); SAVE_GPR(r31)
	mfcr	r0
	std	r0, OFF_CR(r1)
	mfmsr	r11
	std	r11, OFF_MSR(r1)

	cmpdi	r6, 0
	bne	1f
	li	r12, 1
	sldi	r12, r12, 63
	ori	r12, r12, 1		/* SF | LE */
	andc	r11, r11, r12
	b	2f
1:	mr	r11, r6
2:	mtsrr0	r4
	mtsrr1	r11
	mr	r4, r5
	bcl	20, 31, 3f
3:	mflr	r10
	addi	r10, r10, 4f - 3b
	mtlr	r10
	rfid
4:	FIXUP_ENDIAN
	rldicl	r1, r1, 0, 32		/* 32-bit firmware may leave junk above */
	ld	r11, OFF_MSR(r1)
	mtmsrd	r11
	isync
	ld	r2, OFF_R2(r1)
	REST_GPR(r13); REST_GPR(r14); REST_GPR(r15); REST_GPR(r16)
	REST_GPR(r17); REST_GPR(r18); REST_GPR(r19); REST_GPR(r20)
	REST_GPR(r21); REST_GPR(r22); REST_GPR(r23); REST_GPR(r24)
	REST_GPR(r25); REST_GPR(r26); REST_GPR(r27); REST_GPR(r28)
	REST_GPR(r29); REST_GPR(r30); REST_GPR(r31)
	ld	r0, OFF_CR(r1)
	mtcr	r0
	extsw	r3, r3			/* 32-bit result, sign-extended */
	addi	r1, r1, FRAME
	ld	r0, 16(r1)
	mtlr	r0
	blr
FUNC_END(firmware_call)
