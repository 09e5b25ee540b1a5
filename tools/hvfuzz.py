#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make hvfuzz: boot the image with `hvfuzz=N seed=S` (BE and LE) in the
ASan+UBSan build of the patched QEMU (`make qemu SANITIZE=1`; make hvfuzz
builds it) with the spapr-vmc device; fail on a QEMU crash, a sanitizer
report, or no clean handshake. --plain uses the plain build instead."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qemu_cmd  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ops", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--endian", choices=["big", "little", "both"], default="both")
    ap.add_argument("--plain", action="store_true", help="the plain build, not the sanitizer one")
    a = ap.parse_args()
    asan = qemu_cmd.patched_qemu(sanitize=True)
    qemu = qemu_cmd.patched_qemu() if a.plain else asan
    if not qemu or not os.access(qemu, os.X_OK):
        print("hvfuzz: the %s patched QEMU is not built: run `make qemu%s`" % (
            "plain" if a.plain else "sanitizer build of the",
            "" if a.plain else " SANITIZE=1"), file=sys.stderr)
        return 2
    print("hvfuzz: %s (%s)" % (qemu, "ASan+UBSan" if qemu == asan else "no sanitizers"))
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    failed = 0
    for endian in ("big", "little") if a.endian == "both" else (a.endian,):
        sock = os.path.join(tempfile.mkdtemp(prefix="hvfuzz-"), "hmc.sock")
        # SLOF: QEMU's own vof.c has a misaligned load that UBSan reports.
        argv = qemu_cmd.qemu_args(qemu_cmd.image_path(endian, lab=True), "slof",
                                  "hvfuzz=%d seed=%d" % (a.ops, a.seed), qemu=qemu,
                                  extra=["-chardev", "socket,id=hmc0,path=%s,server=on,wait=off" % sock,
                                         "-device", "spapr-vmc,chardev=hmc0"])
        r = subprocess.run(argv, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                           timeout=3600)
        done = re.search(r"HVFUZZ done .*", r.stdout)
        ok = (r.returncode == 0 and "HVFUZZ verdict=ok" in r.stdout and
              "Sanitizer" not in r.stderr and "runtime error" not in r.stderr)
        print("hvfuzz %s: %s; %s" % (endian, "ok" if ok else "FAILED (rc %d)" % r.returncode,
                                     done.group(0) if done else "no summary"))
        if not ok:
            failed += 1
            print(r.stdout[-2000:], r.stderr[-3000:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
