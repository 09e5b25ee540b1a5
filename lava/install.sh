#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install Debian 12's LAVA packages for `make lava` and the farm test.
# Idempotent, like scripts/setup-packages.sh: a warm machine pays one dpkg
# query. lava-dispatcher gives lava-run and lava-worker; lava-server gives
# the device-type templates (base.jinja2) and the server; lavacli submits.
# lava-server's postinst only creates its database when PostgreSQL is up;
# the farm (lava/farm.py) starts PostgreSQL and reconfigures it then.
set -eu

PKGS="lava-dispatcher lava-server lavacli python3-jinja2 python3-yaml"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "lava: LAVA packages present"
	exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "lava: installing:$missing"
# The packages' postinst scripts run `python3`: Debian's, not one earlier on PATH.
export DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
