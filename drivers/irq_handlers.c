// SPDX-License-Identifier: GPL-2.0-or-later
/* irq_handlers.c - the table of interrupt handlers by source number. */
#include <stddef.h>

#include "drivers/irq_handlers.h"

static struct {
	uint32_t irq;
	irq_source_fn fn;
	void *ctx;
} handlers[IRQ_MAX_HANDLERS];

int irq_handler_set(uint32_t irq, irq_source_fn fn, void *ctx)
{
	int slot = -1;

	for (int i = 0; i < IRQ_MAX_HANDLERS; i++) {
		if (handlers[i].fn && handlers[i].irq == irq) {
			slot = i;	/* the same source: replace */
			break;
		}
		if (!handlers[i].fn && slot < 0)
			slot = i;
	}
	if (slot < 0)
		return -1;
	handlers[slot].irq = irq;
	handlers[slot].ctx = ctx;
	handlers[slot].fn = fn;
	return slot;
}

void irq_handler_clear_slot(int slot)
{
	if (slot >= 0 && slot < IRQ_MAX_HANDLERS)
		handlers[slot].fn = NULL;
}

void irq_handler_remove(uint32_t irq)
{
	for (int i = 0; i < IRQ_MAX_HANDLERS; i++)
		if (handlers[i].fn && handlers[i].irq == irq)
			handlers[i].fn = NULL;
}

bool irq_handler_dispatch(uint32_t irq)
{
	for (int i = 0; i < IRQ_MAX_HANDLERS; i++)
		if (handlers[i].fn && handlers[i].irq == irq) {
			handlers[i].fn(handlers[i].ctx, irq);
			return true;
		}
	return false;
}
