"""Benchmark: loading a ``subscriptions`` dataset against the equivalent ``mrr`` dataset.

Writes 100,000 accounts with about 150,000 subscriptions over 36 months (monthly, annual and
36-month plans; a third of the accounts upgrade or downgrade once, some churn), loads it with
:func:`cskit.io.load_dataset` (parse, check, derive the monthly ``mrr``), then writes the
derived ``mrr`` as ``mrr.csv`` in a second folder and loads that. Each load runs in its own
process (best of 2), so the timings include the same imports. Prints the seconds, the rows
and the ratio; the goal is that the subscriptions dataset loads within 2x of the ``mrr`` one.

Run: ``.venv/bin/python bench/bench_subscriptions.py [--accounts N] [--months M]``.
Exit code 0 on PASS, 1 on FAIL.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import BENCH_DATA, machine, print_table, run_command  # noqa: E402

GOAL_RATIO = 2.0
LOAD = ("import sys, time; from cskit.io import load_dataset; t = time.perf_counter(); "
        "d = load_dataset(sys.argv[1]); print(time.perf_counter() - t, len(d['mrr']))")


def write_subscriptions(folder: Path, accounts: int, months: int, seed: int = 42) -> int:
    """A subscriptions dataset (teams, accounts, subscriptions, dataset.yml); returns the subscriptions written."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    first = pd.Timestamp("2023-01-01")
    ids = np.array([f"A{i:06d}" for i in range(accounts)], dtype=object)
    teams = np.array(["cs1", "cs2", "cs3"], dtype=object)[rng.integers(0, 3, accounts)]
    pd.DataFrame({"team": ["cs1", "cs2", "cs3"], "role": "cs"}).to_csv(folder / "teams.csv", index=False)
    pd.DataFrame({"account_id": ids, "team": teams}).to_csv(folder / "accounts.csv", index=False)
    start = first + pd.to_timedelta(rng.integers(0, months * 30, accounts), unit="D")
    period = rng.choice([1, 12, 36], accounts, p=[0.6, 0.3, 0.1])
    monthly = rng.choice([10_000.0, 30_000.0, 80_000.0], accounts)
    amount = monthly * period
    churn = rng.random(accounts) < 0.25
    end = pd.Series(start + pd.to_timedelta(rng.integers(60, 900, accounts), unit="D")).where(churn)
    changes = rng.random(accounts) < 0.5  # an upgrade or downgrade: the old plan ends the day the new one starts
    change_day = pd.Series(start + pd.to_timedelta(rng.integers(30, 700, accounts), unit="D"))
    changes &= end.isna().to_numpy() | (change_day < end).to_numpy()
    old_end = end.where(~changes, change_day)
    new_amount = amount * rng.choice([0.5, 1.5, 2.0], accounts)
    frame = pd.concat([
        pd.DataFrame({"account_id": ids, "start_date": start, "end_date": old_end, "amount": amount, "billing_period_months": period}),
        pd.DataFrame({"account_id": ids[changes], "start_date": change_day[changes].to_numpy(), "end_date": end[changes].to_numpy(),
                      "amount": new_amount[changes], "billing_period_months": period[changes]}),
    ], ignore_index=True)
    frame.insert(0, "subscription_id", [f"S{i:07d}" for i in range(len(frame))])
    frame.to_csv(folder / "subscriptions.csv", index=False, date_format="%Y-%m-%d")
    as_of = first + pd.DateOffset(months=months) - pd.Timedelta(days=1)
    (folder / "dataset.yml").write_text(f"currency: JPY\nas_of: {as_of:%Y-%m-%d}\n", encoding="utf-8")
    return len(frame)


def write_mrr_twin(subscriptions: Path, folder: Path) -> int:
    """The same dataset with ``mrr.csv`` (the derived monthly MRR) instead of subscriptions; returns its rows."""
    from cskit.io import load_dataset

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("teams.csv", "accounts.csv"):
        (folder / name).write_bytes((subscriptions / name).read_bytes())
    mrr = load_dataset(subscriptions)["mrr"]
    mrr.assign(month=mrr["month"].astype(str)).to_csv(folder / "mrr.csv", index=False)
    return len(mrr)


def best_load(folder: Path, runs: int = 2) -> tuple[float, float]:
    """(best seconds inside the process, peak MB) of ``load_dataset`` on ``folder``."""
    best, peak = float("inf"), 0.0
    for _ in range(runs):
        _, mb, out = run_command([sys.executable, "-c", LOAD, str(folder)])
        best, peak = min(best, float(out.split()[0])), max(peak, mb)
    return best, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=36)
    args = parser.parse_args()
    base = BENCH_DATA / f"subscriptions_{args.accounts}_{args.months}"
    subs, twin = base / "subscriptions", base / "mrr"
    count = write_subscriptions(subs, args.accounts, args.months)
    rows = write_mrr_twin(subs, twin)
    (subs_s, subs_mb), (mrr_s, mrr_mb) = best_load(subs), best_load(twin)
    ratio = subs_s / mrr_s
    print(f"machine: {machine()}")
    print_table(f"load_dataset, {args.accounts:,} accounts x {args.months} months (best of 2, each in its own process)",
                ["dataset", "rows", "seconds", "peak MB"],
                [["subscriptions (derive mrr)", f"{count:,}", f"{subs_s:.2f}", f"{subs_mb:.0f}"],
                 ["mrr (the derived table)", f"{rows:,}", f"{mrr_s:.2f}", f"{mrr_mb:.0f}"]])
    verdict = "PASS" if ratio <= GOAL_RATIO else "FAIL"
    print(f"\nratio subscriptions / mrr: {ratio:.2f} (goal <= {GOAL_RATIO}) {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
