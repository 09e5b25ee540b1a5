// SPDX-License-Identifier: GPL-2.0-or-later
/* bootargs.c - parse the boot arguments; report what is not understood. */
#include <stdlib.h>
#include <string.h>

#include "boot/bootargs.h"
#include "console/monitor.h"
#include "drivers/crq_service.h"
#include "drivers/watchdog.h"
#include "lib/log.h"

struct boot_config boot_config = {
	.mode = MODE_MONITOR, .service = SERVICE_POLL, .loglevel = -1, .watchdog = -1,
	.hmc_id = "vmcfw",
	.poll_spin_us = CRQ_POLL_SPIN_US, .poll_cede_us = CRQ_POLL_CEDE_US,
	.poll_busy_us = CRQ_POLL_BUSY_US, .poll_idle_us = CRQ_POLL_IDLE_US,
	.console_poll_us = MONITOR_CONSOLE_POLL_US,
};

const char *bootargs_help(void)
{
	return "smoke | monitor | echo | migrate | poll | irq | loglevel=0..4 | hmc-id=ID | noopen | "
	       "mtu=4096..16384 | pool=1..64 | hmcs=1..4 | quiet | poll-spin=0..100000 | "
	       "poll-cede=1..100000 | poll-busy=0..10000000 | poll-idle=1..1000000 | "
	       "console-poll=0..100000 | bench-crq=N | hvfuzz=N | seed=S | "
	       "fail-check=NAME | "
	       "crash | hang | script=CMD;CMD | watchdog=0..3600 | cas=auto|on|off | nocas | intc=xics|xive | "
	       "dt-fault=no-vty,vty-reg,no-timebase,no-rtas";
}

static bool value_of(const char *tok, size_t len, const char *key, char *out, size_t outlen)
{
	size_t k = strlen(key);

	if (len <= k || strncmp(tok, key, k) || tok[k] != '=')
		return false;
	len -= k + 1;
	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, tok + k + 1, len);
	out[len] = '\0';
	return true;
}

static bool number_arg(const char *tok, size_t len, const char *key, unsigned long lo,
		       unsigned long hi, unsigned int *out)
{
	char val[24], *end;
	unsigned long v;

	if (!value_of(tok, len, key, val, sizeof(val)))
		return false;
	v = strtoul(val, &end, 0);
	if (*val == '\0' || *end != '\0' || v < lo || v > hi) {
		boot_config.bad_values++;
		pr_err("boot", "bad value in '%s=%s': expected %lu..%lu", key, val, lo, hi);
	} else {
		*out = (unsigned int)v;
	}
	return true;
}

static void parse_one(const char *tok, size_t len)
{
	char val[64];
	unsigned int wdog_seconds = (unsigned int)boot_config.watchdog;

#define IS(word) (len == strlen(word) && !strncmp(tok, word, len))
	if (IS("smoke"))
		boot_config.mode = MODE_SMOKE;
	else if (IS("monitor"))
		boot_config.mode = MODE_MONITOR;
	else if (IS("echo"))
		boot_config.mode = MODE_ECHO;
	else if (IS("migrate"))
		boot_config.mode = MODE_MIGRATE;
	else if (IS("poll"))
		boot_config.service = SERVICE_POLL;
	else if (IS("irq"))
		boot_config.service = SERVICE_IRQ;
	else if (IS("crash"))
		boot_config.crash = true;
	else if (IS("hang"))
		boot_config.hang = true;
	else if (IS("noopen"))
		boot_config.noopen = true;
	else if (IS("quiet"))
		boot_config.quiet = true;
	else if (IS("nocas") || IS("cas=auto") || IS("cas=on") || IS("cas=off") || IS("intc=xics") || IS("intc=xive"))
		;	/* consumed by boot/cas.c during the device-tree walk */
	else if (number_arg(tok, len, "bench-crq", 1, 1000000, &boot_config.bench_crq) ||
		 number_arg(tok, len, "hvfuzz", 1, 100000000, &boot_config.hvfuzz) ||
		 number_arg(tok, len, "seed", 1, 0xFFFFFFFFul, &boot_config.seed))
		;
	else if (number_arg(tok, len, "watchdog", 0, WATCHDOG_MAX_SECONDS, &wdog_seconds))
		boot_config.watchdog = (int)wdog_seconds;
	else if (number_arg(tok, len, "mtu", 4096, 16384, &boot_config.mtu) ||
		 number_arg(tok, len, "pool", 1, 64, &boot_config.pool) ||
		 number_arg(tok, len, "hmcs", 1, 4, &boot_config.hmcs))
		;
	else if (number_arg(tok, len, "poll-spin", 0, 100000, &boot_config.poll_spin_us) ||
		 number_arg(tok, len, "poll-cede", 1, 100000, &boot_config.poll_cede_us) ||
		 number_arg(tok, len, "poll-busy", 0, 10000000, &boot_config.poll_busy_us) ||
		 number_arg(tok, len, "poll-idle", 1, 1000000, &boot_config.poll_idle_us) ||
		 number_arg(tok, len, "console-poll", 0, 100000, &boot_config.console_poll_us))
		;
	else if (value_of(tok, len, "hmc-id", val, sizeof(val))) {
		if (strlen(val) > 32) {
			boot_config.bad_values++;
			pr_err("boot", "hmc-id longer than 32 bytes");
		} else {
			strcpy(boot_config.hmc_id, val);
		}
	}
	else if (value_of(tok, len, "loglevel", val, sizeof(val))) {
		char *end;
		long v = strtol(val, &end, 10);

		if (*val == '\0' || *end != '\0' || v < LOG_ERR || v > LOG_TRACE) {
			boot_config.bad_values++;
			pr_err("boot", "bad value in 'loglevel=%s': expected 0..4", val);
		} else {
			boot_config.loglevel = (int)v;
		}
	} else if (len >= 7 && !strncmp(tok, "script=", 7)) {
		if (len == 7) {
			boot_config.bad_values++;
			pr_err("boot", "script= without commands");
		} else if (len - 7 >= sizeof(boot_config.script)) {
			boot_config.bad_values++;
			pr_err("boot", "script= longer than %zu bytes", sizeof(boot_config.script) - 1);
		} else {
			memcpy(boot_config.script, tok + 7, len - 7);
			boot_config.script[len - 7] = '\0';
		}
	} else if (value_of(tok, len, "fail-check", val, sizeof(val))) {
		strncpy(boot_config.fail_check, val, sizeof(boot_config.fail_check) - 1);
	} else if (value_of(tok, len, "dt-fault", val, sizeof(val))) {
		/* consumed by boot/of.c during the device-tree walk */
	} else {
		boot_config.unknown++;
		pr_err("boot", "unknown boot argument '%.*s' (ignored); accepted: %s",
		       (int)(len > 40 ? 40 : len), tok, bootargs_help());
	}
#undef IS
}

static void parse_all(const char *p)
{
	while (*p) {
		const char *start;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		start = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		if (p > start)
			parse_one(start, (size_t)(p - start));
	}
}

void bootargs_parse(const char *args)
{
	parse_all(args);
	if (boot_config.poll_idle_us < boot_config.poll_cede_us) {
		boot_config.bad_values++;
		pr_err("boot", "poll-idle=%u is below poll-cede=%u: using %u for both",
		       boot_config.poll_idle_us, boot_config.poll_cede_us, boot_config.poll_cede_us);
		boot_config.poll_idle_us = boot_config.poll_cede_us;
	}
}
