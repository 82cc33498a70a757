"""Read a dataset folder or database into validated, typed DataFrames.

The one entry point is :func:`load_dataset` (or :func:`inspect_dataset`, which returns
the problems instead of raising). Every file is read as text first and parsed column
by column, so each bad cell can be reported with its file, row and column, and so
values that can be read safely (full-width digits, thousands separators, surrounding
spaces, a byte-order mark) are normalised with a warning instead of being rejected.
All problems of all files are collected before anything is raised.

Modules: :mod:`~cskit.io.config` (``dataset.yml``), :mod:`~cskit.io.readers` (file
types), :mod:`~cskit.io.layout` (a table's file, sheet and header row),
:mod:`~cskit.io.mapping` (the user's headers and values onto the contract's),
:mod:`~cskit.io.parsing` (cells to typed columns), :mod:`~cskit.io.checks` (rules
within a table), :mod:`~cskit.io.references` (rules across tables),
:mod:`~cskit.io.sources` (folders and databases), :mod:`~cskit.io.subscriptions`
(monthly MRR derived from subscriptions), :mod:`~cskit.io.load` (the dataset). ``cskit map``
proposes a ``dataset.yml`` for a folder of exports: :mod:`~cskit.io.propose` (pure),
:mod:`~cskit.io.proposal_text` (its YAML), :mod:`~cskit.io.scan` (reading the folder).
"""
from __future__ import annotations

from ..dataset import Dataset
from .config import DatasetConfig, read_dataset_config
from .context import TableContext
from .load import inspect_dataset, load_dataset
from .parsing import parse_table
from .readers import detect_encoding, find_table_file, read_raw
from .sources import FolderSource, FrameSource, SqlSource, open_source

__all__ = [
    "Dataset", "DatasetConfig", "FolderSource", "FrameSource", "SqlSource", "TableContext", "detect_encoding", "find_table_file", "inspect_dataset",
    "load_dataset", "open_source", "parse_table", "read_dataset_config", "read_raw",
]
