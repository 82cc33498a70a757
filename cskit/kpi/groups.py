"""KPIs by any account attribute (``cskit kpi --by segment``): which columns, which groups, which KPIs.

A group is the set of accounts (of the company, or of one team) that share a value of
one ``accounts`` column: a segment, a touch model, the sales team that won them, the
CSM who keeps them (``accounts.owner``). Only the KPIs computed from the accounts
themselves make sense per group (:data:`GROUP_KPIS`, derived from the registry's
``attribution`` and ``tables``); the KPIs of a team's own rows (its pipeline, calls,
leads, tickets and costs) belong to the team, not to a group of accounts.
"""
from __future__ import annotations

import numpy as np

from ..contract import TABLES
from ..dataset import ALL_TEAMS, Dataset
from ..errors import CskitError
from ..i18n import t
from .registry import registry

__all__ = ["GROUP_COLUMNS", "TEAM_ONLY_TABLES", "GROUP_KPIS", "available_columns", "check_by", "group_masks",
           "group_names"]

#: Columns of ``accounts`` that name a group (every id, text or choice column but the account's own id and name).
GROUP_COLUMNS = tuple(c.name for c in TABLES["accounts"].columns
                      if c.kind in ("id", "text", "enum") and c.name not in ("account_id", "account_name"))
#: Tables whose rows belong to a team, never to an account.
TEAM_ONLY_TABLES = ("activities", "leads", "costs")
#: The KPIs computed per group: attributed to accounts and read from no team-only table.
GROUP_KPIS = tuple(kpi_id for kpi_id, kpi in registry().items()
                   if kpi.attribution == "accounts" and not set(kpi.tables) & set(TEAM_ONLY_TABLES))


def available_columns(dataset: Dataset) -> list[str]:
    """The :data:`GROUP_COLUMNS` the dataset has, with at least one value.

    Examples
    --------
    >>> import pandas as pd
    >>> accounts = pd.DataFrame({"account_id": ["A"], "team": ["cs1"], "segment": ["smb"], "region": [None]})
    >>> available_columns(Dataset({"accounts": accounts}))
    ['team', 'segment']
    """
    accounts = dataset["accounts"]
    return [c for c in GROUP_COLUMNS if c in accounts and accounts[c].notna().any()]


def check_by(dataset: Dataset, by: str) -> str:
    """Refuse a ``--by`` column the dataset cannot group by, naming the ones it can.

    Raises
    ------
    CskitError
        ``account.by.unknown`` (exit code 2).
    """
    available = available_columns(dataset)
    if by not in available:
        raise CskitError("account.by.unknown", column=by, available=", ".join(available))
    return by


def group_masks(dataset: Dataset, by: str, team: str = ALL_TEAMS) -> tuple[dict[str, np.ndarray], int]:
    """The accounts of ``team`` split by their value of ``accounts[by]``.

    Parameters
    ----------
    dataset : Dataset
    by : str
        A column of :func:`available_columns`.
    team : str
        ``"all"`` or a team id (a sales team: the accounts it won).

    Returns
    -------
    (dict of str to ndarray of bool, int)
        Per value (sorted), the boolean mask over ``accounts`` rows; and how many of the
        team's accounts have no value (they are in no group).

    Examples
    --------
    >>> import pandas as pd
    >>> accounts = pd.DataFrame({"account_id": ["A", "B", "C"], "team": ["cs1"] * 3, "segment": ["smb", None, "ent"]})
    >>> masks, empty = group_masks(Dataset({"accounts": accounts}), "segment")
    >>> {k: v.tolist() for k, v in masks.items()}, empty
    ({'ent': [False, False, True], 'smb': [True, False, False]}, 1)
    """
    check_by(dataset, by)
    scope = dataset.account_mask(team)
    values = dataset["accounts"][by]
    present = values.notna().to_numpy() & scope
    groups = sorted(set(values[present].astype(str)))
    text = values.astype(str).to_numpy()
    masks = {group: present & (text == group) for group in groups}
    return masks, int((scope & ~present).sum())


def group_names(dataset: Dataset, by: str, groups, lang: str | None = None) -> dict[str, str]:
    """A heading per group: ``column: value``, a team's display name when the column holds teams.

    Examples
    --------
    >>> import pandas as pd
    >>> accounts = pd.DataFrame({"account_id": ["A"], "team": ["cs1"], "segment": ["smb"]})
    >>> data = Dataset({"accounts": accounts})
    >>> group_names(data, "segment", ["smb"], "en"), group_names(data, "team", ["cs1"], "ja")
    ({'smb': 'segment: smb'}, {'cs1': 'team：cs1'})
    """
    team_column = by in ("team", "sales_team")
    return {group: t("account.by.group", lang, column=by,
                     value=dataset.team_name(group, lang) if team_column else group) for group in groups}
