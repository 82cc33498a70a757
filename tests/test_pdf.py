"""``cskit report --pdf`` (cskit.report.pdf): a Japanese page printed by headless Chromium keeps its text.

One real notebook (03, the quickest) on a small sample, in Japanese, through
``build_reports(pdf=True)``; the PDF's text is read back with ``pdftotext`` (poppler-utils,
installed by ``make browser``) and must hold the team's name, a KPI label, the page
numbers of the print stylesheet, and no navigation link.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from cskit.errors import CskitError
from cskit.kpi.registry import get_kpi
from cskit.report import build_reports

from browser import chromium_or_skip

@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    chromium_or_skip()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (make browser installs poppler-utils)")
    from cskit.sample import write_sample

    root = tmp_path_factory.mktemp("pdf")
    dataset = write_sample(root / "data", accounts=120, months=14)
    result = build_reports(root / "data", root / "reports", teams="cs_smb", notebooks="03", lang="ja", jobs=1,
                           progress=False, pdf=True)
    assert result.exit_code == 0
    pdf = root / "reports" / "cs_smb" / "03_smart_targets.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return pdf, text, dataset


@pytest.mark.browser
def test_japanese_pdf_has_the_team_name_and_a_kpi_label_as_text(printed):
    pdf, text, dataset = printed
    assert pdf.read_bytes().startswith(b"%PDF-")
    from cskit.io import load_dataset

    team_name = load_dataset(pdf.parents[2] / "data").team_name("cs_smb", "ja")
    assert team_name == "SMB向けCS"  # the sample's Japanese name, written by hand
    assert team_name in text
    assert get_kpi("mrr").label("ja") == "月次経常収益（MRR）" and "月次経常収益（MRR）" in text


@pytest.mark.browser
def test_print_stylesheet_numbers_pages_puts_team_and_month_on_top_and_drops_navigation(printed):
    _, text, _ = printed
    sheets = text.split("\f")[:-1]  # pdftotext ends each page with a form feed
    assert len(sheets) >= 2
    for number, sheet in enumerate(sheets, start=1):
        assert f"{number}/{len(sheets)}" in sheet.replace(" ", "")
        assert "SMB向けCS · 03 SMART な目標 ·" in sheet
    assert "← 前" not in text and "次: " not in text and "目次" not in text and "レポート一覧" not in text


def test_pdf_without_chromium_is_an_input_error_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("CSKIT_CHROMIUM", "no-such-chromium-here")
    from cskit.sample import write_sample

    write_sample(tmp_path / "data", accounts=40, months=6)
    with pytest.raises(CskitError) as error:
        build_reports(tmp_path / "data", tmp_path / "out", teams="cs_smb", notebooks="03", lang="en", jobs=1,
                      progress=False, pdf=True)
    assert error.value.code == "report.no_chromium" and "no-such-chromium-here" in error.value.render("en")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- #
# Which pages are printed, and what a page Chromium cannot print does (no browser:
# a stand-in executable that logs each call and writes a tiny PDF, or fails for 02)
# --------------------------------------------------------------------------- #
FAKE_CHROMIUM = """#!{python}
import sys
from pathlib import Path
target = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--print-to-pdf="))
page = sys.argv[-1]
with open({log!r}, "a") as log:
    log.write(page.rsplit("/", 2)[-2] + "/" + page.rsplit("/", 1)[-1] + "\\n")
if "02_two" in page:
    sys.exit(3)
Path(target).write_bytes(b"%PDF-1.4 stand-in")
"""


def test_a_page_chromium_cannot_print_is_said_and_kept_pages_keep_their_pdf(tmp_path, monkeypatch):
    from test_reports import make_notebook, tiny_dataset

    log = tmp_path / "calls.log"
    fake = tmp_path / "fake-chromium"
    fake.write_text(FAKE_CHROMIUM.format(python=sys.executable, log=str(log)), encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("CSKIT_CHROMIUM", str(fake))
    data = tiny_dataset(tmp_path / "data", ["cs_a", "cs_b"])
    notebooks = tmp_path / "nbs"
    make_notebook(notebooks / "01_one.ipynb", 'print("ONE")')
    make_notebook(notebooks / "02_two.ipynb", 'print("TWO")')
    out = tmp_path / "reports"

    def run():
        return build_reports(data, out, lang="en", notebooks="01,02", notebooks_dir=notebooks, progress=False, jobs=2,
                             pdf=True)

    first = run()
    assert sorted(log.read_text().split()) == ["cs_a/01_one.html", "cs_a/02_two.html",
                                               "cs_b/01_one.html", "cs_b/02_two.html"]
    assert first.exit_code == 1 and {p.status for p in first.pages} == {"ok"}  # the HTML pages are fine
    assert sorted(first.pdf_failed) == ["cs_a/02_two.html", "cs_b/02_two.html"]
    assert sum("02_two.html" in w for w in first.warnings) == 2
    assert {p.stem: p.pdf for p in first.pages if p.team == "cs_a"} == {"01_one": "cs_a/01_one.pdf", "02_two": None}
    assert (out / "cs_a" / "01_one.pdf").read_bytes() == b"%PDF-1.4 stand-in"
    assert not list(out.rglob("*.tmp")) and not (out / "cs_a" / "02_two.pdf").exists()
    team_index = (out / "cs_a" / "index.html").read_text(encoding="utf-8")
    assert 'href="01_one.pdf"' in team_index and 'href="02_two.pdf"' not in team_index
    assert "02_two.html" in (out / "index.html").read_text(encoding="utf-8")  # the warning is on the site index

    log.unlink()
    second = run()  # nothing changed: only the pages without a PDF are printed again
    assert {p.status for p in second.pages} == {"up_to_date"}
    assert sorted(log.read_text().split()) == ["cs_a/02_two.html", "cs_b/02_two.html"]
    assert {p.stem: p.pdf for p in second.pages if p.team == "cs_b"} == {"01_one": "cs_b/01_one.pdf", "02_two": None}
