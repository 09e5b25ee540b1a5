/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvterm.h - the hypervisor virtual terminal (vty) console. */
#ifndef VMCFW_HVTERM_H
#define VMCFW_HVTERM_H

#include <stddef.h>
#include <stdint.h>

struct hvterm_stats {
	uint64_t bytes_out, bytes_in, calls, busy_retries, errors, dropped;
	long last_error;
};

extern struct hvterm_stats hvterm_stats;

/**
 * hvterm_set_unit - use a given vty from now on.
 * @unit: its unit address (device tree); 0 = "lowest vty"
 */
void hvterm_set_unit(uint64_t unit);

/**
 * hvterm_unit - the vty in use.
 *
 * Return: its unit address (0 = "lowest vty").
 */
uint64_t hvterm_unit(void);

/**
 * hvterm_write - write @len bytes, 16 per H_PUT_TERM_CHAR. Busy answers are
 * retried within a bounded budget; bytes that still cannot be written are
 * counted as dropped (the rc is kept in hvterm_stats.last_error).
 * @buf: the bytes
 * @len: how many
 *
 * Return: the number of bytes written.
 */
size_t hvterm_write(const char *buf, size_t len);

/**
 * hvterm_read - non-blocking read of what the vty has (one H_GET_TERM_CHAR).
 * @buf: receives up to 16 bytes
 * @max: size of @buf; below 16 nothing is read
 *
 * Return: the number of bytes read (0 on error; rc in hvterm_stats.last_error).
 */
size_t hvterm_read(char *buf, size_t max);

#endif
