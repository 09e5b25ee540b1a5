// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * selftest_vmc.c - the VMC smoke checks: with a VMC adapter in the tree
 * (and a peer that echoes, like `tools/hmc echo`), the channel comes up,
 * H_REQUEST_VMC answers, a session opens, messages go out and come back
 * intact, and the session closes. Without an adapter each check is a SKIP.
 */
#include <stdio.h>
#include <string.h>

#include "boot/selftest.h"
#include "console/vmc_app.h"
#include "lib/time.h"

#define STEP_US		10000
#define READY_US	10000000
#define SESSION_US	10000000
#define MESSAGES	16

static struct {
	unsigned int received, matched, mismatched;
	uint32_t next;		/* sequence number expected next */
} rx;

/* Message i: "vmcfw-smoke <i> " then a pattern, length 16 + 37*i bytes. */
static uint32_t smoke_msg(uint32_t i, uint8_t *buf, uint32_t cap)
{
	uint32_t len = 16 + 37 * i, n;

	if (len > cap)
		len = cap;
	n = (uint32_t)snprintf((char *)buf, cap, "vmcfw-smoke %03u ", (unsigned int)i);
	for (uint32_t k = n; k < len; k++)
		buf[k] = (uint8_t)('a' + (k * 7 + i) % 26);
	return len;
}

static void on_rx(unsigned int index, const uint8_t *data, uint32_t len)
{
	uint8_t want[1024];
	uint32_t wlen = smoke_msg(rx.next, want, sizeof(want));

	rx.received++;
	if (len == wlen && !memcmp(data, want, len))
		rx.matched++;
	else
		rx.mismatched++;
	rx.next++;
}

typedef bool (*cond_fn)(void);

static bool wait_for(cond_fn cond, uint64_t us)
{
	struct deadline end = deadline_in_us(us);

	while (!cond()) {
		if (deadline_passed(end))
			return false;
		vmc_app_step(STEP_US);
	}
	return true;
}

static bool is_ready(void)
{
	return vmc_get_state(vmc_app_engine()) == VMC_STATE_READY;
}

static bool is_open(void)
{
	return vmc_hmc_get_state(vmc_app_engine(), 0) == VMC_HMC_OPEN;
}

static bool is_idle(void)
{
	return vmc_hmc_get_state(vmc_app_engine(), 0) == VMC_HMC_IDLE;
}

static bool all_back(void)
{
	return rx.received >= MESSAGES;
}

#define NEED_ADAPTER()								\
	do {									\
		if (!vmc_app_started()) {					\
			snprintf(why, len, vmc_app_device() ?			\
				 "VMC adapter did not start" :			\
				 "no VMC adapter (IBM,vmc) in the device tree");	\
			return vmc_app_device() ? SMOKE_FAIL : SMOKE_SKIP;	\
		}								\
	} while (0)

enum smoke_verdict check_vmc_ready(char *why, unsigned int len)
{
	struct vmc *v;

	if (!vmc_app_started() && vmc_app_device())
		boot_start_vmc(false);
	NEED_ADAPTER();
	v = vmc_app_engine();
	if (!wait_for(is_ready, READY_US)) {
		snprintf(why, len, "state %s after %u s (reason %s)", vmc_state_name(v->state),
			 READY_US / 1000000, vmc_result_name(v->fail_reason));
		return SMOKE_FAIL;
	}
	snprintf(why, len, "mtu %u, pool %u, %u HMC(s), HV version 0x%04x", v->mtu, v->pool,
		 v->nhmc, v->hv_version);
	return SMOKE_PASS;
}

enum smoke_verdict check_vmc_request(char *why, unsigned int len)
{
	uint32_t drc = 0;
	long rc = 0;
	enum vmc_result r;
	const struct dt_vdev *d = vmc_app_device();

	NEED_ADAPTER();
	r = vmc_request_vmc(&drc, &rc);
	if (r != VMC_OK) {
		snprintf(why, len, "H_REQUEST_VMC: %s (rc %ld)", vmc_result_name(r), rc);
		return SMOKE_FAIL;
	}
	if (d->has_drc_index && d->drc_index != drc) {
		snprintf(why, len, "DRC index 0x%x, device tree says 0x%x", drc, d->drc_index);
		return SMOKE_FAIL;
	}
	snprintf(why, len, "DRC index 0x%x", drc);
	return SMOKE_PASS;
}

enum smoke_verdict check_vmc_session(char *why, unsigned int len)
{
	NEED_ADAPTER();
	if (!wait_for(is_open, SESSION_US)) {
		snprintf(why, len, "index 0 is %s after %u s",
			 vmc_hmc_state_name(vmc_hmc_get_state(vmc_app_engine(), 0)),
			 SESSION_US / 1000000);
		return SMOKE_FAIL;
	}
	snprintf(why, len, "index 0 session %u", vmc_hmc_session(vmc_app_engine(), 0));
	return SMOKE_PASS;
}

enum smoke_verdict check_vmc_messages(char *why, unsigned int len)
{
	uint8_t buf[1024];
	uint32_t sent = 0;
	struct deadline end = deadline_in_us(SESSION_US);

	NEED_ADAPTER();
	if (!is_open()) {
		snprintf(why, len, "no open session");
		return SMOKE_FAIL;
	}
	memset(&rx, 0, sizeof(rx));
	vmc_app_set_rx_hook(on_rx);
	while (sent < MESSAGES && !deadline_passed(end)) {
		uint32_t n = smoke_msg(sent, buf, sizeof(buf));
		enum vmc_result r = vmc_app_send(0, buf, n);

		if (r == VMC_OK || r == VMC_QUEUED)
			sent++;
		else if (r != VMC_ERR_BACKPRESSURE)
			break;
		vmc_app_step(0);
	}
	wait_for(all_back, SESSION_US);
	vmc_app_set_rx_hook(NULL);
	if (sent != MESSAGES || rx.matched != MESSAGES || rx.mismatched) {
		snprintf(why, len, "sent %u/%u, echoed back intact %u, corrupt or out of order %u "
			 "(is the HMC peer echoing?)", sent, MESSAGES, rx.matched, rx.mismatched);
		return SMOKE_FAIL;
	}
	snprintf(why, len, "%u messages (16..%u bytes) sent and echoed back intact", MESSAGES,
		 16 + 37 * (MESSAGES - 1));
	return SMOKE_PASS;
}

enum smoke_verdict check_vmc_close(char *why, unsigned int len)
{
	enum vmc_result r;

	NEED_ADAPTER();
	r = vmc_app_close(0);
	if (r != VMC_OK) {
		snprintf(why, len, "close: %s", vmc_result_name(r));
		return SMOKE_FAIL;
	}
	if (!wait_for(is_idle, SESSION_US)) {
		snprintf(why, len, "no CLOSE_RESP within %u s", SESSION_US / 1000000);
		return SMOKE_FAIL;
	}
	snprintf(why, len, "closed");
	return SMOKE_PASS;
}
