"""Report page navigation (cskit.report.render, plan): table of contents, previous/next, other language, dates.

Tiny notebooks (two headings each) on a one-team dataset, rendered in Japanese then in
English side by side (``out/ja``, ``out/en``); nothing here needs a script in the page.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from cskit.dates import format_datetime, format_month
from cskit.report import build_reports
from cskit.report.render import CSP, table_of_contents

from test_reports import csp_of, make_notebook, tiny_dataset


def notebook_with_headings(path: Path, ja: list[str], en: list[str]) -> Path:
    """``make_notebook`` plus one ja and one en markdown cell holding ``##``/``###`` headings."""
    make_notebook(path)
    nb = nbformat.read(path, as_version=4)
    for lang, headings in (("ja", ja), ("en", en)):
        cell = nbformat.v4.new_markdown_cell("\n\n".join(headings))
        cell.metadata["tags"] = [f"lang-{lang}"]
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def both_languages(tmp_path_factory):
    root = tmp_path_factory.mktemp("nav")
    data = tiny_dataset(root / "data", ["cs_a"])
    notebooks = root / "nbs"
    notebook_with_headings(notebooks / "02_first.ipynb", ["## 売上の推移", "### 解約 & 縮小"], ["## Revenue", "### Churn & contraction"])
    notebook_with_headings(notebooks / "03_second.ipynb", ["## 目標"], ["## Targets"])
    for lang in ("ja", "en"):
        result = build_reports(data, root / "out" / lang, lang=lang, as_of="2024-02", notebooks="2,3",
                               notebooks_dir=notebooks, progress=False, jobs=1)
        assert result.exit_code == 0
    return root / "out"


def page(out: Path, lang: str, stem: str) -> str:
    return (out / lang / "cs_a" / f"{stem}.html").read_text(encoding="utf-8")


def links(html: str, rel: str) -> list[tuple[str, str, str]]:
    """``(rel, href, text)`` of the header's links whose rel matches ``rel`` (attributes in any order)."""
    nav = re.search(r'<nav class="cskit-nav">.*?</nav>', html, re.S).group(0)
    found = []
    for attrs, text in re.findall(r"<a ([^>]*)>([^<]*)</a>", nav):
        got = dict(re.findall(r'(\w+)="([^"]*)"', attrs))
        if re.fullmatch(rel, got.get("rel", "")):
            found.append((got["rel"], got["href"], text))
    return found


def toc_links(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="cskit-toc".*?</nav>', html, re.S).group(0)
    return re.findall(r'<li class="toc-h\d"><a href="([^"]+)">([^<]+)</a>', nav)


def test_table_of_contents_lists_the_pages_headings_in_order_and_each_anchor_exists(both_languages):
    html = page(both_languages, "en", "02_first")
    links = toc_links(html)
    assert [text for _, text in links] == ["Revenue", "Churn &amp; contraction"]
    for href, _ in links:
        assert f'id="{href[1:]}"' in html  # the anchor nbconvert gave the heading
    assert [text for _, text in toc_links(page(both_languages, "ja", "02_first"))] == ["売上の推移", "解約 &amp; 縮小"]
    assert ">目次<" in page(both_languages, "ja", "02_first")


def test_navigation_needs_no_script_and_the_csp_is_unchanged(both_languages):
    for lang in ("ja", "en"):
        html = page(both_languages, lang, "02_first")
        assert "<script" not in html.lower() and csp_of(html) == CSP


def test_previous_and_next_link_the_teams_notebooks_in_order(both_languages):
    first, second = page(both_languages, "en", "02_first"), page(both_languages, "en", "03_second")
    assert links(first, "prev|next") == [("next", "03_second.html", "Next: 03 SMART targets →")]
    assert links(second, "prev|next") == [("prev", "02_first.html", "← Previous: 02 KPI calculation")]
    assert links(page(both_languages, "ja", "03_second"), "prev") == [("prev", "02_first.html", "← 前: 02 KPI の計算")]


def test_other_language_link_only_when_that_page_was_rendered(both_languages):
    # ja was rendered first (no en page yet): no link; en was rendered second: links to the ja page, which exists
    assert 'rel="alternate"' not in page(both_languages, "ja", "02_first")
    english = page(both_languages, "en", "02_first")
    [(_, href, text)] = links(english, "alternate")
    assert (href, text) == ("../../ja/cs_a/02_first.html", "Japanese version") and 'hreflang="ja"' in english
    assert (both_languages / "en" / "cs_a" / href).resolve().is_file()


def test_dates_are_shown_in_local_form_not_iso(both_languages):
    assert "2024年2月" in page(both_languages, "ja", "02_first")
    assert "Feb 2024" in page(both_languages, "en", "02_first")
    index = (both_languages / "en" / "index.html").read_text(encoding="utf-8")
    assert "As of Feb 2024" in index and not re.search(r"created \d{4}-\d\d-\d\dT", index)


def test_month_and_time_forms():
    assert format_month("2024-02", "ja") == "2024年2月" and format_month("2024-12", "en") == "Dec 2024"
    assert format_datetime("2024-02-03T04:05:06+09:00", "ja") == "2024年2月3日 04:05"
    assert format_datetime("2024-02-03T16:05:06+00:00", "en") == "3 Feb 2024, 16:05"


def test_table_of_contents_escapes_heading_text_and_is_empty_without_headings():
    assert table_of_contents("<p>x</p>", "Contents") == ""
    nav = table_of_contents('<h3 id="a&lt;b">&lt;script&gt;<a class="anchor-link" href="#a&lt;b">¶</a></h3>', "Contents")
    assert "<script>" not in nav and "&lt;script&gt;" in nav and "¶" not in nav


def test_a_page_gains_the_other_language_link_on_its_next_run_and_is_then_up_to_date(tmp_path):
    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    notebooks = tmp_path / "nbs"
    notebook_with_headings(notebooks / "02_first.ipynb", ["## 売上"], ["## Revenue"])

    def run(lang):
        result = build_reports(data, tmp_path / "out" / lang, lang=lang, notebooks="2", notebooks_dir=notebooks,
                               progress=False, jobs=1)
        return [p.status for p in result.pages]

    assert run("ja") == ["ok"] and run("en") == ["ok"]
    assert 'rel="alternate"' not in page(tmp_path / "out", "ja", "02_first")
    assert run("ja") == ["ok"]  # the English page now exists: the navigation changed, so the page is rendered again
    assert links(page(tmp_path / "out", "ja", "02_first"), "alternate")[0][1] == "../../en/cs_a/02_first.html"
    assert run("ja") == ["up_to_date"] and run("en") == ["up_to_date"]


def test_a_cell_ending_with_a_heading_is_printed_with_the_cell_after_it(tmp_path):
    """Print keeps a wrapper whole (report.css .cskit-keep): the heading never ends a sheet alone."""
    from html.parser import HTMLParser

    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    path = make_notebook(tmp_path / "nbs" / "02_first.ipynb")
    nb = nbformat.read(path, as_version=4)
    for lang, text in (("ja", "前置き\n\n## 表の見出し"), ("en", "Intro\n\n## Table heading")):
        cell = nbformat.v4.new_markdown_cell(text)
        cell.metadata["tags"] = [f"lang-{lang}"]
        nb.cells.append(cell)
    nb.cells.append(nbformat.v4.new_code_cell('print("THE TABLE")'))
    nb.cells.append(nbformat.v4.new_markdown_cell("## 最後の見出し"))  # the last cell: nothing to keep it with
    nbformat.write(nb, path)
    build_reports(data, tmp_path / "out", lang="ja", notebooks="2", notebooks_dir=path.parent, progress=False, jobs=1)
    page = (tmp_path / "out" / "cs_a" / "02_first.html").read_text(encoding="utf-8")

    class Depth(HTMLParser):  # the wrapper holds the heading's cell and the next one, and closes
        def __init__(self):
            super().__init__()
            self.stack, self.kept = [], []

        def handle_starttag(self, tag, attrs):
            if tag == "div":
                self.stack.append(dict(attrs).get("class") == "cskit-keep")

        def handle_endtag(self, tag):
            if tag == "div":
                self.stack.pop()

        def handle_data(self, text):
            if any(self.stack) and text.strip():
                self.kept.append(text.strip())

    parser = Depth()
    parser.feed(page)
    assert parser.stack == []
    assert page.count('class="cskit-keep"') == 1
    assert "表の見出し" in parser.kept and "THE TABLE" in parser.kept
    assert "前置き" in parser.kept and "最後の見出し" not in parser.kept
