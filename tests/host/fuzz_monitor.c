// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_monitor.c - libFuzzer target for the monitor's input handling
 * (console/monitor_parse.c, exactly what the monitor runs): the bytes are
 * typed at the line editor; every completed line is split into words and
 * every word goes through the index, hex and log-level parsers, and the
 * words are joined back as `send` does.
 *
 * Checked: the editor stays within its buffer and echoes at most
 * LINE_ECHO_MAX bytes; a completed line is printable ASCII of at most
 * MONITOR_LINE_MAX - 1 bytes; the split gives the words strtok gives (the
 * monitor's former splitter); each parser's answer agrees with a plain
 * reading of its input; the join fits and matches the words; an accepted
 * hcall has a valid opcode and at most 6 arguments, an accepted memory
 * range lies inside the memory given, an accepted CRQ range inside the
 * ring; a script splits into at most MONITOR_SCRIPT_MAX non-blank commands
 * of bounded length, inside the buffer, without separators.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/monitor_parse.c"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s\n", #c); abort(); } } while (0)

/* The reference reading monitor_parse_u64() must agree with. */
static void check_u64(const char *w)
{
	uint64_t v = 0x5a5a, ref;
	bool ok = monitor_parse_u64(w, &v);
	char *end;

	if (!ok) {
		CHECK(v == 0x5a5a);
		return;
	}
	CHECK(*w != ' ' && *w != '+' && *w != '\0');
	errno = 0;
	ref = *w == '-' ? (uint64_t)strtoll(w, &end, 10) : (uint64_t)strtoull(w, &end, 0);
	CHECK(errno == 0 && *end == '\0' && ref == v);
}

static void check_validation(int argc, char **argv)
{
	struct monitor_hcall h;
	uint64_t addr;
	uint32_t len, first, count;
	const uint64_t base = 0x1000, size = 0x10000;

	for (int i = 0; i < argc; i++)
		check_u64(argv[i]);
	if (!monitor_parse_hcall(argc, argv, &h)) {
		CHECK(argc >= 2 + h.force);
		CHECK(h.opcode <= 0xFFFC && h.opcode % 4 == 0);
		CHECK(h.nargs == argc - 2 - h.force && h.nargs <= MONITOR_HCALL_ARGS);
		for (int i = h.nargs; i < MONITOR_HCALL_ARGS; i++)
			CHECK(h.args[i] == 0);
		if (strcmp(argv[1 + h.force], hcall_op_name(h.opcode)))
			CHECK(strtoull(argv[1 + h.force], NULL, 0) == h.opcode);
	}
	if (!monitor_parse_mem(argc, argv, base, size, &addr, &len)) {
		CHECK(len >= 1 && len <= MONITOR_MEM_MAX);
		CHECK(addr >= base && addr + len <= base + size);
	}
	if (!monitor_parse_crq(argc, argv, 256, &first, &count)) {
		CHECK(first < 256 && count <= 256);
		CHECK((count == 0) == (argc == 1));
	}
}

static void check_script(const char *line, bool comma_is_space)
{
	char buf[MONITOR_LINE_MAX];
	char *cmds[MONITOR_SCRIPT_MAX];
	int n;

	snprintf(buf, sizeof(buf), "%s", line);
	n = monitor_split_script(buf, comma_is_space, cmds);
	CHECK(n >= -1 && n <= MONITOR_SCRIPT_MAX);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(cmds[i]);

		CHECK(cmds[i] >= buf && cmds[i] + len < buf + sizeof(buf));
		CHECK(len > 0 && len < MONITOR_LINE_MAX && cmds[i][0] != ' ' && cmds[i][0] != '\t');
		CHECK(!strchr(cmds[i], ';') && !(comma_is_space && strchr(cmds[i], ',')));
	}
}

static void check_words(char *line)
{
	char copy[MONITOR_LINE_MAX], ref[MONITOR_LINE_MAX], joined[MONITOR_LINE_MAX];
	char *argv[MONITOR_MAX_ARGS], *refv[MONITOR_MAX_ARGS];
	int argc, refc = 0;
	size_t n;

	snprintf(copy, sizeof(copy), "%s", line);
	snprintf(ref, sizeof(ref), "%s", line);
	argc = monitor_split(copy, argv, MONITOR_MAX_ARGS);
	for (char *p = strtok(ref, " \t"); p && refc < MONITOR_MAX_ARGS; p = strtok(NULL, " \t"))
		refv[refc++] = p;
	CHECK(argc == refc);
	for (int i = 0; i < argc; i++) {
		unsigned int idx = 99;
		uint8_t bytes[MONITOR_LINE_MAX / 2];
		int lvl = -1, nb;
		size_t len = strlen(argv[i]);

		CHECK(!strcmp(argv[i], refv[i]));
		CHECK(len > 0 && !strpbrk(argv[i], " \t"));
		CHECK(argv[i] >= copy && argv[i] + len < copy + sizeof(copy));

		if (monitor_parse_index(argv[i], 4, &idx))
			CHECK(idx < 4 && strtoul(argv[i], NULL, 0) == idx);
		else
			CHECK(idx == 99);

		nb = monitor_parse_hex(argv[i], bytes, sizeof(bytes));
		if (nb >= 0) {
			char back[MONITOR_LINE_MAX + 1];

			CHECK((size_t)nb * 2 == len && (size_t)nb <= sizeof(bytes));
			for (int k = 0; k < nb; k++)
				snprintf(back + 2 * k, 3, "%02x", bytes[k]);
			CHECK(!strncasecmp(back, argv[i], len));
		} else {
			CHECK(nb == -1 || nb == -2);
			CHECK(nb == -2 || len == 0 || len % 2 || len / 2 > sizeof(bytes));
		}
		if (monitor_parse_loglevel(argv[i], &lvl))
			CHECK(lvl >= 0 && lvl <= 4 && strtol(argv[i], NULL, 10) == lvl);
		else
			CHECK(lvl == -1);
	}
	for (int first = 0; first <= argc; first++) {
		size_t want = 0;

		n = monitor_join(joined, sizeof(joined), argc, argv, first);
		CHECK(n < sizeof(joined) && strlen(joined) == n);
		for (int i = first; i < argc; i++)
			want += strlen(argv[i]) + (i > first);
		/* Single spaces never lengthen a line the editor accepted. */
		CHECK(n == want);
		for (int i = first, off = 0; i < argc; i++) {
			CHECK(!strncmp(joined + off, argv[i], strlen(argv[i])));
			off += (int)strlen(argv[i]) + 1;
		}
	}
	check_validation(argc, argv);
	/* A small buffer cuts, never overruns. */
	n = monitor_join(joined, 5, argc, argv, 0);
	CHECK(n <= 4 && strlen(joined) == n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct line_editor ed = { 0 };

	for (size_t i = 0; i < size; i++) {
		char echo[LINE_ECHO_MAX + 4];
		size_t en = 99;
		enum line_status st = line_edit(&ed, (char)data[i], echo, &en);

		CHECK(en <= LINE_ECHO_MAX);
		CHECK(ed.len < sizeof(ed.buf));
		if (st == LINE_PENDING)
			continue;
		CHECK(en == 1 && echo[0] == '\n' && ed.len == 0 && !ed.overflow);
		if (st == LINE_READY) {
			size_t len = strnlen(ed.buf, sizeof(ed.buf));

			CHECK(len < sizeof(ed.buf));
			for (size_t k = 0; k < len; k++)
				CHECK(ed.buf[k] >= 0x20 && ed.buf[k] <= 0x7e);
			check_script(ed.buf, false);
			check_script(ed.buf, true);
			check_words(ed.buf);
		}
	}
	return 0;
}
