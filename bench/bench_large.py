"""Benchmark: `cskit kpi` on large exports, pandas route against the DuckDB route.

For each size the same dataset folder (`cskit sample`, 36 months) is run twice:
  * `cskit kpi --engine pandas`: every table read, checked and held as pandas frames;
    every KPI of the registry;
  * `cskit kpi --engine duckdb`: the `mrr` file checked and aggregated inside DuckDB
    (memory limit 2 GB, spilling to disk beyond it); the other tables through pandas;
    the revenue KPIs only (`cskit.kpi.sql.PUSHDOWN_KPIS`).
The revenue KPIs of both runs are cross-checked equal. Printed: wall time and the
peak memory of each run, and the ratio of the peaks. Goal (issue: scale and speed):
the DuckDB route's peak memory must not grow with the `mrr` file like the pandas
route's: at the largest size it must stay below half of the pandas route's.

Run: `.venv/bin/python bench/bench_large.py [--sizes 300000,1000000]`.
"""
from __future__ import annotations

import argparse
import io
import sys

import numpy as np
import pandas as pd

from common import CSKIT, machine, print_table, run_command, sample_dataset


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="300000,1000000")
    args = parser.parse_args()
    from cskit.kpi.sql import PUSHDOWN_KPIS

    rows, ok = [], True
    for accounts in [int(s) for s in args.sizes.split(",")]:
        folder = sample_dataset(accounts)
        mrr_mb = (folder / "mrr.csv").stat().st_size / 1e6
        runs = {}
        for engine in ("pandas", "duckdb"):
            seconds, peak_mb, out = run_command(CSKIT + ["kpi", "--data", str(folder), "--engine", engine, "--format", "csv"])
            runs[engine] = (seconds, peak_mb, pd.read_csv(io.StringIO(out)))
        theirs = runs["pandas"][2]
        theirs = theirs[theirs["kpi"].isin(PUSHDOWN_KPIS)]
        merged = runs["duckdb"][2].merge(theirs, on=["team", "month", "kpi"], how="outer", indicator=True)
        equal = (merged["_merge"] == "both").all() and np.allclose(merged["value_x"], merged["value_y"], rtol=1e-9, equal_nan=True)
        ratio = runs["duckdb"][1] / runs["pandas"][1]
        rows.append([f"{accounts:,}", f"{mrr_mb:,.0f}", f"{runs['pandas'][0]:.1f}", f"{runs['pandas'][1]:,.0f}",
                     f"{runs['duckdb'][0]:.1f}", f"{runs['duckdb'][1]:,.0f}", f"{ratio:.2f}",
                     "equal" if equal else "MISMATCH"])
        ok &= bool(equal)
    ok &= float(rows[-1][6]) < 0.5
    print_table(f"cskit kpi on large exports: pandas route vs DuckDB route ({machine()})",
                ["accounts", "mrr.csv MB", "pandas s", "pandas peak MB", "duckdb s", "duckdb peak MB",
                 "peak ratio", "revenue KPIs"], rows)
    print("\npandas route: every KPI; DuckDB route: the revenue KPIs (" + ", ".join(PUSHDOWN_KPIS) + ")")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
