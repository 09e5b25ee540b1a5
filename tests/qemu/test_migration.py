# SPDX-License-Identifier: GPL-2.0-or-later
"""spapr-vmc across a migration: the real image in echo mode, the patched
QEMU, a real HMC peer. The source migrates to a file; a second QEMU started
with -incoming loads it; the peer connects to the destination's socket, is
told the link and the open session, and a checksummed soak continues on
the same session. docs/qemu-device.md §Migration says what travels."""
import os
import re

import pexpect
import pytest

from test_vmc_device_common import sanitizer_qemu
from migration_common import T, MigVm, migrate_to_file, wait_running
from tools.hmc import scenarios

@pytest.mark.parametrize("mode", ["poll", "irq"])
@pytest.mark.parametrize("fw", ["slof", "vof"])
@pytest.mark.parametrize("endian", ["big", "little"])
def test_session_survives_migration(tmp_path, endian, fw, mode):
    state = str(tmp_path / "state")
    with MigVm(endian, fw, "echo " + mode) as src:
        c = src.connect(T)
        op = scenarios.wait_session(c, T)
        assert scenarios.soak_host_driven(c, op.index, op.session, count=100, out=print) == 100
        migrate_to_file(src, state)
        assert os.path.getsize(state) > 0
        c.close()
        src.hmc = None
    with MigVm(endian, fw, "echo " + mode, incoming="exec:cat " + state) as dst:
        c = dst.connect(T)
        wait_running(dst)
        # a new connection is told the link state and the open session (a
        # peer that connects before the state has arrived is told "down"
        # first, then "ready" and the session once it is loaded)
        op2 = scenarios.wait_session(c, T)
        assert (op2.index, op2.session) == (op.index, op.session)
        assert op2.payload.rstrip(b"\0") == op.payload.rstrip(b"\0")
        assert scenarios.soak_host_driven(c, op.index, op.session, count=100, out=print) == 100
        st = c.status()
        assert st["violations"] == 0, st
        log = dst.serial()
        assert "ev=link_down" not in log, "the firmware saw no break"
        assert len(re.findall(r"ev=rx idx=0", log)) == 100, "the destination's console continues"


def test_session_survives_migration_on_sanitizer_qemu(tmp_path, monkeypatch):
    """The same save and load in the ASan+UBSan build of the patched QEMU
    (make test builds it): a sanitizer report ends QEMU and fails. SLOF:
    QEMU 7.2's own vof.c trips UBSan (docs/security.md)."""
    monkeypatch.setenv("VMC_QEMU", sanitizer_qemu())
    monkeypatch.setenv("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1")
    monkeypatch.setenv("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    test_session_survives_migration(tmp_path, "big", "slof", "irq")


REFUSED = r"spapr-vmc: incoming engine state refused: "


@pytest.mark.parametrize("damage,reason", [
    ("format", REFUSED + r"snapshot format 255; this engine reads format 2"),
    ("phase", REFUSED + r"phase is 9, more than 3"),
    ("device", REFUSED + r"device block: CRQ registration flag is neither 0 nor 1"),
    ("version", r"spapr_vmc: incoming version_id 1 is too old for local minimum version_id +2"),
])
def test_corrupt_incoming_state_is_refused(tmp_path, damage, reason):
    """A damaged stream in the migration data (the engine's, the device block
    before it: docs/qemu-device.md §2.5), or the device's section from an
    older format (version 1): the destination says why and refuses the whole
    load (QEMU ends), never runs half-loaded."""
    state = str(tmp_path / "state")
    with MigVm("big", "vof", "echo poll") as src:
        c = src.connect(T)
        scenarios.wait_session(c, T)
        migrate_to_file(src, state)
    data = bytearray(open(state, "rb").read())
    at = data.find(b"VMCHVSNP")
    assert at > 0 and data.find(b"VMCHVSNP", at + 1) < 0, "one engine stream in the file"
    dev = data.find(b"VMCHVDEV")
    assert dev == at - 48, "the device block opens the stream, before the engine's"
    header = b"spapr_vmc\0\0\0\0\0\0\0\2"   # the section's idstr, instance 0, version 2
    sec = data.find(header)
    assert sec > 0 and data.find(header, sec + 1) < 0, "one spapr_vmc section"
    if damage == "format":
        data[at + 11] = 0xFF
    elif damage == "phase":
        data[at + 16 + 59] = 9      # the phase byte (hv/hv_snapshot.c format 2)
    elif damage == "device":
        data[dev + 8] = 2           # the CRQ registration flag (hv/hv_device.c)
    else:
        data[sec + 16] = 1          # the section's version_id, low byte
    open(state, "wb").write(bytes(data))
    with MigVm("big", "vof", "echo poll", incoming="exec:cat " + state, qmp_now=False) as dst:
        dst.p.expect(pexpect.EOF, timeout=T)
        out = open(os.path.join(dst.dir, "console.log"), errors="replace").read()
        assert re.search(reason, out), out[-2000:]
        dst.p.close()
        assert dst.p.exitstatus not in (0, None), "QEMU must not run the partition"
