# SPDX-License-Identifier: GPL-2.0-or-later
"""The smoke verdict of tools/boot.py and tools/vmcrun.py (tools/qemu_cmd.py):
QEMU's exit code, except that QEMU exiting 0 without the image's
`EXIT: STATUS=0` is a failure (the partition watchdog ended a hung image),
and the console tee that finds the image's last exit line."""
import io
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "tools"))
import qemu_cmd  # noqa: E402


def test_verdict():
    assert qemu_cmd.smoke_verdict(0, 0) == (0, None)
    rc, why = qemu_cmd.smoke_verdict(0, None)
    assert rc == 1 and "no EXIT line" in why
    rc, why = qemu_cmd.smoke_verdict(0, 3)
    assert rc == 1 and "EXIT: STATUS=3" in why
    assert qemu_cmd.smoke_verdict(1, 1) == (1, None)
    assert qemu_cmd.smoke_verdict(1, None) == (1, None)
    assert qemu_cmd.smoke_verdict(124, None) == (124, None)


def test_tee_copies_and_keeps_the_last_exit_line():
    r, w = os.pipe()
    out = io.StringIO()
    with os.fdopen(r, "rb") as rd:
        tee = qemu_cmd.ConsoleTee(rd, out)
        with os.fdopen(w, "wb") as wr:
            wr.write(b"1..1\r\nok 1 - x\r\nEXIT: STATUS=0\r\nEXIT: STATUS=1\r\n"
                     b'VMC t=1 ev=rx idx=0 sess=1 len=14 text="EXIT: STATUS=0"\r\ntail')
        tee.join()
    assert out.getvalue().endswith('text="EXIT: STATUS=0"\r\ntail')
    assert tee.exit_status == 1     # the last exit line; an echoed text is not one


def test_tee_without_exit_line():
    r, w = os.pipe()
    out = io.StringIO()
    with os.fdopen(r, "rb") as rd:
        tee = qemu_cmd.ConsoleTee(rd, out)
        with os.fdopen(w, "wb") as wr:
            wr.write(b"HANG: looping on purpose\r\n")
        tee.join()
    assert tee.exit_status is None and out.getvalue() == "HANG: looping on purpose\r\n"
