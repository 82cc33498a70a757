"""Parse text cells into the contract's typed columns, naming every bad cell.

A vectorised Arrow pass parses the well-formed cells; only the cells it rejects go
through a slower pandas path, which normalises what is safe to read (full-width
digits, thousands separators, surrounding spaces) with a warning and reports the rest
with their row. :func:`parse_table` then runs the one-table checks of
:mod:`cskit.io.checks`.

Types: ids, text and enums stay text; ``date`` and ``timestamp`` become
``datetime64[ns]``, ``month`` a monthly ``Period``, ``number`` ``float64``.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import Column, Table
from .checks import check_table
from .context import TableContext, dictionary_codes, show_value, spreadsheet_rows
from .mapping import map_values
from .readers import SPACES

__all__ = [
    "BAD_VALUE_KEYS", "EXCEL_SERIAL_RANGE", "EXCEL_SERIAL_PATTERN", "NUMBER_PATTERN", "THOUSANDS_PATTERN", "TEXT_PATTERNS",
    "excel_serial_date", "expected_key", "parse_column", "parse_table",
]

#: Excel stores dates as days since 1899-12-30; these serials cover 1954 to 2119.
EXCEL_SERIAL_RANGE = (20_000, 80_000)
#: A number as the fast path reads it (anchors added where used).
NUMBER_PATTERN = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"
#: A number with thousands separators that is safe to read (``9,000``, not ``9,00``).
THOUSANDS_PATTERN = r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"
#: The one written form of a date and of a month.
TEXT_PATTERNS = {"date": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}"}
_TIMESTAMP_PATTERN = r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?)?"
#: A cell that looks like an Excel day serial (checked against :data:`EXCEL_SERIAL_RANGE`).
EXCEL_SERIAL_PATTERN = r"\d{5}(\.\d+)?"
#: Message key of a cell of each temporal kind that cannot be read (both loading routes use it).
BAD_VALUE_KEYS = {"date": "data.bad_date", "month": "data.bad_month", "timestamp": "data.bad_timestamp"}
_EXPECTED = {"date": "expect.date", "month": "expect.month", "timestamp": "expect.timestamp", "number": "expect.number"}
#: pandas' ordinal of a missing period (NaT).
_NAT_ORDINAL = np.iinfo(np.int64).min


def expected_key(kind: str) -> str:
    """Message id of what a column of ``kind`` expects (for ``data.value_missing``).

    Examples
    --------
    >>> expected_key("month"), expected_key("id")
    ('expect.month', 'expect.string')
    """
    return _EXPECTED.get(kind, "expect.string")


def parse_table(raw: pa.Table, table: Table, ctx: TableContext) -> pd.DataFrame | None:
    """Check and parse one table given as text cells (from a file or a SQL query).

    Parameters
    ----------
    raw : pyarrow.Table
        String columns as read (:func:`cskit.io.readers.read_raw`).
    table : Table
        The contract's declaration.
    ctx : TableContext
        Receives every problem, with spreadsheet rows.

    Returns
    -------
    DataFrame or None
        Typed columns in contract order (absent optional columns are empty);
        ``None`` when a required column is missing or a required table has no rows.

    Examples
    --------
    >>> from cskit.contract import TABLES
    >>> ctx = TableContext("mrr.csv")
    >>> raw = pa.table({"account_id": ["A1", "A1"], "month": ["2024-01", "2024-13"], "mrr": ["1,000", "-5"]})
    >>> frame = parse_table(raw, TABLES["mrr"], ctx)
    >>> [(p.code, p.rows) for p in ctx.problems]
    [('data.bad_month', (3,)), ('data.normalised', (2,)), ('data.negative', (3,))]
    """
    missing = [c.name for c in table.columns if c.required and c.name not in raw.column_names]
    for name in missing:
        ctx.add("data.column_missing", column=name, field=name, present=", ".join(raw.column_names) or "-")
    if missing:
        return None
    if table.needs_rows and raw.num_rows == 0:
        ctx.add("data.no_rows")
        return None
    columns = {}
    for col in table.columns:
        if col.name in raw.column_names:
            columns[col.name] = parse_column(raw.column(col.name).combine_chunks(), col, ctx)
        else:
            columns[col.name] = pd.Series(np.nan, index=pd.RangeIndex(raw.num_rows), dtype=object)
    frame = pd.DataFrame(columns, copy=False)  # no copy of the parsed columns
    check_table(frame, table, ctx)
    return frame


def parse_column(raw: pa.Array, col: Column, ctx: TableContext) -> pd.Series:
    """Parse one column of text cells into its contract type (see the module docstring).

    Examples
    --------
    >>> from cskit.contract import Column
    >>> parse_column(pa.array(["2024-01", None]), Column("month", "month", nullable=True), TableContext("f")).tolist()
    [Period('2024-01', 'M'), NaT]
    """
    values = _trim(raw, col.name, ctx)
    if not col.nullable:
        missing = _positions(pc.is_null(values))
        if len(missing):
            ctx.add("data.value_missing", spreadsheet_rows(missing), col.name, expected_key=expected_key(col.kind))
    if col.kind == "enum":  # the user's values named in dataset.yml, before the allowed-values check
        values = map_values(values, ctx.values.get(col.name, {}))
    if col.kind in ("id", "text", "enum"):
        encoded = values.dictionary_encode()
        if col.kind in ("id", "enum"):
            ctx.encoded[col.name] = encoded
        return _shared_strings(encoded)
    if col.kind == "number":
        return _parse_numbers(values, col, ctx)
    if col.kind == "timestamp":
        try:
            stamps = pc.cast(values, pa.timestamp("ns")).to_pandas()
            return pd.Series(stamps.to_numpy(), dtype="datetime64[ns]")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return _parse_temporal(pd.Series(values.to_numpy(zero_copy_only=False), dtype=object), col, ctx).reset_index(drop=True)
    return _parse_calendar(values, col, ctx)


# --------------------------------------------------------------------------- #
# Fast paths (Arrow, every cell)
# --------------------------------------------------------------------------- #
def _positions(mask: pa.Array) -> np.ndarray:
    """Row positions where a boolean Arrow array is true (null counts as false)."""
    return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))


def _trim(raw: pa.Array, column: str, ctx: TableContext) -> pa.Array:
    """Trim spaces (ASCII and full-width), warn how many cells changed, make empty cells null."""
    trimmed = pc.utf8_trim(raw, characters=SPACES)
    changed = _positions(pc.not_equal(trimmed, raw))
    if len(changed):
        ctx.add("data.normalised", spreadsheet_rows(changed[:1]), column, severity="warning",
                count=len(changed), what_key="norm.spaces", example=raw[int(changed[0])].as_py())
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _subset(values: pa.Array, positions: np.ndarray) -> pd.Series:
    """Some cells as a pandas Series of str, indexed by row position (for the slow path)."""
    return pd.Series(values.take(pa.array(positions)).to_pylist(), index=positions, dtype=object)


def _shared_strings(encoded: pa.DictionaryArray) -> pd.Series:
    """Text cells as an object Series in which equal values share one Python string.

    Ids, enums and team names repeat a lot (an account id in every month of ``mrr``):
    one string object per distinct value instead of one per cell keeps large tables
    several times smaller in memory. Missing cells are ``None``.
    """
    distinct = np.empty(len(encoded.dictionary) + 1, dtype=object)
    distinct[:-1] = encoded.dictionary.to_pylist()
    positions = pc.fill_null(encoded.indices, len(encoded.dictionary)).to_numpy(zero_copy_only=False)
    return pd.Series(distinct[positions], dtype=object)


def _parse_numbers(values: pa.Array, col: Column, ctx: TableContext) -> pd.Series:
    """Numbers: the well-formed cells by Arrow, the rest by :func:`_parse_number`; whole numbers checked."""
    well_formed = pc.match_substring_regex(values, f"^{NUMBER_PATTERN}$")
    parsed = pc.cast(pc.if_else(well_formed, values, pa.scalar(None, pa.string())), pa.float64()).to_numpy(zero_copy_only=False)
    parsed = pd.Series(parsed, dtype="float64")
    rejected = _positions(pc.and_(pc.is_valid(values), pc.invert(pc.fill_null(well_formed, False))))
    if len(rejected):
        parsed.loc[rejected] = _parse_number(_subset(values, rejected), col, ctx).to_numpy()
    infinite = np.flatnonzero(np.isinf(parsed.to_numpy()))
    if len(infinite):  # "inf", "Infinity" or 1e400 is no amount: refused, never carried into a sum
        cells = _subset(values, infinite)
        ctx.add_per_value("data.bad_number", pd.Series(True, index=cells.index), cells, col.name)
        parsed = parsed.where(~np.isinf(parsed.to_numpy()))
    if col.integer:
        fractional = parsed.notna() & (parsed != np.floor(parsed))
        ctx.add_per_value("data.not_integer", fractional, parsed.map(show_value) if fractional.any() else parsed, col.name)
    return parsed


def _parse_calendar(values: pa.Array, col: Column, ctx: TableContext) -> pd.Series:
    """Dates and months: each distinct value parsed once (strict pattern, then a round trip
    that rejects 2024-02-30), then spread back to the rows."""
    encoded = values.dictionary_encode()
    distinct = encoded.dictionary
    text = distinct if col.kind == "date" else pc.binary_join_element_wise(distinct, pa.scalar("-01"), "")
    stamps = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    exact = pc.and_(pc.match_substring_regex(distinct, f"^{TEXT_PATTERNS[col.kind]}$"),
                    pc.equal(pc.strftime(stamps, format="%Y-%m-%d"), text))
    distinct_parsed = pc.if_else(exact, stamps, pa.scalar(None, pa.timestamp("s"))).cast(pa.timestamp("ns"))
    rejected_distinct = pc.invert(pc.fill_null(exact, False))
    rejected = _positions(pc.and_(pc.is_valid(encoded.indices), pc.fill_null(rejected_distinct.take(encoded.indices), False)))
    if col.kind == "month":
        # months become period ordinals per distinct value, then are spread to the rows
        distinct_stamps = pd.Series(distinct_parsed.to_numpy(zero_copy_only=False), dtype="datetime64[ns]")
        ordinals = np.append(_to_periods(distinct_stamps).array.asi8, _NAT_ORDINAL)[dictionary_codes(encoded)]
        if len(rejected):
            ordinals[rejected] = _to_periods(_parse_temporal(_subset(values, rejected), col, ctx)).array.asi8
        return pd.Series(pd.arrays.PeriodArray(ordinals, dtype=pd.PeriodDtype("M")))
    parsed = pd.Series(distinct_parsed.take(encoded.indices).to_numpy(zero_copy_only=False), dtype="datetime64[ns]")
    if len(rejected):
        parsed.loc[rejected] = _parse_temporal(_subset(values, rejected), col, ctx).to_numpy()
    return parsed


def _to_periods(stamps: pd.Series) -> pd.Series:
    """Month-start timestamps to monthly periods, without boxing each value."""
    valid = stamps.notna().to_numpy()
    years = stamps.dt.year.to_numpy(dtype="float64")
    months = stamps.dt.month.to_numpy(dtype="float64")
    ordinals = np.where(valid, (np.nan_to_num(years) - 1970) * 12 + np.nan_to_num(months) - 1, 0).astype("int64")
    ordinals[~valid] = _NAT_ORDINAL
    return pd.Series(pd.arrays.PeriodArray(ordinals, dtype=pd.PeriodDtype("M")), index=stamps.index)


# --------------------------------------------------------------------------- #
# Slow paths (pandas, only the cells the fast path rejected)
# --------------------------------------------------------------------------- #
def _nfkc_changed(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    normalised = values.map(lambda v: unicodedata.normalize("NFKC", v) if isinstance(v, str) else v)
    return normalised, (normalised != values) & values.notna()


def _parse_uniques(values: pd.Series, parser) -> pd.Series:
    """Parse each distinct value once (months and dates repeat a lot in big files)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed_uniques = parser(pd.Series(uniques, dtype=object))
    taken = parsed_uniques.take(np.where(codes < 0, 0, codes)) if len(uniques) else parsed_uniques.reindex(range(len(values)))
    taken = pd.Series(np.asarray(taken), index=values.index)
    return taken.where(codes >= 0)


def _temporal_parser(kind: str):
    """Strict parser of distinct values of a ``date``, ``month`` or ``timestamp`` column."""
    formats = {"date": "%Y-%m-%d", "month": "%Y-%m", "timestamp": "ISO8601"}
    pattern = _TIMESTAMP_PATTERN if kind == "timestamp" else TEXT_PATTERNS[kind]

    def parser(uniques: pd.Series) -> pd.Series:
        # a strict pattern first: to_datetime alone would accept "2024-1-5"
        ok = uniques.str.fullmatch(pattern)
        parsed = pd.to_datetime(uniques.where(ok.fillna(False)), format=formats[kind], errors="coerce")
        if kind == "timestamp" and getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert(None)
        return parsed

    return parser


def _parse_temporal(values: pd.Series, col: Column, ctx: TableContext) -> pd.Series:
    """Dates, months or timestamps the fast path rejected: normalise full-width text, report the rest."""
    parser = _temporal_parser(col.kind)
    parsed = _parse_uniques(values, parser)
    failed = values.notna() & parsed.isna()
    if failed.any():
        retry, changed = _nfkc_changed(values[failed])
        reparsed = _parse_uniques(retry, parser)
        fixed = reparsed.notna() & changed
        if fixed.any():
            parsed.loc[fixed[fixed].index] = reparsed[fixed]
            ctx.add("data.normalised", spreadsheet_rows(fixed[fixed].index[:1]), col.name, severity="warning",
                    count=int(fixed.sum()), what_key="norm.fullwidth", example=str(values[fixed[fixed].index[0]]))
        failed = values.notna() & parsed.isna()
    if failed.any():
        parsed, failed = _parse_slashed(values, parsed, failed, parser, col, ctx)
    if failed.any():
        serial = values[failed].map(_is_excel_serial).astype(bool)
        ctx.add_per_value(BAD_VALUE_KEYS[col.kind], failed & ~serial.reindex(values.index, fill_value=False), values, col.name)
        for position in serial[serial].index:
            ctx.add("data.excel_serial", spreadsheet_rows([position]), col.name, value=values[position],
                    date=excel_serial_date(values[position]))
    return parsed


#: Year-first dates with slashes, as Japanese spreadsheets and CRMs write them (``2024/1/15``, ``2024/01``);
#: the year comes first, so the order of day and month is never in doubt.
SLASHED_PATTERN = re.compile(r"(\d{4})/(\d{1,2})(?:/(\d{1,2}))?((?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?)")


def slashed_to_iso(text: str) -> str | None:
    """``2024/1/5`` as ``2024-01-05`` (``2024/1`` as ``2024-01``, a time kept), or None for other text.

    Examples
    --------
    >>> slashed_to_iso("2024/1/5"), slashed_to_iso("2024/12"), slashed_to_iso("2024/1/5 9:30"), slashed_to_iso("1/5/2024")
    ('2024-01-05', '2024-12', '2024-01-05 09:30', None)
    """
    match = SLASHED_PATTERN.fullmatch(str(text).strip())
    if match is None:
        return None
    year, month, day, time = match.groups()
    iso = f"{year}-{int(month):02d}" + ("" if day is None else f"-{int(day):02d}")
    if time:
        clock = time.strip(" T").split(":")
        iso += " " + ":".join([f"{int(clock[0]):02d}", *clock[1:]])
    return iso


def _parse_slashed(values: pd.Series, parsed: pd.Series, failed: pd.Series, parser, col: Column,
                   ctx: TableContext) -> tuple[pd.Series, pd.Series]:
    """Cells still unread that are year-first dates with slashes: read them, with one warning."""
    retry = values[failed].map(lambda v: slashed_to_iso(unicodedata.normalize("NFKC", v)) if isinstance(v, str) else None)
    retry = retry[retry.notna()]
    if len(retry):
        reparsed = _parse_uniques(retry.astype(object), parser)
        fixed = reparsed.notna()
        if fixed.any():
            parsed.loc[fixed[fixed].index] = reparsed[fixed]
            ctx.add("data.normalised", spreadsheet_rows(fixed[fixed].index[:1]), col.name, severity="warning",
                    count=int(fixed.sum()), what_key="norm.slashes", example=str(values[fixed[fixed].index[0]]))
    return parsed, values.notna() & parsed.isna()


def _is_excel_serial(value) -> bool:
    text = str(value)
    return bool(re.fullmatch(EXCEL_SERIAL_PATTERN, text)) and EXCEL_SERIAL_RANGE[0] <= float(text) <= EXCEL_SERIAL_RANGE[1]


def excel_serial_date(serial: str | float) -> str:
    """The ``YYYY-MM-DD`` date an Excel day serial stands for (days since 1899-12-30).

    Examples
    --------
    >>> excel_serial_date("45292")
    '2024-01-01'
    """
    return (pd.Timestamp("1899-12-30") + pd.Timedelta(days=float(serial))).strftime("%Y-%m-%d")


def _parse_number(values: pd.Series, col: Column, ctx: TableContext) -> pd.Series:
    """Numbers the fast path rejected: full-width digits and thousands separators are read with a warning."""
    parsed = pd.to_numeric(values, errors="coerce")
    failed = values.notna() & parsed.isna()
    if failed.any():
        candidates, _ = _nfkc_changed(values[failed])
        candidates = candidates.str.strip(SPACES)
        thousands = candidates.str.fullmatch(THOUSANDS_PATTERN).fillna(False)
        candidates = candidates.where(~thousands, candidates.str.replace(",", "", regex=False))
        reparsed = pd.to_numeric(candidates, errors="coerce")
        fixed = reparsed.notna()
        if fixed.any():
            parsed.loc[fixed[fixed].index] = reparsed[fixed]
            what_key = "norm.thousands" if thousands[fixed].any() else "norm.fullwidth"
            ctx.add("data.normalised", spreadsheet_rows(fixed[fixed].index[:1]), col.name, severity="warning",
                    count=int(fixed.sum()), what_key=what_key, example=str(values[fixed[fixed].index[0]]))
        failed = values.notna() & parsed.isna()
        ctx.add_per_value("data.bad_number", failed, values, col.name)
    return parsed.astype("float64")
