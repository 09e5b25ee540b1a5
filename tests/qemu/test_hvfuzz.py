# SPDX-License-Identifier: GPL-2.0-or-later
"""`hvfuzz`: the image turns attacker and throws seeded random hypervisor
calls at the spapr-vmc device, then checks the device still completes a
clean handshake. Runs only under the sanitizer build (ASan + UBSan) of the
patched QEMU (make qemu SANITIZE=1); any sanitizer report fails the test.
`make test` builds that binary and sets VMC_REQUIRE_SANITIZER=1: a missing
binary is then a failure. Run by hand without it, the suite skips and says
how to build it; it never falls back to the plain build."""
import os
import re
import subprocess

import pytest

import qemu_cmd  # tools/, put on the path by conftest.py
from test_vmc_device_common import sanitizer_qemu

OPS = int(os.environ.get("HVFUZZ_OPS", "30000"))


@pytest.mark.parametrize("endian,seed", [("big", 1), ("big", 0xBADC0DE), ("little", 7)])
def test_device_survives_hostile_guest(endian, seed, tmp_path):
    qemu = sanitizer_qemu()
    image = qemu_cmd.image_path(endian, lab=True)    # hvfuzz= is in the lab image only
    # SLOF, not VOF: QEMU 7.2's own hw/ppc/vof.c has a misaligned 64-bit
    # load that UBSan reports before our device is ever reached.
    argv = [qemu, "-M", "pseries", "-m", "512", "-nodefaults", "-display", "none",
            "-no-reboot", "-action", "panic=exit-failure", "-monitor", "none", "-serial", "stdio",
            "-kernel", image, "-append", "hvfuzz=%d seed=%d" % (OPS, seed),
            "-chardev", "socket,id=hmc0,path=%s,server=on,wait=off" % (tmp_path / "hmc.sock"),
            "-device", "spapr-vmc,chardev=hmc0"]
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600, env=env,
                       stdin=subprocess.DEVNULL)
    print("qemu:", qemu)
    print(r.stdout[-2500:], r.stderr[-2500:])
    assert "AddressSanitizer" not in r.stderr and "runtime error" not in r.stderr
    assert r.returncode == 0, "QEMU must survive and the guest report success"
    assert re.search(r"HVFUZZ done ops=%d " % OPS, r.stdout)
    assert "HVFUZZ verdict=ok clean handshake" in r.stdout
    # the device refused plenty: the run really was hostile
    m = re.search(r"H_PARAMETER=(\d+)", r.stdout)
    assert m and int(m.group(1)) > OPS // 20
