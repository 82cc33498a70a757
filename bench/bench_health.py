"""Benchmark: `cskit health --backtest` against `cskit kpi` on the same data (100k accounts x 36 months).

Goal (issue #16): the backtest (every past month of every account scored and judged) within 2x of `cskit kpi`.
Run: `.venv/bin/python bench/bench_health.py [--accounts 100000]`.
"""
from __future__ import annotations

import argparse
import sys

from common import CSKIT, machine, print_table, run_command, sample_dataset

GOAL_RATIO = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=100_000, help="number of accounts")
    args = parser.parse_args()
    folder = sample_dataset(args.accounts)
    kpi_s, kpi_mb, _ = run_command(CSKIT + ["kpi", "--data", str(folder), "--format", "csv"])
    health_s, health_mb, out = run_command(CSKIT + ["health", "--data", str(folder), "--backtest", "--format", "csv"])
    ratio = health_s / kpi_s
    rows = [["cskit kpi", f"{kpi_s:.1f}", f"{kpi_mb:,.0f}", "-"],
            ["cskit health --backtest", f"{health_s:.1f}", f"{health_mb:,.0f}", f"{ratio:.2f}"]]
    print_table(f"{args.accounts:,} accounts x 36 months ({machine()}); goal: health --backtest <= {GOAL_RATIO:g}x kpi",
                ["command", "wall s", "peak MB", "ratio to kpi"], rows)
    print("PASS" if ratio <= GOAL_RATIO else "FAIL")
    return 0 if ratio <= GOAL_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
