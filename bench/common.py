"""Shared helpers for the benchmark scripts: cached synthetic datasets, timing, tables."""
from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

BENCH_DATA = Path(os.environ.get("CSKIT_BENCH_DATA", "/tmp/cskit-bench"))
CSKIT = [sys.executable, "-m", "cskit.cli"]


def sample_dataset(accounts: int, months: int = 36, seed: int = 42) -> Path:
    """A synthetic dataset of ``accounts`` x ``months`` (generated once, then reused)."""
    folder = BENCH_DATA / f"sample_{accounts}_{months}_{seed}"
    if not (folder / "mrr.csv").exists():
        from cskit.sample import write_sample

        write_sample(folder, accounts=accounts, months=months, seed=seed)
    return folder


def run_command(args: list[str]) -> tuple[float, float, str]:
    """Run a command; return (wall seconds, peak memory of the child in MB, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak_kb, before) / 1024, done.stdout


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def print_table(title: str, header: list[str], rows: list[list]) -> None:
    widths = [max(len(str(x)) for x in [h] + [r[i] for r in rows]) for i, h in enumerate(header)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths)))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
