# SPDX-License-Identifier: GPL-2.0-or-later
"""What the migration tests share: the image on the patched QEMU with the
spapr-vmc device, migrated to a file by the source's monitor and loaded by a
second QEMU started with -incoming (tests/qemu/test_migration.py,
tests/qemu/test_suspend_event.py)."""
import re
import time

import qemu_cmd  # tools/, put on the path by conftest.py
from test_vmc_device_common import Vm

T = 90


class MigVm(Vm):
    """The image on the patched QEMU with the device. @append: the boot
    arguments; @incoming: a migration source URI for -incoming;
    @device_opts: more spapr-vmc properties; @console: "file" (nobody
    types) or True (pexpect on stdio, for a test that reads and types)."""

    def __init__(self, endian, fw, mode, incoming=None, append="echo", device_opts="",
                 console="file", timeout=T):
        extra = ["-M", "pseries,x-vof=on"] if fw == "vof" else []
        if incoming:
            extra += ["-incoming", incoming]
        super().__init__(device_opts, extra=extra, console=console,
                         firmware_args=["-kernel", qemu_cmd.image_path(endian),
                                        "-append", append + " " + mode,
                                        "-no-reboot", "-action", "panic=exit-failure"],
                         timeout=timeout)


def wait_migrated(vm, timeout=60):
    """Poll `info migrate` until the outgoing migration completed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        out = vm.monitor("info migrate")
        if re.search(r"Migration status: completed", out):
            return
        assert not re.search(r"Migration status: failed", out), out
        time.sleep(0.2)
    raise AssertionError("migration did not complete in %d s" % timeout)


def wait_running(vm, timeout=60):
    """Poll `info status` until the (incoming) partition runs."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if "running" in vm.monitor("info status"):
            return
        assert vm.alive(), "the destination QEMU ended"
        time.sleep(0.2)
    raise AssertionError("destination not running after %d s" % timeout)


def migrate_to_file(vm, path):
    """Migrate @vm into the file @path and wait for the end (the source stops)."""
    vm.monitor("migrate exec:cat>" + path)
    wait_migrated(vm)
