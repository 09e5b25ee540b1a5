# SPDX-License-Identifier: GPL-2.0-or-later
"""spapr-vmc's partner-suspended event (properties suspend-event and
suspend-on-resume, docs/qemu-device.md): after a migration loads, or after a
stop and continue, the device posts the transport event 0xFF 0x06 and answers
H_SEND_CRQ with H_CLOSED until the guest calls H_ENABLE_CRQ, as PowerVM does
after partition mobility. The real image recovers (re-enable, Init,
capabilities, the session re-opened) and a checksummed soak from the real
HMC peer resumes; `migrate` mode is driven from here; Linux's own driver
meets the same event."""
import os
import re
import threading
import time

import pexpect
import pytest

from migration_common import T, MigVm, migrate_to_file, wait_running
from test_linux_ibmvmc import LinuxVm, guest  # noqa: F401 (guest: the Linux fixture)
from test_vmc_device_common import proto
from tools.hmc import scenarios
from tools.hmc.client import Timeout

SOAK = 50
MATRIX = [(e, f, m) for e in ("big", "little") for f in ("slof", "vof") for m in ("poll", "irq")]


def session_after_recovery(c, timeout=T):
    """The session the firmware re-opened after the event; the old
    session's CLOSE and LINK frames are history for the soak."""
    op = scenarios.wait_session(c, timeout)
    c.backlog[:] = [f for f in c.backlog if f.type not in (proto.EV_CLOSE, proto.EV_LINK)]
    return op


def assert_recovered(log, status, events=1):
    """One suspension seen and answered by the firmware, step by step
    (docs/console.md "What vmcfw does after a partner-suspended event")."""
    assert status["suspend_events"] == events, status
    assert status["mp_enables"] == events, status
    assert not status["suspended"], status
    assert status["violations"] == 0, status
    assert len(re.findall(r"ev=link_down cause=partner suspended", log)) == events, log[-3000:]
    assert len(re.findall(r"VMC t=\d+ ev=resumed", log)) == events, log[-3000:]
    rec = re.findall(r"VMC t=\d+ ev=recovered idx=0 sess=\d+ us=(\d+)", log)
    assert len(rec) == events, log[-3000:]
    # the steps in order: event, re-enabled, capabilities, session open again
    tail = log[log.rindex("cause=partner suspended"):]
    print("\n".join(l for l in log.splitlines() if re.search(
        r"suspend|resumed|ev=ready|opened|recovered|send_failed|session_lost|ENABLE", l)))
    steps = [tail.index(s) for s in ("ev=resumed", "ev=ready", "ev=opened", "ev=recovered")]
    assert steps == sorted(steps), tail[:2000]
    return int(rec[-1])


@pytest.mark.parametrize("endian,fw,mode", MATRIX)
def test_recovers_after_migration(tmp_path, endian, fw, mode):
    state = str(tmp_path / "state")
    opts = "suspend-event=on"
    with MigVm(endian, fw, "echo " + mode, device_opts=opts) as src:
        c = src.connect(T)
        op = scenarios.wait_session(c, T)
        assert scenarios.soak_host_driven(c, op.index, op.session, count=SOAK, out=print) == SOAK
        migrate_to_file(src, state)
        assert os.path.getsize(state) > 0
        c.close()
        src.hmc = None
    with MigVm(endian, fw, "echo " + mode, incoming="exec:cat " + state, device_opts=opts) as dst:
        c = dst.connect(T)
        wait_running(dst)
        op2 = session_after_recovery(c)
        assert op2.index == op.index
        assert scenarios.soak_host_driven(c, op2.index, op2.session, count=SOAK,
                                          out=print) == SOAK
        us = assert_recovered(dst.serial(), c.status())
        print("suspend event to session re-opened: %d us" % us)


def test_without_the_property_nothing_changes(tmp_path):
    """suspend-event is opt-in: the default device migrates transparently."""
    state = str(tmp_path / "state")
    with MigVm("big", "vof", "echo poll") as src:
        c = src.connect(T)
        op = scenarios.wait_session(c, T)
        migrate_to_file(src, state)
        c.close()
        src.hmc = None
    with MigVm("big", "vof", "echo poll", incoming="exec:cat " + state) as dst:
        c = dst.connect(T)
        wait_running(dst)
        op2 = scenarios.wait_session(c, T)
        assert (op2.index, op2.session) == (op.index, op.session)
        assert scenarios.soak_host_driven(c, op.index, op.session, count=SOAK, out=print) == SOAK
        st = c.status()
        assert st["suspend_events"] == 0 and st["suspend_refused"] == 0, st
        assert "partner suspended" not in dst.serial()


@pytest.mark.parametrize("endian,fw,mode", [("big", "slof", "irq"), ("little", "vof", "poll")])
def test_recovers_after_stop_and_cont(endian, fw, mode):
    with MigVm(endian, fw, "echo " + mode, device_opts="suspend-on-resume=on") as vm:
        c = vm.connect(T)
        op = scenarios.wait_session(c, T)
        assert scenarios.soak_host_driven(c, op.index, op.session, count=SOAK, out=print) == SOAK
        vm.monitor("stop")
        time.sleep(0.2)
        vm.monitor("cont")
        c.wait(lambda f: f.type == proto.EV_LINK and not f.link_up, T, "LINK down")
        op2 = session_after_recovery(c)
        assert scenarios.soak_host_driven(c, op2.index, op2.session, count=SOAK,
                                          out=print) == SOAK
        assert_recovered(vm.serial(), c.status())


class Echoer(threading.Thread):
    """The HMC side of `migrate` mode: echo every message until stopped."""

    def __init__(self, c):
        super().__init__(daemon=True)
        self.c, self.n, self.halt, self.error = c, 0, threading.Event(), None

    def run(self):
        try:
            while not self.halt.is_set():
                try:
                    f = self.c.wait(lambda f: f.type == proto.EV_MSG, 0.2, "MSG")
                except Timeout:
                    continue
                self.c.msg(f.payload, f.index, f.session)
                self.n += 1
                # only MSG frames matter here: keep the backlog short
                self.c.backlog[:] = [f for f in self.c.backlog if f.type == proto.EV_MSG]
        except EOFError:
            pass                    # the partition ended (power-off after EXIT)
        except Exception as e:      # reported by stop(), never lost with the thread
            self.error = e

    def stop(self):
        self.halt.set()
        self.join(10)
        assert self.error is None, "the echoing peer stopped: %r" % self.error


@pytest.mark.parametrize("endian,fw,mode,opts", [
    ("big", "vof", "irq", "suspend-event=on"),
    ("little", "slof", "poll", "suspend-event=on"),
    ("big", "slof", "poll", ""),
])
def test_migrate_mode(tmp_path, endian, fw, mode, opts):
    """`migrate` mode: the image prints its marker and keeps the channel busy;
    the test migrates it, types a key on the destination, and the image's TAP
    says the channel recovered (with the event) or carried on (without)."""
    state = str(tmp_path / "state")
    # paused until the peer is in: the image sends first, and what it sends
    # while no peer is connected is dropped (no_peer_msgs), never answered
    with MigVm(endian, fw, "migrate quiet " + mode, device_opts=opts, console=True,
               paused=True) as src:
        c = src.connect(T)
        echo = Echoer(c)
        echo.start()
        src.q.cmd("cont")
        src.p.expect(r"MIGRATE: migrate now, then press a key", timeout=T)
        time.sleep(0.3)     # a few busy round trips before the migration
        migrate_to_file(src, state)
        echo.stop()
        assert echo.n > 0, "no message to echo on the source: " + src.p.before[-3000:]
        c.close()
        src.hmc = None
    with MigVm(endian, fw, "migrate quiet " + mode, incoming="exec:cat " + state,
               device_opts=opts, console=True, paused=True) as dst:
        c = dst.connect(T)
        echo = Echoer(c)
        echo.start()
        dst.q.wait_status("paused", T)      # loaded, stopped by -S
        dst.q.cmd("cont")
        wait_running(dst)
        dst.p.send("m")
        dst.p.expect(r"EXIT: STATUS=(\d+)", timeout=T)
        out = dst.p.before + dst.p.after
        echo.stop()
        print("\n".join(l for l in out.splitlines() if re.match(r"(not )?ok |# smoke|MIGRATE", l)))
        assert dst.p.match.group(1) == "0", out[-3000:]
        assert re.search(r"ok 4 - migrate: key received", out), out[-3000:]
        if opts:
            assert re.search(r"ok 5 - vmc-recovery: 1 partner-suspended event\(s\), "
                             r"recovered in \d+ us", out), out[-3000:]
        else:
            assert re.search(r"ok 5 - vmc-recovery: no partner-suspended event", out), out[-3000:]
        assert re.search(r"ok 6 - vmc-messages-after: 16 messages", out), out[-3000:]
        assert "# smoke: 7 passed, 0 failed, 0 skipped" in out
        dst.p.expect(pexpect.EOF, timeout=T)


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "Linux 6.1's ibmvmc (drivers/misc/ibmvmc.c) treats every 0xFF transport event alike "
    "('CRQ recv: virtual adapter failed - resetting'): it resets to its initial state and "
    "waits for the partner's Init, without calling H_ENABLE_CRQ or sending an Init of its "
    "own (the device refused 0 sends); the device, like PowerVM, sends no Init after the "
    "event, so the driver stays in state 1, never READY"))
def test_linux_driver_after_suspend_event(guest):
    """The unmodified Linux driver meets the partner-suspended event (here
    after a stop and continue, suspend-on-resume=on) mid-session: its session
    ends (checked, a real failure if not), then it would have to re-enable the
    CRQ to become READY again (the expected failure)."""
    seen = {}
    with LinuxVm(guest, "reset", device_opts="suspend-on-resume=on") as vm:
        vm.connect(T)

        def suspend(c):
            vm.monitor("stop")
            vm.monitor("cont")

        def device_status(c):
            time.sleep(1.0)
            seen.update(c.status())

        verdict = vm.drive({"vmctest: waiting for a partner reset": suspend,
                            "(after reset)": device_status})
    if "session 1 ended by the reset (EBADFD)" not in vm.console:
        pytest.fail("the event did not end the Linux session: %s" % verdict)
    if seen.get("suspend_events") != 1:
        pytest.fail("the device posted no partner-suspended event: %s" % seen)
    print("device after the event: suspend_events=%d suspend_refused=%d mp_enables=%d "
          "suspended=%s" % (seen["suspend_events"], seen["suspend_refused"],
                            seen["mp_enables"], seen["suspended"]))
    assert verdict == "PASS", verdict
