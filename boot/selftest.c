// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * selftest.c - the platform checks of `smoke` mode: device-tree snapshot,
 * console, decrementer against the timebase, RTAS, an exception round trip.
 */
#include <stdio.h>
#include <string.h>

#include "boot/bootargs.h"
#include "boot/exceptions.h"
#include "boot/selftest.h"
#include "drivers/hvterm.h"
#include "drivers/idle.h"
#include "drivers/timebase.h"
#include "hcall/rtas.h"
#include "lib/dt.h"
#include "lib/time.h"

#define FAIL(...) (snprintf(why, len, __VA_ARGS__), SMOKE_FAIL)
#define PASS(...) (snprintf(why, len, __VA_ARGS__), SMOKE_PASS)

static enum smoke_verdict check_bootargs(char *why, unsigned int len)
{
	if (boot_config.unknown || boot_config.bad_values)
		return FAIL("%u unknown argument(s), %u bad value(s) in '%s'", boot_config.unknown,
			    boot_config.bad_values, dt.bootargs);
	return PASS("'%s'", dt.bootargs);
}

static enum smoke_verdict check_dt(char *why, unsigned int len)
{
	if (!dt.valid)
		return FAIL("device-tree walk did not finish");
	if (dt.errors)
		return FAIL("%u malformed properties", dt.errors);
	if (!dt.mem_size || dt.mem_size > (1ULL << 50))
		return FAIL("memory size %llu", (unsigned long long)dt.mem_size);
	if (dt.tb_freq < 1000000 || dt.tb_freq > 10000000000ULL)
		return FAIL("timebase-frequency %llu", (unsigned long long)dt.tb_freq);
	if (!dt.cpu_count)
		return FAIL("no cpu nodes");
	if (!dt_find_vdev("vty"))
		return FAIL("no vty");
	if (dt_rtas_token("power-off") < 0 || dt_rtas_token("ibm,os-term") < 0)
		return FAIL("RTAS tokens power-off/ibm,os-term missing");
	return PASS("%s, %llu MiB, %u cpu(s), tb %llu Hz, %u vdevices", dt.firmware,
		    (unsigned long long)(dt.mem_size >> 20), dt.cpu_count,
		    (unsigned long long)dt.tb_freq, dt.n_vdevs);
}

static enum smoke_verdict check_console(char *why, unsigned int len)
{
	static const char probe[] = "# console probe: 0123456789abcdefghijklmnopqrstuvwxyz\r\n";
	uint64_t before = hvterm_stats.errors;
	size_t n = hvterm_write(probe, sizeof(probe) - 1);

	if (n != sizeof(probe) - 1 || hvterm_stats.errors != before)
		return FAIL("wrote %zu of %zu bytes, last rc %ld", n, sizeof(probe) - 1,
			    hvterm_stats.last_error);
	if (hvterm_stats.dropped)
		return FAIL("%llu bytes dropped since boot", (unsigned long long)hvterm_stats.dropped);
	return PASS("vty 0x%llx, %llu bytes out", (unsigned long long)hvterm_unit(),
		    (unsigned long long)hvterm_stats.bytes_out);
}

static enum smoke_verdict check_decrementer(char *why, unsigned int len)
{
	/*
	 * The decrementer must count down at the timebase frequency. Each
	 * decrementer read is bracketed by two timebase reads: a hypervisor
	 * that deschedules us between a pair (a loaded host under TCG) widens
	 * the bracket instead of failing the check.
	 */
	uint64_t t0a, t0b, t1a, t1b, irqs = dec_interrupts;
	uint32_t d0, d1;
	int64_t dd, lo, hi;
	struct deadline end;

	dec_disarm();
	t0a = tb_now();
	d0 = dec_read();
	t0b = tb_now();
	udelay(20000);
	t1a = tb_now();
	d1 = dec_read();
	t1b = tb_now();
	dd = (int64_t)d0 - (int64_t)d1;
	lo = (int64_t)(t1a - t0b);	/* the least the timebase moved between the reads */
	hi = (int64_t)(t1b - t0a);	/* the most */
	if (lo <= 0 || dd <= 0 || dd * 10 < lo * 9 || dd * 10 > hi * 11)
		return FAIL("decrementer moved %lld ticks while the timebase moved %lld..%lld",
			    (long long)dd, (long long)lo, (long long)hi);
	/* ... and interrupt us when it expires (10 ms one-shot, cede until then). */
	dec_arm((uint32_t)(tb_freq / 100), false);
	end = deadline_in_us(1000000);
	while (dec_interrupts == irqs && !deadline_passed(end))
		idle_wait_us(20000);
	if (dec_interrupts == irqs)
		return FAIL("no decrementer interrupt within 1 s");
	return PASS("rate %lld/%lld ticks, interrupt taken", (long long)dd, (long long)lo);
}

static enum smoke_verdict check_rtas(char *why, unsigned int len)
{
	uint32_t tod[7] = { 0 };
	int st = rtas_call("get-time-of-day", 0, 8, tod);

	if (st != 0)
		return FAIL("get-time-of-day status %d", st);
	if (tod[0] < 2000 || tod[1] < 1 || tod[1] > 12)
		return FAIL("implausible date %u-%u-%u", tod[0], tod[1], tod[2]);
	return PASS("rtas at 0x%llx, time %04u-%02u-%02u %02u:%02u:%02u",
		    (unsigned long long)dt.rtas_entry, tod[0], tod[1], tod[2], tod[3], tod[4],
		    tod[5]);
}

static enum smoke_verdict check_exception(char *why, unsigned int len)
{
	uint64_t before = exc_program_checks_recovered;

	exception_expect_program_check();
	__asm__ volatile("trap" ::: "memory");
	if (exc_program_checks_recovered != before + 1)
		return FAIL("program check not seen by the handler");
	return PASS("trap -> 0x700 -> handler -> resumed");
}

const struct smoke_check platform_checks[] = {
	{ "bootargs", check_bootargs },
	{ "device-tree", check_dt },
	{ "console", check_console },
	{ "decrementer", check_decrementer },
	{ "rtas", check_rtas },
	{ "exception", check_exception },
	{ "crq", check_crq },
	{ "vmc-ready", check_vmc_ready },
	{ "vmc-request", check_vmc_request },
	{ "vmc-session", check_vmc_session },
	{ "vmc-messages", check_vmc_messages },
	{ "vmc-close", check_vmc_close },
};
const unsigned int platform_checks_count = sizeof(platform_checks) / sizeof(platform_checks[0]);
