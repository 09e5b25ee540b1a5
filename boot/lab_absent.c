// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lab_absent.c - the default image's answer to the lab tools' boot
 * arguments. The image as attacker (`hvfuzz=N`) and the CRQ handshake
 * benchmark (`bench-crq=N`) are built only into the lab image
 * (build/vmcfw-lab.elf, build/le/vmcfw-lab.elf; docs/architecture.md
 * "Image size"), which keeps them out of the image a lab loads every day.
 * Asked for one, the default image says which image has it and ends the
 * run with a failure status: a test that boots the wrong image fails at
 * once instead of running something else.
 */
#include "boot/selftest.h"
#include "console/console.h"
#include "lib/log.h"

static void __attribute__((noreturn)) not_here(const char *arg, unsigned int n)
{
	pr_err("boot", "%s=%u: not in this image; boot the lab image (build/vmcfw-lab.elf, "
	       "LE build/le/vmcfw-lab.elf)", arg, n);
	partition_exit(2);
}

void hvfuzz_run(unsigned int ops, uint64_t seed)
{
	not_here("hvfuzz", ops);
}

void bench_crq(unsigned int cycles, bool irq_mode)
{
	not_here("bench-crq", cycles);
}
