/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmc_app.h - the firmware's use of the VMC engine: one adapter found in
 * the device tree, serviced in poll or irq mode, every event relayed to the
 * console, optional echo, an automatic first session.
 */
#ifndef VMCFW_VMC_APP_H
#define VMCFW_VMC_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/crq_service.h"
#include "lib/dt.h"
#include "vmc/vmc.h"

struct vmc_app_config {
	bool irq_mode;
	bool echo;		/* send every received message back */
	bool autoopen;		/* keep index 0 open: open it, and again after losing it */
	bool quiet;		/* no per-message console lines */
	char hmc_id[VMC_HMC_ID_LEN + 1];
	uint32_t mtu;		/* 0: default */
	uint16_t pool;
	uint8_t hmcs;
	struct crq_poll_budget poll;	/* poll mode's spin and cede periods */
};

struct vmc_app_stats {
	uint64_t rx, tx, rx_bytes, tx_bytes, echoed, echo_failed, events, sweeps, sweep_found;
	uint64_t ready_tb;	/* timebase when the channel first became READY */
	uint64_t suspends;	/* partner-suspended events (link_down cause=partner suspended) */
	uint64_t recoveries;	/* of those, recovered: a session open again (or READY) */
	uint64_t last_recovery_us;	/* the last one: suspend event to session re-opened */
};

extern struct vmc_app_stats vmc_app_stats;

/** vmc_app_device - the first /vdevice node compatible with IBM,vmc, or NULL. */
const struct dt_vdev *vmc_app_device(void);

/** vmc_app_start - bring the adapter up (handshake starts). 0 or -1. */
int vmc_app_start(const struct dt_vdev *dev, const struct vmc_app_config *cfg);

/** vmc_app_started - true once vmc_app_start succeeded. */
bool vmc_app_started(void);

/** vmc_app_engine - the engine (for commands and dumps). */
struct vmc *vmc_app_engine(void);

/**
 * vmc_app_step - one service pass: consume the CRQ, run timeouts, keep
 * the automatic session going, then idle at most @wait_us for new work.
 */
void vmc_app_step(uint64_t wait_us);

typedef void (*vmc_app_rx_hook)(unsigned int index, const uint8_t *data, uint32_t len);

/** vmc_app_set_rx_hook - also hand every received message to @fn (smoke). */
void vmc_app_set_rx_hook(vmc_app_rx_hook fn);

/** vmc_app_close - close a session; closing index 0 ends the automatic session. */
enum vmc_result vmc_app_close(unsigned int index);

/**
 * vmc_app_send - vmc_send() plus the console line and counters; the result
 * is the engine's (VMC_OK, VMC_QUEUED, or an error that took nothing).
 */
enum vmc_result vmc_app_send(unsigned int index, const void *data, uint32_t len);

void vmc_app_set_echo(bool on);
bool vmc_app_echo(void);

/**
 * vmc_app_service_state - the CRQ service object (budgets and counters,
 * for `status`).
 * Return: the object, valid once vmc_app_start() succeeded.
 */
const struct crq_service *vmc_app_service_state(void);

/** vmc_app_irqs - CRQ interrupts taken (irq mode). */
uint64_t vmc_app_irqs(void);

/**
 * vmc_app_service - how the CRQ is serviced: "irq", "poll", or (irq mode
 * requested but unavailable) the reason it fell back to polling.
 * Return: a string valid while the adapter runs.
 */
const char *vmc_app_service(void);

#endif
