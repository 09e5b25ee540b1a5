#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make bench: size and speed figures for vmcfw, printed and written to
build/bench.txt as `key value` lines (stable names). Never asserted: the
machines are noisy; compare runs, not thresholds."""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import qemu_cmd  # noqa: E402

REPO = qemu_cmd.REPO
RESULTS = []


def put(key, value, note=""):
    RESULTS.append((key, value))
    print("%-42s %14s  %s" % (key, value, note))


def sizes():
    for endian, cross in (("big", "powerpc64-linux-gnu-"), ("little", "powerpc64le-linux-gnu-")):
        img = qemu_cmd.image_path(endian)
        out = subprocess.run([cross + "size", img], capture_output=True, text=True).stdout
        text, data, bss = out.splitlines()[1].split()[:3]
        ph = subprocess.run([cross + "readelf", "-W", "-l", img], capture_output=True, text=True).stdout
        load = [l.split() for l in ph.splitlines() if l.strip().startswith("LOAD")][0]
        tag = "be" if endian == "big" else "le"
        put("size.%s.text" % tag, int(text))
        put("size.%s.data" % tag, int(data))
        put("size.%s.bss" % tag, int(bss))
        put("size.%s.load_bytes" % tag, int(load[4], 16), "PT_LOAD file size")
        put("size.%s.file_bytes" % tag, os.path.getsize(img), "ELF with debug info")


def boot(argv, timeout=120):
    t0 = time.monotonic()
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return time.monotonic() - t0, p.returncode, p.stdout


def smoke_times(runs=3):
    for fw in ("slof", "vof"):
        walls, own = [], []
        for _ in range(runs):
            argv = qemu_cmd.qemu_args(qemu_cmd.image_path(), fw, "smoke")
            wall, rc, out = boot(argv)
            if rc != 0:
                put("boot.%s.error" % fw, rc)
                break
            walls.append(wall)
            m = re.search(r"platform ready in (\d+) us", out)
            own.append(int(m.group(1)))
        if walls:
            put("boot.%s.smoke_exit_wall_s" % fw, "%.3f" % statistics.median(walls),
                "QEMU start to exit, median of %d" % len(walls))
            put("boot.%s.entry_to_ready_us" % fw, statistics.median(own), "image's own timebase")
    if RESULTS:
        d = dict(RESULTS)
        if "boot.slof.smoke_exit_wall_s" in d and "boot.vof.smoke_exit_wall_s" in d:
            put("boot.slof_over_vof", "%.1fx" % (float(d["boot.slof.smoke_exit_wall_s"]) /
                                                 float(d["boot.vof.smoke_exit_wall_s"])))


def crq_bench(cycles=1000):
    for mode in ("poll", "irq"):
        argv = qemu_cmd.qemu_args(qemu_cmd.image_path(), "vof", "bench-crq=%d %s" % (cycles, mode),
                                  extra=["-device", "spapr-vscsi"])
        wall, rc, out = boot(argv)
        m = re.search(r"BENCH crq mode=\w+ cycles=(\d+) us=(\d+) per_sec=(\d+) "
                      r"hcalls_per_cycle=([\d.]+) irqs=(\d+)", out)
        if not m:
            put("crq.%s.error" % mode, rc)
            continue
        put("crq.%s.cycles" % mode, int(m.group(1)), "reset + handshake cycles vs spapr-vscsi")
        put("crq.%s.cycles_per_s" % mode, int(m.group(3)), "guest timebase")
        put("crq.%s.hcalls_per_cycle" % mode, m.group(4))
        put("crq.%s.irqs" % mode, int(m.group(5)))


def vmc_bench(count=500):
    from tools.hmc import proto, scenarios
    from tools.hmc.client import HmcClient
    qemu = qemu_cmd.patched_qemu()
    if not qemu:
        put("vmc.error", "no-patched-qemu", "run make qemu")
        return
    for fw in ("slof", "vof"):
        for mode in ("poll", "irq"):
            tmp = tempfile.mkdtemp(prefix="vmcbench-")
            sock = os.path.join(tmp, "hmc.sock")
            log = os.path.join(tmp, "console.log")
            argv = qemu_cmd.qemu_args(qemu_cmd.image_path(), fw, "echo quiet %s" % mode,
                                      serial="file:" + log, qemu=qemu,
                                      extra=["-chardev", "socket,id=hmc0,path=%s,server=on,wait=on" % sock,
                                             "-device", "spapr-vmc,chardev=hmc0,max-mtu=4096"])
            t0 = time.monotonic()
            q = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            try:
                while not os.path.exists(sock):
                    time.sleep(0.01)
                c = HmcClient(sock, 60)
                c.wait_link(True, 120)
                ready = time.monotonic() - t0
                op = c.wait(lambda f: f.type == proto.EV_OPEN, 120, "session OPEN")
                c.backlog[:] = [f for f in c.backlog if f.type != proto.EV_LINK]
                tag = "vmc.%s.%s" % (fw, mode)
                if mode == "poll":
                    put("vmc.%s.qemu_start_to_ready_wall_s" % fw, "%.3f" % ready, "peer sees LINK up")
                for size in (64, 4096):
                    payload_len = size - 26   # 20-byte soak header, up to 6 bytes of jitter
                    s0 = c.status()
                    t1 = time.monotonic()
                    n = scenarios.soak_host_driven(c, op.index, op.session, count=count,
                                                   size=payload_len, window=1, out=lambda *_: None)
                    dt = time.monotonic() - t1
                    s1 = c.status()
                    msgs = (s1["msgs_to_mp"] - s0["msgs_to_mp"]) + (s1["msgs_to_hmc"] - s0["msgs_to_hmc"])
                    mp_hcalls = (s1["rx_entries"] - s0["rx_entries"]) + (s1["rdma_calls"] - s0["rdma_calls"])
                    put("%s.echo_%dB_round_trips_per_s" % (tag, size), "%.0f" % (n / dt))
                    put("%s.echo_%dB_MB_per_s" % (tag, size), "%.3f" % (2 * n * size / dt / 1e6),
                        "both directions")
                    put("%s.echo_%dB_mp_hcalls_per_msg" % (tag, size), "%.2f" % (mp_hcalls / msgs),
                        "H_SEND_CRQ+H_COPY_RDMA seen by the device")
                c.close()
                with open(log, errors="replace") as f:
                    m = re.search(r"VMC t=(\d+) ev=ready", f.read())
                if m and mode == "poll":
                    put("vmc.%s.entry_to_ready_us" % fw, int(m.group(1)), "image's own timebase")
            finally:
                q.kill()
                q.wait()


def callgrind_costs(n):
    """(total Ir, Ir in vmc/ + drivers/crq.c) for n simulator round trips."""
    out = os.path.join(REPO, "build", "host", "callgrind.%d" % n)
    subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
                    os.path.join(REPO, "build", "host", "bench_vmc"), str(n)],
                   capture_output=True, check=True)
    ann = subprocess.run(["callgrind_annotate", "--threshold=100", out], capture_output=True,
                         text=True, check=True).stdout
    total = mp = 0
    for line in ann.splitlines():
        m = re.match(r"\s*([\d,]+) .*?(\S+):\S+ \[", line)
        if "PROGRAM TOTALS" in line:
            total = int(line.split()[0].replace(",", ""))
        elif m and (m.group(2).startswith("vmc/") or m.group(2) == "drivers/crq.c"):
            mp += int(m.group(1).replace(",", ""))
    return total, mp


def sim_bench():
    """The MP engine in the host simulator: rate, hcalls and instructions."""
    r = subprocess.run(["make", "--no-print-directory", "host-bench", "BENCH_MESSAGES=20000"],
                       capture_output=True, text=True, cwd=REPO)
    m = re.search(r"(\d+) round trips/s", r.stdout)
    h = re.search(r"per round trip: ([\d.]+) hcalls", r.stdout)
    if not m:
        put("sim.error", r.returncode)
        return
    put("sim.round_trips_per_s", m.group(1), "HV SIGNAL + MP echo, 256 B, host simulator")
    put("sim.hcalls_per_round_trip", h.group(1), "floor: 2 H_COPY_RDMA + 1 H_SEND_CRQ")
    try:
        t1, m1 = callgrind_costs(1000)
        t2, m2 = callgrind_costs(11000)
    except (OSError, subprocess.CalledProcessError):
        put("sim.callgrind", "unavailable")
        return
    put("sim.mp_instructions_per_round_trip", (m2 - m1) // 10000, "vmc/ + drivers/crq.c, callgrind")
    put("sim.all_instructions_per_round_trip", (t2 - t1) // 10000, "with the HV engine and simulator")


def linux_bench(runs=3):
    """The Linux guest (make linux): QEMU start to vmctest's verdict, and the
    driver's echo rate through spapr-vmc as its user space sees it."""
    try:
        vmlinux, initramfs = qemu_cmd.linux_guest()
    except RuntimeError:
        vmlinux = None
    if not vmlinux or not qemu_cmd.patched_qemu():
        put("linux.error", "not-built", "run make linux qemu")
        return
    for fw in ("vof", "slof"):
        walls, rates = [], []
        for _ in range(runs):
            argv = [sys.executable, os.path.join(HERE, "vmcrun.py"), "linux", "--image", vmlinux,
                    "--initrd", initramfs, "--fw", fw, "--append", "console=hvc0 vmctest=echo"]
            wall, rc, out = boot(argv, timeout=300)
            m = re.findall(r"vmctest: echoed (\d+) messages, (\d+) bytes in (\d+) ms", out)
            if rc != 0 or not m:
                put("linux.%s.error" % fw, rc)
                break
            walls.append(wall)
            rates += [int(n) / max(int(ms), 1) * 1000 for n, _, ms in m]
        if walls:
            put("linux.%s.qemu_start_to_verdict_wall_s" % fw, "%.2f" % statistics.median(walls),
                "median of %d, two sessions of 63 echoes" % len(walls))
            put("linux.%s.echo_round_trips_per_s" % fw, "%.0f" % statistics.median(rates),
                "ibmvmc via /dev/ibmvmc, sizes 1..4096 B")


def main():
    print("vmcfw benchmarks (printed, never asserted)")
    sizes()
    d = dict(RESULTS)
    put("size.le_over_be.text", "%.2f" % (d["size.le.text"] / d["size.be.text"]))
    smoke_times()
    crq_bench()
    sim_bench()
    vmc_bench()
    linux_bench()
    path = os.path.join(REPO, "build", "bench.txt")
    with open(path, "w") as f:
        for k, v in RESULTS:
            f.write("%s %s\n" % (k, v))
    print("results written to %s" % path)


if __name__ == "__main__":
    main()
