"""Benchmark: cskit's engine against a plain DuckDB SQL reference, by size.

For each size the same three CSV files (teams, accounts, mrr of `cskit sample`) are
processed twice, each in its own process, timed inside the process after imports:
  * cskit: `load_dataset` (every cell of the three files parsed and validated) ->
    `compute_kpis` (every KPI the three tables allow, for the company and each of the
    7 teams) -> the logo and the revenue cohort matrices (month cohorts);
  * reference: hand-written DuckDB SQL in this script over mrr.csv, no validation:
    company MRR, customers, the five movements and NRR 12m per month, and the logo
    and revenue cohort matrices.
cskit computes more than the reference (8 scopes, every KPI of the revenue family,
validation), never less. The company figures of both are cross-checked equal.
Also timed: the full `cskit kpi` command on the full dataset (all 11 tables, CSV out).
Peak memory is each process's own maximum resident set size.
Goals (issue #9): cskit within 2x of the reference, peak memory under 4 GB, cost
growing linearly with size.
Run: `.venv/bin/python bench/bench_engine.py [--sizes 10000,100000,300000] [--repeat 2]`.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from common import CSKIT, machine, print_table, run_command, sample_dataset

#: Relative tolerance of the cross-check (floating-point summation order only; money sums are exact).
RTOL = 1e-9

REFERENCE_SQL = """
WITH m AS (
  SELECT account_id, (CAST(substr(month, 1, 4) AS INTEGER) * 12 + CAST(substr(month, 6, 2) AS INTEGER) - 1) AS mi, CAST(mrr AS DOUBLE) AS mrr
  FROM read_csv('{mrr}', all_varchar = true)
),
cal AS (SELECT generate_series AS mi FROM generate_series((SELECT min(mi) FROM m), (SELECT max(mi) FROM m))),
grid AS (
  SELECT a.account_id, cal.mi, coalesce(m.mrr, 0) AS mrr
  FROM (SELECT DISTINCT account_id FROM m) a CROSS JOIN cal LEFT JOIN m USING (account_id, mi)
),
w AS (
  SELECT *, lag(mrr) OVER (PARTITION BY account_id ORDER BY mi) AS prev,
         max(mrr > 0) OVER (PARTITION BY account_id ORDER BY mi ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS paid_before,
         lag(mrr, 12) OVER (PARTITION BY account_id ORDER BY mi) AS year_ago
  FROM grid
)
SELECT mi, sum(mrr) AS mrr, count(*) FILTER (mrr > 0) AS customers,
  sum(CASE WHEN prev = 0 AND mrr > 0 AND NOT coalesce(paid_before, false) THEN mrr ELSE 0 END) AS new_mrr,
  sum(CASE WHEN prev = 0 AND mrr > 0 AND paid_before THEN mrr ELSE 0 END) AS reactivation_mrr,
  sum(CASE WHEN prev > 0 AND mrr > prev THEN mrr - prev ELSE 0 END) AS expansion_mrr,
  sum(CASE WHEN prev > 0 AND mrr > 0 AND mrr < prev THEN prev - mrr ELSE 0 END) AS contraction_mrr,
  sum(CASE WHEN prev > 0 AND mrr = 0 THEN prev ELSE 0 END) AS churned_mrr,
  sum(mrr) FILTER (year_ago > 0) / nullif(sum(year_ago) FILTER (year_ago > 0), 0) AS nrr_12m
FROM w GROUP BY mi ORDER BY mi
"""

COHORT_SQL = """
WITH m AS (
  SELECT account_id, (CAST(substr(month, 1, 4) AS INTEGER) * 12 + CAST(substr(month, 6, 2) AS INTEGER) - 1) AS mi, CAST(mrr AS DOUBLE) AS mrr
  FROM read_csv('{mrr}', all_varchar = true) WHERE CAST(mrr AS DOUBLE) > 0
),
first AS (SELECT account_id, min(mi) AS cohort FROM m GROUP BY account_id),
base AS (SELECT f.cohort, count(*) AS size, sum(m.mrr) AS base_mrr FROM first f JOIN m ON m.account_id = f.account_id AND m.mi = f.cohort GROUP BY f.cohort)
SELECT f.cohort, m.mi - f.cohort AS age, count(*) / any_value(b.size) AS logo, sum(m.mrr) / any_value(b.base_mrr) AS revenue
FROM m JOIN first f USING (account_id) JOIN base b ON b.cohort = f.cohort
GROUP BY f.cohort, age ORDER BY f.cohort, age
"""


def reference(folder: Path) -> tuple[float, pd.DataFrame, pd.DataFrame]:
    import duckdb

    start = time.perf_counter()
    connection = duckdb.connect()
    revenue = connection.execute(REFERENCE_SQL.format(mrr=folder / "mrr.csv")).df()
    cohorts = connection.execute(COHORT_SQL.format(mrr=folder / "mrr.csv")).df()
    return time.perf_counter() - start, revenue, cohorts


def cskit_same_figures(folder: Path) -> tuple[float, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from cskit.cohorts import cohort_retention
    from cskit.io import load_dataset
    from cskit.kpi.engine import compute_kpis

    start = time.perf_counter()
    data = load_dataset(folder)
    kpis = compute_kpis(data, teams="all")
    logo = cohort_retention(data, metric="logo")
    revenue = cohort_retention(data, metric="revenue")
    return time.perf_counter() - start, kpis, logo, revenue


def probe(side: str, folder: Path, out: Path) -> None:
    """One measured run in this process: print its seconds, write its figures to ``out``."""
    if side == "duckdb":
        seconds, revenue, cohorts = reference(folder)
        revenue.to_parquet(out / "ref_revenue.parquet")
        cohorts.to_parquet(out / "ref_cohorts.parquet")
    else:
        seconds, kpis, logo, revenue = cskit_same_figures(folder)
        kpis.assign(month=kpis["month"].astype(str)).to_parquet(out / "kpis.parquet")
        logo.to_parquet(out / "logo.parquet")
        revenue.to_parquet(out / "revenue.parquet")
    print(seconds)


def measured(side: str, folder: Path, out: Path, repeat: int) -> tuple[float, float]:
    """Best seconds of ``repeat`` runs (each a fresh process) and the largest peak memory (MB)."""
    runs = [run_command([sys.executable, __file__, "--probe", side, "--data", str(folder), "--out", str(out)])
            for _ in range(repeat)]
    return min(float(out.strip().splitlines()[-1]) for _, _, out in runs), max(peak for _, peak, _ in runs)


def cross_check(kpis, logo, revenue, ref_revenue, ref_cohorts) -> str:
    wide = kpis[kpis.team == "all"].pivot(index="month", columns="kpi", values="value")
    months = pd.PeriodIndex.from_ordinals(ref_revenue["mi"].astype("int64") - 1970 * 12, freq="M").astype(str)
    ref = ref_revenue.drop(columns="mi").set_index(months)
    for column in ("mrr", "customers", "new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "nrr_12m"):
        ours, theirs = wide[column].iloc[1:], ref[column].iloc[1:].astype(float)  # month 0: movements unknown
        if not np.allclose(ours.to_numpy(), theirs.to_numpy(), rtol=RTOL, atol=0, equal_nan=True):
            return f"MISMATCH {column}"
    cohort_months = pd.PeriodIndex.from_ordinals(ref_cohorts["cohort"].astype("int64") - 1970 * 12, freq="M").astype(str)
    ref_cells = ref_cohorts.assign(cohort=cohort_months).set_index(["cohort", "age"])
    for name, tidy in (("logo", logo), ("revenue", revenue)):
        ours = tidy.dropna(subset=["value"]).set_index(["cohort", "age"])["value"]
        theirs = ref_cells[name].reindex(ours.index).fillna(0.0)
        if not np.allclose(ours.to_numpy(), theirs.to_numpy(), rtol=RTOL, atol=0):
            return f"MISMATCH cohort {name}"
    return "equal"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,300000")
    parser.add_argument("--repeat", type=int, default=2, help="runs per side and size; the best time counts")
    parser.add_argument("--probe", choices=["cskit", "duckdb"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(args.probe, args.data, args.out)
        return 0
    rows, failed, linear = [], False, []
    for accounts in [int(s) for s in args.sizes.split(",")]:
        full = sample_dataset(accounts)
        with tempfile.TemporaryDirectory() as tmp:
            core = Path(tmp)
            for name in ("accounts.csv", "mrr.csv", "teams.csv"):
                shutil.copy(full / name, core / name)
            ref_seconds, ref_peak = measured("duckdb", core, core, args.repeat)
            ours, peak_mb = measured("cskit", core, core, args.repeat)
            check = cross_check(*(pd.read_parquet(core / f) for f in (
                "kpis.parquet", "logo.parquet", "revenue.parquet", "ref_revenue.parquet", "ref_cohorts.parquet")))
        kpi_seconds, kpi_peak, _ = run_command(CSKIT + ["kpi", "--data", str(full), "--format", "csv"])
        ratio = ours / ref_seconds
        linear.append((accounts, ref_seconds, ours, kpi_seconds))
        ok = ratio <= 2.0 and max(peak_mb, kpi_peak) < 4096 and check == "equal"
        failed |= not ok
        rows.append([f"{accounts:,}", f"{ref_seconds:.2f}", f"{ref_peak:,.0f}", f"{ours:.2f}", f"{peak_mb:,.0f}",
                     f"{ratio:.2f}", check, f"{kpi_seconds:.1f}", f"{kpi_peak:,.0f}", "PASS" if ok else "FAIL"])
    print_table(f"engine vs DuckDB reference, 36 months, best of {args.repeat} ({machine()})",
                ["accounts", "duckdb s", "duckdb MB", "cskit s", "cskit MB", "ratio", "cross-check",
                 "full kpi s", "kpi MB", "verdict"], rows)
    if len(linear) > 1:
        print("\nseconds per 1,000 accounts (flat = linear growth; small sizes carry fixed costs):")
        print_table("", ["accounts", "duckdb", "cskit", "full kpi"],
                    [[f"{n:,}", f"{1000 * d / n:.4f}", f"{1000 * c / n:.4f}", f"{1000 * k / n:.4f}"] for n, d, c, k in linear])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
