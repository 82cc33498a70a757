"""What a class slide shows beside its title and bullets: tables, charts and cards from cskit's data.

The outline (``cskit/content/slides.{ja,en}.yml``) names a block on each slide
(``block: {kind: funnel_chart}``); :data:`BLOCKS` maps each kind to the function that
builds it, and :data:`ANSWER_BLOCKS` maps each answer key (``answers: compute``) to the
function that lays out :func:`cskit.guide.answer_keys`' part for the trainer deck.
No block writes a sentence of its own: the text comes from the role knowledge base, the
KPI registry, the facilitator guide and the message catalogue, the numbers from the
team's data (:func:`cskit.kpi.funnel.model_funnel`, :func:`cskit.kpi.engine.compute_kpis`).

A block is a plain dict the deck template renders, by its ``type``:

``table``
    ``columns``, ``rows`` (lists of cell text), optional ``caption`` and ``chips``
    (a list of short items shown under the table).
``image``
    ``src`` (a ``data:image/png`` URI), ``alt`` (written from the chart's titles),
    optional ``caption``.
``flow``
    ``groups`` (stages side by side under a timing label) and ``beside`` (Support).
``cards``
    ``cards`` (a big figure, its subject, what it says and its source).
``questions``
    ``items`` (``label``, ``text``) in a numbered list.

A block may also carry ``notes``: lines read from the data (what the funnel shows, the
answers a discussion should reach) that only the trainer deck's speaker notes show.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from ..dataset import Dataset
from ..i18n import pick, t
from ..roles.view import _join  # a list in running text: 、 in Japanese, a comma in English

__all__ = ["DeckData", "BLOCKS", "ANSWER_BLOCKS", "figure_block", "build_block", "build_answers"]

#: Pixels per inch of the chart images: sharp on a projector at 1280 x 720.
CHART_DPI = 200

#: Tables the funnel needs (as notebook 01 checks before drawing it).
FUNNEL_TABLES = ("leads", "activities", "opportunities")


@dataclass
class DeckData:
    """The team and data a deck is built for; the funnel and the KPIs are computed once, when first asked.

    Attributes
    ----------
    dataset : Dataset
        The validated dataset.
    team : str
        Team id, or ``"all"`` for the company.
    lang : {"ja", "en"}
    as_of : str or None
        Last month (``YYYY-MM``) of the funnel and the KPIs; ``None`` for the data's last.
    labels : dict
        The outline's ``labels`` (see :func:`cskit.report.slides.load_outline`).
    """

    dataset: Dataset
    team: str
    lang: str
    as_of: str | None = None
    labels: dict | None = None

    @property
    def teams(self) -> list[str]:
        """The team first, then the company (just ``["all"]`` for the company)."""
        return ["all"] if self.team == "all" else [self.team, "all"]

    def name(self, team: str) -> str:
        """Display name of ``team`` (``"all"``: the company) in the deck's language."""
        return self.dataset.team_name(team, self.lang)

    @cached_property
    def funnels(self) -> tuple[pd.DataFrame | None, pd.DataFrame]:
        """``(team funnel or None, company funnel)`` up to ``as_of``, as notebook 01 counts them."""
        from ..kpi.funnel import model_funnel

        company = model_funnel(self.dataset, "all", end=self.as_of, observe_until=self.as_of)
        team = None if self.team == "all" else model_funnel(self.dataset, self.team, end=self.as_of,
                                                             observe_until=self.as_of)
        return team, company

    @cached_property
    def kpis(self) -> pd.DataFrame:
        """The tidy KPI table of the team and the company up to ``as_of``."""
        from ..kpi.engine import compute_kpis

        return compute_kpis(self.dataset, teams=self.teams, end=self.as_of)


# --------------------------------------------------------------------------- #
# Charts
# --------------------------------------------------------------------------- #
def figure_block(fig, caption: str | None = None) -> dict:
    """A matplotlib figure as an image block: a PNG ``data:`` URI, with its titles as the alt text.

    The figure is closed once drawn.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(2, 1))
    >>> _ = ax.set_title("MRR")
    >>> block = figure_block(fig)
    >>> block["type"], block["alt"], block["src"].startswith("data:image/png;base64,")
    ('image', 'MRR', True)
    """
    import matplotlib.pyplot as plt

    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=CHART_DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    src = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return {"type": "image", "src": src, "alt": " / ".join(titles), "caption": caption}


def _note_block(text: str) -> dict:
    return {"type": "note", "text": text}


def _missing(deck: DeckData, tables) -> dict | None:
    missing = [table for table in tables if not deck.dataset.has(table)]
    return _note_block(t("notebook.missing_tables", deck.lang, tables=", ".join(missing))) if missing else None


def _funnel_notes(deck: DeckData) -> list[str]:
    """What the funnel says (:func:`cskit.roles.view.funnel_summary`), one line each, for the speaker notes."""
    from ..roles.view import funnel_summary

    team_funnel, company_funnel = deck.funnels
    role = "all" if deck.team == "all" else deck.dataset.role_of(deck.team)
    summary = funnel_summary(team_funnel, company_funnel, deck.lang, role, deck.name(deck.team), deck.name("all"))
    lines = [line.removeprefix("- ").strip() for line in summary.split("\n\n") if line.strip()]
    return [deck.labels["funnel_reading"], *lines]


def funnel_chart(options: dict, deck: DeckData) -> dict:
    """The team's funnel beside the company's (:func:`cskit.plots.roles.funnel_pair`), the stages named once."""
    import matplotlib.pyplot as plt

    from ..plots.roles import funnel_pair
    from ..plots.style import style_context

    missing = _missing(deck, FUNNEL_TABLES)
    if missing:
        return missing
    team_funnel, company_funnel = deck.funnels
    with style_context("notebook"):
        panels = 1 if team_funnel is None else 2
        fig, axes = plt.subplots(1, panels, figsize=(2.4 + 2.8 * panels, 3.3), sharey=True, squeeze=False)
        funnel_pair(team_funnel, company_funnel, lang=deck.lang, ax=axes[0],
                    team_name=deck.name(deck.team), company_name=deck.name("all"))
        for ax in axes[0][1:]:  # the stages are named once, on the left
            ax.tick_params(axis="y", labelleft=False)
        fig.tight_layout(w_pad=0.5)
        return figure_block(fig)


def funnel_table(options: dict, deck: DeckData) -> dict:
    """Count and conversion per stage for the team and the company (:func:`cskit.roles.view.funnel_frame`).

    The "moved by" and "lost" columns of the notebook's table are left out, to keep the
    text large; the window is the caption. What the funnel says goes to the trainer's notes.
    """
    from ..roles.view import funnel_frame

    missing = _missing(deck, FUNNEL_TABLES)
    if missing:
        return missing
    team_funnel, company_funnel = deck.funnels
    names = [deck.name(team) for team in deck.teams]
    frame = funnel_frame(team_funnel, company_funnel, deck.lang, names[0], names[-1])
    keep = [t("roles.funnel.col_stage", deck.lang)]
    for name in names:
        keep += [t("roles.funnel.col_count", deck.lang, team=name),
                 t("roles.funnel.col_conversion", deck.lang, team=name)]
    attrs = company_funnel.attrs
    caption = t("roles.funnel.window", deck.lang, start=attrs.get("start"), end=attrs.get("end"),
                until=attrs.get("observe_until"))
    return {**_table(frame[keep], caption, numeric=True), "notes": _funnel_notes(deck)}


def mrr_bridge(options: dict, deck: DeckData) -> dict:
    """The team's monthly MRR movements, gains above the line and losses below (:func:`cskit.plots.kpi.mrr_bridge`).

    A team that owns no revenue (Support, Marketing) is shown the company's movements.
    """
    import matplotlib.pyplot as plt

    from ..plots.kpi import mrr_bridge as draw
    from ..plots.style import style_context

    kpis = deck.kpis
    churn = kpis[(kpis["team"] == deck.team) & (kpis["kpi"] == "churned_mrr")]["value"]
    team = deck.team if churn.fillna(0).abs().sum() > 0 else "all"
    with style_context("notebook"):
        _, ax = plt.subplots(figsize=(8.4, 3.5))
        draw(kpis, team=team, lang=deck.lang, ax=ax, last_months=int(options.get("months", 12)),
             currency=deck.dataset.currency)
        ax.set_title(f"{ax.get_title()}: {deck.name(team)}")
        return figure_block(ax.figure)


def kpi_trend(options: dict, deck: DeckData) -> dict:
    """One KPI over the months for the team and the company, a dashed line at ``reference``;
    the registry's definition is the caption."""
    import matplotlib.pyplot as plt

    from ..kpi.registry import get_kpi
    from ..plots.kpi import trend
    from ..plots.style import style_context

    kpi = get_kpi(options["kpi"])
    with style_context("notebook"):
        _, ax = plt.subplots(figsize=(8.4, 3.0))
        trend(deck.kpis, kpi_id=kpi.id, teams=deck.teams, lang=deck.lang, ax=ax,
              team_names={team: deck.name(team) for team in deck.teams}, currency=deck.dataset.currency)
        if options.get("reference") is not None:
            ax.axhline(float(options["reference"]), color="#222222", linestyle="--", linewidth=1.8, zorder=3)
        return figure_block(ax.figure, caption=pick(kpi.definition, deck.lang))


# --------------------------------------------------------------------------- #
# Tables and cards from the knowledge base and the guide
# --------------------------------------------------------------------------- #
#: A table block's optional parts and their defaults: a line under the table, short items
#: shown as chips under a label, tighter rows, right-aligned numbers, the first column as
#: headings, and how many leading columns (ids, short answers) never wrap.
TABLE_LAYOUT = {"footer": None, "chips": [], "chips_label": None, "compact": False, "numeric": False,
                "row_headings": False, "nowrap": 1}


def _table(frame: pd.DataFrame, caption: str | None = None, **layout) -> dict:
    """A table block of ``frame``'s text; ``layout`` sets the optional parts (see :data:`TABLE_LAYOUT`)."""
    rows = [["" if value is None else str(value) for value in row] for row in frame.itertuples(index=False)]
    return {"type": "table", "columns": [str(c) for c in frame.columns], "rows": rows, "caption": caption,
            **TABLE_LAYOUT, **layout}




def model_flow(options: dict, deck: DeckData) -> dict:
    """The Model's stages in order, grouped under their timing (before / after the contract), Support beside them."""
    from ..roles.content import load_knowledge

    stages = load_knowledge(deck.lang)["model_stages"]
    groups: list[dict] = []
    for stage in sorted((s for s in stages if s["in_funnel"]), key=lambda s: s["order"]):
        if not groups or groups[-1]["label"] != stage["timing_label"]:
            groups.append({"label": stage["timing_label"], "stages": []})
        groups[-1]["stages"].append({"name": stage["name"], "job": stage["job"]})
    beside = [{"name": s["name"], "job": s["job"], "label": s["timing_label"]} for s in stages if not s["in_funnel"]]
    return {"type": "flow", "groups": groups, "beside": beside}


def comparison(options: dict, deck: DeckData) -> dict:
    """Rows ``rows`` (aspect ids) of a comparison of two roles (:func:`cskit.roles.content.comparison_table`)."""
    from ..roles.content import comparison_table, load_knowledge

    frame = comparison_table(options["pair"], deck.lang)
    frame = frame.loc[list(options.get("rows") or frame.index)]
    title = next(c["title"] for c in load_knowledge(deck.lang)["comparisons"] if c["id"] == options["pair"])
    return _table(frame, title, row_headings=True)


def case_figures(options: dict, deck: DeckData) -> dict:
    """The sources' figures ``ids`` as cards: the figure in its unit, its subject, what it says, its source."""
    from ..roles.content import load_knowledge
    from ..roles.view import format_figure

    items = {item["id"]: item for item in load_knowledge(deck.lang)["case_figures"]}
    cards = [{"figure": format_figure(item["figure"], item["unit"], deck.lang), "subject": item["subject"],
              "text": item["text"], "source": deck.labels["source"].format(source=item["source"])}
             for item in (items[i] for i in options["ids"])]
    return {"type": "cards", "cards": cards}


def prompts(options: dict, deck: DeckData) -> dict:
    """A notebook's discussion questions from the facilitator guide; their expected answers go to the notes."""
    from ..guide import load_guide

    notebook = next(nb for nb in load_guide(deck.lang)["notebooks"] if nb["id"] == options["notebook"])
    items = [{"label": str(n), "text": p["question"]} for n, p in enumerate(notebook["prompts"], start=1)]
    notes = [f"{n}. " + deck.labels["expected"].format(text=p["expected"])
             for n, p in enumerate(notebook["prompts"], start=1)]
    return {"type": "questions", "items": items, "notes": notes}


def _numbered(texts, header: str) -> pd.DataFrame:
    """A question table as a learner reads it: numbered as in the notebook, never by internal id."""
    texts = list(texts)
    return pd.DataFrame({"#": [str(n) for n in range(1, len(texts) + 1)], header: texts})


def classify(options: dict, deck: DeckData) -> dict:
    """Exercise 1's activities, numbered, with the roles to choose from under the table (:mod:`cskit.exercises`)."""
    from ..exercises import get_exercise

    exercise = get_exercise("classify_activities", deck.lang)
    frame = _numbered((item.text for item in exercise.items), t("exercise.col.question", deck.lang))
    caption = deck.labels["role_choices"].format(roles=_join((c.label for c in exercise.choices), deck.lang))
    return _table(frame, footer=caption, compact=True)


def pick_kpi(options: dict, deck: DeckData) -> dict:
    """Exercise 2's goals, numbered, with the KPIs to choose from (the exercise's choices)."""
    from ..exercises import get_exercise

    exercise = get_exercise("pick_kpi", deck.lang)
    frame = _numbered((item.text for item in exercise.items), t("exercise.col.question", deck.lang))
    return _table(frame, chips=[c.label for c in exercise.choices], chips_label=deck.labels["candidates"])


def compute(options: dict, deck: DeckData) -> dict:
    """Notebook 01's number exercises, numbered as in the notebook (3, 4, ...)."""
    from ..exercises import exercises_of

    items = [e for e in exercises_of("01", deck.lang) if e.kind == "number"]
    first = len(exercises_of("01", deck.lang)) - len(items) + 1
    return {"type": "questions", "items": [{"label": str(n), "text": e.question} for n, e in enumerate(items, first)]}


#: Block kind of the outline -> the function that builds it from ``(options, deck)``.
BLOCKS = {
    "model_flow": model_flow,
    "comparison": comparison,
    "funnel_chart": funnel_chart,
    "funnel_table": funnel_table,
    "case_figures": case_figures,
    "mrr_bridge": mrr_bridge,
    "kpi_trend": kpi_trend,
    "prompts": prompts,
    "classify": classify,
    "pick_kpi": pick_kpi,
    "compute": compute,
}


# --------------------------------------------------------------------------- #
# Answer keys (trainer deck only), from cskit.guide.answer_keys
# --------------------------------------------------------------------------- #
def _classification_answers(rows: list[dict], deck: DeckData) -> dict:
    lang = deck.lang
    frame = _numbered((r["text"] for r in rows), t("exercise.col.question", lang))
    frame[t("exercise.col.answer", lang)] = [r["answer"] for r in rows]
    return _table(frame, compact=True)


def _kpi_choice_answers(rows: list[dict], deck: DeckData) -> dict:
    lang = deck.lang

    def answer(row: dict) -> str:
        if not row["accept"]:
            return row["answer"]
        return f"{row['answer']} ({deck.labels['also_accepted'].format(kpis=_join(row['accept'], lang))})"

    frame = _numbered((r["text"] for r in rows), t("exercise.col.question", lang))
    frame[t("exercise.col.answer", lang)] = [answer(r) for r in rows]
    return _table(frame)


def _compute_answers(rows: list[dict], deck: DeckData) -> dict:
    lang = deck.lang
    first = len(answer_rows_before_compute(lang)) + 1
    frame = pd.DataFrame({"#": [str(n) for n in range(first, first + len(rows))],
                          t("exercise.col.answer", lang): [r["answer"] for r in rows],
                          t("exercise.why", lang): [r["working"] for r in rows]})
    return _table(frame, nowrap=2)


def answer_rows_before_compute(lang: str) -> list:
    """Notebook 01's exercises before its number exercises (their count numbers the compute answers)."""
    from ..exercises import exercises_of

    return [e for e in exercises_of("01", lang) if e.kind != "number"]


#: Part of :func:`cskit.guide.answer_keys` an outline slide names (``answers: ...``) -> its layout.
ANSWER_BLOCKS = {
    "classification": _classification_answers,
    "kpi_choice": _kpi_choice_answers,
    "compute": _compute_answers,
}


def build_block(spec: dict, deck: DeckData) -> dict:
    """The block an outline slide names (``{"kind": ..., options}``), built for ``deck``.

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> deck = DeckData(load_sample(), "cs_smb", "en", labels={})
    >>> block = build_block({"kind": "comparison", "pair": "cs_vs_sales", "rows": ["timing"]}, deck)
    >>> block["columns"]
    ['Aspect', 'Customer Success (CS)', 'Sales (Field Sales)']
    >>> block["rows"]
    [['When', 'After the contract', 'Mainly before the contract']]
    """
    from ..options import check_choice

    options = {key: value for key, value in spec.items() if key != "kind"}
    return BLOCKS[check_choice("block", spec["kind"], BLOCKS)](options, deck)


def build_answers(key: str, deck: DeckData) -> dict:
    """The answer key ``key`` (``classification``, ``kpi_choice``, ``compute``) of :func:`cskit.guide.answer_keys`.

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> block = build_answers("compute", DeckData(load_sample(), "all", "en", labels={}))
    >>> block["rows"][0][:2]
    ['3', '63.2%']
    """
    from ..guide import answer_keys
    from ..options import check_choice

    return ANSWER_BLOCKS[check_choice("answers", key, ANSWER_BLOCKS)](answer_keys(deck.lang)[key], deck)
