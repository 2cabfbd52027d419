#!/usr/bin/env python3
"""Times rollsafe and squawk like for like on the same PostgreSQL migration files.

Like for like means:
- the same files: squawk lints exactly the files rollsafe discovered in each
  corpus folder, each file once (a dbmate file is listed for both its directions);
- the same output kind: `rollsafe check --format json` against
  `squawk --reporter json`, both written to a pipe that is read and dropped
  (squawk's default terminal report costs most of its time, and is not what a
  CI job parses);
- the same process count: one process per folder on each side;
- wall time and CPU time (user + sys of the children, from `getrusage`), since
  either tool may use several threads;
- interleaved runs, so both tools see the same machine load; minimum and median.

    python3 scripts/compare-squawk.py [--runs 7]

Installs squawk-cli (pinned, SQUAWK_VERSION) from PyPI into target/bench-venv on
first use. Never uses a shell.
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from corpus import CORPUS, POSTGRES_FOLDERS, ROOT, VENV

# Pinned, so figures from different days compare the same squawk.
SQUAWK_VERSION = "2.70.0"


def run(args):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)


def squawk_binary():
    squawk = VENV / "bin" / "squawk"
    installed = run([str(squawk), "--version"]).stdout.decode().split() if squawk.exists() else []
    if installed[-1:] != [SQUAWK_VERSION]:
        if not (VENV / "bin" / "pip").exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(VENV / "bin" / "pip"), "install", "-q", f"squawk-cli=={SQUAWK_VERSION}"], check=True
        )
    return squawk


def timed(commands):
    """Runs `commands` one after the other; their wall and CPU (user + sys) seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for command in commands:
        run(command)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def summary(name, times, megabytes):
    walls, cpus = [t[0] for t in times], [t[1] for t in times]
    wall_min, wall_median = min(walls), statistics.median(walls)
    cpu_min, cpu_median = min(cpus), statistics.median(cpus)
    print(
        f"{name:9} wall min {wall_min * 1000:4.0f} ms, median {wall_median * 1000:4.0f} ms "
        f"({megabytes / wall_median:5.1f} MB/s); "
        f"CPU min {cpu_min * 1000:4.0f} ms, median {cpu_median * 1000:4.0f} ms"
    )
    return wall_min, wall_median, cpu_min, cpu_median


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    squawk = squawk_binary()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    rollsafe = ROOT / "target" / "release" / "rollsafe"

    rollsafe_commands, squawk_commands, files = [], [], []
    for folder in POSTGRES_FOLDERS:
        path = CORPUS / folder
        if not path.is_dir():
            print(f"skipping {folder}: not in the corpus", file=sys.stderr)
            continue
        listing = json.loads(run([str(rollsafe), "list", "--json", str(path)]).stdout)
        # dict.fromkeys keeps the order and drops the second listing of a two-way file.
        ours = list(dict.fromkeys(m["file"] for m in listing["migrations"]))
        files.extend(ours)
        rollsafe_commands.append([str(rollsafe), "check", "--format", "json", str(path)])
        squawk_commands.append([str(squawk), "--reporter", "json", *ours])
    if len(set(files)) != len(files):
        sys.exit("a file is listed in two folders")
    megabytes = sum(Path(f).stat().st_size for f in files) / 1e6
    print(
        f"{len(rollsafe_commands)} folders, {len(files)} files, {megabytes:.2f} MB of PostgreSQL migrations; "
        f"squawk {SQUAWK_VERSION}, JSON both sides, {options.runs} interleaved runs"
    )

    rollsafe_times, squawk_times = [], []
    for _ in range(options.runs):
        rollsafe_times.append(timed(rollsafe_commands))
        squawk_times.append(timed(squawk_commands))
    ours = summary("rollsafe:", rollsafe_times, megabytes)
    theirs = summary("squawk:", squawk_times, megabytes)
    print(
        f"rollsafe/squawk throughput: wall {theirs[1] / ours[1]:.2f}x (median), {theirs[0] / ours[0]:.2f}x (min); "
        f"CPU {theirs[3] / ours[3]:.2f}x less (median)"
    )


if __name__ == "__main__":
    main()
