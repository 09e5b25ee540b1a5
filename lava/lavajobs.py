#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Render vmcfw's LAVA device configurations and jobs; run the smoke matrix
with Debian's `lava-run` (no server). docs/lab.md §2.

  lava/lavajobs.py device NAME [--set KEY=VALUE ...]     rendered device YAML
  lava/lavajobs.py job smoke|soak [--endian E --fw F --service S --image PATH --append A --rounds N]
  lava/lavajobs.py matrix [--jobs N] [--out DIR]          `make lava`

Templates are rendered as lava-server renders them: a sandboxed jinja2
environment with trim_blocks, device dictionaries extending device types,
the device types extending LAVA's base.jinja2 (package lava-server).
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import time

import jinja2
import jinja2.sandbox
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
LAVA_TEMPLATE_DIRS = ["/etc/lava-server/dispatcher-config/device-types",
                      "/usr/share/lava-server/device-types"]
WRAPPER = os.path.join(HERE, "vmcfw-qemu")

# The smoke matrix: image endianness x firmware x VMC service mode.
MATRIX = [(e, f, s) for e in ("big", "little") for f in ("slof", "vof") for s in ("poll", "irq")]
# What every cell must report, in order (console/smoke.c, docs/console.md §4).
SMOKE_CASES = ["bootargs", "device_tree", "console", "decrementer", "rtas", "exception", "crq",
               "vmc_ready", "vmc_request", "vmc_session", "vmc_messages", "vmc_close"]


def env(dirs):
    return jinja2.sandbox.SandboxedEnvironment(loader=jinja2.FileSystemLoader(dirs),
                                               autoescape=False, trim_blocks=True)


def device_dictionary(name, device_type="vmcfw-qemu", settings=None):
    """Return: the text of a device dictionary for this checkout (its wrapper path)."""
    lines = ["{# SPDX-License-Identifier: GPL-2.0-or-later #}",
             "{# %s: written by lava/lavajobs.py for %s #}" % (name, REPO),
             "{%% extends '%s.jinja2' %%}" % device_type]
    values = {"vmcfw_qemu": WRAPPER}
    values.update(settings or {})
    for k, v in values.items():
        lines.append("{%% set %s = %s %%}" % (k, json.dumps(v)))
    return "\n".join(lines) + "\n"


def render_device(dictionary_text, context=None, type_dirs=None):
    """Render a device dictionary through the device types, as lava-server does.

    Return: (rendered YAML text, parsed dict).
    """
    dirs = [os.path.join(HERE, "device-types")] + (type_dirs or LAVA_TEMPLATE_DIRS)
    if type_dirs is None and not os.path.exists(os.path.join(LAVA_TEMPLATE_DIRS[1], "base.jinja2")):
        raise SystemExit("lavajobs: LAVA's device-type templates are missing: "
                         "install lava-server (sh lava/install.sh)")
    e = env(dirs)
    text = e.from_string(dictionary_text).render(**(context or {}))
    return text, yaml.safe_load(text)


def render_job(kind, **kw):
    """Render lava/jobs/KIND.yaml.jinja2.

    Return: (job YAML text, parsed dict).
    """
    e = env([os.path.join(HERE, "jobs")])
    text = e.get_template("%s.yaml.jinja2" % kind).render(**kw)
    return text, yaml.safe_load(text)


def image_for(endian):
    """Return: the path of this checkout's image for @endian (big|little)."""
    return os.path.join(REPO, "build", "le" if endian == "little" else "", "vmcfw.elf").replace("//", "/")


def smoke_job(endian, fw, service, image=None, append="", device_type="vmcfw-qemu", **kw):
    """Return: (text, dict) of one smoke-matrix job; @kw: more template variables."""
    return render_job("smoke", endian=endian, fw=fw, service=service, append=append,
                      image_url="file://" + (image or image_for(endian)), device_type=device_type, **kw)


def read_results(path):
    """Return: (list of result dicts from a lava-run output, job error or None)."""
    results, error = [], None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("lvl") == "results":
                msg = rec.get("msg", {})
                if isinstance(msg, dict):
                    results.append(msg)
            elif rec.get("lvl") == "error" and error is None:
                error = str(rec.get("msg"))
    return results, error


def run_one(job_id, job_text, device_text, outdir, timeout):
    """Run one job with lava-run. Return: dict with status, cases, seconds, log."""
    d = os.path.join(outdir, "job-%s" % job_id)
    os.makedirs(d, exist_ok=True)
    jobf, devf, logf = (os.path.join(d, n) for n in ("job.yaml", "device.yaml", "lava-run.log"))
    with open(jobf, "w") as f:
        f.write(job_text)
    with open(devf, "w") as f:
        f.write(device_text)
    t0 = time.monotonic()
    argv = ["lava-run", "--job-id", str(job_id), "--output-dir", os.path.join(d, "output"),
            "--device", devf, jobf]
    env_ = dict(os.environ, PATH="/usr/sbin:/usr/bin:/sbin:/bin")
    with open(logf, "w") as log:
        try:
            rc = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, timeout=timeout,
                                env=env_, cwd=d).returncode
        except subprocess.TimeoutExpired:
            rc = 124
    results, error = read_results(logf)
    job = [r for r in results if r.get("definition") == "lava" and r.get("case") == "job"]
    status = job[-1].get("result") if job else "no job result"
    cases = [(r.get("definition"), r.get("case"), r.get("result")) for r in results
             if r.get("definition") != "lava"]
    if rc == 124:
        status, error = "timeout", "lava-run still running after %d s: killed" % timeout
    return {"id": job_id, "rc": rc, "status": status, "error": error, "cases": cases,
            "seconds": time.monotonic() - t0, "log": logf}


def matrix(a):
    if not os.access("/usr/bin/lava-run", os.X_OK):
        print("lavajobs: lava-run is missing: install lava-dispatcher (sh lava/install.sh)",
              file=sys.stderr)
        return 2
    for endian in ("big", "little"):
        if not os.path.exists(image_for(endian)):
            print("lavajobs: %s is missing: run make images" % image_for(endian), file=sys.stderr)
            return 2
    outdir = os.path.abspath(a.out)
    os.makedirs(outdir, exist_ok=True)
    t0 = time.monotonic()
    work = []
    for n, (endian, fw, service) in enumerate(MATRIX, 1):
        dev_text, _ = render_device(device_dictionary("vmcfw-qemu%02d" % n), {"arch": "ppc64"})
        job_text, _ = smoke_job(endian, fw, service, append=a.append)
        work.append(("%s-%s-%s" % (endian, fw, service), n, job_text, dev_text))
    bad = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = [(name, ex.submit(run_one, n, job, dev, outdir, a.timeout))
                for name, n, job, dev in work]
        for name, fut in futs:
            r = fut.result()
            results = {case: res for _, case, res in r["cases"]}
            expected = {c: "pass" for c in SMOKE_CASES}
            ok = r["status"] == "pass" and results == expected
            bad += not ok
            print("job %d %-18s %s: LAVA job %s, %d test cases, %.1f s%s" % (
                r["id"], name, "PASS" if ok else "FAIL", r["status"], len(r["cases"]),
                r["seconds"], "" if ok else "  (log %s)" % r["log"]))
            for defn, case, res in r["cases"]:
                print("    %-12s %-14s %s" % (defn, case, res))
            if not ok:
                missing = [c for c in SMOKE_CASES if c not in results]
                if missing:
                    print("    missing test cases: %s" % " ".join(missing))
                if r["error"]:
                    print("    error: %s" % r["error"])
    print("lava: %d of %d jobs passed in %.1f s (lava-run, %d at a time)" % (
        len(work) - bad, len(work), time.monotonic() - t0, a.jobs))
    return 1 if bad else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("device", help="print a rendered device configuration")
    d.add_argument("name")
    d.add_argument("--type", default="vmcfw-qemu")
    d.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    d.add_argument("--dictionary", action="store_true", help="print the dictionary, not the rendering")
    j = sub.add_parser("job", help="print a rendered job")
    j.add_argument("kind", choices=["smoke", "soak"])
    j.add_argument("--endian", choices=["big", "little"], default="big")
    j.add_argument("--fw", choices=["slof", "vof"], default="slof")
    j.add_argument("--service", choices=["poll", "irq"], default="poll")
    j.add_argument("--image", default=None)
    j.add_argument("--append", default="")
    j.add_argument("--rounds", type=int, default=10)
    j.add_argument("--device-type", default="vmcfw-qemu")
    m = sub.add_parser("matrix", help="run the smoke matrix with lava-run")
    m.add_argument("--jobs", type=int, default=2, help="jobs at a time (default 2)")
    m.add_argument("--out", default=os.path.join(REPO, "build", "lava"))
    m.add_argument("--timeout", type=int, default=600, help="seconds per lava-run (default 600)")
    m.add_argument("--append", default="", help="more boot arguments for every cell")
    a = ap.parse_args(argv)
    if a.cmd == "device":
        settings = {}
        for kv in a.set:
            k, _, v = kv.partition("=")
            settings[k] = yaml.safe_load(v)
        dic = device_dictionary(a.name, a.type, settings)
        sys.stdout.write(dic if a.dictionary else render_device(dic, {"arch": "ppc64"})[0])
        return 0
    if a.cmd == "job":
        image = a.image or image_for(a.endian)
        text, _ = render_job(a.kind, endian=a.endian, fw=a.fw, service=a.service, append=a.append,
                             rounds=a.rounds, image_url="file://" + os.path.abspath(image),
                             device_type=a.device_type)
        sys.stdout.write(text)
        return 0
    return matrix(a)


if __name__ == "__main__":
    sys.exit(main())
