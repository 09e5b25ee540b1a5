/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * validate.h - the monitor's validation commands: a raw hcall, a guest
 * memory dump, the VMC CRQ ring. Tools for hypervisor validation; a raw
 * hcall can break the partition (docs/console.md "Validation commands").
 */
#ifndef VMCFW_VALIDATE_H
#define VMCFW_VALIDATE_H

/* Each prints `usage`-style errors through @usage_error(argv[0], message). */
typedef void (*validate_usage_fn)(const char *cmd, const char *what);

/** validate_hcall - `hcall [-f] OP [ARG...]`: issue it, print rc and r4..r7. */
void validate_hcall(int argc, char **argv, validate_usage_fn usage_error);

/** validate_mem - `mem ADDR [LEN]`: hex and ASCII dump of real memory. */
void validate_mem(int argc, char **argv, validate_usage_fn usage_error);

/** validate_crq - `crq [FIRST COUNT]`: the VMC CRQ ring's entries. */
void validate_crq(int argc, char **argv, validate_usage_fn usage_error);

#endif
