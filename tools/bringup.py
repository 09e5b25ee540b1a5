#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Bring-up runs of vmcfw in QEMU pseries + SLOF, the ways labs boot partitions.

  tools/bringup.py disk  --disk build/vmcfw-disk.img --bus virtio|vscsi [--append ARGS] [--interactive]
  tools/bringup.py net   --tftp build/netboot [--append ARGS] [--interactive]
  tools/bringup.py debug --image build/vmcfw.elf [--fw slof|vof] [--port 1234] [--kernel-addr 0x400000]
                         [--qemu-only | --gdb-only] [--gdb-cmd CMD ...]
  tools/bringup.py offset --image build/vmcfw.elf [--kernel-addr ADDR]

disk: SLOF boots the PReP partition, `boot disk: ARGS` gives /chosen/bootargs = ARGS.
net:  SLOF boots over spapr-vlan; QEMU's user network serves vmcfw.elf by TFTP.
debug: QEMU halted with its gdb stub, gdb-multiarch with the image's symbols
       moved to where QEMU -kernel puts the image (kernel-addr + (p_paddr & 0x0fffffff)).
Exit status: QEMU's (0 = image reported success), 124 on timeout.
"""
import argparse
import os
import signal
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_cmd  # noqa: E402

DEFAULT_KERNEL_ADDR = 0x400000    # QEMU pseries: kernel-addr default
DISK_ALIAS = {"virtio": "disk", "vscsi": "disk"}


def base_argv(mem="512", serial="stdio", qemu=None, machine_opts=""):
    """Common pseries options. serial "mon:stdio" (interactive) puts QEMU's
    monitor on the console mux (Ctrl-A C) instead of disabling it."""
    machine = "pseries" + ("," + machine_opts if machine_opts else "")
    argv = [qemu or qemu_cmd.stock_qemu(), "-M", machine, "-m", mem, "-nodefaults", "-display", "none",
            "-no-reboot", "-action", "panic=exit-failure"]
    if not (serial or "").startswith("mon:"):
        argv += ["-monitor", "none"]
    if serial:
        argv += ["-serial", serial]
    return argv


def disk_argv(disk, bus="virtio", append="", mem="512", serial="stdio", qemu=None, alias=None):
    """SLOF boots the PReP partition of @disk on @bus (virtio-blk or spapr-vscsi + scsi-hd)."""
    argv = base_argv(mem, serial, qemu)
    drive = f"file={disk},if=none,id=d0,format=raw,readonly=on"
    if bus == "virtio":
        argv += ["-drive", drive, "-device", "virtio-blk-pci,drive=d0"]
    elif bus == "vscsi":
        argv += ["-drive", drive, "-device", "spapr-vscsi,id=scsi0", "-device", "scsi-hd,drive=d0,bus=scsi0.0"]
    else:
        raise ValueError(f"unknown bus {bus}")
    cmd = f"boot {alias or DISK_ALIAS[bus]}: {append}".rstrip()
    argv += ["-prom-env", f"boot-command={cmd}"]
    return argv


def net_argv(tftp_dir, append="", bootfile="vmcfw.elf", mem="512", serial="stdio", qemu=None):
    """SLOF network boot through spapr-vlan; QEMU user networking serves @bootfile by TFTP."""
    argv = base_argv(mem, serial, qemu)
    argv += ["-netdev", f"user,id=n0,tftp={os.path.abspath(tftp_dir)},bootfile={bootfile}",
             "-device", "spapr-vlan,netdev=n0"]
    argv += ["-prom-env", f"boot-command=boot net {append}".rstrip()]
    return argv


def elf_load_paddr(image):
    """p_paddr of the lowest PT_LOAD."""
    with open(image, "rb") as f:
        data = f.read(4096)
    e = "<" if data[5] == 1 else ">"
    phoff, = struct.unpack_from(e + "Q", data, 32)
    phentsize, phnum = struct.unpack_from(e + "HH", data, 54)
    addrs = []
    for i in range(phnum):
        base = phoff + i * phentsize
        if struct.unpack_from(e + "I", data, base)[0] == 1:
            addrs.append(struct.unpack_from(e + "Q", data, base + 24)[0])
    return min(addrs)


def run_offset(image, kernel_addr=DEFAULT_KERNEL_ADDR):
    """(run address, offset) of an image QEMU -kernel loads: kernel-addr + (p_paddr & 0x0fffffff)."""
    paddr = elf_load_paddr(image)
    run = kernel_addr + (paddr & 0x0fffffff)
    return run, run - paddr


def gdb_argv(image, port, offset, endian, commands=(), batch=False):
    argv = ["gdb-multiarch", "-q", "-nx"]
    if batch:
        argv.append("-batch")
    argv += ["-ex", "set pagination off", "-ex", "set confirm off",
             "-ex", "set architecture powerpc:common64",
             "-ex", f"set endian {'little' if endian == 'little' else 'big'}",
             "-ex", f"add-symbol-file {image} -o {offset:#x}",
             "-ex", f"target remote 127.0.0.1:{port}"]
    for c in commands:
        argv += ["-ex", c]
    return argv


def image_endian(image):
    with open(image, "rb") as f:
        return "little" if f.read(6)[5] == 1 else "big"


def run(argv, interactive, timeout):
    print("bringup: " + " ".join(argv), file=sys.stderr)
    if interactive:
        print("bringup: Ctrl-A X quits QEMU", file=sys.stderr)
        return subprocess.call(argv)
    start = time.monotonic()
    try:
        rc = subprocess.call(argv, stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"bringup: QEMU still running after {timeout:.0f} s: killed", file=sys.stderr)
        return 124
    print(f"bringup: QEMU exited {rc} after {time.monotonic() - start:.2f} s", file=sys.stderr)
    return rc


def debug(a):
    endian = image_endian(a.image)
    kaddr = int(a.kernel_addr, 0)
    runaddr, offset = run_offset(a.image, kaddr)
    print(f"bringup: {a.image} linked at {elf_load_paddr(a.image):#x}, QEMU -kernel puts it at "
          f"{runaddr:#x}: symbols offset {offset:#x}", file=sys.stderr)
    qemu = None
    if not a.gdb_only:
        machine = "x-vof=on" if a.fw == "vof" else ""
        if kaddr != DEFAULT_KERNEL_ADDR:
            machine = ",".join(x for x in (machine, f"kernel-addr={kaddr:#x}") if x)
        serial = "mon:stdio" if a.qemu_only else f"file:{a.console}"
        argv = base_argv(a.mem, serial, machine_opts=machine)
        argv += ["-kernel", a.image, "-gdb", f"tcp:127.0.0.1:{a.port}", "-S"]
        if a.append:
            argv += ["-append", a.append]
        print("bringup: " + " ".join(argv), file=sys.stderr)
        if a.qemu_only:
            print(f"bringup: halted; attach with: make debug-gdb GDB_PORT={a.port}", file=sys.stderr)
            return subprocess.call(argv)
        print(f"bringup: console goes to {a.console} (tail -f it)", file=sys.stderr)
        # Own session: the terminal's Ctrl-C is for gdb (interrupt the guest), not QEMU.
        qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True)
        time.sleep(0.5)
    gargv = gdb_argv(a.image, a.port, offset, endian, a.gdb_cmd, batch=a.batch)
    print("bringup: " + " ".join(repr(x) if " " in x else x for x in gargv), file=sys.stderr)
    try:
        if a.batch:
            rc = subprocess.call(gargv, stdin=subprocess.DEVNULL, timeout=a.timeout)
        else:
            # gdb owns the terminal; Ctrl-C must reach gdb, not this script.
            old = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                rc = subprocess.call(gargv)
            finally:
                signal.signal(signal.SIGINT, old)
    except subprocess.TimeoutExpired:
        rc = 124
    finally:
        if qemu is not None:
            qemu.terminate()
            try:
                qemu.wait(timeout=10)
            except subprocess.TimeoutExpired:
                qemu.kill()
                qemu.wait()
    return rc


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("disk")
    d.add_argument("--disk", required=True)
    d.add_argument("--bus", choices=["virtio", "vscsi"], default="virtio")
    n = sub.add_parser("net")
    n.add_argument("--tftp", required=True, help="folder served by TFTP (holds vmcfw.elf)")
    n.add_argument("--bootfile", default="vmcfw.elf")
    for p in (d, n):
        p.add_argument("--append", default="")
        p.add_argument("--mem", default="512")
        p.add_argument("--timeout", type=float, default=120.0)
        p.add_argument("--interactive", action="store_true")
    g = sub.add_parser("debug")
    g.add_argument("--image", default=qemu_cmd.image_path())
    g.add_argument("--fw", choices=["slof", "vof"], default="slof")
    g.add_argument("--append", default="")
    g.add_argument("--mem", default="512")
    g.add_argument("--port", type=int, default=1234)
    g.add_argument("--kernel-addr", default=hex(DEFAULT_KERNEL_ADDR))
    g.add_argument("--console", default="build/debug-console.log")
    g.add_argument("--qemu-only", action="store_true", help="only QEMU, halted, console here")
    g.add_argument("--gdb-only", action="store_true", help="only gdb, attach to a running stub")
    g.add_argument("--gdb-cmd", action="append", default=[], help="gdb command after attaching")
    g.add_argument("--batch", action="store_true")
    g.add_argument("--timeout", type=float, default=120.0)
    o = sub.add_parser("offset")
    o.add_argument("--image", default=qemu_cmd.image_path())
    o.add_argument("--kernel-addr", default=hex(DEFAULT_KERNEL_ADDR))
    a = ap.parse_args()

    serial = "mon:stdio" if getattr(a, "interactive", False) else "stdio"
    if a.cmd == "disk":
        return run(disk_argv(a.disk, a.bus, a.append.strip(), a.mem, serial), a.interactive, a.timeout)
    if a.cmd == "net":
        return run(net_argv(a.tftp, a.append.strip(), a.bootfile, a.mem, serial), a.interactive, a.timeout)
    if a.cmd == "offset":
        runaddr, offset = run_offset(a.image, int(a.kernel_addr, 0))
        print(f"run {runaddr:#x} offset {offset:#x}")
        return 0
    return debug(a)


if __name__ == "__main__":
    sys.exit(main())
