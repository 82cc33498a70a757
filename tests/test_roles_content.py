"""Checks on the role knowledge base (cskit/content/roles.*.yml) and cskit.roles."""
from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cskit.errors import CskitError
from cskit.roles import aptitude_leaning, comparison_table, load_knowledge, role_profile
from cskit.roles.registry import MODEL_ORDER, ROLE_IDS as REGISTRY_ROLE_IDS, resolve_role
from cskit.roles.view import format_figure

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "cskit" / "content"
REGISTRY_YML = REPO / "cskit" / "kpi" / "registry.yml"
SEEDS = Path("/work/shared/seeds")

#: Used only when cskit/kpi/registry.yml does not exist yet.
FALLBACK_KPI_IDS = {
    "mrr", "customers", "new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr",
    "churned_mrr", "new_customers", "churned_customers", "arpa", "logo_churn_rate",
    "logo_retention_rate", "gross_mrr_churn_rate", "nrr_1m", "nrr_12m", "grr_12m",
    "quick_ratio", "ltv", "cac", "cac_payback_months", "expansion_rate", "upsell_rate",
    "cross_sell_rate", "active_user_rate", "onboarding_completion_rate", "nps", "csat",
    "opportunities_created", "win_rate", "avg_deal_size", "sales_cycle_days", "contacts",
    "contact_rate", "email_open_rate", "meeting_conversion_rate", "meetings_set", "meetings_held",
    "leads_created", "tickets_opened", "resolution_rate", "median_first_response_hours",
    "median_resolution_hours", "health_score",
}

#: String fields that are ids or enum values: they must be identical in ja and en.
ENUM_KEYS = {
    "id", "aspect_id", "stage_id", "left_role", "right_role", "handoff_to", "timing",
    "posture", "relationship", "relationship_length", "answer", "accept", "kpis", "kpi_id",
    "unit", "source", "sources", "letter",
}

ROLE_IDS = ["cs", "inside_sales", "field_sales", "support", "marketing"]


def _raw(lang: str) -> dict:
    return yaml.safe_load((CONTENT / f"roles.{lang}.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ja() -> dict:
    return _raw("ja")


@pytest.fixture(scope="module")
def en() -> dict:
    return _raw("en")


@pytest.fixture(scope="module")
def kpi_ids() -> set[str]:
    if REGISTRY_YML.exists():
        entries = yaml.safe_load(REGISTRY_YML.read_text(encoding="utf-8"))
        return {entry["id"] for entry in entries}
    return set(FALLBACK_KPI_IDS)


def _compare(a, b, path: str, key: str | None, problems: list[str]) -> None:
    if isinstance(a, dict):
        if not isinstance(b, dict):
            problems.append(f"{path}: mapping in ja, {type(b).__name__} in en")
            return
        if list(a) != list(b):
            problems.append(f"{path}: keys differ: ja {sorted(a)} / en {sorted(b)}")
            return
        for k in a:
            _compare(a[k], b[k], f"{path}.{k}", k, problems)
    elif isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            problems.append(f"{path}: list lengths differ")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            _compare(x, y, f"{path}[{i}]", key, problems)  # list items inherit the key
    elif isinstance(a, str):
        if not isinstance(b, str):
            problems.append(f"{path}: str in ja, {type(b).__name__} in en")
        elif key in ENUM_KEYS and a != b:
            problems.append(f"{path}: enum/id differs: {a!r} / {b!r}")
        elif not a.strip() or not b.strip():
            problems.append(f"{path}: empty text")
    else:  # numbers, booleans, None
        if type(a) is not type(b) or a != b:
            problems.append(f"{path}: value differs: {a!r} / {b!r}")


def test_ja_and_en_have_identical_structure(ja, en):
    problems: list[str] = []
    _compare(ja, en, "$", None, problems)
    assert not problems, "\n".join(problems)


def test_required_sections_and_ids(en):
    for section in (
        "model_stages", "roles", "comparisons", "cs_phases", "cs_start_steps", "touch_models",
        "team_structures", "collaboration", "case_figures", "aptitude_quiz",
    ):
        assert section in en, section
    assert [s["id"] for s in en["model_stages"]] == [
        "marketing", "inside_sales", "field_sales", "customer_success", "support"]
    for stage in en["model_stages"]:
        assert stage["timing"] in {"before_contract", "after_contract", "after_problem"}
        assert stage["posture"] in {"proactive", "reactive", "none"}
        assert stage["relationship"] in {"short", "long"}
    assert list(en["roles"]) == ROLE_IDS
    assert [c["id"] for c in en["comparisons"]] == ["cs_vs_sales", "cs_vs_support", "cs_vs_inside_sales"]
    assert [p["id"] for p in en["cs_phases"]] == ["onboarding", "adoption", "expansion", "product_feedback"]
    assert [s["step"] for s in en["cs_start_steps"]] == [1, 2, 3, 4, 5, 6]
    assert "10%" in en["cs_start_steps"][0]["example"]
    assert [t["id"] for t in en["touch_models"]] == ["high", "low", "tech"]
    assert len(en["team_structures"]) == 5
    assert 8 <= len(en["aptitude_quiz"]["questions"]) <= 10
    assert set(en["aptitude_quiz"]["explanations"]) == {"cs", "sales", "support"}


def test_quiz_weights_are_small_integers(en):
    for question in en["aptitude_quiz"]["questions"]:
        assert set(question["weights"]) == {"cs", "sales", "support"}
        for weight in question["weights"].values():
            assert isinstance(weight, int) and 0 <= weight <= 3


def test_kpi_ids_come_from_the_registry(ja, en, kpi_ids):
    for data in (ja, en):
        for role_id, role in data["roles"].items():
            unknown = set(role["kpis"]) - kpi_ids
            assert not unknown, f"{role_id}: {unknown}"


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(
    "role, low, high", [("cs", 5.0, 9.0), ("field_sales", 4.0, 8.0), ("sales", 4.0, 8.0), ("support", 3.5, 6.0)]
)
def test_pay_matches_the_source(role, low, high, lang):
    pay = role_profile(role, lang)["pay"]
    assert (pay["min_myen"], pay["max_myen"], pay["source"]) == (low, high, "003")


@pytest.mark.parametrize("role", ["inside_sales", "marketing"])
def test_no_pay_figure_where_sources_give_none(role):
    pay = role_profile(role, "en")["pay"]
    assert pay["min_myen"] is None and pay["max_myen"] is None and pay["note"]


@pytest.mark.parametrize(
    "pair, lang, headers",
    [
        ("cs_vs_sales", "en", ["Aspect", "Customer Success (CS)", "Sales (Field Sales)"]),
        ("cs_vs_support", "ja", ["観点", "カスタマーサクセス（CS）", "カスタマーサポート"]),
        ("cs_vs_inside_sales", "en", ["Aspect", "Customer Success (CS)", "Inside Sales (IS)"]),
    ],
)
def test_comparison_table_shape_and_language(pair, lang, headers, en):
    table = comparison_table(pair, lang)
    rows = next(c["rows"] for c in en["comparisons"] if c["id"] == pair)
    assert isinstance(table, pd.DataFrame)
    assert table.shape == (len(rows), 3)
    assert table.columns.tolist() == headers
    assert table.index.tolist() == [r["aspect_id"] for r in rows]
    text = "".join(table.to_numpy().ravel())
    has_japanese = re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text) is not None
    assert has_japanese == (lang == "ja")


def test_comparison_tables_align_across_languages():
    for pair in ("cs_vs_sales", "cs_vs_support", "cs_vs_inside_sales"):
        assert comparison_table(pair, "ja").index.equals(comparison_table(pair, "en").index)


def test_aptitude_leaning_by_hand():
    # q01, q03, q06, q09 carry weight 3 for CS; everything else answered 1.
    ids = [f"q{n:02d}" for n in range(1, 11)]
    knowledge = load_knowledge("en")
    qids = [q["id"] for q in knowledge["aptitude_quiz"]["questions"]]
    assert [q.split("_")[0] for q in qids] == ids
    strong = {"q01", "q03", "q06", "q09"}
    answers = {qid: (5 if qid.split("_")[0] in strong else 1) for qid in qids}
    result = aptitude_leaning(answers, "en")
    # cs = 5*(3+3+3+3) = 60; sales = 5+3+5+3+3+5 = 24; support = 5+3+5+3+1+3 = 20
    assert result["scores"] == {"cs": 60, "sales": 24, "support": 20}
    assert result["leaning"] == "cs"
    assert result["explanation"] == knowledge["aptitude_quiz"]["explanations"]["cs"]

    support_first = {"q04", "q07", "q10"}
    answers = {qid: (5 if qid.split("_")[0] in support_first else 2) for qid in qids}
    result = aptitude_leaning(answers, "ja")
    # cs = 2*12 = 24; sales = 2*12 = 24; support = 2+15+2+15+2+15 = 51
    assert result["scores"] == {"cs": 24, "sales": 24, "support": 51}
    assert result["leaning"] == "support"

    # All weights sum to 12 per role, so equal answers tie; the tie goes to CS.
    result = aptitude_leaning({qid: 3 for qid in qids}, "en")
    assert result["scores"] == {"cs": 36, "sales": 36, "support": 36}
    assert result["leaning"] == "cs"


@pytest.mark.parametrize(
    "answers,code", [({"q99_nope": 3}, "roles.unknown_question"), ({"q01_customer_goal": 0}, "roles.bad_answer"),
                     ({"q01_customer_goal": 6}, "roles.bad_answer"), ({"q01_customer_goal": 2.5}, "roles.bad_answer"),
                     ({"q01_customer_goal": True}, "roles.bad_answer"), ({}, "roles.no_answers")]
)
def test_aptitude_leaning_rejects_bad_answers(answers, code):
    # a CskitError, not a ValueError: the message comes from the catalogue in both languages
    with pytest.raises(CskitError) as caught:
        aptitude_leaning(answers, "en")
    assert caught.value.code == code
    assert caught.value.render("ja") != caught.value.render("en")


def test_unknown_language_and_ids_raise():
    with pytest.raises(CskitError) as caught:
        load_knowledge("fr")
    assert caught.value.code == "cli.unknown_lang"
    with pytest.raises(CskitError) as caught:
        role_profile("ninja", "en")
    assert caught.value.code == "roles.unknown_role" and "field_sales" in caught.value.render("en")
    with pytest.raises(CskitError) as caught:
        comparison_table("cs_vs_marketing", "en")
    assert caught.value.code == "roles.unknown_comparison" and "cs_vs_sales" in caught.value.render("ja")


def test_registry_and_knowledge_base_name_the_same_roles_in_the_same_order(en, ja):
    assert tuple(ROLE_IDS) == REGISTRY_ROLE_IDS
    for data in (en, ja):
        assert tuple(data["roles"]) == REGISTRY_ROLE_IDS
        # The Model's stages in the knowledge base follow the registry's model order
        stages = [resolve_role(s["id"]) for s in sorted(data["model_stages"], key=lambda s: s["order"] or 99)]
        assert tuple(stages) == MODEL_ORDER


def test_load_knowledge_returns_a_copy():
    data = load_knowledge("en")
    data["roles"]["cs"]["name"] = "changed"
    assert load_knowledge("en")["roles"]["cs"]["name"] != "changed"


def test_case_figures(en):
    figures = {c["id"]: c["figure"] for c in en["case_figures"]}
    assert figures["salesforce_2004_monthly_churn"] == 0.08
    assert figures["salesforce_2004_market_value"] == 500_000_000
    assert figures["smarthr_continuation_rate"] == 0.995
    assert figures["smarthr_cs_teams"] == 5
    assert figures["netflix_subscribers"] == 8_100_000
    assert figures["netflix_continuation_rate"] == 0.95
    assert figures["netflix_recommendation_share"] == 0.75
    assert figures["cs_adoption_survey"] == 0.503
    assert figures["nrr_example"] == 0.70
    assert figures["nrr_120_growth"] == 0.20
    assert figures["zoom_nrr"] == 1.20
    assert figures["one_to_five_rule"] == 5


#: How each case figure is spelled in its source article (the seed file of its ``source``).
SEED_SPELLING = {
    "salesforce_2004_monthly_churn": "解約率は8%", "salesforce_2004_market_value": "時価総額5億ドル",
    "smarthr_continuation_rate": "継続率99.5%", "smarthr_cs_teams": "5つに分かれて",
    "netflix_subscribers": "810万人", "netflix_continuation_rate": "継続利用率は95%",
    "netflix_recommendation_share": "ユーザーの75%", "cs_adoption_survey": "50.3%",
    "nrr_example": "NRRは70%", "nrr_120_growth": "+20%", "zoom_nrr": "120%以上", "one_to_five_rule": "5倍",
}


def _seed(source: str) -> str:
    found = sorted(SEEDS.glob(f"{source}_*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip("source articles not available")
    return re.sub(r"\s+", "", found[0].read_text(encoding="utf-8"))


@pytest.mark.parametrize("figure_id", sorted(SEED_SPELLING))
def test_each_case_figure_is_what_its_article_says_with_about_only_where_the_article_says_it(ja, figure_id):
    item = next(c for c in ja["case_figures"] if c["id"] == figure_id)
    seed = _seed(item["source"])
    spelling = SEED_SPELLING[figure_id]
    assert spelling in seed, f"{figure_id}: {spelling!r} is not in article {item['source']}"
    number = re.search(r"[\d.]+%?[万億]?", spelling).group()
    assert ("約" + number in seed) == item.get("approx", False), f"{figure_id}: 'about' differs from the article"
    for lang in ("ja", "en"):
        about = ("約" if lang == "ja" else "about") in format_figure(item["figure"], item["unit"], lang, item.get("approx", False))
        assert about == item.get("approx", False), (figure_id, lang)


def test_case_figures_read_as_in_the_article():
    """Japanese figures keep the article's spelling (5億ドル, 約810万人, 120%以上); English ones name millions."""
    shown = {lang: {item["id"]: format_figure(item["figure"], item["unit"], lang, item.get("approx", False))
                    for item in load_knowledge(lang)["case_figures"]} for lang in ("ja", "en")}
    assert shown["ja"]["salesforce_2004_market_value"] == "5億ドル"
    assert shown["en"]["salesforce_2004_market_value"] == "USD 500 million"
    assert shown["ja"]["netflix_subscribers"] == "約810万人"
    assert shown["en"]["netflix_subscribers"] == "about 8.1 million people"
    assert shown["ja"]["zoom_nrr"] == "120%以上" and shown["en"]["zoom_nrr"] == "at least 120%"
    assert shown["ja"]["one_to_five_rule"] == "5倍" and shown["en"]["one_to_five_rule"] == "5 times"
    assert shown["ja"]["salesforce_2004_monthly_churn"] == "月8%" and shown["en"]["salesforce_2004_monthly_churn"] == "8% a month"
    for item in load_knowledge("ja")["case_figures"]:
        if item["unit"] in ("usd", "people", "ratio_min", "times"):
            assert shown["ja"][item["id"]] in _seed(item["source"]), item["id"]


def test_cs_aims_for_nrr_of_100_percent_or_more_and_plugs_the_bucket_first():
    for lang, aim, bucket in (("ja", "100% 以上", "バケツの穴"), ("en", "100% or more", "holes in the bucket")):
        cs = role_profile("cs", lang)
        assert aim in cs["purpose"] and "NRR" in cs["purpose"]
        assert any(bucket in note and "001" in note and "004" in note for note in cs["notes"]), lang


def test_english_tables_do_not_use_the_japanese_list_mark():
    from cskit.roles.view import SECTION_TABLES, section_frame

    for section in SECTION_TABLES:
        en, ja = section_frame(section, "en"), section_frame(section, "ja")
        assert not en.apply(lambda column: column.str.contains("・")).any().any(), section
    activities = section_frame("touch_models", "en").iloc[0, 2]
    assert activities.count("; ") == len(load_knowledge("en")["touch_models"][0]["activities"]) - 1
    assert "・" in section_frame("touch_models", "ja").iloc[0, 2]


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def test_no_sentence_copied_from_the_sources(ja):
    seed_files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not seed_files:
        pytest.skip("source articles not available")
    seeds = re.sub(r"\s+", "", "".join(p.read_text(encoding="utf-8") for p in seed_files))
    copied = []
    for text in _strings(ja):
        for sentence in re.split(r"[。！？!?\n]", text):
            sentence = re.sub(r"\s+", "", sentence)
            if len(sentence) > 25 and sentence in seeds:
                copied.append(sentence)
    assert not copied, copied


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_knowledge_table_reads_in_its_language(lang):
    """A Japanese table quotes SMART's English words inside lang="en" (the page scanner finds nothing else)."""
    from cskit.report.lint import scan_page
    from cskit.roles.view import SECTION_TABLES, case_figures, comparison, section_table

    for section in SECTION_TABLES:
        assert scan_page(section_table(section, lang).to_html(), lang) == [], section
    for pair in ("cs_vs_sales", "cs_vs_support", "cs_vs_inside_sales"):
        assert scan_page(comparison(pair, lang).to_html(), lang) == [], pair
    assert scan_page(case_figures(lang).to_html(), lang) == []
    smart = section_table("smart", lang).to_html()
    assert ('<span lang="en">Related</span>（上位目標との関連）' in smart) == (lang == "ja")
    assert ("<span" in smart) == (lang == "ja")
