# SPDX-License-Identifier: GPL-2.0-or-later
"""spapr-vmc must not burn host CPU for a hostile HMC peer or guest.

Two ways a misbehaving party could keep QEMU's main loop busy while it
itself idles (docs/security.md, docs/qemu-device.md):

* a peer that shuts down its read side of the HMC socket but stays
  connected: every write of the device then fails at once; the device must
  give the connection up instead of retrying, and a new connection must
  work;
* a guest that registers a large CRQ, marks its entries busy and never
  consumes: the device's crq_size/2 flow-control check must cost one
  guest-memory read, and a blocked device must back off.

The measure is QEMU's CPU time from /proc (seconds of CPU, not wall time),
and the device's own STATUS counters (crq_reads, kicks, out_write_errors).
"""
import os
import socket
import struct
import time

import pexpect
import pytest

from test_vmc_device_common import VMC_REG, Forth, Vm, proto, vmc_image
from tools.hmc import scenarios

SLOF_PROMPT = ["-prom-env", "auto-boot?=false"]
WINDOW = 5.0            # seconds of hostile behaviour measured
CPU_BUDGET = 0.5        # CPU seconds QEMU may use in that window (10 %)
# extra main-thread CPU seconds a throttled device may cost over the window
# (measured: none beyond noise; the unbounded walk cost 0.8 s or more on 2 busy cores)
THROTTLED_BUDGET = 0.3
WARNING = "the HMC peer no longer accepts data"


def cpu_seconds(pid, tid=None):
    """utime + stime of a process (or of one of its threads) in seconds."""
    path = "/proc/%d/stat" % pid if tid is None else "/proc/%d/task/%d/stat" % (pid, tid)
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_over(pid, seconds, tid=None):
    t0 = cpu_seconds(pid, tid)
    time.sleep(seconds)
    return cpu_seconds(pid, tid) - t0


def stderr_so_far(vm):
    """Drain what QEMU printed on its terminal (stderr; console is elsewhere)."""
    try:
        vm.p.expect(pexpect.TIMEOUT, timeout=0.5)
    except pexpect.EOF:
        pass
    with open(os.path.join(vm.dir, "console.log"), errors="replace") as f:
        return f.read()


def half_close(c, pings=5):
    """The hostile peer: stop reading, stay connected, keep asking. Return
    whether the device closed the connection meanwhile (it may)."""
    c.sock.shutdown(socket.SHUT_RD)
    for i in range(pings):
        try:
            c.send(proto.CMD_PING, b"ping %d" % i)
        except (BrokenPipeError, ConnectionResetError):
            return True
        time.sleep(0.05)
    return False


# ------------------------------------------------------- a half-closed peer
def test_half_closed_peer_no_guest_costs_no_cpu_and_can_reconnect():
    """QEMU stopped (-S): all the CPU QEMU uses is the device's doing."""
    with Vm(extra=["-S"], console=False) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        assert c.ping(b"before") == b"before"
        half_close(c)
        used = cpu_over(vm.p.pid, WINDOW)
        print("QEMU CPU over %.1f s of half-close: %.2f s" % (WINDOW, used))
        assert used < CPU_BUDGET, "QEMU used %.2f CPU-s in %.1f s for a half-closed peer" % (
            used, WINDOW)
        assert vm.alive()
        c.close()
        c = vm.connect()
        assert c.wait_type(proto.EV_LINK, 10).link_up is False
        assert c.ping(b"again") == b"again"
        st = c.status()
        assert st["out_write_errors"] == 1, st
        assert st["out_error_bytes"] == 8 + len(b"ping 0"), st    # the first PONG, lost
        assert stderr_so_far(vm).count(WARNING) == 1


def test_half_closed_peer_with_guest_idle_echo_image():
    """The vmcfw image as the guest (VOF, echo quiet irq): the channel survives
    a half-closed peer, the next peer talks to the same session. Under
    VMC_SANITIZE=1 through SLOF: UBSan trips over QEMU's own vof.c."""
    img = vmc_image()
    if not img:
        pytest.skip("build/vmcfw.elf not built (make image)")
    vof = [] if os.environ.get("VMC_SANITIZE") == "1" else ["-machine", "x-vof=on"]
    with Vm(extra=vof + ["-kernel", img, "-append", "echo quiet irq", "-no-reboot", "-S"],
            console="file", timeout=90) as vm:
        c = vm.connect(90)
        c.wait_type(proto.EV_LINK, 10)
        vm.monitor("cont")           # the peer is there before the guest opens its session
        op = scenarios.wait_session(c, 90)
        c.msg(b"first", op.index, op.session)
        assert c.wait_type(proto.EV_MSG, 30).payload == b"first"
        idle = cpu_over(vm.p.pid, 2.0)
        half_close(c)
        used = cpu_over(vm.p.pid, WINDOW)
        print("QEMU CPU: idle %.2f s in 2 s, half-closed %.2f s in %.1f s" % (idle, used, WINDOW))
        assert used < CPU_BUDGET, "QEMU used %.2f CPU-s in %.1f s for a half-closed peer" % (
            used, WINDOW)
        # the guest kept the session; a new peer sees it in STATUS and uses it
        c.close()
        c = vm.connect()
        assert c.wait_type(proto.EV_LINK, 10).link_up is True
        st = c.status()
        assert st["phase"] == "READY" and st["hmcs"][0]["session"] == op.session, st
        assert st["out_write_errors"] == 1 and st["out_error_bytes"] >= 8, st
        for i in range(20):
            data = b"after half-close %d" % i
            c.msg(data, op.index, op.session)
            f = c.wait(lambda f: f.type in (proto.EV_MSG, proto.EV_ERROR), 30, "echo")
            assert f.type == proto.EV_MSG and f.payload == data, f.describe()
        assert stderr_so_far(vm).count(WARNING) == 1
        assert vm.alive()


# ---------------------------------------- a guest with a large, busy CRQ
QUEUE_BYTES = 0x100000          # 65536 entries: the old walk read 2048 headers per check
CAP_CRQ = 16                    # the guest's CAP says 16 entries: at most 8 outstanding
FREE_SLOTS = 64                 # slots 0..63 start free, every other header is busy


class BusyQueueGuest:
    """A management partition at SLOF's prompt with a 1 MiB CRQ whose entries
    (all but the first FREE_SLOTS) carry a busy header from the start."""

    def __init__(self, vm):
        self.f = Forth(vm)
        for line in [
            "0 value q 0 value u create m 10 allot",
            "%x to u" % VMC_REG,
            "%x alloc-mem fff + fffff000 and to q" % (QUEUE_BYTES + 0x1000),
            ": snd ( hi lo -- rc ) m 8 + x! m x! u m hv-send-crq ;",
            ": ent ( n -- hi ) 10 * q + x@ ;",
            # pane 0, IOBA i*4K -> q + i*4K, device may read and write
            ": map-q ( pages -- rc ) 0 swap 0 do u i c lshift dup q + 3 or hv-put-tce or loop ;",
        ]:
            out = self.f.do(line)
            assert "error" not in out.lower() and "not found" not in out.lower(), out
        assert self.f.num("q .") != 0, "alloc-mem of the queue failed"
        self.f.do("q %x 80 fill q %x erase" % (QUEUE_BYTES, FREE_SLOTS * 16))
        assert self.f.num("%x map-q ." % (QUEUE_BYTES // 0x1000), timeout=60) == 0
        assert self.f.num("u 0 %x hv-reg-crq ." % QUEUE_BYTES) == 0

    def send(self, hi, lo=0):
        return self.f.num("%x %x snd ." % (hi, lo))

    def slot(self, n):
        return self.f.num("%x ent ." % n)


def test_busy_large_crq_costs_one_read_per_check_and_backs_off():
    with Vm(firmware_args=SLOF_PROMPT) as vm:
        c = vm.connect()
        c.wait_type(proto.EV_LINK, 10)
        g = BusyQueueGuest(vm)
        # SLOF polls its console at the prompt, which costs QEMU's main thread
        # some CPU by itself: measure that first, the device may add little
        main = vm.p.pid                  # QEMU's main thread runs the device's timer
        baseline = cpu_over(vm.p.pid, WINDOW, tid=main)
        assert g.send(0xC001000000000000) == 0                      # Init
        # CAP: 1 HMC, pool 16, MTU 4096, crq_size CAP_CRQ, version 0x0101
        assert g.send(0x8001000000010010, 0x0000100000000101 | CAP_CRQ << 16) == 0
        c.wait_link(True, 10)
        # Init Complete, CAP_RESP, the seed ADD_BUF, then entries from the peer
        for i in range(20):
            c.raw_crq(struct.pack(">QQ", 0x80AA000000000000 | i, i))
        end = time.monotonic() + 10
        while time.monotonic() < end:
            st = c.status()
            if st["tx_entries"] >= CAP_CRQ // 2:
                break
            time.sleep(0.1)
        time.sleep(0.5)

        # the guest idles at its prompt and never consumes: the device waits
        before = c.status()
        used = cpu_over(vm.p.pid, WINDOW, tid=main)
        after = c.status()
        print("main thread CPU: %.2f s at the prompt, %.2f s throttled (%.1f s each)" % (
            baseline, used, WINDOW))
        assert used < baseline + THROTTLED_BUDGET, \
            "QEMU main thread used %.2f CPU-s in %.1f s throttled (%.2f s before)" % (
                used, WINDOW, baseline)
        assert st["tx_entries"] == CAP_CRQ // 2, st       # half the CAP'd queue, no more
        assert st["outq"] == 3 + 20 - CAP_CRQ // 2, st
        assert g.slot(CAP_CRQ // 2) == 0, "entry written beyond crq_size/2"
        reads = after["crq_reads"] - before["crq_reads"]
        kicks = after["kicks"] - before["kicks"]
        print("throttled %.1f s: %d CRQ reads, %d retries" % (WINDOW, reads, kicks))
        assert after["tx_entries"] == before["tx_entries"], after
        assert after["tx_throttled"] > before["tx_throttled"], after
        assert reads <= kicks + 2, (reads, kicks)          # one read per retry at most
        assert kicks <= 200, "%d retries in %.1f s: no backoff" % (kicks, WINDOW)

        # the guest consumes (silently, no hcall): every waiting entry arrives,
        # each costing at most two reads (flow-control check + slot probe)
        n = after["outq"]
        got = 0
        end = time.monotonic() + 30
        while got < 20 and time.monotonic() < end:
            g.f.do("q %x erase" % (FREE_SLOTS * 16))
            time.sleep(0.3)
            st = c.status()
            got = st["tx_entries"] - 3
        assert st["outq"] == 0 and got == 20, st
        sent = st["tx_entries"] - after["tx_entries"]
        reads = st["crq_reads"] - after["crq_reads"]
        kicks = st["kicks"] - after["kicks"]
        print("drain: %d entries, %d CRQ reads, %d retries" % (sent, reads, kicks))
        assert sent == n
        assert reads <= 2 * sent + kicks + 2, (sent, reads, kicks)
        assert vm.alive()
