/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * monitor_parse.h - the monitor's input handling without any device: the
 * line editor, splitting a line into words and the argument parsers.
 * Plain C on the ground floor (lib/ only), so host tests and the fuzzer
 * run exactly what the monitor runs.
 */
#ifndef VMCFW_MONITOR_PARSE_H
#define VMCFW_MONITOR_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MONITOR_LINE_MAX	128
#define MONITOR_MAX_ARGS	32	/* words after that are ignored */
#define LINE_ECHO_MAX		4	/* bytes one input byte may echo */

/* Line editor state: printable bytes accumulate, backspace erases. */
struct line_editor {
	char buf[MONITOR_LINE_MAX];
	size_t len;
	bool overflow;		/* input longer than the buffer: line rejected */
};

enum line_status { LINE_PENDING, LINE_READY, LINE_TOO_LONG };

/**
 * line_edit - give the editor one input byte.
 * @echo: receives what to echo (at most LINE_ECHO_MAX bytes), @echo_len its
 * length (0: nothing)
 * Return: LINE_READY when Enter completes a line (in ed->buf, NUL-ended),
 * LINE_TOO_LONG when Enter ends a line that overflowed (ed->buf is then
 * not a command), else LINE_PENDING.
 */
enum line_status line_edit(struct line_editor *ed, char c, char *echo, size_t *echo_len);

/**
 * monitor_split - cut @line into words at spaces and tabs, in place.
 * @argv: receives up to @max word pointers into @line
 * Return: the number of words stored (extra words are ignored).
 */
int monitor_split(char *line, char **argv, int max);

/**
 * monitor_parse_index - an HMC index: a whole number (C syntax: decimal,
 * 0x hex, 0 octal) below @limit.
 * Return: true with *@out set, false for anything else.
 */
bool monitor_parse_index(const char *arg, unsigned int limit, unsigned int *out);

/**
 * monitor_parse_hex - decode a string of hex digit pairs into @out.
 * @cap: capacity of @out
 * Return: the number of bytes, -1 when the length is 0, odd or needs more
 * than @cap bytes, -2 when a character is not a hex digit.
 */
int monitor_parse_hex(const char *s, uint8_t *out, size_t cap);

/**
 * monitor_parse_loglevel - a decimal log level 0..4.
 * Return: true with *@out set.
 */
bool monitor_parse_loglevel(const char *s, int *out);

/**
 * monitor_join - words @argv[@first..@argc) joined by single spaces.
 * Return: the length written to @out (always NUL-ended, cut to @size - 1).
 */
size_t monitor_join(char *out, size_t size, int argc, char **argv, int first);

#endif
