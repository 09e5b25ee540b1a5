#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fail the build if the image has any dynamic relocation other than
# R_PPC64_RELATIVE: boot/head.S applies only those.
set -eu
READELF=$1
IMAGE=$2
bad=$("$READELF" -W -r "$IMAGE" | awk '/^[0-9a-f]+ +[0-9a-f]+ +R_PPC64_/ && $3 != "R_PPC64_RELATIVE" {print $3}' | sort | uniq -c)
if [ -n "$bad" ]; then
	echo "check-relocs: $IMAGE has relocations boot/head.S cannot apply:" >&2
	echo "$bad" >&2
	exit 1
fi
