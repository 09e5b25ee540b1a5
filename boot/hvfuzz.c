// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hvfuzz.c - `hvfuzz=N [seed=S]`: instead of behaving, throw N random but
 * reproducible hypervisor calls at the VMC adapter (CRQ entries of every
 * shape, H_COPY_RDMA with any LIOBN/address/length, H_REQUEST_VMC, CRQ
 * free/register at any moment, TCE changes, interrupt toggles), then check
 * that the device still completes a clean handshake. For validating the
 * hypervisor side (spapr-vmc, or PHYP): the guest is the attacker here.
 *
 * TCEs only ever point at our own scratch pages, so whatever the device
 * writes lands in memory we own; the image itself is never a DMA target.
 */
#include <string.h>

#include "boot/selftest.h"
#include "console/console.h"
#include "console/vmc_app.h"
#include "hcall/hcall.h"
#include "lib/dt.h"
#include "lib/log.h"
#include "lib/time.h"

#define SCRATCH_PAGES	16
#define RC_SLOTS	32	/* histogram of return codes: rc + 16, clamped */

static uint8_t scratch[SCRATCH_PAGES * 4096] __attribute__((aligned(4096)));
static uint64_t rng;
static uint64_t rc_hist[RC_SLOTS];

static uint64_t next(void)
{
	rng ^= rng << 13;	/* xorshift64: small, and the seed says it all */
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t pick(uint64_t n)
{
	return n ? next() % n : 0;
}

static void count(long rc)
{
	long slot = rc + 16;

	if (slot < 0)
		slot = 0;
	if (slot >= RC_SLOTS)
		slot = RC_SLOTS - 1;
	rc_hist[slot]++;
}

/* A CRQ entry biased towards what a device must parse carefully. */
static void random_entry(uint64_t *hi, uint64_t *lo)
{
	static const uint8_t types[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x81, 0x82,
					 0x83, 0x84, 0x85, 0x86, 0x00, 0xFF };
	uint64_t h = next(), l = next();

	switch (pick(6)) {
	case 0:	/* a VMC message with random fields */
	case 1:
		h = (h & 0x0000FFFFFFFFFFFFULL) | 0x8000000000000000ULL |
		    (uint64_t)types[pick(sizeof(types))] << 48;
		if (pick(2))	/* small, plausible session / index / buffer id */
			h = (h & 0xFFFFFFFF00000000ULL) | pick(3) << 24 | pick(3) << 16 | pick(70);
		if (pick(2))
			l = pick(2) ? pick(0x5000) : l;
		break;
	case 2:	/* init / init complete / junk format */
		h = 0xC000000000000000ULL | (uint64_t)pick(4) << 48;
		break;
	case 3:	/* transport-event header: PAPR says H_PARAMETER */
		h = 0xFF00000000000000ULL | (h & 0x00FFFFFFFFFFFFFFULL);
		break;
	default: /* anything at all */
		break;
	}
	*hi = h;
	*lo = l;
}

static uint64_t random_liobn(const struct dt_vdev *v)
{
	switch (pick(4)) {
	case 0: return v->window[0].liobn;
	case 1: return v->window[1].liobn;
	case 2: return pick(2) ? v->window[0].liobn + 1 : 0;
	default: return (uint32_t)next();
	}
}

static uint64_t random_len(void)
{
	switch (pick(4)) {
	case 0: return pick(64);
	case 1: return pick(0x5000);
	case 2: return 4096;
	default: return next() >> pick(64);
	}
}

static uint64_t random_ioba(const struct dt_vdev *v, int pane)
{
	uint64_t size = v->window[pane].size ? v->window[pane].size : 0x10000;

	switch (pick(3)) {
	case 0: return v->window[pane].base + pick(SCRATCH_PAGES) * 4096 + pick(2) * pick(4096);
	case 1: return v->window[pane].base + pick(size + 0x2000);
	default: return next() >> pick(64);
	}
}

static void one_op(const struct dt_vdev *v)
{
	uint64_t hi, lo, drc, unit = v->reg;
	long rc;

	switch (pick(16)) {
	case 0 ... 5:
		random_entry(&hi, &lo);
		rc = h_send_crq(pick(20) ? unit : (uint32_t)next(), hi, lo);
		break;
	case 6 ... 8:
		rc = h_copy_rdma(random_len(), random_liobn(v), random_ioba(v, (int)pick(2)),
				 random_liobn(v), random_ioba(v, (int)pick(2)));
		break;
	case 9:
		rc = h_request_vmc(&drc);
		break;
	case 10:
		rc = h_free_crq(unit);
		break;
	case 11: {
		/* register a scratch page (sometimes a bad address or length) */
		uint64_t page = pick(SCRATCH_PAGES);
		uint64_t ioba = v->window[0].base + page * 4096 + (pick(8) ? 0 : pick(4096));
		uint64_t len = pick(8) ? 4096 : random_len();

		memset(scratch + page * 4096, 0, 4096);
		rc = h_reg_crq(unit, ioba, len);
		break;
	}
	case 12: {
		/* map a scratch page somewhere in pane 0, random permissions */
		uint64_t page = pick(SCRATCH_PAGES);
		uint64_t ioba = v->window[0].base + pick(SCRATCH_PAGES) * 4096;

		rc = h_put_tce(v->window[0].liobn, ioba,
			       pick(6) ? ((uint64_t)(uintptr_t)(scratch + page * 4096) | pick(4)) : 0);
		break;
	}
	case 13:
		rc = h_vio_signal(unit, pick(4) ? pick(2) : next());
		break;
	case 14:
		rc = h_enable_crq(unit);
		break;
	default:
		/* consume whatever the device wrote into any scratch page */
		for (unsigned int i = 0; i < sizeof(scratch); i += 16)
			if (scratch[i] & 0x80)
				scratch[i] = 0;
		rc = 0;
		break;
	}
	count(rc);
}

static bool is_ready(void)
{
	return vmc_get_state(vmc_app_engine()) == VMC_STATE_READY;
}

void hvfuzz_run(unsigned int ops, uint64_t seed)
{
	const struct dt_vdev *v = vmc_app_device();
	uint64_t t0 = tb_now();
	struct deadline end;

	if (!seed)
		seed = t0 | 1;
	rng = seed;
	con_printf("HVFUZZ start ops=%u seed=0x%llx\n", ops, (unsigned long long)seed);
	if (!v || v->n_windows < 2) {
		con_printf("HVFUZZ error=no-vmc-adapter\n");
		partition_exit(1);
	}
	for (unsigned int i = 0; i < ops; i++) {
		one_op(v);
		if ((i + 1) % 10000 == 0)
			con_printf("HVFUZZ progress ops=%u\n", i + 1);
	}
	con_printf("HVFUZZ done ops=%u us=%llu rc:", ops, (unsigned long long)tb_to_us(tb_now() - t0));
	for (int s = 0; s < RC_SLOTS; s++)
		if (rc_hist[s])
			con_printf(" %s=%llu", s == 0 ? "<=-16" : s == RC_SLOTS - 1 ? ">=16" :
				   hcall_rc_name(s - 16), (unsigned long long)rc_hist[s]);
	con_printf("\n");

	/* Clean up our mess, then the device must still talk properly. */
	h_free_crq(v->reg);
	for (unsigned int p = 0; p < SCRATCH_PAGES; p++)
		h_put_tce(v->window[0].liobn, v->window[0].base + p * 4096, 0);
	if (boot_start_vmc(false) != 0) {
		con_printf("HVFUZZ verdict=fail reason=adapter-start\n");
		partition_exit(1);
	}
	end = deadline_in_us(20000000);
	while (!is_ready() && !deadline_passed(end))
		vmc_app_step(10000);
	if (!is_ready()) {
		con_printf("HVFUZZ verdict=fail reason=no-clean-handshake state=%s\n",
			   vmc_state_name(vmc_get_state(vmc_app_engine())));
		partition_exit(1);
	}
	con_printf("HVFUZZ verdict=ok clean handshake after %u hostile operations (seed 0x%llx)\n",
		   ops, (unsigned long long)seed);
	partition_exit(0);
}
