# SPDX-License-Identifier: GPL-2.0-or-later
"""The QEMU boot checks of tests/qemu/boot_checks.cfg, one pytest case each,
and the tests of the catalogue loader itself (no QEMU)."""
import os
import subprocess
import textwrap

import pytest

import catalogue
from conftest import REPO, run_argv
import qemu_cmd  # tools/, put on the path by conftest.py

NAMES = catalogue.check_names()
CASES = catalogue.load(names=NAMES)


def _param(case):
    return pytest.param(case, id=case.id, marks=[getattr(pytest.mark, g) for g in case.groups])


def run_case(case):
    """Boot one case; return the conftest Run (rc 124: it hung)."""
    image = qemu_cmd.image_path(case.endian, lab=case.image == "lab")
    assert os.path.exists(image), f"{image} missing: run make images"
    if case.qemu == "stock":
        argv = qemu_cmd.qemu_args(image, case.firmware, case.append, case.machine, case.mem,
                                  case.extra, serial="stdio" if case.serial == "stdio" else None)
        return run_argv(argv, case.id, case.timeout)
    # patched: the spapr-vmc device and an echoing HMC peer, as `make smoke` runs it
    from test_vmc_device_common import qemu_binary
    qemu_binary()   # no patched QEMU, or a stale one: stop here with the reason
    argv = ["/usr/bin/python3", os.path.join(REPO, "tools", "vmcrun.py"), "smoke", "--image", image,
            "--fw", case.firmware, "--append", case.append, "--timeout", str(case.timeout)]
    return run_argv(argv, case.id, case.timeout + 60)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_boot_check(case):
    r = run_case(case)
    bad = catalogue.verify(case, r.rc, r.out, r.err, NAMES)
    assert not bad, f"[{case.name}] " + "; ".join(bad)


# ------------------------------------------------------------- the loader
def test_check_names_come_from_the_c_table(tmp_path):
    """The names are the C table's, in its order; a renamed entry changes them."""
    src = open(catalogue.SELFTEST_C).read()
    assert NAMES and len(NAMES) == len(set(NAMES))
    for n in NAMES:
        assert f'{{ "{n}", ' in src
    copy = tmp_path / "selftest.c"
    copy.write_text(src.replace(f'"{NAMES[0]}"', '"renamed-check"', 1))
    assert catalogue.check_names(str(copy)) == ["renamed-check"] + NAMES[1:]
    copy.write_text(src.replace("platform_checks[] =", "other_table[] =", 1))
    with pytest.raises(catalogue.CatalogueError, match="no 'platform_checks"):
        catalogue.check_names(str(copy))


def _load_text(tmp_path, text):
    p = tmp_path / "c.cfg"
    p.write_text(textwrap.dedent(text))
    return catalogue.load(str(p), names=["bootargs", "crq", "vmc-ready", "vmc-close"])


def test_loader_multiplies_out_and_fills_placeholders(tmp_path):
    cases = _load_text(tmp_path, """
        [x]
        firmware = vof
        mode = poll irq
        append = smoke {mode}
        exit = 0
        tap_skip = vmc-*
        expect = ({abi}) {FIRMWARE}
        groups = stock
        """)
    assert [c.id for c in cases] == ["x-be-vof-poll", "x-be-vof-irq", "x-le-vof-poll", "x-le-vof-irq"]
    assert cases[1].append == "smoke irq" and cases[2].expect == ["(LE, ELFv2) VOF"]
    assert cases[0].tap_skip == ["vmc-ready", "vmc-close"]


@pytest.mark.parametrize("body,message", [
    ("append = smoke\nexit = 0\nexpcet = typo", "unknown key 'expcet'"),
    ("append = smoke\nexit = 0\ntap_ok = no-such-check", "names no check"),
    ("append = smoke", "has no 'exit'"),
    ("exit = 0", "has no 'append'"),
    ("append = smoke\nexit = zero", "a number or 'failure'"),
    ("append = smoke\nexit = 0\nendian = middle", "endian"),
    ("append = smoke\nexit = 0\ntap_ok = crq\ntap_skip = crq", "in both"),
    ("append = smoke\nexit = 0\nexpect_re = (unclosed", "expect_re"),
    ("append = smoke\nexit = 0\ngroups = not-an-identifier", "group"),
    ("append = smoke\nexit = 0\nqemu = patched\nextra = -device x", "stock only"),
], ids=["typo-key", "unknown-check", "no-exit", "no-append", "bad-exit", "bad-endian", "tap-overlap",
        "bad-regex", "bad-group", "patched-extra"])
def test_loader_rejects_bad_entries(tmp_path, body, message):
    with pytest.raises(catalogue.CatalogueError, match=message):
        _load_text(tmp_path, "[bad]\n" + body + "\n")


def test_verify_reports_each_broken_expectation():
    names = ["bootargs", "crq", "rtas"]
    case = _load_text_cases(names)
    good = "1..3\nok 1 - bootargs: ''\nok 2 - crq # SKIP none\nnot ok 3 - rtas: forced\nhello\nEXIT: STATUS=1\n"
    assert catalogue.verify(case, 1, good, "OS terminated", names) == []
    assert catalogue.verify(case, 124, good, "OS terminated", names)[0].endswith("(hang)")
    out_of_order = good.replace("ok 1 - bootargs", "ok 1 - crqq")
    assert any("in that order" in m for m in catalogue.verify(case, 1, out_of_order, "OS terminated", names))
    not_skipped = good.replace("crq # SKIP none", "crq: fine")
    assert any("crq: expected ok # SKIP" in m for m in catalogue.verify(case, 1, not_skipped, "OS terminated", names))
    passed = good.replace("not ok 3", "ok 3").replace("STATUS=1", "STATUS=0")
    msgs = catalogue.verify(case, 1, passed, "", names)
    assert any("rtas: expected not ok" in m for m in msgs) and any("STATUS=0" in m for m in msgs)
    assert any("stderr lacks" in m for m in msgs)
    assert any("lacks 'hello'" in m for m in catalogue.verify(case, 1, good.replace("hello", ""), "OS terminated", names))


def _load_text_cases(names):
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "c.cfg")
        with open(p, "w") as f:
            f.write("[v]\nendian = big\nfirmware = vof\nappend = smoke\nexit = 1\nstatus = 1\ntap = all\n"
                    "tap_skip = crq\ntap_not_ok = rtas\nexpect = hello\nstderr = OS terminated\n")
        return catalogue.load(p, names=names)[0]


def test_catalogue_lists_every_group_as_a_marker():
    """`-m <group>` selects exactly the cases of that group (no unknown-marker warning)."""
    groups = sorted({g for c in CASES for g in c.groups})
    assert "stock" in groups
    r = subprocess.run(["/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only",
                        "-W", "error::pytest.PytestUnknownMarkWarning", "-m", "crq",
                        os.path.join(REPO, "tests", "qemu", "test_catalogue.py")],
                       capture_output=True, text=True, cwd=REPO)
    want = sorted(c.id for c in CASES if "crq" in c.groups)
    got = sorted(ln.split("[", 1)[1].rstrip("]") for ln in r.stdout.splitlines() if "test_boot_check[" in ln)
    assert r.returncode == 0, r.stdout + r.stderr
    assert got == want


def test_readme_example_is_a_valid_entry(tmp_path):
    """The entry tests/qemu/README.md shows is one the loader accepts."""
    with open(os.path.join(REPO, "tests", "qemu", "README.md")) as f:
        text = f.read()
    start = text.index("```ini\n") + len("```ini\n")
    example = text[start:text.index("```", start)]
    p = tmp_path / "example.cfg"
    p.write_text(example)
    cases = catalogue.load(str(p), names=NAMES)
    assert len(cases) == 4 and all(c.groups == ["stock", "crq"] for c in cases)


def test_tap_ok_names_only_checks_of_the_c_table():
    import re
    assert re.match(catalogue.tap_ok("device-tree") + ": SLOF", "ok 12 - device-tree: SLOF, 512 MiB")
    assert not re.match(catalogue.tap_ok("rtas"), "not ok 5 - rtas: forced")
    with pytest.raises(catalogue.CatalogueError, match="no smoke check 'device-trees'"):
        catalogue.tap_ok("device-trees")
