"""Class decks (cskit slides): the outline, the two audiences, one language each, offline, and in Chromium.

The participants' deck may be handed out: no speaker notes, no answers. The trainer's deck
has both, the answers taken from cskit.guide.answer_keys. A browser test opens every deck at
1280 x 720, walks every slide and checks that nothing overflows and that table text is at
least 20 px.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from browser import Browser, chromium_or_skip
from cskit.errors import CskitError
from cskit.guide import answer_keys, load_guide
from cskit.i18n import LANGS, t
from cskit.kpi.funnel import model_funnel
from cskit.report import build_slides
from cskit.report.render import external_references
from cskit.report.slide_blocks import ANSWER_BLOCKS, BLOCKS
from cskit.report.slides import load_outline, render_slides, reveal_assets, reveal_dir
from cskit.exercises import exercises_of, get_exercise

AUDIENCES = ("participant", "trainer")
TEAM = "cs_smb"


@pytest.fixture(scope="module")
def sample():
    from cskit.datasets import load_sample

    return load_sample()


@pytest.fixture(scope="module")
def decks(sample) -> dict[tuple[str, str], BeautifulSoup]:
    """The four decks (ja/en x participant/trainer) of the small sample, parsed."""
    return {(lang, audience): BeautifulSoup(render_slides(sample, team=TEAM, lang=lang, audience=audience), "html.parser")
            for lang in LANGS for audience in AUDIENCES}


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


def _squash(text: str) -> str:
    return " ".join(str(text).split())


# --------------------------------------------------------------------------- #
# The outline
# --------------------------------------------------------------------------- #
def _shape(outline: dict) -> list:
    """What must be equal in both languages: ids, blocks, answers, and how many bullets and notes."""
    return [(s["id"], s.get("kind"), s.get("block"), s.get("answers"), len(s.get("bullets", [])), len(s.get("notes", [])),
             "title" in s, "title_all" in s) for s in outline["slides"]]


def test_the_outline_has_the_same_structure_in_both_languages():
    ja, en = load_outline("ja"), load_outline("en")
    assert _shape(ja) == _shape(en)
    assert set(ja["labels"]) == set(en["labels"]) and set(ja["meta"]) == set(en["meta"])
    for outline in (ja, en):
        for slide in outline["slides"]:
            assert slide.get("kind") == "title" or slide["title"].strip(), slide["id"]
            assert slide.get("notes"), f"{slide['id']} has no trainer notes"
            assert slide.get("block") is None or slide["block"]["kind"] in BLOCKS
            assert slide.get("answers") is None or slide["answers"] in ANSWER_BLOCKS


def test_every_answer_key_the_outline_names_exists_in_the_guide():
    named = [s["answers"] for s in load_outline("en")["slides"] if s.get("answers")]
    assert named == ["classification", "kpi_choice", "compute"]
    assert set(named) <= set(answer_keys("en"))


def test_japanese_outline_text_is_japanese():
    """No sentence of the Japanese outline is English (names, ids and abbreviations aside)."""
    outline = load_outline("ja")
    texts = [outline["meta"]["title"], *outline["labels"].values()]
    for slide in outline["slides"]:
        texts += [slide.get("title", ""), *slide.get("bullets", []), *slide.get("notes", [])]
    for text in filter(None, texts):
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), text
        assert not re.search(r"\b(?:the|and|of|to|is)\b", text), text


# --------------------------------------------------------------------------- #
# Two audiences
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("lang", LANGS)
def test_the_participant_deck_has_no_notes_and_no_answers(decks, lang):
    soup = decks[lang, "participant"]
    text = _text(soup)
    assert soup.select("aside.notes") == [] and soup.select("section.answers-slide") == []
    assert "RevealNotes" not in str(soup)
    keys = answer_keys(lang)
    for row in keys["compute"]:
        assert _squash(row["working"]) not in text, row["id"]
    for prompt in load_guide(lang)["notebooks"][0]["prompts"]:
        assert _squash(prompt["expected"]) not in text
    for slide in load_outline(lang)["slides"]:
        for note in slide["notes"]:
            assert _squash(note) not in text
    # the first worked example's answer, 1 - 0.92 ** 12 = 63.2 %, is nowhere
    assert f"{1 - 0.92 ** 12:.1%}" == "63.2%" and "63.2%" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_trainer_deck_has_every_note_and_every_answer_key(decks, lang):
    soup = decks[lang, "trainer"]
    outline = load_outline(lang)
    sections = {s["id"]: s for s in soup.select("div.slides > section")}
    for slide in outline["slides"]:
        notes = _text(sections[slide["id"]].select_one("aside.notes"))
        assert all(_squash(note) in notes for note in slide["notes"]), slide["id"]
    answers = soup.select("section.answers-slide")
    assert [s["id"] for s in answers] == [f"{s['id']}-answers" for s in outline["slides"] if s.get("answers")]
    keys = answer_keys(lang)
    roles = [[c.get_text(strip=True) for c in row.select("td")][-1] for row in answers[0].select("tbody tr")]
    assert roles == [row["answer"] for row in keys["classification"]]
    kpi_text = _text(answers[1])
    assert all(row["answer"] in kpi_text and all(a in kpi_text for a in row["accept"]) for row in keys["kpi_choice"])
    rows = [[c.get_text(strip=True) for c in tr.select("td")] for tr in answers[2].select("tbody tr")]
    assert rows[0][:2] == ["3", "63.2%"]  # exercise 3 of notebook 01: 1 - 0.92 ** 12, by hand
    assert [r[1] for r in rows] == [row["answer"] for row in keys["compute"]]
    # the discussion's expected answers come from the guide, in the notes only
    discussion = _text(sections["discussion"].select_one("aside.notes"))
    assert all(_squash(p["expected"]) in discussion for p in load_guide(lang)["notebooks"][0]["prompts"])
    assert "plugins: [RevealNotes]" in str(soup)


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("lang", LANGS)
def test_both_decks_show_the_exercise_questions(decks, lang, audience):
    text = _text(decks[lang, audience])
    for exercise_id in ("classify_activities", "pick_kpi"):
        assert all(_squash(item.text) in text for item in get_exercise(exercise_id, lang).items)
    assert all(_squash(e.question) in text for e in exercises_of("01", lang) if e.kind == "number")
    assert "c01" not in text and "a01" not in text  # never an internal id where a learner reads


@pytest.mark.parametrize("lang", LANGS)
def test_the_decks_have_12_to_18_slides(decks, lang):
    counts = {audience: len(decks[lang, audience].select("div.slides > section")) for audience in AUDIENCES}
    assert counts["participant"] == len(load_outline(lang)["slides"])
    assert counts["trainer"] == counts["participant"] + 3
    assert 12 <= counts["participant"] and counts["trainer"] <= 18


# --------------------------------------------------------------------------- #
# Language, data, offline
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("lang", LANGS)
def test_a_deck_speaks_one_language(decks, lang):
    soup = decks[lang, "participant"]
    assert soup.html["lang"] == lang
    other = load_outline("en" if lang == "ja" else "ja")
    text = _text(soup)
    assert load_outline(lang)["meta"]["title"] in text and other["meta"]["title"] not in text
    assert not any(_squash(s["title"]) in text for s in other["slides"] if s.get("title"))


@pytest.mark.parametrize("lang", LANGS)
def test_the_funnel_slides_show_the_teams_counts(decks, sample, lang):
    soup = decks[lang, "participant"]
    company = model_funnel(sample, "all")
    team = model_funnel(sample, TEAM)
    table = soup.select_one("section#funnel_table table")
    header = [th.get_text(strip=True) for th in table.select("thead th")]
    body = [[td.get_text(strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
    for funnel, name in ((team, sample.team_name(TEAM, lang)), (company, sample.team_name("all", lang))):
        column = header.index(t("roles.funnel.col_count", lang, team=name))
        assert [row[column] for row in body] == ["—" if c != c else f"{c:,.0f}" for c in funnel["count"]]
    image = soup.select_one("section#funnel_chart img")
    assert image["src"].startswith("data:image/png;base64,")
    assert image["alt"] == " / ".join(t("roles.funnel.title", lang, team=sample.team_name(x, lang)) for x in (TEAM, "all"))


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_deck_fetches_nothing(decks, audience):
    html = str(decks["en", audience])
    assert external_references(html) == []
    assert not re.search(r"<script[^>]*\bsrc=", html, re.I)
    assert not re.search(r"<link[^>]*rel=[\"']?stylesheet", html, re.I)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    csp = decks["en", audience].select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    assert csp.startswith("default-src 'none'") and "connect-src" not in csp
    assert ("frame-src 'self'" in csp) == (audience == "trainer")  # the speaker view frames the deck itself
    images = decks["en", audience].select("img")
    assert len(images) == 3 and all(i["src"].startswith("data:image/png") and i["alt"] for i in images)


def test_as_of_cuts_the_data_at_that_month(sample):
    soup = BeautifulSoup(render_slides(sample, team=TEAM, lang="en", as_of="2024-12"), "html.parser")
    assert "2024-12" in _text(soup.select_one("section#title .window"))
    caption = _text(soup.select_one("section#funnel_table caption"))
    assert caption == t("roles.funnel.window", "en", start=sample.months[0], end="2024-12", until="2024-12")


def test_bad_input_is_refused_before_anything_is_written(tmp_path, sample):
    out = tmp_path / "deck.html"
    for options in ({"team": "nobody"}, {"audience": "new_hire"}, {"as_of": "2031-01"}, {"theme": "nope"},
                    {"lang": "fr"}):
        with pytest.raises(CskitError):
            build_slides(sample, out, **options)
    with pytest.raises(TypeError):
        build_slides(sample, out, TEAM)  # everything after the file is a keyword
    assert not out.exists()


def test_reveal_js_comes_from_an_installed_package():
    assert (reveal_dir() / "dist" / "reveal.js").is_file()
    assets = reveal_assets()
    assert "@import" not in assets["theme_css"]
    assert "</script" not in assets["reveal_js"].lower() and "</script" not in assets["notes_js"].lower()


def test_cli_slides_writes_the_chosen_audience(tmp_path, sample_dir):
    from typer.testing import CliRunner

    from cskit.cli import app

    runner = CliRunner()
    for audience, notes in (("participant", False), ("trainer", True)):
        out = tmp_path / f"{audience}.html"
        args = ["slides", "--data", str(sample_dir), "--team", TEAM, "--lang", "ja", "--out", str(out)]
        result = runner.invoke(app, args + ([] if audience == "participant" else ["--audience", "trainer"]))
        assert result.exit_code == 0, result.output
        page = out.read_text(encoding="utf-8")
        assert str(out) in result.output and '<html lang="ja">' in page
        assert ('<aside class="notes">' in page) == notes
    bad = runner.invoke(app, ["slides", "--data", str(sample_dir), "--audience", "boss", "--lang", "en",
                              "--out", str(tmp_path / "x.html")])
    assert bad.exit_code == 2 and "participant | trainer" in bad.output and "Traceback" not in bad.output
    unknown = runner.invoke(app, ["slides", "--data", str(sample_dir), "--team", "nobody", "--lang", "en",
                                  "--out", str(tmp_path / "x.html")])
    assert unknown.exit_code == 2 and "nobody" in unknown.output
    assert not (tmp_path / "x.html").exists()


# --------------------------------------------------------------------------- #
# Every slide in a real browser at 1280 x 720
# --------------------------------------------------------------------------- #
#: For each slide: does its content reach past the slide's box, and the smallest table text.
MEASURE = """
(() => {
  const measure = (s) => {
    const box = s.getBoundingClientRect();
    const inside = [...s.querySelectorAll('*')].filter(e => !e.closest('aside.notes')).every(e => {
      const r = e.getBoundingClientRect();
      return r.bottom <= box.bottom + 1 && r.right <= box.right + 1 && r.left >= box.left - 1;
    });
    const fonts = [...s.querySelectorAll('table td, table th')].map(c => parseFloat(getComputedStyle(c).fontSize));
    return {id: s.id, overflow: s.scrollHeight > s.clientHeight + 1 || s.scrollWidth > s.clientWidth + 1 || !inside,
            height: s.clientHeight, width: s.clientWidth, minTableFont: fonts.length ? Math.min(...fonts) : null,
            brokenImages: [...s.querySelectorAll('img')].filter(i => !i.complete || i.naturalWidth === 0).length};
  };
  window.cskitMeasure = measure;
  Reveal.configure({transition: 'none', backgroundTransition: 'none'});
  const out = Reveal.getSlides().map((s, i) => { Reveal.slide(i); return measure(s); });
  Reveal.slide(0);
  return out;
})()
"""

#: The check above catches an overflow: slide 2 with ten more bullets than it has room for is flagged.
OVERFLOWED = """
(() => {
  const s = Reveal.getSlides()[1];
  Reveal.slide(1);
  const list = s.querySelector('ul.bullets');
  const extra = [...Array(10)].map(() => list.appendChild(list.firstElementChild.cloneNode(true)));
  const flagged = window.cskitMeasure(s).overflow;
  extra.forEach(e => e.remove());
  return [flagged, window.cskitMeasure(s).overflow];
})()
"""

#: Slides photographed for a look: the title, the funnel, an exercise and its answers.
SHOTS = ("title", "model", "funnel_chart", "nrr", "exercise_numbers", "exercise_numbers-answers")


def _speaker_notes(browser: Browser, timeout: float = 30) -> str:
    """Open reveal.js's speaker view (key S) and return the notes it shows."""
    browser.call("Runtime.evaluate", session=True, expression="Reveal.slide(1); Reveal.getPlugin('notes').open()",
                 userGesture=True)
    deadline = time.monotonic() + timeout
    main = browser.session
    while time.monotonic() < deadline:
        views = [x for x in browser.call("Target.getTargets")["targetInfos"] if x.get("title") == "reveal.js - Speaker View"]
        if views:
            browser.session = browser.call("Target.attachToTarget", targetId=views[0]["targetId"], flatten=True)["sessionId"]
            try:
                text = browser.evaluate("(document.querySelector('.speaker-controls-notes') || {}).innerText || ''")
            finally:
                browser.session = main
            if len(text) > 40:
                return text
        time.sleep(0.5)
    return ""


@pytest.mark.browser
def test_every_slide_fits_at_1280_by_720_in_chromium(tmp_path, sample_dir):
    chromium = chromium_or_skip()
    from cskit.io import load_dataset

    data = load_dataset(sample_dir)
    pages = {(lang, audience): build_slides(data, tmp_path / f"slides.{audience}.{lang}.html", team=TEAM, lang=lang,
                                            audience=audience)
             for lang in LANGS for audience in AUDIENCES}
    browser = Browser(chromium, tmp_path / "profile")
    try:
        browser.viewport(1280, 720)
        for (lang, audience), page in pages.items():
            facts = browser.open(page.as_uri(), tmp_path / f"first.{audience}.{lang}.png")
            assert facts["errors"] == [] and facts["requests"] == [], (page.name, facts["errors"], facts["requests"])
            assert facts["lang"] == lang
            slides = browser.evaluate(MEASURE)
            assert len(slides) == len(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
                                      .select("div.slides > section"))
            for slide in slides:
                assert (slide["height"], slide["width"]) == (720, 1280), slide
                assert not slide["overflow"], (page.name, slide)
                assert slide["brokenImages"] == 0, (page.name, slide)
                assert slide["minTableFont"] is None or slide["minTableFont"] >= 20, (page.name, slide)
            ids = [s["id"] for s in slides]
            for name in SHOTS:
                if name in ids:
                    browser.evaluate(f"Reveal.slide({ids.index(name)})")
                    time.sleep(0.2)
                    browser.screenshot(tmp_path / f"shot.{audience}.{lang}.{name}.png")
            assert browser.evaluate(OVERFLOWED) == [True, False]
            if audience == "trainer":
                notes = _speaker_notes(browser)
                assert load_outline(lang)["slides"][1]["notes"][0] in notes, notes[:200]
    finally:
        browser.close()
    shots = sorted(tmp_path.glob("shot.*.png"))  # kept in tmp_path, to look at
    assert len(shots) == 4 * len(SHOTS) - 2 and all(p.stat().st_size > 10_000 for p in shots)
