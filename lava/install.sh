#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install Debian 12's LAVA packages for `make lava` and the farm test.
# Idempotent, like scripts/setup-packages.sh: a warm machine pays one dpkg
# query. lava-dispatcher gives lava-run and lava-worker; lava-server gives
# the device-type templates (base.jinja2) and the server; lavacli submits.
# lava-server's postinst only creates its database when PostgreSQL is up;
# the farm (lava/farm.py) starts PostgreSQL and reconfigures it then.
set -eu

exec sh "$(dirname "$0")/../scripts/setup-packages.sh" lava \
	lava-dispatcher lava-server lavacli python3-jinja2 python3-yaml
