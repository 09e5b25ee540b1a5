// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv_props.c - device properties into engine and link configurations; see
 * hv_props.h.
 */
#include "hv/hv_props.h"

#include <string.h>

/* the messages below spell the limits out */
_Static_assert(VMC_HV_MAX_POOL == 64 && VMC_HV_MAX_HMCS == 4,
               "update the messages");

const char *hv_props_configure(struct hv_props *p, uint32_t unit_address,
                               uint64_t local_liobn, struct vmc_hv_config *cfg,
                               struct hmc_link_config *link)
{
    if (p->max_mtu < VMC_HV_MIN_MTU || p->max_mtu > VMC_HV_MAX_MTU ||
        p->max_mtu % 4096) {
        return "max-mtu must be 4096..16384, a multiple of 4096";
    }
    if (p->pool_size < 1 || p->pool_size > VMC_HV_MAX_POOL) {
        return "pool-size must be 1..64";
    }
    if (p->max_hmcs < 1 || p->max_hmcs > VMC_HV_MAX_HMCS) {
        return "max-hmcs must be 1..4";
    }
    /* 64-bit sum: two huge values must not wrap round to a small one */
    if ((uint64_t)p->mp_bufs + p->hv_bufs > p->pool_size) {
        return "session-mp-bufs + session-hv-bufs exceed pool-size";
    }
    if (p->max_copy < p->max_mtu) {
        return "max-copy must be at least max-mtu";
    }
    if (!p->remote_liobn) {
        p->remote_liobn = 0x7f000000u | (unit_address & 0xffffffu);
    }
    if (!p->drc_index) {
        p->drc_index = unit_address;
    }

    vmc_hv_config_default(cfg);
    cfg->max_hmcs = p->max_hmcs;
    cfg->pool_size = p->pool_size;
    cfg->max_mtu = p->max_mtu;
    if (p->crq_entries) {
        cfg->crq_entries = p->crq_entries;
    }
    cfg->local_liobn = local_liobn;
    cfg->remote_liobn = p->remote_liobn;
    cfg->remote_base = 0;
    cfg->max_copy_len = p->max_copy;
    cfg->drc_index = p->drc_index;
    cfg->session_mp_bufs = p->mp_bufs;
    cfg->session_hv_bufs = p->hv_bufs;
    cfg->deferred_send = true;
    cfg->strict = p->strict;
    cfg->init_on_register = p->init_on_register;

    memset(link, 0, sizeof(*link));
    link->max_hmcs = p->max_hmcs;
    link->pool_size = p->pool_size;
    link->remote_liobn = p->remote_liobn;
    link->trace = p->trace_crq;
    link->crq_full_drop = p->crq_full_drop;
    return NULL;
}
