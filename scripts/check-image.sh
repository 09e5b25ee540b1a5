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
	# The descriptor SLOF's go-64-be reads: { _start, .TOC., 0 } at link time.
	doff=$(( 0x$opd - vaddr + $(echo "$loads" | awk '{print $2}') ))
	desc=$(od -An -v -tx1 -j $doff -N 24 "$IMAGE" | tr -d ' \n')
	[ $((0x$(echo "$desc" | cut -c1-16))) -eq $((vaddr)) ] || fail "_start_opd code word 0x$(echo "$desc" | cut -c1-16) is not _start"
	toc=$("$READELF" -W -s "$IMAGE" | awk '$8 == ".TOC." {print $2; exit}')
	[ -n "$toc" ] && [ $((0x$(echo "$desc" | cut -c17-32))) -eq $((0x$toc)) ] || fail "_start_opd TOC word is not .TOC."
fi

# Only packed relative relocations (boot/head.S applies nothing else); n is
# how many words they relocate (readelf: "N offsets").
sh "$(dirname "$0")/check-relocs.sh" "$READELF" "$IMAGE"
n=$("$READELF" -W -r "$IMAGE" | awk '/^ *[0-9]+ offsets$/ {s += $1} END {print s + 0}')

# ELF notes for partition firmware (docs/platform.md §3.1, emitted by linker.ld):
# two PT_NOTE program headers, names, types and every descriptor word.
# Descriptor words are big-endian in both images; header words follow the
# ELF's byte order (readelf decodes them with it, and the raw bytes are
# compared below).
# min_rmo_size is what the loaded image needs (PT_LOAD end, MiB rounded up).
PY=${PYTHON:-/usr/bin/python3}
# (A missing or short note is reported by the note checks below.)
rma=$("$PY" "$(dirname "$0")/../tools/elfnotes.py" rma "$IMAGE" 2>/dev/null) && rma_ok=1 || rma_ok=0
need=$(echo "$rma" | awk '$1 == "need" {print $2}')
[ -n "$need" ] || fail "tools/elfnotes.py rma could not size the image"
[ "$need" -gt 0 ] && [ "$need" -lt 4096 ] || fail "RMA need of $need MiB is not plausible"
RMA_WORD=$(printf '%02x %02x %02x %02x' $((need >> 24 & 255)) $((need >> 16 & 255)) $((need >> 8 & 255)) $((need & 255)))
PPC_DESC="ff ff ff ff 02 00 00 00 ff ff ff ff ff ff ff ff ff ff ff ff 00 00 40 00"
RPA_DESC="00 00 00 00 $RMA_WORD 00 00 00 00 00 00 00 28 00 00 00 01 ff ff ff ff 00 00 00 00 00 00 00 01"
if [ "$ENDIAN" = little ]; then
	PPC_HDR="08 00 00 00 18 00 00 00 75 12 00 00"
	RPA_HDR="16 00 00 00 20 00 00 00 99 99 75 12"
else
	PPC_HDR="00 00 00 08 00 00 00 18 00 00 12 75"
	RPA_HDR="00 00 00 16 00 00 00 20 12 75 99 99"
fi
PPC_NAME="50 6f 77 65 72 50 43 00"
RPA_NAME="49 42 4d 2c 52 50 41 2d 43 6c 69 65 6e 74 2d 43 6f 6e 66 69 67 00 00 00"
check_notes() { # FILE LAYOUT(any|head)
	f=$1
	nerr=$("$READELF" -W -n "$f" 2>&1 >/dev/null) || true
	[ -z "$nerr" ] || fail "readelf -n on $f complains: $nerr"
	notes=$("$READELF" -W -n "$f" | tr '\t' ' ' | awk '$2 ~ /^0x/ && /description data:/')
	[ "$(echo "$notes" | grep -c .)" -eq 2 ] || fail "$f: expected 2 notes, readelf -n shows: $notes"
	echo "$notes" | grep -q "^ *PowerPC  *0x00000018 *Unknown note type: (0x00001275) *description data: $PPC_DESC *\$" \
		|| fail "$f: \"PowerPC\" note (type 0x1275) missing or wrong: $notes"
	echo "$notes" | grep -q "^ *IBM,RPA-Client-Config  *0x00000020 *Unknown note type: (0x12759999) *description data: $RPA_DESC *\$" \
		|| fail "$f: \"IBM,RPA-Client-Config\" note (type 0x12759999) missing or wrong: $notes"
	# Each note in its own PT_NOTE, 4-byte aligned, bytes exactly as expected.
	pnotes=$("$READELF" -W -l "$f" | awk '$1 == "NOTE" {print $2, $5}')
	[ "$(echo "$pnotes" | grep -c .)" -eq 2 ] || fail "$f: expected 2 PT_NOTE program headers, got: $pnotes"
	want1="$PPC_HDR $PPC_NAME $PPC_DESC"
	want2="$RPA_HDR $RPA_NAME $RPA_DESC"
	seen=""
	echo "$pnotes" > "$tmpd/pnotes"
	while read -r off size; do
		[ $((off % 4)) -eq 0 ] || fail "$f: PT_NOTE at $off not 4-byte aligned"
		if [ "$2" = head ]; then
			[ $((off + size)) -le 1024 ] || fail "$f: PT_NOTE at $off (size $size) not within the first 1024 bytes"
		fi
		[ $((off + size)) -le $((load_off)) ] || [ $((off)) -ge $((load_off + load_filesz)) ] \
			|| fail "$f: PT_NOTE at $off overlaps the PT_LOAD's file bytes"
		got=$(od -An -v -tx1 -j $((off)) -N $((size)) "$f" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
		if [ "$got" = "$want1" ]; then seen="$seen ppc"
		elif [ "$got" = "$want2" ]; then seen="$seen rpa"
		else fail "$f: PT_NOTE at $off holds unexpected bytes: $got"; fi
	done < "$tmpd/pnotes"
	[ "$(echo $seen | tr ' ' '\n' | sort | tr '\n' ' ')" = "ppc rpa " ] || fail "$f: PT_NOTEs hold:$seen"
}
tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT
load_off=$(echo "$loads" | awk '{print $2}')
load_filesz=$(echo "$loads" | awk '{print $5}')
check_notes "$IMAGE" any
note_offs=$("$READELF" -W -l "$IMAGE" | awk '$1 == "NOTE" {printf "%s ", $2}')
# The copy that goes on disks and TFTP servers has them in the first 1024 bytes.
"$PY" "$(dirname "$0")/../tools/elfnotes.py" early "$IMAGE" "$tmpd/early.elf" || fail "tools/elfnotes.py early failed"
check_notes "$tmpd/early.elf" head
[ "$("$READELF" -W -l "$tmpd/early.elf" | awk '$1 == "LOAD"')" = "$loads" ] || fail "early-notes copy changed the PT_LOAD"
cmp -s -i "$((load_off)):$((load_off))" -n "$((load_filesz))" "$IMAGE" "$tmpd/early.elf" \
	|| fail "early-notes copy changed the loaded bytes"

[ "$rma_ok" = 1 ] || fail "RPA note min_rmo_size is below the $need MiB the image needs ($rma)"

# Symbol table for register dumps.
"$READELF" -W -S "$IMAGE" | grep -q "\.vmcfw_syms" || fail "no .vmcfw_syms"

[ "$n" -gt 0 ] || fail "no packed relative relocations (.relr.dyn): not a self-relocating image"
rtypes=$("$READELF" -W -d "$IMAGE" | awk '/\(TEXTREL\)|\(NEEDED\)|\(INTERP\)/ {print $2}')
[ -z "$rtypes" ] || fail "unexpected dynamic tags: $rtypes"
"$READELF" -W -l "$IMAGE" | grep -q INTERP && fail "has a PT_INTERP"

echo "check-image: $IMAGE ok ($ENDIAN, PT_LOAD at $vaddr, entry $entry, $n relative relocs, notes at $note_offs(early copy fits the first 1 KiB), RMA $need MiB)"
