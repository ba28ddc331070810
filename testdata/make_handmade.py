#!/usr/bin/python3
"""Write pyupload's hand-made test distributions.

  dists/good/  valid wheels and sdists that the backends in projects/ cannot
               produce (Metadata-Version 1.0 .. 2.5, build tags, epochs, ...)
  dists/bad/   a malformed corpus: one file per case, each with one thing wrong

Both directories also get a README.md describing every file.

Only the standard library is used, and the output is byte-for-byte
reproducible: fixed timestamps, a fixed member order, fixed gzip headers.
Run with Debian's /usr/bin/python3 (any python3 >= 3.8 works).
"""

import argparse
import base64
import bz2
import csv
import gzip
import hashlib
import io
import os
import posixpath
import re
import tarfile
import warnings
import zipfile
from typing import NamedTuple, Optional

EPOCH = 1700000000                   # 2023-11-14 22:13:20 UTC (SOURCE_DATE_EPOCH)
ZIP_DATE = (2023, 11, 14, 22, 13, 20)
GENERATOR = "pyupload-testdata (make_handmade.py)"
BOMB_SIZE = 80 * 1024 * 1024         # decompressed size of the bomb member

LICENSE_TEXT = (
    "Sample licence for pyupload's hand-made test data.\n"
    "Use these bytes for anything. No warranty.\n"
)


# --------------------------------------------------------------------------
# names and metadata text


def canonical_name(name: str) -> str:
    """PEP 503 normalisation: lowercase, runs of -_. become one '-'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def dist_name(name: str) -> str:
    """The name as it must appear in wheel / sdist filenames."""
    return canonical_name(name).replace("-", "_")


def folded(text: str) -> str:
    """Old-style multi-line header value: continuation lines start with 8 spaces."""
    return "\n        ".join(text.split("\n"))


def metadata(fields, body: Optional[str] = None) -> bytes:
    """METADATA / PKG-INFO text from (header, value) pairs and an optional body."""
    text = "".join(f"{key}: {value}\n" for key, value in fields)
    if body is not None:
        text += "\n" + body
    return text.encode("utf-8")


def simple_metadata(name, version, mv="2.1", summary=None, extra=(), body=None):
    """A minimal, valid METADATA with a markdown body, plus `extra` headers."""
    fields = [
        ("Metadata-Version", mv),
        ("Name", name),
        ("Version", version),
        ("Summary", summary or f"pyupload test distribution {name}"),
    ]
    fields += list(extra)
    if body is None:
        body = f"# {name}\n\nA pyupload test distribution.\n"
        fields.append(("Description-Content-Type", "text/markdown"))
    return metadata(fields, body)


# --------------------------------------------------------------------------
# archives


class Member(NamedTuple):
    name: str
    data: bytes = b""
    kind: str = "file"        # "file" | "dir" | "symlink"
    target: str = ""          # symlink target
    compress: Optional[int] = None  # zip compression method override
    comment: bytes = b""      # zip member comment (central directory)


def record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class StreamOnly:
    """A write-only stream: zipfile cannot seek back to fill in sizes, so it
    writes a data descriptor after every member."""

    def __init__(self):
        self.buf = io.BytesIO()

    def write(self, data):
        return self.buf.write(data)

    def flush(self):
        pass


def zip_bytes(members, comment=b"", compresslevel=6, streamed=False) -> bytes:
    """A zip of `members` in the given order, with fixed timestamps."""
    out = StreamOnly() if streamed else io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns on duplicate names
        with zipfile.ZipFile(out, "w") as zf:
            for m in members:
                info = zipfile.ZipInfo(m.name, date_time=ZIP_DATE)
                info.create_system = 3  # unix
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED if m.compress is None else m.compress
                info.comment = m.comment
                zf.writestr(info, m.data, compresslevel=compresslevel)
            zf.comment = comment
    return (out.buf if streamed else out).getvalue()


def with_parent_dirs(members):
    """Add tar directory entries for every ordinary member path."""
    have = {m.name.rstrip("/") for m in members}
    dirs = set()
    for m in members:
        if ".." in m.name.split("/"):
            continue
        parent = posixpath.dirname(m.name.rstrip("/"))
        while parent:
            dirs.add(parent)
            parent = posixpath.dirname(parent)
    return list(members) + [Member(d, kind="dir") for d in sorted(dirs - have)]


def tar_bytes(members) -> bytes:
    """An uncompressed tar, members sorted by name, fixed owner and mtime."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for m in sorted(with_parent_dirs(members), key=lambda m: m.name):
            info = tarfile.TarInfo(m.name)
            info.mtime = EPOCH
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if m.kind == "dir":
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tf.addfile(info)
            elif m.kind == "symlink":
                info.type, info.mode, info.linkname = tarfile.SYMTYPE, 0o777, m.target
                tf.addfile(info)
            else:
                info.mode, info.size = 0o644, len(m.data)
                tf.addfile(info, io.BytesIO(m.data))
    return buf.getvalue()


def gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=EPOCH, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def tar_gz_bytes(members) -> bytes:
    return gzip_bytes(tar_bytes(members))


# --------------------------------------------------------------------------
# wheels and sdists


def expand_tags(tags: str):
    """'py2.py3-none-any' -> ['py2-none-any', 'py3-none-any']."""
    interp, abi, plat = tags.split("-")
    return [f"{i}-{a}-{p}" for i in interp.split(".") for a in abi.split(".") for p in plat.split(".")]


def wheel_file(tags, build=None, purelib=True) -> bytes:
    lines = ["Wheel-Version: 1.0", f"Generator: {GENERATOR}",
             f"Root-Is-Purelib: {'true' if purelib else 'false'}"]
    lines += [f"Tag: {t}" for t in expand_tags(tags)]
    if build:
        lines.append(f"Build: {build}")
    return ("\n".join(lines) + "\n\n").encode("ascii")


def record_file(members, record_path) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    seen = set()
    for m in members:
        if m.name in seen:
            continue
        seen.add(m.name)
        writer.writerow([m.name, record_hash(m.data), len(m.data)])
    writer.writerow([record_path, "", ""])
    return out.getvalue().encode("utf-8")


def wheel_members(name, version, meta, *, tags="py3-none-any", build=None, purelib=True,
                  distinfo=None, files=None, distinfo_files=None, omit=(), record=True):
    """Members of a wheel, in the usual order: package files, .dist-info, RECORD last.

    distinfo:       the .dist-info directory name (default from name/version)
    files:          {path: bytes} outside .dist-info (default: a 1-line module)
    distinfo_files: extra {relative path: bytes} inside .dist-info
    omit:           .dist-info files to leave out ("METADATA", "WHEEL", "RECORD")
    """
    pkg = dist_name(name)
    di = distinfo or f"{pkg}-{version}.dist-info"
    if files is None:
        files = {f"{pkg}/__init__.py": f'NAME = "{name}"\n'.encode()}
    members = [Member(p, d) for p, d in sorted(files.items())]
    info = {"METADATA": meta, "WHEEL": wheel_file(tags, build, purelib)}
    info.update(distinfo_files or {})
    members += [Member(f"{di}/{p}", d) for p, d in sorted(info.items()) if p not in omit]
    if record and "RECORD" not in omit:
        members.append(Member(f"{di}/RECORD", record_file(members, f"{di}/RECORD")))
    return members


def wheel_filename(name, version, tags="py3-none-any", build=None):
    parts = [dist_name(name), version] + ([build] if build else []) + [tags]
    return "-".join(parts) + ".whl"


def wheel(name, version, meta, **kw) -> bytes:
    return zip_bytes(wheel_members(name, version, meta, **kw))


SDIST_PYPROJECT = (b'[build-system]\nrequires = ["setuptools>=61"]\n'
                   b'build-backend = "setuptools.build_meta"\n')


def sdist_members(name, version, pkg_info, *, top=None, files=None, omit_pkg_info=False):
    top = top or f"{dist_name(name)}-{version}"
    pkg = dist_name(name)
    if files is None:
        files = {f"{pkg}/__init__.py": f'NAME = "{name}"\n'.encode()}
    files = dict({"pyproject.toml": SDIST_PYPROJECT}, **files)
    if not omit_pkg_info:
        files = dict(files, **{"PKG-INFO": pkg_info})
    return [Member(f"{top}/{p}", d) for p, d in sorted(files.items())]


def sdist_filename(name, version):
    return f"{dist_name(name)}-{version}.tar.gz"


def sdist(name, version, pkg_info, **kw) -> bytes:
    return tar_gz_bytes(sdist_members(name, version, pkg_info, **kw))


# --------------------------------------------------------------------------
# GOOD: valid dists the Debian backends cannot make

URLS = [
    ("Project-URL", "Homepage, https://example.com/pyupload"),
    ("Project-URL", "Source, https://example.com/pyupload/src"),
    ("Project-URL", "Issue Tracker, https://example.com/pyupload/issues"),
]
LIC = {"licenses/LICENSE": LICENSE_TEXT.encode()}


def good_dists():
    """Yield (filename, bytes, description)."""

    # Metadata-Version 1.0: a PKG-INFO-only sdist, description in a folded header.
    meta10 = metadata([
        ("Metadata-Version", "1.0"),
        ("Name", "pyupload-mv10"),
        ("Version", "1.0"),
        ("Summary", "Metadata-Version 1.0 sdist"),
        ("Home-page", "https://example.com/mv10"),
        ("Author", "Pyupload Tests"),
        ("Author-email", "tests@example.com"),
        ("License", "MIT"),
        ("Description", folded("pyupload-mv10\n=============\n\nOld style: the description "
                               "is a header with\ncontinuation lines of 8 spaces, and no body.")),
        ("Keywords", "pyupload old metadata"),
        ("Platform", "UNKNOWN"),
    ])
    yield (sdist_filename("pyupload-mv10", "1.0"), sdist("pyupload-mv10", "1.0", meta10),
           "MV 1.0 sdist; Description as a folded header (a blank line is 8 spaces), no body; "
           "`Platform: UNKNOWN` (PyPI drops UNKNOWN values); space-separated Keywords")

    meta11 = metadata([
        ("Metadata-Version", "1.1"),
        ("Name", "pyupload-mv11"),
        ("Version", "1.1"),
        ("Summary", "Metadata-Version 1.1 wheel"),
        ("Home-page", "https://example.com/mv11"),
        ("Download-URL", "https://example.com/mv11/download"),
        ("Author", "Pyupload Tests"),
        ("Author-email", "tests@example.com"),
        ("License", "MIT"),
        ("Description", folded("Metadata-Version 1.1 wheel.\nDescription is a folded header.")),
        ("Classifier", "Programming Language :: Python :: 3"),
        ("Classifier", "Intended Audience :: Developers"),
        ("Requires", "os"),
        ("Provides", "pyupload_mv11"),
    ])
    yield (wheel_filename("pyupload-mv11", "1.1"), wheel("pyupload-mv11", "1.1", meta11),
           "MV 1.1 wheel; folded Description header, Download-URL, 2 Classifiers, Requires/Provides")

    meta12 = metadata([
        ("Metadata-Version", "1.2"),
        ("Name", "pyupload-mv12"),
        ("Version", "1.2"),
        ("Summary", "Metadata-Version 1.2 wheel"),
        ("Author", "Pyupload Tests"),
        ("Author-email", "tests@example.com"),
        ("Maintainer", "Pyupload Maintainers"),
        ("Maintainer-email", "maintainers@example.org"),
        ("License", "MIT"),
        ("Description", folded("Metadata-Version 1.2 wheel.\nStill a folded Description header.")),
        ("Classifier", "Programming Language :: Python :: 3"),
        ("Requires-Dist", "packaging>=20"),
        ("Requires-Dist", 'colorama; sys_platform == "win32"'),
        ("Requires-Python", ">=3.7"),
        ("Requires-External", "libfoo (>=1.0)"),
    ] + URLS)
    yield (wheel_filename("pyupload-mv12", "1.2"), wheel("pyupload-mv12", "1.2", meta12),
           "MV 1.2 wheel; Maintainer, 2 Requires-Dist (one with a marker), Requires-Python, "
           "Requires-External, 3 Project-URLs")

    meta22 = simple_metadata("pyupload-mv22", "2.2", mv="2.2", extra=[
        ("Requires-Python", ">=3.8"),
        ("Requires-Dist", "packaging>=21"),
        ("Dynamic", "Requires-Dist"),
        ("Dynamic", "Classifier"),
    ])
    yield (wheel_filename("pyupload-mv22", "2.2"), wheel("pyupload-mv22", "2.2", meta22),
           "MV 2.2 wheel with two `Dynamic:` fields")
    yield (sdist_filename("pyupload-mv22", "2.2"), sdist("pyupload-mv22", "2.2", meta22),
           "MV 2.2 sdist matching the wheel above (same PKG-INFO, with `Dynamic:`)")

    meta23 = simple_metadata("pyupload-mv23", "2.3", mv="2.3", extra=[
        ("Author-email", "Pyupload Tests <tests@example.com>"),
        ("License", "MIT"),
        ("Classifier", "Programming Language :: Python :: 3"),
        ("Classifier", "Operating System :: OS Independent"),
        ("Requires-Dist", "attrs>=22"),
        ("Requires-Dist", 'rich>=12; extra == "pretty"'),
        ("Provides-Extra", "pretty"),
    ])
    yield (wheel_filename("pyupload-mv23", "2.3"), wheel("pyupload-mv23", "2.3", meta23),
           "MV 2.3 wheel; extra with Requires-Dist, `Name <email>` Author-email")

    meta24 = simple_metadata("pyupload-mv24", "2.4", mv="2.4", extra=[
        ("License-Expression", "MIT"),
        ("License-File", "LICENSE"),
        ("Keywords", "pyupload,license,pep639"),
    ] + URLS)
    yield (wheel_filename("pyupload-mv24", "2.4"),
           wheel("pyupload-mv24", "2.4", meta24, distinfo_files=LIC),
           "MV 2.4 wheel; License-Expression MIT, License-File LICENSE at "
           "`pyupload_mv24-2.4.dist-info/licenses/LICENSE`")
    files24 = {"LICENSE": LICENSE_TEXT.encode(),
               "pyupload_mv24/__init__.py": b'NAME = "pyupload-mv24"\n'}
    yield (sdist_filename("pyupload-mv24", "2.4"),
           sdist("pyupload-mv24", "2.4", meta24, files=files24),
           "MV 2.4 sdist matching the wheel; licence at `pyupload_mv24-2.4/LICENSE`")

    meta25 = simple_metadata("pyupload-mv25", "2.5", mv="2.5", extra=[
        ("License-Expression", "Apache-2.0 OR MIT"),
        ("License-File", "LICENSE"),
        ("Import-Name", "pyupload_mv25"),
        ("Import-Namespace", "pyupload_ns"),
        ("Import-Name", "pyupload_ns.extra; private"),
    ])
    yield (wheel_filename("pyupload-mv25", "2.5"),
           wheel("pyupload-mv25", "2.5", meta25, distinfo_files=LIC),
           "MV 2.5 wheel; Import-Name (one `; private`), Import-Namespace, "
           "License-Expression `Apache-2.0 OR MIT`")

    meta = simple_metadata("pyupload-py2py3", "1.0", extra=[("Classifier", "Programming Language :: Python :: 2")])
    yield (wheel_filename("pyupload-py2py3", "1.0", "py2.py3-none-any"),
           wheel("pyupload-py2py3", "1.0", meta, tags="py2.py3-none-any"),
           "compressed tag set `py2.py3-none-any` (WHEEL lists both tags)")

    plat = "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64"
    meta = simple_metadata("pyupload-platform", "1.0", extra=[("Requires-Python", ">=3.12")])
    yield (wheel_filename("pyupload-platform", "1.0", plat),
           wheel("pyupload-platform", "1.0", meta, tags=plat, purelib=False),
           "platform wheel, two allowed platform tags; Root-Is-Purelib false (contents are pure files)")

    meta = simple_metadata("pyupload-buildtag", "1.0")
    yield (wheel_filename("pyupload-buildtag", "1.0", build="1"),
           wheel("pyupload-buildtag", "1.0", meta, build="1"),
           "build tag `1` (WHEEL has `Build: 1`)")

    meta = simple_metadata("pyupload-epoch", "1!2.0")
    yield (wheel_filename("pyupload-epoch", "1!2.0"), wheel("pyupload-epoch", "1!2.0", meta),
           "epoch version `1!2.0`, also in the .dist-info name")

    body = ("# pyupload-unicode\n\nA naïve description — with a snowman ☃, "
            "some Ελληνικά and 日本語.\n")
    meta = metadata([
        ("Metadata-Version", "2.1"),
        ("Name", "pyupload-unicode"),
        ("Version", "1.0"),
        ("Summary", "Non-ASCII UTF-8: café ☃"),
        ("Author", "Zoë Ünïcode"),
        ("Author-email", "zoe@example.com"),
        ("Keywords", "unicode,utf-8,pyupload"),
        ("Description-Content-Type", "text/markdown; charset=UTF-8; variant=GFM"),
    ] + URLS, body)
    yield (wheel_filename("pyupload-unicode", "1.0"), wheel("pyupload-unicode", "1.0", meta),
           "non-ASCII UTF-8 in Summary, Author and body; markdown with charset and variant; "
           "Keywords; 3 Project-URLs")


# --------------------------------------------------------------------------
# BAD: one thing wrong per file


def w(name, version="1.0", mv="2.1", extra=(), **kw):
    """Bytes of a wheel that is valid apart from what `extra` / `kw` change."""
    return wheel(name, version, simple_metadata(name, version, mv=mv, extra=extra), **kw)


def w_meta(name, meta, version="1.0", **kw):
    """Bytes of a wheel named name-version whose METADATA is exactly `meta`."""
    return wheel(name, version, meta, **kw)


def s(name, version="1.0", mv="2.1", extra=(), **kw):
    return sdist(name, version, simple_metadata(name, version, mv=mv, extra=extra), **kw)


def base_fields(name, version="1.0", mv="2.1"):
    return [("Metadata-Version", mv), ("Name", name), ("Version", version)]


def bomb_wheel():
    name = "compression-bomb"
    files = {"compression_bomb/__init__.py": b"",
             "compression_bomb/zeros.bin": b"\0" * BOMB_SIZE}
    return zip_bytes(wheel_members(name, "1.0", simple_metadata(name, "1.0"), files=files),
                     compresslevel=9)


def bzip2_wheel():
    members = wheel_members("bzip2-member", "1.0", simple_metadata("bzip2-member", "1.0"))
    members = [m._replace(compress=zipfile.ZIP_BZIP2) if m.name.endswith("__init__.py") else m
               for m in members]
    return zip_bytes(members)


def duplicate_member_wheel():
    members = wheel_members("duplicate-member", "1.0", simple_metadata("duplicate-member", "1.0"))
    first = members[0]
    return zip_bytes([first, first._replace(data=b'NAME = "second copy"\n')] + members[1:])


def member_comment_wheel():
    members = wheel_members("zip-comment", "1.0", simple_metadata("zip-comment", "1.0"))
    return zip_bytes([members[0]._replace(comment=b"a member comment")] + members[1:],
                     comment=b"an archive comment")


def two_top_dirs_sdist():
    members = sdist_members("two-top-dirs", "1.0", simple_metadata("two-top-dirs", "1.0"))
    return tar_gz_bytes(members + [Member("other-1.0/README.md", b"second top-level dir\n")])


def symlink_sdist():
    members = sdist_members("sdist-symlink", "1.0", simple_metadata("sdist-symlink", "1.0"))
    link = Member("sdist_symlink-1.0/passwd", kind="symlink", target="/etc/passwd")
    return tar_gz_bytes(members + [link])


def dotdot_sdist(name, evil_path):
    members = sdist_members(name, "1.0", simple_metadata(name, "1.0"))
    return tar_gz_bytes(members + [Member(evil_path, b"escaped the sdist\n")])


def legacy_zip_sdist():
    members = sdist_members("legacy-zip-sdist", "1.0", simple_metadata("legacy-zip-sdist", "1.0"))
    return zip_bytes(members)


def bz2_sdist():
    members = sdist_members("bz2-sdist", "1.0", simple_metadata("bz2-sdist", "1.0"))
    return bz2.compress(tar_bytes(members), 9)


def invalid_utf8_wheel():
    meta = simple_metadata("invalid-utf8", "1.0", summary="bad bytes here: XX")
    return w_meta("invalid-utf8", meta.replace(b"XX", b"\xff\xfe\xc3("))


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


LONG_SUMMARY = "x" * 513
RST_BROKEN = "Title\n=====\n\n.. this-directive-does-not-exist::\n\n   body\n"

# (filename, what is wrong, bytes-producing callable, where PyPI catches it)
BAD_CASES = [
    # --- archive level ---------------------------------------------------
    ("not_a_zip-1.0-py3-none-any.whl", "not a zip: plain text with a .whl name",
     lambda: b"This is not a zip file, just text with a .whl name.\n", "§2 #22 `File is not a zipfile`"),
    ("empty_file-1.0-py3-none-any.whl", "zero-byte file",
     lambda: b"", "§2 #22 `File is not a zipfile`"),
    ("truncated_wheel-1.0-py3-none-any.whl", "first half of a valid wheel (no central directory)",
     lambda: truncated(w("truncated-wheel")), "§2 #22 `File is not a zipfile`"),
    ("truncated_sdist-1.0.tar.gz", "first half of a valid .tar.gz (gzip stream cut short)",
     lambda: truncated(s("truncated-sdist")), "§2 #22 unreadable tar (`File is not a tarfile` or `None`)"),
    ("compression_bomb-1.0-py3-none-any.whl",
     f"member compression_bomb/zeros.bin inflates to {BOMB_SIZE // 2**20} MiB of NUL bytes (ratio ~1000)",
     bomb_wheel, "§2 #22 `File exceeds compression ratio of 50`"),
    ("bzip2_member-1.0-py3-none-any.whl", "bzip2_member/__init__.py uses bzip2 compression (method 12)",
     bzip2_wheel, "§2 #22 `File does not use a supported compression type`"),
    ("duplicate_member-1.0-py3-none-any.whl", "`duplicate_member/__init__.py` stored twice (different bytes)",
     duplicate_member_wheel, "§2 #22 `ZIP archive not accepted: ...` (duplicate names)"),
    ("zip_comment-1.0-py3-none-any.whl",
     "`zip_comment/__init__.py` carries a comment in the central directory (an archive comment is fine)",
     member_comment_wheel, "§2 #22 `ZIP archive not accepted: Comment in central directory. ...`"),
    ("data_descriptor-1.0-py3-none-any.whl",
     "written to a stream, so every member is followed by a data descriptor (as zip writers that cannot seek do)",
     lambda: zip_bytes(wheel_members("data-descriptor", "1.0", simple_metadata("data-descriptor", "1.0")),
                       streamed=True),
     "§2 #22 `ZIP archive not accepted: ZIP contains a data descriptor. ...`"),
    ("zip_trailing_data-1.0-py3-none-any.whl", "16 bytes of junk after the zip end record",
     lambda: w("zip-trailing-data") + b"TRAILING-JUNK!!\n", "§2 #22 `ZIP archive not accepted: ...` (trailing data)"),
    # --- wheel layout ----------------------------------------------------
    ("missing_metadata-1.0-py3-none-any.whl", "no .dist-info/METADATA",
     lambda: w("missing-metadata", omit=("METADATA",)), "§2 #24 `... does not contain the required METADATA file`"),
    ("missing_wheel-1.0-py3-none-any.whl", "no .dist-info/WHEEL",
     lambda: w("missing-wheel", omit=("WHEEL",)), "§2 #22 `WHEEL not found at ...`"),
    ("missing_record-1.0-py3-none-any.whl", "no .dist-info/RECORD",
     lambda: w("missing-record", omit=("RECORD",)), "§2 #24 `... does not contain the required RECORD file`"),
    ("two_dist_info-1.0-py3-none-any.whl", "a second .dist-info dir (`other_project-1.0.dist-info/`)",
     lambda: w("two-dist-info", files={
         "two_dist_info/__init__.py": b"",
         "other_project-1.0.dist-info/METADATA": simple_metadata("other-project", "1.0")}),
     "not rejected by PyPI (it only reads the filename's .dist-info); pip refuses to install"),
    ("dist_info_mismatch-1.0-py3-none-any.whl",
     "the .dist-info dir is `other_name-1.0.dist-info`, not `dist_info_mismatch-1.0.dist-info`",
     lambda: w("dist-info-mismatch", distinfo="other_name-1.0.dist-info"), "§2 #22 `WHEEL not found at ...`"),
    ("license_file_missing-1.0-py3-none-any.whl",
     "MV 2.4 `License-File: LICENSE` but no .dist-info/licenses/LICENSE",
     lambda: w("license-file-missing", mv="2.4", extra=[("License-Expression", "MIT"), ("License-File", "LICENSE")]),
     "§2 #24 `License-File LICENSE does not exist in distribution file ...`"),
    ("bad_entry_points-1.0-py3-none-any.whl", "entry_points.txt console script named `bad name!`",
     lambda: w("bad-entry-points", distinfo_files={
         "entry_points.txt": b"[console_scripts]\nbad name! = bad_entry_points:main\n"}),
     "§2 #24 `... has invalid entry points ...`"),
    ("record_mismatch-1.0-py3-none-any.whl",
     "RECORD lists `record_mismatch/gone.py`, which is not in the zip (warning-level only)",
     lambda: zip_bytes([m._replace(data=m.data + b"record_mismatch/gone.py,,\n") if m.name.endswith("RECORD")
                        else m for m in wheel_members("record-mismatch", "1.0",
                                                      simple_metadata("record-mismatch", "1.0"))]),
     "accepted by PyPI; owners get a RECORD-mismatch email (§2 #24)"),
    # --- wheel filename --------------------------------------------------
    ("wrong_parts-1.0.whl", "wheel filename has 2 parts (no tags)",
     lambda: w("wrong-parts"), "§2 #22 `Unable to parse name and version from wheel filename`"),
    ("Bad_Name-1.0-py3-none-any.whl", "filename not normalised: should be `bad_name-1.0-py3-none-any.whl` (Name: Bad-Name)",
     lambda: wheel("Bad-Name", "1.0", simple_metadata("Bad-Name", "1.0"), distinfo="Bad_Name-1.0.dist-info"),
     "§2 #24 `Filename ... should contain the normalized project name 'bad_name', not 'Bad_Name'`"),
    ("name_mismatch-1.0-py3-none-any.whl", "METADATA Name is `some-other-name`",
     lambda: w_meta("name-mismatch", simple_metadata("some-other-name", "1.0")),
     "§2 #24 `Start filename for 'some-other-name' with 'some_other_name'.`"),
    ("version_mismatch-1.0-py3-none-any.whl", "METADATA Version is `2.0`",
     lambda: w_meta("version-mismatch", simple_metadata("version-mismatch", "2.0")),
     "§2 #24 `Version in filename should be '2.0' not '1.0'.`"),
    ("forbidden_platform-1.0-cp312-cp312-linux_x86_64.whl", "platform tag `linux_x86_64` (not manylinux)",
     lambda: w("forbidden-platform", tags="cp312-cp312-linux_x86_64", purelib=False),
     "§2 #24 `Binary wheel ... has an unsupported platform tag 'linux_x86_64'.`"),
    ("forbidden_macos-1.0-cp312-cp312-macosx_11_1_arm64.whl", "platform tag `macosx_11_1_arm64` (minor must be 0 for macOS >= 11)",
     lambda: w("forbidden-macos", tags="cp312-cp312-macosx_11_1_arm64", purelib=False),
     "§2 #24 `... unsupported platform tag 'macosx_11_1_arm64'.`"),
    ("local_version-1.0+local-py3-none-any.whl", "local version `1.0+local` (filename and METADATA agree)",
     lambda: w("local-version", version="1.0+local"), "§2 #6 local versions are rejected"),
    # --- sdist layout and filename -------------------------------------
    ("missing_pkg_info-1.0.tar.gz", "no `missing_pkg_info-1.0/PKG-INFO`",
     lambda: sdist("missing-pkg-info", "1.0", b"", omit_pkg_info=True), "§2 #22 `PKG-INFO not found at ...`"),
    ("two_top_dirs-1.0.tar.gz", "two top-level dirs: `two_top_dirs-1.0/` and `other-1.0/`",
     two_top_dirs_sdist, "§2 #22 `Incorrect number of top-level directories in sdist`"),
    ("sdist_symlink-1.0.tar.gz", "symlink member `sdist_symlink-1.0/passwd` -> `/etc/passwd`",
     symlink_sdist, "not checked by PyPI; unsafe to extract (tarfile 'data' filter refuses)"),
    ("dotdot_member-1.0.tar.gz", "member path `../evil` (also makes `..` a second top-level entry)",
     lambda: dotdot_sdist("dotdot-member", "../evil"), "§2 #22 `Incorrect number of top-level directories in sdist`"),
    ("dotdot_nested-1.0.tar.gz", "member path `dotdot_nested-1.0/../../evil` (escapes on extraction)",
     lambda: dotdot_sdist("dotdot-nested", "dotdot_nested-1.0/../../evil"),
     "not checked by PyPI; unsafe to extract"),
    ("legacy_zip_sdist-1.0.zip", "sdist as .zip (otherwise correct layout and PKG-INFO)",
     legacy_zip_sdist, "§1.4 fails PEP 625: `Filename ... is invalid, should be 'legacy_zip_sdist-1.0.tar.gz'.`"),
    ("bz2_sdist-1.0.tar.bz2", "sdist as .tar.bz2",
     bz2_sdist, "§2 #14 `Invalid file extension: Use .tar.gz, .whl or .zip extension...`"),
    ("bad-sdist-name-1.0.tar.gz", "sdist filename not normalised: should be `bad_sdist_name-1.0.tar.gz`",
     lambda: sdist("bad-sdist-name", "1.0", simple_metadata("bad-sdist-name", "1.0"), top="bad-sdist-name-1.0"),
     "§2 #23 `Filename ... is invalid, should be 'bad_sdist_name-1.0.tar.gz'.`"),
    ("badver-1.0alpha1.tar.gz", "sdist version not normalised: Version `1.0alpha1`, should be `badver-1.0a1.tar.gz`",
     lambda: sdist("badver", "1.0alpha1", simple_metadata("badver", "1.0alpha1")),
     "§2 #23 `Filename 'badver-1.0alpha1.tar.gz' is invalid, should be 'badver-1.0a1.tar.gz'.`"),
    ("badver_dash-1.0-alpha.tar.gz", "sdist version `1.0-alpha` with a dash: the filename cannot be split into name and version",
     lambda: sdist("badver-dash", "1.0-alpha", simple_metadata("badver-dash", "1.0-alpha")),
     "§2 #23 `Invalid source distribution filename: ...`"),
    ("sdist_version_mismatch-1.0.tar.gz", "PKG-INFO Version is `2.0`",
     lambda: sdist("sdist-version-mismatch", "1.0", simple_metadata("sdist-version-mismatch", "2.0")),
     "§2 #23 `Filename ... is invalid, should be 'sdist_version_mismatch-2.0.tar.gz'.`"),
    ("sdist_license_file_missing-1.0.tar.gz", "MV 2.4 `License-File: LICENSE` but no `<top>/LICENSE`",
     lambda: s("sdist-license-file-missing", mv="2.4",
               extra=[("License-Expression", "MIT"), ("License-File", "LICENSE")]),
     "§2 #23 `License-File LICENSE does not exist in distribution file ...`"),
    # --- METADATA content ----------------------------------------------
    ("invalid_utf8-1.0-py3-none-any.whl", "METADATA Summary contains bytes ff fe c3 28 (not UTF-8)",
     invalid_utf8_wheel, "client must refuse to read it"),
    ("metadata_version_3_0-1.0-py3-none-any.whl", "Metadata-Version `3.0` (unknown)",
     lambda: w("metadata-version-3-0", mv="3.0"), "§2.3 `'3.0' is not a valid metadata version`"),
    ("metadata_version_2_0-1.0-py3-none-any.whl", "Metadata-Version `2.0` (never a real version; PyPI refuses it)",
     lambda: w("metadata-version-2-0", mv="2.0"), "§2.3 `'2.0' is not a valid metadata version`"),
    ("missing_metadata_version-1.0-py3-none-any.whl", "no Metadata-Version header",
     lambda: w_meta("missing-metadata-version", metadata(
         base_fields("missing-metadata-version")[1:] + [("Summary", "no metadata version")], "body\n")),
     "§2.3 `None is not a valid metadata version`"),
    ("missing_name-1.0-py3-none-any.whl", "no Name header",
     lambda: w_meta("missing-name", metadata(
         [("Metadata-Version", "2.1"), ("Version", "1.0"), ("Summary", "no name")], "body\n")),
     "§2 #5 `... is an invalid value for Name. Error: This field is required. ...`"),
    ("version_dog-1.0-py3-none-any.whl", "METADATA Version is `dog` (not PEP 440); the filename says 1.0",
     lambda: w_meta("version-dog", simple_metadata("version-dog", "dog")), "§2.3 `'dog' is invalid for 'version'`"),
    ("_bad_-1.0-py3-none-any.whl", "Name is `-bad-` (must start and end with a letter or digit)",
     lambda: w("-bad-"), "§2 #5 `'-bad-' is an invalid value for Name. ...`"),
    ("multiline_summary-1.0-py3-none-any.whl", "Summary folded over two lines",
     lambda: w_meta("multiline-summary", metadata(base_fields("multiline-summary") + [
         ("Summary", folded("first line of the summary\nsecond line"))], "body\n")),
     "§2.3 `'summary' must be a single line`"),
    ("long_summary-1.0-py3-none-any.whl", "Summary is 513 characters",
     lambda: w_meta("long-summary", simple_metadata("long-summary", "1.0", summary=LONG_SUMMARY)),
     "§2.3 `'summary' field must be 512 characters or less`"),
    ("duplicate_summary-1.0-py3-none-any.whl", "Summary header given twice",
     lambda: w_meta("duplicate-summary", metadata(base_fields("duplicate-summary") + [
         ("Summary", "first summary"), ("Summary", "second summary")], "body\n")),
     "§1.3 `'summary' has invalid data.` (single field repeated)"),
    ("html_description-1.0-py3-none-any.whl", "Description-Content-Type `text/html`",
     lambda: w_meta("html-description", metadata(base_fields("html-description") + [
         ("Summary", "html description"), ("Description-Content-Type", "text/html")],
         "<h1>html-description</h1>\n")),
     "§2.3 description_content_type must be text/plain, text/x-rst or text/markdown"),
    ("rst_render_failure-1.0-py3-none-any.whl", "text/x-rst body uses an unknown directive (does not render)",
     lambda: w_meta("rst-render-failure", metadata(base_fields("rst-render-failure") + [
         ("Summary", "broken rst"), ("Description-Content-Type", "text/x-rst")], RST_BROKEN)),
     "§2 #12 `The description failed to render for 'text/x-rst'. ...`"),
    ("license_expression_in_2_1-1.0-py3-none-any.whl", "`License-Expression` under Metadata-Version 2.1",
     lambda: w("license-expression-in-2-1", extra=[("License-Expression", "MIT")]),
     "§1.3 `license-expression introduced in metadata version 2.4, not 2.1.`"),
    ("dynamic_in_2_1-1.0-py3-none-any.whl", "`Dynamic` under Metadata-Version 2.1",
     lambda: w("dynamic-in-2-1", extra=[("Dynamic", "Requires-Dist")]),
     "§1.3 `dynamic introduced in metadata version 2.2, not 2.1.`"),
    ("import_name_in_2_4-1.0-py3-none-any.whl", "`Import-Name` under Metadata-Version 2.4",
     lambda: w("import-name-in-2-4", mv="2.4", extra=[("Import-Name", "import_name_in_2_4")]),
     "§1.3 `import-name introduced in metadata version 2.5, not 2.4.`"),
    ("dynamic_name-1.0-py3-none-any.whl", "`Dynamic: Name` (Name may not be dynamic)",
     lambda: w("dynamic-name", mv="2.2", extra=[("Dynamic", "Name")]), "§2.3 dynamic may not name name/version"),
    ("bad_license_expression-1.0-py3-none-any.whl", "License-Expression `MIT OR` (not SPDX)",
     lambda: w("bad-license-expression", mv="2.4", extra=[("License-Expression", "MIT OR")]),
     "§2.3 `'MIT OR' is invalid for 'license-expression'`"),
    ("license_and_expression-1.0-py3-none-any.whl", "both `License: MIT` and `License-Expression: MIT`",
     lambda: w("license-and-expression", mv="2.4", extra=[("License", "MIT"), ("License-Expression", "MIT")]),
     "§2.3 `License is deprecated when License-Expression is present. ...`"),
    ("private_classifier-1.0-py3-none-any.whl", "Classifier `Private :: Do Not Upload`",
     lambda: w("private-classifier", extra=[("Classifier", "Private :: Do Not Upload")]),
     "§2.3 `'Private :: Do Not Upload' is not a valid classifier.`"),
    ("unknown_license_id-1.0-py3-none-any.whl", "License-Expression `Apache-2` (no such SPDX id)",
     lambda: w("unknown-license-id", mv="2.4", extra=[("License-Expression", "Apache-2")]),
     "§2.3 `'Apache-2' is invalid for 'license-expression'`"),
    ("documentref_license-1.0-py3-none-any.whl", "License-Expression `DocumentRef-x:LicenseRef-y` (packaging knows no DocumentRef)",
     lambda: w("documentref-license", mv="2.4", extra=[("License-Expression", "DocumentRef-x:LicenseRef-y")]),
     "§2.3 `'DocumentRef-x:LicenseRef-y' is invalid for 'license-expression'`"),
    ("unknown_classifier-1.0-py3-none-any.whl", "Classifier `Programming Language :: Python :: 2.8` (not in trove-classifiers)",
     lambda: w("unknown-classifier", extra=[("Classifier", "Programming Language :: Python :: 2.8")]),
     "§2.3 `'Programming Language :: Python :: 2.8' is not a valid classifier.`"),
    ("deprecated_classifier-1.0-py3-none-any.whl", "Classifier `Natural Language :: Ukranian` (deprecated)",
     lambda: w("deprecated-classifier", extra=[("Classifier", "Natural Language :: Ukranian")]),
     "§2.3 `The classifier 'Natural Language :: Ukranian' has been deprecated, use one of [...] instead.`"),
    ("dynamic_dynamic-1.0-py3-none-any.whl", "`Dynamic: Dynamic` (packaging allows it, Warehouse's DYNAMIC_FIELDS does not)",
     lambda: w("dynamic-dynamic", mv="2.2", extra=[("Dynamic", "Dynamic")]),
     "§2.3 `Dynamic field 'dynamic' is not a valid dynamic field.`"),
    ("import_name_keyword-1.0-py3-none-any.whl", "`Import-Name: pkg.class` (a keyword)",
     lambda: w("import-name-keyword", mv="2.5", extra=[("Import-Name", "pkg.class")]),
     "§2.3 `'pkg.class' is invalid for 'import-name'; 'class' is a keyword`"),
    ("project_url_scheme-1.0-py3-none-any.whl", "Project-URL `Chat, irc://irc.example.org/x` (PyPI takes http and https only)",
     lambda: w("project-url-scheme", extra=[("Project-URL", "Chat, irc://irc.example.org/x")]),
     "§2.3 `'irc://irc.example.org/x' is not a valid url`"),
    ("direct_url_dependency-1.0-py3-none-any.whl", "Requires-Dist with a direct URL reference",
     lambda: w("direct-url-dependency", extra=[("Requires-Dist", "foo @ https://example.com/foo-1.0.tar.gz")]),
     "§2.3 `Can't have direct dependency: ...`"),
    ("duplicate_url_label-1.0-py3-none-any.whl", "two Project-URLs with the label `Source`",
     lambda: w("duplicate-url-label", extra=[("Project-URL", "Source, https://example.com/a"),
                                             ("Project-URL", "Source, https://example.com/b")]),
     "§1.3 `'project_urls' has invalid data.`"),
    ("long_url_label-1.0-py3-none-any.whl", "Project-URL label of 40 characters (limit 32)",
     lambda: w("long-url-label", extra=[("Project-URL", "L" * 40 + ", https://example.com/")]),
     "§2.3 project_urls labels must be at most 32 characters"),
    ("bad_author_email-1.0-py3-none-any.whl", "Author-email `not-an-email`",
     lambda: w("bad-author-email", extra=[("Author-email", "not-an-email")]), "§2.3 emails are validated"),
]


# --------------------------------------------------------------------------
# READMEs

BACKEND_BY_MARKER = {
    "setuptools": "setuptools 66.1.1 (+ wheel 0.38.4), projects/setuptools",
    "hatch": "hatchling 1.12.2, projects/hatchling",
    "flit": "flit_core 3.8.0, projects/flit",
    "poetry": "poetry-core 1.4.0, projects/poetry",
    "pdm": "pdm-pep517 1.1.2 (stand-in for pdm-backend), projects/pdm",
}


def backend_of(filename):
    for marker, backend in BACKEND_BY_MARKER.items():
        if marker in filename.lower():
            return backend
    return None


def read_built_metadata(path):
    """(METADATA or PKG-INFO text, member names) of a backend-built dist."""
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
            return zf.read(meta).decode("utf-8"), names
    with tarfile.open(path) as tf:
        names = tf.getnames()
        top = names[0].split("/")[0]
        return tf.extractfile(f"{top}/PKG-INFO").read().decode("utf-8"), names


def describe_built(path):
    """One-line notes on a backend-built dist: what a client has to cope with."""
    text, names = read_built_metadata(path)
    headers = text.split("\n\n", 1)[0]
    mv = re.search(r"^Metadata-Version: (.*)$", headers, re.M).group(1)
    notes = [f"real backend output, Metadata-Version {mv}"]
    if "\nLicense-File:" in headers and mv < "2.4":
        notes.append(f"has `License-File` under {mv}: a client must drop it (docs/index-server.md §1.3)")
    if re.search(r"^License: .*\n {8}", headers, re.M):
        notes.append("multi-line `License` (folded, the whole licence text)")
    if path.endswith(".tar.gz") and sum(n.endswith("PKG-INFO") for n in names) > 1:
        notes.append("a second PKG-INFO inside *.egg-info/ (use `<top>/PKG-INFO` only)")
    if path.endswith(".tar.gz") and "Requires-Dist" not in headers and "pdm" in path:
        notes.append("PKG-INFO has no Requires-Dist although the wheel has")
    return "; ".join(notes)


def write_good_readme(path, made):
    lines = ["# Valid distributions", "",
             "Every file here should pass pyupload's checks and PyPI's (docs/index-server.md §1.3, §1.4, §2, §2.2, §2.3).",
             "Regenerate with `testdata/build-dists.sh` (backends, then `make_handmade.py`).", "",
             "`twine check` from Debian's twine 4.0.2 (pkginfo 1.8.2) fails on some of them, wrongly:",
             "it cannot read Metadata-Version 2.3 and later (\"missing required fields: Name, Version\"),",
             "and for a wheel it replaces an old-style `Description:` header with the empty body, so the",
             "MV 1.1 and 1.2 wheels fail with \"No content rendered from RST source\".", "",
             "| file | made by | notes |", "|---|---|---|"]
    handmade = {name for name, _ in made}
    for name in sorted(os.listdir(os.path.dirname(path))):
        if name == "README.md" or name in handmade:
            continue
        note = describe_built(os.path.join(os.path.dirname(path), name))
        lines.append(f"| `{name}` | {backend_of(name) or 'a build backend'} | {note} |")
    for name, note in made:
        lines.append(f"| `{name}` | make_handmade.py | {note} |")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def write_bad_readme(path, made):
    lines = ["# Malformed distributions", "",
             "One file per case; each is valid except for the one thing listed (the section numbers",
             "point into `docs/index-server.md`). Regenerate with `testdata/build-dists.sh`.",
             "Files without a `make_handmade.py` row are real backend output moved here by",
             "`build-dists.sh` because PyPI would refuse their filename.", "",
             "| file | what is wrong | where PyPI stops it |", "|---|---|---|"]
    handmade = {name for name, _, _ in made}
    for name in sorted(os.listdir(os.path.dirname(path))):
        if name == "README.md" or name in handmade:
            continue
        note = describe_built(os.path.join(os.path.dirname(path), name))
        lines.append(f"| `{name}` | sdist filename not PEP 625, made by {backend_of(name) or 'a backend'} "
                     f"({note}) | §2 #23 `Filename ... is invalid, should be ...` |")
    for name, what, where in made:
        lines.append(f"| `{name}` | {what} | {where} |")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


# --------------------------------------------------------------------------


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--good", default=os.path.join(here, "dists", "good"))
    ap.add_argument("--bad", default=os.path.join(here, "dists", "bad"))
    args = ap.parse_args()
    os.makedirs(args.good, exist_ok=True)
    os.makedirs(args.bad, exist_ok=True)

    good = []
    for name, data, note in good_dists():
        with open(os.path.join(args.good, name), "wb") as f:
            f.write(data)
        good.append((name, note))

    bad = []
    for name, what, make, where in BAD_CASES:
        data = make()
        assert len(data) < 300 * 1024, (name, len(data))
        with open(os.path.join(args.bad, name), "wb") as f:
            f.write(data)
        bad.append((name, what, where))

    write_good_readme(os.path.join(args.good, "README.md"), good)
    write_bad_readme(os.path.join(args.bad, "README.md"), bad)
    print(f"wrote {len(good)} good and {len(bad)} bad hand-made dists")


if __name__ == "__main__":
    main()
