# SPDX-License-Identifier: GPL-2.0-or-later
"""CRQ transport against a real CRQ partner in stock QEMU: spapr-vscsi
answers Init (0xC0 0x01) with Init Complete (0xC0 0x02)."""
import re

import pytest
from conftest import boot


@pytest.mark.parametrize("mode", ["poll", "irq"])
def test_crq_handshake_and_reset(target, mode):
    endian, fw = target
    r = boot(endian, fw, f"smoke {mode}", extra=["-device", "spapr-vscsi"])
    assert r.rc == 0 and r.exit_status() == 0
    m = re.search(r"ok \d+ - crq: v-scsi@([0-9a-f]+) (\w+) mode: 2 handshakes \(one after reset\), "
                  r"(\d+) interrupts, (\d+) entries", r.out)
    assert m, "crq check line"
    assert m.group(2) == mode
    assert int(m.group(4)) == 2, "exactly the two Init Complete entries were consumed"
    if mode == "irq":
        assert int(m.group(3)) >= 2, "each handshake reply came through the CRQ interrupt"
    else:
        assert int(m.group(3)) == 0


def test_crq_without_device_is_a_skip_not_a_pass():
    r = boot("big", "vof", "smoke")
    assert r.rc == 0
    assert re.search(r"ok \d+ - crq # SKIP no CRQ-capable VIO device", r.out)
