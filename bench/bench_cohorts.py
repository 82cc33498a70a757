"""Benchmark: cohort matrices and survival on 100,000 accounts x 36 months.

Builds the dataset in memory (``cskit.sample.generate_sample`` when available, else
a dense random MRR table), then times the logo and revenue matrices, the quarterly
matrix, cohort LTV and the survival curve. Prints one row per step (rows in, seconds,
peak memory of the step) and PASS/FAIL against the goal: both matrices under 10 s.

Run: ``.venv/bin/python bench/bench_cohorts.py [--accounts N] [--months M]``.
Exit code 0 on PASS, 1 on FAIL.
"""
from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cskit import cohorts  # noqa: E402
from cskit.io import Dataset  # noqa: E402

GOAL_SECONDS = 10.0


def build_dataset(accounts: int, months: int, seed: int = 42) -> tuple[Dataset, str]:
    """A typed in-memory Dataset (``teams``, ``accounts``, ``mrr``) and how it was made."""
    try:
        from cskit.sample import generate_sample
    except ImportError:
        return _random_dataset(accounts, months, seed), "numpy random"
    tables = generate_sample(accounts=accounts, months=months, seed=seed)
    mrr = tables["mrr"]
    typed = {
        "teams": tables["teams"],
        "accounts": tables["accounts"],
        "mrr": pd.DataFrame({
            "account_id": mrr["account_id"].astype(object),
            "month": pd.PeriodIndex(pd.to_datetime(mrr["month"], format="%Y-%m"), freq="M"),
            "mrr": mrr["mrr"].astype("float64"),
        }),
    }
    return Dataset(tables=typed, path="<generate_sample>"), "cskit.sample.generate_sample"


def _random_dataset(accounts: int, months: int, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    ids = np.array([f"A{i:06d}" for i in range(accounts)], dtype=object)
    start = rng.integers(0, months, accounts)
    churn = start + rng.geometric(0.04, accounts)
    grid = np.arange(months)[None, :]
    paying = (grid >= start[:, None]) & (grid < churn[:, None])
    price = rng.choice([20_000.0, 120_000.0, 600_000.0], accounts)
    rows, cols = np.nonzero(paying)
    period = pd.period_range("2023-11", periods=months, freq="M")
    segment = rng.choice(["smb", "mid", "enterprise"], accounts)
    return Dataset(tables={
        "accounts": pd.DataFrame({"account_id": ids, "team": "cs", "segment": segment}),
        "mrr": pd.DataFrame({"account_id": ids[rows], "month": period[cols], "mrr": price[rows]}),
    }, path="<random>")


def timed(label: str, rows: int, func):
    tracemalloc.start()
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"step": label, "rows": rows, "seconds": seconds, "peak_mb": peak / 2**20}, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=36)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    dataset, source = build_dataset(args.accounts, args.months)
    rows = len(dataset["mrr"])
    print(f"dataset: {args.accounts:,} accounts x {args.months} months, {rows:,} mrr rows "
          f"({source}, built in {time.perf_counter() - start:.1f} s)")

    results = []
    for label, func in (
        ("logo matrix", lambda: cohorts.retention_matrix(cohorts.cohort_retention(dataset, metric="logo"))),
        ("revenue matrix", lambda: cohorts.retention_matrix(cohorts.cohort_retention(dataset, metric="revenue"))),
        ("logo matrix, quarters", lambda: cohorts.retention_matrix(cohorts.cohort_retention(dataset, period="quarter"))),
        ("logo by segment", lambda: cohorts.cohort_retention(dataset, split="segment")),
        ("cohort LTV", lambda: cohorts.cohort_ltv(dataset)),
        ("survival curve", lambda: cohorts.survival_curve(dataset)),
    ):
        row, _ = timed(label, rows, func)
        results.append(row)

    table = pd.DataFrame(results)
    print(table.to_string(index=False, formatters={
        "rows": "{:,}".format, "seconds": "{:.3f}".format, "peak_mb": "{:.1f}".format}))
    both = float(table.loc[table["step"].isin(["logo matrix", "revenue matrix"]), "seconds"].sum())
    ok = both < GOAL_SECONDS
    print(f"{'PASS' if ok else 'FAIL'}: logo + revenue matrices took {both:.2f} s (goal < {GOAL_SECONDS:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
