/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmc_internal.h - helpers shared by the vmc/ engine's files; not an API.
 */
#ifndef VMCFW_VMC_INTERNAL_H
#define VMCFW_VMC_INTERNAL_H

#include "vmc/vmc.h"

#define VMC_SUB "vmc"
#define VMC_PAGE 4096u

/* Local mirror of buffer @id of HMC @index (layout fixed by the config). */
static inline size_t vmc_buf_offset(const struct vmc *v, unsigned int index, unsigned int id)
{
	return ((size_t)index * v->cfg.pool_size + id) * v->stride;
}

static inline uint8_t *vmc_buf_ptr(const struct vmc *v, unsigned int index, unsigned int id)
{
	return (uint8_t *)v->cfg.buf_mem + vmc_buf_offset(v, index, id);
}

static inline uint64_t vmc_buf_ioba(const struct vmc *v, unsigned int index, unsigned int id)
{
	return v->cfg.buf_ioba + vmc_buf_offset(v, index, id);
}

/* Staging area of send-queue slot @slot of HMC @index (after the mirrors). */
static inline uint8_t *vmc_sendq_ptr(const struct vmc *v, unsigned int index, unsigned int slot)
{
	size_t mirrors = (size_t)v->cfg.max_hmcs * v->cfg.pool_size * v->stride;

	return (uint8_t *)v->cfg.buf_mem + mirrors +
	       ((size_t)index * VMC_SENDQ_DEPTH + slot) * v->stride;
}

/* vmc_core.c */
void vmc_emit(struct vmc *v, enum vmc_event_kind kind, int index, enum vmc_result result,
	      int code, uint32_t len);
enum vmc_result vmc_tx(struct vmc *v, const struct vmc_msg *m);
void vmc_teardown(struct vmc *v, int cause);
void vmc_channel_reset(struct vmc *v, int cause);
uint64_t vmc_now(const struct vmc *v);

/* vmc_buf.c */
int vmc_buf_pick_free(const struct vmc_hmc *h, uint16_t pool);
void vmc_buf_release_all(struct vmc *v, unsigned int index);
void vmc_on_add_buf(struct vmc *v, const struct vmc_msg *m);
void vmc_on_rem_buf(struct vmc *v, const struct vmc_msg *m);

/* vmc_session.c */
void vmc_on_open_resp(struct vmc *v, const struct vmc_msg *m);
void vmc_on_close_resp(struct vmc *v, const struct vmc_msg *m);
void vmc_on_signal(struct vmc *v, const struct vmc_msg *m);
void vmc_sendq_fail(struct vmc *v, unsigned int index, enum vmc_result why);
void vmc_sendq_flush(struct vmc *v, unsigned int index);
void vmc_try_reopen(struct vmc *v, unsigned int index);

#endif /* VMCFW_VMC_INTERNAL_H */
