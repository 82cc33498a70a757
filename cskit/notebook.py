"""Small helpers the notebooks call so that they stay thin.

Notebooks hold two kinds of prose: markdown cells tagged ``lang-ja`` or ``lang-en``
(the report drops the other language), and text made from data, which comes from
functions here that take ``lang``. Formulas are drawn from the KPI registry as SVG
(matplotlib mathtext), so reports need no MathJax from a CDN.
"""
from __future__ import annotations

import copy
import html
import io
import os
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .dates import format_month
from .i18n import LANGS, pick, resolve_lang, t
from .kpi.registry import convention_lines, format_value, get_kpi



def setup(lang: str | None = None, context: str = "notebook") -> str:
    """Prepare a notebook: resolve the language, set the chart style, pandas display options, short errors,
    and give every chart its title as alt text (:func:`describe_figures`).

    In IPython (Jupyter, papermill) a :class:`~cskit.errors.CskitError` (a missing data
    folder, an unknown team, ...) is then shown as a short box in ``lang`` instead of a
    traceback (:func:`cskit.notebook_errors.show_errors_briefly`); the cell still fails, so a papermill run
    (``cskit report``) stops and reports it. Other errors keep their traceback.

    Parameters
    ----------
    lang : {"ja", "en"} or None
        ``None``: ``$CSKIT_LANG``, else Japanese.
    context : str
        Seaborn context of the chart style (``notebook``, ``talk``, ...).

    Returns
    -------
    str
        The language (``"ja"`` or ``"en"``).

    Raises
    ------
    CskitError
        ``cli.unknown_lang`` for another language (shown briefly, in both languages).

    Examples
    --------
    >>> import matplotlib
    >>> with pd.option_context("display.max_colwidth", 50), matplotlib.rc_context():
    ...     setup("EN")
    'en'
    """
    from .options import check_lang
    from .plots import set_style

    from .notebook_errors import show_errors_briefly

    show_errors_briefly(None)  # a mistyped language is itself an error to show briefly
    lang = check_lang(lang)
    set_style(context)
    describe_figures()
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 160)
    pd.set_option("display.max_colwidth", None)  # a table's text is never cut to 50 characters
    show_errors_briefly(lang)
    return lang


def figure_title(fig) -> str:
    """A chart's title: the figure's suptitle, else the first axes title ("" if it has none).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> left, right = fig.subplots(1, 2)
    >>> _ = right.set_title("Net revenue retention")
    >>> figure_title(fig)
    'Net revenue retention'
    >>> _ = fig.suptitle("Cohorts")
    >>> figure_title(fig)
    'Cohorts'
    """
    titles = [fig.get_suptitle()] + [ax.get_title(loc) for ax in fig.axes for loc in ("center", "left", "right")]
    return next((title.strip() for title in titles if title and title.strip()), "")


def _figure_alt(fig):
    """The display metadata that carries a figure's title as its image's alt text."""
    title = figure_title(fig)
    return ({}, {"image/png": {"alt": title}}) if title else None


def describe_figures() -> None:
    """Make every matplotlib figure shown in this kernel carry its title as the image's alt text.

    The title (:func:`figure_title`, in the notebook's language like every chart label)
    goes into the output's ``image/png`` metadata as ``alt``; the report page writes it
    on the image (:mod:`cskit.report.render`). Registering twice is harmless; outside
    IPython nothing happens.
    """
    from IPython import get_ipython
    from matplotlib.figure import Figure

    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.mimebundle_formatter.for_type(Figure, _figure_alt)


#: The last folder :func:`load_data` read in this kernel: {"stamp": ..., "dataset": Dataset}.
_LOADED: dict = {}


def _folder_stamp(location) -> tuple | None:
    """Names, sizes and modification times of a folder's files; ``None`` for a URL or a missing folder."""
    if "://" in str(location):
        return None
    folder = Path(location).resolve()
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return None
    return (str(folder),) + tuple((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries if e.is_file())


def load_data(location):
    """:func:`cskit.io.load_dataset`, reading and validating a folder once per kernel.

    A report worker runs many notebooks in one kernel (:mod:`cskit.report.kernels`); the
    first notebook reads the folder, the next ones get a copy of what it read.

    Parameters
    ----------
    location : str or Path
        Dataset folder, or a database URL (read every time: a database can change
        without a file changing).

    Returns
    -------
    Dataset
        A private deep copy: a notebook that changes a table cannot change the data
        of the next notebook. The folder is read again when any of its files changed
        (name, size in bytes or modification time).

    Raises
    ------
    CskitError
        ``notebook.data_missing`` naming the folder as written and as resolved from
        the notebook's folder, when it is not a folder; the loader's errors otherwise
        (:class:`~cskit.errors.DataValidationError` for data that breaks the contract).

    Examples
    --------
    >>> try:
    ...     load_data("no/such/folder")
    ... except Exception as error:
    ...     print(error.code, error.params["path"])
    notebook.data_missing no/such/folder
    """
    from .errors import CskitError
    from .io import load_dataset

    stamp = _folder_stamp(location)
    if stamp is None and "://" not in str(location) and not Path(location).is_dir():
        raise CskitError("notebook.data_missing", path=str(location), resolved=str(Path(location).resolve()))
    if stamp is None:
        return load_dataset(location)
    if _LOADED.get("stamp") != stamp:
        _LOADED.clear()  # one dataset at a time: a kernel keeps at most one extra copy in memory
        _LOADED.update(stamp=stamp, dataset=load_dataset(location))
    return copy.deepcopy(_LOADED["dataset"])


def say(key: str, lang: str, **fields) -> None:
    """Display message ``key`` of the catalogue (e.g. ``"notebook.missing_tables"``) as a note."""
    from IPython.display import Markdown, display

    display(Markdown("> " + t(key, lang, **fields)))


def show_context(team_name: str, month, currency: str, lang: str | None = None) -> None:
    """Show which team, month and currency the notebook is about (the name escaped: it comes from data).

    The month is written as the reader's language writes it (``2026年10月``, ``Oct 2026``).
    """
    from IPython.display import HTML, display

    lang = resolve_lang(lang)
    display(HTML(f"<p><strong>{html.escape(str(team_name))}</strong> · {html.escape(format_month(str(month), lang))} · {html.escape(currency)}</p>"))


def scope_with(kpis: pd.DataFrame, kpi_id: str, teams: list[str]) -> str:
    """The first of ``teams`` that has ``kpi_id`` (e.g. a support team has no churn rate: use ``all``)."""
    for team in teams:
        if ((kpis["team"] == team) & (kpis["kpi"] == kpi_id) & kpis["value"].notna()).any():
            return team
    return teams[-1]


def needs(dataset, tables: list[str] | tuple[str, ...], lang: str) -> bool:
    """True if ``dataset`` has every table in ``tables``; otherwise say which are missing."""
    missing = [t for t in tables if not dataset.has(t)]
    if missing:
        say("notebook.missing_tables", lang, tables=", ".join(missing))
    return not missing


_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


@lru_cache(maxsize=256)
def formula_svg(latex: str, fontsize: int = 14) -> str:
    """Render a LaTeX formula to an inline SVG string (matplotlib mathtext, offline)."""
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties

    buffer = io.BytesIO()
    mathtext.math_to_image(f"${latex}$", buffer, format="svg", prop=FontProperties(size=fontsize))
    svg = buffer.getvalue().decode("utf-8")
    # drop the RDF metadata: it stamps the time of drawing, so the same report would differ byte for byte
    return _SVG_METADATA.sub("", svg[svg.index("<svg"):])


class Formula:
    """A KPI's formula that shows as SVG in HTML and as LaTeX elsewhere."""

    def __init__(self, latex: str):
        self.latex = latex

    def _repr_html_(self) -> str:
        return f'<div class="cskit-formula" title="{html.escape(self.latex)}">{formula_svg(self.latex)}</div>'

    def _repr_latex_(self) -> str:
        return f"$${self.latex}$$"


def explain_kpi(kpi_id: str, lang: str) -> None:
    """Display a KPI's name, one-line definition, formula and convention, all from the registry."""
    from IPython.display import Markdown, display

    kpi = get_kpi(kpi_id)
    display(Markdown(f"**{kpi.label(lang)}** (`{kpi.id}`): {pick(kpi.definition, lang)}"))
    display(Formula(kpi.latex))
    lines = convention_lines(kpi_id, lang)
    if lines:
        display(Markdown("\n".join(f"- {line}" for line in lines)))


# --------------------------------------------------------------------------- #
# Notebook 02: the team's own KPIs first, the other roles' KPIs folded away
# --------------------------------------------------------------------------- #
#: Heading of each registry family.
FAMILY_TITLE_KEYS = {
    "revenue": "notebook.family.revenue",
    "retention": "notebook.family.retention",
    "efficiency": "notebook.family.efficiency",
    "cs_outcomes": "notebook.family.cs_outcomes",
    "sales": "notebook.family.sales",
    "inside_sales": "notebook.family.inside_sales",
    "marketing": "notebook.family.marketing",
    "support": "notebook.family.support",
    "health": "notebook.family.health",
}

#: The paragraph under each family's heading.
FAMILY_INTRO_KEYS = {
    "revenue": "notebook.family_intro.revenue",
    "retention": "notebook.family_intro.retention",
    "efficiency": "notebook.family_intro.efficiency",
    "cs_outcomes": "notebook.family_intro.cs_outcomes",
    "sales": "notebook.family_intro.sales",
    "inside_sales": "notebook.family_intro.inside_sales",
    "marketing": "notebook.family_intro.marketing",
    "support": "notebook.family_intro.support",
    "health": "notebook.family_intro.health",
}


def family_kpis(kpis: pd.DataFrame, family: str) -> list[str]:
    """The registry's KPIs of ``family`` that ``kpis`` holds values for, in registry order.

    Examples
    --------
    >>> frame = pd.DataFrame({"team": "all", "month": pd.Period("2024-01", "M"),
    ...                       "kpi": ["nrr_12m", "customers", "mrr"], "value": 1.0})
    >>> family_kpis(frame, "revenue"), family_kpis(frame, "retention")
    (['mrr', 'customers'], ['nrr_12m'])
    """
    from .kpi.registry import registry

    present = set(kpis["kpi"])
    return [k.id for k in registry().values() if k.family == family and k.id in present]


def role_kpi_ids(kpis: pd.DataFrame, role: str | None = None) -> list[str]:
    """The KPIs of ``kpis`` a role tracks (the registry's ``roles``), in registry order; every one for ``None``.

    ``None`` stands for the company page (team ``all``), which is about every role.

    Examples
    --------
    >>> frame = pd.DataFrame({"team": "all", "month": pd.Period("2024-01", "M"),
    ...                       "kpi": ["mrr", "win_rate", "logo_churn_rate"], "value": 1.0})
    >>> role_kpi_ids(frame, "cs"), role_kpi_ids(frame, "field_sales"), role_kpi_ids(frame)
    (['mrr', 'logo_churn_rate'], ['mrr', 'win_rate'], ['mrr', 'logo_churn_rate', 'win_rate'])
    """
    from .kpi.registry import kpis_for_role, registry

    present = set(kpis["kpi"])
    chosen = registry().values() if role is None else kpis_for_role(role)
    return [k.id for k in chosen if k.id in present]


def headline_kpi_ids(kpis: pd.DataFrame, role: str | None = None) -> list[str]:
    """The rows of a page's headline table: the role's KPIs; for the company, each role's headline KPIs.

    Examples
    --------
    >>> frame = pd.DataFrame({"team": "all", "month": pd.Period("2024-01", "M"),
    ...                       "kpi": ["mrr", "arpa", "win_rate", "tickets_opened"], "value": 1.0})
    >>> headline_kpi_ids(frame, "field_sales"), headline_kpi_ids(frame)
    (['mrr', 'arpa', 'win_rate'], ['mrr', 'win_rate', 'tickets_opened'])
    """
    from .roles.registry import per_role

    if role is not None:
        return role_kpi_ids(kpis, role)
    wanted = {kpi_id for ids in per_role("headline_kpis").values() for kpi_id in ids}
    return [kpi_id for kpi_id in role_kpi_ids(kpis) if kpi_id in wanted]


def show_family(kpis: pd.DataFrame, family: str, *, teams: list[str], lang: str | None = None,
                team_names: dict | None = None, currency: str = "JPY", kpi_ids: list[str] | None = None) -> list[str]:
    """Under the family's heading, explain each KPI (name, definition, formula) and draw their trends.

    One call per family keeps notebook 02 free of copied blocks: the family's KPIs come
    from the registry, the text from the registry and the message catalogue, the chart
    from :func:`cskit.plots.kpi.trend_grid`.

    Parameters
    ----------
    kpis : DataFrame
        Tidy output of :func:`cskit.kpi.engine.compute_kpis`.
    family : str
        A registry family (``revenue``, ``retention``, ``efficiency``, ...).
    teams : list of str
        Teams drawn, the first highlighted (``[team, "all"]``).
    lang : {"ja", "en"} or None
    team_names : dict of str to str, optional
        Display name per team id.
    currency : str
        ISO code of money values.
    kpi_ids : list of str, optional
        Show only these of the family's KPIs (e.g. :func:`role_kpi_ids`).

    Returns
    -------
    list of str
        The KPI ids shown; empty (and nothing shown) when ``kpis`` has none of them.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display

    from .plots import kpi as kpi_plots

    lang = resolve_lang(lang)
    shown = [k for k in family_kpis(kpis, family) if kpi_ids is None or k in kpi_ids]
    if not shown:
        return shown
    display(Markdown(f"### {t(FAMILY_TITLE_KEYS[family], lang)}\n\n{t(FAMILY_INTRO_KEYS[family], lang)}"))
    for kpi_id in shown:
        explain_kpi(kpi_id, lang)
    kpi_plots.trend_grid(kpis, kpi_ids=shown, teams=teams, lang=lang, team_names=team_names, currency=currency)
    plt.show()
    return shown


def _role_name(role: str, lang: str) -> str:
    from .roles.registry import ROLE_TABLE

    return t(ROLE_TABLE[role].name_key, lang)


def show_role_kpis(kpis: pd.DataFrame, role: str | None, *, teams: list[str], lang: str | None = None,
                   team_names: dict | None = None, currency: str = "JPY") -> list[str]:
    """The KPIs a role tracks, family by family (:func:`show_family`); every family for the company.

    Parameters
    ----------
    kpis : DataFrame
        Tidy output of :func:`cskit.kpi.engine.compute_kpis`.
    role : str or None
        The team's role (:meth:`cskit.dataset.Dataset.role_of`); ``None`` for the company page.
    teams, lang, team_names, currency
        As :func:`show_family`.

    Returns
    -------
    list of str
        The KPI ids shown.
    """
    from IPython.display import Markdown, display

    from .kpi.registry import kpis_for_role

    lang = resolve_lang(lang)
    if role is None:
        display(Markdown(f"## {t('notebook.own.title_all', lang)}\n\n{t('notebook.own.lead_all', lang)}"))
    else:
        name = _role_name(role, lang)
        display(Markdown(f"## {t('notebook.own.title', lang, role=name)}\n\n{t('notebook.own.lead', lang, role=name)}"))
    own = role_kpi_ids(kpis, role)
    shown = [kpi_id for family in FAMILY_TITLE_KEYS
             for kpi_id in show_family(kpis, family, teams=teams, lang=lang, team_names=team_names,
                                       currency=currency, kpi_ids=own)]
    missing = [k.label(lang) for k in kpis_for_role(role) if k.id not in own] if role is not None else []
    if missing:  # the data lacks a table these KPIs need (e.g. no surveys: no NPS, no CSAT)
        say("notebook.own.not_computed", lang, kpis=("、" if lang == "ja" else ", ").join(missing))
    return shown


def _conventions_html(kpi_id: str, lang: str) -> str:
    """The KPI's convention and the alternatives in use as a list (empty without a convention)."""
    lines = convention_lines(kpi_id, lang)
    return f"<ul>{''.join(f'<li>{html.escape(line)}</li>' for line in lines)}</ul>" if lines else ""


def _fold_html(family: str, kpi_ids: list[str], lang: str, table) -> str:
    """One family behind a ``<details>`` fold (no script): its lead, each KPI's definition and formula, the table."""
    kpi_parts = []
    for kpi_id in kpi_ids:
        kpi = get_kpi(kpi_id)
        kpi_parts.append(f"<p><strong>{html.escape(kpi.label(lang))}</strong> (<code>{html.escape(kpi.id)}</code>): "
                         f"{html.escape(pick(kpi.definition, lang))}</p>{Formula(kpi.latex)._repr_html_()}"
                         + _conventions_html(kpi_id, lang))
    summary = t("notebook.others.summary", lang, family=t(FAMILY_TITLE_KEYS[family], lang), count=len(kpi_ids))
    return (f'<details class="cskit-fold" style="margin: 0.4rem 0;">'
            f'<summary style="cursor: pointer; font-weight: 600;">{html.escape(summary)}</summary>'
            f"<p>{html.escape(t(FAMILY_INTRO_KEYS[family], lang))}</p>{''.join(kpi_parts)}{table.to_html()}</details>")


def show_other_kpis(kpis: pd.DataFrame, role: str | None, month, *, teams: list[str], lang: str | None = None,
                    team_names: dict | None = None, currency: str = "JPY", data_end=None) -> list[str]:
    """The KPIs a role does not track, one fold per family: definitions, formulas, this month's values.

    A ``<details>`` element opens without any script (report pages allow none); nothing
    is shown on the company page (``role=None``), which shows every family in full.

    Parameters
    ----------
    kpis : DataFrame
        Tidy output of :func:`cskit.kpi.engine.compute_kpis`.
    role : str or None
        The team's role; ``None`` for the company.
    month : Period or str
        The month of the values (:func:`kpi_summary_table`).
    teams, lang, team_names, currency
        As :func:`show_family`.
    data_end : Period or str, optional
        The data's last month (:func:`kpi_summary_table`).

    Returns
    -------
    list of str
        The KPI ids folded away.
    """
    from IPython.display import HTML, Markdown, display

    from .kpi.present import kpi_summary_table

    lang = resolve_lang(lang)
    own = set(role_kpi_ids(kpis, role))
    folds, folded = [], []
    for family in FAMILY_TITLE_KEYS:
        ids = [kpi_id for kpi_id in family_kpis(kpis, family) if kpi_id not in own]
        if ids:
            table = kpi_summary_table(kpis, ids, month, lang, currency, teams=teams, team_names=team_names, data_end=data_end)
            folds.append(_fold_html(family, ids, lang, table))
            folded += ids
    if folds:
        name = _role_name(role, lang)
        display(Markdown(f"## {t('notebook.others.title', lang)}\n\n{t('notebook.others.lead', lang, role=name)}"))
        display(HTML("".join(folds)))
    return folded


def worked_examples(lang: str | None = None) -> list[str]:
    """The sources' figures worked through with :mod:`cskit.kpi.unit_economics`, one line each.

    The figures are the source articles' (in yen); the notebook writes no formula.

    Examples
    --------
    >>> worked_examples("en")[0]
    'NRR: customers who paid ¥100,000,000 last year pay ¥70,000,000 this year → 70.0%'
    """
    from .kpi import unit_economics as ue

    lang = resolve_lang(lang)

    def money(value: float) -> str:
        return format_value("mrr", value, lang, "JPY")

    def rate(value: float) -> str:
        return format_value("logo_churn_rate", value, lang)

    return [
        t("notebook.example.nrr", lang, before=money(100e6), after=money(70e6),
          value=rate(ue.net_revenue_retention(100e6, 70e6))),
        t("notebook.example.growth", lang, nrr=rate(1.20), growth=rate(ue.growth_from_nrr(1.20))),
        t("notebook.example.ltv_simple", lang, price=money(50_000), per_year=4, years=3,
          value=money(ue.ltv_simple(50_000, 4, 3))),
        t("notebook.example.ltv_saas", lang, arpa=money(30_000), margin=rate(0.8), churn=rate(0.02),
          value=money(ue.ltv_saas(30_000, 0.8, 0.02))),
        t("notebook.example.one_to_five", lang, keep=money(20_000),
          acquire=money(ue.acquisition_cost_comparison(20_000)["acquire"])),
    ]


def show_worked_examples(lang: str | None = None) -> None:
    """Display :func:`worked_examples` as a list."""
    from IPython.display import Markdown, display

    display(Markdown("\n".join(f"- {line}" for line in worked_examples(lang))))
