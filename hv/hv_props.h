/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hv_props.h - the spapr-vmc device's properties, checked and turned into
 * the configurations of the engine (struct vmc_hv_config) and of the HMC
 * link (struct hmc_link_config). Portable so the rules are host-tested;
 * the QEMU glue stores its properties in a struct hv_props and only adds
 * what needs QEMU (is a LIOBN already taken?). Plain C, no allocation.
 */
#ifndef VMCFW_HV_PROPS_H
#define VMCFW_HV_PROPS_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/hmc_link.h"
#include "hv/vmc_hv.h"

/**
 * struct hv_props - the device properties (docs/qemu-device.md).
 * @max_mtu: max-mtu, 4096..16384, a multiple of 4096
 * @pool_size: pool-size, 1..VMC_HV_MAX_POOL
 * @max_hmcs: max-hmcs, 1..VMC_HV_MAX_HMCS
 * @mp_bufs: session-mp-bufs
 * @hv_bufs: session-hv-bufs (with @mp_bufs at most @pool_size)
 * @remote_liobn: remote-liobn; 0: 0x7f000000 | low 24 bits of the unit address
 * @drc_index: drc-index; 0: the unit address
 * @max_copy: max-copy, at least @max_mtu
 * @crq_entries: crq-entries reported in CAP_RESP; 0: the engine's default
 * @strict: strict
 * @trace_crq: trace-crq
 * @debug: debug (the glue's log)
 * @init_on_register: init-on-register
 * @crq_full_drop: crq-full-drop
 * @suspend_event: suspend-event: post 0xFF 0x06 after a migration loads
 *      (vmc_hv_suspend(); the glue acts on it, the engine's configuration
 *      does not carry it, so both ends of a migration may differ)
 * @suspend_on_resume: suspend-on-resume: the same after a stop and continue
 */
struct hv_props {
    uint32_t max_mtu;
    uint32_t pool_size;
    uint32_t max_hmcs;
    uint32_t mp_bufs;
    uint32_t hv_bufs;
    uint32_t remote_liobn;
    uint32_t drc_index;
    uint32_t max_copy;
    uint32_t crq_entries;
    bool strict;
    bool trace_crq;
    bool debug;
    bool init_on_register;
    bool crq_full_drop;
    bool suspend_event;
    bool suspend_on_resume;
};

/**
 * hv_props_configure - check @p, fill in its defaults, and build both
 * configurations (the engine sends from deferred work: deferred_send).
 * Whether @p->remote_liobn is free is the embedder's check, and so is the
 * engine's final word (vmc_hv_backing_size(@cfg) != 0).
 * @p: the properties; remote_liobn and drc_index get their defaults
 * @unit_address: the device's VIO unit address
 * @local_liobn: the LIOBN of its pane 0 (its TCE table)
 * @cfg: receives the engine's configuration
 * @link: receives the link's configuration
 * Return: NULL when valid, else the reason as a constant sentence.
 */
const char *hv_props_configure(struct hv_props *p, uint32_t unit_address,
                               uint64_t local_liobn, struct vmc_hv_config *cfg,
                               struct hmc_link_config *link);

#endif /* VMCFW_HV_PROPS_H */
