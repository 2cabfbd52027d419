#!/usr/bin/env python3
"""Times rollsafe and squawk on the same PostgreSQL migration files, in one run.

rollsafe checks each corpus folder (replaying the schema across its files); squawk
lints exactly the files rollsafe discovered there. Prints MB/s for each and the ratio.

    python3 scripts/compare-squawk.py [--runs 5]

Installs squawk-cli from PyPI into target/bench-venv on first use. Never uses a shell.
"""
import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from corpus import CORPUS, POSTGRES_FOLDERS, ROOT, VENV


def run(args):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    squawk = VENV / "bin" / "squawk"
    if not squawk.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "squawk-cli"], check=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    rollsafe = ROOT / "target" / "release" / "rollsafe"

    folders, files = [], []
    for folder in POSTGRES_FOLDERS:
        path = CORPUS / folder
        if not path.is_dir():
            print(f"skipping {folder}: not in the corpus", file=sys.stderr)
            continue
        listing = json.loads(run([str(rollsafe), "list", "--json", str(path)]).stdout)
        folders.append(path)
        files.extend(m["file"] for m in listing["migrations"])
    size = sum(Path(f).stat().st_size for f in files)
    print(f"{len(folders)} folders, {len(files)} files, {size / 1e6:.2f} MB of PostgreSQL migrations")

    def time_rollsafe():
        start = time.perf_counter()
        for folder in folders:
            run([str(rollsafe), "check", "--format", "json", str(folder)])
        return time.perf_counter() - start

    def time_squawk():
        start = time.perf_counter()
        # In chunks, to stay under the argument-length limit.
        for i in range(0, len(files), 500):
            run([str(squawk), *files[i:i + 500]])
        return time.perf_counter() - start

    rollsafe_times, squawk_times = [], []
    for _ in range(options.runs):  # interleaved, so both see the same machine load
        rollsafe_times.append(time_rollsafe())
        squawk_times.append(time_squawk())
    r, s = statistics.median(rollsafe_times), statistics.median(squawk_times)
    print(f"rollsafe: median {r * 1000:.0f} ms = {size / 1e6 / r:.1f} MB/s (runs: {', '.join(f'{t * 1000:.0f}' for t in rollsafe_times)} ms)")
    print(f"squawk:   median {s * 1000:.0f} ms = {size / 1e6 / s:.1f} MB/s (runs: {', '.join(f'{t * 1000:.0f}' for t in squawk_times)} ms)")
    print(f"ratio: rollsafe throughput is {s / r:.2f}x squawk's")


if __name__ == "__main__":
    main()
