#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check that the image's folders only include downwards (docs/architecture.md
"Floors") and that the hypervisor stack (hv/) shares only the files QEMU also
gets (hv/qemu/build-qemu.sh SHARED_SOURCES and SHARED_HEADERS).

    scripts/check-layers.py              check the tree; exit 1 on a violation
    scripts/check-layers.py --self-test  show the checker catches each kind
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLOORS = ["lib", "hcall", "drivers", "vmc", "console", "boot"]   # bottom first
HV_MAY_INCLUDE = {"vmc/vmc_wire.h", "lib/byteorder.h", "lib/crq_format.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def violations(files):
    """files: {path: text}. Return a list of 'path:line: reason' strings."""
    rank = {d: i for i, d in enumerate(FLOORS)}
    bad = []
    for path, text in sorted(files.items()):
        top = path.split("/")[0]
        for n, line in enumerate(text.splitlines(), 1):
            m = INCLUDE.match(line)
            if not m or "/" not in m.group(1):
                continue
            target = m.group(1)
            floor = target.split("/")[0]
            if top in rank:
                if floor == "hv":
                    bad.append("%s:%d: the image includes the hypervisor side (%s)" % (path, n, target))
                elif floor in rank and rank[floor] > rank[top]:
                    bad.append("%s:%d: %s/ includes %s, a higher floor" % (path, n, top, target))
            elif top == "hv" and floor != "hv" and target not in HV_MAY_INCLUDE:
                bad.append("%s:%d: hv/ includes %s, which QEMU's tree does not get" % (path, n, target))
    return bad


def tree_files():
    files = {}
    for d in FLOORS + ["hv"]:
        for p in glob.glob(os.path.join(ROOT, d, "*.[chS]")):
            with open(p, errors="replace") as f:
                files[os.path.relpath(p, ROOT)] = f.read()
    return files


def self_test():
    cases = [
        ("good tree", {"drivers/a.c": '#include "lib/log.h"\n', "hv/b.c": '#include "vmc/vmc_wire.h"\n'}, 0),
        ("include upwards", {"drivers/a.c": '#include "console/monitor.h"\n'}, 1),
        ("image includes hv", {"boot/a.c": '#include "hv/vmc_hv.h"\n'}, 1),
        ("hv includes an image file", {"hv/a.c": '#include "drivers/crq.h"\n'}, 1),
        ("system header ignored", {"lib/a.c": '#include <stdio.h>\n#include "local.h"\n'}, 0),
    ]
    ok = 0
    for name, files, want in cases:
        got = len(violations(files))
        good = got == want
        ok += good
        print("%s - self-test: %s (%d violation(s), expected %d)" % ("ok" if good else "not ok", name, got, want))
    print("self-test: %d of %d cases behaved" % (ok, len(cases)))
    return 0 if ok == len(cases) else 1


def main():
    if "--self-test" in sys.argv[1:]:
        return self_test()
    files = tree_files()
    bad = violations(files)
    for b in bad:
        print("check-layers: " + b)
    print("check-layers: %d files, %d violation(s)" % (len(files), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
