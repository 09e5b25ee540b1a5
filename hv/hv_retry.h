/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hv_retry.h - when an embedder runs the engine's deferred work again.
 *
 * Work with a deadline runs at the deadline. Output the guest's CRQ does not
 * take now (ring full, half of it outstanding, page not writable) is retried
 * after 1 ms, then 2, 4, ... up to 64 ms per fruitless retry; anything that
 * may unblock it (a guest hcall, new output, a peer command, a retry that
 * delivered something) starts again from 1 ms. So a blocked queue costs a
 * few wake-ups per second, never a busy loop, and only a guest that consumes
 * entries without ever calling the device waits up to the maximum.
 * Plain C, no clock of its own (it builds inside QEMU).
 */
#ifndef VMCFW_HV_RETRY_H
#define VMCFW_HV_RETRY_H

#include <stdint.h>

#include "hv/vmc_hv.h"

#define HV_RETRY_MIN_US 1000
#define HV_RETRY_MAX_US 64000

/**
 * struct hv_retry - the backoff and its counter.
 * @backoff_us: the next retry delay while the guest's CRQ is blocked
 * @kicks: runs of the engine's deferred work
 */
struct hv_retry {
    uint64_t backoff_us;
    uint64_t kicks;
};

/**
 * hv_retry_init - no backoff yet, no kicks.
 * @r: the state
 */
void hv_retry_init(struct hv_retry *r);

/**
 * hv_retry_restart - something may have unblocked the guest's queue: the
 * next retry waits the minimum again.
 * @r: the state
 */
void hv_retry_restart(struct hv_retry *r);

/**
 * hv_retry_kick - run the engine's deferred work (vmc_hv_kick()) and count
 * it; a run that delivered an entry restarts the backoff.
 * @r: the state
 * @hv: the engine
 */
void hv_retry_kick(struct hv_retry *r, struct vmc_hv *hv);

/**
 * hv_retry_next - when to run the deferred work next; a blocked retry
 * doubles the backoff for the one after.
 * @r: the state
 * @hv: the engine
 * @now_us: the engine's clock now
 * Return: UINT64_MAX when nothing is pending, else the time (at most
 * INT64_MAX) to run vmc_hv_kick() through hv_retry_kick().
 */
uint64_t hv_retry_next(struct hv_retry *r, const struct vmc_hv *hv,
                       uint64_t now_us);

#endif /* VMCFW_HV_RETRY_H */
