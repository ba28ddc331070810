"""Open each archive named on the command line with Python's own readers.

For a .whl, zipfile.ZipFile and ZipFile.testzip (every member read, its
CRC-32 checked); for a .tar.gz, tarfile.open(mode="r:gz"), getmembers and
every regular member read. Prints one JSON object: file name to "ok" or
the exception's type and text. An archive that keeps a reader busy for
more than two seconds (tarfile before 3.11.14 loops forever on a
negative member size, CVE-2025-8194) counts as refused. Used by pkg/dist's TestPythonOpensCorpus;
it judges nothing beyond what the standard library itself refuses.
"""

import json
import signal
import sys
import tarfile
import zipfile


def open_zip(path):
    with zipfile.ZipFile(path) as zf:
        bad = zf.testzip()
        if bad is not None:
            raise zipfile.BadZipFile("bad member %r" % bad)


def open_tar(path):
    with tarfile.open(path, mode="r:gz") as tf:
        for member in tf.getmembers():
            if member.isreg():
                tf.extractfile(member).read()


def timeout(signum, frame):
    raise TimeoutError("still reading after 2 seconds")


def main(paths):
    signal.signal(signal.SIGALRM, timeout)
    out = {}
    for path in paths:
        signal.alarm(2)
        try:
            if path.endswith(".whl"):
                open_zip(path)
            else:
                open_tar(path)
            out[path] = "ok"
        except Exception as exc:  # every refusal counts, whatever its type
            out[path] = "%s: %s" % (type(exc).__name__, exc)
        finally:
            signal.alarm(0)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
