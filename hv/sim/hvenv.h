/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hvenv.h - the host's one model of what the hypervisor owns around a VIO
 * device with a CRQ: its unit address, its TCE tables (pane 0 and any
 * extra windows) with their permission bits, the guest's CRQ registration
 * and ring, and the rules and return codes of H_PUT_TCE, H_GET_TCE,
 * H_REG_CRQ, H_FREE_CRQ, H_ENABLE_CRQ, H_VIO_SIGNAL and the generic part of
 * H_SEND_CRQ, as QEMU 7.2's VIO bus and TCE hcalls and the spapr-vmc glue
 * (hv/qemu/spapr_vmc.c) apply them. H_COPY_RDMA belongs to
 * the HV engine (hv/hv_rdma.c); the model gives it pane 0 through
 * hvenv_dma_check/read/write, which use the shared rule of hv/hv_tce.h.
 *
 * Users: the host simulator (hv/sim/sim_*.c, the hcall seam for the MP
 * code) and the HV engine's test fixture (tests/host/hv/fake_env.c). Both
 * therefore answer a guest exactly the same way.
 *
 * Host-only, plain C, no globals: all state is in struct hvenv, which the
 * user owns. A TCE holds a host address | permission bits (the host plays
 * guest real memory), so a mapped page is read and written in place.
 */
#ifndef VMCFW_HV_SIM_HVENV_H
#define VMCFW_HV_SIM_HVENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/hv_tce.h"

#define HVENV_PAGE_SHIFT	12
#define HVENV_PAGE		(1u << HVENV_PAGE_SHIFT)
#define HVENV_MAX_WINDOWS	4
/* H_REG_CRQ queue size limits of QEMU 7.2 (4 KiB .. 256 MiB, inclusive). */
#define HVENV_CRQ_MIN_LEN	0x1000u
#define HVENV_CRQ_MAX_LEN	0x10000000u
/* Bits a guest may set with H_VIO_SIGNAL (the CRQ interrupt enable). */
#define HVENV_SIGNAL_MASK	1u

/* One TCE table, keyed by its LIOBN; bus offset 0, 4 KiB pages. */
struct hvenv_window {
	uint64_t liobn;
	uint64_t n;		/* entries */
	uint64_t *tce;		/* NULL: slot unused */
};

struct hvenv_stats {
	uint64_t tce_puts;
	uint64_t ring_writes;	/* entries written into the guest's CRQ */
	uint64_t ring_full;	/* push refused: slot at the enqueue pointer busy */
	uint64_t ring_dma_errors; /* push refused: CRQ page not accessible */
	uint64_t irq_pulses;	/* entries written while the interrupt was on */
};

struct hvenv {
	uint64_t unit;				/* the device's unit address */
	struct hvenv_window win[HVENV_MAX_WINDOWS];	/* [0]: the device's pane 0 */
	/* The guest's CRQ, as QEMU keeps it: qladdr, qsize, qnext. */
	uint64_t crq_ioba, crq_len, crq_next;
	uint64_t signal_state;			/* H_VIO_SIGNAL mode */
	struct hvenv_stats stats;
};

/** hvenv_init - empty model for unit address @unit: no windows, no CRQ. */
void hvenv_init(struct hvenv *e, uint64_t unit);

/**
 * hvenv_add_window - add a TCE table of @bytes (rounded down to pages) for
 * @liobn, every entry unmapped. The first one added is the device's pane 0.
 * Return: 0, or -1 (no free slot, @liobn 0 or already present, no memory).
 */
int hvenv_add_window(struct hvenv *e, uint64_t liobn, uint64_t bytes);

/** hvenv_fini - release the tables; the model is empty afterwards. */
void hvenv_fini(struct hvenv *e);

/** hvenv_window - the table of @liobn. Return: it, or NULL if none. */
struct hvenv_window *hvenv_window(struct hvenv *e, uint64_t liobn);

/** hvenv_pane0 - the device's own table. Return: it, or NULL if none. */
struct hvenv_window *hvenv_pane0(struct hvenv *e);

/**
 * hvenv_put_tce - H_PUT_TCE: the IOBA is truncated to its page, as QEMU does.
 * Return: HV_H_SUCCESS, or HV_H_PARAMETER (unknown LIOBN, IOBA beyond the table).
 */
long hvenv_put_tce(struct hvenv *e, uint64_t liobn, uint64_t ioba, uint64_t tce);

/**
 * hvenv_get_tce - H_GET_TCE.
 * Return: HV_H_SUCCESS with *@tce set, or HV_H_PARAMETER as hvenv_put_tce().
 */
long hvenv_get_tce(struct hvenv *e, uint64_t liobn, uint64_t ioba, uint64_t *tce);

/** hvenv_tce - the TCE at @ioba of @liobn. Return: it, or 0 if none. */
uint64_t hvenv_tce(struct hvenv *e, uint64_t liobn, uint64_t ioba);

/**
 * hvenv_dma_check - would a device access of @len bytes at @ioba of table
 * @liobn succeed? @write: the device writes. The rule is vmc_hv_tce_check().
 * Return: HV_H_SUCCESS, HV_H_PARAMETER (unknown LIOBN, range outside the window)
 * or HV_H_PERMISSION (a page lacks the needed bit).
 */
long hvenv_dma_check(struct hvenv *e, uint64_t liobn, uint64_t ioba, uint64_t len, bool write);

/**
 * hvenv_dma_read - device read of guest memory through the TCEs.
 * Return: as hvenv_dma_check(); nothing is copied unless HV_H_SUCCESS.
 */
long hvenv_dma_read(struct hvenv *e, uint64_t liobn, uint64_t ioba, void *buf, uint64_t len);

/**
 * hvenv_dma_write - device write of guest memory through the TCEs.
 * Return: as hvenv_dma_check(); nothing is copied unless HV_H_SUCCESS.
 */
long hvenv_dma_write(struct hvenv *e, uint64_t liobn, uint64_t ioba, const void *buf,
		     uint64_t len);

/**
 * hvenv_reg_crq - H_REG_CRQ as QEMU 7.2: the queue may be any size from
 * 4 KiB to 256 MiB (not only whole pages), its IOBA must be 4 KiB aligned,
 * and neither the TCE mapping nor the interrupt state is looked at.
 * Return: HV_H_SUCCESS; HV_H_PARAMETER (unknown unit, bad size or alignment);
 * HV_H_RESOURCE (a queue is already registered).
 */
long hvenv_reg_crq(struct hvenv *e, uint64_t unit, uint64_t ioba, uint64_t len);

/**
 * hvenv_free_crq - H_FREE_CRQ: forgets the queue (freeing none is fine);
 * the interrupt state stays as it was.
 * Return: HV_H_SUCCESS, or HV_H_PARAMETER (unknown unit).
 */
long hvenv_free_crq(struct hvenv *e, uint64_t unit);

/** hvenv_enable_crq - H_ENABLE_CRQ. Return: HV_H_SUCCESS, or HV_H_PARAMETER (unknown unit). */
long hvenv_enable_crq(struct hvenv *e, uint64_t unit);

/**
 * hvenv_vio_signal - H_VIO_SIGNAL: sets the interrupt mode.
 * Return: HV_H_SUCCESS, or HV_H_PARAMETER (unknown unit, bits outside the mask).
 */
long hvenv_vio_signal(struct hvenv *e, uint64_t unit, uint64_t mode);

/**
 * hvenv_unit_check - the generic part of H_SEND_CRQ (and of every hcall
 * that takes a unit address): is there a device at @unit?
 * Return: HV_H_SUCCESS, or HV_H_PARAMETER.
 */
long hvenv_unit_check(const struct hvenv *e, uint64_t unit);

/**
 * hvenv_crq_accept - what spapr-vmc answers an H_SEND_CRQ entry before any
 * VMC logic: used by partners that have no HV engine (which applies the
 * same rule itself).
 * Return: HV_H_SUCCESS; HV_H_PARAMETER (header without bit 0x80, or 0xFF: the
 * guest may not send transport events); HV_H_CLOSED (no queue registered).
 */
long hvenv_crq_accept(const struct hvenv *e, uint64_t hi);

/** hvenv_crq_registered - is a guest CRQ registered? */
bool hvenv_crq_registered(const struct hvenv *e);

/**
 * hvenv_crq_push - write one entry into the guest's CRQ as QEMU's
 * spapr_vio_send_crq() does: read the header byte at the enqueue pointer,
 * refuse if busy, write bytes 8-15, barrier, bytes 0-7 (header last),
 * advance the pointer modulo the queue size, pulse the interrupt if on.
 * Return: VMC_HV_TX_OK; VMC_HV_TX_CLOSED (no queue); VMC_HV_TX_FULL (slot
 * busy, or the page not accessible: spapr-vmc retries those later).
 */
int hvenv_crq_push(struct hvenv *e, uint64_t hi, uint64_t lo);

/**
 * hvenv_crq_outstanding - entries of the guest's CRQ not consumed yet
 * (header byte non-zero); unreadable slots are not counted.
 * Return: that count, 0 without a queue.
 */
unsigned int hvenv_crq_outstanding(struct hvenv *e);

#endif /* VMCFW_HV_SIM_HVENV_H */
