"""What every check of one table shares: the problem collector and how values are shown.

Row numbers are the ones a user sees in a spreadsheet (the header is row 1), and a
value is shown as the user wrote it once parsed (``9000`` rather than ``9000.0``), so
the pandas loader and the DuckDB route (:mod:`cskit.kpi.pushdown`) word a problem the
same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import Problem

__all__ = ["TableContext", "spreadsheet_rows", "show_value", "dictionary_codes"]


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

    def add(self, code: str, rows: Iterable[int] = (), column: str | None = None, severity: str = "error",
            **params) -> None:
        """Record one problem (``rows`` are spreadsheet rows; see :func:`spreadsheet_rows`)."""
        self.problems.append(Problem(self.file, code, tuple(int(r) for r in rows), column, params, severity))

    def add_per_value(self, code: str, mask: pd.Series, values: pd.Series, column: str, **params) -> None:
        """One problem per distinct bad value, listing the spreadsheet rows it is in."""
        bad = values[mask]
        for value, positions in bad.groupby(bad.astype(str), sort=False).groups.items():
            self.add(code, spreadsheet_rows(positions), column, value=value, **params)


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
