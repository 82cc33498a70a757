"""Clean pages in each language: every rendered report page passes the page scanner.

The scanner (:mod:`cskit.report.lint`) is tested first on small hand-written pages, so
that it is known to see each kind of leak; then every notebook is rendered for a CS
team, a sales team and the whole company, in Japanese and English, for the trainer and
(where a notebook has an audience) the new hire, and every page must come out clean.
The findings of each page are written to the test's ``tmp_path`` (``findings.txt``).
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from cskit.report.lint import Finding, format_findings, scan_page

# --------------------------------------------------------------------------- #
# The scanner sees what it should, and only that
# --------------------------------------------------------------------------- #


def kinds(html: str, lang: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in scan_page(html, lang)]


def test_japanese_in_an_english_page_is_found_with_its_element():
    page = "<html lang='en'><body><p>Churn fell to 2%.</p><li>Retention: 継続率 rose</li></body></html>"
    assert scan_page(page, "en") == [Finding("other_language", "継続率", "Retention: 継続率 rose")]


def test_english_words_in_a_japanese_page_are_found_but_not_names_ids_units_or_abbreviations():
    page = ("<p>The Model と Salesforce の MRR は cs_smb で 1.2pt 上がり、nrr_12m は targets.yml の通り。"
            "A 社と B 社、経過 k 期。</p><h2>Logo retention の推移</h2>")
    assert kinds(page, "ja") == [("other_language", "Logo retention")]


def test_marked_other_language_code_and_scripts_are_not_prose():
    page = ("<p>用語: <span lang='en'>Net revenue retention</span></p><p>列 <code>cohort_size</code></p>"
            "<pre>print(value)</pre><script>var x = 'hidden words';</script><style>p { color: red }</style>"
            "<div lang='en'><p>Whole <b>quoted</b> original</p></div>")
    assert scan_page(page, "ja") == []
    assert kinds("<p lang='ja'>英語の原文 <span lang='en'>churn</span> と 解約</p>", "en") == []


def test_image_alt_text_is_read_in_the_page_language():
    page = '<img src="data:image/png;base64,AA==" alt="No description has been provided for this image">'
    assert kinds(page, "ja") == [("other_language", "No description has been provided for this image")]
    assert kinds('<img alt="コホート別の継続率">', "ja") == []


RAW_FRAME = """
<table class="dataframe"><thead><tr><th></th><th>account_id</th><th>duration</th><th>churned</th><th>lower</th></tr></thead>
<tbody><tr><th>0</th><td>A</td><td>5</td><td>False</td><td>0.203809</td></tr>
<tr><th>1</th><td>B</td><td>2</td><td>True</td><td>NaN</td></tr></tbody></table>
"""


def test_a_raw_frame_shows_its_default_index_booleans_nan_and_long_floats():
    found = [(f.kind, f.text) for f in scan_page(RAW_FRAME, "en")]
    assert found == [("raw_table", "0, 1"), ("raw_table", "False"), ("raw_table", "0.203809"),
                     ("raw_table", "True"), ("raw_table", "NaN")]
    assert scan_page(RAW_FRAME, "en")[2].element == "0 A 5 False 0.203809"


def test_a_formatted_table_with_a_named_index_is_clean():
    table = ("<table><thead><tr><th>経過月</th><th>継続率</th><th>MRR</th></tr></thead><tbody>"
             "<tr><th>0</th><td>100.0%</td><td>¥1,200,000</td></tr><tr><th>1</th><td>—</td><td>¥0</td></tr></tbody></table>")
    assert scan_page(table, "ja") == []


def test_a_printed_series_shows_its_dtype():
    page = '<div data-mime-type="text/plain"><pre>0    0.218182\n1         NaN\nName: value, dtype: float64</pre></div>'
    assert kinds(page, "en") == [("raw_table", "0.218182"), ("raw_table", "NaN"), ("raw_table", "dtype")]


def test_findings_are_written_one_per_line():
    text = format_findings(scan_page("<p>解約</p><p>継続</p>", "en"))
    assert text.splitlines() == ["other_language: '解約'  <-  解約", "other_language: '継続'  <-  継続"]


# --------------------------------------------------------------------------- #
# What the page renderer does for a clean page
# --------------------------------------------------------------------------- #
def render(cells: list, lang: str) -> str:
    import nbformat

    from cskit.report.plan import Job, ReportSettings
    from cskit.report.render import render_notebook

    settings = ReportSettings(data_dir=".", out_dir=".", notebooks_dir=".", scratch=".", run_id="t", lang=lang,
                              as_of=None, as_of_label="2024-06")
    job = Job("cs_smb", "SMB向けCS", "04_cohort_retention.ipynb", settings)
    return render_notebook(nbformat.v4.new_notebook(cells=cells), job)


def chart(alt: str | None = None):
    import nbformat

    metadata = {"image/png": {"alt": alt}} if alt else {}
    output = nbformat.v4.new_output("display_data", data={"image/png": "AA==", "text/plain": "<Figure>"}, metadata=metadata)
    return nbformat.v4.new_code_cell("plot()", outputs=[output])


def test_charts_get_their_title_or_their_section_heading_as_alt_text():
    import nbformat

    cells = [nbformat.v4.new_markdown_cell("## 生存曲線", metadata={"tags": ["lang-ja"]}),
             nbformat.v4.new_markdown_cell("## Survival curve", metadata={"tags": ["lang-en"]}),
             chart("初回解約までの生存曲線（カプラン・マイヤー）"), chart()]
    ja, en = render(cells, "ja"), render(cells, "en")
    assert 'alt="初回解約までの生存曲線（カプラン・マイヤー）"' in ja and 'alt="生存曲線"' in ja
    assert 'alt="Survival curve"' in en and "No description" not in ja + en
    assert render([chart()], "en").count('alt="04 Cohorts and retention"') == 1  # no heading: the notebook's title


def test_a_figure_shown_in_a_kernel_carries_its_title_as_metadata():
    from IPython.core.formatters import DisplayFormatter
    from matplotlib.figure import Figure

    from cskit.notebook import _figure_alt

    formatter = DisplayFormatter()
    formatter.formatters["image/png"].for_type(Figure, lambda fig: "AA==")  # what the inline backend registers
    formatter.mimebundle_formatter.for_type(Figure, _figure_alt)
    fig = Figure()
    ax = fig.subplots()
    assert formatter.format(fig)[1] == {}  # no title: the page falls back to the section heading
    ax.set_title("Logo retention by cohort (%)")
    data, metadata = formatter.format(fig)
    assert data["image/png"] == "AA==" and metadata == {"image/png": {"alt": "Logo retention by cohort (%)"}}


def test_a_lang_span_in_prose_survives_the_page_renderer():
    import nbformat

    cell = nbformat.v4.new_markdown_cell('- **打ち切り（<span lang="en">censoring</span>）**: 空欄にします。',
                                         metadata={"tags": ["lang-ja"]})
    page = render([cell], "ja")
    # the term is also linked to the glossary at its first use on the page (report.terms)
    assert ('<strong><a href="../glossary.html#censoring">打ち切り</a>（<span lang="en">censoring</span>）</strong>'
            in page)
    assert scan_page(page, "ja") == []


# --------------------------------------------------------------------------- #
# Every page of every notebook, in both languages
# --------------------------------------------------------------------------- #
#: A CS team, a sales team and the whole company.
TEAMS = ("cs_smb", "fs_tokyo", "all")
LANGS = ("ja", "en")
NOTEBOOKS = ("01", "02", "03", "04")


def plan_all_pages(sample_dir: Path, out: Path, scratch: Path) -> list:
    """One job per language, audience, team and notebook (new hire only where a notebook has an audience)."""
    from cskit.files import new_run_id
    from cskit.io import load_dataset
    from cskit.report.plan import Job, ReportSettings, declared_parameters, locate_notebooks

    dataset = load_dataset(sample_dir)
    folder, found = locate_notebooks(list(NOTEBOOKS))
    jobs = []
    for lang in LANGS:
        for audience in ("trainer", "new_hire"):
            settings = ReportSettings(
                data_dir=str(sample_dir), out_dir=str(out / f"{lang}-{audience}"), notebooks_dir=str(folder),
                scratch=str(scratch), run_id=new_run_id(), lang=lang, as_of=None,
                as_of_label=str(dataset.months[-1]), audience=audience)
            for team in TEAMS:
                for number in NOTEBOOKS:
                    path = str(found[number])
                    if audience == "trainer" or "audience" in declared_parameters(path):
                        jobs.append(Job(team, dataset.team_name(team, lang), path, settings))
    return jobs


@pytest.fixture(scope="module")
def rendered_pages(sample_dir, tmp_path_factory):
    """Every page rendered once: ``[(job, result)]``."""
    from cskit.report.run import run_pool, worker_env

    out = tmp_path_factory.mktemp("pages")
    with tempfile.TemporaryDirectory(prefix="cskit-pages-") as scratch:
        jobs = plan_all_pages(sample_dir, out, Path(scratch))
        results = run_pool(jobs, 2, worker_env(2), False, "en", scratch)
    return list(zip(jobs, results))


@pytest.mark.notebooks
def test_every_page_is_clean_in_its_language(rendered_pages, tmp_path):
    failed = [(job.team, job.stem, result.error) for job, result in rendered_pages if result.status != "ok"]
    assert failed == []
    trainer = {(job.settings.lang, job.team, job.stem) for job, _ in rendered_pages if job.settings.audience == "trainer"}
    new_hire = {(job.settings.lang, job.team, job.stem) for job, _ in rendered_pages if job.settings.audience == "new_hire"}
    assert len(trainer) == len(LANGS) * len(TEAMS) * len(NOTEBOOKS)
    audience_stems = {stem for *_, stem in new_hire}  # the notebooks with an audience: 01 and the others declaring one
    assert "01_roles_cs_vs_sales" in audience_stems and len(new_hire) == len(LANGS) * len(TEAMS) * len(audience_stems)
    report, dirty = [], {}
    for job, result in rendered_pages:
        settings = job.settings
        page = Path(settings.out_dir) / result.html
        findings = scan_page(page.read_text(encoding="utf-8"), settings.lang)
        name = f"{settings.lang} {settings.audience} {job.team} {job.stem}"
        report.append(f"=== {name}: {len(findings)} finding(s)\n{format_findings(findings)}")
        if findings:
            dirty[name] = len(findings)
    (tmp_path / "findings.txt").write_text("\n\n".join(report) + "\n", encoding="utf-8")
    assert dirty == {}, f"pages with text a reader of their language should not meet (see {tmp_path / 'findings.txt'})"


def test_a_glossary_term_is_linked_at_its_first_use_only():
    import nbformat

    cells = [nbformat.v4.new_markdown_cell("## NRR and cohorts\n\nNRR is read with `NRR` in code. NRR again.",
                                           metadata={"tags": ["lang-en"]}),
             nbformat.v4.new_markdown_cell("A cohort, and NRR once more.", metadata={"tags": ["lang-en"]})]
    page = render(cells, "en")
    links = re.findall(r'<a href="\.\./glossary\.html#([a-z_0-9]+)">([^<]+)</a>', page)
    # the heading and the code span are left alone; each term is linked once, where the prose first uses it
    assert links == [("nrr", "NRR"), ("cohort", "cohort")]
