/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * irq_handlers.h - the table of interrupt handlers by source number.
 *
 * XICS and XIVE both deliver a source number and need the handler attached
 * to it; only one of them is in use at a time, so they share this table.
 */
#ifndef VMCFW_IRQ_HANDLERS_H
#define VMCFW_IRQ_HANDLERS_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_MAX_HANDLERS	8

/* Runs in the 0x500 context: keep it short. */
typedef void (*irq_source_fn)(void *ctx, uint32_t irq);

/**
 * irq_handler_set - attach @fn to source @irq (replacing an earlier handler
 * of the same source).
 * Return: the slot used (to undo with irq_handler_clear_slot()), or -1 when
 * all IRQ_MAX_HANDLERS slots hold other sources.
 */
int irq_handler_set(uint32_t irq, irq_source_fn fn, void *ctx);

/** irq_handler_clear_slot - forget the handler irq_handler_set() placed in @slot. */
void irq_handler_clear_slot(int slot);

/** irq_handler_remove - forget every handler of source @irq. */
void irq_handler_remove(uint32_t irq);

/**
 * irq_handler_dispatch - call the handler of source @irq.
 * Return: true when one was attached (and called).
 */
bool irq_handler_dispatch(uint32_t irq);

#endif /* VMCFW_IRQ_HANDLERS_H */
