// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv_tce.c - the pane-0 TCE rule (see hv_tce.h).
 */
#include "hv/hv_tce.h"
#include "hv/vmc_hv.h"

long vmc_hv_tce_check(const uint64_t *table, uint64_t nb_table,
                      unsigned int page_shift, uint64_t bus_offset,
                      uint64_t ioba, uint64_t len, bool write)
{
    uint64_t win, off, first, last, i;
    uint64_t need = write ? VMC_HV_TCE_WRITE : VMC_HV_TCE_READ;

    /* A window the shift would overflow is as unusable as no window. */
    if (!table || !nb_table || page_shift > 30 ||
        nb_table > (UINT64_MAX >> page_shift)) {
        return HV_H_PARAMETER;
    }
    if (len == 0) {
        return HV_H_SUCCESS;
    }
    /* Bounds the page walk below: at most 2^20 pages of 4 KiB. */
    if (len > UINT32_MAX) {
        return HV_H_PARAMETER;
    }
    win = nb_table << page_shift;
    if (ioba < bus_offset) {
        return HV_H_PARAMETER;
    }
    off = ioba - bus_offset;
    if (off > win || len > win - off) {
        return HV_H_PARAMETER;
    }
    first = off >> page_shift;
    last = (off + len - 1) >> page_shift;
    for (i = first; i <= last; i++) {
        if (!(table[i] & need)) {
            return HV_H_PERMISSION;
        }
    }
    return HV_H_SUCCESS;
}
