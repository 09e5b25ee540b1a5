# SPDX-License-Identifier: GPL-2.0-or-later
"""spapr-vmc across a live migration, savevm/loadvm and a migration in the
middle of the handshake or of an open, with the real image (echo mode) or
the unmodified Linux guest, the patched QEMU driven over QMP, and a real HMC
peer in follow mode (tools/hmc/follow.py): every checksummed soak message
is delivered exactly once or reported lost, never duplicated or corrupted.

The destination QEMU is started with `-incoming unix:<socket>`; the source
gets QMP `migrate` to that socket while the soak runs (the peer sends, the
guest echoes: both directions carry checksummed data, window 4), then is
ended with QMP `quit`. The peer is connected to the destination's socket
ahead (follow mode's standby) and switches when the destination tells it
LINK up and OPEN; one test has it reconnect only after the source's socket
closed instead.
docs/qemu-device.md §2.5 says what travels; docs/bring-up.md §9 how to run it.
"""
import contextlib
import re
import subprocess
import threading
import time

import pexpect
import pytest

import qemu_cmd  # tools/, put on the path by conftest.py
from migration_common import T, MigVm, migrate, wait_running
from test_vmc_device_common import proto, sanitizer_qemu
from tools.hmc import follow

# messages in flight at once: more than one, so the migration cuts a window
WINDOW = 4


def end_source(src):
    """QMP quit: the source ends and its HMC socket closes."""
    src.q.quit()
    src.p.expect(pexpect.EOF, timeout=30)


class SoakThread(threading.Thread):
    """follow_soak() in the background; .delivered counts answers so far."""

    def __init__(self, fl, **kw):
        super().__init__(daemon=True)
        self.fl, self.kw = fl, kw
        self.stop = threading.Event()
        self.delivered = 0
        self.last = None
        self.result = None
        self.exc = None
        self.log = []

    def _answer(self, seq, t):
        self.delivered += 1
        self.last = t

    def run(self):
        try:
            self.result = follow.follow_soak(self.fl, 10 ** 6, window=WINDOW, answer_timeout=30,
                                             on_answer=self._answer, stop=self.stop,
                                             out=self.log.append, **self.kw)
        except Exception as e:      # reported by finish()
            self.exc = e

    def wait_delivered(self, n, timeout=T):
        end = time.monotonic() + timeout
        while self.delivered < n:
            assert time.monotonic() < end, "soak: %d of %d delivered in %d s; %s" % (
                self.delivered, n, timeout, self.log[-5:])
            assert self.is_alive(), "soak ended early: %s %s" % (self.exc, self.log[-5:])
            time.sleep(0.02)

    def finish(self, timeout=T):
        self.stop.set()
        self.join(timeout)
        assert not self.is_alive(), "soak did not end"
        assert self.exc is None, self.exc
        r = self.result
        print("\n".join(self.log + r.details() + [r.line()]))
        return r


def assert_accounted(r, reconnects=0, switches=1):
    """Every message delivered once or reported lost once; the link was
    followed; at most one window lost."""
    assert not r.error and not r.stalled, r.line()
    assert r.duplicates == [] and r.ledger.corrupt == [] and r.ledger.unexpected == [], r.line()
    assert r.delivered + len(r.lost) == r.sent, r.line()
    assert set(r.lost).isdisjoint(r.ledger.delivered)
    assert (r.reconnects, r.switches) == (reconnects, switches), r.line()
    # only what reached the source after it stopped can be lost: one window at most
    assert len(r.lost) <= WINDOW, r.line()


def live_migration(tmp_path, endian, fw, mode, before=40, after=40, extra_src=(),
                   soak_kw=None, standby=True):
    """Boot, soak, migrate live mid-soak, end the source, soak on; return
    (SoakResult, source console, destination console, query-migrate, the
    destination device's STATUS).
    @standby: the peer is connected to the destination ahead and switches
    when it announces the session; else it reconnects once the source's
    socket closes."""
    mig = "unix:" + str(tmp_path / "mig.sock")
    with MigVm(endian, fw, "echo " + mode, extra=extra_src) as src, \
            MigVm(endian, fw, "echo " + mode, incoming=mig) as dst:
        fl = follow.Follower([src.sock, dst.sock], reconnect_timeout=T, out=print,
                             standby=standby)
        fl.connect(T)
        soak = SoakThread(fl, **(soak_kw or {}))
        soak.start()
        soak.wait_delivered(before)
        st = migrate(src, mig)
        src_log = src.serial()
        end_source(src)
        wait_running(dst)
        at = soak.delivered
        soak.wait_delivered(at + after)
        r = soak.finish()
        dev = fl.c.status(T)          # the destination's device
        fl.close()
        return r, src_log, dst.serial(), st, dev


@pytest.mark.parametrize("mode", ["poll", "irq"])
@pytest.mark.parametrize("fw", ["slof", "vof"])
@pytest.mark.parametrize("endian", ["big", "little"])
def test_live_migration_with_soak_in_flight(tmp_path, endian, fw, mode):
    r, src_log, dst_log, st, dev = live_migration(tmp_path, endian, fw, mode)
    assert_accounted(r)
    assert len(r.gaps) == 1
    print("migration: total %s ms, downtime %s ms (QEMU); peer gap %.1f ms" % (
        st.get("total-time"), st.get("downtime"), r.gaps[0] * 1000))
    # the firmware saw no break: no link-down, no second handshake
    assert "ev=link_down" not in src_log + dst_log
    assert len(re.findall(r"ev=ready", src_log + dst_log)) == 1
    # the console goes on where it stopped: every message delivered was
    # received by the guest once, on one side or the other; lost ones (they
    # reached the source after it stopped) never
    rx = len(re.findall(r"ev=rx idx=0", src_log + dst_log))
    assert rx == r.delivered, (rx, r.line())
    assert re.search(r"ev=rx idx=0", dst_log), "the destination's guest runs the session"
    assert dev["no_peer_msgs"] == 0, dev


def test_live_migration_peer_reconnects_after_close(tmp_path):
    """Without standby the peer reconnects once the source's socket has
    closed. The destination runs from the end of the migration, and what its
    guest sends before the peer is back is dropped by the device (no peer,
    docs/qemu-device.md §2.5) and counted (STATUS no_peer_msgs): the peer
    reports those answers lost, and the books balance exactly: messages the
    guest received = answers delivered + guest messages dropped for want of
    a peer."""
    r, src_log, dst_log, _, dev = live_migration(tmp_path, "big", "vof", "poll",
                                                 standby=False)
    assert_accounted(r, reconnects=1, switches=0)
    rx = len(re.findall(r"ev=rx idx=0", src_log + dst_log))
    print("guest received %d, peer got %d answers, device dropped %d for no peer" % (
        rx, r.delivered, dev["no_peer_msgs"]))
    assert rx == r.delivered + dev["no_peer_msgs"], (rx, dev["no_peer_msgs"], r.line())


def test_live_migration_on_sanitizer_qemu(tmp_path, monkeypatch):
    """The same live migration in the ASan+UBSan build (make test builds
    it): a sanitizer report ends QEMU and fails. SLOF: QEMU 7.2's vof.c
    trips UBSan (docs/security.md)."""
    monkeypatch.setenv("VMC_QEMU", sanitizer_qemu())
    monkeypatch.setenv("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1")
    monkeypatch.setenv("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    r, src_log, dst_log, _, dev = live_migration(tmp_path, "big", "slof", "irq", before=20,
                                                 after=20)
    assert_accounted(r)
    assert len(re.findall(r"ev=rx idx=0", src_log + dst_log)) == r.delivered, r.line()
    assert dev["no_peer_msgs"] == 0, dev


# --------------------------------------------------------- savevm / loadvm
@pytest.mark.parametrize("mode", ["poll", "irq"])
@pytest.mark.parametrize("endian", ["big", "little"])
def test_savevm_loadvm_mid_session(tmp_path, endian, mode):
    """savevm on a qcow2 disk with a session open, traffic, then loadvm:
    the partition goes back to the snapshot, the peer (same connection) is
    told LINK and OPEN again, the session carries on, nothing is duplicated."""
    disk = str(tmp_path / "disk.qcow2")
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "16M"], check=True)
    drive = ["-drive", "if=none,id=d0,format=qcow2,file=" + disk]
    with MigVm(endian, "vof", "echo " + mode, extra=drive) as vm:
        fl = follow.Follower([vm.sock], reconnect_timeout=T, out=print)
        op = fl.connect(T)
        r1 = follow.follow_soak(fl, 30, window=WINDOW, drain=0.2, first_seq=0, out=print)
        assert r1.ok(max_lost=0), r1.line()
        out = vm.q.hmp("savevm mid")
        assert "Error" not in out, out
        assert "mid" in vm.q.hmp("info snapshots")
        r2 = follow.follow_soak(fl, 30, window=WINDOW, drain=0.2, first_seq=1000, out=print)
        assert r2.ok(max_lost=0), r2.line()
        mark = len(vm.serial())
        out = vm.q.hmp("loadvm mid")
        assert "Error" not in out, out
        # loadvm resets the machine, then loads: the same connection sees
        # the reset end the session, then is retold the link and the session
        seen = []
        while not seen or seen[-1].type != proto.EV_OPEN:
            seen.append(fl.c.wait(lambda f: f.type in (proto.EV_CLOSE, proto.EV_LINK,
                                                       proto.EV_OPEN), T, "OPEN after loadvm"))
        print("after loadvm: " + "; ".join(f.describe() for f in seen))
        assert (seen[-1].index, seen[-1].session) == (op.index, op.session)
        assert seen[-2].type == proto.EV_LINK and seen[-2].link_up
        r3 = follow.follow_soak(fl, 30, window=WINDOW, drain=0.5, first_seq=2000, out=print)
        print(r3.line())
        assert r3.ok(max_lost=0) and r3.delivered == 30, r3.line()
        # answers of the first two runs must not come again after the load
        late = [f for f in fl.c.poll(0.5) if f.type == proto.EV_MSG]
        assert not late, late
        fl.close()
        log = vm.serial()[mark:]
        assert "ev=link_down" not in log
        assert len(re.findall(r"ev=rx idx=0", log)) == 30


# ------------------------------------------- migration inside a handshake
@pytest.mark.parametrize("phase,match,marker", [
    pytest.param("handshake", 0x8081, r"VMC t=\d+ ev=start", id="handshake"),  # CAP_RESP held
    pytest.param("open", 0x8082, r"VMC t=\d+ ev=open-sent", id="open"),        # OPEN_RESP held
])
@pytest.mark.parametrize("endian,fw,mode", [
    ("big", "slof", "poll"), ("big", "slof", "irq"), ("big", "vof", "poll"),
    ("big", "vof", "irq"), ("little", "vof", "poll"),
])
def test_migration_during(tmp_path, endian, fw, mode, phase, match, marker):
    """The device holds back the answer the firmware waits for (a FAULT_MSG
    delay, set while QEMU is paused with -S so it is in place before the
    image starts); the migration starts when the console shows the firmware
    waiting for it. The answer, part of the device's state, arrives on the
    destination: one handshake, one open, then a soak. The delay and the
    markers do not depend on the firmware or on the mode, so the cut works
    alike on SLOF and VOF, in poll and irq mode; big-endian runs the four, and
    little-endian VOF poll stands for the other byte order."""
    mig = "unix:" + str(tmp_path / "mig.sock")
    with MigVm(endian, fw, "echo " + mode, paused=True) as src, \
            MigVm(endian, fw, "echo " + mode, incoming=mig) as dst:
        c = src.connect(T)
        c.fault_msg("to-mp", "delay", match=match, nth=1, count=1, delay_ms=700, timeout=T)
        src.q.cmd("cont")
        src.wait_console(marker)
        migrate(src, mig)
        src_log = src.serial()
        c.close()
        src.hmc = None
        end_source(src)
        wait_running(dst)
        dst.wait_console(r"ev=opened idx=0")
        fl = follow.Follower([dst.sock], reconnect_timeout=T, out=print)
        fl.connect(T)
        r = follow.follow_soak(fl, 40, window=WINDOW, drain=0.2, out=print)
        fl.close()
        assert r.ok(max_lost=0) and r.delivered == 40, r.line()
        dst_log = dst.serial()
        print("source:\n" + src_log[-1500:] + "\ndestination:\n" + dst_log[-1500:])
        # the migration did cut the exchange: the answer came on the destination
        done = r"ev=ready" if phase == "handshake" else r"ev=opened"
        assert not re.search(done, src_log), "the source finished the %s first" % phase
        assert len(re.findall(done, dst_log)) == 1
        assert "ev=link_down" not in src_log + dst_log
        assert "ev=open_failed" not in src_log + dst_log


# -------------------------------------------------------- the Linux guest
@pytest.fixture(scope="module")
def linux():
    """(vmlinux, initramfs): `make linux` (part of `make test`) builds them."""
    try:
        return qemu_cmd.linux_guest()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


@contextlib.contextmanager
def linux_live_migration(tmp_path, linux, name="mig.sock", extra=(), before=30, after=30):
    """The Linux guest (vmctest=serve: it echoes) as source and destination
    with the follow-mode soak in flight: @before answers, a live migration,
    the source ended, @after more answers, every message accounted for.
    Yields: (the destination, the Follower on it, the SoakResult)."""
    mig = "unix:" + str(tmp_path / name)
    append = "console=hvc0 vmctest=serve"
    with MigVm(fw="vof", append=append, guest=linux, extra=extra) as src, \
            MigVm(fw="vof", append=append, guest=linux, incoming=mig, extra=extra) as dst:
        fl = follow.Follower([src.sock, dst.sock], reconnect_timeout=T, out=print,
                             standby=True)
        try:
            fl.connect(T)
            src.wait_console(r"vmctest: serving echoes")
            soak = SoakThread(fl)
            soak.start()
            soak.wait_delivered(before)
            migrate(src, mig)
            end_source(src)
            wait_running(dst)
            try:
                soak.wait_delivered(soak.delivered + after)
            except AssertionError as e:
                raise AssertionError("%s\n%s" % (e, dst.serial()[-1500:])) from None
            r = soak.finish()
            assert_accounted(r)
            yield dst, fl, r
        finally:
            fl.close()


def test_linux_guest_across_live_migration(tmp_path, linux):
    """Linux's own ibmvmc driver (vmctest=serve: the guest echoes) through a
    transparent live migration with the soak in flight: the driver sees no
    reset, its echo works after, and it ends with PASS on the destination."""
    with linux_live_migration(tmp_path, linux) as (dst, fl, r):
        fl.c.msg(b"vmctest-serve-done", fl.index, fl.session)
        m = dst.wait_console(r"vmctest: (PASS|FAIL.*)", T)
        log = dst.serial()
        print(log[-3000:])
        assert m.group(1) == "PASS", m.group(1)
        served = int(re.search(r"vmctest: served (\d+) echoes", log).group(1))
        # the driver echoed every delivered message once (lost ones never reached it)
        assert served == r.delivered, (served, r.line())
        for bad in ("Oops", "BUG:", "WARNING: CPU", "Call Trace", "Kernel panic"):
            assert bad not in log, bad


# Live migrations in a row per interrupt-controller mode: before patch 0003
# raised the CPU's interrupt line again after a load, about one in five or
# six of them hung the Linux guest (XICS and XIVE alike), so a single run
# would let that pass four times in five.
REPEATS = 6


@pytest.mark.parametrize("ic", ["xics", "xive"])
def test_linux_guest_across_repeated_migrations(ic, tmp_path, linux):
    """The unmodified Linux guest (vmctest=serve) through REPEATS fresh live
    migrations with ic-mode=@ic, each with the soak in flight: every one
    ends with the echo working on the destination and every message
    accounted for. An interrupt presented on the source and not taken
    before it stopped must reach the guest on the destination."""
    for i in range(REPEATS):
        try:
            with linux_live_migration(tmp_path, linux, "mig%d.sock" % i,
                                      extra=["-M", "ic-mode=" + ic], before=20, after=20):
                pass
        except AssertionError as e:
            raise AssertionError("migration %d of %d (ic-mode=%s): %s" % (
                i + 1, REPEATS, ic, e)) from None


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "Linux 6.1's ibmvmc (drivers/misc/ibmvmc.c) treats every 0xFF transport event alike "
    "('CRQ recv: virtual adapter failed - resetting'): it resets to its initial state and "
    "waits for the partner's Init, without calling H_ENABLE_CRQ or sending an Init of its "
    "own; the device, like PowerVM, sends no Init after the event, so the driver never "
    "becomes READY again and the serving session is gone"))
def test_linux_guest_across_live_migration_with_suspend_event(tmp_path, linux):
    """The unmodified Linux driver (vmctest=serve) through a real live
    migration to a destination with suspend-event=on: the destination posts
    the partner-suspended event when the state has loaded. Checked as real
    failures: the echoes before the migration, the event posted once, the
    driver's reaction logged. The expected failure: the driver would have to
    call H_ENABLE_CRQ and open a session again (test_suspend_event.py's
    test_linux_driver_after_suspend_event meets the same event after a stop
    and continue)."""
    mig = "unix:" + str(tmp_path / "mig.sock")
    append = "console=hvc0 vmctest=serve"
    with MigVm(fw="vof", append=append, guest=linux) as src, \
            MigVm(fw="vof", append=append, guest=linux, incoming=mig,
                   device_opts="suspend-event=on") as dst:
        fl = follow.Follower([src.sock], reconnect_timeout=T, out=print)
        fl.connect(T)
        src.wait_console(r"vmctest: serving echoes")
        r = follow.follow_soak(fl, 30, window=WINDOW, drain=0.2, out=print)
        if not (r.ok(max_lost=0) and r.delivered == 30):
            pytest.fail("no echoes before the migration: " + r.line(), pytrace=False)
        fl.close()
        migrate(src, mig)
        end_source(src)
        wait_running(dst)
        c = dst.connect(T)
        try:
            dst.wait_console(r"virtual adapter failed", T)
        except AssertionError as e:
            pytest.fail("the driver logged no adapter failure: %s" % e, pytrace=False)
        # what the driver does next: give it the time it takes to re-enable
        # the CRQ and for vmctest to report
        m = None
        try:
            m = dst.wait_console(r"vmctest: (PASS|FAIL.*)", 10)
        except AssertionError:
            pass
        time.sleep(1.0)
        st = c.status(T)
        log = dst.serial()
        print(log[-3000:])
        print("device after the event: suspend_events=%d suspend_refused=%d mp_enables=%d "
              "suspended=%s; vmctest: %s" % (st["suspend_events"], st["suspend_refused"],
                                             st["mp_enables"], st["suspended"],
                                             m.group(1) if m else "no verdict in 10 s"))
        if st["suspend_events"] != 1:
            pytest.fail("the device posted no partner-suspended event: %s" % st, pytrace=False)
        for bad in ("Oops", "BUG:", "WARNING: CPU", "Call Trace", "Kernel panic"):
            if bad in log:
                pytest.fail("kernel log: " + bad, pytrace=False)
        assert st["mp_enables"] >= 1 and not st["suspended"], st
        # a recovered driver would open a session the peer can follow again
        fl = follow.Follower([dst.sock], reconnect_timeout=10, out=print)
        try:
            fl.connect(10)
        finally:
            fl.close()
