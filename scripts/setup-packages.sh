#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian 12 packages vmcfw needs. Idempotent: installs only what
# is missing, so a warm machine pays one dpkg query.
set -eu

PKGS="make gcc gcc-powerpc64-linux-gnu binutils-powerpc64-linux-gnu \
gcc-powerpc64le-linux-gnu binutils-powerpc64le-linux-gnu \
qemu-system-ppc newlib-source libcmocka-dev clang libclang-rt-14-dev \
python3-pytest python3-pexpect valgrind ccache ninja-build meson pkg-config \
libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev flex bison dpkg-dev \
xz-utils python3-venv gdb-multiarch tmux \
linux-source-6.1 libc6-dev-ppc64el-cross bc libelf-dev libssl-dev"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "setup: all Debian packages present"
	exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "setup: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
