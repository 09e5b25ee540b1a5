// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_lib.c - the ground floor and the boot-argument parser on the host:
 * device-tree snapshot helpers, the log ring, the hcall busy-retry loop and
 * its names, bootargs_parse().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hcall/hcall.h"
#include "lib/dt.h"
#include "lib/log.h"
#include "lib/time.h"

/* The parser is boot code, but portable: test it as it is. */
#include "boot/bootargs.c"

static void test_dma_window_two_panes_2_2(void **state)
{
	struct dt_vdev v = { .dma_addr_cells = 2, .dma_size_cells = 2 };
	const uint32_t cells[] = { 0x71000002, 0, 0, 0, 0x10000000,
				   0x7f000002, 0, 0x1000, 0, 0x20000 };

	assert_int_equal(dt_parse_dma_window(&v, cells, 10), 2);
	assert_int_equal(v.window[0].liobn, 0x71000002);
	assert_int_equal(v.window[0].base, 0);
	assert_int_equal(v.window[0].size, 0x10000000);
	assert_int_equal(v.window[1].liobn, 0x7f000002);
	assert_int_equal(v.window[1].base, 0x1000);
	assert_int_equal(v.window[1].size, 0x20000);
}

static void test_dma_window_defaults_to_one_cell(void **state)
{
	struct dt_vdev v = { 0 };	/* #dma cells absent: 1 and 1, like Linux */
	const uint32_t cells[] = { 0x10, 0x2000, 0x4000, 0x11, 0x0, 0x8000 };

	assert_int_equal(dt_parse_dma_window(&v, cells, 6), 2);
	assert_int_equal(v.window[1].liobn, 0x11);
	assert_int_equal(v.window[1].size, 0x8000);
}

static void test_dma_window_malformed(void **state)
{
	struct dt_vdev v = { .dma_addr_cells = 2, .dma_size_cells = 2 };
	const uint32_t cells[10] = { 0 };

	assert_int_equal(dt_parse_dma_window(&v, cells, 4), -1);	/* shorter than a pane */
	v.dma_addr_cells = 3;						/* absurd cell count */
	assert_int_equal(dt_parse_dma_window(&v, cells, 10), -1);
	v.dma_addr_cells = 2;
	assert_int_equal(dt_parse_dma_window(&v, cells, 7), 1);		/* one whole pane */
}

static void test_dt_lookups(void **state)
{
	memset(&dt, 0, sizeof(dt));
	strcpy(dt.vdev[0].name, "vty");
	strcpy(dt.vdev[0].device_type, "serial");
	strcpy(dt.vdev[1].name, "ibm,vmc");
	strcpy(dt.vdev[1].compatible, "IBM,vmc");
	dt.n_vdevs = 2;
	dt.rtas_tokens[0] = (struct dt_rtas_token){ "power-off", 0x2003 };
	dt.n_rtas_tokens = 1;
	assert_ptr_equal(dt_find_vdev("serial"), &dt.vdev[0]);
	assert_ptr_equal(dt_find_vdev("vty"), &dt.vdev[0]);
	assert_ptr_equal(dt_find_compatible("IBM,vmc"), &dt.vdev[1]);
	assert_null(dt_find_compatible("IBM,v-scsi"));
	assert_int_equal(dt_rtas_token("power-off"), 0x2003);
	assert_int_equal(dt_rtas_token("ibm,os-term"), -1);
}

static char sunk[4096];
static size_t sunk_len;

static void sink(const char *s, size_t n)
{
	if (sunk_len + n < sizeof(sunk)) {
		memcpy(sunk + sunk_len, s, n);
		sunk_len += n;
		sunk[sunk_len] = '\0';
	}
}

static void test_log_levels_prefix_and_ring(void **state)
{
	log_ring_reset();
	sunk_len = 0;
	sunk[0] = '\0';
	log_set_sink(sink);
	log_level = LOG_INFO;
	pr_err("crq", "bad thing %d", 7);
	pr_debug("vmc", "chatter");
	assert_non_null(strstr(sunk, "crq: ERROR: bad thing 7\n"));
	assert_null(strstr(sunk, "chatter"));		/* above the level: not printed ... */
	assert_true(log_ring_contains("vmc: chatter"));	/* ... but kept in the ring */
	assert_true(sunk[0] == '[' && strstr(sunk, "] crq:"));
	log_set_sink(NULL);
}

static void test_log_long_line_truncated_with_newline(void **state)
{
	char big[600];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sunk_len = 0;
	log_set_sink(sink);
	pr_warn("t", "%s", big);
	log_set_sink(NULL);
	assert_true(sunk_len < 300);
	assert_int_equal(sunk[sunk_len - 1], '\n');
	/* the cut is said, with the number of bytes not shown */
	{
		const char *mark = strstr(sunk, " [");
		int shown_x, cut;

		assert_non_null(mark);
		assert_int_equal(sscanf(mark, " [%d bytes cut]", &cut), 1);
		assert_string_equal(strchr(mark, ']'), "]\n");
		shown_x = (int)strspn(strstr(sunk, "t: WARN: ") + 9, "x");
		assert_int_equal(shown_x + cut, 599);
	}
}

static void test_log_ring_wraps_keeping_newest(void **state)
{
	log_ring_reset();
	for (int i = 0; i < 400; i++)
		pr_info("wrap", "line %04d padding padding padding", i);
	assert_true(log_ring_contains("line 0399"));
	assert_false(log_ring_contains("line 0000 "));
}

/* hcall_retry: a scripted sequence of return codes. */
static const long *script;
static int calls;

static long scripted(void *arg)
{
	return script[calls++];
}

static void test_retry_busy_then_success(void **state)
{
	static const long seq[] = { H_BUSY, H_LONG_BUSY_ORDER_1MSEC, H_BUSY, H_SUCCESS };
	uint64_t t0 = tb_now();

	script = seq;
	calls = 0;
	assert_int_equal(hcall_retry(scripted, NULL, 1000000), H_SUCCESS);
	assert_int_equal(calls, 4);
	assert_true(tb_to_us(tb_now() - t0) >= 1000);	/* the long-busy hint was honoured */
}

static void test_retry_budget_bounds_the_wait(void **state)
{
	static long seq[10000];

	for (size_t i = 0; i < 10000; i++)
		seq[i] = H_LONG_BUSY_ORDER_10MSEC;
	script = seq;
	calls = 0;
	assert_int_equal(hcall_retry(scripted, NULL, 50000), H_LONG_BUSY_ORDER_10MSEC);
	assert_in_range(calls, 2, 10);
}

static void test_retry_error_is_returned_at_once(void **state)
{
	static const long seq[] = { H_PARAMETER, H_SUCCESS };

	script = seq;
	calls = 0;
	assert_int_equal(hcall_retry(scripted, NULL, 1000000), H_PARAMETER);
	assert_int_equal(calls, 1);
}

static void test_names(void **state)
{
	assert_string_equal(hcall_rc_name(H_DROPPED), "H_DROPPED");
	assert_string_equal(hcall_rc_name(12345), "H_UNKNOWN");
	assert_string_equal(hcall_op_name(H_COPY_RDMA), "H_COPY_RDMA");
	assert_int_equal(hcall_long_busy_us(H_LONG_BUSY_ORDER_100MSEC), 100000);
	assert_int_equal(hcall_long_busy_us(H_BUSY), 0);
}

static void reset_config(void)
{
	memset(&boot_config, 0, sizeof(boot_config));
	boot_config.loglevel = -1;
	strcpy(boot_config.hmc_id, "vmcfw");
}

static void test_bootargs_known(void **state)
{
	reset_config();
	bootargs_parse("  smoke irq loglevel=3 hmc-id=lab-7 mtu=8192 pool=0x20 hmcs=2 noopen quiet ");
	assert_int_equal(boot_config.mode, MODE_SMOKE);
	assert_int_equal(boot_config.service, SERVICE_IRQ);
	assert_int_equal(boot_config.loglevel, 3);
	assert_string_equal(boot_config.hmc_id, "lab-7");
	assert_int_equal(boot_config.mtu, 8192);
	assert_int_equal(boot_config.pool, 32);
	assert_int_equal(boot_config.hmcs, 2);
	assert_true(boot_config.noopen && boot_config.quiet);
	assert_int_equal(boot_config.unknown + boot_config.bad_values, 0);
}

static void test_bootargs_bad_input_is_counted_and_reported(void **state)
{
	reset_config();
	log_ring_reset();
	bootargs_parse("smokey loglevel=9 mtu=100 pool=abc hmc-id=0123456789012345678901234567890123 "
		       "loglevel=");
	assert_int_equal(boot_config.unknown, 1);
	assert_int_equal(boot_config.bad_values, 5);
	assert_int_equal(boot_config.mode, MODE_MONITOR);	/* "smokey" is not "smoke" */
	assert_int_equal(boot_config.loglevel, -1);
	assert_int_equal(boot_config.mtu, 0);
	assert_string_equal(boot_config.hmc_id, "vmcfw");
	assert_true(log_ring_contains("unknown boot argument 'smokey'"));
	assert_true(log_ring_contains("bad value in 'mtu=100'"));
}

static void test_bootargs_poll_budgets(void **state)
{
	reset_config();
	log_ring_reset();
	bootargs_parse("poll-spin=40 poll-cede=3 poll-busy=0 poll-idle=700 console-poll=0");
	assert_int_equal(boot_config.poll_spin_us, 40);
	assert_int_equal(boot_config.poll_cede_us, 3);
	assert_int_equal(boot_config.poll_busy_us, 0);
	assert_int_equal(boot_config.poll_idle_us, 700);
	assert_int_equal(boot_config.console_poll_us, 0);
	assert_int_equal(boot_config.unknown + boot_config.bad_values, 0);

	/* out of range: refused, the value before stays; idle below cede: raised */
	bootargs_parse("poll-cede=0 poll-spin=100001 poll-cede=50 poll-idle=20");
	assert_int_equal(boot_config.bad_values, 3);
	assert_int_equal(boot_config.poll_spin_us, 40);
	assert_int_equal(boot_config.poll_cede_us, 50);
	assert_int_equal(boot_config.poll_idle_us, 50);
	assert_true(log_ring_contains("bad value in 'poll-cede=0': expected 1..100000"));
	assert_true(log_ring_contains("poll-idle=20 is below poll-cede=50: using 50 for both"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dma_window_two_panes_2_2),
		cmocka_unit_test(test_dma_window_defaults_to_one_cell),
		cmocka_unit_test(test_dma_window_malformed),
		cmocka_unit_test(test_dt_lookups),
		cmocka_unit_test(test_log_levels_prefix_and_ring),
		cmocka_unit_test(test_log_long_line_truncated_with_newline),
		cmocka_unit_test(test_log_ring_wraps_keeping_newest),
		cmocka_unit_test(test_retry_busy_then_success),
		cmocka_unit_test(test_retry_budget_bounds_the_wait),
		cmocka_unit_test(test_retry_error_is_returned_at_once),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bootargs_known),
		cmocka_unit_test(test_bootargs_bad_input_is_counted_and_reported),
		cmocka_unit_test(test_bootargs_poll_budgets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
