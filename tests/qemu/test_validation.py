# SPDX-License-Identifier: GPL-2.0-or-later
"""The validation console in real QEMU (Debian's): raw hcalls by name and
number with their return code and registers, the -f rule for calls that can
break the partition, guest memory dumps checked against the image file,
refused ranges, scripts on the console and as a boot argument, and every bad
input answered with an error while the partition keeps running."""
import struct
import sys

import pexpect
import pytest

import qemu_cmd  # tools/, put on the path by conftest.py

PROMPT = "vmcfw> "


def spawn(endian="big", append="monitor"):
    argv = qemu_cmd.qemu_args(qemu_cmd.image_path(endian), "vof", append)
    c = pexpect.spawn(argv[0], argv[1:], encoding="utf-8", timeout=60)
    c.logfile_read = sys.stdout
    return c


def first_load_bytes(path, n):
    """The first @n bytes of the image's only PT_LOAD segment, from the file."""
    with open(path, "rb") as f:
        elf = f.read()
    end = ">" if elf[5] == 2 else "<"
    phoff, = struct.unpack_from(end + "Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from(end + "HH", elf, 0x36)
    for i in range(phnum):
        p_type, _, p_offset = struct.unpack_from(end + "IIQ", elf, phoff + i * phentsize)
        if p_type == 1:
            return elf[p_offset:p_offset + n]
    raise AssertionError("no PT_LOAD in " + path)


def cmd(c, line, *expect):
    c.sendline(line)
    for e in expect:
        c.expect(e)
    c.expect_exact(PROMPT)


@pytest.mark.parametrize("endian", ["big", "little"])
def test_validation_console(endian):
    c = spawn(endian)
    try:
        c.expect(r"entered at (0x[0-9a-f]+)")
        load = int(c.match.group(1), 16)
        c.expect_exact(PROMPT)
        c.sendline("dt")
        c.expect(r"memory 0x([0-9a-f]+)\+0x([0-9a-f]+),")
        base, size = (int(g, 16) for g in c.match.groups())
        c.expect_exact(PROMPT)

        # a harmless hcall by name: the vty has no TCE table
        cmd(c, "hcall H_GET_TCE 0x71000000 0",
            r"hcall H_GET_TCE \(0x1c\): rc=H_PARAMETER \(-4\) r4=0x[0-9a-f]+ r5=0x[0-9a-f]+ "
            r"r6=0x[0-9a-f]+ r7=0x[0-9a-f]+")
        # one that visibly works: two bytes "OK" straight on the vty
        c.sendline("hcall H_PUT_TERM_CHAR 0x71000000 2 0x4f4b000000000000 0")
        c.expect(r"OKhcall H_PUT_TERM_CHAR \(0x58\): rc=H_SUCCESS \(0\)")
        c.expect_exact(PROMPT)
        # a call that can change the partition is refused without -f ...
        cmd(c, "hcall H_WATCHDOG 0x300 1 0",
            r"error: hcall: H_WATCHDOG \(0x45c\) can change the partition's state and break it; "
            r"repeat with -f to issue it anyway")
        # ... and issued with it: the watchdog query (QEMU 7.2: 1 ms minimum, 4 watchdogs)
        cmd(c, "hcall -f 0x45c 0x300 1 0",
            r"hcall H_WATCHDOG \(0x45c\): rc=H_SUCCESS \(0\) r4=0x1000400000000 ")
        # an opcode the hypervisor does not have
        cmd(c, "hcall -f 0x800", r"hcall H_\? \(0x800\): rc=H_FUNCTION \(-2\)")
        # bad input: one error line, the usage, nothing issued
        for line, err in (("hcall", "give the hcall, by name"),
                          ("hcall H_NOPE 1", "unknown hcall name"),
                          ("hcall 0x1e", "hcall numbers are multiples of 4 up to 0xfffc"),
                          ("hcall 0x1c 1 2 3 4 5 6 7", r"at most 6 arguments \(r4..r9\)"),
                          ("hcall 0x1c 0x71000000 zero", "an argument is not a number"),
                          ("hcall 0x1c 0x10000000000000000", "an argument is not a number")):
            cmd(c, line, "error: " + err, r"usage: hcall \[-f\] <name\|number> \[arg...\]")

        # memory: the first bytes of the loaded image are the file's
        want = first_load_bytes(qemu_cmd.image_path(endian), 32)
        c.sendline("mem 0x%x 32" % load)
        c.expect(r"%016x: ((?:[0-9a-f]{2} ){16})" % load)
        row0 = bytes.fromhex(c.match.group(1).replace(" ", ""))
        c.expect(r"%016x: ((?:[0-9a-f]{2} ){16})" % (load + 16))
        row1 = bytes.fromhex(c.match.group(1).replace(" ", ""))
        c.expect_exact(PROMPT)
        assert row0 + row1 == want
        # the last bytes of real memory are fine, one more is refused
        last = base + size - 16
        cmd(c, "mem 0x%x 16" % last, r"%016x: (?:[0-9a-f]{2} ){16}\|" % last)
        for line in ("mem 0x%x 17" % last, "mem 0x%x" % (base + size), "mem -1 16",
                     "mem 0xffffffffffffffff"):
            cmd(c, line, r"error: the range is not inside the partition's real memory \(see `dt`\)",
                r"usage: mem <address> \[length\]")
        cmd(c, "mem 0 4097", "error: the length must be 1..4096 bytes")
        cmd(c, "mem 0 0", "error: the length must be 1..4096 bytes")
        cmd(c, "mem", "error: give the address and, optionally, the length")
        cmd(c, "mem here", "error: the address is not a number")
        # a partial last row
        cmd(c, "mem 0x100 20", r"0000000000000100: (?:[0-9a-f]{2} ){16}\|",
            r"0000000000000110: (?:[0-9a-f]{2} ){4} {36}\|.{4}\|")

        # no VMC device in Debian's QEMU: no ring to show, said so
        cmd(c, "crq", "error: crq: no VMC adapter is running, so no CRQ ring to show")

        # a script on the console; a script may not start another
        c.sendline("run hcall H_IPOLL 0 ;  mem 0x100 16;; run stats; frobnicate")
        c.expect(r"script> hcall H_IPOLL 0 \r*\n")
        c.expect(r"hcall H_IPOLL \(0x70\): rc=")
        c.expect(r"script> mem 0x100 16\r*\n")
        c.expect(r"0000000000000100: ")
        c.expect(r"script> run stats\r*\n")
        c.expect("error: run: a script cannot run another script")
        c.expect(r"script> frobnicate\r*\n")
        c.expect("error: unknown command 'frobnicate'")
        c.expect(r"script: 4 command\(s\) run")
        c.expect_exact(PROMPT)
        cmd(c, "run", "error: give the commands, separated by ';'")
        cmd(c, "run " + ";".join("help" for _ in range(17)),
            r"error: script refused: more than 16 commands")

        # the partition survived all of it; the counters saw the raw calls
        cmd(c, "stats", r"H_GET_TCE +calls 1 errors 1", r"H_WATCHDOG +calls 1 errors 0")
        c.sendline("poweroff")
        c.expect("EXIT: STATUS=0")
        c.expect(pexpect.EOF)
    finally:
        c.close()
    assert c.exitstatus == 0


def test_boot_argument_script():
    """script= runs before the first prompt, commas standing for spaces."""
    c = spawn("big", "monitor script=hcall,H_GET_TCE,0x71000000,0;mem,0x100,16;bogus,1")
    try:
        c.expect(r"script> hcall H_GET_TCE 0x71000000 0\r*\n")
        c.expect(r"hcall H_GET_TCE \(0x1c\): rc=H_PARAMETER \(-4\)")
        c.expect(r"script> mem 0x100 16\r*\n")
        c.expect(r"0000000000000100: (?:[0-9a-f]{2} ){16}\|")
        c.expect(r"script> bogus 1\r*\n")
        c.expect("error: unknown command 'bogus'")
        c.expect(r"script: 3 command\(s\) run")
        c.expect("type 'help' for commands")
        c.expect_exact(PROMPT)
        c.sendline("poweroff")
        c.expect("EXIT: STATUS=0")
        c.expect(pexpect.EOF)
    finally:
        c.close()
    assert c.exitstatus == 0
