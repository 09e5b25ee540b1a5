# SPDX-License-Identifier: GPL-2.0-or-later
"""The QEMU suites' skip policy applies here too: under `make test`
(VMC_NO_SKIPS=1) a skip is a failure and `by_hand` tests are not collected
(tests/qemu/skip_policy.py, tests/qemu/README.md)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))
from skip_policy import (pytest_collection_modifyitems, pytest_configure,  # noqa: E402,F401
                         pytest_make_collect_report, pytest_runtest_makereport)
