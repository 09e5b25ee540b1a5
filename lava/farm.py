# SPDX-License-Identifier: GPL-2.0-or-later
"""A whole LAVA farm on this machine, without systemd (docs/lab.md §3).

Debian 12's lava-server (gunicorn for the web/API, lava-scheduler) on its
PostgreSQL, and several lava-worker processes, each serving vmcfw-qemu
devices. Used by tests/lava/farm; every daemon is started here as a child
in its own session and stopped by stop(); every wait is bounded.

Objects it creates in the server's database and configuration are named
with PREFIX so a second run finds and reuses them (idempotent).
"""
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SYS_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
DISPATCHER_CONFIG = "/etc/lava-server/dispatcher-config"
PREFIX = "vmcfw-farm"
DEVICE_TYPE = "vmcfw-qemu"
EVENTS_SETTINGS = "/etc/lava-server/settings.d/50-vmcfw-farm-events.yaml"


class FarmError(RuntimeError):
    pass


def sysenv(**extra):
    """Debian's python3 and tools first: LAVA's scripts run `python3`."""
    e = dict(os.environ, PATH=SYS_PATH, LC_ALL="C.UTF-8")
    e.pop("PYTHONPATH", None)
    e.update(extra)
    return e


def run(argv, timeout=120, check=True, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=kw.pop("env", sysenv()),
                       **kw)
    if check and r.returncode != 0:
        raise FarmError("%s exited %d:\n%s%s" % (" ".join(argv), r.returncode, r.stdout[-2000:],
                                                  r.stderr[-2000:]))
    return r


def manage(*args, timeout=120, check=True):
    return run(["lava-server", "manage"] + list(args), timeout=timeout, check=check)


def descendants(pid):
    """Return: every process below @pid (from /proc), deepest last."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in children.get(p, []):
            out.append(c)
            todo.append(c)
    return out


class Farm:
    def __init__(self, workdir, port=8765, workers=2, devices_per_worker=2, log=print):
        self.dir = os.path.abspath(workdir)
        self.port = port
        self.url = "http://127.0.0.1:%d/" % port
        self.workers = ["%s-w%d" % (PREFIX, i + 1) for i in range(workers)]
        self.devices = {w: ["%s-%s" % (w, "qemu%02d" % (j + 1)) for j in range(devices_per_worker)]
                        for w in self.workers}
        self.procs = {}          # name -> Popen (ours only)
        self.worker_tokens = {}
        self.token = None
        self.started_postgres = False
        self._cli_token = None      # the token lavacli's identity holds
        self.log = log
        self.timings = {}
        os.makedirs(self.dir, exist_ok=True)

    # --- install ------------------------------------------------------
    def install(self):
        """apt (idempotent), PostgreSQL up, lava-server's database created."""
        t0 = time.monotonic()
        run(["sh", os.path.join(HERE, "install.sh")], timeout=1800)
        r = run(["pg_lsclusters", "-h"], check=False)
        down = [line.split()[:2] for line in r.stdout.splitlines() if "online" not in line]
        for ver, name in down:
            run(["pg_ctlcluster", ver, name, "start"], timeout=120)
            self.started_postgres = True
        if manage("users", "list", check=False).returncode != 0:
            # The postinst skipped the database while PostgreSQL was down.
            self.log("farm: creating lava-server's database (dpkg-reconfigure lava-server)")
            run(["dpkg-reconfigure", "lava-server"], timeout=900,
                env=sysenv(DEBIAN_FRONTEND="noninteractive"))
            manage("users", "list")
        self.timings["install"] = time.monotonic() - t0

    # --- daemons ------------------------------------------------------
    def _spawn(self, name, argv, **kw):
        logf = open(os.path.join(self.dir, name + ".out"), "w")
        self.procs[name] = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True,
                                            env=sysenv(), **kw)
        logf.close()
        self._save_pids()
        return self.procs[name]

    def _save_pids(self):
        with open(os.path.join(self.dir, "pids.json"), "w") as f:
            json.dump({n: p.pid for n, p in self.procs.items() if p.poll() is None}, f)

    def reap_previous(self):
        """Stop the daemons a previous run in this folder left behind (it
        was killed before its stop()): each by the pid it recorded, and only
        if that process still leads the session it was started in."""
        path = os.path.join(self.dir, "pids.json")
        try:
            with open(path) as f:
                old = json.load(f)
        except (OSError, ValueError):
            return
        for name, pid in old.items():
            try:
                if os.getsid(pid) != pid:
                    continue
                os.killpg(pid, signal.SIGTERM)
                self.log("farm: stopped %s (pid %d) left by a previous run" % (name, pid))
            except (ProcessLookupError, PermissionError):
                pass
        os.unlink(path)
        time.sleep(2)

    def _api(self, path, data=None, timeout=30):
        req = urllib.request.Request(self.url + "api/v0.2/" + path,
                                     data=None if data is None else json.dumps(data).encode())
        if self.token:
            req.add_header("Authorization", "Token " + self.token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read().decode())

    def start_server(self):
        t0 = time.monotonic()
        self.reap_previous()
        # A scheduler already running on this database (the package's own
        # service, where systemd started it) would compete for the jobs.
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open("/proc/%s/cmdline" % d, "rb") as f:
                        cmd = f.read().replace(b"\0", b" ")
                except OSError:
                    continue
                if b"manage lava-scheduler" in cmd:
                    raise FarmError("a lava-scheduler is already running (pid %s): stop it "
                                    "(systemctl stop lava-scheduler) before the farm starts its own" % d)
        # Events: with them the scheduler assigns a job as soon as it is
        # submitted or a device frees up; without, only every 20 s.
        with open(EVENTS_SETTINGS, "w") as f:
            f.write("# written by vmcfw's lava/farm.py; removed when the farm stops\n"
                    "EVENT_NOTIFICATION: true\n")
        self._spawn("publisher", ["lava-server", "manage", "lava-publisher", "--level", "DEBUG",
                                  "--log-file", os.path.join(self.dir, "lava-publisher.log")])
        self._spawn("gunicorn", ["gunicorn3", "lava_server.wsgi", "--bind", "127.0.0.1:%d" % self.port,
                                 "-u", "lavaserver", "-g", "lavaserver", "--workers", "2",
                                 "--timeout", "120"])
        self._spawn("scheduler", ["lava-server", "manage", "lava-scheduler", "--level", "DEBUG",
                                  "--log-file", os.path.join(self.dir, "lava-scheduler.log")])
        deadline = time.monotonic() + 120
        while True:
            for name in ("publisher", "gunicorn", "scheduler"):
                if self.procs[name].poll() is not None:
                    raise FarmError("%s exited %d (see %s)" % (name, self.procs[name].returncode,
                                                              os.path.join(self.dir, name + ".out")))
            try:
                self._api("system/version/", timeout=5)
                break
            except (urllib.error.URLError, OSError, ValueError):
                if time.monotonic() > deadline:
                    raise FarmError("lava-server's API did not answer on %s in 120 s" % self.url)
                time.sleep(1)
        self.timings["server-start"] = time.monotonic() - t0

    def register(self):
        """Admin user and token, device type, workers, devices (reused if present)."""
        t0 = time.monotonic()
        if "admin" not in manage("users", "list").stdout.split():
            manage("users", "add", "--staff", "--superuser", "--passwd", "vmcfw-farm", "admin")
        self.token = manage("tokens", "add", "--user", "admin").stdout.strip().splitlines()[-1]
        dt_dir = os.path.join(DISPATCHER_CONFIG, "device-types")
        shutil.copy(os.path.join(HERE, "device-types", DEVICE_TYPE + ".jinja2"), dt_dir)
        installed = manage("device-types", "list").stdout.split("Available")[0].split()
        if DEVICE_TYPE not in installed:
            manage("device-types", "add", DEVICE_TYPE)
        known_workers = manage("workers", "list", "--all").stdout
        known_devices = manage("devices", "list", "--all").stdout
        sys_path = os.path.join(HERE, "lavajobs.py")
        for w in self.workers:
            if w not in known_workers:
                manage("workers", "add", w)
            # A fresh token each run: the previous one may be lost with its file.
            self.worker_tokens[w] = self._worker_token(w)
            for d in self.devices[w]:
                dic = run(["/usr/bin/python3", sys_path, "device", d, "--dictionary"]).stdout
                with open(os.path.join(DISPATCHER_CONFIG, "devices", d + ".jinja2"), "w") as f:
                    f.write(dic)
                if d not in known_devices:
                    manage("devices", "add", d, "--device-type", DEVICE_TYPE, "--worker", w, "--tags", w)
                manage("devices", "update", "--health", "GOOD", d)
        self.timings["register"] = time.monotonic() - t0

    def _worker_token(self, w):
        r = manage("workers", "details", w, check=False)
        for line in r.stdout.splitlines():
            if line.strip().startswith("token"):
                return line.split(":", 1)[1].strip()
        raise FarmError("no token for worker %s in `workers details`:\n%s" % (w, r.stdout))

    def start_worker(self, w):
        wd = os.path.join(self.dir, w)
        os.makedirs(wd, exist_ok=True)
        return self._spawn(w, ["lava-worker", "--name", w, "--url", self.url,
                               "--token", self.worker_tokens[w], "--worker-dir", wd,
                               "--log-file", os.path.join(self.dir, w + ".log"), "--level", "DEBUG",
                               "--ping-interval", "2", "--job-log-interval", "2"])

    def start_workers(self, timeout=120):
        for w in self.workers:
            self.start_worker(w)
        self.wait_workers_online(self.workers, timeout)

    def wait_workers_online(self, names, timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            states = {w["hostname"]: w["state"] for w in self._api("workers/?limit=100")["results"]}
            if all(states.get(w) == "Online" for w in names):
                return
            if time.monotonic() > deadline:
                raise FarmError("workers not online after %d s: %s" % (timeout, states))
            time.sleep(2)

    def kill_worker(self, w):
        """The worker goes away: the worker, its lava-run and QEMU, at once."""
        p = self.procs.get(w)
        if p is None or p.poll() is not None:
            return
        # lava/vmcfw-qemu's peer watcher (and its peer) are spared: they are
        # not the worker's, and they clean up once QEMU is gone.
        spared = set()
        for pid in descendants(p.pid):
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    argv = f.read().split(b"\0")
            except OSError:
                continue
            if len(argv) > 1 and argv[1].endswith(b"/lava/vmcfw-qemu"):
                spared.add(pid)
                spared.update(descendants(pid))
        victims = [v for v in [p.pid] + descendants(p.pid) if v not in spared]
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        p.wait(timeout=30)

    # --- lavacli -------------------------------------------------------
    def lavacli(self, *args, timeout=120, check=True):
        cfg = os.path.join(self.dir, "lavacli")
        env = sysenv(XDG_CONFIG_HOME=cfg, HOME=cfg)
        if self._cli_token != self.token:
            # This run's token: one kept from an earlier run may be dead
            # (a new database, a token removed).
            os.makedirs(cfg, exist_ok=True)
            conf = os.path.join(cfg, "lavacli.yaml")
            if os.path.exists(conf):
                os.unlink(conf)
            run(["lavacli", "identities", "add", "--uri", self.url + "RPC2", "--token", self.token,
                 "--username", "admin", PREFIX], env=env)
            self._cli_token = self.token
        return run(["lavacli", "-i", PREFIX] + list(args), timeout=timeout, check=check, env=env)

    def submit(self, job_text, name="job"):
        """Return: the job id (lavacli jobs submit)."""
        path = os.path.join(self.dir, "submit-%s.yaml" % name)
        with open(path, "w") as f:
            f.write(job_text)
        r = self.lavacli("jobs", "submit", path)
        out = (r.stdout + r.stderr).strip()
        try:
            return int(out.splitlines()[-1])
        except (ValueError, IndexError):
            raise FarmError("lavacli jobs submit %s: no job id in its answer: %s" % (path, out))

    def job(self, job_id):
        return self._api("jobs/%d/" % job_id)

    def tests(self, job_id):
        """Return: every test case of a job (suite, name, result), from the REST API."""
        out, path = [], "jobs/%d/tests/?limit=500" % job_id
        while path:
            page = self._api(path)
            for t in page["results"]:
                out.append(t)
            nxt = page.get("next")
            path = nxt.split("/api/v0.2/", 1)[1] if nxt else None
        return out

    def wait_jobs(self, ids, timeout):
        """Wait until every job is Finished. Return: {id: job dict}."""
        deadline = time.monotonic() + timeout
        done = {}
        while True:
            for i in ids:
                if i not in done:
                    j = self.job(i)
                    if j["state"] == "Finished":
                        done[i] = j
            if len(done) == len(ids):
                return done
            if time.monotonic() > deadline:
                late = {i: self.job(i)["state"] for i in ids if i not in done}
                raise FarmError("jobs not finished after %d s: %s" % (timeout, late))
            time.sleep(2)

    # --- teardown -----------------------------------------------------
    def stop(self):
        for name, p in reversed(list(self.procs.items())):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for name, p in self.procs.items():
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                for pid in [p.pid] + descendants(p.pid):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                p.wait(timeout=10)
        for w in self.workers:
            for d in self.devices[w]:
                manage("devices", "update", "--health", "MAINTENANCE", d, check=False)
        if os.path.exists(EVENTS_SETTINGS):
            os.unlink(EVENTS_SETTINGS)
        if self.started_postgres:
            r = run(["pg_lsclusters", "-h"], check=False)
            for line in r.stdout.splitlines():
                ver, name = line.split()[:2]
                run(["pg_ctlcluster", ver, name, "stop"], check=False, timeout=120)
