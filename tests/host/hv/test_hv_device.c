// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hv_device.c - unit tests of hv/hv_device.c, the portable core of the
 * spapr-vmc device: configuration, the pane-0 rule with and without TCE
 * bypass, sends into the guest's CRQ (busy slot, unmapped page, no queue),
 * scheduling (bottom half, timer, stopped machine), the output toward the
 * peer (full socket, hard error, no connection), STATUS's device part, the
 * memory it takes through ops->alloc, the device tree properties and the
 * migration stream (device block and engine stream). The world around it is a
 * small model of what QEMU gives the glue (spapr_vio_send_crq()'s rules, a
 * TCE table, a socket whose answers the test sets).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/hmc_frame.h"
#include "hv/hv_device.h"
#include "hv/hv_tce.h"
#include "vmc/vmc_wire.h"
#include "lib/byteorder.h"

#define UNIT		0x71000010u
#define PAGE		4096u
#define PAGES		16u
#define CRQ_IOBA	0x2000u
#define CRQ_BYTES	4096u

enum chr_mode { CHR_TAKE_ALL, CHR_FULL, CHR_BROKEN };

struct world {
	struct hv_device d;
	struct hv_device_ops ops;
	bool no_tce;
	uint8_t pane0[PAGES * PAGE];
	uint64_t tce[PAGES];
	bool bypass;
	struct hv_device_crq crq;
	enum chr_mode chr;
	size_t peer_bytes;
	uint8_t peer_seen[4096];	/* the first bytes the peer was sent since cleared */
	size_t peer_seen_len;
	bool watch_possible;
	int watches, unwatches, closes_asked, kicks_asked, guest_logs, warnings, errors;
	uint64_t timer, now;
	bool running;
	char last_report[256];
};

static void w_crq_get(void *o, struct hv_device_crq *q)
{
	*q = ((struct world *)o)->crq;
}

/* ops->alloc and ops->free: every allocation is checked for a leak at teardown */
static int live_allocs;
static int allocs_left = -1;	/* >= 0: that many succeed, then NULL */

static void *w_alloc(size_t len)
{
	void *p;

	if (allocs_left == 0)
		return NULL;
	if (allocs_left > 0)
		allocs_left--;
	p = calloc(1, len);
	assert_non_null(p);
	live_allocs++;
	return p;
}

static void w_free(void *p)
{
	assert_non_null(p);
	live_allocs--;
	free(p);
}

static bool w_tce_get(void *o, struct hv_device_tce *t)
{
	struct world *w = o;

	if (w->no_tce)
		return false;
	*t = (struct hv_device_tce){ UNIT, w->tce, PAGES, 12, 0, w->bypass };
	return true;
}

static bool w_dma_valid(void *o, uint64_t ioba, uint64_t len, bool write)
{
	return ioba < PAGES * PAGE && len <= PAGES * PAGE - ioba;
}

/* The platform's IOMMU: the TCE bits decide, as for QEMU's own accesses. */
static int w_dma_rw(void *o, uint64_t ioba, void *buf, uint64_t len, bool write)
{
	struct world *w = o;

	if (!w->bypass && vmc_hv_tce_check(w->tce, PAGES, 12, 0, ioba, len, write) != HV_H_SUCCESS)
		return -1;
	if (!w_dma_valid(o, ioba, len, write))
		return -1;
	if (write)
		memcpy(w->pane0 + ioba, buf, len);
	else
		memcpy(buf, w->pane0 + ioba, len);
	return 0;
}

/* spapr_vio_send_crq(): header busy -> 1, unreadable/unwritable slot -> error. */
static int w_crq_send(void *o, const uint8_t entry[16])
{
	struct world *w = o;
	uint8_t hdr;
	uint64_t slot = w->crq.qladdr + w->crq.qnext;

	if (w_dma_rw(o, slot, &hdr, 1, false))
		return -4;
	if (hdr & 0x80)
		return 1;
	if (w_dma_rw(o, slot + 1, (void *)(entry + 1), 15, true) ||
	    w_dma_rw(o, slot, (void *)entry, 1, true))
		return -4;
	w->crq.qnext = (w->crq.qnext + 16) % w->crq.qsize;
	return 0;
}

static long w_chr_write(void *o, const uint8_t *buf, size_t len)
{
	struct world *w = o;

	if (w->chr == CHR_BROKEN)
		return -1;
	if (w->chr == CHR_FULL)
		return 0;
	w->peer_bytes += len;
	if (len <= sizeof(w->peer_seen) - w->peer_seen_len) {
		memcpy(w->peer_seen + w->peer_seen_len, buf, len);
		w->peer_seen_len += len;
	}
	return (long)len;
}

static bool w_chr_watch(void *o, bool on)
{
	struct world *w = o;

	if (!on) {
		w->unwatches++;
		return false;
	}
	w->watches++;
	return w->watch_possible;
}

static void w_close_later(void *o)
{
	((struct world *)o)->closes_asked++;
}

static void w_kick_later(void *o)
{
	((struct world *)o)->kicks_asked++;
}

static void w_timer_set(void *o, uint64_t due)
{
	((struct world *)o)->timer = due;
}

static bool w_running(void *o)
{
	return ((struct world *)o)->running;
}

static uint64_t w_now(void *o)
{
	return ((struct world *)o)->now;
}

static void w_log(void *o, int level, const char *text)
{
	struct world *w = o;

	if (level == HV_DEVICE_LOG_WARN)
		w->warnings++;
	else if (level == HV_DEVICE_LOG_ERROR)
		w->errors++;
	else if (level <= 1)
		w->guest_logs++;
	if (level < 0)
		snprintf(w->last_report, sizeof(w->last_report), "%s", text);
}

static struct hv_props defaults(void)
{
	return (struct hv_props){
		.max_mtu = 4096, .pool_size = 16, .max_hmcs = 1, .mp_bufs = 4, .hv_bufs = 4,
		.max_copy = VMC_HV_DEFAULT_MAX_COPY,
	};
}

static struct world *world_new(void)
{
	struct world *w = calloc(1, sizeof(*w));
	struct hv_props p = defaults();
	struct vmc_hv_config cfg;
	struct hmc_link_config link;
	size_t len;
	unsigned int i;

	assert_non_null(w);
	assert_null(hv_device_configure(&p, UNIT, UNIT, &cfg, &link, &len));
	for (i = 0; i < PAGES; i++)
		w->tce[i] = ((uint64_t)i << 12) | VMC_HV_TCE_PERM;
	w->crq = (struct hv_device_crq){ .unit_address = UNIT };
	w->running = true;
	w->watch_possible = true;
	w->timer = UINT64_MAX;
	w->ops = (struct hv_device_ops){
		.crq_get = w_crq_get, .crq_send = w_crq_send, .tce_get = w_tce_get,
		.dma_valid = w_dma_valid, .dma_rw = w_dma_rw, .chr_write = w_chr_write,
		.chr_watch = w_chr_watch, .chr_close_later = w_close_later,
		.kick_later = w_kick_later, .timer_set = w_timer_set, .running = w_running,
		.now_us = w_now, .log = w_log, .alloc = w_alloc, .free = w_free,
	};
	assert_int_equal(hv_device_init(&w->d, &cfg, &link, &w->ops, w, len, 512), VMC_HV_OK);
	assert_non_null(w->d.hvmem);
	return w;
}

static int setup(void **state)
{
	*state = world_new();
	return 0;
}

static void world_free(struct world *w)
{
	assert_int_equal(vmc_hv_check_invariants(&w->d.hv), 0);
	hv_device_fini(&w->d);
	assert_null(w->d.hvmem);
	assert_null(w->d.snap);
	free(w);
}

/* Every world of the test is gone by now: nothing it took stays allocated. */
static int teardown(void **state)
{
	world_free(*state);
	assert_int_equal(live_allocs, 0);
	return 0;
}

static void register_crq(struct world *w)
{
	w->crq.qladdr = CRQ_IOBA;
	w->crq.qsize = CRQ_BYTES;
	w->crq.qnext = 0;
	hv_device_crq_changed(&w->d, true);
}

static long guest_send(struct world *w, uint8_t type, uint8_t code)
{
	uint8_t e[16] = { type, code };

	return hv_device_guest_crq(&w->d, e);
}

static void test_configure_refusals(void **state)
{
	struct hv_props p = defaults();
	struct vmc_hv_config cfg;
	struct hmc_link_config link;
	size_t len = 0;

	assert_null(hv_device_configure(&p, UNIT, UNIT, &cfg, &link, &len));
	assert_true(len > 0);
	p = defaults();
	p.remote_liobn = UNIT;
	assert_non_null(strstr(hv_device_configure(&p, UNIT, UNIT, &cfg, &link, &len),
			       "already in use"));
	p = defaults();
	p.max_mtu = 0;
	assert_non_null(hv_device_configure(&p, UNIT, UNIT, &cfg, &link, &len));
}

/* A guest INIT is answered through the bottom half, never inside the hcall. */
static void test_guest_init_answered_from_the_bottom_half(void **state)
{
	struct world *w = *state;
	struct hmc_link_glue_status st;

	register_crq(w);
	assert_true(w->d.mp_registered);
	assert_int_equal(guest_send(w, 0xC0, 0x01), HV_H_SUCCESS);
	assert_int_equal(w->crq.qnext, 0);		/* nothing sent inside the hcall */
	assert_true(w->kicks_asked >= 1);
	hv_device_kick(&w->d);
	assert_int_equal(w->crq.qnext, 16);
	assert_int_equal(w->pane0[CRQ_IOBA], 0xC0);
	assert_int_equal(w->pane0[CRQ_IOBA + 1], 0x02);	/* INIT COMPLETE */
	assert_int_equal(w->d.flow.pending, 1);
	w->d.link_ops.glue_status(&w->d, &st);
	assert_int_equal(st.unit_address, UNIT);
	assert_int_equal(st.flags, HMC_LINK_FLAG_CRQ_REGISTERED | HMC_LINK_FLAG_ENGINE_REGISTERED);
	assert_int_equal(st.crq_bytes, CRQ_BYTES);
	assert_int_equal(st.kicks, 1);
	assert_true(st.crq_reads >= 1);
}

/* A busy slot is retried from the timer with a backoff; an unwritable page is logged once. */
static void test_busy_slot_and_unwritable_page(void **state)
{
	struct world *w = *state;

	register_crq(w);
	w->pane0[CRQ_IOBA] = 0x80;			/* the guest never consumed slot 0 */
	guest_send(w, 0xC0, 0x01);
	w->now = 1000;
	hv_device_kick(&w->d);
	assert_int_equal(w->crq.qnext, 0);
	assert_int_equal(w->timer, 1000 + HV_RETRY_MIN_US);
	hv_device_kick(&w->d);
	assert_int_equal(w->timer, 1000 + 2 * HV_RETRY_MIN_US);	/* backoff doubles */
	w->pane0[CRQ_IOBA] = 0;
	w->tce[CRQ_IOBA / PAGE] &= ~(uint64_t)VMC_HV_TCE_WRITE;
	hv_device_kick(&w->d);
	hv_device_kick(&w->d);
	assert_int_equal(w->d.crq_dma_errors, 2);
	assert_int_equal(w->guest_logs, 1);		/* once for the device's life */
	w->tce[CRQ_IOBA / PAGE] |= VMC_HV_TCE_WRITE;
	hv_device_kick(&w->d);
	assert_int_equal(w->crq.qnext, 16);
	assert_int_equal(w->timer, UINT64_MAX);	/* nothing left: no timer */
}

/* A stopped machine's memory is left alone: the timer takes over. */
static void test_stopped_machine_defers_to_the_timer(void **state)
{
	struct world *w = *state;

	register_crq(w);
	guest_send(w, 0xC0, 0x01);
	w->running = false;
	w->now = 5000;
	hv_device_kick(&w->d);
	assert_int_equal(w->crq.qnext, 0);
	assert_int_equal(w->timer, 5000);
	assert_int_equal(w->d.retry.kicks, 0);
}

/* CRQ freed behind the engine: CLOSED, the engine told; reset does the same. */
static void test_free_and_reset(void **state)
{
	struct world *w = *state;

	register_crq(w);
	guest_send(w, 0xC0, 0x01);
	w->crq.qsize = 0;
	hv_device_kick(&w->d);
	assert_false(w->d.mp_registered);
	register_crq(w);
	assert_true(w->d.mp_registered);
	w->crq.qsize = 0;
	hv_device_reset(&w->d);
	assert_false(w->d.mp_registered);
	assert_int_equal(w->d.flow.pending, 0);
	assert_int_equal(guest_send(w, 0xC0, 0x01), HV_H_CLOSED);
}

/* Pane 0: LIOBN, permission bits, bypass (any range below 4 GiB), backing. */
static void test_pane0_rule(void **state)
{
	struct world *w = *state;
	long (*check)(void *, uint64_t, uint64_t, uint64_t, bool) = w->d.hv_ops.mp_dma_check;
	uint8_t buf[8] = { 1, 2, 3 };

	assert_int_equal(check(&w->d, UNIT + 1, 0, 8, false), HV_H_PARAMETER);
	assert_int_equal(check(&w->d, UNIT, 0, 8, false), HV_H_SUCCESS);
	w->tce[1] = VMC_HV_TCE_READ;
	assert_int_equal(check(&w->d, UNIT, PAGE, 8, true), HV_H_PERMISSION);
	assert_int_equal(w->d.hv_ops.mp_dma_write(&w->d, UNIT, PAGE, buf, 8), HV_H_PERMISSION);
	assert_int_equal(check(&w->d, UNIT, PAGES * PAGE, 8, false), HV_H_PARAMETER);
	assert_int_equal(check(&w->d, UNIT, 0, 0, true), HV_H_SUCCESS);
	w->bypass = true;
	assert_int_equal(check(&w->d, UNIT, PAGE, 8, true), HV_H_SUCCESS);
	assert_int_equal(check(&w->d, UNIT, 0, (uint64_t)UINT32_MAX + 1, false), HV_H_PARAMETER);
	/* allowed by bypass, not backed: the platform's answer wins */
	assert_int_equal(check(&w->d, UNIT, PAGES * PAGE, 8, false), HV_H_PARAMETER);
	assert_int_equal(w->d.hv_ops.mp_dma_write(&w->d, UNIT, PAGE, buf, 3), HV_H_SUCCESS);
	assert_memory_equal(w->pane0 + PAGE, buf, 3);
}

/* Full socket: one watch, the backlog written when it fires. */
static void test_full_socket_waits_for_the_watch(void **state)
{
	struct world *w = *state;

	w->chr = CHR_FULL;
	hv_device_peer_opened(&w->d);			/* the LINK greeting is queued */
	assert_int_equal(w->watches, 1);
	assert_true(w->d.outq.len > 0);
	hv_device_peer_opened(&w->d);
	w->chr = CHR_TAKE_ALL;
	hv_device_chr_writable(&w->d);
	assert_int_equal(w->d.outq.len, 0);
	assert_true(w->peer_bytes > 0);
	assert_int_equal(w->closes_asked, 0);
}

/* A backend that cannot watch: the backlog is dropped, not kept forever. */
static void test_no_watch_drops_the_backlog(void **state)
{
	struct world *w = *state;

	w->chr = CHR_FULL;
	w->watch_possible = false;
	hv_device_peer_opened(&w->d);
	assert_int_equal(w->d.outq.len, 0);
	assert_false(w->d.watching);
}

/* Hard write error: one warning for the device's life, a deferred close each time. */
static void test_broken_peer_is_closed(void **state)
{
	struct world *w = *state;

	w->chr = CHR_FULL;
	hv_device_peer_opened(&w->d);			/* watch armed */
	w->chr = CHR_BROKEN;
	hv_device_chr_writable(&w->d);
	assert_int_equal(w->closes_asked, 1);
	assert_int_equal(w->warnings, 1);
	assert_non_null(strstr(w->last_report, "no longer accepts data"));
	assert_true(hv_device_chr_close_due(&w->d));
	hv_device_peer_closed(&w->d);
	w->chr = CHR_TAKE_ALL;
	hv_device_peer_opened(&w->d);			/* a new peer revives the output */
	assert_false(hv_device_chr_close_due(&w->d));
	hv_device_peer_closed(&w->d);
	w->chr = CHR_BROKEN;
	hv_device_peer_opened(&w->d);			/* its greeting fails: closed again */
	assert_true(hv_device_chr_close_due(&w->d));
	assert_int_equal(w->closes_asked, 2);
	assert_int_equal(w->warnings, 1);
	assert_true(w->d.outq.write_errors >= 2);
}

/* No connection at all: frames go nowhere, nothing is armed. */
static void test_no_connection(void **state)
{
	struct world *w = *state;

	w->ops.chr_write = NULL;
	hv_device_peer_opened(&w->d);
	hv_device_peer_bytes(&w->d, (const uint8_t *)"\x00\x01garbage", 9);
	assert_int_equal(w->watches, 0);
	assert_int_equal(w->closes_asked, 0);
}

/* No memory: init refuses, and nothing it took stays allocated. */
static void test_init_without_memory(void **state)
{
	struct hv_props p = defaults();
	struct vmc_hv_config cfg;
	struct hmc_link_config link;
	struct hv_device_ops ops = { .alloc = w_alloc, .free = w_free };
	struct hv_device d;
	size_t len;
	int n;

	assert_null(hv_device_configure(&p, UNIT, UNIT, &cfg, &link, &len));
	for (n = 0; n < 2; n++) {
		allocs_left = n;
		memset(&d, 0xA5, sizeof(d));
		assert_int_equal(hv_device_init(&d, &cfg, &link, &ops, NULL, len, 512),
				 VMC_HV_ERR_NOBUF);
		assert_null(d.hvmem);
		assert_int_equal(live_allocs, 0);
	}
	allocs_left = -1;
}

static void test_device_tree_properties(void **state)
{
	struct world *w = *state;
	struct hv_device_dt dt;
	const uint8_t *p = (const uint8_t *)dt.window;
	static const char *const names[HV_DEVICE_DT_PROPS] = {
		"ibm,my-dma-window", "ibm,#dma-address-cells", "ibm,#dma-size-cells",
		"ibm,my-drc-index", "ibm,loc-code",
	};
	const uint32_t cells[3] = { 2, 2, UNIT };
	unsigned int i;

	assert_true(hv_device_dt(&w->d, NULL, &dt));
	assert_int_equal(load_be32(p), UNIT);
	assert_int_equal(load_be64(p + 4), 0);
	assert_int_equal(load_be64(p + 12), PAGES * PAGE);
	assert_int_equal(load_be32(p + 20), 0x7f000010);	/* the default remote-liobn */
	assert_int_equal(load_be64(p + 24), 0);
	assert_int_equal(load_be64(p + 32), vmc_hv_remote_window_size(&w->d.hv));
	for (i = 0; i < HV_DEVICE_DT_PROPS; i++)
		assert_string_equal(dt.prop[i].name, names[i]);
	assert_ptr_equal(dt.prop[0].val, dt.window);
	assert_int_equal(dt.prop[0].len, 40);
	for (i = 1; i <= 3; i++) {
		assert_int_equal(dt.prop[i].len, 4);
		assert_int_equal(load_be32(dt.prop[i].val), cells[i - 1]);
	}
	assert_string_equal(dt.prop[4].val, HV_DEVICE_LOC_CODE);
	assert_int_equal(dt.prop[4].len, sizeof(HV_DEVICE_LOC_CODE));
	assert_true(hv_device_dt(&w->d, "U1-C2", &dt));
	assert_string_equal(dt.prop[4].val, "U1-C2");
	assert_int_equal(dt.prop[4].len, 6);
	w->no_tce = true;
	assert_false(hv_device_dt(&w->d, NULL, &dt));
}

/* Hand @v a copy of @w's stream, as QEMU's VMState would on the destination. */
static void give_stream(struct world *v, const struct world *w)
{
	hv_device_snap_drop(&v->d);
	v->d.snap_len = w->d.snap_len;
	assert_true(hv_device_snap_len_ok(&v->d));
	v->d.snap = w_alloc(w->d.snap_len);
	memcpy(v->d.snap, w->d.snap, w->d.snap_len);
}

/* The stream: device block and engine state, saved, bounded, loaded elsewhere. */
static void test_snapshot_round_trip(void **state)
{
	struct world *w = *state, *v = world_new();
	const uint8_t *p;

	register_crq(w);
	guest_send(w, 0xC0, 0x01);
	hv_device_kick(&w->d);
	w->d.crq_full_dropped = 5;	/* the counters travel too */
	w->d.crq_dma_errors = 7;
	assert_int_equal(hv_device_snap_prepare(&w->d), 0);
	p = w->d.snap;
	assert_non_null(p);
	assert_true(w->d.snap_len > HV_DEVICE_SNAP_DEV_LEN);
	assert_memory_equal(p, HV_DEVICE_SNAP_MAGIC, 8);
	assert_int_equal(p[8], 1);
	assert_int_equal(load_be64(p + 16), CRQ_IOBA);
	assert_int_equal(load_be32(p + 24), CRQ_BYTES);
	assert_int_equal(load_be32(p + 28), w->d.flow.pending);
	assert_int_equal(load_be64(p + 32), 5);
	assert_int_equal(load_be64(p + 40), 7);
	assert_memory_equal(p + HV_DEVICE_SNAP_DEV_LEN, "VMCHVSNP", 8);

	v->d.snap_len = HV_DEVICE_SNAP_DEV_LEN;		/* no room for an engine */
	assert_false(hv_device_snap_len_ok(&v->d));
	v->d.snap_len = (uint32_t)(v->d.hvmem_len + HV_DEVICE_SNAP_SLACK + 1);
	assert_false(hv_device_snap_len_ok(&v->d));
	give_stream(v, w);
	v->now = 42;
	assert_int_equal(hv_device_snap_load(&v->d, false), 0);
	assert_null(v->d.snap);
	assert_int_equal(v->errors, 0);
	assert_int_equal(vmc_hv_phase(&v->d.hv), vmc_hv_phase(&w->d.hv));
	assert_true(v->d.mp_registered);
	assert_int_equal(v->d.flow.qladdr, CRQ_IOBA);
	assert_int_equal(v->d.flow.qsize, CRQ_BYTES);
	assert_int_equal(v->d.flow.pending, w->d.flow.pending);
	assert_int_equal(v->d.crq_full_dropped, 5);
	assert_int_equal(v->d.crq_dma_errors, 7);
	assert_false(vmc_hv_is_suspended(&v->d.hv));
	hv_device_snap_drop(&w->d);
	assert_null(w->d.snap);
	assert_int_equal(w->d.snap_len, 0);
	world_free(v);
}

/* The guest sends a VMC message on its CRQ. */
static long guest_msg(struct world *w, const struct vmc_msg *m)
{
	uint64_t hi, lo;
	uint8_t e[16];

	vmc_msg_encode(m, &hi, &lo);
	store_be64(e, hi);
	store_be64(e + 8, lo);
	return hv_device_guest_crq(&w->d, e);
}

/* How many LINK frames with state @up the peer was sent. */
static unsigned int link_frames(const struct world *w, uint8_t up)
{
	const uint8_t *p = w->peer_seen;
	size_t at = 0, len;
	unsigned int n = 0;

	while (at + HMC_FRAME_HDR_LEN <= w->peer_seen_len) {
		assert_int_equal(p[at], HMC_FRAME_MAGIC);
		len = load_be32(p + at + 4);
		if (p[at + 1] == HMC_EV_LINK && len == 1 && p[at + HMC_FRAME_HDR_LEN] == up)
			n++;
		at += HMC_FRAME_HDR_LEN + len;
	}
	assert_int_equal(at, w->peer_seen_len);
	return n;
}

/*
 * suspend-event: a source whose link was up; the load ends in the
 * partner-suspended state, and a peer already connected to the destination
 * is never told "up" (the suspension comes before the retelling).
 */
static void test_snapshot_load_then_suspend(void **state)
{
	struct world *w = *state, *v = world_new();
	struct vmc_msg cap = vmc_msg_cap(VMC_MSG_CAP, 1, 16, 4096, 256, VMC_PROTOCOL_VERSION);

	register_crq(w);
	assert_int_equal(guest_send(w, 0xC0, 0x01), HV_H_SUCCESS);
	hv_device_kick(&w->d);
	assert_int_equal(guest_msg(w, &cap), HV_H_SUCCESS);
	hv_device_kick(&w->d);
	assert_int_equal(vmc_hv_phase(&w->d.hv), VMC_HV_PHASE_READY);
	v->crq = w->crq;	/* the VIO part carried the registration */
	hv_device_peer_opened(&v->d);
	assert_int_equal(hv_device_snap_prepare(&w->d), 0);
	give_stream(v, w);
	v->peer_seen_len = 0;
	assert_int_equal(hv_device_snap_load(&v->d, true), 0);
	assert_true(vmc_hv_is_suspended(&v->d.hv));
	assert_int_equal(link_frames(v, 1), 0);
	assert_true(link_frames(v, 0) >= 1);
	/* without suspend-event the same load tells the peer "up" */
	give_stream(v, w);
	v->peer_seen_len = 0;
	assert_int_equal(hv_device_snap_load(&v->d, false), 0);
	assert_false(vmc_hv_is_suspended(&v->d.hv));
	assert_int_equal(link_frames(v, 1), 1);
	world_free(v);
}

/* Every damage is refused with its reason, and nothing of the stream is applied. */
static void test_snapshot_refusals(void **state)
{
	struct world *w = *state, *v = world_new();
	static const struct {
		unsigned int at;
		uint8_t xor;
		const char *reason;
	} damage[] = {
		{ 0, 0xFF, "device block: bad magic" },
		{ 8, 0x03, "device block: CRQ registration flag is neither 0 nor 1" },
		{ 15, 0x01, "device block: reserved bytes are not zero" },
		{ HV_DEVICE_SNAP_DEV_LEN, 0xFF, "bad magic" },	/* the engine's */
	};
	unsigned int i;

	register_crq(w);
	w->d.crq_full_dropped = 5;
	assert_int_equal(hv_device_snap_prepare(&w->d), 0);
	for (i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		give_stream(v, w);
		v->d.snap[damage[i].at] ^= damage[i].xor;
		assert_int_equal(hv_device_snap_load(&v->d, true), -1);
		assert_int_equal(v->errors, (int)i + 1);
		assert_non_null(strstr(v->last_report, "incoming engine state refused: "));
		assert_non_null(strstr(v->last_report, damage[i].reason));
		assert_null(v->d.snap);
		assert_false(v->d.mp_registered);
		assert_int_equal(v->d.crq_full_dropped, 0);
		assert_false(vmc_hv_is_suspended(&v->d.hv));
	}
	/* refused for its length: QEMU gave no buffer */
	v->d.snap_len = 99;
	assert_int_equal(hv_device_snap_load(&v->d, false), -1);
	assert_non_null(strstr(v->last_report, "99 bytes announced"));
	assert_int_equal(v->d.snap_len, 0);
	world_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_configure_refusals),
		cmocka_unit_test_setup_teardown(test_guest_init_answered_from_the_bottom_half,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_slot_and_unwritable_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stopped_machine_defers_to_the_timer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_free_and_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pane0_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_socket_waits_for_the_watch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_watch_drops_the_backlog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_peer_is_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_tree_properties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_load_then_suspend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_refusals, setup, teardown),
		cmocka_unit_test(test_init_without_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
