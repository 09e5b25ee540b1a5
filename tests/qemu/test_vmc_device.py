# SPDX-License-Identifier: GPL-2.0-or-later
"""spapr-vmc device suite without the vmcfw image: QEMU + SLOF + the HMC peer.

What runs here needs only the patched QEMU (make qemu): the device's
properties and realize checks, its device-tree node as SLOF presents it, the
HMC peer link (status, ping, rejected commands, malformed frames, a peer
that stops reading), and a real guest-side CRQ conversation typed at SLOF's
Forth prompt (init handshake, CAP, seed buffer, OPEN, messages both ways,
CLOSE, H_FREE_CRQ), which needs no H_COPY_RDMA.
"""
import os
import re
import struct
import time

import pytest

from test_vmc_device_common import (VMC_REG, VMC_RIOBN, Forth, Vm, proto, run_qemu)

SLOF_PROMPT = ["-prom-env", "auto-boot?=false"]


# ------------------------------------------------------------ properties
def test_device_listed():
    rc, out = run_qemu(["-M", "pseries", "-device", "help"])
    assert rc == 0, out
    assert re.search(r'name "spapr-vmc", bus spapr-vio-bus', out), out


def test_device_properties():
    rc, out = run_qemu(["-M", "pseries", "-device", "spapr-vmc,help"])
    assert rc == 0, out
    for prop in ("chardev", "max-mtu", "pool-size", "max-hmcs", "session-mp-bufs",
                 "session-hv-bufs", "remote-liobn", "drc-index", "max-copy", "strict",
                 "trace-crq", "reg"):
        assert re.search(r"\b%s=" % re.escape(prop), out), (prop, out)


@pytest.mark.parametrize("opts,message", [
    ("max-mtu=5000", "max-mtu"),
    ("max-mtu=32768", "max-mtu"),
    ("pool-size=0", "pool-size"),
    ("pool-size=65", "pool-size"),
    ("max-hmcs=0", "max-hmcs"),
    ("max-hmcs=200", "max-hmcs"),
    ("pool-size=4,session-mp-bufs=3,session-hv-bufs=3", "pool-size"),
    # a 32-bit sum would wrap to 1 and let this through
    ("session-mp-bufs=4294967295,session-hv-bufs=2", "exceed pool-size"),
    ("remote-liobn=0x71000010", "already in use"),
    ("max-copy=100", "max-copy"),
])
def test_bad_property_refused(opts, message):
    rc, out = run_qemu(["-M", "pseries", "-nodefaults", "-nographic", "-S",
                        "-device", "spapr-vmc,reg=0x71000010," + opts])
    assert rc != 0, out
    assert message in out, out


def test_only_one_device():
    rc, out = run_qemu(["-M", "pseries", "-nodefaults", "-nographic", "-S",
                        "-device", "spapr-vmc", "-device", "spapr-vmc"])
    assert rc != 0 and "only one" in out, out


def test_qtree_shows_device():
    with Vm(extra=["-S"], console=False) as vm:
        out = vm.monitor("info qtree")
        assert "dev: spapr-vmc" in out, out
        block = out[out.index("dev: spapr-vmc"):][:1500]
        assert "reg = 1895825424 (0x71000010)" in block or "0x71000010" in block, block
        assert re.search(r'max-mtu = 4096', block), block
        assert re.search(r'pool-size = 16', block), block
        assert vm.alive()


def test_other_vio_and_virtio_devices_still_available():
    rc, out = run_qemu(["-M", "pseries", "-device", "help"])
    for name in ("spapr-vscsi", "spapr-vlan", "virtio-blk-pci", "spapr-vty"):
        assert '"%s"' % name in out, name


# ------------------------------------------------------- device tree (SLOF)
def slof_properties(vm, path):
    f = Forth(vm)
    return f.do("dev %s .properties" % path, timeout=30)


def test_device_tree_node_in_slof():
    with Vm(firmware_args=SLOF_PROMPT) as vm:
        out = slof_properties(vm, "/vdevice/ibm,vmc@%x" % VMC_REG)
        assert "device_type" in out and "ibm,vmc" in out, out
        assert "compatible" in out and "IBM,vmc" in out, out
        # two panes, 10 cells: liobn 0 0 0 16MiB, riobn 0 0 0 remote size
        m = re.search(r"ibm,my-dma-window\s+((?:[0-9a-f]{8}\s+)+)", out)
        assert m, out
        cells = [int(x, 16) for x in m.group(1).split()]
        assert len(cells) == 10, cells
        assert cells[0] == VMC_REG and cells[1:4] == [0, 0, 0] and cells[4] == 0x01000000, cells
        assert cells[5] == VMC_RIOBN and cells[6:9] == [0, 0, 0], cells
        assert cells[9] == 1 * 16 * 4096, cells      # max-hmcs * pool-size * max-mtu
        assert re.search(r"ibm,#dma-address-cells\s+00000002", out), out
        assert re.search(r"ibm,#dma-size-cells\s+00000002", out), out
        assert re.search(r"ibm,my-drc-index\s+%08x" % VMC_REG, out), out
        assert re.search(r"interrupts\s+[0-9a-f]{8}\s+00000000", out), out
        assert re.search(r"reg\s+%08x" % VMC_REG, out), out
        assert "ibm,loc-code" in out, out


def test_device_tree_follows_properties():
    with Vm("max-mtu=8192,pool-size=32,max-hmcs=2,drc-index=0x9000,remote-liobn=0x7e000001",
            firmware_args=SLOF_PROMPT) as vm:
        out = slof_properties(vm, "/vdevice/ibm,vmc@%x" % VMC_REG)
        m = re.search(r"ibm,my-dma-window\s+((?:[0-9a-f]{8}\s+)+)", out)
        cells = [int(x, 16) for x in m.group(1).split()]
        assert cells[5] == 0x7E000001 and cells[9] == 2 * 32 * 8192, cells
        assert re.search(r"ibm,my-drc-index\s+00009000", out), out


# ------------------------------------------------------------ HMC peer link
def test_link_frame_on_connect_and_status():
    with Vm(extra=["-S"], console=False) as vm:
        c = vm.connect()
        f = c.wait_type(proto.EV_LINK, 10)
        assert f.link_up is False
        st = c.status()
        assert st["phase"] == "DOWN", st
        assert st["liobn"] == VMC_REG and st["riobn"] == VMC_RIOBN, st
        assert st["max_hmcs"] == 1 and st["crq_registered"] is False, st
        assert c.ping(b"abc") == b"abc"


def test_host_commands_rejected_without_guest():
    with Vm(extra=["-S"], console=False) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)

        def err(ftype, payload=b"", index=0, session=0):
            f = c.command(ftype, payload, index, session, check=False)
            assert f.type == proto.EV_ERROR, f.describe()
            return f.code_name

        assert err(proto.CMD_MSG, b"hello") == "NOT_READY"
        assert err(proto.CMD_MSG, b"hello", index=7) == "BAD_INDEX"
        assert err(proto.CMD_MSG, b"") == "BAD_PAYLOAD"
        assert err(proto.CMD_RAW_CRQ, b"\x80" * 16) == "NOT_READY"
        assert err(proto.CMD_RAW_CRQ, b"\x80" * 15) == "BAD_PAYLOAD"
        assert err(proto.CMD_ADD_BUF, b"\x00") == "NOT_READY"
        assert err(proto.CMD_ADD_BUF, b"\x05") == "BAD_VALUE"
        assert err(proto.CMD_ADD_BUF, b"\x00", index=9) == "BAD_INDEX"
        assert err(proto.CMD_REM_BUF, b"") in ("NOT_READY", "NO_RESOURCE")
        assert err(proto.CMD_FAULT, struct.pack(">BI", 99, 1)) == "BAD_VALUE"
        assert err(proto.CMD_FAULT, b"\x01") == "BAD_PAYLOAD"
        assert err(proto.CMD_KNOB, struct.pack(">Bi", 200, 1)) == "BAD_VALUE"
        assert err(proto.CMD_RESET, b"\x07") == "BAD_VALUE"
        assert err(proto.CMD_STATUS, b"x") == "BAD_PAYLOAD"
        assert err(proto.CMD_FAULT_MSG, bytes(16)[:-1]) == "BAD_PAYLOAD"
        assert err(proto.CMD_FAULT_MSG, bytes([5]) + bytes(15)) == "BAD_VALUE"
        # accepted commands are acknowledged
        assert c.fault("clear").type == proto.EV_ACK
        assert c.fault("request-vmc-rc", 0xFFFFFFF6).type == proto.EV_ACK
        assert c.knob("cap-status", 1).type == proto.EV_ACK
        assert c.knob("cap-status", proto.KNOB_OFF).type == proto.EV_ACK
        assert c.fault_rdma(1, 2, -11).type == proto.EV_ACK
        assert c.fault_msg("to-mp", "drop", 0x8082, 1, 1).type == proto.EV_ACK
        st = c.status()
        assert st["host_errors"] >= 16, st
        assert vm.monitor("info status").find("paused") >= 0


MALFORMED = [
    ("bad magic", b"\x00\x01\x02garbage-without-magic", "BAD_MAGIC"),
    ("oversize length", proto.encode(proto.CMD_MSG, b"", length=0x7FFFFFFF), "BAD_LENGTH"),
    ("length just over max", proto.encode(proto.CMD_PING, b"", length=proto.MAX_PAYLOAD + 1),
     "BAD_LENGTH"),
    ("unknown command", proto.encode(0xEE, b"abc"), "UNKNOWN_TYPE"),
    ("event type sent to device", proto.encode(proto.EV_LINK, b"\x01"), "UNKNOWN_TYPE"),
    ("short FAULT", proto.encode(proto.CMD_FAULT, b"\x01\x00"), "BAD_PAYLOAD"),
    ("long PING", proto.encode(proto.CMD_PING, b"x" * 65), "BAD_PAYLOAD"),
]


@pytest.mark.parametrize("name,data,code", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_frame_gets_error_and_link_resyncs(name, data, code):
    with Vm(extra=["-S"], console=False) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        c.send_raw(data)
        f = c.wait_type(proto.EV_ERROR, 10)
        assert f.code_name == code, f.describe()
        # the stream resynchronises on the next frame
        assert c.ping(b"after " + name.encode()) == b"after " + name.encode()
        assert vm.alive()


def test_truncated_frame_then_disconnect_then_reconnect():
    with Vm(extra=["-S"], console=False) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        c.send_raw(proto.encode(proto.CMD_MSG, b"x" * 100)[:50])
        c.close()
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)      # a new connection starts clean
        assert c.ping(b"fresh") == b"fresh"
        assert vm.alive()


def test_random_flood_survives():
    import random
    rnd = random.Random(1234)
    with Vm(extra=["-S"], console=False) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        blob = bytearray(rnd.getrandbits(8) for _ in range(256 * 1024))
        # sprinkle magic bytes so the parser keeps finding (bad) headers
        for i in range(0, len(blob), 97):
            blob[i] = proto.MAGIC
        c.send_raw(blob)
        c.send_raw(bytes(proto.MAX_PAYLOAD + 16))   # zeros: pad out any pending frame
        errors = [f for f in c.poll(3.0) if f.type == proto.EV_ERROR]
        assert errors, "random bytes produced no ERROR frame"
        c.close()
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        assert c.ping(b"alive") == b"alive"
        st = c.status()
        assert st["parser_resyncs"] == 0       # counters of the new connection's parser
        assert vm.alive()


def test_peer_that_stops_reading_does_not_stall_qemu():
    with Vm(extra=["-S"], console=False) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        # 40000 PINGs of 64 bytes = ~2.9 MB of PONGs, more than the socket and the
        # device's 1 MiB backlog hold; we do not read while sending.
        ping = proto.encode(proto.CMD_PING, b"p" * 64)
        c.sock.setblocking(True)
        chunk = ping * 1000
        for _ in range(40):
            c.sock.sendall(chunk)
        t0 = time.monotonic()
        out = vm.monitor("info status")
        assert "VM status" in out, out
        assert time.monotonic() - t0 < 5.0
        assert vm.alive()
        # the link still works after draining
        c.poll(2.0)
        assert c.ping(b"still here") == b"still here"
        st = c.status()
        assert st["out_dropped"] > 0, st


# --------------------------------------------- a guest at SLOF's Forth prompt
FORTH_SETUP = [
    "0 value q 0 value u create m 10 allot",
    "%x to u" % VMC_REG,
    "3000 alloc-mem fff + fffff000 and to q q 1000 erase",
    ": snd ( hi lo -- rc ) m 8 + x! m x! u m hv-send-crq ;",
    ": ent ( n -- hi lo ) 10 * q + dup x@ swap 8 + x@ ;",
    ": clr ( n -- ) 10 * q + 10 erase ;",
]


def hi_lo(entry_hi, entry_lo):
    return "%x %x" % (entry_hi, entry_lo)


class ForthGuest:
    """A minimal management partition typed at SLOF's prompt (no H_COPY_RDMA)."""

    def __init__(self, vm):
        self.f = Forth(vm)
        for line in FORTH_SETUP:
            out = self.f.do(line)
            assert "error" not in out.lower() and "not found" not in out.lower(), out
        self.next = 0

    def put_tce(self, ioba, perm=3):
        return self.f.num("u %x q %x + %x or hv-put-tce ." % (ioba, ioba, perm))

    def reg_crq(self):
        # pane 0: IOBA 0 -> q, read/write
        assert self.put_tce(0) == 0
        return self.f.num("u 0 1000 hv-reg-crq .")

    def send(self, hi, lo=0):
        v = self.f.num("%x %x snd ." % (hi, lo))
        return v - (1 << 64) if v >= 1 << 63 else v

    def recv(self, timeout=5.0):
        """Next entry of the guest's CRQ as (hi, lo), consuming it."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            v = self.f.nums("%x ent swap u. u." % self.next)
            hi, lo = v[0], v[1]
            if hi >> 56:
                self.f.do("%x clr" % self.next)
                self.next = (self.next + 1) % 256
                return hi, lo
            time.sleep(0.05)
        raise AssertionError("no CRQ entry from the device within %.1f s" % timeout)


def test_forth_guest_handshake_session_and_messages():
    with Vm(firmware_args=SLOF_PROMPT) as vm:
        c = vm.connect()
        assert c.wait_type(proto.EV_LINK, 10).link_up is False
        g = ForthGuest(vm)
        assert g.reg_crq() == 0

        # Init -> Init Complete
        assert g.send(0xC001000000000000) == 0
        hi, lo = g.recv()
        assert hi == 0xC002000000000000 and lo == 0, hex(hi)

        # CAP: max_hmc 1, pool 16, mtu 4096, crq 256 entries, version 0x0101
        assert g.send(0x8001000000010010, 0x0000100001000101) == 0
        hi, lo = g.recv()
        assert hi >> 48 == 0x8081, hex(hi)
        assert (hi >> 16) & 0xFF == 1 and hi & 0xFFFF == 16, hex(hi)
        assert lo >> 32 == 4096 and lo & 0xFFFF == 0x0101, hex(lo)
        assert c.wait_link(True, 10).link_up is True

        # seed ADD_BUF (session 0, index 0, owner 0)
        hi, lo = g.recv()
        assert hi >> 48 == 0x8004, hex(hi)
        seed = hi & 0xFFFF
        assert (hi >> 16) & 0xFF == 0                      # index 0
        # ADD_BUF_RESP status 0 for it
        assert g.send((hi & ~(0xFF << 48) & ~(0xFF << 40)) | (0x84 << 48), lo) == 0

        # OPEN session 1 with the seed buffer
        assert g.send(0x8002000001000000 | seed, 0) == 0
        adds = []
        while True:
            hi, lo = g.recv()
            t = (hi >> 48) & 0xFF
            if t == 0x04:
                adds.append((hi, lo))
                continue
            break
        assert t == 0x82, hex(hi)                          # OPEN_RESP
        assert (hi >> 40) & 0xFF == 0, "OPEN_RESP status %x" % ((hi >> 40) & 0xFF)
        assert len(adds) >= 1
        op = c.wait_type(proto.EV_OPEN, 10)
        assert op.session == 1 and op.index == 0
        for ahi, alo in adds:
            assert g.send((ahi & ~(0xFF << 48)) | (0x84 << 48), alo) == 0

        # host -> guest: SIGNAL on an HV-owned buffer
        c.msg(b"hello guest", 0, 1)
        hi, lo = g.recv()
        assert hi >> 48 == 0x8006, hex(hi)
        assert lo & 0xFFFFFFFF == len(b"hello guest")
        buf = hi & 0xFFFF
        c.wait_type(proto.EV_DELIVERED, 10)

        # guest -> host: signal the same buffer back (its HV storage holds the text)
        assert g.send(0x8006000001000000 | buf, len(b"hello guest")) == 0
        m = c.wait_type(proto.EV_MSG, 10)
        assert m.payload == b"hello guest" and m.session == 1

        # CLOSE -> CLOSE_RESP, host sees CLOSE, a fresh seed follows
        assert g.send(0x8003000001000000, 0) == 0
        hi, lo = g.recv()
        assert hi >> 48 == 0x8083 and (hi >> 40) & 0xFF == 0, hex(hi)
        cl = c.wait_type(proto.EV_CLOSE, 10)
        assert cl.session == 1
        hi, lo = g.recv()
        assert hi >> 48 == 0x8004, "no re-seed after CLOSE: %x" % hi

        # H_FREE_CRQ: the device notices at once (LINK down to the host)
        g.f.do("u hv-free-crq")
        assert c.wait_link(False, 10).link_up is False
        st = c.status()
        assert st["phase"] == "DOWN" and st["crq_registered"] is False, st
        assert st["sessions_opened"] == 1 and st["msgs_to_hmc"] == 1 and st["msgs_to_mp"] == 1


def test_forth_guest_transport_checks():
    with Vm(firmware_args=SLOF_PROMPT) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        g = ForthGuest(vm)
        # before H_REG_CRQ: H_CLOSED
        assert g.send(0xC001000000000000) == 2
        assert g.reg_crq() == 0
        # a second registration: H_RESOURCE (-16)
        v = g.f.num("u 0 1000 hv-reg-crq .")
        assert v == -16, v
        # header without 0x80, and 0xFF: H_PARAMETER (-4)
        assert g.send(0x0001000000000000) == -4
        assert g.send(0xFF01000000000000) == -4
        # HMC message before CAP: accepted as a transport entry, counted as a violation
        assert g.send(0x8006000001000000, 16) == 0
        bad = [c.wait_type(proto.EV_VIOLATION, 10) for _ in range(3)]
        assert [v.payload[4:] for v in bad] == [b"BAD_HEADER", b"BAD_HEADER", b"BEFORE_CAP"], \
            [v.describe() for v in bad]
        st = c.status()
        assert st["violations"] >= 1, st


def test_forth_guest_raw_crq_and_reset_reach_the_guest():
    with Vm(firmware_args=SLOF_PROMPT) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        g = ForthGuest(vm)
        assert g.reg_crq() == 0
        c.raw_crq(bytes.fromhex("8099aabbccddeeff0011223344556677"))
        hi, lo = g.recv()
        assert (hi, lo) == (0x8099AABBCCDDEEFF, 0x0011223344556677)
        c.reset(fmt=2, reinit_ms=50)
        hi, lo = g.recv()
        assert hi >> 48 == 0xFF02, hex(hi)
        hi, lo = g.recv()
        assert hi >> 48 == 0xC001, hex(hi)


def test_forth_guest_crq_unmapped_tce_then_mapped():
    """The device retries while the CRQ page is not writable through pane 0."""
    with Vm(firmware_args=SLOF_PROMPT) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        g = ForthGuest(vm)
        assert g.reg_crq() == 0
        assert g.put_tce(0, perm=1) == 0          # read-only for the device
        assert g.send(0xC001000000000000) == 0
        time.sleep(0.5)
        assert g.f.nums("0 ent swap u. u.")[0] == 0  # nothing written
        assert g.put_tce(0, perm=3) == 0
        hi, lo = g.recv()
        assert hi == 0xC002000000000000
        assert vm.alive()


def test_forth_guest_queue_full_is_retried():
    """More entries than the guest's 256-slot CRQ: at most half of it is kept
    outstanding (PAPR's crq_size/2 rule), the rest wait, nothing is lost."""
    with Vm(firmware_args=SLOF_PROMPT) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        g = ForthGuest(vm)
        assert g.reg_crq() == 0
        for i in range(300):
            c.send(proto.CMD_RAW_CRQ, struct.pack(">QQ", 0x80AA000000000000 | i, i))
        acks = 0
        while acks < 300:
            f = c.wait(lambda f: f.type in (proto.EV_ACK, proto.EV_ERROR), 20, "ACK")
            assert f.type == proto.EV_ACK, f.describe()
            acks += 1
        time.sleep(1.0)
        st = c.status()
        assert st["outq"] == 300 - 128, st
        assert g.f.nums("7f ent swap u. u.")[0] == 0x80AA000000000000 | 127
        assert g.f.nums("80 ent swap u. u.")[0] == 0, "slot 128 written beyond half the ring"

        def consume(forth, left):
            g.f.do(forth)
            end = time.monotonic() + 10
            while time.monotonic() < end and c.status()["outq"] != left:
                time.sleep(0.1)
            assert c.status()["outq"] == left

        consume("q 800 erase", 300 - 256)          # slots 0..127 consumed: 128..255 filled
        assert g.f.nums("ff ent swap u. u.")[0] == 0x80AA000000000000 | 255
        consume("q 800 + 800 erase", 0)            # 128..255 consumed: the last 44 wrap
        for slot in (0, 43):
            hi, lo = g.f.nums("%x ent swap u. u." % slot)
            assert (hi, lo) == (0x80AA000000000000 | (256 + slot), 256 + slot), (slot, hex(hi))


def test_machine_reset_tears_down_and_guest_can_start_again():
    with Vm(firmware_args=SLOF_PROMPT) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        g = ForthGuest(vm)
        assert g.reg_crq() == 0
        assert g.send(0xC001000000000000) == 0
        assert g.recv()[0] == 0xC002000000000000
        assert g.send(0x8001000000010010, 0x0000100001000101) == 0
        c.wait_link(True, 10)
        vm.monitor("system_reset")
        c.wait_link(False, 10)
        st = c.status()
        assert st["phase"] == "DOWN" and not st["crq_registered"], st
        # SLOF comes back to its prompt; a fresh guest handshake works
        g = ForthGuest(vm)
        assert g.reg_crq() == 0
        assert g.send(0xC001000000000000) == 0
        assert g.recv()[0] == 0xC002000000000000
