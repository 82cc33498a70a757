"""SMART targets: read from a file, checked against the data, followed along their path.

:mod:`.spec`
    What a target says: :class:`Target`, :class:`Amount`, :func:`parse_amount`,
    :func:`read_targets` (YAML or CSV, every unreadable entry named by line and field).
:mod:`.smart`
    The five checks and the progress; :func:`evaluate_targets` returns one tidy row per
    target (the columns are described there), :func:`letter_verdicts` the long form.
:mod:`.present`
    The results for people: :func:`styled_results`, :func:`verdict_notes`,
    :func:`render_results` (terminal), :func:`to_records` (JSON), :func:`check_rewrite`,
    :func:`team_label` (a target's team by its name).
"""
from __future__ import annotations

from .present import (LETTER_COLUMNS, LETTER_KEYS, PROGRESS_KEYS, STATUS_KEYS, STATUS_COLOURS, check_rewrite, letter_name, render_results, results_table,
                      styled_results, team_label, to_records, verdict_notes)
from .smart import (LETTERS, MAX_MONTHS, PROGRESS, RESULT_COLUMNS, SPARSE_MONTHS, STATUSES, Verdict, achievability,
                    check_achievable, check_measurable, check_related, check_specific, check_time_bound,
                    evaluate_targets, evaluation_month, letter_verdicts, progress, target_actuals, target_path)
from .spec import (DEFAULT_NAMES, FIELDS, REQUIRED_FIELDS, Amount, Target, default_targets_path, entry_problems,
                   parse_amount, read_targets, readings, target_from_entry, target_value, value_range)

__all__ = [
    "LETTER_KEYS", "PROGRESS_KEYS", "STATUS_KEYS",
    "DEFAULT_NAMES", "FIELDS", "LETTERS", "LETTER_COLUMNS", "MAX_MONTHS", "PROGRESS", "REQUIRED_FIELDS", "RESULT_COLUMNS",
    "SPARSE_MONTHS", "STATUSES", "STATUS_COLOURS", "Amount", "Target", "Verdict", "achievability", "check_achievable",
    "check_measurable", "check_related", "check_rewrite", "check_specific", "check_time_bound", "default_targets_path",
    "entry_problems", "evaluate_targets", "evaluation_month", "letter_name", "letter_verdicts", "parse_amount",
    "progress", "read_targets", "readings", "render_results", "results_table", "styled_results", "target_actuals",
    "target_from_entry", "target_path", "target_value", "team_label", "to_records", "value_range", "verdict_notes",
]
