#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Verify the image's shape: what firmware and loaders rely on. Fails loudly.
# Usage: check-image.sh READELF IMAGE big|little
set -eu
READELF=$1
IMAGE=$2
ENDIAN=$3
fail() { echo "check-image: $IMAGE: $*" >&2; exit 1; }

hdr=$("$READELF" -W -h "$IMAGE")
echo "$hdr" | grep -q "Class:.*ELF64" || fail "not ELF64"
echo "$hdr" | grep -q "Machine:.*PowerPC64" || fail "not PowerPC64"
if [ "$ENDIAN" = little ]; then
	echo "$hdr" | grep -q "little endian" || fail "not little-endian"
	echo "$hdr" | grep -q "Flags:.*abiv2" || fail "LE image is not ELFv2"
else
	echo "$hdr" | grep -q "big endian" || fail "not big-endian"
fi

# Exactly one PT_LOAD, p_paddr == p_vaddr, RMA-friendly address.
loads=$("$READELF" -W -l "$IMAGE" | awk '$1 == "LOAD"')
[ "$(echo "$loads" | wc -l)" -eq 1 ] || fail "expected one PT_LOAD, got: $loads"
vaddr=$(echo "$loads" | awk '{print $3}')
paddr=$(echo "$loads" | awk '{print $4}')
[ "$vaddr" = "$paddr" ] || fail "p_paddr $paddr != p_vaddr $vaddr"
[ $((vaddr)) -ge $((0x4000 + 0x200000)) ] || fail "linked at $vaddr: overlaps SLOF's load area"

# The first byte of the PT_LOAD is _start (firmware jumps there).
start=$("$READELF" -W -s "$IMAGE" | awk '$8 == "_start" {print $2}')
[ $((0x$start)) -eq $((vaddr)) ] || fail "_start 0x$start is not the first byte of the PT_LOAD ($vaddr)"

# e_entry: the code (ELFv2) or a descriptor whose first word is the code (ELFv1).
entry=$(echo "$hdr" | awk '/Entry point/ {print $4}')
if [ "$ENDIAN" = little ]; then
	[ $((entry)) -eq $((vaddr)) ] || fail "e_entry $entry != _start"
else
	opd=$("$READELF" -W -s "$IMAGE" | awk '$8 == "_start_opd" {print $2}')
	[ $((0x$opd)) -eq $((entry)) ] || fail "e_entry $entry is not _start_opd"
fi

# Only R_PPC64_RELATIVE dynamic relocations (boot/head.S applies nothing else).
sh "$(dirname "$0")/check-relocs.sh" "$READELF" "$IMAGE"
n=$("$READELF" -W -r "$IMAGE" | grep -c R_PPC64_RELATIVE || true)

# Symbol table for register dumps.
"$READELF" -W -S "$IMAGE" | grep -q "\.vmcfw_syms" || fail "no .vmcfw_syms"

echo "check-image: $IMAGE ok ($ENDIAN, PT_LOAD at $vaddr, entry $entry, $n relative relocs)"
