/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * head.S - the first instructions of the image.
 *
 * Firmware jumps to the first byte of the lowest PT_LOAD (SLOF and VOF
 * ignore e_entry), in real mode, possibly 32-bit (MSR[SF]=0) and always
 * big-endian except SLOF's disk boot of an ELFv2 file. From here: fix the
 * endianness, go 64-bit, find where we were loaded, clear the BSS, apply
 * our relative relocations (packed, DT_RELR), switch to our own stack, call C.
 */
#include "lib/asm.h"

	.section .head.text,"ax"	/* not .text.*, which -ffunction-sections uses */
	.globl _start
_start:
	FIXUP_ENDIAN
	mr	r14, r1			/* firmware stack, for the boot log */
	mr	r15, r3			/* initrd / FDT */
	mr	r16, r4
	mr	r17, r5			/* OF client-interface entry */
	mfmsr	r21

	/* 64-bit mode; RI set (ME is hypervisor-controlled in an LPAR). */
	li	r0, 1
	sldi	r0, r0, 63
	ori	r0, r0, 0x0002
	or	r0, r21, r0
	mtmsrd	r0
	isync

	/* r31 = run-time address of _start. */
	bcl	20, 31, 1f
1:	mflr	r31
	addi	r31, r31, _start - 1b

	/* r2 = run-time TOC; r30 = load delta (run-time TOC minus the
	 * link-time TOC that the linker leaves, unrelocated, in .got[0]). */
	ld	r2, (p_toc - _start)(r31)
	add	r2, r2, r31
	ld	r30, -32768(r2)
	subf	r30, r30, r2

	/* Clear the BSS (the stack lives there, so before using it). */
	ld	r3, (p_bss_start - _start)(r31)
	add	r3, r3, r31
	ld	r4, (p_bss_end - _start)(r31)
	add	r4, r4, r31
	subf	r4, r3, r4
	srdi.	r4, r4, 3
	beq	3f
	mtctr	r4
	addi	r3, r3, -8
	li	r0, 0
2:	stdu	r0, 8(r3)
	bdnz	2b
3:
	/* Relocate: the linker packs the R_PPC64_RELATIVE relocations as
	 * DT_RELR (-z pack-relative-relocs: 8 bytes per run of up to 64 words
	 * instead of 24 per word), each word's link-time value kept in place.
	 * An even entry is the link-time address of a word to relocate, and
	 * the next word becomes the base; an odd entry is a bitmap: bit i
	 * (1..63) relocates the word at base + 8 * (i - 1), then the base
	 * moves on 63 words. Relocating a word adds the load delta to it.
	 * The build refuses images with any other dynamic relocation. */
	cmpdi	r30, 0
	beq	6f
	ld	r3, (p_relr_start - _start)(r31)
	add	r3, r3, r31
	ld	r4, (p_relr_end - _start)(r31)
	add	r4, r4, r31
4:	cmpld	r3, r4
	bge	6f
	ld	r5, 0(r3)
	addi	r3, r3, 8
	andi.	r0, r5, 1
	bne	5f
	add	r6, r5, r30		/* address entry: run-time address */
	ld	r7, 0(r6)
	add	r7, r7, r30
	std	r7, 0(r6)
	addi	r8, r6, 8		/* r8 = base for the bitmaps after it */
	b	4b
5:	mr	r9, r8			/* bitmap entry */
	srdi	r5, r5, 1
8:	cmpdi	r5, 0
	beq	10f
	andi.	r0, r5, 1
	beq	9f
	ld	r7, 0(r9)
	add	r7, r7, r30
	std	r7, 0(r9)
9:	srdi	r5, r5, 1
	addi	r9, r9, 8
	b	8b
10:	addi	r8, r8, 63 * 8
	b	4b
6:
	/* Our own stack, with a zero back chain. */
	ld	r1, (p_stack - _start)(r31)
	add	r1, r1, r31
	li	r0, 0
	stdu	r0, -128(r1)

	/* boot_main(start, fw_r1, fw_r3, fw_r4, of_entry, fw_msr, delta) */
	mr	r3, r31
	mr	r4, r14
	mr	r5, r15
	mr	r6, r16
	mr	r7, r17
	mr	r8, r21
	mr	r9, r30
	bl	boot_main
	nop
7:	b	7b			/* boot_main does not return */

	.balign 8
p_toc:		.8byte .TOC. - _start
p_bss_start:	.8byte __bss_start - _start
p_bss_end:	.8byte __bss_end - _start
p_relr_start:	.8byte __relr_start - _start
p_relr_end:	.8byte __relr_end - _start
p_stack:	.8byte boot_stack_top - _start

#if !defined(_CALL_ELF) || _CALL_ELF != 2
/* ELFv1: SLOF's disk boot and PowerVM read e_entry as a descriptor. */
	.section ".opd","aw"
	.balign 8
	.globl _start_opd
_start_opd:
	.quad _start, .TOC.@tocbase, 0
#endif

	.section .bss.stack,"aw",@nobits
	.balign 16
	.globl boot_stack
boot_stack:
	.space 65536
	.globl boot_stack_top
boot_stack_top:
	.globl exception_stack
exception_stack:
	.space 32768
	.globl exception_stack_top
exception_stack_top:
