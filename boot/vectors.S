/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vectors.S - the pieces of the exception vector block. exceptions_install()
 * builds the block at real address 0x100..0x2000 once Open Firmware is no
 * longer needed: every vector is the four instructions of vector_stub plus
 * `li r0, <vector>` and a relative branch to the common code, which is
 * copied to VEC_COMMON (0x1000). The image carries these pieces, not the
 * 8 KiB block with its zero fill (docs/platform.md §2.2). The common code
 * has no branch of its own but `bctrl` and `rfid`, so it runs wherever it is
 * copied; the C handler and its TOC are read from absolute slots that
 * exceptions_install() fills in.
 *
 * Each vector: save r1 in SPRG1, switch to the exception stack in SPRG0,
 * carve a frame, save r0, load the vector number, go to the common code.
 * Six instructions: the 0xE00/0xF00 rows leave room for eight.
 */
#include "lib/asm.h"

#define EF_GPR(n)	(8 * (n))
#define EF_NIP		256
#define EF_MSR		264
#define EF_LR		272
#define EF_CTR		280
#define EF_XER		288
#define EF_CR		296
#define EF_DAR		304
#define EF_DSISR	312
#define EF_TRAP		320
#define EF_SIZE		336
#define C_FRAME		128

	.section .vectors,"ax"
	.balign 4
	/* The first four instructions of every vector. */
	.globl vector_stub
vector_stub:
	mtspr	SPRN_SPRG1, r1
	mfspr	r1, SPRN_SPRG0
	addi	r1, r1, -EF_SIZE
	std	r0, EF_GPR(0)(r1)

	/* The common code, copied to VEC_COMMON: r0 = vector, r1 = frame. */
	.globl vec_common
vec_common:
	std	r0, EF_TRAP(r1)
	std	r2, EF_GPR(2)(r1)
	std	r3, EF_GPR(3)(r1)
	std	r4, EF_GPR(4)(r1)
	std	r5, EF_GPR(5)(r1)
	std	r6, EF_GPR(6)(r1)
	std	r7, EF_GPR(7)(r1)
	std	r8, EF_GPR(8)(r1)
	std	r9, EF_GPR(9)(r1)
	std	r10, EF_GPR(10)(r1)
	std	r11, EF_GPR(11)(r1)
	std	r12, EF_GPR(12)(r1)
	std	r13, EF_GPR(13)(r1)
	std	r14, EF_GPR(14)(r1)
	std	r15, EF_GPR(15)(r1)
	std	r16, EF_GPR(16)(r1)
	std	r17, EF_GPR(17)(r1)
	std	r18, EF_GPR(18)(r1)
	std	r19, EF_GPR(19)(r1)
	std	r20, EF_GPR(20)(r1)
	std	r21, EF_GPR(21)(r1)
	std	r22, EF_GPR(22)(r1)
	std	r23, EF_GPR(23)(r1)
	std	r24, EF_GPR(24)(r1)
	std	r25, EF_GPR(25)(r1)
	std	r26, EF_GPR(26)(r1)
	std	r27, EF_GPR(27)(r1)
	std	r28, EF_GPR(28)(r1)
	std	r29, EF_GPR(29)(r1)
	std	r30, EF_GPR(30)(r1)
	std	r31, EF_GPR(31)(r1)
	mfspr	r0, SPRN_SPRG1
	std	r0, EF_GPR(1)(r1)
	mfspr	r0, SPRN_SRR0
	std	r0, EF_NIP(r1)
	mfspr	r0, SPRN_SRR1
	std	r0, EF_MSR(r1)
	mflr	r0
	std	r0, EF_LR(r1)
	mfctr	r0
	std	r0, EF_CTR(r1)
	mfxer	r0
	std	r0, EF_XER(r1)
	mfcr	r0
	std	r0, EF_CR(r1)
	mfspr	r0, SPRN_DAR
	std	r0, EF_DAR(r1)
	mfspr	r0, SPRN_DSISR
	std	r0, EF_DSISR(r1)

	ld	r2, 0x1FF8(0)		/* absolute: RA=0 */
	ld	r12, 0x1FF0(0)
	mtctr	r12
	mr	r3, r1
	stdu	r1, -C_FRAME(r1)
	bctrl
	addi	r1, r1, C_FRAME

	ld	r0, EF_NIP(r1)
	mtspr	SPRN_SRR0, r0
	ld	r0, EF_MSR(r1)
	mtspr	SPRN_SRR1, r0
	ld	r0, EF_LR(r1)
	mtlr	r0
	ld	r0, EF_CTR(r1)
	mtctr	r0
	ld	r0, EF_XER(r1)
	mtxer	r0
	ld	r0, EF_CR(r1)
	mtcr	r0
	ld	r0, EF_GPR(0)(r1)
	ld	r2, EF_GPR(2)(r1)
	ld	r3, EF_GPR(3)(r1)
	ld	r4, EF_GPR(4)(r1)
	ld	r5, EF_GPR(5)(r1)
	ld	r6, EF_GPR(6)(r1)
	ld	r7, EF_GPR(7)(r1)
	ld	r8, EF_GPR(8)(r1)
	ld	r9, EF_GPR(9)(r1)
	ld	r10, EF_GPR(10)(r1)
	ld	r11, EF_GPR(11)(r1)
	ld	r12, EF_GPR(12)(r1)
	ld	r13, EF_GPR(13)(r1)
	ld	r14, EF_GPR(14)(r1)
	ld	r15, EF_GPR(15)(r1)
	ld	r16, EF_GPR(16)(r1)
	ld	r17, EF_GPR(17)(r1)
	ld	r18, EF_GPR(18)(r1)
	ld	r19, EF_GPR(19)(r1)
	ld	r20, EF_GPR(20)(r1)
	ld	r21, EF_GPR(21)(r1)
	ld	r22, EF_GPR(22)(r1)
	ld	r23, EF_GPR(23)(r1)
	ld	r24, EF_GPR(24)(r1)
	ld	r25, EF_GPR(25)(r1)
	ld	r26, EF_GPR(26)(r1)
	ld	r27, EF_GPR(27)(r1)
	ld	r28, EF_GPR(28)(r1)
	ld	r29, EF_GPR(29)(r1)
	ld	r30, EF_GPR(30)(r1)
	ld	r31, EF_GPR(31)(r1)
	ld	r1, EF_GPR(1)(r1)
	rfid
	.globl vec_common_end
vec_common_end:
