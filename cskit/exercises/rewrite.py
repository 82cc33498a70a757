"""Notebook 03's exercise: rewrite a flawed target, checked against the team's own data.

Live, the learner picks a flawed target, changes its KPI, amount, deadline or parent in
ordinary fields and presses Check; :func:`cskit.targets.check_rewrite` says which SMART
letters still do not pass and why, never the rewrite itself. Without a kernel the
exercise is the static question of :mod:`.static` (the flawed targets, model rewrites
behind a click).
"""
from __future__ import annotations

from ..i18n import t
from ..options import AUDIENCES, check_choice
from .model import get_exercise
from .static import StaticExercise

__all__ = ["show_rewrite", "flawed_targets"]


def flawed_targets(results, targets) -> list:
    """The targets whose SMART evaluation has a letter that does not pass, in file order.

    Parameters
    ----------
    results : DataFrame
        :func:`cskit.targets.evaluate_targets` output (one row per target, a column per letter).
    targets : list of Target

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> from cskit.targets import LETTERS
    >>> results = pd.DataFrame({"id": ["T1", "T2"], **{letter: ["pass", "pass"] for letter in LETTERS}})
    >>> results.loc[1, LETTERS[0]] = "fail"
    >>> [target.id for target in flawed_targets(results, [SimpleNamespace(id="T1"), SimpleNamespace(id="T2")])]
    ['T2']
    """
    from ..targets import LETTERS

    flawed = set(results.loc[(results[list(LETTERS)] != "pass").any(axis=1), "id"])
    return [target for target in targets if target.id in flawed]


def _entry_of(target) -> dict:
    return {"id": target.id, "team": target.team, "kpi": target.kpi, "target": target.target.text,
            "deadline": target.deadline or "", "parent": target.parent or ""}


def _rewrite_widget(exercise, dataset, flawed: list, audience: str, as_of: str | None):
    import ipywidgets as widgets
    from IPython.display import Markdown, display

    from ..kpi.registry import registry
    from ..targets import check_rewrite
    from .widget import _answer_box

    lang = exercise.lang
    wide = {"description_width": "initial"}
    kpis = sorted(((kpi.label(lang), kpi_id) for kpi_id, kpi in registry().items()), key=lambda pair: pair[0])
    kpi_ids = {kpi_id for _, kpi_id in kpis}
    picker = widgets.Dropdown(options=[(f"{target.id}: {target.kpi} {target.target.text}", index)
                                       for index, target in enumerate(flawed)],
                              description=t("exercise.col.target", lang), style=wide, layout={"width": "30em"})
    kpi = widgets.Dropdown(options=kpis, description="KPI", style=wide, layout={"width": "30em"})
    amount = widgets.Text(description=t("exercise.rewrite.amount", lang), style=wide)
    deadline = widgets.Text(description=t("exercise.rewrite.deadline", lang), placeholder="YYYY-MM", style=wide)
    parent = widgets.Dropdown(options=[("—", "")] + kpis, description=t("exercise.rewrite.parent", lang), style=wide,
                              layout={"width": "30em"})
    flaw = widgets.HTML()
    out = widgets.Output()

    def load(*_):
        if not flawed:
            return
        target = flawed[picker.value]
        entry = _entry_of(target)
        kpi.value = entry["kpi"] if entry["kpi"] in kpi_ids else kpis[0][1]
        amount.value, deadline.value = entry["target"], entry["deadline"]
        parent.value = entry["parent"] if entry["parent"] in kpi_ids else ""
        known = {item.id: item.text for item in exercise.items}
        flaw.value = f"<i>{known.get(target.id, '')}</i>"
        out.clear_output()

    def on_check(*_):
        target = flawed[picker.value]
        entry = {**_entry_of(target), "kpi": kpi.value, "target": amount.value.strip(),
                 "deadline": deadline.value.strip(), "parent": parent.value}
        with out:
            out.clear_output(wait=True)
            display(Markdown(check_rewrite(entry, dataset, lang, as_of=as_of)))

    picker.observe(load, names="value")
    load()
    button = widgets.Button(description=t("exercise.check", lang), button_style="primary")
    button.on_click(on_check)
    heading = widgets.HTML(f"<h4>{t('exercise.heading_plain', lang)}{t('exercise.title_separator', lang)}"
                           f"{exercise.title}</h4><p>{exercise.question}</p>")
    return widgets.VBox([heading, picker, flaw, kpi, amount, deadline, parent, button, out,
                         _answer_box(exercise, audience, None)],
                        layout={"border": "1px solid #cbd2d9", "padding": "0.3em 0.8em", "margin": "0.8em 0"})


def show_rewrite(dataset, results, targets, lang: str | None = None, *, audience: str = "new_hire",
                 interactive: bool | None = None, as_of: str | None = None):
    """Notebook 03's rewrite exercise in the form that fits where the notebook runs.

    Parameters
    ----------
    dataset : Dataset
    results : DataFrame
        :func:`cskit.targets.evaluate_targets` of ``targets``.
    targets : list of Target
    lang : {"ja", "en"} or None
    audience : {"new_hire", "trainer"}
    interactive : bool or None
        ``None``: the widget when a person runs the notebook.
    as_of : str, optional

    Examples
    --------
    >>> import pandas as pd
    >>> html = show_rewrite(None, pd.DataFrame(), [], "en", interactive=False)._repr_html_()
    >>> "A model rewrite" in html
    True
    """
    exercise = get_exercise("rewrite_targets", lang)
    audience = check_choice("audience", audience, AUDIENCES)
    if interactive is None:
        from ..widgets.targets import running_live

        interactive = running_live()
    if not interactive:
        return StaticExercise(exercise, None, audience, None)
    return _rewrite_widget(exercise, dataset, flawed_targets(results, targets), audience, as_of)
