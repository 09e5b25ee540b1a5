# SPDX-License-Identifier: GPL-2.0-or-later
"""tools/tap2junit.py: smoke console logs to JUnit XML (host only, fast).

Every report is written to a file by the tool's command line and read back
with xml.etree, checked against the structure Jenkins' JUnit reader uses:
<testsuites> / <testsuite tests failures errors skipped> / <testcase
classname name> with at most one <failure>, <skipped> or <error> child.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(REPO, "tools", "tap2junit.py")

# Shaped like the image's real console (console/smoke.c, console/console.c),
# with the timestamped log lines and VMC events interleaved as they are.
PASSING = """\
vmcfw 0.1.0 (BE, ELFv1) entered at 0x4400000 (linked 0x4000000, size 0x189ac8)
[     0.002978] boot: bootargs: 'smoke'
1..4
ok 1 - bootargs: 'smoke'
ok 2 - device-tree: 3 vdevices
VMC t=67871 ev=closed idx=0 sess=1
ok 3 - crq # SKIP no CRQ-capable VIO device (IBM,vmc or IBM,v-scsi) in the device tree
ok 4 - vmc-close: closed
# smoke: 3 passed, 0 failed, 1 skipped
EXIT: STATUS=0
"""

FAILING = """\
1..3\r
ok 1 - bootargs: 'smoke fail-check=rtas'\r
not ok 2 - rtas: forced to fail by fail-check=\r
ok 3 - exception: program check recovered\r
# smoke: 2 passed, 1 failed, 0 skipped\r
EXIT: STATUS=1\r
"""

CRASH = """\
[     0.003023] boot: WARN: crash requested by boot argument: executing a trap

*** unexpected exception 0x700 (program)
NIP 00000000044025c8 boot_crash+0x28
MSR 8000000000020002  LR 00000000044025c4  CTR 0000000000000000
FATAL: unexpected exception 0x700 at 44025c8
EXIT: STATUS=1
"""

JENKINS_CHILDREN = {"failure", "skipped", "error", "system-out", "system-err"}


def run(tmp_path, text, *args):
    log = tmp_path / "console.log"
    log.write_text(text)
    out = tmp_path / "report.xml"
    r = subprocess.run([sys.executable, TOOL, "-o", str(out), *args, str(log)],
                       capture_output=True, text=True, timeout=30)
    root = ET.parse(out).getroot()
    return r.returncode, root


def check_structure(root):
    """The shape Jenkins reads; the counts must agree with the children."""
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    ts = suites[0]
    assert ts.get("name")
    cases = ts.findall("testcase")
    assert [c.tag for c in ts] == ["testcase"] * len(cases)
    for c in cases:
        assert c.get("classname") and c.get("name")
        kids = [k.tag for k in c]
        assert set(kids) <= JENKINS_CHILDREN, kids
        assert sum(k in ("failure", "skipped", "error") for k in kids) <= 1
    counts = {k: sum(1 for c in cases if c.find(k) is not None) for k in ("failure", "error", "skipped")}
    assert int(ts.get("tests")) == len(cases)
    assert int(ts.get("failures")) == counts["failure"]
    assert int(ts.get("errors")) == counts["error"]
    assert int(ts.get("skipped")) == counts["skipped"]
    return {c.get("name"): (c[0].tag if len(c) else "pass", c[0].get("message") if len(c) else None)
            for c in cases}


def test_passing_and_skipped(tmp_path):
    rc, root = run(tmp_path, PASSING, "--name", "vmcfw.smoke.be-slof-poll")
    cases = check_structure(root)
    assert rc == 0
    assert root.find("testsuite").get("name") == "vmcfw.smoke.be-slof-poll"
    assert cases == {
        "1-bootargs": ("pass", None),
        "2-device-tree": ("pass", None),
        "3-crq": ("skipped", "no CRQ-capable VIO device (IBM,vmc or IBM,v-scsi) in the device tree"),
        "4-vmc-close": ("pass", None),
    }


def test_failing_check(tmp_path):
    rc, root = run(tmp_path, FAILING)
    cases = check_structure(root)
    assert rc == 1
    assert cases["2-rtas"] == ("failure", "forced to fail by fail-check=")
    assert cases["1-bootargs"] == ("pass", None) and cases["3-exception"] == ("pass", None)
    assert len(cases) == 3    # the failing check explains the exit status: no extra case


@pytest.mark.parametrize("cut", [3, 5, 9])
def test_truncated_log_is_an_error(tmp_path, cut):
    """Cut after the plan, mid-results, and just before EXIT: never a pass."""
    text = "\n".join(PASSING.splitlines()[:cut]) + "\n"
    rc, root = run(tmp_path, text)
    cases = check_structure(root)
    assert rc == 1
    assert cases["exit-status"][0] == "error"
    assert int(root.find("testsuite").get("errors")) >= 1
    if cut < 8:
        assert cases["plan"][0] == "error" and "not reported" in cases["plan"][1]


def test_empty_log_is_an_error(tmp_path):
    rc, root = run(tmp_path, "")
    cases = check_structure(root)
    assert rc == 1
    assert cases["plan"][0] == "error" and cases["exit-status"][0] == "error"


def test_crash_dump_is_an_error_with_registers(tmp_path):
    rc, root = run(tmp_path, CRASH)
    cases = check_structure(root)
    assert rc == 1
    assert cases["exception"] == ("error", "unexpected exception 0x700 (program)")
    err = root.find("testsuite/testcase[@name='exception']/error")
    assert "NIP 00000000044025c8 boot_crash+0x28" in err.text


def test_nonzero_exit_without_failed_check(tmp_path):
    rc, root = run(tmp_path, PASSING.replace("EXIT: STATUS=0", "EXIT: STATUS=3"))
    cases = check_structure(root)
    assert rc == 1
    assert cases["exit-status"] == ("failure", "EXIT: STATUS=3")


def test_unreadable_log(tmp_path):
    r = subprocess.run([sys.executable, TOOL, str(tmp_path / "absent.log")],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
    assert "cannot read" in r.stderr
