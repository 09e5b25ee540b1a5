/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * harness.h - shared set-up for the host tests: a vmc engine on heap
 * memory, wired to the simulator, with its callbacks recorded.
 */
#ifndef VMCFW_TESTS_HARNESS_H
#define VMCFW_TESTS_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/sim/sim.h"
#include "vmc/vmc.h"

#define H_MAX_RX	256
#define H_MAX_EV	256
#define H_MAX_HV_EV	256
#define H_CRQ_IOBA	0x0
#define H_BUF_IOBA	0x10000

struct h_rx {
	unsigned int index;
	uint32_t len;
	uint8_t data[VMC_MAX_MTU];
};

struct h_hv_msg {
	unsigned int index;
	uint32_t len;
	uint8_t data[64];
};

struct harness {
	struct vmc v;
	struct vmc_config cfg;
	void *crq_mem, *buf_mem;
	struct h_rx *rx;		/* H_MAX_RX entries */
	unsigned int n_rx;
	struct vmc_event ev[H_MAX_EV];
	unsigned int n_ev;
	struct vmc_hv_event hv_ev[H_MAX_HV_EV];
	struct h_hv_msg hv_msg[H_MAX_HV_EV];	/* HV_EV_MESSAGE payload heads */
	unsigned int n_hv_ev;
	uint8_t hv_open_id[VMC_MAX_HMCS][VMC_HMC_ID_LEN];
	bool echo;			/* send every received message back */
};

/* sim_cfg and vmc tweak may be NULL (defaults). */
void harness_setup(struct harness *h, const struct sim_config *sim_cfg,
		   void (*tweak)(struct vmc_config *cfg));
void harness_teardown(struct harness *h);

/** harness_run - poll, tick and advance virtual time for @us microseconds. */
void harness_run(struct harness *h, uint64_t us);

/** harness_until - run until @cond or @us elapsed; returns @cond's last value. */
bool harness_until(struct harness *h, bool (*cond)(struct harness *h), uint64_t us);

/** harness_ready - start and reach READY (asserts). */
void harness_ready(struct harness *h);

/** harness_open - open @index with an ID derived from @tag, reach OPEN (asserts). */
void harness_open(struct harness *h, unsigned int index, uint8_t tag);

unsigned int harness_events(const struct harness *h, enum vmc_event_kind kind);
unsigned int harness_hv_events(const struct harness *h, enum vmc_hv_event_kind kind);
const struct vmc_event *harness_last_event(const struct harness *h, enum vmc_event_kind kind);

/* Fill @buf with a pattern from @seed; check it. */
void harness_pattern(uint8_t *buf, uint32_t len, uint32_t seed);
bool harness_pattern_ok(const uint8_t *buf, uint32_t len, uint32_t seed);

/** harness_invariants - assert the MP and HV invariants. */
void harness_invariants(const struct harness *h);

/* printf-like sink collecting into a static buffer (dump tests). */
int harness_printf(void *arg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* VMCFW_TESTS_HARNESS_H */
