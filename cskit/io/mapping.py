"""The user's headers and values onto the contract's: ``columns`` and ``values`` of ``dataset.yml``.

Headers are compared normalised on both sides (:func:`cskit.io.config.normalise_header`:
NFKC, trimmed, case folded), so ``ＡＣＣＯＵＮＴ＿ＩＤ`` and `` Account_ID`` are
``account_id`` without any setting; a header mapped in ``columns`` becomes its contract
column. Every other header is reported once per file (a warning, with a suggestion when
a contract column is close), never dropped in silence. The table context keeps the
user's header of each column, so every later message names the header the user knows.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ..contract import Table
from ..errors import Problem
from .config import DatasetConfig, did_you_mean, normalise_header, normalise_value
from .context import TableContext

__all__ = ["HeaderMatch", "match_headers", "map_header_names", "map_headers", "map_values"]

#: Headers pandas gives to cells left empty in a header row (not worth a warning when the column is empty).
_UNNAMED = "unnamed:"


@dataclass(frozen=True)
class HeaderMatch:
    """How a file's headers meet a table of the contract.

    Attributes
    ----------
    columns : dict of str to str
        Contract column -> the header it is read from.
    absent : dict of str to str
        Contract column -> the header ``dataset.yml`` maps it to, which the file lacks.
    unknown : dict of str to str or None
        Header that is no contract column -> the column it may stand for (or None).
    """

    columns: dict[str, str]
    absent: dict[str, str]
    unknown: dict[str, str | None]


def match_headers(headers: list[str], table: Table, mapped: dict[str, str]) -> HeaderMatch:
    """Match a file's headers to ``table``'s columns, given the ``columns`` mapping of that table.

    Examples
    --------
    >>> from cskit.contract import TABLES
    >>> found = match_headers(["取引先ID", "Team", "start"], TABLES["accounts"], {"account_id": "取引先 ID"})
    >>> found.columns, found.absent, found.unknown
    ({'account_id': '取引先ID', 'team': 'Team'}, {}, {'start': 'contract_start'})
    """
    by_name = {}
    for header in headers:
        by_name.setdefault(normalise_header(header), header)
    spelled = {normalise_header(mapped.get(c.name, c.name)): c.name for c in table.columns}
    columns, absent = {}, {}
    for col in table.columns:
        want = normalise_header(mapped.get(col.name, col.name))
        if want in by_name:
            columns[col.name] = by_name[want]
        elif col.name in mapped:
            absent[col.name] = mapped[col.name]
    used = set(columns.values())
    missing = {c.name for c in table.columns if c.name not in columns}
    candidates = {name: column for name, column in spelled.items() if column in missing}
    candidates.update({c: c for c in missing})
    unknown = {h: did_you_mean(h, candidates) for h in headers if h not in used and normalise_header(h)}
    return HeaderMatch(columns, absent, unknown)


def map_header_names(headers: list[str], table: Table, config: DatasetConfig, ctx: TableContext,
                     empty: frozenset[str] = frozenset()) -> dict[str, str] | None:
    """Contract column -> the user's header it is read from; None when a required column is missing.

    Every problem goes to ``ctx``: a header ``dataset.yml`` maps but the file lacks (an
    error naming the line of ``dataset.yml``), a required column missing, and each header
    that is no contract column (a warning; ``empty``: headers of empty columns, such as
    pandas' ``Unnamed: 3``, are not worth one). ``ctx`` learns the user's header of each
    column and the table's value mapping.

    Examples
    --------
    >>> from cskit.contract import TABLES
    >>> ctx = TableContext("mrr.csv")
    >>> config = DatasetConfig(columns={"mrr": {"account_id": "取引先ID"}})
    >>> map_header_names(["取引先ID", "month", "MRR", "memo"], TABLES["mrr"], config, ctx)
    {'account_id': '取引先ID', 'month': 'month', 'mrr': 'MRR'}
    >>> ctx.headers, [(p.code, p.column, p.severity) for p in ctx.problems]
    ({'account_id': '取引先ID', 'mrr': 'MRR'}, [('data.unknown_column', 'memo', 'warning')])
    """
    found = match_headers(headers, table, config.columns.get(table.name, {}))
    present = ", ".join(headers) or "-"
    for column, header in found.absent.items():
        ctx.problems.append(config.problem("config.header_absent", f"columns.{table.name}.{column}", file=ctx.file,
                                           header=header, column=column, present=present))
    for col in table.columns:
        if col.required and col.name not in found.columns and col.name not in found.absent:
            ctx.add("data.column_missing", column=col.name, field=col.name, present=present)
    for header, suggestion in found.unknown.items():
        if header.casefold().startswith(_UNNAMED) and header in empty:
            continue
        if suggestion is None:
            ctx.problems.append(Problem(ctx.file, "data.unknown_column", column=header, severity="warning"))
        else:
            ctx.problems.append(Problem(ctx.file, "data.unknown_column_hint", column=header,
                                        params={"suggestion": suggestion}, severity="warning"))
    ctx.headers.update({c: h for c, h in found.columns.items() if h != c})
    ctx.values.update(config.values.get(table.name, {}))
    if any(c.required and c.name not in found.columns for c in table.columns):
        return None
    return found.columns


def map_headers(raw: pa.Table, table: Table, config: DatasetConfig, ctx: TableContext) -> pa.Table | None:
    """``raw`` with the contract's names for the columns it holds (and only those); see :func:`map_header_names`.

    Examples
    --------
    >>> from cskit.contract import TABLES
    >>> ctx = TableContext("mrr.csv")
    >>> raw = pa.table({"ＡＣＣＯＵＮＴ＿ＩＤ": ["A1"], "対象月": ["2024-01"], "mrr": ["5"]})
    >>> map_headers(raw, TABLES["mrr"], DatasetConfig(columns={"mrr": {"month": "対象月"}}), ctx).column_names
    ['account_id', 'month', 'mrr']
    """
    empty = frozenset(h for h in raw.column_names if raw.column(h).null_count == raw.num_rows)
    columns = map_header_names(raw.column_names, table, config, ctx, empty)
    if columns is None:
        return None
    names = list(columns)
    return pa.table([raw.column(columns[c]) for c in names], names=names) if names else pa.table({})


def map_values(values: pa.Array, mapping: dict[str, str]) -> pa.Array:
    """Replace each user's value (compared NFKC and trimmed) by its contract value; the rest stay as written.

    Examples
    --------
    >>> map_values(pa.array(["受注", "won", None, "保留"]), {"受注": "won"}).to_pylist()
    ['won', 'won', None, '保留']
    """
    if not mapping:
        return values
    encoded = values.dictionary_encode()
    distinct = [mapping.get(normalise_value(v), v) for v in encoded.dictionary.to_pylist()]
    return pc.take(pa.array(distinct, pa.string()), encoded.indices)
