"""``cskit report --pdf`` (cskit.report.pdf): a Japanese page printed by headless Chromium keeps its text.

One real notebook (03, the quickest) on a small sample, in Japanese, through
``build_reports(pdf=True)``; the PDF's text is read back with ``pdftotext`` (poppler-utils,
installed by ``make browser``) and must hold the team's name, a KPI label, the page
numbers of the print stylesheet, and no navigation link.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest

from cskit.errors import CskitError
from cskit.kpi.registry import get_kpi
from cskit.report import build_reports

from browser import chromium_or_skip

pytestmark = pytest.mark.browser


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


def test_japanese_pdf_has_the_team_name_and_a_kpi_label_as_text(printed):
    pdf, text, dataset = printed
    assert pdf.read_bytes().startswith(b"%PDF-")
    from cskit.io import load_dataset

    team_name = load_dataset(pdf.parents[2] / "data").team_name("cs_smb", "ja")
    assert team_name == "SMB向けCS"  # the sample's Japanese name, written by hand
    assert team_name in text
    assert get_kpi("mrr").label("ja") == "月次経常収益（MRR）" and "月次経常収益（MRR）" in text


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
