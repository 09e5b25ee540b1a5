#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fuzz seeds from real end-to-end runs (make fuzz-corpus-e2e).

  tools/trace2corpus.py record  [--out build/traces] [--only NAME ...]
  tools/trace2corpus.py convert [--out tests/host/hv/corpus-e2e] TRACE ...
  tools/trace2corpus.py dump    TRACE
  tools/trace2corpus.py list

`record` boots the real image (build/vmcfw.elf, build/le/vmcfw.elf) in the
patched QEMU with `-device spapr-vmc,trace-crq=on` and drives the scenarios of
tests/qemu/test_e2e.py and test_vmc_device*.py with the real HMC peer
(tools/hmc): handshake, H_REQUEST_VMC, open/close, messages both ways,
monitor commands, CRQ re-registration, partner failure, deregistration,
resets with messages in flight, two HMCs, 16 KiB messages, faults, buffer
commands, a hostile peer; and the Linux guest (tools/linux-guest: Linux's own
ibmvmc driver, plans echo, reset and two HMCs). With trace-crq=on the device reports every input
its engine takes, in order: CRQ frames (every entry, both ways) and CALL
frames (H_COPY_RDMA, H_REQUEST_VMC, CRQ register/free, host frames); see
docs/hmc-protocol.md. Each scenario gives two files:

  NAME.trace  "VMCTRACE1 " + one line of JSON (device properties, image,
              boot arguments) + the raw device->peer byte stream
  NAME.peer   the raw peer->device byte stream

`convert` turns each trace into one input for each libFuzzer target, in the
exact byte format the target reads (tests/host/hv/fuzz_input.h):

  fuzz_hv/            tests/host/hv/fuzz_hv.c: the same calls replayed on the
                      engine: every guest CRQ entry verbatim (op 0), every
                      H_COPY_RDMA (op 3; pane-0 addresses folded into the
                      fake's 256 KiB pane, pane-1 addresses as (index,
                      buffer, offset)), H_REQUEST_VMC, register/free, the host
                      frames as engine calls, and for the entries the device
                      sent: a kick (time jumps to the next deadline) and the
                      MP taking them off its queue without answering (the
                      trace holds the guest's answers)
  fuzz_hv_lifecycle/  tests/host/hv/fuzz_hv_lifecycle.c: the same story told
                      to its correct-MP model (open, send, close, host
                      message, consume, HV reset, MP re-registration, ...)
  fuzz_mp_hv/         tests/host/fuzz_mp_hv.c: the MP-engine API calls the
                      guest made (open, send, close) and the host's
  fuzz_hmc_frame/     hv/qemu/fuzz_hmc_frame.c: the peer's byte stream

Inputs are cut at an operation boundary to the length the fuzz runs use
(-max_len), so every seed is replayed whole. Debian python3 only.
"""
import argparse
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, REPO)
import qemu_cmd  # noqa: E402
from tools.hmc import proto, scenarios  # noqa: E402
from tools.hmc.client import HmcClient  # noqa: E402

MAGIC = b"VMCTRACE1 "
REG = 0x71000002                 # = FAKE_LOCAL_LIOBN of tests/host/hv/fake_env.h
T = 60.0

# The recordings use session-mp-bufs=3,session-hv-bufs=5 (the device default
# is 4/4): fuzz_hv's configuration bytes can express these exactly.
BASE_DEV = {"max_hmcs": 1, "pool_size": 16, "max_mtu": 4096, "mp_bufs": 3, "hv_bufs": 5,
            "strict": False, "init_on_register": False}

# Input lengths the fuzz runs use (FUZZ_ARGS_* -max_len in tests/host/hv/suite.mk;
# libFuzzer's default 4096).
MAX_LEN = {"fuzz_hv": 4096, "fuzz_hv_lifecycle": 2048, "fuzz_mp_hv": 4096,
           "fuzz_hmc_frame": 4096}


# ------------------------------------------------------------------ record
class RecordingClient(HmcClient):
    """HmcClient that keeps both byte streams; trace frames skip the backlog."""

    def __init__(self, path, trace, peer):
        self.trace, self.peer = trace, peer
        super().__init__(path, T)

    def send_raw(self, data):
        self.peer.write(bytes(data))
        super().send_raw(data)

    def _received(self, data):
        self.trace.write(data)

    def _keep(self, frame):
        return frame.type not in (proto.EV_CRQ, proto.EV_CALL)

    def drain(self, seconds):
        """Keep reading (so the trace is complete) for `seconds`."""
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                self._read_some(end - time.monotonic())
        except EOFError:
            pass


class Run:
    """One QEMU with the image, the device (trace-crq=on) and a recording peer."""

    def __init__(self, out, name, append, dev=None, endian="big", fw="vof", console=False,
                 linux=None):
        self.dev = dict(BASE_DEV, **(dev or {}))
        qemu = qemu_cmd.patched_qemu()
        if not qemu:
            raise SystemExit("trace2corpus: the patched QEMU is not built: run `make qemu`")
        # linux = (vmlinux, initramfs): the Linux guest of tools/linux-guest instead of the image
        image = linux[0] if linux else qemu_cmd.image_path(endian)
        if not os.path.isfile(image):
            raise SystemExit("trace2corpus: %s missing: run `make images`" % image)
        self.tmp = tempfile.mkdtemp(prefix="vmctrace-")
        sock = os.path.join(self.tmp, "hmc.sock")
        d = self.dev
        devopt = ("spapr-vmc,chardev=hmc0,reg=0x%x,trace-crq=on,max-hmcs=%d,pool-size=%d,"
                  "max-mtu=%d,session-mp-bufs=%d,session-hv-bufs=%d,strict=%s,"
                  "init-on-register=%s" % (REG, d["max_hmcs"], d["pool_size"], d["max_mtu"],
                                           d["mp_bufs"], d["hv_bufs"],
                                           "on" if d["strict"] else "off",
                                           "on" if d["init_on_register"] else "off"))
        self.serial_path = os.path.join(self.tmp, "serial.log")
        argv = qemu_cmd.qemu_args(image, fw, append, qemu=qemu,
                                  serial="stdio" if console else "file:" + self.serial_path,
                                  extra=["-chardev", "socket,id=hmc0,path=%s,server=on,wait=on"
                                         % sock, "-device", devopt]
                                  + (["-initrd", linux[1]] if linux else []))
        header = {"scenario": name, "device": d, "reg": REG, "remote_liobn": 0x7F000000 | (REG & 0xFFFFFF),
                  "image": "linux-guest" if linux else os.path.relpath(image, REPO),
                  "append": append, "fw": fw}
        self.trace = open(os.path.join(out, name + ".trace"), "wb")
        self.trace.write(MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n")
        self.peer = open(os.path.join(out, name + ".peer"), "wb")
        if console:
            import pexpect
            self.p = pexpect.spawn(argv[0], argv[1:], encoding="latin-1", timeout=T,
                                   logfile=open(os.path.join(self.tmp, "console.log"), "w"))
            self.q = None
        else:
            self.p = None
            self.q = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
        for _ in range(400):
            if os.path.exists(sock):
                break
            time.sleep(0.025)
        self.c = RecordingClient(sock, self.trace, self.peer)

    def serial(self):
        with open(self.serial_path, errors="replace") as f:
            return f.read()

    def close(self, drain=0.3):
        self.c.drain(drain)
        self.c.close()
        if self.p is not None:
            self.p.terminate(force=True)
        if self.q is not None:
            self.q.send_signal(signal.SIGTERM)
            try:
                self.q.wait(10)
            except subprocess.TimeoutExpired:
                self.q.kill()
                self.q.wait()
        self.trace.close()
        self.peer.close()


def echo_once(c, op, data):
    c.msg(data, op.index, op.session)
    f = c.wait(lambda f: f.type in (proto.EV_MSG, proto.EV_ERROR), T, "echo")
    if f.type != proto.EV_MSG or f.payload != data:
        raise RuntimeError("echo failed: " + f.describe())


def echo_eventually(c, op, data):
    """Send until one comes back (after an injected failure a message may be lost)."""
    end = time.monotonic() + T
    while time.monotonic() < end:
        c.msg(data, op.index, op.session)
        try:
            f = c.wait(lambda f: f.type == proto.EV_MSG and f.payload == data, 5, "echo")
            return f
        except Exception:
            continue
    raise RuntimeError("no echo of %r" % data)


def forget_old_session(c):
    """The CLOSE and LINK frames of a reset are history once the session is back."""
    c.backlog[:] = [f for f in c.backlog if f.type not in (proto.EV_CLOSE, proto.EV_LINK)]


def soak(c, op, n, size=40):
    scenarios.soak_host_driven(c, op.index, op.session, count=n, size=size, timeout=T,
                               out=lambda s: None)


def sc_handshake(r):
    scenarios.wait_session(r.c, T)
    r.c.status()


def sc_echo(r):
    op = scenarios.wait_session(r.c, T)
    soak(r.c, op, 12)
    r.c.status()


def sc_smoke(r):
    """make smoke's path: the image's own checks against an echoing peer."""
    try:
        scenarios.echo(r.c, timeout=60, out=lambda s: None)
    except EOFError:
        pass


def sc_monitor(r):
    """test_monitor_vmc_commands: send, sendhex, echo, close, open, reset (re-register)."""
    c, p = r.c, r.p
    op = scenarios.wait_session(c, T)
    p.expect(r"ev=opened idx=0")
    p.sendline("send 0 plain text")
    c.wait_type(proto.EV_MSG, T)
    p.sendline("sendhex 0 00ff7f")
    c.wait_type(proto.EV_MSG, T)
    c.msg(b"from the hmc", op.index, op.session)
    p.expect(r"ev=rx idx=0")
    p.sendline("requestvmc")
    p.expect(r"requestvmc: DRC index|error: requestvmc")
    p.sendline("echo on")
    p.expect_exact("echo on")
    echo_once(c, op, b"bounce")
    p.sendline("close 0")
    p.expect(r"ev=closed idx=0")
    c.wait_type(proto.EV_CLOSE, T)
    p.sendline("open again")
    p.expect(r"ev=opened idx=0")
    op2 = c.wait_type(proto.EV_OPEN, T)
    echo_once(c, op2, b"after reopen")
    p.sendline("reset")
    p.expect(r"ev=ready mtu=")
    op3 = c.wait_type(proto.EV_OPEN, T)
    forget_old_session(c)
    echo_once(c, op3, b"after the reset")
    p.sendline("poweroff")
    p.expect("EXIT: STATUS=")


def sc_partner_failure(r):
    """test_partner_failure_between_soaks_recovers, short."""
    c = r.c
    op = scenarios.wait_session(c, T)
    soak(c, op, 6)
    c.reset(fmt=1, reinit_ms=100)
    op2 = c.wait_type(proto.EV_OPEN, T)
    forget_old_session(c)
    soak(c, op2, 6)


def sc_reset_mid_soak(r):
    """test_partner_reset_mid_soak_every_loss_reported, short."""
    c = r.c
    op = scenarios.wait_session(c, T)
    soak(c, op, 4)
    for seq in range(1000, 1008):
        c.msg(proto.soak_message(seq, 40), op.index, op.session)
    c.reset(fmt=1, reinit_ms=200)
    op2 = c.wait(lambda f: f.type == proto.EV_OPEN, T, "re-open")
    c.backlog[:] = [f for f in c.backlog if f.type not in (proto.EV_MSG, proto.EV_ERROR)]
    forget_old_session(c)
    soak(c, op2, 4)


def sc_deregistered(r):
    """test_fw_partner_deregistered_event."""
    c = r.c
    scenarios.wait_session(c, T)
    c.raw_crq(bytes.fromhex("ff02000000000000" "0000000000000000"))
    c.reset(fmt=2, reinit_ms=200)
    op2 = c.wait_type(proto.EV_OPEN, T)
    echo_once(c, op2, b"after deregistration")


def sc_two_hmcs(r):
    """test_two_hmcs_at_once."""
    c, p = r.c, r.p
    op0 = scenarios.wait_session(c, T, index=0)
    p.expect_exact("vmcfw> ")
    p.sendline("open second-hmc")
    op1 = c.wait(lambda f: f.type == proto.EV_OPEN and f.index == 1, T, "OPEN on index 1")
    for op, data in ((op0, b"to hmc zero"), (op1, b"to hmc one")):
        c.msg(data, op.index, op.session)
    for _ in range(2):
        c.wait_type(proto.EV_MSG, T)
    p.sendline("send 1 hello from the firmware")
    c.wait(lambda f: f.type == proto.EV_MSG and f.index == 1, T, "firmware message")
    p.sendline("close 1")
    c.wait_type(proto.EV_CLOSE, T)


def sc_large(r):
    """16 KiB MTU: the largest messages both ways (the image echoes)."""
    c = r.c
    op = scenarios.wait_session(c, T)
    for n in (16384, 4097, 8192, 1):
        echo_once(c, op, bytes((i * 13 + n) & 0xFF for i in range(n)))


def sc_lost_open_resp(r):
    """test_fw_dropped_open_resp_is_retried."""
    c = r.c
    c.fault_msg("to-mp", "drop", 0x8082, 1, 1)
    scenarios.wait_session(c, T)
    op2 = c.wait_type(proto.EV_OPEN, T)
    echo_once(c, op2, b"after a lost OPEN_RESP")


def sc_faults(r):
    """test_fw_delayed_entries, test_fw_unknown_and_bad_entries..., copy failure."""
    c = r.c
    c.fault("delay-hv-crq", 30)
    op = scenarios.wait_session(c, T)
    echo_once(c, op, b"slow but fine")
    c.fault("clear")
    for entry in ("8099000000000000" "0000000000000000",
                  "8006000001000fff" "0000000000000010",
                  "80060000fe000001" "0000000000000010"):
        c.raw_crq(bytes.fromhex(entry))
    echo_once(c, op, b"still fine")
    c.fault("fail-copy-rdma", 1)
    c.msg(b"first", op.index, op.session)
    echo_eventually(c, op, b"second")
    c.fault_rdma(nth=2, count=1, rc=-4)
    c.msg(b"third", op.index, op.session)
    echo_eventually(c, op, b"fourth")
    c.fault("clear")
    echo_once(c, op, b"fifth")


def sc_buffers(r):
    """Host ADD_BUF (both owners) and REM_BUF, then messages."""
    c = r.c
    op = scenarios.wait_session(c, T)
    c.add_buf(owner=0)
    c.add_buf(owner=1)
    c.rem_buf()
    c.wait_type(proto.EV_REM_BUF, T)
    c.rem_buf()
    c.wait_type(proto.EV_REM_BUF, T)
    soak(c, op, 6)
    c.status()


def sc_hostile_peer(r):
    """test_vmc_device's malformed frames: garbage, bad lengths, unknown types,
    wrong payload sizes, a truncated frame completed later, then normal work."""
    c = r.c
    op = scenarios.wait_session(c, T)
    c.send_raw(b"garbage\x00\xff")
    c.send_raw(struct.pack(">BBBBI", 0x56, 0x83, 0, 0, 0x7FFFFFFF))
    c.send(0x7F, b"x")                       # an event type sent to the device
    c.send(0xEE, b"")                        # unknown command
    c.send(proto.CMD_RAW_CRQ, b"short")      # wrong size
    c.send(proto.CMD_FAULT, b"\x09\x00\x00\x00\x01")   # unknown fault kind
    c.send(proto.CMD_MSG, b"x", index=3)     # bad index
    c.send(proto.CMD_MSG, b"x", session=0x77)  # wrong session
    frame = proto.encode(proto.CMD_MSG, b"split in two", op.index, op.session)
    c.send_raw(frame[:5])
    time.sleep(0.1)
    c.send_raw(frame[5:])
    c.wait_type(proto.EV_MSG, T)
    c.send(proto.CMD_PING, b"p" * 64)
    c.wait_type(proto.EV_PONG, T)
    for i in range(20):                      # a burst
        c.msg(b"burst %d" % i, op.index, op.session)
    for i in range(20):
        c.wait(lambda f: f.type in (proto.EV_MSG, proto.EV_ERROR), T, "burst echo")


def sc_linux(r):
    """tests/qemu/test_linux_ibmvmc.py: Linux's own ibmvmc driver; the peer
    greets every session and echoes every message, and triggers the partner
    reset the `reset` plan waits for."""
    c, reset_done = r.c, False
    end = time.monotonic() + T
    while time.monotonic() < end:
        for f in c.poll(0.02, closed_ok=True):
            scenarios.answer_greet_echo(c, f)
        console = r.serial()
        if not reset_done and "vmctest: waiting for a partner reset" in console:
            c.reset(1, 200)
            reset_done = True
        if "vmctest: FAIL" in console:
            raise RuntimeError(console[console.index("vmctest: FAIL"):].splitlines()[0])
        if "vmctest: PASS" in console:
            return
        if c.closed:
            raise RuntimeError("the link closed before the Linux guest's verdict")
    raise RuntimeError("the Linux guest gave no verdict in %.0f s" % T)


# The Linux guest's plans (tools/linux-guest/vmctest.c): name, plan, device
# overrides, extra kernel arguments.
LINUX_SCENARIOS = [
    ("linux-echo", "echo", {}, ""),
    ("linux-reset", "reset", {}, ""),
    ("linux-two-hmcs", "two", {"max_hmcs": 2}, "ibmvmc.max_hmcs=2"),
]


def linux_guest():
    try:
        return qemu_cmd.linux_guest()
    except RuntimeError as e:
        raise SystemExit("trace2corpus: %s" % e)


SCENARIOS = [
    # name, function, boot arguments, device overrides, endian, firmware, console
    ("handshake", sc_handshake, "echo", {}, "big", "vof", False),
    ("echo-soak", sc_echo, "echo", {}, "big", "vof", False),
    ("echo-soak-le-slof", sc_echo, "echo irq", {}, "little", "slof", False),
    ("smoke", sc_smoke, "smoke", {}, "big", "vof", False),
    ("monitor", sc_monitor, "monitor irq", {}, "big", "vof", True),
    ("partner-failure", sc_partner_failure, "echo", {}, "big", "vof", False),
    ("reset-mid-soak", sc_reset_mid_soak, "echo", {}, "big", "vof", False),
    ("deregistered", sc_deregistered, "echo", {}, "big", "vof", False),
    ("two-hmcs", sc_two_hmcs, "echo hmcs=2", {"max_hmcs": 2}, "big", "vof", True),
    ("large-16k", sc_large, "echo mtu=16384", {"max_mtu": 16384}, "big", "vof", False),
    ("lost-open-resp", sc_lost_open_resp, "echo", {}, "big", "vof", False),
    ("faults", sc_faults, "echo", {}, "big", "vof", False),
    ("buffers", sc_buffers, "echo", {"pool_size": 24}, "big", "vof", False),
    ("hostile-peer", sc_hostile_peer, "echo", {}, "big", "vof", False),
    ("strict", sc_echo, "echo", {"strict": True}, "big", "vof", False),
    ("init-on-register", sc_partner_failure, "echo", {"init_on_register": True}, "little",
     "vof", False),
]


def record_one(out, name, run, scenario):
    """Start `run()` (a Run), play `scenario(r)` on it, close it, report.
    A failed scenario still leaves a (shorter) trace. Returns success."""
    t0 = time.monotonic()
    r = run()
    try:
        scenario(r)
        status = "ok"
    except Exception as e:
        status = "FAILED: %s" % e
    finally:
        r.close()
    size = os.path.getsize(os.path.join(out, name + ".trace"))
    print("record %-18s %s (%.1f s, trace %d bytes)" % (name, status, time.monotonic() - t0, size))
    return status == "ok"


def record(a):
    os.makedirs(a.out, exist_ok=True)
    results = []
    for name, fn, append, dev, endian, fw, console in SCENARIOS:
        if not a.only or name in a.only:
            results.append(record_one(a.out, name, lambda: Run(a.out, name, append, dev, endian,
                                                               fw, console), fn))
    guest = None
    for name, plan, dev, cmdline in LINUX_SCENARIOS:
        if not a.only or name in a.only:
            guest = guest or linux_guest()
            append = ("console=hvc0 vmctest=%s %s" % (plan, cmdline)).strip()
            results.append(record_one(a.out, name, lambda: Run(a.out, name, append, dev,
                                                               fw="vof", linux=guest), sc_linux))
    return 0 if all(results) else 1


# ----------------------------------------------------------------- parsing
def read_trace(path):
    """Return (header dict, [(kind, fields)]) with kind 'crq' or 'call'."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(MAGIC):
        raise SystemExit("%s: not a VMCTRACE1 file" % path)
    nl = data.index(b"\n")
    header = json.loads(data[len(MAGIC):nl])
    recs = []
    p = proto.Parser()
    for fr in p.feed(data[nl + 1:]):
        if fr.type == proto.EV_CRQ and len(fr.payload) == 17:
            hi, lo = struct.unpack(">QQ", fr.payload[:16])
            recs.append(("crq", {"dir": fr.payload[16], "hi": hi, "lo": lo}))
        elif fr.type == proto.EV_CALL and len(fr.payload) >= 16:
            what = fr.payload[0]
            t = struct.unpack(">Q", fr.payload[8:16])[0]
            nargs = {1: 6, 2: 1, 3: 1, 4: 0, 5: 4}.get(what, 0)
            args = list(struct.unpack(">%dQ" % nargs, fr.payload[16:16 + 8 * nargs]))
            recs.append(("call", {"what": what, "t": t, "args": args,
                                  "data": fr.payload[16 + 8 * nargs:]}))
    return header, recs


def s64(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def decode_entry(hi, lo):
    """(header, type, session, index, buffer id, length) of a 0x80 entry."""
    return (hi >> 56, (hi >> 48) & 0xFF, (hi >> 32) & 0xFF, (hi >> 24) & 0xFF,
            (hi >> 8) & 0xFFFF, lo & 0xFFFFFFFF)


VMC_TYPES = {1: "CAP", 2: "OPEN", 3: "CLOSE", 4: "ADD_BUF", 5: "REM_BUF", 6: "SIGNAL"}


def describe(rec):
    kind, f = rec
    if kind == "crq":
        hdr, typ, ses, idx, bid, ln = decode_entry(f["hi"], f["lo"])
        arrow = "guest->hv" if f["dir"] == 0 else "hv->guest"
        name = "%#04x" % typ
        if hdr == 0x80:
            name = VMC_TYPES.get(typ & 0x7F, name) + ("_RESP" if typ & 0x80 else "")
        elif hdr == 0xC0:
            name = "INIT" if typ == 1 else "INIT_COMPLETE" if typ == 2 else name
        elif hdr == 0xFF:
            name = "TRANSPORT %d" % typ
        return "CRQ  %s %-14s %016x %016x" % (arrow, name, f["hi"], f["lo"])
    a = f["args"]
    w = proto.CALLS.get(f["what"], str(f["what"]))
    if f["what"] == proto.CALL_COPY_RDMA:
        return "CALL %-13s len=%#x %#x:%#x -> %#x:%#x rc=%d" % (w, a[0], a[1], a[2], a[3], a[4],
                                                              s64(a[5]))
    if f["what"] == proto.CALL_HOST_FRAME:
        return "CALL %-13s %s idx=%d ses=%d len=%d %s" % (
            w, proto.NAMES.get(a[0], hex(a[0])), a[1], a[2], a[3], f["data"][:16].hex())
    return "CALL %-13s %s" % (w, " ".join("%#x" % x for x in a))


# -------------------------------------------------------------- encoders
FAKE_LOCAL_SIZE = 256 * 1024
FAKE_REMOTE_BASE_ALT = 0x10000
MP_TYPES = {2: "OPEN", 3: "CLOSE", 6: "SIGNAL"}


def be(n, v):
    return (v & ((1 << (8 * n)) - 1)).to_bytes(n, "big")


class Emitter:
    """Collect inputs op by op; cut at the last op that fits `limit` bytes."""

    def __init__(self, head, limit):
        self.buf = bytearray(head)
        self.limit = limit
        self.full = False
        self.ops = 0

    def op(self, b):
        if self.full or len(self.buf) + len(b) > self.limit:
            self.full = True
            return
        self.buf += b
        self.ops += 1


def config_bytes(dev):
    """fuzz_hv's two configuration bytes for the recorded device properties."""
    mtu_bits = {4096: 0, 8192: 1, 16384: 3}[dev["max_mtu"]]
    if dev["hv_bufs"] not in (1, 5) or dev["mp_bufs"] > 3:
        raise SystemExit("device session-hv-bufs must be 1 or 5, session-mp-bufs 0..3")
    c0 = (dev["max_hmcs"] - 1) | mtu_bits << 2 | 0x20    # deferred sends, as the device
    c0 |= 0x10 if dev["strict"] else 0
    c0 |= 0x40 if dev["init_on_register"] else 0
    c0 |= 0x80 if dev["hv_bufs"] == 5 else 0
    # mp_bufs >= 2 sets bit 7 (no 8 KiB copy limit, like the device's 128 KiB)
    c1 = (dev["pool_size"] - 1) | dev["mp_bufs"] << 6
    return c0, c1


def to_fuzz_hv(header, recs, limit):
    dev = header["device"]
    c0, c1 = config_bytes(dev)
    mtu, pool = dev["max_mtu"], dev["pool_size"]
    remote_base = FAKE_REMOTE_BASE_ALT if (c1 & 0x40) and (c0 & 1) else 0
    local, remote = header["reg"], header["remote_liobn"]
    e = Emitter(bytes([c0, c1, 0]), limit)      # hook mode 0: no re-entrant callbacks
    pending = 0

    def flush():
        nonlocal pending
        if pending:
            # kick with time moved to the next deadline (a re-init or a delayed
            # entry fires), then kick again to send what that queued
            e.op(b"\x09\x01\x00\x01")
            e.op(b"\x09\x01\x00\x01")
        while pending > 0:
            n = min(pending, 16)
            e.op(bytes([20, n - 1]))            # the MP takes n entries, no answers
            pending -= n

    def liobn(v):
        return b"\x00" if v == local else b"\x6e" if v == remote else b"\xf0" + be(8, v)

    def ioba(lb, addr, length, rc):
        if lb == local:
            if rc:
                return b"\x00" + be(8, addr)
            a = addr % FAKE_LOCAL_SIZE
            if a + length > FAKE_LOCAL_SIZE:
                a = max(0, FAKE_LOCAL_SIZE - length) & ~0xFFF
            return b"\x01" + be(4, a)
        if lb == remote:
            slot, off = divmod(addr, mtu)
            idx, bid = divmod(slot, pool)
            if idx < 4 and bid < 64 and off < 16:
                return bytes([2, idx, bid, off])
            if idx < 5 and bid < 70 and off + 0x100 <= 0x1FFF:
                return bytes([1, idx, bid]) + be(2, off + 0x100)
            return b"\x00" + be(8, remote_base + slot * mtu + off)
        return b"\x00" + be(8, addr)

    for kind, f in recs:
        if kind == "crq":
            if f["dir"] == 1:
                pending += 1
                continue
            flush()
            e.op(b"\x00" + be(8, f["hi"]) + be(8, f["lo"]))
            continue
        flush()
        a, w = f["args"], f["what"]
        if w == proto.CALL_COPY_RDMA:
            n, sl, sa, dl, da, rc = a[0], a[1], a[2], a[3], a[4], s64(a[5])
            ln = b"\x04" + be(2, n) if n < 0x4000 else b"\x00" + be(8, n)
            e.op(b"\x03" + ln + liobn(sl) + liobn(dl) + ioba(sl, sa, n, rc) + ioba(dl, da, n, rc))
        elif w == proto.CALL_REQUEST_VMC:
            e.op(b"\x06\x01")
        elif w == proto.CALL_REGISTER:
            e.op(b"\x07\x01" if a[0] == 256 else b"\x07\x00" + be(2, a[0]))
        elif w == proto.CALL_FREE:
            e.op(b"\x08")
        elif w == proto.CALL_HOST_FRAME:
            e.op(host_frame_fuzz_hv(a[0], a[1], a[3], f["data"]))
    flush()
    return bytes(e.buf)


def host_frame_fuzz_hv(ftype, idx, length, data):
    """fuzz_hv's op for the engine call the device makes for one host frame."""
    if ftype == proto.CMD_MSG:
        return bytes([10, 0]) + be(2, length) + bytes([idx % 5])
    if ftype == proto.CMD_RAW_CRQ and len(data) >= 16:
        return b"\x0f" + data[:16]
    if ftype == proto.CMD_RESET:
        fmt = data[0] if data else 1
        if len(data) >= 5:
            us = min(struct.unpack(">I", data[1:5])[0] * 1000, 0xFFFF)
            return bytes([13, fmt, 0]) + be(2, us)
        return bytes([13, fmt, 1])
    if ftype == proto.CMD_FAULT and len(data) >= 5:
        kind, arg = data[0], struct.unpack(">I", data[1:5])[0]
        if kind == 0:
            return b"\x17"                          # op 23: clear every fault
        if kind in (1, 5):                          # drop guest->HV / HV->guest entries
            return bytes([16, 0 if kind == 1 else 1, 1 if arg else 0, 0, 1, min(arg, 3), 0, 0])
        if kind == 2:                               # delay every HV->guest entry
            return bytes([16, 1, 2 if arg else 0, 0, 1, 3]) + be(2, min(arg * 1000, 0xFFFF))
        if kind == 3:                               # fail copies with H_PERMISSION (-11)
            return bytes([17, 1, min(arg, 2), 11])
        if kind == 4:                               # H_REQUEST_VMC rc knob
            return bytes([18, 10, 0, arg & 0xFF]) if arg else bytes([18, 10, 0xFF])
        return b"\x1c"
    if ftype == proto.CMD_FAULT_MSG and len(data) >= 16:
        d, act, match, nth, count, delay = struct.unpack(">BBHIII", data[:16])
        m = (b"\x01" + be(2, match)) if match else b"\x00"
        return bytes([16, d & 1, act % 5]) + m + bytes([nth % 4, count % 4]) + \
            be(2, min(delay * 1000, 0xFFFF))
    if ftype == proto.CMD_KNOB and len(data) >= 5:
        knob, val = data[0], struct.unpack(">i", data[1:5])[0]
        if val == -0x80000000:
            return bytes([18, knob, 0xFF])
        return bytes([18, knob, 0, val & 0xFF])
    if ftype == proto.CMD_FAULT_RDMA and len(data) >= 12:
        nth, count, rc = struct.unpack(">IIi", data[:12])
        return bytes([17, nth % 4, count % 3, (-rc) % 20 if rc < 0 else 0])
    if ftype == proto.CMD_ADD_BUF and data:
        return bytes([11, idx % 5, data[0] % 3])
    if ftype == proto.CMD_REM_BUF:
        return bytes([12, idx % 5])
    return b"\x1c"                                  # STATUS, PING, refused frames: a dump


def to_lifecycle(header, recs, limit):
    dev = header["device"]
    c0 = 0x01 | (min(dev["mp_bufs"], 3) << 1) | (min(dev["hv_bufs"], 3) << 3)
    c0 |= 0x20 if dev["init_on_register"] else 0
    e = Emitter(bytes([c0, 31]), limit)             # ring of 35 entries
    pending = 0

    def flush():
        # The model answers what it consumes (CAP, ADD_BUF_RESP...), which makes
        # the engine queue more: kick and consume (up to 8) in rounds until the
        # recorded entries and their follow-ups are through.
        nonlocal pending
        if pending:
            for _ in range(2 + pending // 8):
                e.op(b"\x0f\xe0")
            pending = 0

    for kind, f in recs:
        if kind == "crq":
            if f["dir"] == 1:
                pending += 1
                continue
            hdr, typ, ses, idx, bid, ln = decode_entry(f["hi"], f["lo"])
            i = (idx & 1) << 4
            if hdr == 0x80 and typ in (2, 3, 6):
                flush()
                e.op(bytes([{2: 3, 3: 6, 6: 4}[typ] | i]))
            continue
        a, w = f["args"], f["what"]
        if w == proto.CALL_FREE:
            flush()
            e.op(b"\xed")                           # MP reset: free, register, Init
            continue
        if w == proto.CALL_HOST_FRAME:
            ftype, idx = a[0], a[1]
            i = (idx & 1) << 4
            flush()
            if ftype == proto.CMD_MSG:
                e.op(bytes([7 | i]))
            elif ftype == proto.CMD_RESET:
                delay = len(f["data"]) >= 5
                e.op(bytes([0xEC | (0 if delay else 0x10)]))
                if delay:
                    e.op(b"\xf9")                   # time passes (re-init)
            elif ftype == proto.CMD_ADD_BUF and f["data"]:
                e.op(bytes([10 | i | 0x20 | (f["data"][0] & 1) << 6]))
            elif ftype == proto.CMD_REM_BUF:
                e.op(bytes([11 | i | 0x20]))
    flush()
    return bytes(e.buf)


def to_mp_hv(header, recs, limit):
    """The guest's MP-engine calls and the host's, for tests/host/fuzz_mp_hv.c."""
    e = Emitter(b"", limit - 4)
    pending = 0

    def flush():
        nonlocal pending
        if pending:
            e.op(b"\x0b\x01")                       # 25 ms pass, vmc_tick
            pending = 0

    for kind, f in recs:
        if kind == "crq":
            if f["dir"] == 1:
                pending += 1
                continue
            hdr, typ, ses, idx, bid, ln = decode_entry(f["hi"], f["lo"])
            if hdr != 0x80 or typ not in (2, 3, 6):
                continue
            flush()
            if typ == 2:
                e.op(bytes([0, 0x41, 1 + (idx & 1)]))
            elif typ == 3:
                e.op(bytes([2, idx & 1]))
            else:
                e.op(bytes([1, 0x5A, idx & 1, (max(1, min(ln, 256)) - 1)]))
            continue
        a, w = f["args"], f["what"]
        if w != proto.CALL_HOST_FRAME:
            continue
        ftype, idx, length, data = a[0], a[1], a[3], f["data"]
        flush()
        if ftype == proto.CMD_MSG:
            e.op(bytes([3, data[0] if data else 0x42, idx & 1, max(1, min(length, 256)) - 1]))
        elif ftype == proto.CMD_ADD_BUF and data:
            e.op(bytes([4, idx & 1, data[0] & 1]))
        elif ftype == proto.CMD_REM_BUF:
            e.op(bytes([5, idx & 1]))
        elif ftype == proto.CMD_RESET:
            fmt = data[0] if data else 1
            ms = struct.unpack(">I", data[1:5])[0] if len(data) >= 5 else 0
            e.op(bytes([6, {1: 0, 2: 1, 4: 2}.get(fmt, 0), min(ms, 255)]))
        elif ftype == proto.CMD_FAULT_RDMA and len(data) >= 12:
            e.op(bytes([8, 0, 0, 0]))
    flush()
    out = bytearray(e.buf)
    # size % 4 == 2: deferred HV sends (as the device), not strict (as recorded)
    while len(out) % 4 != (3 if header["device"]["strict"] else 2):
        out.append(15)                              # op 15: nothing
    return bytes(out)


def to_hmc_frame(peer_bytes, limit):
    return bytes([0]) + peer_bytes[:limit - 1]


def convert(a):
    targets = ("fuzz_hv", "fuzz_hv_lifecycle", "fuzz_mp_hv", "fuzz_hmc_frame")
    for t in targets:
        os.makedirs(os.path.join(a.out, t), exist_ok=True)
    for path in a.traces:
        header, recs = read_trace(path)
        name = header["scenario"]
        made = {
            "fuzz_hv": to_fuzz_hv(header, recs, MAX_LEN["fuzz_hv"]),
            "fuzz_hv_lifecycle": to_lifecycle(header, recs, MAX_LEN["fuzz_hv_lifecycle"]),
            "fuzz_mp_hv": to_mp_hv(header, recs, MAX_LEN["fuzz_mp_hv"]),
        }
        peer = os.path.splitext(path)[0] + ".peer"
        if os.path.exists(peer):
            with open(peer, "rb") as f:
                made["fuzz_hmc_frame"] = to_hmc_frame(f.read(), MAX_LEN["fuzz_hmc_frame"])
        ncrq = sum(1 for k, _ in recs if k == "crq")
        print("convert %-18s %4d CRQ + %4d CALL records ->%s" % (
            name, ncrq, len(recs) - ncrq,
            "".join(" %s %d B" % (t.replace("fuzz_", ""), len(v)) for t, v in made.items())))
        for t, data in made.items():
            with open(os.path.join(a.out, t, "e2e-" + name), "wb") as f:
                f.write(data)
    return 0


def dump(a):
    header, recs = read_trace(a.trace)
    print(json.dumps(header, sort_keys=True))
    for r in recs:
        print(describe(r))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("record", help="run the scenarios, write NAME.trace and NAME.peer")
    p.add_argument("--out", default=os.path.join(REPO, "build", "traces"))
    p.add_argument("--only", nargs="*", default=None)
    p = sub.add_parser("convert", help="traces -> one seed per fuzz target")
    p.add_argument("--out", default=os.path.join(REPO, "tests", "host", "hv", "corpus-e2e"))
    p.add_argument("traces", nargs="+")
    p = sub.add_parser("dump", help="print a trace, one record a line")
    p.add_argument("trace")
    sub.add_parser("list", help="list the scenarios")
    a = ap.parse_args()
    if a.cmd == "record":
        return record(a)
    if a.cmd == "convert":
        return convert(a)
    if a.cmd == "dump":
        return dump(a)
    for s in SCENARIOS:
        print("%-18s %-15s %-6s %-4s %s %s" % (s[0], s[2], s[4], s[5], s[3] or "",
                                               (s[1].__doc__ or "").split("\n")[0]))
    for name, plan, dev, cmdline in LINUX_SCENARIOS:
        print("%-18s %-15s %-6s %-4s %s Linux's ibmvmc driver, vmctest=%s %s" % (
            name, plan, "little", "vof", dev or "", plan, cmdline))
    return 0


if __name__ == "__main__":
    sys.exit(main())
