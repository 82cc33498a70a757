"""Where a dataset is read from: a folder of files or a database, behind a small registry.

A source hands each contract table to the same parsing and checks
(:func:`cskit.io.parsing.parse_table`), so a table reads the same from a CSV file, an
Excel sheet, a Parquet file or a SQL table.

* :class:`FolderSource`: one ``.csv``, ``.xlsx`` or ``.parquet`` file per table, and
  the optional ``dataset.yml``.
* :class:`SqlSource`: a SQLAlchemy URL (``sqlite:///crm.db``, ``postgresql://...``) or
  ``duckdb:///file.duckdb``; only the contract's tables are read, and of them only the
  contract's columns, identifiers quoted.

Each source applies the settings of ``dataset.yml`` (:class:`~cskit.io.config.DatasetConfig`)
it is given: the table's file, sheet and header row (:mod:`cskit.io.layout`), or its
database table, and the user's headers and values (:mod:`cskit.io.mapping`).

:class:`Connection` is the smallest common interface over DuckDB and SQLAlchemy that
:func:`cskit.kpi.sql.monthly_revenue` also runs its query on.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Callable, Protocol

import pandas as pd

from ..contract import TABLES, Table
from ..errors import CskitError, Problem
from .config import DatasetConfig, read_dataset_config
from .context import TableContext
from .layout import locate, table_file
from .mapping import map_header_names, map_headers
from .parsing import parse_table
from .readers import EmptyFile, find_table_file, read_raw, text_table, typed_to_text

__all__ = [
    "Source", "SOURCES", "register_source", "open_source", "is_database_url", "FolderSource", "FrameSource", "SqlSource",
    "Connection", "quote", "one_line", "shown_location",
]

#: ``ctx_factory(file name) -> TableContext``: how a source asks for the problem collector of one file.
ContextFactory = Callable[[str], TableContext]


class Source(Protocol):
    """What :func:`cskit.io.inspect_dataset` asks of a source."""

    def config(self) -> tuple[DatasetConfig, list[Problem]]:
        """The dataset's own settings (``dataset.yml``) and the problems reading them."""

    def read(self, table: Table, ctx_factory: ContextFactory,
             config: DatasetConfig) -> tuple[str, pd.DataFrame | None] | None:
        """``(name shown in messages, parsed frame or None when broken)``, or None when the table is absent."""


#: Source kinds in the order they are tried: name -> (accepts(location), factory).
SOURCES: dict[str, tuple[Callable[[str], bool], Callable[[str], Source]]] = {}


def register_source(name: str, accepts: Callable[[str], bool]):
    """Register the decorated class as the source of the locations ``accepts`` says yes to.

    Sources are tried in the order they were registered.

    Examples
    --------
    >>> list(SOURCES)
    ['sql', 'frames', 'folder']
    """

    def decorate(cls):
        SOURCES[name] = (accepts, cls)
        return cls

    return decorate


def is_database_url(location: str | Path) -> bool:
    """True for a database URL (``scheme://...``), False for a folder path.

    Examples
    --------
    >>> is_database_url("sqlite:///crm.db"), is_database_url("data/sample")
    (True, False)
    """
    return "://" in str(location)


def open_source(location: str | Path) -> Source:
    """The source for ``location``: a database URL or a folder (see :data:`SOURCES`).

    Examples
    --------
    >>> type(open_source("data/sample")).__name__
    'FolderSource'
    """
    for accepts, factory in SOURCES.values():
        if accepts(location):
            return factory(location)
    raise CskitError("data.dir_missing", path=str(location))  # pragma: no cover - the folder source takes the rest


def one_line(exc: Exception) -> str:
    """An exception as one short line for a message (at most 300 characters).

    Examples
    --------
    >>> one_line(ValueError(" bad   header "))
    'bad header'
    """
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def quote(identifier: str) -> str:
    """Quote a (possibly schema-qualified) identifier the SQL standard way.

    Examples
    --------
    >>> quote("crm.mrr_export"), quote('odd"name')
    ('"crm"."mrr_export"', '"odd""name"')
    """
    return ".".join('"' + part.replace('"', '""') + '"' for part in identifier.split("."))


@register_source("sql", is_database_url)
class SqlSource:
    """A dataset in a database: one table per contract table, same names and columns.

    Only the contract's tables are read, and of them only the contract's columns,
    with identifiers quoted; nothing else in the database is touched.

    Examples
    --------
    >>> from cskit.contract import TABLES
    >>> SqlSource("sqlite://").read(TABLES["mrr"], TableContext, DatasetConfig()) is None  # an empty database has no mrr table
    True
    """

    def __init__(self, url: str):
        self.connection = Connection(str(url))

    def config(self) -> tuple[DatasetConfig, list[Problem]]:
        """No settings in a database (give them with ``config=`` / ``--config``)."""
        return DatasetConfig(), []

    def read(self, table: Table, ctx_factory: ContextFactory,
             config: DatasetConfig) -> tuple[str, pd.DataFrame | None] | None:
        """``("<table> (SQL)", parsed frame or None)``, or None when the database has no such table.

        The database table is ``tables.<table>.table`` of ``dataset.yml`` (``crm.mrr_export``), else the contract's name.
        """
        name = config.location(table.name).table or table.name
        present = self.connection.columns(name)
        if present is None:
            return None
        label = f"{name} (SQL)"
        ctx = ctx_factory(label)
        columns = map_header_names(present, table, config, ctx)
        if columns is None:
            return label, None
        selected = ", ".join(f"{quote(header)} AS {quote(column)}" for column, header in columns.items())
        frame = self.connection.query(f"SELECT {selected} FROM {quote(name)}")
        return label, parse_table(text_table(frame.apply(typed_to_text)), table, ctx)


@register_source("frames", lambda location: isinstance(location, Mapping))
class FrameSource:
    """Tables already in memory: ``{table name: DataFrame}``, read as if each were a file.

    Every cell goes through the same parsing and checks as a file's, so a dataset built
    in memory (:mod:`cskit.datasets`, a notebook's worked example) is as valid as one read
    from disk. Messages name the table as ``<table> (DataFrame)``; rows are numbered as a
    spreadsheet would number them (header = 1).

    Examples
    --------
    >>> from cskit.contract import TABLES
    >>> frames = {"teams": pd.DataFrame({"team": ["cs_a"], "role": ["cs"]})}
    >>> name, frame = FrameSource(frames).read(TABLES["teams"], TableContext, DatasetConfig())
    >>> name, frame["role"].tolist()
    ('teams (DataFrame)', ['cs'])
    """

    def __init__(self, frames: Mapping[str, pd.DataFrame], currency: str = "JPY"):
        self.frames = dict(frames)
        self.currency = currency

    def config(self) -> tuple[DatasetConfig, list[Problem]]:
        """The currency given to the source (no settings file)."""
        return DatasetConfig(currency=self.currency), []

    def read(self, table: Table, ctx_factory: ContextFactory,
             config: DatasetConfig) -> tuple[str, pd.DataFrame | None] | None:
        """``("<table> (DataFrame)", parsed frame or None)``, or None when no frame has that name."""
        frame = self.frames.get(table.name)
        if frame is None:
            return None
        label = f"{table.name} (DataFrame)"
        ctx = ctx_factory(label)
        columns = map_header_names([str(c) for c in frame.columns], table, config, ctx)
        if columns is None:
            return label, None
        named = pd.DataFrame({column: frame[header] for column, header in columns.items()}, copy=False)
        return label, parse_table(text_table(named.apply(typed_to_text)), table, ctx)


@register_source("folder", lambda location: isinstance(location, (str, PathLike)) and not is_database_url(location))
class FolderSource:
    """A dataset folder: one ``.csv``, ``.xlsx`` or ``.parquet`` file per table.

    Examples
    --------
    >>> from cskit.contract import TABLES
    >>> name, frame = FolderSource("data/sample").read(TABLES["teams"], TableContext, DatasetConfig())
    >>> name, list(frame.columns)
    ('teams.csv', ['team', 'role', 'name_ja', 'name_en'])
    """

    def __init__(self, location: str | Path):
        self.folder = Path(location)
        if not self.folder.is_dir():
            raise CskitError("data.dir_missing", path=str(self.folder))

    def config(self) -> tuple[DatasetConfig, list[Problem]]:
        """The folder's ``dataset.yml`` (see :func:`cskit.io.config.read_dataset_config`)."""
        return read_dataset_config(self.folder)

    def read(self, table: Table, ctx_factory: ContextFactory,
             config: DatasetConfig) -> tuple[str, pd.DataFrame | None] | None:
        """``(file name, parsed frame or None)``, or None when the folder has no file for the table."""
        file, problems = table_file(self.folder, table.name, config)
        if file is None:
            if not problems:
                return None
            ctx = ctx_factory(config.location(table.name).file or table.file_name)
            ctx.problems.extend(problems)
            return ctx.file, None
        ctx = ctx_factory(file.name)
        try:
            if file.stat().st_size == 0:
                raise EmptyFile()
            layout, problems = locate(file, table, config)
            ctx.problems.extend(problems)
            if problems:
                return file.name, None
            ctx.header_row = layout.header_row
            raw, notes = read_raw(file, layout.sheet, layout.header_row)
        except EmptyFile:
            ctx.add("data.file_empty")
            return file.name, None
        except Exception as exc:  # any parser failure is a property of the file, said plainly
            ctx.add("data.file_unreadable", reason=one_line(exc))
            return file.name, None
        for note in notes:
            ctx.add("data.encoding", severity="warning", encoding=note)
        raw = map_headers(raw, table, config, ctx)
        return file.name, None if raw is None else parse_table(raw, table, ctx)


class Connection:
    """The smallest common interface over DuckDB and SQLAlchemy: columns of a table, run a query.

    Parameters
    ----------
    url : str
        ``duckdb:///file.duckdb``, any SQLAlchemy URL, or a dataset folder (its
        ``accounts`` and ``mrr`` files become DuckDB views read in place).
    duckdb_connection : duckdb.DuckDBPyConnection, optional
        Use this open connection instead.

    Examples
    --------
    >>> Connection("sqlite://").query("SELECT :n + 1 AS answer", {"n": 41})["answer"].tolist()
    [42]
    """

    def __init__(self, url: str, duckdb_connection=None):
        self.url = url
        self._duck, self._engine = None, None
        if duckdb_connection is not None:  # an open DuckDB connection (cskit.kpi.pushdown)
            self._duck = duckdb_connection
        elif not is_database_url(url):
            self._duck = _duckdb_over_files(url)
        elif url.startswith("duckdb://"):
            import duckdb

            path = url[len("duckdb:///"):] or ":memory:"
            self._duck = duckdb.connect(path, read_only=path != ":memory:")
            self._duck.execute("SET enable_progress_bar = false")
        else:
            import sqlalchemy

            try:  # connect once now, so an unreachable server or a missing driver is said before any table
                self._engine = sqlalchemy.create_engine(url)
                with self._engine.connect():
                    pass
            except Exception as exc:
                raise CskitError("data.sql_unreachable", url=shown_location(url), reason=_reason(url, exc)) from exc

    def columns(self, table: str) -> list[str] | None:
        """Column names of ``table``, or None when it does not exist."""
        if self._duck is not None:
            schema, _, name = table.rpartition(".")
            found = self._duck.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND (? = '' OR table_schema = ?) "
                "ORDER BY ordinal_position", [name, schema, schema]
            ).fetchall()
            return [row[0] for row in found] or None
        import sqlalchemy

        inspector = sqlalchemy.inspect(self._engine)
        schema, _, name = table.rpartition(".")
        if not inspector.has_table(name, schema=schema or None):
            return None
        return [c["name"] for c in inspector.get_columns(name, schema=schema or None)]

    def query(self, sql: str, parameters: dict | None = None) -> pd.DataFrame:
        """Run ``sql`` with named parameters (``:name``) and return a DataFrame."""
        if self._duck is not None:
            for name in sorted(parameters or {}, key=len, reverse=True):
                sql = sql.replace(f":{name}", f"${name}")  # DuckDB names parameters $name
            return self._duck.execute(sql, parameters or {}).df() if parameters else self._duck.execute(sql).df()
        import sqlalchemy

        with self._engine.connect() as connection:
            return pd.read_sql_query(sqlalchemy.text(sql), connection, params=parameters or {})


def _duckdb_over_files(folder: str):
    """An in-memory DuckDB whose views read a dataset folder's ``accounts`` and ``mrr`` files in place.

    This is the path for exports too large for pandas: DuckDB streams the CSV or
    Parquet files and only the monthly aggregates come back. The folder's ``dataset.yml``
    applies as on the other routes: each table's file and header row, and the user's
    headers, selected under the contract's names.
    """
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    config, problems = read_dataset_config(folder)
    for name in ("accounts", "mrr"):
        file, missing = table_file(Path(folder), name, config)
        if file is None:
            raise CskitError("data.file_missing", table=name)
        layout, found = locate(file, TABLES[name], config)
        # a view cannot take a bound parameter, so the path is quoted as an SQL string literal
        literal = "'" + str(file).replace("'", "''") + "'"
        reader = (f"read_parquet({literal})" if file.suffix == ".parquet"
                  else f"read_csv({literal}, all_varchar = true, skip = {layout.header_row - 1})")
        present = [row[0] for row in connection.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
        ctx = TableContext(file.name)
        headers = map_header_names(present, TABLES[name], config, ctx)
        errors = [p for p in problems + missing + found + ctx.problems if p.severity == "error"]
        if headers is None or errors:
            from ..errors import DataValidationError

            raise DataValidationError(errors, str(folder))
        columns = ", ".join(f"{quote(header)} AS {quote(column)}" for column, header in headers.items())
        connection.execute(f"CREATE VIEW {quote(name)} AS SELECT {columns} FROM {reader}")
    return connection


def shown_location(location) -> str:
    """How messages name where a dataset comes from: a folder, a URL with its password hidden, or tables in memory.

    Examples
    --------
    >>> shown_location("postgresql://bob:s3cret@db.example:5432/crm")
    'postgresql://bob:***@db.example:5432/crm'
    >>> shown_location("data/sample"), shown_location({"accounts": None})
    ('data/sample', '(DataFrames)')
    """
    if isinstance(location, Mapping):
        return "(DataFrames)"
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", str(location))


def _reason(url: str, exc: Exception) -> str:
    """Why a connection failed, in one line, with the URL's password (if any) blanked out of the driver's words."""
    reason = one_line(getattr(exc, "orig", None) or exc)
    password = re.search(r"://[^:/@]+:([^@]*)@", url)
    return reason.replace(password.group(1), "***") if password and password.group(1) else reason
