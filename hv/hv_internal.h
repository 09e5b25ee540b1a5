/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hv_internal.h - what the HV engine's files share and nobody else uses.
 *
 * The engine is split by job: vmc_hv.c (set-up, names, knobs, invariants,
 * dump), hv_transport.c (CRQ in/out queues, handshake, resets, time),
 * hv_sessions.c (the VMC protocol proper and the HMC-side commands),
 * hv_rdma.c (H_COPY_RDMA, H_REQUEST_VMC).
 */
#ifndef VMCFW_HV_INTERNAL_H
#define VMCFW_HV_INTERNAL_H

#include "hv/vmc_hv.h"
#include "lib/crq_format.h"
#include "vmc/vmc_wire.h"

#define HV_LOG_ERR 0
#define HV_LOG_WARN 1
#define HV_LOG_INFO 2
#define HV_LOG_DEBUG 3

#define HV_NO_BUFFER 0xFFFF

/* CRQ header bytes and init formats: lib/crq_format.h (via vmc_wire.h). */

/* vmc_hv.c */
void hv_log(struct vmc_hv *hv, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void hv_violation(struct vmc_hv *hv, enum vmc_hv_violation v, const char *fmt,
                  ...) __attribute__((format(printf, 3, 4)));
void hv_event(struct vmc_hv *hv, enum vmc_hv_event_kind kind,
              unsigned int index, unsigned int session, unsigned int buffer_id,
              int code, const uint8_t *data, uint32_t len);
uint64_t hv_now(struct vmc_hv *hv);
bool hv_knob_set(const struct vmc_hv *hv, enum vmc_hv_knob k);
uint8_t *hv_slot(struct vmc_hv *hv, unsigned int index, unsigned int id);
uint8_t *hv_stage(struct vmc_hv *hv, unsigned int index, unsigned int slot);

/* hv_transport.c */
int hv_queue_entry(struct vmc_hv *hv, uint64_t hi, uint64_t lo,
                   bool with_faults);
int hv_queue_msg(struct vmc_hv *hv, const struct vmc_msg *m);
uint32_t hv_outq_free(const struct vmc_hv *hv);
void hv_output_ready(struct vmc_hv *hv);
void hv_outq_clear(struct vmc_hv *hv);
void hv_teardown(struct vmc_hv *hv, enum vmc_hv_close_reason why);

/* hv_sessions.c */
void hv_dispatch_vmc(struct vmc_hv *hv, uint64_t hi, uint64_t lo);
void hv_hmc_clear(struct vmc_hv *hv, unsigned int index,
                  enum vmc_hv_close_reason why);

#endif /* VMCFW_HV_INTERNAL_H */
