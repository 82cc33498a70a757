"""Benchmark `cskit report` against a floor of trivial notebooks run the same way.

The batch is the sample report (every team, every notebook that exists). The floor is
the same number of notebooks that only import pandas and seaborn and draw one plot,
run through the very same pipeline (process pool of ``--jobs`` workers, each job a
papermill execute plus the nbconvert HTML export). Target: batch <= 1.5 x floor.

Then the same report is run again with nothing changed (the weekly run on the same
data): every page is up to date (:mod:`cskit.report.freshness`), so only validation,
fingerprints and the index pages remain; it is timed in the same process and as a new
``python -m cskit report`` process (what cron or ``make report`` pays, imports included).
Goal: unchanged re-run (the new process) <= 0.05 x batch.

The script also prints where a report notebook's time goes that the runner cannot
remove (loading the dataset and computing the KPIs once, per kernel), so the ratio can
be read against the notebooks' own work.

Then it prints the cost of ``--pdf`` per page: the batch's pages printed by headless
Chromium (:mod:`cskit.report.pdf`), ``--jobs`` at a time, timed apart from the batch.

Run:  .venv/bin/python bench/bench_report.py [--data data/sample] [--jobs N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import nbformat

TARGET = 1.5
RERUN_GOAL = 0.05
FLOOR_CODE = """import pandas as pd
import seaborn as sns
import matplotlib.pyplot as plt

frame = pd.DataFrame({"month": range(24), "value": [i * i for i in range(24)]})
sns.lineplot(data=frame, x="month", y="value")
plt.show()
"""


def floor_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('data_dir = ""\nteam = ""\nlang = "ja"\nas_of = None\ninteractive = True')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(FLOOR_CODE)]
    nbformat.write(nb, path)
    return path


def run_floor(jobs_like, workers: int, scratch: Path) -> tuple[float, list[float], list[float]]:
    """The same number of jobs through the report pipeline, with the trivial notebook."""
    from cskit.report.run import run_pool, worker_env

    notebook = floor_notebook(scratch / "00_floor.ipynb")
    out = scratch / "floor-out"
    jobs = [
        # plain papermill: a new kernel per notebook (warm kernels are cskit's own optimisation)
        replace(job, team=f"t{i:02d}", notebook=str(notebook),
                settings=replace(job.settings, out_dir=str(out), scratch=str(scratch), warm_kernels=False))
        for i, job in enumerate(jobs_like)
    ]
    env = worker_env(workers)
    started = time.perf_counter()
    results = run_pool(jobs, workers, env, progress=False, lang="en", log_dir=str(scratch))
    elapsed = time.perf_counter() - started
    bad = [r for r in results if r.status != "ok"]
    if bad:
        raise SystemExit(f"floor notebook failed: {bad[0].error}")
    return elapsed, [r.seconds for r in results], [r.cell_seconds for r in results]


def data_overhead(data_dir: Path) -> tuple[float, float]:
    """Seconds a report notebook spends loading the dataset and computing KPIs (cold process)."""
    import subprocess

    code = (
        "import time; t=time.perf_counter();"
        "from cskit.io import load_dataset; from cskit.kpi.engine import compute_kpis;"
        f"d=load_dataset({str(data_dir)!r}); t1=time.perf_counter();"
        "team=d.teams['team'].iloc[0]; compute_kpis(d, teams=[team, 'all']); t2=time.perf_counter();"
        "print(t1-t, t2-t1)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def pdf_step(result, jobs: int) -> tuple[float, int]:
    """Seconds to print the batch's pages to PDF, and how many pages (0 without Chromium)."""
    from cskit.errors import CskitError
    from cskit.report.pdf import find_chromium, print_pdfs

    try:
        chromium = find_chromium()
    except CskitError:
        return 0.0, 0
    pages = [result.out_dir / page.html for page in result.succeeded]
    started = time.perf_counter()
    print_pdfs(pages, chromium, jobs)
    return time.perf_counter() - started, len(pages)


def main() -> int:
    from cskit.report import build_reports
    from cskit.report.plan import Job, ReportSettings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "sample")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--teams", default="all")
    parser.add_argument("--notebooks", default="all")
    parser.add_argument("--lang", default="ja")
    parser.add_argument("--fresh-kernels", action="store_true",
                        help="run the batch with a new kernel per notebook (cskit report --fresh-kernels)")
    args = parser.parse_args()
    if not (args.data / "accounts.csv").exists():
        from cskit.sample import write_sample

        write_sample(args.data)

    with tempfile.TemporaryDirectory(prefix="cskit-bench-") as tmp:
        scratch = Path(tmp)
        # warm-up: one floor notebook (kernel spec lookup, font and import caches)
        settings = ReportSettings(data_dir="", out_dir=str(scratch / "warm"), notebooks_dir=str(scratch),
                                  scratch=str(scratch), run_id="bench", lang="en", as_of=None, as_of_label="-")
        dummy = Job("t", "t", str(scratch / "00_floor.ipynb"), settings)
        run_floor([dummy], 1, scratch)

        started = time.perf_counter()
        result = build_reports(args.data, scratch / "reports", teams=args.teams, notebooks=args.notebooks,
                               lang=args.lang, jobs=args.jobs, progress=False, warm_kernels=not args.fresh_kernels)
        batch = time.perf_counter() - started
        started = time.perf_counter()
        rerun_result = build_reports(args.data, scratch / "reports", teams=args.teams, notebooks=args.notebooks,
                                     lang=args.lang, jobs=args.jobs, progress=False,
                                     warm_kernels=not args.fresh_kernels)
        rerun = time.perf_counter() - started
        # what a weekly cron job pays: a new process (imports, validation, fingerprint, indexes)
        command = [sys.executable, "-m", "cskit", "report", "--data", str(args.data), "--out", str(scratch / "reports"),
                   "--teams", args.teams, "--notebooks", args.notebooks, "--lang", args.lang, "--jobs", str(args.jobs)]
        if args.fresh_kernels:
            command.append("--fresh-kernels")
        started = time.perf_counter()
        cli = subprocess.run(command, capture_output=True, text=True)
        cli_rerun = time.perf_counter() - started
        if cli.returncode != 0:
            raise SystemExit("the unchanged CLI re-run failed:\n" + cli.stdout + cli.stderr)
        ran = [p for p in result.pages if p.status != "skipped"]
        if not ran:
            raise SystemExit("no notebook ran: " + "; ".join(result.warnings))
        floor, floor_each, floor_cells = run_floor([dummy] * len(ran), args.jobs, scratch)
        pdf_seconds, pdf_pages = pdf_step(result, args.jobs)
    load_s, kpi_s = data_overhead(args.data)

    ratio = batch / floor
    print(f"kernels            : {'a new one per notebook' if args.fresh_kernels else 'one warm kernel per worker'}")
    print(f"notebooks run      : {len(ran)} ({len(result.succeeded)} ok, {len(result.failed)} failed, "
          f"{len(result.skipped)} skipped: missing files) with --jobs {args.jobs} on {os.cpu_count()} CPUs")
    print(f"batch (cskit report): {batch:7.1f} s   median per notebook {statistics.median(p.seconds for p in ran):6.1f} s")
    print(f"floor (pandas+sns)  : {floor:7.1f} s   median per notebook {statistics.median(floor_each):6.1f} s")
    print(f"ratio batch / floor : {ratio:7.2f}   (target <= {TARGET})  {'OK' if ratio <= TARGET else 'ABOVE TARGET'}")
    fresh = len(rerun_result.up_to_date)
    print(f"unchanged re-run    : {rerun:7.2f} s   {fresh} of {len(rerun_result.pages)} pages up to date, "
          f"{len(rerun_result.rendered)} rendered again")
    print(f"ratio re-run / batch: {rerun / batch:7.3f}   (in the same process)")
    print(f"unchanged CLI re-run: {cli_rerun:7.2f} s   (python -m cskit report: a new process, as cron or make runs it)")
    print(f"ratio CLI / batch   : {cli_rerun / batch:7.3f}   (goal <= {RERUN_GOAL})  "
          f"{'OK' if cli_rerun / batch <= RERUN_GOAL else 'ABOVE GOAL'}")
    cells = sum(p.cell_seconds for p in ran)
    print(f"kernel cell time    : {cells:7.1f} s in all ({cells / args.jobs:.1f} s per worker); "
          f"the rest of the batch, {batch - cells / args.jobs:.1f} s, is start-up, conversion, validation and scheduling")
    print(f"floor cell time     : {sum(floor_cells):7.1f} s in all")
    if pdf_pages:
        print(f"PDF step (--pdf)    : {pdf_seconds:7.1f} s for {pdf_pages} pages = {pdf_seconds / pdf_pages:.2f} s per page "
              f"(--jobs {args.jobs} Chromium processes)")
    else:
        print("PDF step (--pdf)    : not measured (no Chromium: make browser)")
    print(f"per notebook, data : load_dataset {load_s:.2f} s + compute_kpis {kpi_s:.2f} s (cold process)")
    for page in sorted(ran, key=lambda p: -p.seconds):
        print(f"  {page.team:<16} {page.stem:<28} {page.status:<7} {page.seconds:6.1f} s  (cells {page.cell_seconds:5.1f} s)")
    return 0


if __name__ == "__main__":  # the report workers are spawned processes: keep this guard
    sys.exit(main())
