// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watchdog.c - arm and disarm the PAPR partition watchdog.
 *
 * The expiry action is "hard restart": QEMU 7.2 turns it into a system
 * reset request, which ends the process when QEMU runs with -no-reboot (as
 * every runner of this project does). "Hard power off" is not used: QEMU
 * 7.2 only pauses the VM for it and the process would stay, which a lab
 * would see as its own timeout instead of the image's failure.
 */
#include <stdint.h>

#include "drivers/watchdog.h"
#include "hcall/hcall.h"
#include "lib/log.h"
#include "lib/time.h"

#define WATCHDOG_NUMBER	1

static bool armed;
static unsigned int armed_seconds;
static uint64_t armed_at_us;

static long start(unsigned int seconds)
{
	uint64_t out;

	return h_watchdog(H_WDT_OP_START | H_WDT_ACTION_RESTART, WATCHDOG_NUMBER,
			  (uint64_t)seconds * 1000, &out);
}

enum drv_result watchdog_arm(unsigned int seconds)
{
	long rc;

	if (seconds == 0 || seconds > WATCHDOG_MAX_SECONDS) {
		pr_err("wdog", "timeout %u s out of range 1..%u", seconds, WATCHDOG_MAX_SECONDS);
		return DRV_ERR_PARAM;
	}
	rc = start(seconds);
	if (rc != H_SUCCESS) {
		pr_err("wdog", "H_WATCHDOG start refused: %s (%ld)%s", hcall_rc_name(rc), rc,
		       rc == H_FUNCTION ? ": the hypervisor has no partition watchdog" : "");
		return DRV_ERR_HCALL;
	}
	armed = true;
	armed_seconds = seconds;
	armed_at_us = time_since_boot_us();
	pr_info("wdog", "armed: watchdog %d resets the partition after %u s unless stopped",
		WATCHDOG_NUMBER, seconds);
	return DRV_OK;
}

enum drv_result watchdog_disarm(void)
{
	uint64_t out;
	long rc;

	if (!armed)
		return DRV_OK;
	rc = h_watchdog(H_WDT_OP_STOP, WATCHDOG_NUMBER, 0, &out);
	/* H_NOOP: it was not running any more; the partition lives, so it is stopped. */
	if (rc != H_SUCCESS && rc != H_NOOP) {
		pr_err("wdog", "H_WATCHDOG stop refused: %s (%ld)", hcall_rc_name(rc), rc);
		return DRV_ERR_HCALL;
	}
	armed = false;
	pr_info("wdog", "stopped (%s)", hcall_rc_name(rc));
	return DRV_OK;
}

/* A quarter of the timeout between restarts leaves room for a slow loop. */
void watchdog_pet(void)
{
	long rc;

	if (!armed || time_since_boot_us() - armed_at_us < (uint64_t)armed_seconds * 250000)
		return;
	rc = start(armed_seconds);
	armed_at_us = time_since_boot_us();
	if (rc != H_SUCCESS)
		pr_err("wdog", "H_WATCHDOG restart refused: %s (%ld): the watchdog may expire",
		       hcall_rc_name(rc), rc);
}

bool watchdog_armed(void)
{
	return armed;
}
