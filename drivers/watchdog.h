/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * watchdog.h - the PAPR partition watchdog (H_WATCHDOG, QEMU 7.2 and
 * later): armed, the hypervisor ends the partition when the image stops
 * re-arming or stopping it in time.
 */
#ifndef VMCFW_WATCHDOG_H
#define VMCFW_WATCHDOG_H

#include <stdbool.h>

#include "drivers/drv_result.h"

#define WATCHDOG_MAX_SECONDS	3600	/* an hour: the longest watchdog= accepts */

/**
 * watchdog_arm - start (or restart) watchdog 1 for @seconds; on expiry the
 * hypervisor resets the partition (QEMU run with -no-reboot then exits).
 * @seconds: 1..WATCHDOG_MAX_SECONDS
 *
 * Return: DRV_OK; DRV_ERR_PARAM for a timeout out of range; DRV_ERR_HCALL
 * when the hypervisor refused (H_FUNCTION: no watchdog; rc logged).
 */
enum drv_result watchdog_arm(unsigned int seconds);

/**
 * watchdog_disarm - stop watchdog 1 if this image armed it.
 *
 * Return: DRV_OK (also when it was not armed); DRV_ERR_HCALL when the
 * hypervisor refused the stop (rc logged).
 */
enum drv_result watchdog_disarm(void);

/**
 * watchdog_pet - restart watchdog 1 when a quarter of its timeout has passed
 * since it was last (re)started; nothing when it is not armed. For loops
 * that run for ever (the monitor); a refusal is logged.
 */
void watchdog_pet(void);

/** watchdog_armed - whether watchdog 1 is armed by this image. Return: true if so. */
bool watchdog_armed(void);

#endif
