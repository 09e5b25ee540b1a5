/* SPDX-License-Identifier: GPL-2.0-or-later */
/* idle.h - give the processor back to the hypervisor while waiting. */
#ifndef VMCFW_IDLE_H
#define VMCFW_IDLE_H

#include <stdint.h>

/**
 * idle_wait_us - H_CEDE until an interrupt arrives or @us pass (the
 * decrementer is armed as a wake-up). Needs the vectors installed.
 */
void idle_wait_us(uint64_t us);

#endif
