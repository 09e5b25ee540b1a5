// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * monitor_parse.c - the monitor's line editor and argument parsers, apart
 * from the console so that they can be tested and fuzzed on the host.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "console/monitor_parse.h"
#include "hcall/hcall.h"
#include "lib/log.h"

enum line_status line_edit(struct line_editor *ed, char c, char *echo, size_t *echo_len)
{
	*echo_len = 0;
	if (ed->len >= sizeof(ed->buf)) {	/* never from this code: a corrupted editor */
		ed->len = 0;
		ed->overflow = true;
	}
	if (c == '\r' || c == '\n') {
		bool over = ed->overflow;

		echo[(*echo_len)++] = '\n';
		ed->buf[ed->len] = '\0';
		ed->len = 0;
		ed->overflow = false;
		return over ? LINE_TOO_LONG : LINE_READY;
	}
	if (c == 0x7F || c == 0x08) {
		if (ed->len > 0) {
			ed->len--;
			memcpy(echo, "\b \b", 3);
			*echo_len = 3;
		}
		return LINE_PENDING;
	}
	if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7E)
		return LINE_PENDING;	/* ignore other control bytes */
	if (ed->len >= sizeof(ed->buf) - 1) {
		ed->overflow = true;
		return LINE_PENDING;
	}
	ed->buf[ed->len++] = c;
	echo[(*echo_len)++] = c;
	return LINE_PENDING;
}

static bool is_sep(char c)
{
	return c == ' ' || c == '\t';
}

/* The words strtok(line, " \t") would give, without its hidden state. */
int monitor_split(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;

	while (argc < max) {
		while (is_sep(*p))
			p++;
		if (!*p)
			break;
		argv[argc++] = p;
		while (*p && !is_sep(*p))
			p++;
		if (!*p)
			break;
		*p++ = '\0';
	}
	return argc;
}

bool monitor_parse_index(const char *arg, unsigned int limit, unsigned int *out)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 0);

	if (*arg == '\0' || *end != '\0' || v >= limit)
		return false;
	*out = (unsigned int)v;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int monitor_parse_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t len = strlen(s), n = 0;

	if (len == 0 || len % 2 || len / 2 > cap)
		return -1;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -2;
		out[n++] = (uint8_t)(hi << 4 | lo);
	}
	return (int)n;
}

bool monitor_parse_loglevel(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < LOG_ERR || v > LOG_TRACE)
		return false;
	*out = (int)v;
	return true;
}

size_t monitor_join(char *out, size_t size, int argc, char **argv, int first)
{
	size_t n = 0;

	if (size == 0)
		return 0;
	out[0] = '\0';
	for (int i = first; i < argc && n < size - 1; i++) {
		size_t k = strlen(argv[i]);

		if (i > first)
			out[n++] = ' ';
		if (n + k > size - 1)
			k = size - 1 - n;
		memcpy(out + n, argv[i], k);
		n += k;
		out[n] = '\0';
	}
	return n;
}

/* strtoul/strtol are 64-bit on every target (LP64), and the image has them already. */
_Static_assert(sizeof(unsigned long) == sizeof(uint64_t), "LP64 expected");

bool monitor_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long v;

	/* strtoul would skip blanks and take a sign anywhere: refuse both. */
	if (*s == '\0' || *s == ' ' || *s == '\t' || *s == '+' ||
	    (*s == '-' && (s[1] < '0' || s[1] > '9')))
		return false;
	errno = 0;
	if (*s == '-')
		v = (unsigned long)strtol(s, &end, 10);
	else
		v = strtoul(s, &end, 0);
	if (errno || *end != '\0')
		return false;
	*out = (uint64_t)v;
	return true;
}

#define HCALL_OPCODE_LIMIT	0xFFFF

const char *monitor_parse_hcall(int argc, char **argv, struct monitor_hcall *out)
{
	int i = 1;
	uint64_t op;

	memset(out, 0, sizeof(*out));
	if (i < argc && !strcmp(argv[i], "-f")) {
		out->force = true;
		i++;
	}
	if (i >= argc)
		return "give the hcall, by name (H_GET_TCE) or number (0x1c)";
	if (argv[i][0] == 'H' || argv[i][0] == 'h') {
		if (!hcall_op_from_name(argv[i], &out->opcode))
			return "unknown hcall name (the names `stats` prints; or give the number)";
	} else if (!monitor_parse_u64(argv[i], &op)) {
		return "the hcall is not a name or a number";
	} else if (op > HCALL_OPCODE_LIMIT || op % 4) {
		return "hcall numbers are multiples of 4 up to 0xfffc";
	} else {
		out->opcode = (unsigned long)op;
	}
	i++;
	if (argc - i > MONITOR_HCALL_ARGS)
		return "at most 6 arguments (r4..r9)";
	for (; i < argc; i++)
		if (!monitor_parse_u64(argv[i], &out->args[out->nargs++]))
			return "an argument is not a number (decimal, 0x hex, 0 octal, -N)";
	return NULL;
}

bool monitor_hcall_is_harmless(unsigned long opcode)
{
	switch (opcode) {
	case H_GET_TCE:		/* reads one TCE */
	case H_PUT_TERM_CHAR:	/* writes to the console */
	case H_IPOLL:		/* reads the interrupt state, accepts nothing */
	case H_REQUEST_VMC:	/* asks for the VMC's DRC index again */
	case H_INT_GET_SOURCE_INFO:	/* reads a XIVE source's description */
		return true;
	default:
		return false;
	}
}

const char *monitor_parse_mem(int argc, char **argv, uint64_t base, uint64_t size,
			      uint64_t *addr, uint32_t *len)
{
	uint64_t a, n = MONITOR_MEM_DEFAULT;

	if (argc < 2 || argc > 3)
		return "give the address and, optionally, the length";
	if (!monitor_parse_u64(argv[1], &a))
		return "the address is not a number";
	if (argc == 3 && !monitor_parse_u64(argv[2], &n))
		return "the length is not a number";
	if (n == 0 || n > MONITOR_MEM_MAX)
		return "the length must be 1..4096 bytes";
	/* Written so that no sum can wrap: a < base + size and n <= what is left. */
	if (a < base || a - base >= size || n > size - (a - base))
		return "the range is not inside the partition's real memory (see `dt`)";
	*addr = a;
	*len = (uint32_t)n;
	return NULL;
}

const char *monitor_parse_crq(int argc, char **argv, uint32_t n_entries, uint32_t *first,
			      uint32_t *count)
{
	uint64_t f, c;

	*first = *count = 0;
	if (argc == 1)
		return NULL;
	if (argc != 3)
		return "give no argument, or the first entry and the count";
	if (!monitor_parse_u64(argv[1], &f) || f >= n_entries)
		return "the first entry is not an entry of the ring";
	if (!monitor_parse_u64(argv[2], &c) || c == 0 || c > n_entries)
		return "the count must be 1..the ring's entries";
	*first = (uint32_t)f;
	*count = (uint32_t)c;
	return NULL;
}

int monitor_split_script(char *script, bool comma_is_space, char **cmds)
{
	int n = 0;
	char *p = script;

	while (*p) {
		char *start = p, *end;

		while (*p && *p != ';') {
			if (comma_is_space && *p == ',')
				*p = ' ';
			p++;
		}
		end = p;
		if (*p)
			*p++ = '\0';
		while (*start == ' ' || *start == '\t')
			start++;
		if (*start == '\0')
			continue;	/* a blank command */
		if ((size_t)(end - start) > MONITOR_LINE_MAX - 1 || n == MONITOR_SCRIPT_MAX)
			return -1;
		cmds[n++] = start;
	}
	return n;
}
