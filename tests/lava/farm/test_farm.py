# SPDX-License-Identifier: GPL-2.0-or-later
"""A real LAVA farm on this machine (make lava-farm; docs/lab.md §3).

Installs (idempotent) and starts Debian's lava-server on PostgreSQL, its
scheduler and two lava-workers with two vmcfw-qemu devices each, registers
the device type and devices, submits the smoke matrix and a soak with
lavacli, and checks through the server's REST API that every job completed
and every test case has the expected result. Then the bad inputs: a job for
an unknown device type, an image that does not boot, an image that never
prints its results, a worker that goes away mid-job; each must end as a LAVA
failure and the farm must still run the next jobs on both workers.

Needs root (it installs packages, starts PostgreSQL and writes
/etc/lava-server/dispatcher-config) and the patched QEMU; without them the
tests fail, they do not skip.
"""
import os
import sys
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, REPO)
from lava import farm as farmmod, lavajobs  # noqa: E402

WORKDIR = os.path.join(REPO, "build", "lava-farm")
MATRIX_TIMEOUT = 900      # 8 smoke jobs + a soak on 4 devices; about 2 min here
BAD_TIMEOUT = 600


def say(msg):
    print(msg, flush=True)


@pytest.fixture(scope="module")
def farm():
    if os.geteuid() != 0:
        pytest.fail("the farm test installs packages and starts PostgreSQL: run it as root")
    for endian in ("big", "little"):
        assert os.path.exists(lavajobs.image_for(endian)), "run make images first"
    f = farmmod.Farm(WORKDIR, log=say)
    t0 = time.monotonic()
    try:
        f.install()
        f.start_server()
        f.register()
        f.start_workers()
        say("farm: up in %.1f s (install %.1f s, server %.1f s, registration %.1f s); "
            "%d workers, %d devices" % (time.monotonic() - t0, f.timings["install"],
                                         f.timings["server-start"], f.timings["register"],
                                         len(f.workers), sum(len(d) for d in f.devices.values())))
        yield f
    finally:
        f.stop()


def results_by_suite(f, job_id):
    """Return: {suite name: {case: result}} from the REST API."""
    suites = {s["id"]: s["name"] for s in f._api("jobs/%d/suites/?limit=100" % job_id)["results"]}
    out = {}
    for t in f.tests(job_id):
        out.setdefault(suites.get(t["suite"], "?"), {})[t["name"]] = t["result"]
    return out


EXPECTED_SMOKE = {c: "pass" for c in lavajobs.SMOKE_CASES}


def test_matrix_and_soak(farm):
    jobs = {}
    t0 = time.time()
    for endian, fw, service in lavajobs.MATRIX:
        text, _ = lavajobs.smoke_job(endian, fw, service)
        jobs[farm.submit(text, "%s-%s-%s" % (endian, fw, service))] = ("smoke", endian, fw, service)
    soak_text, _ = lavajobs.render_job("soak", endian="little", fw="vof", rounds=3, append="",
                                       image_url="file://" + lavajobs.image_for("little"))
    jobs[farm.submit(soak_text, "soak")] = ("soak", "little", "vof", "x3")
    done = farm.wait_jobs(list(jobs), MATRIX_TIMEOUT)
    elapsed = time.time() - t0
    bad = []
    for i, what in sorted(jobs.items()):
        j = done[i]
        res = results_by_suite(farm, i)
        say("job %d %-30s %s %s on %s; suites %s" % (i, " ".join(what), j["state"], j["health"],
                                                     j["actual_device"],
                                                     {k: len(v) for k, v in res.items()}))
        if j["health"] != "Complete":
            bad.append("job %d %s: %s" % (i, what, j["health"]))
        if res.get("lava", {}).get("job") != "pass":
            bad.append("job %d %s: lava/job is %s" % (i, what, res.get("lava", {}).get("job")))
        if what[0] == "smoke":
            if res.get("vmcfw-smoke") != EXPECTED_SMOKE:
                bad.append("job %d %s: cases %s" % (i, what, res.get("vmcfw-smoke")))
        else:
            for n, service in ((1, "poll"), (2, "irq"), (3, "poll")):
                suite = "soak-%02d-%s" % (n, service)
                if res.get(suite) != EXPECTED_SMOKE:
                    bad.append("job %d soak %s: cases %s" % (i, suite, res.get(suite)))
    used = {done[i]["actual_device"] for i in jobs}
    say("farm: %d jobs (8 smoke + 1 soak of 3 boots) in %.1f s on %d devices: %.1f jobs/minute"
        % (len(jobs), elapsed, len(used), len(jobs) * 60.0 / elapsed))
    assert not bad, "\n".join(bad)
    workers = {d.rsplit("-", 1)[0] for d in used}
    assert workers == set(farm.workers), "jobs ran on %s only" % sorted(workers)


def test_unknown_device_type_is_refused(farm):
    text, _ = lavajobs.smoke_job("big", "vof", "poll", device_type="no-such-board")
    path = os.path.join(WORKDIR, "submit-unknown.yaml")
    with open(path, "w") as fp:
        fp.write(text)
    r = farm.lavacli("jobs", "submit", path, check=False)
    say("farm: unknown device type -> exit %d: %s" % (r.returncode, (r.stdout + r.stderr).strip()[-200:]))
    # lavacli 1.2 exits 0 even when the server refuses: the answer is the text.
    out = r.stdout + r.stderr
    assert "Unable to submit" in out and "Device type 'no-such-board' is unavailable" in out
    # and no job was created for it
    assert not any(j["requested_device_type"] == "no-such-board"
                   for j in farm._api("jobs/?limit=200")["results"])


def test_bad_jobs_fail_and_farm_keeps_serving(farm):
    garbage = os.path.join(WORKDIR, "not-an-image.elf")
    with open(garbage, "wb") as fp:
        fp.write(os.urandom(4096))
    jobs = {}
    # These two run on the first worker, so the kill below cannot be what ends them.
    first = farm.workers[0]
    text, _ = lavajobs.smoke_job("big", "vof", "poll", image=garbage, tags=[first])
    jobs[farm.submit(text, "garbage")] = "image that does not boot"
    # `monitor` after `smoke`: the image boots to its prompt and waits for
    # commands, so the results never come (a hung run, seen from the lab).
    text, _ = lavajobs.smoke_job("big", "vof", "poll", append="monitor", test_minutes=1, tags=[first])
    jobs[farm.submit(text, "hang")] = "image that hangs"

    # A worker that goes away: a SLOF job (the slowest boot) pinned to the
    # second worker; once it runs, the worker, its lava-run and its QEMU are
    # killed, then the worker is started again.
    victim = farm.workers[-1]
    text, _ = lavajobs.smoke_job("big", "slof", "poll", tags=[victim])
    kill_id = farm.submit(text, "worker-gone")
    jobs[kill_id] = "worker gone mid-job"
    deadline = time.monotonic() + 300
    while farm.job(kill_id)["state"] != "Running":
        assert time.monotonic() < deadline, "the pinned job never started"
        time.sleep(0.5)
    time.sleep(3)
    farm.kill_worker(victim)
    say("farm: killed %s (worker, lava-run, QEMU) during job %d" % (victim, kill_id))
    time.sleep(5)
    assert farm.job(kill_id)["state"] != "Finished", "the job ended before the worker came back"
    farm.start_worker(victim)
    farm.wait_workers_online([victim], 120)

    done = farm.wait_jobs(list(jobs), BAD_TIMEOUT)
    for i, what in jobs.items():
        j = done[i]
        res = results_by_suite(farm, i)
        say("job %d %-26s %s %s on %s; lava cases %s" % (i, what, j["state"], j["health"],
                                                         j["actual_device"], res.get("lava")))
        assert j["health"] == "Incomplete", (what, j["health"])
        assert res.get("lava", {}).get("job") != "pass", what
        assert not res.get("vmcfw-smoke"), (what, res.get("vmcfw-smoke"))
        if i != kill_id:
            # The dispatcher says why: its `job` case carries the error.
            meta = [t["metadata"] for t in farm.tests(i) if t["name"] == "job"]
            say("    job case: %s" % " ".join(meta[0].split()) if meta else "    no job case")
            assert meta and "error_msg:" in meta[0], (what, meta)
            assert res["lava"]["job"] == "fail"
    # The next jobs: one on each worker, all cases pass.
    after = {}
    for w in farm.workers:
        text, _ = lavajobs.smoke_job("little", "vof", "irq", tags=[w])
        after[farm.submit(text, "after-" + w)] = w
    done = farm.wait_jobs(list(after), BAD_TIMEOUT)
    for i, w in after.items():
        res = results_by_suite(farm, i)
        say("job %d after the bad jobs, on %s: %s" % (i, done[i]["actual_device"], done[i]["health"]))
        assert done[i]["health"] == "Complete"
        assert done[i]["actual_device"].startswith(w)
        assert res.get("vmcfw-smoke") == EXPECTED_SMOKE
