#!/usr/bin/python3
"""The reference for pkg/rst: PyPI's own renderer judges each description.

Reads JSON lines, each {"text": "..."}, on standard input and writes one
JSON line per input: {"ok": bool, "messages": [[line, level, text], ...]}.
"ok" is readme_renderer's verdict (render() returned something); the
messages are what docutils wrote to the warning stream before halting
(readme_renderer halts at the first WARNING, so at most one).

With --all, "all" also lists every message of level WARNING or above that
docutils reports when it is not told to halt: it helps to see the second
and later problems while developing, but the verdict is always "ok".

Debian's /usr/bin/python3 with python3-readme-renderer (37.3, docutils
0.19) is the version this was written against.
"""
import io
import json
import re
import sys

from docutils.core import publish_doctree
from docutils.parsers.rst import roles
from readme_renderer import rst

# ".. role::" registers the new role in a module-level table that outlives
# the document; PyPI judges each description on its own, so each starts
# from docutils' own roles here too.
ROLES = dict(roles._roles)


def fresh():
    roles._roles.clear()
    roles._roles.update(ROLES)

# docutils writes "<source>:LINE: (LEVELNAME/LEVEL) text" and, for messages
# without a line, "<source>: (LEVELNAME/LEVEL) text".
MESSAGE = re.compile(r"^[^\n]*?:(\d*):? ?\((?:[A-Z]+)/(\d)\) (.*)", re.S)


def messages(stream_text):
    out = []
    for chunk in re.split(r"\n(?=<string>|\S+:\d+: \()", stream_text.strip()):
        m = MESSAGE.match(chunk)
        if m:
            line = int(m.group(1)) if m.group(1) else 0
            out.append([line, int(m.group(2)), m.group(3).split("\n\n")[0].strip()])
        elif chunk:
            out.append([0, 0, chunk])
    return out


def all_messages(text):
    settings = dict(rst.SETTINGS)
    settings.update(halt_level=5, report_level=2, warning_stream=io.StringIO())
    fresh()
    try:
        publish_doctree(text, settings_overrides=settings)
    except Exception as e:  # a docutils crash is worth seeing, not fatal
        return [[0, 0, "exception: %r" % e]]
    return messages(settings["warning_stream"].getvalue())


def judge(text, want_all):
    stream = io.StringIO()
    fresh()
    try:
        ok = rst.render(text, stream=stream) is not None
    except Exception as e:  # PyPI would answer 500; never a pass
        return {"ok": False, "messages": [[0, 0, "exception: %r" % e]]}
    out = {"ok": ok, "messages": messages(stream.getvalue())}
    if want_all:
        out["all"] = all_messages(text)
    return out


def main():
    want_all = "--all" in sys.argv[1:]
    for line in sys.stdin:
        if not line.strip():
            continue
        text = json.loads(line)["text"]
        sys.stdout.write(json.dumps(judge(text, want_all)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
