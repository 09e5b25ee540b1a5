# SPDX-License-Identifier: GPL-2.0-or-later
"""Skip policy of the QEMU suites (hooks imported by tests/qemu/conftest.py).

By hand, a test may skip and say why (no patched QEMU built yet, ...).
Under `make test` the Makefile sets VMC_NO_SKIPS=1, and then:

- every skip (pytest.skip, skipif, importorskip, a skipped module, an xfail)
  is reported as a FAILURE carrying the skip's reason, so a green run means
  every collected test ran and passed;
- except a RECORDED failure: `xfail(strict=True, raises=AssertionError,
  reason=...)` on a test that ran to its end and failed exactly there. It
  stays "xfailed" in pytest's closing line (never counted as passed), and
  its XPASS fails the run. It records what third-party code does (Linux's
  driver after a partner-suspended event), never a bug of this project;
- tests marked `by_hand` are not collected at all (shown as deselected):
  the one documented way to keep a variant out of `make test`.
"""
import os

import pytest

ENV = "VMC_NO_SKIPS"


def strict():
    return os.environ.get(ENV) == "1"


def _reason(longrepr):
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def _fail(rep, what):
    reason = getattr(rep, "wasxfail", None) or _reason(rep.longrepr)
    rep.outcome = "failed"
    rep.longrepr = "%s under %s=1 (make test), where a skip is a failure: %s" % (what, ENV, reason)
    if hasattr(rep, "wasxfail"):
        del rep.wasxfail


def pytest_configure(config):
    config.addinivalue_line("markers", "by_hand: a variant `make test` does not collect "
                            "(deselected when %s=1); see tests/qemu/README.md" % ENV)


def pytest_collection_modifyitems(config, items):
    if not strict():
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("by_hand") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def recorded_failure(item):
    """True for an xfail that records behaviour: strict, one expected
    exception type (AssertionError) and a reason."""
    m = item.get_closest_marker("xfail")
    return bool(m and m.kwargs.get("strict") and m.kwargs.get("raises") is AssertionError
                and m.kwargs.get("reason"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if strict() and rep.skipped:
        if hasattr(rep, "wasxfail") and call.when == "call" and recorded_failure(item):
            return
        _fail(rep, "skipped" if not hasattr(rep, "wasxfail") else "xfailed")


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    rep = outcome.get_result()
    if strict() and rep.skipped:
        _fail(rep, "collection skipped")
