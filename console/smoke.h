/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smoke.h - TAP reporting for the `smoke` mode: a plan line `1..N`, one
 * `ok` / `not ok` / `ok N - name # SKIP reason` line per check, then
 * `EXIT: STATUS=n` and the end of the partition.
 */
#ifndef VMCFW_SMOKE_H
#define VMCFW_SMOKE_H

#include <stdbool.h>

enum smoke_verdict { SMOKE_PASS, SMOKE_FAIL, SMOKE_SKIP };

struct smoke_check {
	const char *name;
	/* Fills @why (a short reason or detail) and returns the verdict. */
	enum smoke_verdict (*run)(char *why, unsigned int whylen);
};

/**
 * smoke_run - run @n checks in order and end the partition: status 0 when
 * none failed. A check named in @forced_fail reports failure whatever it
 * measured (to test the failure path).
 */
void smoke_run(const struct smoke_check *checks, unsigned int n, const char *forced_fail)
	__attribute__((noreturn));

#endif
