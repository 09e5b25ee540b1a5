# SPDX-License-Identifier: GPL-2.0-or-later
"""tools/hmc follow mode on the host: the Ledger's accounting and the
Follower against fake devices on unix sockets (a "source" that closes the
link mid-soak, a "destination" that announces LINK and OPEN, optionally
answering what the migration carried). The real device across a real
migration: tests/qemu/test_live_migration.py."""
import os
import socket
import struct
import sys
import tempfile
import threading
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tools.hmc import cli, follow, proto  # noqa: E402


class FakeDevice:
    """A device side on a unix socket, one connection at a time. On connect:
    LINK up, OPEN (index 0, @session), then every payload in @carried as a
    MSG (what a migration brought along). Every CMD_MSG is echoed, except:
    @close_after N: the Nth message is swallowed and the link closed;
    @dup / @corrupt: that soak sequence is echoed twice / with a flipped
    byte; @break_after N: after echoing N messages, LINK down then LINK up
    and a new OPEN on @session + 1 (a partner reset on a live link);
    @swallow: sequence numbers never answered; @hold: an Event, LINK down
    until it is set (a destination loading the state); @mute_after N: from
    the Nth message on nothing is answered (a stopped source) and @on_mute()
    is called once; @close_after_echo S: close right after echoing S."""

    def __init__(self, path, session=1, carried=(), close_after=None, dup=None, corrupt=None,
                 break_after=None, swallow=(), link_down_first=False, hold=None,
                 mute_after=None, on_mute=None, close_after_echo=None):
        self.path = path
        self.session = session
        self.carried = list(carried)
        self.close_after = close_after
        self.dup, self.corrupt, self.break_after = dup, corrupt, break_after
        self.swallow = set(swallow)
        self.link_down_first = link_down_first
        self.hold = hold                # an Event: LINK down until it is set
        self.mute_after, self.on_mute = mute_after, on_mute
        self.close_after_echo = close_after_echo
        self.received = []
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(path)
        self.srv.listen(1)
        self.t = threading.Thread(target=self._serve, daemon=True)
        self.t.start()

    def _frame(self, ftype, payload=b"", index=0, session=None):
        return proto.encode(ftype, payload, index, self.session if session is None else session)

    def _serve(self):
        try:
            conn, _ = self.srv.accept()
        except OSError:
            return
        with conn:
            out = b""
            if self.link_down_first or self.hold:
                out += self._frame(proto.EV_LINK, b"\0")
            if self.hold:
                conn.sendall(out)
                out = b""
                self.hold.wait(10)
            out += self._frame(proto.EV_LINK, b"\1") + self._frame(proto.EV_OPEN, b"hmc\0")
            for m in self.carried:
                out += self._frame(proto.EV_MSG, m)
            conn.sendall(out)
            buf = b""
            echoed = 0
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                buf += data
                while len(buf) >= 8:
                    _m, ftype, idx, ses, n = struct.unpack(">BBBBI", buf[:8])
                    if len(buf) < 8 + n:
                        break
                    payload, buf = buf[8:8 + n], buf[8 + n:]
                    if ftype != proto.CMD_MSG:
                        continue
                    self.received.append(payload)
                    if self.close_after and len(self.received) == self.close_after:
                        conn.shutdown(socket.SHUT_RDWR)
                        return
                    seq = proto.soak_check(payload)
                    if self.mute_after and len(self.received) >= self.mute_after:
                        if len(self.received) == self.mute_after and self.on_mute:
                            self.on_mute()      # a stopped source: takes, never answers
                        continue
                    if seq in self.swallow:
                        continue
                    if seq == self.corrupt:
                        payload = payload[:-1] + bytes([payload[-1] ^ 1])
                    conn.sendall(self._frame(proto.EV_MSG, payload, idx, ses))
                    if seq == self.dup:
                        conn.sendall(self._frame(proto.EV_MSG, payload, idx, ses))
                    echoed += 1
                    if self.close_after_echo is not None and seq == self.close_after_echo:
                        conn.shutdown(socket.SHUT_RDWR)
                        return
                    if self.break_after and echoed == self.break_after:
                        self.break_after = None
                        self.session += 1
                        conn.sendall(self._frame(proto.EV_LINK, b"\0") +
                                     self._frame(proto.EV_LINK, b"\1") +
                                     self._frame(proto.EV_OPEN, b"hmc\0"))

    def close(self):
        self.srv.close()


@pytest.fixture
def tmp():
    d = tempfile.mkdtemp(prefix="hmcfollow-")
    yield d
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    os.rmdir(d)


def quiet(*a):
    pass


def follower(*paths, timeout=5.0):
    return follow.Follower(list(paths), reconnect_timeout=timeout, out=quiet)


# ---------------------------------------------------------------- Ledger
def test_ledger_delivered_once_then_duplicate():
    led = follow.Ledger()
    m = proto.soak_message(0)
    led.send(0, m, 1)
    assert led.answer(m) == "delivered"
    assert led.answer(m) == "duplicate"
    assert led.duplicates == [0] and not led.ok()


def test_ledger_unanswered_is_lost_exactly_once():
    led = follow.Ledger()
    for s in range(3):
        led.send(s, proto.soak_message(s), 1 if s < 2 else 2)
    assert led.in_window(2) == 1 and led.in_doubt(2) == 2
    assert led.answer(proto.soak_message(1)) == "delivered"
    assert led.finish() == [0, 2]
    assert led.ok() and not led.ok(max_lost=1)
    # an answer after the verdict cannot turn a lost message into a delivered one
    assert led.answer(proto.soak_message(0)) == "duplicate" and not led.ok()


def test_ledger_corrupt_and_unexpected():
    led = follow.Ledger()
    m = proto.soak_message(0)
    led.send(0, m, 1)
    assert led.answer(m[:-1] + bytes([m[-1] ^ 0xFF])) == "corrupt"
    assert led.answer(b"hello") == "corrupt"
    assert led.answer(proto.soak_message(7)) == "unexpected"
    assert led.answer(proto.soak_message(0, 65)) == "corrupt"     # same seq, other body
    assert len(led.corrupt) == 3 and led.unexpected == [7] and not led.ok()
    with pytest.raises(ValueError):
        led.send(0, m, 1)


# ------------------------------------------------------------- Follower
def test_soak_without_a_break(tmp):
    dev = FakeDevice(os.path.join(tmp, "a"))
    fl = follower(dev.path)
    r = follow.follow_soak(fl, 40, window=4, drain=0.1, out=quiet)
    fl.close()
    assert r.ok(max_lost=0), r.line()
    assert (r.sent, r.delivered, r.lost, r.reconnects) == (40, 40, [], 0)
    assert r.line().startswith("follow: sent=40 delivered=40 lost=0 duplicates=0 corrupt=0")


@pytest.mark.parametrize("carried", [False, True])
def test_soak_follows_to_the_next_socket(tmp, carried):
    """The source closes after taking message 11 (answering up to 10): 11
    is lost unless the destination brings its answer along."""
    src = FakeDevice(os.path.join(tmp, "src"), close_after=12)
    dst_path = os.path.join(tmp, "dst")
    dst = FakeDevice(dst_path, carried=[proto.soak_message(11, 64 + 11 % 7)] if carried else [],
                     link_down_first=True)
    fl = follower(src.path, dst_path)
    r = follow.follow_soak(fl, 30, window=1, drain=0.2, answer_timeout=3, out=quiet)
    fl.close()
    assert r.reconnects == 1 and len(r.gaps) == 1 and r.gaps[0] >= 0
    assert r.sent == 30
    if carried:
        assert r.lost == [] and r.delivered == 30
    else:
        assert r.lost == [11] and r.delivered == 29
    assert r.ok() and not r.duplicates
    assert len(dst.received) == 30 - 12


def test_soak_window_of_in_doubt_messages(tmp):
    """With a window of 4 the messages in flight at the break stay in doubt
    (outside the new window) and end up lost, each named once."""
    src = FakeDevice(os.path.join(tmp, "src"), close_after=10)
    dst = FakeDevice(os.path.join(tmp, "dst"))
    fl = follower(src.path, dst.path)
    r = follow.follow_soak(fl, 50, window=4, drain=0.2, answer_timeout=3, out=quiet)
    fl.close()
    led = r.ledger
    assert r.sent == 50 and r.delivered + len(r.lost) == 50
    assert 9 in r.lost and 1 <= len(r.lost) <= 4
    assert set(r.lost).isdisjoint(led.delivered)
    assert r.ok(max_lost=4) and not r.ok(max_lost=0)
    details = "\n".join(r.details())
    assert "follow: lost: " + " ".join("#%d" % s for s in r.lost) in details


def test_standby_link_takes_over_before_the_source_closes(tmp):
    """Standby mode: the destination is connected ahead (LINK down while it
    loads); the source stops answering (message 15 on), the destination
    announces the session and carries message 15's answer; the peer
    switches without waiting for the source's socket to close."""
    hold = threading.Event()
    dst = FakeDevice(os.path.join(tmp, "dst"), hold=hold,
                     carried=[proto.soak_message(15, 64 + 15 % 7)])
    src = FakeDevice(os.path.join(tmp, "src"), mute_after=16, on_mute=hold.set)
    fl = follow.Follower([src.path, dst.path], reconnect_timeout=5, out=quiet, standby=True)
    r = follow.follow_soak(fl, 40, window=1, drain=0.2, answer_timeout=3, out=quiet)
    fl.close()
    assert (r.switches, r.reconnects, r.stalled) == (1, 0, False), r.line()
    assert r.delivered == 40 and r.lost == [] and r.ok(max_lost=0), r.line()
    assert len(r.gaps) == 1 and "switches=1" in r.line()
    assert len(dst.received) == 40 - 16


def test_standby_waits_after_the_source_closed(tmp):
    """The source closes before the destination has loaded: the peer waits
    on its standby link (no reconnection) and the in-flight message is lost."""
    hold = threading.Event()
    dst = FakeDevice(os.path.join(tmp, "dst"), hold=hold)
    src = FakeDevice(os.path.join(tmp, "src"), close_after=8)
    fl = follow.Follower([src.path, dst.path], reconnect_timeout=5, out=quiet, standby=True)
    threading.Timer(0.5, hold.set).start()
    r = follow.follow_soak(fl, 20, window=1, drain=0.2, answer_timeout=2, out=quiet)
    fl.close()
    assert (r.switches, r.reconnects) == (1, 0), r.line()
    assert r.lost == [7] and r.delivered == 19 and r.ok(max_lost=1), r.line()


def test_answers_read_after_a_failed_send(tmp, monkeypatch):
    """The source answers #9 and closes while the peer is sending #10: the
    send fails (broken pipe) before #9's answer was taken. That answer is
    still read and counted; only #10 is lost."""
    src = FakeDevice(os.path.join(tmp, "src"), close_after_echo=9)
    dst = FakeDevice(os.path.join(tmp, "dst"))
    real_msg = follow.HmcClient.msg

    def msg(self, data, index=0, session=0):
        if proto.soak_check(data) == 10 and self.path == src.path:
            time.sleep(0.3)             # #9's answer and the close arrive meanwhile
            raise BrokenPipeError(32, "Broken pipe")
        return real_msg(self, data, index, session)

    monkeypatch.setattr(follow.HmcClient, "msg", msg)
    fl = follower(src.path, dst.path)
    r = follow.follow_soak(fl, 20, window=2, drain=0.2, answer_timeout=2, out=quiet)
    fl.close()
    assert r.lost == [10] and 9 in r.ledger.delivered and r.delivered == 19, r.line()
    assert r.reconnects == 1 and r.ok(max_lost=1)


def test_duplicate_and_corrupt_answers_fail_the_run(tmp):
    dev = FakeDevice(os.path.join(tmp, "a"), dup=5, corrupt=9)
    fl = follower(dev.path)
    r = follow.follow_soak(fl, 20, window=2, drain=0.2, answer_timeout=2, out=quiet)
    fl.close()
    assert r.duplicates == [5] and len(r.ledger.corrupt) == 1 and r.lost == [9]
    assert not r.ok()
    assert "duplicates=1 corrupt=1" in r.line()


def test_no_destination_is_an_error_not_a_hang(tmp):
    src = FakeDevice(os.path.join(tmp, "src"), close_after=5)
    fl = follower(src.path, os.path.join(tmp, "nobody"), timeout=0.5)
    r = follow.follow_soak(fl, 20, window=2, drain=0.1, answer_timeout=2, out=quiet)
    assert isinstance(r.error, follow.FollowFailed) and not r.ok()
    assert r.sent in (5, 6) and r.delivered + len(r.lost) == r.sent and 4 in r.lost
    assert r.line().endswith("ERROR")


def test_stall_is_reported(tmp):
    dev = FakeDevice(os.path.join(tmp, "a"), swallow={3})
    fl = follower(dev.path)
    r = follow.follow_soak(fl, 10, window=1, drain=0.1, answer_timeout=0.5, out=quiet)
    fl.close()
    assert r.stalled and not r.ok() and r.lost == [3] and "STALLED" in r.line()


def test_session_break_on_a_live_link(tmp):
    """LINK down, LINK up and a new OPEN on the same connection: the soak
    continues on the new session number."""
    dev = FakeDevice(os.path.join(tmp, "a"), break_after=7)
    fl = follower(dev.path)
    r = follow.follow_soak(fl, 30, window=1, drain=0.1, answer_timeout=3, out=quiet)
    fl.close()
    assert r.ok(max_lost=0), r.line()
    assert r.session_breaks == 1 and r.reconnects == 0 and fl.session == 2


def test_follow_echo_tracks_guest_soak(tmp):
    path = os.path.join(tmp, "a")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    got = []

    def guest():
        conn, _ = srv.accept()
        with conn:
            msgs = [proto.soak_message(s) for s in (0, 1, 1, 3)] + [b"plain"]
            conn.sendall(proto.encode(proto.EV_LINK, b"\1", 0, 0) +
                         proto.encode(proto.EV_OPEN, b"x\0", 0, 1) +
                         b"".join(proto.encode(proto.EV_MSG, m, 0, 1) for m in msgs))
            buf = b""
            while buf.count(b"V\x83") < len(msgs):
                buf += conn.recv(65536)
            got.append(buf)

    t = threading.Thread(target=guest, daemon=True)
    t.start()
    fl = follower(path)
    r = follow.follow_echo(fl, count=5, idle=3, out=quiet)
    fl.close()
    t.join(5)
    srv.close()
    assert r.echoed == 5 and r.plain == 1 and r.duplicates == [1] and r.missing == [2]
    assert not r.ok() and "echoed=5 soak=3 missing=1 duplicates=1" in r.line()
    assert got


def test_cli_follow_soak_across_a_break(tmp, capsys):
    src = FakeDevice(os.path.join(tmp, "src"), close_after=6)
    dst = FakeDevice(os.path.join(tmp, "dst"))
    rc = cli.main(["-q", "-s", src.path, "-t", "3", "follow-soak", "--next", dst.path,
                   "--count", "20", "--window", "1", "--drain", "0.1", "--answer-timeout", "2",
                   "--reconnect-timeout", "3"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "follow: lost: #5" in out
    assert "follow: sent=20 delivered=19 lost=1 duplicates=0 corrupt=0 unexpected=0 " \
           "reconnects=1" in out
    src2 = FakeDevice(os.path.join(tmp, "src2"), close_after=6)
    dst2 = FakeDevice(os.path.join(tmp, "dst2"))
    rc = cli.main(["-q", "-s", src2.path, "-t", "3", "follow-soak", "--next", dst2.path,
                   "--count", "20", "--window", "1", "--drain", "0.1", "--answer-timeout", "2",
                   "--max-lost", "0"])
    assert rc == 1


def test_cli_standby(tmp, capsys):
    hold = threading.Event()
    dst = FakeDevice(os.path.join(tmp, "dst"), hold=hold)
    src = FakeDevice(os.path.join(tmp, "src"), mute_after=6, on_mute=hold.set)
    rc = cli.main(["-q", "-s", src.path, "-t", "3", "follow-soak", "--next", dst.path,
                   "--standby", "--count", "20", "--window", "1", "--drain", "0.1",
                   "--answer-timeout", "2"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "follow: lost: #5" in out and "reconnects=0 switches=1" in out


def test_cli_no_partition(tmp, capsys):
    rc = cli.main(["-q", "-s", os.path.join(tmp, "none"), "-t", "0.3", "follow-soak"])
    assert rc == 2
    assert "no partition answered" in capsys.readouterr().err
