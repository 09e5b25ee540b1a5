# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot checks in stock Debian QEMU that compute on what the image printed.

The plain "boot with these arguments, expect these lines and this exit
status" checks are entries of tests/qemu/boot_checks.cfg (test_catalogue.py);
what stays here compares numbers from the output with the QEMU options."""
import re

import pytest
from catalogue import tap_ok
from conftest import boot


@pytest.mark.parametrize("machine", ["kernel-addr=0x2000000", "kernel-addr=0x8000000"])
def test_relocated_load_address(machine):
    r = boot("big", "slof", "smoke", machine=machine)
    assert r.rc == 0 and r.exit_status() == 0
    addr = int(machine.split("=")[1], 16)
    m = re.search(r"entered at 0x([0-9a-f]+) \(linked 0x([0-9a-f]+)", r.out)
    assert m and int(m.group(1), 16) != int(m.group(2), 16), "ran away from its link address"
    assert int(m.group(1), 16) >= addr


@pytest.mark.parametrize("mem", ["256", "2048"])
def test_memory_sizes(mem):
    r = boot("little", "vof", "smoke", mem=mem)
    assert r.rc == 0 and r.exit_status() == 0
    m = re.search(tap_ok("device-tree") + r": \w+, (\d+) MiB", r.out)
    assert m and 0 < int(m.group(1)) <= int(mem), "first memory node (the RMA) within -m"
