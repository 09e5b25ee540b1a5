// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * monitor_parse.c - the monitor's line editor and argument parsers, apart
 * from the console so that they can be tested and fuzzed on the host.
 */
#include <stdlib.h>
#include <string.h>

#include "console/monitor_parse.h"
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
