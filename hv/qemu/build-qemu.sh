#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the patched qemu-system-ppc64 that carries the spapr-vmc device.
#
#   hv/qemu/build-qemu.sh [--sanitize] [--print-path|--input-hash|--pristine-path|--check-series]
#
# Idempotent. Steps: deb-src entry, `apt-get source --download-only qemu`,
# `dpkg-source -x`, build dependencies, a patched copy of Debian's tree in a
# folder keyed by (Debian version, device list, configure flags), configure
# for ppc64-softmmu only, `ninja qemu-system-ppc64`.
# The tree is patched with the series in hv/qemu/patches/ (patch -p1, in the
# order of its `series` file): the series is applied to fresh copies of the
# files it touches on every run and only files whose result changed are
# rewritten, so editing the engine and `make qemu` costs one compile and a
# relink. The series must be up to date with the sources
# (hv/qemu/gen-patches.sh, `make qemu-patches`): the build refuses a stale one.
# The absolute path of the binary is the LAST line printed. --print-path
# prints that path (or nothing) without building; --pristine-path fetches
# and unpacks Debian's source if needed and prints its folder; --check-series
# only checks that the series is up to date.
# Next to the binary, qemu-system-ppc64.inputs holds a hash of the series,
# the sources it is generated from, its generator and this script (its device
# list and configure flags); --input-hash prints that hash for the checkout,
# and tools/qemu_cmd.py refuses a binary whose stamp differs.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${CACHE:-/var/cache/vmcfw}
QCACHE=$CACHE/qemu
JOBS=${JOBS:-2}
SANITIZE=0
PRINT_ONLY=0
HASH_ONLY=0
PRISTINE_ONLY=0
CHECK_ONLY=0
for a in "$@"; do
	case $a in
	--sanitize) SANITIZE=1 ;;
	--print-path) PRINT_ONLY=1 ;;
	--input-hash) HASH_ONLY=1 ;;
	--pristine-path) PRISTINE_ONLY=1 ;;
	--check-series) CHECK_ONLY=1 ;;
	*) echo "usage: $0 [--sanitize] [--print-path|--input-hash|--pristine-path|--check-series]" >&2
	   exit 2 ;;
	esac
done
[ "${SANITIZE_ENV:-}" = 1 ] && SANITIZE=1

log() { printf 'build-qemu: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

# ---------------------------------------------------------------- inputs ---
# Everything that changes the configure step or the device list is part of the
# key; changing it means a new build folder (warm ccache keeps that ~2 min).
DEVICES_MAK='# SPDX-License-Identifier: GPL-2.0-or-later
# vmcfw: reduced ppc64 device list; pseries plus what the project tests use.
CONFIG_PSERIES=y
CONFIG_NVDIMM=y
CONFIG_USB=y
CONFIG_USB_OHCI_PCI=y
CONFIG_SPAPR_VMC=y
CONFIG_SPAPR_RNG=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_BLK=y
CONFIG_VIRTIO_SCSI=y
CONFIG_VIRTIO_NET=y
CONFIG_VIRTIO_RNG=y
CONFIG_VIRTIO_SERIAL=y
'
CONF_FLAGS="--target-list=ppc64-softmmu --without-default-devices --with-devices-ppc64=vmcfw
 --disable-docs --disable-tools --disable-install-blobs --disable-guest-agent --disable-user
 --enable-slirp --disable-werror --firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu"
SUFFIX=
if [ $SANITIZE = 1 ]; then
	# QEMU 7.2's configure probe for UBSan fails with GCC 12 (a -Werror
	# maybe-uninitialized warning in its test program), so --enable-sanitizers
	# alone gives ASan only: ask for UBSan explicitly.
	# -O1 -g1 (after meson's -O2 -g, so they win): line tables are all a
	# sanitizer report needs, and ASan+UBSan at -O2 with full debug info cost
	# 2.8x the compile time of the plain build; at -O1 -g1, 1.2x (measured on
	# 8 QEMU files, docs/security.md).
	CONF_FLAGS="$CONF_FLAGS --enable-sanitizers --enable-debug-info
 --extra-cflags=-fsanitize=undefined --extra-cflags=-O1 --extra-cflags=-g1
 --extra-ldflags=-fsanitize=undefined"
	SUFFIX=-asan
fi

latest_dsc() { ls "$QCACHE"/src/qemu_*.dsc 2>/dev/null | sort -V | tail -n1; }

key_of() { # $1 = dsc
	{ cat "$1"; printf '%s' "$DEVICES_MAK" "$CONF_FLAGS"; echo v2-series; } |
		sha256sum | cut -c1-12
}

binary_path() {
	dsc=$(latest_dsc)
	[ -n "$dsc" ] || return 0
	ver=$(sed -n 's/^Version: *//p' "$dsc" | sed 's/^[0-9]*://')
	b="$QCACHE/tree-$ver-$(key_of "$dsc")$SUFFIX/build/qemu-system-ppc64"
	[ -x "$b" ] && echo "$b"
	return 0
}

if [ $PRINT_ONLY = 1 ]; then binary_path; exit 0; fi

# ------------------------------------------------------- (a) deb-src entry ---
ensure_debsrc() {
	if grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ ||
	   grep -qs '^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null; then
		return 0
	fi
	src=/etc/apt/sources.list.d/debian.sources
	[ -f "$src" ] || die "no deb-src entry and no $src to copy one from"
	log "adding a deb-src entry (copy of the deb entries of $src)"
	tmp=$(mktemp)
	awk '
		/^[ \t]*$/ { if (n) print ""; n = 0; next }
		/^#/ { next }
		/^Types:/ { print "Types: deb-src"; n = 1; next }
		{ print; n = 1 }
	' "$src" > "$tmp"
	$SUDO install -m 0644 "$tmp" /etc/apt/sources.list.d/vmcfw-deb-src.sources
	rm -f "$tmp"
	$SUDO apt-get update -q >&2
}

# --------------------------------------------- (b) source package download ---
fetch_source() {
	mkdir -p "$QCACHE/src"
	if [ -z "$(latest_dsc)" ]; then
		ensure_debsrc
		log "apt-get source --download-only qemu -> $QCACHE/src"
		(cd "$QCACHE/src" && apt-get source --download-only qemu >&2) ||
			{ $SUDO apt-get update -q >&2; (cd "$QCACHE/src" && apt-get source --download-only qemu >&2); }
	fi
	DSC=$(latest_dsc)
	[ -n "$DSC" ] || die "apt-get source gave no .dsc"
	VER=$(sed -n 's/^Version: *//p' "$DSC" | sed 's/^[0-9]*://')
	PRISTINE=$QCACHE/debian-$VER
	if [ ! -f "$PRISTINE/.vmcfw-complete" ]; then
		rm -rf "$PRISTINE"
		log "dpkg-source -x $DSC"
		dpkg-source -x "$DSC" "$PRISTINE" >&2
		touch "$PRISTINE/.vmcfw-complete"
	fi
}

# -------------------------------------------------------- (c) build deps ---
ensure_deps() {
	need=
	for p in build-essential ninja-build meson pkg-config libglib2.0-dev libpixman-1-dev \
		 libfdt-dev zlib1g-dev ccache flex bison libslirp-dev python3 rsync git patch; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			need="$need $p"
	done
	if [ -n "$need" ]; then
		log "installing:$need"
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >&2 ||
			{ $SUDO apt-get update -q >&2 &&
			  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >&2; }
	fi
}

# ----------------------------------------------------- (d) patched tree ---
PATCHES=$HERE/patches

# The patches of the series, in order (comment and blank lines skipped).
series_patches() {
	[ -f "$PATCHES/series" ] || die "missing $PATCHES/series"
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$PATCHES/series"
}

# The freshness stamp: sha256 over the `sha256sum` lines of the inputs, sorted
# by path: the series, the project files it is generated from, its generator
# and this script.
input_hash() {
	list=$(cd "$ROOT" && {
		echo hv/qemu/build-qemu.sh
		echo hv/qemu/gen-patches.sh
		echo hv/qemu/spapr-vmc.rst
		echo hv/qemu/spapr_vmc.c
		echo hv/qemu/patches/series
		if [ -f hv/qemu/patches/series ]; then
			series_patches | sed 's|^|hv/qemu/patches/|'
		fi
		for f in hv/*.c hv/*.h; do if [ -f "$f" ]; then echo "$f"; fi; done
		for b in vmc/vmc_wire.c vmc/vmc_wire.h lib/byteorder.h lib/crq_format.h; do echo "$b"; done
	} | LC_ALL=C sort -u)
	for f in $list; do [ -f "$ROOT/$f" ] || die "stamp input $f missing"; done
	# shellcheck disable=SC2086
	(cd "$ROOT" && sha256sum $list) | sha256sum | cut -c1-64
}
if [ $HASH_ONLY = 1 ]; then input_hash; exit 0; fi

# The checked-in series must be what hv/qemu/gen-patches.sh makes of the
# sources now; otherwise the binary would carry other code than the checkout.
check_series() {
	gen=$(mktemp -d)
	sh "$HERE/gen-patches.sh" "$PRISTINE" "$gen" || { rm -rf "$gen"; die "gen-patches.sh failed"; }
	stale=
	for f in "$gen"/*; do
		cmp -s "$f" "$PATCHES/$(basename "$f")" || stale="$stale $(basename "$f")"
	done
	rm -rf "$gen"
	for p in $(series_patches); do
		[ -f "$PATCHES/$p" ] || stale="$stale $p(missing)"
	done
	for f in "$PATCHES"/*; do
		b=$(basename "$f")
		[ "$b" = series ] && continue
		series_patches | grep -qxF "$b" || stale="$stale $b(not in series)"
	done
	[ -z "$stale" ] ||
		die "the QEMU patch series in hv/qemu/patches is out of date with the sources ($stale ): run make qemu-patches"
}

# The paths a patch creates or edits (its +++ lines).
patch_paths() {
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$1"
}

# Copy $1 to $2 only if the content differs (so ninja sees only real changes).
sync_file() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2.vmcfw-tmp" && mv "$2.vmcfw-tmp" "$2"
		log "updated ${2#$TREE/src/}"
	fi
}

prepare_tree() {
	INPUT_HASH=$(input_hash)	# before the patching: the stamp describes what was applied
	KEY=$(key_of "$DSC")
	TREE=$QCACHE/tree-$VER-$KEY$SUFFIX
	if [ ! -f "$TREE/.src-complete" ]; then
		rm -rf "$TREE"
		mkdir -p "$TREE"
		log "copying Debian's tree to $TREE/src"
		cp -a "$PRISTINE" "$TREE/src"
		rm -f "$TREE/src/.vmcfw-complete"
		touch "$TREE/.src-complete"
	fi
	S=$TREE/src
	stage=$(mktemp -d)
	# device list
	printf '%s' "$DEVICES_MAK" > "$stage/vmcfw.mak"
	sync_file "$stage/vmcfw.mak" "$S/configs/devices/ppc64-softmmu/vmcfw.mak"
	# the series, applied to pristine copies of the files it touches
	mkdir -p "$stage/src"
	: > "$stage/paths"
	for p in $(series_patches); do patch_paths "$PATCHES/$p" >> "$stage/paths"; done
	LC_ALL=C sort -u "$stage/paths" -o "$stage/paths"
	while read -r f; do
		if [ -f "$PRISTINE/$f" ]; then
			mkdir -p "$stage/src/$(dirname "$f")"
			cp "$PRISTINE/$f" "$stage/src/$f"
		fi
	done < "$stage/paths"
	for p in $(series_patches); do
		patch -d "$stage/src" -p1 --batch --forward --fuzz=0 --no-backup-if-mismatch -s \
			-i "$PATCHES/$p" >&2 || die "$p does not apply to Debian's QEMU $VER"
	done
	while read -r f; do
		[ -f "$stage/src/$f" ] || die "the series leaves no $f"
		sync_file "$stage/src/$f" "$S/$f"
	done < "$stage/paths"
	# files an earlier series touched and this one does not: back to Debian's
	if [ -f "$TREE/.vmcfw-series-paths" ]; then
		LC_ALL=C comm -23 "$TREE/.vmcfw-series-paths" "$stage/paths" | while read -r f; do
			if [ -f "$PRISTINE/$f" ]; then
				sync_file "$PRISTINE/$f" "$S/$f"
			else
				rm -f "$S/$f"
				log "removed $f"
			fi
		done
	fi
	cp "$stage/paths" "$TREE/.vmcfw-series-paths"
	rm -rf "$stage"
}

# ------------------------------------------------ (e) configure, (f) build ---
build() {
	B=$TREE/build
	export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
	export CCACHE_BASEDIR=$QCACHE
	export CCACHE_NOHASHDIR=1
	export PATH=/usr/lib/ccache:$PATH
	if [ ! -f "$B/.configured" ]; then
		rm -rf "$B"
		mkdir -p "$B"
		log "configure (log: $B/configure.log)"
		# shellcheck disable=SC2086
		(cd "$B" && nice ../src/configure --cc=gcc --host-cc=gcc --cxx=g++ $CONF_FLAGS) \
			> "$TREE/configure.log" 2>&1 || { tail -30 "$TREE/configure.log" >&2; die "configure failed"; }
		mv "$TREE/configure.log" "$B/configure.log"
		touch "$B/.configured"
	fi
	log "ninja -j$JOBS qemu-system-ppc64 in $B"
	start=$(date +%s)
	nice ninja -C "$B" -j"$JOBS" qemu-system-ppc64 >&2
	log "build took $(( $(date +%s) - start )) s"
	[ -x "$B/qemu-system-ppc64" ] || die "no binary after the build"
	printf '%s\n' "$INPUT_HASH" > "$B/qemu-system-ppc64.inputs.tmp"
	mv "$B/qemu-system-ppc64.inputs.tmp" "$B/qemu-system-ppc64.inputs"
	# Run from the build folder, QEMU looks for firmware under qemu-bundle/;
	# the blobs come from Debian's qemu-system-data (--disable-install-blobs).
	mkdir -p "$B/qemu-bundle/usr/share/qemu"
	for f in slof.bin vof.bin; do
		[ -e "/usr/share/qemu/$f" ] && ln -sfn "/usr/share/qemu/$f" "$B/qemu-bundle/usr/share/qemu/$f"
	done
	echo "$B/qemu-system-ppc64"
}

fetch_source
if [ $PRISTINE_ONLY = 1 ]; then echo "$PRISTINE"; exit 0; fi
ensure_deps	# git makes the series to compare with, patch applies it
check_series
if [ $CHECK_ONLY = 1 ]; then exit 0; fi
prepare_tree
build
