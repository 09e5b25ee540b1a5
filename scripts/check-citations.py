#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check-citations.py - every document and section the tree cites must exist.

A clone of this repository has to be readable on its own, so a comment or a
document that says "see docs/platform.md §3.1" must lead somewhere real.
This script reads every code and documentation file of the tree (C, headers,
assembly, Python, shell, linker scripts, Makefiles and their fragments,
Markdown) and checks each citation in it.

Convention (what counts as a citation, and how it is resolved):

* A document citation is a file name ending in ``.md``: ``docs/x.md``,
  ``x.md`` or any relative path.  A name with a directory part is looked up
  from the repository root, then from the citing file's directory; a bare
  name in the citing file's directory, then in ``docs/``, then at the root.
  The document must exist and lie inside the repository; a path that leaves
  it (``../somewhere/x.md``) is an error, because a clone does not have it.
* A section citation is ``§N``, ``§N.M`` (any depth), or a range ``§N–M``,
  ``§N.M–N.K``, ``§N–§M`` (both ends are checked; "–" or "-", no spaces).
  ``Appendix X`` (one capital letter) right after a document name is a
  section citation too.
* The document a section belongs to is the nearest document named before it
  on the same line.  With no document earlier on the line, a section in a
  Markdown file is one of that file's own sections; in any other file it
  belongs to the last document named earlier in the same file, and it is an
  error when the file has named none.
* A document's sections are its Markdown headings (``#`` to ``######``,
  outside fenced code blocks) whose text starts with a section number,
  e.g. ``## 4. CRQ transport`` defines §4 and ``### 4.2 Consuming the
  ring`` defines §4.2; a heading ``## Appendix B: ...`` defines Appendix B.
  A citation such as "§9.3 rule 1" or "§12 item 15" needs only §9.3 or §12.

Usage:
  check-citations.py [ROOT]      check the tree at ROOT (default: this repo)
  check-citations.py -v [ROOT]   also list every citation that resolved
  check-citations.py --self-test run the checker on small generated trees

Exit status: 0 when every citation resolves, 1 otherwise (each failure is
printed as "file:line: message"), 2 on a usage error.  Only the standard
library is used.
"""
import os
import re
import sys
import tempfile

SCAN_SUFFIXES = (".c", ".h", ".S", ".py", ".mk", ".sh", ".ld", ".md")
SCAN_NAMES = ("Makefile", "GNUmakefile")
SKIP_DIRS = {".git", "__pycache__", "node_modules"}

DOC_RE = re.compile(r"(?<![\w./-])((?:\.{1,2}/|[\w][\w.-]*/)*[\w][\w.-]*\.md)(?![\w])")
NUM = r"\d+(?:\.\d+)*"
SECT_RE = re.compile(r"§\s?(" + NUM + r")(?:[–-]§?(" + NUM + r"))?")
APPX_RE = re.compile(r"\bAppendix ([A-Z])\b")
HEAD_RE = re.compile(r"^#{1,6}\s+(?:(Appendix [A-Z])\b|(" + NUM + r")\.?(?=\s|$))")
FENCE_RE = re.compile(r"^\s*(```|~~~)")


def scanned(root):
    """Yield the files to read, as paths relative to root, sorted."""
    self_path = os.path.realpath(__file__)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS and not d.startswith("build"))
        for name in sorted(filenames):
            if not (name.endswith(SCAN_SUFFIXES) or name in SCAN_NAMES):
                continue
            path = os.path.join(dirpath, name)
            if os.path.realpath(path) == self_path:
                continue    # its docstring shows the syntax with examples
            yield os.path.relpath(path, root)


def read_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


def sections_of(path, cache):
    """The set of section numbers (and "Appendix X") a Markdown file defines."""
    if path not in cache:
        found, fenced = set(), False
        for line in read_lines(path):
            if FENCE_RE.match(line):
                fenced = not fenced
                continue
            m = None if fenced else HEAD_RE.match(line)
            if m:
                found.add(m.group(1) or m.group(2))
        cache[path] = found
    return cache[path]


def nearby(have, value):
    """A short hint for a missing section: its siblings, else the top level."""
    def key(s):
        return [int(x) if x.isdigit() else -1 for x in re.split(r"[. ]", s)]
    parent = value.rsplit(".", 1)[0] if "." in value else None
    if parent and parent in have:
        near = sorted((s for s in have if s.startswith(parent + ".")), key=key)
        what = "sections under §%s" % parent
    else:
        near = sorted((s for s in have if "." not in s and " " not in s), key=key)
        what = "top-level sections"
    if not near:
        return "it has no numbered sections"
    more = ", ..." if len(near) > 12 else ""
    return "%s: %s%s" % (what, ", ".join(near[:12]), more)


def resolve(root, citing, name):
    """Return (absolute path or None, error message or None) for a cited name."""
    real_root = os.path.realpath(root)
    here = os.path.dirname(os.path.join(root, citing))
    if "/" in name:
        candidates = [os.path.join(root, name), os.path.join(here, name)]
    else:
        candidates = [os.path.join(here, name), os.path.join(root, "docs", name),
                      os.path.join(root, name)]
    outside = False
    for cand in candidates:
        real = os.path.realpath(cand)
        if os.path.commonpath([real, real_root]) != real_root:
            outside = True
            continue
        if os.path.isfile(real):
            return real, None
    if outside and all(os.path.commonpath([os.path.realpath(c), real_root]) != real_root
                       for c in candidates):
        return None, "cites %s, which is outside the repository" % name
    return None, "cites %s, which does not exist in the repository" % name


def expand(start, end):
    """Both ends of a range; "§12.19–23" ends at 12.23, "§2–§3" at 3."""
    if end is None:
        return [start]
    a, b = start.split("."), end.split(".")
    if len(b) < len(a):
        b = a[:len(a) - len(b)] + b
    return [start, ".".join(b)]


def check_tree(root, verbose=False, out=sys.stdout):
    """Check every citation under root; return the number of failures."""
    cache, failures, count = {}, 0, 0

    def fail(where, msg):
        nonlocal failures
        failures += 1
        print("%s: %s" % (where, msg), file=out)

    for rel in scanned(root):
        is_md = rel.endswith(".md")
        own = os.path.realpath(os.path.join(root, rel))
        file_doc = None     # last document named so far (non-Markdown files)
        for lineno, line in enumerate(read_lines(os.path.join(root, rel)), 1):
            where = "%s:%d" % (rel, lineno)
            # (position, kind, value): documents and sections in line order
            marks = []
            for m in DOC_RE.finditer(line):
                marks.append((m.start(), "doc", m.group(1)))
            for m in SECT_RE.finditer(line):
                for n in expand(m.group(1), m.group(2)):
                    marks.append((m.start(), "sect", n))
            for m in APPX_RE.finditer(line):
                marks.append((m.start(), "appx", "Appendix " + m.group(1)))
            marks.sort(key=lambda t: t[0])
            line_doc = None     # (path or None) of the nearest doc on this line
            for _, kind, value in marks:
                if kind == "doc":
                    count += 1
                    path, err = resolve(root, rel, value)
                    if err:
                        fail(where, err)
                    elif verbose:
                        print("%s: %s ok" % (where, value), file=out)
                    line_doc = (value, path)
                    if not is_md:
                        file_doc = line_doc
                    continue
                if kind == "appx" and line_doc is None:
                    continue    # prose "Appendix B" with no document: not a citation
                doc = line_doc or (("this file", own) if is_md else file_doc)
                if doc is None:
                    fail(where, "§%s names no document: write e.g. 'docs/<name>.md §%s', "
                         "or name the document earlier in the file" % (value, value))
                    continue
                path = doc[1]
                if path is None:
                    continue    # the missing document was reported already
                count += 1
                label = value if kind == "appx" else "§" + value
                if value not in sections_of(path, cache):
                    fail(where, "%s has no section %s (%s)"
                         % (os.path.relpath(path, root), label,
                            nearby(sections_of(path, cache), value)))
                elif verbose:
                    print("%s: %s %s ok" % (where, os.path.relpath(path, root), label),
                          file=out)
    if failures:
        print("check-citations: %d broken citation(s) of %d" % (failures, count), file=out)
    else:
        print("check-citations: %d citations, all resolve" % count, file=out)
    return failures


def self_test():
    """Run the checker on generated trees that must pass or fail."""
    import io

    doc = ("# Doc\n\n## 1. One\n\n### 1.2 One two\n\n```\n## 7. inside a fence\n```\n\n"
           "## 3. Three\n\nOwn section: §1.2. Range §1–§3.\n\n## Appendix B: vectors\n")
    good = {
        "docs/a.md": doc,
        "docs/b.md": "# B\n\n## 1. Only\n\nSee a.md §3, then our own §1; a.md Appendix B.\n",
        "src/x.c": "/* Rules: docs/a.md §1.2 and §3.\n * later bare §1 belongs to a.md */\n",
        "Makefile": "# see docs/b.md §1\n",
        "tools/t.py": "# no citation at all\n",
    }
    cases = [
        ("good tree", {}, 0, []),
        ("missing document", {"src/y.c": "/* docs/missing.md §1 */\n"}, 1,
         ["src/y.c:1:", "missing.md", "does not exist"]),
        ("missing section", {"src/y.c": "/* docs/a.md §4.2 */\n"}, 1,
         ["src/y.c:1:", "no section §4.2"]),
        ("fenced heading is no section", {"docs/c.md": "# C\n\nsee a.md §7\n"}, 1,
         ["docs/c.md:3:", "no section §7"]),
        ("range end missing", {"src/y.h": "/* a.md §1.2-1.5 */\n"}, 1,
         ["src/y.h:1:", "no section §1.5"]),
        ("bare section in code", {"src/y.S": "/* see §1 */\n"}, 1,
         ["src/y.S:1:", "names no document"]),
        ("own section missing", {"docs/c.md": "# C\n\n## 1. One\n\nsee §2\n"}, 1,
         ["docs/c.md:5:", "no section §2"]),
        ("outside the repository", {"docs/c.md": "see ../../elsewhere/x.md\n"}, 1,
         ["docs/c.md:1:", "outside the repository"]),
        ("missing appendix", {"src/y.c": "/* a.md Appendix C */\n"}, 1,
         ["src/y.c:1:", "no section Appendix C"]),
    ]
    bad = 0
    for name, extra, want, needles in cases:
        with tempfile.TemporaryDirectory() as tmp:
            root = os.path.join(tmp, "repo")
            for rel, text in {**good, **extra}.items():
                path = os.path.join(root, rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
            buf = io.StringIO()
            got = check_tree(root, out=buf)
            text = buf.getvalue()
            ok = got == want and all(n in text for n in needles)
            print("%s - self-test: %s (%d failure(s), expected %d)"
                  % ("ok" if ok else "not ok", name, got, want))
            if not ok:
                bad += 1
                sys.stdout.write("".join("    " + l + "\n" for l in text.splitlines()))
    print("self-test: %d of %d cases behaved" % (len(cases) - bad, len(cases)))
    return 1 if bad else 0


def main(argv):
    args = argv[1:]
    if args == ["--self-test"]:
        return self_test()
    verbose = False
    if args and args[0] == "-v":
        verbose, args = True, args[1:]
    if len(args) > 1 or (args and args[0].startswith("-")):
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        print("usage: check-citations.py [-v] [ROOT] | --self-test", file=sys.stderr)
        return 2
    root = args[0] if args else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not os.path.isdir(root):
        print("check-citations: %s is not a directory" % root, file=sys.stderr)
        return 2
    return 1 if check_tree(root, verbose) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
