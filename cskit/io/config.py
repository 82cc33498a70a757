"""``dataset.yml``: a dataset's settings and how the user's export maps onto the contract.

The file is optional (in the dataset folder, or given with ``--config FILE`` /
``config=`` for a database or to override a folder's own)::

    currency: JPY
    as_of: 2026-10-31
    columns:                  # per table: contract column -> the header in your file
      accounts: {account_id: 取引先ID, team: 担当チーム}
    values:                   # per table and choice column: your value -> the contract's value
      opportunities: {stage: {受注: won, 失注: lost, 商談中: open}}
    tables:                   # per table: where it is (all keys optional)
      accounts: {file: 取引先一覧.csv, sheet: 取引先, header_row: 4}
      mrr: {table: crm.mrr_export}

:func:`read_dataset_config` reads it into a frozen :class:`DatasetConfig`. Every problem
names ``dataset.yml``, the line and the key path (``columns.accounts.team``), so the
user can go straight to it. ``as_of`` is kept as YAML gives it (a date or text); its
reader parses it.
"""
from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._yaml import SafeLoader
from ..contract import TABLES
from ..errors import CskitError, Problem
from .readers import SPACES

__all__ = ["CONFIG_FILE", "TOP_LEVEL_KEYS", "LOCATION_KEYS", "TableLocation", "DatasetConfig", "normalise_header",
           "normalise_value", "did_you_mean", "parse_config", "read_dataset_config", "resolve_config"]

#: The settings file of a dataset folder.
CONFIG_FILE = "dataset.yml"
#: Keys a ``dataset.yml`` may have (``name``, ``period_*`` and ``generator`` describe a generated sample).
TOP_LEVEL_KEYS = ("currency", "as_of", "description", "name", "period_start", "period_end", "generator",
                  "columns", "values", "tables")
#: Keys of one ``tables.<table>`` entry.
LOCATION_KEYS = ("file", "sheet", "header_row", "table")


def normalise_header(text: Any) -> str:
    """A header as it is compared: NFKC, case folded, without spaces or underscores.

    So ``ＡＣＣＯＵＮＴ＿ＩＤ``, ``Account ID`` and ``account_id`` are one header.

    Examples
    --------
    >>> normalise_header("  ＡＣＣＯＵＮＴ＿ＩＤ "), normalise_header("Contract  Start"), normalise_header("取引先 ID")
    ('accountid', 'contractstart', '取引先id')
    """
    text = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "")
    return "".join(text.split()).replace("_", "").casefold()


def normalise_value(text: Any) -> str:
    """A cell value as ``values`` mappings compare it: NFKC and trimmed (case kept).

    Examples
    --------
    >>> normalise_value(" 受注　"), normalise_value("Ｗｏｎ")
    ('受注', 'Won')
    """
    return unicodedata.normalize("NFKC", str(text)).strip(SPACES)


def did_you_mean(name: str, candidates: dict[str, str]) -> str | None:
    """The candidate ``name`` most likely stands for, or None.

    Parameters
    ----------
    name : str
        What the user wrote (a header, a key).
    candidates : dict of str to str
        A spelling the user could have meant -> what to suggest (a contract column
        and the header mapped to it both point to the column).

    Names are compared normalised (:func:`normalise_header`); one containing the other
    (``start`` in ``contract_start``) is a match too. Pure, so ``cskit map`` can use it.

    Examples
    --------
    >>> did_you_mean("start", {"contract_start": "contract_start", "segment": "segment"})
    'contract_start'
    >>> did_you_mean("curency", {"currency": "currency"}), did_you_mean("xyz", {"currency": "currency"})
    ('currency', None)
    """
    target = normalise_header(name)
    spelled = {normalise_header(k): v for k, v in candidates.items()}
    close = difflib.get_close_matches(target, list(spelled), n=1, cutoff=0.75)
    if close:
        return spelled[close[0]]
    containing = [k for k in spelled if len(target) >= 3 and len(k) >= 3 and (target in k or k in target)]
    if containing:
        best = max(containing, key=lambda k: difflib.SequenceMatcher(None, target, k).ratio())
        return spelled[best]
    return None


@dataclass(frozen=True)
class TableLocation:
    """Where one table is: ``file`` (folder), ``sheet`` and ``header_row`` (1 = first row), or ``table`` (database)."""

    file: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    table: str | None = None


@dataclass(frozen=True)
class DatasetConfig:
    """A parsed and validated ``dataset.yml``.

    Attributes
    ----------
    currency : str
        ISO code of every money column (default ``JPY``).
    as_of : object
        The date the export was taken, as YAML read it (None when absent).
    description : object
        Free text.
    columns : dict
        ``{table: {contract column: header in the user's file}}``.
    values : dict
        ``{table: {column: {user's value (NFKC, trimmed): contract value}}}``.
    tables : dict
        ``{table: TableLocation}``.
    lines : dict
        ``{key path: line in dataset.yml}``, for problems found while reading the data.
    file : str
        How messages name the settings file.

    Examples
    --------
    >>> config, problems = parse_config("columns:\\n  accounts: {team: 担当チーム}\\n")
    >>> config.header("accounts", "team"), config.lines["columns.accounts.team"], problems
    ('担当チーム', 2, [])
    """

    currency: str = "JPY"
    as_of: Any = None
    description: Any = None
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    tables: dict[str, TableLocation] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    file: str = CONFIG_FILE

    def header(self, table: str, column: str) -> str | None:
        """The header ``column`` of ``table`` is mapped to, or None."""
        return self.columns.get(table, {}).get(column)

    def location(self, table: str) -> TableLocation:
        """Where ``table`` is (every field None when the file does not say)."""
        return self.tables.get(table, TableLocation())

    def problem(self, code: str, key: str, severity: str = "error", **params) -> Problem:
        """A problem at ``key`` (``columns.accounts.team``), naming this file and the key's line."""
        return Problem(self.file, code, params=params, severity=severity, line=self.lines.get(key), key=key)


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #
def read_dataset_config(location: str | Path) -> tuple[DatasetConfig, list[Problem]]:
    """Read ``dataset.yml`` (a folder's, or a settings file itself) into a :class:`DatasetConfig`.

    Parameters
    ----------
    location : str or Path
        A dataset folder (its ``dataset.yml`` is optional) or the path of a settings file.

    Returns
    -------
    config : DatasetConfig
        Defaults where the file says nothing (or has an error).
    problems : list of Problem
        Every problem, naming the file, the line and the key.

    Examples
    --------
    >>> read_dataset_config(Path("no/such/folder"))
    (DatasetConfig(currency='JPY', as_of=None, description=None, columns={}, values={}, tables={}, lines={}, file='dataset.yml'), [])
    >>> read_dataset_config("data/sample")[0].currency
    'JPY'
    """
    path = Path(location)
    if not path.is_file():
        path = path / CONFIG_FILE
        if not path.is_file():
            return DatasetConfig(), []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return DatasetConfig(file=path.name), [Problem(path.name, "data.dataset_yml", params={"reason": str(exc)})]
    return parse_config(text, path.name)


def resolve_config(config, location) -> tuple[DatasetConfig | None, list[Problem]]:
    """The settings a load uses: ``config`` (a DatasetConfig or a file) when given, else None (the source's own).

    Raises
    ------
    CskitError
        ``config.file_missing`` when ``config`` names a file that does not exist.

    Examples
    --------
    >>> resolve_config(None, "data/sample")
    (None, [])
    >>> resolve_config(DatasetConfig(currency="USD"), "data/sample")[0].currency
    'USD'
    """
    if config is None or isinstance(config, DatasetConfig):
        return config, []
    if not Path(config).is_file():
        raise CskitError("config.file_missing", path=str(config))
    return read_dataset_config(config)


def parse_config(text: str, file: str = CONFIG_FILE) -> tuple[DatasetConfig, list[Problem]]:
    """Parse and validate the text of a ``dataset.yml``; see :func:`read_dataset_config`.

    Examples
    --------
    >>> _, problems = parse_config("currency: USD\\ncolumns:\\n  acounts: {team: 担当}\\n")
    >>> [p.render("en") for p in problems]  # doctest: +NORMALIZE_WHITESPACE
    ["dataset.yml line 3, key columns.acounts: 'acounts' is not a table of the data contract; did you mean accounts?"]
    """
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        return DatasetConfig(file=file), [Problem.yaml_syntax(file, exc)]
    finally:
        loader.dispose()
    if node is None:
        return DatasetConfig(file=file), []
    if not isinstance(node, yaml.MappingNode):
        return DatasetConfig(file=file), [Problem(file, "config.not_mapping", line=node.start_mark.line + 1)]
    return _Validator(file, node, data).run()


class _Validator:
    """Walks the composed document (for lines and the text as written) and checks each part."""

    def __init__(self, file: str, node: yaml.MappingNode, data: dict):
        self.file, self.node, self.data = file, node, data
        self.lines: dict[str, int] = {}
        self.problems: list[Problem] = []

    def add(self, code: str, key: str, **params) -> None:
        self.problems.append(Problem(self.file, code, params=params, line=self.lines.get(key), key=key))

    def entries(self, node, key: str, expected: str = "config.expect_mapping") -> list[tuple[str, str, Any]]:
        """``(text of the key, key path, value node)`` of a mapping node, lines recorded; a problem if not a mapping."""
        if not isinstance(node, yaml.MappingNode):
            self.add("config.bad_type", key, expected_key=expected)
            return []
        found = []
        for key_node, value in node.value:
            name = str(key_node.value)
            path = f"{key}.{name}" if key else name
            self.lines[path] = key_node.start_mark.line + 1
            found.append((name, path, value))
        return found

    def text(self, node, key: str) -> str | None:
        """A scalar's text as written, or None after a problem."""
        if isinstance(node, yaml.ScalarNode) and str(node.value).strip():
            return str(node.value)
        self.add("config.bad_type", key, expected_key="config.expect_text")
        return None

    def known(self, name: str, key: str, allowed, code: str, hinted: str, **params) -> bool:
        """True when ``name`` is one of ``allowed``; else a problem with a suggestion when one is close."""
        if name in allowed:
            return True
        suggestion = did_you_mean(name, {a: a for a in allowed})
        if suggestion is None:
            self.add(code, key, name=name, allowed=", ".join(allowed), **params)
        else:
            self.add(hinted, key, name=name, suggestion=suggestion, **params)
        return False

    def run(self) -> tuple[DatasetConfig, list[Problem]]:
        parts = {}
        for name, key, value in self.entries(self.node, ""):
            if self.known(name, key, TOP_LEVEL_KEYS, "config.unknown_key", "config.unknown_key_hint"):
                parts[name] = (key, value)
        currency = "JPY"
        if "currency" in parts:
            currency = self.text(parts["currency"][1], "currency") or "JPY"
        columns = self.columns(parts["columns"][1]) if "columns" in parts else {}
        values = self.values(parts["values"][1]) if "values" in parts else {}
        tables = self.tables(parts["tables"][1]) if "tables" in parts else {}
        config = DatasetConfig(currency=currency, as_of=self.data.get("as_of"), description=self.data.get("description"),
                               columns=columns, values=values, tables=tables, lines=dict(self.lines), file=self.file)
        return config, self.problems

    def table_entries(self, node, key: str) -> list[tuple[str, str, Any]]:
        """Entries of a per-table mapping whose key is a table of the contract."""
        return [(name, path, value) for name, path, value in self.entries(node, key)
                if self.known(name, path, tuple(TABLES), "config.unknown_table", "config.unknown_table_hint")]

    def column_entries(self, table: str, node, key: str) -> list[tuple[str, str, Any]]:
        """Entries of a per-column mapping whose key is a column of ``table``."""
        names = tuple(c.name for c in TABLES[table].columns)
        return [(name, path, value) for name, path, value in self.entries(node, key)
                if self.known(name, path, names, "config.unknown_column", "config.unknown_column_hint", table=table)]

    def columns(self, node) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for table, table_key, table_node in self.table_entries(node, "columns"):
            mapped, seen = {}, {}
            for column, key, value in self.column_entries(table, table_node, table_key):
                header = self.text(value, key)
                if header is None:
                    continue
                normal = normalise_header(header)
                if normal in seen:
                    self.add("config.same_header", key, header=header, first=seen[normal], second=column)
                    continue
                seen[normal] = column
                mapped[column] = header
            out[table] = mapped
        return out

    def values(self, node) -> dict[str, dict[str, dict[str, str]]]:
        out: dict[str, dict[str, dict[str, str]]] = {}
        for table, table_key, table_node in self.table_entries(node, "values"):
            enums = tuple(c.name for c in TABLES[table].columns if c.kind == "enum")
            per_column = {}
            for column, key, value in self.column_entries(table, table_node, table_key):
                if column not in enums:
                    self.add("config.not_enum", key, table=table, column=column, allowed=", ".join(enums) or "-")
                    continue
                allowed = TABLES[table].column(column).allowed
                pairs = {}
                for user_value, value_key, target_node in self.entries(value, key):
                    target = self.text(target_node, value_key)
                    if target is None:
                        continue
                    if target not in allowed:
                        self.add("config.bad_choice", value_key, value=target, table=table, column=column,
                                 allowed=", ".join(allowed))
                        continue
                    pairs[normalise_value(user_value)] = target
                per_column[column] = pairs
            out[table] = per_column
        return out

    def tables(self, node) -> dict[str, TableLocation]:
        if isinstance(node, yaml.SequenceNode):  # a list of the tables present (as written by `cskit sample`)
            for item in node.value:
                self.lines["tables"] = item.start_mark.line + 1
                name = str(getattr(item, "value", ""))
                self.known(name, "tables", tuple(TABLES), "config.unknown_table", "config.unknown_table_hint")
            return {}
        out = {}
        for table, table_key, table_node in self.table_entries(node, "tables"):
            fields: dict[str, Any] = {}
            for name, key, value in self.entries(table_node, table_key):
                if not self.known(name, key, LOCATION_KEYS, "config.unknown_key", "config.unknown_key_hint"):
                    continue
                if name == "header_row":
                    written = getattr(value, "value", None)
                    if not (isinstance(written, str) and written.isdigit() and int(written) >= 1):
                        self.add("config.bad_header_row", key, value=str(written))
                        continue
                    fields[name] = int(written)
                else:
                    text = self.text(value, key)
                    if text is not None:
                        fields[name] = text
            out[table] = TableLocation(**fields)
        return out
