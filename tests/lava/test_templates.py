# SPDX-License-Identifier: GPL-2.0-or-later
"""lava/: device types, device dictionaries and jobs render as LAVA renders
them, and the TAP monitor maps console lines to the right results
(host only, fast; part of make test).

The device types extend LAVA's base.jinja2, which Debian's lava-server
package ships: the module fixture below runs lava/install.sh when it is
missing (about 3 minutes, once), so these tests never skip.
"""
import os
import re
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, REPO)
from lava import lavajobs  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def lava_templates():
    base = os.path.join(lavajobs.LAVA_TEMPLATE_DIRS[1], "base.jinja2")
    if not os.path.exists(base):
        r = subprocess.run(["sh", os.path.join(REPO, "lava", "install.sh")], capture_output=True,
                           text=True, timeout=1800)
        assert r.returncode == 0, "lava/install.sh failed:\n" + r.stdout[-2000:] + r.stderr[-2000:]
    assert os.path.exists(base)


def qemu_device(**settings):
    return lavajobs.render_device(lavajobs.device_dictionary("vmcfw-qemu01", settings=settings),
                                  {"arch": "ppc64"})[1]


def test_qemu_device_runs_the_wrapper():
    d = qemu_device()
    q = d["actions"]["boot"]["methods"]["qemu"]["parameters"]
    assert q["command"] == os.path.join(REPO, "lava", "vmcfw-qemu")
    assert os.access(q["command"], os.X_OK)
    assert "-machine pseries" in q["options"] and "-serial stdio" in q["options"]
    assert "-vmcfw-peer 'echo'" in q["options"]
    assert "-enable-kvm" not in " ".join(q["options"])
    assert "image" in d["actions"]["deploy"]["methods"]
    assert "ppc64" in d["available_architectures"]
    # the constants the dispatcher looks up come from LAVA's base template
    assert "failure_retry" in d["constants"] and "shutdown-message" in d["constants"]


def test_qemu_device_variants():
    q = qemu_device(no_vmc=True, memory=1024, qemu_binary="/opt/q/qemu-system-ppc64")
    opts = q["actions"]["boot"]["methods"]["qemu"]["parameters"]["options"]
    assert "-vmcfw-no-vmc" in opts and not any(o.startswith("-vmcfw-peer") for o in opts)
    assert "-m 1024" in opts and "-vmcfw-qemu /opt/q/qemu-system-ppc64" in opts


def test_committed_qemu_dictionary_renders():
    with open(os.path.join(REPO, "lava", "devices", "vmcfw-qemu01.jinja2")) as f:
        d = lavajobs.render_device(f.read(), {"arch": "ppc64"})[1]
    assert d["actions"]["boot"]["methods"]["qemu"]["parameters"]["command"].endswith("/lava/vmcfw-qemu")


@pytest.mark.parametrize("endian,fw,service", lavajobs.MATRIX)
def test_smoke_jobs_render(endian, fw, service):
    _, job = lavajobs.smoke_job(endian, fw, service)
    assert job["device_type"] == "vmcfw-qemu"
    deploy, boot, test = (a[k] for a, k in zip(job["actions"], ("deploy", "boot", "test")))
    kernel = deploy["images"]["kernel"]
    assert kernel["url"] == "file://" + lavajobs.image_for(endian)
    assert ("-machine x-vof=on" in kernel["image_arg"]) == (fw == "vof")
    assert kernel["image_arg"].endswith('-append "smoke %s"' % service)
    assert boot["method"] == "qemu" and boot["media"] == "tmpfs"
    assert test["monitors"][0]["name"] == "vmcfw-smoke"


def test_soak_job_renders():
    _, job = lavajobs.render_job("soak", endian="big", fw="slof", rounds=4, append="",
                                 image_url="file:///x.elf")
    names = [a["test"]["monitors"][0]["name"] for a in job["actions"] if "test" in a]
    assert names == ["soak-01-poll", "soak-02-irq", "soak-03-poll", "soak-04-irq"]
    args = [a["deploy"]["images"]["kernel"]["image_arg"] for a in job["actions"] if "deploy" in a]
    assert [a.rsplit(" ", 1)[1] for a in args] == ['poll"', 'irq"', 'poll"', 'irq"']


def powervm(**settings):
    base = {"hmc_host": "hmc.example", "managed_system": "Sys-1", "lpar": "lp1",
            "disk_write_command": "cp {DISK} /dev/null"}
    base.update(settings)
    return lavajobs.render_device(lavajobs.device_dictionary("pvm01", "vmcfw-powervm", base),
                                  {"arch": "ppc64"})[1]


def test_powervm_device_type_renders_disk():
    """Not run here (no PowerVM): only its rendering is checked."""
    d = powervm()
    c = d["commands"]
    assert c["connect"].startswith("ssh -t ")
    assert c["connect"].index("rmvterm -m 'Sys-1' -p 'lp1'") < c["connect"].index("mkvterm -m 'Sys-1' -p 'lp1'")
    assert "chsysstate -r lpar -m 'Sys-1' -n 'lp1' -o on -f 'default_profile'" in c["power_on"]
    assert "chsysstate -r lpar -m 'Sys-1' -n 'lp1' -o shutdown --immed" in c["power_off"]
    assert c["hard_reset"].index("shutdown") < c["hard_reset"].index("-o on")
    assert all(v.split()[1:4] == ["-o", "BatchMode=yes", "-o"] or v.startswith("ssh -t")
               for v in (c["power_on"], c["power_off"]))
    assert d["actions"]["deploy"]["methods"]["flasher"]["commands"] == ["cp {DISK} /dev/null"]
    assert "minimal" in d["actions"]["boot"]["methods"]


def test_powervm_device_type_renders_netboot():
    d = powervm(boot_media="net", net_server="10.0.0.1", net_gateway="10.0.0.254",
                net_client="10.0.0.7", net_netmask="255.255.255.0", hmc_user="labuser")
    assert "tftp" in d["actions"]["deploy"]["methods"]
    assert "flasher" not in d["actions"]["deploy"]["methods"]
    on = d["commands"]["power_on"]
    assert "labuser@hmc.example" in on
    assert "lpar_netboot -t ent -s auto -d auto -S 10.0.0.1 -G 10.0.0.254 -C 10.0.0.7 -K 255.255.255.0" in on


def test_committed_powervm_dictionary_and_job_render():
    with open(os.path.join(REPO, "lava", "devices", "vmcfw-powervm01.jinja2")) as f:
        d = lavajobs.render_device(f.read(), {"arch": "ppc64"})[1]
    assert "{DISK}" in d["actions"]["deploy"]["methods"]["flasher"]["commands"][0]
    _, job = lavajobs.render_job("powervm-smoke", disk_url="file:///x/vmcfw-disk.img")
    assert job["actions"][0]["deploy"]["to"] == "flasher"
    assert job["actions"][1]["boot"]["method"] == "minimal"
    _, job = lavajobs.render_job("powervm-smoke", boot_media="net", image_url="file:///x/vmcfw.elf")
    assert job["actions"][0]["deploy"]["to"] == "tftp"


# --- the monitor: LAVA's matching, replayed on console text --------------
def monitor(text, chunk=16):
    """Replay LAVA's test monitor (lava_dispatcher/actions/test/monitor.py as
    packaged) on @text delivered @chunk bytes at a time, the way the
    hvterm console hands it over: wait for `start`, then repeatedly take the
    earliest match of `end` or `pattern` in the buffer (a tie goes to `end`).
    Return: (list of (case, result), how it ended: end|eof|no-start)."""
    _, job = lavajobs.smoke_job("big", "vof", "poll")
    m = job["actions"][2]["test"]["monitors"][0]
    start, end, pat = (re.compile(m[k]) for k in ("start", "end", "pattern"))
    fix = m["fixupdict"]
    buf, pos, started, cases = "", 0, False, []
    while True:
        more = pos < len(text)
        buf += text[pos:pos + chunk]
        pos += chunk
        while True:
            if not started:
                s = start.search(buf)
                if not s:
                    break
                started, buf = True, buf[s.end():]
                continue
            e, p = end.search(buf), pat.search(buf)
            if e and (not p or e.start() <= p.start()):
                return cases, "end"
            if not p:
                break
            r = p.groupdict()
            result = fix.get(r["result"], r["result"])
            assert result in ("pass", "fail", "skip", "unknown"), r
            cases.append((re.sub(r"\W+", "_", r["test_case_id"].strip().lower()), result))
            buf = buf[p.end():]
        if not more:
            return cases, "eof" if started else "no-start"


SMOKE = (
    "vmcfw 0.1.0 (BE, ELFv1) entered at 0x4400000\r\n"
    "[     0.002978] boot: bootargs: 'smoke'\r\n"
    "1..5\r\n"
    "ok 1 - bootargs: 'smoke'\r\n"
    "VMC t=66824 ev=tx idx=0 sess=1 len=349 text=\"vmcfw-smoke 009 ok 3 - x\"\r\n"
    "ok 2 - device-tree: VOF, 512 MiB, 1 cpu(s)\r\n"
    "ok 3 - crq # SKIP no CRQ-capable VIO device (IBM,vmc or IBM,v-scsi) in the device tree\r\n"
    "not ok 4 - rtas: forced to fail by fail-check=\r\n"
    "ok 5 - vmc-close: closed\r\n"
    "# smoke: 3 passed, 1 failed, 1 skipped\r\n"
    "EXIT: STATUS=1\r\n")


@pytest.mark.parametrize("chunk", [1, 7, 16, 4096])
def test_monitor_maps_ok_not_ok_skip(chunk):
    cases, how = monitor(SMOKE, chunk)
    assert how == "end"
    assert cases == [("bootargs", "pass"), ("device_tree", "pass"), ("crq", "skip"),
                     ("rtas", "fail"), ("vmc_close", "pass")]


CRASH_DUMP = (
    "\r\n*** unexpected exception 0x700 (program)\r\n"
    "NIP 00000000044025c8 boot_crash+0x28\r\n"
    "MSR 8000000000020002  LR 00000000044025c4  CTR 0000000000000000\r\n"
    "DAR 0000000000000000  DSISR 00000000  CR 20000404  XER 0000000020040000\r\n"
    "LR is boot_crash+0x24\r\n"
    + "".join("r%-2d %016x %016x %016x %016x\r\n" % (i, i, i + 1, i + 2, i + 3) for i in range(0, 32, 4)))


@pytest.mark.parametrize("chunk", [1, 16, 4096])
def test_monitor_fails_fast_on_register_dump(chunk):
    """Before the plan and mid-smoke; the image never gets to its exit line."""
    cases, how = monitor("[ 0.003 ] boot: WARN: crash requested\r\n" + CRASH_DUMP, chunk)
    assert (cases, how) == ([("unexpected_exception", "fail")], "end")
    mid = SMOKE.split("ok 2 - ")[0] + CRASH_DUMP
    cases, how = monitor(mid, chunk)
    assert (cases, how) == ([("bootargs", "pass"), ("unexpected_exception", "fail")], "end")


def test_monitor_fatal_and_truncation():
    cases, how = monitor("1..3\r\nok 1 - bootargs: x\r\n\r\nFATAL: out of memory\r\n--- log ring\r\n"
                         "EXIT: STATUS=1\r\n")
    assert (cases, how) == ([("bootargs", "pass"), ("fatal", "fail")], "end")
    # cut mid-line: the partial line is not a result, and no end was seen
    cases, how = monitor("1..3\r\nok 1 - bootargs: x\r\nok 2 - device-tr")
    assert (cases, how) == ([("bootargs", "pass")], "eof")
    assert monitor("SLOF boot menu\r\n")[1] == "no-start"
