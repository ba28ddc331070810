#!/usr/bin/python3
"""Writes the reference lists PyPI validates metadata against.

internal/refdata/spdx.txt: the SPDX license and exception ids exactly as
packaging embeds them (packaging/licenses/_spdx.py: ids, deprecated flags
and the SPDX license list VERSION). PyPI parses License-Expression with
packaging's canonicalize_license_expression, so the ids it knows are
packaging's copy, not the newest SPDX list.

internal/refdata/classifiers.txt: the classifiers and the deprecated
classifiers of trove-classifiers, which Warehouse imports to check every
Classifier.

Both come from the versions PyPI pins (PACKAGING_VERSION and
TROVE_VERSION below, docs/architecture.md "Reference data"). By default
the script downloads those releases' wheels from PyPI and checks their
sha256 against PyPI's JSON API; --packaging-src and --trove-src take local
source trees instead (a git checkout, an unpacked sdist or wheel), for
machines without internet. The source files are read with ast, never
imported, so nothing downloaded is executed.

With --license-corpus IN OUT it also runs packaging's own
canonicalize_license_expression (from --packaging-src) on every line of IN
and writes the answers to OUT, for pkg/dist's differential test.

Run it with Debian's /usr/bin/python3 (`make refdata`); it needs only the
standard library.
"""

import argparse
import ast
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "internal", "refdata")

# What Warehouse pins (requirements/main.txt); change these to follow it.
PACKAGING_VERSION = "26.2"
TROVE_VERSION = "2026.6.1.19"

SPDX_PATHS = ("src/packaging/licenses/_spdx.py", "packaging/licenses/_spdx.py")
TROVE_PATHS = ("src/trove_classifiers/__init__.py", "trove_classifiers/__init__.py")


def literal_assignments(path, names):
    """Returns the literal values assigned to names at module level."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names:
            try:
                found[target.id] = ast.literal_eval(value)
            except ValueError:
                sys.exit(f"{path}: {target.id} is not a literal; the script needs updating")
    missing = set(names) - set(found)
    if missing:
        sys.exit(f"{path}: no module-level {', '.join(sorted(missing))}")
    return found


def find_file(root, candidates):
    for rel in candidates:
        path = os.path.join(root, rel)
        if os.path.isfile(path):
            return path
    sys.exit(f"{root}: none of {', '.join(candidates)}")


def git_commit(root):
    """The commit of a git checkout whose top is root, or "" otherwise (a
    plain directory, or one inside some other repository)."""
    try:
        out = subprocess.run(["git", "-C", root, "rev-parse", "--show-toplevel", "HEAD"],
                             capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""
    top, commit = out.stdout.split()
    return commit if os.path.samefile(top, root) else ""


def download_wheel(project, version, dest):
    """Downloads project==version's wheel from PyPI, checks its sha256
    against the JSON API, unpacks it into dest and returns a description."""
    api = f"https://pypi.org/pypi/{project}/{version}/json"
    with urllib.request.urlopen(api, timeout=60) as resp:
        info = json.load(resp)
    wheels = [u for u in info["urls"] if u["packagetype"] == "bdist_wheel"]
    if not wheels:
        sys.exit(f"{project} {version}: PyPI lists no wheel")
    wheel = wheels[0]
    with urllib.request.urlopen(wheel["url"], timeout=120) as resp:
        data = resp.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != wheel["digests"]["sha256"]:
        sys.exit(f"{wheel['filename']}: sha256 {digest}, PyPI says {wheel['digests']['sha256']}")
    path = os.path.join(dest, wheel["filename"])
    with open(path, "wb") as f:
        f.write(data)
    unpacked = os.path.join(dest, project)
    with zipfile.ZipFile(path) as z:
        z.extractall(unpacked)
    return unpacked, f"{wheel['filename']} from PyPI, sha256 {digest}"


def source(args_src, args_version, args_commit, args_origin, project, pinned, tmp):
    """Returns (directory, version, provenance) for one source."""
    if args_src:
        commit = args_commit or git_commit(args_src)
        where = args_origin or f"local source tree of {project}"
        if commit:
            where += f", git commit {commit}"
        return args_src, args_version or pinned, where
    directory, where = download_wheel(project, pinned, tmp)
    return directory, pinned, where


def header(lines, what, version, where, pinned):
    out = ["# Generated by scripts/refdata.py (make refdata) from the source below; do not edit.", f"# data: {what}"]
    out += [f"# {k}: {v}" for k, v in lines]
    out += [f"# source-version: {version}", f"# source: {where}", f"# pypi-pins: {pinned}"]
    if version != pinned:
        out.append(f"# note: PyPI pins {pinned}; this list was made from {version}")
    return out


def write_spdx(directory, version, where):
    path = find_file(directory, SPDX_PATHS)
    data = literal_assignments(path, ("VERSION", "LICENSES", "EXCEPTIONS"))
    lines = header([("spdx-list-version", data["VERSION"])], "SPDX license and exception ids of packaging", version, where, PACKAGING_VERSION)
    for kind, table in (("license", data["LICENSES"]), ("exception", data["EXCEPTIONS"])):
        for key, entry in sorted(table.items()):
            ident = entry["id"]
            # The Go side looks ids up by their lowercase form; it must be
            # the key packaging uses.
            if key != ident.lower() or not ident.isascii() or any(c.isspace() for c in ident):
                sys.exit(f"{path}: key {key!r} is not the lowercase of id {ident!r}")
            lines.append(f"{kind}\t{ident}" + ("\tdeprecated" if entry["deprecated"] else ""))
    write(os.path.join(OUT_DIR, "spdx.txt"), lines)


def write_classifiers(directory, version, where):
    path = find_file(directory, TROVE_PATHS)
    data = literal_assignments(path, ("sorted_classifiers", "deprecated_classifiers"))
    lines = header([], "classifiers and deprecated classifiers of trove-classifiers", version, where, TROVE_VERSION)
    for c in data["sorted_classifiers"]:
        check_classifier(path, c)
        lines.append(f"classifier\t{c}")
    for c, replacements in sorted(data["deprecated_classifiers"].items()):
        for r in [c, *replacements]:
            check_classifier(path, r)
        # Replacements stay in trove-classifiers' order: Warehouse prints
        # the list as it is.
        lines.append("\t".join(["deprecated", c, *replacements]))
    write(os.path.join(OUT_DIR, "classifiers.txt"), lines)


def check_classifier(path, c):
    if "\t" in c or "\n" in c or "\r" in c:
        sys.exit(f"{path}: classifier {c!r} cannot be written one a line")


def write(path, lines):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {os.path.relpath(path, ROOT)}")


def license_corpus(directory, corpus_in, corpus_out):
    """Judges every line of corpus_in (a JSON string per line) with
    packaging's canonicalize_license_expression from directory."""
    src = os.path.dirname(os.path.dirname(find_file(directory, ("src/packaging/__init__.py", "packaging/__init__.py"))))
    sys.path.insert(0, src)
    from packaging import licenses  # noqa: PLC0415 - the source given, not an installed one

    out = []
    with open(corpus_in, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            expr = json.loads(line)
            try:
                out.append({"in": expr, "ok": licenses.canonicalize_license_expression(expr)})
            except licenses.InvalidLicenseExpression as exc:
                out.append({"in": expr, "error": str(exc)})
            except Exception as exc:  # noqa: BLE001 - PyPI answers 500 to these
                out.append({"in": expr, "crash": type(exc).__name__})
    with open(corpus_out, "w", encoding="utf-8", newline="\n") as f:
        for rec in out:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"wrote {len(out)} answers to {os.path.relpath(corpus_out, ROOT)}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--packaging-src", help="packaging source tree (default: download packaging's wheel)")
    p.add_argument("--packaging-version", help="version of --packaging-src (default: the pinned one)")
    p.add_argument("--packaging-commit", help="commit of --packaging-src (default: git rev-parse HEAD there)")
    p.add_argument("--packaging-origin", help="where --packaging-src came from, for the header")
    p.add_argument("--trove-src", help="trove-classifiers source tree (default: download its wheel)")
    p.add_argument("--trove-version", help="version of --trove-src (default: the pinned one)")
    p.add_argument("--trove-commit", help="commit of --trove-src (default: git rev-parse HEAD there)")
    p.add_argument("--trove-origin", help="where --trove-src came from, for the header")
    p.add_argument("--license-corpus", nargs=2, metavar=("IN", "OUT"), help="also judge IN with packaging, into OUT")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pkg = source(args.packaging_src, args.packaging_version, args.packaging_commit, args.packaging_origin, "packaging", PACKAGING_VERSION, tmp)
        trove = source(args.trove_src, args.trove_version, args.trove_commit, args.trove_origin, "trove-classifiers", TROVE_VERSION, tmp)
        write_spdx(*pkg)
        write_classifiers(*trove)
        if args.license_corpus:
            license_corpus(pkg[0], *args.license_corpus)


if __name__ == "__main__":
    main()
