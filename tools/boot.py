#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot vmcfw in QEMU pseries and return QEMU's exit status (for a smoke run:
1 when QEMU exited 0 but the image never printed `EXIT: STATUS=0`).

  tools/boot.py --image build/vmcfw.elf --fw slof --append smoke
  tools/boot.py --interactive        (console on this terminal; Ctrl-A X quits)
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_cmd  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--image", default=qemu_cmd.image_path())
    ap.add_argument("--fw", choices=["slof", "vof"], default="slof")
    ap.add_argument("--append", default="")
    ap.add_argument("--machine", default="", help="extra -M options, e.g. kernel-addr=0x2000000")
    ap.add_argument("--mem", default="512")
    ap.add_argument("--qemu", default=None, help="QEMU binary (default: Debian's)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds (non-interactive runs)")
    ap.add_argument("--interactive", action="store_true")
    ap.add_argument("extra", nargs="*", help="more QEMU arguments (after --)")
    a = ap.parse_args()

    serial = "mon:stdio" if a.interactive else "stdio"
    argv = qemu_cmd.qemu_args(a.image, a.fw, a.append.strip(), a.machine, a.mem, a.extra,
                              serial=serial, qemu=a.qemu,
                              monitor=None if a.interactive else "none")
    if a.interactive:
        print("boot: " + " ".join(argv), file=sys.stderr)
        print("boot: Ctrl-A X quits QEMU", file=sys.stderr)
        return subprocess.call(argv)
    start = time.monotonic()
    q = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    tee = qemu_cmd.ConsoleTee(q.stdout, sys.stdout)
    try:
        rc = q.wait(timeout=a.timeout)
    except subprocess.TimeoutExpired:
        q.kill()
        q.wait()
        print(f"boot: QEMU still running after {a.timeout:.0f} s: killed", file=sys.stderr)
        return 124
    tee.join()
    print(f"boot: QEMU exited {rc} after {time.monotonic() - start:.2f} s", file=sys.stderr)
    if "smoke" in a.append.split():
        rc, why = qemu_cmd.smoke_verdict(rc, tee.exit_status)
        if why:
            print(f"boot: smoke failed: {why}", file=sys.stderr)
    return rc


if __name__ == "__main__":
    sys.exit(main())
