# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot suites in stock Debian QEMU: SLOF and VOF, BE and LE."""
import re

import pytest
from conftest import boot

PLATFORM_CHECKS = ["bootargs", "device-tree", "console", "decrementer", "rtas", "exception"]


def test_smoke_passes(target):
    endian, fw = target
    r = boot(endian, fw, "smoke")
    plan, results = r.tap()
    assert r.rc == 0, f"QEMU exit {r.rc}"
    assert r.exit_status() == 0
    assert plan is not None and plan >= len(PLATFORM_CHECKS)
    assert sorted(results) == list(range(1, plan + 1)), "every planned check reported"
    assert all(st == "ok" for st, _ in results.values())
    names = [name.split(":")[0].split(" #")[0] for _, name in results.values()]
    for check in PLATFORM_CHECKS:
        assert check in names
    banner = "(BE, ELFv1)" if endian == "big" else "(LE, ELFv2)"
    assert banner in r.out
    assert ("SLOF" if fw == "slof" else "VOF") in r.out


def test_forced_failing_check_gives_failure_status(target):
    endian, fw = target
    r = boot(endian, fw, "smoke fail-check=rtas")
    plan, results = r.tap()
    assert r.rc != 0 and r.rc != 124, "os-term must give a failure exit, not a hang"
    assert r.exit_status() == 1
    failed = [name for st, name in results.values() if st == "not ok"]
    assert len(failed) == 1 and failed[0].startswith("rtas")
    assert "OS terminated" in r.err


@pytest.mark.parametrize("endian", ["big", "little"])
def test_unknown_boot_argument_is_reported(endian):
    r = boot(endian, "vof", "smoke frobnicate loglevel=9")
    assert "unknown boot argument 'frobnicate'" in r.out
    assert "bad value in 'loglevel=9'" in r.out
    assert r.exit_status() == 1 and r.rc == 1
    plan, results = r.tap()
    assert results[1][0] == "not ok" and results[1][1].startswith("bootargs")


@pytest.mark.parametrize("fault,message", [
    ("no-vty", "no vty (hvterm) node under /vdevice"),
    ("vty-reg", "vty node has no valid reg property"),
    ("no-timebase", "no cpu timebase-frequency"),
])
@pytest.mark.parametrize("fw", ["slof", "vof"])
def test_broken_device_tree_fails_cleanly(fault, message, fw):
    r = boot("big", fw, f"smoke dt-fault={fault}")
    assert r.rc == 1, "failure status, not a hang or a pass"
    assert f"FATAL: device tree: {message}" in r.out
    assert "--- log ring" in r.out
    assert f"OS terminated: device tree: {message}" in r.err


@pytest.mark.parametrize("endian", ["big", "little"])
def test_no_console_device_at_all(endian):
    """No serial device: no vty node; the image cannot print but must fail."""
    r = boot(endian, "vof", "smoke", serial=None)
    assert r.rc == 1
    assert "OS terminated: device tree: no vty" in r.err


@pytest.mark.parametrize("endian", ["big", "little"])
def test_unexpected_exception_dumps_registers(endian):
    r = boot(endian, "vof", "crash")
    assert r.rc == 1
    assert "unexpected exception 0x700 (program)" in r.out
    assert re.search(r"NIP [0-9a-f]{16} boot_crash\+0x[0-9a-f]+", r.out), "symbol+offset for NIP"
    for reg in ("MSR ", "LR ", "CTR ", "DAR ", "DSISR ", "r0 ", "r28 "):
        assert reg in r.out
    assert "--- log ring (oldest first) ---" in r.out


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
    m = re.search(r"ok 2 - device-tree: \w+, (\d+) MiB", r.out)
    assert m and 0 < int(m.group(1)) <= int(mem), "first memory node (the RMA) within -m"
