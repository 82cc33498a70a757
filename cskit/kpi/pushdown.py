"""Large exports: check and aggregate the ``mrr`` table inside DuckDB, not in pandas.

An ``mrr`` export of several gigabytes would need several times its size in memory as
pandas objects. On this route DuckDB reads the file in place (spilling to disk when it
must), checks every cell against the data contract, and computes the registry's
revenue KPIs (:data:`cskit.kpi.sql.PUSHDOWN_KPIS`) with the same SQL that
:func:`cskit.kpi.sql.monthly_revenue` runs in a warehouse; only the monthly figures
come back as a pandas DataFrame. ``teams`` and ``accounts`` go through the usual
loader (:func:`cskit.io.inspect_dataset`); the other tables cannot change these figures
and are not read (``cskit validate`` checks them).

A dataset whose revenue is a ``subscriptions`` table is checked the same way, and its
monthly ``mrr`` is derived inside DuckDB by the rule of :mod:`cskit.io.subscriptions`
(:func:`~cskit.io.subscriptions.monthly_mrr_sql`), over the same data window.

The checks are not written here: :func:`table_checks` derives them from the table's
declaration in :mod:`cskit.contract` (required columns, kinds, empty cells, allowed
values, bounds, whole numbers, the unique key, references, date order), so a rule added to the
contract is enforced on both routes; a rule this route cannot check yet is refused
with a message, never skipped.

Problems are reported like the pandas loader's: the same messages, the file, the
spreadsheet row (header = 1, or the row the header is on) and the column. ``dataset.yml``
applies here too: the ``mrr`` file it names, its header row (a title block above the
header is found or skipped as on the pandas route) and the user's headers, which every
message names (:func:`cskit.io.context.as_user_sees`). Differences, all on the safe side:
full-width digits and other text the pandas loader normalises with a warning are
rejected here; at most :data:`ROWS_LISTED` rows are listed per problem (the message
counts the rest), and at most :data:`VALUES_LISTED` distinct bad values per rule.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..contract import REVENUE_TABLES, TABLES, Column, Table
from ..dataset import Dataset
from ..errors import CskitError, DataValidationError, Problem
from ..io import inspect_dataset
from ..io.checks import unique_problem, value_rules
from ..io.config import DatasetConfig, read_dataset_config, resolve_config
from ..io.context import TableContext, as_user_sees, show_value
from ..io.layout import locate, table_file
from ..io.mapping import map_header_names
from ..io.parsing import BAD_VALUE_KEYS, EXCEL_SERIAL_PATTERN, EXCEL_SERIAL_RANGE, TEXT_PATTERNS, THOUSANDS_PATTERN, excel_serial_date, expected_key
from ..io.readers import SPACES, detect_encoding
from ..io.references import reference_parent
from ..io.sources import read_dataset_config
from ..io.subscriptions import at_as_of, data_window, monthly_mrr_sql, parse_as_of, revenue_table_problems
from ..options import check_month
from .scope import teams_to_compute
from .sql import PUSHDOWN_KPIS, monthly_revenue

__all__ = [
    "ROWS_LISTED", "VALUES_LISTED", "MEMORY_LIMIT", "TABLES_READ", "SUFFIXES", "SqlCheck", "table_checks",
    "stage_table", "check_staged", "revenue_kpis",
]

#: Rows listed per problem (the message also says how many more there are).
ROWS_LISTED = 50
#: Distinct bad values reported per rule.
VALUES_LISTED = 20
#: DuckDB's working memory; beyond it, it spills to a temporary folder.
MEMORY_LIMIT = "1GB"
#: Tables this route reads (``mrr`` or ``subscriptions`` inside DuckDB, the others with the pandas loader).
TABLES_READ = ("teams", "accounts", "mrr", "subscriptions")
#: File types DuckDB reads in place (UTF-8 CSV or Parquet).
SUFFIXES = (".csv", ".parquet")


def _literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _number(column: str) -> str:
    """The staged column holding the parsed number of ``column``."""
    return _ident(f"{column}__number")


# --------------------------------------------------------------------------- #
# The checks, derived from the contract
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class SqlCheck:
    """One rule of the contract as a condition over the staged rows.

    Attributes
    ----------
    code : str
        Message id of a row that meets ``where``.
    column : str
        Column named in the message.
    where : str
        SQL condition over one staged row.
    value : str or None
        SQL expression shown as the message's ``value`` (one problem per distinct value);
        ``None``: one problem listing every row (``data.value_missing``).
    params : dict
        Other message fields.
    numeric : bool
        ``value`` is a number, shown as the pandas loader shows it (``9000`` not ``9000.0``).
    per_row : bool
        One problem per row (``data.excel_serial``, ``data.order``), as the pandas loader reports it.
    row_params : tuple of (str, str)
        For ``per_row``: message fields read from the row, ``(field, SQL expression)``.
    """

    code: str
    column: str
    where: str
    value: str | None = None
    params: dict = field(default_factory=dict)
    numeric: bool = False
    per_row: bool = False
    row_params: tuple[tuple[str, str], ...] = ()


#: Column kinds this route parses and checks (timestamps are not read here yet).
_KINDS = ("id", "text", "enum", "number", "month", "date")


def _valid(col: Column) -> str:
    """SQL condition: the (non-empty) text cell of ``col`` parses as its kind."""
    cell = _ident(col.name)
    if col.kind == "number":
        return f"isfinite({_number(col.name)})"
    if col.kind in ("month", "date"):
        text = cell if col.kind == "date" else f"{cell} || '-01'"
        return (f"coalesce(regexp_full_match({cell}, {_literal(TEXT_PATTERNS[col.kind])}) "
                f"AND TRY_CAST({text} AS DATE) IS NOT NULL, false)")
    return "true"


def _kind_checks(col: Column) -> list[SqlCheck]:
    """Cells that do not parse as the column's kind."""
    cell = _ident(col.name)
    if col.kind == "number":
        number = _number(col.name)
        checks = [SqlCheck("data.bad_number", col.name, f"{cell} IS NOT NULL AND ({number} IS NULL OR NOT isfinite({number}))", cell)]
        if col.integer:
            checks.append(SqlCheck("data.not_integer", col.name, f"isfinite({number}) AND {number} <> floor({number})",
                                   number, numeric=True))
        return checks
    if col.kind in ("month", "date"):
        serial = (f"coalesce(regexp_full_match({cell}, {_literal(EXCEL_SERIAL_PATTERN)}) AND "
                  f"TRY_CAST({cell} AS DOUBLE) BETWEEN {EXCEL_SERIAL_RANGE[0]} AND {EXCEL_SERIAL_RANGE[1]}, false)")
        broken = f"{cell} IS NOT NULL AND NOT {_valid(col)}"
        return [SqlCheck(BAD_VALUE_KEYS[col.kind], col.name, f"{broken} AND NOT {serial}", cell),
                SqlCheck("data.excel_serial", col.name, f"{broken} AND {serial}", cell, per_row=True)]
    return []  # ids, text and enums are text: nothing to parse


def _rule_checks(col: Column) -> list[SqlCheck]:
    """Allowed values and bounds (:func:`cskit.io.checks.value_rules`), worded as the pandas loader words them."""
    checks = []
    for rule in value_rules(col):
        if rule.kind == "enum":
            allowed = ", ".join(_literal(v) for v in col.allowed)
            checks.append(SqlCheck(rule.code, col.name, f"{_ident(col.name)} NOT IN ({allowed})", _ident(col.name), rule.params))
        else:
            number, bound = _number(col.name), col.low if rule.kind == "low" else col.high
            compare = "<" if rule.kind == "low" else ">"
            checks.append(SqlCheck(rule.code, col.name, f"isfinite({number}) AND {number} {compare} {float(bound)!r}",
                                   number, rule.params, numeric=True))
    return checks


def table_checks(table: Table, present: list[str], references: dict[str, tuple[pd.Series, str]]) -> list[SqlCheck]:
    """Every per-cell rule of ``table``'s contract as an SQL check (the unique key is checked apart).

    Parameters
    ----------
    table : Table
        The contract's declaration.
    present : list of str
        Columns the file has (rules of absent optional columns do not apply).
    references : dict
        ``"table.column"`` -> (its values, how messages name them: ``accounts.csv (account_id)``,
        :func:`cskit.io.references.reference_parent`); a reference to a table not given
        here is not checked, as in the pandas loader.

    Raises
    ------
    CskitError
        ``pushdown.unsupported`` for a rule this route cannot check yet.

    Examples
    --------
    >>> [(c.code, c.column) for c in table_checks(TABLES["mrr"], ["account_id", "month", "mrr"], {})]  # doctest: +NORMALIZE_WHITESPACE
    [('data.value_missing', 'account_id'), ('data.value_missing', 'month'), ('data.bad_month', 'month'),
     ('data.excel_serial', 'month'), ('data.value_missing', 'mrr'), ('data.bad_number', 'mrr'), ('data.negative', 'mrr')]
    """
    unsupported = [f"{c.name}: {c.kind}" for c in table.columns if c.kind not in _KINDS]
    unsupported += [f"{a} <= {b}" for a, b in table.ordered if {table.column(a).kind, table.column(b).kind} != {"date"}]
    unsupported += [f"{a} <= {b}" for a, b in table.not_above]
    unsupported += ["score ranges"] if table.name == "surveys" else []
    if unsupported:
        raise CskitError("pushdown.unsupported", table=table.name, rule=", ".join(unsupported))
    checks = []
    for col in table.columns:
        if col.name not in present:
            continue
        if not col.nullable:
            checks.append(SqlCheck("data.value_missing", col.name, f"{_ident(col.name)} IS NULL",
                                   params={"expected_key": expected_key(col.kind)}))
        checks += _kind_checks(col) + _rule_checks(col)
        if col.references in references:
            cell, name = _ident(col.name), _ident(_reference_view(col.references))
            checks.append(SqlCheck("data.unknown_reference", col.name,
                                   f"{cell} IS NOT NULL AND {cell} NOT IN (SELECT value FROM {name})", cell,
                                   {"parent": references[col.references][1]}))
    return checks + _order_checks(table, present)


def _order_checks(table: Table, present: list[str]) -> list[SqlCheck]:
    """``Table.ordered`` date pairs: the later date must not be before the earlier one (both readable)."""
    checks = []
    for earlier, later in table.ordered:
        if earlier not in present or later not in present:
            continue
        first, then = table.column(earlier), table.column(later)
        both = f"{_ident(later)} IS NOT NULL AND {_valid(then)} AND {_ident(earlier)} IS NOT NULL AND {_valid(first)}"
        checks.append(SqlCheck("data.order", later,
                               f"{both} AND CAST({_ident(later)} AS DATE) < CAST({_ident(earlier)} AS DATE)",
                               _ident(later), {"field": later, "other": earlier}, per_row=True,
                               row_params=(("other_value", _ident(earlier)),)))
    return checks


def _reference_view(reference: str) -> str:
    return "ref_" + reference.replace(".", "_")


# --------------------------------------------------------------------------- #
# Staging and running the checks
# --------------------------------------------------------------------------- #
def _connect(scratch: str):
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    connection.execute(f"SET temp_directory = {_literal(scratch)}")
    return connection


def _file_source(path: Path, header_row: int = 1) -> tuple[str, str]:
    """DuckDB's reader of ``path`` (header on ``header_row``) and the SQL of each record's row, counted from a header on row 1."""
    if path.suffix not in SUFFIXES:
        raise CskitError("pushdown.format", file=path.name)
    if path.suffix == ".parquet":
        return f"read_parquet({_literal(path)}, file_row_number = true)", "file_row_number + 2"
    encoding = detect_encoding(path)
    if encoding not in ("utf-8", "utf-8-sig"):
        raise CskitError("pushdown.encoding", file=path.name, encoding=encoding)
    # one thread keeps the file's order, so row_number() is the record's position
    return (f"read_csv({_literal(path)}, all_varchar = true, header = true, parallel = false, skip = {int(header_row) - 1})",
            "row_number() OVER () + 1")


def stage_table(connection, path: Path, table: Table, config: DatasetConfig | None = None,
                ctx: TableContext | None = None) -> list[Problem]:
    """Load ``path`` into the temporary table ``<table>_text``.

    Its columns: ``line`` (the spreadsheet row, counted as if the header were row 1),
    the contract's columns the file has (text cells trimmed as the pandas loader trims
    them, empty = NULL), and ``<column>__number`` (the parsed value) for each number column.
    ``config`` (``dataset.yml``) gives the header row and the user's headers; ``ctx``
    learns them (for :func:`check_staged`).

    Returns
    -------
    list of Problem
        File-level problems (unreadable, required column missing, no rows) and warnings
        (headers that are no contract column); no error when staged.
    """
    config, ctx = config or DatasetConfig(), ctx or TableContext(path.name)
    try:
        layout, problems = locate(path, table, config)
    except Exception:  # unreadable: DuckDB says why below
        layout, problems = None, []
    if problems:
        return problems
    ctx.header_row = layout.header_row if layout is not None else 1
    source, line = _file_source(path, ctx.header_row)
    try:
        present = [row[0] for row in connection.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    except Exception as exc:  # unreadable or empty file
        return [Problem(path.name, "data.file_unreadable", params={"reason": str(exc).splitlines()[0]})]
    headers = map_header_names(present, table, config, ctx)
    if headers is None:
        return list(ctx.problems)
    columns = [c for c in table.columns if c.name in headers]
    cells = ", ".join(f"nullif(trim(CAST({_ident(headers[c.name])} AS VARCHAR), {_literal(SPACES)}), '') AS {_ident(c.name)}"
                      for c in columns)
    staged = _ident(f"{table.name}_text")
    connection.execute(f"CREATE TEMP TABLE {staged} AS SELECT {line} AS line, {cells} FROM {source}")
    for col in columns:
        if col.kind == "number":  # thousands separators as the pandas loader accepts them ("9,000", not "9,00")
            cell = _ident(col.name)
            connection.execute(f"ALTER TABLE {staged} ADD COLUMN {_number(col.name)} DOUBLE")
            connection.execute(
                f"UPDATE {staged} SET {_number(col.name)} = TRY_CAST(CASE WHEN regexp_full_match({cell}, "
                f"{_literal(THOUSANDS_PATTERN)}) THEN replace({cell}, ',', '') ELSE {cell} END AS DOUBLE)")
    if table.needs_rows and connection.execute(f"SELECT count(*) FROM {staged}").fetchone()[0] == 0:
        ctx.add("data.no_rows")
    return list(ctx.problems)


def _rows_and_more(lines: list, count: int) -> tuple[tuple[int, ...], dict]:
    return tuple(int(x) for x in lines), ({"more_rows": int(count) - len(lines)} if count > len(lines) else {})


def _run_check(connection, staged: str, file: str, check: SqlCheck) -> list[Problem]:
    """The problems of one check: one per distinct bad value (or per row), rows in file order."""
    if check.per_row:
        extra = "".join(f", {sql}" for _, sql in check.row_params)
        found = connection.execute(f"SELECT line, {check.value}{extra} FROM {staged} WHERE {check.where} "
                                   f"ORDER BY line LIMIT {ROWS_LISTED}").fetchall()
        problems = []
        for line, value, *others in found:
            params = dict(check.params, value=value, **{name: v for (name, _), v in zip(check.row_params, others)})
            if check.code == "data.excel_serial":
                params["date"] = excel_serial_date(value)
            problems.append(Problem(file, check.code, (int(line),), check.column, params))
        return problems
    if check.value is None:
        lines, count = connection.execute(
            f"SELECT list(line ORDER BY line)[1:{ROWS_LISTED}], count(*) FROM {staged} WHERE {check.where}").fetchone()
        if not count:
            return []
        rows, extra = _rows_and_more(lines, count)
        return [Problem(file, check.code, rows, check.column, dict(check.params, **extra))]
    found = connection.execute(
        f"SELECT {check.value}, list(line ORDER BY line)[1:{ROWS_LISTED}], count(*), min(line) FROM {staged} "
        f"WHERE {check.where} GROUP BY 1 ORDER BY 4 LIMIT {VALUES_LISTED}").fetchall()
    problems = []
    for value, lines, count, _ in found:
        rows, extra = _rows_and_more(lines, count)
        shown = show_value(float(value)) if check.numeric else value
        problems.append(Problem(file, check.code, rows, check.column, dict(check.params, value=shown, **extra)))
    return problems


def _duplicates(connection, staged: str, file: str, table: Table, present: list[str]) -> list[Problem]:
    """Later rows repeating the unique key of an earlier one (keys with a bad cell are reported above)."""
    if not table.unique or not set(table.unique) <= set(present):
        return []
    code, label = unique_problem(table)
    cols = [table.column(name) for name in table.unique]
    keys = [_number(c.name) if c.kind == "number" else _ident(c.name) for c in cols]
    complete = " AND ".join(f"{_ident(c.name)} IS NOT NULL AND {_valid(c)}" for c in cols)
    partition = ", ".join(keys)
    found = connection.execute(
        f"SELECT {partition}, line, first_value(line) OVER (PARTITION BY {partition} ORDER BY line) AS first_line "
        f"FROM {staged} WHERE {complete} "
        f"QUALIFY count(*) OVER (PARTITION BY {partition}) > 1 AND line > first_line ORDER BY line LIMIT {ROWS_LISTED}"
    ).fetchall()
    problems = []
    for *values, line, first_line in found:
        shown = " / ".join(show_value(float(v)) if c.kind == "number" else str(v) for c, v in zip(cols, values))
        problems.append(Problem(file, code, (int(line),), label, {"value": shown, "first_row": int(first_line)}))
    return problems


def check_staged(connection, file: str, table: Table, references: dict[str, tuple[pd.Series, str]],
                 ctx: TableContext | None = None) -> list[Problem]:
    """Check every cell of the staged table against its contract, in DuckDB.

    Parameters
    ----------
    connection : duckdb.DuckDBPyConnection
        With ``<table>_text`` staged by :func:`stage_table`.
    file : str
        The file's name, as messages name it.
    table : Table
        The contract's declaration.
    references : dict
        ``"table.column"`` -> (valid values, file name) for the reference checks.
    ctx : TableContext, optional
        As :func:`stage_table` left it: the user's headers and header row the problems are worded with.

    Returns
    -------
    list of Problem
        Empty when the table is valid. Rows are spreadsheet rows (header = 1, or the row it is on).

    Examples
    --------
    >>> import duckdb
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "mrr.csv"
    ...     _ = path.write_text("account_id,month,mrr\\nA1,2024-01,-5.0\\nA1,2024-01,3\\n", encoding="utf-8")
    ...     connection = duckdb.connect()
    ...     staged = stage_table(connection, path, TABLES["mrr"])
    ...     problems = check_staged(connection, path.name, TABLES["mrr"], {})
    >>> staged, [(p.code, p.rows, p.params["value"]) for p in problems]
    ([], [('data.negative', (2,), '-5'), ('data.duplicate_key', (3,), 'A1 / 2024-01')])
    """
    staged = _ident(f"{table.name}_text")
    present = [row[0] for row in connection.execute(f"SELECT * FROM {staged} LIMIT 0").description]
    for reference, (values, _) in references.items():
        connection.register(_reference_view(reference), pd.DataFrame({"value": values.dropna().astype(str).to_numpy()}))
    problems: list[Problem] = []
    for check in table_checks(table, present, references):
        problems += _run_check(connection, staged, file, check)
    problems += _duplicates(connection, staged, file, table, present)
    ctx = ctx or TableContext(file)
    return [as_user_sees(p, ctx.headers, ctx.header_row) for p in problems]


# --------------------------------------------------------------------------- #
# The route
# --------------------------------------------------------------------------- #
def _revenue_file(folder: Path, config: DatasetConfig) -> tuple[Table | None, Path | None, list[Problem]]:
    """The folder's one revenue table (``mrr`` or ``subscriptions``) and its file, or the problem."""
    found, problems = {}, []
    for name in REVENUE_TABLES:
        path, missing = table_file(folder, name, config)
        problems += missing
        if path is not None:
            found[name] = path
    problems += revenue_table_problems({name: path.name for name, path in found.items()})
    if problems:
        return None, None, problems
    (name, path), = found.items()
    return TABLES[name], path, []


def _check_revenue(connection, table: Table, path: Path, dataset: Dataset | None, config: DatasetConfig) -> list[Problem]:
    """Stage the revenue file and check it (against ``accounts`` when that table is valid)."""
    ctx = TableContext(path.name)
    problems = stage_table(connection, path, table, config, ctx)
    if any(p.severity == "error" for p in problems) or dataset is None:  # not checked against a broken accounts file
        return problems
    references = {f"{name}.{column}": (dataset[name][column],
                                       reference_parent(dataset.sources.get(name, f"{name}.csv"),
                                                        dataset.headers.get(name, {}).get(column, column)))
                  for name, column in (c.references.split(".") for c in table.columns if c.references)
                  if dataset.has(name) and column in dataset[name]}
    return problems + check_staged(connection, path.name, table, references, ctx)


def _subscriptions_mrr(connection, path: Path, as_of) -> tuple[tuple[pd.Period, pd.Period] | None, list[Problem]]:
    """Derive the ``mrr`` table from the staged (valid) subscriptions, by :mod:`cskit.io.subscriptions`' rule."""
    first, latest = connection.execute(
        "SELECT min(CAST(start_date AS DATE)), greatest(max(CAST(start_date AS DATE)), "
        "coalesce(max(CAST(end_date AS DATE)), max(CAST(start_date AS DATE)))) FROM subscriptions_text").fetchone()
    window, problems = data_window(pd.Timestamp(first), pd.Timestamp(latest), as_of, path.name)
    if window is not None:
        staged = [row[0] for row in connection.execute("SELECT * FROM subscriptions_text LIMIT 0").description]
        sql = monthly_mrr_sql("subscriptions_text", "billing_period_months" in staged, window)
        connection.execute(f"CREATE TEMP TABLE mrr AS {sql}")
    return window, problems


def _sorted_kpis(kpis: pd.DataFrame, teams: list[str], start, end) -> pd.DataFrame:
    """Rows of ``start..end``, ordered by team (as given), KPI (:data:`PUSHDOWN_KPIS`) and month."""
    first, last = check_month("--from/--to", start), check_month("--from/--to", end)
    if first is not None:
        kpis = kpis[kpis["month"] >= first]
    if last is not None:
        kpis = kpis[kpis["month"] <= last]
    order = {kpi: i for i, kpi in enumerate(PUSHDOWN_KPIS)}
    team_order = {t: i for i, t in enumerate(teams)}
    kpis = kpis.assign(_t=kpis["team"].map(team_order), _k=kpis["kpi"].map(order)).sort_values(["_t", "_k", "month"], kind="stable")
    return kpis.drop(columns=["_t", "_k"]).reset_index(drop=True)


def revenue_kpis(location, teams: str | list[str] | None = None, start: str | None = None,
                 end: str | None = None, config=None) -> tuple[pd.DataFrame, Dataset]:
    """Revenue KPIs of a large dataset folder, checked and computed in DuckDB.

    Parameters
    ----------
    location : str or Path
        Dataset folder whose ``mrr`` file is CSV (UTF-8) or Parquet.
    teams : str, list of str or None
        As :func:`cskit.kpi.engine.compute_kpis`: ``None``/``"all"`` = company and every team.
    start, end : str or None
        First and last month returned (``YYYY-MM``).
    config : str, Path or DatasetConfig, optional
        A ``dataset.yml`` to use instead of the folder's own (:func:`cskit.io.inspect_dataset`).

    Returns
    -------
    kpis : DataFrame
        Tidy ``team, month, kpi, value`` for :data:`cskit.kpi.sql.PUSHDOWN_KPIS`
        (money in the data's currency, rates as fractions).
    dataset : Dataset
        The other tables, loaded and checked by the pandas loader (no ``mrr``).

    Raises
    ------
    DataValidationError
        Any problem in any table, with file, row and column.

    Examples
    --------
    >>> kpis, dataset = revenue_kpis("data/sample", teams="all")
    >>> dataset.has("mrr"), set(kpis["kpi"]) == set(PUSHDOWN_KPIS)
    (False, True)
    """
    folder = Path(location)
    settings, _ = resolve_config(config, folder)
    settings = settings or read_dataset_config(folder)[0]  # its problems are reported by inspect_dataset below
    # the revenue KPIs read teams, accounts and mrr (or subscriptions) only; the other tables
    # are left to `cskit validate` and the pandas route (they cannot change these figures)
    loaded_by_pandas = tuple(t for t in TABLES_READ if t not in REVENUE_TABLES)
    dataset, problems = inspect_dataset(folder, exclude=tuple(t for t in TABLES if t not in loaded_by_pandas),
                                        columns={"accounts": ("account_id", "team", "sales_team")}, config=config)
    table, path, found = _revenue_file(folder, settings)
    problems += found
    as_of = None
    if table is not None and table.name == "subscriptions":
        as_of, found = parse_as_of(settings.as_of)  # dataset.yml's own problems: above
        problems += at_as_of(found, settings)
    with tempfile.TemporaryDirectory(prefix="cskit-duckdb-") as scratch:
        connection = _connect(scratch)
        try:
            if table is not None:
                problems += _check_revenue(connection, table, path, dataset, settings)
            window = None
            if table is not None and table.name == "subscriptions" and not any(p.severity == "error" for p in problems):
                window, found = _subscriptions_mrr(connection, path, as_of)
                problems += at_as_of(found, settings)
            if dataset is None or any(p.severity == "error" for p in problems):
                raise DataValidationError(problems, str(folder))
            dataset = replace(dataset, warnings=tuple(p for p in problems if p.severity == "warning"))
            connection.register("accounts", dataset["accounts"].astype({"account_id": str}))
            if table.name == "mrr":
                connection.execute(f"CREATE TEMP VIEW mrr AS SELECT account_id, month, {_number('mrr')} AS mrr FROM mrr_text")
            frames = []
            for team in teams_to_compute(dataset, teams):
                if team != "all" and not len(dataset.account_ids(team)):
                    continue  # revenue KPIs count a team's accounts; the pandas engine leaves such a team out too
                column = "team" if team == "all" else dataset.account_team_column(team)
                frames.append(monthly_revenue(str(folder), team, team_column=column, duckdb_connection=connection,
                                              window=window))
        finally:
            connection.close()
    dataset = replace(dataset, window=window, warnings=dataset.warnings + tuple(p for p in problems if p.severity == "warning"
                                                                               and p not in dataset.warnings))
    return _sorted_kpis(pd.concat(frames, ignore_index=True), teams_to_compute(dataset, teams), start, end), dataset
