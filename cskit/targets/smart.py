"""SMART targets checked against the data, and progress along their path.

The sources define SMART with R as *Related*: a lower goal must feed the upper goal
(KPI -> KGI). Each target gets five verdicts (pass / warn / fail, with the reason and
the numbers used) and its progress: the path from baseline to target and where the
actual value stands on it.

The result: one tidy table
--------------------------
:func:`evaluate_targets` returns a DataFrame with **one row per target** and the
columns :data:`RESULT_COLUMNS`:

``id, team, kpi``
    As written in the targets file.
``start, deadline``
    ``YYYY-MM``: the month the path starts (the target's ``start``, else the evaluation
    month) and the deadline (None without one).
``baseline, target``
    The value at the start and the value the amount sets, in the KPI's unit (rates as
    fractions 0-1, money in the dataset's currency); NaN when unknown.
``specific, measurable, achievable, related, time_bound``
    Each letter's status: an ordered categorical of :data:`STATUSES`
    (``pass < warn < fail``).
``specific_reason`` ... ``time_bound_reason``
    Why, in the evaluation's language, with the numbers used.
``expected, actual``
    The path's value and the KPI's value in the evaluation month (or at the deadline
    if that is earlier), in the KPI's unit; NaN when unknown.
``progress``
    A categorical of :data:`PROGRESS`.

``attrs`` holds ``as_of`` (``YYYY-MM``), ``lang``, ``currency`` and ``team_names``
(``{lang: {team: display name}}`` of every known team of the targets, in both languages,
for tables and charts; an unknown team keeps its id). One row per target
is what tables, the target charts and filters (``results[results.team == "cs_smb"]``)
want; :func:`letter_verdicts` gives the long form (one row per target and letter) for
counting and pivoting, and :func:`cskit.targets.to_records` the nested JSON of the CLI.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dates import format_month
from ..i18n import LANGS, t
from ..dataset import Dataset
from ..kpi.registry import format_change, format_value, get_kpi, path_to_kgi, registry
from ..options import check_lang, check_month
from .spec import Target, readings, target_value, value_range

#: Message keys written out in full (a search for a key finds every user).
_READING_KEYS = {"level": "targets.reading.level", "relative": "targets.reading.relative", "points": "targets.reading.points"}
_ACHIEVABLE_KEYS = {"pass": "targets.achievable.pass", "warn": "targets.achievable.warn", "fail": "targets.achievable.fail"}

#: The five letters, in order (R is *Related*, as the sources define it).
LETTERS = ("specific", "measurable", "achievable", "related", "time_bound")
#: A letter's statuses, best first.
STATUSES = ("pass", "warn", "fail")
#: Progress statuses.
PROGRESS = ("on_track", "behind", "not_started", "unknown")
#: Columns of :func:`evaluate_targets`.
RESULT_COLUMNS = ["id", "team", "kpi", "start", "deadline", "baseline", "target", *LETTERS,
                  *[f"{letter}_reason" for letter in LETTERS], "expected", "actual", "progress"]
#: Longest horizon of a target, in months after its start.
MAX_MONTHS = 24
#: A baseline measured in fewer of the last 6 months than this is too thin to steer by.
SPARSE_MONTHS = 3


@dataclass(frozen=True)
class Verdict:
    """One SMART letter's result: ``status`` pass / warn / fail and the ``reason`` in the user's language."""

    status: str
    reason: str


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
        from ..kpi.engine import compute_kpis

        if team not in self.series_cache:
            wanted = [team] + [other for other in self.teams if other != team and other not in self.series_cache]
            kpis = compute_kpis(self.dataset, teams=wanted, end=str(self.as_of))
            for name in wanted:
                self.series_cache[name] = kpis[kpis["team"] == name]
        kpis = self.series_cache[team]
        return kpis[kpis["kpi"] == kpi_id].set_index("month")["value"]

    def known_team(self, team: str) -> bool:
        return team == "all" or team in set(self.dataset.teams["team"])

    def value(self, kpi_id: str, value: float | None) -> str:
        """A KPI value for people (``?`` when unknown)."""
        return "?" if value is None else format_value(kpi_id, value, self.lang, self.dataset.currency)

    def change(self, kpi_id: str, value: float) -> str:
        """A size of change (needed per month, best seen, ...) for people."""
        return format_change(kpi_id, value, self.lang, self.dataset.currency, signed=False)


# --------------------------------------------------------------------------- #
# The five letters
# --------------------------------------------------------------------------- #
def check_specific(target: Target, ctx: _Context, baseline: float | None) -> Verdict:
    """Specific: a registry KPI, a known team (or ``all``), an unambiguous amount.

    pass: all three; warn: an unsigned amount (on a rate ``10%`` has three readings,
    all listed, impossible ones marked; elsewhere the direction is missing) or a relative
    change of a zero baseline; fail: a KPI not in the registry or a team not in the data.
    """
    lang = ctx.lang
    if target.kpi not in registry():
        return Verdict("fail", t("targets.specific.unknown_kpi", lang, kpi=target.kpi))
    if not ctx.known_team(target.team):
        return Verdict("fail", t("targets.specific.unknown_team", lang, team=target.team))
    if target.target.kind == "ambiguous":
        return _ambiguous(target, ctx, baseline)
    if target.target.kind == "relative" and baseline == 0:
        return Verdict("warn", t("targets.specific.zero_baseline", lang, amount=target.target.text))
    goal = target_value(target.target, baseline if baseline is not None else 0.0, target.kpi)
    return Verdict("pass", t("targets.specific.ok", lang, kpi=get_kpi(target.kpi).label(lang),
                             team=ctx.dataset.team_name(target.team, lang), target=ctx.value(target.kpi, goal)))


def _ambiguous(target: Target, ctx: _Context, baseline: float | None) -> Verdict:
    """Specific's warning on an unsigned amount: every reading, the impossible ones marked."""
    lang, kpi = ctx.lang, get_kpi(target.kpi)
    known = baseline is not None and not np.isnan(baseline)
    options = readings(target.target, baseline if known else 0.0, target.kpi)
    if not known:  # without a baseline only the level reading has a value
        options = {name: (value if name == "level" else None) for name, value in options.items()}
    if len(options) == 1:
        (name, value), = options.items()
        return Verdict("warn", t("targets.specific.ambiguous_sign", lang, amount=target.target.text,
                                 reading=t(_READING_KEYS[name], lang, value=ctx.value(target.kpi, value))))
    low, high = value_range(target.kpi)
    shown = []
    for name, value in options.items():
        text = t(_READING_KEYS[name], lang, value=ctx.value(target.kpi, value))
        if value is not None and not low <= value <= high:
            text += t("targets.reading.impossible", lang)
        shown.append(text)
    sign = "+" if kpi.higher_is_better else "-"
    number = target.target.text.rstrip("%")
    return Verdict("warn", t("targets.specific.ambiguous", lang, amount=target.target.text,
                             readings=t("targets.reading.separator", lang).join(shown), level=f"{target.target.value:g}",
                             relative=f"{sign}{number}%", points=f"{sign}{number}pt"))


def check_measurable(target: Target, ctx: _Context, baseline: float | None, start: pd.Period) -> Verdict:
    """Measurable: the dataset has the KPI's tables and the baseline is known.

    pass: computable, with a baseline; warn: a baseline computed from fewer than
    :data:`SPARSE_MONTHS` values in the 6 months up to the start; fail: a table the KPI
    needs is missing, the team or the KPI is unknown, or the team has no value in the
    start month.
    """
    lang = ctx.lang
    if not ctx.known_team(target.team):
        return Verdict("fail", t("targets.specific.unknown_team", lang, team=target.team))
    if target.kpi not in registry():
        return Verdict("fail", t("targets.specific.unknown_kpi", lang, kpi=target.kpi))
    missing = [name for name in get_kpi(target.kpi).tables if not ctx.dataset.has(name)]
    if missing:
        return Verdict("fail", t("targets.measurable.missing_tables", lang, tables=", ".join(missing)))
    if baseline is None or np.isnan(baseline):
        return Verdict("fail", t("targets.measurable.no_baseline", lang, month=format_month(str(start), lang)))
    if target.baseline is None:  # measured from the data: is it measured often enough?
        recent = ctx.series(target.team, target.kpi)
        known = int(recent[(recent.index <= start) & (recent.index > start - 6)].notna().sum())
        if known < SPARSE_MONTHS:
            return Verdict("warn", t("targets.measurable.sparse", lang, known=known, month=format_month(str(start), lang)))
    return Verdict("pass", t("targets.measurable.ok", lang, baseline=ctx.value(target.kpi, baseline),
                                     month=format_month(str(start), lang)))


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
        direction: a fall for a lower-is-better KPI. All in the KPI's unit.

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
    within the range it has moved warns, a change beyond it fails. A letter that cannot
    be judged (unknown KPI or team, no baseline, no deadline after the start, under four
    months of history) warns and says why.
    """
    lang = ctx.lang
    why = ("targets.achievable.why_team" if not ctx.known_team(target.team)
           else "targets.achievable.why_kpi" if target.kpi not in registry() else None)
    if why:
        return Verdict("warn", t("targets.achievable.not_judged", lang, why=t(why, lang)))
    low, high = value_range(target.kpi)
    if goal is not None and not low <= goal <= high:
        return Verdict("fail", t("targets.achievable.impossible", lang, target=ctx.value(target.kpi, goal),
                                 low=ctx.value(target.kpi, low), high="∞" if math.isinf(high) else ctx.value(target.kpi, high)))
    if baseline is None or goal is None or np.isnan(baseline):
        return Verdict("warn", t("targets.achievable.not_judged", lang, why=t("targets.achievable.why_baseline", lang)))
    needed = (1.0 if get_kpi(target.kpi).higher_is_better else -1.0) * (goal - baseline)
    if needed <= 0:
        return Verdict("pass", t("targets.achievable.met", lang, baseline=ctx.value(target.kpi, baseline),
                                 target=ctx.value(target.kpi, goal)))
    months = _months_between(start, pd.Period(target.deadline, freq="M")) if target.deadline else 0
    if months <= 0:  # no deadline, or none after the start: Time-bound fails, this letter cannot be judged
        return Verdict("warn", t("targets.achievable.not_judged", lang, why=t("targets.achievable.why_deadline", lang)))
    history = ctx.series(target.team, target.kpi)
    seen = achievability(history[history.index <= start], target.kpi)
    if seen["months"] < 4 or math.isnan(seen["best_12m_per_month"]):
        return Verdict("warn", t("targets.achievable.no_history", lang, months=seen["months"]))
    return _against_history(target.kpi, ctx, needed, months, seen)


def _against_history(kpi_id: str, ctx: _Context, needed: float, months: int, seen: dict) -> Verdict:
    """Achievable's verdict once the improvement needed and the history are known."""
    lang, best = ctx.lang, seen["best_12m_per_month"]
    if best <= 0:  # never improved over 12 months: judge by the range it moved
        within = needed <= seen["span"]
        key = "targets.achievable.flat_warn" if within else "targets.achievable.flat_fail"
        return Verdict("warn" if within else "fail", t(key, lang, total=ctx.change(kpi_id, needed),
                                                       span=ctx.change(kpi_id, seen["span"]), months=seen["months"]))
    per_month = needed / months
    numbers = {"needed": ctx.change(kpi_id, per_month), "best": ctx.change(kpi_id, best),
               "p75": ctx.change(kpi_id, seen["p75_monthly"]), "months": seen["months"]}
    status = "pass" if per_month <= best else "warn" if per_month <= 2 * best else "fail"
    return Verdict(status, t(_ACHIEVABLE_KEYS[status], lang, **numbers))


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
    """Time-bound: a deadline after ``as_of``, at most :data:`MAX_MONTHS` months after the start month.

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


def progress(target: Target, ctx: _Context, baseline: float | None, goal: float | None,
             start: pd.Period) -> tuple[float | None, float | None, str]:
    """Expected vs actual at ``as_of`` and whether the team is on track (direction-aware).

    Returns
    -------
    expected, actual : float or None
        In the KPI's unit.
    status : str
        ``on_track``: the actual value in ``as_of`` (or at the deadline, if that is
        earlier) is on the better side of the path or on it; ``behind``: on the worse
        side; ``not_started``: the target starts in ``as_of``; ``unknown``: no path or
        no actual.
    """
    drawable = (target.kpi in registry() and ctx.known_team(target.team) and target.deadline
                and baseline is not None and goal is not None and not np.isnan(baseline))
    if not drawable or pd.Period(target.deadline, freq="M") <= start:
        return None, None, "unknown"
    if ctx.as_of <= start:
        return baseline, baseline, "not_started"
    deadline = pd.Period(target.deadline, freq="M")
    month = min(ctx.as_of, deadline)
    expected = float(target_path(target.kpi, baseline, goal, start, deadline).loc[month])
    actual = float(ctx.series(target.team, target.kpi).get(month, np.nan))
    if np.isnan(actual):
        return expected, None, "unknown"
    better = actual >= expected if get_kpi(target.kpi).higher_is_better else actual <= expected
    return expected, actual, "on_track" if better else "behind"


# --------------------------------------------------------------------------- #
# All together
# --------------------------------------------------------------------------- #
def evaluation_month(dataset: Dataset, as_of: str | None = None, option: str = "as_of") -> pd.Period:
    """``as_of`` as a month within the data (default: the data's last month).

    Raises
    ------
    OptionError
        Under ``option`` (``"--as-of"`` on the command line), if ``as_of`` is not
        ``YYYY-MM`` or lies outside the data's months.
    """
    month = check_month(option, as_of, within=dataset.months)
    return dataset.months[-1] if month is None else month


def evaluate_targets(dataset: Dataset, targets: list[Target], as_of: str | None = None,
                     lang: str | None = None) -> pd.DataFrame:
    """SMART checks and progress of every target, one row per target.

    Parameters
    ----------
    dataset : Dataset
    targets : list of Target
    as_of : str, optional
        The month of evaluation (``YYYY-MM``); default the data's last month. A target
        without ``start`` is set at ``as_of`` (its baseline is the value then).
    lang : {"ja", "en"} or None
        Language of the reasons.

    Returns
    -------
    DataFrame
        The columns :data:`RESULT_COLUMNS`, described in the module documentation;
        ``attrs`` holds ``as_of``, ``lang``, ``currency`` and ``team_names``.

    Examples
    --------
    >>> from cskit.datasets import load_growth_example
    >>> from cskit.targets import parse_amount
    >>> data = load_growth_example()  # account A: 100 yen in 2023-01, 10 more each month, 330 in 2024-12
    >>> goal = Target(id="T1", team="cs1", kpi="mrr", target=parse_amount("430"), deadline="2025-10")
    >>> results = evaluate_targets(data, [goal], lang="en")
    >>> results[["id", "baseline", "target", "specific", "achievable", "time_bound", "progress"]]
       id  baseline  target specific achievable time_bound     progress
    0  T1     330.0   430.0     pass       pass       pass  not_started
    >>> results.loc[0, "achievable_reason"]
    'Needs ¥10 a month; in 24 months of history the best 12 months gave ¥10 a month (75th percentile of monthly improvements ¥10): within what was seen.'
    """
    lang = check_lang(lang)
    ctx = _Context(dataset, evaluation_month(dataset, as_of), lang)
    ctx.teams = tuple(dict.fromkeys(target.team for target in targets if ctx.known_team(target.team)))
    frame = pd.DataFrame([_evaluate(target, ctx) for target in targets], columns=RESULT_COLUMNS)
    for column in ("baseline", "target", "expected", "actual"):
        frame[column] = frame[column].astype(float)
    for letter in LETTERS:
        frame[letter] = pd.Categorical(frame[letter], categories=STATUSES, ordered=True)
    frame["progress"] = pd.Categorical(frame["progress"], categories=PROGRESS)
    frame.attrs.update({"kind": "targets", "as_of": str(ctx.as_of), "lang": lang, "currency": dataset.currency,
                        "team_names": {code: {team: dataset.team_name(team, code) for team in ctx.teams} for code in LANGS}})
    return frame


def _evaluate(target: Target, ctx: _Context) -> dict:
    """One target's row of :func:`evaluate_targets`."""
    start = pd.Period(target.start, freq="M") if target.start else ctx.as_of
    baseline = target.baseline
    if baseline is None and target.kpi in registry() and ctx.known_team(target.team):
        value = ctx.series(target.team, target.kpi).get(start, np.nan)
        baseline = None if pd.isna(value) else float(value)
    goal = target_value(target.target, baseline, target.kpi) if baseline is not None and target.kpi in registry() else None
    if goal is None and target.target.kind == "absolute":
        goal = target.target.value
    verdicts = {
        "specific": check_specific(target, ctx, baseline),
        "measurable": check_measurable(target, ctx, baseline, start),
        "achievable": check_achievable(target, ctx, baseline, goal, start),
        "related": check_related(target, ctx),
        "time_bound": check_time_bound(target, ctx, start),
    }
    expected, actual, status = progress(target, ctx, baseline, goal, start)
    row = {"id": target.id, "team": target.team, "kpi": target.kpi, "start": str(start), "deadline": target.deadline,
           "baseline": _clean(baseline), "target": _clean(goal), "expected": _clean(expected),
           "actual": _clean(actual), "progress": status}
    for letter, verdict in verdicts.items():
        row[letter], row[f"{letter}_reason"] = verdict.status, verdict.reason
    return row


def _clean(value) -> float:
    """A number as the result stores it: rounded to 10 decimals (stable output), NaN when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    return round(float(value), 10)


def target_actuals(dataset: Dataset, results: pd.DataFrame) -> pd.DataFrame:
    """The KPI values the evaluated targets are measured by, for their charts.

    Parameters
    ----------
    dataset : Dataset
    results : DataFrame
        :func:`evaluate_targets` output.

    Returns
    -------
    DataFrame
        The tidy KPI table (``team, month, kpi, value``) of :func:`cskit.kpi.engine.compute_kpis`
        for the targets' teams and KPIs, up to ``results.attrs["as_of"]``.
    """
    from ..kpi.engine import compute_kpis

    known = set(dataset.teams["team"]) | {"all"}
    teams = [team for team in dict.fromkeys(results["team"]) if team in known]
    if not teams:
        return pd.DataFrame({"team": [], "month": pd.PeriodIndex([], freq="M"), "kpi": [], "value": []})
    kpis = compute_kpis(dataset, teams=teams, end=results.attrs.get("as_of"))
    wanted = pd.MultiIndex.from_frame(results[["team", "kpi"]])
    return kpis[pd.MultiIndex.from_frame(kpis[["team", "kpi"]]).isin(wanted)].reset_index(drop=True)


def letter_verdicts(results: pd.DataFrame) -> pd.DataFrame:
    """The long form of :func:`evaluate_targets`: one row per target and letter.

    Returns
    -------
    DataFrame
        ``id, team, kpi, letter, status, reason`` (targets in order, letters in
        :data:`LETTERS` order); ``letter`` and ``status`` are categoricals, so counts
        and pivots list every letter and status.

    Examples
    --------
    >>> results = pd.DataFrame({"id": ["T1"], "team": ["cs1"], "kpi": ["mrr"],
    ...                         **{letter: ["pass"] for letter in LETTERS},
    ...                         **{f"{letter}_reason": ["ok"] for letter in LETTERS}})
    >>> results.loc[0, "time_bound"] = "fail"
    >>> letter_verdicts(results).query("status != 'pass'")[["id", "letter", "status"]]
       id      letter status
    4  T1  time_bound   fail
    """
    parts = [results[["id", "team", "kpi"]].assign(letter=letter, status=results[letter].astype(str),
                                                 reason=results[f"{letter}_reason"], _order=i)
             for i, letter in enumerate(LETTERS)]
    long = pd.concat(parts).rename_axis("_target").reset_index().sort_values(["_target", "_order"], kind="stable")
    long = long.drop(columns=["_target", "_order"]).reset_index(drop=True)
    long["letter"] = pd.Categorical(long["letter"], categories=LETTERS, ordered=True)
    long["status"] = pd.Categorical(long["status"], categories=STATUSES, ordered=True)
    return long
