"""What a team's report pages may show (issue #17, items 7 and 8).

Per-team pages go to people who may not see other teams' customers: a team's pages
show company-wide aggregates and that team's own accounts, never an account id or
name of another team. A team owns the accounts of ``accounts.team``, a sales team
those of ``accounts.sales_team`` (:meth:`cskit.dataset.Dataset.account_team_column`).
The company page ("all") may name any account.

One render of the sample (every team, notebooks 01-04, Japanese) serves every test
marked ``notebooks`` here; the scanner itself is tested on planted pages first, so a
scan that finds nothing means nothing was there.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from cskit.files import slugify
from cskit.report import build_reports

#: Inline images (figures are PNG data URIs): their base64 text is not page text and
#: holds random letter runs such as "A123456".
_DATA_URI = re.compile(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+")
_TAG = re.compile(r"<[^>]+>")


def page_text(page: str) -> str:
    """The text a reader can see or copy: markup and inline images removed, entities decoded."""
    return html.unescape(_TAG.sub(" ", _DATA_URI.sub("", page)))


def foreign_accounts(page: str, accounts: pd.DataFrame, own: set[str]) -> list[str]:
    """Ids and names of the accounts outside ``own`` that ``page`` (HTML) shows."""
    text = page_text(page)
    others = accounts[~accounts["account_id"].isin(own)]
    shown = [a for a in others["account_id"].astype(str) if a in text]
    shown += [n for n in others["account_name"].dropna().astype(str) if n and n in text]
    return shown


# --------------------------------------------------------------------------- #
# The scanner finds what is there, and only that
# --------------------------------------------------------------------------- #
ACCOUNTS = pd.DataFrame({"account_id": ["A000001", "A000002", "A000003"],
                         "account_name": ["青葉商事株式会社", "Smith & Sons", "旭運輸"]})


def test_scanner_finds_another_teams_id_and_escaped_name():
    page = ("<table><tr><td>A000001</td><td>青葉商事株式会社</td></tr>"
            "<tr><td>A000002</td><td>Smith &amp; Sons</td></tr></table>")
    assert foreign_accounts(page, ACCOUNTS, own={"A000001"}) == ["A000002", "Smith & Sons"]
    assert foreign_accounts(page, ACCOUNTS, own={"A000001", "A000002"}) == []


def test_scanner_ignores_inline_images_but_not_text_after_them():
    image = '<img src="data:image/png;base64,iVBORA000003xyz+/=="/>'
    assert foreign_accounts(image, ACCOUNTS, own=set()) == []
    assert foreign_accounts(image + "<p>旭運輸</p>", ACCOUNTS, own=set()) == ["旭運輸"]


# --------------------------------------------------------------------------- #
# Every team's pages of the sample
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def sample_site(tmp_path_factory, sample_dir):
    out = tmp_path_factory.mktemp("team_pages") / "reports"
    result = build_reports(sample_dir, out, teams="all", notebooks="01,02,03,04", lang="ja", jobs=2, progress=False)
    assert result.exit_code == 0, [p.error for p in result.failed]
    return out, result


@pytest.mark.notebooks
def test_no_team_page_shows_another_teams_accounts(sample_site, sample_dataset):
    out, result = sample_site
    accounts = sample_dataset.tables["accounts"]
    leaks, scanned, own_shown = {}, 0, 0
    for team in sorted({page.team for page in result.pages}):
        own = set(sample_dataset.account_ids(team).astype(str))
        for page in sorted((out / slugify(team)).glob("*.html")):
            text = page.read_text(encoding="utf-8")
            scanned += 1
            own_shown += sum(a in page_text(text) for a in own)
            if found := foreign_accounts(text, accounts, own):
                leaks[f"{team}/{page.name}"] = found[:5]
    assert leaks == {}
    # every team's index and its notebooks were scanned, and the pages do list accounts
    # (their own red-band and movement rows), so an empty scan is not an empty page
    assert scanned == len(result.pages) + len({page.team for page in result.pages})
    assert own_shown > 0


# --------------------------------------------------------------------------- #
# Index numbers are the pages' numbers (item 8)
# --------------------------------------------------------------------------- #
@pytest.mark.notebooks
def test_index_headline_is_what_notebook_02_recorded(sample_site, sample_dataset):
    import json

    from cskit.report.site import headline_kpis

    out, result = sample_site
    manifest = {tm["team"]: tm["headline"] for tm in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["teams"]}
    recorded = {page.team: page.headline for page in result.pages if page.number == "02"}
    assert set(recorded) == set(manifest) and all(rows for rows in recorded.values() if rows is not None)
    # the report's own computation (used when notebook 02 did not run) is an independent route
    computed = headline_kpis(sample_dataset, sorted(recorded), None, "ja")
    for team, rows in recorded.items():
        assert rows is not None, team
        assert manifest[team] == rows, team
        assert [(r["kpi"], r["value"]) for r in rows] == [(r["kpi"], r["value"]) for r in computed[team]], team
        assert [r["raw"] for r in rows] == pytest.approx([r["raw"] for r in computed[team]], nan_ok=True), team
        index = page_text((out / slugify(team) / "index.html").read_text(encoding="utf-8"))
        page = page_text((out / slugify(team) / "02_kpi_calculation.html").read_text(encoding="utf-8"))
        for row in rows:
            assert row["value"] in index, (team, row)
            assert row["value"] in page, (team, row)
