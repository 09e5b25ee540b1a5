# SPDX-License-Identifier: GPL-2.0-or-later
"""The monitor on the vty, driven interactively with pexpect."""
import os
import sys
import time

import pexpect
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "tools"))
import qemu_cmd  # noqa: E402

PROMPT = "vmcfw> "


def spawn(endian="big", fw="vof", append=""):
    argv = qemu_cmd.qemu_args(qemu_cmd.image_path(endian), fw, append)
    child = pexpect.spawn(argv[0], argv[1:], encoding="utf-8", timeout=60)
    child.logfile_read = sys.stdout
    return child


@pytest.mark.parametrize("endian", ["big", "little"])
def test_monitor_commands(endian):
    c = spawn(endian)
    try:
        c.expect("no VMC device found")
        c.expect_exact(PROMPT)
        c.sendline("help")
        c.expect("commands:")
        c.expect("poweroff")
        c.expect_exact(PROMPT)
        c.sendline("dt")
        c.expect(r"/vdevice/vty@71000000 type=serial compatible=hvterm1")
        c.expect_exact(PROMPT)
        c.sendline("stats")
        c.expect(r"H_PUT_TERM_CHAR +calls \d+")
        c.expect_exact(PROMPT)
        c.sendline("frobnicate now")
        c.expect("error: unknown command 'frobnicate'")
        c.expect_exact(PROMPT)
        c.sendline("loglevel 7")
        c.expect("error: loglevel must be 0..4")
        c.expect_exact(PROMPT)
        # backspace editing: "helq" + BS + "p" is "help"
        c.send("helq\x7fp\r")
        c.expect("commands:")
        c.expect_exact(PROMPT)
        c.sendline("x" * 200)
        c.expect("error: line longer than 127 characters rejected")
        c.expect_exact(PROMPT)
        c.sendline("poweroff")
        c.expect("EXIT: STATUS=0")
        c.expect(pexpect.EOF)
    finally:
        c.close()
    assert c.exitstatus == 0


def test_monitor_keeps_the_watchdog_from_expiring():
    """watchdog=1 in the monitor: the monitor loop restarts the watchdog, so
    the partition outlives the 1 s timeout several times over while the
    monitor answers; QEMU's trace shows the restarts. Without the restarts
    QEMU would exit after 1 s and `stats` would never answer."""
    argv = qemu_cmd.qemu_args(qemu_cmd.image_path("big"), "vof", "monitor watchdog=1",
                              extra=["-trace", "spapr_watchdog_start"])
    c = pexpect.spawn(argv[0], argv[1:], encoding="utf-8", timeout=60)
    c.logfile_read = sys.stdout
    try:
        c.expect("wdog: armed: watchdog 1 resets the partition after 1 s unless stopped")
        c.expect_exact(PROMPT)
        starts = 0
        deadline = time.monotonic() + 4.0
        while time.monotonic() < deadline:
            i = c.expect([r"spapr_watchdog_start Flags 0x102 num=1 1000ms", pexpect.TIMEOUT],
                         timeout=0.5)
            starts += i == 0
        c.sendline("stats")
        c.expect(r"H_WATCHDOG +calls (\d+) errors 0")
        assert int(c.match.group(1)) >= 8, c.match.group(0)
        c.expect_exact(PROMPT)
        c.sendline("poweroff")
        c.expect(r"wdog: stopped \(H_SUCCESS\)")
        c.expect("EXIT: STATUS=0")
        c.expect(pexpect.EOF)
    finally:
        c.close()
    assert c.exitstatus == 0
    assert starts >= 8, starts
