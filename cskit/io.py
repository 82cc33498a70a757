"""Read a dataset folder into validated, typed DataFrames.

The one entry point is :func:`load_dataset`. Every file is read as text first and
parsed column by column, so each bad cell can be reported with its file, row and
column, and so values that can be read safely (full-width digits, thousands
separators, surrounding spaces, a byte-order mark) are normalised with a warning
instead of being rejected. Rules that need only one column (allowed values,
ranges) are checked with a pandera schema built from :mod:`cskit.contract`; rules
across columns and tables (duplicates, order, references) are checked here.
All problems of all files are collected before anything is raised.
"""
from __future__ import annotations

import codecs
import csv
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml

from .contract import (
    FILE_SUFFIXES,
    SALES_ROLES,
    SURVEY_SCORE_RANGE,
    TABLES,
    Column,
    Table,
)
from .errors import CskitError, DataValidationError, Problem
from .i18n import t

#: Bytes sniffed to choose an encoding (a multi-byte character cut at the edge is fine).
ENCODING_SNIFF_BYTES = 4 * 1024 * 1024
#: Excel stores dates as days since 1899-12-30; these serials cover 1954 to 2119.
EXCEL_SERIAL_RANGE = (20_000, 80_000)

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_SPACES = " \t\u3000\r\n"


# --------------------------------------------------------------------------- #
# The loaded dataset
# --------------------------------------------------------------------------- #
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
        File name each table was read from.
    """

    tables: dict[str, pd.DataFrame]
    path: str = ""
    currency: str = "JPY"
    warnings: tuple[Problem, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)

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
        """Role of ``team`` (``cs``, ``inside_sales``, ``field_sales``, ``support`` or ``marketing``)."""
        roles = self.teams.set_index("team")["role"]
        if team not in roles.index:
            raise CskitError("cli.unknown_team", team=team, teams=", ".join(roles.index))
        return roles[team]

    def team_name(self, team: str, lang: str = "ja") -> str:
        """Display name of ``team`` in ``lang`` (falls back to the id)."""
        if team == "all":
            return t("data.all_teams", lang)
        row = self.teams.set_index("team").loc[team]
        name = row.get(f"name_{lang}")
        return team if name is None or pd.isna(name) or name == "" else str(name)

    def account_team_column(self, team: str) -> str:
        """Column of ``accounts`` that assigns accounts to ``team``.

        Sales teams (inside or field sales) own the accounts they sold
        (``sales_team``); every other team owns ``accounts.team``.
        """
        return "sales_team" if self.role_of(team) in SALES_ROLES else "team"

    def account_mask(self, team: str = "all") -> np.ndarray:
        """Boolean mask over the rows of ``accounts`` that belong to ``team`` (all rows for ``"all"``)."""
        accounts = self.tables["accounts"]
        if team == "all":
            return np.ones(len(accounts), dtype=bool)
        column = self.account_team_column(team)
        if column not in accounts:
            return np.zeros(len(accounts), dtype=bool)
        return (accounts[column] == team).to_numpy(dtype=bool)

    def account_ids(self, team: str = "all") -> pd.Index:
        """Account ids of ``team`` (``"all"`` for the whole company)."""
        accounts = self.tables["accounts"]
        if team == "all":
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
        from .kpi.matrix import MonthAxis, mrr_matrix

        matrix = mrr_matrix(self.tables["mrr"], pd.Index(self.tables["accounts"]["account_id"]), MonthAxis(self.months))
        matrix.flags.writeable = False
        return matrix

    @cached_property
    def months(self) -> pd.PeriodIndex:
        """Every month from the first to the last month of ``mrr`` (monthly periods)."""
        month = self.tables["mrr"]["month"]
        return pd.period_range(month.min(), month.max(), freq="M")


# --------------------------------------------------------------------------- #
# Reading raw files
# --------------------------------------------------------------------------- #
def find_table_file(folder: Path, table: str) -> Path | None:
    """Return the file holding ``table`` in ``folder`` (``.csv`` before ``.xlsx`` before ``.parquet``)."""
    for suffix in FILE_SUFFIXES:
        candidate = folder / f"{table}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def detect_encoding(path: Path) -> str:
    """Return ``"utf-8-sig"``, ``"utf-8"`` or ``"cp932"`` for a text file.

    UTF-8 is tried first: Shift_JIS text is almost never valid UTF-8, while the
    reverse is common, so the order matters.
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


def read_raw(path: Path) -> tuple[pa.Table, list[str]]:
    """Read a table file as text cells: an Arrow table of string columns (null = empty cell).

    Returns
    -------
    table : pyarrow.Table
        One string column per header, rows in file order.
    notes : list of str
        Encoding notes (``"utf-8-sig"`` or ``"cp932"``) worth a warning.
    """
    if path.stat().st_size == 0:
        raise _EmptyFile()
    suffix = path.suffix.lower()
    notes: list[str] = []
    if suffix == ".csv":
        encoding = detect_encoding(path)
        if encoding != "utf-8":
            notes.append(encoding)
        if encoding in ("utf-8", "utf-8-sig"):
            try:
                return _read_csv_arrow(path), notes
            except pa.ArrowInvalid:
                pass  # fall through: the C parser names the line that is wrong
        # index_col=False and the warning turned into an error: a longer row must
        # fail, not be cut silently
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(path, dtype=str, encoding=encoding, engine="c", keep_default_na=False, index_col=False)
    elif suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
        frame = frame.apply(_excel_cells_to_text)
    elif suffix == ".parquet":
        frame = pd.read_parquet(path)
        frame = frame.apply(_typed_to_text)
    else:  # pragma: no cover - FILE_SUFFIXES guards this
        raise ValueError(f"unsupported file type {suffix}")
    frame = frame.astype(object).where(frame.notna() & frame.ne(""), None)
    table = pa.table({str(c): pa.array(frame[c].tolist(), type=pa.string()) for c in frame.columns}) if len(frame.columns) else pa.table({})
    return _clean_header(table), notes


def _read_csv_arrow(path: Path) -> pa.Table:
    """Multi-threaded read of a UTF-8 CSV with every column as text (pyarrow)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 24),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )
    return _clean_header(table)


def _clean_header(table: pa.Table) -> pa.Table:
    names = [unicodedata.normalize("NFKC", str(c)).strip(_SPACES + "\ufeff") for c in table.column_names]
    return table.rename_columns(names)


class _EmptyFile(Exception):
    pass


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


def _typed_to_text(column: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(column):
        text = column.dt.strftime("%Y-%m-%dT%H:%M:%S").str.replace("T00:00:00", "", regex=False)
        return text.where(column.notna(), np.nan)
    if isinstance(column.dtype, pd.PeriodDtype):
        return column.astype(str).where(column.notna(), np.nan)
    return column.astype(object).map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))


# --------------------------------------------------------------------------- #
# Parsing one column
# --------------------------------------------------------------------------- #
@dataclass
class _Context:
    """Collects the problems of one file while its columns are parsed."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    #: Dictionary-encoded (trimmed) text of the id and enum columns, kept while the
    #: dataset is checked: duplicate, reference and allowed-value checks then hash each
    #: distinct value once instead of every cell.
    encoded: dict[str, pa.DictionaryArray] = field(default_factory=dict)

    def add(self, code: str, rows: Iterable[int] = (), column: str | None = None, severity: str = "error", **params):
        self.problems.append(
            Problem(self.file, code, tuple(int(r) for r in rows), column, params, severity)
        )

    def add_per_value(self, code: str, mask: pd.Series, values: pd.Series, column: str, **params):
        """One problem per distinct bad value, listing the rows it is in."""
        bad = values[mask]
        for value, positions in bad.groupby(bad.astype(str), sort=False).groups.items():
            self.add(code, _rows(positions), column, value=value, **params)


def _rows(index: Iterable[int]) -> list[int]:
    """Spreadsheet row numbers for frame positions (the header is row 1)."""
    return [int(i) + 2 for i in index]


def _normalise_text(raw: pd.Series, column: str, ctx: _Context) -> pd.Series:
    """Trim spaces (ASCII and full-width) and warn how many cells changed.

    Works on the distinct values: ids and enums repeat a lot in large files.
    """
    text = raw.astype(object)
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    if not len(uniques):
        return text
    distinct = pd.Series(uniques, dtype=object)
    stripped = distinct.str.strip(_SPACES)
    changed_distinct = (stripped != distinct).to_numpy()
    if not changed_distinct.any():
        return text
    changed = pd.Series((codes >= 0) & changed_distinct[np.maximum(codes, 0)], index=text.index)
    ctx.add(
        "data.normalised", _rows(changed[changed].index[:1]), column, severity="warning",
        count=int(changed.sum()), what_key="norm.spaces", example=str(text[changed].iloc[0]),
    )
    stripped = stripped.where(stripped != "", np.nan)
    result = pd.Series(stripped.to_numpy()[np.maximum(codes, 0)], index=text.index, dtype=object)
    return result.where(codes >= 0, np.nan)


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


def _parse_temporal(values: pd.Series, col: Column, ctx: _Context) -> pd.Series:
    formats = {"date": "%Y-%m-%d", "month": "%Y-%m", "timestamp": "ISO8601"}

    def parser(uniques: pd.Series) -> pd.Series:
        if col.kind == "date":
            # a strict pattern first: to_datetime alone would accept "2024-1-5"
            ok = uniques.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        elif col.kind == "month":
            ok = uniques.str.fullmatch(r"\d{4}-\d{2}")
        else:
            ok = uniques.str.fullmatch(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?)?")
        parsed = pd.to_datetime(uniques.where(ok.fillna(False)), format=formats[col.kind], errors="coerce")
        if col.kind == "timestamp" and getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert(None)
        return parsed

    parsed = _parse_uniques(values, parser)
    failed = values.notna() & parsed.isna()
    if failed.any():
        retry, changed = _nfkc_changed(values[failed])
        reparsed = _parse_uniques(retry, parser)
        fixed = reparsed.notna() & changed
        if fixed.any():
            parsed.loc[fixed[fixed].index] = reparsed[fixed]
            ctx.add("data.normalised", _rows(fixed[fixed].index[:1]), col.name, severity="warning",
                    count=int(fixed.sum()), what_key="norm.fullwidth", example=str(values[fixed[fixed].index[0]]))
        failed = values.notna() & parsed.isna()
    if failed.any():
        code = {"date": "data.bad_date", "month": "data.bad_month", "timestamp": "data.bad_timestamp"}[col.kind]
        serial = values[failed].str.fullmatch(r"\d{5}(\.\d+)?") & values[failed].map(
            lambda v: EXCEL_SERIAL_RANGE[0] <= float(v) <= EXCEL_SERIAL_RANGE[1] if re.fullmatch(r"\d{5}(\.\d+)?", str(v)) else False
        )
        ctx.add_per_value(code, failed & ~serial.reindex(values.index, fill_value=False), values, col.name)
        for position in serial[serial].index:
            as_date = (pd.Timestamp("1899-12-30") + pd.Timedelta(days=float(values[position]))).strftime("%Y-%m-%d")
            ctx.add("data.excel_serial", _rows([position]), col.name, value=values[position], date=as_date)
    return parsed


def _parse_number(values: pd.Series, col: Column, ctx: _Context) -> pd.Series:
    parsed = pd.to_numeric(values, errors="coerce")
    failed = values.notna() & parsed.isna()
    if failed.any():
        candidates, _ = _nfkc_changed(values[failed])
        candidates = candidates.str.strip(_SPACES)
        thousands = candidates.str.fullmatch(_THOUSANDS.pattern).fillna(False)
        candidates = candidates.where(~thousands, candidates.str.replace(",", "", regex=False))
        reparsed = pd.to_numeric(candidates, errors="coerce")
        fixed = reparsed.notna()
        if fixed.any():
            parsed.loc[fixed[fixed].index] = reparsed[fixed]
            what_key = "norm.thousands" if thousands[fixed].any() else "norm.fullwidth"
            ctx.add("data.normalised", _rows(fixed[fixed].index[:1]), col.name, severity="warning",
                    count=int(fixed.sum()), what_key=what_key, example=str(values[fixed[fixed].index[0]]))
        failed = values.notna() & parsed.isna()
        ctx.add_per_value("data.bad_number", failed, values, col.name)
    return parsed.astype("float64")


#: pandas' ordinal of a missing period (NaT).
_NAT_ORDINAL = np.iinfo(np.int64).min
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_PATTERNS = {"date": r"^\d{4}-\d{2}-\d{2}$", "month": r"^\d{4}-\d{2}$"}
_EXPECTED = {"date": "expect.date", "month": "expect.month", "timestamp": "expect.timestamp", "number": "expect.number"}


def _positions(mask: pa.Array) -> np.ndarray:
    """Row positions where a boolean Arrow array is true (null counts as false)."""
    return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))


def _trim(raw: pa.Array, column: str, ctx: _Context) -> pa.Array:
    """Trim spaces (ASCII and full-width), warn how many cells changed, make empty cells null."""
    trimmed = pc.utf8_trim(raw, characters=_SPACES)
    changed = _positions(pc.not_equal(trimmed, raw))
    if len(changed):
        ctx.add("data.normalised", _rows(changed[:1]), column, severity="warning",
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


def _codes(encoded: pa.DictionaryArray) -> np.ndarray:
    """Integer code per cell of a dictionary-encoded column (-1 for a missing cell)."""
    return pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def _parse_column(raw: pa.Array, col: Column, ctx: _Context) -> pd.Series:
    """Parse one column of text cells into its contract type.

    A vectorised Arrow pass parses the well-formed cells; only cells it rejects go
    through the slower pandas path, which normalises what is safe (full-width digits,
    thousands separators) and reports the rest row by row.
    """
    values = _trim(raw, col.name, ctx)
    if not col.nullable:
        missing = _positions(pc.is_null(values))
        if len(missing):
            ctx.add("data.value_missing", _rows(missing), col.name, expected_key=_EXPECTED.get(col.kind, "expect.string"))
    if col.kind in ("id", "text", "enum"):
        encoded = values.dictionary_encode()
        if col.kind in ("id", "enum"):
            ctx.encoded[col.name] = encoded
        return _shared_strings(encoded)
    if col.kind == "number":
        well_formed = pc.match_substring_regex(values, _NUMBER)
        parsed = pc.cast(pc.if_else(well_formed, values, pa.scalar(None, pa.string())), pa.float64()).to_numpy(zero_copy_only=False)
        parsed = pd.Series(parsed, dtype="float64")
        rejected = _positions(pc.and_(pc.is_valid(values), pc.invert(pc.fill_null(well_formed, False))))
        if len(rejected):
            parsed.loc[rejected] = _parse_number(_subset(values, rejected), col, ctx).to_numpy()
        if col.integer:
            fractional = parsed.notna() & (parsed != np.floor(parsed))
            ctx.add_per_value("data.not_integer", fractional, parsed.map(_show) if fractional.any() else parsed, col.name)
        return parsed
    if col.kind == "timestamp":
        try:
            stamps = pc.cast(values, pa.timestamp("ns")).to_pandas()
            return pd.Series(stamps.to_numpy(), dtype="datetime64[ns]")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return _parse_temporal(pd.Series(values.to_numpy(zero_copy_only=False), dtype=object), col, ctx).reset_index(drop=True)
    # dates and months repeat a lot: parse each distinct value once (strict pattern,
    # then a round trip that rejects 2024-02-30), then spread back to the rows
    encoded = values.dictionary_encode()
    distinct = encoded.dictionary
    text = distinct if col.kind == "date" else pc.binary_join_element_wise(distinct, pa.scalar("-01"), "")
    stamps = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    exact = pc.and_(pc.match_substring_regex(distinct, _PATTERNS[col.kind]), pc.equal(pc.strftime(stamps, format="%Y-%m-%d"), text))
    distinct_parsed = pc.if_else(exact, stamps, pa.scalar(None, pa.timestamp("s"))).cast(pa.timestamp("ns"))
    rejected_distinct = pc.invert(pc.fill_null(exact, False))
    rejected = _positions(pc.and_(pc.is_valid(encoded.indices), pc.fill_null(rejected_distinct.take(encoded.indices), False)))
    if col.kind == "month":
        # months become period ordinals per distinct value, then are spread to the rows
        distinct_stamps = pd.Series(distinct_parsed.to_numpy(zero_copy_only=False), dtype="datetime64[ns]")
        ordinals = np.append(_to_periods(distinct_stamps).array.asi8, _NAT_ORDINAL)[_codes(encoded)]
        if len(rejected):
            ordinals[rejected] = _to_periods(_parse_temporal(_subset(values, rejected), col, ctx)).array.asi8
        return pd.Series(pd.arrays.PeriodArray(ordinals, dtype=pd.PeriodDtype("M")))
    parsed = pd.Series(distinct_parsed.take(encoded.indices).to_numpy(zero_copy_only=False), dtype="datetime64[ns]")
    if len(rejected):
        retried = _parse_temporal(_subset(values, rejected), col, ctx)
        parsed.loc[rejected] = retried.to_numpy()
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
# Rules within one table
# --------------------------------------------------------------------------- #
def _pandera_schema(table: Table):
    """A pandera schema of the one-column rules (allowed values and numeric bounds).

    Returns the schema and, per column, the rule kind of each check in order, since
    pandera reports a failed check by its position.
    """
    import pandera.pandas as pa

    columns, kinds = {}, {}
    for col in table.columns:
        checks, names = [], []
        if col.kind == "enum":
            checks.append(pa.Check.isin(list(col.allowed)))
            names.append("enum")
        if col.low is not None:
            checks.append(pa.Check.ge(col.low))
            names.append("low")
        if col.high is not None:
            checks.append(pa.Check.le(col.high))
            names.append("high")
        if checks:
            columns[col.name] = pa.Column(nullable=True, checks=checks, required=False)
            kinds[col.name] = names
    return pa.DataFrameSchema(columns), kinds


def _value_rules_fail(frame: pd.DataFrame, table: Table, ctx: _Context) -> bool:
    """True when any cell breaks an allowed-values or bounds rule (a quick vectorised pass).

    Only then is the pandera schema run, to name every failing cell; a clean table
    (the usual case) skips it.
    """
    for col in table.columns:
        if col.name not in frame:
            continue
        if col.kind == "enum":
            encoded = ctx.encoded.get(col.name)
            if encoded is None:
                values = frame[col.name]
                if (values.notna() & ~values.isin(list(col.allowed))).any():
                    return True
            elif len(encoded.dictionary):  # the distinct values present
                allowed = pc.is_in(encoded.dictionary, value_set=pa.array(list(col.allowed), pa.string()))
                if not pc.all(allowed).as_py():
                    return True
        if col.low is not None or col.high is not None:
            numbers = frame[col.name].to_numpy(dtype=float, na_value=np.nan)
            with np.errstate(invalid="ignore"):
                if col.low is not None and (numbers < col.low).any():
                    return True
                if col.high is not None and (numbers > col.high).any():
                    return True
    return False


def _check_values(frame: pd.DataFrame, table: Table, ctx: _Context) -> None:
    if not _value_rules_fail(frame, table, ctx):
        return
    import pandera.pandas as pa

    schema, kinds = _pandera_schema(table)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna() & cases["check_number"].notna()]
        for (column, number), group in cases.groupby(["column", "check_number"], sort=False):
            col, kind = table.column(column), kinds[column][int(number)]
            for value, rows in group.groupby(group["failure_case"].map(_show), sort=False)["index"]:
                if kind == "enum":
                    ctx.add("data.bad_enum", _rows(rows), column, value=value, allowed=", ".join(col.allowed))
                elif kind == "low" and col.low == 0:
                    ctx.add("data.negative", _rows(rows), column, value=value)
                else:
                    ctx.add("data.out_of_range", _rows(rows), column, value=value, low=_show(col.low), high=_show(col.high))


def _key_codes(column: pd.Series, encoded: pa.DictionaryArray | None = None) -> np.ndarray:
    """Integer codes of a key column (-1 for missing), cheap to compare and hash."""
    if encoded is not None:
        return _codes(encoded)
    if isinstance(column.dtype, pd.PeriodDtype):
        ordinals = column.array.asi8.copy()
        ordinals[column.isna().to_numpy()] = -1
        return ordinals
    return pd.factorize(column, use_na_sentinel=True)[0]


def _check_unique(frame: pd.DataFrame, table: Table, ctx: _Context) -> None:
    if not table.unique or not set(table.unique) <= set(frame.columns):
        return
    codes = pd.DataFrame({name: _key_codes(frame[name], ctx.encoded.get(name)) for name in table.unique})
    complete = (codes >= 0).all(axis=1)
    later = codes.duplicated(keep="first") & complete
    if not later.any():
        return
    first_row = codes[complete].drop_duplicates(keep="first").reset_index().set_index(list(table.unique))["index"]
    column = table.unique[0] if len(table.unique) == 1 else "+".join(table.unique)
    code = "data.duplicate_id" if len(table.unique) == 1 else "data.duplicate_key"
    for position in later[later].index:
        key = tuple(codes.loc[position])
        shown = " / ".join(_show(frame.at[position, name]) for name in table.unique)
        ctx.add(code, _rows([position]), column, value=shown, first_row=int(first_row.loc[key if len(key) > 1 else key[0]]) + 2)


def _check_order(frame: pd.DataFrame, table: Table, ctx: _Context) -> None:
    for earlier, later in table.ordered:
        if earlier not in frame or later not in frame:
            continue
        wrong = frame[later].notna() & frame[earlier].notna() & (frame[later] < frame[earlier])
        for position in wrong[wrong].index:
            ctx.add("data.order", _rows([position]), later, field=later, value=_show(frame.at[position, later]),
                    other=earlier, other_value=_show(frame.at[position, earlier]))
    for small, large in table.not_above:
        if small not in frame or large not in frame:
            continue
        wrong = frame[small].notna() & frame[large].notna() & (frame[small] > frame[large])
        for position in wrong[wrong].index:
            ctx.add("data.more_than", _rows([position]), small, field=small, value=_show(frame.at[position, small]),
                    other=large, other_value=_show(frame.at[position, large]))


def _show(value) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_survey_scores(frame: pd.DataFrame, ctx: _Context) -> None:
    for survey, (low, high) in SURVEY_SCORE_RANGE.items():
        scores = frame["score"].where(frame["survey"] == survey)
        bad = scores.notna() & ((scores < low) | (scores > high))
        if bad.any():
            ctx.add_per_value("data.out_of_range", bad, scores[bad].map(_show).reindex(scores.index), "score", low=low, high=high)


# --------------------------------------------------------------------------- #
# The dataset
# --------------------------------------------------------------------------- #
def _read_table(path: Path, table: Table, ctx: _Context) -> pd.DataFrame | None:
    try:
        raw, notes = read_raw(path)
    except _EmptyFile:
        ctx.add("data.file_empty")
        return None
    except Exception as exc:  # any parser failure is a property of the file, said plainly
        ctx.add("data.file_unreadable", reason=_one_line(exc))
        return None
    for note in notes:
        ctx.add("data.encoding", severity="warning", encoding=note)
    return parse_table(raw, table, ctx)


def parse_table(raw: pa.Table, table: Table, ctx: _Context) -> pd.DataFrame | None:
    """Check and parse one table given as text cells (from a file or a SQL query)."""
    missing = [c.name for c in table.columns if c.required and c.name not in raw.column_names]
    for name in missing:
        ctx.add("data.column_missing", column=name, field=name, present=", ".join(raw.column_names) or "-")
    if missing:
        return None
    if table.required and raw.num_rows == 0:
        ctx.add("data.no_rows")
        return None
    columns = {}
    for col in table.columns:
        if col.name in raw.column_names:
            columns[col.name] = _parse_column(raw.column(col.name).combine_chunks(), col, ctx)
        else:
            columns[col.name] = pd.Series(np.nan, index=pd.RangeIndex(raw.num_rows), dtype=object)
    frame = pd.DataFrame(columns, copy=False)  # no copy of the parsed columns
    _check_values(frame, table, ctx)
    _check_unique(frame, table, ctx)
    _check_order(frame, table, ctx)
    if table.name == "surveys":
        _check_survey_scores(frame, ctx)
    return frame


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


#: Columns other tables refer to (``accounts.account_id``...): their codes are kept for the reference checks.
_REFERENCED = {tuple(c.references.split(".")) for t in TABLES.values() for c in t.columns if c.references}


def _check_references(frames: dict[str, pd.DataFrame], files: dict[str, str], contexts: dict[str, _Context],
                      only: str | None = None) -> None:
    """Every value of a referencing column must exist in the table it refers to.

    ``only`` checks one table (its parents come before it in the contract, so a table
    can be checked as soon as it is read).
    """
    for name, frame in frames.items():
        if only is not None and name != only:
            continue
        for col in TABLES[name].columns:
            if not col.references or col.name not in frame:
                continue
            parent_table, parent_column = col.references.split(".")
            if parent_table not in frames:
                continue
            values = frame[col.name]
            child = contexts[name].encoded.get(col.name)
            parent = contexts[parent_table].encoded.get(parent_column)
            if child is not None and parent is not None:
                # each distinct value is looked up once; cells only when one is unknown
                found = pc.is_in(child.dictionary, value_set=parent.dictionary)
                if pc.all(found).as_py() in (True, None):
                    continue
                unknown_distinct = np.append(~found.to_numpy(zero_copy_only=False), False)  # last: missing cell
                unknown = pd.Series(unknown_distinct[_codes(child)], index=values.index)
            else:
                known = frames[parent_table][parent_column].dropna().unique()
                unknown = values.notna() & ~values.isin(known)
            contexts[name].add_per_value("data.unknown_reference", unknown, values, col.name,
                                         parent=f"{files[parent_table]} ({parent_column})")


def _check_teams(frames: dict[str, pd.DataFrame], contexts: dict[str, _Context]) -> None:
    """A CS or field-sales team that owns no account is almost always a typo in teams.csv."""
    if "teams" not in frames or "accounts" not in frames:
        return
    teams, accounts = frames["teams"], frames["accounts"]
    owners = {"cs": set(accounts["team"].dropna()), "field_sales": set(accounts["sales_team"].dropna())}
    for position, row in teams.iterrows():
        if row["role"] in owners and row["team"] not in owners[row["role"]]:
            contexts["teams"].add("data.team_without_accounts", _rows([position]), "team", value=row["team"], role=row["role"])


def read_dataset_config(folder: Path) -> tuple[dict, list[Problem]]:
    """Read the optional ``dataset.yml`` (``currency`` and a free description)."""
    path = folder / "dataset.yml"
    if not path.is_file():
        return {}, []
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(config, dict):
            raise ValueError("expected a mapping")
        return config, []
    except Exception as exc:
        return {}, [Problem("dataset.yml", "data.dataset_yml", params={"reason": _one_line(exc)})]


class FolderSource:
    """A dataset folder: one ``.csv``, ``.xlsx`` or ``.parquet`` file per table."""

    def __init__(self, location: str | Path):
        self.folder = Path(location)
        if not self.folder.is_dir():
            raise CskitError("data.dir_missing", path=str(self.folder))

    def config(self) -> tuple[dict, list[Problem]]:
        return read_dataset_config(self.folder)

    def read(self, table: Table, ctx_factory) -> tuple[str, pd.DataFrame | None] | None:
        """Return (file name, parsed frame) for ``table``, or None when the file is absent."""
        file = find_table_file(self.folder, table.name)
        if file is None:
            return None
        ctx = ctx_factory(file.name)
        return file.name, _read_table(file, table, ctx)


def open_source(location: str | Path):
    """The source for ``location``: a SQLAlchemy URL (``sqlite:///x.db``, ``duckdb:///x``...) or a folder."""
    text = str(location)
    if "://" in text:
        from .warehouse import SqlSource

        return SqlSource(text)
    return FolderSource(location)


def inspect_dataset(path: str | Path, columns: dict[str, tuple[str, ...]] | None = None,
                    exclude: tuple[str, ...] = ()) -> tuple[Dataset | None, list[Problem]]:
    """Read and validate a dataset, returning every problem instead of raising.

    Parameters
    ----------
    path : str or Path
        Folder with one file per table, or a SQLAlchemy database URL whose tables
        carry the contract's names (only those tables are read).
    columns : dict of str to tuple of str, optional
        Per table, the columns to keep in the returned dataset (other tables are kept
        whole). Every column of every table is still read and checked, so a bad cell
        is reported either way; this only saves memory for callers that need few
        columns of large tables (``cskit kpi``).
    exclude : tuple of str
        Tables not read here because the caller checks them another way
        (:mod:`cskit.pushdown` checks a large ``mrr`` inside DuckDB).

    Returns
    -------
    dataset : Dataset or None
        ``None`` when any error was found.
    problems : list of Problem
        Errors and warnings of all files, in contract order.
    """
    source = open_source(path)
    config, problems = source.config()
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    contexts: dict[str, _Context] = {}

    def context(name: str, file: str) -> _Context:
        contexts[name] = _Context(file)
        return contexts[name]

    for name, table in TABLES.items():  # parents come before the tables that refer to them
        if name in exclude:
            continue
        found = source.read(table, lambda file, name=name: context(name, file))
        if found is None:
            if table.required:
                problems.append(Problem(table.file_name, "data.file_missing", params={"table": name}))
            continue
        files[name], frame = found
        if frame is not None:
            frames[name] = frame
            _check_references(frames, files, contexts, only=name)
            contexts[name].encoded = {c: v for c, v in contexts[name].encoded.items() if (name, c) in _REFERENCED}
            if columns is not None and name in columns:  # every cell was checked; keep what the caller uses
                frames[name] = pd.DataFrame({c: frame[c] for c in frame.columns if c in columns[name]}, copy=False)
            del frame
        pa.default_memory_pool().release_unused()  # the raw text of a large file is no longer needed
    _check_teams(frames, contexts)
    for ctx in contexts.values():
        problems.extend(sorted(ctx.problems, key=lambda p: (p.severity != "error", p.rows[:1] or (0,))))
    if any(p.severity == "error" for p in problems):
        return None, problems
    dataset = Dataset(
        tables=frames,
        path=str(path),
        currency=str(config.get("currency", "JPY")),
        warnings=tuple(p for p in problems if p.severity == "warning"),
        sources=files,
    )
    return dataset, problems


def load_dataset(path: str | Path, columns: dict[str, tuple[str, ...]] | None = None) -> Dataset:
    """Load a dataset folder, raising one error that lists every problem.

    Parameters
    ----------
    path : str or Path
        Folder with ``accounts`` and ``mrr`` (required) and any optional tables,
        each as ``.csv`` (UTF-8, UTF-8 with BOM or Shift_JIS), ``.xlsx`` or ``.parquet``.
    columns : dict of str to tuple of str, optional
        Columns to keep per table once every cell has been checked (see :func:`inspect_dataset`).

    Returns
    -------
    Dataset

    Raises
    ------
    DataValidationError
        With every problem of every file (file, rows, column, what was expected).
    CskitError
        If the folder does not exist.

    Examples
    --------
    >>> from cskit.io import load_dataset
    >>> data = load_dataset("data/sample")  # doctest: +SKIP
    >>> data["mrr"].dtypes["month"]  # doctest: +SKIP
    period[M]
    """
    dataset, problems = inspect_dataset(path, columns)
    if dataset is None:
        raise DataValidationError(problems, str(path))
    return dataset
