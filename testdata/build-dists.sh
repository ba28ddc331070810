#!/usr/bin/env bash
# Rebuild testdata/dists/good and testdata/dists/bad:
#   1. build a wheel and an sdist of every sample project in projects/ with its
#      own backend (offline, --no-isolation, Debian's python);
#   2. put each into good/, or into bad/ if PyPI would refuse its filename
#      (old backends still write `pyupload-sample-x-1.0.tar.gz`, not PEP 625);
#   3. run make_handmade.py for the hand-made good and malformed dists.
#
# Needs Debian packages: python3-build python3-setuptools python3-wheel
# python3-hatchling flit python3-poetry-core python3-pdm-pep517 (twine to check).
# Debian bookworm has no pdm-backend; pdm-pep517 (its predecessor) stands in.
set -euo pipefail

PY=/usr/bin/python3
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECTS="$HERE/projects"
GOOD="$HERE/dists/good"
BAD="$HERE/dists/bad"

# Honoured for archive timestamps by bdist_wheel, hatchling, flit_core and
# pdm-pep517; setuptools' sdist and poetry-core's sdist use file mtimes, which
# are pinned below (generated files such as egg-info still get "now").
export SOURCE_DATE_EPOCH=1700000000
export PYTHONHASHSEED=0
export PIP_NO_INDEX=1

# project dir -> module that must import for its backend
declare -A BACKEND=(
    [setuptools]=setuptools.build_meta
    [hatchling]=hatchling.build
    [flit]=flit_core.buildapi
    [poetry]=poetry.core.masonry.api
    [pdm]=pdm.pep517.api
)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/out"

for proj in setuptools hatchling flit poetry pdm; do
    src="$PROJECTS/$proj"
    "$PY" -c "import ${BACKEND[$proj]}" 2>/dev/null || {
        echo "backend ${BACKEND[$proj]} for $proj is not installed" >&2
        exit 1
    }
    # Build from a scratch copy so build/ and *.egg-info never land in testdata.
    cp -a "$src" "$WORK/$proj"
    find "$WORK/$proj" -exec touch -h -d @"$SOURCE_DATE_EPOCH" {} +
    echo "== building $proj"
    # -x: Debian's hatchling lacks the optional 'editables' dependency that
    # `build` would otherwise insist on; the backend import check above stands in.
    (cd "$WORK/$proj" && "$PY" -m build --no-isolation -x --outdir "$WORK/out" . \
        >"$WORK/$proj.log" 2>&1) || {
        cat "$WORK/$proj.log" >&2
        echo "build of $proj failed" >&2
        exit 1
    }
done

rm -rf "$GOOD" "$BAD"
mkdir -p "$GOOD" "$BAD"

# Sort backend output by PyPI's filename rules (docs/index-server.md §1.4).
"$PY" - "$WORK/out" "$GOOD" "$BAD" <<'PYEOF'
import email.parser, os, re, shutil, sys, tarfile, zipfile
from packaging.version import Version

out, good, bad = sys.argv[1:]

def dist_name(name):
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")

def headers(text):
    return email.parser.Parser().parsestr(text, headersonly=True)

for fn in sorted(os.listdir(out)):
    path = os.path.join(out, fn)
    if fn.endswith(".whl"):
        with zipfile.ZipFile(path) as zf:
            meta_path = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
            meta = headers(zf.read(meta_path).decode())
        ok = fn.split("-")[0] == dist_name(meta["Name"])
    else:
        with tarfile.open(path) as tf:
            top = tf.getnames()[0].split("/")[0]
            meta = headers(tf.extractfile(f"{top}/PKG-INFO").read().decode())
        expected = f"{dist_name(meta['Name'])}-{Version(meta['Version'])}.tar.gz"
        ok = fn == expected
    dest = good if ok else bad
    print(f"{'good' if ok else 'BAD '}  {fn}")
    shutil.move(path, os.path.join(dest, fn))
PYEOF

"$PY" "$HERE/make_handmade.py" --good "$GOOD" --bad "$BAD"

echo "== done: $(ls "$GOOD" | wc -l) files in good/, $(ls "$BAD" | wc -l) in bad/"
