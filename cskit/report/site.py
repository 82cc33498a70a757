"""The pages around the reports: the run's and each team's ``index.html``, ``manifest.json``, the summary.

Layout of the output folder::

    reports/
      index.html                 teams, headline KPIs against the last run, teams that moved most, links
      glossary.html              every term the notebooks use, in the run's language
      manifest.json              parameters, data fingerprint, versions, timings, statuses, page keys
      runs/<time>-<run-id>.json  the manifest of each of the last runs (cskit.report.history)
      <team-slug>/index.html     the team's pages and their status
      <team-slug>/<stem>.html    one report per notebook (last good one)
      <team-slug>/<stem>.failed.html, _failed/<stem>.ipynb   when a notebook failed

The index pages are rendered with jinja2 autoescape on (team names come from the
data and may hold markup) and carry the same inert :data:`~cskit.report.render.CSP`
as the report pages.
"""
from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Iterable

import pandas as pd


from ..files import atomic_write
from .._version import __version__
from ..dates import format_datetime, format_month
from ..i18n import t
from ..roles.registry import ROLE_TABLE
from .freshness import FRESH_STATUSES
from .plan import HEADLINE_KPIS, PageResult, ReportSettings, inside, notebook_title, team_folder
from .render import CSP, TEMPLATE_DIR, css

__all__ = ["INDEX", "GLOSSARY", "MANIFEST", "STATUSES", "ReportResult", "RunRecord", "versions", "previous_manifest", "previous_seconds",
           "headline_kpis", "write_indexes", "write_manifest", "print_summary"]

MANIFEST = "manifest.json"
INDEX = "index.html"
GLOSSARY = "glossary.html"
STATUSES = ("ok", "up_to_date", "failed", "skipped")
#: Message key of each status, written out in full (a search for a key finds its users).
STATUS_KEYS = {"ok": "report.status.ok", "up_to_date": "report.status.up_to_date", "failed": "report.status.failed",
               "skipped": "report.status.skipped"}


@dataclass
class ReportResult:
    """Outcome of :func:`cskit.report.build_reports`.

    Attributes
    ----------
    out_dir, index, manifest : Path
    pages : list of PageResult
        One per team and notebook, in plan order.
    warnings : list of str
        Messages in the run's language (e.g. a notebook file that does not exist).
    seconds : float
    pdf_failed : list of str
        Pages (relative paths) that ``--pdf`` could not print; any makes the exit code 1.
    """

    out_dir: Path
    index: Path
    manifest: Path
    pages: list[PageResult]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    pdf_failed: list[str] = field(default_factory=list)

    @property
    def succeeded(self) -> list[PageResult]:
        """Pages whose HTML is current: rendered by this run or up to date."""
        return [p for p in self.pages if p.status in FRESH_STATUSES]

    @property
    def rendered(self) -> list[PageResult]:
        """Pages this run rendered."""
        return [p for p in self.pages if p.status == "ok"]

    @property
    def up_to_date(self) -> list[PageResult]:
        """Pages kept as they were: nothing they depend on changed."""
        return [p for p in self.pages if p.status == "up_to_date"]

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
        """0 when every notebook rendered (and, with ``--pdf``, printed), 1 when any failed."""
        return 0 if self.ok and not self.pdf_failed else 1


@dataclass(frozen=True)
class RunRecord:
    """What the index pages and the manifest say about a run besides its pages.

    Attributes
    ----------
    dataset : cskit.io.Dataset
    settings : ReportSettings
    teams, notebooks : tuple of str
        The chosen team ids and notebook numbers.
    workers : int
    created : str
        Local time the run started (ISO 8601).
    fingerprint : str
        :func:`cskit.files.fingerprint` of the dataset folder.
    headline : dict
        ``{team: [{"kpi", "name", "value", "raw"}]}`` (:func:`headline_kpis`).
    headline_key : str or None
        Digest of what the headline KPIs were computed from (data, month, language,
        versions): the next run reuses them when it is the same.
    compared : dict
        ``headline`` with the previous run's values, change and arrow
        (:func:`cskit.report.history.compare_headline`).
    definitions_key : str or None
        :func:`cskit.report.history.definitions_key` of this run.
    definitions_changed : bool
        The previous run had another cskit version, KPI registry or data contract.
    """

    dataset: object
    settings: ReportSettings
    teams: tuple[str, ...]
    notebooks: tuple[str, ...]
    workers: int
    created: str
    fingerprint: str
    headline: dict = field(default_factory=dict)
    headline_key: str | None = None
    compared: dict = field(default_factory=dict)
    definitions_key: str | None = None
    definitions_changed: bool = False


def versions() -> dict[str, str]:
    """Versions of the tools that shape a report."""
    found = {"python": platform.python_version()}
    for package in ("cskit", "pandas", "papermill", "nbconvert", "nbclient", "matplotlib"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:  # pragma: no cover - all are dependencies
            found[package] = "unknown"
    return found


def previous_manifest(out_dir: Path) -> dict:
    """The last run's ``manifest.json`` in ``out_dir`` (empty if there is none or it cannot be read)."""
    try:
        manifest = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except Exception:
        return {}
    return manifest if isinstance(manifest, dict) else {}


def previous_seconds(out_dir: Path) -> dict[tuple[str, str], float]:
    """Seconds each page took last time, from the last manifest (to start the longest jobs first)."""
    try:
        return {(p["team"], p["stem"]): float(p["seconds"]) for p in previous_manifest(out_dir).get("pages", [])}
    except Exception:
        return {}


def headline_kpis(dataset, teams: Iterable[str], as_of: str | None, lang: str) -> dict[str, list[dict]]:
    """``{team: [{"kpi", "name", "value", "raw"}]}`` for the index pages (last month up to ``as_of``).

    The rows of :func:`cskit.report.headline.headline_rows`, the function notebook 02 uses
    for the rows it records: a team whose notebook 02 ran gets the rows the page recorded
    (:func:`cskit.report.headline.read_headline`), the others these.
    """
    from ..kpi.engine import compute_kpis
    from .headline import headline_rows

    teams = list(teams)
    kpis = compute_kpis(dataset, teams=teams, end=as_of) if teams else pd.DataFrame(columns=["team", "month", "kpi", "value"])
    return {team: headline_rows(kpis, team, HEADLINE_KPIS.get(dataset.role_of(team), ()), lang, dataset.currency,
                                data_end=dataset.months[-1]) for team in teams}


# --------------------------------------------------------------------------- #
# Index pages
# --------------------------------------------------------------------------- #
@lru_cache(maxsize=1)
def _index_env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )


def _page_rows(pages: list[PageResult], lang: str) -> list[dict]:
    rows = []
    for page in pages:
        rows.append({
            "title": notebook_title(page.number, page.stem, lang),
            "status": page.status,
            "status_text": t(STATUS_KEYS[page.status], lang),
            "href": page.html.split("/", 1)[1] if page.html else None,
            "failed_href": page.failed_html.split("/", 1)[1] if page.failed_html else None,
            "pdf_href": page.pdf.split("/", 1)[1] if page.pdf else None,
            "seconds": f"{page.seconds:.1f}" if page.status in ("ok", "failed") else "",
            "error": f"{page.error['ename']}: {page.error['evalue'][:300]}" if page.error else None,
        })
    return rows


def _common(result: ReportResult, run: RunRecord) -> dict:
    """What the run's and the teams' index pages share: language, style, labels, footer."""
    lang = run.settings.lang
    return {
        "lang": lang,
        "css": css(),
        "csp": CSP,
        "footer": t("report.footer", lang, version=__version__),
        "subtitle": t("report.subtitle", lang, as_of=format_month(run.settings.as_of_label, lang),
                      created=format_datetime(run.created, lang),
                      fingerprint=run.fingerprint[:19]),
        "warnings": result.warnings,
        "labels": {
            "team": t("report.col_team", lang), "role": t("report.col_role", lang),
            "kpis": t("report.col_kpis", lang), "reports": t("report.col_reports", lang),
            "notebook": t("report.col_notebook", lang), "status": t("report.col_status", lang),
            "seconds": t("report.col_seconds", lang), "failed": t("report.failed_link", lang),
            "failed_page": t("report.failed_link", lang), "previous": t("report.previous_good", lang),
            "back": t("report.back_to_teams", lang), "glossary": t("glossary.title", lang),
            "previous_run": t("report.history.previous_run", lang), "moved_most": t("report.history.moved_most", lang),
            "unchanged": t("report.history.unchanged", lang), "nothing_moved": t("report.history.nothing_moved", lang),
        },
        "definitions_note": t("report.history.definitions_changed", lang) if run.definitions_changed else None,
        "glossary_href": GLOSSARY,
    }


def write_indexes(result: ReportResult, run: RunRecord) -> None:
    """Write ``index.html`` of the run and of each team, and ``glossary.html`` (escaped by jinja2 autoescape)."""
    from .glossary_page import glossary_html

    dataset, lang, run_id = run.dataset, run.settings.lang, run.settings.run_id
    env = _index_env()
    common = _common(result, run)
    teams = []
    for team in run.teams:
        slug = team_folder(team)
        role = dataset.role_of(team)
        entry = {
            "team": team,
            "slug": slug,
            "name": dataset.team_name(team, lang),
            "role_name": t(ROLE_TABLE[role].name_key, lang) if role in ROLE_TABLE else role,
            "kpis": run.compared.get(team) or run.headline.get(team, []),
            "pages": _page_rows([p for p in result.pages if p.team == team], lang),
        }
        teams.append(entry)
        page = env.get_template("team_index.html.j2").render(
            common, title=t("report.team_title", lang, team=entry["name"]), team=entry
        )
        atomic_write(inside(result.out_dir, result.out_dir / slug / INDEX), page, run_id)
    from .history import moved_most

    names = {entry["team"]: entry for entry in teams}
    moved = [{"name": names[team]["name"], "slug": names[team]["slug"], "relative": f"{rel:+.1%}",
              "kpi": next(row for row in names[team]["kpis"] if row["kpi"] == kpi)}
             for team, kpi, rel in moved_most({tm: run.compared.get(tm, []) for tm in run.teams})]
    compared = any(row.get("previous_raw") is not None for rows in run.compared.values() for row in rows)
    page = env.get_template("site_index.html.j2").render(common, title=t("report.title", lang), teams=teams,
                                                         moved=moved, compared=compared)
    atomic_write(result.index, page, run_id)
    atomic_write(result.out_dir / GLOSSARY, glossary_html(lang, back=True), run_id)


# --------------------------------------------------------------------------- #
# Manifest and summary
# --------------------------------------------------------------------------- #
def write_manifest(result: ReportResult, run: RunRecord, timings: dict[str, float]) -> None:
    """Write ``manifest.json``: parameters, data fingerprint, versions, timings, teams and pages."""
    s, dataset = run.settings, run.dataset
    manifest = {
        "cskit_report": 1,
        "created": run.created,
        "parameters": {
            "data_dir": s.data_dir, "out_dir": s.out_dir, "teams": list(run.teams), "notebooks": list(run.notebooks),
            "lang": s.lang, "as_of": s.as_of, "as_of_used": s.as_of_label, "jobs": run.workers, "show_code": s.show_code,
            "warm_kernels": s.warm_kernels, "audience": s.audience,
            "notebooks_dir": s.notebooks_dir,
            "notebook_parameters": s.notebook_parameters.as_record(), "timeout": s.timeout,
        },
        "data": {"fingerprint": run.fingerprint, "currency": dataset.currency, "headline_key": run.headline_key},
        "definitions_key": run.definitions_key,
        "definitions_changed": run.definitions_changed,
        "versions": versions(),
        "timings": timings,
        "warnings": result.warnings,
        "glossary": GLOSSARY,
        "teams": [{"team": tm, "slug": team_folder(tm), "role": dataset.role_of(tm), "name": dataset.team_name(tm, s.lang),
                   "headline": run.headline.get(tm, []), "compared": run.compared.get(tm, [])} for tm in run.teams],
        "pages": [asdict(p) for p in result.pages],
    }
    atomic_write(result.manifest, json.dumps(manifest, ensure_ascii=False, indent=2), s.run_id)


def print_summary(result: ReportResult, lang: str, console=None) -> None:
    """Print one row per page (team, notebook, status, seconds) with rich."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    table = Table(title=t("report.summary_title", lang))
    for key in ("report.col_team", "report.col_notebook", "report.col_status", "report.col_seconds"):
        table.add_column(t(key, lang), justify="right" if key.endswith("seconds") else "left")
    colours = {"ok": "green", "up_to_date": "cyan", "failed": "red", "skipped": "yellow"}
    for page in result.pages:
        status = t(STATUS_KEYS[page.status], lang)
        table.add_row(Text(page.team), Text(page.stem), Text(status, style=colours[page.status]),
                      f"{page.seconds:.1f}" if page.status in ("ok", "failed") else "")
    console.print(table, highlight=False)
    for warning in result.warnings:
        console.print(warning, markup=False, highlight=False)
