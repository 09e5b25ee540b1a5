/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - levelled logging with a per-subsystem prefix and a ring buffer.
 *
 * Ground floor, portable: the text goes to a sink set by whoever owns the
 * output (the console in the image, stderr or a capture in host tests),
 * and always into a ring that the panic path dumps.
 */
#ifndef VMCFW_LOG_H
#define VMCFW_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
	LOG_TRACE = 4,
};

extern int log_level;		/* messages above it are not printed (still ringed) */

typedef void (*log_sink_fn)(const char *text, size_t len);

/** log_set_sink - route printed log lines to @sink (NULL: ring only). */
void log_set_sink(log_sink_fn sink);

/**
 * log_msg - format one log line: "[  time us] subsys: LEVEL text".
 * @level: enum log_level
 * @subsys: short subsystem prefix, e.g. "crq"
 */
void log_msg(int level, const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vmsg(int level, const char *subsys, const char *fmt, va_list ap);

/** log_ring_dump - replay the ring (oldest first) through @sink. */
void log_ring_dump(log_sink_fn sink);

/** log_ring_reset - forget the ring's contents (tests). */
void log_ring_reset(void);

/** log_ring_contains - true if @needle occurs in the ring (tests). */
int log_ring_contains(const char *needle);

#define pr_err(sub, ...)	log_msg(LOG_ERR, sub, __VA_ARGS__)
#define pr_warn(sub, ...)	log_msg(LOG_WARN, sub, __VA_ARGS__)
#define pr_info(sub, ...)	log_msg(LOG_INFO, sub, __VA_ARGS__)
#define pr_debug(sub, ...)	log_msg(LOG_DEBUG, sub, __VA_ARGS__)

#endif /* VMCFW_LOG_H */
