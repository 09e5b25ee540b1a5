// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - the bring-up sequence, in the order the platform demands:
 * console on vty 0, device-tree walk and RTAS (the last Open Firmware
 * calls), endianness of interrupts, vectors, boot arguments, then the
 * selected mode.
 */
#include <stdio.h>
#include <string.h>

#include "boot/bootargs.h"
#include "boot/cas.h"
#include "boot/exceptions.h"
#include "boot/of.h"
#include "boot/selftest.h"
#include "console/console.h"
#include "console/monitor.h"
#include "console/vmc_app.h"
#include "drivers/hvterm.h"
#include "drivers/timebase.h"
#include "drivers/watchdog.h"
#include "drivers/xics.h"
#include "hcall/hcall.h"
#include "lib/dt.h"
#include "lib/log.h"
#include "lib/time.h"
#include "lib/version.h"

#ifdef __LITTLE_ENDIAN__
#define ENDIAN_NAME "LE"
#else
#define ENDIAN_NAME "BE"
#endif

extern char _image_start[], _image_end[];
uint64_t boot_entry_tb, boot_ready_tb;

/*
 * Interrupts must arrive in our endianness: LPCR[ILE] via H_SET_MODE. The
 * hypervisor may answer long-busy while it updates every thread; PAPR
 * wants the call repeated after the hinted time until it completes, so
 * wait it out, bounded by a deadline that is logged when waiting starts.
 */
#define SET_MODE_DEADLINE_S 60
static void set_interrupt_endianness(void)
{
#ifdef __LITTLE_ENDIAN__
	struct deadline end = deadline_in_us(SET_MODE_DEADLINE_S * 1000000ULL);
	unsigned int waits = 0;
	long rc;

	for (;;) {
		uint64_t us;

		rc = h_set_mode(1, H_SET_MODE_RESOURCE_LE, 0, 0);
		if (!hcall_is_busy(rc) || deadline_passed(end))
			break;
		us = hcall_is_long_busy(rc) ? hcall_long_busy_us(rc) : 100;
		if (us > deadline_left_us(end))
			us = deadline_left_us(end);
		if (waits++ == 0)
			pr_info("boot", "H_SET_MODE(LE): %s, waiting up to %d s", hcall_rc_name(rc),
				SET_MODE_DEADLINE_S);
		udelay(us);
	}
	if (hcall_is_busy(rc))
		fatal("H_SET_MODE(LE) still %s after %d s (%u retries)", hcall_rc_name(rc),
		      SET_MODE_DEADLINE_S, waits);
	if (rc != H_SUCCESS)
		fatal("H_SET_MODE(LE) failed: %s (%ld)", hcall_rc_name(rc), rc);
	if (waits)
		pr_info("boot", "H_SET_MODE(LE) done after %u retries", waits);
#endif
}

extern char boot_stack[], boot_stack_top[], exception_stack[], exception_stack_top[];

/*
 * Everything the image touches in real mode must lie in the real-mode area
 * (the first /memory reg range): outside it PowerVM and KVM fault real-mode
 * accesses, even where an emulator lets them through.
 */
static void check_rma(void)
{
	const struct { const char *what; uint64_t start, end; } r[] = {
		{ "exception vectors", 0x100, 0x2000 },
		{ "image (code, data, bss, buffers)", (uintptr_t)_image_start, (uintptr_t)_image_end },
		{ "boot stack", (uintptr_t)boot_stack, (uintptr_t)boot_stack_top },
		{ "exception stack", (uintptr_t)exception_stack, (uintptr_t)exception_stack_top },
		{ "RTAS", dt.rtas_base, dt.rtas_base + dt.rtas_size },
	};
	uint64_t rma_end = dt.mem_base + dt.mem_size, need = 0;

	if (dt.mem_base != 0)
		fatal("RMA: the first /memory range starts at 0x%llx, not 0: no real-mode area",
		      (unsigned long long)dt.mem_base);
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		if (r[i].end > need)
			need = r[i].end;
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		if (r[i].end > rma_end)
			fatal("RMA: %s at 0x%llx-0x%llx lies outside the real-mode area 0x0-0x%llx "
			      "(/memory@0): the partition needs an RMA of at least %llu MiB",
			      r[i].what, (unsigned long long)r[i].start, (unsigned long long)r[i].end,
			      (unsigned long long)rma_end, (unsigned long long)((need + (1 << 20) - 1) >> 20));
	pr_info("boot", "RMA 0x0-0x%llx (%llu MiB): image 0x%llx-0x%llx and RTAS 0x%llx-0x%llx inside "
		"(%llu MiB needed)", (unsigned long long)rma_end, (unsigned long long)(rma_end >> 20),
		(unsigned long long)(uintptr_t)_image_start, (unsigned long long)(uintptr_t)_image_end,
		(unsigned long long)dt.rtas_base, (unsigned long long)(dt.rtas_base + dt.rtas_size),
		(unsigned long long)((need + (1 << 20) - 1) >> 20));
}

static void print_banner(uint64_t start, uint64_t fw_r1, uint64_t of_entry, uint64_t msr,
			 uint64_t delta)
{
	con_printf("\nvmcfw %s (%s, %s) entered at 0x%llx (linked 0x%llx, size 0x%llx)\n",
		   VMCFW_VERSION, ENDIAN_NAME,
#if defined(_CALL_ELF) && _CALL_ELF == 2
		   "ELFv2",
#else
		   "ELFv1",
#endif
		   (unsigned long long)start, (unsigned long long)(start - delta),
		   (unsigned long long)(_image_end - _image_start));
	pr_info("boot", "firmware: MSR=0x%llx r1=0x%llx OF entry=0x%llx",
		(unsigned long long)msr, (unsigned long long)fw_r1, (unsigned long long)of_entry);
}

static void print_snapshot(void)
{
	pr_info("boot", "%s on '%s': %llu MiB RAM, %u cpu(s), timebase %llu Hz",
		dt.firmware, dt.model, (unsigned long long)(dt.mem_size >> 20), dt.cpu_count,
		(unsigned long long)dt.tb_freq);
	pr_info("boot", "RTAS %u bytes at 0x%llx (entry 0x%llx); %u OF calls",
		dt.rtas_size, (unsigned long long)dt.rtas_base,
		(unsigned long long)dt.rtas_entry, of_calls);
	for (unsigned int i = 0; i < dt.n_vdevs; i++) {
		const struct dt_vdev *v = &dt.vdev[i];

		pr_info("boot", "vdevice %s@%x type=%s compat=%s irq=0x%x windows=%u",
			v->name, v->reg, v->device_type, v->compatible, v->irq, v->n_windows);
	}
	pr_info("boot", "bootargs: '%s'%s", dt.bootargs, dt.bootargs_truncated ? " (truncated)" : "");
}

/* `crash`: an unexpected program check, to show (and test) the fatal path. */
__attribute__((noinline)) void boot_crash(void)
{
	pr_warn("boot", "crash requested by boot argument: executing a trap");
	__asm__ volatile("trap" ::: "memory");
}

/* Generous: a smoke run takes seconds, even under the sanitizer QEMU. */
#define SMOKE_WATCHDOG_S	120

/* watchdog=N, or the mode's default: armed in smoke mode, off otherwise. */
static void start_watchdog(void)
{
	int seconds = boot_config.watchdog;

	if (seconds < 0)
		seconds = boot_config.mode == MODE_SMOKE ? SMOKE_WATCHDOG_S : 0;
	if (seconds > 0)
		watchdog_arm((unsigned int)seconds);	/* a refusal is logged: run on */
}

/* `hang`: stop making progress, as a hung image would, to test the watchdog. */
static void __attribute__((noreturn)) boot_hang(void)
{
	con_printf("HANG: looping on purpose (boot argument hang); %s\n",
		   watchdog_armed() ? "the watchdog will end the partition" :
		   "no watchdog is armed: nothing will end it");
	for (;;)
		__asm__ volatile("" ::: "memory");
}

int boot_start_vmc(bool echo)
{
	struct vmc_app_config c = {
		.irq_mode = boot_config.service == SERVICE_IRQ,
		.echo = echo,
		.autoopen = !boot_config.noopen,
		.quiet = boot_config.quiet,
		.mtu = boot_config.mtu,
		.pool = (uint16_t)boot_config.pool,
		.hmcs = (uint8_t)boot_config.hmcs,
		.poll = { boot_config.poll_spin_us, boot_config.poll_cede_us, boot_config.poll_busy_us,
			  boot_config.poll_idle_us },
	};

	snprintf(c.hmc_id, sizeof(c.hmc_id), "%s", boot_config.hmc_id);
	return vmc_app_start(vmc_app_device(), &c);
}

void boot_main(uint64_t start, uint64_t fw_r1, uint64_t fw_r3, uint64_t fw_r4,
	       uint64_t of_entry, uint64_t msr, uint64_t delta)
{
	enum of_result of;
	const struct dt_vdev *vty;

	tb_boot = boot_entry_tb = tb_now();
	dec_reset();	/* whatever deadline firmware left armed must not fire on us */
	hvterm_set_unit(0);	/* "the lowest vty" until the tree says which */
	console_init();
	print_banner(start, fw_r1, of_entry, msr, delta);

	of = of_walk(of_entry);
	vty = dt_find_vdev("vty");
	if (vty && vty->has_reg)
		hvterm_set_unit(vty->reg);
	if (dt.tb_freq)
		tb_freq = dt.tb_freq;
	if (of == OF_ERR_NO_ENTRY)	/* no OF and so no RTAS: nothing to end the run with */
		fatal("no Open Firmware client interface (r5=0x%llx): boot through SLOF, VOF or "
		      "partition firmware", (unsigned long long)of_entry);
	/* Outside the RMA firmware may not even find room for RTAS: say that first. */
	if (cas.rma_size && (uintptr_t)_image_end > cas.rma_size)
		fatal("RMA: image at 0x%llx-0x%llx lies outside the real-mode area 0x0-0x%llx "
		      "(/memory@0): the partition needs an RMA of at least %llu MiB",
		      (unsigned long long)(uintptr_t)_image_start,
		      (unsigned long long)(uintptr_t)_image_end, (unsigned long long)cas.rma_size,
		      (unsigned long long)(((uintptr_t)_image_end + (1 << 20) - 1) >> 20));
	if (of != OF_OK)
		fatal("device tree: %s", of_result_name(of));
	dec_reset();	/* again, at the width ibm,dec-bits gave */
	check_rma();

	set_interrupt_endianness();
	exceptions_install();
	exceptions_register_fwnmi();
	exceptions_set_external(intc_external_interrupt);
	bootargs_parse(dt.bootargs);
	if (boot_config.loglevel >= 0)
		log_level = boot_config.loglevel;
	print_snapshot();
	boot_ready_tb = tb_now();
	pr_info("boot", "platform ready in %llu us",
		(unsigned long long)tb_to_us(boot_ready_tb - boot_entry_tb));

	start_watchdog();
	if (boot_config.hang)
		boot_hang();
	if (boot_config.crash)
		boot_crash();
	if (boot_config.hvfuzz)
		hvfuzz_run(boot_config.hvfuzz, boot_config.seed);
	if (boot_config.bench_crq)
		bench_crq(boot_config.bench_crq, boot_config.service == SERVICE_IRQ);
	if (boot_config.mode == MODE_SMOKE)
		smoke_run(platform_checks, platform_checks_count,
			  boot_config.fail_check[0] ? boot_config.fail_check : NULL);
	if (boot_config.mode == MODE_MIGRATE)
		migrate_run(boot_config.fail_check[0] ? boot_config.fail_check : NULL);
	if (vmc_app_device() && boot_start_vmc(boot_config.mode == MODE_ECHO) != 0)
		pr_err("boot", "the VMC adapter could not be started; the monitor runs without it");
	monitor_run(boot_config.script, boot_config.console_poll_us);
}
