"""Exercises (cskit.exercises): each one written once, rendered three ways, checked the same way.

The checker's verdicts are asserted for a right, a wrong, an empty and an invalid answer of
every checkable exercise; the static forms are scanned for what must never reach a page
without a kernel (a score, "run this cell", an internal id); the model rewrites of
notebook 03 are run through the targets checker on the sample data.
"""
from __future__ import annotations

import html
import re

import pytest

from cskit.exercises import check, exercise_html, exercises_of, get_exercise, load_exercises, show
from cskit.exercises.check import STATES
from cskit.exercises.widget import exercise_widget
from cskit.numbers import format_large, parse_number
from cskit.worksheet import worksheet_html

LANGS = ("ja", "en")
IDS = [e.id for e in load_exercises("en")]
CHECKABLE = [e.id for e in load_exercises("en") if e.kind in ("match", "number")]
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _wrong_answer(exercise):
    if exercise.kind == "match":
        return {item.id: next(c.value for c in exercise.choices if c.value != item.answer and c.value not in item.accept)
                for item in exercise.items}
    return exercise.answer * 1.5 + 1 if exercise.answer is not None else 0.99


def _right_answer(exercise, expected=None):
    if exercise.kind == "match":
        return {item.id: item.answer for item in exercise.items}
    return expected if expected is not None else exercise.answer


def test_every_exercise_exists_in_both_languages_with_the_same_answers():
    for exercise_id in IDS:
        ja, en = get_exercise(exercise_id, "ja"), get_exercise(exercise_id, "en")
        assert (ja.kind, ja.notebook, ja.unit, ja.tolerance) == (en.kind, en.notebook, en.unit, en.tolerance)
        assert [i.answer for i in ja.items] == [i.answer for i in en.items]
        assert ja.question and en.question and JAPANESE.search(ja.question) and not JAPANESE.search(en.question)
        if ja.kind != "open":
            assert ja.answer == en.answer
    assert [e.notebook for e in load_exercises("en")] == sorted(e.notebook for e in load_exercises("en"))
    assert {e.notebook for e in load_exercises("en")} == {"01", "02", "03", "04"}


@pytest.mark.parametrize("exercise_id", CHECKABLE)
@pytest.mark.parametrize("lang", LANGS)
def test_checker_tells_right_wrong_empty_and_invalid_apart(exercise_id, lang):
    exercise = get_exercise(exercise_id, lang)
    expected = 0.0345 if exercise.answer_from else None  # a value the engine could give for a team
    right = check(exercise, _right_answer(exercise, expected), expected)
    wrong = check(exercise, _wrong_answer(exercise), expected)
    empty = check(exercise, {} if exercise.kind == "match" else "", expected)
    invalid = check(exercise, {exercise.items[0].id: "IS"} if exercise.kind == "match" else "about a lot", expected)
    assert (right.state, wrong.state, empty.state, invalid.state) == ("right", "wrong", "empty", "invalid")
    assert right.correct and not wrong.correct and not empty.correct and not invalid.correct
    assert len({right.message, wrong.message, empty.message, invalid.message}) == 4
    for feedback in (right, wrong, empty, invalid):
        assert not EMOJI.search(feedback.message) and bool(JAPANESE.search(feedback.message)) == (lang == "ja")
        assert "run" not in feedback.message.lower() and "実行" not in feedback.message


def test_wrong_number_feedback_says_the_direction_and_size_never_the_answer():
    exercise = get_exercise("c01_churn_8pct_year", "en")
    too_low = check(exercise, "50%")
    assert "too low" in too_low.message and "10pt" in too_low.message and "63" not in too_low.message
    assert "too high" in check(exercise, 0.96).message
    # 63 without a % sign for a rate: read as a percentage slip, not as 63 times too high
    assert "63%" in check(exercise, "63").message and check(exercise, "63%").correct


def test_money_feedback_is_in_the_readers_units():
    ja, en = get_exercise("c04_ltv_simple", "ja"), get_exercise("c04_ltv_simple", "en")
    assert check(ja, "180万円").correct and check(en, "1.8M").correct and check(en, "1,800,000").correct
    assert "20万円" in check(ja, "160万").message  # 1,600,000 is 200,000 short
    assert "JPY 200,000" in check(en, "1.6 million").message
    assert "1e+" not in check(en, 10**7).message


def test_a_match_exercise_explains_an_invalid_choice_and_counts_what_is_missing():
    exercise = get_exercise("classify_activities", "en")
    feedback = check(exercise, {"a01": "inside_sales", "a04": "IS"})
    assert feedback.state == "invalid"
    assert feedback.items["a04"].state == "invalid" and "Inside Sales (IS)" in feedback.items["a04"].message
    assert feedback.message == "1 of 12 right; 1 not one of the choices; 10 not answered yet."
    # a label is as good as a value
    assert check(exercise, {"a01": "Inside Sales (IS)"}).items["a01"].state == "right"
    kpi = get_exercise("pick_kpi", "ja")
    accepted = check(kpi, {"k01": "logo_retention_rate"})
    assert accepted.items["k01"].state == "accepted" and accepted.items["k01"].correct


@pytest.mark.parametrize("exercise_id", IDS)
@pytest.mark.parametrize("lang", LANGS)
def test_static_form_has_the_answer_behind_a_click_and_nothing_a_page_cannot_do(exercise_id, lang):
    exercise = get_exercise(exercise_id, lang)
    expected = 0.05 if exercise.answer_from else None
    new_hire = exercise_html(exercise, number=2, audience="new_hire", expected=expected)
    trainer = exercise_html(exercise, number=2, audience="trainer", expected=expected)
    assert '<details class="answer">' in new_hire and '<details open class="answer">' in trainer
    for page in (new_hire, trainer):
        text = re.sub(r"<[^>]+>", " ", page)
        assert exercise_id not in page and not re.search(r"\b[ack]\d\d\b", text)
        assert not re.search(r"run this cell|セルを実行|\d+ ?/ ?\d+ correct|正解数", text)
        assert "<script" not in page and "answer =" not in page
        assert bool(JAPANESE.search(text)) == (lang == "ja")
    if exercise.kind == "number":
        from cskit.exercises import format_answer

        shown = format_answer(exercise, exercise.answer if exercise.answer is not None else 0.05)
        before, behind = new_hire.split('<details class="answer">')
        alone = re.compile(rf"(?<![\d.]){re.escape(shown)}")
        assert alone.search(behind) and not alone.search(before)  # the answer is behind the click only


@pytest.mark.parametrize("exercise_id", [e.id for e in load_exercises("en") if e.kind != "rewrite"])
def test_widget_form_checks_without_typing_python(exercise_id):
    exercise = get_exercise(exercise_id, "ja")
    expected = 0.05 if exercise.answer_from else None
    box = exercise_widget(exercise, number=1, audience="new_hire", expected=expected)
    row, result, answer = box.children[1], box.children[2], box.children[3]
    toggle, hidden = answer.children
    assert hidden.layout.display == "none"
    toggle.value = True
    assert hidden.layout.display == ""
    if exercise.kind == "open":
        return
    button = row.children[-1]
    button.click()
    assert "未回答" in result.value
    if exercise.kind == "number":
        row.children[0].value = "たくさん"
        button.click()
        assert "読めない答え" in result.value
        row.children[0].value = str(expected if expected is not None else exercise.answer)
    else:
        for item, picker in zip(exercise.items, row.children[:-1]):
            picker.children[1].value = item.answer
    button.click()
    assert "正解" in result.value and "未回答" not in result.value


def test_trainer_widget_shows_the_answer_openly():
    box = exercise_widget(get_exercise("c02_nrr_example", "en"), audience="trainer")
    assert "70%" in box.children[3].children[1].value and box.children[3].children[1].layout.display != "none"


def test_show_picks_the_static_form_without_a_kernel():
    static = show("pick_kpi", "en", number=2, audience="new_hire", interactive=False)
    assert "Show the answer" in static._repr_html_()
    assert type(show("pick_kpi", "en", interactive=True)).__name__ == "VBox"


@pytest.mark.parametrize("lang", LANGS)
def test_worksheet_has_every_question_then_the_key_on_its_own_page(lang):
    page = worksheet_html(lang)
    key_at = page.index('<section class="key">')
    for exercise in load_exercises(lang):
        # an exercise on the team's own data is done in the notebook, beside its table
        assert (html.escape(exercise.question) in page[:key_at]) != bool(exercise.answer_from)
    assert ".key { break-before: page" in page
    questions, key = page[:key_at], page[key_at:]
    assert "63.2%" not in questions and "63.2%" in key
    assert questions.count('class="blank"') >= 12 + 5 + 6


def test_model_rewrites_pass_every_smart_letter(sample_dataset):
    from cskit.targets import read_targets, default_targets_path
    from cskit.targets.present import check_rewrite

    teams = {target.id: target.team for target in read_targets(default_targets_path(sample_dataset))}
    for item in get_exercise("rewrite_targets", "en").items:
        entry = {"id": item.id, "team": teams[item.id], "target": item.answer,
                 **{key: item.fields[key] for key in ("kpi", "deadline", "parent")}}
        feedback = check_rewrite(entry, sample_dataset, "en")
        assert feedback.startswith("Every letter passes"), (item.id, feedback)


def test_there_is_one_model_rewrite_per_flawed_sample_target(sample_dataset):
    from cskit.exercises.rewrite import flawed_targets
    from cskit.targets import default_targets_path, evaluate_targets, read_targets

    targets = read_targets(default_targets_path(sample_dataset))
    results = evaluate_targets(sample_dataset, targets, lang="en")
    flawed = [target.id for target in flawed_targets(results, targets)]
    for lang in LANGS:
        assert [item.id for item in get_exercise("rewrite_targets", lang).items] == flawed


def test_rewrite_widget_checks_the_learners_fields(sample_dataset):
    from cskit.exercises.rewrite import show_rewrite
    from cskit.targets import default_targets_path, evaluate_targets, read_targets

    targets = read_targets(default_targets_path(sample_dataset))
    results = evaluate_targets(sample_dataset, targets, lang="en")
    box = show_rewrite(sample_dataset, results, targets, "en", interactive=True)
    picker, flaw, kpi, amount = box.children[1:5]
    assert picker.label.startswith("T02") and amount.value == "10%" and "unsigned" in flaw.value
    picker.value = 1
    assert picker.label.startswith("T04")


@pytest.mark.parametrize("typed, value", [("0.63", 0.63), ("63%", 0.63), ("６３％", 0.63), ("180万", 1_800_000),
                                          ("1.8M", 1_800_000), ("¥1,800,000", 1_800_000), ("2億", 2e8),
                                          ("-10%", -0.1), ("abc", None), ("", None), ("1.2.3", None)])
def test_numbers_are_read_as_learners_type_them(typed, value):
    parsed = parse_number(typed)
    assert (parsed is None and value is None) or abs(parsed - value) < 1e-9


def test_large_numbers_read_naturally_in_each_language():
    assert format_large(500_000_000, "ja", "USD") == "5億ドル"
    assert format_large(70_000_000, "ja", "JPY") == "7,000万円"
    assert format_large(500_000_000, "en", "USD") == "USD 500 million"
    assert format_large(2_500_000_000, "en") == "2.5 billion"
    assert format_large(-200_000, "ja", "JPY") == "-20万円" and format_large(float("nan"), "en") == "—"


def test_each_notebook_has_its_exercises():
    assert [e.kind for e in exercises_of("01", "en")] == ["match", "match"] + ["number"] * 5
    assert [e.kind for e in exercises_of("03", "en")] == ["rewrite"]
    assert set(STATES) == {"right", "accepted", "wrong", "empty", "invalid"}


def test_worked_examples_agree_with_a_direct_computation():
    answers = {e.id: e.answer for e in exercises_of("01", "en") if e.kind == "number"}
    assert abs(answers["c01_churn_8pct_year"] - (1 - 0.92 ** 12)) <= get_exercise("c01_churn_8pct_year", "en").tolerance
    assert answers["c02_nrr_example"] == 70_000_000 / 100_000_000
    assert abs(answers["c03_nrr_growth"] - (1.2 - 1)) < 1e-12
    assert answers["c04_ltv_simple"] == 50_000 * 12 * 3 and answers["c05_cac_one_to_five"] == 20_000 * 5


def test_match_exercises_use_registry_ids():
    from cskit.kpi.registry import registry
    from cskit.roles.registry import ROLE_IDS

    classify, pick = get_exercise("classify_activities", "en"), get_exercise("pick_kpi", "en")
    assert len(classify.items) == 12 and {i.answer for i in classify.items} <= set(ROLE_IDS)
    assert len(pick.items) == 5 and all({i.answer, *i.accept} <= set(registry()) for i in pick.items)
    assert {c.value for c in pick.choices} <= set(registry())
