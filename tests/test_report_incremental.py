"""Incremental report runs (cskit.report.freshness): a page is rendered again only when
something it was made from changed -- the data's contents, its notebook, its parameters,
the versions -- and a killed run never leaves a page that the manifest calls up to date
but that was made from other data.

Tiny notebooks print a number computed from ``mrr.csv``, so a test can read from each
page which data it was made from.
"""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from cskit.report import build_reports
from cskit.report import build as build_module
from cskit.report.freshness import file_sha256

from test_reports import make_notebook, tiny_dataset

MRR_SUM = 'import pandas as pd\nprint("MRR_SUM=%d" % pd.read_csv(data_dir + "/mrr.csv")["mrr"].sum())'
TEAMS = ["cs_a", "cs_b"]


def run(data, out, notebooks, **options):
    options.setdefault("jobs", 2)
    return build_reports(data, out, lang="en", notebooks="01,02", notebooks_dir=notebooks, progress=False, **options)


def statuses(result) -> dict[tuple[str, str], str]:
    return {(page.team, page.stem): page.status for page in result.pages}


def page_text(out: Path, team: str, stem: str) -> str:
    return (out / team / f"{stem}.html").read_text(encoding="utf-8")


def set_first_mrr(data: Path, value: int, row: int = 0) -> None:
    """Change one value of mrr.csv (the first row's mrr; ``row=-1``: the last row's)."""
    path = data / "mrr.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[row]["mrr"] = str(value)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def site(tmp_path):
    """Two teams, notebooks 01 and 02, rendered once: (data, out, notebooks)."""
    data = tiny_dataset(tmp_path / "data", TEAMS)  # mrr: a0 100 x 3 months, a1 101 x 3 months -> 603
    notebooks = tmp_path / "nbs"
    make_notebook(notebooks / "01_one.ipynb", MRR_SUM)
    make_notebook(notebooks / "02_two.ipynb", MRR_SUM, 'print("SECOND")')
    out = tmp_path / "reports"
    first = run(data, out, notebooks)
    assert first.exit_code == 0, [p.error for p in first.pages]
    assert set(statuses(first).values()) == {"ok"}
    assert "MRR_SUM=603" in page_text(out, "cs_a", "01_one")
    return data, out, notebooks


def manifest_of(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def assert_consistent(out: Path) -> None:
    """Every current page of the manifest is on disk with the bytes the manifest recorded."""
    for page in manifest_of(out)["pages"]:
        if page["status"] in ("ok", "up_to_date"):
            assert file_sha256(out / page["html"]) == page["html_sha256"], page["html"]


def test_an_unchanged_second_run_renders_nothing_and_exits_0(site):
    data, out, notebooks = site
    before = {path: path.read_bytes() for path in out.glob("*/0*.html")}
    os.utime(data / "mrr.csv", (1, 1))  # a new timestamp is not a change: contents decide
    second = run(data, out, notebooks)
    assert second.exit_code == 0
    assert set(statuses(second).values()) == {"up_to_date"}
    assert second.rendered == [] and len(second.succeeded) == 4
    assert {path: path.read_bytes() for path in out.glob("*/0*.html")} == before
    assert [p["status"] for p in manifest_of(out)["pages"]] == ["up_to_date"] * 4
    assert "up to date" in (out / "cs_a" / "index.html").read_text(encoding="utf-8")
    assert "No headline KPI changed since the last run." in (out / "index.html").read_text(encoding="utf-8")
    assert_consistent(out)


def test_cli_says_up_to_date_and_exits_0_then_force_renders_everything(site):
    from typer.testing import CliRunner

    from cskit import cli

    data, out, notebooks = site
    common = ["report", "--data", str(data), "--out", str(out), "--lang", "en", "--notebooks", "01,02",
              "--notebooks-dir", str(notebooks), "--jobs", "2"]
    unchanged = CliRunner().invoke(cli.app, common)
    assert unchanged.exit_code == 0, unchanged.output
    assert "0 rendered, 4 up to date, 0 failed" in unchanged.output
    forced = CliRunner().invoke(cli.app, [*common, "--force"])
    assert forced.exit_code == 0, forced.output
    assert "4 rendered, 0 up to date, 0 failed" in forced.output
    assert set(p["status"] for p in manifest_of(out)["pages"]) == {"ok"}


def test_one_changed_mrr_value_renders_every_page_that_reads_the_data_again(site):
    data, out, notebooks = site
    set_first_mrr(data, 1100)  # 603 - 100 + 1100 = 1603
    second = run(data, out, notebooks)
    assert second.exit_code == 0
    assert set(statuses(second).values()) == {"ok"}  # every page reads the whole dataset
    for team in TEAMS:
        for stem in ("01_one", "02_two"):
            assert "MRR_SUM=1603" in page_text(out, team, stem)
    assert manifest_of(out)["data"]["fingerprint"] != ""
    third = run(data, out, notebooks)
    assert set(statuses(third).values()) == {"up_to_date"}
    assert_consistent(out)


def test_a_changed_notebook_renders_its_own_pages_only(site):
    data, out, notebooks = site
    untouched = page_text(out, "cs_a", "01_one")
    make_notebook(notebooks / "02_two.ipynb", MRR_SUM, 'print("SECOND, EDITED")')
    second = run(data, out, notebooks)
    assert statuses(second) == {("cs_a", "01_one"): "up_to_date", ("cs_a", "02_two"): "ok",
                                ("cs_b", "01_one"): "up_to_date", ("cs_b", "02_two"): "ok"}
    assert "SECOND, EDITED" in page_text(out, "cs_b", "02_two")
    assert page_text(out, "cs_a", "01_one") == untouched
    assert_consistent(out)


def test_other_parameters_or_an_edited_page_are_rendered_again(site):
    data, out, notebooks = site
    other_month = run(data, out, notebooks, as_of="2024-02")  # a parameter the notebooks receive
    assert set(statuses(other_month).values()) == {"ok"}
    (out / "cs_b" / "01_one.html").write_text("EDITED BY HAND", encoding="utf-8")
    (out / "cs_a" / "02_two.html").unlink()
    again = run(data, out, notebooks, as_of="2024-02")
    assert statuses(again) == {("cs_a", "01_one"): "up_to_date", ("cs_a", "02_two"): "ok",
                               ("cs_b", "01_one"): "ok", ("cs_b", "02_two"): "up_to_date"}
    assert "MRR_SUM=603" in page_text(out, "cs_b", "01_one")
    assert_consistent(out)


def test_a_killed_run_then_a_normal_run_leaves_a_consistent_site(site, monkeypatch):
    data, out, notebooks = site
    set_first_mrr(data, 1100)

    def killed(*args, **kwargs):  # the run dies after writing its pages, before its manifest
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(build_module, "write_manifest", killed)
        with pytest.raises(KeyboardInterrupt):
            run(data, out, notebooks)
    assert "MRR_SUM=1603" in page_text(out, "cs_a", "01_one")  # pages of the killed run are on disk
    assert not list(out.rglob("*.tmp"))

    set_first_mrr(data, 100)  # back to the data of the last manifest: its keys match again
    normal = run(data, out, notebooks)
    assert normal.exit_code == 0
    # the pages on disk are not those the manifest recorded: rendered again from the current data
    assert set(statuses(normal).values()) == {"ok"}
    for team in TEAMS:
        for stem in ("01_one", "02_two"):
            assert "MRR_SUM=603" in page_text(out, team, stem)
    assert_consistent(out)


# --------------------------------------------------------------------------- #
# Run history and what changed (cskit.report.history)
# --------------------------------------------------------------------------- #
def test_runs_are_kept_bounded_and_the_team_index_compares_with_the_last_run(site):
    data, out, notebooks = site
    before = {entry["team"]: {k["kpi"]: k["raw"] for k in entry["headline"]} for entry in manifest_of(out)["teams"]}
    set_first_mrr(data, 1100, row=-1)  # cs_b's account in the last month: 101 -> 1100
    run(data, out, notebooks, keep_runs=2)
    set_first_mrr(data, 1300, row=-1)  # then 1100 -> 1300
    run(data, out, notebooks, keep_runs=2)
    kept = sorted((out / "runs").glob("*.json"))
    assert len(kept) == 2  # three runs, the oldest removed
    assert json.loads(kept[-1].read_text(encoding="utf-8")) == manifest_of(out)
    previous = {entry["team"]: {k["kpi"]: k["raw"] for k in entry["headline"]}
                for entry in json.loads(kept[0].read_text(encoding="utf-8"))["teams"]}
    assert previous["cs_b"]["mrr"] == 1100 and before["cs_b"]["mrr"] == 101  # the second run's, not the first's
    compared = {entry["team"]: entry["compared"] for entry in manifest_of(out)["teams"]}
    moved = 0
    for team in TEAMS:
        for row in compared[team]:
            assert row["previous_raw"] == previous[team][row["kpi"]]
            if row["raw"] is not None and row["previous_raw"] is not None:
                assert row["change_raw"] == pytest.approx(row["raw"] - row["previous_raw"])
                assert row["arrow"] == ("↑" if row["change_raw"] > 0 else "↓" if row["change_raw"] < 0 else "→")
                moved += row["change_raw"] != 0
    mrr_b = next(row for row in compared["cs_b"] if row["kpi"] == "mrr")
    assert (mrr_b["raw"], mrr_b["previous_raw"], mrr_b["change_raw"], mrr_b["arrow"]) == (1300, 1100, 200, "↑")
    assert (mrr_b["change"], mrr_b["previous"]) == ("+¥200", "¥1,100")
    assert moved == 1  # only cs_b's MRR moved (churn stays 0, NRR 12m has no value over 3 months)
    team_index = (out / "cs_b" / "index.html").read_text(encoding="utf-8")
    assert "↑ +¥200 (last run ¥1,100)" in team_index
    assert "→ same as last run" in team_index  # cs_b's logo churn stayed 0.0%: no "+0.0pt" noise
    moved_list = (out / "index.html").read_text(encoding="utf-8").split('<ul class="cskit-moved">', 1)[1].split("</ul>")[0]
    assert "cs_b/index.html" in moved_list and "cs_a/" not in moved_list and "+18.2%" in moved_list
    assert not manifest_of(out)["definitions_changed"]


def test_a_definition_change_is_told_apart_from_a_data_change(site):
    data, out, notebooks = site
    manifest = manifest_of(out)
    manifest["definitions_key"] = "sha256:another-cskit-or-registry"
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    run(data, out, notebooks)
    assert manifest_of(out)["definitions_changed"] is True
    assert "a KPI definition or the data contract differs" in (out / "cs_a" / "index.html").read_text(encoding="utf-8")
    run(data, out, notebooks)
    assert manifest_of(out)["definitions_changed"] is False


def test_a_kept_page_keeps_the_headline_it_recorded_for_the_index(tmp_path):
    """The index shows what notebook 02's page recorded (cskit.report.headline), also when that page is kept."""
    data = tiny_dataset(tmp_path / "data", TEAMS)
    notebooks = tmp_path / "nbs"
    record = ('from IPython.display import display\nfrom cskit.report.headline import MIME\n'
              'display({MIME: {"team": team, "rows": [{"kpi": "customers", "name": "Customers", '
              '"value": "RECORDED-" + team, "raw": 7.0}]}}, raw=True)')
    make_notebook(notebooks / "02_two.ipynb", record)
    out = tmp_path / "reports"
    for expected in ("ok", "up_to_date"):
        result = build_reports(data, out, lang="en", notebooks="02", notebooks_dir=notebooks, progress=False, jobs=2)
        assert {page.status for page in result.pages} == {expected}
        for team in TEAMS:
            assert "RECORDED-" + team in (out / team / "index.html").read_text(encoding="utf-8"), expected
        assert {tm["team"]: tm["headline"][0]["value"] for tm in manifest_of(out)["teams"]} == {
            team: "RECORDED-" + team for team in TEAMS}
