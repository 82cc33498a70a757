"""SMART results for people: the verdict table (notebook Styler or terminal), the notes, the JSON.

Everything here reads the table :func:`cskit.targets.evaluate_targets` returns. Labels
are written in ``lang``; without one, in the language the results were evaluated in
(``results.attrs["lang"]``), so the headers match the reasons.
"""
from __future__ import annotations

import pandas as pd

from ..i18n import t
from ..dataset import Dataset
from ..kpi.registry import format_value, get_kpi, registry
from ..options import check_lang
from ..terminal import render_table
from .smart import LETTERS, evaluate_targets, letter_verdicts
from .spec import entry_problems, target_from_entry

#: Message keys written out in full (a search for a key finds every user).
STATUS_KEYS = {"pass": "targets.status.pass", "warn": "targets.status.warn", "fail": "targets.status.fail"}
PROGRESS_KEYS = {"on_track": "targets.progress.on_track", "behind": "targets.progress.behind",
                 "not_started": "targets.progress.not_started", "unknown": "targets.progress.unknown"}
LETTER_KEYS = {"specific": "targets.letter.specific", "measurable": "targets.letter.measurable",
               "achievable": "targets.letter.achievable", "related": "targets.letter.related",
               "time_bound": "targets.letter.time_bound"}

#: Cell colours of the verdict table (colour-blind safe pairs of background and text).
STATUS_COLOURS = {"pass": ("#d9f0d3", "#1b5e20"), "warn": ("#fff3c4", "#7a5a00"), "fail": ("#fbd5d5", "#8b1a1a"),
                  "on_track": ("#d9f0d3", "#1b5e20"), "behind": ("#fbd5d5", "#8b1a1a")}
#: Column of each letter in the verdict table.
LETTER_COLUMNS = {"specific": "S", "measurable": "M", "achievable": "A", "related": "R", "time_bound": "T"}


def _lang(results: pd.DataFrame, lang: str | None) -> str:
    return check_lang(lang or results.attrs.get("lang"))


def team_label(results: pd.DataFrame, team: str, lang: str | None = None) -> str:
    """Display name of a target's team in ``lang`` (``results.attrs["team_names"]``); an unknown team keeps its id.

    Examples
    --------
    >>> from cskit.datasets import load_growth_example
    >>> from cskit.targets import Target, evaluate_targets, parse_amount
    >>> data = load_growth_example()
    >>> goals = [Target(id="T1", team="all", kpi="mrr", target=parse_amount("+10%")),
    ...          Target(id="T2", team="cs_tokio", kpi="mrr", target=parse_amount("+10%"))]
    >>> results = evaluate_targets(data, goals, lang="en")
    >>> team_label(results, "all", "ja"), team_label(results, "all", "en"), team_label(results, "cs_tokio", "en")
    ('全社', 'Company', 'cs_tokio')
    """
    return results.attrs.get("team_names", {}).get(check_lang(lang), {}).get(team, team)


def letter_name(letter: str, lang: str | None = None) -> str:
    """``"S (Specific)"`` for ``"specific"``, in ``lang`` (R is *Related*, as the sources define it).

    Examples
    --------
    >>> letter_name("related", "en")
    'R (Related: feeds the upper goal)'
    """
    return t(LETTER_KEYS[letter], check_lang(lang))


def _value_text(kpi_id: str, value: float, lang: str, currency: str) -> str:
    """A baseline or target for the table: the KPI's format, ``—`` when unknown."""
    if pd.isna(value):
        return "—"
    return format_value(kpi_id, value, lang, currency) if kpi_id in registry() else f"{value:g}"


def results_table(results: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """One row per target with its labels, values and the five letters' statuses, in ``lang``.

    Parameters
    ----------
    results : DataFrame
        :func:`~cskit.targets.evaluate_targets` output.
    lang : {"ja", "en"} or None
        Default: the language of ``results``.

    Returns
    -------
    DataFrame
        Text only: id, team, KPI name, baseline, target, deadline, ``S M A R T`` and
        progress, with headers in ``lang``.

    Examples
    --------
    >>> from cskit.datasets import load_growth_example
    >>> from cskit.targets import Target, evaluate_targets, parse_amount
    >>> data = load_growth_example()
    >>> goal = Target(id="T1", team="cs1", kpi="mrr", target=parse_amount("+10%"))  # no deadline
    >>> results = evaluate_targets(data, [goal], lang="en")
    >>> results_table(results).iloc[0].tolist()
    ['T1', 'cs1', 'Monthly recurring revenue (MRR)', '¥330', '¥363', '—', 'pass', 'pass', 'warn', 'pass', 'fail', 'unknown']
    """
    lang = _lang(results, lang)
    currency = results.attrs.get("currency", "JPY")
    table = pd.DataFrame({
        t("targets.col.id", lang): results["id"],
        t("targets.col.team", lang): [team_label(results, team, lang) for team in results["team"]],
        t("targets.col.kpi", lang): [get_kpi(k).label(lang) if k in registry() else k for k in results["kpi"]],
        t("targets.col.baseline", lang): [_value_text(k, v, lang, currency) for k, v in zip(results["kpi"], results["baseline"])],
        t("targets.col.target", lang): [_value_text(k, v, lang, currency) for k, v in zip(results["kpi"], results["target"])],
        t("targets.col.deadline", lang): results["deadline"].fillna("—"),
    })
    for letter, column in LETTER_COLUMNS.items():
        table[column] = [t(STATUS_KEYS[status], lang) for status in results[letter]]
    table[t("targets.col.progress", lang)] = [t(PROGRESS_KEYS[status], lang) for status in results["progress"]]
    return table.reset_index(drop=True)


def styled_results(results: pd.DataFrame, lang: str | None = None):
    """:func:`results_table` as a pandas Styler: each letter's and the progress cell coloured by status."""
    lang = _lang(results, lang)
    frame = results_table(results, lang)
    colours = {}
    for status, (background, text) in STATUS_COLOURS.items():
        key = PROGRESS_KEYS[status] if status in ("on_track", "behind") else STATUS_KEYS[status]
        colours[t(key, lang)] = f"background-color: {background}; color: {text}"
    columns = [*LETTER_COLUMNS.values(), t("targets.col.progress", lang)]
    return frame.style.map(lambda value: colours.get(value, ""), subset=columns).hide(axis="index")


def _not_passing(results: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """``(id, "<letter>: <status> — <reason>")`` for every letter that did not pass, in table order."""
    long = letter_verdicts(results)
    long = long[long["status"] != "pass"]
    return [(row.id, f"{letter_name(row.letter, lang)}: {t(STATUS_KEYS[row.status], lang)} — {row.reason}")
            for row in long.itertuples(index=False)]


def verdict_notes(results: pd.DataFrame, lang: str | None = None) -> str:
    """Markdown list of every SMART letter that did not pass, with its status and reason (``-`` if none).

    Examples
    --------
    >>> from cskit.datasets import load_growth_example
    >>> from cskit.targets import Target, evaluate_targets, parse_amount
    >>> data = load_growth_example()
    >>> goal = Target(id="T1", team="cs1", kpi="mrr", target=parse_amount("+10%"))  # no deadline
    >>> results = evaluate_targets(data, [goal], lang="en")
    >>> print(verdict_notes(results))
    - **T1** A (Achievable): warn — ...
    - **T1** T (Time-bound): fail — ...
    """
    lang = _lang(results, lang)
    return "\n".join(f"- **{target}** {note}" for target, note in _not_passing(results, lang)) or "-"


def render_results(results: pd.DataFrame, lang: str | None = None) -> str:
    """A readable summary for the terminal: the verdict table, then each non-passing reason."""
    lang = _lang(results, lang)
    return render_table(results_table(results, lang), title=t("targets.table_title", lang, as_of=results.attrs.get("as_of", "")),
                        notes=[f"{target} {note}" for target, note in _not_passing(results, lang)])


def to_records(results: pd.DataFrame) -> list[dict]:
    """The results as JSON-ready objects, one per target (what ``cskit targets --format json`` writes).

    Returns
    -------
    list of dict
        ``{id, team, kpi, baseline, target, deadline, checks: {letter: {status, reason}},
        progress: {expected, actual, status}}``; unknown numbers are None.

    Examples
    --------
    >>> from cskit.datasets import load_growth_example
    >>> from cskit.targets import Target, evaluate_targets, parse_amount
    >>> data = load_growth_example()
    >>> goal = Target(id="T1", team="cs1", kpi="mrr", target=parse_amount("+10%"))  # no deadline
    >>> results = evaluate_targets(data, [goal], lang="en")
    >>> record = to_records(results)[0]
    >>> record["baseline"], record["target"], record["checks"]["time_bound"]["status"], record["progress"]
    (330.0, 363.0, 'fail', {'expected': None, 'actual': None, 'status': 'unknown'})
    """
    def number(value):
        return None if pd.isna(value) else float(value)

    return [{
        "id": row["id"], "team": row["team"], "kpi": row["kpi"], "baseline": number(row["baseline"]),
        "target": number(row["target"]), "deadline": row["deadline"],
        "checks": {letter: {"status": str(row[letter]), "reason": row[f"{letter}_reason"]} for letter in LETTERS},
        "progress": {"expected": number(row["expected"]), "actual": number(row["actual"]), "status": str(row["progress"])},
    } for row in results.to_dict("records")]


def check_rewrite(entry: dict, dataset: Dataset, lang: str | None = None, as_of: str | None = None) -> str:
    """Feedback on a learner's rewritten target: which SMART letters still do not pass, and why.

    Parameters
    ----------
    entry : dict
        One target as in ``targets.yml`` (``id, team, kpi, target, deadline, parent``, ...).
    dataset : Dataset
    lang : {"ja", "en"} or None
    as_of : str, optional

    Returns
    -------
    str
        Markdown: a line naming the letters that still warn or fail, then one bullet per
        letter with its reason; or what stops the entry from being read (the same
        checks as a targets file). The feedback never writes the target for the learner.

    Examples
    --------
    >>> from cskit.datasets import load_growth_example
    >>> from cskit.targets import Target, evaluate_targets, parse_amount
    >>> data = load_growth_example()
    >>> entry = {"id": "T1", "team": "cs1", "kpi": "mrr", "target": "+90%", "deadline": "2025-06"}
    >>> print(check_rewrite(entry, data, "en"))
    Letters still not passing: A (Achievable). Read the reasons and try again.
    <BLANKLINE>
    - A (Achievable): fail — Needs ¥50 a month: ...
    >>> check_rewrite({**entry, "deadline": "June"}, data, "en")
    "'June' is not a YYYY-MM month."
    """
    lang = check_lang(lang)
    values = {k: v for k, v in entry.items() if v not in (None, "")}
    problems = entry_problems(values)
    missing = [p.column for p in problems if p.code == "targets.field_missing"]
    if missing:
        return t("targets.field_missing", lang, field=", ".join(missing))
    if problems:
        return t(problems[0].code, lang, **problems[0].params)
    result = evaluate_targets(dataset, [target_from_entry(values)], as_of=as_of, lang=lang)
    failing = letter_verdicts(result).query("status != 'pass'")
    if failing.empty:
        return t("targets.rewrite.all_pass", lang)
    head = t("targets.rewrite.still", lang, letters=", ".join(letter_name(letter, lang) for letter in failing["letter"]))
    details = [f"- {letter_name(row.letter, lang)}: {t(STATUS_KEYS[row.status], lang)} — {row.reason}"
               for row in failing.itertuples(index=False)]
    return "\n".join([head, ""] + details)
