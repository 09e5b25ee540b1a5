/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hv_tce.h - the pane-0 TCE rule: may a device access a range of a guest's
 * TCE window, and which hcall return code says why not.
 *
 * One function, used by every embedder of the HV engine (the host
 * environment model in hv/sim/ and the QEMU device glue), so the answer to
 * "unmapped page", "read-only page" or "range outside the window" is the
 * same everywhere. Plain C with stdint/stdbool only (it builds inside QEMU).
 */
#ifndef VMCFW_HV_TCE_H
#define VMCFW_HV_TCE_H

#include <stdbool.h>
#include <stdint.h>

/* TCE permission bits (PAPR): the low bits of each entry. */
#define VMC_HV_TCE_READ 1u  /* the device may read the page */
#define VMC_HV_TCE_WRITE 2u /* the device may write the page */
#define VMC_HV_TCE_PERM 3u

/**
 * vmc_hv_tce_check - may a device access [@ioba, @ioba + @len) through a
 * TCE table?
 * @table: the TCEs, one per page: real address | permission bits
 * @nb_table: entries in @table
 * @page_shift: log2 of the page size (12 for the VIO tables)
 * @bus_offset: first IOBA of the window
 * @ioba: first byte of the access
 * @len: bytes; 0 is allowed and always succeeds on a usable table
 * @write: true when the device writes (a DMA destination)
 *
 * The order of the checks is the order QEMU 7.2's spapr-vmc applies them,
 * so a range that is both out of the window and unmapped gets the same
 * answer on the host and in QEMU.
 *
 * Return: HV_H_SUCCESS; HV_H_PARAMETER when the table is unusable (NULL,
 * empty, page_shift above 30), @len exceeds 4 GiB - 1 or the range is not
 * inside the window; HV_H_PERMISSION when a page of the range lacks the
 * needed bit (an unmapped page, TCE 0, has neither bit).
 */
long vmc_hv_tce_check(const uint64_t *table, uint64_t nb_table,
                      unsigned int page_shift, uint64_t bus_offset,
                      uint64_t ioba, uint64_t len, bool write);

#endif /* VMCFW_HV_TCE_H */
