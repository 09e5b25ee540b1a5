// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * selftest_migrate.c - `migrate` mode: a migration smoke test driven from
 * outside. The image brings the channel up and checks it, prints the
 * marker line, keeps the channel busy with echoed messages while it waits
 * for a key on the console (the host's word that the partition migrated),
 * then checks the channel again: recovery from a partner-suspended event
 * when one came, and echo round trips. TAP lines and EXIT as `smoke`.
 */
#include <stdio.h>
#include <string.h>

#include "boot/selftest.h"
#include "console/console.h"
#include "console/vmc_app.h"
#include "drivers/hvterm.h"
#include "lib/time.h"

#define STEP_US			10000
#define KEY_WAIT_S		300	/* the host's migration, slow machines included */
#define RECOVERY_US		30000000
#define DRAIN_US		2000000	/* echoes in flight when the key came */
#define BUSY_WINDOW		2	/* messages in flight while waiting */
#define BUSY_LEN		64

static struct {
	uint64_t sent, echoed, refused;
	uint64_t lost;			/* in flight at a partner suspension: never echoed */
	uint64_t suspends_before;	/* vmc_app_stats.suspends when the marker went out */
	uint64_t suspends_seen;		/* ...when the in-flight count was last settled */
} busy;

/* Sent, neither echoed, refused nor lost; a late echo never wraps it. */
static uint64_t in_flight_raw(void)
{
	uint64_t done = busy.echoed + busy.refused + busy.lost;

	return busy.sent > done ? busy.sent - done : 0;
}

/* A partner suspension ended the session: what was in flight will not come back. */
static void settle_lost(void)
{
	if (vmc_app_stats.suspends == busy.suspends_seen)
		return;
	busy.suspends_seen = vmc_app_stats.suspends;
	busy.lost += in_flight_raw();
}

static uint64_t in_flight(void)
{
	settle_lost();
	return in_flight_raw();
}

static void busy_rx(unsigned int index, const uint8_t *data, uint32_t len)
{
	busy.echoed++;
}

/* One more message when fewer than BUSY_WINDOW are in flight and a session is open. */
static void keep_busy(void)
{
	char msg[BUSY_LEN];
	enum vmc_result r;

	if (vmc_hmc_get_state(vmc_app_engine(), 0) != VMC_HMC_OPEN || in_flight() >= BUSY_WINDOW)
		return;
	memset(msg, 'm', sizeof(msg));
	snprintf(msg, sizeof(msg), "vmcfw-migrate %llu ", (unsigned long long)busy.sent);
	r = vmc_app_send(0, msg, sizeof(msg));
	busy.sent++;
	if (r != VMC_OK && r != VMC_QUEUED)
		busy.refused++;
}

static enum smoke_verdict check_migrate(char *why, unsigned int len)
{
	struct deadline end = deadline_in_us(KEY_WAIT_S * 1000000ULL);
	char key[16];
	if (!vmc_app_started()) {
		snprintf(why, len, "no VMC adapter: nothing to migrate with");
		return SMOKE_FAIL;
	}
	memset(&busy, 0, sizeof(busy));
	busy.suspends_before = busy.suspends_seen = vmc_app_stats.suspends;
	vmc_app_set_rx_hook(busy_rx);
	con_printf("MIGRATE: migrate now, then press a key (waiting %u s)\n", KEY_WAIT_S);
	while (hvterm_read(key, sizeof(key)) == 0) {
		if (deadline_passed(end)) {
			vmc_app_set_rx_hook(NULL);
			snprintf(why, len, "no key within %u s (sent %llu, echoed %llu)", KEY_WAIT_S,
				 (unsigned long long)busy.sent, (unsigned long long)busy.echoed);
			return SMOKE_FAIL;
		}
		keep_busy();
		vmc_app_step(STEP_US);
	}
	/*
	 * Let the echoes in flight come back before the next check counts
	 * messages; those in flight at a suspension are lost (send_failed, or
	 * never echoed) and not waited for.
	 */
	end = deadline_in_us(DRAIN_US);
	while (in_flight() && !deadline_passed(end))
		vmc_app_step(STEP_US);
	vmc_app_set_rx_hook(NULL);
	/*
	 * Still missing: echoes the peer sent to the source after the partition
	 * stopped there (they do not travel, docs/qemu-device.md §2.5). Lost.
	 */
	busy.lost += in_flight();
	snprintf(why, len, "key received; while waiting %llu sent, %llu echoed, %llu refused, "
		 "%llu lost", (unsigned long long)busy.sent, (unsigned long long)busy.echoed,
		 (unsigned long long)busy.refused, (unsigned long long)busy.lost);
	return SMOKE_PASS;
}

static bool recovered(void)
{
	return vmc_app_stats.recoveries >= vmc_app_stats.suspends &&
	       vmc_hmc_get_state(vmc_app_engine(), 0) == VMC_HMC_OPEN;
}

static enum smoke_verdict check_recovery(char *why, unsigned int len)
{
	struct deadline end = deadline_in_us(RECOVERY_US);
	uint64_t events = vmc_app_stats.suspends - busy.suspends_before;

	while (!recovered()) {
		if (deadline_passed(end)) {
			snprintf(why, len, "%llu partner-suspended event(s), %llu recovered; index 0 "
				 "is %s after %u s", (unsigned long long)vmc_app_stats.suspends,
				 (unsigned long long)vmc_app_stats.recoveries,
				 vmc_hmc_state_name(vmc_hmc_get_state(vmc_app_engine(), 0)),
				 RECOVERY_US / 1000000);
			return SMOKE_FAIL;
		}
		vmc_app_step(STEP_US);
	}
	if (events)
		snprintf(why, len, "%llu partner-suspended event(s), recovered in %llu us",
			 (unsigned long long)events,
			 (unsigned long long)vmc_app_stats.last_recovery_us);
	else
		snprintf(why, len, "no partner-suspended event: the channel carried on");
	return SMOKE_PASS;
}

static const struct smoke_check migrate_checks[] = {
	{ "vmc-ready", check_vmc_ready },
	{ "vmc-session", check_vmc_session },
	{ "vmc-messages", check_vmc_messages },
	{ "migrate", check_migrate },
	{ "vmc-recovery", check_recovery },
	{ "vmc-messages-after", check_vmc_messages },
	{ "vmc-close", check_vmc_close },
};

void migrate_run(const char *forced_fail)
{
	smoke_run(migrate_checks, sizeof(migrate_checks) / sizeof(migrate_checks[0]), forced_fail);
}
