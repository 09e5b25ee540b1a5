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
#include "boot/exceptions.h"
#include "boot/of.h"
#include "boot/selftest.h"
#include "console/console.h"
#include "console/monitor.h"
#include "console/vmc_app.h"
#include "drivers/hvterm.h"
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

/* Interrupts must arrive in our endianness: LPCR[ILE] via H_SET_MODE. */
static void set_interrupt_endianness(void)
{
#ifdef __LITTLE_ENDIAN__
	struct deadline end = deadline_in_us(2000000);
	long rc;

	do {
		rc = h_set_mode(1, H_SET_MODE_RESOURCE_LE, 0, 0);
		if (hcall_is_long_busy(rc))
			udelay(hcall_long_busy_us(rc));
	} while (hcall_is_busy(rc) && !deadline_passed(end));
	if (rc != H_SUCCESS)
		fatal("H_SET_MODE(LE) failed: %s (%ld)", hcall_rc_name(rc), rc);
#endif
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
	if (of != OF_OK)
		fatal("device tree: %s", of_result_name(of));

	set_interrupt_endianness();
	exceptions_install();
	exceptions_set_external(intc_external_interrupt);
	bootargs_parse(dt.bootargs);
	if (boot_config.loglevel >= 0)
		log_level = boot_config.loglevel;
	print_snapshot();
	boot_ready_tb = tb_now();
	pr_info("boot", "platform ready in %llu us",
		(unsigned long long)tb_to_us(boot_ready_tb - boot_entry_tb));

	if (boot_config.crash)
		boot_crash();
	if (boot_config.hvfuzz)
		hvfuzz_run(boot_config.hvfuzz, boot_config.seed);
	if (boot_config.bench_crq)
		bench_crq(boot_config.bench_crq, boot_config.service == SERVICE_IRQ);
	if (boot_config.mode == MODE_SMOKE)
		smoke_run(platform_checks, platform_checks_count,
			  boot_config.fail_check[0] ? boot_config.fail_check : NULL);
	if (vmc_app_device() && boot_start_vmc(boot_config.mode == MODE_ECHO) != 0)
		pr_err("boot", "the VMC adapter could not be started; the monitor runs without it");
	monitor_run();
}
