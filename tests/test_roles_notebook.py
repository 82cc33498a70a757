"""Notebook 01 (roles, The Model funnel, aptitude, exercises), its funnel and widget (its class decks: test_slides.py)."""
from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from conftest import REPO, mrr_rows, outputs, run_notebook as run_nb
from cskit.errors import CskitError, OptionError
from cskit.i18n import t
from cskit.io import load_dataset
from cskit.kpi.engine import compute_kpis
from cskit.kpi.funnel import FUNNEL_COLUMNS, STAGES, model_funnel
from cskit.roles import comparison_table, load_knowledge

NOTEBOOK = REPO / "notebooks" / "01_roles_cs_vs_sales.ipynb"
NAN = float("nan")


# --------------------------------------------------------------------------- #
# A small funnel, counted by hand
# --------------------------------------------------------------------------- #
def _months(first: str, last: str, value: float, changes: dict[str, float] | None = None) -> dict[str, float]:
    out, current = {}, value
    for month in pd.period_range(first, last, freq="M"):
        current = (changes or {}).get(str(month), current)
        out[str(month)] = current
    return out


@pytest.fixture
def funnel_data(make_dataset):
    """18 months (2024-01..2025-06); every number below is counted in the test names.

    * leads: L1-L5 and L7 by inside sales ``is_t``, L6 by marketing ``mkt`` -> 7
    * meeting_set: L1 (twice, in two months), L2, and one row without a lead -> 2 leads
    * new opportunities: O1, O2, O7 (fs_a, won), O3 (fs_a, lost), O4 (fs_b, won
      2024-10: too recent to judge at 2025-06), O5 (fs_b, open) -> 6, won 4;
      O6 is an upsell (not new business)
    * A1 (won 2024-01) pays on and expands in 2024-06 -> retained and expanded
    * A2 (won 2024-03) stops after 2024-12 -> not retained
    * A4 (won 2024-04) pays on, expands only in 2025-05, after its 12 months -> retained only
    """
    teams = [
        {"team": "is_t", "role": "inside_sales"}, {"team": "mkt", "role": "marketing"},
        {"team": "fs_a", "role": "field_sales"}, {"team": "fs_b", "role": "field_sales"},
        {"team": "cs_a", "role": "cs"}, {"team": "cs_b", "role": "cs"}, {"team": "sup", "role": "support"},
    ]
    accounts = [
        {"account_id": "A1", "team": "cs_a", "sales_team": "fs_a"},
        {"account_id": "A2", "team": "cs_a", "sales_team": "fs_a"},
        {"account_id": "A3", "team": "cs_b", "sales_team": "fs_b"},
        {"account_id": "A4", "team": "cs_a", "sales_team": "fs_a"},
    ]
    mrr = mrr_rows({
        "A1": _months("2024-01", "2025-06", 100, {"2024-06": 150}),
        "A2": _months("2024-03", "2024-12", 100),
        "A3": _months("2024-10", "2025-06", 100),
        "A4": _months("2024-04", "2025-06", 100, {"2025-05": 130}),
    })

    def opp(oid, team, account, created, close, stage, type_="new"):
        return {"opportunity_id": oid, "account_id": account, "team": team, "type": type_,
                "created_date": created, "close_date": close, "stage": stage, "amount": 1200}

    opportunities = [
        opp("O1", "fs_a", "A1", "2024-01-10", "2024-01-25", "won"),
        opp("O2", "fs_a", "A2", "2024-02-01", "2024-03-01", "won"),
        opp("O3", "fs_a", "", "2024-02-15", "2024-04-10", "lost"),
        opp("O4", "fs_b", "A3", "2024-03-01", "2024-10-15", "won"),
        opp("O5", "fs_b", "", "2025-05-02", "", "open"),
        opp("O6", "cs_a", "A1", "2024-05-01", "2024-05-20", "won", "upsell"),
        opp("O7", "fs_a", "A4", "2024-03-05", "2024-04-05", "won"),
    ]
    leads = [{"lead_id": f"L{i}", "team": team, "created_date": day} for i, team, day in [
        (1, "is_t", "2024-01-05"), (2, "is_t", "2024-01-20"), (3, "is_t", "2024-02-03"), (4, "is_t", "2024-02-10"),
        (5, "is_t", "2024-03-01"), (6, "mkt", "2024-02-12"), (7, "is_t", "2025-06-01")]]

    def act(aid, team, day, channel, lead, outcome):
        return {"activity_id": aid, "team": team, "date": day, "channel": channel, "lead_id": lead,
                "account_id": "", "outcome": outcome}

    activities = [
        act("X1", "is_t", "2024-02-01", "call", "L1", "meeting_set"),
        act("X2", "is_t", "2024-03-02", "email", "L1", "meeting_set"),
        act("X3", "is_t", "2024-02-05", "call", "L2", "meeting_set"),
        act("X4", "is_t", "2024-02-06", "call", "L3", "connected"),
        act("X5", "is_t", "2024-02-07", "call", "", "meeting_set"),
        act("X6", "fs_a", "2024-02-20", "meeting", "L1", "held"),
    ]
    return make_dataset({"teams": teams, "accounts": accounts, "mrr": mrr, "opportunities": opportunities,
                         "leads": leads, "activities": activities})


def counts(frame: pd.DataFrame) -> list[float]:
    return frame.set_index("stage").loc[list(STAGES), "count"].tolist()


def same(left: list[float], right: list[float]) -> bool:
    return all((math.isnan(a) and math.isnan(b)) or a == b for a, b in zip(left, right, strict=True))


def test_company_funnel_counted_by_hand(funnel_data):
    funnel = model_funnel(funnel_data)
    assert list(funnel.columns) == FUNNEL_COLUMNS and list(funnel["stage"]) == list(STAGES)
    assert counts(funnel) == [7, 2, 6, 4, 2, 1]
    by = funnel.set_index("stage")
    # the retention base is the 3 wins old enough to judge; O4 (won 2024-10) is censored
    assert by.loc["retained_12m", "base"] == 3 and funnel.attrs["censored_wins"] == 1
    assert by.loc["retained_12m", "conversion_from_previous"] == pytest.approx(2 / 3)
    assert by.loc["meetings", "conversion_from_previous"] == pytest.approx(2 / 7)
    assert by.loc["meetings", "leak"] == 5
    # 6 opportunities from 2 meetings: deals that skipped the lead stages entered here, so the stage
    # is not a part of the one before: no conversion (not 300 %), no leak (not -4), 4 more than its base
    assert math.isnan(by.loc["opportunities", "conversion_from_previous"]) and math.isnan(by.loc["opportunities", "leak"])
    assert by.loc["opportunities", "entered"] == 4
    assert by["entered"].fillna(0).tolist() == [0, 0, 4, 0, 0, 0]
    assert by.loc["expanded", "conversion_from_previous"] == pytest.approx(0.5)
    assert math.isnan(by.loc["leads", "conversion_from_previous"]) and math.isnan(by.loc["leads", "leak"])


@pytest.mark.parametrize("team,expected", [
    ("is_t", [6, 2, NAN, NAN, NAN, NAN]),       # inside sales: its leads and meetings
    ("mkt", [1, NAN, NAN, NAN, NAN, NAN]),      # marketing: its leads only
    ("fs_a", [NAN, NAN, 4, 3, 2, 1]),           # field sales: its deals, followed after the win
    ("fs_b", [NAN, NAN, 2, 1, NAN, NAN]),       # its only win is too recent to judge
    ("cs_a", [NAN, NAN, NAN, 3, 2, 1]),         # CS: wins of its book (A1, A2, A4) onwards
    ("cs_b", [NAN, NAN, NAN, 1, NAN, NAN]),
    ("sup", [NAN] * 6),                         # support works beside the funnel
])
def test_team_funnels_count_only_the_stages_the_team_owns(funnel_data, team, expected):
    funnel = model_funnel(funnel_data, team=team)
    assert same(counts(funnel), expected)
    # no conversion where the stage before is not the team's
    first_owned = next((i for i, v in enumerate(expected) if not math.isnan(v)), None)
    if first_owned is not None:
        assert math.isnan(funnel["conversion_from_previous"].iloc[first_owned])


def test_the_window_and_the_observation_month(funnel_data):
    # Feb-Mar 2024: leads L3 L4 L5 L6; meetings of L1 (Feb and Mar, once) and L2; O2 O3 O4 O7 created
    window = model_funnel(funnel_data, start="2024-02", end="2024-03")
    assert counts(window)[:4] == [4, 2, 4, 3]
    # read as of 2024-03: only O2 had been won, and no win is a year old yet
    as_of = model_funnel(funnel_data, start="2024-02", end="2024-03", observe_until="2024-03")
    assert same(counts(as_of), [4, 2, 4, 1, NAN, NAN])
    assert as_of.attrs["censored_wins"] == 1
    with pytest.raises(OptionError):
        model_funnel(funnel_data, end="2024-06", observe_until="2024-03")
    with pytest.raises(CskitError):
        model_funnel(funnel_data, team="nobody")


def test_funnel_is_pure(funnel_data):
    before = {name: frame.copy() for name, frame in funnel_data.tables.items()}
    first = model_funnel(funnel_data, team="fs_a")
    pd.testing.assert_frame_equal(first, model_funnel(funnel_data, team="fs_a"))
    for name, frame in funnel_data.tables.items():
        pd.testing.assert_frame_equal(frame, before[name])


# --------------------------------------------------------------------------- #
# The funnel equals the KPI layer where they overlap
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="session")
def small_sample(tmp_path_factory):
    """A 400-account sample (fast notebook runs), generated once per session."""
    from cskit.sample import write_sample

    folder = tmp_path_factory.mktemp("sample400")
    write_sample(folder, accounts=400)
    return folder


@pytest.fixture(scope="session")
def small_dataset(small_sample):
    return load_dataset(small_sample)


def kpi_sum(kpis: pd.DataFrame, team: str, kpi: str) -> float:
    return float(kpis[(kpis["team"] == team) & (kpis["kpi"] == kpi)]["value"].sum())


@pytest.mark.parametrize("window", [(None, None), ("2024-04", "2025-03")])
def test_funnel_leads_and_opportunities_equal_the_kpi_layers_sums(small_dataset, window):
    start, end = window
    kpis = compute_kpis(small_dataset, start=start, end=end)
    for team in ("all", "is_tokyo", "marketing"):
        assert model_funnel(small_dataset, team, start, end)["count"].iloc[0] == kpi_sum(kpis, team, "leads_created")
    # field sales teams own only new business, so opportunities_created is the funnel's stage as it stands
    for team in ("fs_tokyo", "fs_osaka"):
        funnel = model_funnel(small_dataset, team, start, end).set_index("stage")
        assert funnel.loc["opportunities", "count"] == kpi_sum(kpis, team, "opportunities_created")
    # the company's: opportunities_created over new business only
    opp = small_dataset["opportunities"]
    new_only = dataclasses.replace(small_dataset, tables={**small_dataset.tables, "opportunities": opp[opp["type"] == "new"]})
    new_kpis = compute_kpis(new_only, teams="all", start=start, end=end)
    company = model_funnel(small_dataset, "all", start, end).set_index("stage")
    assert company.loc["opportunities", "count"] == kpi_sum(new_kpis, "all", "opportunities_created")
    assert company.loc["opportunities", "count"] < kpi_sum(kpis, "all", "opportunities_created")  # upsells left out


def test_funnel_meetings_are_the_numerator_of_meeting_conversion_rate(small_dataset):
    kpis = compute_kpis(small_dataset, teams="is_tokyo")
    rate = kpis[kpis["kpi"] == "meeting_conversion_rate"].set_index("month")["value"]
    acts = small_dataset["activities"]
    acts = acts[acts["team"] == "is_tokyo"]
    checked = 0
    for month in rate.dropna().index[::5]:
        worked = acts[acts["date"].dt.to_period("M") == month]["lead_id"].nunique()
        meetings = model_funnel(small_dataset, "is_tokyo", str(month), str(month)).set_index("stage").loc["meetings", "count"]
        assert meetings == pytest.approx(rate[month] * worked)
        checked += 1
    assert checked >= 3


# --------------------------------------------------------------------------- #
# Aptitude self-check widget
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_aptitude_static_mode_shows_the_questions_and_the_scoring_rule(monkeypatch, lang):
    import IPython.display

    from cskit.widgets.aptitude import aptitude_check

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    table = aptitude_check(lang, interactive=False)
    quiz = load_knowledge(lang)["aptitude_quiz"]
    frame = table.data
    assert len(frame) == len(quiz["questions"])
    statements = frame[t("roles.aptitude.col_statement", lang)].tolist()
    assert statements == [q["text"] for q in quiz["questions"]]
    cs_weights = frame.iloc[:, 2].tolist()
    assert cs_weights == [q["weights"]["cs"] for q in quiz["questions"]]
    text = "\n".join(getattr(obj, "data", str(obj)) for obj in shown)
    assert quiz["scoring_rule"] in text
    assert t("roles.aptitude.static_note", lang) in text
    assert 'class="' in table.to_html() and "<th" in table.to_html()


def test_aptitude_widget_and_result_text():
    import ipywidgets

    from cskit.widgets.aptitude import aptitude_check, result_markdown

    widget = aptitude_check("en", interactive=True)
    sliders = [w for box in widget.children if isinstance(box, ipywidgets.HBox) for w in box.children
               if isinstance(w, ipywidgets.IntSlider)]
    assert len(sliders) == 10 and {s.min for s in sliders} == {1} and {s.max for s in sliders} == {5}
    text = result_markdown({"q04_calm_listening": 5, "q07_root_cause": 5}, "en")
    assert "Customer Support" in text.splitlines()[0]
    assert load_knowledge("en")["aptitude_quiz"]["explanations"]["support"] in text


# --------------------------------------------------------------------------- #
# Notebook 01 under papermill
# --------------------------------------------------------------------------- #
def run_notebook(tmp_path, data_dir, **parameters):
    return run_nb(NOTEBOOK.name, tmp_path, data_dir, **parameters)


def funnel_table_rows(html_outputs: list[str], caption: str) -> tuple[list[str], list[list[str]]]:
    """Header and body cells of the output table whose caption is ``caption``."""
    for html in html_outputs:
        if caption in html:
            table = BeautifulSoup(html, "html.parser").find("table")
            header = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
            body = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
            return header, body
    raise AssertionError(f"no table captioned {caption!r} in the outputs")


def shown_count(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:,.0f}"


@pytest.mark.notebooks
@pytest.mark.parametrize("team,lang,audience", [("cs_smb", "ja", "trainer"), ("fs_tokyo", "en", "trainer"),
                                                ("fs_tokyo", "ja", "new_hire"), ("cs_smb", "en", "new_hire")])
def test_notebook_01_runs_and_shows_the_tables_and_the_funnel(tmp_path, small_sample, small_dataset, team, lang, audience):
    nb = run_notebook(tmp_path, small_sample, team=team, lang=lang, audience=audience)
    assert not [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    html = list(outputs(nb, "text/html"))
    markdown = "\n".join(outputs(nb, "text/markdown"))
    every = "\n".join(html) + markdown

    # the three comparison tables, in the chosen language
    for pair in ("cs_vs_sales", "cs_vs_support", "cs_vs_inside_sales"):
        table = comparison_table(pair, lang)
        assert all(column in every for column in table.columns)
        assert table.iloc[0, 1] in every and table.iloc[-1, 2] in every
    other = "en" if lang == "ja" else "ja"
    assert comparison_table("cs_vs_sales", other).iloc[0, 1] not in every

    # the funnel table shows model_funnel's numbers for the team and for the company
    team_funnel, company = model_funnel(small_dataset, team), model_funnel(small_dataset)
    caption = t("roles.funnel.window", lang, start=company.attrs["start"], end=company.attrs["end"],
                until=company.attrs["observe_until"])
    header, body = funnel_table_rows(html, caption)
    for name, funnel in ((small_dataset.team_name(team, lang), team_funnel), (small_dataset.team_name("all", lang), company)):
        column = header.index(t("roles.funnel.col_count", lang, team=name))
        assert [row[column] for row in body] == [shown_count(v) for v in funnel["count"]]
    assert [row[0] for row in body] == [t(f"roles.stage.{s}", lang) for s in STAGES]
    assert sum(1 for _ in outputs(nb, "image/png")) >= 2  # the pay ranges and the funnels

    # aptitude check (static); the exercises as questions whose answers open on a click for new
    # hires and are open for trainers; no score and no "run this cell" on a page without a kernel
    assert load_knowledge(lang)["aptitude_quiz"]["scoring_rule"] in markdown
    from cskit.exercises import answer_html, get_exercise

    exercise_blocks = [block for block in html if "cskit-exercise" in block]
    assert len(exercise_blocks) == 7
    churn = get_exercise("c01_churn_8pct_year", lang)
    assert churn.question in every and answer_html(churn) in every
    assert ("<details open" in every) == (audience == "trainer")
    assert t("exercise.empty", lang) not in every and "c01_churn" not in every

    # the glossary of the notebook's themes, the other language's terms marked with their lang
    from cskit.report.glossary_page import glossary_html

    assert glossary_html(lang, page=False, groups=["roles", "funnel", "cs_work", "goals"]) in html

