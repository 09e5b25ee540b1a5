/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fake_env.h - a minimal fake world around the HV engine for its own tests
 * and fuzzer: the MP's CRQ as a bounded queue of 16-byte entries (a test
 * knob: capacity, closed), the MP's pane-0 memory behind a TCE table of the
 * host's environment model (hv/sim/hvenv.h, so the permission and range
 * rules are the simulator's and QEMU's), virtual time, and a log of the
 * events the engine reports. No simulator, no hcalls.
 */
#ifndef VMCFW_TESTS_HV_FAKE_ENV_H
#define VMCFW_TESTS_HV_FAKE_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/sim/hvenv.h"
#include "hv/vmc_hv.h"
#include "vmc/vmc_wire.h"

#define FAKE_LOCAL_LIOBN	0x71000002ULL
#define FAKE_REMOTE_LIOBN	0x7f000002ULL
#define FAKE_LOCAL_SIZE		(256u * 1024u)	/* pane 0: 64 pages */
#define FAKE_RING_MAX		1024
#define FAKE_EVENTS_MAX		256

struct fake_event {
	int kind, index, session, buffer_id, code;
	uint32_t len;
	uint8_t data[64];
};

struct fake_env {
	struct vmc_hv hv;
	struct vmc_hv_config cfg;
	struct vmc_hv_ops ops;
	uint8_t *backing;
	size_t backing_len;

	/* The MP's receive CRQ. */
	uint64_t ring_hi[FAKE_RING_MAX], ring_lo[FAKE_RING_MAX];
	unsigned int ring_head, ring_count, ring_capacity;
	bool mp_closed;			/* send_to_mp answers CLOSED */
	bool report_outstanding;	/* implement ops->mp_outstanding */

	/* Pane 0: FAKE_LOCAL_SIZE bytes, page aligned, mapped by model's table. */
	uint8_t *local;
	struct hvenv model;

	uint64_t now;
	unsigned int wakes;
	unsigned int logs;
	bool quiet;

	struct fake_event ev[FAKE_EVENTS_MAX];
	unsigned int nev;

	/* Optional hook run on every event (re-entrancy tests). */
	void (*on_event)(struct fake_env *f, const struct vmc_hv_event *ev);
};

/* Create with @cfg (NULL: defaults with the fake LIOBNs); returns NULL on failure. */
struct fake_env *fake_new(const struct vmc_hv_config *cfg);
void fake_free(struct fake_env *f);
/*
 * Start again with @cfg on the same object (fuzzer: no allocation per
 * input). Keeps the backing store if it is large enough. Returns 0 or -1.
 */
int fake_reinit(struct fake_env *f, const struct vmc_hv_config *cfg);
void fake_config_default(struct vmc_hv_config *cfg);
/*
 * Set the permission bits (VMC_HV_TCE_READ | VMC_HV_TCE_WRITE, 0 unmaps) of
 * pane-0 page @page; pages beyond the window are ignored.
 */
void fake_set_tce(struct fake_env *f, unsigned int page, unsigned int perm);
/* The fake's ops->mp_dma_check (so a test can take it away and put it back). */
long fake_dma_check(void *opaque, uint64_t liobn, uint64_t ioba, uint64_t len, bool write);

/* Take the oldest entry of the MP's ring (the MP consuming it). */
bool fake_pop(struct fake_env *f, uint64_t *hi, uint64_t *lo);
/* Pop and decode a 0x80 entry; false if none or not 0x80. */
bool fake_pop_msg(struct fake_env *f, struct vmc_msg *m);
/* Send an encoded message as the MP (H_SEND_CRQ); returns the hcall rc. */
long fake_send(struct fake_env *f, const struct vmc_msg *m);
/* Count events of @kind recorded so far. */
unsigned int fake_count_events(const struct fake_env *f, int kind);
const struct fake_event *fake_last_event(const struct fake_env *f, int kind);

/*
 * Bring the channel up as a well-behaved MP: register, Init, CAP with the
 * given values, answer every seed ADD_BUF. Returns 0 on success.
 */
int fake_bring_up(struct fake_env *f, uint8_t hmcs, uint16_t pool, uint32_t mtu);
/* Answer every ADD_BUF in the ring with success; other entries stay, in order. */
unsigned int fake_answer_adds(struct fake_env *f);
/* Open a session the way Linux does (ID copied into the seed, OPEN, answers). */
int fake_open(struct fake_env *f, uint8_t index, uint8_t session, const char *hmc_id);

#endif
