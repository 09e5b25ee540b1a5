# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers of the spapr-vmc device suites (no tests in here).

The patched QEMU is found with hv/qemu/qemu-path.sh (or $VMC_QEMU) and must
have been built from this checkout (qemu_cmd.check_fresh). Every QEMU runs
in its own temporary folder with the HMC chardev on a unix socket.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

import pexpect
import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tools import qemu_cmd  # noqa: E402
from tools.hmc import proto  # noqa: E402
from tools.hmc.client import HmcClient  # noqa: E402
from tools.qmp import hmp  # noqa: E402

VMC_REG = 0x71000010            # explicit unit address used by these suites
VMC_RIOBN = 0x7F000010          # default remote LIOBN for that reg


def qemu_binary():
    # VMC_SANITIZE=1: the ASan/UBSan build from `make qemu SANITIZE=1`
    # either way a binary built from other sources than this checkout is
    # refused (qemu_cmd.StaleQemu says what to rebuild)
    sanitize = os.environ.get("VMC_SANITIZE") == "1"
    path = os.environ.get("VMC_QEMU")
    if not path:
        path = qemu_cmd.patched_qemu(sanitize=sanitize)
    elif os.access(path, os.X_OK):
        qemu_cmd.check_fresh(path, sanitize=sanitize)
    if not path or not os.access(path, os.X_OK):
        pytest.skip("patched qemu-system-ppc64 with spapr-vmc not built (run `make qemu%s`)"
                    % (" SANITIZE=1" if sanitize else ""))
    if sanitize:
        # a sanitizer report must end QEMU (and so fail the test), not scroll by
        os.environ.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
        os.environ.setdefault("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1")
    return path


def sanitizer_qemu():
    """The ASan+UBSan patched QEMU; fail (make test) or skip (by hand) without it."""
    path = qemu_cmd.patched_qemu(sanitize=True)
    if path:
        return path
    why = ("the sanitizer build of the patched QEMU is missing: `make qemu SANITIZE=1` "
           "builds it (make test does)")
    if os.environ.get("VMC_REQUIRE_SANITIZER") == "1":
        pytest.fail(why + "; VMC_REQUIRE_SANITIZER=1 forbids running this suite without it",
                    pytrace=False)
    pytest.skip(why)


def vmc_image():
    """The vmcfw image if it was built, else None."""
    for p in (os.environ.get("VMC_IMAGE"), os.path.join(ROOT, "build", "vmcfw.elf")):
        if p and os.path.isfile(p):
            return p
    return None


class Vm:
    """One QEMU pseries with the spapr-vmc device and an HMC socket."""

    def __init__(self, device_opts="", extra=(), firmware_args=(), console=True, timeout=60):
        self.qemu = qemu_binary()
        self.dir = tempfile.mkdtemp(prefix="vmcdev-")
        self.sock = os.path.join(self.dir, "hmc.sock")
        self.qmp = os.path.join(self.dir, "qmp.sock")
        dev = "spapr-vmc,chardev=hmc0,reg=0x%x" % VMC_REG
        if device_opts:
            dev += "," + device_opts
        self.args = [self.qemu, "-M", "pseries", "-m", "512", "-nodefaults", "-nographic",
                     "-L", "/usr/share/qemu",
                     "-chardev", "socket,id=hmc0,path=%s,server=on,wait=off" % self.sock,
                     "-device", dev,
                     "-monitor", "unix:%s,server=on,wait=off" % self.qmp]
        self.console_file = os.path.join(self.dir, "serial.log")
        if console == "file":
            # a console nobody reads must not be a pty: a full pty blocks the
            # guest's H_PUT_TERM_CHAR (and with it QEMU's main loop)
            self.args += ["-serial", "file:" + self.console_file]
        elif console:
            self.args += ["-serial", "mon:stdio"]
        self.args += list(firmware_args) + list(extra)
        self.log = open(os.path.join(self.dir, "console.log"), "w")
        self.p = pexpect.spawn(self.args[0], self.args[1:], encoding="latin-1",
                               timeout=timeout, logfile=self.log, dimensions=(50, 200))
        self.hmc = None

    def connect(self, timeout=30.0, log=None):
        self.hmc = HmcClient(self.sock, timeout, log=log)
        return self.hmc

    def serial(self):
        """What the guest printed so far (console="file" only)."""
        try:
            with open(self.console_file, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def alive(self):
        return self.p.isalive()

    def monitor(self, cmd, timeout=10.0):
        """Run one HMP command on the monitor socket. Return: its output."""
        return hmp(self.qmp, cmd, timeout, self.p.isalive)

    def close(self):
        if self.hmc:
            self.hmc.close()
            self.hmc = None
        if self.p.isalive():
            self.p.kill(signal.SIGTERM)
            try:
                self.p.expect(pexpect.EOF, timeout=10)
            except (pexpect.TIMEOUT, pexpect.EOF):
                pass
            if self.p.isalive():
                self.p.kill(signal.SIGKILL)
        self.p.close()
        self.log.close()
        if os.environ.get("VMC_KEEP_TMP"):
            return
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def run_qemu(args, timeout=30):
    """Run the patched QEMU to completion; return (rc, combined output)."""
    r = subprocess.run([qemu_binary()] + list(args), capture_output=True, text=True,
                       timeout=timeout)
    return r.returncode, r.stdout + r.stderr


# ----------------------------------------------------------------- SLOF Forth
class Forth:
    """Drive SLOF's ok prompt (auto-boot?=false) on the serial console."""

    PROMPT = r"ok\r?\n|\bok\s*$|> $"

    def __init__(self, vm, timeout=60):
        self.vm = vm
        vm.p.expect(r"\d > ", timeout=timeout)

    def do(self, line, timeout=20):
        """Type one line; return what SLOF printed before the next prompt."""
        self.vm.p.send(line + "\r")
        self.vm.p.expect(r"(?s)\r\n.*?(\d+) > ", timeout=timeout)
        return self.vm.p.before + self.vm.p.after

    def num(self, line, timeout=20):
        """Run `line` which must print one hex number with `.`; return it as an int."""
        out = self.do(line, timeout)
        m = re.findall(r"(-?[0-9a-f]+)\s+ok", out)
        if not m:
            raise AssertionError("no number in SLOF output: %r" % out)
        v = int(m[-1], 16)
        return v

    def nums(self, line, timeout=20):
        out = self.do(line, timeout)
        m = re.search(r"((?:-?[0-9a-f]+ )+)\s*ok", out)
        if not m:
            raise AssertionError("no numbers in SLOF output: %r" % out)
        return [int(x, 16) for x in m.group(1).split()]
