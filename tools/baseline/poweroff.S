/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * poweroff.S - the start-up baseline of `make bench`: an image that ends the
 * partition at its first instruction. Booting it measures what QEMU and the
 * firmware (SLOF or VOF) cost before any image code runs, so the bench can
 * say how much of vmcfw's "QEMU start to session open" is vmcfw's own.
 *
 * It asks QEMU's RTAS for power-off through the KVMPPC_H_RTAS hypercall
 * (0xf000), the call QEMU's own RTAS blob makes, with QEMU's fixed token for
 * power-off (0x2003, also in the device tree's /rtas/power-off). That is
 * QEMU-only by design: the baseline exists for the QEMU benchmark alone.
 * Not part of the image; built by tools/bench_startup.py.
 */
#include "lib/asm.h"

	.section .text.head,"ax"
	.globl _start
_start:
	FIXUP_ENDIAN			/* firmware enters big-endian */
	bcl	20, 31, 1f
1:	mflr	r4
	addi	r4, r4, rtas_args - 1b
	li	r3, 0
	ori	r3, r3, 0xf000		/* KVMPPC_H_RTAS */
	sc	1
2:	b	2b			/* only reached if QEMU refused */

	.balign	4
/* RTAS argument block, big-endian words whatever the image's endianness:
 * token, nargs, nret, two arguments (-1: no delay), one return word. */
rtas_args:
	.byte	0x00, 0x00, 0x20, 0x03
	.byte	0x00, 0x00, 0x00, 0x02
	.byte	0x00, 0x00, 0x00, 0x01
	.byte	0xff, 0xff, 0xff, 0xff
	.byte	0xff, 0xff, 0xff, 0xff
	.byte	0x00, 0x00, 0x00, 0x00
