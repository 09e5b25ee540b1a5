# SPDX-License-Identifier: GPL-2.0-or-later
"""What the migration tests share (tests/qemu/test_migration.py,
tests/qemu/test_suspend_event.py, tests/qemu/test_live_migration.py): the
image or the Linux guest on the patched QEMU with the spapr-vmc device and
a QMP socket, migrated by QMP `migrate` to a file (`exec:cat>FILE`) or to a
destination QEMU started with `-incoming` (`exec:cat FILE`, `unix:SOCKET`)."""
import os
import re
import tempfile
import time

import qemu_cmd  # tools/, put on the path by conftest.py
from test_vmc_device_common import Vm
from tools.qmp import Qmp

T = 90


class MigVm(Vm):
    """The patched QEMU with spapr-vmc and a QMP socket (.q); the guest is
    the image (@append: its boot arguments) or the Linux guest (@guest:
    (vmlinux, initramfs)); @incoming: a migration URI for -incoming;
    @paused: start with -S; @device_opts: more spapr-vmc properties;
    @console: "file" (nobody types) or True (pexpect on stdio, for a test
    that reads and types); @qmp_now: connect QMP before returning."""

    def __init__(self, endian="big", fw="slof", append="echo poll", incoming=None,
                 guest=None, extra=(), paused=False, device_opts="", console="file",
                 qmp_now=True):
        self.qmp_path = None
        args = ["-M", "pseries,x-vof=on"] if fw == "vof" else []
        if incoming:
            args += ["-incoming", incoming]
        if paused:
            args += ["-S"]
        if guest:
            vmlinux, initramfs = guest
            fwargs = ["-kernel", vmlinux, "-initrd", initramfs, "-append", append]
        else:
            fwargs = ["-kernel", qemu_cmd.image_path(endian), "-append", append]
        fwargs += ["-no-reboot", "-action", "panic=exit-failure"]
        super().__init__(device_opts, extra=args + list(extra), console=console,
                         firmware_args=fwargs + ["-qmp", "unix:%s,server=on,wait=off"
                                                 % self._qmp_path()], timeout=T)
        self._q = None
        if qmp_now:
            # QMP answers once QEMU's main loop runs: by then an -incoming
            # unix: socket listens, so a source may migrate to it at once
            try:
                self.q
            except BaseException:
                self.close()
                raise

    @property
    def q(self):
        """The QMP connection; made at start unless @qmp_now was False (a
        destination that refuses its incoming state ends before anyone
        could talk to it), else on first use."""
        if self._q is None:
            self._q = Qmp(self.qmp_path, T, self.alive)
        return self._q

    def _qmp_path(self):
        d = tempfile.mkdtemp(prefix="vmcqmp-")
        self.qmp_path = os.path.join(d, "qmp.sock")
        return self.qmp_path

    def wait_console(self, pattern, timeout=T, start=0):
        """Wait for a regular expression in the guest console (console="file").
        Return: the match."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = re.search(pattern, self.serial()[start:], re.M)
            if m:
                return m
            assert self.alive(), "QEMU ended waiting for %r:\n%s" % (pattern, self.serial()[-2000:])
            time.sleep(0.02)
        raise AssertionError("no %r on the console in %d s:\n%s" % (
            pattern, timeout, self.serial()[-2000:]))

    def close(self):
        try:
            if self._q:
                self._q.close()
        except OSError:
            pass
        super().close()
        if self.qmp_path:
            d = os.path.dirname(self.qmp_path)
            for f in os.listdir(d):
                os.unlink(os.path.join(d, f))
            os.rmdir(d)


def migrate(src, uri, timeout=T):
    """QMP migrate @src to @uri and wait for "completed".
    Return: the migration's own figures (total and downtime, ms)."""
    return src.q.migrate(uri, timeout)


def migrate_to_file(vm, path, timeout=T):
    """Migrate @vm into the file @path and wait for the end (the source stops).
    Return: the migration's own figures."""
    return migrate(vm, "exec:cat>" + path, timeout)


def wait_running(vm, timeout=T):
    """Wait until the (incoming) partition runs."""
    vm.q.wait_running(timeout)
