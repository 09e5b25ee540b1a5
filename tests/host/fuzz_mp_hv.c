// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_mp_hv.c - libFuzzer target: the MP engine against the real HV
 * engine, both driven by a script of API calls, HV faults and knobs,
 * injected raw entries and time steps. Both sides' invariants are checked
 * after every step; at the end, with faults cleared and an HV restart,
 * the channel must come back to READY and carry a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcall/hcall.h"
#include "lib/time.h"
#include "tests/host/harness.h"

static struct harness H;
static const uint8_t *in;
static size_t left;

static uint8_t u8(void)
{
	if (!left)
		return 0;
	left--;
	return *in++;
}

static uint32_t u32(void)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 8 | u8();
	return v;
}

static void check(unsigned int op)
{
	int mp = vmc_check_invariants(&H.v), hv = vmc_hv_check_invariants(sim_hv());

	if (mp || hv) {
		fprintf(stderr, "invariant mp %d hv %d after op %u\n", mp, hv, op);
		abort();
	}
}

static const uint16_t matches[] = { 0, 0x8081, 0x8082, 0x8083, 0x8004, 0x8006, 0xC002,
				    0x8002, 0x8003, 0x8084 };
static const long rdma_rcs[] = { HV_H_PERMISSION, HV_H_SOURCE_PARM, HV_H_DEST_PARM,
				 HV_H_PARAMETER };

static void step(void)
{
	unsigned int op = u8() % 16;
	uint8_t buf[256];

	switch (op) {
	case 0: {
		uint8_t id[32];

		memset(id, u8(), sizeof(id));
		vmc_open(&H.v, (int)(u8() % 3) - 1, id, NULL);
		break;
	}
	case 1:
		memset(buf, u8(), sizeof(buf));
		vmc_send(&H.v, u8() % 2, buf, 1 + u8());
		break;
	case 2:
		vmc_close(&H.v, u8() % 2);
		break;
	case 3:
		memset(buf, u8(), sizeof(buf));
		vmc_hv_hmc_send(sim_hv(), u8() % 2, buf, 1 + u8());
		break;
	case 4:
		vmc_hv_hmc_add_buffer(sim_hv(), u8() % 2, u8() & 1);
		break;
	case 5:
		vmc_hv_hmc_remove_buffer(sim_hv(), u8() % 2);
		break;
	case 6:
		vmc_hv_reset(sim_hv(), (uint8_t[]){ 1, 2, 4 }[u8() % 3], (uint64_t)u8() * 1000);
		break;
	case 7:
		vmc_hv_fault_message(sim_hv(), (enum vmc_hv_dir)(u8() & 1),
				     (enum vmc_hv_fault_action)(1 + u8() % 3),
				     matches[u8() % sizeof(matches) / sizeof(matches[0])], 1 + u8() % 3,
				     1 + u8() % 2, (uint64_t)u8() * 10000);
		break;
	case 8:
		vmc_hv_fault_rdma(sim_hv(), 1 + u8() % 3, 1 + u8() % 2, rdma_rcs[u8() % 4]);
		break;
	case 9: {
		int knob = u8() % VMC_HV_KNOB_COUNT;
		uint8_t v = u8();

		if (knob != VMC_HV_KNOB_REQUEST_VMC_RC && knob != VMC_HV_KNOB_REQUEST_VMC_COUNT)
			vmc_hv_set_knob(sim_hv(), knob, v % 4 == 0 ? VMC_HV_KNOB_OFF : v % 8);
		break;
	}
	case 10: {
		uint64_t hi = (uint64_t)u32() << 32 | u32();

		vmc_hv_inject_raw(sim_hv(), hi | (1ULL << 63), u32());
		break;
	}
	case 11:
		sim_advance_us((uint64_t)u8() * 25000);
		vmc_tick(&H.v);
		break;
	case 12:
		sim_fault((unsigned long[]){ H_SEND_CRQ, H_COPY_RDMA, H_FREE_CRQ, H_REG_CRQ }[u8() % 4],
			  1 + u8() % 3, 1 + u8() % 2,
			  (long[]){ H_DROPPED, H_CLOSED, H_BUSY, H_RESOURCE, H_HARDWARE }[u8() % 5]);
		break;
	case 13:
		H.echo = u8() & 1;
		break;
	case 14:
		if (u8() % 16 == 0)
			vmc_restart(&H.v);
		break;
	default:
		break;
	}
	vmc_poll(&H.v);
	check(op);
}

static bool ready(struct harness *h)
{
	return h->v.state == VMC_STATE_READY;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_config sc;

	in = data;
	left = size;
	sim_config_default(&sc);
	sc.pane0_size = 1u << 20;
	sc.hv.max_hmcs = 2;
	sc.hv.pool_size = 8;
	sc.hv.strict = (size & 1) != 0;
	sc.hv.deferred_send = (size & 2) != 0;
	harness_setup(&H, &sc, NULL);
	vmc_start(&H.v);
	while (left)
		step();
	/* Recovery: whatever happened, a clean restart must give a working channel. */
	H.echo = false;
	sim_faults_clear();
	vmc_hv_faults_clear(sim_hv());
	vmc_hv_reset(sim_hv(), 0x02, 1000);
	if (!harness_until(&H, ready, 30000000)) {
		fprintf(stderr, "no recovery: state %s\n", vmc_state_name(H.v.state));
		abort();
	}
	check(99);
	vmc_stop(&H.v);
	check(100);
	harness_teardown(&H);
	return 0;
}
