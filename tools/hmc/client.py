# SPDX-License-Identifier: GPL-2.0-or-later
"""A blocking client for the spapr-vmc HMC peer socket."""
import os
import select
import struct
import time

from . import proto
from .unixsock import connect_unix
from .proto import Frame, ProtocolError  # noqa: F401 (re-exported)


class Timeout(Exception):
    pass


class CommandError(Exception):
    def __init__(self, frame):
        self.frame = frame
        super().__init__(frame.describe())


class HmcClient:
    """Connect to the device's chardev socket; send commands, read events.

    Events that a wait did not ask for are kept (in order) for later waits;
    `log` (a callable) sees every frame received.
    """

    def __init__(self, path, connect_timeout=30.0, log=None):
        self.path = path
        self.log = log
        self.parser = proto.Parser()
        self.backlog = []
        self.closed = False
        s = connect_unix(path, connect_timeout)
        self.sock = s

    def close(self):
        if not self.closed:
            self.closed = True
            self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    # ------------------------------------------------------------ output
    def send_raw(self, data):
        self.sock.sendall(bytes(data))

    def send(self, ftype, payload=b"", index=0, session=0):
        self.send_raw(proto.encode(ftype, payload, index, session))

    # ------------------------------------------------------------- input
    def _received(self, data):
        """Hook: every chunk of bytes as it arrives (a recorder keeps them)."""

    def _keep(self, frame):
        """Hook: whether a parsed frame goes to the backlog."""
        return True

    def _read_some(self, timeout):
        r, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if not r:
            return False
        data = self.sock.recv(65536)
        if not data:
            self.closed = True
            raise EOFError("device closed the HMC link")
        self._received(data)
        for f in self.parser.feed(data):
            if self.log:
                self.log(f)
            if self._keep(f):
                self.backlog.append(f)
        return True

    def poll(self, timeout=0.0, closed_ok=False):
        """Read whatever arrives within `timeout`; return and clear the backlog.
        A closed link raises EOFError, or with closed_ok just ends the wait
        (the frames parsed before the close are still returned)."""
        end = time.monotonic() + timeout
        try:
            while self._read_some(end - time.monotonic()):
                if time.monotonic() >= end:
                    break
        except EOFError:
            if not closed_ok:
                raise
        out, self.backlog = self.backlog, []
        return out

    def wait(self, pred, timeout=10.0, what="frame"):
        """Return (and remove) the first frame for which pred(frame) is true."""
        end = time.monotonic() + timeout
        while True:
            for i, f in enumerate(self.backlog):
                if pred(f):
                    del self.backlog[i]
                    return f
            left = end - time.monotonic()
            if left <= 0:
                raise Timeout("no %s within %.1f s (backlog: %r)" % (what, timeout,
                                                                   self.backlog[-8:]))
            self._read_some(left)

    def wait_type(self, ftype, timeout=10.0, index=None):
        return self.wait(lambda f: f.type == ftype and (index is None or f.index == index),
                         timeout, proto.NAMES.get(ftype, hex(ftype)))

    def wait_link(self, up=True, timeout=60.0):
        return self.wait(lambda f: f.type == proto.EV_LINK and f.link_up == up, timeout,
                         "LINK %s" % ("up" if up else "down"))

    def command(self, ftype, payload=b"", index=0, session=0, timeout=10.0, check=True):
        """Send a command that is answered by ACK or ERROR; return that frame."""
        self.send(ftype, payload, index, session)
        f = self.wait(lambda f: f.type in (proto.EV_ACK, proto.EV_ERROR) and f.cmd == ftype,
                      timeout, "ACK/ERROR for %s" % proto.NAMES.get(ftype))
        if check and f.type == proto.EV_ERROR:
            raise CommandError(f)
        return f

    # ------------------------------------------------------ the commands
    def msg(self, data, index=0, session=0):
        """Queue a message for the guest (errors arrive asynchronously as ERROR)."""
        self.send(proto.CMD_MSG, data, index, session)

    def status(self, timeout=10.0):
        self.send(proto.CMD_STATUS)
        return self.wait_type(proto.EV_STATUS, timeout).status()

    def ping(self, data=b"ping", timeout=10.0):
        self.send(proto.CMD_PING, data)
        f = self.wait_type(proto.EV_PONG, timeout)
        return f.payload

    def raw_crq(self, entry, **kw):
        entry = bytes(entry)
        if len(entry) != 16:
            raise ValueError("a CRQ entry is 16 bytes")
        return self.command(proto.CMD_RAW_CRQ, entry, **kw)

    def reset(self, fmt=1, reinit_ms=None, **kw):
        p = bytes([fmt]) + (struct.pack(">I", reinit_ms) if reinit_ms is not None else b"")
        return self.command(proto.CMD_RESET, p, **kw)

    def fault(self, kind, arg=0, **kw):
        k = proto.FAULTS[kind] if isinstance(kind, str) else kind
        return self.command(proto.CMD_FAULT, struct.pack(">BI", k, arg & 0xFFFFFFFF), **kw)

    def fault_msg(self, direction, action, match=0, nth=1, count=1, delay_ms=0, **kw):
        d = proto.DIRS[direction] if isinstance(direction, str) else direction
        a = proto.ACTIONS[action] if isinstance(action, str) else action
        p = struct.pack(">BBHIII", d, a, match, nth, count, delay_ms)
        return self.command(proto.CMD_FAULT_MSG, p, **kw)

    def knob(self, knob, value, **kw):
        k = proto.KNOBS[knob] if isinstance(knob, str) else knob
        return self.command(proto.CMD_KNOB, struct.pack(">Bi", k, value), **kw)

    def fault_rdma(self, nth=1, count=1, rc=-11, **kw):
        return self.command(proto.CMD_FAULT_RDMA, struct.pack(">IIi", nth, count, rc), **kw)

    def add_buf(self, owner=0, index=0, **kw):
        return self.command(proto.CMD_ADD_BUF, bytes([owner]), index=index, **kw)

    def rem_buf(self, index=0, **kw):
        return self.command(proto.CMD_REM_BUF, b"", index=index, **kw)


def default_socket():
    return os.environ.get("VMC_HMC_SOCKET", "hmc.sock")
