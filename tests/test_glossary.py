"""The glossary: both languages complete, KPI terms defined by the registry, pages in one language.

``cskit/content/glossary.yml`` holds every term the notebooks use; a KPI term stores only
its ``kpi_id`` and takes its definition from ``cskit/kpi/registry.yml``. The glossary
page marks the other language's words with their HTML ``lang``, so a Japanese page holds
no English word outside such an element (bar standard abbreviations, names and ids), and
an English page no Japanese character outside one: the report pages' scanner
(:mod:`cskit.report.lint`) finds nothing on it. ``build_reports`` writes the page
beside the site index and links it from there.
"""
from __future__ import annotations

import re
from html import unescape

import pytest

from cskit.errors import CskitError
from cskit.i18n import t
from cskit.kpi.registry import convention_lines, get_kpi, registry
from cskit.report.lint import scan_page
from cskit.report.render import CSP, external_references
from cskit.roles import load_knowledge
from cskit.report.glossary_page import glossary_html
from cskit.roles.glossary import COLUMNS, GLOSSARY_FILE, GROUP_KEYS, glossary, load_glossary
from cskit._yaml import safe_load
from importlib.resources import files

#: The terms the brief and the notebooks require (ids in glossary.yml).
REQUIRED = (
    # roles
    "customer_success", "sales", "inside_sales", "field_sales", "customer_support", "marketing", "the_model",
    # revenue, retention and unit economics
    "mrr", "arpa", "nrr", "grr", "churn", "churn_rate", "retention_rate", "expansion", "contraction",
    "reactivation", "quick_ratio", "ltv", "cac", "cac_payback", "gross_margin",
    # CS outcomes and ways of working
    "nps", "csat", "health_score", "onboarding", "adoption", "upsell", "cross_sell",
    "high_touch", "low_touch", "tech_touch", "customer_journey", "enterprise", "mid_market", "smb",
    # goals
    "kgi", "kpi", "kpi_tree", "smart", "smart_related",
    # cohorts and survival
    "cohort", "cohort_age", "cohort_retention", "censoring", "kaplan_meier", "survival_curve", "median_lifetime",
    # funnel and sales
    "funnel", "lead", "win_rate", "meetings_set", "meeting_conversion_rate", "opportunity",
)

KANA = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb]+$")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def _raw() -> list[dict]:
    return safe_load(files("cskit.content").joinpath(GLOSSARY_FILE).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- content
def test_ja_and_en_have_the_same_ids_in_the_same_order():
    ja, en = glossary("ja"), glossary("en")
    assert list(ja["id"]) == list(en["id"])
    assert ja["id"].is_unique
    assert list(ja["kpi_id"].fillna("")) == list(en["kpi_id"].fillna(""))


def test_every_entry_has_term_and_definition_in_both_languages_and_a_reading_in_japanese():
    for lang in ("ja", "en"):
        table = glossary(lang)
        assert list(table.columns) == list(COLUMNS)
        for column in ("term", "definition", "other_term"):
            assert table[column].map(lambda v: isinstance(v, str) and v.strip() != "").all(), (lang, column)
    ja, en = glossary("ja").set_index("id"), glossary("en").set_index("id")
    bad = [i for i, reading in ja["reading"].items() if not KANA.match(reading)]
    assert not bad, f"readings must be hiragana or katakana: {bad}"
    assert (en["reading"] == "").all()
    assert (ja["other_term"] == en["term"]).all() and (en["other_term"] == ja["term"]).all()


def test_definitions_are_one_line_and_in_their_own_language():
    for lang in ("ja", "en"):
        for row in glossary(lang).itertuples():
            assert "\n" not in row.definition and "\n" not in row.term, row.id
            if row.kpi_id is None:  # the glossary's own; a KPI's is the registry's, whatever its length
                assert len(row.definition) < 200, row.id
    for row in glossary("en").itertuples():
        assert not JAPANESE.search(row.term + row.definition), row.id
    for row in glossary("ja").itertuples():
        assert JAPANESE.search(row.definition), row.id


def test_kpi_terms_take_their_definition_from_the_registry_and_store_none():
    known = registry()
    for entry in _raw():
        if entry["kpi_id"] is None:
            assert entry["ja"].get("definition") and entry["en"].get("definition"), entry["id"]
            continue
        assert entry["kpi_id"] in known, entry["id"]
        for lang in ("ja", "en"):
            assert "definition" not in (entry[lang] or {}), f"{entry['id']}: a KPI's definition lives in the registry"
    for lang in ("ja", "en"):
        for row in glossary(lang).dropna(subset=["kpi_id"]).itertuples():
            assert row.definition == get_kpi(row.kpi_id).definition[lang], row.id


def test_the_nrr_entry_keeps_the_registry_definition_and_adds_the_sources_aim_as_a_note():
    ja, en = glossary("ja").set_index("id"), glossary("en").set_index("id")
    assert ja.loc["nrr", "definition"] == get_kpi("nrr_12m").definition["ja"]
    assert "100%以上" in ja.loc["nrr", "note"] and "バケツの穴" in ja.loc["nrr", "note"]
    assert "100% or more" in en.loc["nrr", "note"] and "holes in the bucket" in en.loc["nrr", "note"]
    assert not JAPANESE.search(en.loc["nrr", "note"]) and JAPANESE.search(ja.loc["nrr", "note"])
    # no other entry has a note of its own; a KPI's note carries the registry's convention
    stated = {i for i, kpi_id in ja["kpi_id"].items() if kpi_id and convention_lines(kpi_id, "ja")}
    assert set(ja.index[ja["note"] != ""]) == {"nrr"} | stated
    for lang in ("ja", "en"):
        html = glossary_html(lang, page=False)
        assert f'<span class="cskit-note">{glossary(lang).set_index("id").loc["nrr", "note"]}</span>' in html


def test_required_terms_are_present():
    ids = set(glossary("en")["id"])
    assert not [term for term in REQUIRED if term not in ids]
    en = glossary("en").set_index("id")
    assert "Related" in en.loc["smart_related", "term"]
    assert "Related" in en.loc["smart", "definition"] and "Relevant" not in en.loc["smart", "definition"]


def test_every_registry_kpi_and_every_role_kpi_has_an_entry():
    kpi_ids = set(glossary("en")["kpi_id"].dropna())
    assert set(registry()) <= kpi_ids
    for lang in ("ja", "en"):
        knowledge = load_knowledge(lang)
        listed = {k for role in knowledge["roles"].values() for k in role.get("kpis", [])}
        assert listed <= kpi_ids


def test_every_entry_sits_in_a_known_section_and_every_section_has_entries():
    groups = [e["group"] for e in load_glossary()]
    assert set(groups) == set(GROUP_KEYS)
    assert list(dict.fromkeys(groups)) == list(GROUP_KEYS), "entries are grouped in page order"


def test_related_ids_exist_and_are_not_the_entry_itself():
    entries = load_glossary()
    ids = {e["id"] for e in entries}
    for entry in entries:
        assert set(entry["see"]) <= ids, entry["id"]
        assert entry["id"] not in entry["see"]


def test_an_unknown_language_is_refused():
    with pytest.raises(CskitError) as info:
        glossary("fr")
    assert info.value.code == "cli.unknown_lang"
    with pytest.raises(CskitError):
        glossary_html("fr")


# --------------------------------------------------------------------------- the page
@pytest.mark.parametrize("page", [True, False])
def test_the_japanese_page_has_english_only_inside_lang_en(page):
    html = glossary_html("ja", page=page)
    assert scan_page(html, "ja") == []  # abbreviations, names and ids aside (cskit.report.lint)
    assert '<span lang="en">Net revenue retention (NRR, 12 months)</span>' in html


@pytest.mark.parametrize("page", [True, False])
def test_the_english_page_has_japanese_only_inside_lang_ja(page):
    html = glossary_html("en", page=page)
    assert scan_page(html, "en") == []
    assert '<span lang="ja">売上継続率（NRR・12か月）</span>' in html


def test_the_page_is_inert_and_offline_like_the_reports():
    for lang in ("ja", "en"):
        html = glossary_html(lang)
        assert html.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in html
        declared = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
        assert declared and unescape(declared.group(1)) == CSP
        assert "<script" not in html and external_references(html) == []
        for group in GROUP_KEYS:
            assert f'id="group-{group}"' in html
        for entry in load_glossary():
            assert f'id="{entry["id"]}"' in html
            for ref in entry["see"]:
                assert f'href="#{ref}"' in html


# --------------------------------------------------------------------------- the reports
@pytest.fixture(scope="module")
def one_report(tmp_path_factory):
    from cskit.report import build_reports
    from cskit.sample import write_sample

    folder = tmp_path_factory.mktemp("glossary_report")
    write_sample(folder / "data", accounts=120, months=14)
    result = build_reports(folder / "data", folder / "reports", teams="cs_smb", notebooks="03",
                           lang="en", jobs=1, progress=False)
    return result


def test_build_reports_writes_the_glossary_and_links_it_from_the_site_index(one_report):
    import json

    assert one_report.exit_code == 0
    out = one_report.out_dir
    page = (out / "glossary.html").read_text(encoding="utf-8")
    assert page == glossary_html("en", back=True)
    assert '<a href="index.html">' in page
    assert 'href="glossary.html"' in (out / "index.html").read_text(encoding="utf-8")
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["glossary"] == "glossary.html"
    assert not list(out.glob(".*.tmp"))


def test_the_language_check_sees_stray_words():
    """The scanner the page checks use reads the nearest lang and skips the style sheet."""
    page = '<html lang="ja"><style>body{}</style><p>売上 <span lang="en">Sales</span> churn</p></html>'
    assert [(f.kind, f.text) for f in scan_page(page, "ja")] == [("other_language", "churn")]


# --------------------------------------------------------------------------- a notebook's part of it
def test_a_notebooks_part_shows_only_its_groups_under_the_notebooks_own_heading():
    from cskit.errors import OptionError

    groups = ["funnel", "roles"]  # shown in page order, whatever the order asked
    shown = [e for e in load_glossary() if e["group"] in groups]
    for lang in ("ja", "en"):
        part = glossary_html(lang, page=False, groups=groups)
        assert scan_page(part, lang) == []
        assert "<h1>" not in part and t("glossary.intro", lang) not in part  # the notebook has its heading
        assert part.index('id="group-roles"') < part.index('id="group-funnel"') and "<h2" not in part
        assert re.findall(r'class="cskit-term" id="([^"]+)"', part) == [e["id"] for e in shown]
        # a related term on the page is a link; one outside these groups is named without a link
        linked = set(re.findall(r'href="#([^"]+)"', part)) - {f"group-{g}" for g in groups}
        assert linked == {e["id"] for e in shown}  # the table of contents links every shown term
        customer_success = next(e for e in load_glossary() if e["id"] == "customer_success")
        nrr_term = next(e for e in load_glossary() if e["id"] == "nrr")[lang]["term"]
        assert "nrr" in customer_success["see"] and 'href="#nrr"' not in part
        assert nrr_term in part.split('id="customer_success"')[1].split("</div>")[0]
        assert 'href="#lead"' in part.split('id="marketing"')[1].split("</div>")[0]  # marketing -> lead: both shown
    assert glossary_html("en", page=False, groups=list(GROUP_KEYS)) == glossary_html("en", page=False)
    with pytest.raises(OptionError):
        glossary_html("en", page=False, groups=["roles", "pricing"])
