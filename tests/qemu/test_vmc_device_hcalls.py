# SPDX-License-Identifier: GPL-2.0-or-later
"""spapr-vmc: H_COPY_RDMA and H_REQUEST_VMC driven from a guest at SLOF's prompt.

A ten-instruction hcall stub (ld r3..r8 from an argument block, `sc 1`, store
r4 back) is written into guest memory and called with SLOF's CALL-C, so these
tests exercise the real hypercall path of the device: PAPR return codes,
pane-0 TCE permission bits, window bounds, the remote window, and a full
session whose data really moves through H_COPY_RDMA (HMC ID, messages both
ways). No vmcfw image is needed.
"""
import struct

import pytest

from test_vmc_device import SLOF_PROMPT, ForthGuest
from test_vmc_device_common import VMC_REG, VMC_RIOBN, Vm, proto

H_SUCCESS, H_PARAMETER, H_AUTHORITY, H_PERMISSION = 0, -4, -10, -11
H_SOURCE_PARM, H_DEST_PARM = -13, -14
H_COPY_RDMA, H_REQUEST_VMC = 0x110, 0x360

# ld/std relative to r11 = the argument block; sc 1 = hcall
STUB = ["7c6b1b78", "e86b0000", "e88b0008", "e8ab0010", "e8cb0018", "e8eb0020",
        "e90b0028", "44000022", "f88b0008", "4e800020"]

# pane-0 layout used by these tests (IOBA -> page, permission)
IO_CRQ, IO_RW, IO_RO, IO_WO, IO_NONE = 0x0, 0x1000, 0x2000, 0x3000, 0x4000


class HcallGuest(ForthGuest):
    def __init__(self, vm):
        super().__init__(vm)
        for line in [
            "0 value hcode 0 value hargs 0 value lb",
            "100 alloc-mem to hcode 100 alloc-mem to hargs",
            "8000 alloc-mem fff + fffff000 and to lb lb 6000 erase",
            ": w, ( addr val -- addr' ) over l! 4 + ;",
            "hcode " + " ".join("%s w," % w for w in STUB) + " drop",
            ": h! ( val n -- ) 8 * hargs + x! ;",
            ": hcall ( -- r3 ) hargs 0 0 hcode call-c ;",
        ]:
            out = self.f.do(line)
            assert "not found" not in out.lower(), out

    def hcall(self, op, *args):
        """Returns (r3, r4) as signed / unsigned integers."""
        line = "%x 0 h! " % op
        for i, a in enumerate(args):
            line += "%x %x h! " % (a & 0xFFFFFFFFFFFFFFFF, i + 1)
        v = self.f.nums(line + "hcall u. 1 h@ u.".replace("1 h@", "hargs 8 + x@"))
        r3 = v[0] - (1 << 64) if v[0] >= 1 << 63 else v[0]
        return r3, v[1]

    def copy(self, length, sl, sa, dl, da):
        return self.hcall(H_COPY_RDMA, length, sl, sa, dl, da)[0]

    def map_pages(self):
        assert self.reg_crq() == 0
        assert self.f.num("u %x lb 3 or hv-put-tce ." % IO_RW) == 0
        assert self.f.num("u %x lb 1000 + 1 or hv-put-tce ." % IO_RO) == 0
        assert self.f.num("u %x lb 2000 + 2 or hv-put-tce ." % IO_WO) == 0

    def poke(self, ioba, data):
        """Write bytes to the page mapped at pane-0 `ioba` (big-endian 8-byte chunks)."""
        data = bytes(data) + bytes(-len(data) % 8)
        for off in range(0, len(data), 8):
            v = struct.unpack(">Q", data[off:off + 8])[0]
            self.f.do("%x lb %x + x!" % (v, ioba - IO_RW + off))

    def peek(self, ioba, n):
        out = b""
        for off in range(0, n + (-n % 8), 8):
            v = self.f.nums("lb %x + x@ u." % (ioba - IO_RW + off))[0]
            out += struct.pack(">Q", v)
        return out[:n]

    def ready(self, c):
        """Init, CAP, ack the seed; return the seed's (id, lioba)."""
        assert self.send(0xC001000000000000) == 0
        assert self.recv()[0] == 0xC002000000000000
        assert self.send(0x8001000000010010, 0x0000100001000101) == 0
        assert self.recv()[0] >> 48 == 0x8081
        c.wait_link(True, 10)
        hi, lo = self.recv()
        assert hi >> 48 == 0x8004, hex(hi)
        assert self.send((hi & ~(0xFFFF << 40)) | (0x84 << 48), lo) == 0
        return hi & 0xFFFF, lo & 0xFFFFFFFF


@pytest.fixture
def guest():
    with Vm(firmware_args=SLOF_PROMPT) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        g = HcallGuest(vm)
        g.map_pages()
        yield vm, c, g


def test_request_vmc(guest):
    vm, c, g = guest
    rc, drc = g.hcall(H_REQUEST_VMC)
    assert rc == H_SUCCESS and drc == VMC_REG
    c.fault("request-vmc-rc", H_AUTHORITY & 0xFFFFFFFF)
    assert g.hcall(H_REQUEST_VMC)[0] == H_AUTHORITY
    c.fault("clear")
    assert g.hcall(H_REQUEST_VMC) == (H_SUCCESS, VMC_REG)
    assert c.status()["request_vmc_calls"] == 3


def test_copy_rdma_session_with_real_data(guest):
    vm, c, g = guest
    seed, lioba = g.ready(c)
    hmc_id = b"vmcfw-test-HMC-0123456789abcdef!"
    assert len(hmc_id) == 32
    g.poke(IO_RW, hmc_id)
    assert g.copy(32, VMC_REG, IO_RW, VMC_RIOBN, lioba) == H_SUCCESS
    assert g.send(0x8002000001000000 | seed, 0) == 0
    adds = []
    while True:
        hi, lo = g.recv()
        if (hi >> 48) & 0xFF != 0x04:
            break
        adds.append((hi, lo))
    assert hi >> 48 == 0x8082 and (hi >> 40) & 0xFF == 0, hex(hi)
    for ahi, alo in adds:
        assert g.send((ahi & ~(0xFF << 48)) | (0x84 << 48), alo) == 0
    op = c.wait_type(proto.EV_OPEN, 10)
    assert op.payload == hmc_id and op.session == 1

    # guest -> host: data copied into an MP-owned buffer, then SIGNAL
    mp_bufs = [(h & 0xFFFF, l & 0xFFFFFFFF) for h, l in adds if (h >> 32) & 0xFF == 0]
    bid, blio = mp_bufs[0]
    text = b"guest says hello through H_COPY_RDMA"
    g.poke(IO_RW, text)
    assert g.copy(len(text), VMC_REG, IO_RW, VMC_RIOBN, blio) == H_SUCCESS
    assert g.send(0x8006000001000000 | bid, len(text)) == 0
    assert c.wait_type(proto.EV_MSG, 10).payload == text

    # host -> guest: SIGNAL names the buffer; the guest pulls the data
    reply = b"the HMC answers: 0123456789" * 3
    c.msg(reply, 0, 1)
    hi, lo = g.recv()
    assert hi >> 48 == 0x8006 and lo & 0xFFFFFFFF == len(reply), hex(hi)
    sid = hi & 0xFFFF
    slio = {h & 0xFFFF: l & 0xFFFFFFFF for h, l in adds}
    slio[seed] = lioba
    g.poke(IO_RW, bytes(len(reply)))
    assert g.copy(len(reply), VMC_RIOBN, slio[sid], VMC_REG, IO_RW) == H_SUCCESS
    assert g.peek(IO_RW, len(reply)) == reply
    st = c.status()
    assert st["rdma_ok"] == 3 and st["msgs_to_hmc"] == 1 and st["msgs_to_mp"] == 1, st


def test_copy_rdma_errors(guest):
    vm, c, g = guest
    _, lioba = g.ready(c)
    remote_size = 1 * 16 * 4096
    # a pattern in the remote buffer, so a wrongly allowed copy would show
    g.poke(IO_RW, b"\xa5" * 64)
    assert g.copy(64, VMC_REG, IO_RW, VMC_RIOBN, lioba) == H_SUCCESS
    cases = [
        ("longer than ibm,max-virtual-dma-size", (0x20001, VMC_REG, IO_RW, VMC_RIOBN, lioba),
         H_PARAMETER),
        ("unknown source LIOBN", (32, 0x1234, IO_RW, VMC_RIOBN, lioba), H_SOURCE_PARM),
        ("unknown destination LIOBN", (32, VMC_REG, IO_RW, 0x1234, lioba), H_DEST_PARM),
        ("source past the pane-0 window", (32, VMC_REG, 0x1000000 - 16, VMC_RIOBN, lioba),
         H_SOURCE_PARM),
        ("source address wraps", (32, VMC_REG, 0xFFFFFFFFFFFFFFF0, VMC_RIOBN, lioba),
         H_SOURCE_PARM),
        ("destination past the remote window", (32, VMC_REG, IO_RW, VMC_RIOBN, remote_size - 16),
         H_DEST_PARM),
        ("source page write-only", (32, VMC_REG, IO_WO, VMC_RIOBN, lioba), H_PERMISSION),
        ("source page unmapped", (32, VMC_REG, IO_NONE, VMC_RIOBN, lioba), H_PERMISSION),
        ("destination page read-only", (32, VMC_RIOBN, lioba, VMC_REG, IO_RO), H_PERMISSION),
        ("destination spans into the unmapped page", (0x20, VMC_RIOBN, lioba, VMC_REG,
                                                      IO_NONE - 0x10), H_PERMISSION),
    ]
    failures = []
    for name, args, want in cases:
        got = g.copy(*args)
        if got != want:
            failures.append("%s: got %d, want %d" % (name, got, want))
    assert not failures, failures
    # the read-only page was not written by the refused copy
    assert g.peek(IO_RO, 32) == bytes(32)
    # nothing was harmed: a good copy still works
    assert g.copy(32, VMC_REG, IO_RW, VMC_RIOBN, lioba) == H_SUCCESS
    assert vm.alive()


def test_copy_rdma_refused_while_link_down(guest):
    vm, c, g = guest
    # registered but no CAP: pane 1 must be refused
    assert g.copy(32, VMC_REG, IO_RW, VMC_RIOBN, 0) == H_DEST_PARM


def test_fail_copy_rdma_fault(guest):
    vm, c, g = guest
    _, lioba = g.ready(c)
    c.fault("fail-copy-rdma", 1)
    assert g.copy(32, VMC_REG, IO_RW, VMC_RIOBN, lioba) == H_PERMISSION
    assert g.copy(32, VMC_REG, IO_RW, VMC_RIOBN, lioba) == H_SUCCESS
    c.fault_rdma(2, 1, -1)
    assert g.copy(32, VMC_REG, IO_RW, VMC_RIOBN, lioba) == H_SUCCESS
    assert g.copy(32, VMC_REG, IO_RW, VMC_RIOBN, lioba) == -1
    assert g.copy(32, VMC_REG, IO_RW, VMC_RIOBN, lioba) == H_SUCCESS


def test_strict_mode_refuses_same_pane_and_foreign_buffers():
    with Vm("strict=on", firmware_args=SLOF_PROMPT) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        g = HcallGuest(vm)
        g.map_pages()
        seed, lioba = g.ready(c)
        # local -> local and remote -> remote: H_PARAMETER in strict mode
        assert g.copy(32, VMC_REG, IO_RW, VMC_REG, IO_RW + 0x100) == H_PARAMETER
        assert g.copy(32, VMC_RIOBN, lioba, VMC_RIOBN, lioba + 0x100) == H_PARAMETER
        # a LIOBA that is not an advertised buffer of the guest: refused
        assert g.copy(32, VMC_REG, IO_RW, VMC_RIOBN, lioba + 4096 * 5) in (H_PERMISSION,
                                                                          H_DEST_PARM)
        # the seed buffer is the guest's: allowed
        assert g.copy(32, VMC_REG, IO_RW, VMC_RIOBN, lioba) == H_SUCCESS
        assert vm.alive()
