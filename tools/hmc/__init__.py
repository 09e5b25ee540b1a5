# SPDX-License-Identifier: GPL-2.0-or-later
"""HMC peer for the spapr-vmc QEMU device (stdlib only)."""
from .client import CommandError, HmcClient, Timeout  # noqa: F401
from . import proto, scenarios  # noqa: F401
