# SPDX-License-Identifier: GPL-2.0-or-later
"""Platform matrix: the image on the QEMU 7.2 pseries configurations that come
closest to real POWER machines: POWER8/9/10 CPUs, the large decrementer on
and off, the XICS, XIVE and dual interrupt-controller modes, SLOF and VOF,
big- and little-endian, a small real-mode area, a system reset (NMI).

Every boot runs with `-d guest_errors,unimp` logged to a file, and fails if
QEMU reported anything there.

`make test` (pytest on tests/qemu) runs a representative subset that takes
every value of every axis at least once; `make platform-matrix` sets
VMC_PLATFORM_MATRIX=1, which makes the same tests run the full product.
Boots without spapr-vmc use Debian's QEMU; the VMC end-to-end runs use the
patched QEMU (`make qemu`).
"""
import itertools
import os
import re
import subprocess
import sys
import time

import pexpect
import pytest

import qemu_cmd  # tools/, put on the path by conftest.py
from conftest import run_argv
from tools.qmp import hmp

REPO = qemu_cmd.REPO
PY = "/usr/bin/python3"
FULL = os.environ.get("VMC_PLATFORM_MATRIX") == "1"

PVR = {"POWER8": "0x004d", "POWER9": "0x004e", "POWER10": "0x0080"}
OFFER = {  # what /chosen ibm,arch-vec-5-platform-support says, per CPU and ic-mode
    ("POWER8", "xics"): "XICS (byte 23 0x00)",
    ("POWER8", "dual"): "XICS (byte 23 0x00)",      # pre-POWER9: legacy only
    ("xics",): "XICS (byte 23 0x00)",
    ("xive",): "XIVE exploitation (byte 23 0x40)",
    ("dual",): "XICS or XIVE exploitation (byte 23 0x80)",
}


def offer(cpu, ic):
    return OFFER.get((cpu, ic)) or OFFER[(ic,)]


def valid(cpu, decr, ic):
    # QEMU refuses these outright: the large decrementer and XIVE-only
    # machines need POWER9 or later.
    return cpu != "POWER8" or (decr == "off" and ic != "xive")


ALL_BOOTS = [c for c in itertools.product(["POWER8", "POWER9", "POWER10"], ["on", "off"],
                                          ["xics", "xive", "dual"], ["slof", "vof"],
                                          ["big", "little"]) if valid(*c[:3])]
# Every value of every axis at least once.
SUBSET_BOOTS = [
    ("POWER9", "on", "dual", "slof", "big"),
    ("POWER10", "on", "xive", "vof", "little"),
    ("POWER8", "off", "xics", "vof", "big"),
    ("POWER9", "off", "xics", "slof", "little"),
    ("POWER10", "off", "dual", "vof", "big"),
]
BOOTS = ALL_BOOTS if FULL else SUBSET_BOOTS


def guest_log_args(tmp_path, name="guest.log"):
    path = tmp_path / name
    return ["-d", "guest_errors,unimp", "-D", str(path)], path


def assert_no_guest_errors(path, os_term=False):
    """@os_term: the run ends with ibm,os-term on purpose, which QEMU logs
    as a guest error ("Guest crashed"); that one line, and nothing else."""
    text = path.read_text(errors="replace") if path.exists() else ""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if os_term:
        assert lines.count("Guest crashed") == 1, text[-3000:]
        lines.remove("Guest crashed")
    assert not lines, "QEMU reported guest errors / unimplemented features:\n" + text[-3000:]


def boot_stock(tmp_path, endian, fw, append, machine="", extra=(), timeout=120):
    log_args, log = guest_log_args(tmp_path)
    image = qemu_cmd.image_path(endian)
    assert os.path.exists(image), f"{image} missing: run make images"
    argv = qemu_cmd.qemu_args(image, fw, append, machine, "512", list(extra) + log_args)
    return run_argv(argv, f"{endian}/{fw} {machine}", timeout), log


def ids(c):
    return "-".join([c[0], "ldec" if c[1] == "on" else "dec32", c[2], c[3],
                     "be" if c[4] == "big" else "le"])


@pytest.mark.parametrize("cfg", BOOTS, ids=[ids(c) for c in BOOTS])
def test_platform_boot(cfg, tmp_path):
    """Smoke on one platform: CAS answers what the platform offers, the
    decrementer width follows ibm,dec-bits, every check passes, no QEMU
    guest-error report."""
    cpu, decr, ic, fw, endian = cfg
    r, log = boot_stock(tmp_path, endian, fw, "smoke irq",
                        machine=f"ic-mode={ic},cap-large-decr={decr}", extra=["-cpu", cpu])
    assert r.rc == 0, r.err[-1500:]
    assert r.exit_status() == 0
    plan, results = r.tap()
    assert plan and len(results) == plan
    assert all(st == "ok" for st, _ in results.values()), results
    m = re.search(r"cas: platform offers (.*?); cpu PVR (0x[0-9a-f]{8}), dec-bits (\d+)", r.out)
    assert m, "no CAS offer line"
    assert m.group(1) == offer(cpu, ic)
    assert m.group(2).startswith(PVR[cpu])
    assert int(m.group(3)) == (56 if decr == "on" else 0)
    out = r.out.replace("\r", "")
    if ic == "xive":    # cas=auto calls CAS only when it changes something
        assert "cas: calling ibm,client-architecture-support: XIVE exploitation needs it\n" in out
        assert re.search(r"cas: negotiated in \d+ us: .*; granted XIVE exploitation\n", out)
        assert "cas: interrupt controller xive:" in out
    else:
        assert "cas: not called: QEMU's reset state is what the image would ask for (XICS, " \
               "real-mode area 512 MiB holds the image's" in out
        assert "cas: negotiated" not in out
        assert "cas: interrupt controller xics: XICS, QEMU's reset mode (CAS not needed)" in out
    assert re.search(r"boot: RMA 0x0-0x20000000 \(512 MiB\): image .* inside", r.out)
    assert_no_guest_errors(log)


@pytest.mark.parametrize("fw", ["vof", "slof"])
def test_cas_on_negotiates_xics(fw, tmp_path):
    """cas=on calls CAS where cas=auto would skip it (QEMU, XICS asked):
    the platform grants XICS, and the smoke passes in irq mode."""
    r, log = boot_stock(tmp_path, "big", fw, "smoke irq cas=on", machine="ic-mode=dual")
    assert r.rc == 0 and r.exit_status() == 0, r.out[-2000:]
    out = r.out.replace("\r", "")
    assert "cas: not called" not in out and "cas: calling" not in out
    assert re.search(r"cas: negotiated in \d+ us: asked XICS, min RMA \d+ MiB; granted XICS\n", out)
    assert "cas: interrupt controller xics: XICS negotiated by CAS" in out
    assert_no_guest_errors(log)


# --- the real-mode area ----------------------------------------------------
# QEMU 7.2 never makes an RMA below 128 MiB (spapr_rma_size), so the image
# (64 MiB + its size) always fits at its link address. The RMA is the first
# NUMA node's memory; kernel-addr moves the image up against its end.
NUMA_256 = ["-object", "memory-backend-ram,id=m0,size=256M",
            "-object", "memory-backend-ram,id=m1,size=256M",
            "-numa", "node,memdev=m0", "-numa", "node,memdev=m1"]


@pytest.mark.parametrize("endian", ["big", "little"])
def test_rma_just_large_enough(endian, tmp_path):
    """Image at 240 MiB in a 256 MiB RMA (VOF puts RTAS right after it):
    boots, and says how much of the RMA it needs."""
    r, log = boot_stock(tmp_path, endian, "vof", "smoke", machine="kernel-addr=0xB000000",
                        extra=NUMA_256)
    assert r.rc == 0 and r.exit_status() == 0, r.out[-2000:]
    m = re.search(r"boot: RMA 0x0-0x10000000 \(256 MiB\): image (0x[0-9a-f]+)-(0x[0-9a-f]+) and "
                  r"RTAS (0x[0-9a-f]+)-(0x[0-9a-f]+) inside \((\d+) MiB needed\)", r.out)
    assert m, r.out[-2000:]
    assert int(m.group(1), 16) == 0xF000000
    assert int(m.group(4), 16) <= 256 << 20 and 240 < int(m.group(5)) <= 256
    assert_no_guest_errors(log)


@pytest.mark.parametrize("endian", ["big", "little"])
def test_rma_too_small(endian, tmp_path):
    """Image at 256 MiB, the RMA ends at 256 MiB: a clear fatal error naming
    the RMA size needed, and the partition ends (exit 1) instead of hanging."""
    r, log = boot_stock(tmp_path, endian, "vof", "smoke", machine="kernel-addr=0xC000000",
                        extra=NUMA_256, timeout=60)
    assert r.rc == 1, f"rc {r.rc}"
    assert re.search(r"FATAL: RMA: image at 0x10000000-0x[0-9a-f]+ lies outside the real-mode "
                     r"area 0x0-0x10000000 \(/memory@0\): the partition needs an RMA of at least "
                     r"25[7-9] MiB", r.out), r.out[-2000:]
    assert "EXIT: STATUS=1" in r.out
    assert_no_guest_errors(log, os_term=True)


def test_rma_note_check_rejects_short_note(tmp_path):
    """tools/elfnotes.py rma (used by check-image.sh) fails when the RPA
    note's min_rmo_size is below what the image needs."""
    image = qemu_cmd.image_path("big")
    sys.path.insert(0, os.path.join(REPO, "tools"))
    import elfnotes
    with open(image, "rb") as f:
        data = bytearray(f.read())
    need, asked = elfnotes.rma_need(bytes(data))
    assert asked == need and need >= 65
    ok = subprocess.run([PY, "tools/elfnotes.py", "rma", image], cwd=REPO, capture_output=True, text=True)
    assert ok.returncode == 0 and f"need {need} MiB, note asks {need} MiB" in ok.stdout
    # Lower the note's min_rmo_size (descriptor word 1) to 64 MiB.
    rpa = [s for s in elfnotes.phdrs(bytes(data)) if s[1] == elfnotes.PT_NOTE][1]
    off = rpa[2] + 12 + 24 + 4
    assert int.from_bytes(data[off:off + 4], "big") == need
    data[off:off + 4] = (64).to_bytes(4, "big")
    bad = tmp_path / "short.elf"
    bad.write_bytes(bytes(data))
    p = subprocess.run([PY, "tools/elfnotes.py", "rma", str(bad)], cwd=REPO, capture_output=True, text=True)
    assert p.returncode == 1 and "min_rmo_size does not cover the image" in p.stderr
    p = subprocess.run(["sh", "scripts/check-image.sh", "powerpc64-linux-gnu-readelf", str(bad), "big"],
                       cwd=REPO, capture_output=True, text=True)
    assert p.returncode != 0 and "check-image:" in p.stderr


# --- system reset (NMI) ------------------------------------------------------
@pytest.mark.parametrize("fw", ["vof", "slof"])
@pytest.mark.parametrize("endian", ["big", "little"])
def test_system_reset_reported_and_resumed(endian, fw, tmp_path):
    """QEMU's `nmi` delivers a system reset: the image names where it was
    (through FWNMI where firmware let RTAS be found), resumes, and the
    monitor still answers."""
    log_args, log = guest_log_args(tmp_path)
    mon = str(tmp_path / "mon.sock")
    argv = qemu_cmd.qemu_args(qemu_cmd.image_path(endian), fw, "monitor", extra=log_args,
                              monitor=f"unix:{mon},server=on,wait=off")
    child = pexpect.spawn(argv[0], argv[1:], encoding="latin-1", timeout=60)
    try:
        child.expect("FWNMI (registered|not registered)")
        fwnmi = child.match.group(1) == "registered"
        child.expect("vmcfw> ")
        hmp(mon, "nmi")
        child.expect(r"exc: (?:ERROR: )?system reset( \(FWNMI\))? at 0x[0-9a-f]+ (\S+)\+0x[0-9a-f]+ .*?, "
                     r"(recoverable|not recoverable)")
        via_fwnmi = child.match.group(1) is not None
        assert child.match.group(3) == "recoverable"
        assert via_fwnmi == fwnmi
        child.expect(r"system reset #1 handled: resuming")
        child.send("dt\r")
        child.expect("/vdevice/vty@")
        child.expect("vmcfw> ")
        child.send("help\r")
        child.expect("vmcfw> ")
        if fw == "vof":
            assert fwnmi, "VOF records linux,rtas-base, so FWNMI must register"
    finally:
        print(child.before if isinstance(child.before, str) else "")
        child.terminate(force=True)
    assert_no_guest_errors(log)


# --- VMC end to end on the interrupt-controller modes (patched QEMU) ----------
def patched_or_skip():
    q = qemu_cmd.patched_qemu()
    if not q:
        pytest.skip("patched qemu-system-ppc64 with spapr-vmc not built (run `make qemu`)")
    return q


def e2e_smoke(tmp_path, endian, fw, append, machine):
    """make smoke's path with extra machine options: device, echoing peer, TAP."""
    qemu = patched_or_skip()
    log_args, log = guest_log_args(tmp_path)
    sock = str(tmp_path / "hmc.sock")
    extra = ["-chardev", f"socket,id=hmc0,path={sock},server=on,wait=on",
             "-device", "spapr-vmc,chardev=hmc0"] + log_args
    argv = qemu_cmd.qemu_args(qemu_cmd.image_path(endian), fw, "smoke " + append, machine,
                              extra=extra, qemu=qemu)
    q = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peer = None
    try:
        for _ in range(200):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        peer = subprocess.Popen([PY, "-m", "tools.hmc", "-s", sock, "echo"], cwd=REPO,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL)
        try:
            out, err = q.communicate(timeout=150)
        except subprocess.TimeoutExpired:
            q.kill()
            out, err = q.communicate()
    finally:
        if peer:
            peer.terminate()
            peer.wait(timeout=10)
    out, err = out.decode("latin-1"), err.decode("latin-1")
    print(" ".join(argv), "\n", out[-4000:], "\nstderr:", err[-1500:])
    return q.returncode, out, log


E2E_ALL = list(itertools.product(["poll", "irq"], ["xive", "dual"], ["slof", "vof"], ["big", "little"]))
E2E_SUBSET = [("irq", "xive", "vof", "big"), ("irq", "dual", "slof", "little"),
              ("poll", "xive", "slof", "big"), ("poll", "dual", "vof", "little")]
E2E = E2E_ALL if FULL else E2E_SUBSET


@pytest.mark.parametrize("cfg", E2E, ids=["-".join(c) for c in E2E])
def test_vmc_smoke_on_ic_mode(cfg, tmp_path):
    """The full VMC smoke (handshake, session, echoed messages, close) on
    ic-mode=xive (XIVE exploitation negotiated) and ic-mode=dual (XICS)."""
    mode, ic, fw, endian = cfg
    rc, out, log = e2e_smoke(tmp_path, endian, fw, mode, f"ic-mode={ic}")
    assert rc == 0 and "EXIT: STATUS=0" in out
    names = {n: (st, rest) for st, n, rest in re.findall(r"^(ok|not ok) \d+ - ([\w-]+)(.*)$", out, re.M)}
    for check in ("crq", "vmc-ready", "vmc-request", "vmc-session", "vmc-messages", "vmc-close"):
        assert names[check][0] == "ok" and "SKIP" not in names[check][1], check
    crq = names["crq"][1]
    assert f"{mode} mode: 2 handshakes" in crq
    if mode == "irq":
        assert crq.rstrip().endswith(", via " + ("xive" if ic == "xive" else "xics"))
    if mode == "irq":
        assert int(re.search(r"(\d+) interrupts", names["crq"][1]).group(1)) > 0
        assert re.search(r"VMC t=\d+ ev=start mode=irq\s", out)
    assert_no_guest_errors(log)


def test_vmc_xive_on_dual_when_asked(tmp_path):
    """intc=xive on a dual platform negotiates XIVE exploitation; irq mode runs on it."""
    rc, out, log = e2e_smoke(tmp_path, "little", "slof", "irq intc=xive", "ic-mode=dual")
    assert rc == 0 and "EXIT: STATUS=0" in out
    assert "granted XIVE exploitation" in out
    assert re.search(r"^ok \d+ - crq: .* irq mode: 2 handshakes .*, via xive\s*$", out, re.M)
    assert_no_guest_errors(log)


@pytest.mark.parametrize("fw", ["vof", "slof"])
def test_irq_mode_falls_back_to_poll_without_controller(fw, tmp_path):
    """ic-mode=xive without CAS (boot argument nocas): no interrupt controller
    can be used; irq mode says why, runs as poll mode, and the smoke passes."""
    rc, out, log = e2e_smoke(tmp_path, "big", fw, "irq nocas", "ic-mode=xive")
    assert rc == 0 and "EXIT: STATUS=0" in out
    assert "cas: WARN: CAS not called (boot argument nocas); the platform offers only XIVE " \
           "exploitation, which needs CAS; interrupt controller none" in out
    assert re.search(r"crqsvc: (?:ERROR: )?irq mode unavailable \(no usable interrupt controller: .*\): "
                     r"servicing unit 0x[0-9a-f]+ by polling", out)
    assert re.search(r"^ok \d+ - crq: .* poll mode: 2 handshakes .* \(irq mode unavailable, "
                     r"controller none; reason in the crqsvc log line\)\s*$", out, re.M)
    assert re.search(r"VMC t=\d+ ev=start mode=poll irq=unavailable", out)
    assert re.search(r"^ok \d+ - vmc-messages: 16 messages", out, re.M)
    assert_no_guest_errors(log)


def test_status_shows_poll_fallback(tmp_path):
    """The monitor's `status` says irq mode fell back to polling, and why."""
    from test_vmc_device_common import Vm
    log_args, log = guest_log_args(tmp_path)
    fw_args = ["-kernel", qemu_cmd.image_path("big"), "-append", "monitor irq nocas",
               "-no-reboot", "-action", "panic=exit-failure"]
    with Vm(extra=["-M", "pseries,x-vof=on,ic-mode=xive"] + log_args, firmware_args=fw_args,
            timeout=60) as vm:
        vm.p.expect(r"VMC t=\d+ ev=start mode=poll irq=unavailable")
        vm.p.expect("vmcfw> ")
        vm.p.send("status\r")
        vm.p.expect(r"app: service poll \(irq mode unavailable: no usable interrupt controller: "
                    r"CAS not called \(boot argument nocas\)")
        vm.p.expect("vmcfw> ")
    assert_no_guest_errors(log)
