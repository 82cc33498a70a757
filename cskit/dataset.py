"""A validated dataset: one typed DataFrame per table, and what every analysis asks of it.

:func:`cskit.io.load_dataset` builds a :class:`Dataset`; the KPI, cohort, target and
report modules only read it. It knows the contract's team rules (which ``accounts``
column assigns an account to a team) and shares the account x month MRR matrix, built
once per dataset.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .contract import SALES_ROLES
from .errors import CskitError, Problem
from .i18n import t
from .kpi.matrix import MonthAxis, mrr_matrix
from .options import check_lang

__all__ = ["Dataset", "ALL_TEAMS"]

#: The team id that stands for the whole company.
ALL_TEAMS = "all"


@dataclass(frozen=True)
class Dataset:
    """A validated dataset: one typed DataFrame per table present.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Parsed tables. Dates are ``datetime64``, months ``Period[M]``, numbers ``float64``.
    path : str
        Where it was read from (for messages).
    currency : str
        Currency of every money column (ISO code, default ``"JPY"``).
    warnings : tuple of Problem
        Values that were normalised while reading.
    sources : dict of str to str
        File name each table was read from (``mrr`` derived from subscriptions names the
        subscriptions file).
    window : (Period, Period) or None
        First and last month of the data when the source sets them (a subscriptions dataset
        ends in the month of ``as_of``, even when no subscription is active then);
        ``None``: the months of ``mrr``.
    headers : dict of str to dict
        Per table, contract column -> the header in the user's file, where they
        differ (``dataset.yml`` ``columns``); messages name the user's header.

    Examples
    --------
    >>> accounts = pd.DataFrame({"account_id": ["A1", "A2"], "team": ["cs1", "cs1"]})
    >>> mrr = pd.DataFrame({"account_id": ["A1", "A2"], "month": pd.PeriodIndex(["2024-01", "2024-03"], freq="M"),
    ...                     "mrr": [100.0, 50.0]})
    >>> data = Dataset({"accounts": accounts, "mrr": mrr})
    >>> data.has("teams"), list(data.teams["team"]), len(data.months)
    (False, ['cs1'], 3)
    """

    tables: dict[str, pd.DataFrame]
    path: str = ""
    currency: str = "JPY"
    warnings: tuple[Problem, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)
    window: tuple[pd.Period, pd.Period] | None = None
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def has(self, table: str) -> bool:
        """True if the dataset has ``table`` (optional tables may be absent)."""
        return table in self.tables

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    @cached_property
    def teams(self) -> pd.DataFrame:
        """Teams with their role; without ``teams.csv`` every ``accounts.team`` is a CS team."""
        if self.has("teams"):
            return self.tables["teams"]
        names = sorted(self.tables["accounts"]["team"].dropna().unique())
        return pd.DataFrame({"team": names, "role": "cs", "name_ja": names, "name_en": names})

    def role_of(self, team: str) -> str:
        """Role of ``team`` (``cs``, ``inside_sales``, ``field_sales``, ``support`` or ``marketing``).

        Raises
        ------
        CskitError
            ``cli.unknown_team`` if the data has no such team.
        """
        roles = self.teams.set_index("team")["role"]
        if team not in roles.index:
            raise CskitError("cli.unknown_team", team=team, teams=", ".join(roles.index))
        return roles[team]

    def team_name(self, team: str, lang: str | None = None) -> str:
        """Display name of ``team`` in ``lang`` (``name_ja``/``name_en``; falls back to the id).

        ``"all"`` is the company, named by the message catalogue (``team.all``); a team
        the data does not have raises ``CskitError("cli.unknown_team")``, as :meth:`role_of` does.

        Examples
        --------
        >>> data = Dataset({"accounts": pd.DataFrame({"account_id": ["A1"], "team": ["cs1"]})})
        >>> data.team_name("all", "en"), data.team_name("cs1", "ja")
        ('Company', 'cs1')
        """
        lang = check_lang(lang)
        if team == ALL_TEAMS:
            return t("team.all", lang)
        self.role_of(team)  # an unknown team: CskitError naming the known teams, not a KeyError
        row = self.teams.set_index("team").loc[team]
        name = row.get(f"name_{lang}")
        return team if name is None or pd.isna(name) or name == "" else str(name)

    def account_team_column(self, team: str) -> str:
        """Column of ``accounts`` that assigns accounts to ``team``.

        Sales teams (inside or field sales) own the accounts they sold
        (``sales_team``); every other team owns ``accounts.team``.
        """
        return "sales_team" if self.role_of(team) in SALES_ROLES else "team"

    def account_mask(self, team: str = ALL_TEAMS) -> np.ndarray:
        """Boolean mask over the rows of ``accounts`` that belong to ``team`` (all rows for ``"all"``)."""
        accounts = self.tables["accounts"]
        if team == ALL_TEAMS:
            return np.ones(len(accounts), dtype=bool)
        column = self.account_team_column(team)
        if column not in accounts:
            return np.zeros(len(accounts), dtype=bool)
        return (accounts[column] == team).to_numpy(dtype=bool)

    def account_ids(self, team: str = ALL_TEAMS) -> pd.Index:
        """Account ids of ``team`` (``"all"`` for the whole company)."""
        accounts = self.tables["accounts"]
        if team == ALL_TEAMS:
            return pd.Index(accounts["account_id"])
        mask = self.account_mask(team)
        if not mask.any() and self.account_team_column(team) not in accounts:
            return pd.Index([], dtype=object)
        return pd.Index(accounts["account_id"][mask])

    @cached_property
    def mrr_by_account(self) -> np.ndarray:
        """MRR per account and month, built once and shared (read-only).

        Returns
        -------
        ndarray of float, shape (accounts, months)
            Rows in ``accounts`` order, columns the months of :attr:`months`; money in
            the dataset's currency, a month without an ``mrr`` row is 0.
        """
        matrix = mrr_matrix(self.tables["mrr"], pd.Index(self.tables["accounts"]["account_id"]), MonthAxis(self.months))
        matrix.flags.writeable = False
        return matrix

    @cached_property
    def months(self) -> pd.PeriodIndex:
        """Every month of the data: the :attr:`window` when set, else the first to the last month of ``mrr``.

        Examples
        --------
        >>> data = Dataset({"mrr": pd.DataFrame({"month": pd.PeriodIndex(["2024-02"], freq="M")})},
        ...                window=(pd.Period("2024-01", "M"), pd.Period("2024-04", "M")))
        >>> [str(m) for m in data.months]
        ['2024-01', '2024-02', '2024-03', '2024-04']
        """
        if self.window is not None:
            return pd.period_range(self.window[0], self.window[1], freq="M")
        month = self.tables["mrr"]["month"]
        return pd.period_range(month.min(), month.max(), freq="M")
