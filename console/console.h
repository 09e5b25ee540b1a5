/* SPDX-License-Identifier: GPL-2.0-or-later */
/* console.h - text output on the vty, and the fatal-error path. */
#ifndef VMCFW_CONSOLE_H
#define VMCFW_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

/** console_init - route log lines to the vty. */
void console_init(void);

/** con_write - write @n bytes, LF becomes CR LF. */
void con_write(const char *s, size_t n);
void con_puts(const char *s);

/**
 * con_vprintf - format and write one piece of console output, whole: a
 * result longer than the stack buffer is formatted again on the heap; only
 * if that fails is it cut, with `[N bytes cut: no memory]` after it.
 * Return: the formatted length (what vsnprintf says), negative on a
 * format error (nothing written).
 */
int con_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/** con_printf - con_vprintf() with its arguments. Return: as con_vprintf(). */
int con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * con_pf - con_printf() for the dump sinks (vmc_printf_fn, crq_printf_fn):
 * @arg is ignored.
 * Return: as con_vprintf().
 */
int con_pf(void *arg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * fatal - print the reason and the log ring, then end the partition with
 * failure status (ibm,os-term; QEMU exits non-zero with
 * -action panic=exit-failure).
 */
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/** partition_exit - print `EXIT: STATUS=n`, then power off (0) or os-term. */
void partition_exit(int status) __attribute__((noreturn));

#endif
