// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hvterm.c - console over H_PUT_TERM_CHAR / H_GET_TERM_CHAR.
 * Characters travel in two registers, first character in the most
 * significant byte of the first one.
 */
#include <string.h>

#include "drivers/hvterm.h"
#include "hcall/hcall.h"
#include "lib/byteorder.h"
#include "lib/time.h"

#define HVTERM_CHUNK		16
#define HVTERM_BUDGET_US	100000	/* per chunk: a stuck console must not hang us */

struct hvterm_stats hvterm_stats;
static uint64_t vty_unit;	/* 0: QEMU and PowerVM map it to the lowest vty */

void hvterm_set_unit(uint64_t unit)
{
	vty_unit = unit;
}

uint64_t hvterm_unit(void)
{
	return vty_unit;
}

/* The 16 bytes travel as two big-endian register values, zero padded. */
static void pack(const char *s, size_t n, uint64_t *hi, uint64_t *lo)
{
	uint8_t b[HVTERM_CHUNK] = { 0 };

	memcpy(b, s, n);
	*hi = load_be64(b);
	*lo = load_be64(b + 8);
}

static long put_chunk(const char *s, size_t n)
{
	uint64_t hi, lo;
	struct deadline end = deadline_in_us(HVTERM_BUDGET_US);
	long rc;

	pack(s, n, &hi, &lo);
	for (;;) {
		rc = h_put_term_char(vty_unit, n, hi, lo);
		hvterm_stats.calls++;
		if (!hcall_is_busy(rc) || deadline_passed(end))
			return rc;
		hvterm_stats.busy_retries++;
		tb_relax();
	}
}

size_t hvterm_write(const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		size_t n = len - done > HVTERM_CHUNK ? HVTERM_CHUNK : len - done;
		long rc = put_chunk(buf + done, n);

		if (rc != H_SUCCESS) {
			hvterm_stats.errors++;
			hvterm_stats.last_error = rc;
			hvterm_stats.dropped += len - done;
			break;
		}
		done += n;
	}
	hvterm_stats.bytes_out += done;
	return done;
}

size_t hvterm_read(char *buf, size_t max)
{
	uint64_t n = 0, hi = 0, lo = 0;
	uint8_t b[HVTERM_CHUNK];
	long rc;

	if (max < HVTERM_CHUNK)
		return 0;
	rc = h_get_term_char(vty_unit, &n, &hi, &lo);
	if (rc != H_SUCCESS) {
		hvterm_stats.errors++;
		hvterm_stats.last_error = rc;
		return 0;
	}
	if (n > HVTERM_CHUNK) {		/* a buggy hypervisor: keep what fits */
		hvterm_stats.errors++;
		n = HVTERM_CHUNK;
	}
	store_be64(b, hi);
	store_be64(b + 8, lo);
	memcpy(buf, b, (size_t)n);
	hvterm_stats.bytes_in += n;
	return (size_t)n;
}
