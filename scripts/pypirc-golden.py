#!/usr/bin/python3
"""Writes the golden files internal/pypirc's tests compare with.

For every internal/pypirc/testdata/corpus/NAME.pypirc, this writes
internal/pypirc/testdata/golden/NAME.json: what twine makes of the file.
That is twine's own get_config when twine is importable, and otherwise a
copy of it (twine 4.0.2's twine/utils.py) over configparser; when both are
available they must agree. It also writes testdata/unicode.json, the
behaviour of the Python str methods configparser relies on (isspace, lower
and the Unicode properties behind lower's final sigma), for every code
point.

Run it with Debian's /usr/bin/python3 (`make pypirc-golden`). It imports
only the standard library (and twine, if present), and reads the files as
twine does: open() in text mode, which here is UTF-8 (the script re-runs
itself in Python's UTF-8 mode so the locale cannot change that).
"""

import collections
import configparser
import json
import os
import sys
import unicodedata

if not sys.flags.utf8_mode:
    os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.argv])

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTDATA = os.path.join(ROOT, "internal", "pypirc", "testdata")
CORPUS = os.path.join(TESTDATA, "corpus")
GOLDEN = os.path.join(TESTDATA, "golden")

DEFAULT_REPOSITORY = "https://upload.pypi.org/legacy/"
TEST_REPOSITORY = "https://test.pypi.org/legacy/"


def copied_get_config(path):
    """twine 4.0.2's twine.utils.get_config, without its logging."""
    realpath = os.path.realpath(os.path.expanduser(path))
    parser = configparser.RawConfigParser()
    with open(realpath) as f:
        parser.read_file(f)
    defaults = {
        "username": parser.get("server-login", "username", fallback=None),
        "password": parser.get("server-login", "password", fallback=None),
    }
    config = collections.defaultdict(lambda: defaults.copy())
    index_servers = parser.get(
        "distutils", "index-servers", fallback="pypi testpypi"
    ).split()
    config["pypi"]["repository"] = DEFAULT_REPOSITORY
    if "testpypi" in index_servers:
        config["testpypi"]["repository"] = TEST_REPOSITORY
    for repository in index_servers:
        for key in ["username", "repository", "password", "ca_cert", "client_cert"]:
            if parser.has_option(repository, key):
                config[repository][key] = parser.get(repository, key)
    return dict(config)


try:
    from twine.utils import get_config as twine_get_config
    from twine.utils import get_repository_from_config
    from twine.exceptions import InvalidConfiguration
except ImportError:
    twine_get_config = None


def describe(exc, path):
    """An exception as the Go tests compare it; the message is for readers."""
    out = {"class": type(exc).__name__}
    if isinstance(exc, UnicodeDecodeError):
        pass  # its position counts from the start of the chunk decoded, not of the file
    elif isinstance(exc, configparser.MissingSectionHeaderError):
        out["line"] = exc.lineno
    elif isinstance(exc, configparser.ParsingError):
        out["lines"] = [lineno for lineno, _ in exc.errors]
    elif isinstance(exc, (configparser.DuplicateSectionError, configparser.DuplicateOptionError)):
        out["line"] = exc.lineno
        out["section"] = exc.section
        if isinstance(exc, configparser.DuplicateOptionError):
            out["option"] = exc.option
    else:
        raise exc
    out["message"] = str(exc).replace(os.path.realpath(path), os.path.basename(path))
    return out


def outcome(get_config, path):
    try:
        config = get_config(path)
    except (configparser.Error, UnicodeDecodeError) as exc:
        return {"error": describe(exc, path)}
    return {
        "repositories": {
            name: {k: v for k, v in sorted(repo.items()) if v is not None}
            for name, repo in sorted(config.items())
        }
    }


def golden(path):
    got = outcome(copied_get_config, path)
    if twine_get_config is not None:
        twine = outcome(twine_get_config, path)
        if twine != got:
            sys.exit(f"{path}: twine's get_config and the copy disagree:\n{twine}\n{got}")
    if "error" in got:
        return got
    parser = configparser.RawConfigParser()
    with open(path) as f:
        parser.read_file(f)
    got["sections"] = parser.sections()
    got["index_servers"] = parser.get("distutils", "index-servers", fallback="pypi testpypi").split()
    probes = sorted(set(got["sections"]) | set(got["index_servers"]) | {"pypi", "testpypi", "nosuch"})
    got["missing"] = [name for name in probes if name not in got["repositories"]]
    if twine_get_config is not None:
        missing = []
        for name in probes:
            try:
                get_repository_from_config(path, name)
            except InvalidConfiguration as exc:
                if not str(exc).startswith(f"Missing '{name}' section from "):
                    raise
                missing.append(name)
        if missing != got["missing"]:
            sys.exit(f"{path}: twine's get_repository_from_config misses {missing}, not {got['missing']}")
    return got


def ranges(codepoints):
    out = []
    for c in codepoints:
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


def unicode_tables():
    """str.isspace, str.lower, and the classes lower's final sigma uses:
    case-ignorable characters are skipped, and the first other character
    either is cased or is not (CPython's handle_capital_sigma)."""
    chars = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    ignorable, cased = [], []
    for c in chars:
        ch = chr(c)
        after_cased = ("A" + ch + "\u03a3").lower()[-1] == "\u03c2"
        alone = (ch + "\u03a3").lower()[-1] == "\u03c2"
        if alone:
            cased.append(c)
        elif after_cased:
            ignorable.append(c)
    return {
        "unidata_version": unicodedata.unidata_version,
        "space": ranges([c for c in chars if chr(c).isspace()]),
        "lower": [[c, chr(c).lower()] for c in chars if chr(c).lower() != chr(c)],
        "case_ignorable": ranges(ignorable),
        "cased": ranges(cased),
    }


def write(path, value):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(value, f, indent=1, ensure_ascii=True, sort_keys=True)
        f.write("\n")


def main():
    os.makedirs(GOLDEN, exist_ok=True)
    names = sorted(n[: -len(".pypirc")] for n in os.listdir(CORPUS) if n.endswith(".pypirc"))
    for name in names:
        write(os.path.join(GOLDEN, name + ".json"), golden(os.path.join(CORPUS, name + ".pypirc")))
    for stale in sorted(set(os.listdir(GOLDEN)) - {n + ".json" for n in names}):
        os.remove(os.path.join(GOLDEN, stale))
    write(os.path.join(TESTDATA, "unicode.json"), unicode_tables())
    source = "twine's get_config" if twine_get_config else "the copy of twine's get_config"
    print(f"wrote {len(names)} golden files from {source} ({sys.version.split()[0]})")


if __name__ == "__main__":
    main()
