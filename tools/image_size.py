#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Where the loaded bytes of an image go, read from the linker's map file.

Every input section the linker placed in the PT_LOAD (all allocated output
sections but the BSS) is charged to one owner:

  boot/ console/ drivers/ vmc/ hcall/ lib/   the project's objects, by folder
  newlib                                     members of newlib's libc.a
  libgcc                                     members of libgcc.a
  symtab                                     the function-symbol table (syms.o)
  linker                                     .rela.dyn, .dynamic, .got, stubs
  padding                                    *fill* between input sections

Usage:
  image_size.py MAP                 the table: owner, bytes, share
  image_size.py --members MAP       also every newlib member, largest first
  image_size.py --budget N ELF MAP  exit 1 if the PT_LOAD's file size is over N
                                    bytes (make check-image), naming the owners
The sums equal the PT_LOAD's file size up to the alignment gap before the BSS;
the "total" line is the map's own end of loaded data, checked against the ELF
by --budget.
"""
import os
import re
import subprocess
import sys

FOLDERS = ("boot", "console", "drivers", "vmc", "hcall", "lib")
ORDER = tuple(f + "/" for f in FOLDERS) + ("newlib", "libgcc", "symtab", "linker", "padding", "other")
# Output sections that hold no loaded bytes of their own.
NOT_LOADED = (".bss", ".note.powerpc", ".note.rpa")
SECTION_RE = re.compile(r"^ (\S+)?\s*(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s*(.*)$")
OUTPUT_RE = re.compile(r"^(\.\S+)\s*(?:(0x[0-9a-f]+)\s+(0x[0-9a-f]+))?")
FILL_RE = re.compile(r"^ \*fill\*\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)")


def owner_of(path):
    """The owner (see the module's text) of an input file named in the map."""
    m = re.search(r"lib(c|gcc)\.a\((.*)\)$", path)
    if m:
        return ("newlib" if m.group(1) == "c" else "libgcc"), m.group(2)
    if path == "linker stubs" or not path:
        return "linker", None
    base = os.path.basename(path)
    if base.startswith("syms") and base.endswith(".o"):
        return "symtab", None
    parts = path.split("/")
    for folder in FOLDERS:
        if folder in parts:
            return folder + "/", None
    return "other", None


def parse(map_path):
    """Return ({owner: bytes}, {newlib member: bytes}, end of loaded data)."""
    with open(map_path) as f:
        lines = f.read().split("\n")
    try:
        start = lines.index("Linker script and memory map")
    except ValueError:
        raise SystemExit("image_size: %s: not a GNU ld map file" % map_path)
    owners, members = {}, {}
    out_sec, loaded, end = None, False, 0
    pending = None          # a long input-section name alone on its line
    for line in lines[start + 1:]:
        om = OUTPUT_RE.match(line)
        if om and not line.startswith(" "):
            out_sec = om.group(1)
            loaded = out_sec not in NOT_LOADED and not out_sec.startswith(".debug") \
                and out_sec not in (".comment", "/DISCARD/")
            if loaded and om.group(2):
                end = max(end, int(om.group(2), 16) + int(om.group(3), 16))
            pending = None
            continue
        if not loaded or not out_sec:
            continue
        fm = FILL_RE.match(line)
        if fm:
            owners["padding"] = owners.get("padding", 0) + int(fm.group(2), 16)
            continue
        if re.match(r"^ \S+$", line) and not line.startswith(" *"):
            pending = line.strip()
            continue
        m = SECTION_RE.match(line)
        if not m or line.startswith(" *"):
            pending = None
            continue
        name = m.group(1) or pending
        pending = None
        if not name:
            continue            # a symbol line: "   0x... name"
        size, path = int(m.group(3), 16), m.group(4).strip()
        if size == 0:
            continue
        who, member = owner_of(path)
        owners[who] = owners.get(who, 0) + size
        if member:
            members[member] = members.get(member, 0) + size
    return owners, members, end


def load_filesz(elf):
    """The PT_LOAD's file size, from readelf (the cross one, else any)."""
    for readelf in ("powerpc64-linux-gnu-readelf", "readelf"):
        try:
            out = subprocess.run([readelf, "-lW", elf], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            continue
        loads = [l.split() for l in out.splitlines() if l.split()[:1] == ["LOAD"]]
        if len(loads) == 1:
            return int(loads[0][4], 16)
    raise SystemExit("image_size: %s: cannot read one PT_LOAD" % elf)


def table(map_path, with_members=False):
    """The report as lines of text (also used by tools/bench.py)."""
    owners, members, _ = parse(map_path)
    total = sum(owners.values())
    rows = ["%-10s %7d B  %5.1f%%" % (k, owners[k], 100.0 * owners[k] / total) for k in ORDER if owners.get(k)]
    rows.append("%-10s %7d B" % ("total", total))
    if with_members:
        for name, size in sorted(members.items(), key=lambda kv: -kv[1]):
            rows.append("  newlib %-24s %6d B" % (name, size))
    return rows


def main(argv):
    if argv[:1] == ["--budget"] and len(argv) == 4:
        budget, elf, map_path = int(argv[1], 0), argv[2], argv[3]
        filesz = load_filesz(elf)
        if filesz > budget:
            print("check-image: %s: PT_LOAD is %d B, over the budget of %d B by %d B; where it goes:"
                  % (elf, filesz, budget, filesz - budget), file=sys.stderr)
            for row in table(map_path):
                print("  " + row, file=sys.stderr)
            return 1
        print("check-image: %s: PT_LOAD %d B within the budget of %d B (%d B spare)"
              % (elf, filesz, budget, budget - filesz))
        return 0
    members = argv[:1] == ["--members"]
    args = argv[1:] if members else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    print("\n".join(table(args[0], members)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
