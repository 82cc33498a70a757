"""JupyterLab as a classroom: what a trainer meets with a live kernel.

Short errors in the notebook's language (an IPython custom exception handler that still
fails the cell), what-if labels shown whole, the aptitude quiz silent until answered and
honest on a tie, the target builder's reasons never cut, LTV at 0 % churn shown as "—",
feedback labels without emoji, and the notebooks' first cells telling how to switch view.
"""
from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from cskit.errors import CskitError
from cskit.i18n import t
from cskit.kpi import unit_economics as ue
from cskit.roles.content import load_knowledge

REPO = Path(__file__).resolve().parents[1]
KNOWN_TEAMS = "cs_enterprise, cs_smb, is_tokyo, fs_tokyo, fs_osaka, support, marketing"


# --------------------------------------------------------------------------- #
# 1. A CskitError in a notebook: a short box in the notebook's language
# --------------------------------------------------------------------------- #
@pytest.fixture
def shell():
    """A fresh IPython shell (the notebooks' kernel without the ZMQ parts), removed afterwards."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    yield shell
    InteractiveShell.clear_instance()


def run_cell(shell, code: str):
    """Run ``code``; return the result, the HTML shown and what was printed (tracebacks included)."""
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = shell.run_cell(code)
    shown = [o.data.get("text/html", "") for o in captured.outputs]
    return result, shown, captured.stdout + captured.stderr


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_missing_data_folder_is_a_short_message_in_the_notebooks_language(shell, tmp_path, lang):
    folder = tmp_path / "no_such_folder"
    run_cell(shell, f"from cskit import notebook as nb\nlang = nb.setup({lang!r})")
    result, shown, printed = run_cell(shell, f"data = nb.load_data({str(folder)!r})")

    # the cell failed (papermill and "Run All" stop here) ...
    assert not result.success and isinstance(result.error_in_exec, CskitError)
    assert result.error_in_exec.code == "notebook.data_missing"
    # ... and said so in one box, in the notebook's language, naming the folder as written and as resolved
    message = t("notebook.data_missing", lang, path=str(folder), resolved=str(folder.resolve()))
    assert len(shown) == 1 and html.escape(message) in shown[0] and html.escape(t("notebook.error.hint", lang)) in shown[0]
    other = "en" if lang == "ja" else "ja"
    assert html.escape(t("notebook.error.title", other)) not in shown[0]
    # instead of a traceback, one line
    assert "Traceback" not in printed and printed.strip() == t("notebook.error.stopped", lang)


def test_a_mistyped_team_names_the_team_and_the_known_teams(shell, sample_dir):
    run_cell(shell, f"from cskit import notebook as nb\nlang = nb.setup('ja')\ndata = nb.load_data({str(sample_dir)!r})")
    expected = f"チーム 'cs_smbb' はデータにありません。使えるチーム: {KNOWN_TEAMS}"
    assert t("cli.unknown_team", "ja", team="cs_smbb", teams=KNOWN_TEAMS) == expected
    # notebook 01 asks for the role first, notebook 03 for the display name: both are short errors
    for code in ("data.role_of('cs_smbb')", "data.team_name('cs_smbb', lang)"):
        result, shown, printed = run_cell(shell, code)
        assert result.error_in_exec.code == "cli.unknown_team"
        assert html.escape(expected) in shown[0] and "Traceback" not in printed and "KeyError" not in printed


def test_other_errors_keep_their_traceback_and_a_bad_language_speaks_both(shell):
    run_cell(shell, "from cskit import notebook as nb\nlang = nb.setup('en')")
    result, shown, printed = run_cell(shell, "int('x')")
    assert isinstance(result.error_in_exec, ValueError)
    assert shown == [] and "Traceback" in printed and "invalid literal" in printed

    result, shown, printed = run_cell(shell, "nb.setup('jp')")
    assert result.error_in_exec.code == "cli.unknown_lang"
    for lang in ("ja", "en"):  # the language is the mistake, so the box uses both
        assert html.escape(t("cli.unknown_lang", lang, value="jp")) in shown[0]
        assert t("notebook.error.stopped", lang) in printed


def test_outside_ipython_nothing_is_registered():
    from cskit.notebook_errors import show_errors_briefly

    assert show_errors_briefly("ja") is False


@pytest.mark.notebooks
def test_under_papermill_a_mistyped_team_still_fails_the_run_with_the_short_message(tmp_path, sample_dir):
    from papermill.exceptions import PapermillExecutionError

    from conftest import run_notebook

    with pytest.raises(PapermillExecutionError) as failed:
        run_notebook("03_smart_targets.ipynb", tmp_path, sample_dir, team="cs_smbb", lang="ja")
    assert failed.value.ename == "CskitError"
    assert failed.value.traceback == [t("notebook.error.stopped", "ja")]  # no Python traceback
    written = json.loads((tmp_path / "03_smart_targets.ipynb").read_text(encoding="utf-8"))
    boxes = [o["data"]["text/html"] for c in written["cells"] for o in c.get("outputs", [])
             if "text/html" in o.get("data", {}) and "cskit-error" in "".join(o["data"]["text/html"])]
    expected = t("cli.unknown_team", "ja", team="cs_smbb", teams=KNOWN_TEAMS)
    assert len(boxes) == 1 and html.escape(expected) in "".join(boxes[0])


# --------------------------------------------------------------------------- #
# 2 and 5. What-if: whole labels, LTV "—" at 0 % churn
# --------------------------------------------------------------------------- #
@pytest.fixture
def shown(monkeypatch):
    """Everything the widgets display (IPython.display.display replaced by a list)."""
    import IPython.display

    objects: list = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: objects.extend(objs))
    return objects


@pytest.mark.parametrize("lang,width", [("en", "13.6em"), ("ja", "9.0em")])
def test_whatif_labels_get_one_column_wide_enough_for_the_longest(shown, lang, width):
    from cskit.widgets.whatif import whatif

    widget = whatif(100, 50_000, lang, interactive=True)
    churn, expansion, arpa, new = widget.children[:4]
    assert [c.description for c in (churn, expansion, arpa, new)] == [
        t(key, lang) for key in ("whatif.churn", "whatif.expansion", "whatif.arpa", "whatif.new")]
    # en: "New customers / month" is 21 characters x 0.6 em + 1 em; ja: 顧客単価（月額） is 8 full-width x 1 em + 1 em
    assert {c.style.description_width for c in (churn, expansion, arpa, new)} == {width}
    assert churn.layout.width == f"calc({width} + 22em)"


def test_ltv_without_churn_is_unbounded_and_shown_as_a_dash():
    assert ue.ltv_saas(10_000, 0.8, 0.02) == 400_000
    assert ue.ltv_saas(10_000, 0.8, 0.0) == math.inf
    assert ue.ltv_saas(0, 0.8, 0.0) == 0  # no revenue: nothing to keep
    path = ue.project_mrr(100, 10_000, 0.0, 0.01, months=3)
    assert path["ltv"].tolist() == [math.inf] * 3 and path["mrr"].iloc[-1] == pytest.approx(1_000_000 * 1.01 ** 3)
    assert [ue.format_ltv(v, "ja") for v in (math.inf, float("nan"), 400_000.0)] == ["—", "—", "¥400,000"]
    assert ue.format_ltv(1234.4, "en", "USD") == "$1,234"
    assert ue.ltv_note(0.0, "ja") == t("whatif.ltv_unbounded", "ja") and ue.ltv_note(0.01, "ja") is None


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_whatif_at_zero_churn_shows_a_dash_and_the_note_never_nan(shown, lang):
    from IPython.display import Markdown

    from cskit.widgets.whatif import whatif

    widget = whatif(100, 10_000, lang, interactive=True)
    churn = widget.children[0]
    shown.clear()
    churn.value = 0.0
    table = next(o.data for o in shown if hasattr(o, "data") and isinstance(o.data, pd.DataFrame))  # a people table
    assert table[t("whatif.ltv", lang)].tolist() == ["—"]
    assert table[t("whatif.mrr12", lang)].tolist() == [f"¥{1_000_000 * 1.01 ** 12:,.0f}"]  # expansion 1 %, nobody leaves
    assert not table.astype(str).apply(lambda column: column.str.contains("nan|inf")).any().any()
    notes = [o.data for o in shown if isinstance(o, Markdown)]
    assert notes == ["> " + t("whatif.ltv_unbounded", lang)]
    shown.clear()
    churn.value = 0.02  # with churn the LTV is finite and the note goes: ARPA after a month 10,100 x 0.8 / 0.02
    table = next(o.data for o in shown if hasattr(o, "data") and isinstance(o.data, pd.DataFrame))
    assert table[t("whatif.ltv", lang)].tolist() == ["¥404,000"]
    assert not [o for o in shown if isinstance(o, Markdown)]


def test_the_static_whatif_is_the_scenario_table(shown):
    from cskit.widgets.whatif import STATIC_SCENARIOS, whatif

    table = whatif(100, 50_000, "en", interactive=False).data  # a people table: no index column
    assert len(table) == len(STATIC_SCENARIOS) == 4
    first = table.iloc[0]  # churn 1 %, expansion 1 %
    assert first[t("whatif.mrr12", "en")] == f"¥{5_000_000 * (0.99 * 1.01) ** 12:,.0f}"
    assert first[t("whatif.ltv", "en")] == "¥4,040,000"  # ARPA after a month 50,500 x 0.8 / 0.01
    assert [o.data for o in shown] == [t("whatif.static_note", "en")]


# --------------------------------------------------------------------------- #
# 3. Aptitude: nothing announced before an answer; a tie said honestly
# --------------------------------------------------------------------------- #
def test_the_quiz_waits_for_an_answer_then_counts_only_what_was_answered(shown):
    import ipywidgets

    from cskit.widgets.aptitude import aptitude_check

    widget = aptitude_check("en", interactive=True)
    assert [o.data for o in shown] == [t("roles.aptitude.waiting", "en")]  # no "Your leaning: CS" yet
    sliders = [w for box in widget.children if isinstance(box, ipywidgets.HBox) for w in box.children
               if isinstance(w, ipywidgets.IntSlider)]
    by_id = dict(zip([q["id"] for q in load_knowledge("en")["aptitude_quiz"]["questions"]], sliders, strict=True))
    q02 = by_id["q02_revenue_target"]  # weights: cs 0, sales 3, support 0
    q02.value = 5
    text = shown[-1].data
    assert text.splitlines()[0] == "**Your leaning: Sales (Field Sales)**"
    assert "Totals: Customer Success (CS) 0, Sales (Field Sales) 15, Customer Support 0" in text
    assert t("roles.aptitude.answered", "en", answered=1, total=10) in text
    by_id["q04_calm_listening"].value = 5  # weights: support 3  # sales 15, support 15: a tie
    text = shown[-1].data
    assert text.splitlines()[0] == "**A tie: Sales (Field Sales) / Customer Support** (read each explanation)"
    explanations = load_knowledge("en")["aptitude_quiz"]["explanations"]
    assert explanations["sales"] in text and explanations["support"] in text and explanations["cs"] not in text
    assert "Your leaning" not in text


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_scoring_rule_example_is_an_honest_three_way_tie(lang):
    from cskit.widgets.aptitude import scoring_rule

    rule = scoring_rule(lang)
    names = {"ja": "カスタマーサクセス（CS） / 営業（フィールドセールス） / カスタマーサポート",
             "en": "Customer Success (CS) / Sales (Field Sales) / Customer Support"}[lang]
    assert t("roles.aptitude.tie", lang, roles=names) in rule  # every role's weights sum to 12: 3 x 12 = 36 each
    assert "36" in rule and t("roles.aptitude.result", lang, role="X").split("X")[0] not in rule


# --------------------------------------------------------------------------- #
# 4. Target builder: the reason is never cut
# --------------------------------------------------------------------------- #
def cell_texts(table_html: str) -> list[str]:
    from bs4 import BeautifulSoup

    return [td.get_text() for td in BeautifulSoup(table_html, "html.parser").find_all("td")]


def test_the_builders_reasons_are_shown_whole_in_the_static_table_and_the_widget(sample_dataset):
    from cskit.widgets.targets import builder_verdicts, example_table, target_builder, verdict_table

    table = example_table(sample_dataset, "cs_smb", "en")
    ambiguous = table.iloc[1]["S (Specific)"]  # the unsigned "10%"
    assert len(ambiguous) > 50 and "-10%" in ambiguous
    static = target_builder(sample_dataset, "cs_smb", "en", interactive=False).to_html()
    assert ambiguous in cell_texts(static) and "white-space: normal" in static
    result = builder_verdicts(sample_dataset, "cs_smb", "logo_churn_rate", "10%", 12, "grr_12m", "ja")
    reason = result["specific_reason"]
    assert len(reason) > 50 and "-10%" in reason
    live = verdict_table(result, "ja").to_html()
    assert reason in cell_texts(live) and "…" not in live and "..." not in live


def test_notebooks_do_not_cut_long_text_after_setup():
    import matplotlib

    from cskit.notebook import setup

    with pd.option_context("display.max_colwidth", 50), matplotlib.rc_context():
        setup("en")
        frame = pd.DataFrame({"reason": ["y" * 120]})
        assert "y" * 120 in frame._repr_html_()


# --------------------------------------------------------------------------- #
# 7. Feedback without emoji
# --------------------------------------------------------------------------- #
#: Characters shown as emoji by default (Unicode Emoji_Presentation in the BMP) and VS16;
#: everything from U+1F000 up is checked as well.
EMOJI_BMP = re.compile("[\u231a\u231b\u23e9-\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab"
                       "\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b"
                       "\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\ufe0f]")


def test_nothing_cskit_shows_needs_an_emoji_font():
    files = [p for p in (REPO / "cskit").rglob("*") if p.suffix in (".py", ".yml", ".j2", ".css", ".html")]
    files += sorted((REPO / "notebooks").glob("*.ipynb"))
    found = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        chars = {c for c in text if ord(c) >= 0x1F000} | set(EMOJI_BMP.findall(text))
        if chars:
            found[str(path.relative_to(REPO))] = sorted(chars)
    assert found == {}
    assert EMOJI_BMP.findall("✅ 🔁 ok") == ["✅"] and ord("🔁") >= 0x1F000  # the check sees the old marks


# --------------------------------------------------------------------------- #
# 8. The first text cell of each notebook says how to switch view and get one-language copies
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("path", sorted((REPO / "notebooks").glob("0*.ipynb")), ids=lambda p: p.name[:2])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_first_text_cell_tells_how_to_use_the_notebook_in_jupyterlab(path, lang):
    nb = nbformat.read(path, as_version=4)
    first = next(c.source for c in nb.cells if c.cell_type == "markdown" and f"lang-{lang}" in c.metadata.get("tags", []))
    assert 'audience = "trainer"' in first
    assert "make lab" in first and "cskit notebooks --lang ja|en" in first
    widgets = "interactive =" in "".join(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert ("Save Widget State Automatically" in first) == widgets
