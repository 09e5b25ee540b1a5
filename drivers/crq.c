// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crq.c - PAPR CRQ transport: queue mapping, registration, the valid-byte
 * ring consumer, the init handshake and transport events.
 *
 * Consumer rules (vmc-protocol.md §4.2):
 *   - the slot at `cur` is looked at; header 0x00 means "nothing yet";
 *   - any other header means the producer finished writing the entry (it
 *     stores the header last), so after an acquire barrier the payload is
 *     read, then a release barrier (lwsync on POWER) orders those reads
 *     before the header is cleared to hand the slot back;
 *   - headers 0x80 / 0xC0 / 0xFF are protocol entries; every other
 *     non-zero value (0x01-0x7F included, on which Linux stalls for ever)
 *     is garbage: logged, counted, cleared and skipped, so one bad entry
 *     can never wedge the ring.
 * The slot is cleared and `cur` advanced *before* the entry is handed to
 * the layer above, so a callback that sends (and, under the simulator,
 * gets its reply written into this ring at once) always finds room.
 */
#include <string.h>

#include "drivers/crq.h"
#include "hcall/hcall.h"
#include "lib/log.h"
#include "lib/time.h"

#define CRQ_PAGE		4096u
#define CRQ_FREE_BUDGET_US	1000000u	/* H_FREE_CRQ busy loop bound */
#define CRQ_ENABLE_BUDGET_US	1000000u	/* H_ENABLE_CRQ busy loop bound */
#define CRQ_SEND_BUDGET_US	10000u		/* default H_SEND_CRQ retry budget */

/* Barriers: compile to lwsync/sync on POWER, and to fences on the host. */
#define crq_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define crq_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)

const char *crq_link_name(enum crq_link l)
{
	switch (l) {
	case CRQ_LINK_DOWN: return "down";
	case CRQ_LINK_REGISTERED: return "registered";
	case CRQ_LINK_UP: return "up";
	case CRQ_LINK_SUSPENDED: return "suspended";
	}
	return "?";
}

enum drv_result crq_init(struct crq *crq, uint64_t unit, uint64_t liobn, uint64_t ioba,
			 void *queue, size_t bytes, crq_event_fn fn, void *ctx)
{
	if (!crq) {
		pr_err("crq", "init: no CRQ object");
		return DRV_ERR_PARAM;
	}
	memset(crq, 0, sizeof(*crq));
	if (!queue || bytes == 0 || bytes % CRQ_PAGE || (uintptr_t)queue % CRQ_PAGE ||
	    ioba % CRQ_PAGE || bytes / CRQ_ENTRY_SIZE > UINT32_MAX) {
		pr_err("crq", "init: bad queue %p/%lu at ioba 0x%llx", queue, (unsigned long)bytes,
		       (unsigned long long)ioba);
		return DRV_ERR_PARAM;
	}
	crq->unit = unit;
	crq->liobn = liobn;
	crq->ioba = ioba;
	crq->queue = queue;
	crq->n_entries = (uint32_t)(bytes / CRQ_ENTRY_SIZE);
	crq->send_budget_us = CRQ_SEND_BUDGET_US;
	crq->on_event = fn;
	crq->on_event_ctx = ctx;
	memset(queue, 0, bytes);
	return DRV_OK;
}

static enum drv_result crq_map(struct crq *crq)
{
	size_t bytes = (size_t)crq->n_entries * CRQ_ENTRY_SIZE;

	for (size_t off = 0; off < bytes; off += CRQ_PAGE) {
		uint64_t real = (uint64_t)(uintptr_t)(crq->queue + off);
		long rc = h_put_tce(crq->liobn, crq->ioba + off,
				    (real & ~(uint64_t)(CRQ_PAGE - 1)) | TCE_READ | TCE_WRITE);

		if (rc != H_SUCCESS) {
			crq->last_rc = rc;
			crq->stats.errors++;
			pr_err("crq", "H_PUT_TCE ioba 0x%llx: %s", (unsigned long long)(crq->ioba + off),
			       hcall_rc_name(rc));
			return DRV_ERR_HCALL;
		}
	}
	crq->mapped = true;
	return DRV_OK;
}

static void crq_zero_ring(struct crq *crq)
{
	memset(crq->queue, 0, (size_t)crq->n_entries * CRQ_ENTRY_SIZE);
	crq_wmb();
	crq->cur = 0;
}

struct crq_call {
	struct crq *crq;
	long (*fn)(uint64_t unit);
};

static long crq_call_unit(void *arg)
{
	struct crq_call *c = arg;
	long rc = c->fn(c->crq->unit);

	/* H_ENABLE_CRQ may say "in progress": just another flavour of busy. */
	return rc == H_IN_PROGRESS ? H_BUSY : rc;
}

static long crq_call_retry(struct crq *crq, long (*fn)(uint64_t), uint64_t budget_us)
{
	struct crq_call c = { crq, fn };

	return hcall_retry(crq_call_unit, &c, budget_us);
}

static long crq_h_reg(struct crq *crq)
{
	return h_reg_crq(crq->unit, crq->ioba, (uint64_t)crq->n_entries * CRQ_ENTRY_SIZE);
}

enum drv_result crq_free(struct crq *crq)
{
	long rc = crq_call_retry(crq, h_free_crq, CRQ_FREE_BUDGET_US);

	crq->stats.frees++;
	crq->link = CRQ_LINK_DOWN;
	if (rc == H_SUCCESS)
		return DRV_OK;
	crq->last_rc = rc;
	crq->stats.errors++;
	pr_err("crq", "H_FREE_CRQ: %s", hcall_rc_name(rc));
	return hcall_is_busy(rc) ? DRV_ERR_BUSY : DRV_ERR_HCALL;
}

enum drv_result crq_register(struct crq *crq)
{
	long rc;

	if (!crq->queue)
		return DRV_ERR_STATE;
	/* Pane-0 TCEs persist across free/register (PAPR R1-15): map once. */
	if (!crq->mapped && crq_map(crq) != DRV_OK)
		return DRV_ERR_HCALL;
	crq_zero_ring(crq);
	crq->stats.registers++;
	rc = crq_h_reg(crq);
	if (rc == H_RESOURCE) {
		/* A stale registration (kexec, earlier run): free it, try again. */
		pr_warn("crq", "H_REG_CRQ: H_RESOURCE, freeing the stale registration");
		crq_free(crq);
		crq_zero_ring(crq);
		crq->stats.registers++;
		rc = crq_h_reg(crq);
	}
	if (rc == H_SUCCESS || rc == H_CLOSED) {
		if (rc == H_CLOSED)
			pr_info("crq", "registered; partner not there yet");
		crq->link = CRQ_LINK_REGISTERED;
		/* PAPR: H_REG_CRQ leaves the CRQ interrupt disabled. */
		if (crq->irq_on) {
			long irc = h_vio_signal(crq->unit, 1);

			if (irc != H_SUCCESS) {
				/* Registered all the same: polling still finds the entries. */
				crq->last_rc = irc;
				crq->stats.errors++;
				pr_warn("crq", "H_VIO_SIGNAL(1) after H_REG_CRQ: %s", hcall_rc_name(irc));
			}
		}
		return DRV_OK;
	}
	crq->last_rc = rc;
	crq->stats.errors++;
	crq->link = CRQ_LINK_DOWN;
	pr_err("crq", "H_REG_CRQ: %s", hcall_rc_name(rc));
	return DRV_ERR_HCALL;
}

enum drv_result crq_reset(struct crq *crq)
{
	enum drv_result r;

	crq->stats.resets++;
	crq_free(crq);	/* a failure shows up as H_RESOURCE below, handled there */
	r = crq_register(crq);
	if (r != DRV_OK)
		return r;
	crq_send_init(crq);	/* the partner may not be up yet: tolerated */
	return DRV_OK;
}

enum drv_result crq_enable(struct crq *crq)
{
	long rc = crq_call_retry(crq, h_enable_crq, CRQ_ENABLE_BUDGET_US);

	if (rc == H_SUCCESS) {
		if (crq->link == CRQ_LINK_SUSPENDED)
			crq->link = CRQ_LINK_REGISTERED;
		return DRV_OK;
	}
	crq->last_rc = rc;
	crq->stats.errors++;
	pr_err("crq", "H_ENABLE_CRQ: %s", hcall_rc_name(rc));
	return hcall_is_busy(rc) || rc == H_IN_PROGRESS ? DRV_ERR_BUSY : DRV_ERR_HCALL;
}

enum drv_result crq_set_irq(struct crq *crq, bool on)
{
	long rc = h_vio_signal(crq->unit, on ? 1 : 0);

	if (rc == H_SUCCESS) {
		crq->irq_on = on;
		return DRV_OK;
	}
	crq->last_rc = rc;
	crq->stats.errors++;
	pr_err("crq", "H_VIO_SIGNAL(%d): %s", on, hcall_rc_name(rc));
	return DRV_ERR_HCALL;
}

enum drv_result crq_send(struct crq *crq, uint64_t hi, uint64_t lo)
{
	struct deadline end = deadline_in_us(crq->send_budget_us);
	long rc;

	crq->stats.sends++;
	crq_wmb();	/* whatever the message refers to is visible first */
	for (;;) {
		rc = h_send_crq(crq->unit, hi, lo);
		if (rc == H_SUCCESS)
			return DRV_OK;
		if (rc == H_CLOSED) {
			crq->last_rc = rc;
			crq->stats.send_closed++;
			return DRV_ERR_CLOSED;
		}
		if (rc != H_DROPPED && !hcall_is_busy(rc))
			break;
		if (deadline_passed(end))
			break;
		crq->stats.send_retries++;
		if (hcall_is_long_busy(rc)) {
			uint64_t want = hcall_long_busy_us(rc), left = deadline_left_us(end);

			udelay(want < left ? want : left);
		} else {
			tb_relax();
		}
	}
	crq->last_rc = rc;
	if (rc == H_DROPPED) {
		crq->stats.send_dropped++;
		pr_warn("crq", "send 0x%016llx: partner queue full", (unsigned long long)hi);
		return DRV_ERR_DROPPED;
	}
	crq->stats.send_errors++;
	pr_err("crq", "send 0x%016llx: %s", (unsigned long long)hi, hcall_rc_name(rc));
	return hcall_is_busy(rc) ? DRV_ERR_BUSY : DRV_ERR_HCALL;
}

enum drv_result crq_send_init(struct crq *crq)
{
	return crq_send(crq, CRQ_INIT_HI, 0);
}

enum drv_result crq_send_init_complete(struct crq *crq)
{
	return crq_send(crq, CRQ_INIT_COMPLETE_HI, 0);
}

static uint8_t *crq_slot(const struct crq *crq, uint32_t i)
{
	return crq->queue + (size_t)i * CRQ_ENTRY_SIZE;
}

static uint8_t crq_load_header(const struct crq *crq, uint32_t i)
{
	return __atomic_load_n(crq_slot(crq, i), __ATOMIC_RELAXED);
}

bool crq_pending(const struct crq *crq)
{
	return crq->queue && crq->n_entries && crq_load_header(crq, crq->cur) != CRQ_HDR_FREE;
}

static void crq_emit(struct crq *crq, enum crq_event_kind kind, uint8_t code, const uint8_t *raw)
{
	struct crq_event ev;

	if (!crq->on_event)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.code = code;
	if (raw)
		memcpy(ev.raw, raw, CRQ_ENTRY_SIZE);
	crq->on_event(crq->on_event_ctx, &ev);
}

static void crq_garbage(struct crq *crq, const uint8_t *e)
{
	crq->stats.garbage++;
	pr_warn("crq", "garbage entry %02x %02x at slot %lu: dropped", e[0], e[1],
		(unsigned long)((crq->cur + crq->n_entries - 1) % crq->n_entries));
}

static void crq_handle_init(struct crq *crq, const uint8_t *e)
{
	switch (e[1]) {
	case CRQ_INIT_REQUEST:
		crq->stats.inits_rx++;
		/* Answered in every state: a restarted partner must never deadlock us. */
		if (crq_send_init_complete(crq) != DRV_OK) {
			pr_warn("crq", "partner Init: could not answer Init Complete");
			return;
		}
		crq->link = CRQ_LINK_UP;
		crq_emit(crq, CRQ_EV_PARTNER_INIT, 0, e);
		break;
	case CRQ_INIT_COMPLETE:
		crq->stats.init_completes_rx++;
		crq->link = CRQ_LINK_UP;
		crq_emit(crq, CRQ_EV_LINK_UP, 0, e);
		break;
	default:
		crq_garbage(crq, e);
		break;
	}
}

static void crq_handle_xport(struct crq *crq, const uint8_t *e)
{
	uint8_t code = e[1];

	crq->stats.events++;
	switch (code) {
	case CRQ_XPORT_SUSPEND_PREPARE:
	case CRQ_XPORT_RESUME:
		/* VSCSI/VFC client-adapter events: nothing to do for us. */
		pr_info("crq", "transport event 0x%02x ignored", code);
		return;
	case CRQ_XPORT_PARTNER_SUSPENDED:
		pr_warn("crq", "partner suspended: re-enabling the CRQ");
		crq->link = CRQ_LINK_SUSPENDED;
		crq_emit(crq, CRQ_EV_LINK_DOWN, code, e);
		if (crq_enable(crq) != DRV_OK)
			return;	/* stays SUSPENDED; the layer above may retry */
		crq_emit(crq, CRQ_EV_RESUMED, code, e);
		crq_send_init(crq);
		return;
	default:
		/* 0x01/0x02/0x04, and unknown codes treated alike: partner gone. */
		pr_warn("crq", "transport event 0x%02x: partner gone", code);
		if (crq->link != CRQ_LINK_DOWN)
			crq->link = CRQ_LINK_REGISTERED;
		crq_emit(crq, CRQ_EV_LINK_DOWN, code, e);
		return;
	}
}

unsigned int crq_poll(struct crq *crq)
{
	unsigned int n = 0;
	uint8_t e[CRQ_ENTRY_SIZE];

	if (!crq->queue || crq->polling)
		return 0;
	crq->polling = true;
	/* Bounded: a partner that refills as fast as we drain cannot pin us. */
	while (n < crq->n_entries) {
		uint8_t *slot = crq_slot(crq, crq->cur);

		if (crq_load_header(crq, crq->cur) == CRQ_HDR_FREE)
			break;
		crq_rmb();		/* header seen before the payload is read */
		memcpy(e, slot, CRQ_ENTRY_SIZE);
		crq_wmb();		/* payload read before the slot is released */
		__atomic_store_n(slot, CRQ_HDR_FREE, __ATOMIC_RELAXED);
		crq->cur = (crq->cur + 1) % crq->n_entries;
		crq->stats.entries++;
		n++;

		switch (e[0]) {
		case CRQ_HDR_CMD:
			crq->stats.messages++;
			crq_emit(crq, CRQ_EV_MESSAGE, 0, e);
			break;
		case CRQ_HDR_INIT:
			crq_handle_init(crq, e);
			break;
		case CRQ_HDR_XPORT:
			crq_handle_xport(crq, e);
			break;
		default:
			crq_garbage(crq, e);
			break;
		}
	}
	crq->polling = false;
	return n;
}

int crq_dump(const struct crq *crq, crq_printf_fn pf, void *arg)
{
	const struct crq_stats *s = &crq->stats;

	return pf(arg, "crq: unit 0x%llx liobn 0x%llx ioba 0x%llx entries %lu cur %lu link %s last_rc %s\n"
		  "crq: entries %llu msgs %llu inits %llu init_completes %llu events %llu garbage %llu\n"
		  "crq: sends %llu retries %llu closed %llu dropped %llu send_errors %llu\n"
		  "crq: registers %llu frees %llu resets %llu errors %llu\n",
		  (unsigned long long)crq->unit, (unsigned long long)crq->liobn,
		  (unsigned long long)crq->ioba, (unsigned long)crq->n_entries,
		  (unsigned long)crq->cur, crq_link_name(crq->link), hcall_rc_name(crq->last_rc),
		  (unsigned long long)s->entries, (unsigned long long)s->messages,
		  (unsigned long long)s->inits_rx, (unsigned long long)s->init_completes_rx,
		  (unsigned long long)s->events, (unsigned long long)s->garbage,
		  (unsigned long long)s->sends, (unsigned long long)s->send_retries,
		  (unsigned long long)s->send_closed, (unsigned long long)s->send_dropped,
		  (unsigned long long)s->send_errors, (unsigned long long)s->registers,
		  (unsigned long long)s->frees, (unsigned long long)s->resets,
		  (unsigned long long)s->errors);
}

static const char *crq_header_kind(uint8_t hdr)
{
	switch (hdr) {
	case CRQ_HDR_FREE: return "free";
	case CRQ_HDR_CMD: return "command";
	case CRQ_HDR_INIT: return "init";
	case CRQ_HDR_XPORT: return "transport-event";
	default: return (hdr & CRQ_HDR_VALID_BIT) ? "valid, unknown header" : "not valid";
	}
}

int crq_dump_ring(const struct crq *crq, crq_printf_fn pf, void *arg, uint32_t first,
		  uint32_t count)
{
	uint32_t n = crq->n_entries, shown = 0;

	if (!crq->queue || n == 0)
		return -1;
	pf(arg, "crq: ring of %lu entries, cur %lu%s\n", (unsigned long)n,
	   (unsigned long)crq->cur, count ? "" : "; entries in use:");
	for (uint32_t k = 0; k < (count ? count : n) && k < n; k++) {
		uint32_t i = (first + k) % n;
		const uint8_t *e = crq->queue + (size_t)i * CRQ_ENTRY_SIZE;
		unsigned long long hi = 0, lo = 0;

		if (!count && e[0] == CRQ_HDR_FREE)
			continue;
		for (int b = 0; b < 8; b++) {
			hi = hi << 8 | e[b];
			lo = lo << 8 | e[8 + b];
		}
		pf(arg, "crq[%lu] %02x %02x  %016llx %016llx  %s%s\n", (unsigned long)i, e[0], e[1],
		   hi, lo, crq_header_kind(e[0]), i == crq->cur ? "  <- cur" : "");
		shown++;
	}
	return (int)shown;
}
