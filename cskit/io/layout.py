"""Where a table is inside a folder and a file: its file, its sheet and its header row.

Real exports are rarely shaped like the contract's files: the file carries the report's
name (``取引先レポート_20261130.csv``), a title block (report name, date, filters) sits
above the header, and a workbook has several sheets. :func:`table_file` finds the file
(``tables.<table>.file`` in ``dataset.yml``, else ``<table>.csv/.xlsx/.parquet``) and
:func:`locate` the first sheet and the first row (of the first :data:`SCAN_ROWS`)
holding every required header of the table, after the ``columns`` mapping;
``tables.<table>.sheet`` and ``header_row`` override what is found.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from ..contract import Table
from ..errors import Problem
from .config import DatasetConfig, normalise_header
from .readers import detect_encoding, find_table_file

__all__ = ["SCAN_ROWS", "Layout", "expected_headers", "header_row_of", "table_file", "locate"]

#: Rows searched for the header (a title block is a few rows; a data row is never a header).
SCAN_ROWS = 30


@dataclass(frozen=True)
class Layout:
    """Where the table is in its file: the sheet (None = the first, or no sheets) and the header row (1 = first)."""

    sheet: str | None = None
    header_row: int = 1


def expected_headers(table: Table, config: DatasetConfig) -> set[str]:
    """The normalised headers of ``table``'s required columns, as the user's file names them.

    Examples
    --------
    >>> from cskit.contract import TABLES
    >>> sorted(expected_headers(TABLES["mrr"], DatasetConfig(columns={"mrr": {"mrr": "月額"}})))
    ['accountid', 'month', '月額']
    """
    return {normalise_header(config.header(table.name, c.name) or c.name) for c in table.columns if c.required}


def header_row_of(rows, wanted: set[str]) -> int | None:
    """The first row (1 = first) whose cells include every header of ``wanted``, or None.

    Examples
    --------
    >>> header_row_of([["取引先レポート"], [], ["Account ID", " team "], ["A1", "cs1"]], {"accountid", "team"})
    3
    """
    for number, row in enumerate(rows, start=1):
        if wanted <= {normalise_header(cell) for cell in row if cell is not None}:
            return number
    return None


def table_file(folder: Path, name: str, config: DatasetConfig) -> tuple[Path | None, list[Problem]]:
    """The file of table ``name`` in ``folder``: the one ``dataset.yml`` names, else ``<name>.csv/.xlsx/.parquet``.

    Returns
    -------
    path : Path or None
        None when there is no such file.
    problems : list of Problem
        ``config.file_absent`` when ``dataset.yml`` names a file that is not there.

    Examples
    --------
    >>> table_file(Path("data/sample"), "mrr", DatasetConfig())
    (PosixPath('data/sample/mrr.csv'), [])
    """
    named = config.location(name).file
    if named is None:
        return find_table_file(Path(folder), name), []
    path = Path(folder) / named
    if path.is_file():
        return path, []
    return None, [config.problem("config.file_absent", f"tables.{name}.file", table=name, path=named)]


def locate(path: Path, table: Table, config: DatasetConfig) -> tuple[Layout, list[Problem]]:
    """The sheet and header row of ``table`` in ``path`` (see the module docstring).

    When no row of the first :data:`SCAN_ROWS` holds the required headers, the header
    is taken to be the first row of the first sheet (and the loader names the columns
    it lacks).

    Examples
    --------
    >>> from cskit.contract import TABLES
    >>> locate(Path("data/sample/mrr.csv"), TABLES["mrr"], DatasetConfig())
    (Layout(sheet=None, header_row=1), [])
    """
    where = config.location(table.name)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _locate_in_workbook(path, table, config)
    if suffix != ".csv":
        return Layout(), []
    if where.header_row is not None:
        return Layout(header_row=where.header_row), []
    with open(path, encoding=detect_encoding(path), newline="", errors="replace") as handle:
        rows = list(islice(csv.reader(handle), SCAN_ROWS))
    return Layout(header_row=header_row_of(rows, expected_headers(table, config)) or 1), []


def _locate_in_workbook(path: Path, table: Table, config: DatasetConfig) -> tuple[Layout, list[Problem]]:
    """The first sheet (or the named one) and row holding the headers; the named header row wins."""
    import openpyxl

    where = config.location(table.name)
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = list(workbook.sheetnames)
        if where.sheet is not None and where.sheet not in names:
            problem = config.problem("config.sheet_missing", f"tables.{table.name}.sheet", file=path.name,
                                     sheet=where.sheet, sheets=", ".join(names))
            return Layout(), [problem]
        wanted = expected_headers(table, config)
        for name in [where.sheet] if where.sheet is not None else names:
            rows = list(workbook[name].iter_rows(max_row=SCAN_ROWS, values_only=True))
            if where.header_row is not None:
                found = where.header_row if header_row_of(rows[where.header_row - 1:where.header_row], wanted) else None
            else:
                found = header_row_of(rows, wanted)
            if found is not None:
                return Layout(sheet=name, header_row=found), []
    finally:
        workbook.close()
    return Layout(sheet=where.sheet, header_row=where.header_row or 1), []
