# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared fixtures for the QEMU boot suites: run the real image in real QEMU."""
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tools"))
sys.path.insert(1, REPO)        # the tools package (tools.qmp, tools.hmc) for every suite
import qemu_cmd  # noqa: E402
# the skip policy (VMC_NO_SKIPS=1 under make test): hooks live in skip_policy.py
from skip_policy import (pytest_collection_modifyitems, pytest_make_collect_report,  # noqa: E402,F401
                         pytest_runtest_makereport)
from skip_policy import pytest_configure as _skip_policy_configure  # noqa: E402

ENDIANS = ["big", "little"]
FIRMWARES = ["slof", "vof"]


def pytest_configure(config):
    _skip_policy_configure(config)
    # every group of the boot-check catalogue is a marker (-m <group>); a
    # broken catalogue is reported when test_catalogue.py is collected
    import catalogue
    try:
        groups = {g for c in catalogue.load() for g in c.groups}
    except (catalogue.CatalogueError, OSError):
        groups = set()
    for g in sorted(groups):
        config.addinivalue_line("markers", f"{g}: boot-check catalogue group (tests/qemu/boot_checks.cfg)")


@dataclass
class Run:
    rc: int
    out: str
    err: str
    seconds: float
    argv: list

    def tap(self):
        """Parse TAP: (plan, {n: (status, name, detail)})."""
        plan = None
        results = {}
        for line in self.out.splitlines():
            line = line.strip("\r")
            m = re.match(r"^1\.\.(\d+)$", line)
            if m:
                plan = int(m.group(1))
            m = re.match(r"^(ok|not ok) (\d+) - (.*)$", line)
            if m:
                results[int(m.group(2))] = (m.group(1), m.group(3))
        return plan, results

    def exit_status(self):
        m = re.findall(r"EXIT: STATUS=(-?\d+)", self.out)
        return int(m[-1]) if m else None


def run_argv(argv, label, timeout=90):
    """Run one QEMU to completion; returns a Run. A hang becomes rc 124, never a stuck test."""
    start = time.monotonic()
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = 124, e.stdout or b"", e.stderr or b""
    run = Run(rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
              time.monotonic() - start, argv)
    print(f"\n[{label}] rc={run.rc} {run.seconds:.2f}s: {' '.join(argv)}")
    print(run.out[-4000:])
    if run.err:
        print("stderr:", run.err[-2000:])
    return run


def boot(endian="big", fw="slof", append="", extra=(), timeout=90, machine="", mem="512",
         qemu=None, serial="stdio"):
    """Boot the image once; returns a Run."""
    image = qemu_cmd.image_path(endian)
    assert os.path.exists(image), f"{image} missing: run make images"
    argv = qemu_cmd.qemu_args(image, fw, append, machine, mem, extra, serial=serial, qemu=qemu)
    return run_argv(argv, f"{endian}/{fw}", timeout)


@pytest.fixture(params=[(e, f) for e in ENDIANS for f in FIRMWARES],
                ids=[f"{'be' if e == 'big' else 'le'}-{f}" for e in ENDIANS for f in FIRMWARES])
def target(request):
    """(endian, firmware) over the whole matrix."""
    return request.param
