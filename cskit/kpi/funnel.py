"""The Model's funnel from a dataset: leads -> meetings -> opportunities -> won ->
still a customer 12 months later -> expanded.

:func:`model_funnel` counts each stage for the company or for one team, with the
conversion from the stage before and the "leak" (what was lost at that hand-off).
It is a pure function of the dataset: no file is read, nothing is printed.

Where a stage is also a KPI of :mod:`cskit.kpi.engine`, both count the same rows,
so the funnel can be checked against the KPI layer:

* ``leads`` = the sum of ``leads_created`` over the window;
* ``opportunities`` = the sum of ``opportunities_created`` over the window, counting
  only new-business opportunities (``type == "new"``; for a field sales team whose
  opportunities are all new business the two are equal as they stand);
* ``meetings`` over a one-month window = the numerator of that month's
  ``meeting_conversion_rate`` (distinct leads with a ``meeting_set`` activity).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import OptionError
from ..dataset import Dataset
from ..roles.registry import stage_owners, team_stages
from .families import mrr_movements
from .matrix import MonthAxis, mrr_matrix
from .scope import resolve_months

__all__ = ["FUNNEL_COLUMNS", "STAGES", "STAGE_OWNER", "TEAM_STAGES", "model_funnel", "stages_counted_for",
           "stages_moved_by"]

#: Funnel stages, in order.
STAGES = ("leads", "meetings", "opportunities", "won", "retained_12m", "expanded")

#: The role whose work moves prospects or customers into each stage.
STAGE_OWNER = stage_owners(STAGES)

#: Stages a team of each role is counted on; the others are NaN for that team.
TEAM_STAGES = team_stages(STAGES)

#: Columns of :func:`model_funnel`'s result.
FUNNEL_COLUMNS = ["stage", "count", "conversion_from_previous", "leak", "entered", "base", "owner_role"]

def stages_moved_by(role: str) -> tuple[str, ...]:
    """The stages a team of ``role`` is counted on and whose entries its own work creates.

    Both facts come from :mod:`cskit.roles.registry` (``funnel_stages``, ``moves_into``).

    Examples
    --------
    >>> stages_moved_by("cs"), stages_moved_by("field_sales"), stages_moved_by("support")
    (('retained_12m', 'expanded'), ('opportunities', 'won'), ())
    """
    return tuple(stage for stage in TEAM_STAGES.get(role, ()) if STAGE_OWNER[stage] == role)


def stages_counted_for(role: str) -> dict[str, str]:
    """The stages a team of ``role`` is counted on but another role moves people into: ``{stage: owner}``.

    A CS team's funnel starts at the deals won for its accounts, which field sales won;
    a field sales team's deals are followed after the win, which is CS's work.

    Examples
    --------
    >>> stages_counted_for("cs")
    {'won': 'field_sales'}
    >>> stages_counted_for("field_sales")
    {'retained_12m': 'cs', 'expanded': 'cs'}
    """
    return {stage: STAGE_OWNER[stage] for stage in TEAM_STAGES.get(role, ()) if STAGE_OWNER[stage] != role}


#: Months after the close month at which a won customer must still pay.
RETENTION_MONTHS = 12


def _in_window(dates: pd.Series, first: pd.Period, last: pd.Period) -> pd.Series:
    """True where a date's month is within ``first..last`` (missing dates are False)."""
    months = dates.dt.to_period("M")
    return dates.notna() & (months >= first) & (months <= last)


def _team_rows(frame: pd.DataFrame, team: str) -> pd.DataFrame:
    return frame if team == "all" else frame[frame["team"] == team]


def model_funnel(dataset: Dataset, team: str = "all", start: str | None = None, end: str | None = None,
                 observe_until: str | None = None) -> pd.DataFrame:
    """Count The Model's funnel stages for the company or one team.

    The window is ``start..end`` (months ``YYYY-MM``; default: the data's first and
    last month of ``mrr``, and it never reaches outside them): it decides which
    leads, meetings and opportunities enter the funnel. What became of the
    opportunities (won, still paying a year later, expanded) is followed up to
    ``observe_until`` (default: the data's last month); nothing dated after it is
    used, so ``end=observe_until=as_of`` reads the funnel as it stood at ``as_of``.

    Stages
    ------
    leads
        Leads created in the window (``leads.created_date``).
    meetings
        Distinct leads with at least one ``activities`` row whose ``outcome`` is
        ``meeting_set``, dated in the window (rows without a ``lead_id`` are not
        counted). Counted over the same window as the leads, not only for the leads
        created in it.
    opportunities
        New-business opportunities (``type == "new"``) created in the window.
        Opportunities that did not come from a lead (outbound prospecting,
        win-backs) enter the funnel here, so this stage can be larger than
        ``meetings``: it is then not a part of the stage before, so it has no
        conversion and no leak, only the number ``entered`` beyond its base.
    won
        Of those opportunities, the ones with ``stage == "won"`` and a
        ``close_date`` no later than ``observe_until``. Open, lost and later-closed
        ones are the leak.
    retained_12m
        Of the won deals, those whose account still pays (``mrr > 0``) in the
        12th month after the month of ``close_date``. Censoring: only wins whose
        close month + 12 is no later than ``observe_until`` (by default: inside the
        data) can be judged, so only they make
        the base of this stage's conversion; later wins, and won deals without an
        ``account_id``, are left out of it (their number is in
        ``result.attrs["censored_wins"]``).
    expanded
        Of the retained deals, those whose account had an expansion, as the KPI
        layer defines it (MRR above the previous month's, which was above 0), in
        any of the 12 months after the close month.

    Stages are counted per deal from ``opportunities`` on: an account won twice
    (a win-back) counts twice.

    Team scope
    ----------
    ``"all"``
        Every stage over every row.
    marketing and inside sales teams
        ``leads`` (and, for inside sales, ``meetings``) from the rows whose ``team``
        is the team; later stages are NaN (their deals are run by field sales).
    field sales teams
        ``opportunities`` whose ``team`` is the team, and their ``won``,
        ``retained_12m`` and ``expanded``; ``leads`` and ``meetings`` are NaN.
    CS teams
        The stages a CS team owns: ``won`` deals whose account is in the team's book
        (``accounts.team``), then ``retained_12m`` and ``expanded``; earlier stages
        are NaN and so is the conversion into ``won``.
    support teams
        Every stage is NaN: support works beside the funnel, not in it.

    Parameters
    ----------
    dataset : Dataset
        A loaded dataset (:func:`cskit.io.load_dataset`). Stages whose table
        (``leads``, ``activities``, ``opportunities``) is absent are NaN.
    team : str
        A team id, or ``"all"`` for the company.
    start, end : str or None
        First and last month of the window (``YYYY-MM``).
    observe_until : str or None
        Last month used to follow the opportunities (``YYYY-MM``, not before
        ``end``; default: the data's last month).

    Returns
    -------
    DataFrame
        One row per stage in :data:`STAGES` order, columns

        ``stage``
            Stage id.
        ``count``
            Number of leads, meetings or deals (float; NaN if the team does not own
            the stage or its table is missing).
        ``conversion_from_previous``
            ``count / base`` (fraction 0-1); NaN for the first stage, where ``base``
            is NaN or 0, and where ``count`` exceeds ``base`` (a stage larger than
            the one before is not a part of it: some entered it from elsewhere, so
            no conversion can be read).
        ``leak``
            ``base - count``: lost at this hand-off (NaN where ``count`` exceeds
            ``base``: how many were lost cannot be told).
        ``entered``
            ``count - base`` where ``count`` exceeds ``base`` (at least this many
            entered the stage without coming from the one before), else 0; NaN
            where there is no base.
        ``base``
            What the conversion is measured on: the previous stage's count, except
            for ``retained_12m`` (the wins old enough to be judged).
        ``owner_role``
            The role that moves people into the stage (:data:`STAGE_OWNER`).

        ``attrs`` holds ``team``, ``start``, ``end``, ``observe_until`` (Periods) and
        ``censored_wins``.

    Raises
    ------
    CskitError
        If ``team`` is not in the data.
    OptionError
        If ``start``/``end``/``observe_until`` are not ``YYYY-MM``, or are out of order.

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> funnel = model_funnel(load_sample(), team="all")
    >>> funnel["stage"].tolist() == list(STAGES), bool(funnel["count"].iloc[0] >= funnel["count"].iloc[3])
    (True, True)
    """
    role = "all" if team == "all" else dataset.role_of(team)
    owned = set(TEAM_STAGES.get(role, ()))
    first, last = resolve_months(dataset, start, end)
    first, last = max(first, dataset.months[0]), min(last, dataset.months[-1])
    _, horizon = resolve_months(dataset, None, observe_until)
    horizon = min(horizon, dataset.months[-1])
    if horizon < last:
        raise OptionError("observe_until", observe_until, f">= {last}")
    counts: dict[str, float] = dict.fromkeys(STAGES, np.nan)
    bases: dict[str, float] = dict.fromkeys(STAGES, np.nan)
    censored = 0

    if dataset.has("leads") and "leads" in owned:
        leads = _team_rows(dataset["leads"], team)
        counts["leads"] = float(_in_window(leads["created_date"], first, last).sum())

    if dataset.has("activities") and "meetings" in owned:
        acts = _team_rows(dataset["activities"], team)
        hit = acts[(acts["outcome"] == "meeting_set") & acts["lead_id"].notna() & _in_window(acts["date"], first, last)]
        counts["meetings"] = float(hit["lead_id"].nunique())

    if dataset.has("opportunities") and owned & {"opportunities", "won"}:
        opp = dataset["opportunities"]
        opp = opp[(opp["type"] == "new") & _in_window(opp["created_date"], first, last)]
        if role == "cs":
            opp = opp[opp["account_id"].isin(dataset.account_ids(team))]
        elif team != "all":
            opp = opp[opp["team"] == team]
        if "opportunities" in owned:
            counts["opportunities"] = float(len(opp))
        won = opp[(opp["stage"] == "won") & opp["close_date"].notna() & (opp["close_date"].dt.to_period("M") <= horizon)]
        counts["won"] = float(len(won))
        retained, expanded, base, censored = _follow_wins(dataset, won, horizon)
        counts["retained_12m"], counts["expanded"], bases["retained_12m"] = retained, expanded, base

    previous = np.nan  # the first stage has no base
    for stage in STAGES:
        if stage != "retained_12m":
            bases[stage] = previous
        if np.isnan(counts[stage]):
            bases[stage] = np.nan
        previous = counts[stage]
    frame = pd.DataFrame({
        "stage": list(STAGES),
        "count": [counts[s] for s in STAGES],
        "base": [bases[s] for s in STAGES],
    })
    part = frame["count"] <= frame["base"]  # the stage is a part of its base (False where either is NaN)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["conversion_from_previous"] = np.where(part & (frame["base"] > 0), frame["count"] / frame["base"], np.nan)
    frame["leak"] = np.where(part, frame["base"] - frame["count"], np.nan)
    frame["entered"] = (frame["count"] - frame["base"]).clip(lower=0)
    frame["owner_role"] = frame["stage"].map(STAGE_OWNER)
    frame = frame[FUNNEL_COLUMNS]
    frame.attrs.update(team=team, start=first, end=last, observe_until=horizon, censored_wins=censored)
    return frame


def _follow_wins(dataset: Dataset, won: pd.DataFrame, horizon: pd.Period) -> tuple[float, float, float, int]:
    """Retained and expanded counts of won deals, the judged base and the censored number."""
    axis = MonthAxis(dataset.months)
    close_pos = axis.positions(won["close_date"].dt.to_period("M"))
    target_pos = close_pos + RETENTION_MONTHS
    known = won["account_id"].isin(dataset["accounts"]["account_id"]).to_numpy()
    judged = known & (close_pos >= 0) & (target_pos <= int(horizon.ordinal - axis.first_ordinal))
    censored = int(len(won) - judged.sum())
    if not judged.any():
        return (np.nan, np.nan, 0.0, censored) if len(won) else (0.0, 0.0, 0.0, 0)
    ids = won["account_id"].to_numpy()[judged]
    close_pos, target_pos = close_pos[judged], target_pos[judged]
    accounts = pd.Index(ids).unique()
    rows = accounts.get_indexer(ids)
    mrr = mrr_matrix(dataset["mrr"], accounts, axis)
    retained = mrr[rows, target_pos] > 0
    expansion = (np.nan_to_num(mrr_movements(mrr).expansion) > 0)[rows]
    # expansion months among close+1 .. close+12, from a running count per deal
    running = np.concatenate([np.zeros((len(rows), 1)), np.cumsum(expansion, axis=1)], axis=1)
    deal = np.arange(len(rows))
    grew = running[deal, target_pos + 1] - running[deal, close_pos + 1] > 0
    return float(retained.sum()), float((retained & grew).sum()), float(judged.sum()), censored
