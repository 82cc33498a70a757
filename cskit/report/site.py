"""The pages around the reports: the run's and each team's ``index.html``, ``manifest.json``, the summary.

Layout of the output folder::

    reports/
      index.html                 teams, headline KPIs, links
      glossary.html              every term the notebooks use, in the run's language
      manifest.json              parameters, data fingerprint, versions, timings, statuses
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


from ..files import atomic_write, slugify
from .._version import __version__
from ..dates import format_datetime, format_month
from ..i18n import t
from ..roles.registry import ROLE_TABLE
from .plan import HEADLINE_KPIS, PageResult, ReportSettings, inside, notebook_title
from .render import CSP, TEMPLATE_DIR, css

__all__ = ["INDEX", "GLOSSARY", "MANIFEST", "STATUSES", "ReportResult", "RunRecord", "versions", "previous_seconds",
           "headline_kpis", "write_indexes", "write_manifest", "print_summary"]

MANIFEST = "manifest.json"
INDEX = "index.html"
GLOSSARY = "glossary.html"
STATUSES = ("ok", "failed", "skipped")
#: Message key of each status, written out in full (a search for a key finds its users).
STATUS_KEYS = {"ok": "report.status.ok", "failed": "report.status.failed", "skipped": "report.status.skipped"}


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
    """

    dataset: object
    settings: ReportSettings
    teams: tuple[str, ...]
    notebooks: tuple[str, ...]
    workers: int
    created: str
    fingerprint: str
    headline: dict = field(default_factory=dict)


def versions() -> dict[str, str]:
    """Versions of the tools that shape a report."""
    found = {"python": platform.python_version()}
    for package in ("cskit", "pandas", "papermill", "nbconvert", "nbclient", "matplotlib"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:  # pragma: no cover - all are dependencies
            found[package] = "unknown"
    return found


def previous_seconds(out_dir: Path) -> dict[tuple[str, str], float]:
    """Seconds each page took last time, from the last manifest (to start the longest jobs first)."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {(p["team"], p["stem"]): float(p["seconds"]) for p in manifest.get("pages", [])}
    except Exception:
        return {}


def headline_kpis(dataset, teams: Iterable[str], as_of: str | None, lang: str) -> dict[str, list[dict]]:
    """``{team: [{"kpi", "name", "value", "raw"}]}`` for the index pages (last month up to ``as_of``).

    A KPI whose last month is not final yet (tickets still open) is read from its last
    complete month (:func:`cskit.kpi.latest.latest_values`), as notebook 02's headline is.
    """
    from ..kpi.engine import compute_kpis
    from ..kpi.latest import latest_values
    from ..kpi.registry import format_value, get_kpi

    teams = list(teams)
    kpis = compute_kpis(dataset, teams=teams, end=as_of) if teams else pd.DataFrame(columns=["team", "month", "kpi", "value"])
    last = kpis["month"].max() if len(kpis) else None
    out: dict[str, list[dict]] = {}
    for team in teams:
        rows = []
        wanted = list(HEADLINE_KPIS.get(dataset.role_of(team), ()))
        latest = (latest_values(kpis, wanted, [team], last, data_end=dataset.months[-1]).set_index("kpi")
                  if last is not None else pd.DataFrame(columns=["month", "value"]))
        for kpi_id in wanted:
            value = latest["value"].get(kpi_id, float("nan"))
            month = latest["month"].get(kpi_id, last)
            name = get_kpi(kpi_id).label(lang)
            rows.append({
                "kpi": kpi_id,
                # a value read from an earlier, complete month says which
                "name": name if month == last else t("notebook.table.complete_month", lang, kpi=name, month=month),
                "value": format_value(kpi_id, value, lang, dataset.currency),
                "raw": None if pd.isna(value) else float(value),
            })
        out[team] = rows
    return out


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
            "seconds": f"{page.seconds:.1f}" if page.status != "skipped" else "",
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
        },
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
        slug = slugify(team)
        role = dataset.role_of(team)
        entry = {
            "team": team,
            "slug": slug,
            "name": dataset.team_name(team, lang),
            "role_name": t(ROLE_TABLE[role].name_key, lang) if role in ROLE_TABLE else role,
            "kpis": run.headline.get(team, []),
            "pages": _page_rows([p for p in result.pages if p.team == team], lang),
        }
        teams.append(entry)
        page = env.get_template("team_index.html.j2").render(
            common, title=t("report.team_title", lang, team=entry["name"]), team=entry
        )
        atomic_write(inside(result.out_dir, result.out_dir / slug / INDEX), page, run_id)
    page = env.get_template("site_index.html.j2").render(common, title=t("report.title", lang), teams=teams)
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
        },
        "data": {"fingerprint": run.fingerprint, "currency": dataset.currency},
        "versions": versions(),
        "timings": timings,
        "warnings": result.warnings,
        "glossary": GLOSSARY,
        "teams": [{"team": tm, "slug": slugify(tm), "role": dataset.role_of(tm), "name": dataset.team_name(tm, s.lang),
                   "headline": run.headline.get(tm, [])} for tm in run.teams],
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
    colours = {"ok": "green", "failed": "red", "skipped": "yellow"}
    for page in result.pages:
        status = t(STATUS_KEYS[page.status], lang)
        table.add_row(Text(page.team), Text(page.stem), Text(status, style=colours[page.status]),
                      f"{page.seconds:.1f}" if page.status != "skipped" else "")
    console.print(table, highlight=False)
    for warning in result.warnings:
        console.print(warning, markup=False, highlight=False)
