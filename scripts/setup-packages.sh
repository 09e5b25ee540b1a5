#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 packages vmcfw needs. Idempotent: installs only what
# is missing, so a warm machine pays one dpkg query.
#   scripts/setup-packages.sh               the packages of `make setup`
#   scripts/setup-packages.sh LABEL PKG...  another set (lava/install.sh)
set -eu

PKGS="make gcc gcc-powerpc64-linux-gnu binutils-powerpc64-linux-gnu \
gcc-powerpc64le-linux-gnu binutils-powerpc64le-linux-gnu \
qemu-system-ppc newlib-source libcmocka-dev clang libclang-rt-14-dev \
python3-pytest python3-pexpect valgrind ccache ninja-build meson pkg-config clang-format-15 \
libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev flex bison dpkg-dev \
xz-utils python3-venv gdb-multiarch tmux qemu-utils git patch \
linux-source-6.1 libc6-dev-ppc64el-cross bc libelf-dev libssl-dev"
LABEL=setup
if [ $# -gt 0 ]; then
	LABEL=$1
	shift
	PKGS="$*"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "$LABEL: all Debian packages present"
	exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "$LABEL: installing:$missing"
# Postinst scripts run `python3`: Debian's, not one earlier on PATH.
export DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
