# SPDX-License-Identifier: GPL-2.0-or-later
"""The patched-QEMU freshness check (tools/qemu_cmd.check_fresh) on a copy of
the checkout's QEMU inputs and a fake binary: no QEMU build needed."""
import glob
import os
import shutil

import pytest

import qemu_cmd  # tools/, put on the path by conftest.py
from conftest import REPO


def copy_inputs(dst):
    """The QEMU patch series (hv/qemu/patches/), the project files it is
    generated from, its generator and the build script, plus a non-input
    (hv/qemu/qemu-path.sh), at the same relative paths under @dst."""
    rels = ["hv/qemu/build-qemu.sh", "hv/qemu/gen-patches.sh", "hv/qemu/spapr-vmc.rst",
            "hv/qemu/spapr_vmc.c", "vmc/vmc_wire.c", "vmc/vmc_wire.h",
            "lib/byteorder.h", "lib/crq_format.h", "hv/qemu/qemu-path.sh"]
    rels += [os.path.relpath(p, REPO) for p in glob.glob(os.path.join(REPO, "hv", "*.[ch]"))]
    rels += [os.path.relpath(p, REPO) for p in glob.glob(os.path.join(REPO, "hv", "qemu", "patches", "*"))]
    for rel in rels:
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        shutil.copy2(os.path.join(REPO, rel), os.path.join(dst, rel))


@pytest.fixture
def tree(tmp_path):
    """(checkout copy, fake binary stamped from that copy)."""
    root = tmp_path / "checkout"
    copy_inputs(str(root))
    binary = tmp_path / "build" / "qemu-system-ppc64"
    binary.parent.mkdir()
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    (tmp_path / "build" / "qemu-system-ppc64.inputs").write_text(qemu_cmd.input_hash(str(root)) + "\n")
    return str(root), str(binary)


def test_hash_does_not_depend_on_where_the_checkout_is(tree):
    root, _ = tree
    assert qemu_cmd.input_hash(root) == qemu_cmd.input_hash(REPO)


def test_matching_stamp_is_accepted(tree):
    root, binary = tree
    assert qemu_cmd.check_fresh(binary, root) == binary


def _append(path, text):
    with open(path, "a") as f:
        f.write(text)


@pytest.mark.parametrize("rel", ["hv/qemu/spapr_vmc.c", "hv/vmc_hv.c", "hv/vmc_hv.h",
                                 "vmc/vmc_wire.c", "vmc/vmc_wire.h", "hv/qemu/build-qemu.sh",
                                 "lib/byteorder.h", "hv/qemu/gen-patches.sh",
                                 "hv/qemu/spapr-vmc.rst", "hv/qemu/patches/series",
                                 "hv/qemu/patches/0001-spapr_vio-crq-notify-hook.patch",
                                 "hv/qemu/patches/0004-hv-vmc-engine.patch"])
def test_modified_input_is_refused(tree, rel):
    root, binary = tree
    comment = "\n# x\n" if rel.endswith((".sh", "series")) else "\n/* one more line */\n"
    _append(os.path.join(root, rel), comment)
    with pytest.raises(qemu_cmd.StaleQemu, match=r"built from other sources.*rebuild with `make qemu`"):
        qemu_cmd.check_fresh(binary, root)


def test_new_engine_file_is_refused(tree):
    root, binary = tree
    _append(os.path.join(root, "hv", "hv_new.c"), "int hv_new;\n")
    with pytest.raises(qemu_cmd.StaleQemu):
        qemu_cmd.check_fresh(binary, root)


def test_file_outside_the_inputs_does_not_matter(tree):
    root, binary = tree
    _append(os.path.join(root, "hv", "qemu", "qemu-path.sh"), "# not an input\n")
    assert qemu_cmd.check_fresh(binary, root) == binary


def test_missing_stamp_is_refused_and_names_the_sanitizer_build(tree):
    root, binary = tree
    os.unlink(binary + ".inputs")
    with pytest.raises(qemu_cmd.StaleQemu, match=r"no source stamp.*make qemu SANITIZE=1"):
        qemu_cmd.check_fresh(binary, root, sanitize=True)


def test_patch_outside_the_series_does_not_matter(tree):
    """Only the patches the series file lists are applied, so only they count."""
    root, binary = tree
    _append(os.path.join(root, "hv", "qemu", "patches", "notes.txt"), "not a patch\n")
    assert qemu_cmd.check_fresh(binary, root) == binary


def test_patch_added_to_the_series_is_refused(tree):
    root, binary = tree
    with open(os.path.join(root, "hv", "qemu", "patches", "0007-extra.patch"), "w") as f:
        f.write("From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n")
    _append(os.path.join(root, "hv", "qemu", "patches", "series"), "0007-extra.patch\n")
    # the series file changed, and the new patch is an input of its own
    stamp_before = qemu_cmd.input_hash(root)
    _append(os.path.join(root, "hv", "qemu", "patches", "0007-extra.patch"), "more\n")
    assert qemu_cmd.input_hash(root) != stamp_before
    with pytest.raises(qemu_cmd.StaleQemu):
        qemu_cmd.check_fresh(binary, root)


def test_missing_input_is_an_error_not_a_hash(tree):
    """A checkout without the device glue has no hash to compare: say so."""
    root, binary = tree
    os.unlink(os.path.join(root, "hv", "qemu", "spapr_vmc.c"))
    with pytest.raises(RuntimeError, match=r"stamp input hv/qemu/spapr_vmc.c missing"):
        qemu_cmd.check_fresh(binary, root)
