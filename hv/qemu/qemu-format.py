#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""QEMU coding style for the project files QEMU compiles.

    hv/qemu/qemu-format.py [--check] FILE...

Formats each FILE with clang-format-15 and hv/qemu/qemu.clang-format, then
turns the tabs left inside comments into spaces (clang-format leaves comment
text alone, and QEMU's checkpatch.pl refuses every tab). The two steps are
repeated until the text stops changing (at most MAX_ROUNDS), so the result is
a fixed point: running the formatter again changes nothing.

Without --check, files are rewritten in place (only those that change).
With --check, nothing is written; each file that would change is named with
the start of its diff, and the exit status is 1.

Return (exit status): 0 formatted or clean, 1 drift (--check), 2 usage or tool
error (wrong clang-format version, a file that does not reach a fixed point).
"""
import difflib
import os
import re
import shutil
import subprocess
import sys

CLANG_FORMAT = "clang-format-15"
CLANG_MAJOR = "15"
STYLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qemu.clang-format")
MAX_ROUNDS = 4
TAB = 8


def die(msg):
    print("qemu-format: error: %s" % msg, file=sys.stderr)
    sys.exit(2)


def check_tool():
    """The pinned clang-format: another major version formats differently."""
    exe = shutil.which(CLANG_FORMAT)
    if not exe:
        die("%s not found: run `make packages` (Debian package clang-format-15)" % CLANG_FORMAT)
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"version (\d+)\.", out)
    if not m or m.group(1) != CLANG_MAJOR:
        die("%s reports %r; version %s.x is required" % (exe, out.strip(), CLANG_MAJOR))
    return exe


def clang_format(exe, text, name):
    r = subprocess.run([exe, "--style=file:" + STYLE, "--assume-filename=" + name],
                       input=text, capture_output=True, text=True)
    if r.returncode != 0:
        die("%s failed on %s: %s" % (exe, name, r.stderr.strip()))
    return r.stdout


def expand_comment_tabs(text):
    """Replace each tab inside a /* */ or // comment by spaces up to the next
    multiple of TAB columns; tabs in code, strings and character constants
    are left alone (after clang-format there are none in code).

    Return: the new text.
    """
    out = []
    col = 0
    state = "code"  # code, block, line, str, chr
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if state == "code":
            if c == "/" and nxt == "*":
                state = "block"
                out.append("/*")
                col += 2
                i += 2
                continue
            if c == "/" and nxt == "/":
                state = "line"
            elif c == '"':
                state = "str"
            elif c == "'":
                state = "chr"
        elif state == "block":
            if c == "*" and nxt == "/":
                state = "code"
                out.append("*/")
                col += 2
                i += 2
                continue
        elif state == "line":
            if c == "\n":
                state = "code"
        elif state in ("str", "chr"):
            if c == "\\" and nxt:
                out.append(c + nxt)
                col += 2
                i += 2
                continue
            if (state == "str" and c == '"') or (state == "chr" and c == "'") or c == "\n":
                state = "code"
        if c == "\t" and state in ("block", "line"):
            pad = TAB - col % TAB
            out.append(" " * pad)
            col += pad
        else:
            out.append(c)
            col = 0 if c == "\n" else col + 1
        i += 1
    return "".join(out)


def format_text(exe, text, name):
    """Return: @text in QEMU style, a fixed point of the two steps."""
    for _ in range(MAX_ROUNDS):
        new = expand_comment_tabs(clang_format(exe, text, name))
        if new == text:
            return text
        text = new
    die("%s does not reach a fixed point in %d rounds" % (name, MAX_ROUNDS))


def main(argv):
    check = False
    files = []
    for a in argv:
        if a == "--check":
            check = True
        elif a.startswith("-"):
            die("unknown option %s" % a)
        else:
            files.append(a)
    if not files:
        die("usage: qemu-format.py [--check] FILE...")
    exe = check_tool()
    drift = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            old = f.read()
        new = format_text(exe, old, path)
        if new == old:
            continue
        if check:
            drift += 1
            diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), path, path,
                                             lineterm="", n=1))
            print("%s: not in QEMU style (%d diff lines); first ones:" % (path, len(diff)))
            for line in diff[2:12]:
                print("    " + line)
        else:
            tmp = path + ".qemu-format.tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(new)
            os.replace(tmp, path)
            print("  FORMAT   %s" % path)
    if drift:
        print("check-format: %d of %d files drift from QEMU style: run `make format`"
              % (drift, len(files)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
