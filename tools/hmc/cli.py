# SPDX-License-Identifier: GPL-2.0-or-later
"""Command line of the HMC peer: python3 -m tools.hmc --help"""
import argparse
import sys
import time

from . import proto, scenarios
from .client import CommandError, HmcClient, Timeout, default_socket


def _int(s):
    return int(s, 0)


def build_parser():
    p = argparse.ArgumentParser(
        prog="python3 -m tools.hmc",
        description="HMC peer for the spapr-vmc QEMU device: connects to the device's "
                    "chardev socket (QEMU: -chardev socket,id=hmc0,path=PATH,server=on,wait=off "
                    "-device spapr-vmc,chardev=hmc0).")
    p.add_argument("-s", "--socket", default=default_socket(),
                   help="unix socket path (default $VMC_HMC_SOCKET or ./hmc.sock)")
    p.add_argument("-t", "--timeout", type=float, default=60.0,
                   help="seconds to wait for the socket and for answers (default 60)")
    p.add_argument("-q", "--quiet", action="store_true", help="do not print every event")
    p.add_argument("-i", "--index", type=_int, default=0, help="HMC index (default 0)")
    p.add_argument("--session", type=_int, default=0,
                   help="session byte for MSG (0 = the open session)")
    sub = p.add_subparsers(dest="cmd", required=True)

    sub.add_parser("monitor", help="print events until the link closes (Ctrl-C stops)")
    sp = sub.add_parser("send", help="send one message to the guest")
    sp.add_argument("text", nargs="?", default=None)
    sp.add_argument("--hex", help="message as hex bytes")
    sp.add_argument("--wait-open", action="store_true", help="wait for a session first")
    sp = sub.add_parser("echo", help="echo every guest message back")
    sp.add_argument("--count", type=int, default=None)
    sub.add_parser("status", help="print the device status")
    sub.add_parser("ping", help="check the link")
    sp = sub.add_parser("raw-crq", help="put 16 raw bytes (32 hex digits) on the guest CRQ")
    sp.add_argument("hex")
    sp = sub.add_parser("reset", help="HV-side failure: transport event then optional re-init")
    sp.add_argument("--format", type=_int, default=1, help="0xFF event format: 1, 2 or 6")
    sp.add_argument("--reinit-ms", type=_int, default=None)
    sp = sub.add_parser("fault", help="simple fault: " + ", ".join(proto.FAULTS))
    sp.add_argument("kind", choices=sorted(proto.FAULTS))
    sp.add_argument("arg", type=_int, nargs="?", default=0)
    sp = sub.add_parser("fault-msg", help="drop/delay/duplicate matching CRQ messages")
    sp.add_argument("--dir", choices=sorted(proto.DIRS), required=True)
    sp.add_argument("--action", choices=sorted(proto.ACTIONS), required=True)
    sp.add_argument("--match", type=_int, default=0, help="(header<<8|type), e.g. 0x8082; 0 any")
    sp.add_argument("--nth", type=_int, default=1)
    sp.add_argument("--count", type=_int, default=1)
    sp.add_argument("--delay-ms", type=_int, default=0)
    sp = sub.add_parser("knob", help="force a value: " + ", ".join(proto.KNOBS))
    sp.add_argument("name", choices=sorted(proto.KNOBS))
    sp.add_argument("value", type=_int)
    sp = sub.add_parser("fault-rdma", help="fail H_COPY_RDMA calls with a given rc")
    sp.add_argument("--nth", type=_int, default=1)
    sp.add_argument("--count", type=_int, default=1)
    sp.add_argument("--rc", type=_int, default=-11)
    sp = sub.add_parser("add-buf", help="ADD_BUF one more buffer")
    sp.add_argument("--owner", choices=["mp", "hv"], default="mp")
    sub.add_parser("rem-buf", help="ask the guest to give one buffer back")
    sp = sub.add_parser("scenario", help="run a scripted peer scenario")
    sp.add_argument("name", choices=["smoke", "echo", "greet-echo", "soak-host", "soak-guest"])
    sp.add_argument("--count", type=int, default=1000)
    sp.add_argument("--role", choices=["host", "guest"], default="host",
                    help="smoke: who drives the soak (the other side echoes)")
    add_follow_commands(sub)
    return p


def add_follow_commands(sub):
    """follow-soak / follow-echo: across a migration (tools/hmc/follow.py)."""
    def common(sp):
        sp.add_argument("--next", action="append", default=[], metavar="PATH",
                        help="another socket to try when the link closes (the migration "
                             "destination's); repeatable; -s is tried first")
        sp.add_argument("--reconnect-timeout", type=float, default=60.0,
                        help="seconds to find a socket that gives LINK up and the OPEN "
                             "(default 60)")
    sp = sub.add_parser("follow-soak", help="checksummed soak that follows the partition "
                                            "across a migration; one summary line")
    common(sp)
    sp.add_argument("--standby", action="store_true",
                    help="connect to the --next sockets ahead (a destination waiting with "
                         "-incoming) and switch to the first that announces the session")
    sp.add_argument("--count", type=int, default=1000)
    sp.add_argument("--size", type=int, default=64, help="body bytes (varies by +0..6)")
    sp.add_argument("--window", type=int, default=4, help="messages in flight (default 4)")
    sp.add_argument("--pace-ms", type=float, default=0.0, help="pause between sends")
    sp.add_argument("--answer-timeout", type=float, default=30.0,
                    help="seconds without an answer before the soak counts as stalled")
    sp.add_argument("--drain", type=float, default=1.0,
                    help="seconds to wait at the end for in-doubt answers and duplicates")
    sp.add_argument("--max-lost", type=int, default=None,
                    help="fail when more messages were lost (default: any, each reported)")
    sp = sub.add_parser("follow-echo", help="echo guest messages across a migration")
    common(sp)
    sp.add_argument("--count", type=int, default=None)
    sp.add_argument("--idle", type=float, default=None,
                    help="stop after this many seconds without a message")


def run_follow(a, out):
    """Exit status: 0 every message accounted for (lost ones reported) and
    none duplicated or corrupt, 1 otherwise, 2 no partition to follow."""
    from . import follow

    def log(f):
        if not a.quiet:
            print("<- " + f.describe(), flush=True)

    fl = follow.Follower([a.socket] + a.next, index=a.index,
                         reconnect_timeout=a.reconnect_timeout, log=log, out=out,
                         standby=getattr(a, "standby", False))
    try:
        fl.connect(a.timeout)
    except follow.FollowFailed as e:
        print("hmc: %s" % e, file=sys.stderr)
        return 2
    try:
        if a.cmd == "follow-soak":
            r = follow.follow_soak(fl, a.count, a.size, a.window, a.answer_timeout, a.drain,
                                   pace=a.pace_ms / 1000.0 or None, out=out)
            for line in r.details():
                out(line)
            out(r.line())
            return 0 if r.ok(a.max_lost) else 1
        r = follow.follow_echo(fl, a.count, a.idle, out=out)
        out(r.line())
        return 0 if r.ok() else 1
    finally:
        fl.close()


def main(argv=None):
    args = build_parser().parse_args(argv)
    out = print

    def log(f):
        if not args.quiet:
            print("<- " + f.describe(), flush=True)

    if args.cmd.startswith("follow-"):
        try:
            return run_follow(args, out)
        except KeyboardInterrupt:
            return 130
    try:
        c = HmcClient(args.socket, args.timeout, log=log)
    except OSError as e:
        print("hmc: cannot connect to %s: %s" % (args.socket, e), file=sys.stderr)
        return 2
    try:
        with c:
            return run(c, args, out)
    except CommandError as e:
        print("hmc: refused: " + e.frame.describe(), file=sys.stderr)
        return 1
    except (Timeout, scenarios.ScenarioFailed, proto.ProtocolError) as e:
        print("hmc: %s" % e, file=sys.stderr)
        return 1
    except EOFError as e:
        print("hmc: %s" % e, file=sys.stderr)
        return 0 if args.cmd == "monitor" else 1
    except KeyboardInterrupt:
        return 130


def run(c, a, out):
    t = a.timeout
    if a.cmd == "monitor":
        while True:
            c.poll(3600)
    if a.cmd == "send":
        if a.wait_open:
            scenarios.wait_session(c, t, a.index)
        data = bytes.fromhex(a.hex) if a.hex else (a.text or "").encode()
        c.msg(data, a.index, a.session)
        errs = [f for f in c.poll(0.5) if f.type == proto.EV_ERROR]
        for f in errs:
            out("error: " + f.describe())
        return 1 if errs else 0
    if a.cmd == "echo":
        n = scenarios.echo(c, a.count, out=out)
        out("echoed %d messages" % n)
        return 0
    if a.cmd == "status":
        st = c.status(t)
        for k, v in st.items():
            out("%-18s %s" % (k, v))
        return 0
    if a.cmd == "ping":
        t0 = time.monotonic()
        c.ping(b"ping", t)
        out("pong in %.1f ms" % ((time.monotonic() - t0) * 1000))
        return 0
    if a.cmd == "raw-crq":
        c.raw_crq(bytes.fromhex(a.hex), timeout=t)
        return 0
    if a.cmd == "reset":
        c.reset(a.format, a.reinit_ms, timeout=t)
        return 0
    if a.cmd == "fault":
        c.fault(a.kind, a.arg, timeout=t)
        return 0
    if a.cmd == "fault-msg":
        c.fault_msg(a.dir, a.action, a.match, a.nth, a.count, a.delay_ms, timeout=t)
        return 0
    if a.cmd == "knob":
        c.knob(a.name, a.value, timeout=t)
        return 0
    if a.cmd == "fault-rdma":
        c.fault_rdma(a.nth, a.count, a.rc, timeout=t)
        return 0
    if a.cmd == "add-buf":
        c.add_buf(0 if a.owner == "mp" else 1, a.index, timeout=t)
        return 0
    if a.cmd == "rem-buf":
        c.rem_buf(a.index, timeout=t)
        return 0
    if a.cmd == "scenario":
        if a.name == "smoke":
            scenarios.smoke(c, a.count, a.role, t, out)
        elif a.name == "echo":
            scenarios.wait_session(c, t)
            out("echoed %d" % scenarios.echo(c, None, out=out))
        elif a.name == "greet-echo":
            out("greeted %d, echoed %d" % scenarios.greet_echo(c, None, out=out))
        elif a.name == "soak-host":
            op = scenarios.wait_session(c, t)
            scenarios.soak_host_driven(c, op.index, op.session, a.count, out=out)
        elif a.name == "soak-guest":
            scenarios.wait_session(c, t)
            scenarios.soak_guest_driven(c, a.count)
        return 0
    return 2


