/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim.h - the host simulator: an implementation of hcall/hcall.h (and of
 * the tb_now()/tb_relax() time hooks) that joins the MP code (vmc/,
 * drivers/crq.c) with the HV engine (hv/vmc_hv.*) in one host process.
 *
 * What the hypervisor owns (the TCE tables, the MP's CRQ registration and
 * ring, the rules and return codes of the TCE and CRQ hcalls) is the
 * environment model hv/sim/hvenv.h, shared with the HV engine's own test
 * fixture and matching QEMU 7.2. This file adds the partners, H_SEND_CRQ
 * into the HV engine, H_COPY_RDMA through the engine's checks, fault hooks,
 * and virtual time that advances on every read.
 *
 * Two partners:
 *   - engine mode (default): the HV engine (hv/vmc_hv.h) answers;
 *   - raw mode (cfg.raw_partner): no VMC logic; every H_SEND_CRQ is logged
 *     and handed to a test hook, and the test writes the MP's ring with
 *     sim_raw_inject(). Pane 1 is then a plain byte array.
 * Fault hooks make the Nth call of an hcall return a chosen rc.
 *
 * One simulator per process (the hcall seam has no context argument).
 */
#ifndef VMCFW_HV_SIM_H
#define VMCFW_HV_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/vmc_hv.h"

#define SIM_RAW_LOG_MAX		4096	/* H_SEND_CRQ entries kept in raw mode */
#define SIM_MAX_WINDOWS		4	/* pane-0 TCE tables (the VMC's + extra devices) */

struct sim_config {
	uint64_t unit;			/* the VMC's unit address */
	uint64_t liobn;			/* pane 0 */
	uint64_t riobn;			/* pane 1 */
	uint64_t pane0_size;		/* bytes of pane 0 (multiple of 4096) */
	uint64_t extra_liobn[SIM_MAX_WINDOWS - 1];	/* more TCE tables (0: none) */
	bool raw_partner;		/* no HV engine: the test plays the partner */
	uint64_t raw_remote_size;	/* raw mode: bytes of pane 1 */
	uint32_t raw_drc_index;		/* raw mode: H_REQUEST_VMC answer */
	long reg_rc;			/* H_REG_CRQ success code: H_SUCCESS or H_CLOSED */
	struct vmc_hv_config hv;	/* engine mode: its configuration */
	bool verbose;			/* engine and sim log lines to stderr */
};

struct sim_stats {
	uint64_t irq_pulses;		/* entries written while the IRQ was on */
	uint64_t ring_writes, ring_full;
	uint64_t faults_fired;
	uint64_t tce_puts;
};

typedef void (*sim_raw_fn)(void *ctx, uint64_t hi, uint64_t lo);
typedef void (*sim_hv_event_fn)(void *ctx, const struct vmc_hv_event *ev);

/** sim_config_default - engine mode, unit 0x71000000, pane 0 of 64 MiB. */
void sim_config_default(struct sim_config *cfg);

/**
 * sim_init - (re)start the simulator with @cfg; time starts at 0.
 * Return: 0, or -1 (no memory, or the HV engine refused @cfg->hv).
 */
int sim_init(const struct sim_config *cfg);

/** sim_fini - release everything sim_init() took. */
void sim_fini(void);

/** sim_hv - the HV engine. Return: it, or NULL in raw mode. */
struct vmc_hv *sim_hv(void);

/** sim_kick - let the HV engine do deferred work (also done after every hcall). */
void sim_kick(void);

/** sim_now_us - virtual time. Return: microseconds since sim_init(). */
uint64_t sim_now_us(void);
/** sim_advance_us - move virtual time on by @us and let the engine work. */
void sim_advance_us(uint64_t us);

/* The MP's CRQ as the hypervisor sees it. */
/** sim_mp_registered - Return: true while the MP has a CRQ registered. */
bool sim_mp_registered(void);
/** sim_mp_irq_enabled - Return: true while H_VIO_SIGNAL has the interrupt on. */
bool sim_mp_irq_enabled(void);
/** sim_mp_outstanding - Return: entries of the MP's CRQ it has not consumed. */
unsigned int sim_mp_outstanding(void);

/**
 * sim_raw_inject - write one entry into the MP's ring (payload, barrier,
 * header) as hvenv_crq_push() does. Usable in both modes (engine mode:
 * bypasses the engine).
 * Return: VMC_HV_TX_OK, VMC_HV_TX_FULL (slot busy, or the ring's page not
 * readable and writable: QEMU retries those) or VMC_HV_TX_CLOSED (no CRQ).
 */
int sim_raw_inject(uint64_t hi, uint64_t lo);

/** sim_raw_set_handler - raw mode: called on every accepted H_SEND_CRQ. */
void sim_raw_set_handler(sim_raw_fn fn, void *ctx);

/**
 * sim_raw_log - raw mode: the H_SEND_CRQ entries so far (hi, lo pairs) in
 * *@entries (at most SIM_RAW_LOG_MAX are kept).
 * Return: how many.
 */
size_t sim_raw_log(const uint64_t (**entries)[2]);
/** sim_raw_log_clear - raw mode: forget the logged entries. */
void sim_raw_log_clear(void);

/** sim_raw_remote - raw mode. Return: pane 1's bytes (raw_remote_size of them). */
uint8_t *sim_raw_remote(void);

/**
 * sim_suspend - partner suspended: posts 0xFF06, H_SEND_CRQ says H_CLOSED until
 * H_ENABLE_CRQ. Engine mode with a registered CRQ: the engine's own rule
 * (vmc_hv_suspend(), which also drops the VMC state); otherwise the simulator's.
 */
void sim_suspend(void);

/** sim_set_hv_event_handler - engine mode: HMC-side events from the engine. */
void sim_set_hv_event_handler(sim_hv_event_fn fn, void *ctx);

/**
 * sim_fault - make the @nth next call (1 = next) of hcall @opcode, and the
 * @count - 1 after it, return @rc without doing anything. One fault per
 * opcode; @count 0 disarms.
 */
void sim_fault(unsigned long opcode, unsigned int nth, unsigned int count, long rc);
/** sim_faults_clear - disarm every fault. */
void sim_faults_clear(void);

/** sim_get_stats - Return: the simulator's counters (valid until the next call). */
const struct sim_stats *sim_get_stats(void);

/** sim_tce_get - Return: the TCE at @ioba of table @liobn, 0 if none or unmapped. */
uint64_t sim_tce_get(uint64_t liobn, uint64_t ioba);

#endif /* VMCFW_HV_SIM_H */
