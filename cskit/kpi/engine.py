"""Compute every registry KPI per team and month as one tidy table.

:func:`compute_kpis` is the one call notebooks, the CLI and reports use. It builds the
account x month MRR matrix once, then for each team selects the team's accounts
(account-attributed KPIs) or the rows whose ``team`` column is the team
(team-attributed KPIs), and runs the family formulas of :mod:`cskit.kpi.families`.
A team gets only the KPIs it has data for: a support team has no MRR rows, a CS team
no call activities of its own.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset import ALL_TEAMS, Dataset
from ..errors import CskitError
from ..io import load_dataset
from ..options import check_choice, check_fraction
from . import families
from .groups import GROUP_COLUMNS, GROUP_KPIS, group_masks
from .health import HealthConfig, health_matrix
from .matrix import MonthAxis
from .pushdown import revenue_kpis
from .registry import registry
from .route import choose_engine
from .scope import resolve_months, teams_to_compute
from .sql import PUSHDOWN_KPIS

__all__ = [
    "DEFAULT_GROSS_MARGIN", "TIDY_COLUMNS", "KPI_COLUMNS", "KpiRun", "compute_kpis", "run_kpis", "account_health",
    "resolve_months", "teams_to_compute",
]

DEFAULT_GROSS_MARGIN = 0.8
TIDY_COLUMNS = ["team", "month", "kpi", "value"]


ACCOUNT_TABLES = ("opportunities", "usage", "onboarding", "surveys", "tickets")
TEAM_TABLES = ("opportunities", "activities", "leads", "tickets", "costs")

#: The columns :func:`compute_kpis` reads, per table (``load_dataset(path, columns=KPI_COLUMNS)``
#: keeps only these once every cell is checked: about half the memory on large exports).
KPI_COLUMNS = {
    "accounts": ("account_id", "account_name", "team", "sales_team"),
    "opportunities": ("account_id", "team", "type", "created_date", "close_date", "stage", "amount"),
    "leads": ("team", "created_date"),
    "activities": ("team", "date", "channel", "lead_id", "outcome"),
    "onboarding": ("account_id", "due_date", "completed_date"),
    "surveys": ("account_id", "date", "survey", "score"),
    "tickets": ("account_id", "team", "opened_at", "first_response_at", "resolved_at"),
}


class _Prepared:
    """What every team's computation shares, built once per dataset.

    Strings are turned into integer positions here (each table's account row and team
    code), so selecting one team's rows later is a cheap boolean mask, not a string
    comparison over millions of rows.
    """

    def __init__(self, dataset: Dataset, health: HealthConfig):
        self.dataset = dataset
        self.axis = MonthAxis(dataset.months)
        self.account_ids = pd.Index(dataset["accounts"]["account_id"])
        self.mrr = dataset.mrr_by_account
        self.account_rows = {
            name: self.account_ids.get_indexer(dataset[name]["account_id"])
            for name in ACCOUNT_TABLES if dataset.has(name)
        }
        self.team_codes = {
            name: pd.Categorical(dataset[name]["team"], categories=list(dataset.teams["team"])).codes
            for name in TEAM_TABLES if dataset.has(name)
        }
        tables = {name: dataset[name] for name in ("usage", "surveys", "tickets") if dataset.has(name)}
        self.health = health_matrix(self.mrr, self.account_ids, tables, self.axis, health, rows=self.account_rows)
        # lead ids as integer codes once, for the distinct-lead counts of every team
        self.lead_codes = (pd.factorize(dataset["activities"]["lead_id"], use_na_sentinel=True)[0]
                           if dataset.has("activities") else None)
        self.revenue: dict[str, dict[str, np.ndarray]] = {}
        self.health_mean: dict[str, np.ndarray] = {}
        self.masks: dict[str, np.ndarray] = {}

    def accounts_mask(self, team: str) -> np.ndarray:
        """Boolean mask over the account rows of ``team`` or group (every account for ``all``)."""
        return self.masks[team] if team in self.masks else self.dataset.account_mask(team)

    def prepare_groups(self, masks: dict[str, np.ndarray]) -> None:
        """Per-group monthly sums of the revenue inputs and health scores, in one pass.

        ``masks`` maps a team (or a group of :mod:`cskit.kpi.groups`) to its accounts.
        The movements of each account are computed once; a group's sums are a product
        with its 0/1 membership row (see :func:`families.revenue_inputs`).
        """
        self.masks = dict(masks)
        teams = [team for team, mask in masks.items() if mask.any()]
        if not teams:
            return
        members = np.stack([masks[team] for team in teams])
        inputs = families.revenue_inputs(self.mrr, members)
        known = ~np.isnan(self.health)
        weights = members.astype(np.float64)
        counts, sums = weights @ known, weights @ np.where(known, self.health, 0.0)
        for g, team in enumerate(teams):
            self.revenue[team] = {key: values[g] for key, values in inputs.items()}
            self.health_mean[team] = np.where(counts[g] > 0, sums[g] / np.maximum(counts[g], 1), np.nan)

    def rows_of_accounts(self, name: str, mask: np.ndarray) -> pd.DataFrame:
        """Rows of table ``name`` that belong to the accounts in ``mask``."""
        positions = self.account_rows[name]
        return self.dataset[name][(positions >= 0) & mask[np.maximum(positions, 0)]]

    def team_rows(self, name: str, team: str) -> np.ndarray | None:
        """Boolean mask of the rows whose ``team`` column is ``team`` (None: every row, for ``all``)."""
        if team == "all":
            return None
        return self.team_codes[name] == list(self.dataset.teams["team"]).index(team)

    def rows_of_team(self, name: str, team: str) -> pd.DataFrame | None:
        """Rows whose ``team`` column is ``team`` (all rows for ``all``); None if there are none."""
        if name not in self.team_codes:
            return None
        frame = self.dataset[name]
        mask = self.team_rows(name, team)
        if mask is not None:
            frame = frame[mask]
        return frame if len(frame) else None


def compute_kpis(
    data: Dataset | str | os.PathLike,
    teams: str | list[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    gross_margin: float = DEFAULT_GROSS_MARGIN,
    health: HealthConfig | None = None,
    engine: str = "auto",
    by: str | None = None,
) -> pd.DataFrame:
    """Every KPI of the registry, per team and month, as a tidy table.

    Parameters
    ----------
    data : Dataset, str or path
        A loaded dataset (:func:`cskit.io.load_dataset`), or where to load one from (a
        folder or a database URL; see :func:`run_kpis`, which also says which engine ran).
    teams : str, list of str or None
        ``None`` or ``"all"``: the company (team ``"all"``) and every team; else the
        named teams (``"all"`` may be among them).
    start, end : str or None
        First and last month to return (``YYYY-MM``). KPIs that look back (NRR over
        12 months, LTV) still use the months before ``start``.
    gross_margin : float
        Share of revenue kept after cost of service (0-1; default 0.8).
    health : HealthConfig or None
        Health score weights and threshold.
    engine : {"auto", "pandas", "duckdb"}
        For a location: ``auto`` takes DuckDB for a large ``mrr`` export
        (:func:`cskit.kpi.route.choose_engine`), which computes the revenue KPIs only.
        A loaded dataset is always computed by pandas.
    by : str or None
        An ``accounts`` column (``segment``, ``touch_model``, ``industry``, ``region``,
        ``sales_team``, ``owner``, ``team``; :func:`cskit.kpi.groups.available_columns`):
        split the accounts of ``teams`` (the company, or one team) by its value. Each
        group's value is in ``team`` and a ``by`` column names the column; only the
        account-attributed KPIs (:data:`cskit.kpi.groups.GROUP_KPIS`) are computed, and
        ``attrs`` holds ``not_computed`` (the others) and ``ungrouped`` (accounts with
        no value, in no group).

    Returns
    -------
    DataFrame
        Columns ``team, month, kpi, value`` (and ``by``): ``month`` a monthly ``Period``,
        ``kpi`` a registry id, ``value`` in the KPI's unit (rates as fractions 0-1, money
        in the dataset's currency). Rates with a zero denominator are NaN.

    Raises
    ------
    OptionError
        A bad month, gross margin or engine.
    CskitError
        A team the data does not have; a ``by`` column the accounts do not have (the
        message names the ones they do), or ``by`` with more than one team.

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> kpis = compute_kpis(load_sample(), teams=["all", "cs_smb"])
    >>> list(kpis.columns), sorted(kpis["team"].unique())
    (['team', 'month', 'kpi', 'value'], ['all', 'cs_smb'])
    >>> mrr = kpis.query("kpi == 'mrr' and team == 'cs_smb'").set_index("month")["value"]
    >>> bool((mrr > 0).all())
    True
    >>> by = compute_kpis(load_sample(), teams="cs_smb", by="touch_model")
    >>> sorted(by["team"].unique()), by["by"].unique().tolist(), "win_rate" in by.attrs["not_computed"]
    (['high', 'low', 'tech'], ['touch_model'], True)
    """
    if not isinstance(data, Dataset):
        return run_kpis(data, teams, start, end, gross_margin, health, engine, by=by).kpis
    check_choice("engine", engine, ("auto", "pandas"))
    check_fraction("--gross-margin", gross_margin)
    first, last = resolve_months(data, start, end)
    prepared = _Prepared(data, health or HealthConfig())
    if by is not None:
        return _by_group(prepared, teams, by, gross_margin, first, last)
    chosen = teams_to_compute(data, teams)
    prepared.prepare_groups({team: data.account_mask(team) for team in chosen})
    values = {team: _team_kpis(prepared, team, gross_margin) for team in chosen}
    return _tidy(values, prepared.axis.months, first, last)


def _tidy(values: dict[str, dict], months: pd.PeriodIndex, first, last) -> pd.DataFrame:
    """``{team: {kpi: values per month}}`` as tidy rows within ``first..last``, ordered by team, registry, month."""
    frames = []
    for team, series in values.items():
        if not series:
            continue
        wide = pd.DataFrame(series, index=months)
        tidy = wide.rename_axis("month").reset_index().melt(id_vars="month", var_name="kpi", value_name="value")
        tidy.insert(0, "team", team)
        frames.append(tidy)
    if not frames:
        return pd.DataFrame(columns=TIDY_COLUMNS)
    result = pd.concat(frames, ignore_index=True)
    result = result[(result["month"] >= first) & (result["month"] <= last)]
    # rows ordered by team ("all" first, then as listed in the data), registry order, month
    order = {kpi: i for i, kpi in enumerate(registry())}
    team_order = {t: i for i, t in enumerate(values)}
    result = result.assign(_team=result["team"].map(team_order), _order=result["kpi"].map(order))
    result = result.sort_values(["_team", "_order", "month"], kind="stable")
    return result.drop(columns=["_order", "_team"]).reset_index(drop=True)[TIDY_COLUMNS]


def _by_group(prepared: _Prepared, teams, by: str, gross_margin: float, first, last) -> pd.DataFrame:
    """The account-attributed KPIs (:data:`GROUP_KPIS`) of each group of one team's accounts by ``accounts[by]``."""
    dataset = prepared.dataset
    chosen = [ALL_TEAMS] if teams is None or teams == ALL_TEAMS else teams_to_compute(dataset, teams)
    if len(chosen) != 1:
        raise CskitError("account.by.one_team", teams=", ".join(chosen))
    masks, ungrouped = group_masks(dataset, by, chosen[0])
    prepared.prepare_groups(masks)
    values = {group: _account_kpis(prepared, group, gross_margin, costs=False) for group in masks}
    values = {group: {k: v for k, v in series.items() if k in GROUP_KPIS} for group, series in values.items()}
    result = _tidy(values, prepared.axis.months, first, last)
    result["by"] = by
    result.attrs.update(by=by, ungrouped=ungrouped, not_computed=tuple(k for k in registry() if k not in GROUP_KPIS))
    return result


@dataclass(frozen=True)
class KpiRun:
    """What :func:`run_kpis` computed, and how.

    Attributes
    ----------
    kpis : DataFrame
        Tidy ``team, month, kpi, value`` (see :func:`compute_kpis`).
    dataset : Dataset
        The dataset as loaded (on the DuckDB route: without ``mrr``), for team names and currency.
    engine : {"pandas", "duckdb"}
        The engine that ran.
    not_computed : tuple of str
        Registry KPIs this engine leaves out (the DuckDB route computes the revenue KPIs only).
    """

    kpis: pd.DataFrame
    dataset: Dataset
    engine: str
    not_computed: tuple[str, ...] = ()


def run_kpis(
    location: str | os.PathLike,
    teams: str | list[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    gross_margin: float = DEFAULT_GROSS_MARGIN,
    health: HealthConfig | None = None,
    engine: str = "auto",
    config=None,
    by: str | None = None,
) -> KpiRun:
    """Load a dataset and compute its KPIs on the engine the location calls for.

    Parameters
    ----------
    location : str or path
        Dataset folder or database URL.
    engine : {"auto", "pandas", "duckdb"}
        ``pandas``: load every table (only the columns the KPIs read are kept) and
        compute every KPI. ``duckdb``: check and aggregate ``mrr`` inside DuckDB and
        compute the revenue KPIs (:data:`cskit.kpi.sql.PUSHDOWN_KPIS`). ``auto``:
        :func:`cskit.kpi.route.choose_engine` picks by the ``mrr`` file's size.
    teams, start, end, gross_margin, health
        As :func:`compute_kpis`.
    config : str, Path or DatasetConfig, optional
        A ``dataset.yml`` for a database URL, or instead of a folder's own (:func:`cskit.io.load_dataset`).
    by : str or None
        Split the accounts by an ``accounts`` column (see :func:`compute_kpis`); pandas
        only (``auto`` takes it; ``duckdb`` is refused).

    Returns
    -------
    KpiRun

    Raises
    ------
    DataValidationError
        The dataset breaks its contract (every problem listed).

    Examples
    --------
    >>> run = run_kpis("data/sample", teams="all", engine="duckdb")
    >>> run.engine, "win_rate" in run.not_computed, run.dataset.currency
    ('duckdb', True, 'JPY')
    """
    check_fraction("--gross-margin", gross_margin)
    if by is not None and engine == "duckdb":
        raise CskitError("account.by.duckdb")
    if by is None and choose_engine(location, engine, config) == "duckdb":
        kpis, dataset = revenue_kpis(location, teams=teams, start=start, end=end, config=config)
        return KpiRun(kpis, dataset, "duckdb", tuple(k for k in registry() if k not in PUSHDOWN_KPIS))
    columns = KPI_COLUMNS if by is None else {**KPI_COLUMNS, "accounts": (*KPI_COLUMNS["accounts"], *GROUP_COLUMNS)}
    dataset = load_dataset(location, columns=columns, config=config)  # every cell is checked; only what KPIs use is kept
    kpis = compute_kpis(dataset, teams, start, end, gross_margin, health, by=by)
    return KpiRun(kpis, dataset, "pandas", kpis.attrs.get("not_computed", ()))


def _account_kpis(prepared: _Prepared, team: str, gross_margin: float, costs: bool = True) -> dict:
    """The KPIs of a team's (or, ``costs=False``, a group's) accounts: revenue, CAC, CS outcomes, health."""
    out: dict[str, np.ndarray] = {}
    if team in prepared.revenue:
        mask = prepared.accounts_mask(team)
        revenue = families.revenue_from_inputs(prepared.revenue[team], gross_margin)
        out.update(revenue)
        spent = prepared.rows_of_team("costs", team) if costs else None  # a group of accounts has no costs rows
        out.update(families.cac_family(spent, prepared.axis, revenue, gross_margin))
        account_tables = {name: prepared.rows_of_accounts(name, mask) for name in prepared.account_rows}
        out.update(families.cs_outcomes_family(account_tables, prepared.axis, revenue))
        out["health_score"] = prepared.health_mean[team]
    return out


def _team_kpis(prepared: _Prepared, team: str, gross_margin: float) -> dict:
    out = _account_kpis(prepared, team, gross_margin)
    axis = prepared.axis
    for table, family in (
        ("opportunities", families.sales_family),
        ("activities", families.inside_sales_family),
        ("leads", families.marketing_family),
        ("tickets", families.support_family),
    ):
        rows = prepared.rows_of_team(table, team)
        if rows is None:
            continue
        if table == "activities":  # distinct leads counted on codes made once for every team
            mask = prepared.team_rows(table, team)
            out.update(family(rows, axis, prepared.lead_codes if mask is None else prepared.lead_codes[mask]))
        else:
            out.update(family(rows, axis))
    return out


def account_health(
    dataset: Dataset,
    team: str = "all",
    month: str | None = None,
    health: HealthConfig | None = None,
) -> pd.DataFrame:
    """Health score of each paying account of ``team`` in ``month`` (default: last month).

    Parameters
    ----------
    dataset : Dataset
        A loaded dataset.
    team : str
        A team id, or ``"all"``.
    month : str or None
        ``YYYY-MM``.
    health : HealthConfig or None
        Weights and the at-risk threshold.

    Returns
    -------
    DataFrame
        ``account_id, account_name, health_score`` (0-100) and ``at_risk`` (bool),
        lowest score first.

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> health = account_health(load_sample())
    >>> list(health.columns), bool(health["health_score"].between(0, 100).all())
    (['account_id', 'account_name', 'health_score', 'at_risk'], True)
    """
    health = health or HealthConfig()
    prepared = _Prepared(dataset, health)
    mask = prepared.accounts_mask(team)
    _, last = resolve_months(dataset, None, month)
    column = int(last.ordinal - prepared.axis.first_ordinal)
    accounts = dataset["accounts"][mask]
    frame = pd.DataFrame({
        "account_id": accounts["account_id"].to_numpy(),
        "account_name": accounts["account_name"].to_numpy(),
        "health_score": prepared.health[mask, column],
    }).dropna(subset=["health_score"])
    frame["at_risk"] = frame["health_score"] < health.at_risk_below
    return frame.sort_values(["health_score", "account_id"]).reset_index(drop=True)
