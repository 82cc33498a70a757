"""Read a table file as text cells, one reader per file type behind a small registry.

Every file is read as text first (an Arrow table of string columns, null = empty
cell) and only then parsed column by column (:mod:`cskit.io.parsing`), so each bad
cell can be reported with its file, row and column. The file types and their order of
preference are declared by the contract (:data:`cskit.contract.FILE_SUFFIXES`); this
module gives each one a reader.
"""
from __future__ import annotations

import codecs
import csv
import unicodedata
import warnings
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..contract import FILE_SUFFIXES

__all__ = [
    "ENCODING_SNIFF_BYTES", "READERS", "EmptyFile", "register_reader", "find_table_file", "detect_encoding",
    "read_raw", "text_table", "typed_to_text",
]

#: Bytes sniffed to choose an encoding (a multi-byte character cut at the edge is fine).
ENCODING_SNIFF_BYTES = 4 * 1024 * 1024
#: Characters trimmed around cells and headers: ASCII and full-width spaces, tabs, line ends.
SPACES = " \t\u3000\r\n"

#: A reader: (path, sheet or None, header row (1 = first)) -> (text cells, notes worth a warning such as ``"cp932"``).
Reader = Callable[[Path, "str | None", int], "tuple[pa.Table, list[str]]"]
#: Reader per file suffix (``.csv``...), filled by :func:`register_reader`.
READERS: dict[str, Reader] = {}


class EmptyFile(Exception):
    """The file has no bytes at all (not even a header row)."""


def register_reader(suffix: str) -> Callable[[Reader], Reader]:
    """Register the decorated function as the reader of ``suffix`` (one of the contract's file types).

    Examples
    --------
    >>> list(READERS)
    ['.csv', '.xlsx', '.parquet']
    """
    if suffix not in FILE_SUFFIXES:
        raise ValueError(f"{suffix} is not a file type of the contract: {FILE_SUFFIXES}")

    def decorate(reader: Reader) -> Reader:
        READERS[suffix] = reader
        return reader

    return decorate


def find_table_file(folder: Path, table: str) -> Path | None:
    """Return the file holding ``table`` in ``folder`` (``.csv`` before ``.xlsx`` before ``.parquet``).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "mrr.parquet").write_bytes(b"")
    ...     _ = (Path(folder) / "mrr.csv").write_text("account_id,month,mrr\\n")
    ...     find_table_file(Path(folder), "mrr").name
    'mrr.csv'
    """
    for suffix in FILE_SUFFIXES:
        candidate = Path(folder) / f"{table}{suffix}"
        if suffix in READERS and candidate.is_file():
            return candidate
    return None


def detect_encoding(path: Path) -> str:
    """Return ``"utf-8-sig"``, ``"utf-8"`` or ``"cp932"`` for a text file.

    UTF-8 is tried first: Shift_JIS text is almost never valid UTF-8, while the
    reverse is common, so the order matters. Only the first
    :data:`ENCODING_SNIFF_BYTES` bytes are read.

    Raises
    ------
    ValueError
        Binary data, or text in neither encoding.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "teams.csv"
    ...     _ = path.write_bytes("team,name_ja\\ncs1,カスタマーサクセス\\n".encode("cp932"))
    ...     detect_encoding(path)
    'cp932'
    """
    with open(path, "rb") as handle:
        head = handle.read(ENCODING_SNIFF_BYTES)
    if b"\x00" in head:
        raise ValueError("binary data (NUL bytes), not CSV text")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp932"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise ValueError("not UTF-8 or Shift_JIS (cp932) text")


def read_raw(path: Path, sheet: str | None = None, header_row: int = 1) -> tuple[pa.Table, list[str]]:
    """Read a table file as text cells: an Arrow table of string columns (null = empty cell).

    Parameters
    ----------
    path : Path
        A file whose suffix has a reader (:data:`READERS`).
    sheet : str or None
        Sheet of a workbook (default: the first); other file types have none.
    header_row : int
        Row holding the headers (1 = first row); the rows above it (a report's title
        block) are skipped. Parquet files have no header row.

    Returns
    -------
    table : pyarrow.Table
        One string column per header (headers NFKC-normalised and trimmed), rows in file order.
    notes : list of str
        Encoding notes (``"utf-8-sig"`` or ``"cp932"``) worth a warning.

    Raises
    ------
    EmptyFile
        The file has no bytes.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "mrr.csv"
    ...     _ = path.write_text(" account_id ,mrr\\nA1,\\n", encoding="utf-8")
    ...     table, notes = read_raw(path)
    ...     table.column_names, table.column("mrr").to_pylist(), notes
    (['account_id', 'mrr'], [None], [])
    """
    if path.stat().st_size == 0:
        raise EmptyFile()
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise ValueError(f"unsupported file type {suffix}")
    return READERS[suffix](path, sheet, header_row)


def text_table(frame: pd.DataFrame) -> pa.Table:
    """A frame of text cells as an Arrow table of strings: missing and empty cells become null.

    Examples
    --------
    >>> text_table(pd.DataFrame({"a": ["x", "", None]})).column("a").to_pylist()
    ['x', None, None]
    """
    frame = frame.astype(object).where(frame.notna() & frame.ne(""), None)
    if not len(frame.columns):
        return pa.table({})
    return _clean_header(pa.table({str(c): pa.array(frame[c].tolist(), type=pa.string()) for c in frame.columns}))


def typed_to_text(column: pd.Series) -> pd.Series:
    """A typed column (Parquet, SQL) as text cells: dates as ``YYYY-MM-DD[THH:MM:SS]``, months as ``YYYY-MM``.

    Examples
    --------
    >>> typed_to_text(pd.Series(pd.to_datetime(["2024-01-05", None]))).tolist()
    ['2024-01-05', nan]
    """
    if pd.api.types.is_datetime64_any_dtype(column):
        text = column.dt.strftime("%Y-%m-%dT%H:%M:%S").str.replace("T00:00:00", "", regex=False)
        return text.where(column.notna(), np.nan)
    if isinstance(column.dtype, pd.PeriodDtype):
        return column.astype(str).where(column.notna(), np.nan)
    return column.astype(object).map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))


@register_reader(".csv")
def read_csv_text(path: Path, sheet: str | None = None, header_row: int = 1) -> tuple[pa.Table, list[str]]:
    """A CSV file (UTF-8, UTF-8 with BOM or Shift_JIS) as text cells; see :func:`read_raw`."""
    encoding = detect_encoding(path)
    notes = [] if encoding == "utf-8" else [encoding]
    if encoding in ("utf-8", "utf-8-sig"):
        try:
            return _read_csv_arrow(path, header_row), notes
        except pa.ArrowInvalid:
            pass  # fall through: the C parser names the line that is wrong
    # index_col=False and the warning turned into an error: a longer row must fail, not be cut silently
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        frame = pd.read_csv(path, dtype=str, encoding=encoding, engine="c", keep_default_na=False, index_col=False,
                            skiprows=header_row - 1, skip_blank_lines=False)
    return text_table(frame), notes


@register_reader(".xlsx")
def read_xlsx_text(path: Path, sheet: str | None = None, header_row: int = 1) -> tuple[pa.Table, list[str]]:
    """A sheet of an Excel file (default: the first) as text cells (dates as ``YYYY-MM-DD``); see :func:`read_raw`."""
    frame = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, header=header_row - 1, dtype=object,
                          engine="openpyxl")
    return text_table(frame.apply(_excel_cells_to_text)), []


@register_reader(".parquet")
def read_parquet_text(path: Path, sheet: str | None = None, header_row: int = 1) -> tuple[pa.Table, list[str]]:
    """A Parquet file as text cells (typed columns written back as text); see :func:`read_raw`."""
    return text_table(pd.read_parquet(path).apply(typed_to_text)), []


def _read_csv_arrow(path: Path, header_row: int = 1) -> pa.Table:
    """Multi-threaded read of a UTF-8 CSV with every column as text (pyarrow), the header on ``header_row``."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        for _ in range(header_row - 1):
            next(rows, None)
        header = next(rows, [])
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 24, skip_rows=header_row - 1),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )
    return _clean_header(table)


def _clean_header(table: pa.Table) -> pa.Table:
    names = [unicodedata.normalize("NFKC", str(c)).strip(SPACES + "\ufeff") for c in table.column_names]
    return table.rename_columns(names)


def _excel_cells_to_text(column: pd.Series) -> pd.Series:
    def cell(value):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return np.nan
        if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
            ts = pd.Timestamp(value)
            return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return column.map(cell)
