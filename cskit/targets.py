"""SMART targets checked against the data, and progress along their path.

The sources define SMART with R as *Related*: a lower goal must feed the upper goal
(KPI -> KGI). Each target gets five verdicts (pass / warn / fail, with the reason and
the numbers used) and its progress: the path from baseline to target and where the
actual value stands on it. Only :func:`read_targets` does I/O.

Amounts, in a targets file::

    0.045    a level (absolute value of the KPI)
    -10%     a signed change relative to the baseline
    -0.5pt   a signed change in points (percentage points for rates, units otherwise)
    10%      unsigned: ambiguous on a rate (level 10 %? change of 10 %? 10 points?)
"""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .errors import CskitError, DataValidationError, Problem
from .i18n import t
from .io import Dataset
from .kpi.registry import format_value, get_kpi, path_to_kgi, registry

LETTERS = ("specific", "measurable", "achievable", "related", "time_bound")
REQUIRED_FIELDS = ("id", "team", "kpi", "target")
FIELDS = ("id", "team", "kpi", "baseline", "target", "start", "deadline", "parent", "owner", "note")
MAX_MONTHS = 24
#: A baseline measured in fewer of the last 6 months than this is too thin to steer by.
SPARSE_MONTHS = 3
_AMOUNT = re.compile(r"^(?P<sign>[+-])?(?P<number>\d+(?:\.\d+)?|\.\d+)(?P<suffix>%|pt)?$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
#: Values a KPI of each unit can take (rates are fractions; NPS -100..100).
UNIT_RANGE = {"rate": (0.0, 1.0), "count": (0.0, math.inf), "money": (0.0, math.inf), "days": (0.0, math.inf),
              "hours": (0.0, math.inf), "months": (0.0, math.inf), "ratio": (0.0, math.inf)}


@dataclass(frozen=True)
class Amount:
    """A parsed target amount.

    Attributes
    ----------
    kind : {"absolute", "relative", "points", "ambiguous"}
    value : float
        Level, relative change (fraction), or change in points, signed.
    text : str
        As written.
    """

    kind: str
    value: float
    text: str


@dataclass(frozen=True)
class Target:
    """One target as written in the file (``line`` is where it starts, for messages)."""

    id: str
    team: str
    kpi: str
    target: Amount
    baseline: float | None = None
    start: str | None = None
    deadline: str | None = None
    parent: str | None = None
    owner: str | None = None
    note: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Verdict:
    """One SMART letter's result: ``status`` pass / warn / fail and the ``reason`` in the user's language."""

    status: str
    reason: str

    def as_dict(self) -> dict:
        return {"status": self.status, "reason": self.reason}


def parse_amount(text) -> Amount:
    """Parse ``0.045``, ``-10%``, ``+2pt`` or an unsigned ``10%``.

    Raises
    ------
    ValueError
        If the text is none of these forms.
    """
    raw = str(text).strip().replace(",", "").replace("％", "%")
    match = _AMOUNT.match(raw)
    if not match:
        raise ValueError(raw)
    number = float(match["number"])
    sign = -1.0 if match["sign"] == "-" else 1.0
    if match["suffix"] == "pt":
        if not match["sign"]:
            return Amount("ambiguous", number, raw)
        return Amount("points", sign * number, raw)
    if match["suffix"] == "%":
        if not match["sign"]:
            return Amount("ambiguous", number / 100, raw)
        return Amount("relative", sign * number / 100, raw)
    return Amount("absolute", sign * number, raw)


def _point_size(unit: str) -> float:
    return 0.01 if unit == "rate" else 1.0


def readings(amount: Amount, baseline: float, kpi_id: str) -> dict[str, float]:
    """Every target value an amount can mean, keyed by reading (one entry unless ambiguous)."""
    kpi = get_kpi(kpi_id)
    improve = 1.0 if kpi.higher_is_better else -1.0
    if amount.kind == "absolute":
        return {"level": amount.value}
    if amount.kind == "relative":
        return {"relative": baseline * (1 + amount.value)}
    if amount.kind == "points":
        return {"points": baseline + amount.value * _point_size(kpi.unit)}
    # unsigned: read every way, changes in the improving direction
    if amount.text.endswith("pt"):
        return {"points": baseline + improve * amount.value * _point_size(kpi.unit)}
    options = {"relative": baseline * (1 + improve * amount.value)}
    if kpi.unit == "rate":
        options = {"level": amount.value, **options, "points": baseline + improve * amount.value * 100 * 0.01}
    return options


def value_range(kpi_id: str) -> tuple[float, float]:
    """Values a KPI can take: rates 0-1 (NRR can exceed 1), NPS -100..100, others >= 0."""
    if kpi_id.startswith("nrr_"):
        return 0.0, math.inf
    if kpi_id == "nps":
        return -100.0, 100.0
    return UNIT_RANGE.get(get_kpi(kpi_id).unit, (-math.inf, math.inf))


def target_value(amount: Amount, baseline: float, kpi_id: str) -> float:
    """The target level. An ambiguous amount is read as a relative change in the improving
    direction (what "cut the churn rate by 10 %" usually means); the check still warns."""
    options = readings(amount, baseline, kpi_id)
    return options.get("relative", next(iter(options.values())))


# --------------------------------------------------------------------------- #
# Reading a targets file
# --------------------------------------------------------------------------- #
def _entries_with_lines(text: str) -> list[tuple[int, dict, dict]]:
    """YAML entries with the line of each entry and of each field."""
    root = yaml.compose(text)
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise _ReadError(root.start_mark.line + 1, None, "targets.not_a_list")
    out = []
    for node in root.value:
        if not isinstance(node, yaml.MappingNode):
            raise _ReadError(node.start_mark.line + 1, None, "targets.entry_not_mapping")
        values = yaml.safe_load(yaml.serialize(node)) or {}
        lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
        out.append((node.start_mark.line + 1, values, lines))
    return out


class _ReadError(Exception):
    def __init__(self, line: int, field_name: str | None, code: str, **params):
        super().__init__(code)
        self.line, self.field, self.code, self.params = line, field_name, code, params


def read_targets(path: str | Path) -> list[Target]:
    """Read a targets file (a YAML list, or a CSV with the same columns).

    Raises
    ------
    DataValidationError
        Naming the file, line and field of every entry that cannot be read.
    """
    path = Path(path)
    if not path.is_file():
        raise CskitError("targets.file_missing", path=str(path))
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() == ".csv":
            rows = list(csv.DictReader(text.splitlines()))
            entries = [(i + 2, {k: v for k, v in row.items() if v not in ("", None)}, {}) for i, row in enumerate(rows)]
        else:
            entries = _entries_with_lines(text)
    except _ReadError as exc:
        raise DataValidationError([Problem(path.name, exc.code, (exc.line,), exc.field, exc.params)], str(path)) from None
    except (yaml.YAMLError, UnicodeDecodeError, csv.Error) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        rows = (line + 1,) if line is not None else ()
        reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise DataValidationError([Problem(path.name, "targets.file_unreadable", rows, None, {"reason": reason})], str(path)) from None

    targets, seen = [], set()
    for line, values, lines in entries:
        def where(name):
            return (lines.get(name, line),)

        entry_problems = []
        for name in REQUIRED_FIELDS:
            if values.get(name) in (None, ""):
                entry_problems.append(Problem(path.name, "targets.field_missing", (line,), name, {"field": name}))
        try:
            amount = parse_amount(values["target"]) if values.get("target") not in (None, "") else None
        except ValueError:
            amount = None
            entry_problems.append(Problem(path.name, "targets.bad_amount", where("target"), "target", {"value": str(values["target"])}))
        for name in ("start", "deadline"):
            value = values.get(name)
            if value not in (None, "") and not _MONTH.match(str(value)):
                entry_problems.append(Problem(path.name, "targets.bad_month", where(name), name, {"value": str(value)}))
        baseline = values.get("baseline")
        if baseline not in (None, ""):
            try:
                baseline = float(str(baseline).replace(",", ""))
            except ValueError:
                entry_problems.append(Problem(path.name, "targets.bad_number", where("baseline"), "baseline", {"value": str(baseline)}))
        else:
            baseline = None
        if str(values.get("id")) in seen:
            entry_problems.append(Problem(path.name, "targets.duplicate_id", where("id"), "id", {"value": str(values.get("id"))}))
        seen.add(str(values.get("id")))
        if entry_problems:
            problems.extend(entry_problems)
            continue
        targets.append(Target(
            id=str(values["id"]), team=str(values["team"]), kpi=str(values["kpi"]), target=amount,
            baseline=baseline, start=_text(values.get("start")), deadline=_text(values.get("deadline")),
            parent=_text(values.get("parent")), owner=_text(values.get("owner")), note=_text(values.get("note")), line=line,
        ))
    if problems:
        raise DataValidationError(problems, str(path))
    return targets


def _text(value) -> str | None:
    return None if value in (None, "") else str(value)


def default_targets_path(dataset: Dataset) -> Path | None:
    """``targets.yml`` (or ``targets.csv``) in the dataset folder, if there is one."""
    for name in ("targets.yml", "targets.yaml", "targets.csv"):
        candidate = Path(dataset.path) / name
        if candidate.is_file():
            return candidate
    return None


# --------------------------------------------------------------------------- #
# The checks
# --------------------------------------------------------------------------- #
def _months_between(first: pd.Period, last: pd.Period) -> int:
    return int(last.ordinal - first.ordinal)


@dataclass
class _Context:
    """Data a target's checks share: the team's KPI series and the months involved."""

    dataset: Dataset
    as_of: pd.Period
    lang: str
    series_cache: dict = field(default_factory=dict)

    def series(self, team: str, kpi_id: str) -> pd.Series:
        """The team's monthly values of ``kpi_id`` up to ``as_of`` (empty if none)."""
        from .kpi.engine import compute_kpis

        if team not in self.series_cache:
            self.series_cache[team] = compute_kpis(self.dataset, teams=[team], end=str(self.as_of))
        kpis = self.series_cache[team]
        return kpis[kpis["kpi"] == kpi_id].set_index("month")["value"]


def _fmt(kpi_id: str, value: float, lang: str) -> str:
    return format_value(kpi_id, value, lang) if kpi_id in registry() else f"{value:g}"


def _change_text(kpi_id: str, per_month: float, lang: str) -> str:
    unit = get_kpi(kpi_id).unit
    if unit == "rate":
        return f"{per_month * 100:.2f}pt"
    if unit == "count":
        return f"{per_month:,.1f}"
    return format_value(kpi_id, per_month, lang)


def check_specific(target: Target, ctx: _Context, baseline: float | None) -> Verdict:
    """Specific: a registry KPI, a known team (or all), an unambiguous amount."""
    lang = ctx.lang
    if target.kpi not in registry():
        return Verdict("fail", t("targets.specific.unknown_kpi", lang, kpi=target.kpi))
    if target.team != "all" and target.team not in set(ctx.dataset.teams["team"]):
        return Verdict("fail", t("targets.specific.unknown_team", lang, team=target.team))
    kpi = get_kpi(target.kpi)
    if target.target.kind == "ambiguous":
        if baseline is None or np.isnan(baseline):
            base = 0.0
        else:
            base = baseline
        low, high = value_range(target.kpi)
        options = {name: value for name, value in readings(target.target, base, target.kpi).items() if low <= value <= high}
        if len(options) > 1:
            shown = ", ".join(t(f"targets.reading.{name}", lang, value=_fmt(target.kpi, value, lang)) for name, value in options.items())
            return Verdict("warn", t("targets.specific.ambiguous", lang, amount=target.target.text, readings=shown))
        (name, value), = options.items()
        return Verdict("warn", t("targets.specific.ambiguous_sign", lang, amount=target.target.text,
                                 reading=t(f"targets.reading.{name}", lang, value=_fmt(target.kpi, value, lang))))
    goal = target_value(target.target, baseline if baseline is not None else 0.0, target.kpi)
    return Verdict("pass", t("targets.specific.ok", lang, kpi=kpi.label(lang),
                             team=ctx.dataset.team_name(target.team, lang) if target.team in set(ctx.dataset.teams["team"]) or target.team == "all" else target.team,
                             target=_fmt(target.kpi, goal, lang)))


def check_measurable(target: Target, ctx: _Context, baseline: float | None, start: pd.Period) -> Verdict:
    """Measurable: the dataset has the KPI's tables and the baseline is known."""
    lang = ctx.lang
    if target.kpi not in registry():
        return Verdict("fail", t("targets.specific.unknown_kpi", lang, kpi=target.kpi))
    missing = [name for name in get_kpi(target.kpi).tables if not ctx.dataset.has(name)]
    if missing:
        return Verdict("fail", t("targets.measurable.missing_tables", lang, tables=", ".join(missing)))
    if baseline is None or np.isnan(baseline):
        return Verdict("fail", t("targets.measurable.no_baseline", lang, month=start))
    if target.baseline is None:  # measured from the data: is it measured often enough?
        recent = ctx.series(target.team, target.kpi)
        known = int(recent[(recent.index <= start) & (recent.index > start - 6)].notna().sum())
        if known < SPARSE_MONTHS:
            return Verdict("warn", t("targets.measurable.sparse", lang, known=known, month=start))
    return Verdict("pass", t("targets.measurable.ok", lang, baseline=_fmt(target.kpi, baseline, lang), month=start))


def achievability(history: pd.Series, kpi_id: str) -> dict:
    """Improvement per month the team has shown (direction-aware), from its own history.

    Returns
    -------
    dict
        ``months`` of history, ``best_12m_per_month`` (the best 12-month improvement seen,
        per month), ``p75_monthly`` (75th percentile of month-over-month improvements).
    """
    improve = 1.0 if get_kpi(kpi_id).higher_is_better else -1.0
    values = history.dropna()
    gains = improve * values.diff().dropna()
    year_gains = improve * (values - values.shift(12)).dropna() if len(values) > 12 else pd.Series(dtype=float)
    best = float(year_gains.max()) / 12 if len(year_gains) else float(gains.clip(lower=0).mean()) if len(gains) else float("nan")
    return {
        "months": int(len(values)),
        "best_12m_per_month": max(best, 0.0) if not math.isnan(best) else best,
        "p75_monthly": float(gains.quantile(0.75)) if len(gains) else float("nan"),
    }


def check_achievable(target: Target, ctx: _Context, baseline: float | None, goal: float | None, start: pd.Period) -> Verdict:
    """Achievable: the change needed per month against the team's own best history."""
    lang = ctx.lang
    if target.kpi not in registry() or baseline is None or goal is None or np.isnan(baseline):
        return Verdict("fail", t("targets.measurable.no_baseline", lang, month=start))
    kpi = get_kpi(target.kpi)
    low, high = value_range(target.kpi)
    if goal < low or goal > high:
        return Verdict("fail", t("targets.achievable.impossible", lang, target=_fmt(target.kpi, goal, lang),
                                 low=_fmt(target.kpi, low, lang), high=_fmt(target.kpi, high, lang)))
    improve = 1.0 if kpi.higher_is_better else -1.0
    needed = improve * (goal - baseline)
    if needed <= 0:
        return Verdict("pass", t("targets.achievable.met", lang, baseline=_fmt(target.kpi, baseline, lang), target=_fmt(target.kpi, goal, lang)))
    if not target.deadline:
        return Verdict("fail", t("targets.achievable.no_deadline", lang))
    months = _months_between(start, pd.Period(target.deadline, freq="M"))
    if months <= 0:
        return Verdict("fail", t("targets.achievable.no_deadline", lang))
    history = ctx.series(target.team, target.kpi)
    history = history[history.index <= start]
    seen = achievability(history, target.kpi)
    if seen["months"] < 4 or math.isnan(seen["best_12m_per_month"]):
        return Verdict("warn", t("targets.achievable.no_history", lang, months=seen["months"]))
    per_month = needed / months
    best = seen["best_12m_per_month"]
    numbers = {"needed": _change_text(target.kpi, per_month, lang), "best": _change_text(target.kpi, best, lang),
               "p75": _change_text(target.kpi, seen["p75_monthly"], lang)}
    if per_month <= best:
        return Verdict("pass", t("targets.achievable.pass", lang, **numbers))
    if per_month <= 2 * best:
        return Verdict("warn", t("targets.achievable.warn", lang, **numbers))
    return Verdict("fail", t("targets.achievable.fail", lang, **numbers))


def check_related(target: Target, ctx: _Context) -> Verdict:
    """Related: the KPI reaches a KGI through the KPI tree, and the stated parent is on that path."""
    lang = ctx.lang
    if target.kpi not in registry():
        return Verdict("fail", t("targets.related.unknown", lang))
    path = path_to_kgi(target.kpi)
    shown = " → ".join(get_kpi(k).label(lang) for k in path)
    if get_kpi(target.kpi).kgi and target.parent in (None, target.kpi):
        return Verdict("pass", t("targets.related.ok", lang, path=shown))
    if target.parent is None:
        return Verdict("warn", t("targets.related.no_parent", lang, path=shown))
    if target.parent not in path[1:] and not (get_kpi(target.kpi).kgi and target.parent == target.kpi):
        return Verdict("fail", t("targets.related.off_path", lang, parent=target.parent, path=shown))
    return Verdict("pass", t("targets.related.ok", lang, path=shown))


def check_time_bound(target: Target, ctx: _Context, start: pd.Period) -> Verdict:
    """Time-bound: a deadline after the start month and at most 24 months after it."""
    lang = ctx.lang
    if not target.deadline:
        return Verdict("fail", t("targets.time.missing", lang))
    deadline = pd.Period(target.deadline, freq="M")
    months = _months_between(start, deadline)
    if months <= 0:
        return Verdict("fail", t("targets.time.past", lang, deadline=deadline, as_of=start))
    if months > MAX_MONTHS:
        return Verdict("fail", t("targets.time.far", lang, deadline=deadline, months=months))
    if months == 1:
        return Verdict("warn", t("targets.time.short", lang, deadline=deadline))
    return Verdict("pass", t("targets.time.ok", lang, deadline=deadline, months=months, as_of=start))


# --------------------------------------------------------------------------- #
# Progress
# --------------------------------------------------------------------------- #
def target_path(kpi_id: str, baseline: float, goal: float, start: pd.Period, deadline: pd.Period) -> pd.Series:
    """Expected value each month from ``start`` (baseline) to ``deadline`` (target).

    Counts and money move linearly; rates compound (a constant monthly factor) when
    both ends are positive, since a churn rate falls by a share, not by a fixed step.
    """
    months = pd.period_range(start, deadline, freq="M")
    share = np.linspace(0.0, 1.0, len(months))
    if get_kpi(kpi_id).unit == "rate" and baseline > 0 and goal > 0:
        values = baseline * (goal / baseline) ** share
    else:
        values = baseline + (goal - baseline) * share
    return pd.Series(values, index=months, name=kpi_id)


def progress(target: Target, ctx: _Context, baseline: float | None, goal: float | None, start: pd.Period) -> dict:
    """Expected vs actual at ``as_of`` and whether the team is on track (direction-aware)."""
    status = "unknown"
    expected = actual = None
    if target.kpi in registry() and baseline is not None and goal is not None and not np.isnan(baseline) and target.deadline:
        deadline = pd.Period(target.deadline, freq="M")
        if deadline > start:
            if ctx.as_of <= start:
                status, expected, actual = "not_started", baseline, baseline
            else:
                path = target_path(target.kpi, baseline, goal, start, deadline)
                month = min(ctx.as_of, deadline)
                expected = float(path.loc[month])
                series = ctx.series(target.team, target.kpi)
                actual = float(series.get(month, np.nan))
                if np.isnan(actual):
                    status = "unknown"
                else:
                    better = actual >= expected if get_kpi(target.kpi).higher_is_better else actual <= expected
                    status = "on_track" if better else "behind"
    return {"expected": _clean(expected), "actual": _clean(actual), "status": status}


def _clean(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 10)


# --------------------------------------------------------------------------- #
# All together
# --------------------------------------------------------------------------- #
def evaluate_targets(dataset: Dataset, targets: list[Target], as_of: str | None = None, lang: str = "ja") -> list[dict]:
    """SMART checks and progress of every target.

    Parameters
    ----------
    dataset : Dataset
    targets : list of Target
    as_of : str, optional
        The month of evaluation (``YYYY-MM``); default the data's last month. A target
        without ``start`` is set at ``as_of`` (its baseline is the value then).
    lang : {"ja", "en"}

    Returns
    -------
    list of dict
        ``{id, team, kpi, baseline, target, deadline, checks: {letter: {status, reason}},
        progress: {expected, actual, status}}``.
    """
    from .kpi.engine import resolve_months

    _, last = resolve_months(dataset, None, as_of)
    ctx = _Context(dataset, last, lang)
    results = []
    for target in targets:
        start = pd.Period(target.start, freq="M") if target.start else ctx.as_of
        baseline = target.baseline
        known_team = target.team == "all" or target.team in set(dataset.teams["team"])
        if baseline is None and target.kpi in registry() and known_team:
            series = ctx.series(target.team, target.kpi)
            value = series.get(start, np.nan)
            baseline = None if pd.isna(value) else float(value)
        goal = target_value(target.target, baseline, target.kpi) if baseline is not None and target.kpi in registry() else None
        if goal is None and target.target.kind == "absolute":
            goal = target.target.value
        checks = {
            "specific": check_specific(target, ctx, baseline),
            "measurable": check_measurable(target, ctx, baseline, start) if known_team else Verdict(
                "fail", t("targets.specific.unknown_team", lang, team=target.team)),
            "achievable": check_achievable(target, ctx, baseline, goal, start) if known_team else Verdict(
                "fail", t("targets.specific.unknown_team", lang, team=target.team)),
            "related": check_related(target, ctx),
            "time_bound": check_time_bound(target, ctx, start),
        }
        results.append({
            "id": target.id, "team": target.team, "kpi": target.kpi,
            "baseline": _clean(baseline), "target": _clean(goal), "deadline": target.deadline,
            "checks": {letter: checks[letter].as_dict() for letter in LETTERS},
            "progress": progress(target, ctx, baseline, goal, start) if known_team else {"expected": None, "actual": None, "status": "unknown"},
        })
    return results


def results_table(results: list[dict], lang: str) -> pd.DataFrame:
    """One row per target: the five letters' statuses and the progress, in ``lang``."""
    rows = []
    for result in results:
        kpi = result["kpi"]
        label = get_kpi(kpi).label(lang) if kpi in registry() else kpi
        row = {t("targets.col.id", lang): result["id"], t("targets.col.team", lang): result["team"], t("targets.col.kpi", lang): label,
               t("targets.col.baseline", lang): _fmt(kpi, result["baseline"], lang) if result["baseline"] is not None else "—",
               t("targets.col.target", lang): _fmt(kpi, result["target"], lang) if result["target"] is not None else "—",
               t("targets.col.deadline", lang): result["deadline"] or "—"}
        for letter in LETTERS:
            row[letter[0].upper() if letter != "time_bound" else "T"] = t(f"targets.status.{result['checks'][letter]['status']}", lang)
        row[t("targets.col.progress", lang)] = t(f"targets.progress.{result['progress']['status']}", lang)
        rows.append(row)
    return pd.DataFrame(rows)


def check_rewrite(entry: dict, dataset: Dataset, lang: str = "ja", as_of: str | None = None) -> str:
    """Feedback on a learner's rewritten target (a dict like one targets.yml entry): which letters still fail.

    The feedback names the letters and their reasons; it never writes the target for the learner.
    """
    values = {k: v for k, v in entry.items() if v not in (None, "")}
    missing = [name for name in REQUIRED_FIELDS if name not in values]
    if missing:
        return t("targets.field_missing", lang, field=", ".join(missing))
    try:
        amount = parse_amount(values["target"])
    except ValueError:
        return t("targets.bad_amount", lang, value=str(values["target"]))
    target = Target(id=str(values["id"]), team=str(values["team"]), kpi=str(values["kpi"]), target=amount,
                    baseline=values.get("baseline"), start=_text(values.get("start")), deadline=_text(values.get("deadline")),
                    parent=_text(values.get("parent")))
    result = evaluate_targets(dataset, [target], as_of=as_of, lang=lang)[0]
    failing = {letter: check for letter, check in result["checks"].items() if check["status"] != "pass"}
    if not failing:
        return t("targets.rewrite.all_pass", lang)
    details = "; ".join(f"{letter}: {check['reason']}" for letter, check in failing.items())
    return t("targets.rewrite.still", lang, letters=", ".join(failing)) + " " + details


def render_table(results: list[dict], lang: str, as_of: str) -> str:
    """A readable summary for the terminal: the verdict table, then each non-passing reason."""
    from rich.console import Console
    from rich.table import Table

    frame = results_table(results, lang)
    console = Console(file=io.StringIO(), record=True, width=140, force_terminal=False, color_system=None)
    table = Table(title=t("targets.table_title", lang, as_of=as_of))
    for column in frame.columns:
        table.add_column(str(column))
    for row in frame.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    console.print(table)
    for result in results:
        for letter, check in result["checks"].items():
            if check["status"] != "pass":
                console.print(f"{result['id']} {letter} ({t('targets.status.' + check['status'], lang)}): {check['reason']}", markup=False)
    return console.export_text()
