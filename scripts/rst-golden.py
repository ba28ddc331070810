#!/usr/bin/python3
"""Records docutils' verdict on pkg/rst's hand-written cases.

Reads pkg/rst/testdata/cases.rst.txt (cases separated by "#### name"
lines) and writes pkg/rst/testdata/golden.json: for each case its text,
whether readme_renderer renders it, the message it halted on and every
WARNING-or-worse message docutils reports when not halted. Run it through
`make rst-golden` with Debian's python3 and python3-readme-renderer.
"""
import importlib.machinery
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "pkg", "rst", "testdata", "cases.rst.txt")
GOLDEN = os.path.join(HERE, "..", "pkg", "rst", "testdata", "golden.json")

oracle = importlib.machinery.SourceFileLoader(
    "rst_oracle", os.path.join(HERE, "rst-oracle.py")).load_module()


def cases(text):
    name, lines = None, []
    for line in text.split("\n"):
        if line.startswith("#### "):
            if name is not None:
                yield name, "\n".join(lines)
            name, lines = line[5:], []
        else:
            lines.append(line)
    if name is not None:
        yield name, "\n".join(lines)


def main():
    with open(CASES, encoding="utf-8") as f:
        source = f.read()
    out = []
    for name, text in cases(source):
        verdict = oracle.judge(text, True)
        out.append({"name": name, "text": text, "ok": verdict["ok"],
                    "messages": verdict["messages"], "all": verdict["all"]})
    with open(GOLDEN, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
