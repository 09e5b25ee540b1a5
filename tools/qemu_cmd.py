# SPDX-License-Identifier: GPL-2.0-or-later
"""Build QEMU command lines for booting vmcfw (shared by tools and tests)."""
import os
import re
import shutil
import subprocess
import threading

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def stock_qemu():
    """Debian's qemu-system-ppc64."""
    return shutil.which("qemu-system-ppc64") or "/usr/bin/qemu-system-ppc64"


class StaleQemu(RuntimeError):
    """The patched QEMU was not built from this checkout's sources."""


def input_hash(root=REPO):
    """Hash of every input of the patched QEMU (the patch series, the sources it
    is generated from, its generator, build-qemu.sh), computed from the
    checkout at @root by the script itself (`--input-hash`), so the list of
    inputs lives in one place: the script that applies them.

    Return: the hex digest; RuntimeError if the script fails.
    """
    script = os.path.join(root, "hv", "qemu", "build-qemu.sh")
    r = subprocess.run(["sh", script, "--input-hash"], capture_output=True, text=True, cwd=root)
    digest = r.stdout.strip()
    if r.returncode != 0 or len(digest) != 64:
        raise RuntimeError("%s --input-hash failed (rc %d): %s" % (script, r.returncode,
                                                                   (r.stderr or r.stdout).strip()))
    return digest


def check_fresh(binary, root=REPO, sanitize=False):
    """Refuse a patched QEMU built from other sources than the checkout at @root:
    build-qemu.sh leaves the input hash in <binary>.inputs.

    Return: @binary when its stamp matches; StaleQemu (with what to run) otherwise.
    """
    rebuild = "rebuild with `make qemu%s`" % (" SANITIZE=1" if sanitize else "")
    stamp = binary + ".inputs"
    try:
        with open(stamp) as f:
            built = f.read().strip()
    except OSError:
        raise StaleQemu("%s has no source stamp (%s): it was not built by this checkout's "
                        "hv/qemu/build-qemu.sh; %s" % (binary, stamp, rebuild)) from None
    want = input_hash(root)
    if built != want:
        raise StaleQemu("%s was built from other sources than the checkout %s (stamp %s, checkout "
                        "%s: hv/, hv/qemu/patches/, vmc/vmc_wire.*, lib/ headers or build-qemu.sh differ); %s"
                        % (binary, root, built[:12], want[:12], rebuild))
    return binary


def patched_qemu(sanitize=False, check=True):
    """The project's patched QEMU (with spapr-vmc), or None if not built.
    sanitize: its ASan+UBSan build (make qemu SANITIZE=1).
    check: raise StaleQemu when it was built from other sources than this
    checkout (see check_fresh)."""
    script = os.path.join(REPO, "hv", "qemu", "qemu-path.sh")
    if not os.path.exists(script):
        return None
    out = subprocess.run(["sh", script] + (["--sanitize"] if sanitize else []),
                         capture_output=True, text=True, cwd=REPO).stdout.strip()
    path = out.splitlines()[-1] if out else ""
    if not (path and os.access(path, os.X_OK)):
        return None
    return check_fresh(path, sanitize=sanitize) if check else path


def linux_guest():
    """(vmlinux, initramfs) of the Linux guest, built if needed by `make linux`
    (the kernel is cached); RuntimeError with make's output if that fails."""
    r = subprocess.run(["make", "--no-print-directory", "-s", "linux"], cwd=REPO,
                       capture_output=True, text=True)
    lines = r.stdout.strip().splitlines()
    if r.returncode != 0 or len(lines) < 2:
        raise RuntimeError("make linux failed:\n" + r.stdout[-2000:] + r.stderr[-2000:])
    initramfs, vmlinux = lines[-2], lines[-1]
    if not vmlinux.endswith("/vmlinux") or not initramfs.endswith("initramfs.cpio"):
        raise RuntimeError("make linux printed no vmlinux/initramfs paths: %r" % lines[-2:])
    return vmlinux, initramfs


def image_path(endian="big", lab=False):
    """The built image: the default one, or with @lab the lab image that adds
    the tools only a validation lab boots (hvfuzz=, bench-crq=; the default
    image refuses them and names this one). Return: its path."""
    name = "vmcfw-lab.elf" if lab else "vmcfw.elf"
    return os.path.join(REPO, "build", "le" if endian == "little" else "", name).replace("//", "/")


def qemu_args(image, fw="slof", append="", machine_opts="", mem="512", extra=(), serial="stdio",
              qemu=None, monitor="none"):
    """QEMU argv for a pseries guest booting @image with SLOF or VOF.
    monitor=None leaves the monitor to `-serial mon:stdio` (interactive runs)."""
    machine = "pseries"
    if fw == "vof":
        machine += ",x-vof=on"
    if machine_opts:
        machine += "," + machine_opts
    argv = [qemu or stock_qemu(), "-M", machine, "-m", mem, "-nodefaults", "-display", "none",
            "-no-reboot", "-action", "panic=exit-failure", "-kernel", image]
    if monitor:
        argv += ["-monitor", monitor]
    if serial:
        argv += ["-serial", serial]
    if append:
        argv += ["-append", append]
    argv += list(extra)
    return argv


# The image's exit line is a line of its own: text that merely contains it
# (an HMC message echoed on the console) does not count.
EXIT_LINE = re.compile(r"EXIT: STATUS=(-?\d+)\s*$")


class ConsoleTee:
    """Copy a QEMU console (a pipe) to @out as it comes and keep the image's
    last `EXIT: STATUS=n` (None until one is seen)."""

    def __init__(self, stream, out):
        self.exit_status = None
        self._stream, self._out = stream, out
        self._thread = threading.Thread(target=self._copy, daemon=True)
        self._thread.start()

    def _copy(self):
        for raw in iter(self._stream.readline, b""):
            text = raw.decode("latin-1")
            self._out.write(text)
            self._out.flush()
            m = EXIT_LINE.match(text)
            if m:
                self.exit_status = int(m.group(1))

    def join(self, timeout=10):
        self._thread.join(timeout)


def smoke_verdict(rc, exit_status):
    """The status of a smoke run, for a lab: QEMU's exit code, except that a
    run which QEMU ended with 0 but where the image never printed
    `EXIT: STATUS=0` failed. That is how a partition ended by the
    hypervisor looks (the watchdog's reset with -no-reboot exits 0).

    Return: (status, reason or None).
    """
    if rc == 0 and exit_status != 0:
        if exit_status is None:
            return 1, ("QEMU exited 0 but the image printed no EXIT line: the partition was "
                       "ended from outside (watchdog expiry or a reset)")
        return 1, "QEMU exited 0 but the image said EXIT: STATUS=%d" % exit_status
    return rc, None
