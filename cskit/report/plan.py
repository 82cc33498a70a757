"""Which pages a report run makes: the notebooks of each role, where they are, one job per page.

A run renders, for every chosen team, the notebooks its role gets
(:data:`NOTEBOOKS_BY_ROLE`) among the chosen numbers. :func:`plan_pages` turns that
into :class:`Job` objects (what a worker process needs) and ``skipped`` pages (a
notebook file that does not exist); :func:`longest_first` orders the jobs so the
workers finish together.

The notebooks are found in the installed package first (``cskit/notebooks/``, copied
there when the wheel is built) and else in the repository's ``notebooks/`` (a source
checkout or an editable install); see :func:`notebook_folders`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path


from ..errors import CskitError, OptionError
from ..dates import format_month
from ..files import slugify
from ..i18n import LANGS, t
from ..roles.registry import per_role
from ..options import check_choice, parse_list
from .params import NotebookParameters, declared_parameters, only_declared

__all__ = [
    "RUNS_DIR", "FAILED_DIR", "team_folder",
    "NOTEBOOKS_BY_ROLE", "HEADLINE_KPIS", "PACKAGE_NOTEBOOKS", "REPO_NOTEBOOKS", "ReportSettings", "Job", "PageResult",
    "notebook_folders", "find_notebooks", "locate_notebooks", "select_notebooks", "notebook_title",
    "declared_parameters", "inside", "plan_pages", "longest_first",
]

#: Folders of the output that are not a team's: run manifests (:mod:`cskit.report.history`)
#: and failed pages' logs (:mod:`cskit.report.run`). A team with one of these names gets a
#: hashed folder name instead (:func:`team_folder`).
RUNS_DIR = "runs"
FAILED_DIR = "_failed"


def team_folder(team: str) -> str:
    """The folder of ``team``'s pages under the output folder: its slug, never one of the run's own folders.

    Examples
    --------
    >>> team_folder("cs_smb")
    'cs_smb'
    >>> team_folder("runs") != RUNS_DIR
    True
    """
    return slugify(team, reserved=(RUNS_DIR, FAILED_DIR))


# --------------------------------------------------------------------------- #
# Per-role facts of the report
# --------------------------------------------------------------------------- #
#: Notebooks (by number) each role gets a report of, and the KPIs its index shows:
#: per-role facts, read from the one table of them (:mod:`cskit.roles.registry`).
NOTEBOOKS_BY_ROLE: dict[str, tuple[str, ...]] = per_role("notebooks")
HEADLINE_KPIS: dict[str, tuple[str, ...]] = per_role("headline_kpis")

#: Message key of each notebook's title, written out in full (a search for a key finds its users).
NOTEBOOK_TITLE_KEYS = {"01": "report.notebook.01", "02": "report.notebook.02", "03": "report.notebook.03",
                       "04": "report.notebook.04"}

# --------------------------------------------------------------------------- #
# Where the notebooks are
# --------------------------------------------------------------------------- #
#: Notebooks shipped inside an installed wheel (the build copies ``notebooks/*.ipynb`` here).
PACKAGE_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: The repository's notebooks (a source checkout or an editable install).
REPO_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

_NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


def notebook_folders(notebooks_dir: str | Path | None = None) -> list[Path]:
    """The folders to look for notebooks in, in order.

    Parameters
    ----------
    notebooks_dir : str, Path or None
        A folder chosen by the user (then only that one), or ``None`` for the package's
        notebooks, then the repository's.

    Returns
    -------
    list of Path

    Examples
    --------
    >>> notebook_folders() == [PACKAGE_NOTEBOOKS, REPO_NOTEBOOKS]
    True
    >>> notebook_folders("/srv/nbs")
    [PosixPath('/srv/nbs')]
    """
    if notebooks_dir:
        return [Path(notebooks_dir).resolve()]
    return [PACKAGE_NOTEBOOKS, REPO_NOTEBOOKS]


def find_notebooks(folder: Path) -> dict[str, Path]:
    """Notebook files of ``folder`` by number (``"02"`` -> ``02_kpi_calculation.ipynb``).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "02_kpi.ipynb").write_text("{}")
    ...     _ = (Path(folder) / "notes.ipynb").write_text("{}")
    ...     {number: path.name for number, path in find_notebooks(Path(folder)).items()}
    {'02': '02_kpi.ipynb'}
    """
    found: dict[str, Path] = {}
    for path in sorted(Path(folder).glob(_NOTEBOOK_GLOB)):
        found.setdefault(path.name[:2], path)
    return found


def locate_notebooks(numbers: list[str], notebooks_dir: str | Path | None = None) -> tuple[Path, dict[str, Path]]:
    """The first folder of :func:`notebook_folders` holding any of ``numbers``, and its notebooks.

    Raises
    ------
    CskitError
        ``report.no_notebooks`` (exit code 2) when no folder holds any of them: a run
        that would render nothing is an error, and the message names every folder looked in.
    """
    folders = notebook_folders(notebooks_dir)
    for folder in folders:
        found = find_notebooks(folder)
        if any(number in found for number in numbers):
            return folder, found
    raise CskitError("report.no_notebooks", notebooks=",".join(numbers),
                     folders=", ".join(str(folder) for folder in folders))


def select_notebooks(notebooks: str | list[str] | None) -> list[str]:
    """The notebook numbers named by ``notebooks`` (``"all"``: every number of :data:`NOTEBOOKS_BY_ROLE`).

    Examples
    --------
    >>> select_notebooks("2,03")
    ['02', '03']
    >>> select_notebooks("all")
    ['01', '02', '03', '04']
    """
    known = sorted({n for numbers in NOTEBOOKS_BY_ROLE.values() for n in numbers})
    chosen = parse_list(notebooks)
    if chosen is None:
        return known
    numbers = [c.zfill(2) if c.isdigit() else c for c in chosen]
    for number in numbers:
        check_choice("--notebooks", number, ("all", *known))
    return list(dict.fromkeys(numbers))


def notebook_title(number: str, stem: str, lang: str) -> str:
    """Display title of a notebook (from the message catalogue, else its file stem).

    Examples
    --------
    >>> notebook_title("02", "02_kpi_calculation", "en")
    '02 KPI calculation'
    >>> notebook_title("77", "77_extra", "en")
    '77_extra'
    """
    key = NOTEBOOK_TITLE_KEYS.get(number)
    return t(key, lang) if key else stem


def inside(root: Path, path: Path) -> Path:
    """``path`` if it is under ``root``; a guard against any path escape.

    Examples
    --------
    >>> inside(Path("/tmp/reports"), Path("/tmp/reports/cs_smb"))
    PosixPath('/tmp/reports/cs_smb')
    """
    if not path.resolve().is_relative_to(root.resolve()):
        raise OptionError("--out", str(path), "outside the output folder")
    return path


# --------------------------------------------------------------------------- #
# Jobs
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class ReportSettings:
    """What every page of one run shares (picklable: it travels to the worker processes).

    Attributes
    ----------
    data_dir, out_dir, notebooks_dir, scratch : str
        Absolute folders: the dataset, the output, the notebooks, this run's scratch space.
    run_id : str
        Names this run's temporary files (:func:`cskit.files.atomic_write`).
    lang : {"ja", "en"}
    as_of : str or None
        The month asked for (passed to the notebooks); ``as_of_label`` is the month shown.
    show_code, warm_kernels : bool
    audience : {"trainer", "new_hire"}
    notebook_parameters : NotebookParameters
        The user's checked values (``--param``, ``--params-file``; :mod:`cskit.report.params`).
    timeout : int
        Seconds a cell may run before its page fails.
    """

    data_dir: str
    out_dir: str
    notebooks_dir: str
    scratch: str
    run_id: str
    lang: str
    as_of: str | None
    as_of_label: str
    show_code: bool = False
    warm_kernels: bool = True
    audience: str = "trainer"
    notebook_parameters: NotebookParameters = field(default_factory=NotebookParameters)
    timeout: int = 600


@dataclass(frozen=True)
class Job:
    """One notebook for one team: everything a worker process needs (picklable)."""

    team: str
    team_name: str
    notebook: str
    settings: ReportSettings
    #: The team's notebook files rendered before and after this one (page navigation), or ``None``.
    previous: str | None = None
    next: str | None = None

    @property
    def slug(self) -> str:
        return team_folder(self.team)

    @property
    def stem(self) -> str:
        return Path(self.notebook).stem

    @property
    def number(self) -> str:
        return self.stem[:2]

    @property
    def team_dir(self) -> Path:
        return Path(self.settings.out_dir) / self.slug

    @property
    def cwd(self) -> str:
        """The notebook's folder: papermill runs it there."""
        return str(Path(self.notebook).parent)

    @property
    def header(self) -> dict[str, str]:
        """What the page header shows (escaped by the template)."""
        return {"team": self.team, "team_name": self.team_name,
                "notebook_title": notebook_title(self.number, self.stem, self.settings.lang),
                "as_of": format_month(self.settings.as_of_label, self.settings.lang)}

    def neighbours(self) -> list[dict[str, str]]:
        """Previous/next links of the page: ``[{"rel", "href", "text"}]`` (same team folder)."""
        lang, links = self.settings.lang, []
        for rel, path, key in (("prev", self.previous, "report.nav_previous"), ("next", self.next, "report.nav_next")):
            if path:
                stem = Path(path).stem
                text = t(key, lang, title=notebook_title(stem[:2], stem, lang))
                links.append({"rel": rel, "href": f"{stem}.html", "text": text})
        return links

    def other_language(self) -> str | None:
        """Link to this page in the other language, when that page exists.

        Both languages live side by side as ``<root>/ja/`` and ``<root>/en/`` (``--out reports/ja``);
        a page links to ``../../<other>/<team>/<page>.html`` when the other run wrote it.
        """
        out_dir = Path(self.settings.out_dir)
        if out_dir.name != self.settings.lang:
            return None
        for other in sorted(set(LANGS) - {self.settings.lang}):
            if (out_dir.parent / other / self.slug / f"{self.stem}.html").is_file():
                return f"../../{other}/{self.slug}/{self.stem}.html"
        return None

    def parameters(self) -> dict:
        """papermill parameters: written as Python literals after the parameters cell (data, never code).

        The run's own values, then the user's checked values for this team and notebook;
        only those the notebook declares are injected.
        """
        s = self.settings
        parameters = {"data_dir": s.data_dir, "team": self.team, "lang": s.lang, "as_of": s.as_of,
                      "interactive": False, "audience": s.audience}
        parameters.update(s.notebook_parameters.for_job(self.team, self.number))
        return only_declared(parameters, declared_parameters(self.notebook))


@dataclass
class PageResult:
    """What happened to one team's notebook.

    Attributes
    ----------
    status : {"ok", "up_to_date", "failed", "skipped"}
        ``up_to_date``: not rendered again, nothing it depends on changed
        (:mod:`cskit.report.freshness`).
    seconds : float
        Wall time of execute + convert (of the run that rendered it, for ``up_to_date``).
    html, failed_html, failed_ipynb : str or None
        Paths relative to the output folder.
    error : dict or None
        ``{"ename": ..., "evalue": ...}`` of the failure.
    cell_seconds : float
        Time the kernel spent running cells (papermill's per-cell durations); the
        rest of ``seconds`` is kernel start-up, papermill and nbconvert.
    key : str or None
        :func:`cskit.report.freshness.page_key` of what the page was made from.
    html_sha256 : str or None
        sha256 of the HTML file as written (a page changed since is rendered again).
    failed_logs : list of str or None
        A failed page's papermill and kernel logs, relative to the output folder
        (``_failed/<slug>/<stem>.papermill.log``, ``.kernel.log``).
    pdf : str or None
        The page's PDF (``--pdf``), relative to the output folder.
    headline : list of dict or None
        The headline rows the notebook recorded for the index pages
        (:func:`cskit.report.headline.read_headline`), else ``None``.
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
    key: str | None = None
    html_sha256: str | None = None
    failed_logs: list[str] | None = None
    pdf: str | None = None
    headline: list | None = None


def plan_pages(dataset, teams: list[str], numbers: list[str], available: dict[str, Path],
               settings: ReportSettings) -> list[Job | PageResult]:
    """One :class:`Job` per team and notebook of its role, or a ``skipped`` page if the file is missing."""
    out_dir = Path(settings.out_dir)
    plan: list[Job | PageResult] = []
    for team in teams:
        slug = team_folder(team)
        inside(out_dir, out_dir / slug)
        for number in NOTEBOOKS_BY_ROLE[dataset.role_of(team)]:
            if number not in numbers:
                continue
            path = available.get(number)
            if path is None:
                plan.append(PageResult(team, slug, number, number, "skipped"))
            else:
                plan.append(Job(team, dataset.team_name(team, settings.lang), str(path), settings))
    return _linked(plan)


def _linked(plan: list[Job | PageResult]) -> list[Job | PageResult]:
    """Each job with the team's previous and next rendered notebook (page navigation)."""
    linked: list[Job | PageResult] = []
    for item in plan:
        if isinstance(item, Job):
            same = [other for other in plan if isinstance(other, Job) and other.team == item.team]
            at = same.index(item)
            item = replace(item, previous=same[at - 1].notebook if at > 0 else None,
                           next=same[at + 1].notebook if at + 1 < len(same) else None)
        linked.append(item)
    return linked


def longest_first(jobs: list[Job], previous: dict[tuple[str, str], float]) -> list[Job]:
    """Start the longest jobs first (last run's seconds, else notebook size) so workers finish together."""
    def expected(job: Job) -> float:
        return previous.get((job.team, job.stem), Path(job.notebook).stat().st_size / 1e4)

    return sorted(jobs, key=expected, reverse=True)
