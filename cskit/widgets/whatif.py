"""What-if for trainers: churn, expansion and ARPA -> MRR and LTV in 12 and 24 months."""
from __future__ import annotations

import pandas as pd

from ..i18n import t
from ..kpi.present import people_table
from ..kpi.registry import format_value
from ..kpi.unit_economics import project_mrr


#: Scenarios shown when no live front end can move sliders: (churn, expansion) per month.
STATIC_SCENARIOS = ((0.01, 0.01), (0.02, 0.005), (0.04, 0.0), (0.08, 0.0))


def whatif_table(customers: float, arpa: float, scenarios, lang: str, new_per_month: float = 0.0,
                 gross_margin: float = 0.8, currency: str = "JPY") -> pd.DataFrame:
    """MRR at 12 and 24 months and LTV for each ``(monthly_churn, monthly_expansion)`` scenario.

    Money is written as the KPI registry formats it, in the dataset's ``currency``
    (:func:`cskit.kpi.registry.format_value`).

    Examples
    --------
    >>> table = whatif_table(100, 10_000, [(0.02, 0.0)], "en", currency="USD")
    >>> table.iloc[0].tolist()
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
            t("whatif.ltv", lang): format_value("ltv", path.loc[0, "ltv"], lang, currency),
        })
    return pd.DataFrame(rows)


def whatif(customers: float, arpa: float, lang: str, interactive: bool = True, gross_margin: float = 0.8,
           currency: str = "JPY"):
    """Sliders for churn, expansion, ARPA and new customers, with a live result table.

    Parameters
    ----------
    customers : float
        Starting paying accounts (e.g. the team's current customers).
    arpa : float
        Starting monthly revenue per account (money).
    lang : {"ja", "en"}
    interactive : bool
        False (papermill, reports): return a static table of :data:`STATIC_SCENARIOS`.
    gross_margin : float
        Share of revenue kept (0-1), for LTV.
    currency : str
        ISO code of money values (the dataset's ``currency``).

    Returns
    -------
    ipywidgets.VBox or pandas Styler
        The widget, or the table of :data:`STATIC_SCENARIOS` for people (:func:`cskit.kpi.present.people_table`).
    """
    if not interactive:
        from IPython.display import Markdown, display

        display(Markdown(t("whatif.static_note", lang)))
        return people_table(whatif_table(customers, arpa, STATIC_SCENARIOS, lang, gross_margin=gross_margin,
                                         currency=currency), text_columns=2)

    import ipywidgets as widgets
    from IPython.display import display

    churn = widgets.FloatSlider(value=0.02, min=0.0, max=0.15, step=0.005, readout_format=".1%", description=t("whatif.churn", lang))
    expansion = widgets.FloatSlider(value=0.01, min=0.0, max=0.05, step=0.0025, readout_format=".2%", description=t("whatif.expansion", lang))
    arpa_box = widgets.FloatText(value=round(arpa), description=t("whatif.arpa", lang))
    new = widgets.IntSlider(value=0, min=0, max=max(10, int(customers * 0.1)), description=t("whatif.new", lang))
    out = widgets.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            display(people_table(whatif_table(customers, arpa_box.value, [(churn.value, expansion.value)], lang,
                                              new_per_month=new.value, gross_margin=gross_margin, currency=currency),
                                 text_columns=2))

    for control in (churn, expansion, arpa_box, new):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([churn, expansion, arpa_box, new, out])
