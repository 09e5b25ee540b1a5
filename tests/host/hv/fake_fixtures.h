/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fake_fixtures.h - cmocka set-up and tear-down over the fake environment,
 * shared by the engine's unit tests (the fuzzers link fake_env.c without
 * cmocka, so these live here). Include after <cmocka.h>.
 */
#ifndef VMCFW_TESTS_HV_FAKE_FIXTURES_H
#define VMCFW_TESTS_HV_FAKE_FIXTURES_H

#include "tests/host/hv/fake_env.h"

/* An engine offering @hmcs HMCs, pool 16, MTU 4096, brought up with the MP
 * asking for the same. */
static inline struct fake_env *fake_new_ready(uint8_t hmcs)
{
	struct vmc_hv_config cfg;
	struct fake_env *f;

	fake_config_default(&cfg);
	cfg.max_hmcs = hmcs;
	f = fake_new(&cfg);
	assert_non_null(f);
	assert_int_equal(fake_bring_up(f, hmcs, 16, 4096), 0);
	return f;
}

/* Every test ends with the engine's invariants holding. */
static inline int fake_teardown(void **state)
{
	struct fake_env *f = *state;

	assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
	fake_free(f);
	return 0;
}

#endif /* VMCFW_TESTS_HV_FAKE_FIXTURES_H */
