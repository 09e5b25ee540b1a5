/* SPDX-License-Identifier: GPL-2.0-or-later */
/* selftest.h - the checks `smoke` mode runs. */
#ifndef VMCFW_SELFTEST_H
#define VMCFW_SELFTEST_H

#include "console/smoke.h"

extern const struct smoke_check platform_checks[];
extern const unsigned int platform_checks_count;

#endif
