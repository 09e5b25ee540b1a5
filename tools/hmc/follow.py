# SPDX-License-Identifier: GPL-2.0-or-later
"""Follow mode: a soak or an echo that spans a migration (docs/hmc-protocol.md §6.1).

The HMC connection does not migrate (docs/qemu-device.md §2.5): the source's
socket closes when the source QEMU ends, and the destination's device tells
a new connection the link state and every open session. A follower keeps
going across that: on a closed link it connects again to one of the given
sockets (the destination's), waits for LINK up and the OPEN of its index,
and continues on the session it was told.

Every soak message is tracked by its sequence number and checksum
(proto.soak_message) in a Ledger: when the run ends each message sent is
either delivered exactly once or reported lost exactly once; a second answer
is reported as a duplicate, a bad checksum as corrupt, an answer nobody sent
as unexpected. Nothing is dropped silently.
"""
import select
import time

from . import proto
from .client import HmcClient, Timeout


class FollowFailed(Exception):
    """No destination answered within the reconnect timeout."""


class Ledger:
    """What happened to every soak message the peer sent.

    A message sent in one epoch (a connection, or a session on it) and not
    yet answered when that epoch ends is *in doubt*: the migration may have
    carried it to the destination (it was in the device's state) or not (it
    reached the source after the guest stopped). It stays in flight, outside
    the send window, until it is answered or finish() declares it lost.
    """

    def __init__(self):
        self.sent = {}            # seq -> payload
        self.inflight = {}        # seq -> epoch it was sent in
        self.delivered = set()
        self.lost = []
        self.duplicates = []
        self.corrupt = []         # descriptions
        self.unexpected = []      # sequence numbers never sent
        self.finished = False

    def send(self, seq, payload, epoch):
        if seq in self.sent:
            raise ValueError("soak #%d sent twice" % seq)
        self.sent[seq] = bytes(payload)
        self.inflight[seq] = epoch

    def answer(self, payload):
        """Account one answer. Return: "delivered", "duplicate", "corrupt"
        or "unexpected"."""
        try:
            seq = proto.soak_check(payload)
        except ValueError as e:
            self.corrupt.append(str(e))
            return "corrupt"
        if seq not in self.sent:
            self.unexpected.append(seq)
            return "unexpected"
        if self.sent[seq] != bytes(payload):
            self.corrupt.append("soak %d: differs from what was sent" % seq)
            return "corrupt"
        if seq in self.delivered or self.finished:
            self.duplicates.append(seq)
            return "duplicate"
        self.delivered.add(seq)
        del self.inflight[seq]
        return "delivered"

    def in_window(self, epoch):
        """Messages of this epoch still waiting for their answer."""
        return sum(1 for e in self.inflight.values() if e == epoch)

    def in_doubt(self, epoch):
        """Messages of earlier epochs still waiting for their answer."""
        return sum(1 for e in self.inflight.values() if e != epoch)

    def finish(self):
        """Declare every unanswered message lost; return them."""
        self.lost = sorted(self.inflight)
        self.inflight.clear()
        self.finished = True
        return self.lost

    def ok(self, max_lost=None):
        """True when nothing was duplicated, corrupted or unexpected, every
        message is accounted for, and at most max_lost were lost (None: any,
        as long as each is reported)."""
        accounted = len(self.delivered) + len(self.lost) + len(self.inflight)
        return (not self.duplicates and not self.corrupt and not self.unexpected
                and accounted == len(self.sent)
                and (max_lost is None or len(self.lost) <= max_lost))


class Follower:
    """One HMC peer that follows the partition from socket to socket.

    @paths: the sockets to try, in order, on every (re)connection; the
    first connection uses them too. @index: the HMC index to follow (None:
    the first OPEN). @reconnect_timeout: seconds to find a socket that
    answers with LINK up and the OPEN after a break.
    """

    def __init__(self, paths, index=None, reconnect_timeout=60.0, log=None, out=print,
                 standby=False):
        if not paths:
            raise ValueError("follow: no socket to connect to")
        self.paths = list(paths)
        self.index = index
        self.reconnect_timeout = reconnect_timeout
        self.log = log
        self.out = out
        self.c = None
        self.path = None
        self.session = None
        self.epoch = 0
        self.reconnects = 0
        self.session_breaks = 0
        self.refused = 0          # ERROR frames for our MSG commands
        # standby mode: links opened ahead to the other paths (a destination
        # waiting with -incoming), [client, path, link_up]; the first to
        # announce our session becomes the active link (a switch-over)
        self.use_standby = standby
        self.standby = []
        self.retired = []         # former active links, read for late answers
        self.switches = 0

    def close(self):
        """Close every link."""
        for c in [self.c] + [sb[0] for sb in self.standby] + self.retired:
            if c:
                c.close()
        self.c = None
        self.standby, self.retired = [], []

    def preconnect(self):
        """Standby mode: connect now to every other path that accepts. A
        destination's device then has its peer when it starts running, so
        nothing the guest sends there meets an unconnected device (which
        drops it, docs/qemu-device.md §2.5). Return: the standby links."""
        have = {sb[1] for sb in self.standby}
        for p in self.paths:
            if p == self.path or p in have:
                continue
            try:
                self.standby.append([HmcClient(p, connect_timeout=0, log=self.log), p, False])
            except OSError:
                continue
        return len(self.standby)

    def _switch(self, sb, op):
        if self.c is not None and not self.c.closed:
            self.retired.append(self.c)
        self.standby.remove(sb)
        self.c, self.path = sb[0], sb[1]
        self.c.backlog[:] = [f for f in self.c.backlog if f.type != proto.EV_LINK]
        if self.index is None:
            self.index = op.index
        self.session = op.session
        self.epoch += 1
        self.switches += 1
        self.out("follow: switched to %s: index %d session %d" % (self.path, op.index,
                                                                   op.session))

    def next_frame(self, timeout):
        """The next frame that matters to a soak, from any link.

        Return: ("active", frame) for a MSG, ERROR, CLOSE or LINK on the
        active link; ("other", frame) for a MSG on a retired or standby
        link; ("switched", OPEN frame) when a standby link announced LINK
        up and our session and became the active link. Raise EOFError when
        the active link closed, Timeout when nothing came in @timeout."""
        end = time.monotonic() + timeout
        wanted = (proto.EV_MSG, proto.EV_ERROR, proto.EV_CLOSE, proto.EV_LINK)
        while True:
            if self.c is not None:
                while self.c.backlog:
                    f = self.c.backlog.pop(0)
                    if f.type in wanted:
                        return "active", f
            for c in self.retired:
                while c.backlog:
                    f = c.backlog.pop(0)
                    if f.type == proto.EV_MSG:
                        return "other", f
            for sb in list(self.standby):
                while sb[0].backlog:
                    f = sb[0].backlog.pop(0)
                    if f.type == proto.EV_LINK:
                        sb[2] = bool(f.link_up)
                    elif f.type == proto.EV_MSG:
                        return "other", f
                    elif (f.type == proto.EV_OPEN and sb[2] and
                          (self.index is None or f.index == self.index)):
                        self._switch(sb, f)
                        return "switched", f
            links = ([self.c] if self.c is not None else []) + self.retired + \
                [sb[0] for sb in self.standby]
            left = end - time.monotonic()
            if left <= 0 or not links:
                raise Timeout("no frame within %.1f s" % timeout)
            ready, _, _ = select.select([c.sock for c in links], [], [], left)
            for c in links:
                if c.sock not in ready:
                    continue
                try:
                    c._read_some(0)
                except (EOFError, OSError):
                    if c is self.c:
                        raise EOFError("the active link closed")
                    c.close()
                    self.retired = [r for r in self.retired if r is not c]
                    self.standby = [sb for sb in self.standby if sb[0] is not c]

    # how long one socket may take to say LINK up and OPEN before the next
    # is tried: a destination still loading the state says LINK down first
    ATTEMPT_WAIT = 10.0
    # the socket that just closed is tried last and briefly: a source kept
    # alive after the migration (stopped, postmigrate) would still accept
    STALE_WAIT = 1.0

    def _candidates(self, closed):
        """(path, seconds) to try in order; the path that closed goes last."""
        return ([(p, self.ATTEMPT_WAIT) for p in self.paths if p != closed] +
                [(p, self.STALE_WAIT) for p in self.paths if p == closed])

    def _wait_open(self, deadline):
        """On the current connection: LINK up, then our index's OPEN."""
        left = max(0.0, deadline - time.monotonic())
        self.c.wait_link(True, left)
        left = max(0.0, deadline - time.monotonic())
        op = self.c.wait(lambda f: f.type == proto.EV_OPEN and
                         (self.index is None or f.index == self.index), left, "session OPEN")
        # LINK frames queued before the OPEN are history, not news
        self.c.backlog[:] = [f for f in self.c.backlog if f.type != proto.EV_LINK]
        if self.index is None:
            self.index = op.index
        if self.session is not None and op.session != self.session:
            self.out("follow: index %d now on session %d (was %d)" % (
                op.index, op.session, self.session))
        self.session = op.session
        self.epoch += 1
        return op

    def connect(self, timeout=None):
        """(Re)connect: try every path until one gives LINK up and the OPEN,
        within @timeout (default reconnect_timeout). Return the OPEN frame;
        raise FollowFailed when none did."""
        closed = self.path if self.c else None
        self.close()
        total = self.reconnect_timeout if timeout is None else timeout
        deadline = time.monotonic() + total
        why = "no socket accepted"
        while time.monotonic() < deadline:
            progress = False
            for path, wait in self._candidates(closed):
                if time.monotonic() >= deadline:
                    break
                try:
                    self.c = HmcClient(path, connect_timeout=0, log=self.log)
                except OSError as e:
                    why = "%s: %s" % (path, e)
                    continue
                progress = True
                self.path = path
                try:
                    op = self._wait_open(min(deadline, time.monotonic() + wait))
                except (EOFError, Timeout, OSError) as e:
                    why = "%s: %s" % (path, str(e)[:80])
                    self.close()
                    continue
                self.out("follow: connected to %s: index %d session %d" % (
                    path, op.index, op.session))
                return op
            if not progress:
                time.sleep(0.05)
        raise FollowFailed("follow: no partition answered within %.1f s on %s (%s)" % (
            total, ", ".join(self.paths), why))

    def rejoin(self):
        """The active link closed and no standby link took over: count a
        reconnection and reconnect. Return: the OPEN."""
        self.reconnects += 1
        self.out("follow: link to %s closed; reconnecting" % self.path)
        return self.connect()

    def resume_session(self, timeout):
        """LINK down or CLOSE on a live connection: wait for the session again."""
        self.session_breaks += 1
        return self._wait_open(time.monotonic() + timeout)


class SoakResult:
    """What follow_soak() saw; line() is the summary."""

    def __init__(self, ledger, follower, gaps, stalled, error):
        self.ledger = ledger
        self.reconnects = follower.reconnects
        self.switches = follower.switches
        self.session_breaks = follower.session_breaks
        self.refused = follower.refused
        self.gaps = gaps          # seconds: last answer before a break -> first after
        self.stalled = stalled
        self.error = error

    @property
    def sent(self):
        return len(self.ledger.sent)

    @property
    def delivered(self):
        return len(self.ledger.delivered)

    @property
    def lost(self):
        return self.ledger.lost

    @property
    def duplicates(self):
        return self.ledger.duplicates

    def ok(self, max_lost=None):
        return not self.stalled and not self.error and self.ledger.ok(max_lost)

    def line(self):
        led = self.ledger
        gaps = ",".join("%.1f" % (g * 1000) for g in self.gaps) or "-"
        s = ("follow: sent=%d delivered=%d lost=%d duplicates=%d corrupt=%d unexpected=%d "
             "reconnects=%d switches=%d session-breaks=%d refused=%d gap-ms=%s" % (
                 len(led.sent), len(led.delivered), len(led.lost), len(led.duplicates),
                 len(led.corrupt), len(led.unexpected), self.reconnects, self.switches,
                 self.session_breaks,
                 self.refused, gaps))
        if self.stalled:
            s += " STALLED"
        if self.error:
            s += " ERROR"
        return s

    def details(self):
        """Lines naming every lost, duplicated, corrupt or unexpected message."""
        led = self.ledger
        out = []
        if led.lost:
            out.append("follow: lost: " + " ".join("#%d" % s for s in led.lost))
        if led.duplicates:
            out.append("follow: duplicated: " + " ".join("#%d" % s for s in led.duplicates))
        for c in led.corrupt:
            out.append("follow: corrupt: " + c)
        if led.unexpected:
            out.append("follow: unexpected: " + " ".join("#%d" % s for s in led.unexpected))
        if self.error:
            out.append("follow: error: %s" % self.error)
        return out


def follow_soak(fl, count, size=64, window=4, answer_timeout=30.0, drain=1.0, pace=None,
                on_answer=None, stop=None, first_seq=0, out=print):
    """Send @count checksummed soak messages through Follower @fl, at most
    @window unanswered per epoch, the guest echoing each one; follow the
    partition across closed links and broken sessions.

    @answer_timeout: seconds without any answer before the run counts as
    stalled. @drain: seconds to wait at the end for in-doubt messages and
    late duplicates. @pace: seconds between sends (None: as fast as the
    window allows). @on_answer(seq, t): called for every delivery.
    @stop: an Event (or anything with is_set()): once set, nothing new is
    sent and the run ends when what is in flight is answered or lost.
    @first_seq: the first sequence number (a second run on the same
    partition then cannot take an old answer for one of its own).

    Return: a SoakResult; every message is delivered or lost in its ledger.
    """
    led = Ledger()
    gaps = []
    stalled = False
    error = None
    broke_at = None           # time of the last answer before a break
    last_answer = None
    seq = first_seq
    count += first_seq

    def account(f, from_active):
        nonlocal broke_at, last_answer
        what = led.answer(f.payload)
        now = time.monotonic()
        if what != "delivered":
            out("follow: %s answer %r" % (what, f.payload[:24]))
            return
        # the gap ends with the first answer of the link now active
        if broke_at is not None and from_active:
            gaps.append(now - broke_at)
            broke_at = None
        last_answer = now
        if on_answer:
            on_answer(proto.soak_check(f.payload), now)

    def salvage(c):
        """A link that is closing may still hold answers, read or not (a
        send can fail before the last answers were read): take them."""
        end = time.monotonic() + 1.0
        try:
            while time.monotonic() < end and c._read_some(end - time.monotonic()):
                pass
        except (EOFError, OSError):
            pass
        for f in c.backlog:
            if f.type == proto.EV_MSG:
                account(f, False)
        c.backlog.clear()

    try:
        if fl.c is None:
            fl.connect()
        if fl.use_standby:
            fl.preconnect()
        while True:
            try:
                if stop is not None and stop.is_set():
                    count = seq
                while fl.c is not None and seq < count and led.in_window(fl.epoch) < window:
                    m = proto.soak_message(seq, size + (seq % 7))
                    led.send(seq, m, fl.epoch)    # first: a failed send is in doubt too
                    seq += 1
                    fl.c.msg(m, fl.index, fl.session)
                    if pace:
                        time.sleep(pace)
                if fl.c is not None and seq >= count and not led.in_window(fl.epoch):
                    break
                kind, f = fl.next_frame(answer_timeout if fl.c is not None
                                        else fl.reconnect_timeout)
            except (EOFError, BrokenPipeError, ConnectionResetError):
                broke_at = broke_at or last_answer or time.monotonic()
                if fl.c is not None:
                    salvage(fl.c)
                if fl.standby and fl.c is not None:
                    out("follow: link to %s closed; waiting for a standby link" % fl.path)
                    fl.c.close()
                    fl.c = None
                    fl.epoch += 1
                else:
                    fl.rejoin()
                continue
            except Timeout:
                if fl.c is None:
                    fl.rejoin()     # no standby link took over
                    continue
                stalled = True
                out("follow: no answer within %.1f s" % answer_timeout)
                break
            if kind == "switched":
                broke_at = broke_at or last_answer or time.monotonic()
                continue
            if f.type == proto.EV_MSG:
                account(f, kind == "active")
            elif f.type == proto.EV_ERROR:
                if f.cmd == proto.CMD_MSG:
                    fl.refused += 1
                out("follow: device error: " + f.describe())
            elif (f.type == proto.EV_LINK and not f.link_up) or \
                    (f.type == proto.EV_CLOSE and f.index == fl.index):
                broke_at = broke_at or last_answer or time.monotonic()
                out("follow: session broken (%s); waiting for it again" % f.describe())
                try:
                    fl.resume_session(fl.reconnect_timeout)
                except EOFError:
                    salvage(fl.c)
                    fl.rejoin()
        # the in-doubt messages of earlier epochs, and any late duplicate
        start = time.monotonic()
        limit = drain if not led.inflight else max(drain, answer_timeout / 4)
        while True:
            spent = time.monotonic() - start
            if spent >= limit or (not led.inflight and spent >= drain):
                break
            try:
                kind, f = fl.next_frame(0.05)
            except Timeout:
                continue
            except EOFError:
                break
            if kind != "switched" and f.type == proto.EV_MSG:
                account(f, kind == "active")
    except (FollowFailed, proto.ProtocolError, OSError) as e:
        error = e
        out(str(e))
    led.finish()
    return SoakResult(led, fl, gaps, stalled, error)


class EchoResult:
    """What follow_echo() saw: messages echoed, and the guest's soak
    messages (if it sends any) tracked by sequence."""

    def __init__(self):
        self.echoed = 0
        self.plain = 0            # non-soak messages, echoed too
        self.seqs = set()
        self.duplicates = []
        self.corrupt = []
        self.reconnects = 0

    @property
    def missing(self):
        """Guest soak sequence numbers below the highest seen that never came."""
        if not self.seqs:
            return []
        return sorted(set(range(max(self.seqs) + 1)) - self.seqs)

    def ok(self):
        return not self.duplicates and not self.corrupt

    def line(self):
        return ("follow-echo: echoed=%d soak=%d missing=%d duplicates=%d corrupt=%d plain=%d "
                "reconnects=%d" % (self.echoed, len(self.seqs), len(self.missing),
                                   len(self.duplicates), len(self.corrupt), self.plain,
                                   self.reconnects))


def follow_echo(fl, count=None, idle=None, out=print):
    """Echo every guest message back through Follower @fl, following the
    partition across closed links, until @count messages were echoed or no
    message came for @idle seconds (None: until a reconnection fails).
    A guest soak message (proto.soak_message) is checked and tracked by
    sequence: duplicates and corrupt ones are reported, gaps are `missing`.

    Return: an EchoResult.
    """
    r = EchoResult()
    if fl.c is None:
        fl.connect()
    while count is None or r.echoed < count:
        try:
            f = fl.c.wait(lambda f: f.type in (proto.EV_MSG, proto.EV_ERROR),
                          3600.0 if idle is None else idle, "MSG")
        except EOFError:
            try:
                fl.rejoin()
            except FollowFailed as e:
                out(str(e))
                break
            r.reconnects = fl.reconnects
            continue
        except Timeout:
            break
        if f.type == proto.EV_ERROR:
            out("follow-echo: device error: " + f.describe())
            continue
        try:
            seq = proto.soak_check(f.payload)
        except ValueError as e:
            if f.payload.startswith(proto.SOAK_MAGIC):
                r.corrupt.append(str(e))
                continue
            r.plain += 1
        else:
            if seq in r.seqs:
                r.duplicates.append(seq)
            r.seqs.add(seq)
        fl.c.msg(f.payload, f.index, f.session)
        r.echoed += 1
    return r
