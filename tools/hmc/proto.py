# SPDX-License-Identifier: GPL-2.0-or-later
"""Wire format of the spapr-vmc HMC peer link (docs/hmc-protocol.md).

Every frame: u8 magic 'V' (0x56), u8 type, u8 hmc_index, u8 session,
u32 payload length (big-endian), payload. Device->host types are < 0x80,
host->device commands >= 0x80.
"""
import struct
import zlib

MAGIC = 0x56
HDR = struct.Struct(">BBBBI")
HDR_LEN = 8
MAX_PAYLOAD = 16384 + 64

# device -> host
EV_OPEN, EV_CLOSE, EV_MSG, EV_LINK, EV_CRQ, EV_ERROR, EV_ACK, EV_STATUS, EV_PONG = range(1, 10)
EV_VIOLATION, EV_REM_BUF, EV_DELIVERED, EV_CALL = 0x0A, 0x0B, 0x0C, 0x0D
# host -> device
CMD_MSG = 0x83
CMD_RAW_CRQ = 0x90
CMD_RESET = 0x91
CMD_FAULT = 0x92
CMD_ADD_BUF = 0x93
CMD_REM_BUF = 0x94
CMD_STATUS = 0x95
CMD_PING = 0x96
CMD_FAULT_MSG = 0x97
CMD_KNOB = 0x98
CMD_FAULT_RDMA = 0x99

# CALL frames (trace-crq=on): what the engine was given besides CRQ entries
CALL_COPY_RDMA, CALL_REQUEST_VMC, CALL_REGISTER, CALL_FREE, CALL_HOST_FRAME = range(1, 6)
CALLS = {CALL_COPY_RDMA: "H_COPY_RDMA", CALL_REQUEST_VMC: "H_REQUEST_VMC",
         CALL_REGISTER: "REGISTER", CALL_FREE: "FREE", CALL_HOST_FRAME: "HOST"}

NAMES = {
    EV_OPEN: "OPEN", EV_CLOSE: "CLOSE", EV_MSG: "MSG", EV_LINK: "LINK", EV_CRQ: "CRQ",
    EV_ERROR: "ERROR", EV_ACK: "ACK", EV_STATUS: "STATUS", EV_PONG: "PONG",
    EV_VIOLATION: "VIOLATION", EV_REM_BUF: "REM_BUF", EV_DELIVERED: "DELIVERED",
    EV_CALL: "CALL",
    CMD_MSG: "CMD_MSG", CMD_RAW_CRQ: "CMD_RAW_CRQ", CMD_RESET: "CMD_RESET",
    CMD_FAULT: "CMD_FAULT", CMD_ADD_BUF: "CMD_ADD_BUF", CMD_REM_BUF: "CMD_REM_BUF",
    CMD_STATUS: "CMD_STATUS", CMD_PING: "CMD_PING", CMD_FAULT_MSG: "CMD_FAULT_MSG",
    CMD_KNOB: "CMD_KNOB", CMD_FAULT_RDMA: "CMD_FAULT_RDMA",
}

ERRORS = ["OK", "BAD_MAGIC", "BAD_LENGTH", "UNKNOWN_TYPE", "BAD_PAYLOAD", "BAD_INDEX",
          "NOT_READY", "NO_SESSION", "TOO_LONG", "QUEUE_FULL", "BAD_VALUE", "NO_RESOURCE",
          "UNSUPPORTED", "INTERNAL"]
ERR = {name: i for i, name in enumerate(ERRORS)}

# FAULT kinds
FAULTS = {"clear": 0, "drop-guest-crq": 1, "delay-hv-crq": 2, "fail-copy-rdma": 3,
          "request-vmc-rc": 4, "drop-hv-crq": 5, "crq-full-drop": 6}
# FAULT_MSG directions and actions
DIRS = {"to-hv": 0, "to-mp": 1}
ACTIONS = {"none": 0, "drop": 1, "delay": 2, "dup": 3}
# KNOBs (enum vmc_hv_knob); KNOB_OFF restores normal behaviour
KNOB_OFF = -2 ** 31
KNOBS = {"cap-status": 0, "cap-max-hmc": 1, "cap-pool": 2, "cap-mtu": 3, "cap-crq-size": 4,
         "cap-version": 5, "open-status": 6, "close-status": 7, "add-buf-owner": 8,
         "add-buf-session": 9, "request-vmc-rc": 10, "request-vmc-count": 11, "no-reseed": 12}
CLOSE_REASONS = {0: "by-mp", 1: "reset", 2: "open-failed"}
STATUS_COUNTERS = ["rx_entries", "tx_entries", "tx_full", "outq_overflow", "violations",
                   "rdma_calls", "rdma_ok", "rdma_errors", "request_vmc_calls", "mp_registers",
                   "mp_frees", "resets", "sessions_opened", "sessions_closed", "msgs_to_hmc",
                   "msgs_to_mp", "host_msgs_dropped", "faults_fired", "host_frames",
                   "host_errors", "out_dropped", "parser_resyncs",
                   # appended later; older devices send fewer (decode_status uses n)
                   "tx_throttled", "kicks", "crq_reads", "out_write_errors",
                   "out_error_bytes", "no_peer_msgs", "suspend_events", "suspend_refused",
                   "mp_enables"]
PHASES = ["DOWN", "WAIT_INIT", "WAIT_CAP", "READY"]


class ProtocolError(Exception):
    """The device sent something that is not a valid frame."""


def encode(ftype, payload=b"", index=0, session=0, length=None):
    """One frame. `length` overrides the header's length (for malformed-frame tests)."""
    payload = bytes(payload)
    n = len(payload) if length is None else length
    return HDR.pack(MAGIC, ftype & 0xFF, index & 0xFF, session & 0xFF, n & 0xFFFFFFFF) + payload


class Frame:
    __slots__ = ("type", "index", "session", "payload")

    def __init__(self, ftype, index, session, payload):
        self.type, self.index, self.session, self.payload = ftype, index, session, payload

    @property
    def name(self):
        return NAMES.get(self.type, "0x%02x" % self.type)

    # ERROR / ACK helpers
    @property
    def cmd(self):
        return self.payload[0] if len(self.payload) >= 1 else None

    @property
    def code(self):
        return self.payload[1] if len(self.payload) >= 2 else None

    @property
    def code_name(self):
        c = self.code
        return ERRORS[c] if c is not None and c < len(ERRORS) else str(c)

    @property
    def detail(self):
        return struct.unpack(">I", self.payload[4:8])[0] if len(self.payload) >= 8 else None

    @property
    def text(self):
        return self.payload[8:].decode("ascii", "replace")

    @property
    def link_up(self):
        return bool(self.payload[0]) if self.type == EV_LINK and self.payload else None

    def status(self):
        return decode_status(self.payload)

    def __repr__(self):
        return "Frame(%s idx=%d ses=%d len=%d)" % (self.name, self.index, self.session,
                                                 len(self.payload))

    def describe(self):
        base = "%-9s idx=%d ses=%d" % (self.name, self.index, self.session)
        p = self.payload
        if self.type == EV_LINK:
            return base + " " + ("up" if p and p[0] else "down")
        if self.type == EV_OPEN:
            return base + " hmc-id=" + p.rstrip(b"\0").decode("ascii", "replace")
        if self.type == EV_CLOSE:
            return base + " reason=" + CLOSE_REASONS.get(p[0] if p else -1, "?")
        if self.type == EV_MSG:
            return base + " len=%d %r" % (len(p), p[:64])
        if self.type == EV_ERROR:
            return base + " cmd=%s code=%s detail=%s %s" % (
                NAMES.get(self.cmd, self.cmd), self.code_name, self.detail, self.text)
        if self.type == EV_ACK:
            return base + " cmd=%s value=%s" % (NAMES.get(self.cmd, self.cmd), self.detail)
        if self.type == EV_CRQ:
            d = "guest->hv" if len(p) > 16 and p[16] == 0 else "hv->guest"
            return base + " %s %s %s" % (d, p[:8].hex(), p[8:16].hex())
        if self.type == EV_STATUS:
            return base + " " + repr(decode_status(p))
        if self.type == EV_VIOLATION:
            return base + " code=%d buf=%d %s" % (p[0], struct.unpack(">H", p[2:4])[0],
                                                  p[4:].decode("ascii", "replace"))
        if self.type == EV_REM_BUF:
            return base + " status=%d buf=%d" % (p[0], struct.unpack(">H", p[2:4])[0])
        if self.type == EV_DELIVERED:
            return base + " len=%d" % struct.unpack(">I", p[:4])[0]
        if self.type == EV_CALL and len(p) >= 16:
            n = (min(len(p), 64) - 16) // 8
            args = struct.unpack(">%dQ" % n, p[16:16 + 8 * n])
            return base + " %s t=%d %s" % (CALLS.get(p[0], p[0]), struct.unpack(">Q", p[8:16])[0],
                                          " ".join("%#x" % a for a in args))
        return base + " " + p[:32].hex()


def decode_status(p):
    if len(p) < 32:
        raise ProtocolError("short STATUS payload")
    d = {"version": p[0], "phase": PHASES[p[1]] if p[1] < len(PHASES) else p[1],
         "nhmc": p[2], "max_hmcs": p[3]}
    (d["mtu"], d["pool"], d["outq"], d["liobn"], d["riobn"], flags,
     d["crq_bytes"]) = struct.unpack(">7I", p[4:32])
    d["crq_registered"] = bool(flags & 1)
    d["engine_registered"] = bool(flags & 2)
    d["irq_enabled"] = bool(flags & 4)
    d["suspended"] = bool(flags & 8)
    off = 32
    d["hmcs"] = []
    for _ in range(d["max_hmcs"]):
        ses, present, hv_owned, _r = p[off:off + 4]
        d["hmcs"].append({"session": ses, "buffers": present, "hv_owned": hv_owned})
        off += 4
    nc = p[off]
    off += 4
    vals = struct.unpack(">%dQ" % nc, p[off:off + 8 * nc])
    for i, v in enumerate(vals):
        d[STATUS_COUNTERS[i] if i < len(STATUS_COUNTERS) else "c%d" % i] = v
    return d


class Parser:
    """Incremental parser for device->host frames (strict: raises on garbage)."""

    def __init__(self):
        self.buf = bytearray()

    def feed(self, data):
        self.buf += data
        out = []
        while len(self.buf) >= HDR_LEN:
            magic, ftype, idx, ses, n = HDR.unpack_from(self.buf)
            if magic != MAGIC:
                raise ProtocolError("bad magic 0x%02x from device" % magic)
            if n > MAX_PAYLOAD:
                raise ProtocolError("oversize frame (%d) from device" % n)
            if len(self.buf) < HDR_LEN + n:
                break
            out.append(Frame(ftype, idx, ses, bytes(self.buf[HDR_LEN:HDR_LEN + n])))
            del self.buf[:HDR_LEN + n]
        return out


# Soak messages: b"VMCSOAK1" + u32 seq + u32 crc32(body) + u32 len(body) + body.
SOAK_MAGIC = b"VMCSOAK1"


def soak_message(seq, size=64):
    body = bytes((seq * 7 + i) & 0xFF for i in range(size))
    return SOAK_MAGIC + struct.pack(">III", seq, zlib.crc32(body) & 0xFFFFFFFF, len(body)) + body


def soak_check(msg):
    """Return the sequence number of a valid soak message, else raise ValueError."""
    if len(msg) < 20 or msg[:8] != SOAK_MAGIC:
        raise ValueError("not a soak message")
    seq, crc, n = struct.unpack(">III", msg[8:20])
    body = msg[20:]
    if len(body) != n:
        raise ValueError("soak %d: length %d != %d" % (seq, len(body), n))
    if zlib.crc32(body) & 0xFFFFFFFF != crc:
        raise ValueError("soak %d: checksum mismatch" % seq)
    return seq
