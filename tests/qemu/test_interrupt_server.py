# SPDX-License-Identifier: GPL-2.0-or-later
"""The boot thread's interrupt server on multi-cpu guests, in stock QEMU.

The image routes the CRQ interrupt (ibm,set-xive) to the server it takes
from /chosen/cpu (SLOF) or, without it, from the first thread of the first
cpu node (VOF). QEMU boots on vcpu 0, whose interrupt server is 0; a wrong
server sends the interrupt to a thread that never runs, and the irq-mode
CRQ check against spapr-vscsi then fails. Open Firmware's quiesce is the
last OF call and must not stop that interrupt from arriving.
"""
import os
import re

import pytest
import qemu_cmd  # tools/, put on the path by conftest.py
from conftest import boot

SERVER_RE = re.compile(r"of: boot thread: interrupt server (\d+) from (/chosen/cpu|first cpu node) "
                       r"\(([^@]+)@([0-9a-f]+), (\d+) thread\(s\) listed\)")
CRQ_RE = re.compile(r"ok \d+ - crq: v-scsi@[0-9a-f]+ irq mode: 2 handshakes \(one after reset\), "
                    r"(\d+) interrupts, 2 entries")
TCG_NO_SMT = "TCG cannot support more than 1 thread/core"


def boot_server(r):
    m = SERVER_RE.search(r.out)
    assert m, "the boot-thread line is printed"
    return int(m.group(1)), m.group(2), int(m.group(4), 16), int(m.group(5))


def check_irq_boot(r, fw, threads):
    assert r.rc == 0 and r.exit_status() == 0, "smoke passes"
    m = CRQ_RE.search(r.out)
    assert m, "irq-mode CRQ check passes"
    assert int(m.group(1)) >= 2, "both handshakes came through the CRQ interrupt"
    server, source, reg, listed = boot_server(r)
    assert server == 0, "vcpu 0 boots; its interrupt server is 0"
    assert reg == 0
    assert listed == threads
    if fw == "slof":
        assert source == "/chosen/cpu", "SLOF opens a cpu as /chosen/cpu"
    else:
        assert source == "first cpu node"
        assert "no /chosen/cpu" in r.out, "the fallback is logged"


@pytest.mark.parametrize("smp", ["4", "4,cores=2,sockets=2"])
def test_irq_mode_on_several_cpus(target, smp):
    """Several single-thread cores: the CRQ interrupt reaches the boot thread."""
    endian, fw = target
    r = boot(endian, fw, "smoke irq", extra=["-smp", smp, "-device", "spapr-vscsi"])
    check_irq_boot(r, fw, threads=1)
    assert re.search(r"boot: \w+ on .*, 4 cpu\(s\)", r.out), "every cpu node was walked"


@pytest.mark.parametrize("fw", ["slof", "vof"])
@pytest.mark.parametrize("endian", ["big", "little"])
def test_irq_mode_on_smt_cores(endian, fw):
    """-smp 8,threads=4: two SMT4 cores; the server must be thread 0's, not 1.
    Stock QEMU 7.2 refuses threads > 1 under TCG, so this runs in the
    project's patched QEMU with its opt-in machine property x-vmcfw-tcg-smt
    (hv/qemu/build-qemu.sh): the device tree lists four threads a core and
    the secondary threads stay stopped, as on a partition where firmware
    runs on one thread. VMCFW_SMT_QEMU names another qemu-system-ppc64 that
    accepts SMT by itself (KVM on a POWER host) to run it there instead."""
    smt_qemu = os.environ.get("VMCFW_SMT_QEMU")
    qemu = smt_qemu or qemu_cmd.patched_qemu()
    assert qemu, "the patched QEMU is not built (make qemu)"
    r = boot(endian, fw, "smoke irq", extra=["-smp", "8,threads=4", "-device", "spapr-vscsi"],
             machine="" if smt_qemu else "x-vmcfw-tcg-smt=on", qemu=qemu)
    assert TCG_NO_SMT not in r.err, "the x-vmcfw-tcg-smt property took effect"
    check_irq_boot(r, fw, threads=4)


def test_quiesce_is_the_last_of_call(target):
    """SLOF and VOF both accept quiesce; no OF call follows it."""
    endian, fw = target
    r = boot(endian, fw, "smoke")
    assert r.rc == 0 and r.exit_status() == 0
    m = re.search(r"of: quiesce: done after (\d+) calls", r.out)
    assert m, "quiesce accepted and logged"
    m2 = re.search(r"boot: RTAS .*; (\d+) OF calls", r.out)
    assert m2 and m2.group(1) == m.group(1), "no OF call after quiesce"
    assert "refused by Open Firmware" not in r.out
