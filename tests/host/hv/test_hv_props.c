// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hv_props.c - unit tests of hv/hv_props.c: the spapr-vmc device's
 * property rules and the engine and link configurations built from them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/hv_props.h"

#define UNIT	0x71000010u
#define LIOBN	0x71000010ull

/* The device's defaults (hv/qemu/spapr_vmc.c's property list). */
static struct hv_props defaults(void)
{
	return (struct hv_props) {
		.max_mtu = 4096, .pool_size = 16, .max_hmcs = 1, .mp_bufs = 4, .hv_bufs = 4,
		.max_copy = VMC_HV_DEFAULT_MAX_COPY,
	};
}

static const char *configure(struct hv_props p)
{
	struct vmc_hv_config cfg;
	struct hmc_link_config link;

	return hv_props_configure(&p, UNIT, LIOBN, &cfg, &link);
}

static void test_defaults_build_both_configs(void **state)
{
	struct hv_props p = defaults();
	struct vmc_hv_config cfg;
	struct hmc_link_config link;

	p.trace_crq = p.crq_full_drop = p.strict = true;
	assert_null(hv_props_configure(&p, UNIT, LIOBN, &cfg, &link));
	assert_int_equal(p.remote_liobn, 0x7f000010);
	assert_int_equal(p.drc_index, UNIT);
	assert_int_equal(cfg.local_liobn, LIOBN);
	assert_int_equal(cfg.remote_liobn, 0x7f000010);
	assert_int_equal(cfg.drc_index, UNIT);
	assert_int_equal(cfg.crq_entries, 256);		/* the engine's default */
	assert_true(cfg.deferred_send);
	assert_true(cfg.strict);
	assert_int_equal(link.max_hmcs, 1);
	assert_int_equal(link.pool_size, 16);
	assert_int_equal(link.remote_liobn, 0x7f000010);
	assert_true(link.trace);
	assert_true(link.crq_full_drop);
	p = defaults();
	p.remote_liobn = 0x7e000001;
	p.drc_index = 5;
	p.crq_entries = 64;
	assert_null(hv_props_configure(&p, UNIT, LIOBN, &cfg, &link));
	assert_int_equal(cfg.remote_liobn, 0x7e000001);
	assert_int_equal(cfg.drc_index, 5);
	assert_int_equal(cfg.crq_entries, 64);
}

static void test_each_rule(void **state)
{
	struct hv_props p;

	p = defaults(); p.max_mtu = 4095;
	assert_string_equal(configure(p), "max-mtu must be 4096..16384, a multiple of 4096");
	p = defaults(); p.max_mtu = 6000;
	assert_non_null(configure(p));
	p = defaults(); p.max_mtu = 16384 + 4096;
	assert_non_null(configure(p));
	p = defaults(); p.max_mtu = 16384; p.max_copy = 16384;
	assert_null(configure(p));
	p = defaults(); p.pool_size = 0;
	assert_string_equal(configure(p), "pool-size must be 1..64");
	p = defaults(); p.pool_size = VMC_HV_MAX_POOL + 1;
	assert_non_null(configure(p));
	p = defaults(); p.max_hmcs = 0;
	assert_string_equal(configure(p), "max-hmcs must be 1..4");
	p = defaults(); p.max_hmcs = VMC_HV_MAX_HMCS + 1;
	assert_non_null(configure(p));
	p = defaults(); p.mp_bufs = 10; p.hv_bufs = 7;
	assert_string_equal(configure(p), "session-mp-bufs + session-hv-bufs exceed pool-size");
	p = defaults(); p.max_copy = 4095;
	assert_string_equal(configure(p), "max-copy must be at least max-mtu");
}

/* Two huge counts whose 32-bit sum wraps to 1 are refused, not let through. */
static void test_buffer_sum_does_not_wrap(void **state)
{
	struct hv_props p = defaults();

	p.mp_bufs = 0xFFFFFFFFu;
	p.hv_bufs = 2;
	assert_string_equal(configure(p), "session-mp-bufs + session-hv-bufs exceed pool-size");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_build_both_configs),
		cmocka_unit_test(test_each_rule),
		cmocka_unit_test(test_buffer_sum_does_not_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
