#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot vmcfw in the patched QEMU with the spapr-vmc device and an HMC peer.

  tools/vmcrun.py smoke [--fw slof|vof] [--append ARGS]   exit status = the image's
                        (1 when QEMU exits 0 without the image's EXIT: STATUS=0)
  tools/vmcrun.py run   [--peer echo|monitor]             console here, peer log beside
  tools/vmcrun.py linux --image VMLINUX --initrd CPIO      the Linux guest (make linux-run)

QEMU waits (chardev wait=on) until the peer is connected, so no early event
is lost. The peer is `python3 -m tools.hmc`; its output goes to a log file
whose path is printed.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qemu_cmd  # noqa: E402

PY = "/usr/bin/python3"


def start_peer(sock, action, log):
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    else:
        raise SystemExit("vmcrun: QEMU did not create %s" % sock)
    return subprocess.Popen([PY, "-m", "tools.hmc", "-s", sock] + action, cwd=qemu_cmd.REPO,
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def copy_console(stream, verdict):
    """Copy the Linux guest's console to stdout; keep vmctest's verdict."""
    for raw in iter(stream.readline, b""):
        sys.stdout.write(raw.decode("latin-1"))
        sys.stdout.flush()
        line = raw.decode("latin-1").strip()
        if line.startswith("vmctest: PASS") or line.startswith("vmctest: FAIL"):
            verdict.append(line.split(" ", 2)[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["smoke", "run", "linux"])
    ap.add_argument("--image", default=qemu_cmd.image_path())
    ap.add_argument("--fw", choices=["slof", "vof"], default="slof")
    ap.add_argument("--append", default="")
    ap.add_argument("--peer", default=None, help="peer action: echo (default for smoke) or monitor")
    ap.add_argument("--device-opts", default="", help="extra spapr-vmc properties")
    ap.add_argument("--initrd", default=None, help="initramfs for a Linux guest")
    ap.add_argument("--timeout", type=float, default=180.0)
    a = ap.parse_args()

    qemu = qemu_cmd.patched_qemu()
    if not qemu:
        print("vmcrun: the patched QEMU is not built: run `make qemu`", file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix="vmcfw-")
    sock = os.path.join(tmp, "hmc.sock")
    logpath = os.path.join(qemu_cmd.REPO, "build", "hmc-peer.log")
    os.makedirs(os.path.dirname(logpath), exist_ok=True)
    dev = "spapr-vmc,chardev=hmc0" + ("," + a.device_opts if a.device_opts else "")
    extra = ["-chardev", "socket,id=hmc0,path=%s,server=on,wait=on" % sock, "-device", dev]
    if a.initrd:
        extra += ["-initrd", a.initrd]
    append = ("smoke " + a.append) if a.what == "smoke" else a.append
    serial = "mon:stdio" if a.what == "run" else "stdio"
    argv = qemu_cmd.qemu_args(a.image, a.fw, append.strip(), extra=extra, serial=serial, qemu=qemu,
                              monitor=None if a.what == "run" else "none")
    default_peer = {"smoke": "echo", "run": "monitor", "linux": "scenario greet-echo"}[a.what]
    action = (a.peer or default_peer).split()
    print("vmcrun: " + " ".join(argv), file=sys.stderr)
    print("vmcrun: HMC peer `tools.hmc %s` logs to %s" % (" ".join(action), logpath), file=sys.stderr)
    if a.what == "run":
        print("vmcrun: follow it with `tail -f %s`; Ctrl-A X quits QEMU" % logpath, file=sys.stderr)
    with open(logpath, "w") as log:
        q = subprocess.Popen(argv, stdin=None if a.what == "run" else subprocess.DEVNULL,
                             stdout=None if a.what == "run" else subprocess.PIPE)
        verdict = []
        if a.what == "linux":
            copier = threading.Thread(target=copy_console, args=(q.stdout, verdict), daemon=True)
            copier.start()
        elif a.what == "smoke":
            tee = qemu_cmd.ConsoleTee(q.stdout, sys.stdout)
        peer = start_peer(sock, action, log)
        start = time.monotonic()
        try:
            rc = q.wait(timeout=None if a.what == "run" else a.timeout)
        except subprocess.TimeoutExpired:
            q.kill()
            q.wait()
            print("vmcrun: QEMU still running after %.0f s: killed" % a.timeout, file=sys.stderr)
            rc = 124
        finally:
            peer.terminate()
            try:
                peer.wait(timeout=5)
            except subprocess.TimeoutExpired:
                peer.kill()
    print("vmcrun: QEMU exited %d after %.2f s" % (rc, time.monotonic() - start), file=sys.stderr)
    if a.what == "linux":
        # QEMU exits 0 on any power-off: the verdict is the guest's own line.
        copier.join(timeout=10)
        ok = rc == 0 and verdict == ["PASS"]
        print("vmcrun: Linux guest verdict: %s" % (verdict[0] if verdict else "none"), file=sys.stderr)
        rc = 0 if ok else 1
    if a.what == "smoke" and rc != 124:
        tee.join()
        rc, why = qemu_cmd.smoke_verdict(rc, tee.exit_status)
        if why:
            print("vmcrun: smoke failed: %s" % why, file=sys.stderr)
    if a.what in ("smoke", "linux"):
        with open(logpath) as f:
            tail = f.read().splitlines()[-5:]
        print("vmcrun: peer log tail:\n  " + "\n  ".join(tail), file=sys.stderr)
    return rc


if __name__ == "__main__":
    sys.exit(main())
