"""What every check of one table shares: the problem collector and how values are shown.

Row numbers are the ones a user sees in a spreadsheet (the header is row 1), and a
value is shown as the user wrote it once parsed (``9000`` rather than ``9000.0``), so
the pandas loader and the DuckDB route (:mod:`cskit.kpi.pushdown`) word a problem the
same way. Checks speak of the contract's columns and count rows as if the header were
row 1; :func:`as_user_sees` turns a problem into the user's terms (the header of their
file, the row their spreadsheet shows when the header is lower down), in one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import Problem

__all__ = ["TableContext", "COLUMN_PARAMS", "as_user_sees", "spreadsheet_rows", "show_value", "dictionary_codes"]

#: Message fields that hold a column name (besides ``Problem.column``).
COLUMN_PARAMS = ("field", "other")


def as_user_sees(problem: Problem, headers: dict[str, str], header_row: int = 1) -> Problem:
    """A problem in the user's terms: their header for each contract column, rows as their sheet numbers them.

    Parameters
    ----------
    problem : Problem
        Worded with contract columns (``account_id+month`` for a key), rows counted
        with the header on row 1.
    headers : dict of str to str
        Contract column -> the header in the user's file (only where they differ).
    header_row : int
        The row the header is on in the user's file (1 = first row).

    Examples
    --------
    >>> p = Problem("mrr.csv", "data.duplicate_key", (3,), "account_id+month", {"first_row": 2})
    >>> shown = as_user_sees(p, {"account_id": "取引先ID"}, header_row=4)
    >>> shown.rows, shown.column, shown.params["first_row"]
    ((6,), '取引先ID+month', 5)
    """
    if not headers and header_row == 1:
        return problem
    shift = header_row - 1
    params = dict(problem.params)
    for name in COLUMN_PARAMS:
        if isinstance(params.get(name), str):
            params[name] = headers.get(params[name], params[name])
    if "first_row" in params:
        params["first_row"] = int(params["first_row"]) + shift
    column = problem.column
    if column is not None:
        column = "+".join(headers.get(part, part) for part in column.split("+"))
    return replace(problem, rows=tuple(r + shift for r in problem.rows), column=column, params=params)


@dataclass
class TableContext:
    """Collects the problems of one file while its columns are parsed and checked.

    Parameters
    ----------
    file : str
        File name as the user knows it (``"mrr.csv"``, ``"mrr (SQL)"``).
    problems : list of Problem
        Errors and warnings found so far.
    encoded : dict of str to pyarrow.DictionaryArray
        Dictionary-encoded (trimmed) text of the id and enum columns, kept while the
        dataset is checked: duplicate, reference and allowed-value checks then hash
        each distinct value once instead of every cell.
    headers : dict of str to str
        Contract column -> the header in the user's file, where they differ
        (``dataset.yml`` ``columns``); problems name the user's header.
    values : dict of str to dict
        Per choice column, the user's value (NFKC, trimmed) -> the contract's value
        (``dataset.yml`` ``values``), applied before the allowed-values check.
    header_row : int
        The row the header is on (1 = first row); problems count rows from it.

    Examples
    --------
    >>> ctx = TableContext("mrr.csv")
    >>> ctx.add("data.negative", [0], "mrr", value="-5")
    >>> ctx.problems[0].rows
    (0,)
    """

    file: str
    problems: list[Problem] = field(default_factory=list)
    encoded: dict[str, pa.DictionaryArray] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    header_row: int = 1

    def add(self, code: str, rows: Iterable[int] = (), column: str | None = None, severity: str = "error",
            **params) -> None:
        """Record one problem (``rows`` are spreadsheet rows, header = 1; see :func:`spreadsheet_rows`).

        ``column`` is the contract's name; the problem is stored as the user sees it (:func:`as_user_sees`).
        """
        problem = Problem(self.file, code, tuple(int(r) for r in rows), column, params, severity)
        self.problems.append(as_user_sees(problem, self.headers, self.header_row))

    def header(self, column: str) -> str:
        """The header of contract ``column`` in the user's file."""
        return self.headers.get(column, column)

    def add_per_value(self, code: str, mask: pd.Series, values: pd.Series, column: str, **params) -> None:
        """One problem per distinct bad value, listing the spreadsheet rows it is in."""
        bad = values[mask]
        for value, positions in bad.groupby(bad.astype(str), sort=False).groups.items():
            self.add(code, spreadsheet_rows(sorted(positions)), column, value=value, **params)  # listed in row order


def spreadsheet_rows(positions: Iterable[int]) -> list[int]:
    """Spreadsheet row numbers for frame positions (the header is row 1).

    Examples
    --------
    >>> spreadsheet_rows([0, 5])
    [2, 7]
    """
    return [int(i) + 2 for i in positions]


def show_value(value) -> str:
    """A parsed cell as a message shows it: whole numbers without ``.0``, midnight dates as days.

    Examples
    --------
    >>> show_value(9000.0), show_value(2.5), show_value(pd.Timestamp("2024-01-05"))
    ('9000', '2.5', '2024-01-05')
    """
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def dictionary_codes(encoded: pa.DictionaryArray) -> np.ndarray:
    """Integer code per cell of a dictionary-encoded column (-1 for a missing cell).

    Examples
    --------
    >>> dictionary_codes(pa.array(["a", None, "b", "a"]).dictionary_encode()).tolist()
    [0, -1, 1, 0]
    """
    return pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
