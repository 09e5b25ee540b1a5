# SPDX-License-Identifier: GPL-2.0-or-later
"""The monitor's mapping end to end: Debian's lava-run boots the real image
in the patched QEMU through lava/vmcfw-qemu (VOF, a few seconds a job) and
the LAVA results must say pass / fail / skip where the TAP says so, and
fail fast on an exception dump (docs/lab.md §1.3) and on a hung image
ended by the partition watchdog. make lava covers the
all-passing matrix; this covers the other outcomes.
"""
import os
import re
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, REPO)
from lava import lavajobs  # noqa: E402
sys.path.insert(0, os.path.join(REPO, "tools"))
import qemu_cmd  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def needs():
    if not os.access("/usr/bin/lava-run", os.X_OK) or \
            not os.path.exists(os.path.join(lavajobs.LAVA_TEMPLATE_DIRS[1], "base.jinja2")):
        r = subprocess.run(["sh", os.path.join(REPO, "lava", "install.sh")], capture_output=True,
                           text=True, timeout=1800)
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert qemu_cmd.patched_qemu(), "the patched QEMU is not built (make qemu)"
    assert os.path.exists(lavajobs.image_for("big")), "build/vmcfw.elf is missing (make images)"


def run(tmp_path, append="", **device):
    dev, _ = lavajobs.render_device(lavajobs.device_dictionary("t", settings=device), {"arch": "ppc64"})
    job, _ = lavajobs.smoke_job("big", "vof", "poll", append=append, test_minutes=1)
    r = lavajobs.run_one(1, job, dev, str(tmp_path), timeout=300)
    return r, {case: res for defn, case, res in r["cases"]}


def test_failing_check_is_a_lava_fail(tmp_path):
    r, cases = run(tmp_path, "fail-check=rtas")
    assert r["status"] == "pass", r       # the job ran; the case carries the verdict
    assert cases["rtas"] == "fail"
    assert [c for c, v in cases.items() if v != "pass"] == ["rtas"]
    assert len(cases) == len(lavajobs.SMOKE_CASES)


def test_skipped_checks_are_lava_skips(tmp_path):
    r, cases = run(tmp_path, no_vmc=True)
    assert r["status"] == "pass", r
    assert cases == {c: ("skip" if c == "crq" or c.startswith("vmc_") else "pass")
                     for c in lavajobs.SMOKE_CASES}


def test_exception_dump_fails_fast(tmp_path):
    r, cases = run(tmp_path, "crash")
    assert cases == {"unexpected_exception": "fail"}, r
    # the monitor ended on the dump's last line, well within its 1-minute timeout
    assert r["seconds"] < 45, r
    with open(r["log"]) as f:
        assert "end string found" in f.read()


def test_watchdog_ends_a_hung_image_fast(tmp_path):
    """An image that hangs under a 2 s partition watchdog: the hypervisor ends
    the partition, QEMU exits, and the job fails at once instead of running
    into its own 1-minute test timeout (docs/platform.md §4.3)."""
    r, cases = run(tmp_path, "watchdog=2 hang")
    # lava-run: the monitor's connection closed before any result: job "fail"
    assert r["status"] == "fail" and "Connection closed" in (r["error"] or ""), r
    assert r["seconds"] < 45, r
    with open(r["log"]) as f:
        log = f.read()
    assert "HANG: looping on purpose" in log
    # the image never printed its exit line (the job's own patterns name it)
    assert not re.search(r'"lvl": "target", "msg": "[^"]*EXIT: STATUS=\d', log)
