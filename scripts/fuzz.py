#!/usr/bin/env python3
"""Runs rollsafe's cargo-fuzz targets (fuzz/) one after another and sums them up.

Usage: scripts/fuzz.py SECONDS_PER_TARGET [TARGET ...]

Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Each target
starts from its own corpus (fuzz/corpus/TARGET, kept between runs, not committed)
and reads the `.sql` files of fixtures/ and ../shared/corpus as seeds, without
writing there. At the end it prints, per target, the executions, the seconds
run, and any crash, hang or out-of-memory input libFuzzer saved under
fuzz/artifacts/TARGET: minimize one with `cargo +nightly fuzz tmin TARGET FILE`
and keep it as a regression test in tests/properties.rs.
Exit status 1 when any target found something.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from corpus import CORPUS

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
TARGETS = ["split", "tokenize_postgres", "parse_postgres", "parse_mysql", "parse_sqlite", "parse_mssql", "pipeline"]
# rollsafe reads about 10 MB/s: a 64 KB input costs 6 ms, a 2 KB one 0.2 ms. Inputs
# beyond this teach the fuzzer little more and cost it most of its executions;
# the parse targets cut every input in 16-byte pieces, so cutting is still tried
# at nearly every statement end.
MAX_LEN = 2048


def seed_folder(into: Path) -> Path:
    """Links every seed file of a useful size into one flat folder."""
    sources = [ROOT / "fixtures"] + ([CORPUS] if CORPUS.is_dir() else [])
    count = 0
    for source in sources:
        for sql in source.rglob("*.sql"):
            if sql.is_file() and sql.stat().st_size <= 16 * MAX_LEN:
                count += 1
                (into / f"{count:06}.sql").symlink_to(sql.resolve())
    print(f"seeds: {count} .sql files from {', '.join(str(s) for s in sources)}", flush=True)
    return into


def run(target: str, seconds: int, seeds: Path) -> dict:
    corpus = FUZZ / "corpus" / target
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts = FUZZ / "artifacts" / target
    artifacts.mkdir(parents=True, exist_ok=True)
    before = set(artifacts.iterdir())
    command = [
        # No AddressSanitizer: the crate forbids `unsafe`, and ASan would cost two
        # to three times the executions.
        "cargo", "+nightly", "fuzz", "run", "--sanitizer", "none", "--fuzz-dir", str(FUZZ), target,
        str(corpus), str(seeds), "--",
        f"-max_total_time={seconds}", f"-max_len={MAX_LEN}", "-timeout=10", "-rss_limit_mb=2048",
        "-print_final_stats=1", f"-artifact_prefix={artifacts}/",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    log = result.stdout + result.stderr
    (FUZZ / "artifacts" / f"{target}.log").write_text(log)
    executions = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
    found = sorted(set(artifacts.iterdir()) - before)
    return {
        "target": target,
        "executions": int(executions[-1]) if executions else 0,
        "status": result.returncode,
        "found": found,
    }


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    seconds = int(sys.argv[1])
    targets = sys.argv[2:] or TARGETS
    with tempfile.TemporaryDirectory(prefix="rollsafe-seeds") as folder:
        seeds = seed_folder(Path(folder))
        results = [run(target, seconds, seeds) for target in targets]
    print(f"{'target':<16} {'executions':>12}  status  found")
    for r in results:
        found = ", ".join(str(p.relative_to(ROOT)) for p in r["found"]) or "-"
        print(f"{r['target']:<16} {r['executions']:>12}  {r['status']:>6}  {found}")
    print(f"{'all':<16} {sum(r['executions'] for r in results):>12}")
    return 1 if any(r["found"] or r["status"] != 0 for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
