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

#define CRQ_ENTRY_SIZE		16
#define CRQ_HDR_FREE		0x00
#define CRQ_HDR_CMD		0x80
#define CRQ_HDR_INIT		0xC0
#define CRQ_HDR_XPORT		0xFF
#define CRQ_INIT_REQUEST	0x01
#define CRQ_INIT_COMPLETE	0x02
#define CRQ_XPORT_PARTNER_FAILED	0x01
#define CRQ_XPORT_PARTNER_DEREG		0x02
#define CRQ_XPORT_PARTNER_TERMINATED	0x04
#define CRQ_XPORT_PARTNER_SUSPENDED	0x06
#define CRQ_XPORT_SUSPEND_PREPARE	0x09
#define CRQ_XPORT_RESUME		0x0A

/* Results of CRQ operations: the transport layer's error vocabulary. */
enum crq_result {
	CRQ_OK = 0,
	CRQ_ERR_PARAM,		/* bad argument or device description */
	CRQ_ERR_HCALL,		/* hypervisor refused (see crq->last_rc) */
	CRQ_ERR_CLOSED,		/* H_SEND_CRQ: partner not there (H_CLOSED) */
	CRQ_ERR_DROPPED,	/* H_SEND_CRQ: partner's queue full (H_DROPPED) */
	CRQ_ERR_BUSY,		/* still busy when the retry budget ran out */
	CRQ_ERR_TIMEOUT,	/* a wait reached its deadline */
	CRQ_ERR_STATE,		/* operation not valid in the current state */
};

const char *crq_result_name(enum crq_result r);

/* Link state as the transport sees it. */
enum crq_link {
	CRQ_LINK_DOWN = 0,	/* not registered */
	CRQ_LINK_REGISTERED,	/* registered, handshake not complete */
	CRQ_LINK_UP,		/* init handshake complete */
	CRQ_LINK_SUSPENDED,	/* partner suspended; needs H_ENABLE_CRQ */
};

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
	long last_rc;		/* last failing hcall's return code */
	uint64_t send_budget_us;/* retry budget for busy / dropped sends */
	crq_event_fn on_event;
	void *on_event_ctx;
	bool polling;		/* inside crq_poll(): nested calls return 0 */
	bool irq_on;		/* last crq_set_irq() state; restored after H_REG_CRQ */
	struct crq_stats stats;
};

/**
 * crq_init - describe a CRQ; nothing is registered yet.
 * @crq: the object
 * @unit: unit address, @liobn: LIOBN of the device's first DMA window
 * @ioba: I/O address to map the queue at (page aligned, inside the window)
 * @queue: page-aligned, zeroable memory of @bytes bytes (multiple of 4096)
 */
enum crq_result crq_init(struct crq *crq, uint64_t unit, uint64_t liobn, uint64_t ioba,
			 void *queue, size_t bytes, crq_event_fn fn, void *ctx);

/** crq_register - map the queue (H_PUT_TCE) and H_REG_CRQ it; H_RESOURCE → free + retry. */
enum crq_result crq_register(struct crq *crq);

/** crq_free - H_FREE_CRQ (busy retried within a budget); link goes down. */
enum crq_result crq_free(struct crq *crq);

/** crq_reset - free, zero the ring, register again, send Init. */
enum crq_result crq_reset(struct crq *crq);

/** crq_enable - H_ENABLE_CRQ after a suspend (busy retried). */
enum crq_result crq_enable(struct crq *crq);

/** crq_set_irq - H_VIO_SIGNAL: enable (true) or disable CRQ interrupts. */
enum crq_result crq_set_irq(struct crq *crq, bool on);

/**
 * crq_send - H_SEND_CRQ one entry given as two big-endian-valued words.
 * Busy and H_DROPPED are retried until send_budget_us; H_CLOSED is
 * returned at once as CRQ_ERR_CLOSED.
 */
enum crq_result crq_send(struct crq *crq, uint64_t hi, uint64_t lo);

/** crq_send_init - send Init (0xC001...). */
enum crq_result crq_send_init(struct crq *crq);

/** crq_send_init_complete - send Init Complete (0xC002...). */
enum crq_result crq_send_init_complete(struct crq *crq);

/**
 * crq_poll - consume every valid entry now in the ring, in order, calling
 * the event callback for each. Returns the number of entries consumed.
 * Never blocks.
 */
unsigned int crq_poll(struct crq *crq);

/** crq_pending - true if the next entry is valid (cheap peek). */
bool crq_pending(const struct crq *crq);

/* printf-like sink for dumps (console, test capture). */
typedef int (*crq_printf_fn)(void *arg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** crq_dump - print the CRQ's state and counters through @pf. */
int crq_dump(const struct crq *crq, crq_printf_fn pf, void *arg);

/* Pack / unpack an entry's 16 bytes as the two H_SEND_CRQ words. */
uint64_t crq_get_be64(const uint8_t *p);
void crq_put_be64(uint8_t *p, uint64_t v);

#endif /* VMCFW_CRQ_H */
