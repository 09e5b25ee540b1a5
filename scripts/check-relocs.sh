#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fail the build if the image has any dynamic relocation boot/head.S does
# not apply: it applies only the packed relative relocations (.relr.dyn,
# ld -z pack-relative-relocs), so any entry of a RELA section (even an
# R_PPC64_RELATIVE the linker did not pack) would be left undone.
set -eu
READELF=$1
IMAGE=$2
bad=$("$READELF" -W -r "$IMAGE" | awk '/^[0-9a-f]+ +[0-9a-f]+ +R_PPC64_/ {print $3}' | sort | uniq -c)
if [ -n "$bad" ]; then
	echo "check-relocs: $IMAGE has relocations boot/head.S cannot apply (only packed relative ones, .relr.dyn):" >&2
	echo "$bad" >&2
	exit 1
fi
