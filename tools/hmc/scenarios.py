# SPDX-License-Identifier: GPL-2.0-or-later
"""Scripted peer scenarios (docs/hmc-protocol.md, "Peer scenarios")."""
import time

from . import proto
from .client import Timeout


class ScenarioFailed(Exception):
    pass


def wait_session(c, timeout=120.0, index=None):
    """Wait for LINK up then OPEN; return the OPEN frame."""
    c.wait_link(True, timeout)
    op = c.wait(lambda f: f.type == proto.EV_OPEN and (index is None or f.index == index),
                timeout, "session OPEN")
    # LINK frames still queued predate this session (e.g. the "down" sent when
    # the peer connected before the guest was up): history, not news.
    c.backlog[:] = [f for f in c.backlog if f.type != proto.EV_LINK]
    return op


def echo(c, count=None, timeout=None, out=print):
    """Echo every guest message back on the same index/session."""
    n = 0
    end = None if timeout is None else time.monotonic() + timeout
    while count is None or n < count:
        left = 3600.0 if end is None else end - time.monotonic()
        if left <= 0:
            break
        try:
            f = c.wait(lambda f: f.type in (proto.EV_MSG, proto.EV_ERROR), left, "MSG")
        except Timeout:
            break
        if f.type == proto.EV_ERROR:
            out("echo: device error: " + f.describe())
            continue
        c.msg(f.payload, f.index, f.session)
        n += 1
    return n


def answer_greet_echo(c, f):
    """The greet-echo peer's answer to one frame: greet an OPEN with
    "hmc-hello <index>" on that session, echo a MSG back unchanged. Returns
    "greet", "echo" or None (nothing to answer)."""
    if f.type == proto.EV_OPEN:
        c.msg(b"hmc-hello %d" % f.index, f.index, f.session)
        return "greet"
    if f.type == proto.EV_MSG:
        c.msg(f.payload, f.index, f.session)
        return "echo"
    return None


def greet_echo(c, timeout=None, out=print):
    """Greet every session the guest opens with "hmc-hello <index>" and echo
    every guest message back, until TIMEOUT seconds pass or the link closes.

    The greeting proves the HMC-to-partition direction on its own (a guest
    reads it before it sends anything); the echo proves both directions with
    the guest's own data. Returns (sessions greeted, messages echoed)."""
    greeted = echoed = 0
    end = None if timeout is None else time.monotonic() + timeout
    while True:
        left = 3600.0 if end is None else end - time.monotonic()
        if left <= 0:
            break
        try:
            f = c.wait(lambda f: f.type in (proto.EV_OPEN, proto.EV_MSG, proto.EV_ERROR),
                       left, "OPEN or MSG")
        except Timeout:
            break
        what = answer_greet_echo(c, f)
        if what == "greet":
            greeted += 1
            out("greet: session %d on index %d" % (f.session, f.index))
        elif what == "echo":
            echoed += 1
        else:
            out("greet-echo: device error: " + f.describe())
    return greeted, echoed


def soak_host_driven(c, index, session, count=1000, size=64, window=4, timeout=30.0,
                     out=print):
    """Send `count` checksummed messages; the guest must echo each one back.

    Up to `window` messages are in flight. Returns the number verified.
    """
    sent = verified = 0
    inflight = {}
    while verified < count:
        while sent < count and len(inflight) < window:
            m = proto.soak_message(sent, size + (sent % 7))
            inflight[sent] = m
            c.msg(m, index, session)
            sent += 1
        f = c.wait(lambda f: f.type in (proto.EV_MSG, proto.EV_ERROR, proto.EV_CLOSE,
                                        proto.EV_LINK), timeout, "soak echo")
        if f.type == proto.EV_ERROR:
            raise ScenarioFailed("soak: device refused a message: " + f.describe())
        if f.type in (proto.EV_CLOSE, proto.EV_LINK):
            raise ScenarioFailed("soak: session went away: " + f.describe())
        try:
            seq = proto.soak_check(f.payload)
        except ValueError as e:
            raise ScenarioFailed("soak: bad echo: %s" % e)
        if seq not in inflight or inflight[seq] != f.payload:
            raise ScenarioFailed("soak: unexpected echo of #%d" % seq)
        del inflight[seq]
        verified += 1
        if verified % 200 == 0:
            out("soak: %d/%d verified" % (verified, count))
    return verified


def soak_guest_driven(c, count=1000, timeout=30.0, out=print):
    """The guest sends checksummed messages; verify each and echo it back."""
    verified = 0
    while verified < count:
        f = c.wait(lambda f: f.type in (proto.EV_MSG, proto.EV_CLOSE), timeout, "soak message")
        if f.type == proto.EV_CLOSE:
            raise ScenarioFailed("soak: session closed after %d" % verified)
        try:
            proto.soak_check(f.payload)
        except ValueError as e:
            raise ScenarioFailed("soak: %s" % e)
        c.msg(f.payload, f.index, f.session)
        verified += 1
    return verified


def smoke(c, count=1000, role="host", timeout=120.0, out=print):
    """LINK up + OPEN, one greeting each way, then a `count`-message echo soak."""
    t0 = time.monotonic()
    op = wait_session(c, timeout)
    out("smoke: link up, session %d open on index %d (hmc id %r) after %.2f s" % (
        op.session, op.index, op.payload.rstrip(b"\0"), time.monotonic() - t0))
    if role == "host":
        c.msg(b"HMC:HELLO", op.index, op.session)
        f = c.wait(lambda f: f.type in (proto.EV_MSG, proto.EV_ERROR), timeout, "reply")
        if f.type == proto.EV_ERROR:
            raise ScenarioFailed("smoke: " + f.describe())
        out("smoke: guest said %r" % f.payload[:64])
        n = soak_host_driven(c, op.index, op.session, count, out=out)
    else:
        n = soak_guest_driven(c, count)
    st = c.status()
    out("smoke: %d messages verified in %.2f s; status %s" % (n, time.monotonic() - t0, st))
    return n
