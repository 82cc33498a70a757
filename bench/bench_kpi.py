"""Benchmark: `cskit kpi` end to end (read, validate, compute, write CSV) by dataset size.

Goal (issue: KPI engine): 100,000 accounts x 36 months in under 30 s on a 2-core machine.
Run: `make bench` or `.venv/bin/python bench/bench_kpi.py [--sizes 10000,100000]`.
"""
from __future__ import annotations

import argparse
import sys

from common import CSKIT, machine, print_table, run_command, sample_dataset

GOAL_SECONDS = 30.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="account counts, comma-separated")
    args = parser.parse_args()
    rows, verdict = [], 0
    for accounts in [int(s) for s in args.sizes.split(",")]:
        folder = sample_dataset(accounts)
        mrr_rows = sum(1 for _ in open(folder / "mrr.csv")) - 1
        seconds, peak_mb, out = run_command(CSKIT + ["kpi", "--data", str(folder), "--format", "csv"])
        ok = seconds < GOAL_SECONDS if accounts >= 100_000 else True
        verdict |= 0 if ok else 1
        rows.append([f"{accounts:,}", f"{mrr_rows:,}", f"{out.count(chr(10)) - 1:,}", f"{seconds:.1f}", f"{peak_mb:,.0f}",
                     f"{seconds / GOAL_SECONDS:.2f}" if accounts >= 100_000 else "-", "PASS" if ok else "FAIL"])
    print_table(f"cskit kpi, 36 months ({machine()}); goal < {GOAL_SECONDS:.0f} s at 100k accounts",
                ["accounts", "mrr rows", "kpi rows", "wall s", "peak MB", "ratio to goal", "verdict"], rows)
    return verdict


if __name__ == "__main__":
    sys.exit(main())
