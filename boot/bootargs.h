/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bootargs.h - the boot arguments (/chosen/bootargs, QEMU -append). */
#ifndef VMCFW_BOOTARGS_H
#define VMCFW_BOOTARGS_H

#include <stdbool.h>

#define BOOT_SCRIPT_MAX	256	/* as long as the bootargs the device tree keeps */

enum run_mode { MODE_MONITOR, MODE_SMOKE, MODE_ECHO, MODE_MIGRATE };
enum service_mode { SERVICE_POLL, SERVICE_IRQ };

struct boot_config {
	enum run_mode mode;
	enum service_mode service;
	int loglevel;			/* -1: unchanged */
	bool crash;
	bool hang;			/* loop for ever after arming the watchdog (tests it) */
	int watchdog;			/* watchdog=SECONDS (0 off); -1: the mode's default */
	bool noopen;
	bool quiet;			/* no per-message relay lines (benchmarks) */
	unsigned int bench_crq;
	unsigned int hvfuzz;		/* hvfuzz=N: N hostile hcalls at the VMC device */
	unsigned int seed;		/* seed=S for hvfuzz (0: from the timebase) */		/* bench-crq=N: N handshake cycles, then exit */			/* do not open a session automatically */
	char hmc_id[33];		/* HMC ID for the automatic session */
	unsigned int poll_spin_us, poll_cede_us, poll_busy_us, poll_idle_us;	/* poll mode's budgets */
	unsigned int console_poll_us;	/* read the console at most this often when it is quiet */
	unsigned int mtu, pool, hmcs;	/* capability offers (0: defaults) */			/* take an unexpected exception (tests the dump) */
	char script[BOOT_SCRIPT_MAX];	/* script=: monitor commands, ';' between, ',' for space */
	char fail_check[32];		/* smoke check forced to fail ("" none) */
	unsigned int unknown;		/* arguments not understood */
	unsigned int bad_values;	/* known arguments with a bad value */
};

extern struct boot_config boot_config;

/**
 * bootargs_parse - fill boot_config from @args; every argument that is
 * not understood is reported on the console and counted.
 */
void bootargs_parse(const char *args);

/** bootargs_help - one line listing the accepted arguments. */
const char *bootargs_help(void);

#endif
