#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write a raw disk image with an MBR whose partition 1 is a PReP boot
partition (type 0x41, active 0x80) holding an ELF image.

  tools/mkprepdisk.py build/vmcfw.elf build/vmcfw-disk.img
  tools/mkprepdisk.py --raw-notes ELF DISK     keep the notes where ld put them

SLOF boots an MBR partition only if it is active AND of type 0x41; it reads
the whole partition (at most 32 MiB) to 0x4000 and loads the ELF's PT_LOAD
at p_paddr. PowerVM's partition firmware (SMS) boots the same layout. By
default the ELF's PT_NOTE contents are copied into its first 1024 bytes
(tools/elfnotes.py), where Linux's zImage keeps them.
"""
import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import elfnotes  # noqa: E402

SECTOR = 512
PART_START = 2048          # 1 MiB, the usual alignment
MIB_SECTORS = (1 << 20) // SECTOR
SLOF_MAX_SECTORS = 65536   # SLOF reads at most 32 MiB of a PReP partition
PREP_TYPE = 0x41
ACTIVE = 0x80


def chs(lba, heads=255, spt=63):
    """3-byte CHS field for @lba (0xFE 0xFF 0xFF beyond cylinder 1023)."""
    cyl = lba // (heads * spt)
    if cyl > 1023:
        return bytes([0xFE, 0xFF, 0xFF])
    head = (lba // spt) % heads
    sect = lba % spt + 1
    return bytes([head, ((cyl >> 2) & 0xC0) | sect, cyl & 0xFF])


def mbr(start, count, disk_id=0x766d6366):
    m = bytearray(SECTOR)
    struct.pack_into("<I", m, 0x1B8, disk_id)
    entry = bytes([ACTIVE]) + chs(start) + bytes([PREP_TYPE]) + chs(start + count - 1) + \
        struct.pack("<II", start, count)
    m[0x1BE:0x1BE + 16] = entry
    m[510:512] = b"\x55\xaa"
    return bytes(m)


def make_disk(elf, raw_notes=False):
    if elf[:4] != b"\x7fELF":
        raise elfnotes.ElfError("not an ELF file")
    if not raw_notes:
        elf = elfnotes.early_notes(elf)
    count = -(-len(elf) // SECTOR)
    count = -(-count // MIB_SECTORS) * MIB_SECTORS      # whole MiB
    if count > SLOF_MAX_SECTORS:
        raise elfnotes.ElfError(f"ELF of {len(elf)} bytes exceeds SLOF's 32 MiB PReP limit")
    img = bytearray((PART_START + count) * SECTOR)
    img[0:SECTOR] = mbr(PART_START, count)
    img[PART_START * SECTOR:PART_START * SECTOR + len(elf)] = elf
    return bytes(img)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("elf")
    ap.add_argument("disk")
    ap.add_argument("--raw-notes", action="store_true", help="do not copy the notes to the file head")
    a = ap.parse_args()
    with open(a.elf, "rb") as f:
        elf = f.read()
    try:
        img = make_disk(elf, a.raw_notes)
    except elfnotes.ElfError as err:
        print(f"mkprepdisk: {a.elf}: {err}", file=sys.stderr)
        return 1
    tmp = a.disk + ".tmp"
    with open(tmp, "wb") as f:
        f.write(img)
    os.replace(tmp, a.disk)
    print(f"mkprepdisk: {a.disk}: {len(img) // (1 << 20)} MiB, PReP partition 1 at LBA {PART_START}, "
          f"{len(elf)} byte ELF")
    return 0


if __name__ == "__main__":
    sys.exit(main())
