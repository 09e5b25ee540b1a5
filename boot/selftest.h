/* SPDX-License-Identifier: GPL-2.0-or-later */
/* selftest.h - the checks `smoke` mode runs. */
#ifndef VMCFW_SELFTEST_H
#define VMCFW_SELFTEST_H

#include "console/smoke.h"
#include "lib/dt.h"

extern const struct smoke_check platform_checks[];
extern const unsigned int platform_checks_count;

enum smoke_verdict check_crq(char *why, unsigned int len);
const struct dt_vdev *selftest_crq_device(void);
/** bench_crq - N CRQ reset-and-handshake cycles; prints BENCH, ends the partition. */
void bench_crq(unsigned int cycles, bool irq_mode) __attribute__((noreturn));

/** hvfuzz_run - N hostile hcalls at the VMC device, then a clean handshake. */
void hvfuzz_run(unsigned int ops, uint64_t seed) __attribute__((noreturn));

/**
 * migrate_run - `migrate` mode: check the channel, print the MIGRATE marker,
 * keep the channel busy until a console key, check recovery and echoes
 * again; TAP and EXIT as smoke_run(). Never returns.
 * @forced_fail: fail-check= name, or NULL
 */
void migrate_run(const char *forced_fail) __attribute__((noreturn));

/** boot_start_vmc - start the VMC adapter with the boot configuration. */
int boot_start_vmc(bool echo);
enum smoke_verdict check_vmc_ready(char *why, unsigned int len);
enum smoke_verdict check_vmc_request(char *why, unsigned int len);
enum smoke_verdict check_vmc_session(char *why, unsigned int len);
enum smoke_verdict check_vmc_messages(char *why, unsigned int len);
enum smoke_verdict check_vmc_close(char *why, unsigned int len);

#endif
