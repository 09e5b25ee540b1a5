# SPDX-License-Identifier: GPL-2.0-or-later
"""The QEMU boot-check catalogue (tests/qemu/boot_checks.cfg): loader and checker.

Each INI section is one check: how to boot the image (endian, firmware, boot
arguments, QEMU options) and what the run must show (exit status, TAP lines,
console text). Lists in `endian`, `firmware` and `mode` multiply out into one
pytest case each. The smoke-check names are read from the image's own table
(`platform_checks[]` in boot/selftest.c), so the catalogue can only name
checks that exist and a renamed check breaks collection, not a run.

Stdlib only; no QEMU is started here (test_catalogue.py does that).
"""
import configparser
import fnmatch
import os
import re
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CATALOGUE = os.path.join(HERE, "boot_checks.cfg")
SELFTEST_C = os.path.join(REPO, "boot", "selftest.c")

ENDIANS = ("big", "little")
FIRMWARES = ("slof", "vof")
QEMUS = ("stock", "patched")

# key -> what it means; anything else in a section is an error, so a typo
# cannot silently drop an expectation.
KEYS = {
    "endian": "big and/or little (default: both)",
    "firmware": "slof and/or vof (default: both)",
    "mode": "values for {mode} in append/expectations; one case per value",
    "append": "boot arguments (the kernel command line)",
    "qemu": "stock (Debian's QEMU, direct boot) or patched (spapr-vmc + echoing HMC peer)",
    "image": "default (build/vmcfw.elf) or lab (build/vmcfw-lab.elf: adds hvfuzz=, bench-crq=)",
    "machine": "extra -M pseries options, e.g. kernel-addr=0x2000000",
    "mem": "guest RAM in MiB (default 512)",
    "extra": "extra QEMU arguments (stock only), split like a shell would not: on spaces",
    "serial": "stdio (default) or none (no console device at all)",
    "timeout": "seconds before the run counts as a hang (exit 124)",
    "groups": "pytest markers for subsets (-m <group>)",
    "exit": "QEMU's exit code: a number, or 'failure' (non-zero and not a hang)",
    "status": "the image's last 'EXIT: STATUS=n' (a number), or 'none' (never printed)",
    "tap": "'all': a plan line and one result per entry of platform_checks[], in its order",
    "tap_ok": "check names/globs that must pass (ok, not SKIP)",
    "tap_skip": "check names/globs that must be 'ok ... # SKIP'",
    "tap_not_ok": "check names/globs that must fail; with tap = all, every other check must not fail",
    "expect": "substrings of the console output, one per line",
    "expect_re": "regular expressions searched in the console output (multi-line mode), one per line",
    "stderr": "substrings of QEMU's stderr, one per line",
}
IMAGES = ("default", "lab")
DEFAULTS = {"endian": "big little", "firmware": "slof vof", "qemu": "stock", "image": "default", "mem": "512",
            "serial": "stdio", "timeout": "90"}


class CatalogueError(Exception):
    """A malformed catalogue entry (reported at collection, before any QEMU runs)."""


def check_names(path=SELFTEST_C):
    """The smoke-check names in the order the image runs them, from the C table.

    Return: list of names; CatalogueError when the table cannot be found.
    """
    with open(path) as f:
        src = f.read()
    m = re.search(r"const struct smoke_check platform_checks\[\]\s*=\s*\{(.*?)\n\};", src, re.S)
    if not m:
        raise CatalogueError("%s: no 'platform_checks[] = { ... };' table" % path)
    names = re.findall(r'\{\s*"([^"]+)"\s*,\s*\w+\s*\}', m.group(1))
    if not names:
        raise CatalogueError("%s: platform_checks[] has no { \"name\", fn } entries" % path)
    return names


def tap_ok(name, names=None):
    """Regular expression for the passing TAP line of smoke check @name, at
    whatever position platform_checks[] gives it (Python spells no numbers,
    and only names the table has).

    Return: the expression, to be followed by the check's detail (": ...");
    CatalogueError if the table has no check of that name.
    """
    names = check_names() if names is None else names
    if name not in names:
        raise CatalogueError("no smoke check '%s' in platform_checks[] (%s)" % (name, ", ".join(names)))
    return r"ok \d+ - " + re.escape(name)


@dataclass
class Case:
    """One pytest case: an entry with its endian, firmware and mode fixed."""
    name: str
    endian: str
    firmware: str
    mode: str
    qemu: str
    append: str
    machine: str
    mem: str
    extra: list
    serial: str
    timeout: float
    groups: list
    exit: object
    status: object
    tap_all: bool
    tap_ok: list = field(default_factory=list)
    tap_skip: list = field(default_factory=list)
    tap_not_ok: list = field(default_factory=list)
    expect: list = field(default_factory=list)
    expect_re: list = field(default_factory=list)
    stderr: list = field(default_factory=list)
    image: str = "default"

    @property
    def id(self):
        parts = [self.name, "be" if self.endian == "big" else "le", self.firmware]
        if self.mode:
            parts.append(self.mode)
        return "-".join(parts)


def _subst(text, endian, fw, mode):
    """Fill the placeholders an entry may use; other braces (regex counts) stay."""
    values = {
        "endian": endian,
        "e": "be" if endian == "big" else "le",
        "abi": "BE, ELFv1" if endian == "big" else "LE, ELFv2",
        "firmware": fw,
        "FIRMWARE": fw.upper(),
        "mode": mode,
    }
    return re.sub(r"\{(endian|e|abi|firmware|FIRMWARE|mode)\}", lambda m: values[m.group(1)], text)


def _lines(value):
    return [ln.strip() for ln in value.splitlines() if ln.strip()]


def _expand(section, key, patterns, names):
    """Check-name globs -> names; a glob matching no check is an error."""
    out = []
    for pat in patterns:
        hit = [n for n in names if fnmatch.fnmatchcase(n, pat)]
        if not hit:
            raise CatalogueError("[%s] %s: '%s' names no check in platform_checks[] (%s)"
                                 % (section, key, pat, ", ".join(names)))
        out += [n for n in hit if n not in out]
    return out


def _number_or(section, key, value, word):
    if value == word:
        return word
    try:
        return int(value, 0)
    except ValueError:
        raise CatalogueError("[%s] %s = %r: a number or '%s'" % (section, key, value, word)) from None


def load(path=CATALOGUE, names=None):
    """Read the catalogue and multiply it out.

    Return: list of Case, in file order; CatalogueError on any malformed entry.
    """
    names = check_names() if names is None else names
    cp = configparser.ConfigParser(interpolation=None, default_section="__none__")
    cp.optionxform = str
    with open(path) as f:
        try:
            cp.read_file(f)
        except configparser.Error as e:
            raise CatalogueError("%s: %s" % (path, e)) from None
    cases, ids = [], set()
    for sec in cp.sections():
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", sec):
            raise CatalogueError("[%s]: names are lower-case letters, digits and '-'" % sec)
        e = dict(DEFAULTS)
        for k, v in cp.items(sec):
            if k not in KEYS:
                raise CatalogueError("[%s] unknown key '%s' (known: %s)" % (sec, k, ", ".join(KEYS)))
            e[k] = v
        if "append" not in e:
            raise CatalogueError("[%s] has no 'append' (the boot arguments)" % sec)
        if "exit" not in e:
            raise CatalogueError("[%s] has no 'exit': every check states QEMU's exit code" % sec)
        endians, fws = e["endian"].split(), e["firmware"].split()
        modes = e.get("mode", "").split() or [""]
        for val, allowed, key in ((endians, ENDIANS, "endian"), (fws, FIRMWARES, "firmware"),
                                  ([e["qemu"]], QEMUS, "qemu"), ([e["serial"]], ("stdio", "none"), "serial"),
                                  ([e["image"]], IMAGES, "image")):
            bad = [v for v in val if v not in allowed]
            if bad or not val:
                raise CatalogueError("[%s] %s = %r: choose from %s" % (sec, key, e[key], allowed))
        if e["qemu"] == "patched" and (e.get("extra") or e.get("machine") or e["serial"] != "stdio"
                                       or e["mem"] != "512"):
            raise CatalogueError("[%s] extra/machine/mem/serial apply to qemu = stock only" % sec)
        tap = e.get("tap", "")
        if tap not in ("", "all"):
            raise CatalogueError("[%s] tap = %r: only 'all' is defined" % (sec, tap))
        groups = e.get("groups", "").split()
        for g in groups:
            if not re.fullmatch(r"[a-z][a-z0-9_]*", g):
                raise CatalogueError("[%s] group %r: use a Python identifier (a pytest marker)" % (sec, g))
        exit_ = _number_or(sec, "exit", e["exit"], "failure")
        status = _number_or(sec, "status", e["status"], "none") if "status" in e else None
        tap_sets = {k: _expand(sec, k, e.get(k, "").split(), names)
                    for k in ("tap_ok", "tap_skip", "tap_not_ok")}
        seen = {}
        for k, lst in tap_sets.items():
            for n in lst:
                if n in seen:
                    raise CatalogueError("[%s] check '%s' is in both %s and %s" % (sec, n, seen[n], k))
                seen[n] = k
        for regex in _lines(e.get("expect_re", "")):
            try:
                re.compile(_subst(regex, "big", "slof", "x"))
            except re.error as err:
                raise CatalogueError("[%s] expect_re %r: %s" % (sec, regex, err)) from None
        for endian in endians:
            for fw in fws:
                for mode in modes:
                    def s(text):
                        return _subst(text, endian, fw, mode)
                    c = Case(name=sec, endian=endian, firmware=fw, mode=mode, qemu=e["qemu"],
                             append=s(e["append"]), machine=e.get("machine", ""), mem=e["mem"],
                             extra=s(e.get("extra", "")).split(), serial=e["serial"],
                             timeout=float(e["timeout"]), groups=groups, exit=exit_, status=status,
                             tap_all=tap == "all", expect=[s(x) for x in _lines(e.get("expect", ""))],
                             expect_re=[s(x) for x in _lines(e.get("expect_re", ""))],
                             stderr=[s(x) for x in _lines(e.get("stderr", ""))], image=e["image"],
                             **tap_sets)
                    if c.id in ids:
                        raise CatalogueError("[%s] case id %s appears twice" % (sec, c.id))
                    ids.add(c.id)
                    cases.append(c)
    if not cases:
        raise CatalogueError("%s: no entries" % path)
    return cases


def tap_results(out):
    """Parse TAP from console text.

    Return: (plan or None, {n: (status, name, skip_reason or None, detail)}).
    """
    plan, results = None, {}
    for line in out.splitlines():
        line = line.strip("\r")
        m = re.match(r"^1\.\.(\d+)$", line)
        if m:
            plan = int(m.group(1))
            continue
        m = re.match(r"^(ok|not ok) (\d+) - ([^\s:#]+)(.*)$", line)
        if m:
            rest = m.group(4)
            skip = re.match(r"\s*# SKIP\s*(.*)$", rest)
            results[int(m.group(2))] = (m.group(1), m.group(3), skip.group(1) if skip else None, rest)
    return plan, results


def verify(case, rc, out, err, names):
    """Every expectation of @case against one run.

    Return: list of failure messages (empty: the check passed).
    """
    bad = []
    if case.exit == "failure":
        if rc in (0, 124):
            bad.append("QEMU exit %d, expected a failure exit (non-zero, not a hang)" % rc)
    elif rc != case.exit:
        bad.append("QEMU exit %d, expected %d%s" % (rc, case.exit, " (hang)" if rc == 124 else ""))
    statuses = re.findall(r"EXIT: STATUS=(-?\d+)", out)
    last = int(statuses[-1]) if statuses else None
    if case.status == "none" and last is not None:
        bad.append("EXIT: STATUS=%d printed, expected none" % last)
    elif case.status not in (None, "none") and last != case.status:
        bad.append("EXIT: STATUS=%s, expected %d" % (last, case.status))
    plan, results = tap_results(out)
    by_name = {}
    for n in sorted(results):
        by_name.setdefault(results[n][1], results[n])
    if case.tap_all:
        if plan != len(names):
            bad.append("TAP plan %s, expected 1..%d (platform_checks[] has %d entries)"
                       % (plan, len(names), len(names)))
        got = [results[n][1] if n in results else None for n in range(1, len(names) + 1)]
        if got != names or len(results) != len(names):
            bad.append("TAP results %s, expected %s in that order" % (
                [results[n][1] for n in sorted(results)], names))
        for st, nm, _, rest in results.values():
            if st == "not ok" and nm not in case.tap_not_ok:
                bad.append("check %s failed unexpectedly:%s" % (nm, rest))
    for nm in case.tap_ok:
        r = by_name.get(nm)
        if not r or r[0] != "ok" or r[2] is not None:
            bad.append("check %s: expected ok (not SKIP), got %s" % (nm, r and (r[0] + r[3])))
    for nm in case.tap_skip:
        r = by_name.get(nm)
        if not r or r[0] != "ok" or r[2] is None:
            bad.append("check %s: expected ok # SKIP, got %s" % (nm, r and (r[0] + r[3])))
    for nm in case.tap_not_ok:
        r = by_name.get(nm)
        if not r or r[0] != "not ok":
            bad.append("check %s: expected not ok, got %s" % (nm, r and (r[0] + r[3])))
    for s in case.expect:
        if s not in out:
            bad.append("console lacks %r" % s)
    for regex in case.expect_re:
        if not re.search(regex, out, re.M):
            bad.append("console has no match for /%s/" % regex)
    for s in case.stderr:
        if s not in err:
            bad.append("stderr lacks %r" % s)
    return bad
