#!/usr/bin/env python3
"""Writes rollsafe's JSON reports for every corpus folder, to compare two builds.

Usage: scripts/corpus-json.py BINARY OUTDIR

For every folder of ../shared/corpus that holds `.sql` files (directly) or their folders, and for
every migrations path of MANIFEST.tsv, it writes `check --format json` and
`list --json` (stdout, then the exit status) to OUTDIR. Refactors that must not
change behaviour compare two such folders with `diff -r`.
"""
import subprocess
import sys
from pathlib import Path

from corpus import CORPUS


def folders():
    seen = set()
    for line in (CORPUS / "MANIFEST.tsv").read_text().splitlines()[1:]:
        fields = line.split("\t")
        for path in fields[4].split():
            seen.add(Path(fields[3]) / path)
    for sql in CORPUS.rglob("*.sql"):
        # A Prisma or Diesel migration is a folder of its own: its parent is the history.
        seen.add(sql.parent.relative_to(CORPUS))
        seen.add(sql.parent.parent.relative_to(CORPUS))
    return sorted(seen)


def main():
    binary, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for folder in folders():
        name = str(folder).strip("/").replace("/", "__")
        for command, args in (("check", ["--format", "json"]), ("list", ["--json"])):
            result = subprocess.run(
                [binary, command, str(folder), *args], cwd=CORPUS, capture_output=True, timeout=600
            )
            (out / f"{name}.{command}.json").write_bytes(
                result.stdout + b"\n-- exit " + str(result.returncode).encode() + b"\n" + result.stderr
            )
    print(f"{len(folders())} folders written to {out}")


if __name__ == "__main__":
    main()
