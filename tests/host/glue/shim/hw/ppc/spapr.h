/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One of the QEMU headers spapr_vmc.c includes: all of them are qemu_shim.h. */
#include "qemu_shim.h"
