/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * asm.h - assembler helpers shared by boot/ and hcall/: register names,
 * function entry for both ELF ABIs, and the endian trampoline.
 */
#ifndef VMCFW_ASM_H
#define VMCFW_ASM_H

#define r0 0
#define r1 1
#define r2 2
#define r3 3
#define r4 4
#define r5 5
#define r6 6
#define r7 7
#define r8 8
#define r9 9
#define r10 10
#define r11 11
#define r12 12
#define r13 13
#define r14 14
#define r15 15
#define r16 16
#define r17 17
#define r18 18
#define r19 19
#define r20 20
#define r21 21
#define r22 22
#define r23 23
#define r24 24
#define r25 25
#define r26 26
#define r27 27
#define r28 28
#define r29 29
#define r30 30
#define r31 31

#define SPRN_SRR0	26
#define SPRN_SRR1	27
#define SPRN_DAR	19
#define SPRN_DSISR	18
#define SPRN_SPRG0	272
#define SPRN_SPRG1	273
#define SPRN_DEC	22

/*
 * FUNC(name): a global function callable from C. ELFv1 (BE) callers go
 * through a function descriptor in .opd; ELFv2 (LE) calls the code.
 */
#if defined(_CALL_ELF) && _CALL_ELF == 2
#define FUNC(name)				\
	.text;					\
	.globl name;				\
	.type name,@function;			\
	.balign 4;				\
name:
#define FUNC_END(name) .size name, . - name
#else
#define FUNC(name)				\
	.section ".opd","aw";			\
	.balign 8;				\
	.globl name;				\
name:						\
	.quad .L.name, .TOC.@tocbase, 0;	\
	.previous;				\
	.text;					\
	.type name,@function;			\
	.balign 4;				\
.L.name:
#define FUNC_END(name) .size name, . - .L.name
#endif

/*
 * FIXUP_ENDIAN: run in either endianness, leave the CPU in the image's.
 * Firmware (OF, RTAS) always returns big-endian; an LE image puts this
 * after every such return. Read as big-endian, the first word is a branch
 * over the next one into a byte-swapped sequence that flips MSR[LE] with
 * rfid and lands after the block. Clobbers r10, r11, SRR0/1.
 */
#ifdef __LITTLE_ENDIAN__
#define FIXUP_ENDIAN						\
	tdi 0,0,0x48;						\
	b 191f;							\
	.long 0xa600607d; /* mfmsr r11 */			\
	.long 0x01006b69; /* xori r11,r11,1 */			\
	.long 0x00004039; /* li r10,0 */			\
	.long 0x6401417d; /* mtmsrd r10,1 */			\
	.long 0x05009f42; /* bcl 20,31,$+4 */			\
	.long 0xa602487d; /* mflr r10 */			\
	.long 0x14004a39; /* addi r10,r10,20 */			\
	.long 0xa6035a7d; /* mtsrr0 r10 */			\
	.long 0xa6037b7d; /* mtsrr1 r11 */			\
	.long 0x2400004c; /* rfid */				\
191:
#else
#define FIXUP_ENDIAN
#endif

#endif /* VMCFW_ASM_H */
