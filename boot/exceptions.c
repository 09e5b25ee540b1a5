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
#include "drivers/xive.h"
#include "hcall/hcall.h"
#include "hcall/rtas.h"
#include "lib/dt.h"
#include "lib/log.h"

extern const uint32_t vector_stub[4];
extern const char vec_common[], vec_common_end[];
extern char exception_stack_top[];

volatile uint64_t exc_program_checks_recovered;
volatile uint64_t exc_external;
volatile uint64_t exc_system_resets;
static bool fwnmi;	/* ibm,nmi-register accepted our vectors */
static volatile bool expect_program_check;
static irq_handler_fn external_handler;

void exception_handler(struct exc_frame *f);
static void dump_frame(const struct exc_frame *f);

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

/* Every vector the block has; the 0xE00/0xF00 rows are 0x20 apart. */
static const uint16_t vector_offsets[] = {
	0x100, 0x200, 0x300, 0x380, 0x400, 0x480, 0x500, 0x600, 0x700, 0x800, 0x900, 0x980,
	0xA00, 0xB00, 0xC00, 0xD00, 0xE00, 0xE20, 0xE40, 0xE60, 0xE80, 0xEA0,
	0xF00, 0xF20, 0xF40, 0xF60,
};

#define PPC_LI_R0(imm)		(0x38000000u | (uint16_t)(imm))	/* addi r0,0,imm */
#define PPC_B(from, to)		(0x48000000u | ((uint32_t)((to) - (from)) & 0x03FFFFFCu))

/*
 * Lay out 0x100..0x2000 from the pieces of boot/vectors.S: zeros (as the
 * assembled block had between its vectors), each vector's six instructions,
 * the common code at VEC_COMMON. The instructions are written as words of
 * the image's own byte order, the order the CPU fetches them in (LE: ILE).
 */
static void build_vectors(void)
{
	size_t common = (size_t)(vec_common_end - vec_common);

	if (VEC_COMMON + common > VECTOR_HANDLER_SLOT)
		fatal("exception common code of %zu bytes overlaps the handler slots", common);
	memset(real_ptr(0x100), 0, 0x2000 - 0x100);
	for (size_t i = 0; i < sizeof(vector_offsets) / sizeof(vector_offsets[0]); i++) {
		uint32_t *v = real_ptr(vector_offsets[i]);

		memcpy(v, vector_stub, sizeof(vector_stub));
		v[4] = PPC_LI_R0(vector_offsets[i]);
		v[5] = PPC_B(vector_offsets[i] + 20u, VEC_COMMON);
	}
	memcpy(real_ptr(VEC_COMMON), vec_common, common);
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
	build_vectors();
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

void exceptions_register_fwnmi(void)
{
	/* The vectors installed at 0x100 and 0x200 serve both ways: FWNMI
	 * only adds a save area (r3) and the RTAS error log. */
	int st = rtas_nmi_register(0x100, 0x200);

	fwnmi = st == RTAS_OK;
	if (fwnmi)
		pr_info("exc", "FWNMI registered: system reset -> 0x100, machine check -> 0x200");
	else
		pr_warn("exc", "FWNMI not registered (ibm,nmi-register status %d): system reset and "
			"machine check arrive at the architected vectors", st);
}

bool exceptions_fwnmi(void)
{
	return fwnmi;
}

/* FWNMI passes r3 = a save area (or error log) inside RTAS: check before use. */
static const uint64_t *fwnmi_area(const struct exc_frame *f)
{
	uint64_t p = f->gpr[3];

	if (!fwnmi || p < dt.rtas_base || p + 16 > dt.rtas_base + dt.rtas_size || (p & 7))
		return NULL;
	return (const uint64_t *)(uintptr_t)p;
}

static uint64_t be64_load(const uint64_t *p)
{
	const uint8_t *b = (const uint8_t *)p;
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static void report_where(const char *what, const struct exc_frame *f, bool via_fwnmi)
{
	uint64_t off = 0, loff = 0;
	const char *sym = sym_lookup(f->nip, &off);
	const char *lsym = sym_lookup(f->lr, &loff);

	pr_err("exc", "%s%s at 0x%llx %s+0x%llx (LR %s+0x%llx), SRR1 0x%llx, %s", what,
	       via_fwnmi ? " (FWNMI)" : "", (unsigned long long)f->nip, sym ? sym : "?",
	       (unsigned long long)off, lsym ? lsym : "?", (unsigned long long)loff,
	       (unsigned long long)f->msr, (f->msr & 0x2) ? "recoverable" : "not recoverable");
}

/* System reset (an NMI: QEMU's `nmi`, an HMC "restart dump"): say where we
 * were; resume when SRR1[RI] says the state is intact. */
static void system_reset(struct exc_frame *f)
{
	const uint64_t *save = fwnmi_area(f);

	exc_system_resets++;
	if (save)
		f->gpr[3] = be64_load(save);	/* FWNMI moved the real r3 there */
	report_where("system reset", f, save != NULL);
	if (!(f->msr & 0x2)) {
		dump_frame(f);
		fatal("system reset taken where the state cannot be resumed");
	}
	pr_err("exc", "system reset #%llu handled: resuming",
	       (unsigned long long)exc_system_resets);
}

static const char *const mce_severity[] = {
	"no error", "event", "warning", "error sync", "error", "fatal", "already reported", "?",
};
static const char *const mce_disposition[] = {
	"fully recovered", "limited recovery", "not recovered", "?",
};

/* Machine check: decode the RTAS error log FWNMI hands over, then stop. */
static void machine_check(struct exc_frame *f)
{
	const uint64_t *save = fwnmi_area(f);

	if (save) {
		const uint8_t *log = (const uint8_t *)&save[1];

		f->gpr[3] = be64_load(save);
		report_where("machine check", f, true);
		pr_err("exc", "RTAS error log: version %u, severity %s, disposition %s, "
		       "initiator %u, target %u, type 0x%02x", log[0], mce_severity[log[1] >> 5],
		       mce_disposition[(log[1] >> 3) & 3], log[2] >> 4, log[2] & 0xF, log[3]);
	} else {
		report_where("machine check", f, false);
		pr_err("exc", "no RTAS error log (FWNMI %s); DAR 0x%llx DSISR 0x%llx",
		       fwnmi ? "registered, r3 outside RTAS" : "not registered",
		       (unsigned long long)f->dar, (unsigned long long)f->dsisr);
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
	/* A storage fault or machine check on the XIVE TIMA probe: skip the
	 * access, let xive_init() report that XIVE cannot be used here. */
	if (xive_probing && (f->trap == 0x200 || f->trap == 0x300 || f->trap == 0x380)) {
		xive_probe_trap = (uint32_t)f->trap;
		f->nip += 4;
		return;
	}
	switch (f->trap) {
	case 0x500:
		exc_external++;
		if (external_handler)
			external_handler();
		return;
	case 0x900:
		dec_interrupt();
		return;
	case 0x100:
		system_reset(f);
		return;
	case 0x200:
		machine_check(f);
		break;
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
