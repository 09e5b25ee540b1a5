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

/*
 * --- The validation console (docs/console.md "Validation commands"). ---
 * Every parser answers NULL when the input is good, else the error message
 * to print (a constant string); outputs are meaningful only on NULL.
 */

#define MONITOR_HCALL_ARGS	6	/* r4..r9 */
#define MONITOR_MEM_MAX		4096	/* the most bytes one `mem` prints */
#define MONITOR_MEM_DEFAULT	64	/* `mem ADDR` alone */
#define MONITOR_SCRIPT_MAX	16	/* commands in one script */

/** One raw hcall as `hcall [-f] OP [ARG...]` gives it. */
struct monitor_hcall {
	unsigned long opcode;
	uint64_t args[MONITOR_HCALL_ARGS];	/* unused ones are 0 */
	int nargs;
	bool force;			/* -f: issue it even if it can break the partition */
};

/**
 * monitor_parse_u64 - a 64-bit number: decimal, 0x hex or 0 octal, or a
 * negative decimal (its two's complement, e.g. -1 for all ones).
 * Return: true with *@out set; false for anything else (empty, a stray
 * character, out of range).
 */
bool monitor_parse_u64(const char *s, uint64_t *out);

/**
 * monitor_parse_hcall - `hcall [-f] OP [ARG...]` (@argv[0] is "hcall").
 * OP is a name (`H_GET_TCE`, case as printed by `stats`) or a number: a
 * multiple of 4 up to 0xFFFC. At most MONITOR_HCALL_ARGS arguments.
 * Return: NULL, or the error message.
 */
const char *monitor_parse_hcall(int argc, char **argv, struct monitor_hcall *out);

/**
 * monitor_hcall_is_harmless - whether the raw-hcall command issues @opcode
 * without -f: only calls that read state or write to the console; every
 * other call can break the partition (the CRQ, TCEs, interrupts, the
 * endianness, the watchdog) and needs -f.
 * Return: true for the harmless ones.
 */
bool monitor_hcall_is_harmless(unsigned long opcode);

/**
 * monitor_parse_mem - `mem ADDR [LEN]`: LEN bytes (1..MONITOR_MEM_MAX,
 * default MONITOR_MEM_DEFAULT) from ADDR, the whole range inside
 * [@base, @base + @size).
 * Return: NULL with *@addr and *@len set, or the error message.
 */
const char *monitor_parse_mem(int argc, char **argv, uint64_t base, uint64_t size,
			      uint64_t *addr, uint32_t *len);

/**
 * monitor_parse_crq - `crq [FIRST COUNT]`: no argument (every entry in
 * use), or COUNT entries (1..@n_entries) from FIRST (below @n_entries;
 * the range wraps around the ring).
 * Return: NULL with *@first and *@count set (both 0 for "every entry in
 * use"), or the error message.
 */
const char *monitor_parse_crq(int argc, char **argv, uint32_t n_entries, uint32_t *first,
			      uint32_t *count);

/**
 * monitor_split_script - cut a script into commands at ';', in place;
 * @comma_is_space: a boot-argument script (no spaces allowed there) writes
 * the spaces of its commands as commas.
 * @cmds: receives up to MONITOR_SCRIPT_MAX command pointers (blank ones
 * are skipped)
 * Return: the number of commands, or -1 when there are more than
 * MONITOR_SCRIPT_MAX or one is longer than MONITOR_LINE_MAX - 1 bytes.
 */
int monitor_split_script(char *script, bool comma_is_space, char **cmds);

#endif
