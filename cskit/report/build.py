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
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from ..files import fingerprint, new_run_id, sweep_temps
from ..i18n import t
from ..io import load_dataset
from ..options import AUDIENCES, check_choice, check_jobs, check_lang, check_month, check_teams
from .pdf import find_chromium, print_pdfs
from .plan import Job, PageResult, ReportSettings, locate_notebooks, longest_first, plan_pages, select_notebooks
from .run import run_pool, worker_env
from .site import (INDEX, MANIFEST, ReportResult, RunRecord, headline_kpis, previous_seconds, print_summary,
                   write_indexes, write_manifest)

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
    pdf : bool
        Also print each page that succeeded to a PDF beside it (:mod:`cskit.report.pdf`,
        headless Chromium); the seconds it took are the manifest's ``pdf_seconds``.

    Returns
    -------
    ReportResult
        ``exit_code`` is 1 if any notebook failed.

    Raises
    ------
    DataValidationError
        The dataset is invalid; nothing under ``out_dir`` was changed.
    CskitError
        Unknown team, notebook number, ``as_of``, language or audience, or no notebook
        to render in the folders looked in, or ``pdf`` without Chromium; nothing under
        ``out_dir`` was changed.
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
    nb_dir, available = locate_notebooks(numbers, notebooks_dir)
    chromium = find_chromium() if pdf else None
    data_print = fingerprint(data_dir)
    validated = time.perf_counter()

    # what the loader normalised or did not read (an unknown header) is said on the index page and the terminal
    warnings = [problem.render(lang) for problem in dataset.warnings]
    warnings += [t("report.notebook_missing", lang, notebook=number, stem=f"{number}_*.ipynb", folder=nb_dir)
                 for number in numbers if number not in available]
    scratch = Path(tempfile.mkdtemp(prefix="cskit-report-"))
    settings = ReportSettings(
        data_dir=str(data_dir), out_dir=str(out_dir), notebooks_dir=str(nb_dir), scratch=str(scratch),
        run_id=new_run_id(), lang=lang, as_of=None if month is None else str(month),
        as_of_label=str(month if month is not None else dataset.months[-1]),
        show_code=show_code, warm_kernels=warm_kernels, audience=audience,
    )
    try:
        plan = plan_pages(dataset, chosen, numbers, available, settings)
        ran, headline = _run_jobs(plan, dataset, chosen, settings, workers, progress)
        finished = time.perf_counter()
        pages = [ran[(item.team, item.number)] if isinstance(item, Job) else item for item in plan]
        result = ReportResult(out_dir, out_dir / INDEX, out_dir / MANIFEST, pages, warnings, round(finished - started, 3))
        if chromium is not None:
            print_pdfs([out_dir / page.html for page in result.succeeded], chromium, workers)
        printed = time.perf_counter()
        run = RunRecord(dataset, settings, tuple(chosen), tuple(numbers), workers, created, data_print, headline)
        write_indexes(result, run)
        write_manifest(result, run, {
            "validate_seconds": round(validated - started, 3),
            "notebooks_seconds": round(finished - validated, 3),
            "pdf_seconds": round(printed - finished, 3),
            "total_seconds": round(time.perf_counter() - started, 3),
        })
    except BaseException:
        sweep_temps(out_dir, settings.run_id)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result.seconds = round(time.perf_counter() - started, 3)
    if progress:
        print_summary(result, lang)
    return result


def _run_jobs(plan: list, dataset, teams: list[str], settings: ReportSettings, workers: int,
              progress: bool) -> tuple[dict[tuple[str, str], PageResult], dict[str, list[dict]]]:
    """Run the plan's jobs, longest first, and compute the index pages' KPIs in this process meanwhile.

    Returns the pages by ``(team, number)`` and the headline KPIs by team.
    """
    out_dir = Path(settings.out_dir)
    jobs = longest_first([item for item in plan if isinstance(item, Job)], previous_seconds(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    headline: dict[str, list[dict]] = {}

    def compute_headline() -> None:  # runs while the workers run the notebooks
        headline.update(headline_kpis(dataset, teams, settings.as_of, settings.lang))

    ran = []
    if jobs:
        ran = run_pool(jobs, min(workers, len(jobs)), worker_env(workers), progress, settings.lang, settings.scratch,
                       while_running=compute_headline)
    if not headline:
        compute_headline()
    return {(page.team, page.number): page for page in ran}, headline
