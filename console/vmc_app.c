// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmc_app.c - run the VMC engine in the image: static memory for the CRQ
 * and the buffer mirrors, the service loop, the console relay, echo.
 */
#include <stdio.h>
#include <string.h>

#include "console/relay.h"
#include "console/vmc_app.h"
#include "drivers/crq_service.h"
#include "drivers/xics.h"
#include "hcall/hcall.h"
#include "lib/log.h"
#include "lib/time.h"

#define APP_BUF_MEM	(1024 * 1024)
#define SWEEP_US	100000	/* irq mode: look at the ring anyway this often */
#define AUTOOPEN_RETRY_US 1000000	/* an automatic open is retried at most this often */

static uint8_t app_crq[4096] __attribute__((aligned(4096)));
static uint8_t app_bufs[APP_BUF_MEM] __attribute__((aligned(4096)));

static struct {
	struct vmc vmc;
	struct crq_service svc;
	struct vmc_app_config cfg;
	bool started;
	bool keep_open;		/* keep index 0 open (automatic session) */
	uint64_t next_open_us;	/* rate limit for automatic (re)opens */
	vmc_app_rx_hook rx_hook;
	uint64_t next_sweep_us;
	uint64_t suspend_tb;	/* timebase of the last partner suspension, 0: recovered */
} app;

struct vmc_app_stats vmc_app_stats;

const struct dt_vdev *vmc_app_device(void)
{
	return dt_find_compatible("IBM,vmc");
}

bool vmc_app_started(void)
{
	return app.started;
}

struct vmc *vmc_app_engine(void)
{
	return &app.vmc;
}

void vmc_app_set_rx_hook(vmc_app_rx_hook fn)
{
	app.rx_hook = fn;
}

void vmc_app_set_echo(bool on)
{
	app.cfg.echo = on;
}

bool vmc_app_echo(void)
{
	return app.cfg.echo;
}

const struct crq_service *vmc_app_service_state(void)
{
	return &app.svc;
}

uint64_t vmc_app_irqs(void)
{
	return app.svc.irqs;
}

const char *vmc_app_service(void)
{
	return app.svc.irq_mode ? "irq" : app.svc.irq_requested ? app.svc.fallback : "poll";
}

enum vmc_result vmc_app_close(unsigned int index)
{
	if (index == 0)
		app.keep_open = false;	/* the user closed it: stop re-opening */
	return vmc_close(&app.vmc, index);
}

enum vmc_result vmc_app_send(unsigned int index, const void *data, uint32_t len)
{
	enum vmc_result r = vmc_send(&app.vmc, index, data, len);

	if (r == VMC_OK || r == VMC_QUEUED) {
		vmc_app_stats.tx++;
		vmc_app_stats.tx_bytes += len;
		if (!app.cfg.quiet)
			relay_message(r == VMC_OK ? "tx" : "tx-queued", (int)index,
				      vmc_hmc_session(&app.vmc, index), data, len);
	} else {
		char extra[64];

		snprintf(extra, sizeof(extra), "len=%u error=%s", len, vmc_result_name(r));
		relay_event("tx-refused", (int)index, vmc_hmc_session(&app.vmc, index), extra);
	}
	return r;
}

static void on_rx(void *ctx, unsigned int index, const uint8_t *data, uint32_t len)
{
	enum vmc_result r;

	vmc_app_stats.rx++;
	vmc_app_stats.rx_bytes += len;
	if (!app.cfg.quiet)
		relay_message("rx", (int)index, vmc_hmc_session(&app.vmc, index), data, len);
	if (app.rx_hook)
		app.rx_hook(index, data, len);
	if (!app.cfg.echo)
		return;
	r = vmc_app_send(index, data, len);
	if (r == VMC_OK || r == VMC_QUEUED)
		vmc_app_stats.echoed++;
	else
		vmc_app_stats.echo_failed++;
}

/*
 * Recovery from a partner suspension ends when a session is open again, or
 * at READY when no session is to be re-opened: one `recovered` line with the
 * time since the suspension event (timebase).
 */
static void note_recovery(const struct vmc_event *ev)
{
	struct vmc *v = &app.vmc;
	bool reopening = app.keep_open;
	char extra[48];

	if (ev->kind == VMC_EV_LINK_DOWN) {
		if (ev->code == VMC_CAUSE_SUSPENDED) {
			app.suspend_tb = tb_now();
			vmc_app_stats.suspends++;
		}
		return;
	}
	if (!app.suspend_tb)
		return;
	for (unsigned int i = 0; i < VMC_MAX_HMCS; i++)
		reopening |= v->hmc[i].reopen_pending;
	if (ev->kind != VMC_EV_OPENED && !(ev->kind == VMC_EV_READY && !reopening))
		return;
	vmc_app_stats.last_recovery_us = tb_to_us(tb_now() - app.suspend_tb);
	vmc_app_stats.recoveries++;
	app.suspend_tb = 0;
	snprintf(extra, sizeof(extra), "us=%llu", (unsigned long long)vmc_app_stats.last_recovery_us);
	relay_event("recovered", ev->kind == VMC_EV_OPENED ? ev->index : -1,
		    ev->kind == VMC_EV_OPENED ? ev->session : -1, extra);
}

static void on_event(void *ctx, const struct vmc_event *ev)
{
	struct vmc *v = &app.vmc;
	char extra[160] = "";

	vmc_app_stats.events++;
	switch (ev->kind) {
	case VMC_EV_READY:
		if (!vmc_app_stats.ready_tb)
			vmc_app_stats.ready_tb = tb_now();
		snprintf(extra, sizeof(extra), "mtu=%u pool=%u hmcs=%u hv_version=0x%04x hv_crq=%u",
			 v->mtu, v->pool, v->nhmc, v->hv_version, v->hv_crq_size);
		break;
	case VMC_EV_CLOSED:
		/* A close that failed says why, like an open. */
		if (ev->result == VMC_OK)
			break;
		/* fall through */
	case VMC_EV_FAILED:
	case VMC_EV_OPEN_FAILED:
	case VMC_EV_RX_ERROR:
		snprintf(extra, sizeof(extra), "error=%s status=%d", vmc_result_name(ev->result),
			 ev->code);
		break;
	case VMC_EV_LINK_DOWN:
		snprintf(extra, sizeof(extra), "cause=%s", vmc_cause_name(ev->code));
		break;
	case VMC_EV_SEND_DONE:
		if (app.cfg.quiet)
			return;
		snprintf(extra, sizeof(extra), "len=%u", ev->len);
		break;
	case VMC_EV_SEND_FAILED:
		snprintf(extra, sizeof(extra), "len=%u error=%s", ev->len, vmc_result_name(ev->result));
		break;
	default:
		break;
	}
	/* Exactly what the hypervisor answered, when an hcall made the result. */
	if (ev->rc) {
		size_t n = strlen(extra);
		const char *name = hcall_rc_name(ev->rc);

		if (strcmp(name, "H_UNKNOWN"))
			snprintf(extra + n, sizeof(extra) - n, "%src=%s", n ? " " : "", name);
		else
			snprintf(extra + n, sizeof(extra) - n, "%src=%ld", n ? " " : "", ev->rc);
	}
	relay_event(vmc_event_name(ev->kind), ev->index, ev->index >= 0 ? ev->session : -1, extra);
	note_recovery(ev);
}

int vmc_app_start(const struct dt_vdev *dev, const struct vmc_app_config *cfg)
{
	struct vmc_config vc;
	enum vmc_result r;
	enum drv_result dr;

	if (!dev || !dev->has_reg || dev->n_windows < 2) {
		pr_err("vmc", "VMC node %s lacks reg or a second DMA window pane",
		       dev ? dev->name : "(none)");
		return -1;
	}
	app.cfg = *cfg;
	vmc_config_default(&vc);
	if (cfg->hmcs)
		vc.max_hmcs = cfg->hmcs;
	if (cfg->pool)
		vc.pool_size = cfg->pool;
	if (cfg->mtu)
		vc.max_mtu = cfg->mtu;
	/* Shrink the pool rather than fail when the mirrors would not fit. */
	while (vmc_buf_mem_size(&vc) > sizeof(app_bufs) && vc.pool_size > 1)
		vc.pool_size--;
	vc.unit = dev->reg;
	vc.liobn = dev->window[0].liobn;
	vc.riobn = dev->window[1].liobn;
	vc.remote_window = dev->window[1].size;
	vc.crq_mem = app_crq;
	vc.crq_bytes = sizeof(app_crq);
	vc.crq_ioba = dev->window[0].base;
	vc.buf_mem = app_bufs;
	vc.buf_bytes = sizeof(app_bufs);
	vc.buf_ioba = dev->window[0].base + sizeof(app_crq);
	vc.irq = cfg->irq_mode;
	vc.on_rx = on_rx;
	vc.on_event = on_event;
	r = vmc_init(&app.vmc, &vc);
	if (r != VMC_OK) {
		pr_err("vmc", "engine init: %s", vmc_result_name(r));
		return -1;
	}
	/* Route the interrupt before the first Init so no answer is missed. */
	dr = crq_service_start(&app.svc, &app.vmc.crq, dev->irq, cfg->irq_mode);
	crq_service_set_budget(&app.svc, &cfg->poll);
	if (dr != DRV_OK && cfg->irq_mode)
		pr_warn("vmc", "CRQ interrupt routing failed (%s): the 100 ms sweep still polls",
			drv_result_name(dr));
	relay_event("start", -1, -1, app.svc.irq_mode ? "mode=irq" :
		    app.svc.irq_requested ? "mode=poll irq=unavailable" : "mode=poll");
	r = vmc_start(&app.vmc);
	if (r != VMC_OK) {
		pr_err("vmc", "start: %s (last hcall rc %s, %ld)", vmc_result_name(r),
		       hcall_rc_name(app.vmc.last_rc), app.vmc.last_rc);
		return -1;
	}
	app.started = true;
	app.keep_open = cfg->autoopen;
	app.next_sweep_us = time_since_boot_us() + SWEEP_US;
	return 0;
}

static void autoopen(void)
{
	struct vmc *v = &app.vmc;
	enum vmc_result r;
	uint8_t id[VMC_HMC_ID_LEN] = { 0 };

	if (!app.keep_open || vmc_get_state(v) != VMC_STATE_READY ||
	    vmc_hmc_get_state(v, 0) != VMC_HMC_IDLE || vmc_buf_count(v, 0, VMC_BUF_FREE) == 0 ||
	    time_since_boot_us() < app.next_open_us)
		return;
	app.next_open_us = time_since_boot_us() + AUTOOPEN_RETRY_US;
	memcpy(id, app.cfg.hmc_id, strnlen(app.cfg.hmc_id, VMC_HMC_ID_LEN));
	r = vmc_open(v, 0, id, NULL);
	if (r == VMC_OK) {
		char extra[64];

		snprintf(extra, sizeof(extra), "hmc_id=%.32s", app.cfg.hmc_id);
		relay_event("open-sent", 0, vmc_hmc_session(v, 0), extra);
	}
}

void vmc_app_step(uint64_t wait_us)
{
	uint64_t now;

	if (!app.started)
		return;
	now = time_since_boot_us();
	/* irq mode: a re-registration disables the interrupt (PAPR), and a
	 * missed edge would stall us; a periodic sweep bounds both. */
	if (app.svc.irq_mode && now >= app.next_sweep_us) {
		vmc_app_stats.sweeps++;
		if (crq_pending(&app.vmc.crq))
			vmc_app_stats.sweep_found++;
		app.svc.pending = true;
		app.next_sweep_us = now + SWEEP_US;
	}
	crq_service_run(&app.svc);
	vmc_tick(&app.vmc);
	autoopen();
	if (wait_us)
		crq_service_wait(&app.svc, wait_us);
}
