#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Copy an ELF64's PT_NOTE contents into the first 1024 bytes of the file.

GNU ld cannot give a non-loaded section a file offset ahead of the PT_LOAD
(see linker.ld), so the notes linker.ld emits sit after the PT_LOAD's bytes.
Partition firmware that only looks at the head of the file (the layout
Linux's zImage has) wants them right after the program header table. This
copies each PT_NOTE's bytes into the zero padding there and points the
program header (and the matching SHT_NOTE section header) at the copy.
Nothing else changes: same PT_LOAD, same entry, same bytes loaded.

  tools/elfnotes.py early IN.elf OUT.elf     write the early-notes copy
  tools/elfnotes.py show IN.elf              print each PT_NOTE's offset and size
  tools/elfnotes.py rma IN.elf               the real-mode area the image needs (its
                                             PT_LOAD up to p_paddr + p_memsz, in MiB)
                                             against the RPA note's min_rmo_size;
                                             exit 1 when the note asks for less
"""
import struct
import sys

PT_LOAD = 1
PT_NOTE = 4
SHT_NOTE = 7
HEAD_LIMIT = 1024


class ElfError(Exception):
    pass


def _layout(data):
    if data[:4] != b"\x7fELF":
        raise ElfError("not an ELF file")
    if data[4] != 2:
        raise ElfError("not ELF64")
    if data[5] not in (1, 2):
        raise ElfError("bad EI_DATA")
    e = "<" if data[5] == 1 else ">"
    phoff, shoff = struct.unpack_from(e + "QQ", data, 32)
    phentsize, phnum, shentsize, shnum = struct.unpack_from(e + "HHHH", data, 54)
    return e, phoff, phentsize, phnum, shoff, shentsize, shnum


def phdrs(data):
    """[(index, p_type, p_offset, p_filesz)]"""
    e, phoff, phentsize, phnum, _, _, _ = _layout(data)
    out = []
    for i in range(phnum):
        base = phoff + i * phentsize
        p_type, = struct.unpack_from(e + "I", data, base)
        p_offset, = struct.unpack_from(e + "Q", data, base + 8)
        p_filesz, = struct.unpack_from(e + "Q", data, base + 32)
        out.append((i, p_type, p_offset, p_filesz))
    return out


RPA_NAME = b"IBM,RPA-Client-Config\0"
RPA_TYPE = 0x12759999
MIB = 1 << 20


def notes(data):
    """[(name, type, desc)] of every PT_NOTE (header words in the ELF's order)."""
    e = _layout(data)[0]
    out = []
    for _, t, off, size in phdrs(data):
        if t != PT_NOTE:
            continue
        pos, end = off, off + size
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from(e + "III", data, pos)
            name = data[pos + 12:pos + 12 + namesz]
            dpos = pos + 12 + ((namesz + 3) & ~3)
            out.append((name, ntype, data[dpos:dpos + descsz]))
            pos = dpos + ((descsz + 3) & ~3)
    return out


def rma_need(data):
    """(MiB the loaded image needs from real address 0, min_rmo_size of the RPA note or None)."""
    e, phoff, phentsize, phnum = _layout(data)[:4]
    end = 0
    for i in range(phnum):
        base = phoff + i * phentsize
        p_type, = struct.unpack_from(e + "I", data, base)
        if p_type == PT_LOAD:
            p_paddr, = struct.unpack_from(e + "Q", data, base + 24)
            p_memsz, = struct.unpack_from(e + "Q", data, base + 40)
            end = max(end, p_paddr + p_memsz)
    asked = None
    for name, ntype, desc in notes(data):
        if name == RPA_NAME and ntype == RPA_TYPE and len(desc) >= 8:
            asked, = struct.unpack_from(">I", desc, 4)   # descriptor words are big-endian
    return (end + MIB - 1) // MIB, asked


def early_notes(data):
    """Return a copy of @data whose PT_NOTE bytes lie in the first 1024 bytes."""
    data = bytearray(data)
    e, phoff, phentsize, phnum, shoff, shentsize, shnum = _layout(data)
    segs = phdrs(data)
    notes = [s for s in segs if s[1] == PT_NOTE]
    if not notes:
        raise ElfError("no PT_NOTE program header")
    if all(off + size <= HEAD_LIMIT for _, _, off, size in notes):
        return bytes(data)
    loads = [off for _, t, off, size in segs if t == PT_LOAD and size]
    limit = min([HEAD_LIMIT] + loads)
    dst = (phoff + phnum * phentsize + 3) & ~3
    total = sum((size + 3) & ~3 for _, _, _, size in notes)
    if dst + total > limit:
        raise ElfError(f"notes ({total} bytes) do not fit between the headers (0x{dst:x}) and 0x{limit:x}")
    if any(data[dst:dst + total]):
        raise ElfError(f"bytes 0x{dst:x}..0x{dst + total:x} are not zero padding")
    moved = {}
    for i, _, off, size in notes:
        data[dst:dst + size] = data[off:off + size]
        struct.pack_into(e + "Q", data, phoff + i * phentsize + 8, dst)
        moved[off] = dst
        dst += (size + 3) & ~3
    for j in range(shnum):
        base = shoff + j * shentsize
        sh_type, = struct.unpack_from(e + "I", data, base + 4)
        sh_offset, = struct.unpack_from(e + "Q", data, base + 24)
        if sh_type == SHT_NOTE and sh_offset in moved:
            struct.pack_into(e + "Q", data, base + 24, moved[sh_offset])
    return bytes(data)


def main(argv):
    if len(argv) == 4 and argv[1] == "early":
        with open(argv[2], "rb") as f:
            data = f.read()
        try:
            out = early_notes(data)
        except ElfError as err:
            print(f"elfnotes: {argv[2]}: {err}", file=sys.stderr)
            return 1
        with open(argv[3], "wb") as f:
            f.write(out)
        return 0
    if len(argv) == 3 and argv[1] == "show":
        with open(argv[2], "rb") as f:
            data = f.read()
        for i, t, off, size in phdrs(data):
            if t == PT_NOTE:
                print(f"PT_NOTE[{i}] offset 0x{off:x} size 0x{size:x}")
        return 0
    if len(argv) == 3 and argv[1] == "rma":
        with open(argv[2], "rb") as f:
            data = f.read()
        try:
            need, asked = rma_need(data)
        except ElfError as err:
            print(f"elfnotes: {argv[2]}: {err}", file=sys.stderr)
            return 1
        print(f"need {need} MiB, note asks {asked if asked is not None else 'nothing'}"
              + ("" if asked is None else " MiB"))
        if asked is None or asked < need:
            print(f"elfnotes: {argv[2]}: the RPA note's min_rmo_size does not cover the image "
                  f"({need} MiB needed)", file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
