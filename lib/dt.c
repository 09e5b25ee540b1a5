// SPDX-License-Identifier: GPL-2.0-or-later
/* dt.c - lookups in the device-tree snapshot. */
#include <string.h>

#include "lib/dt.h"

struct dt_snapshot dt;

const struct dt_vdev *dt_find_vdev(const char *type)
{
	for (unsigned int i = 0; i < dt.n_vdevs; i++)
		if (!strcmp(dt.vdev[i].device_type, type) || !strcmp(dt.vdev[i].name, type))
			return &dt.vdev[i];
	return NULL;
}

const struct dt_vdev *dt_find_compatible(const char *compat)
{
	for (unsigned int i = 0; i < dt.n_vdevs; i++)
		if (!strcmp(dt.vdev[i].compatible, compat))
			return &dt.vdev[i];
	return NULL;
}

int32_t dt_rtas_token(const char *name)
{
	for (unsigned int i = 0; i < dt.n_rtas_tokens; i++)
		if (!strcmp(dt.rtas_tokens[i].name, name))
			return dt.rtas_tokens[i].token;
	return -1;
}

static uint64_t take_cells(const uint32_t *c, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v = (v << 32) | c[i];
	return v;
}

int dt_parse_dma_window(struct dt_vdev *vdev, const uint32_t *cells, unsigned int ncells)
{
	unsigned int ac = vdev->dma_addr_cells ? vdev->dma_addr_cells : 1;
	unsigned int sc = vdev->dma_size_cells ? vdev->dma_size_cells : 1;
	unsigned int per = 1 + ac + sc, n = 0;

	if (ac > 2 || sc > 2 || ncells < per)
		return -1;
	while (n < DT_MAX_DMA_WINDOWS && ncells >= (n + 1) * per) {
		const uint32_t *p = cells + n * per;

		vdev->window[n].liobn = p[0];
		vdev->window[n].base = take_cells(p + 1, ac);
		vdev->window[n].size = take_cells(p + 1 + ac, sc);
		n++;
	}
	vdev->n_windows = n;
	return (int)n;
}
