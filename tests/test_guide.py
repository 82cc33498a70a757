"""The facilitator guide (cskit guide): content in step across languages, agendas that add up,
a self-contained page in the right language, answer keys that pass the kit's own checkers."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cskit import guide
from cskit.cli import app
from cskit.errors import CskitError
from cskit.guide import MINUTES, NOTEBOOKS, agenda, answer_keys, build_guide, load_guide, render_guide

LANGS = ("ja", "en")

#: ASCII words a Japanese page may show outside <code>: standard abbreviations, proper names, ids
#: (SMART's letters, the accounts A-E of notebook 04's example).
JA_ALLOWED = {
    "CS", "KPI", "KGI", "NRR", "GRR", "MRR", "LTV", "CAC", "ARPA", "IS", "FAQ", "PC", "SMART",
    "S", "M", "A", "R", "T", "B", "C", "D", "E", "The", "Model", "cskit", "JupyterLab", "Python", "Salesforce", "Zoom",
}
ID_PATTERN = re.compile(r"^(T\d\d|a\d\d|k\d\d|\d{4}-\d\d)$")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


def _shape(value):
    """The structure of a content file with ids and numbers kept and text blanked out."""
    if isinstance(value, dict):
        return {k: (v if k in ("id", "minutes", "mode", "notebook", "kpi", "target", "deadline", "parent")
                    else _shape(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return type(value).__name__


def test_ja_and_en_content_have_the_same_ids_and_keys():
    ja, en = load_guide("ja"), load_guide("en")
    assert set(ja["labels"]) == set(en["labels"]) and set(ja["modes"]) == set(en["modes"])
    body = ("notebooks", "agenda", "answer_keys", "knowledge_check", "howto", "meta")
    assert set(ja) == set(en) == {"labels", "modes", *body}
    assert _shape({k: ja[k] for k in body}) == _shape({k: en[k] for k in body})


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("minutes", MINUTES)
def test_agenda_adds_up_to_the_class_length(lang, minutes):
    items = agenda(minutes, lang)
    assert sum(item["minutes"] for item in items) == minutes
    assert all(item["minutes"] > 0 and item["show"] and item["skip"] and item["mode_name"] for item in items)
    assert {item["mode"] for item in items} <= set(load_guide(lang)["modes"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_notebook_has_objectives_and_prompts(lang):
    notebooks = load_guide(lang)["notebooks"]
    assert [nb["id"] for nb in notebooks] == list(NOTEBOOKS)
    for nb in notebooks:
        assert 3 <= len(nb["objectives"]) <= 4, nb["id"]
        assert len(nb["prompts"]) >= 2 and all(p["expected"] for p in nb["prompts"]), nb["id"]
    assert 8 <= len(load_guide(lang)["knowledge_check"]) <= 12


def test_answer_keys_are_read_from_the_exercises():
    from cskit.exercises import get_exercise

    keys = answer_keys("en")
    classify = get_exercise("classify_activities", "en")
    assert [row["text"] for row in keys["classification"]] == [item.text for item in classify.items]
    assert keys["kpi_choice"][0]["accept"] == ["Logo retention rate"]
    churn = next(row for row in keys["compute"] if row["id"] == "c01_churn_8pct_year")
    assert abs(1 - 0.92 ** 12 - 0.6323) < 0.0005 and churn["answer"] == "63.2%"
    assert [row["id"] for row in keys["nb03"]] == [item.id for item in get_exercise("rewrite_targets", "en").items]


def test_notebook_04_tables_are_the_hand_counts():
    tables = answer_keys("ja")["cohorts"]
    assert tables["logo"]["rows"][1] == ("2024-02", ["100%", "50%", "100%", "100%", "100%", ""])
    assert tables["revenue"]["rows"][1][1][3] == "129%"


class _VisibleText(HTMLParser):
    """Text a reader sees, without <style>, <title> and <code> contents."""

    def __init__(self):
        super().__init__()
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "code", "title")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "code", "title")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def _visible(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {lang: render_guide(lang, 60) for lang in LANGS}


@pytest.mark.parametrize("lang", LANGS)
def test_page_is_self_contained_and_in_its_language(pages, lang):
    page = pages[lang]
    assert f'<html lang="{lang}">' in page
    assert "<script" not in page.lower() and "http" not in page.lower()
    assert "@media print" in page and "size: A4" in page
    for nb in load_guide(lang)["notebooks"]:
        assert f'id="objectives-{nb["id"]}"' in page and nb["objectives"][0].split("`")[0][:20] in page
    assert 'id="answer-keys" class="block page answers"' in page
    assert 'id="knowledge-key" class="block page answers"' in page


def test_japanese_page_has_no_stray_english(pages):
    words = set(re.findall(r"[A-Za-z][A-Za-z.]*", _visible(pages["ja"])))
    stray = {w for w in words if w not in JA_ALLOWED and not ID_PATTERN.match(w)}
    assert not stray, sorted(stray)


def test_english_page_has_no_japanese(pages):
    assert not JAPANESE.findall(_visible(pages["en"]) + pages["en"])


@pytest.mark.parametrize("lang,word", [("ja", "研修時間"), ("en", "Invalid class length")])
@pytest.mark.parametrize("value", ["45", "abc"])
def test_cli_bad_minutes_is_an_input_error(tmp_path, lang, word, value):
    out = tmp_path / "guide.html"
    result = CliRunner().invoke(app, ["guide", "--lang", lang, "--minutes", value, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert word in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_cli_writes_the_guide(tmp_path):
    out = tmp_path / "sub" / "guide.html"
    result = CliRunner().invoke(app, ["guide", "--lang", "en", "--minutes", "180", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Agenda (180 minutes)" in out.read_text(encoding="utf-8")


def test_python_api_refuses_a_bad_length(tmp_path):
    with pytest.raises(CskitError) as caught:
        build_guide(tmp_path / "g.html", lang="en", minutes=120)
    assert caught.value.code == "guide.bad_minutes"


def test_out_is_written_atomically(tmp_path, monkeypatch):
    out = tmp_path / "guide.html"
    out.write_text("old", encoding="utf-8")
    calls = []
    monkeypatch.setattr(guide, "atomic_write", lambda path, data: calls.append(path) or Path(path))
    build_guide(out, lang="ja", minutes=90)
    assert calls == [out] and out.read_text(encoding="utf-8") == "old"

    def broken(handle):
        raise RuntimeError("killed mid-write")

    from cskit.files import atomic_write

    with pytest.raises(RuntimeError):
        atomic_write(out, broken)
    assert out.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["guide.html"]
