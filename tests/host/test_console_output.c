// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_console_output.c - console/console.c's formatted output (#included,
 * the hvterm driver replaced by a capture): short and long pieces arrive
 * whole with LF turned into CR LF, a piece far beyond the stack buffer too,
 * and when the heap cannot hold it the cut is marked with its size; the
 * fatal path marks a reason cut to its bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/hvterm.h"
#include "drivers/watchdog.h"
#include "hcall/rtas.h"

static bool fail_malloc;

static void *heap_or_null(size_t n)
{
	return fail_malloc ? NULL : malloc(n);
}

#define malloc heap_or_null
#include "console/console.c"
#undef malloc

/* --- what console.c reaches below it --- */
static char out[16384];
static size_t out_len;

size_t hvterm_write(const char *buf, size_t len)
{
	assert_true(out_len + len < sizeof(out));
	memcpy(out + out_len, buf, len);
	out_len += len;
	out[out_len] = '\0';
	return len;
}

void rtas_power_off(void)
{
	abort();
}

static jmp_buf ended;
static char os_term_msg[512];

void rtas_os_term(const char *msg)
{
	snprintf(os_term_msg, sizeof(os_term_msg), "%s", msg);
	longjmp(ended, 1);
}

enum drv_result watchdog_disarm(void)
{
	return DRV_OK;
}

static int reset(void **state)
{
	out_len = 0;
	out[0] = '\0';
	fail_malloc = false;
	return 0;
}

static void test_short_line(void **state)
{
	assert_int_equal(con_printf("a=%d\n", 5), 4);
	assert_string_equal(out, "a=5\r\n");
}

/* Every length around the stack buffer's edge and far past the old 511. */
static void test_long_lines_whole(void **state)
{
	static const size_t lens[] = { 254, 255, 256, 257, 511, 512, 513, 3000 };
	char text[3001];

	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		size_t n = lens[k];

		for (size_t i = 0; i < n; i++)
			text[i] = (char)('a' + i % 26);
		text[n] = '\0';
		reset(state);
		assert_int_equal(con_printf("[%s]\n", text), (int)n + 3);
		assert_int_equal(out_len, n + 4);
		assert_int_equal(out[0], '[');
		assert_memory_equal(out + 1, text, n);
		assert_string_equal(out + 1 + n, "]\r\n");
	}
}

static void test_no_memory_marks_the_cut(void **state)
{
	char text[1001];

	memset(text, 'x', 1000);
	text[1000] = '\0';
	fail_malloc = true;
	assert_int_equal(con_printf("%s\n", text), 1001);
	/* the first 255 bytes, then the mark with what is missing: 1001 - 255 */
	assert_int_equal(strspn(out, "x"), 255);
	assert_string_equal(out + 255, "[746 bytes cut: no memory]\r\n");
}

static void test_vprintf_through_a_wrapper(void **state)
{
	char big[700];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(con_printf("%s%s", big, "END"), 702);
	assert_int_equal(out_len, 702);
	assert_string_equal(out + 699, "END");
}

static void test_fatal_reason_cut_is_marked(void **state)
{
	char reason[400];

	memset(reason, 'r', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	if (setjmp(ended) == 0)
		fatal("%s", reason);
	assert_int_equal(strlen(os_term_msg), 255);
	assert_int_equal(strspn(os_term_msg, "r"), 249);
	assert_string_equal(os_term_msg + 249, " [cut]");
	assert_non_null(strstr(out, "FATAL: rrr"));
	assert_non_null(strstr(out, " [cut]\r\n--- log ring (oldest first) ---"));
	assert_non_null(strstr(out, "EXIT: STATUS=1\r\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_short_line, reset),
		cmocka_unit_test_setup(test_long_lines_whole, reset),
		cmocka_unit_test_setup(test_no_memory_marks_the_cut, reset),
		cmocka_unit_test_setup(test_vprintf_through_a_wrapper, reset),
		cmocka_unit_test_setup(test_fatal_reason_cut_is_marked, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
