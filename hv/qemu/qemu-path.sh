#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Print the absolute path of the patched qemu-system-ppc64 (with spapr-vmc),
# or nothing if it has not been built. --sanitize: the ASan/UBSan build.
exec sh "$(dirname "$0")/build-qemu.sh" --print-path "$@"
