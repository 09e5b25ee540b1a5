/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exceptions.h - interrupt frame, vector installation, handlers. */
#ifndef VMCFW_EXCEPTIONS_H
#define VMCFW_EXCEPTIONS_H

#include <stdbool.h>
#include <stdint.h>

/* Layout shared with boot/vectors.S (offsets in EF_*). */
struct exc_frame {
	uint64_t gpr[32];
	uint64_t nip, msr, lr, ctr, xer, cr, dar, dsisr, trap, pad;
};

#define VEC_COMMON		0x1000	/* the vectors' common code (boot/vectors.S) */
#define VECTOR_HANDLER_SLOT	0x1FF0	/* code address of exception_handler */
#define VECTOR_TOC_SLOT		0x1FF8	/* its TOC */

typedef void (*irq_handler_fn)(void);

/** exceptions_install - copy vectors to 0x100 (only after the last OF call). */
void exceptions_install(void);

/** exceptions_set_external - the 0x500 handler (XICS dispatch). */
void exceptions_set_external(irq_handler_fn fn);

/**
 * exception_expect_program_check - arm a one-shot recovery: the next
 * program check (a deliberate trap) is counted and skipped instead of fatal.
 */
void exception_expect_program_check(void);

/**
 * exceptions_register_fwnmi - ibm,nmi-register with the installed 0x100 and
 * 0x200 vectors (after exceptions_install()); logs the outcome.
 */
void exceptions_register_fwnmi(void);

/** exceptions_fwnmi - Return: true when FWNMI delivery is registered. */
bool exceptions_fwnmi(void);

extern volatile uint64_t exc_program_checks_recovered;
extern volatile uint64_t exc_system_resets;
extern volatile uint64_t exc_external;

/* mtmsrd with L=1 changes only MSR[EE] and MSR[RI]. */
static inline void irq_enable(void)
{
	__asm__ volatile("mtmsrd %0,1" :: "r"(0x8002UL) : "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("mtmsrd %0,1" :: "r"(0x0002UL) : "memory");
}

#endif
