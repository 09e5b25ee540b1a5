// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exceptions.c - install the vector block at real address 0x100 and
 * dispatch interrupts: external (0x500) to XICS, decrementer (0x900), a
 * deliberate program check (smoke test) recovered; anything else is fatal.
 */
#include <string.h>

#include "boot/exceptions.h"
#include "boot/symbols.h"
#include "console/console.h"
#include "drivers/timebase.h"
#include "hcall/hcall.h"
#include "lib/log.h"

extern char vectors_block[], vectors_block_end[];
extern char exception_stack_top[];

volatile uint64_t exc_program_checks_recovered;
volatile uint64_t exc_external;
static volatile bool expect_program_check;
static irq_handler_fn external_handler;

void exception_handler(struct exc_frame *f);

void exceptions_set_external(irq_handler_fn fn)
{
	external_handler = fn;
}

void exception_expect_program_check(void)
{
	expect_program_check = true;
}

/* Launder a fixed real address so the compiler treats it as plain memory. */
static void *real_ptr(uintptr_t addr)
{
	void *p = (void *)addr;

	__asm__("" : "+r"(p));
	return p;
}

static void flush_icache_range(uintptr_t start, uintptr_t end)
{
	for (uintptr_t a = start & ~31UL; a < end; a += 32)
		__asm__ volatile("dcbst 0,%0" :: "r"(a) : "memory");
	__asm__ volatile("sync" ::: "memory");
	for (uintptr_t a = start & ~31UL; a < end; a += 32)
		__asm__ volatile("icbi 0,%0" :: "r"(a) : "memory");
	__asm__ volatile("sync; isync" ::: "memory");
}

void exceptions_install(void)
{
	uint64_t code, toc;
	uint64_t *slots = real_ptr(VECTOR_HANDLER_SLOT);

	__asm__ volatile("mr %0,2" : "=r"(toc));
#if defined(_CALL_ELF) && _CALL_ELF == 2
	code = (uint64_t)(uintptr_t)exception_handler;
#else
	code = ((uint64_t *)(uintptr_t)exception_handler)[0];	/* ELFv1 descriptor */
	toc = ((uint64_t *)(uintptr_t)exception_handler)[1];
#endif
	memcpy(real_ptr(0x100), vectors_block + 0x100, 0x2000 - 0x100);
	slots[0] = code;
	slots[1] = toc;
	flush_icache_range(0x100, 0x2000);
	__asm__ volatile("mtsprg0 %0" :: "r"((uint64_t)(uintptr_t)exception_stack_top));
}

static const char *trap_name(uint64_t trap)
{
	switch (trap) {
	case 0x100: return "system reset";
	case 0x200: return "machine check";
	case 0x300: return "data storage";
	case 0x380: return "data segment";
	case 0x400: return "instruction storage";
	case 0x480: return "instruction segment";
	case 0x500: return "external";
	case 0x600: return "alignment";
	case 0x700: return "program";
	case 0x800: return "FP unavailable";
	case 0x900: return "decrementer";
	case 0xC00: return "system call";
	case 0xD00: return "trace";
	case 0xF00: return "performance monitor";
	case 0xF20: return "VMX unavailable";
	case 0xF40: return "VSX unavailable";
	case 0xF60: return "facility unavailable";
	default: return "unknown";
	}
}

static void dump_frame(const struct exc_frame *f)
{
	uint64_t off = 0;
	const char *sym = sym_lookup(f->nip, &off);

	con_printf("\n*** unexpected exception 0x%03llx (%s)\n", (unsigned long long)f->trap,
		   trap_name(f->trap));
	con_printf("NIP %016llx %s+0x%llx\n", (unsigned long long)f->nip, sym ? sym : "?",
		   (unsigned long long)off);
	con_printf("MSR %016llx  LR %016llx  CTR %016llx\n", (unsigned long long)f->msr,
		   (unsigned long long)f->lr, (unsigned long long)f->ctr);
	con_printf("DAR %016llx  DSISR %08llx  CR %08llx  XER %016llx\n",
		   (unsigned long long)f->dar, (unsigned long long)f->dsisr,
		   (unsigned long long)f->cr, (unsigned long long)f->xer);
	sym = sym_lookup(f->lr, &off);
	con_printf("LR is %s+0x%llx\n", sym ? sym : "?", (unsigned long long)off);
	for (int i = 0; i < 32; i += 4)
		con_printf("r%-2d %016llx %016llx %016llx %016llx\n", i,
			   (unsigned long long)f->gpr[i], (unsigned long long)f->gpr[i + 1],
			   (unsigned long long)f->gpr[i + 2], (unsigned long long)f->gpr[i + 3]);
}

void exception_handler(struct exc_frame *f)
{
	switch (f->trap) {
	case 0x500:
		exc_external++;
		if (external_handler)
			external_handler();
		return;
	case 0x900:
		dec_interrupt();
		return;
	case 0x700:
		if (expect_program_check) {
			expect_program_check = false;
			exc_program_checks_recovered++;
			f->nip += 4;	/* skip the trap instruction */
			return;
		}
		break;
	default:
		break;
	}
	dump_frame(f);
	fatal("unexpected exception 0x%llx at %llx", (unsigned long long)f->trap,
	      (unsigned long long)f->nip);
}
