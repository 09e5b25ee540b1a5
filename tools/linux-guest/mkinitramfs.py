#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the Linux guest's initramfs: a newc cpio archive with /init (the
static vmctest program), /dev/console (so the kernel can give PID 1 a console
before devtmpfs is mounted), /dev and /proc.

  mkinitramfs.py INIT OUTPUT

Written here instead of using cpio(1) or the kernel's gen_init_cpio so that
nothing beyond Debian's python3 is needed and the output is byte-for-byte
reproducible (fixed mtimes, uid 0, inode numbers in order).
"""
import stat
import sys


def entry(ino, name, mode, data=b"", rdev=(0, 0)):
    """One newc record: 110-byte ASCII header, name, data, each 4-aligned."""
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0]
    hdr = b"070701" + b"".join(b"%08X" % f for f in fields)
    rec = hdr + name_b
    rec += b"\0" * (-len(rec) % 4)
    rec += data
    rec += b"\0" * (-len(rec) % 4)
    return rec


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as f:
        init = f.read()
    parts = [
        entry(1, "dev", stat.S_IFDIR | 0o755),
        entry(2, "dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1)),
        entry(3, "proc", stat.S_IFDIR | 0o755),
        entry(4, "init", stat.S_IFREG | 0o755, init),
        entry(0, "TRAILER!!!", 0),
    ]
    blob = b"".join(parts)
    blob += b"\0" * (-len(blob) % 512)
    with open(sys.argv[2], "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main()
