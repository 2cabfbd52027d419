#!/usr/bin/env python3
"""Cross-checks rollsafe's statement split against libpg_query (pglast) on the
PostgreSQL corpus files libpg_query accepts: the statement counts must agree.

    python3 scripts/crosscheck-pglast.py

Installs pglast from PyPI into target/bench-venv on first use. Exits 1 on any
disagreement. Never uses a shell.
"""
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from corpus import CORPUS, DBMATE_FOLDERS, POSTGRES_FOLDERS, ROOT, VENV
FOLDERS = [f for f in POSTGRES_FOLDERS if f not in DBMATE_FOLDERS]
REPORTS = {"unused-suppression", "invalid-suppression"}


def main():
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "pglast"], check=True)
    if sys.executable != str(python):
        sys.exit(subprocess.run([str(python), __file__], check=False).returncode)
    import pglast  # noqa: E402  (available once running inside the venv)

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    rollsafe = ROOT / "target" / "release" / "rollsafe"
    compared = agreed = rejected = 0
    mismatches = []
    for folder in FOLDERS:
        path = CORPUS / folder
        if not path.is_dir():
            continue
        output = subprocess.run([str(rollsafe), "check", "--format", "json", str(path)], stdout=subprocess.PIPE, check=False)
        report = json.loads(output.stdout)
        counts = Counter(c["file"] for c in report["changes"] if c["rule"] not in REPORTS)
        listing = json.loads(subprocess.run([str(rollsafe), "list", "--json", str(path)], stdout=subprocess.PIPE, check=False).stdout)
        forward = [m["file"] for m in listing["migrations"] if m["direction"] != "back"]
        for file in forward:
            text = Path(file).read_text(encoding="utf-8", errors="replace")
            try:
                expected = len(pglast.split(text, with_parser=True))
            except Exception:  # libpg_query rejects the file: nothing to compare
                rejected += 1
                continue
            compared += 1
            if expected == counts[file]:
                agreed += 1
            else:
                mismatches.append((file, expected, counts[file]))
    print(f"{compared} files compared ({rejected} rejected by libpg_query): {agreed} agree, {len(mismatches)} differ")
    for file, expected, got in mismatches[:20]:
        print(f"  {file}: libpg_query {expected}, rollsafe {got}")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
