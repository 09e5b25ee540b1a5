// SPDX-License-Identifier: GPL-2.0-or-later
/* log.c - levelled log lines into a ring buffer and an optional sink. */
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/time.h"

#define LOG_RING_SIZE 8192	/* bytes; power of two */

int log_level = LOG_INFO;
static log_sink_fn log_sink;
static char log_ring[LOG_RING_SIZE];
static size_t log_ring_head;	/* total bytes ever written */

static const char *const level_names[] = { "ERROR", "WARN", "INFO", "DEBUG", "TRACE" };

void log_set_sink(log_sink_fn sink)
{
	log_sink = sink;
}

static void ring_put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		log_ring[(log_ring_head + i) & (LOG_RING_SIZE - 1)] = s[i];
	log_ring_head += n;
}

#define LOG_LINE_TEXT	254	/* a line's bytes before its newline and NUL */

/*
 * A log line has a bound (the ring holds lines, the fatal path replays
 * them), so a longer one is cut, never silently: its last bytes become
 * " [N bytes cut]", N counting everything that is not shown.
 */
static int mark_cut(char *line, int full)
{
	char mark[32];
	int k = 0;

	/* The mark's own length changes N; three rounds settle every digit count. */
	for (int round = 0; round < 3; round++)
		k = snprintf(mark, sizeof(mark), " [%d bytes cut]", full - (LOG_LINE_TEXT - k));
	memcpy(line + LOG_LINE_TEXT - k, mark, (size_t)k);
	return LOG_LINE_TEXT;
}

void log_vmsg(int level, const char *subsys, const char *fmt, va_list ap)
{
	char line[LOG_LINE_TEXT + 2];
	int n, m;
	uint64_t us = time_since_boot_us();

	if (level < LOG_ERR)
		level = LOG_ERR;
	if (level > LOG_TRACE)
		level = LOG_TRACE;
	n = snprintf(line, sizeof(line), "[%6llu.%06llu] %s: %s%s",
		     (unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000),
		     subsys, level <= LOG_WARN ? level_names[level] : "",
		     level <= LOG_WARN ? ": " : "");
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line) - 2)
		n = sizeof(line) - 3;
	m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > LOG_LINE_TEXT)
		n = mark_cut(line, n);
	line[n++] = '\n';
	line[n] = '\0';
	ring_put(line, n);
	if (log_sink && level <= log_level)
		log_sink(line, n);
}

void log_msg(int level, const char *subsys, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, subsys, fmt, ap);
	va_end(ap);
}

void log_ring_dump(log_sink_fn sink)
{
	size_t start = log_ring_head > LOG_RING_SIZE ? log_ring_head - LOG_RING_SIZE : 0;
	char chunk[64];
	size_t n = 0;

	for (size_t i = start; i < log_ring_head; i++) {
		chunk[n++] = log_ring[i & (LOG_RING_SIZE - 1)];
		if (n == sizeof(chunk)) {
			sink(chunk, n);
			n = 0;
		}
	}
	if (n)
		sink(chunk, n);
}

void log_ring_reset(void)
{
	log_ring_head = 0;
}

int log_ring_contains(const char *needle)
{
	static char flat[LOG_RING_SIZE + 1];
	size_t start = log_ring_head > LOG_RING_SIZE ? log_ring_head - LOG_RING_SIZE : 0;
	size_t n = 0;

	for (size_t i = start; i < log_ring_head; i++)
		flat[n++] = log_ring[i & (LOG_RING_SIZE - 1)];
	flat[n] = '\0';
	return strstr(flat, needle) != NULL;
}
