# SPDX-License-Identifier: GPL-2.0-or-later
"""Start-up figures of `make bench`: guest start to an open VMC session,
against a baseline image that powers off at its first instruction.

Both runs use the same patched QEMU, the same machine options, the same
spapr-vmc device and the same peer. QEMU starts paused (-S), with the
firmware and image loaded; the clock starts at QMP's RESUME event after
`cont`. The baseline (tools/baseline/poweroff.S) ends at QMP's SHUTDOWN
event (its RTAS power-off, before QEMU's tear-down); vmcfw ends when the
peer reads the session's OPEN event. QEMU's own process start is the same
in both runs and outside both figures. The image's "platform ready in N us"
line (its timebase, entry to ready) says how much of the difference is the
image's code before the VMC handshake.

The default boot (`cas=auto`) skips ibm,client-architecture-support on
QEMU; a third boot per round with `cas=on` says what the call costs.
"""
import os
import re
import statistics
import subprocess
import tempfile
import time

from tools import qemu_cmd
from tools.qmp import Qmp, QmpError

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CROSS = {"big": ("powerpc64-linux-gnu-", ["-mbig-endian", "-mabi=elfv1"]),
         "little": ("powerpc64le-linux-gnu-", ["-mlittle-endian", "-mabi=elfv2"])}
# Goals of the start-up figures: vmcfw's start to open minus the baseline.
GOAL_MS = {"vof": 10, "slof": 100}
IMAGE_APPEND = "echo quiet"


def baseline_image(endian="big"):
    """Build the power-off-at-entry image for @endian under build/baseline/.
    Return: its path."""
    prefix, flags = CROSS[endian]
    out = os.path.join(REPO, "build", "baseline")
    os.makedirs(out, exist_ok=True)
    tag = "be" if endian == "big" else "le"
    obj, elf = os.path.join(out, "poweroff-%s.o" % tag), os.path.join(out, "poweroff-%s.elf" % tag)
    src = os.path.join(REPO, "tools", "baseline", "poweroff.S")
    subprocess.run([prefix + "gcc"] + flags + ["-I", REPO, "-D__ASSEMBLY__", "-c", src, "-o", obj],
                   check=True)
    # -n: no page alignment, so the code is the first byte of the only
    # PT_LOAD (SLOF and VOF jump there) at the image's own link address.
    subprocess.run([prefix + "ld", "-n", "-nostdlib", "--no-warn-rwx-segments", "-Ttext=0x4000000",
                    "-e", "_start", "-o", elf, obj], check=True)
    return elf


def wait_console(path, text, seconds):
    """Wait up to @seconds for @text in the console file @path.
    Return: whether it appeared."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with open(path, errors="replace") as f:
            if text in f.read():
                return True
        time.sleep(0.01)
    return False


def one_start(image, fw, append, until_open):
    """Boot @image on @fw with spapr-vmc and a peer, paused until `cont`; time
    the guest's start (RESUME) to the session's OPEN (@until_open) or to
    the power-off (SHUTDOWN).
    Return: (seconds, console text), or (None, reason) on failure."""
    from tools.hmc import proto
    from tools.hmc.client import HmcClient
    tmp = tempfile.mkdtemp(prefix="vmcstart-")
    sock, qmp = os.path.join(tmp, "hmc.sock"), os.path.join(tmp, "qmp.sock")
    console = os.path.join(tmp, "console.log")
    # shutdown=pause: QEMU stays up after the power-off, so its SHUTDOWN
    # event is read before the process ends.
    extra = ["-S", "-action", "shutdown=pause", "-qmp", "unix:%s,server=on,wait=off" % qmp,
             "-chardev", "socket,id=hmc0,path=%s,server=on,wait=on" % sock,
             "-device", "spapr-vmc,chardev=hmc0"]
    argv = qemu_cmd.qemu_args(image, fw, append, serial="file:" + console,
                              qemu=qemu_cmd.patched_qemu(), extra=extra)
    q = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    c = m = None
    try:
        deadline = time.monotonic() + 60
        while not (c and m):
            if q.poll() is not None or time.monotonic() > deadline:
                return None, "QEMU did not create its sockets"
            if not c and os.path.exists(sock):
                c = HmcClient(sock, 60)
            if c and not m and os.path.exists(qmp):    # QEMU greets once the HMC peer is in
                try:
                    m = Qmp(qmp, timeout=180)
                except (ConnectionRefusedError, FileNotFoundError):
                    m = None
            time.sleep(0.001)
        m.cmd("cont")
        start = m.event("RESUME", 120)
        if until_open:
            c.wait(lambda f: f.type == proto.EV_OPEN, 120, "session OPEN")
            took = time.time() - start
            wait_console(console, "ev=opened", 5)   # its line follows the peer's OPEN
        else:
            took = m.event("SHUTDOWN", 120) - start
    except (OSError, EOFError, RuntimeError, QmpError, ValueError, KeyError) as e:
        return None, "%s: %s" % (type(e).__name__, e)
    finally:
        for x in (c, m):
            if x:
                x.close()
        if q.poll() is None:
            q.kill()
        q.wait()
    with open(console, errors="replace") as f:
        text = f.read()
    return took, text


def grab(pattern, text, into):
    """Append the first group of @pattern in @text, as an int, to the list
    @into (nothing when it does not match)."""
    m = re.search(pattern, text)
    if m:
        into.append(int(m.group(1)))


def span(seconds):
    """Return: "min-max ms" of @seconds."""
    return "%.1f-%.1f ms" % (min(seconds) * 1000, max(seconds) * 1000)


def startup_bench(put, runs=5):
    """Print start-up figures through @put(key, value, note): per firmware,
    the baseline and vmcfw medians of @runs boots (BE), their difference
    against the goal, and the image's entry-to-ready time."""
    if not qemu_cmd.patched_qemu():
        put("startup.error", "no-patched-qemu", "run make qemu")
        return
    try:
        base_image = baseline_image("big")
    except (OSError, subprocess.CalledProcessError) as e:
        put("startup.error", "baseline-build", str(e))
        return
    for fw in ("vof", "slof"):
        base, own, ready, cas, own_cas, opened = [], [], [], [], [], []
        skipped = 0
        boots = (("baseline", base_image, "", False, base),
                 ("vmcfw", qemu_cmd.image_path(), IMAGE_APPEND, True, own),
                 ("vmcfw_cas_on", qemu_cmd.image_path(), IMAGE_APPEND + " cas=on", True, own_cas))
        failed = False
        for _ in range(runs):         # interleaved, so a load change hits all alike
            for name, image, append, until_open, into in boots:
                took, text = one_start(image, fw, append, until_open)
                if took is None:
                    put("startup.%s.%s_error" % (fw, name), text)
                    failed = True
                    break
                into.append(took)
                if name == "vmcfw":
                    grab(r"platform ready in (\d+) us", text, ready)
                    grab(r"VMC t=(\d+) ev=opened", text, opened)
                    skipped += "cas: not called" in text
                elif name == "vmcfw_cas_on":
                    grab(r"cas: negotiated in (\d+) us", text, cas)
            if failed:
                break
        if not (base and own):
            continue
        b, v = statistics.median(base) * 1000, statistics.median(own) * 1000
        noise = max(max(base) - min(base), max(own) - min(own)) * 1000
        put("startup.%s.baseline_poweroff_ms" % fw, "%.1f" % b,
            "guest start (QMP RESUME) to its power-off (SHUTDOWN), image powers off at entry; "
            "median of %d, %s" % (len(base), span(base)))
        put("startup.%s.vmcfw_to_open_ms" % fw, "%.1f" % v,
            "guest start (QMP RESUME) to the peer reading OPEN; median of %d, %s" % (len(own), span(own)))
        verdict = "met" if v - b <= GOAL_MS[fw] else "not met"
        if abs(v - b) < noise:
            verdict += "; within the %.0f ms spread of the runs themselves: read image_entry_to_open" % noise
        put("startup.%s.vmcfw_minus_baseline_ms" % fw, "%.1f" % (v - b),
            "goal <= %d ms (%s)" % (GOAL_MS[fw], verdict))
        if opened:
            put("startup.%s.image_entry_to_open_ms" % fw, "%.1f" % (statistics.median(opened) / 1000),
                "image's timebase: entry to the session opened (its ev=opened line)")
        if ready:
            put("startup.%s.image_entry_to_ready_ms" % fw, "%.1f" % (statistics.median(ready) / 1000),
                "image's timebase: entry to platform ready, before the VMC handshake")
        put("startup.%s.cas_skipped" % fw, "%d/%d" % (skipped, len(own)),
            "default boots where cas=auto did not call ibm,client-architecture-support")
        if own_cas:
            put("startup.%s.vmcfw_cas_on_minus_baseline_ms" % fw,
                "%.1f" % (statistics.median(own_cas) * 1000 - b),
                "the same with cas=on; median of %d" % len(own_cas))
        if cas:
            put("startup.%s.image_cas_ms" % fw, "%.1f" % (statistics.median(cas) / 1000),
                "cas=on: the ibm,client-architecture-support call (the firmware's and QEMU's side)")
