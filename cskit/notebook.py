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

from .i18n import LANGS, pick, resolve_lang, t
from .kpi.registry import format_value, get_kpi



def setup(lang: str | None = None, context: str = "notebook") -> str:
    """Prepare a notebook: resolve the language, set the chart style, pandas display options, short errors.

    In IPython (Jupyter, papermill) a :class:`~cskit.errors.CskitError` (a missing data
    folder, an unknown team, ...) is then shown as a short box in ``lang`` instead of a
    traceback (:func:`show_errors_briefly`); the cell still fails, so a papermill run
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

    show_errors_briefly(None)  # a mistyped language is itself an error to show briefly
    lang = check_lang(lang)
    set_style(context)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 160)
    pd.set_option("display.max_colwidth", None)  # a table's text is never cut to 50 characters
    show_errors_briefly(lang)
    return lang


def error_box(error: Exception, lang: str | None) -> str:
    """A :class:`~cskit.errors.CskitError` as a short HTML box: a title, the message, what to do.

    ``lang`` ``None`` (the language itself was wrong) writes the box in both languages.

    Examples
    --------
    >>> from cskit.errors import CskitError
    >>> box = error_box(CskitError("cli.unknown_team", team="cs_smbb", teams="cs_smb, support"), "en")
    >>> "Team &#x27;cs_smbb&#x27; is not in the data. Known teams: cs_smb, support" in box, "Traceback" in box
    (True, False)
    """
    langs = [lang] if lang else list(LANGS)
    parts = []
    for one in langs:
        message = error.render(one) if hasattr(error, "render") else str(error)
        parts.append(f'<p style="margin:0 0 0.3em 0"><strong>{html.escape(t("notebook.error.title", one))}</strong></p>'
                     f'<div style="white-space:pre-wrap">{html.escape(message)}</div>'
                     f'<p style="margin:0.4em 0 0 0">{html.escape(t("notebook.error.hint", one))}</p>')
    style = "border-left:4px solid #c62828;background:#fdecea;color:#3b0d0c;padding:0.6em 0.9em;margin:0.3em 0"
    return f'<div class="cskit-error" style="{style}">' + '<hr style="margin:0.6em 0">'.join(parts) + "</div>"


def show_errors_briefly(lang: str | None) -> bool:
    """Make IPython show a :class:`~cskit.errors.CskitError` as :func:`error_box` instead of a traceback.

    The handler displays the box (HTML, with the message as plain text for a terminal)
    and sends the kernel's error message with a one-line traceback ("this cell stopped
    at the error above") instead of the Python one, so the cell still ends in error:
    "Run All" stops there, and papermill raises ``PapermillExecutionError`` (a report
    run fails as before). Other exceptions keep IPython's full traceback.

    Parameters
    ----------
    lang : {"ja", "en"} or None
        Language of the box (``None``: both).

    Returns
    -------
    bool
        True if the handler was registered (False outside IPython).

    Examples
    --------
    >>> show_errors_briefly("en")  # plain Python: nothing to register
    False
    """
    from .errors import CskitError

    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    shell = get_ipython()
    if shell is None:
        return False

    def handler(shell, etype, value, tb, tb_offset=None):
        from IPython.display import display

        langs = [lang] if lang else list(LANGS)
        display({"text/html": error_box(value, lang), "text/plain": "\n".join(value.render(one) for one in langs)}, raw=True)
        stb = [t("notebook.error.stopped", one) for one in langs]
        shell._showtraceback(etype, value, stb)  # the kernel's error message: the cell fails, with this short traceback
        return stb

    shell.set_custom_exc((CskitError,), handler)
    return True


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


def show_context(team_name: str, month, currency: str) -> None:
    """Show which team, month and currency the notebook is about (the name escaped: it comes from data)."""
    from IPython.display import HTML, display

    display(HTML(f"<p><strong>{html.escape(str(team_name))}</strong> · {html.escape(str(month))} · {html.escape(currency)}</p>"))


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
    """Display a KPI's name, one-line definition and formula, all from the registry."""
    from IPython.display import Markdown, display

    kpi = get_kpi(kpi_id)
    display(Markdown(f"**{kpi.label(lang)}** (`{kpi.id}`): {pick(kpi.definition, lang)}"))
    display(Formula(kpi.latex))


def kpi_summary_table(kpis: pd.DataFrame, kpi_ids: list[str], month, lang: str, currency: str = "JPY",
                      teams: list[str] | None = None, team_names: dict | None = None) -> pd.DataFrame:
    """A readable table: one row per KPI, one column per team, values formatted for people.

    Parameters
    ----------
    kpis : DataFrame
        Tidy output of :func:`cskit.kpi.engine.compute_kpis`.
    kpi_ids : list of str
        Rows, in order.
    month : Period or str
        The month shown.
    """
    month = pd.Period(month, freq="M")
    teams = teams or list(dict.fromkeys(kpis["team"]))
    rows = []
    for kpi_id in kpi_ids:
        row = {"KPI": get_kpi(kpi_id).label(lang)}
        for team in teams:
            hit = kpis[(kpis["team"] == team) & (kpis["kpi"] == kpi_id) & (kpis["month"] == month)]["value"]
            label = (team_names or {}).get(team, team)
            row[label] = format_value(kpi_id, float(hit.iloc[0]) if len(hit) else float("nan"), lang, currency)
        rows.append(row)
    return pd.DataFrame(rows).set_index("KPI")



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


def show_family(kpis: pd.DataFrame, family: str, *, teams: list[str], lang: str | None = None,
                team_names: dict | None = None, currency: str = "JPY") -> list[str]:
    """Explain each KPI of a registry family (name, definition, formula) and draw their trends.

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

    Returns
    -------
    list of str
        The KPI ids shown (empty when the data has none of the family's tables).
    """
    import matplotlib.pyplot as plt

    from .plots import kpi as kpi_plots

    lang = resolve_lang(lang)
    shown = family_kpis(kpis, family)
    if not shown:
        say("notebook.missing_tables", lang, tables=family)
        return shown
    for kpi_id in shown:
        explain_kpi(kpi_id, lang)
    kpi_plots.trend_grid(kpis, kpi_ids=shown, teams=teams, lang=lang, team_names=team_names, currency=currency)
    plt.show()
    return shown
