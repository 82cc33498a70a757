"""Read a dataset (a folder or a database) into a validated :class:`~cskit.dataset.Dataset`.

Every table of the contract is read from its source (:mod:`cskit.io.sources`), parsed
and checked on its own (:mod:`cskit.io.parsing`, :mod:`cskit.io.checks`) and against
the tables it refers to (:mod:`cskit.io.references`). All problems of all files are
collected before anything is raised.

Revenue comes from ``mrr`` or ``subscriptions`` (:data:`cskit.contract.REVENUE_TABLES`);
from ``subscriptions`` the monthly ``mrr`` table and the data window are derived
(:mod:`cskit.io.subscriptions`), so the rest of cskit reads ``mrr`` either way.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..contract import REVENUE_TABLES, TABLES
from ..dataset import Dataset
from ..errors import DataValidationError, Problem
from .context import TableContext
from .config import DatasetConfig, read_dataset_config, resolve_config
from .references import check_references, check_teams, referenced_columns
from .sources import open_source, shown_location
from .subscriptions import at_as_of, derive_mrr, parse_as_of, revenue_table_problems

__all__ = ["inspect_dataset", "load_dataset", "read_dataset_config"]


def inspect_dataset(path: str | Path | Mapping[str, pd.DataFrame], columns: dict[str, tuple[str, ...]] | None = None,
                    exclude: tuple[str, ...] = (),
                    config: str | Path | DatasetConfig | None = None) -> tuple[Dataset | None, list[Problem]]:
    """Read and validate a dataset, returning every problem instead of raising.

    Parameters
    ----------
    path : str, Path or mapping of str to DataFrame
        Folder with one file per table, a SQLAlchemy database URL whose tables
        carry the contract's names (only those tables are read), or tables already in
        memory (``{"accounts": frame, "mrr": frame, ...}``), checked the same way.
    columns : dict of str to tuple of str, optional
        Per table, the columns to keep in the returned dataset (other tables are kept
        whole). Every column of every table is still read and checked, so a bad cell
        is reported either way; this only saves memory for callers that need few
        columns of large tables (``cskit kpi``).
    exclude : tuple of str
        Tables not read here because the caller checks them another way
        (:mod:`cskit.kpi.pushdown` checks a large ``mrr`` or ``subscriptions`` inside
        DuckDB); excluding either revenue table leaves the mrr-or-subscriptions rule to the caller.
    config : str, Path or DatasetConfig, optional
        A ``dataset.yml`` (its path, or read already) for a database URL or tables in
        memory, or to use instead of a folder's own: currency, the user's headers and
        values, where each table is (:mod:`cskit.io.config`).

    Returns
    -------
    dataset : Dataset or None
        ``None`` when any error was found.
    problems : list of Problem
        Errors and warnings of all files, in contract order.

    Examples
    --------
    >>> dataset, problems = inspect_dataset("data/sample")
    >>> dataset is not None, [p for p in problems if p.severity == "error"]
    (True, [])
    """
    source = open_source(path)
    config, problems = resolve_config(config, path)
    if config is None:
        config, problems = source.config()
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    contexts: dict[str, TableContext] = {}
    referenced = referenced_columns()

    def context(name: str, file: str) -> TableContext:
        contexts[name] = TableContext(file)
        return contexts[name]

    for name, table in TABLES.items():  # parents come before the tables that refer to them
        if name in exclude:
            continue
        found = source.read(table, lambda file, name=name: context(name, file), config)
        if found is None:
            if table.required:
                problems.append(Problem(table.file_name, "data.file_missing", params={"table": name}))
            continue
        files[name], frame = found
        if frame is not None:
            frames[name] = frame
            check_references(name, frames, files, contexts)
            if name in ("teams", "accounts"):  # before the columns are trimmed; runs once both are read
                check_teams(frames, contexts)
            contexts[name].encoded = {c: v for c, v in contexts[name].encoded.items() if (name, c) in referenced}
            if columns is not None and name in columns:  # every cell was checked; keep what the caller uses
                frames[name] = pd.DataFrame({c: frame[c] for c in frame.columns if c in columns[name]}, copy=False)
            del frame
        pa.default_memory_pool().release_unused()  # the raw text of a large file is no longer needed
    if not any(name in exclude for name in REVENUE_TABLES):
        problems += revenue_table_problems({name: files[name] for name in REVENUE_TABLES if name in files})
    for ctx in contexts.values():
        problems.extend(sorted(ctx.problems, key=lambda p: (p.severity != "error", p.rows[:1] or (0,))))
    window = None
    if "subscriptions" in files and "mrr" not in files:
        as_of, found = parse_as_of(config.as_of)
        problems += at_as_of(found, config)
        if "subscriptions" in frames and not any(p.severity == "error" for p in problems):
            frames["mrr"], window, found = derive_mrr(frames["subscriptions"], as_of, files["subscriptions"])
            files["mrr"] = files["subscriptions"]
            problems += at_as_of(found, config)
    if any(p.severity == "error" for p in problems):
        return None, problems
    dataset = Dataset(
        tables=frames,
        path=shown_location(path),
        currency=config.currency,
        warnings=tuple(p for p in problems if p.severity == "warning"),
        sources=files,
        window=window,
        headers={name: dict(ctx.headers) for name, ctx in contexts.items() if ctx.headers},
    )
    return dataset, problems


def load_dataset(path: str | Path | Mapping[str, pd.DataFrame], columns: dict[str, tuple[str, ...]] | None = None,
                 config: str | Path | DatasetConfig | None = None) -> Dataset:
    """Load a dataset folder or database, raising one error that lists every problem.

    Parameters
    ----------
    path : str, Path or mapping of str to DataFrame
        Folder with ``accounts``, ``mrr`` or ``subscriptions``, and any optional tables,
        each as ``.csv`` (UTF-8, UTF-8 with BOM or Shift_JIS), ``.xlsx`` or ``.parquet``;
        a database URL; or tables in memory (see :func:`inspect_dataset`).
    columns : dict of str to tuple of str, optional
        Columns to keep per table once every cell has been checked (see :func:`inspect_dataset`).
    config : str, Path or DatasetConfig, optional
        A ``dataset.yml`` to use (see :func:`inspect_dataset`).

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
    >>> data = load_dataset("data/sample", columns={"accounts": ("account_id", "team")})
    >>> data["mrr"].dtypes["month"], list(data["accounts"].columns)
    (period[M], ['account_id', 'team'])
    """
    dataset, problems = inspect_dataset(path, columns, config=config)
    if dataset is None:
        raise DataValidationError(problems, shown_location(path))
    return dataset
