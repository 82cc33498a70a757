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
import difflib
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .errors import CskitError, DataValidationError, OptionError, Problem
from .i18n import resolve_lang, t
from .io import Dataset, detect_encoding
from .kpi.registry import UNIT_SUFFIX_KEYS, format_value, get_kpi, path_to_kgi, registry

LETTERS = ("specific", "measurable", "achievable", "related", "time_bound")
REQUIRED_FIELDS = ("id", "team", "kpi", "target")
FIELDS = ("id", "team", "kpi", "baseline", "target", "start", "deadline", "parent", "owner", "note")
MAX_MONTHS = 24
#: A baseline measured in fewer of the last 6 months than this is too thin to steer by.
SPARSE_MONTHS = 3
_AMOUNT = re.compile(r"^(?P<sign>[+-])?(?P<number>\d+(?:\.\d+)?|\.\d+)(?P<suffix>%|pt)?$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


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
    """One target as written in a targets file.

    Attributes
    ----------
    id : str
    team : str
        A team id of the dataset, or ``"all"`` for the company.
    kpi : str
        A KPI registry id.
    target : Amount
        The amount as parsed by :func:`parse_amount`.
    baseline : float or None
        In the KPI's unit; None: the KPI's value in the start month.
    start : str or None
        ``YYYY-MM`` the target was set (its baseline month); None: the evaluation month.
    deadline : str or None
        ``YYYY-MM``.
    parent : str or None
        The KGI or parent KPI the target feeds (SMART R, *Related*).
    owner, note : str or None
    line : int
        Line (YAML) or spreadsheet row (CSV) where the entry starts, for messages.
    """

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
    """Every target value an amount can mean, keyed by reading (one entry unless ambiguous).

    An unsigned ``10%`` on a rate has three readings: the level 10 %, a relative change
    of 10 % and a change of 10 points, both in the improving direction (a decrease for a
    lower-is-better KPI). Readings outside the KPI's range are kept: the check shows them
    as impossible.

    Examples
    --------
    >>> readings(parse_amount("10%"), 0.04, "logo_churn_rate")  # doctest: +SKIP
    {'level': 0.1, 'relative': 0.036, 'points': -0.06}
    """
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
    """Values a KPI can take, from the registry (rates 0-1, NRR without a ceiling, NPS -100..100, ...)."""
    return get_kpi(kpi_id).value_range


def target_value(amount: Amount, baseline: float, kpi_id: str) -> float:
    """The target level the amount sets from ``baseline``.

    An ambiguous amount is read as a relative change in the improving direction (what
    "cut the churn rate by 10 %" usually means), or, if that is impossible, as the first
    possible reading (points, then level); Specific still warns.

    Examples
    --------
    >>> target_value(parse_amount("-10%"), 0.04, "logo_churn_rate")  # doctest: +SKIP
    0.036
    """
    options = readings(amount, baseline, kpi_id)
    low, high = value_range(kpi_id)
    for name in ("relative", "points", "level"):
        if name in options and low <= options[name] <= high:
            return options[name]
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
        if path.suffix.lower() == ".csv":
            # a CSV saved from Excel in Japan is often Shift_JIS: detect it as the data loader does
            text = path.read_text(encoding=detect_encoding(path))
            rows = list(csv.DictReader(text.splitlines()))
            entries = [(i + 2, {k: v for k, v in row.items() if v not in ("", None)}, {}) for i, row in enumerate(rows)]
        else:
            entries = _entries_with_lines(path.read_text(encoding="utf-8-sig"))
    except _ReadError as exc:
        raise DataValidationError([Problem(path.name, exc.code, (exc.line,), exc.field, exc.params)], str(path)) from None
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, csv.Error) as exc:
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
        for name in values:  # a typo of a known field would silently drop it (e.g. no deadline)
            close = difflib.get_close_matches(str(name), FIELDS, n=1, cutoff=0.75)
            if name not in FIELDS and close:
                entry_problems.append(Problem(path.name, "targets.unknown_field", where(name), str(name),
                                              {"field": str(name), "known": close[0]}))
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
    teams: tuple[str, ...] = ()
    series_cache: dict = field(default_factory=dict)

    def series(self, team: str, kpi_id: str) -> pd.Series:
        """The team's monthly values of ``kpi_id`` up to ``as_of`` (empty if none).

        The KPIs of every team in ``teams`` are computed in one call the first time (the
        engine's shared preparation is the costly part).
        """
        from .kpi.engine import compute_kpis

        if team not in self.series_cache:
            wanted = [team] + [other for other in self.teams if other != team and other not in self.series_cache]
            kpis = compute_kpis(self.dataset, teams=wanted, end=str(self.as_of))
            for name in wanted:
                self.series_cache[name] = kpis[kpis["team"] == name]
        kpis = self.series_cache[team]
        return kpis[kpis["kpi"] == kpi_id].set_index("month")["value"]


def _fmt(kpi_id: str, value: float, lang: str) -> str:
    return format_value(kpi_id, value, lang) if kpi_id in registry() else f"{value:g}"


#: Message keys written out in full (a search for a key finds every user).
_READING_KEYS = {"level": "targets.reading.level", "relative": "targets.reading.relative", "points": "targets.reading.points"}
STATUS_KEYS = {"pass": "targets.status.pass", "warn": "targets.status.warn", "fail": "targets.status.fail"}
PROGRESS_KEYS = {"on_track": "targets.progress.on_track", "behind": "targets.progress.behind",
                  "not_started": "targets.progress.not_started", "unknown": "targets.progress.unknown"}
LETTER_KEYS = {"specific": "targets.letter.specific", "measurable": "targets.letter.measurable",
                "achievable": "targets.letter.achievable", "related": "targets.letter.related",
                "time_bound": "targets.letter.time_bound"}


def _change_text(kpi_id: str, change: float, lang: str) -> str:
    """A change in the KPI's unit: points for rates, currency for money, 3 significant digits otherwise."""
    unit = get_kpi(kpi_id).unit
    if unit == "rate":
        return f"{change * 100:.2f}pt"
    if unit == "money":
        return format_value(kpi_id, change, lang)
    size = abs(change)
    number = f"{change:,.0f}" if size >= 100 else f"{change:.1f}" if size >= 1 else f"{change:.3g}"
    return number + (t(UNIT_SUFFIX_KEYS[unit], lang) if unit in UNIT_SUFFIX_KEYS else "")


def check_specific(target: Target, ctx: _Context, baseline: float | None) -> Verdict:
    """Specific: a registry KPI, a known team (or ``all``), an unambiguous amount.

    pass: all three; warn: an unsigned amount (on a rate ``10%`` has three readings,
    all listed, impossible ones marked; elsewhere the direction is missing) or a relative
    change of a zero baseline; fail: a KPI not in the registry or a team not in the data.
    """
    lang = ctx.lang
    if target.kpi not in registry():
        return Verdict("fail", t("targets.specific.unknown_kpi", lang, kpi=target.kpi))
    if target.team != "all" and target.team not in set(ctx.dataset.teams["team"]):
        return Verdict("fail", t("targets.specific.unknown_team", lang, team=target.team))
    kpi = get_kpi(target.kpi)
    if target.target.kind == "ambiguous":
        known = baseline is not None and not np.isnan(baseline)
        options = readings(target.target, baseline if known else 0.0, target.kpi)
        if not known:  # without a baseline only the level reading has a value
            options = {name: (value if name == "level" else None) for name, value in options.items()}
        if len(options) > 1:
            low, high = value_range(target.kpi)
            shown = []
            for name, value in options.items():
                text = t(_READING_KEYS[name], lang, value=_fmt(target.kpi, value, lang) if value is not None else "?")
                if value is not None and not low <= value <= high:
                    text += t("targets.reading.impossible", lang)
                shown.append(text)
            sign = "+" if kpi.higher_is_better else "-"
            number = target.target.text.rstrip("%")
            return Verdict("warn", t("targets.specific.ambiguous", lang, amount=target.target.text,
                                     readings=t("targets.reading.separator", lang).join(shown),
                                     level=f"{target.target.value:g}", relative=f"{sign}{number}%", points=f"{sign}{number}pt"))
        (name, value), = options.items()
        return Verdict("warn", t("targets.specific.ambiguous_sign", lang, amount=target.target.text,
                                 reading=t(_READING_KEYS[name], lang, value=_fmt(target.kpi, value, lang) if value is not None else "?")))
    if target.target.kind == "relative" and baseline == 0:
        return Verdict("warn", t("targets.specific.zero_baseline", lang, amount=target.target.text))
    goal = target_value(target.target, baseline if baseline is not None else 0.0, target.kpi)
    return Verdict("pass", t("targets.specific.ok", lang, kpi=kpi.label(lang),
                             team=ctx.dataset.team_name(target.team, lang) if target.team in set(ctx.dataset.teams["team"]) or target.team == "all" else target.team,
                             target=_fmt(target.kpi, goal, lang)))


def check_measurable(target: Target, ctx: _Context, baseline: float | None, start: pd.Period) -> Verdict:
    """Measurable: the dataset has the KPI's tables and the baseline is known.

    pass: computable, with a baseline; warn: a baseline computed from fewer than
    :data:`SPARSE_MONTHS` values in the 6 months up to the start; fail: a table the KPI
    needs is missing, the KPI is unknown, or the team has no value in the start month.
    """
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
        ``months`` of history; ``best_12m_per_month``: the best improvement over 12 months
        seen, divided by 12 (0 if the KPI never improved over 12 months; with 12 months of
        history or less, the mean month-over-month improvement, falls counted as 0);
        ``p75_monthly``: 75th percentile of the month-over-month improvements; ``span``:
        the highest minus the lowest value seen. Improvements are changes in the better
        direction: a fall for a lower-is-better KPI.

    Examples
    --------
    A churn rate that fell from 5 % by 0.1 point a month for two years improved 0.1 point
    a month in its best 12 months:

    >>> months = pd.period_range("2023-01", periods=24, freq="M")
    >>> history = pd.Series([0.05 - 0.001 * i for i in range(24)], index=months)
    >>> round(achievability(history, "logo_churn_rate")["best_12m_per_month"], 6)
    0.001
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
        "span": float(values.max() - values.min()) if len(values) else float("nan"),
    }


def check_achievable(target: Target, ctx: _Context, baseline: float | None, goal: float | None, start: pd.Period) -> Verdict:
    """Achievable: the change needed per month against the team's own history up to the start.

    Direction-aware: for a lower-is-better KPI the improvement is a fall.

    - pass: needs no more per month than the best 12 months seen (``best_12m_per_month``);
    - warn (a stretch): up to twice that;
    - fail: more than twice that, or a target outside the values the KPI can take.

    A KPI that never improved over 12 months is judged by its span instead: a change
    within the range it has moved warns, a change beyond it fails.
    """
    lang = ctx.lang
    if target.kpi not in registry():
        return Verdict("warn", t("targets.achievable.not_judged", lang, why=t("targets.achievable.why_kpi", lang)))
    kpi = get_kpi(target.kpi)
    low, high = value_range(target.kpi)
    if goal is not None and not low <= goal <= high:
        return Verdict("fail", t("targets.achievable.impossible", lang, target=_fmt(target.kpi, goal, lang),
                                 low=_fmt(target.kpi, low, lang), high="∞" if math.isinf(high) else _fmt(target.kpi, high, lang)))
    if baseline is None or goal is None or np.isnan(baseline):
        return Verdict("warn", t("targets.achievable.not_judged", lang, why=t("targets.achievable.why_baseline", lang)))
    improve = 1.0 if kpi.higher_is_better else -1.0
    needed = improve * (goal - baseline)
    if needed <= 0:
        return Verdict("pass", t("targets.achievable.met", lang, baseline=_fmt(target.kpi, baseline, lang), target=_fmt(target.kpi, goal, lang)))
    months = _months_between(start, pd.Period(target.deadline, freq="M")) if target.deadline else 0
    if months <= 0:  # no deadline, or none after the start: Time-bound fails, this letter cannot be judged
        return Verdict("warn", t("targets.achievable.not_judged", lang, why=t("targets.achievable.why_deadline", lang)))
    history = ctx.series(target.team, target.kpi)
    history = history[history.index <= start]
    seen = achievability(history, target.kpi)
    if seen["months"] < 4 or math.isnan(seen["best_12m_per_month"]):
        return Verdict("warn", t("targets.achievable.no_history", lang, months=seen["months"]))
    per_month = needed / months
    best = seen["best_12m_per_month"]
    numbers = {"needed": _change_text(target.kpi, per_month, lang), "best": _change_text(target.kpi, best, lang),
               "p75": _change_text(target.kpi, seen["p75_monthly"], lang), "months": seen["months"]}
    if best <= 0:
        flat = {"total": _change_text(target.kpi, needed, lang), "span": _change_text(target.kpi, seen["span"], lang),
                "months": seen["months"]}
        return Verdict("warn" if needed <= seen["span"] else "fail",
                       t("targets.achievable.flat_warn" if needed <= seen["span"] else "targets.achievable.flat_fail", lang, **flat))
    if per_month <= best:
        return Verdict("pass", t("targets.achievable.pass", lang, **numbers))
    if per_month <= 2 * best:
        return Verdict("warn", t("targets.achievable.warn", lang, **numbers))
    return Verdict("fail", t("targets.achievable.fail", lang, **numbers))


def check_related(target: Target, ctx: _Context) -> Verdict:
    """Related (the sources' R): the KPI reaches a KGI through the KPI tree, and the stated parent is on that path.

    pass: the parent lies on the path from the KPI up to the KGI (any level), or the KPI is
    itself a KGI; warn: no parent stated (the path is shown so one can be chosen); fail: a
    parent off the path, a KPI not in the registry, or a path that never reaches a KGI.
    """
    lang = ctx.lang
    if target.kpi not in registry():
        return Verdict("fail", t("targets.related.unknown", lang))
    path = path_to_kgi(target.kpi)
    shown = " → ".join(get_kpi(k).label(lang) for k in path)
    if not get_kpi(path[-1]).kgi:  # a registry KPI whose parents never reach a KGI
        return Verdict("fail", t("targets.related.no_kgi", lang, path=shown))
    if get_kpi(target.kpi).kgi and target.parent in (None, target.kpi):
        return Verdict("pass", t("targets.related.is_kgi", lang, kpi=shown))
    if target.parent is None:
        return Verdict("warn", t("targets.related.no_parent", lang, path=shown))
    if target.parent not in path[1:]:
        return Verdict("fail", t("targets.related.off_path", lang, parent=target.parent, path=shown))
    return Verdict("pass", t("targets.related.ok", lang, path=shown))


def check_time_bound(target: Target, ctx: _Context, start: pd.Period) -> Verdict:
    """Time-bound: a deadline after ``as_of``, at most 24 months after the start month.

    The start is the target's ``start`` month, else ``as_of``. A one-month horizon warns:
    one monthly value cannot show a trend.
    """
    lang = ctx.lang
    if not target.deadline:
        return Verdict("fail", t("targets.time.missing", lang))
    deadline = pd.Period(target.deadline, freq="M")
    months = _months_between(start, deadline)
    if deadline <= ctx.as_of or months <= 0:
        return Verdict("fail", t("targets.time.past", lang, deadline=deadline, as_of=max(ctx.as_of, start)))
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

    Counts and money (and every other unit) move linearly; rates compound (a constant
    monthly factor) when both ends are positive, since a churn rate falls by a share, not
    by a fixed step. Month k of n is ``b + (g - b) k / n`` or ``b (g / b) ^ (k / n)``.

    Examples
    --------
    >>> start, end = pd.Period("2024-01", "M"), pd.Period("2024-05", "M")
    >>> target_path("mrr", 100.0, 200.0, start, end).tolist()
    [100.0, 125.0, 150.0, 175.0, 200.0]
    """
    months = pd.period_range(start, deadline, freq="M")
    share = np.linspace(0.0, 1.0, len(months))
    if get_kpi(kpi_id).unit == "rate" and baseline > 0 and goal > 0:
        values = baseline * (goal / baseline) ** share
    else:
        values = baseline + (goal - baseline) * share
    return pd.Series(values, index=months, name=kpi_id)


def progress(target: Target, ctx: _Context, baseline: float | None, goal: float | None, start: pd.Period) -> dict:
    """Expected vs actual at ``as_of`` and whether the team is on track (direction-aware).

    ``on_track``: the actual value in ``as_of`` (or at the deadline, if that is earlier) is
    on the better side of the path or on it; ``behind``: on the worse side;
    ``not_started``: the target starts in ``as_of``; ``unknown``: no path or no actual.
    """
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
def evaluation_month(dataset: Dataset, as_of: str | None = None) -> pd.Period:
    """``as_of`` as a month within the data (default: the data's last month).

    Raises
    ------
    OptionError
        If ``as_of`` is not ``YYYY-MM`` or lies outside the data's months.
    """
    months = dataset.months
    if as_of is None:
        return months[-1]
    if not _MONTH.match(str(as_of)):
        raise OptionError("--as-of", as_of, "YYYY-MM")
    month = pd.Period(str(as_of), freq="M")
    if not months[0] <= month <= months[-1]:
        raise OptionError("--as-of", as_of, f"{months[0]} .. {months[-1]}")
    return month


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
    lang = resolve_lang(lang)
    last = evaluation_month(dataset, as_of)
    known = set(dataset.teams["team"]) | {"all"}
    ctx = _Context(dataset, last, lang, teams=tuple(dict.fromkeys(target.team for target in targets if target.team in known)))
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
                "warn", t("targets.achievable.not_judged", lang, why=t("targets.achievable.why_team", lang))),
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
            row[letter[0].upper() if letter != "time_bound" else "T"] = t(STATUS_KEYS[result["checks"][letter]["status"]], lang)
        row[t("targets.col.progress", lang)] = t(PROGRESS_KEYS[result["progress"]["status"]], lang)
        rows.append(row)
    return pd.DataFrame(rows)


def letter_name(letter: str, lang: str) -> str:
    """``"S (Specific)"`` for ``"specific"``, in ``lang`` (R is *Related*, as the sources define it)."""
    return t(LETTER_KEYS[letter], lang)


#: Cell colours of the verdict table (colour-blind safe pairs of background and text).
STATUS_COLOURS = {"pass": ("#d9f0d3", "#1b5e20"), "warn": ("#fff3c4", "#7a5a00"), "fail": ("#fbd5d5", "#8b1a1a"),
                  "on_track": ("#d9f0d3", "#1b5e20"), "behind": ("#fbd5d5", "#8b1a1a")}


def styled_results(results: list[dict], lang: str):
    """:func:`results_table` as a pandas Styler: each letter's and the progress cell coloured by status."""
    frame = results_table(results, lang)
    colours = {}
    for status, (background, text) in STATUS_COLOURS.items():
        key = PROGRESS_KEYS[status] if status in ("on_track", "behind") else STATUS_KEYS[status]
        colours[t(key, lang)] = f"background-color: {background}; color: {text}"
    columns = [c for c in frame.columns if c in ("S", "M", "A", "R", "T", t("targets.col.progress", lang))]
    return frame.style.map(lambda value: colours.get(value, ""), subset=columns).hide(axis="index")


def verdict_notes(results: list[dict], lang: str) -> str:
    """Markdown list of every SMART letter that did not pass, with its status and reason (``-`` if none)."""
    lines = [f"- **{r['id']}** {letter_name(letter, lang)}: {t(STATUS_KEYS[c['status']], lang)} — {c['reason']}"
             for r in results for letter, c in r["checks"].items() if c["status"] != "pass"]
    return "\n".join(lines) or "-"


def check_rewrite(entry: dict, dataset: Dataset, lang: str = "ja", as_of: str | None = None) -> str:
    """Feedback on a learner's rewritten target: which SMART letters still do not pass, and why.

    Parameters
    ----------
    entry : dict
        One target as in ``targets.yml`` (``id, team, kpi, target, deadline, parent``, ...).
    dataset : Dataset
    lang : {"ja", "en"}
    as_of : str, optional

    Returns
    -------
    str
        Markdown: a line naming the letters that still warn or fail, then one bullet per
        letter with its reason. The feedback never writes the target for the learner.
    """
    values = {k: v for k, v in entry.items() if v not in (None, "")}
    missing = [name for name in REQUIRED_FIELDS if name not in values]
    if missing:
        return t("targets.field_missing", lang, field=", ".join(missing))
    try:
        amount = parse_amount(values["target"])
    except ValueError:
        return t("targets.bad_amount", lang, value=str(values["target"]))
    for name in ("start", "deadline"):
        if name in values and not _MONTH.match(str(values[name])):
            return t("targets.bad_month", lang, value=str(values[name]))
    baseline = values.get("baseline")
    if baseline is not None:
        try:
            baseline = float(str(baseline).replace(",", ""))
        except ValueError:
            return t("targets.bad_number", lang, value=str(baseline))
    target = Target(id=str(values["id"]), team=str(values["team"]), kpi=str(values["kpi"]), target=amount,
                    baseline=baseline, start=_text(values.get("start")), deadline=_text(values.get("deadline")),
                    parent=_text(values.get("parent")))
    result = evaluate_targets(dataset, [target], as_of=as_of, lang=lang)[0]
    failing = {letter: check for letter, check in result["checks"].items() if check["status"] != "pass"}
    if not failing:
        return t("targets.rewrite.all_pass", lang)
    head = t("targets.rewrite.still", lang, letters=", ".join(letter_name(letter, lang) for letter in failing))
    details = [f"- {letter_name(letter, lang)}: {t(STATUS_KEYS[check['status']], lang)} — {check['reason']}"
               for letter, check in failing.items()]
    return "\n".join([head, ""] + details)


def render_table(results: list[dict], lang: str, as_of: str) -> str:
    """A readable summary for the terminal: the verdict table, then each non-passing reason."""
    from rich.console import Console
    from rich.table import Table

    frame = results_table(results, lang)
    console = Console(file=io.StringIO(), record=True, width=140, force_terminal=False, color_system=None)
    table = Table(title=t("targets.table_title", lang, as_of=as_of))
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    console.print(table)
    for result in results:
        for letter, check in result["checks"].items():
            if check["status"] != "pass":
                console.print(f"{result['id']} {letter_name(letter, lang)}: {t(STATUS_KEYS[check['status']], lang)} — {check['reason']}",
                              markup=False)
    return console.export_text()
