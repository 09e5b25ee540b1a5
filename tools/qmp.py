# SPDX-License-Identifier: GPL-2.0-or-later
"""A minimal QMP client on a unix socket (stdlib only), for the migration
tests (tests/qemu/migration_common.py) and `make bench` (tools/bench.py),
and one-command use of the human monitor (hmp())."""
import json
import re
import time

from tools.hmc.unixsock import connect_unix


class Qmp:
    """Connect to QEMU's `-qmp unix:PATH,server=on,wait=off`, negotiate
    capabilities; cmd() runs one command. Events seen meanwhile are kept in
    .events. @alive: a callable, false once QEMU has ended (stops the
    connection retries early)."""

    def __init__(self, path, timeout=30.0, alive=lambda: True):
        s = connect_unix(path, timeout, alive)
        s.settimeout(timeout)
        self.s = s
        self.f = s.makefile("rb")
        self.events = []
        self._read()                            # the greeting
        self.cmd("qmp_capabilities")

    def _read(self):
        line = self.f.readline()
        if not line:
            raise EOFError("QMP closed")
        return json.loads(line)

    def cmd(self, name, **args):
        """Run one command. Return: its "return" value; an "error" answer
        raises QmpError."""
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.s.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self._read()
            if "event" in r:
                self.events.append(r)
                continue
            if "error" in r:
                raise QmpError("QMP %s: %s" % (name, r["error"]))
            return r.get("return")

    def event(self, name, timeout=60.0):
        """Wait for event @name (those already kept first). Return: the host
        time QEMU stamped on it, in seconds; QmpError if none in @timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            msg = self.events.pop(0) if self.events else self._read()
            if msg.get("event") == name:
                ts = msg["timestamp"]
                return ts["seconds"] + ts["microseconds"] / 1e6
        raise QmpError("no %s event in %.0f s" % (name, timeout))

    def hmp(self, line):
        """Return: the output of one human-monitor command."""
        return self.cmd("human-monitor-command", **{"command-line": line})

    def migrate(self, uri, timeout=120.0):
        """Start a migration to @uri and wait for it. Return: query-migrate's
        answer once "completed" (total-time, downtime in ms); QmpError if it
        failed, was cancelled or did not end within @timeout."""
        self.cmd("migrate", uri=uri)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            st = self.cmd("query-migrate")
            if st.get("status") == "completed":
                return st
            if st.get("status") in ("failed", "cancelled"):
                raise QmpError("migration %s: %s" % (st.get("status"), st))
            time.sleep(0.02)
        raise QmpError("migration not completed in %.0f s" % timeout)

    def wait_status(self, status, timeout=120.0):
        """Wait until query-status says @status ("running"; "paused": a
        destination started with -S once its state has loaded); QmpError if
        it does not within @timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.cmd("query-status").get("status") == status:
                return
            time.sleep(0.02)
        raise QmpError("not %s after %.0f s" % (status, timeout))

    def wait_running(self, timeout=120.0):
        """Wait until the guest runs (a destination after its load); QmpError if not."""
        self.wait_status("running", timeout)

    def quit(self):
        """End QEMU; its sockets close."""
        try:
            self.cmd("quit")
        except (EOFError, OSError):
            pass

    def close(self):
        self.s.close()


class QmpError(Exception):
    pass


def hmp(path, cmd, timeout=10.0, alive=lambda: True):
    """Run the human-monitor command @cmd on QEMU's
    `-monitor unix:PATH,server=on,wait=off` socket @path (retried until it
    exists, for @timeout seconds or while @alive()).
    Return: its output up to the next prompt, terminal escapes removed."""
    s = connect_unix(path, timeout, alive)
    try:
        s.settimeout(timeout)
        buf = b""
        while b"(qemu) " not in buf:
            chunk = s.recv(65536)
            if not chunk:
                raise EOFError("the monitor closed before its prompt")
            buf += chunk
        s.sendall(cmd.encode() + b"\n")
        buf = b""
        while b"(qemu) " not in buf:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    finally:
        s.close()
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", buf.decode("latin-1"))
