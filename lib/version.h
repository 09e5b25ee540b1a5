/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VMCFW_VERSION
#define VMCFW_VERSION "0.1.0"
#endif
