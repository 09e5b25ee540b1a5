#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the Linux guest kernel that tests spapr-vmc with Linux's own ibmvmc
# driver: Debian's linux-source-6.1 as shipped (no patch), configured with
# allnoconfig + tools/linux-guest/kernel.config, cross-built little-endian.
#
# Usage: build-linux.sh <cache-root> [--print-path]
# Result: <cache-root>/kernel-<key>/vmlinux; its path is printed last.
# --print-path prints that path if it is built, nothing otherwise, and never
# builds. The key covers the source package version, the config fragment, the
# compiler and the make flags, so the build (about 10 minutes on 2 cores,
# once) runs again only when one of them changes.
set -eu

ROOT=$1
PRINT_ONLY=${2:-}
HERE=$(cd "$(dirname "$0")/.." && pwd)
FRAGMENT="$HERE/tools/linux-guest/kernel.config"
CROSS=powerpc64le-linux-gnu-
TARBALL=/usr/src/linux-source-6.1.tar.xz
MAKEFLAGS_K="ARCH=powerpc CROSS_COMPILE=$CROSS KBUILD_BUILD_USER=vmcfw KBUILD_BUILD_HOST=vmcfw"

die() { echo "build-linux: $*" >&2; exit 1; }

VER=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
if [ -z "$VER" ] || [ ! -f "$TARBALL" ]; then
	[ -n "$PRINT_ONLY" ] && exit 0
	die "linux-source-6.1 is not installed (make setup)"
fi
KEY=$( { echo "$VER"; cat "$FRAGMENT"; "${CROSS}gcc" --version | head -n1; echo "$MAKEFLAGS_K"; } \
	| sha256sum | cut -c1-12)
OUT="$ROOT/kernel-$KEY"
if [ -n "$PRINT_ONLY" ]; then
	[ -f "$OUT/vmlinux" ] && echo "$OUT/vmlinux"
	exit 0
fi

mkdir -p "$ROOT"
exec 9>"$ROOT/.lock"
flock 9
if [ -f "$OUT/vmlinux" ]; then
	echo "$OUT/vmlinux"
	exit 0
fi

SRC="$ROOT/src-$VER/linux-source-6.1"
if [ ! -f "$SRC/.unpacked" ]; then
	echo "build-linux: unpacking $TARBALL ($VER)" >&2
	rm -rf "$ROOT/src-$VER"
	mkdir -p "$ROOT/src-$VER"
	tar -C "$ROOT/src-$VER" -xf "$TARBALL"
	touch "$SRC/.unpacked"
fi

OBJ="$OUT/obj"
rm -rf "$OUT"
mkdir -p "$OBJ"
LOG="$OUT/build.log"
echo "build-linux: building vmlinux (about 10 minutes on 2 cores, once; log: $LOG)" >&2
start=$(date +%s)
{
	make -C "$SRC" O="$OBJ" $MAKEFLAGS_K allnoconfig
	"$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "$FRAGMENT"
	make -C "$SRC" O="$OBJ" $MAKEFLAGS_K olddefconfig
} > "$LOG" 2>&1 || { tail -n 30 "$LOG" >&2; die "configuration failed"; }

# Kconfig silently drops what a dependency forbids: insist on every line.
grep -v '^#' "$FRAGMENT" | grep . | while IFS= read -r line; do
	case "$line" in
	*=n) want="# ${line%=n} is not set" ;;
	*) want=$line ;;
	esac
	grep -qxF "$want" "$OBJ/.config" || die "config fragment line '$line' did not survive (see $OBJ/.config)"
done

nice make -C "$SRC" O="$OBJ" $MAKEFLAGS_K -j"$(nproc)" vmlinux >> "$LOG" 2>&1 \
	|| { tail -n 40 "$LOG" >&2; die "kernel build failed"; }
cp "$OBJ/vmlinux" "$OUT/vmlinux.tmp"
cp "$OBJ/.config" "$OUT/config"
rm -rf "$OBJ"
mv "$OUT/vmlinux.tmp" "$OUT/vmlinux"
echo "build-linux: vmlinux built in $(( $(date +%s) - start )) s" >&2
echo "$OUT/vmlinux"
