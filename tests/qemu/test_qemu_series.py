# SPDX-License-Identifier: GPL-2.0-or-later
"""The QEMU patch series (hv/qemu/patches/, docs/qemu-device.md §1.1): the
checked-in series matches what hv/qemu/gen-patches.sh makes of the sources,
a stale one stops the build with "run make qemu-patches", and the series,
applied with patch -p1 to Debian's files, carries exactly the project's
sources. Needs Debian's unpacked QEMU source (make setup puts it in the
cache; build-qemu.sh --pristine-path fetches it if missing)."""
import os
import shutil
import subprocess

import pytest

from conftest import REPO

SCRIPT = os.path.join(REPO, "hv", "qemu", "build-qemu.sh")
PATCHES = os.path.join(REPO, "hv", "qemu", "patches")


def run_build_script(root, *args):
    return subprocess.run(["sh", os.path.join(root, "hv", "qemu", "build-qemu.sh"), *args],
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def pristine():
    r = run_build_script(REPO, "--pristine-path")
    assert r.returncode == 0, r.stderr
    path = r.stdout.strip().splitlines()[-1]
    assert os.path.isfile(os.path.join(path, "scripts", "checkpatch.pl")), path
    return path


def series():
    with open(os.path.join(PATCHES, "series")) as f:
        return [ln.split("#")[0].strip() for ln in f if ln.split("#")[0].strip()]


def test_checked_in_series_is_up_to_date(pristine):
    r = run_build_script(REPO, "--check-series")
    assert r.returncode == 0, r.stderr


def test_stale_series_stops_the_build(pristine, tmp_path):
    """A source edited without `make qemu-patches`: the check names the fix."""
    root = tmp_path / "checkout"
    for rel in ("hv", "vmc", "lib"):
        shutil.copytree(os.path.join(REPO, rel), root / rel,
                        ignore=shutil.ignore_patterns("sim", "corpus"))
    with open(root / "hv" / "vmc_hv.c", "a") as f:
        f.write("\n/* one more line */\n")
    r = run_build_script(str(root), "--check-series")
    assert r.returncode != 0
    assert "out of date with the sources" in r.stderr
    assert "0004-hv-vmc-engine.patch" in r.stderr
    assert "run make qemu-patches" in r.stderr


def test_series_carries_the_project_sources(pristine, tmp_path):
    """patch -p1 in series order onto Debian's files gives the project's
    device glue and engine byte for byte, and the three hooks."""
    dst = tmp_path / "qemu"
    touched = set()
    for p in series():
        with open(os.path.join(PATCHES, p)) as f:
            touched |= {ln[6:].split()[0] for ln in f if ln.startswith("+++ b/")}
    for rel in touched:
        if os.path.isfile(os.path.join(pristine, rel)):
            os.makedirs(dst / os.path.dirname(rel), exist_ok=True)
            shutil.copy2(os.path.join(pristine, rel), dst / rel)
    for p in series():
        r = subprocess.run(["patch", "-p1", "--batch", "--forward", "--fuzz=0", "-s",
                            "-i", os.path.join(PATCHES, p)], cwd=dst, capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, p + ": " + r.stdout + r.stderr

    def same(a, b):
        with open(a, "rb") as fa, open(b, "rb") as fb:
            return fa.read() == fb.read()
    assert same(dst / "hw/ppc/spapr_vmc.c", os.path.join(REPO, "hv/qemu/spapr_vmc.c"))
    for rel in ("hv/vmc_hv.c", "hv/vmc_hv.h", "hv/hmc_link.c", "vmc/vmc_wire.c", "lib/crq_format.h"):
        assert same(dst / rel, os.path.join(REPO, rel)), rel
    assert same(dst / "docs/system/ppc/spapr-vmc.rst", os.path.join(REPO, "hv/qemu/spapr-vmc.rst"))
    with open(dst / "hw/ppc/spapr_vio.c") as f:
        assert f.read().count("spapr_vio_crq_notify") == 5
    with open(dst / "hw/ppc/spapr.c") as f:
        assert "x-vmcfw-tcg-smt" in f.read()
    with open(dst / "target/ppc/machine.c") as f:
        assert f.read().count("SPR_DECR") == 2
    with open(dst / "hw/ppc/meson.build") as f:
        meson = f.read()
    assert "CONFIG_SPAPR_VMC" in meson and "'../../hv/vmc_hv.c'" in meson
