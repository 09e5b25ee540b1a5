# SPDX-License-Identifier: GPL-2.0-or-later
"""ADD_BUF / REM_BUF on an HMC index past the negotiated count, end to end.

The vmcfw image runs as the management partition in the patched QEMU
(spapr-vmc with trace-crq=on, so every entry the guest sends reaches the
HMC peer as a CRQ frame). With a session open, the peer injects raw HV->MP
entries naming index = negotiated count:

* with a non-zero session the MP must drop them without any answer (Linux's
  ibmvmc does; docs/vmc-engine.md, validation table);
* with session 0 it must answer status 1 (INVALID_HMC_INDEX), the echoed
  index and buffer ID. This half also proves the trace would have shown an
  answer to the first half: the guest handles its CRQ in order, so once the
  session-0 answer is seen, any answer to the earlier entries was seen too.

The session keeps working afterwards. Skips (saying why) only when the
image or the patched QEMU is not built.
"""
import struct
import time

from test_vmc_device_common import proto
from test_vmc_device_fw import BOOT_TIMEOUT, FwVm, echo_once, open_session

ADD_BUF, REM_BUF, ADD_BUF_RESP, REM_BUF_RESP = 0x04, 0x05, 0x84, 0x85
INVALID_HMC_INDEX = 1
GUEST_TO_HV = 0


def entry(mtype, session, index, buffer_id=0, var3=0, owner=0):
    """One HV->MP VMC message: header 0x80, type, status 0, owner, S, I, ID, 0, var3."""
    return struct.pack(">BBBBBBHII", 0x80, mtype, 0, owner, session, index, buffer_id, 0, var3)


def guest_msg(f):
    """(type, status, session, index, buffer_id) of a guest->HV CRQ frame, else None."""
    if f.type != proto.EV_CRQ or len(f.payload) < 17 or f.payload[16] != GUEST_TO_HV:
        return None
    p = f.payload
    if p[0] != 0x80:
        return None
    return p[1], p[2], p[4], p[5], struct.unpack(">H", p[6:8])[0]


def answers(frames, mtype, index):
    return [m for m in (guest_msg(f) for f in frames) if m and m[0] == mtype and m[3] == index]


def run_case(c, cmd_type, resp_type, session, bad):
    """Inject cmd_type with `session` on index `bad`, then the session-0 control."""
    c.poll(0.2)                                   # forget older trace frames
    c.raw_crq(entry(cmd_type, session, bad, 7, 0x1000))
    c.raw_crq(entry(cmd_type, 0, bad, 7, 0x1000))

    def control(f):
        m = guest_msg(f)
        return bool(m) and m[0] == resp_type and m[3] == bad and m[2] == 0

    ctl = c.wait(control, 30, "%s answer to the session-0 control" % proto.NAMES.get(
        resp_type, hex(resp_type)))
    # what arrived before the control (still in the backlog) and just after it
    frames = c.poll(0.5)
    _, status, _, _, bid = guest_msg(ctl)
    assert status == INVALID_HMC_INDEX, guest_msg(ctl)
    if resp_type == ADD_BUF_RESP:
        assert bid == 7, guest_msg(ctl)
    # the control's answer was the only one: nothing for the non-zero session
    assert answers(frames, resp_type, bad) == [], answers(frames, resp_type, bad)


def test_out_of_range_index_with_session_is_dropped():
    with FwVm(device_opts="trace-crq=on") as vm:
        c = vm.connect(BOOT_TIMEOUT)
        op = open_session(c)
        st = c.status()
        bad = st["nhmc"]                          # first index past the negotiated count
        assert bad >= 1, st
        v0 = st["violations"]
        run_case(c, ADD_BUF, ADD_BUF_RESP, op.session, bad)
        run_case(c, REM_BUF, REM_BUF_RESP, op.session, bad)
        run_case(c, ADD_BUF, ADD_BUF_RESP, 0xFE, 0xFF)   # the largest index byte too
        time.sleep(0.2)
        st = c.status()
        # the HV sees only the three session-0 answers, each an unsolicited response
        assert st["violations"] - v0 == 3, st
        assert st["hmcs"][op.index]["session"] == op.session, st
        c.poll(0.2)
        echo_once(c, op, b"still open after the bad ADD_BUFs")
        assert vm.alive()
