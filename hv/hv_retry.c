// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv_retry.c - deadlines and the retry backoff of the engine's deferred
 * work; see hv_retry.h.
 */
#include "hv/hv_retry.h"

void hv_retry_init(struct hv_retry *r)
{
    r->backoff_us = HV_RETRY_MIN_US;
    r->kicks = 0;
}

void hv_retry_restart(struct hv_retry *r)
{
    r->backoff_us = HV_RETRY_MIN_US;
}

void hv_retry_kick(struct hv_retry *r, struct vmc_hv *hv)
{
    uint64_t sent = vmc_hv_get_stats(hv)->tx_entries;

    r->kicks++;
    vmc_hv_kick(hv);
    if (vmc_hv_get_stats(hv)->tx_entries != sent) {
        r->backoff_us = HV_RETRY_MIN_US; /* the guest is consuming again */
    }
}

uint64_t hv_retry_next(struct hv_retry *r, const struct vmc_hv *hv,
                       uint64_t now_us)
{
    uint64_t due = vmc_hv_next_deadline_us(hv);

    if (due == UINT64_MAX) {
        return UINT64_MAX;
    }
    if (due <= now_us) {
        /* blocked (guest CRQ full or half outstanding): retry with backoff */
        due = now_us + r->backoff_us;
        r->backoff_us = r->backoff_us * 2 < HV_RETRY_MAX_US ? r->backoff_us * 2
                                                            : HV_RETRY_MAX_US;
    }
    return due > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : due;
}
