// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_mp.c - libFuzzer target for the MP dispatcher. The input is a
 * script: arbitrary CRQ entries (raw and structured VMC messages, Init,
 * transport events, garbage), arbitrary pane-1 (RDMA) contents, API calls
 * (open, send, close, restart), time steps and hcall faults. After every
 * step the engine's invariants must hold: ownership states valid, exactly
 * one lent buffer per opening slot, indices and IDs in range, queues
 * bounded.
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
static bool answer_init, answer_open;

static uint8_t u8(void)
{
	if (!left)
		return 0;
	left--;
	return *in++;
}

static uint16_t u16(void)
{
	return (uint16_t)(u8() << 8 | u8());
}

static uint32_t u32(void)
{
	return (uint32_t)u16() << 16 | u16();
}

static void put(const struct vmc_msg *m)
{
	uint64_t hi, lo;

	vmc_msg_encode(m, &hi, &lo);
	sim_raw_inject(hi, lo);
}

static void partner(void *ctx, uint64_t hi, uint64_t lo)
{
	struct vmc_msg m;

	if (hi == 0xC001000000000000ULL && answer_init) {
		sim_raw_inject(0xC002000000000000ULL, 0);
		return;
	}
	if (!vmc_msg_decode(&m, hi, lo))
		return;
	if (m.type == VMC_MSG_CAP) {
		struct vmc_msg r = vmc_msg_cap(VMC_MSG_CAP_RESP, 2, 8, 4096, 256, 0x0101);

		put(&r);
		for (uint8_t i = 0; i < 2; i++)
			put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .index = i,
					       .lioba = (uint32_t)i * 0x8000 });
	}
	if (m.type == VMC_MSG_OPEN && answer_open) {
		put(&(struct vmc_msg){ .type = VMC_MSG_ADD_BUF, .owner = 1, .session = m.session,
				       .index = m.index, .buffer_id = 1,
				       .lioba = m.index * 0x8000u + 0x1000 });
		put(&(struct vmc_msg){ .type = VMC_MSG_OPEN_RESP, .session = m.session,
				       .index = m.index, .buffer_id = m.buffer_id });
	}
}

static void tweak(struct vmc_config *c)
{
	c->remote_window = 1u << 16;
	c->pool_size = 8;
	c->max_mtu = 4096;
}

static const uint8_t types[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x81, 0x82, 0x83, 0x84,
				 0x85, 0x00, 0x7F, 0xFF };
static const unsigned long fault_ops[] = { H_SEND_CRQ, H_COPY_RDMA, H_REG_CRQ, H_FREE_CRQ,
					   H_ENABLE_CRQ, H_VIO_SIGNAL };
static const long fault_rcs[] = { H_BUSY, H_CLOSED, H_DROPPED, H_PARAMETER, H_RESOURCE,
				  H_LONG_BUSY_ORDER_1MSEC, H_PERMISSION, H_IN_PROGRESS };

static void step(void)
{
	uint8_t op = u8() % 14;
	uint8_t buf[4096];

	switch (op) {
	case 0: {	/* raw entry */
		uint64_t hi = (uint64_t)u32() << 32 | u32(), lo = (uint64_t)u32() << 32 | u32();

		if (hi >> 56 == 0)
			hi |= 1ULL << 56;	/* a zero header would be "empty" */
		sim_raw_inject(hi, lo);
		break;
	}
	case 1: {	/* structured message, often for a live session */
		struct vmc_msg m;
		uint8_t idx = u8();

		memset(&m, 0, sizeof(m));
		m.type = types[u8() % sizeof(types)];
		m.status = u8() % 4 ? 0 : u8();
		m.index = idx & 0x80 ? idx : idx % 3;
		m.session = u8() % 3 ? vmc_hmc_session(&H.v, m.index % VMC_MAX_HMCS) : u8();
		m.owner = u8() % 3;
		m.buffer_id = u8() % 4 ? u8() % 10 : u16();
		m.var3 = u8() % 2 ? u16() : u32();
		if (vmc_msg_is_admin(m.type)) {
			m.max_hmc = u8() % 4;
			m.pool_size = u8() % 2 ? u8() : u16();
			m.max_mtu = u8() % 2 ? 4096 : u32();
			m.version = u8() % 2 ? 0x0101 : u16();
		}
		put(&m);
		break;
	}
	case 2:
		vmc_poll(&H.v);
		break;
	case 3:
		sim_advance_us((uint64_t)u8() * 20000);
		vmc_tick(&H.v);
		break;
	case 4: {	/* RDMA contents */
		uint32_t off = u32() % ((1u << 16) - 64);

		for (int i = 0; i < 64; i++)
			sim_raw_remote()[off + (uint32_t)i] = u8();
		break;
	}
	case 5: {
		uint8_t id[32];

		memset(id, u8(), sizeof(id));
		vmc_open(&H.v, (int)(u8() % 4) - 1, id, NULL);
		break;
	}
	case 6: {
		uint16_t len = u16() % 4200;

		memset(buf, u8(), sizeof(buf));
		vmc_send(&H.v, u8() % 3, buf, len > sizeof(buf) ? sizeof(buf) : len);
		break;
	}
	case 7:
		vmc_close(&H.v, u8() % 3);
		break;
	case 8:
		sim_fault(fault_ops[u8() % 6], 1 + u8() % 3, 1 + u8() % 4, fault_rcs[u8() % 8]);
		break;
	case 9: {
		static const uint64_t ctl[] = { 0xC001000000000000ULL, 0xC002000000000000ULL,
						0xFF01000000000000ULL, 0xFF02000000000000ULL,
						0xFF04000000000000ULL, 0xFF06000000000000ULL };
		uint8_t k = u8() % 6;

		if (k == 5)
			sim_suspend();
		else
			sim_raw_inject(ctl[k], 0);
		break;
	}
	case 10:
		answer_init = u8() & 1;
		answer_open = u8() & 1;
		break;
	case 11:
		if (u8() % 8 == 0)
			vmc_restart(&H.v);
		break;
	case 12:
		H.echo = u8() & 1;
		break;
	default:
		sim_faults_clear();
		break;
	}
	if (vmc_check_invariants(&H.v)) {
		fprintf(stderr, "invariant %d after op %u\n", vmc_check_invariants(&H.v), op);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in = data;
	left = size;
	answer_init = answer_open = true;
	{
		struct sim_config sc;

		sim_config_default(&sc);
		sc.raw_partner = true;
		sc.pane0_size = 1u << 20;
		sc.raw_remote_size = 1u << 16;
		harness_setup(&H, &sc, tweak);
	}
	sim_raw_set_handler(partner, NULL);
	vmc_start(&H.v);
	vmc_poll(&H.v);
	while (left)
		step();
	vmc_stop(&H.v);
	if (vmc_check_invariants(&H.v))
		abort();
	harness_teardown(&H);
	return 0;
}
