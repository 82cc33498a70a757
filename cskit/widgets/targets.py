"""Target builder for trainers: pick a KPI, an amount, a deadline and a parent -> live SMART verdict.

With a live Jupyter front end the builder is a set of ipywidgets whose verdict table
updates on every change. Without one (papermill, ``cskit report``, nbconvert) widgets
cannot react, so :func:`target_builder` returns a static table instead: the verdicts of a
few example targets for the team's role (one well written, the sources' ambiguous
"cut the churn rate by 10 %" style, and one flawed).

Which of the two is shown is the ``interactive`` argument; the notebooks pass their
``interactive`` parameter. ``None`` detects it: papermill and nbconvert send their code
with ``allow_stdin=False``, a Jupyter front end with ``True``.
"""
from __future__ import annotations

import pandas as pd

from ..i18n import t
from ..kpi.present import people_table
from ..kpi.registry import get_kpi, kpis_for_role, registry
from ..options import check_lang
from ..roles.registry import per_role
from ..targets import LETTERS, STATUS_KEYS, Target, evaluate_targets, evaluation_month, letter_name, parse_amount
from .layout import labelled

#: Static examples per role: (kpi, amount, months to the deadline, parent).
#: The first is well written, the second ambiguous or unsigned, the third flawed.
STATIC_EXAMPLES = per_role("target_examples")
STATIC_EXAMPLES["all"] = (("mrr", "+10%", 12, None), ("logo_churn_rate", "10%", 12, "grr_12m"), ("mrr", "+300%", 6, None))

#: Verdict tables: a reason wraps inside its cell and is never cut ("10%" against "-10%" is
#: the point the builder makes); text reads from the top left of each cell.
WRAP_CSS = [{"selector": "th, td", "props": [("text-align", "left"), ("vertical-align", "top"),
                                              ("white-space", "normal"), ("overflow-wrap", "anywhere"),
                                              ("min-width", "6em")]}]


def running_live() -> bool:
    """True when a Jupyter front end runs this code (widgets can react), False under papermill/nbconvert or plain Python."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return False
    header = getattr(shell, "parent_header", None) or {}
    return bool(header.get("content", {}).get("allow_stdin", False))


def wrapped(frame: pd.DataFrame, index: bool = True):
    """``frame`` as a Styler whose long texts wrap in full (pandas' repr would cut them at 50 characters), HTML-escaped.

    Examples
    --------
    >>> frame = pd.DataFrame({"reason": ["x" * 80]})
    >>> html = wrapped(frame, index=False).to_html()
    >>> "x" * 80 in html and "white-space: normal" in html and "..." not in html
    True
    """
    styler = frame.style.format(escape="html").set_table_styles(WRAP_CSS)  # texts may quote data: escaped
    return styler if index else styler.hide(axis="index")


def _role(dataset, team: str) -> str:
    return "all" if team == "all" else dataset.role_of(team)


def _built(team: str, kpi: str, amount: str, months: int, parent: str | None, last: pd.Period, number: int = 0) -> Target:
    """The target the builder's controls describe: the deadline is ``months`` after ``last``."""
    return Target(id=f"builder{number or ''}", team=team, kpi=kpi, target=parse_amount(amount), deadline=str(last + int(months)),
                  parent=parent or None)


def builder_verdicts(dataset, team: str, kpi: str, amount: str, months: int, parent: str | None, lang: str | None = None,
                     as_of: str | None = None) -> pd.Series:
    """The SMART result of one built target: its row of :func:`cskit.targets.evaluate_targets`.

    The deadline is ``months`` after ``as_of`` (default: the data's last month).

    Raises
    ------
    ValueError
        If ``amount`` cannot be read (see :func:`cskit.targets.parse_amount`).
    """
    last = evaluation_month(dataset, as_of)
    return evaluate_targets(dataset, [_built(team, kpi, amount, months, parent, last)], as_of=as_of, lang=lang).iloc[0]


def verdict_table(result: pd.Series, lang: str | None = None):
    """The builder's live table: one row per SMART letter, its verdict and its whole reason (a Styler).

    Parameters
    ----------
    result : Series
        A row of :func:`cskit.targets.evaluate_targets` (see :func:`builder_verdicts`).
    """
    lang = check_lang(lang)
    frame = pd.DataFrame({t("targets.builder.verdict", lang): [t(STATUS_KEYS[result[l]], lang) for l in LETTERS],
                          t("targets.builder.reason", lang): [result[f"{l}_reason"] for l in LETTERS]},
                         index=[letter_name(l, lang) for l in LETTERS])
    return wrapped(frame)


def example_table(dataset, team: str, lang: str | None = None, as_of: str | None = None) -> pd.DataFrame:
    """Verdicts of the role's :data:`STATIC_EXAMPLES`: one row per example, one column per SMART letter."""
    lang = check_lang(lang)
    last = evaluation_month(dataset, as_of)
    examples = STATIC_EXAMPLES.get(_role(dataset, team), STATIC_EXAMPLES["all"])
    built = [_built(team, kpi, amount, months, parent, last, i + 1) for i, (kpi, amount, months, parent) in enumerate(examples)]
    results = evaluate_targets(dataset, built, as_of=as_of, lang=lang)
    table = pd.DataFrame({"KPI": [get_kpi(kpi).label(lang) for kpi, *_ in examples],
                          t("targets.col.target", lang): [amount for _, amount, *_ in examples],
                          t("targets.builder.months", lang): [months for _, _, months, _ in examples],
                          t("targets.builder.parent", lang): [get_kpi(parent).label(lang) if parent in registry() else parent or "—"
                                                              for *_, parent in examples]})
    for letter in LETTERS:
        table[letter_name(letter, lang)] = [f"{t(STATUS_KEYS[status], lang)}: {reason}"
                                            for status, reason in zip(results[letter], results[f"{letter}_reason"])]
    return table


def target_builder(dataset, team: str, lang: str | None = None, interactive: bool | None = None, as_of: str | None = None):
    """Build a target and see its SMART verdict as you change it.

    Parameters
    ----------
    dataset : Dataset
    team : str
        Team id or ``"all"``; the KPI list starts with the team role's KPIs.
    lang : {"ja", "en"} or None
    interactive : bool or None
        True: ipywidgets. False (papermill, reports): a static table of the role's
        :data:`STATIC_EXAMPLES`. None: :func:`running_live` decides.
    as_of : str, optional
        Evaluation month (``YYYY-MM``); deadlines count from it.

    Returns
    -------
    ipywidgets.VBox or pandas Styler
        The widget, or :func:`example_table` for people: no index column, every reason in full.
    """
    lang = check_lang(lang)
    if interactive is None:
        interactive = running_live()
    if not interactive:
        return wrapped(example_table(dataset, team, lang, as_of), index=False)

    import ipywidgets as widgets
    from IPython.display import display

    role = _role(dataset, team)
    first = [k.id for k in kpis_for_role(role)] if role != "all" else []
    ordered = first + [k for k in registry() if k not in first]
    default = STATIC_EXAMPLES.get(role, STATIC_EXAMPLES["all"])[0]
    labels = ["KPI", t("targets.col.target", lang), t("targets.builder.months", lang), t("targets.builder.parent", lang)]
    kpi = widgets.Dropdown(options=[(get_kpi(k).label(lang), k) for k in ordered], value=default[0], description=labels[0],
                           **labelled(labels, 26))
    amount = widgets.Text(value=default[1], description=labels[1], placeholder="0.045 / -10% / -0.5pt", **labelled(labels, 12))
    months = widgets.IntSlider(value=default[2], min=1, max=36, description=labels[2], **labelled(labels))
    parent = widgets.Dropdown(options=[("—", "")] + [(get_kpi(k).label(lang), k) for k in registry()],
                              value=default[3] or "", description=labels[3], **labelled(labels, 26))
    out = widgets.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            try:
                result = builder_verdicts(dataset, team, kpi.value, amount.value, months.value, parent.value, lang, as_of)
            except ValueError:
                print(t("targets.bad_amount", lang, value=amount.value))
                return
            display(verdict_table(result, lang))

    for control in (kpi, amount, months, parent):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([kpi, amount, months, parent, out])
