"""What-if for trainers: churn, expansion and ARPA -> MRR and LTV in 12 and 24 months.

With a live Jupyter front end the sliders redraw the result table; without one
(papermill, reports, or ``interactive=False`` after a reload lost the widgets) the same
table is shown for a few typical scenarios (:data:`STATIC_SCENARIOS`).
"""
from __future__ import annotations

import pandas as pd

from ..i18n import t
from ..kpi.present import people_table
from ..kpi.registry import format_value
from ..kpi.unit_economics import format_ltv, ltv_note, project_mrr
from ..options import check_lang
from .layout import labelled

#: Scenarios shown when no live front end can move sliders: (churn, expansion) per month.
STATIC_SCENARIOS = ((0.01, 0.01), (0.02, 0.005), (0.04, 0.0), (0.08, 0.0))


def whatif_table(customers: float, arpa: float, scenarios, lang: str, new_per_month: float = 0.0,
                 gross_margin: float = 0.8, currency: str = "JPY") -> pd.DataFrame:
    """MRR at 12 and 24 months and LTV for each ``(monthly_churn, monthly_expansion)`` scenario.

    Values are formatted for people, money in the dataset's ``currency``; an LTV without
    bound (0 % churn) shows as "—" (:func:`cskit.kpi.unit_economics.format_ltv`), never ``nan``.

    Examples
    --------
    >>> table = whatif_table(100, 10_000, [(0.02, 0.0), (0.0, 0.0)], "en")
    >>> table[t("whatif.ltv", "en")].tolist()
    ['¥400,000', '—']
    >>> whatif_table(100, 10_000, [(0.02, 0.0)], "en", currency="USD").iloc[0].tolist()
    ['2.0%', '0.0%', '$784,717', '$615,780', '$400,000']
    """
    rows = []
    for churn, expansion in scenarios:
        path = project_mrr(customers, arpa, churn, expansion, new_per_month, months=24, gross_margin=gross_margin)
        rows.append({
            t("whatif.churn", lang): f"{churn:.1%}",
            t("whatif.expansion", lang): f"{expansion:.1%}",
            t("whatif.mrr12", lang): format_value("mrr", path.loc[11, "mrr"], lang, currency),
            t("whatif.mrr24", lang): format_value("mrr", path.loc[23, "mrr"], lang, currency),
            t("whatif.ltv", lang): format_ltv(path.loc[0, "ltv"], lang, currency),
        })
    return pd.DataFrame(rows)


def whatif_notes(scenarios, lang: str) -> str:
    """What to read beside the table: why an LTV shows "—" (a scenario without churn), else nothing (Markdown).

    Examples
    --------
    >>> whatif_notes([(0.02, 0.01)], "en")
    ''
    >>> whatif_notes([(0.0, 0.01)], "en") == "> " + t("whatif.ltv_unbounded", "en")
    True
    """
    notes = dict.fromkeys(note for churn, _ in scenarios if (note := ltv_note(churn, lang)))
    return "\n\n".join("> " + note for note in notes)


def _show(customers: float, arpa: float, scenarios, lang: str, **options):
    """The what-if table of ``scenarios`` and, under it, its notes (for the live widget)."""
    from IPython.display import Markdown, display

    display(people_table(whatif_table(customers, arpa, scenarios, lang, **options), text_columns=2))
    notes = whatif_notes(scenarios, lang)
    if notes:
        display(Markdown(notes))


def whatif(customers: float, arpa: float, lang: str | None = None, interactive: bool = True, gross_margin: float = 0.8,
           currency: str = "JPY"):
    """Sliders for churn, expansion, ARPA and new customers, with a live result table.

    Parameters
    ----------
    customers : float
        Starting paying accounts (e.g. the team's current customers).
    arpa : float
        Starting monthly revenue per account (money).
    lang : {"ja", "en"} or None
    interactive : bool
        False (papermill, reports, or a JupyterLab page whose widgets were lost on
        reload): display a note and return the table of :data:`STATIC_SCENARIOS`.
    gross_margin : float
        Share of revenue kept (0-1), for LTV.
    currency : str
        ISO code of money values.

    Returns
    -------
    ipywidgets.VBox or pandas Styler
        The widget, or the table of :data:`STATIC_SCENARIOS` for people (:func:`cskit.kpi.present.people_table`).
    """
    from IPython.display import Markdown, display

    lang = check_lang(lang)

    if not interactive:
        display(Markdown(t("whatif.static_note", lang)))
        notes = whatif_notes(STATIC_SCENARIOS, lang)
        if notes:
            display(Markdown(notes))
        return people_table(whatif_table(customers, arpa, STATIC_SCENARIOS, lang, gross_margin=gross_margin,
                                         currency=currency), text_columns=2)

    import ipywidgets as widgets

    labels = [t("whatif.churn", lang), t("whatif.expansion", lang), t("whatif.arpa", lang), t("whatif.new", lang)]
    churn = widgets.FloatSlider(value=0.02, min=0.0, max=0.15, step=0.005, readout_format=".1%",
                                description=labels[0], **labelled(labels))
    expansion = widgets.FloatSlider(value=0.01, min=0.0, max=0.05, step=0.0025, readout_format=".2%",
                                    description=labels[1], **labelled(labels))
    arpa_box = widgets.FloatText(value=round(arpa), description=labels[2], **labelled(labels, 12))
    new = widgets.IntSlider(value=0, min=0, max=max(10, int(customers * 0.1)), description=labels[3],
                            **labelled(labels))
    out = widgets.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            _show(customers, arpa_box.value, [(churn.value, expansion.value)], lang,
                  new_per_month=new.value, gross_margin=gross_margin, currency=currency)

    for control in (churn, expansion, arpa_box, new):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([churn, expansion, arpa_box, new, out])
