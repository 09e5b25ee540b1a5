/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dt.h - the device-tree snapshot: what the image keeps of the firmware's
 * tree after it stops calling Open Firmware.
 *
 * Ground floor: boot/of.c fills it through the OF client interface; the
 * drivers, RTAS, the console's `dt` command and host tests read it. Host
 * tests build one by hand with dt_add_vdev().
 */
#ifndef VMCFW_DT_H
#define VMCFW_DT_H

#include <stdbool.h>
#include <stdint.h>

#define DT_MAX_VDEVS		16
#define DT_NAME_LEN		32
#define DT_COMPAT_LEN		64
#define DT_BOOTARGS_LEN		256
#define DT_MAX_RTAS_TOKENS	16
#define DT_MAX_DMA_WINDOWS	2

/* One pane of ibm,my-dma-window. */
struct dt_dma_window {
	uint32_t liobn;
	uint64_t base;		/* I/O bus address of the pane */
	uint64_t size;
};

/* One /vdevice child. */
struct dt_vdev {
	char name[DT_NAME_LEN];		/* node name without the unit address */
	char device_type[DT_NAME_LEN];
	char compatible[DT_COMPAT_LEN];	/* first string only */
	uint32_t reg;			/* unit address */
	bool has_reg;
	uint32_t irq;			/* first cell of `interrupts` */
	bool has_irq;
	uint32_t dma_addr_cells;	/* ibm,#dma-address-cells (0: absent) */
	uint32_t dma_size_cells;	/* ibm,#dma-size-cells (0: absent) */
	unsigned int n_windows;		/* panes parsed from ibm,my-dma-window */
	struct dt_dma_window window[DT_MAX_DMA_WINDOWS];
	uint32_t drc_index;		/* ibm,my-drc-index */
	bool has_drc_index;
};

struct dt_rtas_token {
	const char *name;		/* static string: the service name */
	int32_t token;			/* -1 when /rtas lacks it */
};

struct dt_snapshot {
	bool valid;			/* the walk finished */
	uint64_t mem_base, mem_size;	/* first /memory reg entry (the RMA) */
	uint64_t tb_freq;		/* cpu timebase-frequency */
	uint32_t cpu_count;
	uint32_t boot_server;		/* ibm,ppc-interrupt-server#s of the boot cpu */
	char bootargs[DT_BOOTARGS_LEN];
	bool bootargs_truncated;
	char model[DT_COMPAT_LEN];
	char firmware[16];		/* "SLOF", "VOF", "OF" (unknown) */
	uint32_t rtas_size;
	uint64_t rtas_base, rtas_entry;	/* where RTAS was instantiated */
	unsigned int n_rtas_tokens;
	struct dt_rtas_token rtas_tokens[DT_MAX_RTAS_TOKENS];
	unsigned int n_vdevs;
	struct dt_vdev vdev[DT_MAX_VDEVS];
	unsigned int vdevs_dropped;	/* more children than DT_MAX_VDEVS */
	unsigned int errors;		/* malformed properties seen */
};

extern struct dt_snapshot dt;

/** dt_find_vdev - first /vdevice child whose device_type or name is @type. */
const struct dt_vdev *dt_find_vdev(const char *type);

/** dt_find_compatible - first /vdevice child whose compatible is @compat. */
const struct dt_vdev *dt_find_compatible(const char *compat);

/** dt_rtas_token - token of RTAS service @name, or -1. */
int32_t dt_rtas_token(const char *name);

/**
 * dt_parse_dma_window - decode an ibm,my-dma-window property into @vdev.
 * @cells: the property as host-order cells, @ncells its length.
 * Uses vdev->dma_addr_cells/dma_size_cells (1 when absent, like Linux).
 * Returns the number of panes parsed, or -1 when the property is malformed.
 */
int dt_parse_dma_window(struct dt_vdev *vdev, const uint32_t *cells, unsigned int ncells);

#endif /* VMCFW_DT_H */
