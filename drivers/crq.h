/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crq.h - Command/Response Queue transport (PAPR VIO CRQ).
 *
 * A CRQ object is a context (no globals): a page-aligned ring of 16-byte
 * entries in our memory, TCE-mapped into the device's first DMA window,
 * registered with the hypervisor for one unit address. Portable C over the
 * hcall seam: the same file runs in the image and in host tests.
 *
 * The layer above gets three kinds of things from crq_poll():
 *   - VMC/command entries (header 0x80), as 16 raw bytes;
 *   - link changes (init handshake done, partner gone, ...) as events.
 * Init entries (0xC0) are answered here; transport events (0xFF) are
 * decoded here and turned into events.
 *
 * Entries with a reserved header (anything but 0x00, 0x80, 0xC0, 0xFF,
 * including 0x01-0x7F) are counted in stats.garbage, cleared and skipped:
 * the consumer never stalls on a slot. See crq.c for the ring rules.
 * A transport event 0x06 (partner suspended) is re-enabled here with
 * H_ENABLE_CRQ; CRQ_EV_LINK_DOWN then CRQ_EV_RESUMED are delivered and an
 * Init is sent again.
 */
#ifndef VMCFW_CRQ_H
#define VMCFW_CRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CRQ_ENTRY_SIZE, the header bytes and the init/transport codes. */
#include "lib/crq_format.h"
/* The result vocabulary of every drivers/ function (enum drv_result). */
#include "drivers/drv_result.h"

/* Link state as the transport sees it. */
enum crq_link {
	CRQ_LINK_DOWN = 0,	/* not registered */
	CRQ_LINK_REGISTERED,	/* registered, handshake not complete */
	CRQ_LINK_UP,		/* init handshake complete */
	CRQ_LINK_SUSPENDED,	/* partner suspended; needs H_ENABLE_CRQ */
};

/**
 * crq_link_name - lower-case name of a link state, for logs and dumps.
 * @l: the state
 *
 * Return: "down", "registered", "up", "suspended", or "?" (never NULL).
 */
const char *crq_link_name(enum crq_link l);

/* What crq_poll() hands to the layer above. */
enum crq_event_kind {
	CRQ_EV_MESSAGE,		/* a 0x80 entry: ev.raw holds the 16 bytes */
	CRQ_EV_LINK_UP,		/* init handshake completed (either direction) */
	CRQ_EV_PARTNER_INIT,	/* partner sent Init (we answered Init Complete) */
	CRQ_EV_LINK_DOWN,	/* transport event: ev.code is the 0xFF format byte */
	CRQ_EV_RESUMED,		/* H_ENABLE_CRQ succeeded after a suspend */
};

struct crq_event {
	enum crq_event_kind kind;
	uint8_t code;			/* transport event code for LINK_DOWN */
	uint8_t raw[CRQ_ENTRY_SIZE];	/* the entry as it was in the ring (BE) */
};

typedef void (*crq_event_fn)(void *ctx, const struct crq_event *ev);

struct crq_stats {
	uint64_t entries;	/* valid entries consumed */
	uint64_t messages;	/* 0x80 entries delivered */
	uint64_t inits_rx, init_completes_rx;
	uint64_t events;	/* 0xFF transport events */
	uint64_t sends, send_retries, send_closed, send_dropped, send_errors;
	uint64_t garbage;	/* entries with a reserved header value */
	uint64_t registers, frees, resets;
	uint64_t errors;
};

struct crq {
	/* Device description, filled by crq_init(). */
	uint64_t unit;		/* unit address (device-tree reg) */
	uint64_t liobn;		/* first DMA window's LIOBN */
	uint64_t ioba;		/* where the queue is mapped in that window */
	/* The ring. */
	uint8_t *queue;		/* page aligned, CRQ_ENTRY_SIZE * n_entries bytes */
	uint32_t n_entries;
	uint32_t cur;		/* next entry to look at */
	/* State. */
	enum crq_link link;
	bool mapped;
	long last_rc;		/* rc of the last failing hcall (H_*), for the logs above */
	uint64_t send_budget_us;/* retry budget for busy / dropped sends */
	crq_event_fn on_event;
	void *on_event_ctx;
	bool polling;		/* inside crq_poll(): nested calls return 0 */
	bool irq_on;		/* last crq_set_irq() state; restored after H_REG_CRQ */
	struct crq_stats stats;
};

/**
 * crq_init - describe a CRQ; nothing is registered yet.
 * @crq: the object (zeroed here)
 * @unit: unit address (device-tree reg)
 * @liobn: LIOBN of the device's first DMA window
 * @ioba: I/O address to map the queue at (page aligned, inside the window)
 * @queue: page-aligned, zeroable memory of @bytes bytes
 * @bytes: size of @queue, a non-zero multiple of 4096
 * @fn: event callback for crq_poll() (may be NULL)
 * @ctx: passed to @fn
 *
 * Return: DRV_OK, or DRV_ERR_PARAM (logged) for a NULL @crq or a queue
 * that is missing, misaligned or of a bad size.
 */
enum drv_result crq_init(struct crq *crq, uint64_t unit, uint64_t liobn, uint64_t ioba,
			 void *queue, size_t bytes, crq_event_fn fn, void *ctx);

/**
 * crq_register - map the queue (H_PUT_TCE, once) and H_REG_CRQ it.
 * @crq: an initialised CRQ
 *
 * H_RESOURCE (a stale registration) is answered by H_FREE_CRQ and one more
 * H_REG_CRQ. H_CLOSED counts as success: the partner is simply not there
 * yet. The CRQ interrupt is re-enabled if crq_set_irq() had turned it on.
 *
 * Return: DRV_OK (link REGISTERED), DRV_ERR_STATE without a queue, or
 * DRV_ERR_HCALL (rc logged and kept in @crq->last_rc; link DOWN).
 */
enum drv_result crq_register(struct crq *crq);

/**
 * crq_free - H_FREE_CRQ, busy answers retried within a 1 s budget.
 * @crq: the CRQ; its link goes DOWN whatever the answer
 *
 * Return: DRV_OK, DRV_ERR_BUSY (still busy at the end of the budget) or
 * DRV_ERR_HCALL; the rc is logged and kept in @crq->last_rc.
 */
enum drv_result crq_free(struct crq *crq);

/**
 * crq_reset - free, zero the ring, register again, send Init.
 * @crq: the CRQ
 *
 * A failing free is tolerated (it shows up as H_RESOURCE at registration,
 * handled there), and so is a failing Init (the partner may not be up).
 *
 * Return: what crq_register() returned.
 */
enum drv_result crq_reset(struct crq *crq);

/**
 * crq_enable - H_ENABLE_CRQ after a suspend; busy and in-progress retried.
 * @crq: the CRQ; a SUSPENDED link becomes REGISTERED on success
 *
 * Return: DRV_OK, DRV_ERR_BUSY or DRV_ERR_HCALL (rc in @crq->last_rc).
 */
enum drv_result crq_enable(struct crq *crq);

/**
 * crq_set_irq - H_VIO_SIGNAL: enable or disable the CRQ interrupt.
 * @crq: the CRQ
 * @on: true to enable
 *
 * Return: DRV_OK, or DRV_ERR_HCALL (rc logged, kept in @crq->last_rc).
 */
enum drv_result crq_set_irq(struct crq *crq, bool on);

/**
 * crq_send - H_SEND_CRQ one entry given as its two H_SEND_CRQ words.
 * @crq: the CRQ
 * @hi: bytes 0-7 of the entry (byte 0, the header, most significant)
 * @lo: bytes 8-15
 *
 * Busy answers and H_DROPPED are retried until @crq->send_budget_us.
 *
 * Return: DRV_OK; DRV_ERR_CLOSED at once on H_CLOSED; DRV_ERR_DROPPED or
 * DRV_ERR_BUSY when the budget ran out; DRV_ERR_HCALL for any other rc.
 * The rc of every failure is in @crq->last_rc.
 */
enum drv_result crq_send(struct crq *crq, uint64_t hi, uint64_t lo);

/**
 * crq_send_init - send Init (0xC001...).
 * @crq: the CRQ
 *
 * Return: as crq_send().
 */
enum drv_result crq_send_init(struct crq *crq);

/**
 * crq_send_init_complete - send Init Complete (0xC002...).
 * @crq: the CRQ
 *
 * Return: as crq_send().
 */
enum drv_result crq_send_init_complete(struct crq *crq);

/**
 * crq_poll - consume every valid entry now in the ring, in order, calling
 * the event callback for each. Never blocks; a nested call (from inside the
 * callback) does nothing.
 * @crq: the CRQ
 *
 * Return: the number of entries consumed (at most one ring's worth).
 */
unsigned int crq_poll(struct crq *crq);

/**
 * crq_pending - cheap peek at the next slot.
 * @crq: the CRQ
 *
 * Return: true if the next entry is valid (crq_poll() would consume it).
 */
bool crq_pending(const struct crq *crq);

/* printf-like sink for dumps (console, test capture). */
typedef int (*crq_printf_fn)(void *arg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * crq_dump - print the CRQ's state and counters through @pf.
 * @crq: the CRQ
 * @pf: the sink
 * @arg: passed to @pf
 *
 * Return: what @pf returned for the (single) call.
 */
int crq_dump(const struct crq *crq, crq_printf_fn pf, void *arg);

/**
 * crq_dump_ring - print ring entries through @pf, one line each:
 * `crq[N] HH FF  xxxxxxxxxxxxxxxx xxxxxxxxxxxxxxxx  kind` (header and
 * format bytes, the 16 bytes as two big-endian words, what the header
 * says), `<- cur` on the entry crq_poll() looks at next.
 * @crq: the CRQ (nothing is consumed or changed)
 * @pf: the sink
 * @arg: passed to @pf
 * @first: first entry (taken modulo the ring size)
 * @count: entries to print, wrapping around; 0: every entry in use
 *
 * Return: the number of entries printed; -1 when no ring is registered.
 */
int crq_dump_ring(const struct crq *crq, crq_printf_fn pf, void *arg, uint32_t first,
		  uint32_t count);

#endif /* VMCFW_CRQ_H */
