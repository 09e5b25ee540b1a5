#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the patched qemu-system-ppc64 that carries the spapr-vmc device.
#
#   hv/qemu/build-qemu.sh [--sanitize] [--print-path]
#
# Idempotent. Steps: deb-src entry, `apt-get source --download-only qemu`,
# `dpkg-source -x`, build dependencies, a patched copy of Debian's tree in a
# folder keyed by (Debian version, hash of the structural patch inputs, flags),
# configure for ppc64-softmmu only, `ninja qemu-system-ppc64`.
# The device glue and the hv/ engine sources are synced into the keyed tree on
# every run (only changed files are rewritten), so editing them costs one
# compile and a relink. The absolute path of the binary is the LAST line
# printed. --print-path prints that path (or nothing) without building.
# Next to the binary, qemu-system-ppc64.inputs holds a hash of every project
# file synced into the tree plus this script (its device list, Kconfig hunk,
# configure flags and spapr_vio.c patch); --input-hash prints that hash for
# the checkout, and tools/qemu_cmd.py refuses a binary whose stamp differs.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${CACHE:-/var/cache/vmcfw}
QCACHE=$CACHE/qemu
JOBS=${JOBS:-2}
SANITIZE=0
PRINT_ONLY=0
HASH_ONLY=0
for a in "$@"; do
	case $a in
	--sanitize) SANITIZE=1 ;;
	--print-path) PRINT_ONLY=1 ;;
	--input-hash) HASH_ONLY=1 ;;
	*) echo "usage: $0 [--sanitize] [--print-path|--input-hash]" >&2; exit 2 ;;
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
KCONFIG_HUNK='
config SPAPR_VMC
    bool
    default y
    depends on PSERIES
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
	{ cat "$1"; printf '%s' "$DEVICES_MAK" "$KCONFIG_HUNK" "$CONF_FLAGS"; echo v1; } |
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
		 libfdt-dev zlib1g-dev ccache flex bison libslirp-dev python3 rsync; do
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
# Project files outside hv/ that the engine needs, copied to the same
# relative path in QEMU's tree (QEMU compiles with -iquote <source root>).
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

# Copy $1 to $2 only if the content differs (so ninja sees only real changes).
sync_file() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2.vmcfw-tmp" && mv "$2.vmcfw-tmp" "$2"
		log "updated ${2#$TREE/src/}"
	fi
}

# The freshness stamp: sha256 over the `sha256sum` lines of the inputs, sorted
# by path (the same project files prepare_tree syncs, plus this script).
input_hash() {
	list=$(cd "$ROOT" && {
		echo hv/qemu/build-qemu.sh
		echo hv/qemu/spapr_vmc.c
		for f in hv/*.c hv/*.h; do if [ -f "$f" ]; then echo "$f"; fi; done
		for b in $SHARED_SOURCES $SHARED_HEADERS; do echo "$b"; done
	} | LC_ALL=C sort -u)
	for f in $list; do [ -f "$ROOT/$f" ] || die "stamp input $f missing"; done
	# shellcheck disable=SC2086
	(cd "$ROOT" && sha256sum $list) | sha256sum | cut -c1-64
}
if [ $HASH_ONLY = 1 ]; then input_hash; exit 0; fi

# Each patched QEMU file is edited at anchor lines that must occur exactly
# once, so a Debian update that moves them stops the build instead of
# patching the wrong place.
anchors_unique() {
	af=$1
	shift
	for anchor in "$@"; do
		[ "$(grep -cF "$anchor" "$af")" = 1 ] ||
			die "$(basename "$af"): anchor not unique: $anchor"
	done
}

prepare_tree() {
	INPUT_HASH=$(input_hash)	# before the sync: the stamp describes what was copied
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
	# Kconfig: pristine + hunk
	{ cat "$PRISTINE/hw/ppc/Kconfig"; printf '%s' "$KCONFIG_HUNK"; } > "$stage/Kconfig"
	sync_file "$stage/Kconfig" "$S/hw/ppc/Kconfig"
	# meson.build: pristine + one line after the SPAPR_RNG line
	files="'spapr_vmc.c'"
	for b in $(engine_sources); do files="$files, '../../hv/$b'"; done
	for b in $SHARED_SOURCES; do files="$files, '../../$b'"; done
	grep -q "CONFIG_SPAPR_RNG'" "$PRISTINE/hw/ppc/meson.build" ||
		die "hw/ppc/meson.build has no CONFIG_SPAPR_RNG line to anchor the patch"
	awk -v line="ppc_ss.add(when: 'CONFIG_SPAPR_VMC', if_true: files($files))" '
		{ print } /CONFIG_SPAPR_RNG'"'"'/ { print line }' \
		"$PRISTINE/hw/ppc/meson.build" > "$stage/meson.build"
	sync_file "$stage/meson.build" "$S/hw/ppc/meson.build"
	# spapr_vio.c: a notification hook for H_REG_CRQ / H_FREE_CRQ (and the
	# CRQ teardown of reset and RTAS quiesce), which QEMU 7.2 lacks.
	f=$PRISTINE/hw/ppc/spapr_vio.c
	anchors_unique "$f" 'static target_ulong h_reg_crq(' \
		'    trace_spapr_vio_h_reg_crq(reg, queue_addr, queue_len);' \
		'    trace_spapr_vio_free_crq(dev->reg);'
	awk '
	$0 == "static target_ulong h_reg_crq(PowerPCCPU *cpu, SpaprMachineState *spapr," {
		print "/* vmcfw: called after a CRQ is registered or freed (NULL: nobody listens). */"
		print "void (*spapr_vio_crq_notify)(SpaprVioDevice *dev, bool registered);"
		print ""
	}
	$0 == "    trace_spapr_vio_h_reg_crq(reg, queue_addr, queue_len);" {
		print
		print "    if (spapr_vio_crq_notify) {"
		print "        spapr_vio_crq_notify(dev, true);"
		print "    }"
		next
	}
	$0 == "    trace_spapr_vio_free_crq(dev->reg);" {
		print
		print "    if (spapr_vio_crq_notify) {"
		print "        spapr_vio_crq_notify(dev, false);"
		print "    }"
		next
	}
	{ print }' "$f" > "$stage/spapr_vio.c"
	[ "$(grep -c spapr_vio_crq_notify "$stage/spapr_vio.c")" = 5 ] || die "spapr_vio.c hook not applied"
	# spapr_vio.c: a notification hook for H_ENABLE_CRQ, which QEMU 7.2 answers
	# without telling the device (spapr-vmc's suspend-event needs it).
	anchors_unique "$f" 'static target_ulong h_enable_crq('
	awk '
	$0 == "static target_ulong h_enable_crq(PowerPCCPU *cpu, SpaprMachineState *spapr," {
		print "/* vmcfw: called after H_ENABLE_CRQ on an existing unit (NULL: nobody listens). */"
		print "void (*spapr_vio_crq_enable_notify)(SpaprVioDevice *dev);"
		print ""
		in_enable = 1
	}
	in_enable && $0 == "    return 0;" {
		print "    if (spapr_vio_crq_enable_notify) {"
		print "        spapr_vio_crq_enable_notify(dev);"
		print "    }"
		in_enable = 0
	}
	{ print }' "$stage/spapr_vio.c" > "$stage/spapr_vio.c.enable"
	mv "$stage/spapr_vio.c.enable" "$stage/spapr_vio.c"
	[ "$(grep -c spapr_vio_crq_enable_notify "$stage/spapr_vio.c")" = 3 ] ||
		die "spapr_vio.c H_ENABLE_CRQ hook not applied"
	sync_file "$stage/spapr_vio.c" "$S/hw/ppc/spapr_vio.c"
	# spapr.c: an opt-in machine property, x-vmcfw-tcg-smt, that lets TCG start
	# with several threads per core (QEMU 7.2 refuses; the secondary threads
	# stay stopped, as firmware expects). Only for tests of SMT device trees
	# (tests/qemu/test_interrupt_server.py); off by default.
	f=$PRISTINE/hw/ppc/spapr.c
	anchors_unique "$f" 'static void spapr_set_vsmt_mode(SpaprMachineState *spapr, Error **errp)' \
		'    if (!kvm_enabled() && (smp_threads > 1)) {' \
		'    object_property_add_bool(obj, "x-vof", spapr_get_vof, spapr_set_vof);'
	awk '
	$0 == "static void spapr_set_vsmt_mode(SpaprMachineState *spapr, Error **errp)" {
		print "/* vmcfw: -M pseries,x-vmcfw-tcg-smt=on: SMT device trees under TCG, for tests. */"
		print "static bool vmcfw_tcg_smt;"
		print ""
		print "static bool vmcfw_get_tcg_smt(Object *obj, Error **errp)"
		print "{"
		print "    return vmcfw_tcg_smt;"
		print "}"
		print ""
		print "static void vmcfw_set_tcg_smt(Object *obj, bool value, Error **errp)"
		print "{"
		print "    vmcfw_tcg_smt = value;"
		print "}"
		print ""
	}
	$0 == "    if (!kvm_enabled() && (smp_threads > 1)) {" {
		print "    if (!kvm_enabled() && (smp_threads > 1) && !vmcfw_tcg_smt) {"
		next
	}
	$0 == "    object_property_add_bool(obj, \"x-vof\", spapr_get_vof, spapr_set_vof);" {
		print
		print "    object_property_add_bool(obj, \"x-vmcfw-tcg-smt\", vmcfw_get_tcg_smt,"
		print "                             vmcfw_set_tcg_smt);"
		next
	}
	{ print }' "$f" > "$stage/spapr.c"
	[ "$(grep -c vmcfw_tcg_smt "$stage/spapr.c")" = 4 ] || die "spapr.c TCG SMT property not applied"
	sync_file "$stage/spapr.c" "$S/hw/ppc/spapr.c"
	# target/ppc/machine.c: under TCG, QEMU 7.2 neither migrates the decrementer
	# nor re-arms its timer on the destination, so a partition ceded until its
	# next decrementer tick sleeps on after a migration. Save the decrementer
	# into the migrated SPR array and re-arm it on load (QEMU fixed this after
	# 7.2 in the same way). tests/qemu/test_migration.py needs it in poll mode.
	f=$PRISTINE/target/ppc/machine.c
	anchors_unique "$f" '    env->hflags_compat_nmsr = 0;' '        pmu_mmcr01_updated(env);'
	awk '
	$0 == "    env->hflags_compat_nmsr = 0;" {
		print
		print "    /* vmcfw: TCG keeps the decrementer in a timer: carry its value */"
		print "    if (tcg_enabled()) {"
		print "        env->spr[SPR_DECR] = cpu_ppc_load_decr(env);"
		print "    }"
		next
	}
	$0 == "        pmu_mmcr01_updated(env);" {
		print
		print "        cpu_ppc_store_decr(env, env->spr[SPR_DECR]);	/* vmcfw: re-arm */"
		next
	}
	{ print }' "$f" > "$stage/machine.c"
	[ "$(grep -c "SPR_DECR" "$stage/machine.c")" = 2 ] || die "machine.c decrementer patch not applied"
	sync_file "$stage/machine.c" "$S/target/ppc/machine.c"
	# device glue and engine (the whole hv/*.[ch] set; only listed .c are compiled)
	[ -f "$HERE/spapr_vmc.c" ] || die "missing $HERE/spapr_vmc.c"
	sync_file "$HERE/spapr_vmc.c" "$S/hw/ppc/spapr_vmc.c"
	mkdir -p "$S/hv"
	for f in "$ROOT"/hv/*.c "$ROOT"/hv/*.h; do
		[ -f "$f" ] || continue
		sync_file "$f" "$S/hv/$(basename "$f")"
	done
	# shared project sources the engine uses (the VMC wire codec)
	for b in $SHARED_SOURCES $SHARED_HEADERS; do
		[ -f "$ROOT/$b" ] || die "missing $ROOT/$b"
		sync_file "$ROOT/$b" "$S/$b"
	done
	# drop engine files that disappeared from the project
	for f in "$S"/hv/*.c "$S"/hv/*.h; do
		[ -f "$f" ] || continue
		[ -f "$ROOT/hv/$(basename "$f")" ] || { rm -f "$f"; log "removed hv/$(basename "$f")"; }
	done
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
ensure_deps
prepare_tree
build
