#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn a vmcfw smoke console log (TAP + `EXIT: STATUS=n`) into JUnit XML.

  tools/tap2junit.py [--name SUITE] [-o OUT.xml] [LOG ...]      (no LOG: stdin)

Every `ok` / `not ok` line becomes a <testcase>; `# SKIP` becomes <skipped>,
`not ok` becomes <failure>. A log that does not say how it ended is never a
pass: a missing plan, fewer results than the plan announced, a missing
`EXIT: STATUS=` line or the register dump of an unexpected exception each add
an <error> test case, so a truncated or crashed run shows up red in Jenkins
and GitLab (docs/lab.md §5).

Exit status: 0 if every check passed or was skipped and the image exited 0,
1 otherwise, 2 if a log cannot be read.
"""
import argparse
import re
import sys
import xml.etree.ElementTree as ET

# Console lines may carry a CR (serial line discipline) or a prefix added by a
# lab's logger, so each pattern is searched, not anchored at column 0.
PLAN = re.compile(r"(?:^|\s)1\.\.(\d+)\s*$")
RESULT = re.compile(r"(?:^|\s)(not ok|ok) (\d+) - ([^:#\s]+)(?::\s?(.*?))?(?:\s+# SKIP\s?(.*))?\s*$")
EXIT = re.compile(r"EXIT: STATUS=(-?\d+)")
CRASH = re.compile(r"\*\*\* unexpected exception")


def parse(lines):
    """Parse console lines.

    Return: dict with plan (int or None), results (list of dicts with num,
    name, status pass|fail|skip, detail), exit (int or None) and crash (the
    dump's lines, or None).
    """
    out = {"plan": None, "results": [], "exit": None, "crash": None}
    for raw in lines:
        line = raw.rstrip("\r\n").replace("\r", "")
        if out["crash"] is not None and out["exit"] is None:
            # The register dump runs until the image ends; keep it whole.
            out["crash"].append(line)
        if CRASH.search(line) and out["crash"] is None:
            out["crash"] = [line]
            continue
        m = EXIT.search(line)
        if m:
            out["exit"] = int(m.group(1))
            continue
        m = PLAN.search(line)
        if m and out["plan"] is None:
            out["plan"] = int(m.group(1))
            continue
        m = RESULT.search(line)
        if m:
            verdict, num, name, detail, skip = m.groups()
            if verdict == "not ok":
                status = "fail"
            elif skip is not None:
                status = "skip"
            else:
                status = "pass"
            out["results"].append({"num": int(num), "name": name, "status": status,
                                   "detail": (skip if status == "skip" else detail) or ""})
    return out


def to_junit(parsed, suite="vmcfw.smoke"):
    """Build the JUnit tree Jenkins reads (testsuites/testsuite/testcase with
    failure, skipped or error children).

    Return: the root xml.etree.ElementTree.Element (<testsuites>).
    """
    cases = []
    for r in parsed["results"]:
        tc = ET.Element("testcase", classname=suite, name="%d-%s" % (r["num"], r["name"]))
        if r["status"] == "fail":
            ET.SubElement(tc, "failure", message=r["detail"] or "check failed",
                          type="not ok").text = r["detail"]
        elif r["status"] == "skip":
            ET.SubElement(tc, "skipped", message=r["detail"])
        cases.append(tc)

    def error_case(name, message, text=""):
        tc = ET.Element("testcase", classname=suite, name=name)
        ET.SubElement(tc, "error", message=message, type="log").text = text or message
        cases.append(tc)

    plan = parsed["plan"]
    seen = {r["num"] for r in parsed["results"]}
    if plan is None:
        error_case("plan", "no TAP plan line (1..N): the smoke did not start or the log is truncated")
    else:
        missing = [n for n in range(1, plan + 1) if n not in seen]
        if missing:
            error_case("plan", "%d of %d planned checks not reported (log truncated?): %s"
                       % (len(missing), plan, " ".join(map(str, missing))))
    if parsed["crash"] is not None:
        error_case("exception", parsed["crash"][0].strip(" *"), "\n".join(parsed["crash"]))
    if parsed["exit"] is None:
        error_case("exit-status", "no 'EXIT: STATUS=' line: the image did not finish (log truncated or hung)")
    elif parsed["exit"] != 0 and not any(r["status"] == "fail" for r in parsed["results"]):
        # A non-zero exit with no failing check is still a failure of the run.
        tc = ET.Element("testcase", classname=suite, name="exit-status")
        ET.SubElement(tc, "failure", message="EXIT: STATUS=%d" % parsed["exit"], type="exit")
        cases.append(tc)

    count = {k: sum(1 for c in cases if c.find(k) is not None) for k in ("failure", "error", "skipped")}
    root = ET.Element("testsuites", tests=str(len(cases)), failures=str(count["failure"]),
                      errors=str(count["error"]), skipped=str(count["skipped"]))
    ts = ET.SubElement(root, "testsuite", name=suite, tests=str(len(cases)),
                       failures=str(count["failure"]), errors=str(count["error"]),
                       skipped=str(count["skipped"]), time="0")
    ts.extend(cases)
    return root


def verdict(root):
    """Return: 0 if the report has no failure and no error, else 1."""
    ts = root.find("testsuite")
    return 0 if ts.get("failures") == "0" and ts.get("errors") == "0" else 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("logs", nargs="*", help="console logs (default: stdin)")
    ap.add_argument("--name", default="vmcfw.smoke", help="testsuite name (default vmcfw.smoke)")
    ap.add_argument("-o", "--output", default="-", help="JUnit XML file (default: stdout)")
    a = ap.parse_args(argv)
    lines = []
    try:
        if not a.logs:
            lines = sys.stdin.read().splitlines()
        for path in a.logs:
            with open(path, encoding="utf-8", errors="replace") as f:
                lines += f.read().splitlines()
    except OSError as e:
        print("tap2junit: cannot read %s: %s" % (e.filename, e.strerror), file=sys.stderr)
        return 2
    root = to_junit(parse(lines), a.name)
    ET.indent(root)
    data = ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
    if a.output == "-":
        sys.stdout.write(data)
    else:
        with open(a.output, "w", encoding="utf-8") as f:
            f.write(data)
    ts = root.find("testsuite")
    print("tap2junit: %s tests, %s failures, %s errors, %s skipped" % (
        ts.get("tests"), ts.get("failures"), ts.get("errors"), ts.get("skipped")), file=sys.stderr)
    return verdict(root)


if __name__ == "__main__":
    sys.exit(main())
