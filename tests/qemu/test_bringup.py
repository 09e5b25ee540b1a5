# SPDX-License-Identifier: GPL-2.0-or-later
"""Bring-up (issue 7): image shape checks, real-mode discipline, PReP disk
boot (virtio-blk, spapr-vscsi), SLOF netboot, gdb against QEMU's stub."""
import os
import re
import shutil
import socket
import struct
import subprocess
import sys

import pytest
from catalogue import tap_ok
from conftest import REPO, boot, run_argv

sys.path.insert(0, os.path.join(REPO, "tools"))
import bringup  # noqa: E402
import elfnotes  # noqa: E402
import mkprepdisk  # noqa: E402
import qemu_cmd  # noqa: E402

TIMEOUT = 120
READELF = {"big": "powerpc64-linux-gnu-readelf", "little": "powerpc64le-linux-gnu-readelf"}
ENDIAN_IDS = {"big": "be", "little": "le"}


def image(endian):
    path = qemu_cmd.image_path(endian)
    assert os.path.exists(path), f"{path} missing: run make images"
    return path


def assert_smoke_passed(r):
    assert r.rc == 0, f"QEMU exit {r.rc}"
    assert r.exit_status() == 0
    plan, results = r.tap()
    assert plan and sorted(results) == list(range(1, plan + 1))
    assert all(st == "ok" for st, _ in results.values())
    assert re.search(tap_ok("bootargs") + r": 'smoke\b", r.out), "boot arguments arrived"


def banner(r):
    m = re.search(r"entered at 0x([0-9a-f]+) \(linked 0x([0-9a-f]+), size 0x([0-9a-f]+)\)", r.out)
    assert m, "no banner"
    return int(m.group(1), 16), int(m.group(2), 16), int(m.group(3), 16)


# --- image shape -----------------------------------------------------------

@pytest.mark.parametrize("endian", ["big", "little"], ids=ENDIAN_IDS.get)
def test_check_image_passes(endian):
    p = subprocess.run(["sh", "scripts/check-image.sh", READELF[endian], image(endian), endian],
                       cwd=REPO, capture_output=True, text=True)
    print(p.stdout, p.stderr)
    assert p.returncode == 0
    assert "ok" in p.stdout and "notes at" in p.stdout


def _corrupt_note(data, which, field_offset, value):
    """Overwrite bytes of PT_NOTE number @which (0/1) at @field_offset."""
    data = bytearray(data)
    notes = [s for s in elfnotes.phdrs(bytes(data)) if s[1] == elfnotes.PT_NOTE]
    off = notes[which][2] + field_offset
    data[off:off + len(value)] = value
    return bytes(data)


def _drop_notes(data):
    """Turn both PT_NOTE program headers into PT_NULL."""
    data = bytearray(data)
    e = "<" if data[5] == 1 else ">"
    phoff, = struct.unpack_from(e + "Q", data, 32)
    phentsize, = struct.unpack_from(e + "H", data, 54)
    for i, t, _, _ in elfnotes.phdrs(bytes(data)):
        if t == elfnotes.PT_NOTE:
            struct.pack_into(e + "I", data, phoff + i * phentsize, 0)
    return bytes(data)


@pytest.mark.parametrize("endian", ["big", "little"], ids=ENDIAN_IDS.get)
@pytest.mark.parametrize("damage,message", [
    ("real-base", "\"PowerPC\" note"),             # descriptor word 2 changed
    ("swapped-type", "\"PowerPC\" note"),          # header word in the other byte order
    ("rpa-ignore", "\"IBM,RPA-Client-Config\" note"),
    ("rpa-name", "\"IBM,RPA-Client-Config\" note"),
    ("no-notes", "expected 2 PT_NOTE program headers"),
])
def test_check_image_fails_loudly(endian, damage, message, tmp_path):
    with open(image(endian), "rb") as f:
        data = f.read()
    if damage == "real-base":
        data = _corrupt_note(data, 0, 12 + 8 + 4, b"\x00\xc0\x00\x00")
    elif damage == "swapped-type":
        word = struct.pack("<I" if endian == "big" else ">I", 0x1275)
        data = _corrupt_note(data, 0, 8, word)
    elif damage == "rpa-ignore":
        data = _corrupt_note(data, 1, 12 + 24 + 28, b"\x01\x00\x00\x00")
    elif damage == "rpa-name":
        data = _corrupt_note(data, 1, 12 + 4, b"r")
    else:
        data = _drop_notes(data)
    bad = tmp_path / "bad.elf"
    bad.write_bytes(data)
    p = subprocess.run(["sh", "scripts/check-image.sh", READELF[endian], str(bad), endian],
                       cwd=REPO, capture_output=True, text=True)
    print(p.stdout, p.stderr)
    assert p.returncode != 0
    assert "check-image:" in p.stderr and message in p.stderr


@pytest.mark.parametrize("endian", ["big", "little"], ids=ENDIAN_IDS.get)
def test_prep_disk_layout(endian, tmp_path):
    with open(image(endian), "rb") as f:
        elf = f.read()
    disk = mkprepdisk.make_disk(elf)
    mbr = disk[:512]
    assert mbr[510:512] == b"\x55\xaa"
    status, ptype = mbr[0x1BE], mbr[0x1BE + 4]
    start, count = struct.unpack_from("<II", mbr, 0x1BE + 8)
    assert status == 0x80 and ptype == 0x41, "partition 1: active PReP"
    assert all(b == 0 for b in mbr[0x1CE:0x1FE]), "partitions 2-4 empty"
    assert count <= 65536 and len(disk) == (start + count) * 512
    part = disk[start * 512:(start + count) * 512]
    assert part[:4] == b"\x7fELF"
    notes = [s for s in elfnotes.phdrs(part) if s[1] == elfnotes.PT_NOTE]
    assert len(notes) == 2 and all(off + size <= 1024 for _, _, off, size in notes)
    # Same program as the build's ELF: identical PT_LOAD bytes.
    (_, _, loff, lsize), = [s for s in elfnotes.phdrs(elf) if s[1] == 1]
    assert part[loff:loff + lsize] == elf[loff:loff + lsize]
    # The early-notes copy passes check-image (with the head layout).
    copy = tmp_path / "early.elf"
    copy.write_bytes(part[:len(elf)])
    p = subprocess.run(["sh", "scripts/check-image.sh", READELF[endian], str(copy), endian],
                       cwd=REPO, capture_output=True, text=True)
    print(p.stdout, p.stderr)
    assert p.returncode == 0


# --- real-mode discipline ----------------------------------------------------

def assert_below_rma(r):
    """The image and RTAS stay inside the first memory node (the RMA)."""
    entered, _, size = banner(r)
    m = re.search(tap_ok("device-tree") + r": \w+, (\d+) MiB", r.out)
    assert m, "device-tree check reports the RMA size"
    rma = int(m.group(1)) << 20
    assert entered + size <= rma, f"image ends at {entered + size:#x}, RMA {rma:#x}"
    m = re.search(r"RTAS (\d+) bytes at 0x([0-9a-f]+)", r.out)
    assert m, "RTAS placement logged"
    assert int(m.group(2), 16) + int(m.group(1)) <= rma, "RTAS inside the RMA"


@pytest.mark.parametrize("endian", ["big", "little"], ids=ENDIAN_IDS.get)
def test_smallest_rma_slof(endian):
    """-m 256 is the smallest pseries RAM size (256 MiB granules)."""
    r = boot(endian, "slof", "smoke", mem="256", timeout=TIMEOUT)
    assert_smoke_passed(r)
    assert re.search(tap_ok("device-tree") + r": SLOF, 256 MiB", r.out)
    assert_below_rma(r)


NUMA_256_OF_1024 = ["-smp", "2",
                    "-object", "memory-backend-ram,id=m0,size=256M",
                    "-object", "memory-backend-ram,id=m1,size=768M",
                    "-numa", "node,memdev=m0,cpus=0", "-numa", "node,memdev=m1,cpus=1"]


@pytest.mark.parametrize("endian,fw", [("big", "slof"), ("little", "vof")])
def test_rma_smaller_than_ram(endian, fw):
    """PowerVM's shape: 1 GiB of RAM but a 256 MiB RMA (QEMU caps the RMA at
    the first NUMA node, /memory@0). The image must size the RMA from it."""
    r = boot(endian, fw, "smoke", mem="1024", extra=NUMA_256_OF_1024, timeout=TIMEOUT)
    assert_smoke_passed(r)
    assert re.search(tap_ok("device-tree") + r": \w+, 256 MiB, 2 cpu\(s\)", r.out), "RMA, not all RAM"
    assert_below_rma(r)


@pytest.mark.parametrize("fw,kaddr", [("vof", 0x2000000), ("slof", 0x8000000)], ids=["vof-32M", "slof-128M"])
def test_relocated_load_address_le(fw, kaddr):
    r = boot("little", fw, "smoke", machine=f"kernel-addr={kaddr:#x}", timeout=TIMEOUT)
    assert_smoke_passed(r)
    entered, linked, _ = banner(r)
    run, offset = bringup.run_offset(image("little"), kaddr)
    assert entered == run and linked + offset == entered, "runs where QEMU put it"
    assert_below_rma(r)


@pytest.mark.parametrize("endian", ["big", "little"], ids=ENDIAN_IDS.get)
def test_device_addresses_come_from_the_device_tree(endian):
    """vty at PowerVM's unit address, a vscsi at an odd one, shifted
    interrupt numbers and LIOBN: console and CRQ (irq mode) still work."""
    extra = ["-device", "spapr-vscsi,reg=0x3000",
             "-chardev", "stdio,id=c0", "-device", "spapr-vty,chardev=c0,reg=0x30000000"]
    r = boot(endian, "vof", "smoke irq", extra=extra, serial=None, timeout=TIMEOUT)
    assert_smoke_passed(r)
    assert re.search(tap_ok("console") + r": vty 0x30000000\b", r.out)
    m = re.search(r"vdevice v-scsi@3000 .* irq=0x([0-9a-f]+)", r.out)
    assert m and int(m.group(1), 16) != 0x1102
    m = re.search(tap_ok("crq") + r": v-scsi@3000 irq mode: \d+ handshakes.*?, (\d+) interrupts", r.out)
    assert m and int(m.group(1)) > 0, "CRQ interrupts on the device tree's number"


# --- PReP disk boot ------------------------------------------------------------

@pytest.fixture(scope="module")
def disks(tmp_path_factory):
    out = {}
    d = tmp_path_factory.mktemp("disks")
    for endian in ("big", "little"):
        with open(image(endian), "rb") as f:
            elf = f.read()
        path = d / f"vmcfw-{ENDIAN_IDS[endian]}.img"
        path.write_bytes(mkprepdisk.make_disk(elf))
        out[endian] = str(path)
    return out


@pytest.mark.parametrize("bus,path_re", [
    ("virtio", r"/pci@[0-9a-f]+/scsi@[0-9a-f]+"),
    ("vscsi", r"/vdevice/v-scsi@[0-9a-f]+/disk@[0-9a-f]+"),
], ids=["virtio", "vscsi"])
@pytest.mark.parametrize("endian", ["big", "little"], ids=ENDIAN_IDS.get)
def test_prep_disk_boot(disks, endian, bus, path_re):
    r = run_argv(bringup.disk_argv(disks[endian], bus, "smoke"), f"disk-{endian}-{bus}", TIMEOUT)
    assert re.search(r"Trying to load: smoke from: " + path_re, r.out), "SLOF booted that disk"
    assert "E3402" not in r.out and "E3405" not in r.out
    assert_smoke_passed(r)
    entered, linked, _ = banner(r)
    assert entered == linked == 0x4000000, "SLOF loads the PT_LOAD at p_paddr"
    assert ("(BE, ELFv1)" if endian == "big" else "(LE, ELFv2)") in r.out
    if bus == "vscsi":
        # SLOF used the vscsi CRQ to read the disk: the image registers it again.
        assert re.search(tap_ok("crq") + r": v-scsi@[0-9a-f]+ poll mode: \d+ handshakes", r.out)


# --- netboot -------------------------------------------------------------------

@pytest.mark.parametrize("endian", ["big", "little"], ids=ENDIAN_IDS.get)
def test_netboot(endian, tmp_path):
    with open(image(endian), "rb") as f:
        (tmp_path / "vmcfw.elf").write_bytes(elfnotes.early_notes(f.read()))
    r = run_argv(bringup.net_argv(str(tmp_path), "smoke"), f"net-{endian}", TIMEOUT)
    assert "TFTP: Received vmcfw.elf" in r.out
    assert_smoke_passed(r)
    entered, linked, _ = banner(r)
    assert entered == linked == 0x4000000


# --- debugger ------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not shutil.which("gdb-multiarch"), reason="gdb-multiarch not installed")
@pytest.mark.parametrize("endian,fw", [("big", "slof"), ("little", "vof")])
def test_gdb_stops_at_boot_main(endian, fw, tmp_path):
    img = image(endian)
    run, offset = bringup.run_offset(img)
    argv = [sys.executable, os.path.join(REPO, "tools", "bringup.py"), "debug", "--batch",
            "--image", img, "--fw", fw, "--port", str(free_port()), "--console", str(tmp_path / "console.log"),
            "--timeout", str(TIMEOUT),
            "--gdb-cmd", "break boot_main", "--gdb-cmd", "continue",
            "--gdb-cmd", "info symbol $pc", "--gdb-cmd", "printf \"R3=%#lx\\n\", $r3",
            "--gdb-cmd", "info registers pc"]
    r = run_argv(argv, f"gdb-{endian}-{fw}", timeout=TIMEOUT + 30)
    text = r.out + r.err
    assert f"symbols offset {offset:#x}" in text
    assert re.search(r"Breakpoint 1, (0x[0-9a-f]+ in )?boot_main \(", text), "stopped at boot_main"
    assert re.search(r"boot_main( \+ \d+)? in section \.text", text), "pc in boot_main (LE: local entry)"
    m = re.search(r"R3=(0x[0-9a-f]+)", text)
    assert m and int(m.group(1), 16) == run, "r3 (start) is where QEMU loaded the image"
    m = re.search(r"^pc\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+ <boot_main", text, re.M)
    assert m and run <= int(m.group(1), 16) < run + 0x100000


def test_make_help_lists_bringup_targets():
    p = subprocess.run(["make", "--no-print-directory", "-s", "help-bringup"], cwd=REPO,
                       capture_output=True, text=True)
    assert p.returncode == 0
    for target in ("make disk", "make disk-boot", "make netboot", "make debug"):
        assert target in p.stdout
