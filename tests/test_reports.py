"""Per-team HTML reports (cskit.report): isolation, atomic writes, escaping, offline pages.

Most tests run tiny notebooks (built here with nbformat) on tiny datasets, because the
real notebooks are not the point; one browser test renders a real sample report and
opens it in headless Chromium.
"""
from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from cskit.errors import CskitError, DataValidationError
from cskit.files import atomic_write, fingerprint, slugify, sweep_temps
from cskit.report.plan import FAILED_DIR, RUNS_DIR, team_folder
from cskit.report import build_reports
from cskit.report.render import CSP, external_references

from browser import Browser, chromium_or_skip
from conftest import write_tables

SCRIPT_TEAM = "<script>alert(1)</script>"
PATH_TEAM = "../evil"
MONTHS = ("2024-01", "2024-02", "2024-03")


# --------------------------------------------------------------------------- #
# Helpers: tiny notebooks and datasets
# --------------------------------------------------------------------------- #
def make_notebook(path: Path, *code: str) -> Path:
    """A notebook following the conventions: parameters cell, ja/en prose, then ``code``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('data_dir = ""\nteam = ""\nlang = "ja"\nas_of = None\ninteractive = True')
    params.metadata["tags"] = ["parameters"]
    ja = nbformat.v4.new_markdown_cell("JAPANESE PROSE 日本語の説明")
    ja.metadata["tags"] = ["lang-ja"]
    en = nbformat.v4.new_markdown_cell("ENGLISH PROSE")
    en.metadata["tags"] = ["lang-en"]
    nb.cells = [params, ja, en, *(nbformat.v4.new_code_cell(source) for source in code)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


PRINT_TEAM = 'print("TEAM_HEX=" + team.encode("utf-8").hex())'
PLOT = "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()"
BROKEN = 'raise ValueError("boom <b>&amp;</b>")'


def tiny_dataset(folder: Path, teams: list[str]) -> Path:
    """One CS team per name, one account each, three months of MRR."""
    return write_tables(folder, {
        "teams": [{"team": team, "role": "cs", "name_ja": team, "name_en": team} for team in teams],
        "accounts": [
            {"account_id": f"a{i}", "account_name": f"<b>acct {i}</b>", "team": team}
            for i, team in enumerate(teams)
        ],
        "mrr": [
            {"account_id": f"a{i}", "month": month, "mrr": 100 + i}
            for i in range(len(teams)) for month in MONTHS
        ],
    })


def csp_of(page: str) -> str | None:
    """The Content-Security-Policy a page declares in its <meta> (entities decoded)."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Metas(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy":
                found.append(attrs.get("content") or "")

    Metas().feed(page)
    return found[0] if len(found) == 1 else None


def all_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- #
# Pure helpers
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("name", ["cs_smb", "CS SMB", "エンタープライズ", "../evil", "/", "..", ".", "", "a/b\\c", SCRIPT_TEAM,
                                  '"); import os; os.system("x"); ("', "con", "x" * 300])
def test_slug_is_a_safe_single_folder_name(name):
    slug = slugify(name)
    assert re.fullmatch(r"[a-z0-9_-]+", slug)
    assert slug not in ("", ".", "..")
    assert len(slug) <= 64


def test_slug_keeps_clean_ids_and_marks_changed_ones_with_a_hash():
    assert slugify("cs_smb") == "cs_smb"
    assert slugify("CS_SMB") != slugify("cs_smb")  # case differences do not collide
    assert slugify("../evil").startswith("evil-") and len(slugify("../evil")) == len("evil-") + 8
    assert slugify("a/b") != slugify("a-b")


def test_fingerprint_covers_names_and_bytes(tmp_path):
    tiny_dataset(tmp_path / "d", ["cs_a"])
    first = fingerprint(tmp_path / "d")
    assert first.startswith("sha256:") and first == fingerprint(tmp_path / "d")
    (tmp_path / "d" / "mrr.csv").write_text((tmp_path / "d" / "mrr.csv").read_text() + "\n")
    assert fingerprint(tmp_path / "d") != first
    (tmp_path / "d" / "mrr.csv").rename(tmp_path / "d" / "mrr2.csv")
    assert fingerprint(tmp_path / "d") not in (first,)


def test_external_references_finds_loads_not_namespaces():
    page = ('<html xmlns="http://www.w3.org/1999/xhtml"><script src="https://cdn.example/x.js"></script>'
            '<link href="//fonts.example/css" rel="stylesheet"><style>@import "http://a.example/b.css";'
            ' .x{background:url(https://b.example/i.png)}</style><img src="data:image/png;base64,AA==">'
            '<svg xmlns="http://www.w3.org/2000/svg"></svg></html>')
    assert external_references(page) == [
        "https://cdn.example/x.js", "//fonts.example/css", "http://a.example/b.css", "https://b.example/i.png",
    ]


# --------------------------------------------------------------------------- #
# Atomic writes
# --------------------------------------------------------------------------- #
def test_atomic_write_crash_before_rename_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "team" / "02_kpi.html"
    target.parent.mkdir()
    target.write_text("OLD GOOD REPORT")

    def crash(src, dst):
        assert Path(src).read_text() == "NEW" * 1000  # the new content is complete in the temp file
        raise OSError("disk died mid-rename")

    monkeypatch.setattr("cskit.files.os.replace", crash)
    with pytest.raises(OSError):
        atomic_write(target, "NEW" * 1000, "run1")
    assert target.read_text() == "OLD GOOD REPORT"
    assert sorted(p.name for p in target.parent.iterdir()) == ["02_kpi.html"]  # no temp left


def test_atomic_write_interrupted_while_writing_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_text("OLD")
    real_fsync = os.fsync

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr("cskit.files.os.fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "NEW", "run2")
    monkeypatch.setattr("cskit.files.os.fsync", real_fsync)
    assert target.read_text() == "OLD"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_sweep_removes_only_this_runs_temps(tmp_path):
    (tmp_path / "t").mkdir()
    mine = tmp_path / "t" / ".a.html.run9.tmp"
    other = tmp_path / "t" / ".a.html.run8.tmp"
    mine.write_text("x")
    other.write_text("y")
    sweep_temps(tmp_path, "run9")
    assert not mine.exists() and other.exists()


# --------------------------------------------------------------------------- #
# Validation first: nothing changes on bad input
# --------------------------------------------------------------------------- #
def test_invalid_data_raises_and_leaves_the_output_untouched(tmp_path):
    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    (data / "mrr.csv").write_text("account_id,month,mrr\na0,2024-13,abc\n")
    out = tmp_path / "reports"
    (out / "cs_a").mkdir(parents=True)
    (out / "cs_a" / "02_kpi_calculation.html").write_text("previous")
    (out / "index.html").write_text("previous index")
    before = all_files(out)
    notebooks = tmp_path / "nbs"
    make_notebook(notebooks / "02_x.ipynb", PRINT_TEAM)
    with pytest.raises(DataValidationError) as err:
        build_reports(data, out, notebooks_dir=notebooks, progress=False, jobs=1)
    assert err.value.exit_code == 2
    assert all_files(out) == before
    fresh = tmp_path / "never"
    with pytest.raises(DataValidationError):
        build_reports(data, fresh, notebooks_dir=notebooks, progress=False, jobs=1)
    assert not fresh.exists()


def test_unknown_team_or_notebook_is_an_input_error(tmp_path):
    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    with pytest.raises(CskitError, match="nope"):
        build_reports(data, tmp_path / "out", teams="cs_a,nope", progress=False)
    with pytest.raises(CskitError, match="--notebooks"):
        build_reports(data, tmp_path / "out", notebooks="07", progress=False)
    with pytest.raises(CskitError, match="--as-of"):
        build_reports(data, tmp_path / "out", as_of="2024/02", progress=False)
    assert not (tmp_path / "out").exists()


def test_no_notebook_to_render_is_an_input_error_naming_where_it_looked(tmp_path, monkeypatch):
    from cskit.report import plan

    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    with pytest.raises(CskitError) as err:
        build_reports(data, out, notebooks_dir=empty, progress=False, jobs=1)
    assert err.value.code == "report.no_notebooks" and err.value.exit_code == 2
    assert str(empty) in err.value.render("ja") and str(empty) in err.value.render("en")
    assert not out.exists()
    # by default: the notebooks installed with the package, else the repository's; neither -> both named
    monkeypatch.setattr(plan, "PACKAGE_NOTEBOOKS", tmp_path / "pkg")
    monkeypatch.setattr(plan, "REPO_NOTEBOOKS", tmp_path / "repo")
    with pytest.raises(CskitError) as err:
        build_reports(data, out, progress=False, jobs=1)
    assert str(tmp_path / "pkg") in str(err.value) and str(tmp_path / "repo") in str(err.value)
    make_notebook(tmp_path / "repo" / "02_repo.ipynb", PRINT_TEAM)
    assert plan.locate_notebooks(["02"])[0] == tmp_path / "repo"
    make_notebook(tmp_path / "pkg" / "02_pkg.ipynb", PRINT_TEAM)
    assert plan.locate_notebooks(["02"])[0] == tmp_path / "pkg"
    with pytest.raises(CskitError, match="report.no_notebooks|No notebook"):
        plan.locate_notebooks(["03"])  # a folder without the chosen numbers does not count
    assert not out.exists()


# --------------------------------------------------------------------------- #
# Failure isolation
# --------------------------------------------------------------------------- #
def test_a_failing_notebook_does_not_stop_the_others_nor_replace_the_good_page(tmp_path):
    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    notebooks = tmp_path / "nbs"
    out = tmp_path / "reports"
    make_notebook(notebooks / "01_good.ipynb", PRINT_TEAM, PLOT)
    make_notebook(notebooks / "02_flaky.ipynb", PRINT_TEAM)

    first = build_reports(data, out, lang="en", notebooks_dir=notebooks, progress=False, jobs=2)
    assert first.exit_code == 0, [p.error for p in first.pages]
    good = (out / "cs_a" / "02_flaky.html").read_bytes()

    make_notebook(notebooks / "02_flaky.ipynb", PRINT_TEAM, BROKEN)
    second = build_reports(data, out, lang="en", notebooks_dir=notebooks, progress=False, jobs=2)
    status = {p.stem: p.status for p in second.pages}
    assert status == {"01_good": "up_to_date", "02_flaky": "failed", "03": "skipped", "04": "skipped"}
    assert second.exit_code == 1
    assert (out / "cs_a" / "02_flaky.html").read_bytes() == good  # the last good report stays
    failed_page = (out / "cs_a" / "02_flaky.failed.html").read_text(encoding="utf-8")
    assert "ValueError" in failed_page and "boom &lt;b&gt;&amp;amp;&lt;/b&gt;" in failed_page
    assert "<b>&amp;</b>" not in failed_page.split("<main>", 1)[1].split("cskit-failed", 1)[1][:500]
    kept = nbformat.read(out / "cs_a" / "_failed" / "02_flaky.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for c in kept.cells for o in c.get("outputs", []))
    team_index = (out / "cs_a" / "index.html").read_text(encoding="utf-8")
    assert 'href="02_flaky.failed.html"' in team_index and 'href="02_flaky.html"' in team_index
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    flaky = next(p for p in manifest["pages"] if p["stem"] == "02_flaky")
    assert flaky["status"] == "failed" and flaky["error"]["ename"] == "ValueError"
    assert len(manifest["warnings"]) == 2  # 03 and 04 do not exist here
    assert not list(out.rglob("*.tmp"))

    make_notebook(notebooks / "02_flaky.ipynb", PRINT_TEAM)  # fixed: the failure page goes away
    third = build_reports(data, out, lang="en", notebooks="02", notebooks_dir=notebooks, progress=False, jobs=1)
    assert third.exit_code == 0
    assert not (out / "cs_a" / "02_flaky.failed.html").exists()
    assert not (out / "cs_a" / "_failed" / "02_flaky.ipynb").exists()


def test_manifest_records_parameters_fingerprint_versions_and_timings(tmp_path):
    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    notebooks = tmp_path / "nbs"
    make_notebook(notebooks / "02_x.ipynb", PRINT_TEAM)
    result = build_reports(data, tmp_path / "out", lang="ja", as_of="2024-02", notebooks="2",
                           notebooks_dir=notebooks, progress=False, jobs=1)
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["parameters"]["as_of"] == "2024-02" and manifest["parameters"]["notebooks"] == ["02"]
    assert manifest["parameters"]["data_dir"] == str(data.resolve())
    assert manifest["data"]["fingerprint"] == fingerprint(data)
    assert {"cskit", "python", "pandas", "papermill", "nbconvert"} <= set(manifest["versions"])
    assert manifest["timings"]["total_seconds"] > 0
    assert [p["status"] for p in manifest["pages"]] == ["ok"]
    page = (tmp_path / "out" / "cs_a" / "02_x.html").read_text(encoding="utf-8")
    assert "JAPANESE PROSE" in page and "ENGLISH PROSE" not in page
    assert '<html lang="ja">' in page and "Noto Sans JP" in page and "2024年2月" in page


def test_show_code_keeps_the_code_hidden_by_default(tmp_path):
    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    notebooks = tmp_path / "nbs"
    make_notebook(notebooks / "02_x.ipynb", 'secret_marker_code = 41 + 1\nprint("VISIBLE OUTPUT")')
    build_reports(data, tmp_path / "hidden", lang="en", notebooks_dir=notebooks, progress=False, jobs=1)
    build_reports(data, tmp_path / "shown", lang="en", notebooks_dir=notebooks, progress=False, jobs=1, show_code=True)
    hidden = (tmp_path / "hidden" / "cs_a" / "02_x.html").read_text(encoding="utf-8")
    shown = (tmp_path / "shown" / "cs_a" / "02_x.html").read_text(encoding="utf-8")
    assert "VISIBLE OUTPUT" in hidden and "secret_marker_code" not in hidden
    assert "secret_marker_code" in shown


# --------------------------------------------------------------------------- #
# Hostile team names
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    marker = root / "PWNED"
    injection = f'"); import os; os.system("touch {marker}"); ("'
    teams = [SCRIPT_TEAM, PATH_TEAM, injection, "runs", "_failed"]  # the last two: names of the run's own folders
    data = tiny_dataset(root / "work" / "data", teams)
    notebooks = make_notebook(root / "work" / "nbs" / "02_echo.ipynb", PRINT_TEAM).parent
    out = root / "work" / "reports"
    result = build_reports(data, out, lang="en", notebooks_dir=notebooks, progress=False, jobs=2)
    return {"root": root, "out": out, "result": result, "marker": marker, "injection": injection, "teams": teams}


def test_hostile_names_render(hostile_run):
    assert hostile_run["result"].exit_code == 0, [p.error for p in hostile_run["result"].pages]


def test_team_names_are_slugged_in_paths_and_nothing_is_written_outside(hostile_run):
    root, out = hostile_run["root"], hostile_run["out"]
    folders = sorted(p.name for p in out.iterdir() if p.is_dir() and p.name not in (RUNS_DIR, FAILED_DIR))
    assert folders == sorted(team_folder(t) for t in hostile_run["teams"])
    assert not {"runs", "_failed"} & set(folders)
    assert all(re.fullmatch(r"[a-z0-9_-]+", f) for f in folders)
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())
    outside = {p.relative_to(root).as_posix() for p in root.rglob("*")} - {
        p.relative_to(root).as_posix() for p in [out, *out.rglob("*")]
    }
    assert all(p.startswith("work/data") or p.startswith("work/nbs") or p == "work" for p in outside), outside


def test_team_names_are_escaped_in_every_page(hostile_run):
    out = hostile_run["out"]
    pages = list(out.rglob("*.html"))
    assert len(pages) == 2 + 2 * len(hostile_run["teams"])  # run index and glossary, then per team an index and one report
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert SCRIPT_TEAM not in text, page
        assert "<b>acct" not in text, page
        assert csp_of(text) == CSP, page  # and even if something slipped through, no script runs
        assert "<script" not in text.lower(), page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert html.escape(SCRIPT_TEAM) in index
    assert html.escape(PATH_TEAM) in index


def test_a_team_name_cannot_inject_code_into_the_notebook(hostile_run):
    marker, injection, out = hostile_run["marker"], hostile_run["injection"], hostile_run["out"]
    assert not marker.exists()
    page = (out / slugify(injection) / "02_echo.html").read_text(encoding="utf-8")
    assert "TEAM_HEX=" + injection.encode("utf-8").hex() in page  # the notebook got the exact string


# --------------------------------------------------------------------------- #
# Ctrl-C: stop the pool, remove temps, keep old files, exit 130
# --------------------------------------------------------------------------- #
# The script starts as `cskit report` does from a terminal, with Ctrl-C delivered: a process
# inherits an ignored SIGINT from its parent, and a test runner's worker may have it ignored.
INTERRUPT_SCRIPT = """
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
from cskit.report import build_reports
try:
    build_reports(sys.argv[1], sys.argv[2], notebooks_dir=sys.argv[3], progress=False, jobs=2)
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_interrupt_stops_kernels_removes_temps_and_keeps_old_reports(tmp_path):
    psutil = pytest.importorskip("psutil")
    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    notebooks = tmp_path / "nbs"
    started = tmp_path / "started.txt"
    make_notebook(notebooks / "01_slow.ipynb",
                  "import os, pathlib, time\n"
                  "pathlib.Path(os.environ['CSKIT_TEST_STARTED']).write_text(str(os.getpid()))\n"
                  "time.sleep(120)")
    out = tmp_path / "reports"
    (out / "cs_a").mkdir(parents=True)
    (out / "cs_a" / "01_slow.html").write_text("OLD GOOD")
    env = dict(os.environ, CSKIT_TEST_STARTED=str(started))
    proc = subprocess.Popen([sys.executable, "-c", INTERRUPT_SCRIPT, str(data), str(out), str(notebooks)], env=env)
    try:
        deadline = time.monotonic() + 120
        while not started.exists() or not started.read_text():
            assert proc.poll() is None, "the run ended before the notebook started"
            assert time.monotonic() < deadline, "the notebook never started"
            time.sleep(0.2)
        kernel_pid = int(started.read_text())
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (out / "cs_a" / "01_slow.html").read_text() == "OLD GOOD"
    assert not list(out.rglob("*.tmp"))
    assert not (out / "cs_a" / "01_slow.failed.html").exists()
    deadline = time.monotonic() + 10
    while psutil.pid_exists(kernel_pid) and psutil.Process(kernel_pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the kernel outlived the interrupted run"
        time.sleep(0.2)


# --------------------------------------------------------------------------- #
# The CLI (once the lead has added `cskit report`)
# --------------------------------------------------------------------------- #
def _report_command():
    from cskit import cli

    names = {c.name or c.callback.__name__ for c in cli.app.registered_commands}
    if "report" not in names:
        pytest.skip("`cskit report` is not in cli.py yet")
    return cli


def test_cli_exit_codes(tmp_path):
    cli = _report_command()
    from typer.testing import CliRunner

    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    notebooks = tmp_path / "nbs"
    make_notebook(notebooks / "01_good.ipynb", PRINT_TEAM)
    make_notebook(notebooks / "02_bad.ipynb", BROKEN)
    runner = CliRunner()
    args = ["report", "--data", str(data), "--out", str(tmp_path / "out"), "--lang", "en", "--jobs", "2",
            "--notebooks-dir", str(notebooks)]
    failed = runner.invoke(cli.app, args)
    assert failed.exit_code == 1, failed.output
    ok = runner.invoke(cli.app, [*args, "--notebooks", "01"])
    assert ok.exit_code == 0, ok.output
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["parameters"]["warm_kernels"] is True
    fresh = runner.invoke(cli.app, [*args, "--notebooks", "01", "--fresh-kernels"])
    assert fresh.exit_code == 0, fresh.output
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["parameters"]["warm_kernels"] is False
    (data / "mrr.csv").write_text("account_id,month,mrr\nzz,2024-01,1\n")
    bad = runner.invoke(cli.app, args)
    assert bad.exit_code == 2


def test_cli_report_with_no_notebook_exits_2_saying_where_it_looked(tmp_path):
    cli = _report_command()
    from typer.testing import CliRunner

    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    empty = tmp_path / "empty"
    empty.mkdir()
    for lang, words in (("ja", "探した場所"), ("en", "Looked in")):
        result = CliRunner().invoke(cli.app, ["report", "--data", str(data), "--out", str(tmp_path / "out"),
                                              "--lang", lang, "--notebooks-dir", str(empty)])
        assert result.exit_code == 2, result.output
        assert words in result.output and str(empty) in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- #
# A real report in a real browser (tests/browser.py drives Chromium)
# --------------------------------------------------------------------------- #
@pytest.mark.browser
@pytest.mark.notebooks
def test_sample_report_opens_offline_in_chromium(tmp_path, sample_dir):
    chromium = chromium_or_skip()
    out = tmp_path / "reports"
    result = build_reports(sample_dir, out, teams="cs_smb", notebooks="02", lang="en", jobs=1, progress=False)
    assert result.exit_code == 0, [p.error for p in result.pages]
    pages = [out / "index.html", out / "cs_smb" / "index.html", out / "cs_smb" / "02_kpi_calculation.html"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert external_references(text) == [], page
        assert re.search(r"<meta charset=\"utf-8\"\s*/?>", text, re.IGNORECASE)
    browser = Browser(chromium, tmp_path / "profile")
    try:
        facts = {page.name if page.parent == out else f"{page.parent.name}/{page.name}":
                 browser.open(page.as_uri(), tmp_path / f"shot-{i}.png") for i, page in enumerate(pages)}
    finally:
        browser.close()
    for name, fact in facts.items():
        assert fact["errors"] == [], (name, fact["errors"])
        assert fact["requests"] == [], (name, fact["requests"])
        assert fact["lang"] == "en" and fact["scripts"] == 0 and fact["text"] > 100, (name, fact)
        assert "Noto Sans JP" in fact["font"], (name, fact["font"])
    report = facts["cs_smb/02_kpi_calculation.html"]
    assert report["dataImages"] >= 3 and report["brokenImages"] == 0, report
    assert report["images"] == report["dataImages"]
    assert (tmp_path / "shot-2.png").stat().st_size > 10_000


def test_audience_reaches_only_notebooks_that_declare_it(tmp_path):
    data = tiny_dataset(tmp_path / "data", ["cs_a"])
    notebooks = tmp_path / "nbs"
    with_audience = make_notebook(notebooks / "01_roles.ipynb", 'print("AUDIENCE=" + audience)')
    nb = nbformat.read(with_audience, as_version=4)
    nb.cells[0].source += '\naudience = "trainer"'
    nbformat.write(nb, with_audience)
    make_notebook(notebooks / "02_plain.ipynb", 'print("HAS_AUDIENCE=" + str("audience" in globals()))')
    out = tmp_path / "reports"
    result = build_reports(data, out, notebooks="01,02", lang="en", notebooks_dir=notebooks, progress=False, jobs=1,
                           audience="new_hire")
    assert result.exit_code == 0, [p.error for p in result.pages]
    assert "AUDIENCE=new_hire" in (out / "cs_a" / "01_roles.html").read_text(encoding="utf-8")
    assert "HAS_AUDIENCE=False" in (out / "cs_a" / "02_plain.html").read_text(encoding="utf-8")
    assert json.loads((out / "manifest.json").read_text())["parameters"]["audience"] == "new_hire"
    with pytest.raises(CskitError):
        build_reports(data, out, notebooks_dir=notebooks, progress=False, jobs=1, audience="boss")
