// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sim_core.c - the simulator's state: pane-0 TCEs, the MP's ring, virtual
 * time, fault hooks and the glue (struct vmc_hv_ops) to the HV engine.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcall/hcall.h"
#include "hv/sim/sim_internal.h"
#include "lib/time.h"

struct sim sim;

#define SIM_TB_PER_READ	64	/* virtual time moves on every look at the clock */
#define SIM_RELAX_US	10

void sim_config_default(struct sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->unit = 0x71000000;
	cfg->liobn = 0x71000000;
	cfg->riobn = 0x81000000;
	cfg->pane0_size = 64u << 20;
	cfg->raw_remote_size = 1u << 20;
	cfg->raw_drc_index = 0x21000001;
	cfg->reg_rc = H_SUCCESS;
	vmc_hv_config_default(&cfg->hv);
	cfg->hv.local_liobn = cfg->liobn;
	cfg->hv.remote_liobn = cfg->riobn;
}

/* --- virtual time (the lib/time.h platform hooks) --- */

uint64_t tb_now(void)
{
	sim.tb += SIM_TB_PER_READ;
	return sim.tb;
}

void tb_relax(void)
{
	sim.tb += us_to_tb(SIM_RELAX_US);
	if (sim.depth == 0)
		sim_kick();
}

uint64_t sim_now_us(void)
{
	return tb_to_us(sim.tb - tb_boot);
}

void sim_advance_us(uint64_t us)
{
	sim.tb += us_to_tb(us);
	sim_kick();
}

/* --- pane 0 and the MP's ring: the environment model (hvenv.c) --- */

uint64_t sim_tce_get(uint64_t liobn, uint64_t ioba)
{
	return hvenv_tce(&sim.env, liobn, ioba);
}

int sim_raw_inject(uint64_t hi, uint64_t lo)
{
	int rc = hvenv_crq_push(&sim.env, hi, lo);

	sim.stats.ring_writes = sim.env.stats.ring_writes;
	sim.stats.ring_full = sim.env.stats.ring_full;
	sim.stats.irq_pulses = sim.env.stats.irq_pulses;
	return rc;
}

unsigned int sim_mp_outstanding(void)
{
	return hvenv_crq_outstanding(&sim.env);
}

bool sim_mp_registered(void)
{
	return hvenv_crq_registered(&sim.env);
}

bool sim_mp_irq_enabled(void)
{
	return sim.env.signal_state & 1;
}

/* --- the HV engine's environment --- */

static int ops_send_to_mp(void *o, uint64_t hi, uint64_t lo)
{
	return sim_raw_inject(hi, lo);
}

static long ops_outstanding(void *o)
{
	return (long)sim_mp_outstanding();
}

static long ops_dma_check(void *o, uint64_t liobn, uint64_t ioba, uint64_t len, bool write)
{
	return hvenv_dma_check(&sim.env, liobn, ioba, len, write);
}

static long ops_dma_read(void *o, uint64_t liobn, uint64_t ioba, void *buf, uint64_t len)
{
	return hvenv_dma_read(&sim.env, liobn, ioba, buf, len);
}

static long ops_dma_write(void *o, uint64_t liobn, uint64_t ioba, const void *buf, uint64_t len)
{
	return hvenv_dma_write(&sim.env, liobn, ioba, buf, len);
}

static void ops_event(void *o, const struct vmc_hv_event *ev)
{
	if (sim.hv_event_fn)
		sim.hv_event_fn(sim.hv_event_ctx, ev);
}

static void ops_log(void *o, int level, const char *text)
{
	if (sim.cfg.verbose)
		fprintf(stderr, "[%8llu us] hv%d: %s\n", (unsigned long long)sim_now_us(), level, text);
}

static uint64_t ops_now(void *o)
{
	return sim_now_us();
}

static const struct vmc_hv_ops sim_ops = {
	.send_to_mp = ops_send_to_mp,
	.mp_outstanding = ops_outstanding,
	.mp_dma_check = ops_dma_check,
	.mp_dma_read = ops_dma_read,
	.mp_dma_write = ops_dma_write,
	.event = ops_event,
	.log = ops_log,
	.now_us = ops_now,
};

void sim_kick(void)
{
	if (!sim.hv || sim.depth)
		return;
	sim.depth++;
	vmc_hv_kick(sim.hv);
	sim.depth--;
}

void sim_after_call(void)
{
	sim_kick();
}

/* --- set-up --- */

void sim_fini(void)
{
	hvenv_fini(&sim.env);
	free(sim.hv);
	free(sim.hv_mem);
	free(sim.raw_remote);
	free(sim.raw_log);
	memset(&sim, 0, sizeof(sim));
}

int sim_init(const struct sim_config *cfg)
{
	sim_fini();
	sim.cfg = *cfg;
	hvenv_init(&sim.env, cfg->unit);
	for (size_t i = 0; i < SIM_MAX_WINDOWS; i++) {
		uint64_t liobn = i ? cfg->extra_liobn[i - 1] : cfg->liobn;

		if (i && !liobn)
			continue;
		if (hvenv_add_window(&sim.env, liobn, cfg->pane0_size))
			return -1;
	}
	sim.raw_log = calloc(SIM_RAW_LOG_MAX, sizeof(*sim.raw_log));
	if (!sim.raw_log)
		return -1;
	tb_freq = 512000000;
	sim.tb = 1000;
	tb_boot = sim.tb;
	if (cfg->raw_partner) {
		sim.raw_remote = calloc(1, cfg->raw_remote_size);
		if (!sim.raw_remote)
			return -1;
	} else {
		size_t need = vmc_hv_backing_size(&cfg->hv);

		sim.hv = calloc(1, sizeof(*sim.hv));
		sim.hv_mem = calloc(1, need ? need : 1);
		if (!need || !sim.hv || !sim.hv_mem ||
		    vmc_hv_init(sim.hv, &cfg->hv, &sim_ops, &sim, sim.hv_mem, need) != VMC_HV_OK)
			return -1;
	}
	hcall_stats_reset();
	sim.up = true;
	return 0;
}

struct vmc_hv *sim_hv(void)
{
	return sim.hv;
}

void sim_raw_set_handler(sim_raw_fn fn, void *ctx)
{
	sim.raw_fn = fn;
	sim.raw_ctx = ctx;
}

size_t sim_raw_log(const uint64_t (**entries)[2])
{
	*entries = (const uint64_t (*)[2])sim.raw_log;
	return sim.raw_log_n;
}

void sim_raw_log_clear(void)
{
	sim.raw_log_n = 0;
}

uint8_t *sim_raw_remote(void)
{
	return sim.raw_remote;
}

void sim_set_hv_event_handler(sim_hv_event_fn fn, void *ctx)
{
	sim.hv_event_fn = fn;
	sim.hv_event_ctx = ctx;
}

void sim_suspend(void)
{
	/* Engine mode: the engine's own rule (vmc_hv_suspend()) posts and refuses. */
	if (sim.hv && vmc_hv_mp_is_registered(sim.hv)) {
		sim.depth++;
		vmc_hv_suspend(sim.hv);
		sim.depth--;
		return;
	}
	sim.suspended = true;
	sim_raw_inject(0xFF06000000000000ULL, 0);
}

const struct sim_stats *sim_get_stats(void)
{
	sim.stats.tce_puts = sim.env.stats.tce_puts;
	return &sim.stats;
}

/* --- faults --- */

void sim_fault(unsigned long opcode, unsigned int nth, unsigned int count, long rc)
{
	struct sim_fault_slot *free_slot = NULL;

	for (size_t i = 0; i < sizeof(sim.faults) / sizeof(sim.faults[0]); i++) {
		struct sim_fault_slot *f = &sim.faults[i];

		if (f->count && f->opcode == opcode) {
			free_slot = f;
			break;
		}
		if (!f->count && !free_slot)
			free_slot = f;
	}
	if (!free_slot)
		return;
	free_slot->opcode = opcode;
	free_slot->skip = nth ? nth - 1 : 0;
	free_slot->count = count;
	free_slot->rc = rc;
}

void sim_faults_clear(void)
{
	memset(sim.faults, 0, sizeof(sim.faults));
}

bool sim_fault_fire(unsigned long opcode, long *rc)
{
	for (size_t i = 0; i < sizeof(sim.faults) / sizeof(sim.faults[0]); i++) {
		struct sim_fault_slot *f = &sim.faults[i];

		if (!f->count || f->opcode != opcode)
			continue;
		if (f->skip) {
			f->skip--;
			return false;
		}
		f->count--;
		*rc = f->rc;
		sim.stats.faults_fired++;
		return true;
	}
	return false;
}
