"""Notebook 02: each team sees its own role's KPIs first, the rest folded away, every table formatted.

The page helpers (cskit.notebook) are checked without a kernel by catching what they
display; the notebook itself runs top to bottom under papermill (marked ``notebooks``).
"""
from __future__ import annotations

import json
import re

import matplotlib
import pandas as pd
import pytest

from conftest import REPO, outputs, run_notebook
from cskit import notebook as nb
from cskit.guide import answer_keys
from cskit.i18n import MESSAGES
from cskit.kpi.engine import account_health, compute_kpis
from cskit.kpi.movements import MOVEMENTS
from cskit.kpi.present import kpi_summary_table, kpi_values_table
from cskit.kpi.registry import format_value, get_kpi, kpis_for_role, registry
from cskit.exercises import check, expected_from_kpis, get_exercise

matplotlib.use("Agg")

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
#: What a raw DataFrame leaks into a page: missing values, booleans, long floats.
RAW = re.compile(r"\b(?:NaN|nan|None|True|False|NaT)\b|\d\.\d{4,}")


@pytest.fixture(scope="module")
def sample_kpis(sample_dataset):
    return compute_kpis(sample_dataset, teams=["cs_smb", "fs_tokyo", "support", "all"])


@pytest.fixture
def shown(monkeypatch):
    """Everything the helpers display (Markdown and HTML as text); the trend charts as the KPI ids drawn."""
    from IPython import display as ipd

    from cskit.plots import kpi as kpi_plots

    seen = {"text": [], "charts": []}

    def display(*objects, **_):
        for obj in objects:
            seen["text"].append(obj.data if hasattr(obj, "data") and isinstance(obj.data, str) else obj)

    monkeypatch.setattr(ipd, "display", display)
    monkeypatch.setattr(kpi_plots, "trend_grid", lambda kpis, *, kpi_ids, **_: seen["charts"].append(list(kpi_ids)))
    return seen


def page_of(kpis, team, role, month, lang="en"):
    teams = ["all"] if team == "all" else [team, "all"]
    own = nb.show_role_kpis(kpis[kpis.team.isin(teams)], role, teams=teams, lang=lang)
    folded = nb.show_other_kpis(kpis[kpis.team.isin(teams)], role, month, teams=teams, lang=lang)
    return own, folded


def test_a_cs_team_leads_with_the_cs_kpis_and_folds_the_other_roles(sample_kpis, shown):
    month = sample_kpis["month"].max()
    own, folded = page_of(sample_kpis, "cs_smb", "cs", month)
    present = set(sample_kpis[sample_kpis.team.isin(["cs_smb", "all"])]["kpi"])
    assert set(own) == {k.id for k in kpis_for_role("cs")} & present
    assert set(own).isdisjoint(folded) and set(own) | set(folded) == present
    assert {"win_rate", "contacts", "leads_created", "tickets_opened", "cac"} <= set(folded)
    charted = [kpi_id for chart in shown["charts"] for kpi_id in chart]
    assert charted == own  # a chart for each own KPI, none for the folded ones
    headings = [line for text in shown["text"] if isinstance(text, str) for line in text.splitlines() if line.startswith("#")]
    assert "## Customer Success KPIs: definitions, formulas, trends" in headings
    assert "### Field sales KPIs" not in headings and "## Other roles' KPIs" in headings
    folds = next(text for text in shown["text"] if isinstance(text, str) and "<details" in text)
    families = {get_kpi(k).family for k in folded}
    assert folds.count("<details") == folds.count("</details>") == len(families)
    assert "<script" not in folds and "Field sales KPIs (5)" in folds


def test_a_sales_team_sees_sales_kpis_and_not_the_cs_outcomes_it_does_not_own(sample_kpis, shown):
    month = sample_kpis["month"].max()
    own, folded = page_of(sample_kpis, "fs_tokyo", "field_sales", month)
    assert {"win_rate", "avg_deal_size", "new_mrr", "cac"} <= set(own)
    assert {"active_user_rate", "logo_churn_rate", "health_score", "contacts"} <= set(folded)
    # the fold's table shows this month's values, formatted: the company's active user rate
    company = sample_kpis.query("team == 'all' and kpi == 'active_user_rate' and month == @month")["value"].iloc[0]
    folds = next(text for text in shown["text"] if isinstance(text, str) and "<details" in text)
    assert format_value("active_user_rate", company, "en") in folds



def test_a_role_kpi_the_data_cannot_give_is_named_not_silently_dropped(sample_kpis, shown):
    without_surveys = sample_kpis[~sample_kpis.kpi.isin(["nps", "csat"])]  # as if surveys.csv were missing
    own = nb.show_role_kpis(without_surveys[without_surveys.team.isin(["cs_smb", "all"])], "cs",
                            teams=["cs_smb", "all"], lang="en")
    assert "nps" not in own and "csat" not in own
    notes = [text for text in shown["text"] if isinstance(text, str) and text.startswith("> ")]
    assert notes == ["> The data lacks the tables these KPIs need, so they are not computed: "
                     "Net Promoter Score (NPS), Customer satisfaction (CSAT)"]


def test_the_company_page_shows_every_family_and_folds_nothing(sample_kpis, shown):
    month = sample_kpis["month"].max()
    own, folded = page_of(sample_kpis, "all", None, month)
    assert folded == [] and set(own) == set(sample_kpis[sample_kpis.team == "all"]["kpi"])
    assert not any("<details" in text for text in shown["text"] if isinstance(text, str))
    families = list(dict.fromkeys(k.family for k in registry().values()))
    assert [get_kpi(chart[0]).family for chart in shown["charts"]] == families


def test_the_company_headline_is_each_roles_headline(sample_kpis):
    from cskit.roles.registry import per_role

    ids = nb.headline_kpi_ids(sample_kpis, None)
    assert set(ids) == {k for role in per_role("headline_kpis").values() for k in role}
    assert nb.headline_kpi_ids(sample_kpis, "support") == ["csat", "tickets_opened", "resolution_rate",
                                                           "median_first_response_hours", "median_resolution_hours"]


def test_the_headline_table_is_formatted_for_people(sample_dataset, sample_kpis):
    month = sample_kpis["month"].max()
    table = kpi_summary_table(sample_kpis, nb.headline_kpi_ids(sample_kpis, "support"), month, "ja",
                              teams=["support", "all"], team_names={"support": "サポート", "all": "全社"},
                              data_end=sample_dataset.months.max())
    frame = table.data
    assert list(frame.columns) == ["KPI", "サポート", "全社"]
    html = table.to_html()
    assert not RAW.search(frame.to_string()) and "<th" in html and 'class="row_heading' not in html  # no index
    # the support team's resolution rate comes from September: October's tickets are still open
    previous = month - 1
    september = sample_kpis.query("team == 'support' and kpi == 'resolution_rate' and month == @previous")["value"].iloc[0]
    row = frame[frame["KPI"].str.startswith("解決率")].iloc[0]
    assert row["KPI"] == f"解決率（{(month - 1).year}年{(month - 1).month}月の値：今月分はまだ確定していません）"
    assert row["サポート"] == format_value("resolution_rate", september, "ja")


def test_the_red_band_list_is_formatted_and_matches_the_health_view(sample_dataset, sample_kpis):
    from cskit.health import health_view
    from cskit.health.present import accounts_table

    month = sample_kpis["month"].max()
    view = health_view(sample_dataset, team="cs_smb", month=month)
    red = view[view["band"] == "red"].sort_values("score")
    frame = accounts_table(red, "ja", limit=10).data
    assert list(frame.columns[:4]) == ["アカウント ID", "アカウント名", "スコア", "バンド"]
    assert len(frame) == min(10, len(red)) > 0
    assert frame.iloc[0, :4].tolist() == [red.iloc[0]["account_id"], red.iloc[0]["account_name"],
                                          f"{red.iloc[0]['score']:.1f}", "赤"]
    assert not RAW.search(frame.to_string())


def test_japanese_account_names_carry_their_language_on_an_english_page(sample_dataset, sample_kpis):
    from cskit.health import health_view
    from cskit.health.present import accounts_table
    from cskit.report.lint import scan_page

    view = health_view(sample_dataset, team="cs_smb", month=sample_kpis["month"].max())
    red = view[view["band"] == "red"].head(10)
    names = red["account_name"].tolist()
    assert names and all(re.search(r"[\u30a0-\u30ff\u4e00-\u9fff]", name) for name in names)  # the sample's names
    html = accounts_table(red, "en").to_html()
    assert [f'<span lang="ja">{name}</span>' in html for name in names] == [True] * len(names)
    assert scan_page(html, "en") == []
    assert '<span lang="ja">' in accounts_table(red, "ja").to_html()  # a name is marked whatever the page


def test_the_what_if_table_has_no_index_and_the_datasets_currency(monkeypatch):
    from IPython import display as ipd

    from cskit.report.lint import scan_page
    from cskit.widgets.whatif import STATIC_SCENARIOS, whatif

    monkeypatch.setattr(ipd, "display", lambda *args, **kwargs: None)
    assert STATIC_SCENARIOS[2] == (0.04, 0.0)
    table = whatif(100, 10_000, "en", interactive=False, gross_margin=0.8, currency="USD")
    row = table.data.iloc[2].tolist()
    # 100 accounts x $10,000, 4 % of them (and of their MRR) leave each month, none expand
    assert row == ["4.0%", "0.0%", f"${1_000_000 * 0.96 ** 12:,.0f}", f"${1_000_000 * 0.96 ** 24:,.0f}",
                   f"${10_000 * 0.8 / 0.04:,.0f}"]
    html = table.to_html()
    assert 'class="row_heading' not in html and "¥" not in html and scan_page(html, "en") == []


def test_the_exercise_tables_show_the_inputs_of_the_answer(sample_kpis):
    month = sample_kpis["month"].max()
    frame = kpi_values_table(sample_kpis, {m.kpi: month for m in MOVEMENTS}, "cs_smb", "en", team_name="SMB CS").data
    assert list(frame.columns) == ["KPI", "Month", "SMB CS"] and not RAW.search(frame.to_string())
    amounts = [float(text.lstrip("¥").replace(",", "")) for text in frame["SMB CS"]]
    assert [m.kpi for m in MOVEMENTS] == ["new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr"]
    new, reactivation, expansion, contraction, churn = amounts
    gained, lost = new + expansion, contraction + churn  # the quick ratio leaves reactivation out
    # the quick ratio worked out from the table is what the checker accepts, to two decimals
    exercise = get_exercise("quick_ratio_month", "en")
    expected = expected_from_kpis(sample_kpis, exercise, "cs_smb", month)
    assert check(exercise, f"{gained / lost:.2f}", expected).correct
    assert check(exercise, f"{lost / gained:.2f}", expected).state == "wrong"
    # the variant that counts reactivation is a different answer this month (the sample has returns)
    assert reactivation > 0 and check(exercise, f"{(gained + reactivation) / lost:.2f}", expected).state == "wrong"


def test_worked_examples_use_the_sources_figures_in_each_language():
    en, ja = nb.worked_examples("en"), nb.worked_examples("ja")
    assert en[0].endswith("→ 70.0%") and en[2].endswith("→ ¥600,000")  # 50,000 x 4 x 3
    assert en[3].endswith("→ ¥1,200,000") and "¥100,000" in en[4]  # 30,000 x 0.8 / 0.02; 5 x 20,000
    assert "20.0%" in en[1] and not any(JAPANESE.search(line) for line in en)
    # Japanese lines: no English word, only abbreviations (NRR, LTV, ARPA) and SaaS
    assert all(JAPANESE.search(line) for line in ja) and not any(re.search(r"[a-z]{2,}", line.replace("SaaS", "")) for line in ja)


def test_exercise_1_and_the_guides_answer_key_agree():
    notebook = json.loads((REPO / "notebooks" / "02_kpi_calculation.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert 'ex.show("quick_ratio_month"' in code and "c01_churn_8pct_year" not in code
    for lang in ("ja", "en"):
        first = answer_keys(lang)["nb02"][0]
        assert first["id"] == "quick_ratio_month" and get_kpi("quick_ratio").label(lang) in first["question"]


def _page_text(notebook: dict) -> str:
    return "\n".join([*outputs(notebook, "text/html"), *outputs(notebook, "text/markdown")])


@pytest.mark.notebooks
@pytest.mark.parametrize("team,lang", [("cs_smb", "ja"), ("fs_tokyo", "en"), ("all", "en")])
def test_notebook_02_runs_and_shows_the_teams_own_kpis(tmp_path, sample_dir, sample_dataset, team, lang):
    notebook = run_notebook("02_kpi_calculation.ipynb", tmp_path, sample_dir, team=team, lang=lang)
    page = _page_text(notebook)
    teams = ["all"] if team == "all" else [team, "all"]
    kpis = compute_kpis(sample_dataset, teams=teams)
    month = kpis["month"].max()
    mrr = kpis[(kpis.team == team) & (kpis.kpi == "mrr") & (kpis.month == month)]["value"].iloc[0]
    assert format_value("mrr", mrr, lang) in page  # the headline table shows the engine's MRR
    assert "cskit-formula" in page and "63.2" not in page  # formulas from the registry; no give-away
    # "Why your numbers differ from your billing tool": the conventions side by side, formatted
    assert MESSAGES["conventions.header.why"][lang] in page
    assert MESSAGES["conventions.cskit"][lang].replace("'", "&#39;") in page  # "cskit's" as the table escapes it
    # the exercises as questions with the answer behind a click; never "not answered yet" on a page
    assert page.count("cskit-exercise") == 2 and ("未回答" if lang == "ja" else "Not answered") not in page
    folds = re.sub(r'<section class="cskit-exercise".*?</section>', "", page, flags=re.S).count("<details")
    charts = sum(1 for _ in outputs(notebook, "image/png"))
    if team == "all":
        assert folds == 0 and charts == 1 + len({k.family for k in registry().values()})  # the bridge + every family
    else:
        assert folds >= 4 and charts < 8
    if lang == "en":  # account names are data and may be Japanese; everything else is English
        readable = [text for text in outputs(notebook, "text/html") if "Account ID" not in text]
        assert not JAPANESE.search("\n".join([*readable, *outputs(notebook, "text/markdown")]))
    text = "\n".join(outputs(notebook, "text/markdown"))
    assert "What-if" not in text and "Worked" not in text
