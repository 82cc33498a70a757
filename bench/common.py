"""Shared helpers for the benchmark scripts: cached synthetic datasets, timing, tables."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DATA = Path(os.environ.get("CSKIT_BENCH_DATA", "/tmp/cskit-bench"))
CSKIT = [sys.executable, "-m", "cskit.cli"]


def sample_dataset(accounts: int, months: int = 36, seed: int = 42, history_months: int = 0) -> Path:
    """A synthetic dataset of ``accounts`` x ``months`` (generated once, then reused).

    ``history_months=0`` (the company starts with the data) keeps the sizes comparable with
    the benchmarks recorded before the mid-life sample: every account is in the export.
    """
    folder = BENCH_DATA / f"sample_{accounts}_{months}_{seed}_h{history_months}"
    if not (folder / "mrr.csv").exists():
        # in a child process: generating in this one would leave its memory high, and a child's
        # peak (wait4) starts from the RSS of the process that forked it
        subprocess.run(CSKIT + ["sample", "--out", str(folder), "--accounts", str(accounts), "--months", str(months),
                                "--seed", str(seed), "--history-months", str(history_months)], check=True, stdout=subprocess.DEVNULL)
    return folder


def run_command(args: list[str]) -> tuple[float, float, str]:
    """Run a command; return (wall seconds, peak memory of that one run in MB, stdout).

    The peak is the child's own maximum resident set size, read with ``os.wait4`` for
    that process only (``RUSAGE_CHILDREN`` would be the maximum over every child so far).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8")
        if process.returncode != 0:
            raise subprocess.CalledProcessError(process.returncode, args, stdout, err.read().decode("utf-8"))
    return seconds, usage.ru_maxrss / 1024, stdout


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def print_table(title: str, header: list[str], rows: list[list]) -> None:
    widths = [max(len(str(x)) for x in [h] + [r[i] for r in rows]) for i, h in enumerate(header)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths)))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
