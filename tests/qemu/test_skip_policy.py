# SPDX-License-Identifier: GPL-2.0-or-later
"""The skip policy (skip_policy.py): under VMC_NO_SKIPS=1 every kind of skip
is a failure with its reason, and `by_hand` tests are deselected. Each case
runs a small pytest session in a subprocess; no QEMU."""
import os
import re
import subprocess
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

SAMPLE = textwrap.dedent('''
    import pytest

    def test_passes():
        pass

    def test_skips_inside():
        pytest.skip("image missing: run make images")

    @pytest.mark.skipif(True, reason="tool not installed")
    def test_skipif():
        pass

    @pytest.mark.xfail(reason="known bug")
    def test_xfail():
        assert False

    @pytest.mark.xfail(strict=True, raises=AssertionError, reason="the driver never re-enables")
    def test_recorded_failure():
        assert False

    @pytest.mark.xfail(strict=True, raises=AssertionError, reason="fixed upstream")
    def test_recorded_failure_that_passes():
        pass

    @pytest.mark.by_hand
    def test_by_hand_variant():
        pytest.skip("only by hand")
''')

SKIPPED_MODULE = textwrap.dedent('''
    import pytest
    pytest.importorskip("no_such_module_for_the_policy_test")

    def test_never_reached():
        pass
''')


def run_session(tmp_path, strict):
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    (tmp_path / "test_skipped_module.py").write_text(SKIPPED_MODULE)
    env = dict(os.environ, PYTHONPATH=HERE)
    env.pop("VMC_NO_SKIPS", None)
    if strict:
        env["VMC_NO_SKIPS"] = "1"
    # --continue-on-collection-errors: so one session shows every kind; without
    # it (make test) the failed collection stops the whole run, which fails too
    r = subprocess.run(["/usr/bin/python3", "-m", "pytest", "-p", "skip_policy", "-p", "no:cacheprovider",
                        "--continue-on-collection-errors", "-rA", "-q", str(tmp_path)], capture_output=True, text=True, cwd=str(tmp_path),
                       env=env, timeout=120)
    print(r.stdout[-4000:], r.stderr[-2000:])
    return r


def counts(summary):
    return {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|skipped|xfailed|deselected|errors?)",
                                            summary)}


def test_by_hand_skips_are_reported_as_skips(tmp_path):
    r = run_session(tmp_path, strict=False)
    assert r.returncode == 1, "a strict xfail that passes fails the run"
    assert counts(r.stdout.splitlines()[-1]) == {"passed": 1, "failed": 1, "skipped": 4, "xfailed": 2}


def test_make_test_turns_every_skip_into_a_failure_with_its_reason(tmp_path):
    r = run_session(tmp_path, strict=True)
    assert r.returncode == 1, "a skip must fail the run"
    c = counts(r.stdout.splitlines()[-1])
    # a skip in the call phase or a plain xfail is a failure; a skip decided
    # in setup (skipif) or at import (the module) is reported as an error; a
    # recorded failure stays xfailed and its XPASS (strict) fails
    assert c.get("passed") == 1 and c.get("failed") == 3 and c.get("deselected") == 1, c
    assert c.get("errors") == 2, c
    assert c.get("xfailed") == 1 and "skipped" not in c, c
    assert re.search(r"XFAIL .*test_recorded_failure\b", r.stdout), r.stdout[-2000:]
    assert re.search(r"FAILED .*test_recorded_failure_that_passes", r.stdout), r.stdout[-2000:]
    for reason in ("image missing: run make images", "tool not installed", "known bug",
                   "no_such_module_for_the_policy_test"):
        assert re.search(r"VMC_NO_SKIPS=1 \(make test\), where a skip is a failure:.*" + reason,
                         r.stdout), reason
    assert "only by hand" not in r.stdout


@pytest.mark.parametrize("line", ["pytest:"])
def test_makefile_pytest_rule_sets_the_policy(line):
    """make test runs `make pytest`; its command line must switch the policy on."""
    with open(os.path.join(HERE, "..", "..", "Makefile")) as f:
        text = f.read()
    rule = text[text.index("\n" + line) + 1:]
    recipe = rule.split("\n\n", 1)[0]
    assert "VMC_NO_SKIPS=1" in recipe, recipe
