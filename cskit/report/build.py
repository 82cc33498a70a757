"""``build_reports``: validate, plan, run the notebooks, write the index pages and the manifest.

Safety rules: the dataset and every option are checked before anything under the
output folder changes; every file is written under a temporary name in its final
folder and renamed (:func:`cskit.files.atomic_write`), so a killed run never leaves
half a report; a failed notebook never overwrites the last good HTML; team ids only
reach the file system through :func:`cskit.files.slugify` and only reach a notebook
as a papermill parameter (never as code).
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from ..files import fingerprint, new_run_id, sweep_temps
from ..i18n import t
from ..io import load_dataset
from ..options import AUDIENCES, check_choice, check_count, check_jobs, check_lang, check_month, check_teams
from .history import KEEP_RUNS, compare_headline, definitions_key, keep_run, previous_definitions
from .freshness import FRESH_STATUSES, digest, file_sha256, fresh_pages, page_key, templates_fingerprint
from .params import check_parameters
from .pdf import find_chromium, print_pdfs
from .plan import Job, PageResult, ReportSettings, locate_notebooks, longest_first, plan_pages, select_notebooks
from .run import run_pool, worker_env
from .site import (INDEX, MANIFEST, ReportResult, RunRecord, headline_kpis, previous_manifest, previous_seconds,
                   print_summary, versions, write_indexes, write_manifest)

__all__ = ["build_reports"]


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
    force: bool = False,
    keep_runs: int = KEEP_RUNS,
    params: Sequence[str] = (),
    params_file: str | Path | None = None,
    timeout: int = 600,
    pdf: bool = False,
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
        Notebook numbers; each team runs those of
        :data:`~cskit.report.plan.NOTEBOOKS_BY_ROLE` for its role.
    lang : {"ja", "en"} or None
        Report language (markdown cells tagged ``lang-<other>`` are dropped);
        ``None``: ``$CSKIT_LANG``, else ``ja``.
    as_of : str or None
        Last month (``YYYY-MM``); ``None`` is the data's last month.
    jobs : int or None
        Notebooks run at once (default ``os.cpu_count()``).
    show_code : bool
        Keep code cells' input (hidden by default).
    progress : bool
        Show a progress bar while running and a summary table at the end.
    warm_kernels : bool
        Each worker keeps one kernel and resets it between notebooks
        (:mod:`cskit.report.kernels`), instead of starting a kernel per notebook.
    notebooks_dir : str or Path or None
        Where the notebooks are (default: those installed with cskit, else the
        repository's ``notebooks/``).
    audience : {"trainer", "new_hire"}
        For notebooks with an ``audience`` parameter (01): ``"trainer"`` shows the
        answer key and teaching notes, ``"new_hire"`` hides them.
    force : bool
        Render every page, even those that are up to date.
    keep_runs : int
        Manifests kept under ``runs/`` (one per run, the oldest removed first;
        :mod:`cskit.report.history`).
    params : sequence of str
        Notebook parameters, ``"NB.name=value"`` (``"02.gross_margin=0.7"``); override ``params_file``.
    params_file : str or Path or None
        YAML file of notebook parameters, per notebook and per team (:mod:`cskit.report.params`).
        Both are checked against each notebook's ``parameters`` cell before anything runs.
    timeout : int
        Seconds one cell may run (default 600); a cell that runs longer fails its page.
    pdf : bool
        Also print each page that succeeded to a PDF beside it (:mod:`cskit.report.pdf`,
        headless Chromium); the seconds it took are the manifest's ``pdf_seconds``.

    Returns
    -------
    ReportResult
        ``exit_code`` is 1 if any notebook failed. A page whose data fingerprint, notebook,
        parameters, versions and templates are those of its last good rendering
        (:mod:`cskit.report.freshness`) is not rendered again: its status is ``"up_to_date"``.

    Raises
    ------
    DataValidationError
        The dataset is invalid; nothing under ``out_dir`` was changed.
    CskitError
        Unknown team, notebook number, ``as_of``, language or audience, no notebook
        to render in the folders looked in, notebook parameters that cannot be used
        (:class:`~cskit.report.params.ParameterError`), or ``pdf`` without Chromium;
        nothing under ``out_dir`` was changed.
    KeyboardInterrupt
        After stopping the workers and removing this run's temporary files.

    Notes
    -----
    The workers are *spawned* processes (no fork of a process with threads), so a
    script that calls this function needs the ``if __name__ == "__main__":`` guard.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cskit.sample import write_sample
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_sample(folder / "data", accounts=120, months=14)
    >>> result = build_reports(folder / "data", folder / "reports", teams="cs_smb", notebooks="03",
    ...                        lang="en", jobs=1, progress=False)
    >>> result.exit_code, [page.stem for page in result.succeeded], result.index.name
    (0, ['03_smart_targets'], 'index.html')

    Run again with nothing changed, nothing is rendered:

    >>> again = build_reports(folder / "data", folder / "reports", teams="cs_smb", notebooks="03",
    ...                       lang="en", jobs=1, progress=False)
    >>> again.exit_code, [page.status for page in again.pages]
    (0, ['up_to_date'])
    """
    started = time.perf_counter()
    created = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    lang = check_lang(lang)
    audience = check_choice("audience", audience, AUDIENCES)
    data_dir, out_dir = Path(data_dir).resolve(), Path(out_dir).resolve()
    dataset = load_dataset(data_dir)
    known = list(dataset.teams["team"])
    chosen = check_teams("--teams", teams, known) or known
    numbers = select_notebooks(notebooks)
    month = check_month("--as-of", as_of, within=dataset.months)
    workers = check_jobs("--jobs", jobs)
    keep_runs = check_count("--keep-runs", keep_runs)
    timeout = check_count("--timeout", timeout)
    nb_dir, available = locate_notebooks(numbers, notebooks_dir)
    chosen_params = check_parameters(params, params_file, notebooks={n: available[n] for n in numbers if n in available},
                                     teams=known)
    chromium = find_chromium() if pdf else None
    data_print = fingerprint(data_dir)
    validated = time.perf_counter()

    warnings = _warnings(dataset, numbers, available, nb_dir, lang)
    scratch = Path(tempfile.mkdtemp(prefix="cskit-report-"))
    settings = ReportSettings(
        data_dir=str(data_dir), out_dir=str(out_dir), notebooks_dir=str(nb_dir), scratch=str(scratch),
        run_id=new_run_id(), lang=lang, as_of=None if month is None else str(month),
        as_of_label=str(month if month is not None else dataset.months[-1]),
        show_code=show_code, warm_kernels=warm_kernels, audience=audience,
        notebook_parameters=chosen_params, timeout=timeout,
    )
    try:
        plan = plan_pages(dataset, chosen, numbers, available, settings)
        tools, previous = versions(), previous_manifest(out_dir)
        keys, fresh = _freshness(plan, data_print, tools, previous, force)
        headline_key = digest({"data": data_print, "as_of": settings.as_of, "lang": lang, "versions": tools})
        ran, headline = _run_jobs(plan, dataset, chosen, settings, workers, progress, fresh, keys,
                                  _kept_headline(previous, headline_key, chosen))
        finished = time.perf_counter()
        pages = [ran[(item.team, item.number)] if isinstance(item, Job) else item for item in plan]
        result = ReportResult(out_dir, out_dir / INDEX, out_dir / MANIFEST, pages, warnings, round(finished - started, 3))
        if chromium is not None:
            _print_pdfs(result, chromium, workers, lang)
        printed = time.perf_counter()
        definitions = definitions_key()
        run = RunRecord(dataset, settings, tuple(chosen), tuple(numbers), workers, created, data_print, headline,
                        headline_key, compare_headline(headline, previous, lang, dataset.currency), definitions,
                        previous_definitions(previous) not in (None, definitions))
        _write_site(result, run, keep_runs, {"validate_seconds": validated - started,
                                             "notebooks_seconds": finished - validated,
                                             "pdf_seconds": printed - finished, "total_seconds": None}, started)
    except BaseException:
        sweep_temps(out_dir, settings.run_id)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result.seconds = round(time.perf_counter() - started, 3)
    if progress:
        print_summary(result, lang)
    return result


def _warnings(dataset, numbers: list[str], available: dict, nb_dir, lang: str) -> list[str]:
    """Warnings for the index page and the terminal: what the loader normalised or did not read, notebooks not found."""
    warnings = [problem.render(lang) for problem in dataset.warnings]
    return warnings + [t("report.notebook_missing", lang, notebook=number, stem=f"{number}_*.ipynb", folder=nb_dir)
                       for number in numbers if number not in available]


def _freshness(plan: list, data_print: str, tools: dict, previous: dict,
               force: bool) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], PageResult]]:
    """Each job's page key, and the pages that are up to date (none with ``force``) (:mod:`cskit.report.freshness`)."""
    jobs = [job for job in plan if isinstance(job, Job)]
    templates = templates_fingerprint()
    keys = {(job.team, job.number): page_key(job, data_print, tools, templates) for job in jobs}
    return keys, ({} if force else fresh_pages(jobs, keys, previous))


def _write_site(result: ReportResult, run: RunRecord, keep_runs: int, timings: dict, started: float) -> None:
    """The index pages, ``manifest.json`` (timings in seconds; the total measured last) and its copy under ``runs/``."""
    timings = {name: round(time.perf_counter() - started if seconds is None else seconds, 3)
               for name, seconds in timings.items()}
    write_indexes(result, run)
    write_manifest(result, run, timings)
    keep_run(result.out_dir, result.manifest.read_text(encoding="utf-8"), run.settings.run_id, keep_runs)


def _print_pdfs(result: ReportResult, chromium: str, workers: int, lang: str) -> None:
    """A PDF beside each current page: every page rendered now, and kept pages that have none yet.

    A kept page's PDF is kept with it (both were made from the same HTML: a run that is
    killed while printing writes no manifest, so its pages are rendered again next time).
    A page Chromium cannot print is said on the index pages and makes the exit code 1.
    """
    wanted = [page for page in result.succeeded
              if page.status == "ok" or not (result.out_dir / page.html).with_suffix(".pdf").is_file()]
    errors = print_pdfs([result.out_dir / page.html for page in wanted], chromium, workers)
    for page in result.succeeded:
        pdf = (result.out_dir / page.html).with_suffix(".pdf")
        if result.out_dir / page.html in errors:
            result.pdf_failed.append(page.html)
            result.warnings.append(errors[result.out_dir / page.html].render(lang))
        elif pdf.is_file():
            page.pdf = str(Path(page.html).with_suffix(".pdf").as_posix())


def _kept_headline(previous: dict, headline_key: str, teams: list[str]) -> dict[str, list[dict]]:
    """The last manifest's headline KPIs, if they were computed from the same data, month, language and versions."""
    if previous.get("data", {}).get("headline_key") != headline_key:
        return {}
    kept = {entry.get("team"): entry.get("headline") for entry in previous.get("teams", []) if isinstance(entry, dict)}
    return {team: kept[team] for team in teams if kept.get(team) is not None}


def _run_jobs(plan: list, dataset, teams: list[str], settings: ReportSettings, workers: int, progress: bool,
              fresh: dict[tuple[str, str], PageResult], keys: dict[tuple[str, str], str],
              kept_headline: dict[str, list[dict]]) -> tuple[dict[tuple[str, str], PageResult], dict[str, list[dict]]]:
    """Run the plan's jobs that are not up to date, longest first, and compute the index pages' KPIs meanwhile.

    Returns the pages by ``(team, number)`` (``fresh`` ones as given) and the headline KPIs
    by team (``kept_headline`` for the teams it has, computed for the others).
    A team's KPIs recorded by its page (notebook 02, :mod:`cskit.report.headline`, kept or
    rendered now) replace the computed or kept ones, so the index always shows what the page shows.
    """
    out_dir = Path(settings.out_dir)
    stale = [item for item in plan if isinstance(item, Job) and (item.team, item.number) not in fresh]
    jobs = longest_first(stale, previous_seconds(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    headline: dict[str, list[dict]] = dict(kept_headline)
    missing = [team for team in teams if team not in headline]
    if progress and fresh:
        print(t("report.up_to_date_count", settings.lang, count=len(fresh)), file=sys.stderr)

    def compute_headline() -> None:  # runs while the workers run the notebooks
        if missing:
            headline.update(headline_kpis(dataset, missing, settings.as_of, settings.lang))

    ran = []
    if jobs:
        ran = run_pool(jobs, min(workers, len(jobs)), worker_env(workers), progress, settings.lang, settings.scratch,
                       while_running=compute_headline, up_to_date=len(fresh))
    if any(team not in headline for team in teams):
        compute_headline()
    for page in ran:
        page.key = keys[(page.team, page.number)]
        page.html_sha256 = file_sha256(out_dir / page.html) if page.html else None
    pages = {**fresh, **{(page.team, page.number): page for page in ran}}
    for page in pages.values():  # what a page computed and showed is what its index shows
        if page.status in FRESH_STATUSES and page.headline is not None:
            headline[page.team] = page.headline
    return pages, headline
