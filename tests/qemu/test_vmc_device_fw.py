# SPDX-License-Identifier: GPL-2.0-or-later
"""spapr-vmc with the vmcfw image as the management partition.

These tests need an image that drives VMC. They skip (saying why) only when
build/vmcfw.elf is missing or does not mention the "ibm,vmc" node at all;
once the image has VMC support they run and must pass.

Contract assumed from the image (docs/qemu-device.md, docs/hmc-protocol.md):
booted with the boot arguments in $VMC_FW_ARGS (default "echo"), an image
that finds /vdevice/ibm,vmc brings the channel up (LINK up at the HMC peer),
opens a session (OPEN), echoes every HMC message back unchanged, and
recovers from partner failures and lost messages by itself.
"""
import os
import re
import time

import pytest

from test_vmc_device_common import Vm, proto, vmc_image
from tools.hmc import scenarios

FW_ARGS = os.environ.get("VMC_FW_ARGS", "echo")
BOOT_TIMEOUT = float(os.environ.get("VMC_FW_TIMEOUT", "90"))


def image_or_skip():
    img = vmc_image()
    if not img:
        pytest.skip("build/vmcfw.elf not built (make image)")
    with open(img, "rb") as f:
        data = f.read()
    if b"ibm,vmc" not in data and b"IBM,vmc" not in data:
        pytest.skip("the vmcfw image has no VMC support yet (no 'ibm,vmc' in %s)" % img)
    return img


class FwVm(Vm):
    """console="file": nobody needs to read it. console=True: a pty the test
    reads (fw_counters types `status` at the monitor); its text is in the log."""

    def __init__(self, device_opts="", args=FW_ARGS, console="file"):
        img = image_or_skip()
        self.pty = console is True
        super().__init__(device_opts, firmware_args=["-kernel", img, "-append", args,
                                                     "-no-reboot", "-action",
                                                     "panic=exit-failure"],
                         console=console, timeout=BOOT_TIMEOUT)

    def serial(self):
        if not self.pty:
            return super().serial()
        self.log.flush()
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def close(self):
        print("--- guest console (last 3000 chars) ---\n" + self.serial()[-3000:])
        super().close()


# The firmware's own counters, as its monitor's `status` prints them
# (vmc_dump() in vmc/vmc_dump.c, the app line in console/monitor.c).
FW_COUNTER_LINES = [
    (r"vmc: dropped (\d+) \(before-cap (\d+) index (\d+) session (\d+) buffer (\d+) len (\d+) "
     r"unknown (\d+) direction (\d+)\) rx-errors (\d+) rdma-errors (\d+)",
     ["dropped", "before_cap", "bad_index", "bad_session", "bad_buffer", "bad_len", "unknown_type",
      "wrong_direction", "rx_errors", "rdma_errors"]),
    (r"vmc: handshakes (\d+) init-retries (\d+) re-registers (\d+) partner-inits (\d+) xport (\d+) "
     r"resets (\d+) caps-refused (\d+) timeouts cap/open/close (\d+)/(\d+)/(\d+)",
     ["handshakes", "init_retries", "reregisters", "partner_inits", "xport", "resets",
      "caps_refused", "cap_timeouts", "open_timeouts", "close_timeouts"]),
    (r"vmc: opens (\d+) failed (\d+) reopens (\d+) closes (\d+) lost (\d+)",
     ["opens", "opens_failed", "reopens", "closes", "lost"]),
    (r"app: rx (\d+) \(\d+ bytes\) tx (\d+) \(\d+ bytes\) echoed (\d+) echo-failed (\d+)",
     ["app_rx", "app_tx", "echoed", "echo_failed"]),
]


def fw_counters(vm):
    """Type `status` at the firmware's monitor (FwVm(console=True)) and parse it.

    Return: dict of counter name -> value, from this `status` only.
    """
    vm.p.sendline("status")
    vm.p.expect(r"app: rx [^\r\n]*\r*\n", timeout=30)   # a pty turns \n into \r\r\n
    text = vm.p.before + vm.p.after
    text = text[text.rfind("vmc: state "):]
    out = {}
    for regex, names in FW_COUNTER_LINES:
        m = re.search(regex, text)
        assert m, "no /%s/ in the firmware's status:\n%s" % (regex, text)
        out.update(zip(names, map(int, m.groups())))
    return out


@pytest.fixture
def fw():
    with FwVm() as vm:
        c = vm.connect(BOOT_TIMEOUT)
        yield vm, c


@pytest.fixture
def fw_mon():
    """The firmware on a pty console, so the test can read its counters."""
    with FwVm(console=True) as vm:
        c = vm.connect(BOOT_TIMEOUT)
        yield vm, c


def open_session(c):
    return scenarios.wait_session(c, BOOT_TIMEOUT)


def echo_once(c, op, data=b"are you there?", timeout=BOOT_TIMEOUT):
    c.msg(data, op.index, op.session)
    f = c.wait(lambda f: f.type in (proto.EV_MSG, proto.EV_ERROR), timeout, "echo")
    assert f.type == proto.EV_MSG, f.describe()
    assert f.payload == data
    return f


def test_fw_link_up_and_session(fw):
    vm, c = fw
    op = open_session(c)
    assert op.session != 0 and op.index == 0
    st = c.status()
    assert st["phase"] == "READY" and st["hmcs"][0]["session"] == op.session, st
    assert st["violations"] == 0, st


def test_fw_echo_soak_1000(fw):
    vm, c = fw
    n = scenarios.smoke(c, count=1000, role="host", timeout=BOOT_TIMEOUT, out=print)
    assert n == 1000
    st = c.status()
    assert st["violations"] == 0 and st["host_msgs_dropped"] == 0, st


def assert_channel_lost_once(vm, op, code):
    """The firmware's console shows its handling of transport event 0xFF @code:
    the CRQ layer names it, the open session is reported lost, the link goes
    down for that cause, and the channel and a new session come back."""
    log = vm.serial()
    assert "crq: WARN: transport event 0x%02x: partner gone" % code in log
    assert len(re.findall(r"ev=session_lost idx=0 sess=%d\b" % op.session, log)) == 1
    assert len(re.findall(r"ev=link_down cause=transport event", log)) == 1
    assert len(re.findall(r"ev=ready ", log)) == 2
    assert len(re.findall(r"ev=opened idx=0 ", log)) == 2


def wait_close_for_reset(c, op):
    f = c.wait(lambda f: f.type == proto.EV_CLOSE, 10, "CLOSE after the partner failure")
    assert f.session == op.session and f.payload[:1] == b"\x01", f.describe()   # reason: reset


@pytest.mark.parametrize("fmt", [1, 2], ids=["partner-failed", "deregistered"])
def test_fw_partner_failure_and_reinit(fw_mon, fmt):
    """The device fails (RESET, event 0xFF <fmt>) and sends a fresh Init
    200 ms later: the firmware drops the session, answers that Init and
    renegotiates, and opens a new session by itself."""
    vm, c = fw_mon
    op = open_session(c)
    before = fw_counters(vm)
    c.reset(fmt=fmt, reinit_ms=200)
    wait_close_for_reset(c, op)
    op2 = open_session(c)
    assert op2.session != op.session
    echo_once(c, op2, b"after partner failure")
    fwc = fw_counters(vm)
    assert fwc["xport"] - before["xport"] == 1, fwc
    assert fwc["lost"] - before["lost"] == 1, fwc
    assert fwc["partner_inits"] - before["partner_inits"] == 1, "the device's Init was answered"
    assert fwc["handshakes"] - before["handshakes"] == 1 and fwc["opens"] - before["opens"] == 1, fwc
    st = c.status()
    assert st["resets"] == 1 and st["sessions_opened"] == 2 and st["sessions_closed"] == 1, st
    assert st["violations"] == 0, st
    assert_channel_lost_once(vm, op, fmt)


def test_fw_partner_deregistered_event(fw_mon):
    """Only the transport event 0xFF 0x02 (partner deregistered), written into
    the guest's CRQ while the device itself stays up and sends no Init: the
    firmware must handle the event on its own (session lost, link down) and
    recover with its own Init retry, without re-registering its CRQ."""
    vm, c = fw_mon
    op = open_session(c)
    before = fw_counters(vm)
    c.raw_crq(bytes.fromhex("ff02000000000000" "0000000000000000"))
    # the device learns of it only from the firmware's new Init (a teardown: CLOSE reset)
    wait_close_for_reset(c, op)
    op2 = open_session(c)
    assert op2.session != op.session
    echo_once(c, op2, b"after deregistration")
    fwc = fw_counters(vm)
    assert fwc["xport"] - before["xport"] == 1, fwc
    assert fwc["lost"] - before["lost"] == 1, fwc
    assert fwc["partner_inits"] == before["partner_inits"], "no Init came from the device"
    assert fwc["init_retries"] > before["init_retries"], "the firmware's own Init restarted the link"
    assert fwc["reregisters"] == before["reregisters"], fwc
    st = c.status()
    assert st["mp_registers"] == 1 and st["mp_frees"] == 0, st      # the same CRQ registration
    assert st["sessions_opened"] == 2 and st["sessions_closed"] == 1, st
    assert st["violations"] == 0, st
    assert_channel_lost_once(vm, op, 2)


def test_fw_unknown_and_bad_entries_do_not_break_session(fw_mon):
    """An unknown VMC type, a SIGNAL for a buffer the HV does not own and a
    SIGNAL for another session: each is rejected (nothing delivered, nothing
    echoed), logged with its reason and counted; the session carries on."""
    vm, c = fw_mon
    op = open_session(c)
    before = fw_counters(vm)
    other = op.session % 255 + 1                       # a session number that is not open
    for entry in ("8099000000000000" "0000000000000000",
                  "800600%02x%02x000fff" "0000000000000010" % (op.index, op.session),
                  "800600%02x%02x000001" "0000000000000010" % (op.index, other)):
        c.raw_crq(bytes.fromhex(entry))
    time.sleep(0.5)
    echo_once(c, op, b"still fine")     # the first echo: none of the bad SIGNALs was echoed
    after = fw_counters(vm)
    delta = {k: after[k] - before[k] for k in after}
    assert delta["unknown_type"] == 1 and delta["bad_buffer"] == 1 and delta["bad_session"] == 1, delta
    assert delta["rx_errors"] == 2 and delta["dropped"] == 3, delta
    assert delta["app_rx"] == 1 and delta["echoed"] == 1, "only the good message reached the app"
    assert delta["lost"] == 0 and delta["xport"] == 0, delta
    log = vm.serial()
    assert "vmc: WARN: unexpected message type 0x99 dropped" in log
    assert "SIGNAL S%d I%d id 4095 len 16: buffer not HV-owned" % (op.session, op.index) in log
    assert "SIGNAL S%d I%d id 1 len 16: no such session" % (other, op.index) in log
    assert re.search(r"ev=rx_error idx=%d sess=%d error=ERR_PARAM" % (op.index, op.session), log)
    assert re.search(r"ev=rx_error idx=%d sess=%d error=ERR_STATE" % (op.index, op.session), log)
    st = c.status()
    assert st["hmcs"][op.index]["session"] == op.session and st["sessions_closed"] == 0, st
    assert vm.alive()


def test_fw_dropped_open_resp_is_retried():
    with FwVm(console=True) as vm:
        c = vm.connect(BOOT_TIMEOUT)
        c.fault_msg("to-mp", "drop", 0x8082, 1, 1)
        op = open_session(c)            # its OPEN_RESP never reaches the guest
        # the firmware must time the open out and open a new session by itself
        op2 = c.wait_type(proto.EV_OPEN, BOOT_TIMEOUT)
        assert op2.session != op.session
        echo_once(c, op2, b"after a lost OPEN_RESP")
        assert c.status()["faults_fired"] >= 1
        # the timeout is the firmware's own, reported and counted once
        fwc = fw_counters(vm)
        assert fwc["open_timeouts"] == 1, fwc
        assert fwc["opens"] == 2 and fwc["lost"] == 0, fwc
        log = vm.serial()
        assert len(re.findall(r"ev=open_failed idx=0 sess=%d\b" % op.session, log)) == 1
        assert re.search(r"ev=opened idx=0 sess=%d\b" % op2.session, log)


def test_fw_delayed_entries(fw_mon):
    """Every HV->guest entry 300 ms late: slower, but no firmware timeout,
    no lost session, no rejected message."""
    vm, c = fw_mon
    c.fault("delay-hv-crq", 300)
    op = open_session(c)
    t0 = time.monotonic()
    echo_once(c, op, b"slow but fine")
    assert time.monotonic() - t0 >= 0.3, "the SIGNAL to the guest was not delayed"
    c.fault("clear")
    fwc = fw_counters(vm)
    for k in ("cap_timeouts", "open_timeouts", "close_timeouts", "lost", "xport", "rx_errors",
              "dropped", "opens_failed"):
        assert fwc[k] == 0, (k, fwc)
    assert c.status()["violations"] == 0


def test_fw_copy_rdma_failure_then_recovery(fw_mon):
    """The copy of the first message fails (H_PERMISSION): the SIGNAL has
    handed the buffer over, so the firmware reports that message lost once
    (rx_error ERR_RDMA, counted), echoes nothing for it, and the next message
    goes through on the same session."""
    vm, c = fw_mon
    op = open_session(c)
    before = fw_counters(vm)
    c.fault("fail-copy-rdma", 1)
    c.msg(b"first", op.index, op.session)
    c.wait(lambda f: f.type == proto.EV_DELIVERED, 10, "DELIVERED of the first message")
    time.sleep(0.5)
    echo_once(c, op, b"second")         # the first echo is this one: "first" was not echoed
    after = fw_counters(vm)
    assert after["rdma_errors"] - before["rdma_errors"] == 1, after
    assert after["rx_errors"] - before["rx_errors"] == 1, after
    assert after["app_rx"] - before["app_rx"] == 1, "only the second message was delivered"
    assert after["lost"] == before["lost"], "no reset for a failed copy"
    log = vm.serial()
    assert len(re.findall(r"ev=rx_error idx=%d sess=%d error=ERR_RDMA" % (op.index, op.session), log)) == 1
    assert "len 5: H_PERMISSION" in log
    assert not re.search(r'ev=rx idx=\d+ sess=\d+ len=5 text="first"', log)
    st = c.status()
    assert st["rdma_errors"] == 1 and st["faults_fired"] >= 1, st
    assert st["sessions_opened"] == 1 and st["violations"] == 0, st
