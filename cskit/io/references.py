"""Rules across tables: references (``Column.references``) and teams that own no account.

A table is checked as soon as it is read: its parents come before it in the contract
(:data:`cskit.contract.TABLES`), so they are already parsed.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from ..contract import TABLES
from .context import TableContext, dictionary_codes, spreadsheet_rows

__all__ = ["referenced_columns", "reference_parent", "check_references", "check_teams"]


def referenced_columns() -> set[tuple[str, str]]:
    """``(table, column)`` pairs other tables refer to; their encoded values are kept for the reference checks.

    Examples
    --------
    >>> ("accounts", "account_id") in referenced_columns()
    True
    """
    return {tuple(c.references.split(".")) for t in TABLES.values() for c in t.columns if c.references}


def reference_parent(file: str, column: str) -> str:
    """How a message names the column a reference points to: ``"accounts.csv (account_id)"``.

    Examples
    --------
    >>> reference_parent("accounts.csv", "account_id")
    'accounts.csv (account_id)'
    """
    return f"{file} ({column})"


def check_references(name: str, frames: dict[str, pd.DataFrame], files: dict[str, str],
                     contexts: dict[str, TableContext]) -> None:
    """Every value of a referencing column of table ``name`` must exist in the table it refers to.

    Parameters
    ----------
    name : str
        The table to check (already parsed, in ``frames``).
    frames, files, contexts : dict
        Per table read so far: the parsed frame, its file name, its problem collector.
        A reference to a table that is absent is not checked.

    Examples
    --------
    >>> frames = {"accounts": pd.DataFrame({"account_id": ["A1"]}),
    ...           "mrr": pd.DataFrame({"account_id": ["A1", "A9"], "month": None, "mrr": 1.0})}
    >>> contexts = {"accounts": TableContext("accounts.csv"), "mrr": TableContext("mrr.csv")}
    >>> check_references("mrr", frames, {"accounts": "accounts.csv", "mrr": "mrr.csv"}, contexts)
    >>> problem = contexts["mrr"].problems[0]
    >>> problem.code, problem.rows, problem.params["parent"]
    ('data.unknown_reference', (3,), 'accounts.csv (account_id)')
    """
    frame = frames[name]
    for col in TABLES[name].columns:
        if not col.references or col.name not in frame:
            continue
        parent_table, parent_column = col.references.split(".")
        if parent_table not in frames:
            continue
        values = frame[col.name]
        unknown = _unknown(values, contexts[name].encoded.get(col.name), contexts[parent_table].encoded.get(parent_column),
                           frames[parent_table], parent_column)
        if unknown is not None:
            contexts[name].add_per_value("data.unknown_reference", unknown, values, col.name,
                                         parent=reference_parent(files[parent_table], contexts[parent_table].header(parent_column)))


def _unknown(values: pd.Series, child, parent, parent_frame: pd.DataFrame, parent_column: str) -> pd.Series | None:
    """Mask of the cells whose value the parent column lacks (None when every value is known).

    ``child`` and ``parent`` are the dictionary-encoded columns when the parser kept them
    (the parent frame may then have dropped the column already); else the frames' values are compared.
    """
    if child is not None and parent is not None:
        # each distinct value is looked up once; cells only when one is unknown
        found = pc.is_in(child.dictionary, value_set=parent.dictionary)
        if pc.all(found).as_py() in (True, None):
            return None
        unknown_distinct = np.append(~found.to_numpy(zero_copy_only=False), False)  # last: missing cell
        return pd.Series(unknown_distinct[dictionary_codes(child)], index=values.index)
    known = parent_frame[parent_column].dropna().unique()
    return values.notna() & ~values.isin(known)


def check_teams(frames: dict[str, pd.DataFrame], contexts: dict[str, TableContext]) -> None:
    """A CS or field-sales team that owns no account is almost always a typo in ``teams.csv``.

    Checked once both tables are parsed (and before their unused columns are dropped).

    Examples
    --------
    >>> frames = {"teams": pd.DataFrame({"team": ["cs1", "cs2"], "role": ["cs", "cs"]}),
    ...           "accounts": pd.DataFrame({"account_id": ["A1"], "team": ["cs1"], "sales_team": [None]})}
    >>> contexts = {"teams": TableContext("teams.csv")}
    >>> check_teams(frames, contexts)
    >>> [(p.code, p.rows, p.params["value"]) for p in contexts["teams"].problems]
    [('data.team_without_accounts', (3,), 'cs2')]
    """
    if "teams" not in frames or "accounts" not in frames:
        return
    teams, accounts = frames["teams"], frames["accounts"]
    owners = {"cs": set(accounts["team"].dropna()), "field_sales": set(accounts["sales_team"].dropna())}
    for position, row in teams.iterrows():
        if row["role"] in owners and row["team"] not in owners[row["role"]]:
            contexts["teams"].add("data.team_without_accounts", spreadsheet_rows([position]), "team",
                                  value=row["team"], role=row["role"])
