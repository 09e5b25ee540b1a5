# SPDX-License-Identifier: GPL-2.0-or-later
"""spapr-vmc with the vmcfw image as the management partition.

These tests need an image that drives VMC. They skip (saying why) only when
build/vmcfw.elf is missing or does not mention the "ibm,vmc" node at all;
once the image has VMC support they run and must pass.

Contract assumed from the image (docs/qemu-device.md, docs/hmc-protocol.md):
booted with the boot arguments in $VMC_FW_ARGS (default "echo"), an image
that finds /vdevice/ibm,vmc brings the channel up (LINK up at the HMC peer),
opens a session (OPEN), echoes every HMC message back unchanged, and
recovers from partner failures and lost messages by itself.
"""
import os
import time

import pytest

from test_vmc_device_common import Vm, proto, vmc_image
from tools.hmc import scenarios
from tools.hmc.client import Timeout

FW_ARGS = os.environ.get("VMC_FW_ARGS", "echo")
BOOT_TIMEOUT = float(os.environ.get("VMC_FW_TIMEOUT", "90"))


def image_or_skip():
    img = vmc_image()
    if not img:
        pytest.skip("build/vmcfw.elf not built (make image)")
    with open(img, "rb") as f:
        data = f.read()
    if b"ibm,vmc" not in data and b"IBM,vmc" not in data:
        pytest.skip("the vmcfw image has no VMC support yet (no 'ibm,vmc' in %s)" % img)
    return img


class FwVm(Vm):
    def __init__(self, device_opts="", args=FW_ARGS):
        img = image_or_skip()
        super().__init__(device_opts, firmware_args=["-kernel", img, "-append", args,
                                                     "-no-reboot", "-action",
                                                     "panic=exit-failure"],
                         console="file", timeout=BOOT_TIMEOUT)

    def close(self):
        print("--- guest console (last 3000 chars) ---\n" + self.serial()[-3000:])
        super().close()


@pytest.fixture
def fw():
    with FwVm() as vm:
        c = vm.connect(BOOT_TIMEOUT)
        yield vm, c


def open_session(c):
    return scenarios.wait_session(c, BOOT_TIMEOUT)


def echo_once(c, op, data=b"are you there?", timeout=BOOT_TIMEOUT):
    c.msg(data, op.index, op.session)
    f = c.wait(lambda f: f.type in (proto.EV_MSG, proto.EV_ERROR), timeout, "echo")
    assert f.type == proto.EV_MSG, f.describe()
    assert f.payload == data
    return f


def test_fw_link_up_and_session(fw):
    vm, c = fw
    op = open_session(c)
    assert op.session != 0 and op.index == 0
    st = c.status()
    assert st["phase"] == "READY" and st["hmcs"][0]["session"] == op.session, st
    assert st["violations"] == 0, st


def test_fw_echo_soak_1000(fw):
    vm, c = fw
    n = scenarios.smoke(c, count=1000, role="host", timeout=BOOT_TIMEOUT, out=print)
    assert n == 1000
    st = c.status()
    assert st["violations"] == 0 and st["host_msgs_dropped"] == 0, st


def test_fw_partner_failure_and_reinit(fw):
    vm, c = fw
    op = open_session(c)
    c.reset(fmt=1, reinit_ms=200)
    c.wait(lambda f: f.type == proto.EV_CLOSE, 10, "CLOSE after reset")
    op2 = open_session(c)
    echo_once(c, op2, b"after partner failure")


def test_fw_partner_deregistered_event(fw):
    vm, c = fw
    op = open_session(c)
    c.raw_crq(bytes.fromhex("ff02000000000000" "0000000000000000"))
    c.reset(fmt=2, reinit_ms=200)
    op2 = open_session(c)
    echo_once(c, op2, b"after deregistration")


def test_fw_unknown_and_bad_entries_do_not_break_session(fw):
    vm, c = fw
    op = open_session(c)
    # unknown VMC type, SIGNAL with an invalid buffer id, wrong session
    for entry in ("8099000000000000" "0000000000000000",
                  "8006000001000fff" "0000000000000010",
                  "80060000fe000001" "0000000000000010"):
        c.raw_crq(bytes.fromhex(entry))
    time.sleep(0.5)
    echo_once(c, op, b"still fine")
    assert vm.alive()


def test_fw_dropped_open_resp_is_retried():
    with FwVm() as vm:
        c = vm.connect(BOOT_TIMEOUT)
        c.fault_msg("to-mp", "drop", 0x8082, 1, 1)
        op = open_session(c)            # its OPEN_RESP never reaches the guest
        # the firmware must time the open out and open a new session by itself
        op2 = c.wait_type(proto.EV_OPEN, BOOT_TIMEOUT)
        assert op2.session != op.session
        echo_once(c, op2, b"after a lost OPEN_RESP")
        assert c.status()["faults_fired"] >= 1


def test_fw_delayed_entries(fw):
    vm, c = fw
    c.fault("delay-hv-crq", 300)
    op = open_session(c)
    echo_once(c, op, b"slow but fine")
    c.fault("clear")


def test_fw_copy_rdma_failure_then_recovery(fw):
    vm, c = fw
    op = open_session(c)
    c.fault("fail-copy-rdma", 1)
    c.msg(b"first", op.index, op.session)
    # the first copy fails; the firmware must report or retry, not hang: a later
    # message still gets through
    end = time.monotonic() + BOOT_TIMEOUT
    while time.monotonic() < end:
        try:
            echo_once(c, op, b"second", timeout=10)
            break
        except (AssertionError, Timeout):
            continue
    else:
        pytest.fail("no echo after an H_COPY_RDMA failure")
