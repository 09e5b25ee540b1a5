#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build newlib's libc for the image from Debian's newlib-source package.
# Usage: build-newlib.sh <cross-prefix> <cache-root>
# Result: <cache-root>/<key>/{include,lib/libc.a}; prints that folder last.
# The cache key covers the newlib tarball, the compiler and the flags, so the
# ~2 minute build runs again only when one of them changes.
set -eu

CROSS=$1
ROOT=$2
TARBALL=$(ls /usr/src/newlib/newlib-*.tar.xz 2>/dev/null | head -n1 || true)
[ -n "$TARBALL" ] || { echo "build-newlib: newlib-source is not installed (make setup)" >&2; exit 1; }

# Full (not nano) formatted I/O: nano printf has no %ll and no %z.
# nano malloc: the heap serves only console lines longer than 256 bytes
# (console/console.c), and the full allocator costs 6 KiB more of the image.
CFLAGS_NEWLIB="-O2 -g -ffreestanding -mno-altivec -mno-vsx -msoft-float -mlong-double-64 -mcpu=power8 -ffunction-sections -fdata-sections"
CONF="--host=powerpc64-unknown-none --build=x86_64-linux-gnu --disable-newlib-supplied-syscalls \
--disable-newlib-io-float --enable-newlib-reent-small \
--enable-newlib-io-long-long --enable-newlib-io-c99-formats --enable-newlib-nano-malloc --disable-multilib --disable-newlib-fvwrite-in-streamio --disable-newlib-wide-orient"

mkdir -p "$ROOT"
# One builder at a time (make evaluates this from several jobs at once).
exec 9>"$ROOT/.lock"
flock 9

KEY=$( { basename "$TARBALL"; "${CROSS}gcc" --version | head -n1; echo "$CFLAGS_NEWLIB $CONF"; } | sha256sum | cut -c1-16)
OUT="$ROOT/$KEY"
if [ -f "$OUT/lib/libc.a" ]; then
	echo "$OUT"
	exit 0
fi

WORK="$ROOT/work-$KEY"
rm -rf "$WORK"
mkdir -p "$WORK" "$ROOT"
echo "build-newlib: building newlib for ${CROSS} (about 2 minutes, once)" >&2
tar -C "$WORK" -xf "$TARBALL"
SRC=$(ls -d "$WORK"/newlib-*)
mkdir -p "$WORK/build"
cd "$WORK/build"
"$SRC/newlib/configure" $CONF --prefix="$OUT" \
	CC="${CROSS}gcc" AR="${CROSS}ar" RANLIB="${CROSS}ranlib" AS="${CROSS}as" \
	CFLAGS="$CFLAGS_NEWLIB" > "$WORK/configure.log" 2>&1 \
	|| { tail -n 30 "$WORK/configure.log" >&2; exit 1; }
make -j"$(nproc)" > "$WORK/build.log" 2>&1 || { tail -n 40 "$WORK/build.log" >&2; exit 1; }
mkdir -p "$OUT/lib" "$OUT/include"
cp libc/libc.a "$OUT/lib/"
cp -r "$SRC/newlib/libc/include/." "$OUT/include/"
# newlib.h / _newlib_version.h are generated into the build tree
cp newlib.h _newlib_version.h "$OUT/include/" 2>/dev/null || true
cp targ-include/*.h "$OUT/include/" 2>/dev/null || true
[ -d targ-include/sys ] && cp -r targ-include/sys/. "$OUT/include/sys/" || true
[ -d targ-include/machine ] && cp -r targ-include/machine/. "$OUT/include/machine/" || true
cd /
rm -rf "$WORK"
echo "$OUT"
