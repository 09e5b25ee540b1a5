// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hvenv.c - the host's environment model (hv/sim/hvenv.c) and the
 * shared pane-0 rule (hv/hv_tce.c): every return code of every modelled
 * hcall, in the order QEMU 7.2 checks them, and the same answers through
 * the simulator's hcall seam (hv/sim/sim_hcalls.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hcall/hcall.h"
#include "hv/hv_tce.h"
#include "hv/sim/hvenv.h"
#include "hv/sim/sim.h"
#include "hv/vmc_hv.h"

#define UNIT	0x71000002ULL
#define LIOBN	0x71000002ULL
#define LIOBN2	0x71000003ULL
#define PAGES	16u
#define RW	(VMC_HV_TCE_READ | VMC_HV_TCE_WRITE)

struct fix {
	struct hvenv e;
	uint8_t *mem;		/* PAGES pages of "guest memory" */
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->mem = aligned_alloc(HVENV_PAGE, PAGES * HVENV_PAGE);
	if (!f->mem)
		return -1;
	memset(f->mem, 0, PAGES * HVENV_PAGE);
	hvenv_init(&f->e, UNIT);
	if (hvenv_add_window(&f->e, LIOBN, PAGES * HVENV_PAGE))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	hvenv_fini(&f->e);
	free(f->mem);
	free(f);
	return 0;
}

static uint64_t tce_of(struct fix *f, unsigned int page, unsigned int perm)
{
	return (uint64_t)(uintptr_t)(f->mem + (size_t)page * HVENV_PAGE) | perm;
}

static void map(struct fix *f, unsigned int page, unsigned int perm)
{
	assert_int_equal(hvenv_put_tce(&f->e, LIOBN, (uint64_t)page * HVENV_PAGE,
				       tce_of(f, page, perm)), HV_H_SUCCESS);
}

/* --- the shared pane-0 rule --- */

static void test_tce_check_codes(void **state)
{
	uint64_t t[4] = { 0, VMC_HV_TCE_READ, VMC_HV_TCE_WRITE, RW };

	/* unusable tables */
	assert_int_equal(vmc_hv_tce_check(NULL, 4, 12, 0, 0, 16, false), HV_H_PARAMETER);
	assert_int_equal(vmc_hv_tce_check(t, 0, 12, 0, 0, 16, false), HV_H_PARAMETER);
	assert_int_equal(vmc_hv_tce_check(t, 4, 31, 0, 0, 16, false), HV_H_PARAMETER);
	assert_int_equal(vmc_hv_tce_check(t, UINT64_MAX, 12, 0, 0, 16, false), HV_H_PARAMETER);
	/* zero length: always fine on a usable table, wherever it points */
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, ~0ULL, 0, true), HV_H_SUCCESS);
	/* over 4 GiB - 1: refused before the walk */
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, 0, 1ULL << 32, false), HV_H_PARAMETER);
	/* outside the window: below the bus offset, past its end, wrapping */
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0x1000, 0, 16, false), HV_H_PARAMETER);
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, 4 * 4096 - 8, 16, false), HV_H_PARAMETER);
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, 4 * 4096, 1, false), HV_H_PARAMETER);
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, ~0ULL - 4, 16, false), HV_H_PARAMETER);
	/* a range both outside and unmapped: the range error wins */
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, 0, 5 * 4096, false), HV_H_PARAMETER);
	/* permissions: unmapped (page 0), read-only (1), write-only (2), both (3) */
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, 0, 1, false), HV_H_PERMISSION);
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, 0, 1, true), HV_H_PERMISSION);
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, 4096, 16, false), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, 4096, 16, true), HV_H_PERMISSION);
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, 2 * 4096, 16, false), HV_H_PERMISSION);
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, 2 * 4096, 16, true), HV_H_SUCCESS);
	/* every page of the range counts: 2..3 writable, 1..2 not readable */
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, 2 * 4096, 2 * 4096, true), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, 4096, 2 * 4096, false), HV_H_PERMISSION);
	/* the last byte of the window is inside it; the bus offset shifts pages */
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0, 4 * 4096 - 1, 1, true), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_tce_check(t, 4, 12, 0x10000, 0x10000 + 4096, 1, false),
			 HV_H_SUCCESS);
}

/* --- H_PUT_TCE / H_GET_TCE --- */

static void test_put_get_tce(void **state)
{
	struct fix *f = *state;
	uint64_t tce = 1;

	assert_int_equal(hvenv_put_tce(&f->e, 0x1234, 0, 3), HV_H_PARAMETER);
	assert_int_equal(hvenv_get_tce(&f->e, 0x1234, 0, &tce), HV_H_PARAMETER);
	assert_int_equal(hvenv_put_tce(&f->e, LIOBN, PAGES * HVENV_PAGE, 3), HV_H_PARAMETER);
	assert_int_equal(hvenv_get_tce(&f->e, LIOBN, PAGES * HVENV_PAGE, &tce), HV_H_PARAMETER);
	assert_int_equal(tce, 1);			/* untouched on failure */
	/* QEMU truncates an unaligned IOBA to its page instead of refusing it */
	assert_int_equal(hvenv_put_tce(&f->e, LIOBN, 5 * HVENV_PAGE + 123, 0xABC003), HV_H_SUCCESS);
	assert_int_equal(hvenv_get_tce(&f->e, LIOBN, 5 * HVENV_PAGE, &tce), HV_H_SUCCESS);
	assert_int_equal(tce, 0xABC003);
	assert_int_equal(hvenv_tce(&f->e, LIOBN, 5 * HVENV_PAGE + 4095), 0xABC003);
	assert_int_equal(hvenv_tce(&f->e, LIOBN2, 0), 0);
	assert_int_equal(f->e.stats.tce_puts, 1);
	/* windows: a second table, no duplicates, no LIOBN 0 */
	assert_int_equal(hvenv_add_window(&f->e, LIOBN, HVENV_PAGE), -1);
	assert_int_equal(hvenv_add_window(&f->e, 0, HVENV_PAGE), -1);
	assert_int_equal(hvenv_add_window(&f->e, LIOBN2, HVENV_PAGE), 0);
	assert_int_equal(hvenv_put_tce(&f->e, LIOBN2, 0, 3), HV_H_SUCCESS);
	assert_int_equal(hvenv_put_tce(&f->e, LIOBN2, HVENV_PAGE, 3), HV_H_PARAMETER);
	assert_ptr_equal(hvenv_pane0(&f->e), hvenv_window(&f->e, LIOBN));
}

/* --- device DMA through the TCEs --- */

static void test_dma_through_tces(void **state)
{
	struct fix *f = *state;
	uint8_t in[64], out[64];

	for (unsigned int i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 1);
	map(f, 2, RW);
	map(f, 3, RW);
	/* across a page boundary: the bytes land in guest memory in order */
	assert_int_equal(hvenv_dma_write(&f->e, LIOBN, 3 * HVENV_PAGE - 32, in, 64), HV_H_SUCCESS);
	assert_memory_equal(f->mem + 3 * HVENV_PAGE - 32, in, 64);
	assert_int_equal(hvenv_dma_read(&f->e, LIOBN, 3 * HVENV_PAGE - 32, out, 64), HV_H_SUCCESS);
	assert_memory_equal(out, in, 64);
	/* a page mapped read-only: reads work, writes refused and nothing written */
	map(f, 3, VMC_HV_TCE_READ);
	memset(out, 0xEE, sizeof(out));
	assert_int_equal(hvenv_dma_write(&f->e, LIOBN, 3 * HVENV_PAGE - 32, out, 64),
			 HV_H_PERMISSION);
	assert_memory_equal(f->mem + 3 * HVENV_PAGE - 32, in, 64);
	assert_int_equal(hvenv_dma_read(&f->e, LIOBN, 3 * HVENV_PAGE, out, 8), HV_H_SUCCESS);
	/* an unmapped page, an unknown LIOBN, a range past the window */
	assert_int_equal(hvenv_dma_read(&f->e, LIOBN, 4 * HVENV_PAGE, out, 1), HV_H_PERMISSION);
	assert_int_equal(hvenv_dma_check(&f->e, LIOBN2, 0, 1, false), HV_H_PARAMETER);
	assert_int_equal(hvenv_dma_check(&f->e, LIOBN, PAGES * HVENV_PAGE - 1, 2, false),
			 HV_H_PARAMETER);
	assert_int_equal(hvenv_dma_check(&f->e, LIOBN, 0, 0, true), HV_H_SUCCESS);
}

/* --- H_REG_CRQ / H_FREE_CRQ / H_ENABLE_CRQ / H_VIO_SIGNAL --- */

static void test_reg_crq_rules(void **state)
{
	struct fix *f = *state;

	assert_int_equal(hvenv_reg_crq(&f->e, UNIT + 1, 0, 0x1000), HV_H_PARAMETER);
	assert_int_equal(hvenv_reg_crq(&f->e, UNIT, 0, 0xFFF), HV_H_PARAMETER);
	assert_int_equal(hvenv_reg_crq(&f->e, UNIT, 0, 0x10000001), HV_H_PARAMETER);
	assert_int_equal(hvenv_reg_crq(&f->e, UNIT, 0x800, 0x1000), HV_H_PARAMETER);
	assert_false(hvenv_crq_registered(&f->e));
	/* QEMU takes a size that is not whole pages, and does not look at the TCEs */
	assert_int_equal(hvenv_reg_crq(&f->e, UNIT, 0x5000, 0x1010), HV_H_SUCCESS);
	assert_true(hvenv_crq_registered(&f->e));
	assert_int_equal(f->e.crq_len, 0x1010);
	/* a second queue: H_RESOURCE, but a bad size is still H_PARAMETER first */
	assert_int_equal(hvenv_reg_crq(&f->e, UNIT, 0, 0x1000), HV_H_RESOURCE);
	assert_int_equal(hvenv_reg_crq(&f->e, UNIT, 0, 0x10), HV_H_PARAMETER);
	/* free: unknown unit refused, then freed, freeing again is fine */
	assert_int_equal(hvenv_free_crq(&f->e, UNIT + 1), HV_H_PARAMETER);
	assert_true(hvenv_crq_registered(&f->e));
	assert_int_equal(hvenv_free_crq(&f->e, UNIT), HV_H_SUCCESS);
	assert_false(hvenv_crq_registered(&f->e));
	assert_int_equal(hvenv_free_crq(&f->e, UNIT), HV_H_SUCCESS);
	/* the largest queue QEMU takes */
	assert_int_equal(hvenv_reg_crq(&f->e, UNIT, 0, 0x10000000), HV_H_SUCCESS);
	assert_int_equal(hvenv_enable_crq(&f->e, UNIT + 1), HV_H_PARAMETER);
	assert_int_equal(hvenv_enable_crq(&f->e, UNIT), HV_H_SUCCESS);
}

static void test_vio_signal_and_irq_state(void **state)
{
	struct fix *f = *state;

	assert_int_equal(hvenv_vio_signal(&f->e, UNIT + 1, 1), HV_H_PARAMETER);
	assert_int_equal(hvenv_vio_signal(&f->e, UNIT, 2), HV_H_PARAMETER);
	assert_int_equal(hvenv_vio_signal(&f->e, UNIT, 3), HV_H_PARAMETER);
	assert_int_equal(f->e.signal_state, 0);
	assert_int_equal(hvenv_vio_signal(&f->e, UNIT, 1), HV_H_SUCCESS);
	/* QEMU leaves the interrupt as it was across register and free */
	assert_int_equal(hvenv_reg_crq(&f->e, UNIT, 0, 0x1000), HV_H_SUCCESS);
	assert_int_equal(f->e.signal_state, 1);
	assert_int_equal(hvenv_free_crq(&f->e, UNIT), HV_H_SUCCESS);
	assert_int_equal(f->e.signal_state, 1);
	assert_int_equal(hvenv_vio_signal(&f->e, UNIT, 0), HV_H_SUCCESS);
	assert_int_equal(f->e.signal_state, 0);
}

/* --- H_SEND_CRQ before any VMC logic --- */

static void test_send_crq_accept(void **state)
{
	struct fix *f = *state;

	assert_int_equal(hvenv_unit_check(&f->e, UNIT + 1), HV_H_PARAMETER);
	assert_int_equal(hvenv_unit_check(&f->e, UNIT), HV_H_SUCCESS);
	assert_int_equal(hvenv_crq_accept(&f->e, 0x0000000000000000ULL), HV_H_PARAMETER);
	assert_int_equal(hvenv_crq_accept(&f->e, 0x7F00000000000000ULL), HV_H_PARAMETER);
	assert_int_equal(hvenv_crq_accept(&f->e, 0xFF01000000000000ULL), HV_H_PARAMETER);
	assert_int_equal(hvenv_crq_accept(&f->e, 0x8001000000000000ULL), HV_H_CLOSED);
	assert_int_equal(hvenv_reg_crq(&f->e, UNIT, 0, 0x1000), HV_H_SUCCESS);
	assert_int_equal(hvenv_crq_accept(&f->e, 0x8001000000000000ULL), HV_H_SUCCESS);
	assert_int_equal(hvenv_crq_accept(&f->e, 0xC001000000000000ULL), HV_H_SUCCESS);
	assert_int_equal(hvenv_crq_accept(&f->e, 0xFF01000000000000ULL), HV_H_PARAMETER);
}

/* --- the guest's ring --- */

static void test_crq_push(void **state)
{
	struct fix *f = *state;
	static const uint8_t want[16] = { 0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
					  0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F };

	assert_int_equal(hvenv_crq_push(&f->e, 1ULL << 63, 0), VMC_HV_TX_CLOSED);
	assert_int_equal(hvenv_crq_outstanding(&f->e), 0);
	/* registered on an unmapped page: refused as "retry later", counted */
	assert_int_equal(hvenv_reg_crq(&f->e, UNIT, HVENV_PAGE, 0x1000), HV_H_SUCCESS);
	assert_int_equal(hvenv_crq_push(&f->e, 0x8001020304050607ULL, 0), VMC_HV_TX_FULL);
	assert_int_equal(f->e.stats.ring_dma_errors, 1);
	/* write-only: the header read fails, as in QEMU */
	map(f, 1, VMC_HV_TCE_WRITE);
	assert_int_equal(hvenv_crq_push(&f->e, 0x8001020304050607ULL, 0), VMC_HV_TX_FULL);
	assert_int_equal(f->e.stats.ring_dma_errors, 2);
	map(f, 1, RW);
	assert_int_equal(hvenv_crq_push(&f->e, 0x8001020304050607ULL, 0x08090A0B0C0D0E0FULL),
			 VMC_HV_TX_OK);
	assert_memory_equal(f->mem + HVENV_PAGE, want, 16);
	assert_int_equal(hvenv_crq_outstanding(&f->e), 1);
	assert_int_equal(f->e.stats.irq_pulses, 0);
	/* fill the other 255 slots with the interrupt on: each one pulses */
	assert_int_equal(hvenv_vio_signal(&f->e, UNIT, 1), HV_H_SUCCESS);
	for (unsigned int i = 1; i < 256; i++)
		assert_int_equal(hvenv_crq_push(&f->e, 0x8000000000000000ULL | i, i), VMC_HV_TX_OK);
	assert_int_equal(f->e.stats.irq_pulses, 255);
	assert_int_equal(hvenv_crq_outstanding(&f->e), 256);
	/* wrapped round to slot 0, which is busy: full, nothing overwritten */
	assert_int_equal(hvenv_crq_push(&f->e, 0x80FF000000000000ULL, 0), VMC_HV_TX_FULL);
	assert_int_equal(f->e.stats.ring_full, 1);
	assert_memory_equal(f->mem + HVENV_PAGE, want, 16);
	/* the guest consumes slot 0: the next entry goes there */
	f->mem[HVENV_PAGE] = 0;
	assert_int_equal(hvenv_crq_push(&f->e, 0x80FF000000000000ULL, 0), VMC_HV_TX_OK);
	assert_int_equal(f->mem[HVENV_PAGE + 1], 0xFF);
	assert_int_equal(f->e.stats.ring_writes, 257);
}

/* --- the same rules through the simulator's hcall seam --- */

static void test_sim_seam_uses_the_model(void **state)
{
	struct sim_config cfg;
	void *page = aligned_alloc(4096, 4096);

	assert_non_null(page);
	sim_config_default(&cfg);
	cfg.raw_partner = true;
	assert_int_equal(sim_init(&cfg), 0);
	/* a size QEMU accepts that the simulator used to refuse */
	assert_int_equal(h_reg_crq(cfg.unit, 0, 0x1800), H_SUCCESS);
	assert_true(sim_mp_registered());
	assert_int_equal(h_reg_crq(cfg.unit, 0, 0x1000), H_RESOURCE);
	assert_int_equal(h_free_crq(cfg.unit), H_SUCCESS);
	assert_int_equal(h_reg_crq(cfg.unit, 0x10, 0x1000), H_PARAMETER);
	assert_int_equal(h_reg_crq(cfg.unit + 1, 0, 0x1000), H_PARAMETER);
	/* H_PUT_TCE with an unaligned IOBA maps its page */
	assert_int_equal(h_put_tce(cfg.liobn, 0x2010, (uint64_t)(uintptr_t)page | 1), H_SUCCESS);
	assert_int_equal(sim_tce_get(cfg.liobn, 0x2000), (uint64_t)(uintptr_t)page | 1);
	assert_int_equal(h_put_tce(cfg.liobn + 0x100, 0, 0), H_PARAMETER);
	/* H_COPY_RDMA into a read-only page: H_PERMISSION, as QEMU answers */
	assert_int_equal(h_copy_rdma(16, cfg.riobn, 0, cfg.liobn, 0x2000), H_PERMISSION);
	/* into an unmapped one: H_PERMISSION as well (no bit set) */
	assert_int_equal(h_copy_rdma(16, cfg.riobn, 0, cfg.liobn, 0x3000), H_PERMISSION);
	assert_int_equal(h_vio_signal(cfg.unit, 2), H_PARAMETER);
	assert_int_equal(h_send_crq(cfg.unit, 0x7F00000000000000ULL, 0), H_PARAMETER);
	assert_int_equal(h_send_crq(cfg.unit, 0x8001000000000000ULL, 0), H_CLOSED);
	sim_fini();
	free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tce_check_codes),
		cmocka_unit_test_setup_teardown(test_put_get_tce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_through_tces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reg_crq_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vio_signal_and_irq_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_crq_accept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crq_push, setup, teardown),
		cmocka_unit_test(test_sim_seam_uses_the_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
