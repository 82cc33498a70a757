"""Running the jobs: a process pool of spawned workers, one progress bar, Ctrl-C and SIGTERM.

Each job (:func:`run_job`, in a worker) executes one notebook with papermill, in the
worker's warm kernel (:mod:`cskit.report.kernels`) unless the run asked for new ones,
and writes its page (:func:`cskit.report.render.render_notebook`). A notebook that
fails never raises out of the worker: it is written as ``<stem>.failed.html`` plus
``_failed/<stem>.ipynb`` and returned as status ``"failed"``, and the last good page
stays. A cell that runs longer than the run's ``timeout`` fails its page the same way
(and the warm kernel is replaced). A failed page's logs are kept in the output folder's
``_failed/<team slug>/``: ``<stem>.papermill.log`` (papermill's log, with the cells'
output) and ``<stem>.kernel.log`` (what the worker and its kernel wrote to stderr
while the page ran); the worker logs themselves go with the scratch folder.
Ctrl-C in the parent stops the pool; a worker that gets SIGTERM kills its kernels and
removes the temporary files it was writing.
"""
from __future__ import annotations

import os
import re
import signal
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

from ..files import atomic_write, remove_open_temps
from ..i18n import t
from .plan import FAILED_DIR, Job, PageResult
from .render import render_notebook

__all__ = ["LOG_SUFFIXES", "PARALLEL_ENV", "KERNEL_ENV", "worker_env", "run_job", "cell_seconds", "run_pool"]

# FAILED_DIR (cskit.report.plan): in a team's folder it keeps the executed copy of a failed
# notebook; the output folder's own ``_failed/<slug>/`` keeps the failed pages' logs.
#: The logs kept for a failed page, by kind.
LOG_SUFFIXES = {"papermill": ".papermill.log", "kernel": ".kernel.log"}

#: Environment for the kernels when several run at once: one BLAS thread each.
PARALLEL_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
KERNEL_ENV = {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}

#: This worker's stderr log (set by :func:`_worker_init`; empty outside a worker).
_WORKER_LOG: list[str] = []

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def worker_env(workers: int) -> dict[str, str]:
    """Kernel environment: quiet debugger, and one BLAS thread each when kernels share the CPUs.

    Examples
    --------
    >>> worker_env(1)
    {'PYDEVD_DISABLE_FILE_VALIDATION': '1'}
    """
    parallel = {k: os.environ.get(k, v) for k, v in PARALLEL_ENV.items()} if workers > 1 else {}
    return dict(KERNEL_ENV, **parallel)


# --------------------------------------------------------------------------- #
# One job (runs in a worker process)
# --------------------------------------------------------------------------- #
def run_job(job: Job) -> PageResult:
    """Execute one notebook with papermill and write its HTML page (in a worker).

    Never raises for a notebook problem: a failure is written as
    ``<stem>.failed.html`` plus ``_failed/<stem>.ipynb`` and returned as status
    ``"failed"``; the last good ``<stem>.html`` stays as it was.
    """
    import papermill

    from . import kernels

    started = time.perf_counter()
    executed = Path(job.settings.scratch) / f"{job.slug}__{job.stem}.ipynb"
    logs = _JobLogs(job)
    try:
        nb = papermill.execute_notebook(
            job.notebook,
            str(executed),
            parameters=job.parameters(),
            engine_name=kernels.register_engine() if job.settings.warm_kernels else None,
            progress_bar=False,
            log_output=True,
            request_save_on_cell_execute=False,
            cwd=job.cwd,
            execution_timeout=job.settings.timeout,
        )
        _stable_cell_ids(nb)
        html = render_notebook(nb, job)
        atomic_write(job.team_dir / f"{job.stem}.html", html, job.settings.run_id)
    except Exception as exc:  # any failure of this one notebook is reported, not raised
        return _record_failure(job, _read_notebook(executed), _error_of(exc), started, logs.keep())
    finally:
        logs.close()
    # a good run makes an older failure page stale
    (job.team_dir / f"{job.stem}.failed.html").unlink(missing_ok=True)
    (job.team_dir / FAILED_DIR / f"{job.stem}.ipynb").unlink(missing_ok=True)
    for path in failed_log_paths(job).values():
        path.unlink(missing_ok=True)
    return PageResult(
        job.team, job.slug, job.number, job.stem, "ok", round(time.perf_counter() - started, 3),
        html=f"{job.slug}/{job.stem}.html", cell_seconds=cell_seconds(nb), headline=_headline_of(nb, job.team),
    )


def failed_log_paths(job: Job) -> dict[str, Path]:
    """Where a failed page's logs are kept: ``<out>/_failed/<slug>/<stem>.<kind>.log``."""
    folder = Path(job.settings.out_dir) / FAILED_DIR / job.slug
    return {kind: folder / f"{job.stem}{suffix}" for kind, suffix in LOG_SUFFIXES.items()}


class _JobLogs:
    """papermill's log of one job (a handler on its logger) and the worker's stderr written meanwhile."""

    def __init__(self, job: Job) -> None:
        import logging

        self.job = job
        self.path = Path(job.settings.scratch) / f"{job.slug}__{job.stem}.papermill.log"
        self.handler = logging.FileHandler(self.path, encoding="utf-8")
        self.handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        self.logger = logging.getLogger("papermill")
        self.logger.addHandler(self.handler)
        self.level = self.logger.level
        self.logger.setLevel(logging.INFO)
        self.stderr_log = _worker_log_path()
        self.offset = self.stderr_log.stat().st_size if self.stderr_log and self.stderr_log.exists() else 0

    def keep(self) -> list[str]:
        """Copy both logs to :func:`failed_log_paths`; their paths relative to the output folder."""
        self.handler.flush()
        kept = []
        texts = {"papermill": _read_from(self.path, 0), "kernel": _read_from(self.stderr_log, self.offset)}
        for kind, path in failed_log_paths(self.job).items():
            atomic_write(path, _ANSI.sub("", texts[kind]), self.job.settings.run_id)
            kept.append(str(path.relative_to(self.job.settings.out_dir)))
        return kept

    def close(self) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.setLevel(self.level)
        self.handler.close()


def _read_from(path: Path | None, offset: int) -> str:
    if path is None or not path.exists():
        return ""
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read().decode("utf-8", errors="replace")


def _worker_log_path() -> Path | None:
    """This worker's stderr log (set by :func:`_worker_init`), or ``None`` outside a worker."""
    return Path(_WORKER_LOG[0]) if _WORKER_LOG else None


def _headline_of(nb, team: str) -> list | None:
    """The headline rows ``nb`` recorded for ``team`` (:mod:`cskit.report.headline`), else ``None``."""
    from .headline import read_headline

    glued = read_headline(nb)
    return glued["rows"] if glued and glued.get("team") == team else None


def _stable_cell_ids(nb) -> None:
    """Give papermill's injected parameters cell a fixed id (it draws a random one), so
    the same run renders the same bytes."""
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"


def cell_seconds(nb) -> float:
    """Seconds the kernel spent in the cells of an executed notebook (0 if unknown).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    >>> nb.cells[0].metadata["papermill"] = {"duration": 0.25}
    >>> cell_seconds(nb), cell_seconds(None)
    (0.25, 0.0)
    """
    if nb is None:
        return 0.0
    total = sum((cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0) for cell in nb.cells)
    return round(float(total), 3)


def _error_of(exc: BaseException) -> dict:
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None)
    if evalue is None:
        evalue = str(exc)
    return {"ename": _ANSI.sub("", str(ename)), "evalue": _ANSI.sub("", str(evalue))[:4000]}


def _read_notebook(path: Path):
    import nbformat

    try:
        return nbformat.read(path, as_version=4)
    except Exception:
        return None


def _record_failure(job: Job, nb, error: dict, started: float, logs: list[str] | None = None) -> PageResult:
    """Keep the executed notebook and write the failure page (never the good page's name)."""
    import nbformat

    team_dir, run_id = job.team_dir, job.settings.run_id
    failed_ipynb = None
    if nb is not None:
        atomic_write(team_dir / FAILED_DIR / f"{job.stem}.ipynb", nbformat.writes(nb), run_id)
        failed_ipynb = f"{job.slug}/{FAILED_DIR}/{job.stem}.ipynb"
    failure = dict(error, path=failed_ipynb)
    try:
        page = render_notebook(nb if nb is not None else nbformat.v4.new_notebook(), job, failure)
    except Exception:
        page = render_notebook(nbformat.v4.new_notebook(), job, failure)
    atomic_write(team_dir / f"{job.stem}.failed.html", page, run_id)
    good = team_dir / f"{job.stem}.html"
    return PageResult(
        job.team, job.slug, job.number, job.stem, "failed", round(time.perf_counter() - started, 3),
        html=f"{job.slug}/{job.stem}.html" if good.exists() else None,
        failed_html=f"{job.slug}/{job.stem}.failed.html",
        failed_ipynb=failed_ipynb,
        error=error,
        cell_seconds=cell_seconds(nb),
        failed_logs=logs or None,
    )


def _worker_init(env: dict, log_dir: str) -> None:
    """Worker setup: the parent handles Ctrl-C; SIGTERM stops kernels and removes temps.

    The worker's stderr (inherited by its kernels, which log connection warnings
    there) goes to a log file in the run's scratch folder, so the terminal shows
    only the progress bar; notebook errors are reported through the results.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_terminate)
    os.environ.update(env)
    _WORKER_LOG[:] = [os.path.join(log_dir, f"worker-{os.getpid()}.log")]
    log = os.open(_WORKER_LOG[0], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 2)
    os.close(log)


def _worker_terminate(signum, frame) -> None:  # pragma: no cover - runs in a killed worker
    try:
        import psutil

        for child in psutil.Process().children(recursive=True):
            child.kill()
    except Exception:
        pass
    remove_open_temps()
    os._exit(128 + signum)


# --------------------------------------------------------------------------- #
# The pool (runs in the parent)
# --------------------------------------------------------------------------- #
def run_pool(jobs: list[Job], workers: int, env: dict, progress: bool, lang: str, log_dir: str,
             while_running: Callable[[], None] | None = None, up_to_date: int = 0) -> list[PageResult]:
    """Run ``jobs`` in a pool of ``workers`` spawned processes with one progress bar; Ctrl-C stops everything.

    ``while_running`` is called in this process once the jobs are submitted (the index
    pages' KPIs are computed meanwhile). ``up_to_date`` pages, kept without running, start
    the bar as done and are named in its label. Returns one result per job, in ``jobs`` order.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), disable=not progress,
    )
    results: dict[int, PageResult] = {}
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=get_context("spawn"), initializer=_worker_init, initargs=(env, log_dir)
    )
    try:
        with bar:
            label = t("report.progress_with_fresh", lang, count=up_to_date) if up_to_date else t("report.progress", lang)
            task = bar.add_task(label, total=len(jobs) + up_to_date, completed=up_to_date)
            futures = {executor.submit(run_job, job): i for i, job in enumerate(jobs)}
            if while_running is not None:
                while_running()
            for future in as_completed(futures):
                i = futures[future]
                job = jobs[i]
                try:
                    results[i] = future.result()
                except Exception as exc:  # the worker died (killed, out of memory)
                    results[i] = _record_failure(job, None, _error_of(exc), time.perf_counter())
                bar.update(task, advance=1, description=f"{label} · {job.team} {job.number}")
    except BaseException:
        _stop_pool(executor)
        raise
    executor.shutdown(wait=True)
    return [results[i] for i in range(len(jobs))]


def _stop_pool(executor: ProcessPoolExecutor) -> None:
    """Cancel pending jobs and terminate the workers (they stop their kernels)."""
    processes = list(getattr(executor, "_processes", {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=15)
