#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Generate the spapr-vmc patches of the QEMU series from the project's sources.
#
#   hv/qemu/gen-patches.sh PRISTINE OUTDIR
#
# PRISTINE is Debian's unpacked QEMU tree (build-qemu.sh --pristine-path);
# only the few files the patches edit are read from it, for diff context.
# OUTDIR receives the generated patches and the `series` file; the three
# hand-kept hook patches (HOOKS below) are listed in `series` but never
# written: they live in hv/qemu/patches/ as the source of those changes.
#
# The patches are made by committing to a throw-away git repository with a
# fixed identity and date and running `git format-patch`, so the output
# depends on the sources only: `make qemu-patches` writes it into
# hv/qemu/patches/, `make check-qemu-patches` (and build-qemu.sh) regenerate
# it into a temporary folder and refuse a checked-in series that differs.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
[ $# = 2 ] || { echo "usage: $0 PRISTINE OUTDIR" >&2; exit 2; }
PRISTINE=$1
OUT=$2
die() { printf 'gen-patches: error: %s\n' "$*" >&2; exit 1; }
[ -f "$PRISTINE/hw/ppc/meson.build" ] || die "$PRISTINE is not a QEMU source tree"

# The hand-kept patches on existing QEMU files, applied first.
HOOKS="0001-spapr_vio-crq-notify-hook.patch
0002-spapr-x-vmcfw-tcg-smt.patch
0003-ppc-tcg-interrupt-state-migration.patch"
# The generated ones, in order (file names are fixed so the series is stable).
GENERATED="0004-hv-vmc-engine.patch
0005-hw-ppc-spapr-vmc-device.patch
0006-docs-spapr-vmc.patch"

# Project files outside hv/ that the engine compiles or includes, added at
# the same relative path (QEMU compiles with -iquote <source root>).
SHARED_SOURCES="vmc/vmc_wire.c"
SHARED_HEADERS="vmc/vmc_wire.h lib/byteorder.h lib/crq_format.h"

# Engine sources: hv/*.c except host-only harness files (fuzzers, tests, mains).
engine_sources() {
	for f in "$ROOT"/hv/*.c; do
		[ -f "$f" ] || continue
		b=$(basename "$f")
		case $b in
		*fuzz*|*test*|*main*|*sim*) continue ;;
		esac
		grep -qE '^[[:space:]]*int[[:space:]]+main[[:space:]]*\(' "$f" && continue
		grep -q 'LLVMFuzzerTestOneInput' "$f" && continue
		echo "$b"
	done
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
R=$WORK/qemu
mkdir -p "$R"
git_() {
	GIT_AUTHOR_NAME="vmcfw project" GIT_AUTHOR_EMAIL=vmcfw@example.org \
	GIT_COMMITTER_NAME="vmcfw project" GIT_COMMITTER_EMAIL=vmcfw@example.org \
	GIT_AUTHOR_DATE="2026-12-03T00:00:00+00:00" GIT_COMMITTER_DATE="2026-12-03T00:00:00+00:00" \
	GIT_CONFIG_NOSYSTEM=1 HOME=$WORK git -C "$R" -c core.abbrev=12 -c diff.noprefix=false \
		-c core.autocrlf=false -c commit.gpgsign=false "$@"
}
git_ init -q
for f in hw/ppc/Kconfig hw/ppc/meson.build docs/system/ppc/pseries.rst; do
	[ -f "$PRISTINE/$f" ] || die "$PRISTINE/$f missing"
	mkdir -p "$R/$(dirname "$f")"
	cp "$PRISTINE/$f" "$R/$f"
done
git_ add -A
git_ commit -q -m "Debian's QEMU (the files the series edits)"

# ---------------------------------------------------------- 1. the engine ---
mkdir -p "$R/hv" "$R/vmc" "$R/lib"
ENGINE=$(engine_sources)
[ -n "$ENGINE" ] || die "no engine sources in $ROOT/hv"
for b in $ENGINE; do cp "$ROOT/hv/$b" "$R/hv/$b"; done
for f in "$ROOT"/hv/*.h; do cp "$f" "$R/hv/"; done
for b in $SHARED_SOURCES $SHARED_HEADERS; do
	[ -f "$ROOT/$b" ] || die "missing $ROOT/$b"
	cp "$ROOT/$b" "$R/$b"
done
git_ add -A
git_ commit -q -F - <<'EOF'
hv: add the VMC hypervisor-side engine

The Virtual Management Channel (VMC) connects a management partition's
ibmvmc driver (drivers/misc/ibmvmc.c in Linux) with a Hardware
Management Console through the hypervisor. This adds the hypervisor's
half of that protocol as portable C, without QEMU types, so the same
code runs in QEMU and in a host-side simulator:

- vmc_hv.[ch]: the engine's API; a context pointer holds all state and
  the embedder supplies hooks for CRQ sends, TCE-mapped guest memory,
  timers and the HMC link (no globals);
- hv_transport.c, hv_sessions.c, hv_rdma.c, hv_crq_flow.[ch],
  hv_retry.[ch], hv_tce.[ch]: CRQ message handling, HMC sessions and
  buffer pools, H_COPY_RDMA-style copies, flow control and retries;
- hv_props.[ch]: the device properties and their bounds;
- hv_device.[ch]: the device's portable core over the engine and the
  link (backlog policy, CRQ sends and flow, registration, scheduling
  decisions, the pane-0 rule, the device tree values, the migration
  stream), so the QEMU device itself is glue only;
- hv_snapshot.c: the engine state as a flat, versioned blob for
  migration;
- hmc_frame.[ch], hmc_link.[ch], hmc_outq.[ch]: the byte-stream framing
  spoken with the HMC peer over a character device, and its queue;
- vmc/vmc_wire.[ch], lib/byteorder.h, lib/crq_format.h: the VMC and CRQ
  wire formats, shared with the guest firmware of the same project.

Nothing builds these files yet; the next patch adds the device that
does.

Signed-off-by: vmcfw project <vmcfw@example.org>
EOF

# ---------------------------------------------------------- 2. the device ---
cp "$HERE/spapr_vmc.c" "$R/hw/ppc/spapr_vmc.c"
printf '%s\n' '' 'config SPAPR_VMC' '    bool' '    default y' '    depends on PSERIES' >> "$R/hw/ppc/Kconfig"
grep -q "^ppc_ss.add(when: 'CONFIG_SPAPR_RNG'" "$R/hw/ppc/meson.build" ||
	die "hw/ppc/meson.build has no CONFIG_SPAPR_RNG line to place the device after"
{
	echo "ppc_ss.add(when: 'CONFIG_SPAPR_VMC', if_true: files("
	echo "  'spapr_vmc.c',"
	for b in $ENGINE; do echo "  '../../hv/$b',"; done
	for b in $SHARED_SOURCES; do echo "  '../../$b',"; done
	echo "))"
} > "$WORK/meson-hunk"
# the device's block goes right after the SPAPR_RNG line
: > "$WORK/meson.build"
while IFS= read -r line; do
	printf '%s\n' "$line" >> "$WORK/meson.build"
	case $line in
	"ppc_ss.add(when: 'CONFIG_SPAPR_RNG'"*) cat "$WORK/meson-hunk" >> "$WORK/meson.build" ;;
	esac
done < "$R/hw/ppc/meson.build"
mv "$WORK/meson.build" "$R/hw/ppc/meson.build"
git_ add -A
git_ commit -q -F - <<'EOF'
hw/ppc: add the spapr-vmc device (Virtual Management Channel)

spapr-vmc is a VIO device of the pseries machine that a guest's ibmvmc
driver (or other firmware speaking the same protocol) finds under
/vdevice as "ibm,vmc" with compatible "IBM,vmc". It owns a CRQ, answers
the VMC capabilities exchange, the HMC open/close/add-buffer/remove-
buffer messages and H_COPY_RDMA-style buffer copies, and relays each
HMC's messages to and from a chardev, where a management console (or a
test peer) speaks a small framed protocol.

The device is glue only: the protocol lives in the hv/ engine added by
the previous patch, which the device drives through its hooks (CRQ
sends via spapr_vio_send_crq(), guest memory via the device's TCE
table, timers via QEMU timers, the peer via the chardev). It listens to
CRQ registration through spapr_vio_crq_notify, migrates its state as
one engine snapshot, and is enabled by CONFIG_SPAPR_VMC (default y with
PSERIES).

Signed-off-by: vmcfw project <vmcfw@example.org>
EOF

# ------------------------------------------------------------ 3. the docs ---
cp "$HERE/spapr-vmc.rst" "$R/docs/system/ppc/spapr-vmc.rst"
anchor='Maintainer contact information'
[ "$(grep -c "^$anchor\$" "$R/docs/system/ppc/pseries.rst")" = 1 ] ||
	die "docs/system/ppc/pseries.rst: no single '$anchor' heading to place the link before"
: > "$WORK/pseries.rst"
while IFS= read -r line; do
	if [ "$line" = "$anchor" ]; then
		printf '%s\n' 'Virtual Management Channel' '==========================' '' \
			'The ``spapr-vmc`` device gives a management partition the hypervisor side' \
			'of the Virtual Management Channel; see :doc:`spapr-vmc`.' '' \
			'.. toctree::' '   :hidden:' '' '   spapr-vmc' '' '' >> "$WORK/pseries.rst"
	fi
	printf '%s\n' "$line" >> "$WORK/pseries.rst"
done < "$R/docs/system/ppc/pseries.rst"
mv "$WORK/pseries.rst" "$R/docs/system/ppc/pseries.rst"
git_ add -A
git_ commit -q -F - <<'EOF'
docs/system/ppc: document the spapr-vmc device

Describe what the device is for, its properties, the framed protocol
spoken with the HMC peer on its chardev, and how to start a guest with
it, and link the page from the pseries machine's documentation.

Signed-off-by: vmcfw project <vmcfw@example.org>
EOF

# --------------------------------------------------------------- output ---
mkdir -p "$WORK/out"
git_ format-patch -q -N --no-signature --zero-commit -o "$WORK/out" HEAD~3
set -- $GENERATED
for p in $(cd "$WORK/out" && ls | LC_ALL=C sort); do
	[ $# -gt 0 ] || die "more patches than names"
	mv "$WORK/out/$p" "$WORK/out/$1"
	shift
done
[ $# = 0 ] || die "fewer patches than names"
{
	echo "# SPDX-License-Identifier: GPL-2.0-or-later"
	echo "# The vmcfw QEMU series, applied in this order with patch -p1 (or quilt)"
	echo "# onto Debian's QEMU tree. 0001-0003 are kept by hand; the rest is"
	echo "# generated by \`make qemu-patches\` (hv/qemu/gen-patches.sh)."
	printf '%s\n' $HOOKS $GENERATED
} > "$WORK/out/series"
mkdir -p "$OUT"
for f in "$WORK"/out/*; do
	cmp -s "$f" "$OUT/$(basename "$f")" || cp "$f" "$OUT/$(basename "$f")"
done
