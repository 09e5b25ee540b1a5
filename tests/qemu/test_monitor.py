# SPDX-License-Identifier: GPL-2.0-or-later
"""The monitor on the vty, driven interactively with pexpect."""
import os
import sys

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
