"""Benchmark: ``cskit survival --split touch_model --test`` against ``cskit kpi`` on the same data.

Both commands run end to end (read, validate, compute, write) in their own process on
``sample_dataset(100_000)`` (100,000 accounts x 36 months), best of ``--runs``; the script
prints both times and their ratio and PASS/FAIL against the goal: survival within 2x of kpi.
``--history-months 48`` uses a mid-life company (about a third of the accounts enter late).

Run: ``.venv/bin/python bench/bench_survival.py [--accounts N] [--runs R] [--history-months H]``.
Exit code 0 on PASS, 1 on FAIL.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from common import CSKIT, machine, print_table, run_command, sample_dataset  # noqa: E402

GOAL_RATIO = 2.0


def best(args: list[str], runs: int) -> tuple[float, float]:
    """Best wall time (s) and its peak memory (MB) over ``runs`` runs."""
    results = [run_command(args)[:2] for _ in range(runs)]
    return min(results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--history-months", type=int, default=0)
    options = parser.parse_args()
    folder = sample_dataset(options.accounts, history_months=options.history_months)
    survival_s, survival_mb = best(CSKIT + ["survival", "--data", str(folder), "--split", "touch_model", "--test",
                                            "--rmst", "12,24", "--format", "json", "--lang", "en"], options.runs)
    kpi_s, kpi_mb = best(CSKIT + ["kpi", "--data", str(folder), "--format", "csv", "--lang", "en"], options.runs)
    ratio = survival_s / kpi_s
    verdict = "PASS" if ratio <= GOAL_RATIO else "FAIL"
    print(f"machine: {machine()}; data: {folder}")
    print_table("cskit survival --split touch_model --test vs cskit kpi", ["command", "seconds", "peak MB"], [
        ["survival --split touch_model --test --rmst 12,24", f"{survival_s:.2f}", f"{survival_mb:.0f}"],
        ["kpi", f"{kpi_s:.2f}", f"{kpi_mb:.0f}"],
    ])
    print(f"\nratio survival / kpi: {ratio:.2f} (goal <= {GOAL_RATIO:g}x): {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
