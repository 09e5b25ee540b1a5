#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Emit the .vmcfw_syms table (see boot/symbols.c) as assembly.

Usage: gen-symtab.py NM IMAGE.elf OUT.S   (NM empty: emit an empty table)
"""
import subprocess
import sys

nm, image, out = sys.argv[1:4]
syms = []
if nm:
    # --synthetic: ELFv1 code entry points appear as ".name" symbols.
    text = subprocess.run([nm, "-n", "--synthetic", image], check=True, capture_output=True,
                          text=True).stdout
    base = None
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        addr, kind, name = int(parts[0], 16), parts[1], parts[2]
        if name == "_image_start":
            base = addr
        if kind not in "tT" or name.startswith(".L") or name.startswith("p_"):
            continue
        syms.append((addr, name[1:] if name.startswith(".") else name))
    if base is None:
        sys.exit("gen-symtab: no _image_start in " + image)
    syms = sorted({(a - base, n) for a, n in syms})

# Layout (boot/symbols.c): u32 count; count x { u32 offset from
# _image_start; u32 name offset from the table start }; then the names.
# 32-bit words: the image and the table are far below 4 GiB.
lines = ['\t.section .vmcfw_syms,"a"', "\t.balign 4", "\t.globl vmcfw_syms", "vmcfw_syms:",
         f"\t.long {len(syms)}"]
names_off = 4 + 8 * len(syms)
strtab = []
for off, name in syms:
    lines.append(f"\t.long {off}, {names_off}")
    strtab.append(name)
    names_off += len(name) + 1
for name in strtab:
    lines.append(f'\t.asciz "{name}"')
lines.append('\t.section .note.GNU-stack,"",@progbits')
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
