"""Which engine computes the KPIs of a dataset location: pandas, or DuckDB for a large export.

The policy lives here, once; :func:`cskit.kpi.engine.run_kpis` applies it and the CLI
only passes ``--engine`` on.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..io.config import read_dataset_config, resolve_config
from ..io.layout import table_file
from ..io.sources import is_database_url
from ..options import check_choice
from .pushdown import SUFFIXES

__all__ = ["ENGINES", "LARGE_INPUT_BYTES", "large_input_bytes", "choose_engine"]

#: ``auto`` picks one of the other two.
ENGINES = ("auto", "pandas", "duckdb")
#: ``auto`` takes the DuckDB route for an ``mrr`` or ``subscriptions`` file at least this large (bytes);
#: the environment variable ``CSKIT_LARGE_INPUT_BYTES`` overrides it.
LARGE_INPUT_BYTES = 1_000_000_000


def large_input_bytes() -> int:
    """The size in bytes from which ``engine="auto"`` takes the DuckDB route.

    Examples
    --------
    >>> large_input_bytes() > 0
    True
    """
    return int(os.environ.get("CSKIT_LARGE_INPUT_BYTES", LARGE_INPUT_BYTES))


def choose_engine(location, engine: str = "auto", config=None) -> str:
    """``"pandas"`` or ``"duckdb"`` for a dataset location.

    Parameters
    ----------
    location : str or Path
        Dataset folder or database URL (URLs always use pandas through SQLAlchemy).
    engine : {"auto", "pandas", "duckdb"}
        ``auto``: DuckDB when the folder's ``mrr`` (or ``subscriptions``) file is CSV or Parquet and at least
        :func:`large_input_bytes` bytes; the other two are taken as asked.
    config : str, Path or DatasetConfig, optional
        A ``dataset.yml`` to use instead of the folder's own (it may name the ``mrr`` file).

    Raises
    ------
    OptionError
        For an engine not in :data:`ENGINES`.

    Examples
    --------
    >>> choose_engine("data/sample"), choose_engine("sqlite:///crm.db"), choose_engine("data/sample", "duckdb")
    ('pandas', 'pandas', 'duckdb')
    """
    check_choice("--engine", engine, ENGINES)
    if engine != "auto":
        return engine
    if is_database_url(location):
        return "pandas"
    settings = resolve_config(config, location)[0] or read_dataset_config(location)[0]
    path = table_file(Path(location), "mrr", settings)[0] or table_file(Path(location), "subscriptions", settings)[0]
    if path is None or path.suffix not in SUFFIXES:
        return "pandas"
    return "duckdb" if path.stat().st_size >= large_input_bytes() else "pandas"
