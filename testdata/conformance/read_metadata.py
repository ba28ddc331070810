#!/usr/bin/python3
"""Print, as JSON, the core metadata of each distribution named on the
command line, read the way Python itself reads it: the archive member with
zipfile/tarfile and the headers with the standard email parser (compat32,
the policy packaging and pkginfo use).

pyupload's conformance test compares its own parse with this, field by
field. The only rule applied on top of the email parser is the one the core
metadata spec gives for an old-style Description header: continuation lines
lose their 8-character indent ("        " or "       |").
"""
import email.parser
import email.policy
import json
import sys
import tarfile
import zipfile


def member_text(path):
    base = path.rsplit("/", 1)[-1]
    if base.endswith(".whl"):
        name, version = base[: -len(".whl")].split("-")[:2]
        with zipfile.ZipFile(path) as zf:
            return zf.read(f"{name}-{version}.dist-info/METADATA")
    with tarfile.open(path, "r:gz") as tf:
        tops = {m.name.lstrip("./").split("/")[0] for m in tf.getmembers()}
        (top,) = tops
        return tf.extractfile(f"{top}/PKG-INFO").read()


def unfold_description(value):
    lines = value.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        if line.startswith("       |") or line.startswith("        "):
            line = line[8:]
        out.append(line)
    return "\n".join(out)


def parse(path):
    text = member_text(path).decode("utf-8")
    msg = email.parser.Parser(policy=email.policy.compat32).parsestr(text)
    headers = []
    for name, value in msg.items():
        if name.lower() == "description":
            value = unfold_description(value)
        headers.append([name, value])
    body = msg.get_payload()
    return {"headers": headers, "body": body}


def main():
    out = {}
    for path in sys.argv[1:]:
        try:
            out[path] = parse(path)
        except Exception as exc:  # reported per file; the test decides
            out[path] = {"error": f"{type(exc).__name__}: {exc}"}
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
