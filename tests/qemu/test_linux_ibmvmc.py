# SPDX-License-Identifier: GPL-2.0-or-later
"""Fidelity: Linux's own, unmodified ibmvmc driver against spapr-vmc.

The guest is Debian's linux-source-6.1 built as shipped (allnoconfig plus
tools/linux-guest/kernel.config, CONFIG_IBMVMC=y, little-endian) by
scripts/build-linux.sh, with tools/linux-guest/vmctest.c as /init: it uses
only /dev/ibmvmc (QUERY, REQUESTVMC, SETHMCID, write, read, close) and prints
"vmctest: PASS" or "vmctest: FAIL <why>". The HMC side is the real peer
client on the device's socket, driven here in one loop with the console:
it greets every session ("hmc-hello <index>") and echoes every message.
"""
import os
import re
import time

import pexpect
import pytest

import qemu_cmd  # tools/, put on the path by conftest.py
from test_vmc_device_common import Vm, proto, qemu_binary, sanitizer_qemu
from tools.hmc import scenarios

T = 120
# QEMU 7.2's own hw/ppc/vof.c does a misaligned 64-bit load that UBSan stops
# on (docs/security.md), so the sanitizer build boots Linux with SLOF.
SANITIZE = os.environ.get("VMC_SANITIZE") == "1"
DEFAULT_FW = "slof" if SANITIZE else "vof"


@pytest.fixture(scope="module")
def guest():
    """(vmlinux, initramfs): `make linux` (part of `make test`) builds them."""
    qemu_binary()
    try:
        return qemu_cmd.linux_guest()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


class LinuxVm(Vm):
    def __init__(self, guest, plan, fw=DEFAULT_FW, device_opts="", cmdline=""):
        vmlinux, initramfs = guest
        extra = ["-M", "pseries,x-vof=on"] if fw == "vof" else []
        append = "console=hvc0 vmctest=%s %s" % (plan, cmdline)
        super().__init__(device_opts, extra=extra, timeout=T, console="file",
                         firmware_args=["-kernel", vmlinux, "-initrd", initramfs,
                                        "-append", append.strip(), "-no-reboot",
                                        "-action", "panic=exit-failure"])
        self.frames = []
        self.console = ""

    def drive(self, on_console=None, timeout=T):
        """Serve the HMC side (greet + echo) and watch the console until the
        guest prints its verdict; on_console maps a console line to an
        action run once when it appears. Returns the verdict line.

        The console goes to a file (console="file"): a pty loses what the
        guest printed last when QEMU exits right after it (power-off)."""
        c = self.hmc
        todo = dict(on_console or {})
        end = time.monotonic() + timeout
        verdict, seen = None, 0
        while time.monotonic() < end and verdict is None:
            for f in c.poll(0.02, closed_ok=True):
                self.frames.append(f)
                scenarios.answer_greet_echo(c, f)
            text = self.serial()
            lines = text.split("\n")
            for line in lines[seen:-1]:        # complete lines only
                line = line.strip()
                for key in list(todo):
                    if key in line:
                        todo.pop(key)(c)
                m = re.match(r"vmctest: (PASS|FAIL.*)", line)
                if m and verdict is None:
                    verdict = m.group(1)
            seen = max(seen, len(lines) - 1)
            if not self.alive() and verdict is None:
                break
        # the guest powers off after its verdict; what the device reported
        # until then (e.g. the last CLOSE) is still on the link
        try:
            self.p.expect(pexpect.EOF, timeout=30)
        except pexpect.TIMEOUT:
            pass
        self.frames += c.poll(0.5, closed_ok=True)
        self.console = self.serial().replace("\r", "")
        print(self.console[-8000:])
        return verdict

    def frames_of(self, ftype):
        return [f for f in self.frames if f.type == ftype]


def assert_clean_kernel_log(console):
    # a kernel WARN/BUG/oops/panic prints one of these
    for bad in ("Oops", "BUG:", "WARNING: CPU", "Call Trace", "Kernel panic"):
        assert bad not in console, bad
    # the driver probed the device tree node and negotiated capabilities
    assert re.search(r"ibmvmc [0-9a-f]+: Probe for UA 0x[0-9a-f]+", console)
    assert re.search(r"ibmvmc [0-9a-f]+: Capabilities: mtu=0x1000, pool_size=0x10", console)


@pytest.mark.parametrize("fw", ["vof", "slof"])
def test_linux_driver_sessions_and_messages(guest, fw):
    """Probe, CRQ handshake, capabilities, H_REQUEST_VMC, a session with the
    HMC's greeting and echoes of every size class up to the MTU, close, and a
    second session on the index the device re-seeded after CLOSE_RESP."""
    if fw == "vof" and SANITIZE:
        pytest.skip("VOF trips UBSan inside QEMU's own vof.c; the SLOF case covers this")
    with LinuxVm(guest, "echo", fw) as vm:
        vm.connect(T)
        verdict = vm.drive()
        assert verdict == "PASS", verdict
        out = vm.console
        assert_clean_kernel_log(out)
        m = re.search(r"vmctest: requestvmc drc=(0x[0-9a-f]+)", out)
        assert m and int(m.group(1), 16) != 0
        assert "vmctest: echoed 63 messages, 15128 bytes" in out
        assert out.count("vmctest: received \"hmc-hello 0\" from the HMC") == 2
        opens = vm.frames_of(proto.EV_OPEN)
        closes = vm.frames_of(proto.EV_CLOSE)
        msgs = vm.frames_of(proto.EV_MSG)
        assert len(opens) == 2 and len(closes) == 2, (opens, closes)
        assert opens[0].session != opens[1].session
        assert len(msgs) == 126
        # the HMC ID the driver copied in the OPEN buffer reached the peer
        assert b"vmctest-hmc-A" in opens[0].payload and b"vmctest-hmc-B" in opens[1].payload


def test_linux_driver_recovers_from_partner_reset(guest):
    """The device reports a partner failure (0xFF01) mid-session and re-inits:
    Linux's reader gets EBADFD, the driver returns to READY by a new
    handshake, and a new session echoes again."""
    with LinuxVm(guest, "reset") as vm:
        vm.connect(T)
        verdict = vm.drive({"vmctest: waiting for a partner reset":
                            lambda c: c.reset(1, 200)})
        assert verdict == "PASS", verdict
        out = vm.console
        assert_clean_kernel_log(out)
        assert "session 1 ended by the reset (EBADFD)" in out
        assert re.search(r"vmctest: query have_vmc=1 state=3 .*\(after reset\)", out)
        links = [f.link_up for f in vm.frames_of(proto.EV_LINK)]
        assert False in links and links[-1] is True, links
        assert len(vm.frames_of(proto.EV_OPEN)) == 2


def test_linux_driver_two_hmcs(guest):
    """ibmvmc.max_hmcs=2 and a device with two HMC indexes: two fds hold two
    sessions at once, each greeted and echoed on its own index."""
    with LinuxVm(guest, "two", device_opts="max-hmcs=2", cmdline="ibmvmc.max_hmcs=2") as vm:
        vm.connect(T)
        verdict = vm.drive()
        assert verdict == "PASS", verdict
        assert_clean_kernel_log(vm.console)
        assert sorted(f.index for f in vm.frames_of(proto.EV_OPEN)) == [0, 1]
        by_index = [len([f for f in vm.frames_of(proto.EV_MSG) if f.index == i]) for i in (0, 1)]
        assert by_index == [20, 20]


def test_linux_driver_answers_buffer_management(guest):
    """Mid-session the HMC side adds a buffer (ADD_BUF) and takes two back
    (REM_BUF): the driver answers each (REM_BUF_RESP status 0 with the
    buffer it gave up, ids distinct) and the session keeps echoing with the
    changed buffer set, so both sides still agree on who owns what."""
    def buffer_commands(c):
        c.add_buf(0, index=0)
        c.rem_buf(index=0)
        c.rem_buf(index=0)
        c.wait(lambda f: f.type == proto.EV_REM_BUF, 10, "REM_BUF 1")
        c.wait(lambda f: f.type == proto.EV_REM_BUF, 10, "REM_BUF 2")
        session = vm.frames_of(proto.EV_OPEN)[-1].session
        c.msg(b"hmc-done", 0, session)

    with LinuxVm(guest, "buffers") as vm:
        c = vm.connect(T)
        seen = []
        c.log = lambda f: seen.append(f) if f.type == proto.EV_REM_BUF else None
        verdict = vm.drive({"vmctest: ready for buffer commands": buffer_commands})
        assert verdict == "PASS", verdict
        assert_clean_kernel_log(vm.console)
        assert len(seen) == 2, seen
        answers = [(f.payload[0], int.from_bytes(f.payload[2:4], "big")) for f in seen]
        assert [st for st, _ in answers] == [0, 0], answers
        assert answers[0][1] != answers[1][1], answers
        assert len(vm.frames_of(proto.EV_MSG)) == 126


@pytest.mark.parametrize("plan,device_opts,cmdline", [
    ("echo", "", ""),
    ("reset", "", ""),
    ("two", "max-hmcs=2", "ibmvmc.max_hmcs=2"),
])
def test_linux_driver_on_sanitizer_qemu(guest, plan, device_opts, cmdline, monkeypatch):
    """The same driver traffic through the ASan+UBSan build of the patched
    QEMU (built by make test): any sanitizer report ends QEMU and fails."""
    monkeypatch.setenv("VMC_QEMU", sanitizer_qemu())
    monkeypatch.setenv("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1")
    monkeypatch.setenv("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    actions = {"vmctest: waiting for a partner reset": lambda c: c.reset(1, 200)}
    # SLOF: QEMU's own vof.c trips UBSan (see DEFAULT_FW)
    with LinuxVm(guest, plan, "slof", device_opts, cmdline) as vm:
        vm.connect(T)
        verdict = vm.drive(actions)
        vm.log.flush()
        with open(vm.log.name, errors="replace") as f:
            qemu_stderr = f.read()
        assert "AddressSanitizer" not in qemu_stderr and "runtime error" not in qemu_stderr, \
            qemu_stderr[-3000:]
        assert verdict == "PASS", verdict
        assert_clean_kernel_log(vm.console)


def test_linux_driver_serves_echoes(guest):
    """vmctest=serve, the echo side make bench measures the driver with: the
    HMC sends, the guest's reader writes every message back unchanged, and
    "vmctest-serve-done" ends it with a clean close."""
    sizes = [1, 64, 255, 4096, 64, 2048]
    with LinuxVm(guest, "serve") as vm:
        c = vm.connect(T)
        op = scenarios.wait_session(c, T)
        for i, n in enumerate(sizes):
            data = bytes((i * 31 + k) & 0xFF for k in range(n))
            c.msg(data, op.index, op.session)
            f = c.wait(lambda f: f.type in (proto.EV_MSG, proto.EV_ERROR, proto.EV_CLOSE), T,
                       "echo of %d bytes" % n)
            assert f.type == proto.EV_MSG and f.payload == data, f.describe()
        c.msg(b"vmctest-serve-done", op.index, op.session)
        verdict = vm.drive()
        assert verdict == "PASS", verdict
        assert_clean_kernel_log(vm.console)
        assert "vmctest: served %d echoes" % len(sizes) in vm.console
        assert "vmctest: closed serve session" in vm.console
