// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_monitor_parse.c - the validation console's argument parsers
 * (console/monitor_parse.c, #included as the monitor runs it): numbers,
 * `hcall`, `mem`, `crq` and the script splitter, each with its edges and
 * its error answers. The CRQ ring dump (drivers/crq.c) on a hand-made ring.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "console/monitor_parse.c"
#include "drivers/crq.h"

/* Split a command line as the monitor does; @buf keeps the words. */
static int words(char *buf, size_t size, const char *line, char **argv)
{
	snprintf(buf, size, "%s", line);
	return monitor_split(buf, argv, MONITOR_MAX_ARGS);
}

static void test_u64(void **state)
{
	uint64_t v;

	assert_true(monitor_parse_u64("0", &v) && v == 0);
	assert_true(monitor_parse_u64("0x71000002", &v) && v == 0x71000002);
	assert_true(monitor_parse_u64("010", &v) && v == 8);
	assert_true(monitor_parse_u64("-1", &v) && v == UINT64_MAX);
	assert_true(monitor_parse_u64("0xffffffffffffffff", &v) && v == UINT64_MAX);
	v = 7;
	assert_false(monitor_parse_u64("", &v));
	assert_false(monitor_parse_u64("0x10000000000000000", &v));
	assert_false(monitor_parse_u64("-9223372036854775809", &v));
	assert_false(monitor_parse_u64("12z", &v));
	assert_false(monitor_parse_u64("+1", &v));
	assert_false(monitor_parse_u64(" 1", &v));
	assert_false(monitor_parse_u64("-x", &v));
	assert_false(monitor_parse_u64("-0x1", &v));
	assert_int_equal(v, 7);
}

static void test_hcall(void **state)
{
	char buf[MONITOR_LINE_MAX], *argv[MONITOR_MAX_ARGS];
	struct monitor_hcall h;
	int argc;

	argc = words(buf, sizeof(buf), "hcall H_GET_TCE 0x71000000 0x1000", argv);
	assert_null(monitor_parse_hcall(argc, argv, &h));
	assert_int_equal(h.opcode, H_GET_TCE);
	assert_int_equal(h.nargs, 2);
	assert_int_equal(h.args[0], 0x71000000);
	assert_int_equal(h.args[1], 0x1000);
	assert_int_equal(h.args[2], 0);
	assert_false(h.force);

	argc = words(buf, sizeof(buf), "hcall -f 0x45c 0x300 1 0 4 5 -1", argv);
	assert_null(monitor_parse_hcall(argc, argv, &h));
	assert_true(h.force);
	assert_int_equal(h.opcode, H_WATCHDOG);
	assert_int_equal(h.nargs, 6);
	assert_int_equal(h.args[5], UINT64_MAX);

	argc = words(buf, sizeof(buf), "hcall H_WATCHDOG", argv);
	assert_null(monitor_parse_hcall(argc, argv, &h));
	assert_int_equal(h.nargs, 0);

	argc = words(buf, sizeof(buf), "hcall", argv);
	assert_string_equal(monitor_parse_hcall(argc, argv, &h),
			    "give the hcall, by name (H_GET_TCE) or number (0x1c)");
	argc = words(buf, sizeof(buf), "hcall -f", argv);
	assert_non_null(monitor_parse_hcall(argc, argv, &h));
	argc = words(buf, sizeof(buf), "hcall H_NOPE", argv);
	assert_string_equal(monitor_parse_hcall(argc, argv, &h),
			    "unknown hcall name (the names `stats` prints; or give the number)");
	argc = words(buf, sizeof(buf), "hcall h_get_tce", argv);	/* names are exact */
	assert_non_null(monitor_parse_hcall(argc, argv, &h));
	argc = words(buf, sizeof(buf), "hcall H_?", argv);	/* the placeholder is no name */
	assert_non_null(monitor_parse_hcall(argc, argv, &h));
	argc = words(buf, sizeof(buf), "hcall 0x1e", argv);
	assert_string_equal(monitor_parse_hcall(argc, argv, &h),
			    "hcall numbers are multiples of 4 up to 0xfffc");
	argc = words(buf, sizeof(buf), "hcall 0x10000", argv);
	assert_non_null(monitor_parse_hcall(argc, argv, &h));
	argc = words(buf, sizeof(buf), "hcall 0xfffc", argv);
	assert_null(monitor_parse_hcall(argc, argv, &h));
	argc = words(buf, sizeof(buf), "hcall 0x1c 1 2 3 4 5 6 7", argv);
	assert_string_equal(monitor_parse_hcall(argc, argv, &h), "at most 6 arguments (r4..r9)");
	argc = words(buf, sizeof(buf), "hcall 0x1c 1 two", argv);
	assert_string_equal(monitor_parse_hcall(argc, argv, &h),
			    "an argument is not a number (decimal, 0x hex, 0 octal, -N)");
	argc = words(buf, sizeof(buf), "hcall x1c", argv);
	assert_string_equal(monitor_parse_hcall(argc, argv, &h), "the hcall is not a name or a number");
}

static void test_hcall_policy(void **state)
{
	assert_true(monitor_hcall_is_harmless(H_GET_TCE));
	assert_true(monitor_hcall_is_harmless(H_IPOLL));
	assert_false(monitor_hcall_is_harmless(H_SET_MODE));
	assert_false(monitor_hcall_is_harmless(H_FREE_CRQ));
	assert_false(monitor_hcall_is_harmless(H_PUT_TCE));
	assert_false(monitor_hcall_is_harmless(H_WATCHDOG));
	assert_false(monitor_hcall_is_harmless(0x800));	/* unknown: not harmless */
}

static void test_mem(void **state)
{
	char buf[MONITOR_LINE_MAX], *argv[MONITOR_MAX_ARGS];
	const uint64_t base = 0x1000, size = 0x10000;	/* valid: 0x1000..0x10fff */
	uint64_t a;
	uint32_t n;
	int argc;

	argc = words(buf, sizeof(buf), "mem 0x1000", argv);
	assert_null(monitor_parse_mem(argc, argv, base, size, &a, &n));
	assert_int_equal(a, 0x1000);
	assert_int_equal(n, MONITOR_MEM_DEFAULT);
	argc = words(buf, sizeof(buf), "mem 0x10ff0 16", argv);
	assert_null(monitor_parse_mem(argc, argv, base, size, &a, &n));
	assert_int_equal(n, 16);
	argc = words(buf, sizeof(buf), "mem 0x10ff0 17", argv);
	assert_string_equal(monitor_parse_mem(argc, argv, base, size, &a, &n),
			    "the range is not inside the partition's real memory (see `dt`)");
	argc = words(buf, sizeof(buf), "mem 0xfff 1", argv);
	assert_non_null(monitor_parse_mem(argc, argv, base, size, &a, &n));
	argc = words(buf, sizeof(buf), "mem 0x11000 1", argv);
	assert_non_null(monitor_parse_mem(argc, argv, base, size, &a, &n));
	argc = words(buf, sizeof(buf), "mem -1 16", argv);	/* would wrap */
	assert_non_null(monitor_parse_mem(argc, argv, base, size, &a, &n));
	argc = words(buf, sizeof(buf), "mem 0x1000 0", argv);
	assert_string_equal(monitor_parse_mem(argc, argv, base, size, &a, &n),
			    "the length must be 1..4096 bytes");
	argc = words(buf, sizeof(buf), "mem 0x1000 4097", argv);
	assert_non_null(monitor_parse_mem(argc, argv, base, size, &a, &n));
	argc = words(buf, sizeof(buf), "mem 0x1000 4096", argv);
	assert_null(monitor_parse_mem(argc, argv, base, size, &a, &n));
	argc = words(buf, sizeof(buf), "mem", argv);
	assert_string_equal(monitor_parse_mem(argc, argv, base, size, &a, &n),
			    "give the address and, optionally, the length");
	argc = words(buf, sizeof(buf), "mem 1 2 3", argv);
	assert_non_null(monitor_parse_mem(argc, argv, base, size, &a, &n));
	argc = words(buf, sizeof(buf), "mem nowhere", argv);
	assert_string_equal(monitor_parse_mem(argc, argv, base, size, &a, &n),
			    "the address is not a number");
	argc = words(buf, sizeof(buf), "mem 0x1000 lots", argv);
	assert_string_equal(monitor_parse_mem(argc, argv, base, size, &a, &n),
			    "the length is not a number");
	/* memory that ends at the top of the address space: no overflow */
	argc = words(buf, sizeof(buf), "mem 0xfffffffffffffff0 16", argv);
	assert_null(monitor_parse_mem(argc, argv, 0xffffffffffff0000ull, 0x10000, &a, &n));
	argc = words(buf, sizeof(buf), "mem 0xfffffffffffffff0 17", argv);
	assert_non_null(monitor_parse_mem(argc, argv, 0xffffffffffff0000ull, 0x10000, &a, &n));
}

static void test_crq_args(void **state)
{
	char buf[MONITOR_LINE_MAX], *argv[MONITOR_MAX_ARGS];
	uint32_t f = 9, c = 9;
	int argc;

	argc = words(buf, sizeof(buf), "crq", argv);
	assert_null(monitor_parse_crq(argc, argv, 256, &f, &c));
	assert_int_equal(f, 0);
	assert_int_equal(c, 0);
	argc = words(buf, sizeof(buf), "crq 255 256", argv);
	assert_null(monitor_parse_crq(argc, argv, 256, &f, &c));
	assert_int_equal(f, 255);
	assert_int_equal(c, 256);
	argc = words(buf, sizeof(buf), "crq 256 1", argv);
	assert_string_equal(monitor_parse_crq(argc, argv, 256, &f, &c),
			    "the first entry is not an entry of the ring");
	argc = words(buf, sizeof(buf), "crq 0 0", argv);
	assert_string_equal(monitor_parse_crq(argc, argv, 256, &f, &c),
			    "the count must be 1..the ring's entries");
	argc = words(buf, sizeof(buf), "crq 0 257", argv);
	assert_non_null(monitor_parse_crq(argc, argv, 256, &f, &c));
	argc = words(buf, sizeof(buf), "crq 3", argv);
	assert_string_equal(monitor_parse_crq(argc, argv, 256, &f, &c),
			    "give no argument, or the first entry and the count");
}

static void test_script(void **state)
{
	char s[300], *cmds[MONITOR_SCRIPT_MAX];
	int n;

	snprintf(s, sizeof(s), "stats; mem 0x1000 16;;  ; hcall H_IPOLL 0 ");
	n = monitor_split_script(s, false, cmds);
	assert_int_equal(n, 3);
	assert_string_equal(cmds[0], "stats");
	assert_string_equal(cmds[1], "mem 0x1000 16");
	assert_string_equal(cmds[2], "hcall H_IPOLL 0 ");

	snprintf(s, sizeof(s), "hcall,H_GET_TCE,1,2;dt");
	n = monitor_split_script(s, true, cmds);
	assert_int_equal(n, 2);
	assert_string_equal(cmds[0], "hcall H_GET_TCE 1 2");
	assert_string_equal(cmds[1], "dt");

	snprintf(s, sizeof(s), "a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p");
	assert_int_equal(monitor_split_script(s, false, cmds), MONITOR_SCRIPT_MAX);
	snprintf(s, sizeof(s), "a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q");
	assert_int_equal(monitor_split_script(s, false, cmds), -1);
	memset(s, 'x', MONITOR_LINE_MAX);
	s[MONITOR_LINE_MAX] = '\0';
	assert_int_equal(monitor_split_script(s, false, cmds), -1);
	s[MONITOR_LINE_MAX - 1] = '\0';
	assert_int_equal(monitor_split_script(s, false, cmds), 1);
	snprintf(s, sizeof(s), " ; ;");
	assert_int_equal(monitor_split_script(s, false, cmds), 0);
}

/* crq_dump_ring into a buffer */
static char out[4096];
static size_t out_len;

static int capture(void *arg, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + out_len, sizeof(out) - out_len, fmt, ap);
	va_end(ap);
	out_len += (size_t)n;
	assert_true(out_len < sizeof(out));
	return n;
}

static void test_crq_ring_dump(void **state)
{
	static uint8_t ring[4 * CRQ_ENTRY_SIZE];
	struct crq crq = { 0 };

	out_len = 0;
	assert_int_equal(crq_dump_ring(&crq, capture, NULL, 0, 0), -1);	/* no ring */
	crq.queue = ring;
	crq.n_entries = 4;
	crq.cur = 1;
	memset(ring, 0, sizeof(ring));
	ring[1 * 16] = CRQ_HDR_INIT;
	ring[1 * 16 + 1] = CRQ_INIT_REQUEST;
	ring[3 * 16] = CRQ_HDR_CMD;
	ring[3 * 16 + 15] = 0x42;
	assert_int_equal(crq_dump_ring(&crq, capture, NULL, 0, 0), 2);
	assert_string_equal(out, "crq: ring of 4 entries, cur 1; entries in use:\n"
			    "crq[1] c0 01  c001000000000000 0000000000000000  init  <- cur\n"
			    "crq[3] 80 00  8000000000000000 0000000000000042  command\n");
	out_len = 0;
	/* a range wraps around the ring and shows free entries too */
	assert_int_equal(crq_dump_ring(&crq, capture, NULL, 3, 2), 2);
	assert_string_equal(out, "crq: ring of 4 entries, cur 1\n"
			    "crq[3] 80 00  8000000000000000 0000000000000042  command\n"
			    "crq[0] 00 00  0000000000000000 0000000000000000  free\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_hcall),
		cmocka_unit_test(test_hcall_policy),
		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_crq_args),
		cmocka_unit_test(test_script),
		cmocka_unit_test(test_crq_ring_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
