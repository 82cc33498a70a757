"""Target builder for trainers: pick a KPI, an amount and a deadline -> live SMART verdict."""
from __future__ import annotations

import pandas as pd

from ..i18n import t
from ..kpi.registry import registry
from ..targets import LETTERS, evaluate_targets, parse_amount, Target

#: Shown when no live front end can run the widget: one good and two flawed targets.
STATIC_EXAMPLES = (
    ("logo_churn_rate", "-10%", 12, "grr_12m"),
    ("logo_churn_rate", "10%", 12, "grr_12m"),
    ("nrr_12m", "+30pt", 3, "mrr"),
)


def _verdicts(dataset, team: str, kpi: str, amount: str, months: int, parent: str | None, lang: str, as_of: str | None):
    last = pd.Period(as_of, freq="M") if as_of else dataset.months[-1]
    target = Target(id="builder", team=team, kpi=kpi, target=parse_amount(amount),
                    deadline=str(last + months), parent=parent or None)
    result = evaluate_targets(dataset, [target], as_of=as_of, lang=lang)[0]
    return {letter: f"{t('targets.status.' + c['status'], lang)}: {c['reason']}" for letter, c in result["checks"].items()}


def target_builder(dataset, team: str, lang: str, interactive: bool = True, as_of: str | None = None):
    """Build a target and see its SMART verdict as you change it.

    Parameters
    ----------
    dataset : Dataset
    team : str
    lang : {"ja", "en"}
    interactive : bool
        False (papermill, reports): a static table of :data:`STATIC_EXAMPLES` instead.
    as_of : str, optional
    """
    if not interactive:
        rows = []
        for kpi, amount, months, parent in STATIC_EXAMPLES:
            verdicts = _verdicts(dataset, team, kpi, amount, months, parent, lang, as_of)
            rows.append({"KPI": kpi, "target": amount, "months": months, **{letter: verdicts[letter] for letter in LETTERS}})
        return pd.DataFrame(rows)

    import ipywidgets as widgets
    from IPython.display import display

    kpi = widgets.Dropdown(options=[(k.label(lang), k.id) for k in registry().values()], value="logo_churn_rate", description="KPI")
    amount = widgets.Text(value="-10%", description=t("targets.col.target", lang))
    months = widgets.IntSlider(value=12, min=1, max=36, description=t("targets.col.deadline", lang))
    parent = widgets.Dropdown(options=[("—", "")] + [(k.label(lang), k.id) for k in registry().values()], value="grr_12m", description="parent")
    out = widgets.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            try:
                verdicts = _verdicts(dataset, team, kpi.value, amount.value, months.value, parent.value, lang, as_of)
            except ValueError:
                print(t("targets.bad_amount", lang, value=amount.value))
                return
            display(pd.DataFrame({"": list(verdicts.values())}, index=list(verdicts)))

    for control in (kpi, amount, months, parent):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([kpi, amount, months, parent, out])
