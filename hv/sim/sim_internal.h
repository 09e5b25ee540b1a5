/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sim_internal.h - state shared by the simulator's files; not an API. */
#ifndef VMCFW_HV_SIM_INTERNAL_H
#define VMCFW_HV_SIM_INTERNAL_H

#include "hv/sim/hvenv.h"
#include "hv/sim/sim.h"

struct sim_fault_slot {
	unsigned long opcode;
	unsigned int skip, count;
	long rc;
};

struct sim {
	struct sim_config cfg;
	/* TCE tables ([0]: the VMC's pane 0), the MP's CRQ, the hcall rules. */
	struct hvenv env;
	bool suspended;			/* partner suspended (0xFF06) until H_ENABLE_CRQ */
	/* Partners. */
	struct vmc_hv *hv;
	void *hv_mem;
	uint8_t *raw_remote;
	sim_raw_fn raw_fn;
	void *raw_ctx;
	uint64_t (*raw_log)[2];
	size_t raw_log_n;
	sim_hv_event_fn hv_event_fn;
	void *hv_event_ctx;
	/* Time, faults, guards. */
	uint64_t tb;
	unsigned int depth;		/* nesting of hcalls / engine calls */
	struct sim_fault_slot faults[8];
	struct sim_stats stats;
	bool up;
};

extern struct sim sim;

/* sim_core.c */
bool sim_fault_fire(unsigned long opcode, long *rc);
void sim_after_call(void);

#endif /* VMCFW_HV_SIM_INTERNAL_H */
