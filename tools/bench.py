#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make bench: size and speed figures for vmcfw, printed and written to
build/bench.txt as `key value` lines (stable names). Never asserted: the
machines are noisy; compare runs, not thresholds.

`tools/bench.py l4l` (make bench-echo) prints only the like-for-like echo
table (keys l4l.*; see like_for_like()). The vmc.* echo figures come from
the soak scenario as before, but the peer now drops the device's DELIVERED
notices (bench_client()), so they are not comparable with older runs."""
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
import bench_startup  # noqa: E402
from tools.qmp import hmp  # noqa: E402

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


def image_sizes():
    """Loaded bytes per owner (each folder, newlib, the symbol table, the
    linker's part) of the default and the lab image, both endians, from the
    link maps (tools/image_size.py), and each image's PT_LOAD."""
    import image_size
    for endian in ("big", "little"):
        tag = "be" if endian == "big" else "le"
        for variant, lab in (("default", False), ("lab", True)):
            img = qemu_cmd.image_path(endian, lab=lab)
            owners, _, _ = image_size.parse(img[:-len(".elf")] + ".map")
            put("size.%s.%s.load_bytes" % (tag, variant), image_size.load_filesz(img),
                "PT_LOAD file size")
            for owner in image_size.ORDER:
                if owners.get(owner):
                    put("size.%s.%s.%s" % (tag, variant, owner.rstrip("/")), owners[owner])


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
        argv = qemu_cmd.qemu_args(qemu_cmd.image_path(lab=True), "vof", "bench-crq=%d %s" % (cycles, mode),
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


def bench_client(sock):
    """An HMC client that drops DELIVERED notices: the device sends one per
    message to the guest, and nothing here waits for them; kept, they pile
    up in the backlog that every wait scans (a cost growing with the count)."""
    from tools.hmc import proto
    from tools.hmc.client import HmcClient

    class BenchClient(HmcClient):
        delivered = 0

        def _keep(self, frame):
            if frame.type == proto.EV_DELIVERED:
                self.delivered += 1
                return False
            return True
    return BenchClient(sock, 60)


def vmc_bench(count=500):
    from tools.hmc import proto, scenarios
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
                c = bench_client(sock)
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


def suspend_bench():
    """The image's recovery from a partner-suspended event (0xFF 0x06): the
    device's suspend-on-resume=on posts it after `stop` + `cont`; the image
    prints `ev=recovered us=N`, N its own timebase from the event to the
    session open again (re-enable, Init, capabilities, OPEN). One run per
    service mode, VOF, BE."""
    from tools.hmc import proto, scenarios
    qemu = qemu_cmd.patched_qemu()
    if not qemu:
        put("suspend.error", "no-patched-qemu", "run make qemu")
        return
    for mode in ("poll", "irq"):
        tmp = tempfile.mkdtemp(prefix="vmcbench-")
        sock, mon = os.path.join(tmp, "hmc.sock"), os.path.join(tmp, "mon.sock")
        log = os.path.join(tmp, "console.log")
        argv = qemu_cmd.qemu_args(qemu_cmd.image_path(), "vof", "echo quiet %s" % mode,
                                  serial="file:" + log, qemu=qemu,
                                  monitor="unix:%s,server=on,wait=off" % mon,
                                  extra=["-chardev", "socket,id=hmc0,path=%s,server=on,wait=on" % sock,
                                         "-device", "spapr-vmc,chardev=hmc0,suspend-on-resume=on"])
        q = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            end = time.monotonic() + 60
            while not os.path.exists(sock) and time.monotonic() < end:
                time.sleep(0.01)
            c = bench_client(sock)
            scenarios.wait_session(c, 120)
            hmp(mon, "stop")
            hmp(mon, "cont")
            c.wait(lambda f: f.type == proto.EV_LINK and not f.link_up, 60, "LINK down")
            scenarios.wait_session(c, 60)
            c.close()
            # the peer sees the OPEN before the image has read its OPEN_RESP
            end = time.monotonic() + 10
            m = None
            while not m and time.monotonic() < end:
                time.sleep(0.05)
                with open(log, errors="replace") as f:
                    text = f.read()
                m = re.search(r"VMC t=(\d+) ev=recovered idx=0 sess=\d+ us=(\d+)", text)
            d = re.search(r"VMC t=(\d+) ev=link_down cause=partner suspended", text)
            if not m or not d:
                put("suspend.vof.%s.error" % mode, "no-recovered-line", log)
                continue
            put("suspend.vof.%s.event_to_session_reopened_us" % mode, m.group(2),
                "image's timebase, one run (stop/cont, suspend-on-resume=on)")
            put("suspend.vof.%s.console_link_down_to_recovered_us" % mode,
                int(m.group(1)) - int(d.group(1)), "the same from the two console lines' t=")
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


# ----------------------------------------------------------------------------
# Like-for-like echo: one peer (echo_rate below), one direction (the HMC sends,
# the management partition echoes), the same sizes and window for every target,
# on the same spapr-vmc device in the same run, with two floors measured by the
# same peer code: the device's own PING/PONG and a plain unix-socket echo.

L4L_SIZES = (64, 4096)
L4L_WINDOW = 1            # one message in flight: every figure is a round-trip latency
PING_MAX = 64             # hv/hmc_frame.c: a PING payload is at most 64 bytes
IDLE_SECONDS = 5.0

# name, what boots, boot arguments. poll-1ms is the poll mode before the spin
# and cede budgets (a 1 ms cede whenever the ring is empty, the console read
# every pass): the "before" figure, measured in the same run.
L4L_TARGETS = (
    ("vmcfw_poll", "image", "echo quiet poll"),
    ("vmcfw_irq", "image", "echo quiet irq"),
    ("vmcfw_poll_1ms", "image", "echo quiet poll poll-spin=0 poll-cede=1000 poll-busy=0 poll-idle=1000 console-poll=0"),
    ("linux", "linux", "console=hvc0 vmctest=serve"),
)


def payload_of(size):
    return bytes((i * 7 + size) & 0xFF for i in range(size))


def echo_rate(c, send, want, size, count, index=0, session=0):
    """Round trips per second of `count` messages of `size` bytes, one in
    flight; each answer must be the bytes sent. `send(payload)` sends one,
    `want` is the frame type of the answer."""
    from tools.hmc import proto
    data = payload_of(size)
    stop = (want, proto.EV_ERROR, proto.EV_CLOSE, proto.EV_LINK)
    t0 = time.monotonic()
    for _ in range(count):
        send(data)
        f = c.wait(lambda f: f.type in stop, 60, "echo")
        if f.type != want or f.payload != data:
            raise RuntimeError("echo of %d bytes answered by %s" % (size, f.describe()))
    return count / (time.monotonic() - t0)


def qemu_cpu_seconds(pid):
    """utime + stime of a process, all threads, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def qemu_thread_cpu(pid):
    """{tid: utime + stime in seconds} of every thread of a process."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(tid)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def spread(rates):
    return "%.0f..%.0f" % (min(rates), max(rates))


class Target:
    """One guest on spapr-vmc with the bench peer connected and a session open."""

    def __init__(self, kind, append, image=None):
        from tools.hmc import proto
        self.tmp = tempfile.mkdtemp(prefix="vmcl4l-")
        sock = os.path.join(self.tmp, "hmc.sock")
        self.console = os.path.join(self.tmp, "console.log")
        extra = ["-chardev", "socket,id=hmc0,path=%s,server=on,wait=on" % sock,
                 "-device", "spapr-vmc,chardev=hmc0,max-mtu=4096"]
        if kind == "linux":
            vmlinux, initramfs = qemu_cmd.linux_guest()
            image, extra = vmlinux, extra + ["-initrd", initramfs]
        else:
            image = image or qemu_cmd.image_path()
        argv = qemu_cmd.qemu_args(image, "vof", append, serial="file:" + self.console,
                                  qemu=qemu_cmd.patched_qemu(), extra=extra)
        self.kind = kind
        self.q = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not os.path.exists(sock):
            if self.q.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("QEMU did not create the HMC socket")
            time.sleep(0.01)
        self.c = bench_client(sock)
        self.c.wait_link(True, 180)
        op = self.c.wait(lambda f: f.type == proto.EV_OPEN, 180, "session OPEN")
        self.index, self.session = op.index, op.session
        self.c.backlog[:] = [f for f in self.c.backlog if f.type != proto.EV_LINK]

    def echo(self, size, count):
        from tools.hmc import proto
        return echo_rate(self.c, lambda d: self.c.msg(d, self.index, self.session),
                         proto.EV_MSG, size, count)

    def ping(self, size, count):
        from tools.hmc import proto
        return echo_rate(self.c, lambda d: self.c.send(proto.CMD_PING, d), proto.EV_PONG, size, count)

    def echo_thread_shares(self, size, count):
        """An echo run with QEMU's threads watched: (rate, share of wall time
        used by the main loop thread, where the device and the chardev run, and
        by the busiest other thread, the TCG vCPU). A vCPU near 100 % means
        the guest's own code, emulated, limits the rate, not the device."""
        c0, t0 = qemu_thread_cpu(self.q.pid), time.monotonic()
        rate = self.echo(size, count)
        c1, wall = qemu_thread_cpu(self.q.pid), time.monotonic() - t0
        used = {tid: c1[tid] - c0.get(tid, 0.0) for tid in c1}
        main = used.pop(self.q.pid, 0.0)
        return rate, main / wall, (max(used.values()) if used else 0.0) / wall

    def idle_cpu_share(self, seconds):
        """QEMU's CPU time over `seconds` with the session open and no traffic,
        as a share of one core."""
        time.sleep(0.5)     # let the last echo's spin and back-off end
        c0, t0 = qemu_cpu_seconds(self.q.pid), time.monotonic()
        time.sleep(seconds)
        return (qemu_cpu_seconds(self.q.pid) - c0) / (time.monotonic() - t0)

    def close(self):
        if self.kind == "linux":
            try:    # the guest's serve loop ends, closes and powers off
                self.c.msg(b"vmctest-serve-done", self.index, self.session)
                self.q.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.c.close()
        if self.q.poll() is None:
            self.q.kill()
        self.q.wait()


def unix_floor(size, count):
    """The same peer code against a process that echoes the bytes it reads
    on a unix stream socket: what Python, the kernel and a context switch
    cost per round trip on this machine, with no QEMU."""
    from tools.hmc import proto
    from tools.hmc.client import HmcClient
    tmp = tempfile.mkdtemp(prefix="vmcfloor-")
    sock = os.path.join(tmp, "echo.sock")
    server = subprocess.Popen([sys.executable, "-c", (
        "import socket,sys\n"
        "s=socket.socket(socket.AF_UNIX,socket.SOCK_STREAM);s.bind(sys.argv[1]);s.listen(1)\n"
        "c,_=s.accept()\n"
        "while True:\n"
        "    d=c.recv(65536)\n"
        "    if not d: break\n"
        "    c.sendall(d)\n"), sock])
    try:
        c = HmcClient(sock, 30)
        rate = echo_rate(c, lambda d: c.msg(d), proto.CMD_MSG, size, count)
        c.close()
    finally:
        server.kill()
        server.wait()
    return rate


def like_for_like(rounds=15, count=1000):
    """make bench's echo comparison (see the block comment above). All the
    guests are up at once and the rounds are interleaved (target after
    target, size after size), so that a change of load on a shared host
    falls on every target alike; idle guests cost little (see idle_qemu).
    Fifteen rounds: a round costs about a second, and with five the medians
    of poll / irq moved between 0.93 and 1.36 from run to run."""
    try:
        qemu_cmd.linux_guest()
        have_linux = True
    except RuntimeError:
        have_linux = False
    if not qemu_cmd.patched_qemu():
        put("l4l.error", "no-patched-qemu", "run make qemu")
        return
    print("like-for-like echo: one Python peer sends, the guest echoes, window %d, VOF, "
          "%d interleaved rounds of %d; best (median, spread min..max)" % (L4L_WINDOW, rounds, count))
    targets, runs = {}, {}
    try:
        for name, kind, append in L4L_TARGETS:
            if kind == "linux" and not have_linux:
                put("l4l.linux.error", "not-built", "run make linux")
                continue
            targets[name] = Target(kind, append)
        for t in targets.values():
            for size in L4L_SIZES:
                t.echo(size, count // 10)       # warm: buffers mapped, code paths hot
        for _ in range(rounds):
            for name, t in targets.items():
                for size in L4L_SIZES:
                    runs.setdefault((name, size), []).append(t.echo(size, count))
            if "vmcfw_poll" in targets:         # the device floor: PING answered by spapr-vmc
                runs.setdefault(("device_ping", 64), []).append(
                    targets["vmcfw_poll"].ping(PING_MAX, count))
            for size in L4L_SIZES:
                runs.setdefault(("unix_floor", size), []).append(unix_floor(size, count))
        for (name, size), rates in sorted(runs.items()):
            note = "median %.0f, spread %s" % (statistics.median(rates), spread(rates))
            if name == "device_ping":
                note += "; PING carries at most 64 B"
            elif name == "unix_floor":
                note += "; same peer, a plain unix-socket echo process"
            key = "l4l.%s.%dB_round_trips_per_s" % (name, size) if name in ("device_ping", "unix_floor") \
                else "l4l.%s.echo_%dB_round_trips_per_s" % (name, size)
            put(key, "%.0f" % max(rates), note)
        for name, t in targets.items():
            if name == "vmcfw_poll_1ms":
                continue
            for size in L4L_SIZES:
                # long enough for the 10 ms CPU-time ticks of /proc to resolve a few percent
                n = 5 * count
                rate, main, vcpu = t.echo_thread_shares(size, n)
                put("l4l.%s.echo_%dB_thread_busy_percent" % (name, size),
                    "main %.0f vcpu %.0f" % (100 * main, 100 * vcpu),
                    "QEMU threads during one more run of %d (%.0f round trips/s): main loop "
                    "(device, chardev) and busiest vCPU, share of wall time" % (n, rate))
        for name, t in targets.items():
            shares = [t.idle_cpu_share(IDLE_SECONDS) for _ in range(2)]
            put("l4l.%s.idle_qemu_cpu_percent" % name, "%.1f" % (100 * min(shares)),
                "QEMU utime+stime, %.0f s idle with a session open, share of one core "
                "(best of 2; other: %.1f)" % (IDLE_SECONDS, 100 * max(shares)))
    finally:
        for t in targets.values():
            t.close()
    best = {k: max(v) for k, v in runs.items()}
    med = {k: statistics.median(v) for k, v in runs.items()}

    def ratio(key, a, b, note=""):
        put(key, "%.2f" % (best[a] / best[b]), "medians %.2f%s" % (med[a] / med[b], note))

    print("ratios (best over best; medians over medians):")
    for size in L4L_SIZES:
        for name in ("vmcfw_poll", "vmcfw_irq"):
            if (name, size) not in best:
                continue
            if ("linux", size) in best:
                ratio("l4l.%s_over_linux.%dB" % (name, size), (name, size), ("linux", size),
                      "; goal >= %d" % (3 if size == 64 else 2))
            if ("device_ping", 64) in best:
                ratio("l4l.%s_over_device_ping.%dB" % (name, size), (name, size), ("device_ping", 64))
            ratio("l4l.%s_over_unix_floor.%dB" % (name, size), (name, size), ("unix_floor", size))
        if ("linux", size) in best and ("device_ping", 64) in best:
            # the PING rate is the device's own floor (64 B at most): every echo as its fraction
            ratio("l4l.linux_over_device_ping.%dB" % size, ("linux", size), ("device_ping", 64),
                  "; goal >= 0.25 at 64 B" if size == 64 else "")
        if ("vmcfw_poll", size) in best and ("vmcfw_irq", size) in best:
            ratio("l4l.poll_over_irq.%dB" % size, ("vmcfw_poll", size), ("vmcfw_irq", size),
                  "; goal >= 1")
        if ("vmcfw_poll", size) in best and ("vmcfw_poll_1ms", size) in best:
            ratio("l4l.poll_over_poll_1ms.%dB" % size, ("vmcfw_poll", size), ("vmcfw_poll_1ms", size),
                  "; the budgets against the old 1 ms cede")


def migration_bench(runs=(("poll", True), ("irq", True), ("poll", False)), before=200,
                    after=200):
    """Migration downtime as the HMC peer sees it: a live migration (VOF,
    BE, the image echoing) with a follow-mode soak in flight, window 4. The
    peer's gap is the time from the last echo answered by the source to the
    first answered by the destination. With standby (mig.vof.<mode>.*) the
    peer is connected to the destination ahead and switches when it
    announces the session; without (mig.vof.<mode>.reconnect.*) it
    reconnects once the source, ended with QMP quit as soon as the
    migration completes, has closed its socket. QEMU's own downtime and
    total time are printed next to it, and what the soak lost (reported,
    never silent)."""
    from tools.hmc import follow
    from tools.qmp import Qmp
    import threading
    qemu = qemu_cmd.patched_qemu()
    if not qemu:
        put("mig.error", "no-patched-qemu", "run make qemu")
        return
    for mode, standby in runs:
        tmp = tempfile.mkdtemp(prefix="vmcmig-")
        procs = []

        def start(name, incoming=None):
            sock = os.path.join(tmp, name + "-hmc.sock")
            qmp = os.path.join(tmp, name + "-qmp.sock")
            extra = ["-chardev", "socket,id=hmc0,path=%s,server=on,wait=off" % sock,
                     "-device", "spapr-vmc,chardev=hmc0", "-qmp", "unix:%s,server=on,wait=off" % qmp]
            if incoming:
                extra += ["-incoming", "unix:" + incoming]
            argv = qemu_cmd.qemu_args(qemu_cmd.image_path(), "vof", "echo quiet %s" % mode,
                                      serial="file:" + os.path.join(tmp, name + ".log"),
                                      qemu=qemu, extra=extra)
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            procs.append(p)
            return sock, Qmp(qmp, 60, lambda: p.poll() is None)
        try:
            mig = os.path.join(tmp, "mig.sock")
            src_sock, src = start("src")
            dst_sock, dst = start("dst", incoming=mig)
            fl = follow.Follower([src_sock, dst_sock], reconnect_timeout=60, out=lambda *_: None,
                                 standby=standby)
            fl.connect(60)
            answered = []
            stop = threading.Event()
            box = {}
            t = threading.Thread(target=lambda: box.setdefault("r", follow.follow_soak(
                fl, 10 ** 6, window=4, answer_timeout=30, stop=stop,
                on_answer=lambda seq, at: answered.append(at), out=lambda *_: None)), daemon=True)
            t.start()
            end = time.monotonic() + 60
            while len(answered) < before and time.monotonic() < end and t.is_alive():
                time.sleep(0.01)
            st = src.migrate("unix:" + mig, 120)
            src.quit()
            dst.wait_running(60)
            n = len(answered)
            end = time.monotonic() + 60
            while len(answered) < n + after and time.monotonic() < end and t.is_alive():
                time.sleep(0.01)
            stop.set()
            t.join(60)
            fl.close()
            r = box.get("r")
            tag = "mig.vof.%s%s" % (mode, "" if standby else ".reconnect")
            if r is None or not r.gaps:
                put(tag + ".error", "no-figure", r.line() if r else "the soak did not end")
                continue
            put(tag + ".peer_gap_ms", "%.1f" % (r.gaps[0] * 1000),
                "last echo by the source -> first by the destination")
            put(tag + ".qemu_downtime_ms", st.get("downtime"), "QEMU's query-migrate")
            put(tag + ".qemu_total_ms", st.get("total-time"), "QEMU's query-migrate")
            put(tag + ".soak_lost", len(r.lost), "of %d sent; duplicates %d" % (
                r.sent, len(r.duplicates)))
        finally:
            for p in procs:
                p.kill()
                p.wait()


def main():
    print("vmcfw benchmarks (printed, never asserted)")
    sizes()
    image_sizes()
    echo_hcalls()
    d = dict(RESULTS)
    put("size.le_over_be.text", "%.2f" % (d["size.le.text"] / d["size.be.text"]))
    smoke_times()
    bench_startup.startup_bench(put)
    crq_bench()
    sim_bench()
    vmc_bench()
    suspend_bench()
    linux_bench()
    like_for_like()
    migration_bench()
    path = os.path.join(REPO, "build", "bench.txt")
    with open(path, "w") as f:
        for k, v in RESULTS:
            f.write("%s %s\n" % (k, v))
    print("results written to %s" % path)


STATS_LINE = re.compile(r"^  (\S+)\s+calls (\d+) errors \d+ busy \d+\s*$", re.M)


def image_hcalls(p):
    """{hcall name: calls} from the image's `stats` command on console @p."""
    p.sendline("stats")
    p.expect(r"hcalls: \d+ total\r*\n((?:  \S+\s+calls[^\n]*\n)*)rtas:")
    return {m.group(1): int(m.group(2)) for m in STATS_LINE.finditer(p.match.group(1).replace("\r", ""))}


def echo_hcalls(count=1000, size=64, modes=("poll", "irq")):
    """Hypervisor calls the image makes per echo round trip in each of
    @modes, per call, counted by the image itself (the monitor's `stats`, before and
    after `count` round trips of `size` bytes, one in flight). The floor is
    2 H_COPY_RDMA (the message in, the echo out) + 1 H_SEND_CRQ (the
    echo's MSG entry) and no other. H_CEDE and H_GET_TERM_CHAR are the
    poll loop waiting for the peer's next message (5 us cedes, the console
    read every 10 ms): they grow with the peer's latency, not with the work
    per message. In irq mode the interrupt adds its own: H_XIRR (accept),
    H_EOI, the H_VIO_SIGNAL pair that masks the CRQ's interrupt while the
    ring is drained, and one H_CEDE per wait."""
    for mode in modes:
        echo_hcalls_mode(mode, count, size)


def echo_hcalls_mode(mode, count, size):
    """echo_hcalls() for one service @mode ("poll" or "irq")."""
    import pexpect
    from tools.hmc import proto
    qemu = qemu_cmd.patched_qemu()
    if not qemu:
        put("hcalls.error", "no-patched-qemu", "run make qemu")
        return
    tmp = tempfile.mkdtemp(prefix="vmchcalls-")
    sock = os.path.join(tmp, "hmc.sock")
    argv = qemu_cmd.qemu_args(qemu_cmd.image_path(), "vof", "echo quiet " + mode, qemu=qemu,
                              extra=["-chardev", "socket,id=hmc0,path=%s,server=on,wait=on" % sock,
                                     "-device", "spapr-vmc,chardev=hmc0,max-mtu=4096"])
    p = pexpect.spawn(argv[0], argv[1:], encoding="utf-8", codec_errors="replace", timeout=60)
    c = None
    try:
        deadline = time.monotonic() + 60
        while not os.path.exists(sock):
            if not p.isalive() or time.monotonic() > deadline:
                raise RuntimeError("QEMU did not create the HMC socket")
            time.sleep(0.01)
        c = bench_client(sock)
        c.wait_link(True, 120)
        op = c.wait(lambda f: f.type == proto.EV_OPEN, 120, "session OPEN")
        c.backlog[:] = [f for f in c.backlog if f.type != proto.EV_LINK]
        p.expect_exact("vmcfw> ")
        echo = lambda d: c.msg(d, op.index, op.session)     # noqa: E731
        echo_rate(c, echo, proto.EV_MSG, size, 10)          # warm
        before = image_hcalls(p)
        echo_rate(c, echo, proto.EV_MSG, size, count)
        after = image_hcalls(p)
        # the second `stats` itself adds console writes: count them out by
        # a third reading with no traffic in between
        again = image_hcalls(p)
        total = 0.0
        for name in sorted(set(after) | set(before)):
            stats_cost = again.get(name, 0) - after.get(name, 0)
            n = (after.get(name, 0) - before.get(name, 0) - stats_cost) / count
            if n > 0:
                total += n
                put("hcalls.echo_%dB_%s.%s" % (size, mode, name), "%.3f" % n, "per round trip")
        put("hcalls.echo_%dB_%s.total" % (size, mode), "%.3f" % total,
            "per round trip; floor 3 (2 H_COPY_RDMA + 1 H_SEND_CRQ)")
    finally:
        if c:
            c.close()
        p.terminate(force=True)


def echo_images(images, rounds=5, count=1000):
    """The poll-mode echo rate (64 B and 4 KiB, one in flight) of each image
    given, in rounds that take the images in turn so a change of load on a
    shared host hits all of them alike: a before/after speed check of two
    builds (`tools/bench.py echo-images A.elf B.elf`). Prints the median and
    spread per image and size, and the ratio of each image to the first."""
    runs = {}
    for _ in range(rounds):
        for img in images:
            t = Target("image", "echo quiet poll", image=img)
            try:
                for size in L4L_SIZES:
                    t.echo(size, count // 10)
                    runs.setdefault((img, size), []).append(t.echo(size, count))
            finally:
                t.close()
    for size in L4L_SIZES:
        first = statistics.median(runs[(images[0], size)])
        for img in images:
            rates = runs[(img, size)]
            put("echo_image.%s.%dB_round_trips_per_s" % (os.path.basename(img), size),
                "%.0f" % statistics.median(rates),
                "%s; x%.3f of %s" % (spread(rates), statistics.median(rates) / first,
                                     os.path.basename(images[0])))


if __name__ == "__main__":
    if sys.argv[1:2] == ["echo-images"] and len(sys.argv) > 2:
        print("vmcfw echo rate per image (printed, never asserted)")
        echo_images(sys.argv[2:])
    elif sys.argv[1:] == ["hcalls"]:
        print("vmcfw hcalls per echo round trip (printed, never asserted)")
        echo_hcalls()
    elif sys.argv[1:] == ["l4l"]:     # make bench-echo: the like-for-like table alone
        print("vmcfw like-for-like echo (printed, never asserted)")
        like_for_like()
    elif sys.argv[1:] == ["migration"]:     # the migration downtime figures alone
        print("vmcfw migration downtime (printed, never asserted)")
        migration_bench()
    elif sys.argv[1:] == ["startup"]:     # the start-up figures alone
        print("vmcfw start-up (printed, never asserted)")
        bench_startup.startup_bench(put)
    elif sys.argv[1:] == ["suspend"]:     # the partner-suspended recovery figure alone
        suspend_bench()
    else:
        main()
