"""Per-team HTML reports: run the notebooks with papermill, convert them with nbconvert.

The one entry point is :func:`build_reports` (``cskit report`` is a thin layer over it).
It validates the dataset first (an invalid dataset raises before anything under the
output folder changes), plans one job per team and notebook from the registry
:data:`NOTEBOOKS_BY_ROLE`, runs the jobs in a process pool (each job: papermill
execute, then nbconvert to one self-contained HTML file), and writes an ``index.html``
per team and for the whole run, plus a ``manifest.json``.

Layout of the output folder::

    reports/
      index.html                 teams, headline KPIs, links
      manifest.json              parameters, data fingerprint, versions, timings, statuses
      <team-slug>/index.html     the team's pages and their status
      <team-slug>/<stem>.html    one report per notebook (last good one)
      <team-slug>/<stem>.failed.html, _failed/<stem>.ipynb   when a notebook failed

Safety rules: every file is written under a temporary name in its final folder and
renamed (``os.replace``), so a killed run never leaves half a report; a failed notebook
never overwrites the last good HTML; team ids only reach the file system through
:func:`slugify` and only reach a notebook as a papermill parameter (never as code).
"""
from __future__ import annotations

import json
import os
import platform
import re
import secrets
import shutil
import signal
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from multiprocessing import get_context
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

import cskit

from .errors import CskitError, OptionError
from .files import atomic_write, fingerprint, remove_open_temps, slugify, sweep_temps
from .i18n import resolve_lang, t
from .io import Dataset, load_dataset
from .roles.registry import ROLE_TABLE, per_role

# --------------------------------------------------------------------------- #
# Registries
# --------------------------------------------------------------------------- #
#: Notebooks (by number) each role gets a report of. Sales teams get 04 too: their
#: cohorts are the accounts they won (``accounts.sales_team``).
NOTEBOOKS_BY_ROLE: dict[str, tuple[str, ...]] = per_role("notebooks")

#: KPIs shown for a team on the index pages (names and formats from the KPI registry).
HEADLINE_KPIS: dict[str, tuple[str, ...]] = per_role("headline_kpis")

#: Markdown cell tag of each language; a report keeps only its language's cells.
LANG_TAGS: dict[str, str] = {"ja": "lang-ja", "en": "lang-en"}

#: Where the notebooks are (the repository's ``notebooks/``) and the templates.
NOTEBOOKS_DIR = Path(cskit.__file__).resolve().parents[1] / "notebooks"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "cskit_report"

FAILED_DIR = "_failed"
MANIFEST = "manifest.json"
INDEX = "index.html"
STATUSES = ("ok", "failed", "skipped")

#: Message keys of each status and notebook title, written out in full (a search for a key finds its users).
STATUS_KEYS = {"ok": "report.status.ok", "failed": "report.status.failed", "skipped": "report.status.skipped"}
NOTEBOOK_TITLE_KEYS = {"01": "report.notebook.01", "02": "report.notebook.02", "03": "report.notebook.03",
                       "04": "report.notebook.04"}

#: Content-Security-Policy of every page: no script, no request; only inline styles
#: and data: images and fonts. A report is read offline and must stay inert.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'"

#: Environment for the kernels when several run at once: one BLAS thread each.
PARALLEL_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
KERNEL_ENV = {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|srcset|poster|data|action|formaction|xlink:href)\s*=\s*["']?\s*"""
    r"""|url\(\s*["']?|@import\s+["']?)((?:https?:)?//[^"'\s)>]+)""",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- #
# Small pure helpers
# --------------------------------------------------------------------------- #
def versions() -> dict[str, str]:
    """Versions of the tools that shape a report."""
    found = {"python": platform.python_version()}
    for package in ("cskit", "pandas", "papermill", "nbconvert", "nbclient", "matplotlib"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:  # pragma: no cover - all are dependencies
            found[package] = "unknown"
    return found


def external_references(html: str) -> list[str]:
    """Every ``http(s)://`` or ``//`` URL a page refers to in src/href/url()/@import.

    A report must return an empty list: it is read offline and never calls out.
    """
    return _EXTERNAL.findall(html)


def notebook_title(number: str, stem: str, lang: str) -> str:
    """Display title of a notebook (from the message catalogue, else its file stem)."""
    key = NOTEBOOK_TITLE_KEYS.get(number)
    return t(key, lang) if key else stem


def _parse_list(value: str | Sequence[str] | None) -> list[str] | None:
    """``None``/``"all"`` -> None (everything); ``"a,b"`` or a list -> the items."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    items = [part.strip() for item in items for part in str(item).split(",") if part.strip()]
    return None if not items or items == ["all"] else items


def _inside(root: Path, path: Path) -> Path:
    """``path`` if it is under ``root``; a guard against any path escape."""
    if not path.resolve().is_relative_to(root.resolve()):
        raise OptionError("--out", str(path), "outside the output folder")
    return path


# --------------------------------------------------------------------------- #
# Planning
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Job:
    """One notebook for one team: everything a worker process needs (picklable)."""

    team: str
    slug: str
    number: str
    stem: str
    notebook: str
    team_dir: str
    parameters: dict
    lang: str
    show_code: bool
    run_id: str
    scratch: str
    cwd: str
    header: dict
    warm_kernel: bool = True


@dataclass
class PageResult:
    """What happened to one team's notebook.

    Attributes
    ----------
    status : {"ok", "failed", "skipped"}
    seconds : float
        Wall time of execute + convert.
    html, failed_html, failed_ipynb : str or None
        Paths relative to the output folder.
    error : dict or None
        ``{"ename": ..., "evalue": ...}`` of the failure.
    cell_seconds : float
        Time the kernel spent running cells (papermill's per-cell durations); the
        rest of ``seconds`` is kernel start-up, papermill and nbconvert.
    """

    team: str
    slug: str
    number: str
    stem: str
    status: str
    seconds: float = 0.0
    html: str | None = None
    failed_html: str | None = None
    failed_ipynb: str | None = None
    error: dict | None = None
    cell_seconds: float = 0.0


@dataclass
class ReportResult:
    """Outcome of :func:`build_reports`.

    Attributes
    ----------
    out_dir, index, manifest : Path
    pages : list of PageResult
        One per team and notebook, in plan order.
    warnings : list of str
        Messages in the run's language (e.g. a notebook file that does not exist).
    seconds : float
    """

    out_dir: Path
    index: Path
    manifest: Path
    pages: list[PageResult]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def succeeded(self) -> list[PageResult]:
        return [p for p in self.pages if p.status == "ok"]

    @property
    def failed(self) -> list[PageResult]:
        return [p for p in self.pages if p.status == "failed"]

    @property
    def skipped(self) -> list[PageResult]:
        return [p for p in self.pages if p.status == "skipped"]

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def exit_code(self) -> int:
        """0 when every notebook rendered, 1 when any failed."""
        return 0 if self.ok else 1


def find_notebooks(folder: Path) -> dict[str, Path]:
    """Notebook files of ``folder`` by number (``"02"`` -> ``02_kpi_calculation.ipynb``)."""
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        found.setdefault(path.name[:2], path)
    return found


def _select_teams(dataset: Dataset, teams) -> list[str]:
    known = list(dataset.teams["team"])
    chosen = _parse_list(teams)
    if chosen is None:
        return known
    for team in chosen:
        if team not in known:
            raise CskitError("cli.unknown_team", team=team, teams=", ".join(known))
    return list(dict.fromkeys(chosen))


def _select_notebooks(notebooks) -> list[str]:
    known = sorted({n for numbers in NOTEBOOKS_BY_ROLE.values() for n in numbers})
    chosen = _parse_list(notebooks)
    if chosen is None:
        return known
    numbers = [c.zfill(2) if c.isdigit() else c for c in chosen]
    unknown = [n for n in numbers if n not in known]
    if unknown:
        raise OptionError("--notebooks", ",".join(unknown), "all | " + ",".join(known))
    return list(dict.fromkeys(numbers))


def _check_as_of(dataset: Dataset, as_of: str | None) -> str | None:
    if as_of is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}", str(as_of)):
        raise OptionError("--as-of", as_of, "YYYY-MM")
    month = pd.Period(as_of, freq="M")
    months = dataset.months
    if not months[0] <= month <= months[-1]:
        raise OptionError("--as-of", as_of, f"{months[0]} .. {months[-1]}")
    return str(month)


def _check_jobs(jobs: int | None) -> int:
    if jobs is None:
        return os.cpu_count() or 1
    if int(jobs) < 1:
        raise OptionError("--jobs", jobs, ">= 1")
    return int(jobs)


def _check_lang(lang: str | None) -> str:
    try:
        return resolve_lang(lang)
    except ValueError:
        raise CskitError("cli.unknown_lang", value=lang) from None


# --------------------------------------------------------------------------- #
# One job (runs in a worker process)
# --------------------------------------------------------------------------- #
@lru_cache(maxsize=8)
def _exporter(lang: str, show_code: bool):
    """An HTML exporter with the offline template, keeping only ``lang``'s prose cells."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(TEMPLATE_DIR)],
        template_file="notebook.html.j2",
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=not show_code,
        embed_images=True,
        language_code=lang,
    )
    other_tags = {tag for code, tag in LANG_TAGS.items() if code != lang}
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=other_tags, enabled=True), enabled=True)
    return exporter


@lru_cache(maxsize=1)
def _css() -> str:
    return (TEMPLATE_DIR / "report.css").read_text(encoding="utf-8")


def render_notebook(nb, job: Job, failure: dict | None = None) -> str:
    """Convert an (executed) notebook to one self-contained HTML page.

    ``failure`` (``{"ename", "evalue", "path"}``) adds a banner saying the notebook
    failed and why; all of it is escaped by the template.
    """
    cskit_resources = dict(job.header, css=_css(), csp=CSP, back=t("report.back_to_team", job.lang))
    if failure is not None:
        cskit_resources["failure"] = {
            "title": t("report.failed_title", job.lang),
            "ename": failure["ename"],
            "evalue": failure["evalue"],
            "hint": t("report.failed_hint", job.lang, path=failure.get("path") or "-"),
        }
    resources = {
        "metadata": {"name": f"{job.header['team_name']} · {job.header['notebook_title']}", "path": job.cwd},
        "cskit": cskit_resources,
    }
    body, _ = _exporter(job.lang, job.show_code).from_notebook_node(nb, resources=resources)
    return body


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


def run_job(job: Job) -> PageResult:
    """Execute one notebook with papermill and write its HTML page (in a worker).

    Never raises for a notebook problem: a failure is written as
    ``<stem>.failed.html`` plus ``_failed/<stem>.ipynb`` and returned as status
    ``"failed"``; the last good ``<stem>.html`` stays as it was.
    """
    import papermill

    from . import kernels

    started = time.perf_counter()
    executed = Path(job.scratch) / f"{job.slug}__{job.stem}.ipynb"
    team_dir = Path(job.team_dir)
    try:
        nb = papermill.execute_notebook(
            job.notebook,
            str(executed),
            parameters=job.parameters,
            engine_name=kernels.register_engine() if job.warm_kernel else None,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            cwd=job.cwd,
        )
        _stable_cell_ids(nb)
        html = render_notebook(nb, job)
        atomic_write(team_dir / f"{job.stem}.html", html, job.run_id)
    except Exception as exc:  # any failure of this one notebook is reported, not raised
        return _record_failure(job, _read_notebook(executed), _error_of(exc), started)
    # a good run makes an older failure page stale
    (team_dir / f"{job.stem}.failed.html").unlink(missing_ok=True)
    (team_dir / FAILED_DIR / f"{job.stem}.ipynb").unlink(missing_ok=True)
    return PageResult(
        job.team, job.slug, job.number, job.stem, "ok", round(time.perf_counter() - started, 3),
        html=f"{job.slug}/{job.stem}.html", cell_seconds=cell_seconds(nb),
    )


def _stable_cell_ids(nb) -> None:
    """Give papermill's injected parameters cell a fixed id (it draws a random one), so
    the same run renders the same bytes."""
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"


def cell_seconds(nb) -> float:
    """Seconds the kernel spent in the cells of an executed notebook (0 if unknown)."""
    if nb is None:
        return 0.0
    total = sum((cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0) for cell in nb.cells)
    return round(float(total), 3)


def _record_failure(job: Job, nb, error: dict, started: float) -> PageResult:
    """Keep the executed notebook and write the failure page (never the good page's name)."""
    import nbformat

    team_dir = Path(job.team_dir)
    failed_ipynb = None
    if nb is not None:
        atomic_write(team_dir / FAILED_DIR / f"{job.stem}.ipynb", nbformat.writes(nb), job.run_id)
        failed_ipynb = f"{job.slug}/{FAILED_DIR}/{job.stem}.ipynb"
    failure = dict(error, path=failed_ipynb)
    try:
        page = render_notebook(nb if nb is not None else nbformat.v4.new_notebook(), job, failure)
    except Exception:
        page = render_notebook(nbformat.v4.new_notebook(), job, failure)
    atomic_write(team_dir / f"{job.stem}.failed.html", page, job.run_id)
    good = team_dir / f"{job.stem}.html"
    return PageResult(
        job.team, job.slug, job.number, job.stem, "failed", round(time.perf_counter() - started, 3),
        html=f"{job.slug}/{job.stem}.html" if good.exists() else None,
        failed_html=f"{job.slug}/{job.stem}.failed.html",
        failed_ipynb=failed_ipynb,
        error=error,
        cell_seconds=cell_seconds(nb),
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
    log = os.open(os.path.join(log_dir, f"worker-{os.getpid()}.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
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
# The batch
# --------------------------------------------------------------------------- #
def _previous_seconds(out_dir: Path) -> dict[tuple[str, str], float]:
    """Seconds each page took last time (to start the longest jobs first)."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {(p["team"], p["stem"]): float(p["seconds"]) for p in manifest.get("pages", [])}
    except Exception:
        return {}


def _run_pool(jobs: list[Job], workers: int, env: dict, progress: bool, lang: str, log_dir: str,
              while_running=None) -> list[PageResult]:
    """Run ``jobs`` in a process pool with one progress bar; Ctrl-C stops everything."""
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
            task = bar.add_task(t("report.progress", lang), total=len(jobs))
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
                bar.update(task, advance=1, description=f"{t('report.progress', lang)} · {job.team} {job.number}")
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


def headline_kpis(dataset: Dataset, teams: Iterable[str], as_of: str | None, lang: str) -> dict[str, list[dict]]:
    """``{team: [{"kpi", "name", "value"}]}`` for the index pages (last month up to ``as_of``)."""
    from .kpi.engine import compute_kpis
    from .kpi.registry import format_value, get_kpi

    teams = list(teams)
    kpis = compute_kpis(dataset, teams=teams, end=as_of) if teams else pd.DataFrame(columns=["team", "month", "kpi", "value"])
    last = kpis["month"].max() if len(kpis) else None
    latest = kpis[kpis["month"] == last].set_index(["team", "kpi"])["value"] if last is not None else pd.Series(dtype=float)
    out: dict[str, list[dict]] = {}
    for team in teams:
        rows = []
        for kpi_id in HEADLINE_KPIS.get(dataset.role_of(team), ()):
            value = latest.get((team, kpi_id), float("nan"))
            rows.append({
                "kpi": kpi_id,
                "name": get_kpi(kpi_id).label(lang),
                "value": format_value(kpi_id, value, lang, dataset.currency),
                "raw": None if pd.isna(value) else float(value),
            })
        out[team] = rows
    return out


@lru_cache(maxsize=32)
def declared_parameters(path: str) -> frozenset[str]:
    """Names assigned in a notebook's ``parameters`` cell (papermill's convention)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return frozenset(re.findall(r"^([A-Za-z_]\w*)\s*=", cell.source, re.M))
    return frozenset()


def plan_pages(dataset: Dataset, teams: list[str], numbers: list[str], available: dict[str, Path],
               settings: dict) -> list[Job | PageResult]:
    """One :class:`Job` per team and notebook of its role, or a ``skipped`` page if the file is missing."""
    out_dir = settings["out_dir"]
    plan: list[Job | PageResult] = []
    for team in teams:
        slug = slugify(team)
        team_dir = _inside(out_dir, out_dir / slug)
        for number in NOTEBOOKS_BY_ROLE[dataset.role_of(team)]:
            if number not in numbers:
                continue
            path = available.get(number)
            if path is None:
                plan.append(PageResult(team, slug, number, number, "skipped"))
                continue
            header = {
                "team": team,
                "team_name": dataset.team_name(team, settings["lang"]),
                "notebook_title": notebook_title(number, path.stem, settings["lang"]),
                "as_of": settings["as_of_label"],
            }
            # papermill writes these as Python literals after the parameters cell: data, never code
            parameters = {"data_dir": settings["data_dir"], "team": team, "lang": settings["lang"],
                          "as_of": settings["as_of"], "interactive": False}
            if "audience" in declared_parameters(str(path)):  # notebook 01: answer key or not
                parameters["audience"] = settings.get("audience", "trainer")
            plan.append(Job(team, slug, number, path.stem, str(path), str(team_dir), parameters, settings["lang"],
                            settings["show_code"], settings["run_id"], settings["scratch"], settings["notebooks_dir"],
                            header, settings.get("warm_kernels", True)))
    return plan


def longest_first(jobs: list[Job], previous: dict[tuple[str, str], float]) -> list[Job]:
    """Start the longest jobs first (last run's seconds, else notebook size) so workers finish together."""
    def expected(job: Job) -> float:
        return previous.get((job.team, job.stem), Path(job.notebook).stat().st_size / 1e4)

    return sorted(jobs, key=expected, reverse=True)


def _worker_env(workers: int) -> dict[str, str]:
    """Kernel environment: quiet debugger, and one BLAS thread each when kernels share the CPUs."""
    parallel = {k: os.environ.get(k, v) for k, v in PARALLEL_ENV.items()} if workers > 1 else {}
    return dict(KERNEL_ENV, **parallel)


def build_reports(
    data_dir: str | Path,
    out_dir: str | Path = "reports",
    *,
    teams: str | Sequence[str] | None = "all",
    notebooks: str | Sequence[str] | None = "all",
    lang: str | None = None,
    as_of: str | None = None,
    jobs: int | None = None,
    show_code: bool = False,
    progress: bool = True,
    warm_kernels: bool = True,
    notebooks_dir: str | Path | None = None,
    audience: str = "trainer",
) -> ReportResult:
    """Render every team's notebooks to HTML under ``out_dir``.

    Parameters
    ----------
    data_dir : str or Path
        Dataset folder; validated first (:func:`cskit.io.load_dataset`).
    out_dir : str or Path
        Output folder (created if missing).
    teams : "all", "T1,T2" or list of str
        Team ids (``teams.team``).
    notebooks : "all", "01,02" or list of str
        Notebook numbers; each team runs those of :data:`NOTEBOOKS_BY_ROLE` for its role.
    lang : {"ja", "en"} or None
        Report language (markdown cells tagged ``lang-<other>`` are dropped).
    as_of : str or None
        Last month (``YYYY-MM``); ``None`` is the data's last month.
    jobs : int or None
        Notebooks run at once (default ``os.cpu_count()``).
    show_code : bool
        Keep code cells' input (hidden by default).
    warm_kernels : bool
        Each worker keeps one kernel and resets it between notebooks
        (:mod:`cskit.kernels`), instead of starting a kernel per notebook.
    audience : {"trainer", "new_hire"}
        For notebooks with an ``audience`` parameter (01): ``"trainer"`` shows the
        answer key and teaching notes, ``"new_hire"`` hides them.
    progress : bool
        Show a progress bar while running and a summary table at the end.
    notebooks_dir : str or Path or None
        Where the notebooks are (default: the repository's ``notebooks/``).

    Returns
    -------
    ReportResult
        ``exit_code`` is 1 if any notebook failed.

    Raises
    ------
    DataValidationError
        The dataset is invalid; nothing under ``out_dir`` was changed.
    CskitError
        Unknown team, notebook number, ``as_of`` or language.
    KeyboardInterrupt
        After stopping the workers and removing this run's temporary files.

    Notes
    -----
    The workers are *spawned* processes (no fork of a process with threads), so a
    script that calls this function needs the ``if __name__ == "__main__":`` guard.

    Examples
    --------
    >>> result = build_reports("data/sample", "reports", teams="cs_smb", notebooks="02", lang="en")  # doctest: +SKIP
    >>> result.exit_code, result.index  # doctest: +SKIP
    (0, PosixPath('.../reports/index.html'))
    """
    started = time.perf_counter()
    created = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    lang = _check_lang(lang)
    from .roles.view import check_audience

    audience = check_audience(audience)
    data_dir = Path(data_dir).resolve()
    out_dir = Path(out_dir).resolve()
    dataset = load_dataset(data_dir)
    chosen_teams = _select_teams(dataset, teams)
    numbers = _select_notebooks(notebooks)
    as_of = _check_as_of(dataset, as_of)
    workers = _check_jobs(jobs)
    nb_dir = Path(notebooks_dir).resolve() if notebooks_dir else NOTEBOOKS_DIR
    available = find_notebooks(nb_dir)
    data_print = fingerprint(data_dir)
    validated = time.perf_counter()

    run_id = secrets.token_hex(6)
    as_of_label = as_of or str(dataset.months[-1])
    warnings = [
        t("report.notebook_missing", lang, notebook=number, stem=f"{number}_*.ipynb", folder=nb_dir)
        for number in numbers if number not in available
    ]
    headline: dict[str, list[dict]] = {}

    def compute_headline() -> None:  # runs in this process while the workers run the notebooks
        headline.update(headline_kpis(dataset, chosen_teams, as_of, lang))

    scratch = Path(tempfile.mkdtemp(prefix="cskit-report-"))
    try:
        settings = {"data_dir": str(data_dir), "out_dir": out_dir, "lang": lang, "as_of": as_of, "as_of_label": as_of_label,
                    "show_code": show_code, "run_id": run_id, "scratch": str(scratch), "notebooks_dir": str(nb_dir),
                    "warm_kernels": warm_kernels, "audience": audience}
        plan = plan_pages(dataset, chosen_teams, numbers, available, settings)
        jobs_to_run = longest_first([item for item in plan if isinstance(item, Job)], _previous_seconds(out_dir))
        out_dir.mkdir(parents=True, exist_ok=True)
        ran = []
        if jobs_to_run:
            ran = _run_pool(jobs_to_run, min(workers, len(jobs_to_run)), _worker_env(workers), progress, lang,
                            str(scratch), while_running=compute_headline)
        if not headline:
            compute_headline()
        by_key = {(r.team, r.number): r for r in ran}
        pages = [by_key[(item.team, item.number)] if isinstance(item, Job) else item for item in plan]
        finished = time.perf_counter()
        result = ReportResult(out_dir, out_dir / INDEX, out_dir / MANIFEST, pages, warnings, round(finished - started, 3))
        context = {
            "dataset": dataset, "teams": chosen_teams, "headline": headline, "lang": lang, "as_of": as_of_label,
            "created": created, "fingerprint": data_print, "run_id": run_id,
        }
        write_indexes(result, context)
        manifest = {
            "cskit_report": 1,
            "created": created,
            "parameters": {
                "data_dir": str(data_dir), "out_dir": str(out_dir), "teams": chosen_teams, "notebooks": numbers,
                "lang": lang, "as_of": as_of, "as_of_used": as_of_label, "jobs": workers, "show_code": show_code,
                "warm_kernels": warm_kernels, "audience": audience,
                "notebooks_dir": str(nb_dir),
            },
            "data": {"fingerprint": data_print, "currency": dataset.currency},
            "versions": versions(),
            "timings": {
                "validate_seconds": round(validated - started, 3),
                "notebooks_seconds": round(finished - validated, 3),
                "total_seconds": round(time.perf_counter() - started, 3),
            },
            "warnings": warnings,
            "teams": [{"team": tm, "slug": slugify(tm), "role": dataset.role_of(tm), "name": dataset.team_name(tm, lang),
                       "headline": headline.get(tm, [])} for tm in chosen_teams],
            "pages": [asdict(p) for p in pages],
        }
        atomic_write(out_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2), run_id)
    except BaseException:
        sweep_temps(out_dir, run_id)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result.seconds = round(time.perf_counter() - started, 3)
    if progress:
        print_summary(result, lang)
    return result


# --------------------------------------------------------------------------- #
# Index pages and the summary
# --------------------------------------------------------------------------- #
@lru_cache(maxsize=1)
def _index_env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )


def _page_rows(pages: list[PageResult], slug: str, lang: str) -> list[dict]:
    rows = []
    for page in pages:
        rows.append({
            "title": notebook_title(page.number, page.stem, lang),
            "status": page.status,
            "status_text": t(STATUS_KEYS[page.status], lang),
            "href": page.html.split("/", 1)[1] if page.html else None,
            "failed_href": page.failed_html.split("/", 1)[1] if page.failed_html else None,
            "seconds": f"{page.seconds:.1f}" if page.status != "skipped" else "",
            "error": f"{page.error['ename']}: {page.error['evalue'][:300]}" if page.error else None,
        })
    return rows


def write_indexes(result: ReportResult, context: dict) -> None:
    """Write ``index.html`` of the run and of each team (escaped by jinja2 autoescape)."""
    dataset, lang, run_id = context["dataset"], context["lang"], context["run_id"]
    env = _index_env()
    common = {
        "lang": lang,
        "css": _css(),
        "csp": CSP,
        "footer": t("report.footer", lang, version=cskit.__version__),
        "subtitle": t("report.subtitle", lang, as_of=context["as_of"], created=context["created"],
                      fingerprint=context["fingerprint"][:19]),
        "warnings": result.warnings,
        "labels": {
            "team": t("report.col_team", lang), "role": t("report.col_role", lang),
            "kpis": t("report.col_kpis", lang), "reports": t("report.col_reports", lang),
            "notebook": t("report.col_notebook", lang), "status": t("report.col_status", lang),
            "seconds": t("report.col_seconds", lang), "failed": t("report.failed_link", lang),
            "failed_page": t("report.failed_link", lang), "previous": t("report.previous_good", lang),
            "back": t("report.back_to_teams", lang),
        },
    }
    teams = []
    for team in context["teams"]:
        slug = slugify(team)
        role = dataset.role_of(team)
        entry = {
            "team": team,
            "slug": slug,
            "name": dataset.team_name(team, lang),
            "role_name": t(ROLE_TABLE[role].name_key, lang) if role in ROLE_TABLE else role,
            "kpis": context["headline"].get(team, []),
            "pages": _page_rows([p for p in result.pages if p.team == team], slug, lang),
        }
        teams.append(entry)
        page = env.get_template("team_index.html.j2").render(
            common, title=t("report.team_title", lang, team=entry["name"]), team=entry
        )
        atomic_write(_inside(result.out_dir, result.out_dir / slug / INDEX), page, run_id)
    page = env.get_template("site_index.html.j2").render(common, title=t("report.title", lang), teams=teams)
    atomic_write(result.index, page, run_id)


def print_summary(result: ReportResult, lang: str, console=None) -> None:
    """Print one row per page (team, notebook, status, seconds) with rich."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    table = Table(title=t("report.summary_title", lang))
    for key in ("report.col_team", "report.col_notebook", "report.col_status", "report.col_seconds"):
        table.add_column(t(key, lang), justify="right" if key.endswith("seconds") else "left")
    colours = {"ok": "green", "failed": "red", "skipped": "yellow"}
    for page in result.pages:
        status = t(STATUS_KEYS[page.status], lang)
        table.add_row(Text(page.team), Text(page.stem), Text(status, style=colours[page.status]),
                      f"{page.seconds:.1f}" if page.status != "skipped" else "")
    console.print(table, highlight=False)
    for warning in result.warnings:
        console.print(warning, markup=False, highlight=False)
