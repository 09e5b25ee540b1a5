/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sim_internal.h - state shared by the simulator's files; not an API. */
#ifndef VMCFW_HV_SIM_INTERNAL_H
#define VMCFW_HV_SIM_INTERNAL_H

#include "hv/sim/sim.h"

#define SIM_PAGE 4096u

/* One pane-0 TCE table, keyed by its LIOBN. */
struct sim_window {
	uint64_t liobn;
	uint64_t n;			/* 4 KiB pages */
	uint64_t *tce;			/* one TCE per page; 0 = unmapped */
};

struct sim_fault_slot {
	unsigned long opcode;
	unsigned int skip, count;
	long rc;
};

struct sim {
	struct sim_config cfg;
	struct sim_window win[SIM_MAX_WINDOWS];	/* [0] = the VMC's pane 0 */
	/* The MP's CRQ. */
	bool registered, irq, suspended;
	uint64_t crq_ioba, crq_len, crq_ptr;
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
struct sim_window *sim_window(uint64_t liobn);
long sim_dma(uint64_t liobn, uint64_t ioba, void *buf, uint64_t len, bool write);
long sim_dma_check(uint64_t liobn, uint64_t ioba, uint64_t len, bool write);
bool sim_fault_fire(unsigned long opcode, long *rc);
void sim_after_call(void);

#endif /* VMCFW_HV_SIM_INTERNAL_H */
