"""Scan a dataset folder for ``cskit map``: the top rows of every file, the proposal, ``dataset.yml``.

This is the edge around the pure :mod:`cskit.io.propose`: it reads the first
:data:`PROPOSAL_ROWS` rows of every ``.csv`` (UTF-8, BOM or Shift_JIS), every sheet of
every ``.xlsx`` and every ``.parquet`` file, title blocks included, and writes the
accepted proposal atomically. Its reader of top rows is private to ``cskit map``: the
loader reads whole tables through :mod:`cskit.io.readers`.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import itertools
from pathlib import Path

from ..contract import FILE_SUFFIXES
from ..errors import CskitError, Problem
from ..files import atomic_write
from .propose import Proposal, Sheet, propose
from .readers import detect_encoding, typed_to_text
from .config import read_dataset_config
from .sources import one_line

__all__ = ["PROPOSAL_ROWS", "CONFIG_NAME", "dataset_files", "propose_dataset", "read_sheets", "write_proposal"]

#: Rows read from the top of each file (or sheet) to propose a mapping.
PROPOSAL_ROWS = 300
#: The settings file of a dataset folder.
CONFIG_NAME = "dataset.yml"


def dataset_files(folder: Path) -> list[Path]:
    """The table files of ``folder`` by name: the contract's file types, without hidden files and Excel lock files.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     for name in ("取引先.csv", "~$取引先.xlsx", "notes.txt", "mrr.parquet"):
    ...         _ = (Path(folder) / name).write_bytes(b"")
    ...     [p.name for p in dataset_files(Path(folder))]
    ['mrr.parquet', '取引先.csv']
    """
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and p.suffix.lower() in FILE_SUFFIXES and not p.name.startswith((".", "~$")))


def _csv_sheets(path: Path, limit: int) -> list[Sheet]:
    with open(path, encoding=detect_encoding(path), newline="") as handle:
        rows = tuple(tuple(row) for row in itertools.islice(csv.reader(handle), limit))
    return [Sheet(path.name, rows)]


def _excel_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value == dt.datetime.combine(value.date(), dt.time()) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_sheets(path: Path, limit: int) -> list[Sheet]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = []
        for position, sheet in enumerate(book.worksheets):
            rows = tuple(tuple(_excel_cell(v) for v in row) for row in sheet.iter_rows(max_row=limit, values_only=True))
            sheets.append(Sheet(path.name, rows, sheet=sheet.title, position=position))
        return sheets
    finally:
        book.close()


def _parquet_sheets(path: Path, limit: int) -> list[Sheet]:
    import pyarrow.parquet as pq

    handle = pq.ParquetFile(path)
    names = handle.schema_arrow.names
    batch = next(handle.iter_batches(batch_size=limit), None)
    frame = batch.to_pandas().apply(typed_to_text) if batch is not None else None
    rows = [] if frame is None else [tuple("" if v is None or v != v else str(v) for v in row)
                                     for row in frame.itertuples(index=False)]
    return [Sheet(path.name, (tuple(names), *rows), header_row=1)]


#: Reader of a file's top rows per file type.
SHEET_READERS = {".csv": _csv_sheets, ".xlsx": _xlsx_sheets, ".parquet": _parquet_sheets}


def read_sheets(path: Path, limit: int = PROPOSAL_ROWS) -> list[Sheet]:
    """The first ``limit`` rows of a file as text: one :class:`Sheet` per CSV/Parquet file or Excel sheet.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "取引先.csv"
    ...     _ = path.write_bytes("取引先一覧\\n\\n取引先ID,担当\\nA1,cs1\\n".encode("cp932"))
    ...     read_sheets(path)[0].rows
    (('取引先一覧',), (), ('取引先ID', '担当'), ('A1', 'cs1'))
    """
    return SHEET_READERS[path.suffix.lower()](path, limit)


def propose_dataset(folder: str | Path) -> tuple[Proposal, list[Problem]]:
    """Propose a ``dataset.yml`` for a folder of exports (``cskit map``).

    Parameters
    ----------
    folder : str or Path
        The dataset folder.

    Returns
    -------
    proposal : Proposal
        See :func:`cskit.io.propose.propose`; an existing ``dataset.yml`` keeps its ``currency`` and ``as_of``.
    problems : list of Problem
        Warnings: files that could not be read, an unreadable ``dataset.yml``.

    Raises
    ------
    CskitError
        The folder does not exist, or holds no ``.csv``, ``.xlsx`` or ``.parquet`` file.

    Examples
    --------
    >>> proposal, problems = propose_dataset("data/sample")
    >>> proposal.complete, proposal.to_config(), problems
    (True, {'currency': 'JPY', 'as_of': datetime.date(2026, 10, 31)}, [])
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CskitError("data.dir_missing", path=str(folder))
    files = dataset_files(folder)
    if not files:
        raise CskitError("map.no_files", path=str(folder))
    config, problems = read_dataset_config(folder)
    existing = {key: getattr(config, key) for key in ("currency", "as_of") if key in config.lines}  # as written
    problems = [dataclasses.replace(p, severity="warning") for p in problems]
    sheets: list[Sheet] = []
    for path in files:
        try:
            sheets += read_sheets(path)
        except Exception as exc:  # a broken file is left out and named, the others still proposed
            problems.append(Problem(path.name, "map.unreadable", params={"reason": one_line(exc)}, severity="warning"))
    return propose(sheets, existing), problems


def write_proposal(folder: str | Path, text: str, force: bool = False) -> Path:
    """Write ``text`` to ``folder/dataset.yml`` atomically; an existing file only with ``force``.

    Raises
    ------
    CskitError
        ``dataset.yml`` exists and ``force`` is false (nothing is written).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_proposal(folder, "currency: JPY\\n")
    ...     write_proposal(folder, "currency: USD\\n")
    Traceback (most recent call last):
    cskit.errors.CskitError: ... already exists; add --force to overwrite it.
    """
    path = Path(folder) / CONFIG_NAME
    if path.exists() and not force:
        raise CskitError("map.exists", path=str(path))
    return atomic_write(path, text)
